/*
 * EST (SPEC §5, §6; API.md "EST"): incidents one at a time and in batches
 * (all or nothing, every bad item named, idempotent), who may report for
 * which municipality, the situation picture's numbers, ISO weeks at their
 * edges and the <3 suppression for co-opted organisations.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vocab.h"

static struct env e;

ENV_SHARED_SUITE(est, e, .timeout = 120);

static long incidents(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.incidents");
}

static const char *item(const char *at, const char *mun, const char *place, const char *cat)
{
	return jsonf(&e, "{s:s, s:s, s:s, s:s}", "occurred_at", at, "municipality", mun, "place",
		     place, "category", cat);
}

static const char *batch(const char *const items[], size_t n)
{
	char *out = strf(&e, "{\"items\": [");

	for (size_t i = 0; i < n; i++)
		out = strf(&e, "%s%s%s", out, i ? "," : "", items[i]);
	return strf(&e, "%s]}", out);
}

/* ---- one incident -------------------------------------------------------- */

Test(est, one_incident_is_stored_with_the_reporters_organisation)
{
	const char *est = user_in_group(&e, "stina.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;

	r = http(
	    &e, "POST", "/v1/incidents", est,
	    "{\"occurred_at\":\"2026-07-01T12:00\",\"municipality\":\"sigtuna\","
	    "\"place\":\"  Märsta centrum \",\"category\":\"klotter\","
	    "\"description\":\"Klotter på busskuren\",\"latitude\":59.62,\"longitude\":17.85}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"),
			 strf(&e, "/v1/incidents/%s", resp_str(r, "id")));
	/* No offset: Swedish summer time, UTC+2. */
	cr_expect_str_eq(resp_str(r, "occurred_at"), "2026-07-01T10:00:00Z");
	cr_expect_str_eq(resp_str(r, "week"), "2026-W27");
	cr_expect_str_eq(resp_str(r, "place"), "Märsta centrum");
	cr_expect_str_eq(resp_str(r, "source_organisation"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "reported_by"), "stina.est");
	cr_expect_str_eq(resp_str(r, "category"), "klotter");
	cr_expect(json_is_real(resp_get(r, "latitude")), "%s", r->body);
	cr_expect(!resp_get(r, "person") && !resp_get(r, "name"), "a field for a person: %s",
		  r->body);

	struct resp *g = http(&e, "GET", strf(&e, "/v1/incidents/%s", resp_str(r, "id")), est,
			      NULL);
	cr_expect_eq(g->status, 200, "%s", resp_why(g));
	cr_expect(resp_header(g, "ETag"), "no ETag");
	cr_expect(json_equal(g->json, r->json), "GET differs:\n%s\n%s", g->body, r->body);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'incident.create' "
			       "AND entity_id = $1",
			       resp_str(r, "id")),
		     1);

	/* An offset is kept as given. */
	r = http(&e, "POST", "/v1/incidents", est,
		 item("2026-01-10T23:30:00+01:00", "sigtuna", "Valsta", "brand"));
	cr_expect_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "occurred_at"), "2026-01-10T22:30:00Z");

	/* Bad values each name their field; nothing is stored. */
	long before = incidents();
	expect_invalid(http(&e, "POST", "/v1/incidents", est,
			    item("2026-13-01T10:00", "sigtuna", "Valsta", "brand")),
		       "occurred_at", "month 13");
	expect_invalid(http(&e, "POST", "/v1/incidents", est,
			    item("2099-01-01T10:00Z", "sigtuna", "Valsta", "brand")),
		       "occurred_at", "the future");
	expect_invalid(http(&e, "POST", "/v1/incidents", est,
			    item("2026-01-01T10:00Z", "sigtuna", "Valsta", "fyrverkerier")),
		       "category", "an unknown category");
	expect_invalid(http(&e, "POST", "/v1/incidents", est,
			    item("2026-01-01T10:00Z", "sigtuna", "", "brand")),
		       "place", "an empty place");
	expect_invalid(http(&e, "POST", "/v1/incidents", est,
			    "{\"occurred_at\":\"2026-01-01T10:00Z\",\"municipality\":\"sigtuna\","
			    "\"place\":\"Valsta\",\"category\":\"brand\",\"latitude\":59.6}"),
		       "longitude", "a latitude alone");
	expect_invalid(http(&e, "POST", "/v1/incidents", est,
			    "{\"occurred_at\":\"2026-01-01T10:00Z\",\"municipality\":\"sigtuna\","
			    "\"place\":\"Valsta\",\"category\":\"brand\",\"reporter\":\"Nils\"}"),
		       "reporter", "a field for a person");
	r = http(&e, "POST", "/v1/incidents", est,
		 "{\"occurred_at\":\"2026-01-01T10:00Z\",\"municipality\":\"sigtuna\","
		 "\"place\":\"Valsta\",\"category\":\"brand\","
		 "\"description\":\"Anmäld av 19811218-9876\"}");
	expect_invalid(r, "description", "a personnummer");
	cr_expect_eq(incidents(), before, "a refused incident was stored");

	/* The source may be named, and must be the reporter's organisation. */
	r = http(
	    &e, "POST", "/v1/incidents", est,
	    "{\"occurred_at\":\"2026-01-02T10:00Z\",\"municipality\":\"sigtuna\","
	    "\"place\":\"Valsta\",\"category\":\"brand\",\"source_organisation\":\"sigtuna\"}");
	cr_expect_eq(r->status, 201, "its own organisation as the source: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "source_organisation"), "sigtuna");
	before = incidents();
	r = http(
	    &e, "POST", "/v1/incidents", est,
	    "{\"occurred_at\":\"2026-01-02T11:00Z\",\"municipality\":\"sigtuna\","
	    "\"place\":\"Valsta\",\"category\":\"brand\",\"source_organisation\":\"polisen\"}");
	expect_invalid(r, "source_organisation", "another organisation as the source");
	cr_expect(strstr(r->body, "sigtuna"), "the refusal does not name the own organisation: %s",
		  r->body);
	cr_expect_eq(incidents(), before, "an incident with another's source was stored");
}

