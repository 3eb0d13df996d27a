/*
 * The web interface's parts (web.c: dispatch, headers, cookies, CSRF;
 * pages.c: the frame every page shares, sign-in;
 * words.c: the product's words in Swedish; page_overview.c: Översikt;
 * page_decide.c and decide.c: Att besluta, a proposal's page and its
 * decision form; page_proposals.c: Förslag; page_plans.c and
 * page_intervention.c: Åtgärdsplaner, a plan's board, an intervention;
 * intervention_form.c and intervention_log.c: adding and editing an
 * intervention, logging an update; session.c: sign-in, sign-out and
 * reading a form; assets.c: the embedded stylesheet and icon).
 */
#ifndef SVK_WEB_INTERNAL_H
#define SVK_WEB_INTERNAL_H

#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>

#include "auth.h"
#include "html.h"

struct req;
struct actor;
struct db_result;
struct jf_field;

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
/* The fields of a form (application/x-www-form-urlencoded) into fields;
 * false after answering 400/415 (session.c). */
bool web_form_read(struct req *r, struct evkeyvalq *fields);
/* web_same_origin and web_form_read, and the form's token kept in
 * r->web.form_csrf; false after answering. */
bool web_form_open(struct req *r, struct evkeyvalq *fields);
/* A textarea's text with its CRLF line breaks as LF, as the API's clients
 * send them (malloc'd; NULL when out of memory). */
char *web_text_lf(const char *s);
/* The same as a JSON string; NULL when out of memory or not UTF-8. */
json_t *web_text_json(const char *s);
/* A form value as JSON text: "" when absent or not UTF-8; NULL when out
 * of memory. */
json_t *web_form_text(const char *s);
/* Whether two form tokens are equal (in constant time) and not empty. */
bool web_token_equal(const char *a, const char *b);
/* Whether the session's form token is the one the form sent; false after
 * answering 403. */
bool web_form_token_ok(struct req *r);

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

/* ---- words.c ---------------------------------------------------------------- */

/* A JSON member's string value, or NULL. */
const char *web_str(json_t *o, const char *key);
/* The second of the pair in map (n pairs) whose first is key, else
 * otherwise (key NULL: otherwise): how a code, a field or a message is
 * put in Swedish. WEB_WORD is NULL when map has no such key. */
const char *web_word_or(const char *const map[][2], size_t n, const char *key,
			const char *otherwise);
#define WEB_WORD_OR(map, key, otherwise) \
	web_word_or((map), sizeof(map) / sizeof((map)[0]), (key), (otherwise))
#define WEB_WORD(map, key) WEB_WORD_OR(map, key, NULL)
/* The product's words in Swedish: a proposal's kind ("Förlängning"), its
 * status ("Inlämnat"), a verdict ("Godkänt"); anything else as it is. */
const char *sv_kind(const char *kind);
const char *sv_proposal_status(const char *status);
const char *sv_verdict(const char *verdict);
/* An intervention's status ("Pågående"), its RAG as the word beside its
 * colour ("Grön", "Gul", "Röd") and a plan's status ("Antagen"). */
const char *sv_intervention_status(const char *status);
const char *sv_rag(const char *rag);
const char *sv_plan_status(const char *status);
/* A refusal's sentence (policy.c's, or a decision's from the database) in
 * Swedish. */
const char *sv_refusal(const char *english);
/* A resource line's amount, with a decimal comma ("1,5"). */
void html_amount(struct html *h, json_t *v);

/* ---- page_overview.c ----------------------------------------------------------- */

/* Översikt: its reads, then the page. */
void web_overview(struct req *r);

/* ---- page_decide.c, decide.c: Att besluta and a proposal -------------------- */

/* Att besluta: its read, then the page. */
void web_pending(struct req *r);
void page_pending(struct req *r, json_t *items);
/* A proposal's page from r->web.doc (the API's document) and r->web.more
 * (the names it shows), with r->web.error and r->web.comment when a
 * decision was refused. */
void page_proposal(struct req *r);
/* Whether the actor can decide on the proposal now, and why not. */
bool proposal_can_decide(struct req *r, json_t *p);
/* GET /forslag/{id} and POST /forslag/{id}/beslut. */
void web_proposal_get(struct req *r);
void web_decide_post(struct req *r);

/* ---- page_proposals.c: Förslag ------------------------------------------------- */

void web_proposals(struct req *r);

/* ---- page_plans.c, page_intervention.c: Åtgärdsplaner ----------------------- */

/* Åtgärdsplaner: the plans; GET /atgardsplaner/{id}: a plan's board;
 * GET /atgardsplaner/{id}/insatser/{iid}: an intervention's page (the ids
 * in r->web.id and r->web.sub, checked here). */
void web_plans(struct req *r);
void web_plan_get(struct req *r);
void web_intervention_get(struct req *r);
/* Whether the actor may read shared data (ACT_READ_SHARED); a refusal is
 * audited naming pattern (never the path, which holds what was typed into
 * it) and answered 403. */
