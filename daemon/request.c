/*
 * The request path (see request.h): every request passes the same checks
 * once, in this order, before a handler sees it — framing, header and body
 * size, route (404/405), content type and JSON (400/415/422), the privacy
 * guard, authentication (401), mutual-TLS organisation, and the route's
 * role-policy action (403). Handlers are then short.
 */
#include "request.h"

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

#include "app.h"
#include "jsonguard.h"
#include "log.h"
#include "routes.h"
#include "tls.h"
#include "token.h"

#define REQ_ID_MAX 40

/* ---- small helpers ------------------------------------------------------ */

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

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

static const char *method_name(unsigned m)
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

void req_free(struct req *r);
void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->op)
		db_op_cancel(r->op);
	if (r->conn) {
		if (r->conn->closed_ev)
			event_del(r->conn->closed_ev);
		if (r->conn->current == r)
			r->conn->current = NULL;
	}
	if (r->query_parsed)
		evhttp_clear_headers(&r->query);
	if (r->body)
		json_decref(r->body);
	if (r->scratch_free && r->scratch)
		r->scratch_free(r->scratch);
	free(r);
}

/* ---- answering ---------------------------------------------------------- */

static void log_request(struct req *r, int status)
{
	struct timespec now;
	double ms;
	struct app *app = r->w->app;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - r->start.tv_sec) * 1e3 +
	     (double)(now.tv_nsec - r->start.tv_nsec) / 1e6;
	atomic_fetch_add_explicit(&app->responses[status / 100 < 6 ? status / 100 : 5], 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&app->latency_us_total, (unsigned long)(ms * 1000.0),
				  memory_order_relaxed);
	log_info(&app->log,
		 "msg=request id=%s method=%s path=\"%.200s\" status=%d ms=%.2f user=%s addr=%s",
		 r->id, method_name(r->method), r->path, status, ms,
		 r->authenticated ? r->actor.username : "-", r->addr);
}

static void send_buffer(struct req *r, int status, struct evbuffer *body)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ereq);

	evhttp_add_header(out, "X-Request-Id", r->id);
	if (!evhttp_find_header(out, "Cache-Control"))
		evhttp_add_header(out, "Cache-Control", "no-store");
	log_request(r, status);
	evhttp_send_reply(r->ereq, status, reason_phrase(status), body);
	r->ereq = NULL;
	req_free(r);
}

void req_reply_text(struct req *r, int status, const char *content_type,
		    const char *body, size_t len, const char *location)
{
	struct evbuffer *buf = evbuffer_new();
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ereq);

	if (content_type)
		evhttp_add_header(out, "Content-Type", content_type);
	if (location)
		evhttp_add_header(out, "Location", location);
	if (!buf || (len && evbuffer_add(buf, body, len) != 0)) {
		if (buf)
			evbuffer_free(buf);
		evhttp_clear_headers(out);
		send_buffer(r, 500, NULL);
		return;
	}
	send_buffer(r, status, buf);
	evbuffer_free(buf);
}

static void add_etag(struct req *r, const char *json, size_t len, bool *not_modified)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[33], etag[40];
	const char *inm;

	crypto_hash_sha256(h, (const unsigned char *)json, len);
	sodium_bin2hex(hex, sizeof hex, h, 16);
	snprintf(etag, sizeof etag, "\"%s\"", hex);
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "ETag", etag);
	inm = evhttp_find_header(evhttp_request_get_input_headers(r->ereq), "If-None-Match");
	*not_modified = inm && strstr(inm, etag) != NULL;
}

void req_reply_json_text(struct req *r, int status, const char *json,
			 const char *location)
{
	size_t len = json ? strlen(json) : 0;

	if (!json) {
		req_problem(r, SVK_ERR_INTERNAL, "empty result");
		return;
	}
	if (status == 200 && r->route && (r->route->flags & ROUTE_ETAG)) {
		bool nm = false;
		add_etag(r, json, len, &nm);
		if (nm) {
			send_buffer(r, 304, NULL);
			return;
		}
	}
	req_reply_text(r, status, "application/json", json, len, location);
}

void req_reply_json(struct req *r, int status, json_t *value, const char *location)
{
	char *text = value ? json_dumps(value, JSON_COMPACT) : NULL;

	json_decref(value);
	if (!text) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot encode response");
		return;
	}
	req_reply_json_text(r, status, text, location);
	free(text);
}

void req_reply_empty(struct req *r, int status)
{
	send_buffer(r, status, NULL);
}

void req_problem_errors(struct req *r, enum svk_err err, const char *detail,
			json_t *errors)
{
	const struct svk_err_info *info = svk_err_info(err);
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ereq);
	char type[96];
	json_t *doc;
	char *text;

	snprintf(type, sizeof type, "urn:samverkan:problem:%s", info->code);
	doc = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title",
			info->title, "status", info->status, "detail",
			detail ? detail : info->title, "code", info->code,
			"request_id", r->id);
	if (doc && errors)
		json_object_set(doc, "errors", errors);
	json_decref(errors);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (err == SVK_ERR_UNAUTHORIZED)
		evhttp_add_header(out, "WWW-Authenticate", "Bearer realm=\"samverkan\"");
	if (err == SVK_ERR_UNAVAILABLE && !evhttp_find_header(out, "Retry-After"))
		evhttp_add_header(out, "Retry-After", "1");
	if (!text) {
		send_buffer(r, info->status, NULL);
		return;
	}
	req_reply_text(r, info->status, "application/problem+json", text,
		       strlen(text), NULL);
	free(text);
}

