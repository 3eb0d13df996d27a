/*
 * The shared env (ENV_SHARED_SUITE in harness.h): one database and one
 * daemon for all the tests of a binary, instead of a clone and a daemon
 * start per test, which is most of an integration test's time: a daemon's
 * connections are new PostgreSQL backends, whose catalog caches and
 * compiled functions every test would otherwise build again.
 *
 * Each test still starts from the seeded data: the first test copies the
 * fresh clone's rows into a schema of the tests' own (svk_test_reset)
 * before the daemon starts, and every later test puts them back (all of
 * schema svk truncated and refilled, its sequences set back, in one
 * transaction) and empties the daemon's log. The daemon keeps nothing of
 * the data in memory (a session, a throttle, an idempotency key: all are
 * rows), so it cannot tell the difference.
 *
 * Criterion runs each test in a process of its own, so the env cannot
 * live in one: the binary's first test makes it, under a lock, with a
 * daemon that outlives that process, and writes the env to a file; every
 * later test reads the file. The runner (harness_main.c), after the last
 * test, stops the daemon with SIGTERM, expects it to log its clean stop
 * and no sanitizer report (it is not the runner's child, so its exit
 * status cannot be had), and drops the database. The daemon's pid also
 * goes into SVK_TEST_STATE_DIR, where tests/run finds it if the runner
 * itself dies.
 */
#include <criterion/criterion.h>
#include <criterion/options.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "harness_internal.h"

#define SHARED_VAR "SVK_IT_SHARED"
#define STOP_TIMEOUT_MS 30000

bool harness_shared_declared;

/* The file holding the env, or NULL outside a runner that made one. */
static const char *shared_file(void)
{
	const char *f = getenv(SHARED_VAR);

	return f && f[0] ? f : NULL;
}

static void pid_file(char *buf, size_t len, const struct env *e)
{
	const char *state = getenv("SVK_TEST_STATE_DIR");

	buf[0] = '\0';
	if (state && state[0] &&
	    snprintf(buf, len, "%s/shared-%ld.pid", state, (long)e->pid) >= (int)len)
		buf[0] = '\0';
}

static bool read_env(const char *path, struct env *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, e, sizeof *e);
	close(fd);
	return n == (ssize_t)sizeof *e;
}

