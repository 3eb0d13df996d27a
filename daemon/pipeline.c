/*
 * The request path. Every request passes the same stages once, in this
 * order, each in its own file with its own state in struct req:
 *
 *   intake.c   identity, connection cap, framing, header and body size
 *   web/       the web interface's pages (web/web.c), which reuse the
 *              stages below (login, authentication, policy, reply)
 *   router.c   the route (404, or 405 with Allow)
 *   body.c     content type, JSON, depth, the privacy guard (400/415/422)
 *   auth.c     the bearer token → the actor, mutual-TLS organisation (401)
 *   access.c   the route's role-policy action (403, audited)
 *   read.c     a declarative read: its statement went out with the token
 *              lookup, and its result is answered here
 *   idem.c     Idempotency-Key: replay, refuse, or claim with the write
 *   h_*.c      the handler (short: everything generic is done)
 *   reply.c    the answer, the log line, and req_free
 *
 * Public routes skip authentication and policy.
 */
#include "pipeline.h"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "body.h"
#include "intake.h"
#include "passwd.h"
#include "read.h"
#include "request.h"
#include "routes.h"
#include "tls.h"

void req_free(struct req *r)
{
	if (!r)
		return;
	reqdb_release(r);
	req_query_cleanup(r);
	body_cleanup(r);
	idem_cleanup(r);
	passwd_job_free(r->pw);
	web_cleanup(r);
	sodium_memzero(r->secret, sizeof r->secret);
	for (int i = 0; i < REQ_KEPT_MAX; i++)
		free(r->kept[i]);
	free(r);
}

const char *req_method_name(unsigned m)
{
	switch (m) {
	case M_GET:
		return "GET";
	case M_POST:
		return "POST";
	case M_PUT:
		return "PUT";
	case M_PATCH:
		return "PATCH";
	case M_DELETE:
		return "DELETE";
	case M_OPTIONS:
		return "OPTIONS";
	default:
		return "OTHER";
	}
}

const char *req_param(const struct req *r, int i)
{
	return i >= 0 && i < ROUTE_MAX_PARAMS ? r->params[i] : NULL;
}

const char *req_keep(struct req *r, char *text)
{
	for (int i = 0; text && i < REQ_KEPT_MAX; i++) {
		if (!r->kept[i]) {
			r->kept[i] = text;
			return text;
		}
	}
	free(text);
	return NULL;
}

const char *req_if_match(struct req *r)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(r->ereq), "If-Match");
	const char *q;
	size_t n;

	if (!h)
		return NULL;
	while (*h == ' ')
		h++;
	if (strcmp(h, "*") == 0)
		return NULL;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	r->if_match[0] = '\0';
	if (*h != '"') {
		/* Tolerated: a tag sent without its quotes. */
		n = strcspn(h, " ,");
		if (n > 0 && n < sizeof r->if_match) {
			memcpy(r->if_match, h, n);
			r->if_match[n] = '\0';
		}
		return r->if_match;
	}
	q = strchr(h + 1, '"');
	n = q ? (size_t)(q - h - 1) : 0;
	if (n > 0 && n < sizeof r->if_match) {
		memcpy(r->if_match, h + 1, n);
		r->if_match[n] = '\0';
	}
	return r->if_match;
}

/* ---- the stages after authentication ------------------------------------- */

static int build_read(struct req *r, struct db_call *call)
{
	return read_build(r, r->route->read, call);
}

/* The actor is known; read is the route's read when it went out with the
 * token lookup. */
static void authenticated(struct req *r, const struct db_result *read)
{
	const struct route *rt = r->route;

	if (rt->action != ACT_NONE && !req_allow(r, rt->action, NULL))
		return;
	if (rt->read) {
		struct db_call call;

		if (read) {
			read_reply(r, rt->read, read);
			return;
		}
		/* It could not be built: say why, now that the caller is known. */
		if (read_build(r, rt->read, &call) != 0) {
			req_problem_query(r);
			return;
		}
		req_problem(r, SVK_ERR_INTERNAL, "the read did not run");
		return;
	}
	idem_dispatch(r, rt->handler);
}

static void public_route(struct req *r)
{
	r->route->handler(r);
}

/* ---- the entry point ------------------------------------------------------- */

/* Binds the request to its TLS connection: the connection's deadline for
 * the next request stops, and it counts as busy until answered. */
static void attach_conn(struct req *r, struct bufferevent *bev)
{
	struct worker *w = r->w;

	r->conn = tls_bev_conn(w->app->tls, bev);
	if (!r->conn)
		return;
	r->conn->current = r;
	if (r->conn->deadline)
		event_del(r->conn->deadline);
	if (!r->conn->busy) {
		r->conn->busy = true;
		w->inflight++;
	}
	evhttp_request_set_on_complete_cb(r->ereq, server_request_complete, r->conn);
}

/* The route, or an answer of 404/405. */
static bool route(struct req *r)
{
	unsigned allow = 0;
	char allow_s[80];

	r->route = router_match(svk_routes, svk_routes_count, r->method, r->path, r->segbuf,
				sizeof r->segbuf, r->params, &allow);
	if (r->route)
		return true;
	if (!allow) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such path");
		return false;
	}
	router_allow_string(allow, allow_s, sizeof allow_s);
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Allow", allow_s);
	req_problem(r, SVK_ERR_METHOD_NOT_ALLOWED, "this path does not take that method");
	return false;
}

void request_handle(struct evhttp_request *ereq, void *arg)
{
	struct worker *w = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(ereq);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	struct req *r = calloc(1, sizeof *r);

	atomic_fetch_add_explicit(&w->app->requests, 1, memory_order_relaxed);
	if (!r) {
		evhttp_send_error(ereq, 500, NULL);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->w = w;
	r->ereq = ereq;
	if (bev)
		attach_conn(r, bev);
	intake_init(r);
	if (!intake_check(r))
		return;
	/* The web interface's pages: not API routes, so the API's 404 and
	 * 405 stay its own. */
	if (web_route(r))
		return;
	if (!route(r))
		return;
	if ((r->route->flags & ROUTE_BODY) && !body_parse(r))
		return;
	if (r->route->flags & ROUTE_PUBLIC) {
		public_route(r);
		return;
	}
	auth_start(r, r->route->read ? build_read : NULL, authenticated);
}
