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
#include "importrow.h"

/* A batch closes early at this many bytes of JSON, well under the server's
 * default request body limit (1 MiB), so long descriptions never make a
 * batch too large to send. */
#define IMPORT_BATCH_BYTES ((size_t)768 * 1024)
#define IMPORT_DEFAULT_BATCH 500

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
