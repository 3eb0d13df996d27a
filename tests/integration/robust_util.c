/*
 * Helpers for the robustness suites (see robust_util.h): time, files and
 * the daemon's log, signals to the daemon, a superuser connection of the
 * test's own. The raw TLS client is in robust_tls.c, the private cluster
 * in robust_pgc.c.
 */
#include "robust_internal.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- time --------------------------------------------------------------- */

long mono_ms(void)
{
	struct timespec ts;

	cr_assert(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "clock_gettime: %s", strerror(errno));
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void poll_pause(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- files --------------------------------------------------------------- */

static void write_bytes(const char *path, const char *data, size_t n, unsigned mode, bool append)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
		      (mode_t)mode);
	size_t off = 0;

	cr_assert(fd >= 0, "cannot write %s: %s", path, strerror(errno));
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int err = errno;
			close(fd);
			cr_assert_fail("cannot write %s: %s", path, strerror(err));
		}
		off += (size_t)w;
	}
	cr_assert(close(fd) == 0, "cannot write %s: %s", path, strerror(errno));
}

char *robust_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;
		if (n + 8192 + 1 > cap) {
			char *d;
			cap = cap ? cap * 2 : 16384;
			d = realloc(data, cap);
			if (!d) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = d;
		}
		got = fread(data + n, 1, 8192, f);
		n += got;
		if (got < 8192)
			break;
	}
	if (ferror(f)) {
		free(data);
		fclose(f);
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}
void copy_file(const char *from, const char *to, unsigned mode)
{
	size_t n = 0;
	char *data = robust_slurp(from, &n);

	cr_assert(data, "cannot read %s: %s", from, strerror(errno));
	write_bytes(to, data, n, mode, false);
	free(data);
	cr_assert(chmod(to, (mode_t)mode) == 0, "chmod %s: %s", to, strerror(errno));
}

void write_file(const char *path, const char *text, unsigned mode)
{
	write_bytes(path, text, strlen(text), mode, false);
}

void append_file(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text), 0600, true);
}

const char *read_log(struct env *e)
{
	char *text = robust_slurp(e->log, NULL);

	cr_assert(text, "cannot read %s", e->log);
	return env_keep(e, text, free);
}

int log_count(struct env *e, const char *needle)
{
	char *text = robust_slurp(e->log, NULL);
	int n = 0;

	cr_assert(text, "cannot read %s", e->log);
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	free(text);
	return n;
}

/* ---- the daemon ----------------------------------------------------------- */

int robust_wait_exit(struct env *e, int timeout_ms)
{
	struct pollfd pfd = { .fd = e->pidfd, .events = POLLIN };
	int st = 0, rc;

	cr_assert(e->pid > 0 && e->pidfd >= 0, "the daemon is not running");
	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return -1;
	cr_assert(waitpid(e->pid, &st, 0) == e->pid, "waitpid: %s", strerror(errno));
	close(e->pidfd);
	e->pidfd = -1;
	e->pid = 0;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

void robust_signal(struct env *e, int sig)
{
	cr_assert(e->pid > 0, "the daemon is not running");
	cr_assert(kill(e->pid, sig) == 0, "kill: %s", strerror(errno));
}

/* ---- SQL ------------------------------------------------------------------ */

static void pq_finish(void *p)
{
	PQfinish(p);
}
const char *robust_need_env(const char *name)
{
	const char *v = getenv(name);

	cr_assert(v && v[0], "%s is not set: run the integration tests with ./tests/run", name);
	return v;
}

PGconn *robust_owner_conn(struct env *e)
{
	PGconn *pg = PQconnectdb(
	    strf(e, "host='%s' port='%s' dbname='%s' user='%s'", robust_need_env("SVK_TEST_PGHOST"),
		 robust_need_env("SVK_TEST_PGPORT"), e->db, robust_need_env("SVK_TEST_PGUSER")));

	cr_assert(pg, "out of memory");
	env_keep(e, pg, pq_finish);
	cr_assert(PQstatus(pg) == CONNECTION_OK, "cannot connect to %s: %s", e->db,
		  PQerrorMessage(pg));
	return pg;
}

void pg_exec_ok(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	char msg[300];

	snprintf(msg, sizeof msg, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(pg));
	PQclear(r);
	cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql, msg);
}

void pg_exec_quiet(PGconn *pg, const char *sql)
{
	PQclear(PQexec(pg, sql));
}
