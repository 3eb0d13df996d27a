/*
 * The pool's batches (see db.h and db_internal.h): a batch copies its
 * parameters, runs at once on an idle connection or waits in the pool's
 * capped queue for one, and ends in exactly one callback (its results, or
 * a failure) unless it is cancelled first.
 */
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "log.h"

void db_op_clear_results(struct db_op *op)
{
	for (int i = 0; i < DB_MAX_BATCH; i++) {
		if (op->result.res[i]) {
			PQclear(op->result.res[i]);
			op->result.res[i] = NULL;
		}
	}
}

void db_op_free(struct db_op *op)
{
	if (!op)
		return;
	if (op->timer)
		event_free(op->timer);
	db_op_clear_results(op);
	free(op->arena);
	free(op);
}

/* Hands the result to the caller, then frees the op. */
void db_op_finish(struct db_op *op)
{
	db_cb cb = op->cb;

	if (op->result.err != SVK_OK) {
		op->pool->stats.errors++;
		if (op->result.err == SVK_ERR_UNAVAILABLE)
			op->pool->stats.unavailable++;
	}
	op->pool->stats.queries++;
	if (cb)
		cb(op->arg, &op->result);
	db_op_free(op);
}

void db_op_fail(struct db_op *op, enum svk_err err, const char *why)
{
	db_op_clear_results(op);
	op->result.err = err;
	op->result.sqlstate = NULL;
	op->result.message = why;
	op->result.column = NULL;
	op->result.detail = NULL;
	db_op_finish(op);
}

static void op_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_op *op = arg;
	struct db_pool *pool = op->pool;

	(void)fd;
	(void)what;
	if (op->queued) {
		TAILQ_REMOVE(&pool->queue, op, next);
		op->queued = false;
		pool->queued--;
		db_op_fail(op, SVK_ERR_UNAVAILABLE, "no database connection in time");
		return;
	}
	db_op_fail(op, SVK_ERR_UNAVAILABLE, "database unavailable");
}

/* Fails an op from the event loop rather than from inside db_submit. */
void db_op_fail_later(struct db_op *op)
{
	struct timeval now = { 0, 0 };

	op->timer = evtimer_new(op->pool->base, op_timer_cb, op);
	if (!op->timer || evtimer_add(op->timer, &now) != 0) {
		db_op_fail(op, SVK_ERR_UNAVAILABLE, "database unavailable");
		return;
	}
}

/* Copies the statements and their parameters into the op (its arena). */
int db_op_set_calls(struct db_op *op, const struct db_call *calls, int n)
{
	size_t total = 0, off = 0;
	char *arena;

	if (n < 0 || n > DB_MAX_BATCH)
		return -1;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < calls[i].nparams; j++)
			if (calls[i].params[j])
				total += strlen(calls[i].params[j]) + 1;
	arena = malloc(total ? total : 1);
	if (!arena)
		return -1;
	free(op->arena);
	op->arena = arena;
	memset(op->calls, 0, sizeof op->calls);
	for (int i = 0; i < n; i++) {
		op->calls[i].stmt = calls[i].stmt;
		op->calls[i].nparams = calls[i].nparams;
		for (int j = 0; j < calls[i].nparams && j < DB_MAX_PARAMS; j++) {
			const char *p = calls[i].params[j];
			if (!p)
				continue;
			size_t len = strlen(p) + 1;
			memcpy(op->arena + off, p, len);
			op->calls[i].params[j] = op->arena + off;
			off += len;
		}
	}
	op->n = n;
	return 0;
}

static struct db_op *op_new(struct db_pool *pool, const struct db_call *calls, int n, db_cb cb,
			    void *arg)
{
	struct db_op *op;

	if (n < 1 || n > DB_MAX_BATCH)
		return NULL;
	op = calloc(1, sizeof *op);
	if (!op)
		return NULL;
	if (db_op_set_calls(op, calls, n) != 0) {
		free(op);
		return NULL;
	}
	op->pool = pool;
	op->cb = cb;
	op->arg = arg;
	return op;
}

static struct db_op *submit(struct db_pool *pool, struct db_op *op)
{
	struct timeval tv;

	if (!op)
		return NULL;
	for (int i = 0; i < pool->cfg.size; i++) {
		if (pool->conns[i].state == C_IDLE) {
			db_conn_run(&pool->conns[i], op);
			return op;
		}
	}
	/* No idle connection: wait in the queue, unless it is full or the
	 * database has been gone for longer than a request may wait. */
	if (pool->queued >= pool->cfg.queue_max ||
	    (db_pool_connected(pool) == 0 &&
	     db_ms_since(&pool->down_since) >= pool->cfg.queue_timeout_ms)) {
		db_op_fail_later(op);
		return op;
	}
	op->timer = evtimer_new(pool->base, op_timer_cb, op);
	tv.tv_sec = pool->cfg.queue_timeout_ms / 1000;
	tv.tv_usec = (pool->cfg.queue_timeout_ms % 1000) * 1000;
	if (!op->timer || evtimer_add(op->timer, &tv) != 0) {
		db_op_free(op);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&pool->queue, op, next);
	op->queued = true;
	pool->queued++;
	return op;
}

struct db_op *db_submit(struct db_pool *pool, const struct db_call *calls, int n, db_cb cb,
			void *arg)
{
	return submit(pool, op_new(pool, calls, n, cb, arg));
}

struct db_op *db_submit_open(struct db_pool *pool, const struct db_call *calls, int n, db_cb cb,
			     void *arg)
{
	struct db_op *op = op_new(pool, calls, n, cb, arg);

	if (op)
		op->open = true;
	return submit(pool, op);
}

struct db_op *db_op_end(struct db_op *op, const struct db_call *calls, int n, db_cb cb, void *arg)
{
	if (!op || !op->held || !op->conn || n < 1 || db_op_set_calls(op, calls, n) != 0)
		return NULL;
	op->cb = cb;
	op->arg = arg;
	if (!db_conn_end(op->conn, op, false))
		return NULL;
	return op;
}

void db_op_cancel(struct db_op *op)
{
	struct db_pool *pool;

	if (!op)
		return;
	pool = op->pool;
	op->cb = NULL;
	if (op->queued) {
		TAILQ_REMOVE(&pool->queue, op, next);
		op->queued = false;
		pool->queued--;
		db_op_free(op);
		return;
	}
	if (op->conn && op->conn->cancel) {
		/* A cancel request is a short write to the server's socket; the
		 * batch's results are still drained before the connection is
		 * reused, and then dropped. */
		char err[256];
		if (PQcancel(op->conn->cancel, err, sizeof err) != 1)
			log_warn(pool->log, "msg=\"cannot cancel query\" error=\"%s\"", err);
	}
	/* A deferred failure (timer pending) frees itself without a callback. */
}
