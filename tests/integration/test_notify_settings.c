/*
 * A user's e-mail address and notification preference (the admin's
 * PATCH /v1/users/{username}, one's own PATCH /v1/me, the CLI's `users
 * edit` and `me edit`), the list of one's notifications, and a daemon
 * without [mail] url: mail is queued, not sent, and /readyz says so.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "notify_util.h"

static struct env e;

ENV_SHARED_SUITE(notify_settings, e, .timeout = 120);

static long user_audits(const char *username)
{
	return sql_count(&e,
			 "SELECT count(*) FROM svk.audit WHERE action = 'user.update' "
			 "AND entity_id = $1",
			 username);
}

Test(notify_settings, an_admin_sets_a_users_address_and_preference)
{
	struct resp *r;

	user_create(&e, "anna.berg", "sigtuna");
	/* Bad values: 422 naming the field, nothing stored, nothing audited. */
	static const char *const bad_emails[] = { "anna",
						  "anna@",
						  "@sigtuna.se",
						  "anna berg@sigtuna.se",
						  "anna@sigtuna",
						  "anna@sig tuna.se",
						  "anna@sigtuna.se\r\nBcc: x@y.se",
						  "<anna@sigtuna.se>" };
	for (size_t i = 0; i < sizeof bad_emails / sizeof bad_emails[0]; i++) {
		r = http(&e, "PATCH", "/v1/users/anna.berg", admin_token(&e),
			 jsonf(&e, "{s:s}", "email", bad_emails[i]));
		expect_invalid(r, "email", bad_emails[i]);
	}
	r = http(&e, "PATCH", "/v1/users/anna.berg", admin_token(&e),
		 "{\"email\":\"anna.berg@sigtuna.se\",\"notify\":\"weekly\"}");
	expect_invalid(r, "notify", "notify weekly");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users WHERE username = 'anna.berg' "
				   "AND email IS NULL AND notify = 'immediate'"),
		     1, "a refused PATCH stored something");
	cr_expect_eq(user_audits("anna.berg"), 0);

	/* Good ones: stored, shown, audited once; the same again writes nothing. */
	r = http(&e, "PATCH", "/v1/users/anna.berg", admin_token(&e),
		 "{\"email\":\"anna.berg@sigtuna.se\",\"notify\":\"daily\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "email"), "anna.berg@sigtuna.se");
	cr_expect_str_eq(resp_str(r, "notify"), "daily");
	cr_expect_eq(user_audits("anna.berg"), 1);
	r = http(&e, "PATCH", "/v1/users/anna.berg", admin_token(&e),
		 "{\"email\":\"anna.berg@sigtuna.se\",\"notify\":\"daily\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(user_audits("anna.berg"), 1, "an unchanged PATCH was audited");
	r = http(&e, "GET", "/v1/users/anna.berg", admin_token(&e), NULL);
	cr_expect_str_eq(resp_str(r, "email"), "anna.berg@sigtuna.se");
	cr_expect_str_eq(resp_str(r, "notify"), "daily");

	/* null removes the address. */
	r = http(&e, "PATCH", "/v1/users/anna.berg", admin_token(&e), "{\"email\":null}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(json_is_null(resp_get(r, "email")), "%s", r->body);
	cr_expect_eq(user_audits("anna.berg"), 2);
}

Test(notify_settings, a_user_sets_their_own_and_nobody_elses)
{
	const char *tok;
	struct resp *r;

	user_create(&e, "bo.berg", "sigtuna");
	tok = user_in_group(&e, "cia.berg", "sigtuna", NULL, NULL);
	r = http(&e, "PATCH", "/v1/me", tok,
		 "{\"email\":\"cia.berg@sigtuna.se\",\"notify\":\"off\"}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "username"), "cia.berg");
	cr_expect_str_eq(resp_str(r, "email"), "cia.berg@sigtuna.se");
	cr_expect_str_eq(resp_str(r, "notify"), "off");
	cr_expect_eq(user_audits("cia.berg"), 1);
	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect_str_eq(resp_str(r, "user.email"), "cia.berg@sigtuna.se");

	expect_invalid(http(&e, "PATCH", "/v1/me", tok, "{\"email\":\"cia\"}"), "email", "email");
	expect_invalid(http(&e, "PATCH", "/v1/me", tok, "{\"notify\":\"sometimes\"}"), "notify",
		       "notify");
	/* Only the address and the preference are one's own to change. */
	expect_invalid(http(&e, "PATCH", "/v1/me", tok, "{\"admin\":true}"), "admin", "admin");
	expect_invalid(http(&e, "PATCH", "/v1/me", tok, "{}"), "body", "empty");
	cr_expect_eq(user_audits("cia.berg"), 1);
	expect_refused_request(&e, "cia.berg", tok, "PATCH", "/v1/users/bo.berg",
			       "{\"email\":\"cia.berg@sigtuna.se\"}", "");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users WHERE username = 'bo.berg' "
				   "AND email IS NULL"),
		     1);
	r = http(&e, "GET", "/v1/me/notifications", tok, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0);
	cr_expect(json_is_null(resp_get(r, "next_cursor")));
}

/* A prioritisation of the police's resources, submitted by tok. */
static const char *police_proposal(const char *tok, const char *title)
{
	struct resp *r = http(&e, "POST", "/v1/proposals", tok,
			      jsonf(&e, "{s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}]}", "agreement",
				    sql_value(&e, "SELECT id::text FROM svk.agreements"), "kind",
				    "prioritisation", "title", title, "resources", "organisation",
				    "polisen", "description", "Kommunpoliser", "amount", 40.0,
				    "unit", "timmar"));
	const char *id;

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	id = strf(&e, "%s", resp_str(r, "id"));
	r = http(&e, "POST", strf(&e, "/v1/proposals/%s/submit", id), tok, NULL);
	cr_assert_eq(r->status, 200, "submit: %s", resp_why(r));
	return id;
}

Test(notify_settings, without_a_relay_mail_is_queued_and_readyz_says_so)
{
	struct resp *r = http(&e, "GET", "/readyz", NULL, NULL);
	const char *dm, *bered, *second;

	cr_expect_eq(r->status, 200);
	cr_expect_str_eq(resp_str(r, "status"), "ready");
	cr_expect(strstr(resp_str(r, "mail") ? resp_str(r, "mail") : "", "not sending"), "%s",
		  r->body);

	dm = user_in_group(&e, "dan.dm", "polisen", "styrgrupp", "decision_maker");
	bered = user_in_group(&e, "eb.bered", "sigtuna", "beredningsgrupp", "member");
	set_mail(&e, "dan.dm", "dan.dm@polisen.example", NULL);
	police_proposal(bered, "Första");
	second = police_proposal(bered, "Andra");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox WHERE status = 'queued' "
				   "AND attempts = 0 AND address = 'dan.dm@polisen.example'"),
		     2);

	/* Newest first, a page at a time. */
	r = http(&e, "GET", "/v1/me/notifications?limit=1", dm, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1);
	cr_expect_str_eq(resp_str(r, "items.0.subject"), "Beslut väntar: Andra");
	cr_expect_str_eq(resp_str(r, "items.0.status"), "queued");
	cr_expect_str_eq(resp_str(r, "items.0.proposal"), second);
	cr_assert(resp_str(r, "next_cursor"), "no next_cursor: %s", r->body);
	r = http(&e, "GET",
		 strf(&e, "/v1/me/notifications?limit=1&cursor=%s", resp_str(r, "next_cursor")), dm,
		 NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "items.0.subject"), "Beslut väntar: Första");
	cr_expect(json_is_null(resp_get(r, "next_cursor")), "%s", r->body);
}

