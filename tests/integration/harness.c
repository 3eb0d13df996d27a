/*
 * The harness's life cycle (see harness.h): the config file, the
 * certificates, `samverkand serve` and its log (the database is made in
 * harness_db.c).
 *
 * Ports: the daemon listens with SO_REUSEPORT (one socket per worker), so
 * two daemons of the same user could share a port and the kernel would
 * split connections between them. The harness therefore reserves a port
 * for the env's whole life: it binds a socket (SO_REUSEPORT, never
 * listening) to an ephemeral port, which the kernel hands to no one else,
 * and the daemon joins it. A socket that does not listen receives no
 * connections.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <criterion/stats.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness_internal.h"

#define READY_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS 30000
#define LOG_TAIL_LINES 40

/* ---- failure tracking ----------------------------------------------------- */

/* The link wraps criterion_send_assert (see CMakeLists.txt), so the harness
 * knows in the test process whether an assertion failed and can print the
 * daemon's log then, where the failure is reported. */
static bool failed_here;

void __real_criterion_send_assert(struct criterion_assert_stats *stats);
void __wrap_criterion_send_assert(struct criterion_assert_stats *stats);

void __wrap_criterion_send_assert(struct criterion_assert_stats *stats)
{
	if (!stats->passed)
		failed_here = true;
	__real_criterion_send_assert(stats);
}

bool harness_test_failed(void)
{
	return failed_here;
}

/* ---- the arena ------------------------------------------------------------ */

struct arena_item {
	void *p;
	void (*fn)(void *);
	struct arena_item *next;
};

void *env_keep(struct env *e, void *p, void (*fn)(void *))
{
	struct arena_item *it;

	cr_assert(p != NULL, "out of memory");
	it = malloc(sizeof *it);
	if (!it) {
		fn(p);
		cr_assert_fail("out of memory");
	}
	it->p = p;
	it->fn = fn;
	it->next = e->arena;
	e->arena = it;
	return p;
}

static void arena_free(struct env *e)
{
	while (e->arena) {
		struct arena_item *it = e->arena;
		e->arena = it->next;
		it->fn(it->p);
		free(it);
	}
}

static char *vstrf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s && vsnprintf(s, (size_t)n + 1, fmt, ap) != n) {
		free(s);
		s = NULL;
	}
	return s;
}

char *strf(struct env *e, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vstrf(fmt, ap);
	va_end(ap);
	return env_keep(e, s, free);
}

/* ---- settings from the environment -------------------------------------- */

const char *harness_need_env(const char *name)
{
	const char *v = getenv(name);

	cr_assert(v && v[0],
		  "%s is not set: run the integration tests with ./tests/run "
		  "(it starts the PostgreSQL cluster they use)",
		  name);
	return v;
}

const char *harness_build_dir(void)
{
	const char *v = getenv("SVK_BUILD_DIR");

	return v && v[0] ? v : SVK_IT_BUILD_DIR;
}

const char *harness_top_dir(void)
{
	const char *v = getenv("SVK_TOP");

	return v && v[0] ? v : SVK_IT_TOP;
}

/* Appends text to the env's log, so the log tells the whole story. */
void harness_log_append(struct env *e, const char *title, const char *text)
{
	FILE *f = fopen(e->log, "a");

	if (!f)
		return;
	fprintf(f, "---- %s ----\n%s", title, text);
	if (text[0] && text[strlen(text) - 1] != '\n')
		fputc('\n', f);
	fclose(f);
}

/* ---- the log ---------------------------------------------------------------- */

