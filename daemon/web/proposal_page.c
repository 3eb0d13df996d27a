/*
 * The proposal form's pages (proposal_form.c takes what they send): the
 * four kinds to choose from, the form of one kind (new, or a draft's
 * edit) with the fields that kind takes and its resource lines, and the
 * beredningsgrupp's buttons on a proposal's page (Redigera, Lämna in, Dra
 * tillbaka) as far as the policy and the proposal's state allow them.
 *
 * Without script a form cannot grow, so it offers the lines already typed
 * and PF_EMPTY_LINES empty rows; a row left empty is no line. A row's
 * fields are named resources.N.organisation and so on (brackets would be
 * percent-encoded in the names a browser sends); their ids and errors
 * name the API's field, resources[N].organisation. Nothing is marked
 * required for the browser to check: the server's checks are the API's
 * and their errors stand beside the fields in Swedish.
 */
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "vocab.h"
#include "web_internal.h"

#define PF_EMPTY_LINES 4

static const char *const kinds[] = { "prioritisation", "action_plan", "follow_up", "extension" };

/* What each kind decides, and who decides it (SPEC §4). */
static const char *kind_text(const char *kind)
{
	if (strcmp(kind, "prioritisation") == 0)
		return "Vad parterna prioriterar och vilka resurser varje organisation åtar sig. "
		       "Beslutas av de organisationer som har resursrader; minst en rad behövs "
		       "för att lämna in.";
	if (strcmp(kind, "action_plan") == 0)
		return "Att anta en kommuns åtgärdsplan. Beslutas av kommunen och av varje "
		       "organisation som ansvarar för en insats i planen.";
	if (strcmp(kind, "follow_up") == 0)
		return "Att anta ett års uppföljning av avtalet. Beslutas av avtalets alla parter.";
	return "Att förlänga avtalet med 1–4 år. Beslutas av avtalets alla parter.";
}

/* ---- the kinds ------------------------------------------------------------------------ */

void proposal_kinds_page(struct req *r, int status)
{
	struct html h = { 0 };

	page_begin(&h, r, "Nytt förslag", "/forslag");
	html_raw(&h, "<p class=\"crumbs\"><a href=\"/forslag\">Tillbaka till Förslag</a></p>");
	if (status != 200)
		html_raw(&h, "<p class=\"error\" role=\"alert\">Välj vilken sorts förslag du vill "
			     "skriva.</p>");
	html_raw(&h, "<p>Välj vilken sorts förslag du vill skriva. Förslaget sparas som ett "
		     "utkast som du kan ändra tills du lämnar in det till styrgruppen.</p>"
		     "<ul class=\"cards\">");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		html_raw(&h, "<li><a class=\"title\" href=\"/forslag/nytt?kind=");
		html_attr(&h, kinds[i]);
		html_raw(&h, "\">");
		html_txt(&h, sv_kind(kinds[i]));
		html_raw(&h, "</a><span class=\"meta\">");
		html_txt(&h, kind_text(kinds[i]));
		html_raw(&h, "</span></li>");
	}
	html_raw(&h, "</ul>");
	page_end(&h);
	web_send(r, status, &h);
}

/* ---- the form ----------------------------------------------------------------------------- */

/* A proposal's document as the form's values (strings, as typed). */
json_t *proposal_form_of(json_t *doc)
{
	json_t *f = json_object(), *lines = json_array(), *l;
	char n[32];
	size_t i;
	int rc = !f || !lines;
	static const char *const copy[] = { "kind",          "agreement",  "title",
					    "proposal_text", "background", "focus_area",
					    "action_plan" };

	for (size_t k = 0; rc == 0 && k < sizeof copy / sizeof copy[0]; k++)
		rc |= json_object_set_new(
		    f, copy[k], json_string(web_str(doc, copy[k]) ? web_str(doc, copy[k]) : ""));
	for (int k = 0; rc == 0 && k < 2; k++) {
		const char *key = k ? "extension_years" : "follow_up_year";
		json_t *v = json_object_get(doc, key);

		snprintf(n, sizeof n, "%lld", (long long)json_integer_value(v));
		rc |= json_object_set_new(f, key, json_string(json_is_integer(v) ? n : ""));
	}
	json_array_foreach (json_object_get(doc, "resources"), i, l) {
		struct html a = { 0 };
		json_t *line;

		if (rc)
			break;
		html_amount(&a, json_object_get(l, "amount"));
		line = json_pack("{s:s, s:s, s:s, s:s}", "organisation",
				 web_str(l, "organisation") ? web_str(l, "organisation") : "",
				 "description",
				 web_str(l, "description") ? web_str(l, "description") : "",
				 "amount", a.buf && !a.oom ? a.buf : "", "unit",
				 web_str(l, "unit") ? web_str(l, "unit") : "");
		html_free(&a);
		rc |= !line || json_array_append_new(lines, line) != 0;
	}
	if (rc == 0 && json_object_set(f, "resources", lines) == 0) {
		json_decref(lines);
		return f;
	}
	json_decref(lines);
	json_decref(f);
	return NULL;
}

