/*
 * Proposals written in the browser: the beredningsgrupp's form for each of
 * the four kinds, a draft's edit, and Lämna in and Dra tillbaka on the
 * proposal's page. Checked here as a browser would send them (cookie,
 * form token, form encoding): what the form stores is what the API stores
 * (the same row, the same audit entry), every refusal the API makes is
 * made and shown in Swedish beside its field with what was typed kept,
 * and users outside the beredningsgrupp, forged and cross-origin forms are
 * refused with 403 and nothing stored. proposals_in_the_browser then runs
 * tests/web/proposals.mjs in headless chromium.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decisions_util.h"
#include "web_util.h"

ENV_SHARED_SUITE(web_proposals, e, .timeout = 240);

static long proposals(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.proposals");
}

/* The form's common fields, encoded as a browser does; more appended. */
static const char *fields(const char *csrf, const char *kind, const char *title, const char *more)
{
	return strf(&e,
		    "csrf=%s&kind=%s&agreement=%s&title=%s&proposal_text=%s&background=%s"
		    "&focus_area=%s%s",
		    csrf, kind, agreement_id(), web_enc(&e, title),
		    web_enc(&e, "Styrgruppen beslutar.\r\nRad två"), web_enc(&e, "Bakgrunden."),
		    focus_area(2), more ? more : "");
}

/* One resource row of the form, at its place on the page. */
static const char *row(int i, const char *org, const char *what, const char *amount,
		       const char *unit)
{
	return strf(&e,
		    "&resources.%d.organisation=%s&resources.%d.description=%s"
		    "&resources.%d.amount=%s&resources.%d.unit=%s",
		    i, org, i, web_enc(&e, what), i, web_enc(&e, amount), i, web_enc(&e, unit));
}

/* Posts the new proposal's form; its id when it answered 303. */
static const char *create_ok(const char *body)
{
	struct resp *r = web_post(&e, user(BERED), "/forslag/nytt", NULL, body, NULL);
	const char *loc;

	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	loc = resp_header(r, "Location");
	cr_assert(loc && strncmp(loc, "/forslag/", 9) == 0 && strlen(loc) == 9 + 36, "%s", loc);
	return loc + 9;
}

static struct resp *api_get(const char *id)
{
	struct resp *r = get_proposal(user(BERED), id);

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	return r;
}

Test(web_proposals, each_kind_made_with_the_form_is_the_apis)
{
	const char *csrf = web_csrf(&e, user(BERED)), *id;
	struct resp *r;

	/* A prioritisation: two lines typed in rows 1 and 3 (row 2 left
	 * empty), one amount with a decimal comma. */
	r = web_get(&e, user(BERED), "/forslag/nytt?kind=prioritisation");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "name=\"resources.3.unit\"") && !web_has(r, "resources.4.") &&
		      !web_has(r, "name=\"action_plan\"") && web_has(r, "name=\"title\""),
		  "four empty rows and the priority's fields: %s", r->body);
	id = create_ok(
	    fields(csrf, "prioritisation", "Trygghetsvandringar",
		   strf(&e, "%s%s", row(0, "polisen", "Kvällspatrull", "1,5", "tjänster"),
			row(2, "sigtuna", "Belysning i gångtunneln", "250 000", "kr"))));
	r = api_get(id);
	cr_expect_str_eq(resp_str(r, "kind"), "prioritisation");
	cr_expect_str_eq(resp_str(r, "status"), "draft");
	cr_expect_str_eq(resp_str(r, "title"), "Trygghetsvandringar");
	cr_expect_str_eq(resp_str(r, "proposal_text"), "Styrgruppen beslutar.\nRad två");
	cr_expect_str_eq(resp_str(r, "focus_area"), focus_area(2));
	cr_expect_str_eq(resp_str(r, "author"), name(BERED));
	cr_expect_eq(json_array_size(resp_get(r, "resources")), 2);
	cr_expect_str_eq(resp_str(r, "resources.0.organisation"), "polisen");
	cr_expect_str_eq(resp_str(r, "resources.1.unit"), "kr");
	cr_expect(json_number_value(resp_get(r, "resources.0.amount")) == 1.5);
	cr_expect(json_number_value(resp_get(r, "resources.1.amount")) == 250000);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'proposal.create' "
			       "AND entity_id = $1 AND actor = $2 AND after->>'title' = "
			       "'Trygghetsvandringar'",
			       id, name(BERED)),
		     1, "no audit entry of the creation");

	/* An action plan: the plan to adopt. */
	id = create_ok(fields(csrf, "action_plan", "Åtgärdsplan Sigtuna",
			      strf(&e, "&action_plan=%s", plan_of("sigtuna"))));
	r = api_get(id);
	cr_expect_str_eq(resp_str(r, "kind"), "action_plan");
	cr_expect_str_eq(resp_str(r, "action_plan"), plan_of("sigtuna"));
	cr_expect_eq(json_array_size(resp_get(r, "resources")), 0);

	/* A follow-up: its year. */
	id = create_ok(fields(csrf, "follow_up", "Uppföljning 2025", "&follow_up_year=2025"));
	r = api_get(id);
	cr_expect_eq(json_integer_value(resp_get(r, "follow_up_year")), 2025);

	/* An extension: its years; the fields of other kinds are not sent. */
	id = create_ok(fields(
	    csrf, "extension", "Förlängning 2027–2028",
	    strf(&e, "&extension_years=2&follow_up_year=2025&action_plan=%s", plan_of("sigtuna"))));
	r = api_get(id);
	cr_expect_eq(json_integer_value(resp_get(r, "extension_years")), 2);
	cr_expect(json_is_null(resp_get(r, "follow_up_year")) &&
		  json_is_null(resp_get(r, "action_plan")));
	cr_expect_str_eq(resp_str(r, "extends_valid_to"), "2026-12-31");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = "
				   "'proposal.create'"),
		     4);
}

