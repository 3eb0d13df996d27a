/*
 * Interventions (the rows of Brå's action-plan template) and their
 * follow-up log (SPEC §2–3, §7; API.md "The agreement and the action plans"
 * and "Conditional and repeated requests"): creation with every field and
 * its validation, the list filters and pagination, who may log an update
 * and what it changes, Idempotency-Key, ETags and the audit rows.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(interventions, e, .timeout = 120);

/* ---- helpers ------------------------------------------------------------ */

/* A date n days from today (svk.today(), Swedish time: what `overdue` uses). */
static const char *day(int n)
{
	return sql_value(&e, "SELECT (svk.today() + $1::int)::text", strf(&e, "%d", n));
}

static const char *interventions_path(const char *plan)
{
	return strf(&e, "/v1/action-plans/%s/interventions", plan);
}

/* An intervention in plan as tok; returns its id. */
static const char *add_intervention(const char *tok, const char *plan, const char *body)
{
	struct resp *r = http(&e, "POST", interventions_path(plan), tok, body);

	cr_assert_eq(r->status, 201, "POST intervention %s: %s", body, resp_why(r));
	cr_assert(resp_str(r, "id"), "no id in %s", r->body);
	return resp_str(r, "id");
}

/* A minimal intervention body. */
static const char *minimal(const char *title, int focus, const char *responsible)
{
	return jsonf(&e, "{s:s, s:s, s:s}", "title", title, "focus_area",
		     seed_focus_area(&e, focus), "responsible_organisation", responsible);
}

/* The ids of a list answer, in order, joined with ','. */
static const char *ids_of(const struct resp *r)
{
	json_t *items = resp_get(r, "items"), *it;
	size_t i;
	char *out = strf(&e, "%s", "");

	cr_assert(json_is_array(items), "no items: %s", r->body);
	json_array_foreach (items, i, it)
		out = strf(&e, "%s%s%s", out, i ? "," : "",
			   json_string_value(json_object_get(it, "id")));
	return out;
}

/* GET path and expect exactly the ids want (joined with ','). */
static void expect_ids(const char *tok, const char *path, const char *want, const char *what)
{
	struct resp *r = http(&e, "GET", path, tok, NULL);

	cr_expect_eq(r->status, 200, "%s: GET %s: %s", what, path, resp_why(r));
	cr_expect_str_eq(ids_of(r), want, "%s: GET %s", what, path);
}

/* ---- 4. creation and validation ------------------------------------------- */

