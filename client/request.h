/*
 * One request on behalf of a command: finds the server and the token
 * (flag > environment > config file > the credentials `login` stored),
 * makes the HTTPS client on first use, sends, and turns any failure into
 * the printed one-line error and the exit code of SPEC §8.
 */
#ifndef SVK_CLIENT_REQUEST_H
#define SVK_CLIENT_REQUEST_H

#include <jansson.h>

#include "client.h"
#include "strbuf.h"

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
int request_call(struct app *app, const char *method, const char *path,
		 const json_t *body, json_t **out);

/* As request_call, and *status is the HTTP status (0 when none came). */
int request_call_status(struct app *app, const char *method, const char *path,
			const json_t *body, json_t **out, long *status);

/*
 * Sends without interpreting the status: returns 0 with resp filled (the
 * caller calls http_response_cleanup and may report with output_problem),
 * or the exit code of a transport failure after printing it.
 */
struct http_response;
int request_send(struct app *app, const char *method, const char *path,
		 const json_t *body, struct http_response *resp);

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
int request_path(struct strbuf *sb, const char *tmpl, ...)
	__attribute__((sentinel));

#endif
