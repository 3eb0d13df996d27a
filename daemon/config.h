/*
 * The daemon's configuration: one table of every key with its type,
 * default and bounds (config.c), read from an INI file and then from the
 * environment (SAMVERKAND_<SECTION>_<KEY>), which wins.
 */
#ifndef SVK_CONFIG_H
#define SVK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	/* [server] */
	char *listen;                    /* host:port */
	int workers;                     /* 0 = number of cores */
	int max_connections;             /* per worker */
	int max_connections_per_address; /* per worker; 0: no cap */
	int request_timeout;             /* seconds for a whole request to arrive */
	int max_body;                    /* bytes */
	int max_header;                  /* bytes of all request headers */
	int json_max_depth;
	int shutdown_timeout;   /* seconds to let in-flight requests finish */
	int metrics_local_only; /* /metrics only for loopback peers */
	/* [tls] */
	char *tls_cert;
	char *tls_key;
	char *tls_profile; /* intermediate | modern */
	char *tls_client_ca;
	char *tls_client_crl;
	/* [database] */
	char *db_url;
	char *db_admin_url;
	int db_pool_size; /* per worker */
	int db_queue_max;
	int db_queue_timeout_ms;
	int db_statement_timeout_ms;
	/* [auth] */
	int session_hours;
	int login_max_failures;
	int login_max_failures_address;
	int login_window_seconds;
	int argon2_ops;
	int argon2_mem_kib;
	int argon2_queue_max;         /* password checks per worker, waiting or running */
	int argon2_queue_per_address; /* of them, from one address; 0: no cap */
	/* [retention] */
	int incident_years;
	/* [audit] */
	char *audit_signing_key; /* the checkpoints' Ed25519 key file; "": none */
	/* [log] */
	char *log_level;
	/* [mail]: without a url, notifications are queued and not sent */
	char *mail_url;           /* smtp://host:port (STARTTLS) or smtps://host:port */
	char *mail_from;          /* the sender's address */
	char *mail_username;      /* SMTP authentication, with the password in: */
	char *mail_password_file; /* a file whose first line is the password */
	char *mail_base_url;      /* the web interface, for the links */
	char *mail_starttls;      /* on: smtp:// must upgrade to TLS; off: test relays */
	int mail_retry_base_ms;   /* the first retry's delay, doubling each time */
};

/*
 * Loads defaults, then path (may be NULL: no file), then the environment.
 * On error writes a message naming the key or line into err and returns -1.
 * The caller owns cfg and releases it with config_cleanup().
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
void config_cleanup(struct config *cfg);

#endif
