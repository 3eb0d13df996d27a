/*
 * The pages: the frame every page shares (head, top bar, navigation), the
 * sign-in page, Översikt and the "Kommer snart" page of the parts not built
 * yet. Every value from the database or the request goes through html_txt
 * or html_attr; no page has inline script or style (the CSP forbids both).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "web_internal.h"

void page_begin(struct html *h, struct req *r, const char *title, const char *current)
{
	bool signed_in = r->auth.authenticated;

	html_raw(h, "<!doctype html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>");
	html_txt(h, title);
	html_raw(h, " – Samverkan</title><link rel=\"stylesheet\" href=\"");
	html_attr(h, asset_path("style.css"));
	html_raw(h, "\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"");
	html_attr(h, asset_path("icon.svg"));
	html_raw(h, "\"></head><body><a class=\"skip\" href=\"#main\">Hoppa till innehållet</a>"
		    "<header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/\">"
		    "<img src=\"");
	html_attr(h, asset_path("icon.svg"));
	html_raw(h, "\" alt=\"\" width=\"28\" height=\"28\">Samverkan</a>");
	if (signed_in) {
		html_raw(h, "<form class=\"logout\" method=\"post\" action=\"/logga-ut\">"
			    "<span class=\"who\">");
		html_txt(h, r->auth.actor.username);
		html_raw(h, "</span><input type=\"hidden\" name=\"csrf\" value=\"");
		html_attr(h, r->web.csrf);
		html_raw(h, "\"><button type=\"submit\">Logga ut</button></form>");
	}
	html_raw(h, "</div>");
	if (signed_in)
		web_nav(h, r, current);
	html_raw(h, "</header><main id=\"main\"><h1>");
	html_txt(h, title);
	html_raw(h, "</h1>");
}

void page_end(struct html *h)
{
	html_raw(h, "</main></body></html>\n");
}

void page_login(struct req *r, int status, const char *error, const char *username,
		const char *form_token)
{
	struct html h = { 0 };

	page_begin(&h, r, "Logga in", NULL);
	if (error) {
		html_raw(&h, "<p class=\"error\" role=\"alert\" id=\"login-error\">");
		html_txt(&h, error);
		html_raw(&h, "</p>");
	}
	html_raw(&h, "<form class=\"login\" method=\"post\" action=\"/logga-in\">"
		     "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&h, form_token);
	html_raw(&h, "\"><label for=\"username\">Användarnamn</label>"
		     "<input id=\"username\" name=\"username\" type=\"text\" "
		     "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
		     "required maxlength=\"200\" value=\"");
	html_attr(&h, username);
	html_raw(&h, "\"");
	if (error)
		html_raw(&h, " aria-describedby=\"login-error\"");
	html_raw(&h, "><label for=\"password\">Lösenord</label>"
		     "<input id=\"password\" name=\"password\" type=\"password\" "
		     "autocomplete=\"current-password\" required>"
		     "<button type=\"submit\">Logga in</button></form>");
	page_end(&h);
	web_send(r, status, &h);
}

void page_soon(struct req *r, const char *title, const char *current)
{
	struct html h = { 0 };

	page_begin(&h, r, title, current);
	html_raw(&h, "<p class=\"soon\">Kommer snart. Den här delen av webbgränssnittet är inte "
		     "byggd ännu; under tiden finns den i kommandoradsverktyget "
		     "<code>samverkan</code>.</p>");
	page_end(&h);
	web_send(r, 200, &h);
}

/* ---- Översikt ---------------------------------------------------------------- */

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *status_sv(const char *s)
{
	if (!s)
		return "";
	if (strcmp(s, "active") == 0)
		return "Gäller";
	if (strcmp(s, "upcoming") == 0)
		return "Har inte börjat gälla";
	if (strcmp(s, "expired") == 0)
		return "Har löpt ut";
	return s;
}

static void agreement_section(struct html *h, json_t *a)
{
	json_t *ext = json_object_get(a, "extensions"), *e;
	size_t i;

	html_raw(h, "<section aria-labelledby=\"h-avtal\"><h2 id=\"h-avtal\">Avtalet</h2>");
	if (!a) {
		html_raw(h, "<p>Inget samverkansavtal är registrerat.</p></section>");
		return;
	}
	html_raw(h, "<p class=\"lead\">");
	html_txt(h, str(a, "title"));
	html_raw(h, "</p><dl class=\"facts\"><div><dt>Period</dt><dd>");
	html_date(h, str(a, "valid_from"));
	html_raw(h, " – ");
	html_date(h, str(a, "valid_to"));
	html_raw(h, "</dd></div><div><dt>Status</dt><dd>");
	html_txt(h, status_sv(str(a, "status")));
	html_raw(h, "</dd></div><div><dt>Dagar kvar</dt><dd>");
	html_long(h, (long)json_integer_value(json_object_get(a, "days_remaining")));
	html_raw(h, "</dd></div><div><dt>Förlängningar</dt><dd>");
	if (json_array_size(ext) == 0)
		html_raw(h, "Inga");
	json_array_foreach (ext, i, e) {
		html_raw(h, i ? "<br>" : "");
		html_raw(h, "Förlängt ");
		html_long(h, (long)json_integer_value(json_object_get(e, "years")));
		html_raw(h, " år till ");
		html_date(h, str(e, "to"));
		html_raw(h, " (beslutat ");
		html_date(h, str(e, "applied_at"));
		html_raw(h, ")");
	}
	html_raw(h, "</dd></div></dl></section>");
}

