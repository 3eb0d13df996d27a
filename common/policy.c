/*
 * The role policy of SPEC §3 (see policy.h). One function per action keeps
 * each rule next to the sentence it refuses with; policy_check() runs the
 * checks every action shares (authenticated, active) first, like a command
 * table's generic checks run before the command.
 *
 * Rights are cumulative upwards by tier, except where the specification
 * names a role instead of a tier: co-opting belongs to the chair of the
 * beredningsgrupp (and admins), deciding to the styrgrupp's decision-makers
 * for their own organisation. The admin right manages the directory,
 * reads the audit log and the outbox (whose failures name people's
 * addresses); it never decides a proposal.
 */
#include "policy.h"

#include <string.h>

static const char *const tier_names[] = {
	[TIER_NONE] = NULL,
	[TIER_ARBETSGRUPP] = "arbetsgrupp",
	[TIER_BEREDNINGSGRUPP] = "beredningsgrupp",
	[TIER_STYRGRUPP] = "styrgrupp",
};

static const char *const role_names[] = {
	[ROLE_MEMBER] = "member",
	[ROLE_CHAIR] = "chair",
	[ROLE_DECISION_MAKER] = "decision_maker",
};

static const char *const action_names[ACT__COUNT] = {
	[ACT_READ_SHARED] = "read_shared",
	[ACT_READ_DIRECTORY] = "read_directory",
	[ACT_REPORT_INCIDENT] = "report_incident",
	[ACT_RECORD_MEETING] = "record_meeting",
	[ACT_UPDATE_INTERVENTION] = "update_intervention",
	[ACT_EDIT_PLANS] = "edit_plans",
	[ACT_EDIT_PROPOSALS] = "edit_proposals",
	[ACT_EDIT_FOLLOWUP] = "edit_followup",
	[ACT_COOPT_MEMBER] = "coopt_member",
	[ACT_DECIDE] = "decide",
	[ACT_NAME_SOURCE] = "name_source",
	[ACT_READ_AUDIT] = "read_audit",
	[ACT_ADMIN] = "admin",
	[ACT_READ_OUTBOX] = "read_outbox",
};

#define N_TIERS (sizeof tier_names / sizeof tier_names[0])
#define N_ROLES (sizeof role_names / sizeof role_names[0])

/* The refusals. Static sentences: a reason never carries request data. */
#define WHY_UNAUTHENTICATED "requires authentication"
#define WHY_INACTIVE "the account is disabled"
#define WHY_UNKNOWN "unknown action"
#define WHY_ANY_TIER "requires membership of a group"
#define WHY_DIRECTORY "requires membership of a group or the admin right"
#define WHY_BEREDNING "requires membership of the beredningsgrupp or the styrgrupp"
#define WHY_INCIDENT                                                          \
	"requires membership of the arbetsgrupp of that municipality, or of " \
	"the beredningsgrupp or the styrgrupp"
#define WHY_MEETING                                                            \
	"requires membership of that group, or of the beredningsgrupp or the " \
	"styrgrupp"
#define WHY_INTERVENTION                                               \
	"requires a group member of the responsible organisation, or " \
	"membership of the beredningsgrupp or the styrgrupp"
#define WHY_COOPT "requires the chair of the beredningsgrupp or the admin right"
#define WHY_DECIDE_ADMIN                                         \
	"the admin right does not include deciding; requires a " \
	"decision-maker of the styrgrupp"
#define WHY_DECIDE "requires a decision-maker of the styrgrupp"
#define WHY_DECIDE_PARTY "the organisation is not a party to the agreement"
#define WHY_DECIDE_ORG "requires a decision-maker of the deciding organisation"
#define WHY_APPOINT "only an admin may appoint chairs and decision makers"
#define WHY_SOURCE "an incident's source is the organisation of the one who reports it"
#define WHY_AUDIT "requires membership of the styrgrupp or the admin right"
#define WHY_ADMIN "requires the admin right"

/* A slug held in a fixed array equals s; an empty slug equals nothing, so
 * a missing value can never match another missing value. */
