/*
 * The import itself (see import.h): header, then batches of rows sent one
 * after the other, a progress bar on a terminal, and the summary. A batch
 * the server refuses with 422 loses the items its errors name and is sent
 * again (its content, hence its key, is new), until it is stored or
 * empty; each round removes at least one item, so this ends.
 */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cmd.h"
#include "http.h"
#include "import.h"
#include "text.h"

#define BAR_WIDTH 30

/* The rows of one batch and the lines they came from. */
struct batch {
	json_t *items;
	long lines[IMPORT_MAX_BATCH];
	size_t n;
	size_t bytes; /* of the items as JSON */
};

struct job {
	struct app *app;
	const struct import_opts *o;
	const struct import_transport *t;
	struct csv_reader rd;
	struct import_header h;
	struct import_refusals refused;
	json_t *cats; /* the server's categories, or NULL */
	long total, done;
	long stored;    /* by this run */
	long already;   /* there before: an earlier run, or a line before it */
	long stop_line; /* the first line of the batch that stopped it */
	int bar_shown;
};

static void bar_clear(struct job *j)
{
	if (!j->bar_shown)
		return;
	fputs("\r\033[K", j->app->out.err);
	fflush(j->app->out.err);
	j->bar_shown = 0;
}

/* "importing [█████     ] 500/1200 lines", redrawn in place. */
static void bar_draw(struct job *j)
{
	struct strbuf sb;

	if (!j->o->progress || j->total <= 0)
		return;
	strbuf_init(&sb, 4096);
	if (strbuf_puts(&sb, "\rimporting [") == 0 &&
	    chart_bar(&sb, (double)j->done, (double)j->total, BAR_WIDTH, 0) == 0 &&
	    strbuf_printf(&sb, "] %ld/%ld lines\033[K", j->done, j->total) == 0) {
		fputs(sb.data, j->app->out.err);
		fflush(j->app->out.err);
		j->bar_shown = 1;
	}
	strbuf_cleanup(&sb);
}

static int oom(struct job *j)
{
	bar_clear(j);
	return cmd_oom(j->app);
}

/* The header row (blank lines before it skipped) mapped to members. */
static int read_header(struct job *j)
{
	struct csv_record hdr;
	struct strbuf err;
	int rc;

	csv_record_init(&hdr);
	strbuf_init(&err, 16384);
	do
		rc = csv_read(&j->rd, &hdr);
	while (rc == 1 && csv_record_blank(&hdr));
	if (rc < 0) {
		rc = cmd_oom(j->app);
	} else if (rc == 0) {
		output_error(&j->app->out,
			     "%s is empty: the first line must name the "
			     "columns",
			     j->o->name);
		rc = CLI_USAGE;
	} else if (import_map_header(&hdr, j->o->municipality != NULL, &j->h, &err) != 0) {
		output_error(&j->app->out, "%s: %s", j->o->name,
			     err.data ? err.data : "out of memory");
		rc = CLI_USAGE;
	} else {
		rc = 0;
	}
	csv_record_cleanup(&hdr);
	strbuf_cleanup(&err);
	return rc;
}

/*
 * Fills b with the next rows; a row that cannot be an item is refused
 * here. Returns 0 (b->n 0 at the end of the input) or an exit code.
 */
static int fill_batch(struct job *j, struct batch *b, struct csv_record *rec)
{
	while (b->n < j->o->batch_size && b->bytes < IMPORT_BATCH_BYTES) {
		json_t *item = NULL;
		int rc = csv_read(&j->rd, rec);

		if (rc == 0)
			break;
		if (rc < 0) {
			bar_clear(j);
			j->stop_line = rec->line;
			output_error(&j->app->out,
				     "%s: line %ld: a cell longer than %zu "
				     "bytes (or out of memory)",
				     j->o->name, rec->line, (size_t)CSV_CELL_LIMIT);
			return CLI_ERROR;
		}
		if (csv_record_blank(rec))
			continue;
		j->done++;
		rc = import_row_item(&j->h, rec, j->o->municipality, &j->refused, &item);
		if (rc == 0 && j->cats) {
			rc = import_category(j->cats, item, rec->line, &j->refused);
			if (rc != 0)
				json_decref(item);
		}
		if (rc < 0)
			return oom(j);
		if (rc > 0)
			continue;
		b->bytes += json_dumpb(item, NULL, 0, JSON_COMPACT) + 1;
		if (json_array_append_new(b->items, item) != 0)
			return oom(j);
		b->lines[b->n++] = rec->line;
	}
	return 0;
}