/* ---- rights ----------------------------------------------------------------- */

Test(est, arbetsgrupp_members_report_only_for_their_municipality)
{
	const char *est = user_in_group(&e, "stina.est", "sigtuna", "est-sigtuna", "member");
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *none = user_in_group(&e, "nils.none", "sigtuna", NULL, NULL);
	struct resp *r;

	r = http(&e, "POST", "/v1/incidents", est,
		 item("2026-03-02T10:00", "sollentuna", "Tureberg", "klotter"));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "forbidden");
	r = http(
	    &e, "POST", "/v1/incidents", est,
	    batch((const char *[]){ item("2026-03-02T10:00", "sigtuna", "Valsta", "klotter"),
				    item("2026-03-02T11:00", "sollentuna", "Tureberg", "klotter") },
		  2));
	/* In a batch, refused as an invalid item is, so that an import can
	 * store the others. */
	expect_invalid(r, "items[1].municipality", "a batch with another municipality");
	cr_expect(strstr(r->body, "you report for sigtuna only"), "%s", r->body);
	cr_expect_eq(json_array_size(resp_get(r, "errors")), 1, "%s", r->body);
	cr_expect_eq(incidents(), 0, "a refused batch stored something");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'stina.est'"),
		     1, "refusals are audited");

	r = http(&e, "POST", "/v1/incidents", none,
		 item("2026-03-02T10:00", "sigtuna", "Valsta", "klotter"));
	cr_expect_eq(r->status, 403, "no tier: %s", resp_why(r));
	r = http(
	    &e, "POST", "/v1/incidents", none,
	    batch((const char *[]){ item("2026-03-02T10:00", "sigtuna", "Valsta", "klotter") }, 1));
	cr_expect_eq(r->status, 403, "no tier, a batch: %s", resp_why(r));
	cr_expect(strstr(resp_str(r, "detail") ? resp_str(r, "detail") : "", "items[0]"),
		  "the refusal does not name the item: %s", r->body);
	r = http(&e, "GET", "/v1/incidents", none, NULL);
	cr_expect_eq(r->status, 403, "no tier reads: %s", resp_why(r));
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna", none, NULL);
	cr_expect_eq(r->status, 403, "no tier reads the situation: %s", resp_why(r));

	r = http(&e, "POST", "/v1/incidents", est,
		 item("2026-03-02T10:00", "sigtuna", "Valsta", "klotter"));
	cr_expect_eq(r->status, 201, "own municipality: %s", resp_why(r));
	r = http(
	    &e, "POST", "/v1/incidents", ber,
	    batch(
		(const char *[]){ item("2026-03-02T10:00", "sollentuna", "Tureberg", "klotter"),
				  item("2026-03-02T11:00", "upplands-vasby", "Centrum", "brand") },
		2));
	cr_expect_eq(r->status, 201, "beredningsgrupp, any municipality: %s", resp_why(r));
	cr_expect_eq(json_integer_value(resp_get(r, "count")), 2, "%s", r->body);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.incidents i JOIN svk.organisations o "
			       "ON o.id = i.source_organisation_id WHERE o.slug = 'polisen' "
			       "AND i.id = $1::uuid",
			       resp_str(r, "items.1.id")),
		     1, "the batch's source is the reporter's organisation");
	cr_expect_eq(incidents(), 3);

	r = http(&e, "GET", "/v1/incidents?municipality=sollentuna", est, NULL);
	cr_expect_eq(r->status, 200, "an arbetsgrupp member reads all: %s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	r = http(&e, "GET", "/v1/incident-categories", est, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 9, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.slug"), "skadegorelse");
}