Test(web_proposals, only_the_beredningsgrupp_is_offered_the_form)
{
	struct resp *r = web_get(&e, user(BERED), "/forslag");
	long before;

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "href=\"/forslag/nytt\">Nytt förslag</a>"), "%s", r->body);
	r = web_get(&e, user(BERED), "/forslag/nytt");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	for (const char *const *k = (const char *const[]){ "prioritisation", "action_plan",
							   "follow_up", "extension", NULL };
	     *k; k++)
		cr_expect(web_has(r, strf(&e, "href=\"/forslag/nytt?kind=%s\"", *k)), "%s: %s", *k,
			  r->body);
	cr_expect_eq(web_get(&e, user(BERED), "/forslag/nytt?kind=nonsense")->status, 400);

	/* The styrgrupp's rights include the beredningsgrupp's (SPEC §3). */
	r = web_get(&e, user(STYR), "/forslag");
	cr_expect(web_has(r, "href=\"/forslag/nytt\""), "%s", r->body);

	/* The arbetsgrupp: no link, and the form refused with 403, audited as
	 * the API's refusal; so is a user without a group, who may not even
	 * read Förslag. */
	r = web_get(&e, user(EST), "/forslag");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "/forslag/nytt"), "the arbetsgrupp is offered the form: %s", r->body);
	const char *who[2][2] = { { user(EST), name(EST) },
				  { user_in_group(&e, "utan.grupp", "sigtuna", NULL, NULL),
				    "utan.grupp" } };
	for (int i = 0; i < 2; i++) {
		before = audit_refusals(&e, who[i][1]);
		r = web_get(&e, who[i][0], "/forslag/nytt?kind=prioritisation");
		cr_expect_eq(r->status, 403, "%s: %s", who[i][1], resp_why(r));
		cr_expect(web_has(r, "Åtkomst nekad") && !web_has(r, "name=\"title\""), "%s",
			  r->body);
		cr_expect_eq(audit_refusals(&e, who[i][1]), before + 1);
	}
}

Test(web_proposals, refusals_store_nothing)
{
	const char *csrf = web_csrf(&e, user(BERED)), *est = user(EST);
	const char *body = fields(csrf, "prioritisation", "Förfalskat", NULL);
	long before = proposals(), refused = audit_refusals(&e, name(EST));
	struct resp *r;

	/* Not the beredningsgrupp: 403, audited as the API's refusal. */
	r = web_post(&e, est, "/forslag/nytt", NULL,
		     fields(web_csrf(&e, est), "prioritisation", "Förfalskat", NULL), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_eq(audit_refusals(&e, name(EST)), refused + 1);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = $1 AND after->>'request' = 'POST /forslag/nytt'",
			       name(EST)),
		     1);
	/* No form token, another session's, another origin, no session. */
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL,
		     strf(&e, "kind=prioritisation&agreement=%s&title=x", agreement_id()), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL,
		     fields(web_csrf(&e, est), "prioritisation", "Förfalskat", NULL), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL, body, "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL, body, "Sec-Fetch-Site: cross-site");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_post(&e, NULL, "/forslag/nytt", NULL, body, NULL);
	cr_expect_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/logga-in");
	cr_expect_eq(proposals(), before, "a refused form stored a proposal");
	cr_expect_eq(web_get(&e, user(BERED), "/forslag/nytt")->status, 200);
	cr_expect_eq(http(&e, "PUT", "/forslag/nytt", NULL, NULL)->status, 405);
}

