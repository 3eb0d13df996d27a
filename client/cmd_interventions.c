/*
 * `interventions`: the rows of an action plan (insatser, SPEC §2) — list
 * with filters, show, add, edit (If-Match with --if-match), and their
 * follow-up: `update` records a note with a new status, RAG, progress and
 * hours (which the server applies to the intervention in the same
 * transaction), `log` lists those notes. Which option sets which JSON
 * member is one table per verb below.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "vocab.h"

#define STATUSES VOCAB_INTERVENTION_STATUSES
#define RAGS VOCAB_RAGS

static const struct out_col iv_cols[] = {
	{ "ID", "id", 0 },
	{ "TITLE", "title", OUT_COL_TRUNC },
	{ "RAG", "rag", 0 },
	{ "STATUS", "status", 0 },
	{ "PROGRESS", "progress_percent", OUT_COL_RIGHT },
	{ "DUE", "due_on", 0 },
	{ "OVERDUE", "overdue", 0 },
	{ "RESPONSIBLE", "responsible_organisation", 0 },
};

static const struct out_col iv_fields[] = {
	{ "ID", "id", 0 },
	{ "TITLE", "title", 0 },
	{ "ACTION PLAN", "action_plan", 0 },
	{ "FOCUS AREA", "focus_area", 0 },
	{ "CAUSE", "cause", 0 },
	{ "ACTION", "description", 0 },
	{ "OPERATIONAL GOAL", "operational_goal", 0 },
	{ "RESPONSIBLE", "responsible_organisation", 0 },
	{ "ROLE", "responsible_role", 0 },
	{ "STARTS", "starts_on", 0 },
	{ "DUE", "due_on", 0 },
	{ "RECURRING", "recurring", 0 },
	{ "STATUS", "status", 0 },
	{ "RAG", "rag", 0 },
	{ "PROGRESS", "progress_percent", 0 },
	{ "HOURS SPENT", "hours_spent", 0 },
	{ "OVERDUE", "overdue", 0 },
	{ "CREATED AT", "created_at", 0 },
	{ "UPDATED AT", "updated_at", 0 },
};

static const struct out_col update_fields[] = {
	{ "ID", "id", 0 },
	{ "INTERVENTION", "intervention", 0 },
	{ "AUTHOR", "author", 0 },
	{ "ORGANISATION", "organisation", 0 },
	{ "CREATED AT", "created_at", 0 },
	{ "NOTE", "note", 0 },
	{ "STATUS", "status", 0 },
	{ "RAG", "rag", 0 },
	{ "PROGRESS", "progress_percent", 0 },
	{ "HOURS", "hours", 0 },
	{ "COMMUNICATED", "communicated", 0 },
	{ "CHANNEL", "channel", 0 },
};

static const struct out_col log_cols[] = {
	{ "CREATED AT", "created_at", 0 },
	{ "AUTHOR", "author", 0 },
	{ "ORGANISATION", "organisation", 0 },
	{ "STATUS", "status", 0 },
	{ "RAG", "rag", 0 },
	{ "PROGRESS", "progress_percent", OUT_COL_RIGHT },
	{ "HOURS", "hours", OUT_COL_RIGHT },
	{ "COMMUNICATED", "communicated", 0 },
	{ "CHANNEL", "channel", 0 },
	{ "NOTE", "note", OUT_COL_WRAP },
};

/* Option → member, for add and edit (the columns of Brå's template). */
static const struct cmd_field row_fields[] = {
	{ "focus-area", "focus_area", CMD_FIELD_STRING },
	{ "title", "title", CMD_FIELD_STRING },
	{ "cause", "cause", CMD_FIELD_STRING },
	{ "action", "description", CMD_FIELD_STRING },
	{ "goal", "operational_goal", CMD_FIELD_STRING },
	{ "responsible", "responsible_organisation", CMD_FIELD_STRING },
	{ "role", "responsible_role", CMD_FIELD_STRING },
	{ "starts", "starts_on", CMD_FIELD_DATE },
	{ "due", "due_on", CMD_FIELD_DATE },
	{ "recurring", "recurring", CMD_FIELD_TRUE },
	{ "one-off", "recurring", CMD_FIELD_FALSE },
	{ "status", "status", CMD_FIELD_STRING },
	{ "rag", "rag", CMD_FIELD_STRING },
	{ "progress", "progress_percent", CMD_FIELD_INT },
	{ "hours", "hours_spent", CMD_FIELD_NUMBER },
};

