/*
 * `orgs`: the organisations that share the server (SPEC §2) — list, show
 * and, for admins, create. Parties sign the agreement; other kinds
 * (housing, rescue, …) are co-opted and never decide.
 */
#include "cmd.h"
#include "request.h"
#include "vocab.h"

static const struct out_col org_cols[] = {
	{ "SLUG", "slug", 0 },
	{ "NAME", "name", OUT_COL_TRUNC },
	{ "KIND", "kind", 0 },
	{ "PARTY", "party", 0 },
};

static const struct out_col org_fields[] = {
	{ "SLUG", "slug", 0 },
	{ "NAME", "name", 0 },
	{ "KIND", "kind", 0 },
	{ "PARTY", "party", 0 },
	{ "CREATED AT", "created_at", 0 },
};

static int run_list(struct app *app, const struct cmd_args *a)
{
	int rc;

	(void)a;
	rc = cmd_print_list(app, "/v1/organisations", org_cols, CMD_COUNT(org_cols));
	return rc;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *org = NULL;
	int rc = CLI_ERROR;

	strbuf_init(&path, 4096);
	if (request_path(&path, "/v1/organisations/{}", a->pos[0], NULL) != 0) {
		output_error(&app->out, "out of memory");
		goto out;
	}
	rc = request_call(app, "GET", path.data, NULL, &org);
	if (rc == 0)
		rc = output_object(&app->out, org, NULL, org_fields, CMD_COUNT(org_fields));
out:
	json_decref(org);
	strbuf_cleanup(&path);
	return rc;
}

static int run_create(struct app *app, const struct cmd_args *a)
{
	json_t *body, *org = NULL;
	int party = args_has(a, "party");
	int rc;

	if (party && args_has(a, "no-party"))
		return cmd_usage_error(app, "--party and --no-party exclude each "
					    "other");
	body = json_pack("{s:s, s:s, s:s, s:b}", "slug", args_get(a, "slug"), "name",
			 args_get(a, "name"), "kind", args_get(a, "kind"), "party", party);
	if (!body) {
		output_error(&app->out, "the name is not UTF-8");
		return CLI_USAGE;
	}
	rc = request_call(app, "POST", "/v1/organisations", body, &org);
	json_decref(body);
	if (rc == 0)
		rc = output_object(&app->out, org, NULL, org_fields, CMD_COUNT(org_fields));
	json_decref(org);
	return rc;
}

static const struct opt_def create_opts[] = {
	{ "slug", 0, OPT_VALUE | OPT_REQUIRED, "SLUG", NULL,
	  "short name in addresses: a-z, 0-9 and '-'" },
	{ "name", 0, OPT_VALUE | OPT_REQUIRED, "NAME", NULL, "full name" },
	{ "kind", 0, OPT_VALUE | OPT_REQUIRED, "KIND", VOCAB_ORG_KINDS, "kind of organisation" },
	{ "party", 0, 0, NULL, NULL, "a party to the agreement" },
	{ "no-party", 0, 0, NULL, NULL, "a co-opted actor, never deciding (the default)" },
};

static const struct cmd_verb orgs_verbs[] = {
	{ "list", run_list, NULL, 0, 0, 0, "orgs list", "Lists the organisations.",
	  "orgs list\n--output csv orgs list > organisationer.csv" },
	{ "show", run_show, NULL, 0, 1, 1, "orgs show <slug>", "Shows one organisation.",
	  "orgs show sollentuna" },
	{ "create", run_create, create_opts, CMD_COUNT(create_opts), 0, 0,
	  "orgs create --slug SLUG --name NAME --kind KIND "
	  "[--party|--no-party]",
	  "Creates an organisation (admins only).",
	  "orgs create --slug sollentunahem --name \"Sollentunahem AB\" "
	  "--kind housing --no-party" },
};

const struct cmd_noun cmd_orgs = { "orgs", "Organisations.", orgs_verbs, CMD_COUNT(orgs_verbs) };
