/*
 * Requests on behalf of commands (see request.h). The stored token is only
 * sent to the server it was issued by: `--server other whoami` after a
 * login elsewhere is refused instead of handing the token to another host.
 */
#include "request.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "creds.h"
#include "http.h"

#define LIST_PAGE "500"
#define LIST_MAX_PAGES 100000

static int dup_into(char **slot, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* Picks the server and the token; loads the credentials file if needed. */
static int resolve_identity(struct app *app, int need_token, struct strbuf *err)
{
	const char *env_token = getenv("SAMVERKAN_TOKEN");
	struct creds c = { 0 };
	int rc, want_creds;

	if (env_token && !env_token[0])
		env_token = NULL;
	/* login with a known server needs nothing from the file it will
	 * replace (so a file with a bad mode cannot block logging in again). */
	want_creds = !app->settings.server.value || (need_token && !env_token);
	if (want_creds) {
		rc = creds_path(app->settings.dir, &app->creds_path);
		if (rc != 0) {
			(void)strbuf_puts(err, "out of memory");
			return CLI_ERROR;
		}
		rc = creds_load(app->creds_path, &c, err);
		if (rc != 0)
			return rc;
	}
	rc = CLI_ERROR;
	if (app->settings.server.value) {
		if (dup_into(&app->server, app->settings.server.value) != 0)
			goto oom;
	} else if (c.server) {
		char *norm;

		if (config_normalize_server(c.server, &norm, err) != 0) {
			rc = CLI_ERROR;
			goto out;
		}
		free(app->server);
		app->server = norm;
		app->settings.server.value = strdup(norm);
		app->settings.server.source = CFG_SRC_CREDS;
		if (!app->settings.server.value)
			goto oom;
	} else {
		(void)strbuf_printf(err,
				    "no server given: pass --server URL, set "
				    "SAMVERKAN_SERVER or put 'server = URL' in %s",
				    app->settings.config_path);
		rc = CLI_USAGE;
		goto out;
	}

	if (env_token) {
		if (dup_into(&app->token, env_token) != 0)
			goto oom;
	} else if (c.token && c.server) {
		char *stored = NULL;

		/* Compare normalised forms: "host:8443/" is
		 * "https://host:8443". */
		if (config_normalize_server(c.server, &stored, err) != 0) {
			rc = CLI_ERROR;
			goto out;
		}
		if (strcmp(stored, app->server) == 0) {
			free(stored);
			if (dup_into(&app->token, c.token) != 0)
				goto oom;
		} else if (need_token) {
			(void)strbuf_printf(err,
					    "the stored token is for %s, not %s; run "
					    "'samverkan --server %s login'",
					    stored, app->server, app->server);
			free(stored);
			rc = CLI_AUTH;
			goto out;
		} else {
			free(stored);
		}
	}
	if (need_token && !app->token) {
		(void)strbuf_printf(err,
				    "not logged in to %s; run 'samverkan login' (or "
				    "set SAMVERKAN_TOKEN)",
				    app->server);
		rc = CLI_AUTH;
		goto out;
	}
	rc = 0;
	goto out;
oom:
	(void)strbuf_puts(err, "out of memory");
	rc = CLI_ERROR;
out:
	creds_cleanup(&c);
	return rc;
}

int request_prepare(struct app *app, int need_token)
{
	struct http_opts ho;
	struct strbuf err;
	int rc;

	if (app->http)
		return 0;
	strbuf_init(&err, 8192);
	rc = resolve_identity(app, need_token, &err);
	if (rc != 0)
		goto out;
	memset(&ho, 0, sizeof ho);
	ho.server = app->server;
	ho.cacert = app->settings.cacert.value;
	ho.cert = app->settings.cert.value;
	ho.key = app->settings.key.value;
	ho.trace = app->out.verbose ? app->out.err : NULL;
	app->http = http_new(&ho, &err);
	if (!app->http) {
		rc = CLI_ERROR;
		goto out;
	}
	/* login (need_token 0) never sends an old token with a password. */
	if (need_token && http_set_token(app->http, app->token) != 0) {
		(void)strbuf_puts(&err, "out of memory");
		rc = CLI_ERROR;
		goto out;
	}
	if (app->out.verbose)
		fprintf(app->out.err, "* server %s (from %s)%s\n", app->server,
			config_source_name(app->settings.server.source),
			app->token ? ", with a token" : "");
out:
	if (rc != 0)
		output_error(&app->out, "%s", err.data ? err.data : "error");
	strbuf_cleanup(&err);
	return rc;
}

void request_opts_init(struct request_opts *o)
{
	memset(o, 0, sizeof *o);
}

void request_opts_cleanup(struct request_opts *o)
{
	free(o->etag);
	memset(o, 0, sizeof *o);
}

int request_new_key(char *out, size_t outlen)
{
	unsigned char raw[REQUEST_KEY_LEN / 2];

	if (outlen < REQUEST_KEY_LEN + 1 || sodium_init() < 0)
		return -1;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, outlen, raw, sizeof raw);
	return 0;
}

