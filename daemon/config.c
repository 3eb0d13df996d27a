/*
 * The configuration table (see config.h). Adding a setting is one row here
 * and one field in struct config; the example in deploy/ documents it.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt_type { OPT_STR, OPT_INT };

struct opt {
	const char *section;
	const char *name;
	enum opt_type type;
	size_t offset;
	const char *def;
	long min, max;
};

/* One setting a row. */
/* clang-format off */
#define S(sec, key, field, def) \
	{ sec, key, OPT_STR, offsetof(struct config, field), def, 0, 0 }
#define I(sec, key, field, def, lo, hi) \
	{ sec, key, OPT_INT, offsetof(struct config, field), #def, lo, hi }
/* clang-format on */

static const struct opt opts[] = {
	S("server", "listen", listen, "127.0.0.1:8443"),
	I("server", "workers", workers, 0, 0, 256),
	I("server", "max_connections", max_connections, 4096, 1, 1000000),
	I("server", "max_connections_per_address", max_connections_per_address, 256, 0, 1000000),
	I("server", "request_timeout", request_timeout, 30, 1, 3600),
	I("server", "max_body", max_body, 1048576, 1024, 268435456),
	I("server", "max_header", max_header, 16384, 1024, 1048576),
	I("server", "json_max_depth", json_max_depth, 32, 2, 1024),
	I("server", "shutdown_timeout", shutdown_timeout, 20, 1, 3600),
	I("server", "metrics_local_only", metrics_local_only, 1, 0, 1),
	S("tls", "cert", tls_cert, ""),
	S("tls", "key", tls_key, ""),
	S("tls", "profile", tls_profile, "intermediate"),
	S("tls", "client_ca", tls_client_ca, ""),
	S("tls", "client_crl", tls_client_crl, ""),
	S("database", "url", db_url, "dbname=samverkan user=samverkan_app"),
	S("database", "admin_url", db_admin_url, ""),
	I("database", "pool_size", db_pool_size, 4, 1, 256),
	I("database", "queue_max", db_queue_max, 256, 0, 1000000),
	I("database", "queue_timeout_ms", db_queue_timeout_ms, 1500, 10, 60000),
	I("database", "statement_timeout_ms", db_statement_timeout_ms, 10000, 0, 3600000),
	I("auth", "session_hours", session_hours, 12, 1, 24 * 30),
	I("auth", "login_max_failures", login_max_failures, 5, 1, 1000),
	I("auth", "login_max_failures_address", login_max_failures_address, 20, 1, 100000),
	I("auth", "login_window_seconds", login_window_seconds, 900, 1, 86400),
	I("auth", "argon2_ops", argon2_ops, 2, 1, 32),
	I("auth", "argon2_mem_kib", argon2_mem_kib, 65536, 8, 4194304),
	I("auth", "argon2_queue_max", argon2_queue_max, 64, 1, 100000),
	I("auth", "argon2_queue_per_address", argon2_queue_per_address, 8, 0, 100000),
	I("retention", "incident_years", incident_years, 5, 1, 100),
	S("audit", "signing_key", audit_signing_key, ""),
	S("log", "level", log_level, "info"),
	S("mail", "url", mail_url, ""),
	S("mail", "from", mail_from, ""),
	S("mail", "username", mail_username, ""),
	S("mail", "password_file", mail_password_file, ""),
	S("mail", "base_url", mail_base_url, ""),
	S("mail", "starttls", mail_starttls, "on"),
	I("mail", "retry_base_ms", mail_retry_base_ms, 60000, 10, 3600000),
};

#define N_OPTS (sizeof opts / sizeof opts[0])

struct load_ctx {
	struct config *cfg;
	char *err;
	size_t errlen;
	int failed;
};

static int set_opt(struct config *cfg, const struct opt *o, const char *value, char *err,
		   size_t errlen)
{
	char *base = (char *)cfg;

	if (o->type == OPT_STR) {
		char **slot = (char **)(void *)(base + o->offset);
		char *copy = strdup(value);
		if (!copy) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		free(*slot);
		*slot = copy;
		return 0;
	}
	char *end;
	long v;
	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end != '\0' || v < o->min || v > o->max) {
		snprintf(err, errlen,
			 "[%s] %s: expected a whole number from %ld to %ld, got \"%s\"", o->section,
			 o->name, o->min, o->max, value);
		return -1;
	}
	*(int *)(void *)(base + o->offset) = (int)v;
	return 0;
}

