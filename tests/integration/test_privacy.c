/*
 * Privacy (SPEC §6): a Swedish personal identity number or coordination
 * number in any free-text field is refused with 422 naming the field, and
 * nothing is stored — in every spelling the specification lists. Numbers
 * that only look alike (a wrong check digit) and passwords (never stored as
 * text) are accepted.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "../table.h"
#include "harness.h"

static struct env e;

ENV_SHARED_INIT(start, e, NULL)
ENV_FINI(stop, e)

TestSuite(privacy, .fini = stop, .timeout = 120);

/* The rows store nothing, so they share one daemon (tests/table.h). */
struct pnr_case {
	char number[24];
	char kind[40];
};

ParameterizedTestParameters(privacy, identity_numbers_are_refused_everywhere)
{
	static struct pnr_case cases[] = {
		{ "811218-9876", "personnummer" },
		{ "8112189876", "personnummer without separator" },
		{ "19811218-9876", "personnummer with century" },
		{ "198112189876", "personnummer with century, no separator" },
		{ "811218+9876", "personnummer of someone over 100" },
		{ "811278-9873", "samordningsnummer" },
	};

	return cr_make_param_array(struct pnr_case, cases, sizeof cases / sizeof cases[0]);
}

static void expect_refused(const struct resp *r, const char *field, const struct pnr_case *c,
			   const char *what)
{
	cr_expect_eq(r->status, 422, "%s with a %s: %s", what, c->kind, resp_why(r));
	cr_expect_str_eq(resp_code(r), "validation", "%s", what);
	cr_expect(resp_names_field(r, field), "%s with a %s: the problem does not name %s: %s",
		  what, c->kind, field, r->body);
}

TableTest(struct pnr_case *c, privacy, identity_numbers_are_refused_everywhere, table_none,
	  table_none, .init = start)
{
	const char *admin = admin_token(&e);
	const char *text = strf(&e, "Kontakt %s", c->number);
	long orgs = sql_count(&e, "SELECT count(*) FROM svk.organisations");
	long users = sql_count(&e, "SELECT count(*) FROM svk.users");
	long groups = sql_count(&e, "SELECT count(*) FROM svk.groups");
	long tokens = sql_count(&e, "SELECT count(*) FROM svk.tokens");
	long audit = sql_count(&e, "SELECT count(*) FROM svk.audit");

	expect_refused(http(&e, "POST", "/v1/users", admin,
			    jsonf(&e, "{s:s, s:s, s:s}", "username", "anna.berg", "display_name",
				  text, "organisation", "sigtuna")),
		       "display_name", c, "a new user's display_name");
	expect_refused(
	    http(&e, "POST", "/v1/organisations", admin,
		 jsonf(&e, "{s:s, s:s, s:s}", "slug", "forening", "name", text, "kind", "other")),
	    "name", c, "an organisation's name");
	expect_refused(http(&e, "POST", "/v1/groups", admin,
			    jsonf(&e, "{s:s, s:s, s:s}", "slug", "grupp", "name", text, "tier",
				  "beredningsgrupp")),
		       "name", c, "a group's name");
	expect_refused(
	    http(&e, "PATCH", "/v1/users/admin", admin, jsonf(&e, "{s:s}", "display_name", text)),
	    "display_name", c, "a changed display_name");
	expect_refused(http(&e, "POST", "/v1/me/tokens", admin,
			    jsonf(&e, "{s:s, s:i}", "name", text, "expires_in_days", 7)),
		       "name", c, "a token's name");
	/* The bare number, too. */
	expect_refused(http(&e, "POST", "/v1/users", admin,
			    jsonf(&e, "{s:s, s:s, s:s}", "username", "anna.berg", "display_name",
				  c->number, "organisation", "sigtuna")),
		       "display_name", c, "a display_name that is only the number");

	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), orgs,
		     "an organisation was stored");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users"), users, "a user was stored");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.groups"), groups,
		     "a group was stored");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens"), tokens,
		     "a token was stored");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit"), audit,
		     "a refusal was audited with the number");
	cr_expect_str_eq(
	    sql_value(&e, "SELECT display_name FROM svk.users WHERE username = 'admin'"),
	    "Administratör", "the display_name changed");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit a WHERE strpos(a::text, $1) > 0",
			       c->number),
		     0, "the number is in the audit log");
}

Test(privacy, look_alikes_and_passwords_are_accepted, .init = start)
{
	const char *admin = admin_token(&e);
	struct resp *r;

	/* A wrong check digit is not an identity number. */
	r = http(&e, "POST", "/v1/users", admin,
		 "{\"username\":\"anna.berg\",\"display_name\":\"Anna 811218-9875\","
		 "\"organisation\":\"sigtuna\"}");
	cr_expect_eq(r->status, 201, "a number with a wrong check digit: %s", resp_why(r));
	/* A phone number and a date are not either. */
	r = http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"jouren\",\"name\":\"Jouren 08-123 456 78, sedan 2023-01-01\","
		 "\"kind\":\"other\"}");
	cr_expect_eq(r->status, 201, "a phone number and a date: %s", resp_why(r));
	/* A password is never stored as text, so it is not checked. */
	r = http(&e, "POST", "/v1/users", admin,
		 "{\"username\":\"bo.ek\",\"display_name\":\"Bo Ek\",\"organisation\":\"sigtuna\","
		 "\"password\":\"pw 811218-9876 pw\"}");
	cr_expect_eq(r->status, 201, "a password with a number in it: %s", resp_why(r));
	login(&e, "bo.ek", "pw 811218-9876 pw");
}

/* n times "å" (two bytes each) into buf. */
static const char *aring(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		memcpy(buf + 2 * i, "\xC3\xA5", 2);
	buf[2 * n] = '\0';
	return buf;
}

/* A field named by a long key is named cut at a whole character, in a
 * problem document: the path of a number (cut at 127 bytes), the list of
 * unknown fields in the detail (300 bytes) and an incident's field (159
 * bytes) were cut inside an "å", which jansson refused to put in the
 * answer (a 422 without a body, or a 500 for an incident). */
Test(privacy, a_long_field_name_is_cut_at_a_whole_character, .init = start)
{
	const char *admin = admin_token(&e);
	char key[512], cut[512];
	struct resp *r;

	r = http(&e, "POST", "/v1/organisations", admin,
		 jsonf(&e, "{s:s, s:s, s:s, s:s}", "slug", "forening", "name", "Föreningen", "kind",
		       "other", aring(key, 100), "Kontakt 811218-9876"));
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "validation", "a body: %s", r->body);
	cr_expect(resp_names_field(r, aring(cut, 63)), "the key cut to 63 å: %s", r->body);

	r = http(&e, "POST", "/v1/organisations", admin,
		 jsonf(&e, "{s:s, s:s, s:s, s:i}", "slug", "forening", "name", "Föreningen", "kind",
		       "other", aring(key, 200), 1));
	cr_expect_eq(r->status, 422, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "validation", "a body: %s", r->body);
	cr_expect(resp_names_field(r, key), "the unknown field: %s", r->body);

	r = http(&e, "POST", "/v1/incidents", admin,
		 jsonf(&e, "{s:s, s:s, s:s, s:s, s:i}", "occurred_at", "2026-11-16T00:30:00Z",
		       "municipality", "sigtuna", "place", "Torget", "category", "klotter",
		       aring(key, 100), 1));
	cr_expect_eq(r->status, 422, "an incident: %s", resp_why(r));
	cr_expect(resp_names_field(r, aring(cut, 79)), "the key cut to 79 å: %s", r->body);
}
