/*
 * The request path (see request.h): every request passes the same checks
 * once, in this order, before a handler sees it — framing, header and body
 * size, route (404/405), content type and JSON (400/415/422), the privacy
 * guard, authentication (401), mutual-TLS organisation, and the route's
 * role-policy action (403). Handlers are then short.
 */
#include "request.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "app.h"
#include "jsonguard.h"
#include "log.h"
#include "routes.h"
#include "tls.h"
#include "token.h"
#include "validate.h"

#define REQ_ID_MAX 40

/* ---- small helpers ------------------------------------------------------ */

static unsigned method_bit(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return M_GET;
	case EVHTTP_REQ_HEAD: return M_GET; /* answered like GET */
	case EVHTTP_REQ_POST: return M_POST;
	case EVHTTP_REQ_PUT: return M_PUT;
	case EVHTTP_REQ_PATCH: return M_PATCH;
	case EVHTTP_REQ_DELETE: return M_DELETE;
	case EVHTTP_REQ_OPTIONS: return M_OPTIONS;
	default: return M_OTHER;
	}
}

const char *req_method_name(unsigned m)
{
	switch (m) {
	case M_GET: return "GET";
	case M_POST: return "POST";
	case M_PUT: return "PUT";
	case M_PATCH: return "PATCH";
	case M_DELETE: return "DELETE";
	case M_OPTIONS: return "OPTIONS";
	default: return "OTHER";
	}
}

static bool id_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* Accepts a client's X-Request-Id when it is short and plain; else makes one. */
static void set_request_id(struct req *r, const char *given)
{
	unsigned char raw[12];
	size_t n = given ? strlen(given) : 0;
	bool ok = n > 0 && n <= REQ_ID_MAX;

	for (size_t i = 0; ok && i < n; i++)
		ok = id_char_ok(given[i]);
	if (ok) {
		memcpy(r->id, given, n + 1);
		return;
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(r->id, sizeof r->id, raw, sizeof raw);
}

static void conn_closed_cb(evutil_socket_t fd, short what, void *arg);

static void conn_unwatch(struct conn *c)
{
	if (c->closed_ev)
		event_del(c->closed_ev);
	if (c->closed_only_ev)
		event_del(c->closed_only_ev);
}

void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->op)
		db_op_cancel(r->op);
	if (r->conn) {
		conn_unwatch(r->conn);
		if (r->conn->current == r)
			r->conn->current = NULL;
	}
	if (r->query_parsed)
		evhttp_clear_headers(&r->query);
	if (r->body)
		json_decref(r->body);
	if (r->scratch_free && r->scratch)
		r->scratch_free(r->scratch);
	idem_held_free(r->idem_held);
	free(r);
}

/* ---- database ----------------------------------------------------------- */

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
		if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))) {
			event_del(c->closed_ev);
			if (!c->closed_only_ev)
				c->closed_only_ev = event_new(r->w->base, fd, EV_CLOSED, conn_closed_cb, c);
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

void req_db(struct req *r, const struct db_call *calls, int n, req_db_cb done)
{
	struct conn *c = r->conn;

	r->db_done = done;
	r->op = db_submit(r->w->db, calls, n, db_trampoline, r);
	if (!r->op) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	/* Watch for the client hanging up while the query runs. */
	if (c) {
		if (!c->closed_ev) {
			evutil_socket_t fd = bufferevent_getfd(c->bev);
			if (fd >= 0)
				c->closed_ev = event_new(r->w->base, fd, EV_CLOSED | EV_READ,
							 conn_closed_cb, c);
		}
		if (c->closed_ev)
			event_add(c->closed_ev, NULL);
	}
}

void req_db1(struct req *r, const char *stmt, int nparams,
	     const char *const *params, req_db_cb done)
{
	struct db_call call = { .stmt = stmt, .nparams = nparams };

	for (int i = 0; i < nparams && i < DB_MAX_PARAMS; i++)
		call.params[i] = params[i];
	req_db(r, &call, 1, done);
}

/* ---- query string, limits ----------------------------------------------- */

const char *req_param(const struct req *r, int i)
{
	return i >= 0 && i < ROUTE_MAX_PARAMS ? r->params[i] : NULL;
}

const char *req_query(struct req *r, const char *name)
{
	if (!r->query_parsed) {
		const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->ereq));
		TAILQ_INIT(&r->query);
		r->query_parsed = true;
		if (q && evhttp_parse_query_str(q, &r->query) != 0)
			return NULL;
	}
	return evhttp_find_header(&r->query, name);
}

