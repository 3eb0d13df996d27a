/*
 * HTTPS requests through libcurl (see http.h); no other file includes
 * curl. What a response's headers and content type say is read in
 * http_response.c. The handle lives as long as the client so that a
 * command making several requests (a paged list, passwd's look-up then
 * change) reuses one TLS connection. Peer and host verification are never switched off: a
 * self-signed server is trusted by naming its CA with --cacert.
 */
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "http_response.h"

#ifndef SVK_VERSION
#define SVK_VERSION "0"
#endif

#define HTTP_BODY_LIMIT ((size_t)64 << 20)

struct http {
	CURL *curl;
	char *server;
	char *auth; /* "Authorization: Bearer …", wiped on change and free */
	FILE *trace;
	char errbuf[CURL_ERROR_SIZE];
	struct strbuf body;         /* the response body being received */
	struct http_response *resp; /* during a request, for headers */
	FILE *sink;                 /* during a request: where a 2xx body goes */
	int sink_errno;             /* writing to the sink failed: why, else 0 */
};

/* libcurl result → exit code and what to tell a person. */
static const struct {
	CURLcode code;
	int exit_code;
	const char *what;
} curl_errors[] = {
	{ CURLE_COULDNT_RESOLVE_HOST, CLI_TEMPFAIL, "cannot resolve the server's host name" },
	{ CURLE_COULDNT_RESOLVE_PROXY, CLI_TEMPFAIL, "cannot resolve the proxy's host name" },
	{ CURLE_COULDNT_CONNECT, CLI_TEMPFAIL,
	  "cannot connect to the server (refused or unreachable)" },
	{ CURLE_OPERATION_TIMEDOUT, CLI_TEMPFAIL, "the server did not answer in time" },
	{ CURLE_SEND_ERROR, CLI_TEMPFAIL, "the connection to the server broke" },
	{ CURLE_RECV_ERROR, CLI_TEMPFAIL, "the connection to the server broke" },
	{ CURLE_GOT_NOTHING, CLI_TEMPFAIL, "the server closed the connection without answering" },
	{ CURLE_PARTIAL_FILE, CLI_TEMPFAIL, "the server's answer was cut short" },
	{ CURLE_HTTP2, CLI_TEMPFAIL, "HTTP/2 error" },
	{ CURLE_HTTP2_STREAM, CLI_TEMPFAIL, "HTTP/2 stream error" },
	{ CURLE_PEER_FAILED_VERIFICATION, CLI_ERROR,
	  "the server's certificate cannot be verified; name its CA with "
	  "--cacert (SAMVERKAN_CACERT)" },
	{ CURLE_SSL_CACERT_BADFILE, CLI_ERROR, "cannot use the CA certificate file (--cacert)" },
	{ CURLE_SSL_CERTPROBLEM, CLI_ERROR, "cannot use the client certificate (--cert, --key)" },
	{ CURLE_SSL_CONNECT_ERROR, CLI_ERROR,
	  "the TLS handshake failed (does the server want a client "
	  "certificate? see --cert and --key)" },
	{ CURLE_WRITE_ERROR, CLI_ERROR, "the server's answer is too large" },
	{ CURLE_UNSUPPORTED_PROTOCOL, CLI_ERROR, "the server address must be https://" },
	{ CURLE_URL_MALFORMAT, CLI_USAGE, "the server address is malformed" },
	{ CURLE_OUT_OF_MEMORY, CLI_ERROR, "out of memory" },
};

#define N_CURL_ERRORS (sizeof curl_errors / sizeof curl_errors[0])

int http_exit_for_curlcode(int code)
{
	if (code == CURLE_OK)
		return CLI_OK;
	for (size_t i = 0; i < N_CURL_ERRORS; i++)
		if ((int)curl_errors[i].code == code)
			return curl_errors[i].exit_code;
	return CLI_ERROR;
}

static const char *curl_what(CURLcode code)
{
	for (size_t i = 0; i < N_CURL_ERRORS; i++)
		if (curl_errors[i].code == code)
			return curl_errors[i].what;
	return curl_easy_strerror(code);
}

