/*
 * `plans`: the action plans (handlingsplaner), one per agreement and
 * municipality (SPEC §2) — list, show (on a terminal as a board of the
 * interventions by focus area, see board.h; --version N an adopted version),
 * versions (the adopted ones), create, edit (If-Match with
 * --if-match; --new-version starts the next draft of an adopted plan) and
 * export (the plan in the columns of Brå's template, the server's CSV
 * written as it arrives).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "cmd.h"
#include "http.h"
#include "request.h"

static const struct out_col plan_cols[] = {
	{ "ID", "id", 0 },
	{ "MUNICIPALITY", "municipality", 0 },
	{ "TITLE", "title", OUT_COL_TRUNC },
	{ "STATUS", "status", 0 },
	{ "VERSION", "version", OUT_COL_RIGHT },
	{ "IN FORCE", "version_in_force", OUT_COL_RIGHT },
	{ "ADOPTED AT", "adopted_at", 0 },
};

static const struct out_col plan_fields[] = {
	{ "ID", "id", 0 },
	{ "TITLE", "title", 0 },
	{ "AGREEMENT", "agreement", 0 },
	{ "MUNICIPALITY", "municipality", 0 },
	{ "STATUS", "status", 0 },
	{ "VERSION", "version", 0 },
	{ "VERSION IN FORCE", "version_in_force", 0 },
	{ "ADOPTED AT", "adopted_at", 0 },
	{ "CREATED AT", "created_at", 0 },
	{ "UPDATED AT", "updated_at", 0 },
};

/* `plans show --output csv`: the interventions, one row each. */
static const struct out_col board_csv_cols[] = {
	{ "ID", "id", 0 },
	{ "FOCUS AREA", "focus_area", 0 },
	{ "TITLE", "title", 0 },
	{ "RAG", "rag", 0 },
	{ "STATUS", "status", 0 },
	{ "PROGRESS", "progress_percent", 0 },
	{ "DUE", "due_on", 0 },
	{ "OVERDUE", "overdue", 0 },
	{ "RESPONSIBLE", "responsible_organisation", 0 },
};

static const struct out_col version_cols[] = {
	{ "VERSION", "version", OUT_COL_RIGHT },
	{ "TITLE", "title", OUT_COL_TRUNC },
	{ "ADOPTED AT", "adopted_at", 0 },
	{ "INTERVENTIONS", "interventions", OUT_COL_RIGHT },
	{ "IN FORCE", "in_force", 0 },
};

static int plan_path(struct app *app, struct strbuf *sb, const char *tmpl, const char *id)
{
	return request_path(sb, tmpl, id, NULL) == 0 ? 0 : cmd_oom(app);
}

/* The path of the plan, or of its adopted version --version N. */
static int version_path(struct app *app, const struct cmd_args *a, struct strbuf *sb)
{
	const char *n = args_get(a, "version");

	if (n && (!n[0] || strlen(n) > 9 || strspn(n, "0123456789") != strlen(n)))
		return cmd_usage_error(app, "--version wants a version number, not '%s'", n);
	if (!n)
		return plan_path(app, sb, "/v1/action-plans/{}", a->pos[0]);
	return request_path(sb, "/v1/action-plans/{}/versions/{}", a->pos[0], n, NULL) == 0
		   ? 0
		   : cmd_oom(app);
}

static int run_versions(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = plan_path(app, &path, "/v1/action-plans/{}/versions", a->pos[0]);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, version_cols, CMD_COUNT(version_cols));
	strbuf_cleanup(&path);
	return rc;
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = 0;
	if (strbuf_puts(&path, "/v1/action-plans") != 0 ||
	    cmd_query_add(&path, "agreement", args_get(a, "agreement")) != 0 ||
	    cmd_query_add(&path, "municipality", args_get(a, "municipality")) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, plan_cols, CMD_COUNT(plan_cols));
	strbuf_cleanup(&path);
	return rc;
}

