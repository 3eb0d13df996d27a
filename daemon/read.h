/*
 * Declarative reads: a route row names its statement, its parameters and
 * its not-found text (a struct read_spec), and one builder and one reply
 * serve every such route. Each parameter kind is checked here once, so a
 * list's ?limit=, ?cursor=, dates and ids mean the same everywhere.
 *
 * The statement goes out in the same round trip as the token lookup
 * (auth.c); its result is answered once the caller is known and allowed
 * (pipeline.c).
 */
#ifndef SVK_READ_H
#define SVK_READ_H

#include "db.h"

struct req;
struct db_result;

enum read_arg_kind {
	RA_END = 0,    /* the end of the list */
	RA_PATH,       /* path segment .index as it is (a slug, a username) */
	RA_PATH_UUID,  /* path segment .index, a UUID, else 404 not_found */
	RA_PATH_INT,   /* path segment .index, 1 to 9 digits, else 404 not_found */
	RA_LIMIT,      /* ?limit= 1..500, default 50 */
	RA_CURSOR,     /* ?cursor= as given (the last key of a slug-ordered page) */
	RA_CURSOR_SEQ, /* ?cursor= digits (the last seq of a seq-ordered page) */
	RA_CURSOR_TS,  /* ?cursor= MICROS.SEQ (a page in time order, then seq) */
	RA_TEXT,       /* ?name= as given */
	RA_SLUG,       /* ?name= a slug */
	RA_UUID,       /* ?name= a UUID */
	RA_DATE,       /* ?name= YYYY-MM-DD */
	RA_BOOL,       /* ?name= true|false */
	RA_ENUM,       /* ?name= one of .choices ("a|b|c") */
	RA_TOKEN,      /* the caller's token (its hash) */
};

struct read_arg {
	enum read_arg_kind kind;
	const char *name;    /* the query parameter */
	int index;           /* the path segment */
	const char *choices; /* RA_ENUM */
};

struct read_spec {
	const char *stmt;      /* a SQL_* name from sql/queries (sql_names.h) */
	const char *not_found; /* the 404's detail when there is no row */
	/* With Accept: text/csv, this statement instead (NULL: none). */
	const char *csv_stmt;
	/* The answer when it is more than the row as JSON (NULL: the row). */
	void (*reply)(struct req *r, const struct db_result *res);
	struct read_arg args[DB_MAX_PARAMS];
};

/* Builds the route's statement into call: 0, or -1 after recording the
 * first bad parameter (query.h). */
int read_build(struct req *r, const struct read_spec *spec, struct db_call *call);

/* Answers the read's result (statement 0 of res). */
void read_reply(struct req *r, const struct read_spec *spec, const struct db_result *res);

/* Whether the request asks for CSV (Accept: text/csv). */
bool req_wants_csv(struct req *r);

#endif
