/*
 * `situation`: the weekly situation picture (lägesbild, SPEC §5) that the
 * EST groups meet over — per category the week's count against the four
 * weeks before, the hotspots and the 12-week trend. On a terminal it is
 * drawn as a chart (chart.h), into a pipe or file as plain ASCII; --output
 * json is the server's document as it came, --output csv the per-category
 * rows for a spreadsheet.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "cmd.h"
#include "request.h"

static const struct out_col csv_cols[] = {
	{ "category", "category", 0 }, { "name", "name", 0 },
	{ "count", "count", 0 },       { "previous_average", "previous_average", 0 },
	{ "change", "change", 0 },     { "change_percent", "change_percent", 0 },
};

/* True when s has the shape YYYY-Www with a week from 01 to 53 (whether
 * that year has a week 53 is the server's call). */
static int is_week(const char *s)
{
	long week;

	if (strlen(s) != 8 || s[4] != '-' || s[5] != 'W')
		return 0;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[6] >= '0' && s[6] <= '9' && s[7] >= '0' && s[7] <= '9' &&
	       cmd_parse_long(s + 6, 1, 53, &week) == 0;
}

/* Adds slug to the array of names unless it is there. 0 or -1. */
static int add_name(json_t *names, const char *slug)
{
	size_t i;
	const json_t *v;

	if (!slug || !slug[0])
		return 0;
	json_array_foreach (names, i, v)
		if (strcmp(json_string_value(v), slug) == 0)
			return 0;
	return json_array_append_new(names, json_string(slug));
}

int cmd_own_municipality(struct app *app, char **slug)
{
	json_t *me = NULL, *names = json_array();
	const json_t *org, *m;
	struct strbuf list;
	size_t i;
	int rc;

	*slug = NULL;
	strbuf_init(&list, 4096);
	rc = names ? request_call(app, "GET", "/v1/me", NULL, &me) : cmd_oom(app);
	if (rc != 0)
		goto out;
	org = json_object_get(me, "organisation");
	if (json_is_string(json_object_get(org, "kind")) &&
	    strcmp(json_string_value(json_object_get(org, "kind")), "municipality") == 0 &&
	    add_name(names, json_string_value(json_object_get(org, "slug"))) != 0)
		rc = cmd_oom(app);
	json_array_foreach (json_object_get(me, "memberships"), i, m)
		if (rc == 0 &&
		    add_name(names, json_string_value(json_object_get(m, "municipality"))) != 0)
			rc = cmd_oom(app);
	if (rc != 0)
		goto out;
	if (json_array_size(names) == 1) {
		*slug = strdup(json_string_value(json_array_get(names, 0)));
		rc = *slug ? 0 : cmd_oom(app);
		goto out;
	}
	json_array_foreach (names, i, m)
		if ((i > 0 && strbuf_puts(&list, ", ") != 0) ||
		    strbuf_puts(&list, json_string_value(m)) != 0)
			rc = cmd_oom(app);
	if (rc == 0)
		rc = json_array_size(names) == 0
			 ? cmd_usage_error(app, "give --municipality: you belong to no "
						"municipality")
			 : cmd_usage_error(app,
					   "give --municipality: you belong to more than "
					   "one municipality (%s)",
					   list.data);
out:
	strbuf_cleanup(&list);
	json_decref(names);
	json_decref(me);
	return rc;
}

/*
 * The picture is for reading: without an --output setting it is drawn even
 * into a pipe or a file (as plain ASCII), where other commands print JSON;
 * --output json|csv is there for scripts.
 */
static enum out_format situation_format(const struct app *app)
{
	return app->settings.output.value ? app->out.format : OUT_TABLE;
}

static int print_situation(struct app *app, const json_t *sit)
{
	int rc;

	switch (situation_format(app)) {
	case OUT_JSON:
		rc = output_json(app->out.out, sit);
		break;
	case OUT_CSV:
		return output_list(&app->out, json_object_get(sit, "categories"), csv_cols,
				   CMD_COUNT(csv_cols));
	default:
		/* A table forced into a pipe or file: plain ASCII. */
		rc = chart_situation(app->out.out, sit, !isatty(fileno(app->out.out)));
		break;
	}
	if (rc != 0) {
		output_error(&app->out, "cannot write the output");
		return CLI_ERROR;
	}
	return 0;
}

static int run_situation(struct app *app, const struct cmd_args *a)
{
	const char *week = args_get(a, "week");
	char *own = NULL;
	struct strbuf path;
	json_t *sit = NULL;
	int rc = 0;

	if (week && !is_week(week))
		return cmd_usage_error(app,
				       "--week wants an ISO week YYYY-Www, "
				       "e.g. 2026-W47, got '%s'",
				       week);
	strbuf_init(&path, 4096);
	if (!args_has(a, "municipality"))
		rc = cmd_own_municipality(app, &own);
	if (rc == 0 &&
	    (strbuf_puts(&path, "/v1/situation") != 0 ||
	     cmd_query_add(&path, "municipality", own ? own : args_get(a, "municipality")) != 0 ||
	     cmd_query_add(&path, "week", week) != 0))
		rc = cmd_oom(app);
	if (rc == 0)
		rc = request_call(app, "GET", path.data, NULL, &sit);
	if (rc == 0 && !json_is_object(sit)) {
		output_error(&app->out, "the server sent a situation picture "
					"that is not an object");
		rc = CLI_ERROR;
	}
	if (rc == 0)
		rc = print_situation(app, sit);
	json_decref(sit);
	strbuf_cleanup(&path);
	free(own);
	return rc;
}

static const struct opt_def situation_opts[] = {
	{ "municipality", 0, OPT_VALUE, "ORG", NULL,
	  "the municipality (slug); default: yours, when you belong to one "
	  "(your organisation's or your groups')" },
	{ "week", 0, OPT_VALUE, "YYYY-Www", NULL, "the ISO week; default: the last completed one" },
};

static const struct cmd_verb situation_verb[] = {
	{ NULL, run_situation, situation_opts, CMD_COUNT(situation_opts), 0, 0,
	  "situation [--municipality ORG] [--week YYYY-Www]",
	  "Shows the situation picture of a municipality for a week: the "
	  "total, each category against the average of the four weeks "
	  "before, the places with most incidents and the 12-week trend.",
	  "situation --municipality sigtuna --week 2026-W47\n"
	  "situation --municipality sigtuna -o csv > lagesbild.csv" },
};

const struct cmd_noun cmd_situation = { "situation",
					"The weekly situation picture "
					"(lägesbild).",
					situation_verb, CMD_COUNT(situation_verb) };
