/*
 * The runner's main and what it adds to Criterion's: failures found while
 * tearing a test down (see harness_teardown_failed) fail the run.
 */
#include <criterion/criterion.h>
#include <criterion/options.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness_internal.h"

/*
 * Criterion 2.4 counts a test as passed whatever its .fini does (a failed
 * assertion, even abort()). What env_stop() finds — a daemon that exits
 * non-zero after SIGTERM, e.g. LeakSanitizer's report — must still fail
 * the run: the test process writes it to a file in SVK_IT_TEARDOWN_DIR,
 * and main (below, the runner's) reports those files and exits 1.
 */
#define TEARDOWN_DIR_VAR "SVK_IT_TEARDOWN_DIR"
#define SHARED_VAR "SVK_IT_SHARED"

void harness_teardown_failed(const char *fmt, ...)
{
	const char *dir = getenv(TEARDOWN_DIR_VAR);
	char path[PATH_MAX], msg[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* In the test body this fails the test; in .fini Criterion ignores it. */
	cr_expect_fail("%s", msg);
	if (!dir || snprintf(path, sizeof path, "%s/%ld", dir, (long)getpid()) >= (int)sizeof path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s::%s: %s\n", criterion_current_suite ? criterion_current_suite->name : "?",
		criterion_current_test ? criterion_current_test->name : "?", msg);
	fclose(f);
}

/* Prints and removes the teardown failures the test processes left. */
static int report_teardown_failures(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int failures = 0;

	if (!d)
		return 0;
	for (de = readdir(d); de; de = readdir(d)) {
		char path[PATH_MAX], line[1024];
		FILE *f;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
			continue;
		f = fopen(path, "r");
		while (f && fgets(line, sizeof line, f)) {
			if (!failures++)
				fprintf(stderr, "\n[FAIL] failures found while tearing tests down "
						"(Criterion counted these tests as passed):\n");
			fprintf(stderr, "[FAIL]   %s", line);
		}
		if (f)
			fclose(f);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
	return failures;
}

/* The runner: Criterion's own main, plus the teardown failures. Test
 * processes never come here (Criterion runs them before main). */
int main(int argc, char *argv[])
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], shared[PATH_MAX + 16];
	struct criterion_test_set *tests;
	int result = 0;

	if (snprintf(dir, sizeof dir, "%s/svk-it-teardown.XXXXXX", tmp && tmp[0] ? tmp : "/tmp") >=
		(int)sizeof dir ||
	    !mkdtemp(dir) || setenv(TEARDOWN_DIR_VAR, dir, 1) != 0) {
		fprintf(stderr, "cannot make a temporary directory: %s\n", strerror(errno));
		return 1;
	}
	if (snprintf(shared, sizeof shared, "%s/shared.env", dir) >= (int)sizeof shared ||
	    setenv(SHARED_VAR, shared, 1) != 0) {
		fprintf(stderr, "cannot name the shared env's file\n");
		return 1;
	}
	tests = criterion_initialize();
	if (criterion_handle_args(argc, argv, true)) {
		/* The tests of a shared env take turns (harness_shared.c). */
		if (harness_shared_declared)
			criterion_options.jobs = 1;
		result = !criterion_run_all_tests(tests);
	}
	criterion_finalize(tests);
	if (harness_shared_finish() > 0)
		result = 1;
	if (report_teardown_failures(dir) > 0)
		result = 1;
	return result;
}
