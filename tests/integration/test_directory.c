/*
 * The directory (SPEC §2, §7): organisations, users, groups and
 * memberships as an admin creates and reads them — creation with Location,
 * conflicts and validation naming the field, pagination, ETags, the
 * membership rules, and what GET /v1/me tells a user about their tier.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(directory, e, .timeout = 120);

/* GET path, then again with If-None-Match: the ETag round trip. */
static void expect_etag(const char *path, const char *tok)
{
	struct resp *r = http(&e, "GET", path, tok, NULL);
	const char *etag = resp_header(r, "ETag");

	cr_expect_eq(r->status, 200, "GET %s: %s", path, resp_why(r));
	cr_assert(etag && etag[0] == '"', "GET %s: no (strong) ETag", path);
	r = http_send(&e, &(struct http_req){ .path = path,
					      .token = tok,
					      .headers = { strf(&e, "If-None-Match: %s", etag) } });
	cr_expect_eq(r->status, 304, "GET %s with If-None-Match: %s", path, resp_why(r));
}

Test(directory, organisations_are_created_once_and_validated)
{
	const char *admin = admin_token(&e);
	struct resp *r = http(&e, "POST", "/v1/organisations", admin,
			      jsonf(&e, "{s:s, s:s, s:s, s:b}", "slug", "attunda-brand", "name",
				    "Brandkåren Attunda", "kind", "rescue", "party", 0));
	const char *loc = resp_header(r, "Location");

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(loc ? loc : "", "/v1/organisations/attunda-brand");
	cr_expect_str_eq(resp_str(r, "name"), "Brandkåren Attunda");
	cr_expect_str_eq(resp_str(r, "kind"), "rescue");
	cr_expect(json_is_false(resp_get(r, "party")), "party is not false: %s", r->body);
	r = http(&e, "GET", loc ? loc : "/", admin, NULL);
	cr_expect_eq(r->status, 200, "GET Location: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "slug"), "attunda-brand");
	expect_etag("/v1/organisations/attunda-brand", admin);
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'organisation.create' "
		      "AND entity_id = $1 AND actor = 'admin'",
		      "attunda-brand"),
	    1, "no audit row for the new organisation");

	r = http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"attunda-brand\",\"name\":\"Another\",\"kind\":\"rescue\"}");
	cr_expect_eq(r->status, 409, "duplicate slug: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");

	expect_invalid(http(&e, "POST", "/v1/organisations", admin,
			    "{\"slug\":\"brand2\",\"name\":\"Brand\",\"kind\":\"fire\"}"),
		       "kind", "unknown kind");
	expect_invalid(
	    http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"brand3\",\"name\":\"Brand\",\"kind\":\"rescue\",\"colour\":\"red\"}"),
	    "colour", "unknown field");
	expect_invalid(http(&e, "POST", "/v1/organisations", admin,
			    "{\"slug\":\"brand4\",\"kind\":\"rescue\"}"),
		       "name", "missing name");
	expect_invalid(http(&e, "POST", "/v1/organisations", admin,
			    "{\"slug\":\"Brand 5\",\"name\":\"Brand\",\"kind\":\"rescue\"}"),
		       "slug", "bad slug");
	expect_invalid(
	    http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"brand6\",\"name\":\"Brand\",\"kind\":\"rescue\",\"party\":\"yes\"}"),
	    "party", "party not a boolean");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), 5,
		     "refused organisations were stored");

	r = http(&e, "GET", "/v1/organisations/no-such-org", admin, NULL);
	cr_expect_eq(r->status, 404, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "not_found");
}

