/*
 * The web interface in a real browser: this test starts the daemon like
 * every integration test, makes an agreement whose title carries markup
 * and a plain member, and runs tests/web/web.mjs (headless chromium through
 * playwright-core, axe-core) against it. The script checks sign-in and
 * sign-out, the navigation per role, the cookie, the form tokens, the
 * security headers, throttling and accessibility, and writes screenshots
 * under the build tree's web-screenshots/.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct env e;
ENV_INIT(start, e, &(struct env_opts){ .login_max_failures = 3 })
ENV_FINI(stop, e)
TestSuite(web, .init = start, .fini = stop, .timeout = 240);

#define TITLE "<script>alert(1)</script> Avtal \"><img src=x onerror=alert(2)>"

Test(web, in_the_browser)
{
	const char *admin = admin_token(&e);
	const char *script = strf(&e, "%s/tests/web/web.mjs", harness_top_dir());
	const char *modules = strf(&e, "%s/tests/web/node_modules/playwright-core",
				   harness_top_dir());
	struct resp *r;

	cr_assert(access(modules, R_OK) == 0,
		  "%s is missing: run deploy/install-deps --test (npm ci in tests/web)", modules);
	r = http(&e, "POST", "/v1/agreements", admin,
		 jsonf(&e, "{s:s, s:s, s:[s,s], s:s, s:s}", "title", TITLE, "goal",
		       "Tryggare kommun", "parties", "polisen", "sigtuna", "valid_from",
		       "2025-01-01", "valid_to", "2028-12-31"));
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	const char *password = user_create(&e, "maja.medlem", "sigtuna");
	member_add(&e, "est-sigtuna", "maja.medlem", "member", NULL);

	const char *const argv[] = { "/usr/bin/node", script, NULL };
	const char *const envset[] = {
		strf(&e, "SVK_WEB_URL=%s", e.base_url),
		strf(&e, "SVK_WEB_CA=%s", e.cacert),
		strf(&e, "SVK_WEB_ADMIN_PASSWORD=%s", e.admin_password),
		"SVK_WEB_MEMBER=maja.medlem",
		strf(&e, "SVK_WEB_MEMBER_PASSWORD=%s", password),
		strf(&e, "SVK_WEB_SHOTS=%s/web-screenshots", harness_build_dir()),
		"SVK_WEB_TITLE=" TITLE,
		"SVK_WEB_MAX_FAILURES=3",
		NULL,
	};
	struct proc *p = proc_run(&e, argv, envset, NULL, 180000);

	printf("%s", p->out ? p->out : "");
	cr_assert_eq(p->status, 0, "tests/web/web.mjs failed (%d):\n%s\n%s", p->status,
		     p->out ? p->out : "", p->err ? p->err : "");
}
