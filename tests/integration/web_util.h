/*
 * What the web interface's suites share: asking for a page as a signed-in
 * browser does (the session cookie), reading a form's hidden fields (the
 * CSRF token), encoding a form's values and posting it. See web_util.c.
 */
#ifndef SVK_WEB_UTIL_H
#define SVK_WEB_UTIL_H

#include <stdbool.h>

#include "harness.h"

#define WEB_FORM "application/x-www-form-urlencoded"

/* A value planted in titles and names to show it comes back as text. */
#define WEB_XSS "<script>alert(1)</script> \"><img src=x onerror=alert(2)>"

/* The Cookie header of the session tok. */
const char *web_cookie(struct env *e, const char *tok);

/* GET path as the browser of session tok (NULL: signed out). */
struct resp *web_get(struct env *e, const char *tok, const char *path);

/* Whether the body of r contains s. */
bool web_has(const struct resp *r, const char *s);

/* How many times s occurs in body. */
int web_count(const char *body, const char *s);

/* The value of the hidden field name on the page r; fails the test if the
 * page has none. */
const char *web_hidden(struct env *e, const struct resp *r, const char *field);

/* The session's CSRF token, read off the Översikt page. */
const char *web_csrf(struct env *e, const char *tok);

/* s percent-encoded as a form value. */
const char *web_enc(struct env *e, const char *s);

/* POST body of content type ct (NULL: a form) to path as the browser of
 * session tok (NULL: no cookie), with one extra header (or NULL). */
struct resp *web_post(struct env *e, const char *tok, const char *path, const char *ct,
		      const char *body, const char *header);

/* Runs tests/web/script (node, playwright-core, Debian's chromium) against
 * the env's daemon with SVK_WEB_URL, SVK_WEB_CA and SVK_WEB_SHOTS (the
 * build tree's web-screenshots/; "-" in a sanitized build, where the
 * screenshots would only repeat the normal run's) and the NULL-terminated
 * extra "NAME=value" settings; prints its output and fails the test
 * unless every check passed. */
void web_browser_run(struct env *e, const char *script, const char *const *extra);

#endif
