/*
 * The personnummer detector (common/pnr.c) against a slow reference written
 * from its comment alone: the text becomes a list of tokens (digits,
 * space-like and dash-like separators, invisibles, anything else), the
 * invisibles are dropped, digits group into maximal runs, and a number is
 * a run of 10 or 12 digits, or a run of 6 or 8, one to three separator
 * tokens of the shape [space][dash][space], and a run of exactly 4, whose
 * date exists (timegm round trip; day + 60 for samordningsnummer; 12 digits
 * in the 1800s to 2000s, 10 digits in 19xx or 20xx) and whose Luhn sum is a
 * multiple of ten. Any disagreement, in the answer or in where the first
 * match is, aborts.
 *
 * The first byte chooses the form of the rest: raw bytes, or one token per
 * byte from a small alphabet (digits, every separator, every invisible,
 * letters, and "the check digit that makes the nine digits before valid"),
 * which reaches real numbers in every spelling far more often than raw
 * bytes do.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pnr.h"

enum tok_kind { T_DIGIT, T_SPACE, T_DASH, T_INVISIBLE, T_OTHER };

struct tok {
	enum tok_kind kind;
	size_t at, len; /* bytes of the text */
};

/* The spellings, as the security review listed them. */
static const char *const spaces[] = { " ", "\u00A0", "\u2007", "\u2009", "\u202F" };
static const char *const dashes[] = { "-",      "+",      "\u2010", "\u2011", "\u2012", "\u2013",
				      "\u2014", "\u2212", "\uFE63", "\uFF0B", "\uFF0D" };
static const char *const invisibles[] = { "\u00AD", "\u200B", "\u200C", "\u200D",
					  "\u200E", "\u200F", "\u2060", "\uFEFF" };

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static size_t match_any(const char *const *set, size_t n, const uint8_t *p, size_t left)
{
	for (size_t k = 0; k < n; k++) {
		size_t l = strlen(set[k]);

		if (l <= left && memcmp(p, set[k], l) == 0)
			return l;
	}
	return 0;
}

static size_t tokenize(const uint8_t *text, size_t len, struct tok *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		struct tok t = { T_OTHER, i, 1 };
		size_t l;

		if (text[i] >= '0' && text[i] <= '9')
			t.kind = T_DIGIT;
		else if ((l = match_any(invisibles, COUNT(invisibles), text + i, len - i)))
			t = (struct tok){ T_INVISIBLE, i, l };
		else if ((l = match_any(spaces, COUNT(spaces), text + i, len - i)))
			t = (struct tok){ T_SPACE, i, l };
		else if ((l = match_any(dashes, COUNT(dashes), text + i, len - i)))
			t = (struct tok){ T_DASH, i, l };
		if (t.kind != T_INVISIBLE)
			out[n++] = t;
		i += t.len;
	}
	return n;
}

static int num(const char *d, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + d[i] - '0';
	return v;
}

/* The day exists: what timegm makes of it comes back unchanged. */
static bool real_day(int year, int month, int day)
{
	struct tm tm = {
		.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = 12
	};
	time_t t;

	if (month < 1 || month > 12 || day < 1 || day > 31)
		return false;
	t = timegm(&tm);
	if (!gmtime_r(&t, &tm))
		abort();
	return tm.tm_year == year - 1900 && tm.tm_mon == month - 1 && tm.tm_mday == day;
}

