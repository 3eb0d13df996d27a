/*
 * `incidents`: the EST input of SPEC §5 — events in public places, never
 * people. `report` sends one, `import` a CSV file of them in batches
 * (import.h: the server stores an incident once, so a re-run stores
 * nothing twice, and patient with a server that restarts), `list` pages through them with
 * filters, `show` one, `categories` the categories they are filed under.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "http.h"
#include "import.h"
#include "request.h"

#define IMPORT_FILE_LIMIT ((size_t)256 << 20)

static const struct out_col incident_cols[] = {
	{ "OCCURRED AT", "occurred_at", 0 },    { "MUNICIPALITY", "municipality", 0 },
	{ "PLACE", "place", OUT_COL_TRUNC },    { "CATEGORY", "category", 0 },
	{ "SOURCE", "source_organisation", 0 }, { "DESCRIPTION", "description", OUT_COL_TRUNC },
};

static const struct out_col incident_fields[] = {
	{ "ID", "id", 0 },
	{ "OCCURRED AT", "occurred_at", 0 },
	{ "WEEK", "week", 0 },
	{ "MUNICIPALITY", "municipality", 0 },
	{ "PLACE", "place", 0 },
	{ "CATEGORY", "category", 0 },
	{ "DESCRIPTION", "description", 0 },
	{ "EXTERNAL ID", "external_id", 0 },
	{ "LATITUDE", "latitude", 0 },
	{ "LONGITUDE", "longitude", 0 },
	{ "SOURCE ORGANISATION", "source_organisation", 0 },
	{ "REPORTED BY", "reported_by", 0 },
	{ "REPORTED AT", "reported_at", 0 },
};

static const struct out_col category_cols[] = {
	{ "SLUG", "slug", 0 },
	{ "NAME", "name", 0 },
};

/* Option → member, for report. */
static const struct cmd_field report_fields[] = {
	{ "occurred-at", "occurred_at", CMD_FIELD_STRING },
	{ "municipality", "municipality", CMD_FIELD_STRING },
	{ "place", "place", CMD_FIELD_STRING },
	{ "category", "category", CMD_FIELD_STRING },
	{ "description", "description", CMD_FIELD_STRING },
	{ "latitude", "latitude", CMD_FIELD_NUMBER },
	{ "longitude", "longitude", CMD_FIELD_NUMBER },
};

