/*
 * A request body on the daemon's way in (daemon/body.c): parsed as the
 * daemon parses it, the depth guard, the privacy guard over every value
 * (common/jsonguard.c with common/pnr.c), then every endpoint's field table
 * (daemon/h_*.c, collected by the build: fuzz_tables.h) through jf_check
 * (common/jsonfields.c), the body and each object in an array of it (the
 * items of a batch, the resource lines of a proposal), and each item
 * through the incident check of POST /v1/incidents.
 *
 * Checked against references: jf_check names exactly the fields that a
 * plain reading of jsonfields.h says are wrong, and nothing else; the
 * privacy guard finds a number exactly when a walk of its own (pnr_find
 * on each string and on each number's whole part) does, names the same
 * path, and gives that path cut at a whole character to a short buffer;
 * the incident check can name every error it finds.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tables.h"
#include "jsonguard.h"
#include "pnr.h"
#include "validate.h"

#define MAX_DEPTH 32 /* the daemon's default json_max_depth */

int fuzz_incident_check(const json_t *item, const char *prefix, json_t *errs);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s\n", what, detail);
	abort();
}

static int depth_of(const json_t *v)
{
	int max = 0;
	const char *k;
	json_t *c;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach ((json_t *)v, k, c)
			if (depth_of(c) > max)
				max = depth_of(c);
		return max + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach (v, i, c)
			if (depth_of(c) > max)
				max = depth_of(c);
		return max + 1;
	}
	return 0;
}

/* ---- the privacy guard's reference ----------------------------------------- */

static bool ref_guard(const json_t *v, char *path, size_t used, size_t cap)
{
	if (json_is_string(v))
		return pnr_find(json_string_value(v), json_string_length(v), NULL, NULL);
	if (json_is_number(v)) {
		char text[32] = "";

		if (json_is_integer(v))
			snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
		else if (json_real_value(v) > -1e13 && json_real_value(v) < 1e13)
			snprintf(text, sizeof text, "%lld", (long long)json_real_value(v));
		return pnr_find(text, strlen(text), NULL, NULL);
	}
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			int n = snprintf(path + used, cap - used, "[%zu]", i);

			if (n > 0 && (size_t)n < cap - used &&
			    ref_guard(json_array_get(v, i), path, used + (size_t)n, cap))
				return true;
		}
	} else if (json_is_object(v)) {
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it)) {
			const char *key = json_object_iter_key(it);
			/* An empty key at the top adds nothing to the path (n == 0). */
			int n = snprintf(path + used, cap - used, "%s%s", used ? "." : "", key);

			if (n >= 0 && (size_t)n < cap - used &&
			    ref_guard(json_object_iter_value(it), path, used + (size_t)n, cap))
				return true;
		}
	}
	path[used] = '\0';
	return false;
}

static void check_guard(const json_t *body, size_t small)
{
	static char want[1 << 16], got[1 << 16];
	char *short_path = malloc(small);
	bool found = jsonguard_find_pnr(body, got, sizeof got);
	bool short_found = jsonguard_find_pnr(body, short_path, small);

	want[0] = '\0';
	if (found != ref_guard(body, want, 0, sizeof want))
		fail("jsonguard_find_pnr", "found differs from the reference walk");
	if (jsonguard_find_pnr(body, NULL, 0) != found || short_found != found)
		fail("jsonguard_find_pnr", "found depends on the path buffer");
	if (found && strcmp(got, want) != 0)
		fail("jsonguard_find_pnr path", got);
	/* The short path is the full one cut, at a whole character: it is
	 * named in the answer, which must be UTF-8. */
	if (strlen(short_path) >= small || strncmp(short_path, got, strlen(short_path)) != 0 ||
	    !validate_utf8(short_path, strlen(short_path)) ||
	    (found && strlen(got) < small && strcmp(short_path, got) != 0) ||
	    (found && strlen(got) >= small && strlen(short_path) + 4 < small))
		fail("jsonguard_find_pnr short path", short_path);
	free(short_path);
}

/* ---- the field tables' reference ------------------------------------------- */

static bool in_choices(const char *choices, const char *s)
{
	for (const char *p = choices; *p;) {
		size_t len = strcspn(p, "|");

		if (len == strlen(s) && memcmp(p, s, len) == 0)
			return true;
		p += len + (p[len] == '|');
	}
	return false;
}

