/*
 * What an outside review tried against the privacy guard, the exports and
 * the log, end to end against the real daemon and CLI:
 *
 *  - a personnummer written with a space, a Unicode dash or space, or with
 *    other numbers joined on by '-', and one sent as a JSON number, is
 *    refused with 422 naming the field; dates and phone numbers still pass;
 *  - an intervention titled as a spreadsheet formula exports with a
 *    leading "'" in the plan's CSV and in the CLI's --output csv;
 *  - a request path carrying a line break and a fake log line, percent-
 *    encoded or as raw bytes, does not make the daemon's log show a line
 *    that starts with the fake text.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "../table.h"
#include "harness.h"
#include "robust_util.h"

static struct env e;

ENV_SHARED_INIT(start, e, NULL)
ENV_FINI(stop, e)

TestSuite(trust_privacy, .fini = stop, .timeout = 120);

/* ---- the personnummer guard ------------------------------------------------ */

/* The rows store nothing, so they share one daemon (tests/table.h). */
struct spelling {
	char name[64]; /* an organisation's name */
	char what[48];
};

ParameterizedTestParameters(trust_privacy, spellings_that_walked_around_the_guard)
{
	static struct spelling cases[] = {
		{ "Jouren 1-811218-9876", "a number joined on before" },
		{ "Jouren 811218-9876-2", "a number joined on after" },
		{ "Jouren 0-19811218-9876", "with century, a number before" },
		{ "Jouren 811218 9876", "a space as separator" },
		{ "Jouren 811218\u20139876", "an en dash" },
		{ "Jouren 811218\u00A09876", "a no-break space" },
		{ "Jouren 811218\u202F9876", "a narrow no-break space" },
		{ "Jouren 811218\u20119876", "a non-breaking hyphen" },
		{ "Jouren 811218\u22129876", "a minus sign" },
		{ "Jouren 19811218\u20149876", "an em dash, with century" },
		{ "Jouren 811218\u200B-9876", "a zero width space" },
	};

	return cr_make_param_array(struct spelling, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct spelling *c, trust_privacy, spellings_that_walked_around_the_guard, table_none,
	  table_none, .init = start)
{
	const char *admin = admin_token(&e);
	long orgs = sql_count(&e, "SELECT count(*) FROM svk.organisations");
	struct resp *r = http(
	    &e, "POST", "/v1/organisations", admin,
	    jsonf(&e, "{s:s, s:s, s:s}", "slug", "jouren", "name", c->name, "kind", "other"));

	cr_expect_eq(r->status, 422, "%s: %s", c->what, resp_why(r));
	cr_expect(resp_names_field(r, "name"), "%s: the field is not named: %s", c->what, r->body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), orgs,
		     "%s: the organisation was stored", c->what);
}

/* A number where a text is expected is looked at as the digits it is. */
Test(trust_privacy, identity_numbers_as_json_numbers_are_refused, .init = start)
{
	static const char *const numbers[] = { "8112189876",   "198112189876",  "-8112189876",
					       "8112189876.0", "8.112189876e9", "7010632391" };
	const char *admin = admin_token(&e);

	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		struct resp *r = http(
		    &e, "POST", "/v1/organisations", admin,
		    strf(&e, "{\"slug\":\"jouren\",\"name\":%s,\"kind\":\"other\"}", numbers[i]));

		cr_expect_eq(r->status, 422, "name %s: %s", numbers[i], resp_why(r));
		cr_expect(resp_names_field(r, "name"), "name %s: not named: %s", numbers[i],
			  r->body);
		cr_expect(strstr(r->body, "personal identity number"),
			  "name %s: refused, but not as a personal identity number: %s", numbers[i],
			  r->body);
	}
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations WHERE slug = 'jouren'"),
		     0);
}

Test(trust_privacy, dates_and_phone_numbers_with_spaces_and_dashes_pass, .init = start)
{
	const char *admin = admin_token(&e);
	struct resp *r;

	r = http(&e, "POST", "/v1/organisations", admin,
		 jsonf(&e, "{s:s, s:s, s:s}", "slug", "jouren", "name",
		       "Jouren, möte 2026-11-18 19:45, tel 08-123 456 78 / 070\u2013123 45 67",
		       "kind", "other"));
	cr_expect_eq(r->status, 201, "a date, a time and phone numbers: %s", resp_why(r));
	/* A wrong check digit in the spellings above is no personnummer. */
	r = http(&e, "POST", "/v1/organisations", admin,
		 jsonf(&e, "{s:s, s:s, s:s}", "slug", "jouren2", "name",
		       "Jouren 1-811218-9875, 811218 9875, 811218\u20139875", "kind", "other"));
	cr_expect_eq(r->status, 201, "wrong check digits: %s", resp_why(r));
}

/* ---- CSV exports ----------------------------------------------------------- */