static void write_env(const char *path, const struct env *e)
{
	char tmp[PATH_MAX];
	int fd;

	PATHF(tmp, "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "cannot write %s: %s", tmp, strerror(errno));
	cr_assert(write(fd, e, sizeof *e) == (ssize_t)sizeof *e, "cannot write %s", tmp);
	cr_assert(close(fd) == 0 && rename(tmp, path) == 0, "cannot write %s", path);
}

/* What belongs to one process only, in an env read from the file. */
static void make_local(struct env *e)
{
	e->admin_tok = NULL;
	e->curl = e->pg_owner = e->pg_app = NULL;
	e->arena = NULL;
	e->port_fd = -1;
	e->pidfd = -1;
	e->pid = 0;
	e->db_created = false;
	e->shared = true;
}

/* The rows of schema svk, and the state of its sequences, as the clone
 * has them before the daemon starts. */
static const char snapshot_sql[] =
    "DO $$ DECLARE t record; BEGIN "
    "CREATE SCHEMA svk_test_reset; "
    "FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  WHERE n.nspname = 'svk' AND c.relkind = 'r' LOOP "
    "  EXECUTE format('CREATE TABLE svk_test_reset.%I AS SELECT * FROM svk.%I', "
    "                 t.relname, t.relname); "
    "END LOOP; "
    "CREATE TABLE svk_test_reset.\"sequences of svk\" AS "
    "  SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'svk'; "
    "END $$";

/* Puts them back. Triggers (the audit log's refusal to be emptied, the
 * foreign keys' checks) do not fire for a superuser's session in replica
 * mode; generated columns are computed again. DELETE, not TRUNCATE: a
 * test leaves a few rows, and TRUNCATE makes new files for every table
 * and index (ten times the time). */
static const char reset_sql[] =
    "DO $$ DECLARE t record; s record; cols text; BEGIN "
    "PERFORM set_config('session_replication_role', 'replica', true); "
    "FOR t IN SELECT c.oid, c.relname FROM pg_class c "
    "  JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  WHERE n.nspname = 'svk' AND c.relkind = 'r' LOOP "
    "  EXECUTE format('DELETE FROM svk.%I', t.relname); "
    "  SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols "
    "    FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 "
    "    AND NOT a.attisdropped AND a.attgenerated = ''; "
    "  EXECUTE format('INSERT INTO svk.%I (%s) OVERRIDING SYSTEM VALUE "
    "                  SELECT %s FROM svk_test_reset.%I', t.relname, cols, cols, t.relname); "
    "END LOOP; "
    "FOR s IN SELECT * FROM svk_test_reset.\"sequences of svk\" LOOP "
    "  IF s.last_value IS NULL THEN "
    "    PERFORM setval(format('svk.%I', s.sequencename), 1, false); "
    "  ELSE PERFORM setval(format('svk.%I', s.sequencename), s.last_value, true); END IF; "
    "END LOOP; "
    "END $$";

static bool log_has_report(const char *log, char *line, size_t len);
static void remove_homes(struct env *e)
{
	DIR *d = opendir(e->dir);
	struct dirent *de;

	cr_assert(d, "cannot read %s: %s", e->dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (strncmp(de->d_name, "home-", 5) != 0)
			continue;
		PATHF(path, "%s/%s", e->dir, de->d_name);
		cr_assert(harness_rm_tree(path) == 0, "cannot remove %s: %s", path,
			  strerror(errno));
	}
	closedir(d);
}

/* The seeded data back for the test about to run, and an empty log: a
 * sanitizer's report in it fails the test instead of being lost. */
static void reset(struct env *e)
{
	char line[1024];
	int fd;

	cr_assert(!log_has_report(e->log, line, sizeof line),
		  "the shared samverkand reported, during an earlier test: %s", line);
	cr_assert(sql_query(e, reset_sql)->ok, "cannot put the seeded data back");
	/* The CLI's homes (cli_home_dir) with their saved sessions. */
	remove_homes(e);
	/* The daemon appends (O_APPEND): it goes on at the new end. */
	fd = open(e->log, O_WRONLY | O_TRUNC | O_CLOEXEC);
	cr_assert(fd >= 0, "cannot empty %s: %s", e->log, strerror(errno));
	close(fd);
}

void env_attach_shared(struct env *e, const struct env_opts *opts)
{
	struct env_opts o = opts ? *opts : (struct env_opts){ 0 };

	const char *path = shared_file();
	char lock[PATH_MAX], pidf[PATH_MAX];
	struct env image;
	int fd;

	cr_assert(path, "%s is not set: the runner (harness_main.c) makes it", SHARED_VAR);
	PATHF(lock, "%s.lock", path);
	fd = open(lock, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "cannot open %s: %s", lock, strerror(errno));
	/* Released by the process's exit if an assertion fails below. */
	cr_assert(flock(fd, LOCK_EX) == 0, "cannot lock %s: %s", lock, strerror(errno));
	if (read_env(path, e)) {
		make_local(e);
		if (o.need_cli)
			cli_require(e);
		reset(e);
		close(fd);
		return;
	}
	/* env_start clears the env: the flag that keeps the daemon comes
	 * between the database and the daemon. */
	o.no_serve = true;
	env_start(e, &o);
	cr_assert(sql_query(e, snapshot_sql)->ok, "cannot copy the seeded data");
	e->opts.no_serve = false;
	e->shared = true;
	env_serve(e);
	image = *e;
	write_env(path, &image);
	pid_file(pidf, sizeof pidf, e);
	if (pidf[0]) {
		FILE *f = fopen(pidf, "w");

		cr_assert(f && fprintf(f, "%ld\n", (long)e->pid) > 0 && fclose(f) == 0,
			  "cannot write %s", pidf);
	}
	/* The daemon and the database are the runner's from now on; what
	 * starting them allocated is freed here, as each test frees its own. */
	if (e->pidfd >= 0)
		close(e->pidfd);
	if (e->port_fd >= 0)
		close(e->port_fd);
	harness_env_free(e);
	make_local(e);
	close(fd);
}

void env_detach_shared(struct env *e)
{
	if (harness_test_failed())
		harness_print_log_tail(e, "the test failed (the log is the whole binary's)");
	harness_env_free(e);
	e->dir[0] = '\0';
}

/* Waits for a process that is not ours to end; false on timeout. */
static bool wait_gone(pid_t pid, int timeout_ms)
{
	int fd = harness_pidfd(pid);
	struct pollfd p;
	int rc;

	if (fd < 0)
		return errno == ESRCH;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	close(fd);
	return rc > 0;
}

/* Whether the log holds a sanitizer's report (its first line into line)
 * or cannot be read (why into line). */
static bool log_has_report(const char *log, char *line, size_t len)
{
	FILE *f = fopen(log, "r");
	bool found = false;

	if (!f) {
		snprintf(line, len, "cannot read its log: %s", strerror(errno));
		return true;
	}
	while (!found && fgets(line, (int)len, f))
		found = strstr(line, "Sanitizer") || strstr(line, "runtime error:");
	fclose(f);
	return found;
}

/* Whether the log shows a clean stop and no sanitizer's report. */
static bool log_clean(const char *log, char *why, size_t len)
{
	char line[1024];
	bool stopped = false;
	FILE *f;

	if (log_has_report(log, line, sizeof line)) {
		snprintf(why, len, "a sanitizer's report: %s", line);
		return false;
	}
	f = fopen(log, "r");
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, "msg=\"stopped\""))
			stopped = true;
	if (f)
		fclose(f);
	if (!stopped)
		snprintf(why, len, "no clean stop in its log");
	return stopped;
}

