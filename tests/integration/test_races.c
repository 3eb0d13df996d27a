/*
 * Concurrency in the decision workflow (SPEC §4: "Two decision-makers
 * acting at the same moment, on one server or on two servers sharing the
 * database, must leave a consistent result: one decision per organisation
 * per round, one effect").
 *
 * Each race fires two requests truly at once: two threads, each with its
 * own libcurl handle and an already open TLS connection, released together
 * by a barrier. Nothing here waits for time to pass; the invariants are
 * asserted every time, whatever order the requests happened to reach the
 * database in, so they must hold by constraints and locks:
 *
 *   (a) two decision makers of the same organisation decide together:
 *       one 201, one 409, one decision row;
 *   (b) the last two approvals arrive together: both 201, the proposal
 *       approved, one extension row, valid_to moved exactly once;
 *   (c) the last approval races a withdrawal: either approved with its
 *       effect (the withdrawal refused 409) or withdrawn without it (the
 *       approval refused 409).
 *   (d) two imports bring the same incidents at once: both 201, each
 *       incident stored once, and both answers name the same incidents.
 *
 * Each race runs ROUNDS times on fresh proposals against one daemon
 * (rounds 0..ROUNDS-1), then ROUNDS times against two daemon processes
 * serving the same database, one request to each (the second daemon on
 * another port through the environment variable SAMVERKAND_SERVER_LISTEN;
 * rounds ROUNDS..2*ROUNDS-1). The second daemon and the racers are in
 * races_util.c.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "races_util.h"

#define ROUNDS 10

static struct env e;

/* Two workers: the racers may also meet in two threads of one daemon. */
ENV_SHARED_SUITE_OPTS(races, e, &(struct env_opts){ .workers = 2 }, .timeout = 240);

/* ---- the people ----------------------------------------------------------- */

enum { POLISEN, SOLLENTUNA, VASBY, SIGTUNA, N_PARTIES };

enum who { BERED, DIRECTOR, POLICE2 = DIRECTOR + N_PARTIES, N_WHO };

static const struct {
	const char *username, *org, *group, *role;
} cast[N_WHO] = {
	[BERED] = { "bo.beredning", "sollentuna", "beredningsgrupp", "member" },
	[DIRECTOR + POLISEN] = { "per.polischef", "polisen", "styrgrupp", "decision_maker" },
	[DIRECTOR +
	    SOLLENTUNA] = { "sara.sollentuna", "sollentuna", "styrgrupp", "decision_maker" },
	[DIRECTOR + VASBY] = { "ulf.vasby", "upplands-vasby", "styrgrupp", "decision_maker" },
	[DIRECTOR + SIGTUNA] = { "siv.sigtuna", "sigtuna", "styrgrupp", "decision_maker" },
	[POLICE2] = { "pia.polis", "polisen", "styrgrupp", "decision_maker" },
};

/* The user's token, the user made on first use. */
static const char *user(enum who w)
{
	static const char *tokens[N_WHO];

	if (!tokens[w])
		tokens[w] = user_in_group(&e, cast[w].username, cast[w].org, cast[w].group,
					  cast[w].role);
	return tokens[w];
}

/* ---- the workflow through daemon 1 (setting up each race) ---------------------- */

static const char *agreement_id(void)
{
	return sql_value(&e, "SELECT id::text FROM svk.agreements");
}

static const char *valid_to(void)
{
	return sql_value(&e, "SELECT valid_to::text FROM svk.agreements");
}

/* A submitted extension by years (the one of the round before, if it still
 * awaits decisions, is withdrawn: one extension is under decision at a time). */