/* ---- batches -------------------------------------------------------------- */

/* A batch of n items, one each minute from 2026-03-03 00:00 on. */
static const char *same_items(int n)
{
	const char *one = item("2026-03-03T10:00", "sigtuna", "Märsta", "nedskrapning");
	size_t len = strlen(one) + 1, cap = 16 + (size_t)n * len;
	char *out = env_keep(&e, malloc(cap), free);

	size_t at = 0;
	int w;

	cr_assert(out);
	w = snprintf(out, cap, "{\"items\": [");
	cr_assert(w > 0 && (size_t)w < cap);
	at = (size_t)w;
	for (int i = 0; i < n; i++) {
		w = snprintf(out + at, cap - at, "%s%s", i ? "," : "",
			     item(strf(&e, "2026-03-03T%02d:%02d", i / 60, i % 60), "sigtuna",
				  "Märsta", "nedskrapning"));
		cr_assert(w > 0 && (size_t)w < cap - at);
		at += (size_t)w;
	}
	w = snprintf(out + at, cap - at, "]}");
	cr_assert(w > 0 && (size_t)w < cap - at);
	return out;
}

Test(est, a_batch_with_bad_items_stores_nothing_and_names_every_one)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *items[6] = {
		item("2026-03-02T10:00", "sigtuna", "Valsta", "klotter"),
		item("2026-03-02T11:00", "sigtuna", "Valsta", "klotter"),
		item("2026-03-02T12:00", "sigtuna", "Valsta", "fyrverkerier"),
		"{\"occurred_at\":\"2026-03-02T13:00\",\"municipality\":\"sigtuna\",\"category\":"
		"\"brand\"}",
		"{\"occurred_at\":\"2026-03-02T14:00\",\"municipality\":\"sigtuna\",\"place\":"
		"\"Valsta\","
		"\"category\":\"brand\",\"description\":\"Samordningsnummer 701063-2391\"}",
		item("2026-03-02T15:00", "gotland", "Visby", "brand"),
	};
	struct resp *r = http(&e, "POST", "/v1/incidents", ber, batch(items, 6));

	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(resp_names_field(r, "items[3].place"), "%s", r->body);
	cr_expect(resp_names_field(r, "items[4].description"), "%s", r->body);
	cr_expect_eq(incidents(), 0, "the shape check let a bad batch through");

	/* Shapes right, references wrong: the database names them all. */
	items[3] = item("2026-03-02T13:00", "sigtuna", "Valsta", "brand");
	items[4] = item("2026-03-02T14:00", "sigtuna", "Valsta", "brand");
	r = http(&e, "POST", "/v1/incidents", ber, batch(items, 6));
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(resp_names_field(r, "items[2].category"), "%s", r->body);
	cr_expect(resp_names_field(r, "items[5].municipality"), "%s", r->body);
	cr_expect_eq(json_array_size(resp_get(r, "errors")), 2, "%s", r->body);
	cr_expect_eq(incidents(), 0, "a batch with a bad item in the middle stored something");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incident_week_categories"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incident_week_places"), 0);

	expect_invalid(http(&e, "POST", "/v1/incidents", ber, "{\"items\": []}"), "items",
		       "an empty batch");
	expect_invalid(http(&e, "POST", "/v1/incidents", ber, "{\"items\": [1]}"), "items[0]",
		       "an item that is not an object");

	/* One item past the limit is refused; the limit is stored. */
	expect_invalid(
	    http(&e, "POST", "/v1/incidents", ber, same_items(VOCAB_INCIDENT_BATCH_MAX + 1)),
	    "items", "1001 items");
	const char *big = same_items(VOCAB_INCIDENT_BATCH_MAX);
	r = http(&e, "POST", "/v1/incidents", ber, big);
	cr_expect_eq(r->status, 201, "1000 items: %s", resp_why(r));
	cr_expect_eq(incidents(), 1000);
	cr_expect_eq(sql_count(&e, "SELECT sum(n) FROM svk.incident_week_categories"), 1000,
		     "the weekly rollup does not add up");
	cr_expect_eq(sql_count(&e, "SELECT sum(n) FROM svk.incident_week_places"), 1000,
		     "the weekly rollup does not add up");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'incident.create'"), 1,
	    "one audit entry per batch");
}

