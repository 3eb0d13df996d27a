/*
 * `agreements` and `focus-areas` (SPEC §2): the collaboration agreement —
 * its parties, validity, status and extensions — and the focus areas its
 * action plans are grouped by. Also the two rules for commands that take
 * an optional --agreement: with exactly one agreement on the server, that
 * is the one meant; for the reports of the running agreement (compliance,
 * the yearly follow-up), the one agreement whose status is active.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "swetime.h"

static const struct out_col agreement_cols[] = {
	{ "ID", "id", 0 },
	{ "TITLE", "title", OUT_COL_TRUNC },
	{ "VALID FROM", "valid_from", 0 },
	{ "VALID TO", "valid_to", 0 },
	{ "STATUS", "status", 0 },
	{ "DAYS LEFT", "days_remaining", OUT_COL_RIGHT },
};

static const struct out_col agreement_fields[] = {
	{ "ID", "id", 0 },
	{ "TITLE", "title", 0 },
	{ "GOAL", "goal", 0 },
	{ "PARTIES", "parties", 0 },
	{ "VALID FROM", "valid_from", 0 },
	{ "VALID TO", "valid_to", 0 },
	{ "STATUS", "status", 0 },
	{ "DAYS REMAINING", "days_remaining", 0 },
	{ "EXTENSIONS", "extensions", 0 },
	{ "CREATED AT", "created_at", 0 },
};

static const struct out_col focus_cols[] = {
	{ "ORDINAL", "ordinal", OUT_COL_RIGHT },
	{ "TITLE", "title", OUT_COL_TRUNC },
	{ "GOAL", "goal", OUT_COL_TRUNC },
	{ "ID", "id", 0 },
};

static const struct out_col focus_fields[] = {
	{ "ID", "id", 0 },       { "AGREEMENT", "agreement", 0 }, { "ORDINAL", "ordinal", 0 },
	{ "TITLE", "title", 0 }, { "GOAL", "goal", 0 },           { "CREATED AT", "created_at", 0 },
};

int cmd_agreement_id(struct app *app, const char *given, char **id)
{
	json_t *items = NULL;
	const json_t *only;
	const char *s;
	int rc;

	*id = NULL;
	if (given) {
		*id = strdup(given);
		return *id ? 0 : cmd_oom(app);
	}
	rc = request_list(app, "/v1/agreements", &items);
	if (rc != 0)
		return rc;
	switch (json_array_size(items)) {
	case 0:
		output_error(&app->out, "there is no agreement on the server "
					"yet");
		rc = CLI_NOT_FOUND;
		goto out;
	case 1:
		break;
	default:
		rc = cmd_usage_error(app,
				     "there are %zu agreements: pass "
				     "--agreement ID (see 'samverkan "
				     "agreements list')",
				     json_array_size(items));
		goto out;
	}
	only = json_array_get(items, 0);
	s = json_string_value(json_object_get(only, "id"));
	if (!s) {
		output_error(&app->out, "the server sent an agreement without "
					"an id");
		rc = CLI_ERROR;
		goto out;
	}
	*id = strdup(s);
	if (!*id) {
		rc = cmd_oom(app);
		goto out;
	}
	s = json_string_value(json_object_get(only, "title"));
	output_note(&app->out, "Using the only agreement, %s%s%s%s.", *id, s ? " (" : "",
		    s ? s : "", s ? ")" : "");
out:
	json_decref(items);
	return rc;
}

int cmd_active_agreement_id(struct app *app, const char *given, char **id)
{
	json_t *items = NULL;
	const json_t *ag, *found = NULL;
	size_t i, n = 0;
	int rc;

	*id = NULL;
	if (given) {
		*id = strdup(given);
		return *id ? 0 : cmd_oom(app);
	}
	rc = request_list(app, "/v1/agreements", &items);
	if (rc != 0)
		return rc;
	json_array_foreach (items, i, ag) {
		const json_t *st = json_object_get(ag, "status");

		if (json_is_string(st) && strcmp(json_string_value(st), "active") == 0) {
			found = ag;
			n++;
		}
	}
	if (n != 1) {
		rc = cmd_usage_error(app,
				     "%s active agreement: pass --agreement "
				     "ID (see 'samverkan agreements list')",
				     n == 0 ? "there is no"
					    : "there is more "
					      "than one");
	} else if (!json_is_string(json_object_get(found, "id"))) {
		output_error(&app->out, "the server sent an agreement without "
					"an id");
		rc = CLI_ERROR;
	} else {
		*id = strdup(json_string_value(json_object_get(found, "id")));
		rc = *id ? 0 : cmd_oom(app);
	}
	json_decref(items);
	return rc;
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	int rc;

	(void)a;
	rc = cmd_print_list(app, "/v1/agreements", agreement_cols, CMD_COUNT(agreement_cols));
	return rc;
}

/* "+2 years, from 2026-12-31 to 2028-12-31 (applied 2026-05-04)": from
 * is the end date before the extension, to the one after. */
static json_t *extension_text(const json_t *e)
{
	const char *from = json_string_value(json_object_get(e, "from"));
	const char *to = json_string_value(json_object_get(e, "to"));
	char local[SWETIME_LEN];
	const char *at = swetime_text(json_string_value(json_object_get(e, "applied_at")), local,
				      sizeof local);
	json_int_t years = json_integer_value(json_object_get(e, "years"));
	struct strbuf sb;
	json_t *s = NULL;

	strbuf_init(&sb, 4096);
	if (strbuf_printf(&sb, "+%" JSON_INTEGER_FORMAT " year%s, from %s to %s", years,
			  years == 1 ? "" : "s", from ? from : "?", to ? to : "?") == 0 &&
	    (!at || strbuf_printf(&sb, " (applied %.10s)", at) == 0))
		s = json_string(sb.data);
	strbuf_cleanup(&sb);
	return s;
}

