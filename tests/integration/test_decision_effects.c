/*
 * The effects of approving a proposal (SPEC §4; issue 4, 6): an approved
 * action plan is adopted with a snapshot of its interventions, an approved
 * follow_up adopts that year's follow-up; and what awaits the directors'
 * decisions cannot change until the proposal is returned or withdrawn.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "decisions_util.h"

ENV_SHARED_SUITE(decision_effects, e, .timeout = 120);

/* ---- 5. the effects of action_plan and follow_up ------------------------------------- */

Test(decision_effects, approving_adopts_the_action_plan_and_the_follow_up)
{
	const char *bered = user(BERED), *ag = agreement_id();
	const char *plan = plan_of("sigtuna"), *id, *i1, *i2;
	static const char *const two[] = { "polisen", "sigtuna" };
	struct resp *r;

	/* The action plan: adopted, with a snapshot of its interventions. */
	i1 = add_intervention(bered, plan, 2, "Avhopparverksamhet med socialtjänsten", "polisen");
	i2 = add_intervention(bered, plan, 4, "Trygghetsvandringar i Märsta", "sigtuna");
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:s, s:s}", "agreement", ag, "kind",
				 "action_plan", "title", "Anta Sigtunas åtgärdsplan", "action_plan",
				 plan, "proposal_text", "Styrgruppen antar åtgärdsplanen."));
	submit_ok(bered, id);
	expect_affected(get_proposal(bered, id), two, 2);
	expect_refused_request(&e, director_name(VASBY), director(VASBY), "POST",
			       strf(&e, "/v1/proposals/%s/decisions", id),
			       "{\"verdict\":\"approve\"}", "not affected");
	decide_ok(director(POLISEN), id, "approve", NULL);
	cr_expect_str_eq(
	    sql_value(&e, "SELECT status FROM svk.action_plans WHERE id = $1::uuid", plan), "draft",
	    "adopted before every affected organisation approved");
	r = decide_ok(director(SIGTUNA), id, "approve", NULL);
	cr_expect_str_eq(resp_str(r, "status"), "approved");

	r = http(&e, "GET", strf(&e, "/v1/action-plans/%s", plan), user(EST), NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "adopted");
	cr_expect(resp_str(r, "adopted_at") != NULL, "no adopted_at: %s", r->body);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.action_plan_versions "
			       "WHERE plan_id = $1::uuid",
			       plan),
		     1);
	cr_expect_eq(sql_count(&e,
			       "SELECT jsonb_array_length(snapshot->'interventions') FROM "
			       "svk.action_plan_versions WHERE plan_id = $1::uuid",
			       plan),
		     2, "the snapshot does not hold the plan's two interventions");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.action_plan_versions v, "
			       "jsonb_array_elements(v.snapshot->'interventions') i "
			       "WHERE v.plan_id = $1::uuid AND i->>'id' IN ($2, $3) "
			       "AND i->>'title' IN ('Avhopparverksamhet med socialtjänsten', "
			       "'Trygghetsvandringar i Märsta')",
			       plan, i1, i2),
		     2, "the snapshot's interventions are not the plan's");
	cr_expect_str_eq(sql_value(&e,
				   "SELECT snapshot->'plan'->>'id' FROM svk.action_plan_versions "
				   "WHERE plan_id = $1::uuid",
				   plan),
			 plan);
	cr_expect_eq(audit_rows("action_plan.adopt", plan), 1);
	/* The adopted plan is read-only, and is not adopted twice. */
	expect_conflict(http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), bered,
			     jsonf(&e, "{s:s, s:s, s:s}", "title", "Sent tillägg", "focus_area",
				   focus_area(1), "responsible_organisation", "sigtuna")),
			"add an intervention to an adopted plan");
	r = http(&e, "POST", "/v1/proposals", bered,
		 jsonf(&e, "{s:s, s:s, s:s, s:s}", "agreement", ag, "kind", "action_plan", "title",
		       "Anta igen", "action_plan", plan));
	expect_conflict(r, "propose an adopted plan again");
	cr_expect(strstr(r->body, "--new-version"), "the refusal does not say how to go on: %s",
		  r->body);

	/* The follow-up of 2025: adopted when all four parties approved. */
	r = http(&e, "POST", "/v1/proposals", bered,
		 jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", ag, "kind", "follow_up", "title",
		       "Uppföljning 2031", "follow_up_year", 2031));
	cr_expect_eq(r->status, 422, "a follow-up outside the agreement's years: %s", resp_why(r));
	cr_expect(resp_names_field(r, "follow_up_year"), "%s", r->body);
	id = create(bered,
		    jsonf(&e, "{s:s, s:s, s:s, s:i, s:s}", "agreement", ag, "kind", "follow_up",
			  "title", "Uppföljning 2025", "follow_up_year", 2025, "proposal_text",
			  "Styrgruppen fastställer uppföljningen för 2025."));
	submit_ok(bered, id);
	for (int o = 0; o < N_PARTIES; o++) {
		cr_expect_eq(
		    sql_count(&e, "SELECT count(*) FROM svk.follow_ups WHERE status = 'adopted'"),
		    0, "adopted before all four approved");
		r = decide_ok(director(o), id, "approve", NULL);
	}
	cr_expect_str_eq(resp_str(r, "status"), "approved");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.follow_ups WHERE agreement_id = $1::uuid "
			       "AND year = 2025 AND status = 'adopted' AND adopted_at IS NOT NULL "
			       "AND proposal_id = $2::uuid",
			       ag, id),
		     1, "the 2025 follow-up is not adopted");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.follow_ups"), 1);
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'follow_up.adopt'"), 1);
}

