/*
 * The follow-up report rendered from a fixed follow-up: every section in
 * each format, the numbers in their tables, escaping of text from the
 * data (HTML entities, Markdown table cells, CSV quoting and formulas), the draft
 * marking, and choosing the format from Accept and ?format=.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "report.h"
#include "vocab.h"

static const char fixture[] =
    "{\"year\":2025,\"status\":\"draft\",\"oral\":true,\"adopted_at\":null,"
    "\"collaboration\":\"EST <fungerar> & möts \\\"varje\\\" vecka.\","
    "\"implementation\":\"\",\"results\":\"Färre bränder.\","
    "\"statistics\":{\"year\":2025,"
    "\"interventions\":{\"total\":3,\"planned\":1,\"ongoing\":1,\"done\":1,\"cancelled\":0,"
    "\"green\":1,\"yellow\":1,\"red\":1,\"overdue\":1,\"hours\":12.5,\"rows\":["
    "{\"municipality\":\"sigtuna\",\"focus_area\":1,\"focus_area_title\":\"Ungdomar | skola\","
    "\"total\":3,\"planned\":1,\"ongoing\":1,\"done\":1,\"cancelled\":0,\"green\":1,"
    "\"yellow\":1,\"red\":1,\"overdue\":1,\"hours\":12.5}]},"
    "\"updates\":{\"logged\":4,\"communicated\":2,\"hours\":3},"
    "\"meetings\":[{\"group\":\"est-sigtuna\",\"name\":\"EST Sigtuna\",\"tier\":\"arbetsgrupp\","
    "\"held\":40,\"expected\":52},{\"group\":\"beredningsgrupp\",\"name\":\"Beredningsgrupp\","
    "\"tier\":\"beredningsgrupp\",\"held\":6,\"expected\":null}],"
    "\"incidents\":{\"total\":7,\"previous_year\":9,\"rows\":[{\"municipality\":\"sigtuna\","
    "\"category\":\"brand\",\"count\":7,\"previous_year\":9,\"change\":-2}]},"
    "\"proposals\":{\"approved\":2,\"rejected\":0,\"returned\":1,\"extensions_applied\":1}}}";

static const struct report_meta meta = {
	"Samverkan; \"trygghet\"", "Polisen, Sigtuna kommun", "2023-01-01", "2026-12-31", NULL, NULL
};

static char *render(enum report_format f)
{
	json_t *fu = json_loads(fixture, 0, NULL);
	struct strbuf out;

	cr_assert(fu, "the fixture is not JSON");
	strbuf_init(&out, 0);
	cr_assert_eq(report_render(fu, &meta, f, &out), 0);
	json_decref(fu);
	return strbuf_steal(&out);
}

Test(report, markdown_has_the_three_questions_and_the_tables)
{
	char *md = render(REPORT_MARKDOWN);

	cr_expect(strstr(md, "# Uppföljning 2025 av samverkansöverenskommelsen\n"), "%s", md);
	cr_expect(strstr(md, "**UTKAST – inte antagen** (status: draft)"), "%s", md);
	cr_expect(strstr(md, "även skett muntligt: ja."));
	cr_expect(strstr(md, "## 1. " VOCAB_FOLLOWUP_HEADING_1 "\n"));
	cr_expect(strstr(md, "## 2. " VOCAB_FOLLOWUP_HEADING_2 "\n"));
	cr_expect(strstr(md, "## 3. " VOCAB_FOLLOWUP_HEADING_3 "\n"));
	cr_expect(strstr(md, "EST <fungerar> & möts \"varje\" vecka."), "Markdown text as written");
	cr_expect(strstr(md, "*(Ingen text ännu.)*"), "an empty section");
	cr_expect(strstr(md, "| EST Sigtuna | Arbetsgrupp (EST) | 40 | 52 |\n"), "%s", md);
	cr_expect(strstr(md, "| Beredningsgrupp | Beredningsgrupp | 6 | – |\n"), "%s", md);
	cr_expect(
	    strstr(
		md,
		"| sigtuna | 1. Ungdomar \\| skola | 3 | 1 | 1 | 1 | 0 | 1 | 1 | 1 | 1 | 12,50 |"),
	    "a '|' in a cell is escaped: %s", md);
	cr_expect(strstr(md, "| sigtuna | brand | 7 | 9 | -2 |\n"));
	cr_expect(strstr(md, "| **Totalt** |  | 7 | 9 | -2 |\n"));
	cr_expect(strstr(md, "| 2025 | 2 | 0 | 1 | 1 |\n"));
	cr_expect(strstr(md, "4 uppdateringar under året, varav 2 kommunicerades; 3 timmar"));
	free(md);
}

Test(report, html_is_one_escaped_page_with_a_print_style)
{
	char *html = render(REPORT_HTML);

	cr_expect(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	cr_expect(strstr(html, "@media print"));
	cr_expect(strstr(html, "EST &lt;fungerar&gt; &amp; möts &quot;varje&quot; vecka."), "%s",
		  html);
	cr_expect(!strstr(html, "<fungerar>"), "unescaped text from the data");
	cr_expect(strstr(html, "Samverkan; &quot;trygghet&quot;"));
	cr_expect(strstr(html, "<p class=\"draft\">UTKAST"));
	cr_expect(
	    strstr(html, "<h2>3. Bedömning av det resultat som insatserna har bidragit till</h2>"));
	cr_expect(
	    strstr(html, "<td>EST Sigtuna</td><td>Arbetsgrupp (EST)</td><td class=\"n\">40</td>"));
	cr_expect(!strstr(html, "http") && !strstr(html, "src=") && !strstr(html, "url("),
		  "an external reference");
	cr_expect(strstr(html, "</html>\n"));
	free(html);
}

/* The web page's part: the same sections and tables, escaped, without a
 * page, style or title of its own, wide tables in a scrollable region. */
