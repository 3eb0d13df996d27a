/*
 * Scheduled notifications: `samverkand notify-scheduled --now T` runs
 * svk.notify_scheduled as of T, so that a test sets the clock instead of
 * waiting for Monday. The daemon here has no [mail] url, so its sender
 * does not run and nothing else queues; what is checked is the outbox:
 * who got which mail (and nobody else), in which words, queued once.
 *
 * The last suite runs the sender against the test SMTP server
 * (smtp_sink.py) to see that it looks for scheduled mails by itself, at
 * start, and delivers them.
 *
 * The seeded agreement ends on 2026-12-31. Monday 2026-12-07 is in ISO
 * week 2026-W50; the week before is 2026-W49 (2026-11-30 to 2026-12-06).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "notify_util.h"

static struct env e;
ENV_SUITE(notify_scheduled, e, .timeout = 120);

#define MONDAY "2026-12-07 06:30 Europe/Stockholm"
#define MONDAY_EARLY "2026-12-07 05:30 Europe/Stockholm"
#define NEXT_MONDAY "2026-12-14 09:00 Europe/Stockholm"
#define TUESDAY "2026-12-01 12:00 Europe/Stockholm" /* 30 days left */

/* A user of org in group (NULL: none) with role, an address unless
 * email is false, and notify (NULL: the default, immediate). */
static void person(const char *username, const char *org, const char *group, const char *role,
		   bool email, const char *notify)
{
	user_create(&e, username, org);
	if (group)
		member_add(&e, group, username, role, NULL);
	if (email || notify)
		set_mail(&e, username, email ? strf(&e, "%s@%s.example", username, org) : NULL,
			 notify);
}

/* Runs notify-scheduled as of now; expects success and, in its output,
 * "kind n". Returns the output. */
static const char *run_at(const char *now, const char *kind, long n)
{
	struct proc *p = samverkand(&e, "notify-scheduled", "--now", now);

	cr_assert_eq(p->status, 0, "notify-scheduled --now %s: %s", now, p->err);
	cr_expect(strstr(p->out, strf(&e, "%s %ld\n", kind, n)), "as of %s, %ld %s expected: %s",
		  now, n, kind, p->out);
	return p->out;
}

/* The outbox's rows of kind (NULL: all). */
static long outbox_count(const char *kind)
{
	if (!kind)
		return sql_count(&e, "SELECT count(*) FROM svk.outbox");
	return sql_count(&e, "SELECT count(*) FROM svk.outbox WHERE kind = $1", kind);
}

static const char *subject_of(const char *kind, const char *username)
{
	return sql_value(
	    &e,
	    "SELECT string_agg(o.subject, ' | ' ORDER BY o.id) FROM svk.outbox o "
	    "JOIN svk.users u ON u.id = o.user_id WHERE o.kind = $1 AND u.username = $2",
	    kind, username);
}

static const char *body_of(const char *kind, const char *username)
{
	return sql_value(
	    &e,
	    "SELECT string_agg(o.body, ' | ' ORDER BY o.id) FROM svk.outbox o "
	    "JOIN svk.users u ON u.id = o.user_id WHERE o.kind = $1 AND u.username = $2",
	    kind, username);
}

