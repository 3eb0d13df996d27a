/*
 * Importing a CSV file of incidents on the web (GET and POST
 * /lagesbild/importera), for the arbetsgrupp.
 *
 * The file is read by the CLI's own steps (common/csvread.c,
 * common/importrow.c: the columns and their Swedish names, a row as an
 * item, the category cell by slug or name), its items are checked as the
 * API checks a batch (incidents_check: shape, privacy guard, the right to
 * report for each item's municipality) and stored by the API's statement
 * (svk.incidents_create, with its audit entry). Unlike the CLI, which
 * stores the good lines and names the bad, the page stores all or
 * nothing: when any line is refused, every refused line is listed in
 * Swedish and nothing is stored. An incident the reporter's organisation
 * has stored already (the same referens, or else the same content) is
 * not stored again, so sending the same file twice stores nothing the
 * second time and says so.
 *
 * The form is multipart/form-data (multipart.c) with the session's form
 * token; one without it, or from another origin, is refused with 403
 * before the file is read. A success answers 303 to the form with what
 * was stored in its address; nothing of the file reaches the log.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incidents.h"
#include "importrow.h"
#include "request.h"
#include "validate.h"
#include "web_internal.h"

#define MAX_PARTS 8

static const char *typed(struct req *r, const char *name)
{
	return web_str(r->web.form, name);
}

/* A count from the address: 1 to 6 digits. */
static bool is_count(const char *s)
{
	size_t n = s ? strspn(s, "0123456789") : 0;

	return n > 0 && n < 7 && s[n] == '\0';
}

/* ---- the page ------------------------------------------------------------------- */

static void refusals_list(struct html *h, json_t *list)
{
	json_t *e;
	size_t i;

	html_raw(h, "<div class=\"error wide\" role=\"alert\" id=\"import-error\"><p>Inget "
		    "sparades: ");
	html_long(h, (long)json_array_size(list));
	html_raw(h, " fel i filen. Rätta raderna och skicka filen igen.</p><ul class=\"lines\">");
	json_array_foreach (list, i, e) {
		html_raw(h, "<li>");
		if (json_integer_value(json_object_get(e, "line")) > 0) {
			html_raw(h, "Rad ");
			html_long(h, (long)json_integer_value(json_object_get(e, "line")));
			html_raw(h, ", ");
			html_txt(h, web_str(e, "field"));
			html_raw(h, ": ");
		}
		html_txt(h, web_str(e, "message"));
		html_raw(h, "</li>");
	}
	html_raw(h, "</ul></div>");
}

