/*
 * `compliance`: what the agreement asks for that is not being done (SPEC
 * §5) — an expiry without extension, meetings not held, interventions
 * without follow-up, a missing yearly follow-up. It is a report, so it
 * exits 0 whether or not there are findings.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"

static const struct out_col finding_cols[] = {
	{ "SEVERITY", "severity", 0 },
	{ "CODE", "code", 0 },
	{ "MESSAGE", "message", OUT_COL_WRAP },
	{ "ENTITY", "entity", 0 },
};

static const struct out_col finding_csv[] = {
	{ "severity", "severity", 0 }, { "code", "code", 0 },           { "message", "message", 0 },
	{ "entity", "entity", 0 },     { "entity_id", "entity_id", 0 },
};

/* A copy of the findings with entity and entity_id as one cell. */
static json_t *findings_display(const json_t *findings)
{
	json_t *d = json_deep_copy(findings), *f;
	size_t i;

	json_array_foreach (d, i, f) {
		const json_t *entity = json_object_get(f, "entity");
		const json_t *eid = json_object_get(f, "entity_id");
		struct strbuf sb;
		json_t *cell = NULL;

		if (!json_is_string(entity))
			continue;
		strbuf_init(&sb, 4096);
		if (strbuf_puts(&sb, json_string_value(entity)) == 0 &&
		    (json_is_null(eid) || !eid ||
		     (strbuf_puts(&sb, " ") == 0 && output_cell(&sb, eid, OUT_CSV) == 0)))
			cell = json_string(sb.data);
		strbuf_cleanup(&sb);
		if (!cell || json_object_set_new(f, "entity", cell) != 0) {
			json_decref(d);
			return NULL;
		}
	}
	return d;
}

static int print_findings(struct app *app, const json_t *report)
{
	const json_t *findings = json_object_get(report, "findings");
	json_t *shown;
	int rc;

	if (app->out.format == OUT_JSON) {
		if (output_json(app->out.out, report) == 0)
			return 0;
		output_error(&app->out, "cannot write the output");
		return CLI_ERROR;
	}
	if (app->out.format == OUT_CSV)
		return output_list(&app->out, findings, finding_csv, CMD_COUNT(finding_csv));
	if (json_is_array(findings) && json_array_size(findings) == 0) {
		fputs("no findings\n", app->out.out);
		return 0;
	}
	shown = findings_display(findings);
	if (!shown)
		return cmd_oom(app);
	rc = output_list(&app->out, shown, finding_cols, CMD_COUNT(finding_cols));
	json_decref(shown);
	return rc;
}

static int run_compliance(struct app *app, const struct cmd_args *a)
{
	const char *given = args_get(a, "agreement");
	struct strbuf path;
	json_t *report = NULL;
	char *id = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = cmd_active_agreement_id(app, given, &id);
	if (rc == 0 && request_path(&path, "/v1/agreements/{}/compliance", id, NULL) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = request_call(app, "GET", path.data, NULL, &report);
	if (rc == 0 && !json_is_object(report)) {
		output_error(&app->out, "the server sent a compliance report "
					"that is not an object");
		rc = CLI_ERROR;
	}
	if (rc == 0)
		rc = print_findings(app, report);
	json_decref(report);
	free(id);
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def compliance_opts[] = {
	{ "agreement", 0, OPT_VALUE, "ID", NULL, "the agreement (id); default: the active one" },
};

static const struct cmd_verb compliance_verb[] = {
	{ NULL, run_compliance, compliance_opts, CMD_COUNT(compliance_opts), 0, 0,
	  "compliance [--agreement ID]",
	  "Lists what the agreement asks for that is not being done (high, "
	  "medium, low), or 'no findings'. A report: exit 0 either way.",
	  "compliance\n"
	  "compliance -o json | jq '.findings[] | select(.severity == "
	  "\"high\")'" },
};

const struct cmd_noun cmd_compliance = { "compliance",
					 "Compliance findings for the "
					 "agreement.",
					 compliance_verb, CMD_COUNT(compliance_verb) };
