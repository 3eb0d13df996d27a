/*
 * The record of decisions (SPEC §4): a subject — a plan, a follow-up year,
 * the agreement's end — has at most one proposal under decision, nothing
 * already adopted is decided again, an adopted follow-up keeps the figures
 * that were approved, adopted plan versions stay readable, and an edit that
 * changes nothing writes nothing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decisions_util.h"

ENV_SHARED_SUITE_OPTS(record, e, &(struct env_opts){ .need_cli = true }, .timeout = 180);

#define cli_as(tok_, ...)                                                              \
	cli_v(&e,                                                                      \
	      &(struct cli_opts){ .home = "rec",                                       \
				  .env = { strf(&e, "SAMVERKAN_TOKEN=%s", (tok_)) } }, \
	      (const char *const[]){ __VA_ARGS__, NULL })

static const char *show(const struct proc *p)
{
	return strf(&e, "exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s", p->status, p->out,
		    p->err);
}

/* The director of every affected organisation approves: the proposal's
 * effect applies. */
static void approve_all(const char *id)
{
	static const char *const slug[N_PARTIES] = { [POLISEN] = "polisen",
						     [SOLLENTUNA] = "sollentuna",
						     [VASBY] = "upplands-vasby",
						     [SIGTUNA] = "sigtuna" };
	const json_t *affected = resp_get(get_proposal(user(BERED), id), "affected");
	struct resp *r = NULL;

	for (int o = 0; o < N_PARTIES; o++)
		if (array_has(affected, slug[o]))
			r = decide_ok(director(o), id, "approve", NULL);
	cr_assert(r, "nobody is affected");
	cr_assert_str_eq(resp_str(r, "status"), "approved", "%s", r->body);
}

/* A 409 whose detail contains want. */
static void expect_conflict_saying(struct resp *r, const char *want, const char *what)
{
	const char *detail = resp_str(r, "detail");

	expect_conflict(r, what);
	cr_expect(detail && strstr(detail, want), "%s: the refusal does not say \"%s\": %s", what,
		  want, r->body);
}

static const char *valid_to(void)
{
	return sql_value(&e, "SELECT valid_to::text FROM svk.agreements");
}

static long audits(const char *action)
{
	return sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = $1", action);
}

/* ---- 1. one decision per subject ------------------------------------------------ */

Test(record, two_extensions_cannot_both_move_the_end)
{
	const char *bered = user(BERED);
	const char *four = create(bered, extension_body(4, "Förlängning fyra år"));
	const char *two = create(bered, extension_body(2, "Förlängning två år"));

	submit_ok(bered, four);
	expect_conflict_saying(proposal_post(bered, two, "submit"), four,
			       "a second extension under decision");
	cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", two),
			 "draft");

	approve_all(four);
	cr_expect_str_eq(valid_to(), "2030-12-31");
	/* The second was written for the end of 2026: it can no longer take effect. */
	expect_conflict_saying(proposal_post(bered, two, "submit"), "2030-12-31",
			       "an extension of an end that has moved");
	cr_expect_str_eq(valid_to(), "2030-12-31");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions"), 1);
	cr_expect_eq(proposal_post(bered, two, "withdraw")->status, 200);

	/* A new proposal, written now, extends the new end. */
	const char *next = create(bered, extension_body(1, "Förlängning ett år till"));
	cr_expect_str_eq(resp_str(get_proposal(bered, next), "extends_valid_to"), "2030-12-31");
}

