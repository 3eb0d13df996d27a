/*
 * The notification sender (see mail.h): one thread, one blocking database
 * connection (LISTEN svk_outbox), blocking SMTP through libcurl.
 *
 * Each mail is one transaction: claim the row (FOR UPDATE SKIP LOCKED),
 * send it, record the outcome, commit. Should the daemon die between the
 * SMTP server's "250" and the commit, the row is sent again after the
 * restart with the same Message-ID: a mail goes out twice at worst, never
 * not at all. A failure is retried after retry_base_ms doubled per
 * attempt (at most six hours), until 48 hours after it was queued; then
 * the row is marked failed and logged.
 *
 * The thread sleeps in poll() on the connection's socket (a NOTIFY wakes
 * it), on a pipe (mailer_stop writes to it) and with a timeout until the
 * next retry is due. When the daemon stops, a mail being sent is given
 * MAIL_STOP_GRACE_MS to finish (a relay that answers takes milliseconds,
 * and a mail cut off after the relay took it goes out twice), then
 * libcurl's progress callback gives the transfer up, so shutdown never
 * waits on a slow relay for long.
 *
 * When the relay itself cannot be reached (no connection, no TLS, no
 * answer), the mail is recorded for retry as any other and the whole
 * sender pauses, retry_base_ms doubled per failure up to a minute, instead
 * of trying every due mail against a relay that is down; a mail the relay
 * refuses (a recipient it does not know) does not pause the others.
 *
 * At start and then every MAIL_SCHEDULED_MS the thread also queues the
 * scheduled notifications that are due (svk.notify_scheduled: each event
 * once, however many daemons call it).
 */
#include "mail.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "sql_names.h"
#include "sqltext.h"

extern const struct sql_text svk_queries[];
extern const size_t svk_queries_count;

#define MAIL_WAIT_MAX_MS 60000      /* a look at the outbox at least this often */
#define MAIL_BUSY_WAIT_MS 1000      /* a due row another sender holds */
#define MAIL_RETRY_MAX_MS 21600000L /* six hours between attempts at most */
#define MAIL_RECONNECT_MAX_MS 30000
#define MAIL_ITEMS_MAX 200        /* notifications in one digest */
#define MAIL_SCHEDULED_MS 300000L /* svk.notify_scheduled this often */
#define MAIL_STOP_GRACE_MS 3000L  /* a mail in flight may finish after stop */

struct mailer {
	struct app *app;
	pthread_t thread;
	int wake[2]; /* a byte on wake[1]: stop */
	atomic_bool stopping;
	atomic_long stop_at; /* monotonic ms of mailer_stop, 0 running */
	PGconn *pg;
	char *password;      /* [mail] password_file's first line, or NULL */
	long scheduled_at;   /* monotonic ms of the last svk.notify_scheduled, -1 never */
	long relay_pause_ms; /* the last pause for an unreachable relay, 0 none */
	long relay_retry_at; /* monotonic ms: no mail is tried before */
};

static const char *const statements[] = { SQL_OUTBOX_CLAIM, SQL_OUTBOX_SENT, SQL_OUTBOX_RETRY,
					  SQL_OUTBOX_WAIT, SQL_NOTIFY_SCHEDULED };

static const char *query_text(const char *name)
{
	for (size_t i = 0; i < svk_queries_count; i++)
		if (strcmp(svk_queries[i].name, name) == 0)
			return svk_queries[i].text;
	return NULL;
}

