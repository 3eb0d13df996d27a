/*
 * The decision workflow (SPEC §3, §4; issue 4) end to end: who may prepare
 * and who may decide, which organisations a proposal affects, the two user
 * stories of the issue (extending the agreement with a return in between;
 * a prioritisation with resource commitments, approved or rejected) and the
 * inbox of proposals awaiting one's organisation. The effects of approving
 * are in test_decision_effects.c, concurrency in test_races.c.
 *
 * Every test has its own database (seeded with the agreement 2023-01-01 –
 * 2026-12-31, its four parties, four focus areas and one draft plan per
 * municipality) and its own daemon; users are made through the API.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decisions_util.h"

ENV_SHARED_SUITE(decisions, e, .timeout = 120);

/* ---- 1. rights ------------------------------------------------------------------ */

Test(decisions, only_the_beredningsgrupp_and_up_prepare_proposals)
{
	const char *bered = user(BERED), *est = user(EST);
	const char *body = extension_body(2, "Förlängning av överenskommelsen");
	const char *id, *etag, *stale;
	struct resp *r;

	/* An EST member reads proposals but prepares none. */
	expect_refused_request(&e, name(EST), est, "POST", "/v1/proposals", body,
			       "beredningsgrupp");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.proposals"), 0,
		     "a refused creation stored a proposal");

	id = create(bered, body);
	r = http(&e, "GET", strf(&e, "/v1/proposals/%s", id), est, NULL);
	cr_expect_eq(r->status, 200, "an EST member reads a proposal: %s", resp_why(r));
	expect_refused_request(&e, name(EST), est, "PATCH", strf(&e, "/v1/proposals/%s", id),
			       "{\"title\":\"Kapad\"}", "beredningsgrupp");
	expect_refused_request(&e, name(EST), est, "POST", strf(&e, "/v1/proposals/%s/submit", id),
			       NULL, "beredningsgrupp");
	expect_refused_request(&e, name(EST), est, "POST",
			       strf(&e, "/v1/proposals/%s/withdraw", id), NULL, "beredningsgrupp");
	cr_expect_str_eq(sql_value(&e,
				   "SELECT status || ' ' || title FROM svk.proposals "
				   "WHERE id = $1::uuid",
				   id),
			 "draft Förlängning av överenskommelsen",
			 "a refused request changed the draft");

	/* Rights are cumulative upwards: the styrgrupp may prepare too. */
	create(user(STYR), extension_body(1, "Styrgruppens eget underlag"));

	/* Editing a draft with the current entity tag; then the old tag is stale. */
	r = get_proposal(bered, id);
	stale = resp_header(r, "ETag");
	cr_assert(stale, "GET /v1/proposals/{id} has no ETag");
	stale = strf(&e, "%s", stale);
	r = http_send(&e, &(struct http_req){ .method = "PATCH",
					      .path = strf(&e, "/v1/proposals/%s", id),
					      .token = bered,
					      .body = "{\"title\":\"Förlängning med två år\"}",
					      .headers = { strf(&e, "If-Match: %s", stale) } });
	cr_assert_eq(r->status, 200, "PATCH with the current ETag: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "title"), "Förlängning med två år");
	r = http_send(&e, &(struct http_req){ .method = "PATCH",
					      .path = strf(&e, "/v1/proposals/%s", id),
					      .token = bered,
					      .body = "{\"title\":\"Förlorad ändring\"}",
					      .headers = { strf(&e, "If-Match: %s", stale) } });
	cr_expect_eq(r->status, 412, "PATCH with a stale ETag: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "precondition_failed");
	cr_expect_str_eq(resp_str(get_proposal(bered, id), "title"), "Förlängning med två år",
			 "a PATCH refused with 412 changed the title");

	/* Submitted: no more edits, whatever the tag. */
	submit_ok(bered, id);
	r = get_proposal(bered, id);
	etag = strf(&e, "%s", resp_header(r, "ETag") ? resp_header(r, "ETag") : "");
	expect_conflict(
	    http_send(&e, &(struct http_req){ .method = "PATCH",
					      .path = strf(&e, "/v1/proposals/%s", id),
					      .token = bered,
					      .body = "{\"title\":\"Sent ändrad\"}",
					      .headers = { strf(&e, "If-Match: %s", etag) } }),
	    "PATCH a submitted proposal with its current ETag");
	expect_conflict(
	    http(&e, "PATCH", strf(&e, "/v1/proposals/%s", id), bered, "{\"extension_years\":4}"),
	    "PATCH a submitted proposal");
	expect_conflict(proposal_post(bered, id, "submit"), "submit twice");
	r = get_proposal(bered, id);
	cr_expect_str_eq(resp_str(r, "title"), "Förlängning med två år");
	cr_expect_eq(json_integer_value(resp_get(r, "extension_years")), 2);

	/* Withdrawn, from submitted; then it is final. */
	r = proposal_post(bered, id, "withdraw");
	cr_expect_eq(r->status, 200, "withdraw: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "withdrawn");
	expect_conflict(proposal_post(bered, id, "withdraw"), "withdraw twice");
	expect_conflict(proposal_post(bered, id, "submit"), "submit a withdrawn proposal");
	expect_conflict(decide(director(POLISEN), id, "approve", "Ja"),
			"decide a withdrawn proposal");
	cr_expect_eq(count_decisions(id), 0);
	cr_expect_str_eq(sql_value(&e, "SELECT valid_to::text FROM svk.agreements"), "2026-12-31");

	/* A draft may be withdrawn too. */
	id = create(bered, extension_body(3, "Utkast som dras tillbaka"));
	r = proposal_post(bered, id, "withdraw");
	cr_expect_eq(r->status, 200, "withdraw a draft: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "withdrawn");
}

Test(decisions, only_a_decision_maker_of_an_affected_organisation_decides)
{
	const char *bered = user(BERED), *police2 = user(POLICE2);
	const char *ext, *prio, *draft, *path;
	struct resp *r;

	ext = create(bered, extension_body(4, "Förlängning med fyra år"));
	submit_ok(bered, ext);
	path = strf(&e, "/v1/proposals/%s/decisions", ext);

	/* Neither the admin right, nor styrgrupp membership, nor preparing decides. */
	expect_refused_request(&e, "admin", admin_token(&e), "POST", path,
			       "{\"verdict\":\"approve\"}",
			       "admin right does not include deciding");
	expect_refused_request(&e, name(STYR), user(STYR), "POST", path,
			       "{\"verdict\":\"approve\"}", "decision-maker");
	expect_refused_request(&e, name(BERED), bered, "POST", path, "{\"verdict\":\"approve\"}",
			       "decision-maker");
	/* Nor may a director decide for another organisation. */
	expect_refused_request(&e, director_name(SOLLENTUNA), director(SOLLENTUNA), "POST", path,
			       "{\"verdict\":\"approve\",\"organisation\":\"polisen\"}",
			       "deciding organisation");
	cr_expect_eq(count_decisions(ext), 0, "a refused decision was stored");

	/* A prioritisation that commits only police resources: the directors
	 * of the municipalities are decision makers, but not affected. */
	prio = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}]}", "agreement",
				   agreement_id(), "kind", "prioritisation", "title",
				   "Ökad polisnärvaro i centrum", "resources", "organisation",
				   "polisen", "description", "Kvällspatrull fredag och lördag",
				   "amount", 200.0, "unit", "timmar"));
	submit_ok(bered, prio);
	for (int o = SOLLENTUNA; o < N_PARTIES; o++)
		expect_refused_request(&e, director_name(o), director(o), "POST",
				       strf(&e, "/v1/proposals/%s/decisions", prio),
				       "{\"verdict\":\"approve\"}", "not affected");
	cr_expect_eq(count_decisions(prio), 0);

	/* One decision per organisation and round: a second one is a conflict,
	 * whichever of the organisation's decision makers tries. */
	r = decide_ok(director(SOLLENTUNA), ext, "approve", "Sollentuna kommun tillstyrker.");
	cr_expect_str_eq(resp_str(r, "status"), "submitted");
	expect_conflict(decide(director(SOLLENTUNA), ext, "reject", "Ångrar mig"),
			"the same director decides twice");
	decide_ok(director(POLISEN), ext, "approve", NULL);
	expect_conflict(decide(police2, ext, "approve", "Jag också"),
			"a second decision maker of polisen decides in the same round");
	cr_expect_eq(count_decisions(ext), 2);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.decisions d JOIN svk.users u "
			       "ON u.id = d.decided_by WHERE d.proposal_id = $1::uuid "
			       "AND u.username = $2",
			       ext, name(POLICE2)),
		     0);
	cr_expect_str_eq(sql_value(&e,
				   "SELECT verdict FROM svk.decisions d JOIN svk.organisations o "
				   "ON o.id = d.organisation_id WHERE d.proposal_id = $1::uuid "
				   "AND o.slug = 'sollentuna'",
				   ext),
			 "approve", "the second decision replaced the first");

	/* A draft is not decided; neither is an approved proposal. */
	draft = create(bered, extension_body(1, "Ännu inte inlämnad"));
	expect_conflict(decide(director(POLISEN), draft, "approve", NULL), "decide a draft");
	cr_expect_eq(count_decisions(draft), 0);
	r = decide_ok(director(POLISEN), prio, "approve", "Polisen avsätter timmarna.");
	cr_expect_str_eq(resp_str(r, "status"), "approved");
	expect_conflict(decide(police2, prio, "reject", "För sent"), "decide an approved proposal");
	expect_conflict(decide(director(POLISEN), prio, "approve", "Igen"),
			"decide an approved proposal again");
	cr_expect_eq(count_decisions(prio), 1);
	cr_expect_str_eq(
	    sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", prio),
	    "approved");

	/* An unknown verdict is a validation error. */
	r = decide(director(VASBY), ext, "maybe", NULL);
	cr_expect_eq(r->status, 422, "verdict maybe: %s", resp_why(r));
	cr_expect(resp_names_field(r, "verdict"), "the 422 does not name verdict: %s", r->body);
	cr_expect_eq(count_decisions(ext), 2);
}

