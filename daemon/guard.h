/*
 * The connection guard: each request's head is looked at as it arrives,
 * before evhttp parses it, so that a body larger than [server] max_body is
 * never read and a connection over the per-address cap is answered without
 * reading its body. See guard.c.
 */
#ifndef SVK_GUARD_H
#define SVK_GUARD_H

#include <stdbool.h>
#include <stdint.h>

struct conn;
struct worker;
struct bufferevent;

/* The header a too-large Content-Length line becomes (the same length, so
 * that it is renamed in place): intake.c answers 413 when it is present. */
#define GUARD_REFUSED_HEADER "X-Body-Refused"

struct guard {
	uint64_t added;    /* stream bytes added to the input so far */
	uint64_t deleted;  /* stream bytes removed from it (by evhttp or us) */
	uint64_t line;     /* where the line being read starts */
	uint64_t head_end; /* where the current body starts */
	uint64_t body_end; /* where it ends */
	int state;         /* enum in guard.c */
	bool first_line;   /* the request line of this head was seen */
	bool discard;      /* the current body is dropped as it arrives */
	bool counted;      /* the peer address was counted (see guard_peer) */
	bool in_cb;
	int n_length;      /* Content-Length lines in this head */
	uint64_t declared; /* what the one Content-Length says */
	char peer[48];     /* the peer address, once counted */
};

/* Starts watching the connection's input (the TLS bufferevent's). */
int guard_attach(struct conn *c, struct bufferevent *bev);

/* Forgets the connection's peer address (its connection is gone). */
void guard_detach(struct conn *c);

/* The worker's table of open connections per address. */
void guard_worker_cleanup(struct worker *w);

#endif