bool web_read_allowed(struct req *r, const char *pattern);
/* The RAG marker: a coloured dot and the word, never the colour alone. */
void html_rag(struct html *h, const char *rag);
/* The names of organisations by slug (an object), or the slug. */
const char *web_org_name(json_t *names, const char *slug);

/* ---- page_situation.c, incident_form.c, page_import.c, chart.c: Lägesbild --- */

/* GET /lagesbild: the situation picture of a municipality and week. */
void web_situation(struct req *r);
/* /lagesbild/rapportera and /lagesbild/importera (GET the form, POST it);
 * anything else under /lagesbild/ is 404. */
void web_situation_route(struct req *r);
/* Reads the municipalities (names), the categories and this week into
 * r->web.more, then calls then. */
void web_situation_names(struct req *r, void (*then)(struct req *r));
/* A municipality's name (from r->web.more), or NULL when there is none. */
const char *web_municipality_name(struct req *r, const char *slug);
/* The viewer's own municipality (an arbetsgrupp's, else their
 * organisation if it is one), else the first; NULL when there is none. */
const char *web_own_municipality(struct req *r);
/* Whether the actor may report incidents for the municipality. */
bool web_may_report(struct req *r, const char *municipality);
/* "2026-W49" as its year and week; false when it is not a week. */
bool web_week_parts(const char *label, int *year, int *week);
/* An ISO week as "v. 49 2026". */
void html_week(struct html *h, const char *label);
/* The charts: counts per category against the four weeks' average, and
 * the trend (current: the week to mark); label is the text alternative. */
void chart_categories(struct html *h, json_t *cats, const char *label);
void chart_trend(struct html *h, json_t *trend, const char *current, const char *label);
/* An incident's error (the API's field and English message) in Swedish. */
const char *sv_incident_error(const char *field, const char *message, char *buf, size_t len);
/* The CSV column a field names ("items[3].place": "plats"). */
const char *sv_incident_field(const char *field);
/* /lagesbild/importera (page_import.c): the upload form, and the upload. */
void web_import_get(struct req *r, const struct db_result *read);
void web_import_post(struct req *r);

/* One part of a multipart/form-data body (multipart.c): pointers into it. */
struct mp_part {
	const char *name, *filename, *data;
	size_t name_len, filename_len, len;
	bool has_filename;
};
/* The parts (at most max) of body; their number, or -1 when the body is
 * not multipart/form-data of content_type's boundary or has more parts. */
int multipart_parse(const char *body, size_t len, const char *content_type, struct mp_part *parts,
		    int max);
/* The part of the field name, or NULL. */
const struct mp_part *multipart_field(const struct mp_part *parts, int n, const char *name);

/* ---- page_meetings.c, meeting_form.c: Möten -------------------------------- */

/* Möten: its reads, then the page; POST /moten: the form. */
void web_meetings(struct req *r);
void web_meeting_post(struct req *r);
/* Reads the list (from cursor, of group; NULL: the first page of all) and
 * the names, and the meeting recorded (NULL: none), then shows the page
 * with r->web.form, r->web.errors and r->web.status. */
void meetings_load(struct req *r, const char *cursor, const char *group, const char *recorded);
void page_meetings(struct req *r, json_t *items, const char *next, json_t *recorded);
/* Whether the actor may record a meeting of group (ACT_RECORD_MEETING). */
bool meeting_may_record(struct req *r, const char *group);
/* A form field's error from errors ({field: text}), and its aria
 * attributes (aria-invalid, aria-describedby naming it). */
void web_field_error(struct html *h, json_t *errors, const char *field);
void web_field_aria(struct html *h, json_t *errors, const char *field);
/* A labelled one-line input of form's field, its id prefix ("f-") before
 * the field's name: attrs (` type="text" inputmode="decimal"`) follow
 * its id and name, then its value, its error and their aria. */
void web_text_input(struct html *h, json_t *form, json_t *errors, const char *prefix,
		    const char *field, const char *label, const char *attrs);
/* web_text_input's attrs of a short number field. */
#define WEB_NUMERIC " type=\"text\" class=\"short\" inputmode=\"numeric\""
#define WEB_DECIMAL " type=\"text\" class=\"short\" inputmode=\"decimal\""

/* ---- page_followup.c, followup_form.c: Uppföljning ------------------------- */

/* Uppföljning: last year's follow-up; the paths under /uppfoljning/ (a
 * year's page, its CSV, its form): false for any other path. */
void web_followup(struct req *r);
bool web_followup_route(struct req *r);
/* Whether the actor may do action; a refusal is audited naming pattern and
 * answered 403. */
bool followup_allowed(struct req *r, enum policy_action action, const char *pattern);
/* The form: its page once the agreement (r->web.id) and the year
 * (r->web.sub) are known; the post; the page again after a refusal. */
void followup_edit_load(struct req *r);
void web_followup_post(struct req *r);
void followup_reload(struct req *r);

/* ---- intervention_form.c, intervention_log.c: an intervention's forms ---- */