int request_keep_key(struct request_opts *o, const char *method)
{
	if (strcmp(method, "POST") != 0 || o->key[0])
		return 0;
	return request_new_key(o->key, sizeof o->key);
}

/* Retry-After in whole seconds as milliseconds; -1 when not a number. */
static long retry_after_ms(const char *v)
{
	long secs;

	if (!v || cmd_parse_long(v, 0, 86400, &secs) != 0)
		return -1;
	return secs * 1000;
}

static int max_attempts(const struct request_opts *o)
{
	return o->patient ? REQUEST_PATIENT_ATTEMPTS : REQUEST_MAX_ATTEMPTS;
}

/* Whether the answer is one worth asking again after a wait. */
static int temporary_answer(const struct request_opts *o, const struct http_response *resp)
{
	if (resp->status == 429 || resp->status == 503)
		return 1;
	/* 409 to a keyed POST: its first attempt (one that timed out here)
	 * is still running; asked again, the server replays its answer. */
	return o->patient && o->key[0] && resp->status == 409;
}

long request_retry_delay(const char *method, const struct request_opts *o, int attempt,
			 int transport_rc, const struct http_response *resp)
{
	long wait, after;

	if (attempt < 1 || attempt >= max_attempts(o))
		return -1;
	/* Only what the server applies at most once: reads, keyed POSTs. */
	if (strcmp(method, "GET") != 0 && !(strcmp(method, "POST") == 0 && o->key[0]))
		return -1;
	/* Part of the answer is already written out: no second copy. */
	if (resp->sunk > 0)
		return -1;
	wait = REQUEST_BACKOFF_MS << (attempt - 1);
	if (transport_rc != 0)
		return transport_rc == CLI_TEMPFAIL ? wait : -1;
	if (!temporary_answer(o, resp))
		return -1;
	after = retry_after_ms(resp->retry_after);
	/* A long throttle: let the person (or cron) wait. */
	if (after > (o->patient ? REQUEST_PATIENT_MAX_WAIT_MS : REQUEST_MAX_WAIT_MS))
		return -1;
	return after > wait ? after : wait;
}

int request_exchange(const struct request_transport *t, const char *method, const char *path,
		     const json_t *body, struct request_opts *o, struct http_response *resp,
		     struct strbuf *err)
{
	struct http_req_opts ho;
	int rc;

