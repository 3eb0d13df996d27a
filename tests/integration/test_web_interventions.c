/*
 * The web interface's intervention forms: adding an intervention to a
 * plan and editing one (the beredningsgrupp), with the API's concurrency
 * control, and logging an update (members of the responsible
 * organisation). Checked as a browser would post them: the rows and the
 * audit entries the API's own writes leave, who sees the links and forms,
 * the refusals (the wrong role or organisation, no form token, another
 * origin, bad input kept with its error beside its field) and that typed
 * markup comes back as text. interventions_in_the_browser then runs
 * tests/web/interventions.mjs in headless chromium.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decisions_util.h"
#include "web_util.h"

ENV_SHARED_SUITE(web_interventions, e, .timeout = 240);

#define PNR "19121212-1212"

static const char *iv_path(const char *plan, const char *id, const char *tail)
{
	return strf(&e, "/atgardsplaner/%s/insatser/%s%s", plan, id, tail);
}

/* A whole add/edit form, title and the rest as given. */
static const char *iv_form(const char *csrf, const char *version, const char *title,
			   const char *description, const char *starts, const char *due,
			   const char *progress, const char *hours)
{
	return strf(&e,
		    "csrf=%s&version=%s&title=%s&focus_area=%s&cause=%s&description=%s"
		    "&operational_goal=%s&responsible_organisation=sigtuna&responsible_role=%s"
		    "&starts_on=%s&due_on=%s&recurring=ja&status=ongoing&rag=yellow"
		    "&progress_percent=%s&hours_spent=%s",
		    csrf, version ? version : "", web_enc(&e, title), focus_area(2),
		    web_enc(&e, "Otrygghet vid busstorget"), web_enc(&e, description),
		    web_enc(&e, "Färre anmälda brott\r\nvid torget"),
		    web_enc(&e, "Trygghetssamordnare"), starts, due, web_enc(&e, progress),
		    web_enc(&e, hours));
}

static long audits(const char *action, const char *id)
{
	return sql_count(&e,
			 "SELECT count(*) FROM svk.audit WHERE action = $1 AND entity_id = $2 "
			 "AND actor = 'bo.beredning'",
			 action, id);
}

static const char *etag_of(const char *id)
{
	struct resp *r = http(&e, "GET", strf(&e, "/v1/interventions/%s", id), user(BERED), NULL);
	const char *t = resp_header(r, "ETag");

	cr_assert(t && strlen(t) > 2, "no ETag: %s", resp_why(r));
	return strf(&e, "%.*s", (int)strlen(t) - 2, t + 1);
}