/* Option → member, for update (POST …/updates). */
static const struct cmd_field update_body[] = {
	{ "note", "note", CMD_FIELD_STRING },
	{ "status", "status", CMD_FIELD_STRING },
	{ "rag", "rag", CMD_FIELD_STRING },
	{ "progress", "progress_percent", CMD_FIELD_INT },
	{ "hours", "hours", CMD_FIELD_NUMBER },
	{ "communicated", "communicated", CMD_FIELD_TRUE },
	{ "channel", "channel", CMD_FIELD_STRING },
};

int interventions_body(struct app *app, enum iv_body which, const struct cmd_args *a, json_t **out)
{
	json_t *body = json_object();
	int rc, given = 0;

	*out = NULL;
	if (!body)
		return cmd_oom(app);
	if (args_has(a, "recurring") && args_has(a, "one-off")) {
		rc = cmd_usage_error(app, "--recurring and --one-off exclude "
					  "each other");
		goto out;
	}
	if (which == IV_BODY_UPDATE)
		rc = cmd_fields_to_json(app, a, update_body, CMD_COUNT(update_body), body, &given);
	else
		rc = cmd_fields_to_json(app, a, row_fields, CMD_COUNT(row_fields), body, &given);
	if (rc != 0)
		goto out;
	/* A new row is one-off unless it says otherwise. */
	if (which == IV_BODY_ADD && !json_object_get(body, "recurring") &&
	    json_object_set_new(body, "recurring", json_false()) != 0) {
		rc = cmd_oom(app);
		goto out;
	}
	if (which == IV_BODY_EDIT && given == 0) {
		rc = cmd_usage_error(app, "nothing to change: give at least "
					  "one of the options");
		goto out;
	}
	*out = body;
	body = NULL;
out:
	json_decref(body);
	return rc;
}

static int iv_path(struct app *app, struct strbuf *sb, const char *tmpl, const char *id)
{
	return request_path(sb, tmpl, id, NULL) == 0 ? 0 : cmd_oom(app);
}

/*
 * --focus-area takes an id, or the ordinal of a focus area (1, 2, …) of
 * the plan's agreement, which is looked up. *out is the caller's to free.
 */
static int focus_area_id(struct app *app, const char *plan_id, const char *value, char **out)
{
	char *agreement = NULL;
	long ordinal;
	int rc;

	*out = NULL;
	if (cmd_parse_long(value, 1, 1000000, &ordinal) != 0) {
		*out = strdup(value);
		return *out ? 0 : cmd_oom(app);
	}
	rc = cmd_get_member(app, "/v1/action-plans/{}", plan_id, "agreement", &agreement);
	if (rc == 0)
		rc = cmd_focus_area_id(app, agreement, value, out);
	free(agreement);
	return rc;
}

/* Replaces body's focus_area, when it is an ordinal, by the id of that
 * focus area of the plan's agreement (cmd_body_focus_area). */
