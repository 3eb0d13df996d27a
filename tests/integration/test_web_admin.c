/*
 * The web interface's Administration and a chair's Adjungera, asked for
 * as a browser asks (session cookie, form token, form encoding): who may
 * see them (admins; chairs of the beredningsgrupp for Adjungera), that
 * each form has the API's effect (the same rows, the same audit entries,
 * a generated password shown once that signs in), that every refusal
 * keeps what was typed and names its field, that non-admins, forged and
 * cross-origin posts are refused with 403 and change nothing, that data
 * is escaped, and that the users' list pages with the API's cursor.
 * admin_in_the_browser then runs tests/web/admin.mjs.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web_util.h"

static struct env e;

ENV_SHARED_SUITE(web_admin, e, .timeout = 240);

#define USER_ROW "<th scope=\"row\" data-label=\"Användare\">"

static const char *admin(void)
{
	return admin_token(&e);
}

static struct resp *post(const char *tok, const char *path, const char *body)
{
	return web_post(&e, tok, path, NULL, body, NULL);
}

/* The form to create a user, as a browser encodes it. */
static const char *create_body(const char *csrf, const char *username, const char *name,
			       const char *org, const char *password)
{
	return strf(&e, "csrf=%s&username=%s&display_name=%s&organisation=%s&password=%s", csrf,
		    web_enc(&e, username), web_enc(&e, name), web_enc(&e, org),
		    web_enc(&e, password));
}

/* The one-time password a page shows. */
static const char *shown_password(const struct resp *r)
{
	const char *start = strstr(r->body, "<code class=\"secret\">"), *end;

	cr_assert(start, "no password shown: %.2000s", r->body);
	start += strlen("<code class=\"secret\">");
	end = strstr(start, "</code>");
	cr_assert(end && end > start);
	return strf(&e, "%.*s", (int)(end - start), start);
}

static long audits(const char *action, const char *object)
{
	return sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = $1 AND entity_id = $2",
			 action, object);
}

static long users_named(const char *username)
{
	return sql_count(&e, "SELECT count(*) FROM svk.users WHERE username = $1", username);
}

/* A 403 that names the form in a request.refused entry of the actor. */
static long refusals_of(const char *path)
{
	return sql_count(&e,
			 "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			 "AND after->>'request' = $1",
			 strf(&e, "POST %s", path));
}

static void expect_refused(const char *tok, const char *actor, const char *path, const char *body)
{
	long before = audit_refusals(&e, actor), named = refusals_of(path);
	struct resp *r = post(tok, path, body);

	cr_expect_eq(r->status, 403, "%s: %s", path, resp_why(r));
	cr_expect(web_has(r, "Åtkomst nekad"), "%s: %.500s", path, r->body);
	cr_expect(!web_has(r, "<form class=\"record\""), "%s: a form is shown", path);
	cr_expect_eq(audit_refusals(&e, actor), before + 1, "%s: refusal not audited", path);
	cr_expect_eq(refusals_of(path), named + 1, "%s: the refusal does not name the form", path);
}

Test(web_admin, admins_see_it_others_get_403)
{
	const char *member = user_in_group(&e, "maja.medlem", "sigtuna", "beredningsgrupp",
					   "member");
	long before = audit_refusals(&e, "maja.medlem");
	struct resp *r = web_get(&e, admin(), "/administration");

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	static const char *const want[] = { "Organisationer",     "Upplands Väsby",
					    "Användare",          "Skapa användare",
					    "Återställ lösenord", "Grupper och medlemmar",
					    "maja.medlem" };

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_expect(web_has(r, want[i]), "the page lacks %s", want[i]);
	cr_expect(web_has(r, "name=\"csrf\""));

	r = web_get(&e, member, "/administration");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(web_has(r, "Åtkomst nekad"));
	cr_expect(!web_has(r, "Skapa användare"));
	cr_expect_eq(audit_refusals(&e, "maja.medlem"), before + 1);
	r = web_get(&e, member, "/");
	cr_expect(!web_has(r, "href=\"/administration\""), "a member is offered Administration");
	cr_expect(!web_has(r, "/administration/adjungera"), "a member is offered Adjungera");
	r = web_get(&e, NULL, "/administration");
	cr_expect_eq(r->status, 303, "signed out: %s", resp_why(r));
	r = web_get(&e, admin(), "/administration/nagot-annat");
	cr_expect_eq(r->status, 404);
	r = web_get(&e, admin(), "/administration/anvandare");
	cr_expect_eq(r->status, 405);
}

