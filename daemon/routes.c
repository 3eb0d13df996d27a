/*
 * The route table. Generic checks (authentication, body, the policy action
 * in the fifth column) run in the pipeline before the handler; handlers
 * check only what depends on the target (the group, the organisation).
 *
 * A read names its statement and parameters instead of a handler (read.h):
 * one builder checks the parameters and one reply answers the row. The
 * statement names are the SQL_* constants that the build generates from
 * sql/queries/ (sql_names.h), so a misspelt name does not compile.
 */
#include "routes.h"

#include "policy.h"
#include "read.h"
#include "sql_names.h"
#include "vocab.h"

/* A read's parameters, one line each. */
/* clang-format off */
#define READ(stmt_, not_found_, ...) \
	(&(const struct read_spec){ .stmt = (stmt_), .not_found = (not_found_), \
				    .args = { __VA_ARGS__ } })
#define READ_WITH(reply_, stmt_, not_found_, ...) \
	(&(const struct read_spec){ .stmt = (stmt_), .not_found = (not_found_), \
				    .reply = (reply_), .args = { __VA_ARGS__ } })
#define END { RA_END, NULL, 0, NULL }
#define PATH(i) { RA_PATH, NULL, (i), NULL }
#define PATH_ID(i) { RA_PATH_UUID, NULL, (i), NULL }
#define PATH_INT(i) { RA_PATH_INT, NULL, (i), NULL }
#define LIMIT { RA_LIMIT, "limit", 0, NULL }
#define CURSOR { RA_CURSOR, "cursor", 0, NULL }
#define CURSOR_SEQ { RA_CURSOR_SEQ, "cursor", 0, NULL }
#define CURSOR_TS { RA_CURSOR_TS, "cursor", 0, NULL }
#define Q_TEXT(n) { RA_TEXT, (n), 0, NULL }
#define Q_SLUG(n) { RA_SLUG, (n), 0, NULL }
#define Q_ID(n) { RA_UUID, (n), 0, NULL }
#define Q_DATE(n) { RA_DATE, (n), 0, NULL }
#define Q_BOOL(n) { RA_BOOL, (n), 0, NULL }
#define Q_ENUM(n, c) { RA_ENUM, (n), 0, (c) }
#define TOKEN { RA_TOKEN, NULL, 0, NULL }
/* clang-format on */

/* The plan as JSON, or as Brå's CSV with Accept: text/csv. */
static const struct read_spec plan_read = {
	.stmt = SQL_PLAN_GET,
	.csv_stmt = SQL_PLAN_EXPORT,
	.not_found = "no such action plan",
	.reply = h_plan_got,
	.args = { PATH_ID(0) },
};

/* An adopted version of a plan, as JSON or as Brå's CSV. */
static const struct read_spec plan_version_read = {
	.stmt = SQL_PLAN_VERSION_GET,
	.csv_stmt = SQL_PLAN_VERSION_EXPORT,
	.not_found = "no such version of the action plan",
	.reply = h_plan_version_got,
	.args = { PATH_ID(0), PATH_INT(1) },
};

