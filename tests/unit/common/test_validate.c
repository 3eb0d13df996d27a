/*
 * Input shapes: slugs, usernames, dates, passwords, UTF-8.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <string.h>

#include "validate.h"

struct str_case {
	char s[80]; /* inline: Criterion re-executes the binary, so no pointers */
	bool valid;
};

#define LONG63 "a23456789012345678901234567890123456789012345678901234567890123"
#define LONG64 LONG63 "4"

ParameterizedTestParameters(validate, slug)
{
	static struct str_case cases[] = {
		{ "sigtuna", true },
		{ "upplands-vasby", true },
		{ "est-sigtuna", true },
		{ "a", true },
		{ "0", true },
		{ "hot-vald", true },
		{ "2024", true },
		{ "a-", true },
		{ LONG63, true },
		{ LONG64, false },
		{ "", false },
		{ "-a", false },
		{ "Sigtuna", false },
		{ "upplands_vasby", false },
		{ "upplands.vasby", false },
		{ "ö", false },
		{ "a b", false },
		{ "a/b", false },
		{ "a\n", false },
	};
	return cr_make_param_array(struct str_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct str_case *c, validate, slug, table_none, table_none)
{
	cr_assert_eq(validate_slug(c->s), c->valid, "\"%s\"", c->s);
}

ParameterizedTestParameters(validate, username)
{
	static struct str_case cases[] = {
		{ "admin", true },      { "anna.berg", true },  { "anna_berg", true },
		{ "anna-berg", true },  { "ab", true },         { "a.", true },
		{ "0x", true },         { LONG63, true },       { LONG64, false },
		{ "a", false },         { "", false },          { ".anna", false },
		{ "_anna", false },     { "-anna", false },     { "Anna", false },
		{ "anna berg", false }, { "anna@berg", false }, { "åsa", false },
	};
	return cr_make_param_array(struct str_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct str_case *c, validate, username, table_none, table_none)
{
	cr_assert_eq(validate_username(c->s), c->valid, "\"%s\"", c->s);
}

ParameterizedTestParameters(validate, date)
{
	static struct str_case cases[] = {
		{ "2023-01-01", true },
		{ "2026-12-31", true },
		{ "2024-02-29", true },
		{ "2000-02-29", true },
		{ "0001-01-01", true },
		{ "9999-12-31", true },
		{ "2023-04-30", true },
		{ "2023-02-29", false },
		{ "1900-02-29", false },
		{ "2023-04-31", false },
		{ "2023-13-01", false },
		{ "2023-00-10", false },
		{ "2023-01-00", false },
		{ "2023-01-32", false },
		{ "0000-01-01", false },
		{ "2023-1-01", false },
		{ "2023-01-1", false },
		{ "20230101", false },
		{ "2023/01/01", false },
		{ "2023-01-01 ", false },
		{ " 2023-01-01", false },
		{ "2023-01-01T00:00:00Z", false },
		{ "+023-01-01", false },
		{ "2023-0a-01", false },
		{ "", false },
	};
	return cr_make_param_array(struct str_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct str_case *c, validate, date, table_none, table_none)
{
	cr_assert_eq(validate_date(c->s), c->valid, "\"%s\"", c->s);
}

Test(validate, null_is_invalid)
{
	cr_assert_not(validate_slug(NULL));
	cr_assert_not(validate_username(NULL));
	cr_assert_not(validate_date(NULL));
	cr_assert_not(validate_password(NULL, NULL));
}

ParameterizedTestParameters(validate, password)
{
	static struct str_case cases[] = {
		{ "correct horse battery", true },
		{ "123456789012", true },
		{ "lösenordet är långt", true },
		{ "åäöåäö", true }, /* 12 bytes, 6 characters */
		{ "12345678901", false },
		{ "åäöåä", false }, /* 10 bytes */
		{ "", false },
		{ "abcdefghijk\xff", false },
		{ "abcdefghijkl\xc3", false },
		{ "abcdefghij\xed\xa0\x80", false },
	};
	return cr_make_param_array(struct str_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct str_case *c, validate, password, table_none, table_none)
{
	const char *why = "unset";
	bool ok = validate_password(c->s, &why);

	cr_assert_eq(ok, c->valid, "\"%s\"", c->s);
	if (ok)
		cr_assert_null(why);
	else
		cr_assert(why && strstr(why, "password"), "reason for \"%s\"", c->s);
}

Test(validate, password_length_bounds)
{
	char pw[1100];
	const char *why = NULL;

	memset(pw, 'x', sizeof pw);
	pw[1024] = '\0';
	cr_assert(validate_password(pw, &why));
	pw[1024] = 'x';
	pw[1025] = '\0';
	cr_assert_not(validate_password(pw, &why));
	cr_assert(strstr(why, "1024"));
	pw[11] = '\0';
	cr_assert_not(validate_password(pw, &why));
	cr_assert(strstr(why, "12"));
}

struct utf8_case {
	char s[16]; /* inline, may hold NUL bytes: len says how many count */
	size_t len;
	bool valid;
};

ParameterizedTestParameters(validate, utf8)
{
	static struct utf8_case cases[] = {
		{ "", 0, true },
		{ "abc", 3, true },
		{ "\xc3\xa5\xc3\xa4\xc3\xb6", 6, true }, /* åäö */
		{ "\xe2\x82\xac", 3, true },             /* € */
		{ "\xf0\x9f\x98\x80", 4, true },         /* U+1F600 */
		{ "\xf4\x8f\xbf\xbf", 4, true },         /* U+10FFFF */
		{ "\xed\x9f\xbf", 3, true },             /* U+D7FF */
		{ "\xee\x80\x80", 3, true },             /* U+E000 */
		{ "a\0b", 3, true },                     /* U+0000 */
		{ "\x80", 1, false },                    /* lone continuation */
		{ "\xbf", 1, false },
		{ "\xc0\xaf", 2, false }, /* overlong '/' */
		{ "\xc1\xbf", 2, false },
		{ "\xe0\x80\xaf", 3, false }, /* overlong */
		{ "\xe0\x9f\xbf", 3, false },
		{ "\xf0\x80\x80\xaf", 4, false },
		{ "\xf0\x8f\xbf\xbf", 4, false },
		{ "\xed\xa0\x80", 3, false },     /* surrogate D800 */
		{ "\xed\xbf\xbf", 3, false },     /* surrogate DFFF */
		{ "\xf4\x90\x80\x80", 4, false }, /* U+110000 */
		{ "\xf5\x80\x80\x80", 4, false },
		{ "\xff", 1, false },
		{ "\xfe", 1, false },
		{ "\xe2\x82", 2, false }, /* truncated */
		{ "\xf0\x9f\x98", 3, false },
		{ "\xc3", 1, false },
		{ "\xc3\x28", 2, false }, /* bad continuation */
		{ "\xe2\x28\xa1", 3, false },
		{ "\xe2\x82\x28", 3, false },
		{ "\xf0\x9f\x98\x28", 4, false },
		/* len cuts a valid sequence short. */
		{ "\xe2\x82\xac", 2, false },
	};
	return cr_make_param_array(struct utf8_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct utf8_case *c, validate, utf8, table_none, table_none)
{
	cr_assert_eq(validate_utf8(c->s, c->len), c->valid,
		     "case of %zu bytes "
		     "starting %02x",
		     c->len, (unsigned char)c->s[0]);
}

Test(validate, utf8_null)
{
	cr_assert(validate_utf8(NULL, 0));
	cr_assert_not(validate_utf8(NULL, 1));
}

Test(validate, uuid_and_digits)
{
	cr_assert(validate_uuid("0b6f6a3e-3c1d-4c7e-9a7b-1f2e3d4c5b6a"));
	cr_assert(validate_uuid("0B6F6A3E-3C1D-4C7E-9A7B-1F2E3D4C5B6A"));
	cr_assert_not(validate_uuid("0b6f6a3e3c1d4c7e9a7b1f2e3d4c5b6a"));
	cr_assert_not(validate_uuid("0b6f6a3e-3c1d-4c7e-9a7b-1f2e3d4c5b6"));
	cr_assert_not(validate_uuid("0b6f6a3e-3c1d-4c7e-9a7b-1f2e3d4c5b6g"));
	cr_assert_not(validate_uuid("0b6f6a3e-3c1d-4c7e-9a7b_1f2e3d4c5b6a"));
	cr_assert_not(validate_uuid(""));
	cr_assert_not(validate_uuid(NULL));
	cr_assert(validate_digits("0"));
	cr_assert(validate_digits("123456789012345678"));
	cr_assert_not(validate_digits("1234567890123456789"));
	cr_assert_not(validate_digits("-1"));
	cr_assert_not(validate_digits("1a"));
	cr_assert_not(validate_digits(""));
}

Test(validate, utf8_trim_cuts_a_character_cut_short)
{
	char two[] = "ab\xC3", three[] = "a\xE2\x80", four[] = "\xF0\x9F\x98",
	     whole[] = "a\xC3\xA5", ascii[] = "abc", empty[] = "", stray[] = "a\x80";

	cr_assert_eq(validate_utf8_trim(two), 2);
	cr_assert_str_eq(two, "ab");
	cr_assert_eq(validate_utf8_trim(three), 1);
	cr_assert_str_eq(three, "a");
	cr_assert_eq(validate_utf8_trim(four), 0);
	cr_assert_str_eq(four, "");
	cr_assert_eq(validate_utf8_trim(whole), 3, "a whole å stays");
	cr_assert_eq(validate_utf8_trim(ascii), 3);
	cr_assert_eq(validate_utf8_trim(empty), 0);
	cr_assert_eq(validate_utf8_trim(stray), 2, "not a cut: left to validate_utf8");
}

ParameterizedTestParameters(validate, email)
{
	static struct str_case cases[] = {
		{ "anna.berg@sigtuna.se", true },
		{ "a@b.se", true },
		{ "per+samverkan@polisen.se", true },
		{ "x_y-z@sub.upplands-vasby.se", true },
		{ "ANNA@SIGTUNA.SE", true },
		{ "", false },
		{ "anna", false },
		{ "anna@", false },
		{ "@sigtuna.se", false },
		{ "anna@sigtuna", false },
		{ "anna@@sigtuna.se", false },
		{ "anna@b@sigtuna.se", false },
		{ "anna berg@sigtuna.se", false },
		{ "anna@sig tuna.se", false },
		{ "anna@sigtuna.se\r\nBcc: x@y.se", false },
		{ "anna@sigtuna.se\n", false },
		{ "<anna@sigtuna.se>", false },
		{ "\"anna\"@sigtuna.se", false },
		{ "anna@-sigtuna.se", false },
		{ "anna@sigtuna-.se", false },
		{ "anna@sigtuna..se", false },
		{ "anna@.sigtuna.se", false },
		{ "anna@sigtuna.se.", false },
		{ "åsa@sigtuna.se", false },
		{ "asa@sigtunå.se", false },
	};
	return cr_make_param_array(struct str_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct str_case *c, validate, email, table_none, table_none)
{
	cr_assert_eq(validate_email(c->s), c->valid, "\"%s\"", c->s);
}

Test(validate, email_length)
{
	char s[300];

	memset(s, 'a', 64);
	cr_assert(snprintf(s + 64, sizeof s - 64, "@sigtuna.se") < (int)sizeof s - 64);
	cr_expect(validate_email(s), "a local part of 64");
	memset(s, 'a', 65);
	cr_assert(snprintf(s + 65, sizeof s - 65, "@sigtuna.se") < (int)sizeof s - 65);
	cr_expect(!validate_email(s), "a local part of 65");
	/* Labels of 63, each allowed, together past 254. */
	char label[64];
	memset(label, 'b', 63);
	label[63] = '\0';
	snprintf(s, sizeof s, "a@%s.%s.%s.%s.se", label, label, label, label);
	cr_expect(!validate_email(s), "%zu characters", strlen(s));
	snprintf(s, sizeof s, "a@%s.%s.%s.se", label, label, label);
	cr_expect(validate_email(s), "%zu characters", strlen(s));
}
