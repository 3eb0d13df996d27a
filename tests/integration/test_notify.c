/*
 * E-mail notifications end to end: the decision workflow queues mails in
 * its own transaction, the daemon's sender delivers them over SMTP to a
 * real (test) server, tests/integration/smtp_sink.py, which writes each
 * message it accepts to a file. Who gets which mail is checked against
 * what the server received, not only against the outbox.
 *
 * The cast (decisions_util.c): bo.beredning (beredningsgrupp, the author),
 * eva.est (an EST), stig.styr (styrgrupp member), the decision makers
 * per.polischef and pia.polis (polisen), sara.sollentuna, ulf.vasby,
 * siv.sigtuna.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "decisions_util.h"
#include "notify_util.h"

static struct sink sink;

static void start_sending(void)
{
	sink_prepare(&sink, 100, false);
	sink_run(&sink);
	sink_env_start(&e, &sink);
}

static void start_relay_down(void)
{
	sink_prepare(&sink, 100, false);
	sink_env_start(&e, &sink);
}

/* The default: smtp:// must upgrade to TLS, which the test relay cannot. */
static void start_starttls_required(void)
{
	sink_prepare(&sink, 100, true);
	sink_run(&sink);
	sink_env_start(&e, &sink);
}

static void stop(void)
{
	env_stop(&e);
	sink_stop(&sink);
}

TestSuite(notify, .fini = stop, .timeout = 120);

/* Everyone of the cast exists and has a work address, username@org.example. */
static void everyone_has_mail(void)
{
	static const char *const orgs[N_WHO] = {
		[BERED] = "sollentuna",
		[EST] = "sigtuna",
		[STYR] = "polisen",
		[DIRECTOR + POLISEN] = "polisen",
		[DIRECTOR + SOLLENTUNA] = "sollentuna",
		[DIRECTOR + VASBY] = "upplands-vasby",
		[DIRECTOR + SIGTUNA] = "sigtuna",
		[POLICE2] = "polisen",
	};

	for (int w = 0; w < N_WHO; w++) {
		user((enum who)w);
		set_mail(&e, name((enum who)w),
			 strf(&e, "%s@%s.example", name((enum who)w), orgs[w]), NULL);
	}
}

/* A prioritisation committing resources of the police and Sollentuna. */
static const char *police_and_sollentuna(const char *title)
{
	return create(user(BERED),
		      jsonf(&e, "{s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}, {s:s, s:s, s:f, s:s}]}",
			    "agreement", agreement_id(), "kind", "prioritisation", "title", title,
			    "resources", "organisation", "polisen", "description",
			    "Kommunpoliser kvällstid", "amount", 120.0, "unit", "timmar",
			    "organisation", "sollentuna", "description", "Fältassistenter",
			    "amount", 200000.0, "unit", "kr"));
}

static const char *str_of(json_t *m, const char *key)
{
	const char *s = json_string_value(json_object_get(m, key));

	return s ? s : "";
}

