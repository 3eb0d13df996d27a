/*
 * What a chair of the beredningsgrupp may do with memberships (SPEC §3):
 * co-opt a plain member into the beredningsgrupp or an arbetsgrupp with a
 * mandatory `until` between today and the agreement's end, change that
 * `until`, and remove that co-option — only the memberships they co-opted.
 * Everything else is the admin's: 403 `forbidden`, audited, nothing
 * changed. A bad `until` is 422 naming `until`, nothing stored.
 *
 * Dates are computed from the agreement in force, never fixed: should the
 * seeded agreement be about to end when the tests run, it is made to run
 * a week more first.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(coopt, e, .timeout = 120);

/* The end of the agreement in force, at least a week from today. */
static const char *agreement_end(void)
{
	return agreement_in_force(&e, 7);
}

/* A date relative to d, as text. */
static const char *day(const char *d, int plus)
{
	return sql_value(&e, "SELECT ($1::date + $2::int)::text", d, strf(&e, "%d", plus));
}

static const char *until_body(const char *until)
{
	return jsonf(&e, "{s:s, s:s}", "role", "member", "until", until);
}

/* The stored membership as "role until coopted_by" (NULLs as "-"), or
 * "none". */
static const char *stored(const char *group, const char *username)
{
	struct sqlres *r = sql_query(
	    &e,
	    "SELECT m.role || ' ' || coalesce(m.until::text, '-') || ' ' || "
	    "coalesce(c.username, '-') FROM svk.memberships m "
	    "JOIN svk.groups g ON g.id = m.group_id JOIN svk.users u ON u.id = m.user_id "
	    "LEFT JOIN svk.users c ON c.id = m.coopted_by WHERE g.slug = $1 AND u.username = $2",
	    group, username);

	cr_assert(r->ok, "%s", r->error);
	return r->nrows ? sql_cell(r, 0, 0) : "none";
}

static long membership_writes(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action LIKE 'membership.%'");
}

/* A 422 naming until, and nothing written. */
static void expect_bad_until(const char *tok, const char *path, const char *body, const char *what)
{
	long writes = membership_writes();
	struct resp *r = http(&e, "PUT", path, tok, body);

	expect_invalid(r, "until", what);
	cr_expect_eq(membership_writes(), writes, "%s: a membership was written", what);
}

Test(coopt, a_co_option_ends_between_today_and_the_agreements_end)
{
	const char *chair = user_in_group(&e, "cecilia.ordf", "sollentuna", "beredningsgrupp",
					  "chair");
	const char *end = agreement_end();
	const char *path = "/v1/groups/est-sigtuna/members/hugo.hem";
	const char *today = sql_value(&e, "SELECT svk.today()::text");
	struct resp *r;

	user_create(&e, "hugo.hem", "sigtuna");
	expect_bad_until(chair, path, "{\"role\":\"member\"}", "no until");
	expect_bad_until(chair, path, "{\"role\":\"member\",\"until\":null}", "until null");
	expect_bad_until(chair, path, until_body(day(end, 1)), "after the agreement's end");
	expect_bad_until(chair, path, until_body(day(today, -1)), "yesterday");
	cr_expect_str_eq(stored("est-sigtuna", "hugo.hem"), "none");

	r = http(&e, "PUT", path, chair, until_body(end));
	cr_expect_eq(r->status, 201, "co-opt until the agreement's end: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "until"), end);
	cr_expect_str_eq(resp_str(r, "coopted_by"), "cecilia.ordf");
	cr_expect_str_eq(stored("est-sigtuna", "hugo.hem"),
			 strf(&e, "member %s cecilia.ordf", end));

	/* Their own co-option: a new until within the bounds, not without. */
	r = http(&e, "PUT", path, chair, until_body(today));
	cr_expect_eq(r->status, 200, "until today: %s", resp_why(r));
	expect_bad_until(chair, path, "{\"role\":\"member\"}", "made permanent");
	expect_bad_until(chair, path, until_body(day(today, -1)), "expired by a past until");
	expect_bad_until(chair, path, until_body(day(end, 1)), "moved past the end");
	cr_expect_str_eq(stored("est-sigtuna", "hugo.hem"),
			 strf(&e, "member %s cecilia.ordf", today));

	/* The listing says who co-opted. */
	r = http(&e, "GET", "/v1/groups/est-sigtuna/members", chair, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "items.0.coopted_by"), "cecilia.ordf");

	r = http(&e, "DELETE", path, chair, NULL);
	cr_expect_eq(r->status, 204, "removing their co-option: %s", resp_why(r));
	cr_expect_str_eq(stored("est-sigtuna", "hugo.hem"), "none");
}

