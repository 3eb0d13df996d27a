/*
 * Signing in and out on the web (POST /logga-in, POST /logga-ut).
 *
 * The sign-in runs the API's login (login.h) on the form's fields: the
 * same throttling, password check, certificate rule and audit; its
 * session token goes into a cookie the page's scripts cannot read, and
 * only its digest is stored (svk.tokens, kind session, like the API's).
 *
 * Every form carries a token that a page of another site cannot know: the
 * sign-out form one derived from the session (web_csrf_of), the sign-in
 * form, before there is a session, a random one that is also in a cookie
 * of that page's own (double submit). A POST without it, or whose Origin
 * or Sec-Fetch-Site names another site, is refused with 403.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "login.h"
#include "passwd.h"
#include "request.h"
#include "sql_names.h"
#include "web_internal.h"

#define LOGIN_COOKIE "svk_login"
#define USERNAME_MAX 200

/* The form's fields; false (after answering 400/415) when it is not one. */
bool web_form_read(struct req *r, struct evkeyvalq *fields)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ereq);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
					    "Content-Type");
	size_t n = evbuffer_get_length(in);
	char *text;

	TAILQ_INIT(fields);
	if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
		web_message(r, 415, "Fel format",
			    "Formuläret skickades i ett format som inte tas emot.");
		return false;
	}
	text = malloc(n + 1);
	if (!text) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return false;
	}
	if (evbuffer_copyout(in, text, n) != (ev_ssize_t)n) {
		free(text);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the form");
		return false;
	}
	text[n] = '\0';
	if (evhttp_parse_query_str(text, fields) != 0) {
		free(text);
		evhttp_clear_headers(fields);
		web_message(r, 400, "Felaktigt formulär", "Formuläret kunde inte läsas.");
		return false;
	}
	free(text);
	return true;
}

bool web_form_open(struct req *r, struct evkeyvalq *fields)
{
	const char *csrf;

	if (!web_same_origin(r) || !web_form_read(r, fields))
		return false;
	csrf = evhttp_find_header(fields, "csrf");
	snprintf(r->web.form_csrf, sizeof r->web.form_csrf, "%s", csrf ? csrf : "");
	return true;
}

char *web_text_lf(const char *s)
{
	char *c = strdup(s), *o = c;

	if (!c)
		return NULL;
	for (const char *i = c; *i; i++)
		if (!(i[0] == '\r' && i[1] == '\n'))
			*o++ = *i;
	*o = '\0';
	return c;
}

json_t *web_text_json(const char *s)
{
	char *c = web_text_lf(s);
	json_t *v = c ? json_string(c) : NULL;

	free(c);
	return v;
}

json_t *web_form_text(const char *s)
{
	json_t *v = web_text_json(s ? s : "");

	return v ? v : json_string("");
}

bool web_token_equal(const char *a, const char *b)
{
	size_t n = a ? strlen(a) : 0;

	return a && b && n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

bool web_form_token_ok(struct req *r)
{
	web_csrf_of(r->web.token, r->web.csrf);
	if (web_token_equal(r->web.form_csrf, r->web.csrf))
		return true;
	web_message(r, 403, "Åtkomst nekad",
		    "Formuläret saknade en giltig kontrollkod. Ladda om sidan och försök igen.");
	return false;
}

/* ---- signing in --------------------------------------------------------------- */

/* The sign-in form's token: the cookie's, else a new one set as cookie. */
static void login_form_token(struct req *r, char out[65])
{
	unsigned char raw[32];
	char header[160];

	if (web_cookie(r, LOGIN_COOKIE, out, 65) && strlen(out) == 64)
		return;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 65, raw, sizeof raw);
	snprintf(header, sizeof header,
		 LOGIN_COOKIE "=%s; HttpOnly; Secure; SameSite=Strict; Path=/logga-in", out);
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Set-Cookie", header);
}

void web_login_get(struct req *r)
{
	char tok[65];

	login_form_token(r, tok);
	page_login(r, 200, NULL, NULL, tok);
}

