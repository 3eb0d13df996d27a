/*
 * The asynchronous PostgreSQL pool of one worker (see db.h).
 *
 * Each connection is a small state machine driven by events on its socket:
 *
 *   DOWN --timer--> CONNECTING --PQconnectPoll ok--> PREPARING --sync--> IDLE
 *   IDLE --submit--> BUSY --PIPELINE_SYNC--> IDLE
 *
 * A named statement is prepared on a connection the first time a batch
 * uses it there: its Prepare goes just before it in the same pipeline, so
 * it costs no round trip, and a connection prepares only what it runs
 * (`samverkand migrate` prepares every one once, so a statement the schema
 * does not support fails the migration, not a request).
 *
 * An open batch (db_submit_open) is sent with a flush request instead of
 * the sync: its results come back while its transaction is still open,
 * and its end (db_conn_end: more statements and the sync, or a rollback)
 * keeps the connection BUSY until that sync.
 *   any --error--> DOWN (reconnect with backoff; a running batch gets 503)
 *
 * Connections stay in pipeline mode: a batch is its statements followed by
 * one sync, so it costs one round trip and runs as one implicit
 * transaction, and the sync result tells where the batch ends. The
 * batches themselves (submit, queue, finish, cancel) are in db_op.c, the
 * pool that holds the connections in db_pool.c.
 */
#include "db_internal.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "log.h"
#include "sqltext.h"

extern const struct sql_text svk_queries[];
extern const size_t svk_queries_count;

static void conn_io(evutil_socket_t fd, short what, void *arg);
static void conn_read(struct db_conn *c);

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

