/*
 * A private PostgreSQL cluster for the robustness suites (see
 * robust_util.h), which a test may stop and start under a running daemon.
 */
#include "robust_internal.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PGC_DB "svk"
#define PGC_PORT 5432

/* ---- a private PostgreSQL cluster ------------------------------------------ */

/* Runs a PostgreSQL program (SVK_TEST_PGBIN/prog) as the postgres user when
 * SVK_TEST_AS_PG says so, its output appended to the cluster's tool log.
 * Returns its exit status (-1 when it could not run or was killed). */
static int pg_tool_run(const struct pgc *c, const char *prog, const char *const args[])
{
	const char *as = getenv("SVK_TEST_AS_PG");
	const char *bin = getenv("SVK_TEST_PGBIN");
	char words[256], exe[PATH_MAX], toollog[PATH_MAX + 16];
	const char *argv[32];
	size_t n = 0;
	int st = 0, logfd;
	pid_t pid;

	if (!bin || !bin[0])
		return -1;
	if (snprintf(words, sizeof words, "%s", as ? as : "") >= (int)sizeof words ||
	    snprintf(exe, sizeof exe, "%s/%s", bin, prog) >= (int)sizeof exe ||
	    snprintf(toollog, sizeof toollog, "%s/tools.log", c->dir) >= (int)sizeof toollog)
		return -1;
	if (words[0]) {
		char *save = NULL;
		/* A command word is looked up in PATH, as the shell would. */
		argv[n++] = "/usr/bin/env";
		for (char *tok = strtok_r(words, " ", &save); tok && n < 16;
		     tok = strtok_r(NULL, " ", &save))
			argv[n++] = tok;
	}
	argv[n++] = exe;
	for (size_t i = 0; args[i] && n + 1 < sizeof argv / sizeof argv[0]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	logfd = open(toollog, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (logfd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(logfd);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The tool log, for failure messages (static: one test at a time). */
static const char *tool_log(const struct pgc *c)
{
	static char text[2048];
	char path[PATH_MAX + 16];
	char *all;
	size_t n = 0;

	text[0] = '\0';
	if (snprintf(path, sizeof path, "%s/tools.log", c->dir) >= (int)sizeof path)
		return text;
	all = robust_slurp(path, &n);
	if (all) {
		snprintf(text, sizeof text, "%s",
			 n > sizeof text - 1 ? all + n - (sizeof text - 1) : all);
		free(all);
	}
	return text;
}

static void pgc_conninfo(const struct pgc *c, char *out, size_t len, const char *db,
			 const char *user)
{
	int n = snprintf(out, len, "host='%s' port='%d' dbname='%s' user='%s'", c->dir, c->port, db,
			 user);

	cr_assert(n > 0 && (size_t)n < len, "conninfo too long");
}

void pgc_start(struct pgc *c)
{
	char opts[PATH_MAX + 128];
	int st;

	FMT(opts, "-k %s -p %d -c listen_addresses='' -c fsync=off -c max_connections=40", c->dir,
	    c->port);
	st = pg_tool_run(
	    c, "pg_ctl",
	    (const char *const[]){ "-D", c->data, "-w", "-l", c->log, "-o", opts, "start", NULL });
	cr_assert_eq(st, 0, "pg_ctl start failed (exit %d): %s", st, tool_log(c));
	c->running = true;
}

void pgc_stop(struct pgc *c)
{
	int st = pg_tool_run(
	    c, "pg_ctl", (const char *const[]){ "-D", c->data, "-w", "-m", "fast", "stop", NULL });

	cr_assert_eq(st, 0, "pg_ctl stop failed (exit %d): %s", st, tool_log(c));
	c->running = false;
}

void pgc_create(struct pgc *c)
{
	const char *tmp = getenv("TMPDIR");
	const char *as = getenv("SVK_TEST_AS_PG");
	char ci[PATH_MAX + 128], app[PATH_MAX + 128], admin[PATH_MAX + 128];
	PGconn *pg;
	int st;

	memset(c, 0, sizeof *c);
	robust_need_env("SVK_TEST_PGBIN");
	c->port = PGC_PORT; /* only a socket in a private directory: no clash */
	FMT(c->dir, "%s/svk-it-pg.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	cr_assert(mkdtemp(c->dir), "mkdtemp: %s", strerror(errno));
	c->made = true;
	FMT(c->data, "%s/data", c->dir);
	FMT(c->log, "%s/log", c->dir);
	cr_assert(chmod(c->dir, 0755) == 0, "chmod %s: %s", c->dir, strerror(errno));
	if (as && as[0]) {
		struct passwd *pw = getpwnam("postgres");
		cr_assert(pw, "SVK_TEST_AS_PG is set but there is no postgres user");
		cr_assert(chown(c->dir, pw->pw_uid, pw->pw_gid) == 0, "chown %s: %s", c->dir,
			  strerror(errno));
	}
	st = pg_tool_run(c, "initdb",
			 (const char *const[]){ "-D", c->data, "-U", "postgres", "-A", "trust",
						"-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
						NULL });
	cr_assert_eq(st, 0, "initdb failed (exit %d): %s", st, tool_log(c));
	pgc_start(c);
	pgc_conninfo(c, ci, sizeof ci, "postgres", "postgres");
	pg = PQconnectdb(ci);
	cr_assert(pg, "out of memory");
	if (PQstatus(pg) != CONNECTION_OK) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(pg));
		PQfinish(pg);
		cr_assert_fail("cannot connect to the private cluster: %s", msg);
	}
	{
		PGresult *r1 = PQexec(pg, "CREATE ROLE samverkan_app LOGIN");
		PGresult *r2 = PQexec(pg, "CREATE DATABASE " PGC_DB);
		bool ok = PQresultStatus(r1) == PGRES_COMMAND_OK &&
			  PQresultStatus(r2) == PGRES_COMMAND_OK;
		char msg[300];

		snprintf(msg, sizeof msg, "%s", PQerrorMessage(pg));
		PQclear(r1);
		PQclear(r2);
		PQfinish(pg);
		cr_assert(ok, "cannot set up the private cluster: %s", msg);
	}
	pgc_conninfo(c, app, sizeof app, PGC_DB, "samverkan_app");
	pgc_conninfo(c, admin, sizeof admin, PGC_DB, "postgres");
	FMT(c->ini, "[database]\nurl = %s\nadmin_url = %s\n", app, admin);
}

void pgc_destroy(struct pgc *c)
{
	if (!c->made)
		return;
	if (c->running)
		(void)pg_tool_run(
		    c, "pg_ctl",
		    (const char *const[]){ "-D", c->data, "-m", "immediate", "-w", "stop", NULL });
	c->running = false;
	{
		pid_t pid = fork();
		if (pid == 0) {
			execl("/bin/rm", "rm", "-rf", "--", c->dir, (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
	}
	c->made = false;
}
