/*
 * The web interface's Möten: the list of meetings (the API's statement,
 * cursor and group filter) and the form that records one. Checked here as
 * a browser would ask (session cookie, form token, form encoding): who
 * sees which groups in the form, that a meeting recorded through it is the
 * API's (the same row, the same audit entry), that every refusal keeps
 * what was typed and names its field, that forged and cross-origin posts
 * are refused with 403 and store nothing, that data is escaped and the
 * list pages. meetings_in_the_browser then runs tests/web/meetings.mjs.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decisions_util.h"
#include "web_util.h"

ENV_SHARED_SUITE(web_meetings, e, .timeout = 240);

#define XSS "<script>alert(1)</script> \"><img src=x onerror=alert(2)>"

/* The form's body as a browser encodes it; attendees a list "a,b". */
static const char *form(const char *csrf, const char *group, const char *held_on,
			const char *attendees, const char *decisions, const char *minutes)
{
	const char *body = strf(&e,
				"csrf=%s&group=%s&held_on=%s&decisions=%s&focus_places=%s"
				"&minutes=%s",
				csrf, web_enc(&e, group), web_enc(&e, held_on),
				web_enc(&e, decisions), web_enc(&e, "Märsta centrum\r\nValsta"),
				web_enc(&e, minutes));
	char *list = strf(&e, "%s", attendees), *save = NULL;

	for (char *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save))
		body = strf(&e, "%s&attendees=%s", body, web_enc(&e, a));
	return body;
}

static struct resp *form_post(const char *tok, const char *body, const char *header)
{
	return http_send(&e,
			 &(struct http_req){ .method = "POST",
					     .path = "/moten",
					     .body = body,
					     .content_type = "application/x-www-form-urlencoded",
					     .headers = { tok ? web_cookie(&e, tok) : "X-None: 1",
							  header, NULL } });
}

static long meetings(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.meetings");
}

static const char *api_meeting(const char *tok, const char *group, const char *held_on,
			       const char *minutes)
{
	struct resp *r = http(&e, "POST", "/v1/meetings", tok,
			      jsonf(&e, "{s:s, s:s, s:[s], s:s, s:[s], s:[]}", "group", group,
				    "held_on", held_on, "attendees", "sigtuna", "minutes", minutes,
				    "decisions", "Beslut " XSS, "focus_places"));

	cr_assert_eq(r->status, 201, "record %s %s: %s", group, held_on, resp_why(r));
	return strf(&e, "%s", resp_str(r, "id"));
}

