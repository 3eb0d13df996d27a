/*
 * The intake stage (see intake.h).
 */
#include "intake.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include "app.h"
#include "request.h"

#define REQ_ID_MAX 40

static unsigned method_bit(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET:
		return M_GET;
	case EVHTTP_REQ_HEAD:
		return M_GET; /* answered like GET */
	case EVHTTP_REQ_POST:
		return M_POST;
	case EVHTTP_REQ_PUT:
		return M_PUT;
	case EVHTTP_REQ_PATCH:
		return M_PATCH;
	case EVHTTP_REQ_DELETE:
		return M_DELETE;
	case EVHTTP_REQ_OPTIONS:
		return M_OPTIONS;
	default:
		return M_OTHER;
	}
}

static bool id_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
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

void intake_init(struct req *r)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(r->ereq);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r->ereq);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	char *peer = NULL;
	ev_uint16_t port = 0;

	r->method = method_bit(evhttp_request_get_command(r->ereq));
	set_request_id(
	    r, evhttp_find_header(evhttp_request_get_input_headers(r->ereq), "X-Request-Id"));
	if (evcon) {
		evhttp_connection_get_peer(evcon, &peer, &port);
		snprintf(r->addr, sizeof r->addr, "%s", peer ? peer : "-");
	}
	/* A path too long for r->path is kept cut (for the log) and refused
	 * by intake_check. */
	snprintf(r->path, sizeof r->path, "%s", path && path[0] ? path : "/");
}

/* Refuses ambiguous framing that could smuggle a request past a proxy. */
static const char *framing_error(struct evkeyvalq *in, size_t *header_bytes)
{
	struct evkeyval *kv;
	int n_cl = 0;
	const char *te = NULL;

	*header_bytes = 0;
	TAILQ_FOREACH (kv, in, next) {
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

/* Answers with Connection: close: the rest of the stream cannot be trusted. */
static void refuse_closing(struct req *r, enum svk_err err, const char *detail)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Connection", "close");
	req_problem(r, err, detail);
}

static bool path_too_long(struct req *r)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r->ereq);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

	return path && strlen(path) >= sizeof r->path;
}

bool intake_check(struct req *r)
{
	const struct config *cfg = &r->w->app->cfg;
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->ereq);
	const char *framing;
	size_t header_bytes;
	char detail[128];

	if (r->conn && r->conn->refused) {
		/* A request got in on a connection past the cap before it
		 * could be closed: answer that, and close. */
		refuse_closing(r, SVK_ERR_UNAVAILABLE, "too many connections; try again shortly");
		return false;
	}
	framing = framing_error(in, &header_bytes);
	if (framing) {
		snprintf(detail, sizeof detail, "ambiguous message framing: %s", framing);
		refuse_closing(r, SVK_ERR_BAD_REQUEST, detail);
		return false;
	}
	if (evhttp_find_header(in, GUARD_REFUSED_HEADER)) {
		/* The guard saw a Content-Length over max_body and kept the body
		 * from being read (guard.c); it is dropped as it arrives. */
		snprintf(detail, sizeof detail, "the body (%.20s bytes) is larger than %d bytes",
			 evhttp_find_header(in, GUARD_REFUSED_HEADER), cfg->max_body);
		req_problem(r, SVK_ERR_PAYLOAD_TOO_LARGE, detail);
		return false;
	}
	if (header_bytes > (size_t)cfg->max_header) {
		snprintf(detail, sizeof detail, "request headers are larger than %d bytes",
			 cfg->max_header);
		refuse_closing(r, SVK_ERR_HEADERS_TOO_LARGE, detail);
		return false;
	}
	if (evbuffer_get_length(evhttp_request_get_input_buffer(r->ereq)) > (size_t)cfg->max_body) {
		snprintf(detail, sizeof detail, "the body is larger than %d bytes", cfg->max_body);
		req_problem(r, SVK_ERR_PAYLOAD_TOO_LARGE, detail);
		return false;
	}
	if (path_too_long(r)) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such path");
		return false;
	}
	return true;
}
