/*
 * The harness's HTTP side (see harness.h): one libcurl handle per env, so
 * requests reuse a kept-alive TLS connection as real clients do, verified
 * against the test CA; responses with their headers and parsed JSON (and
 * on every one the X-Request-Id that SPEC §7 promises); and the account
 * helpers built on them.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "harness_internal.h"

#define HTTP_TIMEOUT_MS 30000L

struct collect {
	struct resp *r;
	size_t cap_headers;
	size_t cap_body;
	bool oom;
};

static void resp_free(void *p)
{
	struct resp *r = p;

	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->body);
	json_decref(r->json);
	free(r);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct collect *c = arg;
	struct resp *r = c->r;
	size_t len = size * n;

	if (r->len + len + 1 > c->cap_body) {
		size_t cap = c->cap_body ? c->cap_body * 2 : 4096;
		char *b;
		while (cap < r->len + len + 1)
			cap *= 2;
		b = realloc(r->body, cap);
		if (!b) {
			c->oom = true;
			return 0;
		}
		r->body = b;
		c->cap_body = cap;
	}
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

static void headers_clear(struct resp *r)
{
	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->n_headers = 0;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct collect *c = arg;
	struct resp *r = c->r;
	size_t len = size * n, klen, vstart, vend;
	const char *colon;
	struct header *h;

	/* A new status line (after a 100 Continue) starts a new header set. */
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		headers_clear(r);
		return len;
	}
	colon = memchr(data, ':', len);
	if (!colon)
		return len;
	klen = (size_t)(colon - data);
	vstart = klen + 1;
	while (vstart < len && (data[vstart] == ' ' || data[vstart] == '\t'))
		vstart++;
	vend = len;
	while (vend > vstart &&
	       (data[vend - 1] == '\r' || data[vend - 1] == '\n' || data[vend - 1] == ' '))
		vend--;
	if (r->n_headers == c->cap_headers) {
		size_t cap = c->cap_headers ? c->cap_headers * 2 : 16;
		struct header *hs = realloc(r->headers, cap * sizeof *hs);
		if (!hs) {
			c->oom = true;
			return 0;
		}
		r->headers = hs;
		c->cap_headers = cap;
	}
	h = &r->headers[r->n_headers];
	h->name = strndup(data, klen);
	h->value = strndup(data + vstart, vend - vstart);
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		c->oom = true;
		return 0;
	}
	r->n_headers++;
	return len;
}

static CURL *handle(struct env *e)
{
	if (!e->curl) {
		e->curl = curl_easy_init();
		cr_assert(e->curl, "curl_easy_init failed");
	}
	return e->curl;
}

struct resp *http_send(struct env *e, const struct http_req *q)
{
	struct resp *r = calloc(1, sizeof *r);
	struct collect c = { .r = r };
	struct curl_slist *hs = NULL, *tmp;
	const char *method = q->method ? q->method : "GET";
	char *url = NULL, auth[512];
	CURL *h = handle(e);
	CURLcode rc;
	bool oom = false;

	cr_assert(r, "out of memory");
	env_keep(e, r, resp_free);
	url = strf(e, "%s%s", e->base_url, q->path);
	curl_easy_reset(h);
	/* Keep-alive: the same handle reuses its connection across resets. */
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CAINFO, e->cacert);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, HTTP_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &c);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->error);
	if (q->fresh_connection) {
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	}
	if (q->tls_version || q->tls_max)
		curl_easy_setopt(h, CURLOPT_SSLVERSION, q->tls_version | q->tls_max);
	if (q->cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, q->cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, q->key);
	}
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (q->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(q->body));
	}

#define ADD_HEADER(s)                             \
	do {                                      \
		tmp = curl_slist_append(hs, (s)); \
		if (!tmp)                         \
			oom = true;               \
		else                              \
			hs = tmp;                 \
	} while (0)

	ADD_HEADER("Expect:");
	if (q->body)
		ADD_HEADER(strf(e, "Content-Type: %s",
				q->content_type ? q->content_type : "application/json"));
	if (q->authorization) {
		ADD_HEADER(strf(e, "Authorization: %s", q->authorization));
	} else if (q->token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", q->token);
		ADD_HEADER(auth);
	}
	for (size_t i = 0; i < sizeof q->headers / sizeof q->headers[0] && q->headers[i]; i++)
		ADD_HEADER(q->headers[i]);
