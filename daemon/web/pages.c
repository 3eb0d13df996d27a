/*
 * The pages: the frame every page shares (head, top bar, navigation), the
 * sign-in page and the "Kommer snart" page of the parts not built yet (the
 * others are in page_*.c). Every value from the database or the request goes through html_txt
 * or html_attr; no page has inline script or style (the CSP forbids both).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "web_internal.h"

void page_begin(struct html *h, struct req *r, const char *title, const char *current)
{
	bool signed_in = r->auth.authenticated;

	html_raw(h, "<!doctype html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>");
	html_txt(h, title);
	html_raw(h, " – Samverkan</title><link rel=\"stylesheet\" href=\"");
	html_attr(h, asset_path("style.css"));
	html_raw(h, "\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"");
	html_attr(h, asset_path("icon.svg"));
	html_raw(h, "\"></head><body><a class=\"skip\" href=\"#main\">Hoppa till innehållet</a>"
		    "<header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/\">"
		    "<img src=\"");
	html_attr(h, asset_path("icon.svg"));
	html_raw(h, "\" alt=\"\" width=\"28\" height=\"28\">Samverkan</a>");
	if (signed_in) {
		html_raw(h, "<form class=\"logout\" method=\"post\" action=\"/logga-ut\">"
			    "<span class=\"who\">");
		html_txt(h, r->auth.actor.username);
		html_raw(h, "</span><input type=\"hidden\" name=\"csrf\" value=\"");
		html_attr(h, r->web.csrf);
		html_raw(h, "\"><button type=\"submit\">Logga ut</button></form>");
	}
	html_raw(h, "</div>");
	if (signed_in)
		web_nav(h, r, current);
	html_raw(h, "</header><main id=\"main\"><h1>");
	html_txt(h, title);
	html_raw(h, "</h1>");
}

void page_end(struct html *h)
{
	html_raw(h, "</main></body></html>\n");
}

void page_login(struct req *r, int status, const char *error, const char *username,
		const char *form_token)
{
	struct html h = { 0 };

	page_begin(&h, r, "Logga in", NULL);
	if (error) {
		html_raw(&h, "<p class=\"error\" role=\"alert\" id=\"login-error\">");
		html_txt(&h, error);
		html_raw(&h, "</p>");
	}
	html_raw(&h, "<form class=\"login\" method=\"post\" action=\"/logga-in\">"
		     "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&h, form_token);
	html_raw(&h, "\"><label for=\"username\">Användarnamn</label>"
		     "<input id=\"username\" name=\"username\" type=\"text\" "
		     "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
		     "required maxlength=\"200\" value=\"");
	html_attr(&h, username);
	html_raw(&h, "\"");
	if (error)
		html_raw(&h, " aria-describedby=\"login-error\"");
	html_raw(&h, "><label for=\"password\">Lösenord</label>"
		     "<input id=\"password\" name=\"password\" type=\"password\" "
		     "autocomplete=\"current-password\" required>"
		     "<button type=\"submit\">Logga in</button></form>");
	page_end(&h);
	web_send(r, status, &h);
}