Test(notify_settings, the_cli_edits_and_lists)
{
	const char *tok, *bered;
	struct proc *p;

	cli_require(&e);
	tok = user_in_group(&e, "fia.dm", "polisen", "styrgrupp", "decision_maker");
	bered = user_in_group(&e, "gus.bered", "sigtuna", "beredningsgrupp", "member");
	p = cli_v(&e,
		  &(struct cli_opts){ .home = "admin",
				      .env = { strf(&e, "SAMVERKAN_TOKEN=%s", admin_token(&e)) } },
		  (const char *const[]){ "users", "edit", "fia.dm", "--email",
					 "fia@polisen.example", "--notify", "daily", NULL });
	cr_assert_eq(p->status, 0, "users edit: %s", p->err);
	cr_expect(strstr(p->out, "fia@polisen.example") && strstr(p->out, "daily"), "%s", p->out);
	p = cli_v(&e,
		  &(struct cli_opts){ .home = "admin",
				      .env = { strf(&e, "SAMVERKAN_TOKEN=%s", admin_token(&e)) } },
		  (const char *const[]){ "users", "edit", "fia.dm", "--notify", "weekly", NULL });
	cr_expect_neq(p->status, 0, "a bad --notify was taken");
	cr_expect(strstr(p->err, "notify"), "the error does not name notify: %s", p->err);

	p = cli_v(
	    &e, &(struct cli_opts){ .home = "fia", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", tok) } },
	    (const char *const[]){ "me", "edit", "--notify", "immediate", NULL });
	cr_assert_eq(p->status, 0, "me edit: %s", p->err);
	cr_expect(strstr(p->out, "immediate"), "%s", p->out);
	p = cli_v(
	    &e, &(struct cli_opts){ .home = "fia", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", tok) } },
	    (const char *const[]){ "me", "edit", NULL });
	cr_expect_eq(p->status, 2, "me edit without options: %s", p->err);
	p = cli_v(
	    &e, &(struct cli_opts){ .home = "fia", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", tok) } },
	    (const char *const[]){ "me", "edit", "--email", "fia", NULL });
	cr_expect_neq(p->status, 0, "a bad --email was taken");
	cr_expect_str_eq(sql_value(&e, "SELECT email || ' ' || notify FROM svk.users "
				       "WHERE username = 'fia.dm'"),
			 "fia@polisen.example immediate");

	police_proposal(bered, "Via kommandoraden");
	p = cli_v(
	    &e, &(struct cli_opts){ .home = "fia", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", tok) } },
	    (const char *const[]){ "notifications", "list", NULL });
	cr_assert_eq(p->status, 0, "notifications list: %s", p->err);
	cr_expect(strstr(p->out, "Beslut väntar: Via kommandoraden") && strstr(p->out, "queued"),
		  "%s", p->out);
}
