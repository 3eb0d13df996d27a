/*
 * `tokens`: long-lived tokens for scripts. `create` (POST /v1/me/tokens)
 * shows the token once; expiry is mandatory (at most 366 days, the server
 * decides). `list` and `revoke` work on one's own tokens, or with --user on
 * another user's (admins only: /v1/users/{username}/tokens).
 */
#include "cmd.h"
#include "request.h"

static const struct out_col token_fields[] = {
	{ "NAME", "name", 0 },
	{ "TOKEN", "token", 0 },
	{ "EXPIRES AT", "expires_at", 0 },
	{ "ID", "id", 0 },
};

static const struct out_col token_cols[] = {
	{ "ID", "id", 0 },
	{ "NAME", "name", OUT_COL_TRUNC },
	{ "CREATED", "created_at", 0 },
	{ "EXPIRES", "expires_at", 0 },
	{ "LAST USED", "last_used_at", 0 },
};

static int run_create(struct app *app, const struct cmd_args *a)
{
	const char *days_arg = args_get(a, "expires-in-days");
	json_t *body, *res = NULL;
	long days;
	int rc;

	if (cmd_parse_long(days_arg, 1, 100000, &days) != 0)
		return cmd_usage_error(app,
				       "--expires-in-days wants a whole number "
				       "of days, got '%s'",
				       days_arg);
	body = json_pack("{s:s, s:I}", "name", args_get(a, "name"), "expires_in_days",
			 (json_int_t)days);
	if (!body) {
		output_error(&app->out, "the token name is not UTF-8");
		return CLI_USAGE;
	}
	rc = request_call(app, "POST", "/v1/me/tokens", body, &res);
	json_decref(body);
	if (rc != 0)
		return rc;
	rc = output_object(&app->out, res, NULL, token_fields, CMD_COUNT(token_fields));
	if (rc == 0)
		output_note(&app->out, "Store the token now: it is not shown again. "
				       "Scripts use it as SAMVERKAN_TOKEN.");
	json_decref(res);
	return rc;
}

/* The tokens' path: one's own, or with --user that user's. */
static int tokens_path(struct app *app, const struct cmd_args *a, const char *id, struct strbuf *sb)
{
	const char *user = args_get(a, "user");
	int rc;

	if (user && id)
		rc = request_path(sb, "/v1/users/{}/tokens/{}", user, id, NULL);
	else if (user)
		rc = request_path(sb, "/v1/users/{}/tokens", user, NULL);
	else if (id)
		rc = request_path(sb, "/v1/me/tokens/{}", id, NULL);
	else
		rc = request_path(sb, "/v1/me/tokens", NULL);
	return rc == 0 ? 0 : cmd_oom(app);
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = tokens_path(app, a, NULL, &path);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, token_cols, CMD_COUNT(token_cols));
	strbuf_cleanup(&path);
	return rc;
}

static int run_revoke(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = tokens_path(app, a, a->pos[0], &path);
	if (rc == 0)
		rc = request_call(app, "DELETE", path.data, NULL, NULL);
	if (rc == 0)
		output_note(&app->out, "Revoked token %s.", a->pos[0]);
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def create_opts[] = {
	{ "name", 0, OPT_VALUE | OPT_REQUIRED, "NAME", NULL,
	  "what the token is for, e.g. nightly-import" },
	{ "expires-in-days", 0, OPT_VALUE | OPT_REQUIRED, "DAYS", NULL,
	  "days until it stops working (1 to 366)" },
};

static const struct opt_def user_opts[] = {
	{ "user", 0, OPT_VALUE, "USERNAME", NULL, "another user's tokens (admins only)" },
};

static const struct cmd_verb tokens_verbs[] = {
	{ "create", run_create, create_opts, CMD_COUNT(create_opts), 0, 0,
	  "tokens create --name NAME --expires-in-days DAYS",
	  "Creates a long-lived token for scripts and prints it once.",
	  "tokens create --name nightly-import --expires-in-days 90" },
	{ "list", run_list, user_opts, CMD_COUNT(user_opts), 0, 0, "tokens list [--user USERNAME]",
	  "Lists the script tokens that still work (never the tokens themselves).",
	  "tokens list\ntokens list --user anna.berg" },
	{ "revoke", run_revoke, user_opts, CMD_COUNT(user_opts), 1, 1,
	  "tokens revoke <id> [--user USERNAME]", "Revokes one script token at once.",
	  "tokens revoke 0b7f6c1e-3f0a-4d7e-9a51-2c8e4f1d6a90" },
};

const struct cmd_noun cmd_tokens = { "tokens", "Tokens for scripts.", tokens_verbs,
				     CMD_COUNT(tokens_verbs) };
