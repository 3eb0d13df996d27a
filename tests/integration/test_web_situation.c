/*
 * The web interface's Lägesbild: the situation picture of a municipality
 * and week (the API's statement and suppression), the report form and the
 * CSV upload (the API's checks, right, statement and audit). Checked here
 * as a browser sends it (cookie, form token, form or multipart encoding):
 * who sees what, "<3" for a user of a non-party organisation, refusals
 * that keep what was typed, forms from another site refused with nothing
 * stored, markup in a place shown as text, an upload's per-line errors
 * with nothing stored, and a repeated upload storing nothing twice.
 * situation_in_the_browser then runs tests/web/situation.mjs in headless
 * chromium: an EST member on a phone reports an incident and sees it
 * counted; axe-core and screenshots of the page, the form and the upload.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web_util.h"

static struct env e;

ENV_SHARED_SUITE(web_situation, e, .timeout = 240);

#define XSS_PLACE "<script>alert(1)</script> Torget \"><img src=x onerror=alert(2)>"
#define WEEK "2026-W10" /* Monday 2 March 2026 */

/* The report form's body as a browser encodes it. */
static const char *report_form(const char *csrf, const char *mun, const char *when,
			       const char *place, const char *cat, const char *descr)
{
	return strf(&e, "csrf=%s&kommun=%s&tidpunkt=%s&plats=%s&kategori=%s&beskrivning=%s", csrf,
		    mun, web_enc(&e, when), web_enc(&e, place), cat, web_enc(&e, descr));
}

static struct resp *post(const char *tok, const char *path, const char *ct, const char *body,
			 const char *header)
{
	return http_send(&e,
			 &(struct http_req){ .method = "POST",
					     .path = path,
					     .body = body,
					     .content_type = ct,
					     .headers = { web_cookie(&e, tok), header, NULL } });
}

#define FORM "application/x-www-form-urlencoded"
#define BOUNDARY "----svkTestBoundary7MA4YWxk"

/* The upload form's body: csrf, kommun and the file. */
static const char *upload_body(const char *csrf, const char *mun, const char *csv)
{
	return strf(&e,
		    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
		    "--" BOUNDARY
		    "\r\nContent-Disposition: form-data; name=\"kommun\"\r\n\r\n%s\r\n"
		    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"fil\"; "
		    "filename=\"vecka10.csv\"\r\nContent-Type: text/csv\r\n\r\n%s\r\n"
		    "--" BOUNDARY "--\r\n",
		    csrf, mun, csv);
}

static struct resp *upload(const char *tok, const char *body, const char *header)
{
	return post(tok, "/lagesbild/importera", "multipart/form-data; boundary=" BOUNDARY, body,
		    header);
}

static long incidents(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.incidents");
}

static void report_api(const char *tok, const char *at, const char *place, const char *cat)
{
	struct resp *r = http(&e, "POST", "/v1/incidents", tok,
			      jsonf(&e, "{s:s, s:s, s:s, s:s}", "occurred_at", at, "municipality",
				    "sigtuna", "place", place, "category", cat));

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
}

/* Week 10 of 2026 in Sigtuna: Märsta centrum 4 (3 klotter), Rosersberg 2,
 * the place with markup 1; two incidents in week 8 for the average. */
static void fixture(const char *tok)
{
	for (int i = 0; i < 3; i++)
		report_api(tok, strf(&e, "2026-03-0%dT10:00", 2 + i), "Märsta centrum", "klotter");
	report_api(tok, "2026-03-05T22:00", "Märsta centrum", "skadegorelse");
	report_api(tok, "2026-03-06T01:00", "Rosersberg", "brand");
	report_api(tok, "2026-03-07T12:00", "Rosersberg", "brand");
	report_api(tok, "2026-03-08T12:00", XSS_PLACE, "ovrigt");
	report_api(tok, "2026-02-17T12:00", "Valsta", "klotter");
	report_api(tok, "2026-02-18T12:00", "Valsta", "klotter");
}

