/*
 * What every part of the samverkan client shares: the exit codes of SPEC §8
 * and `struct app`, the one context made in main() and passed down, so the
 * client keeps no global mutable state.
 */
#ifndef SVK_CLIENT_H
#define SVK_CLIENT_H

#include "config.h"
#include "output.h"

/* Exit codes, exactly as SPEC §8 lists them. */
enum cli_exit {
	CLI_OK = 0,
	CLI_ERROR = 1,      /* anything else */
	CLI_USAGE = 2,      /* unknown command or option, missing argument */
	CLI_AUTH = 3,       /* 401, 403, no stored token */
	CLI_NOT_FOUND = 4,  /* 404 */
	CLI_CONFLICT = 5,   /* 409, 412 */
	CLI_VALIDATION = 6, /* 422, 400 */
	CLI_TEMPFAIL = 75,  /* unreachable, timeout, 429, 503: retry later */
};

struct http;
struct cmd_verb;

struct app {
	struct global_flags flags;   /* from the command line */
	struct settings settings;    /* flag > environment > config file */
	struct output out;           /* format and streams */
	struct http *http;           /* made by the first request */
	char *server;                /* effective base URL, https://… */
	char *token;                 /* bearer token, or NULL */
	char *creds_path;            /* the credentials file */
	char command[64];            /* "orgs create", for messages */
	const struct cmd_verb *verb; /* the command being run */
};

/* Sets app up with stdout/stderr; frees nothing. */
void app_init(struct app *app);
/* Frees everything app owns (wiping the token); app_init may follow. */
void app_cleanup(struct app *app);

/* Runs one command line (argv without the program name); the exit code. */
int cli_run(struct app *app, int argc, char **argv);

#endif
