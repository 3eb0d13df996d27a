/*
 * One HTTP request from the moment evhttp has read it to the moment it is
 * answered. struct req owns everything of the request (parsed body, query,
 * actor, database op, request id); req_free() is the one function that
 * frees it, and every reply function ends in it. After a reply function the
 * request must not be touched.
 */
#ifndef SVK_REQUEST_H
#define SVK_REQUEST_H

#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "jsonfields.h"
#include "policy.h"
#include "router.h"

struct worker;
struct conn;
struct evhttp_request;

struct actor {
	char user_id[24];
	char username[POLICY_SLUG_MAX];
	char token_id[40];
	struct policy_actor p;
};

struct req;
typedef void (*req_db_cb)(struct req *r, const struct db_result *res);

struct req {
	struct worker *w;
	struct conn *conn;
	struct evhttp_request *ereq;
	const struct route *route;
	unsigned method;
	char id[48];
	char addr[64];
	char path[512];
	char segbuf[512];
	const char *params[ROUTE_MAX_PARAMS];
	struct evkeyvalq query;
	bool query_parsed;
	json_t *body;
	bool authenticated;
	struct actor actor;
	char token_hash[65];
	struct db_op *op;
	req_db_cb db_done;
	char qbuf[2][32];  /* small parameters made for a prefetched query */
	/* Idempotency-Key (idem.c) */
	char idem_key[201];
	char idem_hash[65];
	bool idem;          /* the key was new: the write claims it */
	bool idem_claimed;  /* and did: store the answer */
	req_db_cb write_done;
	struct idem_held *idem_held; /* the answer, until it is stored */
	char if_match[40];
	const char *qerr_field, *qerr_message; /* why it could not be made */
	bool qerr_not_found; /* ...and it is a 404 (a malformed id in the path) */
	struct timespec start;
	/* handler scratch that lives as long as the request */
	void *scratch;
	void (*scratch_free)(void *);
};

/* Entry point from evhttp for every request (arg is the worker). */
void request_handle(struct evhttp_request *ereq, void *arg);

/* For the request path itself (request.c, reply.c): frees everything the
 * request owns; handlers never call it, they answer. */
void req_free(struct req *r);
const char *req_method_name(unsigned method);
/* idem.c: runs the handler, after replaying or refusing a repeated key. */
void idem_dispatch(struct req *r);
/*
 * idem.c: for a request whose key was claimed, keeps a 2xx answer, stores
 * it, and sends it once it is stored (so that a repeat arriving right after
 * the answer finds it). Returns true when it took the answer over.
 */
bool idem_hold(struct req *r, int status, const char *content_type, const char *body,
	       size_t len, const char *location);
void idem_held_free(struct idem_held *h);

/* ---- for handlers ------------------------------------------------------- */

/* The route's {} parameter i (percent-decoded). */
const char *req_param(const struct req *r, int i);
/* A query-string value or NULL. */
const char *req_query(struct req *r, const char *name);
/* ?limit= (default 50, 1..500); returns -1 after replying 422. */
int req_limit(struct req *r);
/* The same without replying: -1 sets qerr_field/qerr_message. */
int req_limit_value(struct req *r);
/* ?cursor= for seq-ordered lists (digits) into *out or NULL; -1 sets qerr. */
int req_cursor_seq(struct req *r, const char **out);
/* Path parameter i when it is a UUID; NULL sets qerr (404, "no such what"). */
const char *req_uuid_param(struct req *r, int i, const char *what);
/* Query parameter name when absent or a UUID (*out may be NULL); -1 sets qerr. */
int req_uuid_query(struct req *r, const char *name, const char **out);
/* Answers the problem recorded in qerr (404 or 422). */
void req_problem_qerr(struct req *r);

/* The handler of routes with a prefetch builder, for when the query could
 * not go out with the token lookup: builds it (or answers 422) and runs it. */
void h_prefetched(struct req *r);

/*
 * Runs a batch on the worker's pool; done is called with the results
 * (owned by the pool) unless the client went away, in which case the query
 * is cancelled and the request freed without an answer.
 */
void req_db(struct req *r, const struct db_call *calls, int n, req_db_cb done);
/*
 * The handler's write (the statement that changes something). With an
 * Idempotency-Key it runs in one transaction with the claim of the key.
 * The results passed to done are the write's own.
 */
void req_write(struct req *r, const struct db_call *calls, int n, req_db_cb done);
void req_write1(struct req *r, const char *stmt, int nparams,
		const char *const *params, req_db_cb done);

/*
 * The If-Match entity tag without quotes (for the write statement to
 * compare with the current representation's), NULL when there is none or
 * it is "*"; a malformed one gives "" (which matches nothing).
 */
const char *req_if_match(struct req *r);

/* One statement. */
void req_db1(struct req *r, const char *stmt, int nparams,
	     const char *const *params, req_db_cb done);

/* Answers: each sends, logs and frees the request. */
void req_reply_text(struct req *r, int status, const char *content_type,
		    const char *body, size_t len, const char *location);
/* body: JSON text from the database. */
void req_reply_json_text(struct req *r, int status, const char *json,
			 const char *location);
/* Steals value. */
void req_reply_json(struct req *r, int status, json_t *value, const char *location);
void req_reply_empty(struct req *r, int status);
void req_problem(struct req *r, enum svk_err err, const char *detail);
/* errors: array of {field, message}, stolen; may be NULL. */
void req_problem_errors(struct req *r, enum svk_err err, const char *detail,
			json_t *errors);
void req_problem_field(struct req *r, const char *field, const char *message);
/* Maps a failed database result to a problem (SV-class messages pass
 * through; anything else is logged and reported generically). */
void req_reply_db_error(struct req *r, const struct db_result *res);
/* Audits the refusal, then answers 403 with reason. */
void req_forbidden(struct req *r, const char *reason);

/* Checks the actor against action/target; on refusal answers 403 (audited)
 * and returns false. */
bool req_allow(struct req *r, enum policy_action action,
	       const struct policy_target *target);

/*
 * Answers with the JSON text in the first column of the first row of
 * statement i; a database error becomes its problem document, no row a
 * 404 with not_found as detail.
 */
void req_reply_row(struct req *r, const struct db_result *res, int i, int status,
		   const char *not_found, const char *location);

/*
 * The parsed JSON of statement i's single value (caller decrefs). On a
 * database error, or when there is no row (404 with not_found), answers
 * and returns NULL.
 */
json_t *req_result_json(struct req *r, const struct db_result *res, int i,
			const char *not_found);

/* The body as compact JSON text, for a statement's jsonb parameter; owned
 * by the request (its scratch). NULL when out of memory. */
const char *req_body_text(struct req *r);

/* Checks the body against a field table (jsonfields.h); on failure answers
 * 422 listing every bad field and returns false. */
bool req_body_ok(struct req *r, const struct jf_field *fields, size_t n);

/* The single result text of a one-row one-column result, or NULL. */
const char *req_result_text(const struct db_result *res, int i);

#endif
