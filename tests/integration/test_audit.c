/*
 * The audit log (SPEC §2, §7): every row chains onto the one before it in
 * its chain and its hash can be recomputed; the daemon's database role can only read it,
 * and append through svk.audit_write;
 * and when the audit entry cannot be written nothing changes (503).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(audit, e, .timeout = 120);

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

	expect_denied(sql_query_app(&e, "INSERT INTO svk.audit (chain, actor, action, entity, "
					"prev_hash, hash) SELECT chain, 'admin', 'forged', entity, "
					"hash, hash FROM svk.audit ORDER BY seq DESC LIMIT 1"),
		      "INSERT INTO svk.audit");
	expect_denied(sql_query_app(&e, "SELECT nextval('svk.audit_seq_seq')"),
		      "take the audit log's next number");
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
	/* And the API still writes its entries, as samverkan_app. */
	cr_expect_eq(http(&e, "POST", "/v1/sessions", NULL,
			  "{\"username\":\"admin\",\"password\":\"wrong password\"}")
			 ->status,
		     401);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit"), rows + 1,
		     "the API wrote no audit entry");
	cr_expect_eq(sql_count(&e, chain_breaks), 0, "the chain is broken");
	cr_expect_eq(sql_count(&e, hash_mismatches), 0, "a stored hash is not the row's hash");
}

Test(audit, the_writer_is_the_only_way_in_and_a_row_it_could_not_make_is_refused)
{
	/* The writer runs with its owner's rights and a fixed search_path;
	 * PUBLIC may not call it. */
	cr_expect_str_eq(
	    sql_value(&e, "SELECT prosecdef::text || ' ' || array_to_string(proconfig, ',') "
			  "FROM pg_proc WHERE oid = "
			  "'svk.audit_write(bigint,text,text,text,jsonb,jsonb)'::regprocedure"),
	    "true search_path=pg_catalog, svk, pg_temp");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM pg_proc WHERE has_function_privilege("
			  "'public', oid, 'EXECUTE') AND oid = "
			  "'svk.audit_write(bigint,text,text,text,jsonb,jsonb)'::regprocedure"),
	    0, "PUBLIC may write the audit log");
	/* Even the owner cannot add a row outside the 16 chains or with hashes
	 * that are not SHA-256's. */
	cr_expect_str_eq(sql_query(&e,
				   "INSERT INTO svk.audit (chain, action, entity, prev_hash, hash) "
				   "VALUES (16, 'forged', 'x', sha256(''), sha256(''))")
			     ->sqlstate,
			 "23514", "a row on chain 16");
	cr_expect_str_eq(sql_query(&e,
				   "INSERT INTO svk.audit (chain, action, entity, prev_hash, hash) "
				   "VALUES (-1, 'forged', 'x', sha256(''), sha256(''))")
			     ->sqlstate,
			 "23514", "a row on chain -1");
	cr_expect_str_eq(sql_query(&e,
				   "INSERT INTO svk.audit (chain, action, entity, prev_hash, hash) "
				   "VALUES (3, 'forged', 'x', sha256(''), '\\x00')")
			     ->sqlstate,
			 "23514", "a row with a short hash");
	cr_expect_str_eq(sql_query(&e,
				   "INSERT INTO svk.audit (chain, action, entity, prev_hash, hash) "
				   "VALUES (3, 'forged', 'x', '', sha256(''))")
			     ->sqlstate,
			 "23514", "a row with a short previous hash");
}

