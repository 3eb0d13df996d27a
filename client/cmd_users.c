/*
 * `users`: accounts (SPEC §2) — list, show, and for admins create, disable
 * (PATCH active=false, which revokes every token of the user at once) and
 * enable, and edit a user's e-mail address and notification preference;
 * `passwd` changes your own password (asking for the current one) or, for
 * admins, anyone's.
 */
#include <string.h>

#include "cmd.h"
#include "prompt.h"
#include "request.h"

static const struct out_col user_cols[] = {
	{ "USERNAME", "username", 0 },
	{ "DISPLAY NAME", "display_name", OUT_COL_TRUNC },
	{ "ORGANISATION", "organisation", 0 },
	{ "ACTIVE", "active", 0 },
	{ "ADMIN", "admin", 0 },
};

static const struct out_col user_fields[] = {
	{ "USERNAME", "username", 0 },
	{ "DISPLAY NAME", "display_name", 0 },
	{ "ORGANISATION", "organisation", 0 },
	{ "ACTIVE", "active", 0 },
	{ "ADMIN", "admin", 0 },
	{ "EMAIL", "email", 0 },
	{ "NOTIFY", "notify", 0 },
	{ "CREATED AT", "created_at", 0 },
	{ "PASSWORD", "password", 0 }, /* only right after create */
};

/* The user fields, with PASSWORD only when the server sent one. */
static size_t n_user_fields(const json_t *user)
{
	size_t n = CMD_COUNT(user_fields);

	return json_object_get(user, "password") ? n : n - 1;
}

static int user_path(struct app *app, struct strbuf *sb, const char *tmpl, const char *username)
{
	if (request_path(sb, tmpl, username, NULL) == 0)
		return 0;
	output_error(&app->out, "out of memory");
	return CLI_ERROR;
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	const char *org = args_get(a, "organisation");
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = org ? user_path(app, &path, "/v1/users?organisation={}", org)
		 : user_path(app, &path, "/v1/users", NULL);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, user_cols, CMD_COUNT(user_cols));
	strbuf_cleanup(&path);
	return rc;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *user = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = user_path(app, &path, "/v1/users/{}", a->pos[0]);
	if (rc == 0)
		rc = request_call(app, "GET", path.data, NULL, &user);
	if (rc == 0)
		rc = output_object(&app->out, user, NULL, user_fields, n_user_fields(user));
	json_decref(user);
	strbuf_cleanup(&path);
	return rc;
}

static int run_create(struct app *app, const struct cmd_args *a)
{
	json_t *body = NULL, *user = NULL;
	char *password = NULL;
	int rc;

	if (args_has(a, "password-stdin")) {
		rc = cmd_password(app, 1, NULL, 0, &password);
		if (rc != 0)
			return rc;
	}
	rc = CLI_USAGE;
	body = json_pack("{s:s, s:s, s:s, s:b}", "username", a->pos[0], "display_name",
			 args_get(a, "name"), "organisation", args_get(a, "organisation"), "admin",
			 args_has(a, "admin"));
	if (!body ||
	    (password && json_object_set_new(body, "password", json_string(password)) != 0)) {
		output_error(&app->out, "an argument is not valid UTF-8");
		goto out;
	}
	rc = request_call(app, "POST", "/v1/users", body, &user);
	if (rc != 0)
		goto out;
	rc = output_object(&app->out, user, NULL, user_fields, n_user_fields(user));
	if (rc == 0 && json_object_get(user, "password"))
		output_note(&app->out, "The generated password is shown only "
				       "once: hand it over now.");
out:
	json_decref(body);
	json_decref(user);
	prompt_free_secret(password);
	return rc;
}

static int set_active(struct app *app, const char *username, int active)
{
	struct strbuf path;
	json_t *body = json_pack("{s:b}", "active", active), *user = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = body ? user_path(app, &path, "/v1/users/{}", username) : CLI_ERROR;
	if (rc == 0)
		rc = request_call(app, "PATCH", path.data, body, &user);
	if (rc == 0 && json_is_object(user))
		rc = output_object(&app->out, user, NULL, user_fields, n_user_fields(user));
	if (rc == 0)
		output_note(&app->out,
			    active ? "Enabled %s."
				   : "Disabled %s; every token of theirs is "
				     "revoked.",
			    username);
	json_decref(body);
	json_decref(user);
	strbuf_cleanup(&path);
	return rc;
}

static int run_disable(struct app *app, const struct cmd_args *a)
{
	return set_active(app, a->pos[0], 0);
}

static int run_enable(struct app *app, const struct cmd_args *a)
{
	return set_active(app, a->pos[0], 1);
}

static const struct cmd_field edit_fields[] = {
	{ "email", "email", CMD_FIELD_STRING },
	{ "notify", "notify", CMD_FIELD_STRING },
};

static int run_edit(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *body = json_object(), *user = NULL;
	int rc, given = 0;

	strbuf_init(&path, 4096);
	rc = body ? cmd_fields_to_json(app, a, edit_fields, CMD_COUNT(edit_fields), body, &given)
		  : cmd_oom(app);
	if (rc == 0 && given == 0)
		rc = cmd_usage_error(app, "give --email, --notify or both");
	if (rc == 0)
		rc = user_path(app, &path, "/v1/users/{}", a->pos[0]);
	if (rc == 0)
		rc = request_call(app, "PATCH", path.data, body, &user);
	if (rc == 0)
		rc = output_object(&app->out, user, NULL, user_fields, n_user_fields(user));
	json_decref(body);
	json_decref(user);
	strbuf_cleanup(&path);
	return rc;
}

