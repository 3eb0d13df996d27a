/*
 * `incidents import`: a CSV file of incidents (csvread.h) becomes batches
 * of `POST /v1/incidents {"items": [...]}`, each sent with an
 * Idempotency-Key derived from its content, so that a batch retried
 * after a lost answer gets the first answer back (a replay, counted as
 * already stored).
 *
 * What keeps an incident from being stored twice is the server: it stores
 * an incident once per source organisation (by the file's external_id, or
 * else by its content) and answers per item whether it was stored now or
 * already there, so a re-run of an edited file stores only what is new,
 * and says how many were already there.
 *
 * A row the client cannot turn into an item (wrong number of cells, a
 * latitude that is not a number, a category that is neither a slug nor a
 * name of one) is refused here with its line number; a batch the server
 * refuses (422) has the items its `errors` name (`items[3].category`,
 * `items[4].municipality` for one the user may not report for) refused by
 * line, and the rest of the batch is sent again, so the good lines are
 * stored. Any other refusal (401, 403, 413, a temporary failure after the
 * retries) stops the import; what was stored before it is reported.
 *
 * The pure steps (header, rows, keys, error mapping) are exported for the
 * unit tests; import_run is the whole import over a transport that the
 * command gives (the real one) or a test gives (a fake).
 */
#ifndef SVK_CLIENT_IMPORT_H
#define SVK_CLIENT_IMPORT_H

#include <jansson.h>
#include <stddef.h>

#include "client.h"
#include "csvread.h"
#include "strbuf.h"
#include "vocab.h"

#define IMPORT_MAX_BATCH VOCAB_INCIDENT_BATCH_MAX /* the server's limit per request */
/* A batch closes early at this many bytes of JSON, well under the server's
 * default request body limit (1 MiB), so long descriptions never make a
 * batch too large to send. */
#define IMPORT_BATCH_BYTES ((size_t)768 * 1024)
#define IMPORT_DEFAULT_BATCH 500
#define IMPORT_KEY_LEN 32 /* hex characters of a batch's key */

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

struct http_response;

/* How import_run sends one batch. */
struct import_transport {
	/*
	 * POSTs body with the Idempotency-Key key, retrying temporary
	 * failures itself. Returns 0 with resp filled (import_run cleans it
	 * up) or the exit code of a transport failure with its message in
	 * err.
	 */
	int (*send)(void *ctx, const json_t *body, const char *key, struct http_response *resp,
		    struct strbuf *err);
	/*
	 * The incident categories ([{"slug","name"}], the caller
	 * json_decrefs) in *cats, or NULL to send categories as written:
	 * returns 0, or an exit code after printing why. May be NULL.
	 */
	int (*categories)(void *ctx, json_t **cats);
	void *ctx;
};

struct import_opts {
	const char *name;         /* of the input, for messages */
	const char *municipality; /* --municipality, or NULL */
	size_t batch_size;        /* 1..IMPORT_MAX_BATCH */
	int progress;             /* draw a progress bar on app->out.err */
};

/*
 * Imports data[0..len) and prints `line L: FIELD: MESSAGE` per refusal on
 * app->out.err and one summary on app->out.out: `8 lines: 3 stored, 3
 * already stored, 2 refused` (and `, N not sent` when it stopped), or when
 * --output json was given (app->out.json_errors; not merely stdout being
 * a pipe) {"lines", "stored", "already_stored", "refused": [{"line",
 * "field", "message"}]} (and "stopped_at_line" when it stopped). Returns
 * 0; 6 when a line was refused; 2 for a header that does not fit; or the
 * exit code of what stopped it.
 */
int import_run(struct app *app, const char *data, size_t len, const struct import_opts *o,
	       const struct import_transport *t);

#endif