Test(web_admin, creating_a_user_is_the_apis)
{
	const char *csrf = web_csrf(&e, admin());
	struct resp *r = post(admin(), "/administration/anvandare",
			      create_body(csrf, "nils.ny", "Nils Ny " WEB_XSS, "sigtuna", ""));
	const char *pw;

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect(web_has(r, "Användaren nils.ny är skapad."));
	pw = shown_password(r);
	cr_expect_eq(strlen(pw), 20, "a generated password of 20 characters: %s", pw);
	cr_expect_str_eq(
	    sql_value(&e, "SELECT u.display_name || '|' || o.slug || '|' || u.active || '|' "
			  "|| u.admin FROM svk.users u JOIN svk.organisations o ON "
			  "o.id = u.organisation_id WHERE u.username = 'nils.ny'"),
	    "Nils Ny " WEB_XSS "|sigtuna|true|false");
	cr_expect_eq(audits("user.create", "nils.ny"), 1);
	cr_expect_str_eq(sql_value(&e, "SELECT actor FROM svk.audit WHERE action = 'user.create' "
				       "AND entity_id = 'nils.ny'"),
			 "admin");
	login(&e, "nils.ny", pw);
	/* Shown once: the list shows the user, escaped, and no password. */
	r = web_get(&e, admin(), "/administration");
	cr_expect(web_has(r, "nils.ny"));
	cr_expect(!web_has(r, pw), "the password is shown again");
	cr_expect(!web_has(r, WEB_XSS), "the name is not escaped");
	cr_expect(web_has(r, "&lt;script&gt;"));

	/* A given password (and the admin right) is the user's. */
	r = post(admin(), "/administration/anvandare",
		 strf(&e, "%s&admin=1",
		      create_body(csrf, "ada.admin", "Ada", "polisen", "ett långt lösenord")));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect(!web_has(r, "class=\"secret\""), "a given password is shown");
	cr_expect_str_eq(sql_value(&e, "SELECT admin::text FROM svk.users WHERE username = "
				       "'ada.admin'"),
			 "true");
	login(&e, "ada.admin", "ett långt lösenord");
}

/* A refused form: its status, the field's error beside it, what was typed
 * kept, nothing stored. */
static void expect_kept(struct resp *r, long status, const char *field, const char *error,
			const char *kept)
{
	cr_expect_eq(r->status, status, "%s: %s", field, resp_why(r));
	cr_expect(web_has(r, strf(&e, "id=\"fel-%s\"", field)), "%s: no error beside it: %.3000s",
		  field, r->body);
	cr_expect(web_has(r, strf(&e, "aria-describedby=\"fel-%s\"", field)), "%s", field);
	cr_expect(web_has(r, error), "%s: lacks %s", field, error);
	if (kept)
		cr_expect(web_has(r, kept), "%s: what was typed is lost (%s)", field, kept);
}

