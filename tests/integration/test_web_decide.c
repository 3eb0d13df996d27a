/*
 * The web interface's decisions: Att besluta, Förslag, a proposal's page
 * and its decision form. The form is checked here as a browser would send
 * it (cookie, form token, form encoding): a decision taken through it is
 * the API's (the same row, the same audit entry, the same effect), and
 * every refusal the API makes is made, audited and shown in Swedish with
 * the user's comment kept. decisions_in_the_browser then runs
 * tests/web/decide.mjs in headless chromium: the four directors approve
 * the agreement's extension, one only with the keyboard.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decisions_util.h"
#include "web_util.h"

ENV_SHARED_SUITE(web_decide, e, .timeout = 240);

#define XSS_TITLE "<script>alert(1)</script> Prioritering \"><img src=x onerror=alert(2)>"

/* The form's body, encoded as a browser does. */
static const char *form(const char *csrf, const char *verdict, const char *comment)
{
	char *c = curl_easy_escape(NULL, comment, 0);
	const char *body;

	cr_assert(c);
	body = strf(&e, "csrf=%s&comment=%s&verdict=%s", csrf, c, verdict);
	curl_free(c);
	return body;
}

static struct resp *form_post(const char *tok, const char *id, const char *body, const char *header)
{
	return http_send(&e,
			 &(struct http_req){ .method = "POST",
					     .path = strf(&e, "/forslag/%s/beslut", id),
					     .body = body,
					     .content_type = "application/x-www-form-urlencoded",
					     .headers = { tok ? web_cookie(&e, tok) : "X-None: 1",
							  header, NULL } });
}

static const char *submitted_extension(void)
{
	const char *id = create(user(BERED), extension_body(4, "Förlängning av avtalet 2027–2030"));

	submit_ok(user(BERED), id);
	return id;
}

/* A prioritisation whose only resource line is the police's. */
static const char *submitted_priority(const char *title)
{
	const char *id = create(
	    user(BERED),
	    jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:i, s:s}]}", "agreement",
		  agreement_id(), "kind", "prioritisation", "title", title, "focus_area",
		  focus_area(1), "proposal_text", "Polisen avsätter två tjänster.", "resources",
		  "organisation", "polisen", "description", "Utredare <b>våld i nära relation</b>",
		  "amount", 2, "unit", "tjänster"));

	submit_ok(user(BERED), id);
	return id;
}

