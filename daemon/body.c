/*
 * The body stage (see body.h), and the body helpers of the handler API:
 * the body as text for SQL, and the check against a handler's field table.
 */
#include "body.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "jsonguard.h"
#include "request.h"
#include "validate.h"

static int json_depth(const json_t *v)
{
	int max = 0;
	json_t *c;

	if (json_is_object(v)) {
		const char *k;
		json_object_foreach ((json_t *)v, k, c) {
			int d = json_depth(c);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_array_foreach (v, i, c) {
			int d = json_depth(c);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

static bool content_type_json(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The privacy guard over the whole body; false after answering 422. A
 * batch route checks each item itself, so that every bad item is named. */
static bool body_private_ok(struct req *r)
{
	char field[128];
	json_t *scan = r->body;
	bool found;

	if (r->route->flags & ROUTE_ITEMS)
		return true;
	/* Passwords are never stored as text, so they are not scanned. */
	if (r->route->flags & ROUTE_SECRET) {
		scan = json_copy(r->body);
		if (!scan) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return false;
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
		return false;
	}
	return true;
}

bool body_parse(struct req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ereq);
	size_t len = evbuffer_get_length(in);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
					    "Content-Type");
	int max_depth = r->w->app->cfg.json_max_depth;
	json_error_t jerr;
	char detail[300];
	unsigned char *data;

	if (len == 0) {
		req_problem(r, SVK_ERR_BAD_REQUEST, "a JSON object body is required");
		return false;
	}
	if (!content_type_json(ct)) {
		req_problem(r, SVK_ERR_UNSUPPORTED_MEDIA_TYPE,
			    "send the body as Content-Type: application/json");
		return false;
	}
	data = evbuffer_pullup(in, -1);
	r->body = data ? json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!r->body) {
		snprintf(detail, sizeof detail,
			 "the body is not valid JSON: %s at line %d column %d", jerr.text,
			 jerr.line, jerr.column);
		req_problem(r, SVK_ERR_BAD_REQUEST, detail);
		return false;
	}
	if (json_depth(r->body) > max_depth) {
		snprintf(detail, sizeof detail, "the JSON body is nested deeper than %d levels",
			 max_depth);
		req_problem(r, SVK_ERR_BAD_REQUEST, detail);
		return false;
	}
	if (!json_is_object(r->body)) {
		req_problem_field(r, "body", "must be a JSON object");
		return false;
	}
	return body_private_ok(r);
}

void body_cleanup(struct req *r)
{
	json_decref(r->body);
	r->body = NULL;
	free(r->body_text);
	r->body_text = NULL;
}

const char *req_body_text(struct req *r)
{
	if (!r->body_text)
		r->body_text = json_dumps(r->body, JSON_COMPACT);
	return r->body_text;
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
	json_array_foreach (errors, k, e) {
		const char *f = json_string_value(json_object_get(e, "field"));
		int w = snprintf(detail + o, sizeof detail - o, "%s %s", k ? "," : "", f ? f : "?");
		if (w < 0 || (size_t)w >= sizeof detail - o)
			break;
		o += (size_t)w;
	}
	/* A long unknown field's name may have been cut inside a character. */
	(void)validate_utf8_trim(detail);
	req_problem_errors(r, SVK_ERR_VALIDATION, detail, errors);
	return false;
}
