/*
 * The global option table and the one option parser every command uses
 * (see args.h). A table rather than getopt_long: getopt keeps global state,
 * prints its own messages and cannot share one table between the part of
 * the command line before the noun and the part after the verb.
 */
#include "args.h"

#include <stddef.h>
#include <string.h>

enum gopt_kind { GOPT_STRING, GOPT_FLAG };

/* The one table of global options (SPEC §8). */
static const struct {
	struct opt_def def;
	enum gopt_kind kind;
	size_t offset; /* into struct global_flags */
} global_opts[] = {
	{ { "server", 0, OPT_VALUE, "URL", NULL,
	    "server base URL, e.g. https://samverkan.example:8443 "
	    "(SAMVERKAN_SERVER)" },
	  GOPT_STRING,
	  offsetof(struct global_flags, server) },
	{ { "cacert", 0, OPT_VALUE, "FILE", NULL,
	    "CA certificate(s) to verify the server with (SAMVERKAN_CACERT)" },
	  GOPT_STRING,
	  offsetof(struct global_flags, cacert) },
	{ { "cert", 0, OPT_VALUE, "FILE", NULL,
	    "client certificate for mutual TLS (SAMVERKAN_CERT)" },
	  GOPT_STRING,
	  offsetof(struct global_flags, cert) },
	{ { "key", 0, OPT_VALUE, "FILE", NULL,
	    "private key of the client certificate (SAMVERKAN_KEY)" },
	  GOPT_STRING,
	  offsetof(struct global_flags, key) },
	{ { "output", 'o', OPT_VALUE, "FORMAT", "table|json|csv",
	    "table on a terminal, json otherwise; csv uses ';' and a BOM "
	    "(SAMVERKAN_OUTPUT)" },
	  GOPT_STRING,
	  offsetof(struct global_flags, output) },
	{ { "quiet", 'q', 0, NULL, NULL, "print only results and errors" },
	  GOPT_FLAG,
	  offsetof(struct global_flags, quiet) },
	{ { "verbose", 'v', 0, NULL, NULL, "trace requests on stderr (never the token)" },
	  GOPT_FLAG,
	  offsetof(struct global_flags, verbose) },
	{ { "help", 'h', 0, NULL, NULL, "show help and exit" },
	  GOPT_FLAG,
	  offsetof(struct global_flags, help) },
	{ { "version", 'V', 0, NULL, NULL, "show the version and exit" },
	  GOPT_FLAG,
	  offsetof(struct global_flags, version) },
};

#define N_GLOBAL (sizeof global_opts / sizeof global_opts[0])

int args_choice_ok(const char *choices, const char *value)
{
	size_t vlen = strlen(value);
	const char *p = choices;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		if (n == vlen && strncmp(p, value, n) == 0)
			return 1;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}

/* Finds an option by long name (namelen bytes) or by short name. */
static const struct opt_def *find_opt(const struct opt_def *opts, size_t n, const char *name,
				      size_t namelen, char short_name, size_t *index)
{
	for (size_t i = 0; i < n; i++) {
		int hit = short_name ? opts[i].short_name == short_name
				     : strlen(opts[i].name) == namelen &&
					   strncmp(opts[i].name, name, namelen) == 0;
		if (hit) {
			*index = i;
			return &opts[i];
		}
	}
	return NULL;
}

static const struct opt_def *find_global(const char *name, size_t namelen, char short_name,
					 size_t *index)
{
	for (size_t i = 0; i < N_GLOBAL; i++) {
		const struct opt_def *d = &global_opts[i].def;
		int hit = short_name
			      ? d->short_name == short_name
			      : strlen(d->name) == namelen && strncmp(d->name, name, namelen) == 0;
		if (hit) {
			*index = i;
			return d;
		}
	}
	return NULL;
}

static void store_global(struct global_flags *g, size_t i, const char *value)
{
	char *base = (char *)g;

	if (global_opts[i].kind == GOPT_FLAG)
		*(int *)(void *)(base + global_opts[i].offset) = 1;
	else
		*(const char **)(void *)(base + global_opts[i].offset) = value;
}

/*
 * Handles one option word at argv[*i]; advances *i past a separate value.
 * Returns 0 or -1 with a message in err.
 */
static int take_option(const struct opt_def *opts, size_t nopts, int argc, char **argv, int *i,
		       struct global_flags *g, struct cmd_args *out, struct strbuf *err)
{
	const char *word = argv[*i];
	const char *name, *value = NULL;
	size_t namelen, idx = 0;
	char short_name = 0;
	const struct opt_def *d;
	int is_global = 0;

	if (word[1] == '-') {
		const char *eq;

		name = word + 2;
		eq = strchr(name, '=');
		namelen = eq ? (size_t)(eq - name) : strlen(name);
		if (eq)
			value = eq + 1;
	} else {
		name = word + 1;
		namelen = 1;
		short_name = word[1];
		if (word[2])
			value = word + 2; /* -ojson */
	}

