/*
 * Input shapes checked the same way by the daemon and the client: slugs,
 * usernames, calendar dates, passwords and UTF-8. Pure functions, no
 * allocation; the personnummer guard is in pnr.h.
 */
#ifndef SVK_VALIDATE_H
#define SVK_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* ^[a-z0-9][a-z0-9-]{0,62}$ (organisations, groups, categories). NULL is
 * invalid. */
bool validate_slug(const char *s);

/* ^[a-z0-9][a-z0-9._-]{1,62}$. NULL is invalid. */
bool validate_username(const char *s);

/* Exactly YYYY-MM-DD and a real proleptic Gregorian date, year 0001..9999.
 * NULL is invalid. */
bool validate_date(const char *s);

/* The shape of a date, YYYY-MM-DD in digits, whether or not there is such
 * a day (2026-02-30 has the shape): to tell "no such date" from "not a
 * date". NULL is invalid. */
bool validate_date_shape(const char *s);

/*
 * A time of day on a date: "YYYY-MM-DDTHH:MM" with optional ":SS" and
 * fraction, 'T' or a space between, then optionally "Z" or "+HH:MM" /
 * "-HH:MM" (RFC 3339's offset). *has_offset (may be NULL) tells whether
 * there was one: a time without is local time, which the caller decides.
 */
bool validate_timestamp(const char *s, bool *has_offset);

/*
 * 12..1024 bytes of valid UTF-8. When invalid and why is non-NULL, *why
 * points to a static sentence for the client (it never repeats the
 * password).
 */
bool validate_password(const char *s, const char **why);

/*
 * True when s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF). U+0000 counts as valid; callers
 * that pass C strings never see it.
 */
bool validate_utf8(const char *s, size_t len);

/*
 * Cuts an incomplete UTF-8 sequence off the end of s: what a bounded
 * snprintf leaves when it cuts a client's text inside a character, which
 * jansson would refuse to put in an answer. Returns the new length.
 */
size_t validate_utf8_trim(char *s);

/* True for a UUID in its canonical 8-4-4-4-12 hexadecimal form. */
bool validate_uuid(const char *s);

/* True for a whole number 0..2^63-1 written in decimal digits only. */
bool validate_digits(const char *s);

/* True for an e-mail address: local@domain.tld, at most 254 characters,
 * ASCII without spaces, brackets or quotes (nothing that can end a mail
 * header or an SMTP command). */
bool validate_email(const char *s);

#endif
