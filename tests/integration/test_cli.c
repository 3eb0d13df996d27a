/*
 * The command-line client (SPEC §8) against the real daemon, as a newcomer
 * uses it: the admin logs in from a script, creates a colleague and puts
 * her in her municipality's EST group; she logs in and meets a refusal.
 * Then the output formats and every exit code a script relies on.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct env e;

ENV_SHARED_INIT(start, e, &(struct env_opts){ .need_cli = true })
ENV_INIT(start_throttled, e, &(struct env_opts){ .need_cli = true, .login_max_failures = 2 })
ENV_FINI(stop, e)

TestSuite(cli, .fini = stop, .timeout = 120);

static const char *show(const struct proc *p)
{
	return strf(&e, "exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s", p->status, p->out,
		    p->err);
}

#define expect_exit(p, code, what) cr_expect_eq((p)->status, (code), "%s: %s", (what), show(p))

/* One line a person can act on: non-empty, a single line. */
static void expect_one_line_error(const struct proc *p, const char *what)
{
	const char *nl = strchr(p->err, '\n');

	cr_expect(p->err[0], "%s: nothing on stderr", what);
	cr_expect(!nl || nl[1] == '\0', "%s: more than one line on stderr: %s", what, p->err);
}

/* The JSON a command printed on stdout. */
static json_t *stdout_json(const struct proc *p)
{
	json_t *v = json_loads(p->out, JSON_DECODE_ANY, NULL);

	cr_assert(v, "stdout is not JSON: %s", show(p));
	return env_keep(&e, v, (void (*)(void *))json_decref);
}

static void admin_login(const char *home)
{
	struct proc *p = cli(&e, home, e.admin_password, "login", "--username", "admin",
			     "--password-stdin");

	cr_assert_eq(p->status, 0, "admin login: %s", show(p));
}

Test(cli, a_newcomer_sets_up_a_colleague, .init = start)
{
	struct proc *p;
	json_t *v;
	const char *pw, *creds;
	struct stat st;

	admin_login("admin");
	creds = strf(&e, "%s/samverkan/credentials", cli_home_dir(&e, "admin"));
	cr_assert_eq(stat(creds, &st), 0, "login kept no credentials file %s", creds);
	cr_expect_eq(st.st_mode & 0777, 0600, "the credentials file is mode %o", st.st_mode & 0777);

	p = cli(&e, "admin", NULL, "--output", "json", "users", "create", "anna.berg", "--name",
		"Anna Berg", "--organisation", "sigtuna");
	cr_assert_eq(p->status, 0, "users create: %s", show(p));
	v = stdout_json(p);
	cr_expect_str_eq(json_string_value(json_object_get(v, "username")), "anna.berg");
	pw = json_string_value(json_object_get(v, "password"));
	cr_assert(pw, "the generated password was not printed: %s", show(p));
	pw = strf(&e, "%s", pw);

	p = cli(&e, "admin", NULL, "groups", "add-member", "est-sigtuna", "anna.berg");
	expect_exit(p, 0, "groups add-member");
	cr_expect_eq(
	    sql_count(
		&e,
		"SELECT count(*) FROM svk.memberships m "
		"JOIN svk.users u ON u.id = m.user_id JOIN svk.groups g ON g.id = m.group_id "
		"WHERE u.username = 'anna.berg' AND g.slug = 'est-sigtuna' AND m.role = 'member'"),
	    1, "the membership is not stored");

	p = cli(&e, "anna", pw, "login", "--username", "anna.berg", "--password-stdin");
	expect_exit(p, 0, "anna's login");
	p = cli(&e, "anna", NULL, "whoami");
	expect_exit(p, 0, "whoami");
	cr_expect(strstr(p->out, "anna.berg"), "whoami does not name the user: %s", show(p));
	cr_expect(strstr(p->out, "arbetsgrupp"), "whoami does not show the tier: %s", show(p));
	p = cli(&e, "anna", NULL, "orgs", "list");
	expect_exit(p, 0, "anna lists organisations");
	cr_expect(strstr(p->out, "sigtuna"), "%s", show(p));

	p = cli(&e, "anna", NULL, "orgs", "create", "--slug", "anna-org", "--name", "Annas",
		"--kind", "other");
	expect_exit(p, 3, "a non-admin creating an organisation");
	expect_one_line_error(p, "the refusal");
	cr_expect(strstr(p->err, "admin"), "the refusal does not say what is missing: %s", show(p));
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.organisations WHERE slug = 'anna-org'"), 0);

	/* The admin's session is the admin's: two homes, two users. */
	p = cli(&e, "admin", NULL, "whoami");
	cr_expect(strstr(p->out, "admin"), "%s", show(p));

	p = cli(&e, "anna", NULL, "logout");
	expect_exit(p, 0, "logout");
	p = cli(&e, "anna", NULL, "whoami");
	expect_exit(p, 3, "whoami after logout");
}

