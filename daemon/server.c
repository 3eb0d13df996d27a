/*
 * The server: one worker thread per core, each with its own event loop,
 * its own listening socket on the same port (SO_REUSEPORT lets the kernel
 * spread connections), its own evhttp and database pool. The main thread
 * only waits for signals: SIGHUP reloads the certificate, SIGTERM/SIGINT
 * make /readyz answer 503, close the listeners, let in-flight requests
 * finish and then exit 0.
 *
 * Per connection we keep a struct conn, attached to the SSL object so it
 * lives exactly as long as the connection. It carries the whole-request
 * deadline: a request must have arrived completely within request_timeout
 * of the connection becoming ready for it, so a client trickling one byte
 * a second is cut off, and the connection cap.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <curl/curl.h>

#include "addrcount.h"
#include "app.h"
#include "auditkey.h"
#include "mail.h"
#include "passwd.h"
#include "db.h"
#include "request.h"
#include "tls.h"
#include "work.h"

/* evhttp's own limits sit well above ours, so that our checks (a problem
 * document with 431 or 413) are the ones a client meets; past evhttp's
 * limit it answers by itself: 400 for headers, an HTML 413 for bodies. */
#define EVHTTP_HEADER_FACTOR 64
#define EVHTTP_BODY_FACTOR 16

static void worker_request_done(struct worker *w)
{
	w->inflight--;
	if (w->stopping && w->inflight <= 0)
		event_base_loopexit(w->base, NULL);
}

static void conn_arm_deadline(struct conn *c, int seconds)
{
	struct timeval tv = { seconds, 0 };

	if (c->deadline)
		evtimer_add(c->deadline, &tv);
}

static void conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	void *evcon = NULL;

	(void)fd;
	(void)what;
	if (c->current)
		return; /* being answered: not the client's delay */
	bufferevent_getcb(c->bev, NULL, NULL, NULL, &evcon);
	if (evcon)
		evhttp_connection_free(evcon);
}

/* tls.c calls this when the connection's SSL object is freed. */
static void conn_free(void *arg)
{
	struct conn *c = arg;

	if (c->deadline)
		event_free(c->deadline);
	if (c->closed_ev)
		event_free(c->closed_ev);
	if (c->closed_only_ev)
		event_free(c->closed_only_ev);
	if (c->current)
		c->current->conn = NULL;
	if (c->busy)
		worker_request_done(c->w);
	guard_detach(c);
	c->w->nconn--;
	free(c);
}

void server_request_complete(struct evhttp_request *ereq, void *arg)
{
	struct conn *c = arg;

	(void)ereq;
	if (c->busy) {
		c->busy = false;
		worker_request_done(c->w);
	}
	conn_arm_deadline(c, c->w->app->cfg.request_timeout);
}

static struct bufferevent *worker_bevcb(struct event_base *base, void *arg)
{
	struct worker *w = arg;
	struct conn *c = calloc(1, sizeof *c);
	struct bufferevent *bev;

	if (!c)
		return NULL;
	c->w = w;
	c->deadline = evtimer_new(base, conn_deadline_cb, c);
	if (!c->deadline) {
		free(c);
		return NULL;
	}
	bev = tls_bev_new(w->app->tls, base, c);
	if (!bev) {
		event_free(c->deadline);
		free(c);
		return NULL;
	}
	c->bev = bev;
	w->nconn++;
	if (guard_attach(c, bev) != 0) {
		/* Freeing the bufferevent frees the SSL, and with it c. */
		bufferevent_free(bev);
		return NULL;
	}
	if (w->nconn > w->app->cfg.max_connections || w->stopping) {
		/* Over the cap: close as soon as evhttp has set it up. */
		atomic_fetch_add_explicit(&w->app->connections_refused, 1, memory_order_relaxed);
		c->refused = true;
		conn_arm_deadline(c, 0);
	} else {
		conn_arm_deadline(c, w->app->cfg.request_timeout);
	}
	return bev;
}

