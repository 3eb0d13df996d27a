/*
 * The audit log's checkpoints (API.md "The audit log", README "Audit"):
 * GET /v1/audit/checkpoint signs the 16 chain heads and the number of
 * entries with the server's Ed25519 key ([audit] signing_key, made by
 * `samverkand audit-key`); `samverkan audit checkpoint save` keeps them
 * with the pinned key, and `audit verify` then notices the newest entries
 * being deleted, which the hash chains alone do not show.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_FINI(stop, e)
TestSuite(audit_checkpoint, .fini = stop, .timeout = 180);

/* The key file, in the env's directory: [audit] signing_key through the
 * environment, which samverkand inherits. */
static const char *key_file;

static void start_signing(void)
{
	env_start(&e, &(struct env_opts){ .no_serve = true, .need_cli = true });
	key_file = strf(&e, "%s/audit-signing.key", e.dir);
	cr_assert_eq(setenv("SAMVERKAND_AUDIT_SIGNING_KEY", key_file, 1), 0);
}

static void start_unsigned(void)
{
	env_start(&e, NULL);
}

#define cli_as(tok_, ...)                                                                          \
	cli_v(                                                                                     \
	    &e,                                                                                    \
	    &(struct cli_opts){ .home = "cp", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", (tok_)) } }, \
	    (const char *const[]){ __VA_ARGS__, NULL })

static const char *show(const struct proc *p)
{
	return strf(&e, "exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s", p->status, p->out,
		    p->err);
}

/* A few more entries, on whichever chains the daemon's connections use. */
static void write_some(const char *admin, const char *prefix, int n)
{
	for (int i = 0; i < n; i++) {
		const char *slug = strf(&e, "%s-%d", prefix, i);
		struct resp *r = http(
		    &e, "POST", "/v1/organisations", admin,
		    jsonf(&e, "{s:s, s:s, s:s}", "slug", slug, "name", slug, "kind", "rescue"));
		cr_assert_eq(r->status, 201, "%s", resp_why(r));
	}
}

Test(audit_checkpoint, without_a_signing_key_the_checkpoint_is_unavailable, .init = start_unsigned)
{
	struct resp *r = http(&e, "GET", "/v1/audit/checkpoint", admin_token(&e), NULL);

	cr_expect_eq(r->status, 503, "%s", resp_why(r));
	cr_expect(strstr(r->body, "signing_key"), "the problem does not say what to set: %s",
		  r->body);
	cr_expect_eq(samverkand(&e, "audit-key")->status, 2,
		     "audit-key without [audit] signing_key");
}

Test(audit_checkpoint, a_saved_checkpoint_detects_the_newest_entries_deleted, .init = start_signing)
{
	struct proc *p;
	const char *admin, *pk, *ber, *sty;
	struct resp *r;
	char *line;

	/* The operator makes the key; serve signs with it. */
	p = samverkand(&e, "audit-key");
	cr_assert_eq(p->status, 0, "%s", show(p));
	line = strstr(p->out, "public_key ");
	cr_assert(line, "%s", show(p));
	pk = strf(&e, "%.*s", (int)strcspn(line + 11, "\n"), line + 11);
	p = samverkand(&e, "audit-key");
	cr_expect(strstr(p->out, pk), "a second audit-key made another key: %s", show(p));
	env_serve(&e);
	admin = admin_token(&e);
	write_some(admin, "fore", 4);

	/* The checkpoint: who may verify may read it; it is signed. */
	ber = user_in_group(&e, "berit.ber", "sollentuna", "beredningsgrupp", "member");
	r = http(&e, "GET", "/v1/audit/checkpoint", ber, NULL);
	cr_expect_eq(r->status, 403, "the beredningsgrupp reads a checkpoint: %s", resp_why(r));
	sty = user_in_group(&e, "stina.sty", "sigtuna", "styrgrupp", "member");
	r = http(&e, "GET", "/v1/audit/checkpoint", sty, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "public_key"), pk);
	cr_expect(json_array_size(resp_get(r, "heads")) == 16, "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "entries")),
		     sql_count(&e, "SELECT count(*) FROM svk.audit"));

	p = cli_as(sty, "audit", "checkpoint", "save", "-o", "table");
	cr_assert_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "checkpoint saved"), "%s", show(p));
	write_some(admin, "after", 3);
	p = cli_as(sty, "audit", "checkpoint", "save", "-o", "table");
	cr_assert_eq(p->status, 0, "%s", show(p));
	write_some(admin, "later", 2);

	/* Intact: both checkpoints are still in the log. */
	p = cli_as(sty, "audit", "verify", "-o", "table");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "2 saved checkpoints still in the log"), "%s", show(p));

	/* The database's owner deletes the newest entries up to and including
	 * the second checkpoint's newest: the chains still link, so the
	 * server's own check passes, but the checkpoint's heads are gone. */
	const char *cut = sql_value(&e, "SELECT min(seq)::text FROM svk.audit WHERE action = "
					"'organisation.create' AND entity_id = 'after-2'");
	cr_assert(sql_query(&e, "DELETE FROM svk.audit WHERE seq >= $1::bigint", cut)->ok);
	r = http(&e, "GET", "/v1/audit/verify", sty, NULL);
	cr_expect(json_is_true(resp_get(r, "ok")), "the chains alone notice: %s", r->body);
	p = cli_as(sty, "audit", "verify", "-o", "table");
	cr_expect_eq(p->status, 1, "a cut log verifies: %s", show(p));
	cr_expect(strstr(p->out, strf(&e, "audit log cut: entry %s ", cut)),
		  "the missing entry is not named: %s", show(p));

	r = http(&e, "GET", strf(&e, "/v1/audit/entries/%s", cut), sty, NULL);
	cr_expect_eq(r->status, 404, "a deleted entry: %s", resp_why(r));
}

Test(audit_checkpoint, a_changed_server_key_is_refused, .init = start_signing)
{
	struct proc *p;
	const char *sty;

	cr_assert_eq(samverkand(&e, "audit-key")->status, 0);
	env_serve(&e);
	sty = user_in_group(&e, "stina.sty", "sigtuna", "styrgrupp", "member");
	p = cli_as(sty, "audit", "checkpoint", "save", "-o", "table");
	cr_assert_eq(p->status, 0, "%s", show(p));
	/* The operator replaces the key. */
	env_stop_daemon(&e);
	cr_assert_eq(remove(key_file), 0, "cannot remove the key");
	cr_assert_eq(samverkand(&e, "audit-key")->status, 0);
	env_serve(&e);
	p = cli_as(sty, "audit", "checkpoint", "save", "-o", "table");
	cr_expect_eq(p->status, 1, "a checkpoint under another key was saved: %s", show(p));
	cr_expect(strstr(p->err, "audit key changed"), "%s", show(p));
	p = cli_as(sty, "audit", "verify");
	cr_expect_eq(p->status, 0, "the first checkpoint, under the pinned key: %s", show(p));
}
