/*
 * `meetings`: the record of a group's meeting (SPEC §2) — who attended,
 * the minutes, the decisions and, for an EST group, the places to focus
 * on next week in ranked order. Attendees, decisions and focus places are
 * repeated options, kept in the order given.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"

#define MINUTES_LIMIT ((size_t)1 << 20)

static const struct out_col meeting_cols[] = {
	{ "HELD ON", "held_on", 0 },
	{ "WEEK", "week", 0 },
	{ "GROUP", "group", 0 },
	{ "ATTENDEES", "attendees", OUT_COL_TRUNC },
	{ "FOCUS PLACES", "focus_places", OUT_COL_TRUNC },
	{ "ID", "id", 0 },
};

static const struct out_col meeting_fields[] = {
	{ "ID", "id", 0 },
	{ "GROUP", "group", 0 },
	{ "HELD ON", "held_on", 0 },
	{ "WEEK", "week", 0 },
	{ "ATTENDEES", "attendees", 0 },
	{ "MINUTES", "minutes", 0 },
	{ "DECISIONS", "decisions", 0 },
	{ "FOCUS PLACES", "focus_places", 0 },
	{ "RECORDED BY", "recorded_by", 0 },
	{ "CREATED AT", "created_at", 0 },
};

/* Option → member, for record (the lists are added separately). */
static const struct cmd_field record_fields[] = {
	{ "group", "group", CMD_FIELD_STRING },
	{ "held-on", "held_on", CMD_FIELD_DATE },
	{ "minutes", "minutes", CMD_FIELD_STRING },
};

/* Repeated option → list member. */
static const struct {
	const char *opt, *key;
} record_lists[] = {
	{ "attendee", "attendees" },
	{ "decision", "decisions" },
	{ "focus-place", "focus_places" },
};

/* "1. Märsta centrum; 2. Valsta": a ranked list for a table or CSV. */
static json_t *numbered(const json_t *list)
{
	struct strbuf sb;
	const json_t *e;
	json_t *s = NULL;
	size_t i;
	int rc = 0;

	strbuf_init(&sb, 1 << 20);
	json_array_foreach (list, i, e)
		rc |= strbuf_printf(&sb, "%s%zu. %s", i ? "; " : "", i + 1,
				    json_is_string(e) ? json_string_value(e) : "?");
	if (rc == 0)
		s = json_string(sb.data ? sb.data : "");
	strbuf_cleanup(&sb);
	return s;
}

/* The meeting as printed: decisions and focus places numbered. */
static int print_meeting(struct app *app, const json_t *m)
{
	static const char *const ranked[] = { "decisions", "focus_places" };
	json_t *shown;
	int rc;

	if (app->out.format == OUT_JSON || !json_is_object(m))
		return output_object(&app->out, m, NULL, meeting_fields, CMD_COUNT(meeting_fields));
	shown = json_deep_copy(m);
	if (!shown)
		return cmd_oom(app);
	for (size_t i = 0; i < CMD_COUNT(ranked); i++) {
		const json_t *list = json_object_get(m, ranked[i]);

		if (json_array_size(list) > 0 &&
		    json_object_set_new(shown, ranked[i], numbered(list)) != 0) {
			json_decref(shown);
			return cmd_oom(app);
		}
	}
	rc = output_object(&app->out, m, shown, meeting_fields, CMD_COUNT(meeting_fields));
	json_decref(shown);
	return rc;
}

/* The minutes of --minutes-file, trailing line ends dropped. */
static int minutes_from_file(struct app *app, const char *file, json_t *body)
{
	struct strbuf sb;
	json_t *text;
	int rc;

	strbuf_init(&sb, MINUTES_LIMIT);
	rc = cmd_read_file(app, file, &sb);
	if (rc != 0)
		goto out;
	while (sb.len > 0 && (sb.data[sb.len - 1] == '\n' || sb.data[sb.len - 1] == '\r'))
		sb.data[--sb.len] = '\0';
	text = json_stringn(sb.data ? sb.data : "", sb.len);
	if (!text)
		rc = cmd_usage_error(app, "--minutes-file %s is not UTF-8 text", file);
	else if (json_object_set_new(body, "minutes", text) != 0)
		rc = cmd_oom(app);
out:
	strbuf_cleanup(&sb);
	return rc;
}

/* Each repeated option of record_lists as a JSON array, when given. */
static int lists_to_json(struct app *app, const struct cmd_args *a, json_t *body)
{
	const char *values[ARGS_MAX_MULTI];

	for (size_t l = 0; l < CMD_COUNT(record_lists); l++) {
		size_t n = args_get_all(a, record_lists[l].opt, values, ARGS_MAX_MULTI);
		json_t *arr;

		if (n == 0)
			continue;
		arr = json_array();
		if (!arr || json_object_set_new(body, record_lists[l].key, arr) != 0)
			return cmd_oom(app);
		for (size_t i = 0; i < n && i < ARGS_MAX_MULTI; i++) {
			json_t *s = json_string(values[i]);

			if (!s)
				return cmd_usage_error(app,
						       "--%s '%s' is not "
						       "valid UTF-8 text",
						       record_lists[l].opt, values[i]);
			if (json_array_append_new(arr, s) != 0)
				return cmd_oom(app);
		}
	}
	return 0;
}

