/*
 * The route table and the handlers it names (one h_<resource>.c each).
 */
#ifndef SVK_ROUTES_H
#define SVK_ROUTES_H

#include <stddef.h>

#include "router.h"

struct req;

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
void h_me(struct req *r);
void h_token_create(struct req *r);
/* h_orgs.c */
void h_org_list(struct req *r);
void h_org_create(struct req *r);
void h_org_get(struct req *r);
/* h_users.c */
void h_user_list(struct req *r);
void h_user_create(struct req *r);
void h_user_get(struct req *r);
void h_user_patch(struct req *r);
void h_user_password(struct req *r);
/* h_groups.c */
void h_group_list(struct req *r);
void h_group_create(struct req *r);
void h_group_get(struct req *r);
void h_group_members(struct req *r);
void h_member_put(struct req *r);
void h_member_delete(struct req *r);

#endif