Test(notify, a_submitted_proposal_asks_exactly_the_deciders_of_the_affected, .init = start_sending)
{
	const char *title = "Ökad närvaro vid Sollentuna station";
	const char *id, *link;
	json_t *msgs, *m;
	struct resp *r;

	everyone_has_mail();
	set_mail(&e, name(POLICE2), NULL, "off");
	id = police_and_sollentuna(title);
	submit_ok(user(BERED), id);

	msgs = outbox_settle(&e, &sink, "after the submission");
	/* Polisen and Sollentuna decide; pia.polis said off; nobody else. */
	cr_expect_str_eq(recipients(&e, "proposal.submitted"), "per.polischef,sara.sollentuna");
	cr_expect_eq(json_array_size(msgs), 2, "%zu messages", json_array_size(msgs));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox"), 2);

	m = message_with_subject(msgs, strf(&e, "Beslut väntar: %s", title));
	cr_assert(m, "no message with the Swedish subject");
	link = strf(&e, "%s/forslag/%s", SINK_BASE_URL, id);
	for (size_t i = 0; i < json_array_size(msgs); i++) {
		m = json_array_get(msgs, i);
		cr_expect_str_eq(str_of(m, "subject"), strf(&e, "Beslut väntar: %s", title));
		cr_expect(strstr(str_of(m, "body"), link), "no link %s in %s", link,
			  str_of(m, "body"));
		cr_expect(strstr(str_of(m, "body"), "väntar på beslut av din organisation"),
			  "body: %s", str_of(m, "body"));
		cr_expect_str_eq(str_of(m, "mail_from"), SINK_FROM);
		cr_expect_str_eq(str_of(m, "content_type"), "text/plain");
		/* Nothing of the proposal but its title travels by mail. */
		cr_expect(!strstr(str_of(m, "body"), "Fältassistenter"), "the body tells too much");
	}
	/* Each is greeted by name. */
	for (size_t i = 0; i < json_array_size(msgs); i++) {
		m = json_array_get(msgs, i);
		const char *to = json_string_value(
		    json_array_get(json_object_get(m, "rcpt_to"), 0));
		const char *who = strstr(to ? to : "", "per.") ? "per.polischef"
							       : "sara.sollentuna";
		cr_expect(strncmp(str_of(m, "body"), strf(&e, "Hej Test %s,\n", who),
				  strlen(strf(&e, "Hej Test %s,\n", who))) == 0,
			  "to %s: %s", to ? to : "?", str_of(m, "body"));
	}

	/* Each sees their own notifications, sent. */
	r = http(&e, "GET", "/v1/me/notifications", director(POLISEN), NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1);
	cr_expect_str_eq(resp_str(r, "items.0.status"), "sent");
	cr_expect_str_eq(resp_str(r, "items.0.subject"), strf(&e, "Beslut väntar: %s", title));
	cr_expect_str_eq(resp_str(r, "items.0.link"), strf(&e, "/forslag/%s", id));
	r = http(&e, "GET", "/v1/me/notifications", user(BERED), NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 0, "the author was told: %s", r->body);
	r = http(&e, "GET", "/metrics", NULL, NULL);
	cr_expect(strstr(r->body, "samverkan_mail_sent_total 2"), "metrics: %s", r->body);
}

Test(notify, decisions_tell_the_author_and_the_beredningsgrupp, .init = start_sending)
{
	const char *title = "Förlängning till 2028", *ann, *id;
	json_t *msgs;

	everyone_has_mail();
	ann = user_in_group(&e, "ann.beredning", "sigtuna", "beredningsgrupp", "member");
	(void)ann;
	set_mail(&e, "ann.beredning", "ann.beredning@sigtuna.example", NULL);
	id = create(user(BERED), extension_body(2, title));
	submit_ok(user(BERED), id);
	cr_expect_str_eq(recipients(&e, "proposal.submitted"),
			 "per.polischef,pia.polis,sara.sollentuna,siv.sigtuna,ulf.vasby");

	/* One organisation approves: the others still decide. */
	decide_ok(director(POLISEN), id, "approve", NULL);
	cr_expect_str_eq(recipients(&e, "proposal.decided"), "ann.beredning,bo.beredning");
	/* Sollentuna returns it. */
	decide_ok(director(SOLLENTUNA), id, "return", "Komplettera med kostnader");
	cr_expect_str_eq(recipients(&e, "proposal.returned"), "ann.beredning,bo.beredning");
	msgs = outbox_settle(&e, &sink, "after the return");
	cr_assert(message_with_subject(msgs, strf(&e, "Beslut fattat: %s", title)));
	cr_assert(message_with_subject(msgs, strf(&e, "Återremitterat: %s", title)));
	cr_expect(!strstr(env_keep(&e, json_dumps(msgs, 0), free), "Komplettera med kostnader"),
		  "a decision's comment went out by mail");

	/* Submitted again and adopted: the styrgrupp hears of it too. */
	submit_ok(user(BERED), id);
	for (int org = 0; org < N_PARTIES; org++)
		decide_ok(director(org), id, "approve", NULL);
	cr_expect_str_eq(recipients(&e, "proposal.approved"),
			 "ann.beredning,bo.beredning,per.polischef,pia.polis,sara.sollentuna,"
			 "siv.sigtuna,stig.styr,ulf.vasby");
	msgs = outbox_settle(&e, &sink, "after the adoption");
	cr_assert(message_with_subject(msgs, strf(&e, "Antaget: %s", title)));
	cr_expect(strstr(str_of(message_with_subject(msgs, strf(&e, "Antaget: %s", title)), "body"),
			 strf(&e, "%s/forslag/%s", SINK_BASE_URL, id)));
	/* The EST member is never told. */
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox o JOIN svk.users u "
				   "ON u.id = o.user_id WHERE u.username = 'eva.est'"),
		     0);

	/* A rejection. */
	id = police_and_sollentuna("Kameror vid pendeltåget");
	submit_ok(user(BERED), id);
	decide_ok(director(SOLLENTUNA), id, "reject", NULL);
	cr_expect_str_eq(recipients(&e, "proposal.rejected"), "ann.beredning,bo.beredning");
	msgs = outbox_settle(&e, &sink, "after the rejection");
	cr_assert(message_with_subject(msgs, "Avslaget: Kameror vid pendeltåget"));
}