void harness_print_log_tail(const struct env *e, const char *why)
{
	FILE *f = fopen(e->log, "r");
	char *text = NULL;
	long size;
	const char *start;
	int lines = 0;

	fprintf(stderr, "\n==== %s: last %d lines of %s ====\n", why, LOG_TAIL_LINES, e->log);
	if (!f) {
		fprintf(stderr, "(no log)\n");
		return;
	}
	size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (size >= 0 && fseek(f, 0, SEEK_SET) == 0)
		text = malloc((size_t)size + 1);
	if (text) {
		size_t got = fread(text, 1, (size_t)size, f);
		text[got] = '\0';
		start = text + got;
		while (start > text && lines <= LOG_TAIL_LINES) {
			start--;
			if (*start == '\n')
				lines++;
		}
		if (lines > LOG_TAIL_LINES)
			start++;
		fputs(start, stderr);
	}
	fprintf(stderr, "==== end of log ====\n");
	free(text);
	fclose(f);
}

/* ---- certificates --------------------------------------------------------------- */

static char tls_dir[PATH_MAX];

static int lock_dir(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	PATHF(path, "%s/lock", dir);
	fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	cr_assert(flock(fd, LOCK_EX) == 0, "cannot lock %s: %s", path, strerror(errno));
	return fd;
}

static void run_script(const char *const argv[])
{
	char *out, *err;
	int st = harness_run(argv, NULL, NULL, 60000, &out, &err);

	cr_assert(st == 0, "%s failed (exit %d): %s%s", argv[0], st, out ? out : "",
		  err ? err : "");
	free(out);
	free(err);
}

/* A file newer than max_age seconds. */
static bool fresh(const char *path, long max_age)
{
	struct stat st;

	return stat(path, &st) == 0 && time(NULL) - st.st_mtime < max_age;
}

static bool have_files(const char *dir)
{
	static const char *const names[] = { "ca.crt", "ca.key", "server.crt", "server.key" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		PATHF(path, "%s/%s", dir, names[i]);
		if (access(path, R_OK) != 0)
			return false;
	}
	return true;
}

const char *harness_tls_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char stamp[PATH_MAX], make_ca[PATH_MAX], make_cert[PATH_MAX];
	struct stat st;
	int lock;

	if (tls_dir[0])
		return tls_dir;
	PATHF(tls_dir, "%s/svk-it-tls-%u", tmp && tmp[0] ? tmp : "/tmp", (unsigned)getuid());
	cr_assert(mkdir(tls_dir, 0700) == 0 || errno == EEXIST, "cannot create %s: %s", tls_dir,
		  strerror(errno));
	/* A shared /tmp: use the directory only if it is ours and private. */
	cr_assert(lstat(tls_dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
		      (st.st_mode & 077) == 0,
		  "%s is not a private directory of this user; remove it", tls_dir);
	PATHF(stamp, "%s/made", tls_dir);
	lock = lock_dir(tls_dir);
	/* The scripts are idempotent but slow; redo their checks once a day. */
	if (!fresh(stamp, 86400) || !have_files(tls_dir)) {
		PATHF(make_ca, "%s/deploy/make-ca", harness_top_dir());
		PATHF(make_cert, "%s/deploy/make-server-cert", harness_top_dir());
		run_script((const char *const[]){ make_ca, tls_dir, NULL });
		run_script(
		    (const char *const[]){ make_cert, tls_dir, "localhost", "127.0.0.1", NULL });
		FILE *f = fopen(stamp, "w");
		cr_assert(f, "cannot write %s", stamp);
		fclose(f);
	}
	close(lock);
	return tls_dir;
}

void env_client_cert(struct env *e, const char *slug, const char **crt, const char **key)
{
	char make[PATH_MAX];
	int lock;

	*crt = strf(e, "%s/client-%s.crt", e->tls_dir, slug);
	*key = strf(e, "%s/client-%s.key", e->tls_dir, slug);
	lock = lock_dir(e->tls_dir);
	if (!fresh(*crt, 86400)) {
		PATHF(make, "%s/deploy/make-client-cert", harness_top_dir());
		run_script((const char *const[]){ make, e->tls_dir, slug, NULL });
	}
	close(lock);
}

/* ---- ports ------------------------------------------------------------------ */

