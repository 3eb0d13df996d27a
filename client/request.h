/*
 * One request on behalf of a command: finds the server and the token
 * (flag > environment > config file > the credentials `login` stored),
 * makes the HTTPS client on first use, sends, and turns any failure into
 * the printed one-line error and the exit code of SPEC §8.
 *
 * A GET, and a POST with a token (which always carries an Idempotency-Key,
 * so the server applies it once however often it arrives), is tried again
 * when the server is unreachable or answers 429 or 503: at most
 * REQUEST_MAX_ATTEMPTS times in all, with a short backoff, and every
 * attempt of one POST sends the same key. A patient request (an import's
 * batch) is tried up to REQUEST_PATIENT_ATTEMPTS times and waits for a
 * longer Retry-After, so that a long run outlives a daemon restart.
 */
#ifndef SVK_CLIENT_REQUEST_H
#define SVK_CLIENT_REQUEST_H

#include <jansson.h>
#include <stdio.h>

#include "client.h"
#include "strbuf.h"

#define REQUEST_KEY_LEN 32        /* hex characters of an Idempotency-Key */
#define REQUEST_MAX_ATTEMPTS 3    /* the first try and two more */
#define REQUEST_BACKOFF_MS 500L   /* before the second try; doubles */
#define REQUEST_MAX_WAIT_MS 5000L /* a longer Retry-After: give up */
/* A patient request (an import that should outlive a daemon restart). */
#define REQUEST_PATIENT_ATTEMPTS 6         /* waits 0.5 + 1 + 2 + 4 + 8 s */
#define REQUEST_PATIENT_MAX_WAIT_MS 60000L /* Retry-After up to a minute */

struct http_response;
struct http_req_opts;

/*
 * What a command adds to one request, and what comes back besides the
 * body. Set up with request_opts_init; request_opts_cleanup frees etag.
 */
struct request_opts {
	const char *accept;            /* NULL: JSON */
	const char *if_match;          /* NULL: no If-Match */
	FILE *sink;                    /* a 2xx body is written here, not parsed */
	char key[REQUEST_KEY_LEN + 1]; /* a POST's Idempotency-Key; kept */
	long status;                   /* of the last answer (0: none) */
	char *etag;                    /* of the last answer, or NULL */
	int attempts;                  /* how many were made */
	int patient;                   /* REQUEST_PATIENT_* instead of the defaults, and a
		      * keyed POST whose first attempt still runs (409) is
		      * asked again */
};

void request_opts_init(struct request_opts *o);
void request_opts_cleanup(struct request_opts *o);

/*
 * Writes a new Idempotency-Key (REQUEST_KEY_LEN lowercase hex characters
 * of CSPRNG output) and a NUL into out (outlen at least
 * REQUEST_KEY_LEN + 1). Returns 0 or -1.
 */
int request_new_key(char *out, size_t outlen);

/*
 * For a POST, gives o a key unless it has one already, so that repeating
 * the same request reuses it; other methods get none. Returns 0 or -1.
 */
int request_keep_key(struct request_opts *o, const char *method);

/*
 * After attempt number `attempt` (1-based) of method ended with the
 * transport result transport_rc (0 when the server answered resp; else
 * only resp->sunk counts), how many milliseconds to wait before trying
 * again, or -1 for no retry.
 */
long request_retry_delay(const char *method, const struct request_opts *o, int attempt,
			 int transport_rc, const struct http_response *resp);

/* The transport request_exchange uses: http_request_ex, or a test's. */
struct request_transport {
	int (*send)(void *ctx, const char *method, const char *path, const json_t *body,
		    const struct http_req_opts *ho, struct http_response *resp, struct strbuf *err);
	void (*sleep_ms)(void *ctx, long ms);
	void *ctx;
	FILE *trace;   /* --verbose: a line per retry; or NULL */
	int anonymous; /* no token (login): the server keeps no key, so a
			* POST gets none and is never repeated */
};

/*
 * Sends one request with the retries described above; o->key is made (by
 * request_keep_key, unless t->anonymous) before the first attempt. Returns 0
 * with resp holding the last answer (the caller calls http_response_cleanup),
 * or the exit code of a transport failure with its message in err. Fills
 * o->status, o->etag and o->attempts.
 */
int request_exchange(const struct request_transport *t, const char *method, const char *path,
		     const json_t *body, struct request_opts *o, struct http_response *resp,
		     struct strbuf *err);

/*
 * The If-Match value for what a person typed: an ETag as the server
 * sends it (quoted, W/-prefixed, or *) is kept; a bare ab12… gets its
 * double quotes. Appends to sb; 0 or -1.
 */
int request_quote_etag(struct strbuf *sb, const char *value);

/* With --verbose, "* ETag "…" (for --if-match)" on stderr. */
void request_note_etag(const struct app *app, const struct request_opts *o);

/*
 * Resolves server and token and makes app->http. need_token: refuse (exit
 * 3) when there is no token for the server; `login` passes 0. Returns 0 or
 * the exit code after printing the error.
 */
int request_prepare(struct app *app, int need_token);

/*
 * Sends method path (built with request_path) with an optional body. On a
 * 2xx answer returns 0 and, when out is not NULL, *out is the JSON body (or
 * NULL for 204; the caller json_decrefs it). Otherwise prints the error and
 * returns the exit code. Calls request_prepare(app, 1) on first use.
 */
int request_call(struct app *app, const char *method, const char *path, const json_t *body,
		 json_t **out);

/* As request_call, with the additions and results of o (see above). */
int request_call_opts(struct app *app, const char *method, const char *path, const json_t *body,
		      struct request_opts *o, json_t **out);

/* As request_call, and *status is the HTTP status (0 when none came). */
int request_call_status(struct app *app, const char *method, const char *path, const json_t *body,
			json_t **out, long *status);

/*
 * Sends without interpreting the status: returns 0 with resp filled (the
 * caller calls http_response_cleanup and may report with output_problem),
 * or the exit code of a transport failure after printing it.
 */
int request_send(struct app *app, const char *method, const char *path, const json_t *body,
		 struct http_response *resp);
/* As request_send, with o (NULL: none). */
int request_send_opts(struct app *app, const char *method, const char *path, const json_t *body,
		      struct request_opts *o, struct http_response *resp);
/*
 * As request_send_opts, but a transport failure is not printed: its
 * message is left in err (for a caller with a progress bar to clear
 * first). request_prepare must have succeeded before.
 */
int request_send_err(struct app *app, const char *method, const char *path, const json_t *body,
		     struct request_opts *o, struct http_response *resp, struct strbuf *err);

/*
 * GETs every page of a list endpoint (following next_cursor) and returns
 * the concatenated items in *items (the caller json_decrefs). Same return
 * as request_call.
 */
int request_list(struct app *app, const char *path, json_t **items);

/*
 * Builds a path from a template: each "{}" is replaced by the next
 * argument, percent-encoded; the arguments end with NULL, e.g.
 * request_path(&sb, "/v1/groups/{}/members/{}", slug, username, NULL).
 * Returns 0 or -1 (out of memory, or arguments and "{}" do not match).
 */
int request_path(struct strbuf *sb, const char *tmpl, ...) __attribute__((sentinel));

#endif