int http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void http_global_cleanup(void)
{
	curl_global_cleanup();
}

int http_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char enc[3];

		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			if (strbuf_append(sb, (const char *)p, 1) != 0)
				return -1;
			continue;
		}
		enc[0] = '%';
		enc[1] = hex[*p >> 4];
		enc[2] = hex[*p & 15];
		if (strbuf_append(sb, enc, 3) != 0)
			return -1;
	}
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http *h = ud;
	size_t n = size * nmemb;
	long status = 0;

	/* The headers are complete when the body starts, so the status is
	 * known: only a success goes to the sink, an error stays here to be
	 * read as a problem document. */
	if (h->sink && curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
	    status >= 200 && status < 300) {
		errno = 0;
		if (fwrite(data, 1, n, h->sink) != n) {
			h->sink_errno = errno ? errno : EIO;
			return 0;
		}
		h->resp->sunk += n;
		return n;
	}
	if (strbuf_append(&h->body, data, n) != 0)
		return 0; /* too large: libcurl stops with CURLE_WRITE_ERROR */
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http *h = ud;
	size_t n = size * nmemb;

	return http_response_header(h->resp, data, n) == 0 ? n : 0;
}

/* A readable file, checked up front for a message better than libcurl's. */
static int check_file(const char *path, const char *what, struct strbuf *err)
{
	if (access(path, R_OK) == 0)
		return 0;
	(void)strbuf_printf(err, "cannot read the %s '%s': %s", what, path, strerror(errno));
	return -1;
}

struct http *http_new(const struct http_opts *opts, struct strbuf *err)
{
	struct http *h = NULL;
	CURL *c;
	int bad = 0;

	const struct {
		const char *path, *what;
	} files[] = {
		{ opts->cacert, "CA certificate file (--cacert)" },
		{ opts->cert, "client certificate (--cert)" },
		{ opts->key, "client key (--key)" },
	};

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (files[i].path && check_file(files[i].path, files[i].what, err) != 0)
			return NULL;
	if (opts->key && !opts->cert) {
		(void)strbuf_puts(err, "--key needs --cert (SAMVERKAN_CERT)");
		return NULL;
	}
	h = calloc(1, sizeof *h);
	if (!h)
		goto oom;
	strbuf_init(&h->body, HTTP_BODY_LIMIT);
	h->trace = opts->trace;
	h->server = strdup(opts->server);
	h->curl = curl_easy_init();
	if (!h->server || !h->curl)
		goto oom;
	c = h->curl;
	bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L) != CURLE_OK;
	/* Slow is fine; silent for a minute is not. */
	bad |= curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, "samverkan/" SVK_VERSION) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, h) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, h) != CURLE_OK;
	if (opts->cacert)
		bad |= curl_easy_setopt(c, CURLOPT_CAINFO, opts->cacert) != CURLE_OK;
	if (opts->cert) {
		bad |= curl_easy_setopt(c, CURLOPT_SSLCERT, opts->cert) != CURLE_OK;
		bad |= curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM") != CURLE_OK;
	}
	if (opts->key)
		bad |= curl_easy_setopt(c, CURLOPT_SSLKEY, opts->key) != CURLE_OK;
	if (bad) {
		(void)strbuf_puts(err, "this libcurl lacks a required feature "
				       "(HTTPS with TLS 1.2 or later)");
		http_free(h);
		return NULL;
	}
	return h;
oom:
	(void)strbuf_puts(err, "out of memory");
	http_free(h);
	return NULL;
}