static bool luhn(const char d[10])
{
	int sum = 0;

	/* Counted from the right, the check digit is position 1, and every
	 * even position is doubled (its digits added). */
	for (int pos = 1; pos <= 10; pos++) {
		int v = d[10 - pos] - '0';

		if (pos % 2 == 0)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return sum % 10 == 0;
}

static bool reference_number(const char *d, int n)
{
	const char *ten = d + n - 10;
	int month = num(ten + 2, 2), day = num(ten + 4, 2);

	if (day > 60)
		day -= 60;
	if (n == 12) {
		int year = num(d, 4);

		if (year < 1800 || year > 2099 || !real_day(year, month, day))
			return false;
	} else if (!real_day(1900 + num(ten, 2), month, day) &&
		   !real_day(2000 + num(ten, 2), month, day)) {
		return false;
	}
	return luhn(ten);
}

/* The run of digit tokens from t[i]: how many, its digits (the first 12). */
static size_t run_at(const struct tok *t, size_t n, size_t i, const uint8_t *text, char *d)
{
	size_t k = 0;

	while (i + k < n && t[i + k].kind == T_DIGIT) {
		if (k < 12)
			d[k] = (char)text[t[i + k].at];
		k++;
	}
	return k;
}

static bool reference_find(const uint8_t *text, size_t len, size_t *at, size_t *at_len)
{
	struct tok *t = malloc((len + 1) * sizeof *t);
	size_t n = tokenize(text, len, t);
	bool found = false;

	for (size_t i = 0; i < n && !found; i++) {
		char d[32];
		size_t run, last;

		if (t[i].kind != T_DIGIT || (i > 0 && t[i - 1].kind == T_DIGIT))
			continue;
		run = run_at(t, n, i, text, d);
		last = i + run - 1;
		if (run == 10 || run == 12) {
			found = reference_number(d, (int)run);
		} else if (run == 6 || run == 8) {
			/* [space][dash][space], at least one, then exactly 4. */
			size_t j = i + run, seps = 0;
			static const enum tok_kind shape[] = { T_SPACE, T_DASH, T_SPACE };

			for (size_t s = 0; s < 3; s++)
				if (j < n && t[j].kind == shape[s]) {
					j++;
					seps++;
				}
			if (seps > 0 && j < n && run_at(t, n, j, text, d + run) == 4) {
				found = reference_number(d, (int)run + 4);
				last = j + 3;
			}
		}
		if (found) {
			*at = t[i].at;
			*at_len = t[last].at + 1 - t[i].at;
		}
	}
	free(t);
	return found;
}

/* Mode 1: one token per byte. */
static size_t expand(const uint8_t *data, size_t size, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < size; i++) {
		unsigned c = data[i] % 40;
		const char *s = NULL;
		char tmp[2] = { 0 };

		if (c < 10) {
			tmp[0] = (char)('0' + c);
		} else if (c < 10 + COUNT(spaces)) {
			s = spaces[c - 10];
		} else if (c < 10 + COUNT(spaces) + COUNT(dashes)) {
			s = dashes[c - 10 - COUNT(spaces)];
		} else if (c < 10 + COUNT(spaces) + COUNT(dashes) + COUNT(invisibles)) {
			s = invisibles[c - 10 - COUNT(spaces) - COUNT(dashes)];
		} else if (c < 39) {
			tmp[0] =
			    "ax:.\n"[c - 10 - COUNT(spaces) - COUNT(dashes) - COUNT(invisibles)];
		} else {
			/* The Luhn digit of the last nine digits written. */
			char d[10];
			int k = 9;

			for (size_t p = o; p > 0 && k > 0; p--)
				if (out[p - 1] >= '0' && out[p - 1] <= '9')
					d[--k] = (char)out[p - 1];
			if (k > 0)
				continue;
			for (d[9] = '0'; d[9] <= '9' && !luhn(d); d[9]++)
				;
			tmp[0] = d[9];
		}
		if (!s)
			s = tmp;
		memcpy(out + o, s, strlen(s));
		o += strlen(s);
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *text;
	size_t len, at = 0, at_len = 0, rat = 0, rat_len = 0;
	bool got, want;

	if (size == 0 || size > 4096)
		return 0;
	/* Exactly len bytes, so ASan sees a read past the end. */
	if (data[0] & 1) {
		uint8_t *wide = malloc(3 * size);

		len = expand(data + 1, size - 1, wide);
		text = malloc(len ? len : 1);
		memcpy(text, wide, len);
		free(wide);
	} else {
		len = size - 1;
		text = malloc(len ? len : 1);
		memcpy(text, data + 1, len);
	}
	got = pnr_find((const char *)text, len, &at, &at_len);
	want = reference_find(text, len, &rat, &rat_len);
	if (got != want || (got && (at != rat || at_len != rat_len))) {
		fprintf(stderr,
			"pnr_find: %d at %zu+%zu, the reference: %d at %zu+%zu, text: \"%.*s\"\n",
			got, at, at_len, want, rat, rat_len, (int)len, (const char *)text);
		abort();
	}
	if (got && pnr_find((const char *)text, len, NULL, NULL) != true)
		abort();
	free(text);
	return 0;
}
