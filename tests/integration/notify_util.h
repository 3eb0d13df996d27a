/*
 * The notification suites' SMTP server and waits (notify_util.c). The
 * server is tests/integration/smtp_sink.py: a real SMTP conversation on a
 * port of the test's own, each accepted message written to a directory
 * as a JSON file (decoded subject and body, the envelope, the raw text).
 *
 * Waiting is on a condition (a file appeared, a row changed) polled with
 * a bounded timeout, never a fixed sleep.
 */
#ifndef SVK_NOTIFY_UTIL_H
#define SVK_NOTIFY_UTIL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

#define SINK_FROM "samverkan@samverkan.example"
#define SINK_BASE_URL "https://samverkan.example"

struct sink {
	int port;
	int hold_fd; /* keeps the port while no server listens (connections refused) */
	pid_t pid;
	char dir[PATH_MAX];
	char ini[512]; /* the daemon's [mail] section for this server */
};

/* Reserves the port and the directory and writes the [mail] section
 * (starttls on or off, the given retry_base_ms); no server runs yet. */
void sink_prepare(struct sink *s, int retry_base_ms, bool starttls);
/* Starts the env with the sink's [mail] settings. The scheduled
 * notifications due today (an agreement near its end, a Monday's digests)
 * are run once before the daemon starts, while no user has an address:
 * they are recorded as done and send nothing, so that a test sees only
 * the mails it causes, whatever the day it runs. */
void sink_env_start(struct env *e, struct sink *s);
/* Starts the server on the port and waits (bounded) until it listens. */
void sink_run(struct sink *s);
/* Stops the server (if running) and removes the directory. */
void sink_stop(struct sink *s);
/* The messages received so far, in order of arrival (env-owned array). */
json_t *sink_messages(struct env *e, struct sink *s);
/* Waits (bounded) until at least n messages arrived; fails otherwise. */
void sink_wait(struct env *e, struct sink *s, size_t n, const char *what);

/* Waits (bounded) until sql (a count) is at least n; fails otherwise. */
/* Waits until the daemon's log has a line with s in it. */
void log_wait(struct env *e, const char *s, const char *what);

void wait_count(struct env *e, long n, const char *what, const char *sql);
/* Waits until no mail due now is queued, and every sent row's message
 * has arrived; then expects the messages to be exactly the sent rows, each
 * once. Returns the messages. */
json_t *outbox_settle(struct env *e, struct sink *s, const char *what);

/* Sets a user's address and preference as the admin (expects 200). */
void set_mail(struct env *e, const char *username, const char *email, const char *notify);
/* The sorted, comma-joined recipients of the outbox rows of kind. */
const char *recipients(struct env *e, const char *kind);
/* The first message with this subject, or NULL. */
json_t *message_with_subject(json_t *messages, const char *subject);

#endif
