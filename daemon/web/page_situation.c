/*
 * Lägesbild (GET /lagesbild?kommun=&vecka=): the situation picture of one
 * municipality and ISO week, as GET /v1/situation gives it — the same
 * right (ACT_READ_SHARED), the same statement (situation, that is
 * svk.situation) and the same suppression: a viewer of a non-party
 * organisation sees a place with fewer than 3 incidents as "<3". The
 * municipality and week are chosen with a GET form that needs no script;
 * without them the page shows the viewer's own municipality (their
 * arbetsgrupp's, else their organisation when it is a municipality) and
 * the week it is now in Sweden. The counts per category and the trend
 * are SVG charts (chart.c), each with the same numbers in a table.
 *
 * The names a page shows (the municipalities, the categories, this week)
 * are read once per request by web_situation_names, which the report
 * form and the upload (incident_form.c, page_import.c) use too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isoweek.h"
#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "web_internal.h"

#define WEEKS_OFFERED 53 /* weeks back from this one in the week menu */

/* ---- the names every Lägesbild page reads ------------------------------------- */

static void names_loaded(struct req *r, const struct db_result *res)
{
	const char *names = req_result_text(res, 0), *cats = req_result_text(res, 1);
	json_t *list;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	r->web.more = names ? json_loads(names, 0, NULL) : NULL;
	list = cats ? json_loads(cats, 0, NULL) : NULL;
	if (!r->web.more || !list ||
	    json_object_set(r->web.more, "categories", json_object_get(list, "items")) != 0) {
		json_decref(list);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	json_decref(list);
	r->web.then(r);
}

void web_situation_names(struct req *r, void (*then)(struct req *r))
{
	struct db_call calls[2] = {
		{ .stmt = SQL_WEB_SITUATION, .nparams = 0 },
		{ .stmt = SQL_CATEGORY_LIST, .nparams = 0 },
	};

	r->web.then = then;
	req_db(r, calls, 2, names_loaded);
}

const char *web_municipality_name(struct req *r, const char *slug)
{
	json_t *m;
	size_t i;

	json_array_foreach (json_object_get(r->web.more, "municipalities"), i, m)
		if (slug && web_str(m, "slug") && strcmp(web_str(m, "slug"), slug) == 0)
			return web_str(m, "name");
	return NULL;
}

bool web_may_report(struct req *r, const char *municipality)
{
	struct policy_target t = { .municipality = municipality };

	return municipality && policy_check(&r->auth.actor.p, ACT_REPORT_INCIDENT, &t, NULL);
}

const char *web_own_municipality(struct req *r)
{
	const struct policy_actor *a = &r->auth.actor.p;
	json_t *first = json_array_get(json_object_get(r->web.more, "municipalities"), 0);

	for (size_t i = 0; i < a->n_memberships; i++)
		if (a->memberships[i].tier == TIER_ARBETSGRUPP &&
		    web_municipality_name(r, a->memberships[i].municipality))
			return a->memberships[i].municipality;
	if (web_municipality_name(r, a->organisation))
		return a->organisation;
	return web_str(first, "slug");
}

bool web_week_parts(const char *label, int *year, int *week)
{
	return label && isoweek_parse(label, year, week, NULL) == 0;
}

void html_week(struct html *h, const char *label)
{
	int y, w;

	if (!web_week_parts(label, &y, &w)) {
		html_txt(h, label);
		return;
	}
	html_raw(h, "v. ");
	html_long(h, w);
	html_raw(h, " ");
	html_long(h, y);
}

/* "v. 49 2026" for a sentence. */
static void week_words(const char *label, char *out, size_t outlen)
{
	int y, w;

	if (web_week_parts(label, &y, &w))
		snprintf(out, outlen, "v. %d %d", w, y);
	else
		snprintf(out, outlen, "%s", label ? label : "");
}

/* The week n weeks after label's ("YYYY-Www") into out. */
static void week_add(const char *label, long n, char *out, size_t outlen)
{
	int y, w;

	if (!web_week_parts(label, &y, &w)) {
		snprintf(out, outlen, "%s", label);
		return;
	}
	isoweek_of(isodate_add_days(isoweek_monday(y, w), n * 7), &y, &w);
	isoweek_format(y, w, out, outlen);
}

/* ---- the page ------------------------------------------------------------------- */

static void choose_form(struct html *h, struct req *r, const char *mun, const char *week)
{
	const char *now = web_str(r->web.more, "this_week");
	bool listed = false;
	char wk[16];
	json_t *m;
	size_t i;

	html_raw(h,
		 "<form class=\"filter\" method=\"get\" action=\"/lagesbild\">"
		 "<div><label for=\"kommun\">Kommun</label><select id=\"kommun\" name=\"kommun\">");
	json_array_foreach (json_object_get(r->web.more, "municipalities"), i, m) {
		html_raw(h, "<option value=\"");
		html_attr(h, web_str(m, "slug"));
		html_raw(h, strcmp(web_str(m, "slug") ? web_str(m, "slug") : "", mun) == 0
				? "\" selected>"
				: "\">");
		html_txt(h, web_str(m, "name"));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select></div><div><label for=\"vecka\">Vecka</label>"
		    "<select id=\"vecka\" name=\"vecka\">");
	for (long k = 0; k < WEEKS_OFFERED; k++) {
		week_add(now, -k, wk, sizeof wk);
		listed |= strcmp(wk, week) == 0;
		html_raw(h, "<option value=\"");
		html_attr(h, wk);
		html_raw(h, strcmp(wk, week) == 0 ? "\" selected>" : "\">");
		html_week(h, wk);
		html_raw(h, k == 0 ? " (denna vecka)</option>" : "</option>");
	}
	if (!listed) { /* a week further back (or ahead), chosen by its address */
		html_raw(h, "<option value=\"");
		html_attr(h, week);
		html_raw(h, "\" selected>");
		html_week(h, week);
		html_raw(h, "</option>");
	}
	html_raw(h, "</select></div><button type=\"submit\">Visa</button></form>");
}

static void week_link(struct html *h, const char *mun, const char *week, const char *rel,
		      const char *word)
{
	html_raw(h, "<a rel=\"");
	html_raw(h, rel);
	html_raw(h, "\" href=\"/lagesbild?kommun=");
	html_attr(h, mun);
	html_raw(h, "&amp;vecka=");
	html_attr(h, week);
	html_raw(h, "\">");
	html_raw(h, word);
	html_raw(h, " (");
	html_week(h, week);
	html_raw(h, ")</a>");
}

static void categories_section(struct html *h, json_t *doc, const char *mun_name)
{
	json_t *cats = json_object_get(doc, "categories"), *c;
	char label[400], wk[24];
	size_t i;

	week_words(web_str(doc, "week"), wk, sizeof wk);
	html_raw(h, "<section aria-labelledby=\"per-kategori\"><h2 id=\"per-kategori\">"
		    "Händelser per kategori</h2><div class=\"pair\"><figure class=\"figure\">");
	snprintf(label, sizeof label,
		 "Stapeldiagram: händelser per kategori i %s %s jämfört med snittet av de fyra "
		 "veckorna före. Siffrorna finns i tabellen bredvid.",
		 mun_name, wk);
	(void)validate_utf8_trim(label);
	chart_categories(h, cats, label);
	html_raw(h, "</figure><table><caption>Händelser per kategori (snitt: de fyra veckorna "
		    "före)</caption><thead><tr><th scope=\"col\">Kategori</th>"
		    "<th scope=\"col\" class=\"num\">Veckan</th>"
		    "<th scope=\"col\" class=\"num\">Snitt</th>"
		    "<th scope=\"col\" class=\"num\">Ändring</th></tr></thead><tbody>");
	json_array_foreach (cats, i, c) {
		json_t *pct = json_object_get(c, "change_percent");

		html_raw(h, "<tr><th scope=\"row\">");
		html_txt(h, web_str(c, "name"));
		html_raw(h, "</th><td class=\"num\">");
		html_amount(h, json_object_get(c, "count"));
		html_raw(h, "</td><td class=\"num\">");
		html_amount(h, json_object_get(c, "previous_average"));
		html_raw(h, "</td><td class=\"num\">");
		if (json_is_number(pct)) {
			html_raw(h, json_number_value(pct) > 0 ? "+" : "");
			html_amount(h, pct);
			html_raw(h, " %");
		} else {
			html_raw(h, "<span class=\"none\">–</span>");
		}
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div></section>");
}

static void trend_section(struct html *h, json_t *doc, const char *mun_name)
{
	json_t *trend = json_object_get(doc, "trend"), *t;
	char label[400], wk[24];
	size_t i;

	week_words(web_str(doc, "week"), wk, sizeof wk);
	html_raw(h, "<section aria-labelledby=\"trend\"><h2 id=\"trend\">Trend, 12 veckor</h2>"
		    "<div class=\"pair\"><figure class=\"figure\">");
	snprintf(label, sizeof label,
		 "Stapeldiagram: antal händelser per vecka i %s de tolv veckorna till och med "
		 "%s. Siffrorna finns i tabellen bredvid.",
		 mun_name, wk);
	(void)validate_utf8_trim(label);
	chart_trend(h, trend, web_str(doc, "week"), label);
	html_raw(h, "</figure><table><caption>Händelser per vecka</caption><thead><tr>"
		    "<th scope=\"col\">Vecka</th><th scope=\"col\" class=\"num\">Händelser</th>"
		    "</tr></thead><tbody>");
	json_array_foreach (trend, i, t) {
		html_raw(h, "<tr><th scope=\"row\">");
		html_week(h, web_str(t, "week"));
		html_raw(h, "</th><td class=\"num\">");
		html_amount(h, json_object_get(t, "count"));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></div></section>");
}

static void hotspots_section(struct html *h, json_t *doc)
{
	json_t *hot = json_object_get(doc, "hotspots"), *p;
	size_t i;

	html_raw(h, "<section aria-labelledby=\"platser\"><h2 id=\"platser\">Platser med flest "
		    "händelser</h2>");
	if (json_is_true(json_object_get(doc, "suppressed")))
		html_raw(h, "<p class=\"hint\">Din organisation är inte part i avtalet: en plats "
			    "med färre än 3 händelser visas som &lt;3.</p>");
	if (json_array_size(hot) == 0) {
		html_raw(h, "<p class=\"none\">Inga händelser den veckan.</p></section>");
		return;
	}
	html_raw(h, "<table class=\"hot\"><caption class=\"sr\">Platser med flest händelser"
		    "</caption><thead><tr><th scope=\"col\">Plats</th><th scope=\"col\" "
		    "class=\"num\">Händelser</th></tr></thead><tbody>");
	json_array_foreach (hot, i, p) {
		json_t *n = json_object_get(p, "count");

		html_raw(h, "<tr><th scope=\"row\">");
		html_txt(h, web_str(p, "place"));
		html_raw(h, "</th><td class=\"num\">");
		if (json_is_string(n))
			html_txt(h, json_string_value(n)); /* "<3" */
		else
			html_amount(h, n);
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></section>");
}

static void situation_page(struct req *r)
{
	struct html h = { 0 };
	json_t *doc = r->web.doc;
	const char *mun = r->web.id, *week = r->web.sub;
	const char *name = web_municipality_name(r, mun);
	const char *now = web_str(r->web.more, "this_week");
	char prev[16], next[16];

	week_add(week, -1, prev, sizeof prev);
	week_add(week, 1, next, sizeof next);
	page_begin(&h, r, "Lägesbild", "/lagesbild");
	choose_form(&h, r, mun, week);
	html_raw(&h, "<nav class=\"pages\" aria-label=\"Bläddra bland veckorna\">");
	week_link(&h, mun, prev, "prev", "Föregående vecka");
	if (now && strcmp(week, now) < 0)
		week_link(&h, mun, next, "next", "Nästa vecka");
	html_raw(&h, "</nav><section aria-labelledby=\"veckan\"><h2 id=\"veckan\">");
	html_txt(&h, name);
	html_raw(&h, ", ");
	html_week(&h, week);
	html_raw(&h, "</h2><p class=\"lead\">");
	html_amount(&h, json_object_get(doc, "total"));
	html_raw(&h, json_integer_value(json_object_get(doc, "total")) == 1 ? " händelse"
									    : " händelser");
	html_raw(&h, "</p><p>");
	html_date(&h, web_str(doc, "from"));
	html_raw(&h, " – ");
	html_date(&h, web_str(doc, "to"));
	html_raw(&h, ". Snitt de fyra veckorna före: ");
	html_amount(&h, json_object_get(doc, "previous_average"));
	html_raw(&h, " händelser per vecka.</p>");
	if (web_may_report(r, mun)) {
		html_raw(&h, "<p class=\"actions\"><a class=\"button\" "
			     "href=\"/lagesbild/rapportera?kommun=");
		html_attr(&h, mun);
		html_raw(&h, "\">Rapportera en händelse</a><a href=\"/lagesbild/importera?kommun=");
		html_attr(&h, mun);
		html_raw(&h, "\">Importera en CSV-fil</a></p>");
	}
	html_raw(&h, "</section>");
	categories_section(&h, doc, name);
	trend_section(&h, doc, name);
	hotspots_section(&h, doc);
	page_end(&h);
	web_send(r, 200, &h);
}

static void situation_loaded(struct req *r, const struct db_result *res)
{
	const char *text = req_result_text(res, 0);

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	r->web.doc = text ? json_loads(text, 0, NULL) : NULL;
	if (!r->web.doc) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	situation_page(r);
}

/* The names are read: the municipality and week chosen (or the
 * defaults), then the API's statement with the API's suppression. */
static void situation_read(struct req *r)
{
	const char *own = web_own_municipality(r), *now = web_str(r->web.more, "this_week");
	char monday[16];
	int y, w;

	if (!r->web.id[0])
		snprintf(r->web.id, sizeof r->web.id, "%s", own ? own : "");
	if (!r->web.sub[0])
		snprintf(r->web.sub, sizeof r->web.sub, "%s", now ? now : "");
	if (!web_municipality_name(r, r->web.id)) {
		web_message(r, 404, "Kommunen finns inte",
			    "Det finns ingen kommun med den adressen. Välj Lägesbild i menyn för "
			    "att börja om.");
		return;
	}
	if (!web_week_parts(r->web.sub, &y, &w)) {
		req_problem(r, SVK_ERR_INTERNAL, "no week");
		return;
	}
	isodate_format(isoweek_monday(y, w), monday, sizeof monday);
	const char *p[3] = { r->web.id, monday,
			     r->auth.actor.p.organisation_party ? "false" : "true" };
	req_db1(r, SQL_SITUATION, 3, p, situation_loaded);
}

void web_situation(struct req *r)
{
	const char *mun = req_query(r, "kommun"), *week = req_query(r, "vecka");
	int y, w;

	if (!web_read_allowed(r, "GET /lagesbild"))
		return;
	if (mun && *mun && (!validate_slug(mun) || strlen(mun) >= sizeof r->web.id)) {
		web_message(r, 404, "Kommunen finns inte",
			    "Det finns ingen kommun med den adressen. Välj Lägesbild i menyn för "
			    "att börja om.");
		return;
	}
	if (week && *week && isoweek_parse(week, &y, &w, NULL) != 0) {
		web_message(r, 400, "Veckan känns inte igen",
			    "Adressens vecka känns inte igen. Välj en vecka i listan på sidan "
			    "Lägesbild.");
		return;
	}
	snprintf(r->web.id, sizeof r->web.id, "%s", mun ? mun : "");
	snprintf(r->web.sub, sizeof r->web.sub, "%s", week ? week : "");
	web_situation_names(r, situation_read);
}