Test(record, one_action_plan_proposal_at_a_time_and_never_one_for_an_adopted_plan)
{
	const char *bered = user(BERED), *ag = agreement_id(), *plan = plan_of("sigtuna");
	const char *body = jsonf(&e, "{s:s, s:s, s:s, s:s}", "agreement", ag, "kind", "action_plan",
				 "title", "Anta Sigtunas åtgärdsplan", "action_plan", plan);
	const char *first, *second;
	struct resp *r;

	add_intervention(bered, plan, 1, "Trygghetsvandringar", "sigtuna");
	first = create(bered, body);
	second = create(bered, body);
	submit_ok(bered, first);
	expect_conflict_saying(proposal_post(bered, second, "submit"), first,
			       "a second proposal for the plan");
	approve_all(first);

	/* The draft left behind can never wait for a decision in vain. */
	expect_conflict_saying(proposal_post(bered, second, "submit"), "--new-version",
			       "submit a proposal for an adopted plan");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.proposals WHERE status = 'submitted'"),
		     0);
	r = http(&e, "POST", "/v1/proposals", bered, body);
	expect_conflict_saying(r, "--new-version", "create a proposal for an adopted plan");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.proposals"), 2, "stored anyway");

	/* Its next version can be proposed. */
	r = http(&e, "PATCH", strf(&e, "/v1/action-plans/%s", plan), bered,
		 "{\"status\":\"draft\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	submit_ok(bered, second);
}

Test(record, an_adopted_follow_up_is_not_decided_again)
{
	const char *bered = user(BERED), *ag = agreement_id();
	const char *body = jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", ag, "kind", "follow_up",
				 "title", "Uppföljning 2025", "follow_up_year", 2025);
	const char *first = create(bered, body), *late = create(bered, body);
	const char *adopted_at;

	submit_ok(bered, first);
	expect_conflict_saying(proposal_post(bered, late, "submit"), first,
			       "a second follow-up proposal for 2025");
	approve_all(first);
	adopted_at = sql_value(&e, "SELECT adopted_at::text FROM svk.follow_ups WHERE year = 2025");

	expect_conflict_saying(proposal_post(bered, late, "submit"), "already adopted",
			       "submit a follow-up proposal for an adopted year");
	expect_conflict_saying(http(&e, "POST", "/v1/proposals", bered, body), "already adopted",
			       "create a follow-up proposal for an adopted year");
	cr_expect_str_eq(
	    sql_value(&e, "SELECT adopted_at::text FROM svk.follow_ups WHERE year = 2025"),
	    adopted_at, "the adoption was replaced");
	cr_expect_str_eq(
	    sql_value(&e, "SELECT proposal_id::text FROM svk.follow_ups WHERE year = 2025"), first);
	cr_expect_eq(audits("follow_up.adopt"), 1);
}

/* ---- 2. an adopted follow-up is frozen, statistics included ---------------------- */

static long stat_of(const char *tok, int year, const char *path)
{
	struct resp *r = http(&e, "GET",
			      strf(&e, "/v1/agreements/%s/follow-ups/%d", agreement_id(), year),
			      tok, NULL);
	json_t *v;

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	v = resp_get(r, strf(&e, "statistics.%s", path));
	cr_assert(json_is_number(v), "no number at statistics.%s: %s", path, r->body);
	return (long)json_number_value(v);
}

static void incident(const char *tok, const char *at)
{
	struct resp *r = http(&e, "POST", "/v1/incidents", tok,
			      jsonf(&e, "{s:s, s:s, s:s, s:s}", "occurred_at", at, "municipality",
				    "sigtuna", "place", "Centrum", "category", "klotter"));

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
}