static const char *submitted_extension(int years, int round)
{
	const char *prev = sql_count(&e, "SELECT count(*) FROM svk.proposals "
					 "WHERE kind = 'extension' AND status = 'submitted'")
			       ? sql_value(&e, "SELECT id::text FROM svk.proposals "
					       "WHERE kind = 'extension' AND status = 'submitted'")
			       : NULL;
	struct resp *r;

	if (prev) {
		r = http(&e, "POST", strf(&e, "/v1/proposals/%s/withdraw", prev), user(BERED),
			 NULL);
		cr_assert_eq(r->status, 200, "withdraw: %s", resp_why(r));
	}
	r = http(&e, "POST", "/v1/proposals", user(BERED),
		 jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", agreement_id(), "kind", "extension",
		       "title", strf(&e, "Förlängning %d", round), "extension_years", years));
	const char *id = resp_str(r, "id");

	cr_assert_eq(r->status, 201, "create: %s", resp_why(r));
	id = strf(&e, "%s", id);
	r = http(&e, "POST", strf(&e, "/v1/proposals/%s/submit", id), user(BERED), NULL);
	cr_assert_eq(r->status, 200, "submit: %s", resp_why(r));
	return id;
}

static void approve(int org, const char *id)
{
	struct resp *r = http(&e, "POST", strf(&e, "/v1/proposals/%s/decisions", id),
			      user(DIRECTOR + org), "{\"verdict\":\"approve\"}");

	cr_assert_eq(r->status, 201, "approve for %s: %s", cast[DIRECTOR + org].org, resp_why(r));
}

/* ---- the set-up each race shares -------------------------------------------------------- */

struct course {
	struct daemon2 *d2;
	const char *base[2]; /* daemon 1 and the other (daemon 2, or daemon 1 again) */
	struct racer *r[2];
	int daemons;
	int overlapped;
};

static void course_open(struct course *a, int daemons)
{
	a->d2 = daemons == 2 ? daemon2_start(&e) : NULL;
	a->base[0] = e.base_url;
	a->base[1] = a->d2 ? a->d2->base_url : e.base_url;
	a->daemons = daemons;
	a->overlapped = 0;
	/* Each racer opens its connections to both daemons before any race. */
	for (int i = 0; i < 2; i++) {
		a->r[i] = racer_new(&e);
		for (int j = 0; j < daemons; j++) {
			racer_prepare(a->r[i], a->base[j], "GET", "/livez", NULL, NULL,
				      "GET /livez");
			racer_run(a->r[i]);
			cr_assert_eq(a->r[i]->status, 200, "GET %s/livez: %ld", a->base[j],
				     a->r[i]->status);
		}
	}
}

static void course_close(struct course *a, const char *name)
{
	cr_log_info("%s (%d daemon%s): the two requests overlapped in %d of %d races", name,
		    a->daemons, a->daemons > 1 ? "s" : "", a->overlapped, ROUNDS);
	/* Clients hang up first, as they would; then the second daemon stops. */
	for (int i = 0; i < 2; i++) {
		curl_easy_cleanup(a->r[i]->h);
		a->r[i]->h = NULL;
	}
	if (a->d2)
		daemon2_stop(a->d2);
}

/* The audit chains survive concurrent writers (as test_audit.c checks them). */
static void expect_audit_chain_intact(void)
{
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM (SELECT prev_hash, lag(hash) OVER w AS before, "
			  "row_number() OVER w AS n FROM svk.audit WINDOW w AS (PARTITION BY chain "
			  "ORDER BY seq)) x WHERE prev_hash IS DISTINCT FROM CASE WHEN n = 1 "
			  "THEN decode(repeat('00', 32), 'hex') ELSE before END"),
	    0, "an audit chain is broken");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE hash IS DISTINCT FROM "
			  "svk.audit_hash(prev_hash, seq, chain, at, actor, organisation, action, "
			  "entity, entity_id, before, after)"),
	    0, "an audit row's hash is not its content's");
}

/* No (proposal, round, organisation) has two decisions. */
static void expect_one_decision_per_org_and_round(void)
{
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM (SELECT 1 FROM svk.decisions "
			  "GROUP BY proposal_id, round, organisation_id HAVING count(*) > 1) x"),
	    0, "an organisation decided twice in one round");
}