/* A copy of the agreement with its extensions as readable lines. */
static json_t *agreement_display(const json_t *ag)
{
	json_t *d = json_deep_copy(ag), *lines = json_array();
	const json_t *ext = json_object_get(ag, "extensions");
	const json_t *e;
	size_t i;

	if (!d || !lines)
		goto fail;
	json_array_foreach (ext, i, e)
		if (json_array_append_new(lines, extension_text(e)) != 0)
			goto fail;
	if (json_object_set_new(d, "extensions", lines) != 0) {
		lines = NULL;
		goto fail;
	}
	return d;
fail:
	json_decref(lines);
	json_decref(d);
	return NULL;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct request_opts ro;
	struct strbuf path;
	json_t *ag = NULL, *display = NULL;
	int rc;

	request_opts_init(&ro);
	strbuf_init(&path, 4096);
	if (request_path(&path, "/v1/agreements/{}", a->pos[0], NULL) != 0) {
		rc = cmd_oom(app);
		goto out;
	}
	rc = request_call_opts(app, "GET", path.data, NULL, &ro, &ag);
	if (rc != 0)
		goto out;
	display = json_is_object(ag) ? agreement_display(ag) : NULL;
	if (json_is_object(ag) && !display) {
		rc = cmd_oom(app);
		goto out;
	}
	rc = output_object(&app->out, ag, display, agreement_fields, CMD_COUNT(agreement_fields));
	request_note_etag(app, &ro);
out:
	json_decref(ag);
	json_decref(display);
	strbuf_cleanup(&path);
	request_opts_cleanup(&ro);
	return rc;
}

static int focus_path(struct app *app, const char *given, struct strbuf *sb)
{
	char *id = NULL;
	int rc = cmd_agreement_id(app, given, &id);

	if (rc != 0)
		return rc;
	if (request_path(sb, "/v1/agreements/{}/focus-areas", id, NULL) != 0)
		rc = cmd_oom(app);
	free(id);
	return rc;
}

static int run_focus_list(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = focus_path(app, args_get(a, "agreement"), &path);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, focus_cols, CMD_COUNT(focus_cols));
	strbuf_cleanup(&path);
	return rc;
}

static const struct cmd_field focus_body[] = {
	{ "ordinal", "ordinal", CMD_FIELD_INT },
	{ "title", "title", CMD_FIELD_STRING },
	{ "goal", "goal", CMD_FIELD_STRING },
};

static int run_focus_add(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *body = json_object(), *fa = NULL;
	int rc;

	strbuf_init(&path, 4096);
	/* Check the arguments before asking the server anything. */
	rc = body ? cmd_fields_to_json(app, a, focus_body, CMD_COUNT(focus_body), body, NULL)
		  : cmd_oom(app);
	if (rc == 0)
		rc = focus_path(app, args_get(a, "agreement"), &path);
	if (rc == 0)
		rc = request_call(app, "POST", path.data, body, &fa);
	if (rc == 0)
		rc = output_object(&app->out, fa, NULL, focus_fields, CMD_COUNT(focus_fields));
	json_decref(body);
	json_decref(fa);
	strbuf_cleanup(&path);
	return rc;
}

#define AGREEMENT_OPT                                                    \
	{                                                                \
		"agreement", 0, OPT_VALUE, "ID", NULL,                   \
		    "the agreement (id); may be left out when there is " \
		    "only one"                                           \
	}

static const struct opt_def focus_list_opts[] = {
	AGREEMENT_OPT,
};

static const struct opt_def focus_add_opts[] = {
	AGREEMENT_OPT,
	{ "ordinal", 0, OPT_VALUE | OPT_REQUIRED, "N", NULL,
	  "its number in the agreement (1, 2, …); orders the board" },
	{ "title", 0, OPT_VALUE | OPT_REQUIRED, "TITLE", NULL, "short title" },
	{ "goal", 0, OPT_VALUE | OPT_REQUIRED, "GOAL", NULL, "what the focus area is to achieve" },
};

static const struct cmd_verb agreements_verbs[] = {
	{ "list", run_list, NULL, 0, 0, 0, "agreements list", "Lists the collaboration agreements.",
	  "agreements list" },
	{ "show", run_show, NULL, 0, 1, 1, "agreements show <id>",
	  "Shows one agreement: title, goal, parties, validity, status, days "
	  "remaining and extensions.",
	  "agreements show 6f1c2a4e-0b7d-4c1e-9a55-2f0e8d3b7c11" },
};

static const struct cmd_verb focus_verbs[] = {
	{ "list", run_focus_list, focus_list_opts, CMD_COUNT(focus_list_opts), 0, 0,
	  "focus-areas list [--agreement ID]", "Lists the focus areas of an agreement.",
	  "focus-areas list\n"
	  "focus-areas list --agreement 6f1c2a4e-0b7d-4c1e-9a55-2f0e8d3b7c11" },
	{ "add", run_focus_add, focus_add_opts, CMD_COUNT(focus_add_opts), 0, 0,
	  "focus-areas add [--agreement ID] --ordinal N --title TITLE --goal "
	  "GOAL",
	  "Adds a focus area to an agreement (beredningsgrupp and up).",
	  "focus-areas add --ordinal 5 --title \"Trygg skolväg\" --goal "
	  "\"Färre incidenter kring skolorna\"" },
};

const struct cmd_noun cmd_agreements = { "agreements", "The collaboration agreement.",
					 agreements_verbs, CMD_COUNT(agreements_verbs) };

const struct cmd_noun cmd_focus_areas = { "focus-areas", "The focus areas of an agreement.",
					  focus_verbs, CMD_COUNT(focus_verbs) };
