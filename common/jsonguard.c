/*
 * The personnummer guard over a JSON value (see jsonguard.h). The path is
 * built in the caller's buffer as the walk descends: each level appends its
 * segment after the parent's and the next sibling overwrites it, so the
 * walk needs no allocation and the buffer holds the right path at the
 * moment a match is found.
 *
 * Numbers are checked as the digits a client wrote: `"description":
 * 8112189876` is a personnummer whether or not the field's table later
 * says it wants a text, and a numeric field must not carry one either.
 */
#include "jsonguard.h"

#include <stdio.h>
#include <string.h>

#include "pnr.h"
#include "validate.h"

/* Beyond what json_loadb accepts; only hand-built values get this deep. */
#define JSONGUARD_MAX_DEPTH JSON_PARSER_MAX_DEPTH

struct walk {
	char *path; /* NULL when the caller wants no path */
	size_t pathlen;
};

/*
 * After snprintf wrote n characters (or wanted to) at offset used, the new
 * length of the path: kept below pathlen when the segment did not fit, so
 * the path is truncated, never unterminated, and nothing deeper is added.
 * A key cut inside a character loses that character's bytes, so that the
 * path stays UTF-8 and can be named in the answer.
 */
static size_t path_advance(struct walk *w, size_t used, int n)
{
	if (n < 0) {
		w->path[used] = '\0';
		return used;
	}
	if ((size_t)n >= w->pathlen - used) {
		(void)validate_utf8_trim(w->path + used);
		return w->pathlen - 1;
	}
	return used + (size_t)n;
}

/* Appends ".key" (or "key" at the top) at offset used. */
static size_t path_push_key(struct walk *w, size_t used, const char *key)
{
	if (!w->path || used + 1 >= w->pathlen)
		return used;
	return path_advance(
	    w, used, snprintf(w->path + used, w->pathlen - used, "%s%s", used ? "." : "", key));
}

/* Appends "[index]" at offset used. */
static size_t path_push_index(struct walk *w, size_t used, size_t index)
{
	if (!w->path || used + 1 >= w->pathlen)
		return used;
	return path_advance(w, used, snprintf(w->path + used, w->pathlen - used, "[%zu]", index));
}

/*
 * The digits of a JSON number's whole part into buf: an integer as it is,
 * a real without its fraction, however the client wrote it
 * (8112189876.0, 8112189876.5 and 8.112189876e9 all give "8112189876").
 * The fraction is left out on purpose: it is a measurement's precision,
 * not something typed as an identifier, and a coordinate given with ten
 * decimals would otherwise be refused about once in 140 times. A whole
 * part of 14 digits or more cannot be a personnummer, so it is "".
 */
static const char *number_text(const json_t *v, char *buf, size_t len)
{
	double d;

	buf[0] = '\0';
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	d = json_real_value(v);
	if (d > -1e13 && d < 1e13)
		snprintf(buf, len, "%lld", (long long)d);
	return buf;
}

static bool walk_value(struct walk *w, const json_t *v, size_t used, int depth)
{
	if (depth > JSONGUARD_MAX_DEPTH)
		return true;
	if (json_is_string(v))
		return pnr_find(json_string_value(v), json_string_length(v), NULL, NULL);
	if (json_is_number(v)) {
		char buf[32];
		const char *text = number_text(v, buf, sizeof buf);

		return pnr_find(text, strlen(text), NULL, NULL);
	}
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			size_t n = path_push_index(w, used, i);

			if (walk_value(w, json_array_get(v, i), n, depth + 1))
				return true;
		}
	} else if (json_is_object(v)) {
		/* jansson's iterator takes a non-const object; it is only
		 * read here. */
		json_t *obj = (json_t *)v;

		for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
			const char *key = json_object_iter_key(it);
			size_t n = path_push_key(w, used, key);

			if (walk_value(w, json_object_iter_value(it), n, depth + 1))
				return true;
		}
	}
	/* Nothing below: cut this level's segment off again. */
	if (w->path && used < w->pathlen)
		w->path[used] = '\0';
	return false;
}

bool jsonguard_find_pnr(const json_t *value, char *path, size_t pathlen)
{
	struct walk w = { pathlen ? path : NULL, pathlen };

	if (w.path)
		w.path[0] = '\0';
	if (!value)
		return false;
	return walk_value(&w, value, 0, 0);
}