/* ---- 2. affected organisations ---------------------------------------------------- */

Test(decisions, the_affected_organisations_follow_the_kind)
{
	const char *bered = user(BERED);
	const char *ag = agreement_id(), *id, *plan = plan_of("sigtuna");
	static const char *const all[] = { "polisen", "sollentuna", "upplands-vasby", "sigtuna" };
	static const char *const two[] = { "polisen", "sigtuna" };
	static const char *const sigtuna_only[] = { "sigtuna" };
	struct resp *r;

	/* extension and follow_up: every party of the agreement. */
	id = create(bered, extension_body(2, "Förlängning"));
	submit_ok(bered, id);
	expect_affected(get_proposal(bered, id), all, 4);
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", ag, "kind", "follow_up",
				 "title", "Uppföljning 2025", "follow_up_year", 2025));
	submit_ok(bered, id);
	expect_affected(get_proposal(bered, id), all, 4);

	/* prioritisation: the organisations of its resource lines, each once. */
	id = create(bered,
		    jsonf(&e,
			  "{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}, {s:s, s:s, s:f, s:s}, "
			  "{s:s, s:s, s:f, s:s}]}",
			  "agreement", ag, "kind", "prioritisation", "title",
			  "Trygghet i Märsta centrum", "focus_area", focus_area(4), "resources",
			  "organisation", "polisen", "description", "Kommunpoliser kvällstid",
			  "amount", 300.0, "unit", "timmar", "organisation", "sigtuna",
			  "description", "Fältassistenter", "amount", 450000.0, "unit", "kr",
			  "organisation", "polisen", "description", "Ordningsvakter", "amount", 2.0,
			  "unit", "personer"));
	submit_ok(bered, id);
	expect_affected(get_proposal(bered, id), two, 2);

	/* The affected organisations are fixed at each submission: returned
	 * and edited to commit other resources, it binds the new ones. */
	r = decide_ok(director(SIGTUNA), id, "return", "Sollentuna bör stå för insatsen.");
	cr_expect_str_eq(resp_str(r, "status"), "draft");
	r = http(&e, "PATCH", strf(&e, "/v1/proposals/%s", id), bered,
		 jsonf(&e, "{s:[{s:s, s:s, s:f, s:s}]}", "resources", "organisation", "sollentuna",
		       "description", "Fältassistenter", "amount", 450000.0, "unit", "kr"));
	cr_assert_eq(r->status, 200, "edit the resources: %s", resp_why(r));
	submit_ok(bered, id);
	{
		static const char *const sollentuna_only[] = { "sollentuna" };
		expect_affected(get_proposal(bered, id), sollentuna_only, 1);
	}
	expect_refused_request(&e, director_name(SIGTUNA), director(SIGTUNA), "POST",
			       strf(&e, "/v1/proposals/%s/decisions", id),
			       "{\"verdict\":\"approve\"}", "not affected");
	cr_expect(list_has_id(http(&e, "GET", "/v1/me/pending", director(SOLLENTUNA), NULL), id),
		  "the newly affected organisation has nothing pending");
	cr_expect(!list_has_id(http(&e, "GET", "/v1/me/pending", director(POLISEN), NULL), id),
		  "an organisation no longer affected still has it pending");
	decide_ok(director(SOLLENTUNA), id, "approve", NULL);
	cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", id),
			 "approved", "the one affected organisation's approval did not approve");

	/* ...and at least one line, or nobody could decide. */
	for (int variant = 0; variant < 2; variant++) {
		const char *body = variant == 0
				       ? jsonf(&e, "{s:s, s:s, s:s}", "agreement", ag, "kind",
					       "prioritisation", "title", "Utan resurser")
				       : jsonf(&e, "{s:s, s:s, s:s, s:[]}", "agreement", ag, "kind",
					       "prioritisation", "title", "Tom resurslista",
					       "resources");
		id = create(bered, body);
		r = proposal_post(bered, id, "submit");
		cr_expect_eq(r->status, 422, "submit %s: %s", body, resp_why(r));
		cr_expect_str_eq(resp_code(r), "validation");
		cr_expect(resp_names_field(r, "resources"), "the 422 does not name resources: %s",
			  r->body);
		r = get_proposal(bered, id);
		cr_expect_str_eq(resp_str(r, "status"), "draft");
		cr_expect_eq(json_array_size(resp_get(r, "affected")), 0);
	}

	/* action_plan: the plan's municipality... */
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:s}", "agreement", ag, "kind", "action_plan",
				 "title", "Åtgärdsplan Sigtuna", "action_plan", plan));
	submit_ok(bered, id);
	expect_affected(get_proposal(bered, id), sigtuna_only, 1);
	cr_expect_eq(proposal_post(bered, id, "withdraw")->status, 200);

	/* ...plus every party responsible for one of its interventions; a
	 * co-opted housing company responsible for one decides nothing. */
	r = http(&e, "POST", "/v1/organisations", admin_token(&e),
		 "{\"slug\":\"sigtunahem\",\"name\":\"Sigtunahem\",\"kind\":\"housing\",\"party\":"
		 "false}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	add_intervention(bered, plan, 2, "Avhopparverksamhet med socialtjänsten", "polisen");
	add_intervention(bered, plan, 4, "Trygghetsvandringar i Märsta", "sigtuna");
	add_intervention(bered, plan, 4, "Belysning i bostadsområden", "sigtunahem");
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:s}", "agreement", ag, "kind", "action_plan",
				 "title", "Åtgärdsplan Sigtuna med insatser", "action_plan", plan));
	submit_ok(bered, id);
	expect_affected(get_proposal(bered, id), two, 2);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.proposal_affected "
			       "WHERE proposal_id = $1::uuid",
			       id),
		     2);
}