static void import_page(struct req *r, int status)
{
	struct html h = { 0 };
	const char *mun = typed(r, "kommun"), *stored = req_query(r, "sparade");
	const char *there = req_query(r, "fanns");
	json_t *m, *list = json_object_get(r->web.form, "refused");
	size_t i;

	page_begin(&h, r, "Importera händelser", "/lagesbild");
	html_raw(&h, "<p class=\"crumbs\"><a href=\"/lagesbild?kommun=");
	html_attr(&h, mun);
	html_raw(&h, "\">Tillbaka till lägesbilden</a></p>");
	if (status == 200 && stored && there && is_count(stored) && is_count(there)) {
		html_raw(&h, "<p class=\"notice\" role=\"status\" id=\"import-done\">Filen är "
			     "importerad: ");
		html_txt(&h, stored);
		html_raw(&h, strcmp(stored, "1") == 0 ? " händelse sparades, "
						      : " händelser sparades, ");
		html_txt(&h, there);
		html_raw(&h, " fanns redan. <a href=\"/lagesbild?kommun=");
		html_attr(&h, mun);
		html_raw(&h, "\">Visa lägesbilden</a></p>");
	}
	if (json_array_size(list) > 0)
		refusals_list(&h, list);
	html_raw(&h,
		 "<p>En CSV-fil med en händelse per rad och en rubrikrad med kolumnerna "
		 "<code>tidpunkt</code>, <code>plats</code> och <code>kategori</code>, och "
		 "om du vill <code>kommun</code>, <code>beskrivning</code>, <code>lat</code>, "
		 "<code>lon</code> och <code>referens</code>. Semikolon eller komma mellan "
		 "fälten, UTF-8. Högst 1000 rader. Finns ett fel på någon rad sparas ingenting; "
		 "en händelse som redan är sparad sparas inte igen.</p>"
		 "<form class=\"report\" method=\"post\" action=\"/lagesbild/importera\" "
		 "enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" "
		 "value=\"");
	html_attr(&h, r->web.csrf);
	html_raw(&h, "\"><div class=\"field\"><label for=\"kommun\">Kommun</label><p "
		     "class=\"hint\" id=\"kommun-hint\">För rader utan kolumnen kommun.</p><select "
		     "id=\"kommun\" name=\"kommun\" aria-describedby=\"kommun-hint\">");
	json_array_foreach (json_object_get(r->web.more, "municipalities"), i, m) {
		if (!web_may_report(r, web_str(m, "slug")))
			continue;
		html_raw(&h, "<option value=\"");
		html_attr(&h, web_str(m, "slug"));
		html_raw(&h, mun && web_str(m, "slug") && strcmp(mun, web_str(m, "slug")) == 0
				 ? "\" selected>"
				 : "\">");
		html_txt(&h, web_str(m, "name"));
		html_raw(&h, "</option>");
	}
	html_raw(&h, "</select></div><div class=\"field");
	html_raw(&h, typed(r, "file_error") ? " invalid\">" : "\">");
	html_raw(&h, "<label for=\"fil\">CSV-fil</label>");
	if (typed(r, "filnamn")) {
		html_raw(&h, "<p class=\"hint\" id=\"fil-hint\">Du skickade ");
		html_txt(&h, typed(r, "filnamn"));
		html_raw(&h, ". Välj filen igen när du har rättat den.</p>");
	}
	if (typed(r, "file_error")) {
		html_raw(&h, "<p class=\"error\" id=\"fil-error\">");
		html_txt(&h, typed(r, "file_error"));
		html_raw(&h, "</p>");
	}
	html_raw(&h, "<input type=\"file\" id=\"fil\" name=\"fil\" accept=\".csv,text/csv\" "
		     "required");
	if (typed(r, "file_error") || typed(r, "filnamn")) {
		html_raw(&h, typed(r, "file_error") ? " aria-invalid=\"true\"" : "");
		html_raw(&h, " aria-describedby=\"");
		html_raw(&h, typed(r, "filnamn") ? "fil-hint" : "");
		html_raw(&h, typed(r, "filnamn") && typed(r, "file_error") ? " " : "");
		html_raw(&h, typed(r, "file_error") ? "fil-error" : "");
		html_raw(&h, "\"");
	}
	html_raw(&h, "></div><div class=\"buttons\"><button type=\"submit\">Importera</button>"
		     "</div></form>");
	page_end(&h);
	web_send(r, status, &h);
}

/* ---- GET ------------------------------------------------------------------------- */

/* The municipality the actor may report for (asked, their own, any);
 * false after answering 403 (audited) when there is none. */
static bool choose_municipality(struct req *r, const char *asked)
{
	struct policy_target t = { .municipality = web_own_municipality(r) };
	const char *why = NULL, *mun = NULL;
	json_t *m;
	size_t i;

	if (asked && web_may_report(r, asked) && web_municipality_name(r, asked))
		mun = asked;
	else if (web_may_report(r, t.municipality))
		mun = t.municipality;
	json_array_foreach (json_object_get(r->web.more, "municipalities"), i, m)
		if (!mun && web_may_report(r, web_str(m, "slug")))
			mun = web_str(m, "slug");
	if (!mun) {
		(void)policy_check(&r->auth.actor.p, ACT_REPORT_INCIDENT, &t, &why);
		req_forbidden(r, why ? why : "forbidden");
		return false;
	}
	if (!r->web.form)
		r->web.form = json_object();
	if (!r->web.form || json_object_set_new(r->web.form, "kommun", json_string(mun)) != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return false;
	}
	return true;
}

static void import_form(struct req *r)
{
	if (choose_municipality(r, req_query(r, "kommun")))
		import_page(r, 200);
}

void web_import_get(struct req *r, const struct db_result *read)
{
	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	web_situation_names(r, import_form);
}

/* ---- POST: the file ---------------------------------------------------------------- */

/* Shows the form with the refusals ({line, field, message}, in Swedish). */
static void refuse_lines(struct req *r, struct import_refusals *refused)
{
	json_t *list = json_array();
	char buf[300];

	import_refusals_sort(refused);
	for (size_t i = 0; list && i < refused->n; i++) {
		struct import_refusal *x = &refused->v[i];

		json_array_append_new(
		    list, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)x->line, "field",
				    sv_incident_field(x->field), "message",
				    sv_incident_error(x->field, x->message, buf, sizeof buf)));
	}
	json_object_set_new(r->web.form, "refused", list);
	import_page(r, 422);
}