/* The board: the plan's focus areas come from its agreement. */
static int show_board(struct app *app, const json_t *plan, const json_t *interventions)
{
	const char *agreement = json_string_value(json_object_get(plan, "agreement"));
	struct strbuf path;
	json_t *areas = NULL;
	int rc = 0, colour;

	strbuf_init(&path, 4096);
	if (agreement) {
		rc = plan_path(app, &path, "/v1/agreements/{}/focus-areas", agreement);
		if (rc == 0)
			rc = request_list(app, path.data, &areas);
	}
	colour = board_colour_wanted(isatty(fileno(app->out.out)), getenv("NO_COLOR"));
	if (rc == 0 && board_print(app->out.out, plan, areas, interventions, colour) != 0) {
		output_error(&app->out, "cannot write the output");
		rc = CLI_ERROR;
	}
	json_decref(areas);
	strbuf_cleanup(&path);
	return rc;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct request_opts ro;
	struct strbuf path;
	json_t *plan = NULL, *items = NULL, *both = NULL;
	int rc;

	request_opts_init(&ro);
	strbuf_init(&path, 4096);
	rc = version_path(app, a, &path);
	if (rc == 0)
		rc = request_call_opts(app, "GET", path.data, NULL, &ro, &plan);
	if (rc != 0)
		goto out;
	if (!json_is_object(plan)) {
		output_error(&app->out, "the server sent a plan that is not "
					"an object");
		rc = CLI_ERROR;
		goto out;
	}
	if (args_has(a, "version")) {
		/* An adopted version: the plan and its interventions as adopted. */
		json_t *was = plan;

		plan = json_incref(json_object_get(was, "plan"));
		items = json_incref(json_object_get(was, "interventions"));
		json_decref(was);
		if (!json_is_object(plan) || !json_is_array(items)) {
			output_error(&app->out, "the server sent a version that is not a plan");
			rc = CLI_ERROR;
			goto out;
		}
	} else {
		path.len = 0;
		rc = plan_path(app, &path, "/v1/action-plans/{}/interventions", a->pos[0]);
		if (rc == 0)
			rc = request_list(app, path.data, &items);
		if (rc != 0)
			goto out;
	}
	switch (app->out.format) {
	case OUT_JSON:
		both = json_pack("{s:O, s:O}", "plan", plan, "interventions", items);
		if (!both) {
			rc = cmd_oom(app);
		} else if (output_json(app->out.out, both) != 0) {
			output_error(&app->out, "cannot write the output");
			rc = CLI_ERROR;
		}
		break;
	case OUT_CSV:
		rc = output_list(&app->out, items, board_csv_cols, CMD_COUNT(board_csv_cols));
		break;
	default:
		rc = show_board(app, plan, items);
		break;
	}
	request_note_etag(app, &ro);
out:
	json_decref(plan);
	json_decref(items);
	json_decref(both);
	strbuf_cleanup(&path);
	request_opts_cleanup(&ro);
	return rc;
}

static int run_create(struct app *app, const struct cmd_args *a)
{
	json_t *body = NULL, *plan = NULL;
	char *agreement = NULL;
	int rc;

	rc = cmd_agreement_id(app, args_get(a, "agreement"), &agreement);
	if (rc != 0)
		return rc;
	body = json_pack("{s:s, s:s, s:s}", "agreement", agreement, "municipality",
			 args_get(a, "municipality"), "title", args_get(a, "title"));
	if (!body) {
		output_error(&app->out, "an argument is not valid UTF-8");
		rc = CLI_USAGE;
		goto out;
	}
	rc = request_call(app, "POST", "/v1/action-plans", body, &plan);
	if (rc == 0)
		rc = output_object(&app->out, plan, NULL, plan_fields, CMD_COUNT(plan_fields));
out:
	json_decref(body);
	json_decref(plan);
	free(agreement);
	return rc;
}

/*
 * A refused edit (409) of a plan that turns out to be adopted is said in
 * the terms of this command, not the API's ({"status": "draft"}); any
 * other refusal as the server put it. path: the plan, to look at after a
 * 409 (NULL: do not). Returns the exit code.
 */