/* ---- 3. story 1: extending the agreement ------------------------------------------- */

/*
 * As the beredningsgrupp, I draft the extension of the agreement by four
 * years and submit it to the styrgrupp, so that our collaboration goes on
 * after 2026-12-31.
 * As the local police area chief and as the directors of Sollentuna and
 * Upplands Väsby, we approve it. As the director of Sigtuna, I return it
 * (återremiss) with a comment, because the background lacks the yearly
 * follow-ups.
 * As the beredningsgrupp, I see the proposal back as a draft in round 2
 * with the round-1 decisions kept, edit it and submit it again; all four
 * approve, and the agreement is valid to 2030-12-31 with the extension on
 * record, in the audit log too.
 */
Test(decisions, story_1_the_agreement_is_extended_after_a_return)
{
	const char *bered = user(BERED);
	const char *ag = agreement_id(), *id, *etag;
	const char *return_comment = "Återremiss: komplettera med de årliga uppföljningarna.";
	struct resp *r;
	json_t *d, *ext;
	size_t i;
	int round1 = 0, round2 = 0;

	id = create(bered,
		    extension_body(4, "Förlängning av samverkansöverenskommelsen med fyra år"));
	submit_ok(bered, id);
	for (int o = 0; o < N_PARTIES; o++)
		cr_expect(list_has_id(http(&e, "GET", "/v1/me/pending", director(o), NULL), id),
			  "the proposal is not in the inbox of %s", director_name(o));

	decide_ok(director(POLISEN), id, "approve", "Polisen tillstyrker.");
	decide_ok(director(SOLLENTUNA), id, "approve", "Sollentuna tillstyrker.");
	r = decide_ok(director(VASBY), id, "approve", NULL);
	cr_expect_str_eq(resp_str(r, "status"), "submitted", "approved before all four decided");
	r = decide_ok(director(SIGTUNA), id, "return", return_comment);
	cr_expect_str_eq(resp_str(r, "status"), "draft");

	/* Back as a draft in round 2; round 1 is history, not forgotten. */
	r = get_proposal(bered, id);
	cr_expect_str_eq(resp_str(r, "status"), "draft");
	cr_expect_eq(json_integer_value(resp_get(r, "round")), 2);
	d = resp_get(r, "decisions");
	cr_expect_eq(json_array_size(d), 4, "the round-1 decisions: %s", r->body);
	json_array_foreach (d, i, ext) {
		const char *org = json_string_value(json_object_get(ext, "organisation"));
		const char *verdict = json_string_value(json_object_get(ext, "verdict"));
		cr_expect_eq(json_integer_value(json_object_get(ext, "round")), 1);
		if (org && strcmp(org, "sigtuna") == 0) {
			cr_expect_str_eq(verdict, "return");
			cr_expect_str_eq(json_string_value(json_object_get(ext, "comment")),
					 return_comment);
			cr_expect_str_eq(json_string_value(json_object_get(ext, "decided_by")),
					 director_name(SIGTUNA));
		} else {
			cr_expect_str_eq(verdict, "approve", "%s", org ? org : "?");
		}
	}
	cr_expect_str_eq(sql_value(&e, "SELECT valid_to::text FROM svk.agreements"), "2026-12-31",
			 "a returned extension moved valid_to");
	for (int o = 0; o < N_PARTIES; o++)
		cr_expect(!list_has_id(http(&e, "GET", "/v1/me/pending", director(o), NULL), id),
			  "a returned draft is still in the inbox of %s", director_name(o));

	/* Edited (If-Match) and submitted again. */
	etag = resp_header(r, "ETag");
	cr_assert(etag, "no ETag");
	r = http_send(&e,
		      &(struct http_req){
			  .method = "PATCH",
			  .path = strf(&e, "/v1/proposals/%s", id),
			  .token = bered,
			  .body = "{\"background\":\"Uppföljningarna 2023–2025 visar att samverkan "
				  "fungerar; se bilagorna.\"}",
			  .headers = { strf(&e, "If-Match: %s", etag) } });
	cr_assert_eq(r->status, 200, "edit the returned draft: %s", resp_why(r));
	submit_ok(bered, id);
	r = get_proposal(bered, id);
	cr_expect_eq(json_integer_value(resp_get(r, "round")), 2);
	for (int o = 0; o < N_PARTIES; o++)
		cr_expect(list_has_id(http(&e, "GET", "/v1/me/pending", director(o), NULL), id),
			  "the resubmitted proposal is not in the inbox of %s", director_name(o));

	/* Round 2: all four approve; only the last approval extends. */
	for (int o = 0; o < N_PARTIES; o++) {
		r = decide_ok(director(o), id, "approve", "Tillstyrks.");
		if (o < N_PARTIES - 1) {
			cr_expect_str_eq(resp_str(r, "status"), "submitted");
			cr_expect_str_eq(sql_value(&e, "SELECT valid_to::text FROM svk.agreements"),
					 "2026-12-31");
		}
	}
	cr_expect_str_eq(resp_str(r, "status"), "approved");

	r = http(&e, "GET", strf(&e, "/v1/proposals/%s/decisions", id), user(EST), NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	json_array_foreach (resp_get(r, "items"), i, d) {
		long round = (long)json_integer_value(json_object_get(d, "round"));
		round1 += round == 1;
		round2 += round == 2;
	}
	cr_expect(round1 == 4 && round2 == 4, "decisions per round: %d and %d (%s)", round1, round2,
		  r->body);

	r = http(&e, "GET", strf(&e, "/v1/agreements/%s", ag), user(EST), NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "valid_to"), "2030-12-31");
	ext = resp_get(r, "extensions");
	cr_assert_eq(json_array_size(ext), 1, "extensions: %s", r->body);
	cr_expect_eq(json_integer_value(json_path(ext, "0.years")), 4);
	cr_expect_str_eq(json_string_value(json_path(ext, "0.from")), "2026-12-31");
	cr_expect_str_eq(json_string_value(json_path(ext, "0.to")), "2030-12-31");
	cr_expect_str_eq(json_string_value(json_path(ext, "0.proposal")), id);
	cr_expect_eq(json_integer_value(resp_get(r, "days_remaining")),
		     days_from_civil(2030, 12, 31) - today_days(), "days_remaining: %s", r->body);
	cr_expect_str_eq(resp_str(r, "status"), "active");

	cr_expect_eq(audit_rows("proposal.submit", id), 2);
	cr_expect_eq(audit_rows("decision.approve", id), 7);
	cr_expect_eq(audit_rows("decision.return", id), 1);
	cr_expect_eq(audit_rows("proposal.return", id), 1);
	cr_expect_eq(audit_rows("proposal.approve", id), 1);
	cr_expect_eq(audit_rows("agreement.extend", ag), 1);
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'decision.return' "
			       "AND actor = $1 AND organisation = 'sigtuna' AND entity_id = $2",
			       director_name(SIGTUNA), id),
		     1, "the return is not audited as Sigtuna's director's");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'agreement.extend' "
			       "AND before->>'valid_to' = '2026-12-31' "
			       "AND after->>'valid_to' = '2030-12-31'"),
		     1, "the extension's audit row does not say from and to");

	/* Decided proposals are immutable. */
	expect_conflict(
	    http(&e, "PATCH", strf(&e, "/v1/proposals/%s", id), bered, "{\"extension_years\":1}"),
	    "edit an approved proposal");
	expect_conflict(proposal_post(bered, id, "withdraw"), "withdraw an approved proposal");
}

