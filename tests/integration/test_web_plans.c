/*
 * The web interface's Åtgärdsplaner: the list of plans, a plan's board
 * and an intervention's page, read through the API's statements under its
 * right. Checked here as a browser would ask (the session cookie): what
 * each page shows, that data is escaped, unknown ids are 404 and a user
 * without a group sees nothing. plans_in_the_browser then runs
 * tests/web/plans.mjs in headless chromium (axe-core, screenshots at
 * desktop and phone width, the print stylesheet).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decisions_util.h"
#include "web_util.h"

ENV_SHARED_SUITE(web_plans, e, .timeout = 240);

#define XSS_TITLE "<script>alert(1)</script> Trygghetsvandring \"><img src=x onerror=alert(2)>"
#define NO_ID "00000000-0000-4000-8000-000000000000"

static const char *org_name(const char *slug)
{
	return sql_value(&e, "SELECT name FROM svk.organisations WHERE slug = $1", slug);
}

/* An intervention with every Brå field, due on due (NULL: none). */
static const char *full_intervention(const char *plan, int ordinal, const char *title,
				     const char *org, const char *due)
{
	struct resp *r = http(
	    &e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), user(BERED),
	    jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "title", title,
		  "focus_area", focus_area(ordinal), "responsible_organisation", org,
		  "responsible_role", "Trygghetssamordnare <i>kommun</i>", "cause",
		  "Otrygghet kring stationen kvällstid", "description",
		  "Vandringar varannan vecka med <b>föreningar</b>", "operational_goal",
		  "Minst 20 vandringar under året", "starts_on", "2020-01-01", "due_on", due));

	cr_assert_eq(r->status, 201, "add intervention %s: %s", title, resp_why(r));
	return strf(&e, "%s", resp_str(r, "id"));
}

static void log_update(const char *id, const char *body)
{
	struct resp *r = http(&e, "POST", strf(&e, "/v1/interventions/%s/updates", id), user(BERED),
			      body);

	cr_assert_eq(r->status, 201, "log update: %s", resp_why(r));
}

/* What the browser test and the page test share: a board for Sigtuna
 * with an overdue intervention (markup in its title), a red one with two
 * logged updates, and one under another focus area. */
struct plan_seed {
	const char *plan, *late, *red, *third;
};

static struct plan_seed seed(void)
{
	struct plan_seed s = { .plan = plan_of("sigtuna") };

	s.late = full_intervention(s.plan, 1, XSS_TITLE, "sigtuna", "2020-06-30");
	s.red = full_intervention(s.plan, 1, "Lägesbild för skolorna", "polisen", "2099-12-31");
	s.third = add_intervention(user(BERED), s.plan, 3, "Föräldravandringar", "sigtuna");
	log_update(s.red, "{\"note\":\"Första mötet hölls\",\"status\":\"ongoing\","
			  "\"progress_percent\":20,\"hours\":3.5}");
	log_update(s.red, "{\"note\":\"Rektorerna svarar inte <b>alls</b>\",\"rag\":\"red\","
			  "\"communicated\":true,\"channel\":\"Intranätet\"}");
	return s;
}