static int edit_refused(struct app *app, const char *id, const char *path,
			const struct http_response *resp)
{
	const char *env = getenv("SAMVERKAN_TOKEN"), *hint = NULL;
	json_t *plan = NULL;
	int adopted = 0;

	if (resp->status == 401)
		hint = env && env[0] ? "check SAMVERKAN_TOKEN" : "run 'samverkan login'";
	if (path && resp->status == 409 && !app->out.json_errors &&
	    request_call(app, "GET", path, NULL, &plan) == 0) {
		const char *status = json_string_value(json_object_get(plan, "status"));

		adopted = status && strcmp(status, "adopted") == 0;
		json_decref(plan);
	}
	if (!adopted)
		return output_problem(&app->out, resp->status, resp->json, resp->retry_after,
				      resp->request_id, hint);
	output_error(&app->out,
		     "the plan is adopted; start a new version with "
		     "`samverkan plans edit %s --new-version`",
		     id);
	return CLI_CONFLICT;
}

static const struct cmd_field edit_fields[] = {
	{ "title", "title", CMD_FIELD_STRING },
};

static int run_edit(struct app *app, const struct cmd_args *a)
{
	struct request_opts ro;
	struct strbuf path, etag;
	struct http_response resp;
	json_t *body = json_object(), *plan = NULL;
	int rc, given = 0, answered = 0;

	request_opts_init(&ro);
	strbuf_init(&path, 4096);
	strbuf_init(&etag, 4096);
	rc = body ? cmd_fields_to_json(app, a, edit_fields, CMD_COUNT(edit_fields), body, &given)
		  : cmd_oom(app);
	if (rc == 0 && args_has(a, "new-version")) {
		/* Starts the next version of an adopted plan (API.md). */
		if (json_object_set_new(body, "status", json_string("draft")) != 0)
			rc = cmd_oom(app);
		given++;
	}
	if (rc == 0 && given == 0)
		rc = cmd_usage_error(app, "nothing to change: give --title "
					  "or --new-version");
	if (rc == 0)
		rc = cmd_if_match(app, a, &etag);
	if (rc != 0)
		goto out;
	ro.if_match = etag.len ? etag.data : NULL;
	rc = plan_path(app, &path, "/v1/action-plans/{}", a->pos[0]);
	if (rc == 0)
		rc = request_send_opts(app, "PATCH", path.data, body, &ro, &resp);
	if (rc != 0)
		goto out;
	answered = 1;
	if (resp.status < 200 || resp.status >= 300)
		rc = args_has(a, "new-version") ? edit_refused(app, a->pos[0], NULL, &resp)
						: edit_refused(app, a->pos[0], path.data, &resp);
	else
		plan = json_incref(resp.json);
	if (rc == 0)
		rc = output_object(&app->out, plan, NULL, plan_fields, CMD_COUNT(plan_fields));
	if (rc == 0)
		request_note_etag(app, &ro);
out:
	if (answered)
		http_response_cleanup(&resp);
	json_decref(body);
	json_decref(plan);
	strbuf_cleanup(&path);
	strbuf_cleanup(&etag);
	request_opts_cleanup(&ro);
	return rc;
}

