/*
 * The integration-test harness: one `struct env` is one fresh database in
 * the throwaway cluster that tests/run starts, migrated and seeded, and one
 * real samverkand serving it over TLS on a free port. Tests drive it the
 * way users do — HTTP with libcurl, the real CLI binary — and check what
 * is stored with SQL.
 *
 * Life cycle: Criterion runs every test in a process of its own; the
 * suite's .init (ENV_SUITE, ENV_INIT below) calls env_start, the .fini
 * env_stop. env_start clones the test's database from a template that the
 * first test of the run to need it migrates and seeds (harness_db.c), so
 * every test starts from the same seeded state, with the same admin
 * password, without running migrate and seed itself; then it starts the
 * test's own daemon. Tests of migrate and seed themselves ask for an empty
 * database instead (opts.fresh_database), migrated and seeded in the test.
 * env_stop stops the daemon and drops the database: nothing a test writes
 * reaches another test.
 *
 * Ownership: everything a helper returns (responses, strings, query
 * results, process results) belongs to the env and is freed by env_stop(),
 * so a test never frees anything itself. Helpers that cannot do their job
 * fail the test (Criterion assertion) with a message saying what broke.
 *
 * Environment (exported by tests/run): SVK_TEST_PGHOST (socket dir),
 * SVK_TEST_PGPORT, SVK_TEST_PGUSER (a superuser with trust auth),
 * SVK_TEST_STATE_DIR (where the template's lock and admin password live,
 * one directory per run), and SVK_BUILD_DIR / SVK_TOP (default: the build
 * and source trees this harness was configured in). The role
 * samverkan_app must exist.
 */
#ifndef SVK_HARNESS_H
#define SVK_HARNESS_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct env_opts {
	int workers;                    /* [server]; 0: one (each worker's pool is
					 * two more PostgreSQL backends to start); tests
					 * of concurrency across workers want two */
	int request_timeout;            /* [server] seconds; 0: the daemon's default */
	int max_body;                   /* [server] bytes; 0: default */
	int json_max_depth;             /* [server]; 0: default */
	int login_max_failures;         /* [auth]; 0: default */
	int login_max_failures_address; /* [auth]; 0: default */
	int statement_timeout_ms;       /* [database]; 0: default */
	const char *tls_profile;        /* [tls] profile; NULL: intermediate */
	bool mutual_tls;                /* [tls] client_ca = the harness's test CA (the
					 * readiness probe uses polisen's certificate) */
	const char *client_ca;          /* [tls] client_ca, another file */
	const char *client_crl;         /* [tls] client_crl */
	const char *extra_ini;          /* appended to the config file as is */
	bool no_serve;                  /* the database only; env_serve() later */
	bool fresh_database;            /* an empty database, migrated and seeded by
					 * `samverkand migrate|seed` in env_start, not a
					 * clone of the template: for tests of migrate and
					 * seed, and required with a [database] in extra_ini */
	bool need_cli;                  /* skip the test when the CLI is not built */
};

struct arena_item;

struct env {
	char db[64];                /* svk_<pid>_<n> */
	char dir[PATH_MAX];         /* private temporary directory */
	char config[PATH_MAX + 32]; /* the daemon's INI file */
	char log[PATH_MAX + 32];    /* the daemon's stderr (and migrate/seed output) */
	char tls_dir[PATH_MAX];     /* the cached CA and server certificate */
	char cacert[PATH_MAX + 32]; /* tls_dir/ca.crt: what clients verify against */
	char base_url[64];          /* https://127.0.0.1:PORT */
	char admin_password[256];   /* written by `samverkand seed` (the template's) */
	int port;
	int port_fd; /* holds the port for the env's life (harness.c) */
	pid_t pid;   /* the serving daemon, or 0 */
	int pidfd;
	struct env_opts opts;
	char *admin_tok;
	void *curl;     /* CURL *: one handle, so connections are kept alive */
	void *pg_owner; /* PGconn * as the superuser */
	void *pg_app;   /* PGconn * as samverkan_app */
	bool db_created;
	bool shared; /* the binary's shared env: its daemon outlives the test */
	struct arena_item *arena;
};