Test(web_situation, the_week_the_charts_and_the_places)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;

	fixture(est);
	r = web_get(&e, est, "/lagesbild?kommun=sigtuna&vecka=" WEEK);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "Kommer snart") && web_has(r, "aria-current=\"page\">Lägesbild<"),
		  "%s", r->body);
	cr_expect(web_has(r, "<option value=\"sigtuna\" selected>Sigtuna kommun</option>"), "%s",
		  r->body);
	cr_expect(web_has(r, "<option value=\"" WEEK "\" selected>v. 10 2026</option>"), "%s",
		  r->body);
	cr_expect(web_has(r, "Sigtuna kommun, v. 10 2026</h2>") && web_has(r, ">7 händelser<") &&
		      web_has(r, "2 mars 2026 – 8 mars 2026"),
		  "%s", r->body);
	/* Categories: the chart with its text alternative and the table. */
	cr_expect(web_has(r, "<svg class=\"chart\" role=\"img\"") &&
		      web_has(r,
			      "aria-label=\"Stapeldiagram: händelser per kategori i Sigtuna kommun "
			      "v. 10 2026"),
		  "%s", r->body);
	cr_expect(web_has(r, "<tr><th scope=\"row\">Klotter</th><td class=\"num\">3</td><td "
			     "class=\"num\">0,5</td><td class=\"num\">+500 %</td></tr>"),
		  "%s", r->body);
	cr_expect(web_has(r, "<tr><th scope=\"row\">Brand</th><td class=\"num\">2</td>"), "%s",
		  r->body);
	/* The trend: twelve weeks, week 8 with its two. */
	const char *trend = strstr(r->body, "<caption>Händelser per vecka</caption>");
	cr_assert(trend, "%s", r->body);
	long rows = 0;
	for (const char *p = trend; (p = strstr(p, "<tr><th scope=\"row\">v. ")); p++)
		rows++;
	cr_expect_eq(rows, 12, "twelve weeks in the trend's table");
	cr_expect(web_has(r, "<tr><th scope=\"row\">v. 8 2026</th><td class=\"num\">2</td></tr>"),
		  "%s", r->body);
	/* The places; markup shown as text; a party's user sees the counts. */
	cr_expect(web_has(r, "<tr><th scope=\"row\">Märsta centrum</th><td class=\"num\">4</td>") &&
		      web_has(r, "<tr><th scope=\"row\">Rosersberg</th><td class=\"num\">2</td>"),
		  "%s", r->body);
	cr_expect(web_has(r, "&lt;script&gt;alert(1)&lt;/script&gt; Torget &quot;&gt;&lt;img") &&
		      !web_has(r, "<script") && !web_has(r, "<img src=x"),
		  "%s", r->body);
	cr_expect(!web_has(r, "&lt;3"), "a party's user sees every count");
	cr_expect(web_has(r, "href=\"/lagesbild/rapportera?kommun=sigtuna\""), "may report: %s",
		  r->body);
	cr_expect(
	    web_has(r, "rel=\"prev\" href=\"/lagesbild?kommun=sigtuna&amp;vecka=2026-W09\"") &&
		web_has(r, "rel=\"next\" href=\"/lagesbild?kommun=sigtuna&amp;vecka=2026-W11\""),
	    "%s", r->body);

	/* Without a choice: her municipality and this week. */
	r = web_get(&e, est, "/lagesbild");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	const char *now = sql_value(&e, "SELECT svk.week_label(svk.week_of(now()))");
	cr_expect(web_has(r, "<option value=\"sigtuna\" selected>") &&
		      web_has(r, strf(&e, "<option value=\"%s\" selected>", now)) &&
		      !web_has(r, "rel=\"next\""),
		  "%s", r->body);

	cr_expect_eq(web_get(&e, est, "/lagesbild?kommun=gotland")->status, 404);
	cr_expect_eq(web_get(&e, est, "/lagesbild?kommun=Sig%20tuna")->status, 404);
	cr_expect_eq(web_get(&e, est, "/lagesbild?kommun=sigtuna&vecka=2026-W99")->status, 400);
	cr_expect_eq(web_get(&e, est, "/lagesbild/annat")->status, 404);
}

