/*
 * Every refusal of SPEC §3 that the directory and account endpoints have:
 * 403 with code `forbidden`, a detail naming the missing right, an audit
 * row `request.refused` and nothing changed — and next to each refusal the
 * nearest thing that is allowed, so a refusal cannot pass by refusing
 * everything.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(refusals, e, .timeout = 120);

Test(refusals, only_admins_manage_the_directory)
{
	/* The highest tier is no admin right. */
	const char *tok = user_in_group(&e, "sten.styr", "polisen", "styrgrupp", "decision_maker");
	const char *why = "admin right";

	user_create(&e, "nils.ny", "sigtuna");
	expect_refused_request(&e, "sten.styr", tok, "POST", "/v1/organisations",
			       "{\"slug\":\"ny-org\",\"name\":\"Ny\",\"kind\":\"other\"}", why);
	expect_refused_request(
	    &e, "sten.styr", tok, "POST", "/v1/users",
	    "{\"username\":\"nisse\",\"display_name\":\"Nisse\",\"organisation\":\"polisen\"}",
	    why);
	expect_refused_request(
	    &e, "sten.styr", tok, "POST", "/v1/groups",
	    "{\"slug\":\"ny-grupp\",\"name\":\"Ny\",\"tier\":\"beredningsgrupp\"}", why);
	expect_refused_request(&e, "sten.styr", tok, "PUT", "/v1/groups/styrgrupp/members/nils.ny",
			       "{\"role\":\"member\"}", "");
	expect_refused_request(&e, "sten.styr", tok, "PUT",
			       "/v1/groups/est-sigtuna/members/nils.ny", "{\"role\":\"member\"}",
			       "");
	expect_refused_request(&e, "sten.styr", tok, "DELETE",
			       "/v1/groups/styrgrupp/members/sten.styr", NULL, "");
	expect_refused_request(&e, "sten.styr", tok, "PATCH", "/v1/users/nils.ny",
			       "{\"active\":false}", why);
	/* Not even for oneself. */
	expect_refused_request(&e, "sten.styr", tok, "PATCH", "/v1/users/sten.styr",
			       "{\"admin\":true}", why);

	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), 4);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users"), 3);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.groups"), 5);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships"), 1);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users WHERE admin"), 1);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users WHERE NOT active"), 0);
	/* Reading is allowed. */
	cr_expect_eq(http(&e, "GET", "/v1/organisations", tok, NULL)->status, 200);
	cr_expect_eq(http(&e, "GET", "/v1/users/nils.ny", tok, NULL)->status, 200);
}

Test(refusals, a_beredningsgrupp_chair_co_opts_members_below_the_styrgrupp)
{
	const char *chair = user_in_group(&e, "cecilia.ordf", "sollentuna", "beredningsgrupp",
					  "chair");
	const char *until = agreement_in_force(&e, 30);
	const char *body = jsonf(&e, "{s:s, s:s}", "role", "member", "until", until);
	struct resp *r;

	r = http(&e, "POST", "/v1/organisations", admin_token(&e),
		 "{\"slug\":\"sigtunahem\",\"name\":\"Sigtunahem\",\"kind\":\"housing\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	user_create(&e, "hugo.hem", "sigtunahem");

	r = http(&e, "PUT", "/v1/groups/est-sigtuna/members/hugo.hem", chair, body);
	cr_expect_eq(r->status, 201, "co-opt into est-sigtuna: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "until"), until);
	r = http(&e, "PUT", "/v1/groups/beredningsgrupp/members/hugo.hem", chair, body);
	cr_expect_eq(r->status, 201, "co-opt into the beredningsgrupp: %s", resp_why(r));

	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/styrgrupp/members/hugo.hem", body, "styrgrupp");
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/est-sigtuna/members/hugo.hem",
			       jsonf(&e, "{s:s, s:s}", "role", "chair", "until", until), "chair");
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/beredningsgrupp/members/hugo.hem",
			       "{\"role\":\"chair\"}", "chair");
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/styrgrupp/members/hugo.hem",
			       "{\"role\":\"decision_maker\"}", "");

	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.memberships m JOIN svk.users u ON u.id = m.user_id "
		      "WHERE u.username = 'hugo.hem' AND m.role = 'member' AND m.until = $1::date",
		      until),
	    2, "the co-opted memberships are not the two asked for");
	cr_expect_eq(
	    sql_count(
		&e, "SELECT count(*) FROM svk.memberships m JOIN svk.groups g ON g.id = m.group_id "
		    "WHERE g.slug = 'styrgrupp'"),
	    0);
}

Test(refusals, other_members_may_not_co_opt)
{
	const char *member = user_in_group(&e, "mats.medl", "sigtuna", "beredningsgrupp", "member");
	const char *est_chair = user_in_group(&e, "eva.estordf", "sigtuna", "est-sigtuna", "chair");
	const char *body = "{\"role\":\"member\",\"until\":\"2099-01-01\"}";

	user_create(&e, "ulla.utan", "sigtuna");
	expect_refused_request(&e, "mats.medl", member, "PUT",
			       "/v1/groups/est-sigtuna/members/ulla.utan", body, "chair");
	expect_refused_request(&e, "mats.medl", member, "PUT",
			       "/v1/groups/beredningsgrupp/members/ulla.utan", body, "chair");
	/* Chairing an arbetsgrupp is not chairing the beredningsgrupp. */
	expect_refused_request(&e, "eva.estordf", est_chair, "PUT",
			       "/v1/groups/est-sigtuna/members/ulla.utan", body, "chair");
	expect_refused_request(&e, "mats.medl", member, "DELETE",
			       "/v1/groups/est-sigtuna/members/eva.estordf", NULL, "chair");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships"), 2);
}