/* ---- 4. story 2: a prioritisation with resources ------------------------------------ */

static const char *prioritisation(const char *title)
{
	return create(
	    user(BERED),
	    jsonf(&e,
		  "{s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}, "
		  "{s:s, s:s, s:f, s:s}]}",
		  "agreement", agreement_id(), "kind", "prioritisation", "title", title,
		  "background", "Lägesbilden visar ökande ordningsstörningar vid stationen.",
		  "proposal_text",
		  "Polisen och Sigtuna kommun prioriterar stationsområdet under 2026.",
		  "focus_area", focus_area(4), "resources", "organisation", "polisen",
		  "description", "Kommunpoliser fredag och lördag kväll", "amount", 320.0, "unit",
		  "timmar", "organisation", "sigtuna", "description",
		  "Fältassistenter och trygghetsvärdar", "amount", 450000.0, "unit", "kr"));
}

static struct resp *priorities(void)
{
	struct resp *r = http(&e, "GET", strf(&e, "/v1/agreements/%s/priorities", agreement_id()),
			      user(EST), NULL);

	cr_assert_eq(r->status, 200, "GET priorities: %s", resp_why(r));
	return r;
}

/*
 * As the beredningsgrupp, I propose that the police and Sigtuna prioritise
 * the area around Märsta station, each committing resources.
 * As the police area chief and the director of Sigtuna, we are the ones to
 * decide (the director of Sollentuna, whose organisation commits nothing,
 * cannot); when we both approve, the priority is on the agreement's list
 * with what each of us committed. When either of us rejects it instead,
 * it is rejected and nothing is on the list.
 */
