/*
 * The CSV upload's multipart/form-data reader (daemon/web/multipart.c):
 * what a browser sends is read into its parts, a file's content kept
 * byte for byte (a line that starts with "--" included), and anything
 * else — no boundary, a part without its headers' end or its closing
 * delimiter, too many parts — refused. And an incident's refusals in
 * Swedish (words_est.c), never the API's English.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "web/web_internal.h"

#define CT "multipart/form-data; boundary=XyZ"

static const char body[] = "preamble\r\n"
			   "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
			   "--XyZ\r\nContent-Disposition: form-data; name=\"fil\"; "
			   "filename=\"v.csv\"\r\nContent-Type: text/csv\r\n\r\n"
			   "a;b\r\n--not the end\r\n1;2\r\n"
			   "--XyZ--\r\n";

Test(multipart, reads_the_parts_a_browser_sends)
{
	struct mp_part p[4];
	int n = multipart_parse(body, sizeof body - 1, CT, p, 4);
	const struct mp_part *csrf, *file;

	cr_assert_eq(n, 2);
	csrf = multipart_field(p, n, "csrf");
	file = multipart_field(p, n, "fil");
	cr_assert(csrf && file && !multipart_field(p, n, "kommun"));
	cr_expect(csrf->len == 3 && memcmp(csrf->data, "abc", 3) == 0 && !csrf->has_filename);
	cr_expect(file->has_filename && file->filename_len == 5 &&
		  memcmp(file->filename, "v.csv", 5) == 0);
	cr_expect(file->len == strlen("a;b\r\n--not the end\r\n1;2") &&
		      memcmp(file->data, "a;b\r\n--not the end\r\n1;2", file->len) == 0,
		  "the file as sent: %.*s", (int)file->len, file->data);
	/* A quoted boundary, and other parameters before it. */
	cr_expect_eq(multipart_parse(body, sizeof body - 1,
				     "multipart/form-data; charset=utf-8; boundary=\"XyZ\"", p, 4),
		     2);
}

Test(multipart, refuses_what_is_not_one)
{
	struct mp_part p[4];
	static const char open_end[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc";
	static const char no_headers_end[] = "--XyZ\r\nContent-Disposition: form-data; "
					     "name=\"csrf\"\r\nabc\r\n--XyZ--\r\n";
	static const char no_name[] = "--XyZ\r\nContent-Disposition: form-data\r\n\r\nabc\r\n"
				      "--XyZ--\r\n";

	cr_expect_eq(multipart_parse(body, sizeof body - 1, "multipart/form-data", p, 4), -1);
	cr_expect_eq(multipart_parse(body, sizeof body - 1, "text/plain; boundary=XyZ", p, 4), -1);
	cr_expect_eq(
	    multipart_parse(body, sizeof body - 1, "multipart/form-data; boundary=Other", p, 4),
	    -1);
	cr_expect_eq(multipart_parse(body, sizeof body - 1, CT, p, 1), -1, "more parts than room");
	cr_expect_eq(multipart_parse(open_end, sizeof open_end - 1, CT, p, 4), -1);
	cr_expect_eq(multipart_parse(no_headers_end, sizeof no_headers_end - 1, CT, p, 4), -1);
	cr_expect_eq(multipart_parse(no_name, sizeof no_name - 1, CT, p, 4), -1);
	cr_expect_eq(multipart_parse("", 0, CT, p, 4), -1);
}

Test(incident_words, refusals_in_swedish)
{
	char buf[300];
	static const char *const english[][2] = {
		{ "place", "is required" },
		{ "occurred_at",
		  "must be a time YYYY-MM-DDTHH:MM[:SS] with Z or +HH:MM, or without" },
		{ "occurred_at", "must not be in the future" },
		{ "items[2].description", "must be 0 to 2000 characters long" },
		{ "items[0].municipality", "you report for sigtuna only" },
		{ "category", "no incident category \"x\" (see GET /v1/incident-categories)" },
		{ "row", "3 cells where the header has 4" },
		{ "description", "contains a personal identity number (personnummer or "
				 "samordningsnummer); incidents describe events and places" },
	};

	for (size_t i = 0; i < sizeof english / sizeof english[0]; i++) {
		const char *sv = sv_incident_error(english[i][0], english[i][1], buf, sizeof buf);

		cr_expect(strcmp(sv, "Värdet togs inte emot.") != 0, "no Swedish for %s",
			  english[i][1]);
		cr_expect(strstr(sv, english[i][1]) == NULL, "English shown: %s", sv);
	}
	cr_expect_str_eq(sv_incident_error("items[0].municipality", "you report for sigtuna only",
					   buf, sizeof buf),
			 "Du rapporterar bara för sigtuna.");
	cr_expect_str_eq(sv_incident_error("category",
					   "unknown category 'Klotterx' — did you mean klotter "
					   "(Klotter)?",
					   buf, sizeof buf),
			 "Kategorin finns inte. Menade du Klotter?");
	cr_expect_str_eq(sv_incident_error("x", "something new", buf, sizeof buf),
			 "Värdet togs inte emot.");
	cr_expect_str_eq(sv_incident_field("items[3].occurred_at"), "tidpunkt");
	cr_expect_str_eq(sv_incident_field("items[3]"), "raden");
}
