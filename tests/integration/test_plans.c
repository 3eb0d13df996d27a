/*
 * The agreement and the municipal action plans (SPEC §2–3, §7; API.md "The
 * agreement and the action plans"): every tier reads the agreement with its
 * computed status and days remaining, only admins make agreements, the
 * beredningsgrupp adds focus areas and makes and edits plans (If-Match), an
 * adopted plan is read-only until its next version, and a plan exports as
 * the CSV of Brå's action-plan template.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(plans, e, .timeout = 120);

/* ---- helpers ------------------------------------------------------------ */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Today as the product counts days (svk.today(), Swedish time), in days
 * since 1970-01-01: not the test machine's TZ, which may be a day behind. */
static long today(void)
{
	return strtol(sql_value(&e, "SELECT (svk.today() - date '1970-01-01')::text"), NULL, 10);
}

static long date_days(const char *ymd)
{
	long y, m, d;

	cr_assert_eq(sscanf(ymd, "%ld-%ld-%ld", &y, &m, &d), 3, "not a date: %s", ymd);
	return days_from_civil(y, m, d);
}

/* What the agreement from..to must say today. */
static const char *expected_status(const char *from, const char *to)
{
	long t = today();

	if (t < date_days(from))
		return "upcoming";
	if (t > date_days(to))
		return "expired";
	return "active";
}

static long expected_days_remaining(const char *to)
{
	long n = date_days(to) - today();

	return n > 0 ? n : 0;
}

static const char *seed_agreement(void)
{
	return sql_value(&e, "SELECT id::text FROM svk.agreements WHERE valid_from = '2023-01-01'");
}

static long audit_rows(const char *action, const char *entity_id, const char *actor)
{
	return sql_count(&e,
			 "SELECT count(*) FROM svk.audit WHERE action = $1 AND entity_id = $2 "
			 "AND actor = $3",
			 action, entity_id, actor);
}

/* An intervention in plan as tok; returns its id. */
static const char *add_intervention(const char *tok, const char *plan, const char *body)
{
	struct resp *r = http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), tok,
			      body);

	cr_assert_eq(r->status, 201, "POST intervention %s: %s", body, resp_why(r));
	cr_assert(resp_str(r, "id"), "no id in %s", r->body);
	return resp_str(r, "id");
}

/* ---- 1. agreements --------------------------------------------------------- */