static void web_created(struct req *r, const struct db_result *res, const char *token)
{
	char header[160];
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ereq);

	(void)res;
	if (!token) {
		req_problem(r, SVK_ERR_INTERNAL, "no session token");
		return;
	}
	snprintf(header, sizeof header, WEB_COOKIE "=%s; HttpOnly; Secure; SameSite=Strict; Path=/",
		 token);
	evhttp_add_header(out, "Set-Cookie", header);
	evhttp_add_header(out, "Set-Cookie",
			  LOGIN_COOKIE "=; HttpOnly; Secure; SameSite=Strict; Path=/logga-in; "
				       "Max-Age=0");
	web_redirect(r, "/");
}

static const char *username_of(struct req *r)
{
	return json_string_value(json_object_get(r->body, "username"));
}

static void web_failed(struct req *r)
{
	page_login(r, 401, "Fel användarnamn eller lösenord.", username_of(r), r->web.form_csrf);
}

static void web_throttled(struct req *r, const char *retry_after)
{
	char text[200];
	long s = strtol(retry_after, NULL, 10);

	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Retry-After", retry_after);
	snprintf(text, sizeof text,
		 "För många misslyckade inloggningar. Vänta %ld %s och försök igen.",
		 s > 60 ? (s + 59) / 60 : s, s > 60 ? "minuter" : "sekunder");
	page_login(r, 429, text, username_of(r), r->web.form_csrf);
}

static const struct login_outcome web_login = {
	.action = "POST /logga-in",
	.created = web_created,
	.failed = web_failed,
	.throttled = web_throttled,
};

void web_login_post(struct req *r)
{
	struct evkeyvalq f;
	const char *user, *pass, *csrf;
	char cookie[65];

	if (!web_same_origin(r) || !web_form_read(r, &f))
		return;
	user = evhttp_find_header(&f, "username");
	pass = evhttp_find_header(&f, "password");
	csrf = evhttp_find_header(&f, "csrf");
	if (!web_token_equal(csrf, web_cookie(r, LOGIN_COOKIE, cookie, sizeof cookie))) {
		evhttp_clear_headers(&f);
		web_message(r, 403, "Åtkomst nekad",
			    "Formuläret saknade en giltig kontrollkod. Ladda om sidan och försök "
			    "igen.");
		return;
	}
	snprintf(r->web.form_csrf, sizeof r->web.form_csrf, "%s", csrf);
	if (!user || !pass || !user[0] || !pass[0] || strlen(user) > USERNAME_MAX ||
	    strlen(pass) > AUTH_PASSWORD_MAX) {
		char u[USERNAME_MAX + 1];

		snprintf(u, sizeof u, "%s", user ? user : "");
		evhttp_clear_headers(&f);
		page_login(r, 400, "Fyll i både användarnamn och lösenord.", u, r->web.form_csrf);
		return;
	}
	r->body = json_pack("{s:s, s:s}", "username", user, "password", pass);
	evhttp_clear_headers(&f);
	if (!r->body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	login_start(r, &web_login);
}

/* ---- signing out --------------------------------------------------------------- */

static void session_ended(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Set-Cookie",
			  WEB_COOKIE "=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0");
	web_redirect(r, "/logga-in");
}

static void logout_authenticated(struct req *r, const struct db_result *read)
{
	(void)read;
	if (!web_form_token_ok(r))
		return;
	const char *p[2] = { r->auth.actor.user_id, r->auth.actor.token_id };
	req_db1(r, SQL_SESSION_REVOKE, 2, p, session_ended);
}

void web_logout_post(struct req *r)
{
	struct evkeyvalq f;
	const char *csrf;

	if (!web_same_origin(r) || !web_form_read(r, &f))
		return;
	csrf = evhttp_find_header(&f, "csrf");
	snprintf(r->web.form_csrf, sizeof r->web.form_csrf, "%s", csrf ? csrf : "");
	evhttp_clear_headers(&f);
	web_authenticate(r, logout_authenticated);
}
