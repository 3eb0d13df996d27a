/*
 * A growable byte buffer with a hard cap, for building text (CSV, headers,
 * log lines) without fixed-size arrays or unchecked lengths.
 */
#ifndef SVK_STRBUF_H
#define SVK_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data; /* NUL-terminated when len > 0 or after strbuf_init */
	size_t len;
	size_t cap;
	size_t limit; /* appends that would pass this fail */
};

/* Embedded-struct init; limit 0 means 64 MiB. Frees nothing. */
void strbuf_init(struct strbuf *sb, size_t limit);
/* Frees the data; the struct may be reused after strbuf_init. */
void strbuf_cleanup(struct strbuf *sb);
/* Appends; return 0, or -1 (buffer unchanged) on overflow or no memory. */
int strbuf_append(struct strbuf *sb, const char *s, size_t n);
int strbuf_puts(struct strbuf *sb, const char *s);
int strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Hands the data to the caller (who frees it) and resets the buffer. */
char *strbuf_steal(struct strbuf *sb);

#endif