Test(plans, agreements_are_read_by_every_tier_and_made_by_admins)
{
	const char *admin = admin_token(&e);
	const char *est = user_in_group(&e, "erik.est", "sigtuna", "est-sigtuna", "member");
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *styr = user_in_group(&e, "sten.styr", "polisen", "styrgrupp", "decision_maker");
	const char *none = user_in_group(&e, "nils.ingen", "upplands-vasby", NULL, NULL);
	const char *readers[] = { est, ber, styr };
	const char *id = seed_agreement();
	const char *path = strf(&e, "/v1/agreements/%s", id);
	const char *status = expected_status("2023-01-01", "2026-12-31");
	long days = expected_days_remaining("2026-12-31");
	struct resp *r;
	json_t *parties, *ext;

	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
		r = http(&e, "GET", "/v1/agreements", readers[i], NULL);
		cr_assert_eq(r->status, 200, "reader %zu: GET /v1/agreements: %s", i, resp_why(r));
		cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
		cr_expect(json_is_null(resp_get(r, "next_cursor")), "next_cursor: %s", r->body);
		cr_expect_str_eq(resp_str(r, "items.0.id"), id);
		cr_expect_str_eq(resp_str(r, "items.0.status"), status);

		r = http(&e, "GET", path, readers[i], NULL);
		cr_assert_eq(r->status, 200, "reader %zu: GET %s: %s", i, path, resp_why(r));
		cr_expect(resp_header(r, "ETag"), "no ETag on the agreement");
		cr_expect_str_eq(resp_str(r, "id"), id);
		cr_expect_str_eq(resp_str(r, "valid_from"), "2023-01-01");
		cr_expect_str_eq(resp_str(r, "valid_to"), "2026-12-31");
		cr_expect_str_eq(resp_str(r, "status"), status, "%s", r->body);
		cr_expect(json_is_integer(resp_get(r, "days_remaining")), "%s", r->body);
		cr_expect_eq(json_integer_value(resp_get(r, "days_remaining")), days,
			     "days_remaining is not %ld: %s", days, r->body);
		ext = resp_get(r, "extensions");
		cr_expect(json_is_array(ext) && json_array_size(ext) == 0, "extensions: %s",
			  r->body);
		parties = resp_get(r, "parties");
		cr_expect_eq(json_array_size(parties), 4, "parties: %s", r->body);
		for (size_t k = 0; k < 4; k++) {
			static const char *const slugs[] = { "polisen", "sigtuna", "sollentuna",
							     "upplands-vasby" };
			bool found = false;
			for (size_t j = 0; j < json_array_size(parties); j++)
				found |= json_is_string(json_array_get(parties, j)) &&
					 strcmp(json_string_value(json_array_get(parties, j)),
						slugs[k]) == 0;
			cr_expect(found, "party %s missing: %s", slugs[k], r->body);
		}
		cr_expect(strlen(resp_str(r, "goal") ? resp_str(r, "goal") : "") > 0, "no goal");
	}

	/* No membership: no tier, nothing to read. */
	r = http(&e, "GET", "/v1/agreements", none, NULL);
	cr_expect_eq(r->status, 403, "no membership: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "forbidden");
	r = http(&e, "GET", path, none, NULL);
	cr_expect_eq(r->status, 403, "no membership: %s", resp_why(r));
	cr_expect(!strstr(r->body, "valid_to"), "the refusal shows the agreement: %s", r->body);

	/* Admins make agreements. */
	r = http(&e, "POST", "/v1/agreements", admin,
		 jsonf(&e, "{s:s, s:s, s:[s, s], s:s, s:s}", "title", "Samverkan i Sigtuna", "goal",
		       "Tryggare centrum", "parties", "polisen", "sigtuna", "valid_from",
		       "2027-01-01", "valid_to", "2030-12-31"));
	cr_assert_eq(r->status, 201, "admin POST /v1/agreements: %s", resp_why(r));
	const char *nid = resp_str(r, "id");
	const char *loc = resp_header(r, "Location");
	cr_assert(nid, "no id: %s", r->body);
	cr_expect_str_eq(loc ? loc : "", strf(&e, "/v1/agreements/%s", nid));
	cr_expect_str_eq(resp_str(r, "status"), expected_status("2027-01-01", "2030-12-31"));
	cr_expect_eq(json_integer_value(resp_get(r, "days_remaining")),
		     expected_days_remaining("2030-12-31"), "%s", r->body);
	cr_expect_eq(json_array_size(resp_get(r, "parties")), 2, "%s", r->body);
	cr_expect_eq(json_array_size(resp_get(r, "extensions")), 0, "%s", r->body);
	r = http(&e, "GET", loc ? loc : "/", est, NULL);
	cr_expect_eq(r->status, 200, "GET Location: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "title"), "Samverkan i Sigtuna");
	cr_expect_eq(audit_rows("agreement.create", nid, "admin"), 1,
		     "no agreement.create audit row");
	r = http(&e, "GET", "/v1/agreements", ber, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);

	r = http(&e, "POST", "/v1/agreements", admin,
		 jsonf(&e, "{s:s, s:s, s:[s], s:s, s:s}", "title", "Samverkan i Sigtuna", "goal",
		       "Igen", "parties", "sigtuna", "valid_from", "2027-01-01", "valid_to",
		       "2028-12-31"));
	cr_expect_eq(r->status, 409, "the same title and start again: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");

	/* Not the highest tier either. */
	expect_refused_request(&e, "sten.styr", styr, "POST", "/v1/agreements",
			       "{\"title\":\"Styrets\",\"goal\":\"Mål\",\"parties\":[\"polisen\"],"
			       "\"valid_from\":\"2027-01-01\",\"valid_to\":\"2027-12-31\"}",
			       "");

	expect_invalid(http(&e, "POST", "/v1/agreements", admin,
			    "{\"title\":\"Baklänges\",\"goal\":\"Mål\",\"parties\":[\"polisen\"],"
			    "\"valid_from\":\"2027-01-01\",\"valid_to\":\"2026-12-31\"}"),
		       "valid_to", "valid_to before valid_from");
	expect_invalid(http(&e, "POST", "/v1/agreements", admin,
			    "{\"title\":\"Okänd part\",\"goal\":\"Mål\","
			    "\"parties\":[\"polisen\",\"ingen-sadan\"],"
			    "\"valid_from\":\"2027-01-01\",\"valid_to\":\"2027-12-31\"}"),
		       "parties", "unknown party");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreements"), 2,
		     "a refused agreement was stored");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_parties"), 6,
		     "a refused agreement's parties were stored");

	/* valid_to has no writer: no PATCH route. */
	r = http(&e, "PATCH", path, admin, "{\"valid_to\":\"2030-12-31\"}");
	cr_expect_eq(r->status, 405, "PATCH an agreement: %s", resp_why(r));
	/* GET (and the HEAD that goes with it), nothing that writes. */
	const char *allow = resp_header(r, "Allow");
	cr_expect(allow && strstr(allow, "GET") && !strstr(allow, "PATCH") &&
		      !strstr(allow, "PUT") && !strstr(allow, "POST") && !strstr(allow, "DELETE"),
		  "Allow of /v1/agreements/{id}: %s", allow ? allow : "(none)");
	cr_expect_str_eq(resp_code(r), "method_not_allowed");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.agreements WHERE valid_to = '2026-12-31'"), 1);
}

