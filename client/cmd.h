/*
 * The command table: each noun (orgs, users, …) lists its verbs, and each
 * verb its handler, options, number of arguments, usage line and example.
 * As in Redis's command table, the generic checks (known option, arity,
 * required options, --help) run in cli.c before a handler is called, so a
 * handler only does its request and prints the result.
 */
#ifndef SVK_CLIENT_CMD_H
#define SVK_CLIENT_CMD_H

#include <stddef.h>

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

/*
 * Prints "samverkan: <message>; usage: samverkan <usage of the command
 * being run>" and returns 2.
 */
int cmd_usage_error(struct app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parses a whole number in [min, max] with strtol; 0 or -1. */
int cmd_parse_long(const char *s, long min, long max, long *out);

/* True when s has the shape YYYY-MM-DD with a plausible month and day. */
int cmd_is_date(const char *s);

/*
 * A password for a command: the next line of standard input with
 * --password-stdin (from_stdin), else asked on the terminal without echo
 * (twice when confirm, so a typo is caught). *out is wiped and freed with
 * prompt_free_secret. Returns 0 or the exit code after printing the error.
 */
int cmd_password(struct app *app, int from_stdin, const char *prompt,
		 int confirm, char **out);

#endif
