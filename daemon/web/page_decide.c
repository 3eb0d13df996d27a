/*
 * Att besluta and a proposal's page.
 *
 * Att besluta lists what `GET /v1/me/pending` (and `samverkan proposals
 * pending`) lists: the submitted proposals that wait for a decision of the
 * signed-in user's organisation, through the same statement. A proposal's
 * page shows the API's document of it (`GET /v1/proposals/{id}`): its
 * text, background, resource lines and the decision matrix, every
 * affected organisation in every round; and to a decision maker of an
 * affected organisation that has not decided this round, the decision
 * form (decide.c takes it).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "sql_names.h"
#include "web_internal.h"

/* The decision of organisation org in round, or NULL. */
static json_t *decision_of(json_t *p, const char *org, json_int_t round)
{
	json_t *d;
	size_t i;

	json_array_foreach (json_object_get(p, "decisions"), i, d) {
		const char *o = web_str(d, "organisation");

		if (o && org && strcmp(o, org) == 0 &&
		    json_integer_value(json_object_get(d, "round")) == round)
			return d;
	}
	return NULL;
}

static bool affects(json_t *p, const char *org)
{
	json_t *a;
	size_t i;

	json_array_foreach (json_object_get(p, "affected"), i, a)
		if (org && json_string_value(a) && strcmp(json_string_value(a), org) == 0)
			return true;
	return false;
}

static bool may_decide_for_own(struct req *r)
{
	struct policy_target t = { .organisation = r->auth.actor.p.organisation };

	return policy_check(&r->auth.actor.p, ACT_DECIDE, &t, NULL);
}

bool proposal_can_decide(struct req *r, json_t *p)
{
	const char *org = r->auth.actor.p.organisation, *st = web_str(p, "status");
	json_int_t round = json_integer_value(json_object_get(p, "round"));

	return may_decide_for_own(r) && st && strcmp(st, "submitted") == 0 && affects(p, org) &&
	       !decision_of(p, org, round);
}

/* ---- Att besluta ------------------------------------------------------------ */

void page_pending(struct req *r, json_t *items)
{
	struct html h = { 0 };
	bool decides = may_decide_for_own(r);
	json_t *p, *list = decides ? items : NULL;
	size_t i;

	page_begin(&h, r, "Att besluta", "/att-besluta");
	if (!decides) {
		html_raw(&h, "<p>Förslag beslutas av styrgruppens beslutsfattare, en för varje "
			     "berörd organisation. Du är inte beslutsfattare, så inga förslag "
			     "väntar på ditt beslut.");
		/* Förslag only for who may open it (not an admin in no group). */
		if (policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, NULL))
			html_raw(&h, " Alla förslag finns under <a href=\"/forslag\">Förslag</a>.");
		html_raw(&h, "</p>");
	} else if (json_array_size(list) == 0) {
		html_raw(&h, "<p>Inga förslag väntar på er organisations beslut.</p>");
	} else {
		html_raw(&h, "<p>De här förslagen väntar på beslut av din organisation. Öppna ett "
			     "förslag för att läsa det och besluta.</p><ul class=\"cards\">");
	}
	json_array_foreach (list, i, p) {
		json_int_t round = json_integer_value(json_object_get(p, "round"));
		size_t decided = 0, k;
		json_t *a;

		json_array_foreach (json_object_get(p, "affected"), k, a)
			decided += decision_of(p, json_string_value(a), round) != NULL;
		html_raw(&h, "<li><a class=\"title\" href=\"/forslag/");
		html_attr(&h, web_str(p, "id"));
		html_raw(&h, "\">");
		html_txt(&h, web_str(p, "title"));
		html_raw(&h, "</a><span class=\"meta\"><span class=\"tag\">");
		html_txt(&h, sv_kind(web_str(p, "kind")));
		html_raw(&h, "</span> Inlämnat ");
		html_date(&h, web_str(p, "submitted_at"));
		html_raw(&h, " · omgång ");
		html_long(&h, (long)round);
		html_raw(&h, " · ");
		html_long(&h, (long)decided);
		html_raw(&h, " av ");
		html_long(&h, (long)json_array_size(json_object_get(p, "affected")));
		html_raw(&h, " organisationer har beslutat</span></li>");
	}
	if (json_array_size(list))
		html_raw(&h, "</ul>");
	page_end(&h);
	web_send(r, 200, &h);
}

/* ---- a proposal ----------------------------------------------------------------- */

static const char *org_name(struct req *r, const char *slug)
{
	const char *n = web_str(json_object_get(r->web.more, "organisations"), slug);

	return n ? n : slug;
}