Test(interventions, are_created_with_every_field_and_validated)
{
	const char *admin = admin_token(&e);
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *est = user_in_group(&e, "erik.est", "sigtuna", "est-sigtuna", "member");
	const char *plan = seed_plan(&e, "sigtuna");
	const char *path = interventions_path(plan);
	const char *f3 = seed_focus_area(&e, 3);
	struct resp *r;

	r = http(&e, "POST", path, ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:i, s:f}",
		       "title", "Samverkan mot organiserad brottslighet i Märsta", "focus_area", f3,
		       "cause", "Etablerade nätverk i centrum", "description",
		       "Gemensam lägesbild varje vecka", "operational_goal",
		       "Lägesbild i EST varje vecka", "responsible_organisation", "sigtuna",
		       "responsible_role", "Samordnare", "starts_on", "2025-02-01", "due_on",
		       "2026-06-30", "recurring", 1, "status", "ongoing", "rag", "yellow",
		       "progress_percent", 30, "hours_spent", 12.5));
	cr_assert_eq(r->status, 201, "POST with every field: %s", resp_why(r));
	const char *id = resp_str(r, "id");
	const char *loc = resp_header(r, "Location");
	cr_assert(id, "no id: %s", r->body);
	cr_expect_str_eq(loc ? loc : "", strf(&e, "/v1/interventions/%s", id));
	cr_expect_str_eq(resp_str(r, "action_plan"), plan);
	cr_expect_str_eq(resp_str(r, "focus_area"), f3);
	cr_expect_str_eq(resp_str(r, "title"), "Samverkan mot organiserad brottslighet i Märsta");
	cr_expect_str_eq(resp_str(r, "cause"), "Etablerade nätverk i centrum");
	cr_expect_str_eq(resp_str(r, "description"), "Gemensam lägesbild varje vecka");
	cr_expect_str_eq(resp_str(r, "operational_goal"), "Lägesbild i EST varje vecka");
	cr_expect_str_eq(resp_str(r, "responsible_organisation"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "responsible_role"), "Samordnare");
	cr_expect_str_eq(resp_str(r, "starts_on"), "2025-02-01");
	cr_expect_str_eq(resp_str(r, "due_on"), "2026-06-30");
	cr_expect(json_is_true(resp_get(r, "recurring")), "recurring: %s", r->body);
	cr_expect_str_eq(resp_str(r, "status"), "ongoing");
	cr_expect_str_eq(resp_str(r, "rag"), "yellow");
	cr_expect_eq(json_integer_value(resp_get(r, "progress_percent")), 30, "%s", r->body);
	cr_expect(json_is_number(resp_get(r, "hours_spent")) &&
		      json_number_value(resp_get(r, "hours_spent")) == 12.5,
		  "hours_spent: %s", r->body);
	cr_expect(json_is_boolean(resp_get(r, "overdue")), "overdue: %s", r->body);
	cr_expect(resp_str(r, "created_at") && resp_str(r, "updated_at"), "%s", r->body);
	r = http(&e, "GET", loc ? loc : "/", est, NULL);
	cr_expect_eq(r->status, 200, "GET Location as arbetsgrupp: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "responsible_role"), "Samordnare");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.interventions WHERE id = $1 "
			       "AND recurring AND hours_spent = 12.5 AND progress_percent = 30 "
			       "AND due_on = '2026-06-30' AND status = 'ongoing'",
			       id),
		     1, "the stored row is not what was sent");
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'intervention.create' "
		      "AND entity_id = $1 AND actor = 'berit.ber' "
		      "AND after->>'title' = 'Samverkan mot organiserad brottslighet i Märsta'",
		      id),
	    1, "no intervention.create audit row");

	/* Defaults. */
	r = http(&e, "POST", path, ber, minimal("Minsta möjliga", 1, "polisen"));
	cr_expect_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "planned");
	cr_expect_str_eq(resp_str(r, "rag"), "green");
	cr_expect_eq(json_integer_value(resp_get(r, "progress_percent")), 0);

	/* Validation: 422 naming the field, and nothing stored. */
	long before = sql_count(&e, "SELECT count(*) FROM svk.interventions");
	expect_invalid(http(&e, "POST", path, ber,
			    jsonf(&e, "{s:s, s:s, s:s, s:s, s:s}", "title", "Baklänges",
				  "focus_area", f3, "responsible_organisation", "sigtuna",
				  "starts_on", "2025-06-01", "due_on", "2025-05-31")),
		       "due_on", "due_on before starts_on");
	expect_invalid(
	    http(&e, "POST", path, ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:i}", "title", "För mycket", "focus_area", f3,
		       "responsible_organisation", "sigtuna", "progress_percent", 101)),
	    "progress_percent", "progress_percent 101");
	expect_invalid(http(&e, "POST", path, ber, minimal("Okänd ansvarig", 3, "ingen-sadan")),
		       "responsible_organisation", "unknown responsible_organisation");
	expect_invalid(http(&e, "POST", path, ber,
			    jsonf(&e, "{s:s, s:s, s:s, s:s}", "title", "Färg", "focus_area", f3,
				  "responsible_organisation", "sigtuna", "colour", "red")),
		       "colour", "unknown field");
	expect_invalid(
	    http(&e, "POST", path, ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:s}", "title", "Felaktig status", "focus_area", f3,
		       "responsible_organisation", "sigtuna", "status", "finished")),
	    "status", "unknown status");
	expect_invalid(http(&e, "POST", path, ber,
			    jsonf(&e, "{s:s, s:s}", "title", "Ingen ansvarig", "focus_area", f3)),
		       "responsible_organisation", "missing responsible_organisation");
	r = http(&e, "POST", path, ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:s}", "title", "Med personnummer", "focus_area", f3,
		       "responsible_organisation", "sigtuna", "cause",
		       "Anmälan gällande 811218-9876 i centrum"));
	expect_invalid(r, "cause", "a personnummer in cause");
	cr_expect(!strstr(r->body, "811218-9876"), "the refusal repeats the number: %s", r->body);

	/* A focus area of another agreement. */
	r = http(
	    &e, "POST", "/v1/agreements", admin,
	    "{\"title\":\"Nästa avtal\",\"goal\":\"Mål\",\"parties\":[\"polisen\",\"sigtuna\"],"
	    "\"valid_from\":\"2027-01-01\",\"valid_to\":\"2030-12-31\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	r = http(&e, "POST", strf(&e, "/v1/agreements/%s/focus-areas", resp_str(r, "id")), ber,
		 "{\"ordinal\":1,\"title\":\"Annat avtals område\",\"goal\":\"Mål\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *other_focus = resp_str(r, "id");
	expect_invalid(http(&e, "POST", path, ber,
			    jsonf(&e, "{s:s, s:s, s:s}", "title", "Fel avtal", "focus_area",
				  other_focus, "responsible_organisation", "sigtuna")),
		       "focus_area", "a focus area of another agreement");
	expect_invalid(http(&e, "POST", path, ber,
			    jsonf(&e, "{s:s, s:s, s:s}", "title", "Inget område", "focus_area",
				  "00000000-0000-4000-8000-000000000000",
				  "responsible_organisation", "sigtuna")),
		       "focus_area", "an unknown focus area");
	expect_invalid(http(&e, "PATCH", strf(&e, "/v1/interventions/%s", id), ber,
			    jsonf(&e, "{s:s}", "focus_area", other_focus)),
		       "focus_area", "PATCH to a focus area of another agreement");
	expect_invalid(http(&e, "PATCH", strf(&e, "/v1/interventions/%s", id), ber,
			    "{\"due_on\":\"2025-01-01\"}"),
		       "due_on", "PATCH due_on before starts_on");

	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.interventions"), before,
		     "a refused intervention was stored");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE cause LIKE '%811218%'"), 0,
	    "the personnummer was stored");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE after::text LIKE '%811218-9876%' "
			  "OR before::text LIKE '%811218-9876%'"),
	    0, "the personnummer reached the audit log");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.interventions WHERE id = $1 "
			       "AND focus_area_id = $2::uuid AND due_on = '2026-06-30'",
			       id, f3),
		     1, "a refused PATCH changed the intervention");

	/* Only the beredningsgrupp and up create; reading is for every tier. */
	long refusals = audit_refusals(&e, "erik.est");
	r = http(&e, "POST", path, est, minimal("Från EST", 1, "sigtuna"));
	cr_expect_eq(r->status, 403, "arbetsgrupp POST intervention: %s", resp_why(r));
	cr_expect_eq(audit_refusals(&e, "erik.est"), refusals + 1, "no request.refused row");
	r = http(&e, "PATCH", strf(&e, "/v1/interventions/%s", id), est, "{\"rag\":\"red\"}");
	cr_expect_eq(r->status, 403, "arbetsgrupp PATCH intervention: %s", resp_why(r));
	r = http(&e, "GET", path, est, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);
	r = http(&e, "POST", interventions_path("00000000-0000-4000-8000-000000000000"), ber,
		 minimal("Ingen plan", 1, "sigtuna"));
	cr_expect_eq(r->status, 404, "unknown plan: %s", resp_why(r));
	r = http(&e, "GET", "/v1/interventions/not-a-uuid", est, NULL);
	cr_expect_eq(r->status, 404, "malformed id: %s", resp_why(r));
}