static const struct opt *find_opt(const char *section, const char *name)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (strcmp(opts[i].section, section) == 0 && strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

static int config_ini_line(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *ctx = user;
	const struct opt *o;

	if (ctx->failed)
		return 0;
	o = find_opt(section, name);
	if (!o) {
		snprintf(ctx->err, ctx->errlen, "unknown setting [%s] %s", section, name);
		ctx->failed = 1;
		return 0;
	}
	if (set_opt(ctx->cfg, o, value, ctx->err, ctx->errlen) != 0) {
		ctx->failed = 1;
		return 0;
	}
	return 1;
}

/* Mail is off without a url; with one, it says where from and where to. */
static int check_mail(const struct config *cfg, char *err, size_t errlen)
{
	if (strcmp(cfg->mail_starttls, "on") != 0 && strcmp(cfg->mail_starttls, "off") != 0) {
		snprintf(err, errlen, "[mail] starttls: expected on or off, got \"%s\"",
			 cfg->mail_starttls);
		return -1;
	}
	if (!cfg->mail_url[0])
		return 0;
	if (strncmp(cfg->mail_url, "smtp://", 7) != 0 &&
	    strncmp(cfg->mail_url, "smtps://", 8) != 0) {
		snprintf(err, errlen,
			 "[mail] url: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]");
		return -1;
	}
	if (!strchr(cfg->mail_from, '@')) {
		snprintf(err, errlen, "[mail] from: an address (name@domain) is needed with a url");
		return -1;
	}
	if (strncmp(cfg->mail_base_url, "https://", 8) != 0 &&
	    strncmp(cfg->mail_base_url, "http://", 7) != 0) {
		snprintf(err, errlen,
			 "[mail] base_url: the web interface's address (https://...) is needed "
			 "with a url, for the links in the mails");
		return -1;
	}
	return 0;
}

static int check(const struct config *cfg, char *err, size_t errlen)
{
	if (strcmp(cfg->tls_profile, "intermediate") != 0 &&
	    strcmp(cfg->tls_profile, "modern") != 0) {
		snprintf(err, errlen, "[tls] profile: expected intermediate or modern, got \"%s\"",
			 cfg->tls_profile);
		return -1;
	}
	if (strcmp(cfg->log_level, "error") && strcmp(cfg->log_level, "warn") &&
	    strcmp(cfg->log_level, "info") && strcmp(cfg->log_level, "debug")) {
		snprintf(err, errlen, "[log] level: expected error, warn, info or debug");
		return -1;
	}
	return check_mail(cfg, err, errlen);
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	struct load_ctx ctx = { cfg, err, errlen, 0 };

	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < N_OPTS; i++)
		if (set_opt(cfg, &opts[i], opts[i].def, err, errlen) != 0)
			return -1;
	if (path) {
		int rc = ini_parse(path, config_ini_line, &ctx);
		if (rc < 0) {
			snprintf(err, errlen, "cannot read config file %s", path);
			return -1;
		}
		if (ctx.failed)
			return -1;
		if (rc > 0) {
			snprintf(err, errlen, "%s:%d: syntax error", path, rc);
			return -1;
		}
	}
	for (size_t i = 0; i < N_OPTS; i++) {
		char var[128];
		size_t k = 0;
		const char *v;
		int n = snprintf(var, sizeof var, "SAMVERKAND_%s_%s", opts[i].section,
				 opts[i].name);
		if (n < 0 || (size_t)n >= sizeof var)
			continue;
		for (k = 0; var[k]; k++)
			var[k] = (char)toupper((unsigned char)var[k]);
		v = getenv(var);
		if (v && set_opt(cfg, &opts[i], v, err, errlen) != 0)
			return -1;
	}
	return check(cfg, err, errlen);
}

void config_cleanup(struct config *cfg)
{
	char *base = (char *)cfg;

	for (size_t i = 0; i < N_OPTS; i++) {
		if (opts[i].type == OPT_STR) {
			char **slot = (char **)(void *)(base + opts[i].offset);
			free(*slot);
			*slot = NULL;
		}
	}
}
