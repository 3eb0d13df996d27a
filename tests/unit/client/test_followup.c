/*
 * `followup` without a server (issue 6): the Markdown document edited in
 * $EDITOR read back into its three sections (a missing or doubled
 * heading, text before the first heading, another order, CRLF, a BOM,
 * numbered headings), written and read back unchanged, the editor run
 * through the shell with the file as its argument, the report format from
 * --format or the -o file's extension and the Accept header it asks with,
 * `followup edit` refusing to wait for an editor without a terminal, and
 * the follow-up printed as text with its statistics summed up.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "followup.h"

#define H1 "Hur samverkansformerna upplevs fungera"
#define H2 "Hur insatsernas genomförande har fungerat"
#define H3 "Bedömning av det resultat som insatserna har bidragit till"

/* ---- reading the edited document back ------------------------------------- */

struct parse_case {
	char name[48];
	char doc[512];
	int ok;
	char text[FOLLOWUP_SECTIONS][96]; /* when ok */
	char err[160];                    /* a part of the message otherwise */
};

ParameterizedTestParameters(followup, parse)
{
	static struct parse_case cases[] = {
		{ "as written",
		  "<!-- The follow-up of 2025. -->\n\n## " H1 "\n\nEtt.\n\n"
		  "## " H2 "\n\nTvå.\n\n## " H3 "\n\nTre.\n",
		  1,
		  { "Ett.", "Två.", "Tre." },
		  "" },
		{ "another order",
		  "## " H3 "\nTre.\n## " H1 "\nEtt.\n## " H2 "\nTvå.\n",
		  1,
		  { "Ett.", "Två.", "Tre." },
		  "" },
		{ "CRLF",
		  "## " H1 "\r\n\r\nRad ett.\r\nRad två.\r\n\r\n## " H2 "\r\n\r\n## " H3
		  "\r\n\r\nTre.\r\n",
		  1,
		  { "Rad ett.\nRad två.", "", "Tre." },
		  "" },
		{ "blank lines trimmed, inner kept",
		  "## " H1 "\n\n   \n  indragen\n\nstycke två\n\n\n  \n## " H2 "\n## " H3 "\n",
		  1,
		  { "  indragen\n\nstycke två", "", "" },
		  "" },
		{ "BOM, numbered and other levels",
		  "\xEF\xBB\xBF# 1. " H1 "  \nA\n### " H2 "\nB\n##\t3. " H3 "\t\nC",
		  1,
		  { "A", "B", "C" },
		  "" },
		{ "another heading is text",
		  "## " H1 "\n## Övrigt\nX\n## " H2 "\n## " H3 "\n",
		  1,
		  { "## Övrigt\nX", "", "" },
		  "" },
		{ "a comment and blanks before the first",
		  "\n<!-- a\n  b -->\n\n<!-- c -->\n## " H1 "\n## " H2 "\n## " H3 "\n",
		  1,
		  { "", "", "" },
		  "" },
		{ "text before the first heading",
		  "Inledning som skulle försvinna.\n## " H1 "\nA\n## " H2 "\nB\n## " H3 "\nC\n",
		  0,
		  { "", "", "" },
		  "text before the first heading" },
		{ "text after a comment before the first",
		  "<!-- ok -->\nmen inte detta\n## " H1 "\n## " H2 "\n## " H3 "\n",
		  0,
		  { "", "", "" },
		  "text before the first heading" },
		{ "an unclosed comment before the first",
		  "<!-- oj\n## " H1 "\n## " H2 "\n## " H3 "\n",
		  0,
		  { "", "", "" },
		  "text before the first heading" },
		{ "a missing heading",
		  "## " H1 "\nA\n## " H3 "\nC\n",
		  0,
		  { "", "", "" },
		  "the heading '## " H2 "' is missing" },
		{ "a changed heading",
		  "## " H1 "\nA\n## Hur insatserna fungerade\nB\n## " H3 "\nC\n",
		  0,
		  { "", "", "" },
		  "'## " H2 "' is missing" },
		{ "two missing",
		  "## " H2 "\nB\n",
		  0,
		  { "", "", "" },
		  "the headings '## " H1 "', '## " H3 "' are missing" },
		{ "empty", "", 0, { "", "", "" }, "are missing" },
		{ "a heading twice",
		  "## " H1 "\nA\n## " H2 "\nB\n## " H1 "\nA2\n## " H3 "\nC\n",
		  0,
		  { "", "", "" },
		  "'## " H1 "' is there twice" },
		{ "a heading without a space",
		  "##" H1 "\n## " H2 "\n## " H3 "\n",
		  0,
		  { "", "", "" },
		  "'## " H1 "' is missing" },
	};
	return cr_make_param_array(struct parse_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct parse_case *c, followup, parse, table_none, table_none)
{
	char *texts[FOLLOWUP_SECTIONS];
	struct strbuf err;
	int rc;

	strbuf_init(&err, 4096);
	rc = followup_md_parse(c->doc, strlen(c->doc), texts, &err);
	if (c->ok) {
		cr_assert_eq(rc, 0, "%s: %s", c->name, err.data);
		for (int i = 0; i < FOLLOWUP_SECTIONS; i++) {
			cr_expect_str_eq(texts[i], c->text[i], "%s: section %d", c->name, i + 1);
			free(texts[i]);
		}
	} else {
		cr_assert_eq(rc, -1, "%s: parsed", c->name);
		for (int i = 0; i < FOLLOWUP_SECTIONS; i++)
			cr_expect_null(texts[i]);
		cr_expect(err.data && strstr(err.data, c->err), "%s: %s", c->name, err.data);
	}
	strbuf_cleanup(&err);
}

Test(followup, written_and_read_back_unchanged)
{
	const char *const texts[FOLLOWUP_SECTIONS] = {
		"Samverkan i EST fungerar väl.\n\n- veckomöten\n- lägesbild",
		NULL,
		"\n\nOtryggheten minskade vid stationen.\r\n\r\n",
	};
	const char *const want[FOLLOWUP_SECTIONS] = { texts[0], "",
						      "Otryggheten minskade vid stationen." };
	char *got[FOLLOWUP_SECTIONS];
	struct strbuf md, err;

	strbuf_init(&md, 0);
	strbuf_init(&err, 4096);
	cr_assert_eq(followup_md_write(&md, 2025, texts), 0);
	cr_expect(strstr(md.data, "2025"), "%s", md.data);
	cr_expect(strstr(md.data, "\n## " H1 "\n\nSamverkan i EST"), "%s", md.data);
	cr_expect(strstr(md.data, "\n## " H2 "\n\n\n## " H3 "\n"),
		  "an empty section has a line to write on: %s", md.data);
	cr_assert_eq(followup_md_parse(md.data, md.len, got, &err), 0, "%s", err.data);
	for (int i = 0; i < FOLLOWUP_SECTIONS; i++) {
		cr_expect_str_eq(got[i], want[i], "section %d", i + 1);
		free(got[i]);
	}
	strbuf_cleanup(&md);
	strbuf_cleanup(&err);
}

Test(followup, trim)
{
	const char *in = "\r\n  \n\tA\r\n\r\nB  \n\n";
	char *t = followup_trim(in, strlen(in));

	cr_assert_str_eq(t, "\tA\n\nB");
	free(t);
	t = followup_trim("", 0);
	cr_assert_str_eq(t, "");
	free(t);
	t = followup_trim(" \n \n", 4);
	cr_assert_str_eq(t, "");
	free(t);
}

/* ---- the editor ------------------------------------------------------------- */

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/svk-test-followup.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

static char *read_all(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "cannot read %s", path);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(followup, the_editor_changes_the_file_and_it_is_read_back, .init = make_dir,
     .fini = remove_dir)
{
	const char *const texts[FOLLOWUP_SECTIONS] = { "Gammal text.", "B", "C" };
	char file[160], script[160], editor[200];
	char *got[FOLLOWUP_SECTIONS];
	struct strbuf md, err;

	strbuf_init(&md, 0);
	strbuf_init(&err, 4096);
	/* A name the shell must not parse: blanks, a quote and a '$'. */
	snprintf(file, sizeof file, "%s/it's a $HOME file.md", dir);
	snprintf(script, sizeof script, "%s/fake editor", dir);
	cr_assert_eq(followup_md_write(&md, 2025, texts), 0);
	write_file(file, md.data, 0600);
	write_file(script,
		   "#!/bin/sh\n"
		   "# a person editing: one line replaced\n"
		   "sed -i 's/^Gammal text\\.$/Ny text från editorn./' \"$1\"\n",
		   0755);

	/* An editor given with arguments, as EDITOR="code -w" is. */
	snprintf(editor, sizeof editor, "sh '%s'", script);
	cr_assert_eq(followup_run_editor(editor, file, &err), 0, "%s", err.data);
	cr_assert(strstr(read_all(file), "Ny text från editorn."), "%s", read_all(file));
	cr_assert_eq(followup_md_parse(read_all(file), strlen(read_all(file)), got, &err), 0, "%s",
		     err.data);
	cr_expect_str_eq(got[0], "Ny text från editorn.");
	cr_expect_str_eq(got[1], "B");
	cr_expect_str_eq(got[2], "C");
	for (int i = 0; i < FOLLOWUP_SECTIONS; i++)
		free(got[i]);

	cr_assert_eq(followup_run_editor("sed -i -e s/^B$/Bb/", file, &err), 0, "%s", err.data);
	cr_expect(strstr(read_all(file), "\nBb\n"), "%s", read_all(file));
	strbuf_cleanup(&md);
	strbuf_cleanup(&err);
}

Test(followup, a_failing_or_missing_editor_is_an_error, .init = make_dir, .fini = remove_dir)
{
	char file[160];
	struct strbuf err;

	snprintf(file, sizeof file, "%s/f.md", dir);
	write_file(file, "x\n", 0600);
	strbuf_init(&err, 4096);
	cr_expect_eq(followup_run_editor("false", file, &err), -1);
	cr_expect(err.data && strstr(err.data, "exited with status 1"), "%s", err.data);
	err.len = 0;
	cr_expect_eq(followup_run_editor("/nonexistent/editor", file, &err), -1);
	cr_expect(err.data && strstr(err.data, "cannot run the editor "
					       "'/nonexistent/editor'"),
		  "%s", err.data);
	strbuf_cleanup(&err);
}

Test(followup, which_editor)
{
	cr_assert_eq(unsetenv("VISUAL"), 0);
	cr_assert_eq(unsetenv("EDITOR"), 0);
	cr_expect_str_eq(followup_editor(), "vi");
	cr_assert_eq(setenv("EDITOR", "nano", 1), 0);
	cr_expect_str_eq(followup_editor(), "nano");
	cr_assert_eq(setenv("VISUAL", "code -w", 1), 0);
	cr_expect_str_eq(followup_editor(), "code -w");
	cr_assert_eq(setenv("VISUAL", "", 1), 0);
	cr_expect_str_eq(followup_editor(), "nano", "an empty VISUAL");
}

/* ---- the report format ------------------------------------------------------ */

struct format_case {
	char format[8]; /* "" when not given */
	char file[48];  /* "" when not given */
	int rc;
	enum followup_format want;
	char accept[16];
};

ParameterizedTestParameters(followup, report_format)
{
	static struct format_case cases[] = {
		{ "", "", 0, FOLLOWUP_MD, "text/markdown" },
		{ "", "-", 0, FOLLOWUP_MD, "text/markdown" },
		{ "", "uppfoljning.html", 0, FOLLOWUP_HTML, "text/html" },
		{ "", "UPPFOLJNING.HTM", 0, FOLLOWUP_HTML, "text/html" },
		{ "", "ut/statistik.csv", 0, FOLLOWUP_CSV, "text/csv" },
		{ "", "rapport.md", 0, FOLLOWUP_MD, "text/markdown" },
		{ "", "rapport.txt", 0, FOLLOWUP_MD, "text/markdown" },
		{ "", "rapport", 0, FOLLOWUP_MD, "text/markdown" },
		{ "", "ut.html/rapport", 0, FOLLOWUP_MD, "text/markdown" },
		{ "", "rapport.csv.md", 0, FOLLOWUP_MD, "text/markdown" },
		{ "", "rapport.pdf", -2, FOLLOWUP_MD, "" },
		{ "md", "rapport.docx", -2, FOLLOWUP_MD, "" },
		{ "", ".profile", 0, FOLLOWUP_MD, "text/markdown" },
		{ "html", "", 0, FOLLOWUP_HTML, "text/html" },
		{ "csv", "", 0, FOLLOWUP_CSV, "text/csv" },
		{ "md", "rapport.html", 0, FOLLOWUP_MD, "text/markdown" },
		{ "html", "rapport.csv", 0, FOLLOWUP_HTML, "text/html" },
		{ "pdf", "", -1, FOLLOWUP_MD, "" },
		{ "HTML", "", -1, FOLLOWUP_MD, "" },
	};
	return cr_make_param_array(struct format_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct format_case *c, followup, report_format, table_none, table_none)
{
	enum followup_format f = FOLLOWUP_CSV;
	int rc = followup_report_format(c->format[0] ? c->format : NULL,
					c->file[0] ? c->file : NULL, &f);

	cr_assert_eq(rc, c->rc, "--format '%s' -o '%s'", c->format, c->file);
	if (rc != 0)
		return;
	cr_expect_eq(f, c->want, "--format '%s' -o '%s'", c->format, c->file);
	cr_expect_str_eq(followup_report_accept(f), c->accept);
}

/* ---- edit without a terminal ------------------------------------------------ */

static void no_terminal(void)
{
	int fd = open("/dev/null", O_RDWR);

	make_dir();
	cr_assert(fd >= 0);
	cr_assert(dup2(fd, STDIN_FILENO) >= 0 && dup2(fd, STDOUT_FILENO) >= 0);
	close(fd);
	cr_assert_eq(setenv("XDG_CONFIG_HOME", dir, 1), 0);
	cr_assert_eq(unsetenv("SAMVERKAN_SERVER"), 0);
	cr_assert_eq(unsetenv("SAMVERKAN_TOKEN"), 0);
}

static int run_cli(const char *const args[], char **err_text)
{
	struct app app;
	char *argv[16];
	size_t elen = 0;
	int argc = 0, rc;

	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	*err_text = NULL;
	app_init(&app);
	app.out.out = fopen("/dev/null", "w");
	app.out.err = open_memstream(err_text, &elen);
	cr_assert(app.out.out && app.out.err);
	rc = cli_run(&app, argc, argv);
	app_cleanup(&app);
	fclose(app.out.out);
	fclose(app.out.err);
	return rc;
}

Test(followup, edit_without_a_terminal_wants_the_file_options, .init = no_terminal,
     .fini = remove_dir)
{
	static const char *const bare[] = {
		"followup", "edit", "2025", "--server", "https://127.0.0.1:1", NULL
	};
	static const char *const both[] = {
		"followup", "edit", "2025", "--oral", "--no-oral", NULL
	};
	static const char *const stdin_twice[] = {
		"followup", "edit", "--collaboration-file", "-", "--results-file", "-", NULL
	};
	static const char *const bad_year[] = {
		"followup", "show", "förra", "--server", "https://127.0.0.1:1", NULL
	};
	char *err;

	cr_expect_eq(run_cli(bare, &err), CLI_USAGE, "%s", err);
	cr_expect(strstr(err, "--collaboration-file"), "%s", err);
	cr_expect(strstr(err, "no terminal"), "%s", err);
	free(err);
	cr_expect_eq(run_cli(both, &err), CLI_USAGE, "%s", err);
	cr_expect(strstr(err, "--oral and --no-oral"), "%s", err);
	free(err);
	cr_expect_eq(run_cli(stdin_twice, &err), CLI_USAGE, "%s", err);
	cr_expect(strstr(err, "standard input"), "%s", err);
	free(err);
	cr_expect_eq(run_cli(bad_year, &err), CLI_USAGE, "%s", err);
	cr_expect(strstr(err, "YEAR wants a year"), "%s", err);
	free(err);
}

/* ---- the follow-up as text --------------------------------------------------- */

static char *print_doc(const char *json, long year)
{
	json_t *doc = json_loads(json, 0, NULL);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(doc, "bad test JSON");
	cr_assert_not_null(f);
	cr_assert_eq(followup_print(f, doc, year), 0);
	fclose(f);
	json_decref(doc);
	return out;
}

Test(followup, printed_with_its_statistics)
{
	static const char doc[] =
	    "{\"year\":2025,\"collaboration\":\"Rad ett.\\n\\nRad "
	    "\\u001b[31mtvå.\",\"implementation\":\"\",\"results\":\"R\","
	    "\"oral\":true,\"status\":\"adopted\",\"adopted_at\":"
	    "\"2026-03-01T10:00:00Z\",\"proposal\":\"p-1\",\"created_at\":"
	    "\"2026-01-01T08:00:00Z\",\"updated_at\":\"2026-02-01T08:00:00Z\","
	    "\"statistics\":{\"year\":2025,"
	    "\"interventions\":{\"total\":5,\"planned\":1,\"ongoing\":2,"
	    "\"done\":1,\"cancelled\":1,\"green\":2,\"yellow\":1,\"red\":2,"
	    "\"overdue\":1,\"hours\":20.5,\"rows\":[]},"
	    "\"updates\":{\"logged\":3,\"communicated\":2,\"hours\":5},"
	    "\"meetings\":[{\"group\":\"styrgrupp\",\"name\":\"Styrgrupp\","
	    "\"tier\":\"styrgrupp\",\"held\":1,\"expected\":1},"
	    "{\"group\":\"beredningsgrupp\",\"name\":\"Beredningsgrupp\","
	    "\"tier\":\"beredningsgrupp\",\"held\":4,\"expected\":null},"
	    "{\"group\":\"est-sigtuna\",\"name\":\"EST Sigtuna\",\"tier\":"
	    "\"arbetsgrupp\",\"held\":3,\"expected\":52}],"
	    "\"incidents\":{\"total\":5,\"previous_year\":3,\"rows\":[]},"
	    "\"proposals\":{\"approved\":2,\"rejected\":1,\"returned\":1,"
	    "\"extensions_applied\":1}}}";
	char *out = print_doc(doc, 2025);

	cr_expect(strstr(out, "Uppföljning 2025\n"), "%s", out);
	cr_expect(strstr(out, "  Status          adopted 2026-03-01 11:00 "
			      "(proposal p-1)\n"),
		  "in Swedish local time: %s", out);
	cr_expect(strstr(out, "  Last saved      2026-02-01 09:00"), "%s", out);
	cr_expect(strstr(out, "  Oral            yes\n"), "%s", out);
	cr_expect(strstr(out, "\n1. " H1 "\n  Rad ett.\n\n  Rad  [31mtvå.\n"),
		  "an escape sequence got through: %s", out);
	cr_expect(strstr(out, "\n2. " H2 "\n  (nothing written yet)\n"), "%s", out);
	cr_expect(strstr(out, "\n3. " H3 "\n  R\n"), "%s", out);
	cr_expect(strstr(out, "\nStatistics 2025\n"
			      "  Interventions   5: 1 planned, 2 ongoing, 1 "
			      "done, 1 cancelled\n"
			      "                  2 green, 1 yellow, 2 red; 1 "
			      "overdue; 20.5 hours\n"
			      "  Updates         3 logged, 2 communicated; 5 "
			      "hours\n"
			      "  Meetings        Styrgrupp: 1 held, 1 expected\n"
			      "                  Beredningsgrupp: 4 held\n"
			      "                  EST Sigtuna: 3 held, 52 "
			      "expected\n"
			      "  Incidents       5 (2024: 3; +2)\n"
			      "  Proposals       2 approved, 1 rejected, 1 "
			      "returned; 1 extension applied\n"),
		  "%s", out);
	free(out);
}

Test(followup, printed_as_an_empty_draft_without_statistics)
{
	char *out = print_doc("{\"year\":2024,\"collaboration\":\"\","
			      "\"implementation\":null,\"status\":\"draft\","
			      "\"oral\":false,\"updated_at\":null}",
			      2024);

	cr_expect(strstr(out, "  Status          draft (UTKAST, not "
			      "adopted)\n"),
		  "%s", out);
	cr_expect(strstr(out, "  Oral            no\n"), "%s", out);
	cr_expect(strstr(out, "  Last saved      never\n"), "%s", out);
	cr_expect(strstr(out, "\n3. " H3 "\n  (nothing written yet)\n"), "%s", out);
	cr_expect_null(strstr(out, "Statistics"), "%s", out);
	free(out);
}
