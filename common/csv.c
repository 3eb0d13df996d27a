/*
 * CSV writing (see csv.h).
 */
#include "csv.h"

#include <string.h>

int csv_field(struct strbuf *sb, const char *s, bool first)
{
	if (!first && strbuf_append(sb, ";", 1) != 0)
		return -1;
	if (!s)
		return 0;
	if (!strpbrk(s, ";\"\r\n"))
		return strbuf_puts(sb, s);
	if (strbuf_append(sb, "\"", 1) != 0)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p == '"' && strbuf_append(sb, "\"", 1) != 0)
			return -1;
		if (strbuf_append(sb, p, 1) != 0)
			return -1;
	}
	return strbuf_append(sb, "\"", 1);
}

int csv_end_row(struct strbuf *sb)
{
	return strbuf_append(sb, "\r\n", 2);
}