Test(report, html_body_is_the_page_without_its_frame)
{
	char *html = render(REPORT_HTML_BODY), *page = render(REPORT_HTML);

	cr_expect(!strstr(html, "<!DOCTYPE") && !strstr(html, "<style") && !strstr(html, "<h1") &&
		      !strstr(html, "</html>") && !strstr(html, "<body"),
		  "%s", html);
	cr_expect(strstr(html, "EST &lt;fungerar&gt; &amp; möts &quot;varje&quot; vecka."), "%s",
		  html);
	cr_expect(!strstr(html, "<fungerar>"), "unescaped text from the data");
	cr_expect(strncmp(html, "<p>Uppföljningen har även skett muntligt: ja.</p>", 50) == 0, "%s",
		  html);
	cr_expect(strstr(html, "<div class=\"wide\" role=\"region\" tabindex=\"0\" "
			       "aria-label=\"Insatser\"><table>"),
		  "%s", html);
	cr_expect(
	    strstr(html, "<td>EST Sigtuna</td><td>Arbetsgrupp (EST)</td><td class=\"n\">40</td>"));
	/* Everything from the first section on is the page's, tables aside. */
	cr_expect(strstr(page, "<h2>1. " VOCAB_FOLLOWUP_HEADING_1 "</h2>") &&
		  strstr(html, "<h2>1. " VOCAB_FOLLOWUP_HEADING_1 "</h2>"));
	cr_expect_str_eq(report_content_type(REPORT_HTML_BODY), "text/html; charset=utf-8");
	free(html);
	free(page);
}

