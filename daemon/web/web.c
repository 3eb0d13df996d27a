/*
 * The web interface's dispatch (see web.h): which paths are pages, the
 * headers every answer carries, the session cookie, the form token and
 * the same-origin check.
 *
 * A page's caller is authenticated exactly as an API call is (auth.c),
 * with the token from the session cookie; a cookie that does not
 * authenticate leads to the sign-in page. Errors that the shared code
 * answers as problem documents are shown as a Swedish page instead (the
 * request's hold hook).
 */
#include "web.h"

#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "request.h"
#include "sql_names.h"
#include "web_internal.h"

struct web_page {
	const char *path;
	const char *title;
	bool admin;                  /* shown to administrators only */
	bool shared;                 /* shown to who may read shared data only */
	void (*show)(struct req *r); /* its reads and page */
};

/* The navigation, in its order; the first is Översikt. */
static const struct web_page pages[] = {
	{ "/", "Översikt", false, false, web_overview },
	{ "/att-besluta", "Att besluta", false, false, web_pending },
	{ "/forslag", "Förslag", false, true, web_proposals },
	{ "/atgardsplaner", "Åtgärdsplaner", false, true, web_plans },
	{ "/lagesbild", "Lägesbild", false, true, web_situation },
	{ "/moten", "Möten", false, true, web_meetings },
	{ "/uppfoljning", "Uppföljning", false, true, web_followup },
	{ "/administration", "Administration", true, false, web_admin },
};

static const struct web_page *page_of(const char *path)
{
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		if (strcmp(pages[i].path, path) == 0)
			return &pages[i];
	return NULL;
}

void web_nav(struct html *h, struct req *r, const char *current)
{
	html_raw(h, "<nav aria-label=\"Huvudmeny\"><ul>");
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		if (pages[i].admin && !r->auth.actor.p.admin)
			continue;
		/* An admin who is no group's member manages accounts but
		 * reads none of the agreement's work (ACT_READ_SHARED). */
		if (pages[i].shared && !policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, NULL))
			continue;
		html_raw(h, "<li><a href=\"");
		html_attr(h, pages[i].path);
		html_raw(h, "\"");
		if (current && strcmp(current, pages[i].path) == 0)
			html_raw(h, " aria-current=\"page\"");
		html_raw(h, ">");
		html_txt(h, pages[i].title);
		html_raw(h, "</a></li>");
	}
	html_raw(h, "</ul></nav>");
}

void web_cleanup(struct req *r)
{
	sodium_memzero(r->web.token, sizeof r->web.token);
	json_decref(r->web.agreement);
	json_decref(r->web.pending);
	json_decref(r->web.overdue);
	r->web.agreement = r->web.pending = r->web.overdue = NULL;
	json_decref(r->web.doc);
	json_decref(r->web.more);
	r->web.doc = r->web.more = NULL;
	free(r->web.comment);
	r->web.comment = NULL;
	json_decref(r->web.form);
	json_decref(r->web.errors);
	r->web.form = r->web.errors = NULL;
}

/* ---- answering ------------------------------------------------------------ */

static void security_headers(struct req *r)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->ereq);

	evhttp_add_header(out, "Content-Security-Policy",
			  "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
	evhttp_add_header(out, "Strict-Transport-Security", "max-age=31536000");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Referrer-Policy", "no-referrer");
}