int req_limit_value(struct req *r)
{
	const char *s = req_query(r, "limit");
	char *end;
	long v;

	if (!s)
		return 50;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 1 || v > 500) {
		r->qerr_field = "limit";
		r->qerr_message = "must be a whole number from 1 to 500";
		return -1;
	}
	return (int)v;
}

int req_limit(struct req *r)
{
	int v = req_limit_value(r);

	if (v < 0)
		req_problem_field(r, r->qerr_field, r->qerr_message);
	return v;
}

int req_cursor_seq(struct req *r, const char **out)
{
	const char *s = req_query(r, "cursor");

	*out = NULL;
	if (!s)
		return 0;
	if (!validate_digits(s)) {
		r->qerr_field = "cursor";
		r->qerr_message = "is not a cursor this list gave out";
		return -1;
	}
	*out = s;
	return 0;
}

const char *req_uuid_param(struct req *r, int i, const char *what)
{
	const char *s = req_param(r, i);

	if (s && validate_uuid(s))
		return s;
	r->qerr_not_found = true;
	r->qerr_message = what;
	return NULL;
}

int req_uuid_query(struct req *r, const char *name, const char **out)
{
	const char *s = req_query(r, name);

	*out = s;
	if (!s || validate_uuid(s))
		return 0;
	r->qerr_field = name;
	r->qerr_message = "must be an id (a UUID)";
	return -1;
}

void req_problem_qerr(struct req *r)
{
	if (r->qerr_not_found) {
		req_problem(r, SVK_ERR_NOT_FOUND, r->qerr_message ? r->qerr_message : "not found");
		return;
	}
	req_problem_field(r, r->qerr_field ? r->qerr_field : "query",
			  r->qerr_message ? r->qerr_message : "is not valid");
}

void h_prefetched(struct req *r)
{
	struct db_call call = { 0 };

	if (r->route->prefetch(r, &call) != 0) {
		req_problem_qerr(r);
		return;
	}
	req_db(r, &call, 1, r->route->prefetched);
}

/* ---- refusals ----------------------------------------------------------- */

struct refusal {
	char reason[200];
};

static void refusal_audited(struct req *r, const struct db_result *res)
{
	struct refusal *f = r->scratch;

	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	req_problem(r, SVK_ERR_FORBIDDEN, f ? f->reason : "forbidden");
}

void req_forbidden(struct req *r, const char *reason)
{
	struct refusal *f = calloc(1, sizeof *f);
	char what[600];
	const char *params[3];

	if (!f || !r->authenticated) {
		free(f);
		req_problem(r, SVK_ERR_FORBIDDEN, reason);
		return;
	}
	snprintf(f->reason, sizeof f->reason, "%s", reason);
	if (r->scratch_free && r->scratch)
		r->scratch_free(r->scratch);
	r->scratch = f;
	r->scratch_free = free;
	snprintf(what, sizeof what, "%s %s", req_method_name(r->method), r->path);
	params[0] = r->actor.user_id;
	params[1] = what;
	params[2] = f->reason;
	req_db1(r, "audit_refusal", 3, params, refusal_audited);
}

bool req_allow(struct req *r, enum policy_action action,
	       const struct policy_target *target)
{
	const char *reason = NULL;

	if (policy_check(&r->actor.p, action, target, &reason))
		return true;
	req_forbidden(r, reason ? reason : "forbidden");
	return false;
}

/* ---- authentication ----------------------------------------------------- */

