/*
 * `situation`: the weekly situation picture (lägesbild, SPEC §5) that the
 * EST groups meet over — per category the week's count against the four
 * weeks before, the hotspots and the 12-week trend. On a terminal it is
 * drawn as a chart (chart.h), into a pipe or file as plain ASCII; --output
 * json is the server's document as it came, --output csv the per-category
 * rows for a spreadsheet.
 */
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
	struct strbuf path;
	json_t *sit = NULL;
	int rc = 0;

	if (week && !is_week(week))
		return cmd_usage_error(app,
				       "--week wants an ISO week YYYY-Www, "
				       "e.g. 2026-W47, got '%s'",
				       week);
	strbuf_init(&path, 4096);
	if (strbuf_puts(&path, "/v1/situation") != 0 ||
	    cmd_query_add(&path, "municipality", args_get(a, "municipality")) != 0 ||
	    cmd_query_add(&path, "week", week) != 0)
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
	return rc;
}

static const struct opt_def situation_opts[] = {
	{ "municipality", 0, OPT_VALUE, "ORG", NULL,
	  "the municipality (slug); default: your EST group's" },
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