Test(web_interventions, add_an_intervention)
{
	const char *plan = plan_of("sigtuna"), *tok = user(BERED), *csrf = web_csrf(&e, tok);
	struct resp *r;

	/* The link on the board, and the form, only for the beredningsgrupp. */
	r = web_get(&e, tok, strf(&e, "/atgardsplaner/%s", plan));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(
	    web_has(r, strf(&e, "href=\"/atgardsplaner/%s/insatser/ny\">Lägg till insats<", plan)),
	    "%s", r->body);
	r = web_get(&e, user(EST), strf(&e, "/atgardsplaner/%s", plan));
	cr_expect(r->status == 200 && !web_has(r, "/insatser/ny"), "%s", r->body);
	r = web_get(&e, tok, iv_path(plan, "ny", ""));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<h1>Lägg till insats</h1>") &&
		      web_has(r, strf(&e, "<option value=\"%s\">2. ", focus_area(2))) &&
		      web_has(r, "<option value=\"sigtuna\">") &&
		      web_has(r, "<option value=\"planned\" selected>Planerad</option>") &&
		      web_has(r, "name=\"starts_on\" type=\"date\"") &&
		      web_has(r, "name=\"recurring\" value=\"ja\""),
		  "%s", r->body);

	r = web_post(&e, tok, iv_path(plan, "ny", ""), NULL,
		     iv_form(csrf, NULL, "Trygghetsvandring " WEB_XSS,
			     "Vandringar med <b>föreningar</b>", "2026-01-01", "2026-12-31", "25",
			     "3,5"),
		     NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	const char *id = sql_value(&e, "SELECT id::text FROM svk.interventions WHERE title LIKE "
				       "'Trygghetsvandring %'");
	cr_assert(id, "no intervention was stored");
	cr_expect_str_eq(resp_header(r, "Location"), iv_path(plan, id, ""));
	/* The row as the API stores it, every field from the form. */
	cr_expect_str_eq(
	    sql_value(&e,
		      "SELECT concat_ws('|', i.title, i.focus_area_id, i.cause, i.description, "
		      "i.operational_goal, o.slug, i.responsible_role, i.starts_on, i.due_on, "
		      "i.recurring, i.status, i.rag, i.progress_percent, i.hours_spent) FROM "
		      "svk.interventions i JOIN svk.organisations o ON o.id = "
		      "i.responsible_organisation_id WHERE i.id = $1",
		      id),
	    strf(&e,
		 "Trygghetsvandring " WEB_XSS "|%s|Otrygghet vid busstorget|Vandringar med "
		 "<b>föreningar</b>|Färre anmälda brott\nvid torget|sigtuna|Trygghetssamordnare|"
		 "2026-01-01|2026-12-31|t|ongoing|yellow|25|3.50",
		 focus_area(2)));
	cr_expect_eq(audits("intervention.create", id), 1);

	/* Its page: the title as text, the Redigera link for the beredningsgrupp. */
	r = web_get(&e, tok, iv_path(plan, id, ""));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "&lt;script&gt;alert(1)&lt;/script&gt;") && !web_has(r, "<script") &&
		      !web_has(r, "<img src=x"),
		  "%s", r->body);
	cr_expect(
	    web_has(r, strf(&e, "href=\"%s\">Redigera insatsen<", iv_path(plan, id, "/redigera"))),
	    "%s", r->body);
	r = web_get(&e, user(EST), iv_path(plan, id, ""));
	cr_expect(r->status == 200 && !web_has(r, "/redigera"), "%s", r->body);
}

Test(web_interventions, edit_and_a_stale_edit)
{
	const char *plan = plan_of("sigtuna"), *tok = user(BERED), *csrf = web_csrf(&e, tok);
	const char *id = add_intervention(tok, plan, 1, "Föräldravandringar", "sigtuna");
	const char *old = etag_of(id), *version;
	struct resp *r;

	r = web_get(&e, tok, iv_path(plan, id, "/redigera"));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(
	    web_has(r, "<h1>Redigera insats</h1>") &&
		web_has(r, "name=\"title\" type=\"text\" required value=\"Föräldravandringar\"") &&
		web_has(r, strf(&e, "<option value=\"%s\" selected>1. ", focus_area(1))),
	    "prefilled: %s", r->body);
	version = web_hidden(&e, r, "version");
	cr_expect_str_eq(version, old, "the form's version is the API's ETag");

	r = web_post(&e, tok, iv_path(plan, id, "/redigera"), NULL,
		     iv_form(csrf, version, "Föräldravandringar i Märsta", "Fredagskvällar",
			     "2026-02-01", "", "60", "12"),
		     NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), iv_path(plan, id, ""));
	cr_expect_str_eq(
	    sql_value(&e,
		      "SELECT concat_ws('|', title, focus_area_id, description, starts_on, "
		      "coalesce(due_on::text, 'none'), status, progress_percent, "
		      "hours_spent) FROM svk.interventions WHERE id = $1",
		      id),
	    strf(&e,
		 "Föräldravandringar i Märsta|%s|Fredagskvällar|2026-02-01|none|"
		 "ongoing|60|12.00",
		 focus_area(2)));
	cr_expect_eq(audits("intervention.update", id), 1);

	/* The old version is stale now: 412, what was typed kept, the form
	 * at the current version, nothing written. */
	r = web_post(&e, tok, iv_path(plan, id, "/redigera"), NULL,
		     iv_form(csrf, version, "Min version", "Mina <i>ändringar</i>", "2026-02-01",
			     "", "70", "12"),
		     NULL);
	cr_expect_eq(r->status, 412, "%s", resp_why(r));
	cr_expect(web_has(r, "Någon annan har ändrat insatsen") &&
		      web_has(r, "value=\"Min version\"") &&
		      web_has(r, ">Mina &lt;i&gt;ändringar&lt;/i&gt;</textarea>"),
		  "%s", r->body);
	cr_expect_str_eq(web_hidden(&e, r, "version"), etag_of(id));
	cr_expect_str_eq(sql_value(&e, "SELECT title FROM svk.interventions WHERE id = $1", id),
			 "Föräldravandringar i Märsta");
	cr_expect_eq(audits("intervention.update", id), 1);
	/* Saved again at the version the page now carries: taken. */
	r = web_post(&e, tok, iv_path(plan, id, "/redigera"), NULL,
		     iv_form(csrf, web_hidden(&e, r, "version"), "Min version", "Mina ändringar",
			     "2026-02-01", "", "70", "12"),
		     NULL);
	cr_expect_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(sql_value(&e, "SELECT title FROM svk.interventions WHERE id = $1", id),
			 "Min version");
	cr_expect_eq(audits("intervention.update", id), 2);
}