Test(record, an_adopted_follow_up_keeps_the_statistics_that_were_approved)
{
	const char *bered = user(BERED), *est = user(EST), *plan = plan_of("sigtuna"), *id;
	int now = (int)sql_count(&e, "SELECT extract(year FROM svk.today())::int");
	struct resp *r;

	/* An intervention of 2025 with 10 hours, and 4 more logged now (2026 or
	 * later: the agreement then runs on as if extended). */
	agreement_in_force(&e, 30);
	r = http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), bered,
		 jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:i}", "title", "Nattvandring", "focus_area",
		       focus_area(1), "responsible_organisation", "sigtuna", "starts_on",
		       "2025-01-01", "due_on", strf(&e, "%d-12-31", now), "hours_spent", 10));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	r = http(&e, "POST", strf(&e, "/v1/interventions/%s/updates", resp_str(r, "id")), bered,
		 "{\"note\":\"Vandring i december\",\"hours\":4}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(stat_of(bered, 2025, "interventions.hours"), 10,
		     "hours logged after 2025 count in 2025");
	cr_expect_eq(stat_of(bered, now, "interventions.hours"), 14);

	incident(est, "2025-03-01T10:00");
	incident(est, "2025-04-01T10:00");
	cr_expect_eq(stat_of(bered, 2025, "incidents.total"), 2);
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", agreement_id(), "kind",
				 "follow_up", "title", "Uppföljning 2025", "follow_up_year", 2025));
	submit_ok(bered, id);
	approve_all(id);

	/* Reported afterwards for 2025: the adopted report does not change... */
	incident(est, "2025-05-01T10:00");
	cr_expect_eq(stat_of(bered, 2025, "incidents.total"), 2,
		     "the adopted follow-up's statistics changed");
	r = http(&e, "GET", strf(&e, "/v1/agreements/%s/follow-ups/2025/report", agreement_id()),
		 bered, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(sql_count(&e, "SELECT count(*) FROM svk.follow_ups WHERE year = 2025 "
				"AND statistics->'incidents'->>'total' = '2'") == 1,
		  "no snapshot stored with the adoption");
	/* ...while a draft year shows the data as it is. */
	cr_expect_eq(stat_of(bered, 2026, "incidents.previous_year"), 3);
}

/* ---- 3. adopted plan versions stay readable ---------------------------------- */

Test(record, adopted_plan_versions_stay_readable)
{
	const char *bered = user(BERED), *est = user(EST), *plan = plan_of("sigtuna");
	const char *iv, *id, *base = strf(&e, "/v1/action-plans/%s", plan);
	struct resp *r;
	struct proc *p;

	iv = add_intervention(bered, plan, 1, "Trygghetsvandringar i Märsta", "sigtuna");
	id = create(bered, jsonf(&e, "{s:s, s:s, s:s, s:s}", "agreement", agreement_id(), "kind",
				 "action_plan", "title", "Anta planen", "action_plan", plan));
	submit_ok(bered, id);
	approve_all(id);
	r = http(&e, "PATCH", base, bered, "{\"status\":\"draft\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	r = http(&e, "PATCH", strf(&e, "/v1/interventions/%s", iv), bered,
		 "{\"title\":\"Kameraövervakning vid stationen\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));

	r = http(&e, "GET", base, est, NULL);
	cr_expect_eq(json_integer_value(resp_get(r, "version")), 2);
	cr_expect_eq(json_integer_value(resp_get(r, "version_in_force")), 1, "%s", r->body);

	r = http(&e, "GET", strf(&e, "%s/versions", base), est, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "items.0.version")), 1, "%s", r->body);
	cr_expect(json_is_true(resp_get(r, "items.0.in_force")), "%s", r->body);

	r = http(&e, "GET", strf(&e, "%s/versions/1", base), est, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "interventions.0.title"), "Trygghetsvandringar i Märsta");
	cr_expect_str_eq(resp_str(r, "plan.status"), "adopted");

	r = http_send(&e, &(struct http_req){ .path = strf(&e, "%s/versions/1", base),
					      .token = est,
					      .headers = { "Accept: text/csv" } });
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(strstr(r->body, "Trygghetsvandringar i Märsta"), "%s", r->body);
	cr_expect_null(strstr(r->body, "Kameraövervakning"), "%s", r->body);
	cr_expect(strstr(resp_header(r, "Content-Disposition"), "version-1"));

	cr_expect_eq(http(&e, "GET", strf(&e, "%s/versions/2", base), est, NULL)->status, 404);
	cr_expect_eq(http(&e, "GET", strf(&e, "%s/versions/x1", base), est, NULL)->status, 404);
	cr_expect_eq(http(&e, "GET",
			  "/v1/action-plans/00000000-0000-4000-8000-000000000000/versions", est,
			  NULL)
			 ->status,
		     404);

	/* From the terminal. */
	p = cli_as(est, "plans", "versions", plan, "-o", "table");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "VERSION") && strstr(p->out, "Anta planen") == NULL, "%s",
		  show(p));
	p = cli_as(est, "plans", "show", plan, "--version", "1", "-o", "table");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "Trygghetsvandringar i Märsta"), "%s", show(p));
	cr_expect_null(strstr(p->out, "Kameraövervakning"), "%s", show(p));
	p = cli_as(est, "plans", "show", plan, "--version", "7");
	cr_expect_eq(p->status, 4, "%s", show(p));
	p = cli_as(est, "plans", "list", "--municipality", "sigtuna", "-o", "table");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "IN FORCE"), "%s", show(p));
}

