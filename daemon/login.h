/*
 * Signing in with a username and a password, shared by the API's POST
 * /v1/sessions and the web's POST /logga-in: the same throttling, Argon2id
 * check, certificate-to-organisation rule, session token and audit. Only
 * how the outcome is answered differs (struct login_outcome).
 */
#ifndef SVK_LOGIN_H
#define SVK_LOGIN_H

struct req;
struct db_result;

struct login_outcome {
	/* The refused login's audit entry names this ("POST /v1/sessions"). */
	const char *action;
	/* The session exists: res is session_create's result, token the new
	 * session token (shown once). */
	void (*created)(struct req *r, const struct db_result *res, const char *token);
	/* Wrong username or password (counted and audited already). */
	void (*failed)(struct req *r);
	/* Too many failures: retry_after seconds to wait. */
	void (*throttled)(struct req *r, const char *retry_after);
};

/* Starts the login of r->body's "username" and "password" (strings,
 * already checked); ends in one of out's functions or an error answer. */
void login_start(struct req *r, const struct login_outcome *out);

#endif