Test(refusals, without_a_membership_only_me_is_readable)
{
	const char *tok = user_in_group(&e, "nora.ny", "sigtuna", NULL, NULL);
	struct resp *r;

	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(json_is_null(resp_get(r, "tier")), "%s", r->body);
	cr_expect_str_eq(resp_str(r, "user.username"), "nora.ny");

	expect_refused_request(&e, "nora.ny", tok, "GET", "/v1/organisations", NULL, "membership");
	expect_refused_request(&e, "nora.ny", tok, "GET", "/v1/organisations/sigtuna", NULL,
			       "membership");
	expect_refused_request(&e, "nora.ny", tok, "GET", "/v1/users", NULL, "membership");
	expect_refused_request(&e, "nora.ny", tok, "GET", "/v1/users/admin", NULL, "membership");
	expect_refused_request(&e, "nora.ny", tok, "GET", "/v1/groups", NULL, "membership");
	expect_refused_request(&e, "nora.ny", tok, "GET", "/v1/groups/est-sigtuna/members", NULL,
			       "membership");

	/* Script tokens are hers to make. */
	r = http(&e, "POST", "/v1/me/tokens", tok, "{\"name\":\"mine\",\"expires_in_days\":3}");
	cr_expect_eq(r->status, 201, "%s", resp_why(r));
}

Test(refusals, passwords_are_changed_by_their_owner_with_the_current_one_or_by_an_admin)
{
	const char *pw_ada = user_create(&e, "ada.ek", "sigtuna");
	const char *pw_bo = user_create(&e, "bo.ek", "sigtuna");
	const char *ada = login(&e, "ada.ek", pw_ada);
	const char *ada_other = login(&e, "ada.ek", pw_ada);
	const char *bo = login(&e, "bo.ek", pw_bo);
	const char *newpw = "a brand new password";
	struct resp *r;

	expect_refused_request(&e, "ada.ek", ada, "POST", "/v1/users/bo.ek/password",
			       jsonf(&e, "{s:s}", "password", newpw), "admin right");
	expect_refused_request(
	    &e, "ada.ek", ada, "POST", "/v1/users/bo.ek/password",
	    jsonf(&e, "{s:s, s:s}", "password", newpw, "current_password", pw_bo), "admin right");
	cr_expect_eq(http(&e, "GET", "/v1/me", bo, NULL)->status, 200, "bo's session ended");

	r = http(&e, "POST", "/v1/users/ada.ek/password", ada,
		 jsonf(&e, "{s:s}", "password", newpw));
	cr_expect_eq(r->status, 422, "own password without current_password: %s", resp_why(r));
	cr_expect(resp_names_field(r, "current_password"), "%s", r->body);
	r = http(
	    &e, "POST", "/v1/users/ada.ek/password", ada,
	    jsonf(&e, "{s:s, s:s}", "password", newpw, "current_password", "not the password"));
	cr_expect_eq(r->status, 422, "a wrong current_password: %s", resp_why(r));
	cr_expect(resp_names_field(r, "current_password"), "%s", r->body);
	r = http(&e, "POST", "/v1/users/ada.ek/password", ada,
		 jsonf(&e, "{s:s, s:s}", "password", "kort", "current_password", pw_ada));
	cr_expect_eq(r->status, 422, "a short new password: %s", resp_why(r));
	cr_expect(resp_names_field(r, "password"), "%s", r->body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'user.password'"),
		     0);

	r = http(&e, "POST", "/v1/users/ada.ek/password", ada,
		 jsonf(&e, "{s:s, s:s}", "password", newpw, "current_password", pw_ada));
	cr_expect_eq(r->status, 204, "%s", resp_why(r));
	cr_expect_eq(http(&e, "GET", "/v1/me", ada, NULL)->status, 200,
		     "the session that changed the password ended");
	cr_expect_eq(http(&e, "GET", "/v1/me", ada_other, NULL)->status, 401,
		     "another session survived the password change");
	cr_expect_eq(http(&e, "POST", "/v1/sessions", NULL,
			  jsonf(&e, "{s:s, s:s}", "username", "ada.ek", "password", pw_ada))
			 ->status,
		     401, "the old password still works");
	login(&e, "ada.ek", newpw);

	/* An admin resets without the current password; the user's sessions end. */
	r = http(&e, "POST", "/v1/users/bo.ek/password", admin_token(&e),
		 jsonf(&e, "{s:s}", "password", newpw));
	cr_expect_eq(r->status, 204, "%s", resp_why(r));
	cr_expect_eq(http(&e, "GET", "/v1/me", bo, NULL)->status, 401,
		     "bo's session survived a reset");
	login(&e, "bo.ek", newpw);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'user.password'"),
		     2);
}
