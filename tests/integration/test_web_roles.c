/*
 * Each role in the browser: tests/web/roles.mjs signs in as an admin, a
 * decision maker of the styrgrupp, a member and the chair of the
 * beredningsgrupp and an EST member, and checks that each gets exactly
 * their navigation and, on the pages where the actions are, exactly the
 * actions their role has — the decision form on a proposal waiting for
 * their organisation, "Nytt förslag" and "Lägg till insats" (the
 * beredningsgrupp and up), withdrawing a submitted proposal, the incident
 * report, the meeting form, Adjungera (a chair of the beredningsgrupp). What the pages offer is the policy's
 * answer; the server's refusals of the rest are the other web suites'.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>

#include "decisions_util.h"
#include "web_util.h"

ENV_SHARED_SUITE(web_roles, e, .timeout = 240);

/* {"path": path, "has": [...], "hasNot": [...]}: has and absent are lists of
 * texts separated by '|' ("" for none). */
static json_t *page(const char *path, const char *has, const char *absent)
{
	json_t *o = json_pack("{s:s, s:[], s:[]}", "path", path, "has", "hasNot");
	const char *lists[2] = { has, absent }, *keys[2] = { "has", "hasNot" };

	cr_assert(o);
	for (int k = 0; k < 2; k++) {
		char *copy = strdup(lists[k]), *save = NULL;

		cr_assert(copy);
		for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save))
			cr_assert(json_array_append_new(json_object_get(o, keys[k]),
							json_string(t)) == 0);
		free(copy);
	}
	return o;
}

Test(web_roles, each_role_gets_its_navigation_and_actions)
{
	static const char *const all[] = { "Översikt",      "Att besluta", "Förslag",
					   "Åtgärdsplaner", "Lägesbild",   "Möten",
					   "Uppföljning" };
	const char *ext = create(user(BERED), extension_body(4, "Förlängning av avtalet"));
	const char *plan = plan_of("sigtuna");
	const char *prop = strf(&e, "/forslag/%s", ext);
	const char *board = strf(&e, "/atgardsplaner/%s", plan);
	json_t *roles = json_array(), *nav = json_array(), *r;
	char *text;

	cr_assert(roles && nav);
	submit_ok(user(BERED), ext);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		cr_assert(json_array_append_new(nav, json_string(all[i])) == 0);

	const char *dir_pw = user_create(&e, "dora.direktor", "sigtuna");
	const char *bered_pw = user_create(&e, "bea.bered", "sollentuna");
	const char *chair_pw = user_create(&e, "cia.ordforande", "sollentuna");
	const char *est_pw = user_create(&e, "erik.est", "sigtuna");

	member_add(&e, "styrgrupp", "dora.direktor", "decision_maker", NULL);
	member_add(&e, "beredningsgrupp", "bea.bered", "member", NULL);
	member_add(&e, "beredningsgrupp", "cia.ordforande", "chair", NULL);
	member_add(&e, "est-sigtuna", "erik.est", "member", NULL);

	r = json_pack("{s:s, s:s, s:s, s:[s,s,s], s:[o]}", "who", "admin", "user", "admin",
		      "password", e.admin_password, "nav", "Översikt", "Att besluta",
		      "Administration", "pages", page("/", "", "Adjungera medlemmar"));
	cr_assert(r && json_array_append_new(roles, r) == 0);

	r = json_pack("{s:s, s:s, s:s, s:O, s:[o,o,o,o,o]}", "who", "beslutsfattare", "user",
		      "dora.direktor", "password", dir_pw, "nav", nav, "pages",
		      page(prop, "Godkänn|Avslå|Återremittera|Dra tillbaka", "Lämna in"),
		      page("/forslag", "Nytt förslag", ""), page(board, "Lägg till insats", ""),
		      page("/lagesbild?kommun=sigtuna", "Rapportera en händelse", ""),
		      page("/moten", "Registrera ett möte", ""));
	cr_assert(r && json_array_append_new(roles, r) == 0);

	r = json_pack("{s:s, s:s, s:s, s:O, s:[o,o,o,o]}", "who", "beredningsgrupp", "user",
		      "bea.bered", "password", bered_pw, "nav", nav, "pages",
		      page("/", "", "Adjungera medlemmar"),
		      page(prop, "Dra tillbaka", "Godkänn|Avslå"),
		      page("/forslag", "Nytt förslag", ""), page(board, "Lägg till insats", ""));
	cr_assert(r && json_array_append_new(roles, r) == 0);

	r = json_pack("{s:s, s:s, s:s, s:O, s:[o,o]}", "who", "ordforande", "user",
		      "cia.ordforande", "password", chair_pw, "nav", nav, "pages",
		      page("/", "Adjungera medlemmar", ""), page("/forslag", "Nytt förslag", ""));
	cr_assert(r && json_array_append_new(roles, r) == 0);

	r = json_pack(
	    "{s:s, s:s, s:s, s:O, s:[o,o,o,o,o]}", "who", "est", "user", "erik.est", "password",
	    est_pw, "nav", nav, "pages", page("/", "", "Adjungera medlemmar"),
	    page(prop, "", "Godkänn|Avslå|Dra tillbaka"), page("/forslag", "", "Nytt förslag"),
	    page(board, "", "Lägg till insats"),
	    page("/lagesbild?kommun=sigtuna", "Rapportera en händelse|Importera en CSV-fil", ""));
	cr_assert(r && json_array_append_new(roles, r) == 0);

	text = json_dumps(roles, JSON_COMPACT);
	json_decref(roles);
	json_decref(nav);
	cr_assert(text);
	env_keep(&e, text, free);
	web_browser_run(&e, "roles.mjs",
			(const char *const[]){ strf(&e, "SVK_WEB_ROLES=%s", text), NULL });
}