/* <label>, the error, then the control's opening with its id (of the
 * API's field, which its error names), name and aria. */
static void control_named(struct html *h, json_t *errors, const char *tag, const char *field,
			  const char *name, const char *label, const char *hint)
{
	html_raw(h, "<label for=\"f-");
	html_attr(h, field);
	html_raw(h, "\">");
	html_txt(h, label);
	html_raw(h, "</label>");
	if (hint && !web_str(errors, field)) {
		html_raw(h, "<p class=\"hint\" id=\"tips-");
		html_attr(h, field);
		html_raw(h, "\">");
		html_txt(h, hint);
		html_raw(h, "</p>");
	}
	web_field_error(h, errors, field);
	html_raw(h, "<");
	html_raw(h, tag);
	html_raw(h, " id=\"f-");
	html_attr(h, field);
	html_raw(h, "\" name=\"");
	html_attr(h, name);
	html_raw(h, "\"");
	if (web_str(errors, field)) {
		web_field_aria(h, errors, field);
	} else if (hint) {
		html_raw(h, " aria-describedby=\"tips-");
		html_attr(h, field);
		html_raw(h, "\"");
	}
}

static void control(struct html *h, json_t *errors, const char *tag, const char *field,
		    const char *label, const char *hint)
{
	control_named(h, errors, tag, field, field, label, hint);
}

static void text_input(struct html *h, json_t *form, json_t *errors, const char *field,
		       const char *label, const char *hint, const char *extra)
{
	control(h, errors, "input", field, label, hint);
	html_raw(h, extra);
	html_raw(h, " value=\"");
	html_attr(h, web_str(form, field));
	html_raw(h, "\">");
}

static void textarea(struct html *h, json_t *form, json_t *errors, const char *field,
		     const char *label, const char *hint)
{
	control(h, errors, "textarea", field, label, hint);
	html_raw(h, " rows=\"6\">");
	html_txt(h, web_str(form, field));
	html_raw(h, "</textarea>");
}

static void option(struct html *h, const char *value, const char *chosen)
{
	html_raw(h, "<option value=\"");
	html_attr(h, value);
	html_raw(h, chosen && strcmp(chosen, value) == 0 ? "\" selected>" : "\">");
}

/* The agreement's title, by id. */
static const char *agreement_title(json_t *more, const char *id)
{
	json_t *a;
	size_t i;

	json_array_foreach (json_object_get(more, "agreements"), i, a)
		if (id && web_str(a, "id") && strcmp(web_str(a, "id"), id) == 0)
			return web_str(a, "title");
	return NULL;
}

/* The focus areas, by agreement when there are several. */
static void focus_select(struct html *h, json_t *more, json_t *form, json_t *errors)
{
	const char *chosen = web_str(form, "focus_area"), *group = NULL;
	bool several = json_array_size(json_object_get(more, "agreements")) > 1;
	json_t *f;
	size_t i;

	control(h, errors, "select", "focus_area", "Fokusområde", NULL);
	html_raw(h, "><option value=\"\">Inget fokusområde</option>");
	json_array_foreach (json_object_get(more, "focus_areas"), i, f) {
		const char *agr = web_str(f, "agreement");

		if (several && agr && (!group || strcmp(group, agr) != 0)) {
			html_raw(h, group ? "</optgroup><optgroup label=\"" : "<optgroup label=\"");
			html_attr(h, agreement_title(more, agr));
			html_raw(h, "\">");
			group = agr;
		}
		option(h, web_str(f, "id"), chosen);
		html_long(h, (long)json_integer_value(json_object_get(f, "ordinal")));
		html_raw(h, ". ");
		html_txt(h, web_str(f, "title"));
		html_raw(h, "</option>");
	}
	html_raw(h, group ? "</optgroup></select>" : "</select>");
}

/* The plans still to adopt (and the one chosen, whatever its state). */
static void plan_select(struct html *h, json_t *more, json_t *form, json_t *errors)
{
	const char *chosen = web_str(form, "action_plan");
	json_t *p;
	size_t i;

	control(h, errors, "select", "action_plan", "Åtgärdsplan som ska antas", NULL);
	html_raw(h, "><option value=\"\">Välj åtgärdsplan</option>");
	json_array_foreach (json_object_get(more, "action_plans"), i, p) {
		bool adopted = strcmp(web_str(p, "status") ? web_str(p, "status") : "", "draft");

		if (adopted && !(chosen && strcmp(chosen, web_str(p, "id")) == 0))
			continue;
		option(h, web_str(p, "id"), chosen);
		html_txt(h, web_str(p, "title"));
		html_raw(h, adopted ? " (antagen)</option>" : "</option>");
	}
	html_raw(h, "</select>");
}

