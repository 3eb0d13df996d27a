/*
 * The harness's databases (see harness.h): each test's database is a clone
 * of a template that is migrated and seeded once, so a test pays for a
 * file copy instead of two processes (`samverkand migrate` and `seed`).
 * A test that is about migrate or seed itself, or that gives the daemon a
 * [database] of its own, asks for the old way (opts.fresh_database): an
 * empty database, migrated and seeded by the test.
 *
 * The template is made by the first test process that needs it, under a
 * lock in the directory tests/run exports (SVK_TEST_STATE_DIR), so suites
 * running in parallel (CTest) and tests of one suite running in parallel
 * (Criterion) wait for it instead of making it twice. Its name carries a
 * fingerprint of the samverkand binary (the migrations are compiled into
 * it) and of the seed file, so a rebuilt daemon gets a new template within
 * the same cluster. Beside it, in the same directory, lies the admin
 * password seed wrote: every clone has the same admin.
 *
 * PostgreSQL refuses to copy a database someone is connected to; the
 * template therefore takes no connections once it is made.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness_internal.h"

#define TEMPLATE_IDLE_TIMEOUT_MS 30000

const char *harness_conninfo(struct env *e, const char *db, const char *user)
{
	return strf(e, "host='%s' port='%s' dbname='%s' user='%s'",
		    harness_need_env("SVK_TEST_PGHOST"), harness_need_env("SVK_TEST_PGPORT"), db,
		    user);
}

/*
 * Runs one statement on the cluster's maintenance database. parts is the
 * statement in pieces, NULL-terminated: the 2nd, 4th... are database names,
 * which are identifiers, not values, so they cannot be parameters and are
 * quoted by libpq instead.
 */
bool harness_cluster_exec(struct env *e, const char *what, const char *const parts[], bool must)
{
	PGconn *pg = PQconnectdb(
	    harness_conninfo(e, "postgres", harness_need_env("SVK_TEST_PGUSER")));
	char *sql = strf(e, "%s", "");
	PGresult *r = NULL;
	bool ok = false;

	if (PQstatus(pg) != CONNECTION_OK) {
		cr_expect_fail("cannot connect to the test cluster: %s", PQerrorMessage(pg));
		goto out;
	}
	for (size_t i = 0; parts[i]; i++) {
		char *ident = NULL;

		if (i % 2) {
			ident = PQescapeIdentifier(pg, parts[i], strlen(parts[i]));
			if (!ident)
				goto out;
		}
		sql = strf(e, "%s%s", sql, ident ? ident : parts[i]);
		PQfreemem(ident);
	}
	r = PQexec(pg, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok && must)
		cr_expect_fail("%s %s: %s", what, parts[1] ? parts[1] : "",
			       PQresultErrorMessage(r));
out:
	PQclear(r);
	PQfinish(pg);
	if (must && !ok)
		cr_assert_fail("cannot %s the test database", what);
	return ok;
}

static void read_admin_password(struct env *e, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert(f, "seed wrote no admin password file %s", path);
	n = fread(e->admin_password, 1, sizeof e->admin_password - 1, f);
	fclose(f);
	e->admin_password[n] = '\0';
	while (n > 0 && (e->admin_password[n - 1] == '\n' || e->admin_password[n - 1] == '\r'))
		e->admin_password[--n] = '\0';
	cr_assert(n >= 12, "the admin password file %s is too short", path);
}

/* `samverkand migrate` and `seed` on the env's (empty) database; the
 * admin's password is written to pwfile and read into the env. */
static void migrate_and_seed(struct env *e, const char *pwfile)
{
	char seed[PATH_MAX];
	struct proc *p;

	PATHF(seed, "%s/deploy/seed/seed.json", harness_top_dir());
	p = samverkand(e, "migrate");
	if (p->status != 0)
		harness_print_log_tail(e, "migrate failed");
	cr_assert_eq(p->status, 0, "samverkand migrate failed (exit %d): %s", p->status, p->err);
	p = samverkand(e, "seed", seed, "--admin-password-file", pwfile);
	if (p->status != 0)
		harness_print_log_tail(e, "seed failed");
	cr_assert_eq(p->status, 0, "samverkand seed failed (exit %d): %s", p->status, p->err);
	read_admin_password(e, pwfile);
}

/* ---- the template ---------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Folds what identifies a file's version (it is rebuilt or edited in
 * place: size, modification time, inode) into h. */
static uint64_t fingerprint_file(uint64_t h, const char *path)
{
	struct stat st;
	long long v[4];

	cr_assert(stat(path, &st) == 0, "cannot stat %s: %s", path, strerror(errno));
	v[0] = (long long)st.st_size;
	v[1] = (long long)st.st_mtim.tv_sec;
	v[2] = (long long)st.st_mtim.tv_nsec;
	v[3] = (long long)st.st_ino;
	return fnv1a(h, v, sizeof v);
}

