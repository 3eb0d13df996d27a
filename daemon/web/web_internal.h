/*
 * The web interface's parts (web.c: dispatch, headers, cookies, CSRF;
 * pages.c: the pages; session.c: sign-in and sign-out; assets.c: the
 * embedded stylesheet and icon).
 */
#ifndef SVK_WEB_INTERNAL_H
#define SVK_WEB_INTERNAL_H

#include <stdbool.h>

#include "auth.h"
#include "html.h"

struct req;
struct actor;
struct db_result;

#define WEB_COOKIE "svk_session"

/* ---- web.c ---------------------------------------------------------------- */

/* Sends the page (status, text/html) and frees h. */
void web_send(struct req *r, int status, struct html *h);
/* 303 See Other to location. */
void web_redirect(struct req *r, const char *location);
/* The value of cookie name, or NULL; written into out. */
const char *web_cookie(struct req *r, const char *name, char *out, size_t outlen);
/* The form token of a session token (hex, 64 characters). */
void web_csrf_of(const char *token, char out[65]);
/* False (after a 403 page) when a POST comes from another origin. */
bool web_same_origin(struct req *r);
/* The navigation bar of the signed-in actor, current marked. */
void web_nav(struct html *h, struct req *r, const char *current);
/* Authenticates the session cookie (the token into r->web.token), then
 * calls done; without a live session, to the sign-in page. */
void web_authenticate(struct req *r, auth_done_cb done);
/* A simple page with a heading and a paragraph, for errors. */
void web_message(struct req *r, int status, const char *title, const char *text);

/* ---- pages.c --------------------------------------------------------------- */

/* The page's head, top bar and navigation (actor NULL: signed out); the
 * main element is open after it. */
void page_begin(struct html *h, struct req *r, const char *title, const char *current);
/* Closes main and the page. */
void page_end(struct html *h);
/* The sign-in page, with an error text (NULL: none); form_token is the
 * sign-in form's token (session.c). */
void page_login(struct req *r, int status, const char *error, const char *username,
		const char *form_token);
/* Översikt, once its reads are back. */
void page_overview(struct req *r, const struct db_result *compliance);
/* A navigation entry not built yet. */
void page_soon(struct req *r, const char *title, const char *current);

/* ---- session.c ------------------------------------------------------------- */

void web_login_get(struct req *r);
void web_login_post(struct req *r);
void web_logout_post(struct req *r);

/* ---- assets.c -------------------------------------------------------------- */

/* The content-hashed paths of the stylesheet and the icon. */
const char *asset_path(const char *name);
/* Answers GET /static/<hashed name>; false when there is no such asset. */
bool asset_serve(struct req *r);

#endif