/* One route a row. */
/* clang-format off */
const struct route svk_routes[] = {
	{ M_GET, "/livez", h_livez, ROUTE_PUBLIC, ACT_NONE, NULL },
	{ M_GET, "/readyz", h_readyz, ROUTE_PUBLIC, ACT_NONE, NULL },
	{ M_GET, "/metrics", h_metrics, ROUTE_PUBLIC | ROUTE_LOCAL, ACT_NONE, NULL },
	{ M_GET, "/openapi.json", h_openapi, ROUTE_PUBLIC, ACT_NONE, NULL },

	{ M_POST, "/v1/sessions", h_session_create, ROUTE_PUBLIC | ROUTE_BODY | ROUTE_SECRET, ACT_NONE, NULL },
	{ M_DELETE, "/v1/sessions/current", h_session_delete, 0, ACT_NONE, NULL },
	{ M_GET, "/v1/me", NULL, 0, ACT_NONE,
	  READ_WITH(h_me_loaded, SQL_ME, "the user no longer exists", TOKEN) },
	{ M_PATCH, "/v1/me", h_me_patch, ROUTE_BODY, ACT_NONE, NULL },
	{ M_GET, "/v1/me/notifications", NULL, 0, ACT_NONE,
	  READ(SQL_NOTIFICATION_LIST, NULL, TOKEN, LIMIT, CURSOR_SEQ) },
	{ M_POST, "/v1/me/tokens", h_token_create, ROUTE_BODY, ACT_NONE, NULL },
	{ M_GET, "/v1/me/tokens", NULL, 0, ACT_NONE, READ(SQL_TOKEN_LIST, NULL, TOKEN) },
	{ M_GET, "/v1/me/tokens/{}", NULL, 0, ACT_NONE,
	  READ(SQL_TOKEN_GET, "no such token", TOKEN, PATH_ID(0)) },
	{ M_DELETE, "/v1/me/tokens/{}", h_token_revoke, 0, ACT_NONE, NULL },

	{ M_GET, "/v1/organisations", NULL, 0, ACT_READ_DIRECTORY,
	  READ(SQL_ORG_LIST, NULL, LIMIT, CURSOR) },
	{ M_POST, "/v1/organisations", h_org_create, ROUTE_BODY, ACT_ADMIN, NULL },
	{ M_GET, "/v1/organisations/{}", NULL, ROUTE_ETAG, ACT_READ_DIRECTORY,
	  READ(SQL_ORG_GET, "no such organisation", PATH(0)) },

	{ M_GET, "/v1/users", NULL, 0, ACT_READ_DIRECTORY,
	  READ(SQL_USER_LIST, NULL, LIMIT, CURSOR, Q_TEXT("organisation")) },
	{ M_POST, "/v1/users", h_user_create, ROUTE_BODY | ROUTE_SECRET, ACT_ADMIN, NULL },
	{ M_GET, "/v1/users/{}", NULL, ROUTE_ETAG, ACT_READ_DIRECTORY,
	  READ(SQL_USER_GET, "no such user", PATH(0)) },
	{ M_PATCH, "/v1/users/{}", h_user_patch, ROUTE_BODY | ROUTE_ETAG, ACT_ADMIN, NULL },
	{ M_POST, "/v1/users/{}/password", h_user_password, ROUTE_BODY | ROUTE_SECRET, ACT_NONE, NULL },
	{ M_GET, "/v1/users/{}/tokens", NULL, 0, ACT_ADMIN,
	  READ(SQL_USER_TOKEN_LIST, "no such user", PATH(0)) },
	{ M_GET, "/v1/users/{}/tokens/{}", NULL, 0, ACT_ADMIN,
	  READ(SQL_USER_TOKEN_GET, "no such token", PATH(0), PATH_ID(1)) },
	{ M_DELETE, "/v1/users/{}/tokens/{}", h_user_token_revoke, 0, ACT_ADMIN, NULL },

	{ M_GET, "/v1/groups", NULL, 0, ACT_READ_DIRECTORY,
	  READ(SQL_GROUP_LIST, NULL, LIMIT, CURSOR) },
	{ M_POST, "/v1/groups", h_group_create, ROUTE_BODY, ACT_ADMIN, NULL },
	{ M_GET, "/v1/groups/{}", NULL, ROUTE_ETAG, ACT_READ_DIRECTORY,
	  READ(SQL_GROUP_GET, "no such group", PATH(0)) },
	{ M_GET, "/v1/groups/{}/members", NULL, 0, ACT_READ_DIRECTORY,
	  READ(SQL_GROUP_MEMBERS, "no such group", PATH(0)) },
	{ M_PUT, "/v1/groups/{}/members/{}", h_member_put, ROUTE_BODY, ACT_NONE, NULL },
	{ M_DELETE, "/v1/groups/{}/members/{}", h_member_delete, 0, ACT_NONE, NULL },

	{ M_GET, "/v1/agreements", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_AGREEMENT_LIST, NULL, LIMIT, CURSOR_SEQ) },
	{ M_POST, "/v1/agreements", h_agreement_create, ROUTE_BODY, ACT_ADMIN, NULL },
	{ M_GET, "/v1/agreements/{}", NULL, ROUTE_ETAG, ACT_READ_SHARED,
	  READ(SQL_AGREEMENT_GET, "no such agreement", PATH_ID(0)) },
	{ M_GET, "/v1/agreements/{}/focus-areas", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_FOCUS_AREA_LIST, "no such agreement", PATH_ID(0)) },
	{ M_POST, "/v1/agreements/{}/focus-areas", h_focus_area_create, ROUTE_BODY, ACT_EDIT_PLANS, NULL },

	{ M_GET, "/v1/action-plans", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_PLAN_LIST, NULL, LIMIT, CURSOR_SEQ, Q_ID("agreement"), Q_TEXT("municipality")) },
	{ M_POST, "/v1/action-plans", h_plan_create, ROUTE_BODY, ACT_EDIT_PLANS, NULL },
	{ M_GET, "/v1/action-plans/{}", NULL, ROUTE_ETAG, ACT_READ_SHARED, &plan_read },
	{ M_PATCH, "/v1/action-plans/{}", h_plan_patch, ROUTE_BODY | ROUTE_ETAG, ACT_EDIT_PLANS, NULL },
	{ M_GET, "/v1/action-plans/{}/versions", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_PLAN_VERSION_LIST, "no such action plan", PATH_ID(0)) },
	{ M_GET, "/v1/action-plans/{}/versions/{}", NULL, 0, ACT_READ_SHARED, &plan_version_read },
	{ M_GET, "/v1/action-plans/{}/interventions", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_INTERVENTION_LIST, "no such action plan", PATH_ID(0), LIMIT, CURSOR_SEQ,
	       Q_ENUM("status", VOCAB_INTERVENTION_STATUSES), Q_ENUM("rag", VOCAB_RAGS),
	       Q_ID("focus_area"), Q_TEXT("responsible"), Q_BOOL("overdue")) },
	{ M_POST, "/v1/action-plans/{}/interventions", h_intervention_create, ROUTE_BODY, ACT_EDIT_PLANS, NULL },
	{ M_GET, "/v1/interventions/{}", NULL, ROUTE_ETAG, ACT_READ_SHARED,
	  READ(SQL_INTERVENTION_GET, "no such intervention", PATH_ID(0)) },
	{ M_PATCH, "/v1/interventions/{}", h_intervention_patch, ROUTE_BODY | ROUTE_ETAG, ACT_EDIT_PLANS, NULL },
	{ M_GET, "/v1/interventions/{}/updates", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_UPDATE_LIST, "no such intervention", PATH_ID(0), LIMIT, CURSOR_SEQ) },
	{ M_POST, "/v1/interventions/{}/updates", h_update_create, ROUTE_BODY, ACT_NONE, NULL },

	{ M_GET, "/v1/proposals", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_PROPOSAL_LIST, NULL, LIMIT, CURSOR_SEQ,
	       Q_ENUM("status", VOCAB_PROPOSAL_STATUSES), Q_ENUM("kind", VOCAB_PROPOSAL_KINDS),
	       Q_TEXT("affects")) },
	{ M_POST, "/v1/proposals", h_proposal_create, ROUTE_BODY, ACT_EDIT_PROPOSALS, NULL },
	{ M_GET, "/v1/proposals/{}", NULL, ROUTE_ETAG, ACT_READ_SHARED,
	  READ(SQL_PROPOSAL_GET, "no such proposal", PATH_ID(0)) },
	{ M_PATCH, "/v1/proposals/{}", h_proposal_patch, ROUTE_BODY | ROUTE_ETAG, ACT_EDIT_PROPOSALS, NULL },
	{ M_POST, "/v1/proposals/{}/submit", h_proposal_submit, 0, ACT_EDIT_PROPOSALS, NULL },
	{ M_POST, "/v1/proposals/{}/withdraw", h_proposal_withdraw, 0, ACT_EDIT_PROPOSALS, NULL },
	{ M_GET, "/v1/proposals/{}/decisions", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_DECISION_LIST, "no such proposal", PATH_ID(0)) },
	{ M_POST, "/v1/proposals/{}/decisions", h_decision_create, ROUTE_BODY, ACT_NONE, NULL },
	{ M_GET, "/v1/me/pending", NULL, 0, ACT_NONE, READ(SQL_PENDING, NULL, TOKEN) },
	{ M_GET, "/v1/agreements/{}/priorities", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_PRIORITIES, "no such agreement", PATH_ID(0)) },

	{ M_GET, "/v1/incident-categories", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_CATEGORY_LIST, NULL, END) },
	{ M_GET, "/v1/incidents", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_INCIDENT_LIST, NULL, LIMIT, CURSOR_TS, Q_SLUG("municipality"),
	       Q_SLUG("category"), Q_TEXT("place"), Q_SLUG("source"), Q_DATE("from"),
	       Q_DATE("to"), TOKEN) },
	{ M_POST, "/v1/incidents", h_incident_create, ROUTE_BODY | ROUTE_ITEMS, ACT_NONE, NULL },
	{ M_GET, "/v1/incidents/{}", NULL, ROUTE_ETAG, ACT_READ_SHARED,
	  READ(SQL_INCIDENT_GET, "no such incident", PATH_ID(0), TOKEN) },
	{ M_GET, "/v1/situation", h_situation, 0, ACT_READ_SHARED, NULL },
	{ M_GET, "/v1/meetings", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_MEETING_LIST, NULL, LIMIT, CURSOR_SEQ, Q_SLUG("group"), Q_DATE("from"),
	       Q_DATE("to")) },
	{ M_POST, "/v1/meetings", h_meeting_create, ROUTE_BODY, ACT_NONE, NULL },
	{ M_GET, "/v1/meetings/{}", NULL, ROUTE_ETAG, ACT_READ_SHARED,
	  READ(SQL_MEETING_GET, "no such meeting", PATH_ID(0)) },
	{ M_GET, "/v1/agreements/{}/follow-ups/{}", h_follow_up_get, 0, ACT_READ_SHARED, NULL },
	{ M_PUT, "/v1/agreements/{}/follow-ups/{}", h_follow_up_put, ROUTE_BODY, ACT_EDIT_FOLLOWUP, NULL },
	{ M_GET, "/v1/agreements/{}/follow-ups/{}/report", h_follow_up_report, 0, ACT_READ_SHARED, NULL },
	{ M_GET, "/v1/audit", NULL, 0, ACT_READ_AUDIT,
	  READ(SQL_AUDIT_LIST, NULL, LIMIT, CURSOR_SEQ, Q_TEXT("actor"), Q_TEXT("organisation"),
	       Q_TEXT("action"), Q_TEXT("entity"), Q_TEXT("entity_id"), Q_DATE("from"),
	       Q_DATE("to")) },
	{ M_GET, "/v1/audit/verify", h_audit_verify, 0, ACT_READ_AUDIT, NULL },
	{ M_GET, "/v1/audit/checkpoint", h_audit_checkpoint, 0, ACT_READ_AUDIT, NULL },
	{ M_GET, "/v1/audit/entries/{}", h_audit_entry, 0, ACT_READ_AUDIT, NULL },
	{ M_GET, "/v1/agreements/{}/compliance", NULL, 0, ACT_READ_SHARED,
	  READ(SQL_COMPLIANCE, "no such agreement", PATH_ID(0)) },
	{ M_GET, "/v1/outbox", NULL, 0, ACT_READ_OUTBOX,
	  READ(SQL_OUTBOX_ADMIN, NULL, LIMIT, CURSOR_TS) },
};
/* clang-format on */

const size_t svk_routes_count = sizeof svk_routes / sizeof svk_routes[0];
