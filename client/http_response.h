/*
 * Reading an HTTP response, for http.c: the headers the client keeps
 * (X-Request-Id, Retry-After, Location, ETag, Idempotent-Replayed) and
 * whether a content type is JSON. No libcurl here: these are plain text.
 */
#ifndef SVK_CLIENT_HTTP_RESPONSE_H
#define SVK_CLIENT_HTTP_RESPONSE_H

#include <stddef.h>

#include "http.h"

/*
 * Takes one header line (data[0..n), CRLF included, as libcurl hands it
 * over) into r: a copy of the value of a header the client keeps (r owns
 * it; http_response_cleanup frees it), or, for a status line, forgets the
 * headers of a response before it (a 1xx). Returns 0, or -1 when out of
 * memory.
 */
int http_response_header(struct http_response *r, const char *data, size_t n);

/* True for application/json and any type ending in +json (problem+json),
 * parameters such as charset ignored. ct may be NULL. */
int http_is_json_type(const char *ct);

#endif
