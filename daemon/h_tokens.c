/*
 * Revoking one script token: DELETE /v1/me/tokens/{id} (one's own) and
 * DELETE /v1/users/{username}/tokens/{id} (an admin, anyone's). The lists
 * and single tokens are declarative reads (routes.c). Someone else's
 * token is 404 like one that does not exist: the answer does not say
 * whether it does.
 */
#include "request.h"
#include "routes.h"
#include "sql_names.h"

#define NO_TOKEN "no such token"

static void token_revoked(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	req_reply_empty(r, 204);
}

static void revoke(struct req *r, const char *owner, int id_param)
{
	const char *id = req_uuid_param(r, id_param, NO_TOKEN);

	if (!id) {
		req_problem_query(r);
		return;
	}
	const char *p[3] = { r->auth.actor.user_id, owner, id };
	req_write1(r, SQL_TOKEN_REVOKE, 3, p, token_revoked);
}

void h_token_revoke(struct req *r)
{
	revoke(r, NULL, 0);
}

void h_user_token_revoke(struct req *r)
{
	revoke(r, req_param(r, 0), 1);
}