static void wipe_free(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

void http_free(struct http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	free(h->server);
	wipe_free(h->auth);
	strbuf_cleanup(&h->body);
	free(h);
}

int http_set_token(struct http *h, const char *token)
{
	struct strbuf sb;

	wipe_free(h->auth);
	h->auth = NULL;
	if (!token)
		return 0;
	strbuf_init(&sb, 8192);
	if (strbuf_printf(&sb, "Authorization: Bearer %s", token) != 0) {
		strbuf_cleanup(&sb);
		return -1;
	}
	h->auth = strbuf_steal(&sb);
	return h->auth ? 0 : -1;
}

int http_has_token(const struct http *h)
{
	return h->auth != NULL;
}

/* Sets method and body on the handle; every option is set every time
 * because the handle keeps what the previous request left. */
static int set_method(CURL *c, const char *method, const char *payload, size_t len)
{
	int bad = 0;

	bad |= curl_easy_setopt(c, CURLOPT_NOBODY, 0L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL) != CURLE_OK;
	if (strcmp(method, "GET") == 0 || strcmp(method, "DELETE") == 0) {
		bad |= curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) != CURLE_OK;
		if (method[0] == 'D')
			bad |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK;
		return bad ? -1 : 0;
	}
	bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload ? payload : "") != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(payload ? len : 0)) !=
	       CURLE_OK;
	if (strcmp(method, "POST") != 0)
		bad |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK;
	return bad ? -1 : 0;
}

/* True when a header value is safe to send: no CR, LF or other controls. */
static int header_value_ok(const char *v)
{
	if (!v[0])
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Appends "name: value" to *l; 0 or -1 (out of memory). */
static int add_header(struct curl_slist **l, const char *name, const char *value)
{
	struct strbuf sb;
	struct curl_slist *t = NULL;

	strbuf_init(&sb, 4096);
	if (strbuf_printf(&sb, "%s: %s", name, value) == 0)
		t = curl_slist_append(*l, sb.data);
	strbuf_cleanup(&sb);
	if (!t)
		return -1;
	*l = t;
	return 0;
}

/*
 * The request headers. Returns 0 with *out set, CLI_USAGE with a message in
 * err for a value that cannot be sent, or CLI_ERROR (out of memory).
 */
static int make_headers(const struct http *h, int has_body, const struct http_req_opts *ho,
			struct curl_slist **out, struct strbuf *err)
{
	const struct {
		const char *name, *value;
	} extra[] = {
		{ "If-Match", ho ? ho->if_match : NULL },
		{ "Idempotency-Key", ho ? ho->idempotency_key : NULL },
	};
	struct curl_slist *l = NULL, *t;
	const char *lines[3];
	size_t n = 0;

	*out = NULL;
	if (ho && ho->accept && !header_value_ok(ho->accept)) {
		(void)strbuf_puts(err, "the Accept value holds control characters");
		return CLI_USAGE;
	}
	if (ho && ho->accept && h->trace)
		fprintf(h->trace, "> Accept: %s\n", ho->accept);
	lines[n++] = "Expect:"; /* no 100-continue round trip */
	if (has_body)
		lines[n++] = "Content-Type: application/json";
	if (h->auth)
		lines[n++] = h->auth;
	if (add_header(&l, "Accept",
		       ho && ho->accept ? ho->accept
					: "application/json, "
					  "application/problem+json") != 0)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		t = curl_slist_append(l, lines[i]);
		if (!t)
			goto oom;
		l = t;
	}
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
		if (!extra[i].value)
			continue;
		if (!header_value_ok(extra[i].value)) {
			curl_slist_free_all(l);
			(void)strbuf_printf(err,
					    "the %s value is empty or holds "
					    "control characters",
					    extra[i].name);
			return CLI_USAGE;
		}
		if (add_header(&l, extra[i].name, extra[i].value) != 0)
			goto oom;
		if (h->trace)
			fprintf(h->trace, "> %s: %s\n", extra[i].name, extra[i].value);
	}
	*out = l;
	return 0;
oom:
	curl_slist_free_all(l);
	(void)strbuf_puts(err, "out of memory");
	return CLI_ERROR;
}