static int actor_from_row(struct actor *a, const PGresult *pr)
{
	json_t *ms;
	json_error_t jerr;
	size_t i;
	json_t *m;
	const char *v;

	memset(a, 0, sizeof *a);
	snprintf(a->user_id, sizeof a->user_id, "%s", PQgetvalue(pr, 0, 0));
	snprintf(a->username, sizeof a->username, "%s", PQgetvalue(pr, 0, 1));
	a->p.admin = strcmp(PQgetvalue(pr, 0, 2), "t") == 0;
	a->p.active = strcmp(PQgetvalue(pr, 0, 3), "t") == 0;
	snprintf(a->p.organisation, sizeof a->p.organisation, "%s", PQgetvalue(pr, 0, 4));
	a->p.organisation_party = strcmp(PQgetvalue(pr, 0, 5), "t") == 0;
	snprintf(a->token_id, sizeof a->token_id, "%s", PQgetvalue(pr, 0, 6));
	a->p.authenticated = true;
	v = PQgetvalue(pr, 0, 7);
	ms = json_loads(v, 0, &jerr);
	if (!ms || !json_is_array(ms)) {
		json_decref(ms);
		return -1;
	}
	json_array_foreach(ms, i, m) {
		struct policy_membership *pm;
		const char *group = NULL, *tier = NULL, *role = NULL, *mun = NULL;

		if (a->p.n_memberships >= POLICY_MAX_MEMBERSHIPS)
			break;
		/* municipality is null outside the arbetsgrupper. */
		if (json_unpack(m, "{s:s, s:s, s:s}", "group", &group, "tier", &tier, "role",
				&role) != 0)
			continue;
		mun = json_string_value(json_object_get(m, "municipality"));
		pm = &a->p.memberships[a->p.n_memberships++];
		snprintf(pm->group, sizeof pm->group, "%s", group);
		pm->tier = policy_tier_parse(tier);
		if (policy_role_parse(role, &pm->role) != 0)
			pm->role = ROLE_MEMBER;
		snprintf(pm->municipality, sizeof pm->municipality, "%s", mun ? mun : "");
	}
	json_decref(ms);
	return 0;
}

static void dispatch(struct req *r);

static void actor_loaded(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;

	/* With a prefetched query, an error of the second statement is for
	 * the route to report, after authentication. */
	if (!pr || PQresultStatus(pr) != PGRES_TUPLES_OK) {
		req_reply_db_error(r, res);
		return;
	}
	if (PQntuples(pr) != 1) {
		req_problem(r, SVK_ERR_UNAUTHORIZED,
			    "the token is unknown, expired or revoked, or the user is disabled");
		return;
	}
	if (actor_from_row(&r->actor, pr) != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the user's memberships");
		return;
	}
	r->authenticated = true;
	if (tls_mutual(r->w->app->tls) && r->conn) {
		char org[POLICY_SLUG_MAX];
		if (tls_peer_organisation(r->conn->bev, org, sizeof org) != 0 ||
		    strcmp(org, r->actor.p.organisation) != 0) {
			req_forbidden(r, "the client certificate was issued to another organisation");
			return;
		}
	}
	if (r->route->action != ACT_NONE && !req_allow(r, r->route->action, NULL))
		return;
	if (res->n == 2) {
		/* The route's own query ran in the same round trip. */
		struct db_result view = *res;
		view.n = 1;
		view.res[0] = res->res[1];
		view.res[1] = NULL;
		r->route->prefetched(r, &view);
		return;
	}
	dispatch(r);
}

static void authenticate(struct req *r)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
					   "Authorization");
	const char *tok;
	const char *params[1];

	if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
		req_problem(r, SVK_ERR_UNAUTHORIZED, "send Authorization: Bearer <token>");
		return;
	}
	tok = h + 7;
	while (*tok == ' ')
		tok++;
	if (!token_well_formed(tok, strlen(tok)) ||
	    token_hash_hex(tok, strlen(tok), r->token_hash, sizeof r->token_hash) != 0) {
		req_problem(r, SVK_ERR_UNAUTHORIZED, "the token is malformed");
		return;
	}
	params[0] = r->token_hash;
	if (r->route->prefetch) {
		struct db_call calls[2] = { { .stmt = "auth_actor", .nparams = 1 } };
		calls[0].params[0] = r->token_hash;
		if (r->route->prefetch(r, &calls[1]) == 0) {
			req_db(r, calls, 2, actor_loaded);
			return;
		}
	}
	req_db1(r, "auth_actor", 1, params, actor_loaded);
}