static bool exec_ok(PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static void pg_drop(struct mailer *m)
{
	if (m->pg)
		PQfinish(m->pg);
	m->pg = NULL;
}

/* Connects, listens and prepares; 0, or -1 (logged, no connection). */
static int pg_open(struct mailer *m)
{
	struct log *log = &m->app->log;
	PGresult *r;

	m->pg = PQconnectdb(m->app->cfg.db_url);
	if (!m->pg || PQstatus(m->pg) != CONNECTION_OK)
		goto fail;
	r = PQexec(m->pg, "LISTEN svk_outbox");
	if (!exec_ok(r)) {
		PQclear(r);
		goto fail;
	}
	PQclear(r);
	for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
		const char *text = query_text(statements[i]);
		r = text ? PQprepare(m->pg, statements[i], text, 0, NULL) : NULL;
		if (!r || !exec_ok(r)) {
			PQclear(r);
			goto fail;
		}
		PQclear(r);
	}
	return 0;
fail:
	log_warn(log, "msg=\"mail sender cannot use the database\" error=\"%s\"",
		 m->pg ? PQerrorMessage(m->pg) : "out of memory");
	pg_drop(m);
	return -1;
}

/* Sleeps until woken (NOTIFY or stop) or ms pass; drains notifications. */
static void mailer_wait(struct mailer *m, long ms)
{
	struct pollfd fds[2] = { { m->wake[0], POLLIN, 0 }, { -1, POLLIN, 0 } };
	PGnotify *n;

	if (m->pg)
		fds[1].fd = PQsocket(m->pg);
	if (poll(fds, 2, (int)ms) < 0 && errno != EINTR)
		return;
	if (fds[0].revents)
		atomic_store(&m->stopping, true);
	if (!m->pg || !fds[1].revents)
		return;
	if (PQconsumeInput(m->pg) != 1) {
		pg_drop(m);
		return;
	}
	while ((n = PQnotifies(m->pg)) != NULL)
		PQfreemem(n);
}

struct upload {
	const char *data;
	size_t len, at;
};

static size_t upload_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->len - u->at)
		n = u->len - u->at;
	memcpy(buf, u->data + u->at, n);
	u->at += n;
	return n;
}

static long monotonic_ms(void);

static int upload_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct mailer *m = arg;
	long at = atomic_load(&m->stop_at);

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return at && monotonic_ms() - at > MAIL_STOP_GRACE_MS ? 1 : 0;
}

/* Whether a transfer failed for want of a relay rather than for this mail. */
static bool relay_unreachable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
		return true;
	default:
		return false;
	}
}

/* Sends text to one recipient; 0, or with the reason in err -1 (the mail
 * was refused) or -2 (the relay could not be reached). */
static int smtp_send(struct mailer *m, const char *to, const struct strbuf *text, char *err,
		     size_t errlen)
{
	const struct config *cfg = &m->app->cfg;
	struct upload u = { text->data, text->len, 0 };
	struct curl_slist *rcpt = NULL;
	char from[320], rcpt_to[320], cerr[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	CURLcode rc = CURLE_OUT_OF_MEMORY;

	snprintf(from, sizeof from, "<%s>", cfg->mail_from);
	snprintf(rcpt_to, sizeof rcpt_to, "<%s>", to);
	rcpt = curl_slist_append(NULL, rcpt_to);
	if (!c || !rcpt)
		goto out;
	curl_easy_setopt(c, CURLOPT_URL, cfg->mail_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, upload_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, m);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	/* smtp:// must upgrade to TLS unless told otherwise; smtps:// is TLS. */
	if (strcmp(cfg->mail_starttls, "off") != 0)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->mail_username[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->mail_username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, m->password ? m->password : "");
	}
	rc = curl_easy_perform(c);
out:
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	if (c)
		curl_easy_cleanup(c);
	if (rc == CURLE_OK)
		return 0;
	return relay_unreachable(rc) ? -2 : -1;
}

/* The claimed rows' ids as a PostgreSQL array literal. */
static int id_array(const PGresult *res, struct strbuf *ids)
{
	int rc = strbuf_puts(ids, "{");

	for (int i = 0; i < PQntuples(res); i++)
		rc |= strbuf_printf(ids, "%s%s", i ? "," : "", PQgetvalue(res, i, 0));
	return rc | strbuf_puts(ids, "}");
}

