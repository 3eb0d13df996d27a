/*
 * Concurrency in the decision workflow (SPEC §4: "Two decision-makers
 * acting at the same moment, on one server or on two servers sharing the
 * database, must leave a consistent result: one decision per organisation
 * per round, one effect").
 *
 * Each race fires two requests truly at once: two threads, each with its
 * own libcurl handle and an already open TLS connection, released together
 * by a barrier. Nothing here waits for time to pass; the invariants are
 * asserted every time, whatever order the requests happened to reach the
 * database in, so they must hold by constraints and locks:
 *
 *   (a) two decision makers of the same organisation decide together:
 *       one 201, one 409, one decision row;
 *   (b) the last two approvals arrive together: both 201, the proposal
 *       approved, one extension row, valid_to moved exactly once;
 *   (c) the last approval races a withdrawal: either approved with its
 *       effect (the withdrawal refused 409) or withdrawn without it (the
 *       approval refused 409).
 *
 * Each race runs ROUNDS times on fresh proposals against one daemon
 * (rounds 0..ROUNDS-1), then ROUNDS times against two daemon processes
 * serving the same database, one request to each (the second daemon on
 * another port through the environment variable SAMVERKAND_SERVER_LISTEN;
 * rounds ROUNDS..2*ROUNDS-1).
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

extern char **environ;

#define ROUNDS 10
#define READY_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS 30000

static struct env e;

ENV_SUITE(races, e, .timeout = 240);

/* ---- the people ----------------------------------------------------------- */

enum { POLISEN, SOLLENTUNA, VASBY, SIGTUNA, N_PARTIES };

enum who { BERED, DIRECTOR, POLICE2 = DIRECTOR + N_PARTIES, N_WHO };

static const struct {
	const char *username, *org, *group, *role;
} cast[N_WHO] = {
	[BERED] = { "bo.beredning", "sollentuna", "beredningsgrupp", "member" },
	[DIRECTOR + POLISEN] = { "per.polischef", "polisen", "styrgrupp", "decision_maker" },
	[DIRECTOR + SOLLENTUNA] = { "sara.sollentuna", "sollentuna", "styrgrupp", "decision_maker" },
	[DIRECTOR + VASBY] = { "ulf.vasby", "upplands-vasby", "styrgrupp", "decision_maker" },
	[DIRECTOR + SIGTUNA] = { "siv.sigtuna", "sigtuna", "styrgrupp", "decision_maker" },
	[POLICE2] = { "pia.polis", "polisen", "styrgrupp", "decision_maker" },
};

/* The user's token, the user made on first use. */
static const char *user(enum who w)
{
	static const char *tokens[N_WHO];

	if (!tokens[w])
		tokens[w] = user_in_group(&e, cast[w].username, cast[w].org, cast[w].group,
					  cast[w].role);
	return tokens[w];
}

/* ---- the workflow through daemon 1 (setting up each race) ---------------------- */

static const char *agreement_id(void)
{
	return sql_value(&e, "SELECT id::text FROM svk.agreements");
}

static const char *valid_to(void)
{
	return sql_value(&e, "SELECT valid_to::text FROM svk.agreements");
}

/* A submitted extension by years. */
static const char *submitted_extension(int years, int round)
{
	struct resp *r = http(&e, "POST", "/v1/proposals", user(BERED),
			      jsonf(&e, "{s:s, s:s, s:s, s:i}", "agreement", agreement_id(), "kind",
				    "extension", "title", strf(&e, "Förlängning %d", round),
				    "extension_years", years));
	const char *id = resp_str(r, "id");

	cr_assert_eq(r->status, 201, "create: %s", resp_why(r));
	id = strf(&e, "%s", id);
	r = http(&e, "POST", strf(&e, "/v1/proposals/%s/submit", id), user(BERED), NULL);
	cr_assert_eq(r->status, 200, "submit: %s", resp_why(r));
	return id;
}

static void approve(int org, const char *id)
{
	struct resp *r = http(&e, "POST", strf(&e, "/v1/proposals/%s/decisions", id),
			      user(DIRECTOR + org), "{\"verdict\":\"approve\"}");

	cr_assert_eq(r->status, 201, "approve for %s: %s", cast[DIRECTOR + org].org, resp_why(r));
}

/* ---- a second daemon on the same database ----------------------------------------- */

