/*
 * The daemon's state: one struct app made in main() and passed down, and
 * one struct worker per thread, each with its own event loop, listener
 * (SO_REUSEPORT), HTTP server and database pool. Nothing is shared between
 * workers but the app's read-mostly parts (config, TLS context, counters).
 */
#ifndef SVK_APP_H
#define SVK_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "auditkey.h"
#include "config.h"
#include "guard.h"
#include "log.h"

struct addrcount;
struct tls;
struct work_pool;
struct db_pool;
struct mailer;
struct event_base;
struct event;
struct evhttp;
struct evhttp_bound_socket;

struct app {
	struct config cfg;
	struct log log;
	struct tls *tls;
	struct work_pool *work;
	int nworkers;
	struct worker *workers;
	atomic_bool draining; /* SIGTERM seen: /readyz says 503 */
	size_t migrations_expected;
	char functions_expected[65]; /* admin_functions_checksum() */
	char dummy_hash[128];        /* see passwd_init() */
	struct audit_key audit_key;  /* [audit] signing_key, when set */
	/* counters for /metrics */
	atomic_ulong requests;
	atomic_ulong responses[6]; /* by status class 1xx..5xx */
	atomic_ulong latency_us_total;
	atomic_ulong connections_refused;
	atomic_ulong mail_sent;    /* notification mails accepted by the relay */
	atomic_ulong mail_retried; /* attempts that failed and will be retried */
	atomic_ulong mail_failed;  /* mails given up after 48 hours */
	struct mailer *mailer;     /* the sender thread (mail.h), NULL when off */
};

struct worker {
	struct app *app;
	int id;
	pthread_t thread;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct db_pool *db;
	struct event *stop_ev; /* made active by the main thread */
	struct event *drain_timer;
	int nconn;                    /* open connections */
	struct addrcount *peers;      /* open connections per address (guard.c) */
	struct addrcount *pw_waiting; /* password checks per address (passwd.c) */
	int pw_pending;               /* password checks submitted, not done */
	int inflight;                 /* requests read and not yet answered */
	bool stopping;
};

/* One TLS connection; lives as long as its SSL object (tls.c frees it). */
struct conn {
	struct worker *w;
	struct bufferevent *bev;
	struct event *deadline;       /* the next request must arrive by then */
	struct event *closed_ev;      /* peer hang-up or reset while a query runs */
	struct event *closed_only_ev; /* the same when data is pending */
	struct req *current;          /* request being answered */
	bool busy;                    /* counted in worker->inflight */
	bool refused;                 /* over a connection cap: answered 503, closed */
	struct guard guard;           /* the request heads as they arrive */
};

struct evhttp_request;

/* Called by request.c for every request it takes on: once the answer has
 * been written, the connection waits for its next request. */
void server_request_complete(struct evhttp_request *ereq, void *conn);

/* Runs the server until SIGTERM/SIGINT; returns the exit status. */
int server_run(struct app *app);

#endif