Test(web_proposals, bad_input_comes_back_with_the_error_beside_its_field)
{
	const char *csrf = web_csrf(&e, user(BERED));
	long before = proposals();
	struct resp *r;

	/* No title, an amount that is no number, a line without a unit and
	 * a follow-up year outside the range: each named beside its field,
	 * what was typed kept. */
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL,
		     fields(csrf, "prioritisation", "",
			    strf(&e, "%s%s", row(0, "polisen", WEB_XSS, "två", "tjänster"),
				 row(1, "sigtuna", "Belysning", "100", ""))),
		     NULL);
	cr_assert_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-title\">Ange en titel") &&
		      web_has(r, "aria-describedby=\"fel-title\""),
		  "%s", r->body);
	cr_expect(web_has(r, "id=\"fel-resources[0].amount\">Ange omfattningen som ett tal"), "%s",
		  r->body);
	cr_expect(web_has(r, "id=\"fel-resources[1].unit\">Ange enheten"), "%s", r->body);
	cr_expect(web_has(r, "value=\"två\"") && web_has(r, "value=\"Belysning\"") &&
		      web_has(r, "Styrgruppen beslutar.\nRad två</textarea>"),
		  "what was typed is kept: %s", r->body);
	cr_expect(web_has(r, "value=\"&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img "
			     "src=x onerror=alert(2)&gt;\"") &&
		      !web_has(r, "<script>alert") && !web_has(r, "<img src=x"),
		  "%s", r->body);
	cr_expect(web_has(r, strf(&e, "<option value=\"%s\" selected>", focus_area(2))), "%s",
		  r->body);

	r = web_post(&e, user(BERED), "/forslag/nytt", NULL,
		     fields(csrf, "follow_up", "Uppföljning", "&follow_up_year=1999"), NULL);
	cr_assert_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-follow_up_year\">Ange ett år inom avtalets period"), "%s",
		  r->body);
	/* Inside the API's range but outside the agreement: the SQL
	 * function's refusal, by its column. */
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL,
		     fields(csrf, "follow_up", "Uppföljning", "&follow_up_year=2040"), NULL);
	cr_assert_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-follow_up_year\"") && web_has(r, "value=\"2040\""), "%s",
		  r->body);
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL,
		     fields(csrf, "action_plan", "Plan", "&action_plan="), NULL);
	cr_assert_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-action_plan\""), "%s", r->body);

	/* A personal identity number is refused as the API refuses it. */
	r = web_post(&e, user(BERED), "/forslag/nytt", NULL,
		     fields(csrf, "prioritisation", "Ärende 19121212-1212", NULL), NULL);
	cr_assert_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"fel-title\">Texten innehåller ett personnummer"), "%s", r->body);
	cr_expect_eq(proposals(), before, "a refused form stored a proposal");

	/* Markup in a title is stored as typed and shown as text. */
	const char *id = create_ok(fields(csrf, "prioritisation", WEB_XSS, NULL));
	r = web_get(&e, user(EST), strf(&e, "/forslag/%s", id));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "<script>alert") && !web_has(r, "<img src=x") &&
		      web_has(r, "&lt;script&gt;alert(1)&lt;/script&gt;"),
		  "%s", r->body);
	cr_expect_str_eq(resp_str(api_get(id), "title"), WEB_XSS);
}

