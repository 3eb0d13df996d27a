/*
 * The handler API's database calls (req_db, req_db1; req_write is in
 * idem.c): a batch goes to the worker's pool, and while it runs the
 * connection is watched, so that a client who hangs up cancels the query
 * instead of leaving it to run for nobody.
 */
#include <errno.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <sys/socket.h>

#include "app.h"
#include "log.h"
#include "pipeline.h"
#include "request.h"

static void conn_unwatch(struct conn *c)
{
	if (c->closed_ev)
		event_del(c->closed_ev);
	if (c->closed_only_ev)
		event_del(c->closed_only_ev);
}

void reqdb_release(struct req *r)
{
	if (r->op)
		db_op_cancel(r->op);
	r->op = NULL;
	if (r->conn) {
		conn_unwatch(r->conn);
		if (r->conn->current == r)
			r->conn->current = NULL;
	}
}

static void conn_closed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct req *r = c->current;
	struct evhttp_connection *evcon = NULL;
	void *cbarg = NULL;

	if (!r || !r->op)
		return;
	if (!(what & EV_CLOSED)) {
		/* Readable: a reset or end of stream, or bytes the client sent
		 * (a pipelined request, a TLS alert). Only the first two mean
		 * it went away; for bytes, wait for the hang-up alone. */
		char b;
		ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n > 0 ||
		    (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))) {
			event_del(c->closed_ev);
			if (!c->closed_only_ev)
				c->closed_only_ev = event_new(r->w->base, fd, EV_CLOSED,
							      conn_closed_cb, c);
			if (c->closed_only_ev)
				event_add(c->closed_only_ev, NULL);
			return;
		}
	}
	log_info(&r->w->app->log, "msg=\"client went away, query cancelled\" id=%s", r->id);
	/* The request dies with its connection: evhttp frees its own request,
	 * we free ours without answering. */
	bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
	evcon = cbarg;
	r->ereq = NULL;
	req_free(r);
	if (evcon)
		evhttp_connection_free(evcon);
}

static void db_trampoline(void *arg, const struct db_result *res)
{
	struct req *r = arg;

	r->op = NULL;
	if (r->conn)
		conn_unwatch(r->conn);
	r->db_done(r, res);
}

/* Watches for the client hanging up while r->op runs. */
static void watch(struct req *r)
{
	struct conn *c = r->conn;

	if (!c)
		return;
	if (!c->closed_ev) {
		evutil_socket_t fd = bufferevent_getfd(c->bev);
		if (fd >= 0)
			c->closed_ev = event_new(r->w->base, fd, EV_CLOSED | EV_READ,
						 conn_closed_cb, c);
	}
	if (c->closed_ev)
		event_add(c->closed_ev, NULL);
}

void req_db(struct req *r, const struct db_call *calls, int n, req_db_cb done)
{
	r->db_done = done;
	r->op = db_submit(r->w->db, calls, n, db_trampoline, r);
	if (!r->op) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	watch(r);
}

void req_db_open(struct req *r, const struct db_call *calls, int n, req_db_cb done)
{
	r->db_done = done;
	r->op = db_submit_open(r->w->db, calls, n, db_trampoline, r);
	if (!r->op) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	watch(r);
}

void req_db_end(struct req *r, struct db_op *open, const struct db_call *calls, int n,
		req_db_cb done)
{
	r->db_done = done;
	r->op = db_op_end(open, calls, n, db_trampoline, r);
	if (!r->op) {
		req_problem(r, SVK_ERR_UNAVAILABLE, "the change could not be committed");
		return;
	}
	watch(r);
}

void req_db1(struct req *r, const char *stmt, int nparams, const char *const *params,
	     req_db_cb done)
{
	struct db_call call = { .stmt = stmt, .nparams = nparams };

	for (int i = 0; i < nparams && i < DB_MAX_PARAMS; i++)
		call.params[i] = params[i];
	req_db(r, &call, 1, done);
}
