/*
 * The follow-up's editing document, its editor, its text for a terminal
 * and the report format (see followup.h). The document is plain Markdown
 * so that any editor shows it well and the text pasted into it comes back
 * as written; the headings are the agreement's own questions, so the
 * person edits what will be printed.
 */
#include "followup.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"
#include "swetime.h"
#include "text.h"
#include "vocab.h"

const char *const followup_keys[FOLLOWUP_SECTIONS] = {
	VOCAB_FOLLOWUP_KEY_1,
	VOCAB_FOLLOWUP_KEY_2,
	VOCAB_FOLLOWUP_KEY_3,
};

const char *const followup_headings[FOLLOWUP_SECTIONS] = {
	VOCAB_FOLLOWUP_HEADING_1,
	VOCAB_FOLLOWUP_HEADING_2,
	VOCAB_FOLLOWUP_HEADING_3,
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_space(s[i]))
			return 0;
	return 1;
}

char *followup_trim(const char *text, size_t len)
{
	char *copy = malloc(len + 1), *p, *end;
	size_t n = 0;

	if (!copy)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
			copy[n++] = text[i];
	copy[n] = '\0';
	/* Whole blank lines at the start: an indented first line stays. */
	p = copy;
	for (;;) {
		char *nl = strchr(p, '\n');

		if (!nl || !all_space(p, (size_t)(nl - p)))
			break;
		p = nl + 1;
	}
	end = copy + n;
	while (end > p && is_space(end[-1]))
		end--;
	memmove(copy, p, (size_t)(end - p));
	copy[end - p] = '\0';
	return copy;
}

