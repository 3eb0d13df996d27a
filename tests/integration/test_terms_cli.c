/*
 * The CLI speaks its users' terms (SPEC §8, README): Swedish officials
 * read times as they entered them, in Swedish local time, and numbers
 * with a decimal comma in their spreadsheets; minutes keep their line
 * breaks (and an escape sequence stays harmless); incidents are listed by
 * when they happened, page after page; and a refusal says what to do in
 * the words of the command, not the API's. Each test runs the real CLI
 * against the real daemon.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE_OPTS(terms_cli, e, &(struct env_opts){ .need_cli = true }, .timeout = 180);

/* The CLI as the user whose token this is. */
#define cli_as(tok_, ...)                                                              \
	cli_v(&e,                                                                      \
	      &(struct cli_opts){ .home = "terms",                                     \
				  .env = { strf(&e, "SAMVERKAN_TOKEN=%s", (tok_)) } }, \
	      (const char *const[]){ __VA_ARGS__, NULL })

static const char *show(const struct proc *p)
{
	return strf(&e, "exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s", p->status, p->out,
		    p->err);
}

/* Reports one incident in Sigtuna as tok; returns its id. Each has a
 * description of its own: the same incident reported twice is one. */
static const char *report(const char *tok, const char *occurred_at, const char *category)
{
	static int n;
	struct resp *r = http(&e, "POST", "/v1/incidents", tok,
			      jsonf(&e, "{s:s, s:s, s:s, s:s, s:s}", "occurred_at", occurred_at,
				    "municipality", "sigtuna", "place", "Märsta centrum",
				    "category", category, "description",
				    strf(&e, "Händelse %d", ++n)));

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	return resp_str(r, "id");
}

/* ---- Swedish local time and numbers ------------------------------------------ */

Test(terms_cli, tables_show_swedish_local_time_and_json_keeps_utc)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	const char *id = report(ber, "2026-11-16 00:30", "klotter");
	struct proc *p;

	p = cli_as(ber, "-o", "table", "incidents", "list", "--municipality", "sigtuna");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "2026-11-16 00:30"), "as it was entered: %s", show(p));
	cr_expect_null(strstr(p->out, "2026-11-15T23:30"), "UTC in a table: %s", show(p));

	p = cli_as(ber, "-o", "table", "incidents", "show", id);
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "2026-11-16 00:30"), "%s", show(p));
	cr_expect_null(strstr(p->out, "T23:30:00Z"), "%s", show(p));

	p = cli_as(ber, "-o", "json", "incidents", "show", id);
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "\"occurred_at\": \"2026-11-15T23:30:00Z\""),
		  "JSON is the server's RFC 3339: %s", show(p));

	p = cli_as(ber, "-o", "csv", "incidents", "list", "--municipality", "sigtuna");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "\r\n2026-11-16 00:30;sigtuna;"), "%s", show(p));

	/* Summer time: two hours ahead of UTC. */
	id = report(ber, "2026-07-01T10:00:00Z", "brand");
	p = cli_as(ber, "-o", "table", "incidents", "show", id);
	cr_expect(strstr(p->out, "2026-07-01 12:00"), "%s", show(p));
}

Test(terms_cli, csv_for_swedish_spreadsheets_has_a_decimal_comma)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	struct proc *p;

	/* One klotter in 2026-W46, one in W47: W47 against an average of 0.25. */
	report(ber, "2026-11-10 12:00", "klotter");
	report(ber, "2026-11-17 12:00", "klotter");
	p = cli_as(ber, "situation", "--municipality", "sigtuna", "--week", "2026-W47", "-o",
		   "json");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "0.25"), "%s", show(p));
	p = cli_as(ber, "situation", "--municipality", "sigtuna", "--week", "2026-W47", "-o",
		   "csv");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "\r\nklotter;Klotter;1;0,25;"), "%s", show(p));
	cr_expect_null(strstr(p->out, "0.25"), "%s", show(p));
}

Test(terms_cli, a_plan_export_has_a_decimal_comma_too)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	const char *plan = seed_plan(&e, "sigtuna");
	struct resp *r;
	struct proc *p;

	r = http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:f}", "title", "Trygghetsvandringar",
		       "focus_area", seed_focus_area(&e, 4), "cause", "Otrygghet vid stationen",
		       "description", "Kvällsvandringar", "responsible_organisation", "sigtuna",
		       "hours_spent", 12.5));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	p = cli_as(ber, "plans", "export", plan);
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, ";12,5"), "the server's CSV: %s", show(p));
	cr_expect_null(strstr(p->out, "12.5"), "%s", show(p));
	p = cli_as(ber, "-o", "csv", "interventions", "show", resp_str(r, "id"));
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, ";12,5;"), "the CLI's CSV: %s", show(p));
	p = cli_as(ber, "-o", "json", "interventions", "show", resp_str(r, "id"));
	cr_expect(strstr(p->out, "12.5"), "%s", show(p));
}

