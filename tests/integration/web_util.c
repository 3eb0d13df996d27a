/*
 * The web suites' browser-side helpers; see web_util.h.
 */
#include "web_util.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *web_cookie(struct env *e, const char *tok)
{
	return strf(e, "Cookie: svk_session=%s", tok);
}

struct resp *web_get(struct env *e, const char *tok, const char *path)
{
	return http_send(
	    e, &(struct http_req){ .path = path,
				   .headers = { tok ? web_cookie(e, tok) : NULL, NULL } });
}

bool web_has(const struct resp *r, const char *s)
{
	return r->body && strstr(r->body, s);
}

int web_count(const char *body, const char *s)
{
	int n = 0;

	for (const char *p = body ? strstr(body, s) : NULL; p; p = strstr(p + 1, s))
		n++;
	return n;
}

const char *web_hidden(struct env *e, const struct resp *r, const char *field)
{
	const char *want = strf(e, "name=\"%s\" value=\"", field);
	const char *p = r->body ? strstr(r->body, want) : NULL;

	cr_assert(p, "no %s on the page: %s", field, resp_why(r));
	p += strlen(want);
	return strf(e, "%.*s", (int)strcspn(p, "\""), p);
}

const char *web_csrf(struct env *e, const char *tok)
{
	return web_hidden(e, web_get(e, tok, "/"), "csrf");
}

const char *web_enc(struct env *e, const char *s)
{
	char *c = curl_easy_escape(NULL, s, 0);
	const char *out;

	cr_assert(c, "cannot encode %s", s);
	out = strf(e, "%s", c);
	curl_free(c);
	return out;
}

struct resp *web_post(struct env *e, const char *tok, const char *path, const char *ct,
		      const char *body, const char *header)
{
	const char *h0 = tok ? web_cookie(e, tok) : header, *h1 = tok ? header : NULL;

	return http_send(e, &(struct http_req){ .method = "POST",
						.path = path,
						.body = body,
						.content_type = ct ? ct : WEB_FORM,
						.headers = { h0, h1, NULL } });
}

/* Screenshots are for a person to look at, on request (SVK_SCREENSHOTS=1
 * ./tests/run -R web): a full-page shot at two widths costs more than the
 * checks of its page. The sanitized build never takes them. */
static bool want_shots(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return false;
#else
	const char *v = getenv("SVK_SCREENSHOTS");

	return v && strcmp(v, "1") == 0;
#endif
}

void web_browser_run(struct env *e, const char *script, const char *const *extra)
{
	const char *modules = strf(e, "%s/tests/web/node_modules/playwright-core",
				   harness_top_dir());
	const char *const argv[] = { "/usr/bin/node",
				     strf(e, "%s/tests/web/%s", harness_top_dir(), script), NULL };
	const char *envset[24] = {
		strf(e, "SVK_WEB_URL=%s", e->base_url),
		strf(e, "SVK_WEB_CA=%s", e->cacert),
		want_shots() ? strf(e, "SVK_WEB_SHOTS=%s/web-screenshots", harness_build_dir())
			     : "SVK_WEB_SHOTS=-",
	};
	size_t n = 3;
	struct proc *p;

	cr_assert(access(modules, R_OK) == 0,
		  "%s is missing: run deploy/install-deps --test (npm ci in tests/web)", modules);
	for (; extra && *extra; extra++) {
		cr_assert(n + 1 < sizeof envset / sizeof envset[0], "too many settings for %s",
			  script);
		envset[n++] = *extra;
	}
	envset[n] = NULL;
	p = proc_run(e, argv, envset, NULL, 200000);
	printf("%s", p->out ? p->out : "");
	cr_assert_eq(p->status, 0, "tests/web/%s failed (%d):\n%s\n%s", script, p->status,
		     p->out ? p->out : "", p->err ? p->err : "");
}