struct daemon2 {
	pid_t pid;
	int pidfd;
	int port_fd;   /* holds the port (harness_reserve_port) */
	int port;
	char base_url[64];
	char log[PATH_MAX + 32];
};

static void print_tail(const char *path, const char *why)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	long offsets[40] = { 0 };
	size_t n = 0;

	fprintf(stderr, "\n==== %s: the end of %s ====\n", why, path);
	if (!f)
		return;
	/* Remember where the last 40 lines start, then print from the first. */
	for (long at = ftell(f); fgets(line, sizeof line, f); at = ftell(f))
		offsets[n++ % 40] = at;
	if (fseek(f, n > 40 ? offsets[n % 40] : 0, SEEK_SET) == 0)
		while (fgets(line, sizeof line, f))
			fputs(line, stderr);
	fclose(f);
	fprintf(stderr, "==== end of log ====\n");
}

static void daemon2_free(void *p)
{
	struct daemon2 *d = p;

	if (d->pid > 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
	}
	if (d->log[0] && harness_test_failed())
		print_tail(d->log, "the test failed (second daemon)");
	if (d->pidfd >= 0)
		close(d->pidfd);
	if (d->port_fd >= 0)
		close(d->port_fd);
	free(d);
}

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* GET base/readyz on a fresh connection: the status, 0 when none came. */
static long readyz(const char *base)
{
	CURL *h = curl_easy_init();
	long status = 0;

	cr_assert(h, "curl_easy_init");
	curl_easy_setopt(h, CURLOPT_URL, strf(&e, "%s/readyz", base));
	curl_easy_setopt(h, CURLOPT_CAINFO, e.cacert);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	return status;
}

/* `samverkand serve` with the env's config on a port of its own; waits
 * (bounded) for its /readyz. */
static struct daemon2 *daemon2_start(void)
{
	struct daemon2 *d = calloc(1, sizeof *d);
	char exe[PATH_MAX];
	const char *listen;
	const char **envp;
	size_t n = 0, k = 0;
	long deadline;
	int logfd, devnull;
	pid_t pid;

	cr_assert(d, "out of memory");
	d->pidfd = d->port_fd = -1;
	env_keep(&e, d, daemon2_free);
	d->port_fd = harness_reserve_port(&d->port);
	snprintf(d->base_url, sizeof d->base_url, "https://127.0.0.1:%d", d->port);
	snprintf(d->log, sizeof d->log, "%s/samverkand-2.log", e.dir);
	snprintf(exe, sizeof exe, "%s/daemon/samverkand", harness_build_dir());

	/* Our environment, with the listen address overridden. */
	listen = strf(&e, "SAMVERKAND_SERVER_LISTEN=127.0.0.1:%d", d->port);
	while (environ[n])
		n++;
	envp = env_keep(&e, calloc(n + 2, sizeof *envp), free);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "SAMVERKAND_SERVER_LISTEN=", 25) != 0)
			envp[k++] = environ[i];
	envp[k++] = listen;
	envp[k] = NULL;

	logfd = open(d->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert(logfd >= 0 && devnull >= 0, "cannot open %s or /dev/null", d->log);
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		const char *argv[] = { exe, "-c", e.config, "serve", NULL };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(126);
		execve(exe, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	close(logfd);
	close(devnull);
	d->pid = pid;
	d->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	cr_assert(d->pidfd >= 0, "pidfd_open: %s", strerror(errno));

	deadline = ms_now() + READY_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { .fd = d->pidfd, .events = POLLIN };

		if (readyz(d->base_url) == 200)
			return d;
		if (poll(&pfd, 1, 50) > 0) {
			int st = 0;
			waitpid(d->pid, &st, 0);
			d->pid = 0;
			print_tail(d->log, "the second daemon exited at start");
			cr_assert_fail("the second samverkand exited (status %d) before it was ready", st);
		}
		if (ms_now() > deadline) {
			print_tail(d->log, "the second daemon did not become ready");
			cr_assert_fail("the second samverkand did not answer /readyz within %d ms",
				       READY_TIMEOUT_MS);
		}
	}
}