Test(web_proposals, a_draft_is_edited_at_the_version_read)
{
	const char *csrf = web_csrf(&e, user(BERED)), *version, *more;
	const char *id = create(user(BERED),
				jsonf(&e, "{s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}]}", "agreement",
				      agreement_id(), "kind", "prioritisation", "title", "Före",
				      "resources", "organisation", "polisen", "description",
				      "Utredare", "amount", 2.5, "unit", "tjänster"));
	struct resp *r = web_get(&e, user(BERED), strf(&e, "/forslag/%s/redigera", id));

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	/* The form holds the draft, its line and four empty rows. */
	static const char *const held[] = {
		"name=\"title\" type=\"text\" maxlength=\"300\" value=\"Före\"",
		"name=\"resources.0.amount\" type=\"text\" inputmode=\"decimal\" value=\"2,5\"",
		"value=\"Utredare\"",
		"<option value=\"polisen\" selected>",
		"name=\"resources.4.unit\"",
	};
	for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
		cr_expect(web_has(r, held[i]), "no %s in the form", held[i]);
	cr_expect(!web_has(r, "resources.5.") && !web_has(r, "name=\"agreement\""),
		  "a fifth empty row or the agreement, which an edit does not change");
	version = web_hidden(&e, r, "version");
	more = strf(&e, "&version=%s%s%s", version, row(0, "polisen", "Utredare", "3", "tjänster"),
		    row(1, "upplands-vasby", "Fältassistenter", "2", "tjänster"));

	r = web_post(&e, user(BERED), strf(&e, "/forslag/%s/redigera", id), NULL,
		     fields(csrf, "prioritisation", "Efter", more), NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), strf(&e, "/forslag/%s", id));
	r = api_get(id);
	cr_expect_str_eq(resp_str(r, "title"), "Efter");
	cr_expect_eq(json_array_size(resp_get(r, "resources")), 2);
	cr_expect_str_eq(resp_str(r, "resources.1.organisation"), "upplands-vasby");
	cr_expect_eq(audit_rows("proposal.update", id), 1);

	/* The same form again, at the version it was read at: someone has
	 * changed the draft since, so nothing is stored and what was typed
	 * is kept, with the current version for a second save. */
	r = web_post(&e, user(BERED), strf(&e, "/forslag/%s/redigera", id), NULL,
		     fields(csrf, "prioritisation", "Tredje", more), NULL);
	cr_assert_eq(r->status, 412, "%s", resp_why(r));
	cr_expect(web_has(r, "Någon annan har ändrat förslaget") && web_has(r, "value=\"Tredje\""),
		  "%s", r->body);
	cr_expect_str_neq(web_hidden(&e, r, "version"), version);
	cr_expect_str_eq(resp_str(api_get(id), "title"), "Efter");
	cr_expect_eq(audit_rows("proposal.update", id), 1);

	/* A line emptied is removed. */
	r = web_post(&e, user(BERED), strf(&e, "/forslag/%s/redigera", id), NULL,
		     fields(csrf, "prioritisation", "Efter",
			    strf(&e, "&version=%s%s", web_hidden(&e, r, "version"),
				 row(1, "upplands-vasby", "Fältassistenter", "2", "tjänster"))),
		     NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(api_get(id), "resources")), 1);

	/* Not the beredningsgrupp: neither the form nor the edit. */
	cr_expect_eq(web_get(&e, user(EST), strf(&e, "/forslag/%s/redigera", id))->status, 403);
	r = web_post(&e, user(EST), strf(&e, "/forslag/%s/redigera", id), NULL,
		     fields(web_csrf(&e, user(EST)), "prioritisation", "EST:s", NULL), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(api_get(id), "title"), "Efter");
	cr_expect_eq(web_get(&e, user(BERED), "/forslag/nope/redigera")->status, 404);
}

