/*
 * The database pool of one worker: a few asynchronous libpq connections
 * driven by the worker's event loop. Nothing here blocks: connections are
 * made with PQconnectStart/PQconnectPoll, every named statement of sql/ is
 * prepared once per connection, and queries go out with
 * PQsendQueryPrepared in pipeline mode, so a batch of statements costs one
 * round trip and runs in one implicit transaction.
 *
 * A caller submits a batch and gets one callback with the results; the
 * results belong to the pool and are freed after the callback returns.
 * Past the connection wait queue's cap, or when no connection comes up in
 * time, the callback gets SVK_ERR_UNAVAILABLE.
 */
#ifndef SVK_DB_H
#define SVK_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct event_base;
struct db_pool;
struct db_op;
struct log;

#define DB_MAX_PARAMS 24
#define DB_MAX_BATCH 4

struct db_pool_config {
	const char *conninfo;
	int size;             /* connections in this pool */
	int queue_max;        /* waiting batches before 503 */
	int queue_timeout_ms; /* how long a batch may wait for a connection */
	int connect_timeout_ms;
	int statement_timeout_ms; /* every statement's limit (57014 → 503); 0: none */
};

/* One statement of a batch: a name from sql/queries and its parameters
 * (NULL = SQL NULL). The pool copies the parameters. */
struct db_call {
	const char *stmt;
	int nparams;
	const char *params[DB_MAX_PARAMS];
};

struct db_result {
	enum svk_err err;            /* SVK_OK when every statement succeeded */
	const char *sqlstate;        /* of the failing statement, or NULL */
	const char *message;         /* its primary message (for the log) */
	const char *detail;          /* its detail, or NULL */
	const char *column;          /* PG_DIAG_COLUMN_NAME, or NULL */
	int n;                       /* number of results */
	PGresult *res[DB_MAX_BATCH]; /* per statement; NULL when it did not run */
	struct db_op *open;          /* db_submit_open: the transaction is still open */
};

typedef void (*db_cb)(void *arg, const struct db_result *result);

/* Creates a pool on base and starts connecting. Returns NULL on no memory. */
struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_config *cfg,
			    struct log *log);
/* Closes every connection; pending callbacks are not called. */
void db_pool_free(struct db_pool *pool);

/*
 * Submits a batch of n (1..DB_MAX_BATCH) statements. cb is called exactly
 * once, later, from the event loop — unless the returned op is cancelled
 * first. Returns NULL only when out of memory (cb not called).
 */
struct db_op *db_submit(struct db_pool *pool, const struct db_call *calls, int n, db_cb cb,
			void *arg);

/*
 * Like db_submit, but when every statement succeeds the batch's
 * transaction stays open: the callback's result has .open set, and the
 * callback ends the transaction with db_op_end before it returns;
 * otherwise it is rolled back when the callback returns. Nothing else
 * runs on the connection meanwhile. A failure ends the batch as
 * db_submit's does (the transaction rolled back, .open NULL).
 */
struct db_op *db_submit_open(struct db_pool *pool, const struct db_call *calls, int n, db_cb cb,
			     void *arg);
/*
 * Runs calls (1..DB_MAX_BATCH) in the open transaction of a result's .open
 * and commits it: all of it, the first part too, or nothing. cb is called
 * as db_submit's, with the results of calls. Returns the op, or NULL when
 * the statements cannot be sent (then the transaction is rolled back when
 * the callback that got .open returns; cb is not called).
 */
struct db_op *db_op_end(struct db_op *open, const struct db_call *calls, int n, db_cb cb,
			void *arg);

/* Withdraws an op: a queued one is dropped, a running one is cancelled on
 * the server. Its callback will not be called. */
void db_op_cancel(struct db_op *op);

/* True when at least one connection is up and prepared. */
bool db_pool_ready(const struct db_pool *pool);

/* Counters for /metrics. */
struct db_stats {
	unsigned long queries;
	unsigned long errors;
	unsigned long unavailable;
	int connected;
	int queued;
};
void db_pool_stats(const struct db_pool *pool, struct db_stats *out);

/* Convenience readers for callbacks. */
static inline const char *db_get(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

#endif