static int listen_socket(const char *listen_addr, char *err, size_t errlen)
{
	char host[256];
	const char *colon = strrchr(listen_addr, ':');
	const char *port;
	struct addrinfo hints = { 0 }, *ai = NULL;
	int fd = -1, one = 1, rc;
	size_t hlen;

	if (!colon) {
		snprintf(err, errlen, "[server] listen: expected host:port, got \"%s\"",
			 listen_addr);
		return -1;
	}
	port = colon + 1;
	hlen = (size_t)(colon - listen_addr);
	if (hlen >= sizeof host) {
		snprintf(err, errlen, "[server] listen: host too long");
		return -1;
	}
	memcpy(host, listen_addr, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] && strcmp(host, "*") ? host : NULL, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "[server] listen %s: %s", listen_addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* TCP_NODELAY on the listener is inherited by accepted sockets:
	 * without it Nagle plus delayed ACK stall every TLS response whose
	 * headers and body go out as separate records. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0)
		goto fail;
	freeaddrinfo(ai);
	return fd;
fail:
	snprintf(err, errlen, "cannot listen on %s: %s", listen_addr, strerror(errno));
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return -1;
}

static void worker_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval tv = { w->app->cfg.shutdown_timeout, 0 };

	(void)fd;
	(void)what;
	w->stopping = true;
	if (w->bound) {
		evhttp_del_accept_socket(w->http, w->bound);
		w->bound = NULL;
	}
	if (w->inflight <= 0) {
		event_base_loopexit(w->base, NULL);
		return;
	}
	/* Requests still running get shutdown_timeout to finish. */
	event_base_loopexit(w->base, &tv);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

static void worker_cleanup(struct worker *w)
{
	if (w->http)
		evhttp_free(w->http); /* frees connections, and so their conns */
	w->http = NULL;
	guard_worker_cleanup(w);
	addrcount_free(&w->pw_waiting);
	if (w->db)
		db_pool_free(w->db);
	w->db = NULL;
	if (w->stop_ev)
		event_free(w->stop_ev);
	w->stop_ev = NULL;
	if (w->base)
		event_base_free(w->base);
	w->base = NULL;
}

static int worker_init(struct worker *w, struct app *app, int id, char *err, size_t errlen)
{
	struct event_config *ec = event_config_new();
	struct db_pool_config dbc = {
		.conninfo = app->cfg.db_url,
		.size = app->cfg.db_pool_size,
		.queue_max = app->cfg.db_queue_max,
		.queue_timeout_ms = app->cfg.db_queue_timeout_ms,
		.connect_timeout_ms = 2000,
		.statement_timeout_ms = app->cfg.db_statement_timeout_ms,
	};
	int fd;

	w->app = app;
	w->id = id;
	if (!ec) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The changelist saves epoll_ctl calls; safe since we never dup()
	 * a socket. */
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	w->base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (!w->base) {
		snprintf(err, errlen, "cannot create event loop");
		return -1;
	}
	w->http = evhttp_new(w->base);
	w->stop_ev = event_new(w->base, -1, 0, worker_stop_cb, w);
	w->db = db_pool_new(w->base, &dbc, &app->log);
	if (!w->http || !w->stop_ev || !w->db) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	evhttp_set_bevcb(w->http, worker_bevcb, w);
	evhttp_set_gencb(w->http, request_handle, w);
	evhttp_set_timeout(w->http, app->cfg.request_timeout);
	evhttp_set_max_headers_size(w->http,
				    (ev_ssize_t)app->cfg.max_header * EVHTTP_HEADER_FACTOR);
	evhttp_set_max_body_size(w->http, (ev_ssize_t)app->cfg.max_body * EVHTTP_BODY_FACTOR);
	evhttp_set_flags(w->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH |
						EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
	evhttp_set_default_content_type(w->http, "application/json");
	fd = listen_socket(app->cfg.listen, err, errlen);
	if (fd < 0)
		return -1;
	w->bound = evhttp_accept_socket_with_handle(w->http, fd);
	if (!w->bound) {
		close(fd);
		snprintf(err, errlen, "cannot accept on %s", app->cfg.listen);
		return -1;
	}
	return 0;
}

struct signals {
	struct app *app;
	struct event_base *base;
};

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct signals *s = arg;
	struct app *app = s->app;

	(void)what;
	if (sig == SIGHUP) {
		log_info(&app->log, "msg=\"reloading certificate\"");
		tls_reload(app->tls);
		return;
	}
	if (atomic_exchange(&app->draining, true))
		return;
	log_info(&app->log, "msg=\"shutting down\" signal=%d", (int)sig);
	sd_notify(0, "STOPPING=1");
	for (int i = 0; i < app->nworkers; i++)
		event_active(app->workers[i].stop_ev, 0, 0);
	event_base_loopexit(s->base, NULL);
}