#undef ADD_HEADER
	if (oom) {
		curl_slist_free_all(hs);
		cr_assert_fail("out of memory");
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
	rc = curl_easy_perform(h);
	curl_slist_free_all(hs);
	cr_assert(!c.oom, "out of memory reading the response");
	if (rc != CURLE_OK) {
		if (!r->error[0])
			snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(rc));
		r->status = 0;
		return r;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	/* SPEC §7: each response carries X-Request-Id — checked on every one. */
	cr_expect(resp_header(r, "X-Request-Id"), "%s %s: HTTP %ld without X-Request-Id", method,
		  q->path, r->status);
	if (!r->body) {
		r->body = calloc(1, 1);
		cr_assert(r->body, "out of memory");
	}
	if (r->len)
		r->json = json_loadb(r->body, r->len, 0, NULL);
	return r;
}

struct resp *http(struct env *e, const char *method, const char *path, const char *token,
		  const char *json_body)
{
	return http_send(e,
			 &(struct http_req){
			     .method = method, .path = path, .token = token, .body = json_body });
}

const char *resp_header(const struct resp *r, const char *name)
{
	for (size_t i = r->n_headers; i > 0; i--)
		if (strcasecmp(r->headers[i - 1].name, name) == 0)
			return r->headers[i - 1].value;
	return NULL;
}

json_t *json_path(const json_t *root, const char *path)
{
	const json_t *cur = root;
	const char *p = path;

	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[128];
		char *end;

		if (n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (json_is_array(cur)) {
			unsigned long i = strtoul(key, &end, 10);
			cur = end != key && *end == '\0' ? json_array_get(cur, i) : NULL;
		} else {
			cur = json_object_get(cur, key);
		}
		p = dot ? dot + 1 : p + n;
	}
	return (json_t *)cur;
}

json_t *resp_get(const struct resp *r, const char *path)
{
	return r->json ? json_path(r->json, path) : NULL;
}

const char *resp_str(const struct resp *r, const char *path)
{
	return json_string_value(resp_get(r, path));
}

const char *resp_code(const struct resp *r)
{
	const char *c = resp_str(r, "code");

	return c ? c : "";
}

bool resp_names_field(const struct resp *r, const char *field)
{
	json_t *errors = resp_get(r, "errors"), *it;
	size_t i;

	json_array_foreach (errors, i, it) {
		const char *f = json_string_value(json_object_get(it, "field"));
		if (f && strcmp(f, field) == 0)
			return true;
	}
	return false;
}

const char *resp_why(const struct resp *r)
{
	static char why[600];
	const char *detail = resp_str(r, "detail");

	if (!r) {
		snprintf(why, sizeof why, "(no response)");
	} else if (r->status == 0) {
		snprintf(why, sizeof why, "no HTTP answer: %s", r->error);
	} else if (r->json && resp_str(r, "code")) {
		char *errors = json_dumps(json_object_get(r->json, "errors"), JSON_COMPACT);
		snprintf(why, sizeof why, "HTTP %ld %s: %s%s%s (request %s)", r->status,
			 resp_code(r), detail ? detail : "", errors ? " " : "",
			 errors ? errors : "",
			 resp_str(r, "request_id") ? resp_str(r, "request_id") : "-");
		free(errors);
	} else {
		snprintf(why, sizeof why, "HTTP %ld: %.400s", r->status, r->body ? r->body : "");
	}
	return why;
}

void expect_invalid(const struct resp *r, const char *field, const char *what)
{
	cr_expect_eq(r->status, 422, "%s: %s", what, resp_why(r));
	cr_expect_str_eq(resp_code(r), "validation", "%s: %s", what, resp_why(r));
	cr_expect(resp_names_field(r, field), "%s: the problem does not name %s: %s", what, field,
		  r->body);
}

/* ---- JSON bodies ------------------------------------------------------------ */

