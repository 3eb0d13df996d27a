/*
 * The yearly follow-up and the audit log (SPEC §2–4; API.md "The yearly
 * follow-up and the audit log"): statistics against a fixture with known
 * counts, the report in its three formats, who edits a draft and that an
 * adopted one is read-only, adoption through a follow_up proposal, audit
 * read rights both ways, and verify finding an altered or removed entry.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vocab.h"

static struct env e;

ENV_SHARED_SUITE(followup, e, .timeout = 120);

static const char *agreement(void)
{
	return sql_value(&e, "SELECT id::text FROM svk.agreements WHERE valid_from = '2023-01-01'");
}

static const char *fu_path(const char *year, const char *suffix)
{
	return strf(&e, "/v1/agreements/%s/follow-ups/%s%s", agreement(), year, suffix);
}

static const char *plan(const char *municipality)
{
	return sql_value(&e,
			 "SELECT p.id::text FROM svk.action_plans p JOIN svk.organisations o "
			 "ON o.id = p.municipality_id WHERE o.slug = $1",
			 municipality);
}

static const char *focus(int ordinal)
{
	return sql_value(&e, "SELECT id::text FROM svk.focus_areas WHERE ordinal = $1::int",
			 strf(&e, "%d", ordinal));
}

static const char *intervention(const char *tok, const char *mun, int f, const char *status,
				const char *rag, const char *starts, const char *due, double hours)
{
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f}", "title",
			      strf(&e, "Insats %s %s", status, rag), "focus_area", focus(f),
			      "responsible_organisation", mun, "status", status, "rag", rag,
			      "hours_spent", hours);
	char *text;
	struct resp *r;

	cr_assert(b);
	if (starts)
		json_object_set_new(b, "starts_on", json_string(starts));
	if (due)
		json_object_set_new(b, "due_on", json_string(due));
	text = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	cr_assert(text);
	env_keep(&e, text, free);
	r = http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan(mun)), tok, text);
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	return resp_str(r, "id");
}

static void update(const char *tok, const char *iv, double hours, bool communicated)
{
	struct resp *r = http(&e, "POST", strf(&e, "/v1/interventions/%s/updates", iv), tok,
			      jsonf(&e, "{s:s, s:f, s:b}", "note", "Lägesrapport", "hours", hours,
				    "communicated", communicated));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
}

static void meeting(const char *tok, const char *group, const char *day)
{
	struct resp *r = http(&e, "POST", "/v1/meetings", tok,
			      jsonf(&e, "{s:s, s:s}", "group", group, "held_on", day));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
}

static void incident(const char *tok, const char *at, const char *mun, const char *cat)
{
	struct resp *r = http(&e, "POST", "/v1/incidents", tok,
			      jsonf(&e, "{s:s, s:s, s:s, s:s}", "occurred_at", at, "municipality",
				    mun, "place", "Centrum", "category", cat));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
}

static void sql_ok(struct sqlres *q)
{
	cr_assert(q->ok, "%s", q->error);
}

/* The year 2025 with known counts. */
static void fixture(const char *ber, const char *sty)
{
	const char *b = intervention(ber, "sigtuna", 1, "ongoing", "yellow", "2025-03-01",
				     "2026-06-30", 10);

	intervention(ber, "sigtuna", 1, "planned", "green", "2025-01-01", "2025-06-30",
		     0); /* overdue */
	intervention(ber, "sigtuna", 2, "done", "green", "2025-02-01", "2025-05-01", 5.5);
	intervention(ber, "sigtuna", 2, "cancelled", "red", "2025-01-01", "2025-12-31", 0);
	intervention(ber, "sigtuna", 1, "planned", "red", "2026-02-01", "2026-12-31", 7); /* 2026 */
	intervention(ber, "sollentuna", 3, "ongoing", "red", NULL, NULL, 0);

	update(ber, b, 2, true);
	update(ber, b, 3, true);
	update(ber, b, 0, false);
	sql_ok(
	    sql_query(&e, "UPDATE svk.intervention_updates SET created_at = '2025-06-01T12:00Z'"));
	update(ber, b, 0, true); /* 2026 */

	meeting(ber, "est-sigtuna", "2025-01-08");
	meeting(ber, "est-sigtuna", "2025-02-12");
	meeting(ber, "est-sigtuna", "2025-03-12");
	meeting(ber, "est-sigtuna", "2024-12-18");
	meeting(sty, "styrgrupp", "2025-05-20");

	incident(ber, "2025-03-01T10:00", "sigtuna", "klotter");
	incident(ber, "2025-07-01T10:00", "sigtuna", "klotter");
	incident(ber, "2025-12-31T23:30", "sigtuna", "klotter"); /* still 2025 in Sweden */
	incident(ber, "2025-05-05T10:00", "sigtuna", "brand");
	incident(ber, "2024-12-31T23:30:00Z", "sigtuna",
		 "klotter"); /* 2025-01-01 00:30 in Sweden */
	incident(ber, "2024-06-01T10:00", "sigtuna", "klotter");
	incident(ber, "2024-06-01T10:00", "sollentuna", "klotter");
	incident(ber, "2024-06-02T10:00", "sollentuna", "klotter");

	/* Decided proposals of 2025 (and one of 2026), a return, an extension. */
	sql_ok(sql_query(
	    &e,
	    "INSERT INTO svk.proposals (agreement_id, kind, title, status, author_id, decided_at) "
	    "SELECT a.id, 'prioritisation', 'P' || s, s, u.id, d::timestamptz "
	    "FROM svk.agreements a, svk.users u, (VALUES ('approved', '2025-02-01'), "
	    "('approved', '2025-09-01'), ('rejected', '2025-10-01'), ('approved', '2026-02-01')) "
	    "v(s, d) WHERE u.username = 'bo.ber'"));
	sql_ok(sql_query(
	    &e,
	    "INSERT INTO svk.decisions (proposal_id, round, organisation_id, decided_by, verdict, "
	    "decided_at) SELECT p.id, 1, u.organisation_id, u.id, 'return', '2025-01-20' "
	    "FROM svk.proposals p, svk.users u WHERE p.decided_at = '2025-09-01' "
	    "AND u.username = 'bo.ber'"));
	sql_ok(sql_query(
	    &e, "INSERT INTO svk.agreement_extensions (agreement_id, years, old_valid_to, "
		"new_valid_to, "
		"applied_at) SELECT id, 1, valid_to, valid_to, '2025-11-11' FROM svk.agreements"));
}

