/*
 * Log lines: one line per event on stderr, `key=value` pairs after a
 * timestamp and level, so journald and grep both read them. Messages are
 * lowercase and factual; never a token, a password or a request body.
 *
 * The format is printf's, with one difference: every %s and %c argument
 * is escaped (see log.c), because values come from clients. Inside quotes
 * in the format (key="%s") a backslash, a quote and control characters
 * are escaped as \\, \", \n, \r, \t, \xHH, Unicode line breaks as
 * \uHHHH; outside quotes (key=%s) a space is \x20 too. So a value can
 * neither end the line nor add a key, and callers need no helper. A
 * precision caps a string's bytes (%.200s) without cutting a UTF-8
 * character; a width on %s is ignored. Lines longer than 2047 bytes are
 * cut.
 */
#ifndef SVK_LOG_H
#define SVK_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

struct log {
	enum log_level level;
};

/* Parses "error", "warn", "info", "debug"; returns -1 otherwise. */
int log_level_parse(const char *s, enum log_level *out);

void log_msg(const struct log *log, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The message part of a line as log_msg writes it (without timestamp,
 * level and newline), into buf (size bytes, always NUL-terminated, cut
 * when too small). Returns its length. */
size_t log_vformat(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
size_t log_format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(l, ...) log_msg((l), LOG_ERROR, __VA_ARGS__)
#define log_warn(l, ...) log_msg((l), LOG_WARN, __VA_ARGS__)
#define log_info(l, ...) log_msg((l), LOG_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_msg((l), LOG_DEBUG, __VA_ARGS__)

#endif
