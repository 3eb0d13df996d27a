/*
 * The credentials file, `$XDG_CONFIG_HOME/samverkan/credentials`: the
 * server `login` talked to and the token it got, as `key = value` lines.
 * It holds a secret, so it is written atomically with mode 0600 and a file
 * that others could read is refused rather than used.
 */
#ifndef SVK_CLIENT_CREDS_H
#define SVK_CLIENT_CREDS_H

#include "strbuf.h"

struct creds {
	char *server; /* owned, or NULL */
	char *token;  /* owned, or NULL; wiped by creds_cleanup */
};

/* dir + "/credentials"; *out is the caller's to free. 0 or -1. */
int creds_path(const char *dir, char **out);

/*
 * Loads path into c (fields NULL when the file does not exist). Refuses,
 * with exit code 3 and a message naming the fix, a file whose mode grants
 * anything to group or others, or that another user owns. Other failures
 * give 1. The caller calls creds_cleanup either way.
 */
int creds_load(const char *path, struct creds *c, struct strbuf *err);

/*
 * Writes c to path atomically: a temporary file in the same directory
 * (mode 0600), fsync, rename over path, fsync of the directory. Creates the
 * directory (mode 0700) when missing. With both fields NULL the file is
 * removed. Returns 0, or 1 with a message in err; path is then unchanged.
 */
int creds_save(const char *path, const struct creds *c, struct strbuf *err);

void creds_cleanup(struct creds *c);

#endif