Test(est, a_retried_batch_with_its_idempotency_key_is_stored_once)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *body = batch(
	    (const char *[]){ item("2026-03-02T10:00", "sigtuna", "Valsta", "klotter"),
			      item("2026-03-02T11:00", "sigtuna", "Valsta", "brand") },
	    2);
	const char *key = "Idempotency-Key: import-5b0c1d";
	struct resp *r1, *r2;

	r1 = http_send(&e, &(struct http_req){ .method = "POST",
					       .path = "/v1/incidents",
					       .token = ber,
					       .body = body,
					       .headers = { key } });
	cr_assert_eq(r1->status, 201, "%s", resp_why(r1));
	r2 = http_send(&e, &(struct http_req){ .method = "POST",
					       .path = "/v1/incidents",
					       .token = ber,
					       .body = body,
					       .headers = { key } });
	cr_expect_eq(r2->status, 201, "%s", resp_why(r2));
	cr_expect(json_equal(r1->json, r2->json), "the repeat differs");
	cr_expect_eq(incidents(), 2, "the retried batch was stored twice");
}

/* The answer's items[i].already_stored, as 0 or 1 (-1: missing). */
static int already(const struct resp *r, int i)
{
	json_t *v = resp_get(r, strf(&e, "items.%d.already_stored", i));

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

Test(est, an_incident_is_stored_once_per_source_whatever_batch_brings_it)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *est = user_in_group(&e, "stina.est", "sigtuna", "est-sigtuna", "member");
	const char *a = item("2026-03-02T10:00", "sigtuna", "Valsta", "klotter");
	const char *b = item("2026-03-02T11:00", "sigtuna", "Valsta", "brand");
	const char *c = item("2026-03-02T12:00", "sigtuna", "Valsta", "brand");
	const char *ref =
	    "{\"occurred_at\":\"2026-03-03T09:00\",\"municipality\":\"sigtuna\","
	    "\"place\":\"Steninge\",\"category\":\"brand\",\"external_id\":\"RAPP-17\"";
	const char *c_id;
	struct resp *r1, *r;

	r1 = http(&e, "POST", "/v1/incidents", ber, batch((const char *[]){ a, b }, 2));
	cr_assert_eq(r1->status, 201, "%s", resp_why(r1));
	cr_expect_eq(json_integer_value(resp_get(r1, "count")), 2, "%s", r1->body);
	cr_expect_eq(already(r1, 0), 0, "%s", r1->body);

	/* An edited file sent again (no Idempotency-Key: new content): the
	 * new line is stored, the old ones are found, a repeat within the
	 * batch too; the place's spaces do not make it another. */
	r = http(
	    &e, "POST", "/v1/incidents", ber,
	    batch((const char *[]){ b, c,
				    item("2026-03-02T10:00", "sigtuna", " Valsta ", "klotter"), c },
		  4));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(json_integer_value(resp_get(r, "count")), 1, "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "already_stored")), 3, "%s", r->body);
	cr_expect_eq(already(r, 0), 1, "%s", r->body);
	cr_expect_eq(already(r, 1), 0, "%s", r->body);
	cr_expect_eq(already(r, 2), 1, "%s", r->body);
	cr_expect_eq(already(r, 3), 1, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id"), resp_str(r1, "items.1.id"));
	cr_expect_str_eq(resp_str(r, "items.2.id"), resp_str(r1, "items.0.id"));
	cr_expect_str_eq(resp_str(r, "items.3.id"), resp_str(r, "items.1.id"));
	cr_expect_eq(incidents(), 3, "an incident was stored twice");
	c_id = resp_str(r, "items.1.id");

	/* Another source's report of the same event is its own incident. */
	r = http(&e, "POST", "/v1/incidents", est, batch((const char *[]){ a }, 1));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(already(r, 0), 0, "%s", r->body);
	cr_expect_eq(incidents(), 4);

	/* One incident again: 200 and the stored one, not a second. */
	r = http(&e, "POST", "/v1/incidents", ber, c);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "id"), c_id);
	cr_expect_null(resp_get(r, "already_stored"), "%s", r->body);
	cr_expect_eq(incidents(), 4);

	/* The source's own reference identifies it, whatever the text says. */
	r = http(&e, "POST", "/v1/incidents", ber, strf(&e, "%s}", ref));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "external_id"), "RAPP-17");
	r = http(&e, "POST", "/v1/incidents", ber,
		 batch((const char *[]){ strf(&e, "%s,\"description\":\"Rättad text\"}", ref),
					 strf(&e, "%s}", ref) },
		       2));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(already(r, 0), 1, "%s", r->body);
	cr_expect_eq(already(r, 1), 1, "%s", r->body);
	cr_expect_eq(incidents(), 5);
	r = http(&e, "GET", "/v1/incidents?place=Steninge", ber, NULL);
	cr_expect_str_eq(resp_str(r, "items.0.external_id"), "RAPP-17", "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.description"), "", "%s", r->body);
	expect_invalid(http(&e, "POST", "/v1/incidents", ber,
			    "{\"occurred_at\":\"2026-03-03T09:00\",\"municipality\":\"sigtuna\","
			    "\"place\":\"A\",\"category\":\"brand\",\"external_id\":\"\"}"),
		       "external_id", "an empty external_id");
}