/* SIGTERM; it must exit 0 in time (a sanitizer's report fails it). */
static void daemon2_stop(struct daemon2 *d)
{
	struct pollfd pfd = { .fd = d->pidfd, .events = POLLIN };
	int st = 0, rc;

	if (d->pid <= 0)
		return;
	kill(d->pid, SIGTERM);
	do
		rc = poll(&pfd, 1, STOP_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	cr_assert(rc > 0, "the second samverkand did not exit within %d ms of SIGTERM",
		  STOP_TIMEOUT_MS);
	cr_assert_eq(waitpid(d->pid, &st, 0), d->pid, "waitpid");
	d->pid = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		print_tail(d->log, "the second daemon's exit");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "the second samverkand exited with %s %d after SIGTERM",
		  WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* ---- racing requests ------------------------------------------------------------------ */

/* One side of a race: its own handle (and so its own connections). */
struct racer {
	CURL *h;
	struct curl_slist *headers;
	pthread_barrier_t *barrier;
	char *buf;
	size_t len, cap;
	bool oom;
	CURLcode rc;
	long status;
	char error[CURL_ERROR_SIZE];
	struct timespec t0, t1;
	const char *body_text;   /* the answer, env-owned, after the race */
	json_t *json;            /* the answer parsed (NULL: not JSON) */
	const char *what;        /* for messages: "polisen approves at daemon 2" */
	long want_port;          /* the daemon the request is for */
};

static void racer_free(void *p)
{
	struct racer *r = p;

	if (r->h)
		curl_easy_cleanup(r->h);
	curl_slist_free_all(r->headers);
	json_decref(r->json);
	free(r->buf);
	free(r);
}

static struct racer *racer_new(void)
{
	struct racer *r = calloc(1, sizeof *r);

	cr_assert(r, "out of memory");
	env_keep(&e, r, racer_free);
	r->h = curl_easy_init();
	cr_assert(r->h, "curl_easy_init");
	return r;
}

static size_t racer_body(char *data, size_t size, size_t n, void *arg)
{
	struct racer *r = arg;
	size_t len = size * n;

	if (r->len + len + 1 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8192;
		char *b;
		while (cap < r->len + len + 1)
			cap *= 2;
		b = realloc(r->buf, cap);
		if (!b) {
			r->oom = true;
			return 0;
		}
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	r->buf[r->len] = '\0';
	return len;
}

/* Prepares the request (nothing is sent yet). body NULL: a POST without one. */
static void racer_prepare(struct racer *r, const char *base, const char *method,
			  const char *path, const char *token, const char *body, const char *what)
{
	CURL *h = r->h;
	struct curl_slist *tmp;

	curl_easy_reset(h); /* keeps the open connections */
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	json_decref(r->json);
	r->json = NULL;
	r->len = 0;
	r->oom = false;
	r->status = 0;
	r->error[0] = '\0';
	r->body_text = NULL;
	r->what = what;
	r->want_port = strrchr(base, ':') ? strtol(strrchr(base, ':') + 1, NULL, 10) : 0;
	curl_easy_setopt(h, CURLOPT_URL, strf(&e, "%s%s", base, path));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CAINFO, e.cacert);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, racer_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->error);
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	tmp = curl_slist_append(NULL, "Expect:");
	cr_assert(tmp, "out of memory");
	r->headers = tmp;
	if (token) {
		tmp = curl_slist_append(r->headers, strf(&e, "Authorization: Bearer %s", token));
		cr_assert(tmp, "out of memory");
		r->headers = tmp;
	}
	if (body) {
		tmp = curl_slist_append(r->headers, "Content-Type: application/json");
		cr_assert(tmp, "out of memory");
		r->headers = tmp;
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->headers);
}

static void *racer_main(void *arg)
{
	struct racer *r = arg;

	if (r->barrier)
		pthread_barrier_wait(r->barrier);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->rc = curl_easy_perform(r->h);
	clock_gettime(CLOCK_MONOTONIC, &r->t1);
	return NULL;
}

static void racer_collect(struct racer *r)
{
	long port = 0;

	cr_assert(!r->oom, "out of memory reading the answer to %s", r->what);
	cr_assert_eq(r->rc, CURLE_OK, "%s: no HTTP answer: %s", r->what,
		     r->error[0] ? r->error : curl_easy_strerror(r->rc));
	curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &r->status);
	/* The answer came from the daemon asked (with two: another process). */
	curl_easy_getinfo(r->h, CURLINFO_PRIMARY_PORT, &port);
	cr_assert_eq(port, r->want_port, "%s: answered on port %ld, not %ld", r->what, port,
		     r->want_port);
	r->body_text = strf(&e, "%s", r->buf ? r->buf : "");
	r->json = r->len ? json_loadb(r->buf, r->len, 0, NULL) : NULL;
}