static long stat(const struct resp *r, const char *path)
{
	json_t *v = resp_get(r, strf(&e, "statistics.%s", path));

	cr_assert(json_is_number(v), "no number at statistics.%s: %s", path, r->body);
	return json_is_integer(v) ? (long)json_integer_value(v) : (long)(json_real_value(v) * 10);
}

/* The row of an array under statistics whose key fields equal the values. */
static json_t *row(const struct resp *r, const char *array, const char *k1, const char *v1,
		   const char *k2, const char *v2)
{
	json_t *rows = resp_get(r, strf(&e, "statistics.%s", array)), *x;
	size_t i;

	json_array_foreach (rows, i, x) {
		json_t *a = json_object_get(x, k1), *b = k2 ? json_object_get(x, k2) : NULL;
		char bb[32];
		const char *bs = json_is_integer(b) ? (snprintf(bb, sizeof bb, "%lld",
								(long long)json_integer_value(b)),
						       bb)
						    : json_string_value(b);
		if (strcmp(json_string_value(a), v1) == 0 && (!k2 || (bs && strcmp(bs, v2) == 0)))
			return x;
	}
	return NULL;
}

static long field(json_t *o, const char *k)
{
	cr_assert(o, "no such row");
	return (long)json_integer_value(json_object_get(o, k));
}