Test(directory, users_get_a_generated_password_shown_once)
{
	const char *admin = admin_token(&e);
	struct resp *r = http(&e, "POST", "/v1/users", admin,
			      "{\"username\":\"anna.berg\",\"display_name\":\"Anna Berg\","
			      "\"organisation\":\"sollentuna\"}");
	const char *pw = resp_str(r, "password");
	const char *loc = resp_header(r, "Location");

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(loc ? loc : "", "/v1/users/anna.berg");
	cr_assert(pw && strlen(pw) >= 12, "no generated password in %s", r->body);
	cr_expect_str_eq(resp_str(r, "organisation"), "sollentuna");
	cr_expect(json_is_true(resp_get(r, "active")), "not active: %s", r->body);
	cr_expect(json_is_false(resp_get(r, "admin")), "admin: %s", r->body);
	pw = strf(&e, "%s", pw);

	/* Shown once: reading the user again does not show it. */
	r = http(&e, "GET", "/v1/users/anna.berg", admin, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(!resp_get(r, "password"), "the password is shown again: %s", r->body);
	cr_expect(!strstr(r->body, pw), "the password is shown again: %s", r->body);
	expect_etag("/v1/users/anna.berg", admin);
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.users WHERE username = 'anna.berg' "
		      "AND password_hash LIKE '$argon2id$%' AND strpos(password_hash, $1) = 0",
		      pw),
	    1, "the password is not stored as an Argon2id hash");

	/* And it works. */
	cr_expect_eq(http(&e, "POST", "/v1/sessions", NULL,
			  jsonf(&e, "{s:s, s:s}", "username", "anna.berg", "password", pw))
			 ->status,
		     201, "the generated password does not log in");

	r = http(&e, "POST", "/v1/users", admin,
		 "{\"username\":\"anna.berg\",\"display_name\":\"Anna "
		 "B\",\"organisation\":\"sigtuna\"}");
	cr_expect_eq(r->status, 409, "duplicate username: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "conflict");
	expect_invalid(
	    http(&e, "POST", "/v1/users", admin,
		 "{\"username\":\"bo\",\"display_name\":\"Bo\",\"organisation\":\"atlantis\"}"),
	    "organisation", "unknown organisation");
	expect_invalid(http(&e, "POST", "/v1/users", admin,
			    "{\"username\":\"Anna "
			    "Berg\",\"display_name\":\"Anna\",\"organisation\":\"sigtuna\"}"),
		       "username", "bad username");
	expect_invalid(
	    http(&e, "POST", "/v1/users", admin,
		 "{\"username\":\"bo.ek\",\"display_name\":\"Bo\",\"organisation\":\"sigtuna\","
		 "\"password\":\"kort\"}"),
	    "password", "short password");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users"), 2,
		     "refused users were stored");

	/* A given password is not echoed, and works. */
	r = http(&e, "POST", "/v1/users", admin,
		 "{\"username\":\"bo.ek\",\"display_name\":\"Bo Ek\",\"organisation\":\"sigtuna\","
		 "\"password\":\"a long enough password\"}");
	cr_expect_eq(r->status, 201, "%s", resp_why(r));
	cr_expect(!resp_get(r, "password"), "a given password is echoed: %s", r->body);
	login(&e, "bo.ek", "a long enough password");

	r = http(&e, "GET", "/v1/users?organisation=sigtuna", admin, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.username"), "bo.ek");
}

Test(directory, groups_are_validated_by_tier)
{
	const char *admin = admin_token(&e);
	struct resp *r;

	expect_invalid(
	    http(&e, "POST", "/v1/groups", admin,
		 "{\"slug\":\"est-extra\",\"name\":\"EST extra\",\"tier\":\"arbetsgrupp\"}"),
	    "municipality", "arbetsgrupp without municipality");
	expect_invalid(
	    http(&e, "POST", "/v1/groups", admin,
		 "{\"slug\":\"est-extra\",\"name\":\"EST extra\",\"tier\":\"arbetsgrupp\","
		 "\"municipality\":\"polisen\"}"),
	    "municipality", "arbetsgrupp for a non-municipality");
	expect_invalid(http(&e, "POST", "/v1/groups", admin,
			    "{\"slug\":\"styr-2\",\"name\":\"Styr 2\",\"tier\":\"styrgrupp\","
			    "\"municipality\":\"sigtuna\"}"),
		       "municipality", "styrgrupp with municipality");
	expect_invalid(http(&e, "POST", "/v1/groups", admin,
			    "{\"slug\":\"grp\",\"name\":\"Grp\",\"tier\":\"ledningsgrupp\"}"),
		       "tier", "unknown tier");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.groups"), 5,
		     "refused groups were stored");

	r = http(&e, "POST", "/v1/groups", admin,
		 "{\"slug\":\"est-marsta\",\"name\":\"EST Märsta\",\"tier\":\"arbetsgrupp\","
		 "\"municipality\":\"sigtuna\"}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location") ? resp_header(r, "Location") : "",
			 "/v1/groups/est-marsta");
	cr_expect_str_eq(resp_str(r, "tier"), "arbetsgrupp");
	cr_expect_str_eq(resp_str(r, "municipality"), "sigtuna");

	r = http(&e, "POST", "/v1/groups", admin,
		 "{\"slug\":\"beredning-2\",\"name\":\"Beredning 2\",\"tier\":\"beredningsgrupp\","
		 "\"municipality\":null}");
	cr_expect_eq(r->status, 201, "%s", resp_why(r));
	cr_expect(json_is_null(resp_get(r, "municipality")), "%s", r->body);

	r = http(&e, "POST", "/v1/groups", admin,
		 "{\"slug\":\"est-sigtuna\",\"name\":\"Again\",\"tier\":\"arbetsgrupp\","
		 "\"municipality\":\"sigtuna\"}");
	cr_expect_eq(r->status, 409, "duplicate group: %s", resp_why(r));

	r = http(&e, "GET", "/v1/groups/est-sigtuna", admin, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "municipality"), "sigtuna");
	expect_etag("/v1/groups/est-sigtuna", admin);
	cr_expect_eq(http(&e, "GET", "/v1/groups/no-such-group", admin, NULL)->status, 404);
}