int followup_md_write(struct strbuf *sb, long year, const char *const texts[FOLLOWUP_SECTIONS])
{
	if (strbuf_printf(sb,
			  "<!-- The follow-up of %ld. Write under each of the "
			  "three headings and keep\n     the headings as they "
			  "are. Nothing is sent if nothing changes. -->\n\n",
			  year) != 0)
		return -1;
	for (int i = 0; i < FOLLOWUP_SECTIONS; i++) {
		char *t = texts[i] ? followup_trim(texts[i], strlen(texts[i])) : NULL;
		int rc = strbuf_printf(sb, "%s## %s\n\n", i ? "\n" : "", followup_headings[i]);

		if (rc == 0 && t && t[0])
			rc = strbuf_printf(sb, "%s\n", t);
		if (texts[i] && !t)
			rc = -1;
		free(t);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Which section line (n bytes, no '\n') is the heading of, or -1. */
static int heading_of(const char *line, size_t n)
{
	size_t i = 0, j;

	while (i < n && line[i] == '#')
		i++;
	if (i < 1 || i > 6 || i >= n || (line[i] != ' ' && line[i] != '\t'))
		return -1;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	/* "## 1. Hur …", as the report numbers them. */
	for (j = i; j < n && line[j] >= '0' && line[j] <= '9'; j++)
		;
	if (j > i && j + 1 < n && line[j] == '.' && (line[j + 1] == ' ' || line[j + 1] == '\t')) {
		i = j + 1;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
	}
	while (n > i && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	for (int k = 0; k < FOLLOWUP_SECTIONS; k++)
		if (n - i == strlen(followup_headings[k]) &&
		    memcmp(line + i, followup_headings[k], n - i) == 0)
			return k;
	return -1;
}

/* Whether s[0..n) holds only blank space and <!-- comments -->. */
static int only_comments(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *end;

		if (is_space(s[i])) {
			i++;
			continue;
		}
		if (n - i < 4 || memcmp(s + i, "<!--", 4) != 0)
			return 0;
		end = memmem(s + i + 4, n - i - 4, "-->", 3);
		if (!end)
			return 0;
		i = (size_t)(end - s) + 3;
	}
	return 1;
}

static int missing_error(struct strbuf *err, const int seen[])
{
	int n = 0, rc = 0;

	for (int k = 0; k < FOLLOWUP_SECTIONS; k++)
		n += !seen[k];
	rc |= strbuf_puts(err, n > 1 ? "the headings " : "the heading ");
	for (int k = 0, i = 0; k < FOLLOWUP_SECTIONS; k++)
		if (!seen[k])
			rc |= strbuf_printf(err, "%s'## %s'", i++ ? ", " : "",
					    followup_headings[k]);
	rc |= strbuf_puts(err, n > 1 ? " are missing" : " is missing");
	return rc;
}

int followup_md_parse(const char *doc, size_t len, char *texts[FOLLOWUP_SECTIONS],
		      struct strbuf *err)
{
	size_t start[FOLLOWUP_SECTIONS] = { 0 }, end[FOLLOWUP_SECTIONS] = { 0 };
	int seen[FOLLOWUP_SECTIONS] = { 0 }, cur = -1;
	size_t first = 0, pre = len; /* the preamble: [first, pre) */
	size_t pos;

	for (int k = 0; k < FOLLOWUP_SECTIONS; k++)
		texts[k] = NULL;
	if (len >= 3 && memcmp(doc, "\xEF\xBB\xBF", 3) == 0)
		first = 3;
	for (pos = first; pos < len;) {
		const char *nl = memchr(doc + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - doc) + 1 : len;
		size_t line_len = (nl ? (size_t)(nl - doc) : len) - pos;
		int k = heading_of(doc + pos, line_len);

		if (k >= 0) {
			if (seen[k]) {
				(void)strbuf_printf(err,
						    "the heading '## %s' is "
						    "there twice",
						    followup_headings[k]);
				return -1;
			}
			if (cur >= 0)
				end[cur] = pos;
			else
				pre = pos;
			seen[k] = 1;
			cur = k;
			start[k] = next;
		}
		pos = next;
	}
	if (cur >= 0)
		end[cur] = len;
	if (!seen[0] || !seen[1] || !seen[2]) {
		(void)missing_error(err, seen);
		return -1;
	}
	if (!only_comments(doc + first, pre - first)) {
		(void)strbuf_puts(err, "there is text before the first "
				       "heading; put it under one of the "
				       "three headings");
		return -1;
	}
	for (int k = 0; k < FOLLOWUP_SECTIONS; k++) {
		texts[k] = followup_trim(doc + start[k], end[k] - start[k]);
		if (!texts[k]) {
			for (int i = 0; i < k; i++) {
				free(texts[i]);
				texts[i] = NULL;
			}
			(void)strbuf_puts(err, "out of memory");
			return -1;
		}
	}
	return 0;
}

const char *followup_editor(void)
{
	const char *v = getenv("VISUAL");

	if (v && v[0])
		return v;
	v = getenv("EDITOR");
	return v && v[0] ? v : "vi";
}

int followup_run_editor(const char *editor, const char *file, struct strbuf *err)
{
	struct sigaction ign, old_int, old_quit;
	struct strbuf cmd;
	const char *argv[6];
	int st = 0, rc = -1, waited = 0;
	pid_t pid;

	strbuf_init(&cmd, 65536);
	/* "$@" and not the name in the command: no file name is ever
	 * parsed by the shell. */
	if (strbuf_printf(&cmd, "%s \"$@\"", editor) != 0) {
		(void)strbuf_puts(err, "the editor command is too long");
		goto out;
	}
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd.data;
	argv[3] = editor; /* $0, for the shell's messages */
	argv[4] = file;
	argv[5] = NULL;
	fflush(NULL);
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0)
		(void)strbuf_printf(err, "cannot start the editor: %s", strerror(errno));
	while (pid > 0) {
		if (waitpid(pid, &st, 0) == pid) {
			waited = 1;
			break;
		}
		if (errno != EINTR) {
			(void)strbuf_printf(err, "lost the editor: %s", strerror(errno));
			break;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (!waited)
		goto out;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		rc = 0;
	else if (WIFEXITED(st) && (WEXITSTATUS(st) == 127 || WEXITSTATUS(st) == 126))
		(void)strbuf_printf(err,
				    "cannot run the editor '%s' (set VISUAL "
				    "or EDITOR)",
				    editor);
	else if (WIFEXITED(st))
		(void)strbuf_printf(err, "the editor '%s' exited with status %d", editor,
				    WEXITSTATUS(st));
	else
		(void)strbuf_printf(err, "the editor '%s' was ended by signal %d", editor,
				    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
out:
	strbuf_cleanup(&cmd);
	return rc;
}

/* ---- the follow-up as text ----------------------------------------------- */

#define LABEL_WIDTH 16

/* Lines for a person: each made in sb, cleaned, then printed. */
struct printer {
	FILE *f;
	struct strbuf sb;
	int rc;
};

static void p_add(struct printer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void p_add(struct printer *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (strbuf_vprintf(&p->sb, fmt, ap) != 0)
		p->rc = -1;
	va_end(ap);
}

/* A number of the statistics: "-" when the server sent none. */
static void p_num(struct printer *p, const json_t *v)
{
	char buf[64];
	size_t n;

	if (json_is_integer(v)) {
		p_add(p, "%lld", (long long)json_integer_value(v));
		return;
	}
	if (json_is_string(v)) { /* a suppressed count: "<3" */
		p_add(p, "%s", json_string_value(v));
		return;
	}
	if (!json_is_real(v)) {
		p_add(p, "-");
		return;
	}
	snprintf(buf, sizeof buf, "%.2f", json_real_value(v));
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	p_add(p, "%s", buf);
}

static void p_end(struct printer *p)
{
	if (p->rc == 0) {
		if (p->sb.data)
			text_clean(p->sb.data, p->sb.len);
		if (fprintf(p->f, "%s\n", p->sb.data ? p->sb.data : "") < 0)
			p->rc = -1;
	}
	p->sb.len = 0;
	if (p->sb.data)
		p->sb.data[0] = '\0';
}

/* Starts a line of the summary: the label (or blanks) in its column. */
static void p_label(struct printer *p, const char *label)
{
	p_add(p, "  %-*s", LABEL_WIDTH, label ? label : "");
}

static const json_t *member(const json_t *o, const char *key)
{
	return json_object_get(o, key);
}

/* "2 green" etc.: count key of o, then word. */
static void p_count(struct printer *p, const json_t *o, const char *key, const char *word,
		    const char *sep)
{
	p_num(p, member(o, key));
	p_add(p, " %s%s", word, sep);
}

static void print_texts(struct printer *p, const json_t *doc)
{
	for (int i = 0; i < FOLLOWUP_SECTIONS; i++) {
		const char *s = json_string_value(member(doc, followup_keys[i]));
		char *text = followup_trim(s ? s : "", s ? strlen(s) : 0);
		const char *line = text;

		if (!text) {
			p->rc = -1;
			return;
		}
		p_end(p);
		p_add(p, "%d. %s", i + 1, followup_headings[i]);
		p_end(p);
		if (!text[0]) {
			p_add(p, "  (nothing written yet)");
			p_end(p);
		}
		while (text[0] && line) {
			const char *nl = strchr(line, '\n');
			int len = nl ? (int)(nl - line) : (int)strlen(line);

			p_add(p, "%s%.*s", len ? "  " : "", len, line);
			p_end(p);
			line = nl ? nl + 1 : NULL;
		}
		free(text);
	}
}

static void print_meetings(struct printer *p, const json_t *meetings)
{
	const json_t *m;
	size_t i;

	p_label(p, "Meetings");
	if (json_array_size(meetings) == 0)
		p_add(p, "-");
	json_array_foreach (meetings, i, m) {
		const char *name = json_string_value(member(m, "name"));
		const json_t *expected = member(m, "expected");

		if (i > 0) {
			p_end(p);
			p_label(p, NULL);
		}
		if (!name)
			name = json_string_value(member(m, "group"));
		p_add(p, "%s: ", name ? name : "?");
		p_num(p, member(m, "held"));
		p_add(p, " held");
		if (json_is_number(expected)) {
			p_add(p, ", ");
			p_num(p, expected);
			p_add(p, " expected");
		}
	}
	p_end(p);
}

static void print_statistics(struct printer *p, long year, const json_t *st)
{
	const json_t *iv = member(st, "interventions");
	const json_t *up = member(st, "updates");
	const json_t *inc = member(st, "incidents");
	const json_t *pr = member(st, "proposals");
	const json_t *total = member(inc, "total");
	const json_t *prev = member(inc, "previous_year");
	const json_t *ext = member(pr, "extensions_applied");

	p_end(p);
	p_add(p, "Statistics %ld", year);
	p_end(p);

	p_label(p, "Interventions");
	p_num(p, member(iv, "total"));
	p_add(p, ": ");
	p_count(p, iv, "planned", "planned", ", ");
	p_count(p, iv, "ongoing", "ongoing", ", ");
	p_count(p, iv, "done", "done", ", ");
	p_count(p, iv, "cancelled", "cancelled", "");
	p_end(p);
	p_label(p, NULL);
	p_count(p, iv, "green", "green", ", ");
	p_count(p, iv, "yellow", "yellow", ", ");
	p_count(p, iv, "red", "red", "; ");
	p_count(p, iv, "overdue", "overdue", "; ");
	p_count(p, iv, "hours", "hours", "");
	p_end(p);

	p_label(p, "Updates");
	p_count(p, up, "logged", "logged", ", ");
	p_count(p, up, "communicated", "communicated", "; ");
	p_count(p, up, "hours", "hours", "");
	p_end(p);

	print_meetings(p, member(st, "meetings"));

	p_label(p, "Incidents");
	p_num(p, total);
	p_add(p, " (%ld: ", year - 1);
	p_num(p, prev);
	if (json_is_integer(total) && json_is_integer(prev))
		p_add(p, "; %+lld",
		      (long long)(json_integer_value(total) - json_integer_value(prev)));
	p_add(p, ")");
	p_end(p);

	p_label(p, "Proposals");
	p_count(p, pr, "approved", "approved", ", ");
	p_count(p, pr, "rejected", "rejected", ", ");
	p_count(p, pr, "returned", "returned", "; ");
	p_count(p, pr, "extensions_applied",
		json_integer_value(ext) == 1 ? "extension applied" : "extensions applied", "");
	p_end(p);
}

int followup_print(FILE *f, const json_t *doc, long year)
{
	const char *status = json_string_value(member(doc, "status"));
	const json_t *oral = member(doc, "oral");
	char local[SWETIME_LEN], local_saved[SWETIME_LEN];
	const char *saved = swetime_text(json_string_value(member(doc, "updated_at")), local_saved,
					 sizeof local_saved);
	struct printer p = { .f = f, .rc = 0 };

	strbuf_init(&p.sb, 1 << 20);
	p_add(&p, "Uppföljning %ld", year);
	p_end(&p);
	p_label(&p, "Status");
	if (status && strcmp(status, "adopted") == 0) {
		const char *at = swetime_text(json_string_value(member(doc, "adopted_at")), local,
					      sizeof local);
		const char *prop = json_string_value(member(doc, "proposal"));

		p_add(&p, "adopted %s", at ? at : "");
		if (prop)
			p_add(&p, " (proposal %s)", prop);
	} else {
		p_add(&p, "%s (UTKAST, not adopted)", status ? status : "-");
	}
	p_end(&p);
	p_label(&p, "Oral");
	p_add(&p, "%s", json_is_boolean(oral) ? (json_is_true(oral) ? "yes" : "no") : "-");
	p_end(&p);
	p_label(&p, "Last saved");
	p_add(&p, "%s", saved ? saved : "never");
	p_end(&p);
	print_texts(&p, doc);
	if (json_is_object(member(doc, "statistics")))
		print_statistics(&p, year, member(doc, "statistics"));
	strbuf_cleanup(&p.sb);
	return p.rc;
}

/* ---- the report format --------------------------------------------------- */

/* The extension of the last part of the path file (".pdf"), or NULL
 * (none: "rapport", ".profile"). */
static const char *ext_of(const char *file)
{
	const char *base = strrchr(file, '/'), *dot;

	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	return dot && dot != base ? dot : NULL;
}

/* Whether the last extension of file's name is ext (with the dot). */
static int has_ext(const char *file, const char *ext)
{
	const char *dot = ext_of(file);

	return dot && strcasecmp(dot, ext) == 0;
}

int followup_report_format(const char *format, const char *file, enum followup_format *out)
{
	static const char *const names[] = { "md", "html", "csv" };

	if (file && ext_of(file) && !has_ext(file, ".md") && !has_ext(file, ".markdown") &&
	    !has_ext(file, ".txt") && !has_ext(file, ".html") && !has_ext(file, ".htm") &&
	    !has_ext(file, ".csv"))
		return -2;
	if (format) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(format, names[i]) == 0) {
				*out = (enum followup_format)i;
				return 0;
			}
		return -1;
	}
	*out = FOLLOWUP_MD;
	if (!file)
		return 0;
	if (has_ext(file, ".html") || has_ext(file, ".htm"))
		*out = FOLLOWUP_HTML;
	else if (has_ext(file, ".csv"))
		*out = FOLLOWUP_CSV;
	return 0;
}

const char *followup_report_accept(enum followup_format f)
{
	switch (f) {
	case FOLLOWUP_HTML:
		return "text/html";
	case FOLLOWUP_CSV:
		return "text/csv";
	default:
		return "text/markdown";
	}
}
