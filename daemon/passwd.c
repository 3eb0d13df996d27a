/*
 * Password jobs on the work pool (see passwd.h).
 */
#include "passwd.h"

#include <stdlib.h>
#include <string.h>

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

static void job_done(void *arg)
{
	struct pw_job *job = arg;

	job->done(job->r, job);
}

void passwd_run(struct req *r, struct pw_job *job, void (*done)(struct req *r, struct pw_job *job))
{
	job->done = done;
	if (work_submit(r->w->app->work, r->w->base, job_work, job_done, job) != 0)
		req_problem(r, SVK_ERR_UNAVAILABLE, "the server is shutting down");
}
