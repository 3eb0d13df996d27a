/*
 * The web interface's Uppföljning: a year's follow-up as the API's report
 * renders it (the three sections under the product's headings, the
 * statistics as tables), its CSV (the API's, byte for byte), and the form
 * that edits the texts through the API's checks, policy, SQL function and
 * audit. Checked here as a browser would ask (session cookie, form token,
 * form encoding): who sees the form, refusals that keep what was typed,
 * forged and cross-origin edits refused with 403 and nothing stored, data
 * escaped. followup_in_the_browser then runs tests/web/followup.mjs.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decisions_util.h"
#include "web_util.h"

ENV_SHARED_SUITE(web_followup, e, .timeout = 240);

#define XSS "<script>alert(1)</script> \"><img src=x onerror=alert(2)>"

static int last_year(void)
{
	return (int)strtol(sql_value(&e, "SELECT extract(year FROM svk.today())::int - 1"), NULL,
			   10);
}

static const char *form(const char *csrf, const char *version, const char *one, const char *two,
			bool oral)
{
	return strf(
	    &e, "csrf=%s&agreement=%s&version=%s&collaboration=%s&implementation=%s&results=%s%s",
	    csrf, agreement_id(), version, web_enc(&e, one), web_enc(&e, two),
	    web_enc(&e, "Resultat"), oral ? "&oral=ja" : "");
}

static struct resp *form_post(const char *tok, const char *year, const char *body,
			      const char *header)
{
	return http_send(&e,
			 &(struct http_req){ .method = "POST",
					     .path = strf(&e, "/uppfoljning/%s/redigera", year),
					     .body = body,
					     .content_type = "application/x-www-form-urlencoded",
					     .headers = { tok ? web_cookie(&e, tok) : "X-None: 1",
							  header, NULL } });
}

static const char *api_path(const char *year, const char *suffix)
{
	return strf(&e, "/v1/agreements/%s/follow-ups/%s%s", agreement_id(), year, suffix);
}

static void api_edit(const char *year, const char *collaboration)
{
	struct resp *r = http(&e, "PUT", api_path(year, ""), user(BERED),
			      jsonf(&e, "{s:s}", "collaboration", collaboration));

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
}

static void meeting(const char *group, const char *day)
{
	struct resp *r = http(&e, "POST", "/v1/meetings", user(BERED),
			      jsonf(&e, "{s:s, s:s}", "group", group, "held_on", day));

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
}

static long updates(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'follow_up.update'");
}

Test(web_followup, the_year_as_the_report_shows_it)
{
	struct resp *r;

	api_edit("2025", "Samverkan " XSS "\nRad två");
	meeting("est-sigtuna", "2025-03-04");
	meeting("est-sigtuna", "2025-03-11");

	r = web_get(&e, user(EST), "/uppfoljning");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "Kommer snart") && web_has(r, "aria-current=\"page\">Uppföljning<"),
		  "%s", r->body);
	cr_expect(web_has(r, strf(&e, "<h1>Uppföljning %d</h1>", last_year())), "%s", r->body);
	for (int y = 2023; y <= last_year() + 1 && y <= 2026; y++)
		cr_expect(web_has(r, strf(&e, "href=\"/uppfoljning/%d\"", y)), "%d: %s", y,
			  r->body);

	r = web_get(&e, user(EST), "/uppfoljning/2025");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	/* The three headings, defined once in common/vocab.h, in order. */
	const char *h1 = strstr(r->body, "<h2>1. Hur samverkansformerna upplevs fungera</h2>");
	const char *h2 = strstr(r->body, "<h2>2. Hur insatsernas genomförande har fungerat</h2>");
	const char *h3 = strstr(r->body, "<h2>3. Bedömning av det resultat som insatserna har "
					 "bidragit till</h2>");
	cr_assert(h1 && h2 && h3, "%s", r->body);
	cr_expect(h1 < h2 && h2 < h3);
	cr_expect(web_has(r, "<div class=\"text\">Samverkan &lt;script&gt;alert(1)&lt;/script&gt; "
			     "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\nRad två</div>") &&
		      !web_has(r, "<script") && !web_has(r, "<img src=x"),
		  "%s", r->body);
	cr_expect(web_has(r, "(Ingen text ännu.)"), "the empty sections: %s", r->body);
	/* The statistics as the API computes them, in tables. */
	cr_expect(web_has(r, "<h3>Möten 2025</h3>") &&
		      web_has(r,
			      "<tr><td>EST Sigtuna</td><td>Arbetsgrupp (EST)</td><td class=\"n\">2"
			      "</td>"),
		  "%s", r->body);
	cr_expect(web_has(r, "<h3>Insatser per kommun och fokusområde</h3>") &&
		      web_has(r, "<h3>Händelser 2025 jämfört med 2024</h3>") &&
		      web_has(r, "role=\"region\" tabindex=\"0\" aria-label=\"Insatser\""),
		  "%s", r->body);
	cr_expect(web_has(r, "<span class=\"status s-draft\">Utkast</span>") &&
		      web_has(r, "<dd>1 januari 2023 – 31 december 2026</dd>"),
		  "%s", r->body);
	cr_expect(web_has(r, "href=\"/uppfoljning/2025/rapport.csv\" download>"), "%s", r->body);
	cr_expect(!web_has(r, "Redigera texterna") && !web_has(r, "<textarea"),
		  "an EST member may only read: %s", r->body);

	r = web_get(&e, user(BERED), "/uppfoljning/2025");
	cr_expect(web_has(r, "href=\"/uppfoljning/2025/redigera\">Redigera texterna</a>"), "%s",
		  r->body);

	const char *const missing[] = { "/uppfoljning/2022",  "/uppfoljning/2099",
					"/uppfoljning/abcd",  "/uppfoljning/2025/x",
					"/uppfoljning/20255", "/uppfoljning/" };
	for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
		r = web_get(&e, user(EST), missing[i]);
		cr_expect_eq(r->status, 404, "%s: %s", missing[i], resp_why(r));
	}
	const char *nobody = login(&e, "nils.ingen", user_create(&e, "nils.ingen", "sigtuna"));
	r = web_get(&e, nobody, "/uppfoljning/2025");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(!web_has(r, "Samverkan &lt;script"), "%s", r->body);
	r = web_get(&e, nobody, "/uppfoljning/2025/rapport.csv");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
}