/* ---- 4. filters and pagination ------------------------------------------------ */

Test(interventions, are_filtered_and_paginated)
{
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *est = user_in_group(&e, "erik.est", "sigtuna", "est-sigtuna", "member");
	const char *plan = seed_plan(&e, "sigtuna");
	const char *path = interventions_path(plan);
	const char *f1 = seed_focus_area(&e, 1), *f2 = seed_focus_area(&e, 2),
		   *f3 = seed_focus_area(&e, 3);
	const char *past = day(-10), *long_ago = day(-40), *future = day(30);

	/* a: ongoing, red, focus 1, sigtuna, due in the past: overdue.
	 * b: done, green, focus 2, polisen, due in the past: done, not overdue.
	 * c: planned, yellow, focus 1, polisen, due later.
	 * d: cancelled, red, focus 3, sigtuna, due in the past: not overdue. */
	const char *a = add_intervention(ber, plan,
					 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title",
					       "A", "focus_area", f1, "responsible_organisation",
					       "sigtuna", "starts_on", long_ago, "due_on", past,
					       "status", "ongoing", "rag", "red"));
	const char *b = add_intervention(ber, plan,
					 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title",
					       "B", "focus_area", f2, "responsible_organisation",
					       "polisen", "starts_on", long_ago, "due_on", past,
					       "status", "done", "rag", "green"));
	const char *c = add_intervention(ber, plan,
					 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "C",
					       "focus_area", f1, "responsible_organisation",
					       "polisen", "due_on", future, "status", "planned",
					       "rag", "yellow"));
	const char *d = add_intervention(ber, plan,
					 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "D",
					       "focus_area", f3, "responsible_organisation",
					       "sigtuna", "due_on", past, "status", "cancelled",
					       "rag", "red"));
	/* Another plan's intervention never shows. */
	add_intervention(ber, seed_plan(&e, "sollentuna"),
			 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "Annan plan",
			       "focus_area", f1, "responsible_organisation", "sigtuna", "due_on",
			       past, "status", "ongoing", "rag", "red"));

	expect_ids(est, path, strf(&e, "%s,%s,%s,%s", a, b, c, d), "no filter");
	expect_ids(est, strf(&e, "%s?status=ongoing", path), a, "status=ongoing");
	expect_ids(est, strf(&e, "%s?status=done", path), b, "status=done");
	expect_ids(est, strf(&e, "%s?rag=red", path), strf(&e, "%s,%s", a, d), "rag=red");
	expect_ids(est, strf(&e, "%s?focus_area=%s", path, f1), strf(&e, "%s,%s", a, c),
		   "focus_area=1");
	expect_ids(est, strf(&e, "%s?responsible=polisen", path), strf(&e, "%s,%s", b, c),
		   "responsible=polisen");
	expect_ids(est, strf(&e, "%s?overdue=true", path), a, "overdue=true");
	expect_ids(est, strf(&e, "%s?rag=red&responsible=sigtuna&overdue=true", path), a,
		   "rag=red&responsible=sigtuna&overdue=true");
	expect_ids(est, strf(&e, "%s?status=planned&focus_area=%s", path, f2), "",
		   "status=planned&focus_area=2");

	struct resp *r = http(&e, "GET", strf(&e, "/v1/interventions/%s", a), est, NULL);
	cr_expect(json_is_true(resp_get(r, "overdue")), "a is not overdue: %s", r->body);
	r = http(&e, "GET", strf(&e, "/v1/interventions/%s", b), est, NULL);
	cr_expect(json_is_false(resp_get(r, "overdue")), "a done one is overdue: %s", r->body);

	expect_invalid(http(&e, "GET", strf(&e, "%s?status=finished", path), est, NULL), "status",
		       "status=finished");
	expect_invalid(http(&e, "GET", strf(&e, "%s?status=plan", path), est, NULL), "status",
		       "status=plan (a part of a status)");
	expect_invalid(http(&e, "GET", strf(&e, "%s?rag=purple", path), est, NULL), "rag",
		       "rag=purple");
	expect_invalid(http(&e, "GET", strf(&e, "%s?rag=ree", path), est, NULL), "rag",
		       "rag=ree (a part of a RAG)");
	expect_invalid(http(&e, "GET", strf(&e, "%s?focus_area=1", path), est, NULL), "focus_area",
		       "focus_area=1");
	expect_invalid(http(&e, "GET", strf(&e, "%s?overdue=yes", path), est, NULL), "overdue",
		       "overdue=yes");

	/* Pagination, in a plan of its own: five, two a page. */
	const char *vplan = seed_plan(&e, "upplands-vasby");
	const char *vpath = interventions_path(vplan);
	const char *made[5];
	int seen[5] = { 0 }, pages = 0, total = 0;
	const char *next = strf(&e, "%s?limit=2", vpath);

	for (int i = 0; i < 5; i++)
		made[i] = add_intervention(
		    ber, vplan, minimal(strf(&e, "Insats %d", i + 1), 1 + i % 4, "upplands-vasby"));
	while (next) {
		const char *link, *cursor;

		cr_assert_lt(pages, 5, "the cursor does not end");
		r = http(&e, "GET", next, est, NULL);
		cr_assert_eq(r->status, 200, "GET %s: %s", next, resp_why(r));
		pages++;
		json_t *items = resp_get(r, "items"), *it;
		size_t k;
		cr_expect_leq(json_array_size(items), 2, "page %d: %s", pages, r->body);
		json_array_foreach (items, k, it) {
			const char *iid = json_string_value(json_object_get(it, "id"));
			bool known = false;
			for (int i = 0; i < 5; i++)
				if (iid && strcmp(iid, made[i]) == 0) {
					seen[i]++;
					known = true;
				}
			cr_expect(known, "page %d has an unknown intervention: %s", pages, r->body);
			total++;
		}
		cursor = resp_str(r, "next_cursor");
		link = resp_header(r, "Link");
		if (!cursor) {
			cr_expect(json_is_null(resp_get(r, "next_cursor")), "next_cursor: %s",
				  r->body);
			cr_expect(!link, "a Link on the last page: %s", link);
			next = NULL;
			break;
		}
		cr_assert(link, "page %d has next_cursor but no Link header", pages);
		const char *want = strf(&e, "cursor=%s>; rel=\"next\"", cursor);
		size_t ll = strlen(link), wl = strlen(want);
		cr_expect(link[0] == '<' && ll > wl && strcmp(link + ll - wl, want) == 0,
			  "Link is not <…cursor=%s>; rel=\"next\": %s", cursor, link);
		cr_expect(strncmp(link + 1, vpath, strlen(vpath)) == 0 && strstr(link, "limit=2"),
			  "the Link does not keep the path and limit: %s", link);
		/* Follow the Link. */
		next = strf(&e, "%.*s", (int)(strchr(link, '>') ? strchr(link, '>') - link - 1 : 0),
			    link + 1);
	}
	cr_expect_eq(pages, 3, "five in pages of two are three pages");
	cr_expect_eq(total, 5);
	for (int i = 0; i < 5; i++)
		cr_expect_eq(seen[i], 1, "intervention %d seen %d times", i + 1, seen[i]);
	expect_invalid(http(&e, "GET", strf(&e, "%s?cursor=abc", vpath), est, NULL), "cursor",
		       "a cursor not given out");
	expect_invalid(http(&e, "GET", strf(&e, "%s?limit=0", vpath), est, NULL), "limit",
		       "limit=0");
}

