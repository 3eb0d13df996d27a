/*
 * The follow-up and audit commands of the CLI (SPEC §2, §3, §8; issue 6)
 * against the real daemon: the beredningsgrupp writes the 2025 follow-up
 * from three files and it is stored; the report is downloaded as HTML,
 * CSV and Markdown (the format from --format or the file's extension) and
 * a refused download leaves no file; an arbetsgrupp member's edit exits 3
 * and an adopted follow-up's 5, storing nothing; the styrgrupp reads the
 * audit log and the beredningsgrupp may not; verify exits 0 on an intact
 * log and 1, naming the entry, on an altered one.
 *
 * The editor path of `followup edit` needs a terminal, which cli_v does
 * not give the CLI: here util-linux `script` gives it one (the test is
 * skipped without it), and tests/unit/client/test_followup.c runs a fake
 * editor on the document too.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "vocab.h"

#define H1 VOCAB_FOLLOWUP_HEADING_1
#define H2 VOCAB_FOLLOWUP_HEADING_2
#define H3 VOCAB_FOLLOWUP_HEADING_3

static struct env e;

/*
 * `followup edit` without --agreement edits the agreement in force: each
 * test first makes sure there is one (agreement_in_force), whatever day
 * the suite runs.
 */
ENV_SHARED_SUITE_OPTS(followup_cli, e, &(struct env_opts){ .need_cli = true }, .timeout = 180);

/* The CLI as the user whose token this is. */
#define cli_as(tok_, ...)                                                                          \
	cli_v(                                                                                     \
	    &e,                                                                                    \
	    &(struct cli_opts){ .home = "fu", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", (tok_)) } }, \
	    (const char *const[]){ __VA_ARGS__, NULL })

static const char *show(const struct proc *p)
{
	return strf(&e, "exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s", p->status, p->out,
		    p->err);
}

static const char *write_file(const char *name, const char *text)
{
	const char *path = strf(&e, "%s/%s", e.dir, name);
	FILE *f = fopen(path, "w");

	cr_assert(f, "cannot write %s", path);
	cr_assert(fputs(text, f) >= 0);
	cr_assert_eq(fclose(f), 0);
	return path;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert(f, "cannot read %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return env_keep(&e, buf, free);
}

/* A fresh directory for downloads, so leftovers can be counted. */
static const char *out_dir(const char *name)
{
	const char *d = strf(&e, "%s/%s", e.dir, name);

	cr_assert_eq(mkdir(d, 0755), 0, "cannot make %s", d);
	return d;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	cr_assert(d, "cannot list %s", dir);
	for (de = readdir(d); de; de = readdir(d))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static long follow_ups(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.follow_ups");
}

/* Edits 2025 from three files as tok; the process. */
static struct proc *edit_from_files(const char *tok)
{
	const char *f1 = write_file("samverkan.md", "Samverkan i EST fungerar väl.\n\n"
						    "Veckomötena hålls.\n");
	const char *f2 = write_file("genomforande.md", "De flesta insatser genomfördes.\n");
	const char *f3 = write_file("resultat.md", "\nOtryggheten minskade vid stationen.\n\n");

	return cli_as(tok, "followup", "edit", "2025", "--collaboration-file", f1,
		      "--implementation-file", f2, "--results-file", f3, "--oral");
}

Test(followup_cli, the_beredningsgrupp_edits_from_files)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	struct sqlres *q;
	struct proc *p;
	json_t *doc;

	agreement_in_force(&e, 30);
	p = edit_from_files(ber);
	cr_assert_eq(p->status, 0, "%s", show(p));
	/* Not a terminal: the updated follow-up as JSON. */
	doc = json_loads(p->out, 0, NULL);
	cr_assert(doc, "stdout is not JSON: %s", show(p));
	env_keep(&e, doc, (void (*)(void *))json_decref);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "results")),
			 "Otryggheten minskade vid stationen.");
	cr_expect(json_is_object(json_object_get(doc, "statistics")), "%s", p->out);

	q = sql_query(&e, "SELECT collaboration, implementation, results, oral::text, status "
			  "FROM svk.follow_ups WHERE year = 2025");
	cr_assert(q->ok && q->nrows == 1, "%s", q->error ? q->error : "no row");
	cr_expect_str_eq(sql_cell(q, 0, 0), "Samverkan i EST fungerar väl.\n\nVeckomötena hålls.");
	cr_expect_str_eq(sql_cell(q, 0, 1), "De flesta insatser genomfördes.");
	cr_expect_str_eq(sql_cell(q, 0, 2), "Otryggheten minskade vid stationen.");
	cr_expect_str_eq(sql_cell(q, 0, 3), "true");
	cr_expect_str_eq(sql_cell(q, 0, 4), "draft");

	/* The table: status, the texts under their headings, statistics. */
	p = cli_as(ber, "followup", "show", "2025", "-o", "table");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "Uppföljning 2025"), "%s", show(p));
	cr_expect(strstr(p->out, "draft (UTKAST"), "%s", show(p));
	cr_expect(strstr(p->out, "1. " H1 "\n  Samverkan i EST fungerar väl.\n\n  Veckomötena"),
		  "%s", show(p));
	cr_expect(strstr(p->out, "2. " H2 "\n"), "%s", show(p));
	cr_expect(strstr(p->out, "3. " H3 "\n  Otryggheten"), "%s", show(p));
	cr_expect(strstr(p->out, "Oral") && strstr(p->out, "yes"), "%s", show(p));
	cr_expect(strstr(p->out, "Statistics 2025"), "%s", show(p));
	cr_expect(strstr(p->out, "EST Sigtuna: 0 held, 52 expected"), "%s", show(p));
	cr_expect(strstr(p->out, "Incidents") && strstr(p->out, "(2024: 0; +0)"), "%s", show(p));

	/* Only the flag, without a terminal: no editor is needed. */
	p = cli_as(ber, "--quiet", "followup", "edit", "2025", "--no-oral");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect_str_eq(p->out, "", "--quiet printed the follow-up");
	cr_expect_str_eq(sql_value(&e, "SELECT oral::text FROM svk.follow_ups WHERE year = 2025"),
			 "false");
	cr_expect_str_eq(sql_value(&e, "SELECT results FROM svk.follow_ups WHERE year = 2025"),
			 "Otryggheten minskade vid stationen.", "the texts were touched");

	/* Without a terminal and without texts: told to give the files. */
	p = cli_as(ber, "followup", "edit", "2025");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "--collaboration-file"), "%s", show(p));

	/* A year outside the agreement: the server's 422 field error. */
	p = cli_as(ber, "followup", "show", "2022");
	cr_expect_eq(p->status, 6, "%s", show(p));
	cr_expect(strstr(p->err, "year"), "%s", show(p));
}