Test(web_plans, the_list_and_the_board)
{
	struct plan_seed s = seed();
	struct resp *r;

	r = web_get(&e, user(EST), "/atgardsplaner");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "Kommer snart"), "%s", r->body);
	cr_expect(web_has(r, "aria-current=\"page\">Åtgärdsplaner<"), "%s", r->body);
	/* One row per municipality's plan, each linking to its board. */
	for (const char *const *m =
		 (const char *const[]){ "sollentuna", "upplands-vasby", "sigtuna", NULL };
	     *m; m++)
		cr_expect(web_has(r, strf(&e, "href=\"/atgardsplaner/%s\"", plan_of(*m))), "%s: %s",
			  *m, r->body);
	cr_expect(web_has(r, strf(&e, ">%s<", org_name("sigtuna"))), "%s", r->body);
	cr_expect(web_has(r, "<td data-label=\"Försenade\">1</td>"), "%s", r->body);

	r = web_get(&e, user(EST), strf(&e, "/atgardsplaner/%s", s.plan));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(
	    web_has(r,
		    "&lt;script&gt;alert(1)&lt;/script&gt; Trygghetsvandring &quot;&gt;&lt;img") &&
		!web_has(r, "<script") && !web_has(r, "<img src=x"),
	    "the title is not escaped: %s", r->body);
	cr_expect(web_has(r, "Trygghetssamordnare &lt;i&gt;kommun&lt;/i&gt;"), "%s", r->body);
	/* The words beside the colours, and the overdue one marked. */
	cr_expect(web_has(r, "<span class=\"rag rag-red\"><span class=\"dot\" aria-hidden=\"true\">"
			     "</span>Röd</span>"),
		  "%s", r->body);
	cr_expect(web_has(r, ">Grön</span>") && web_has(r, "Pågående") && web_has(r, "Planerad"),
		  "%s", r->body);
	cr_expect(web_has(r, "30 juni 2020 <strong class=\"overdue\">Försenad</strong>"), "%s",
		  r->body);
	cr_expect(!web_has(r, "31 december 2099 <strong"), "a future due date is not overdue");
	cr_expect(web_has(r, "3 insatser") && web_has(r, "1 försenad."), "%s", r->body);
	/* Grouped by focus area in order, the empty ones said so. */
	const char *a1 = strstr(r->body, "id=\"fa-1\""), *a2 = strstr(r->body, "id=\"fa-2\"");
	const char *a3 = strstr(r->body, "id=\"fa-3\""), *third = strstr(r->body, s.third);
	cr_assert(a1 && a2 && a3 && third, "%s", r->body);
	cr_expect(a1 < a2 && a2 < a3 && third > a3, "the focus areas are out of order");
	cr_expect(strstr(r->body, s.late) < strstr(r->body, s.red), "earliest due first");
	cr_expect(web_has(r, strf(&e, "href=\"/atgardsplaner/%s/insatser/%s\"", s.plan, s.red)),
		  "%s", r->body);
	cr_expect(web_has(r, "Inga insatser under fokusområdet."), "%s", r->body);
	cr_expect(web_has(r, "<dt>Status</dt><dd>Utkast</dd>") &&
		      web_has(r, "<dt>Version</dt><dd>1</dd>"),
		  "%s", r->body);
	/* The last update's date, in Swedish. */
	cr_expect(
	    web_has(r,
		    strf(&e, "<td data-label=\"Senaste uppdatering\">%s</td>",
			 sql_value(&e, "SELECT extract(day FROM max(created_at) AT TIME ZONE "
				       "'Europe/Stockholm')::int || ' ' || "
				       "(ARRAY['januari','februari','mars','april','maj','juni',"
				       "'juli','augusti','september','oktober','november',"
				       "'december'])[extract(month FROM max(created_at) AT TIME "
				       "ZONE 'Europe/Stockholm')::int] || ' ' || extract(year FROM "
				       "max(created_at) AT TIME ZONE 'Europe/Stockholm')::int "
				       "FROM svk.intervention_updates"))),
	    "%s", r->body);
	cr_expect(web_has(r, "Ingen ännu"), "%s", r->body);
}

Test(web_plans, the_intervention_page)
{
	struct plan_seed s = seed();
	struct resp *r;

	r = web_get(&e, user(STYR), strf(&e, "/atgardsplaner/%s/insatser/%s", s.red, s.red));
	cr_expect_eq(r->status, 404, "an intervention under another plan: %s", resp_why(r));
	r = web_get(&e, user(STYR), strf(&e, "/atgardsplaner/%s/insatser/%s", s.plan, s.red));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<h1>Lägesbild för skolorna</h1>"), "%s", r->body);
	cr_expect(web_has(r, "Otrygghet kring stationen kvällstid") &&
		      web_has(r, "Vandringar varannan vecka med &lt;b&gt;föreningar&lt;/b&gt;") &&
		      web_has(r, "Minst 20 vandringar under året") &&
		      web_has(r, "<dt>Startdatum</dt><dd>1 januari 2020</dd>") &&
		      web_has(r, "<dt>Slutdatum</dt><dd>31 december 2099</dd>") &&
		      web_has(r, "<dt>Nedlagda timmar</dt><dd>3,5</dd>") &&
		      web_has(r, "<dt>Framsteg</dt><dd>20 %</dd>"),
		  "the Brå fields: %s", r->body);
	cr_expect(web_has(r, strf(&e, "<dd>%s</dd>", org_name("polisen"))), "%s", r->body);
	/* The log, newest first, escaped. */
	const char *newer = strstr(r->body, "Rektorerna svarar inte &lt;b&gt;alls&lt;/b&gt;");
	const char *older = strstr(r->body, "Första mötet hölls");
	cr_assert(newer && older, "%s", r->body);
	cr_expect(newer < older, "the log is not newest first");
	cr_expect(web_has(r, "Kommunicerad via Intranätet") && web_has(r, "<li>Timmar: 3,5</li>") &&
		      web_has(r, "bo.beredning"),
		  "%s", r->body);

	r = web_get(&e, user(STYR), strf(&e, "/atgardsplaner/%s/insatser/%s", s.plan, s.late));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<h1>&lt;script&gt;alert(1)&lt;/script&gt; Trygghetsvandring") &&
		      !web_has(r, "<script") && !web_has(r, "<img src=x"),
		  "%s", r->body);
	cr_expect(web_has(r, "<strong class=\"overdue\">Försenad</strong>") &&
		      web_has(r, "Inga uppdateringar har loggats ännu."),
		  "%s", r->body);
}

