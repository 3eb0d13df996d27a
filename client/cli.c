/*
 * The dispatcher: global options, then the noun and the verb, looked up in
 * the command tables (cmd.h); the generic checks (unknown option, --help,
 * number of arguments, required options) run here, once, before the
 * handler; then the settings are resolved and the handler runs.
 */
#include "client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cmd.h"
#include "http.h"
#include "prompt.h"
#include "text.h"
#include "validate.h"

#ifndef SVK_VERSION
#define SVK_VERSION "0"
#endif

static const struct cmd_noun *const nouns[] = {
	&cmd_login,         &cmd_logout,     &cmd_whoami,     &cmd_tokens,      &cmd_orgs,
	&cmd_users,         &cmd_groups,     &cmd_agreements, &cmd_focus_areas, &cmd_plans,
	&cmd_interventions, &cmd_proposals,  &cmd_priorities, &cmd_incidents,   &cmd_situation,
	&cmd_meetings,      &cmd_compliance, &cmd_followup,   &cmd_audit,       &cmd_me,
	&cmd_notifications,
};

#define N_NOUNS (sizeof nouns / sizeof nouns[0])

void app_init(struct app *app)
{
	memset(app, 0, sizeof *app);
	app->out.out = stdout;
	app->out.err = stderr;
}

void app_cleanup(struct app *app)
{
	http_free(app->http);
	app->http = NULL;
	config_cleanup(&app->settings);
	free(app->server);
	if (app->token)
		explicit_bzero(app->token, strlen(app->token));
	free(app->token);
	free(app->creds_path);
	app->server = app->token = app->creds_path = NULL;
}

static const struct cmd_noun *find_noun(const char *name)
{
	for (size_t i = 0; i < N_NOUNS; i++)
		if (strcmp(nouns[i]->name, name) == 0)
			return nouns[i];
	return NULL;
}

static const struct cmd_verb *find_verb(const struct cmd_noun *n, const char *name)
{
	for (size_t i = 0; i < n->nverbs; i++)
		if (n->verbs[i].name && strcmp(n->verbs[i].name, name) == 0)
			return &n->verbs[i];
	return NULL;
}

static int single(const struct cmd_noun *n)
{
	return n->nverbs == 1 && n->verbs[0].name == NULL;
}

static void print_top_help(FILE *f)
{
	fputs("Usage: samverkan [global options] <command> [arguments]\n\n"
	      "The command-line client of Samverkan, the shared server of the "
	      "police and\nmunicipality collaboration agreement.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < N_NOUNS; i++)
		for (size_t j = 0; j < nouns[i]->nverbs; j++)
			fprintf(f, "  samverkan %s\n", nouns[i]->verbs[j].usage);
	fputs("\nGlobal options (also accepted after the command):\n", f);
	args_print_global_help(f);
	fputs("\nSettings: a flag beats its environment variable, which beats "
	      "the config file\n$XDG_CONFIG_HOME/samverkan/config "
	      "(~/.config/samverkan/config) with lines\n'server = URL', "
	      "'cacert = FILE', 'cert = FILE', 'key = FILE', 'output = json'.\n"
	      "'login' keeps the server and token in "
	      "$XDG_CONFIG_HOME/samverkan/credentials\n(mode 0600); "
	      "SAMVERKAN_TOKEN overrides the stored token.\n\n"
	      "Exit codes: 0 ok, 1 error, 2 usage, 3 authentication or "
	      "permission, 4 not found,\n5 conflict or stale, 6 validation, "
	      "75 temporary (retry later).\n\n"
	      "Example:\n"
	      "  export SAMVERKAN_SERVER=https://localhost:8443 "
	      "SAMVERKAN_CACERT=ca.pem\n"
	      "  samverkan login --username admin\n"
	      "  samverkan groups members styrgrupp\n\n"
	      "'samverkan <command> --help' shows a command's options.\n",
	      f);
}

static void print_noun_help(FILE *f, const struct cmd_noun *n)
{
	fprintf(f, "%s\n\nUsage:\n", n->summary);
	for (size_t i = 0; i < n->nverbs; i++) {
		fprintf(f, "  samverkan %s\n      ", n->verbs[i].usage);
		args_print_wrapped(f, n->verbs[i].summary, 6, 6);
	}
	fprintf(f,
		"\n'samverkan %s <command> --help' shows a command's options "
		"and an example.\n",
		n->name);
}

static void print_verb_help(FILE *f, const struct cmd_verb *v)
{
	const char *ex = v->example;

	fprintf(f, "Usage: samverkan %s\n\n", v->usage);
	args_print_wrapped(f, v->summary, 0, 0);
	if (v->nopts) {
		fputs("\nOptions:\n", f);
		args_print_options(f, v->opts, v->nopts);
	}
	fputs("\nExample:\n", f);
	while (ex && *ex) {
		const char *nl = strchr(ex, '\n');
		int len = nl ? (int)(nl - ex) : (int)strlen(ex);

		/* A line that runs samverkan itself (in a pipe) is verbatim. */
		fprintf(f, "  %s%.*s\n",
			memmem(ex, (size_t)len, "samverkan ", 10) ? "" : "samverkan ", len, ex);
		ex = nl ? nl + 1 : "";
	}
	fputs("\nGlobal options (--server, --output, --quiet, …): see "
	      "'samverkan --help'.\n",
	      f);
}

int cmd_usage_error(struct app *app, const char *fmt, ...)
{
	const struct cmd_verb *v = app->verb;
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb, 4096);
	va_start(ap, fmt);
	if (strbuf_vprintf(&sb, fmt, ap) != 0)
		sb.len = 0;
	va_end(ap);
	output_error(&app->out, "%s; usage: samverkan %s", sb.data ? sb.data : "usage error",
		     v ? v->usage : "--help");
	strbuf_cleanup(&sb);
	return CLI_USAGE;
}