/* `users create` as the README shows it; returns the printed password. */
static const char *cli_user_create(const char *username, const char *org)
{
	struct proc *p = cli(&e, "admin", NULL, "-o", "json", "users", "create", username, "--name",
			     strf(&e, "Test %s", username), "--organisation", org);
	const char *pw;

	cr_assert_eq(p->status, 0, "users create %s: %s", username, show(p));
	pw = json_string_value(json_object_get(stdout_json(p), "password"));
	cr_assert(pw, "no password printed: %s", show(p));
	return strf(&e, "%s", pw);
}

Test(cli, a_chair_co_opts_and_an_admin_disables, .init = start)
{
	const char *until = agreement_in_force(&e, 30);
	const char *pw_chair, *pw_bo;
	struct proc *p;

	admin_login("admin");
	p = cli(&e, "admin", NULL, "orgs", "create", "--slug", "sigtunahem", "--name", "Sigtunahem",
		"--kind", "housing", "--no-party");
	expect_exit(p, 0, "orgs create");
	pw_chair = cli_user_create("cecilia.ordf", "sollentuna");
	pw_bo = cli_user_create("bo.bostad", "sigtunahem");
	p = cli(&e, "admin", NULL, "groups", "add-member", "beredningsgrupp", "cecilia.ordf",
		"--role", "chair");
	expect_exit(p, 0, "appointing the chair");

	p = cli(&e, "chair", pw_chair, "login", "--username", "cecilia.ordf", "--password-stdin");
	expect_exit(p, 0, "the chair's login");
	p = cli(&e, "chair", NULL, "groups", "add-member", "est-sigtuna", "bo.bostad", "--until",
		until);
	expect_exit(p, 0, "the chair co-opts into est-sigtuna");
	p = cli(&e, "chair", NULL, "groups", "add-member", "est-sigtuna", "bo.bostad");
	expect_exit(p, 6, "the chair makes the co-option permanent");
	expect_one_line_error(p, "the missing until");
	p = cli(&e, "chair", NULL, "groups", "add-member", "styrgrupp", "bo.bostad");
	expect_exit(p, 3, "the chair co-opts into the styrgrupp");
	expect_one_line_error(p, "the refusal");
	p = cli(&e, "chair", NULL, "groups", "add-member", "est-sigtuna", "bo.bostad", "--role",
		"chair");
	expect_exit(p, 3, "the chair appoints a chair");
	p = cli(&e, "chair", NULL, "groups", "members", "est-sigtuna");
	expect_exit(p, 0, "groups members");
	cr_expect(strstr(p->out, "bo.bostad") && strstr(p->out, until),
		  "the co-opted member and the end date are not listed: %s", show(p));

	p = cli(&e, "bo", pw_bo, "login", "--username", "bo.bostad", "--password-stdin");
	expect_exit(p, 0, "the co-opted member's login");
	p = cli(&e, "bo", NULL, "whoami");
	expect_exit(p, 0, "whoami");
	p = cli(&e, "admin", NULL, "users", "disable", "bo.bostad");
	expect_exit(p, 0, "users disable");
	p = cli(&e, "bo", NULL, "whoami");
	expect_exit(p, 3, "a disabled user's stored session");
}

