/*
 * No database work before the caller is known, and no statement without a
 * limit (issue: trust, denial of service): a made-up token with a valid
 * checksum costs the token's lookup and nothing of the route's read; a
 * statement that runs past [database] statement_timeout_ms answers 503 and
 * is logged.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "robust_util.h"
#include "token.h"

static struct env e;
static PGconn *locker; /* env-owned; holds a table lock */

static void stop(void)
{
	if (locker)
		pg_exec_quiet(locker, "ROLLBACK");
	locker = NULL;
	env_stop(&e);
}

static void start(void)
{
	env_start(&e, &(struct env_opts){ .statement_timeout_ms = 1500 });
}

TestSuite(trust_dos, .init = start, .fini = stop, .timeout = 120);

static const char *forged_token(void)
{
	char tok[TOKEN_LEN + 1];

	cr_assert_eq(token_generate(tok, sizeof tok), 0);
	cr_assert(token_well_formed(tok, strlen(tok)));
	return strf(&e, "%s", tok);
}

Test(trust_dos, a_made_up_token_does_no_work_of_the_route)
{
	const char *forged = forged_token(),
		   *est = user_in_group(&e, "eva.est", "sigtuna", "est-sigtuna", "member");
	struct resp *r;
	long t0, forged_ms, livez_ms;
	enum { N = 100 };

	/* The incidents are locked: any read of them waits (and would time
	 * out: 503). The made-up token is refused at once, so its request
	 * never reached the read. */
	locker = robust_owner_conn(&e);
	pg_exec_ok(locker, "BEGIN");
	pg_exec_ok(locker, "LOCK TABLE svk.incidents IN ACCESS EXCLUSIVE MODE");
	t0 = mono_ms();
	r = http(&e, "GET", "/v1/incidents?municipality=sigtuna", forged, NULL);
	cr_expect_eq(r->status, 401, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unauthorized");
	cr_expect_lt(mono_ms() - t0, 1000, "the made-up token's request waited on the read's lock");
	/* A real user's read does wait, and times out. */
	r = http(&e, "GET", "/v1/incidents?municipality=sigtuna", est, NULL);
	cr_expect_eq(r->status, 503, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unavailable", "%s", r->body);
	cr_expect_gt(log_count(&e, "timed out"), 0, "the timeout is not logged:\n%s", read_log(&e));
	pg_exec_ok(locker, "ROLLBACK");
	r = http(&e, "GET", "/v1/incidents?municipality=sigtuna", est, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));

	/* What a made-up token costs, against the cheapest request there is. */
	t0 = mono_ms();
	for (int i = 0; i < N; i++)
		cr_assert_eq(http(&e, "GET", "/v1/incidents", forged, NULL)->status, 401);
	forged_ms = mono_ms() - t0;
	t0 = mono_ms();
	for (int i = 0; i < N; i++)
		cr_assert_eq(http(&e, "GET", "/livez", NULL, NULL)->status, 200);
	livez_ms = mono_ms() - t0;
	fprintf(stderr, "trust_dos: %d made-up-token reads %ld ms, %d /livez %ld ms (ratio %.2f)\n",
		N, forged_ms, N, livez_ms, livez_ms ? (double)forged_ms / (double)livez_ms : 0.0);
}
