/*
 * One document model, three renderings: headings, paragraphs and tables
 * are written through small functions that know the format, so the
 * Markdown and the HTML say the same thing in the same order, and the CSV
 * is the tables' cells, one value a row.
 *
 * Every text from the data is escaped for its format: Markdown table
 * cells lose their '|' and line breaks, HTML gets &<>"' as entities, CSV
 * fields are quoted by csv.c.
 */
#include "report.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "vocab.h"

struct doc {
	enum report_format f;
	struct strbuf *out;
	int rc;
	/* CSV: the section and what a table's rows are about */
	const char *section;
	const char *const *headers;
	size_t ncols;
	size_t label_cols; /* leading columns that name the row */
	bool body_only;    /* REPORT_HTML_BODY: no page around it */
	const json_t *org_names, *category_names;
};

static void put(struct doc *d, const char *s)
{
	if (d->rc == 0 && strbuf_puts(d->out, s) != 0)
		d->rc = -1;
}

static void putf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->rc == 0 && strbuf_vprintf(d->out, fmt, ap) != 0)
		d->rc = -1;
	va_end(ap);
}

static void put_html(struct doc *d, const char *s)
{
	for (; *s && d->rc == 0; s++) {
		switch (*s) {
		case '&':
			put(d, "&amp;");
			break;
		case '<':
			put(d, "&lt;");
			break;
		case '>':
			put(d, "&gt;");
			break;
		case '"':
			put(d, "&quot;");
			break;
		case '\'':
			put(d, "&#39;");
			break;
		default:
			if (strbuf_append(d->out, s, 1) != 0)
				d->rc = -1;
		}
	}
}

/* A Markdown table cell: no '|' that would split it, no line break. */
static void put_md_cell(struct doc *d, const char *s)
{
	for (; *s && d->rc == 0; s++) {
		if (*s == '|')
			put(d, "\\|");
		else if (*s == '\n' || *s == '\r')
			put(d, " ");
		else if (strbuf_append(d->out, s, 1) != 0)
			d->rc = -1;
	}
}

static void heading(struct doc *d, int level, const char *text)
{
	if (d->f == REPORT_MARKDOWN) {
		putf(d, "\n%.*s %s\n\n", level, "####", text);
	} else if (d->f == REPORT_HTML) {
		putf(d, "<h%d>", level);
		put_html(d, text);
		putf(d, "</h%d>\n", level);
	}
}

static void para(struct doc *d, const char *text)
{
	if (d->f == REPORT_MARKDOWN) {
		putf(d, "%s\n\n", text);
	} else if (d->f == REPORT_HTML) {
		put(d, "<p>");
		put_html(d, text);
		put(d, "</p>\n");
	}
}

/* A text section of the follow-up: Markdown as written; in HTML, its
 * paragraphs with their line breaks kept. */
static void section_text(struct doc *d, const char *text)
{
	if (!text || !text[0]) {
		if (d->f == REPORT_MARKDOWN)
			put(d, "*(Ingen text ännu.)*\n\n");
		else if (d->f == REPORT_HTML)
			put(d, "<p class=\"empty\">(Ingen text ännu.)</p>\n");
		return;
	}
	if (d->f == REPORT_MARKDOWN) {
		putf(d, "%s\n\n", text);
	} else if (d->f == REPORT_HTML) {
		put(d, "<div class=\"text\">");
		put_html(d, text);
		put(d, "</div>\n");
	}
}

static void table_begin(struct doc *d, const char *section, const char *const *headers,
			size_t ncols, size_t label_cols)
{
	d->section = section;
	d->headers = headers;
	d->ncols = ncols;
	d->label_cols = label_cols;
	if (d->f == REPORT_MARKDOWN) {
		for (size_t i = 0; i < ncols; i++) {
			put(d, "| ");
			put_md_cell(d, headers[i]);
			put(d, " ");
		}
		put(d, "|\n");
		for (size_t i = 0; i < ncols; i++)
			put(d, i < label_cols ? "|---" : "|---:");
		put(d, "|\n");
	} else if (d->f == REPORT_HTML) {
		if (d->body_only) {
			put(d, "<div class=\"wide\" role=\"region\" tabindex=\"0\" aria-label=\"");
			put_html(d, section);
			put(d, "\">");
		}
		put(d, "<table>\n<thead><tr>");
		for (size_t i = 0; i < ncols; i++) {
			put(d, i < label_cols ? "<th>" : "<th class=\"n\">");
			put_html(d, headers[i]);
			put(d, "</th>");
		}
		put(d, "</tr></thead>\n<tbody>\n");
	}
}

