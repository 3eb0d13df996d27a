/*
 * Meetings and the compliance findings (SPEC §3, §5; API.md "EST"): who
 * may record a meeting of which group, what is refused, and each finding
 * of GET /v1/agreements/{id}/compliance provoked and then cleared.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(est_meetings, e, .timeout = 120);

static const char *days_ago(int n)
{
	return sql_value(&e, "SELECT (svk.today() - $1::int)::text", strf(&e, "%d", n));
}

static long meetings(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.meetings");
}

/* ---- meetings ------------------------------------------------------------- */

Test(est_meetings, members_record_their_own_groups_meetings)
{
	const char *est = user_in_group(&e, "stina.est", "sigtuna", "est-sigtuna", "member");
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *none = user_in_group(&e, "nils.none", "sigtuna", NULL, NULL);
	const char *day = days_ago(2);
	struct resp *r;

	r = http(&e, "POST", "/v1/meetings", est,
		 jsonf(&e, "{s:s, s:s, s:[s,s], s:s, s:[s], s:[s,s]}", "group", "est-sigtuna",
		       "held_on", day, "attendees", "sigtuna", "polisen", "minutes",
		       "Genomgång av veckans lägesbild.", "decisions",
		       "Extra tillsyn vid stationen fredag kväll", "focus_places", "Märsta station",
		       "Valsta centrum"));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"),
			 strf(&e, "/v1/meetings/%s", resp_str(r, "id")));
	cr_expect_str_eq(resp_str(r, "group"), "est-sigtuna");
	cr_expect_str_eq(resp_str(r, "held_on"), day);
	cr_expect_str_eq(resp_str(r, "week"),
			 sql_value(&e, "SELECT to_char($1::date, 'IYYY-\"W\"IW')", day));
	cr_expect_str_eq(resp_str(r, "iso_week"), resp_str(r, "week"));
	cr_expect_str_eq(resp_str(r, "attendees.0"), "polisen");
	cr_expect_str_eq(resp_str(r, "attendees.1"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "focus_places.0"), "Märsta station", "the ranking is kept");
	cr_expect_str_eq(resp_str(r, "focus_places.1"), "Valsta centrum");
	cr_expect_str_eq(resp_str(r, "recorded_by"), "stina.est");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'meeting.create' "
			       "AND entity_id = $1",
			       resp_str(r, "id")),
		     1);
	struct resp *g = http(&e, "GET", resp_header(r, "Location"), none, NULL);
	cr_expect_eq(g->status, 403, "no tier reads a meeting: %s", resp_why(g));
	g = http(&e, "GET", resp_header(r, "Location"), ber, NULL);
	cr_expect_eq(g->status, 200, "%s", resp_why(g));
	cr_expect(json_equal(g->json, r->json));

	/* Another group's meeting: an arbetsgrupp member may not, the
	 * beredningsgrupp may. */
	r = http(&e, "POST", "/v1/meetings", est,
		 jsonf(&e, "{s:s, s:s}", "group", "est-sollentuna", "held_on", day));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'stina.est'"),
		     1);
	r = http(&e, "POST", "/v1/meetings", none,
		 jsonf(&e, "{s:s, s:s}", "group", "est-sigtuna", "held_on", days_ago(3)));
	cr_expect_eq(r->status, 403, "no membership: %s", resp_why(r));
	r = http(&e, "POST", "/v1/meetings", ber,
		 jsonf(&e, "{s:s, s:s}", "group", "est-sollentuna", "held_on", day));
	cr_expect_eq(r->status, 201, "beredningsgrupp: %s", resp_why(r));
	cr_expect_eq(meetings(), 2);

	/* Refusals store nothing. */
	r = http(&e, "POST", "/v1/meetings", est,
		 jsonf(&e, "{s:s, s:s}", "group", "est-sigtuna", "held_on", day));
	cr_expect_eq(r->status, 409, "the same group and day twice: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");
	expect_invalid(
	    http(&e, "POST", "/v1/meetings", est,
		 jsonf(&e, "{s:s, s:s}", "group", "est-sigtuna", "held_on", days_ago(-3))),
	    "held_on", "a meeting in the future");
	expect_invalid(http(&e, "POST", "/v1/meetings", est,
			    jsonf(&e, "{s:s, s:s, s:[s,s]}", "group", "est-sigtuna", "held_on",
				  days_ago(4), "attendees", "sigtuna", "gotland")),
		       "attendees[1]", "an unknown attendee");
	expect_invalid(
	    http(&e, "POST", "/v1/meetings", ber,
		 jsonf(&e, "{s:s, s:s}", "group", "est-gotland", "held_on", days_ago(4))),
	    "group", "an unknown group");
	expect_invalid(http(&e, "POST", "/v1/meetings", est,
			    jsonf(&e, "{s:s, s:s, s:[s]}", "group", "est-sigtuna", "held_on",
				  days_ago(4), "decisions", "Kontakta 19811218-9876 om skadan")),
		       "decisions[0]", "a personnummer in a decision");
	expect_invalid(
	    http(&e, "POST", "/v1/meetings", est,
		 jsonf(&e, "{s:s, s:s}", "group", "est-sigtuna", "held_on", "2026-02-30")),
	    "held_on", "no such day");
	cr_expect_eq(meetings(), 2, "a refused meeting was stored");

	r = http(&e, "GET", "/v1/meetings?group=est-sigtuna", est, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	r = http(&e, "GET", strf(&e, "/v1/meetings?from=%s&to=%s", day, day), est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);
	r = http(&e, "GET", strf(&e, "/v1/meetings?to=%s", days_ago(3)), est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0, "%s", r->body);
	r = http(&e, "GET", "/v1/meetings?limit=1", est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect(resp_str(r, "next_cursor"), "%s", r->body);
}

/* ---- compliance ------------------------------------------------------------- */

static const char *agreement(void)
{
	return sql_value(&e, "SELECT id::text FROM svk.agreements WHERE valid_from = '2023-01-01'");
}

/* The findings with code (and entity_id, when given). */
static int findings(const char *tok, const char *code, const char *entity_id)
{
	struct resp *r = http(&e, "GET", strf(&e, "/v1/agreements/%s/compliance", agreement()), tok,
			      NULL);
	json_t *f;
	size_t i;
	int n = 0;

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(json_equal(resp_get(r, "items"), resp_get(r, "findings")),
		  "items is not the findings: %s", r->body);
	cr_expect(json_is_null(resp_get(r, "next_cursor")), "%s", r->body);
	json_array_foreach (resp_get(r, "findings"), i, f) {
		const char *c = json_string_value(json_object_get(f, "code"));
		const char *id = json_string_value(json_object_get(f, "entity_id"));
		const char *msg = json_string_value(json_object_get(f, "message"));

		cr_expect(msg && strlen(msg) > 20, "a finding without a message: %s", r->body);
		cr_expect(json_string_value(json_object_get(f, "severity")), "%s", r->body);
		if (strcmp(c, code) == 0 && (!entity_id || (id && strcmp(id, entity_id) == 0)))
			n++;
	}
	return n;
}

/* The agreement's end, set directly (an extension is the only way through
 * the API). */
static void set_valid_to(int days_from_today)
{
	struct sqlres *q = sql_query(&e,
				     "UPDATE svk.agreements SET valid_to = svk.today() + $1::int "
				     "WHERE valid_from = '2023-01-01'",
				     strf(&e, "%d", days_from_today));
	cr_assert(q->ok, "%s", q->error);
}

Test(est_meetings, each_compliance_finding_is_raised_and_cleared)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *sty = user_in_group(&e, "sara.sty", "sigtuna", "styrgrupp", "member");
	const char *est = user_in_group(&e, "stina.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;

	r = http(&e, "GET", "/v1/agreements/4f0e1b8e-0000-4000-8000-000000000000/compliance", est,
		 NULL);
	cr_expect_eq(r->status, 404, "%s", resp_why(r));

	/* 1. The agreement runs out within 90 days. */
	set_valid_to(30);
	cr_expect_eq(findings(est, "agreement_expiring", NULL), 1);
	set_valid_to(200);
	cr_expect_eq(findings(est, "agreement_expiring", NULL), 0);

	/* 2. No styrgrupp meeting in 12 months: one 13 months ago does not count. */
	cr_expect_eq(findings(est, "styrgrupp_meeting_missing", NULL), 1);
	r = http(&e, "POST", "/v1/meetings", sty,
		 jsonf(&e, "{s:s, s:s}", "group", "styrgrupp", "held_on", days_ago(400)));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(findings(est, "styrgrupp_meeting_missing", NULL), 1);
	r = http(&e, "POST", "/v1/meetings", sty,
		 jsonf(&e, "{s:s, s:s}", "group", "styrgrupp", "held_on", days_ago(10)));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(findings(est, "styrgrupp_meeting_missing", NULL), 0);

	/* 3. An EST group without a meeting in the last completed week. */
	cr_expect_eq(findings(est, "est_meeting_missing", "est-sigtuna"), 1);
	cr_expect_eq(findings(est, "est_meeting_missing", "est-sollentuna"), 1);
	const char *last_wednesday = sql_value(&e, "SELECT (svk.week_of(now()) - 5)::text");
	r = http(&e, "POST", "/v1/meetings", est,
		 jsonf(&e, "{s:s, s:s}", "group", "est-sigtuna", "held_on", last_wednesday));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(findings(est, "est_meeting_missing", "est-sigtuna"), 0);
	cr_expect_eq(findings(est, "est_meeting_missing", "est-sollentuna"), 1);
	cr_expect_eq(findings(est, "est_meeting_missing", "est-upplands-vasby"), 1);

	/* 4. An ongoing intervention without an update in 90 days. */
	const char *plan = sql_value(&e, "SELECT p.id::text FROM svk.action_plans p JOIN "
					 "svk.organisations o ON o.id = p.municipality_id "
					 "WHERE o.slug = 'sigtuna'");
	const char *focus = sql_value(&e, "SELECT id::text FROM svk.focus_areas WHERE ordinal = 1");
	r = http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:s}", "title", "Trygghetsvandringar", "focus_area",
		       focus, "responsible_organisation", "sigtuna", "status", "ongoing"));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *iv = resp_str(r, "id");
	cr_expect_eq(findings(est, "intervention_without_update", iv), 0, "started today");
	sql_query(&e,
		  "UPDATE svk.interventions SET created_at = now() - interval '100 days' "
		  "WHERE id = $1::uuid",
		  iv);
	cr_expect_eq(findings(est, "intervention_without_update", iv), 1);
	r = http(&e, "POST", strf(&e, "/v1/interventions/%s/updates", iv), est,
		 "{\"note\":\"Två vandringar gjorda\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(findings(est, "intervention_without_update", iv), 0);

	/* 5. Last year's follow-up not adopted (the agreement covered it). */
	const char *last_year = sql_value(&e,
					  "SELECT (extract(year FROM svk.today())::int - 1)::text");
	cr_expect_eq(findings(est, "follow_up_missing", last_year), 1);
	sql_query(&e,
		  "INSERT INTO svk.follow_ups (agreement_id, year) "
		  "SELECT id, $1::int FROM svk.agreements WHERE valid_from = '2023-01-01'",
		  last_year);
	cr_expect_eq(findings(est, "follow_up_missing", last_year), 1, "a draft is not adopted");
	sql_query(&e,
		  "UPDATE svk.follow_ups SET status = 'adopted', adopted_at = now() "
		  "WHERE year = $1::int",
		  last_year);
	cr_expect_eq(findings(est, "follow_up_missing", last_year), 0);
}
