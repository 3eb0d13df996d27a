/*
 * Sessions: `login` (POST /v1/sessions, keeps server and token in the
 * credentials file), `logout` (DELETE /v1/sessions/current, forgets the
 * token) and `whoami` (GET /v1/me: user, organisation, tier, memberships
 * and the actions the server allows).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "creds.h"
#include "http.h"
#include "prompt.h"
#include "request.h"
#include "swetime.h"

static int ensure_creds_path(struct app *app)
{
	if (app->creds_path)
		return 0;
	if (creds_path(app->settings.dir, &app->creds_path) != 0) {
		output_error(&app->out, "out of memory");
		return CLI_ERROR;
	}
	return 0;
}

/* Stores (or, with token NULL, forgets) the token for app->server. */
static int store_token(struct app *app, const char *token)
{
	struct creds c = { 0 };
	struct strbuf err;
	int rc;

	rc = ensure_creds_path(app);
	if (rc != 0)
		return rc;
	c.server = app->server;
	c.token = (char *)token; /* borrowed; creds_save does not free */
	strbuf_init(&err, 4096);
	rc = creds_save(app->creds_path, &c, &err);
	if (rc != 0)
		output_error(&app->out, "%s", err.data ? err.data : "cannot save");
	strbuf_cleanup(&err);
	return rc;
}

static int run_login(struct app *app, const struct cmd_args *a)
{
	const char *username = args_get(a, "username");
	int from_stdin = args_has(a, "password-stdin");
	char *asked = NULL, *password = NULL;
	json_t *body = NULL, *res = NULL;
	struct strbuf sb;
	char local[SWETIME_LEN];
	const char *token, *expires;
	int rc;

	strbuf_init(&sb, 4096);
	if (!username && from_stdin) {
		rc = cmd_usage_error(app, "--password-stdin needs --username");
		goto out;
	}
	rc = request_prepare(app, 0);
	if (rc != 0)
		goto out;
	if (!username) {
		rc = prompt_tty("Username: ", 0, &asked, &sb);
		if (rc != 0) {
			output_error(&app->out, "%s", sb.data ? sb.data : "");
			goto out;
		}
		username = asked;
	}
	sb.len = 0;
	if (strbuf_printf(&sb, "Password for %s at %s: ", username, app->server) != 0) {
		rc = CLI_ERROR;
		goto out;
	}
	rc = cmd_password(app, from_stdin, sb.data, 0, &password);
	if (rc != 0)
		goto out;
	rc = CLI_ERROR;
	body = json_pack("{s:s, s:s}", "username", username, "password", password);
	if (!body) {
		output_error(&app->out, "the username or password is not UTF-8");
		rc = CLI_USAGE;
		goto out;
	}
	rc = request_call(app, "POST", "/v1/sessions", body, &res);
	if (rc != 0)
		goto out;
	token = json_string_value(json_object_get(res, "token"));
	expires = swetime_text(json_string_value(json_object_get(res, "expires_at")), local,
			       sizeof local);
	if (!token || !token[0]) {
		output_error(&app->out, "the server's answer holds no token");
		rc = CLI_ERROR;
		goto out;
	}
	rc = store_token(app, token);
	if (rc != 0)
		goto out;
	output_note(&app->out, "Logged in to %s as %s%s%s.", app->server, username,
		    expires ? "; the session ends " : "", expires ? expires : "");
out:
	json_decref(body); /* jansson keeps its copy of the password */
	json_decref(res);
	prompt_free_secret(password);
	free(asked);
	strbuf_cleanup(&sb);
	return rc;
}

static int run_logout(struct app *app, const struct cmd_args *a)
{
	struct http_response resp;
	const char *env = getenv("SAMVERKAN_TOKEN");
	int from_env = env && env[0];
	int rc;

	(void)a;
	rc = request_send(app, "DELETE", "/v1/sessions/current", NULL, &resp);
	if (rc != 0)
		return rc;
	/* 401: the token was already revoked or expired; forget it anyway. */
	if ((resp.status < 200 || resp.status >= 300) && resp.status != 401) {
		rc = output_problem(&app->out, resp.status, resp.json, resp.retry_after,
				    resp.request_id, NULL);
		http_response_cleanup(&resp);
		return rc;
	}
	http_response_cleanup(&resp);
	if (from_env) {
		output_note(&app->out, "Revoked the token in SAMVERKAN_TOKEN.");
		return 0;
	}
	rc = store_token(app, NULL);
	if (rc == 0)
		output_note(&app->out, "Logged out of %s.", app->server);
	return rc;
}

