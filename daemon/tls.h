/*
 * TLS for the listener: the only part of the daemon that includes OpenSSL.
 * The SSL_CTX is built once from the config (Mozilla's intermediate
 * profile, or TLS 1.3 alone for `modern`) and replaced as a whole on
 * reload; a bad new certificate keeps the old context.
 */
#ifndef SVK_TLS_H
#define SVK_TLS_H

#include <stdbool.h>
#include <stddef.h>

struct bufferevent;
struct event_base;
struct config;
struct log;
struct tls;

/* Called when a connection's TLS state is freed, with the pointer given
 * to tls_bev_new (so per-connection data lives exactly as long). */
typedef void (*tls_conn_free_fn)(void *conn);

/* Builds the context; NULL with a message in err on failure. */
struct tls *tls_new(const struct config *cfg, struct log *log, tls_conn_free_fn conn_free,
		    char *err, size_t errlen);
void tls_free(struct tls *tls);

/* Re-reads certificate and key; on failure logs, keeps the old context and
 * returns -1. Safe to call while workers accept connections. */
int tls_reload(struct tls *tls);

/* A server-side TLS bufferevent for evhttp (fd set later by evhttp),
 * carrying conn. NULL on failure (conn is then not owned). */
struct bufferevent *tls_bev_new(struct tls *tls, struct event_base *base, void *conn);

/* The conn pointer given to tls_bev_new, or NULL. */
void *tls_bev_conn(const struct tls *tls, struct bufferevent *bev);

/* True when mutual TLS is on (a client CA is configured). */
bool tls_mutual(const struct tls *tls);

/* Copies the O= of the verified client certificate into out; returns 0,
 * or -1 when there is none. */
int tls_peer_organisation(struct bufferevent *bev, char *out, size_t outlen);

#endif
