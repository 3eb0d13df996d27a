/*
 * The operator's commands that run before or beside the server, each a
 * short synchronous program (blocking libpq is fine here: no event loop):
 * `migrate` applies the embedded migrations and then the functions, `seed`
 * loads the agreement's seed data, and the start-up check that refuses to
 * serve an old schema.
 */
#ifndef SVK_ADMIN_H
#define SVK_ADMIN_H

#include <stddef.h>

struct config;
struct log;

/* Applies pending migrations as [database] admin_url, then every function
 * file again (one transaction), recording its checksum; 0 or 1. */
int admin_migrate(const struct config *cfg, struct log *log);

/* 0: schema current; 1: migrations pending or changed, or the recorded
 * functions checksum not this build's (message logged);
 * 2: the database could not be reached (the server starts anyway). */
int admin_schema_check(const struct config *cfg, struct log *log);

/* Loads the seed file; creates the admin account when missing, writing its
 * password to password_file (mode 0600). With demo_users_file, also loads
 * demo.json beside the seed file: demo users (their passwords written to
 * that file, 0600) and example interventions. 0 or 1. */
int admin_seed(const struct config *cfg, struct log *log, const char *seed_file,
	       const char *password_file, const char *demo_users_file);

/* Deletes incidents older than [retention] incident_years, after writing
 * the run's audit entry; with dry_run only counts them. 0 or 1. */
int admin_purge(const struct config *cfg, struct log *log, int dry_run);

/* Queues the scheduled notifications due as of now (a timestamp
 * PostgreSQL reads; NULL: the present) and prints the mails queued per
 * kind. 0, 1, or 2 when now cannot be read. */
int admin_notify_scheduled(const struct config *cfg, struct log *log, const char *now);

/* Number of migrations embedded in this binary. */
size_t admin_migrations_count(void);

/* The SHA-256 (hex, into out) of the function files embedded in this
 * binary: what migrate records and the schema check expects. */
void admin_functions_checksum(char out[65]);

/* Argon2id hash of password into out (crypto_pwhash_STRBYTES); 0 or -1. */
int admin_hash_password(const struct config *cfg, const char *password, char *out);

/* A random password of len base62 characters (len + 1 bytes in out). */
void admin_random_password(char *out, size_t len);

#endif