Test(followup_cli, the_report_as_html_csv_and_markdown)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *nobody = user_in_group(&e, "ny.anvandare", "sigtuna", NULL, NULL);
	const char *dir = out_dir("out");
	const char *html = strf(&e, "%s/uppfoljning.html", dir);
	const char *csv = strf(&e, "%s/statistik.csv", dir);
	const char *md = strf(&e, "%s/uppfoljning", dir);
	const char *body;
	struct stat st;
	struct proc *p;

	agreement_in_force(&e, 30);
	p = edit_from_files(ber);
	cr_assert_eq(p->status, 0, "%s", show(p));

	p = cli_as(ber, "followup", "report", "2025", "--format", "html", "-o", html);
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->err, "Wrote the report to"), "%s", show(p));
	body = read_file(html);
	cr_expect(strncmp(body, "<!DOCTYPE html>", 15) == 0, "%.80s", body);
	cr_expect(strstr(body, H1) && strstr(body, H2) && strstr(body, H3), "%s", body);
	cr_expect(strstr(body, "UTKAST"), "a draft not marked");
	cr_expect(strstr(body, "Otryggheten minskade vid stationen."));
	cr_expect_null(strstr(body, "http"), "the page refers to something outside itself");
	cr_assert_eq(stat(html, &st), 0);
	mode_t mask = umask(0);
	umask(mask);
	cr_expect_eq(st.st_mode & 0777, 0644 & ~mask, "mode %o", st.st_mode & 0777);

	p = cli_as(ber, "followup", "report", "2025", "--format", "csv", "-o", csv);
	cr_assert_eq(p->status, 0, "%s", show(p));
	body = read_file(csv);
	cr_expect(strncmp(body,
			  "\xEF\xBB\xBF"
			  "avsnitt;kommun;avser;mått;värde\r\n",
			  37) == 0,
		  "%.80s", body);

	/* The format from the extension; Markdown by default. */
	p = cli_as(ber, "followup", "report", "2025", "--output-file", md);
	cr_assert_eq(p->status, 0, "%s", show(p));
	body = read_file(md);
	cr_expect(strncmp(body, "# Uppföljning 2025", 18) == 0, "%.80s", body);
	cr_expect(strstr(body, "## 1. " H1), "%s", body);
	cr_expect(strstr(body, "UTKAST"));
	p = cli_as(ber, "followup", "report", "2025", "-o", strf(&e, "%s/igen.HTM", dir));
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strncmp(read_file(strf(&e, "%s/igen.HTM", dir)), "<!DOCTYPE html>", 15) == 0);
	p = cli_as(ber, "followup", "report", "2025");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strncmp(p->out, "# Uppföljning 2025", 18) == 0, "%.80s", p->out);
	cr_expect(strstr(p->out, "De flesta insatser genomfördes."), "%s", p->out);
	cr_expect_eq(entries(dir), 4, "a temporary file was left behind");

	/* Refused (no tier): exit 3, and no file, not even an empty one. */
	p = cli_as(nobody, "followup", "report", "2025", "-o", strf(&e, "%s/nej.html", dir));
	cr_expect_eq(p->status, 3, "%s", show(p));
	cr_expect_eq(entries(dir), 4, "a refused download left a file");
}

