/*
 * What Administration (page_admin.c) and a chair's Adjungera share: the
 * words of roles, tiers and organisations' kinds, the parts of their
 * forms (a field keeping what was typed with its error beside it, a
 * group's select, a membership's remove button), the notices, and the
 * Adjungera page itself: the co-opting form for the groups a chair of the
 * beredningsgrupp may co-opt into and the co-options they made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_parts.h"
#include "request.h"

/* ---- words ------------------------------------------------------------------------ */

const char *admin_sv_role(const char *role)
{
	if (!role)
		return "";
	if (strcmp(role, "member") == 0)
		return "Medlem";
	if (strcmp(role, "chair") == 0)
		return "Ordförande";
	if (strcmp(role, "decision_maker") == 0)
		return "Beslutsfattare";
	return role;
}

const char *admin_sv_tier(const char *tier)
{
	if (!tier)
		return "";
	if (strcmp(tier, "styrgrupp") == 0)
		return "Styrgrupp";
	if (strcmp(tier, "beredningsgrupp") == 0)
		return "Beredningsgrupp";
	if (strcmp(tier, "arbetsgrupp") == 0)
		return "Arbetsgrupp";
	return tier;
}

const char *admin_sv_org_kind(const char *kind)
{
	static const char *const map[][2] = {
		{ "police", "Polis" },           { "municipality", "Kommun" },
		{ "authority", "Myndighet" },    { "housing", "Bostadsbolag" },
		{ "rescue", "Räddningstjänst" }, { "other", "Övrig" },
	};
	return WEB_WORD_OR(map, kind, kind ? kind : "");
}

/* What a finished form's redirect (?klart=) says. */
static const char *done_text(const char *done)
{
	static const char *const map[][2] = {
		{ "inaktiverad",
		  "Användaren är inaktiverad. Alla hens inloggningar har avslutats." },
		{ "medlem", "Medlemskapet är sparat." },
		{ "borttagen", "Medlemskapet är borttaget." },
		{ "adjungerad", "Medlemmen är adjungerad." },
		{ "organisation", "Organisationen är skapad." },
		{ "grupp", "Gruppen är skapad." },
	};
	return WEB_WORD(map, done);
}

/* ---- form parts ------------------------------------------------------------------- */

