/*
 * What several commands share when they turn options into a request: one
 * table per command says which option sets which JSON member and of what
 * shape (so `--action` becomes "description" in one visible place), a
 * query-string builder, the If-Match value of --if-match, one page of a
 * long list (--limit, --cursor), a file (or standard input) read whole
 * and a document downloaded into a file. A value of the wrong shape is a usage error (exit 2) found
 * before any request; a value of the right shape but out of range (a
 * progress of 101) is sent, because the server's validation is the one
 * that counts.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "importrow.h"
#include "http.h"
#include "request.h"
#include "text.h"

int cmd_oom(struct app *app)
{
	output_error(&app->out, "out of memory");
	return CLI_ERROR;
}

int cmd_parse_number(const char *s, double *out)
{
	return import_parse_number(s, out);
}

/* The JSON value for one option, or NULL with *bad set for a wrong shape. */
static json_t *field_value(const struct cmd_field *f, const char *v, int *bad)
{
	long n;
	double d;

	*bad = 0;
	switch (f->kind) {
	case CMD_FIELD_TRUE:
		return json_true();
	case CMD_FIELD_FALSE:
		return json_false();
	case CMD_FIELD_DATE:
		if (!cmd_is_date(v)) {
			*bad = 1;
			return NULL;
		}
		return json_string(v);
	case CMD_FIELD_INT:
		if (cmd_parse_long(v, LONG_MIN, LONG_MAX, &n) != 0) {
			*bad = 1;
			return NULL;
		}
		return json_integer((json_int_t)n);
	case CMD_FIELD_NUMBER:
		if (cmd_parse_number(v, &d) != 0) {
			*bad = 1;
			return NULL;
		}
		if (d == floor(d) && fabs(d) < 9007199254740992.0)
			return json_integer((json_int_t)d);
		return json_real(d);
	default: {
		json_t *s = json_string(v);

		*bad = s == NULL; /* not UTF-8 */
		return s;
	}
	}
}

static const char *shape_of(enum cmd_field_kind kind)
{
	switch (kind) {
	case CMD_FIELD_DATE:
		return "a date YYYY-MM-DD";
	case CMD_FIELD_INT:
		return "a whole number";
	case CMD_FIELD_NUMBER:
		return "a number";
	default:
		return "valid UTF-8 text";
	}
}

int cmd_fields_to_json(struct app *app, const struct cmd_args *a, const struct cmd_field *fields,
		       size_t n, json_t *body, int *given)
{
	int count = 0;

	for (size_t i = 0; i < n; i++) {
		const char *v = args_get(a, fields[i].opt);
		json_t *j;
		int bad;

		if (!v)
			continue;
		j = field_value(&fields[i], v, &bad);
		if (bad && fields[i].kind == CMD_FIELD_DATE)
			return cmd_date_error(app, fields[i].opt, v);
		if (bad)
			return cmd_usage_error(app, "--%s wants %s, got '%s'", fields[i].opt,
					       shape_of(fields[i].kind), v);
		if (!j || json_object_set_new(body, fields[i].key, j) != 0)
			return cmd_oom(app);
		count++;
	}
	if (given)
		*given = count;
	return 0;
}

int cmd_query_add(struct strbuf *sb, const char *name, const char *value)
{
	if (!value)
		return 0;
	if (strbuf_puts(sb, sb->data && strchr(sb->data, '?') ? "&" : "?") != 0 ||
	    strbuf_puts(sb, name) != 0 || strbuf_puts(sb, "=") != 0)
		return -1;
	return http_escape(sb, value);
}

int cmd_if_match(struct app *app, const struct cmd_args *a, struct strbuf *sb)
{
	const char *v = args_get(a, "if-match");

	if (!v)
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x21 || *p == 0x7f)
			return cmd_usage_error(app,
					       "--if-match wants an ETag as "
					       "printed by --verbose, got '%s'",
					       v);
	if (!v[0])
		return cmd_usage_error(app, "--if-match wants an ETag");
	if (request_quote_etag(sb, v) != 0)
		return cmd_oom(app);
	return 0;
}

/* GETs one page; *page is the whole answer, checked to hold items. */
static int get_page(struct app *app, const char *path, json_t **page)
{
	int rc = request_call(app, "GET", path, NULL, page);

	if (rc == 0 && !json_is_array(json_object_get(*page, "items"))) {
		output_error(&app->out, "the server's answer has no 'items' list");
		rc = CLI_ERROR;
	}
	return rc;
}

int cmd_print_list(struct app *app, const char *path, const struct out_col *cols, size_t ncols)
{
	json_t *items = NULL;
	int rc = request_list(app, path, &items);

	if (rc == 0)
		rc = output_list(&app->out, items, cols, ncols);
	json_decref(items);
	return rc;
}

int cmd_get_page(struct app *app, const struct cmd_args *a, struct strbuf *path, json_t **page)
{
	const char *limit = args_get(a, "limit");
	long n;

	*page = NULL;
	if (limit && cmd_parse_long(limit, 1, 500, &n) != 0)
		return cmd_usage_error(app,
				       "--limit wants a whole number from 1 "
				       "to 500, got '%s'",
				       limit);
	if (cmd_query_add(path, "limit", limit) != 0 ||
	    cmd_query_add(path, "cursor", args_get(a, "cursor")) != 0)
		return cmd_oom(app);
	return get_page(app, path->data, page);
}

