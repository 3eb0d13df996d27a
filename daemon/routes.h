/*
 * The route table and the handlers it names (one h_<resource>.c each); a
 * read route names its statement instead (read.h), and a handler here
 * only when its answer is more than the row.
 */
#ifndef SVK_ROUTES_H
#define SVK_ROUTES_H

#include <stddef.h>

#include "jsonfields.h"
#include "router.h"

struct req;
struct db_result;

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
void h_me_loaded(struct req *r, const struct db_result *res);
void h_token_create(struct req *r);
/* h_tokens.c */
void h_token_revoke(struct req *r);
void h_user_token_revoke(struct req *r);
/* h_orgs.c */
void h_org_create(struct req *r);
/* h_users.c */
void h_user_create(struct req *r);
void h_user_patch(struct req *r);
void h_me_patch(struct req *r);
void h_user_password(struct req *r);
/* h_groups.c */
void h_group_create(struct req *r);
void h_member_put(struct req *r);
void h_member_delete(struct req *r);

/* h_agreements.c */
void h_agreement_create(struct req *r);
void h_focus_area_create(struct req *r);
/* h_plans.c */
void h_plan_got(struct req *r, const struct db_result *res);
void h_plan_version_got(struct req *r, const struct db_result *res);
void h_plan_create(struct req *r);
void h_plan_patch(struct req *r);
/* h_interventions.c */
void h_intervention_create(struct req *r);
void h_intervention_patch(struct req *r);
void h_update_create(struct req *r);

/* h_proposals.c */
void h_proposal_create(struct req *r);
void h_proposal_patch(struct req *r);
void h_proposal_submit(struct req *r);
void h_proposal_withdraw(struct req *r);
void h_decision_create(struct req *r);
/* A decision's fields (the web's decision form checks the same). */
extern const struct jf_field decision_fields[];
extern const size_t decision_fields_count;
/* The errors of a proposal's body ([{field, message}], NULL: none, or no
 * memory when *oom): POST /v1/proposals's (create) or PATCH's checks. */
json_t *proposal_body_errors(const json_t *body, bool create, bool *oom);
/* h_users.c, h_groups.c: a new user's, a password's and a membership's
 * fields (the web's administration forms check the same); the length of
 * a generated password. */
extern const struct jf_field user_fields[];
extern const size_t user_fields_count;
extern const struct jf_field password_fields[];
extern const size_t password_fields_count;
extern const struct jf_field member_fields[];
extern const size_t member_fields_count;
#define GENERATED_PASSWORD_LEN 20
/* h_orgs.c, h_groups.c: a new organisation's and group's fields (the
 * web's Skapa organisation and Skapa grupp check the same). */
extern const struct jf_field org_fields[];
extern const size_t org_fields_count;
extern const struct jf_field group_fields[];
extern const size_t group_fields_count;
/* h_est.c */
void h_incident_create(struct req *r);
void h_situation(struct req *r);
void h_meeting_create(struct req *r);
/* A meeting's fields (the web's meeting form checks the same). */
extern const struct jf_field meeting_fields[];
extern const size_t meeting_fields_count;
/* h_followup.c */
void h_follow_up_get(struct req *r);
void h_follow_up_put(struct req *r);
void h_follow_up_report(struct req *r);
/* A follow-up's fields (the web's follow-up form checks the same). */
extern const struct jf_field follow_up_fields[];
extern const size_t follow_up_fields_count;
/* An intervention's fields on create and on edit, and an update's (the
 * web's intervention forms check the same). */
extern const struct jf_field intervention_create_fields[];
extern const size_t intervention_create_fields_count;
extern const struct jf_field intervention_patch_fields[];
extern const size_t intervention_patch_fields_count;
extern const struct jf_field intervention_update_fields[];
extern const size_t intervention_update_fields_count;
void h_audit_verify(struct req *r);
/* h_audit.c */
void h_audit_checkpoint(struct req *r);
void h_audit_entry(struct req *r);

#endif