static int record_body(struct app *app, const struct cmd_args *a, json_t **out)
{
	const char *file = args_get(a, "minutes-file");
	json_t *body = json_object();
	int rc;

	*out = NULL;
	if (!body)
		return cmd_oom(app);
	if (file && args_has(a, "minutes")) {
		rc = cmd_usage_error(app, "--minutes and --minutes-file "
					  "exclude each other");
		goto out;
	}
	rc = cmd_fields_to_json(app, a, record_fields, CMD_COUNT(record_fields), body, NULL);
	if (rc == 0)
		rc = lists_to_json(app, a, body);
	if (rc == 0 && file)
		rc = minutes_from_file(app, file, body);
	if (rc != 0)
		goto out;
	*out = body;
	body = NULL;
out:
	json_decref(body);
	return rc;
}

static int run_record(struct app *app, const struct cmd_args *a)
{
	json_t *body = NULL, *m = NULL;
	int rc;

	rc = record_body(app, a, &body);
	if (rc == 0)
		rc = request_call(app, "POST", "/v1/meetings", body, &m);
	if (rc == 0)
		rc = print_meeting(app, m);
	json_decref(body);
	json_decref(m);
	return rc;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *m = NULL;
	int rc = 0;

	strbuf_init(&path, 4096);
	if (request_path(&path, "/v1/meetings/{}", a->pos[0], NULL) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = request_call(app, "GET", path.data, NULL, &m);
	if (rc == 0)
		rc = print_meeting(app, m);
	json_decref(m);
	strbuf_cleanup(&path);
	return rc;
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	static const struct cmd_filter filters[] = {
		{ "group", "group", 0 },
		{ "from", "from", 1 },
		{ "to", "to", 1 },
	};

	return cmd_list_filtered(app, a, "/v1/meetings", filters, CMD_COUNT(filters), meeting_cols,
				 CMD_COUNT(meeting_cols));
}

static const struct opt_def list_opts[] = {
	{ "group", 0, OPT_VALUE, "GROUP", NULL, "only this group (slug)" },
	{ "from", 0, OPT_VALUE, "YYYY-MM-DD", NULL, "held on this day or later" },
	{ "to", 0, OPT_VALUE, "YYYY-MM-DD", NULL, "held on this day or earlier" },
	CMD_PAGE_OPTS,
};

static const struct opt_def record_opts[] = {
	{ "group", 0, OPT_VALUE | OPT_REQUIRED, "GROUP", NULL,
	  "the group that met (slug), e.g. est-sigtuna" },
	{ "held-on", 0, OPT_VALUE | OPT_REQUIRED, "YYYY-MM-DD", NULL,
	  "the day it met (not in the future)" },
	{ "attendee", 0, OPT_VALUE | OPT_MULTI, "ORG", NULL,
	  "an organisation (slug) that took part; repeat for each" },
	{ "minutes", 0, OPT_VALUE, "TEXT", NULL, "the minutes (no personal data)" },
	{ "minutes-file", 0, OPT_VALUE, "FILE", NULL,
	  "read the minutes from a UTF-8 text file ('-': standard input)" },
	{ "decision", 0, OPT_VALUE | OPT_MULTI, "TEXT", NULL,
	  "a decision taken; repeat for each, in order" },
	{ "focus-place", 0, OPT_VALUE | OPT_MULTI, "PLACE", NULL,
	  "a place to focus on next week; repeat, most important first" },
};

#define EX_ID "9b2d4f6a-1c3e-4a5b-8d7f-0e1a2b3c4d5e"

static const struct cmd_verb meeting_verbs[] = {
	{ "list", run_list, list_opts, CMD_COUNT(list_opts), 0, 0,
	  "meetings list [--group GROUP] [--from DATE] [--to DATE] "
	  "[--limit N] [--cursor C]",
	  "Lists the meetings held, one page at a time (the next page's "
	  "--cursor is printed on stderr).",
	  "meetings list --group est-sigtuna --from 2026-01-01" },
	{ "show", run_show, NULL, 0, 1, 1, "meetings show <id>",
	  "Shows one meeting with its minutes, decisions and focus places.",
	  "meetings show " EX_ID },
	{ "record", run_record, record_opts, CMD_COUNT(record_opts), 0, 0,
	  "meetings record --group GROUP --held-on DATE [--attendee ORG]... "
	  "[--minutes TEXT | --minutes-file FILE] [--decision TEXT]... "
	  "[--focus-place PLACE]...",
	  "Records a meeting of a group (its members, or beredningsgrupp and "
	  "up); one meeting per group and day.",
	  "meetings record --group est-sigtuna --held-on 2026-11-24 "
	  "--attendee sigtuna --attendee polisen --minutes-file protokoll.txt "
	  "--decision \"Extra vandring fredag\" --focus-place \"Märsta "
	  "centrum\" --focus-place Valsta" },
};

const struct cmd_noun cmd_meetings = { "meetings",
				       "The meetings of the groups, with "
				       "their decisions and focus places.",
				       meeting_verbs, CMD_COUNT(meeting_verbs) };
