/*
 * The proposals commands (issue 4): --resource ORG:AMOUNT:UNIT:DESCRIPTION
 * (split at the first three colons, decimal comma, bad or missing parts
 * exit 2), which option becomes which member of the create and edit
 * bodies and how they override a -f file, and the decision matrix of
 * `proposals show` (rounds, pending cells, an organisation that decided
 * only in round 1).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "client.h"
#include "cmd.h"
#include "matrix.h"

#define MAX_ARGS 16

static const struct cmd_verb *verb_named(const char *name)
{
	for (size_t i = 0; i < cmd_proposals.nverbs; i++)
		if (strcmp(cmd_proposals.verbs[i].name, name) == 0)
			return &cmd_proposals.verbs[i];
	cr_assert_fail("no proposals verb %s", name);
	return NULL;
}

static void assert_json(const json_t *got, const char *want_text)
{
	json_t *want = json_loads(want_text, 0, NULL);
	char *g;

	cr_assert_not_null(want, "bad expected JSON %s", want_text);
	g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	cr_assert(json_equal(got, want), "got %s\nwant %s", g, want_text);
	free(g);
	json_decref(want);
}

/* ---- --resource ---------------------------------------------------------- */

struct resource_case {
	char spec[80];
	char json[200]; /* the line expected, when exit is 0 */
	int exit_code;
};

