/*
 * Översikt: the agreement in force (its period, status, days left and
 * extensions), what waits for the signed-in user's organisation (the
 * proposals of `GET /v1/me/pending`, the overdue interventions it is
 * responsible for) and the agreement's findings (`GET
 * /v1/agreements/{id}/compliance`), all through the API's statements.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "sql_names.h"
#include "web_internal.h"

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
	html_txt(h, web_str(a, "title"));
	html_raw(h, "</p><dl class=\"facts\"><div><dt>Period</dt><dd>");
	html_date(h, web_str(a, "valid_from"));
	html_raw(h, " – ");
	html_date(h, web_str(a, "valid_to"));
	html_raw(h, "</dd></div><div><dt>Status</dt><dd>");
	html_txt(h, status_sv(web_str(a, "status")));
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
		html_date(h, web_str(e, "to"));
		html_raw(h, " (beslutat ");
		html_date(h, web_str(e, "applied_at"));
		html_raw(h, ")");
	}
	html_raw(h, "</dd></div></dl></section>");
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
		html_raw(h, "<li><a class=\"title\" href=\"/forslag/");
		html_attr(h, web_str(p, "id"));
		html_raw(h, "\">");
		html_txt(h, web_str(p, "title"));
		html_raw(h, "</a> <span class=\"tag\">");
		html_txt(h, sv_kind(web_str(p, "kind")));
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
		html_txt(h, web_str(p, "title"));
		html_raw(h, "</span> <span class=\"due\">skulle vara klar ");
		html_date(h, web_str(p, "due_on"));
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
	return WEB_WORD_OR(map, code, code);
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
		html_attr(h, web_str(f, "severity"));
		html_raw(h, "\">");
		html_txt(h, severity_sv(web_str(f, "severity")));
		html_raw(h, "</span> <span class=\"title\">");
		html_txt(h, finding_sv(web_str(f, "code")));
		html_raw(h, "</span> <span class=\"ref\">(");
		html_txt(h, web_str(f, "entity_id"));
		html_raw(h, ")</span></li>");
	}
	if (json_array_size(findings))
		html_raw(h, "</ul>");
	html_raw(h, "</section>");
}

static void page_overview(struct req *r, const struct db_result *compliance)
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
	/* A chair of the beredningsgrupp co-opts on Adjungera (page_admin.c);
	 * an admin reaches it from Administration. */
	if (!r->auth.actor.p.admin &&
	    policy_check(&r->auth.actor.p, ACT_COOPT_MEMBER, &(struct policy_target){ 0 }, NULL))
		html_raw(&h, "<p class=\"actions\"><a class=\"button\" "
			     "href=\"/administration/adjungera\">Adjungera medlemmar</a></p>");
	json_decref(doc);
	page_end(&h);
	web_send(r, 200, &h);
}

/* ---- its reads ---------------------------------------------------------------- */

static void overview_compliance(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	page_overview(r, res);
}

/* The agreement Översikt shows. */
static json_t *pick_agreement(const char *list_json)
{
	json_t *doc = list_json ? json_loads(list_json, 0, NULL) : NULL;
	json_t *items = json_object_get(doc, "items"), *a, *pick = NULL;
	size_t i;

	json_array_foreach (items, i, a) {
		const char *st = json_string_value(json_object_get(a, "status"));

		/* The newest of those in force, else the newest. */
		if (!pick || (st && strcmp(st, "active") == 0))
			pick = a;
	}
	json_incref(pick);
	json_decref(doc);
	return pick;
}

static json_t *items_of(const char *list_json)
{
	json_t *doc = list_json ? json_loads(list_json, 0, NULL) : NULL;
	json_t *items = json_incref(json_object_get(doc, "items"));

	json_decref(doc);
	return items;
}

static void overview_loaded(struct req *r, const struct db_result *res)
{
	const char *id;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	r->web.agreement = pick_agreement(req_result_text(res, 0));
	r->web.pending = items_of(req_result_text(res, 1));
	r->web.overdue = items_of(req_result_text(res, 2));
	id = json_string_value(json_object_get(r->web.agreement, "id"));
	if (!id) {
		page_overview(r, NULL);
		return;
	}
	const char *p[1] = { id };
	req_db1(r, SQL_COMPLIANCE, 1, p, overview_compliance);
}

void web_overview(struct req *r)
{
	if (!policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, NULL)) {
		page_overview(r, NULL);
		return;
	}
	struct db_call calls[3] = {
		{ .stmt = SQL_AGREEMENT_LIST, .nparams = 2, .params = { "50", NULL } },
		{ .stmt = SQL_PENDING, .nparams = 1, .params = { r->auth.token_hash } },
		{ .stmt = SQL_WEB_OVERDUE,
		  .nparams = 1,
		  .params = { r->auth.actor.p.organisation } },
	};
	req_db(r, calls, 3, overview_loaded);
}
