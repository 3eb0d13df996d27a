/*
 * Administration's Skapa organisation and Skapa grupp (page_admin.c shows
 * them, admin_form.c's web_admin_post reads the form and checks its token
 * and origin). Each is the API call it stands for, with the same field
 * table (org_fields, group_fields), the same right (ACT_ADMIN) and the same
 * statement, whose SQL function writes the row and its audit entry:
 *
 *   POST /administration/organisation    POST /v1/organisations (org_create)
 *   POST /administration/grupp           POST /v1/groups (group_create)
 *
 * Bad input shows the page again with what was typed and the error, in
 * Swedish, beside its field; a slug already taken is 409 beside the slug.
 * A created one is answered 303 back to Administration with a notice.
 */
#include <stdio.h>
#include <string.h>

#include "admin_parts.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "web_internal.h"

/* ---- the forms ------------------------------------------------------------------------ */

/* The choices ("a|b|c") of the field table's field name. */
static const char *choices_of(const struct jf_field *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return fields[i].choices;
	return "";
}

/* A labelled select of the field table's choices, in Swedish (sv), keeping
 * the choice. */
static void choice_select(struct html *h, struct req *r, const char *field, const char *label,
			  const char *choices, const char *(*sv)(const char *), const char *none)
{
	const char *chosen = web_str(r->web.form, field), *c = choices;
	char one[64];

	html_raw(h, "<label for=\"f-");
	html_attr(h, field);
	html_raw(h, "\">");
	html_txt(h, label);
	html_raw(h, "</label>");
	web_field_error(h, r->web.errors, field);
	html_raw(h, "<select id=\"f-");
	html_attr(h, field);
	html_raw(h, "\" name=\"");
	html_attr(h, field);
	html_raw(h, "\" required");
	web_field_aria(h, r->web.errors, field);
	html_raw(h, "><option value=\"\">");
	html_txt(h, none);
	html_raw(h, "</option>");
	while (c && *c) {
		size_t len = strcspn(c, "|");

		snprintf(one, sizeof one, "%.*s", (int)len, c);
		html_raw(h, "<option value=\"");
		html_attr(h, one);
		html_raw(h, "\"");
		if (chosen && strcmp(chosen, one) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_txt(h, sv(one));
		html_raw(h, "</option>");
		c += len + (c[len] == '|');
	}
	html_raw(h, "</select>");
}

void admin_org_form(struct html *h, struct req *r)
{
	const char *party = web_str(r->web.form, "o_party");

	html_raw(h, "<h3 id=\"h-ny-org\">Skapa organisation</h3>");
	admin_form_alert(h, r, "o_",
			 "Organisationen skapades inte. Rätta det som anges vid fälten nedan.");
	admin_form_begin(h, r, "/administration/organisation", "record");
	admin_input(h, r, "o_slug", "Kortnamn", "text",
		    "Små bokstäver a–z, siffror och bindestreck, till exempel vallentuna.", NULL,
		    true);
	admin_input(h, r, "o_name", "Namn", "text", NULL, NULL, true);
	choice_select(h, r, "o_kind", "Slag", choices_of(org_fields, org_fields_count, "kind"),
		      admin_sv_org_kind, "Välj slag");
	html_raw(h, "<label class=\"check\"><input type=\"checkbox\" name=\"o_party\" "
		    "value=\"1\"");
	if (party && party[0])
		html_raw(h, " checked");
	html_raw(h, "> Avtalspart</label><div class=\"buttons\"><button type=\"submit\">"
		    "Skapa organisation</button></div></form>");
}

void admin_group_form(struct html *h, struct req *r, json_t *orgs)
{
	const char *chosen = web_str(r->web.form, "g_municipality");
	json_t *o;
	size_t i;

	html_raw(h, "<h3 id=\"h-ny-grupp\">Skapa grupp</h3>");
	admin_form_alert(h, r, "g_",
			 "Gruppen skapades inte. Rätta det som anges vid fälten nedan.");
	admin_form_begin(h, r, "/administration/grupp", "record");
	admin_input(h, r, "g_slug", "Kortnamn", "text",
		    "Små bokstäver a–z, siffror och bindestreck, till exempel est-vallentuna.",
		    NULL, true);
	admin_input(h, r, "g_name", "Namn", "text", NULL, NULL, true);
	choice_select(h, r, "g_tier", "Nivå", choices_of(group_fields, group_fields_count, "tier"),
		      admin_sv_tier, "Välj nivå");
	html_raw(h, "<label for=\"f-g_municipality\">Kommun</label><p class=\"hint\" "
		    "id=\"tips-g_municipality\">Bara för en arbetsgrupp: kommunen den arbetar "
		    "för.</p>");
	web_field_error(h, r->web.errors, "g_municipality");
	html_raw(h, "<select id=\"f-g_municipality\" name=\"g_municipality\"");
	if (web_str(r->web.errors, "g_municipality"))
		web_field_aria(h, r->web.errors, "g_municipality");
	else
		html_raw(h, " aria-describedby=\"tips-g_municipality\"");
	html_raw(h, "><option value=\"\">Ingen kommun</option>");
	json_array_foreach (orgs, i, o) {
		const char *slug = web_str(o, "slug"), *kind = web_str(o, "kind");

		if (!slug || !kind || strcmp(kind, "municipality") != 0)
			continue;
		html_raw(h, "<option value=\"");
		html_attr(h, slug);
		html_raw(h, "\"");
		if (chosen && strcmp(chosen, slug) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_txt(h, web_str(o, "name"));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select><div class=\"buttons\"><button type=\"submit\">Skapa grupp</button>"
		    "</div></form>");
}

/* ---- the posts ------------------------------------------------------------------------- */

/* A form value, NULL when empty. */
static const char *value(struct req *r, const char *field)
{
	const char *v = web_str(r->web.form, field);

	return v && v[0] ? v : NULL;
}

static void again(struct req *r, int status)
{
	r->web.status = status;
	admin_load(r);
}

/* The page again with text beside field. */
static void again_with(struct req *r, int status, const char *field, const char *text)
{
	if (!web_set_error(r, field, text)) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	again(r, status);
}

/* The API's body of the form's fields (prefix + name), strings as typed,
 * bools (named in bools) as whether checked; NULL: no memory. */
static json_t *body_of(struct req *r, const char *prefix, const char *const *names, size_t n,
		       const char *bools)
{
	json_t *body = json_object();
	char field[32];

	for (size_t i = 0; body && i < n; i++) {
		int rc;

		snprintf(field, sizeof field, "%s%s", prefix, names[i]);
		if (bools && strcmp(bools, names[i]) == 0)
			rc = json_object_set_new(body, names[i], json_boolean(value(r, field)));
		else
			rc = value(r, field)
				 ? json_object_set_new(body, names[i], json_string(value(r, field)))
				 : 0;
		if (rc != 0) {
			json_decref(body);
			return NULL;
		}
	}
	return body;
}

/*
 * The field table's errors beside the form's fields (prefix + name), in
 * Swedish from words ({name, text} pairs); false: no memory. The page is
 * then shown again with 422.
 */
static bool checked(struct req *r, const json_t *body, const struct jf_field *fields, size_t n,
		    const char *prefix, const char *const (*words)[2], size_t nwords)
{
	json_t *errs = NULL, *e;
	char field[32];
	size_t i;
	bool ok = true;

	if (jf_check(body, fields, n, &errs))
		return true;
	json_array_foreach (errs, i, e) {
		const char *f = web_str(e, "field");

		for (size_t w = 0; f && w < nwords; w++) {
			if (strcmp(words[w][0], f) != 0)
				continue;
			snprintf(field, sizeof field, "%s%s", prefix, f);
			ok = ok && web_set_error(r, field, words[w][1]);
		}
	}
	json_decref(errs);
	if (ok && !r->web.errors) {
		snprintf(field, sizeof field, "%sslug", prefix);
		ok = web_set_error(r, field, "Det gick inte att skapa. Kontrollera fälten.");
	}
	return ok;
}

#define SLUG_WORDS                                                                                   \
	"Kortnamnet ska vara 1–63 tecken: små bokstäver a–z, siffror och bindestreck, först " \
	"en bokstav eller siffra."

static void org_created(struct req *r, const struct db_result *res)
{
	if (res->err == SVK_OK)
		web_redirect(r, "/administration?klart=organisation#h-org");
	else if (res->err == SVK_ERR_CONFLICT)
		again_with(r, 409, "o_slug", "Det finns redan en organisation med det kortnamnet.");
	else
		req_reply_db_error(r, res);
}

static void create_org(struct req *r)
{
	static const char *const names[] = { "slug", "name", "kind", "party" };
	static const char *const words[][2] = {
		{ "slug", SLUG_WORDS },
		{ "name", "Ange ett namn på högst 200 tecken." },
		{ "kind", "Välj ett slag i listan." },
	};
	json_t *body;

	if (!req_allow(r, ACT_ADMIN, NULL))
		return;
	body = body_of(r, "o_", names, 4, "party");
	if (!body || !checked(r, body, org_fields, org_fields_count, "o_", words, 3)) {
		json_decref(body);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	json_decref(body);
	if (r->web.errors) {
		again(r, 422);
		return;
	}
	const char *p[5] = { r->auth.actor.user_id, value(r, "o_slug"), value(r, "o_name"),
			     value(r, "o_kind"), value(r, "o_party") ? "true" : "false" };
	req_write1(r, SQL_ORG_CREATE, 5, p, org_created);
}

/* group_create's refusals of the municipality, in Swedish. */
static const char *sv_municipality(const struct db_result *res)
{
	const char *m = res->message ? res->message : "";

	if (strstr(m, "works for one municipality"))
		return "En arbetsgrupp arbetar för en kommun: välj kommunen.";
	if (strstr(m, "only an arbetsgrupp"))
		return "Bara en arbetsgrupp har en kommun. Välj Ingen kommun eller nivån "
		       "Arbetsgrupp.";
	return "Kommunen finns inte. Välj en i listan.";
}

static void group_created(struct req *r, const struct db_result *res)
{
	if (res->err == SVK_OK)
		web_redirect(r, "/administration?klart=grupp#h-grupper");
	else if (res->err == SVK_ERR_CONFLICT)
		again_with(r, 409, "g_slug", "Det finns redan en grupp med det kortnamnet.");
	else if (svk_sqlstate_is_ours(res->sqlstate) && res->column &&
		 strcmp(res->column, "municipality") == 0)
		again_with(r, 422, "g_municipality", sv_municipality(res));
	else
		req_reply_db_error(r, res);
}

static void create_group(struct req *r)
{
	static const char *const names[] = { "slug", "name", "tier", "municipality" };
	static const char *const words[][2] = {
		{ "slug", SLUG_WORDS },
		{ "name", "Ange ett namn på högst 200 tecken." },
		{ "tier", "Välj en nivå i listan." },
		{ "municipality", "Välj en kommun i listan." },
	};
	json_t *body;

	if (!req_allow(r, ACT_ADMIN, NULL))
		return;
	body = body_of(r, "g_", names, 4, NULL);
	if (!body || !checked(r, body, group_fields, group_fields_count, "g_", words, 4)) {
		json_decref(body);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	json_decref(body);
	if (r->web.errors) {
		again(r, 422);
		return;
	}
	const char *p[5] = { r->auth.actor.user_id, value(r, "g_slug"), value(r, "g_name"),
			     value(r, "g_tier"), value(r, "g_municipality") };
	req_write1(r, SQL_GROUP_CREATE, 5, p, group_created);
}

bool admin_orgs_post(struct req *r)
{
	if (strcmp(r->path, "/administration/organisation") == 0)
		create_org(r);
	else if (strcmp(r->path, "/administration/grupp") == 0)
		create_group(r);
	else
		return false;
	return true;
}