static int resolve_body_area(struct app *app, const char *plan_id, json_t *body)
{
	const char *v = json_string_value(json_object_get(body, "focus_area"));
	char *agreement = NULL;
	long ordinal;
	int rc;

	if (!v || cmd_parse_long(v, 1, 1000000, &ordinal) != 0)
		return 0;
	rc = cmd_get_member(app, "/v1/action-plans/{}", plan_id, "agreement", &agreement);
	if (rc == 0)
		rc = cmd_body_focus_area(app, agreement, body);
	free(agreement);
	return rc;
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	const char *area = args_get(a, "focus-area");
	char *area_id = NULL;
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = area ? focus_area_id(app, a->pos[0], area, &area_id) : 0;
	if (rc == 0 &&
	    (iv_path(app, &path, "/v1/action-plans/{}/interventions", a->pos[0]) != 0 ||
	     cmd_query_add(&path, "status", args_get(a, "status")) != 0 ||
	     cmd_query_add(&path, "rag", args_get(a, "rag")) != 0 ||
	     cmd_query_add(&path, "focus_area", area_id) != 0 ||
	     cmd_query_add(&path, "responsible", args_get(a, "responsible")) != 0 ||
	     cmd_query_add(&path, "overdue", args_has(a, "overdue") ? "true" : NULL) != 0))
		rc = cmd_oom(app);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, iv_cols, CMD_COUNT(iv_cols));
	free(area_id);
	strbuf_cleanup(&path);
	return rc;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct request_opts ro;
	struct strbuf path;
	json_t *iv = NULL;
	int rc;

	request_opts_init(&ro);
	strbuf_init(&path, 4096);
	rc = iv_path(app, &path, "/v1/interventions/{}", a->pos[0]);
	if (rc == 0)
		rc = request_call_opts(app, "GET", path.data, NULL, &ro, &iv);
	if (rc == 0)
		rc = output_object(&app->out, iv, NULL, iv_fields, CMD_COUNT(iv_fields));
	request_note_etag(app, &ro);
	json_decref(iv);
	strbuf_cleanup(&path);
	request_opts_cleanup(&ro);
	return rc;
}

static int run_add(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *body = NULL, *iv = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = interventions_body(app, IV_BODY_ADD, a, &body);
	if (rc == 0)
		rc = resolve_body_area(app, a->pos[0], body);
	if (rc == 0)
		rc = iv_path(app, &path, "/v1/action-plans/{}/interventions", a->pos[0]);
	if (rc == 0)
		rc = request_call(app, "POST", path.data, body, &iv);
	if (rc == 0)
		rc = output_object(&app->out, iv, NULL, iv_fields, CMD_COUNT(iv_fields));
	json_decref(body);
	json_decref(iv);
	strbuf_cleanup(&path);
	return rc;
}

static int run_edit(struct app *app, const struct cmd_args *a)
{
	const char *area = args_get(a, "focus-area");
	struct request_opts ro;
	struct strbuf path, etag;
	json_t *body = NULL, *iv = NULL;
	char *plan_id = NULL;
	long ordinal;
	int rc;

	request_opts_init(&ro);
	strbuf_init(&path, 4096);
	strbuf_init(&etag, 4096);
	rc = interventions_body(app, IV_BODY_EDIT, a, &body);
	if (rc == 0)
		rc = cmd_if_match(app, a, &etag);
	if (rc == 0 && area && cmd_parse_long(area, 1, 1000000, &ordinal) == 0)
		rc = cmd_get_member(app, "/v1/interventions/{}", a->pos[0], "action_plan",
				    &plan_id);
	if (rc == 0 && plan_id)
		rc = resolve_body_area(app, plan_id, body);
	if (rc != 0)
		goto out;
	ro.if_match = etag.len ? etag.data : NULL;
	rc = iv_path(app, &path, "/v1/interventions/{}", a->pos[0]);
	if (rc == 0)
		rc = request_call_opts(app, "PATCH", path.data, body, &ro, &iv);
	if (rc == 0)
		rc = output_object(&app->out, iv, NULL, iv_fields, CMD_COUNT(iv_fields));
	if (rc == 0)
		request_note_etag(app, &ro);
out:
	json_decref(body);
	json_decref(iv);
	free(plan_id);
	strbuf_cleanup(&path);
	strbuf_cleanup(&etag);
	request_opts_cleanup(&ro);
	return rc;
}

