/*
 * The role hierarchy of SPEC §3 as one pure function: given who acts, what
 * they want to do and on what, it answers allowed or the right that was
 * missing. No I/O, no allocation; the daemon fills the structs from the
 * database and every route goes through policy_check().
 */
#ifndef SVK_POLICY_H
#define SVK_POLICY_H

#include <stdbool.h>
#include <stddef.h>

enum policy_tier {
	TIER_NONE = 0,
	TIER_ARBETSGRUPP = 1,
	TIER_BEREDNINGSGRUPP = 2,
	TIER_STYRGRUPP = 3,
};

enum policy_role {
	ROLE_MEMBER = 0,
	ROLE_CHAIR,
	ROLE_DECISION_MAKER,
};

#define POLICY_SLUG_MAX 64
#define POLICY_MAX_MEMBERSHIPS 32

/* One live membership (expired ones are never put here). */
struct policy_membership {
	char group[POLICY_SLUG_MAX];
	enum policy_tier tier; /* the group's tier */
	enum policy_role role;
	char municipality[POLICY_SLUG_MAX]; /* arbetsgrupp only, else "" */
};

struct policy_actor {
	bool authenticated;
	bool active;
	bool admin;
	char organisation[POLICY_SLUG_MAX];
	bool organisation_party;
	size_t n_memberships;
	struct policy_membership memberships[POLICY_MAX_MEMBERSHIPS];
};

enum policy_action {
	ACT_READ_SHARED = 0,     /* agreement, plans, proposals, incidents, ... */
	ACT_READ_DIRECTORY,      /* organisations, users, groups, members */
	ACT_REPORT_INCIDENT,     /* target.municipality */
	ACT_RECORD_MEETING,      /* target.group */
	ACT_UPDATE_INTERVENTION, /* target.organisation = responsible org */
	ACT_EDIT_PLANS,          /* action plans and interventions */
	ACT_EDIT_PROPOSALS,      /* create/edit/submit/withdraw */
	ACT_EDIT_FOLLOWUP,
	ACT_COOPT_MEMBER, /* target.role */
	ACT_DECIDE,       /* target.organisation */
	ACT_NAME_SOURCE,  /* target.organisation: an incident's source */
	ACT_READ_AUDIT,
	ACT_ADMIN,       /* organisations, users, groups, memberships */
	ACT_READ_OUTBOX, /* the outbox's counts and failed mails */
	ACT__COUNT
};

/*
 * What an action is done on: only facts the caller knows for certain
 * before it writes. Facts that are known only under the target's row lock
 * (whether an organisation is affected by a proposal or has decided this
 * round; the tier of the group a member is co-opted into; the organisation
 * responsible for an intervention) are checked by the writing SQL function
 * in its transaction, and are not inputs here.
 */
struct policy_target {
	const char *municipality; /* ACT_REPORT_INCIDENT */
	const char *group;        /* ACT_RECORD_MEETING */
	enum policy_role role;    /* ACT_COOPT_MEMBER: the role to be given */
	const char *organisation; /* ACT_UPDATE_INTERVENTION, ACT_DECIDE,
				    * ACT_NAME_SOURCE */
};

/* The actor's tier: the highest tier among its live memberships. */
enum policy_tier policy_tier(const struct policy_actor *actor);

/* "styrgrupp", "beredningsgrupp", "arbetsgrupp" or NULL for TIER_NONE. */
const char *policy_tier_name(enum policy_tier tier);
/* The inverse; returns TIER_NONE for anything else. */
enum policy_tier policy_tier_parse(const char *name);
const char *policy_role_name(enum policy_role role);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int policy_role_parse(const char *name, enum policy_role *out);
/* Stable snake_case name of an action, e.g. "report_incident". */
const char *policy_action_name(enum policy_action action);

/*
 * Decides whether actor may do action on target (target may be NULL for
 * actions that take none). Returns true when allowed. When refused and
 * reason is non-NULL, *reason points to a static sentence naming the right
 * that was missing, e.g. "requires membership of the beredningsgrupp or
 * the styrgrupp". An unauthenticated or inactive actor is always refused.
 */
bool policy_check(const struct policy_actor *actor, enum policy_action action,
		  const struct policy_target *target, const char **reason);

#endif
