/*
 * The command line: every usage mistake exits 2 before any request is
 * made, help and version exit 0, and the option parser accepts the forms a
 * person types (--name=value, -ojson, global options after the command).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "client.h"
#include "home.h"

#define MAX_ARGS 10

struct argv_case {
	char argv[MAX_ARGS][40]; /* ends at the first empty string */
	int exit_code;
};

/* Runs the command line; *err_text (may be NULL) gets what went to stderr. */
static int run(const struct argv_case *c, char **err_text)
{
	struct app app;
	char *argv[MAX_ARGS + 1];
	char *ebuf = NULL;
	size_t elen = 0;
	int argc = 0, rc;

	while (argc < MAX_ARGS && c->argv[argc][0])
		argc++;
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)c->argv[i];
	argv[argc] = NULL;
	app_init(&app);
	app.out.out = fopen("/dev/null", "w");
	app.out.err = open_memstream(&ebuf, &elen);
	cr_assert(app.out.out && app.out.err);
	rc = cli_run(&app, argc, argv);
	app_cleanup(&app);
	fclose(app.out.out);
	fclose(app.out.err);
	if (err_text)
		*err_text = ebuf;
	else
		free(ebuf);
	return rc;
}

ParameterizedTestParameters(args, usage_errors)
{
	static struct argv_case cases[] = {
		{ { "" }, CLI_USAGE },
		{ { "frobnicate" }, CLI_USAGE },
		{ { "--bogus" }, CLI_USAGE },
		{ { "-x", "orgs", "list" }, CLI_USAGE },
		{ { "orgs" }, CLI_USAGE },
		{ { "orgs", "frob" }, CLI_USAGE },
		{ { "orgs", "list", "--bogus" }, CLI_USAGE },
		{ { "orgs", "list", "extra" }, CLI_USAGE },
		{ { "orgs", "show" }, CLI_USAGE },
		{ { "orgs", "show", "a", "b" }, CLI_USAGE },
		{ { "orgs", "create", "--slug", "x", "--name", "n" }, CLI_USAGE },
		{ { "orgs", "create", "--slug", "x", "--name", "n", "--kind", "pirate" },
		  CLI_USAGE },
		{ { "orgs", "create", "--slug", "x", "--name", "n", "--kind", "police", "--party",
		    "--no-party" },
		  CLI_USAGE },
		{ { "orgs", "list", "--output" }, CLI_USAGE },
		{ { "orgs", "list", "--output", "xml" }, CLI_USAGE },
		{ { "-o", "yaml", "orgs", "list" }, CLI_USAGE },
		{ { "orgs", "list", "--quiet=yes" }, CLI_USAGE },
		{ { "users", "list", "--organisation" }, CLI_USAGE },
		{ { "users", "create", "--name", "N", "--organisation", "o" }, CLI_USAGE },
		{ { "users", "create", "u", "--organisation", "o" }, CLI_USAGE },
		{ { "users", "passwd", "a", "b" }, CLI_USAGE },
		{ { "users", "disable" }, CLI_USAGE },
		{ { "groups", "add-member", "styrgrupp" }, CLI_USAGE },
		{ { "groups", "add-member", "s", "u", "--role", "boss" }, CLI_USAGE },
		{ { "groups", "add-member", "s", "u", "--until", "31/12/2025", "--server",
		    "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "groups", "create", "--slug", "s", "--name", "n", "--tier", "kommitte" },
		  CLI_USAGE },
		{ { "tokens", "create", "--name", "x" }, CLI_USAGE },
		{ { "tokens", "create", "--name", "x", "--expires-in-days", "soon", "--server",
		    "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "login", "--password-stdin", "--server", "https://127.0.0.1:1" }, CLI_USAGE },
		{ { "login", "extra" }, CLI_USAGE },
		{ { "whoami", "--username", "x" }, CLI_USAGE },
		{ { "whoami", "--server", "http://plain.example" }, CLI_USAGE },
		{ { "whoami" }, CLI_USAGE }, /* no server anywhere */
		{ { "help", "nothing" }, CLI_USAGE },
		{ { "incidents", "import" }, CLI_USAGE },
		{ { "incidents", "import", "a.csv", "--batch-size", "0", "--server",
		    "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "incidents", "import", "a.csv", "--batch-size", "1001", "--server",
		    "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "incidents", "report", "--place", "Valsta", "--category", "brand" },
		  CLI_USAGE },
		{ { "incidents", "list", "--limit", "501", "--server", "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "incidents", "list", "--from", "16/11/2026", "--server",
		    "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "situation", "--week", "2026-47", "--server", "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "situation", "--week", "2026-W54", "--server", "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "meetings", "record", "--group", "est-sigtuna" }, CLI_USAGE },
		{ { "meetings", "record", "--group", "g", "--held-on", "2026-13-01", "--server",
		    "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "meetings", "record", "--group", "g", "--held-on", "2026-11-01", "--minutes",
		    "m", "--minutes-file", "f" },
		  CLI_USAGE },
		{ { "compliance", "extra" }, CLI_USAGE },
		{ { "followup", "show", "2025", "2026" }, CLI_USAGE },
		{ { "followup", "show", "2025x", "--server", "https://127.0.0.1:1" }, CLI_USAGE },
		{ { "followup", "report", "--format", "pdf" }, CLI_USAGE },
		{ { "followup", "edit", "--oral", "--no-oral" }, CLI_USAGE },
		{ { "audit", "list", "--from", "igår", "--server", "https://127.0.0.1:1" },
		  CLI_USAGE },
		{ { "audit", "verify", "extra" }, CLI_USAGE },
	};
	return cr_make_param_array(struct argv_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct argv_case *c, args, usage_errors, home_make, home_remove)
{
	char *err = NULL;
	int rc = run(c, &err);

	cr_assert_eq(rc, c->exit_code, "argv[0] '%s': exit %d, stderr: %s", c->argv[0], rc, err);
	cr_assert(strncmp(err, "samverkan: ", 11) == 0, "stderr: %s", err);
	free(err);
}

ParameterizedTestParameters(args, help_and_version)
{
	static struct argv_case cases[] = {
		{ { "--help" }, CLI_OK },
		{ { "-h" }, CLI_OK },
		{ { "help" }, CLI_OK },
		{ { "--version" }, CLI_OK },
		{ { "orgs", "--help" }, CLI_OK },
		{ { "help", "users" }, CLI_OK },
		{ { "help", "users", "passwd" }, CLI_OK },
		{ { "orgs", "create", "--help" }, CLI_OK },
		{ { "groups", "add-member", "-h" }, CLI_OK },
		/* help wins over a missing argument or option */
		{ { "users", "create", "--help" }, CLI_OK },
		{ { "login", "--help" }, CLI_OK },
		{ { "-o", "json", "tokens", "--quiet", "create", "--help" }, CLI_OK },
		{ { "incidents", "import", "--help" }, CLI_OK },
		{ { "help", "situation" }, CLI_OK },
		{ { "meetings", "record", "--help" }, CLI_OK },
		{ { "compliance", "--help" }, CLI_OK },
		{ { "followup", "--help" }, CLI_OK },
		{ { "followup", "edit", "--help" }, CLI_OK },
		{ { "help", "followup", "report" }, CLI_OK },
		{ { "audit", "verify", "--help" }, CLI_OK },
		{ { "help", "audit" }, CLI_OK },
	};
	return cr_make_param_array(struct argv_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct argv_case *c, args, help_and_version, home_make, home_remove)
{
	char *err = NULL;

	cr_assert_eq(run(c, &err), c->exit_code, "stderr: %s", err);
	cr_assert_str_eq(err, "", "nothing on stderr");
	free(err);
}

static const struct opt_def test_opts[] = {
	{ "name", 0, OPT_VALUE | OPT_REQUIRED, "NAME", NULL, "a name" },
	{ "admin", 0, 0, NULL, NULL, "a flag" },
	{ "role", 'r', OPT_VALUE, "ROLE", "member|chair", "a choice" },
};

Test(args, forms_of_options)
{
	char *argv[] = {
		"--name=Anna Berg", "pos1", "-ojson", "--admin",        "-r", "chair", "--server",
		"https://x",        "-q",   "--",     "--not-an-option"
	};
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;

	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(test_opts, 3, 11, argv, 0, &g, &a, NULL, &err), 0, "%s", err.data);
	cr_assert_str_eq(args_get(&a, "name"), "Anna Berg");
	cr_assert(args_has(&a, "admin"));
	cr_assert_str_eq(args_get(&a, "role"), "chair");
	cr_assert_str_eq(g.output, "json");
	cr_assert_str_eq(g.server, "https://x");
	cr_assert(g.quiet);
	cr_assert_eq(a.npos, 2);
	cr_assert_str_eq(a.pos[0], "pos1");
	cr_assert_str_eq(a.pos[1], "--not-an-option");
	cr_assert_null(args_missing_required(&a));
	strbuf_cleanup(&err);
}

Test(args, stop_at_first_word)
{
	char *argv[] = { "-v", "--output", "csv", "orgs", "--help" };
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;
	int used = 0;

	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(NULL, 0, 5, argv, 1, &g, &a, &used, &err), 0);
	cr_assert_eq(used, 3);
	cr_assert(g.verbose);
	cr_assert_str_eq(g.output, "csv");
	cr_assert_not(g.help);
	strbuf_cleanup(&err);
}

Test(args, required_option_reported)
{
	char *argv[] = { "--admin" };
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;

	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(test_opts, 3, 1, argv, 0, &g, &a, NULL, &err), 0);
	cr_assert_not_null(args_missing_required(&a));
	cr_assert_str_eq(args_missing_required(&a)->name, "name");
	strbuf_cleanup(&err);
}

struct parse_err_case {
	char argv[3][24];
	int argc;
	char message[48]; /* a part of the message */
};

ParameterizedTestParameters(args, parse_errors)
{
	static struct parse_err_case cases[] = {
		{ { "--nope" }, 1, "unknown option '--nope'" },
		{ { "--name" }, 1, "needs a value" },
		{ { "--admin=1" }, 1, "takes no value" },
		{ { "-r", "boss" }, 2, "invalid value 'boss' for --role" },
		{ { "--output=xml" }, 1, "invalid value 'xml' for --output" },
		{ { "-qv" }, 1, "unknown option '-qv'" },
		{ { "-z" }, 1, "unknown option '-z'" },
	};
	return cr_make_param_array(struct parse_err_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct parse_err_case *c, args, parse_errors, table_none, table_none)
{
	char *argv[3];
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;

	for (int i = 0; i < c->argc; i++)
		argv[i] = c->argv[i];
	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(test_opts, 3, c->argc, argv, 0, &g, &a, NULL, &err), -1);
	cr_assert(strstr(err.data, c->message) != NULL, "got: %s", err.data);
	strbuf_cleanup(&err);
}

Test(args, choices)
{
	cr_assert(args_choice_ok("table|json|csv", "json"));
	cr_assert(args_choice_ok("table|json|csv", "csv"));
	cr_assert(args_choice_ok("table|json|csv", "table"));
	cr_assert_not(args_choice_ok("table|json|csv", "jso"));
	cr_assert_not(args_choice_ok("table|json|csv", "json|csv"));
	cr_assert_not(args_choice_ok("table|json|csv", ""));
}

/* `meetings record --attendee A --decision D --attendee B`: each repeated
 * option keeps its own values in command-line order. */
static const struct opt_def multi_opts[] = {
	{ "attendee", 0, OPT_VALUE | OPT_MULTI, "ORG", NULL, "repeatable" },
	{ "decision", 0, OPT_VALUE | OPT_MULTI, "TEXT", NULL, "repeatable" },
	{ "group", 0, OPT_VALUE, "GROUP", NULL, "once" },
};

Test(args, repeated_options_keep_their_order)
{
	char *argv[] = { "--attendee", "sigtuna",     "--decision=Vandring",
			 "--group",    "est-sigtuna", "--attendee=polisen",
			 "--decision", "Belysning",   "--attendee",
			 "sigtunahem" };
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;
	const char *got[4];

	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(multi_opts, 3, 10, argv, 0, &g, &a, NULL, &err), 0, "%s", err.data);
	cr_assert_eq(args_get_all(&a, "attendee", got, 4), 3);
	cr_assert_str_eq(got[0], "sigtuna");
	cr_assert_str_eq(got[1], "polisen");
	cr_assert_str_eq(got[2], "sigtunahem");
	cr_assert_eq(args_get_all(&a, "decision", got, 4), 2);
	cr_assert_str_eq(got[0], "Vandring");
	cr_assert_str_eq(got[1], "Belysning");
	cr_assert_eq(args_get_all(&a, "group", got, 4), 0, "not repeatable");
	cr_assert_str_eq(args_get(&a, "group"), "est-sigtuna");
	/* More than fit in out: the count says how many were given. */
	cr_assert_eq(args_get_all(&a, "attendee", got, 1), 3);
	cr_assert_str_eq(got[0], "sigtuna");
	strbuf_cleanup(&err);
}

Test(args, too_many_repeats_are_a_usage_error)
{
	char *argv[2 * (ARGS_MAX_MULTI + 1)];
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;

	for (int i = 0; i < ARGS_MAX_MULTI + 1; i++) {
		argv[2 * i] = "--decision";
		argv[2 * i + 1] = "x";
	}
	strbuf_init(&err, 0);
	cr_assert_eq(
	    args_parse(multi_opts, 3, 2 * (ARGS_MAX_MULTI + 1), argv, 0, &g, &a, NULL, &err), -1);
	cr_assert(strstr(err.data, "too many --decision"), "%s", err.data);
	strbuf_cleanup(&err);
}
