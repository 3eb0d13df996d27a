/*
 * `followup`: the yearly follow-up (uppföljning) of the agreement (SPEC
 * §2) — show it with a summary of its statistics, edit its three texts
 * (from files, or in $VISUAL or $EDITOR as one Markdown document, see
 * followup.h) and download the printable report. Edits are sent with the
 * ETag of the follow-up as read, so a change made by someone else in the
 * meantime is refused (412) instead of overwritten. A follow-up becomes
 * adopted, and read-only, only through an approved follow_up proposal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "followup.h"
#include "http.h"
#include "request.h"
#include "swezone.h"

/* What one --*-file may hold; the server takes 50,000 characters. */
#define TEXT_LIMIT ((size_t)1 << 20)

static const char *const file_opts[FOLLOWUP_SECTIONS] = {
	"collaboration-file",
	"implementation-file",
	"results-file",
};

/* --output csv: one row of the follow-up without its statistics. */
static const struct out_col fu_fields[] = {
	{ "YEAR", "year", 0 },
	{ "STATUS", "status", 0 },
	{ "ADOPTED AT", "adopted_at", 0 },
	{ "PROPOSAL", "proposal", 0 },
	{ "ORAL", "oral", 0 },
	{ "COLLABORATION", "collaboration", 0 },
	{ "IMPLEMENTATION", "implementation", 0 },
	{ "RESULTS", "results", 0 },
	{ "UPDATED AT", "updated_at", 0 },
};

/* The follow-up a command works on. */
struct fu_target {
	char *agreement;
	long year;
	struct strbuf path; /* /v1/agreements/{id}/follow-ups/{year} */
};

static void target_init(struct fu_target *t)
{
	t->agreement = NULL;
	t->year = 0;
	strbuf_init(&t->path, 4096);
}

static void target_cleanup(struct fu_target *t)
{
	free(t->agreement);
	strbuf_cleanup(&t->path);
}

/* YEAR (default: last year) and --agreement (default: the active one). */
static int target_resolve(struct app *app, const struct cmd_args *a, struct fu_target *t)
{
	char year[24];
	int rc;

	if (a->npos > 0) {
		if (cmd_parse_long(a->pos[0], 1000, 9999, &t->year) != 0)
			return cmd_usage_error(app,
					       "YEAR wants a year such as "
					       "2025, got '%s'",
					       a->pos[0]);
	} else {
		/* Last year in Sweden, as the server counts years. */
		int now = swezone_date(time(NULL)).year;

		if (now == 0) {
			output_error(&app->out, "cannot tell what year it is");
			return CLI_ERROR;
		}
		t->year = now - 1L;
	}
	rc = cmd_active_agreement_id(app, args_get(a, "agreement"), &t->agreement);
	if (rc != 0)
		return rc;
	snprintf(year, sizeof year, "%ld", t->year);
	if (request_path(&t->path, "/v1/agreements/{}/follow-ups/{}", t->agreement, year, NULL) !=
	    0)
		return cmd_oom(app);
	return 0;
}

/* GETs the follow-up; its ETag lands in ro. */
static int get_follow_up(struct app *app, const struct fu_target *t, struct request_opts *ro,
			 json_t **doc)
{
	int rc = request_call_opts(app, "GET", t->path.data, NULL, ro, doc);

	if (rc == 0 && !json_is_object(*doc)) {
		output_error(&app->out, "the server sent a follow-up that is "
					"not an object");
		rc = CLI_ERROR;
	}
	return rc;
}

static int is_adopted(const json_t *doc)
{
	const char *st = json_string_value(json_object_get(doc, "status"));

	return st && strcmp(st, "adopted") == 0;
}

/* The one line for a follow-up found adopted before anything is sent. */
static int adopted_error(struct app *app, const struct fu_target *t)
{
	output_error(&app->out, "the follow-up of %ld is adopted and read-only", t->year);
	return CLI_CONFLICT;
}

/* ---- show ---------------------------------------------------------------- */

