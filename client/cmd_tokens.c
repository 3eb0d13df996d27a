/*
 * `tokens create`: a long-lived token for scripts (POST /v1/me/tokens),
 * shown once. Expiry is mandatory (at most 366 days, the server decides).
 */
#include "cmd.h"
#include "request.h"

static const struct out_col token_fields[] = {
	{ "NAME", "name", 0 },
	{ "TOKEN", "token", 0 },
	{ "EXPIRES AT", "expires_at", 0 },
	{ "ID", "id", 0 },
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

static const struct opt_def create_opts[] = {
	{ "name", 0, OPT_VALUE | OPT_REQUIRED, "NAME", NULL,
	  "what the token is for, e.g. nightly-import" },
	{ "expires-in-days", 0, OPT_VALUE | OPT_REQUIRED, "DAYS", NULL,
	  "days until it stops working (1 to 366)" },
};

static const struct cmd_verb tokens_verbs[] = {
	{ "create", run_create, create_opts, CMD_COUNT(create_opts), 0, 0,
	  "tokens create --name NAME --expires-in-days DAYS",
	  "Creates a long-lived token for scripts and prints it once.",
	  "tokens create --name nightly-import --expires-in-days 90" },
};

const struct cmd_noun cmd_tokens = { "tokens", "Tokens for scripts.", tokens_verbs,
				     CMD_COUNT(tokens_verbs) };