/* ---- 5. the follow-up log --------------------------------------------------------- */

Test(interventions, the_responsible_organisation_and_the_beredningsgrupp_log_updates)
{
	const char *ber = user_in_group(&e, "berit.ber", "polisen", "beredningsgrupp", "member");
	const char *sig = user_in_group(&e, "sara.est", "sigtuna", "est-sigtuna", "member");
	const char *sol = user_in_group(&e, "olle.est", "sollentuna", "est-sollentuna", "member");
	const char *pol = user_in_group(&e, "pia.est", "polisen", "est-sigtuna", "member");
	const char *none = user_in_group(&e, "nina.ingen", "sigtuna", NULL, NULL);
	const char *plan = seed_plan(&e, "sigtuna");
	const char *id = add_intervention(ber, plan, minimal("Trygghetsvandring", 4, "sigtuna"));
	const char *upath = strf(&e, "/v1/interventions/%s/updates", id);
	const char *ipath = strf(&e, "/v1/interventions/%s", id);
	struct resp *r;

	/* A member of the responsible organisation, at arbetsgrupp tier. */
	r = http(
	    &e, "POST", upath, sig,
	    "{\"note\":\"Första vandringen genomförd\",\"status\":\"ongoing\",\"rag\":\"yellow\","
	    "\"progress_percent\":40,\"hours\":2.5,\"communicated\":true,\"channel\":"
	    "\"Facebook\"}");
	cr_assert_eq(r->status, 201, "the responsible organisation's member: %s", resp_why(r));
	const char *u1 = resp_str(r, "id");
	cr_assert(u1, "no id: %s", r->body);
	cr_expect(resp_header(r, "Location"), "no Location");
	cr_expect_str_eq(resp_str(r, "intervention"), id);
	cr_expect_str_eq(resp_str(r, "author"), "sara.est");
	cr_expect_str_eq(resp_str(r, "organisation"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "note"), "Första vandringen genomförd");
	cr_expect_str_eq(resp_str(r, "status"), "ongoing");
	cr_expect_str_eq(resp_str(r, "rag"), "yellow");
	cr_expect_eq(json_integer_value(resp_get(r, "progress_percent")), 40);
	cr_expect(json_number_value(resp_get(r, "hours")) == 2.5, "hours: %s", r->body);
	cr_expect(json_is_true(resp_get(r, "communicated")), "communicated: %s", r->body);
	cr_expect_str_eq(resp_str(r, "channel"), "Facebook");

	/* Members of other organisations at arbetsgrupp tier may not; nor may the
	 * responsible organisation's users without a group. */
	const char *const who[] = { "olle.est", "pia.est", "nina.ingen" };
	const char *toks[] = { sol, pol, none };
	for (size_t i = 0; i < 3; i++) {
		long before = audit_refusals(&e, who[i]);
		r = http(&e, "POST", upath, toks[i], "{\"note\":\"Obehörig\",\"rag\":\"red\"}");
		cr_expect_eq(r->status, 403, "%s logs an update: %s", who[i], resp_why(r));
		cr_expect_str_eq(resp_code(r), "forbidden");
		cr_expect_eq(audit_refusals(&e, who[i]), before + 1, "%s: no request.refused row",
			     who[i]);
		cr_expect_eq(
		    sql_count(
			&e,
			"SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			"AND actor = $1 AND after->>'request' = 'POST /v1/interventions/{}/updates'"
			" AND $2 LIKE 'POST /v1/interventions/%/updates'",
			who[i], strf(&e, "POST %s", upath)),
		    1, "%s: the refusal does not name the request", who[i]);
	}
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.intervention_updates WHERE note = 'Obehörig'"),
	    0, "a refused update was stored");

	/* The beredningsgrupp, of another organisation. */
	r = http(
	    &e, "POST", upath, ber,
	    "{\"note\":\"Uppföljning i beredningsgruppen\",\"rag\":\"red\",\"progress_percent\":60,"
	    "\"hours\":1.25}");
	cr_assert_eq(r->status, 201, "beredningsgrupp of another organisation: %s", resp_why(r));
	const char *u2 = resp_str(r, "id");
	cr_expect_str_eq(resp_str(r, "organisation"), "polisen");
	cr_expect(json_is_null(resp_get(r, "status")), "status not given, yet: %s", r->body);
	cr_expect(json_is_false(resp_get(r, "communicated")), "communicated: %s", r->body);

	expect_invalid(http(&e, "POST", upath, sig, "{\"rag\":\"red\"}"), "note", "no note");
	expect_invalid(http(&e, "POST", upath, sig, "{\"note\":\"x\",\"hours\":-1}"), "hours",
		       "negative hours");
	expect_invalid(http(&e, "POST", upath, sig, "{\"note\":\"x\",\"status\":\"finished\"}"),
		       "status", "unknown status");
	r = http(&e, "POST", "/v1/interventions/00000000-0000-4000-8000-000000000000/updates", ber,
		 "{\"note\":\"Ingen insats\"}");
	cr_expect_eq(r->status, 404, "unknown intervention: %s", resp_why(r));

	/* The intervention changed with the updates. */
	r = http(&e, "GET", ipath, sol, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "ongoing");
	cr_expect_str_eq(resp_str(r, "rag"), "red");
	cr_expect_eq(json_integer_value(resp_get(r, "progress_percent")), 60, "%s", r->body);
	cr_expect(json_number_value(resp_get(r, "hours_spent")) == 3.75, "hours_spent: %s",
		  r->body);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.interventions WHERE id = $1 "
			       "AND status = 'ongoing' AND rag = 'red' AND progress_percent = 60 "
			       "AND hours_spent = 3.75",
			       id),
		     1, "the stored intervention does not have the updates' state");

	/* The log, in order, for every tier. */
	r = http(&e, "GET", upath, sol, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id"), u1);
	cr_expect_str_eq(resp_str(r, "items.0.author"), "sara.est");
	cr_expect_str_eq(resp_str(r, "items.0.organisation"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "items.1.id"), u2 ? u2 : "-");
	cr_expect_str_eq(resp_str(r, "items.1.author"), "berit.ber");
	cr_expect_str_eq(resp_str(r, "items.1.organisation"), "polisen");
	cr_expect_str_eq(resp_str(r, "items.1.note"), "Uppföljning i beredningsgruppen");
	cr_expect(json_is_null(resp_get(r, "next_cursor")), "%s", r->body);

	/* One audit entry per update holds the update and the intervention's change. */
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'intervention.log' "
			       "AND entity_id = $1",
			       id),
		     2, "not one intervention.log row per update");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'intervention.log' "
			       "AND entity_id = $1 AND actor = 'sara.est' "
			       "AND after->'update'->>'id' = $2 "
			       "AND before->>'status' = 'planned' AND before->>'rag' = 'green' "
			       "AND after->'intervention'->>'status' = 'ongoing' "
			       "AND after->'intervention'->>'rag' = 'yellow' "
			       "AND (after->'intervention'->>'progress_percent')::int = 40 "
			       "AND (after->'intervention'->>'hours_spent')::numeric = 2.5",
			       id, u1),
		     1,
		     "the first update's audit row lacks the update or the intervention's change");
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'intervention.update' "
		      "AND entity_id = $1",
		      id),
	    0, "the log wrote a second audit row for the intervention");
}