static int print_follow_up(struct app *app, const json_t *doc, long year)
{
	if (app->out.format == OUT_JSON) {
		if (output_json(app->out.out, doc) == 0)
			return 0;
		output_error(&app->out, "cannot write the output");
		return CLI_ERROR;
	}
	if (app->out.format == OUT_CSV)
		return output_object(&app->out, doc, NULL, fu_fields, CMD_COUNT(fu_fields));
	if (followup_print(app->out.out, doc, year) != 0) {
		output_error(&app->out, "cannot write the output");
		return CLI_ERROR;
	}
	return 0;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct fu_target t;
	struct request_opts ro;
	json_t *doc = NULL;
	int rc;

	target_init(&t);
	request_opts_init(&ro);
	rc = target_resolve(app, a, &t);
	if (rc == 0)
		rc = get_follow_up(app, &t, &ro, &doc);
	if (rc == 0)
		rc = print_follow_up(app, doc, t.year);
	if (rc == 0)
		request_note_etag(app, &ro);
	json_decref(doc);
	request_opts_cleanup(&ro);
	target_cleanup(&t);
	return rc;
}

/* ---- edit ---------------------------------------------------------------- */

/* body[key] = the text of file ('-': standard input), trimmed. */
static int text_from_file(struct app *app, const char *opt, const char *file, const char *key,
			  json_t *body)
{
	struct strbuf sb;
	char *text = NULL;
	json_t *s = NULL;
	int rc;

	strbuf_init(&sb, TEXT_LIMIT);
	rc = cmd_read_file(app, file, &sb);
	if (rc != 0)
		goto out;
	if (sb.len > 0 && memchr(sb.data, '\0', sb.len)) {
		rc = cmd_usage_error(app, "--%s %s is not text", opt, file);
		goto out;
	}
	text = followup_trim(sb.data ? sb.data : "", sb.len);
	if (!text) {
		rc = cmd_oom(app);
		goto out;
	}
	s = json_string(text);
	if (!s)
		rc = cmd_usage_error(app, "--%s %s is not UTF-8 text", opt, file);
	else if (json_object_set_new(body, key, s) != 0)
		rc = cmd_oom(app);
out:
	free(text);
	strbuf_cleanup(&sb);
	return rc;
}