/* Walks a list with ?limit=2, checking order and the cursor; returns the count. */
static size_t walk(const char *base, const char *key, const char *tok)
{
	char last[128] = "";
	const char *cursor = NULL;
	size_t total = 0, pages = 0;

	do {
		struct resp *r = http(&e, "GET",
				      cursor ? strf(&e, "%s?limit=2&cursor=%s", base, cursor)
					     : strf(&e, "%s?limit=2", base),
				      tok, NULL);
		json_t *items = resp_get(r, "items"), *it, *next;
		size_t i;

		cr_assert_eq(r->status, 200, "GET %s page %zu: %s", base, pages + 1, resp_why(r));
		cr_assert(json_is_array(items), "no items: %s", r->body);
		cr_expect(json_array_size(items) <= 2, "more than the limit: %s", r->body);
		json_array_foreach (items, i, it) {
			const char *k = json_string_value(json_object_get(it, key));
			cr_assert(k, "an item without %s: %s", key, r->body);
			cr_expect(strcmp(last, k) < 0, "%s: %s after %s (order or repeat)", base, k,
				  last);
			snprintf(last, sizeof last, "%s", k);
			total++;
		}
		next = resp_get(r, "next_cursor");
		cr_assert(next, "no next_cursor member: %s", r->body);
		cursor = json_is_null(next) ? NULL : strf(&e, "%s", json_string_value(next));
		cr_assert(!cursor || json_array_size(items) == 2, "a cursor after a short page");
		cr_assert(++pages < 50, "the cursor does not end");
	} while (cursor);
	return total;
}

Test(directory, lists_paginate_with_limit_and_cursor)
{
	const char *admin = admin_token(&e);
	static const char *const slugs[] = { "a-forening", "m-bostader", "z-vaktbolag" };
	struct resp *r;

	for (size_t i = 0; i < 3; i++) {
		r = http(&e, "POST", "/v1/organisations", admin,
			 jsonf(&e, "{s:s, s:s, s:s}", "slug", slugs[i], "name", slugs[i], "kind",
			       "other"));
		cr_assert_eq(r->status, 201, "%s", resp_why(r));
		user_create(&e, strf(&e, "user%zu", i), slugs[i]);
	}
	cr_expect_eq(walk("/v1/organisations", "slug", admin), 7);
	cr_expect_eq(walk("/v1/users", "username", admin), 4);
	cr_expect_eq(walk("/v1/groups", "slug", admin), 5);

	r = http(&e, "GET", "/v1/organisations", admin, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 7, "the default limit is 50: %s",
		     r->body);
	cr_expect(json_is_null(resp_get(r, "next_cursor")), "%s", r->body);
	r = http(&e, "GET", "/v1/organisations?limit=500", admin, NULL);
	cr_expect_eq(r->status, 200, "limit=500: %s", resp_why(r));
	expect_invalid(http(&e, "GET", "/v1/organisations?limit=0", admin, NULL), "limit",
		       "limit=0");
	expect_invalid(http(&e, "GET", "/v1/organisations?limit=501", admin, NULL), "limit",
		       "limit=501");
	expect_invalid(http(&e, "GET", "/v1/users?limit=ten", admin, NULL), "limit", "limit=ten");
}

