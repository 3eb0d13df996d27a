/*
 * The asynchronous PostgreSQL pool of one worker (see db.h).
 *
 * Each connection is a small state machine driven by events on its socket:
 *
 *   DOWN --timer--> CONNECTING --PQconnectPoll ok--> PREPARING --sync--> IDLE
 *   IDLE --submit--> BUSY --PIPELINE_SYNC--> IDLE
 *   any --error--> DOWN (reconnect with backoff; a running batch gets 503)
 *
 * Connections stay in pipeline mode: a batch is its statements followed by
 * one sync, so it costs one round trip and runs as one implicit
 * transaction, and the sync result tells where the batch ends.
 */
#include "db.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "log.h"
#include "sqltext.h"

extern const struct sql_text svk_queries[];
extern const size_t svk_queries_count;

enum conn_state { C_DOWN, C_CONNECTING, C_PREPARING, C_IDLE, C_BUSY };

struct db_op {
	TAILQ_ENTRY(db_op) next;
	struct db_pool *pool;
	struct db_conn *conn;     /* while running */
	struct event *timer;      /* while queued, or for a deferred failure */
	db_cb cb;
	void *arg;
	bool queued;
	int n;
	int cur;                  /* statement whose results are being read */
	struct {
		const char *stmt;
		int nparams;
		const char *params[DB_MAX_PARAMS];
	} calls[DB_MAX_BATCH];
	char *arena;              /* copies of the parameters */
	struct db_result result;
};

struct db_conn {
	struct db_pool *pool;
	PGconn *pg;
	PGcancel *cancel;
	enum conn_state state;
	struct event *rev;        /* socket readable (persistent when up) */
	struct event *wev;        /* socket writable (one shot) */
	struct event *timer;      /* reconnect backoff or connect deadline */
	struct db_op *op;
	int backoff_ms;
	int prepare_failures;
};

TAILQ_HEAD(op_queue, db_op);

struct db_pool {
	struct event_base *base;
	struct log *log;
	struct db_pool_config cfg;
	char *conninfo;
	struct db_conn *conns;
	struct op_queue queue;
	int queued;
	struct timespec down_since; /* when the last connection went away */
	bool ever_up;
	struct db_stats stats;
};

static void conn_start(struct db_conn *c);
static void conn_io(evutil_socket_t fd, short what, void *arg);
static void conn_read(struct db_conn *c);
static void pool_dispatch(struct db_pool *pool);

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static int pool_connected(const struct db_pool *pool)
{
	int n = 0;

	for (int i = 0; i < pool->cfg.size; i++)
		if (pool->conns[i].state == C_IDLE || pool->conns[i].state == C_BUSY)
			n++;
	return n;
}

/* ---- ops ---------------------------------------------------------------- */

static void op_clear_results(struct db_op *op)
{
	for (int i = 0; i < DB_MAX_BATCH; i++) {
		if (op->result.res[i]) {
			PQclear(op->result.res[i]);
			op->result.res[i] = NULL;
		}
	}
}

static void op_free(struct db_op *op)
{
	if (!op)
		return;
	if (op->timer)
		event_free(op->timer);
	op_clear_results(op);
	free(op->arena);
	free(op);
}

/* Hands the result to the caller, then frees the op. */
static void op_finish(struct db_op *op)
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
	op_free(op);
}

static void op_fail(struct db_op *op, enum svk_err err, const char *why)
{
	op_clear_results(op);
	op->result.err = err;
	op->result.sqlstate = NULL;
	op->result.message = why;
	op->result.column = NULL;
	op->result.detail = NULL;
	op_finish(op);
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
		op_fail(op, SVK_ERR_UNAVAILABLE, "no database connection in time");
		return;
	}
	op_fail(op, SVK_ERR_UNAVAILABLE, "database unavailable");
}

/* Fails an op from the event loop rather than from inside db_submit. */
static void op_fail_later(struct db_op *op)
{
	struct timeval now = { 0, 0 };

	op->timer = evtimer_new(op->pool->base, op_timer_cb, op);
	if (!op->timer || evtimer_add(op->timer, &now) != 0) {
		op_fail(op, SVK_ERR_UNAVAILABLE, "database unavailable");
		return;
	}
}

/* ---- connections -------------------------------------------------------- */

static void conn_events_free(struct db_conn *c)
{
	if (c->rev) {
		event_free(c->rev);
		c->rev = NULL;
	}
	if (c->wev) {
		event_free(c->wev);
		c->wev = NULL;
	}
}

