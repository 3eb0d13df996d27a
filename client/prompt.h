/*
 * Asking a person for a username or a password on the terminal (the
 * password without echo), and reading a password from standard input for
 * scripts (`--password-stdin`).
 */
#ifndef SVK_CLIENT_PROMPT_H
#define SVK_CLIENT_PROMPT_H

#include <stdio.h>

#include "strbuf.h"

#define PROMPT_MAX 4096 /* longest answer accepted, in bytes */

/*
 * Writes prompt to the controlling terminal and reads one line from it,
 * without echo when secret. *out (without the newline) is the caller's to
 * free, wiping it first when secret. Returns 0, 130 when the person
 * interrupted, or 1 (no terminal, read error) with a message in err.
 */
int prompt_tty(const char *prompt, int secret, char **out, struct strbuf *err);

/*
 * Reads one line from f (standard input) for --password-stdin; the line
 * end (LF or CRLF) is dropped. Returns 0, or 2 when f is at its end or the
 * line is too long, with a message in err.
 */
int prompt_read_line(FILE *f, char **out, struct strbuf *err);

/* Wipes and frees a secret string (NULL is fine). */
void prompt_free_secret(char *s);

#endif