Test(notify, a_change_rolled_back_sends_nothing, .init = start_sending)
{
	const char *first, *second, *bo;
	struct sqlres *q;
	json_t *msgs;

	everyone_has_mail();
	bo = sql_value(&e, "SELECT id::text FROM svk.users WHERE username = 'bo.beredning'");
	first = create(user(BERED), extension_body(1, "Förlängning ett år"));
	/* The submission's own transaction fails after it queued its mails. */
	q = sql_query(&e, strf(&e,
			       "DO $$ BEGIN PERFORM svk.proposal_submit(%s, '%s'); "
			       "RAISE EXCEPTION 'rolled back'; END $$",
			       bo, first));
	cr_assert(!q->ok, "the DO block did not fail");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox"), 0,
		     "a rolled-back submission left mails queued");

	/* A submission refused with 409 (the same subject awaits a decision). */
	submit_ok(user(BERED), first);
	second = create(user(BERED), extension_body(2, "Förlängning två år"));
	expect_conflict(proposal_post(user(BERED), second, "submit"), "a second extension");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.outbox WHERE proposal_id = $1::uuid", second),
	    0, "a refused submission queued mails");
	msgs = outbox_settle(&e, &sink, "after the refusal");
	cr_expect_eq(json_array_size(msgs), 5, "%zu messages", json_array_size(msgs));
	for (size_t i = 0; i < json_array_size(msgs); i++)
		cr_expect_str_eq(str_of(json_array_get(msgs, i), "subject"),
				 "Beslut väntar: Förlängning ett år");
}