Test(followup, statistics_are_computed_from_the_data)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *sty = user_in_group(&e, "sven.sty", "sigtuna", "styrgrupp", "member");
	struct resp *r;
	json_t *x;

	fixture(ber, sty);
	r = http(&e, "GET", fu_path("2025", ""), ber, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "draft");
	cr_expect(resp_header(r, "ETag"), "no ETag");

	cr_expect_eq(stat(r, "interventions.total"), 5);
	cr_expect_eq(stat(r, "interventions.planned"), 1);
	cr_expect_eq(stat(r, "interventions.ongoing"), 2);
	cr_expect_eq(stat(r, "interventions.done"), 1);
	cr_expect_eq(stat(r, "interventions.cancelled"), 1);
	cr_expect_eq(stat(r, "interventions.green"), 2);
	cr_expect_eq(stat(r, "interventions.yellow"), 1);
	cr_expect_eq(stat(r, "interventions.red"), 2);
	cr_expect_eq(stat(r, "interventions.overdue"), 1);
	cr_expect_eq(stat(r, "interventions.hours"), 205, "10+2+3+0+0 and 5.5 hours (×10)");
	x = row(r, "interventions.rows", "municipality", "sigtuna", "focus_area", "1");
	cr_expect_eq(field(x, "total"), 2);
	cr_expect_eq(field(x, "overdue"), 1);
	x = row(r, "interventions.rows", "municipality", "sigtuna", "focus_area", "2");
	cr_expect_eq(field(x, "done"), 1);
	cr_expect_eq(field(x, "cancelled"), 1);
	x = row(r, "interventions.rows", "municipality", "sollentuna", "focus_area", "3");
	cr_expect_eq(field(x, "red"), 1);

	cr_expect_eq(stat(r, "updates.logged"), 3);
	cr_expect_eq(stat(r, "updates.communicated"), 2);
	cr_expect_eq(stat(r, "updates.hours"), 50, "5 hours (×10)");

	x = row(r, "meetings", "group", "est-sigtuna", NULL, NULL);
	cr_expect_eq(field(x, "held"), 3);
	cr_expect_eq(field(x, "expected"), 52, "2025 has 52 ISO weeks: %s", r->body);
	x = row(r, "meetings", "group", "styrgrupp", NULL, NULL);
	cr_expect_eq(field(x, "held"), 1);
	cr_expect_eq(field(x, "expected"), 1);
	x = row(r, "meetings", "group", "beredningsgrupp", NULL, NULL);
	cr_expect(x && json_is_null(json_object_get(x, "expected")), "%s", r->body);
	cr_expect_eq(field(row(r, "meetings", "group", "est-sollentuna", NULL, NULL), "held"), 0);

	cr_expect_eq(stat(r, "incidents.total"), 5);
	cr_expect_eq(stat(r, "incidents.previous_year"), 3);
	x = row(r, "incidents.rows", "municipality", "sigtuna", "category", "klotter");
	cr_expect_eq(field(x, "count"), 4);
	cr_expect_eq(field(x, "previous_year"), 1);
	cr_expect_eq(field(x, "change"), 3);
	x = row(r, "incidents.rows", "municipality", "sollentuna", "category", "klotter");
	cr_expect_eq(field(x, "count"), 0);
	cr_expect_eq(field(x, "change"), -2);
	cr_expect(!row(r, "incidents.rows", "municipality", "sollentuna", "category", "brand"),
		  "a row of zeros");

	cr_expect_eq(stat(r, "proposals.approved"), 2);
	cr_expect_eq(stat(r, "proposals.rejected"), 1);
	cr_expect_eq(stat(r, "proposals.returned"), 1);
	cr_expect_eq(stat(r, "proposals.extensions_applied"), 1);

	/* The report carries every section and these numbers. */
	r = http(&e, "GET", fu_path("2025", "/report"), ber, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(strncmp(resp_header(r, "Content-Type"), "text/markdown", 13) == 0);
	cr_expect(strstr(r->body, "# Uppföljning 2025"), "%s", r->body);
	cr_expect(strstr(r->body, "UTKAST"), "a draft is not marked");
	cr_expect(strstr(r->body, "## 1. " VOCAB_FOLLOWUP_HEADING_1));
	cr_expect(strstr(r->body, "## 2. " VOCAB_FOLLOWUP_HEADING_2));
	cr_expect(strstr(r->body, "## 3. " VOCAB_FOLLOWUP_HEADING_3));
	cr_expect(strstr(r->body, "| EST Sigtuna | Arbetsgrupp (EST) | 3 | 52 |") ||
		      strstr(r->body, "| Arbetsgrupp (EST) | 3 | 52 |"),
		  "%s", r->body);
	cr_expect(strstr(r->body, "| Sigtuna kommun | Klotter | 4 | 1 | 3 |"), "%s", r->body);
	cr_expect(
	    strstr(r->body, "| **Totalt** |  | 5 | 1 | 2 | 1 | 1 | 2 | 1 | 2 | 1 | 20,50 |") ||
		strstr(r->body, "| **Totalt** |  | 5 | 1 | 2 | 1 | 1 | 2 | 1 | 2 | 1 | 20,5 |"),
	    "%s", r->body);
	cr_expect(strstr(r->body, "3 uppdateringar under året, varav 2"), "%s", r->body);
	cr_expect(strstr(r->body, "| 2025 | 2 | 1 | 1 | 1 |"), "%s", r->body);

	r = http_send(&e, &(struct http_req){ .path = fu_path("2025", "/report"),
					      .token = ber,
					      .headers = { "Accept: text/html" } });
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(strncmp(resp_header(r, "Content-Type"), "text/html", 9) == 0);
	cr_expect(strstr(r->body, "<!DOCTYPE html>") && strstr(r->body, "@media print"));
	cr_expect(strstr(r->body, VOCAB_FOLLOWUP_HEADING_2));
	cr_expect(strstr(r->body, "UTKAST"));
	cr_expect(!strstr(r->body, "http:") && !strstr(r->body, "https:") &&
		      !strstr(r->body, "src=") && !strstr(r->body, "<link") &&
		      !strstr(r->body, "@import") && !strstr(r->body, "url("),
		  "the page refers to something outside itself");

	r = http_send(&e, &(struct http_req){ .path = fu_path("2025", "/report"),
					      .token = ber,
					      .headers = { "Accept: text/csv" } });
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(strncmp(r->body,
			  "\xEF\xBB\xBF"
			  "avsnitt;kommun;avser;mått;värde",
			  35) == 0,
		  "%.60s", r->body);
	cr_expect(strstr(r->body, "Händelser;Sigtuna kommun;Klotter;2025;4\r\n"), "%s", r->body);
	cr_expect(strstr(r->body, "Möten;EST Sigtuna;Arbetsgrupp (EST);Hållna möten;3\r\n") ||
		      strstr(r->body, ";Hållna möten;3\r\n"),
		  "%s", r->body);
	r = http(&e, "GET", strf(&e, "%s?format=pdf", fu_path("2025", "/report")), ber, NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
}

/* SPEC §6: a reader of a co-opted (non-party) organisation counts incidents
 * only as the situation picture shows them, below 3 as "<3". */
Test(followup, small_incident_counts_are_suppressed_for_co_opted_organisations)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *sty = user_in_group(&e, "sven.sty", "sigtuna", "styrgrupp", "member");
	struct resp *r = http(&e, "POST", "/v1/organisations", admin_token(&e),
			      "{\"slug\":\"sigtunahem\",\"name\":\"SigtunaHem AB\","
			      "\"kind\":\"housing\",\"party\":false}");
	const char *hem;
	json_t *x;

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	hem = user_in_group(&e, "hanna.hem", "sigtunahem", "est-sigtuna", "member");
	fixture(ber, sty);

	r = http(&e, "GET", fu_path("2025", ""), hem, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	x = row(r, "incidents.rows", "municipality", "sigtuna", "category", "klotter");
	cr_assert(x, "%s", r->body);
	cr_expect_eq(json_integer_value(json_object_get(x, "count")), 4, "3 or more are shown");
	cr_expect_str_eq(json_string_value(json_object_get(x, "previous_year")), "<3", "%s",
			 r->body);
	cr_expect(json_is_null(json_object_get(x, "change")), "%s", r->body);
	x = row(r, "incidents.rows", "municipality", "sigtuna", "category", "brand");
	cr_assert(x, "%s", r->body);
	cr_expect_str_eq(json_string_value(json_object_get(x, "count")), "<3", "%s", r->body);
	cr_expect_eq(stat(r, "incidents.total"), 5);

	r = http_send(&e, &(struct http_req){ .path = fu_path("2025", "/report"),
					      .token = hem,
					      .headers = { "Accept: text/csv" } });
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(strstr(r->body, ";2025;<3\r\n"), "%s", r->body);
	cr_expect(strstr(r->body, "Händelser;Sigtuna kommun;Klotter;2025;4\r\n"), "%s", r->body);

	/* A party's reader sees the exact figures. */
	r = http(&e, "GET", fu_path("2025", ""), ber, NULL);
	cr_expect_eq(field(row(r, "incidents.rows", "municipality", "sigtuna", "category", "brand"),
			   "count"),
		     1);
}

Test(followup, the_beredningsgrupp_edits_a_draft_and_an_adopted_one_is_read_only)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	const char *dm[4] = {
		user_in_group(&e, "per.chef", "polisen", "styrgrupp", "decision_maker"),
		user_in_group(&e, "sara.dir", "sollentuna", "styrgrupp", "decision_maker"),
		user_in_group(&e, "ulf.dir", "upplands-vasby", "styrgrupp", "decision_maker"),
		user_in_group(&e, "siv.dir", "sigtuna", "styrgrupp", "decision_maker"),
	};
	const char *body = "{\"collaboration\":\"Samverkan i EST fungerar väl.\","
			   "\"implementation\":\"De flesta insatser genomfördes.\","
			   "\"results\":\"Otryggheten minskade vid stationen.\",\"oral\":true}";
	struct resp *r, *g;
	char etag[64];

	g = http(&e, "GET", fu_path("2025", ""), est, NULL);
	cr_assert_eq(g->status, 200, "any tier reads: %s", resp_why(g));
	snprintf(etag, sizeof etag, "If-Match: %s", resp_header(g, "ETag"));

	r = http(&e, "PUT", fu_path("2025", ""), est, body);
	cr_expect_eq(r->status, 403, "an arbetsgrupp member edits: %s", resp_why(r));
	r = http(&e, "PUT", fu_path("2022", ""), ber, body);
	cr_expect_eq(r->status, 422, "a year before the agreement: %s", resp_why(r));
	cr_expect(resp_names_field(r, "year"), "%s", r->body);
	r = http(&e, "GET", fu_path("2027", ""), ber, NULL);
	cr_expect_eq(r->status, 422, "a year after the agreement: %s", resp_why(r));
	r = http(&e, "PUT", fu_path("2025", ""), ber,
		 "{\"results\":\"Anmälan från 19811218-9876\"}");
	cr_expect_eq(r->status, 422, "a personnummer: %s", resp_why(r));
	cr_expect(resp_names_field(r, "results"));

	/* New data does not make the edit stale: the ETag covers the texts. */
	incident(ber, "2025-03-01T10:00", "sigtuna", "klotter");
	r = http_send(&e, &(struct http_req){ .method = "PUT",
					      .path = fu_path("2025", ""),
					      .token = ber,
					      .body = body,
					      .headers = { etag } });
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "collaboration"), "Samverkan i EST fungerar väl.");
	cr_expect(resp_get(r, "oral") == json_true());
	cr_expect_str_neq(resp_header(r, "ETag"), resp_header(g, "ETag"));
	/* The old tag is stale now. */
	r = http_send(&e, &(struct http_req){ .method = "PUT",
					      .path = fu_path("2025", ""),
					      .token = ber,
					      .body = "{\"results\":\"Annat\"}",
					      .headers = { etag } });
	cr_expect_eq(r->status, 412, "%s", resp_why(r));
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'follow_up.update'"), 1);

	/* Adopted through a follow_up proposal with the four parties' approvals. */
	r = http(&e, "POST", "/v1/proposals", ber,
		 jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", agreement(), "kind", "follow_up",
		       "title", "Uppföljning 2025", "follow_up_year", 2025));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *prop = resp_str(r, "id");
	r = http(&e, "POST", strf(&e, "/v1/proposals/%s/submit", prop), ber, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	for (int i = 0; i < 4; i++) {
		r = http(&e, "POST", strf(&e, "/v1/proposals/%s/decisions", prop), dm[i],
			 "{\"verdict\":\"approve\"}");
		cr_assert_eq(r->status, 201, "%s", resp_why(r));
	}
	g = http(&e, "GET", fu_path("2025", ""), ber, NULL);
	cr_expect_str_eq(resp_str(g, "status"), "adopted");
	cr_expect_str_eq(resp_str(g, "proposal"), prop);
	cr_expect_str_eq(resp_str(g, "results"), "Otryggheten minskade vid stationen.",
			 "adoption kept the texts");
	snprintf(etag, sizeof etag, "If-Match: %s", resp_header(g, "ETag"));
	r = http_send(&e, &(struct http_req){ .method = "PUT",
					      .path = fu_path("2025", ""),
					      .token = dm[0],
					      .body = "{\"results\":\"Ändrat\"}",
					      .headers = { etag } });
	cr_expect_eq(r->status, 409, "the styrgrupp (above the beredningsgrupp) too: %s",
		     resp_why(r));
	r = http_send(&e, &(struct http_req){ .method = "PUT",
					      .path = fu_path("2025", ""),
					      .token = ber,
					      .body = "{\"results\":\"Ändrat\"}",
					      .headers = { etag } });
	cr_expect_eq(r->status, 409, "an adopted follow-up is read-only: %s", resp_why(r));
	cr_expect_str_eq(sql_value(&e, "SELECT results FROM svk.follow_ups WHERE year = 2025"),
			 "Otryggheten minskade vid stationen.");
	r = http(&e, "GET", fu_path("2025", "/report"), ber, NULL);
	cr_expect(!strstr(r->body, "UTKAST"), "an adopted report marked as draft");
	cr_expect(strstr(r->body, "Antagen "), "%s", r->body);
	cr_expect(strstr(r->body, "Otryggheten minskade vid stationen."));
}

