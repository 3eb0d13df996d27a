/*
 * `proposals`: the decision documents (beslutsunderlag) of SPEC §4 — list,
 * show (on a terminal with the decision matrix, see matrix.h), create and
 * edit (bodies in propbody.c; If-Match with --if-match), submit, withdraw,
 * the styrgrupp's inbox (`pending`) and its verdicts: approve, reject and
 * return (återremiss), each with an optional --comment. `priorities` lists
 * an agreement's approved prioritisations with their resource commitments.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "matrix.h"
#include "request.h"
#include "vocab.h"

#define KINDS VOCAB_PROPOSAL_KINDS
#define STATUSES VOCAB_PROPOSAL_STATUSES

static const struct out_col prop_cols[] = {
	{ "ID", "id", 0 },
	{ "KIND", "kind", 0 },
	{ "TITLE", "title", OUT_COL_TRUNC },
	{ "STATUS", "status", 0 },
	{ "ROUND", "round", OUT_COL_RIGHT },
	{ "AFFECTED", "affected", OUT_COL_TRUNC },
	{ "UPDATED AT", "updated_at", 0 },
};

static const struct out_col prop_fields[] = {
	{ "ID", "id", 0 },
	{ "TITLE", "title", 0 },
	{ "KIND", "kind", 0 },
	{ "STATUS", "status", 0 },
	{ "ROUND", "round", 0 },
	{ "AFFECTED", "affected", 0 },
	{ "AGREEMENT", "agreement", 0 },
	{ "EXTENSION YEARS", "extension_years", 0 },
	{ "FOLLOW-UP YEAR", "follow_up_year", 0 },
	{ "FOCUS AREA", "focus_area", 0 },
	{ "ACTION PLAN", "action_plan", 0 },
	{ "AUTHOR", "author", 0 },
	{ "CREATED AT", "created_at", 0 },
	{ "UPDATED AT", "updated_at", 0 },
	{ "SUBMITTED AT", "submitted_at", 0 },
	{ "DECIDED AT", "decided_at", 0 },
};

static const struct out_col priority_cols[] = {
	{ "PROPOSAL", "proposal", 0 },
	{ "TITLE", "title", OUT_COL_TRUNC },
	{ "FOCUS AREA", "focus_area", 0 },
	{ "APPROVED AT", "approved_at", 0 },
	{ "RESOURCES", "resources", OUT_COL_WRAP },
};

static int prop_path(struct app *app, struct strbuf *sb, const char *tmpl, const char *id)
{
	return request_path(sb, tmpl, id, NULL) == 0 ? 0 : cmd_oom(app);
}

/* The proposal answered by a command, as fields or JSON. */
static int print_proposal(struct app *app, const json_t *p)
{
	return output_object(&app->out, p, NULL, prop_fields, CMD_COUNT(prop_fields));
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc = 0;

	strbuf_init(&path, 4096);
	if (strbuf_puts(&path, "/v1/proposals") != 0 ||
	    cmd_query_add(&path, "status", args_get(a, "status")) != 0 ||
	    cmd_query_add(&path, "kind", args_get(a, "kind")) != 0 ||
	    cmd_query_add(&path, "affects", args_get(a, "affects")) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, prop_cols, CMD_COUNT(prop_cols));
	strbuf_cleanup(&path);
	return rc;
}

static int run_pending(struct app *app, const struct cmd_args *a)
{
	json_t *items = NULL;
	int rc;

	(void)a;
	rc = request_list(app, "/v1/me/pending", &items);
	if (rc == 0 && json_array_size(items) == 0 && app->out.format == OUT_TABLE) {
		output_note(&app->out, "Nothing waits for your organisation's "
				       "decision.");
	} else if (rc == 0) {
		rc = output_list(&app->out, items, prop_cols, CMD_COUNT(prop_cols));
	}
	json_decref(items);
	return rc;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct request_opts ro;
	struct strbuf path;
	json_t *p = NULL;
	int rc;

	request_opts_init(&ro);
	strbuf_init(&path, 4096);
	rc = prop_path(app, &path, "/v1/proposals/{}", a->pos[0]);
	if (rc == 0)
		rc = request_call_opts(app, "GET", path.data, NULL, &ro, &p);
	if (rc == 0 && !json_is_object(p)) {
		output_error(&app->out, "the server sent a proposal that is "
					"not an object");
		rc = CLI_ERROR;
	}
	if (rc != 0)
		goto out;
	if (app->out.format == OUT_TABLE) {
		if (matrix_print(app->out.out, p) != 0) {
			output_error(&app->out, "cannot write the output");
			rc = CLI_ERROR;
		}
	} else {
		rc = print_proposal(app, p);
	}
	request_note_etag(app, &ro);
out:
	json_decref(p);
	strbuf_cleanup(&path);
	request_opts_cleanup(&ro);
	return rc;
}