/*
 * What the directors approve is what is adopted: while a proposal awaits
 * their decisions, the plan and the follow-up it would adopt are frozen;
 * a return (återremiss) or a withdrawal opens them again. The progress log
 * of an intervention stays open.
 */
Test(decision_effects, what_awaits_a_decision_cannot_change_until_it_is_returned)
{
	const char *bered = user(BERED), *ag = agreement_id();
	const char *plan = plan_of("sigtuna"), *iv, *id;
	const char *fu = strf(&e, "/v1/agreements/%s/follow-ups/2025", ag);
	struct resp *r;

	iv = add_intervention(bered, plan, 4, "Trygghetsvandringar i Märsta", "polisen");
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:s}", "agreement", ag, "kind", "action_plan",
				 "title", "Anta Sigtunas åtgärdsplan", "action_plan", plan));
	submit_ok(bered, id);
	decide_ok(director(POLISEN), id, "approve", NULL);

	r = http(&e, "PATCH", strf(&e, "/v1/action-plans/%s", plan), bered,
		 "{\"title\":\"Ändrad under beslut\"}");
	expect_conflict(r, "rename a plan awaiting its decision");
	cr_expect(strstr(resp_str(r, "detail") ? resp_str(r, "detail") : "", id),
		  "the refusal does not name the proposal: %s", r->body);
	expect_conflict(http(&e, "PATCH", strf(&e, "/v1/interventions/%s", iv), bered,
			     "{\"title\":\"Ändrad insats\"}"),
			"change an intervention of a plan awaiting its decision");
	expect_conflict(http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), bered,
			     jsonf(&e, "{s:s, s:s, s:s}", "title", "Sent tillägg", "focus_area",
				   focus_area(4), "responsible_organisation", "sigtuna")),
			"add an intervention to a plan awaiting its decision");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.interventions WHERE plan_id = $1::uuid "
			       "AND title = 'Trygghetsvandringar i Märsta'",
			       plan),
		     1, "a refused change was stored");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE plan_id = $1::uuid", plan),
	    1, "a refused intervention was stored");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.action_plans WHERE id = $1::uuid "
			       "AND title = 'Ändrad under beslut'",
			       plan),
		     0, "a refused rename was stored");
	r = http(&e, "POST", strf(&e, "/v1/interventions/%s/updates", iv), bered,
		 "{\"note\":\"Första vandringen genomförd\",\"status\":\"ongoing\"}");
	cr_expect_eq(r->status, 201, "the progress log closed while under decision: %s",
		     resp_why(r));

	/* Returned (återremiss): a draft again, and the plan can change. */
	decide_ok(director(SIGTUNA), id, "return", "Komplettera med skolan.");
	r = http(&e, "PATCH", strf(&e, "/v1/action-plans/%s", plan), bered,
		 "{\"title\":\"Åtgärdsplan Sigtuna, komplettering\"}");
	cr_expect_eq(r->status, 200, "rename after the return: %s", resp_why(r));
	r = http(&e, "PATCH", strf(&e, "/v1/interventions/%s", iv), bered,
		 "{\"title\":\"Trygghetsvandringar med skolan\"}");
	cr_expect_eq(r->status, 200, "change an intervention after the return: %s", resp_why(r));

	/* The follow-up: frozen while submitted, open again once withdrawn. */
	r = http(&e, "PUT", fu, bered, "{\"results\":\"Otryggheten minskade.\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", ag, "kind", "follow_up",
				 "title", "Uppföljning 2025", "follow_up_year", 2025));
	submit_ok(bered, id);
	r = http(&e, "PUT", fu, bered, "{\"results\":\"Ändrat medan styrgruppen beslutar.\"}");
	expect_conflict(r, "change a follow-up awaiting its decision");
	cr_expect(strstr(resp_str(r, "detail") ? resp_str(r, "detail") : "", "awaits"), "%s",
		  r->body);
	expect_conflict(http(&e, "PUT", fu, bered, "{\"oral\":true}"),
			"set oral on a follow-up awaiting its decision");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.follow_ups WHERE year = 2025 "
				   "AND results = 'Otryggheten minskade.' AND NOT oral"),
		     1, "a refused change of the follow-up was stored");
	cr_expect_eq(http(&e, "GET", fu, user(EST), NULL)->status, 200, "reading is still open");
	cr_expect_eq(proposal_post(bered, id, "withdraw")->status, 200);
	r = http(&e, "PUT", fu, bered, "{\"results\":\"Otryggheten minskade tydligt.\"}");
	cr_expect_eq(r->status, 200, "change the follow-up after the withdrawal: %s", resp_why(r));
}