/* The delay before attempt number attempts + 1. */
static long retry_delay_ms(const struct mailer *m, long attempts)
{
	long ms = m->app->cfg.mail_retry_base_ms;

	for (long i = 0; i < attempts && ms < MAIL_RETRY_MAX_MS; i++)
		ms *= 2;
	return ms < MAIL_RETRY_MAX_MS ? ms : MAIL_RETRY_MAX_MS;
}

/* Records the outcome of sending the claimed rows (in the transaction). */
static int record(struct mailer *m, const PGresult *claim, const char *ids, const char *err)
{
	struct log *log = &m->app->log;
	char delay[32];
	PGresult *r;
	bool failed;

	if (!err) {
		r = PQexecPrepared(m->pg, SQL_OUTBOX_SENT, 1, (const char *const[]){ ids }, NULL,
				   NULL, 0);
		if (!exec_ok(r)) {
			PQclear(r);
			return -1;
		}
		PQclear(r);
		atomic_fetch_add(&m->app->mail_sent, 1);
		log_info(log, "msg=\"mail sent\" outbox=%s", ids);
		return 0;
	}
	snprintf(delay, sizeof delay, "%ld",
		 retry_delay_ms(m, strtol(PQgetvalue(claim, 0, 6), NULL, 10)));
	r = PQexecPrepared(m->pg, SQL_OUTBOX_RETRY, 3, (const char *const[]){ ids, delay, err },
			   NULL, NULL, 0);
	if (!exec_ok(r) || PQntuples(r) < 1) {
		PQclear(r);
		return -1;
	}
	failed = strcmp(PQgetvalue(r, 0, 0), "failed") == 0;
	PQclear(r);
	atomic_fetch_add(failed ? &m->app->mail_failed : &m->app->mail_retried, 1);
	if (failed)
		log_error(log,
			  "msg=\"mail failed, giving up after 48 hours\" outbox=%s error=\"%s\"",
			  ids, err);
	else
		log_warn(log,
			 "msg=\"mail not sent, will retry\" outbox=%s delay_ms=%s error=\"%s\"",
			 ids, delay, err);
	return 0;
}

/* Composes and sends the claimed rows as one mail; records the outcome:
 * 0, 2 when the relay could not be reached, -1 database trouble. */
static int deliver(struct mailer *m, const PGresult *claim)
{
	const struct config *cfg = &m->app->cfg;
	struct mail_item items[MAIL_ITEMS_MAX];
	char msgid[128], err[CURL_ERROR_SIZE + 64];
	struct strbuf text, ids;
	size_t n = (size_t)PQntuples(claim);
	int rc = -1, sent;

	if (n > MAIL_ITEMS_MAX) /* outbox_claim takes no more */
		n = MAIL_ITEMS_MAX;
	for (size_t i = 0; i < n; i++)
		items[i] = (struct mail_item){ PQgetvalue(claim, (int)i, 2),
					       PQgetvalue(claim, (int)i, 3),
					       PQgetvalue(claim, (int)i, 4) };
	snprintf(msgid, sizeof msgid, "outbox-%s@%s", PQgetvalue(claim, 0, 0),
		 mail_domain(cfg->mail_from));
	strbuf_init(&text, 0);
	strbuf_init(&ids, 0);
	const struct mail_msg msg = { .from = cfg->mail_from,
				      .to = PQgetvalue(claim, 0, 1),
				      .message_id = msgid,
				      .base_url = cfg->mail_base_url,
				      .items = items,
				      .n = n,
				      .date = (long long)time(NULL) };
	if (mail_compose(&text, &msg) != 0 || id_array(claim, &ids) != 0) {
		log_error(&m->app->log, "msg=\"cannot compose mail (out of memory)\"");
		goto out;
	}
	sent = smtp_send(m, msg.to, &text, err, sizeof err);

	rc = record(m, claim, ids.data, sent == 0 ? NULL : err);
	if (rc == 0 && sent == -2)
		rc = 2;
	else if (sent == 0)
		m->relay_pause_ms = 0;
out:
	strbuf_cleanup(&text);
	strbuf_cleanup(&ids);
	return rc;
}

