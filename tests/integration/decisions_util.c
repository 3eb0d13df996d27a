/*
 * What the decision workflow's suites share (test_decisions.c,
 * test_decision_effects.c): the cast of users, the seed's ids, proposal
 * requests and the expectations on refusals, conflicts and `affected`.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decisions_util.h"

struct env e;

/* ---- the people ----------------------------------------------------------- */

static const struct {
	const char *username, *org, *group, *role;
} cast[N_WHO] = {
	[BERED] = { "bo.beredning", "sollentuna", "beredningsgrupp", "member" },
	[EST] = { "eva.est", "sigtuna", "est-sigtuna", "member" },
	[STYR] = { "stig.styr", "polisen", "styrgrupp", "member" },
	[DIRECTOR + POLISEN] = { "per.polischef", "polisen", "styrgrupp", "decision_maker" },
	[DIRECTOR +
	    SOLLENTUNA] = { "sara.sollentuna", "sollentuna", "styrgrupp", "decision_maker" },
	[DIRECTOR + VASBY] = { "ulf.vasby", "upplands-vasby", "styrgrupp", "decision_maker" },
	[DIRECTOR + SIGTUNA] = { "siv.sigtuna", "sigtuna", "styrgrupp", "decision_maker" },
	/* A second decision maker of the police. */
	[POLICE2] = { "pia.polis", "polisen", "styrgrupp", "decision_maker" },
};

/* The user's token; the user is made on first use (each test process has
 * its own database, so this cache is per test). */
const char *user(enum who w)
{
	static const char *tokens[N_WHO];

	if (!tokens[w])
		tokens[w] = user_in_group(&e, cast[w].username, cast[w].org, cast[w].group,
					  cast[w].role);
	return tokens[w];
}

const char *name(enum who w)
{
	return cast[w].username;
}

const char *director(int org)
{
	return user(DIRECTOR + org);
}

const char *director_name(int org)
{
	return name(DIRECTOR + org);
}

/* ---- the seed --------------------------------------------------------------- */

const char *agreement_id(void)
{
	return sql_value(&e, "SELECT id::text FROM svk.agreements");
}

const char *focus_area(int ordinal)
{
	return sql_value(&e, "SELECT id::text FROM svk.focus_areas WHERE ordinal = $1::int",
			 strf(&e, "%d", ordinal));
}

const char *plan_of(const char *municipality)
{
	return sql_value(&e,
			 "SELECT p.id::text FROM svk.action_plans p JOIN svk.organisations o "
			 "ON o.id = p.municipality_id WHERE o.slug = $1",
			 municipality);
}

/* ---- requests ------------------------------------------------------------------ */

const char *create(const char *tok, const char *body)
{
	struct resp *r = http(&e, "POST", "/v1/proposals", tok, body);
	const char *id = resp_str(r, "id");

	cr_assert_eq(r->status, 201, "create a proposal %s: %s", body, resp_why(r));
	cr_assert(id, "no id in %s", r->body);
	cr_expect_str_eq(resp_str(r, "status"), "draft");
	cr_expect_eq(json_integer_value(resp_get(r, "round")), 1);
	cr_expect(resp_header(r, "Location") &&
		      strcmp(resp_header(r, "Location"), strf(&e, "/v1/proposals/%s", id)) == 0,
		  "Location %s",
		  resp_header(r, "Location") ? resp_header(r, "Location") : "(none)");
	return strf(&e, "%s", id);
}

const char *extension_body(int years, const char *title)
{
	return jsonf(&e, "{s:s, s:s, s:s, s:s, s:s, s:i}", "agreement", agreement_id(), "kind",
		     "extension", "title", title, "background",
		     "Överenskommelsen löper ut 2026-12-31 och kan förlängas med upp till fyra år "
		     "i taget efter samråd mellan parterna.",
		     "proposal_text", "Styrgruppen förlänger överenskommelsen.", "extension_years",
		     years);
}