/* One request from the test's own thread (warming a connection up). */
static void racer_run(struct racer *r)
{
	r->barrier = NULL;
	racer_main(r);
	racer_collect(r);
}

static double secs(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

/* Fires a and b at once; true when the two requests overlapped in time as
 * the client saw them (for the log: the invariants hold either way). */
static bool race(struct racer *a, struct racer *b)
{
	pthread_barrier_t barrier;
	pthread_t ta, tb;

	cr_assert_eq(pthread_barrier_init(&barrier, NULL, 2), 0, "pthread_barrier_init");
	a->barrier = b->barrier = &barrier;
	cr_assert_eq(pthread_create(&ta, NULL, racer_main, a), 0, "pthread_create");
	if (pthread_create(&tb, NULL, racer_main, b) != 0) {
		/* Release a, which waits at the barrier, before failing. */
		b->barrier = NULL;
		racer_main(b);
		pthread_join(ta, NULL);
		pthread_barrier_destroy(&barrier);
		cr_assert_fail("pthread_create");
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&barrier);
	racer_collect(a);
	racer_collect(b);
	return secs(&a->t0) < secs(&b->t1) && secs(&b->t0) < secs(&a->t1);
}

static const char *racer_code(const struct racer *r)
{
	const char *c = json_string_value(json_object_get(r->json, "code"));

	return c ? c : "";
}

static const char *racer_str(const struct racer *r, const char *key)
{
	return json_string_value(json_object_get(r->json, key));
}

/* ---- the set-up each race shares -------------------------------------------------------- */

struct course {
	struct daemon2 *d2;
	const char *base[2];      /* daemon 1 and the other (daemon 2, or daemon 1 again) */
	struct racer *r[2];
	int daemons;
	int overlapped;
};

static void course_open(struct course *a, int daemons)
{
	a->d2 = daemons == 2 ? daemon2_start() : NULL;
	a->base[0] = e.base_url;
	a->base[1] = a->d2 ? a->d2->base_url : e.base_url;
	a->daemons = daemons;
	a->overlapped = 0;
	/* Each racer opens its connections to both daemons before any race. */
	for (int i = 0; i < 2; i++) {
		a->r[i] = racer_new();
		for (int j = 0; j < daemons; j++) {
			racer_prepare(a->r[i], a->base[j], "GET", "/livez", NULL, NULL, "GET /livez");
			racer_run(a->r[i]);
			cr_assert_eq(a->r[i]->status, 200, "GET %s/livez: %ld", a->base[j],
				     a->r[i]->status);
		}
	}
}

static void course_close(struct course *a, const char *name)
{
	cr_log_info("%s (%d daemon%s): the two requests overlapped in %d of %d races", name,
		    a->daemons, a->daemons > 1 ? "s" : "", a->overlapped, ROUNDS);
	/* Clients hang up first, as they would; then the second daemon stops. */
	for (int i = 0; i < 2; i++) {
		curl_easy_cleanup(a->r[i]->h);
		a->r[i]->h = NULL;
	}
	if (a->d2)
		daemon2_stop(a->d2);
}

/* The audit chains survive concurrent writers (as test_audit.c checks them). */
static void expect_audit_chain_intact(void)
{
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM (SELECT prev_hash, lag(hash) OVER w AS before, "
				   "row_number() OVER w AS n FROM svk.audit WINDOW w AS (PARTITION BY chain "
				   "ORDER BY seq)) x WHERE prev_hash IS DISTINCT FROM CASE WHEN n = 1 "
				   "THEN decode(repeat('00', 32), 'hex') ELSE before END"),
		     0, "an audit chain is broken");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE hash IS DISTINCT FROM "
				   "svk.audit_hash(prev_hash, seq, chain, at, actor, organisation, action, "
				   "entity, entity_id, before, after)"),
		     0, "an audit row's hash is not its content's");
}

/* No (proposal, round, organisation) has two decisions. */
static void expect_one_decision_per_org_and_round(void)
{
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM (SELECT 1 FROM svk.decisions "
				   "GROUP BY proposal_id, round, organisation_id HAVING count(*) > 1) x"),
		     0, "an organisation decided twice in one round");
}

