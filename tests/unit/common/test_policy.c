/*
 * The role policy of SPEC §3: one row per (tier/role, action) pair, allowed
 * and refused, with the reason a refusal must name. The actors are the
 * seed's people: an EST member for Sigtuna, coordinators in the
 * beredningsgrupp (one of them its chair), styrgrupp members and
 * decision-makers, an admin, and the ones who never get in.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <string.h>

#include "policy.h"

#define MAX_MS 3

/* A compact actor; expanded into struct policy_actor by the test. */
struct ms {
	char group[24];
	enum policy_tier tier;
	enum policy_role role;
	char municipality[24];
};

struct who {
	char name[24]; /* for messages */
	bool authenticated, active, admin, party;
	char org[24];
	size_t n;
	struct ms ms[MAX_MS];
};

/* Everything inline: Criterion re-executes the binary, so no pointers. */
struct policy_case {
	struct who who;
	enum policy_action action;
	char municipality[24];
	char group[24];
	char organisation[24];
	enum policy_role role;
	bool allowed;
	char why[48]; /* a refusal's reason must contain this */
};

/* The table's actors and rows, one a line. */
/* clang-format off */
#define M_STY { "styrgrupp", TIER_STYRGRUPP, ROLE_MEMBER, "" }
#define M_STY_DM { "styrgrupp", TIER_STYRGRUPP, ROLE_DECISION_MAKER, "" }
#define M_STY_CHAIR { "styrgrupp", TIER_STYRGRUPP, ROLE_CHAIR, "" }
#define M_BER { "beredningsgrupp", TIER_BEREDNINGSGRUPP, ROLE_MEMBER, "" }
#define M_BER_CHAIR { "beredningsgrupp", TIER_BEREDNINGSGRUPP, ROLE_CHAIR, "" }
#define M_EST_SIG { "est-sigtuna", TIER_ARBETSGRUPP, ROLE_MEMBER, "sigtuna" }
#define M_EST_SIG_CHAIR { "est-sigtuna", TIER_ARBETSGRUPP, ROLE_CHAIR, "sigtuna" }
#define M_EST_SOL { "est-sollentuna", TIER_ARBETSGRUPP, ROLE_MEMBER, "sollentuna" }
/* decision_maker outside the styrgrupp breaks a data rule; it grants nothing */
#define M_BER_DM { "beredningsgrupp", TIER_BEREDNINGSGRUPP, ROLE_DECISION_MAKER, "" }

#define M_END { "", TIER_NONE, ROLE_MEMBER, "" }

#define WHO(nm, org_, adm, ...)                                              \
	{ nm, true, true, adm, true, org_,                                   \
	  sizeof((struct ms[]){ __VA_ARGS__ }) / sizeof(struct ms) - 1,       \
	  { __VA_ARGS__ } }

/* The trailing M_END in each list keeps the array non-empty; n excludes it. */
#define NOBODY WHO("no-tier", "sigtuna", false, M_END)
#define EST_SIG WHO("est-sigtuna", "sigtuna", false, M_EST_SIG, M_END)
#define EST_SIG_CHAIR WHO("est-chair", "sigtuna", false, M_EST_SIG_CHAIR, M_END)
#define EST_TWO WHO("est-two", "polisen", false, M_EST_SIG, M_EST_SOL, M_END)
#define BER WHO("beredning", "sollentuna", false, M_BER, M_END)
#define BER_CHAIR WHO("beredning-chair", "sollentuna", false, M_BER_CHAIR, M_END)
#define BER_DM WHO("beredning-dm", "sigtuna", false, M_BER_DM, M_END)
#define EST_AND_BER WHO("est-and-ber", "sigtuna", false, M_EST_SIG, M_BER, M_END)
#define STY WHO("styrgrupp", "upplands-vasby", false, M_STY, M_END)
#define STY_CHAIR WHO("styrgrupp-chair", "polisen", false, M_STY_CHAIR, M_END)
#define DM_SIG WHO("dm-sigtuna", "sigtuna", false, M_STY_DM, M_END)
#define ADMIN WHO("admin", "polisen", true, M_END)
#define ADMIN_DM WHO("admin-dm", "polisen", true, M_STY_DM, M_END)
#define DM_NONPARTY                                                          \
	{ "dm-nonparty", true, true, false, false, "bostadsbolaget", 1,      \
	  { M_STY_DM } }
