/*
 * The outbox as an admin sees it (GET /v1/outbox, `samverkan notifications
 * outbox`): how many mails are queued (and of those, retrying), sent and
 * failed, and the failed ones newest first with recipient, kind, subject,
 * attempts, the relay's error and when. The mails go through the daemon's
 * sender to a real SMTP server (tests/integration/smtp_sink.py), which
 * refuses any address starting with "reject" (550), so a failure is the
 * sender's own: it retries, and gives up once the mail is 48 hours old.
 * Only that age is made in the test's set-up (the owner moves the row's
 * created_at back): the test cannot wait two days.
 *
 * The cast (decisions_util.c): bo.beredning (beredningsgrupp, the author),
 * the decision makers per.polischef and pia.polis (polisen) and
 * sara.sollentuna, who are asked when a proposal affecting polisen and
 * Sollentuna is submitted.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decisions_util.h"
#include "notify_util.h"

static struct sink sink;

static void start_sending(void)
{
	sink_prepare(&sink, 100, false);
	sink_run(&sink);
	sink_env_start(&e, &sink);
}

static void start_quiet(void)
{
	memset(&sink, 0, sizeof sink);
	env_start(&e, NULL);
}

static void stop(void)
{
	env_stop(&e);
	sink_stop(&sink);
}

TestSuite(outbox, .fini = stop, .timeout = 120);

static struct resp *outbox_get(const char *query)
{
	return http(&e, "GET", strf(&e, "/v1/outbox%s", query), admin_token(&e), NULL);
}

static void expect_counts(struct resp *r, long queued, long retrying, long sent, long failed,
			  const char *what)
{
	cr_assert_eq(r->status, 200, "%s: %s", what, resp_why(r));
	cr_expect_eq(json_integer_value(resp_get(r, "counts.queued")), queued, "%s: %s", what,
		     r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "counts.retrying")), retrying, "%s: %s", what,
		     r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "counts.sent")), sent, "%s: %s", what, r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "counts.failed")), failed, "%s: %s", what,
		     r->body);
}

/* A prioritisation committing resources of the police and Sollentuna,
 * submitted: its deciders are asked by mail. */
