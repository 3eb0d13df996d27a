/*
 * What the robustness helpers' files (robust_util.c, robust_tls.c,
 * robust_pgc.c) share and the tests do not need.
 */
#ifndef SVK_ROBUST_INTERNAL_H
#define SVK_ROBUST_INTERNAL_H

#include <stddef.h>

#include "robust_util.h"

/* Fixed-size formatting that fails the test instead of truncating. */
#define FMT(buf, ...)                                                                  \
	do {                                                                           \
		int n_ = snprintf((buf), sizeof(buf), __VA_ARGS__);                    \
		cr_assert(n_ >= 0 && (size_t)n_ < sizeof(buf), "too long: %s", (buf)); \
	} while (0)

/* An environment variable tests/run sets (fails the test without it). */
const char *robust_need_env(const char *name);
/* The whole of a file (malloc'd, NUL-terminated), or NULL when it cannot
 * be read; *len (when len is given) its size. */
char *robust_slurp(const char *path, size_t *len);

#endif