struct resp *proposal_post(const char *tok, const char *id, const char *what)
{
	return http(&e, "POST", strf(&e, "/v1/proposals/%s/%s", id, what), tok, NULL);
}

void submit_ok(const char *tok, const char *id)
{
	struct resp *r = proposal_post(tok, id, "submit");

	cr_assert_eq(r->status, 200, "submit %s: %s", id, resp_why(r));
	cr_assert_str_eq(resp_str(r, "status"), "submitted");
}

/* A decision; an empty comment is left out (the API takes no empty strings). */
struct resp *decide(const char *tok, const char *id, const char *verdict, const char *comment)
{
	const char *body = comment && comment[0]
			       ? jsonf(&e, "{s:s, s:s}", "verdict", verdict, "comment", comment)
			       : jsonf(&e, "{s:s}", "verdict", verdict);

	return http(&e, "POST", strf(&e, "/v1/proposals/%s/decisions", id), tok, body);
}

struct resp *decide_ok(const char *tok, const char *id, const char *verdict, const char *comment)
{
	struct resp *r = decide(tok, id, verdict, comment);

	cr_assert_eq(r->status, 201, "%s %s: %s", verdict, id, resp_why(r));
	return r;
}

struct resp *get_proposal(const char *tok, const char *id)
{
	struct resp *r = http(&e, "GET", strf(&e, "/v1/proposals/%s", id), tok, NULL);

	cr_assert_eq(r->status, 200, "GET proposal %s: %s", id, resp_why(r));
	return r;
}

long count_decisions(const char *id)
{
	return sql_count(&e, "SELECT count(*) FROM svk.decisions WHERE proposal_id = $1::uuid", id);
}

/* ---- refusals --------------------------------------------------------------- */

void expect_conflict(struct resp *r, const char *what)
{
	cr_expect_eq(r->status, 409, "%s: %s", what, resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict", "%s", what);
}

/* ---- JSON ----------------------------------------------------------------------- */

bool array_has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach (arr, i, v) {
		const char *t = json_string_value(v);
		if (t && strcmp(t, s) == 0)
			return true;
	}
	return false;
}

/* The proposal's `affected` is exactly the n organisations given. */
void expect_affected(const struct resp *r, const char *const want[], size_t n)
{
	json_t *aff = resp_get(r, "affected");
	char *text = json_dumps(aff, JSON_COMPACT);

	env_keep(&e, text ? text : strdup("(none)"), free);
	cr_expect(json_is_array(aff) && json_array_size(aff) == n,
		  "affected is %s, expected %zu organisations", text ? text : "(none)", n);
	for (size_t i = 0; i < n; i++)
		cr_expect(array_has(aff, want[i]), "affected %s lacks %s", text ? text : "(none)",
			  want[i]);
}

/* The items' ids of a list response. */
bool list_has_id(const struct resp *r, const char *id)
{
	json_t *items = resp_get(r, "items"), *it;
	size_t i;

	json_array_foreach (items, i, it) {
		const char *x = json_string_value(json_object_get(it, "id"));
		if (x && strcmp(x, id) == 0)
			return true;
	}
	return false;
}

long audit_rows(const char *action, const char *entity_id)
{
	return sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = $1 AND entity_id = $2",
			 action, entity_id);
}

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long today_days(void)
{
	return strtol(sql_value(&e, "SELECT (svk.today() - date '1970-01-01')::text"), NULL, 10);
}

const char *add_intervention(const char *t, const char *plan, int ordinal, const char *title,
			     const char *org)
{
	struct resp *r = http(&e, "POST", strf(&e, "/v1/action-plans/%s/interventions", plan), t,
			      jsonf(&e, "{s:s, s:s, s:s, s:s, s:s}", "title", title, "focus_area",
				    focus_area(ordinal), "responsible_organisation", org,
				    "responsible_role", "samordnare", "description",
				    "Genomförs enligt åtgärdsplanen"));

	cr_assert_eq(r->status, 201, "add intervention %s: %s", title, resp_why(r));
	return strf(&e, "%s", resp_str(r, "id"));
}
