/*
 * Terminal prompts and --password-stdin (see prompt.h). Echo is switched
 * off with termios and always restored, also when the person presses
 * Ctrl-C: the signal only interrupts the read, the terminal is restored and
 * then the signal is delivered as usual.
 */
#include "prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"

/* The one piece of process state: set by a signal during a prompt. */
static volatile sig_atomic_t prompt_signal;

static void on_signal(int sig)
{
	prompt_signal = sig;
}

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
#define N_CAUGHT (sizeof caught / sizeof caught[0])

void prompt_free_secret(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

static int write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads up to a newline; -1 on error or interruption, -2 when too long. */
static int read_tty_line(int fd, char *buf, size_t cap, size_t *len)
{
	*len = 0;
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);

		if (n < 0)
			return -1; /* EINTR included: a signal cancels */
		if (n == 0 || c == '\n')
			return 0;
		if (c == '\r')
			continue;
		if (*len + 1 >= cap)
			return -2;
		buf[(*len)++] = c;
	}
}

int prompt_tty(const char *prompt, int secret, char **out, struct strbuf *err)
{
	struct sigaction sa, old[N_CAUGHT];
	struct termios saved, quiet;
	char *buf;
	size_t len = 0;
	int fd, rc = CLI_ERROR, echo_off = 0, r;

	*out = NULL;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		(void)strbuf_puts(err, "no terminal to ask on; pass --username and "
				       "--password-stdin");
		return CLI_USAGE;
	}
	buf = calloc(1, PROMPT_MAX);
	if (!buf) {
		close(fd);
		(void)strbuf_puts(err, "out of memory");
		return CLI_ERROR;
	}
	prompt_signal = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_CAUGHT; i++)
		(void)sigaction(caught[i], &sa, &old[i]); /* no SA_RESTART */
	if (secret && tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write_all(fd, prompt) != 0) {
		(void)strbuf_printf(err, "cannot write to the terminal: %s", strerror(errno));
		goto out;
	}
	r = read_tty_line(fd, buf, PROMPT_MAX, &len);
	if (r == -2) {
		(void)strbuf_printf(err, "answer longer than %d bytes", PROMPT_MAX - 1);
		goto out;
	}
	if (r != 0) {
		if (prompt_signal) {
			rc = 130;
			(void)strbuf_puts(err, "interrupted");
		} else {
			(void)strbuf_printf(err, "cannot read from the terminal: %s",
					    strerror(errno));
		}
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	rc = 0;
out:
	if (echo_off) {
		(void)tcsetattr(fd, TCSAFLUSH, &saved);
		(void)write_all(fd, "\n"); /* the newline echo swallowed */
	}
	for (size_t i = 0; i < N_CAUGHT; i++)
		(void)sigaction(caught[i], &old[i], NULL);
	close(fd);
	if (buf) {
		explicit_bzero(buf, PROMPT_MAX);
		free(buf);
	}
	if (prompt_signal)
		raise(prompt_signal); /* now that the terminal is restored */
	return rc;
}

int prompt_read_line(FILE *f, char **out, struct strbuf *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	*out = NULL;
	errno = 0;
	n = getline(&line, &cap, f);
	if (n < 0) {
		free(line);
		(void)strbuf_puts(err, errno ? "cannot read standard input"
					     : "standard input ended before the "
					       "password");
		return CLI_USAGE;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if ((size_t)n >= PROMPT_MAX) {
		prompt_free_secret(line);
		(void)strbuf_printf(err, "password longer than %d bytes", PROMPT_MAX - 1);
		return CLI_USAGE;
	}
	*out = line;
	return 0;
}
