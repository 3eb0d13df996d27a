/*
 * The web interface's words: every refusal a decision can meet — the
 * policy's and the decision function's — has a Swedish sentence of its
 * own, so that a changed English sentence cannot turn into the general
 * "Beslutet kunde inte registreras." unnoticed; the product's codes in
 * Swedish; amounts with a decimal comma.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "vocab.h"
#include "web/web_internal.h"

static const char *const generic = "Beslutet kunde inte registreras.";

static struct policy_actor actor(const char *org, bool party, bool admin, enum policy_role role)
{
	struct policy_actor a = { .authenticated = true, .active = true, .admin = admin };

	cr_assert(snprintf(a.organisation, sizeof a.organisation, "%s", org) <
		  (int)sizeof a.organisation);
	a.organisation_party = party;
	a.n_memberships = 1;
	cr_assert(snprintf(a.memberships[0].group, sizeof a.memberships[0].group, "styrgrupp") <
		  (int)sizeof a.memberships[0].group);
	a.memberships[0].tier = TIER_STYRGRUPP;
	a.memberships[0].role = role;
	return a;
}

static void expect_swedish(const char *english)
{
	const char *sv = sv_refusal(english);

	cr_assert(english, "no reason");
	cr_expect(sv && strcmp(sv, generic) != 0, "\"%s\" has no Swedish sentence", english);
}

Test(words, every_refusal_of_a_decision_by_the_policy_is_in_swedish)
{
	struct policy_actor cases[] = {
		actor("polisen", true, true, ROLE_DECISION_MAKER),
		actor("polisen", true, false, ROLE_MEMBER),
		actor("bostadsbolaget", false, false, ROLE_DECISION_MAKER),
	};
	struct policy_target own = { .organisation = "polisen" };
	struct policy_target other = { .organisation = "sigtuna" };
	struct policy_actor chief = actor("polisen", true, false, ROLE_DECISION_MAKER);
	const char *why = NULL;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert(!policy_check(&cases[i], ACT_DECIDE, &own, &why), "case %zu allowed", i);
		expect_swedish(why);
	}
	cr_assert(!policy_check(&chief, ACT_DECIDE, &other, &why));
	expect_swedish(why);
	cr_assert(policy_check(&chief, ACT_DECIDE, &own, NULL));
}

Test(words, every_refusal_of_the_decision_function_is_in_swedish)
{
	/* sql/functions/proposals.sql: proposal_decide and proposal_apply. */
	static const char *const messages[] = {
		"requires a decision-maker of the styrgrupp",
		"the proposal is draft; only a submitted proposal is decided",
		"the proposal is approved; only a submitted proposal is decided",
		"the proposal is rejected; only a submitted proposal is decided",
		"the proposal is withdrawn; only a submitted proposal is decided",
		"your organisation is not affected by this proposal",
		"your organisation has already decided in this round",
		"the action plan is already adopted",
		"the follow-up of 2025 is already adopted",
		"the agreement's end moved from 2026-12-31 to 2027-12-31; this extension can no "
		"longer take effect",
	};

	for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++)
		expect_swedish(messages[i]);
	cr_expect_str_eq(sv_refusal("the proposal is approved; only a submitted proposal is "
				    "decided"),
			 "Förslaget är redan godkänt och kan inte längre beslutas.");
	cr_expect_str_eq(sv_refusal("something new"), generic);
	cr_expect_str_eq(sv_refusal(NULL), generic);
}

Test(words, codes_in_swedish)
{
	cr_expect_str_eq(sv_kind("extension"), "Förlängning");
	cr_expect_str_eq(sv_kind("prioritisation"), "Prioritering");
	cr_expect_str_eq(sv_proposal_status("submitted"), "Väntar på beslut");
	cr_expect_str_eq(sv_proposal_status("approved"), "Godkänt");
	cr_expect_str_eq(sv_verdict("return"), "Återremitterat");
	cr_expect_str_eq(sv_verdict("unknown"), "unknown");
	cr_expect_null(sv_kind(NULL));
}

/* Every value of a "a|b|c" vocabulary has a word of its own in Swedish. */
static void expect_all_in_swedish(const char *choices, const char *(*sv)(const char *))
{
	char buf[200], *save = NULL;

	cr_assert(snprintf(buf, sizeof buf, "%s", choices) < (int)sizeof buf);
	for (char *c = strtok_r(buf, "|", &save); c; c = strtok_r(NULL, "|", &save))
		cr_expect(sv(c) && strcmp(sv(c), c) != 0, "\"%s\" has no Swedish word", c);
}

Test(words, plans_in_swedish)
{
	expect_all_in_swedish(VOCAB_INTERVENTION_STATUSES, sv_intervention_status);
	expect_all_in_swedish(VOCAB_RAGS, sv_rag);
	expect_all_in_swedish("draft|adopted", sv_plan_status);
	cr_expect_str_eq(sv_rag("green"), "Grön");
	cr_expect_str_eq(sv_rag("yellow"), "Gul");
	cr_expect_str_eq(sv_rag("red"), "Röd");
	cr_expect_str_eq(sv_intervention_status("ongoing"), "Pågående");
	cr_expect_str_eq(sv_plan_status("adopted"), "Antagen");
}

Test(words, amounts_with_a_decimal_comma)
{
	struct html h = { 0 };
	json_t *two = json_integer(2), *half = json_real(1.5);

	html_amount(&h, two);
	html_raw(&h, " ");
	html_amount(&h, half);
	cr_expect_str_eq(h.buf, "2 1,5");
	json_decref(two);
	json_decref(half);
	html_free(&h);
}