int cmd_page_more(struct app *app, const json_t *page)
{
	const char *next = json_string_value(json_object_get(page, "next_cursor"));
	char *shown;

	/* Not a note: without it a script cannot get the next page. */
	if (!next || !next[0])
		return 0;
	shown = strdup(next);
	if (!shown)
		return cmd_oom(app);
	text_clean(shown, strlen(shown));
	fprintf(app->out.err, "more: repeat with --cursor %s\n", shown);
	free(shown);
	return 0;
}

int cmd_list_page(struct app *app, const struct cmd_args *a, struct strbuf *path,
		  const struct out_col *cols, size_t ncols)
{
	json_t *page = NULL;
	int rc = cmd_get_page(app, a, path, &page);

	if (rc == 0)
		rc = output_list(&app->out, json_object_get(page, "items"), cols, ncols);
	if (rc == 0)
		rc = cmd_page_more(app, page);
	json_decref(page);
	return rc;
}

int cmd_read_file(struct app *app, const char *file, struct strbuf *sb)
{
	int from_stdin = strcmp(file, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(file, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!f) {
		output_error(&app->out, "cannot read '%s': %s", file, strerror(errno));
		return CLI_ERROR;
	}
	do {
		n = fread(buf, 1, sizeof buf, f);
		if (n > 0 && strbuf_append(sb, buf, n) != 0) {
			output_error(&app->out,
				     "%s is larger than %zu MiB (or out of "
				     "memory); split it",
				     from_stdin ? "standard input" : file, sb->limit >> 20);
			rc = CLI_ERROR;
			break;
		}
	} while (n == sizeof buf);
	if (rc == 0 && ferror(f)) {
		output_error(&app->out, "cannot read '%s': %s", file, strerror(errno));
		rc = CLI_ERROR;
	}
	if (!from_stdin)
		fclose(f);
	return rc;
}

/*
 * A file next to path to write into and rename over it at the end, so a
 * failed download never leaves a cut-short or emptied file. The mode is
 * `mode` less the umask, as for a plain create.
 */
static FILE *open_temp(struct strbuf *tmp, const char *path, mode_t mode)
{
	mode_t mask = umask(0);
	FILE *f;
	int fd;

	umask(mask);
	if (strbuf_printf(tmp, "%s.XXXXXX", path) != 0)
		return NULL;
	fd = mkstemp(tmp->data);
	if (fd < 0)
		return NULL;
	f = fchmod(fd, mode & ~mask) == 0 ? fdopen(fd, "wb") : NULL;
	if (!f) {
		int e = errno;

		close(fd);
		unlink(tmp->data);
		errno = e;
	}
	return f;
}

int cmd_output_file(struct app *app, const char *opt, const char *file)
{
	static const char *const formats[] = { "table", "json", "csv", "md", "html" };

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(file, formats[i]) == 0)
			return cmd_usage_error(app,
					       "-o takes a file name here (--%s), and '%s' looks "
					       "like a format: give the file to write (-o ./%s if "
					       "that is its name)",
					       opt, file, file);
	return 0;
}

int cmd_download(struct app *app, const char *path, const char *accept, const char *file,
		 mode_t mode, const char *what)
{
	struct request_opts ro;
	struct strbuf tmp;
	FILE *f = NULL;
	int rc, to_file = file && strcmp(file, "-") != 0;

	request_opts_init(&ro);
	strbuf_init(&tmp, 8192);
	/* Ask the server first: a refusal leaves no file behind. */
	rc = request_prepare(app, 1);
	if (rc != 0)
		goto out;
	f = to_file ? open_temp(&tmp, file, mode) : app->out.out;
	if (!f) {
		output_error(&app->out, "cannot write '%s': %s", file, strerror(errno));
		rc = CLI_ERROR;
		goto out;
	}
	ro.accept = accept;
	ro.sink = f;
	rc = request_call_opts(app, "GET", path, NULL, &ro, NULL);
	if (fflush(f) != 0 && rc == 0) {
		output_error(&app->out, "cannot write the output: %s", strerror(errno));
		rc = CLI_ERROR;
	}
	if (!to_file)
		goto out;
	if (fclose(f) != 0 && rc == 0) {
		output_error(&app->out, "cannot write '%s': %s", file, strerror(errno));
		rc = CLI_ERROR;
	}
	f = NULL;
	if (rc == 0 && rename(tmp.data, file) != 0) {
		output_error(&app->out, "cannot write '%s': %s", file, strerror(errno));
		rc = CLI_ERROR;
	}
	if (rc != 0)
		(void)unlink(tmp.data);
	else
		output_note(&app->out, "Wrote %s to %s.", what, file);
out:
	strbuf_cleanup(&tmp);
	request_opts_cleanup(&ro);
	return rc;
}

int cmd_list_filtered(struct app *app, const struct cmd_args *a, const char *base,
		      const struct cmd_filter *filters, size_t nfilters, const struct out_col *cols,
		      size_t ncols)
{
	struct strbuf path;
	int rc = 0;

	for (size_t i = 0; i < nfilters; i++) {
		const char *v = args_get(a, filters[i].opt);

		if (v && filters[i].is_date && !cmd_is_date(v))
			return cmd_date_error(app, filters[i].opt, v);
	}
	strbuf_init(&path, 16384);
	if (strbuf_puts(&path, base) != 0)
		rc = cmd_oom(app);
	for (size_t i = 0; rc == 0 && i < nfilters; i++)
		if (cmd_query_add(&path, filters[i].param, args_get(a, filters[i].opt)) != 0)
			rc = cmd_oom(app);
	if (rc == 0)
		rc = cmd_list_page(app, a, &path, cols, ncols);
	strbuf_cleanup(&path);
	return rc;
}