static const char *str_or(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "?";
}

/* "styrgrupp (decision_maker), est-sigtuna (member until 2025-06-30)" */
static int format_memberships(struct strbuf *sb, const json_t *list)
{
	size_t i;
	const json_t *m;

	json_array_foreach (list, i, m) {
		const char *group = json_string_value(json_object_get(m, "group"));
		const char *role = json_string_value(json_object_get(m, "role"));
		const char *until = json_string_value(json_object_get(m, "until"));

		if ((i > 0 && strbuf_puts(sb, ", ") != 0) ||
		    strbuf_printf(sb, "%s (%s%s%s)", group ? group : "?", role ? role : "?",
				  until ? " until " : "", until ? until : "") != 0)
			return -1;
	}
	return 0;
}

static const struct out_col whoami_fields[] = {
	{ "SERVER", "server", 0 },
	{ "USERNAME", "username", 0 },
	{ "DISPLAY NAME", "display_name", 0 },
	{ "ORGANISATION", "organisation", 0 },
	{ "TIER", "tier", 0 },
	{ "ADMIN", "admin", 0 },
	{ "MEMBERSHIPS", "memberships", OUT_COL_WRAP },
	{ "ACTIONS", "actions", OUT_COL_WRAP },
};

static int run_whoami(struct app *app, const struct cmd_args *a)
{
	json_t *me = NULL, *view = NULL;
	const json_t *user, *org;
	struct strbuf orgs, ms;
	int rc;

	(void)a;
	strbuf_init(&orgs, 4096);
	strbuf_init(&ms, 65536);
	rc = request_call(app, "GET", "/v1/me", NULL, &me);
	if (rc != 0)
		goto out;
	rc = CLI_ERROR;
	user = json_object_get(me, "user");
	org = json_object_get(me, "organisation");
	if (strbuf_printf(&orgs, "%s (%s)", str_or(org, "name"), str_or(org, "slug")) != 0 ||
	    format_memberships(&ms, json_object_get(me, "memberships")) != 0)
		goto oom;
	view = json_pack("{s:s, s:O?, s:O?, s:s, s:O?, s:O?, s:s?, s:O?}", "server", app->server,
			 "username", json_object_get(user, "username"), "display_name",
			 json_object_get(user, "display_name"), "organisation", orgs.data, "tier",
			 json_object_get(me, "tier"), "admin", json_object_get(me, "admin"),
			 "memberships", ms.len > 0 ? ms.data : NULL, "actions",
			 json_object_get(me, "actions"));
	if (!view)
		goto oom;
	rc = output_object(&app->out, me, view, whoami_fields, CMD_COUNT(whoami_fields));
	goto out;
oom:
	output_error(&app->out, "out of memory");
out:
	json_decref(me);
	json_decref(view);
	strbuf_cleanup(&orgs);
	strbuf_cleanup(&ms);
	return rc;
}

static const struct opt_def login_opts[] = {
	{ "username", 'u', OPT_VALUE, "USER", NULL,
	  "your username (asked for on a terminal when left out)" },
	{ "password-stdin", 0, 0, NULL, NULL,
	  "read the password from the first line of standard input" },
};

static const struct cmd_verb login_verbs[] = {
	{ NULL, run_login, login_opts, CMD_COUNT(login_opts), 0, 0,
	  "login [--username USER] [--password-stdin]",
	  "Logs in and keeps the server and the session token in "
	  "$XDG_CONFIG_HOME/samverkan/credentials (mode 0600). Without "
	  "--password-stdin the password is asked for without echo.",
	  "--server https://samverkan.example:8443 login --username anna\n"
	  "login --username admin --password-stdin < admin-password" },
};

static const struct cmd_verb logout_verbs[] = {
	{ NULL, run_logout, NULL, 0, 0, 0, "logout",
	  "Revokes the session token on the server and forgets it here.", "logout" },
};

static const struct cmd_verb whoami_verbs[] = {
	{ NULL, run_whoami, NULL, 0, 0, 0, "whoami",
	  "Shows who you are logged in as: user, organisation, tier, group "
	  "memberships and the actions you may take.",
	  "whoami\n--output json whoami" },
};

const struct cmd_noun cmd_login = { "login", "Log in.", login_verbs, CMD_COUNT(login_verbs) };
const struct cmd_noun cmd_logout = { "logout", "Log out.", logout_verbs, CMD_COUNT(logout_verbs) };
const struct cmd_noun cmd_whoami = { "whoami", "Who am I.", whoami_verbs, CMD_COUNT(whoami_verbs) };