Test(web_meetings, the_list_and_who_may_record)
{
	struct resp *r;

	api_meeting(user(EST), "est-sigtuna", "2025-12-04", "Anteckning " XSS);
	api_meeting(user(STYR), "styrgrupp", "2025-11-20", "");

	r = web_get(&e, user(EST), "/moten");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "Kommer snart") && web_has(r, "aria-current=\"page\">Möten<"), "%s",
		  r->body);
	cr_expect(web_has(r, "EST Sigtuna, 4 december 2025 <span class=\"week\">(v. 49)</span>"),
		  "%s", r->body);
	cr_expect(web_has(r, "20 november 2025 <span class=\"week\">(v. 47)</span>"), "%s",
		  r->body);
	cr_expect(
	    web_has(r, sql_value(&e, "SELECT name FROM svk.organisations WHERE slug = 'sigtuna'")),
	    "the attendees by name: %s", r->body);
	cr_expect(
	    web_has(r, "Anteckning &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img") &&
		web_has(r, "<li>Beslut &lt;script&gt;") && !web_has(r, "<script") &&
		!web_has(r, "<img src=x"),
	    "not escaped: %s", r->body);
	/* The EST member's form offers their own group only. */
	cr_expect(web_has(r, "action=\"/moten\"") && web_has(r, ">Registrera mötet</button>"), "%s",
		  r->body);
	cr_expect(web_has(r, "<option value=\"est-sigtuna\" selected>EST Sigtuna</option>"), "%s",
		  r->body);
	cr_expect_eq(web_count(r->body, "<option value=\"") - web_count(r->body, "name=\"grupp\"") -
			 5 /* the filter's groups */,
		     1, "the form offers other groups: %s", r->body);
	cr_expect(web_has(r, "<label for=\"f-held_on\">Datum</label>") &&
		      web_has(r, "legend>Närvarande organisationer</legend>"),
		  "%s", r->body);

	/* The beredningsgrupp records for every group. */
	r = web_get(&e, user(BERED), "/moten");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<option value=\"\">Välj grupp</option>"), "%s", r->body);
	cr_expect_eq(web_count(r->body, "<option value=\"styrgrupp\""), 2, "%s", r->body);
	cr_expect_eq(web_count(r->body, "<option value=\"est-sollentuna\""), 2, "%s", r->body);

	/* A user in no group may neither read nor record. */
	const char *nobody = login(&e, "nils.ingen", user_create(&e, "nils.ingen", "sigtuna"));
	r = web_get(&e, nobody, "/moten");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(!web_has(r, "Registrera") && !web_has(r, "EST Sigtuna") &&
		      !web_has(r, "Anteckning"),
		  "%s", r->body);
	r = form_post(nobody, form(web_csrf(&e, nobody), "est-sigtuna", "2025-12-01", "", "", ""),
		      NULL);
	cr_expect_eq(r->status, 403, "a forged form: %s", resp_why(r));
	cr_expect(!web_has(r, "<form class=\"record\""), "%s", r->body);
	cr_expect_eq(meetings(), 2);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'nils.ingen' AND after->>'request' IN "
			       "('GET /moten', 'POST /moten')"),
		     2);
}

Test(web_meetings, a_meeting_recorded_through_the_form_is_the_apis)
{
	const char *tok = user(EST), *csrf = web_csrf(&e, tok), *id;
	struct resp *r;

	r = form_post(tok,
		      form(csrf, "est-sigtuna", "2025-12-04", "sigtuna,polisen",
			   "Mer belysning vid stationen\r\n\r\n  Kameror " XSS "\r\n",
			   "Rad ett\r\nRad två"),
		      NULL);
	cr_assert_eq(r->status, 303, "%s %s", resp_why(r), r->body);
	id = sql_value(&e, "SELECT id::text FROM svk.meetings");
	cr_expect_str_eq(resp_header(r, "Location"), strf(&e, "/moten?registrerat=%s", id));

	r = http(&e, "GET", strf(&e, "/v1/meetings/%s", id), user(BERED), NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "group"), "est-sigtuna");
	cr_expect_str_eq(resp_str(r, "held_on"), "2025-12-04");
	cr_expect_str_eq(resp_str(r, "attendees.0"), "polisen");
	cr_expect_str_eq(resp_str(r, "attendees.1"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "decisions.0"), "Mer belysning vid stationen");
	cr_expect_str_eq(resp_str(r, "decisions.1"), "Kameror " XSS);
	cr_expect_eq(json_array_size(resp_get(r, "decisions")), 2);
	cr_expect_str_eq(resp_str(r, "focus_places.1"), "Valsta");
	cr_expect_str_eq(resp_str(r, "minutes"), "Rad ett\nRad två");
	cr_expect_str_eq(resp_str(r, "recorded_by"), name(EST));

	/* The same audit entry as a meeting recorded through the API. */
	api_meeting(user(BERED), "est-sigtuna", "2025-12-11", "");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'meeting.create'"), 2);
	cr_expect_eq(sql_count(&e, "SELECT count(DISTINCT (SELECT string_agg(k, ',' ORDER BY k) "
				   "FROM jsonb_object_keys(after) k)) FROM svk.audit "
				   "WHERE action = 'meeting.create'"),
		     1, "the form's audit entry differs from the API's");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'meeting.create' "
			       "AND entity_id = $1 AND actor = $2",
			       id, name(EST)),
		     1);

	/* The list the form answers with shows it. */
	r = web_get(&e, tok, strf(&e, "/moten?registrerat=%s", id));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<h2>Mötet är registrerat</h2>") && web_has(r, "4 december 2025") &&
		      web_has(r, "<li>Kameror &lt;script&gt;"),
		  "%s", r->body);
}

