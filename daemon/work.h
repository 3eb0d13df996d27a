/*
 * A few threads for work that must not run on an event loop: Argon2id
 * password hashing takes tens of milliseconds and 64 MiB by design. The
 * result comes back on the submitting worker's event loop.
 */
#ifndef SVK_WORK_H
#define SVK_WORK_H

struct event_base;
struct work_pool;

struct work_pool *work_pool_new(int nthreads);
/* Stops taking work, finishes what is queued, joins the threads. */
void work_pool_free(struct work_pool *pool);

/*
 * Runs fn(arg) on a pool thread, then done(arg) on base's loop. Returns 0,
 * or -1 (nothing will run) when out of memory or stopping.
 */
int work_submit(struct work_pool *pool, struct event_base *base, void (*fn)(void *),
		void (*done)(void *), void *arg);

#endif