static void csv_cell(struct doc *d, const char *s, bool first)
{
	if (d->rc == 0 && csv_field(d->out, s, first) != 0)
		d->rc = -1;
}

static void csv_row_end(struct doc *d)
{
	if (d->rc == 0 && csv_end_row(d->out) != 0)
		d->rc = -1;
}

/* A row: cells[0..label_cols) name it, the rest are its values. In CSV
 * each value is one row: section; the first label; the other labels
 * joined; the column's heading; the value. */
static void table_row(struct doc *d, const char *const *cells, bool total)
{
	if (d->f == REPORT_MARKDOWN) {
		for (size_t i = 0; i < d->ncols; i++) {
			put(d, "| ");
			if (total && i == 0)
				put(d, "**");
			put_md_cell(d, cells[i]);
			if (total && i == 0)
				put(d, "**");
			put(d, " ");
		}
		put(d, "|\n");
	} else if (d->f == REPORT_HTML) {
		put(d, total ? "<tr class=\"total\">" : "<tr>");
		for (size_t i = 0; i < d->ncols; i++) {
			put(d, i < d->label_cols ? "<td>" : "<td class=\"n\">");
			put_html(d, cells[i]);
			put(d, "</td>");
		}
		put(d, "</tr>\n");
	} else {
		char about[400] = "";

		for (size_t i = 1; i < d->label_cols; i++)
			snprintf(about + strlen(about), sizeof about - strlen(about), "%s%s",
				 about[0] ? " / " : "", cells[i]);
		for (size_t i = d->label_cols; i < d->ncols; i++) {
			csv_cell(d, d->section, true);
			csv_cell(d, d->label_cols > 0 ? cells[0] : "", false);
			csv_cell(d, about, false);
			csv_cell(d, d->headers[i], false);
			csv_cell(d, cells[i], false);
			csv_row_end(d);
		}
	}
}

static void table_end(struct doc *d)
{
	if (d->f == REPORT_MARKDOWN)
		put(d, "\n");
	else if (d->f == REPORT_HTML)
		put(d, d->body_only ? "</tbody>\n</table></div>\n" : "</tbody>\n</table>\n");
}

/* ---- numbers ------------------------------------------------------------ */

/* A JSON number as text into buf (integers as such, others with up to
 * two decimals and a decimal comma, as Swedish readers expect). */
static const char *num(const json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		char *c;
		snprintf(buf, len, "%.2f", json_real_value(v));
		if ((c = strchr(buf, '.')) != NULL) {
			*c = ',';
			if (strcmp(c, ",00") == 0)
				*c = '\0';
		}
	} else if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v)); /* "<3", suppressed */
	} else {
		snprintf(buf, len, "–");
	}
	return buf;
}

static const char *getnum(const json_t *o, const char *key, char *buf, size_t len)
{
	return num(json_object_get(o, key), buf, len);
}

static const char *getstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The name under which slug is listed in names, else the slug. */
static const char *name_of(const json_t *names, const char *slug)
{
	const char *name = json_string_value(json_object_get(names, slug));

	return name ? name : slug;
}

static const char *tier_sv(const char *tier)
{
	if (strcmp(tier, "styrgrupp") == 0)
		return "Styrgrupp (strategiskt samverkansforum)";
	if (strcmp(tier, "beredningsgrupp") == 0)
		return "Beredningsgrupp";
	return "Arbetsgrupp (EST)";
}

/* ---- the sections ----------------------------------------------------------- */