Test(followup_cli, an_arbetsgrupp_member_cannot_edit)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct proc *p;

	agreement_in_force(&e, 30);
	p = edit_from_files(est);
	cr_expect_eq(p->status, 3, "%s", show(p));
	cr_expect(strstr(p->err, "forbidden"), "%s", show(p));
	cr_expect_eq(follow_ups(), 0, "something was stored");
	/* Reading is for any tier. */
	p = cli_as(est, "followup", "show", "2025", "-o", "json");
	cr_expect_eq(p->status, 0, "%s", show(p));
}

Test(followup_cli, an_adopted_follow_up_is_read_only)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *f = write_file("nytt.md", "Ändrat efter antagandet.\n");
	struct proc *p;

	agreement_in_force(&e, 30);
	p = edit_from_files(ber);
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_assert(sql_query(&e, "UPDATE svk.follow_ups SET status = 'adopted', adopted_at = now() "
				"WHERE year = 2025")
		      ->ok);

	p = cli_as(ber, "followup", "edit", "2025", "--results-file", f);
	cr_expect_eq(p->status, 5, "%s", show(p));
	cr_expect(strstr(p->err, "adopted and read-only"), "%s", show(p));
	cr_expect_eq(lines(p->err), 1, "%s", show(p));
	p = cli_as(ber, "followup", "edit", "2025", "--no-oral");
	cr_expect_eq(p->status, 5, "%s", show(p));
	cr_expect_str_eq(sql_value(&e, "SELECT results FROM svk.follow_ups WHERE year = 2025"),
			 "Otryggheten minskade vid stationen.");
	cr_expect_str_eq(sql_value(&e, "SELECT oral::text FROM svk.follow_ups WHERE year = 2025"),
			 "true");

	p = cli_as(ber, "followup", "show", "2025", "-o", "table");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "adopted 20"), "%s", show(p));
	p = cli_as(ber, "followup", "report", "2025");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect_null(strstr(p->out, "UTKAST"), "%s", p->out);
}

Test(followup_cli, a_follow_up_awaiting_its_decision_is_not_edited)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *f = write_file("under.md", "Ändrat medan styrgruppen beslutar.\n");
	const char *id;
	struct proc *p;

	agreement_in_force(&e, 30);
	p = edit_from_files(ber);
	cr_assert_eq(p->status, 0, "%s", show(p));
	p = cli_as(ber, "proposals", "create", "--kind", "follow_up", "--year", "2025", "--title",
		   "Uppföljning 2025", "-o", "json");
	cr_assert_eq(p->status, 0, "%s", show(p));
	id = sql_value(&e, "SELECT id::text FROM svk.proposals WHERE kind = 'follow_up'");
	p = cli_as(ber, "proposals", "submit", id);
	cr_assert_eq(p->status, 0, "%s", show(p));

	p = cli_as(ber, "followup", "edit", "2025", "--results-file", f);
	cr_expect_eq(p->status, 5, "%s", show(p));
	cr_expect(strstr(p->err, "awaits the styrgrupp's decision"), "%s", show(p));
	cr_expect(strstr(p->err, id), "the refusal does not name the proposal: %s", show(p));
	cr_expect_eq(lines(p->err), 1, "%s", show(p));
	cr_expect_str_eq(sql_value(&e, "SELECT results FROM svk.follow_ups WHERE year = 2025"),
			 "Otryggheten minskade vid stationen.");

	p = cli_as(ber, "proposals", "withdraw", id);
	cr_assert_eq(p->status, 0, "%s", show(p));
	p = cli_as(ber, "followup", "edit", "2025", "--results-file", f);
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect_str_eq(sql_value(&e, "SELECT results FROM svk.follow_ups WHERE year = 2025"),
			 "Ändrat medan styrgruppen beslutar.");
}

