/*
 * TLS session resumption (Mozilla's guidance for the intermediate
 * profile): no session tickets for TLS 1.2, whose ticket keys would stay
 * the same for the daemon's whole life and undo forward secrecy; sessions
 * resume from the server's cache instead, by session id.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE(tls_sessions, e, .timeout = 120);

static int connect_local(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(fd >= 0, "socket: %s", strerror(errno));
	cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s",
		  strerror(errno));
	return fd;
}

/* One TLS 1.2 handshake and one request, offering session (may be NULL);
 * returns the session to resume next (caller frees) and whether this one
 * was resumed. */
static SSL_SESSION *handshake(SSL_CTX *ctx, SSL_SESSION *session, bool *resumed)
{
	static const char req[] = "GET /livez HTTP/1.1\r\nHost: localhost\r\n\r\n";
	char buf[2048];
	size_t got_len = 0;
	int n;
	int fd = connect_local(e.port);
	SSL *ssl = SSL_new(ctx);
	SSL_SESSION *got;

	cr_assert(ssl, "SSL_new");
	SSL_set_fd(ssl, fd);
	if (session)
		SSL_set_session(ssl, session);
	cr_assert_eq(SSL_connect(ssl), 1, "TLS 1.2 handshake failed: %s",
		     ERR_error_string(ERR_get_error(), NULL));
	cr_assert_eq(SSL_write(ssl, req, (int)sizeof req - 1), (int)sizeof req - 1);
	/* Read the whole answer (its body ends in '}'), and close cleanly:
	 * a session that ends without close_notify cannot be resumed. */
	do {
		n = SSL_read(ssl, buf + got_len, (int)(sizeof buf - 1 - got_len));
		if (n > 0)
			got_len += (size_t)n;
		buf[got_len] = '\0';
	} while (n > 0 && !strchr(buf, '}') && got_len < sizeof buf - 1);
	cr_assert(strstr(buf, " 200 "), "GET /livez: %s", buf);
	*resumed = SSL_session_reused(ssl) == 1;
	SSL_shutdown(ssl);
	got = SSL_get1_session(ssl);
	SSL_free(ssl);
	close(fd);
	return got;
}

Test(tls_sessions, tls12_resumes_by_session_id_without_a_ticket)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL_SESSION *first, *second;
	bool resumed = true;

	cr_assert(ctx, "SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	cr_assert_eq(SSL_CTX_load_verify_locations(ctx, e.cacert, NULL), 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

	first = handshake(ctx, NULL, &resumed);
	cr_assert(first, "no session after the first handshake");
	cr_expect_not(resumed, "the first handshake cannot resume");
	cr_expect_not(SSL_SESSION_has_ticket(first), "the server issued a TLS 1.2 session ticket");
	cr_expect_gt(SSL_SESSION_get_id(first, NULL) ? 1 : 0, 0);

	second = handshake(ctx, first, &resumed);
	cr_expect(resumed, "a TLS 1.2 session did not resume from the server's cache");
	SSL_SESSION_free(first);
	SSL_SESSION_free(second);
	SSL_CTX_free(ctx);
}