static int run_update(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *body = NULL, *res = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = interventions_body(app, IV_BODY_UPDATE, a, &body);
	if (rc == 0)
		rc = iv_path(app, &path, "/v1/interventions/{}/updates", a->pos[0]);
	if (rc == 0)
		rc = request_call(app, "POST", path.data, body, &res);
	if (rc == 0)
		rc = output_object(&app->out, res, NULL, update_fields, CMD_COUNT(update_fields));
	json_decref(body);
	json_decref(res);
	strbuf_cleanup(&path);
	return rc;
}

static int run_log(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = iv_path(app, &path, "/v1/interventions/{}/updates", a->pos[0]);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, log_cols, CMD_COUNT(log_cols));
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def list_opts[] = {
	{ "status", 0, OPT_VALUE, "STATUS", STATUSES, "only this status" },
	{ "rag", 0, OPT_VALUE, "RAG", RAGS, "only this RAG colour" },
	{ "focus-area", 0, OPT_VALUE, "ID|N", NULL,
	  "only this focus area (its id, or its ordinal: 1, 2, …)" },
	{ "responsible", 0, OPT_VALUE, "ORG", NULL,
	  "only those this organisation (slug) is responsible for" },
	{ "overdue", 0, 0, NULL, NULL, "only those past their due date" },
};

/* The columns of Brå's template; required by add (REQ), not by edit. */
/* clang-format off */
#define ROW_OPTS(REQ)                                                       \
	{ "focus-area", 0, OPT_VALUE | (REQ), "ID|N", NULL,                 \
	  "the focus area (its id, or its ordinal: 1, 2, …)" },             \
	{ "title", 0, OPT_VALUE | (REQ), "TITLE", NULL, "short title" },    \
	{ "cause", 0, OPT_VALUE | (REQ), "TEXT", NULL,                      \
	  "the cause (orsak) it addresses" },                               \
	{ "action", 0, OPT_VALUE | (REQ), "TEXT", NULL,                     \
	  "what is done (åtgärd)" },                                        \
	{ "goal", 0, OPT_VALUE | (REQ), "TEXT", NULL,                       \
	  "its operational goal (operativt mål)" },                         \
	{ "responsible", 0, OPT_VALUE | (REQ), "ORG", NULL,                 \
	  "the responsible organisation (slug)" },                          \
	{ "role", 0, OPT_VALUE | (REQ), "ROLE", NULL,                       \
	  "who in it (vem), e.g. kommunpolis" },                            \
	{ "starts", 0, OPT_VALUE | (REQ), "YYYY-MM-DD", NULL,               \
	  "first day" },                                                    \
	{ "due", 0, OPT_VALUE | (REQ), "YYYY-MM-DD", NULL,                  \
	  "due date (när), not before --starts" },                          \
	{ "recurring", 0, 0, NULL, NULL,                                    \
	  "part of ordinary work rather than a one-off effort" },           \
	{ "status", 0, OPT_VALUE, "STATUS", STATUSES, "its status" },       \
	{ "rag", 0, OPT_VALUE, "RAG", RAGS, "RAG colour" },                 \
	{ "progress", 0, OPT_VALUE, "PERCENT", NULL, "progress, 0 to 100" },\
	{ "hours", 0, OPT_VALUE, "HOURS", NULL, "hours spent so far" }
/* clang-format on */

static const struct opt_def add_opts[] = {
	ROW_OPTS(OPT_REQUIRED),
};

static const struct opt_def edit_opts[] = {
	ROW_OPTS(0),
	{ "one-off", 0, 0, NULL, NULL, "a one-off effort, not recurring" },
	{ "if-match", 0, OPT_VALUE, "ETAG", NULL,
	  "change only if the intervention is still as when its ETag was "
	  "read ('interventions show --verbose' prints it); else exit 5" },
};

