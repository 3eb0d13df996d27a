/*
 * The route table and the handlers it names (one h_<resource>.c each).
 */
#ifndef SVK_ROUTES_H
#define SVK_ROUTES_H

#include <stddef.h>

#include "router.h"

struct req;
struct db_call;
struct db_result;
/* h_prefetched is in request.c */
void h_prefetched(struct req *r);

extern const struct route svk_routes[];
extern const size_t svk_routes_count;

/* h_health.c */
void h_livez(struct req *r);
void h_readyz(struct req *r);
void h_metrics(struct req *r);
void h_openapi(struct req *r);
/* h_sessions.c */
void h_session_create(struct req *r);
void h_session_delete(struct req *r);
int q_me(struct req *r, struct db_call *c);
void h_me_loaded(struct req *r, const struct db_result *res);
void h_token_create(struct req *r);
/* h_orgs.c */
int q_org_list(struct req *r, struct db_call *c);
void h_org_listed(struct req *r, const struct db_result *res);
void h_org_create(struct req *r);
int q_org_get(struct req *r, struct db_call *c);
void h_org_got(struct req *r, const struct db_result *res);
/* h_users.c */
int q_user_list(struct req *r, struct db_call *c);
void h_user_listed(struct req *r, const struct db_result *res);
void h_user_create(struct req *r);
int q_user_get(struct req *r, struct db_call *c);
void h_user_got(struct req *r, const struct db_result *res);
void h_user_patch(struct req *r);
void h_user_password(struct req *r);
/* h_groups.c */
int q_group_list(struct req *r, struct db_call *c);
void h_group_listed(struct req *r, const struct db_result *res);
void h_group_create(struct req *r);
int q_group_get(struct req *r, struct db_call *c);
void h_group_got(struct req *r, const struct db_result *res);
int q_group_members(struct req *r, struct db_call *c);
void h_group_members_listed(struct req *r, const struct db_result *res);
void h_member_put(struct req *r);
void h_member_delete(struct req *r);

/* h_agreements.c */
int q_agreement_list(struct req *r, struct db_call *c);
void h_agreement_listed(struct req *r, const struct db_result *res);
int q_agreement_get(struct req *r, struct db_call *c);
void h_agreement_got(struct req *r, const struct db_result *res);
void h_agreement_create(struct req *r);
int q_focus_area_list(struct req *r, struct db_call *c);
void h_focus_areas_listed(struct req *r, const struct db_result *res);
void h_focus_area_create(struct req *r);
/* h_plans.c */
int q_plan_list(struct req *r, struct db_call *c);
void h_plan_listed(struct req *r, const struct db_result *res);
int q_plan_get(struct req *r, struct db_call *c);
void h_plan_got(struct req *r, const struct db_result *res);
void h_plan_create(struct req *r);
void h_plan_patch(struct req *r);
/* h_interventions.c */
int q_intervention_list(struct req *r, struct db_call *c);
void h_interventions_listed(struct req *r, const struct db_result *res);
int q_intervention_get(struct req *r, struct db_call *c);
void h_intervention_got(struct req *r, const struct db_result *res);
void h_intervention_create(struct req *r);
void h_intervention_patch(struct req *r);
int q_update_list(struct req *r, struct db_call *c);
void h_updates_listed(struct req *r, const struct db_result *res);
void h_update_create(struct req *r);

/* h_proposals.c */
int q_proposal_list(struct req *r, struct db_call *c);
void h_proposals_listed(struct req *r, const struct db_result *res);
int q_proposal_get(struct req *r, struct db_call *c);
void h_proposal_got(struct req *r, const struct db_result *res);
void h_proposal_create(struct req *r);
void h_proposal_patch(struct req *r);
void h_proposal_submit(struct req *r);
void h_proposal_withdraw(struct req *r);
int q_decision_list(struct req *r, struct db_call *c);
void h_decisions_listed(struct req *r, const struct db_result *res);
void h_decision_create(struct req *r);
int q_pending(struct req *r, struct db_call *c);
void h_pending_listed(struct req *r, const struct db_result *res);
int q_priorities(struct req *r, struct db_call *c);
void h_priorities_listed(struct req *r, const struct db_result *res);
/* h_est.c */
int q_category_list(struct req *r, struct db_call *c);
void h_categories_listed(struct req *r, const struct db_result *res);
int q_incident_list(struct req *r, struct db_call *c);
void h_incidents_listed(struct req *r, const struct db_result *res);
int q_incident_get(struct req *r, struct db_call *c);
void h_incident_got(struct req *r, const struct db_result *res);
void h_incident_create(struct req *r);
void h_situation(struct req *r);
int q_meeting_list(struct req *r, struct db_call *c);
void h_meetings_listed(struct req *r, const struct db_result *res);
int q_meeting_get(struct req *r, struct db_call *c);
void h_meeting_got(struct req *r, const struct db_result *res);
void h_meeting_create(struct req *r);
int q_compliance(struct req *r, struct db_call *c);
void h_compliance_got(struct req *r, const struct db_result *res);
/* h_followup.c */
void h_follow_up_get(struct req *r);
void h_follow_up_put(struct req *r);
void h_follow_up_report(struct req *r);
int q_audit_list(struct req *r, struct db_call *c);
void h_audit_listed(struct req *r, const struct db_result *res);
void h_audit_verify(struct req *r);

#endif