static void conn_close(struct db_conn *c)
{
	conn_events_free(c);
	if (c->cancel) {
		PQfreeCancel(c->cancel);
		c->cancel = NULL;
	}
	if (c->pg) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
}

static void conn_schedule(struct db_conn *c, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_del(c->timer);
	evtimer_add(c->timer, &tv);
}

/* The connection is lost: fail what ran on it and try again later. */
static void conn_down(struct db_conn *c, const char *why)
{
	struct db_pool *pool = c->pool;
	struct db_op *op = c->op;
	bool was_up = c->state == C_IDLE || c->state == C_BUSY;

	if (c->pg)
		log_warn(pool->log, "msg=\"database connection lost\" reason=\"%s\" pg=\"%.200s\"",
			 why, PQerrorMessage(c->pg));
	conn_close(c);
	c->state = C_DOWN;
	c->op = NULL;
	if (was_up && pool_connected(pool) == 0)
		clock_gettime(CLOCK_MONOTONIC, &pool->down_since);
	c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : 100;
	if (c->backoff_ms > 2000)
		c->backoff_ms = 2000;
	conn_schedule(c, c->backoff_ms);
	if (op) {
		op->conn = NULL;
		op_fail(op, SVK_ERR_UNAVAILABLE, why);
	}
	/* With no connection left, queued work would only wait: fail it. */
	if (pool_connected(pool) == 0) {
		while (!TAILQ_EMPTY(&pool->queue)) {
			struct db_op *q = TAILQ_FIRST(&pool->queue);
			TAILQ_REMOVE(&pool->queue, q, next);
			q->queued = false;
			pool->queued--;
			if (q->timer) {
				event_free(q->timer);
				q->timer = NULL;
			}
			op_fail_later(q);
		}
	}
}

static int conn_flush(struct db_conn *c)
{
	int r = PQflush(c->pg);

	if (r < 0)
		return -1;
	if (r > 0 && !event_pending(c->wev, EV_WRITE, NULL))
		event_add(c->wev, NULL);
	return 0;
}

static int conn_watch(struct db_conn *c)
{
	int fd = PQsocket(c->pg);

	conn_events_free(c);
	if (fd < 0)
		return -1;
	c->rev = event_new(c->pool->base, fd, EV_READ | EV_PERSIST, conn_io, c);
	c->wev = event_new(c->pool->base, fd, EV_WRITE, conn_io, c);
	if (!c->rev || !c->wev || event_add(c->rev, NULL) != 0)
		return -1;
	return 0;
}

/* Connected: enter pipeline mode and prepare every named statement. */
static void conn_prepare(struct db_conn *c)
{
	struct db_pool *pool = c->pool;

	evtimer_del(c->timer);
	c->cancel = PQgetCancel(c->pg);
	if (!c->cancel || PQsetnonblocking(c->pg, 1) != 0 ||
	    PQenterPipelineMode(c->pg) != 1 || conn_watch(c) != 0) {
		conn_down(c, "cannot set up connection");
		return;
	}
	for (size_t i = 0; i < svk_queries_count; i++) {
		if (PQsendPrepare(c->pg, svk_queries[i].name, svk_queries[i].text,
				  0, NULL) != 1) {
			conn_down(c, "cannot send prepare");
			return;
		}
	}
	if (PQpipelineSync(c->pg) != 1 || conn_flush(c) != 0) {
		conn_down(c, "cannot send prepare");
		return;
	}
	c->state = C_PREPARING;
	c->prepare_failures = 0;
	(void)pool;
}

static void conn_poll(struct db_conn *c)
{
	PostgresPollingStatusType st = PQconnectPoll(c->pg);
	int fd = PQsocket(c->pg);
	short what;

	switch (st) {
	case PGRES_POLLING_OK:
		conn_prepare(c);
		return;
	case PGRES_POLLING_FAILED:
		conn_down(c, "connect failed");
		return;
	case PGRES_POLLING_READING:
		what = EV_READ;
		break;
	default:
		what = EV_WRITE;
		break;
	}
	conn_events_free(c);
	c->rev = event_new(c->pool->base, fd, what, conn_io, c);
	if (!c->rev || event_add(c->rev, NULL) != 0)
		conn_down(c, "cannot watch socket");
}