static int run_export(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = args_has(a, "file") ? cmd_output_file(app, "file", args_get(a, "file")) : 0;
	if (rc == 0)
		rc = version_path(app, a, &path);
	if (rc == 0)
		rc = cmd_download(app, path.data, "text/csv", args_get(a, "file"), 0666,
				  "the plan");
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def list_opts[] = {
	{ "agreement", 0, OPT_VALUE, "ID", NULL, "only plans of this agreement" },
	{ "municipality", 0, OPT_VALUE, "SLUG", NULL, "only the plan of this municipality" },
};

static const struct opt_def create_opts[] = {
	{ "municipality", 0, OPT_VALUE | OPT_REQUIRED, "SLUG", NULL,
	  "the municipality (organisation slug) the plan is for" },
	{ "title", 0, OPT_VALUE | OPT_REQUIRED, "TITLE", NULL, "its title" },
	{ "agreement", 0, OPT_VALUE, "ID", NULL,
	  "the agreement (id); may be left out when there is only one" },
};

static const struct opt_def edit_opts[] = {
	{ "title", 0, OPT_VALUE, "TITLE", NULL, "a new title" },
	{ "new-version", 0, 0, NULL, NULL,
	  "start the next version of an adopted plan (it becomes a draft "
	  "again; the adopted one is kept as a snapshot)" },
	{ "if-match", 0, OPT_VALUE, "ETAG", NULL,
	  "change only if the plan is still as when its ETag was read "
	  "('plans show --verbose' prints it); else exit 5" },
};

static const struct opt_def show_opts[] = {
	{ "version", 0, OPT_VALUE, "N", NULL, "an adopted version, as it was adopted" },
};

static const struct opt_def export_opts[] = {
	{ "version", 0, OPT_VALUE, "N", NULL, "an adopted version, as it was adopted" },
	{ "file", 'o', OPT_VALUE, "FILE", NULL,
	  "write to FILE (replaced only once the export is complete) instead "
	  "of standard output; after 'export', -o names the file, not the "
	  "--output format" },
};

static const struct cmd_verb plans_verbs[] = {
	{ "list", run_list, list_opts, CMD_COUNT(list_opts), 0, 0,
	  "plans list [--agreement ID] [--municipality SLUG]", "Lists the action plans.",
	  "plans list --municipality sigtuna" },
	{ "show", run_show, show_opts, CMD_COUNT(show_opts), 1, 1, "plans show <id> [--version N]",
	  "Shows a plan: on a terminal as a board of its interventions by "
	  "focus area with their RAG status (coloured unless NO_COLOR is "
	  "set); with --output json as {\"plan\", \"interventions\"}; with "
	  "--output csv the interventions. With --version N, the adopted version N as it "
	  "was adopted ('plans versions' lists them).",
	  "plans show 0b6e4c1a-2f3d-4e5a-8b9c-7d6e5f4a3b21\n"
	  "--output json plans show 0b6e4c1a-2f3d-4e5a-8b9c-7d6e5f4a3b21" },
	{ "versions", run_versions, NULL, 0, 1, 1, "plans versions <id>",
	  "Lists the adopted versions of a plan; the one in force holds while a newer "
	  "version is a draft.",
	  "plans versions 0b6e4c1a-2f3d-4e5a-8b9c-7d6e5f4a3b21" },
	{ "create", run_create, create_opts, CMD_COUNT(create_opts), 0, 0,
	  "plans create --municipality SLUG --title TITLE [--agreement ID]",
	  "Creates the action plan of a municipality (beredningsgrupp and "
	  "up; one per agreement and municipality).",
	  "plans create --municipality sigtuna --title \"Handlingsplan "
	  "Sigtuna 2025\"" },
	{ "edit", run_edit, edit_opts, CMD_COUNT(edit_opts), 1, 1,
	  "plans edit <id> [--title TITLE] [--new-version] [--if-match ETAG]",
	  "Changes a draft plan's title, or starts the next version of an "
	  "adopted plan. With --verbose the new ETag is printed.",
	  "plans edit 0b6e4c1a-2f3d-4e5a-8b9c-7d6e5f4a3b21 --title "
	  "\"Handlingsplan Sigtuna 2025–2026\" --if-match "
	  "9f86d081884c7d65a1b2c3d4e5f60718" },
	{ "export", run_export, export_opts, CMD_COUNT(export_opts), 1, 1,
	  "plans export <id> [--version N] [-o FILE]",
	  "Exports a plan in the columns of Brå's action-plan template as CSV "
	  "(';', UTF-8 BOM) for a spreadsheet.",
	  "plans export 0b6e4c1a-2f3d-4e5a-8b9c-7d6e5f4a3b21 -o "
	  "handlingsplan.csv" },
};

const struct cmd_noun cmd_plans = { "plans", "Action plans of the municipalities.", plans_verbs,
				    CMD_COUNT(plans_verbs) };