Test(web_situation, places_under_three_are_suppressed_for_a_non_party_user)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r = http(&e, "POST", "/v1/organisations", admin_token(&e),
			      "{\"slug\":\"sigtunahem\",\"name\":\"SigtunaHem AB\","
			      "\"kind\":\"housing\",\"party\":false}");

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *hem = user_in_group(&e, "hanna.hem", "sigtunahem", "est-sigtuna", "member");
	fixture(est);
	r = web_get(&e, hem, "/lagesbild?kommun=sigtuna&vecka=" WEEK);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<tr><th scope=\"row\">Märsta centrum</th><td class=\"num\">4</td>"),
		  "3 or more are shown: %s", r->body);
	cr_expect(web_has(r, "<tr><th scope=\"row\">Rosersberg</th><td class=\"num\">&lt;3</td>") &&
		      web_has(r, "Torget &quot;&gt;&lt;img src=x onerror=alert(2)&gt;</th><td "
				 "class=\"num\">&lt;3</td>"),
		  "fewer than 3 are <3: %s", r->body);
	cr_expect(!web_has(r, "<td class=\"num\">2</td></tr></tbody></table></section>"),
		  "no exact count under 3 among the places");
	cr_expect(web_has(r, "visas som &lt;3"), "the page says why: %s", r->body);
	/* The same suppression as the API's. */
	r = http(&e, "GET", "/v1/situation?municipality=sigtuna&week=" WEEK, hem, NULL);
	cr_expect_str_eq(resp_str(r, "hotspots.1.count"), "<3", "%s", r->body);
}

Test(web_situation, who_may_see_and_report)
{
	const char *ber = user_in_group(&e, "bo.ber", "sollentuna", "beredningsgrupp", "member");
	const char *pw = user_create(&e, "nils.ingen", "sigtuna");
	const char *none = login(&e, "nils.ingen", pw);
	struct resp *r;

	r = http_send(&e, &(struct http_req){ .path = "/lagesbild" });
	cr_expect_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/logga-in");
	for (const char *const *p = (const char *const[]){ "/lagesbild", "/lagesbild/rapportera",
							   "/lagesbild/importera", NULL };
	     *p; p++) {
		r = web_get(&e, none, *p);
		cr_expect_eq(r->status, 403, "%s: %s", *p, resp_why(r));
		cr_expect(web_has(r, "Åtkomst nekad"), "%s", r->body);
	}
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'nils.ingen'"),
		     3, "each refusal audited");
	/* The beredningsgrupp sees every municipality and may report for each. */
	r = web_get(&e, ber, "/lagesbild");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<option value=\"sollentuna\" selected>"), "their organisation: %s",
		  r->body);
	r = web_get(&e, ber, "/lagesbild/rapportera?kommun=sigtuna");
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<option value=\"sigtuna\" selected>"), "%s", r->body);
	/* An EST member is offered only their municipality. */
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	r = web_get(&e, est, "/lagesbild/rapportera?kommun=sollentuna");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<option value=\"sigtuna\" selected>") &&
		      !web_has(r, "value=\"sollentuna\""),
		  "%s", r->body);
	cr_expect(web_has(r, "<label for=\"plats\">Plats</label>") &&
		      web_has(r, "<label for=\"tidpunkt\">När hände det?</label>"),
		  "%s", r->body);
	r = post(est, "/lagesbild", FORM, "x=1", NULL);
	cr_expect_eq(r->status, 405, "%s", resp_why(r));
}

Test(web_situation, the_form_reports_and_keeps_what_was_typed)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	const char *csrf = web_csrf(&e, est);
	struct resp *r;

	/* No place: refused, the rest kept, the error next to the field. */
	r = post(est, "/lagesbild/rapportera", FORM,
		 report_form(csrf, "sigtuna", "2026-03-04T21:15", "", "klotter",
			     "Sprayat på <b>väggen</b>\r\nRad två"),
		 NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "<p class=\"error\" id=\"plats-error\">Fyll i platsen.</p>") &&
		      web_has(r, "aria-describedby=\"plats-hint plats-error\""),
		  "%s", r->body);
	cr_expect(web_has(r, ">Sprayat på &lt;b&gt;väggen&lt;/b&gt;\nRad två</textarea>") &&
		      web_has(r, "value=\"2026-03-04T21:15\"") &&
		      web_has(r, "<option value=\"klotter\" selected>"),
		  "what was typed is kept: %s", r->body);
	/* In the future: the database's refusal, next to the time. */
	r = post(est, "/lagesbild/rapportera", FORM,
		 report_form(csrf, "sigtuna", "2099-01-01T10:00", XSS_PLACE, "klotter", ""), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"tidpunkt-error\">Tidpunkten får inte ligga i framtiden.</p>") &&
		      web_has(r, "value=\"&lt;script&gt;alert(1)&lt;/script&gt; Torget &quot;&gt;"),
		  "%s", r->body);
	/* A personal identity number: the API's privacy guard. */
	r = post(est, "/lagesbild/rapportera", FORM,
		 report_form(csrf, "sigtuna", "2026-03-04T21:15", "Torget", "klotter",
			     "Gärningsman 811218-9876"),
		 NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"beskrivning-error\">Texten innehåller ett personnummer"), "%s",
		  r->body);
	/* A municipality she does not report for: the API's 403. */
	r = post(est, "/lagesbild/rapportera", FORM,
		 report_form(csrf, "sollentuna", "2026-03-04T21:15", "Torget", "klotter", ""),
		 NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_eq(incidents(), 0, "nothing stored");

	/* Stored: 303 to the week, where it is counted. */
	r = post(est, "/lagesbild/rapportera", FORM,
		 report_form(csrf, "sigtuna", "2026-03-04T21:15", XSS_PLACE, "klotter",
			     "Sprayat på väggen"),
		 NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"),
			 "/lagesbild?kommun=sigtuna&vecka=" WEEK "#veckan");
	cr_expect_eq(incidents(), 1);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = "
				   "'incident.create' AND actor = 'eva.est'"),
		     1, "audited as the API's");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.incidents WHERE place = $1 AND "
			       "description = 'Sprayat på väggen' AND occurred_at = "
			       "'2026-03-04T21:15:00+01'",
			       XSS_PLACE),
		     1);
	r = web_get(&e, est, "/lagesbild?kommun=sigtuna&vecka=" WEEK);
	cr_expect(web_has(r, ">1 händelse<") &&
		      web_has(r, "<tr><th scope=\"row\">Klotter</th><td class=\"num\">1</td>"),
		  "%s", r->body);
}