static void agreement_select(struct html *h, json_t *more, json_t *form, json_t *errors)
{
	const char *chosen = web_str(form, "agreement");
	json_t *a;
	size_t i;

	control(h, errors, "select", "agreement", "Avtal", NULL);
	html_raw(h, ">");
	json_array_foreach (json_object_get(more, "agreements"), i, a) {
		option(h, web_str(a, "id"), chosen);
		html_txt(h, web_str(a, "title"));
		html_raw(h, " (");
		html_date(h, web_str(a, "valid_from"));
		html_raw(h, " – ");
		html_date(h, web_str(a, "valid_to"));
		html_raw(h, ")</option>");
	}
	html_raw(h, "</select>");
}

/* One resource row: its four fields, named as the API's line is. */
static void line_row(struct html *h, json_t *more, json_t *line, json_t *errors, size_t i)
{
	static const char *const labels[] = { "Organisation", "Åtagande", "Omfattning", "Enhet" };
	static const char *const keys[] = { "organisation", "description", "amount", "unit" };
	const char *chosen = web_str(line, "organisation");
	char field[48], name[48], legend[32];
	json_t *o;
	size_t k;

	snprintf(legend, sizeof legend, "Resursrad %zu", i + 1);
	html_raw(h, "<fieldset class=\"line\"><legend>");
	html_txt(h, legend);
	html_raw(h, "</legend>");
	for (int f = 0; f < 4; f++) {
		snprintf(field, sizeof field, "resources[%zu].%s", i, keys[f]);
		snprintf(name, sizeof name, "resources.%zu.%s", i, keys[f]);
		html_raw(h, "<div>");
		if (f == 0) {
			control_named(h, errors, "select", field, name, labels[f], NULL);
			html_raw(h, "><option value=\"\">Välj organisation</option>");
			json_array_foreach (json_object_get(more, "organisations"), k, o) {
				option(h, web_str(o, "slug"), chosen);
				html_txt(h, web_str(o, "name"));
				html_raw(h, "</option>");
			}
			html_raw(h, "</select>");
		} else {
			control_named(h, errors, "input", field, name, labels[f], NULL);
			html_raw(h,
				 f == 2 ? " type=\"text\" inputmode=\"decimal\" value=\""
				 : f == 1
				     ? " type=\"text\" maxlength=\"1000\" value=\""
				     : " type=\"text\" maxlength=\"50\" list=\"enheter\" value=\"");
			html_attr(h, web_str(line, keys[f]));
			html_raw(h, "\">");
		}
		html_raw(h, "</div>");
	}
	html_raw(h, "</fieldset>");
}

static void lines_section(struct html *h, json_t *more, json_t *form, json_t *errors)
{
	json_t *lines = json_object_get(form, "resources"), *none = json_object();
	size_t n = json_array_size(lines);

	html_raw(h, "<h2 id=\"h-resurser\">Resurser</h2><p class=\"hint\">Vad varje "
		    "organisation åtar sig: en rad per åtagande, med omfattningen som ett tal "
		    "och dess enhet (kronor, tjänster, timmar). Lämna en rad tom om den inte "
		    "behövs; behövs fler rader, spara och fyll i de nya.</p>");
	web_field_error(h, errors, "resources");
	html_raw(h, "<datalist id=\"enheter\"><option value=\"kr\"><option value=\"tjänster\">"
		    "<option value=\"timmar\"></datalist>");
	for (size_t i = 0; i < n + PF_EMPTY_LINES && i < PF_MAX_LINES; i++)
		line_row(h, more, i < n ? json_array_get(lines, i) : none, errors, i);
	json_decref(none);
}