Test(web_admin, a_refused_user_keeps_what_was_typed)
{
	const char *csrf = web_csrf(&e, admin());
	const char *xss_kept = "Nils &lt;script&gt;";
	long users = sql_count(&e, "SELECT count(*) FROM svk.users");

	struct resp *r = post(admin(), "/administration/anvandare",
			      create_body(csrf, "Nils Ny", "Nils " WEB_XSS, "sigtuna", ""));

	expect_kept(r, 422, "username", "Användarnamnet ska vara", xss_kept);
	cr_expect(web_has(r, "Användaren skapades inte."), "no alert above the form");
	cr_expect(!web_has(r, "Medlemskapet sparades inte."), "another form's alert");
	expect_kept(post(admin(), "/administration/anvandare",
			 create_body(csrf, "nils.ny", "Nils", "sigtuna", "kort")),
		    422, "password", "minst 12 tecken", "value=\"nils.ny\"");
	expect_kept(post(admin(), "/administration/anvandare",
			 create_body(csrf, "nils.ny", "Nils", "finns-inte", "")),
		    422, "organisation", "Organisationen finns inte", "value=\"nils.ny\"");
	expect_kept(post(admin(), "/administration/anvandare",
			 create_body(csrf, "nils.ny", "", "sigtuna", "")),
		    422, "display_name", "Ange ett namn", "value=\"nils.ny\"");
	expect_kept(post(admin(), "/administration/anvandare",
			 create_body(csrf, "admin", "Nils " WEB_XSS, "sigtuna", "")),
		    409, "username", "Det finns redan en användare", xss_kept);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users"), users, "a user was stored");
	cr_expect_eq(users_named("nils.ny"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'user.create'"),
		     0);
}

Test(web_admin, non_admins_forged_and_cross_origin_posts_are_refused)
{
	const char *bered = user_in_group(&e, "bo.bered", "sollentuna", "beredningsgrupp",
					  "member");
	const char *mine = web_csrf(&e, bered), *csrf = web_csrf(&e, admin());
	const char *create = create_body(mine, "ny.person", "Ny", "sigtuna", "");
	long users = sql_count(&e, "SELECT count(*) FROM svk.users");
	long writes = sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action LIKE 'user.%' OR "
				    "action LIKE 'membership.%'");
	struct resp *r;

	expect_refused(bered, "bo.bered", "/administration/anvandare", create);
	expect_refused(bered, "bo.bered", "/administration/inaktivera",
		       strf(&e, "csrf=%s&username=admin", mine));
	expect_refused(bered, "bo.bered", "/administration/losenord",
		       strf(&e, "csrf=%s&r_username=admin&r_password=", mine));
	expect_refused(
	    bered, "bo.bered", "/administration/medlemskap",
	    strf(&e, "csrf=%s&m_group=styrgrupp&m_username=bo.bered&m_role=member", mine));
	expect_refused(bered, "bo.bered", "/administration/medlemskap/ta-bort",
		       strf(&e, "csrf=%s&group=beredningsgrupp&username=bo.bered", mine));
	/* Bad input too: the right comes first, so no page of the forms. */
	expect_refused(bered, "bo.bered", "/administration/medlemskap",
		       strf(&e, "csrf=%s&m_group=&m_username=&m_role=chair", mine));
	expect_refused(bered, "bo.bered", "/administration/adjungera/ta-bort",
		       strf(&e, "csrf=%s&group=&username=", mine));
	r = web_get(&e, bered, "/administration/adjungera");
	cr_expect_eq(r->status, 403, "a plain member's Adjungera: %s", resp_why(r));

	/* An admin's form without the session's token, with another's, or
	 * from another site. */
	r = post(admin(), "/administration/anvandare",
		 create_body("", "ny.person", "Ny", "sigtuna", ""));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = post(admin(), "/administration/anvandare", create);
	cr_expect_eq(r->status, 403, "another session's token: %s", resp_why(r));
	r = web_post(&e, admin(), "/administration/anvandare", NULL,
		     create_body(csrf, "ny.person", "Ny", "sigtuna", ""),
		     "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	r = web_post(&e, admin(), "/administration/inaktivera", NULL,
		     strf(&e, "csrf=%s&username=bo.bered", csrf), "Sec-Fetch-Site: cross-site");
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users"), users);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users WHERE NOT active"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action LIKE 'user.%' OR "
				   "action LIKE 'membership.%'"),
		     writes);
}

Test(web_admin, disabling_a_user_ends_their_sessions)
{
	const char *tok = user_in_group(&e, "dora.bort", "sigtuna", "est-sigtuna", "member");
	const char *csrf = web_csrf(&e, admin());
	struct resp *r;

	cr_assert_eq(http(&e, "GET", "/v1/me", tok, NULL)->status, 200);
	r = post(admin(), "/administration/inaktivera",
		 strf(&e, "csrf=%s&username=dora.bort", csrf));
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/administration?klart=inaktiverad");
	cr_expect_str_eq(sql_value(&e, "SELECT active::text FROM svk.users WHERE username = "
				       "'dora.bort'"),
			 "false");
	cr_expect_eq(audits("user.update", "dora.bort"), 1);
	cr_expect_eq(http(&e, "GET", "/v1/me", tok, NULL)->status, 401);
	r = web_get(&e, admin(), "/administration?klart=inaktiverad");
	cr_expect(web_has(r, "Användaren är inaktiverad."));
	cr_expect(web_has(r, "<strong>Inaktiverad</strong>"));

	/* The last active admin stays. */
	r = post(admin(), "/administration/inaktivera", strf(&e, "csrf=%s&username=admin", csrf));
	cr_expect_eq(r->status, 409, "%s", resp_why(r));
	cr_expect(web_has(r, "minst en aktiv administratör"));
	r = post(admin(), "/administration/inaktivera", strf(&e, "csrf=%s&username=ingen", csrf));
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	cr_expect(web_has(r, "Användaren finns inte."));
}