static const char *submit_police_and_sollentuna(const char *title)
{
	const char *id = create(
	    user(BERED),
	    jsonf(&e, "{s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}, {s:s, s:s, s:f, s:s}]}",
		  "agreement", agreement_id(), "kind", "prioritisation", "title", title,
		  "resources", "organisation", "polisen", "description", "Kommunpoliser", "amount",
		  120.0, "unit", "timmar", "organisation", "sollentuna", "description",
		  "Fältassistenter", "amount", 2.0, "unit", "tjänster"));

	submit_ok(user(BERED), id);
	return id;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static const char *admin_cli_token(void)
{
	return strf(&e, "SAMVERKAN_TOKEN=%s", admin_token(&e));
}

Test(outbox, an_admin_sees_the_counts_and_the_failures_newest_first, .init = start_sending)
{
	const char *title = "Trygghet vid pendeltåget", *first, *second;
	struct resp *r;
	struct proc *p;

	user(BERED);
	user(DIRECTOR + POLISEN);
	user(DIRECTOR + SOLLENTUNA);
	user(POLICE2);
	set_mail(&e, director_name(POLISEN), "per.polischef@polisen.example", NULL);
	set_mail(&e, name(POLICE2), "reject.pia@polisen.example", NULL);
	set_mail(&e, director_name(SOLLENTUNA), "reject.sara@sollentuna.example", NULL);

	/* Nothing yet: every count 0, no failures. */
	r = outbox_get("");
	expect_counts(r, 0, 0, 0, 0, "an empty outbox");
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0, "%s", r->body);
	cr_expect(json_is_null(resp_get(r, "next_cursor")), "%s", r->body);
	cr_expect(json_is_null(resp_get(r, "oldest_queued_at")), "%s", r->body);

	submit_police_and_sollentuna(title);
	/* per's mail goes; the relay refuses the other two, which wait for
	 * their next attempt. */
	wait_count(&e, 1, "per's mail", "SELECT count(*) FROM svk.outbox WHERE status = 'sent'");
	wait_count(&e, 2, "the refused ones",
		   "SELECT count(*) FROM svk.outbox WHERE status = 'queued' AND attempts > 0");
	r = outbox_get("");
	expect_counts(r, 2, 2, 1, 0, "while the refused are retried");
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0, "%s", r->body);
	cr_expect(resp_str(r, "oldest_queued_at"), "%s", r->body);
	sink_wait(&e, &sink, 1, "per's mail");

	/* Set-up: two days pass for the refused mails (their next attempt is
	 * due now); the sender tries once more and gives up. */
	sql_query(&e, "UPDATE svk.outbox SET created_at = now() - interval '48 hours', "
		      "next_attempt_at = now() WHERE status = 'queued'");
	sql_query(&e, "SELECT pg_notify('svk_outbox', '')");
	wait_count(&e, 2, "the sender gives up",
		   "SELECT count(*) FROM svk.outbox WHERE status = 'failed'");

	r = outbox_get("");
	expect_counts(r, 0, 0, 1, 2, "after the failures");
	cr_assert_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);
	/* Newest failure first, as the sender recorded them. */
	first = sql_value(&e, "SELECT id::text FROM svk.outbox WHERE status = 'failed' "
			      "ORDER BY last_attempt_at DESC, id DESC LIMIT 1");
	second = sql_value(&e, "SELECT id::text FROM svk.outbox WHERE status = 'failed' "
			       "ORDER BY last_attempt_at, id LIMIT 1");
	cr_expect_neq(strcmp(first, second), 0);
	cr_expect_eq(json_integer_value(resp_get(r, "items.0.id")), strtol(first, NULL, 10), "%s",
		     r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "items.1.id")), strtol(second, NULL, 10), "%s",
		     r->body);
	for (int i = 0; i < 2; i++) {
		const char *who = resp_str(r, strf(&e, "items.%d.user", i));
		const char *address = resp_str(r, strf(&e, "items.%d.address", i));

		cr_expect(who && address, "%s", r->body);
		if (!who || !address)
			continue;
		cr_expect(strcmp(who, "pia.polis") == 0 || strcmp(who, "sara.sollentuna") == 0,
			  "a failure of %s", who);
		cr_expect_str_eq(address, strcmp(who, "pia.polis") == 0
					      ? "reject.pia@polisen.example"
					      : "reject.sara@sollentuna.example");
		cr_expect_str_eq(resp_str(r, strf(&e, "items.%d.kind", i)), "proposal.submitted");
		cr_expect_str_eq(resp_str(r, strf(&e, "items.%d.subject", i)),
				 strf(&e, "Beslut väntar: %s", title));
		cr_expect_geq(json_integer_value(resp_get(r, strf(&e, "items.%d.attempts", i))), 2,
			      "%s", r->body);
		cr_expect(strstr(or_empty(resp_str(r, strf(&e, "items.%d.last_error", i))), "550"),
			  "the relay's refusal is not shown: %s", r->body);
		cr_expect(resp_str(r, strf(&e, "items.%d.failed_at", i)), "%s", r->body);
		cr_expect_str_eq(
		    resp_str(r, strf(&e, "items.%d.failed_at", i)),
		    sql_value(
			&e, "SELECT svk.ts(last_attempt_at) FROM svk.outbox WHERE id = $1::bigint",
			strf(&e, "%lld",
			     json_integer_value(resp_get(r, strf(&e, "items.%d.id", i))))));
		cr_expect_str_eq(resp_str(r, strf(&e, "items.%d.message_id", i)),
				 strf(&e, "outbox-%lld",
				      json_integer_value(resp_get(r, strf(&e, "items.%d.id", i)))));
	}
	r = http(&e, "GET", "/metrics", NULL, NULL);
	cr_expect(strstr(r->body, "samverkan_mail_failed_total 2\n"), "metrics: %s", r->body);
	/* What did go out is exactly per's mail, once. */
	cr_expect_eq(json_array_size(outbox_settle(&e, &sink, "after the failures")), 1);

	/* A page at a time, newest first; the cursor leads to the rest. */
	r = outbox_get("?limit=1");
	expect_counts(r, 0, 0, 1, 2, "the first page");
	cr_assert_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "items.0.id")), strtol(first, NULL, 10));
	cr_assert(resp_str(r, "next_cursor"), "no next_cursor: %s", r->body);
	r = outbox_get(strf(&e, "?limit=1&cursor=%s", resp_str(r, "next_cursor")));
	expect_counts(r, 0, 0, 1, 2, "the second page");
	cr_assert_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "items.0.id")), strtol(second, NULL, 10));
	cr_expect(json_is_null(resp_get(r, "next_cursor")), "%s", r->body);
	expect_invalid(outbox_get("?cursor=nonsense"), "cursor", "a cursor never given out");
	expect_invalid(outbox_get("?limit=0"), "limit", "limit 0");

	/* The CLI: the counts and a table of the failures; JSON; CSV. */
	cli_require(&e);
	p = cli_v(&e, &(struct cli_opts){ .home = "admin", .env = { admin_cli_token() } },
		  (const char *const[]){ "--output", "table", "notifications", "outbox", NULL });
	cr_assert_eq(p->status, 0, "notifications outbox: %s", p->err);
	cr_expect(strstr(p->out, "queued 0 (retrying 0), sent 1, failed 2\n"), "%s", p->out);
	cr_expect(strstr(p->out, "reject.pia@polisen.example") &&
		      strstr(p->out, "reject.sara@sollentuna.example") && strstr(p->out, "550"),
		  "%s", p->out);
	cr_expect(!strstr(p->out, "per.polischef@"), "a sent mail is listed: %s", p->out);
	p = cli_v(&e, &(struct cli_opts){ .home = "admin", .env = { admin_cli_token() } },
		  (const char *const[]){ "--output", "table", "notifications", "outbox", "--limit",
					 "1", NULL });
	cr_assert_eq(p->status, 0, "notifications outbox --limit 1: %s", p->err);
	cr_expect(strstr(p->err, "more: repeat with --cursor "), "%s", p->err);
	p = cli_v(&e, &(struct cli_opts){ .home = "admin", .env = { admin_cli_token() } },
		  (const char *const[]){ "--output", "json", "notifications", "outbox", NULL });
	cr_assert_eq(p->status, 0, "notifications outbox -o json: %s", p->err);
	{
		json_error_t err;
		json_t *doc = json_loads(p->out, 0, &err);

		cr_assert(doc, "not JSON: %s", p->out);
		cr_expect_eq(json_integer_value(json_path(doc, "counts.failed")), 2);
		cr_expect_eq(json_integer_value(json_path(doc, "counts.sent")), 1);
		cr_expect_eq(json_array_size(json_object_get(doc, "items")), 2);
		json_decref(doc);
	}
	p = cli_v(&e, &(struct cli_opts){ .home = "admin", .env = { admin_cli_token() } },
		  (const char *const[]){ "--output", "csv", "notifications", "outbox", NULL });
	cr_assert_eq(p->status, 0, "notifications outbox -o csv: %s", p->err);
	cr_expect(strstr(p->out, "id;failed_at;user;address;kind;subject;attempts;last_error"),
		  "%s", p->out);
	p = cli_v(&e, &(struct cli_opts){ .home = "admin", .env = { admin_cli_token() } },
		  (const char *const[]){ "notifications", "outbox", "--limit", "0", NULL });
	cr_expect_eq(p->status, 2, "--limit 0: %s", p->err);
}

