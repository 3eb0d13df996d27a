/*
 * The audit log (SPEC §2, §7): every row chains onto the one before it in
 * its chain and its hash can be recomputed; the daemon's database role can only append;
 * and when the audit entry cannot be written nothing changes (503).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SUITE(audit, e, .timeout = 120);

/* Rows whose prev_hash is not the hash of the previous row of their chain
 * (the first of a chain: zeros). The log is several chains, so that
 * writers on different database connections do not queue behind one lock. */
static const char chain_breaks[] =
    "SELECT count(*) FROM (SELECT prev_hash, lag(hash) OVER w AS before, "
    "row_number() OVER w AS n FROM svk.audit WINDOW w AS (PARTITION BY chain ORDER BY seq)) x "
    "WHERE prev_hash IS DISTINCT FROM CASE WHEN n = 1 THEN decode(repeat('00', 32), 'hex') "
    "ELSE before END";
/* Rows whose stored hash is not what their content gives. */
static const char hash_mismatches[] =
    "SELECT count(*) FROM svk.audit WHERE hash IS DISTINCT FROM svk.audit_hash(prev_hash, seq, "
    "chain, at, actor, organisation, action, entity, entity_id, before, after)";

Test(audit, rows_are_hash_chained)
{
	const char *admin = admin_token(&e);
	const char *user;
	long rows;

	/* A little of everything: logins good and bad, creations, a refusal. */
	cr_expect_eq(http(&e, "POST", "/v1/sessions", NULL,
			  "{\"username\":\"admin\",\"password\":\"wrong password\"}")
			 ->status,
		     401);
	cr_expect_eq(http(&e, "POST", "/v1/organisations", admin,
			  "{\"slug\":\"brand\",\"name\":\"Brand\",\"kind\":\"rescue\"}")
			 ->status,
		     201);
	user = user_in_group(&e, "ulf.est", "sigtuna", "est-sigtuna", "member");
	cr_expect_eq(http(&e, "POST", "/v1/organisations", user,
			  "{\"slug\":\"x\",\"name\":\"X\",\"kind\":\"other\"}")
			 ->status,
		     403);
	cr_expect_eq(
	    http(&e, "PATCH", "/v1/users/ulf.est", admin, "{\"display_name\":\"Ulf Ek\"}")->status,
	    200);

	rows = sql_count(&e, "SELECT count(*) FROM svk.audit");
	cr_expect_geq(rows, 8, "only %ld audit rows", rows);
	cr_expect_eq(
	    sql_count(&e, "SELECT count(DISTINCT action) FROM svk.audit WHERE action IN "
			  "('session.create', 'session.login_failed', 'organisation.create', "
			  "'user.create', 'membership.put', 'request.refused', 'user.update')"),
	    7, "not every kind of change was audited");
	cr_expect_eq(sql_count(&e, chain_breaks), 0, "the chain is broken");
	cr_expect_eq(sql_count(&e, hash_mismatches), 0, "a stored hash is not the row's hash");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE length(hash) <> 32"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit a WHERE action = 'user.update' "
				   "AND before->>'display_name' = 'Test ulf.est' "
				   "AND after->>'display_name' = 'Ulf Ek' AND actor = 'admin' "
				   "AND organisation = 'polisen'"),
		     1, "the update's audit row lacks before, after or actor");

	/* The checks are not vacuous: rewriting one row's content, or
	 * removing a row from the middle of a chain, is seen. */
	cr_assert(sql_query(&e,
			    "UPDATE svk.audit SET after = '{\"display_name\":\"Someone else\"}' "
			    "WHERE action = 'user.update'")
		      ->ok);
	cr_expect_eq(sql_count(&e, hash_mismatches), 1, "a rewritten row went unnoticed");
	cr_assert(sql_query(&e, "DELETE FROM svk.audit WHERE seq = (SELECT seq FROM svk.audit "
				"WHERE chain = (SELECT chain FROM svk.audit GROUP BY chain "
				"ORDER BY count(*) DESC LIMIT 1) ORDER BY seq OFFSET 1 LIMIT 1)")
		      ->ok);
	cr_expect_eq(sql_count(&e, chain_breaks), 1, "a removed row went unnoticed");
}

static void expect_denied(const struct sqlres *r, const char *what)
{
	cr_expect(!r->ok, "samverkan_app may %s", what);
	cr_expect_str_eq(r->sqlstate, "42501", "%s: %s", what, r->error);
}

Test(audit, the_app_role_can_only_append)
{
	long rows;

	cr_expect_eq(http(&e, "POST", "/v1/sessions", NULL,
			  "{\"username\":\"admin\",\"password\":\"wrong password\"}")
			 ->status,
		     401);
	rows = sql_count(&e, "SELECT count(*) FROM svk.audit");
	cr_assert_geq(rows, 1);

	expect_denied(sql_query_app(&e, "UPDATE svk.audit SET action = 'nothing'"),
		      "UPDATE svk.audit");
	expect_denied(sql_query_app(&e, "DELETE FROM svk.audit"), "DELETE FROM svk.audit");
	expect_denied(sql_query_app(&e, "TRUNCATE svk.audit"), "TRUNCATE svk.audit");
	expect_denied(sql_query_app(&e, "ALTER TABLE svk.audit DISABLE TRIGGER ALL"),
		      "ALTER TABLE svk.audit");
	expect_denied(sql_query_app(&e, "CREATE TABLE svk.shadow (x int)"), "CREATE TABLE in svk");
	expect_denied(sql_query_app(&e, "CREATE TABLE public.shadow (x int)"),
		      "CREATE TABLE in public");
	expect_denied(sql_query_app(&e, "DROP TABLE svk.login_failures"), "DROP TABLE");
	expect_denied(sql_query_app(&e, "UPDATE svk_meta.migrations SET checksum = 'x'"),
		      "UPDATE svk_meta.migrations");
	/* What it needs still works. */
	cr_expect(sql_query_app(&e, "SELECT count(*) FROM svk.audit")->ok,
		  "samverkan_app cannot read");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit"), rows, "audit rows changed");
}

Test(audit, a_change_whose_audit_entry_cannot_be_written_is_not_made)
{
	const char *admin = admin_token(&e);
	struct resp *r;
	long rows = sql_count(&e, "SELECT count(*) FROM svk.audit");

	cr_assert(sql_query(&e, "REVOKE INSERT ON svk.audit FROM samverkan_app")->ok);
	r = http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"brand\",\"name\":\"Brand\",\"kind\":\"rescue\"}");
	cr_expect_eq(r->status, 503, "a change without its audit entry: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unavailable");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations WHERE slug = 'brand'"),
		     0, "the change was made without its audit entry");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit"), rows);

	cr_assert(sql_query(&e, "GRANT INSERT ON svk.audit TO samverkan_app")->ok);
	r = http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"brand\",\"name\":\"Brand\",\"kind\":\"rescue\"}");
	cr_expect_eq(r->status, 201, "once the audit log works again: %s", resp_why(r));
}