	memset(resp, 0, sizeof *resp);
	o->status = 0;
	o->attempts = 0;
	free(o->etag);
	o->etag = NULL;
	if (!t->anonymous && request_keep_key(o, method) != 0) {
		(void)strbuf_puts(err, "cannot make an Idempotency-Key (no "
				       "random numbers)");
		return CLI_ERROR;
	}
	memset(&ho, 0, sizeof ho);
	ho.accept = o->accept;
	ho.if_match = o->if_match;
	ho.idempotency_key = o->key[0] ? o->key : NULL;
	ho.sink = o->sink;
	for (;;) {
		long wait;

		err->len = 0; /* only the last attempt's message counts */
		if (err->data)
			err->data[0] = '\0';
		rc = t->send(t->ctx, method, path, body, &ho, resp, err);
		o->attempts++;
		wait = request_retry_delay(method, o, o->attempts, rc, resp);
		if (wait < 0)
			break;
		if (t->trace && rc == 0)
			fprintf(t->trace, "* got %ld; attempt %d of %d in %ld ms\n", resp->status,
				o->attempts + 1, max_attempts(o), wait);
		else if (t->trace)
			fprintf(t->trace, "* %s; attempt %d of %d in %ld ms\n",
				err->data ? err->data : "no answer", o->attempts + 1,
				max_attempts(o), wait);
		http_response_cleanup(resp);
		t->sleep_ms(t->ctx, wait);
	}
	if (rc != 0)
		return rc;
	o->status = resp->status;
	if (resp->etag) {
		o->etag = strdup(resp->etag);
		if (!o->etag) {
			http_response_cleanup(resp);
			(void)strbuf_puts(err, "out of memory");
			return CLI_ERROR;
		}
	}
	return 0;
}

static int send_http(void *ctx, const char *method, const char *path, const json_t *body,
		     const struct http_req_opts *ho, struct http_response *resp, struct strbuf *err)
{
	return http_request_ex(ctx, method, path, body, ho, resp, err);
}