static void trace_response(const struct http *h, const struct http_response *r)
{
	curl_off_t us = 0;

	if (!h->trace)
		return;
	if (curl_easy_getinfo(h->curl, CURLINFO_TOTAL_TIME_T, &us) != CURLE_OK)
		us = 0;
	fprintf(h->trace, "< %ld, %zu bytes, %ld ms%s%s%s%s%s\n", r->status, h->body.len + r->sunk,
		(long)(us / 1000), r->request_id ? ", request " : "",
		r->request_id ? r->request_id : "", r->etag ? ", etag " : "",
		r->etag ? r->etag : "", r->replayed ? ", replayed" : "");
}

int http_request(struct http *h, const char *method, const char *path, const json_t *body,
		 struct http_response *resp, struct strbuf *err)
{
	return http_request_ex(h, method, path, body, NULL, resp, err);
}

int http_request_ex(struct http *h, const char *method, const char *path, const json_t *body,
		    const struct http_req_opts *ho, struct http_response *resp, struct strbuf *err)
{
	struct strbuf url;
	struct curl_slist *headers = NULL;
	char *payload = NULL;
	size_t plen = 0;
	const char *ct = NULL;
	CURLcode cc;
	int rc = CLI_ERROR;

	memset(resp, 0, sizeof *resp);
	strbuf_init(&url, 16384);
	h->body.len = 0;
	h->errbuf[0] = '\0';
	h->resp = resp;
	h->sink = ho ? ho->sink : NULL;
	h->sink_errno = 0;
	if (strbuf_puts(&url, h->server) != 0 || strbuf_puts(&url, path) != 0)
		goto oom;
	if (body) {
		payload = json_dumps(body, JSON_COMPACT);
		if (!payload)
			goto oom;
		plen = strlen(payload);
	}
	if (h->trace)
		fprintf(h->trace, "> %s %s\n", method, url.data);
	rc = make_headers(h, body != NULL, ho, &headers, err);
	if (rc != 0)
		goto out;
	rc = CLI_ERROR;
	if (set_method(h->curl, method, payload, plen) != 0 ||
	    curl_easy_setopt(h->curl, CURLOPT_URL, url.data) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK) {
		(void)strbuf_puts(err, "cannot set up the request");
		goto out;
	}

	cc = curl_easy_perform(h->curl);
	if (cc != CURLE_OK && h->sink_errno) {
		(void)strbuf_printf(err, "cannot write the output: %s", strerror(h->sink_errno));
		goto out;
	}
	if (cc != CURLE_OK) {
		rc = http_exit_for_curlcode(cc);
		(void)strbuf_printf(err, "%s: %s", h->server, curl_what(cc));
		if (h->errbuf[0])
			(void)strbuf_printf(err, " (%s)", h->errbuf);
		if (h->trace)
			fprintf(h->trace, "< transport error %d\n", (int)cc);
		goto out;
	}
	if (curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status) != CURLE_OK ||
	    curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &ct) != CURLE_OK) {
		(void)strbuf_puts(err, "cannot read the response status");
		goto out;
	}
	trace_response(h, resp);
	if (h->body.len > 0 && http_is_json_type(ct)) {
		json_error_t je;

		resp->json = json_loadb(h->body.data, h->body.len, 0, &je);
		if (!resp->json && resp->status >= 200 && resp->status < 300) {
			(void)strbuf_printf(err,
					    "the server sent malformed JSON (%s at "
					    "line %d)",
					    je.text, je.line);
			goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	(void)strbuf_puts(err, "out of memory");
out:
	h->resp = NULL;
	h->sink = NULL;
	/* The body may carry a password (login, passwd): wipe it. */
	if (payload) {
		explicit_bzero(payload, plen);
		free(payload);
	}
	if (h->body.data)
		explicit_bzero(h->body.data, h->body.cap);
	/* Do not leave pointers to freed memory in the reused handle. */
	if (curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, NULL) != CURLE_OK)
		rc = rc ? rc : CLI_ERROR;
	curl_slist_free_all(headers);
	strbuf_cleanup(&url);
	if (rc != 0) {
		/* Keep telling the caller that part of a body went out. */
		size_t sunk = resp->sunk;

		http_response_cleanup(resp);
		resp->sunk = sunk;
	}
	return rc;
}
