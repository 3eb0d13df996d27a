/*
 * The harness's processes (see harness.h): a bounded runner that feeds
 * stdin and collects stdout and stderr in one poll loop, `samverkand` admin
 * commands, and the real CLI with a private configuration.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness_internal.h"

extern char **environ;

#define ADMIN_TIMEOUT_MS 60000

long harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int harness_pidfd(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 ? 0 : -1;
}

int harness_rm_tree(const char *dir)
{
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int harness_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

char **harness_child_environ(const char *const envset[])
{
	size_t n = 0, m = 0, k = 0;
	char **out;

	while (environ[n])
		n++;
	while (envset && envset[m])
		m++;
	out = calloc(n + m + 1, sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;
		for (size_t j = 0; j < m && !replaced; j++) {
			const char *eq = strchr(envset[j], '=');
			size_t len = eq ? (size_t)(eq - envset[j]) : strlen(envset[j]);
			replaced = strncmp(environ[i], envset[j], len) == 0 &&
				   environ[i][len] == '=';
		}
		if (!replaced)
			out[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		if (strchr(envset[j], '='))
			out[k++] = (char *)envset[j];
	out[k] = NULL;
	return out;
}

struct buf {
	char *data;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *d;
		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static char *buf_take(struct buf *b)
{
	char *d = b->data;

	if (!d)
		d = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

/*
 * Runs a process to completion: feeds in, collects stdout and stderr, and
 * waits on a pidfd, all in one poll loop bounded by timeout_ms. Returns the
 * exit status (-1: timed out, killed; -2: could not start). *out and *err
 * are malloc'd (NULL on no memory).
 */
int harness_run(const char *const argv[], const char *const envset[], const char *in,
		int timeout_ms, char **out, char **err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	struct buf bo = { 0 }, be = { 0 };
	char **envp = harness_child_environ(envset);
	size_t in_len = in ? strlen(in) : 0, in_off = 0;
	long deadline = harness_now_ms() + timeout_ms;
	int status = -2, pidfd = -1, st = 0;
	bool exited = false;
	pid_t pid = -1;

	*out = *err = NULL;
	if (!envp || pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 ||
	    pipe2(perr, O_CLOEXEC) != 0)
		goto out;
	pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 || dup2(perr[1], 2) < 0)
			_exit(126);
		execve(argv[0], (char *const *)argv, envp);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	if (in_len == 0) {
		close(pin[1]);
		pin[1] = -1;
	} else {
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	}
	pidfd = harness_pidfd(pid);
	for (;;) {
		struct pollfd fds[4];
		int nfds = 0, left = (int)(deadline - harness_now_ms());
		char chunk[8192];

		if (pout[0] < 0 && perr[0] < 0 && (exited || pidfd < 0))
			break;
		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			status = -1;
			pid = -1;
			goto out;
		}
		if (pout[0] >= 0)
			fds[nfds++] = (struct pollfd){ .fd = pout[0], .events = POLLIN };
		if (perr[0] >= 0)
			fds[nfds++] = (struct pollfd){ .fd = perr[0], .events = POLLIN };
		if (pin[1] >= 0)
			fds[nfds++] = (struct pollfd){ .fd = pin[1], .events = POLLOUT };
		if (pidfd >= 0 && !exited)
			fds[nfds++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (poll(fds, (nfds_t)nfds, left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < nfds; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == pidfd) {
				exited = true;
			} else if (fds[i].fd == pin[1]) {
				ssize_t w = write(pin[1], in + in_off, in_len - in_off);
				if (w > 0)
					in_off += (size_t)w;
				if (w < 0 || in_off == in_len) {
					close(pin[1]);
					pin[1] = -1;
				}
			} else {
				int *fd = fds[i].fd == pout[0] ? &pout[0] : &perr[0];
				struct buf *b = fd == &pout[0] ? &bo : &be;
				ssize_t rd = read(*fd, chunk, sizeof chunk);
				if (rd > 0) {
					if (buf_add(b, chunk, (size_t)rd) != 0)
						goto out;
				} else if (rd == 0 || errno != EINTR) {
					close(*fd);
					*fd = -1;
				}
			}
		}
	}
	if (waitpid(pid, &st, 0) == pid)
		status = harness_status(st);
	pid = -1;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	if (pidfd >= 0)
		close(pidfd);
	free(envp);
	*out = buf_take(&bo);
	*err = buf_take(&be);
	return status;
}

