/*
 * The notification suites' SMTP server and waits (see notify_util.h).
 */
#include "notify_util.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 20000
#define POLL_NS 20000000L

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_briefly(void)
{
	struct timespec ts = { 0, POLL_NS };

	nanosleep(&ts, NULL);
}

void sink_prepare(struct sink *s, int retry_base_ms, bool starttls)
{
	memset(s, 0, sizeof *s);
	s->hold_fd = harness_reserve_port(&s->port);
	snprintf(s->dir, sizeof s->dir, "/tmp/svk-sink-XXXXXX");
	cr_assert(mkdtemp(s->dir), "mkdtemp: %s", strerror(errno));
	snprintf(s->ini, sizeof s->ini,
		 "[mail]\nurl = smtp://127.0.0.1:%d\nfrom = %s\nbase_url = %s\nstarttls = %s\n"
		 "retry_base_ms = %d\n",
		 s->port, SINK_FROM, SINK_BASE_URL, starttls ? "on" : "off", retry_base_ms);
}

void sink_run(struct sink *s)
{
	char script[PATH_MAX], port[16], ready[PATH_MAX + 16];
	long until = now_ms() + WAIT_MS;
	struct stat st;

	snprintf(script, sizeof script, "%s/tests/integration/smtp_sink.py", harness_top_dir());
	snprintf(port, sizeof port, "%d", s->port);
	snprintf(ready, sizeof ready, "%s/ready", s->dir);
	if (s->hold_fd >= 0)
		close(s->hold_fd);
	s->hold_fd = -1;
	s->pid = fork();
	cr_assert(s->pid >= 0, "fork: %s", strerror(errno));
	if (s->pid == 0) {
		execlp("python3", "python3", script, port, s->dir, (char *)NULL);
		_exit(127);
	}
	while (stat(ready, &st) != 0) {
		int status;
		cr_assert(waitpid(s->pid, &status, WNOHANG) == 0, "the SMTP server exited");
		cr_assert(now_ms() < until, "the SMTP server did not start");
		pause_briefly();
	}
}

void sink_stop(struct sink *s)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX + 300];

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
	if (s->hold_fd > 0)
		close(s->hold_fd);
	s->hold_fd = -1;
	if (!s->dir[0])
		return;
	d = opendir(s->dir);
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || strcmp(de->d_name, "..") == 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", s->dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(s->dir);
	s->dir[0] = '\0';
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

json_t *sink_messages(struct env *e, struct sink *s)
{
	json_t *all = json_array();
	char *names[1000];
	size_t n = 0;
	DIR *d = opendir(s->dir);
	struct dirent *de;

	cr_assert(all && d, "cannot read %s", s->dir);
	while ((de = readdir(d)) != NULL && n < 1000)
		if (strncmp(de->d_name, "msg-", 4) == 0)
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	for (size_t i = 0; i < n; i++) {
		char *path = strf(e, "%s/%s", s->dir, names[i]);
		json_error_t err;
		json_t *m = json_load_file(path, 0, &err);
		cr_assert(m, "%s: %s", path, err.text);
		json_array_append_new(all, m);
		free(names[i]);
	}
	return env_keep(e, all, (void (*)(void *))json_decref);
}

static size_t sink_count(struct sink *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "msg-", 4) == 0;
	if (d)
		closedir(d);
	return n;
}

void sink_wait(struct env *e, struct sink *s, size_t n, const char *what)
{
	long until = now_ms() + WAIT_MS;

	(void)e;
	while (sink_count(s) < n) {
		cr_assert(now_ms() < until, "%s: %zu of %zu messages arrived", what, sink_count(s),
			  n);
		pause_briefly();
	}
}

static bool log_has(struct env *e, const char *s)
{
	FILE *f = fopen(e->log, "r");
	char line[1024];
	bool found = false;

	cr_assert(f, "cannot open %s: %s", e->log, strerror(errno));
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, s) != NULL;
	fclose(f);
	return found;
}

