/*
 * The route table. Generic checks (authentication, body, the policy action
 * in the last column) run in request.c before the handler; handlers check
 * only what depends on the target (the group, the organisation).
 */
#include "routes.h"

#include "policy.h"

const struct route svk_routes[] = {
	{ M_GET, "/livez", h_livez, ROUTE_PUBLIC, ACT_NONE, NULL, NULL },
	{ M_GET, "/readyz", h_readyz, ROUTE_PUBLIC, ACT_NONE, NULL, NULL },
	{ M_GET, "/metrics", h_metrics, ROUTE_PUBLIC | ROUTE_LOCAL, ACT_NONE, NULL, NULL },
	{ M_GET, "/openapi.json", h_openapi, ROUTE_PUBLIC, ACT_NONE, NULL, NULL },

	{ M_POST, "/v1/sessions", h_session_create, ROUTE_PUBLIC | ROUTE_BODY | ROUTE_SECRET, ACT_NONE, NULL, NULL },
	{ M_DELETE, "/v1/sessions/current", h_session_delete, 0, ACT_NONE, NULL, NULL },
	{ M_GET, "/v1/me", h_prefetched, 0, ACT_NONE, q_me, h_me_loaded },
	{ M_POST, "/v1/me/tokens", h_token_create, ROUTE_BODY, ACT_NONE, NULL, NULL },

	{ M_GET, "/v1/organisations", h_prefetched, 0, ACT_READ_DIRECTORY, q_org_list, h_org_listed },
	{ M_POST, "/v1/organisations", h_org_create, ROUTE_BODY, ACT_ADMIN, NULL, NULL },
	{ M_GET, "/v1/organisations/{}", h_prefetched, ROUTE_ETAG, ACT_READ_DIRECTORY, q_org_get, h_org_got },

	{ M_GET, "/v1/users", h_prefetched, 0, ACT_READ_DIRECTORY, q_user_list, h_user_listed },
	{ M_POST, "/v1/users", h_user_create, ROUTE_BODY | ROUTE_SECRET, ACT_ADMIN, NULL, NULL },
	{ M_GET, "/v1/users/{}", h_prefetched, ROUTE_ETAG, ACT_READ_DIRECTORY, q_user_get, h_user_got },
	{ M_PATCH, "/v1/users/{}", h_user_patch, ROUTE_BODY | ROUTE_ETAG, ACT_ADMIN, NULL, NULL },
	{ M_POST, "/v1/users/{}/password", h_user_password, ROUTE_BODY | ROUTE_SECRET, ACT_NONE, NULL, NULL },

	{ M_GET, "/v1/groups", h_prefetched, 0, ACT_READ_DIRECTORY, q_group_list, h_group_listed },
	{ M_POST, "/v1/groups", h_group_create, ROUTE_BODY, ACT_ADMIN, NULL, NULL },
	{ M_GET, "/v1/groups/{}", h_prefetched, ROUTE_ETAG, ACT_READ_DIRECTORY, q_group_get, h_group_got },
	{ M_GET, "/v1/groups/{}/members", h_prefetched, 0, ACT_READ_DIRECTORY, q_group_members, h_group_members_listed },
	{ M_PUT, "/v1/groups/{}/members/{}", h_member_put, ROUTE_BODY, ACT_NONE, NULL, NULL },
	{ M_DELETE, "/v1/groups/{}/members/{}", h_member_delete, 0, ACT_NONE, NULL, NULL },
};

const size_t svk_routes_count = sizeof svk_routes / sizeof svk_routes[0];