Test(web_followup, the_csv_is_the_apis)
{
	struct resp *page, *api;

	api_edit("2025", "Text");
	meeting("styrgrupp", "2025-05-05");
	page = web_get(&e, user(EST), "/uppfoljning/2025/rapport.csv");
	cr_assert_eq(page->status, 200, "%s", resp_why(page));
	cr_expect_str_eq(resp_header(page, "Content-Type"), "text/csv; charset=utf-8");
	cr_expect_str_eq(resp_header(page, "Content-Disposition"),
			 "attachment; filename=\"uppfoljning-2025.csv\"");
	api = http(&e, "GET", api_path("2025", "/report?format=csv"), user(EST), NULL);
	cr_assert_eq(api->status, 200, "%s", resp_why(api));
	cr_expect_eq(page->len, api->len);
	cr_expect(page->len == api->len && memcmp(page->body, api->body, page->len) == 0,
		  "the page's CSV is not the API's:\n%s\n%s", page->body, api->body);
	cr_expect(web_has(page, "Möten;Strategiskt samverkansforum/styrgrupp;"), "%s", page->body);
}

/* A reader whose organisation is not a party sees small counts as <3, as
 * the API shows them to that reader; a party's reader the exact ones. */
Test(web_followup, small_counts_are_suppressed_as_the_api_does)
{
	struct resp *r = http(&e, "POST", "/v1/organisations", admin_token(&e),
			      "{\"slug\":\"sigtunahem\",\"name\":\"SigtunaHem AB\","
			      "\"kind\":\"housing\",\"party\":false}");
	const char *hem;

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	hem = user_in_group(&e, "hanna.hem", "sigtunahem", "est-sigtuna", "member");
	r = http(&e, "POST", "/v1/incidents", user(EST),
		 "{\"occurred_at\":\"2025-06-01T12:00:00+02:00\",\"municipality\":\"sigtuna\","
		 "\"place\":\"Centrum\",\"category\":\"brand\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));

	r = web_get(&e, hem, "/uppfoljning/2025");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<tr><td>Sigtuna kommun</td><td>Brand</td><td class=\"n\">&lt;3</td>"),
		  "%s", r->body);
	r = web_get(&e, hem, "/uppfoljning/2025/rapport.csv");
	cr_expect(web_has(r, "Händelser;Sigtuna kommun;Brand;2025;<3\r\n"), "%s", r->body);
	r = web_get(&e, user(EST), "/uppfoljning/2025");
	cr_expect(web_has(r, "<tr><td>Sigtuna kommun</td><td>Brand</td><td class=\"n\">1</td>"),
		  "%s", r->body);
}