Test(followup_cli, the_styrgrupp_reads_the_audit_log_and_verifies_it)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *sty = user_in_group(&e, "sven.sty", "sigtuna", "styrgrupp", "member");
	const char *seq;
	struct proc *p;
	json_t *doc;

	agreement_in_force(&e, 30);
	p = edit_from_files(ber);
	cr_assert_eq(p->status, 0, "%s", show(p));

	p = cli_as(sty, "audit", "list", "--action", "follow_up.update", "-o", "table");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "follow_up.update"), "%s", show(p));
	cr_expect(strstr(p->out, "bo.ber") && strstr(p->out, "polisen"), "%s", show(p));
	cr_expect(strstr(p->out, "SEQ") && strstr(p->out, "ENTITY ID"), "%s", show(p));
	p = cli_as(sty, "audit", "list", "--action", "follow_up.update", "-o", "json");
	cr_assert_eq(p->status, 0, "%s", show(p));
	doc = json_loads(p->out, 0, NULL);
	cr_assert(json_is_array(doc), "%s", show(p));
	env_keep(&e, doc, (void (*)(void *))json_decref);
	cr_expect_eq(json_array_size(doc), 1, "%s", p->out);

	/* Pages: the next one is said on stderr. */
	p = cli_as(sty, "audit", "list", "--limit", "1", "-o", "json");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->err, "more: repeat with --cursor "), "%s", show(p));

	p = cli_as(ber, "audit", "list", "--action", "follow_up.update");
	cr_expect_eq(p->status, 3, "the beredningsgrupp reads the log: %s", show(p));
	p = cli_as(ber, "audit", "verify");
	cr_expect_eq(p->status, 3, "%s", show(p));

	p = cli_as(sty, "audit", "verify", "-o", "table");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, strf(&e, "audit log intact: %ld entries\n",
				      sql_count(&e, "SELECT count(*) FROM svk.audit"))),
		  "%s", show(p));

	seq = sql_value(&e, "SELECT min(seq)::text FROM svk.audit");
	cr_assert(sql_query(&e, "UPDATE svk.audit SET after = '{\"x\":1}' "
				"WHERE seq = (SELECT min(seq) FROM svk.audit)")
		      ->ok);
	p = cli_as(sty, "audit", "verify", "-o", "table");
	cr_expect_eq(p->status, 1, "%s", show(p));
	cr_expect(strstr(p->out, strf(&e, "audit log broken at entry %s (chain ", seq)), "%s",
		  show(p));
	cr_expect(strstr(p->out, "changed"), "%s", show(p));
	p = cli_as(sty, "audit", "verify", "-o", "json");
	cr_expect_eq(p->status, 1, "%s", show(p));
	doc = json_loads(p->out, 0, NULL);
	cr_assert(json_is_object(doc), "%s", show(p));
	env_keep(&e, doc, (void (*)(void *))json_decref);
	cr_expect(json_is_false(json_object_get(doc, "ok")), "%s", p->out);
	cr_expect_str_eq(
	    strf(&e, "%lld", (long long)json_integer_value(json_object_get(doc, "first_bad_seq"))),
	    seq, "%s", p->out);
}

/* ---- the editor, on a terminal ----------------------------------------------- */

#define SCRIPT "/usr/bin/script"

