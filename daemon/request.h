/*
 * The handler API: what a handler (h_*.c) sees of one HTTP request and the
 * req_* functions it calls to read it, to run SQL and to answer.
 *
 * struct req owns everything of the request. Its members are grouped by
 * the stage of the request path (pipeline.c) that fills them, in the order
 * the stages run; each stage's state is a typed member declared in that
 * stage's header. Handlers read the request (path, params, body, actor),
 * keep what they make in the typed members below, and end in exactly one
 * reply function (reply.c), which sends, logs and frees the request: after
 * it the request must not be touched.
 */
#ifndef SVK_REQUEST_H
#define SVK_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "error.h"
#include "idem.h"
#include "jsonfields.h"
#include "policy.h"
#include "query.h"
#include "router.h"
#include "token.h"
#include "web/web.h"

struct worker;
struct conn;
struct evhttp_request;
struct pw_job;

struct req;
typedef void (*req_db_cb)(struct req *r, const struct db_result *res);

/* An answer on its way out (reply.c), for a stage that holds it back. */
struct answer {
	int status;
	const char *content_type;
	const char *body;
	size_t len;
	const char *location;
};

#define REQ_KEPT_MAX 4

struct req {
	/* intake (pipeline.c, intake.c): what arrived */
	struct worker *w;
	struct conn *conn;
	struct evhttp_request *ereq;
	unsigned method;
	char id[48];
	char addr[64];
	char path[512];
	struct timespec start;
	/* route (router.c) */
	const struct route *route;
	char segbuf[512];
	const char *params[ROUTE_MAX_PARAMS];
	/* query string (query.c) */
	struct req_query q;
	/* body (body.c): the parsed JSON object, and its compact text */
	json_t *body;
	char *body_text;
	/* authentication (auth.c) */
	struct req_auth auth;
	/* policy (access.c): the refusal being audited */
	char refusal[200];
	/* idempotency (idem.c) */
	struct req_idem idem;
	/* the database operation in flight (reqdb.c) */
	struct db_op *op;
	req_db_cb db_done;
	/* reply (reply.c): a stage that wants the answer before it is sent
	 * (idem.c, to store it) sets this; true means it took the answer */
	bool (*hold)(struct req *r, const struct answer *a);
	/* what handlers make and the request keeps until it is freed */
	struct pw_job *pw;          /* a password job (passwd.c) */
	char secret[TOKEN_LEN + 1]; /* a token shown once; wiped */
	char *kept[REQ_KEPT_MAX];   /* texts passed to SQL (req_keep) */
	char if_match[40];
	/* the web interface (web/web.c) */
	struct req_web web;
};

/* Entry point from evhttp for every request (arg is the worker): pipeline.c. */
void request_handle(struct evhttp_request *ereq, void *arg);

/* ---- reading the request --------------------------------------------------- */

/* The route's {} parameter i (percent-decoded). */
const char *req_param(const struct req *r, int i);
/*
 * The If-Match entity tag without quotes (for the write statement to
 * compare with the current representation's), NULL when there is none or
 * it is "*"; a malformed one gives "" (which matches nothing).
 */
const char *req_if_match(struct req *r);

/* The body as compact JSON text, for a statement's jsonb parameter; owned
 * by the request. NULL when out of memory. */
const char *req_body_text(struct req *r);

/* Checks the body against a field table (jsonfields.h); on failure answers
 * 422 listing every bad field and returns false. */
bool req_body_ok(struct req *r, const struct jf_field *fields, size_t n);

/* Hands text (malloc'ed) to the request, which frees it; returns it, or
 * NULL (text freed) when the request keeps too many already. */
const char *req_keep(struct req *r, char *text);

/* ---- the database ------------------------------------------------------------ */

/*
 * Runs a batch on the worker's pool; done is called with the results
 * (owned by the pool) unless the client went away, in which case the query
 * is cancelled and the request freed without an answer.
 */
void req_db(struct req *r, const struct db_call *calls, int n, req_db_cb done);
/*
 * A batch whose transaction stays open when it succeeds (db_submit_open):
 * done gets res->open, and before it returns ends the transaction with
 * req_db_end, or it is rolled back.
 */
void req_db_open(struct req *r, const struct db_call *calls, int n, req_db_cb done);
void req_db_end(struct req *r, struct db_op *open, const struct db_call *calls, int n,
		req_db_cb done);
/* One statement. */
void req_db1(struct req *r, const char *stmt, int nparams, const char *const *params,
	     req_db_cb done);
/*
 * The handler's write (the statement that changes something). With an
 * Idempotency-Key it runs in one transaction with the claim of the key
 * (idem.c). The results passed to done are the write's own.
 */
void req_write(struct req *r, const struct db_call *calls, int n, req_db_cb done);
void req_write1(struct req *r, const char *stmt, int nparams, const char *const *params,
		req_db_cb done);

/* The single result text of a one-row one-column result, or NULL. */
const char *req_result_text(const struct db_result *res, int i);

/* ---- rights -------------------------------------------------------------------- */

/* Checks the actor against action/target; on refusal answers 403 (audited)
 * and returns false (access.c). */
bool req_allow(struct req *r, enum policy_action action, const struct policy_target *target);
/* Audits the refusal, then answers 403 with reason. */
void req_forbidden(struct req *r, const char *reason);

/* ---- answering (reply.c): each sends, logs and frees the request ------------- */

void req_reply_text(struct req *r, int status, const char *content_type, const char *body,
		    size_t len, const char *location);
/* body: JSON text from the database. */
void req_reply_json_text(struct req *r, int status, const char *json, const char *location);
/* Steals value. */
void req_reply_json(struct req *r, int status, json_t *value, const char *location);
void req_reply_empty(struct req *r, int status);
void req_problem(struct req *r, enum svk_err err, const char *detail);
/* errors: array of {field, message}, stolen; may be NULL. */
void req_problem_errors(struct req *r, enum svk_err err, const char *detail, json_t *errors);
void req_problem_field(struct req *r, const char *field, const char *message);
/* Maps a failed database result to a problem (SV-class messages pass
 * through; anything else is logged and reported generically). */
void req_reply_db_error(struct req *r, const struct db_result *res);

/*
 * Answers with the JSON text in the first column of the first row of
 * statement i; a database error becomes its problem document, no row a
 * 404 with not_found as detail.
 */
void req_reply_row(struct req *r, const struct db_result *res, int i, int status,
		   const char *not_found, const char *location);

/*
 * Answers 201 with the object statement 0 returned, created in collection
 * ("/v1/action-plans"): its Location is the collection and the object's id.
 */
void req_reply_created(struct req *r, const struct db_result *res, const char *collection);

/*
 * The parsed JSON of statement i's single value (caller decrefs). On a
 * database error, or when there is no row (404 with not_found), answers
 * and returns NULL.
 */
json_t *req_result_json(struct req *r, const struct db_result *res, int i, const char *not_found);

/* The name of a method bit (M_GET → "GET"). */
const char *req_method_name(unsigned method);

#endif
