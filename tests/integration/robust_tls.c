/*
 * The robustness suites' raw TLS client (see robust_util.h): OpenSSL over
 * a TCP socket to the env's daemon, sending exactly the bytes a test gives
 * it and reading raw responses; and the fingerprints of certificates, seen
 * on a connection or read from a file.
 */
#include "robust_internal.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define HANDSHAKE_TIMEOUT_MS 10000

/* ---- a raw TLS client --------------------------------------------------- */

static void tc_free(void *p)
{
	struct tc *c = p;

	tc_abort(c);
	free(c->buf);
	free(c);
}

static void ssl_why(struct tc *c, const char *what)
{
	unsigned long code = ERR_get_error();
	char buf[200] = "";

	if (code)
		ERR_error_string_n(code, buf, sizeof buf);
	ERR_clear_error();
	snprintf(c->err, sizeof c->err, "%s: %s", what, buf[0] ? buf : "connection closed");
}

/* Waits until fd is ready for what the last SSL call wanted; false on
 * timeout or a poll error. */
static bool ssl_wait(struct tc *c, int ssl_err, long deadline)
{
	struct pollfd pfd = { .fd = c->fd,
			      .events = ssl_err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN };
	int left = (int)(deadline - mono_ms()), rc;

	if (left <= 0)
		return false;
	do
		rc = poll(&pfd, 1, left);
	while (rc < 0 && errno == EINTR);
	return rc > 0;
}

struct tc *tc_connect(struct env *e, const struct tc_opts *o)
{
	static const struct tc_opts none;
	struct tc *c = calloc(1, sizeof *c);
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)e->port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	SSL_CTX *ctx;
	SSL *ssl;
	long deadline;
	int one = 1, rc;

	cr_assert(c, "out of memory");
	c->fd = -1;
	env_keep(e, c, tc_free);
	if (!o)
		o = &none;
	deadline = mono_ms() + (o->timeout_ms > 0 ? o->timeout_ms : HANDSHAKE_TIMEOUT_MS);

	ctx = SSL_CTX_new(TLS_client_method());
	cr_assert(ctx, "SSL_CTX_new failed");
	c->ctx = ctx;
	cr_assert(SSL_CTX_load_verify_locations(ctx, e->cacert, NULL) == 1, "cannot load %s",
		  e->cacert);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (o->min_version)
		cr_assert(SSL_CTX_set_min_proto_version(ctx, o->min_version) == 1,
			  "cannot set the minimum TLS version");
	if (o->max_version)
		cr_assert(SSL_CTX_set_max_proto_version(ctx, o->max_version) == 1,
			  "cannot set the maximum TLS version");
	if (o->cert) {
		cr_assert(SSL_CTX_use_certificate_chain_file(ctx, o->cert) == 1, "cannot load %s",
			  o->cert);
		cr_assert(SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) == 1,
			  "cannot load %s", o->key);
	}
	ssl = SSL_new(ctx);
	cr_assert(ssl, "SSL_new failed");
	c->ssl = ssl;
	cr_assert(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1") == 1,
		  "cannot set the expected address");

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(c->fd >= 0, "socket: %s", strerror(errno));
	cr_assert(setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0,
		  "TCP_NODELAY: %s", strerror(errno));
	do
		rc = connect(c->fd, (struct sockaddr *)&a, sizeof a);
	while (rc < 0 && errno == EINTR);
	if (rc != 0) {
		c->refused = errno == ECONNREFUSED;
		snprintf(c->err, sizeof c->err, "connect: %s", strerror(errno));
		return c;
	}
	cr_assert(fcntl(c->fd, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK: %s", strerror(errno));
	cr_assert(SSL_set_fd(ssl, c->fd) == 1, "SSL_set_fd failed");
	for (;;) {
		int r = SSL_connect(ssl), err;

		if (r == 1) {
			c->ok = true;
			return c;
		}
		err = SSL_get_error(ssl, r);
		if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) &&
		    ssl_wait(c, err, deadline))
			continue;
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
			snprintf(c->err, sizeof c->err, "the handshake timed out");
		else
			ssl_why(c, "handshake");
		return c;
	}
}

