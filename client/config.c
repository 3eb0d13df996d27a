/*
 * Global options resolution (see config.h). One table names each setting
 * with its flag, environment variable and config-file key, so the order
 * "flag > environment > file" is written once, in config_resolve.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "client.h"

#define CONFIG_FILE_MAX (64 * 1024)

static const struct {
	const char *key; /* config-file key and flag name */
	const char *env;
	size_t flag_off;     /* into struct global_flags */
	size_t settings_off; /* into struct settings */
} config_keys[] = {
	{ "server", "SAMVERKAN_SERVER", offsetof(struct global_flags, server),
	  offsetof(struct settings, server) },
	{ "cacert", "SAMVERKAN_CACERT", offsetof(struct global_flags, cacert),
	  offsetof(struct settings, cacert) },
	{ "cert", "SAMVERKAN_CERT", offsetof(struct global_flags, cert),
	  offsetof(struct settings, cert) },
	{ "key", "SAMVERKAN_KEY", offsetof(struct global_flags, key),
	  offsetof(struct settings, key) },
	{ "output", "SAMVERKAN_OUTPUT", offsetof(struct global_flags, output),
	  offsetof(struct settings, output) },
};

#define N_KEYS (sizeof config_keys / sizeof config_keys[0])

static struct cfg_value *slot(struct settings *s, size_t i)
{
	return (struct cfg_value *)(void *)((char *)s + config_keys[i].settings_off);
}

static const char *flag_of(const struct global_flags *f, size_t i)
{
	return *(const char *const *)(const void *)((const char *)f + config_keys[i].flag_off);
}

const char *config_source_name(enum cfg_source src)
{
	switch (src) {
	case CFG_SRC_FLAG:
		return "command line";
	case CFG_SRC_ENV:
		return "environment";
	case CFG_SRC_FILE:
		return "config file";
	case CFG_SRC_CREDS:
		return "credentials file";
	case CFG_SRC_NONE:
		break;
	}
	return "default";
}

int config_dir(char **out, struct strbuf *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct strbuf sb;

	*out = NULL;
	strbuf_init(&sb, 4096);
	/* The XDG base directory spec says to ignore relative paths. */
	if (xdg && xdg[0] == '/') {
		if (strbuf_printf(&sb, "%s/samverkan", xdg) != 0)
			goto fail;
	} else if (home && home[0] == '/') {
		if (strbuf_printf(&sb, "%s/.config/samverkan", home) != 0)
			goto fail;
	} else {
		(void)strbuf_puts(err, "cannot find the config directory: set "
				       "XDG_CONFIG_HOME or HOME");
		strbuf_cleanup(&sb);
		return CLI_ERROR;
	}
	*out = strbuf_steal(&sb);
	return *out ? 0 : CLI_ERROR;
fail:
	strbuf_cleanup(&sb);
	(void)strbuf_puts(err, "out of memory");
	return CLI_ERROR;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

/* Reads all of fd (at most CONFIG_FILE_MAX bytes) into sb. */
static int read_all(int fd, struct strbuf *sb)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (strbuf_append(sb, buf, (size_t)n) != 0) {
			errno = EFBIG;
			return -1;
		}
	}
}

int config_parse_fd(int fd, const char *path, config_kv_cb cb, void *ctx, struct strbuf *err)
{
	struct strbuf text, where;
	char *line;
	int rc = -1, lineno = 0;

	strbuf_init(&text, CONFIG_FILE_MAX);
	strbuf_init(&where, 4200);
	if (read_all(fd, &text) != 0) {
		(void)strbuf_printf(err, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	line = text.data;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		char *next = nl ? nl + 1 : NULL;
		char *eq, *key, *value;
		size_t vlen;

		if (nl)
			*nl = '\0';
		lineno++;
		where.len = 0;
		if (strbuf_printf(&where, "%s:%d", path, lineno) != 0) {
			(void)strbuf_puts(err, "out of memory");
			goto out;
		}
		key = trim(line);
		line = next;
		if (key[0] == '\0' || key[0] == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			(void)strbuf_printf(err, "%s: expected 'key = value'", where.data);
			goto out;
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		vlen = strlen(value);
		if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
			value[vlen - 1] = '\0';
			value++;
		}
		if (cb(ctx, key, value, where.data, err) != 0)
			goto out;
	}
	rc = 0;
out:
	strbuf_cleanup(&where);
	/* The same reader loads the credentials file: wipe the secret. */
	if (text.data)
		explicit_bzero(text.data, text.cap);
	strbuf_cleanup(&text);
	return rc;
}

static int set_value(struct cfg_value *v, const char *value, enum cfg_source src)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(v->value);
	v->value = copy;
	v->source = src;
	return 0;
}

