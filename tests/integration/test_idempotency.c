/*
 * Idempotency-Key when things break (SPEC §7, API.md "Conditional and
 * repeated requests"): the key, the change and the answer commit together
 * or not at all, so a client that repeats a request it got no answer to
 * gets the first answer, or has it applied once — never 409 for ever, never
 * twice. The daemon is killed between the write and its answer, and the
 * answer's storage is made to fail.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static struct env e;

ENV_SUITE(idempotency, e, .timeout = 120);

#define LOCK_ID "4711"

/* Runs SQL as the database's owner and expects it to succeed. */
static void owner_exec(const char *sql)
{
	struct sqlres *r = sql_query(&e, sql);

	cr_assert(r->ok, "%s: %s", sql, r->error);
}

static const char *interventions_path(void)
{
	return strf(&e, "/v1/action-plans/%s/interventions", seed_plan(&e, "sigtuna"));
}

static const char *body_titled(const char *title)
{
	return jsonf(&e, "{s:s, s:s, s:s}", "title", title, "focus_area", seed_focus_area(&e, 2),
		     "responsible_organisation", "sigtuna");
}

/* No SQL here: a forked child sends it, and the test's database
 * connections are not its own. */
static struct resp *post_to(const char *path, const char *tok, const char *body, const char *key)
{
	return http_send(&e,
			 &(struct http_req){ .method = "POST",
					     .path = path,
					     .token = tok,
					     .body = body,
					     .headers = { strf(&e, "Idempotency-Key: %s", key) },
					     .fresh_connection = true });
}

static struct resp *post(const char *tok, const char *title, const char *key)
{
	return post_to(interventions_path(), tok, body_titled(title), key);
}

static long stored(const char *title)
{
	return sql_count(&e, "SELECT count(*) FROM svk.interventions WHERE title = $1", title);
}

static long audited(const char *title)
{
	return sql_count(&e,
			 "SELECT count(*) FROM svk.audit a JOIN svk.interventions i "
			 "ON a.entity_id = i.id::text WHERE a.action = 'intervention.create' "
			 "AND i.title = $1",
			 title);
}

/* The repeat of a request that was applied: the first answer again. */
static void expect_replayed(const char *tok, const char *title, const char *key,
			    const struct resp *first)
{
	struct resp *r = post(tok, title, key);
	const char *rep = resp_header(r, "Idempotent-Replayed");

	cr_expect_eq(r->status, 201, "the repeat: %s", resp_why(r));
	cr_expect_str_eq(rep ? rep : "", "true", "the repeat is not a replay");
	cr_expect(first->json && r->json && json_equal(first->json, r->json),
		  "the repeat is not the first answer:\n%s\n%s", first->body, r->body);
	cr_expect_eq(stored(title), 1, "stored %ld times", stored(title));
	cr_expect_eq(audited(title), 1, "audited %ld times", audited(title));
}

/* Waits (bounded) until a statement waits for the advisory lock. */
static void wait_for_lock_waiter(void)
{
	for (int i = 0; i < 500; i++) {
		if (sql_count(&e, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
				  "AND objid = " LOCK_ID " AND NOT granted") > 0)
			return;
		poll(NULL, 0, 20);
	}
	cr_assert_fail("no request reached the claim of its key");
}

static void kill9_daemon(void)
{
	int st;

	cr_assert_eq(kill(e.pid, SIGKILL), 0, "kill: %s", strerror(errno));
	cr_assert_eq(waitpid(e.pid, &st, 0), e.pid, "waitpid: %s", strerror(errno));
	close(e.pidfd);
	e.pidfd = -1;
	e.pid = 0;
}

Test(idempotency, a_write_cut_off_by_sigkill_is_applied_once_on_its_repeat)
{
	const char *tok = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *title = "Insats vid krasch", *key = "crash-key-1";
	const char *path = interventions_path(), *body = body_titled(title);
	struct resp *r;
	pid_t child;
	int st;

	/* The claim of a key waits for a lock the test holds: the request is
	 * in the database, its write on the way, when the daemon dies. */
	owner_exec("CREATE FUNCTION public.test_wait() RETURNS trigger LANGUAGE plpgsql AS "
		   "$$BEGIN PERFORM pg_advisory_xact_lock(" LOCK_ID "); RETURN NEW; END$$");
	owner_exec("CREATE TRIGGER test_wait BEFORE INSERT ON svk.idempotency_keys "
		   "FOR EACH ROW EXECUTE FUNCTION public.test_wait()");
	owner_exec("SELECT pg_advisory_lock(" LOCK_ID ")");
	child = fork();
	cr_assert(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		post_to(path, tok, body, key);
		_exit(0);
	}
	wait_for_lock_waiter();
	kill9_daemon();
	cr_assert_eq(waitpid(child, &st, 0), child);
	owner_exec("SELECT pg_advisory_unlock(" LOCK_ID ")");
	/* Waits for the cut-off transaction to end, whichever way it ends. */
	owner_exec("DROP TRIGGER test_wait ON svk.idempotency_keys");
	env_serve(&e);

	r = post(tok, title, key);
	cr_assert_eq(r->status, 201, "the repeat after the crash: %s", resp_why(r));
	cr_expect(!resp_header(r, "Idempotent-Replayed"),
		  "the repeat replays an answer nobody got");
	cr_expect_eq(stored(title), 1, "stored %ld times", stored(title));
	expect_replayed(tok, title, key, r);
}

Test(idempotency, an_answer_that_cannot_be_stored_leaves_nothing_applied)
{
	const char *tok = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	const char *title = "Insats utan svar", *key = "unstored-key-1";
	struct resp *r;

	/* Storing the answer fails as when the database goes away. */
	owner_exec("CREATE FUNCTION public.test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
		   "$$BEGIN RAISE EXCEPTION USING ERRCODE = '57P01', "
		   "MESSAGE = 'the answer cannot be stored'; END$$");
	owner_exec("CREATE TRIGGER test_refuse BEFORE UPDATE ON svk.idempotency_keys "
		   "FOR EACH ROW WHEN (NEW.status IS NOT NULL) "
		   "EXECUTE FUNCTION public.test_refuse()");
	r = post(tok, title, key);
	cr_expect_eq(r->status, 503, "a write whose answer was not kept: %s", resp_why(r));
	cr_expect_eq(stored(title), 0, "applied though its answer was not kept");
	cr_expect_eq(audited(title), 0);
	owner_exec("DROP TRIGGER test_refuse ON svk.idempotency_keys");

	r = post(tok, title, key);
	cr_assert_eq(r->status, 201, "the repeat: %s", resp_why(r));
	cr_expect(!resp_header(r, "Idempotent-Replayed"), "the repeat replays a lost answer");
	expect_replayed(tok, title, key, r);
}
