/*
 * The steps of an incident import that need no server (see importrow.h):
 * which column is which member, a row as an item, the key of a batch, and
 * a 422's `items[i]` errors back to line numbers. One table names the
 * columns and their Swedish aliases, so the header check, the help text
 * and the row conversion agree.
 */
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importrow.h"

/* clang-format off */
static const struct {
	const char *key;	   /* the JSON member and the English name */
	const char *aliases[3]; /* NULL-terminated */
	int required;
	int number;
} columns[IMPORT_NFIELDS] = {
	[IMPORT_OCCURRED_AT] = { "occurred_at", { "tidpunkt", NULL }, 1, 0 },
	[IMPORT_MUNICIPALITY] = { "municipality", { "kommun", NULL }, 1, 0 },
	[IMPORT_PLACE] = { "place", { "plats", NULL }, 1, 0 },
	[IMPORT_CATEGORY] = { "category", { "kategori", NULL }, 1, 0 },
	[IMPORT_DESCRIPTION] = { "description", { "beskrivning", NULL }, 0, 0 },
	[IMPORT_LATITUDE] = { "latitude", { "lat", NULL }, 0, 1 },
	[IMPORT_LONGITUDE] = { "longitude", { "lon", "lng", NULL }, 0, 1 },
	[IMPORT_EXTERNAL_ID] = { "external_id", { "referens", NULL }, 0, 0 },
};
/* clang-format on */

/* The member a header name stands for, or -1. */
static int field_of(const char *name)
{
	for (int f = 0; f < IMPORT_NFIELDS; f++) {
		if (strcasecmp(name, columns[f].key) == 0)
			return f;
		for (size_t i = 0; columns[f].aliases[i]; i++)
			if (strcasecmp(name, columns[f].aliases[i]) == 0)
				return f;
	}
	return -1;
}

/* "occurred_at (tidpunkt), …" for messages. */
static int list_columns(struct strbuf *sb)
{
	for (int f = 0; f < IMPORT_NFIELDS; f++) {
		if (strbuf_printf(sb, "%s%s (", f ? ", " : "", columns[f].key) != 0)
			return -1;
		for (size_t i = 0; columns[f].aliases[i]; i++)
			if (strbuf_printf(sb, "%s%s", i ? ", " : "", columns[f].aliases[i]) != 0)
				return -1;
		if (strbuf_puts(sb, ")") != 0)
			return -1;
	}
	return 0;
}

/* "unknown column 'a', 'b'" in err; the header's names are quoted. */
static int unknown_columns(const struct csv_record *hdr, struct strbuf *err)
{
	int n = 0;

	for (size_t c = 0; c < hdr->n; c++) {
		if (!hdr->cells[c][0] || field_of(hdr->cells[c]) >= 0)
			continue;
		if (strbuf_printf(err, "%s'%s'", n++ ? ", " : "unknown column(s) ",
				  hdr->cells[c]) != 0)
			return -1;
	}
	if (n == 0)
		return 0;
	if (strbuf_puts(err, "; the columns are ") != 0 || list_columns(err) != 0)
		return -1;
	return n;
}

static int missing_columns(const struct import_header *h, int have_municipality, struct strbuf *err)
{
	int n = 0;

	for (int f = 0; f < IMPORT_NFIELDS; f++) {
		if (h->cell[f] >= 0 || !columns[f].required ||
		    (f == IMPORT_MUNICIPALITY && have_municipality))
			continue;
		if (strbuf_printf(err, "%s%s (or %s)", n++ ? ", " : "missing column(s) ",
				  columns[f].key, columns[f].aliases[0]) != 0)
			return -1;
	}
	if (n > 0 && h->cell[IMPORT_MUNICIPALITY] < 0 && !have_municipality &&
	    strbuf_puts(err, "; --municipality can stand in for the "
			     "municipality column") != 0)
		return -1;
	return n;
}

int import_map_header(const struct csv_record *hdr, int have_municipality, struct import_header *h,
		      struct strbuf *err)
{
	int n;

	for (int f = 0; f < IMPORT_NFIELDS; f++)
		h->cell[f] = -1;
	h->ncells = hdr->n;
	n = unknown_columns(hdr, err);
	if (n != 0)
		return -1;
	for (size_t c = 0; c < hdr->n; c++) {
		int f = hdr->cells[c][0] ? field_of(hdr->cells[c]) : -1;

		if (f < 0)
			continue;
		if (h->cell[f] >= 0) {
			(void)strbuf_printf(err,
					    "the columns '%s' and '%s' are "
					    "both %s",
					    hdr->cells[h->cell[f]], hdr->cells[c], columns[f].key);
			return -1;
		}
		h->cell[f] = (int)c;
	}
	n = missing_columns(h, have_municipality, err);
	return n == 0 ? 0 : -1;
}

void import_refusals_init(struct import_refusals *r)
{
	memset(r, 0, sizeof *r);
}

void import_refusals_cleanup(struct import_refusals *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].field);
		free(r->v[i].message);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

int import_refuse(struct import_refusals *r, long line, const char *field, const char *message)
{
	struct import_refusal *x;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct import_refusal *v = realloc(r->v, cap * sizeof *v);

		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	x = &r->v[r->n];
	x->line = line;
	x->seq = r->n;
	x->field = strdup(field);
	x->message = strdup(message);
	if (!x->field || !x->message) {
		free(x->field);
		free(x->message);
		return -1;
	}
	r->n++;
	return 0;
}

