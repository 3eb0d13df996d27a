/*
 * Requests on behalf of commands (see request.h). The stored token is only
 * sent to the server it was issued by: `--server other whoami` after a
 * login elsewhere is refused instead of handing the token to another host.
 */
#include "request.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
		(void)strbuf_printf(
			err,
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
			(void)strbuf_printf(
				err,
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
		(void)strbuf_printf(
			err,
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

int request_send(struct app *app, const char *method, const char *path,
		 const json_t *body, struct http_response *resp)
{
	struct strbuf err;
	int rc;

	memset(resp, 0, sizeof *resp);
	rc = request_prepare(app, 1);
	if (rc != 0)
		return rc;
	strbuf_init(&err, 8192);
	rc = http_request(app->http, method, path, body, resp, &err);
	if (rc != 0)
		output_error(&app->out, "%s", err.data ? err.data : "error");
	strbuf_cleanup(&err);
	return rc;
}

int request_call_status(struct app *app, const char *method, const char *path,
			const json_t *body, json_t **out, long *status)
{
	struct http_response resp;
	const char *env, *hint = NULL;
	int rc;

	if (out)
		*out = NULL;
	*status = 0;
	rc = request_send(app, method, path, body, &resp);
	if (rc != 0)
		return rc;
	*status = resp.status;
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
		hint = env && env[0] ? "check SAMVERKAN_TOKEN"
				     : "run 'samverkan login'";
	}
	rc = output_problem(&app->out, resp.status, resp.json, resp.retry_after,
			    resp.request_id, hint);
	http_response_cleanup(&resp);
	return rc;
}

int request_call(struct app *app, const char *method, const char *path,
		 const json_t *body, json_t **out)
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
		if (cursor && (strbuf_puts(&url, "&cursor=") != 0 ||
			       http_escape(&url, cursor) != 0))
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
			output_error(&app->out,
				     "the server repeats the list cursor");
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
