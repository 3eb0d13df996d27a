/*
 * Text for a terminal: the display width of UTF-8 text (ASCII, å ä ö,
 * wide characters, combining accents, control characters), cleaning
 * server text of control characters and escape sequences, padding, word
 * wrapping, and a table on a narrow terminal wrapping its cells between
 * words rather than inside them.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "text.h"

/* As main() does: widths come from a UTF-8 ctype. */
static void utf8_locale(void)
{
	cr_assert_not_null(setlocale(LC_CTYPE, "C.UTF-8"));
}

struct width_case {
	char in[48];
	size_t width; /* text_width */
	size_t table; /* text_table_width */
};

ParameterizedTestParameters(text, width)
{
	static struct width_case cases[] = {
		{ "", 0, 0 },
		{ "sigtuna", 7, 7 },
		{ "Upplands Väsby", 14, 14 },
		{ "åäö ÅÄÖ", 7, 7 },
		{ "Skadegörelse", 12, 12 },
		{ "日本", 4, 4 },               /* wide: two columns each */
		{ "e\xcc\x81t\xc3\xa9", 3, 3 }, /* e + combining accent */
		{ "a\tb", 3, 6 },               /* a tab: one cleaned space */
		{ "\x1b[31mred", 8, 11 },       /* ESC: one space, or \x1b */
		{ "x\xc2\x85y", 4, 10 },        /* C1 NEL: two spaces, or 8 */
		{ "\\x41", 4, 7 },              /* the table shows \x5cx41 */
		{ "a\xff", 2, 5 },              /* not UTF-8: one, or \xff */
	};
	return cr_make_param_array(struct width_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct width_case *c, text, width, utf8_locale, table_none)
{
	cr_assert_eq(text_width(c->in), c->width, "text_width(\"%s\") = %zu", c->in,
		     text_width(c->in));
	cr_assert_eq(text_table_width(c->in), c->table, "text_table_width(\"%s\") = %zu", c->in,
		     text_table_width(c->in));
}

Test(text, width_of_null_is_zero)
{
	cr_assert_eq(text_width(NULL), 0);
}

struct clean_case {
	char in[32];
	char out[32];
};

ParameterizedTestParameters(text, clean)
{
	static struct clean_case cases[] = {
		{ "Märsta centrum", "Märsta centrum" },
		{ "line\nbreak\r", "line break " },
		{ "\x1b[2J\x1b[31mred", " [2J [31mred" }, /* no escape left */
		{ "bell\x07 del\x7f", "bell  del " },
		{ "c1\xc2\x9b"
		  "31m",
		  "c1  31m" },                          /* CSI as C1 control */
		{ "nbsp\xc2\xa0ok", "nbsp\xc2\xa0ok" }, /* U+00A0 prints */
	};
	return cr_make_param_array(struct clean_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct clean_case *c, text, clean, table_none, table_none)
{
	char buf[32];

	memcpy(buf, c->in, sizeof buf);
	text_clean(buf, strlen(buf));
	cr_assert_str_eq(buf, c->out);
	cr_assert_eq(strlen(buf), strlen(c->in), "the length stays");
}

struct pad_case {
	char in[16]; /* "" here: a missing value (NULL) */
	size_t width;
	int right;
	char out[40];
};

ParameterizedTestParameters(text, padded)
{
	static struct pad_case cases[] = {
		{ "ab", 5, 0, "ab   " },
		{ "ab", 5, 1, "   ab" },
		{ "Väsby", 7, 0, "Väsby  " },   /* columns, not bytes */
		{ "日本", 6, 0, "日本  " },     /* wide: 4 columns */
		{ "toolong", 3, 0, "toolong" }, /* nothing cut */
		{ "", 3, 0, "-  " },
		{ "a\nb", 4, 1, " a b" }, /* cleaned, then padded */
	};
	return cr_make_param_array(struct pad_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct pad_case *c, text, padded, utf8_locale, table_none)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(text_append_padded(&sb, c->in[0] ? c->in : NULL, c->width,
					c->right ? TEXT_RIGHT : TEXT_LEFT),
		     0);
	cr_assert_str_eq(sb.data, c->out);
	strbuf_cleanup(&sb);
}

struct wrap_case {
	char in[64];
	size_t width;
	char lines[96]; /* the lines text_wrap makes, joined with '|' */
};

ParameterizedTestParameters(text, wrap)
{
	static struct wrap_case cases[] = {
		{ "fits", 10, "fits" },
		{ "exactly ten", 11, "exactly ten" },
		{ "Avtalet löper ut utan förlängning", 12, "Avtalet|löper ut|utan|förlängning" },
		{ "no extension decided", 10, "no|extension|decided" },
		{ "a  b", 2, "a|b" },                /* spaces end no line */
		{ "abcdefghij", 4, "abcd|efgh|ij" }, /* one word too wide */
		{ "ab verylongword cd", 6, "ab|verylo|ngword|cd" },
		{ "åäöåäöåäö", 4, "åäöå|äöåä|ö" }, /* between characters */
		{ "日本語", 3, "日|本|語" },       /* a wide char never split */
		{ "日本", 1, "日|本" },            /* wider than the line: still shown */
	};
	return cr_make_param_array(struct wrap_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct wrap_case *c, text, wrap, utf8_locale, table_none)
{
	struct strbuf sb;
	const char *p = c->in;

	strbuf_init(&sb, 0);
	while (*p) {
		size_t next, len = text_wrap(p, c->width, &next);

		cr_assert(next > 0, "no progress at \"%s\"", p);
		if (sb.len)
			cr_assert_eq(strbuf_puts(&sb, "|"), 0);
		cr_assert_eq(strbuf_append(&sb, p, len), 0);
		p += next;
	}
	cr_assert_str_eq(sb.data, c->lines);
	strbuf_cleanup(&sb);
}

/* Every line text_wrap makes fits, and it breaks no word that fits. */
Test(text, wrap_breaks_no_word_that_fits, .init = utf8_locale)
{
	static const char text[] = "Samverkansavtalet mellan kommunen och polisen löper ut "
				   "den 31 december utan att förlängning har beslutats";

	for (size_t width = 17; width < 60; width++) {
		const char *p = text;

		while (*p) {
			size_t next, len = text_wrap(p, width, &next);
			char line[128];

			cr_assert_lt(len, sizeof line);
			memcpy(line, p, len);
			line[len] = '\0';
			cr_assert_leq(text_width(line), width, "\"%s\" in %zu", line, width);
			cr_assert(p[len] == '\0' || p[len] == ' ',
				  "a word broken after \"%s\" in %zu", line, width);
			p += next;
		}
	}
}

static const struct out_col finding_cols[] = {
	{ "SEVERITY", "severity", 0 },
	{ "CODE", "code", 0 },
	{ "MESSAGE", "message", OUT_COL_WRAP },
};

/* A list as a table o.width columns wide; the caller frees the text. */
static char *table(const char *json, size_t width)
{
	struct output o = { 0 };
	json_t *v = json_loads(json, 0, NULL);
	char *buf = NULL;
	size_t len = 0;

	cr_assert_not_null(v);
	o.format = OUT_TABLE;
	o.width = width;
	o.out = open_memstream(&buf, &len);
	o.err = stderr;
	cr_assert_not_null(o.out);
	cr_assert_eq(output_list(&o, v, finding_cols, 3), 0);
	cr_assert_eq(fclose(o.out), 0);
	json_decref(v);
	return buf;
}

static const char findings[] = "[{\"severity\":\"high\",\"code\":\"expiry\",\"message\":"
			       "\"Avtalet löper ut utan förlängning\"}]";

Test(text, narrow_table_wraps_between_words, .init = utf8_locale)
{
	char *s = table(findings, 30);
	const char *words[] = { "Avtalet", "löper", "ut", "utan", "förlängning" };
	size_t found = 0, lines = 0;

	/* Every word whole on some line, and more than one line. */
	for (char *line = s, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		cr_assert_not_null(nl, "no final newline");
		*nl = '\0';
		cr_assert_leq(text_width(line), 30, "too wide: \"%s\"", line);
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			if (strstr(line, words[i]))
				found |= (size_t)1 << i;
		lines++;
	}
	cr_assert_eq(found, 0x1f, "a word was broken");
	cr_assert_geq(lines, 3, "header and at least two lines of text");
	free(s);
}

Test(text, wide_table_keeps_the_cell_on_one_line, .init = utf8_locale)
{
	char *s = table(findings, 80);

	cr_assert_not_null(strstr(s, "Avtalet löper ut utan förlängning"), "%s", s);
	free(s);
}

Test(text, unlimited_table_is_as_before, .init = utf8_locale)
{
	char *s = table(findings, 0);

	cr_assert_str_eq(s, "SEVERITY CODE   MESSAGE\n"
			    "high     expiry Avtalet löper ut utan "
			    "förlängning\n");
	free(s);
}
