/*
 * What a command sends where: paths are percent-encoded, the stored token
 * goes only to the server it came from, SAMVERKAN_TOKEN overrides it, and
 * no token means exit 3 before any connection is made.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "creds.h"
#include "http.h"
#include "request.h"
#include "home.h"

struct path_case {
	char segment[32];
	char path[64];
};

ParameterizedTestParameters(request, path_escaping)
{
	static struct path_case cases[] = {
		{ "anna.larsson", "/v1/users/anna.larsson/password" },
		{ "est-sigtuna_2~", "/v1/users/est-sigtuna_2~/password" },
		{ "a b", "/v1/users/a%20b/password" },
		{ "../admin", "/v1/users/..%2Fadmin/password" },
		{ "x?y=1&z#", "/v1/users/x%3Fy%3D1%26z%23/password" },
		{ "väsby", "/v1/users/v%C3%A4sby/password" },
	};
	return cr_make_param_array(struct path_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct path_case *c, request, path_escaping, table_none, table_none)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(request_path(&sb, "/v1/users/{}/password", c->segment, NULL), 0);
	cr_assert_str_eq(sb.data, c->path);
	strbuf_cleanup(&sb);
}

Test(request, path_arguments_must_match)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(request_path(&sb, "/v1/groups/{}/members/{}", "g", "u", NULL), 0);
	cr_assert_str_eq(sb.data, "/v1/groups/g/members/u");
	strbuf_cleanup(&sb);
	strbuf_init(&sb, 0);
	cr_assert_eq(request_path(&sb, "/v1/groups/{}/members/{}", "g", NULL), -1);
	strbuf_cleanup(&sb);
	strbuf_init(&sb, 0);
	cr_assert_eq(request_path(&sb, "/v1/groups", "extra", NULL), -1);
	strbuf_cleanup(&sb);
}

/* Stores a login for server, as `login` would. */
static void stored_login(const char *server, const char *token)
{
	struct creds c = { (char *)server, (char *)token };
	struct strbuf err;
	char path[128];

	snprintf(path, sizeof path, "%s/samverkan/credentials", home_dir());
	strbuf_init(&err, 0);
	cr_assert_eq(creds_save(path, &c, &err), 0, "%s", err.data);
	strbuf_cleanup(&err);
}

/* request_prepare with --server flag (or NULL); stderr into *err_text. */
static int prepare(struct app *app, const char *flag_server, int need_token, char **err_text)
{
	struct strbuf err;
	size_t len = 0;
	int rc;

	app_init(app);
	app->out.err = open_memstream(err_text, &len);
	cr_assert_not_null(app->out.err);
	app->flags.server = flag_server;
	strbuf_init(&err, 0);
	cr_assert_eq(config_resolve(&app->flags, &app->settings, &err), 0);
	strbuf_cleanup(&err);
	rc = request_prepare(app, need_token);
	fclose(app->out.err);
	app->out.err = stderr;
	return rc;
}

Test(request, stored_token_for_its_server, .init = home_make, .fini = home_remove)
{
	struct app app;
	char *err = NULL;

	stored_login("https://svk.example:8443", "svk_stored");
	cr_assert_eq(prepare(&app, NULL, 1, &err), 0, "%s", err);
	cr_assert_str_eq(app.server, "https://svk.example:8443");
	cr_assert_str_eq(app.token, "svk_stored");
	app_cleanup(&app);
	free(err);
	/* The same server written differently is the same server. */
	cr_assert_eq(prepare(&app, "svk.example:8443/", 1, &err), 0, "%s", err);
	cr_assert_str_eq(app.token, "svk_stored");
	app_cleanup(&app);
	free(err);
}

Test(request, stored_token_not_sent_elsewhere, .init = home_make, .fini = home_remove)
{
	struct app app;
	char *err = NULL;

	stored_login("https://svk.example", "svk_stored");
	cr_assert_eq(prepare(&app, "https://evil.example", 1, &err), CLI_AUTH);
	cr_assert_null(app.token);
	cr_assert(strstr(err, "login") != NULL, "%s", err);
	app_cleanup(&app);
	free(err);
}

Test(request, env_token_overrides, .init = home_make, .fini = home_remove)
{
	struct app app;
	char *err = NULL;

	stored_login("https://svk.example", "svk_stored");
	cr_assert_eq(setenv("SAMVERKAN_TOKEN", "svk_from_env", 1), 0);
	cr_assert_eq(prepare(&app, NULL, 1, &err), 0, "%s", err);
	cr_assert_str_eq(app.token, "svk_from_env");
	app_cleanup(&app);
	free(err);
}

Test(request, no_token_is_exit_3, .init = home_make, .fini = home_remove)
{
	struct app app;
	char *err = NULL;

	cr_assert_eq(prepare(&app, "https://svk.example", 1, &err), CLI_AUTH);
	cr_assert_str_eq(err, "samverkan: not logged in to https://svk.example; "
			      "run 'samverkan login' (or set SAMVERKAN_TOKEN)\n");
	app_cleanup(&app);
	free(err);
}

Test(request, login_needs_no_token, .init = home_make, .fini = home_remove)
{
	struct app app;
	char *err = NULL;

	cr_assert_eq(prepare(&app, "https://svk.example", 0, &err), 0, "%s", err);
	cr_assert_null(app.token);
	app_cleanup(&app);
	free(err);
}

Test(request, no_server_is_a_usage_error, .init = home_make, .fini = home_remove)
{
	struct app app;
	char *err = NULL;

	cr_assert_eq(prepare(&app, NULL, 1, &err), CLI_USAGE);
	cr_assert(strstr(err, "--server") != NULL, "%s", err);
	app_cleanup(&app);
	free(err);
}