/* ---- 2. focus areas --------------------------------------------------------- */

Test(plans, focus_areas_are_listed_in_order_and_added_by_the_beredningsgrupp)
{
	const char *est = user_in_group(&e, "erik.est", "sigtuna", "est-sigtuna", "member");
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *id = seed_agreement();
	const char *path = strf(&e, "/v1/agreements/%s/focus-areas", id);
	struct resp *r = http(&e, "GET", path, est, NULL);

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_assert_eq(json_array_size(resp_get(r, "items")), 4, "%s", r->body);
	for (int i = 0; i < 4; i++) {
		cr_expect_eq(json_integer_value(resp_get(r, strf(&e, "items.%d.ordinal", i))),
			     i + 1, "focus area %d out of order: %s", i, r->body);
		cr_expect_str_eq(resp_str(r, strf(&e, "items.%d.agreement", i)), id);
	}
	cr_expect_str_eq(resp_str(r, "items.0.title"), "Brott i nära relation");
	cr_expect_str_eq(resp_str(r, "items.3.title"),
			 "Otrygghetsskapande händelser i offentlig miljö");

	r = http(&e, "POST", path, ber,
		 "{\"ordinal\":5,\"title\":\"Trafiksäkerhet\",\"goal\":\"Färre olyckor\"}");
	cr_assert_eq(r->status, 201, "beredningsgrupp POST focus area: %s", resp_why(r));
	cr_expect(resp_header(r, "Location"), "no Location");
	cr_expect_eq(json_integer_value(resp_get(r, "ordinal")), 5);
	cr_expect_str_eq(resp_str(r, "agreement"), id);
	cr_expect_str_eq(resp_str(r, "goal"), "Färre olyckor");
	const char *fid = resp_str(r, "id");
	cr_assert(fid, "no id: %s", r->body);
	cr_expect_eq(audit_rows("focus_area.create", fid, "berit.ber"), 1,
		     "no focus_area.create audit row");

	r = http(&e, "POST", path, ber, "{\"ordinal\":2,\"title\":\"Dubblett\",\"goal\":\"Mål\"}");
	cr_expect_eq(r->status, 409, "duplicate ordinal: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");
	expect_invalid(
	    http(&e, "POST", path, ber, "{\"ordinal\":0,\"title\":\"Noll\",\"goal\":\"Mål\"}"),
	    "ordinal", "ordinal 0");

	expect_refused_request(&e, "erik.est", est, "POST", path,
			       "{\"ordinal\":6,\"title\":\"Från EST\",\"goal\":\"Mål\"}", "");

	r = http(&e, "GET", path, est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 5, "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "items.4.ordinal")), 5, "%s", r->body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.focus_areas"), 5,
		     "a refused focus area was stored");

	/* Not an agreement id: 404, for reading and for writing. */
	r = http(&e, "GET", "/v1/agreements/not-a-uuid/focus-areas", est, NULL);
	cr_expect_eq(r->status, 404, "malformed id: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "not_found");
	r = http(&e, "POST", "/v1/agreements/not-a-uuid/focus-areas", ber,
		 "{\"ordinal\":7,\"title\":\"X\",\"goal\":\"Y\"}");
	cr_expect_eq(r->status, 404, "malformed id: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "not_found");
	r = http(&e, "GET", "/v1/agreements/not-a-uuid", est, NULL);
	cr_expect_eq(r->status, 404, "malformed id: %s", resp_why(r));
	r = http(&e, "GET", "/v1/agreements/00000000-0000-4000-8000-000000000000/focus-areas", est,
		 NULL);
	cr_expect_eq(r->status, 404, "unknown agreement: %s", resp_why(r));
	r = http(&e, "POST", "/v1/agreements/00000000-0000-4000-8000-000000000000/focus-areas", ber,
		 "{\"ordinal\":7,\"title\":\"X\",\"goal\":\"Y\"}");
	cr_expect_eq(r->status, 404, "unknown agreement: %s", resp_why(r));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.focus_areas"), 5);
}

/* ---- 3. action plans ------------------------------------------------------- */

Test(plans, action_plans_are_filtered_made_once_and_edited_with_if_match)
{
	const char *admin = admin_token(&e);
	const char *est = user_in_group(&e, "erik.est", "sigtuna", "est-sigtuna", "member");
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *agr = seed_agreement();
	const char *sigtuna = seed_plan(&e, "sigtuna");
	const char *ppath = strf(&e, "/v1/action-plans/%s", sigtuna);
	struct resp *r;

	r = http(
	    &e, "POST", "/v1/agreements", admin,
	    "{\"title\":\"Nästa avtal\",\"goal\":\"Mål\",\"parties\":[\"polisen\",\"sigtuna\"],"
	    "\"valid_from\":\"2027-01-01\",\"valid_to\":\"2030-12-31\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *agr2 = resp_str(r, "id");

	/* Lists and filters. */
	r = http(&e, "GET", "/v1/action-plans", est, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 3, "%s", r->body);
	r = http(&e, "GET", strf(&e, "/v1/action-plans?agreement=%s", agr), est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 3, "%s", r->body);
	r = http(&e, "GET", strf(&e, "/v1/action-plans?agreement=%s", agr2), est, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0, "%s", r->body);
	r = http(&e, "GET", "/v1/action-plans?municipality=sigtuna", est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id"), sigtuna);
	cr_expect_str_eq(resp_str(r, "items.0.municipality"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "items.0.status"), "draft");
	cr_expect_str_eq(resp_str(r, "items.0.agreement"), agr);
	expect_invalid(http(&e, "GET", "/v1/action-plans?agreement=nope", est, NULL), "agreement",
		       "malformed agreement filter");

	/* One plan per municipality and agreement. */
	r = http(&e, "POST", "/v1/action-plans", ber,
		 jsonf(&e, "{s:s, s:s, s:s}", "agreement", agr, "municipality", "sigtuna", "title",
		       "En andra plan"));
	cr_expect_eq(r->status, 409, "second plan for sigtuna: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");
	expect_refused_request(&e, "erik.est", est, "POST", "/v1/action-plans",
			       jsonf(&e, "{s:s, s:s, s:s}", "agreement", agr2, "municipality",
				     "sigtuna", "title", "Från EST"),
			       "");
	expect_invalid(http(&e, "POST", "/v1/action-plans", ber,
			    jsonf(&e, "{s:s, s:s, s:s}", "agreement", agr2, "municipality",
				  "polisen", "title", "Polisens plan")),
		       "municipality", "a plan for a non-municipality");
	r = http(&e, "POST", "/v1/action-plans", ber,
		 jsonf(&e, "{s:s, s:s, s:s}", "agreement", agr2, "municipality", "sigtuna", "title",
		       "Sigtuna 2027–2030"));
	cr_assert_eq(r->status, 201, "plan under the new agreement: %s", resp_why(r));
	const char *nplan = resp_str(r, "id");
	const char *loc = resp_header(r, "Location");
	cr_expect_str_eq(loc ? loc : "", strf(&e, "/v1/action-plans/%s", nplan));
	cr_expect_str_eq(resp_str(r, "status"), "draft");
	cr_expect_eq(json_integer_value(resp_get(r, "version")), 1);
	cr_expect_eq(audit_rows("action_plan.create", nplan, "berit.ber"), 1,
		     "no action_plan.create audit row");
	r = http(&e, "GET", "/v1/action-plans?municipality=sigtuna", est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);
	r = http(&e, "GET", strf(&e, "/v1/action-plans?agreement=%s&municipality=sigtuna", agr2),
		 est, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id"), nplan);

	/* Editing: the beredningsgrupp, with the current ETag. */
	expect_refused_request(&e, "erik.est", est, "PATCH", ppath, "{\"title\":\"Från EST\"}", "");
	r = http(&e, "GET", ppath, est, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	const char *etag = resp_header(r, "ETag");
	cr_assert(etag && etag[0] == '"', "no ETag on the plan");
	r = http_send(&e, &(struct http_req){
			      .method = "PATCH",
			      .path = ppath,
			      .token = ber,
			      .body = "{\"title\":\"Gammal version\"}",
			      .headers = { "If-Match: \"00000000000000000000000000000000\"" } });
	cr_expect_eq(r->status, 412, "stale If-Match: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "precondition_failed");
	r = http_send(&e,
		      &(struct http_req){ .method = "PATCH",
					  .path = ppath,
					  .token = ber,
					  .body = "{\"title\":\"Åtgärdsplan Sigtuna, reviderad\"}",
					  .headers = { strf(&e, "If-Match: %s", etag) } });
	cr_assert_eq(r->status, 200, "current If-Match: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "title"), "Åtgärdsplan Sigtuna, reviderad");
	const char *etag2 = resp_header(r, "ETag");
	cr_expect(etag2 && strcmp(etag2, etag) != 0, "no new ETag after the change");
	r = http(&e, "GET", ppath, est, NULL);
	cr_expect_str_eq(resp_str(r, "title"), "Åtgärdsplan Sigtuna, reviderad");
	cr_expect_str_eq(resp_header(r, "ETag") ? resp_header(r, "ETag") : "", etag2 ? etag2 : "-",
			 "the PATCH's ETag is not the plan's");
	/* The old tag is stale now. */
	r = http_send(&e, &(struct http_req){ .method = "PATCH",
					      .path = ppath,
					      .token = ber,
					      .body = "{\"title\":\"Förlorad uppdatering\"}",
					      .headers = { strf(&e, "If-Match: %s", etag) } });
	cr_expect_eq(r->status, 412, "old ETag: %s", resp_why(r));
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'action_plan.update' "
			       "AND entity_id = $1 AND actor = 'berit.ber' "
			       "AND before->>'title' = 'Åtgärdsplan för Sigtuna kommun 2023-2026' "
			       "AND after->>'title' = 'Åtgärdsplan Sigtuna, reviderad'",
			       sigtuna),
		     1, "no action_plan.update audit row with before and after");

	/* Adoption is the decision workflow's, not PATCH's. */
	expect_invalid(http(&e, "PATCH", ppath, ber, "{\"status\":\"adopted\"}"), "status",
		       "PATCH status adopted");
	expect_invalid(http(&e, "PATCH", ppath, ber, "{}"), "body", "empty PATCH");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.action_plans WHERE status = 'adopted'"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.action_plans WHERE title = $1",
			       "Åtgärdsplan Sigtuna, reviderad"),
		     1);
}

Test(plans, an_adopted_plan_is_read_only_until_its_next_version)
{
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *plan = seed_plan(&e, "sollentuna");
	const char *ppath = strf(&e, "/v1/action-plans/%s", plan);
	const char *ipath = strf(&e, "/v1/action-plans/%s/interventions", plan);
	const char *body = jsonf(&e, "{s:s, s:s, s:s}", "title", "Trygghetsvandring", "focus_area",
				 seed_focus_area(&e, 4), "responsible_organisation", "sollentuna");
	const char *iid = add_intervention(ber, plan, body);
	struct resp *r;

	cr_assert(sql_query(&e,
			    "UPDATE svk.action_plans SET status = 'adopted', adopted_at = now() "
			    "WHERE id = $1",
			    plan)
		      ->ok);
	r = http(&e, "GET", ppath, ber, NULL);
	cr_expect_str_eq(resp_str(r, "status"), "adopted");

	r = http(&e, "PATCH", ppath, ber, "{\"title\":\"Ändrad efter antagande\"}");
	cr_expect_eq(r->status, 409, "PATCH title of an adopted plan: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");
	r = http(&e, "POST", ipath, ber,
		 jsonf(&e, "{s:s, s:s, s:s}", "title", "Efter antagande", "focus_area",
		       seed_focus_area(&e, 1), "responsible_organisation", "sollentuna"));
	cr_expect_eq(r->status, 409, "POST intervention into an adopted plan: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");
	r = http(&e, "PATCH", strf(&e, "/v1/interventions/%s", iid), ber, "{\"rag\":\"red\"}");
	cr_expect_eq(r->status, 409, "PATCH intervention of an adopted plan: %s", resp_why(r));
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE plan_id = $1", plan), 1,
	    "an adopted plan got an intervention");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE id = $1 AND rag = 'green'",
		      iid),
	    1, "an adopted plan's intervention changed");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.action_plans WHERE id = $1 "
			       "AND title = 'Åtgärdsplan för Sollentuna kommun 2023-2026'",
			       plan),
		     1, "an adopted plan's title changed");

	/* The next version starts as a draft. */
	r = http(&e, "PATCH", ppath, ber, "{\"status\":\"draft\"}");
	cr_assert_eq(r->status, 200, "PATCH status draft: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "draft");
	cr_expect_eq(json_integer_value(resp_get(r, "version")), 2, "%s", r->body);
	cr_expect(json_is_null(resp_get(r, "adopted_at")), "adopted_at: %s", r->body);
	r = http(&e, "PATCH", ppath, ber, "{\"status\":\"draft\"}");
	cr_expect_eq(r->status, 409, "a draft's next version: %s", resp_why(r));
	r = http(&e, "PATCH", ppath, ber, "{\"title\":\"Version 2\"}");
	cr_expect_eq(r->status, 200, "PATCH title of the new draft: %s", resp_why(r));
	r = http(&e, "POST", ipath, ber,
		 jsonf(&e, "{s:s, s:s, s:s}", "title", "I version 2", "focus_area",
		       seed_focus_area(&e, 1), "responsible_organisation", "sollentuna"));
	cr_expect_eq(r->status, 201, "POST intervention into the new draft: %s", resp_why(r));
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'action_plan.update' "
			       "AND entity_id = $1 AND before->>'status' = 'adopted' "
			       "AND after->>'status' = 'draft' AND (after->>'version')::int = 2",
			       plan),
		     1, "no audit row for the new version");
}