void db_conn_close(struct db_conn *c)
{
	conn_events_free(c);
	/* A new session has no prepared statements. */
	if (c->prepared)
		memset(c->prepared, 0, svk_queries_count * sizeof *c->prepared);
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
	db_conn_close(c);
	c->state = C_DOWN;
	c->op = NULL;
	if (was_up && db_pool_connected(pool) == 0)
		clock_gettime(CLOCK_MONOTONIC, &pool->down_since);
	c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : 100;
	if (c->backoff_ms > 2000)
		c->backoff_ms = 2000;
	conn_schedule(c, c->backoff_ms);
	if (op) {
		op->conn = NULL;
		db_op_fail(op, SVK_ERR_UNAVAILABLE, why);
	}
	/* With no connection left, queued work would only wait: fail it. */
	if (db_pool_connected(pool) == 0) {
		while (!TAILQ_EMPTY(&pool->queue)) {
			struct db_op *q = TAILQ_FIRST(&pool->queue);
			TAILQ_REMOVE(&pool->queue, q, next);
			q->queued = false;
			pool->queued--;
			if (q->timer) {
				event_free(q->timer);
				q->timer = NULL;
			}
			db_op_fail_later(q);
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

/* A notice goes to the log. The rollback of an open transaction
 * (db_conn_end) warns that it ended an implicit one: that is expected. */
static void conn_notice(void *arg, const PGresult *r)
{
	struct db_pool *pool = arg;
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

	log_msg(pool->log, state && strcmp(state, "25P01") == 0 ? LOG_DEBUG : LOG_WARN,
		"msg=\"database notice\" sqlstate=%s notice=\"%.200s\"", state ? state : "-",
		msg ? msg : "");
}

/* Connected: enter pipeline mode and sync once, which tells the session
 * is usable. */
static void conn_prepare(struct db_conn *c)
{
	struct db_pool *pool = c->pool;

	evtimer_del(c->timer);
	PQsetNoticeReceiver(c->pg, conn_notice, pool);
	c->cancel = PQgetCancel(c->pg);
	if (!c->cancel || PQsetnonblocking(c->pg, 1) != 0 || PQenterPipelineMode(c->pg) != 1 ||
	    conn_watch(c) != 0) {
		conn_down(c, "cannot set up connection");
		return;
	}
	if (PQpipelineSync(c->pg) != 1 || conn_flush(c) != 0) {
		conn_down(c, "cannot send sync");
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

void db_conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	(void)fd;
	(void)what;
	if (c->state == C_CONNECTING || c->state == C_PREPARING) {
		conn_down(c, "connect timed out");
		return;
	}
	if (c->state == C_DOWN)
		db_conn_start(c);
}

void db_conn_start(struct db_conn *c)
{
	/* The conninfo (a string or URI) is expanded first; options after it
	 * replace any it names. */
	const char *const keys[] = { "dbname", "options", NULL };
	const char *const values[] = { c->pool->conninfo, c->pool->options, NULL };

	c->pg = PQconnectStartParams(keys, values, 1);
	if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
		conn_down(c, "connect failed");
		return;
	}
	c->state = C_CONNECTING;
	conn_schedule(c, c->pool->cfg.connect_timeout_ms);
	conn_poll(c);
}

/* The index of a named statement in svk_queries, or -1. */
static int query_index(const char *name)
{
	for (size_t i = 0; i < svk_queries_count; i++)
		if (strcmp(svk_queries[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Sends call i of op, preceded by its Prepare when this session has not
 * prepared it yet; false when libpq cannot queue them. */
static bool conn_send_call(struct db_conn *c, struct db_op *op, int i)
{
	int q = query_index(op->calls[i].stmt);

	op->calls[i].prepare = false;
	if (q >= 0 && !c->prepared[q]) {
		if (PQsendPrepare(c->pg, svk_queries[q].name, svk_queries[q].text, 0, NULL) != 1)
			return false;
		/* Marked now, so that a second use in this batch does not
		 * prepare it again; unmarked if the Prepare does not succeed. */
		c->prepared[q] = true;
		op->calls[i].prepare = true;
	}
	return PQsendQueryPrepared(c->pg, op->calls[i].stmt, op->calls[i].nparams,
				   op->calls[i].params, NULL, NULL, 0) == 1;
}

/* Sends a batch on an idle connection. */
void db_conn_run(struct db_conn *c, struct db_op *op)
{
	c->op = op;
	op->conn = c;
	op->cur = 0;
	c->state = C_BUSY;
	for (int i = 0; i < op->n; i++) {
		if (!conn_send_call(c, op, i)) {
			conn_down(c, "cannot send query");
			return;
		}
	}
	/* An open batch asks only for its results: without the sync its
	 * transaction stays open (db_conn_end). */
	if ((op->open ? PQsendFlushRequest(c->pg) : PQpipelineSync(c->pg)) != 1 ||
	    conn_flush(c) != 0)
		conn_down(c, "cannot send query");
}

/* Ends the open transaction of op: its statements and the sync, which
 * commits; or a rollback (op's callback is then not called). False when
 * they cannot be sent: a rollback then takes the connection down; the
 * end of a transaction leaves it held (its callback not called), for the
 * rollback that follows. */
bool db_conn_end(struct db_conn *c, struct db_op *op, bool rollback)
{
	bool ok = true;

	op->held = false;
	op->cur = 0;
	if (rollback) {
		op->n = 0;
		op->cb = NULL;
	}
	for (int i = 0; ok && i < op->n; i++)
		ok = conn_send_call(c, op, i);
	if (ok && rollback)
		ok = PQsendQueryParams(c->pg, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0) == 1;
	if (ok)
		ok = PQpipelineSync(c->pg) == 1 && conn_flush(c) == 0;
	if (ok)
		return true;
	if (rollback) {
		conn_down(c, "cannot send query");
		return false;
	}
	op->held = true;
	op->cb = NULL;
	return false;
}

/* The statements of an open batch succeeded: the callback sees them with
 * the transaction open, and ends it; when it does not, it is rolled back. */
static void conn_deliver_open(struct db_conn *c)
{
	struct db_op *op = c->op;
	struct db_result res = op->result;
	db_cb cb = op->cb;

	op->open = false;
	op->held = true;
	op->cb = NULL;
	memset(&op->result, 0, sizeof op->result);
	res.n = op->n;
	res.open = op;
	if (cb)
		cb(op->arg, &res);
	for (int i = 0; i < DB_MAX_BATCH; i++)
		if (res.res[i])
			PQclear(res.res[i]);
	if (c->state == C_BUSY && c->op == op && op->held)
		db_conn_end(c, op, true);
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

/* Logs a statement of the running batch that was cancelled or timed out;
 * false when r is another error. */
static bool log_timeout(struct db_conn *c, const PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	if (!state || strcmp(state, "57014") != 0)
		return false;
	log_warn(c->pool->log,
		 "msg=\"statement cancelled or timed out\" statement=%s timeout_ms=%d",
		 c->op->calls[c->op->cur].stmt, c->pool->cfg.statement_timeout_ms);
	return true;
}

/* The result of the Prepare sent before the current statement. A failed
 * one fails the batch (the statements after it are not run). */
static void conn_prepare_result(struct db_conn *c, PGresult *r)
{
	struct db_op *op = c->op;
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK) {
		int q = query_index(op->calls[op->cur].stmt);
		if (q >= 0)
			c->prepared[q] = false;
	}
	/* Preparing waits for the locks of the tables it names, so it may
	 * time out like the statement itself. */
	if (st == PGRES_FATAL_ERROR && !log_timeout(c, r))
		log_error(c->pool->log,
			  "msg=\"cannot prepare statement\" statement=%s error=\"%.300s\"",
			  op->calls[op->cur].stmt, PQresultErrorMessage(r));
	if (st != PGRES_FATAL_ERROR || op->cur >= DB_MAX_BATCH || op->result.res[op->cur]) {
		PQclear(r);
		return;
	}
	/* The error's fields point into r, which stays with the batch (the
	 * statement after it is only aborted). */
	record_error(op, r);
	op->result.res[op->cur] = r;
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
	if (st == PGRES_PIPELINE_ABORTED || op->cur >= DB_MAX_BATCH || op->result.res[op->cur]) {
		PQclear(r);
		return false;
	}
	if (st == PGRES_FATAL_ERROR) {
		log_timeout(c, r);
		record_error(op, r);
	}
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
	db_op_finish(op);
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
			if (c->state != C_BUSY)
				continue;
			struct db_op *op = c->op;
			if (op->cur < op->n && op->calls[op->cur].prepare) {
				/* ...of the Prepare before it. */
				op->calls[op->cur].prepare = false;
				continue;
			}
			op->cur++;
			if (op->open && op->result.err != SVK_OK) {
				/* A failed open batch ends as any other. */
				op->open = false;
				if (PQpipelineSync(c->pg) != 1 || conn_flush(c) != 0) {
					conn_down(c, "cannot send sync");
					return;
				}
			} else if (op->open && op->cur == op->n) {
				conn_deliver_open(c);
			}
			continue;
		}
		if (c->state == C_PREPARING) {
			conn_prepared_result(c, r);
			if (c->state == C_IDLE)
				db_pool_dispatch(c->pool);
			continue;
		}
		if (c->op->cur < c->op->n && c->op->calls[c->op->cur].prepare) {
			conn_prepare_result(c, r);
			continue;
		}
		if (conn_take_result(c, r)) {
			struct db_pool *pool = c->pool;
			conn_batch_done(c);
			db_pool_dispatch(pool);
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
