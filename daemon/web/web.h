/*
 * The web interface: Swedish HTML pages under / on the API's port, a
 * second door into the same rooms. Sign-in goes through the API's login
 * (login.h), a page's actor through the API's authentication (auth.h, the
 * token in a session cookie instead of the Authorization header), rights
 * through the same policy and data through the same named statements.
 */
#ifndef SVK_WEB_H
#define SVK_WEB_H

#include <jansson.h>
#include <stdbool.h>

#include "token.h"

struct req;

/* What one web request keeps between its round trips. */
struct req_web {
	char token[TOKEN_LEN + 1]; /* the session cookie's token; wiped */
	char csrf[65];             /* the session's form token */
	char form_csrf[65];        /* the form token a form sent */
	const void *page;          /* the page asked for (web.c) */
	json_t *agreement;         /* Översikt: the agreement shown */
	json_t *pending, *overdue; /* Översikt: what waits */
	/* A proposal's page and its decision form (decide.c) */
	char id[40];        /* the proposal (or action plan) named in the path */
	char sub[40];       /* the intervention named in the path */
	char verdict[16];   /* the button the form was sent with */
	char *comment;      /* what the form's Kommentar held; freed */
	const char *error;  /* a refusal shown next to the form, or NULL */
	int status;         /* the page's status; 0 is 200 */
	json_t *doc, *more; /* the page's reads */
	/* A form sent back to its page (Lägesbild, Möten, Uppföljning): what
	 * the user typed, by field (Lägesbild keeps its errors in it too),
	 * and the errors, {field: Swedish message} */
	json_t *form, *errors;
	int view;                    /* which of a page's views (Uppföljning: page_followup.c) */
	void (*then)(struct req *r); /* after web_situation_names */
	const char *upload;          /* an uploaded file (req_keep owns it) */
	size_t upload_len;
	const char *action_error; /* a refused submission or withdrawal (proposal_form.c) */
};

/* Answers the request when its path is one of the web's (the pages, the
 * sign-in and sign-out forms, /static/); false leaves it to the API. */
bool web_route(struct req *r);

/* Frees what r->web holds (req_free). */
void web_cleanup(struct req *r);

#endif
