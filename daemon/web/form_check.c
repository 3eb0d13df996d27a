/*
 * What the forms share once their fields are read (session.c reads them):
 * a field's error, the API's checks of the body the form makes (the
 * route's field table, then the personnummer guard) with their errors in
 * Swedish beside the form's fields, and the body as the text the SQL
 * function takes. See web_internal.h.
 */
#include <jansson.h>
#include <stdlib.h>

#include "error.h"
#include "jsonfields.h"
#include "jsonguard.h"
#include "request.h"
#include "web_internal.h"

bool web_set_error(struct req *r, const char *field, const char *text)
{
	if (!r->web.errors && !(r->web.errors = json_object()))
		return false;
	if (json_object_get(r->web.errors, field))
		return true;
	return json_object_set_new(r->web.errors, field, json_string(text)) == 0;
}

bool web_check_body(struct req *r, json_t *body, const struct web_check *c)
{
	json_t *errs = NULL, *e;
	char path[128];
	size_t i;
	bool ok = true;

	if (!jf_check(body, c->fields, c->n, &errs)) {
		if (!errs)
			return false;
		json_array_foreach (errs, i, e) {
			const char *p = web_str(e, "field");
			const char *f = p && c->field_of ? c->field_of(p) : p;
			const char *text = f ? c->text_of(f) : NULL;

			ok = ok && (text ? web_set_error(r, f, text)
					 : web_set_error(r, c->fallback, c->fallback_text));
		}
		json_decref(errs);
		return ok;
	}
	if (jsonguard_find_pnr(body, path, sizeof path)) {
		const char *f = c->field_of ? c->field_of(path) : path;

		return web_set_error(r, f && c->text_of(f) ? f : c->fallback, WEB_PNR_TEXT);
	}
	return true;
}

const char *web_body_text(struct req *r, json_t *body)
{
	char *dump = json_dumps(body, JSON_COMPACT);
	const char *text = dump ? req_keep(r, dump) : NULL;

	json_decref(body);
	if (!text)
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
	return text;
}