Test(web_decide, the_form_decides_as_the_api_does)
{
	const char *id = submitted_extension(), *tok = director(POLISEN), *csrf = web_csrf(&e, tok);
	struct resp *r = web_get(&e, tok, strf(&e, "/forslag/%s", id));

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<label for=\"kommentar\">Kommentar</label>") &&
		      web_has(r, ">Godkänn</button>") && web_has(r, ">Avslå</button>") &&
		      web_has(r, ">Återremittera</button>"),
		  "no decision form: %s", r->body);
	cr_expect(web_has(r, "4 år, från 31 december 2026 till 31 december 2030"), "%s", r->body);
	cr_expect(!web_has(r, "Fokusområde") && !web_has(r, "Resurser"),
		  "an extension has neither focus area nor resource lines: %s", r->body);

	r = form_post(tok, id, form(csrf, "approve", "Polisen står bakom.\r\nRad två"), NULL);
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), strf(&e, "/forslag/%s#beslut", id));
	r = http(&e, "GET", strf(&e, "/v1/proposals/%s/decisions", id), user(BERED), NULL);
	cr_expect_str_eq(resp_str(r, "items.0.organisation"), "polisen");
	cr_expect_str_eq(resp_str(r, "items.0.verdict"), "approve");
	cr_expect_str_eq(resp_str(r, "items.0.decided_by"), director_name(POLISEN));
	cr_expect_str_eq(resp_str(r, "items.0.comment"), "Polisen står bakom.\nRad två");

	/* The same audit entry as a decision through the API. */
	decide_ok(director(SOLLENTUNA), id, "approve", "Sollentuna står bakom.");
	cr_expect_eq(audit_rows("decision.approve", id), 2);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(DISTINCT (SELECT string_agg(k, ',' ORDER BY k) "
			       "FROM jsonb_object_keys(after) k)) FROM svk.audit "
			       "WHERE action = 'decision.approve' AND entity_id = $1",
			       id),
		     1, "the form's audit entry differs from the API's");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'decision.approve' "
			       "AND entity_id = $1 AND actor = $2 AND after->>'round' = '1' "
			       "AND after->>'comment' = $3",
			       id, director_name(POLISEN), "Polisen står bakom.\nRad två"),
		     1);

	/* Again: the API's 409, in Swedish, with the comment kept. */
	r = form_post(tok, id, form(csrf, "reject", "Andra tankar <b>nu</b>"), NULL);
	cr_expect_eq(r->status, 409, "%s", resp_why(r));
	cr_expect(
	    web_has(r, "Din organisation har redan beslutat om förslaget i den här omgången."),
	    "%s", r->body);
	cr_expect(web_has(r, "Andra tankar &lt;b&gt;nu&lt;/b&gt;</textarea>"), "%s", r->body);
	cr_expect_eq(count_decisions(id), 2);

	/* The others through the form: the agreement is extended, once. */
	for (int org = VASBY; org <= SIGTUNA; org++) {
		r = form_post(director(org), id, form(web_csrf(&e, director(org)), "approve", ""),
			      NULL);
		cr_expect_eq(r->status, 303, "%s: %s", director_name(org), resp_why(r));
	}
	cr_expect_str_eq(sql_value(&e, "SELECT valid_to::text FROM svk.agreements"), "2030-12-31");
	cr_expect_eq(audit_rows("agreement.extend", agreement_id()), 1);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'decision.approve' "
			       "AND entity_id = $1 AND after->'comment' = 'null'::jsonb",
			       id),
		     2, "an empty comment is sent as none, as the API's clients send it");
	r = web_get(&e, tok, "/");
	cr_expect(web_has(r, "1 januari 2023 – 31 december 2030"), "Översikt: %s", r->body);

	/* Decided: the page has no form, and a late form is a 409. */
	r = web_get(&e, director(SIGTUNA), strf(&e, "/forslag/%s", id));
	cr_expect(!web_has(r, ">Godkänn</button>") && web_has(r, "Godkänt"), "%s", r->body);
	r = form_post(director(SIGTUNA), id,
		      form(web_csrf(&e, director(SIGTUNA)), "reject", "Sent"), NULL);
	cr_expect_eq(r->status, 409, "%s", resp_why(r));
	cr_expect(web_has(r, "Förslaget är redan godkänt och kan inte längre beslutas."), "%s",
		  r->body);
}