static void meetings_table(struct doc *d, const json_t *stats, int year)
{
	static const char *const h[] = { "Grupp", "Nivå", "Hållna möten", "Förväntade" };
	char held[32], exp[32], title[64];
	size_t i;
	json_t *m;

	snprintf(title, sizeof title, "Möten %d", year);
	heading(d, 3, title);
	table_begin(d, "Möten", h, 4, 2);
	json_array_foreach (json_object_get(stats, "meetings"), i, m) {
		const char *cells[4] = { getstr(m, "name"), tier_sv(getstr(m, "tier")),
					 getnum(m, "held", held, sizeof held),
					 getnum(m, "expected", exp, sizeof exp) };
		table_row(d, cells, false);
	}
	table_end(d);
	para(d, "Förväntade möten: EST varje vecka som överenskommelsen gällt under året, "
		"strategiskt samverkansforum minst en gång per år.");
}

static void interventions_table(struct doc *d, const json_t *iv)
{
	static const char *const h[] = { "Kommun",   "Fokusområde", "Totalt",    "Planerade",
					 "Pågående", "Genomförda",  "Avbrutna",  "Grön",
					 "Gul",      "Röd",         "Försenade", "Timmar" };
	static const char *const keys[] = { "total", "planned", "ongoing", "done",    "cancelled",
					    "green", "yellow",  "red",     "overdue", "hours" };
	char v[10][32], focus[400];
	size_t i, k;
	json_t *row;

	heading(d, 3, "Insatser per kommun och fokusområde");
	table_begin(d, "Insatser", h, 12, 2);
	json_array_foreach (json_object_get(iv, "rows"), i, row) {
		const char *cells[12];
		snprintf(focus, sizeof focus, "%s. %s",
			 getnum(row, "focus_area", v[0], sizeof v[0]),
			 getstr(row, "focus_area_title"));
		cells[0] = name_of(d->org_names, getstr(row, "municipality"));
		cells[1] = focus;
		for (k = 0; k < 10; k++)
			cells[2 + k] = getnum(row, keys[k], v[k], sizeof v[k]);
		table_row(d, cells, false);
	}
	{
		const char *cells[12] = { "Totalt", "" };
		for (k = 0; k < 10; k++)
			cells[2 + k] = getnum(iv, keys[k], v[k], sizeof v[k]);
		table_row(d, cells, true);
	}
	table_end(d);
}

static void updates_para(struct doc *d, const json_t *stats)
{
	const json_t *u = json_object_get(stats, "updates");
	char a[32], b[32], c[32], text[300];
	static const char *const h[] = { "Uppföljning", "Loggade uppdateringar",
					 "Varav kommunicerade", "Rapporterade timmar" };

	snprintf(text, sizeof text,
		 "Insatsernas uppföljningslogg: %s uppdateringar under året, varav %s "
		 "kommunicerades; %s timmar rapporterades.",
		 getnum(u, "logged", a, sizeof a), getnum(u, "communicated", b, sizeof b),
		 getnum(u, "hours", c, sizeof c));
	heading(d, 3, "Uppföljning och kommunikation");
	if (d->f == REPORT_CSV) {
		const char *cells[4] = { "", a, b, c };
		table_begin(d, "Uppföljning", h, 4, 1);
		table_row(d, cells, false);
		return;
	}
	para(d, text);
}

static void incidents_table(struct doc *d, const json_t *inc, int year)
{
	char h2[16], h3[16], title[96], v[3][32];
	const char *h[5] = { "Kommun", "Kategori", h2, h3, "Förändring" };
	size_t i;
	json_t *row;

	snprintf(h2, sizeof h2, "%d", year);
	snprintf(h3, sizeof h3, "%d", year - 1);
	snprintf(title, sizeof title, "Händelser %d jämfört med %d", year, year - 1);
	heading(d, 3, title);
	table_begin(d, "Händelser", h, 5, 2);
	json_array_foreach (json_object_get(inc, "rows"), i, row) {
		const char *cells[5] = { name_of(d->org_names, getstr(row, "municipality")),
					 name_of(d->category_names, getstr(row, "category")),
					 getnum(row, "count", v[0], sizeof v[0]),
					 getnum(row, "previous_year", v[1], sizeof v[1]),
					 getnum(row, "change", v[2], sizeof v[2]) };
		table_row(d, cells, false);
	}
	{
		const json_t *now = json_object_get(inc, "total");
		const json_t *before = json_object_get(inc, "previous_year");
		const char *cells[5] = { "Totalt", "", num(now, v[0], sizeof v[0]),
					 num(before, v[1], sizeof v[1]), v[2] };
		/* No change where a count is suppressed ("<3"). */
		if (json_is_integer(now) && json_is_integer(before))
			snprintf(v[2], sizeof v[2], "%lld",
				 (long long)(json_integer_value(now) - json_integer_value(before)));
		else
			snprintf(v[2], sizeof v[2], "–");
		table_row(d, cells, true);
	}
	table_end(d);
}