/* Keeps the items of b that bad does not mark. 0 or -1. */
static int drop_marked(struct batch *b, const unsigned char *bad)
{
	json_t *kept = json_array();
	size_t n = 0;

	if (!kept)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		if (bad[i])
			continue;
		if (json_array_append(kept, json_array_get(b->items, i)) != 0) {
			json_decref(kept);
			return -1;
		}
		b->lines[n++] = b->lines[i];
	}
	json_decref(b->items);
	b->items = kept;
	b->n = n;
	return 0;
}

/*
 * Counts what a 201 to sent items says: per item, stored now or already
 * there. A replay (the same batch an earlier run sent) was all there
 * before; an answer without per-item word (an older server) is its count.
 */
static void count_answer(struct job *j, const struct http_response *resp, size_t sent)
{
	const json_t *count = json_object_get(resp->json, "count");
	const json_t *items = json_object_get(resp->json, "items"), *it;
	size_t i;

	if (resp->replayed) {
		j->already += (long)sent;
		return;
	}
	if (json_is_array(items) && json_array_size(items) == sent &&
	    json_is_boolean(json_object_get(json_array_get(items, 0), "already_stored"))) {
		json_array_foreach (items, i, it) {
			if (json_is_true(json_object_get(it, "already_stored")))
				j->already++;
			else
				j->stored++;
		}
		return;
	}
	j->stored += json_is_integer(count) ? (long)json_integer_value(count) : (long)sent;
}

/* Reports an answer that stops the import; returns its exit code. */
static int stop_on_answer(struct job *j, const struct batch *b, const struct http_response *resp)
{
	const char *hint = NULL;
	char note[160];

	bar_clear(j);
	j->stop_line = b->lines[0];
	if (resp->status == 413) {
		hint = "try a smaller --batch-size";
	} else if (resp->status == 401) {
		const char *env = getenv("SAMVERKAN_TOKEN");

		hint = env && env[0] ? "check SAMVERKAN_TOKEN" : "run 'samverkan login'";
	}
	(void)snprintf(note, sizeof note, "%s%simport stopped at line %ld", hint ? hint : "",
		       hint ? "; " : "", j->stop_line);
	return output_problem(&j->app->out, resp->status, resp->json, resp->retry_after,
			      resp->request_id, note);
}

/* After a 422: refuses what it names and keeps the rest. 1 to send the
 * rest, 0 when nothing is left, or an exit code. */
static int take_refusal(struct job *j, struct batch *b, const struct http_response *resp)
{
	unsigned char bad[IMPORT_MAX_BATCH] = { 0 };
	long marked = import_map_errors(resp->json, b->lines, b->n, bad, &j->refused);

	if (marked < 0)
		return oom(j);
	if (marked == 0)
		return stop_on_answer(j, b, resp);
	if (drop_marked(b, bad) != 0)
		return oom(j);
	return b->n > 0 ? 1 : 0;
}

/* Sends b until it is stored or empty. 0 or the exit code that stops. */
static int send_batch(struct job *j, struct batch *b)
{
	struct strbuf err;
	int rc = 0;

	strbuf_init(&err, 16384);
	while (b->n > 0) {
		struct http_response resp;
		char key[IMPORT_KEY_LEN + 1];
		json_t *body = json_pack("{s:O}", "items", b->items);

		if (!body || import_batch_key(body, b->lines, b->n, key, sizeof key) != 0) {
			json_decref(body);
			rc = oom(j);
			break;
		}
		err.len = 0;
		if (err.data)
			err.data[0] = '\0';
		rc = j->t->send(j->t->ctx, body, key, &resp, &err);
		json_decref(body);
		if (rc != 0) {
			bar_clear(j);
			j->stop_line = b->lines[0];
			output_error(&j->app->out, "%s; import stopped at line %ld",
				     err.len ? err.data : "no answer", j->stop_line);
			break;
		}
		if (resp.status >= 200 && resp.status < 300) {
			count_answer(j, &resp, b->n);
			b->n = 0;
		} else if (resp.status == 422) {
			rc = take_refusal(j, b, &resp);
			rc = rc == 1 ? 0 : rc; /* 1: the rest goes again */
		} else {
			rc = stop_on_answer(j, b, &resp);
		}
		http_response_cleanup(&resp);
		if (rc != 0)
			break;
	}
	strbuf_cleanup(&err);
	return rc;
}