/* A labelled input (type text, password, date) keeping what was typed. */
void admin_input(struct html *h, struct req *r, const char *field, const char *label,
		 const char *type, const char *hint, const char *value, bool required)
{
	json_t *errors = r->web.errors;

	html_raw(h, "<label for=\"f-");
	html_attr(h, field);
	html_raw(h, "\">");
	html_txt(h, label);
	html_raw(h, "</label>");
	if (hint) {
		html_raw(h, "<p class=\"hint\" id=\"tips-");
		html_attr(h, field);
		html_raw(h, "\">");
		html_txt(h, hint);
		html_raw(h, "</p>");
	}
	web_field_error(h, errors, field);
	html_raw(h, "<input id=\"f-");
	html_attr(h, field);
	html_raw(h, "\" name=\"");
	html_attr(h, field);
	html_raw(h, "\" type=\"");
	html_attr(h, type);
	html_raw(h, "\"");
	if (strcmp(type, "password") != 0) {
		html_raw(h, " value=\"");
		html_attr(h, value ? value : web_str(r->web.form, field));
		html_raw(h, "\"");
	} else {
		html_raw(h, " autocomplete=\"new-password\"");
	}
	if (required)
		html_raw(h, " required");
	if (web_str(errors, field)) {
		web_field_aria(h, errors, field);
	} else if (hint) {
		html_raw(h, " aria-describedby=\"tips-");
		html_attr(h, field);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
}

/* The opening of a form posting to action, with the session's form token. */
void admin_form_begin(struct html *h, struct req *r, const char *action, const char *cls)
{
	html_raw(h, "<form class=\"");
	html_attr(h, cls);
	html_raw(h, "\" method=\"post\" action=\"");
	html_attr(h, action);
	html_raw(h, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(h, r->web.csrf);
	html_raw(h, "\">");
}

void admin_form_alert(struct html *h, struct req *r, const char *prefix, const char *text)
{
	const char *key;
	json_t *v;
	size_t n = strlen(prefix);

	json_object_foreach (r->web.errors, key, v) {
		/* The membership forms' fields start "m_", the reset's "r_"; the
		 * new user's have no prefix ("" matches them and no other's). */
		bool mine = n ? strncmp(key, prefix, n) == 0 : key[1] != '_';

		if (mine) {
			html_raw(h, "<p class=\"error\" role=\"alert\">");
			html_txt(h, text);
			html_raw(h, "</p>");
			return;
		}
	}
}

void admin_hidden(struct html *h, const char *name, const char *value)
{
	html_raw(h, "<input type=\"hidden\" name=\"");
	html_attr(h, name);
	html_raw(h, "\" value=\"");
	html_attr(h, value);
	html_raw(h, "\">");
}

/* The page's notices: a form's outcome, or its refusal. */
void admin_notices(struct html *h, struct req *r)
{
	const char *done = r->web.form ? NULL : done_text(req_query(r, "klart"));

	if (done) {
		html_raw(h, "<p class=\"notice\" role=\"status\">");
		html_txt(h, done);
		html_raw(h, "</p>");
	}
	if (r->web.error) {
		html_raw(h, "<p class=\"error\" role=\"alert\">");
		html_txt(h, r->web.error);
		html_raw(h, "</p>");
	}
}

/* A select of the groups (where: the groups offered), keeping the choice. */
void admin_group_select(struct html *h, struct req *r, json_t *groups, const char *field,
			bool chairs_only)
{
	const char *chosen = web_str(r->web.form, field);
	json_t *g;
	size_t i;

	html_raw(h, "<label for=\"f-");
	html_attr(h, field);
	html_raw(h, "\">Grupp</label>");
	web_field_error(h, r->web.errors, field);
	html_raw(h, "<select id=\"f-");
	html_attr(h, field);
	html_raw(h, "\" name=\"");
	html_attr(h, field);
	html_raw(h, "\" required");
	web_field_aria(h, r->web.errors, field);
	html_raw(h, "><option value=\"\">Välj grupp</option>");
	json_array_foreach (groups, i, g) {
		const char *slug = web_str(g, "slug"), *tier = web_str(g, "tier");

		/* A chair co-opts into the beredningsgrupp and the arbetsgrupper
		 * (svk.coopt_group refuses the rest). */
		if (chairs_only && (!tier || strcmp(tier, "styrgrupp") == 0))
			continue;
		html_raw(h, "<option value=\"");
		html_attr(h, slug);
		html_raw(h, "\"");
		if (chosen && slug && strcmp(chosen, slug) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_txt(h, web_str(g, "name"));
		html_raw(h, " (");
		html_txt(h, admin_sv_tier(tier));
		html_raw(h, ")</option>");
	}
	html_raw(h, "</select>");
}

/* One membership: its group or person, role and end date. */
void admin_membership_text(struct html *h, json_t *m, const char *who)
{
	html_txt(h, who);
	html_raw(h, ", ");
	html_txt(h, admin_sv_role(web_str(m, "role")));
	if (web_str(m, "until")) {
		html_raw(h, " t.o.m. ");
		html_date(h, web_str(m, "until"));
	}
	if (!json_is_true(json_object_get(m, "live")))
		html_raw(h, " <span class=\"tag\">(inte aktivt)</span>");
}

/* A remove button for membership m (posted to action). */
void admin_remove_button(struct html *h, struct req *r, json_t *m, const char *action)
{
	admin_form_begin(h, r, action, "inline");
	admin_hidden(h, "group", web_str(m, "group"));
	admin_hidden(h, "username", web_str(m, "username"));
	html_raw(h, "<button type=\"submit\" class=\"secondary\">Ta bort<span class=\"sr\"> ");
	html_txt(h, web_str(m, "username"));
	html_raw(h, " ur ");
	html_txt(h, web_str(m, "group"));
	html_raw(h, "</span></button></form>");
}

/* ---- Adjungera ------------------------------------------------------------------------ */

void page_coopt(struct req *r)
{
	struct html h = { 0 };
	json_t *groups = json_object_get(r->web.more, "groups"), *g, *m;
	const char *end = web_str(r->web.more, "coopt_end");
	size_t i, j, mine = 0;

	page_begin(&h, r, "Adjungera medlemmar", NULL);
	admin_notices(&h, r);
	html_raw(&h, "<p class=\"hint\">Som ordförande i beredningsgruppen kan du adjungera "
		     "medlemmar till beredningsgruppen och arbetsgrupperna, för en tid som "
		     "slutar senast när avtalet upphör. Du kan ändra och ta bort de "
		     "adjungeringar du själv har gjort: ett nytt slutdatum ger du genom att "
		     "adjungera samma person till samma grupp igen.</p>");
	html_raw(&h, "<section aria-labelledby=\"h-adj\"><h2 id=\"h-adj\">Adjungera en medlem"
		     "</h2>");
	if (!end) {
		html_raw(&h, "<p>Inget avtal gäller i dag, så ingen kan adjungeras.</p>");
	} else {
		/* The hint with the date as the page writes dates ("3 januari 2027"). */
		struct html hint = { 0 };

		html_raw(&hint, "Senast avtalets sista dag, ");
		html_date(&hint, end);
		html_raw(&hint, ".");
		if (hint.oom) {
			html_free(&hint);
			html_free(&h);
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
		admin_form_alert(&h, r, "m_",
				 "Medlemmen adjungerades inte. Rätta det som anges vid "
				 "fälten nedan.");
		admin_form_begin(&h, r, "/administration/adjungera", "record");
		admin_group_select(&h, r, groups, "m_group", true);
		admin_input(&h, r, "m_username", "Användarnamn", "text", NULL, NULL, true);
		admin_input(&h, r, "m_until", "Till och med", "date", hint.buf, NULL, true);
		html_free(&hint);
		html_raw(&h, "<div class=\"buttons\"><button type=\"submit\">Adjungera</button>"
			     "</div></form>");
	}
	html_raw(&h, "</section><section aria-labelledby=\"h-mina\"><h2 id=\"h-mina\">Dina "
		     "adjungeringar</h2>");
	json_array_foreach (groups, i, g) {
		json_array_foreach (json_object_get(g, "members"), j, m) {
			const char *by = web_str(m, "coopted_by");

			if (!by || strcmp(by, r->auth.actor.username) != 0)
				continue;
			html_raw(&h, mine++ ? "" : "<ul class=\"members\">");
			html_raw(&h, "<li><span>");
			admin_membership_text(&h, m, web_str(m, "display_name"));
			html_raw(&h, " i ");
			html_txt(&h, web_str(g, "name"));
			html_raw(&h, "</span>");
			admin_remove_button(&h, r, m, "/administration/adjungera/ta-bort");
			html_raw(&h, "</li>");
		}
	}
	html_raw(&h, mine ? "</ul>" : "<p class=\"none\">Du har inte adjungerat någon.</p>");
	html_raw(&h, "</section>");
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}