/* Every extension applied once, chained, and valid_to where they lead. */
static void expect_extensions_consistent(void)
{
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM (SELECT 1 FROM svk.agreement_extensions "
				   "GROUP BY proposal_id HAVING count(*) > 1) x"),
		     0, "a proposal extended the agreement twice");
	cr_expect_eq(
	    sql_count(
		&e,
		"SELECT count(*) FROM svk.agreement_extensions x "
		"JOIN svk.proposals p ON p.id = x.proposal_id "
		"WHERE p.status <> 'approved' OR x.years <> p.extension_years "
		"OR x.new_valid_to <> (x.old_valid_to + make_interval(years => x.years))::date"),
	    0, "an extension does not match its approved proposal");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.proposals p WHERE p.kind = 'extension' "
			       "AND p.status = 'approved' AND NOT EXISTS (SELECT 1 FROM "
			       "svk.agreement_extensions x WHERE x.proposal_id = p.id)"),
		     0, "an approved extension has no effect");
	cr_expect_eq(
	    sql_count(
		&e, "SELECT count(*) FROM (SELECT old_valid_to, lag(new_valid_to) "
		    "OVER (ORDER BY applied_at, old_valid_to) AS prev FROM "
		    "svk.agreement_extensions) c WHERE prev IS NOT NULL AND prev <> old_valid_to"),
	    0, "an extension did not start where the one before it ended");
	cr_expect_str_eq(
	    valid_to(),
	    sql_value(&e, "SELECT ('2026-12-31'::date + make_interval(years => "
			  "coalesce(sum(extension_years), 0)::int))::date::text "
			  "FROM svk.proposals WHERE kind = 'extension' AND status = 'approved'"),
	    "valid_to is not 2026-12-31 moved by the approved years");
}

/* (a) Two decision makers of the police decide the same proposal at the
 * same moment, one approving and one rejecting: exactly one of them
 * decides, and the proposal is in the state that decision leads to. */
static void same_organisation(int daemons)
{
	struct course a;
	const char *verdict[2] = { "approve", "reject" };
	const enum who who[2] = { DIRECTOR + POLISEN, POLICE2 };
	int wins[2] = { 0, 0 };

	course_open(&a, daemons);
	for (int i = (daemons - 1) * ROUNDS; i < daemons * ROUNDS; i++) {
		const char *id = submitted_extension(1, i);
		const char *path = strf(&e, "/v1/proposals/%s/decisions", id);
		int winner, loser;

		for (int k = 0; k < 2; k++) {
			/* With two daemons, each side alternates between them. */
			int d = (i + k) % 2;
			racer_prepare(a.r[k], a.base[d], "POST", path, user(who[k]),
				      strf(&e, "{\"verdict\":\"%s\"}", verdict[k]),
				      strf(&e, "round %d: %s %ss at daemon %d", i,
					   cast[who[k]].username, verdict[k],
					   a.base[d] == e.base_url ? 1 : 2));
		}
		a.overlapped += race(a.r[0], a.r[1]);

		winner = a.r[0]->status == 201 ? 0 : 1;
		loser = 1 - winner;
		cr_expect(a.r[winner]->status == 201 && a.r[loser]->status == 409,
			  "%s -> %ld; %s -> %ld (%s | %s)", a.r[0]->what, a.r[0]->status,
			  a.r[1]->what, a.r[1]->status, a.r[0]->body_text, a.r[1]->body_text);
		cr_expect_str_eq(racer_code(a.r[loser]), "conflict", "%s: %s", a.r[loser]->what,
				 a.r[loser]->body_text);
		wins[winner]++;
		cr_expect_eq(
		    sql_count(&e, "SELECT count(*) FROM svk.decisions WHERE proposal_id = $1::uuid",
			      id),
		    1, "round %d: not exactly one decision", i);
		cr_expect_eq(sql_count(&e,
				       "SELECT count(*) FROM svk.decisions d JOIN svk.users u "
				       "ON u.id = d.decided_by WHERE d.proposal_id = $1::uuid "
				       "AND u.username = $2 AND d.verdict = $3 AND d.round = 1",
				       id, cast[who[winner]].username, verdict[winner]),
			     1, "round %d: the stored decision is not the one answered 201", i);
		cr_expect_str_eq(
		    sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", id),
		    winner == 0 ? "submitted" : "rejected",
		    "round %d: the proposal's state does not follow the decision", i);
		cr_expect_str_eq(racer_str(a.r[winner], "status"),
				 winner == 0 ? "submitted" : "rejected", "round %d: %s", i,
				 a.r[winner]->body_text);
		cr_expect_eq(sql_count(&e,
				       "SELECT count(*) FROM svk.audit WHERE entity_id = $1 "
				       "AND action LIKE 'decision.%'",
				       id),
			     1, "round %d: not exactly one decision audited", i);
	}
	course_close(&a, "same organisation");
	cr_log_info("same organisation (%d daemon(s)): the approval won %d times, the rejection %d",
		    daemons, wins[0], wins[1]);
}

