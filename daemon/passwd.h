/*
 * Password work for handlers: Argon2id hashing and verification run on the
 * work pool (they take tens of milliseconds and 64 MiB by design) and the
 * handler continues on its event loop. The job belongs to the request
 * (its pw member), so it is freed with the request; passwords are wiped.
 */
#ifndef SVK_PASSWD_H
#define SVK_PASSWD_H

#include <sodium.h>
#include <stdbool.h>

struct req;
struct app;

#define AUTH_PASSWORD_MAX 1024

struct pw_job {
	struct req *r;
	char password[AUTH_PASSWORD_MAX + 1];     /* to verify or to hash */
	char stored[crypto_pwhash_STRBYTES];      /* hash to verify against ("" = none) */
	char new_password[AUTH_PASSWORD_MAX + 1]; /* to hash after verifying ("" = none) */
	char new_hash[crypto_pwhash_STRBYTES];
	bool verified;
	bool hashed;
	const char *dummy;
	unsigned long long ops;
	size_t mem;
	void (*done)(struct req *r, struct pw_job *job);
};

/* Makes the request's password job (r->pw); NULL after replying 500. */
struct pw_job *passwd_job(struct req *r);

/* Runs the job: verifies password against stored when stored is set (a
 * dummy hash otherwise, so an unknown user costs the same time), then
 * hashes new_password when set; calls done on the request's loop. */
void passwd_run(struct req *r, struct pw_job *job, void (*done)(struct req *r, struct pw_job *job));

/* Makes app->dummy_hash once at start-up: verifying against it when a user
 * does not exist keeps the answer's timing from telling which usernames
 * exist. 0 or -1. */
int passwd_init(struct app *app);

/* Wipes and frees a job (the pipeline's req_free). */
void passwd_job_free(struct pw_job *job);

#endif
