/*
 * The web interface in a real browser: this test starts the daemon like
 * every integration test, makes an agreement whose title carries markup
 * and a plain member, and runs tests/web/web.mjs (headless chromium through
 * playwright-core, axe-core) against it. The script checks sign-in and
 * sign-out, the navigation per role, the cookie, the form tokens, the
 * security headers, throttling and accessibility, and writes screenshots
 * under the build tree's web-screenshots/.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "web_util.h"

static struct env e;
ENV_INIT(start, e, &(struct env_opts){ .login_max_failures = 3 })
ENV_INIT(start_mutual, e, &(struct env_opts){ .mutual_tls = true })
ENV_FINI(stop, e)
TestSuite(web, .fini = stop, .timeout = 240);

#define TITLE "<script>alert(1)</script> Avtal \"><img src=x onerror=alert(2)>"

Test(web, in_the_browser, .init = start)
{
	const char *admin = admin_token(&e);
	struct resp *r;

	r = http(&e, "POST", "/v1/agreements", admin,
		 jsonf(&e, "{s:s, s:s, s:[s,s], s:s, s:s}", "title", TITLE, "goal",
		       "Tryggare kommun", "parties", "polisen", "sigtuna", "valid_from",
		       "2025-01-01", "valid_to", "2028-12-31"));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *password = user_create(&e, "maja.medlem", "sigtuna");
	member_add(&e, "est-sigtuna", "maja.medlem", "member", NULL);

	web_browser_run(&e, "web.mjs",
			(const char *const[]){
			    strf(&e, "SVK_WEB_ADMIN_PASSWORD=%s", e.admin_password),
			    "SVK_WEB_MEMBER=maja.medlem",
			    strf(&e, "SVK_WEB_MEMBER_PASSWORD=%s", password),
			    "SVK_WEB_TITLE=" TITLE,
			    "SVK_WEB_MAX_FAILURES=3",
			    NULL,
			});
}

/* The navigation offers what the role may open: an admin who is no
 * group's member gets Administration but none of the agreement's work
 * (which the server refuses the admin), a member the work but not
 * Administration. */
Test(web, the_navigation_offers_what_the_role_may_open, .init = start)
{
	static const char *const work[] = { "/forslag", "/atgardsplaner", "/lagesbild", "/moten",
					    "/uppfoljning" };
	const char *admin = admin_token(&e), *member;
	struct resp *r;

	const char *pw = user_create(&e, "maja.medlem", "sigtuna");

	member_add(&e, "est-sigtuna", "maja.medlem", "member", NULL);
	member = login(&e, "maja.medlem", pw);

	r = web_get(&e, admin, "/");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "<a href=\"/\"") && web_has(r, "<a href=\"/att-besluta\"") &&
		      web_has(r, "<a href=\"/administration\""),
		  "%s", r->body);
	r = web_get(&e, admin, "/att-besluta");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "href=\"/forslag\""), "Att besluta leads the admin to Förslag: %s",
		  r->body);
	r = web_get(&e, admin, "/");
	for (size_t i = 0; i < sizeof work / sizeof work[0]; i++) {
		cr_expect(!web_has(r, strf(&e, "<a href=\"%s\"", work[i])),
			  "the admin is offered %s: %s", work[i], r->body);
		cr_expect_eq(web_get(&e, admin, work[i])->status, 403, "the admin opens %s",
			     work[i]);
	}

	r = web_get(&e, member, "/");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "<a href=\"/administration\""), "%s", r->body);
	for (size_t i = 0; i < sizeof work / sizeof work[0]; i++) {
		cr_expect(web_has(r, strf(&e, "<a href=\"%s\"", work[i])),
			  "the member is not offered %s: %s", work[i], r->body);
		cr_expect_eq(web_get(&e, member, work[i])->status, 200, "the member opens %s",
			     work[i]);
	}
}

/* The sign-in form's token: GET /logga-in sets it as cookie and field. */
static const char *form_token(const char *crt, const char *key)
{
	struct resp *r = http_send(
	    &e, &(struct http_req){
		    .path = "/logga-in", .cert = crt, .key = key, .fresh_connection = true });
	const char *c;

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	c = resp_header(r, "Set-Cookie");
	cr_assert(c && strncmp(c, "svk_login=", 10) == 0, "no form token cookie: %s", c);
	cr_assert(strstr(r->body, strf(&e, "value=\"%.64s\"", c + 10)), "the form lacks its token");
	return strf(&e, "%.64s", c + 10);
}

static struct resp *page_login(const char *crt, const char *key, const char *password)
{
	const char *tok = form_token(crt, key);
	char *pw = curl_easy_escape(NULL, password, 0);
	const char *body;

	cr_assert(pw);
	body = strf(&e, "csrf=%s&username=admin&password=%s", tok, pw);
	curl_free(pw);
	return http_send(
	    &e, &(struct http_req){ .method = "POST",
				    .path = "/logga-in",
				    .body = body,
				    .content_type = "application/x-www-form-urlencoded",
				    .headers = { strf(&e, "Cookie: svk_login=%s", tok), NULL },
				    .cert = crt,
				    .key = key,
				    .fresh_connection = true });
}

/* With mutual TLS the page's sign-in obeys the API's rule: a user only
 * with a certificate of their own organisation; the refusal is audited
 * and looks like a wrong password. */
Test(web, page_login_obeys_the_client_certificate, .init = start_mutual)
{
	const char *police_crt, *police_key, *sigtuna_crt, *sigtuna_key;
	struct resp *r;

	env_client_cert(&e, "polisen", &police_crt, &police_key);
	env_client_cert(&e, "sigtuna", &sigtuna_crt, &sigtuna_key);

	r = page_login(sigtuna_crt, sigtuna_key, e.admin_password);
	cr_expect_eq(r->status, 401, "polisen's admin with sigtuna's certificate: %s", resp_why(r));
	cr_expect(r->body && strstr(r->body, "Fel användarnamn eller lösenord."), "%s", r->body);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'admin' AND after->>'request' = 'POST /logga-in'"),
		     1, "the refusal was not audited");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE kind = 'session'"), 0);

	r = page_login(police_crt, police_key, e.admin_password);
	cr_expect_eq(r->status, 303, "with polisen's certificate: %s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE kind = 'session'"), 1);
}