Test(races, same_organisation_decides_once)
{
	user(BERED);
	user(DIRECTOR + POLISEN);
	user(POLICE2);
	same_organisation(1);
	same_organisation(2);
	expect_one_decision_per_org_and_round();
	cr_expect_str_eq(valid_to(), "2026-12-31");
	expect_audit_chain_intact();
}

/* (b) Polisen and Sollentuna have approved; Upplands Väsby and Sigtuna
 * approve at the same moment: both decisions count, and the agreement is
 * extended exactly once, by the proposal's years. */
static void last_two_approvals(int daemons)
{
	struct course a;
	const int org[2] = { VASBY, SIGTUNA };
	int approved_by[2] = { 0, 0 };

	course_open(&a, daemons);
	for (int i = (daemons - 1) * ROUNDS; i < daemons * ROUNDS; i++) {
		int years = 1 + i % 4;
		const char *id = submitted_extension(years, i);
		const char *path = strf(&e, "/v1/proposals/%s/decisions", id);
		const char *before = valid_to(), *expected;
		int approver;

		approve(POLISEN, id);
		approve(SOLLENTUNA, id);
		for (int k = 0; k < 2; k++) {
			int d = (i + k) % 2;
			racer_prepare(a.r[k], a.base[d], "POST", path, user(DIRECTOR + org[k]),
				      "{\"verdict\":\"approve\"}",
				      strf(&e, "round %d: %s approves at daemon %d", i,
					   cast[DIRECTOR + org[k]].org,
					   a.base[d] == e.base_url ? 1 : 2));
		}
		a.overlapped += race(a.r[0], a.r[1]);

		for (int k = 0; k < 2; k++)
			cr_expect_eq(a.r[k]->status, 201, "%s: %s", a.r[k]->what,
				     a.r[k]->body_text);
		/* Exactly one of them saw the proposal approved: the one whose
		 * decision came last. */
		approver = racer_str(a.r[0], "status") &&
				   strcmp(racer_str(a.r[0], "status"), "approved") == 0
			       ? 0
			       : 1;
		cr_expect_str_eq(racer_str(a.r[approver], "status"), "approved",
				 "round %d: %s | %s", i, a.r[0]->body_text, a.r[1]->body_text);
		cr_expect_str_eq(racer_str(a.r[1 - approver], "status"), "submitted",
				 "round %d: %s | %s", i, a.r[0]->body_text, a.r[1]->body_text);
		approved_by[approver]++;

		expected = sql_value(
		    &e, "SELECT ($1::date + make_interval(years => $2::int))::date::text", before,
		    strf(&e, "%d", years));
		cr_expect_str_eq(
		    sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", id),
		    "approved", "round %d", i);
		cr_expect_eq(
		    sql_count(&e,
			      "SELECT count(*) FROM svk.decisions WHERE proposal_id = $1::uuid "
			      "AND round = 1 AND verdict = 'approve'",
			      id),
		    4, "round %d: not four approvals", i);
		cr_expect_eq(sql_count(&e,
				       "SELECT count(*) FROM svk.agreement_extensions "
				       "WHERE proposal_id = $1::uuid",
				       id),
			     1, "round %d: not exactly one extension", i);
		cr_expect_eq(sql_count(&e,
				       "SELECT count(*) FROM svk.agreement_extensions "
				       "WHERE proposal_id = $1::uuid AND old_valid_to = $2::date "
				       "AND new_valid_to = $3::date AND years = $4::int",
				       id, before, expected, strf(&e, "%d", years)),
			     1, "round %d: the extension is not %s + %d years", i, before, years);
		cr_expect_str_eq(valid_to(), expected,
				 "round %d: valid_to moved from %s by other than %d years", i,
				 before, years);
		cr_expect_eq(
		    sql_count(&e,
			      "SELECT count(*) FROM svk.audit WHERE action = 'agreement.extend' "
			      "AND after->>'proposal' = $1",
			      id),
		    1, "round %d: not one agreement.extend audit row", i);
		cr_expect_eq(
		    sql_count(&e,
			      "SELECT count(*) FROM svk.audit WHERE action = 'proposal.approve' "
			      "AND entity_id = $1",
			      id),
		    1, "round %d: not one proposal.approve audit row", i);
	}
	course_close(&a, "last two approvals");
	cr_log_info(
	    "last two approvals (%d daemon(s)): Upplands Väsby's approval completed %d times, "
	    "Sigtuna's %d",
	    daemons, approved_by[0], approved_by[1]);
}

