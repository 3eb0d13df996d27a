/*
 * Global options resolution: a flag beats the environment, which beats the
 * config file; the config directory follows XDG_CONFIG_HOME with a HOME
 * fallback; bad values and files are refused with the right exit code.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client.h"
#include "config.h"
#include "home.h"

static void write_config(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/samverkan", home_dir());
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/samverkan/config", home_dir());
	f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert(fputs(text, f) >= 0);
	cr_assert_eq(fclose(f), 0);
}

/* Which sources give the cacert setting, and which one must win. */
struct prec_case {
	int flag, env, file;
	char want[16];
	enum cfg_source src;
};

ParameterizedTestParameters(config, precedence)
{
	static struct prec_case cases[] = {
		{ 0, 0, 0, "", CFG_SRC_NONE },         { 0, 0, 1, "file.pem", CFG_SRC_FILE },
		{ 0, 1, 0, "env.pem", CFG_SRC_ENV },   { 0, 1, 1, "env.pem", CFG_SRC_ENV },
		{ 1, 0, 0, "flag.pem", CFG_SRC_FLAG }, { 1, 0, 1, "flag.pem", CFG_SRC_FLAG },
		{ 1, 1, 0, "flag.pem", CFG_SRC_FLAG }, { 1, 1, 1, "flag.pem", CFG_SRC_FLAG },
	};
	return cr_make_param_array(struct prec_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct prec_case *c, config, precedence, home_make, home_remove)
{
	struct global_flags f = { 0 };
	struct settings s;
	struct strbuf err;

	strbuf_init(&err, 0);
	if (c->file)
		write_config("# comment\n\ncacert = file.pem\n");
	if (c->env)
		cr_assert_eq(setenv("SAMVERKAN_CACERT", "env.pem", 1), 0);
	if (c->flag)
		f.cacert = "flag.pem";
	cr_assert_eq(config_resolve(&f, &s, &err), 0, "%s", err.data);
	cr_assert_eq(s.cacert.source, c->src);
	if (c->want[0])
		cr_assert_str_eq(s.cacert.value, c->want);
	else
		cr_assert_null(s.cacert.value);
	config_cleanup(&s);
	strbuf_cleanup(&err);
}

Test(config, every_key_from_every_source, .init = home_make, .fini = home_remove)
{
	struct global_flags f = { 0 };
	struct settings s;
	struct strbuf err;

	strbuf_init(&err, 0);
	write_config("server = file.example\ncacert = \"/ca file.pem\"\n"
		     "cert=c.pem\nkey = k.pem\noutput = csv\n");
	cr_assert_eq(setenv("SAMVERKAN_CERT", "env-c.pem", 1), 0);
	cr_assert_eq(setenv("SAMVERKAN_KEY", "", 1), 0); /* empty: unset */
	f.output = "json";
	cr_assert_eq(config_resolve(&f, &s, &err), 0, "%s", err.data);
	cr_assert_str_eq(s.server.value, "https://file.example");
	cr_assert_str_eq(s.cacert.value, "/ca file.pem");
	cr_assert_str_eq(s.cert.value, "env-c.pem");
	cr_assert_str_eq(s.key.value, "k.pem");
	cr_assert_eq(s.key.source, CFG_SRC_FILE);
	cr_assert_str_eq(s.output.value, "json");
	config_cleanup(&s);
	strbuf_cleanup(&err);
}

Test(config, xdg_dir_and_home_fallback, .init = home_make, .fini = home_remove)
{
	struct strbuf err;
	char *dir, want[128];

	strbuf_init(&err, 0);
	snprintf(want, sizeof want, "%s/samverkan", home_dir());
	cr_assert_eq(config_dir(&dir, &err), 0);
	cr_assert_str_eq(dir, want);
	free(dir);

	cr_assert_eq(setenv("HOME", "/home/anna", 1), 0);
	cr_assert_eq(unsetenv("XDG_CONFIG_HOME"), 0);
	cr_assert_eq(config_dir(&dir, &err), 0);
	cr_assert_str_eq(dir, "/home/anna/.config/samverkan");
	free(dir);

	/* The XDG spec: a relative XDG_CONFIG_HOME is ignored. */
	cr_assert_eq(setenv("XDG_CONFIG_HOME", "relative", 1), 0);
	cr_assert_eq(config_dir(&dir, &err), 0);
	cr_assert_str_eq(dir, "/home/anna/.config/samverkan");
	free(dir);
	strbuf_cleanup(&err);
}

struct bad_case {
	char file[48];
	char env_output[8];
	char flag_output[8];
	int exit_code;
};

ParameterizedTestParameters(config, refusals)
{
	static struct bad_case cases[] = {
		{ "output = xml\n", "", "", CLI_USAGE },
		{ "", "xml", "", CLI_USAGE },
		{ "", "", "yaml", CLI_USAGE },
		{ "", "xml", "json", CLI_OK }, /* the flag wins */
		{ "sever = typo\n", "", "", CLI_ERROR },
		{ "server\n", "", "", CLI_ERROR },
		{ "server = http://plain\n", "", "", CLI_USAGE },
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct bad_case *c, config, refusals, home_make, home_remove)
{
	struct global_flags f = { 0 };
	struct settings s;
	struct strbuf err;
	int rc;

	strbuf_init(&err, 0);
	if (c->file[0])
		write_config(c->file);
	if (c->env_output[0])
		cr_assert_eq(setenv("SAMVERKAN_OUTPUT", c->env_output, 1), 0);
	if (c->flag_output[0])
		f.output = c->flag_output;
	rc = config_resolve(&f, &s, &err);
	cr_assert_eq(rc, c->exit_code, "file [%s]: %s", c->file, err.data ? err.data : "");
	if (rc != 0)
		cr_assert(err.len > 0 && !strchr(err.data, '\n'), "one-line message");
	config_cleanup(&s);
	strbuf_cleanup(&err);
}

struct server_case {
	char in[40];
	char out[40]; /* "" when refused */
};

ParameterizedTestParameters(config, server_address)
{
	static struct server_case cases[] = {
		{ "localhost:8443", "https://localhost:8443" },
		{ "https://svk.example/", "https://svk.example" },
		{ "HTTPS://svk.example//", "https://svk.example" },
		{ "https://svk.example/prefix", "https://svk.example/prefix" },
		{ "http://svk.example", "" },
		{ "ftp://svk.example", "" },
		{ "https://", "" },
		{ "", "" },
		{ "svk example", "" },
	};
	return cr_make_param_array(struct server_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct server_case *c, config, server_address, table_none, table_none)
{
	struct strbuf err;
	char *out = NULL;
	int rc;

	strbuf_init(&err, 0);
	rc = config_normalize_server(c->in, &out, &err);
	if (c->out[0]) {
		cr_assert_eq(rc, 0, "%s: %s", c->in, err.data);
		cr_assert_str_eq(out, c->out);
	} else {
		cr_assert_eq(rc, -1, "%s accepted", c->in);
		cr_assert_null(out);
	}
	free(out);
	strbuf_cleanup(&err);
}