/* Reads and sends batch after batch; 0 or the exit code that stops. */
static int run_batches(struct job *j)
{
	struct csv_record rec;
	struct batch *b = calloc(1, sizeof *b);
	int rc = 0;

	if (!b)
		return oom(j);
	csv_record_init(&rec);
	bar_draw(j);
	for (;;) {
		b->items = json_array();
		b->n = 0;
		b->bytes = 0;
		if (!b->items) {
			rc = oom(j);
			break;
		}
		rc = fill_batch(j, b, &rec);
		if (rc == 0 && b->n > 0)
			rc = send_batch(j, b);
		json_decref(b->items);
		b->items = NULL;
		if (rc != 0 || j->rd.p >= j->rd.end)
			break;
		bar_draw(j);
	}
	bar_clear(j); /* the summary follows on a clean line */
	csv_record_cleanup(&rec);
	free(b);
	return rc;
}

/* How many lines the (sorted) refusals name. */
static long refused_lines(const struct import_refusals *r)
{
	long n = 0;

	for (size_t i = 0; i < r->n; i++)
		if (i == 0 || r->v[i].line != r->v[i - 1].line)
			n++;
	return n;
}

/* Every refusal, a line each, on stderr: what a person fixes. */
static void print_refusals(struct job *j)
{
	FILE *f = j->app->out.err;

	for (size_t i = 0; i < j->refused.n; i++) {
		struct import_refusal *r = &j->refused.v[i];

		/* Server text goes to a terminal: no control characters. */
		text_clean(r->field, strlen(r->field));
		text_clean(r->message, strlen(r->message));
		fprintf(f, "line %ld: %s: %s\n", r->line, r->field, r->message);
	}
	fflush(f);
}

/* "8 lines: 3 stored, 3 already stored, 2 refused[, 1 not sent]". */
static int print_text(struct job *j, long lines, long refused)
{
	FILE *f = j->app->out.out;
	long unsent = lines - j->stored - j->already - refused;

	fprintf(f, "%ld line%s: %ld stored, %ld already stored, %ld refused", lines,
		lines == 1 ? "" : "s", j->stored, j->already, refused);
	if (unsent > 0)
		fprintf(f, ", %ld not sent", unsent);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

static int print_json(struct job *j, long lines)
{
	json_t *doc = json_pack("{s:I,s:I,s:I,s:[]}", "lines", (json_int_t)lines, "stored",
				(json_int_t)j->stored, "already_stored", (json_int_t)j->already,
				"refused");
	json_t *list = json_object_get(doc, "refused");
	int rc = -1;

	if (!doc)
		return -1;
	for (size_t i = 0; i < j->refused.n; i++) {
		struct import_refusal *r = &j->refused.v[i];
		json_t *one = json_pack("{s:I,s:s,s:s}", "line", (json_int_t)r->line, "field",
					r->field, "message", r->message);

		if (json_array_append_new(list, one) != 0)
			goto out;
	}
	if (j->stop_line && json_object_set_new(doc, "stopped_at_line",
						json_integer((json_int_t)j->stop_line)) != 0)
		goto out;
	rc = output_json(j->app->out.out, doc);
out:
	json_decref(doc);
	return rc;
}

/*
 * The refusals on stderr and one summary on stdout; the exit code of the
 * whole import. The lines are those read, and when it stopped those it did
 * not reach too, so that stored, already stored, refused and not sent add
 * up to them.
 */
static int finish(struct job *j, int rc)
{
	long lines = j->done + (rc != 0 ? csv_count_records(&j->rd) : 0), refused;
	int prc;

	import_refusals_sort(&j->refused);
	refused = refused_lines(&j->refused);
	/* Text unless JSON was asked for: a cron job's log is read by a
	 * person, and the exit code already tells a script the outcome. */
	if (j->app->out.json_errors) {
		prc = print_json(j, lines);
	} else {
		print_refusals(j);
		prc = print_text(j, lines, refused);
	}
	if (prc != 0) {
		output_error(&j->app->out, "cannot write the output");
		return rc ? rc : CLI_ERROR;
	}
	if (rc == 0 && refused > 0)
		rc = CLI_VALIDATION;
	return rc;
}

int import_run(struct app *app, const char *data, size_t len, const struct import_opts *o,
	       const struct import_transport *t)
{
	struct job j;
	int rc;

	memset(&j, 0, sizeof j);
	j.app = app;
	j.o = o;
	j.t = t;
	import_refusals_init(&j.refused);
	csv_reader_init(&j.rd, data, len);
	rc = read_header(&j);
	if (rc != 0)
		goto out;
	if (t->categories) {
		rc = t->categories(t->ctx, &j.cats);
		if (rc != 0)
			goto out;
	}
	j.total = o->progress ? csv_count_records(&j.rd) : 0;
	rc = finish(&j, run_batches(&j));
out:
	json_decref(j.cats);
	import_refusals_cleanup(&j.refused);
	return rc;
}
