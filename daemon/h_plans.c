/*
 * Action plans: GET|POST /v1/action-plans, GET|PATCH /v1/action-plans/{id},
 * and the adopted versions: GET /v1/action-plans/{id}/versions[/{n}].
 * One plan per municipality and agreement. An adopted plan is read-only;
 * PATCH {"status": "draft"} starts its next version. With Accept: text/csv
 * GET gives the plan in the columns of Brå's action-plan template.
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "read.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "strbuf.h"

static const char *rag_sv(const char *rag)
{
	if (!rag)
		return "";
	if (strcmp(rag, "green") == 0)
		return "grön";
	if (strcmp(rag, "yellow") == 0)
		return "gul";
	if (strcmp(rag, "red") == 0)
		return "röd";
	return rag;
}

static const char *status_sv(const char *s)
{
	static const char *const map[][2] = { { "planned", "planerad" },
					      { "ongoing", "pågående" },
					      { "done", "genomförd" },
					      { "cancelled", "avbruten" } };

	for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(s, map[i][0]) == 0)
			return map[i][1];
	return s ? s : "";
}

/* Renders a scalar JSON value as CSV text into buf. */
static const char *cell(const json_t *row, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(row, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		char *dot;

		snprintf(buf, len, "%g", json_real_value(v));
		dot = strchr(buf, '.');
		if (dot)
			*dot = ','; /* 12,5: a decimal comma, for Swedish spreadsheets */
	} else {
		buf[0] = '\0';
	}
	return buf;
}

static int csv_row(struct strbuf *sb, const json_t *row)
{
	char when[64], who[600], rag[600], n1[32], n2[32];
	const char *from = json_string_value(json_object_get(row, "starts_on"));
	const char *to = json_string_value(json_object_get(row, "due_on"));
	const char *role = json_string_value(json_object_get(row, "responsible_role"));
	const char *last = json_string_value(json_object_get(row, "last_update"));
	int rc = 0;

	if (json_is_true(json_object_get(row, "recurring")))
		snprintf(when, sizeof when, "löpande%s%s", to ? " t.o.m. " : "", to ? to : "");
	else
		snprintf(when, sizeof when, "%s–%s", from ? from : "", to ? to : "");
	snprintf(who, sizeof who, "%s%s%s", json_string_value(json_object_get(row, "responsible")),
		 role && role[0] ? ", " : "", role ? role : "");
	snprintf(rag, sizeof rag, "%s%s%s", rag_sv(json_string_value(json_object_get(row, "rag"))),
		 last ? ": " : "", last ? last : "");
	rc |= csv_field(sb, json_string_value(json_object_get(row, "focus_area")), true);
	rc |= csv_field(sb, json_string_value(json_object_get(row, "title")), false);
	rc |= csv_field(sb, json_string_value(json_object_get(row, "cause")), false);
	rc |= csv_field(sb, json_string_value(json_object_get(row, "description")), false);
	rc |= csv_field(sb, json_string_value(json_object_get(row, "operational_goal")), false);
	rc |= csv_field(sb, when, false);
	rc |= csv_field(sb, who, false);
	rc |= csv_field(sb, rag, false);
	rc |= csv_field(sb, status_sv(json_string_value(json_object_get(row, "status"))), false);
	rc |= csv_field(sb, cell(row, "progress_percent", n1, sizeof n1), false);
	rc |= csv_field(sb, cell(row, "hours_spent", n2, sizeof n2), false);
	rc |= csv_end_row(sb);
	return rc ? -1 : 0;
}

static void export_csv(struct req *r, const struct db_result *res, const char *not_found)
{
	json_t *doc = req_result_json(r, res, 0, not_found), *rows, *row;
	struct strbuf sb;
	size_t i;
	int rc = 0;
	char disposition[128];

	if (!doc)
		return;
	rows = json_object_get(doc, "rows");
	strbuf_init(&sb, 0);
	rc |= strbuf_puts(&sb, CSV_BOM);
	rc |= strbuf_puts(&sb, "Fokusområde;Insats;Orsak;Åtgärd;Operativt mål;När;Vem;"
			       "Uppföljning/RAG;Status;Framsteg (%);Timmar\r\n");
	json_array_foreach (rows, i, row)
		rc |= csv_row(&sb, row);
	json_decref(doc);
	if (rc || !sb.data) {
		strbuf_cleanup(&sb);
		req_problem(r, SVK_ERR_INTERNAL, "cannot write the CSV");
		return;
	}
	if (req_param(r, 1))
		snprintf(disposition, sizeof disposition,
			 "attachment; filename=\"atgardsplan-%s-version-%s.csv\"", req_param(r, 0),
			 req_param(r, 1));
	else
		snprintf(disposition, sizeof disposition,
			 "attachment; filename=\"atgardsplan-%s.csv\"", req_param(r, 0));
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Content-Disposition",
			  disposition);
	req_reply_text(r, 200, "text/csv; charset=utf-8", sb.data, sb.len, NULL);
	strbuf_cleanup(&sb);
}

void h_plan_got(struct req *r, const struct db_result *res)
{
	if (req_wants_csv(r)) {
		export_csv(r, res, "no such action plan");
		return;
	}
	req_reply_row(r, res, 0, 200, "no such action plan", NULL);
}

void h_plan_version_got(struct req *r, const struct db_result *res)
{
	const char *not_found = "no such version of the action plan";

	if (req_wants_csv(r)) {
		export_csv(r, res, not_found);
		return;
	}
	req_reply_row(r, res, 0, 200, not_found, NULL);
}

static const struct jf_field plan_fields[] = {
	{ .name = "agreement", .type = JF_UUID, .required = true },
	{ .name = "municipality", .type = JF_SLUG, .required = true },
	{ .name = "title", .type = JF_STRING, .required = true, .max = 300 },
};

static void plan_created(struct req *r, const struct db_result *res)
{
	req_reply_created(r, res, "/v1/action-plans");
}

void h_plan_create(struct req *r)
{
	if (!req_body_ok(r, plan_fields, sizeof plan_fields / sizeof plan_fields[0]))
		return;
	const char *p[4] = { r->auth.actor.user_id, jf_str(r->body, "agreement"),
			     jf_str(r->body, "municipality"), jf_str(r->body, "title") };
	req_write1(r, SQL_PLAN_CREATE, 4, p, plan_created);
}

static const struct jf_field plan_patch_fields[] = {
	{ .name = "title", .type = JF_STRING, .max = 300 },
	{ .name = "status", .type = JF_ENUM, .choices = "draft" },
};

static void plan_patched(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such action plan", NULL);
}

void h_plan_patch(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such action plan");

	if (!id) {
		req_problem_query(r);
		return;
	}
	if (!req_body_ok(r, plan_patch_fields,
			 sizeof plan_patch_fields / sizeof plan_patch_fields[0]))
		return;
	if (json_object_size(r->body) == 0) {
		req_problem_field(r, "body", "give title, or status \"draft\" for a new version");
		return;
	}
	const char *p[5] = { r->auth.actor.user_id, id, jf_str(r->body, "title"),
			     jf_str(r->body, "status") ? "true" : "false", req_if_match(r) };
	req_write1(r, SQL_PLAN_UPDATE, 5, p, plan_patched);
}