static const struct opt_def update_opts[] = {
	{ "note", 0, OPT_VALUE | OPT_REQUIRED, "TEXT", NULL, "what happened (no personal data)" },
	{ "status", 0, OPT_VALUE, "STATUS", STATUSES, "the new status" },
	{ "rag", 0, OPT_VALUE, "RAG", RAGS, "the new RAG colour" },
	{ "progress", 0, OPT_VALUE, "PERCENT", NULL, "the new progress, 0 to 100" },
	{ "hours", 0, OPT_VALUE, "HOURS", NULL,
	  "hours spent since the last update (added to the total)" },
	{ "communicated", 0, 0, NULL, NULL, "the work was communicated to the public" },
	{ "channel", 0, OPT_VALUE, "CHANNEL", NULL,
	  "where it was communicated, e.g. webb, lokaltidning" },
};

#define EX_PLAN "0b6e4c1a-2f3d-4e5a-8b9c-7d6e5f4a3b21"
#define EX_IV "5d2f9a7e-8c1b-4f3a-9e6d-1a2b3c4d5e6f"

static const struct cmd_verb iv_verbs[] = {
	{ "list", run_list, list_opts, CMD_COUNT(list_opts), 1, 1,
	  "interventions list <plan-id> [--status S] [--rag R] "
	  "[--focus-area ID] [--responsible ORG] [--overdue]",
	  "Lists the interventions of an action plan.",
	  "interventions list " EX_PLAN " --rag red --overdue" },
	{ "show", run_show, NULL, 0, 1, 1, "interventions show <id>",
	  "Shows one intervention (with --verbose also its ETag).", "interventions show " EX_IV },
	{ "add", run_add, add_opts, CMD_COUNT(add_opts), 1, 1,
	  "interventions add <plan-id> --focus-area ID --title T --cause C "
	  "--action A --goal G --responsible ORG --role R --starts DATE --due "
	  "DATE [--recurring] [--status S] [--rag R] [--progress N] "
	  "[--hours H]",
	  "Adds an intervention to a draft action plan (beredningsgrupp and "
	  "up).",
	  "interventions add " EX_PLAN " --focus-area 2 --title "
	  "\"Trygghetsvandring\" --cause \"Otrygghet vid stationen\" --action "
	  "\"Kvällsvandringar med föreningar\" --goal \"Två vandringar i "
	  "månaden\" --responsible sollentuna --role trygghetssamordnare "
	  "--starts 2025-03-01 --due 2025-12-31 --recurring" },
	{ "edit", run_edit, edit_opts, CMD_COUNT(edit_opts), 1, 1,
	  "interventions edit <id> [the options of add] [--one-off] "
	  "[--if-match ETAG]",
	  "Changes an intervention of a draft plan; only the options given "
	  "are changed. With --verbose the new ETag is printed.",
	  "interventions edit " EX_IV " --due 2026-03-31 --if-match "
	  "4e07408562bedb8bd1c3a5e7f9021436" },
	{ "update", run_update, update_opts, CMD_COUNT(update_opts), 1, 1,
	  "interventions update <id> --note TEXT [--status S] [--rag R] "
	  "[--progress N] [--hours H] [--communicated] [--channel C]",
	  "Records follow-up of an intervention: a note and its new status, "
	  "RAG, progress and hours (members of the responsible organisation, "
	  "and beredningsgrupp and up).",
	  "interventions update " EX_IV " --rag yellow --progress 40 --hours "
	  "6 --note \"Två av fyra vandringar gjorda\" --communicated "
	  "--channel webb" },
	{ "log", run_log, NULL, 0, 1, 1, "interventions log <id>",
	  "Lists the follow-up notes of an intervention.", "interventions log " EX_IV },
};

const struct cmd_noun cmd_interventions = { "interventions",
					    "The interventions (insatser) "
					    "of the action plans.",
					    iv_verbs, CMD_COUNT(iv_verbs) };