Test(directory, memberships_are_put_then_updated_and_deleted)
{
	const char *admin = admin_token(&e);
	const char *path = "/v1/groups/est-sigtuna/members/olle.holm";
	struct resp *r;
	json_t *it;
	size_t i;
	bool found = false;

	user_create(&e, "olle.holm", "sigtuna");
	r = http(&e, "PUT", path, admin, "{\"role\":\"member\"}");
	cr_assert_eq(r->status, 201, "first PUT: %s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location") ? resp_header(r, "Location") : "", path);
	cr_expect_str_eq(resp_str(r, "group"), "est-sigtuna");
	cr_expect_str_eq(resp_str(r, "username"), "olle.holm");
	cr_expect_str_eq(resp_str(r, "role"), "member");
	cr_expect(json_is_true(resp_get(r, "live")), "%s", r->body);

	r = http(&e, "PUT", path, admin, "{\"role\":\"member\"}");
	cr_expect_eq(r->status, 200, "the same PUT again: %s", resp_why(r));
	r = http(&e, "PUT", path, admin, "{\"role\":\"chair\",\"until\":\"2099-12-31\"}");
	cr_expect_eq(r->status, 200, "changing the role: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "role"), "chair");
	cr_expect_str_eq(resp_str(r, "until"), "2099-12-31");

	r = http(&e, "GET", "/v1/groups/est-sigtuna/members", admin, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	json_array_foreach (resp_get(r, "items"), i, it) {
		if (strcmp(json_string_value(json_object_get(it, "username")), "olle.holm") == 0) {
			found = true;
			cr_expect_str_eq(json_string_value(json_object_get(it, "role")), "chair");
		}
	}
	cr_expect(found, "the member is not listed: %s", r->body);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships"), 1);

	r = http(&e, "PUT", "/v1/groups/no-such-group/members/olle.holm", admin,
		 "{\"role\":\"member\"}");
	cr_expect_eq(r->status, 404, "unknown group: %s", resp_why(r));
	r = http(&e, "PUT", "/v1/groups/est-sigtuna/members/no.such.user", admin,
		 "{\"role\":\"member\"}");
	cr_expect_eq(r->status, 404, "unknown user: %s", resp_why(r));
	expect_invalid(http(&e, "PUT", path, admin, "{\"role\":\"boss\"}"), "role", "unknown role");
	expect_invalid(
	    http(&e, "PUT", path, admin, "{\"role\":\"member\",\"until\":\"2025-13-01\"}"), "until",
	    "bad date");

	r = http(&e, "DELETE", path, admin, NULL);
	cr_expect_eq(r->status, 204, "%s", resp_why(r));
	r = http(&e, "DELETE", path, admin, NULL);
	cr_expect_eq(r->status, 404, "deleting again: %s", resp_why(r));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships"), 0);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE entity = 'membership' "
				   "AND entity_id = 'est-sigtuna/olle.holm'"),
		     3,
		     "two PUTs that change something and one DELETE leave three audit rows "
		     "(the same PUT again writes nothing)");
}

Test(directory, decision_makers_only_in_the_styrgrupp_and_for_parties)
{
	const char *admin = admin_token(&e);
	struct resp *r;

	r = http(&e, "POST", "/v1/organisations", admin,
		 "{\"slug\":\"sigtunahem\",\"name\":\"Sigtunahem\",\"kind\":\"housing\",\"party\":"
		 "false}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	user_create(&e, "hyra.vard", "sigtunahem");
	user_create(&e, "karin.chef", "sollentuna");

	expect_invalid(http(&e, "PUT", "/v1/groups/beredningsgrupp/members/karin.chef", admin,
			    "{\"role\":\"decision_maker\"}"),
		       "role", "decision_maker in the beredningsgrupp");
	expect_invalid(http(&e, "PUT", "/v1/groups/est-sollentuna/members/karin.chef", admin,
			    "{\"role\":\"decision_maker\"}"),
		       "role", "decision_maker in an arbetsgrupp");
	expect_invalid(http(&e, "PUT", "/v1/groups/styrgrupp/members/hyra.vard", admin,
			    "{\"role\":\"decision_maker\"}"),
		       "role", "decision_maker of a non-party organisation");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.memberships"), 0,
		     "refused memberships were stored");

	r = http(&e, "PUT", "/v1/groups/styrgrupp/members/karin.chef", admin,
		 "{\"role\":\"decision_maker\"}");
	cr_expect_eq(r->status, 201, "a party's decision_maker in the styrgrupp: %s", resp_why(r));
	/* A non-party user may sit in the styrgrupp without deciding. */
	r = http(&e, "PUT", "/v1/groups/styrgrupp/members/hyra.vard", admin,
		 "{\"role\":\"member\"}");
	cr_expect_eq(r->status, 201, "%s", resp_why(r));
}

