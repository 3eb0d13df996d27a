/*
 * Authentication, the pipeline's stage after the body: the bearer token
 * becomes the actor (the user, their organisation and live memberships,
 * the input of the role policy), and with mutual TLS the certificate's
 * organisation must be the user's. Only the token's SHA-256 is looked up.
 */
#ifndef SVK_AUTH_H
#define SVK_AUTH_H

#include <stdbool.h>

#include "policy.h"

struct req;
struct login_outcome;
struct db_call;
struct db_result;

struct actor {
	char user_id[24];
	char username[POLICY_SLUG_MAX];
	char token_id[40];
	struct policy_actor p;
};

/* Called once the actor is known: with the result of the route's read
 * when one went out in the same round trip (NULL otherwise). */
typedef void (*auth_done_cb)(struct req *r, const struct db_result *read);

struct req_auth {
	bool authenticated;
	struct actor actor;
	char token_hash[65];
	auth_done_cb done;
	/* POST /v1/sessions: the user whose password is being checked, and
	 * whether their organisation differs from the client certificate's */
	char login_user_id[24];
	bool login_cert_mismatch;
	const struct login_outcome *login; /* how the login is answered */
	/* When set, answers an unknown, expired or revoked token instead of
	 * the 401 problem (the web's sign-in page). */
	void (*refused)(struct req *r);
};

/*
 * Authenticates the request from its Authorization header. When build_read
 * is given it builds the route's read after the token is hashed (it may
 * use it); a read it builds goes out in the same round trip as the token
 * lookup, and one it cannot build (-1) is left for done to answer. Answers
 * 401 (and 403 for a certificate of another organisation) itself;
 * otherwise calls done.
 */
void auth_start(struct req *r, int (*build_read)(struct req *r, struct db_call *call),
		auth_done_cb done);
/* The same with the token given (the web's session cookie), not read from
 * the Authorization header. */
void auth_start_token(struct req *r, const char *token,
		      int (*build_read)(struct req *r, struct db_call *call), auth_done_cb done);

#endif