Test(web_interventions, log_an_update)
{
	const char *plan = plan_of("sigtuna"), *est = user(EST), *csrf = web_csrf(&e, est);
	const char *own = add_intervention(user(BERED), plan, 1, "Trygga skolvägar", "sigtuna");
	const char *police = add_intervention(user(BERED), plan, 1, "Riktade kontroller",
					      "polisen");
	struct resp *r;

	/* The form for a member of the responsible organisation, not for others. */
	r = web_get(&e, est, iv_path(plan, own, ""));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<h2 id=\"h-logga\">Logga en uppdatering</h2>") &&
		      web_has(r, strf(&e, "action=\"%s\"", iv_path(plan, own, "/uppdateringar"))),
		  "%s", r->body);
	r = web_get(&e, est, iv_path(plan, police, ""));
	cr_expect(r->status == 200 && !web_has(r, "Logga en uppdatering"), "%s", r->body);

	r = web_post(&e, est, iv_path(plan, own, "/uppdateringar"), NULL,
		     strf(&e,
			  "csrf=%s&note=%s&status=ongoing&rag=yellow&progress_percent=40&hours=2,5"
			  "&communicated=ja&channel=%s",
			  csrf, web_enc(&e, "Första vandringen <b>hölls</b>"),
			  web_enc(&e, "Intranätet")),
		     NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), iv_path(plan, own, ""));
	cr_expect_str_eq(
	    sql_value(&e,
		      "SELECT concat_ws('|', u.note, u.status, u.rag, u.progress_percent, u.hours, "
		      "u.communicated, u.channel, a.username) FROM svk.intervention_updates u JOIN "
		      "svk.users a ON a.id = u.author_id WHERE u.intervention_id = $1",
		      own),
	    strf(&e, "Första vandringen <b>hölls</b>|ongoing|yellow|40|2.50|t|Intranätet|%s",
		 name(EST)));
	cr_expect_str_eq(
	    sql_value(&e,
		      "SELECT concat_ws('|', status, rag, progress_percent, hours_spent) "
		      "FROM svk.interventions WHERE id = $1",
		      own),
	    "ongoing|yellow|40|2.50");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'intervention.log' "
			       "AND entity_id = $1 AND actor = $2",
			       own, name(EST)),
		     1);
	r = web_get(&e, est, iv_path(plan, own, ""));
	cr_expect(web_has(r, "Första vandringen &lt;b&gt;hölls&lt;/b&gt;") &&
		      web_has(r, "Kommunicerad via Intranätet") &&
		      web_has(r, "<li>Timmar: 2,5</li>"),
		  "the log shows it: %s", r->body);

	/* Bad input: the page again, the text kept, the errors beside the fields. */
	r = web_post(&e, est, iv_path(plan, own, "/uppdateringar"), NULL,
		     strf(&e, "csrf=%s&note=&progress_percent=mycket&hours=-1&channel=%s", csrf,
			  web_enc(&e, "Kanal " WEB_XSS)),
		     NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-note\"") && web_has(r, "id=\"fel-progress_percent\"") &&
		      web_has(r, "id=\"fel-hours\"") && web_has(r, "value=\"mycket\"") &&
		      web_has(r, "value=\"Kanal &lt;script&gt;alert(1)&lt;/script&gt; "
				 "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\"") &&
		      !web_has(r, "<script") && !web_has(r, "<img src=x"),
		  "%s", r->body);
	r = web_post(&e, est, iv_path(plan, own, "/uppdateringar"), NULL,
		     strf(&e, "csrf=%s&note=%s", csrf, web_enc(&e, "Ring " PNR)), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "<p class=\"field-error\" id=\"fel-note\">Texten innehåller ett "
			     "personnummer"),
		  "%s", r->body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.intervention_updates"), 1);

	/* Another organisation's intervention: refused and audited. */
	r = web_post(&e, est, iv_path(plan, police, "/uppdateringar"), NULL,
		     strf(&e, "csrf=%s&note=Smygande", csrf), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(web_has(r, "<html lang=\"sv\">"), "%s", r->body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.intervention_updates"), 1);
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' AND "
		      "actor = $1 AND after->>'request' = "
		      "'POST /atgardsplaner/{}/insatser/{}/uppdateringar'",
		      name(EST)),
	    1);
	r = web_get(&e, est, iv_path(plan, own, "/uppdateringar"));
	cr_expect_eq(r->status, 405, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Allow"), "POST");
}