Test(cli, json_output_is_json, .init = start)
{
	struct proc *p;
	json_t *v, *items, *it;
	size_t i, n = 0;

	admin_login(NULL);
	p = cli(&e, NULL, NULL, "--output", "json", "orgs", "list");
	cr_assert_eq(p->status, 0, "%s", show(p));
	v = stdout_json(p);
	items = json_is_array(v) ? v : json_object_get(v, "items");
	cr_assert(json_is_array(items), "not a list: %s", show(p));
	json_array_foreach (items, i, it)
		if (json_is_string(json_object_get(it, "slug")))
			n++;
	cr_expect_eq(n, 4, "not the four seeded organisations: %s", show(p));

	/* The global option after the command, too. */
	p = cli(&e, NULL, NULL, "orgs", "show", "upplands-vasby", "-o", "json");
	cr_assert_eq(p->status, 0, "%s", show(p));
	v = stdout_json(p);
	cr_expect_str_eq(json_string_value(json_object_get(v, "name")), "Upplands Väsby kommun");

	/* Without a terminal, json is the default. */
	p = cli(&e, NULL, NULL, "groups", "show", "est-sigtuna");
	cr_assert_eq(p->status, 0, "%s", show(p));
	v = stdout_json(p);
	cr_expect_str_eq(json_string_value(json_object_get(v, "municipality")), "sigtuna");

	/* An error prints the problem document. */
	p = cli(&e, NULL, NULL, "--output", "json", "orgs", "show", "no-such-org");
	expect_exit(p, 4, "orgs show of a missing organisation");
	v = json_loads(p->out[0] ? p->out : p->err, 0, NULL);
	cr_expect(v, "--output json printed no problem document: %s", show(p));
	cr_expect_str_eq(json_string_value(json_object_get(v, "code")), "not_found", "%s", show(p));
	json_decref(v);
}

Test(cli, exit_codes_tell_scripts_what_happened, .init = start)
{
	struct proc *p;
	int port_fd, port;

	admin_login(NULL);
	p = cli(&e, NULL, NULL, "orgs", "show", "no-such-org");
	expect_exit(p, 4, "not found");
	expect_one_line_error(p, "not found");

	p = cli(&e, NULL, NULL, "orgs", "create", "--slug", "jouren", "--name",
		"Jouren 811218-9876", "--kind", "other");
	expect_exit(p, 6, "a personnummer in a name");
	cr_expect(strstr(p->err, "name"), "the error does not name the field: %s", show(p));
	p = cli(&e, NULL, NULL, "groups", "create", "--slug", "est-x", "--name", "EST X", "--tier",
		"arbetsgrupp");
	expect_exit(p, 6, "an arbetsgrupp without municipality");

	p = cli(&e, NULL, NULL, "orgs", "create", "--slug", "sigtuna", "--name", "Sigtuna igen",
		"--kind", "municipality");
	expect_exit(p, 5, "a duplicate slug");
	expect_one_line_error(p, "a duplicate slug");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), 4);

	p = cli(&e, NULL, NULL, "orgs", "frobnicate");
	expect_exit(p, 2, "an unknown verb");
	p = cli(&e, NULL, NULL, "orgs", "list", "--no-such-option");
	expect_exit(p, 2, "an unknown option");

	p = cli(&e, "wrong", "not the password", "login", "--username", "admin",
		"--password-stdin");
	expect_exit(p, 3, "a wrong password");
	p = cli(&e, "nobody", NULL, "orgs", "list");
	expect_exit(p, 3, "no login at all");

	/* Nothing listens on a reserved port: the server is unreachable. */
	port_fd = harness_reserve_port(&port);
	p = cli_v(
	    &e,
	    &(struct cli_opts){ .home = "unreachable",
				.env = { strf(&e, "SAMVERKAN_SERVER=https://127.0.0.1:%d", port),
					 "SAMVERKAN_TOKEN=svk_"
					 "0000000000000000000000000000000000000000000000000" } },
	    (const char *const[]){ "orgs", "list", NULL });
	expect_exit(p, 75, "an unreachable server");
	expect_one_line_error(p, "an unreachable server");
	p = cli_v(
	    &e,
	    &(struct cli_opts){
		.home = "unreachable",
		.in = "some password",
		.env = { strf(&e, "SAMVERKAN_SERVER=https://127.0.0.1:%d", port) } },
	    (const char *const[]){ "login", "--username", "admin", "--password-stdin", NULL });
	expect_exit(p, 75, "login to an unreachable server");
	close(port_fd);
}

Test(cli, a_throttled_login_is_temporary, .init = start_throttled)
{
	struct proc *p;

	for (int i = 0; i < 2; i++) {
		p = cli(&e, NULL, "not the password", "login", "--username", "admin",
			"--password-stdin");
		expect_exit(p, 3, "a wrong password");
	}
	p = cli(&e, NULL, e.admin_password, "login", "--username", "admin", "--password-stdin");
	expect_exit(p, 75, "a throttled login (429)");
}

