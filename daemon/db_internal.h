/*
 * The pool's internals, shared by db.c (connections and the pool) and
 * db_op.c (batches: submitting, queueing, finishing, cancelling). Nothing
 * outside these two files includes it.
 */
#ifndef SVK_DB_INTERNAL_H
#define SVK_DB_INTERNAL_H

#include <event2/event.h>
#include <stdbool.h>
#include <sys/queue.h>
#include <time.h>

#include "db.h"

struct log;

enum conn_state { C_DOWN, C_CONNECTING, C_PREPARING, C_IDLE, C_BUSY };

struct db_op {
	TAILQ_ENTRY(db_op) next;
	struct db_pool *pool;
	struct db_conn *conn; /* while running */
	struct event *timer;  /* while queued, or for a deferred failure */
	db_cb cb;
	void *arg;
	bool queued;
	bool open; /* db_submit_open: no sync after the statements... */
	bool held; /* ...and they succeeded: the transaction waits for db_op_end */
	int n;
	int cur; /* statement whose results are being read */
	struct {
		const char *stmt;
		bool prepare; /* its Prepare was sent just before it */
		int nparams;
		const char *params[DB_MAX_PARAMS];
	} calls[DB_MAX_BATCH];
	char *arena; /* copies of the parameters */
	struct db_result result;
};

struct db_conn {
	struct db_pool *pool;
	PGconn *pg;
	PGcancel *cancel;
	enum conn_state state;
	struct event *rev;   /* socket readable (persistent when up) */
	struct event *wev;   /* socket writable (one shot) */
	struct event *timer; /* reconnect backoff or connect deadline */
	struct db_op *op;
	int backoff_ms;
	int prepare_failures;
	bool *prepared; /* per named statement: prepared on this session */
};

TAILQ_HEAD(op_queue, db_op);

struct db_pool {
	struct event_base *base;
	struct log *log;
	struct db_pool_config cfg;
	char *conninfo;
	char options[64]; /* -c statement_timeout=…, after the conninfo's own */
	struct db_conn *conns;
	struct op_queue queue;
	int queued;
	struct timespec down_since; /* when the last connection went away */
	bool ever_up;
	struct db_stats stats;
};

/* db.c */
void db_conn_start(struct db_conn *c);
void db_conn_close(struct db_conn *c);
void db_conn_timer_cb(evutil_socket_t fd, short what, void *arg);
void db_conn_run(struct db_conn *c, struct db_op *op);
bool db_conn_end(struct db_conn *c, struct db_op *op, bool rollback);

/* db_pool.c */
long db_ms_since(const struct timespec *t);
int db_pool_connected(const struct db_pool *pool);
void db_pool_dispatch(struct db_pool *pool);

/* db_op.c */
void db_op_clear_results(struct db_op *op);
void db_op_free(struct db_op *op);
void db_op_finish(struct db_op *op);
void db_op_fail(struct db_op *op, enum svk_err err, const char *why);
void db_op_fail_later(struct db_op *op);
int db_op_set_calls(struct db_op *op, const struct db_call *calls, int n);

#endif