Test(trust_privacy, a_formula_in_a_title_is_text_in_every_csv, .init = start)
{
	const char *pw = user_create(&e, "berit.ber", "sollentuna");
	const char *plan = seed_plan(&e, "sigtuna");
	/* The cell as RFC 4180 quotes it, with the guard's quote first. */
	const char *guarded = "\"'=HYPERLINK(\"\"http://x\"\")\"";
	struct resp *r;
	struct proc *p;
	const char *ber;

	member_add(&e, "beredningsgrupp", "berit.ber", "member", NULL);
	ber = login(&e, "berit.ber", pw);
	r = http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "=HYPERLINK(\"http://x\")",
		       "focus_area", seed_focus_area(&e, 2), "cause", "@SUM(1+1)", "description",
		       "-2+3+cmd|' /C calc'!A0", "responsible_organisation", "sigtuna", "rag",
		       "green"));
	cr_assert_eq(r->status, 201, "POST intervention: %s", resp_why(r));

	r = http_send(&e, &(struct http_req){ .path = strf(&e, "/v1/action-plans/%s", plan),
					      .token = ber,
					      .headers = { "Accept: text/csv" } });
	cr_assert_eq(r->status, 200, "GET as text/csv: %s", resp_why(r));
	cr_expect(strstr(r->body, guarded), "the export's title is not guarded: %s", r->body);
	cr_expect(strstr(r->body, ";'@SUM(1+1);"), "the export's cause is not guarded: %s",
		  r->body);
	cr_expect(strstr(r->body, ";'-2+3+cmd|' /C calc'!A0;"),
		  "the export's description is not guarded: %s", r->body);
	cr_expect(!strstr(r->body, ";=") && !strstr(r->body, ";\"="), "a cell starts with '=': %s",
		  r->body);

	cli_require(&e);
	p = cli(&e, "ber", pw, "login", "--username", "berit.ber", "--password-stdin");
	cr_assert_eq(p->status, 0, "login: %s", p->err);
	p = cli(&e, "ber", NULL, "--output", "csv", "plans", "show", plan);
	cr_assert_eq(p->status, 0, "plans show -o csv: %s", p->err);
	cr_expect(strstr(p->out, guarded), "the CLI's CSV title is not guarded: %s", p->out);
	cr_expect(!strstr(p->out, ";=") && !strstr(p->out, ";\"="),
		  "a CLI cell starts with '=': %s", p->out);
}

/* ---- the log --------------------------------------------------------------- */

#define FAKE "2026-12-04T05:00:00.000Z level=warn msg=forged"

/* Whether a line of the daemon's log starts with prefix, a line ending
 * at LF or at CR (as a terminal shows it: a CR returns to the start of
 * the line and the fake text covers the real one). */
static bool log_has_line_starting(const char *prefix)
{
	const char *log = read_log(&e);
	size_t n = strlen(prefix);

	for (const char *p = log; p && *p; p += strcspn(p, "\r\n"), p += *p ? 1 : 0)
		if (strncmp(p, prefix, n) == 0)
			return true;
	return false;
}

Test(trust_privacy, a_percent_encoded_line_break_in_the_path_forges_no_log_line, .init = start)
{
	struct resp *r = http(&e, "GET",
			      "/v1/x%0d%0a2026-12-04T05:00:00.000Z%20level=warn%20msg=forged",
			      admin_token(&e), NULL);

	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	cr_expect(!log_has_line_starting(FAKE), "a forged line is in the log:\n%s", read_log(&e));
	cr_expect_eq(log_count(&e, "msg=forged"), 1, "the request is not logged once:\n%s",
		     read_log(&e));
}

/* The same as raw bytes in the request line: a lone CR (a line break for
 * a terminal and for tools that split on it), a quote that would close
 * path="..." and more keys, and a terminal escape. */
Test(trust_privacy, raw_control_bytes_in_the_path_are_escaped_in_the_log, .init = start)
{
	struct tc *c = tc_connect(&e, NULL);
	struct resp *r;
	const char *log;

	cr_assert(c->ok, "TLS: %s", c->err);
	cr_assert(tc_send_str(c, "GET /v1/x\r" FAKE "\"\x1b[2Kuser=admin HTTP/1.1\r\n"
				 "Host: 127.0.0.1\r\nConnection: close\r\n\r\n"));
	r = tc_response(&e, c, 10000);
	cr_expect(r->status >= 400 && r->status < 500, "status %ld: %s", r->status, r->error);
	tc_close(c);
	log = read_log(&e);
	cr_expect(!log_has_line_starting(FAKE), "a forged line is in the log:\n%s", log);
	cr_expect(!strchr(log, '\r'), "a raw CR is in the log:\n%s", log);
	cr_expect(!strchr(log, '\x1b'), "a raw escape is in the log:\n%s", log);
	cr_expect(!strstr(log, "forged\"\x1b") && !strstr(log, "forged\"user="),
		  "the path's quote is not escaped:\n%s", log);
}

/* ---- what a client sends is not stored as it is ------------------------------- */

/* An Idempotency-Key and a path are the client's text: a personnummer in
 * either must not end up in the idempotency table or the append-only
 * audit log. The rows are searched for the whole number, with or without
 * its dash: its first six digits alone turn up now and then in a
 * timestamp's microseconds. */
Test(trust_privacy, an_idempotency_key_and_a_refused_path_are_not_stored_raw, .init = start)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;

	r = http_send(&e,
		      &(struct http_req){ .method = "POST",
					  .path = "/v1/me/tokens",
					  .token = est,
					  .body = "{\"name\":\"nattlig\",\"expires_in_days\":1}",
					  .headers = { "Idempotency-Key: import-811218-9876" } });
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.idempotency_keys"), 1);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.idempotency_keys k "
				   "WHERE k::text ~ '811218-?9876'"),
		     0, "the Idempotency-Key is stored as it was sent");

	r = http(&e, "PUT", "/v1/groups/811218-9876/members/eva.est", est, "{\"role\":\"member\"}");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND after->>'request' = 'PUT /v1/groups/{}/members/{}'"),
		     1, "the refusal is not audited under the route's pattern");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit a WHERE a::text ~ '811218-?9876'"), 0,
	    "the refused path is in the audit log");
}