#define INACTIVE                                                             \
	{ "inactive", true, false, true, true, "polisen", 3,                  \
	  { M_STY_DM, M_BER_CHAIR, M_EST_SIG } }
#define UNAUTH                                                               \
	{ "unauthenticated", false, true, true, true, "polisen", 3,           \
	  { M_STY_DM, M_BER_CHAIR, M_EST_SIG } }

#define ALLOW(w, act) { .who = w, .action = act, .allowed = true }
#define DENY(w, act, reason) { .who = w, .action = act, .why = reason }
#define IN_MUNI(w, m, ok, reason)                                            \
	{ .who = w, .action = ACT_REPORT_INCIDENT, .municipality = m,        \
	  .allowed = ok, .why = reason }
#define MEETING(w, g, ok, reason)                                            \
	{ .who = w, .action = ACT_RECORD_MEETING, .group = g, .allowed = ok, \
	  .why = reason }
#define UPDATE(w, o, ok, reason)                                             \
	{ .who = w, .action = ACT_UPDATE_INTERVENTION, .organisation = o,    \
	  .allowed = ok, .why = reason }
#define COOPT(w, ok, reason)                                                 \
	{ .who = w, .action = ACT_COOPT_MEMBER, .allowed = ok, .why = reason }
#define APPOINT(w, r, ok, reason)                                            \
	{ .who = w, .action = ACT_COOPT_MEMBER, .role = r, .allowed = ok,    \
	  .why = reason }
#define DECIDE(w, o, ok, reason)                                             \
	{ .who = w, .action = ACT_DECIDE, .organisation = o, .allowed = ok,  \
	  .why = reason }
#define SOURCE(w, o, ok, reason)                                             \
	{ .who = w, .action = ACT_NAME_SOURCE, .organisation = o,            \
	  .allowed = ok, .why = reason }

#define R_AUTH "authentication"
#define R_DISABLED "disabled"
#define R_ANY "membership of a group"
#define R_BER "beredningsgrupp or the styrgrupp"
#define R_ADMIN "requires the admin right"
/* clang-format on */

static struct policy_case cases[] = {
	/* read shared data: any tier */
	DENY(NOBODY, ACT_READ_SHARED, R_ANY),
	ALLOW(EST_SIG, ACT_READ_SHARED),
	ALLOW(BER, ACT_READ_SHARED),
	ALLOW(STY, ACT_READ_SHARED),
	ALLOW(DM_NONPARTY, ACT_READ_SHARED),
	DENY(ADMIN, ACT_READ_SHARED, R_ANY),
	DENY(INACTIVE, ACT_READ_SHARED, R_DISABLED),
	DENY(UNAUTH, ACT_READ_SHARED, R_AUTH),

	/* read the directory: any tier or admin */
	DENY(NOBODY, ACT_READ_DIRECTORY, "admin right"),
	ALLOW(EST_SIG, ACT_READ_DIRECTORY),
	ALLOW(BER, ACT_READ_DIRECTORY),
	ALLOW(STY, ACT_READ_DIRECTORY),
	ALLOW(ADMIN, ACT_READ_DIRECTORY),
	DENY(INACTIVE, ACT_READ_DIRECTORY, R_DISABLED),
	DENY(UNAUTH, ACT_READ_DIRECTORY, R_AUTH),