Test(terms_cli, minutes_keep_their_line_breaks_and_escapes_stay_escaped)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;
	struct proc *p;

	r = http(&e, "POST", "/v1/meetings", est,
		 "{\"group\": \"est-sigtuna\", \"held_on\": \"2026-11-17\", "
		 "\"minutes\": \"Rad ett\\r\\nRad två\\nRad \\u001b[2Jtre\\u0007\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	p = cli_as(est, "-o", "table", "meetings", "show", resp_str(r, "id"));
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "Rad ett\n"), "a line break: %s", show(p));
	cr_expect(strstr(p->out, "Rad två\n"), "%s", show(p));
	cr_expect_null(strstr(p->out, "\\x0d"), "%s", show(p));
	cr_expect_null(strstr(p->out, "\\x0a"), "%s", show(p));
	cr_expect_null(strchr(p->out, '\r'), "%s", show(p));
	cr_expect_null(strchr(p->out, '\x1b'), "an escape reached the terminal: %s", show(p));
	cr_expect_null(strchr(p->out, '\a'), "%s", show(p));
	cr_expect(strstr(p->out, "\\x1b[2Jtre\\x07"), "shown escaped: %s", show(p));
}

/* ---- incidents by when they happened ------------------------------------------ */

Test(terms_cli, incidents_are_listed_newest_first_in_stable_pages)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	/* Reported out of order, three of them in the same minute. */
	const char *when[] = { "2026-11-12 08:00", "2026-11-20 18:00", "2026-11-14 09:30",
			       "2026-11-14 09:30", "2026-11-01 23:59", "2026-11-14 09:30",
			       "2026-11-20 18:01" };
	size_t n = sizeof when / sizeof when[0], seen = 0;
	const char *cursor = NULL;
	struct sqlres *want;

	for (size_t i = 0; i < n; i++)
		report(ber, when[i], "klotter");
	want = sql_query(&e,
			 "SELECT id::text FROM svk.incidents ORDER BY occurred_at DESC, seq DESC");
	cr_assert(want->ok && want->nrows == (int)n);
	do {
		const char *path = cursor ? strf(&e, "/v1/incidents?limit=2&cursor=%s", cursor)
					  : "/v1/incidents?limit=2";
		struct resp *r = http(&e, "GET", path, ber, NULL);
		size_t i;
		json_t *item;

		cr_assert_eq(r->status, 200, "%s", resp_why(r));
		json_array_foreach (resp_get(r, "items"), i, item) {
			cr_assert_lt(seen, n);
			cr_expect_str_eq(json_string_value(json_object_get(item, "id")),
					 sql_cell(want, (int)seen, 0), "item %zu of the list",
					 seen);
			seen++;
		}
		cursor = resp_str(r, "next_cursor");
	} while (cursor);
	cr_expect_eq(seen, n, "every incident once");

	/* The CLI's first page is the latest; its note gives the next. */
	struct proc *p = cli_as(ber, "-o", "json", "incidents", "list", "--limit", "1");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "2026-11-20T17:01:00Z"), "the latest first: %s", show(p));
	cr_expect(strstr(p->err, "more: repeat with --cursor "), "%s", show(p));

	expect_invalid(http(&e, "GET", "/v1/incidents?cursor=12", ber, NULL), "cursor",
		       "an old-style cursor");
	expect_invalid(http(&e, "GET", "/v1/incidents?cursor=1.2.3", ber, NULL), "cursor",
		       "not a cursor");
	expect_invalid(http(&e, "GET", "/v1/incidents?cursor=99999999999999999999.1", ber, NULL),
		       "cursor", "too large");
}

/* ---- messages about the product ---------------------------------------------- */

Test(terms_cli, an_adopted_plan_says_how_to_start_a_new_version)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	const char *plan = seed_plan(&e, "sigtuna");
	struct sqlres *res;
	struct proc *p;

	res = sql_query(&e,
			"UPDATE svk.action_plans SET status = 'adopted', adopted_at = now() "
			"WHERE id = $1::uuid",
			plan);
	cr_assert(res->ok, "%s", res->error);
	p = cli_as(ber, "plans", "edit", plan, "--title", "Ny titel");
	cr_expect_eq(p->status, 5, "%s", show(p));
	cr_expect(strstr(p->err, strf(&e,
				      "the plan is adopted; start a new version with "
				      "`samverkan plans edit %s --new-version`",
				      plan)),
		  "%s", show(p));
	cr_expect_null(strstr(p->err, "{\""), "JSON in a message: %s", show(p));

	p = cli_as(ber, "plans", "edit", plan, "--new-version");
	cr_expect_eq(p->status, 0, "%s", show(p));
	p = cli_as(ber, "plans", "edit", plan, "--new-version");
	cr_expect_eq(p->status, 5, "%s", show(p));
	cr_expect(strstr(p->err, "already a draft"), "%s", show(p));
}

