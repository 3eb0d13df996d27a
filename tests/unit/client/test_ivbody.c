/*
 * The new commands' command lines (issue 3): which option becomes which
 * JSON member of `interventions add`, `edit` and `update` (--action is
 * "description", --goal "operational_goal", …), values of the right shape
 * but out of range sent as they are for the server to judge, values of the
 * wrong shape refused with exit 2 — and every usage mistake exiting 2
 * before any request is made (the server given cannot be reached and no
 * token is stored, so a request would exit 75 or 3).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "client.h"
#include "cmd.h"
#include "home.h"

#define MAX_ARGS 28

struct body_case {
	char verb[8];            /* add, edit or update */
	char argv[MAX_ARGS][40]; /* after the verb; ends at "" */
	char json[400];          /* the body expected, when exit is 0 */
	int exit_code;
};

static const struct cmd_verb *verb_named(const char *name)
{
	for (size_t i = 0; i < cmd_interventions.nverbs; i++)
		if (strcmp(cmd_interventions.verbs[i].name, name) == 0)
			return &cmd_interventions.verbs[i];
	cr_assert_fail("no interventions verb %s", name);
	return NULL;
}

static int count_args(char (*argv)[40])
{
	int n = 0;

	while (n < MAX_ARGS && argv[n][0])
		n++;
	return n;
}

ParameterizedTestParameters(ivbody, mapping)
{
	static struct body_case cases[] = {
		{ "add",
		  { "P", "--focus-area", "fa", "--title", "T", "--cause", "C", "--action", "A",
		    "--goal", "G", "--responsible", "sigtuna", "--role", "R", "--starts",
		    "2025-01-01", "--due", "2025-12-31" },
		  "{\"focus_area\":\"fa\",\"title\":\"T\",\"cause\":\"C\","
		  "\"description\":\"A\",\"operational_goal\":\"G\","
		  "\"responsible_organisation\":\"sigtuna\","
		  "\"responsible_role\":\"R\",\"starts_on\":\"2025-01-01\","
		  "\"due_on\":\"2025-12-31\",\"recurring\":false}",
		  0 },
		{ "add",
		  { "P", "--focus-area=fa", "--title=T", "--cause=C", "--action=A", "--goal=G",
		    "--responsible=polisen", "--role=R", "--starts=2025-01-01", "--due=2025-12-31",
		    "--recurring", "--status", "ongoing", "--rag", "yellow", "--progress", "101",
		    "--hours", "7,5" },
		  "{\"focus_area\":\"fa\",\"title\":\"T\",\"cause\":\"C\","
		  "\"description\":\"A\",\"operational_goal\":\"G\","
		  "\"responsible_organisation\":\"polisen\","
		  "\"responsible_role\":\"R\",\"starts_on\":\"2025-01-01\","
		  "\"due_on\":\"2025-12-31\",\"recurring\":true,"
		  "\"status\":\"ongoing\",\"rag\":\"yellow\","
		  "\"progress_percent\":101,\"hours_spent\":7.5}",
		  0 },
		{ "add",
		  { "P",          "--focus-area", "fa",   "--title",  "T",          "--cause",
		    "C",          "--action",     "A",    "--goal",   "G",          "--responsible",
		    "sigtuna",    "--role",       "R",    "--starts", "2025-01-01", "--due",
		    "2025-12-31", "--progress",   "forty" },
		  "",
		  CLI_USAGE },
		{ "add",
		  { "P", "--focus-area", "fa", "--title", "T", "--cause", "C", "--action", "A",
		    "--goal", "G", "--responsible", "sigtuna", "--role", "R", "--starts",
		    "2025-1-1", "--due", "2025-12-31" },
		  "",
		  CLI_USAGE },
		{ "edit",
		  { "I", "--action", "Ny åtgärd", "--progress", "-5" },
		  "{\"description\":\"Ny åtgärd\",\"progress_percent\":-5}",
		  0 },
		{ "edit",
		  { "I", "--one-off", "--goal", "G2", "--hours", "12" },
		  "{\"recurring\":false,\"operational_goal\":\"G2\","
		  "\"hours_spent\":12}",
		  0 },
		{ "edit", { "I", "--due", "2026-02-30x" }, "", CLI_USAGE },
		{ "edit", { "I", "--hours", "many" }, "", CLI_USAGE },
		{ "edit", { "I", "--hours", "inf" }, "", CLI_USAGE },
		{ "edit", { "I", "--progress", "50%" }, "", CLI_USAGE },
		{ "edit", { "I", "--recurring", "--one-off" }, "", CLI_USAGE },
		{ "edit", { "I", "--if-match", "abc" }, "", CLI_USAGE },
		{ "update",
		  { "I", "--note", "Gjort", "--status", "done", "--rag", "green", "--progress",
		    "100", "--hours", "3", "--communicated", "--channel", "webb" },
		  "{\"note\":\"Gjort\",\"status\":\"done\",\"rag\":\"green\","
		  "\"progress_percent\":100,\"hours\":3,"
		  "\"communicated\":true,\"channel\":\"webb\"}",
		  0 },
		{ "update",
		  { "I", "--note", "n", "--hours", "0.25" },
		  "{\"note\":\"n\",\"hours\":0.25}",
		  0 },
		{ "update", { "I", "--note", "n", "--progress", "1e2" }, "", CLI_USAGE },
	};
	return cr_make_param_array(struct body_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct body_case *c, ivbody, mapping, table_none, table_none)
{
	const struct cmd_verb *v = verb_named(c->verb);
	enum iv_body which = strcmp(c->verb, "add") == 0    ? IV_BODY_ADD
			     : strcmp(c->verb, "edit") == 0 ? IV_BODY_EDIT
							    : IV_BODY_UPDATE;
	char *argv[MAX_ARGS + 1];
	int argc = count_args(c->argv);
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;
	struct app app;
	json_t *body = NULL, *want;
	char *ebuf = NULL, *got;
	size_t elen = 0;
	int rc;

	for (int i = 0; i < argc; i++)
		argv[i] = c->argv[i];
	argv[argc] = NULL;
	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(v->opts, v->nopts, argc, argv, 0, &g, &a, NULL, &err), 0, "%s",
		     err.data);
	app_init(&app);
	app.verb = v;
	app.out.err = open_memstream(&ebuf, &elen);
	cr_assert_not_null(app.out.err);
	rc = interventions_body(&app, which, &a, &body);
	fclose(app.out.err);
	cr_assert_eq(rc, c->exit_code, "%s %s: exit %d, stderr %s", c->verb, argv[1], rc, ebuf);
	if (rc == 0) {
		want = json_loads(c->json, 0, NULL);
		cr_assert_not_null(want, "bad expected JSON %s", c->json);
		got = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT);
		cr_assert(json_equal(body, want), "got %s\nwant %s", got, c->json);
		free(got);
		json_decref(want);
	} else {
		cr_assert_null(body);
		cr_assert(strncmp(ebuf, "samverkan: --", 13) == 0 ||
			      strstr(ebuf, "; usage: samverkan "
					   "interventions ") != NULL,
			  "stderr: %s", ebuf);
	}
	json_decref(body);
	app_cleanup(&app);
	free(ebuf);
	strbuf_cleanup(&err);
}

