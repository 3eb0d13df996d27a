/*
 * The policy stage and its refusals: the route's action is checked against
 * the actor with the pure role policy (common/policy.c) before the
 * handler runs, and handlers check target-dependent rights with the same
 * req_allow. A refusal of a signed-in user is audited, then answered 403
 * with the sentence that names the missing right.
 */
#include <stdio.h>

#include "app.h"
#include "log.h"
#include "request.h"
#include "sql_names.h"

static void refusal_audited(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	req_problem(r, SVK_ERR_FORBIDDEN, r->refusal);
}

void req_forbidden(struct req *r, const char *reason)
{
	char what[600];
	const char *params[3];

	if (!r->auth.authenticated) {
		req_problem(r, SVK_ERR_FORBIDDEN, reason);
		return;
	}
	snprintf(r->refusal, sizeof r->refusal, "%s", reason);
	/* The route's pattern, not the path: the audit log is append-only,
	 * and a path may carry anything a client typed into it.
	 * A web page has no route: its path is one of the web's own (web.c). */
	snprintf(what, sizeof what, "%s %s", req_method_name(r->method),
		 r->route ? r->route->pattern : r->path);
	params[0] = r->auth.actor.user_id;
	params[1] = what;
	params[2] = r->refusal;
	req_db1(r, SQL_AUDIT_REFUSAL, 3, params, refusal_audited);
}

bool req_allow(struct req *r, enum policy_action action, const struct policy_target *target)
{
	const char *reason = NULL;

	if (policy_check(&r->auth.actor.p, action, target, &reason))
		return true;
	req_forbidden(r, reason ? reason : "forbidden");
	return false;
}
