/*
 * The client suites' config home; see home.h.
 */
#define _XOPEN_SOURCE 700
#include "home.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];

void home_make(void)
{
	static const char *const vars[] = {
		"SAMVERKAN_SERVER", "SAMVERKAN_CACERT", "SAMVERKAN_CERT",
		"SAMVERKAN_KEY",    "SAMVERKAN_OUTPUT", "SAMVERKAN_TOKEN",
	};
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, sizeof dir, "%s/svk-test-client.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	cr_assert(n > 0 && (size_t)n < sizeof dir, "TMPDIR is too long");
	cr_assert_not_null(mkdtemp(dir), "cannot make %s: %s", dir, strerror(errno));
	cr_assert_eq(setenv("XDG_CONFIG_HOME", dir, 1), 0);
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		cr_assert_eq(unsetenv(vars[i]), 0);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void home_remove(void)
{
	cr_assert_eq(nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0, "cannot remove %s: %s",
		     dir, strerror(errno));
}

const char *home_dir(void)
{
	return dir;
}