/* ---- 6. Idempotency-Key -------------------------------------------------------------- */

Test(interventions, a_post_with_an_idempotency_key_is_applied_once)
{
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *plan = seed_plan(&e, "sigtuna");
	const char *path = interventions_path(plan);
	const char *body = minimal("Idempotent insats", 2, "sigtuna");
	const char *key = "Idempotency-Key: 6f1c3a4e-insats-1";
	struct resp *r1, *r2, *r;

	r1 = http_send(
	    &e,
	    &(struct http_req){
		.method = "POST", .path = path, .token = ber, .body = body, .headers = { key } });
	cr_assert_eq(r1->status, 201, "first: %s", resp_why(r1));
	cr_expect(!resp_header(r1, "Idempotent-Replayed"), "the first answer says replayed");
	r2 = http_send(
	    &e,
	    &(struct http_req){
		.method = "POST", .path = path, .token = ber, .body = body, .headers = { key } });
	cr_assert_eq(r2->status, 201, "repeat: %s", resp_why(r2));
	cr_expect_str_eq(
	    resp_header(r2, "Idempotent-Replayed") ? resp_header(r2, "Idempotent-Replayed") : "",
	    "true", "the repeat does not say Idempotent-Replayed: true");
	cr_expect_str_eq(resp_str(r2, "id") ? resp_str(r2, "id") : "", resp_str(r1, "id"),
			 "the repeat has another id");
	cr_expect_str_eq(resp_header(r2, "Location") ? resp_header(r2, "Location") : "",
			 resp_header(r1, "Location") ? resp_header(r1, "Location") : "-");
	cr_expect(r1->json && r2->json && json_equal(r1->json, r2->json),
		  "the repeat is not the first answer:\n%s\n%s", r1->body, r2->body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE title = $1",
			       "Idempotent insats"),
		     1, "the POST was applied twice");
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'intervention.create' "
		      "AND entity_id = $1",
		      resp_str(r1, "id")),
	    1);

	/* The same key for another request. */
	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = path,
					      .token = ber,
					      .body = minimal("Annan insats", 2, "sigtuna"),
					      .headers = { key } });
	expect_invalid(r, "Idempotency-Key", "the key with another body");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE title = 'Annan insats'"), 0,
	    "the second body was applied");
	/* A key belongs to its user: another user's same key is a new request. */
	const char *ber2 = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = path,
					      .token = ber2,
					      .body = minimal("Annan användare", 2, "sigtuna"),
					      .headers = { key } });
	cr_expect_eq(r->status, 201, "another user's key: %s", resp_why(r));
	cr_expect(!resp_header(r, "Idempotent-Replayed"), "another user's request was replayed");
	/* A request that changed nothing does not use up its key. */
	const char *fkey = "Idempotency-Key: failed-first";
	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = path,
					      .token = ber,
					      .body = minimal("Rättad insats", 2, "ingen-sadan"),
					      .headers = { fkey } });
	expect_invalid(r, "responsible_organisation", "with a key, an unknown organisation");
	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = path,
					      .token = ber,
					      .body = minimal("Rättad insats", 2, "sigtuna"),
					      .headers = { fkey } });
	cr_expect_eq(r->status, 201, "the corrected request under the failed one's key: %s",
		     resp_why(r));
	cr_expect(!resp_header(r, "Idempotent-Replayed"), "the corrected request was replayed");
	/* Not a key. */
	r = http_send(&e,
		      &(struct http_req){ .method = "POST",
					  .path = path,
					  .token = ber,
					  .body = minimal("Tom nyckel", 2, "sigtuna"),
					  .headers = { strf(&e, "Idempotency-Key: %0201d", 7) } });
	expect_invalid(r, "Idempotency-Key", "a 201-character key");

	/* A token is shown once, even to a repeat. */
	const char *tkey = "Idempotency-Key: token-key-1";
	const char *tbody = "{\"name\":\"rapportskript\",\"expires_in_days\":30}";
	r1 = http_send(&e, &(struct http_req){ .method = "POST",
					       .path = "/v1/me/tokens",
					       .token = ber,
					       .body = tbody,
					       .headers = { tkey } });
	cr_assert_eq(r1->status, 201, "POST /v1/me/tokens: %s", resp_why(r1));
	const char *secret = resp_str(r1, "token");
	cr_assert(secret && strncmp(secret, "svk_", 4) == 0, "no token: %s", r1->body);
	r2 = http_send(&e, &(struct http_req){ .method = "POST",
					       .path = "/v1/me/tokens",
					       .token = ber,
					       .body = tbody,
					       .headers = { tkey } });
	cr_assert_eq(r2->status, 201, "repeat POST /v1/me/tokens: %s", resp_why(r2));
	cr_expect_str_eq(
	    resp_header(r2, "Idempotent-Replayed") ? resp_header(r2, "Idempotent-Replayed") : "",
	    "true");
	cr_expect(r2->json && !resp_get(r2, "token"), "the repeat shows a token: %s", r2->body);
	cr_expect(!strstr(r2->body, secret), "the repeat shows the token: %s", r2->body);
	cr_expect_str_eq(resp_str(r2, "id") ? resp_str(r2, "id") : "", resp_str(r1, "id"));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE name = 'rapportskript'"),
		     1, "the token was made twice");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.idempotency_keys "
			       "WHERE position($1 in coalesce(response, '')) > 0 "
			       "OR position($1 in coalesce(location, '')) > 0",
			       secret),
		     0, "the plaintext token is stored with the idempotency key");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.idempotency_keys "
				   "WHERE coalesce(response, '') ~ 'svk_[A-Za-z0-9]{40}'"),
		     0, "a plaintext token is stored with an idempotency key");
	/* The token works. */
	r = http(&e, "GET", "/v1/me", secret, NULL);
	cr_expect_eq(r->status, 200, "the script token: %s", resp_why(r));
}