static void sleep_ms(void *ctx, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	(void)ctx;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int request_quote_etag(struct strbuf *sb, const char *value)
{
	if (value[0] == '"' || strcmp(value, "*") == 0 || strncmp(value, "W/", 2) == 0)
		return strbuf_puts(sb, value);
	return strbuf_printf(sb, "\"%s\"", value);
}

void request_note_etag(const struct app *app, const struct request_opts *o)
{
	if (app->out.verbose && o->etag)
		fprintf(app->out.err, "* ETag %s (for --if-match)\n", o->etag);
}

int request_send_err(struct app *app, const char *method, const char *path, const json_t *body,
		     struct request_opts *o, struct http_response *resp, struct strbuf *err)
{
	struct request_transport t;
	struct request_opts local;
	int rc;

	memset(resp, 0, sizeof *resp);
	if (!app->http) {
		(void)strbuf_puts(err, "no connection to the server was set "
				       "up");
		return CLI_ERROR;
	}
	request_opts_init(&local);
	t.send = send_http;
	t.sleep_ms = sleep_ms;
	t.ctx = app->http;
	t.trace = app->out.verbose ? app->out.err : NULL;
	t.anonymous = !http_has_token(app->http);
	rc = request_exchange(&t, method, path, body, o ? o : &local, resp, err);
	request_opts_cleanup(&local);
	return rc;
}

int request_send_opts(struct app *app, const char *method, const char *path, const json_t *body,
		      struct request_opts *o, struct http_response *resp)
{
	struct strbuf err;
	int rc;

	memset(resp, 0, sizeof *resp);
	rc = request_prepare(app, 1);
	if (rc != 0)
		return rc;
	strbuf_init(&err, 8192);
	rc = request_send_err(app, method, path, body, o, resp, &err);
	if (rc != 0)
		output_error(&app->out, "%s", err.data ? err.data : "error");
	strbuf_cleanup(&err);
	return rc;
}

int request_send(struct app *app, const char *method, const char *path, const json_t *body,
		 struct http_response *resp)
{
	return request_send_opts(app, method, path, body, NULL, resp);
}

int request_call_opts(struct app *app, const char *method, const char *path, const json_t *body,
		      struct request_opts *o, json_t **out)
{
	struct http_response resp;
	const char *env, *hint = NULL;
	int rc;

	if (out)
		*out = NULL;
	rc = request_send_opts(app, method, path, body, o, &resp);
	if (rc != 0)
		return rc;
	if (resp.status >= 200 && resp.status < 300) {
		if (out) {
			*out = resp.json;
			resp.json = NULL;
		}
		http_response_cleanup(&resp);
		return 0;
	}
	if (resp.status == 401 && app->token) {
		env = getenv("SAMVERKAN_TOKEN");
		hint = env && env[0] ? "check SAMVERKAN_TOKEN" : "run 'samverkan login'";
	}
	rc = output_problem(&app->out, resp.status, resp.json, resp.retry_after, resp.request_id,
			    hint);
	http_response_cleanup(&resp);
	return rc;
}

int request_call_status(struct app *app, const char *method, const char *path, const json_t *body,
			json_t **out, long *status)
{
	struct request_opts o;
	int rc;

	request_opts_init(&o);
	rc = request_call_opts(app, method, path, body, &o, out);
	*status = o.status;
	request_opts_cleanup(&o);
	return rc;
}

int request_call(struct app *app, const char *method, const char *path, const json_t *body,
		 json_t **out)
{
	long status;

	return request_call_status(app, method, path, body, out, &status);
}

int request_list(struct app *app, const char *path, json_t **items)
{
	json_t *all = json_array(), *page = NULL;
	char *cursor = NULL;
	struct strbuf url;
	int rc = CLI_ERROR;

	*items = NULL;
	strbuf_init(&url, 16384);
	if (!all)
		goto oom;
	for (int n = 0; n < LIST_MAX_PAGES; n++) {
		json_t *got;
		const char *next;

		url.len = 0;
		if (strbuf_puts(&url, path) != 0 ||
		    strbuf_puts(&url, strchr(path, '?') ? "&" : "?") != 0 ||
		    strbuf_puts(&url, "limit=" LIST_PAGE) != 0)
			goto oom;
		if (cursor &&
		    (strbuf_puts(&url, "&cursor=") != 0 || http_escape(&url, cursor) != 0))
			goto oom;
		rc = request_call(app, "GET", url.data, NULL, &page);
		if (rc != 0)
			goto out;
		rc = CLI_ERROR;
		got = json_object_get(page, "items");
		if (!json_is_array(got)) {
			output_error(&app->out,
				     "the server's answer to GET %s has no "
				     "'items' list",
				     path);
			goto out;
		}
		if (json_array_extend(all, got) != 0)
			goto oom;
		next = json_string_value(json_object_get(page, "next_cursor"));
		if (!next || !next[0]) {
			*items = all;
			all = NULL;
			rc = 0;
			goto out;
		}
		if (cursor && strcmp(cursor, next) == 0) {
			output_error(&app->out, "the server repeats the list cursor");
			goto out;
		}
		free(cursor);
		cursor = strdup(next);
		if (!cursor)
			goto oom;
		json_decref(page);
		page = NULL;
	}
	output_error(&app->out, "the list has too many pages");
	goto out;
oom:
	output_error(&app->out, "out of memory");
	rc = CLI_ERROR;
out:
	json_decref(all);
	json_decref(page);
	free(cursor);
	strbuf_cleanup(&url);
	return rc;
}

int request_path(struct strbuf *sb, const char *tmpl, ...)
{
	va_list ap;
	const char *p = tmpl;
	int rc = 0;

	va_start(ap, tmpl);
	while (*p && rc == 0) {
		const char *mark = strstr(p, "{}");
		const char *arg;

		if (!mark) {
			rc = strbuf_puts(sb, p);
			break;
		}
		arg = va_arg(ap, const char *);
		if (!arg || strbuf_append(sb, p, (size_t)(mark - p)) != 0 ||
		    http_escape(sb, arg) != 0)
			rc = -1;
		p = mark + 2;
	}
	if (rc == 0 && va_arg(ap, const char *) != NULL)
		rc = -1; /* more arguments than "{}" */
	va_end(ap);
	return rc;
}