/* The daemon's log as it is now (env-owned). */
static const char *log_text(void)
{
	FILE *f = fopen(e.log, "r");
	size_t len = 0, cap = 0, n;
	char *buf = NULL;

	cr_assert(f, "cannot read %s", e.log);
	do {
		if (cap - len < 4096) {
			char *more = realloc(buf, cap + 65536);
			cr_assert(more, "out of memory");
			buf = more;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return env_keep(&e, buf, free);
}

/* How often needle occurs in text. */
static int log_occurrences(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

Test(notify, a_relay_that_is_down_is_retried_until_it_answers, .init = start_relay_down)
{
	const char *id, *log;
	struct resp *r;
	json_t *msgs;
	int not_sent, paused;

	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 200);
	cr_expect_str_eq(resp_str(r, "mail"), "sending");
	user(DIRECTOR + POLISEN);
	user(DIRECTOR + SOLLENTUNA);
	set_mail(&e, director_name(POLISEN), "per.polischef@polisen.example", NULL);
	set_mail(&e, director_name(SOLLENTUNA), "sara.direktor@sollentuna.example", NULL);
	id = police_and_sollentuna("Trygghetsvandring");
	submit_ok(user(BERED), id);
	/* Connection refused: the rows stay queued, with the error, and are
	 * tried again (retry_base_ms = 100, doubling). */
	wait_count(&e, 4, "the relay is down",
		   "SELECT coalesce(sum(attempts), 0) FROM svk.outbox "
		   "WHERE status = 'queued' AND last_error IS NOT NULL");
	cr_expect_eq(sink.pid, 0);
	r = http(&e, "GET", "/v1/me/notifications", director(POLISEN), NULL);
	cr_expect_str_eq(resp_str(r, "items.0.status"), "queued");
	/* A relay that cannot be reached pauses the sender after one mail:
	 * each failed attempt is followed by a pause, not by the next mail
	 * (one attempt may be read just before its pause is logged). */
	log = log_text();
	not_sent = log_occurrences(log, "mail not sent");
	paused = log_occurrences(log, "mail relay unreachable, sender paused");
	cr_expect_geq(not_sent, 4, "%d attempts logged", not_sent);
	cr_expect(
	    paused == not_sent || paused == not_sent - 1,
	    "%d failed attempts but %d pauses: mails were tried against a relay that was down",
	    not_sent, paused);

	sink_run(&sink);
	wait_count(&e, 2, "the relay answers",
		   "SELECT count(*) FROM svk.outbox WHERE status = 'sent'");
	msgs = outbox_settle(&e, &sink, "once the relay answers");
	cr_expect_eq(json_array_size(msgs), 2);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox WHERE status <> 'sent'"), 0);
	cr_expect_geq(sql_count(&e, "SELECT sum(attempts) FROM svk.outbox"), 5);
	r = http(&e, "GET", "/metrics", NULL, NULL);
	cr_expect(strstr(r->body, "samverkan_mail_sent_total 2\n"), "metrics: %s", r->body);
	cr_expect(!strstr(r->body, "samverkan_mail_retried_total 0\n"), "metrics: %s", r->body);
	cr_expect(strstr(r->body, "samverkan_mail_failed_total 0\n"), "metrics: %s", r->body);
}

Test(notify, one_mail_per_event_across_a_restart, .init = start_sending)
{
	const char *id;
	json_t *msgs;

	user(DIRECTOR + POLISEN);
	user(BERED);
	set_mail(&e, director_name(POLISEN), "per.polischef@polisen.example", NULL);
	set_mail(&e, name(BERED), "bo.beredning@sollentuna.example", NULL);
	id = police_and_sollentuna("Före och efter omstart");
	submit_ok(user(BERED), id);
	sink_wait(&e, &sink, 1, "before the restart");

	env_stop_daemon(&e);
	env_serve(&e);
	decide_ok(director(POLISEN), id, "approve", NULL);
	msgs = outbox_settle(&e, &sink, "after the restart");
	cr_expect_eq(json_array_size(msgs), 2, "%zu messages", json_array_size(msgs));
	cr_expect_str_eq(str_of(json_array_get(msgs, 0), "subject"),
			 "Beslut väntar: Före och efter omstart");
	cr_expect_str_eq(str_of(json_array_get(msgs, 1), "subject"),
			 "Beslut fattat: Före och efter omstart");
}

/* The daemon stopped (SIGTERM) while the relay holds its answer to a
 * mail it has taken: the sender lets the mail finish and records it as
 * sent before the daemon exits, so the restart does not send it again. */
Test(notify, a_mail_in_flight_when_the_daemon_stops_is_finished_not_sent_twice,
     .init = start_sending)
{
	const char *hold = strf(&e, "%s/hold", sink.dir), *id;
	int fd, st;

	user(DIRECTOR + POLISEN);
	user(BERED);
	set_mail(&e, director_name(POLISEN), "per.polischef@polisen.example", NULL);
	set_mail(&e, name(BERED), "bo.beredning@sollentuna.example", NULL);
	fd = open(hold, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	cr_assert(fd >= 0 && close(fd) == 0, "cannot create %s", hold);
	id = police_and_sollentuna("Under avstängningen");
	submit_ok(user(BERED), id);
	sink_wait(&e, &sink, 1, "the relay stored the mail, its answer held");
	cr_assert_eq(kill(e.pid, SIGTERM), 0, "kill: %s", strerror(errno));
	log_wait(&e, "msg=\"mail sender stopping\"", "the daemon stops its sender");
	cr_assert_eq(unlink(hold), 0, "unlink: %s", strerror(errno));
	cr_assert_eq(waitpid(e.pid, &st, 0), e.pid, "waitpid: %s", strerror(errno));
	close(e.pidfd);
	e.pidfd = -1;
	e.pid = 0;
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the daemon's exit: %d", st);
	cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.outbox"), "sent",
			 "the mail finished during the stop");

	env_serve(&e);
	decide_ok(director(POLISEN), id, "approve", NULL);
	cr_expect_eq(json_array_size(outbox_settle(&e, &sink, "after the restart")), 2,
		     "the held mail and the decision's, each once");
}

/* The daemon killed after the relay stored a mail but before the sender
 * heard its "250": the row is still queued, and after the restart the mail
 * goes out again with the same Message-ID. Twice at worst, never lost. */
Test(notify, a_daemon_killed_mid_send_sends_the_mail_again_never_loses_it, .init = start_sending)
{
	const char *hold = strf(&e, "%s/hold", sink.dir), *id;
	json_t *msgs;
	int fd, st;

	user(DIRECTOR + POLISEN);
	set_mail(&e, director_name(POLISEN), "per.polischef@polisen.example", NULL);
	fd = open(hold, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	cr_assert(fd >= 0 && close(fd) == 0, "cannot create %s", hold);
	id = police_and_sollentuna("Mitt i sändningen");
	submit_ok(user(BERED), id);
	sink_wait(&e, &sink, 1, "the relay stored the mail, its answer held");
	cr_assert_eq(kill(e.pid, SIGKILL), 0, "kill: %s", strerror(errno));
	cr_assert_eq(waitpid(e.pid, &st, 0), e.pid, "waitpid: %s", strerror(errno));
	close(e.pidfd);
	e.pidfd = -1;
	e.pid = 0;
	cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.outbox"), "queued",
			 "the row of a mail whose answer never came");
	cr_assert_eq(unlink(hold), 0, "unlink: %s", strerror(errno));

	env_serve(&e);
	wait_count(&e, 1, "after the restart",
		   "SELECT count(*) FROM svk.outbox WHERE status = 'sent'");
	sink_wait(&e, &sink, 2, "the mail again");
	msgs = sink_messages(&e, &sink);
	cr_expect_eq(json_array_size(msgs), 2, "%zu messages", json_array_size(msgs));
	cr_expect_str_eq(str_of(json_array_get(msgs, 0), "message_id"),
			 str_of(json_array_get(msgs, 1), "message_id"),
			 "the mail sent again has another Message-ID");
	cr_expect_str_eq(
	    str_of(json_array_get(msgs, 1), "message_id"),
	    strf(&e, "<%s@samverkan.example>", sql_value(&e, "SELECT message_id FROM svk.outbox")));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox"), 1);
}

Test(notify, a_daily_user_gets_one_digest_at_seven, .init = start_sending)
{
	json_t *msgs, *m;

	everyone_has_mail();
	set_mail(&e, director_name(POLISEN), NULL, "daily");
	submit_ok(user(BERED), police_and_sollentuna("Första förslaget"));
	submit_ok(user(BERED), police_and_sollentuna("Andra förslaget"));
	/* Queued for the next 07:00 Swedish time, not sent now. */
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.outbox o JOIN svk.users u "
			       "ON u.id = o.user_id WHERE u.username = 'per.polischef' AND o.daily "
			       "AND o.status = 'queued' AND o.next_attempt_at > now() "
			       "AND (o.next_attempt_at AT TIME ZONE 'Europe/Stockholm')::time "
			       "= '07:00' AND o.next_attempt_at <= now() + interval '1 day'"),
		     2);
	msgs = outbox_settle(&e, &sink, "the immediate ones");
	cr_expect_eq(json_array_size(msgs), 4, "%zu messages", json_array_size(msgs));

	/* Seven o'clock comes: both in one mail. */
	sql_query(&e, "UPDATE svk.outbox SET next_attempt_at = now() WHERE daily");
	sql_query(&e, "SELECT pg_notify('svk_outbox', '')");
	msgs = outbox_settle(&e, &sink, "the digest");
	cr_assert_eq(json_array_size(msgs), 5, "%zu messages", json_array_size(msgs));
	m = json_array_get(msgs, 4);
	cr_expect_str_eq(str_of(m, "subject"), "Samverkan: 2 meddelanden");
	cr_expect(strstr(str_of(m, "body"), "Beslut väntar: Första förslaget") &&
		      strstr(str_of(m, "body"), "Beslut väntar: Andra förslaget"),
		  "digest: %s", str_of(m, "body"));
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.outbox WHERE daily AND status = 'sent'"), 2);
}