const char *jsonf(struct env *e, const char *fmt, ...)
{
	va_list ap;
	json_error_t err;
	json_t *v;
	char *text;

	va_start(ap, fmt);
	v = json_vpack_ex(&err, 0, fmt, ap);
	va_end(ap);
	cr_assert(v, "json_pack(%s): %s", fmt, err.text);
	text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return env_keep(e, text, free);
}

/* ---- accounts ------------------------------------------------------------------- */

const char *login(struct env *e, const char *username, const char *password)
{
	struct resp *r = http(e, "POST", "/v1/sessions", NULL,
			      jsonf(e, "{s:s, s:s}", "username", username, "password", password));
	const char *tok = resp_str(r, "token");

	cr_assert_eq(r->status, 201, "login as %s: %s", username, resp_why(r));
	cr_assert(tok, "login as %s: no token in %s", username, r->body);
	return strf(e, "%s", tok);
}

const char *admin_token(struct env *e)
{
	if (!e->admin_tok) {
		e->admin_tok = strdup(login(e, "admin", e->admin_password));
		cr_assert(e->admin_tok, "out of memory");
	}
	return e->admin_tok;
}

const char *user_create(struct env *e, const char *username, const char *org)
{
	struct resp *r = http(e, "POST", "/v1/users", admin_token(e),
			      jsonf(e, "{s:s, s:s, s:s}", "username", username, "display_name",
				    strf(e, "Test %s", username), "organisation", org));
	const char *pw = resp_str(r, "password");

	cr_assert_eq(r->status, 201, "create user %s: %s", username, resp_why(r));
	cr_assert(pw, "create user %s: no generated password in %s", username, r->body);
	return strf(e, "%s", pw);
}

void member_add(struct env *e, const char *group, const char *username, const char *role,
		const char *until)
{
	json_t *body = json_pack("{s:s}", "role", role);
	char *text;
	struct resp *r;

	cr_assert(body, "out of memory");
	if (until && json_object_set_new(body, "until", json_string(until)) != 0) {
		json_decref(body);
		cr_assert_fail("out of memory");
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	env_keep(e, text, free);
	r = http(e, "PUT", strf(e, "/v1/groups/%s/members/%s", group, username), admin_token(e),
		 text);
	cr_assert(r->status == 201 || r->status == 200, "add %s to %s as %s: %s", username, group,
		  role, resp_why(r));
}

const char *user_in_group(struct env *e, const char *username, const char *org, const char *group,
			  const char *role)
{
	const char *pw = user_create(e, username, org);

	if (group)
		member_add(e, group, username, role ? role : "member", NULL);
	return login(e, username, pw);
}

long audit_refusals(struct env *e, const char *actor)
{
	return sql_count(e,
			 "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			 "AND actor = $1",
			 actor);
}

struct resp *expect_refused_request(struct env *e, const char *actor, const char *tok,
				    const char *method, const char *path, const char *body,
				    const char *reason_part)
{
	long before = audit_refusals(e, actor);
	struct resp *r = http(e, method, path, tok, body);
	const char *detail = resp_str(r, "detail");

	cr_expect_eq(r->status, 403, "%s %s as %s: %s", method, path, actor, resp_why(r));
	cr_expect_str_eq(resp_code(r), "forbidden", "%s %s as %s", method, path, actor);
	cr_expect(detail && strstr(detail, reason_part),
		  "%s %s as %s: the detail \"%s\" does not say \"%s\"", method, path, actor,
		  detail ? detail : "", reason_part);
	cr_expect_eq(audit_refusals(e, actor), before + 1,
		     "%s %s as %s left no request.refused audit row", method, path, actor);
	cr_expect_eq(sql_count(e,
			       "SELECT count(*) FROM svk.audit WHERE seq = (SELECT max(seq) "
			       "FROM svk.audit) AND action = 'request.refused' AND actor = $1 "
			       /* the route's pattern, {} standing for a segment */
			       "AND $2 ~ ('^' || replace(after->>'request', '{}', '[^/]+') || '$')",
			       actor, strf(e, "%s %s", method, path)),
		     1, "the last audit row is not the refusal of %s %s as %s", method, path,
		     actor);
	return r;
}
