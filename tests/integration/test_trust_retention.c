/*
 * Retention leaves no copies behind (the security review's item 2): an
 * incident's audit entry proves what was stored without its place,
 * coordinates or description; idempotency answers live 24 hours; and
 * `samverkand purge` also removes expired tokens, idle failed-login
 * counters and old idempotency answers, saying how many of each.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(trust_retention, e, .timeout = 120);

Test(trust_retention, an_incidents_audit_entry_carries_no_place_coordinates_or_description)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r = http(&e, "POST", "/v1/incidents", est,
			      "{\"occurred_at\":\"2026-11-16T21:30:00+01:00\",\"municipality\":"
			      "\"sigtuna\",\"place\":\"Märsta centrum\",\"category\":\"klotter\","
			      "\"description\":\"Klotter på busskuren\",\"latitude\":59.62,"
			      "\"longitude\":17.85}");

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'incident.create' "
		      "AND entity_id = $1 AND after->>'category' = 'klotter' "
		      "AND after->>'municipality' = 'sigtuna' AND after->>'week' = '2026-W47' "
		      "AND length(after->>'content_sha256') = 64",
		      resp_str(r, "id")),
	    1, "the audit entry does not prove what was stored");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'incident.create' "
			       "AND (after::text LIKE '%Märsta%' OR after::text LIKE '%busskuren%' "
			       "OR after ? 'latitude' OR after ? 'place')"),
		     0, "the audit log keeps the incident's content");
}

Test(trust_retention, an_idempotency_answer_lives_24_hours)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct http_req q = { .method = "POST",
			      .path = "/v1/me/tokens",
			      .token = est,
			      .body = "{\"name\":\"en\",\"expires_in_days\":1}",
			      .headers = { "Idempotency-Key: nattlig-import" } };
	struct resp *r = http_send(&e, &q);

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	/* The same key for another request within the day: refused. */
	q.body = "{\"name\":\"två\",\"expires_in_days\":1}";
	r = http_send(&e, &q);
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	/* A day later the key is free again. */
	cr_assert(sql_query(&e, "UPDATE svk.idempotency_keys "
				"SET created_at = now() - interval '25 hours'")
		      ->ok);
	r = http_send(&e, &q);
	cr_expect_eq(r->status, 201, "an answer older than 24 hours was replayed: %s", resp_why(r));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE name = 'två'"), 1);
}

Test(trust_retention, purge_removes_expired_tokens_idle_login_counters_and_old_answers)
{
	const char *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;
	struct proc *p;

	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = "/v1/me/tokens",
					      .token = est,
					      .body = "{\"name\":\"gammal\",\"expires_in_days\":1}",
					      .headers = { "Idempotency-Key: gammal" } });
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	r = http(&e, "POST", "/v1/sessions", NULL,
		 "{\"username\":\"eva.est\",\"password\":\"fel\"}");
	cr_assert_eq(r->status, 401, "%s", resp_why(r));
	/* Age them: the token expired, the counters idle for two days, the
	 * answer two days old; the session token of eva.est stays valid. */
	cr_assert(sql_query(&e, "UPDATE svk.tokens SET expires_at = now() - interval '1 hour', "
				"created_at = now() - interval '2 days' WHERE name = 'gammal'")
		      ->ok);
	cr_assert(sql_query(&e,
			    "UPDATE svk.login_failures SET first_at = now() - interval '2 days', "
			    "last_at = now() - interval '2 days'")
		      ->ok);
	cr_assert(sql_query(&e, "UPDATE svk.idempotency_keys "
				"SET created_at = now() - interval '2 days'")
		      ->ok);
	long failures = sql_count(&e, "SELECT count(*) FROM svk.login_failures");
	cr_assert_gt(failures, 0);

	p = samverkand(&e, "purge", "--dry-run");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect(
	    strstr(p->out, strf(&e, "would delete 1 expired tokens, %ld failed-login", failures)),
	    "%s", p->out);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE name = 'gammal'"), 1,
		     "a dry run deleted");

	p = samverkand(&e, "purge");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect(strstr(p->out, strf(&e,
				      "deleted 1 expired tokens, %ld failed-login counters idle "
				      "for a day and 1 idempotency answers",
				      failures)),
		  "%s", p->out);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE name = 'gammal'"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.login_failures"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.idempotency_keys"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'auth.purge' "
				   "AND (after->>'tokens')::int = 1"),
		     1, "the purge is not audited with its counts");
	/* A valid session is kept. */
	cr_expect_eq(http(&e, "GET", "/v1/me", est, NULL)->status, 200);
}