static void conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	(void)fd;
	(void)what;
	if (c->state == C_CONNECTING || c->state == C_PREPARING) {
		conn_down(c, "connect timed out");
		return;
	}
	if (c->state == C_DOWN)
		conn_start(c);
}

static void conn_start(struct db_conn *c)
{
	c->pg = PQconnectStart(c->pool->conninfo);
	if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
		conn_down(c, "connect failed");
		return;
	}
	c->state = C_CONNECTING;
	conn_schedule(c, c->pool->cfg.connect_timeout_ms);
	conn_poll(c);
}

/* Sends a batch on an idle connection. */
static void conn_run(struct db_conn *c, struct db_op *op)
{
	c->op = op;
	op->conn = c;
	op->cur = 0;
	c->state = C_BUSY;
	for (int i = 0; i < op->n; i++) {
		if (PQsendQueryPrepared(c->pg, op->calls[i].stmt, op->calls[i].nparams,
					op->calls[i].params, NULL, NULL, 0) != 1) {
			conn_down(c, "cannot send query");
			return;
		}
	}
	if (PQpipelineSync(c->pg) != 1 || conn_flush(c) != 0)
		conn_down(c, "cannot send query");
}

static void record_error(struct db_op *op, PGresult *r)
{
	if (op->result.err != SVK_OK)
		return;
	op->result.sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	op->result.message = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	op->result.detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	op->result.column = PQresultErrorField(r, PG_DIAG_COLUMN_NAME);
	op->result.err = svk_err_from_sqlstate(op->result.sqlstate);
}

/* One result of a running batch; returns true when the batch is complete. */
static bool conn_take_result(struct db_conn *c, PGresult *r)
{
	struct db_op *op = c->op;
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_PIPELINE_SYNC) {
		PQclear(r);
		return true;
	}
	if (st == PGRES_PIPELINE_ABORTED || op->cur >= DB_MAX_BATCH ||
	    op->result.res[op->cur]) {
		PQclear(r);
		return false;
	}
	if (st == PGRES_FATAL_ERROR)
		record_error(op, r);
	op->result.res[op->cur] = r;
	return false;
}

static void conn_batch_done(struct db_conn *c)
{
	struct db_op *op = c->op;

	c->op = NULL;
	c->state = C_IDLE;
	op->conn = NULL;
	op->result.n = op->n;
	op_finish(op);
}

static void conn_prepared_result(struct db_conn *c, PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_FATAL_ERROR) {
		c->prepare_failures++;
		log_error(c->pool->log, "msg=\"cannot prepare statement\" error=\"%.300s\"",
			  PQresultErrorMessage(r));
	}
	if (st == PGRES_PIPELINE_SYNC) {
		c->state = C_IDLE;
		c->backoff_ms = 0;
		c->pool->ever_up = true;
	}
	PQclear(r);
}

static void conn_read(struct db_conn *c)
{
	if (PQconsumeInput(c->pg) != 1) {
		conn_down(c, "read failed");
		return;
	}
	for (;;) {
		PGresult *r;

		if (c->state != C_BUSY && c->state != C_PREPARING) {
			PGnotify *n;
			while ((n = PQnotifies(c->pg)) != NULL)
				PQfreemem(n);
			return;
		}
		if (PQisBusy(c->pg))
			return;
		r = PQgetResult(c->pg);
		if (!r) {
			/* End of one statement's results. */
			if (c->state == C_BUSY)
				c->op->cur++;
			continue;
		}
		if (c->state == C_PREPARING) {
			conn_prepared_result(c, r);
			if (c->state == C_IDLE)
				pool_dispatch(c->pool);
			continue;
		}
		if (conn_take_result(c, r)) {
			struct db_pool *pool = c->pool;
			conn_batch_done(c);
			pool_dispatch(pool);
		}
	}
}

static void conn_io(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	(void)fd;
	if (c->state == C_CONNECTING) {
		conn_poll(c);
		return;
	}
	if ((what & EV_WRITE) && conn_flush(c) != 0) {
		conn_down(c, "write failed");
		return;
	}
	if (what & EV_READ)
		conn_read(c);
}

/* ---- pool --------------------------------------------------------------- */

