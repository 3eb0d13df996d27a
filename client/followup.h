/*
 * The parts of `followup` that need no server: the Markdown document a
 * person edits (the three sections of the yearly follow-up under their
 * Swedish headings) written out and read back, the editor run on it, the
 * follow-up as text for a terminal, and which report format and Accept
 * header `followup report` asks for.
 */
#ifndef SVK_CLIENT_FOLLOWUP_H
#define SVK_CLIENT_FOLLOWUP_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"

#define FOLLOWUP_SECTIONS 3

/*
 * The sections in the agreement's order: the JSON member of each and its
 * heading, the agreement's question (SPEC §2; API.md).
 */
extern const char *const followup_keys[FOLLOWUP_SECTIONS];
extern const char *const followup_headings[FOLLOWUP_SECTIONS];

/*
 * A copy of text (len bytes) as it is stored and compared: CRLF line ends
 * become LF, blank lines at the start and all white space at the end are
 * dropped. NULL when out of memory; the caller frees.
 */
char *followup_trim(const char *text, size_t len);

/*
 * Appends the document to edit for the year: a comment saying what to do,
 * then each section as "## <heading>", a blank line and its text (texts[i]
 * may be NULL: empty). Returns 0 or -1.
 */
int followup_md_write(struct strbuf *sb, long year, const char *const texts[FOLLOWUP_SECTIONS]);

/*
 * Reads an edited document back: each section is the text between its
 * heading and the next one, in any order, passed through followup_trim;
 * a heading line is "## <heading>" (1 to 6 '#', an optional "1. " number,
 * CRLF and trailing blanks allowed). Before the first heading only blank
 * lines and <!-- comments --> may stand, so that no text is dropped
 * unseen. Returns 0 with texts[i] set (the caller frees each), or -1 with
 * texts all NULL and a message in err naming what is wrong: a missing
 * heading, one given twice, text before the first.
 */
int followup_md_parse(const char *doc, size_t len, char *texts[FOLLOWUP_SECTIONS],
		      struct strbuf *err);

/*
 * The editor to run: $VISUAL, else $EDITOR, else "vi" (empty values count
 * as unset).
 */
const char *followup_editor(void);

/*
 * Runs editor on file and waits for it, the way git does: through
 * `/bin/sh -c '<editor> "$@"'`, so that an editor with arguments ("code
 * -w") works and the file name is never parsed by the shell. SIGINT and
 * SIGQUIT are ignored here meanwhile (the editor gets them). Returns 0
 * when it exits 0, else -1 with the reason in err.
 */
int followup_run_editor(const char *editor, const char *file, struct strbuf *err);

/*
 * The follow-up document of GET …/follow-ups/{year} as text for a person:
 * "Uppföljning YEAR", its status (draft, or adopted when and by which
 * proposal), oral, when last saved, the three sections under their
 * numbered headings, and one line or a few per part of the statistics
 * (interventions by status and RAG, overdue and hours; updates; meetings
 * held and expected per group; incidents against the year before;
 * proposals decided). What the server sent is printed with its control
 * characters made harmless; a missing number shows as "-". Returns 0, or
 * -1 when f cannot be written or memory runs out.
 */
int followup_print(FILE *f, const json_t *doc, long year);

enum followup_format {
	FOLLOWUP_MD = 0,
	FOLLOWUP_HTML,
	FOLLOWUP_CSV,
};

/*
 * The report format: --format (md, html or csv) when given, else the one
 * of the output file's extension (.md, .txt, .html or .htm, .csv; in any
 * case), else Markdown. format and file may be NULL. Returns 0; -1 for a
 * --format that is none of the three; -2 for a file whose extension is
 * none of those (x.pdf, x.docx: a report it cannot write), whatever
 * --format says. A file without an extension is fine.
 */
int followup_report_format(const char *format, const char *file, enum followup_format *out);

/* The Accept header asking for f: text/markdown, text/html, text/csv. */
const char *followup_report_accept(enum followup_format f);

#endif