int cmd_parse_long(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cmd_is_date(const char *s)
{
	return validate_date(s);
}

int cmd_date_error(struct app *app, const char *opt, const char *v)
{
	if (validate_date_shape(v)) {
		output_error(&app->out, "no such date: %s (--%s)", v, opt);
		return CLI_USAGE;
	}
	return cmd_usage_error(app, "--%s wants a date YYYY-MM-DD, got '%s'", opt, v);
}

int cmd_check_time(struct app *app, const char *opt, const char *v)
{
	char date[11];
	long hh, mm;
	char h[3] = { 0 }, m[3] = { 0 };

	if (strnlen(v, 11) < 10)
		return 0;
	memcpy(date, v, 10);
	date[10] = '\0';
	if (!validate_date_shape(date))
		return 0;
	if (!validate_date(date))
		return cmd_date_error(app, opt, date);
	if ((v[10] != 'T' && v[10] != ' ') || strnlen(v, 16) < 16 || v[13] != ':')
		return 0;
	memcpy(h, v + 11, 2);
	memcpy(m, v + 14, 2);
	if (cmd_parse_long(h, 0, 23, &hh) != 0 || cmd_parse_long(m, 0, 59, &mm) != 0) {
		output_error(&app->out, "no such time: %s (--%s)", v, opt);
		return CLI_USAGE;
	}
	return 0;
}

int cmd_password(struct app *app, int from_stdin, const char *prompt, int confirm, char **out)
{
	struct strbuf err;
	char *again = NULL;
	int rc;

	*out = NULL;
	strbuf_init(&err, 4096);
	if (from_stdin) {
		rc = prompt_read_line(stdin, out, &err);
		goto out;
	}
	rc = prompt_tty(prompt, 1, out, &err);
	if (rc != 0 || !confirm)
		goto out;
	rc = prompt_tty("Repeat it: ", 1, &again, &err);
	if (rc != 0)
		goto out;
	if (strcmp(*out, again) != 0) {
		(void)strbuf_puts(&err, "the two passwords differ");
		rc = CLI_USAGE;
	}
out:
	prompt_free_secret(again);
	if (rc != 0) {
		prompt_free_secret(*out);
		*out = NULL;
		output_error(&app->out, "%s", err.data ? err.data : "no password");
	}
	strbuf_cleanup(&err);
	return rc;
}

static int usage_error(struct app *app, const char *msg, const char *see)
{
	output_error(&app->out, "%s (see 'samverkan %s%s--help')", msg, see,
		     see[0] && see[strlen(see) - 1] != ' ' ? " " : "");
	return CLI_USAGE;
}

/* The n-th "<name>" of a usage line (for "missing argument <slug>"). */
static const char *nth_placeholder(const char *usage, int n, int *len)
{
	const char *p = strchr(usage, '<');

	for (; p; p = strchr(p, '<')) {
		const char *end = strchr(p, '>');

		if (!end)
			return NULL;
		if (n-- == 0) {
			*len = (int)(end - p + 1);
			return p;
		}
		p = end + 1;
	}
	return NULL;
}

static void sync_output_flags(struct app *app)
{
	app->out.quiet = app->flags.quiet;
	app->out.verbose = app->flags.verbose;
}

/* The --output setting, or table on a terminal and json otherwise. */
static enum out_format pick_format(const struct app *app)
{
	const char *o = app->settings.output.value;

	if (o && strcmp(o, "json") == 0)
		return OUT_JSON;
	if (o && strcmp(o, "csv") == 0)
		return OUT_CSV;
	if (o && strcmp(o, "table") == 0)
		return OUT_TABLE;
	return isatty(fileno(app->out.out)) ? OUT_TABLE : OUT_JSON;
}

static int run_verb(struct app *app, const struct cmd_verb *v, int argc, char **argv)
{
	struct cmd_args a;
	struct strbuf err, see;
	const struct opt_def *missing;
	int rc;

	app->verb = v;
	strbuf_init(&err, 4096);
	strbuf_init(&see, 256);
	if (strbuf_printf(&see, "%s ", app->command) != 0)
		see.len = 0;
	if (args_parse(v->opts, v->nopts, argc, argv, 0, &app->flags, &a, NULL, &err) != 0) {
		sync_output_flags(app);
		rc = usage_error(app, err.data ? err.data : "bad option", see.data ? see.data : "");
		goto out;
	}
	sync_output_flags(app);
	if (app->flags.help) {
		print_verb_help(app->out.out, v);
		rc = CLI_OK;
		goto out;
	}
	if (app->flags.version) {
		fprintf(app->out.out, "samverkan %s\n", SVK_VERSION);
		rc = CLI_OK;
		goto out;
	}
	if (a.npos < v->min_pos) {
		int len = 0;
		const char *name = nth_placeholder(v->usage, a.npos, &len);

		rc = cmd_usage_error(app, "missing argument %.*s", len, name ? name : "");
		goto out;
	}
	if (a.npos > v->max_pos) {
		rc = cmd_usage_error(app, "unexpected argument '%s'", a.pos[v->max_pos]);
		goto out;
	}
	missing = args_missing_required(&a);
	if (missing) {
		rc = cmd_usage_error(app, "missing option --%s", missing->name);
		goto out;
	}
	rc = config_resolve(&app->flags, &app->settings, &err);
	if (rc != 0) {
		output_error(&app->out, "%s", err.data ? err.data : "bad setting");
		goto out;
	}
	app->out.format = pick_format(app);
	app->out.width = text_term_width(fileno(app->out.out));
	app->out.json_errors = app->settings.output.value &&
			       strcmp(app->settings.output.value, "json") == 0;
	rc = v->run(app, &a);
out:
	strbuf_cleanup(&err);
	strbuf_cleanup(&see);
	return rc;
}

int cli_run(struct app *app, int argc, char **argv)
{
	const struct cmd_noun *noun;
	const struct cmd_verb *verb;
	struct cmd_args ga;
	struct strbuf err;
	int used = 0, rc = CLI_USAGE;

	strbuf_init(&err, 4096);
	if (args_parse(NULL, 0, argc, argv, 1, &app->flags, &ga, &used, &err) != 0) {
		rc = usage_error(app, err.data ? err.data : "bad option", "");
		goto out;
	}
	sync_output_flags(app);
	argc -= used;
	argv += used;
	if (app->flags.version) {
		fprintf(app->out.out, "samverkan %s\n", SVK_VERSION);
		rc = CLI_OK;
		goto out;
	}
	/* `samverkan help orgs create` is `samverkan orgs create --help`. */
	if (argc > 0 && strcmp(argv[0], "help") == 0) {
		app->flags.help = 1;
		argc--;
		argv++;
	}
	if (argc == 0) {
		if (app->flags.help) {
			print_top_help(app->out.out);
			rc = CLI_OK;
		} else {
			rc = usage_error(app, "no command given", "");
		}
		goto out;
	}
	noun = find_noun(argv[0]);
	if (!noun) {
		err.len = 0;
		if (strbuf_printf(&err, "unknown command '%s'", argv[0]) != 0)
			goto out;
		rc = usage_error(app, err.data, "");
		goto out;
	}
	argc--;
	argv++;
	if (single(noun)) {
		verb = &noun->verbs[0];
		if (snprintf(app->command, sizeof app->command, "%s", noun->name) >=
		    (int)sizeof app->command)
			goto out;
		rc = run_verb(app, verb, argc, argv);
		goto out;
	}
	/* Global options may also sit between the noun and the verb. */
	if (args_parse(NULL, 0, argc, argv, 1, &app->flags, &ga, &used, &err) != 0) {
		rc = usage_error(app, err.data ? err.data : "bad option", "");
		goto out;
	}
	sync_output_flags(app);
	argc -= used;
	argv += used;
	if (argc == 0) {
		if (app->flags.help) {
			print_noun_help(app->out.out, noun);
			rc = CLI_OK;
		} else {
			output_error(&app->out, "%s: missing command", noun->name);
			print_noun_help(app->out.err, noun);
			rc = CLI_USAGE;
		}
		goto out;
	}
	verb = find_verb(noun, argv[0]);
	if (!verb) {
		err.len = 0;
		if (strbuf_printf(&err, "unknown %s command '%s'", noun->name, argv[0]) != 0)
			goto out;
		rc = usage_error(app, err.data, noun->name);
		goto out;
	}
	if (snprintf(app->command, sizeof app->command, "%s %s", noun->name, verb->name) >=
	    (int)sizeof app->command)
		goto out;
	rc = run_verb(app, verb, argc - 1, argv + 1);
out:
	strbuf_cleanup(&err);
	return rc;
}
