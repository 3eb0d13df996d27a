/*
 * The asynchronous PostgreSQL pool of one worker (see db.h): its
 * connections (db.c), the queue of batches waiting for one (db_op.c), and
 * handing a waiting batch to an idle connection.
 */
#include "db_internal.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

extern const size_t svk_queries_count;

long db_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

int db_pool_connected(const struct db_pool *pool)
{
	int n = 0;

	for (int i = 0; i < pool->cfg.size; i++)
		if (pool->conns[i].state == C_IDLE || pool->conns[i].state == C_BUSY)
			n++;
	return n;
}

void db_pool_dispatch(struct db_pool *pool)
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
		db_conn_run(c, op);
	}
}

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_config *cfg,
			    struct log *log)
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
	snprintf(pool->options, sizeof pool->options, "-c statement_timeout=%d",
		 cfg->statement_timeout_ms > 0 ? cfg->statement_timeout_ms : 0);
	pool->conns = calloc((size_t)pool->cfg.size, sizeof *pool->conns);
	if (!pool->conninfo || !pool->conns)
		goto fail;
	for (int i = 0; i < pool->cfg.size; i++) {
		struct db_conn *c = &pool->conns[i];
		c->pool = pool;
		c->state = C_DOWN;
		c->timer = evtimer_new(base, db_conn_timer_cb, c);
		c->prepared = calloc(svk_queries_count ? svk_queries_count : 1,
				     sizeof *c->prepared);
		if (!c->timer || !c->prepared)
			goto fail;
	}
	for (int i = 0; i < pool->cfg.size; i++)
		db_conn_start(&pool->conns[i]);
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
		db_op_free(op);
	}
	for (int i = 0; pool->conns && i < pool->cfg.size; i++) {
		struct db_conn *c = &pool->conns[i];
		if (c->op)
			db_op_free(c->op);
		db_conn_close(c);
		if (c->timer)
			event_free(c->timer);
		free(c->prepared);
	}
	free(pool->conns);
	free(pool->conninfo);
	free(pool);
}

bool db_pool_ready(const struct db_pool *pool)
{
	return db_pool_connected(pool) > 0;
}

void db_pool_stats(const struct db_pool *pool, struct db_stats *out)
{
	*out = pool->stats;
	out->connected = db_pool_connected(pool);
	out->queued = pool->queued;
}