/* Every extension applied once, chained, and valid_to where they lead. */
static void expect_extensions_consistent(void)
{
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM (SELECT 1 FROM svk.agreement_extensions "
				   "GROUP BY proposal_id HAVING count(*) > 1) x"),
		     0, "a proposal extended the agreement twice");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions x "
				   "JOIN svk.proposals p ON p.id = x.proposal_id "
				   "WHERE p.status <> 'approved' OR x.years <> p.extension_years "
				   "OR x.new_valid_to <> (x.old_valid_to + make_interval(years => x.years))::date"),
		     0, "an extension does not match its approved proposal");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.proposals p WHERE p.kind = 'extension' "
				   "AND p.status = 'approved' AND NOT EXISTS (SELECT 1 FROM "
				   "svk.agreement_extensions x WHERE x.proposal_id = p.id)"),
		     0, "an approved extension has no effect");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM (SELECT old_valid_to, lag(new_valid_to) "
				   "OVER (ORDER BY applied_at, old_valid_to) AS prev FROM "
				   "svk.agreement_extensions) c WHERE prev IS NOT NULL AND prev <> old_valid_to"),
		     0, "an extension did not start where the one before it ended");
	cr_expect_str_eq(valid_to(),
			 sql_value(&e, "SELECT ('2026-12-31'::date + make_interval(years => "
				       "coalesce(sum(extension_years), 0)::int))::date::text "
				       "FROM svk.proposals WHERE kind = 'extension' AND status = 'approved'"),
			 "valid_to is not 2026-12-31 moved by the approved years");
}

/* (a) Two decision makers of the police decide the same proposal at the
 * same moment, one approving and one rejecting: exactly one of them
 * decides, and the proposal is in the state that decision leads to. */
static void same_organisation(int daemons)
{
	struct course a;
	const char *verdict[2] = { "approve", "reject" };
	const enum who who[2] = { DIRECTOR + POLISEN, POLICE2 };
	int wins[2] = { 0, 0 };

	course_open(&a, daemons);
	for (int i = (daemons - 1) * ROUNDS; i < daemons * ROUNDS; i++) {
		const char *id = submitted_extension(1, i);
		const char *path = strf(&e, "/v1/proposals/%s/decisions", id);
		int winner, loser;

		for (int k = 0; k < 2; k++) {
			/* With two daemons, each side alternates between them. */
			int d = (i + k) % 2;
			racer_prepare(a.r[k], a.base[d], "POST", path, user(who[k]),
				      strf(&e, "{\"verdict\":\"%s\"}", verdict[k]),
				      strf(&e, "round %d: %s %ss at daemon %d", i, cast[who[k]].username,
					   verdict[k], a.base[d] == e.base_url ? 1 : 2));
		}
		a.overlapped += race(a.r[0], a.r[1]);

		winner = a.r[0]->status == 201 ? 0 : 1;
		loser = 1 - winner;
		cr_expect(a.r[winner]->status == 201 && a.r[loser]->status == 409,
			  "%s -> %ld; %s -> %ld (%s | %s)", a.r[0]->what, a.r[0]->status, a.r[1]->what,
			  a.r[1]->status, a.r[0]->body_text, a.r[1]->body_text);
		cr_expect_str_eq(racer_code(a.r[loser]), "conflict", "%s: %s", a.r[loser]->what,
				 a.r[loser]->body_text);
		wins[winner]++;
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.decisions WHERE proposal_id = $1::uuid",
				       id),
			     1, "round %d: not exactly one decision", i);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.decisions d JOIN svk.users u "
					   "ON u.id = d.decided_by WHERE d.proposal_id = $1::uuid "
					   "AND u.username = $2 AND d.verdict = $3 AND d.round = 1",
				       id, cast[who[winner]].username, verdict[winner]),
			     1, "round %d: the stored decision is not the one answered 201", i);
		cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", id),
				 winner == 0 ? "submitted" : "rejected",
				 "round %d: the proposal's state does not follow the decision", i);
		cr_expect_str_eq(racer_str(a.r[winner], "status"), winner == 0 ? "submitted" : "rejected",
				 "round %d: %s", i, a.r[winner]->body_text);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE entity_id = $1 "
					   "AND action LIKE 'decision.%'", id),
			     1, "round %d: not exactly one decision audited", i);
	}
	course_close(&a, "same organisation");
	cr_log_info("same organisation (%d daemon(s)): the approval won %d times, the rejection %d",
		    daemons, wins[0], wins[1]);
}

