/*
 * The router's path matching (daemon/router.c) over the daemon's route
 * table (daemon/routes.c), against a reference that decodes the path on
 * its own and compares it with each pattern segment by segment: the same
 * route (the first in table order whose pattern and method fit), the same
 * parameters, the same Allow mask when the path exists with other methods
 * only. Percent-escapes that decode to NUL or '/' and bad escapes match
 * nothing; the decoded segments must fit the caller's buffer, which is
 * given exactly its size so that ASan sees a write past it.
 *
 * Input: a method byte, a buffer-size byte, then the path.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"
#include "routes.h"

#define REF_MAX_SEGMENTS 12

struct ref_path {
	char seg[REF_MAX_SEGMENTS][2048];
	int n;
};

static int hex(char c)
{
	const char *digits = "0123456789abcdef0123456789ABCDEF";
	const char *p = c ? strchr(digits, c) : NULL;

	return p ? (int)((p - digits) % 16) : -1;
}

/* Splits and decodes path; false when the router must find nothing. */
static bool ref_split(const char *path, size_t seglen, struct ref_path *out)
{
	size_t used = 0;
	const char *p;

	out->n = 0;
	if (path[0] != '/')
		return false;
	if (path[1] == '\0')
		return true;
	p = path + 1;
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p), o = 0;

		if (out->n == REF_MAX_SEGMENTS)
			return false;
		for (size_t i = 0; i < len; i++) {
			char c = p[i];

			if (c == '%') {
				if (hex(p[i + 1]) < 0 || hex(p[i + 2]) < 0)
					return false;
				c = (char)(hex(p[i + 1]) * 16 + hex(p[i + 2]));
				if (c == '\0' || c == '/')
					return false;
				i += 2;
			}
			out->seg[out->n][o++] = c;
		}
		out->seg[out->n][o] = '\0';
		used += o + 1;
		out->n++;
		if (!end)
			break;
		p = end + 1;
	}
	/* Every segment and its NUL, and one byte never used. */
	return used < seglen;
}

/* Whether pattern fits the segments; params point into them. */
static bool ref_fits(const char *pattern, const struct ref_path *rp, const char **params, int *np)
{
	const char *p = pattern + 1;
	int i = 0;

	*np = 0;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (i >= rp->n)
			return false;
		if (len == 2 && memcmp(p, "{}", 2) == 0) {
			if (rp->seg[i][0] == '\0' || *np >= ROUTE_MAX_PARAMS)
				return false;
			params[(*np)++] = rp->seg[i];
		} else if (strlen(rp->seg[i]) != len || memcmp(p, rp->seg[i], len) != 0) {
			return false;
		}
		i++;
		p += len + (p[len] == '/');
	}
	return i == rp->n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref_path rp;
	const char *params[ROUTE_MAX_PARAMS] = { 0 }, *want_params[ROUTE_MAX_PARAMS] = { 0 };
	const struct route *got, *want = NULL;
	unsigned method, allow = 0xffff, want_allow = 0;
	size_t seglen;
	char *path, *segbuf;
	int want_np = 0;

	if (size < 2 || size > 2048)
		return 0;
	method = 1u << (data[0] % 8);
	seglen = data[1] < 128 ? 1 + data[1] % 64 : 512;
	path = strndup((const char *)data + 2, size - 2);
	segbuf = malloc(seglen);
	if (!path || !segbuf)
		abort();
	got = router_match(svk_routes, svk_routes_count, method, path, segbuf, seglen, params,
			   &allow);
	if (ref_split(path, seglen, &rp)) {
		for (size_t i = 0; i < svk_routes_count && !want; i++) {
			const char *tmp[ROUTE_MAX_PARAMS] = { 0 };
			int np;

			if (!ref_fits(svk_routes[i].pattern, &rp, tmp, &np))
				continue;
			if (svk_routes[i].method & method) {
				want = &svk_routes[i];
				memcpy(want_params, tmp, sizeof tmp);
				want_np = np;
			} else {
				want_allow |= svk_routes[i].method;
			}
		}
	}
	if (!want && (want_allow & M_GET))
		want_allow |= M_HEAD;
	if (got != want) {
		fprintf(stderr, "router_match(\"%s\"): %s, the reference: %s\n", path,
			got ? got->pattern : "none", want ? want->pattern : "none");
		abort();
	}
	if (!got && allow != want_allow) {
		fprintf(stderr, "router_match(\"%s\"): Allow %#x, the reference: %#x\n", path,
			allow, want_allow);
		abort();
	}
	for (int i = 0; got && i < want_np; i++) {
		if (params[i] < segbuf || params[i] >= segbuf + seglen ||
		    strcmp(params[i], want_params[i]) != 0) {
			fprintf(
			    stderr,
			    "router_match(\"%s\"): parameter %d \"%s\", the reference: \"%s\"\n",
			    path, i, params[i], want_params[i]);
			abort();
		}
	}
	if (!got) {
		char out[64];

		router_allow_string(allow, out, 1 + data[1] % sizeof out);
	}
	free(segbuf);
	free(path);
	return 0;
}
