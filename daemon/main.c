/*
 * samverkand: the Samverkan server. Thin: parses the command line, loads
 * the configuration and runs one command.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "auditkey.h"

static void usage(FILE *out)
{
	fputs("usage: samverkand [-c CONFIG] <command> [args]\n"
	      "\n"
	      "commands:\n"
	      "  serve                  run the HTTPS server (the default)\n"
	      "  migrate                apply pending database migrations ([database] admin_url)\n"
	      "  seed FILE [--admin-password-file PATH] [--demo-users-file PATH]\n"
	      "                         load seed data; create the admin account when missing,\n"
	      "                         writing its generated password to PATH (mode 0600);\n"
	      "                         --demo-users-file also loads demo.json beside FILE:\n"
	      "                         demo users (passwords to PATH, 0600) and examples\n"
	      "  purge [--dry-run]      delete incidents older than [retention] incident_years\n"
	      "                         (default 5), after writing the run's audit entry; also\n"
	      "                         expired tokens, mails sent or failed 90 days ago\n"
	      "  notify-scheduled [--now TIMESTAMP]\n"
	      "                         queue the scheduled notifications due as of TIMESTAMP\n"
	      "                         (default now), each once; print the count per kind\n"
	      "  audit-key              make the audit checkpoints' signing key ([audit]\n"
	      "                         signing_key) when missing; print its public key\n"
	      "  check-config           load the configuration and report problems\n"
	      "\n"
	      "options:\n"
	      "  -c, --config FILE      INI configuration (see deploy/samverkand.ini.example);\n"
	      "                         SAMVERKAND_<SECTION>_<KEY> variables override it\n"
	      "  -h, --help             this text\n"
	      "  -V, --version          the version\n"
	      "\n"
	      "example:\n"
	      "  samverkand -c /etc/samverkan/samverkand.ini migrate\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "admin-password-file", required_argument, NULL, 'p' },
		{ "demo-users-file", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct app app;
	const char *config_path = NULL, *password_file = NULL, *demo_users_file = NULL, *cmd;
	const char *now = NULL;
	char err[512];
	int opt, status = 1, dry_run = 0;

	memset(&app, 0, sizeof app);
	app.log.level = LOG_INFO;
	while ((opt = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'p':
			password_file = optarg;
			break;
		case 'd':
			demo_users_file = optarg;
			break;
		case 'n':
			dry_run = 1;
			break;
		case 't':
			now = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("samverkand " SVK_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	cmd = optind < argc ? argv[optind] : "serve";
	if (sodium_init() < 0) {
		fputs("samverkand: cannot initialise libsodium\n", stderr);
		return 1;
	}
	if (config_load(&app.cfg, config_path, err, sizeof err) != 0) {
		fprintf(stderr, "samverkand: configuration: %s\n", err);
		config_cleanup(&app.cfg);
		return 2;
	}
	log_level_parse(app.cfg.log_level, &app.log.level);
	app.migrations_expected = admin_migrations_count();
	admin_functions_checksum(app.functions_expected);

	if (strcmp(cmd, "serve") == 0) {
		if (admin_schema_check(&app.cfg, &app.log) == 1)
			status = 1;
		else
			status = server_run(&app);
	} else if (strcmp(cmd, "migrate") == 0) {
		status = admin_migrate(&app.cfg, &app.log);
	} else if (strcmp(cmd, "seed") == 0) {
		if (optind + 1 >= argc) {
			fputs("samverkand: seed needs a FILE\n", stderr);
			status = 2;
		} else {
			status = admin_seed(&app.cfg, &app.log, argv[optind + 1], password_file,
					    demo_users_file);
		}
	} else if (strcmp(cmd, "purge") == 0) {
		status = admin_purge(&app.cfg, &app.log, dry_run);
	} else if (strcmp(cmd, "notify-scheduled") == 0) {
		status = admin_notify_scheduled(&app.cfg, &app.log, now);
	} else if (strcmp(cmd, "audit-key") == 0) {
		status = admin_audit_key(&app.cfg);
	} else if (strcmp(cmd, "check-config") == 0) {
		puts("configuration ok");
		status = 0;
	} else {
		fprintf(stderr, "samverkand: unknown command \"%s\"\n", cmd);
		usage(stderr);
		status = 2;
	}
	config_cleanup(&app.cfg);
	return status;
}