static int file_kv(void *ctx, const char *key, const char *value, const char *where,
		   struct strbuf *err)
{
	struct settings *s = ctx;

	for (size_t i = 0; i < N_KEYS; i++) {
		if (strcmp(key, config_keys[i].key) != 0)
			continue;
		if (value[0] == '\0')
			return 0; /* "key =" means unset */
		if (set_value(slot(s, i), value, CFG_SRC_FILE) != 0) {
			(void)strbuf_puts(err, "out of memory");
			return -1;
		}
		return 0;
	}
	(void)strbuf_printf(err,
			    "%s: unknown key '%s' (known: server, cacert, cert, key, "
			    "output)",
			    where, key);
	return -1;
}

/* Loads the config file into s; a missing file is not an error. */
static int load_file(struct settings *s, struct strbuf *err)
{
	int fd, rc;

	fd = open(s->config_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		(void)strbuf_printf(err, "cannot open %s: %s", s->config_path, strerror(errno));
		return CLI_ERROR;
	}
	rc = config_parse_fd(fd, s->config_path, file_kv, s, err);
	close(fd);
	return rc == 0 ? 0 : CLI_ERROR;
}

int config_normalize_server(const char *in, char **out, struct strbuf *err)
{
	struct strbuf sb;
	const char *scheme_end = strstr(in, "://");
	size_t len;

	*out = NULL;
	strbuf_init(&sb, 4096);
	if (scheme_end) {
		size_t slen = (size_t)(scheme_end - in);

		if (slen != 5 || strncasecmp(in, "https", 5) != 0) {
			(void)strbuf_printf(err,
					    "server '%s' is not https://: the server "
					    "speaks TLS only",
					    in);
			goto fail;
		}
		in = scheme_end + 3;
	}
	len = strlen(in);
	while (len > 0 && in[len - 1] == '/')
		len--;
	if (len == 0 || in[0] == '/') {
		(void)strbuf_printf(err, "server address '%s' has no host", in);
		goto fail;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c <= ' ' || c == 0x7f) {
			(void)strbuf_puts(err, "server address contains a space or a "
					       "control character");
			goto fail;
		}
	}
	if (strbuf_puts(&sb, "https://") != 0 || strbuf_append(&sb, in, len) != 0) {
		(void)strbuf_puts(err, "out of memory");
		goto fail;
	}
	*out = strbuf_steal(&sb);
	return *out ? 0 : -1;
fail:
	strbuf_cleanup(&sb);
	return -1;
}

int config_resolve(const struct global_flags *flags, struct settings *s, struct strbuf *err)
{
	int rc;

	memset(s, 0, sizeof *s);
	rc = config_dir(&s->dir, err);
	if (rc != 0)
		return rc;
	{
		struct strbuf sb;

		strbuf_init(&sb, 4200);
		if (strbuf_printf(&sb, "%s/config", s->dir) != 0) {
			strbuf_cleanup(&sb);
			(void)strbuf_puts(err, "out of memory");
			return CLI_ERROR;
		}
		s->config_path = strbuf_steal(&sb);
		if (!s->config_path)
			return CLI_ERROR;
	}

	/* Lowest precedence first; each later source overwrites. */
	rc = load_file(s, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < N_KEYS; i++) {
		const char *env = getenv(config_keys[i].env);
		const char *flag = flag_of(flags, i);

		if (env && env[0] && set_value(slot(s, i), env, CFG_SRC_ENV) != 0)
			goto oom;
		if (flag && set_value(slot(s, i), flag, CFG_SRC_FLAG) != 0)
			goto oom;
	}

	if (s->output.value && !args_choice_ok("table|json|csv", s->output.value)) {
		(void)strbuf_printf(err,
				    "invalid output format '%s' (from %s; one of: "
				    "table, json, csv)",
				    s->output.value,
				    s->output.source == CFG_SRC_ENV    ? "SAMVERKAN_OUTPUT"
				    : s->output.source == CFG_SRC_FILE ? s->config_path
								       : "--output");
		return CLI_USAGE;
	}
	if (s->server.value) {
		char *norm;

		if (config_normalize_server(s->server.value, &norm, err) != 0)
			return CLI_USAGE;
		free(s->server.value);
		s->server.value = norm;
	}
	return 0;
oom:
	(void)strbuf_puts(err, "out of memory");
	return CLI_ERROR;
}

void config_cleanup(struct settings *s)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		free(slot(s, i)->value);
		slot(s, i)->value = NULL;
		slot(s, i)->source = CFG_SRC_NONE;
	}
	free(s->dir);
	free(s->config_path);
	s->dir = NULL;
	s->config_path = NULL;
}
