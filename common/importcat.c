/*
 * The category cell of `incidents import` (see importrow.h): real exports
 * write a category's name as often as its slug, in any case ("Hot och
 * våld", "hot-vald", "HOT OCH VÅLD"); each becomes the slug the server
 * takes. One that matches none is refused here, naming the nearest
 * category when one is near (a typing error, "Klotterx").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importrow.h"

#define FOLD_MAX 256 /* bytes of a category compared; longer ones match none */

/*
 * text in lowercase: ASCII, and the Latin-1 capitals of Swedish and its
 * neighbours (Å, Ä, Ö, É, …: U+00C0 to U+00DE but ×) in UTF-8. Returns the
 * length, or -1 when text does not fit out.
 */
static int fold(const char *text, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = *s;

		if (n + 1 >= cap)
			return -1;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (n > 0 && (unsigned char)out[n - 1] == 0xC3 && c >= 0x80 && c <= 0x9E &&
			 c != 0x97)
			c = (unsigned char)(c + 32);
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return (int)n;
}

/* Edits (insert, delete, replace a byte) from a to b; both < FOLD_MAX. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[FOLD_MAX + 1];

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static const char *member(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

int import_category(const json_t *cats, json_t *item, long line, struct import_refusals *refused)
{
	const char *text = json_string_value(json_object_get(item, "category"));
	const json_t *c, *near = NULL;
	char want[FOLD_MAX], got[FOLD_MAX], msg[2 * FOLD_MAX + 160];
	size_t i, best = (size_t)-1;

	if (!text || !json_is_array(cats) || json_array_size(cats) == 0)
		return 0; /* nothing to map with: the server says */
	if (fold(text, want, sizeof want) >= 0) {
		json_array_foreach (cats, i, c) {
			const char *names[2] = { member(c, "slug"), member(c, "name") };

			for (int k = 0; k < 2; k++) {
				size_t d;

				if (fold(names[k], got, sizeof got) < 0)
					continue;
				if (strcmp(want, got) == 0)
					return json_object_set_new(item, "category",
								   json_string(names[0])) == 0
						   ? 0
						   : -1;
				d = distance(want, got);
				if (d < best) {
					best = d;
					near = c;
				}
			}
		}
	}
	/* Near: at most two edits, and fewer than half the word. */
	if (near && best <= 2 && best * 2 < strlen(want))
		(void)snprintf(msg, sizeof msg, "unknown category '%.*s' — did you mean %s (%s)?",
			       FOLD_MAX, text, member(near, "slug"), member(near, "name"));
	else
		(void)snprintf(msg, sizeof msg,
			       "unknown category '%.*s' ('samverkan incidents categories' lists "
			       "them)",
			       FOLD_MAX, text);
	return import_refuse(refused, line, "category", msg) == 0 ? 1 : -1;
}
