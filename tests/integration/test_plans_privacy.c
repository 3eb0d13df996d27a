/*
 * The agreement's data twice over and without personal data: the seed
 * loaded twice gives one agreement, its focus areas and plans once; a
 * personnummer in any free-text field of the plans, interventions and
 * their log is refused with 422 naming the field, and nothing is stored.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "../table.h"
#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(plans_privacy, e, .timeout = 120);

Test(plans_privacy, the_seed_loaded_twice_gives_one_agreement)
{
	const char *seed = strf(&e, "%s/deploy/seed/seed.json", harness_top_dir());
	const char *pw = strf(&e, "%s/admin-password-again", e.dir);
	struct proc *p = samverkand(&e, "seed", seed, "--admin-password-file", pw);

	cr_assert_eq(p->status, 0, "the second seed failed: %s", p->err);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreements"), 1);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.focus_areas"), 4);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.action_plans"), 3);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.agreement_parties"), 4);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), 4);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users WHERE username = 'admin'"), 1);
}

/* One free-text field of one kind of write. */
struct pnr_case {
	char what[16]; /* plan, focus_area, intervention, update */
	char field[24];
};

ParameterizedTestParameters(plans_privacy, a_personnummer_is_refused_in_every_text_field)
{
	static struct pnr_case cases[] = {
		{ "plan", "title" },
		{ "focus_area", "title" },
		{ "focus_area", "goal" },
		{ "intervention", "title" },
		{ "intervention", "cause" },
		{ "intervention", "description" },
		{ "intervention", "operational_goal" },
		{ "intervention", "responsible_role" },
		{ "update", "note" },
		{ "update", "channel" },
	};
	return cr_make_param_array(struct pnr_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct pnr_case *c, plans_privacy, a_personnummer_is_refused_in_every_text_field,
	  table_none, table_none)
{
	static const char *tok;
	const char *agreement = sql_value(&e, "SELECT id::text FROM svk.agreements");
	const char *plan = sql_value(
	    &e, "SELECT p.id::text FROM svk.action_plans p JOIN svk.organisations o "
		"ON o.id = p.municipality_id WHERE o.slug = 'sigtuna'");
	const char *fa = sql_value(&e, "SELECT id::text FROM svk.focus_areas WHERE ordinal = 4");
	const char *pnr = "Kontakt 811218-9876 efter mötet";
	const char *count_sql = NULL, *path = NULL;
	json_t *body = NULL;
	struct resp *r;
	long before;

	/* One member for every row: the rows share the daemon. */
	if (!tok)
		tok = user_in_group(&e, "bg.privacy", "sollentuna", "beredningsgrupp", "member");
	cr_assert(tok && agreement && plan && fa);
	if (strcmp(c->what, "plan") == 0) {
		/* A plan's own text: its title, on a PATCH. */
		body = json_pack("{s:s}", "title", pnr);
		path = strf(&e, "/v1/action-plans/%s", plan);
		count_sql = "SELECT count(*) FROM svk.action_plans WHERE title LIKE '%811218%'";
	} else if (strcmp(c->what, "focus_area") == 0) {
		body = json_pack("{s:i, s:s, s:s}", "ordinal", 9, "title", "Tema", "goal", "Mål");
		json_object_set_new(body, c->field, json_string(pnr));
		path = strf(&e, "/v1/agreements/%s/focus-areas", agreement);
		count_sql = "SELECT count(*) FROM svk.focus_areas";
	} else if (strcmp(c->what, "intervention") == 0) {
		body = json_pack("{s:s, s:s, s:s}", "title", "Insats", "focus_area", fa,
				 "responsible_organisation", "sigtuna");
		json_object_set_new(body, c->field, json_string(pnr));
		path = strf(&e, "/v1/action-plans/%s/interventions", plan);
		count_sql = "SELECT count(*) FROM svk.interventions";
	} else {
		struct resp *iv = http(&e, "POST",
				       strf(&e, "/v1/action-plans/%s/interventions", plan), tok,
				       jsonf(&e, "{s:s, s:s, s:s}", "title", "Insats", "focus_area",
					     fa, "responsible_organisation", "sigtuna"));
		cr_assert_eq(iv->status, 201, "%s", resp_why(iv));
		body = json_pack("{s:s}", "note", "Uppföljning");
		json_object_set_new(body, c->field, json_string(pnr));
		path = strf(&e, "/v1/interventions/%s/updates", resp_str(iv, "id"));
		count_sql = "SELECT count(*) FROM svk.intervention_updates";
	}
	cr_assert_not_null(body);
	before = sql_count(&e, count_sql);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	cr_assert_not_null(text);
	r = http(&e, strcmp(c->what, "plan") == 0 ? "PATCH" : "POST", path, tok,
		 strf(&e, "%s", text));
	free(text);
	cr_expect_eq(r->status, 422, "%s.%s: %s", c->what, c->field, resp_why(r));
	cr_expect_str_eq(resp_code(r), "validation");
	cr_expect(resp_names_field(r, c->field), "%s.%s: the problem does not name the field: %s",
		  c->what, c->field, resp_why(r));
	cr_expect_eq(sql_count(&e, count_sql), before, "%s.%s: something was stored", c->what,
		     c->field);
}
