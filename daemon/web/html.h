/*
 * HTML made on the server (after cgit's html.c): a growing buffer and
 * writers that escape every value by default. html_txt escapes text for an
 * element's content, html_attr for a double-quoted attribute value; only
 * html_raw writes as is, and it takes the page's own literal markup, never
 * a value from a request or the database.
 */
#ifndef SVK_WEB_HTML_H
#define SVK_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct html {
	char *buf;
	size_t len, cap;
	bool oom; /* an allocation failed: the page is incomplete */
};

/* The page's own markup, as is. */
void html_raw(struct html *h, const char *s);
/* Text content: & < > " ' escaped. NULL writes nothing. */
void html_txt(struct html *h, const char *s);
/* An attribute value (inside double quotes): the same escaping. */
void html_attr(struct html *h, const char *s);
/* A decimal number. */
void html_long(struct html *h, long v);
/* An ISO date (YYYY-MM-DD) as Swedish text, "4 december 2026"; a UTC
 * timestamp (YYYY-MM-DDTHH:MM:SSZ) as the date it was in Sweden; anything
 * else is written escaped as it is. */
void html_date(struct html *h, const char *iso);
/* Frees the buffer. */
void html_free(struct html *h);

#endif