static void dispatch(struct req *r)
{
	idem_dispatch(r);
}

const char *req_body_text(struct req *r)
{
	char *text = json_dumps(r->body, JSON_COMPACT);

	if (!text)
		return NULL;
	if (r->scratch_free && r->scratch)
		r->scratch_free(r->scratch);
	r->scratch = text;
	r->scratch_free = free;
	return text;
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

/* ---- the entry point ---------------------------------------------------- */

static int json_depth(const json_t *v)
{
	int max = 0;

	if (json_is_object(v)) {
		const char *k;
		json_t *c;
		json_object_foreach((json_t *)v, k, c) {
			int d = json_depth(c);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *c;
		json_array_foreach(v, i, c) {
			int d = json_depth(c);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

/* Refuses ambiguous framing that could smuggle a request past a proxy. */
static const char *framing_error(struct evkeyvalq *in, size_t *header_bytes)
{
	struct evkeyval *kv;
	int n_cl = 0;
	const char *te = NULL;

	*header_bytes = 0;
	TAILQ_FOREACH(kv, in, next) {
		*header_bytes += strlen(kv->key) + strlen(kv->value) + 4;
		if (strcasecmp(kv->key, "Content-Length") == 0)
			n_cl++;
		else if (strcasecmp(kv->key, "Transfer-Encoding") == 0)
			te = kv->value;
	}
	if (n_cl > 1)
		return "more than one Content-Length header";
	if (te && n_cl)
		return "both Content-Length and Transfer-Encoding";
	if (te && strcasecmp(te, "chunked") != 0)
		return "a Transfer-Encoding other than chunked";
	return NULL;
}

static bool content_type_json(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void parse_body(struct req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ereq);
	size_t len = evbuffer_get_length(in);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
					    "Content-Type");
	json_error_t jerr;
	char detail[300];
	unsigned char *data;

	if (len == 0) {
		req_problem(r, SVK_ERR_BAD_REQUEST, "a JSON object body is required");
		return;
	}
	if (!content_type_json(ct)) {
		req_problem(r, SVK_ERR_UNSUPPORTED_MEDIA_TYPE,
			    "send the body as Content-Type: application/json");
		return;
	}
	data = evbuffer_pullup(in, -1);
	r->body = data ? json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!r->body) {
		snprintf(detail, sizeof detail, "the body is not valid JSON: %s at line %d column %d",
			 jerr.text, jerr.line, jerr.column);
		req_problem(r, SVK_ERR_BAD_REQUEST, detail);
		return;
	}
	if (json_depth(r->body) > r->w->app->cfg.json_max_depth) {
		snprintf(detail, sizeof detail, "the JSON body is nested deeper than %d levels",
			 r->w->app->cfg.json_max_depth);
		req_problem(r, SVK_ERR_BAD_REQUEST, detail);
		return;
	}
	if (!json_is_object(r->body)) {
		req_problem_field(r, "body", "must be a JSON object");
		return;
	}
	if (!(r->route->flags & ROUTE_ITEMS)) {
		/* Passwords are never stored as text, so they are not scanned. */
		char field[128];
		json_t *scan = r->body;
		bool found;

		if (r->route->flags & ROUTE_SECRET) {
			scan = json_copy(r->body);
			if (!scan) {
				req_problem(r, SVK_ERR_INTERNAL, "out of memory");
				return;
			}
			json_object_del(scan, "password");
			json_object_del(scan, "current_password");
		} else {
			json_incref(scan);
		}
		found = jsonguard_find_pnr(scan, field, sizeof field);
		json_decref(scan);
		if (found) {
			req_problem_field(r, field,
					  "contains a personal identity number (personnummer or "
					  "samordningsnummer); personal data must not be stored");
			return;
		}
	}
	if (r->route->flags & ROUTE_PUBLIC)
		dispatch(r);
	else
		authenticate(r);
}

void request_handle(struct evhttp_request *ereq, void *arg)
{
	struct worker *w = arg;
	struct app *app = w->app;
	struct evhttp_connection *evcon = evhttp_request_get_connection(ereq);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	struct evkeyvalq *in = evhttp_request_get_input_headers(ereq);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ereq);
	struct req *r = calloc(1, sizeof *r);
	const char *path, *framing;
	char *peer = NULL;
	ev_uint16_t port = 0;
	size_t header_bytes;
	unsigned allow = 0;

	atomic_fetch_add_explicit(&app->requests, 1, memory_order_relaxed);
	if (!r) {
		evhttp_send_error(ereq, 500, NULL);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->w = w;
	r->ereq = ereq;
	r->conn = bev ? tls_bev_conn(app->tls, bev) : NULL;
	if (r->conn) {
		r->conn->current = r;
		if (r->conn->deadline)
			event_del(r->conn->deadline);
		if (!r->conn->busy) {
			r->conn->busy = true;
			w->inflight++;
		}
		evhttp_request_set_on_complete_cb(ereq, server_request_complete, r->conn);
	}
	r->method = method_bit(evhttp_request_get_command(ereq));
	set_request_id(r, evhttp_find_header(in, "X-Request-Id"));
	if (evcon) {
		evhttp_connection_get_peer(evcon, &peer, &port);
		snprintf(r->addr, sizeof r->addr, "%s", peer ? peer : "-");
	}
	path = uri ? evhttp_uri_get_path(uri) : NULL;
	snprintf(r->path, sizeof r->path, "%s", path && path[0] ? path : "/");

	if (r->conn && r->conn->refused) {
		/* A request got in on a connection past the cap before it
		 * could be closed: answer that, and close. */
		evhttp_add_header(evhttp_request_get_output_headers(ereq), "Connection", "close");
		req_problem(r, SVK_ERR_UNAVAILABLE, "too many connections; try again shortly");
		return;
	}

	framing = framing_error(in, &header_bytes);
	if (framing) {
		char detail[128];
		snprintf(detail, sizeof detail, "ambiguous message framing: %s", framing);
		evhttp_add_header(evhttp_request_get_output_headers(ereq), "Connection", "close");
		req_problem(r, SVK_ERR_BAD_REQUEST, detail);
		return;
	}
	if (header_bytes > (size_t)app->cfg.max_header) {
		char detail[128];
		snprintf(detail, sizeof detail, "request headers are larger than %d bytes",
			 app->cfg.max_header);
		evhttp_add_header(evhttp_request_get_output_headers(ereq), "Connection", "close");
		req_problem(r, SVK_ERR_HEADERS_TOO_LARGE, detail);
		return;
	}
	if (evbuffer_get_length(evhttp_request_get_input_buffer(ereq)) > (size_t)app->cfg.max_body) {
		char detail[128];
		snprintf(detail, sizeof detail, "the body is larger than %d bytes", app->cfg.max_body);
		req_problem(r, SVK_ERR_PAYLOAD_TOO_LARGE, detail);
		return;
	}
	if (strlen(path ? path : "") >= sizeof r->path) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such path");
		return;
	}
	r->route = router_match(svk_routes, svk_routes_count, r->method, r->path,
				r->segbuf, sizeof r->segbuf, r->params, &allow);
	if (!r->route) {
		if (allow) {
			char allow_s[80];
			router_allow_string(allow, allow_s, sizeof allow_s);
			evhttp_add_header(evhttp_request_get_output_headers(ereq), "Allow", allow_s);
			req_problem(r, SVK_ERR_METHOD_NOT_ALLOWED, "this path does not take that method");
			return;
		}
		req_problem(r, SVK_ERR_NOT_FOUND, "no such path");
		return;
	}
	if (r->route->flags & ROUTE_BODY) {
		parse_body(r);
		return;
	}
	if (r->route->flags & ROUTE_PUBLIC)
		dispatch(r);
	else
		authenticate(r);
}