void web_send(struct req *r, int status, struct html *h)
{
	if (h->oom) {
		html_free(h);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	req_reply_text(r, status, "text/html; charset=utf-8", h->buf, h->len, NULL);
	html_free(h);
}

void web_redirect(struct req *r, const char *location)
{
	req_reply_text(r, 303, NULL, NULL, 0, location);
}

void web_message(struct req *r, int status, const char *title, const char *text)
{
	struct html h = { 0 };

	page_begin(&h, r, title, NULL);
	html_raw(&h, "<p>");
	html_txt(&h, text);
	html_raw(&h, "</p>");
	page_end(&h);
	web_send(r, status, &h);
}

/* A problem document from the shared code becomes a Swedish page. */
static bool web_hold(struct req *r, const struct answer *a)
{
	const char *title, *text;

	if (!a->content_type || strncmp(a->content_type, "application/problem+json", 24) != 0)
		return false;
	r->hold = NULL;
	switch (a->status) {
	case 403:
		title = "Åtkomst nekad";
		text = "Du har inte behörighet till det här.";
		break;
	case 404:
		title = "Sidan finns inte";
		text = "Det finns ingen sida med den adressen.";
		break;
	case 405:
		title = "Fel metod";
		text = "Sidan tar inte emot den sortens begäran.";
		break;
	case 413:
		title = "För stort formulär";
		text = "Formuläret var för stort.";
		break;
	case 503:
		title = "Tjänsten är inte tillgänglig";
		text = "Försök igen om en stund.";
		break;
	default:
		title = a->status >= 500 ? "Något gick fel" : "Begäran kunde inte utföras";
		text = a->status >= 500 ? "Ett fel uppstod på servern. Försök igen senare."
					: "Begäran kunde inte utföras.";
		break;
	}
	web_message(r, a->status, title, text);
	return true;
}

/* ---- cookies, form tokens, origins ---------------------------------------- */

const char *web_cookie(struct req *r, const char *name, char *out, size_t outlen)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(r->ereq), "Cookie");
	size_t nlen = strlen(name);

	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		if (strncmp(h, name, nlen) == 0 && h[nlen] == '=') {
			size_t vlen = strcspn(h + nlen + 1, ";");

			if (vlen >= outlen)
				return NULL;
			memcpy(out, h + nlen + 1, vlen);
			out[vlen] = '\0';
			return out;
		}
		h = strchr(h, ';');
	}
	return NULL;
}

void web_csrf_of(const char *token, char out[65])
{
	static const char label[] = "samverkan form token|";
	unsigned char mac[32];
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof mac);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof label - 1);
	crypto_generichash_update(&st, (const unsigned char *)token, strlen(token));
	crypto_generichash_final(&st, mac, sizeof mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

bool web_same_origin(struct req *r)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->ereq);
	const char *site = evhttp_find_header(in, "Sec-Fetch-Site");
	const char *origin = evhttp_find_header(in, "Origin");
	const char *host = evhttp_find_header(in, "Host");
	char want[300];

	/* A browser that says where a request comes from is believed; under
	 * Referrer-Policy: no-referrer its Origin of a form is "null", which
	 * counts only with such a word. */
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		goto refuse;
	if (origin && strcmp(origin, "null") == 0 && !site)
		goto refuse;
	if (origin && strcmp(origin, "null") != 0) {
		snprintf(want, sizeof want, "https://%s", host ? host : "");
		if (!host || strcmp(origin, want) != 0)
			goto refuse;
	}
	return true;
refuse:
	web_message(r, 403, "Åtkomst nekad",
		    "Formuläret skickades från en annan webbplats och togs inte emot.");
	return false;
}

/* ---- the signed-in pages ---------------------------------------------------- */

static void signed_out(struct req *r)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Set-Cookie",
			  WEB_COOKIE "=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0");
	web_redirect(r, "/logga-in");
}

static void page_authenticated(struct req *r, const struct db_result *read)
{
	const struct web_page *pg = r->web.page;

	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	if (pg->admin && !req_allow(r, ACT_ADMIN, NULL))
		return;
	pg->show(r);
}

static void proposal_authenticated(struct req *r, const struct db_result *read)
{
	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	web_proposal_get(r);
}

static void plan_authenticated(struct req *r, const struct db_result *read)
{
	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	if (r->web.sub[0])
		web_intervention_get(r);
	else
		web_plan_get(r);
}

/* Authenticates the session cookie, then continues with done. */
void web_authenticate(struct req *r, auth_done_cb done)
{
	r->auth.refused = signed_out;
	if (!web_cookie(r, WEB_COOKIE, r->web.token, sizeof r->web.token)) {
		web_redirect(r, "/logga-in");
		return;
	}
	auth_start_token(r, r->web.token, NULL, done);
}

/* "/forslag/{id}" (GET) or "/forslag/{id}/beslut" (POST): the id, as
 * sent, into r->web.id (checked once the caller is known); false for any
 * other path. */
