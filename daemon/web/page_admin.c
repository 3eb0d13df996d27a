/*
 * Administration (admins only): the organisations, the users a page at a
 * time (GET /v1/users's statement and cursor, user_list), the groups with
 * their members (web_admin.sql's web_admin_groups, each member as GET
 * /v1/groups/{slug}/members shows it), and the forms of admin_form.c:
 * create a user, disable one, reset a password, add and remove a
 * membership; and those of admin_orgs.c: create an organisation, a group.
 * /administration/adjungera is a chair's page: the co-opting
 * form for the groups a chair of the beredningsgrupp may co-opt into and
 * the co-options they made, under the API's right ACT_COOPT_MEMBER; an
 * admin may use it too.
 *
 * What a page offers follows what the policy lets the actor do; the posts
 * check the same again (admin_form.c).
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "admin_parts.h"
#include "web_internal.h"

#define USERS_PER_PAGE "20"

/* ---- Administration ------------------------------------------------------------------ */

static void orgs_section(struct html *h, struct req *r, json_t *orgs)
{
	json_t *o;
	size_t i;

	html_raw(h, "<section aria-labelledby=\"h-org\"><h2 id=\"h-org\">Organisationer</h2>"
		    "<table class=\"stack\"><thead><tr><th scope=\"col\">Namn</th>"
		    "<th scope=\"col\">Kortnamn</th><th scope=\"col\">Slag</th>"
		    "<th scope=\"col\">Avtalspart</th></tr></thead><tbody>");
	json_array_foreach (orgs, i, o) {
		html_raw(h, "<tr><th scope=\"row\" data-label=\"Namn\">");
		html_txt(h, web_str(o, "name"));
		html_raw(h, "</th><td data-label=\"Kortnamn\"><code>");
		html_txt(h, web_str(o, "slug"));
		html_raw(h, "</code></td><td data-label=\"Slag\">");
		html_txt(h, admin_sv_org_kind(web_str(o, "kind")));
		html_raw(h, "</td><td data-label=\"Avtalspart\">");
		html_raw(h, json_is_true(json_object_get(o, "party")) ? "Ja" : "Nej");
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table>");
	admin_org_form(h, r);
	html_raw(h, "</section>");
}

/* The memberships of username, from every group's members. */
static void user_groups(struct html *h, json_t *groups, const char *username)
{
	json_t *g, *m;
	size_t i, j;
	bool any = false;

	json_array_foreach (groups, i, g) {
		json_array_foreach (json_object_get(g, "members"), j, m) {
			const char *u = web_str(m, "username");

			if (!u || !username || strcmp(u, username) != 0)
				continue;
			html_raw(h, any ? "" : "<ul class=\"lines\">");
			any = true;
			html_raw(h, "<li>");
			admin_membership_text(h, m, web_str(g, "name"));
			html_raw(h, "</li>");
		}
	}
	html_raw(h, any ? "</ul>" : "<span class=\"none\">Inga</span>");
}

static void users_section(struct html *h, struct req *r, json_t *users, const char *next,
			  const char *cursor)
{
	json_t *more = r->web.more, *u;
	size_t i;

	html_raw(h, "<section aria-labelledby=\"h-anv\"><h2 id=\"h-anv\">Användare</h2>"
		    "<table class=\"stack\"><thead><tr><th scope=\"col\">Användare</th>"
		    "<th scope=\"col\">Organisation</th><th scope=\"col\">Grupper och roller</th>"
		    "<th scope=\"col\">Status</th><th scope=\"col\">Åtgärder</th></tr></thead>"
		    "<tbody>");
	json_array_foreach (users, i, u) {
		const char *name = web_str(u, "username");
		bool active = json_is_true(json_object_get(u, "active"));

		html_raw(h, "<tr><th scope=\"row\" data-label=\"Användare\">");
		html_txt(h, web_str(u, "display_name"));
		html_raw(h, "<br><code>");
		html_txt(h, name);
		html_raw(h, "</code></th><td data-label=\"Organisation\">");
		html_txt(h, web_org_name(json_object_get(more, "org_names"),
					 web_str(u, "organisation")));
		html_raw(h, "</td><td data-label=\"Grupper och roller\">");
		user_groups(h, json_object_get(more, "groups"), name);
		html_raw(h, "</td><td data-label=\"Status\">");
		html_raw(h, active ? "Aktiv" : "<strong>Inaktiverad</strong>");
		if (json_is_true(json_object_get(u, "admin")))
			html_raw(h, ", administratör");
		html_raw(h, "</td><td data-label=\"Åtgärder\"><div class=\"row-actions\">");
		if (active) {
			admin_form_begin(h, r, "/administration/inaktivera", "inline");
			admin_hidden(h, "username", name);
			html_raw(h, "<button type=\"submit\" class=\"secondary\">Inaktivera<span "
				    "class=\"sr\"> ");
			html_txt(h, name);
			html_raw(h, "</span></button></form><a href=\"/administration?losenord=");
			html_attr(h, name);
			html_raw(h, "#aterstall\">Återställ lösenord<span class=\"sr\"> för ");
			html_txt(h, name);
			html_raw(h, "</span></a>");
		}
		html_raw(h, "</div></td></tr>");
	}
	html_raw(h, "</tbody></table>");
	if (cursor || next) {
		html_raw(h, "<nav class=\"pages\" aria-label=\"Bläddra bland användarna\">");
		if (cursor)
			html_raw(h, "<a href=\"/administration#h-anv\">Första sidan</a>");
		if (next) {
			html_raw(h, "<a rel=\"next\" href=\"/administration?fran=");
			html_attr(h, next);
			html_raw(h, "#h-anv\">Nästa sida</a>");
		}
		html_raw(h, "</nav>");
	}
	html_raw(h, "</section>");
}

static void create_form(struct html *h, struct req *r)
{
	json_t *o, *form = r->web.form;
	const char *chosen = web_str(form, "organisation");
	size_t i;

	html_raw(h, "<section aria-labelledby=\"h-ny\"><h2 id=\"h-ny\">Skapa användare</h2>");
	admin_form_alert(h, r, "",
			 "Användaren skapades inte. Rätta det som anges vid fälten nedan.");
	admin_form_begin(h, r, "/administration/anvandare", "record");
	admin_input(h, r, "username", "Användarnamn", "text",
		    "Små bokstäver a–z, siffror, punkt, bindestreck och understreck, till "
		    "exempel anna.berg.",
		    NULL, true);
	admin_input(h, r, "display_name", "Namn", "text", NULL, NULL, true);
	html_raw(h, "<label for=\"f-organisation\">Organisation</label>");
	web_field_error(h, r->web.errors, "organisation");
	html_raw(h, "<select id=\"f-organisation\" name=\"organisation\" required");
	web_field_aria(h, r->web.errors, "organisation");
	html_raw(h, "><option value=\"\">Välj organisation</option>");
	json_array_foreach (json_object_get(r->web.more, "organisations"), i, o) {
		html_raw(h, "<option value=\"");
		html_attr(h, web_str(o, "slug"));
		html_raw(h, "\"");
		if (chosen && web_str(o, "slug") && strcmp(chosen, web_str(o, "slug")) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_txt(h, web_str(o, "name"));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
	admin_input(h, r, "password", "Lösenord", "password",
		    "Minst 12 tecken. Lämna tomt för att få ett slumpat lösenord, som visas en "
		    "gång.",
		    NULL, false);
	html_raw(h, "<label class=\"check\"><input type=\"checkbox\" name=\"admin\" value=\"1\"");
	if (web_str(form, "admin") && web_str(form, "admin")[0])
		html_raw(h, " checked");
	html_raw(h, "> Administratör</label><div class=\"buttons\"><button type=\"submit\">"
		    "Skapa användare</button></div></form></section>");
}

static void password_form(struct html *h, struct req *r)
{
	html_raw(h, "<section aria-labelledby=\"aterstall\"><h2 id=\"aterstall\">Återställ "
		    "lösenord</h2><p class=\"hint\">Användarens alla inloggningar avslutas.</p>");
	admin_form_alert(h, r, "r_",
			 "Lösenordet återställdes inte. Rätta det som anges vid fälten nedan.");
	admin_form_begin(h, r, "/administration/losenord", "record");
	admin_input(h, r, "r_username", "Användarnamn", "text", NULL,
		    r->web.form ? NULL : req_query(r, "losenord"), true);
	admin_input(h, r, "r_password", "Nytt lösenord", "password",
		    "Minst 12 tecken. Lämna tomt för att få ett slumpat lösenord, som visas en "
		    "gång.",
		    NULL, false);
	html_raw(h, "<div class=\"buttons\"><button type=\"submit\">Återställ lösenord</button>"
		    "</div></form></section>");
}

static void role_select(struct html *h, struct req *r)
{
	static const char *const roles[] = { "member", "chair", "decision_maker" };
	const char *chosen = web_str(r->web.form, "m_role");

	html_raw(h, "<label for=\"f-m_role\">Roll</label>");
	web_field_error(h, r->web.errors, "m_role");
	html_raw(h, "<select id=\"f-m_role\" name=\"m_role\"");
	web_field_aria(h, r->web.errors, "m_role");
	html_raw(h, ">");
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		html_raw(h, "<option value=\"");
		html_raw(h, roles[i]);
		html_raw(h, "\"");
		if (chosen && strcmp(chosen, roles[i]) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_txt(h, admin_sv_role(roles[i]));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
}

static void groups_section(struct html *h, struct req *r, json_t *orgs)
{
	json_t *groups = json_object_get(r->web.more, "groups"), *g, *m;
	size_t i, j;

	html_raw(h, "<section aria-labelledby=\"h-grupper\"><h2 id=\"h-grupper\">Grupper och "
		    "medlemmar</h2>");
	json_array_foreach (groups, i, g) {
		json_t *members = json_object_get(g, "members");

		html_raw(h, "<h3>");
		html_txt(h, web_str(g, "name"));
		html_raw(h, " <span class=\"tag\">");
		html_txt(h, admin_sv_tier(web_str(g, "tier")));
		html_raw(h, "</span></h3>");
		if (json_array_size(members) == 0)
			html_raw(h, "<p class=\"none\">Inga medlemmar.</p>");
		else
			html_raw(h, "<ul class=\"members\">");
		json_array_foreach (members, j, m) {
			html_raw(h, "<li><span>");
			admin_membership_text(h, m, web_str(m, "display_name"));
			html_raw(h, " <code>");
			html_txt(h, web_str(m, "username"));
			html_raw(h, "</code></span>");
			admin_remove_button(h, r, m, "/administration/medlemskap/ta-bort");
			html_raw(h, "</li>");
		}
		if (json_array_size(members))
			html_raw(h, "</ul>");
	}
	admin_group_form(h, r, orgs);
	html_raw(h, "<h3 id=\"h-medlem\">Lägg till eller ändra ett medlemskap</h3>");
	admin_form_alert(h, r, "m_",
			 "Medlemskapet sparades inte. Rätta det som anges vid fälten nedan.");
	admin_form_begin(h, r, "/administration/medlemskap", "record");
	admin_group_select(h, r, groups, "m_group", false);
	admin_input(h, r, "m_username", "Användarnamn", "text", NULL, NULL, true);
	role_select(h, r);
	admin_input(h, r, "m_until", "Till och med (valfritt)", "date", NULL, NULL, false);
	html_raw(h, "<div class=\"buttons\"><button type=\"submit\">Spara medlemskap</button>"
		    "</div></form></section>");
}

/* The one-time password of a user just created or reset (admin_form.c),
 * shown once on the page the form's answer is. */
static void password_notice(struct html *h, struct req *r)
{
	const char *shown = admin_shown_password(r);
	bool created = strncmp(r->web.verdict, "user", 4) == 0;

	if (!r->web.comment)
		return;
	html_raw(h, "<div class=\"notice\" role=\"status\"><p>");
	html_txt(h, created ? "Användaren " : "Lösenordet för ");
	html_txt(h, r->web.comment);
	html_txt(h,
		 created ? " är skapad." : " är återställt. Alla hens inloggningar har avslutats.");
	html_raw(h, "</p>");
	if (shown) {
		html_raw(h, "<p>Lösenord (visas bara nu, ge det till användaren på ett säkert "
			    "sätt): <code class=\"secret\">");
		html_txt(h, shown);
		html_raw(h, "</code></p>");
	}
	html_raw(h, "</div>");
}

static void page_admin(struct req *r, json_t *orgs, json_t *users, const char *next,
		       const char *cursor)
{
	struct html h = { 0 };

	page_begin(&h, r, "Administration", "/administration");
	password_notice(&h, r);
	admin_notices(&h, r);
	html_raw(&h, "<nav class=\"toc\" aria-label=\"På sidan\"><ul><li><a href=\"#h-anv\">"
		     "Användare</a></li><li><a href=\"#h-ny\">Skapa användare</a></li><li><a "
		     "href=\"#aterstall\">Återställ lösenord</a></li><li><a href=\"#h-grupper\">"
		     "Grupper och medlemmar</a></li><li><a href=\"#h-org\">Organisationer</a>"
		     "</li><li><a href=\"/administration/adjungera\">Adjungera</a></li></ul>"
		     "</nav>");
	users_section(&h, r, users, next, cursor);
	create_form(&h, r);
	password_form(&h, r);
	groups_section(&h, r, orgs);
	orgs_section(&h, r, orgs);
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}

/* ---- the reads ------------------------------------------------------------------------ */

/* The organisations' names by slug, for the users' table. */
static bool org_names(json_t *more)
{
	json_t *names = json_object(), *o;
	size_t i;

	if (!names)
		return false;
	json_array_foreach (json_object_get(more, "organisations"), i, o)
		if (web_str(o, "slug") &&
		    json_object_set_new(names, web_str(o, "slug"), json_string(web_str(o, "name"))))
			break;
	return json_object_set_new(more, "org_names", names) == 0;
}

static void loaded(struct req *r, const struct db_result *res)
{
	const char *groups, *orgs = NULL, *users = NULL, *next = NULL;
	json_t *orgs_doc = NULL, *users_doc = NULL;
	bool coopt = r->web.view == ADMIN_COOPT;
	int col;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	groups = req_result_text(res, 0);
	json_decref(r->web.more);
	r->web.more = groups ? json_loads(groups, 0, NULL) : NULL;
	if (!coopt) {
		orgs = req_result_text(res, 1);
		users = req_result_text(res, 2);
		col = PQfnumber(res->res[2], "next_cursor");
		if (col >= 0 && PQntuples(res->res[2]) > 0)
			next = db_get(res->res[2], 0, col);
		orgs_doc = orgs ? json_loads(orgs, 0, NULL) : NULL;
		users_doc = users ? json_loads(users, 0, NULL) : NULL;
	}
	if (!r->web.more || !org_names(r->web.more) || (!coopt && (!orgs_doc || !users_doc))) {
		json_decref(orgs_doc);
		json_decref(users_doc);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	if (coopt)
		page_coopt(r);
	else
		page_admin(r, json_object_get(orgs_doc, "items"),
			   json_object_get(users_doc, "items"), next,
			   r->web.form ? NULL : req_query(r, "fran"));
	json_decref(orgs_doc);
	json_decref(users_doc);
}

void admin_load(struct req *r)
{
	const char *cursor = r->web.form ? NULL : req_query(r, "fran");
	struct db_call calls[3] = {
		{ .stmt = SQL_WEB_ADMIN_GROUPS, .nparams = 0 },
		{ .stmt = SQL_ORG_LIST, .nparams = 2, .params = { "500", NULL } },
		{ .stmt = SQL_USER_LIST,
		  .nparams = 3,
		  .params = { USERS_PER_PAGE, cursor && cursor[0] ? cursor : NULL, NULL } },
	};

	req_db(r, calls, r->web.view == ADMIN_COOPT ? 1 : 3, loaded);
}

/* GET /administration (page_authenticated has checked ACT_ADMIN). */
void web_admin(struct req *r)
{
	const char *cursor = req_query(r, "fran"), *pw = req_query(r, "losenord");

	if ((cursor && cursor[0] && !validate_username(cursor)) ||
	    (pw && pw[0] && !validate_username(pw))) {
		web_message(r, 400, "Felaktig adress",
			    "Adressen känns inte igen. Välj Administration i menyn för att börja "
			    "om.");
		return;
	}
	r->web.view = ADMIN_MAIN;
	admin_load(r);
}

/* GET /administration/adjungera: a chair of the beredningsgrupp, or an
 * admin (the API's right to co-opt a plain member). */
static void coopt_authenticated(struct req *r, const struct db_result *read)
{
	struct policy_target t = { .role = ROLE_MEMBER };

	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	if (!req_allow(r, ACT_COOPT_MEMBER, &t))
		return;
	r->web.view = ADMIN_COOPT;
	admin_load(r);
}

bool web_admin_route(struct req *r)
{
	static const char *const posts[] = {
		"/administration/anvandare",
		"/administration/inaktivera",
		"/administration/losenord",
		"/administration/medlemskap",
		"/administration/medlemskap/ta-bort",
		"/administration/adjungera",
		"/administration/adjungera/ta-bort",
		"/administration/organisation",
		"/administration/grupp",
	};
	bool get = strcmp(r->path, "/administration/adjungera") == 0, post = false;

	if (strncmp(r->path, "/administration/", 16) != 0)
		return false;
	for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++)
		post = post || strcmp(r->path, posts[i]) == 0;
	if (!post) {
		web_message(r, 404, "Sidan finns inte", "Det finns ingen sida med den adressen.");
	} else if (r->method == M_POST) {
		web_admin_post(r);
	} else if (get && r->method == M_GET) {
		web_authenticate(r, coopt_authenticated);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Allow",
				  get ? "GET, POST" : "POST");
		web_message(r, 405, "Fel metod", "Sidan tar inte emot den sortens begäran.");
	}
	return true;
}
