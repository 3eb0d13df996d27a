/*
 * The command table: each noun (orgs, users, …) lists its verbs, and each
 * verb its handler, options, number of arguments, usage line and example.
 * As in Redis's command table, the generic checks (known option, arity,
 * required options, --help) run in cli.c before a handler is called, so a
 * handler only does its request and prints the result.
 */
#ifndef SVK_CLIENT_CMD_H
#define SVK_CLIENT_CMD_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "args.h"
#include "client.h"

struct cmd_verb {
	const char *name; /* NULL: the noun alone is the command (login) */
	int (*run)(struct app *app, const struct cmd_args *a);
	const struct opt_def *opts;
	size_t nopts;
	int min_pos, max_pos; /* positional arguments */
	const char *usage;    /* after "samverkan ", e.g. "orgs show <slug>" */
	const char *summary;  /* one sentence */
	const char *example;  /* lines; "samverkan " is put before those
			       * that do not run samverkan themselves */
};

struct cmd_noun {
	const char *name;
	const char *summary;
	const struct cmd_verb *verbs;
	size_t nverbs;
};

#define CMD_COUNT(a) (sizeof(a) / sizeof((a)[0]))

extern const struct cmd_noun cmd_login;
extern const struct cmd_noun cmd_logout;
extern const struct cmd_noun cmd_whoami;
extern const struct cmd_noun cmd_tokens;
extern const struct cmd_noun cmd_orgs;
extern const struct cmd_noun cmd_users;
extern const struct cmd_noun cmd_groups;
extern const struct cmd_noun cmd_agreements;
extern const struct cmd_noun cmd_focus_areas;
extern const struct cmd_noun cmd_plans;
extern const struct cmd_noun cmd_interventions;
extern const struct cmd_noun cmd_proposals;
extern const struct cmd_noun cmd_priorities;
extern const struct cmd_noun cmd_incidents;
extern const struct cmd_noun cmd_situation;
extern const struct cmd_noun cmd_meetings;
extern const struct cmd_noun cmd_compliance;
extern const struct cmd_noun cmd_followup;
extern const struct cmd_noun cmd_audit;
extern const struct cmd_noun cmd_me;
extern const struct cmd_noun cmd_notifications;

/*
 * Prints "samverkan: <message>; usage: samverkan <usage of the command
 * being run>" and returns 2.
 */