static void proc_free(void *p)
{
	struct proc *pr = p;

	free(pr->out);
	free(pr->err);
	free(pr);
}

struct proc *proc_run(struct env *e, const char *const argv[], const char *const envset[],
		      const char *in, int timeout_ms)
{
	struct proc *p = calloc(1, sizeof *p);

	cr_assert(p, "out of memory");
	p->status = harness_run(argv, envset, in, timeout_ms, &p->out, &p->err);
	if (!p->out || !p->err) {
		proc_free(p);
		cr_assert_fail("out of memory");
	}
	return env_keep(e, p, proc_free);
}

struct proc *samverkand_v(struct env *e, const char *const args[])
{
	const char *argv[24];
	char exe[PATH_MAX];
	size_t n = 0;
	struct proc *p;
	char title[256];
	size_t o = 0;

	PATHF(exe, "%s/daemon/samverkand", harness_build_dir());
	argv[n++] = exe;
	argv[n++] = "-c";
	argv[n++] = e->config;
	for (size_t i = 0; args[i]; i++) {
		cr_assert(n + 1 < sizeof argv / sizeof argv[0], "too many arguments");
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	p = proc_run(e, argv, NULL, NULL, ADMIN_TIMEOUT_MS);
	o = (size_t)snprintf(title, sizeof title, "samverkand");
	for (size_t i = 0; args[i] && o < sizeof title; i++)
		o += (size_t)snprintf(title + o, sizeof title - o, " %s", args[i]);
	if (o < sizeof title)
		snprintf(title + o, sizeof title - o, " (exit %d)", p->status);
	harness_log_append(e, title, p->err);
	return p;
}

/* ---- the CLI ---------------------------------------------------------------------- */

static const char *cli_path(void)
{
	static char path[PATH_MAX];

	if (!path[0])
		PATHF(path, "%s/client/samverkan", harness_build_dir());
	return path;
}

void cli_require(struct env *e)
{
	(void)e;
	if (access(cli_path(), X_OK) != 0)
		cr_skip_test("the CLI is not built yet (%s)", cli_path());
}

const char *cli_home_dir(struct env *e, const char *home)
{
	const char *dir = strf(e, "%s/home-%s", e->dir, home ? home : "default");

	cr_assert(mkdir(dir, 0700) == 0 || errno == EEXIST, "cannot create %s", dir);
	return dir;
}

struct proc *cli_v(struct env *e, const struct cli_opts *o, const char *const args[])
{
	const char *argv[32], *envset[24];
	const char *home = cli_home_dir(e, o->home);
	size_t n = 0, k = 0;
	struct proc *p;

	cli_require(e);
	argv[n++] = cli_path();
	for (size_t i = 0; args[i]; i++) {
		cr_assert(n + 1 < sizeof argv / sizeof argv[0], "too many arguments");
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	/* The test's own changes first: the first of two equal names wins. */
	for (size_t i = 0; i < sizeof o->env / sizeof o->env[0] && o->env[i]; i++)
		envset[k++] = o->env[i];
	/* A clean slate: nothing from the developer's own settings. */
	envset[k++] = strf(e, "SAMVERKAN_SERVER=%s", e->base_url);
	envset[k++] = strf(e, "SAMVERKAN_CACERT=%s", e->cacert);
	envset[k++] = strf(e, "XDG_CONFIG_HOME=%s", home);
	envset[k++] = strf(e, "HOME=%s", home);
	envset[k++] = "SAMVERKAN_TOKEN";
	envset[k++] = "SAMVERKAN_OUTPUT";
	envset[k++] = "SAMVERKAN_CERT";
	envset[k++] = "SAMVERKAN_KEY";
	envset[k++] = "LANG=C.UTF-8";
	envset[k++] = "LC_ALL";
	envset[k] = NULL;
	p = proc_run(e, argv, envset, o->in, 60000);
	return p;
}