static int cmp_refusal(const void *a, const void *b)
{
	const struct import_refusal *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void import_refusals_sort(struct import_refusals *r)
{
	if (r->n > 1)
		qsort(r->v, r->n, sizeof *r->v, cmp_refusal);
}

int import_parse_number(const char *s, double *out)
{
	char buf[64], *end = NULL;
	size_t len = strlen(s);
	char *comma;
	double v;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len + 1);
	/* Swedish notation; there is never a thousands separator here. */
	comma = strchr(buf, ',');
	if (comma)
		*comma = '.';
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || end == buf || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* The value of one non-empty cell, or NULL with *why set. */
static json_t *cell_value(int f, const char *text, const char **why)
{
	json_t *v;
	double d;

	*why = NULL;
	if (columns[f].number) {
		if (import_parse_number(text, &d) != 0) {
			*why = "not a number";
			return NULL;
		}
		v = json_real(d);
	} else {
		v = json_string(text);
		if (!v)
			*why = "not valid UTF-8 text (save the file as UTF-8)";
	}
	return v;
}

/* The text of member f in rec, or NULL when the column is absent or the
 * cell empty. */
static const char *cell_text(const struct import_header *h, const struct csv_record *rec, int f)
{
	int c = h->cell[f];

	if (c < 0 || (size_t)c >= rec->n || !rec->cells[c][0])
		return NULL;
	return rec->cells[c];
}

/* Refuses a row whose shape is wrong; 1 when refused, 0 if fine, -1. */
static int check_shape(const struct import_header *h, const struct csv_record *rec,
		       struct import_refusals *refused)
{
	char msg[128];

	if (rec->broken)
		return import_refuse(refused, rec->line, "row",
				     "a quoted cell is not closed (the rest "
				     "of the file is part of it)") == 0
			   ? 1
			   : -1;
	if (rec->n == h->ncells)
		return 0;
	(void)snprintf(msg, sizeof msg, "%zu cells where the header has %zu", rec->n, h->ncells);
	return import_refuse(refused, rec->line, "row", msg) == 0 ? 1 : -1;
}

int import_row_item(const struct import_header *h, const struct csv_record *rec,
		    const char *municipality, struct import_refusals *refused, json_t **item)
{
	json_t *obj = NULL;
	int rc;

	*item = NULL;
	rc = check_shape(h, rec, refused);
	if (rc != 0)
		return rc;
	obj = json_object();
	if (!obj)
		return -1;
	for (int f = 0; f < IMPORT_NFIELDS; f++) {
		const char *text = cell_text(h, rec, f), *why;
		json_t *v;

		if (!text && f == IMPORT_MUNICIPALITY)
			text = municipality;
		if (!text)
			continue;
		v = cell_value(f, text, &why);
		if (why) {
			json_decref(obj);
			return import_refuse(refused, rec->line, columns[f].key, why) == 0 ? 1 : -1;
		}
		if (!v || json_object_set_new(obj, columns[f].key, v) != 0) {
			json_decref(obj);
			return -1;
		}
	}
	*item = obj;
	return 0;
}

int import_batch_key(const json_t *body, const long *lines, size_t n, char *out, size_t outlen)
{
	static const char domain[] = "samverkan incidents import 1\n";
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char *text;

	if (outlen < IMPORT_KEY_LEN + 1 || sodium_init() < 0)
		return -1;
	text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return -1;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)domain, sizeof domain - 1);
	for (size_t i = 0; i < n; i++) {
		char num[32];
		int len = snprintf(num, sizeof num, "%ld,", lines[i]);

		crypto_hash_sha256_update(&st, (const unsigned char *)num, (unsigned long long)len);
	}
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)text, strlen(text));
	crypto_hash_sha256_final(&st, digest);
	free(text);
	sodium_bin2hex(out, outlen, digest, IMPORT_KEY_LEN / 2);
	return 0;
}

/*
 * "items[12].category" → 12 and "category"; "items[12]" → 12 and "row".
 * Returns 0, or -1 for a field that names no item.
 */
static int parse_item_field(const char *field, size_t *index, const char **member)
{
	const char *p = field;
	size_t i = 0;

	if (strncmp(p, "items[", 6) != 0)
		return -1;
	p += 6;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (i > (size_t)IMPORT_MAX_BATCH * 10)
			return -1; /* far past any batch */
		i = i * 10 + (size_t)(*p - '0');
	}
	if (*p++ != ']')
		return -1;
	if (*p == '\0')
		*member = "row";
	else if (*p == '.' && p[1])
		*member = p + 1;
	else
		return -1;
	*index = i;
	return 0;
}

static const char *member_text(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

long import_map_errors(const json_t *problem, const long *lines, size_t n, unsigned char *bad,
		       struct import_refusals *refused)
{
	const json_t *errors = json_object_get(problem, "errors"), *e;
	long marked = 0;
	size_t k;

	json_array_foreach (errors, k, e) {
		const char *field = member_text(e, "field");
		const char *msg = member_text(e, "message");
		const char *member;
		size_t i;

		if (!field || parse_item_field(field, &i, &member) != 0 || i >= n)
			continue;
		if (import_refuse(refused, lines[i], member, msg ? msg : "refused") != 0)
			return -1;
		if (!bad[i])
			marked++;
		bad[i] = 1;
	}
	return marked;
}