Test(decisions, story_2_a_prioritisation_binds_the_organisations_that_commit)
{
	const char *bered = user(BERED), *id;
	static const char *const two[] = { "polisen", "sigtuna" };
	static const struct {
		int rejecter;
		bool other_first; /* the other organisation approved before */
	} rejections[] = {
		{ POLISEN, false }, { POLISEN, true }, { SIGTUNA, false }, { SIGTUNA, true }
	};
	struct resp *r;
	json_t *item, *res, *line;
	size_t i;
	bool seen_polisen = false, seen_sigtuna = false;

	/* A reject by either, before or after the other's approval, rejects. */
	for (size_t k = 0; k < sizeof rejections / sizeof rejections[0]; k++) {
		int rejecter = rejections[k].rejecter,
		    other = rejecter == POLISEN ? SIGTUNA : POLISEN;

		id = prioritisation(strf(&e, "Förslag som avslås (%zu)", k));
		submit_ok(bered, id);
		if (rejections[k].other_first)
			decide_ok(director(other), id, "approve", "Tillstyrks.");
		r = decide_ok(director(rejecter), id, "reject", "Resurserna räcker inte i år.");
		cr_expect_str_eq(resp_str(r, "status"), "rejected", "case %zu", k);
		cr_expect_str_eq(resp_str(get_proposal(user(EST), id), "status"), "rejected");
		if (!rejections[k].other_first)
			expect_conflict(decide(director(other), id, "approve", "För sent"),
					"approve a rejected proposal");
		cr_expect_eq(count_decisions(id), rejections[k].other_first ? 2 : 1, "case %zu", k);
		cr_expect_eq(audit_rows("decision.reject", id), 1, "case %zu", k);
		cr_expect(
		    !list_has_id(http(&e, "GET", "/v1/me/pending", director(other), NULL), id),
		    "a rejected proposal is still pending (case %zu)", k);
		expect_conflict(proposal_post(bered, id, "withdraw"),
				"withdraw a rejected proposal");
		r = priorities();
		cr_expect_eq(json_array_size(resp_get(r, "items")), 0,
			     "a rejected priority is listed (case %zu): %s", k, r->body);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.priorities"), 0);
	}

	id = prioritisation("Trygghet kring Märsta station kvällstid");
	submit_ok(bered, id);
	expect_affected(get_proposal(bered, id), two, 2);

	expect_refused_request(&e, director_name(SOLLENTUNA), director(SOLLENTUNA), "POST",
			       strf(&e, "/v1/proposals/%s/decisions", id),
			       "{\"verdict\":\"approve\",\"comment\":\"Bra\"}", "not affected");
	r = decide_ok(director(SIGTUNA), id, "approve", "Sigtuna avsätter medlen.");
	cr_expect_str_eq(resp_str(r, "status"), "submitted");
	r = priorities();
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0,
		     "a half-approved priority is listed");

	r = decide_ok(director(POLISEN), id, "approve", "Polisen avsätter timmarna.");
	cr_expect_str_eq(resp_str(r, "status"), "approved");
	cr_expect(resp_str(r, "decided_at") != NULL, "no decided_at: %s", r->body);

	r = priorities();
	cr_assert_eq(json_array_size(resp_get(r, "items")), 1, "priorities: %s", r->body);
	item = resp_get(r, "items.0");
	cr_expect_str_eq(json_string_value(json_object_get(item, "proposal")), id);
	cr_expect_str_eq(json_string_value(json_object_get(item, "title")),
			 "Trygghet kring Märsta station kvällstid");
	cr_expect_str_eq(json_string_value(json_object_get(item, "focus_area")), focus_area(4));
	res = json_object_get(item, "resources");
	cr_expect_eq(json_array_size(res), 2, "resources: %s", r->body);
	json_array_foreach (res, i, line) {
		const char *org = json_string_value(json_object_get(line, "organisation"));
		double amount = json_number_value(json_object_get(line, "amount"));
		const char *unit = json_string_value(json_object_get(line, "unit"));
		const char *desc = json_string_value(json_object_get(line, "description"));

		if (org && strcmp(org, "polisen") == 0) {
			seen_polisen = true;
			cr_expect(amount == 320.0, "polisen's amount %f", amount);
			cr_expect_str_eq(unit, "timmar");
			cr_expect_str_eq(desc, "Kommunpoliser fredag och lördag kväll");
		} else if (org && strcmp(org, "sigtuna") == 0) {
			seen_sigtuna = true;
			cr_expect(amount == 450000.0, "sigtuna's amount %f", amount);
			cr_expect_str_eq(unit, "kr");
			cr_expect_str_eq(desc, "Fältassistenter och trygghetsvärdar");
		} else {
			cr_expect_fail("a resource line of %s", org ? org : "?");
		}
	}
	cr_expect(seen_polisen && seen_sigtuna, "the priority's resources: %s", r->body);
	cr_expect_eq(audit_rows("priority.approve", id), 1);
	for (int o = 0; o < N_PARTIES; o++)
		cr_expect(!list_has_id(http(&e, "GET", "/v1/me/pending", director(o), NULL), id),
			  "an approved proposal is in the inbox of %s", director_name(o));
}

