/*
 * Command-line parsing: one table of the global options (`--server`,
 * `--output`, …, defined in args.c) and one small parser that every command
 * shares. Global options are accepted before the noun and among a command's
 * own options, so `samverkan orgs list -o json` works as well as
 * `samverkan -o json orgs list`.
 */
#ifndef SVK_CLIENT_ARGS_H
#define SVK_CLIENT_ARGS_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "strbuf.h"

#define OPT_VALUE 1u    /* takes a value: --name VALUE or --name=VALUE */
#define OPT_REQUIRED 2u /* the command refuses to run without it */
#define OPT_MULTI 4u    /* may be repeated; args_get_all lists every value */

#define ARGS_MAX_OPTS 24
#define ARGS_MAX_POS 8
#define ARGS_MAX_MULTI 64 /* values of repeated (OPT_MULTI) options */

/* One option of a command (or of the global table). */
struct opt_def {
	const char *name;    /* long name without the dashes */
	char short_name;     /* 0 when none */
	unsigned flags;      /* OPT_* */
	const char *metavar; /* shown in help: "SLUG" */
	const char *choices; /* "a|b|c" allowed values, or NULL */
	const char *help;
};

/* A parsed command line; pointers into argv, nothing owned. */
struct cmd_args {
	const struct opt_def *opts; /* the command's table */
	size_t nopts;
	const char *value[ARGS_MAX_OPTS]; /* by table index; flags get "" */
	const char *pos[ARGS_MAX_POS];
	int npos;
	const char *multi[ARGS_MAX_MULTI]; /* OPT_MULTI values, in order */
	size_t multi_opt[ARGS_MAX_MULTI];  /* the table index of each */
	size_t nmulti;
};

/*
 * Parses argv[0..argc). The command's options (opts, nopts; opts may be
 * NULL) and the global options are recognised; global ones land in *g.
 * With stop_at_word, parsing stops at the first word that is not an option
 * and *used says how many arguments were consumed; otherwise every word is
 * a positional argument. "--" ends the options. Returns 0, or -1 with a
 * one-line message in err (a usage error: exit 2).
 */
int args_parse(const struct opt_def *opts, size_t nopts, int argc, char **argv, int stop_at_word,
	       struct global_flags *g, struct cmd_args *out, int *used, struct strbuf *err);

/* The value of the command option called name, or NULL when not given. */
const char *args_get(const struct cmd_args *a, const char *name);
/*
 * Every value of the repeatable (OPT_MULTI) option called name, in command
 * line order: up to max of them in out; returns how many were given.
 */
size_t args_get_all(const struct cmd_args *a, const char *name, const char **out, size_t max);
/* True when the option called name was given. */
int args_has(const struct cmd_args *a, const char *name);
/* The first option marked OPT_REQUIRED that is missing, or NULL. */
const struct opt_def *args_missing_required(const struct cmd_args *a);

#define ARGS_HELP_WIDTH 79

/*
 * Prints text word-wrapped to ARGS_HELP_WIDTH columns, the cursor being at
 * column col and continuation lines indented by indent; ends the line.
 */
void args_print_wrapped(FILE *f, const char *text, int col, int indent);

/* Help lines for a table of options, and for the global table. */
void args_print_options(FILE *f, const struct opt_def *opts, size_t nopts);
void args_print_global_help(FILE *f);

/* True when value is one of the '|'-separated choices. */
int args_choice_ok(const char *choices, const char *value);

#endif
