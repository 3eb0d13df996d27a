/*
 * The HTTPS transport, and the only part of the client that knows libcurl:
 * one reusable handle (so successive requests share a kept-alive TLS
 * connection), peer verification always on, an optional client certificate
 * for mutual TLS, JSON in and out, and transport failures mapped to exit
 * codes (unreachable or timed out: 75, a certificate problem: 1).
 */
#ifndef SVK_CLIENT_HTTP_H
#define SVK_CLIENT_HTTP_H

#include <jansson.h>
#include <stdio.h>

#include "strbuf.h"

struct http;

struct http_opts {
	const char *server; /* https://host[:port][/prefix], no trailing '/' */
	const char *cacert; /* CA bundle file; NULL: the system store */
	const char *cert;   /* client certificate (PEM), or NULL */
	const char *key;    /* its private key (PEM), or NULL */
	FILE *trace;        /* --verbose: one line per request; or NULL */
};

struct http_response {
	long status;
	json_t *json;      /* the body when it was JSON, else NULL */
	char *request_id;  /* X-Request-Id, or NULL */
	char *retry_after; /* Retry-After, or NULL */
	char *location;    /* Location, or NULL */
	char *etag;        /* ETag, or NULL */
	int replayed;      /* Idempotent-Replayed: true */
	size_t sunk;       /* bytes of a 2xx body written to the sink */
};

/*
 * What one request adds to the defaults; every member may be NULL. Header
 * values with control characters are refused (exit 2) rather than sent.
 */
struct http_req_opts {
	const char *accept;          /* instead of the JSON types */
	const char *if_match;        /* If-Match, sent as given */
	const char *idempotency_key; /* Idempotency-Key */
	FILE *sink;                  /* a 2xx body goes here as it arrives, not into json */
};

/* Once per process, before any other call; 0 or -1. */
int http_global_init(void);
void http_global_cleanup(void);

/*
 * A client for opts->server; the strings are copied. Returns NULL with a
 * message in err (e.g. an unreadable --cacert). Free with http_free.
 */
struct http *http_new(const struct http_opts *opts, struct strbuf *err);
void http_free(struct http *h);

/* Sends `Authorization: Bearer token` from now on (NULL: none). 0 or -1. */
int http_set_token(struct http *h, const char *token);
/* True when requests carry a token. */
int http_has_token(const struct http *h);

/*
 * One request: method and path ("/v1/me", already escaped, may carry a
 * query) with an optional JSON body. Returns 0 when the server answered
 * (any status; resp filled, the caller calls http_response_cleanup), or an
 * exit code with a message in err when it did not (75 when trying later
 * may help, 1 otherwise).
 */
int http_request(struct http *h, const char *method, const char *path, const json_t *body,
		 struct http_response *resp, struct strbuf *err);
void http_response_cleanup(struct http_response *resp);

/* As http_request, with the additions of ho (NULL: none). */
int http_request_ex(struct http *h, const char *method, const char *path, const json_t *body,
		    const struct http_req_opts *ho, struct http_response *resp, struct strbuf *err);

/* Appends s percent-encoded for a path segment or a query value. */
int http_escape(struct strbuf *sb, const char *s);

/* The exit code for a libcurl result code (0 for CURLE_OK). */
int http_exit_for_curlcode(int code);

#endif