bool tc_send(struct tc *c, const void *data, size_t n)
{
	long deadline = mono_ms() + HANDSHAKE_TIMEOUT_MS;
	size_t off = 0;

	if (!c->ok || !c->ssl || c->fd < 0)
		return false;
	while (off < n) {
		size_t w = 0;
		int r = SSL_write_ex(c->ssl, (const char *)data + off, n - off, &w), err;

		if (r == 1) {
			off += w;
			continue;
		}
		err = SSL_get_error(c->ssl, r);
		if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) &&
		    ssl_wait(c, err, deadline))
			continue;
		ssl_why(c, "write");
		return false;
	}
	return true;
}

bool tc_send_str(struct tc *c, const char *s)
{
	return tc_send(c, s, strlen(s));
}

static void buf_reserve(struct tc *c, size_t more)
{
	if (c->len + more + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 16384;
		char *b;

		while (cap < c->len + more + 1)
			cap *= 2;
		b = realloc(c->buf, cap);
		cr_assert(b, "out of memory");
		c->buf = b;
		c->cap = cap;
	}
}

int tc_fill(struct tc *c, int timeout_ms)
{
	long deadline = mono_ms() + timeout_ms;

	if (!c->ok || !c->ssl || c->fd < 0)
		return 0;
	for (;;) {
		size_t got = 0;
		int r, err;

		buf_reserve(c, 16384);
		r = SSL_read_ex(c->ssl, c->buf + c->len, 16384, &got);
		if (r == 1) {
			c->len += got;
			c->buf[c->len] = '\0';
			return (int)got;
		}
		err = SSL_get_error(c->ssl, r);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			if (ssl_wait(c, err, deadline))
				continue;
			return -1;
		}
		ssl_why(c, "read");
		return 0;
	}
}

static void resp_destroy(void *p)
{
	struct resp *r = p;

	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->body);
	json_decref(r->json);
	free(r);
}

/* Parses the status line and headers of head (without the blank line). */
static void parse_head(struct resp *r, const char *head, size_t len, long *content_length)
{
	const char *p = head, *end = head + len;
	size_t cap = 0;

	*content_length = 0;
	if (len < 12 || strncmp(head, "HTTP/1.", 7) != 0) {
		snprintf(r->error, sizeof r->error, "not an HTTP response: %.60s", head);
		return;
	}
	r->status = strtol(head + 9, NULL, 10);
	p = memchr(p, '\n', (size_t)(end - p));
	while (p && ++p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		const char *colon = memchr(p, ':', (size_t)(line_end - p));
		const char *v;
		struct header *h;

		if (line_end > p && line_end[-1] == '\r')
			line_end--;
		if (colon) {
			if (r->n_headers == cap) {
				struct header *hs;
				cap = cap ? cap * 2 : 16;
				hs = realloc(r->headers, cap * sizeof *hs);
				cr_assert(hs, "out of memory");
				r->headers = hs;
			}
			v = colon + 1;
			while (v < line_end && (*v == ' ' || *v == '\t'))
				v++;
			h = &r->headers[r->n_headers];
			h->name = strndup(p, (size_t)(colon - p));
			h->value = strndup(v, (size_t)(line_end - v));
			cr_assert(h->name && h->value, "out of memory");
			r->n_headers++;
			if (strcasecmp(h->name, "Content-Length") == 0)
				*content_length = strtol(h->value, NULL, 10);
		}
		p = eol;
	}
}

struct resp *tc_response(struct env *e, struct tc *c, int timeout_ms)
{
	struct resp *r = calloc(1, sizeof *r);
	long deadline = mono_ms() + timeout_ms;
	long cl = 0;
	size_t head_len = 0, total;
	char *sep = NULL;