static bool has_action(const struct resp *r, const char *action)
{
	json_t *it;
	size_t i;

	json_array_foreach (resp_get(r, "actions"), i, it)
		if (strcmp(json_string_value(it), action) == 0)
			return true;
	return false;
}

Test(directory, me_shows_the_tier_of_live_memberships_and_the_actions)
{
	const char *admin = admin_token(&e);
	const char *yesterday = sql_value(&e, "SELECT (svk.today() - 1)::text");
	const char *today = sql_value(&e, "SELECT svk.today()::text");
	const char *pw = user_create(&e, "tove.tillfallig", "sigtuna");
	const char *tok;
	struct resp *r;

	/* An expired co-option gives no tier. */
	member_add(&e, "beredningsgrupp", "tove.tillfallig", "member", yesterday);
	tok = login(&e, "tove.tillfallig", pw);
	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(json_is_null(resp_get(r, "tier")), "an expired membership gives a tier: %s",
		  r->body);
	cr_expect_eq(json_array_size(resp_get(r, "memberships")), 0, "%s", r->body);
	cr_expect(!has_action(r, "read_shared"), "%s", r->body);
	cr_expect_eq(http(&e, "GET", "/v1/organisations", tok, NULL)->status, 403,
		     "an expired member reads the directory");
	cr_expect(json_is_false(json_path(
		      http(&e, "GET", "/v1/groups/beredningsgrupp/members", admin, NULL)->json,
		      "items.0.live")),
		  "an expired membership is listed as live");

	/* Until today: still live today. */
	member_add(&e, "beredningsgrupp", "tove.tillfallig", "member", today);
	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect_str_eq(resp_str(r, "tier") ? resp_str(r, "tier") : "null", "beredningsgrupp");
	cr_expect_str_eq(resp_str(r, "memberships.0.until"), today);
	cr_expect(has_action(r, "edit_proposals"), "%s", r->body);
	cr_expect(!has_action(r, "coopt_member"), "%s", r->body);
	cr_expect(!has_action(r, "decide"), "%s", r->body);

	tok = user_in_group(&e, "stig.est", "sigtuna", "est-sigtuna", "member");
	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect_str_eq(resp_str(r, "tier") ? resp_str(r, "tier") : "null", "arbetsgrupp");
	cr_expect_str_eq(resp_str(r, "organisation.slug"), "sigtuna");
	cr_expect_str_eq(resp_str(r, "memberships.0.group"), "est-sigtuna");
	cr_expect_str_eq(resp_str(r, "memberships.0.role"), "member");
	cr_expect(json_is_false(resp_get(r, "admin")), "%s", r->body);
	cr_expect(has_action(r, "read_shared"), "%s", r->body);
	cr_expect(has_action(r, "report_incident"), "%s", r->body);
	cr_expect(!has_action(r, "edit_proposals"), "%s", r->body);
	cr_expect(!has_action(r, "admin"), "%s", r->body);

	tok = user_in_group(&e, "sara.styr", "polisen", "styrgrupp", "decision_maker");
	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect_str_eq(resp_str(r, "tier") ? resp_str(r, "tier") : "null", "styrgrupp");
	cr_expect(has_action(r, "decide"), "%s", r->body);
	cr_expect(has_action(r, "read_audit"), "%s", r->body);
	cr_expect(has_action(r, "edit_proposals"), "%s", r->body);
	cr_expect(!has_action(r, "admin"), "%s", r->body);

	r = http(&e, "GET", "/v1/me", admin, NULL);
	cr_expect(json_is_true(resp_get(r, "admin")), "%s", r->body);
	cr_expect(json_is_null(resp_get(r, "tier")), "%s", r->body);
	cr_expect(has_action(r, "admin"), "%s", r->body);
	cr_expect(has_action(r, "coopt_member"), "%s", r->body);
	cr_expect(!has_action(r, "decide"), "the admin right includes deciding: %s", r->body);
}