Test(ivbody, edit_needs_something_to_change)
{
	const struct cmd_verb *v = verb_named("edit");
	char *argv[] = { "I", "--if-match", "\"abc\"", NULL };
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;
	struct app app;
	json_t *body = NULL;
	char *ebuf = NULL;
	size_t elen = 0;

	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(v->opts, v->nopts, 3, argv, 0, &g, &a, NULL, &err), 0);
	app_init(&app);
	app.verb = v;
	app.out.err = open_memstream(&ebuf, &elen);
	cr_assert_eq(interventions_body(&app, IV_BODY_EDIT, &a, &body), CLI_USAGE);
	fclose(app.out.err);
	cr_assert(strstr(ebuf, "nothing to change") != NULL, "%s", ebuf);
	app_cleanup(&app);
	free(ebuf);
	strbuf_cleanup(&err);
}

/* ---- whole command lines ------------------------------------------------ */

struct argv_case {
	char argv[MAX_ARGS][40]; /* ends at "" */
	int exit_code;
};

static int run(struct argv_case *c, char **out_text, char **err_text)
{
	struct app app;
	char *argv[MAX_ARGS + 1];
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	int argc = count_args(c->argv), rc;

	for (int i = 0; i < argc; i++)
		argv[i] = c->argv[i];
	argv[argc] = NULL;
	app_init(&app);
	app.out.out = open_memstream(&obuf, &olen);
	app.out.err = open_memstream(&ebuf, &elen);
	cr_assert(app.out.out && app.out.err);
	rc = cli_run(&app, argc, argv);
	app_cleanup(&app);
	fclose(app.out.out);
	fclose(app.out.err);
	*out_text = obuf;
	*err_text = ebuf;
	return rc;
}

#define NOWHERE "--server", "https://127.0.0.1:1"
#define ADD_REQUIRED                                                                          \
	"--focus-area", "fa", "--title", "T", "--cause", "C", "--action", "A", "--goal", "G", \
	    "--responsible", "sigtuna", "--role", "R", "--starts", "2025-01-01", "--due",     \
	    "2025-12-31"