Test(web_admin, resetting_a_password)
{
	const char *pw = user_create(&e, "rut.reset", "sollentuna");
	const char *tok = login(&e, "rut.reset", pw), *csrf = web_csrf(&e, admin()), *fresh;
	struct resp *r;

	expect_kept(post(admin(), "/administration/losenord",
			 strf(&e, "csrf=%s&r_username=rut.reset&r_password=kort", csrf)),
		    422, "r_password", "minst 12 tecken", "value=\"rut.reset\"");
	expect_kept(post(admin(), "/administration/losenord",
			 strf(&e, "csrf=%s&r_username=admin&r_password=", csrf)),
		    422, "r_username", "Ditt eget lösenord", NULL);
	expect_kept(post(admin(), "/administration/losenord",
			 strf(&e, "csrf=%s&r_username=ingen.alls&r_password=", csrf)),
		    404, "r_username", "Det finns ingen användare", "value=\"ingen.alls\"");
	cr_expect_eq(audits("user.password", "rut.reset"), 0);

	r = post(admin(), "/administration/losenord",
		 strf(&e, "csrf=%s&r_username=rut.reset&r_password=", csrf));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "Lösenordet för rut.reset är återställt."));
	fresh = shown_password(r);
	cr_expect_eq(audits("user.password", "rut.reset"), 1);
	cr_expect_eq(http(&e, "GET", "/v1/me", tok, NULL)->status, 401, "the old session lives");
	r = http(&e, "POST", "/v1/sessions", NULL,
		 jsonf(&e, "{s:s, s:s}", "username", "rut.reset", "password", pw));
	cr_expect_eq(r->status, 401, "the old password works: %s", resp_why(r));
	login(&e, "rut.reset", fresh);

	r = post(admin(), "/administration/losenord",
		 strf(&e, "csrf=%s&r_username=rut.reset&r_password=%s", csrf,
		      web_enc(&e, "ett annat långt lösenord")));
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!web_has(r, "class=\"secret\""));
	login(&e, "rut.reset", "ett annat långt lösenord");
}

Test(web_admin, memberships_are_added_and_removed)
{
	const char *csrf = web_csrf(&e, admin());
	struct resp *r;

	user_create(&e, "mats.med", "sigtuna");
	r = post(admin(), "/administration/medlemskap",
		 strf(&e, "csrf=%s&m_group=est-sigtuna&m_username=mats.med&m_role=chair&m_until=",
		      csrf));
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(sql_value(&e, "SELECT m.role || ' ' || coalesce(m.until::text, '-') FROM "
				       "svk.memberships m JOIN svk.users u ON u.id = m.user_id "
				       "JOIN svk.groups g ON g.id = m.group_id WHERE "
				       "u.username = 'mats.med' AND g.slug = 'est-sigtuna'"),
			 "chair -");
	cr_expect_eq(audits("membership.put", "est-sigtuna/mats.med"), 1);
	r = web_get(&e, admin(), "/administration?klart=medlem");
	cr_expect(web_has(r, "Medlemskapet är sparat."));
	cr_expect(web_has(r, "Ordförande"));

	expect_kept(post(admin(), "/administration/medlemskap",
			 strf(&e,
			      "csrf=%s&m_group=est-sigtuna&m_username=mats.med"
			      "&m_role=decision_maker&m_until=",
			      csrf)),
		    422, "m_role", "Beslutsfattare finns bara i styrgruppen", "value=\"mats.med\"");
	expect_kept(post(admin(), "/administration/medlemskap",
			 strf(&e,
			      "csrf=%s&m_group=est-sigtuna&m_username=mats.med&m_role=member"
			      "&m_until=4%%20dec",
			      csrf)),
		    422, "m_until", "ÅÅÅÅ-MM-DD", "value=\"4 dec\"");
	expect_kept(post(admin(), "/administration/medlemskap",
			 strf(&e, "csrf=%s&m_group=est-sigtuna&m_username=%s&m_role=member", csrf,
			      web_enc(&e, WEB_XSS))),
		    404, "m_username", "Det finns ingen användare", "&lt;script&gt;");
	cr_expect_eq(audits("membership.put", "est-sigtuna/mats.med"), 1);

	r = post(admin(), "/administration/medlemskap/ta-bort",
		 strf(&e, "csrf=%s&group=est-sigtuna&username=mats.med", csrf));
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships m JOIN svk.users u ON "
				   "u.id = m.user_id WHERE u.username = 'mats.med'"),
		     0);
	cr_expect_eq(audits("membership.delete", "est-sigtuna/mats.med"), 1);
	r = post(admin(), "/administration/medlemskap/ta-bort",
		 strf(&e, "csrf=%s&group=est-sigtuna&username=mats.med", csrf));
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	cr_expect(web_has(r, "Medlemskapet finns inte längre."));
}