Test(web_decide, the_form_refuses_what_the_api_refuses)
{
	const char *id = submitted_priority("Utredare"), *tok = director(POLISEN);
	const char *csrf = web_csrf(&e, tok);
	long before;
	struct resp *r;

	/* No form token, a wrong one, another origin, no session. */
	r = form_post(tok, id, "verdict=approve&comment=x", NULL);
	cr_expect_eq(r->status, 403, "without the form token: %s", resp_why(r));
	r = form_post(tok, id, form(strf(&e, "%064d", 0), "approve", "x"), NULL);
	cr_expect_eq(r->status, 403, "with a wrong form token: %s", resp_why(r));
	r = form_post(tok, id, form(csrf, "approve", "x"), "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "from another origin: %s", resp_why(r));
	r = form_post(tok, id, form(csrf, "approve", "x"), "Sec-Fetch-Site: cross-site");
	cr_expect_eq(r->status, 403, "cross-site: %s", resp_why(r));
	r = form_post(NULL, id, form(csrf, "approve", "x"), NULL);
	cr_expect_eq(r->status, 303, "without a session: %s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/logga-in");
	cr_expect_eq(count_decisions(id), 0);

	/* Fields the API refuses: 422, the comment kept. */
	r = form_post(tok, id, form(csrf, "maybe", "Behåll mig"), NULL);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect(web_has(r, "Välj Godkänn, Avslå eller Återremittera.") &&
		      web_has(r, ">Behåll mig</textarea>"),
		  "%s", r->body);
	r = form_post(tok, id, form(csrf, "approve", "Gäller 811218-9876"), NULL);
	cr_expect_eq(r->status, 422, "a personnummer: %s", resp_why(r));
	cr_expect(web_has(r, "personnummer eller samordningsnummer"), "%s", r->body);
	char *lng = strf(&e, "%04001d", 0);
	r = form_post(tok, id, form(csrf, "approve", lng), NULL);
	cr_expect_eq(r->status, 422, "a long comment: %s", resp_why(r));
	cr_expect(web_has(r, "Kommentaren är för lång"), "%s", r->body);
	cr_expect_eq(count_decisions(id), 0);

	/* Not a decision maker: no form, and a forged one is refused and
	 * audited as the API's refusal is. */
	r = web_get(&e, user(STYR), strf(&e, "/forslag/%s", id));
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "<form class=\"decide\"") && !web_has(r, ">Godkänn</button>"), "%s",
		  r->body);
	before = audit_refusals(&e, name(STYR));
	r = form_post(user(STYR), id, form(web_csrf(&e, user(STYR)), "approve", "Jag tycker till"),
		      NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(web_has(r, "Bara styrgruppens beslutsfattare kan besluta om förslag.") &&
		      web_has(r, "readonly>Jag tycker till</textarea>"),
		  "%s", r->body);
	cr_expect_eq(audit_refusals(&e, name(STYR)), before + 1);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = $1 AND after->>'request' = 'POST /forslag/{}/beslut'",
			       name(STYR)),
		     1);

	/* The policy comes first, as in the API: 403 for no such proposal. */
	r = form_post(user(STYR), "00000000-0000-4000-8000-000000000000",
		      form(web_csrf(&e, user(STYR)), "approve", ""), NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));

	/* A decision maker of an organisation the proposal does not affect:
	 * refused by the decision itself, audited. */
	r = web_get(&e, director(SIGTUNA), strf(&e, "/forslag/%s", id));
	cr_expect(web_has(r, "Er organisation berörs inte av förslaget"), "%s", r->body);
	cr_expect(web_has(r, "1. Brott i nära relation") &&
		      web_has(r, "Utredare &lt;b&gt;våld i nära relation&lt;/b&gt;") &&
		      web_has(r, "2 tjänster"),
		  "the focus area and the resource line: %s", r->body);
	before = audit_refusals(&e, director_name(SIGTUNA));
	r = form_post(director(SIGTUNA), id, form(web_csrf(&e, director(SIGTUNA)), "approve", ""),
		      NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(web_has(r, "Din organisation berörs inte av förslaget och beslutar inte om det."),
		  "%s", r->body);
	cr_expect_eq(audit_refusals(&e, director_name(SIGTUNA)), before + 1);

	/* The admin right does not decide. */
	r = form_post(admin_token(&e), id, form(web_csrf(&e, admin_token(&e)), "approve", ""),
		      NULL);
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(web_has(r, "Administratörsrätten ger inte rätt att besluta."), "%s", r->body);

	/* No such proposal. */
	r = form_post(tok, "00000000-0000-4000-8000-000000000000", form(csrf, "approve", ""), NULL);
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	r = form_post(tok, "inget-id", form(csrf, "approve", ""), NULL);
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	r = web_get(&e, tok, "/forslag/inget-id");
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	cr_expect_eq(count_decisions(id), 0);

	/* Återremiss: back to a draft of round 2, round 1 in the matrix. */
	r = form_post(tok, id, form(csrf, "return", "Räkna om <tjänsterna>"), NULL);
	cr_expect_eq(r->status, 303, "%s", resp_why(r));
	r = web_get(&e, tok, strf(&e, "/forslag/%s", id));
	cr_expect(web_has(r, "Återremitterat") && web_has(r, "Räkna om &lt;tjänsterna&gt;") &&
		      web_has(r, ">Utkast<") && !web_has(r, ">Godkänn</button>"),
		  "%s", r->body);
}