	/* report an incident: arbetsgrupp for its municipality, beredning+ any */
	IN_MUNI(EST_SIG, "sigtuna", true, ""),
	IN_MUNI(EST_SIG, "sollentuna", false, "arbetsgrupp of that municipality"),
	IN_MUNI(EST_SIG, "", false, "arbetsgrupp of that municipality"),
	IN_MUNI(EST_SIG_CHAIR, "upplands-vasby", false, "arbetsgrupp"),
	IN_MUNI(EST_TWO, "sollentuna", true, ""),
	IN_MUNI(EST_TWO, "upplands-vasby", false, "arbetsgrupp"),
	IN_MUNI(BER, "sollentuna", true, ""),
	IN_MUNI(BER, "sigtuna", true, ""),
	IN_MUNI(EST_AND_BER, "upplands-vasby", true, ""),
	IN_MUNI(STY, "sigtuna", true, ""),
	IN_MUNI(DM_SIG, "sollentuna", true, ""),
	IN_MUNI(NOBODY, "sigtuna", false, R_BER),
	IN_MUNI(ADMIN, "sigtuna", false, R_BER),
	IN_MUNI(INACTIVE, "sigtuna", false, R_DISABLED),
	IN_MUNI(UNAUTH, "sigtuna", false, R_AUTH),

	/* record a meeting of group G: a member of G, or beredning+ */
	MEETING(EST_SIG, "est-sigtuna", true, ""),
	MEETING(EST_SIG_CHAIR, "est-sigtuna", true, ""),
	MEETING(EST_SIG, "est-sollentuna", false, "that group"),
	MEETING(EST_SIG, "beredningsgrupp", false, "that group"),
	MEETING(EST_SIG, "styrgrupp", false, "that group"),
	MEETING(BER, "est-sollentuna", true, ""),
	MEETING(BER, "styrgrupp", true, ""),
	MEETING(STY, "est-sigtuna", true, ""),
	MEETING(STY, "beredningsgrupp", true, ""),
	MEETING(NOBODY, "est-sigtuna", false, "that group"),
	MEETING(ADMIN, "styrgrupp", false, "that group"),
	MEETING(INACTIVE, "styrgrupp", false, R_DISABLED),

	/* update an intervention: its responsible organisation (any tier),
	 * or beredning+ */
	UPDATE(EST_SIG, "sigtuna", true, ""),
	UPDATE(EST_SIG, "polisen", false, "responsible organisation"),
	UPDATE(EST_SIG, "", false, "responsible organisation"),
	UPDATE(EST_TWO, "polisen", true, ""),
	UPDATE(NOBODY, "sigtuna", false, "responsible organisation"),
	UPDATE(BER, "sigtuna", true, ""),
	UPDATE(STY, "polisen", true, ""),
	UPDATE(ADMIN, "polisen", false, "responsible organisation"),
	UPDATE(INACTIVE, "polisen", false, R_DISABLED),

	/* create/edit plans and interventions: beredning+ */
	DENY(NOBODY, ACT_EDIT_PLANS, R_BER),
	DENY(EST_SIG, ACT_EDIT_PLANS, R_BER),
	DENY(EST_SIG_CHAIR, ACT_EDIT_PLANS, R_BER),
	ALLOW(BER, ACT_EDIT_PLANS),
	ALLOW(STY, ACT_EDIT_PLANS),
	DENY(ADMIN, ACT_EDIT_PLANS, R_BER),
	DENY(INACTIVE, ACT_EDIT_PLANS, R_DISABLED),

	/* create/edit/submit/withdraw proposals: beredning+ */
	DENY(NOBODY, ACT_EDIT_PROPOSALS, R_BER),
	DENY(EST_SIG, ACT_EDIT_PROPOSALS, R_BER),
	ALLOW(BER, ACT_EDIT_PROPOSALS),
	ALLOW(BER_CHAIR, ACT_EDIT_PROPOSALS),
	ALLOW(STY, ACT_EDIT_PROPOSALS),
	ALLOW(DM_SIG, ACT_EDIT_PROPOSALS),
	DENY(ADMIN, ACT_EDIT_PROPOSALS, R_BER),
	DENY(UNAUTH, ACT_EDIT_PROPOSALS, R_AUTH),