/* The username the token belongs to (GET /v1/me); *out is the caller's. */
static int my_username(struct app *app, char **out)
{
	json_t *me = NULL;
	const char *name;
	int rc;

	*out = NULL;
	rc = request_call(app, "GET", "/v1/me", NULL, &me);
	if (rc != 0)
		return rc;
	name = json_string_value(json_object_get(json_object_get(me, "user"), "username"));
	*out = name ? strdup(name) : NULL;
	json_decref(me);
	if (!*out) {
		output_error(&app->out, "the server did not say who you are");
		return CLI_ERROR;
	}
	return 0;
}

static int run_passwd(struct app *app, const struct cmd_args *a)
{
	int from_stdin = args_has(a, "password-stdin");
	char *me = NULL, *current = NULL, *fresh = NULL;
	const char *target;
	struct strbuf path, prompt;
	json_t *body = NULL;
	int rc, own;

	strbuf_init(&path, 4096);
	strbuf_init(&prompt, 4096);
	rc = my_username(app, &me);
	if (rc != 0)
		goto out;
	target = a->npos > 0 ? a->pos[0] : me;
	own = strcmp(target, me) == 0;
	if (own) {
		rc = cmd_password(app, from_stdin, "Current password: ", 0, &current);
		if (rc != 0)
			goto out;
	}
	rc = CLI_ERROR;
	if (strbuf_printf(&prompt, "New password for %s: ", target) != 0)
		goto out;
	rc = cmd_password(app, from_stdin, prompt.data, 1, &fresh);
	if (rc != 0)
		goto out;
	rc = CLI_USAGE;
	body = json_pack("{s:s}", "password", fresh);
	if (!body ||
	    (current && json_object_set_new(body, "current_password", json_string(current)) != 0)) {
		output_error(&app->out, "the password is not valid UTF-8");
		goto out;
	}
	rc = user_path(app, &path, "/v1/users/{}/password", target);
	if (rc == 0)
		rc = request_call(app, "POST", path.data, body, NULL);
	if (rc == 0)
		output_note(&app->out, "Changed the password of %s.", target);
out:
	json_decref(body);
	prompt_free_secret(current);
	prompt_free_secret(fresh);
	free(me);
	strbuf_cleanup(&path);
	strbuf_cleanup(&prompt);
	return rc;
}

static const struct opt_def list_opts[] = {
	{ "organisation", 0, OPT_VALUE, "ORG", NULL, "only users of this organisation (slug)" },
};

static const struct opt_def create_opts[] = {
	{ "name", 0, OPT_VALUE | OPT_REQUIRED, "DISPLAY", NULL, "display name" },
	{ "organisation", 0, OPT_VALUE | OPT_REQUIRED, "ORG", NULL,
	  "the organisation (slug) the user belongs to" },
	{ "admin", 0, 0, NULL, NULL, "may manage accounts and groups (never decides proposals)" },
	{ "password-stdin", 0, 0, NULL, NULL,
	  "read the password from standard input; without it the server "
	  "generates one and it is printed once" },
};

static const struct opt_def edit_opts[] = {
	{ "email", 0, OPT_VALUE, "ADDRESS", NULL,
	  "the work e-mail address notifications go to (\"\" removes it)" },
	{ "notify", 0, OPT_VALUE, "WHEN", NULL,
	  "immediate (each mail at once), daily (one digest at 07:00) or off" },
};

static const struct opt_def passwd_opts[] = {
	{ "password-stdin", 0, 0, NULL, NULL,
	  "read from standard input: for your own password the current one "
	  "on the first line and the new one on the second; for another "
	  "user (admins) the new one" },
};

static const struct cmd_verb users_verbs[] = {
	{ "list", run_list, list_opts, CMD_COUNT(list_opts), 0, 0,
	  "users list [--organisation ORG]", "Lists users.", "users list --organisation sigtuna" },
	{ "show", run_show, NULL, 0, 1, 1, "users show <username>", "Shows one user.",
	  "users show anna.larsson" },
	{ "create", run_create, create_opts, CMD_COUNT(create_opts), 1, 1,
	  "users create <username> --name DISPLAY --organisation ORG "
	  "[--admin] [--password-stdin]",
	  "Creates a user (admins only). Without --password-stdin the server "
	  "generates a password, printed once.",
	  "users create anna.larsson --name \"Anna Larsson\" --organisation "
	  "sollentuna" },
	{ "disable", run_disable, NULL, 0, 1, 1, "users disable <username>",
	  "Disables a user (admins only); their tokens stop working at once.",
	  "users disable anna.larsson" },
	{ "enable", run_enable, NULL, 0, 1, 1, "users enable <username>",
	  "Enables a disabled user again (admins only).", "users enable anna.larsson" },
	{ "edit", run_edit, edit_opts, CMD_COUNT(edit_opts), 1, 1,
	  "users edit <username> [--email ADDRESS] [--notify immediate|daily|off]",
	  "Sets a user's e-mail address and when they get notifications (admins only).",
	  "users edit anna.larsson --email anna.larsson@sollentuna.se --notify daily" },
	{ "passwd", run_passwd, passwd_opts, CMD_COUNT(passwd_opts), 0, 1,
	  "users passwd [<username>] [--password-stdin]",
	  "Changes your password (asks for the current one first) or, for "
	  "admins, another user's.",
	  "users passwd\nprintf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | samverkan "
	  "users passwd --password-stdin" },
};

const struct cmd_noun cmd_users = { "users", "User accounts.", users_verbs,
				    CMD_COUNT(users_verbs) };