/* ---- the situation picture -------------------------------------------------- */

/* Week 10 of 2026 (2–8 March) in Sigtuna, and the four weeks before it. */
static void situation_fixture(const char *tok)
{
	const char *items[] = {
		item("2026-03-02T10:00", "sigtuna", "Märsta centrum", "klotter"),
		item("2026-03-03T10:00", "sigtuna", "Märsta centrum", "klotter"),
		item("2026-03-04T10:00", "sigtuna", "Märsta centrum", "klotter"),
		item("2026-03-04T11:00", "sigtuna", "Märsta centrum", "skadegorelse"),
		item("2026-03-05T10:00", "sigtuna", "Valsta", "klotter"),
		item("2026-03-08T23:30", "sigtuna", "Valsta", "klotter"), /* Sunday night */
		item("2026-03-06T10:00", "sigtuna", "Rosersberg", "brand"),
		item("2026-03-08T23:30:00Z", "sigtuna", "Valsta", "klotter"), /* Monday, week 11 */
		item("2026-02-02T10:00", "sigtuna", "Valsta", "klotter"),     /* weeks 6-9 */
		item("2026-02-09T10:00", "sigtuna", "Valsta", "klotter"),
		item("2026-02-16T10:00", "sigtuna", "Valsta", "klotter"),
		item("2026-02-17T10:00", "sigtuna", "Valsta", "skadegorelse"),
		item("2026-02-18T10:00", "sigtuna", "Valsta", "skadegorelse"),
		item("2026-02-23T10:00", "sigtuna", "Valsta", "klotter"),
		item("2026-03-02T10:00", "sollentuna", "Tureberg", "klotter"), /* elsewhere */
	};
	struct resp *r = http(&e, "POST", "/v1/incidents", tok,
			      batch(items, sizeof items / sizeof items[0]));

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
}

static json_t *category(const struct resp *r, const char *slug)
{
	size_t i;
	json_t *c;

	json_array_foreach (resp_get(r, "categories"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "category")), slug) == 0)
			return c;
	cr_assert_fail("no category %s in %s", slug, r->body);
	return NULL;
}

