/*
 * The connection guard (guard.h). An evbuffer callback on the TLS
 * connection's input runs whenever decrypted bytes are added, before
 * evhttp's read callback parses them, and whenever bytes are removed. It
 * follows the stream request by request: the lines of a head, then the
 * body its Content-Length declares.
 *
 * A Content-Length larger than [server] max_body (or any, on a connection
 * over the per-address cap) is renamed in place, as soon as its line is
 * complete and before evhttp has read it, to X-Body-Refused — the same
 * number of bytes. evhttp then takes the request as one without a body
 * and dispatches it at once; intake.c answers 413 (or 503) with a problem
 * document; and the body is dropped here as it arrives, once evhttp has
 * consumed the head, so that it is neither kept in memory nor read as the
 * next request. The connection stays usable.
 *
 * What the guard cannot follow (a chunked body, a head line longer than
 * evhttp would take, a second Content-Length) it stops watching: evhttp's
 * own limits and intake.c's checks apply as before.
 */
#include "guard.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "addrcount.h"
#include "app.h"

enum { G_HEAD, G_BODY, G_OFF };

#define LINE_MAX_BYTES 65536 /* past it, evhttp refuses the head itself */

/* ---- open connections per address ----------------------------------------- */

/* Counts the connection under its peer's address; true when that address
 * now has more open connections than [server] max_connections_per_address. */
static bool peer_count(struct conn *c, struct bufferevent *bev)
{
	struct worker *w = c->w;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	evutil_socket_t fd = bufferevent_getfd(bev);
	int cap = w->app->cfg.max_connections_per_address, n;

	c->guard.counted = true;
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
		return false;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->guard.peer,
			  sizeof c->guard.peer);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->guard.peer,
			  sizeof c->guard.peer);
	if (!c->guard.peer[0])
		return false;
	n = addrcount_add(&w->peers, c->guard.peer, 1);
	if (n < 0) {
		c->guard.peer[0] = '\0';
		return false;
	}
	return cap > 0 && n > cap;
}

void guard_detach(struct conn *c)
{
	if (!c->guard.peer[0])
		return;
	(void)addrcount_add(&c->w->peers, c->guard.peer, -1);
	c->guard.peer[0] = '\0';
}

void guard_worker_cleanup(struct worker *w)
{
	addrcount_free(&w->peers);
}

/* ---- the stream ------------------------------------------------------------ */

/* Copies the line at stream offset from (len bytes, its '\n' excluded, at
 * most cap - 1) into out. */
static size_t line_copy(struct evbuffer *in, const struct guard *g, uint64_t from, size_t len,
			char *out, size_t cap)
{
	struct evbuffer_ptr p;
	size_t n = len < cap - 1 ? len : cap - 1;
	ev_ssize_t got;

	if (evbuffer_ptr_set(in, &p, (size_t)(from - g->deleted), EVBUFFER_PTR_SET) != 0)
		return 0;
	got = evbuffer_copyout_from(in, &p, out, n);
	n = got > 0 ? (size_t)got : 0;
	out[n] = '\0';
	if (n > 0 && out[n - 1] == '\r')
		out[--n] = '\0';
	return n;
}

/* Overwrites the header name at stream offset from with GUARD_REFUSED_HEADER
 * (as long as "Content-Length"), in the buffer's own memory. */
static int rename_length(struct evbuffer *in, const struct guard *g, uint64_t from)
{
	static const char name[] = GUARD_REFUSED_HEADER;
	struct evbuffer_ptr p;
	struct evbuffer_iovec v[4];
	size_t done = 0;
	int n;

	_Static_assert(sizeof name - 1 == sizeof "Content-Length" - 1, "renamed in place");
	if (evbuffer_ptr_set(in, &p, (size_t)(from - g->deleted), EVBUFFER_PTR_SET) != 0)
		return -1;
	n = evbuffer_peek(in, (ev_ssize_t)(sizeof name - 1), &p, v, 4);
	for (int i = 0; i < n && i < 4 && done < sizeof name - 1; i++) {
		size_t k = v[i].iov_len;
		if (k > sizeof name - 1 - done)
			k = sizeof name - 1 - done;
		memcpy(v[i].iov_base, name + done, k);
		done += k;
	}
	return done == sizeof name - 1 ? 0 : -1;
}

/* A Content-Length value: digits, optional blanks around and a '+', as
 * evhttp reads it (strtoll); -1 otherwise. */