Test(coopt, a_chair_touches_only_the_memberships_they_co_opted)
{
	const char *chair = user_in_group(&e, "cecilia.ordf", "sollentuna", "beredningsgrupp",
					  "chair");
	const char *other = user_in_group(&e, "olof.ordf", "sigtuna", "beredningsgrupp", "chair");
	const char *end = agreement_end();
	const char *body = until_body(end);
	const char *past = until_body(day(sql_value(&e, "SELECT svk.today()::text"), -1));
	struct resp *r;

	user_in_group(&e, "bertil.ber", "sigtuna", "beredningsgrupp", "member");
	user_in_group(&e, "eva.estordf", "sigtuna", "est-sigtuna", "chair");
	user_create(&e, "hugo.hem", "sigtuna");
	r = http(&e, "PUT", "/v1/groups/est-sigtuna/members/hugo.hem", other, body);
	cr_assert_eq(r->status, 201, "the other chair's co-option: %s", resp_why(r));

	/* The admin's members: not removed, expired, dated or demoted. */
	expect_refused_request(&e, "cecilia.ordf", chair, "DELETE",
			       "/v1/groups/beredningsgrupp/members/bertil.ber", NULL, "co-opted");
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/beredningsgrupp/members/bertil.ber", past, "co-opted");
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/beredningsgrupp/members/bertil.ber", body, "co-opted");
	expect_refused_request(&e, "cecilia.ordf", chair, "DELETE",
			       "/v1/groups/est-sigtuna/members/eva.estordf", NULL, "co-opted");
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/est-sigtuna/members/eva.estordf", body, "co-opted");
	/* Nor another chair's co-option, nor the other chair. */
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/est-sigtuna/members/hugo.hem", body, "co-opted");
	expect_refused_request(&e, "cecilia.ordf", chair, "DELETE",
			       "/v1/groups/est-sigtuna/members/hugo.hem", NULL, "co-opted");
	expect_refused_request(&e, "cecilia.ordf", chair, "DELETE",
			       "/v1/groups/beredningsgrupp/members/olof.ordf", NULL, "co-opted");
	/* Refused before the until is looked at. */
	expect_refused_request(&e, "cecilia.ordf", chair, "PUT",
			       "/v1/groups/beredningsgrupp/members/bertil.ber",
			       "{\"role\":\"member\"}", "co-opted");

	cr_expect_str_eq(stored("beredningsgrupp", "bertil.ber"), "member - -");
	cr_expect_str_eq(stored("est-sigtuna", "eva.estordf"), "chair - -");
	cr_expect_str_eq(stored("beredningsgrupp", "olof.ordf"), "chair - -");
	cr_expect_str_eq(stored("est-sigtuna", "hugo.hem"), strf(&e, "member %s olof.ordf", end));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships"), 5);
}

Test(coopt, the_admin_manages_every_membership)
{
	const char *chair = user_in_group(&e, "cecilia.ordf", "sollentuna", "beredningsgrupp",
					  "chair");
	const char *path = "/v1/groups/beredningsgrupp/members/hugo.hem";
	const char *end = agreement_end();
	struct resp *r;

	user_create(&e, "hugo.hem", "sigtuna");
	r = http(&e, "PUT", path, chair, until_body(end));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));

	/* The admin's change makes the membership the admin's. */
	r = http(&e, "PUT", path, admin_token(&e), "{\"role\":\"member\"}");
	cr_expect_eq(r->status, 200, "the admin makes it permanent: %s", resp_why(r));
	cr_expect(json_is_null(resp_get(r, "coopted_by")), "%s", r->body);
	cr_expect_str_eq(stored("beredningsgrupp", "hugo.hem"), "member - -");
	expect_refused_request(&e, "cecilia.ordf", chair, "DELETE", path, NULL, "co-opted");
	cr_expect_str_eq(stored("beredningsgrupp", "hugo.hem"), "member - -");

	r = http(&e, "DELETE", path, admin_token(&e), NULL);
	cr_expect_eq(r->status, 204, "%s", resp_why(r));
	cr_expect_str_eq(stored("beredningsgrupp", "hugo.hem"), "none");
}