Test(est, the_situation_picture_counts_averages_hotspots_and_trend)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	struct resp *r;
	json_t *c;

	situation_fixture(ber);
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2026-W10", ber, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "week"), "2026-W10");
	cr_expect_str_eq(resp_str(r, "from"), "2026-03-02");
	cr_expect_str_eq(resp_str(r, "to"), "2026-03-08");
	cr_expect_eq(json_integer_value(resp_get(r, "total")), 7, "%s", r->body);
	cr_expect_eq(json_number_value(resp_get(r, "previous_average")), 1.5, "%s", r->body);
	cr_expect_eq(json_array_size(resp_get(r, "categories")), 9, "every category is listed");
	cr_expect_str_eq(resp_str(r, "categories.0.category"), "klotter", "ranked by count");

	c = category(r, "klotter");
	cr_expect_eq(json_integer_value(json_object_get(c, "count")), 5);
	cr_expect_eq(json_number_value(json_object_get(c, "previous_average")), 1.0);
	cr_expect_eq(json_number_value(json_object_get(c, "change")), 4.0);
	cr_expect_eq(json_number_value(json_object_get(c, "change_percent")), 400.0);
	c = category(r, "skadegorelse");
	cr_expect_eq(json_integer_value(json_object_get(c, "count")), 1);
	cr_expect_eq(json_number_value(json_object_get(c, "previous_average")), 0.5);
	cr_expect_eq(json_number_value(json_object_get(c, "change_percent")), 100.0);
	c = category(r, "brand");
	cr_expect(json_is_null(json_object_get(c, "change_percent")), "no base, no percent");

	cr_expect_eq(json_array_size(resp_get(r, "hotspots")), 3, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "hotspots.0.place"), "Märsta centrum");
	cr_expect_eq(json_integer_value(resp_get(r, "hotspots.0.count")), 4);
	cr_expect_str_eq(resp_str(r, "hotspots.1.place"), "Valsta");
	cr_expect_eq(json_integer_value(resp_get(r, "hotspots.1.count")), 2);
	cr_expect_eq(json_integer_value(resp_get(r, "hotspots.2.count")), 1);
	cr_expect(resp_get(r, "suppressed") == json_false(), "a party's user is not suppressed");

	cr_expect_eq(json_array_size(resp_get(r, "trend")), 12);
	cr_expect_str_eq(resp_str(r, "trend.0.week"), "2025-W51");
	cr_expect_str_eq(resp_str(r, "trend.11.week"), "2026-W10");
	cr_expect_eq(json_integer_value(resp_get(r, "trend.11.count")), 7);
	cr_expect_eq(json_integer_value(resp_get(r, "trend.9.count")), 3, "week 8: %s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "trend.7.count")), 1, "week 6");
	cr_expect_eq(json_integer_value(resp_get(r, "trend.6.count")), 0, "week 5");

	/* The Monday 00:30 incident is week 11's. */
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2026-W11", ber, NULL);
	cr_expect_eq(json_integer_value(resp_get(r, "total")), 1, "%s", r->body);

	/* An arbetsgrupp member's municipality is the default. */
	const char *est = user_in_group(&e, "stina.est", "sigtuna", "est-sigtuna", "member");
	r = http(&e, "GET", "/v1/situation?week=2026-W10", est, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "municipality"), "sigtuna");
	expect_invalid(http(&e, "GET", "/v1/situation?week=2026-W10", ber, NULL), "municipality",
		       "no municipality for a beredningsgrupp member");
	expect_invalid(http(&e, "GET", "/v1/situation?municipality=gotland", ber, NULL),
		       "municipality", "an unknown municipality");
	/* Without a week: the last completed one. */
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna", ber, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "week"),
			 sql_value(&e, "SELECT to_char(now() AT TIME ZONE 'Europe/Stockholm' "
				       "- interval '7 days', 'IYYY-\"W\"IW')"));
}

