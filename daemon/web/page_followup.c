/*
 * Uppföljning: the yearly follow-up of the agreement in force (as the
 * CLI's `followup`, the active agreement, else the newest; last year by
 * default) as GET /v1/agreements/{id}/follow-ups/{year}/report gives it,
 * through the same statement (follow_up_report, which suppresses small
 * counts for a reader whose organisation is not a party) and the same
 * renderer (report.c): the page is its HTML, the three sections under the
 * headings of common/vocab.h with the generated statistics as tables, and
 * prints as the report (the stylesheet's @media print); the CSV is its CSV.
 *
 *   GET /uppfoljning                     last year's
 *   GET /uppfoljning/{year}              the year's
 *   GET /uppfoljning/{year}/rapport.csv  its statistics as CSV, to download
 *   GET|POST /uppfoljning/{year}/redigera  the texts' form (followup_form.c)
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "report.h"
#include "request.h"
#include "sql_names.h"
#include "swezone.h"
#include "validate.h"
#include "web_internal.h"

enum fu_view { FU_PAGE, FU_CSV, FU_EDIT };

static const char *const views[] = { "GET /uppfoljning/{}", "GET /uppfoljning/{}/rapport.csv",
				     "GET /uppfoljning/{}/redigera" };

/* The Swedish year now (what svk.today() says). */
static int this_year(void)
{
	return swezone_date(time(NULL)).year;
}

static int year_of(const char *iso)
{
	return iso && strlen(iso) >= 4 ? (int)strtol(iso, NULL, 10) : 0;
}

/* The agreement the follow-up is of: the newest in force, else the newest. */
static json_t *pick_agreement(const char *list_json)
{
	json_t *doc = list_json ? json_loads(list_json, 0, NULL) : NULL;
	json_t *a, *pick = NULL;
	size_t i;

	json_array_foreach (json_object_get(doc, "items"), i, a) {
		const char *st = web_str(a, "status");

		if (!pick || (st && strcmp(st, "active") == 0))
			pick = a;
	}
	json_incref(pick);
	json_decref(doc);
	return pick;
}

bool followup_year_ok(json_t *agreement, int year)
{
	return year >= year_of(web_str(agreement, "valid_from")) &&
	       year <= year_of(web_str(agreement, "valid_to"));
}

void followup_years_nav(struct html *h, json_t *agreement, int year)
{
	int from = year_of(web_str(agreement, "valid_from"));
	int to = year_of(web_str(agreement, "valid_to"));

	if (to > this_year())
		to = this_year();
	html_raw(h, "<nav class=\"years noprint\" aria-label=\"Välj år\"><ul>");
	for (int y = from; y <= to; y++) {
		html_raw(h, "<li><a href=\"/uppfoljning/");
		html_long(h, y);
		html_raw(h, "\"");
		if (y == year)
			html_raw(h, " aria-current=\"page\"");
		html_raw(h, ">");
		html_long(h, y);
		html_raw(h, "</a></li>");
	}
	html_raw(h, "</ul></nav>");
}

static void no_year(struct req *r)
{
	web_message(r, 404, "Ingen uppföljning för året",
		    "Avtalet gäller inte det året. Välj Uppföljning i menyn för att se årens "
		    "uppföljningar.");
}

/* ---- the page and the CSV ------------------------------------------------------- */

static void facts(struct html *h, json_t *fu, const PGresult *pr)
{
	bool adopted = web_str(fu, "status") && strcmp(web_str(fu, "status"), "adopted") == 0;

	html_raw(h, "<dl class=\"facts\"><div><dt>Avtal</dt><dd>");
	html_txt(h, db_get(pr, 0, 1));
	html_raw(h, "</dd></div><div><dt>Period</dt><dd>");
	html_date(h, db_get(pr, 0, 3));
	html_raw(h, " – ");
	html_date(h, db_get(pr, 0, 4));
	html_raw(h, "</dd></div><div><dt>Parter</dt><dd>");
	html_txt(h, db_get(pr, 0, 2));
	html_raw(h, "</dd></div><div><dt>Status</dt><dd>");
	if (adopted) {
		html_raw(h, "Antagen ");
		html_date(h, web_str(fu, "adopted_at"));
	} else {
		html_raw(h, "<span class=\"status s-draft\">Utkast</span> – inte antagen");
	}
	html_raw(h, "</dd></div>");
	if (web_str(fu, "updated_at")) {
		html_raw(h, "<div><dt>Texterna senast ändrade</dt><dd>");
		html_date(h, web_str(fu, "updated_at"));
		html_raw(h, "</dd></div>");
	}
	html_raw(h, "</dl>");
}

static void followup_page(struct req *r, json_t *fu, const PGresult *pr, const char *report)
{
	struct html h = { 0 };
	char title[48];
	int year = (int)json_integer_value(json_object_get(fu, "year"));
	bool draft = !web_str(fu, "status") || strcmp(web_str(fu, "status"), "draft") == 0;

	snprintf(title, sizeof title, "Uppföljning %d", year);
	page_begin(&h, r, title, "/uppfoljning");
	followup_years_nav(&h, r->web.agreement, year);
	facts(&h, fu, pr);
	html_raw(&h, "<ul class=\"actions noprint\">");
	if (draft && policy_check(&r->auth.actor.p, ACT_EDIT_FOLLOWUP, NULL, NULL)) {
		html_raw(&h, "<li><a class=\"button\" href=\"/uppfoljning/");
		html_long(&h, year);
		html_raw(&h, "/redigera\">Redigera texterna</a></li>");
	}
	html_raw(&h, "<li><a href=\"/uppfoljning/");
	html_long(&h, year);
	html_raw(&h, "/rapport.csv\" download>Ladda ner statistiken som CSV</a></li></ul>"
		     "<p class=\"hint noprint\">Sidan är rapporten: skriv ut den (Ctrl+P) för "
		     "papper eller PDF. Menyn och knapparna skrivs inte ut.</p>");
	html_raw(&h, "<div class=\"report\">");
	html_raw(&h, report); /* report.c's HTML: every value in it is escaped there */
	html_raw(&h, "</div>");
	page_end(&h);
	web_send(r, 200, &h);
}

