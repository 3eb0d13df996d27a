/*
 * The follow-up report from the row of statement follow_up_report, for
 * the API (h_followup.c) and the web page (web/page_followup.c) alike, so
 * that both read the row the same way; see report.h.
 */
#include "report.h"

#include "db.h"

int report_row_render(const PGresult *pr, enum report_format f, struct strbuf *out,
		      json_t **follow_up)
{
	struct report_meta meta = { 0 };
	json_t *fu, *orgs, *categories;
	int rc;

	*follow_up = NULL;
	if (!pr || PQntuples(pr) != 1 || !db_get(pr, 0, 0))
		return REPORT_ROW_NONE;
	fu = json_loads(db_get(pr, 0, 0), 0, NULL);
	if (!fu)
		return REPORT_ROW_UNREADABLE;
	meta.title = db_get(pr, 0, 1);
	meta.parties = db_get(pr, 0, 2) ? db_get(pr, 0, 2) : "";
	meta.valid_from = db_get(pr, 0, 3);
	meta.valid_to = db_get(pr, 0, 4);
	/* Without the names (NULL from the database, or out of memory) the
	 * tables show the slugs. */
	orgs = db_get(pr, 0, 5) ? json_loads(db_get(pr, 0, 5), 0, NULL) : NULL;
	categories = db_get(pr, 0, 6) ? json_loads(db_get(pr, 0, 6), 0, NULL) : NULL;
	meta.org_names = orgs;
	meta.category_names = categories;
	strbuf_init(out, 0);
	rc = report_render(fu, &meta, f, out);
	json_decref(orgs);
	json_decref(categories);
	if (rc != 0) {
		json_decref(fu);
		strbuf_cleanup(out);
		return REPORT_ROW_NOMEM;
	}
	*follow_up = fu;
	return REPORT_ROW_OK;
}