Test(notify_scheduled, est_group_without_a_meeting_last_week_tells_its_members_on_monday)
{
	person("eva.est", "sigtuna", "est-sigtuna", "member", true, NULL);
	person("tyst.est", "sigtuna", "est-sigtuna", "member", true, "off");
	person("utan.adress", "sigtuna", "est-sigtuna", "member", false, NULL);
	person("olle.est", "sollentuna", "est-sollentuna", "member", true, NULL);
	/* EST Sollentuna met in week 49; EST Sigtuna met in week 48 only. */
	cr_assert(
	    sql_query(&e,
		      "INSERT INTO svk.meetings (group_id, held_on, recorded_by) "
		      "SELECT g.id, d::date, u.id FROM svk.groups g, svk.users u, "
		      "(VALUES ('est-sollentuna', '2026-12-02'), ('est-sigtuna', '2026-11-25')) "
		      "AS x(slug, d) WHERE g.slug = x.slug AND u.username = 'admin'")
		->ok);

	run_at("2026-12-06 12:00 Europe/Stockholm", "est.meeting_missing", 0);
	run_at(MONDAY_EARLY, "est.meeting_missing", 0);
	cr_expect_eq(outbox_count(NULL), 0, "something was queued before Monday 06:00");

	run_at(MONDAY, "est.meeting_missing", 1);
	cr_expect_str_eq(recipients(&e, "est.meeting_missing"), "eva.est");
	cr_expect_str_eq(subject_of("est.meeting_missing", "eva.est"),
			 "Inget möte registrerat vecka 2026-W49: EST Sigtuna");
	const char *body = body_of("est.meeting_missing", "eva.est");
	cr_expect(strstr(body, "Hej Test eva.est,"), "%s", body);
	cr_expect(strstr(body, "2026-11-30 till 2026-12-06"), "%s", body);
	cr_expect_str_eq(sql_value(&e, "SELECT link FROM svk.outbox"), "/");

	/* Again, and later the same Monday: nothing more. */
	run_at(MONDAY, "est.meeting_missing", 0);
	run_at("2026-12-07 15:00 Europe/Stockholm", "est.meeting_missing", 0);
	cr_expect_eq(outbox_count(NULL), 1);
	/* The next Monday is about week 50, in which nobody met. */
	run_at(NEXT_MONDAY, "est.meeting_missing", 2);
	cr_expect_str_eq(recipients(&e, "est.meeting_missing"), "eva.est,eva.est,olle.est");
}

/* An intervention of org's plan, org responsible, due on due_on ("": no
 * date), created at created. */
static void intervention(const char *plan_org, const char *title, const char *status,
			 const char *due_on, const char *created)
{
	cr_assert(
	    sql_query(
		&e,
		"INSERT INTO svk.interventions (plan_id, focus_area_id, title, "
		"responsible_organisation_id, status, due_on, created_at) "
		"SELECT $1::uuid, $2::uuid, $3, o.id, $4, NULLIF($5, '')::date, $6::timestamptz "
		"FROM svk.organisations o WHERE o.slug = $7",
		seed_plan(&e, plan_org), seed_focus_area(&e, 1), title, status, due_on, created,
		plan_org)
		->ok,
	    "insert intervention %s", title);
}

Test(notify_scheduled, late_interventions_go_to_the_beredningsgrupp_of_their_organisation_weekly)
{
	person("bo.beredning", "sollentuna", "beredningsgrupp", "member", true, NULL);
	person("bodil.beredning", "sollentuna", "beredningsgrupp", "chair", true, "daily");
	person("tyst.beredning", "sollentuna", "beredningsgrupp", "member", true, "off");
	person("bea.beredning", "sigtuna", "beredningsgrupp", "member", true, NULL);
	person("sara.est", "sollentuna", "est-sollentuna", "member", true, NULL);
	person("stig.styr", "sollentuna", "styrgrupp", "member", true, NULL);
	intervention("sollentuna", "Trygghetsvandringar", "ongoing", "2026-11-30",
		     "2026-10-01 10:00+01");
	intervention("sollentuna", "Belysning i centrum", "ongoing", "", "2026-01-15 10:00+01");
	intervention("sollentuna", "Klar insats", "done", "2026-10-01", "2026-01-15 10:00+01");
	intervention("sollentuna", "Ny insats", "ongoing", "2027-06-30", "2026-11-20 10:00+01");
	intervention("sigtuna", "Sigtunas insats", "planned", "2027-06-30", "2026-01-15 10:00+01");

	run_at(MONDAY_EARLY, "intervention.digest", 0);
	run_at(MONDAY, "intervention.digest", 2);
	cr_expect_str_eq(recipients(&e, "intervention.digest"), "bo.beredning,bodil.beredning",
			 "only the beredningsgrupp of the responsible organisation, with mail on");
	cr_expect_str_eq(subject_of("intervention.digest", "bo.beredning"),
			 "Insatser att följa upp, vecka 2026-W50: Sollentuna kommun");
	const char *body = body_of("intervention.digest", "bo.beredning");
	cr_expect(strstr(body, "Hej Test bo.beredning,"), "%s", body);
	cr_expect(strstr(body, "\"Trygghetsvandringar\""), "%s", body);
	cr_expect(strstr(body, "skulle vara klar 2026-11-30"), "%s", body);
	cr_expect(strstr(body, "\"Belysning i centrum\""), "%s", body);
	cr_expect(strstr(body, "ingen uppdatering sedan 2026-01-15"), "%s", body);
	cr_expect(!strstr(body, "Klar insats") && !strstr(body, "Ny insats"), "%s", body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox o JOIN svk.users u "
				   "ON u.id = o.user_id WHERE u.username = 'bodil.beredning' "
				   "AND o.kind = 'intervention.digest' AND o.daily"),
		     1, "a daily user's mail is not in the digest");

	run_at(MONDAY, "intervention.digest", 0);
	cr_expect_eq(outbox_count("intervention.digest"), 2, "queued twice");
	/* An update to the stale one leaves the late one: still listed weekly. */
	cr_assert(sql_query(&e,
			    "INSERT INTO svk.intervention_updates (intervention_id, author_id, "
			    "created_at, note) SELECT i.id, u.id, '2026-12-10 10:00+01', 'Läget' "
			    "FROM svk.interventions i, svk.users u WHERE i.title = "
			    "'Belysning i centrum' AND u.username = 'bo.beredning'")
		      ->ok);
	run_at(NEXT_MONDAY, "intervention.digest", 2);
	body = sql_value(&e, "SELECT o.body FROM svk.outbox o JOIN svk.users u ON u.id = o.user_id "
			     "WHERE u.username = 'bo.beredning' AND o.kind = 'intervention.digest' "
			     "ORDER BY o.id DESC LIMIT 1");
	cr_expect(strstr(body, "Trygghetsvandringar") && !strstr(body, "Belysning"), "%s", body);
}

