/*
 * A second daemon on the same database and racing requests, for
 * test_races.c (see races_util.h).
 */
#include "races_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define READY_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS 30000

/* ---- a second daemon on the same database ----------------------------------------- */

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
static long readyz(struct env *e, const char *base)
{
	CURL *h = curl_easy_init();
	long status = 0;

	cr_assert(h, "curl_easy_init");
	curl_easy_setopt(h, CURLOPT_URL, strf(e, "%s/readyz", base));
	curl_easy_setopt(h, CURLOPT_CAINFO, e->cacert);
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
struct daemon2 *daemon2_start(struct env *e)
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
	env_keep(e, d, daemon2_free);
	d->port_fd = harness_reserve_port(&d->port);
	snprintf(d->base_url, sizeof d->base_url, "https://127.0.0.1:%d", d->port);
	snprintf(d->log, sizeof d->log, "%s/samverkand-2.log", e->dir);
	snprintf(exe, sizeof exe, "%s/daemon/samverkand", harness_build_dir());

	/* Our environment, with the listen address overridden. */
	listen = strf(e, "SAMVERKAND_SERVER_LISTEN=127.0.0.1:%d", d->port);
	while (environ[n])
		n++;
	envp = env_keep(e, calloc(n + 2, sizeof *envp), free);
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
		const char *argv[] = { exe, "-c", e->config, "serve", NULL };

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

		if (readyz(e, d->base_url) == 200)
			return d;
		if (poll(&pfd, 1, 50) > 0) {
			int st = 0;
			waitpid(d->pid, &st, 0);
			d->pid = 0;
			print_tail(d->log, "the second daemon exited at start");
			cr_assert_fail(
			    "the second samverkand exited (status %d) before it was ready", st);
		}
		if (ms_now() > deadline) {
			print_tail(d->log, "the second daemon did not become ready");
			cr_assert_fail("the second samverkand did not answer /readyz within %d ms",
				       READY_TIMEOUT_MS);
		}
	}
}

/* SIGTERM; it must exit 0 in time (a sanitizer's report fails it). */
void daemon2_stop(struct daemon2 *d)
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
		  WIFEXITED(st) ? "status" : "signal",
		  WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* ---- racing requests ------------------------------------------------------------------ */

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

struct racer *racer_new(struct env *e)
{
	struct racer *r = calloc(1, sizeof *r);

	cr_assert(r, "out of memory");
	env_keep(e, r, racer_free);
	r->env = e;
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
void racer_prepare(struct racer *r, const char *base, const char *method, const char *path,
		   const char *token, const char *body, const char *what)
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
	curl_easy_setopt(h, CURLOPT_URL, strf(r->env, "%s%s", base, path));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CAINFO, r->env->cacert);
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
		tmp = curl_slist_append(r->headers,
					strf(r->env, "Authorization: Bearer %s", token));
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
	r->body_text = strf(r->env, "%s", r->buf ? r->buf : "");
	r->json = r->len ? json_loadb(r->buf, r->len, 0, NULL) : NULL;
}

/* One request from the test's own thread (warming a connection up). */
void racer_run(struct racer *r)
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
bool race(struct racer *a, struct racer *b)
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

const char *racer_code(const struct racer *r)
{
	const char *c = json_string_value(json_object_get(r->json, "code"));

	return c ? c : "";
}

const char *racer_str(const struct racer *r, const char *key)
{
	return json_string_value(json_object_get(r->json, key));
}