Test(web_admin, a_chair_coopts_into_their_groups_only)
{
	const char *chair = user_in_group(&e, "cilla.ordf", "sollentuna", "beredningsgrupp",
					  "chair");
	const char *csrf = web_csrf(&e, chair), *end, *past;
	struct resp *r;

	end = agreement_in_force(&e, 30);
	past = sql_value(&e, "SELECT (svk.today() - 1)::text");
	user_create(&e, "hugo.hem", "sigtuna");

	r = web_get(&e, chair, "/administration/adjungera");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(web_has(r, "value=\"est-sigtuna\""));
	cr_expect(web_has(r, "value=\"beredningsgrupp\""));
	cr_expect(!web_has(r, "value=\"styrgrupp\""), "the styrgrupp is offered");
	cr_expect(!web_has(r, "Skapa användare"));
	cr_expect_eq(web_get(&e, chair, "/administration")->status, 403);
	cr_expect(web_has(web_get(&e, chair, "/"), "href=\"/administration/adjungera\""),
		  "Översikt does not lead a chair to Adjungera");

	expect_kept(post(chair, "/administration/adjungera",
			 strf(&e, "csrf=%s&m_group=est-sigtuna&m_username=hugo.hem&m_until=%s",
			      csrf, past)),
		    422, "m_until", "redan passerat", "value=\"hugo.hem\"");
	expect_kept(
	    post(chair, "/administration/adjungera",
		 strf(&e, "csrf=%s&m_group=est-sigtuna&m_username=hugo.hem&m_until=", csrf)),
	    422, "m_until", "Ange ett slutdatum", "value=\"hugo.hem\"");
	cr_expect_eq(audits("membership.put", "est-sigtuna/hugo.hem"), 0);

	/* The styrgrupp is refused under the group's lock: audited, kept. */
	long before = audit_refusals(&e, "cilla.ordf");

	expect_kept(
	    post(chair, "/administration/adjungera",
		 strf(&e, "csrf=%s&m_group=styrgrupp&m_username=hugo.hem&m_until=%s", csrf, end)),
	    403, "m_group", "Styrgruppens medlemmar adjungeras inte", "value=\"hugo.hem\"");
	cr_expect_eq(audit_refusals(&e, "cilla.ordf"), before + 1);
	/* The admin's membership form, posted by a chair, shows the chair
	 * Adjungera again, never Administration. */
	r = post(chair, "/administration/medlemskap",
		 strf(&e,
		      "csrf=%s&m_group=est-sigtuna&m_username=hugo.hem&m_role=member&m_until=%s",
		      csrf, past));
	expect_kept(r, 422, "m_until", "redan passerat", "value=\"hugo.hem\"");
	cr_expect(web_has(r, "Adjungera medlemmar") && !web_has(r, "Skapa användare"),
		  "a chair is shown Administration");
	/* A chair's post asking for a role is the admin's: refused. */
	r = post(chair, "/administration/medlemskap",
		 strf(&e, "csrf=%s&m_group=est-sigtuna&m_username=hugo.hem&m_role=chair", csrf));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));

	r = post(chair, "/administration/adjungera",
		 strf(&e, "csrf=%s&m_group=est-sigtuna&m_username=hugo.hem&m_until=%s", csrf, end));
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(sql_value(&e, "SELECT m.role || ' ' || m.until || ' ' || c.username FROM "
				       "svk.memberships m JOIN svk.users u ON u.id = m.user_id "
				       "JOIN svk.users c ON c.id = m.coopted_by WHERE "
				       "u.username = 'hugo.hem'"),
			 strf(&e, "member %s cilla.ordf", end));
	cr_expect_eq(audits("membership.put", "est-sigtuna/hugo.hem"), 1);
	r = web_get(&e, chair, "/administration/adjungera?klart=adjungerad");
	cr_expect(web_has(r, "Medlemmen är adjungerad."));
	cr_expect_eq(web_count(r->body, "/administration/adjungera/ta-bort"), 1);

	/* Another's membership is not the chair's to remove. */
	r = post(chair, "/administration/adjungera/ta-bort",
		 strf(&e, "csrf=%s&group=beredningsgrupp&username=cilla.ordf", csrf));
	cr_expect_eq(r->status, 403, "%s", resp_why(r));
	cr_expect(web_has(r, "bara en administratör"));
	r = post(chair, "/administration/adjungera/ta-bort",
		 strf(&e, "csrf=%s&group=est-sigtuna&username=hugo.hem", csrf));
	cr_expect_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_eq(audits("membership.delete", "est-sigtuna/hugo.hem"), 1);
}