Test(races, same_organisation_decides_once)
{
	user(BERED);
	user(DIRECTOR + POLISEN);
	user(POLICE2);
	same_organisation(1);
	same_organisation(2);
	expect_one_decision_per_org_and_round();
	cr_expect_str_eq(valid_to(), "2026-12-31");
	expect_audit_chain_intact();
}

/* (b) Polisen and Sollentuna have approved; Upplands Väsby and Sigtuna
 * approve at the same moment: both decisions count, and the agreement is
 * extended exactly once, by the proposal's years. */
static void last_two_approvals(int daemons)
{
	struct course a;
	const int org[2] = { VASBY, SIGTUNA };
	int approved_by[2] = { 0, 0 };

	course_open(&a, daemons);
	for (int i = (daemons - 1) * ROUNDS; i < daemons * ROUNDS; i++) {
		int years = 1 + i % 4;
		const char *id = submitted_extension(years, i);
		const char *path = strf(&e, "/v1/proposals/%s/decisions", id);
		const char *before = valid_to(), *expected;
		int approver;

		approve(POLISEN, id);
		approve(SOLLENTUNA, id);
		for (int k = 0; k < 2; k++) {
			int d = (i + k) % 2;
			racer_prepare(a.r[k], a.base[d], "POST", path, user(DIRECTOR + org[k]),
				      "{\"verdict\":\"approve\"}",
				      strf(&e, "round %d: %s approves at daemon %d", i,
					   cast[DIRECTOR + org[k]].org, a.base[d] == e.base_url ? 1 : 2));
		}
		a.overlapped += race(a.r[0], a.r[1]);

		for (int k = 0; k < 2; k++)
			cr_expect_eq(a.r[k]->status, 201, "%s: %s", a.r[k]->what, a.r[k]->body_text);
		/* Exactly one of them saw the proposal approved: the one whose
		 * decision came last. */
		approver = racer_str(a.r[0], "status") &&
				   strcmp(racer_str(a.r[0], "status"), "approved") == 0 ? 0 : 1;
		cr_expect_str_eq(racer_str(a.r[approver], "status"), "approved", "round %d: %s | %s", i,
				 a.r[0]->body_text, a.r[1]->body_text);
		cr_expect_str_eq(racer_str(a.r[1 - approver], "status"), "submitted",
				 "round %d: %s | %s", i, a.r[0]->body_text, a.r[1]->body_text);
		approved_by[approver]++;

		expected = sql_value(&e, "SELECT ($1::date + make_interval(years => $2::int))::date::text",
				     before, strf(&e, "%d", years));
		cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", id),
				 "approved", "round %d", i);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.decisions WHERE proposal_id = $1::uuid "
					   "AND round = 1 AND verdict = 'approve'", id),
			     4, "round %d: not four approvals", i);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions "
					   "WHERE proposal_id = $1::uuid", id),
			     1, "round %d: not exactly one extension", i);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions "
					   "WHERE proposal_id = $1::uuid AND old_valid_to = $2::date "
					   "AND new_valid_to = $3::date AND years = $4::int",
				       id, before, expected, strf(&e, "%d", years)),
			     1, "round %d: the extension is not %s + %d years", i, before, years);
		cr_expect_str_eq(valid_to(), expected, "round %d: valid_to moved from %s by other than %d years",
				 i, before, years);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'agreement.extend' "
					   "AND after->>'proposal' = $1", id),
			     1, "round %d: not one agreement.extend audit row", i);
		cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'proposal.approve' "
					   "AND entity_id = $1", id),
			     1, "round %d: not one proposal.approve audit row", i);
	}
	course_close(&a, "last two approvals");
	cr_log_info("last two approvals (%d daemon(s)): Upplands Väsby's approval completed %d times, "
		    "Sigtuna's %d", daemons, approved_by[0], approved_by[1]);
}