Test(web_plans, unknown_ids_and_who_may_see)
{
	struct plan_seed s = seed();
	struct resp *r;
	const char *const missing[] = {
		"/atgardsplaner/" NO_ID,
		"/atgardsplaner/inget-id",
		"/atgardsplaner/" NO_ID "/insatser/" NO_ID,
		strf(&e, "/atgardsplaner/%s/insatser/%s", s.plan, NO_ID),
		strf(&e, "/atgardsplaner/%s/insatser/inget-id", s.plan),
		strf(&e, "/atgardsplaner/%s/x", s.plan),
		strf(&e, "/atgardsplaner/%s/insatser/%s/x", s.plan, s.red),
		"/atgardsplaner/",
	};

	for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
		r = web_get(&e, user(EST), missing[i]);
		cr_expect_eq(r->status, 404, "%s: %s", missing[i], resp_why(r));
		cr_expect(web_has(r, "<html lang=\"sv\">") && !web_has(r, "problem"), "%s: %s",
			  missing[i], r->body);
	}
	r = web_get(&e, user(EST), "/atgardsplaner?cursor=x");
	cr_expect_eq(r->status, 400, "%s", resp_why(r));
	r = http_send(&e, &(struct http_req){
			      .method = "POST",
			      .path = strf(&e, "/atgardsplaner/%s", s.plan),
			      .body = "x=1",
			      .content_type = "application/x-www-form-urlencoded",
			      .headers = { strf(&e, "Cookie: svk_session=%s", user(EST)), NULL } });
	cr_expect_eq(r->status, 405, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Allow"), "GET");

	/* Signed out: to the sign-in page. */
	r = http_send(&e, &(struct http_req){ .path = strf(&e, "/atgardsplaner/%s", s.plan) });
	cr_expect_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/logga-in");

	/* A user in no group may not read shared data: not on the API, not
	 * on the pages. */
	const char *nobody = login(&e, "nils.ingen", user_create(&e, "nils.ingen", "sigtuna"));
	r = http(&e, "GET", "/v1/action-plans", nobody, NULL);
	cr_expect_eq(r->status, 403, "the API: %s", resp_why(r));
	const char *const pages[] = {
		"/atgardsplaner",
		strf(&e, "/atgardsplaner/%s", s.plan),
		strf(&e, "/atgardsplaner/%s/insatser/%s", s.plan, s.red),
	};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		r = web_get(&e, nobody, pages[i]);
		cr_expect_eq(r->status, 403, "%s: %s", pages[i], resp_why(r));
		cr_expect(!web_has(r, "Lägesbild för skolorna") &&
			      !web_has(r, "Trygghetsvandring") && !web_has(r, "Rektorerna"),
			  "%s: %s", pages[i], r->body);
	}
	/* Each refusal audited, naming the page's pattern, never its path. */
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'nils.ingen' AND after->>'request' IN "
			       "('GET /atgardsplaner', 'GET /atgardsplaner/{}', "
			       "'GET /atgardsplaner/{}/insatser/{}')"),
		     3);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND after::text LIKE '%' || $1 || '%'",
			       s.plan),
		     0, "a path was written into the audit log");
}

/* The list, a board and an intervention in the browser
 * (tests/web/plans.mjs): axe-core, screenshots, the print stylesheet. */
Test(web_plans, plans_in_the_browser)
{
	const char *pw = user_create(&e, "vera.visning", "sigtuna");

	member_add(&e, "est-sigtuna", "vera.visning", "member", NULL);
	struct plan_seed s = seed();

	web_browser_run(&e, "plans.mjs",
			(const char *const[]){
			    "SVK_WEB_USER=vera.visning",
			    strf(&e, "SVK_WEB_PASSWORD=%s", pw),
			    strf(&e, "SVK_WEB_PLAN=%s", s.plan),
			    strf(&e, "SVK_WEB_LATE=%s", s.late),
			    strf(&e, "SVK_WEB_RED=%s", s.red),
			    "SVK_WEB_LATE_TITLE=" XSS_TITLE,
			    NULL,
			});
}