/* One mail: 1 handled, 2 handled but the relay is unreachable, 0 nothing
 * due, -1 database trouble. */
static int send_next(struct mailer *m)
{
	PGresult *r = PQexec(m->pg, "BEGIN"), *claim = NULL;
	int rc = -1, delivered = 1;

	if (!exec_ok(r))
		goto out;
	claim = PQexecPrepared(m->pg, SQL_OUTBOX_CLAIM, 0, NULL, NULL, NULL, 0);
	if (!exec_ok(claim))
		goto out;
	if (PQntuples(claim) > 0 && (delivered = deliver(m, claim)) < 0)
		goto out;
	PQclear(r);
	r = PQexec(m->pg, "COMMIT");
	if (!exec_ok(r))
		goto out;
	rc = PQntuples(claim) > 0 ? (delivered == 2 ? 2 : 1) : 0;
out:
	if (rc < 0)
		log_warn(&m->app->log, "msg=\"mail sender database error\" error=\"%s\"",
			 PQerrorMessage(m->pg));
	PQclear(r);
	PQclear(claim);
	return rc;
}

/* Milliseconds until the next mail is due; -1 none; -2 database trouble. */
static long due_in(struct mailer *m)
{
	PGresult *r = PQexecPrepared(m->pg, SQL_OUTBOX_WAIT, 0, NULL, NULL, NULL, 0);
	long ms = -2;

	if (exec_ok(r) && PQntuples(r) == 1)
		ms = PQgetisnull(r, 0, 0) ? -1 : strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return ms;
}

static long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Queues the scheduled notifications when MAIL_SCHEDULED_MS have passed;
 * answers the milliseconds until the next run. A failure is logged and
 * tried again at the next run (a lost connection is found by due_in). */
static long run_scheduled(struct mailer *m)
{
	long now = monotonic_ms(), queued = 0;
	PGresult *r;

	if (m->scheduled_at >= 0 && now - m->scheduled_at < MAIL_SCHEDULED_MS)
		return MAIL_SCHEDULED_MS - (now - m->scheduled_at);
	r = PQexecPrepared(m->pg, SQL_NOTIFY_SCHEDULED, 1, (const char *const[]){ NULL }, NULL,
			   NULL, 0);
	m->scheduled_at = now;
	if (!exec_ok(r)) {
		log_warn(&m->app->log, "msg=\"scheduled notifications failed\" error=\"%s\"",
			 PQresultErrorMessage(r));
		PQclear(r);
		return MAIL_SCHEDULED_MS;
	}
	for (int i = 0; i < PQntuples(r); i++)
		queued += strtol(PQgetvalue(r, i, 1), NULL, 10);
	PQclear(r);
	if (queued > 0)
		log_info(&m->app->log, "msg=\"scheduled notifications queued\" mails=%ld", queued);
	return MAIL_SCHEDULED_MS;
}

/* The relay could not be reached: no mail is tried for a while. */
static void relay_pause(struct mailer *m)
{
	long base = m->app->cfg.mail_retry_base_ms;

	m->relay_pause_ms = m->relay_pause_ms ? m->relay_pause_ms * 2 : base;
	if (m->relay_pause_ms > MAIL_WAIT_MAX_MS)
		m->relay_pause_ms = MAIL_WAIT_MAX_MS;
	m->relay_retry_at = monotonic_ms() + m->relay_pause_ms;
	log_warn(&m->app->log, "msg=\"mail relay unreachable, sender paused\" pause_ms=%ld",
		 m->relay_pause_ms);
}