/* `followup edit 2025` as tok on a pseudo-terminal, with EDITOR=editor. */
static struct proc *edit_on_terminal(const char *tok, const char *editor, const char *tmpdir)
{
	const char *argv[] = { SCRIPT, "-qec",
			       strf(&e, "%s/client/samverkan followup edit 2025",
				    harness_build_dir()),
			       "/dev/null", NULL };
	const char *home = cli_home_dir(&e, "fu");
	const char *envset[] = {
		strf(&e, "SAMVERKAN_SERVER=%s", e.base_url),
		strf(&e, "SAMVERKAN_CACERT=%s", e.cacert),
		strf(&e, "SAMVERKAN_TOKEN=%s", tok),
		strf(&e, "XDG_CONFIG_HOME=%s", home),
		strf(&e, "HOME=%s", home),
		strf(&e, "EDITOR=%s", editor),
		strf(&e, "TMPDIR=%s", tmpdir),
		"SHELL=/bin/sh",
		"LANG=C.UTF-8",
		"VISUAL",
		"SAMVERKAN_OUTPUT",
		"LC_ALL",
		NULL,
	};

	return proc_run(&e, argv, envset, NULL, 60000);
}

static const char *editor_script(const char *name, const char *body)
{
	const char *path = write_file(name, strf(&e, "#!/bin/sh\n%s\n", body));

	cr_assert_eq(chmod(path, 0755), 0);
	return path;
}

Test(followup_cli, the_editor_on_a_terminal)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *tmp = out_dir("tmp");
	const char *seen = strf(&e, "%s/seen.md", e.dir);
	const char *edits, *none, *breaks;
	struct proc *p;

	agreement_in_force(&e, 30);
	if (access(SCRIPT, X_OK) != 0)
		cr_skip_test("no %s to give the CLI a terminal", SCRIPT);
	p = edit_from_files(ber);
	cr_assert_eq(p->status, 0, "%s", show(p));
	edits = editor_script("fake-editor", strf(&e,
						  "stat -c %%a \"$1\" > '%s.mode'\n"
						  "sed -i 's/^De flesta insatser genomfördes\\.$/"
						  "Alla insatser genomfördes./' \"$1\"\n"
						  "cp \"$1\" '%s'",
						  seen, seen));
	p = edit_on_terminal(ber, edits, tmp);
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(read_file(seen), "## " H2 "\n\nAlla insatser genomfördes.\n"), "%s",
		  read_file(seen));
	cr_expect(strstr(read_file(seen), "## " H1 "\n\nSamverkan i EST fungerar väl.\n"), "%s",
		  read_file(seen));
	cr_expect_str_eq(read_file(strf(&e, "%s.mode", seen)), "600\n");
	cr_expect_str_eq(
	    sql_value(&e, "SELECT implementation FROM svk.follow_ups WHERE year = 2025"),
	    "Alla insatser genomfördes.");
	cr_expect_str_eq(
	    sql_value(&e, "SELECT collaboration FROM svk.follow_ups WHERE year = 2025"),
	    "Samverkan i EST fungerar väl.\n\nVeckomötena hålls.");
	cr_expect(strstr(p->out, "Uppföljning 2025") && strstr(p->out, "Alla insatser"),
		  "printed as by show: %s", show(p));
	cr_expect_eq(entries(tmp), 0, "the file edited was left behind");
	long updates = sql_count(
	    &e, "SELECT count(*) FROM svk.audit WHERE action = 'follow_up.update'");

	/* Nothing changed: nothing is sent. */
	none = editor_script("no-change", "exit 0");
	p = edit_on_terminal(ber, none, tmp);
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "nothing changed"), "%s", show(p));
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'follow_up.update'"),
	    updates, "a PUT without changes");
	cr_expect_eq(entries(tmp), 0);

	/* A heading removed: named, nothing sent, the text kept. */
	breaks = editor_script("breaks", "sed -i '/^## Hur insatsernas/d; s/^Alla/Inga/' \"$1\"");
	p = edit_on_terminal(ber, breaks, tmp);
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->out, "'## " H2 "' is missing"), "%s", show(p));
	cr_expect(strstr(p->out, "your text is kept in"), "%s", show(p));
	cr_expect_eq(entries(tmp), 1, "the text written was not kept");
	cr_expect_str_eq(
	    sql_value(&e, "SELECT implementation FROM svk.follow_ups WHERE year = 2025"),
	    "Alla insatser genomfördes.");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'follow_up.update'"),
	    updates);
}