Test(terms_cli, an_impossible_date_is_no_such_date)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;
	struct proc *p;

	p = cli_as(est, "meetings", "record", "--group", "est-sigtuna", "--held-on", "2026-02-30");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "no such date: 2026-02-30"), "%s", show(p));
	p = cli_as(est, "incidents", "report", "--place", "Valsta", "--category", "klotter",
		   "--occurred-at", "2026-02-29 10:00");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "no such date: 2026-02-29"), "%s", show(p));
	p = cli_as(est, "incidents", "report", "--place", "Valsta", "--category", "klotter",
		   "--occurred-at", "2026-02-28 24:10");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "no such time: 2026-02-28 24:10"), "%s", show(p));
	p = cli_as(est, "incidents", "list", "--from", "2026-04-31");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "no such date: 2026-04-31"), "%s", show(p));
	p = cli_as(est, "groups", "add-member", "est-sigtuna", "eva.est", "--until", "2027-02-29");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "no such date: 2027-02-29"), "%s", show(p));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.meetings"), 0);

	/* The server says the same to a script. */
	r = http(&e, "POST", "/v1/meetings", est,
		 "{\"group\": \"est-sigtuna\", \"held_on\": \"2026-02-30\"}");
	expect_invalid(r, "held_on", "an impossible date");
	cr_expect(strstr(r->body, "no such date: 2026-02-30"), "%s", r->body);
	r = http(&e, "POST", "/v1/incidents", est,
		 "{\"occurred_at\": \"2026-02-30 10:00\", \"municipality\": \"sigtuna\", "
		 "\"place\": \"Valsta\", \"category\": \"klotter\"}");
	expect_invalid(r, "occurred_at", "an impossible day");
	cr_expect(strstr(r->body, "no such date: 2026-02-30"), "%s", r->body);
}

Test(terms_cli, a_file_the_command_cannot_write_is_refused)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	const char *pdf = strf(&e, "%s/uppfoljning.pdf", e.dir);
	struct stat st;
	struct proc *p;

	p = cli_as(ber, "followup", "report", "2025", "-o", pdf);
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "cannot write the report as"), "%s", show(p));
	cr_expect_neq(stat(pdf, &st), 0, "Markdown written into %s", pdf);
	p = cli_as(ber, "followup", "report", "2025", "--format", "html", "-o", pdf);
	cr_expect_eq(p->status, 2, "%s", show(p));

	p = cli_as(ber, "followup", "report", "2025", "-o", "csv");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "-o takes a file name here"), "%s", show(p));
	cr_expect(strstr(p->err, "'csv' looks like a format"), "%s", show(p));
	p = cli_as(ber, "plans", "export", seed_plan(&e, "sigtuna"), "-o", "json");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "'json' looks like a format"), "%s", show(p));
}

Test(terms_cli, the_situation_and_a_report_default_to_your_municipality)
{
	/* A coordinator of Sigtuna: in the beredningsgrupp, which has none. */
	const char *coord = user_in_group(&e, "sam.ord", "sigtuna", "beredningsgrupp", "member");
	const char *police = user_in_group(&e, "kim.pol", "polisen", "est-sigtuna", "member");
	struct proc *p;

	member_add(&e, "est-sollentuna", "kim.pol", "member", NULL);
	p = cli_as(coord, "situation", "--week", "2026-W47", "-o", "json");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "\"municipality\": \"sigtuna\""), "%s", show(p));

	p = cli_as(coord, "-o", "json", "incidents", "report", "--place", "Valsta", "--category",
		   "klotter", "--occurred-at", "2026-11-16 21:30");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "\"municipality\": \"sigtuna\""), "%s", show(p));

	p = cli_as(police, "situation", "--week", "2026-W47");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "sigtuna, sollentuna") && strstr(p->err, "--municipality"), "%s",
		  show(p));
	p = cli_as(police, "situation", "--week", "2026-W47", "--municipality", "sollentuna", "-o",
		   "json");
	cr_expect_eq(p->status, 0, "%s", show(p));
}
