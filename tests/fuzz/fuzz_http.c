/*
 * Raw bytes into the daemon's HTTP server: one worker's evhttp as
 * server.c sets it up (limits, methods, the connection guard of guard.c
 * on the connection's input), without TLS, listening on a Unix socket of
 * an abstract name (evhttp takes connections only from a listener, so not
 * a socketpair; and not TCP, whose closed connections would use up the
 * loopback's ports at thousands of inputs a second). Each input is sent
 * on a new connection, which is then half-closed; the loop runs until the
 * server has answered and closed it.
 * The request path is the daemon's (daemon/pipeline.c: intake, router,
 * body, auth, reads, handlers, reply); the database is a stub at the pool
 * boundary that answers every batch "unavailable" on the next turn of the
 * loop, so framing, headers, chunked bodies and the stages before the
 * database are what is fuzzed.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "db.h"
#include "guard.h"
#include "request.h"

/* ---- the database stub (db.c and db_op.c are not linked) ------------------- */

struct db_pool {
	int unused;
};

struct db_op {
	struct event *ev;
	db_cb cb;
	void *arg;
};

static void op_answer(evutil_socket_t fd, short what, void *arg)
{
	struct db_op *op = arg;
	struct db_result res = { .err = SVK_ERR_UNAVAILABLE,
				 .message = "the database is a stub in this fuzz target" };

	(void)fd;
	(void)what;
	event_free(op->ev);
	op->cb(op->arg, &res);
	free(op);
}

static struct event_base *the_base;

struct db_op *db_submit(struct db_pool *pool, const struct db_call *calls, int n, db_cb cb,
			void *arg)
{
	struct db_op *op = calloc(1, sizeof *op);
	struct timeval now = { 0, 0 };

	(void)pool;
	(void)calls;
	(void)n;
	if (!op)
		abort();
	op->cb = cb;
	op->arg = arg;
	op->ev = evtimer_new(the_base, op_answer, op);
	if (!op->ev || evtimer_add(op->ev, &now) != 0)
		abort();
	return op;
}

/* Every batch fails, so no transaction is ever open. */
struct db_op *db_submit_open(struct db_pool *pool, const struct db_call *calls, int n, db_cb cb,
			     void *arg)
{
	return db_submit(pool, calls, n, cb, arg);
}

struct db_op *db_op_end(struct db_op *open, const struct db_call *calls, int n, db_cb cb, void *arg)
{
	(void)open;
	(void)calls;
	(void)n;
	(void)cb;
	(void)arg;
	return NULL;
}

void db_op_cancel(struct db_op *op)
{
	event_free(op->ev);
	free(op);
}

bool db_pool_ready(const struct db_pool *pool)
{
	(void)pool;
	return false;
}

void db_pool_stats(const struct db_pool *pool, struct db_stats *out)
{
	(void)pool;
	memset(out, 0, sizeof *out);
}

struct db_pool *db_pool_new(struct event_base *base, const struct db_pool_config *cfg,
			    struct log *log)
{
	(void)base;
	(void)cfg;
	(void)log;
	return calloc(1, sizeof(struct db_pool));
}

void db_pool_free(struct db_pool *pool)
{
	free(pool);
}

/* As server.c's: evhttp's own limits well above the daemon's. */
#define EVHTTP_HEADER_FACTOR 64
#define EVHTTP_BODY_FACTOR 16

/* ---- one worker's server --------------------------------------------------- */

static struct app app;
static struct worker worker;
static struct sockaddr_un addr; /* an abstract name: no file, no port */
static socklen_t addr_len;
static struct conn *current; /* the connection of the input being run */

/* Like server.c's, without TLS and without the deadline. */
static struct bufferevent *plain_bevcb(struct event_base *base, void *arg)
{
	struct conn *c = calloc(1, sizeof *c);
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);

	(void)arg;
	if (!c || !bev)
		abort();
	c->w = &worker;
	c->bev = bev;
	if (guard_attach(c, bev) != 0)
		abort();
	if (current)
		abort(); /* one connection per input */
	current = c;
	return bev;
}

static void setup(void)
{
	char err[256];
	int fd;

	if (config_load(&app.cfg, NULL, err, sizeof err) != 0)
		abort();
	app.log.level = LOG_ERROR; /* not a line per request */
	worker.app = &app;
	the_base = worker.base = event_base_new();
	worker.http = evhttp_new(worker.base);
	worker.db = db_pool_new(worker.base, NULL, NULL);
	if (!worker.base || !worker.http || !worker.db)
		abort();
	evhttp_set_bevcb(worker.http, plain_bevcb, &worker);
	evhttp_set_gencb(worker.http, request_handle, &worker);
	evhttp_set_timeout(worker.http, app.cfg.request_timeout);
	evhttp_set_max_headers_size(worker.http,
				    (ev_ssize_t)app.cfg.max_header * EVHTTP_HEADER_FACTOR);
	evhttp_set_max_body_size(worker.http, (ev_ssize_t)app.cfg.max_body * EVHTTP_BODY_FACTOR);
	evhttp_set_flags(worker.http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_allowed_methods(worker.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						    EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH |
						    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
	evhttp_set_default_content_type(worker.http, "application/json");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "svk-fuzz-http-%d", (int)getpid());
	addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			       strlen(addr.sun_path + 1));
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, addr_len) != 0 || listen(fd, 16) != 0 ||
	    evutil_make_socket_nonblocking(fd) != 0 ||
	    !evhttp_accept_socket_with_handle(worker.http, fd))
		abort();
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready, echo;
	size_t sent = 0;
	bool closed = false, shut = false;
	double deadline;
	char buf[65536];
	int fd;

	if (size > 256 * 1024)
		return 0;
	if (!ready) {
		setup();
		ready = true;
		/* SVK_FUZZ_HTTP_ECHO=1: the answers on stderr (to read a reproducer's). */
		echo = getenv("SVK_FUZZ_HTTP_ECHO") != NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, addr_len) != 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
		abort();
	deadline = now_s() + 5;
	while (!closed && now_s() < deadline) {
		ssize_t n;

		if (sent < size) {
			n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN)
				sent = size; /* the server closed early */
		}
		if (sent == size && !shut) {
			(void)shutdown(fd, SHUT_WR);
			shut = true;
		}
		event_base_loop(worker.base, EVLOOP_NONBLOCK);
		n = recv(fd, buf, sizeof buf, 0);
		if (n > 0 && echo)
			fwrite(buf, 1, (size_t)n, stderr);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			closed = true;
	}
	close(fd);
	/* Let the server see the close and free the connection. */
	for (int i = 0; i < 4; i++)
		event_base_loop(worker.base, EVLOOP_NONBLOCK);
	if (!closed) {
		fprintf(stderr, "the server kept the connection open for 5 s after the input\n");
		abort();
	}
	if (current) {
		guard_detach(current);
		free(current);
		current = NULL;
	}
	return 0;
}