static void pool_dispatch(struct db_pool *pool)
{
	for (int i = 0; i < pool->cfg.size && !TAILQ_EMPTY(&pool->queue); i++) {
		struct db_conn *c = &pool->conns[i];
		struct db_op *op;

		if (c->state != C_IDLE)
			continue;
		op = TAILQ_FIRST(&pool->queue);
		TAILQ_REMOVE(&pool->queue, op, next);
		op->queued = false;
		pool->queued--;
		if (op->timer) {
			event_free(op->timer);
			op->timer = NULL;
		}
		conn_run(c, op);
	}
}

struct db_pool *db_pool_new(struct event_base *base,
			    const struct db_pool_config *cfg, struct log *log)
{
	struct db_pool *pool = calloc(1, sizeof *pool);

	if (!pool)
		return NULL;
	pool->base = base;
	pool->log = log;
	pool->cfg = *cfg;
	if (pool->cfg.size < 1)
		pool->cfg.size = 1;
	TAILQ_INIT(&pool->queue);
	clock_gettime(CLOCK_MONOTONIC, &pool->down_since);
	pool->conninfo = strdup(cfg->conninfo);
	pool->conns = calloc((size_t)pool->cfg.size, sizeof *pool->conns);
	if (!pool->conninfo || !pool->conns)
		goto fail;
	for (int i = 0; i < pool->cfg.size; i++) {
		struct db_conn *c = &pool->conns[i];
		c->pool = pool;
		c->state = C_DOWN;
		c->timer = evtimer_new(base, conn_timer_cb, c);
		if (!c->timer)
			goto fail;
	}
	for (int i = 0; i < pool->cfg.size; i++)
		conn_start(&pool->conns[i]);
	return pool;
fail:
	db_pool_free(pool);
	return NULL;
}

void db_pool_free(struct db_pool *pool)
{
	if (!pool)
		return;
	while (!TAILQ_EMPTY(&pool->queue)) {
		struct db_op *op = TAILQ_FIRST(&pool->queue);
		TAILQ_REMOVE(&pool->queue, op, next);
		op_free(op);
	}
	for (int i = 0; pool->conns && i < pool->cfg.size; i++) {
		struct db_conn *c = &pool->conns[i];
		if (c->op)
			op_free(c->op);
		conn_close(c);
		if (c->timer)
			event_free(c->timer);
	}
	free(pool->conns);
	free(pool->conninfo);
	free(pool);
}

static struct db_op *op_new(struct db_pool *pool, const struct db_call *calls,
			    int n, db_cb cb, void *arg)
{
	struct db_op *op;
	size_t total = 0, off = 0;

	if (n < 1 || n > DB_MAX_BATCH)
		return NULL;
	op = calloc(1, sizeof *op);
	if (!op)
		return NULL;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < calls[i].nparams; j++)
			if (calls[i].params[j])
				total += strlen(calls[i].params[j]) + 1;
	op->arena = malloc(total ? total : 1);
	if (!op->arena) {
		free(op);
		return NULL;
	}
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
	op->pool = pool;
	op->cb = cb;
	op->arg = arg;
	op->n = n;
	return op;
}

struct db_op *db_submit(struct db_pool *pool, const struct db_call *calls,
			int n, db_cb cb, void *arg)
{
	struct db_op *op = op_new(pool, calls, n, cb, arg);
	struct timeval tv;

	if (!op)
		return NULL;
	for (int i = 0; i < pool->cfg.size; i++) {
		if (pool->conns[i].state == C_IDLE) {
			conn_run(&pool->conns[i], op);
			return op;
		}
	}
	/* No idle connection: wait in the queue, unless it is full or the
	 * database has been gone for longer than a request may wait. */
	if (pool->queued >= pool->cfg.queue_max ||
	    (pool_connected(pool) == 0 &&
	     ms_since(&pool->down_since) >= pool->cfg.queue_timeout_ms)) {
		op_fail_later(op);
		return op;
	}
	op->timer = evtimer_new(pool->base, op_timer_cb, op);
	tv.tv_sec = pool->cfg.queue_timeout_ms / 1000;
	tv.tv_usec = (pool->cfg.queue_timeout_ms % 1000) * 1000;
	if (!op->timer || evtimer_add(op->timer, &tv) != 0) {
		op_free(op);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&pool->queue, op, next);
	op->queued = true;
	pool->queued++;
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
		op_free(op);
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

bool db_pool_ready(const struct db_pool *pool)
{
	return pool_connected(pool) > 0;
}

void db_pool_stats(const struct db_pool *pool, struct db_stats *out)
{
	*out = pool->stats;
	out->connected = pool_connected(pool);
	out->queued = pool->queued;
}