Test(cli, a_script_token_works_from_the_environment, .init = start)
{
	struct proc *p;
	json_t *v;
	const char *tok;

	admin_login(NULL);
	p = cli(&e, NULL, NULL, "-o", "json", "tokens", "create", "--name", "nightly import",
		"--expires-in-days", "30");
	cr_assert_eq(p->status, 0, "%s", show(p));
	v = stdout_json(p);
	tok = json_string_value(json_object_get(v, "token"));
	cr_assert(tok && strncmp(tok, "svk_", 4) == 0, "no token printed: %s", show(p));

	p = cli_v(
	    &e,
	    &(struct cli_opts){ .home = "cron", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", tok) } },
	    (const char *const[]){ "whoami", NULL });
	expect_exit(p, 0, "whoami with SAMVERKAN_TOKEN");
	cr_expect(strstr(p->out, "admin"), "%s", show(p));

	p = cli(&e, NULL, NULL, "tokens", "create", "--name", "forever");
	expect_exit(p, 2, "a token without an expiry");
	p = cli(&e, NULL, NULL, "tokens", "create", "--name", "too long", "--expires-in-days",
		"367");
	cr_expect(p->status == 6 || p->status == 2, "a token for 367 days: %s", show(p));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE kind = 'script'"), 1);
}

/* The CLI as the user whose token this is. */
#define cli_as(tok_, ...)                                                                          \
	cli_v(                                                                                     \
	    &e,                                                                                    \
	    &(struct cli_opts){ .home = "as", .env = { strf(&e, "SAMVERKAN_TOKEN=%s", (tok_)) } }, \
	    (const char *const[]){ __VA_ARGS__, NULL })

Test(cli, a_focus_area_is_given_by_its_ordinal, .init = start)
{
	const char *ber = user_in_group(&e, "bo.ber", "polisen", "beredningsgrupp", "member");
	const char *plan = seed_plan(&e, "sigtuna"), *iv, *prop;
	const char *area_of_iv = "SELECT focus_area_id::text FROM svk.interventions";
	const char *area_of_prop = "SELECT focus_area_id::text FROM svk.proposals";
	struct proc *p;

	p = cli_as(ber, "interventions", "add", plan, "--focus-area", "2", "--title",
		   "Nattvandring", "--cause", "Oro", "--action", "Vandra", "--goal", "Tio kvällar",
		   "--responsible", "sigtuna", "--role", "Samordnare", "--starts", "2025-01-01",
		   "--due", "2025-12-31");
	expect_exit(p, 0, "interventions add with focus area 2");
	cr_expect_str_eq(sql_value(&e, area_of_iv), seed_focus_area(&e, 2));
	iv = sql_value(&e, "SELECT id::text FROM svk.interventions");
	p = cli_as(ber, "interventions", "edit", iv, "--focus-area", "3");
	expect_exit(p, 0, "interventions edit to focus area 3");
	cr_expect_str_eq(sql_value(&e, area_of_iv), seed_focus_area(&e, 3));
	p = cli_as(ber, "interventions", "list", plan, "--focus-area", "3");
	expect_exit(p, 0, "interventions list of focus area 3");
	cr_expect(strstr(p->out, "Nattvandring"), "not listed: %s", show(p));
	p = cli_as(ber, "interventions", "add", plan, "--focus-area", "99", "--title", "Ingen",
		   "--cause", "Oro", "--action", "Vandra", "--goal", "Mål", "--responsible",
		   "sigtuna", "--role", "Samordnare", "--starts", "2025-01-01", "--due",
		   "2025-12-31");
	expect_exit(p, 4, "a focus area the agreement does not have");
	cr_expect(strstr(p->err, "no focus area 99"), "%s", show(p));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.interventions"), 1);

	p = cli_as(ber, "proposals", "create", "--kind", "follow_up", "--year", "2025", "--title",
		   "Uppföljning 2025", "--focus-area", "1");
	expect_exit(p, 0, "proposals create with focus area 1");
	cr_expect_str_eq(sql_value(&e, area_of_prop), seed_focus_area(&e, 1));
	prop = sql_value(&e, "SELECT id::text FROM svk.proposals");
	p = cli_as(ber, "proposals", "edit", prop, "--focus-area", "4");
	expect_exit(p, 0, "proposals edit to focus area 4");
	cr_expect_str_eq(sql_value(&e, area_of_prop), seed_focus_area(&e, 4));
}