	d = opts ? find_opt(opts, nopts, name, namelen, short_name, &idx) : NULL;
	if (!d) {
		d = find_global(name, namelen, short_name, &idx);
		is_global = d != NULL;
	}
	if (!d) {
		(void)strbuf_printf(err, "unknown option '%s'", word);
		return -1;
	}
	if (!(d->flags & OPT_VALUE) && value) {
		if (short_name)
			(void)strbuf_printf(err, "unknown option '%s'", word);
		else
			(void)strbuf_printf(err, "option '--%s' takes no value", d->name);
		return -1;
	}
	if ((d->flags & OPT_VALUE) && !value) {
		if (*i + 1 >= argc) {
			(void)strbuf_printf(err, "option '--%s' needs a value%s%s", d->name,
					    d->metavar ? " " : "", d->metavar ? d->metavar : "");
			return -1;
		}
		*i += 1;
		value = argv[*i];
	}
	if (value && d->choices && !args_choice_ok(d->choices, value)) {
		(void)strbuf_printf(err, "invalid value '%s' for --%s (one of: %s)", value, d->name,
				    d->choices);
		return -1;
	}
	if (is_global) {
		store_global(g, idx, value);
	} else {
		if (idx >= ARGS_MAX_OPTS) {
			(void)strbuf_printf(err, "internal: option table too long");
			return -1;
		}
		out->value[idx] = value ? value : "";
		if (d->flags & OPT_MULTI) {
			if (out->nmulti >= ARGS_MAX_MULTI) {
				(void)strbuf_printf(err,
						    "too many --%s (at most "
						    "%d)",
						    d->name, ARGS_MAX_MULTI);
				return -1;
			}
			out->multi_opt[out->nmulti] = idx;
			out->multi[out->nmulti++] = out->value[idx];
		}
	}
	return 0;
}

int args_parse(const struct opt_def *opts, size_t nopts, int argc, char **argv, int stop_at_word,
	       struct global_flags *g, struct cmd_args *out, int *used, struct strbuf *err)
{
	int i, only_words = 0;

	memset(out, 0, sizeof *out);
	out->opts = opts;
	out->nopts = nopts;
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!only_words && strcmp(w, "--") == 0) {
			if (stop_at_word) {
				i++;
				break;
			}
			only_words = 1;
			continue;
		}
		if (!only_words && w[0] == '-' && w[1] != '\0') {
			if (take_option(opts, nopts, argc, argv, &i, g, out, err) != 0)
				return -1;
			continue;
		}
		if (stop_at_word)
			break;
		if (out->npos >= ARGS_MAX_POS) {
			(void)strbuf_printf(err, "too many arguments");
			return -1;
		}
		out->pos[out->npos++] = w;
	}
	if (used)
		*used = i;
	return 0;
}

static const struct opt_def *lookup(const struct cmd_args *a, const char *name, size_t *idx)
{
	if (!a->opts)
		return NULL;
	return find_opt(a->opts, a->nopts, name, strlen(name), 0, idx);
}

const char *args_get(const struct cmd_args *a, const char *name)
{
	size_t idx;

	if (!lookup(a, name, &idx) || idx >= ARGS_MAX_OPTS)
		return NULL;
	return a->value[idx];
}

size_t args_get_all(const struct cmd_args *a, const char *name, const char **out, size_t max)
{
	size_t idx, n = 0;

	if (!lookup(a, name, &idx))
		return 0;
	for (size_t i = 0; i < a->nmulti; i++)
		if (a->multi_opt[i] == idx) {
			if (n < max)
				out[n] = a->multi[i];
			n++;
		}
	return n;
}

int args_has(const struct cmd_args *a, const char *name)
{
	return args_get(a, name) != NULL;
}

const struct opt_def *args_missing_required(const struct cmd_args *a)
{
	for (size_t i = 0; a->opts && i < a->nopts && i < ARGS_MAX_OPTS; i++)
		if ((a->opts[i].flags & OPT_REQUIRED) && !a->value[i])
			return &a->opts[i];
	return NULL;
}

void args_print_wrapped(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > indent && col + 1 + (int)word > ARGS_HELP_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)word, p);
		col += (int)word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void print_one(FILE *f, const struct opt_def *d)
{
	struct strbuf sb;

	strbuf_init(&sb, 1024);
	if (d->short_name)
		(void)strbuf_printf(&sb, "-%c, ", d->short_name);
	else
		(void)strbuf_puts(&sb, "    ");
	(void)strbuf_printf(&sb, "--%s", d->name);
	if (d->flags & OPT_VALUE)
		(void)strbuf_printf(&sb, " %s", d->metavar ? d->metavar : "VALUE");
	fprintf(f, "  %-26s ", sb.data ? sb.data : "");
	sb.len = 0;
	if (strbuf_puts(&sb, d->help) == 0 &&
	    (!d->choices || strbuf_printf(&sb, " [%s]", d->choices) == 0))
		args_print_wrapped(f, sb.data, 29, 29);
	else
		fputc('\n', f);
	strbuf_cleanup(&sb);
}

void args_print_options(FILE *f, const struct opt_def *opts, size_t nopts)
{
	for (size_t i = 0; i < nopts; i++)
		print_one(f, &opts[i]);
}

void args_print_global_help(FILE *f)
{
	for (size_t i = 0; i < N_GLOBAL; i++)
		print_one(f, &global_opts[i].def);
}