static const char *agreement_subject(int days)
{
	return strf(&e,
		    "Överenskommelsen löper ut om %d dagar: Samverkan för tryggare kommuner i "
		    "lokalpolisområde Sollentuna",
		    days);
}

Test(notify_scheduled, expiring_agreement_tells_the_styrgrupp_and_the_beredningsgrupp_at_each_step)
{
	person("stig.styr", "polisen", "styrgrupp", "decision_maker", true, NULL);
	person("bo.beredning", "sollentuna", "beredningsgrupp", "member", true, NULL);
	person("tyst.styr", "sigtuna", "styrgrupp", "member", true, "off");
	person("eva.est", "sigtuna", "est-sigtuna", "member", true, NULL);

	run_at("2026-07-03 12:00 Europe/Stockholm", "agreement.expiring", 0); /* 181 days */
	run_at(TUESDAY, "agreement.expiring", 2);
	cr_expect_str_eq(recipients(&e, "agreement.expiring"), "bo.beredning,stig.styr");
	cr_expect_str_eq(subject_of("agreement.expiring", "stig.styr"), agreement_subject(30));
	const char *body = body_of("agreement.expiring", "stig.styr");
	cr_expect(strstr(body, "löper ut den 2026-12-31, om 30 dagar, och ingen förlängning har "
			       "antagits"),
		  "%s", body);
	cr_expect_str_eq(sql_value(&e, "SELECT DISTINCT link FROM svk.outbox"), "/forslag");

	run_at(TUESDAY, "agreement.expiring", 0);
	run_at("2026-12-10 12:00 Europe/Stockholm", "agreement.expiring", 0); /* still step 30 */
	cr_expect_eq(outbox_count(NULL), 2, "the 30-day step was queued twice");
	run_at("2026-12-24 12:00 Europe/Stockholm", "agreement.expiring", 2); /* 7 days */
	cr_expect_str_eq(subject_of("agreement.expiring", "bo.beredning"),
			 strf(&e, "%s | %s", agreement_subject(30), agreement_subject(7)));
	run_at("2026-12-25 12:00 Europe/Stockholm", "agreement.expiring", 0);
}