ParameterizedTestParameters(proposals, resource)
{
	static struct resource_case cases[] = {
		{ "polisen:2:tjänst:Kommunpolis",
		  "{\"organisation\":\"polisen\",\"amount\":2,"
		  "\"unit\":\"tjänst\",\"description\":\"Kommunpolis\"}",
		  0 },
		{ "sigtuna:500000:kr:Trygghetsvandringar: kväll: helg",
		  "{\"organisation\":\"sigtuna\",\"amount\":500000,"
		  "\"unit\":\"kr\",\"description\":"
		  "\"Trygghetsvandringar: kväll: helg\"}",
		  0 },
		{ "polisen:0,5:tjänst:Halvtid",
		  "{\"organisation\":\"polisen\",\"amount\":0.5,"
		  "\"unit\":\"tjänst\",\"description\":\"Halvtid\"}",
		  0 },
		{ "sollentuna:1.25:mnkr:a:b:c",
		  "{\"organisation\":\"sollentuna\",\"amount\":1.25,"
		  "\"unit\":\"mnkr\",\"description\":\"a:b:c\"}",
		  0 },
		{ "polisen:-3:h:negative is the server's call",
		  "{\"organisation\":\"polisen\",\"amount\":-3,\"unit\":\"h\","
		  "\"description\":\"negative is the server's call\"}",
		  0 },
		{ "polisen:två:tjänst:Kommunpolis", "", CLI_USAGE },
		{ "polisen:2x:tjänst:Kommunpolis", "", CLI_USAGE },
		{ "polisen:1,5,0:tjänst:Kommunpolis", "", CLI_USAGE },
		{ "polisen:inf:tjänst:Kommunpolis", "", CLI_USAGE },
		{ "polisen:2:tjänst", "", CLI_USAGE },
		{ "polisen:2:tjänst:", "", CLI_USAGE },
		{ "polisen:2", "", CLI_USAGE },
		{ "polisen", "", CLI_USAGE },
		{ ":2:tjänst:Kommunpolis", "", CLI_USAGE },
		{ "polisen::tjänst:Kommunpolis", "", CLI_USAGE },
		{ "polisen:2::Kommunpolis", "", CLI_USAGE },
		{ "", "", CLI_USAGE },
	};
	return cr_make_param_array(struct resource_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct resource_case *c, proposals, resource, table_none, table_none)
{
	struct app app;
	json_t *line = NULL;
	char *ebuf = NULL;
	size_t elen = 0;
	int rc;

	app_init(&app);
	app.verb = verb_named("create");
	app.out.err = open_memstream(&ebuf, &elen);
	cr_assert_not_null(app.out.err);
	rc = proposals_parse_resource(&app, c->spec, &line);
	fclose(app.out.err);
	cr_assert_eq(rc, c->exit_code, "'%s': exit %d, stderr %s", c->spec, rc, ebuf);
	if (rc == 0) {
		assert_json(line, c->json);
	} else {
		cr_assert_null(line);
		cr_assert(strstr(ebuf, "samverkan: --resource") == ebuf, "stderr: %s", ebuf);
		cr_assert(strstr(ebuf, "; usage: samverkan proposals create") != NULL, "stderr: %s",
			  ebuf);
	}
	json_decref(line);
	app_cleanup(&app);
	free(ebuf);
}

/* ---- create and edit bodies ---------------------------------------------- */

struct body_case {
	char verb[8];            /* create or edit */
	char argv[MAX_ARGS][64]; /* after the verb; "@" is the -f file */
	char file[240];          /* its content ("" for none) */
	char json[400];          /* the body expected, when exit is 0 */
	int exit_code;
};

ParameterizedTestParameters(proposals, body)
{
	static struct body_case cases[] = {
		{ "create",
		  { "--kind", "extension", "--years", "4", "--title", "Förläng" },
		  "",
		  "{\"kind\":\"extension\",\"extension_years\":4,"
		  "\"title\":\"Förläng\"}",
		  0 },
		{ "create",
		  { "--kind", "prioritisation", "--title", "T", "--background", "B", "--text", "P",
		    "--focus-area", "2", "--resource", "polisen:2:tjänst:Kommunpolis", "--resource",
		    "sigtuna:500000:kr:Vandringar: kväll", "--agreement", "A1" },
		  "",
		  "{\"kind\":\"prioritisation\",\"title\":\"T\","
		  "\"background\":\"B\",\"proposal_text\":\"P\","
		  "\"focus_area\":\"2\",\"agreement\":\"A1\",\"resources\":["
		  "{\"organisation\":\"polisen\",\"amount\":2,\"unit\":"
		  "\"tjänst\",\"description\":\"Kommunpolis\"},"
		  "{\"organisation\":\"sigtuna\",\"amount\":500000,\"unit\":"
		  "\"kr\",\"description\":\"Vandringar: kväll\"}]}",
		  0 },
		{ "create",
		  { "--kind", "action_plan", "--title", "Anta", "--plan", "PL1" },
		  "",
		  "{\"kind\":\"action_plan\",\"title\":\"Anta\","
		  "\"action_plan\":\"PL1\"}",
		  0 },
		{ "create",
		  { "--kind", "follow_up", "--title", "Uppföljning", "--year", "2025" },
		  "",
		  "{\"kind\":\"follow_up\",\"title\":\"Uppföljning\","
		  "\"follow_up_year\":2025}",
		  0 },
		/* The file gives the body; options override its members. */
		{ "create",
		  { "-f", "@", "--title", "Ny", "--resource", "polisen:1,5:tjänst:Kommunpolis" },
		  "{\"kind\":\"prioritisation\",\"title\":\"Gammal\","
		  "\"agreement\":\"A2\",\"background\":\"Från filen\","
		  "\"resources\":[{\"organisation\":\"sigtuna\",\"amount\":1,"
		  "\"unit\":\"kr\",\"description\":\"x\"}]}",
		  "{\"kind\":\"prioritisation\",\"title\":\"Ny\","
		  "\"agreement\":\"A2\",\"background\":\"Från filen\","
		  "\"resources\":[{\"organisation\":\"polisen\",\"amount\":1.5,"
		  "\"unit\":\"tjänst\",\"description\":\"Kommunpolis\"}]}",
		  0 },
		{ "create",
		  { "--file", "@", "--agreement", "A3", "--kind", "extension" },
		  "{\"kind\":\"prioritisation\",\"title\":\"Filens\","
		  "\"agreement\":\"A2\",\"extension_years\":2}",
		  "{\"kind\":\"extension\",\"title\":\"Filens\","
		  "\"agreement\":\"A3\",\"extension_years\":2}",
		  0 },
		{ "create", { "-f", "@" }, "{\"title\":\"T\"}", "", CLI_USAGE },
		{ "create", { "-f", "@" }, "[1, 2]", "", CLI_USAGE },
		{ "create", { "-f", "@" }, "{\"kind\":", "", CLI_USAGE },
		{ "create", { "--kind", "extension" }, "", "", CLI_USAGE },
		{ "create", { "--title", "T" }, "", "", CLI_USAGE },
		{ "create",
		  { "--kind", "extension", "--title", "T", "--years", "fyra" },
		  "",
		  "",
		  CLI_USAGE },
		{ "create",
		  { "--kind", "follow_up", "--title", "T", "--year", "2025.5" },
		  "",
		  "",
		  CLI_USAGE },
		{ "create",
		  { "--kind", "prioritisation", "--title", "T", "--resource", "polisen:2:tjänst:ok",
		    "--resource", "sigtuna:x:kr:bad" },
		  "",
		  "",
		  CLI_USAGE },
		{ "create",
		  { "--kind", "prioritisation", "--title", "T", "--resource", "polisen:2:tjänst" },
		  "",
		  "",
		  CLI_USAGE },
		{ "edit",
		  { "ID", "--text", "Ny text", "--years", "3" },
		  "",
		  "{\"proposal_text\":\"Ny text\",\"extension_years\":3}",
		  0 },
		{ "edit",
		  { "ID", "--resource", "upplands-vasby:3:h:Möten" },
		  "",
		  "{\"resources\":[{\"organisation\":\"upplands-vasby\","
		  "\"amount\":3,\"unit\":\"h\",\"description\":\"Möten\"}]}",
		  0 },
		/* A create file reused for edit: kind and agreement dropped. */
		{ "edit",
		  { "ID", "-f", "@", "--background", "B2" },
		  "{\"kind\":\"extension\",\"agreement\":\"A2\",\"title\":\"T\","
		  "\"background\":\"B1\"}",
		  "{\"title\":\"T\",\"background\":\"B2\"}",
		  0 },
		{ "edit", { "ID", "-f", "@" }, "{\"kind\":\"extension\"}", "", CLI_USAGE },
		{ "edit", { "ID" }, "", "", CLI_USAGE },
		{ "edit", { "ID", "--if-match", "\"e1\"" }, "", "", CLI_USAGE },
		{ "edit", { "ID", "--resource", "polisen:2,5,1:tjänst:x" }, "", "", CLI_USAGE },
	};
	return cr_make_param_array(struct body_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct body_case *c, proposals, body, table_none, table_none)
{
	const struct cmd_verb *v = verb_named(c->verb);
	char path[] = "/tmp/svk-test-proposals.XXXXXX";
	char *argv[MAX_ARGS + 1];
	int argc = 0, fd = -1;
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;
	struct app app;
	json_t *body = NULL;
	char *ebuf = NULL;
	size_t elen = 0;
	int rc;

	if (c->file[0]) {
		size_t n = strlen(c->file);

		fd = mkstemp(path);
		cr_assert(fd >= 0);
		cr_assert_eq(write(fd, c->file, n), (ssize_t)n);
		close(fd);
	}
	while (argc < MAX_ARGS && c->argv[argc][0]) {
		argv[argc] = strcmp(c->argv[argc], "@") == 0 ? path : c->argv[argc];
		argc++;
	}
	argv[argc] = NULL;
	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(v->opts, v->nopts, argc, argv, 0, &g, &a, NULL, &err), 0, "%s",
		     err.data);
	app_init(&app);
	app.verb = v;
	app.out.err = open_memstream(&ebuf, &elen);
	cr_assert_not_null(app.out.err);
	rc = proposals_body(
	    &app, strcmp(c->verb, "create") == 0 ? PROP_BODY_CREATE : PROP_BODY_EDIT, &a, &body);
	fclose(app.out.err);
	if (fd >= 0)
		unlink(path);
	cr_assert_eq(rc, c->exit_code, "%s %s: exit %d, stderr %s", c->verb, argv[0] ? argv[0] : "",
		     rc, ebuf);
	if (rc == 0) {
		assert_json(body, c->json);
	} else {
		cr_assert_null(body);
		cr_assert(strstr(ebuf, "; usage: samverkan proposals ") != NULL, "stderr: %s",
			  ebuf);
	}
	json_decref(body);
	app_cleanup(&app);
	free(ebuf);
	strbuf_cleanup(&err);
}

Test(proposals, resource_is_repeatable_in_order)
{
	const struct cmd_verb *v = verb_named("create");
	char *argv[] = { "--resource", "a:1:u:x", "--title", "T", "--resource=b:2:u:y", NULL };
	const char *got[4];
	struct global_flags g = { 0 };
	struct cmd_args a;
	struct strbuf err;

	strbuf_init(&err, 0);
	cr_assert_eq(args_parse(v->opts, v->nopts, 5, argv, 0, &g, &a, NULL, &err), 0);
	cr_assert_eq(args_get_all(&a, "resource", got, 4), 2);
	cr_assert_str_eq(got[0], "a:1:u:x");
	cr_assert_str_eq(got[1], "b:2:u:y");
	cr_assert_eq(args_get_all(&a, "title", got, 4), 0);
	strbuf_cleanup(&err);
}

/* ---- the decision matrix ------------------------------------------------- */

static char *render(const char *proposal_json)
{
	json_t *p = json_loads(proposal_json, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(p, "bad JSON");
	cr_assert_not_null(f);
	cr_assert_eq(matrix_print(f, p), 0);
	fclose(f);
	json_decref(p);
	return buf;
}

/* The line of the matrix that starts with org (after the indent). */
static const char *row_of(const char *text, const char *org)
{
	const char *m = strstr(text, "\nDecisions:\n");
	char key[64];

	cr_assert_not_null(m, "no matrix in\n%s", text);
	snprintf(key, sizeof key, "\n  %s ", org);
	m = strstr(m, key);
	cr_assert_not_null(m, "no row %s in\n%s", org, text);
	return m + 1;
}

static int row_has(const char *row, const char *s)
{
	const char *nl = strchr(row, '\n');
	const char *hit = strstr(row, s);

	return hit && (!nl || hit < nl);
}

Test(proposals, matrix_rounds_pending_and_earlier_deciders)
{
	/* Round 2 of a prioritisation: sigtuna returned it in round 1, its
	 * resource line then went, so it is no longer affected. */
	char *out = render("{\"id\":\"P1\",\"title\":\"Trygg station\","
			   "\"kind\":\"prioritisation\",\"status\":\"submitted\","
			   "\"round\":2,\"affected\":[\"polisen\",\"sollentuna\"],"
			   "\"resources\":[{\"organisation\":\"polisen\",\"amount\":2,"
			   "\"unit\":\"tjänst\",\"description\":\"Kommunpolis\"},"
			   "{\"organisation\":\"sollentuna\",\"amount\":0.5,\"unit\":"
			   "\"mnkr\",\"description\":\"Vandringar: kväll\"}],"
			   "\"decisions\":["
			   "{\"round\":1,\"organisation\":\"polisen\",\"verdict\":"
			   "\"approve\",\"decided_by\":\"polisen-chef\",\"comment\":\"\","
			   "\"decided_at\":\"2025-03-01T10:00:00Z\"},"
			   "{\"round\":1,\"organisation\":\"sigtuna\",\"verdict\":"
			   "\"return\",\"decided_by\":\"sigtuna-direktor\",\"comment\":"
			   "\"Ta bort\\u001b[31m vår rad\",\"decided_at\":"
			   "\"2025-03-02T09:00:00Z\"},"
			   "{\"round\":2,\"organisation\":\"sollentuna\",\"verdict\":"
			   "\"approve\",\"decided_by\":\"sollentuna-direktor\","
			   "\"comment\":null,\"decided_at\":\"2025-04-01T08:00:00Z\"}]}");
	const char *head, *r;

	head = strstr(out, "\nDecisions:\n");
	cr_assert_not_null(head, "%s", out);
	head += strlen("\nDecisions:\n");
	cr_assert(row_has(head, "ORGANISATION") && row_has(head, "ROUND 1") &&
		      row_has(head, "ROUND 2") && !row_has(head, "ROUND 3"),
		  "%s", out);
	r = row_of(out, "polisen");
	cr_assert(row_has(r, "approve by polisen-chef at 2025-03-01"), "%s", out);
	cr_assert(row_has(r, "  -\n"), "polisen is pending in round 2:\n%s", out);
	r = row_of(out, "sollentuna");
	cr_assert(row_has(r, "  -  "), "sollentuna pending in round 1:\n%s", out);
	cr_assert(row_has(r, "approve by sollentuna-direktor at 2025-04-01"), "%s", out);
	/* Decided only in round 1, listed after the affected ones. */
	r = row_of(out, "sigtuna");
	cr_assert(row_has(r, "return by sigtuna-direktor at 2025-03-02"), "%s", out);
	cr_assert(row_has(r, "  -\n"), "%s", out);
	cr_assert(r > row_of(out, "sollentuna"), "%s", out);
	/* The header, the resources table and the defanged comment. */
	cr_assert(strstr(out, "Title     Trygg station\n") != NULL, "%s", out);
	cr_assert(strstr(out, "Affected  polisen, sollentuna\n") != NULL, "%s", out);
	cr_assert(strstr(out, "  ORGANISATION  AMOUNT  UNIT    DESCRIPTION\n"
			      "  polisen       2       tjänst  Kommunpolis\n"
			      "  sollentuna    0.5     mnkr    Vandringar: "
			      "kväll\n") != NULL,
		  "%s", out);
	cr_assert(strstr(out, "round 1, sigtuna (sigtuna-direktor, return): "
			      "Ta bort [31m vår rad\n") != NULL,
		  "%s", out);
	cr_assert(strchr(out, '\033') == NULL);
	free(out);
}

Test(proposals, matrix_of_a_fresh_draft)
{
	char *out = render("{\"id\":\"P2\",\"title\":\"Förläng\",\"kind\":\"extension\","
			   "\"status\":\"submitted\",\"round\":1,\"extension_years\":4,"
			   "\"affected\":[\"polisen\",\"sigtuna\"],\"resources\":[],"
			   "\"decisions\":[],\"background\":\"\"}");

	cr_assert(strstr(out, "Extension years  4\n") != NULL, "%s", out);
	cr_assert(strstr(out, "Resources:") == NULL, "%s", out);
	cr_assert(strstr(out, "Background") == NULL, "%s", out);
	cr_assert(strstr(out, "  ORGANISATION  ROUND 1\n"
			      "  polisen       -\n"
			      "  sigtuna       -\n") != NULL,
		  "%s", out);
	cr_assert(strstr(out, "Comments:") == NULL, "%s", out);
	free(out);
}