/* ---- 6. the inbox ------------------------------------------------------------------ */

static void expect_pending(const char *who, const char *t, const char *const ids[], size_t n,
			   const char *const not_ids[], size_t m)
{
	struct resp *r = http(&e, "GET", "/v1/me/pending", t, NULL);

	cr_assert_eq(r->status, 200, "pending of %s: %s", who, resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), n, "pending of %s: %s", who, r->body);
	for (size_t i = 0; i < n; i++)
		cr_expect(list_has_id(r, ids[i]), "%s's inbox lacks %s", who, ids[i]);
	for (size_t i = 0; i < m; i++)
		cr_expect(!list_has_id(r, not_ids[i]), "%s's inbox has %s", who, not_ids[i]);
}

Test(decisions, the_inbox_lists_what_awaits_my_organisation)
{
	const char *bered = user(BERED), *police2 = user(POLICE2);
	const char *ext = create(bered, extension_body(2, "Förlängning"));
	const char *prio = prioritisation("Trygghet kring Märsta station");
	const char *draft = create(bered, extension_body(1, "Utkast"));
	const char *both[] = { ext, prio }, *only_ext[] = { ext }, *not_ext[] = { prio, draft },
		   *none[] = { ext, prio, draft };

	submit_ok(bered, ext);
	submit_ok(bered, prio);

	expect_pending("polisen", director(POLISEN), both, 2, &draft, 1);
	expect_pending("polisen 2", police2, both, 2, &draft, 1);
	expect_pending("sigtuna", director(SIGTUNA), both, 2, &draft, 1);
	expect_pending("sollentuna", director(SOLLENTUNA), only_ext, 1, not_ext, 2);
	expect_pending("upplands-vasby", director(VASBY), only_ext, 1, not_ext, 2);
	/* Nobody else decides, so nobody else has anything pending. */
	expect_pending("styrgrupp member", user(STYR), NULL, 0, none, 3);
	expect_pending("beredningsgrupp", bered, NULL, 0, none, 3);
	expect_pending("EST", user(EST), NULL, 0, none, 3);
	expect_pending("admin", admin_token(&e), NULL, 0, none, 3);

	/* Once polisen decided, neither of its decision makers sees it. */
	decide_ok(police2, prio, "approve", NULL);
	expect_pending("polisen", director(POLISEN), only_ext, 1, not_ext, 2);
	expect_pending("polisen 2", police2, only_ext, 1, not_ext, 2);
	expect_pending("sigtuna", director(SIGTUNA), both, 2, &draft, 1);

	decide_ok(director(SOLLENTUNA), ext, "approve", NULL);
	expect_pending("sollentuna", director(SOLLENTUNA), NULL, 0, none, 3);
	expect_pending("upplands-vasby", director(VASBY), only_ext, 1, not_ext, 2);

	/* Decided or returned: gone from every inbox. */
	decide_ok(director(SIGTUNA), prio, "approve", NULL);
	decide_ok(director(VASBY), ext, "return", "Mer underlag behövs.");
	for (int o = 0; o < N_PARTIES; o++)
		expect_pending(director_name(o), director(o), NULL, 0, none, 3);
	/* Resubmitted: round 2 awaits everyone again, Sollentuna included. */
	submit_ok(bered, ext);
	for (int o = 0; o < N_PARTIES; o++)
		expect_pending(director_name(o), director(o), only_ext, 1, not_ext, 2);
}