static long long length_value(const char *v)
{
	long long n = 0;
	bool digits = false;

	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '+')
		v++;
	for (; *v >= '0' && *v <= '9'; v++) {
		if (n > (1LL << 50))
			return -1;
		n = n * 10 + (*v - '0');
		digits = true;
	}
	while (*v == ' ' || *v == '\t')
		v++;
	return digits && !*v ? n : -1;
}

/* One complete head line [from, from + len) ('\n' at from + len). */
static void head_line(struct conn *c, struct evbuffer *in, uint64_t from, size_t len)
{
	struct guard *g = &c->guard;
	char text[96];
	size_t n = line_copy(in, g, from, len, text, sizeof text);

	if (!g->first_line) {
		g->first_line = n > 0; /* blank lines before a request are skipped */
		return;
	}
	if (n == 0) { /* the end of the head */
		g->head_end = from + len + 1;
		g->body_end = g->head_end + (g->n_length == 1 ? g->declared : 0);
		g->state = G_BODY;
		return;
	}
	if (strncasecmp(text, "Transfer-Encoding:", 18) == 0) {
		g->state = G_OFF; /* a chunked body cannot be followed */
		return;
	}
	if (strncasecmp(text, "Content-Length:", 15) != 0)
		return;
	long long v = -1;
	if (n < sizeof text - 1) {
		v = length_value(text + 15);
	} else {
		/* Longer than text: blanks before the number, which evhttp
		 * skips, must not hide it from the guard. */
		char *whole = malloc(len + 1);
		if (whole && line_copy(in, g, from, len, whole, len + 1) > 15)
			v = length_value(whole + 15);
		free(whole);
	}
	if (++g->n_length > 1 || v < 0) {
		/* intake.c refuses the framing; the body is not followed. */
		g->state = G_OFF;
		return;
	}
	if (v > c->w->app->cfg.max_body || c->refused) {
		if (rename_length(in, g, from) != 0) {
			g->state = G_OFF;
			return;
		}
		g->discard = true;
	}
	g->declared = (uint64_t)v;
}

/* Follows the stream as far as the buffer holds it. */
static void follow(struct conn *c, struct evbuffer *in)
{
	struct guard *g = &c->guard;

	while (g->state != G_OFF) {
		if (g->state == G_BODY) {
			if (g->discard && g->deleted >= g->head_end && g->deleted < g->body_end) {
				uint64_t have = g->added - g->deleted;
				uint64_t want = g->body_end - g->deleted;
				size_t k = (size_t)(have < want ? have : want);
				if (k == 0)
					return;
				g->in_cb = true;
				evbuffer_drain(in, k); /* counted in g->deleted by the callback */
				g->in_cb = false;
				g->deleted += k;
			}
			if (g->added < g->body_end || (g->discard && g->deleted < g->body_end))
				return;
			g->state = G_HEAD;
			g->line = g->body_end;
			g->first_line = false;
			g->discard = false;
			g->n_length = 0;
			g->declared = 0;
			continue;
		}
		/* G_HEAD: the next complete line. */
		struct evbuffer_ptr start, nl;
		if (g->line < g->deleted || g->line >= g->added)
			return;
		if (evbuffer_ptr_set(in, &start, (size_t)(g->line - g->deleted),
				     EVBUFFER_PTR_SET) != 0)
			return;
		nl = evbuffer_search(in, "\n", 1, &start);
		if (nl.pos < 0) {
			if (g->added - g->line > LINE_MAX_BYTES)
				g->state = G_OFF;
			return;
		}
		uint64_t at = g->deleted + (uint64_t)nl.pos;
		uint64_t from = g->line;
		g->line = at + 1;
		head_line(c, in, from, (size_t)(at - from));
	}
}

static void guard_cb(struct evbuffer *in, const struct evbuffer_cb_info *info, void *arg)
{
	struct conn *c = arg;
	struct guard *g = &c->guard;

	g->added += info->n_added;
	if (g->in_cb)
		return; /* our own drain: follow() counts it */
	g->deleted += info->n_deleted;
	if (!g->counted && info->n_added > 0 && peer_count(c, c->bev))
		c->refused = true;
	follow(c, in);
}

int guard_attach(struct conn *c, struct bufferevent *bev)
{
	memset(&c->guard, 0, sizeof c->guard);
	return evbuffer_add_cb(bufferevent_get_input(bev), guard_cb, c) ? 0 : -1;
}