Test(web_followup, the_form_edits_as_the_api_does)
{
	const char *tok = user(BERED), *csrf = web_csrf(&e, tok), *version;
	struct resp *r;

	r = web_get(&e, tok, "/uppfoljning/2025/redigera");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<label for=\"f-collaboration\">1. Hur samverkansformerna upplevs "
			     "fungera</label>") &&
		      web_has(r, "<label for=\"f-results\">3. Bedömning av det resultat som "
				 "insatserna har bidragit till</label>"),
		  "%s", r->body);
	cr_expect_str_eq(web_hidden(&e, r, "agreement"), agreement_id());
	version = web_hidden(&e, r, "version");

	r = form_post(
	    tok, "2025",
	    form(csrf, version, "Samverkan i EST " XSS "\r\nRad två", "Genomförande", true), NULL);
	cr_assert_eq(r->status, 303, "%s %s", resp_why(r), r->body);
	cr_expect_str_eq(resp_header(r, "Location"), "/uppfoljning/2025");
	r = http(&e, "GET", api_path("2025", ""), user(EST), NULL);
	cr_expect_str_eq(resp_str(r, "collaboration"), "Samverkan i EST " XSS "\nRad två");
	cr_expect_str_eq(resp_str(r, "implementation"), "Genomförande");
	cr_expect(resp_get(r, "oral") == json_true());
	cr_expect_eq(updates(), 1);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'follow_up.update' "
			       "AND actor = $1 AND entity_id = $2 AND after->>'oral' = 'true'",
			       name(BERED), strf(&e, "%s/2025", agreement_id())),
		     1, "not the API's audit entry");

	/* The old version is stale now: 412, the texts kept, the form at the
	 * current version. */
	r = form_post(tok, "2025", form(csrf, version, "Min version", "Annat", false), NULL);
	cr_expect_eq(r->status, 412, "%s", resp_why(r));
	cr_expect(web_has(r, "Någon annan har ändrat uppföljningen") &&
		      web_has(r, ">Min version</textarea>"),
		  "%s", r->body);
	cr_expect_str_neq(web_hidden(&e, r, "version"), version);
	cr_expect_str_eq(
	    web_hidden(&e, r, "version"),
	    sql_value(&e, "SELECT svk.follow_up_etag($1::uuid, 2025)", agreement_id()));
	cr_expect_eq(updates(), 1);

	/* Too long, and a personnummer: the field named, the rest kept. */
	char *big = calloc(50002, 1);
	cr_assert(big);
	memset(big, 'a', 50001);
	r = form_post(tok, "2025", form(csrf, "", "Kort text", big, false), NULL);
	free(big);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(
	    web_has(r, "<p class=\"field-error\" id=\"fel-implementation\">Texten är för lång") &&
		web_has(r, "aria-invalid=\"true\" aria-describedby=\"fel-implementation\"") &&
		web_has(r, ">Kort text</textarea>"),
	    "%s", r->body);
	r = form_post(tok, "2025", form(csrf, "", "Gäller 811218-9876", "", false), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-collaboration\">Texten innehåller ett personnummer"), "%s",
		  r->body);
	cr_expect_eq(updates(), 1);

	/* Awaiting the styrgrupp's decision, the texts are frozen; adopted,
	 * read-only. */
	const char *prop = create(tok, jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement",
					     agreement_id(), "kind", "follow_up", "title",
					     "Uppföljning 2025", "follow_up_year", 2025));
	submit_ok(tok, prop);
	r = form_post(tok, "2025", form(csrf, "", "Sent ändrad", "", false), NULL);
	cr_expect_eq(r->status, 409, "%s", resp_why(r));
	cr_expect(web_has(r, "väntar på styrgruppens beslut") &&
		      web_has(r, ">Sent ändrad</textarea>"),
		  "%s", r->body);
	for (int org = POLISEN; org < N_PARTIES; org++)
		decide_ok(director(org), prop, "approve", NULL);
	r = web_get(&e, tok, "/uppfoljning/2025");
	cr_expect(web_has(r, "<dd>Antagen ") && !web_has(r, "Redigera texterna"), "%s", r->body);
	r = web_get(&e, tok, "/uppfoljning/2025/redigera");
	cr_expect_eq(r->status, 409, "%s", resp_why(r));
	r = form_post(tok, "2025", form(csrf, "", "Efteråt", "", false), NULL);
	cr_expect_eq(r->status, 409, "%s", resp_why(r));
	cr_expect_eq(updates(), 1);
}