Test(notify_scheduled, an_agreement_with_an_approved_extension_gets_no_expiry_mail)
{
	person("stig.styr", "polisen", "styrgrupp", "decision_maker", true, NULL);
	/* What an approved extension proposal does (svk.proposal_apply). */
	cr_assert(sql_query(&e, "INSERT INTO svk.agreement_extensions (agreement_id, years, "
				"old_valid_to, new_valid_to) SELECT id, 2, valid_to, "
				"valid_to + interval '2 years' FROM svk.agreements")
		      ->ok);
	cr_assert(
	    sql_query(&e, "UPDATE svk.agreements SET valid_to = valid_to + interval '2 years'")
		->ok);
	run_at(TUESDAY, "agreement.expiring", 0);
	run_at("2026-12-24 12:00 Europe/Stockholm", "agreement.expiring", 0);
	cr_expect_eq(outbox_count(NULL), 0);
	/* Before its new end, the steps start again. */
	run_at("2028-12-01 12:00 Europe/Stockholm", "agreement.expiring", 1);
	cr_expect_str_eq(recipients(&e, "agreement.expiring"), "stig.styr");
}

Test(notify_scheduled, coopted_membership_ending_tells_the_member_and_the_chair_who_coopted)
{
	person("ceci.chair", "sollentuna", "beredningsgrupp", "chair", true, NULL);
	person("carl.chair", "sigtuna", "beredningsgrupp", "chair", true, NULL);
	person("hans.bostad", "sollentuna", "beredningsgrupp", "member", true, NULL);
	person("ines.bostad", "sigtuna", "est-sigtuna", "member", true, NULL);
	person("jon.admin", "sigtuna", "est-sigtuna", "member", true, NULL);
	person("kim.tyst", "sigtuna", "est-sigtuna", "member", true, "off");
	/* hans ends in 9 days, co-opted by ceci; ines in 30 days; jon in 9
	 * days but added by the admin; kim (mail off) in 9, co-opted by carl. */
	cr_assert(
	    sql_query(&e, "UPDATE svk.memberships m SET until = x.until::date, coopted_by = "
			  "(SELECT id FROM svk.users WHERE username = x.chair) "
			  "FROM svk.users u, (VALUES ('hans.bostad', '2026-12-10', 'ceci.chair'), "
			  "('ines.bostad', '2026-12-31', 'ceci.chair'), "
			  "('jon.admin', '2026-12-10', NULL), "
			  "('kim.tyst', '2026-12-10', 'carl.chair')) AS x(member, until, chair) "
			  "WHERE u.username = x.member AND m.user_id = u.id")
		->ok);

	run_at(TUESDAY, "membership.ending", 3);
	cr_expect_str_eq(recipients(&e, "membership.ending"), "carl.chair,ceci.chair,hans.bostad");
	cr_expect_str_eq(subject_of("membership.ending", "hans.bostad"),
			 "Medlemskap upphör: Beredningsgrupp");
	const char *mine = body_of("membership.ending", "hans.bostad");
	cr_expect(strstr(mine, "Hej Test hans.bostad,\n\nDitt medlemskap i Beredningsgrupp upphör "
			       "den 2026-12-10, om 9 dagar. Test ceci.chair adjungerade dig"),
		  "%s", mine);
	const char *chair = body_of("membership.ending", "ceci.chair");
	cr_expect(strstr(chair, "Test hans.bostads medlemskap i Beredningsgrupp, som du "
				"adjungerade, upphör den 2026-12-10"),
		  "%s", chair);
	cr_expect_str_eq(subject_of("membership.ending", "carl.chair"),
			 "Medlemskap upphör: EST Sigtuna");

	run_at(TUESDAY, "membership.ending", 0);
	run_at("2026-12-09 12:00 Europe/Stockholm", "membership.ending", 0);
	cr_expect_eq(outbox_count("membership.ending"), 3, "queued twice");
	/* ines's turn comes 14 days before her end. */
	run_at("2026-12-17 12:00 Europe/Stockholm", "membership.ending", 2);
}

Test(notify_scheduled, a_bad_now_is_a_usage_error)
{
	struct proc *p = samverkand(&e, "notify-scheduled", "--now", "igår");

	cr_expect_eq(p->status, 2, "%s %s", p->out, p->err);
	cr_expect_eq(outbox_count(NULL), 0);
}