void proposal_form_page(struct req *r)
{
	struct html h = { 0 };
	json_t *form = r->web.form, *errors = r->web.errors, *more = r->web.more;
	const char *kind = web_str(form, "kind") ? web_str(form, "kind") : "prioritisation";
	bool edit = r->web.view == PF_EDIT;
	char title[80];

	snprintf(title, sizeof title, "%s: %s", edit ? "Redigera förslag" : "Nytt förslag",
		 sv_kind(kind));
	page_begin(&h, r, title, "/forslag");
	html_raw(&h, "<p class=\"crumbs\"><a href=\"");
	if (edit) {
		html_raw(&h, "/forslag/");
		html_attr(&h, r->web.id);
		html_raw(&h, "\">Tillbaka till förslaget</a></p>");
	} else {
		html_raw(&h, "/forslag/nytt\">Välj en annan sorts förslag</a></p>");
	}
	if (r->web.error) {
		html_raw(&h, "<p class=\"error\" role=\"alert\">");
		html_txt(&h, r->web.error);
		html_raw(&h, "</p>");
	} else if (json_object_size(errors)) {
		html_raw(&h, "<p class=\"error\" role=\"alert\">Förslaget sparades inte. Rätta det "
			     "som anges vid fälten nedan.</p>");
	}
	html_raw(&h, "<p class=\"hint\">");
	html_txt(&h, kind_text(kind));
	html_raw(&h, "</p><form class=\"record proposal\" method=\"post\" action=\"/forslag/");
	if (edit) {
		html_attr(&h, r->web.id);
		html_raw(&h, "/redigera");
	} else {
		html_raw(&h, "nytt");
	}
	html_raw(&h, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&h, r->web.csrf);
	html_raw(&h, "\"><input type=\"hidden\" name=\"kind\" value=\"");
	html_attr(&h, kind);
	html_raw(&h, "\">");
	if (edit) {
		html_raw(&h, "<input type=\"hidden\" name=\"version\" value=\"");
		html_attr(&h, web_str(form, "version"));
		html_raw(&h, "\">");
	} else {
		agreement_select(&h, more, form, errors);
	}
	text_input(&h, form, errors, "title", "Titel", NULL, " type=\"text\" maxlength=\"300\"");
	textarea(&h, form, errors, "proposal_text", "Förslag",
		 "Vad styrgruppen ska besluta, formulerat som ett beslut.");
	textarea(&h, form, errors, "background", "Bakgrund",
		 "Varför förslaget läggs: läget, underlaget och vad som har prövats.");
	focus_select(&h, more, form, errors);
	if (strcmp(kind, "action_plan") == 0)
		plan_select(&h, more, form, errors);
	if (strcmp(kind, "follow_up") == 0)
		text_input(&h, form, errors, "follow_up_year", "Uppföljningsår",
			   "Ett år inom avtalets period, t.ex. 2025.",
			   " type=\"text\" inputmode=\"numeric\" maxlength=\"4\"");
	if (strcmp(kind, "extension") == 0) {
		const char *years = web_str(form, "extension_years");
		static const char *const n[] = { "1", "2", "3", "4" };

		control(&h, errors, "select", "extension_years", "Förläng avtalet med",
			"Räknas från avtalets nuvarande slutdatum.");
		html_raw(&h, ">");
		for (int i = 0; i < 4; i++) {
			option(&h, n[i], years && years[0] ? years : "1");
			html_txt(&h, n[i]);
			html_raw(&h, " år</option>");
		}
		html_raw(&h, "</select>");
	}
	lines_section(&h, more, form, errors);
	html_raw(&h, "<div class=\"buttons\"><button type=\"submit\">");
	html_raw(&h, edit ? "Spara ändringarna" : "Spara som utkast");
	html_raw(&h, "</button></div></form>");
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}

/* ---- the buttons on a proposal's page ------------------------------------------------ */

static void state_button(struct html *h, struct req *r, json_t *p, const char *tail,
			 const char *label, bool secondary)
{
	html_raw(h, "<li><form method=\"post\" action=\"/forslag/");
	html_attr(h, web_str(p, "id"));
	html_raw(h, tail);
	html_raw(h, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(h, r->web.csrf);
	html_raw(h, secondary ? "\"><button type=\"submit\" class=\"secondary\">"
			      : "\"><button type=\"submit\">");
	html_txt(h, label);
	html_raw(h, "</button></form></li>");
}

void proposal_actions(struct req *r, struct html *h, json_t *p)
{
	const char *st = web_str(p, "status") ? web_str(p, "status") : "";
	bool draft = strcmp(st, "draft") == 0, open = draft || strcmp(st, "submitted") == 0;

	if (r->web.action_error) {
		html_raw(h, "<p class=\"error\" role=\"alert\" id=\"atgard-fel\">");
		html_txt(h, r->web.action_error);
		html_raw(h, "</p>");
	}
	if (!open || !policy_check(&r->auth.actor.p, ACT_EDIT_PROPOSALS, NULL, NULL))
		return;
	html_raw(h, "<ul class=\"actions\" aria-label=\"Hantera förslaget\">");
	if (draft) {
		html_raw(h, "<li><a class=\"button\" href=\"/forslag/");
		html_attr(h, web_str(p, "id"));
		html_raw(h, "/redigera\">Redigera</a></li>");
		state_button(h, r, p, "/lamna-in", "Lämna in till styrgruppen", false);
	}
	state_button(h, r, p, "/dra-tillbaka", "Dra tillbaka", true);
	html_raw(h, "</ul>");
}