/* Multi-line text, shown with its line breaks (CSS white-space). */
static void text_section(struct html *h, const char *id, const char *title, const char *text,
			 const char *none)
{
	html_raw(h, "<section aria-labelledby=\"");
	html_attr(h, id);
	html_raw(h, "\"><h2 id=\"");
	html_attr(h, id);
	html_raw(h, "\">");
	html_txt(h, title);
	html_raw(h, "</h2>");
	if (text && text[0]) {
		html_raw(h, "<p class=\"text\">");
		html_txt(h, text);
	} else {
		html_raw(h, "<p class=\"none\">");
		html_txt(h, none);
	}
	html_raw(h, "</p></section>");
}

static void fact(struct html *h, const char *term)
{
	html_raw(h, "<div><dt>");
	html_txt(h, term);
	html_raw(h, "</dt><dd>");
}

/* The end an extension gives: the same day n years later (29 February
 * becoming 28 February, as PostgreSQL's interval does). */
static void extended_date(struct html *h, const char *from, long years)
{
	int y, m, d;
	char iso[16];

	if (!from || sscanf(from, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		html_txt(h, from);
		return;
	}
	y += (int)years;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		d = 28;
	snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
	html_date(h, iso);
}

static void facts_section(struct req *r, struct html *h, json_t *p)
{
	const char *kind = web_str(p, "kind");
	json_t *agr = json_object_get(r->web.more, "agreement");
	json_t *fa = json_object_get(r->web.more, "focus_area");

	html_raw(h, "<section aria-labelledby=\"h-uppgifter\"><h2 id=\"h-uppgifter\">Uppgifter"
		    "</h2><dl class=\"facts\">");
	fact(h, "Avtal");
	html_txt(h, web_str(agr, "title"));
	html_raw(h, "</dd></div>");
	if (json_is_object(fa)) {
		fact(h, "Fokusområde");
		html_long(h, (long)json_integer_value(json_object_get(fa, "ordinal")));
		html_raw(h, ". ");
		html_txt(h, web_str(fa, "title"));
		html_raw(h, "</dd></div>");
	}
	if (web_str(r->web.more, "action_plan")) {
		fact(h, "Åtgärdsplan");
		html_txt(h, web_str(r->web.more, "action_plan"));
		html_raw(h, "</dd></div>");
	}
	if (kind && strcmp(kind, "follow_up") == 0) {
		fact(h, "Uppföljningsår");
		html_long(h, (long)json_integer_value(json_object_get(p, "follow_up_year")));
		html_raw(h, "</dd></div>");
	}
	if (kind && strcmp(kind, "extension") == 0) {
		const char *from = web_str(p, "extends_valid_to");
		long years = (long)json_integer_value(json_object_get(p, "extension_years"));

		if (!from)
			from = web_str(agr, "valid_to");
		fact(h, "Förlängning");
		html_long(h, years);
		html_raw(h, " år, från ");
		html_date(h, from);
		html_raw(h, " till ");
		extended_date(h, from, years);
		html_raw(h, "</dd></div>");
	}
	fact(h, "Författare");
	html_txt(h, web_str(p, "author"));
	html_raw(h, "</dd></div>");
	fact(h, "Skapat");
	html_date(h, web_str(p, "created_at"));
	html_raw(h, "</dd></div>");
	if (web_str(p, "submitted_at")) {
		fact(h, "Inlämnat");
		html_date(h, web_str(p, "submitted_at"));
		html_raw(h, "</dd></div>");
	}
	if (web_str(p, "decided_at")) {
		fact(h, "Avgjort");
		html_date(h, web_str(p, "decided_at"));
		html_raw(h, "</dd></div>");
	}
	html_raw(h, "</dl></section>");
}

static void resources_section(struct req *r, struct html *h, json_t *p)
{
	json_t *lines = json_object_get(p, "resources"), *l;
	size_t i;

	/* Only a prioritisation must have resource lines; another kind's
	 * page shows them when it has any. */
	if (json_array_size(lines) == 0 &&
	    strcmp(web_str(p, "kind") ? web_str(p, "kind") : "", "prioritisation") != 0)
		return;
	html_raw(h, "<section aria-labelledby=\"h-resurser\"><h2 id=\"h-resurser\">Resurser</h2>");
	if (json_array_size(lines) == 0) {
		html_raw(h, "<p class=\"none\">Förslaget har inga resursrader.</p></section>");
		return;
	}
	html_raw(h, "<table class=\"stack\"><caption>Vad varje organisation åtar sig</caption>"
		    "<thead><tr><th scope=\"col\">Organisation</th><th scope=\"col\">Åtagande</th>"
		    "<th scope=\"col\">Omfattning</th></tr></thead><tbody>");
	json_array_foreach (lines, i, l) {
		html_raw(h, "<tr><td data-label=\"Organisation\">");
		html_txt(h, org_name(r, web_str(l, "organisation")));
		html_raw(h, "</td><td data-label=\"Åtagande\">");
		html_txt(h, web_str(l, "description"));
		html_raw(h, "</td><td data-label=\"Omfattning\">");
		html_amount(h, json_object_get(l, "amount"));
		html_raw(h, " ");
		html_txt(h, web_str(l, "unit"));
		html_raw(h, "</td></tr>");
	}
	html_raw(h, "</tbody></table></section>");
}

static void matrix_row(struct req *r, struct html *h, const char *org, json_int_t round, json_t *d,
		       const char *missing)
{
	html_raw(h, "<tr><th scope=\"row\" data-label=\"Organisation\">");
	html_txt(h, org_name(r, org));
	html_raw(h, "</th><td data-label=\"Omgång\">");
	html_long(h, (long)round);
	html_raw(h, "</td><td data-label=\"Beslut\">");
	if (d) {
		html_raw(h, "<span class=\"verdict v-");
		html_attr(h, web_str(d, "verdict"));
		html_raw(h, "\">");
		html_txt(h, sv_verdict(web_str(d, "verdict")));
		html_raw(h, "</span>");
	} else {
		html_raw(h, "<span class=\"verdict v-open\">");
		html_txt(h, missing);
		html_raw(h, "</span>");
	}
	html_raw(h, "</td><td data-label=\"Kommentar\" class=\"text\">");
	html_txt(h, web_str(d, "comment"));
	html_raw(h, "</td><td data-label=\"Beslutat av\">");
	html_txt(h, web_str(d, "decided_by"));
	html_raw(h, "</td><td data-label=\"Datum\">");
	html_date(h, web_str(d, "decided_at"));
	html_raw(h, "</td></tr>");
}

/* Every round's decisions; in the round under way, every affected
 * organisation, decided or not. */
static void matrix(struct req *r, struct html *h, json_t *p)
{
	json_int_t round = json_integer_value(json_object_get(p, "round"));
	const char *st = web_str(p, "status");
	bool open = st && strcmp(st, "submitted") == 0;
	bool now = st && strcmp(st, "draft") != 0 &&
		   json_array_size(json_object_get(p, "affected"));
	json_t *d, *a;
	size_t i;

	if (json_array_size(json_object_get(p, "decisions")) == 0 && !now) {
		html_raw(h, "<p class=\"none\">Inga beslut är fattade. Vilka organisationer som "
			    "beslutar bestäms när förslaget lämnas in.</p>");
		return;
	}
	html_raw(h, "<table class=\"stack matrix\"><caption>Beslut per organisation och omgång"
		    "</caption><thead><tr><th scope=\"col\">Organisation</th><th scope=\"col\">"
		    "Omgång</th><th scope=\"col\">Beslut</th><th scope=\"col\">Kommentar</th>"
		    "<th scope=\"col\">Beslutat av</th><th scope=\"col\">Datum</th></tr></thead>"
		    "<tbody>");
	json_array_foreach (json_object_get(p, "decisions"), i, d)
		if (!now || json_integer_value(json_object_get(d, "round")) < round)
			matrix_row(r, h, web_str(d, "organisation"),
				   json_integer_value(json_object_get(d, "round")), d, NULL);
	if (now)
		json_array_foreach (json_object_get(p, "affected"), i, a)
			matrix_row(r, h, json_string_value(a), round,
				   decision_of(p, json_string_value(a), round),
				   open ? "Inväntar beslut" : "Inget beslut");
	html_raw(h, "</tbody></table>");
}

static void comment_field(struct req *r, struct html *h, bool readonly)
{
	html_raw(h, "<label for=\"kommentar\">Kommentar</label><p class=\"hint\" "
		    "id=\"kommentar-hint\">");
	html_raw(h, readonly ? "Din kommentar sparades inte. Kopiera den om du vill använda "
			       "den."
			     : "Frivillig. Visas för alla parter tillsammans med beslutet.");
	html_raw(h, "</p><textarea id=\"kommentar\" name=\"comment\" rows=\"5\" "
		    "maxlength=\"4000\" aria-describedby=\"kommentar-hint");
	if (r->web.error)
		html_raw(h, " beslut-fel");
	html_raw(h, readonly ? "\" readonly>" : "\">");
	html_txt(h, r->web.comment);
	html_raw(h, "</textarea>");
}

static void decision_form(struct req *r, struct html *h, json_t *p)
{
	html_raw(h, "<form class=\"decide\" method=\"post\" action=\"/forslag/");
	html_attr(h, web_str(p, "id"));
	html_raw(h, "/beslut\"><h3>Er organisations beslut</h3><input type=\"hidden\" "
		    "name=\"csrf\" value=\"");
	html_attr(h, r->web.csrf);
	html_raw(h, "\">");
	comment_field(r, h, false);
	html_raw(h, "<div class=\"buttons\"><button type=\"submit\" name=\"verdict\" "
		    "value=\"approve\">Godkänn</button><button type=\"submit\" name=\"verdict\" "
		    "value=\"reject\" class=\"secondary\">Avslå</button><button type=\"submit\" "
		    "name=\"verdict\" value=\"return\" class=\"secondary\">Återremittera</button>"
		    "</div></form>");
}

static void decision_section(struct req *r, struct html *h, json_t *p)
{
	const char *org = r->auth.actor.p.organisation, *st = web_str(p, "status");
	json_int_t round = json_integer_value(json_object_get(p, "round"));
	json_t *mine = decision_of(p, org, round);

	html_raw(h, "<section id=\"beslut\" aria-labelledby=\"h-beslut\"><h2 id=\"h-beslut\">"
		    "Beslut</h2>");
	matrix(r, h, p);
	if (r->web.error) {
		html_raw(h, "<p class=\"error\" role=\"alert\" id=\"beslut-fel\">");
		html_txt(h, r->web.error);
		html_raw(h, "</p>");
	}
	if (proposal_can_decide(r, p)) {
		decision_form(r, h, p);
	} else if (r->web.error && r->web.comment && r->web.comment[0]) {
		html_raw(h, "<div class=\"decide\">");
		comment_field(r, h, true);
		html_raw(h, "</div>");
	} else if (mine) {
		html_raw(h, "<p class=\"notice\">Er organisation har beslutat i omgång ");
		html_long(h, (long)round);
		html_raw(h, ": ");
		html_txt(h, sv_verdict(web_str(mine, "verdict")));
		html_raw(h, ".</p>");
	} else if (!may_decide_for_own(r)) {
		html_raw(h,
			 "<p class=\"hint\">Beslut fattas av styrgruppens beslutsfattare, en för "
			 "varje berörd organisation.</p>");
	} else if (st && strcmp(st, "submitted") == 0) {
		html_raw(h, "<p class=\"hint\">Er organisation berörs inte av förslaget och "
			    "beslutar inte om det.</p>");
	}
	html_raw(h, "</section>");
}

void page_proposal(struct req *r)
{
	struct html h = { 0 };
	json_t *p = r->web.doc;
	const char *st = web_str(p, "status");

	page_begin(&h, r, web_str(p, "title"), "/forslag");
	html_raw(&h, "<p class=\"meta\"><span class=\"tag\">");
	html_txt(&h, sv_kind(web_str(p, "kind")));
	html_raw(&h, "</span> <span class=\"status s-");
	html_attr(&h, st);
	html_raw(&h, "\">");
	html_txt(&h, sv_proposal_status(st));
	html_raw(&h, "</span> Omgång ");
	html_long(&h, (long)json_integer_value(json_object_get(p, "round")));
	html_raw(&h, "</p>");
	proposal_actions(r, &h, p);
	if (r->web.error)
		html_raw(&h, "<p class=\"error\"><a href=\"#beslut-fel\">Ditt beslut registrerades "
			     "inte. Se varför under Beslut.</a></p>");
	else if (proposal_can_decide(r, p))
		html_raw(&h, "<p class=\"notice\"><a href=\"#beslut\">Förslaget väntar på er "
			     "organisations beslut.</a></p>");
	text_section(&h, "h-forslag", "Förslag", web_str(p, "proposal_text"),
		     "Förslaget har ingen förslagstext.");
	text_section(&h, "h-bakgrund", "Bakgrund", web_str(p, "background"),
		     "Förslaget har ingen bakgrund.");
	facts_section(r, &h, p);
	resources_section(r, &h, p);
	decision_section(r, &h, p);
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}

/* ---- its read ------------------------------------------------------------------- */

static void pending_loaded(struct req *r, const struct db_result *res)
{
	const char *text;
	json_t *doc;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	text = req_result_text(res, 0);
	doc = text ? json_loads(text, 0, NULL) : NULL;
	page_pending(r, json_object_get(doc, "items"));
	json_decref(doc);
}

void web_pending(struct req *r)
{
	const char *p[1] = { r->auth.token_hash };

	req_db1(r, SQL_PENDING, 1, p, pending_loaded);
}