int server_run(struct app *app)
{
	char err[512];
	struct signals sigs = { app, NULL };
	struct event *ev_term = NULL, *ev_int = NULL, *ev_hup = NULL;
	sigset_t block, old;
	int status = 1, started = 0, mail_failed = 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (evthread_use_pthreads() != 0) {
		log_error(&app->log, "msg=\"cannot enable libevent threads\"");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	app->nworkers = app->cfg.workers > 0 ? app->cfg.workers : (cores > 0 ? (int)cores : 1);
	app->tls = tls_new(&app->cfg, &app->log, conn_free, err, sizeof err);
	if (!app->tls) {
		log_error(&app->log, "msg=\"cannot set up TLS\" error=\"%s\"", err);
		return 1;
	}
	if (passwd_init(app) != 0) {
		log_error(&app->log, "msg=\"cannot hash (out of memory?)\"");
		return 1;
	}
	if (app->cfg.audit_signing_key[0] &&
	    audit_key_load(app->cfg.audit_signing_key, &app->audit_key, err, sizeof err) != 0) {
		log_error(&app->log, "msg=\"cannot load the audit signing key\" error=\"%s\"", err);
		return 1;
	}
	/* Before any thread: libcurl's global set-up is not thread-safe. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error(&app->log, "msg=\"cannot initialise libcurl\"");
		return 1;
	}
	app->work = work_pool_new(app->nworkers);
	app->workers = calloc((size_t)app->nworkers, sizeof *app->workers);
	sigs.base = event_base_new();
	if (!app->work || !app->workers || !sigs.base) {
		log_error(&app->log, "msg=\"out of memory\"");
		goto out;
	}
	for (int i = 0; i < app->nworkers; i++) {
		if (worker_init(&app->workers[i], app, i, err, sizeof err) != 0) {
			log_error(&app->log, "msg=\"cannot start worker\" error=\"%s\"", err);
			goto out;
		}
	}
	ev_term = evsignal_new(sigs.base, SIGTERM, on_signal, &sigs);
	ev_int = evsignal_new(sigs.base, SIGINT, on_signal, &sigs);
	ev_hup = evsignal_new(sigs.base, SIGHUP, on_signal, &sigs);
	if (!ev_term || !ev_int || !ev_hup || evsignal_add(ev_term, NULL) != 0 ||
	    evsignal_add(ev_int, NULL) != 0 || evsignal_add(ev_hup, NULL) != 0) {
		log_error(&app->log, "msg=\"cannot install signal handlers\"");
		goto out;
	}
	/* Workers must never take the process's signals. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	app->mailer = mailer_start(app, &mail_failed);
	for (int i = 0; !mail_failed && i < app->nworkers; i++) {
		if (pthread_create(&app->workers[i].thread, NULL, worker_main, &app->workers[i]) !=
		    0)
			break;
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (mail_failed || started != app->nworkers) {
		if (!mail_failed)
			log_error(&app->log, "msg=\"cannot start worker threads\"");
		for (int i = 0; i < started; i++)
			event_active(app->workers[i].stop_ev, 0, 0);
		goto join;
	}
	log_info(&app->log, "msg=\"listening\" addr=%s workers=%d profile=%s mutual_tls=%s",
		 app->cfg.listen, app->nworkers, app->cfg.tls_profile,
		 tls_mutual(app->tls) ? "on" : "off");
	sd_notify(0, "READY=1");
	event_base_dispatch(sigs.base);
	status = 0;
join:
	for (int i = 0; i < started; i++)
		pthread_join(app->workers[i].thread, NULL);
	mailer_stop(app->mailer);
	app->mailer = NULL;
out:
	if (ev_term)
		event_free(ev_term);
	if (ev_int)
		event_free(ev_int);
	if (ev_hup)
		event_free(ev_hup);
	/* Password work still running posts to the worker loops: finish it
	 * before they go. */
	work_pool_free(app->work);
	app->work = NULL;
	for (int i = 0; app->workers && i < app->nworkers; i++)
		worker_cleanup(&app->workers[i]);
	free(app->workers);
	app->workers = NULL;
	if (sigs.base)
		event_base_free(sigs.base);
	tls_free(app->tls);
	app->tls = NULL;
	curl_global_cleanup();
	if (status == 0)
		log_info(&app->log, "msg=\"stopped\"");
	return status;
}
