/*
 * What Administration (page_admin.c), Adjungera and their forms
 * (admin_form.c) share; see admin_parts.c.
 */
#ifndef SVK_WEB_ADMIN_PARTS_H
#define SVK_WEB_ADMIN_PARTS_H

#include <jansson.h>
#include <stdbool.h>

#include "web_internal.h"

/* A role ("Ordförande"), a group's tier ("Arbetsgrupp") and an
 * organisation's kind ("Kommun") in Swedish. */
const char *admin_sv_role(const char *role);
const char *admin_sv_tier(const char *tier);
const char *admin_sv_org_kind(const char *kind);

/* A labelled input (type text, password or date): value, else what was
 * typed (never a password), its hint and its error beside it. */
void admin_input(struct html *h, struct req *r, const char *field, const char *label,
		 const char *type, const char *hint, const char *value, bool required);
/* The opening of a form (class cls) posting to action, with the session's
 * form token. */
void admin_form_begin(struct html *h, struct req *r, const char *action, const char *cls);
/* A form's alert above it when one of its fields (those whose names start
 * with prefix; "": the new user's) has an error. */
void admin_form_alert(struct html *h, struct req *r, const char *prefix, const char *text);
void admin_hidden(struct html *h, const char *name, const char *value);
/* A finished form's notice (?klart=) and a refusal's (r->web.error). */
void admin_notices(struct html *h, struct req *r);
/* The groups to choose from (chairs_only: those a chair co-opts into). */
void admin_group_select(struct html *h, struct req *r, json_t *groups, const char *field,
			bool chairs_only);
/* A membership as "who, role t.o.m. date". */
void admin_membership_text(struct html *h, json_t *m, const char *who);
/* The remove button of membership m, posting to action. */
void admin_remove_button(struct html *h, struct req *r, json_t *m, const char *action);

/* admin_orgs.c: Skapa organisation, Skapa grupp (orgs: GET
 * /v1/organisations's items, the municipalities to choose from), and their
 * posts (false: the path is neither's). */
void admin_org_form(struct html *h, struct req *r);
void admin_group_form(struct html *h, struct req *r, json_t *orgs);
bool admin_orgs_post(struct req *r);

/* Adjungera, from r->web.more (web_admin_groups). */
void page_coopt(struct req *r);

#endif
