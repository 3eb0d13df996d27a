/*
 * The web interface's HTML writers: every value escaped, dates in Swedish.
 */
#include <criterion/criterion.h>

#include "web/html.h"

static const char *text_of(struct html *h)
{
	return h->buf ? h->buf : "";
}

Test(html, text_is_escaped)
{
	struct html h = { 0 };

	html_txt(&h, "<script>alert(1)</script> & \"><img onerror='x'>");
	cr_assert_str_eq(text_of(&h), "&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
				      "&quot;&gt;&lt;img onerror=&#39;x&#39;&gt;");
	html_free(&h);
}

Test(html, attributes_are_escaped)
{
	struct html h = { 0 };

	html_raw(&h, "<input value=\"");
	html_attr(&h, "\" autofocus onfocus=\"alert(1)");
	html_raw(&h, "\">");
	cr_assert_str_eq(text_of(&h), "<input value=\"&quot; autofocus onfocus=&quot;alert(1)\">");
	html_free(&h);
}

Test(html, null_and_empty_write_nothing)
{
	struct html h = { 0 };

	html_txt(&h, NULL);
	html_attr(&h, "");
	html_date(&h, NULL);
	cr_assert_str_eq(text_of(&h), "");
	cr_assert(!h.oom);
	html_free(&h);
}

Test(html, dates_in_swedish)
{
	struct html h = { 0 };

	html_date(&h, "2026-12-04");
	html_raw(&h, "|");
	html_date(&h, "2025-01-01T08:00:00Z");
	html_raw(&h, "|");
	html_date(&h, "2026-13-01");
	html_raw(&h, "|");
	html_date(&h, "<b>");
	cr_assert_str_eq(text_of(&h), "4 december 2026|1 januari 2025|2026-13-01|&lt;b&gt;");
	html_free(&h);
}

/* A timestamp is shown as the day it was in Sweden: 23:30 UTC is the next
 * day there, in winter (+1) and in summer (+2), across the changes. */
Test(html, timestamps_on_the_swedish_day)
{
	static const char *const cases[][2] = {
		{ "2026-11-15T23:30:00Z", "16 november 2026" },
		{ "2026-11-15T22:59:59Z", "15 november 2026" },
		{ "2026-07-01T21:59:59Z", "1 juli 2026" },
		{ "2026-07-01T22:00:00Z", "2 juli 2026" },
		{ "2026-12-31T23:00:00Z", "1 januari 2027" },
		/* summer time begins 2026-03-29 01:00 UTC, ends 2026-10-25 01:00 UTC */
		{ "2026-03-28T22:30:00Z", "28 mars 2026" },
		{ "2026-03-29T22:30:00Z", "30 mars 2026" },
		{ "2026-10-24T22:30:00Z", "25 oktober 2026" },
		{ "2026-10-25T22:30:00Z", "25 oktober 2026" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct html h = { 0 };

		html_date(&h, cases[i][0]);
		cr_expect_str_eq(text_of(&h), cases[i][1], "%s", cases[i][0]);
		html_free(&h);
	}
}

Test(html, grows_past_its_first_block)
{
	struct html h = { 0 };

	for (int i = 0; i < 5000; i++)
		html_txt(&h, "<>");
	cr_assert_eq(h.len, 5000u * 8u);
	cr_assert(!h.oom);
	html_free(&h);
}