/* The server's time for the last 200 answer to GET path, from its log
 * line (ms=), printed for the record; -1 when there is none. */
static double server_ms(const char *path)
{
	FILE *f = fopen(e.log, "r");
	char line[2048];
	const char *want = strf(&e, "method=GET path=\"%s\" status=200 ms=", path);
	double ms = -1;

	cr_assert(f, "cannot read %s", e.log);
	while (fgets(line, sizeof line, f)) {
		const char *at = strstr(line, want);

		if (at)
			ms = strtod(at + strlen(want), NULL);
	}
	fclose(f);
	return ms;
}

Test(web_admin, the_users_page_with_the_apis_cursor)
{
	struct resp *r;
	const char *next;
	int first, second;

	for (int i = 0; i < 25; i++)
		user_create(&e, strf(&e, "sida.%02d", i), "polisen");
	r = web_get(&e, admin(), "/administration");
	cr_assert_eq(r->status, 200);
	first = web_count(r->body, USER_ROW);
	printf("GET /administration with %ld users: %.2f ms at the server\n",
	       sql_count(&e, "SELECT count(*) FROM svk.users"), server_ms("/administration"));
	cr_expect_eq(first, 20, "the first page has %d users", first);
	next = strstr(r->body, "rel=\"next\" href=\"/administration?fran=");
	cr_assert(next, "no next page");
	next += strlen("rel=\"next\" href=\"");
	next = strf(&e, "%.*s", (int)(strchr(next, '#') - next), next);
	r = web_get(&e, admin(), next);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	second = web_count(r->body, USER_ROW);
	cr_expect_eq(first + second, sql_count(&e, "SELECT count(*) FROM svk.users"),
		     "%d + %d users shown", first, second);
	cr_expect(web_has(r, "sida.24"));
	cr_expect(web_has(r, "Första sidan"));
	cr_expect(!web_has(r, "rel=\"next\""));
	cr_expect_eq(web_get(&e, admin(), "/administration?fran=%3Cx%3E")->status, 400);
}

/* ---- Skapa organisation, Skapa grupp ---------------------------------------------------- */

static const char *org_body(const char *csrf, const char *slug, const char *name, const char *kind)
{
	return strf(&e, "csrf=%s&o_slug=%s&o_name=%s&o_kind=%s", csrf, web_enc(&e, slug),
		    web_enc(&e, name), web_enc(&e, kind));
}

static const char *group_body(const char *csrf, const char *slug, const char *name,
			      const char *tier, const char *municipality)
{
	return strf(&e, "csrf=%s&g_slug=%s&g_name=%s&g_tier=%s&g_municipality=%s", csrf,
		    web_enc(&e, slug), web_enc(&e, name), web_enc(&e, tier),
		    web_enc(&e, municipality));
}

static long created_rows(void)
{
	return sql_count(&e, "SELECT (SELECT count(*) FROM svk.organisations) + (SELECT count(*) "
			     "FROM svk.groups) + (SELECT count(*) FROM svk.audit WHERE action IN "
			     "('organisation.create', 'group.create'))");
}