Test(web_interventions, refusals)
{
	const char *plan = plan_of("sigtuna"), *tok = user(BERED), *csrf = web_csrf(&e, tok);
	const char *est = user(EST), *est_csrf = web_csrf(&e, est);
	const char *id = add_intervention(tok, plan, 1, "Föräldravandringar", "sigtuna");
	const char *good = iv_form(csrf, NULL, "Ny insats", "Text", "2026-01-01", "", "0", "0");
	struct resp *r;

	/* Not the beredningsgrupp: 403 for the forms and the posts, audited
	 * naming the page's pattern. */
	r = web_get(&e, est, iv_path(plan, "ny", ""));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_get(&e, est, iv_path(plan, id, "/redigera"));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_post(&e, est, iv_path(plan, "ny", ""), NULL,
		     iv_form(est_csrf, NULL, "Smygande", "Text", "2026-01-01", "", "0", "0"), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_post(&e, est, iv_path(plan, id, "/redigera"), NULL,
		     iv_form(est_csrf, etag_of(id), "Smygande", "Text", "2026-01-01", "", "0", "0"),
		     NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' AND "
		      "actor = $1 AND after->>'request' IN "
		      "('GET /atgardsplaner/{}/insatser/ny', "
		      "'GET /atgardsplaner/{}/insatser/{}/redigera', "
		      "'POST /atgardsplaner/{}/insatser/ny', "
		      "'POST /atgardsplaner/{}/insatser/{}/redigera')",
		      name(EST)),
	    4);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND after::text LIKE '%' || $1 || '%'",
			       plan),
		     0, "a path was written into the audit log");

	/* No form token, another session's, another origin. */
	r = web_post(&e, tok, iv_path(plan, "ny", ""), NULL,
		     iv_form("", NULL, "Utan kod", "Text", "2026-01-01", "", "0", "0"), NULL);
	cr_expect_eq(r->status, 403, "no form token: %s", resp_why(r));
	r = web_post(&e, tok, iv_path(plan, "ny", ""), NULL,
		     iv_form(est_csrf, NULL, "Fel kod", "Text", "2026-01-01", "", "0", "0"), NULL);
	cr_expect_eq(r->status, 403, "another session's token: %s", resp_why(r));
	r = web_post(&e, tok, iv_path(plan, "ny", ""), NULL, good, "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "another origin: %s", resp_why(r));
	r = web_post(&e, tok, iv_path(plan, id, "/uppdateringar"), NULL, "note=Utan+kod", NULL);
	cr_expect_eq(r->status, 403, "a log without a token: %s", resp_why(r));
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.interventions WHERE title <> "
			       "'Föräldravandringar' AND plan_id = $1",
			       plan),
		     0, "a refused form stored an intervention");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.intervention_updates"), 0);

	/* Bad input: the form again, what was typed kept, each error beside
	 * its field. */
	r = web_post(&e, tok, iv_path(plan, "ny", ""), NULL,
		     iv_form(csrf, NULL, "", "Min text " WEB_XSS, "2026-01-01", "", "150", "tre"),
		     NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "<p class=\"field-error\" id=\"fel-title\">Ange insatsens namn") &&
		      web_has(r, "id=\"fel-progress_percent\">Ange framsteget som ett heltal") &&
		      web_has(r, "id=\"fel-hours_spent\"") &&
		      web_has(r, "aria-invalid=\"true\" aria-describedby=\"fel-title\"") &&
		      web_has(r, "value=\"150\"") && web_has(r, "value=\"tre\"") &&
		      web_has(r, ">Min text &lt;script&gt;alert(1)&lt;/script&gt;") &&
		      !web_has(r, "<script") && !web_has(r, "<img src=x") &&
		      web_has(r, strf(&e, "<option value=\"%s\" selected>2. ", focus_area(2))),
		  "%s", r->body);
	r = web_post(&e, tok, iv_path(plan, "ny", ""), NULL,
		     iv_form(csrf, NULL, "Baklänges", "Text", "2026-06-01", "2026-01-01", "0", "0"),
		     NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-due_on\">Slutdatumet får inte ligga före startdatumet.") &&
		      web_has(r, "value=\"Baklänges\""),
		  "%s", r->body);
	/* Numbers JSON has not: not numbers here either. */
	r = web_post(&e, tok, iv_path(plan, "ny", ""), NULL,
		     iv_form(csrf, NULL, "Oändlig", "Text", "2026-01-01", "", "0", "inf"), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-hours_spent\"") && web_has(r, "value=\"inf\""), "%s",
		  r->body);
	r = web_post(
	    &e, tok, iv_path(plan, "ny", ""), NULL,
	    iv_form(csrf, NULL, "Med personnummer", "Ring " PNR, "2026-01-01", "", "0", "0"), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-description\">Texten innehåller ett personnummer"), "%s",
		  r->body);
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE plan_id = $1", plan), 1,
	    "a refused form stored an intervention");

	/* Unknown ids: 404; an intervention under another plan's path too. */
	r = web_get(&e, tok, iv_path(plan_of("sollentuna"), id, "/redigera"));
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	r = web_get(&e, tok, iv_path(plan, "inget-id", "/redigera"));
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	r = web_get(&e, tok, iv_path("inget-id", "ny", ""));
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
}