	/* edit follow-up drafts: beredning+ */
	DENY(NOBODY, ACT_EDIT_FOLLOWUP, R_BER),
	DENY(EST_SIG, ACT_EDIT_FOLLOWUP, R_BER),
	ALLOW(BER, ACT_EDIT_FOLLOWUP),
	ALLOW(STY, ACT_EDIT_FOLLOWUP),
	DENY(ADMIN, ACT_EDIT_FOLLOWUP, R_BER),
	DENY(INACTIVE, ACT_EDIT_FOLLOWUP, R_DISABLED),

	/* co-opt a member: the chair of the beredningsgrupp, or admin (into
	 * which groups is the group's fact, checked under its lock) */
	COOPT(BER_CHAIR, true, ""),
	COOPT(BER, false, "chair of the beredningsgrupp"),
	COOPT(EST_SIG_CHAIR, false, "chair of the beredningsgrupp"),
	COOPT(STY, false, "chair of the beredningsgrupp"),
	COOPT(STY_CHAIR, false, "chair of the beredningsgrupp"),
	COOPT(DM_SIG, false, "chair of the beredningsgrupp"),
	COOPT(NOBODY, false, "chair of the beredningsgrupp"),
	COOPT(ADMIN, true, ""),
	COOPT(INACTIVE, false, R_DISABLED),
	COOPT(UNAUTH, false, R_AUTH),

	/* appoint a role while adding a member: the admin only */
	APPOINT(ADMIN, ROLE_CHAIR, true, ""),
	APPOINT(ADMIN, ROLE_DECISION_MAKER, true, ""),
	APPOINT(BER_CHAIR, ROLE_CHAIR, false, "only an admin may appoint"),
	APPOINT(BER_CHAIR, ROLE_DECISION_MAKER, false, "only an admin may appoint"),

	/* decide for O: a styrgrupp decision_maker of O, O a party, never an
	 * admin (O affected and not yet decided is checked under the
	 * proposal's lock, by the decision itself) */
	DECIDE(DM_SIG, "sigtuna", true, ""),
	DECIDE(ADMIN_DM, "polisen", false, "admin right does not include deciding"),
	DECIDE(DM_SIG, "polisen", false, "deciding organisation"),
	DECIDE(DM_SIG, "", false, "deciding organisation"),
	DECIDE(DM_NONPARTY, "bostadsbolaget", false, "not a party"),
	DECIDE(STY, "upplands-vasby", false, "decision-maker of the styrgrupp"),
	DECIDE(STY_CHAIR, "polisen", false, "decision-maker of the styrgrupp"),
	DECIDE(BER_CHAIR, "sollentuna", false, "decision-maker of the styrgrupp"),
	DECIDE(BER_DM, "sigtuna", false, "decision-maker of the styrgrupp"),
	DECIDE(EST_SIG, "sigtuna", false, "decision-maker of the styrgrupp"),
	DECIDE(NOBODY, "sigtuna", false, "decision-maker of the styrgrupp"),
	DECIDE(ADMIN, "polisen", false, "admin right does not include deciding"),
	DECIDE(INACTIVE, "polisen", false, R_DISABLED),
	DECIDE(UNAUTH, "polisen", false, R_AUTH),

	/* name an incident's source organisation: one's own only */
	SOURCE(EST_SIG, "sigtuna", true, ""),
	SOURCE(BER, "sollentuna", true, ""),
	SOURCE(EST_SIG, "polisen", false, "organisation of the one who reports it"),
	SOURCE(STY, "sigtuna", false, "organisation of the one who reports it"),
	SOURCE(EST_SIG, "", false, "organisation of the one who reports it"),
	SOURCE(INACTIVE, "polisen", false, R_DISABLED),