Test(web_proposals, submit_and_withdraw_on_the_proposals_page)
{
	const char *csrf = web_csrf(&e, user(BERED));
	const char *id = create_ok(fields(csrf, "prioritisation", "Att lämna in", NULL));
	const char *page = strf(&e, "/forslag/%s", id), *form = strf(&e, "csrf=%s", csrf);
	struct resp *r = web_get(&e, user(BERED), page);

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, strf(&e, "href=\"/forslag/%s/redigera\">Redigera</a>", id)) &&
		      web_has(r, strf(&e, "action=\"/forslag/%s/lamna-in\"", id)) &&
		      web_has(r, strf(&e, "action=\"/forslag/%s/dra-tillbaka\"", id)),
		  "%s", r->body);
	r = web_get(&e, user(EST), page);
	cr_expect(!web_has(r, "/redigera") && !web_has(r, "/lamna-in") &&
		      !web_has(r, "/dra-tillbaka"),
		  "%s", r->body);

	/* A prioritisation without lines: the API's 422 beside the buttons. */
	r = web_post(&e, user(BERED), strf(&e, "%s/lamna-in", page), NULL, form, NULL);
	cr_assert_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"atgard-fel\">Ett prioriteringsförslag behöver minst en "
			     "resursrad"),
		  "%s", r->body);
	cr_expect_str_eq(resp_str(api_get(id), "status"), "draft");

	r = web_post(&e, user(BERED), strf(&e, "%s/redigera", page), NULL,
		     fields(csrf, "prioritisation", "Att lämna in",
			    row(0, "polisen", "Utredare", "1", "tjänster")),
		     NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	/* Forged, cross-origin or by the arbetsgrupp: refused, not submitted. */
	cr_expect_eq(
	    web_post(&e, user(BERED), strf(&e, "%s/lamna-in", page), NULL, "csrf=x", NULL)->status,
	    403);
	cr_expect_eq(web_post(&e, user(BERED), strf(&e, "%s/lamna-in", page), NULL, form,
			      "Origin: https://evil.example")
			 ->status,
		     403);
	cr_expect_eq(web_post(&e, user(EST), strf(&e, "%s/lamna-in", page), NULL,
			      strf(&e, "csrf=%s", web_csrf(&e, user(EST))), NULL)
			 ->status,
		     403);
	cr_expect_str_eq(resp_str(api_get(id), "status"), "draft");

	r = web_post(&e, user(BERED), strf(&e, "%s/lamna-in", page), NULL, form, NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), page);
	r = api_get(id);
	cr_expect_str_eq(resp_str(r, "status"), "submitted");
	cr_expect_str_eq(resp_str(r, "affected.0"), "polisen");
	cr_expect_eq(audit_rows("proposal.submit", id), 1);
	r = web_get(&e, user(BERED), page);
	cr_expect(!web_has(r, "/redigera\"") && !web_has(r, "/lamna-in\"") &&
		      web_has(r, "/dra-tillbaka\""),
		  "a submitted proposal can only be withdrawn: %s", r->body);
	cr_expect_eq(web_get(&e, user(BERED), strf(&e, "%s/redigera", page))->status, 409);

	/* Submitting what is not a draft: the API's 409, in Swedish. */
	r = web_post(&e, user(BERED), strf(&e, "%s/lamna-in", page), NULL, form, NULL);
	cr_assert_eq(r->status, 409, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"atgard-fel\">Förslaget är redan inlämnat"), "%s", r->body);
	cr_expect_eq(audit_rows("proposal.submit", id), 1);

	r = web_post(&e, user(BERED), strf(&e, "%s/dra-tillbaka", page), NULL, form, NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(api_get(id), "status"), "withdrawn");
	cr_expect_eq(audit_rows("proposal.withdraw", id), 1);
	r = web_get(&e, user(BERED), page);
	cr_expect(!web_has(r, "/dra-tillbaka\""), "%s", r->body);
	r = web_post(&e, user(BERED), strf(&e, "%s/dra-tillbaka", page), NULL, form, NULL);
	cr_assert_eq(r->status, 409, "%s", resp_why(r));
	cr_expect(web_has(r, "id=\"atgard-fel\">Förslaget är redan tillbakadraget"), "%s", r->body);
	cr_expect_eq(web_get(&e, user(BERED), strf(&e, "%s/lamna-in", page))->status, 405);
}

/* The form in the browser (tests/web/proposals.mjs): a priority with two
 * lines made and submitted by the beredningsgrupp, then under Att besluta
 * of a director; axe-core and screenshots of the new and edit forms. */
Test(web_proposals, proposals_in_the_browser)
{
	const char *bered_pw, *chief_pw;

	bered_pw = user_create(&e, "berit.bered", "sollentuna");
	member_add(&e, "beredningsgrupp", "berit.bered", "member", NULL);
	chief_pw = user_create(&e, "polisen-chef", "polisen");
	member_add(&e, "styrgrupp", "polisen-chef", "decision_maker", NULL);

	web_browser_run(
	    &e, "proposals.mjs",
	    (const char *const[]){
		strf(&e, "SVK_WEB_USERS=%s",
		     jsonf(&e, "{s:s, s:s}", "berit.bered", bered_pw, "polisen-chef", chief_pw)),
		strf(&e, "SVK_WEB_API_TOKEN=%s", user(BERED)),
		NULL,
	    });
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit a JOIN svk.proposals p "
				   "ON p.id::text = a.entity_id WHERE a.action = 'proposal.submit' "
				   "AND a.actor = 'berit.bered' AND p.kind = 'prioritisation' "
				   "AND p.status = 'submitted' AND (SELECT count(*) FROM "
				   "svk.proposal_resources r WHERE r.proposal_id = p.id) = 2"),
		     1, "the browser's proposal was not submitted with its two lines");
}