Test(web_admin, creating_an_organisation_and_a_group_is_the_apis)
{
	const char *csrf = web_csrf(&e, admin());
	struct resp *r = post(
	    admin(), "/administration/organisation",
	    strf(&e, "%s&o_party=1",
		 org_body(csrf, "vallentuna", "Vallentuna " WEB_XSS, "municipality")));

	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/administration?klart=organisation#h-org");
	cr_expect_str_eq(sql_value(&e, "SELECT name || '|' || kind || '|' || party FROM "
				       "svk.organisations WHERE slug = 'vallentuna'"),
			 "Vallentuna " WEB_XSS "|municipality|true");
	cr_expect_eq(audits("organisation.create", "vallentuna"), 1);
	cr_expect_str_eq(sql_value(&e, "SELECT actor FROM svk.audit WHERE action = "
				       "'organisation.create' AND entity_id = 'vallentuna'"),
			 "admin");
	r = web_get(&e, admin(), "/administration?klart=organisation");
	cr_expect(web_has(r, "Organisationen är skapad."));
	cr_expect(web_has(r, "<code>vallentuna</code>"), "the organisation is not listed");
	cr_expect(web_has(r, "Vallentuna &lt;script&gt;"), "the name is not shown as text");
	cr_expect(!web_has(r, WEB_XSS), "the name is not escaped");
	/* The new municipality is offered for an arbetsgrupp. */
	cr_expect(web_has(r, "<option value=\"vallentuna\">"), "%.200s", r->body);

	/* Not a party unless ticked. */
	r = post(admin(), "/administration/organisation",
		 org_body(csrf, "bostader", "Bostäder AB", "housing"));
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(sql_value(&e, "SELECT kind || '|' || party FROM svk.organisations "
				       "WHERE slug = 'bostader'"),
			 "housing|false");

	r = post(admin(), "/administration/grupp",
		 group_body(csrf, "est-vallentuna", "EST Vallentuna", "arbetsgrupp", "vallentuna"));
	cr_assert_eq(r->status, 303, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/administration?klart=grupp#h-grupper");
	cr_expect_str_eq(sql_value(&e, "SELECT g.name || '|' || g.tier || '|' || o.slug FROM "
				       "svk.groups g JOIN svk.organisations o ON o.id = "
				       "g.municipality_id WHERE g.slug = 'est-vallentuna'"),
			 "EST Vallentuna|arbetsgrupp|vallentuna");
	cr_expect_eq(audits("group.create", "est-vallentuna"), 1);
	r = web_get(&e, admin(), "/administration?klart=grupp");
	cr_expect(web_has(r, "Gruppen är skapad."));
	cr_expect(web_has(r, "EST Vallentuna <span class=\"tag\">Arbetsgrupp</span>"),
		  "the group is not listed");
	cr_expect(web_has(r, "<option value=\"est-vallentuna\">"), "not offered for members");
	/* The API sees them both. */
	cr_expect_eq(http(&e, "GET", "/v1/groups/est-vallentuna", admin(), NULL)->status, 200);
}

Test(web_admin, a_refused_organisation_or_group_stores_nothing)
{
	const char *bered = user_in_group(&e, "bo.bered", "sollentuna", "beredningsgrupp",
					  "member");
	const char *mine = web_csrf(&e, bered), *csrf = web_csrf(&e, admin());
	const char *xss_kept = "value=\"Ny &lt;script&gt;";
	long before = created_rows();
	struct resp *r;

	expect_refused(bered, "bo.bered", "/administration/organisation",
		       org_body(mine, "ny-org", "Ny", "other"));
	expect_refused(bered, "bo.bered", "/administration/grupp",
		       group_body(mine, "ny-grupp", "Ny", "beredningsgrupp", ""));
	r = post(admin(), "/administration/organisation", org_body("", "ny-org", "Ny", "other"));
	cr_expect_eq(r->status, 403, "no token: %s", resp_why(r));
	r = post(admin(), "/administration/grupp",
		 group_body(mine, "ny-grupp", "Ny", "beredningsgrupp", ""));
	cr_expect_eq(r->status, 403, "another session's token: %s", resp_why(r));
	r = web_post(&e, admin(), "/administration/organisation", NULL,
		     org_body(csrf, "ny-org", "Ny", "other"), "Origin: https://evil.example");
	cr_expect_eq(r->status, 403, "cross-origin: %s", resp_why(r));
	r = web_post(&e, admin(), "/administration/grupp", NULL,
		     group_body(csrf, "ny-grupp", "Ny", "beredningsgrupp", ""),
		     "Sec-Fetch-Site: cross-site");
	cr_expect_eq(r->status, 403, "cross-site: %s", resp_why(r));

	/* Bad input: the error beside its field, what was typed kept. */
	r = post(admin(), "/administration/organisation",
		 org_body(csrf, "Ny Org", "Ny " WEB_XSS, "housing"));
	expect_kept(r, 422, "o_slug", "Kortnamnet ska vara", xss_kept);
	cr_expect(web_has(r, "value=\"Ny Org\""), "the slug typed is lost");
	cr_expect(web_has(r, "<option value=\"housing\" selected>"), "the kind is lost");
	cr_expect(web_has(r, "Organisationen skapades inte."), "no alert above the form");
	cr_expect(!web_has(r, "Gruppen skapades inte."), "another form's alert");
	cr_expect(!web_has(r, WEB_XSS), "the name is not escaped");
	expect_kept(
	    post(admin(), "/administration/organisation", org_body(csrf, "ny-org", "Ny", "kommun")),
	    422, "o_kind", "Välj ett slag i listan.", "value=\"ny-org\"");
	expect_kept(post(admin(), "/administration/organisation",
			 org_body(csrf, "sigtuna", "Ny " WEB_XSS, "municipality")),
		    409, "o_slug", "Det finns redan en organisation med det kortnamnet.", xss_kept);
	r = post(admin(), "/administration/grupp",
		 group_body(csrf, "-ny", "Ny " WEB_XSS, "arbetsgrupp", "sigtuna"));
	expect_kept(r, 422, "g_slug", "Kortnamnet ska vara", xss_kept);
	cr_expect(web_has(r, "<option value=\"arbetsgrupp\" selected>"), "the tier is lost");
	cr_expect(web_has(r, "<option value=\"sigtuna\" selected>"), "the municipality is lost");
	cr_expect(web_has(r, "Gruppen skapades inte."), "no alert above the form");
	expect_kept(post(admin(), "/administration/grupp",
			 group_body(csrf, "ny-grupp", "Ny", "arbetsgrupp", "")),
		    422, "g_municipality", "En arbetsgrupp arbetar för en kommun",
		    "value=\"ny-grupp\"");
	expect_kept(post(admin(), "/administration/grupp",
			 group_body(csrf, "ny-grupp", "Ny", "arbetsgrupp", "polisen")),
		    422, "g_municipality", "Kommunen finns inte", "value=\"ny-grupp\"");
	expect_kept(post(admin(), "/administration/grupp",
			 group_body(csrf, "ny-grupp", "Ny", "styrgrupp", "sigtuna")),
		    422, "g_municipality", "Bara en arbetsgrupp har en kommun",
		    "value=\"ny-grupp\"");
	expect_kept(post(admin(), "/administration/grupp",
			 group_body(csrf, "styrgrupp", "Ny " WEB_XSS, "arbetsgrupp", "sigtuna")),
		    409, "g_slug", "Det finns redan en grupp med det kortnamnet.", xss_kept);
	cr_expect_eq(created_rows(), before, "something was stored");
}

/* An admin creates a user who signs in, a chair co-opts, in the browser
 * (tests/web/admin.mjs): axe-core on each page, screenshots at desktop and
 * phone width. */
Test(web_admin, admin_in_the_browser)
{
	const char *chair_pw = user_create(&e, "clara.ordf", "sollentuna");

	member_add(&e, "beredningsgrupp", "clara.ordf", "chair", NULL);
	user_create(&e, "hanna.hem", "sigtuna");

	web_browser_run(&e, "admin.mjs",
			(const char *const[]){
			    strf(&e, "SVK_WEB_ADMIN_PASSWORD=%s", e.admin_password),
			    strf(&e, "SVK_WEB_CHAIR_PASSWORD=%s", chair_pw),
			    strf(&e, "SVK_WEB_UNTIL=%s", agreement_in_force(&e, 30)),
			    NULL,
			});
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships m JOIN svk.users u ON "
				   "u.id = m.user_id JOIN svk.users c ON c.id = m.coopted_by "
				   "WHERE u.username = 'hanna.hem' AND c.username = 'clara.ordf'"),
		     1, "the co-option in the browser is not stored");
}