/* Every role that is not the admin right: 403 naming the right, audited
 * as a refusal of the route's pattern; without a token 401. */
Test(outbox, everyone_but_an_admin_is_refused, .init = start_quiet)
{
	static const struct {
		const char *username, *org, *group, *role;
	} roles[] = {
		{ "nora.ingen", "sigtuna", NULL, NULL },
		{ "eva.est", "sigtuna", "est-sigtuna", "member" },
		{ "erik.estordf", "sigtuna", "est-sigtuna", "chair" },
		{ "bo.beredning", "sollentuna", "beredningsgrupp", "member" },
		{ "cia.ordf", "sollentuna", "beredningsgrupp", "chair" },
		{ "stig.styr", "polisen", "styrgrupp", "member" },
		{ "sten.styrordf", "polisen", "styrgrupp", "chair" },
		{ "per.polischef", "polisen", "styrgrupp", "decision_maker" },
	};
	const char *tok = NULL;
	struct resp *r;
	struct proc *p;

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		tok = user_in_group(&e, roles[i].username, roles[i].org, roles[i].group,
				    roles[i].role);
		r = expect_refused_request(&e, roles[i].username, tok, "GET", "/v1/outbox", NULL,
					   "requires the admin right");
		cr_expect(!strstr(r->body, "counts"), "%s saw the counts: %s", roles[i].username,
			  r->body);
	}
	r = http(&e, "GET", "/v1/outbox", NULL, NULL);
	cr_expect_eq(r->status, 401, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unauthorized");
	/* The right is the admin's, and GET /v1/me says so to each. */
	r = http(&e, "GET", "/v1/me", admin_token(&e), NULL);
	cr_expect(strstr(r->body, "\"read_outbox\""), "%s", r->body);
	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect(!strstr(r->body, "\"read_outbox\""), "%s", r->body);
	expect_counts(outbox_get(""), 0, 0, 0, 0, "the admin");

	/* The CLI says so in one line, with the permission exit code. */
	cli_require(&e);
	p = cli_v(
	    &e, &(struct cli_opts){ .home = "per", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", tok) } },
	    (const char *const[]){ "notifications", "outbox", NULL });
	cr_expect_eq(p->status, 3, "a decision maker: %d %s", p->status, p->err);
	cr_expect(strstr(p->err, "forbidden") && strstr(p->err, "admin right"), "%s", p->err);
}