void req_problem(struct req *r, enum svk_err err, const char *detail)
{
	req_problem_errors(r, err, detail, NULL);
}

void req_problem_field(struct req *r, const char *field, const char *message)
{
	char detail[256];
	json_t *errors = json_pack("[{s:s, s:s}]", "field", field, "message", message);

	snprintf(detail, sizeof detail, "%s: %s", field, message);
	req_problem_errors(r, SVK_ERR_VALIDATION, detail, errors);
}

void req_reply_db_error(struct req *r, const struct db_result *res)
{
	enum svk_err err = res->err == SVK_OK ? SVK_ERR_INTERNAL : res->err;

	if (svk_sqlstate_is_ours(res->sqlstate)) {
		const char *msg = res->message ? res->message : svk_err_info(err)->title;
		if (err == SVK_ERR_VALIDATION && res->column) {
			req_problem_field(r, res->column, msg);
			return;
		}
		if (err == SVK_ERR_RATE_LIMITED && res->detail)
			evhttp_add_header(evhttp_request_get_output_headers(r->ereq),
					  "Retry-After", res->detail);
		req_problem(r, err, msg);
		return;
	}
	log_warn(&r->w->app->log, "msg=\"database error\" id=%s sqlstate=%s error=\"%.300s\"",
		 r->id, res->sqlstate ? res->sqlstate : "-",
		 res->message ? res->message : "-");
	if (err == SVK_ERR_CONFLICT) {
		req_problem(r, err, "a resource with these identifying values already exists");
		return;
	}
	if (err == SVK_ERR_VALIDATION) {
		req_problem(r, err, "a value was out of range or refers to something that does not exist");
		return;
	}
	req_problem(r, err, err == SVK_ERR_UNAVAILABLE ?
			    "the database is not available; try again shortly" : NULL);
}

const char *req_result_text(const struct db_result *res, int i)
{
	const PGresult *pr = i < res->n ? res->res[i] : NULL;

	if (!pr || PQresultStatus(pr) != PGRES_TUPLES_OK || PQntuples(pr) < 1 ||
	    PQnfields(pr) < 1)
		return NULL;
	return db_get(pr, 0, 0);
}

void req_reply_row(struct req *r, const struct db_result *res, int i, int status,
		   const char *not_found, const char *location)
{
	const char *text;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	text = req_result_text(res, i);
	if (!text) {
		req_problem(r, SVK_ERR_NOT_FOUND, not_found);
		return;
	}
	req_reply_json_text(r, status, text, location);
}

json_t *req_result_json(struct req *r, const struct db_result *res, int i,
			const char *not_found)
{
	const char *text;
	json_t *doc;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return NULL;
	}
	text = req_result_text(res, i);
	if (!text) {
		req_problem(r, SVK_ERR_NOT_FOUND, not_found);
		return NULL;
	}
	doc = json_loads(text, 0, NULL);
	if (!doc)
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
	return doc;
}

bool req_body_ok(struct req *r, const struct jf_field *fields, size_t n)
{
	json_t *errors = NULL;
	char detail[300];
	size_t k;
	json_t *e;
	size_t o = 0;

	if (jf_check(r->body, fields, n, &errors))
		return true;
	o = (size_t)snprintf(detail, sizeof detail, "invalid fields:");
	json_array_foreach(errors, k, e) {
		const char *f = json_string_value(json_object_get(e, "field"));
		int w = snprintf(detail + o, sizeof detail - o, "%s %s", k ? "," : "", f ? f : "?");
		if (w < 0 || (size_t)w >= sizeof detail - o)
			break;
		o += (size_t)w;
	}
	req_problem_errors(r, SVK_ERR_VALIDATION, detail, errors);
	return false;
}

/* ---- database ----------------------------------------------------------- */

static void conn_closed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct req *r = c->current;
	struct evhttp_connection *evcon = NULL;
	void *cbarg = NULL;

	(void)fd;
	(void)what;
	if (!r || !r->op)
		return;
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
	if (r->conn && r->conn->closed_ev)
		event_del(r->conn->closed_ev);
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
				c->closed_ev = event_new(r->w->base, fd, EV_CLOSED, conn_closed_cb, c);
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

void h_prefetched(struct req *r)
{
	struct db_call call = { 0 };

	if (r->route->prefetch(r, &call) != 0) {
		req_problem_field(r, r->qerr_field ? r->qerr_field : "query",
				  r->qerr_message ? r->qerr_message : "is not valid");
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
	snprintf(what, sizeof what, "%s %s", method_name(r->method), r->path);
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
	r->route->handler(r);
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
	{
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
