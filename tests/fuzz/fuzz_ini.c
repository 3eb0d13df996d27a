/*
 * The daemon's configuration file (daemon/config.c over inih): the input
 * is the file, kept in a memory file and read through its /proc path as
 * config_load reads any file. Checked: a file that loads leaves every
 * setting within its documented bounds (deploy/samverkand.ini.example)
 * and every text set; one that does not says why; config_cleanup frees
 * what either left (LeakSanitizer watches).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

static void fail(const char *what)
{
	fprintf(stderr, "config: %s\n", what);
	abort();
}

static void within(int v, int lo, int hi, const char *name)
{
	if (v < lo || v > hi)
		fail(name);
}

static void check_loaded(const struct config *c)
{
	const char *texts[] = { c->listen,      c->tls_cert,      c->tls_key,
				c->tls_profile, c->tls_client_ca, c->tls_client_crl,
				c->db_url,      c->db_admin_url,  c->log_level };

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!texts[i])
			fail("a text setting left unset");
	if (strcmp(c->tls_profile, "intermediate") != 0 && strcmp(c->tls_profile, "modern") != 0)
		fail("[tls] profile");
	if (strcmp(c->log_level, "error") != 0 && strcmp(c->log_level, "warn") != 0 &&
	    strcmp(c->log_level, "info") != 0 && strcmp(c->log_level, "debug") != 0)
		fail("[log] level");
	within(c->workers, 0, 256, "workers");
	within(c->max_connections, 1, 1000000, "max_connections");
	within(c->request_timeout, 1, 3600, "request_timeout");
	within(c->max_body, 1024, 268435456, "max_body");
	within(c->max_header, 1024, 1048576, "max_header");
	within(c->json_max_depth, 2, 1024, "json_max_depth");
	within(c->metrics_local_only, 0, 1, "metrics_local_only");
	within(c->db_pool_size, 1, 256, "pool_size");
	within(c->db_queue_timeout_ms, 10, 60000, "queue_timeout_ms");
	within(c->session_hours, 1, 720, "session_hours");
	within(c->argon2_ops, 1, 32, "argon2_ops");
	within(c->argon2_mem_kib, 8, 4194304, "argon2_mem_kib");
	within(c->incident_years, 1, 100, "incident_years");
	if (!c->mail_url || !c->mail_from || !c->mail_username || !c->mail_password_file ||
	    !c->mail_base_url || !c->mail_starttls)
		fail("a [mail] text left unset");
	within(c->mail_retry_base_ms, 10, 3600000, "retry_base_ms");
	if (strcmp(c->mail_starttls, "on") != 0 && strcmp(c->mail_starttls, "off") != 0)
		fail("[mail] starttls");
	if (c->mail_url[0] && strncmp(c->mail_url, "smtp://", 7) != 0 &&
	    strncmp(c->mail_url, "smtps://", 8) != 0)
		fail("[mail] url");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct config cfg;
	char err[256];
	int rc;

	if (size > 65536)
		return 0;
	if (fd < 0) {
		fd = memfd_create("samverkand.ini", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	err[0] = '\0';
	rc = config_load(&cfg, path, err, sizeof err);
	if (rc == 0)
		check_loaded(&cfg);
	else if (rc != -1 || err[0] == '\0' || strnlen(err, sizeof err) == sizeof err)
		fail("a refusal without a reason");
	config_cleanup(&cfg);
	return 0;
}