/* Now as RFC 3339 in UTC, for a report without --occurred-at. */
static json_t *now_utc(void)
{
	char text[32];
	time_t t = time(NULL);
	struct tm tm;

	if (t == (time_t)-1 || !gmtime_r(&t, &tm) ||
	    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	return json_string(text);
}

static int run_report(struct app *app, const struct cmd_args *a)
{
	json_t *body = json_object(), *incident = NULL;
	long status = 0;
	char *own = NULL;
	int rc;

	if (!body)
		return cmd_oom(app);
	if (args_has(a, "latitude") != args_has(a, "longitude")) {
		rc = cmd_usage_error(app, "--latitude and --longitude go "
					  "together");
		goto out;
	}
	rc = args_has(a, "occurred-at")
		 ? cmd_check_time(app, "occurred-at", args_get(a, "occurred-at"))
		 : 0;
	if (rc == 0)
		rc = cmd_fields_to_json(app, a, report_fields, CMD_COUNT(report_fields), body,
					NULL);
	if (rc == 0 && !args_has(a, "municipality")) {
		rc = cmd_own_municipality(app, &own);
		if (rc == 0 && json_object_set_new(body, "municipality", json_string(own)) != 0)
			rc = cmd_oom(app);
	}
	if (rc == 0 && !args_has(a, "occurred-at") &&
	    json_object_set_new(body, "occurred_at", now_utc()) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = request_call_status(app, "POST", "/v1/incidents", body, &incident, &status);
	if (rc == 0 && status == 200)
		output_note(&app->out, "already stored: this incident was reported before (the "
				       "same time, place, category and description); not stored "
				       "again");
	if (rc == 0)
		rc = output_object(&app->out, incident, NULL, incident_fields,
				   CMD_COUNT(incident_fields));
out:
	free(own);
	json_decref(body);
	json_decref(incident);
	return rc;
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	static const struct cmd_filter filters[] = {
		{ "municipality", "municipality", 0 },
		{ "category", "category", 0 },
		{ "place", "place", 0 },
		{ "source", "source", 0 },
		{ "from", "from", 1 },
		{ "to", "to", 1 },
	};

	return cmd_list_filtered(app, a, "/v1/incidents", filters, CMD_COUNT(filters),
				 incident_cols, CMD_COUNT(incident_cols));
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *incident = NULL;
	int rc = 0;

	strbuf_init(&path, 4096);
	if (request_path(&path, "/v1/incidents/{}", a->pos[0], NULL) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = request_call(app, "GET", path.data, NULL, &incident);
	if (rc == 0)
		rc = output_object(&app->out, incident, NULL, incident_fields,
				   CMD_COUNT(incident_fields));
	json_decref(incident);
	strbuf_cleanup(&path);
	return rc;
}

static int run_categories(struct app *app, const struct cmd_args *a)
{
	int rc;

	(void)a;
	rc = cmd_print_list(app, "/v1/incident-categories", category_cols,
			    CMD_COUNT(category_cols));
	return rc;
}

/*
 * The import's transport: one keyed POST, retried patiently (a long
 * import should outlive a daemon restart), the failure's message left in
 * err for the import to print below its progress bar.
 */
static int send_batch(void *ctx, const json_t *body, const char *key, struct http_response *resp,
		      struct strbuf *err)
{
	struct request_opts ro;
	int rc;

	request_opts_init(&ro);
	ro.patient = 1;
	if (snprintf(ro.key, sizeof ro.key, "%s", key) >= (int)sizeof ro.key) {
		(void)strbuf_puts(err, "internal: the batch key is too long");
		return CLI_ERROR;
	}
	rc = request_send_err(ctx, "POST", "/v1/incidents", body, &ro, resp, err);
	request_opts_cleanup(&ro);
	return rc;
}

/* The categories, so that the import takes their names too. */
static int get_categories(void *ctx, json_t **cats)
{
	return request_list(ctx, "/v1/incident-categories", cats);
}

static int run_import(struct app *app, const struct cmd_args *a)
{
	const char *file = a->pos[0], *size = args_get(a, "batch-size");
	struct import_transport t = { send_batch, get_categories, app };
	struct import_opts o;
	struct strbuf data;
	long batch = IMPORT_DEFAULT_BATCH;
	int rc;

	if (size && cmd_parse_long(size, 1, IMPORT_MAX_BATCH, &batch) != 0)
		return cmd_usage_error(app,
				       "--batch-size wants a whole number "
				       "from 1 to %d, got '%s'",
				       IMPORT_MAX_BATCH, size);
	memset(&o, 0, sizeof o);
	o.name = strcmp(file, "-") == 0 ? "standard input" : file;
	o.municipality = args_get(a, "municipality");
	o.batch_size = (size_t)batch;
	o.progress = !app->out.quiet && isatty(fileno(app->out.err));
	strbuf_init(&data, IMPORT_FILE_LIMIT);
	rc = cmd_read_file(app, file, &data);
	/* Logged in? Asked before the first batch, not below the bar. */
	if (rc == 0)
		rc = request_prepare(app, 1);
	if (rc == 0)
		rc = import_run(app, data.data ? data.data : "", data.len, &o, &t);
	strbuf_cleanup(&data);
	return rc;
}

static const struct opt_def report_opts[] = {
	{ "municipality", 0, OPT_VALUE, "ORG", NULL,
	  "the municipality (slug) where it happened; default: yours, when you "
	  "belong to one" },
	{ "place", 0, OPT_VALUE | OPT_REQUIRED, "PLACE", NULL,
	  "the place, e.g. Märsta centrum (a place, never a person)" },
	{ "category", 0, OPT_VALUE | OPT_REQUIRED, "SLUG", NULL,
	  "its category ('samverkan incidents categories' lists them)" },
	{ "occurred-at", 0, OPT_VALUE, "TIME", NULL,
	  "when: RFC 3339 (2026-11-16T21:30:00Z) or Swedish local time "
	  "(2026-11-16 21:30); default now" },
	{ "description", 0, OPT_VALUE, "TEXT", NULL, "what happened (no personal data)" },
	{ "latitude", 0, OPT_VALUE, "DEG", NULL, "WGS 84 latitude, with --longitude" },
	{ "longitude", 0, OPT_VALUE, "DEG", NULL, "WGS 84 longitude, with --latitude" },
};

static const struct opt_def list_opts[] = {
	{ "municipality", 0, OPT_VALUE, "ORG", NULL, "only this municipality" },
	{ "category", 0, OPT_VALUE, "SLUG", NULL, "only this category" },
	{ "place", 0, OPT_VALUE, "PLACE", NULL, "only this place (exact)" },
	{ "source", 0, OPT_VALUE, "ORG", NULL, "only those reported by this organisation" },
	{ "from", 0, OPT_VALUE, "YYYY-MM-DD", NULL, "from this day on" },
	{ "to", 0, OPT_VALUE, "YYYY-MM-DD", NULL, "up to this day" },
	CMD_PAGE_OPTS,
};

static const struct opt_def import_opts[] = {
	{ "municipality", 0, OPT_VALUE, "ORG", NULL,
	  "the municipality of rows that name none (a file without a "
	  "municipality column)" },
	{ "batch-size", 0, OPT_VALUE, "N", NULL, "rows per request, 1 to 1000 (default 500)" },
};

#define EX_ID "3f1c2b7e-9a4d-4c8e-b1f0-2d6e8a9c7b51"

static const struct cmd_verb incident_verbs[] = {
	{ "report", run_report, report_opts, CMD_COUNT(report_opts), 0, 0,
	  "incidents report [--municipality ORG] --place PLACE --category SLUG "
	  "[--occurred-at TIME] [--description TEXT] [--latitude DEG "
	  "--longitude DEG]",
	  "Reports one incident (arbetsgrupp members for their group's "
	  "municipality, beredningsgrupp and up for any).",
	  "incidents report --municipality sigtuna --place \"Märsta "
	  "centrum\" --category klotter --occurred-at \"2026-11-16 21:30\" "
	  "--description \"Klotter på busskuren\"" },
	{ "import", run_import, import_opts, CMD_COUNT(import_opts), 1, 1,
	  "incidents import <file.csv|-> [--municipality ORG] "
	  "[--batch-size N]",
	  "Imports incidents from a CSV file ('-': standard input) with a "
	  "header row naming the columns occurred_at (tidpunkt), "
	  "municipality (kommun), place (plats), category (kategori: its slug "
	  "or its name, in any case) and optionally description (beskrivning), "
	  "latitude (lat), longitude (lon, lng) and external_id (referens: the "
	  "source system's own reference); ';' or ',' between fields, UTF-8 "
	  "with or without BOM. Prints every refused line on stderr and then "
	  "how many lines were stored, already stored and refused; exit 6 "
	  "when a line was refused (the others are stored). An incident is "
	  "stored once: running an import again, also of an edited file, "
	  "stores only what is new (the same external_id, or else the same "
	  "municipality, time, place, category and description, is the same "
	  "incident).",
	  "incidents import handelser-v47.csv --municipality sigtuna\n"
	  "export-händelser | samverkan incidents import - -o json" },
	{ "list", run_list, list_opts, CMD_COUNT(list_opts), 0, 0,
	  "incidents list [--municipality ORG] [--category SLUG] "
	  "[--place PLACE] [--source ORG] [--from DATE] [--to DATE] "
	  "[--limit N] [--cursor C]",
	  "Lists incidents, the latest to happen first, one page at a time "
	  "(the next page's --cursor is printed on stderr).",
	  "incidents list --municipality sigtuna --from 2026-11-16 --to "
	  "2026-11-22" },
	{ "show", run_show, NULL, 0, 1, 1, "incidents show <id>", "Shows one incident.",
	  "incidents show " EX_ID },
	{ "categories", run_categories, NULL, 0, 0, 0, "incidents categories",
	  "Lists the incident categories.", "incidents categories" },
};

const struct cmd_noun cmd_incidents = { "incidents",
					"Incidents in public places, the "
					"input of the situation picture "
					"(SPEC §5).",
					incident_verbs, CMD_COUNT(incident_verbs) };