	/* read the audit log: styrgrupp members and admins */
	ALLOW(STY, ACT_READ_AUDIT),
	ALLOW(STY_CHAIR, ACT_READ_AUDIT),
	ALLOW(DM_SIG, ACT_READ_AUDIT),
	ALLOW(ADMIN, ACT_READ_AUDIT),
	DENY(BER, ACT_READ_AUDIT, "styrgrupp or the admin right"),
	DENY(BER_CHAIR, ACT_READ_AUDIT, "styrgrupp or the admin right"),
	DENY(EST_SIG, ACT_READ_AUDIT, "styrgrupp or the admin right"),
	DENY(NOBODY, ACT_READ_AUDIT, "styrgrupp or the admin right"),
	DENY(INACTIVE, ACT_READ_AUDIT, R_DISABLED),
	DENY(UNAUTH, ACT_READ_AUDIT, R_AUTH),

	/* manage organisations, users, groups, memberships: admins */
	ALLOW(ADMIN, ACT_ADMIN),
	ALLOW(ADMIN_DM, ACT_ADMIN),
	DENY(STY, ACT_ADMIN, R_ADMIN),
	DENY(DM_SIG, ACT_ADMIN, R_ADMIN),
	DENY(BER_CHAIR, ACT_ADMIN, R_ADMIN),
	DENY(EST_SIG, ACT_ADMIN, R_ADMIN),
	DENY(NOBODY, ACT_ADMIN, R_ADMIN),
	DENY(INACTIVE, ACT_ADMIN, R_DISABLED),
	DENY(UNAUTH, ACT_ADMIN, R_AUTH),

	/* read the outbox's counts and failed mails: admins only (a failure
	 * names a person's address); no tier or role reaches it */
	ALLOW(ADMIN, ACT_READ_OUTBOX),
	ALLOW(ADMIN_DM, ACT_READ_OUTBOX),
	DENY(STY, ACT_READ_OUTBOX, R_ADMIN),
	DENY(STY_CHAIR, ACT_READ_OUTBOX, R_ADMIN),
	DENY(DM_SIG, ACT_READ_OUTBOX, R_ADMIN),
	DENY(DM_NONPARTY, ACT_READ_OUTBOX, R_ADMIN),
	DENY(BER, ACT_READ_OUTBOX, R_ADMIN),
	DENY(BER_CHAIR, ACT_READ_OUTBOX, R_ADMIN),
	DENY(EST_SIG, ACT_READ_OUTBOX, R_ADMIN),
	DENY(EST_SIG_CHAIR, ACT_READ_OUTBOX, R_ADMIN),
	DENY(NOBODY, ACT_READ_OUTBOX, R_ADMIN),
	DENY(INACTIVE, ACT_READ_OUTBOX, R_DISABLED),
	DENY(UNAUTH, ACT_READ_OUTBOX, R_AUTH),
};

#define N_CASES (sizeof cases / sizeof cases[0])

static void copy_slug(char dst[POLICY_SLUG_MAX], const char *src)
{
	snprintf(dst, POLICY_SLUG_MAX, "%s", src);
}

static void make_actor(const struct who *w, struct policy_actor *a)
{
	memset(a, 0, sizeof *a);
	a->authenticated = w->authenticated;
	a->active = w->active;
	a->admin = w->admin;
	a->organisation_party = w->party;
	copy_slug(a->organisation, w->org);
	a->n_memberships = w->n;
	for (size_t i = 0; i < w->n; i++) {
		copy_slug(a->memberships[i].group, w->ms[i].group);
		a->memberships[i].tier = w->ms[i].tier;
		a->memberships[i].role = w->ms[i].role;
		copy_slug(a->memberships[i].municipality, w->ms[i].municipality);
	}
}

ParameterizedTestParameters(policy, table)
{
	return cr_make_param_array(struct policy_case, cases, N_CASES);
}