static const char *kind_sv(const char *k)
{
	static const char *const map[][2] = {
		{ "prioritisation", "Prioritering" },
		{ "action_plan", "Åtgärdsplan" },
		{ "follow_up", "Uppföljning" },
		{ "extension", "Förlängning" },
	};
	for (size_t i = 0; k && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], k) == 0)
			return map[i][1];
	return k;
}

static void waiting_section(struct html *h, json_t *pending, json_t *overdue)
{
	json_t *p;
	size_t i;

	html_raw(h, "<section aria-labelledby=\"h-vantar\"><h2 id=\"h-vantar\">Väntar på mig</h2>"
		    "<h3>Förslag som väntar på er organisations beslut</h3>");
	if (json_array_size(pending) == 0)
		html_raw(h, "<p>Inga förslag väntar på beslut.</p>");
	else
		html_raw(h, "<ul class=\"items\">");
	json_array_foreach (pending, i, p) {
		html_raw(h, "<li><span class=\"title\">");
		html_txt(h, str(p, "title"));
		html_raw(h, "</span> <span class=\"tag\">");
		html_txt(h, kind_sv(str(p, "kind")));
		html_raw(h, "</span></li>");
	}
	if (json_array_size(pending))
		html_raw(h, "</ul>");
	html_raw(h, "<h3>Försenade åtgärder som er organisation ansvarar för</h3>");
	if (json_array_size(overdue) == 0)
		html_raw(h, "<p>Inga försenade åtgärder.</p>");
	else
		html_raw(h, "<ul class=\"items\">");
	json_array_foreach (overdue, i, p) {
		html_raw(h, "<li><span class=\"title\">");
		html_txt(h, str(p, "title"));
		html_raw(h, "</span> <span class=\"due\">skulle vara klar ");
		html_date(h, str(p, "due_on"));
		html_raw(h, "</span></li>");
	}
	if (json_array_size(overdue))
		html_raw(h, "</ul>");
	html_raw(h, "</section>");
}

static const char *finding_sv(const char *code)
{
	static const char *const map[][2] = {
		{ "agreement_expiring",
		  "Avtalet löper snart ut och ingen förlängning är beslutad" },
		{ "styrgrupp_meeting_missing", "Styrgruppen har inte haft möte på tolv månader" },
		{ "est_meeting_missing", "En EST-grupp har inget möte registrerat förra veckan" },
		{ "intervention_without_update",
		  "En pågående åtgärd har inte följts upp på 90 dagar" },
		{ "follow_up_missing", "Förra årets uppföljning är inte antagen" },
	};
	for (size_t i = 0; code && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], code) == 0)
			return map[i][1];
	return code;
}

static const char *severity_sv(const char *s)
{
	if (s && strcmp(s, "high") == 0)
		return "Hög";
	if (s && strcmp(s, "medium") == 0)
		return "Medel";
	if (s && strcmp(s, "low") == 0)
		return "Låg";
	return s;
}

static void compliance_section(struct html *h, json_t *doc)
{
	json_t *findings = json_object_get(doc, "findings"), *f;
	size_t i;

	html_raw(h, "<section aria-labelledby=\"h-avvikelser\"><h2 id=\"h-avvikelser\">"
		    "Avvikelser från avtalet</h2>");
	if (!doc) {
		html_raw(h, "<p>Det finns inget avtal att granska.</p></section>");
		return;
	}
	if (json_array_size(findings) == 0)
		html_raw(h, "<p>Inga avvikelser.</p>");
	else
		html_raw(h, "<ul class=\"items findings\">");
	json_array_foreach (findings, i, f) {
		html_raw(h, "<li><span class=\"sev sev-");
		html_attr(h, str(f, "severity"));
		html_raw(h, "\">");
		html_txt(h, severity_sv(str(f, "severity")));
		html_raw(h, "</span> <span class=\"title\">");
		html_txt(h, finding_sv(str(f, "code")));
		html_raw(h, "</span> <span class=\"ref\">(");
		html_txt(h, str(f, "entity_id"));
		html_raw(h, ")</span></li>");
	}
	if (json_array_size(findings))
		html_raw(h, "</ul>");
	html_raw(h, "</section>");
}

void page_overview(struct req *r, const struct db_result *compliance)
{
	struct html h = { 0 };
	json_t *doc = NULL;
	const char *text = compliance ? req_result_text(compliance, 0) : NULL;

	if (text)
		doc = json_loads(text, 0, NULL);
	page_begin(&h, r, "Översikt", "/");
	if (!policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, NULL)) {
		html_raw(&h, "<p>Du har ännu ingen roll i samverkan som ger tillgång till "
			     "avtalet. Be en administratör lägga till dig i en grupp.</p>");
	} else {
		agreement_section(&h, r->web.agreement);
		waiting_section(&h, r->web.pending, r->web.overdue);
		compliance_section(&h, doc);
	}
	json_decref(doc);
	page_end(&h);
	web_send(r, 200, &h);
}