static bool proposal_path(struct req *r, bool *decide)
{
	const char *rest = r->path + 9, *slash;
	size_t n;

	if (strncmp(r->path, "/forslag/", 9) != 0)
		return false;
	slash = strchr(rest, '/');
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	*decide = slash != NULL;
	if (n == 0 || n >= sizeof r->web.id || (slash && strcmp(slash, "/beslut") != 0))
		return false;
	memcpy(r->web.id, rest, n);
	r->web.id[n] = '\0';
	return true;
}

/* Copies the path segment at s (up to '/' or the end) into out; the rest
 * after it, or NULL when it is empty or too long. */
static const char *segment(const char *s, char *out, size_t outlen)
{
	size_t n = strcspn(s, "/");

	if (n == 0 || n >= outlen)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return s + n;
}

/* "/atgardsplaner/{id}" or "/atgardsplaner/{id}/insatser/{iid}": the ids,
 * as sent, into r->web.id and r->web.sub (checked once the caller is
 * known); false for any other path. */
static bool plan_path(struct req *r)
{
	const char *rest;

	if (strncmp(r->path, "/atgardsplaner/", 15) != 0)
		return false;
	rest = segment(r->path + 15, r->web.id, sizeof r->web.id);
	if (!rest)
		return false;
	if (!*rest)
		return true;
	if (strncmp(rest, "/insatser/", 10) != 0)
		return false;
	rest = segment(rest + 10, r->web.sub, sizeof r->web.sub);
	return rest && !*rest;
}

bool web_route(struct req *r)
{
	const struct web_page *pg = page_of(r->path);
	bool login = strcmp(r->path, "/logga-in") == 0, logout = strcmp(r->path, "/logga-ut") == 0;
	bool decide = false, proposal = !pg && proposal_path(r, &decide);
	bool plan = !pg && plan_path(r);
	bool under = strncmp(r->path, "/forslag/", 9) == 0 ||
		     strncmp(r->path, "/atgardsplaner/", 15) == 0 ||
		     strncmp(r->path, "/uppfoljning/", 13) == 0 ||
		     strncmp(r->path, "/administration/", 16) == 0;
	bool situation = strncmp(r->path, "/lagesbild/", 11) == 0;

	if (!pg && !login && !logout && !under && !situation &&
	    strncmp(r->path, "/static/", 8) != 0)
		return false;
	security_headers(r);
	r->hold = web_hold;
	if (situation) {
		web_situation_route(r);
		return true;
	}
	if (web_followup_route(r) || web_admin_route(r))
		return true;
	if (web_intervention_form_route(r))
		return true;
	if (web_proposal_form_route(r))
		return true;
	if (under && !proposal && !plan) {
		web_message(r, 404, "Sidan finns inte", "Det finns ingen sida med den adressen.");
		return true;
	}
	if (strncmp(r->path, "/static/", 8) == 0) {
		if (r->method != M_GET || !asset_serve(r))
			web_message(r, 404, "Sidan finns inte",
				    "Det finns ingen fil med den adressen.");
		return true;
	}
	if (login && r->method == M_GET) {
		web_login_get(r);
	} else if (login && r->method == M_POST) {
		web_login_post(r);
	} else if (logout && r->method == M_POST) {
		web_logout_post(r);
	} else if (pg && r->method == M_POST && strcmp(pg->path, "/moten") == 0) {
		web_meeting_post(r);
	} else if (pg && r->method == M_GET) {
		r->web.page = pg;
		web_authenticate(r, page_authenticated);
	} else if (proposal && !decide && r->method == M_GET) {
		web_authenticate(r, proposal_authenticated);
	} else if (plan && r->method == M_GET) {
		web_authenticate(r, plan_authenticated);
	} else if (proposal && decide && r->method == M_POST) {
		web_decide_post(r);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Allow",
				  pg && strcmp(pg->path, "/moten") == 0 ? "GET, POST"
				  : pg || plan || (proposal && !decide) ? "GET"
				  : logout || decide                    ? "POST"
									: "GET, POST");
		web_message(r, 405, "Fel metod", "Sidan tar inte emot den sortens begäran.");
	}
	return true;
}
