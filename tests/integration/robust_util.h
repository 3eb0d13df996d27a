/*
 * Helpers for the robustness suites (test_robust.c, test_limits.c,
 * test_lifecycle.c), on top of the harness (harness.h):
 *
 *  - a raw TLS client (OpenSSL over a TCP socket to 127.0.0.1:PORT,
 *    verifying the daemon against the env's CA) that sends exactly the bytes
 *    a test gives it, reads raw responses and notices when the server closes;
 *  - a private PostgreSQL cluster a test may stop and start;
 *  - signalling the daemon and waiting for it to exit;
 *  - a superuser connection of the test's own, certificate fingerprints,
 *    the daemon's log, files.
 *
 * The raw TLS client and the fingerprints are in robust_tls.c, the private
 * cluster in robust_pgc.c, the rest in robust_util.c. As in the harness,
 * what a helper returns belongs to the env (freed by env_stop) and helpers
 * that cannot do their job fail the test.
 */
#ifndef SVK_ROBUST_UTIL_H
#define SVK_ROBUST_UTIL_H

#include <libpq-fe.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness.h"

/* ---- time --------------------------------------------------------------- */

long mono_ms(void);
/* The interval between two attempts of a bounded poll (not a substitute for
 * synchronisation: every caller loops on a condition with a deadline). */
void poll_pause(int ms);

/* ---- a raw TLS client --------------------------------------------------- */

struct tc_opts {
	int min_version;        /* TLS1_2_VERSION...; 0: OpenSSL's default */
	int max_version;        /* 0: OpenSSL's default */
	const char *cert, *key; /* a client certificate, or NULL */
	int timeout_ms;         /* for the handshake; 0: 10 s */
};

struct tc {
	int fd;
	void *ctx;     /* SSL_CTX * */
	void *ssl;     /* SSL * */
	bool refused;  /* the TCP connection was refused */
	bool ok;       /* the TLS handshake completed */
	char err[300]; /* why not, when !ok */
	char *buf;     /* bytes read and not yet taken */
	size_t len, cap;
};

/* Connects to the env's daemon and completes the handshake. Never fails
 * the test for a refused connection or a failed handshake: see ok, refused
 * and err. o may be NULL. */
struct tc *tc_connect(struct env *e, const struct tc_opts *o);
/* Writes all of data; false when the connection is gone. */
bool tc_send(struct tc *c, const void *data, size_t n);
bool tc_send_str(struct tc *c, const char *s);
/* Reads what arrives within timeout_ms into c->buf: >0 bytes read, 0 the
 * connection was closed (or broke), -1 nothing arrived in time. */
int tc_fill(struct tc *c, int timeout_ms);
/* Reads one HTTP response (headers and a Content-Length body). status 0
 * with error set when the connection closed or timeout_ms passed first. */
struct resp *tc_response(struct env *e, struct tc *c, int timeout_ms);
/* Whether the server closes the connection within timeout_ms (data that
 * arrives meanwhile is read and dropped). */
bool tc_wait_closed(struct tc *c, int timeout_ms);
/* A clean close (close_notify, then the socket). Safe twice. */
void tc_close(struct tc *c);
/* Hangs up as a client that gives up does: close_notify, then FIN
 * (shutdown SHUT_WR, whatever the client left unread); the socket itself
 * is closed later (tc_abort, env_stop). */
void tc_hangup(struct tc *c);
/* Closes the socket at once, without close_notify. */
void tc_abort(struct tc *c);
/* Resets the connection (SO_LINGER 0: RST instead of FIN), as a client
 * that dies with unread data does. */
void tc_reset(struct tc *c);
/* The SHA-256 of the server certificate, lower-case hex (65 bytes). */
void tc_peer_fingerprint(struct tc *c, char out[65]);
/* "GET path HTTP/1.1" with Host and, when token is given, Authorization. */
const char *raw_get(struct env *e, const char *path, const char *token);

/* ---- certificates and files --------------------------------------------- */

/* The SHA-256 of the first certificate in a PEM file, lower-case hex. */
void file_fingerprint(const char *path, char out[65]);
void copy_file(const char *from, const char *to, unsigned mode);
void write_file(const char *path, const char *text, unsigned mode);
void append_file(const char *path, const char *text);
/* The daemon's log (env-owned copy). */
const char *read_log(struct env *e);
/* How many times needle occurs in the daemon's log. */
int log_count(struct env *e, const char *needle);

/* ---- the daemon ----------------------------------------------------------- */

/* Waits up to timeout_ms for the daemon to exit: its status (exit code,
 * 128+signal), or -1 when it did not exit in time (it keeps running). */
int robust_wait_exit(struct env *e, int timeout_ms);
void robust_signal(struct env *e, int sig);

/* ---- SQL ------------------------------------------------------------------ */

/* A connection of the test's own to the env's database as the superuser
 * (for holding locks in a transaction while the harness's own connection
 * makes assertions). Finished by env_stop. */
PGconn *robust_owner_conn(struct env *e);
/* Runs a statement without parameters on pg; fails the test on error. */
void pg_exec_ok(PGconn *pg, const char *sql);
/* Runs a statement and ignores the outcome (for clean-up). */
void pg_exec_quiet(PGconn *pg, const char *sql);

/* ---- a private PostgreSQL cluster ------------------------------------------ */

/* A cluster of the test's own, independent of any env (it is made before
 * env_start, so that migrate and seed run against it). */
struct pgc {
	char dir[PATH_MAX]; /* socket directory; data in dir/data */
	char data[PATH_MAX + 8];
	char log[PATH_MAX + 8];
	char ini[3 * PATH_MAX]; /* the [database] section pointing at it */
	int port;
	bool made, running;
};

/* initdb, start, CREATE ROLE samverkan_app and the database svk. Uses
 * SVK_TEST_PGBIN and SVK_TEST_AS_PG like tests/run. */
void pgc_create(struct pgc *c);
/* pg_ctl -m fast stop / start, waiting for either to finish. */
void pgc_stop(struct pgc *c);
void pgc_start(struct pgc *c);
/* Stops it (immediately) and removes its directory. Safe on a half-made one. */
void pgc_destroy(struct pgc *c);

#endif