Test(web_situation, forms_without_the_token_or_from_another_site_are_refused)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	const char *csrf = web_csrf(&e, est);
	const char *good = report_form(csrf, "sigtuna", "2026-03-04T21:15", "Torget", "klotter",
				       "");
	const char *csv = "tidpunkt;plats;kategori\n2026-03-04 10:00;Torget;klotter\n";
	struct resp *r;

	r = post(est, "/lagesbild/rapportera", FORM,
		 report_form("", "sigtuna", "2026-03-04T21:15", "Torget", "klotter", ""), NULL);
	cr_expect_eq(r->status, 403, "no token: %s", resp_why(r));
	r = post(est, "/lagesbild/rapportera", FORM,
		 report_form(
		     web_csrf(&e, user_in_group(&e, "annan", "sigtuna", "est-sigtuna", "member")),
		     "sigtuna", "2026-03-04T21:15", "Torget", "klotter", ""),
		 NULL);
	cr_expect_eq(r->status, 403, "another session's token: %s", resp_why(r));
	r = post(est, "/lagesbild/rapportera", FORM, good, "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "another origin: %s", resp_why(r));
	r = post(est, "/lagesbild/rapportera", FORM, good, "Sec-Fetch-Site: cross-site");
	cr_expect_eq(r->status, 403, "cross-site: %s", resp_why(r));
	r = upload(est, upload_body("", "sigtuna", csv), NULL);
	cr_expect_eq(r->status, 403, "an upload without the token: %s", resp_why(r));
	r = upload(est, upload_body(csrf, "sigtuna", csv), "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "an upload from another origin: %s", resp_why(r));
	cr_expect_eq(incidents(), 0, "nothing stored");
}

Test(web_situation, an_upload_is_all_or_nothing_with_errors_per_line)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	const char *csrf = web_csrf(&e, est);
	const char *bad = "tidpunkt;kommun;plats;kategori\n"
			  "2026-03-02 10:00;sigtuna;Märsta centrum;Klotter\n"
			  "2026-03-02 11:00;sigtuna;Valsta;Klotterx\n"
			  "2026-03-02 12:00;sigtuna;Valsta\n"
			  "2099-03-02 12:00;sigtuna;Valsta;brand\n"
			  "2026-03-03 12:00;sollentuna;Centrum;brand\n"
			  "2026-03-03 13:00;sigtuna;Torget 811218-9876;brand\n";
	const char *good = "tidpunkt;plats;kategori;beskrivning\n"
			   "2026-03-02 10:00;Märsta centrum;Klotter;Tag på busskuren\n"
			   "2026-03-02 11:00;Valsta;hot-vald;\n"
			   "\n"
			   "2026-03-03 12:00;\"Torget; norra\";Brand;\"Två rader\nav text\"\n";
	struct resp *r;

	r = web_get(&e, est, "/lagesbild/importera");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "enctype=\"multipart/form-data\"") && web_has(r, "type=\"file\""),
		  "%s", r->body);

	r = upload(est, upload_body(csrf, "sigtuna", bad), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(
	    web_has(r, "<li>Rad 3, kategori: Kategorin finns inte. Menade du Klotter?</li>") &&
		web_has(r, "<li>Rad 4, raden: Raden har 3 fält men rubrikraden har 4.</li>") &&
		web_has(r, "<li>Rad 6, kommun: Du rapporterar bara för sigtuna.</li>") &&
		web_has(r, "<li>Rad 7, plats: Texten innehåller ett personnummer"),
	    "every bad line named: %s", r->body);
	cr_expect(!web_has(r, "Rad 2,"), "a good line is not refused: %s", r->body);
	cr_expect(web_has(r, "Du skickade vecka10.csv"), "%s", r->body);
	cr_expect_eq(incidents(), 0, "nothing stored when a line is bad");
	/* The future time is the database's check: named once the rest is fixed. */
	r = upload(est,
		   upload_body(csrf, "sigtuna",
			       "tidpunkt;plats;kategori\n2026-03-02 10:00;Valsta;brand\n"
			       "2099-03-02 12:00;Valsta;brand\n"),
		   NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "<li>Rad 3, tidpunkt: Tidpunkten får inte ligga i framtiden.</li>"),
		  "%s", r->body);
	cr_expect_eq(incidents(), 0, "nothing stored when a line is bad");
	/* A header that does not fit, and no file. */
	r = upload(est, upload_body(csrf, "sigtuna", "vad;var\n1;2\n"), NULL);
	cr_expect(r->status == 422 && web_has(r, "Rubrikraden känns inte igen"), "%s", resp_why(r));
	r = upload(est, upload_body(csrf, "sigtuna", ""), NULL);
	cr_expect(r->status == 422 && web_has(r, "id=\"fil-error\">Filen är tom.</p>"), "%s",
		  resp_why(r));

	/* A good file: stored, and again: nothing stored twice. */
	r = upload(est, upload_body(csrf, "sigtuna", good), NULL);
	cr_assert_eq(r->status, 303, "%s: %s", resp_why(r), r->body);
	cr_expect_str_eq(resp_header(r, "Location"),
			 "/lagesbild/importera?kommun=sigtuna&sparade=3&fanns=0");
	cr_expect_eq(incidents(), 3);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents WHERE place = "
				   "'Torget; norra' AND description = E'Två rader\\nav text'"),
		     1);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = "
				   "'incident.create' AND actor = 'eva.est'"),
		     1, "one audit entry for the batch, as the API's");
	r = upload(est, upload_body(csrf, "sigtuna", good), NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"),
			 "/lagesbild/importera?kommun=sigtuna&sparade=0&fanns=3");
	cr_expect_eq(incidents(), 3, "a repeated upload stores nothing twice");
	r = web_get(&e, est, "/lagesbild/importera?kommun=sigtuna&sparade=0&fanns=3");
	cr_expect(web_has(r, "Filen är importerad: 0 händelser sparades, 3 fanns redan."), "%s",
		  r->body);
	r = web_get(&e, est, "/lagesbild?kommun=sigtuna&vecka=" WEEK);
	cr_expect(web_has(r, ">3 händelser<"), "%s", r->body);
	/* Not multipart, or broken: refused, nothing stored. */
	r = post(est, "/lagesbild/importera", FORM, strf(&e, "csrf=%s", csrf), NULL);
	cr_expect_eq(r->status, 415, "%s", resp_why(r));
	r = upload(est, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nx",
		   NULL);
	cr_expect_eq(r->status, 400, "%s", resp_why(r));
	cr_expect_eq(incidents(), 3);
}

/* An EST member on a phone reports an incident and sees it counted
 * (tests/web/situation.mjs): axe-core and screenshots. */
Test(web_situation, situation_in_the_browser)
{
	const char *pw = user_create(&e, "vera.est", "sigtuna");
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");

	member_add(&e, "est-sigtuna", "vera.est", "member", NULL);
	fixture(est);
	web_browser_run(&e, "situation.mjs",
			(const char *const[]){
			    "SVK_WEB_USER=vera.est",
			    strf(&e, "SVK_WEB_PASSWORD=%s", pw),
			    "SVK_WEB_WEEK=" WEEK,
			    "SVK_WEB_XSS=" XSS_PLACE,
			    NULL,
			});
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents i JOIN svk.users u ON "
				   "u.id = i.reported_by WHERE u.username = 'vera.est'"),
		     3, "the browser's incident and the two of its file, each stored once");
}