void log_wait(struct env *e, const char *s, const char *what)
{
	long until = now_ms() + WAIT_MS;

	while (!log_has(e, s)) {
		cr_assert(now_ms() < until, "%s: waited in vain for %s in the log", what, s);
		pause_briefly();
	}
}

void wait_count(struct env *e, long n, const char *what, const char *sql)
{
	long until = now_ms() + WAIT_MS;

	while (sql_count(e, sql) < n) {
		cr_assert(now_ms() < until, "%s: waited in vain for %s >= %ld", what, sql, n);
		pause_briefly();
	}
}

json_t *outbox_settle(struct env *e, struct sink *s, const char *what)
{
	long until = now_ms() + WAIT_MS, sent;
	json_t *msgs, *m;
	size_t i;

	while (sql_count(e, "SELECT count(*) FROM svk.outbox "
			    "WHERE status = 'queued' AND next_attempt_at <= now()") > 0) {
		cr_assert(now_ms() < until, "%s: mail due stays queued", what);
		pause_briefly();
	}
	/* A digest is one mail for the daily rows of a user sent together. */
	sent = sql_count(e, "SELECT count(DISTINCT CASE WHEN daily THEN user_id || '@' || sent_at "
			    "ELSE id::text END) FROM svk.outbox WHERE status = 'sent'");
	sink_wait(e, s, (size_t)sent, what);
	msgs = sink_messages(e, s);
	cr_expect_eq((long)json_array_size(msgs), sent,
		     "%s: %zu messages arrived for %ld rows sent", what, json_array_size(msgs),
		     sent);
	json_array_foreach (msgs, i, m) {
		const char *id = json_string_value(json_object_get(m, "message_id"));
		cr_expect_eq(
		    sql_count(e,
			      "SELECT count(*) FROM svk.outbox WHERE status = 'sent' "
			      "AND '<' || message_id || '@samverkan.example>' = $1 "
			      "AND address = $2",
			      id ? id : "",
			      json_string_value(json_array_get(json_object_get(m, "rcpt_to"), 0))),
		    1, "%s: message %zu (%s) is not one sent row's", what, i,
		    id ? id : "no Message-ID");
	}
	return msgs;
}

void set_mail(struct env *e, const char *username, const char *email, const char *notify)
{
	json_t *b = json_object();
	char *text;
	struct resp *r;

	if (email)
		json_object_set_new(b, "email", json_string(email));
	if (notify)
		json_object_set_new(b, "notify", json_string(notify));
	text = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	cr_assert(text);
	env_keep(e, text, free);
	r = http(e, "PATCH", strf(e, "/v1/users/%s", username), admin_token(e), text);
	cr_assert_eq(r->status, 200, "set the mail settings of %s: %s", username, resp_why(r));
}

const char *recipients(struct env *e, const char *kind)
{
	return sql_value(e,
			 "SELECT coalesce(string_agg(u.username, ',' ORDER BY u.username), '') "
			 "FROM svk.outbox o JOIN svk.users u ON u.id = o.user_id WHERE o.kind = $1",
			 kind);
}

json_t *message_with_subject(json_t *messages, const char *subject)
{
	size_t i;
	json_t *m;

	json_array_foreach (messages, i, m) {
		const char *s = json_string_value(json_object_get(m, "subject"));
		if (s && strcmp(s, subject) == 0)
			return m;
	}
	return NULL;
}

void sink_env_start(struct env *e, struct sink *s)
{
	struct proc *p;

	env_start(e, &(struct env_opts){ .extra_ini = s->ini, .no_serve = true });
	p = samverkand(e, "notify-scheduled");
	cr_assert_eq(p->status, 0, "samverkand notify-scheduled: exit %d: %s", p->status, p->err);
	cr_assert_eq(sql_count(e, "SELECT count(*) FROM svk.outbox"), 0,
		     "the day's scheduled notifications queued mails for users with no address");
	env_serve(e);
}