Test(web_meetings, refusals_keep_what_was_typed)
{
	const char *tok = user(EST), *csrf = web_csrf(&e, tok);
	struct resp *r;

	/* No date: the field says so, the rest is kept, escaped. */
	r = form_post(tok, form(csrf, "est-sigtuna", "", "polisen", "Beslut ett", "Text " XSS),
		      NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(
	    web_has(r, "<p class=\"field-error\" id=\"fel-held_on\">Ange vilken dag mötet hölls"),
	    "%s", r->body);
	cr_expect(web_has(r, "id=\"f-held_on\" name=\"held_on\" type=\"date\"") &&
		      web_has(r, "aria-invalid=\"true\" aria-describedby=\"fel-held_on\""),
		  "%s", r->body);
	cr_expect(web_has(r, ">Text &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x "
			     "onerror=alert(2)&gt;</textarea>"),
		  "the minutes are not kept: %s", r->body);
	cr_expect(web_has(r, ">Beslut ett</textarea>") && web_has(r, "value=\"polisen\" checked") &&
		      !web_has(r, "value=\"sigtuna\" checked"),
		  "%s", r->body);
	cr_expect(!web_has(r, "<script") && !web_has(r, "<img src=x"), "%s", r->body);

	/* A day still to come: the database's refusal, on its field. */
	r = form_post(tok, form(csrf, "est-sigtuna", "2099-01-01", "", "", "Framtid"), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-held_on\">Datumet får inte ligga i framtiden.") &&
		      web_has(r, "value=\"2099-01-01\""),
		  "%s", r->body);

	/* A personal identity number is not stored. */
	r = form_post(tok, form(csrf, "est-sigtuna", "2025-12-04", "", "", "Gäller 19811218-9876"),
		      NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-minutes\">Texten innehåller ett personnummer"), "%s",
		  r->body);

	/* Twice on one day: the conflict, on the date. */
	api_meeting(tok, "est-sigtuna", "2025-12-04", "");
	r = form_post(tok, form(csrf, "est-sigtuna", "2025-12-04", "", "", "Igen"), NULL);
	cr_expect_eq(r->status, 409, "%s", resp_why(r));
	cr_expect(
	    web_has(r, "id=\"fel-held_on\">Ett möte för gruppen den dagen är redan registrerat"),
	    "%s", r->body);

	/* A group the EST member is not in: 403, audited, kept. */
	long refused = audit_refusals(&e, name(EST));
	r = form_post(tok, form(csrf, "styrgrupp", "2025-12-02", "", "", "Smygande"), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-group\">Du har inte behörighet att registrera möten för den "
			     "gruppen."),
		  "%s", r->body);
	cr_expect(web_has(r, ">Smygande</textarea>"), "%s", r->body);
	cr_expect_eq(audit_refusals(&e, name(EST)), refused + 1);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = $1 AND after->>'request' = 'POST /moten' "
			       "AND after->>'reason' LIKE 'requires membership of that group%'",
			       name(EST)),
		     1);
	cr_expect_eq(meetings(), 1, "a refused form stored a meeting");
}

