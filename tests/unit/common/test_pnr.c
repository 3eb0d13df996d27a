/*
 * The personnummer guard: every accepted form, wrong check digits, dates
 * that do not exist, and the look-alikes that must pass (phone numbers, ISO
 * dates, order and case numbers, long digit runs, amounts), each spelling
 * (separators, Unicode dashes and spaces, invisible characters, other
 * numbers joined on) both with a valid check digit and with a wrong one.
 * Every number below that should match was checked with an independent
 * Luhn computation; the invalid-date ones carry a correct Luhn digit, so
 * only the date fails.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <string.h>

#include "pnr.h"

struct pnr_case {
	char text[128]; /* inline: Criterion re-executes the binary, so no pointers */
	char match[40]; /* the expected match, first occurrence in text; "" = none */
};

ParameterizedTestParameters(pnr, table)
{
	static struct pnr_case cases[] = {
		/* All forms of one number (811218-9876, a well-known test
		 * number). */
		{ "811218-9876", "811218-9876" },
		{ "8112189876", "8112189876" },
		{ "811218+9876", "811218+9876" },
		{ "19811218-9876", "19811218-9876" },
		{ "198112189876", "198112189876" },
		{ "19811218+9876", "19811218+9876" },
		/* Samordningsnummer: day + 60. */
		{ "701063-2391", "701063-2391" },
		{ "7010632391", "7010632391" },
		{ "19701063-2391", "19701063-2391" },
		{ "197010632391", "197010632391" },
		{ "811291-2343", "811291-2343" }, /* 31 Dec + 60 */
		{ "040289-1238", "040289-1238" }, /* 29 Feb 2004 + 60 */
		{ "960289-1237", "960289-1237" }, /* 29 Feb 1996 + 60 */
		/* Leap days. Without century, 29 Feb counts when real in 19xx
		 * or 20xx; with it, only in that year. */
		{ "000229-1235", "000229-1235" },
		{ "9602291230", "9602291230" },
		{ "20000229-1235", "20000229-1235" },
		/* Inside text: letters, punctuation and UTF-8 around it. */
		{ "Kontakt pnr 811218-9876 tack", "811218-9876" },
		{ "Händelse på Storgatan, personnr 811218-9876.", "811218-9876" },
		{ "pnr:8112189876;", "8112189876" },
		{ "pnr811218-9876", "811218-9876" },
		{ "(19811218-9876)", "19811218-9876" },
		{ "född 811218-9876\n", "811218-9876" },
		{ "811218-9876,19811218-9876", "811218-9876" },
		{ "811218-9876-", "811218-9876" },
		{ "-811218-9876 ", "811218-9876" },
		{ "+8112189876", "8112189876" },
		{ "tel 070-123 45 67, pnr 811218-9876", "811218-9876" },
		{ "ärende 5000-K123456-24 gäller 701063-2391", "701063-2391" },
		{ "order 1234567890123 och 198112189876", "198112189876" },
		/* A 10-digit run that is a real date and Luhn-valid is a
		 * personnummer, even when it was meant as a phone number
		 * written without separators: the guard cannot tell. */
		{ "ring 0701234569", "0701234569" },

		/* Other numbers joined by a separator do not hide one. */
		{ "1-811218-9876", "811218-9876" },
		{ "811218-9876-2", "811218-9876" },
		{ "811218-9876-1", "811218-9876" },
		{ "0-19811218-9876", "19811218-9876" },
		{ "811218-9876+12", "811218-9876" },
		{ "2024-811218-9876", "811218-9876" },
		{ "08-8112189876", "8112189876" },
		{ "+46-8112189876", "8112189876" },
		/* Spaces and Unicode dashes as the separator. */
		{ "811218 9876", "811218 9876" },
		{ "19811218 9876", "19811218 9876" },
		{ "pnr 701063 2391.", "701063 2391" },
		{ "811218  9876", "811218  9876" },
		{ "811218\u00A09876", "811218\u00A09876" },
		{ "811218\u202F9876", "811218\u202F9876" },
		{ "811218\u20079876", "811218\u20079876" },
		{ "811218\u20099876", "811218\u20099876" },
		{ "811218\u20109876", "811218\u20109876" },
		{ "811218\u20119876", "811218\u20119876" },
		{ "811218\u20129876", "811218\u20129876" },
		{ "811218\u20139876", "811218\u20139876" },
		{ "19811218\u20139876", "19811218\u20139876" },
		{ "701063\u20132391", "701063\u20132391" },
		{ "811218\u20149876", "811218\u20149876" },
		{ "811218\u22129876", "811218\u22129876" },
		{ "811218\uFE639876", "811218\uFE639876" },
		{ "811218\uFF0D9876", "811218\uFF0D9876" },
		{ "811218\uFF0B9876", "811218\uFF0B9876" },
		{ "811218 - 9876", "811218 - 9876" },
		{ "811218 \u2013 9876", "811218 \u2013 9876" },
		{ "811218\u00A0\u2013\u00A09876", "811218\u00A0\u2013\u00A09876" },
		{ "811218 -9876", "811218 -9876" },
		{ "811218- 9876", "811218- 9876" },
		{ "1-811218\u20139876-2", "811218\u20139876" },
		/* Invisible characters inside the number. */
		{ "811218\u00AD9876", "811218\u00AD9876" },
		{ "8112\u200B189876", "8112\u200B189876" },
		{ "811218-\u200B9876", "811218-\u200B9876" },
		{ "81\u206012\uFEFF18\u200D-9876", "81\u206012\uFEFF18\u200D-9876" },
		{ "811218\u200B \u200B9876", "811218\u200B \u200B9876" },

		/* The same spellings with a wrong check digit pass. */
		{ "1-811218-9875", "" },
		{ "811218-9875-2", "" },
		{ "0-19811218-9875", "" },
		{ "08-8112189875", "" },
		{ "811218 9875", "" },
		{ "19811218 9870", "" },
		{ "811218  9875", "" },
		{ "811218\u00A09875", "" },
		{ "811218\u202F9875", "" },
		{ "811218\u20079875", "" },
		{ "811218\u20099875", "" },
		{ "811218\u20109875", "" },
		{ "811218\u20119875", "" },
		{ "811218\u20129875", "" },
		{ "811218\u20139875", "" },
		{ "19811218\u20139870", "" },
		{ "701063\u20132392", "" },
		{ "811218\u20149875", "" },
		{ "811218\u22129875", "" },
		{ "811218\uFE639875", "" },
		{ "811218\uFF0D9875", "" },
		{ "811218\uFF0B9875", "" },
		{ "811218 - 9875", "" },
		{ "811218 \u2013 9875", "" },
		{ "811218\u00AD9875", "" },
		{ "8112\u200B189875", "" },

		/* Wrong check digit. */
		{ "811218-9875", "" },
		{ "8112189877", "" },
		{ "19811218-9870", "" },
		{ "701063-2392", "" },
		/* Dates that do not exist (Luhn digit correct). */
		{ "811318-1237", "" }, /* month 13 */
		{ "810018-1232", "" }, /* month 00 */
		{ "811200-1238", "" }, /* day 00 */
		{ "811232-1230", "" }, /* day 32 */
		{ "810431-1231", "" }, /* 31 April */
		{ "810230-1234", "" }, /* 30 February */
		{ "010229-1234", "" }, /* 29 Feb: neither 1901 nor 2001 */
		{ "0102291234", "" },
		{ "19000229-1235", "" }, /* 1900 is no leap year */
		{ "20010229-1234", "" },
		{ "811260-1235", "" }, /* samordning day 0 */
		{ "811292-1237", "" }, /* samordning day 32 */
		{ "810290-1231", "" }, /* samordning 30 February */
		/* A century nobody alive was born in. */
		{ "17811218-9876", "" },
		{ "21811218-9876", "" },
		/* Phone numbers. */
		{ "070-123 45 67", "" },
		{ "08-123 456 78", "" },
		{ "+46 70 123 45 67", "" },
		{ "070-1234567", "" },
		{ "08-811218 98 76", "" },
		{ "08-123 456 78", "" },
		{ "08\u2013123 456 78", "" },
		{ "070\u2011123\u00A045\u00A067", "" },
		{ "ring 070-123 45 67 eller 08-123 456 78", "" },
		{ "0046 70-811 21 89", "" },
		/* ISO dates and times. */
		{ "2024-01-15", "" },
		{ "möte 2024-01-15 kl 18:00", "" },
		{ "2026-11-18 19:45", "" },
		{ "2026\u201311\u201318\u00A019:45", "" },
		{ "möte 2026-11-18 19:45, tel 08-123 456 78", "" },
		{ "20240115", "" },
		{ "2024-01-15T12:00:00Z", "" },
		{ "1981-12-18-9876", "" },
		/* Order numbers and longer digit runs around a valid one. */
		{ "1234567890123", "" },
		{ "18112189876", "" },
		{ "81121898761", "" },
		{ "1198112189876", "" },
		{ "00000000000000000000", "" },
		{ "order 98112189876543", "" },
		/* A 16-digit order number with a valid one inside: a longer
		 * run cannot be told from any other number. */
		{ "order 4000811218987600", "" },
		{ "ärende 0000008112189876", "" },
		{ "8112189876\u200B123456", "" },
		/* Glued to more digits on one side of the separator. */
		{ "811218-98761", "" },
		{ "9811218-9876", "" },
		{ "811218 98761", "" },
		{ "9811218\u20139876", "" },
		{ "1981-1218-9876", "" },
		/* Case and reference numbers. */
		{ "5000-K123456-24", "" },
		{ "5000-K811218-98", "" },
		{ "Ä-2024-811218", "" },
		{ "bankgiro 5050-1055", "" },
		{ "konto 8327-9, 811 218 987-6", "" },
		{ "123e4567-e89b-12d3-a456-426614174000", "" },
		/* Amounts. */
		{ "1 234 567,89 kr", "" },
		{ "8 112 189 876 kr", "" },
		{ "budget 811218 kr och 9876 timmar", "" },
		/* Three spaces are no separator. */
		{ "811218   9876", "" },
		/* Nothing at all. */
		{ "", "" },
		{ "inga siffror här", "" },
		{ "811218", "" },
		{ "811218-", "" },
		{ "811218-987", "" },
	};
	return cr_make_param_array(struct pnr_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct pnr_case *c, pnr, table, table_none, table_none)
{
	size_t at = 12345, at_len = 12345;
	bool found = pnr_find(c->text, strlen(c->text), &at, &at_len);

	if (!c->match[0]) {
		cr_assert_not(found, "\"%s\" matched at %zu+%zu", c->text, at, at_len);
		return;
	}
	const char *want = strstr(c->text, c->match);

	cr_assert_not_null(want, "bad test row \"%s\"", c->text);
	cr_assert(found, "\"%s\" did not match", c->text);
	cr_assert_eq(at, (size_t)(want - c->text), "\"%s\": offset %zu", c->text, at);
	cr_assert_eq(at_len, strlen(c->match), "\"%s\": length %zu", c->text, at_len);
}

Test(pnr, respects_len_without_nul)
{
	/* The trailing digit lies past len: the number is complete. */
	const char buf[] = { '8', '1', '1', '2', '1', '8', '-', '9', '8', '7', '6', '5' };

	cr_assert(pnr_find(buf, 11, NULL, NULL));
	cr_assert_not(pnr_find(buf, sizeof buf, NULL, NULL));
	cr_assert_not(pnr_find(buf, 10, NULL, NULL));
}

Test(pnr, separator_at_end_of_len)
{
	/* A '-' that is the last byte joins nothing. */
	cr_assert_not(pnr_find("811218-9876", 7, NULL, NULL));
	cr_assert(pnr_find("8112189876-1", 11, NULL, NULL));
}

Test(pnr, null_outputs_and_null_text)
{
	cr_assert(pnr_find("x 811218-9876", 13, NULL, NULL));
	cr_assert_not(pnr_find(NULL, 0, NULL, NULL));
}

Test(pnr, embedded_nul_ends_a_token)
{
	const char buf[] = "1\0"
			   "811218-9876";

	cr_assert(pnr_find(buf, sizeof buf - 1, NULL, NULL));
}

Test(pnr, long_text_finds_late_match)
{
	char buf[8192];
	size_t at = 0;

	/* Digit runs of every length up to the end, then the number. */
	memset(buf, '7', sizeof buf);
	for (size_t i = 0; i < 8000; i += 17)
		buf[i] = ' ';
	memcpy(buf + 8100, " 811218-9876 ", 13);
	cr_assert(pnr_find(buf, 8113, &at, NULL));
	cr_assert_eq(at, 8101);
}