static bool ref_value_ok(const struct jf_field *f, const json_t *v)
{
	long long lo = f->empty ? 0 : f->min ? f->min : 1;
	const char *s;
	size_t len;

	switch (f->type) {
	case JF_BOOL:
		return json_is_boolean(v);
	case JF_NUMBER:
		return json_is_number(v) && json_number_value(v) >= (double)f->min &&
		       json_number_value(v) <= (double)f->max;
	case JF_INT:
		return json_is_integer(v) && json_integer_value(v) >= f->min &&
		       json_integer_value(v) <= f->max;
	case JF_STRINGS:
		if (!json_is_array(v) || json_array_size(v) > 100 ||
		    (!f->empty && (long long)json_array_size(v) < lo))
			return false;
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);

			if (!json_is_string(e) || json_string_length(e) == 0 ||
			    (f->max && (long long)json_string_length(e) > f->max))
				return false;
		}
		return true;
	default:
		break;
	}
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	len = json_string_length(v);
	if (memchr(s, '\0', len))
		return false;
	switch (f->type) {
	case JF_STRING:
		return (long long)len >= lo && (!f->max || (long long)len <= f->max);
	case JF_DATE:
		return validate_date(s);
	case JF_TIMESTAMP:
		return validate_timestamp(s, NULL);
	case JF_UUID:
		return validate_uuid(s);
	case JF_SLUG:
		return validate_slug(s);
	case JF_USERNAME:
		return validate_username(s);
	case JF_ENUM:
		return in_choices(f->choices, s);
	default:
		return false;
	}
}

/* How many of errors name field. */
static size_t errors_naming(const json_t *errors, const char *field)
{
	size_t n = 0, i;
	json_t *e;

	json_array_foreach (errors, i, e)
		n += strcmp(json_string_value(json_object_get(e, "field")), field) == 0;
	return n;
}

static void check_table(const struct fuzz_table *t, const json_t *obj)
{
	json_t *errors = NULL, *e;
	bool ok = jf_check(obj, t->fields, t->n, &errors);
	size_t want = 0, i;
	const char *key;
	json_t *v;

	if (ok != (errors == NULL))
		fail(t->name, "jf_check's answer and its errors disagree");
	if (!json_is_object(obj)) {
		if (ok || json_array_size(errors) != 1)
			fail(t->name, "a body that is not an object");
		json_decref(errors);
		return;
	}
	json_array_foreach (errors, i, e)
		if (!json_is_string(json_object_get(e, "field")) ||
		    !json_is_string(json_object_get(e, "message")))
			fail(t->name, "an error without field and message");
	json_object_foreach ((json_t *)obj, key, v) {
		bool known = false;

		for (size_t k = 0; k < t->n; k++)
			known = known || strcmp(t->fields[k].name, key) == 0;
		want += !known;
		if (!known && errors_naming(errors, key) != 1)
			fail(t->name, key);
	}
	for (size_t k = 0; k < t->n; k++) {
		const struct jf_field *f = &t->fields[k];
		bool good;

		v = json_object_get(obj, f->name);
		if (!v)
			good = !f->required;
		else if (json_is_null(v))
			good = f->nullable;
		else
			good = ref_value_ok(f, v);
		want += !good;
		if (errors_naming(errors, f->name) != !good)
			fail(t->name, f->name);
	}
	if (json_array_size(errors) != want)
		fail(t->name, "more errors than wrong fields");
	json_decref(errors);
}

static void check_tables(const json_t *obj)
{
	for (size_t h = 0; fuzz_tables_all[h]; h++)
		for (const struct fuzz_table *t = fuzz_tables_all[h]; t->name; t++)
			check_table(t, obj);
}

static void check_incident(const json_t *item, const char *prefix)
{
	json_t *errs = json_array();

	if (!errs)
		abort();
	/* Not out of memory: every error could be named in the answer. */
	if (fuzz_incident_check(item, prefix, errs) != 0)
		fail("check_item", "an error could not be added");
	json_decref(errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *body, *member;
	const char *key;

	if (size > 16384)
		return 0;
	body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (!body)
		return 0;
	check_guard(body, 1 + size % 40);
	if (depth_of(body) > MAX_DEPTH || !json_is_object(body)) {
		json_decref(body);
		return 0;
	}
	check_tables(body);
	check_incident(body, "");
	json_object_foreach (body, key, member) {
		size_t i;
		json_t *item;
		char prefix[64];

		json_array_foreach (member, i, item) {
			check_tables(item);
			/* As POST /v1/incidents names a batch's item: its
			 * prefix is always "items[N]." (h_est.c), never a key
			 * of the body, which cut to fit could end inside a
			 * character. */
			snprintf(prefix, sizeof prefix, "items[%zu].", i);
			check_incident(item, prefix);
		}
	}
	json_decref(body);
	return 0;
}
