/*
 * Authentication (see auth.h): Authorization: Bearer <token> → the actor.
 *
 * The token's shape and checksum are checked here; its hash is looked up
 * with auth_actor, which gives the user, the organisation and the live
 * memberships as one row. The route's read, if any, goes out in the same
 * pipelined round trip behind auth_require, which fails for a token that is
 * not live so that the read never runs for it, and is handed on only once
 * the actor is known.
 */
#include "auth.h"

#include <event2/http.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "request.h"
#include "sql_names.h"
#include "tls.h"
#include "token.h"

/* The actor from auth_actor's row; -1 when the memberships are unreadable. */
static int actor_from_row(struct actor *a, const PGresult *pr)
{
	json_t *ms, *m;
	json_error_t jerr;
	size_t i;

	memset(a, 0, sizeof *a);
	snprintf(a->user_id, sizeof a->user_id, "%s", PQgetvalue(pr, 0, 0));
	snprintf(a->username, sizeof a->username, "%s", PQgetvalue(pr, 0, 1));
	a->p.admin = strcmp(PQgetvalue(pr, 0, 2), "t") == 0;
	a->p.active = strcmp(PQgetvalue(pr, 0, 3), "t") == 0;
	snprintf(a->p.organisation, sizeof a->p.organisation, "%s", PQgetvalue(pr, 0, 4));
	a->p.organisation_party = strcmp(PQgetvalue(pr, 0, 5), "t") == 0;
	snprintf(a->token_id, sizeof a->token_id, "%s", PQgetvalue(pr, 0, 6));
	a->p.authenticated = true;
	ms = json_loads(PQgetvalue(pr, 0, 7), 0, &jerr);
	if (!ms || !json_is_array(ms)) {
		json_decref(ms);
		return -1;
	}
	json_array_foreach (ms, i, m) {
		struct policy_membership *pm;
		const char *group = NULL, *tier = NULL, *role = NULL, *mun = NULL;

		if (a->p.n_memberships >= POLICY_MAX_MEMBERSHIPS)
			break;
		/* municipality is null outside the arbetsgrupper. */
		if (json_unpack(m, "{s:s, s:s, s:s}", "group", &group, "tier", &tier, "role",
				&role) != 0)
			continue;
		mun = json_string_value(json_object_get(m, "municipality"));
		pm = &a->p.memberships[a->p.n_memberships++];
		snprintf(pm->group, sizeof pm->group, "%s", group);
		pm->tier = policy_tier_parse(tier);
		if (policy_role_parse(role, &pm->role) != 0)
			pm->role = ROLE_MEMBER;
		snprintf(pm->municipality, sizeof pm->municipality, "%s", mun ? mun : "");
	}
	json_decref(ms);
	return 0;
}

static void actor_loaded(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	struct db_result view;

	/* An error of the read is for the route to report, after this. */
	if (!pr || PQresultStatus(pr) != PGRES_TUPLES_OK) {
		req_reply_db_error(r, res);
		return;
	}
	if (PQntuples(pr) != 1) {
		if (r->auth.refused) {
			r->auth.refused(r);
			return;
		}
		req_problem(r, SVK_ERR_UNAUTHORIZED,
			    "the token is unknown, expired or revoked, or the user is disabled");
		return;
	}
	if (actor_from_row(&r->auth.actor, pr) != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the user's memberships");
		return;
	}
	r->auth.authenticated = true;
	if (tls_mutual(r->w->app->tls) && r->conn) {
		char org[POLICY_SLUG_MAX];
		if (tls_peer_organisation(r->conn->bev, org, sizeof org) != 0 ||
		    strcmp(org, r->auth.actor.p.organisation) != 0) {
			req_forbidden(r,
				      "the client certificate was issued to another organisation");
			return;
		}
	}
	if (res->n < 3) {
		r->auth.done(r, NULL);
		return;
	}
	/* The read's result, as if it had run alone. */
	view = *res;
	view.n = 1;
	view.res[0] = res->res[2];
	view.res[1] = view.res[2] = NULL;
	r->auth.done(r, &view);
}

void auth_start(struct req *r, int (*build_read)(struct req *r, struct db_call *call),
		auth_done_cb done)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
					   "Authorization");
	const char *tok;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
		req_problem(r, SVK_ERR_UNAUTHORIZED, "send Authorization: Bearer <token>");
		return;
	}
	tok = h + 7;
	while (*tok == ' ')
		tok++;
	auth_start_token(r, tok, build_read, done);
}

void auth_start_token(struct req *r, const char *tok,
		      int (*build_read)(struct req *r, struct db_call *call), auth_done_cb done)
{
	struct db_call calls[3] = { { .stmt = SQL_AUTH_ACTOR, .nparams = 1 },
				    { .stmt = SQL_AUTH_REQUIRE, .nparams = 1 } };

	r->auth.done = done;
	if (!token_well_formed(tok, strlen(tok)) ||
	    token_hash_hex(tok, strlen(tok), r->auth.token_hash, sizeof r->auth.token_hash) != 0) {
		if (r->auth.refused) {
			r->auth.refused(r);
			return;
		}
		req_problem(r, SVK_ERR_UNAUTHORIZED, "the token is malformed");
		return;
	}
	calls[0].params[0] = r->auth.token_hash;
	calls[1].params[0] = r->auth.token_hash;
	if (build_read && build_read(r, &calls[2]) == 0) {
		req_db(r, calls, 3, actor_loaded);
		return;
	}
	req_db(r, calls, 1, actor_loaded);
}
