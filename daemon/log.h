/*
 * Log lines: one line per event on stderr, `key=value` pairs after a
 * timestamp and level, so journald and grep both read them. Messages are
 * lowercase and factual; never a token, a password or a request body.
 */
#ifndef SVK_LOG_H
#define SVK_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

struct log {
	enum log_level level;
};

/* Parses "error", "warn", "info", "debug"; returns -1 otherwise. */
int log_level_parse(const char *s, enum log_level *out);

void log_msg(const struct log *log, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(l, ...) log_msg((l), LOG_ERROR, __VA_ARGS__)
#define log_warn(l, ...) log_msg((l), LOG_WARN, __VA_ARGS__)
#define log_info(l, ...) log_msg((l), LOG_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_msg((l), LOG_DEBUG, __VA_ARGS__)

#endif