static void *mailer_main(void *arg)
{
	struct mailer *m = arg;
	long reconnect_ms = 1000;

	while (!atomic_load(&m->stopping)) {
		long wait, scheduled;
		int rc = 0;

		if (!m->pg && pg_open(m) != 0) {
			mailer_wait(m, reconnect_ms);
			reconnect_ms = reconnect_ms * 2 < MAIL_RECONNECT_MAX_MS
					   ? reconnect_ms * 2
					   : MAIL_RECONNECT_MAX_MS;
			continue;
		}
		reconnect_ms = 1000;
		scheduled = run_scheduled(m);
		if (m->relay_retry_at > monotonic_ms()) {
			/* A NOTIFY may have woken the thread: the pause goes on. */
			wait = m->relay_retry_at - monotonic_ms();
			mailer_wait(m, wait < scheduled ? wait : scheduled);
			continue;
		}
		while (!atomic_load(&m->stopping) && (rc = send_next(m)) == 1)
			;
		if (rc == 2) {
			relay_pause(m);
			continue;
		}
		wait = rc < 0 ? -2 : due_in(m);
		if (wait == -2) {
			pg_drop(m);
			continue;
		}
		if (wait < 0 || wait > MAIL_WAIT_MAX_MS)
			wait = MAIL_WAIT_MAX_MS;
		if (wait > scheduled)
			wait = scheduled;
		else if (wait == 0)
			wait = MAIL_BUSY_WAIT_MS; /* due, but held by another sender */
		mailer_wait(m, wait);
	}
	pg_drop(m);
	return NULL;
}

static char *read_password(const char *path, struct log *log)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	char *pw = NULL;

	if (!f) {
		log_error(log, "msg=\"cannot read [mail] password_file\" path=\"%s\" error=\"%s\"",
			  path, strerror(errno));
		return NULL;
	}
	if (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		pw = strdup(line);
	}
	fclose(f);
	explicit_bzero(line, sizeof line);
	if (!pw)
		log_error(log, "msg=\"[mail] password_file is empty\" path=\"%s\"", path);
	return pw;
}

static void mailer_free(struct mailer *m)
{
	if (m->wake[0] >= 0)
		close(m->wake[0]);
	if (m->wake[1] >= 0)
		close(m->wake[1]);
	if (m->password) {
		explicit_bzero(m->password, strlen(m->password));
		free(m->password);
	}
	free(m);
}

struct mailer *mailer_start(struct app *app, int *failed)
{
	struct mailer *m;

	*failed = 0;
	if (!app->cfg.mail_url[0]) {
		log_warn(&app->log, "msg=\"[mail] url is not set: notifications are queued, "
				    "not sent\"");
		return NULL;
	}
	*failed = 1;
	m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->app = app;
	m->wake[0] = m->wake[1] = -1;
	m->scheduled_at = -1;
	if (pipe2(m->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		log_error(&app->log, "msg=\"cannot make the mail sender's pipe\"");
		mailer_free(m);
		return NULL;
	}
	if (app->cfg.mail_password_file[0]) {
		m->password = read_password(app->cfg.mail_password_file, &app->log);
		if (!m->password) {
			mailer_free(m);
			return NULL;
		}
	}
	if (pthread_create(&m->thread, NULL, mailer_main, m) != 0) {
		log_error(&app->log, "msg=\"cannot start the mail sender\"");
		mailer_free(m);
		return NULL;
	}
	*failed = 0;
	log_info(&app->log, "msg=\"mail sender started\"");
	return m;
}

void mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	atomic_store(&m->stop_at, monotonic_ms());
	atomic_store(&m->stopping, true);
	log_info(&m->app->log, "msg=\"mail sender stopping\" grace_ms=%ld", MAIL_STOP_GRACE_MS);
	if (write(m->wake[1], "x", 1) < 0)
		(void)0; /* the flag alone stops it at the next wake-up */
	pthread_join(m->thread, NULL);
	mailer_free(m);
}
