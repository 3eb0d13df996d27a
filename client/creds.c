/*
 * Reading and writing the credentials file (see creds.h). The mode check
 * follows ssh's rule for private keys: a secret others can read is treated
 * as leaked, and the user is told the one command that fixes it.
 */
#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "config.h"

int creds_path(const char *dir, char **out)
{
	struct strbuf sb;

	strbuf_init(&sb, 4200);
	if (strbuf_printf(&sb, "%s/credentials", dir) != 0) {
		strbuf_cleanup(&sb);
		*out = NULL;
		return -1;
	}
	*out = strbuf_steal(&sb);
	return *out ? 0 : -1;
}

static void wipe_free(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

void creds_cleanup(struct creds *c)
{
	free(c->server);
	wipe_free(c->token);
	c->server = NULL;
	c->token = NULL;
}

static int creds_kv(void *ctx, const char *key, const char *value, const char *where,
		    struct strbuf *err)
{
	struct creds *c = ctx;
	char **slot;
	char *copy;

	if (strcmp(key, "server") == 0) {
		slot = &c->server;
	} else if (strcmp(key, "token") == 0) {
		slot = &c->token;
	} else {
		(void)strbuf_printf(err, "%s: unknown key '%s'", where, key);
		return -1;
	}
	copy = strdup(value);
	if (!copy) {
		(void)strbuf_puts(err, "out of memory");
		return -1;
	}
	wipe_free(*slot);
	*slot = copy[0] ? copy : NULL;
	if (!copy[0])
		free(copy);
	return 0;
}

int creds_load(const char *path, struct creds *c, struct strbuf *err)
{
	struct stat st;
	int fd, rc = CLI_ERROR;

	memset(c, 0, sizeof *c);
	/* O_NOFOLLOW: a symlink planted in place of the file is refused. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		(void)strbuf_printf(err, "cannot open %s: %s", path, strerror(errno));
		return CLI_ERROR;
	}
	if (fstat(fd, &st) != 0) {
		(void)strbuf_printf(err, "cannot stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)strbuf_printf(err, "%s is not a regular file", path);
		goto out;
	}
	if (st.st_uid != geteuid()) {
		(void)strbuf_printf(err,
				    "%s belongs to another user (uid %ld); refusing "
				    "to use its token",
				    path, (long)st.st_uid);
		rc = CLI_AUTH;
		goto out;
	}
	if (st.st_mode & 077) {
		(void)strbuf_printf(err,
				    "%s has mode %04o but holds a token, so it must "
				    "be readable by you alone; run 'chmod 600 %s' "
				    "(and consider the token leaked: log in again)",
				    path, (unsigned)(st.st_mode & 07777), path);
		rc = CLI_AUTH;
		goto out;
	}
	if (config_parse_fd(fd, path, creds_kv, c, err) != 0)
		goto out;
	rc = 0;
out:
	close(fd);
	if (rc != 0)
		creds_cleanup(c);
	return rc;
}

/* mkdir -p with mode 0700 for each level created. */
static int make_dirs(const char *dir)
{
	char *copy = strdup(dir);
	int rc = -1;

	if (!copy)
		return -1;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST)
			goto out;
		*p = '/';
	}
	if (mkdir(copy, 0700) != 0 && errno != EEXIST)
		goto out;
	rc = 0;
out:
	free(copy);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync of the directory, so the rename itself survives a crash. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int creds_remove(const char *path, const char *dir, struct strbuf *err)
{
	if (unlink(path) != 0 && errno != ENOENT) {
		(void)strbuf_printf(err, "cannot remove %s: %s", path, strerror(errno));
		return CLI_ERROR;
	}
	(void)sync_dir(dir);
	return 0;
}

int creds_save(const char *path, const struct creds *c, struct strbuf *err)
{
	struct strbuf text, tmp;
	char *dircopy = strdup(path);
	const char *dir;
	int fd = -1, rc = CLI_ERROR, tmp_made = 0;

	strbuf_init(&text, 16384);
	strbuf_init(&tmp, 4200);
	if (!dircopy) {
		(void)strbuf_puts(err, "out of memory");
		goto out;
	}
	dir = dirname(dircopy);
	if (!c->server && !c->token) {
		rc = creds_remove(path, dir, err);
		goto out;
	}
	if (make_dirs(dir) != 0) {
		(void)strbuf_printf(err, "cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	if (strbuf_puts(&text, "# samverkan credentials, written by "
			       "'samverkan login'. Keep this file private.\n") != 0 ||
	    (c->server && strbuf_printf(&text, "server = %s\n", c->server) != 0) ||
	    (c->token && strbuf_printf(&text, "token = %s\n", c->token) != 0) ||
	    strbuf_printf(&tmp, "%s.XXXXXX", path) != 0) {
		(void)strbuf_puts(err, "out of memory");
		goto out;
	}
	fd = mkstemp(tmp.data); /* mode 0600, O_EXCL */
	if (fd < 0) {
		(void)strbuf_printf(err, "cannot create a file in %s: %s", dir, strerror(errno));
		goto out;
	}
	tmp_made = 1;
	if (fchmod(fd, 0600) != 0 || write_all(fd, text.data, text.len) != 0 || fsync(fd) != 0) {
		(void)strbuf_printf(err, "cannot write %s: %s", tmp.data, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		(void)strbuf_printf(err, "cannot write %s: %s", tmp.data, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path) != 0) {
		(void)strbuf_printf(err, "cannot replace %s: %s", path, strerror(errno));
		goto out;
	}
	tmp_made = 0;
	if (sync_dir(dir) != 0) {
		(void)strbuf_printf(err, "cannot sync %s: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp_made)
		(void)unlink(tmp.data);
	if (text.data)
		explicit_bzero(text.data, text.cap);
	strbuf_cleanup(&text);
	strbuf_cleanup(&tmp);
	free(dircopy);
	return rc;
}