Test(races, last_two_approvals_apply_once)
{
	user(BERED);
	for (int o = 0; o < N_PARTIES; o++)
		user(DIRECTOR + o);
	last_two_approvals(1);
	last_two_approvals(2);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions"), 2 * ROUNDS);
	expect_one_decision_per_org_and_round();
	expect_extensions_consistent();
	expect_audit_chain_intact();
}

/* (c) Three parties have approved an extension; Sigtuna's approval, the
 * last one, and the beredningsgrupp's withdrawal arrive together. Either
 * the approval is first (approved, extended; the withdrawal 409) or the
 * withdrawal is (withdrawn, not extended; the approval 409). Returns how
 * many times the approval won. */
static int approval_against_withdrawal(int daemons)
{
	struct course a;
	int approved = 0, withdrawn = 0;

	course_open(&a, daemons);
	for (int i = (daemons - 1) * ROUNDS; i < daemons * ROUNDS; i++) {
		const char *id = submitted_extension(1, i);
		const char *before = valid_to();
		struct racer *ap = a.r[0], *wd = a.r[1];
		int d = i % 2;

		approve(POLISEN, id);
		approve(SOLLENTUNA, id);
		approve(VASBY, id);
		racer_prepare(ap, a.base[d], "POST", strf(&e, "/v1/proposals/%s/decisions", id),
			      user(DIRECTOR + SIGTUNA), "{\"verdict\":\"approve\"}",
			      strf(&e, "round %d: sigtuna approves at daemon %d", i,
				   a.base[d] == e.base_url ? 1 : 2));
		racer_prepare(wd, a.base[1 - d], "POST", strf(&e, "/v1/proposals/%s/withdraw", id),
			      user(BERED), NULL,
			      strf(&e, "round %d: the beredningsgrupp withdraws at daemon %d", i,
				   a.base[1 - d] == e.base_url ? 1 : 2));
		a.overlapped += race(ap, wd);

		if (ap->status == 201 && wd->status == 409) {
			approved++;
			cr_expect_str_eq(racer_str(ap, "status"), "approved", "round %d: %s", i,
					 ap->body_text);
			cr_expect_str_eq(racer_code(wd), "conflict", "%s", wd->body_text);
			cr_expect_str_eq(
			    sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid",
				      id),
			    "approved", "round %d", i);
			cr_expect_eq(sql_count(&e,
					       "SELECT count(*) FROM svk.agreement_extensions "
					       "WHERE proposal_id = $1::uuid",
					       id),
				     1, "round %d: approved without its extension", i);
			cr_expect_str_eq(
			    valid_to(),
			    sql_value(&e, "SELECT ($1::date + interval '1 year')::date::text",
				      before),
			    "round %d: valid_to did not move by one year", i);
			cr_expect_eq(sql_count(&e,
					       "SELECT count(*) FROM svk.decisions WHERE "
					       "proposal_id = $1::uuid",
					       id),
				     4, "round %d", i);
		} else if (wd->status == 200 && ap->status == 409) {
			withdrawn++;
			cr_expect_str_eq(racer_str(wd, "status"), "withdrawn", "round %d: %s", i,
					 wd->body_text);
			cr_expect_str_eq(racer_code(ap), "conflict", "%s", ap->body_text);
			cr_expect_str_eq(
			    sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid",
				      id),
			    "withdrawn", "round %d", i);
			cr_expect_eq(sql_count(&e,
					       "SELECT count(*) FROM svk.agreement_extensions "
					       "WHERE proposal_id = $1::uuid",
					       id),
				     0, "round %d: a withdrawn proposal extended the agreement", i);
			cr_expect_str_eq(valid_to(), before, "round %d: valid_to moved", i);
			cr_expect_eq(sql_count(&e,
					       "SELECT count(*) FROM svk.decisions WHERE "
					       "proposal_id = $1::uuid",
					       id),
				     3, "round %d: the refused approval was stored", i);
		} else {
			cr_expect_fail(
			    "round %d: an inconsistent outcome: %s -> %ld (%s); %s -> %ld (%s)", i,
			    ap->what, ap->status, ap->body_text, wd->what, wd->status,
			    wd->body_text);
		}
	}
	course_close(&a, "approval against withdrawal");
	cr_log_info("approval against withdrawal (%d daemon(s)): approved %d times, withdrawn %d",
		    daemons, approved, withdrawn);
	cr_expect_eq(approved + withdrawn, ROUNDS);
	return approved;
}