Test(web_decide, the_lists)
{
	const char *ext = submitted_extension(), *prio = submitted_priority(XSS_TITLE);
	const char *draft = create(user(BERED), extension_body(1, "Ett utkast"));
	struct resp *r;

	r = web_get(&e, director(POLISEN), "/att-besluta");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, strf(&e, "href=\"/forslag/%s\"", ext)) &&
		      web_has(r, strf(&e, "href=\"/forslag/%s\"", prio)) &&
		      !web_has(r, strf(&e, "/forslag/%s\"", draft)),
		  "%s", r->body);
	cr_expect(
	    web_has(r, "&lt;script&gt;alert(1)&lt;/script&gt; Prioritering &quot;&gt;&lt;img") &&
		!web_has(r, "<script") && !web_has(r, "<img src=x"),
	    "the title is not escaped: %s", r->body);
	r = web_get(&e, director(SIGTUNA), "/att-besluta");
	cr_expect(web_has(r, ext) && !web_has(r, prio), "sigtuna is not affected by the priority");
	r = web_get(&e, user(STYR), "/att-besluta");
	cr_expect(web_has(r, "Du är inte beslutsfattare") && !web_has(r, ext), "%s", r->body);

	r = web_get(&e, user(EST), "/forslag");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, ext) && web_has(r, prio) && web_has(r, draft), "%s", r->body);
	r = web_get(&e, user(EST), "/forslag?status=draft");
	cr_expect(!web_has(r, ext) && !web_has(r, prio) && web_has(r, draft), "%s", r->body);
	cr_expect(web_has(r, "<option value=\"draft\" selected>Utkast</option>"), "%s", r->body);
	r = web_get(&e, user(EST), "/forslag?limit=2");
	cr_expect(web_has(r, ext) && web_has(r, prio) && !web_has(r, draft), "%s", r->body);
	const char *next = strstr(r->body ? r->body : "", "rel=\"next\" href=\"");
	cr_assert(next, "no next page: %s", r->body);
	next = strf(&e, "%.*s", (int)strcspn(next + 17, "\""), next + 17);
	cr_expect(strncmp(next, "/forslag?cursor=", 16) == 0 && strstr(next, "&amp;limit=2"), "%s",
		  next);
	r = web_get(&e, user(EST),
		    strf(&e, "/forslag?cursor=%s&limit=2",
			 sql_value(&e,
				   "SELECT seq::text FROM svk.proposals "
				   "WHERE id = $1::uuid",
				   prio)));
	cr_expect(web_has(r, draft) && !web_has(r, ext) && web_has(r, ">Första sidan</a>") &&
		      !web_has(r, "rel=\"next\""),
		  "%s", r->body);
	r = web_get(&e, user(EST), "/forslag/x/y");
	cr_expect(r->status == 404 && web_has(r, "Sidan finns inte"), "%s", resp_why(r));

	/* Without a group: no proposals, and the refusal audited. */
	const char *nobody = login(&e, "nils.ingen", user_create(&e, "nils.ingen", "sigtuna"));
	r = web_get(&e, nobody, "/forslag");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_get(&e, nobody, strf(&e, "/forslag/%s", ext));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(!web_has(r, "Förlängning av avtalet"), "%s", r->body);
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			  "AND actor = 'nils.ingen' AND after->>'request' = 'GET /forslag/{}'"),
	    1);
	r = web_get(&e, user(EST), "/forslag?status=bogus");
	cr_expect_eq(r->status, 400, "%s", resp_why(r));
	r = web_get(&e, user(EST), "/forslag?cursor=x");
	cr_expect_eq(r->status, 400, "%s", resp_why(r));
}

/* The four directors approve the agreement's extension in the browser
 * (tests/web/decide.mjs); what they did is then checked here. */
Test(web_decide, decisions_in_the_browser)
{
	static const struct {
		const char *username, *org, *role;
	} people[] = {
		{ "polisen-chef", "polisen", "decision_maker" },
		{ "sollentuna-direktor", "sollentuna", "decision_maker" },
		{ "upplands-vasby-direktor", "upplands-vasby", "decision_maker" },
		{ "sigtuna-direktor", "sigtuna", "decision_maker" },
		{ "stig.styr", "polisen", "member" },
	};
	json_t *passwords = json_object();
	char *users;

	cr_assert(passwords);
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		const char *pw = user_create(&e, people[i].username, people[i].org);

		member_add(&e, "styrgrupp", people[i].username, people[i].role, NULL);
		json_object_set_new(passwords, people[i].username, json_string(pw));
	}
	users = json_dumps(passwords, JSON_COMPACT);
	json_decref(passwords);
	cr_assert(users);
	env_keep(&e, users, free);
	const char *ext = submitted_extension(), *prio = submitted_priority(XSS_TITLE);

	web_browser_run(&e, "decide.mjs",
			(const char *const[]){
			    strf(&e, "SVK_WEB_USERS=%s", users),
			    strf(&e, "SVK_WEB_EXTENSION=%s", ext),
			    strf(&e, "SVK_WEB_PRIORITY=%s", prio),
			    "SVK_WEB_PRIORITY_TITLE=" XSS_TITLE,
			    strf(&e, "SVK_WEB_API_TOKEN=%s", user(BERED)),
			    NULL,
			});
	cr_expect_str_eq(sql_value(&e, "SELECT valid_to::text FROM svk.agreements"), "2030-12-31");
	cr_expect_eq(audit_rows("decision.approve", ext), 4);
	cr_expect_eq(audit_rows("agreement.extend", agreement_id()), 1);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'stig.styr' AND after->>'request' = "
			       "'POST /forslag/{}/beslut'"),
		     1, "the forged decision was not audited as a refusal");
	cr_expect_eq(count_decisions(prio), 0);
}