static void file_error(struct req *r, const char *text)
{
	json_object_set_new(r->web.form, "file_error", json_string(text));
	import_page(r, 422);
}

/* The lines the items came from, kept for the database's answer. */
static long line_of(struct req *r, size_t i)
{
	return (long)json_integer_value(json_array_get(json_object_get(r->web.form, "lines"), i));
}

/* Marks the items that errs ([{field: "items[i].x", message}]) names as
 * refusals of their lines; -1 when out of memory. */
static long map_errors(struct req *r, json_t *errs, struct import_refusals *refused)
{
	size_t n = json_array_size(json_object_get(r->web.form, "lines"));
	long *lines = calloc(n ? n : 1, sizeof *lines);
	unsigned char *bad = calloc(n ? n : 1, 1);
	json_t *problem = json_pack("{s:O}", "errors", errs);
	long marked = -1;

	if (lines && bad && problem) {
		for (size_t i = 0; i < n; i++)
			lines[i] = line_of(r, i);
		marked = import_map_errors(problem, lines, n, bad, refused);
	}
	free(lines);
	free(bad);
	json_decref(problem);
	return marked;
}

static void import_stored(struct req *r, const struct db_result *res)
{
	const char *text = req_result_text(res, 0);
	struct import_refusals refused;
	char location[200];
	json_t *doc, *errs;

	if (res->err == SVK_ERR_VALIDATION && svk_sqlstate_is_ours(res->sqlstate) && res->detail) {
		errs = json_loads(res->detail, 0, NULL);
		import_refusals_init(&refused);
		if (map_errors(r, errs, &refused) > 0)
			refuse_lines(r, &refused);
		else
			req_reply_db_error(r, res);
		import_refusals_cleanup(&refused);
		json_decref(errs);
		return;
	}
	if (res->err != SVK_OK || !text) {
		req_reply_db_error(r, res);
		return;
	}
	doc = json_loads(text, 0, NULL);
	snprintf(location, sizeof location,
		 "/lagesbild/importera?kommun=%s&sparade=%lld&fanns=%lld", typed(r, "kommun"),
		 (long long)json_integer_value(json_object_get(doc, "count")),
		 (long long)json_integer_value(json_object_get(doc, "already_stored")));
	json_decref(doc);
	web_redirect(r, location);
}

/* The rows after the header: 0, 1 after showing an error of the whole
 * file, -1 when out of memory. */
static int read_items(struct req *r, struct csv_reader *rd, struct csv_record *rec,
		      const struct import_header *h, json_t *items, json_t *lines,
		      struct import_refusals *refused)
{
	for (;;) {
		json_t *item = NULL;
		int rc = csv_read(rd, rec);

		if (rc == 0)
			return 0;
		if (rc < 0) {
			file_error(r, "Ett fält i filen är längre än 1 MiB.");
			return 1;
		}
		if (csv_record_blank(rec))
			continue;
		if (json_array_size(lines) == IMPORT_MAX_BATCH) {
			file_error(r, "Filen har fler än 1000 rader med händelser. Dela upp den i "
				      "flera filer.");
			return 1;
		}
		rc = import_row_item(h, rec, typed(r, "kommun"), refused, &item);
		if (rc == 0)
			rc = import_category(json_object_get(r->web.more, "categories"), item,
					     rec->line, refused);
		if (rc == 0 && (json_array_append(items, item) != 0 ||
				json_array_append_new(lines, json_integer(rec->line)) != 0))
			rc = -1;
		json_decref(item);
		if (rc < 0)
			return -1;
	}
}

/*
 * Reads the file's rows into items (the lines into r->web.form's
 * "lines"), refusing here what the CLI refuses before sending. Returns 0,
 * 1 after showing the form with an error of the whole file, -1 when out
 * of memory.
 */
static int read_rows(struct req *r, json_t *items, struct import_refusals *refused)
{
	struct csv_reader rd;
	struct csv_record rec;
	struct import_header h;
	struct strbuf err;
	json_t *lines = json_array();
	int rc;

	if (!lines || json_object_set_new(r->web.form, "lines", lines) != 0)
		return -1;
	csv_reader_init(&rd, r->web.upload, r->web.upload_len);
	csv_record_init(&rec);
	strbuf_init(&err, 4096);
	do
		rc = csv_read(&rd, &rec);
	while (rc == 1 && csv_record_blank(&rec));
	if (rc == 0) {
		file_error(r, "Filen är tom. Första raden ska vara en rubrikrad med kolumnernas "
			      "namn.");
		rc = 1;
	} else if (rc == 1 && import_map_header(&rec, 1, &h, &err) != 0) {
		file_error(r, "Rubrikraden känns inte igen. Kolumnerna heter tidpunkt, kommun, "
			      "plats, kategori, beskrivning, lat, lon och referens (eller "
			      "occurred_at, municipality, place, category, description, latitude, "
			      "longitude och external_id), varje kolumn en gång; tidpunkt, plats "
			      "och kategori måste finnas.");
		rc = 1;
	} else if (rc == 1) {
		rc = read_items(r, &rd, &rec, &h, items, lines, refused);
	}
	csv_record_cleanup(&rec);
	strbuf_cleanup(&err);
	return rc;
}

