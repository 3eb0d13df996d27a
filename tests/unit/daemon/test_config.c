/*
 * The configuration table: defaults, the INI file, environment overrides
 * (which win), and errors that name the key.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char path[64];

static void write_ini(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof path, "/tmp/svk-config-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void cleanup(void)
{
	if (path[0])
		unlink(path);
	unsetenv("SAMVERKAND_SERVER_WORKERS");
	unsetenv("SAMVERKAND_DATABASE_URL");
}

Test(config, defaults_without_file, .fini = cleanup)
{
	struct config c;
	char err[256];

	cr_assert_eq(config_load(&c, NULL, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(c.listen, "127.0.0.1:8443");
	cr_assert_str_eq(c.tls_profile, "intermediate");
	cr_assert_eq(c.max_body, 1048576);
	cr_assert_eq(c.incident_years, 5);
	config_cleanup(&c);
}

Test(config, file_then_environment, .fini = cleanup)
{
	struct config c;
	char err[256];

	write_ini("[server]\nworkers = 3\nlisten = 0.0.0.0:9443\n[database]\nurl = dbname=a\n");
	setenv("SAMVERKAND_SERVER_WORKERS", "5", 1);
	cr_assert_eq(config_load(&c, path, err, sizeof err), 0, "%s", err);
	cr_assert_eq(c.workers, 5, "the environment wins over the file");
	cr_assert_str_eq(c.listen, "0.0.0.0:9443");
	cr_assert_str_eq(c.db_url, "dbname=a");
	config_cleanup(&c);
}

Test(config, unknown_key_is_named, .fini = cleanup)
{
	struct config c;
	char err[256];

	write_ini("[server]\nlisen = 1\n");
	cr_assert_eq(config_load(&c, path, err, sizeof err), -1);
	cr_assert(strstr(err, "[server] lisen"), "%s", err);
	config_cleanup(&c);
}

Test(config, out_of_range_is_named, .fini = cleanup)
{
	struct config c;
	char err[256];

	write_ini("[auth]\nsession_hours = 0\n");
	cr_assert_eq(config_load(&c, path, err, sizeof err), -1);
	cr_assert(strstr(err, "session_hours"), "%s", err);
	config_cleanup(&c);
	write_ini("[tls]\nprofile = old\n");
	cr_assert_eq(config_load(&c, path, err, sizeof err), -1);
	cr_assert(strstr(err, "profile"), "%s", err);
	config_cleanup(&c);
	setenv("SAMVERKAND_SERVER_WORKERS", "many", 1);
	cr_assert_eq(config_load(&c, NULL, err, sizeof err), -1);
	cr_assert(strstr(err, "workers"), "%s", err);
	config_cleanup(&c);
}

Test(config, missing_file_is_an_error, .fini = cleanup)
{
	struct config c;
	char err[256];

	cr_assert_eq(config_load(&c, "/nonexistent/samverkand.ini", err, sizeof err), -1);
	cr_assert(strstr(err, "/nonexistent/samverkand.ini"), "%s", err);
	config_cleanup(&c);
}

Test(config, mail_is_off_by_default_and_checked_when_on, .fini = cleanup)
{
	struct config c;
	char err[256];

	cr_assert_eq(config_load(&c, NULL, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(c.mail_url, "", "mail is off without a url");
	cr_expect_str_eq(c.mail_starttls, "on");
	cr_expect_eq(c.mail_retry_base_ms, 60000);
	config_cleanup(&c);

	write_ini("[mail]\nurl = smtp://relay.example:587\nfrom = samverkan@kommun.se\n"
		  "base_url = https://samverkan.kommun.se\n");
	cr_assert_eq(config_load(&c, path, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(c.mail_from, "samverkan@kommun.se");
	config_cleanup(&c);
	setenv("SAMVERKAND_MAIL_STARTTLS", "maybe", 1);
	cr_assert_eq(config_load(&c, path, err, sizeof err), -1);
	cr_expect(strstr(err, "[mail] starttls"), "%s", err);
	config_cleanup(&c);
	unsetenv("SAMVERKAND_MAIL_STARTTLS");

	static const char *const bad[][2] = {
		{ "[mail]\nurl = http://relay.example\nfrom = a@b.se\nbase_url = https://x.se\n",
		  "[mail] url" },
		{ "[mail]\nurl = smtp://relay.example\nbase_url = https://x.se\n", "[mail] from" },
		{ "[mail]\nurl = smtps://relay.example\nfrom = a@b.se\n", "[mail] base_url" },
		{ "[mail]\nretry_base_ms = 1\n", "retry_base_ms" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_ini(bad[i][0]);
		cr_expect_eq(config_load(&c, path, err, sizeof err), -1, "%s", bad[i][0]);
		cr_expect(strstr(err, bad[i][1]), "%s: %s", bad[i][1], err);
		config_cleanup(&c);
		unlink(path);
	}
}