Test(web_meetings, forged_and_cross_origin_forms_are_refused)
{
	const char *tok = user(BERED), *csrf = web_csrf(&e, tok);
	const char *good = form(csrf, "est-sigtuna", "2025-12-04", "", "", "");
	struct resp *r;

	r = form_post(tok, form("", "est-sigtuna", "2025-12-04", "", "", ""), NULL);
	cr_expect_eq(r->status, 403, "no form token: %s", resp_why(r));
	r = form_post(tok, form(web_csrf(&e, user(EST)), "est-sigtuna", "2025-12-04", "", "", ""),
		      NULL);
	cr_expect_eq(r->status, 403, "another session's form token: %s", resp_why(r));
	r = form_post(tok, good, "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "another origin: %s", resp_why(r));
	r = form_post(tok, good, "Sec-Fetch-Site: cross-site");
	cr_expect_eq(r->status, 403, "a cross-site form: %s", resp_why(r));
	r = form_post(NULL, good, NULL);
	cr_expect_eq(r->status, 303, "signed out: %s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/logga-in");
	cr_expect_eq(meetings(), 0, "a refused form stored a meeting");
	r = form_post(tok, good, NULL);
	cr_expect_eq(r->status, 303, "the real form: %s", resp_why(r));
	cr_expect_eq(meetings(), 1);

	r = http_send(&e, &(struct http_req){ .method = "DELETE",
					      .path = "/moten",
					      .headers = { web_cookie(&e, tok), NULL } });
	cr_expect_eq(r->status, 405, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Allow"), "GET, POST");
}

Test(web_meetings, the_list_pages_with_the_apis_cursor)
{
	struct resp *r;
	const char *next;

	for (int i = 0; i < 24; i++)
		api_meeting(user(BERED), "est-sollentuna",
			    strf(&e, "2025-%02d-%02d", 1 + i / 4, 1 + (i % 4) * 7), "");
	api_meeting(user(BERED), "styrgrupp", "2025-10-02", "Styrgruppens möte");

	r = web_get(&e, user(EST), "/moten");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(web_count(r->body, "<li class=\"meeting\""), 20, "%s", r->body);
	next = strstr(r->body, "<a rel=\"next\" href=\"/moten?cursor=");
	cr_assert(next, "no Nästa sida: %s", r->body);
	cr_expect(web_has(r, "\">Nästa sida</a>") && !web_has(r, "Första sidan"), "%s", r->body);
	next = strf(&e, "%.*s", (int)strcspn(next + 20, "\""), next + 20);
	cr_expect_str_eq(next, strf(&e, "/moten?cursor=%s",
				    sql_value(&e, "SELECT m.seq::text FROM svk.meetings m ORDER BY "
						  "m.seq OFFSET 19 LIMIT 1")));

	r = web_get(&e, user(EST), next);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(web_count(r->body, "<li class=\"meeting\""), 5, "%s", r->body);
	cr_expect(web_has(r, "Styrgruppens möte") && web_has(r, ">Första sidan</a>") &&
		      !web_has(r, "Nästa sida"),
		  "%s", r->body);

	/* One group's meetings, as GET /v1/meetings?group= gives them. */
	r = web_get(&e, user(EST), "/moten?grupp=styrgrupp");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(web_count(r->body, "<li class=\"meeting\""), 1, "%s", r->body);
	cr_expect(web_has(r, "<option value=\"styrgrupp\" selected>"), "%s", r->body);
	r = web_get(&e, user(EST), "/moten?cursor=x");
	cr_expect_eq(r->status, 400, "%s", resp_why(r));
	r = web_get(&e, user(EST), "/moten?grupp=%3Cscript%3E");
	cr_expect_eq(r->status, 400, "%s", resp_why(r));
}

/* Recording a meeting in the browser (tests/web/meetings.mjs): axe-core
 * on each state, screenshots at desktop and phone width. */
Test(web_meetings, meetings_in_the_browser)
{
	const char *pw = user_create(&e, "mira.moten", "sigtuna");

	member_add(&e, "est-sigtuna", "mira.moten", "member", NULL);
	api_meeting(user(STYR), "styrgrupp", "2025-11-20", "Anteckning " XSS);

	web_browser_run(&e, "meetings.mjs",
			(const char *const[]){
			    "SVK_WEB_USER=mira.moten",
			    strf(&e, "SVK_WEB_PASSWORD=%s", pw),
			    NULL,
			});
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.meetings m JOIN svk.groups g "
				   "ON g.id = m.group_id WHERE g.slug = 'est-sigtuna' "
				   "AND m.held_on = '2025-12-01' AND m.decisions = "
				   "ARRAY['Fler vandringar vid stationen']"),
		     1, "the browser's meeting is not stored");
}