/* The forms' paths under /atgardsplaner/{plan}/insatser/ (ny, {id}/redigera,
 * {id}/uppdateringar), the ids into r->web.id and r->web.sub and the form
 * into r->web.view; false for any other path. */
enum iv_view { IV_NEW, IV_EDIT, IV_LOG };
bool web_intervention_form_route(struct req *r);
/* The add or edit form's reads (r->web.view), then its page, or (posted)
 * the save of r->web.form. */
void intervention_form_start(struct req *r, bool posted);
/* The page's pattern for the audit log. */
const char *iv_pattern(int view, bool posted);
/* Whether the actor may log an update on iv (ACT_UPDATE_INTERVENTION, its
 * responsible organisation), and the form that does it (nothing for
 * others), with r->web.form and r->web.errors when it came back refused. */
bool intervention_may_log(struct req *r, json_t *iv);
void intervention_log_form(struct html *h, struct req *r, json_t *iv);
/* What the intervention forms share: a number typed into text (decimal
 * comma allowed) into body as key: 1 set, 0 empty, -1 not a number, -2
 * out of memory; a refusal audited naming pattern and answered 403; the
 * 404 page. */
int iv_number(json_t *body, const char *key, const char *text, bool integer);
void iv_refuse(struct req *r, const char *pattern, const char *why);
bool iv_allowed(struct req *r, enum policy_action action, const struct policy_target *t,
		const char *pattern);
void iv_not_found(struct req *r);
/* ---- proposal_form.c, proposal_page.c, proposal_words.c: writing proposals -- */

/* r->web.view of the proposal form's paths. */
enum { PF_NEW, PF_EDIT, PF_SUBMIT, PF_WITHDRAW };
/* The resource rows a form may send. */
#define PF_MAX_LINES 40
/* /forslag/nytt, /forslag/{id}/redigera, …/lamna-in, …/dra-tillbaka: false
 * for any other path. */
bool web_proposal_form_route(struct req *r);
/* POST …/lamna-in and …/dra-tillbaka (r->web.view, r->web.id set). */
void proposal_state_post(struct req *r);
/* The four kinds to choose from; the form of r->web.form's kind (with
 * r->web.more's choices, r->web.errors and r->web.error). */
void proposal_kinds_page(struct req *r, int status);
void proposal_form_page(struct req *r);
/* A proposal's document as the form's values; NULL when out of memory. */
json_t *proposal_form_of(json_t *doc);
/* The beredningsgrupp's buttons on a proposal's page, and
 * r->web.action_error. */
void proposal_actions(struct req *r, struct html *h, json_t *p);
/* A field's error and a refusal of the proposal's SQL functions in Swedish. */
const char *sv_proposal_error(const char *field, const char *message);
const char *sv_proposal_refusal(const char *english);
/* ---- page_admin.c, admin_form.c: Administration ------------------------------ */

/* Which page r->web.view shows: Administration, or a chair's Adjungera. */
enum { ADMIN_MAIN = 0, ADMIN_COOPT = 1 };
/* GET /administration (an admin's); the paths under /administration/
 * (Adjungera and the forms): false for any other path. */
void web_admin(struct req *r);
bool web_admin_route(struct req *r);
/* Reads the page of r->web.view and shows it with r->web.form,
 * r->web.errors, r->web.error and r->web.status. */
void admin_load(struct req *r);
/* A post of one of the forms; the password to show once, or NULL. */
void web_admin_post(struct req *r);
const char *admin_shown_password(struct req *r);

/* ---- session.c ------------------------------------------------------------- */

void web_login_get(struct req *r);
void web_login_post(struct req *r);
void web_logout_post(struct req *r);

/* ---- assets.c -------------------------------------------------------------- */

/* The content-hashed paths of the stylesheet and the icon. */
const char *asset_path(const char *name);
/* Answers GET /static/<hashed name>; false when there is no such asset. */
bool asset_serve(struct req *r);

/* ---- form_check.c ------------------------------------------------------------ */

#define WEB_PNR_TEXT                                                                         \
	"Texten innehåller ett personnummer eller samordningsnummer. Personuppgifter får " \
	"inte sparas här; ta bort numret och försök igen."

/* Sets the error of a form's field (the first one set for it stays);
 * false when out of memory. */
bool web_set_error(struct req *r, const char *field, const char *text);

/* How a form's body is checked: the API's field table; the form's field
 * of an API field path ("decisions[2]" -> "decisions"; NULL: the same
 * name) and the Swedish text of an error of a form's field (NULL: the form
 * has no such field); the field and text of an error no field of the
 * form shows. */
struct web_check {
	const struct jf_field *fields;
	size_t n;
	const char *(*field_of)(const char *path);
	const char *(*text_of)(const char *field);
	const char *fallback;
	const char *fallback_text;
};

/* The API's checks of body (the field table, then the personnummer
 * guard), each error set on its field in r->web.errors; false when out of
 * memory. */
bool web_check_body(struct req *r, json_t *body, const struct web_check *c);

/* body (released) as the JSON text an SQL function takes, kept with the
 * request; NULL after answering 500. */
const char *web_body_text(struct req *r, json_t *body);

#endif