/* The Markdown document to edit, written to a new 0600 file in $TMPDIR. */
static int write_doc(struct app *app, const struct fu_target *t, const json_t *doc, char **file)
{
	const char *dir = getenv("TMPDIR"), *texts[FOLLOWUP_SECTIONS];
	struct strbuf md, name;
	int fd = -1, rc = CLI_ERROR;

	*file = NULL;
	strbuf_init(&md, 0);
	strbuf_init(&name, 8192);
	for (int i = 0; i < FOLLOWUP_SECTIONS; i++)
		texts[i] = json_string_value(json_object_get(doc, followup_keys[i]));
	if (followup_md_write(&md, t->year, texts) != 0 ||
	    strbuf_printf(&name, "%s/samverkan-followup-%ld-XXXXXX.md",
			  dir && dir[0] ? dir : "/tmp", t->year) != 0) {
		rc = cmd_oom(app);
		goto out;
	}
	fd = mkstemps(name.data, 3);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		output_error(&app->out, "cannot make a file to edit in: %s", strerror(errno));
		goto out;
	}
	*file = strbuf_steal(&name);
	for (size_t off = 0; off < md.len;) {
		ssize_t w = write(fd, md.data + off, md.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			output_error(&app->out, "cannot write '%s': %s", *file, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		fd = -1;
		output_error(&app->out, "cannot write '%s': %s", *file, strerror(errno));
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && *file) {
		unlink(*file);
		free(*file);
		*file = NULL;
	}
	strbuf_cleanup(&md);
	strbuf_cleanup(&name);
	return rc;
}

/*
 * The editor on the follow-up's texts: each section that changed is set
 * in body. *file is the edited file (the caller removes it); *edited says
 * whether the editor ran to the end, so that the text written is worth
 * keeping when it cannot be sent.
 */
static int edit_texts(struct app *app, const struct fu_target *t, const json_t *doc, json_t *body,
		      char **file, int *edited)
{
	char *now[FOLLOWUP_SECTIONS] = { NULL, NULL, NULL };
	struct strbuf err, got;
	int rc;

	*edited = 0;
	strbuf_init(&err, 4096);
	strbuf_init(&got, TEXT_LIMIT * 4);
	rc = write_doc(app, t, doc, file);
	if (rc != 0)
		goto out;
	if (followup_run_editor(followup_editor(), *file, &err) != 0) {
		output_error(&app->out, "%s; nothing was sent",
			     err.data ? err.data : "the editor failed");
		rc = CLI_ERROR;
		goto out;
	}
	*edited = 1;
	rc = cmd_read_file(app, *file, &got);
	if (rc != 0)
		goto out;
	if (followup_md_parse(got.data ? got.data : "", got.len, now, &err) != 0) {
		output_error(&app->out, "%s; nothing was sent",
			     err.data ? err.data : "cannot read the file");
		rc = CLI_USAGE;
		goto out;
	}
	for (int i = 0; i < FOLLOWUP_SECTIONS && rc == 0; i++) {
		const char *s = json_string_value(json_object_get(doc, followup_keys[i]));
		char *was = followup_trim(s ? s : "", s ? strlen(s) : 0);
		json_t *v;

		if (!was) {
			rc = cmd_oom(app);
		} else if (strcmp(was, now[i]) != 0) {
			v = json_string(now[i]);
			if (!v) {
				output_error(&app->out, "the edited file is not UTF-8 "
							"text; nothing was sent");
				rc = CLI_USAGE;
			} else if (json_object_set_new(body, followup_keys[i], v) != 0) {
				rc = cmd_oom(app);
			}
		}
		free(was);
	}
out:
	for (int i = 0; i < FOLLOWUP_SECTIONS; i++)
		free(now[i]);
	strbuf_cleanup(&err);
	strbuf_cleanup(&got);
	return rc;
}

/* The exit code of the PUT's answer, after printing any refusal. */
static int put_outcome(struct app *app, const struct fu_target *t, const struct http_response *resp)
{
	const char *env, *hint = NULL;

	if (resp->status >= 200 && resp->status < 300) {
		if (json_is_object(resp->json))
			return 0;
		output_error(&app->out, "the server sent a follow-up that is "
					"not an object");
		return CLI_ERROR;
	}
	/*
	 * With an explicit --output json the problem document is printed. A
	 * 409 (adopted meanwhile, or awaiting the styrgrupp's decision) is
	 * printed with the server's detail, which says which.
	 */
	if (!app->out.json_errors && resp->status == 412) {
		output_error(&app->out,
			     "the follow-up of %ld was changed by someone else "
			     "since it was read; nothing was saved, run the "
			     "command again to start from their version (412)",
			     t->year);
		return CLI_CONFLICT;
	}
	if (resp->status == 401) {
		env = getenv("SAMVERKAN_TOKEN");
		hint = env && env[0] ? "check SAMVERKAN_TOKEN" : "run 'samverkan login'";
	}
	return output_problem(&app->out, resp->status, resp->json, resp->retry_after,
			      resp->request_id, hint);
}

/* Removes from body every field whose value doc already has. */
static void drop_unchanged(json_t *body, const json_t *doc)
{
	const char *key;
	json_t *v, *tmp;

	json_object_foreach_safe(body, tmp, key, v) if (json_equal(v, json_object_get(doc, key)))
	    json_object_del(body, key);
}

/* The options of edit checked before anything is read or asked. */
static int edit_options(struct app *app, const struct cmd_args *a, int *use_editor)
{
	int nfiles = 0, nstdin = 0;
	int oral = args_has(a, "oral") || args_has(a, "no-oral");

	if (args_has(a, "oral") && args_has(a, "no-oral"))
		return cmd_usage_error(app, "--oral and --no-oral exclude "
					    "each other");
	for (int i = 0; i < FOLLOWUP_SECTIONS; i++) {
		const char *f = args_get(a, file_opts[i]);

		nfiles += f != NULL;
		nstdin += f && strcmp(f, "-") == 0;
	}
	if (nstdin > 1)
		return cmd_usage_error(app, "only one of the --*-file options "
					    "can read standard input ('-')");
	*use_editor = nfiles == 0;
	if (*use_editor && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) {
		/* Without a terminal only the flag can change. */
		if (!oral)
			return cmd_usage_error(app, "no terminal to run an editor on: give "
						    "the texts with --collaboration-file, "
						    "--implementation-file and/or "
						    "--results-file (FILE, or '-' for "
						    "standard input)");
		*use_editor = 0;
	}
	return 0;
}

static int run_edit(struct app *app, const struct cmd_args *a)
{
	struct fu_target t;
	struct request_opts get_ro, put_ro;
	struct http_response resp;
	json_t *body = NULL, *doc = NULL;
	char *file = NULL;
	int rc, use_editor = 0, edited = 0, answered = 0;

	target_init(&t);
	request_opts_init(&get_ro);
	request_opts_init(&put_ro);
	memset(&resp, 0, sizeof resp);
	rc = edit_options(app, a, &use_editor);
	if (rc != 0)
		goto out;
	body = json_object();
	if (!body) {
		rc = cmd_oom(app);
		goto out;
	}
	for (int i = 0; i < FOLLOWUP_SECTIONS && rc == 0; i++)
		if (args_has(a, file_opts[i]))
			rc = text_from_file(app, file_opts[i], args_get(a, file_opts[i]),
					    followup_keys[i], body);
	if (rc == 0 && (args_has(a, "oral") || args_has(a, "no-oral")) &&
	    json_object_set_new(body, "oral", json_boolean(args_has(a, "oral"))) != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = target_resolve(app, a, &t);
	if (rc == 0)
		rc = get_follow_up(app, &t, &get_ro, &doc);
	if (rc != 0)
		goto out;
	/* Said before anyone writes a text that cannot be saved. */
	if (is_adopted(doc)) {
		rc = adopted_error(app, &t);
		goto out;
	}
	if (use_editor) {
		rc = edit_texts(app, &t, doc, body, &file, &edited);
		if (rc != 0)
			goto out;
	}
	/* What is already so is not sent; when that is everything, nothing is. */
	drop_unchanged(body, doc);
	if (json_object_size(body) == 0) {
		output_note(&app->out, "nothing changed; nothing was sent");
		goto out;
	}
	put_ro.if_match = get_ro.etag;
	rc = request_send_opts(app, "PUT", t.path.data, body, &put_ro, &resp);
	answered = rc == 0;
	if (rc == 0)
		rc = put_outcome(app, &t, &resp);
	if (rc == 0 && !app->out.quiet)
		rc = print_follow_up(app, resp.json, t.year);
	if (rc == 0)
		request_note_etag(app, &put_ro);
out:
	if (file && rc != 0 && edited)
		output_error(&app->out, "your text is kept in %s", file);
	else if (file)
		(void)unlink(file);
	free(file);
	if (answered)
		http_response_cleanup(&resp);
	json_decref(body);
	json_decref(doc);
	request_opts_cleanup(&get_ro);
	request_opts_cleanup(&put_ro);
	target_cleanup(&t);
	return rc;
}

/* ---- report -------------------------------------------------------------- */

static int run_report(struct app *app, const struct cmd_args *a)
{
	const char *file = args_get(a, "output-file");
	enum followup_format f;
	struct fu_target t;
	int rc;

	rc = file ? cmd_output_file(app, "output-file", file) : 0;
	if (rc != 0)
		return rc;
	rc = followup_report_format(args_get(a, "format"), file, &f);
	if (rc == -2)
		return cmd_usage_error(app,
				       "cannot write the report as %s: the file name may end in "
				       ".md, .txt, .html or .csv, or have no extension",
				       file);
	if (rc != 0)
		return cmd_usage_error(app, "--format wants md, html or csv");
	target_init(&t);
	rc = target_resolve(app, a, &t);
	if (rc == 0 && strbuf_puts(&t.path, "/report") != 0)
		rc = cmd_oom(app);
	if (rc == 0)
		rc = cmd_download(app, t.path.data, followup_report_accept(f), file, 0644,
				  "the report");
	target_cleanup(&t);
	return rc;
}

/* ---- the table ----------------------------------------------------------- */

#define AGREEMENT_OPT                                             \
	{                                                         \
		"agreement", 0, OPT_VALUE, "ID", NULL,            \
		    "the agreement (id); default: the active one" \
	}

static const struct opt_def show_opts[] = {
	AGREEMENT_OPT,
};

static const struct opt_def edit_opts[] = {
	AGREEMENT_OPT,
	{ "collaboration-file", 0, OPT_VALUE, "FILE", NULL,
	  "the text of 'Hur samverkansformerna upplevs fungera' from a UTF-8 "
	  "file ('-': standard input)" },
	{ "implementation-file", 0, OPT_VALUE, "FILE", NULL,
	  "the text of 'Hur insatsernas genomförande har fungerat'" },
	{ "results-file", 0, OPT_VALUE, "FILE", NULL,
	  "the text of 'Bedömning av det resultat som insatserna har bidragit "
	  "till'" },
	{ "oral", 0, 0, NULL, NULL, "the follow-up is also presented orally" },
	{ "no-oral", 0, 0, NULL, NULL, "it is not presented orally" },
};

static const struct opt_def report_opts[] = {
	AGREEMENT_OPT,
	{ "format", 0, OPT_VALUE, "FORMAT", "md|html|csv",
	  "Markdown, a printable HTML page, or the statistics as CSV (';', "
	  "BOM); default: from the -o file's extension, else md" },
	{ "output-file", 'o', OPT_VALUE, "FILE", NULL,
	  "write to FILE (replaced only once the report is complete) instead "
	  "of standard output; after 'report', -o names the file, not the "
	  "--output format" },
};

static const struct cmd_verb followup_verbs[] = {
	{ "show", run_show, show_opts, CMD_COUNT(show_opts), 0, 1,
	  "followup show [YEAR] [--agreement ID]",
	  "Shows a year's follow-up (default: last year): draft or adopted, "
	  "the three texts, and a summary of the year's statistics; with "
	  "--output json the server's document with all statistics.",
	  "followup show 2025\n"
	  "followup show 2025 --output json | jq .statistics.meetings" },
	{ "edit", run_edit, edit_opts, CMD_COUNT(edit_opts), 0, 1,
	  "followup edit [YEAR] [--agreement ID] [--collaboration-file F] "
	  "[--implementation-file F] [--results-file F] [--oral | --no-oral]",
	  "Changes a draft follow-up (beredningsgrupp and up). Without file "
	  "options, on a terminal, opens $VISUAL or $EDITOR (default vi) on "
	  "the three texts as Markdown and sends what changed. Refused (exit "
	  "5) when adopted, or when someone else changed it meanwhile.",
	  "followup edit 2025\n"
	  "followup edit 2025 --collaboration-file samverkan.md "
	  "--implementation-file genomforande.md --results-file resultat.md "
	  "--oral" },
	{ "report", run_report, report_opts, CMD_COUNT(report_opts), 0, 1,
	  "followup report [YEAR] [--agreement ID] [--format md|html|csv] "
	  "[-o FILE]",
	  "Downloads the follow-up report: Markdown, one self-contained "
	  "printable HTML page, or the statistics as CSV. A draft is marked "
	  "UTKAST.",
	  "followup report 2025 -o uppfoljning-2025.html\n"
	  "followup report 2025 --format csv > statistik-2025.csv" },
};

const struct cmd_noun cmd_followup = { "followup",
				       "The yearly follow-up (uppföljning) "
				       "of the agreement.",
				       followup_verbs, CMD_COUNT(followup_verbs) };
