/*
 * `audit verify` (issue 6): the line printed and the exit code for each
 * answer of GET /v1/audit/verify — intact (0), broken at an entry (1,
 * naming the entry, its chain and the reason, control characters made
 * harmless), and answers of another shape (an error, exit 1) — and the
 * usage errors of `audit list` found before any request.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "home.h"

struct verify_case {
	char json[240];
	int rc;
	char line[200]; /* the whole line, or a part of the error */
};

ParameterizedTestParameters(audit, verify)
{
	static struct verify_case cases[] = {
		{ "{\"ok\":true,\"entries\":42}", CLI_OK, "audit log intact: 42 entries" },
		{ "{\"ok\":true,\"entries\":0}", CLI_OK, "audit log intact: 0 entries" },
		{ "{\"ok\":false,\"entries\":42,\"first_bad_seq\":17,"
		  "\"chain\":3,\"reason\":\"the entry does not match its hash: "
		  "it was changed\"}",
		  CLI_ERROR,
		  "audit log broken at entry 17 (chain 3): the entry does not "
		  "match its hash: it was changed" },
		{ "{\"ok\":false,\"entries\":9,\"first_bad_seq\":1,\"chain\":0,"
		  "\"reason\":\"removed\\u001b[2J\\nx\"}",
		  CLI_ERROR, "audit log broken at entry 1 (chain 0): removed [2J x" },
		{ "{\"ok\":false,\"entries\":9,\"first_bad_seq\":5,"
		  "\"chain\":1}",
		  CLI_ERROR,
		  "audit log broken at entry 5 (chain 1): the server gave no "
		  "reason" },
		{ "{\"ok\":false,\"entries\":9}", -1, "no 'first_bad_seq'" },
		{ "{\"entries\":9}", -1, "has no 'ok'" },
		{ "{\"ok\":\"yes\",\"entries\":9}", -1, "has no 'ok'" },
		{ "{\"ok\":true}", -1, "'entries'" },
		{ "[]", -1, "has no 'ok'" },
	};
	return cr_make_param_array(struct verify_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct verify_case *c, audit, verify, table_none, table_none)
{
	json_t *doc = json_loads(c->json, 0, NULL);
	struct strbuf msg;
	int rc;

	cr_assert_not_null(doc, "bad test JSON %s", c->json);
	strbuf_init(&msg, 4096);
	rc = audit_verify_message(doc, &msg);
	cr_assert_eq(rc, c->rc, "%s: %d, %s", c->json, rc, msg.data);
	if (rc >= 0)
		cr_expect_str_eq(msg.data, c->line);
	else
		cr_expect(c->line[0] == '\0' || (msg.data && strstr(msg.data, c->line)), "%s: %s",
			  c->json, msg.data);
	strbuf_cleanup(&msg);
	json_decref(doc);
}

struct usage_case {
	char argv[8][40]; /* ends at the first empty string */
	char err[60];
};

ParameterizedTestParameters(audit, usage_errors)
{
	static struct usage_case cases[] = {
		{ { "audit", "list", "--from", "yesterday" }, "--from wants a date" },
		{ { "audit", "list", "--to", "2026-13-01" }, "no such date: 2026-13-01 (--to)" },
		{ { "audit", "list", "--from", "2026-02-30" },
		  "no such date: 2026-02-30 (--from)" },
		{ { "audit", "list", "--limit", "0" }, "--limit wants" },
		{ { "audit", "list", "--limit", "501" }, "--limit wants" },
		{ { "audit", "list", "seq" }, "unexpected argument" },
		{ { "audit", "verify", "--all" }, "unknown option" },
		{ { "audit", "frob" }, "unknown audit command" },
	};
	return cr_make_param_array(struct usage_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct usage_case *c, audit, usage_errors, home_make, home_remove)
{
	char *argv[10], *ebuf = NULL;
	struct app app;
	size_t elen = 0;
	int argc = 0, rc;

	while (argc < 8 && c->argv[argc][0]) {
		argv[argc] = c->argv[argc];
		argc++;
	}
	argv[argc++] = "--server=https://127.0.0.1:1";
	argv[argc] = NULL;
	app_init(&app);
	app.out.out = fopen("/dev/null", "w");
	app.out.err = open_memstream(&ebuf, &elen);
	cr_assert(app.out.out && app.out.err);
	rc = cli_run(&app, argc, argv);
	app_cleanup(&app);
	fclose(app.out.out);
	fclose(app.out.err);
	cr_expect_eq(rc, CLI_USAGE, "%s: exit %d, %s", c->argv[1], rc, ebuf);
	cr_expect(strstr(ebuf, c->err), "%s", ebuf);
	free(ebuf);
}