/* ---- 7. ETags, and 8. the audit rows of the edits ------------------------------------- */

Test(interventions, etags_make_reads_conditional_and_writes_safe)
{
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *est = user_in_group(&e, "erik.est", "sigtuna", "est-sigtuna", "member");
	const char *id = add_intervention(ber, seed_plan(&e, "sigtuna"),
					  minimal("Villkorlig insats", 1, "sigtuna"));
	const char *ipath = strf(&e, "/v1/interventions/%s", id);
	struct resp *r = http(&e, "GET", ipath, est, NULL);
	const char *etag = resp_header(r, "ETag");

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_assert(etag && etag[0] == '"' && strlen(etag) == 34, "not a strong 32-hex ETag: %s",
		  etag ? etag : "(none)");
	r = http_send(&e, &(struct http_req){ .path = ipath,
					      .token = est,
					      .headers = { strf(&e, "If-None-Match: %s", etag) } });
	cr_expect_eq(r->status, 304, "If-None-Match of the ETag: %s", resp_why(r));
	cr_expect_eq(r->len, 0, "a 304 with a body");
	cr_expect_str_eq(resp_header(r, "ETag") ? resp_header(r, "ETag") : "", etag,
			 "the 304 does not carry the ETag");
	r = http_send(&e,
		      &(struct http_req){
			  .path = ipath,
			  .token = est,
			  .headers = { "If-None-Match: \"0123456789abcdef0123456789abcdef\"" } });
	cr_expect_eq(r->status, 200, "If-None-Match of another tag: %s", resp_why(r));

	/* A write with the current tag; then the old one is stale. */
	r = http_send(&e, &(struct http_req){
			      .method = "PATCH",
			      .path = ipath,
			      .token = ber,
			      .body = "{\"rag\":\"yellow\",\"responsible_role\":\"Fältassistent\"}",
			      .headers = { strf(&e, "If-Match: %s", etag) } });
	cr_assert_eq(r->status, 200, "PATCH with the current ETag: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "rag"), "yellow");
	cr_expect_str_eq(resp_str(r, "responsible_role"), "Fältassistent");
	cr_expect_str_eq(resp_str(r, "title"), "Villkorlig insats", "PATCH changed another field");
	const char *etag2 = resp_header(r, "ETag");
	cr_expect(etag2 && strcmp(etag2, etag) != 0, "no new ETag after the PATCH");
	r = http_send(&e, &(struct http_req){ .path = ipath,
					      .token = est,
					      .headers = { strf(&e, "If-None-Match: %s", etag) } });
	cr_expect_eq(r->status, 200, "If-None-Match of the old ETag: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "rag"), "yellow");
	r = http_send(&e, &(struct http_req){ .method = "PATCH",
					      .path = ipath,
					      .token = ber,
					      .body = "{\"rag\":\"red\"}",
					      .headers = { strf(&e, "If-Match: %s", etag) } });
	cr_expect_eq(r->status, 412, "PATCH with the old ETag: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "precondition_failed");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE id = $1 AND rag = 'yellow'",
		      id),
	    1, "a stale write changed the intervention");
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'intervention.update' "
		      "AND entity_id = $1 AND actor = 'berit.ber' "
		      "AND before->>'rag' = 'green' AND after->>'rag' = 'yellow'",
		      id),
	    1, "no intervention.update audit row with before and after");

	/* Every kind of change of this issue left its audit row. */
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'intervention.create' "
		      "AND entity_id = $1 AND actor = 'berit.ber' AND organisation = 'sollentuna'",
		      id),
	    1, "no intervention.create audit row");
}