static bool slug_eq(const char slug[POLICY_SLUG_MAX], const char *s)
{
	if (!s || !s[0] || !slug[0])
		return false;
	if (strnlen(slug, POLICY_SLUG_MAX) == POLICY_SLUG_MAX)
		return false;
	return strcmp(slug, s) == 0;
}

static size_t n_memberships(const struct policy_actor *actor)
{
	if (actor->n_memberships > POLICY_MAX_MEMBERSHIPS)
		return POLICY_MAX_MEMBERSHIPS;
	return actor->n_memberships;
}

enum policy_tier policy_tier(const struct policy_actor *actor)
{
	enum policy_tier tier = TIER_NONE;

	if (!actor)
		return TIER_NONE;
	for (size_t i = 0; i < n_memberships(actor); i++) {
		enum policy_tier t = actor->memberships[i].tier;

		/* A tier outside the enum is a bug upstream; it grants nothing. */
		if (t > tier && t <= TIER_STYRGRUPP)
			tier = t;
	}
	return tier;
}

const char *policy_tier_name(enum policy_tier tier)
{
	if ((int)tier < 0 || (size_t)tier >= N_TIERS)
		return NULL;
	return tier_names[tier];
}

enum policy_tier policy_tier_parse(const char *name)
{
	if (!name)
		return TIER_NONE;
	for (size_t i = 1; i < N_TIERS; i++)
		if (strcmp(name, tier_names[i]) == 0)
			return (enum policy_tier)i;
	return TIER_NONE;
}

const char *policy_role_name(enum policy_role role)
{
	if ((int)role < 0 || (size_t)role >= N_ROLES)
		return NULL;
	return role_names[role];
}

int policy_role_parse(const char *name, enum policy_role *out)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < N_ROLES; i++) {
		if (strcmp(name, role_names[i]) == 0) {
			if (out)
				*out = (enum policy_role)i;
			return 0;
		}
	}
	return -1;
}

const char *policy_action_name(enum policy_action action)
{
	if ((int)action < 0 || action >= ACT__COUNT)
		return NULL;
	return action_names[action];
}

/* Each rule returns NULL when allowed, else the reason. */

static const char *rule_read_shared(const struct policy_actor *a, const struct policy_target *t)
{
	(void)t;
	return policy_tier(a) >= TIER_ARBETSGRUPP ? NULL : WHY_ANY_TIER;
}

static const char *rule_read_directory(const struct policy_actor *a, const struct policy_target *t)
{
	(void)t;
	if (a->admin || policy_tier(a) >= TIER_ARBETSGRUPP)
		return NULL;
	return WHY_DIRECTORY;
}

static const char *rule_report_incident(const struct policy_actor *a, const struct policy_target *t)
{
	if (policy_tier(a) >= TIER_BEREDNINGSGRUPP)
		return NULL;
	for (size_t i = 0; t && i < n_memberships(a); i++) {
		const struct policy_membership *m = &a->memberships[i];

		if (m->tier == TIER_ARBETSGRUPP && slug_eq(m->municipality, t->municipality))
			return NULL;
	}
	return WHY_INCIDENT;
}

static const char *rule_record_meeting(const struct policy_actor *a, const struct policy_target *t)
{
	if (policy_tier(a) >= TIER_BEREDNINGSGRUPP)
		return NULL;
	for (size_t i = 0; t && i < n_memberships(a); i++)
		if (slug_eq(a->memberships[i].group, t->group))
			return NULL;
	return WHY_MEETING;
}

static const char *rule_update_intervention(const struct policy_actor *a,
					    const struct policy_target *t)
{
	enum policy_tier tier = policy_tier(a);

	if (tier >= TIER_BEREDNINGSGRUPP)
		return NULL;
	if (tier >= TIER_ARBETSGRUPP && t && slug_eq(a->organisation, t->organisation))
		return NULL;
	return WHY_INTERVENTION;
}

static const char *rule_beredning(const struct policy_actor *a, const struct policy_target *t)
{
	(void)t;
	return policy_tier(a) >= TIER_BEREDNINGSGRUPP ? NULL : WHY_BEREDNING;
}

