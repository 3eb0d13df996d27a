/*
 * Password jobs on the work pool (see passwd.h). The checks waiting or
 * running are bounded per worker ([auth] argon2_queue_max) and per client
 * address ([auth] argon2_queue_per_address): past either, 503 with
 * Retry-After, so that one address cannot keep the hashing threads for
 * itself and a flood cannot queue without end.
 */
#include "passwd.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrcount.h"
#include "app.h"
#include "request.h"
#include "work.h"

int passwd_init(struct app *app)
{
	const struct config *cfg = &app->cfg;
	char pw[33];
	unsigned char raw[16];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	return crypto_pwhash_str(app->dummy_hash, pw, strlen(pw),
				 (unsigned long long)cfg->argon2_ops,
				 (size_t)cfg->argon2_mem_kib * 1024U);
}

void passwd_job_free(struct pw_job *job)
{
	if (!job)
		return;
	sodium_memzero(job, sizeof *job);
	free(job);
}

struct pw_job *passwd_job(struct req *r)
{
	struct pw_job *job = calloc(1, sizeof *job);

	if (!job) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	passwd_job_free(r->pw);
	r->pw = job;
	job->r = r;
	job->ops = (unsigned long long)r->w->app->cfg.argon2_ops;
	job->mem = (size_t)r->w->app->cfg.argon2_mem_kib * 1024U;
	job->dummy = r->w->app->dummy_hash;
	return job;
}

static void job_work(void *arg)
{
	struct pw_job *job = arg;
	const char *against = job->stored[0] ? job->stored : job->dummy;
	bool check = job->password[0] != '\0';

	if (check) {
		int ok = crypto_pwhash_str_verify(against, job->password, strlen(job->password)) ==
			 0;
		job->verified = ok && job->stored[0];
	}
	if (job->new_password[0] && (!check || job->verified))
		job->hashed = crypto_pwhash_str(job->new_hash, job->new_password,
						strlen(job->new_password), job->ops, job->mem) == 0;
}

/* Counts a job in (delta 1) or out (-1) of the worker's queue. */
static void queue_count(struct req *r, int delta)
{
	r->w->pw_pending += delta;
	if (r->addr[0])
		(void)addrcount_add(&r->w->pw_waiting, r->addr, delta);
}

static void job_done(void *arg)
{
	struct pw_job *job = arg;

	queue_count(job->r, -1);
	job->done(job->r, job);
}

/* Whether the request may queue a password check; else answered 503. */
static bool queue_admits(struct req *r)
{
	const struct config *cfg = &r->w->app->cfg;
	int per_address = cfg->argon2_queue_per_address;

	if (r->w->pw_pending < cfg->argon2_queue_max &&
	    (per_address <= 0 || !r->addr[0] ||
	     addrcount_get(r->w->pw_waiting, r->addr) < per_address))
		return true;
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Retry-After", "1");
	req_problem(r, SVK_ERR_UNAVAILABLE,
		    "too many password checks are waiting; try again in a second");
	return false;
}

void passwd_run(struct req *r, struct pw_job *job, void (*done)(struct req *r, struct pw_job *job))
{
	job->done = done;
	if (!queue_admits(r))
		return;
	queue_count(r, 1);
	if (work_submit(r->w->app->work, r->w->base, job_work, job_done, job) != 0) {
		queue_count(r, -1);
		req_problem(r, SVK_ERR_UNAVAILABLE, "the server is shutting down");
	}
}