static void drop_database(const struct env *e)
{
	char conninfo[PATH_MAX + 128];
	PGconn *pg;

	snprintf(conninfo, sizeof conninfo, "host=%s port=%s user=%s dbname=postgres",
		 getenv("SVK_TEST_PGHOST"), getenv("SVK_TEST_PGPORT"), getenv("SVK_TEST_PGUSER"));
	pg = PQconnectdb(conninfo);
	if (PQstatus(pg) == CONNECTION_OK) {
		char *id = PQescapeIdentifier(pg, e->db, strlen(e->db));
		char sql[256];

		if (id && snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", id) <
			      (int)sizeof sql)
			PQclear(PQexec(pg, sql));
		PQfreemem(id);
	}
	PQfinish(pg);
}

int harness_shared_finish(void)
{
	const char *path = shared_file();
	char why[1200], pidf[PATH_MAX], lock[PATH_MAX];
	struct env e;
	int failures = 0;

	if (!path || !read_env(path, &e))
		return 0;
	kill(e.pid, SIGTERM);
	if (!wait_gone(e.pid, STOP_TIMEOUT_MS)) {
		kill(e.pid, SIGKILL);
		wait_gone(e.pid, STOP_TIMEOUT_MS);
		fprintf(stderr,
			"[FAIL] the shared samverkand did not exit within %d ms of SIGTERM\n",
			STOP_TIMEOUT_MS);
		failures++;
	} else if (!log_clean(e.log, why, sizeof why)) {
		fprintf(stderr, "[FAIL] the shared samverkand: %s\n", why);
		failures++;
	}
	drop_database(&e);
	pid_file(pidf, sizeof pidf, &e);
	if (pidf[0])
		unlink(pidf);
	unlink(path);
	if (failures)
		fprintf(stderr, "(the shared env's files are kept in %s)\n", e.dir);
	else if (e.dir[0])
		harness_rm_tree(e.dir);
	if (snprintf(lock, sizeof lock, "%s.lock", path) < (int)sizeof lock)
		unlink(lock);
	return failures;
}
