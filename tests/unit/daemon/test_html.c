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

Test(html, grows_past_its_first_block)
{
	struct html h = { 0 };

	for (int i = 0; i < 5000; i++)
		html_txt(&h, "<>");
	cr_assert_eq(h.len, 5000u * 8u);
	cr_assert(!h.oom);
	html_free(&h);
}