/* ---- life cycle --------------------------------------------------------- */

/* Creates the config and certificates and the database (a clone of the
 * seeded template, or see opts->fresh_database) and (unless opts->no_serve)
 * starts the daemon and waits for /readyz. opts may be NULL. */
void env_start(struct env *e, const struct env_opts *opts);
/* Starts `samverkand serve` on the env's port and waits (bounded) for
 * /readyz to answer 200; on failure prints the log's tail and fails. */
void env_serve(struct env *e);
/* SIGTERM, then waits for the daemon and expects exit status 0. Called
 * from .fini (through env_stop), a failure still fails the run: Criterion
 * 2.4 ignores assertions there, so harness_main.c's main reports it. */
void env_stop_daemon(struct env *e);
/* Stops the daemon, drops the database, removes the directory (kept, and
 * the log printed, when the test failed). Safe on a half-started env. */
void env_stop(struct env *e);
/*
 * A suite's set-up: each test gets its own env in the file's variable
 * (env_), started before the test and stopped after it.
 *
 *   ENV_SUITE(audit, e, .timeout = 120);
 *     every test of the suite with the default options;
 *   ENV_INIT(start_small, e, &(struct env_opts){ .max_body = 2048 })
 *   ENV_FINI(stop, e)
 *   TestSuite(errors, .fini = stop, .timeout = 120);
 *   Test(errors, large_bodies, .init = start_small) { ... }
 *     a .init function with the given options (NULL: the defaults), for
 *     a suite whose tests differ (Criterion runs the suite's .init and
 *     then the test's, so such a suite has none of its own).
 */
#define ENV_INIT(fn, env_, ...)                  \
	static void fn(void)                     \
	{                                        \
		env_start(&(env_), __VA_ARGS__); \
	}
#define ENV_FINI(fn, env_)         \
	static void fn(void)       \
	{                          \
		env_stop(&(env_)); \
	}
