/*
 * Global options resolution (SPEC §8): every setting can come from a flag,
 * an environment variable or the config file
 * `$XDG_CONFIG_HOME/samverkan/config` (fallback `~/.config/samverkan/config`),
 * and a flag beats the environment, which beats the file. The file holds
 * simple `key = value` lines; the same line parser reads the credentials
 * file (creds.c).
 */
#ifndef SVK_CLIENT_CONFIG_H
#define SVK_CLIENT_CONFIG_H

#include "strbuf.h"

/* What the command line said; pointers into argv, nothing owned. */
struct global_flags {
	const char *server;
	const char *cacert;
	const char *cert;
	const char *key;
	const char *output;
	int quiet;
	int verbose;
	int help;
	int version;
};

enum cfg_source {
	CFG_SRC_NONE = 0,
	CFG_SRC_FLAG,
	CFG_SRC_ENV,
	CFG_SRC_FILE,
	CFG_SRC_CREDS, /* server only: the one stored by `login` */
};

struct cfg_value {
	char *value; /* owned; NULL when no source gave one */
	enum cfg_source source;
};

/* The resolved settings; config_cleanup frees every string. */
struct settings {
	struct cfg_value server;
	struct cfg_value cacert;
	struct cfg_value cert;
	struct cfg_value key;
	struct cfg_value output;
	char *dir;         /* the samverkan config directory */
	char *config_path; /* dir + "/config" */
};

/*
 * The samverkan config directory: $XDG_CONFIG_HOME/samverkan when that is
 * an absolute path, else $HOME/.config/samverkan. *out is the caller's to
 * free. Returns 0, or an exit code with a message in err.
 */
int config_dir(char **out, struct strbuf *err);

/*
 * Resolves every setting, flag > environment > config file (a missing file
 * is fine). Validates `output` (table, json or csv) and normalises `server`.
 * Returns 0, or an exit code (2 for a bad value, 1 for an unreadable or
 * malformed file) with a one-line message in err. The caller calls
 * config_cleanup either way.
 */
int config_resolve(const struct global_flags *flags, struct settings *s, struct strbuf *err);
void config_cleanup(struct settings *s);

/* "--server", "SAMVERKAN_SERVER", the config file path…, for messages. */
const char *config_source_name(enum cfg_source src);

/*
 * Normalises a server address: adds https:// when no scheme is given,
 * refuses any other scheme (TLS only) and strips trailing slashes. *out is
 * the caller's to free. Returns 0 or -1 with a message in err.
 */
int config_normalize_server(const char *in, char **out, struct strbuf *err);

/*
 * Reads `key = value` lines: blank lines and lines starting with '#' are
 * skipped, whitespace around key and value is trimmed and a value may be
 * wrapped in double quotes. cb returns 0 to go on or -1 to stop (having
 * written to err). fd is read to its end; the caller closes it. Returns 0,
 * or -1 with a message in err ("path:line: …").
 */
typedef int (*config_kv_cb)(void *ctx, const char *key, const char *value, const char *where,
			    struct strbuf *err);
int config_parse_fd(int fd, const char *path, config_kv_cb cb, void *ctx, struct strbuf *err);

#endif