/* ---- 4. an edit that changes nothing writes nothing --------------------------- */

Test(record, an_edit_that_changes_nothing_writes_nothing)
{
	const char *bered = user(BERED), *plan = plan_of("sigtuna");
	const char *fu = strf(&e, "/v1/agreements/%s/follow-ups/2026", agreement_id());
	const char *file = strf(&e, "%s/resultat.md", e.dir), *iv, *id, *etag;
	struct resp *r;
	struct proc *p;
	FILE *f;

	/* The CLI's follow-up edits the agreement in force. */
	agreement_in_force(&e, 30);
	iv = add_intervention(bered, plan, 1, "Nattvandring", "sigtuna");
	id = create(bered, extension_body(1, "Förlängning"));
	r = http(&e, "PUT", fu, bered, "{\"results\":\"Otryggheten minskade.\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	r = http(&e, "PUT", fu, bered, "{\"results\":\"Otryggheten minskade.\"}");
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "results"), "Otryggheten minskade.");
	cr_expect_eq(audits("follow_up.update"), 1, "an unchanged PUT was audited");

	r = get_proposal(bered, id);
	etag = strf(&e, "%s", resp_header(r, "ETag"));
	r = http(&e, "PATCH", strf(&e, "/v1/proposals/%s", id), bered,
		 "{\"title\":\"Förlängning\",\"extension_years\":1}");
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "ETag"), etag, "an unchanged PATCH changed the ETag");
	r = http(
	    &e, "PATCH", strf(&e, "/v1/action-plans/%s", plan), bered,
	    jsonf(&e, "{s:s}", "title",
		  sql_value(&e, "SELECT title FROM svk.action_plans WHERE id = $1::uuid", plan)));
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	r = http(&e, "PATCH", strf(&e, "/v1/interventions/%s", iv), bered,
		 "{\"title\":\"Nattvandring\",\"rag\":\"green\"}");
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(audits("proposal.update") + audits("action_plan.update") +
			 audits("intervention.update"),
		     0, "an unchanged PATCH was audited");

	/* The same membership again (bo.beredning is a member already). */
	long puts = audits("membership.put");
	r = http(&e, "PUT", strf(&e, "/v1/groups/beredningsgrupp/members/%s", name(BERED)),
		 admin_token(&e), "{\"role\":\"member\"}");
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "role"), "member", "%s", r->body);
	cr_expect_eq(audits("membership.put"), puts, "an unchanged membership was audited");

	/* A change is still written. */
	r = http(&e, "PATCH", strf(&e, "/v1/interventions/%s", iv), bered, "{\"rag\":\"red\"}");
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(audits("intervention.update"), 1);

	/* The CLI sends nothing when it can tell. */
	f = fopen(file, "w");
	cr_assert(f);
	fputs("Otryggheten minskade.\n", f);
	cr_assert_eq(fclose(f), 0);
	p = cli_as(bered, "followup", "edit", "2026", "--results-file", file);
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "nothing changed") || strstr(p->err, "nothing changed"), "%s",
		  show(p));
	cr_expect_eq(audits("follow_up.update"), 1, "%s", show(p));
}
