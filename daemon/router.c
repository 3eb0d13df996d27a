/*
 * Path matching for the route table (see router.h). Patterns are split on
 * '/', and "{}" matches exactly one non-empty segment. Tables are short,
 * so a linear scan is both simple and fast.
 */
#include "router.h"

#include <stdio.h>
#include <string.h>

#define MAX_SEGMENTS 12

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Splits path into decoded segments in buf; returns the count or -1. */
static int split_path(const char *path, char *buf, size_t buflen, const char *segs[MAX_SEGMENTS])
{
	size_t o = 0;
	int n = 0;

	if (path[0] != '/')
		return -1;
	path++;
	if (*path == '\0')
		return 0;
	for (;;) {
		if (n == MAX_SEGMENTS)
			return -1;
		segs[n] = buf + o;
		while (*path && *path != '/') {
			char c = *path++;
			if (c == '%') {
				int hi = hexval(path[0]), lo = hi < 0 ? -1 : hexval(path[1]);
				if (hi < 0 || lo < 0)
					return -1;
				c = (char)(hi * 16 + lo);
				if (c == '\0' || c == '/')
					return -1;
				path += 2;
			}
			if (o + 1 >= buflen)
				return -1;
			buf[o++] = c;
		}
		if (o + 1 >= buflen)
			return -1;
		buf[o++] = '\0';
		n++;
		if (*path == '\0')
			break;
		path++; /* '/' */
	}
	/* A trailing slash leaves an empty last segment: no route has one. */
	return n;
}

static int match_pattern(const char *pattern, const char *const *segs, int nseg,
			 const char *params[ROUTE_MAX_PARAMS])
{
	int i = 0, np = 0;
	const char *p = pattern + 1;

	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (i >= nseg)
			return 0;
		if (len == 2 && p[0] == '{' && p[1] == '}') {
			if (segs[i][0] == '\0' || np >= ROUTE_MAX_PARAMS)
				return 0;
			params[np++] = segs[i];
		} else if (strlen(segs[i]) != len || memcmp(segs[i], p, len) != 0) {
			return 0;
		}
		i++;
		p += len;
		if (*p == '/')
			p++;
	}
	/* The rest are NULL: req_param(r, n) past the route's own is NULL. */
	for (int k = np; k < ROUTE_MAX_PARAMS; k++)
		params[k] = NULL;
	return i == nseg;
}

const struct route *router_match(const struct route *routes, size_t n, unsigned method,
				 const char *path, char *segbuf, size_t seglen,
				 const char *params[ROUTE_MAX_PARAMS], unsigned *allow)
{
	const char *segs[MAX_SEGMENTS];
	const char *tmp[ROUTE_MAX_PARAMS];
	int nseg = split_path(path, segbuf, seglen, segs);

	*allow = 0;
	if (nseg < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!match_pattern(routes[i].pattern, segs, nseg, tmp))
			continue;
		if (routes[i].method & method) {
			memcpy(params, tmp, sizeof tmp);
			return &routes[i];
		}
		*allow |= routes[i].method;
	}
	if (*allow & M_GET)
		*allow |= M_HEAD;
	return NULL;
}

void router_allow_string(unsigned mask, char *out, size_t outlen)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = { { M_GET, "GET" },        { M_HEAD, "HEAD" },   { M_POST, "POST" },
		      { M_PUT, "PUT" },        { M_PATCH, "PATCH" }, { M_DELETE, "DELETE" },
		      { M_OPTIONS, "OPTIONS" } };
	size_t o = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(mask & names[i].bit))
			continue;
		int w = snprintf(out + o, outlen - o, "%s%s", o ? ", " : "", names[i].name);
		if (w < 0 || (size_t)w >= outlen - o)
			return;
		o += (size_t)w;
	}
}