static int run_create(struct app *app, const struct cmd_args *a)
{
	json_t *body = NULL, *p = NULL;
	char *agreement = NULL;
	const char *given;
	int rc;

	rc = proposals_body(app, PROP_BODY_CREATE, a, &body);
	if (rc != 0)
		return rc;
	/* --agreement, else the file's, else the only one there is. */
	given = json_string_value(json_object_get(body, "agreement"));
	rc = cmd_agreement_id(app, given, &agreement);
	if (rc == 0 && json_object_set_new(body, "agreement", json_string(agreement)) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = cmd_body_focus_area(app, agreement, body);
	if (rc == 0)
		rc = request_call(app, "POST", "/v1/proposals", body, &p);
	if (rc == 0)
		rc = print_proposal(app, p);
	json_decref(body);
	json_decref(p);
	free(agreement);
	return rc;
}

static int run_edit(struct app *app, const struct cmd_args *a)
{
	struct request_opts ro;
	struct strbuf path, etag;
	json_t *body = NULL, *p = NULL;
	char *agreement = NULL;
	const char *area;
	long ordinal;
	int rc;

	request_opts_init(&ro);
	strbuf_init(&path, 4096);
	strbuf_init(&etag, 4096);
	rc = proposals_body(app, PROP_BODY_EDIT, a, &body);
	if (rc == 0)
		rc = cmd_if_match(app, a, &etag);
	area = body ? json_string_value(json_object_get(body, "focus_area")) : NULL;
	if (rc == 0 && area && cmd_parse_long(area, 1, 1000000, &ordinal) == 0)
		rc = cmd_get_member(app, "/v1/proposals/{}", a->pos[0], "agreement", &agreement);
	if (rc == 0 && agreement)
		rc = cmd_body_focus_area(app, agreement, body);
	if (rc != 0)
		goto out;
	ro.if_match = etag.len ? etag.data : NULL;
	rc = prop_path(app, &path, "/v1/proposals/{}", a->pos[0]);
	if (rc == 0)
		rc = request_call_opts(app, "PATCH", path.data, body, &ro, &p);
	if (rc == 0)
		rc = print_proposal(app, p);
	if (rc == 0)
		request_note_etag(app, &ro);
out:
	json_decref(body);
	json_decref(p);
	free(agreement);
	strbuf_cleanup(&path);
	strbuf_cleanup(&etag);
	request_opts_cleanup(&ro);
	return rc;
}

/* submit and withdraw: POST /v1/proposals/{id}/<verb> without a body. */
static int run_transition(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *p = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = prop_path(app, &path, "/v1/proposals/{}/", a->pos[0]);
	if (rc == 0 && strbuf_puts(&path, app->verb->name) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = request_call(app, "POST", path.data, NULL, &p);
	if (rc == 0)
		rc = print_proposal(app, p);
	json_decref(p);
	strbuf_cleanup(&path);
	return rc;
}

/* approve, reject and return: the verb's name is the verdict. */
static int run_decide(struct app *app, const struct cmd_args *a)
{
	const char *comment = args_get(a, "comment");
	struct strbuf path;
	json_t *body, *p = NULL;
	int rc = 0;

	strbuf_init(&path, 4096);
	body = json_pack("{s:s}", "verdict", app->verb->name);
	if (!body)
		return cmd_oom(app);
	if (comment && json_object_set_new(body, "comment", json_string(comment)) != 0)
		rc = cmd_usage_error(app, "--comment is not valid UTF-8 text");
	if (rc == 0)
		rc = prop_path(app, &path, "/v1/proposals/{}/decisions", a->pos[0]);
	if (rc == 0)
		rc = request_call(app, "POST", path.data, body, &p);
	if (rc == 0)
		rc = print_proposal(app, p);
	json_decref(body);
	json_decref(p);
	strbuf_cleanup(&path);
	return rc;
}

/* "polisen 2 tjänst (Kommunpolis); sigtuna …" for a table or CSV cell. */
static json_t *resources_text(const json_t *lines)
{
	struct strbuf sb;
	const json_t *line;
	json_t *s = NULL;
	size_t i;
	int rc = 0;

	strbuf_init(&sb, 65536);
	json_array_foreach (lines, i, line) {
		if (i > 0)
			rc |= strbuf_puts(&sb, "; ");
		rc |= output_cell(&sb, json_object_get(line, "organisation"), OUT_CSV);
		rc |= strbuf_puts(&sb, " ");
		rc |= output_cell(&sb, json_object_get(line, "amount"), OUT_CSV);
		rc |= strbuf_puts(&sb, " ");
		rc |= output_cell(&sb, json_object_get(line, "unit"), OUT_CSV);
		rc |= strbuf_puts(&sb, " (");
		rc |= output_cell(&sb, json_object_get(line, "description"), OUT_CSV);
		rc |= strbuf_puts(&sb, ")");
	}
	if (rc == 0)
		s = json_string(sb.data ? sb.data : "");
	strbuf_cleanup(&sb);
	return s;
}

static int run_priorities(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *items = NULL, *shown = NULL, *it;
	char *agreement = NULL;
	size_t i;
	int rc;

	strbuf_init(&path, 4096);
	rc = cmd_agreement_id(app, args_get(a, "agreement"), &agreement);
	if (rc == 0)
		rc = prop_path(app, &path, "/v1/agreements/{}/priorities", agreement);
	if (rc == 0)
		rc = request_list(app, path.data, &items);
	if (rc != 0)
		goto out;
	if (app->out.format == OUT_JSON) {
		rc = output_list(&app->out, items, priority_cols, CMD_COUNT(priority_cols));
		goto out;
	}
	shown = json_deep_copy(items);
	json_array_foreach (shown, i, it)
		if (json_object_set_new(it, "resources",
					resources_text(json_object_get(it, "resources"))) != 0)
			break;
	if (!shown || i < json_array_size(shown))
		rc = cmd_oom(app);
	else
		rc = output_list(&app->out, shown, priority_cols, CMD_COUNT(priority_cols));
out:
	json_decref(items);
	json_decref(shown);
	free(agreement);
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def list_opts[] = {
	{ "status", 0, OPT_VALUE, "STATUS", STATUSES, "only this status" },
	{ "kind", 0, OPT_VALUE, "KIND", KINDS, "only this kind" },
	{ "affects", 0, OPT_VALUE, "ORG", NULL, "only those affecting this organisation (slug)" },
};

/* The fields of create and edit. */
/* clang-format off */
#define FIELD_OPTS                                                          \
	{ "title", 0, OPT_VALUE, "TITLE", NULL, "its title" },              \
	{ "background", 0, OPT_VALUE, "TEXT", NULL,                         \
	  "the background (bakgrund)" },                                    \
	{ "text", 0, OPT_VALUE, "TEXT", NULL,                               \
	  "the proposal itself (förslag till beslut)" },                    \
	{ "focus-area", 0, OPT_VALUE, "ID|N", NULL,                         \
	  "the focus area (its id, or its ordinal: 1, 2, …)" },             \
	{ "plan", 0, OPT_VALUE, "PLAN-ID", NULL,                            \
	  "the action plan to adopt (kind action_plan)" },                  \
	{ "year", 0, OPT_VALUE, "YYYY", NULL,                               \
	  "the year whose follow-up to adopt (kind follow_up)" },           \
	{ "years", 0, OPT_VALUE, "N", NULL,                                 \
	  "extend the agreement by N years, 1 to 4 (kind extension)" },     \
	{ "resource", 0, OPT_VALUE | OPT_MULTI,                             \
	  "LINE", NULL,                                                     \
	  "a resource line ORG:AMOUNT:UNIT:DESCRIPTION (repeat for more; "  \
	  "replaces all lines); the description may hold ':'; a decimal "  \
	  "comma is fine" },                                                \
	{ "file", 'f', OPT_VALUE, "FILE", NULL,                             \
	  "read the body from a JSON file ('-': standard input); the "      \
	  "options given override its members" }
/* clang-format on */

static const struct opt_def create_opts[] = {
	{ "kind", 0, OPT_VALUE, "KIND", KINDS,
	  "what is to be decided (required unless in the -f file)" },
	FIELD_OPTS,
	{ "agreement", 0, OPT_VALUE, "ID", NULL,
	  "the agreement (id); may be left out when there is only one" },
};

static const struct opt_def edit_opts[] = {
	FIELD_OPTS,
	{ "if-match", 0, OPT_VALUE, "ETAG", NULL,
	  "change only if the proposal is still as when its ETag was read "
	  "('proposals show --verbose' prints it); else exit 5" },
};

static const struct opt_def decide_opts[] = {
	{ "comment", 0, OPT_VALUE, "TEXT", NULL,
	  "why (kept with the decision; say what to change on a return)" },
};

static const struct opt_def priorities_opts[] = {
	{ "agreement", 0, OPT_VALUE, "ID", NULL,
	  "the agreement (id); may be left out when there is only one" },
};

#define EX_ID "7c9e6679-7425-40de-944b-e07fc1f90ae7"

static const struct cmd_verb proposals_verbs[] = {
	{ "list", run_list, list_opts, CMD_COUNT(list_opts), 0, 0,
	  "proposals list [--status S] [--kind K] [--affects ORG]",
	  "Lists the proposals (beslutsunderlag).",
	  "proposals list --status submitted --affects sigtuna" },
	{ "show", run_show, NULL, 0, 1, 1, "proposals show <id>",
	  "Shows a proposal: on a terminal with its resource lines and the "
	  "decision matrix (organisations by rounds); with --output json the "
	  "proposal as the server sent it. With --verbose also its ETag.",
	  "proposals show " EX_ID },
	{ "create", run_create, create_opts, CMD_COUNT(create_opts), 0, 0,
	  "proposals create --kind K --title T [--background B] [--text P] "
	  "[--focus-area ID|N] [--plan PLAN-ID] [--year YYYY] [--years N] "
	  "[--resource ORG:AMOUNT:UNIT:DESCRIPTION]... [-f FILE|-] "
	  "[--agreement ID]",
	  "Drafts a proposal (beredningsgrupp): a prioritisation with the "
	  "resources each organisation commits, the adoption of an action "
	  "plan or of a year's follow-up, or an extension of the agreement.",
	  "proposals create --kind extension --years 4 --title \"Förläng "
	  "avtalet till 2030\"\n"
	  "proposals create --kind prioritisation --title \"Trygg "
	  "stationsmiljö\" --focus-area 1 --resource "
	  "polisen:2:tjänst:Kommunpolis --resource "
	  "sigtuna:500000:kr:Trygghetsvandringar\n"
	  "proposals create -f underlag.json --title \"Ny rubrik\"" },
	{ "edit", run_edit, edit_opts, CMD_COUNT(edit_opts), 1, 1,
	  "proposals edit <id> [the options of create but --kind and "
	  "--agreement] [--if-match ETAG]",
	  "Changes a draft proposal (one returned for återremiss is a draft "
	  "again); only what is given changes, --resource replaces all "
	  "resource lines.",
	  "proposals edit " EX_ID " --text \"Förlängning med "
	  "uppföljning varje år\" --if-match 9f86d081884c7d65" },
	{ "submit", run_transition, NULL, 0, 1, 1, "proposals submit <id>",
	  "Submits a draft to the styrgrupp for decision (round 1, or the "
	  "next round after a return).",
	  "proposals submit " EX_ID },
	{ "withdraw", run_transition, NULL, 0, 1, 1, "proposals withdraw <id>",
	  "Withdraws a draft or submitted proposal (beredningsgrupp).",
	  "proposals withdraw " EX_ID },
	{ "pending", run_pending, NULL, 0, 0, 0, "proposals pending",
	  "Lists the submitted proposals that wait for your organisation's "
	  "decision (styrgrupp decision makers).",
	  "proposals pending" },
	{ "approve", run_decide, decide_opts, CMD_COUNT(decide_opts), 1, 1,
	  "proposals approve <id> [--comment TEXT]",
	  "Approves on behalf of your organisation; when every affected "
	  "organisation has approved, the proposal takes effect.",
	  "proposals approve " EX_ID " --comment \"Tillstyrks\"" },
	{ "reject", run_decide, decide_opts, CMD_COUNT(decide_opts), 1, 1,
	  "proposals reject <id> [--comment TEXT]",
	  "Rejects on behalf of your organisation; one rejection rejects the "
	  "proposal.",
	  "proposals reject " EX_ID " --comment \"Ryms inte i budgeten\"" },
	{ "return", run_decide, decide_opts, CMD_COUNT(decide_opts), 1, 1,
	  "proposals return <id> [--comment TEXT]",
	  "Returns the proposal for more preparation (återremiss): it becomes "
	  "a draft again and the next submission starts a new round.",
	  "proposals return " EX_ID " --comment \"Ange kostnaden per år\"" },
};

const struct cmd_noun cmd_proposals = { "proposals",
					"Proposals for the styrgrupp to "
					"decide (SPEC §4).",
					proposals_verbs, CMD_COUNT(proposals_verbs) };

static const struct cmd_verb priorities_verb[] = {
	{ NULL, run_priorities, priorities_opts, CMD_COUNT(priorities_opts), 0, 0,
	  "priorities [--agreement ID]",
	  "Lists the agreement's approved priorities with the resources each "
	  "organisation committed.",
	  "priorities" },
};

const struct cmd_noun cmd_priorities = { "priorities",
					 "The approved priorities of an "
					 "agreement.",
					 priorities_verb, CMD_COUNT(priorities_verb) };
