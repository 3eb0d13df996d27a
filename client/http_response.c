/*
 * Reading an HTTP response (see http_response.h): the headers kept from
 * it and whether its body is JSON. Split from http.c, which moves the
 * bytes with libcurl; this part only reads text.
 */
#include "http_response.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Stores a copy of the header's value in *slot when name matches. */
static int take_header(const char *line, size_t len, const char *name, char **slot)
{
	size_t nlen = strlen(name);
	char *v;

	if (len <= nlen || line[nlen] != ':' || strncasecmp(line, name, nlen) != 0)
		return 0;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	v = strndup(line, len);
	if (!v)
		return -1;
	free(*slot);
	*slot = v;
	return 1;
}

int http_response_header(struct http_response *r, const char *data, size_t n)
{
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a 1xx): forget what came before. */
		free(r->request_id);
		free(r->retry_after);
		free(r->location);
		free(r->etag);
		r->request_id = r->retry_after = r->location = r->etag = NULL;
		r->replayed = 0;
		return 0;
	}
	if (take_header(data, n, "X-Request-Id", &r->request_id) < 0 ||
	    take_header(data, n, "Retry-After", &r->retry_after) < 0 ||
	    take_header(data, n, "Location", &r->location) < 0 ||
	    take_header(data, n, "ETag", &r->etag) < 0)
		return -1;
	if (n >= 20 && strncasecmp(data, "Idempotent-Replayed:", 20) == 0) {
		char *v = NULL;

		if (take_header(data, n, "Idempotent-Replayed", &v) < 0)
			return -1;
		r->replayed = v && strcasecmp(v, "true") == 0;
		free(v);
	}
	return 0;
}

void http_response_cleanup(struct http_response *resp)
{
	json_decref(resp->json);
	free(resp->request_id);
	free(resp->retry_after);
	free(resp->location);
	free(resp->etag);
	memset(resp, 0, sizeof *resp);
}

int http_is_json_type(const char *ct)
{
	size_t n;

	if (!ct)
		return 0;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	       (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0);
}
