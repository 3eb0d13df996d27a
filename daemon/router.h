/*
 * The route table: method, path pattern, handler, flags and the role-policy
 * action that the dispatcher checks before the handler runs (like Redis's
 * command table, whose generic checks run before the command).
 */
#ifndef SVK_ROUTER_H
#define SVK_ROUTER_H

#include <stddef.h>

#include "policy.h"

struct req;
struct read_spec;

#define ROUTE_MAX_PARAMS 4

enum route_method {
	M_GET = 1 << 0,
	M_POST = 1 << 1,
	M_PUT = 1 << 2,
	M_PATCH = 1 << 3,
	M_DELETE = 1 << 4,
	M_HEAD = 1 << 5,
	M_OPTIONS = 1 << 6,
	M_OTHER = 1 << 7,
};

enum route_flags {
	ROUTE_PUBLIC = 1 << 0, /* no authentication */
	ROUTE_BODY = 1 << 1,   /* takes a JSON object body */
	ROUTE_ETAG = 1 << 2,   /* single resource: answer with an ETag */
	ROUTE_LOCAL = 1 << 3,  /* may be restricted to localhost */
	ROUTE_SECRET = 1 << 4, /* body holds a password: no privacy scan */
	ROUTE_ITEMS = 1 << 5,  /* body may be a batch: the handler scans each item,
				* so that every bad item is named */
};

#define ACT_NONE ACT__COUNT /* authenticated, no further right needed */

struct route {
	unsigned method;     /* one enum route_method */
	const char *pattern; /* "/v1/users/{}"; {} is one segment */
	void (*handler)(struct req *r);
	unsigned flags;
	enum policy_action action;
	/* A declarative read (read.h): the route needs no handler of its own. */
	const struct read_spec *read;
};

/*
 * Finds the route for method and path (path without query string, not yet
 * percent-decoded). On a match returns it and fills params with pointers
 * into segbuf (percent-decoded segments; segbuf of seglen bytes is caller
 * storage). When the path exists with other methods only, returns NULL and
 * sets *allow to their mask (0 when no route has this path).
 */
const struct route *router_match(const struct route *routes, size_t n, unsigned method,
				 const char *path, char *segbuf, size_t seglen,
				 const char *params[ROUTE_MAX_PARAMS], unsigned *allow);

/* Writes the Allow header value for mask ("GET, POST") into out. */
void router_allow_string(unsigned mask, char *out, size_t outlen);

#endif