Test(races, approval_races_withdrawal)
{
	int approved;

	user(BERED);
	for (int o = 0; o < N_PARTIES; o++)
		user(DIRECTOR + o);
	approved = approval_against_withdrawal(1);
	approved += approval_against_withdrawal(2);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions"), approved);
	expect_one_decision_per_org_and_round();
	expect_extensions_consistent();
	expect_audit_chain_intact();
}

/* (d) Two imports of one batch of incidents, no Idempotency-Key: between
 * them each incident is stored once, and both name it by the same id. */
static void same_incidents(int daemons)
{
	struct course a;
	const char *tok = user(BERED);

	course_open(&a, daemons);
	for (int i = (daemons - 1) * ROUNDS; i < daemons * ROUNDS; i++) {
		const char *body = strf(&e, "{\"items\": [");
		long stored = 0;

		for (int k = 0; k < 3; k++)
			body = strf(&e,
				    "%s%s{\"occurred_at\": \"2026-03-02T%02d:%02d\", "
				    "\"municipality\": \"sigtuna\", \"place\": \"Valsta\", "
				    "\"category\": \"klotter\"}",
				    body, k ? "," : "", i, k);
		body = strf(&e, "%s]}", body);
		for (int k = 0; k < 2; k++)
			racer_prepare(a.r[k], a.base[(i + k) % 2], "POST", "/v1/incidents", tok,
				      body, strf(&e, "round %d: import %d", i, k));
		a.overlapped += race(a.r[0], a.r[1]);
		for (int k = 0; k < 2; k++) {
			cr_assert_eq(a.r[k]->status, 201, "%s: %s", a.r[k]->what,
				     a.r[k]->body_text);
			stored += (long)json_integer_value(json_object_get(a.r[k]->json, "count"));
		}
		cr_expect_eq(stored, 3, "round %d: %s | %s", i, a.r[0]->body_text,
			     a.r[1]->body_text);
		for (int k = 0; k < 3; k++)
			cr_expect(json_equal(
				      json_object_get(
					  json_array_get(json_object_get(a.r[0]->json, "items"), k),
					  "id"),
				      json_object_get(
					  json_array_get(json_object_get(a.r[1]->json, "items"), k),
					  "id")),
				  "round %d: %s | %s", i, a.r[0]->body_text, a.r[1]->body_text);
	}
	course_close(&a, "two imports of the same incidents");
}

Test(races, the_same_incidents_imported_at_once_are_stored_once)
{
	same_incidents(1);
	same_incidents(2);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents"), 3 * 2 * ROUNDS);
	cr_expect_eq(sql_count(&e, "SELECT sum(n) FROM svk.incident_week_categories"),
		     3 * 2 * ROUNDS, "the weekly rollup counts an incident twice");
	expect_audit_chain_intact();
}