/* Reserves an ephemeral port on 127.0.0.1 (see the comment at the top);
 * returns the bound socket and writes the port. */
int harness_reserve_port(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(fd >= 0, "socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		int err = errno;
		close(fd);
		cr_assert_fail("cannot reserve a port: %s", strerror(err));
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* ---- the config file ------------------------------------------------------------ */

static void write_config(struct env *e)
{
	const struct env_opts *o = &e->opts;
	FILE *f = fopen(e->config, "w");

	cr_assert(f, "cannot write %s: %s", e->config, strerror(errno));
	fprintf(f, "[server]\nlisten = 127.0.0.1:%d\nworkers = %d\nshutdown_timeout = 10\n",
		e->port, o->workers > 0 ? o->workers : 1);
	if (o->request_timeout)
		fprintf(f, "request_timeout = %d\n", o->request_timeout);
	if (o->max_body)
		fprintf(f, "max_body = %d\n", o->max_body);
	if (o->json_max_depth)
		fprintf(f, "json_max_depth = %d\n", o->json_max_depth);
	fprintf(f, "[tls]\ncert = %s/server.crt\nkey = %s/server.key\n", e->tls_dir, e->tls_dir);
	if (o->tls_profile)
		fprintf(f, "profile = %s\n", o->tls_profile);
	if (o->mutual_tls || o->client_ca)
		fprintf(f, "client_ca = %s\n", o->client_ca ? o->client_ca : e->cacert);
	if (o->client_crl)
		fprintf(f, "client_crl = %s\n", o->client_crl);
	fprintf(f, "[database]\nurl = %s\nadmin_url = %s\npool_size = 2\n",
		harness_conninfo(e, e->db, "samverkan_app"),
		harness_conninfo(e, e->db, harness_need_env("SVK_TEST_PGUSER")));
	if (o->statement_timeout_ms)
		fprintf(f, "statement_timeout_ms = %d\n", o->statement_timeout_ms);
	/* Argon2id at 64 KiB: the same code path at a hundredth of the CPU
	 * of 8 MiB (every test logs in several times). A test about how
	 * checks queue sets its own, slower, cost. */
	fprintf(f, "[auth]\nargon2_ops = 1\nargon2_mem_kib = 64\n");
	if (o->login_max_failures)
		fprintf(f, "login_max_failures = %d\n", o->login_max_failures);
	if (o->login_max_failures_address)
		fprintf(f, "login_max_failures_address = %d\n", o->login_max_failures_address);
	fprintf(f, "[log]\nlevel = info\n");
	if (o->extra_ini)
		fprintf(f, "%s\n", o->extra_ini);
	cr_assert(fclose(f) == 0, "cannot write %s", e->config);
}

/* ---- life cycle ----------------------------------------------------------------- */

static int env_counter;
static bool curl_ready;

void env_prepare(struct env *e, const struct env_opts *opts, const char *db)
{
	const char *tmp = getenv("TMPDIR");

	memset(e, 0, sizeof *e);
	e->pidfd = -1;
	e->port_fd = -1;
	if (opts)
		e->opts = *opts;
	signal(SIGPIPE, SIG_IGN);
	if (!curl_ready) {
		cr_assert(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, "curl_global_init");
		curl_ready = true;
	}
	harness_need_env("SVK_TEST_PGHOST");
	PATHF(e->dir, "%s/svk-it.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	cr_assert(mkdtemp(e->dir), "mkdtemp: %s", strerror(errno));
	PATHF(e->config, "%s/samverkand.ini", e->dir);
	PATHF(e->log, "%s/samverkand.log", e->dir);
	PATHF(e->tls_dir, "%s", harness_tls_dir());
	PATHF(e->cacert, "%s/ca.crt", e->tls_dir);
	if (db)
		PATHF(e->db, "%s", db);
	else
		PATHF(e->db, "svk_%ld_%d", (long)getpid(), ++env_counter);

	e->port_fd = harness_reserve_port(&e->port);
	PATHF(e->base_url, "https://127.0.0.1:%d", e->port);
	write_config(e);
}

void env_start(struct env *e, const struct env_opts *opts)
{
	env_prepare(e, opts, NULL);
	/* A clone would be migrated and seeded in the wrong database. */
	cr_assert(e->opts.fresh_database || !e->opts.extra_ini ||
		      !strstr(e->opts.extra_ini, "[database]"),
		  "a [database] of the test's own needs .fresh_database");
	if (e->opts.need_cli)
		cli_require(e);
	harness_db_create(e);
	if (!e->opts.no_serve)
		env_serve(e);
}

/* Waits up to timeout_ms for the daemon to exit; its status, or -1. */
static int wait_daemon(struct env *e, int timeout_ms)
{
	struct pollfd pfd = { .fd = e->pidfd, .events = POLLIN };
	int st = 0, rc;

	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return -1;
	if (waitpid(e->pid, &st, 0) != e->pid)
		return -1;
	close(e->pidfd);
	e->pidfd = -1;
	e->pid = 0;
	return harness_status(st);
}

/* Starts `samverkand serve`; notify is its NOTIFY_SOCKET entry. */
static void spawn_daemon(struct env *e, const char *notify)
{
	char exe[PATH_MAX];
	char **envp = harness_child_environ((const char *const[]){ notify, NULL });
	int logfd, devnull;
	pid_t pid;

	cr_assert(envp, "out of memory");
	PATHF(exe, "%s/daemon/samverkand", harness_build_dir());
	harness_log_append(e, "samverkand serve", "");
	logfd = open(e->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert(logfd >= 0 && devnull >= 0, "cannot open the log or /dev/null");
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* The daemon dies with the test process, even when it crashes;
		 * a shared env's outlives it, and the runner stops it. */
		if (!e->shared)
			prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Criterion kills the test's process group when it ends. */
		else if (setsid() < 0)
			_exit(126);
		if (dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(126);
		execve(exe, (char *const[]){ exe, "-c", e->config, "serve", NULL }, envp);
		dprintf(2, "cannot run %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	free(envp);
	close(logfd);
	close(devnull);
	e->pid = pid;
	e->pidfd = harness_pidfd(pid);
	cr_assert(e->pidfd >= 0, "pidfd_open: %s", strerror(errno));
}

/* The socket the daemon says READY=1 on, as under systemd (sd_notify);
 * its NOTIFY_SOCKET entry goes to entry. */
static int notify_socket(struct env *e, char *entry, size_t len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int n = snprintf(a.sun_path, sizeof a.sun_path, "%s/notify", e->dir);
	int fd;

	cr_assert(n > 0 && (size_t)n < sizeof a.sun_path, "%s/notify is too long for a socket",
		  e->dir);
	unlink(a.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	cr_assert(fd >= 0, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		int err = errno;
		close(fd);
		cr_assert_fail("cannot bind %s: %s", a.sun_path, strerror(err));
	}
	n = snprintf(entry, len, "NOTIFY_SOCKET=%s", a.sun_path);
	cr_assert(n > 0 && (size_t)n < len, "NOTIFY_SOCKET too long");
	return fd;
}

/* Waits until the daemon says READY=1, exits, or the deadline passes:
 * whichever it is, the /readyz probe that follows tells. */
static void wait_ready_notice(struct env *e, int fd, long deadline)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = e->pidfd, .events = POLLIN } };
		long left = deadline - harness_now_ms();
		char msg[512];
		ssize_t n;
		int rc;

		if (left <= 0)
			return;
		rc = poll(p, 2, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0 || (p[1].revents & POLLIN))
			return;
		n = recv(fd, msg, sizeof msg - 1, 0);
		if (n < 0)
			continue;
		msg[n] = '\0';
		if (strncmp(msg, "READY=1", 7) == 0 || strstr(msg, "\nREADY=1"))
			return;
	}
}

void env_serve(struct env *e)
{
	long deadline;
	struct resp *r = NULL;
	int st, notify;
	const char *crt = NULL, *key = NULL;
	char entry[sizeof(struct sockaddr_un) + 32];

	cr_assert(e->pid == 0, "the daemon is already running");
	/* With mutual TLS the probe needs a client certificate too. */
	if (e->opts.mutual_tls)
		env_client_cert(e, "polisen", &crt, &key);
	notify = notify_socket(e, entry, sizeof entry);
	spawn_daemon(e, entry);
	deadline = harness_now_ms() + READY_TIMEOUT_MS;
	/* The daemon says when it listens; /readyz then confirms the database
	 * and its schema (its query waits for the pool's first connection).
	 * Should it answer otherwise, ask again, and between asks wait on the
	 * daemon's pidfd, so an early exit is seen at once. */
	wait_ready_notice(e, notify, deadline);
	close(notify);
	for (;;) {
		struct pollfd pfd = { .fd = e->pidfd, .events = POLLIN };

		r = http_send(
		    e, &(struct http_req){
			   .path = "/readyz", .fresh_connection = true, .cert = crt, .key = key });
		if (r->status == 200)
			return;
		if (poll(&pfd, 1, 50) > 0 || harness_now_ms() > deadline)
			break;
	}
	st = wait_daemon(e, 0);
	if (st < 0) {
		kill(e->pid, SIGKILL);
		st = wait_daemon(e, STOP_TIMEOUT_MS);
		harness_print_log_tail(e, "the daemon did not become ready");
		cr_assert_fail("samverkand serve did not answer GET /readyz with 200 within %d ms "
			       "(last: %s)",
			       READY_TIMEOUT_MS, resp_why(r));
	}
	harness_print_log_tail(e, "the daemon exited at start");
	cr_assert_fail("samverkand serve exited with status %d before it was ready", st);
}

void env_stop_daemon(struct env *e)
{
	int st;

	if (e->pid <= 0)
		return;
	if (e->curl) {
		/* Close kept-alive connections first, as clients would. */
		curl_easy_cleanup(e->curl);
		e->curl = NULL;
	}
	kill(e->pid, SIGTERM);
	st = wait_daemon(e, STOP_TIMEOUT_MS);
	if (st < 0) {
		kill(e->pid, SIGKILL);
		wait_daemon(e, STOP_TIMEOUT_MS);
		harness_teardown_failed("samverkand did not exit within %d ms of SIGTERM",
					STOP_TIMEOUT_MS);
		return;
	}
	/* The log's tail is printed by env_stop, the test having failed. */
	if (st != 0)
		harness_teardown_failed(
		    "samverkand exited with status %d after SIGTERM (see its log)", st);
}

static void close_connections(struct env *e)
{
	if (e->curl) {
		curl_easy_cleanup(e->curl);
		e->curl = NULL;
	}
	if (e->pg_owner)
		PQfinish(e->pg_owner);
	if (e->pg_app)
		PQfinish(e->pg_app);
	e->pg_owner = e->pg_app = NULL;
}

void env_stop(struct env *e)
{
	if (!e->dir[0])
		return;
	if (e->shared) {
		env_detach_shared(e);
		return;
	}
	env_stop_daemon(e);
	/* The database cannot be dropped while the env is connected to it. */
	close_connections(e);
	harness_db_drop(e);
	if (e->port_fd >= 0)
		close(e->port_fd);
	e->port_fd = -1;
	if (failed_here) {
		harness_print_log_tail(e, "the test failed");
		fprintf(stderr, "(the test's files are kept in %s)\n", e->dir);
	} else {
		harness_rm_tree(e->dir);
	}
	harness_env_free(e);
	e->dir[0] = '\0';
}

void harness_env_free(struct env *e)
{
	close_connections(e);
	arena_free(e);
	free(e->admin_tok);
	e->admin_tok = NULL;
}