static void template_name(char *name, size_t len)
{
	char path[PATH_MAX];
	uint64_t h = 14695981039346656037ULL;
	int n;

	PATHF(path, "%s/daemon/samverkand", harness_build_dir());
	h = fingerprint_file(h, path);
	PATHF(path, "%s/deploy/seed/seed.json", harness_top_dir());
	h = fingerprint_file(h, path);
	n = snprintf(name, len, "svk_template_%016llx", (unsigned long long)h);
	cr_assert(n > 0 && (size_t)n < len, "template name too long");
}

/* Waits until nobody is connected to db: the backends of migrate and
 * seed end a moment after those processes do, and CREATE DATABASE ...
 * TEMPLATE refuses a template with sessions. */
static void wait_unused(struct env *e, const char *db)
{
	long deadline = harness_now_ms() + TEMPLATE_IDLE_TIMEOUT_MS;
	PGconn *pg = PQconnectdb(
	    harness_conninfo(e, "postgres", harness_need_env("SVK_TEST_PGUSER")));
	const char *params[] = { db };
	long sessions = -1;

	cr_assert(PQstatus(pg) == CONNECTION_OK, "cannot connect to the test cluster");
	/* pg_stat_activity is a snapshot per transaction: each loop is one. */
	while (sessions != 0 && harness_now_ms() < deadline) {
		PGresult *r = PQexecParams(pg,
					   "SELECT count(*), pg_sleep(0.02) FROM pg_stat_activity "
					   "WHERE datname = $1",
					   1, NULL, params, NULL, NULL, 0);

		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			sessions = strtol(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	PQfinish(pg);
	cr_assert_eq(sessions, 0, "%s still has %ld sessions %d ms after it was seeded", db,
		     sessions, TEMPLATE_IDLE_TIMEOUT_MS);
}

/* Makes the template name (already locked by the caller) and the file
 * holding its admin password, pwfile, which is written last: it is the
 * sign that the template is complete. */
static void template_make(const char *name, const char *pwfile)
{
	struct env t;
	char tmp[PATH_MAX + 8];

	env_prepare(&t, NULL, name);
	PATHF(tmp, "%s.new", pwfile);
	/* What a process that died while making it left. */
	harness_cluster_exec(
	    &t, "drop",
	    (const char *const[]){ "DROP DATABASE IF EXISTS ", name, " WITH (FORCE)", NULL }, true);
	harness_cluster_exec(&t, "create", (const char *const[]){ "CREATE DATABASE ", name, NULL },
			     true);
	migrate_and_seed(&t, tmp);
	/* Connections are refused from now on, and those of migrate and
	 * seed must be gone before the first clone. */
	harness_cluster_exec(
	    &t, "close",
	    (const char *const[]){ "ALTER DATABASE ", name, " WITH ALLOW_CONNECTIONS false", NULL },
	    true);
	wait_unused(&t, name);
	cr_assert(rename(tmp, pwfile) == 0, "cannot rename %s: %s", tmp, strerror(errno));
	env_stop(&t);
}

/* Writes the template's name to name, making the template first when it
 * does not exist yet; its admin password goes into the env. */
static void template_ready(struct env *e, char *name, size_t len)
{
	const char *dir = getenv("SVK_TEST_STATE_DIR");
	char lock[PATH_MAX], pwfile[PATH_MAX];
	int fd;

	cr_assert(dir && dir[0], "SVK_TEST_STATE_DIR is not set: run the integration tests with "
				 "./tests/run, or give the test a fresh database");
	template_name(name, len);
	PATHF(lock, "%s/template.lock", dir);
	PATHF(pwfile, "%s/%s.admin-password", dir, name);
	fd = open(lock, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "cannot open %s: %s", lock, strerror(errno));
	/* Closed by the exit of the process if an assertion fails below. */
	cr_assert(flock(fd, LOCK_EX) == 0, "cannot lock %s: %s", lock, strerror(errno));
	if (access(pwfile, R_OK) != 0)
		template_make(name, pwfile);
	close(fd);
	read_admin_password(e, pwfile);
}

/* ---- a test's database -------------------------------------------------- */

void harness_db_create(struct env *e)
{
	char pwfile[PATH_MAX + 32], tpl[80];

	if (e->opts.fresh_database) {
		PATHF(pwfile, "%s/admin-password", e->dir);
		e->db_created = harness_cluster_exec(
		    e, "create", (const char *const[]){ "CREATE DATABASE ", e->db, NULL }, true);
		migrate_and_seed(e, pwfile);
		return;
	}
	template_ready(e, tpl, sizeof tpl);
	/* FILE_COPY copies the template's files as they are: for a database
	 * this small, a third of the CPU of the default (WAL_LOG), which
	 * writes every page to the WAL. */
	e->db_created = harness_cluster_exec(e, "clone",
					     (const char *const[]){ "CREATE DATABASE ", e->db,
								    " TEMPLATE ", tpl,
								    " STRATEGY FILE_COPY", NULL },
					     true);
}

void harness_db_drop(struct env *e)
{
	if (e->db_created)
		harness_cluster_exec(e, "drop",
				     (const char *const[]){ "DROP DATABASE IF EXISTS ", e->db,
							    " WITH (FORCE)", NULL },
				     false);
	e->db_created = false;
}