int cmd_usage_error(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a whole number in [min, max] with strtol; 0 or -1. */
int cmd_parse_long(const char *s, long min, long max, long *out);

/* True when s is a day of the calendar as YYYY-MM-DD (not 2026-02-30). */
int cmd_is_date(const char *s);

/*
 * The usage error (exit 2) for a value v of option opt that is not a
 * date: "no such date: 2026-02-30" when it has the shape of one, else
 * "--opt wants a date YYYY-MM-DD, got 'v'".
 */
int cmd_date_error(struct app *app, const char *opt, const char *v);

/*
 * Checks a time given on the command line (--occurred-at): when it starts
 * with a date, that the day exists, and when a time of day follows, that
 * the hour and minute do; what else it must be is the server's to say.
 * 0, or the usage error (exit 2) after printing "no such date: …".
 */
int cmd_check_time(struct app *app, const char *opt, const char *v);

/*
 * A decimal number such as hours spent ("1.5"; a decimal comma "1,5" is
 * read too), finite. 0 or -1.
 */
int cmd_parse_number(const char *s, double *out);

/* How a command option becomes a member of a JSON request body. */
enum cmd_field_kind {
	CMD_FIELD_STRING, /* the text as given */
	CMD_FIELD_DATE,   /* YYYY-MM-DD */
	CMD_FIELD_INT,    /* a whole number; its range is the server's call */
	CMD_FIELD_NUMBER, /* a decimal number (integral ones as integers) */
	CMD_FIELD_TRUE,   /* a flag: the key becomes true */
	CMD_FIELD_FALSE,  /* a flag: the key becomes false */
};

struct cmd_field {
	const char *opt; /* the option's long name */
	const char *key; /* the JSON member it sets */
	enum cmd_field_kind kind;
};

/*
 * Sets body[key] for every option of the table that a holds (options not
 * given are left out). Returns 0; CLI_USAGE after printing the usage error
 * for a value of the wrong shape (not a number, not a date, not UTF-8); or
 * CLI_ERROR when out of memory. *given (may be NULL) counts the members set.
 */
int cmd_fields_to_json(struct app *app, const struct cmd_args *a, const struct cmd_field *fields,
		       size_t n, json_t *body, int *given);

/*
 * Appends "?name=value" (or "&…" when sb already has a query) with value
 * percent-encoded; nothing when value is NULL. 0 or -1.
 */
int cmd_query_add(struct strbuf *sb, const char *name, const char *value);

/* The options of a command that prints one page of a long list. */
/* clang-format off */
#define CMD_PAGE_OPTS                                                       \
	{ "limit", 0, OPT_VALUE, "N", NULL,                                 \
	  "at most N per page, 1 to 500 (default: the server's, 50)" },     \
	{ "cursor", 0, OPT_VALUE, "CURSOR", NULL,                           \
	  "the next page, as the previous page's note on stderr says" }
/* clang-format on */

/* GETs the whole list at path (every page) and prints it with cols;
 * 0 or the exit code after printing the error. */
int cmd_print_list(struct app *app, const char *path, const struct out_col *cols, size_t ncols);

/*
 * One page of a list that may be long (incidents): GETs path (its query
 * so far in sb; --limit and --cursor of a are added), prints the items
 * with cols, and when there is more says on stderr (even with --quiet: a
 * script needs it) "more: repeat with --cursor C". Returns 0 or the exit
 * code after printing the error (2 for a --limit out of 1..500).
 */
int cmd_list_page(struct app *app, const struct cmd_args *a, struct strbuf *path,
		  const struct out_col *cols, size_t ncols);

/*
 * The parts of cmd_list_page, for a list whose answer holds more than its
 * items (notifications outbox): GETs the page (--limit checked, --limit
 * and --cursor added to path) into *page (the caller json_decrefs it; it
 * has an "items" list), or returns the exit code after printing the error;
 * and says "more: repeat with --cursor C" when there is a next page.
 */
int cmd_get_page(struct app *app, const struct cmd_args *a, struct strbuf *path, json_t **page);
int cmd_page_more(struct app *app, const json_t *page);

/* An option of a list command that becomes a query parameter. */
struct cmd_filter {
	const char *opt;   /* --opt */
	const char *param; /* ?param= */
	int is_date;       /* the value must be YYYY-MM-DD */
};

/*
 * cmd_list_page of base with the query parameters of the filters given in
 * a; a date filter that is not YYYY-MM-DD exits 2 before anything is sent.
 */
int cmd_list_filtered(struct app *app, const struct cmd_args *a, const char *base,
		      const struct cmd_filter *filters, size_t nfilters, const struct out_col *cols,
		      size_t ncols);

/*
 * The whole content of file ('-': standard input) appended to sb, whose
 * limit is the largest file taken. Returns 0, or CLI_ERROR after printing
 * why it cannot be read (or is too large).
 */
int cmd_read_file(struct app *app, const char *file, struct strbuf *sb);

/* Prints "samverkan: out of memory" and returns CLI_ERROR. */
int cmd_oom(struct app *app);

/*
 * The agreement a command works on: `given` (the --agreement value) when
 * not NULL; else the only agreement on the server, which is said on
 * stderr (unless --quiet); with none, exit 4, and with several, exit 2
 * asking for --agreement. *id is the caller's to free. Returns 0 or the
 * exit code after printing the error.
 */
int cmd_agreement_id(struct app *app, const char *given, char **id);

/* A string member of obj, copied (free it); NULL after printing the error
 * when it is missing or memory ran out. */
char *cmd_member_dup(struct app *app, const json_t *obj, const char *key);

/* GETs tmpl with id in its {}; *out is a copy of the answer's string member
 * key (free it). Returns 0 or the exit code after printing the error. */
int cmd_get_member(struct app *app, const char *tmpl, const char *id, const char *key, char **out);

/*
 * A focus area given as its id, or as its ordinal (1, 2, …) in the
 * agreement, which is looked up: *out is its id (free it). Returns 0 or
 * the exit code after printing the error (4: the agreement has no such
 * focus area).
 */
int cmd_focus_area_id(struct app *app, const char *agreement, const char *value, char **out);

/* body's focus_area, when it is set, as cmd_focus_area_id resolves it. */
int cmd_body_focus_area(struct app *app, const char *agreement, json_t *body);

/*
 * The municipality a command is about when --municipality is not given
 * (`situation`, `incidents report`): the caller's own when they have
 * exactly one, from GET /v1/me — the municipalities of their groups and,
 * for a user of a municipality (a coordinator in the beredningsgrupp),
 * that municipality. Returns 0 with *slug (free it) that one; else *slug
 * is NULL and the return is the exit code: 2 after a usage error that
 * names the municipalities to choose from, or that of a failed request.
 */
int cmd_own_municipality(struct app *app, char **slug);

/*
 * The agreement a report of the running agreement is about (compliance,
 * the yearly follow-up): `given` when not NULL; else the one agreement
 * whose status is active, and with none or several exit 2 asking for
 * --agreement. *id is the caller's to free. Returns 0 or the exit code
 * after printing the error.
 */
int cmd_active_agreement_id(struct app *app, const char *given, char **id);

/*
 * GETs path with Accept: accept and writes the body to file (NULL or "-":
 * standard output). A file is written under a temporary name next to it
 * (mode `mode` less the umask) and renamed over it only once the whole
 * body is in, so a refusal or a broken download leaves no file behind and
 * never a cut-short one; then the note "Wrote <what> to FILE." Returns 0
 * or the exit code after printing the error.
 */
/*
 * Checks the value of a command's -o FILE (opt: its long name): a format
 * name there (`-o csv`, `-o json`) is taken for the global --output by
 * mistake, so it is refused with a usage error (exit 2, returned) that
 * says -o takes a file name here; ./csv still names a file. 0 when fine.
 */
int cmd_output_file(struct app *app, const char *opt, const char *file);

int cmd_download(struct app *app, const char *path, const char *accept, const char *file,
		 mode_t mode, const char *what);

/*
 * The If-Match header value for --if-match (quotes added to a bare tag)
 * in sb, or nothing when the option is absent. 0 or the exit code.
 */
int cmd_if_match(struct app *app, const struct cmd_args *a, struct strbuf *sb);

/* Which request body interventions_body builds. */
enum iv_body {
	IV_BODY_ADD,    /* POST /v1/action-plans/{id}/interventions */
	IV_BODY_EDIT,   /* PATCH /v1/interventions/{id} */
	IV_BODY_UPDATE, /* POST /v1/interventions/{id}/updates */
};

/*
 * The JSON body of `interventions add`, `edit` or `update` from their
 * parsed options (a->opts is that verb's table): --action becomes
 * "description", --goal "operational_goal", --role "responsible_role",
 * --progress "progress_percent" and so on. Returns 0 with *out the body
 * (the caller json_decrefs it), or the exit code after printing the error
 * (2 for a malformed value or, for edit, nothing to change).
 */
int interventions_body(struct app *app, enum iv_body which, const struct cmd_args *a, json_t **out);

/*
 * One --resource ORG:AMOUNT:UNIT:DESCRIPTION as a resource line
 * {"organisation", "amount", "unit", "description"}: split at the first
 * three colons (the description may hold more), the amount a number (a
 * decimal comma is read too; integral ones become integers). Returns 0
 * with *out the line, or CLI_USAGE after printing the error.
 */
int proposals_parse_resource(struct app *app, const char *spec, json_t **out);

/* Which request body proposals_body builds. */
enum prop_body {
	PROP_BODY_CREATE, /* POST /v1/proposals */
	PROP_BODY_EDIT,   /* PATCH /v1/proposals/{id} */
};

/*
 * The body of `proposals create` or `edit` from their parsed options:
 * the object of -f FILE ('-': standard input) first, then each option
 * over it (--text becomes "proposal_text", --years "extension_years", …)
 * and the --resource lines replacing "resources". For create, kind and
 * title must be there (from options or file) and --agreement sets
 * "agreement"; for edit, the file's "agreement" and "kind" are dropped and
 * something must change. A focus area ordinal is left as the string given.
 * Returns 0 with *out the body (the caller json_decrefs it), or the exit
 * code after printing the error.
 */
int proposals_body(struct app *app, enum prop_body which, const struct cmd_args *a, json_t **out);

/*
 * What GET /v1/audit/verify answered (doc), as the line `audit verify`
 * prints, appended to msg, and its exit code: "audit log intact: N
 * entries" and 0, or "audit log broken at entry S (chain C): REASON" and
 * 1 (CLI_ERROR). An answer of another shape: -1 with why in msg (the
 * command prints that as an error and exits 1).
 */
int audit_verify_message(const json_t *doc, struct strbuf *msg);

/* `audit checkpoint save` (checkpoints.c): fetches the signed checkpoint,
 * pins the server's key at the first save and appends the checkpoint to
 * the config directory's audit-checkpoints. The exit code. */
int audit_checkpoint_save(struct app *app);
/* Checks every saved checkpoint of the server: its signature against the
 * pinned key, and each of its heads still in the log (a missing or other
 * entry is printed, exit 1). *checked counts them. The exit code. */
int audit_checkpoints_verify(struct app *app, int *checked);

/*
 * A password for a command: the next line of standard input with
 * --password-stdin (from_stdin), else asked on the terminal without echo
 * (twice when confirm, so a typo is caught). *out is wiped and freed with
 * prompt_free_secret. Returns 0 or the exit code after printing the error.
 */
int cmd_password(struct app *app, int from_stdin, const char *prompt, int confirm, char **out);

#endif
