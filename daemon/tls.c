/*
 * TLS contexts and per-connection TLS objects (see tls.h).
 *
 * Intermediate follows Mozilla's server-side recommendation: TLS 1.2 and
 * 1.3, ECDHE/DHE with AEAD ciphers only, X25519/P-256/P-384, no
 * compression, no renegotiation, client cipher order. Session tickets stay
 * on so that returning clients skip the full handshake.
 */
#include "tls.h"

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

#define TLS12_CIPHERS                                                \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:" \
	"DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"       \
	"DHE-RSA-CHACHA20-POLY1305"
#define TLS13_SUITES "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

struct tls {
	pthread_mutex_t lock;
	SSL_CTX *ctx; /* current; guarded by lock */
	struct log *log;
	char *cert, *key, *client_ca, *client_crl;
	bool modern;
	int ex_index;
	tls_conn_free_fn conn_free;
};

static void ssl_errors(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	snprintf(err, errlen, "%s: %s", what, buf[0] ? buf : "unknown error");
}

static void conn_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
			 void *argp)
{
	struct tls *tls = argp;
	SSL *ssl = parent;

	/* bufferevent_openssl frees the SSL without SSL_shutdown, and OpenSSL
	 * then drops its session from the cache as if the connection had
	 * broken. A connection that finished its handshake ended as HTTP
	 * ends it (the client or the server closed between requests): keep
	 * its session resumable. (This runs before SSL_free looks.) */
	if (ssl && SSL_is_init_finished(ssl))
		SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_SENT_SHUTDOWN);
	(void)ad;
	(void)idx;
	(void)argl;
	if (ptr && tls && tls->conn_free)
		tls->conn_free(ptr);
}

static SSL_CTX *ctx_build(const struct tls *tls, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx) {
		ssl_errors(err, errlen, "cannot create TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, tls->modern ? TLS1_3_VERSION : TLS1_2_VERSION);
	/* No session tickets (Mozilla's intermediate profile): their key would
	 * live as long as the daemon and undo TLS 1.2's forward secrecy.
	 * Sessions resume from this context's cache instead (TLS 1.3 then
	 * issues stateful tickets that name a cached session). */
	SSL_CTX_set_options(ctx,
			    SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	if (SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"samverkand", 10) != 1) {
		ssl_errors(err, errlen, "cannot set the TLS session id context");
		goto fail;
	}
	SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS13_SUITES) != 1 ||
	    SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1 ||
	    SSL_CTX_set_dh_auto(ctx, 1) != 1) {
		ssl_errors(err, errlen, "cannot set TLS parameters");
		goto fail;
	}
	if (!tls->cert[0] || !tls->key[0]) {
		snprintf(err, errlen, "[tls] cert and key must be set");
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, tls->cert) != 1) {
		ssl_errors(err, errlen, "cannot load certificate");
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, tls->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ssl_errors(err, errlen, "cannot load private key");
		goto fail;
	}
	if (tls->client_ca[0]) {
		if (SSL_CTX_load_verify_locations(ctx, tls->client_ca, NULL) != 1) {
			ssl_errors(err, errlen, "cannot load client CA");
			goto fail;
		}
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(tls->client_ca);
		if (names)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
		if (tls->client_crl[0]) {
			X509_STORE *store = SSL_CTX_get_cert_store(ctx);
			if (X509_STORE_load_file(store, tls->client_crl) != 1) {
				ssl_errors(err, errlen, "cannot load client CRL");
				goto fail;
			}
			X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
		}
		SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"samverkan", 9);
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

struct tls *tls_new(const struct config *cfg, struct log *log, tls_conn_free_fn conn_free,
		    char *err, size_t errlen)
{
	struct tls *tls = calloc(1, sizeof *tls);

	if (!tls) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tls->log = log;
	tls->conn_free = conn_free;
	tls->modern = strcmp(cfg->tls_profile, "modern") == 0;
	tls->cert = strdup(cfg->tls_cert);
	tls->key = strdup(cfg->tls_key);
	tls->client_ca = strdup(cfg->tls_client_ca);
	tls->client_crl = strdup(cfg->tls_client_crl);
	if (!tls->cert || !tls->key || !tls->client_ca || !tls->client_crl ||
	    pthread_mutex_init(&tls->lock, NULL) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* argp is what conn_ex_free gets: without it a connection's conn is
	 * never freed and the worker's connection count never falls. */
	tls->ex_index = SSL_get_ex_new_index(0, tls, NULL, NULL, conn_ex_free);
	if (tls->ex_index < 0) {
		ssl_errors(err, errlen, "cannot register connection data");
		goto fail;
	}
	tls->ctx = ctx_build(tls, err, errlen);
	if (!tls->ctx)
		goto fail;
	return tls;
fail:
	free(tls->cert);
	free(tls->key);
	free(tls->client_ca);
	free(tls->client_crl);
	free(tls);
	return NULL;
}

void tls_free(struct tls *tls)
{
	if (!tls)
		return;
	SSL_CTX_free(tls->ctx);
	pthread_mutex_destroy(&tls->lock);
	free(tls->cert);
	free(tls->key);
	free(tls->client_ca);
	free(tls->client_crl);
	free(tls);
}

int tls_reload(struct tls *tls)
{
	char err[512];
	SSL_CTX *fresh = ctx_build(tls, err, sizeof err), *old;

	if (!fresh) {
		log_error(tls->log,
			  "msg=\"certificate reload failed, keeping the old one\" error=\"%s\"",
			  err);
		return -1;
	}
	pthread_mutex_lock(&tls->lock);
	old = tls->ctx;
	tls->ctx = fresh;
	pthread_mutex_unlock(&tls->lock);
	/* Connections made with the old context hold their own reference. */
	SSL_CTX_free(old);
	log_info(tls->log, "msg=\"certificate reloaded\" cert=\"%s\"", tls->cert);
	return 0;
}

struct bufferevent *tls_bev_new(struct tls *tls, struct event_base *base, void *conn)
{
	SSL *ssl;
	struct bufferevent *bev;

	pthread_mutex_lock(&tls->lock);
	ssl = SSL_new(tls->ctx);
	pthread_mutex_unlock(&tls->lock);
	if (!ssl)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		SSL_free(ssl);
		return NULL;
	}
	/* Set only once the bufferevent owns the SSL, so that conn is freed
	 * with it and never twice. */
	SSL_set_ex_data(ssl, tls->ex_index, conn);
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

void *tls_bev_conn(const struct tls *tls, struct bufferevent *bev)
{
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;

	return ssl ? SSL_get_ex_data(ssl, tls->ex_index) : NULL;
}

bool tls_mutual(const struct tls *tls)
{
	return tls->client_ca[0] != '\0';
}

int tls_peer_organisation(struct bufferevent *bev, char *out, size_t outlen)
{
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	X509 *peer;
	int rc = -1;

	if (!ssl)
		return -1;
	peer = SSL_get1_peer_certificate(ssl);
	if (!peer)
		return -1;
	if (SSL_get_verify_result(ssl) == X509_V_OK) {
		X509_NAME *name = X509_get_subject_name(peer);
		int n = X509_NAME_get_text_by_NID(name, NID_organizationName, out, (int)outlen);
		if (n > 0 && (size_t)n < outlen)
			rc = 0;
	}
	X509_free(peer);
	return rc;
}