static const char *rule_coopt_member(const struct policy_actor *a, const struct policy_target *t)
{
	bool chair = false;

	if (a->admin)
		return NULL;
	for (size_t i = 0; i < n_memberships(a); i++) {
		const struct policy_membership *m = &a->memberships[i];

		if (m->tier == TIER_BEREDNINGSGRUPP && m->role == ROLE_CHAIR)
			chair = true;
	}
	if (!chair)
		return WHY_COOPT;
	/* The standing right: a chair adds plain members; roles are appointed
	 * by an admin. Into which groups (not the styrgrupp), which
	 * memberships (only those the chair co-opted) and until when (a
	 * mandatory until within the agreement) are the target's facts:
	 * member_put and member_delete check them under the row locks. */
	if (t && t->role != ROLE_MEMBER)
		return WHY_APPOINT;
	return NULL;
}

/*
 * The checks run in the order a user would fix them: first who you are,
 * then for whom you decide. Whether that organisation is affected and has
 * decided this round is the proposal's state: the decision checks it
 * under the proposal's lock (proposal_decide). An admin never decides,
 * even one wrongly made a decision maker.
 */
static const char *rule_decide(const struct policy_actor *a, const struct policy_target *t)
{
	bool decision_maker = false;

	for (size_t i = 0; i < n_memberships(a); i++) {
		const struct policy_membership *m = &a->memberships[i];

		if (m->tier == TIER_STYRGRUPP && m->role == ROLE_DECISION_MAKER)
			decision_maker = true;
	}
	if (a->admin)
		return WHY_DECIDE_ADMIN;
	if (!decision_maker)
		return WHY_DECIDE;
	if (!a->organisation_party)
		return WHY_DECIDE_PARTY;
	if (!t || !slug_eq(a->organisation, t->organisation))
		return WHY_DECIDE_ORG;
	return NULL;
}

/* An incident's source organisation is the reporter's own; naming it is
 * optional, naming another is refused. */
static const char *rule_name_source(const struct policy_actor *a, const struct policy_target *t)
{
	if (!t || !slug_eq(a->organisation, t->organisation))
		return WHY_SOURCE;
	return NULL;
}

static const char *rule_read_audit(const struct policy_actor *a, const struct policy_target *t)
{
	(void)t;
	if (a->admin || policy_tier(a) >= TIER_STYRGRUPP)
		return NULL;
	return WHY_AUDIT;
}

static const char *rule_admin(const struct policy_actor *a, const struct policy_target *t)
{
	(void)t;
	return a->admin ? NULL : WHY_ADMIN;
}

typedef const char *rule_fn(const struct policy_actor *, const struct policy_target *);

static rule_fn *const rules[ACT__COUNT] = {
	[ACT_READ_SHARED] = rule_read_shared,
	[ACT_READ_DIRECTORY] = rule_read_directory,
	[ACT_REPORT_INCIDENT] = rule_report_incident,
	[ACT_RECORD_MEETING] = rule_record_meeting,
	[ACT_UPDATE_INTERVENTION] = rule_update_intervention,
	[ACT_EDIT_PLANS] = rule_beredning,
	[ACT_EDIT_PROPOSALS] = rule_beredning,
	[ACT_EDIT_FOLLOWUP] = rule_beredning,
	[ACT_COOPT_MEMBER] = rule_coopt_member,
	[ACT_DECIDE] = rule_decide,
	[ACT_NAME_SOURCE] = rule_name_source,
	[ACT_READ_AUDIT] = rule_read_audit,
	[ACT_ADMIN] = rule_admin,
	[ACT_READ_OUTBOX] = rule_admin,
};

bool policy_check(const struct policy_actor *actor, enum policy_action action,
		  const struct policy_target *target, const char **reason)
{
	const char *why;

	if (!actor || !actor->authenticated)
		why = WHY_UNAUTHENTICATED;
	else if (!actor->active)
		why = WHY_INACTIVE;
	else if ((int)action < 0 || action >= ACT__COUNT || !rules[action])
		why = WHY_UNKNOWN;
	else
		why = rules[action](actor, target);
	if (reason)
		*reason = why;
	return why == NULL;
}