static void report_loaded(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	enum fu_view view = r->web.view == FU_CSV ? FU_CSV : FU_PAGE;
	struct strbuf out;
	json_t *fu;
	char disposition[80];

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	switch (report_row_render(pr, view == FU_CSV ? REPORT_CSV : REPORT_HTML_BODY, &out, &fu)) {
	case REPORT_ROW_OK:
		break;
	case REPORT_ROW_NONE:
		no_year(r);
		return;
	case REPORT_ROW_UNREADABLE:
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	default:
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (view == FU_CSV) {
		snprintf(disposition, sizeof disposition,
			 "attachment; filename=\"uppfoljning-%d.csv\"",
			 (int)json_integer_value(json_object_get(fu, "year")));
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Content-Disposition",
				  disposition);
		req_reply_text(r, 200, report_content_type(REPORT_CSV), out.data, out.len, NULL);
	} else {
		followup_page(r, fu, pr, out.data ? out.data : "");
	}
	json_decref(fu);
	strbuf_cleanup(&out);
}

/* ---- the agreement, then the year's reads ------------------------------------------ */

static void agreements_loaded(struct req *r, const struct db_result *res)
{
	const char *id;
	int year = (int)strtol(r->web.sub, NULL, 10);

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	r->web.agreement = pick_agreement(req_result_text(res, 0));
	id = web_str(r->web.agreement, "id");
	if (!id) {
		web_message(
		    r, 404, "Inget avtal",
		    "Inget samverkansavtal är registrerat, så det finns ingen uppföljning.");
		return;
	}
	if (!r->web.sub[0]) { /* last year's, within the agreement */
		int from = year_of(web_str(r->web.agreement, "valid_from"));
		int to = year_of(web_str(r->web.agreement, "valid_to"));

		year = this_year() - 1;
		year = year < from ? from : year > to ? to : year;
		snprintf(r->web.sub, sizeof r->web.sub, "%d", year);
	}
	if (!followup_year_ok(r->web.agreement, year)) {
		no_year(r);
		return;
	}
	snprintf(r->web.id, sizeof r->web.id, "%s", id);
	if (r->web.view == FU_EDIT) {
		followup_edit_load(r);
		return;
	}
	const char *p[3] = { r->web.id, r->web.sub,
			     r->auth.actor.p.organisation_party ? "t" : "f" };
	req_db1(r, SQL_FOLLOW_UP_REPORT, 3, p, report_loaded);
}

static void refusal_audited(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	req_problem(r, SVK_ERR_FORBIDDEN, r->refusal);
}

bool followup_allowed(struct req *r, enum policy_action action, const char *pattern)
{
	const char *why = NULL, *params[3];

	if (policy_check(&r->auth.actor.p, action, NULL, &why))
		return true;
	snprintf(r->refusal, sizeof r->refusal, "%s", why ? why : "forbidden");
	params[0] = r->auth.actor.user_id;
	params[1] = pattern;
	params[2] = r->refusal;
	req_db1(r, SQL_AUDIT_REFUSAL, 3, params, refusal_audited);
	return false;
}

/* The agreement (as Översikt picks it), then the view in r->web.view. */
static void followup_start(struct req *r)
{
	if (!followup_allowed(r, ACT_READ_SHARED, views[r->web.view]))
		return;
	if (r->web.view == FU_EDIT && !followup_allowed(r, ACT_EDIT_FOLLOWUP, views[FU_EDIT]))
		return;
	const char *p[2] = { "50", NULL };
	req_db1(r, SQL_AGREEMENT_LIST, 2, p, agreements_loaded);
}

void web_followup(struct req *r)
{
	r->web.sub[0] = '\0';
	r->web.view = FU_PAGE;
	followup_start(r);
}

static void followup_authenticated(struct req *r, const struct db_result *read)
{
	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	followup_start(r);
}

void followup_reload(struct req *r)
{
	r->web.view = FU_EDIT;
	followup_start(r);
}

bool web_followup_route(struct req *r)
{
	const char *rest = r->path + 13; /* after "/uppfoljning/" */
	size_t n = strspn(rest, "0123456789");
	long year = n == 4 ? strtol(rest, NULL, 10) : 0;

	if (strncmp(r->path, "/uppfoljning/", 13) != 0)
		return false;
	rest += n;
	if (year < 2000 || year > 2100 ||
	    (*rest && strcmp(rest, "/rapport.csv") != 0 && strcmp(rest, "/redigera") != 0)) {
		web_message(r, 404, "Sidan finns inte", "Det finns ingen sida med den adressen.");
		return true;
	}
	snprintf(r->web.sub, sizeof r->web.sub, "%ld", year);
	r->web.view = !*rest ? FU_PAGE : strcmp(rest, "/redigera") == 0 ? FU_EDIT : FU_CSV;
	if (r->method == M_POST && r->web.view == FU_EDIT) {
		web_followup_post(r);
	} else if (r->method == M_GET) {
		web_authenticate(r, followup_authenticated);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Allow",
				  r->web.view == FU_EDIT ? "GET, POST" : "GET");
		web_message(r, 405, "Fel metod", "Sidan tar inte emot den sortens begäran.");
	}
	return true;
}
