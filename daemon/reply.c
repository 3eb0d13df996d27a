/*
 * Answering a request, the last stage (see request.h): every reply
 * function sends, logs one line, counts the response and frees the
 * request. Problem documents (RFC 9457) are made here and only here, from
 * the error table. A stage that must see the answer before it goes out
 * (idempotency, to store it) sets the request's hold hook.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "app.h"
#include "log.h"
#include "pipeline.h"
#include "request.h"
#include "strbuf.h"
#include "validate.h"

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 409:
		return "Conflict";
	case 412:
		return "Precondition Failed";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
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
		 r->id, req_method_name(r->method), r->path, status, ms,
		 r->auth.authenticated ? r->auth.actor.username : "-", r->addr);
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

void req_reply_text(struct req *r, int status, const char *content_type, const char *body,
		    size_t len, const char *location)
{
	struct answer a = { status, content_type, body, len, location };
	struct evbuffer *buf;
	struct evkeyvalq *out;

	if (r->hold && r->hold(r, &a))
		return;
	buf = evbuffer_new();
	out = evhttp_request_get_output_headers(r->ereq);
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

/*
 * A list page with a next cursor gets `Link: <…&cursor=…>; rel="next"`.
 * The list statements return the cursor as their column next_cursor (NULL
 * on the last page) beside the JSON text.
 */
static void add_link_next(struct req *r, const char *cursor)
{
	struct strbuf sb;
	struct evkeyval *kv;
	char *c;

	if (!cursor[0])
		return;
	req_query(r, "cursor"); /* parses the query string */
	strbuf_init(&sb, 4096);
	strbuf_printf(&sb, "<%s?", r->path);
	TAILQ_FOREACH (kv, &r->q.kv, next) {
		char *v;
		if (strcmp(kv->key, "cursor") == 0)
			continue;
		v = evhttp_encode_uri(kv->value);
		if (v)
			strbuf_printf(&sb, "%s=%s&", kv->key, v);
		free(v);
	}
	c = evhttp_encode_uri(cursor);
	if (c && strbuf_printf(&sb, "cursor=%s>; rel=\"next\"", c) == 0 && sb.data)
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Link", sb.data);
	free(c);
	strbuf_cleanup(&sb);
}

void req_reply_json_text(struct req *r, int status, const char *json, const char *location)
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
	struct answer a = { status, NULL, NULL, 0, NULL };

	if (r->hold && r->hold(r, &a))
		return;
	send_buffer(r, status, NULL);
}

void req_problem_errors(struct req *r, enum svk_err err, const char *detail, json_t *errors)
{
	const struct svk_err_info *info = svk_err_info(err);
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ereq);
	char type[96];
	json_t *doc;
	char *text;

	snprintf(type, sizeof type, "urn:samverkan:problem:%s", info->code);
	doc = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title", info->title,
			"status", info->status, "detail", detail ? detail : info->title, "code",
			info->code, "request_id", r->id);
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
	req_reply_text(r, info->status, "application/problem+json", text, strlen(text), NULL);
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
	(void)validate_utf8_trim(detail);
	req_problem_errors(r, SVK_ERR_VALIDATION, detail, errors);
}

void req_reply_db_error(struct req *r, const struct db_result *res)
{
	enum svk_err err = res->err == SVK_OK ? SVK_ERR_INTERNAL : res->err;

	if (svk_sqlstate_is_ours(res->sqlstate)) {
		const char *msg = res->message ? res->message : svk_err_info(err)->title;
		if (err == SVK_ERR_VALIDATION && res->detail && res->detail[0] == '[') {
			/* Every bad item of a batch, as {field, message} objects. */
			json_t *errors = json_loads(res->detail, 0, NULL);
			if (json_is_array(errors)) {
				req_problem_errors(r, err, msg, errors);
				return;
			}
			json_decref(errors);
		}
		if (err == SVK_ERR_VALIDATION && res->column) {
			req_problem_field(r, res->column, msg);
			return;
		}
		if (err == SVK_ERR_RATE_LIMITED && res->detail)
			evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Retry-After",
					  res->detail);
		req_problem(r, err, msg);
		return;
	}
	log_warn(&r->w->app->log, "msg=\"database error\" id=%s sqlstate=%s error=\"%.300s\"",
		 r->id, res->sqlstate ? res->sqlstate : "-", res->message ? res->message : "-");
	if (err == SVK_ERR_CONFLICT) {
		req_problem(r, err, "a resource with these identifying values already exists");
		return;
	}
	if (err == SVK_ERR_VALIDATION) {
		req_problem(r, err,
			    "a value was out of range or refers to something that does not exist");
		return;
	}
	req_problem(r, err,
		    err == SVK_ERR_UNAVAILABLE ? "the database is not available; try again shortly"
					       : NULL);
}

const char *req_result_text(const struct db_result *res, int i)
{
	const PGresult *pr = i < res->n ? res->res[i] : NULL;

	if (!pr || PQresultStatus(pr) != PGRES_TUPLES_OK || PQntuples(pr) < 1 || PQnfields(pr) < 1)
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
	if (status == 200 && r->method == M_GET) {
		int col = PQfnumber(res->res[i], "next_cursor");
		const char *cursor = col >= 0 ? db_get(res->res[i], 0, col) : NULL;

		if (cursor)
			add_link_next(r, cursor);
	}
	req_reply_json_text(r, status, text, location);
}

void req_reply_created(struct req *r, const struct db_result *res, const char *collection)
{
	json_t *doc = req_result_json(r, res, 0, "not created");
	const char *id;
	char location[160];

	if (!doc)
		return;
	id = json_string_value(json_object_get(doc, "id"));
	if (id)
		snprintf(location, sizeof location, "%s/%s", collection, id);
	req_reply_json(r, 201, doc, id ? location : NULL);
}

json_t *req_result_json(struct req *r, const struct db_result *res, int i, const char *not_found)
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
