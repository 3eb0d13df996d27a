/*
 * The query string of a request (?limit=&cursor=&…), parsed once on first
 * use, and its checks. A value that fails its check is recorded (field and
 * message, or a 404 for a malformed id in the path) so that the pipeline
 * can answer it after authentication: a caller without a valid token learns
 * nothing about the request's shape.
 */
#ifndef SVK_QUERY_H
#define SVK_QUERY_H

#include <event2/keyvalq_struct.h>
#include <stdbool.h>

struct req;

struct req_query {
	struct evkeyvalq kv;
	bool parsed;
	const char *err_field;   /* the first bad value: its name... */
	const char *err_message; /* ...and what is wrong with it */
	bool err_not_found;      /* a malformed id in the path: 404 */
	char err_buf[160];       /* a message made for this request */
	char num[2][32];         /* numbers made for a statement's parameters */
};

/* A query-string value or NULL. */
const char *req_query(struct req *r, const char *name);
/* ?limit= (default 50, 1..500), or -1 after recording why not. */
int req_limit_value(struct req *r);
/* ?limit= as text for a statement parameter, or NULL after recording. */
const char *req_limit_text(struct req *r);
/* ?cursor= for seq-ordered lists (digits) into *out or NULL; -1 records. */
int req_cursor_seq(struct req *r, const char **out);
/* ?cursor= for lists in time order: "MICROS.SEQ", the microseconds since
 * 1970 (a '-' allowed) and the seq of a page's last row; -1 records. */
int req_cursor_time(struct req *r, const char **out);
/* Path parameter i when it is a UUID; NULL records a 404 "what". */
const char *req_uuid_param(struct req *r, int i, const char *what);
/* ?name= absent or of its kind into *out (NULL when absent); -1 records. */
int req_uuid_query(struct req *r, const char *name, const char **out);
int req_slug_query(struct req *r, const char *name, const char **out);
int req_date_query(struct req *r, const char *name, const char **out);
int req_bool_query(struct req *r, const char *name, const char **out);
/* choices: "a|b|c"; the message lists them. */
int req_enum_query(struct req *r, const char *name, const char *choices, const char **out);
/* Records that name's value is wrong (message: a string constant). */
void req_query_error(struct req *r, const char *name, const char *message);
/* Answers the recorded problem (404 or 422). */
void req_problem_query(struct req *r);
/* Frees the parsed query string (the pipeline's req_free). */
void req_query_cleanup(struct req *r);

#endif