/* ---- the CSV export ------------------------------------------------------------ */

/* Splits one CSV record (no line breaks inside fields) at ';' into fields,
 * unquoting; returns the number of fields. */
static int csv_split(const char *line, char fields[][256], int max)
{
	int n = 0;
	const char *p = line;

	for (;;) {
		char *out = fields[n];
		size_t o = 0;

		cr_assert(n < max, "too many fields in %s", line);
		if (*p == '"') {
			p++;
			while (*p && !(p[0] == '"' && p[1] != '"')) {
				if (p[0] == '"')
					p++;
				if (o < 255)
					out[o++] = *p;
				p++;
			}
			cr_assert(*p == '"', "unterminated quote in %s", line);
			p++;
		} else {
			while (*p && *p != ';') {
				if (o < 255)
					out[o++] = *p;
				p++;
			}
		}
		out[o] = '\0';
		n++;
		if (*p != ';')
			break;
		p++;
	}
	cr_assert(*p == '\0', "junk after a quoted field in %s", line);
	return n;
}

Test(plans, a_plan_exports_as_csv_in_the_template_columns)
{
	const char *est = user_in_group(&e, "erik.est", "sigtuna", "est-sigtuna", "member");
	const char *ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *plan = seed_plan(&e, "sigtuna");
	struct resp *r;
	char *text, *save = NULL, *line;
	char fields[16][256];
	int rows = 0, nf, columns = 0;
	bool quoted_seen = false, plain_seen = false;

	add_intervention(ber, plan,
			 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "title",
			       "Föräldravandring", "focus_area", seed_focus_area(&e, 4), "cause",
			       "Oro i centrum; klotter och skadegörelse", "description",
			       "Vuxna vandrar fredagskvällar", "operational_goal",
			       "Vandring varje fredag", "responsible_organisation", "sigtuna",
			       "responsible_role", "Fältsekreterare", "starts_on", "2025-01-01",
			       "due_on", "2025-12-31", "recurring", 0));
	add_intervention(ber, plan,
			 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "Avhopparverksamhet",
			       "focus_area", seed_focus_area(&e, 2), "cause", "Rekrytering av unga",
			       "description", "Stöd till avhoppare", "responsible_organisation",
			       "polisen", "rag", "yellow"));

	r = http_send(&e, &(struct http_req){ .path = strf(&e, "/v1/action-plans/%s", plan),
					      .token = est,
					      .headers = { "Accept: text/csv" } });
	cr_assert_eq(r->status, 200, "GET as text/csv: %s", resp_why(r));
	cr_expect(resp_header(r, "Content-Type") &&
		      strncmp(resp_header(r, "Content-Type"), "text/csv", 8) == 0,
		  "Content-Type: %s", resp_header(r, "Content-Type"));
	cr_assert(r->len > 3 && memcmp(r->body, "\xEF\xBB\xBF", 3) == 0,
		  "the CSV does not start with the UTF-8 BOM");

	text = strf(&e, "%s", r->body + 3);
	for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		nf = csv_split(line, fields, 16);
		if (rows == 0) {
			cr_expect(
			    strstr(line, "Orsak;Åtgärd;Operativt mål;När;Vem;Uppföljning/RAG"),
			    "the header row lacks the template's columns: %s", line);
			cr_expect_geq(nf, 8, "the header has %d columns: %s", nf, line);
			columns = nf;
		} else {
			cr_expect_eq(nf, columns, "row %d has %d columns, the header %d: %s", rows,
				     nf, columns, line);
			for (int i = 0; i < nf; i++) {
				if (strcmp(fields[i], "Oro i centrum; klotter och skadegörelse") ==
				    0)
					quoted_seen = strstr(line, "\"Oro i centrum; klotter och "
								   "skadegörelse\"") != NULL;
				if (strcmp(fields[i], "Rekrytering av unga") == 0)
					plain_seen = true;
			}
		}
		rows++;
	}
	cr_expect_eq(rows, 3, "not one row per intervention under the header: %s", r->body);
	cr_expect(quoted_seen, "the field with ';' is not quoted: %s", r->body);
	cr_expect(plain_seen, "the second intervention is missing: %s", r->body);
	cr_expect(strstr(r->body, "Fältsekreterare"), "Vem lacks the role: %s", r->body);
	cr_expect(strstr(r->body, "2025-01-01"), "När lacks the dates: %s", r->body);

	/* Without the Accept header: JSON. */
	r = http(&e, "GET", strf(&e, "/v1/action-plans/%s", plan), est, NULL);
	cr_expect_eq(r->status, 200);
	cr_expect(r->json && resp_str(r, "id"), "not JSON: %s", r->body);
}
