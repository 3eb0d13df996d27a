/*
 * What the harness's files share and tests do not need.
 */
#ifndef SVK_HARNESS_INTERNAL_H
#define SVK_HARNESS_INTERNAL_H

#include <criterion/criterion.h>

#include "harness.h"

/* Fixed-size path formatting that fails the test instead of truncating. */
#define PATHF(buf, ...)                                                                     \
	do {                                                                                \
		int n_ = snprintf((buf), sizeof(buf), __VA_ARGS__);                         \
		cr_assert(n_ >= 0 && (size_t)n_ < sizeof(buf), "path too long: %s", (buf)); \
	} while (0)

/* The env's directory, config file, port and certificates, without a
 * database or a daemon; db names the database (NULL: a new name). */
void env_prepare(struct env *e, const struct env_opts *opts, const char *db);
/* The env's database (harness_db.c): a clone of the template, or with
 * opts.fresh_database an empty one migrated and seeded; and its removal. */
void harness_db_create(struct env *e);
void harness_db_drop(struct env *e);
/* Frees what this test process holds of a shared env (harness_shared.c);
 * the daemon and the database stay for the binary's next test. */
void env_detach_shared(struct env *e);
/* The runner's end of the shared env: stops its daemon, drops its
 * database; the number of failures found (printed). */
int harness_shared_finish(void);
/* Frees what the env's helpers allocated (harness.c). */
void harness_env_free(struct env *e);
/* Runs a statement on the cluster's maintenance database (harness_db.c). */
bool harness_cluster_exec(struct env *e, const char *what, const char *const parts[], bool must);
void harness_print_log_tail(const struct env *e, const char *why);
/* Runs a process to completion (see harness_proc.c); *out and *err malloc'd. */
int harness_run(const char *const argv[], const char *const envset[], const char *in,
		int timeout_ms, char **out, char **err);
/* A libpq conninfo for db as user on the test cluster (env-owned). */
const char *harness_conninfo(struct env *e, const char *db, const char *user);
/* An environment variable the harness cannot do without (fails the test). */
const char *harness_need_env(const char *name);
/* Appends a titled section to the env's log. */
void harness_log_append(struct env *e, const char *title, const char *text);
long harness_now_ms(void);
int harness_pidfd(pid_t pid);
/* A child's environment: ours, changed by envset ("NAME=value" each,
 * NULL-terminated); the array is malloc'd, its strings are not. NULL on no
 * memory. */
char **harness_child_environ(const char *const envset[]);
/* Removes dir and all under it, as rm -rf; 0, or -1 with errno. */
int harness_rm_tree(const char *dir);
/* A wait status as an exit code: the code, or 128 + the signal. */
int harness_status(int st);
/* Records a failure that must fail the run even in .fini (harness_main.c). */
void harness_teardown_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
