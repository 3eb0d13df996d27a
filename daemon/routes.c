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

	{ M_GET, "/v1/agreements", h_prefetched, 0, ACT_READ_SHARED, q_agreement_list, h_agreement_listed },
	{ M_POST, "/v1/agreements", h_agreement_create, ROUTE_BODY, ACT_ADMIN, NULL, NULL },
	{ M_GET, "/v1/agreements/{}", h_prefetched, ROUTE_ETAG, ACT_READ_SHARED, q_agreement_get, h_agreement_got },
	{ M_GET, "/v1/agreements/{}/focus-areas", h_prefetched, 0, ACT_READ_SHARED, q_focus_area_list, h_focus_areas_listed },
	{ M_POST, "/v1/agreements/{}/focus-areas", h_focus_area_create, ROUTE_BODY, ACT_EDIT_PLANS, NULL, NULL },

	{ M_GET, "/v1/action-plans", h_prefetched, 0, ACT_READ_SHARED, q_plan_list, h_plan_listed },
	{ M_POST, "/v1/action-plans", h_plan_create, ROUTE_BODY, ACT_EDIT_PLANS, NULL, NULL },
	{ M_GET, "/v1/action-plans/{}", h_prefetched, ROUTE_ETAG, ACT_READ_SHARED, q_plan_get, h_plan_got },
	{ M_PATCH, "/v1/action-plans/{}", h_plan_patch, ROUTE_BODY | ROUTE_ETAG, ACT_EDIT_PLANS, NULL, NULL },
	{ M_GET, "/v1/action-plans/{}/interventions", h_prefetched, 0, ACT_READ_SHARED, q_intervention_list, h_interventions_listed },
	{ M_POST, "/v1/action-plans/{}/interventions", h_intervention_create, ROUTE_BODY, ACT_EDIT_PLANS, NULL, NULL },
	{ M_GET, "/v1/interventions/{}", h_prefetched, ROUTE_ETAG, ACT_READ_SHARED, q_intervention_get, h_intervention_got },
	{ M_PATCH, "/v1/interventions/{}", h_intervention_patch, ROUTE_BODY | ROUTE_ETAG, ACT_EDIT_PLANS, NULL, NULL },
	{ M_GET, "/v1/interventions/{}/updates", h_prefetched, 0, ACT_READ_SHARED, q_update_list, h_updates_listed },
	{ M_POST, "/v1/interventions/{}/updates", h_update_create, ROUTE_BODY, ACT_NONE, NULL, NULL },

	{ M_GET, "/v1/proposals", h_prefetched, 0, ACT_READ_SHARED, q_proposal_list, h_proposals_listed },
	{ M_POST, "/v1/proposals", h_proposal_create, ROUTE_BODY, ACT_EDIT_PROPOSALS, NULL, NULL },
	{ M_GET, "/v1/proposals/{}", h_prefetched, ROUTE_ETAG, ACT_READ_SHARED, q_proposal_get, h_proposal_got },
	{ M_PATCH, "/v1/proposals/{}", h_proposal_patch, ROUTE_BODY | ROUTE_ETAG, ACT_EDIT_PROPOSALS, NULL, NULL },
	{ M_POST, "/v1/proposals/{}/submit", h_proposal_submit, 0, ACT_EDIT_PROPOSALS, NULL, NULL },
	{ M_POST, "/v1/proposals/{}/withdraw", h_proposal_withdraw, 0, ACT_EDIT_PROPOSALS, NULL, NULL },
	{ M_GET, "/v1/proposals/{}/decisions", h_prefetched, 0, ACT_READ_SHARED, q_decision_list, h_decisions_listed },
	{ M_POST, "/v1/proposals/{}/decisions", h_decision_create, ROUTE_BODY, ACT_NONE, NULL, NULL },
	{ M_GET, "/v1/me/pending", h_prefetched, 0, ACT_NONE, q_pending, h_pending_listed },
	{ M_GET, "/v1/agreements/{}/priorities", h_prefetched, 0, ACT_READ_SHARED, q_priorities, h_priorities_listed },

	{ M_GET, "/v1/incident-categories", h_prefetched, 0, ACT_READ_SHARED, q_category_list, h_categories_listed },
	{ M_GET, "/v1/incidents", h_prefetched, 0, ACT_READ_SHARED, q_incident_list, h_incidents_listed },
	{ M_POST, "/v1/incidents", h_incident_create, ROUTE_BODY | ROUTE_ITEMS, ACT_NONE, NULL, NULL },
	{ M_GET, "/v1/incidents/{}", h_prefetched, ROUTE_ETAG, ACT_READ_SHARED, q_incident_get, h_incident_got },
	{ M_GET, "/v1/situation", h_situation, 0, ACT_READ_SHARED, NULL, NULL },
	{ M_GET, "/v1/meetings", h_prefetched, 0, ACT_READ_SHARED, q_meeting_list, h_meetings_listed },
	{ M_POST, "/v1/meetings", h_meeting_create, ROUTE_BODY, ACT_NONE, NULL, NULL },
	{ M_GET, "/v1/meetings/{}", h_prefetched, ROUTE_ETAG, ACT_READ_SHARED, q_meeting_get, h_meeting_got },
	{ M_GET, "/v1/agreements/{}/follow-ups/{}", h_follow_up_get, 0, ACT_READ_SHARED, NULL, NULL },
	{ M_PUT, "/v1/agreements/{}/follow-ups/{}", h_follow_up_put, ROUTE_BODY, ACT_EDIT_FOLLOWUP, NULL, NULL },
	{ M_GET, "/v1/agreements/{}/follow-ups/{}/report", h_follow_up_report, 0, ACT_READ_SHARED, NULL, NULL },
	{ M_GET, "/v1/audit", h_prefetched, 0, ACT_READ_AUDIT, q_audit_list, h_audit_listed },
	{ M_GET, "/v1/audit/verify", h_audit_verify, 0, ACT_READ_AUDIT, NULL, NULL },
	{ M_GET, "/v1/agreements/{}/compliance", h_prefetched, 0, ACT_READ_SHARED, q_compliance, h_compliance_got },
};

const size_t svk_routes_count = sizeof svk_routes / sizeof svk_routes[0];
