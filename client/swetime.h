/*
 * Swedish local time and Swedish numbers for what people read: a table
 * shows 2026-11-16 00:30 where the server sent 2026-11-15T23:30:00Z, and
 * CSV for a Swedish spreadsheet has 12,5 where JSON has 12.5. The JSON a
 * script reads keeps the server's RFC 3339 UTC and decimal points.
 */
#ifndef SVK_CLIENT_SWETIME_H
#define SVK_CLIENT_SWETIME_H

#include <stddef.h>
#include <time.h>

#include "strbuf.h"

/* Room for "YYYY-MM-DD HH:MM" and its NUL. */
#define SWETIME_LEN 17

/*
 * When s is a whole RFC 3339 timestamp (2026-11-15T23:30:00Z, with
 * optional fraction, Z or ±HH:MM), writes its Swedish local time as
 * "2026-11-16 00:30" into out (outlen at least SWETIME_LEN) and returns
 * 0; else -1 and out is untouched (a date, a name, anything else).
 */
int swetime_local(const char *s, char *out, size_t outlen);

/* s in Swedish local time (in buf, SWETIME_LEN bytes) when it is an RFC
 * 3339 timestamp, else s itself (NULL stays NULL). */
const char *swetime_text(const char *s, char *buf, size_t buflen);

/* Appends the number d as text with a decimal comma ("12,5"). 0 or -1. */
int swetime_decimal(struct strbuf *sb, double d);

#endif