TableTest(struct policy_case *c, policy, table, table_none, table_none)
{
	struct policy_actor a;
	struct policy_target t = {
		.municipality = c->municipality,
		.group = c->group,
		.organisation = c->organisation,
		.role = c->role,
	};
	const char *why = "unset";
	const char *act = policy_action_name(c->action);
	bool ok;

	make_actor(&c->who, &a);
	ok = policy_check(&a, c->action, &t, &why);
	cr_assert_eq(ok, c->allowed, "%s %s: expected %s, reason \"%s\"", c->who.name, act,
		     c->allowed ? "allowed" : "refused", why ? why : "(none)");
	if (ok) {
		cr_assert_null(why, "%s %s", c->who.name, act);
		return;
	}
	cr_assert(why && why[0], "%s %s: no reason", c->who.name, act);
	cr_assert(strstr(why, c->why), "%s %s: reason \"%s\" lacks \"%s\"", c->who.name, act, why,
		  c->why);
}

Test(policy, table_covers_every_action_both_ways)
{
	for (int act = 0; act < ACT__COUNT; act++) {
		bool allowed = false, refused = false;

		for (size_t i = 0; i < N_CASES; i++) {
			if ((int)cases[i].action != act)
				continue;
			if (cases[i].allowed)
				allowed = true;
			else
				refused = true;
		}
		cr_assert(allowed && refused, "action %s lacks %s rows",
			  policy_action_name((enum policy_action)act),
			  allowed ? "refused" : "allowed");
	}
}

Test(policy, refused_rows_name_a_reason)
{
	for (size_t i = 0; i < N_CASES; i++)
		if (!cases[i].allowed)
			cr_assert(cases[i].why[0], "row %zu has no reason to check", i);
}

Test(policy, null_and_missing_target)
{
	struct policy_actor a;
	struct who est = EST_SIG, ber = BER, dm = DM_SIG;
	const char *why = NULL;

	cr_assert_not(policy_check(NULL, ACT_READ_SHARED, NULL, &why));
	cr_assert_str_eq(why, "requires authentication");

	make_actor(&est, &a);
	cr_assert_not(policy_check(&a, ACT_REPORT_INCIDENT, NULL, NULL));
	cr_assert_not(policy_check(&a, ACT_RECORD_MEETING, NULL, NULL));
	cr_assert_not(policy_check(&a, ACT_UPDATE_INTERVENTION, NULL, NULL));
	cr_assert(policy_check(&a, ACT_READ_SHARED, NULL, NULL));

	make_actor(&ber, &a);
	cr_assert(policy_check(&a, ACT_REPORT_INCIDENT, NULL, NULL));
	cr_assert(policy_check(&a, ACT_EDIT_PLANS, NULL, NULL));

	make_actor(&dm, &a);
	cr_assert_not(policy_check(&a, ACT_DECIDE, NULL, &why));
	cr_assert_not_null(why);
	cr_assert_not(policy_check(&a, ACT__COUNT, NULL, &why));
	cr_assert_str_eq(why, "unknown action");
}

Test(policy, empty_slugs_never_match)
{
	struct policy_actor a;
	struct policy_target t = { .municipality = "", .group = "", .organisation = "" };
	struct who w = WHO("blank", "", false, { "", TIER_ARBETSGRUPP, ROLE_MEMBER, "" }, M_END);

	make_actor(&w, &a);
	cr_assert_not(policy_check(&a, ACT_REPORT_INCIDENT, &t, NULL));
	cr_assert_not(policy_check(&a, ACT_RECORD_MEETING, &t, NULL));
	cr_assert_not(policy_check(&a, ACT_UPDATE_INTERVENTION, &t, NULL));
}

struct tier_case {
	struct who who;
	enum policy_tier tier;
};