Test(est, places_under_three_are_suppressed_for_co_opted_organisations)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	struct resp *r = http(&e, "POST", "/v1/organisations", admin_token(&e),
			      "{\"slug\":\"sigtunahem\",\"name\":\"SigtunaHem AB\","
			      "\"kind\":\"housing\",\"party\":false}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *hem = user_in_group(&e, "hanna.hem", "sigtunahem", "est-sigtuna", "member");

	situation_fixture(ber);
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2026-W10", hem, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(resp_get(r, "suppressed") == json_true(), "%s", r->body);
	cr_expect_str_eq(resp_str(r, "hotspots.0.place"), "Märsta centrum");
	cr_expect_eq(json_integer_value(resp_get(r, "hotspots.0.count")), 4, "3 or more are shown");
	cr_expect_str_eq(resp_str(r, "hotspots.1.place"), "Rosersberg", "suppressed by name");
	cr_expect_str_eq(resp_str(r, "hotspots.1.count"), "<3", "%s", r->body);
	cr_expect_str_eq(resp_str(r, "hotspots.2.place"), "Valsta");
	cr_expect_str_eq(resp_str(r, "hotspots.2.count"), "<3", "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "total")), 7);

	/* The housing company reports for its group's municipality. */
	r = http(&e, "POST", "/v1/incidents", hem,
		 item("2026-03-05T10:00", "sigtuna", "Valsta", "nedskrapning"));
	cr_expect_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "source_organisation"), "sigtunahem");

	/* One by one, the housing company reads only the incidents it
	 * reported: the exact counts of the others are one filter away. */
	const char *own = strf(&e, "%s", resp_str(r, "id") ? resp_str(r, "id") : "");
	const char *other = sql_value(&e,
				      "SELECT i.id::text FROM svk.incidents i "
				      "JOIN svk.organisations o ON o.id = i.source_organisation_id "
				      "WHERE o.slug <> 'sigtunahem' LIMIT 1");
	r = http(&e, "GET", "/v1/incidents?municipality=sigtuna&limit=500", hem, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "a co-opted user lists: %s",
		     r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id") ? resp_str(r, "items.0.id") : "", own);
	r = http(&e, "GET", strf(&e, "/v1/incidents/%s", other), hem, NULL);
	cr_expect_eq(r->status, 404, "a co-opted user reads a party's incident: %s", resp_why(r));
	r = http(&e, "GET", strf(&e, "/v1/incidents/%s", own), hem, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	/* A party's user reads them all. */
	r = http(&e, "GET", "/v1/incidents?municipality=sigtuna&limit=500", ber, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq((long)json_array_size(resp_get(r, "items")),
		     sql_count(&e, "SELECT count(*) FROM svk.incidents i JOIN svk.organisations o "
				   "ON o.id = i.municipality_id WHERE o.slug = 'sigtuna'"));
	r = http(&e, "GET", strf(&e, "/v1/incidents/%s", other), ber, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
}

Test(est, iso_weeks_at_their_edges)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	struct resp *r;

	/* 2025 began on a Wednesday and is no leap year: 52 weeks. 2026 began
	 * on a Thursday, so it has a week 53 (28 December to 3 January). */
	expect_invalid(
	    http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2025-W53", ber, NULL), "week",
	    "2025 has 52 weeks");
	expect_invalid(
	    http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2027-W53", ber, NULL), "week",
	    "2027 has 52 weeks");
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2026-W53", ber, NULL);
	cr_expect_eq(r->status, 200, "2026 has 53 weeks: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "from"), "2026-12-28");
	cr_expect_str_eq(resp_str(r, "to"), "2027-01-03");
	expect_invalid(
	    http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2026-W00", ber, NULL), "week",
	    "week 0");
	expect_invalid(
	    http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2026-10", ber, NULL), "week",
	    "no W");

	r = http(&e, "POST", "/v1/incidents", ber,
		 batch((const char *[]){ item("2021-01-02T12:00", "sigtuna", "Valsta", "brand"),
					 item("2025-12-29T12:00", "sigtuna", "Valsta", "brand"),
					 item("2026-01-04T12:00", "sigtuna", "Valsta", "brand") },
		       3));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *week_of[3];
	for (int i = 0; i < 3; i++)
		week_of[i] = resp_str(
		    http(&e, "GET",
			 strf(&e, "/v1/incidents/%s", resp_str(r, strf(&e, "items.%d.id", i))), ber,
			 NULL),
		    "week");
	cr_expect_str_eq(week_of[0], "2020-W53");
	cr_expect_str_eq(week_of[1], "2026-W01", "a week crossing the new year");
	cr_expect_str_eq(week_of[2], "2026-W01");

	r = http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2020-W53", ber, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "from"), "2020-12-28");
	cr_expect_str_eq(resp_str(r, "to"), "2021-01-03");
	cr_expect_eq(json_integer_value(resp_get(r, "total")), 1, "%s", r->body);
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna&week=2026-W01", ber, NULL);
	cr_expect_eq(json_integer_value(resp_get(r, "total")), 2, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "from"), "2025-12-29");
	cr_expect_str_eq(resp_str(r, "trend.10.week"), "2025-W52", "the trend crosses the year");
}

Test(est, incidents_are_listed_with_filters_and_pages)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	struct resp *r;

	situation_fixture(ber);
	r = http(&e, "GET", "/v1/incidents?municipality=sigtuna&category=klotter&limit=3", ber,
		 NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 3);
	cr_assert(resp_str(r, "next_cursor"), "%s", r->body);
	r = http(&e, "GET",
		 strf(&e, "/v1/incidents?municipality=sigtuna&category=klotter&limit=50&cursor=%s",
		      resp_str(r, "next_cursor")),
		 ber, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 7, "%s", r->body);
	cr_expect(json_is_null(resp_get(r, "next_cursor")));

	r = http(&e, "GET", "/v1/incidents?place=Rosersberg", ber, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	r = http(&e, "GET", "/v1/incidents?from=2026-03-02&to=2026-03-08&municipality=sigtuna", ber,
		 NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 7, "Swedish days: %s", r->body);
	r = http(&e, "GET", "/v1/incidents?source=polisen", ber, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 15, "%s", r->body);
	r = http(&e, "GET", "/v1/incidents?source=sigtuna", ber, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0, "%s", r->body);
	expect_invalid(http(&e, "GET", "/v1/incidents?from=2026-3-2", ber, NULL), "from",
		       "a bad date");
	expect_invalid(http(&e, "GET", "/v1/incidents?category=Klotter", ber, NULL), "category",
		       "not a slug");
	r = http(&e, "GET", "/v1/incidents/4f0e1b8e-0000-4000-8000-000000000000", ber, NULL);
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
}

/* ---- retention -------------------------------------------------------------- */

Test(est, purge_deletes_old_incidents_with_one_audit_entry)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	struct proc *p;

	situation_fixture(ber);
	/* Old reports, as if made years ago. */
	sql_query(
	    &e,
	    "INSERT INTO svk.incidents (occurred_at, municipality_id, place, category_id, "
	    "source_organisation_id, reported_by, reported_at) "
	    "SELECT now() - make_interval(years => 6, days => g), m.id, 'Valsta', c.id, m.id, "
	    "u.id, now() - interval '6 years' "
	    "FROM generate_series(1, 25) g, svk.organisations m, svk.incident_categories c, "
	    "svk.users u WHERE m.slug = 'sigtuna' AND c.slug = 'brand' AND u.username = 'bo.ber'");
	cr_assert_eq(incidents(), 40);

	p = samverkand(&e, "purge", "--dry-run");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect(strstr(p->out, "25 incidents"), "%s", p->out);
	cr_expect_eq(incidents(), 40, "a dry run deleted");

	p = samverkand(&e, "purge");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect(strstr(p->out, "deleted 25 incidents"), "%s", p->out);
	cr_expect_eq(incidents(), 15);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'incident.purge' "
				   "AND (after->>'count')::int = 25"),
		     1, "one audit entry per run");
	cr_expect_eq(sql_count(&e, "SELECT sum(n) FROM svk.incident_week_categories"), 15,
		     "the rollup still adds up");
	cr_expect_eq(sql_count(&e, "SELECT sum(n) FROM svk.incident_week_places"), 15,
		     "the rollup still adds up");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.incident_week_categories WHERE n = 0") +
		sql_count(&e, "SELECT count(*) FROM svk.incident_week_places WHERE n = 0"),
	    0, "emptied rollup rows are removed");
	/* The rollups equal the incidents, key by key. */
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM (SELECT municipality_id, week, category_id, "
		      "count(*)::int AS n FROM svk.incidents GROUP BY 1, 2, 3) i FULL JOIN "
		      "svk.incident_week_categories w USING (municipality_id, week, category_id) "
		      "WHERE i.n IS DISTINCT FROM w.n"),
	    0);
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM (SELECT municipality_id, week, place, "
			  "count(*)::int AS n FROM svk.incidents GROUP BY 1, 2, 3) i FULL JOIN "
			  "svk.incident_week_places w USING (municipality_id, week, place) "
			  "WHERE i.n IS DISTINCT FROM w.n"),
	    0);

	p = samverkand(&e, "purge");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'incident.purge'"), 1,
	    "a run that deletes nothing writes no entry");
	cr_expect_eq(incidents(), 15);

	/* A report is not changed afterwards. */
	struct sqlres *u = sql_query_app(&e, "UPDATE svk.incidents SET place = 'X'");
	cr_expect(!u->ok, "an incident was updated");
}