/* The beredningsgrupp adds an intervention and a member of the
 * responsible organisation logs an update, in the browser
 * (tests/web/interventions.mjs): axe-core, screenshots. */
Test(web_interventions, interventions_in_the_browser)
{
	const char *bered_pw = user_create(&e, "berit.bered", "sigtuna");
	const char *est_pw = user_create(&e, "erik.est", "sigtuna");

	member_add(&e, "beredningsgrupp", "berit.bered", "member", NULL);
	member_add(&e, "est-sigtuna", "erik.est", "member", NULL);

	web_browser_run(&e, "interventions.mjs",
			(const char *const[]){
			    "SVK_WEB_BERED=berit.bered",
			    strf(&e, "SVK_WEB_BERED_PASSWORD=%s", bered_pw),
			    "SVK_WEB_EST=erik.est",
			    strf(&e, "SVK_WEB_EST_PASSWORD=%s", est_pw),
			    strf(&e, "SVK_WEB_PLAN=%s", plan_of("sigtuna")),
			    NULL,
			});
	const char *id = sql_value(&e, "SELECT id::text FROM svk.interventions WHERE title = "
				       "'Grannsamverkan i Valsta'");
	cr_assert(id, "the browser added no intervention");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.intervention_updates u JOIN svk.users a "
			       "ON a.id = u.author_id WHERE u.intervention_id = $1 AND a.username "
			       "= 'erik.est'",
			       id),
		     1);
}