Test(audit, a_change_whose_audit_entry_cannot_be_written_is_not_made)
{
	const char *admin = admin_token(&e);
	struct resp *r;
	long rows = sql_count(&e, "SELECT count(*) FROM svk.audit");

	/* No role's rights stop the writer now (it runs as the owner): a
	 * constraint no new row meets does. */
	cr_assert(sql_query(&e, "ALTER TABLE svk.audit ADD CONSTRAINT refuse_all CHECK (false) "
				"NOT VALID")
		      ->ok);
	r = http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"brand\",\"name\":\"Brand\",\"kind\":\"rescue\"}");
	cr_expect_eq(r->status, 503, "a change without its audit entry: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unavailable");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations WHERE slug = 'brand'"),
		     0, "the change was made without its audit entry");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit"), rows);

	cr_assert(sql_query(&e, "ALTER TABLE svk.audit DROP CONSTRAINT refuse_all")->ok);
	r = http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"brand\",\"name\":\"Brand\",\"kind\":\"rescue\"}");
	cr_expect_eq(r->status, 201, "once the audit log works again: %s", resp_why(r));
}

Test(audit, the_app_role_changes_data_only_through_the_functions)
{
	const char *admin = admin_token(&e);
	long users = sql_count(&e, "SELECT count(*) FROM svk.users");

	/* samverkan_app may read every table of svk but change none. */
	expect_denied(sql_query_app(&e, "UPDATE svk.users SET admin = true"), "UPDATE svk.users");
	expect_denied(sql_query_app(&e, "DELETE FROM svk.memberships"),
		      "DELETE FROM svk.memberships");
	expect_denied(sql_query_app(&e, "INSERT INTO svk.organisations (slug, name, kind) "
					"VALUES ('skugga', 'Skugga', 'rescue')"),
		      "INSERT INTO svk.organisations");
	expect_denied(sql_query_app(&e, "UPDATE svk.tokens SET expires_at = now() + "
					"interval '10 years'"),
		      "UPDATE svk.tokens");
	expect_denied(sql_query_app(&e, "DELETE FROM svk.idempotency_keys"),
		      "DELETE FROM svk.idempotency_keys");
	expect_denied(sql_query_app(&e, "TRUNCATE svk.incidents"), "TRUNCATE svk.incidents");
	expect_denied(sql_query_app(&e, "UPDATE svk.audit SET action = 'nothing'"),
		      "UPDATE svk.audit");
	expect_denied(sql_query_app(&e, "DELETE FROM svk.audit WHERE seq = (SELECT max(seq) "
					"FROM svk.audit)"),
		      "DELETE FROM svk.audit");
	cr_expect_str_eq(sql_cell(sql_query_app(&e, "SELECT count(*) FROM svk.users"), 0, 0),
			 strf(&e, "%ld", users), "samverkan_app cannot read svk.users");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM information_schema.role_table_grants "
				   "WHERE grantee = 'samverkan_app' AND table_schema = 'svk' "
				   "AND privilege_type <> 'SELECT'"),
		     0, "samverkan_app still holds a right to change a table");
	/* Every function that can write runs with its owner's rights, a fixed
	 * search_path, and only samverkan_app may call it. */
	cr_expect_str_eq(sql_value(&e, "SELECT coalesce(string_agg(oid::regprocedure::text, ', '), "
				       "'') FROM pg_proc WHERE pronamespace = 'svk'::regnamespace "
				       "AND prokind = 'f' AND provolatile = 'v' "
				       "AND prorettype <> 'trigger'::regtype AND (NOT prosecdef "
				       "OR NOT proconfig @> '{\"search_path=pg_catalog, svk, "
				       "pg_temp\"}' OR has_function_privilege('public', oid, "
				       "'EXECUTE'))"),
			 "", "writers without the owner's rights and a fixed search_path");
	/* The API, as samverkan_app, still changes data, audited. */
	cr_expect_eq(http(&e, "POST", "/v1/organisations", admin,
			  "{\"slug\":\"brand\",\"name\":\"Brand\",\"kind\":\"rescue\"}")
			 ->status,
		     201);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = "
				   "'organisation.create' AND entity_id = 'brand'"),
		     1, "no audit entry for the new organisation");
	cr_expect(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE last_used_at IS NOT NULL") >
		      0,
		  "a token's use is not recorded");
}