	cr_assert(r, "out of memory");
	env_keep(e, r, resp_destroy);
	for (;;) {
		int got;

		if (c->buf && (sep = memmem(c->buf, c->len, "\r\n\r\n", 4)) != NULL) {
			head_len = (size_t)(sep - c->buf);
			if (r->status == 0 && !r->error[0])
				parse_head(r, c->buf, head_len, &cl);
			if (r->error[0]) {
				r->status = 0;
				return r;
			}
			if (cl < 0)
				cl = 0;
			if (c->len >= head_len + 4 + (size_t)cl)
				break;
		}
		got = tc_fill(c, (int)(deadline - mono_ms() > 0 ? deadline - mono_ms() : 0));
		if (got == 0) {
			snprintf(r->error, sizeof r->error,
				 "the connection closed before a full response "
				 "(%zu bytes came; %.120s)",
				 c->len, c->err);
			r->status = 0;
			return r;
		}
		if (got < 0) {
			snprintf(r->error, sizeof r->error,
				 "no full response within %d ms (%zu bytes came)", timeout_ms,
				 c->len);
			r->status = 0;
			return r;
		}
	}
	r->len = (size_t)cl;
	r->body = malloc(r->len + 1);
	cr_assert(r->body, "out of memory");
	memcpy(r->body, c->buf + head_len + 4, r->len);
	r->body[r->len] = '\0';
	if (r->len)
		r->json = json_loadb(r->body, r->len, 0, NULL);
	total = head_len + 4 + (size_t)cl;
	memmove(c->buf, c->buf + total, c->len - total);
	c->len -= total;
	c->buf[c->len] = '\0';
	return r;
}

bool tc_wait_closed(struct tc *c, int timeout_ms)
{
	long deadline = mono_ms() + timeout_ms;

	for (;;) {
		long left = deadline - mono_ms();
		int got = tc_fill(c, (int)(left > 0 ? left : 0));

		if (got == 0)
			return true;
		if (got < 0)
			return false;
		c->len = 0; /* dropped */
	}
}

void tc_close(struct tc *c)
{
	if (c->ssl && c->ok && c->fd >= 0)
		(void)SSL_shutdown(c->ssl); /* best effort: the socket goes anyway */
	ERR_clear_error();
	tc_abort(c);
}

void tc_abort(struct tc *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	c->ssl = NULL;
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	c->ctx = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->ok = false;
}

void tc_hangup(struct tc *c)
{
	if (c->ssl && c->ok && c->fd >= 0)
		(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
	if (c->fd >= 0)
		cr_assert(shutdown(c->fd, SHUT_WR) == 0, "shutdown: %s", strerror(errno));
}

void tc_reset(struct tc *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (c->fd >= 0)
		cr_assert(setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0,
			  "SO_LINGER: %s", strerror(errno));
	tc_abort(c);
}

static void hex_digest(X509 *x, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	cr_assert(X509_digest(x, EVP_sha256(), md, &n) == 1 && n == 32, "X509_digest failed");
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void tc_peer_fingerprint(struct tc *c, char out[65])
{
	X509 *x;

	cr_assert(c->ok && c->ssl, "no TLS connection: %s", c->err);
	x = SSL_get1_peer_certificate(c->ssl);
	cr_assert(x, "the server sent no certificate");
	hex_digest(x, out);
	X509_free(x);
}

const char *raw_get(struct env *e, const char *path, const char *token)
{
	return strf(e, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s%s\r\n", path, e->port,
		    token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
}

/* ---- certificates in files ------------------------------------------------ */

void file_fingerprint(const char *path, char out[65])
{
	FILE *f = fopen(path, "r");
	X509 *x;

	cr_assert(f, "cannot open %s: %s", path, strerror(errno));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert(x, "no certificate in %s", path);
	hex_digest(x, out);
	X509_free(x);
}
