/*
 * The machinery of test_races.c: a second daemon serving the same
 * database, and racers — two requests fired truly at once, each from its
 * own thread with its own libcurl handle and an already open TLS
 * connection, released together by a barrier.
 *
 * As in the harness, what these return belongs to the env (freed by
 * env_stop) and a helper that cannot do its job fails the test.
 */
#ifndef SVK_RACES_UTIL_H
#define SVK_RACES_UTIL_H

#include <curl/curl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "harness.h"

/* A second `samverkand serve` on the env's database and config. */
struct daemon2 {
	pid_t pid;
	int pidfd;
	int port_fd; /* holds the port (harness_reserve_port) */
	int port;
	char base_url[64];
	char log[PATH_MAX + 32];
};

/* One side of a race: its own handle (and so its own connections). */
struct racer {
	struct env *env; /* whose arena holds the answers */
	CURL *h;
	struct curl_slist *headers;
	pthread_barrier_t *barrier;
	char *buf;
	size_t len, cap;
	bool oom;
	CURLcode rc;
	long status;
	char error[CURL_ERROR_SIZE];
	struct timespec t0, t1;
	const char *body_text; /* the answer, env-owned, after the race */
	json_t *json;          /* the answer parsed (NULL: not JSON) */
	const char *what;      /* for messages: "polisen approves at daemon 2" */
	long want_port;        /* the daemon the request is for */
};

/* `samverkand serve` with the env's config on a port of its own (the
 * environment variable SAMVERKAND_SERVER_LISTEN); waits (bounded) for its
 * /readyz. Killed by env_stop if still running. */
struct daemon2 *daemon2_start(struct env *e);
/* SIGTERM; it must exit 0 in time (a sanitizer's report fails it). */
void daemon2_stop(struct daemon2 *d);

struct racer *racer_new(struct env *e);
/* Prepares the request (nothing is sent yet). body NULL: a POST without one. */
void racer_prepare(struct racer *r, const char *base, const char *method, const char *path,
		   const char *token, const char *body, const char *what);
/* One request from the test's own thread (warming a connection up). */
void racer_run(struct racer *r);
/* Fires a and b at once; true when the two requests overlapped in time as
 * the client saw them (for the log: the invariants hold either way). */
bool race(struct racer *a, struct racer *b);
/* The problem code of the answer ("" if none), a string field of it. */
const char *racer_code(const struct racer *r);
const char *racer_str(const struct racer *r, const char *key);

#endif