Test(report, csv_is_the_statistics_one_value_a_row)
{
	char *csv = render(REPORT_CSV);

	cr_expect(strncmp(csv,
			  "\xEF\xBB\xBF"
			  "avsnitt;kommun;avser;mått;värde\r\n",
			  36) == 0,
		  "%s", csv);
	cr_expect(strstr(csv, "\r\nMöten;EST Sigtuna;Arbetsgrupp (EST);Hållna möten;40\r\n"), "%s",
		  csv);
	cr_expect(strstr(csv, "\r\nInsatser;sigtuna;1. Ungdomar | skola;Försenade;1\r\n"), "%s",
		  csv);
	cr_expect(strstr(csv, "\r\nHändelser;sigtuna;brand;2024;9\r\n"), "%s", csv);
	cr_expect(strstr(csv, "\r\nUppföljning;;;Varav kommunicerade;2\r\n"), "%s", csv);
	cr_expect(strstr(csv, "\r\nBeslut;2025;;Återremitterade;1\r\n"), "%s", csv);
	cr_expect(!strstr(csv, "Hur samverkansformerna"), "texts are not statistics");
	free(csv);
}

Test(report, csv_cells_cannot_be_formulas_and_negative_numbers_stay_numbers)
{
	json_t *fu = json_loads(fixture, 0, NULL);
	json_t *meeting;
	struct strbuf out;
	char *csv;

	cr_assert(fu, "the fixture is not JSON");
	meeting = json_array_get(json_object_get(json_object_get(fu, "statistics"), "meetings"), 0);
	cr_assert_eq(json_object_set_new(meeting, "name", json_string("=HYPERLINK(\"http://x\")")),
		     0);
	strbuf_init(&out, 0);
	cr_assert_eq(report_render(fu, &meta, REPORT_CSV, &out), 0);
	json_decref(fu);
	csv = strbuf_steal(&out);
	cr_expect(strstr(csv, "\r\nMöten;\"'=HYPERLINK(\"\"http://x\"\")\";Arbetsgrupp (EST);"),
		  "%s", csv);
	cr_expect(!strstr(csv, ";=HYPERLINK") && !strstr(csv, ";\"=HYPERLINK"), "%s", csv);
	cr_expect(strstr(csv, "\r\nHändelser;sigtuna;brand;Förändring;-2\r\n"), "%s", csv);
	free(csv);
}

Test(report, the_format_follows_accept_and_format)
{
	cr_expect_eq(report_format_choose(NULL, NULL), REPORT_MARKDOWN);
	cr_expect_eq(report_format_choose("text/markdown", NULL), REPORT_MARKDOWN);
	cr_expect_eq(report_format_choose("Text/HTML,application/xhtml+xml;q=0.9", NULL),
		     REPORT_HTML);
	cr_expect_eq(report_format_choose("text/csv", NULL), REPORT_CSV);
	cr_expect_eq(report_format_choose("text/html", "csv"), REPORT_CSV);
	cr_expect_eq(report_format_choose(NULL, "md"), REPORT_MARKDOWN);
	cr_expect_eq(report_format_choose(NULL, "pdf"), -1);
	cr_expect_str_eq(report_content_type(REPORT_HTML), "text/html; charset=utf-8");
}

Test(report, the_tables_name_municipalities_and_categories_when_given)
{
	json_t *fu = json_loads(fixture, 0, NULL);
	json_t *orgs = json_pack("{s:s}", "sigtuna", "Sigtuna kommun");
	json_t *cats = json_pack("{s:s}", "brand", "Brand eller brandförsök");
	struct report_meta named = meta;
	struct strbuf out;

	cr_assert(fu && orgs && cats);
	named.org_names = orgs;
	named.category_names = cats;
	strbuf_init(&out, 0);
	cr_assert_eq(report_render(fu, &named, REPORT_MARKDOWN, &out), 0);
	cr_expect(strstr(out.data, "| Sigtuna kommun | 1. Ungdomar \\| skola | 3 |"), "%s",
		  out.data);
	cr_expect(strstr(out.data, "| Sigtuna kommun | Brand eller brandförsök | 7 | 9 | -2 |\n"),
		  "%s", out.data);
	cr_expect_null(strstr(out.data, "| sigtuna |"), "a slug was printed: %s", out.data);
	strbuf_cleanup(&out);
	json_decref(fu);
	json_decref(orgs);
	json_decref(cats);
}