static void proposals_table(struct doc *d, const json_t *stats, int year)
{
	static const char *const h[] = { "Beslut", "Godkända", "Avslagna", "Återremitterade",
					 "Förlängningar" };
	const json_t *p = json_object_get(stats, "proposals");
	char v[4][32], title[64], label[32];
	const char *cells[5] = { label, getnum(p, "approved", v[0], sizeof v[0]),
				 getnum(p, "rejected", v[1], sizeof v[1]),
				 getnum(p, "returned", v[2], sizeof v[2]),
				 getnum(p, "extensions_applied", v[3], sizeof v[3]) };

	snprintf(label, sizeof label, "%d", year);
	snprintf(title, sizeof title, "Beslut i strategiskt samverkansforum %d", year);
	heading(d, 3, title);
	table_begin(d, "Beslut", h, 5, 1);
	table_row(d, cells, false);
	table_end(d);
}

/* ---- the page ----------------------------------------------------------- */

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>";
static const char html_style[] =
    "</title>\n<style>\n"
    "body{font-family:Georgia,'Times New Roman',serif;max-width:60em;margin:2em auto;"
    "padding:0 1em;color:#111;line-height:1.45}\n"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;margin-top:1.6em;"
    "border-bottom:1px solid #999}h3{font-size:1.05em;margin-top:1.2em}\n"
    ".meta{color:#444}.draft{border:3px solid #b00;color:#b00;font-weight:bold;"
    "padding:.3em .6em;display:inline-block;letter-spacing:.1em}\n"
    ".text{white-space:pre-wrap}.empty{color:#777;font-style:italic}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}\n"
    "th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left}"
    "th{background:#eee}td.n,th.n{text-align:right}tr.total td{font-weight:bold}\n"
    "@media print{body{margin:0;max-width:none;font-size:10pt}h2{page-break-after:avoid}"
    "table,tr{page-break-inside:avoid}a{color:inherit;text-decoration:none}"
    ".draft{border-color:#000;color:#000}}\n"
    "@page{size:A4;margin:2cm}\n"
    "</style>\n</head>\n<body>\n";

static void front(struct doc *d, const json_t *fu, const struct report_meta *m, int year)
{
	const char *status = getstr(fu, "status");
	char title[96], line[600];

	snprintf(title, sizeof title, "Uppföljning %d av samverkansöverenskommelsen", year);
	if (d->f == REPORT_HTML && d->body_only) {
		/* The page says the title, the agreement and the status. */
	} else if (d->f == REPORT_HTML) {
		put(d, html_head);
		put_html(d, title);
		put(d, html_style);
		heading(d, 1, title);
		put(d, "<p class=\"meta\">");
		put_html(d, m->title);
		put(d, "<br>");
		put_html(d, m->parties);
		putf(d, "<br>Överenskommelsen gäller %s – %s</p>\n", m->valid_from, m->valid_to);
		if (strcmp(status, "adopted") == 0)
			putf(d, "<p>Antagen %.10s av strategiskt samverkansforum.</p>\n",
			     getstr(fu, "adopted_at"));
		else
			put(d, "<p class=\"draft\">UTKAST – inte antagen (status: draft)</p>\n");
	} else if (d->f == REPORT_MARKDOWN) {
		putf(d, "# %s\n\n", title);
		putf(d, "%s  \n%s  \nÖverenskommelsen gäller %s – %s\n\n", m->title, m->parties,
		     m->valid_from, m->valid_to);
		if (strcmp(status, "adopted") == 0)
			putf(d, "Antagen %.10s av strategiskt samverkansforum.\n\n",
			     getstr(fu, "adopted_at"));
		else
			put(d, "> **UTKAST – inte antagen** (status: draft)\n\n");
	}
	snprintf(line, sizeof line, "Uppföljningen har även skett muntligt: %s.",
		 json_is_true(json_object_get(fu, "oral")) ? "ja" : "nej");
	para(d, line);
}

