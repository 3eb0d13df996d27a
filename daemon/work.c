/*
 * The blocking-work thread pool (see work.h): a mutex-protected queue and
 * a condition variable; completions are posted to the event loop with
 * event_base_once, which is thread-safe once evthread_use_pthreads() ran.
 */
#include "work.h"

#include <event2/event.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct work_item {
	struct work_item *next;
	struct event_base *base;
	void (*fn)(void *);
	void (*done)(void *);
	void *arg;
};

struct work_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct work_item *head, *tail;
	bool stopping;
	int nthreads;
	pthread_t *threads;
};

static void done_trampoline(evutil_socket_t fd, short what, void *arg)
{
	struct work_item *it = arg;

	(void)fd;
	(void)what;
	it->done(it->arg);
	free(it);
}

static void *work_main(void *arg)
{
	struct work_pool *pool = arg;

	for (;;) {
		struct work_item *it;
		struct timeval now = { 0, 0 };

		pthread_mutex_lock(&pool->lock);
		while (!pool->head && !pool->stopping)
			pthread_cond_wait(&pool->cond, &pool->lock);
		it = pool->head;
		if (it) {
			pool->head = it->next;
			if (!pool->head)
				pool->tail = NULL;
		}
		pthread_mutex_unlock(&pool->lock);
		if (!it)
			return NULL;
		it->fn(it->arg);
		if (event_base_once(it->base, -1, EV_TIMEOUT, done_trampoline, it, &now) != 0) {
			/* The loop is gone; still let the owner release its data. */
			it->done(it->arg);
			free(it);
		}
	}
}

struct work_pool *work_pool_new(int nthreads)
{
	struct work_pool *pool = calloc(1, sizeof *pool);

	if (!pool)
		return NULL;
	pool->threads = calloc((size_t)nthreads, sizeof *pool->threads);
	if (!pool->threads || pthread_mutex_init(&pool->lock, NULL) != 0) {
		free(pool->threads);
		free(pool);
		return NULL;
	}
	pthread_cond_init(&pool->cond, NULL);
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&pool->threads[i], NULL, work_main, pool) != 0)
			break;
		pool->nthreads++;
	}
	if (pool->nthreads == 0) {
		work_pool_free(pool);
		return NULL;
	}
	return pool;
}

void work_pool_free(struct work_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	pthread_cond_broadcast(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
	for (int i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	pthread_cond_destroy(&pool->cond);
	pthread_mutex_destroy(&pool->lock);
	free(pool->threads);
	free(pool);
}

int work_submit(struct work_pool *pool, struct event_base *base, void (*fn)(void *),
		void (*done)(void *), void *arg)
{
	struct work_item *it = calloc(1, sizeof *it);
	int rc = -1;

	if (!it)
		return -1;
	it->base = base;
	it->fn = fn;
	it->done = done;
	it->arg = arg;
	pthread_mutex_lock(&pool->lock);
	if (!pool->stopping) {
		if (pool->tail)
			pool->tail->next = it;
		else
			pool->head = it;
		pool->tail = it;
		pthread_cond_signal(&pool->cond);
		rc = 0;
	}
	pthread_mutex_unlock(&pool->lock);
	if (rc != 0)
		free(it);
	return rc;
}