static void import_check(struct req *r)
{
	json_t *items = json_array(), *errs = json_array();
	const char *mun = typed(r, "kommun");
	struct import_refusals refused;
	int rc;

	import_refusals_init(&refused);
	if (!items || !errs) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (mun && !web_may_report(r, mun)) {
		/* Not one the form offered: the API's refusal, audited. */
		struct policy_target t = { .municipality = mun };
		const char *why = NULL;

		(void)policy_check(&r->auth.actor.p, ACT_REPORT_INCIDENT, &t, &why);
		req_forbidden(r, why ? why : "forbidden");
		goto out;
	}
	if (!choose_municipality(r, mun))
		goto out;
	if (!r->web.upload || r->web.upload_len == 0) {
		file_error(r, typed(r, "filnamn") ? "Filen är tom." : "Välj en CSV-fil.");
		goto out;
	}
	rc = read_rows(r, items, &refused);
	if (rc != 0) {
		if (rc < 0)
			req_problem(r, SVK_ERR_INTERNAL, "out of memory or a cell over 1 MiB");
		goto out;
	}
	if (json_array_size(items) > 0 && !incidents_check(r, items, false, errs))
		goto out;
	if (json_array_size(errs) > 0 && map_errors(r, errs, &refused) < 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (refused.n > 0) {
		refuse_lines(r, &refused);
		goto out;
	}
	if (json_array_size(items) == 0) {
		file_error(r, "Filen har inga rader med händelser under rubrikraden.");
		goto out;
	}
	(void)incidents_store(r, items, false, import_stored);
out:
	import_refusals_cleanup(&refused);
	json_decref(items);
	json_decref(errs);
}

static void import_authenticated(struct req *r, const struct db_result *read)
{
	(void)read;
	if (!web_form_token_ok(r))
		return;
	web_situation_names(r, import_check);
}

/* A form field's text (not a file), as a JSON string in r->web.form. */
static void keep_field(struct req *r, const char *key, const char *data, size_t len)
{
	json_t *v = len < 200 ? json_stringn(data, len) : NULL;

	if (v)
		json_object_set_new(r->web.form, key, v);
}

void web_import_post(struct req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ereq);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
					    "Content-Type");
	size_t n = evbuffer_get_length(in);
	struct mp_part parts[MAX_PARTS];
	const struct mp_part *csrf, *mun, *file;
	char *body;
	int np;

	if (!web_same_origin(r))
		return;
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
		web_message(r, 415, "Fel format",
			    "Formuläret skickades i ett format som inte tas emot.");
		return;
	}
	body = malloc(n + 1);
	r->web.form = json_object();
	if (!body || !r->web.form || evbuffer_copyout(in, body, n) != (ev_ssize_t)n) {
		free(body);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the form");
		return;
	}
	body[n] = '\0';
	if (!req_keep(r, body)) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	np = multipart_parse(body, n, ct, parts, MAX_PARTS);
	if (np < 0) {
		web_message(r, 400, "Felaktigt formulär", "Formuläret kunde inte läsas.");
		return;
	}
	csrf = multipart_field(parts, np, "csrf");
	mun = multipart_field(parts, np, "kommun");
	file = multipart_field(parts, np, "fil");
	snprintf(r->web.form_csrf, sizeof r->web.form_csrf, "%.*s",
		 csrf && csrf->len < sizeof r->web.form_csrf ? (int)csrf->len : 0,
		 csrf ? csrf->data : "");
	if (mun)
		keep_field(r, "kommun", mun->data, mun->len);
	if (file && file->has_filename && file->filename_len > 0)
		keep_field(r, "filnamn", file->filename, file->filename_len);
	if (file) {
		r->web.upload = file->data;
		r->web.upload_len = file->len;
	}
	web_authenticate(r, import_authenticated);
}