int report_render(const json_t *fu, const struct report_meta *meta, enum report_format f,
		  struct strbuf *out)
{
	struct doc d = { .f = f == REPORT_HTML_BODY ? REPORT_HTML : f,
			 .body_only = f == REPORT_HTML_BODY,
			 .out = out,
			 .org_names = meta->org_names,
			 .category_names = meta->category_names };
	const json_t *stats = json_object_get(fu, "statistics");
	int year = (int)json_integer_value(json_object_get(fu, "year"));
	char line[200];

	if (f == REPORT_CSV) {
		static const char *const h[] = { "avsnitt", "kommun", "avser", "mått", "värde" };
		put(&d, CSV_BOM);
		for (size_t i = 0; i < 5; i++)
			csv_cell(&d, h[i], i == 0);
		csv_row_end(&d);
	}
	front(&d, fu, meta, year);

	heading(&d, 2, "1. " VOCAB_FOLLOWUP_HEADING_1);
	section_text(&d, getstr(fu, VOCAB_FOLLOWUP_KEY_1));
	meetings_table(&d, stats, year);

	heading(&d, 2, "2. " VOCAB_FOLLOWUP_HEADING_2);
	section_text(&d, getstr(fu, VOCAB_FOLLOWUP_KEY_2));
	interventions_table(&d, json_object_get(stats, "interventions"));
	updates_para(&d, stats);

	heading(&d, 2, "3. " VOCAB_FOLLOWUP_HEADING_3);
	section_text(&d, getstr(fu, VOCAB_FOLLOWUP_KEY_3));
	incidents_table(&d, json_object_get(stats, "incidents"), year);
	proposals_table(&d, stats, year);

	snprintf(line, sizeof line,
		 "Statistiken är beräknad ur Samverkans data när rapporten skapades; "
		 "den skrivs inte in för hand.");
	if (d.f == REPORT_HTML) {
		put(&d, "<p class=\"meta\">");
		put_html(&d, line);
		put(&d, d.body_only ? "</p>\n" : "</p>\n</body>\n</html>\n");
	} else if (f == REPORT_MARKDOWN) {
		putf(&d, "---\n\n*%s*\n", line);
	}
	return d.rc;
}

/* Whether the Accept header names media type (case-insensitive). */
static bool accepts(const char *accept, const char *type)
{
	size_t n = strlen(type);

	for (const char *p = accept; p && *p; p++) {
		size_t i = 0;
		while (i < n && p[i] && tolower((unsigned char)p[i]) == type[i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

int report_format_choose(const char *accept, const char *format)
{
	if (format) {
		if (strcmp(format, "md") == 0 || strcmp(format, "markdown") == 0)
			return REPORT_MARKDOWN;
		if (strcmp(format, "html") == 0)
			return REPORT_HTML;
		if (strcmp(format, "csv") == 0)
			return REPORT_CSV;
		return -1;
	}
	if (accepts(accept, "text/html"))
		return REPORT_HTML;
	if (accepts(accept, "text/csv"))
		return REPORT_CSV;
	return REPORT_MARKDOWN;
}

const char *report_content_type(enum report_format f)
{
	switch (f) {
	case REPORT_HTML:
	case REPORT_HTML_BODY:
		return "text/html; charset=utf-8";
	case REPORT_CSV:
		return "text/csv; charset=utf-8";
	default:
		return "text/markdown; charset=utf-8";
	}
}
