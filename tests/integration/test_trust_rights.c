/*
 * Who decides stays who SPEC §3 says (the security review's items 5 and
 * 6): an admin is never made a decision maker nor a decision maker an
 * admin, and a decision re-checks under the proposal's lock that its
 * maker still holds a live decision_maker membership, by Swedish date.
 */
#include <criterion/criterion.h>

#include "decisions_util.h"

ENV_SHARED_SUITE(trust_rights, e, .timeout = 120);

Test(trust_rights, an_admin_is_never_a_decision_maker_nor_a_decision_maker_an_admin)
{
	const char *admin = admin_token(&e);
	struct resp *r;

	user_create(&e, "ada.admin", "sigtuna");
	r = http(&e, "PATCH", "/v1/users/ada.admin", admin, "{\"admin\":true}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	r = http(&e, "PUT", "/v1/groups/styrgrupp/members/ada.admin", admin,
		 "{\"role\":\"decision_maker\"}");
	cr_expect_eq(r->status, 422, "an admin made decision maker: %s", resp_why(r));
	cr_expect(resp_names_field(r, "role"), "%s", resp_why(r));

	/* The other way round: a decision maker is not given the admin right. */
	director(SIGTUNA);
	r = http(&e, "PATCH", strf(&e, "/v1/users/%s", director_name(SIGTUNA)), admin,
		 "{\"admin\":true}");
	cr_expect_eq(r->status, 422, "a decision maker made admin: %s", resp_why(r));
	cr_expect(resp_names_field(r, "admin"), "%s", resp_why(r));

	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships m "
				   "JOIN svk.users u ON u.id = m.user_id "
				   "WHERE m.role = 'decision_maker' AND u.admin"),
		     0, "an admin holds a decision_maker membership");
}

Test(trust_rights, a_decision_rechecks_the_decision_makers_live_membership)
{
	const char *id = create(user(BERED), extension_body(2, "Förläng två år"));
	struct sqlres *q;

	submit_ok(user(BERED), id);
	director(SIGTUNA);
	/* The membership ended yesterday, Swedish time; a token looked up
	 * before midnight would still carry it, so the decision itself must
	 * see that it is gone. */
	cr_assert(sql_query(&e,
			    "UPDATE svk.memberships m SET until = svk.today() - 1 "
			    "FROM svk.users u WHERE u.id = m.user_id AND u.username = $1",
			    director_name(SIGTUNA))
		      ->ok);
	q = sql_query(&e,
		      "SELECT svk.proposal_decide(u.id, $2::uuid, 'approve', '') "
		      "FROM svk.users u WHERE u.username = $1",
		      director_name(SIGTUNA), id);
	cr_expect_not(q->ok, "a decision by an ended membership was stored");
	cr_expect_str_eq(q->sqlstate, "SV403", "%s", q->error ? q->error : "");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.decisions WHERE proposal_id = $1::uuid", id),
	    0);
}