/* ---- the audit log ---------------------------------------------------------- */

Test(followup, the_audit_log_is_read_by_the_styrgrupp_and_admins_only)
{
	const char *sty = user_in_group(&e, "sven.sty", "sigtuna", "styrgrupp", "member");
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;

	r = http(&e, "GET", "/v1/audit", ber, NULL);
	cr_expect_eq(r->status, 403, "beredningsgrupp: %s", resp_why(r));
	r = http(&e, "GET", "/v1/audit", est, NULL);
	cr_expect_eq(r->status, 403, "arbetsgrupp: %s", resp_why(r));
	r = http(&e, "GET", "/v1/audit/verify", ber, NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = http(&e, "GET", "/v1/audit", NULL, NULL);
	cr_expect_eq(r->status, 401, "%s", resp_why(r));

	r = http(&e, "GET", "/v1/audit", admin_token(&e), NULL);
	cr_expect_eq(r->status, 200, "admin: %s", resp_why(r));
	r = http(&e, "GET", "/v1/audit?limit=500", sty, NULL);
	cr_assert_eq(r->status, 200, "styrgrupp: %s", resp_why(r));
	long total = sql_count(&e, "SELECT count(*) FROM svk.audit");
	cr_expect_eq((long)json_array_size(resp_get(r, "items")), total);
	cr_expect(json_integer_value(resp_get(r, "items.0.seq")) >
		      json_integer_value(resp_get(r, "items.1.seq")),
		  "newest first");
	cr_expect_eq(strlen(resp_str(r, "items.0.hash")), 64);

	r = http(&e, "GET", "/v1/audit?action=request.refused", sty, NULL);
	cr_expect_eq(
	    (long)json_array_size(resp_get(r, "items")),
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'request.refused'"));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 3, "the refusals above: %s", r->body);
	r = http(&e, "GET", "/v1/audit?actor=bo.ber&action=request.refused", sty, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.organisation"), "polisen");
	r = http(&e, "GET", "/v1/audit?organisation=sigtuna&action=request.refused", sty, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.actor"), "eva.est");
	r = http(&e, "GET", "/v1/audit?entity=user&action=user.create", sty, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 3, "%s", r->body);

	r = http(&e, "GET", "/v1/audit?limit=2", sty, NULL);
	cr_assert(resp_str(r, "next_cursor"), "%s", r->body);
	long seen = 2;
	while (resp_str(r, "next_cursor")) {
		r = http(&e, "GET",
			 strf(&e, "/v1/audit?limit=2&cursor=%s", resp_str(r, "next_cursor")), sty,
			 NULL);
		cr_assert_eq(r->status, 200, "%s", resp_why(r));
		seen += (long)json_array_size(resp_get(r, "items"));
	}
	cr_expect_eq(seen, total, "the pages do not cover the log");
	r = http(&e, "GET", "/v1/audit?from=2020-01-01&to=2020-12-31", sty, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0);
	r = http(&e, "GET", "/v1/audit?from=yesterday", sty, NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
}

Test(followup, verify_finds_an_altered_and_a_removed_entry)
{
	const char *sty = user_in_group(&e, "sven.sty", "sigtuna", "styrgrupp", "member");
	struct resp *r;

	user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	r = http(&e, "GET", "/v1/audit/verify", sty, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(resp_get(r, "ok") == json_true(), "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "entries")),
		     sql_count(&e, "SELECT count(*) FROM svk.audit"));

	/* An entry with a later one in its chain, so that both checks apply. */
	const char *seq = sql_value(&e,
				    "SELECT a.seq::text FROM svk.audit a WHERE EXISTS (SELECT 1 "
				    "FROM svk.audit b WHERE b.chain = a.chain AND b.seq > a.seq) "
				    "ORDER BY a.seq LIMIT 1");
	const char *next = sql_value(
	    &e,
	    "SELECT min(b.seq)::text FROM svk.audit a JOIN svk.audit b "
	    "ON b.chain = a.chain AND b.seq > a.seq WHERE a.seq = $1::bigint",
	    seq);
	const char *after = sql_value(
	    &e, "SELECT after::text FROM svk.audit WHERE seq = $1::bigint", seq);
	sql_ok(sql_query(&e,
			 "UPDATE svk.audit SET after = '{\"username\":\"someone.else\"}' "
			 "WHERE seq = $1::bigint",
			 seq));
	r = http(&e, "GET", "/v1/audit/verify", admin_token(&e), NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(resp_get(r, "ok") == json_false(), "%s", r->body);
	cr_expect_str_eq(
	    strf(&e, "%lld", (long long)json_integer_value(resp_get(r, "first_bad_seq"))), seq,
	    "%s", r->body);
	cr_expect(strstr(resp_str(r, "reason"), "changed"), "%s", r->body);

	/* Put back: intact again. Then remove it from the middle of its chain. */
	sql_ok(sql_query(&e, "UPDATE svk.audit SET after = $2::jsonb WHERE seq = $1::bigint", seq,
			 after));
	r = http(&e, "GET", "/v1/audit/verify", admin_token(&e), NULL);
	cr_expect(resp_get(r, "ok") == json_true(), "restored: %s", r->body);
	sql_ok(sql_query(&e, "DELETE FROM svk.audit WHERE seq = $1::bigint", seq));
	r = http(&e, "GET", "/v1/audit/verify", admin_token(&e), NULL);
	cr_expect(resp_get(r, "ok") == json_false(), "a removed entry: %s", r->body);
	cr_expect_str_eq(
	    strf(&e, "%lld", (long long)json_integer_value(resp_get(r, "first_bad_seq"))), next,
	    "%s", r->body);
	cr_expect(strstr(resp_str(r, "reason"), "removed"), "%s", r->body);
}