#define ENV_SUITE(name, env_, ...)         \
	static void name##_env_start(void) \
	{                                  \
		env_start(&(env_), NULL);  \
	}                                  \
	ENV_FINI(name##_env_stop, env_)    \
	TestSuite(name, .init = name##_env_start, .fini = name##_env_stop, __VA_ARGS__)

/*
 * A suite whose tests share one env: one database and one daemon for the
 * whole test binary, made by its first test and stopped by the runner
 * after the last (harness_shared.c); the binary's tests then run one at a
 * time, each from the seeded data (put back before it) with an empty
 * daemon log. For suites whose tests need no settings of their own and
 * neither stop nor restart the daemon or the database.
 *
 *   ENV_SHARED_SUITE(errors, e, .timeout = 120);
 */
#define ENV_SHARED_SUITE(name, env_, ...) ENV_SHARED_SUITE_OPTS(name, env_, NULL, __VA_ARGS__)
/* The same with settings for the env (the first test's make it). */
#define ENV_SHARED_SUITE_OPTS(name, env_, opts_, ...)                     \
	static void name##_env_attach(void)                               \
	{                                                                 \
		env_attach_shared(&(env_), (opts_));                      \
	}                                                                 \
	__attribute__((constructor)) static void name##_env_declare(void) \
	{                                                                 \
		harness_shared_declared = true;                           \
	}                                                                 \
	ENV_FINI(name##_env_stop, env_)                                   \
	TestSuite(name, .init = name##_env_attach, .fini = name##_env_stop, __VA_ARGS__)
/* An init that attaches to the shared env, for suites whose tests name
 * their init. */
#define ENV_SHARED_INIT(fn, env_, opts_)                            \
	static void fn(void)                                        \
	{                                                           \
		env_attach_shared(&(env_), (opts_));                \
	}                                                           \
	__attribute__((constructor)) static void fn##_declare(void) \
	{                                                           \
		harness_shared_declared = true;                     \
	}
extern bool harness_shared_declared;
/* Attaches e to the binary's shared env, making it (with opts, which may
 * be NULL) when it is the first. */
void env_attach_shared(struct env *e, const struct env_opts *opts);

/* The source tree (SVK_TOP) and the build tree (SVK_BUILD_DIR) under test. */
const char *harness_top_dir(void);
const char *harness_build_dir(void);
/* Reserves a free loopback port that nothing listens on (connections to it
 * are refused); returns the socket holding it: close it to release. */
int harness_reserve_port(int *port);
/* The harness's CA directory (made once, shared by every test process). */
const char *harness_tls_dir(void);
/* Makes (once) the client certificate of organisation slug in the test CA;
 * the paths are written to crt/key (arena-owned). */
void env_client_cert(struct env *e, const char *slug, const char **crt, const char **key);

/* ---- processes ---------------------------------------------------------- */

struct proc {
	int status; /* exit code; 128+signal; -1 timed out or not started */
	char *out, *err;
};

/* Runs argv (argv[0] a path) with the environment changed by envset
 * ("K=V" sets, "K" unsets), stdin from in (NULL: empty), bounded by
 * timeout_ms. */
struct proc *proc_run(struct env *e, const char *const argv[], const char *const envset[],
		      const char *in, int timeout_ms);
/* `samverkand -c CONFIG args...` */
struct proc *samverkand_v(struct env *e, const char *const args[]);
#define samverkand(e, ...) samverkand_v((e), (const char *const[]){ __VA_ARGS__, NULL })

/* The real CLI with SAMVERKAN_SERVER, SAMVERKAN_CACERT and a private
 * XDG_CONFIG_HOME named home (each name its own directory in the env). */
struct cli_opts {
	const char *home;   /* NULL: "default" */
	const char *in;     /* standard input */
	const char *env[8]; /* more "K=V" / "K" changes, NULL-terminated */
};
struct proc *cli_v(struct env *e, const struct cli_opts *o, const char *const args[]);
#define cli(env_, home_, in_, ...)                                        \
	cli_v((env_), &(struct cli_opts){ .home = (home_), .in = (in_) }, \
	      (const char *const[]){ __VA_ARGS__, NULL })
/* Skips the test when the CLI has not been built. */
void cli_require(struct env *e);
/* The XDG_CONFIG_HOME a home name maps to. */
const char *cli_home_dir(struct env *e, const char *home);

/* ---- HTTP --------------------------------------------------------------- */

struct header {
	char *name, *value;
};

struct resp {
	long status;     /* 0 when no HTTP answer came (see error) */
	char error[256]; /* the transport error, if any */
	char *body;
	size_t len;
	json_t *json; /* the parsed body, NULL when not JSON */
	struct header *headers;
	size_t n_headers;
};

struct http_req {
	const char *method; /* default GET */
	const char *path;
	const char *token;         /* sent as Authorization: Bearer */
	const char *authorization; /* a raw Authorization value instead */
	const char *body;          /* with Content-Type: application/json... */
	const char *content_type;  /* ...unless this is given */
	const char *headers[8];    /* more "Name: value", NULL-terminated */
	const char *cert, *key;    /* a client certificate (mutual TLS) */
	long tls_version;          /* CURL_SSLVERSION_* (min), 0: default */
	long tls_max;              /* CURL_SSLVERSION_MAX_*, 0: default */
	bool fresh_connection;     /* a new connection, closed after the answer */
};

struct resp *http_send(struct env *e, const struct http_req *q);
struct resp *http(struct env *e, const char *method, const char *path, const char *token,
		  const char *json_body);
/* A header's value (case-insensitive name; the last one), or NULL. */
const char *resp_header(const struct resp *r, const char *name);
/* A value in the JSON body by dotted path ("user.username", "items.0.slug"). */
json_t *resp_get(const struct resp *r, const char *path);
const char *resp_str(const struct resp *r, const char *path);
/* The problem document's `code`, or "" when there is none. */
const char *resp_code(const struct resp *r);
/* Whether the problem document's `errors` name field. */
bool resp_names_field(const struct resp *r, const char *field);
/* Expects a 422 validation problem naming field; what says which request. */
void expect_invalid(const struct resp *r, const char *field, const char *what);
/* A one-line summary for assertion messages: status, code, detail, request id. */
const char *resp_why(const struct resp *r);

json_t *json_path(const json_t *root, const char *path);

/* ---- refusals ----------------------------------------------------------- */

/* How many request.refused audit rows name actor. */
long audit_refusals(struct env *e, const char *actor);
/* Sends the request and expects a refusal as a user sees it: 403
 * `forbidden` with a detail containing reason_part ("" for any), and one
 * more request.refused audit row of actor, the newest, naming the request
 * by its route's pattern ({} standing for a segment). */
struct resp *expect_refused_request(struct env *e, const char *actor, const char *tok,
				    const char *method, const char *path, const char *body,
				    const char *reason_part);

/* ---- accounts ----------------------------------------------------------- */

/* Logs in (expects 201) and returns the token. */
const char *login(struct env *e, const char *username, const char *password);
/* The seeded admin's session token (logged in once per env). */
const char *admin_token(struct env *e);
/* Creates a user in organisation org through the API; returns the
 * generated password (shown once by the API). */
const char *user_create(struct env *e, const char *username, const char *org);
/* PUT /v1/groups/{group}/members/{username} as admin; until may be NULL. */
void member_add(struct env *e, const char *group, const char *username, const char *role,
		const char *until);
/* user_create + member_add (group may be NULL) + login: the user's token. */
const char *user_in_group(struct env *e, const char *username, const char *org, const char *group,
			  const char *role);

/* ---- SQL (for assertions) ------------------------------------------------ */

enum sql_as { SQL_OWNER, SQL_APP };

struct sqlres {
	bool ok;
	char sqlstate[6];
	char *error;
	int nrows, ncols;
	char **cells; /* nrows * ncols; NULL is SQL NULL */
};

/* sql[0] is the statement, the rest its text parameters ($1...). */
struct sqlres *sql_run(struct env *e, enum sql_as as, const char *const sql[]);
#define sql_query(e, ...) sql_run((e), SQL_OWNER, (const char *const[]){ __VA_ARGS__, NULL })
#define sql_query_app(e, ...) sql_run((e), SQL_APP, (const char *const[]){ __VA_ARGS__, NULL })
/* The single number a count(*) statement returns (expects success). */
long sql_count_v(struct env *e, const char *const sql[]);
#define sql_count(e, ...) sql_count_v((e), (const char *const[]){ __VA_ARGS__, NULL })
/* The first cell (expects success and a row); NULL for SQL NULL. */
const char *sql_value_v(struct env *e, const char *const sql[]);
#define sql_value(e, ...) sql_value_v((e), (const char *const[]){ __VA_ARGS__, NULL })
const char *sql_cell(const struct sqlres *r, int row, int col);

/* The seeded agreement's (2023-01-01) action plan of a municipality, and
 * its focus area of an ordinal, as ids. */
const char *seed_plan(struct env *e, const char *municipality);
const char *seed_focus_area(struct env *e, int ordinal);
/* Makes the latest agreement that has begun run at least `days` more days
 * (the seed's ends on 2026-12-31: a test that needs an agreement in force
 * stays true after that) and returns the end of the one in force. */
const char *agreement_in_force(struct env *e, int days);

/* ---- strings ------------------------------------------------------------ */

/* printf into an env-owned string. */
char *strf(struct env *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* json_pack into an env-owned compact JSON text (expects a valid format). */
const char *jsonf(struct env *e, const char *fmt, ...);
/* Hands p to the env, to be freed with fn by env_stop. Returns p. */
void *env_keep(struct env *e, void *p, void (*fn)(void *));

/* Whether an assertion has failed in this test process. */
bool harness_test_failed(void);

#endif