Test(notify_scheduled, purge_removes_mails_sent_or_failed_more_than_90_days_ago)
{
	struct proc *p;

	person("eva.est", "sigtuna", "est-sigtuna", "member", true, NULL);
	cr_assert(sql_query(&e,
			    "INSERT INTO svk.outbox (user_id, address, kind, subject, body, link, "
			    "status, created_at, sent_at) "
			    "SELECT u.id, u.email, 'est.meeting_missing', x.s, 'b', '/', x.status, "
			    "now() - x.age::interval, now() - x.sent::interval "
			    "FROM svk.users u, (VALUES ('gammal', 'sent', '100 days', '100 days'), "
			    "('misslyckad', 'failed', '100 days', NULL), "
			    "('ny', 'sent', '10 days', '10 days'), "
			    "('nyss misslyckad', 'failed', '10 days', NULL), "
			    "('väntar', 'queued', '100 days', NULL)) AS x(s, status, age, sent) "
			    "WHERE u.username = 'eva.est'")
		      ->ok);

	p = samverkand(&e, "purge", "--dry-run");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect(strstr(p->out, "would delete 2 e-mails sent or failed more than 90 days ago"),
		  "%s", p->out);
	cr_expect_eq(outbox_count(NULL), 5, "a dry run deleted");

	p = samverkand(&e, "purge");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect(strstr(p->out, "deleted 2 e-mails sent or failed more than 90 days ago"), "%s",
		  p->out);
	cr_expect_str_eq(sql_value(&e, "SELECT string_agg(subject, ',' ORDER BY subject) "
				       "FROM svk.outbox"),
			 "ny,nyss misslyckad,väntar");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'outbox.purge' "
				   "AND (after->>'mails')::int = 2"),
		     1, "the purge is not audited with its count");
}

/* ---- the sender looks for them by itself --------------------------------- */

static struct sink sink;

static void start_sending(void)
{
	sink_prepare(&sink, 100, false);
	sink_run(&sink);
	env_start(&e, &(struct env_opts){ .extra_ini = sink.ini });
}

static void stop_sending(void)
{
	env_stop(&e);
	sink_stop(&sink);
}

TestSuite(notify_scheduled_sender, .init = start_sending, .fini = stop_sending, .timeout = 120);

Test(notify_scheduled_sender, the_sender_queues_what_is_due_at_its_start_and_delivers_it)
{
	json_t *msgs, *m;
	const char *body, *subject;

	person("stig.styr", "polisen", "styrgrupp", "decision_maker", true, NULL);
	/* The agreement ends in 20 days, whatever the date of the run; and
	 * whatever the sender found at its first start (before stig.styr
	 * had an address, or after) is forgotten. */
	env_stop_daemon(&e);
	cr_assert(sql_query(&e, "UPDATE svk.agreements SET valid_to = svk.today() + 20")->ok);
	cr_assert(sql_query(&e, "DELETE FROM svk.outbox")->ok);
	cr_assert(sql_query(&e, "DELETE FROM svk.notify_events")->ok);
	env_serve(&e);

	wait_count(&e, 1, "the sender to queue the expiry mail at its start",
		   "SELECT count(*) FROM svk.outbox WHERE kind = 'agreement.expiring'");
	msgs = outbox_settle(&e, &sink, "after the start");
	cr_expect_str_eq(recipients(&e, "agreement.expiring"), "stig.styr");
	cr_assert_eq(json_array_size(msgs), 1, "%zu messages", json_array_size(msgs));
	m = json_array_get(msgs, 0);
	subject = json_string_value(json_object_get(m, "subject"));
	body = json_string_value(json_object_get(m, "body"));
	cr_assert(subject && body);
	cr_expect_str_eq(subject, agreement_subject(20));
	cr_expect(strstr(body, "Hej Test stig.styr,"), "%s", body);
	cr_expect(strstr(body, SINK_BASE_URL "/forslag"), "no link in %s", body);

	/* A second start finds it queued already. */
	env_stop_daemon(&e);
	env_serve(&e);
	cr_expect_eq(samverkand(&e, "notify-scheduled")->status, 0);
	cr_expect_eq(outbox_count(NULL), 1, "queued again after a restart");
}
