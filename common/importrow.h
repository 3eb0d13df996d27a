/*
 * The steps of an incident import that need no server, shared by the
 * CLI's `incidents import` (client/import.h) and the web's upload
 * (daemon/web/page_import.c): which CSV column (csvread.h) is which
 * member, a row as an item, the category cell as a slug, the key of a
 * batch, and a 422's `items[i]` errors back to line numbers. Messages are
 * in English, the API's language; the web shows them in Swedish.
 */
#ifndef SVK_COMMON_IMPORTROW_H
#define SVK_COMMON_IMPORTROW_H

#include <jansson.h>
#include <stddef.h>

#include "csvread.h"
#include "strbuf.h"
#include "vocab.h"

#define IMPORT_MAX_BATCH VOCAB_INCIDENT_BATCH_MAX /* the server's limit per request */
#define IMPORT_KEY_LEN 32                         /* hex characters of a batch's key */

/* The members an incident row may set. */
enum import_field {
	IMPORT_OCCURRED_AT,
	IMPORT_MUNICIPALITY,
	IMPORT_PLACE,
	IMPORT_CATEGORY,
	IMPORT_DESCRIPTION,
	IMPORT_LATITUDE,
	IMPORT_LONGITUDE,
	IMPORT_EXTERNAL_ID,
	IMPORT_NFIELDS,
};

/* Which column holds which member. */
struct import_header {
	int cell[IMPORT_NFIELDS]; /* column index, or -1 when absent */
	size_t ncells;            /* how many cells every row must have */
};

/*
 * Maps the header row to members by name, case-insensitively, with the
 * Swedish aliases (tidpunkt, kommun, plats, kategori, beskrivning, lat,
 * lon/lng, referens); a column without a name is ignored. Unknown, repeated and
 * missing required columns (occurred_at, place, category, and
 * municipality unless have_municipality) are named in err. Returns 0, or
 * -1 with the message in err.
 */
int import_map_header(const struct csv_record *hdr, int have_municipality, struct import_header *h,
		      struct strbuf *err);

/* One refused line: the member (or "row") and why. */
struct import_refusal {
	long line;
	char *field;
	char *message;
	size_t seq; /* order of refusal, so sorting by line is stable */
};

struct import_refusals {
	struct import_refusal *v;
	size_t n, cap;
};

void import_refusals_init(struct import_refusals *r);
void import_refusals_cleanup(struct import_refusals *r);
/* Records a refusal (the strings are copied). 0 or -1. */
int import_refuse(struct import_refusals *r, long line, const char *field, const char *message);
/* Orders the refusals by line, keeping the order within a line. */
void import_refusals_sort(struct import_refusals *r);

/*
 * The item of one data row: every non-empty cell of a known column
 * (latitude and longitude as numbers, a decimal comma read too), the
 * municipality falling back to `municipality` (may be NULL) when the row
 * has none. Returns 0 with *item (the caller json_decrefs it), 1 when the
 * row was refused (recorded in refused, *item NULL), -1 out of memory.
 */
int import_row_item(const struct import_header *h, const struct csv_record *rec,
		    const char *municipality, struct import_refusals *refused, json_t **item);

/*
 * Puts the slug of the category that item's "category" names in its place:
 * cats is the server's list ([{"slug","name"}]); a slug or a name matches
 * in any case ("Hot och våld", "hot-vald", "HOT OCH VÅLD"). Returns 0, 1
 * when the row was refused (recorded in refused as line's: "unknown
 * category 'Klotterx' — did you mean klotter (Klotter)?" when one is
 * near), or -1 out of memory.
 */
int import_category(const json_t *cats, json_t *item, long line, struct import_refusals *refused);

/*
 * The Idempotency-Key of a batch: IMPORT_KEY_LEN lowercase hex characters
 * of the SHA-256 of the body (keys sorted) and of the lines its items came
 * from, so the same rows of the same file give the same key on every run,
 * and anything else another key. out has room for IMPORT_KEY_LEN + 1.
 * Returns 0 or -1.
 */
int import_batch_key(const json_t *body, const long *lines, size_t n, char *out, size_t outlen);

/*
 * For a 422 answer to a batch of n items from lines[]: every error whose
 * field is `items[i]` or `items[i].member` with i < n marks bad[i] (bad
 * has n entries, zeroed by the caller) and records a refusal of lines[i]
 * with that member ("row" for the item as a whole). Returns how many
 * items were marked (0: the errors name no item), or -1 out of memory.
 */
long import_map_errors(const json_t *problem, const long *lines, size_t n, unsigned char *bad,
		       struct import_refusals *refused);

/* A number as a person writes it: "59,65" or "59.65"; 0 or -1. */
int import_parse_number(const char *s, double *out);

#endif