Test(races, last_two_approvals_apply_once)
{
	user(BERED);
	for (int o = 0; o < N_PARTIES; o++)
		user(DIRECTOR + o);
	last_two_approvals(1);
	last_two_approvals(2);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions"), 2 * ROUNDS);
	expect_one_decision_per_org_and_round();
	expect_extensions_consistent();
	expect_audit_chain_intact();
}

/* (c) Three parties have approved an extension; Sigtuna's approval, the
 * last one, and the beredningsgrupp's withdrawal arrive together. Either
 * the approval is first (approved, extended; the withdrawal 409) or the
 * withdrawal is (withdrawn, not extended; the approval 409). Returns how
 * many times the approval won. */
static int approval_against_withdrawal(int daemons)
{
	struct course a;
	int approved = 0, withdrawn = 0;

	course_open(&a, daemons);
	for (int i = (daemons - 1) * ROUNDS; i < daemons * ROUNDS; i++) {
		const char *id = submitted_extension(1, i);
		const char *before = valid_to();
		struct racer *ap = a.r[0], *wd = a.r[1];
		int d = i % 2;

		approve(POLISEN, id);
		approve(SOLLENTUNA, id);
		approve(VASBY, id);
		racer_prepare(ap, a.base[d], "POST", strf(&e, "/v1/proposals/%s/decisions", id),
			      user(DIRECTOR + SIGTUNA), "{\"verdict\":\"approve\"}",
			      strf(&e, "round %d: sigtuna approves at daemon %d", i,
				   a.base[d] == e.base_url ? 1 : 2));
		racer_prepare(wd, a.base[1 - d], "POST", strf(&e, "/v1/proposals/%s/withdraw", id),
			      user(BERED), NULL,
			      strf(&e, "round %d: the beredningsgrupp withdraws at daemon %d", i,
				   a.base[1 - d] == e.base_url ? 1 : 2));
		a.overlapped += race(ap, wd);

		if (ap->status == 201 && wd->status == 409) {
			approved++;
			cr_expect_str_eq(racer_str(ap, "status"), "approved", "round %d: %s", i,
					 ap->body_text);
			cr_expect_str_eq(racer_code(wd), "conflict", "%s", wd->body_text);
			cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", id),
					 "approved", "round %d", i);
			cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions "
						   "WHERE proposal_id = $1::uuid", id),
				     1, "round %d: approved without its extension", i);
			cr_expect_str_eq(valid_to(),
					 sql_value(&e, "SELECT ($1::date + interval '1 year')::date::text",
						   before),
					 "round %d: valid_to did not move by one year", i);
			cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.decisions WHERE "
						   "proposal_id = $1::uuid", id),
				     4, "round %d", i);
		} else if (wd->status == 200 && ap->status == 409) {
			withdrawn++;
			cr_expect_str_eq(racer_str(wd, "status"), "withdrawn", "round %d: %s", i,
					 wd->body_text);
			cr_expect_str_eq(racer_code(ap), "conflict", "%s", ap->body_text);
			cr_expect_str_eq(sql_value(&e, "SELECT status FROM svk.proposals WHERE id = $1::uuid", id),
					 "withdrawn", "round %d", i);
			cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions "
						   "WHERE proposal_id = $1::uuid", id),
				     0, "round %d: a withdrawn proposal extended the agreement", i);
			cr_expect_str_eq(valid_to(), before, "round %d: valid_to moved", i);
			cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.decisions WHERE "
						   "proposal_id = $1::uuid", id),
				     3, "round %d: the refused approval was stored", i);
		} else {
			cr_expect_fail("round %d: an inconsistent outcome: %s -> %ld (%s); %s -> %ld (%s)",
				       i, ap->what, ap->status, ap->body_text, wd->what, wd->status,
				       wd->body_text);
		}
	}
	course_close(&a, "approval against withdrawal");
	cr_log_info("approval against withdrawal (%d daemon(s)): approved %d times, withdrawn %d",
		    daemons, approved, withdrawn);
	cr_expect_eq(approved + withdrawn, ROUNDS);
	return approved;
}

Test(races, approval_races_withdrawal)
{
	int approved;

	user(BERED);
	for (int o = 0; o < N_PARTIES; o++)
		user(DIRECTOR + o);
	approved = approval_against_withdrawal(1);
	approved += approval_against_withdrawal(2);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_extensions"), approved);
	expect_one_decision_per_org_and_round();
	expect_extensions_consistent();
	expect_audit_chain_intact();
}