ParameterizedTestParameters(ivbody, usage_errors)
{
	static struct argv_case cases[] = {
		{ { "agreements", "list", "extra", NOWHERE }, CLI_USAGE },
		{ { "agreements", "show", NOWHERE }, CLI_USAGE },
		{ { "agreements", "frob", NOWHERE }, CLI_USAGE },
		{ { "focus-areas", "list", "--agreement", NOWHERE }, CLI_USAGE },
		{ { "focus-areas", "add", "--title", "t", "--goal", "g", NOWHERE }, CLI_USAGE },
		{ { "focus-areas", "add", "--ordinal", "first", "--title", "t", "--goal", "g",
		    NOWHERE },
		  CLI_USAGE },
		{ { "plans", "list", "--municipality", NOWHERE }, CLI_USAGE },
		{ { "plans", "list", "extra", NOWHERE }, CLI_USAGE },
		{ { "plans", "show", NOWHERE }, CLI_USAGE },
		{ { "plans", "create", "--title", "t", NOWHERE }, CLI_USAGE },
		{ { "plans", "edit", "P", NOWHERE }, CLI_USAGE },
		{ { "plans", "edit", "P", "--if-match", "x", NOWHERE }, CLI_USAGE },
		{ { "plans", "edit", "P", "--title", "t", "--if-match", "a b", NOWHERE },
		  CLI_USAGE },
		{ { "plans", "edit", "P", "--new-version=yes", NOWHERE }, CLI_USAGE },
		{ { "plans", "export", NOWHERE }, CLI_USAGE },
		{ { "plans", "export", "P", "-o", NOWHERE }, CLI_USAGE },
		{ { "interventions", "list", NOWHERE }, CLI_USAGE },
		{ { "interventions", "list", "P", "--status", "late", NOWHERE }, CLI_USAGE },
		{ { "interventions", "list", "P", "--rag", "amber", NOWHERE }, CLI_USAGE },
		{ { "interventions", "list", "P", "--overdue=1", NOWHERE }, CLI_USAGE },
		{ { "interventions", "show", "a", "b", NOWHERE }, CLI_USAGE },
		{ { "interventions", "add", "P", NOWHERE }, CLI_USAGE },
		{ { "interventions", "add", ADD_REQUIRED, NOWHERE }, CLI_USAGE }, /* no plan id */
		{ { "interventions", "add", "P", ADD_REQUIRED, "--progress", "x", NOWHERE },
		  CLI_USAGE },
		{ { "interventions", "add", "P", ADD_REQUIRED, "--rag", "blue", NOWHERE },
		  CLI_USAGE },
		{ { "interventions", "add", "P", ADD_REQUIRED, "--one-off", NOWHERE },
		  CLI_USAGE }, /* edit only */
		{ { "interventions", "edit", "I", NOWHERE }, CLI_USAGE },
		{ { "interventions", "edit", "I", "--hours", "1h", NOWHERE }, CLI_USAGE },
		{ { "interventions", "update", "I", "--progress", "5", NOWHERE },
		  CLI_USAGE }, /* no --note */
		{ { "interventions", "update", "I", "--note", "n", "--progress", "half", NOWHERE },
		  CLI_USAGE },
		{ { "interventions", "update", "I", "--note", "n", "--status", "paused", NOWHERE },
		  CLI_USAGE },
		{ { "interventions", "log", NOWHERE }, CLI_USAGE },
	};
	return cr_make_param_array(struct argv_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct argv_case *c, ivbody, usage_errors, home_make, home_remove)
{
	char *out = NULL, *err = NULL;
	int rc = run(c, &out, &err);

	cr_assert_eq(rc, c->exit_code, "%s %s: exit %d, stderr: %s", c->argv[0], c->argv[1], rc,
		     err);
	cr_assert(strncmp(err, "samverkan: ", 11) == 0, "stderr: %s", err);
	cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "one line: %s", err);
	free(out);
	free(err);
}

ParameterizedTestParameters(ivbody, help_with_an_example)
{
	static struct argv_case cases[] = {
		{ { "agreements", "list", "--help" }, 0 },
		{ { "agreements", "show", "--help" }, 0 },
		{ { "focus-areas", "list", "--help" }, 0 },
		{ { "focus-areas", "add", "--help" }, 0 },
		{ { "plans", "list", "--help" }, 0 },
		{ { "plans", "show", "--help" }, 0 },
		{ { "plans", "create", "--help" }, 0 },
		{ { "plans", "edit", "--help" }, 0 },
		{ { "plans", "export", "--help" }, 0 },
		{ { "interventions", "list", "--help" }, 0 },
		{ { "interventions", "show", "--help" }, 0 },
		{ { "interventions", "add", "--help" }, 0 },
		{ { "interventions", "edit", "--help" }, 0 },
		{ { "interventions", "update", "--help" }, 0 },
		{ { "interventions", "log", "--help" }, 0 },
	};
	return cr_make_param_array(struct argv_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct argv_case *c, ivbody, help_with_an_example, home_make, home_remove)
{
	char *out = NULL, *err = NULL;
	char want[128];

	cr_assert_eq(run(c, &out, &err), CLI_OK, "stderr: %s", err);
	cr_assert_str_eq(err, "");
	snprintf(want, sizeof want, "Usage: samverkan %s %s", c->argv[0], c->argv[1]);
	cr_assert(strncmp(out, want, strlen(want)) == 0, "%s", out);
	snprintf(want, sizeof want, "\nExample:\n  samverkan %s %s", c->argv[0], c->argv[1]);
	cr_assert(strstr(out, want) != NULL, "no example: %s", out);
	free(out);
	free(err);
}