ParameterizedTestParameters(policy, tier)
{
	static struct tier_case cases_[] = {
		{ NOBODY, TIER_NONE },
		{ EST_SIG, TIER_ARBETSGRUPP },
		{ EST_TWO, TIER_ARBETSGRUPP },
		{ BER, TIER_BEREDNINGSGRUPP },
		{ EST_AND_BER, TIER_BEREDNINGSGRUPP },
		{ STY, TIER_STYRGRUPP },
		{ ADMIN, TIER_NONE },
		{ INACTIVE, TIER_STYRGRUPP },
		{ WHO("bad-tier", "x", false, { "g", (enum policy_tier)7, ROLE_MEMBER, "" },
		      M_EST_SIG, M_END),
		  TIER_ARBETSGRUPP },
	};
	return cr_make_param_array(struct tier_case, cases_, sizeof cases_ / sizeof cases_[0]);
}

TableTest(struct tier_case *c, policy, tier, table_none, table_none)
{
	struct policy_actor a;

	make_actor(&c->who, &a);
	cr_assert_eq(policy_tier(&a), c->tier, "%s", c->who.name);
}

Test(policy, tier_is_capped_by_the_array)
{
	struct policy_actor a;

	memset(&a, 0, sizeof a);
	a.n_memberships = POLICY_MAX_MEMBERSHIPS + 1000;
	a.memberships[POLICY_MAX_MEMBERSHIPS - 1].tier = TIER_BEREDNINGSGRUPP;
	cr_assert_eq(policy_tier(&a), TIER_BEREDNINGSGRUPP);
	cr_assert_eq(policy_tier(NULL), TIER_NONE);
}

Test(policy, names)
{
	static const char *const actions[ACT__COUNT] = {
		"read_shared",    "read_directory",      "report_incident",
		"record_meeting", "update_intervention", "edit_plans",
		"edit_proposals", "edit_followup",       "coopt_member",
		"decide",         "name_source",         "read_audit",
		"admin",          "read_outbox",
	};
	enum policy_role r;

	for (int i = 0; i < ACT__COUNT; i++)
		cr_assert_str_eq(policy_action_name((enum policy_action)i), actions[i]);
	cr_assert_null(policy_action_name(ACT__COUNT));

	cr_assert_null(policy_tier_name(TIER_NONE));
	for (int t = TIER_ARBETSGRUPP; t <= TIER_STYRGRUPP; t++)
		cr_assert_eq(policy_tier_parse(policy_tier_name((enum policy_tier)t)), t);
	cr_assert_str_eq(policy_tier_name(TIER_STYRGRUPP), "styrgrupp");
	cr_assert_str_eq(policy_tier_name(TIER_BEREDNINGSGRUPP), "beredningsgrupp");
	cr_assert_str_eq(policy_tier_name(TIER_ARBETSGRUPP), "arbetsgrupp");
	cr_assert_null(policy_tier_name((enum policy_tier)9));
	cr_assert_eq(policy_tier_parse("Styrgrupp"), TIER_NONE);
	cr_assert_eq(policy_tier_parse(""), TIER_NONE);
	cr_assert_eq(policy_tier_parse(NULL), TIER_NONE);

	cr_assert_str_eq(policy_role_name(ROLE_MEMBER), "member");
	cr_assert_str_eq(policy_role_name(ROLE_CHAIR), "chair");
	cr_assert_str_eq(policy_role_name(ROLE_DECISION_MAKER), "decision_maker");
	cr_assert_null(policy_role_name((enum policy_role)3));
	cr_assert_eq(policy_role_parse("chair", &r), 0);
	cr_assert_eq(r, ROLE_CHAIR);
	cr_assert_eq(policy_role_parse("decision_maker", &r), 0);
	cr_assert_eq(r, ROLE_DECISION_MAKER);
	cr_assert_eq(policy_role_parse("member", &r), 0);
	cr_assert_eq(r, ROLE_MEMBER);
	cr_assert_eq(policy_role_parse("decision-maker", &r), -1);
	cr_assert_eq(policy_role_parse("admin", &r), -1);
	cr_assert_eq(policy_role_parse(NULL, &r), -1);
}