Test(notify, smtp_without_starttls_is_refused_unless_told, .init = start_starttls_required)
{
	user(DIRECTOR + POLISEN);
	set_mail(&e, director_name(POLISEN), "per.polischef@polisen.example", NULL);
	submit_ok(user(BERED), police_and_sollentuna("Utan kryptering"));
	/* The relay offers no STARTTLS: nothing is handed over in clear. */
	wait_count(&e, 2, "a relay without STARTTLS",
		   "SELECT coalesce(max(attempts), 0) FROM svk.outbox "
		   "WHERE status = 'queued' AND last_error IS NOT NULL");
	cr_expect_eq(json_array_size(sink_messages(&e, &sink)), 0, "a mail went out without TLS");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox WHERE status = 'sent'"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.outbox WHERE last_error ~* 'tls|ssl'"),
		     1, "the error: %s", sql_value(&e, "SELECT last_error FROM svk.outbox"));
}

/* A second samverkand on the same database, with its own port and the
 * same [mail]; its stderr goes to dir/second.log. */
static pid_t second_daemon(int *hold)
{
	char *config = strf(&e, "%s/second.ini", e.dir), *log = strf(&e, "%s/second.log", e.dir);
	char *exe = strf(&e, "%s/daemon/samverkand", harness_build_dir());
	FILE *in = fopen(e.config, "r"), *out = fopen(config, "w");
	char line[1024];
	int port;
	pid_t pid;

	cr_assert(in && out, "cannot copy %s", e.config);
	*hold = harness_reserve_port(&port);
	close(*hold);
	while (fgets(line, sizeof line, in))
		fputs(strncmp(line, "listen = ", 9) == 0 ? strf(&e, "listen = 127.0.0.1:%d\n", port)
							 : line,
		      out);
	fclose(in);
	fclose(out);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execl(exe, exe, "-c", config, "serve", (char *)NULL);
		_exit(127);
	}
	/* Its sender runs once it says so. */
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(log, "r");
		bool up = false;
		while (f && fgets(line, sizeof line, f))
			up = up || strstr(line, "msg=\"listening\"");
		if (f)
			fclose(f);
		if (up)
			return pid;
		cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "the second daemon exited");
		struct timespec ts = { 0, 20000000L };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	cr_assert_fail("the second daemon did not start");
	return -1;
}

Test(notify, two_daemons_on_one_database_send_each_mail_once, .init = start_sending)
{
	int hold, status = -1;
	pid_t second;
	json_t *msgs;

	everyone_has_mail();
	second = second_daemon(&hold);
	for (int i = 0; i < 4; i++)
		submit_ok(user(BERED), police_and_sollentuna(strf(&e, "Förslag nummer %d", i + 1)));
	submit_ok(user(BERED), create(user(BERED), extension_body(1, "Förlängning")));
	/* 4 x (per, pia, sara) and the five deciders of the extension. */
	wait_count(&e, 17, "both senders at work",
		   "SELECT count(*) FROM svk.outbox WHERE status = 'sent'");
	msgs = outbox_settle(&e, &sink, "two senders");
	cr_expect_eq(json_array_size(msgs), 17, "%zu messages for 17 rows", json_array_size(msgs));
	kill(second, SIGTERM);
	cr_expect_eq(waitpid(second, &status, 0), second);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the second daemon stopped with status %d", status);
}