Test(web_followup, forged_and_cross_origin_edits_are_refused)
{
	const char *csrf = web_csrf(&e, user(BERED)), *est_csrf = web_csrf(&e, user(EST));
	struct resp *r;

	/* One who may only read sees no form and may not post one. */
	r = web_get(&e, user(EST), "/uppfoljning/2025/redigera");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(!web_has(r, "<textarea"), "%s", r->body);
	r = form_post(user(EST), "2025", form(est_csrf, "", "Smygande", "", false), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = $1 AND after->>'request' IN "
			       "('GET /uppfoljning/{}/redigera', 'POST /uppfoljning/{}/redigera')",
			       name(EST)),
		     2);

	r = form_post(user(BERED), "2025", form("", "", "Utan kod", "", false), NULL);
	cr_expect_eq(r->status, 403, "no form token: %s", resp_why(r));
	r = form_post(user(BERED), "2025", form(est_csrf, "", "Fel kod", "", false), NULL);
	cr_expect_eq(r->status, 403, "another session's token: %s", resp_why(r));
	r = form_post(user(BERED), "2025", form(csrf, "", "Annan sajt", "", false),
		      "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "another origin: %s", resp_why(r));
	r = form_post(user(BERED), "2025", form(csrf, "", "Annan sajt", "", false),
		      "Sec-Fetch-Site: cross-site");
	cr_expect_eq(r->status, 403, "cross-site: %s", resp_why(r));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.follow_ups"), 0,
		     "a refused form stored a follow-up");
	cr_expect_eq(updates(), 0);

	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = "/uppfoljning/2025",
					      .body = "x=1",
					      .content_type = "application/x-www-form-urlencoded",
					      .headers = { web_cookie(&e, user(BERED)), NULL } });
	cr_expect_eq(r->status, 405, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Allow"), "GET");
}

/* Editing a section in the browser (tests/web/followup.mjs): axe-core on
 * each state, screenshots at desktop and phone width, the printed page. */
Test(web_followup, followup_in_the_browser)
{
	const char *pw = user_create(&e, "bea.beredning", "sigtuna");

	member_add(&e, "beredningsgrupp", "bea.beredning", "member", NULL);
	api_edit("2025", "Samverkan " XSS);
	meeting("est-sigtuna", "2025-03-04");

	web_browser_run(&e, "followup.mjs",
			(const char *const[]){
			    "SVK_WEB_USER=bea.beredning",
			    strf(&e, "SVK_WEB_PASSWORD=%s", pw),
			    NULL,
			});
	cr_expect_str_eq(
	    sql_value(&e, "SELECT implementation FROM svk.follow_ups WHERE year = 2025"),
	    "Insatserna genomfördes enligt plan.\nTvå blev försenade.");
}
