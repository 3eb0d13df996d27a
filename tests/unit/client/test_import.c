/*
 * `incidents import` without a server: the header by name with the
 * Swedish aliases (unknown and missing columns named), rows as items,
 * the batch key (the same rows give the same key on every run, other
 * content another), a 422's `items[i]` errors mapped back to the lines
 * of the file, and whole imports against a fake server that keeps keys
 * and incidents as the real one does: the good lines of a refused batch
 * are stored, a second run stores nothing twice, nor does a run of the
 * file with its bad line fixed, a 403 stops with what was stored, and one
 * summary adds up; category names as well as slugs, in any case.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "http.h"
#include "import.h"

/* ---- the header ------------------------------------------------------- */

struct header_case {
	char line[120];
	int have_municipality;
	int ok;
	char says[3][40]; /* what the message must name ("" for none) */
};

ParameterizedTestParameters(import, header)
{
	static struct header_case cases[] = {
		{ "Tidpunkt;KOMMUN;plats;Kategori;beskrivning;lat;lng", 0, 1, { "" } },
		{ "occurred_at,municipality,place,category,latitude,lon", 0, 1, { "" } },
		{ "occurred_at;place;category", 1, 1, { "" } },
		/* a column without a name (a trailing ';') is ignored */
		{ "occurred_at;place;category;", 1, 1, { "" } },
		{ "occurred_at;place;category",
		  0,
		  0,
		  { "missing", "municipality", "--municipality" } },
		{ "tidpunkt;kommun;kategori;beskrivning", 0, 0, { "missing", "place (or plats)" } },
		{ "tidpunkt;kommun;plats;kategori;färg;Storlek",
		  0,
		  0,
		  { "unknown", "'färg'", "'Storlek'" } },
		{ "tidpunkt;kommun;plats;kategori;lon;lng",
		  0,
		  0,
		  { "'lon'", "'lng'", "longitude" } },
	};
	return cr_make_param_array(struct header_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct header_case *c, import, header, table_none, table_none)
{
	struct csv_reader r;
	struct csv_record rec;
	struct import_header h;
	struct strbuf err;
	int rc;

	csv_reader_init(&r, c->line, strlen(c->line));
	csv_record_init(&rec);
	strbuf_init(&err, 0);
	cr_assert_eq(csv_read(&r, &rec), 1);
	rc = import_map_header(&rec, c->have_municipality, &h, &err);
	cr_assert_eq(rc == 0, c->ok, "%s: %s", c->line, err.data ? err.data : "");
	for (size_t i = 0; i < 3 && c->says[i][0]; i++)
		cr_assert(err.data && strstr(err.data, c->says[i]),
			  "%s: the message does not say %s: %s", c->line, c->says[i],
			  err.data ? err.data : "");
	csv_record_cleanup(&rec);
	strbuf_cleanup(&err);
}

Test(import, aliases_map_to_members)
{
	static const char line[] = "Plats;TIDPUNKT;kategori;Kommun;lng;lat";
	struct csv_reader r;
	struct csv_record rec;
	struct import_header h;
	struct strbuf err;

	csv_reader_init(&r, line, sizeof line - 1);
	csv_record_init(&rec);
	strbuf_init(&err, 0);
	cr_assert_eq(csv_read(&r, &rec), 1);
	cr_assert_eq(import_map_header(&rec, 0, &h, &err), 0);
	cr_assert_eq(h.cell[IMPORT_PLACE], 0);
	cr_assert_eq(h.cell[IMPORT_OCCURRED_AT], 1);
	cr_assert_eq(h.cell[IMPORT_CATEGORY], 2);
	cr_assert_eq(h.cell[IMPORT_MUNICIPALITY], 3);
	cr_assert_eq(h.cell[IMPORT_LONGITUDE], 4);
	cr_assert_eq(h.cell[IMPORT_LATITUDE], 5);
	cr_assert_eq(h.cell[IMPORT_DESCRIPTION], -1);
	cr_assert_eq(h.ncells, 6);
	csv_record_cleanup(&rec);
	strbuf_cleanup(&err);
}

/* ---- rows ------------------------------------------------------------- */

/* The header "tidpunkt;kommun;plats;kategori;beskrivning;lat;lon" and
 * the item of one row after it (refusals into ref). */
static int row_item(const char *row, const char *municipality, struct import_refusals *ref,
		    json_t **item)
{
	struct strbuf text;
	struct csv_reader r;
	struct csv_record rec;
	struct import_header h;
	struct strbuf err;
	int rc;

	strbuf_init(&text, 0);
	strbuf_init(&err, 0);
	cr_assert_eq(strbuf_printf(&text,
				   "tidpunkt;kommun;plats;kategori;"
				   "beskrivning;lat;lon\n%s\n",
				   row),
		     0);
	csv_reader_init(&r, text.data, text.len);
	csv_record_init(&rec);
	cr_assert_eq(csv_read(&r, &rec), 1);
	cr_assert_eq(import_map_header(&rec, 0, &h, &err), 0);
	cr_assert_eq(csv_read(&r, &rec), 1);
	rc = import_row_item(&h, &rec, municipality, ref, item);
	csv_record_cleanup(&rec);
	strbuf_cleanup(&text);
	strbuf_cleanup(&err);
	return rc;
}

static void expect_json(const json_t *got, const char *want)
{
	json_t *w = json_loads(want, 0, NULL);
	char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);

	cr_assert_not_null(w, "bad test JSON %s", want);
	cr_assert(json_equal(got, w), "got %s, want %s", g, want);
	free(g);
	json_decref(w);
}

Test(import, a_row_becomes_an_item)
{
	struct import_refusals ref;
	json_t *item = NULL;

	import_refusals_init(&ref);
	cr_assert_eq(row_item("2026-11-16 21:30;sigtuna;Märsta centrum;"
			      "klotter;;59,62;17.85",
			      NULL, &ref, &item),
		     0);
	expect_json(item, "{\"occurred_at\":\"2026-11-16 21:30\","
			  "\"municipality\":\"sigtuna\",\"place\":\"Märsta "
			  "centrum\",\"category\":\"klotter\","
			  "\"latitude\":59.62,\"longitude\":17.85}");
	cr_assert_eq(ref.n, 0);
	json_decref(item);
	/* An empty municipality cell takes --municipality. */
	cr_assert_eq(row_item("2026-11-16;;Valsta;brand;Container;;", "sigtuna", &ref, &item), 0);
	expect_json(item, "{\"occurred_at\":\"2026-11-16\","
			  "\"municipality\":\"sigtuna\",\"place\":\"Valsta\","
			  "\"category\":\"brand\",\"description\":"
			  "\"Container\"}");
	json_decref(item);
	import_refusals_cleanup(&ref);
}

struct bad_row_case {
	char row[100];
	char field[16];
	char says[40];
};

ParameterizedTestParameters(import, rows_refused_here)
{
	static struct bad_row_case cases[] = {
		{ "2026-11-16;sigtuna;Valsta;brand;;norr;17", "latitude", "not a number" },
		{ "2026-11-16;sigtuna;Valsta;brand;;59;", "", "" },
		{ "2026-11-16;sigtuna;Valsta;brand", "row", "4 cells where the header has 7" },
		{ "2026-11-16;sigtuna;Valsta;brand;;;;", "row", "8 cells" },
		{ "2026-11-16;sigtuna;Valsta;brand;\"open;;", "row", "not closed" },
	};
	return cr_make_param_array(struct bad_row_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct bad_row_case *c, import, rows_refused_here, table_none, table_none)
{
	struct import_refusals ref;
	json_t *item = NULL;
	int rc;

	import_refusals_init(&ref);
	rc = row_item(c->row, NULL, &ref, &item);
	if (!c->field[0]) {
		/* Latitude without longitude: the server's to refuse. */
		cr_assert_eq(rc, 0, "%s", c->row);
		json_decref(item);
		import_refusals_cleanup(&ref);
		return;
	}
	cr_assert_eq(rc, 1, "%s", c->row);
	cr_assert_null(item);
	cr_assert_eq(ref.n, 1);
	cr_assert_eq(ref.v[0].line, 2, "the line of the file");
	cr_assert_str_eq(ref.v[0].field, c->field);
	cr_assert(strstr(ref.v[0].message, c->says), "%s", ref.v[0].message);
	import_refusals_cleanup(&ref);
}

/* ---- the batch key ---------------------------------------------------- */

static void key_of(const char *body_text, const long *lines, size_t n, char out[IMPORT_KEY_LEN + 1])
{
	json_t *body = json_loads(body_text, 0, NULL);

	cr_assert_not_null(body);
	cr_assert_eq(import_batch_key(body, lines, n, out, IMPORT_KEY_LEN + 1), 0);
	json_decref(body);
}

Test(import, the_batch_key_follows_the_content)
{
	static const long lines[] = { 2, 3 }, later[] = { 12, 13 };
	char a[IMPORT_KEY_LEN + 1], b[IMPORT_KEY_LEN + 1];
	char c[IMPORT_KEY_LEN + 1], d[IMPORT_KEY_LEN + 1];
	char e[IMPORT_KEY_LEN + 1], small[8];
	json_t *body = json_pack("{s:[]}", "items");

	key_of("{\"items\":[{\"place\":\"A\",\"category\":\"brand\"},"
	       "{\"place\":\"B\"}]}",
	       lines, 2, a);
	/* The same rows, members in another order: the same key. */
	key_of("{\"items\":[{\"category\":\"brand\",\"place\":\"A\"},"
	       "{\"place\":\"B\"}]}",
	       lines, 2, b);
	key_of("{\"items\":[{\"place\":\"A\",\"category\":\"klotter\"},"
	       "{\"place\":\"B\"}]}",
	       lines, 2, c);
	key_of("{\"items\":[{\"place\":\"A\",\"category\":\"brand\"}]}", lines, 1, d);
	key_of("{\"items\":[{\"place\":\"A\",\"category\":\"brand\"},"
	       "{\"place\":\"B\"}]}",
	       later, 2, e);
	cr_assert_eq(strlen(a), IMPORT_KEY_LEN);
	cr_assert_eq(strspn(a, "0123456789abcdef"), IMPORT_KEY_LEN, "%s", a);
	cr_assert_str_eq(a, b, "deterministic");
	cr_assert_str_neq(a, c, "another category, another key");
	cr_assert_str_neq(a, d, "a batch without a refused row");
	cr_assert_str_neq(a, e, "the same rows elsewhere in the file");
	cr_assert_eq(import_batch_key(body, lines, 0, small, sizeof small), -1);
	json_decref(body);
}

/* ---- a 422 back to lines ---------------------------------------------- */

Test(import, item_errors_map_to_lines)
{
	static const long lines[] = { 2, 3, 5, 7 };
	json_t *problem = json_loads("{\"code\":\"validation\",\"errors\":["
				     "{\"field\":\"items[1].category\",\"message\":\"unknown\"},"
				     "{\"field\":\"items[3]\",\"message\":\"personnummer\"},"
				     "{\"field\":\"items[1].place\",\"message\":\"too long\"},"
				     "{\"field\":\"items[9].place\",\"message\":\"past the end\"},"
				     "{\"field\":\"items[x].place\",\"message\":\"no index\"},"
				     "{\"field\":\"occurred_at\",\"message\":\"not an item\"}]}",
				     0, NULL);
	unsigned char bad[4] = { 0 };
	struct import_refusals ref;

	cr_assert_not_null(problem);
	import_refusals_init(&ref);
	cr_assert_eq(import_map_errors(problem, lines, 4, bad, &ref), 2);
	cr_assert(!bad[0] && bad[1] && !bad[2] && bad[3]);
	cr_assert_eq(ref.n, 3);
	cr_assert_eq(ref.v[0].line, 3);
	cr_assert_str_eq(ref.v[0].field, "category");
	cr_assert_str_eq(ref.v[0].message, "unknown");
	cr_assert_eq(ref.v[1].line, 7);
	cr_assert_str_eq(ref.v[1].field, "row");
	cr_assert_eq(ref.v[2].line, 3);
	cr_assert_str_eq(ref.v[2].field, "place");
	import_refusals_sort(&ref);
	cr_assert_eq(ref.v[0].line, 3);
	cr_assert_str_eq(ref.v[0].field, "category", "stable within a line");
	cr_assert_str_eq(ref.v[1].field, "place");
	cr_assert_eq(ref.v[2].line, 7);
	import_refusals_cleanup(&ref);
	json_decref(problem);
}

Test(import, errors_that_name_no_item_mark_nothing)
{
	static const long lines[] = { 2 };
	json_t *problem = json_loads("{\"errors\":[{\"field\":\"items\","
				     "\"message\":\"too many\"}]}",
				     0, NULL);
	unsigned char bad[1] = { 0 };
	struct import_refusals ref;

	import_refusals_init(&ref);
	cr_assert_eq(import_map_errors(problem, lines, 1, bad, &ref), 0);
	cr_assert_eq(ref.n, 0);
	import_refusals_cleanup(&ref);
	json_decref(problem);
}

/* ---- whole imports against a fake server ------------------------------ */

#define FAKE_MAX 32

/*
 * Keeps answers by key as the server does (a repeat is replayed), stores
 * an item once (by its content) and says per item whether it was there,
 * refuses a category it does not know with 422 naming items[i].category,
 * and answers 403 for the municipality "forbidden". With categories set,
 * it gives the import the list of categories.
 */
struct fake {
	json_t *seen; /* the items stored, as keys */
	int categories;
	char keys[FAKE_MAX][IMPORT_KEY_LEN + 1];
	long counts[FAKE_MAX];
	int nkeys;
	char sent_keys[FAKE_MAX][IMPORT_KEY_LEN + 1];
	size_t sizes[FAKE_MAX];
	size_t body_bytes[FAKE_MAX];
	int calls;
	long stored;          /* rows actually stored */
	int unreachable_from; /* from this call on (1-based): no answer */
};

static const char *item_str(const json_t *items, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(items, i), key));
}

static json_t *refusal(const json_t *items)
{
	json_t *errors = json_array();
	size_t i;
	const json_t *it;

	json_array_foreach (items, i, it) {
		const char *cat = item_str(items, i, "category");
		char field[40];

		if (cat &&
		    (!strcmp(cat, "klotter") || !strcmp(cat, "brand") || !strcmp(cat, "hot-vald")))
			continue;
		snprintf(field, sizeof field, "items[%zu].category", i);
		json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message",
							"unknown incident category"));
	}
	if (json_array_size(errors) == 0) {
		json_decref(errors);
		return NULL;
	}
	return json_pack("{s:s,s:i,s:o}", "code", "validation", "status", 422, "errors", errors);
}

static int fake_send(void *ctx, const json_t *body, const char *key, struct http_response *resp,
		     struct strbuf *err)
{
	struct fake *f = ctx;
	const json_t *items = json_object_get(body, "items");
	size_t n = json_array_size(items);
	int call = f->calls++;

	cr_assert_lt(call, FAKE_MAX);
	snprintf(f->sent_keys[call], sizeof f->sent_keys[call], "%s", key);
	f->sizes[call] = n;
	f->body_bytes[call] = json_dumpb(body, NULL, 0, JSON_COMPACT);
	memset(resp, 0, sizeof *resp);
	if (f->unreachable_from && call + 1 >= f->unreachable_from) {
		(void)strbuf_puts(err, "cannot connect to the server");
		return CLI_TEMPFAIL;
	}
	for (int k = 0; k < f->nkeys; k++)
		if (strcmp(f->keys[k], key) == 0) {
			resp->status = 201;
			resp->replayed = 1;
			resp->json = json_pack("{s:I,s:[]}", "count", (json_int_t)f->counts[k],
					       "items");
			return 0;
		}
	for (size_t i = 0; i < n; i++) {
		const char *m = item_str(items, i, "municipality");

		if (m && strcmp(m, "forbidden") == 0) {
			resp->status = 403;
			resp->json = json_pack("{s:s,s:s}", "code", "forbidden", "detail",
					       "items[0]: you may not report "
					       "for forbidden");
			return 0;
		}
	}
	resp->json = refusal(items);
	if (resp->json) {
		resp->status = 422;
		return 0;
	}
	cr_assert_lt(f->nkeys, FAKE_MAX);
	snprintf(f->keys[f->nkeys], sizeof f->keys[f->nkeys], "%s", key);
	resp->status = 201;
	resp->json = json_pack("{s:I,s:[]}", "count", (json_int_t)0, "items");
	if (!f->seen)
		f->seen = json_object();
	for (size_t i = 0; i < n; i++) {
		char *text = json_dumps(json_array_get(items, i), JSON_COMPACT | JSON_SORT_KEYS);
		int there = json_object_get(f->seen, text) != NULL;

		cr_assert(text && f->seen);
		if (!there) {
			json_object_set_new(f->seen, text, json_true());
			f->stored++;
			f->counts[f->nkeys]++;
		}
		json_array_append_new(json_object_get(resp->json, "items"),
				      json_pack("{s:s,s:b}", "id", "x", "already_stored", there));
		free(text);
	}
	json_object_set_new(resp->json, "count", json_integer(f->counts[f->nkeys++]));
	return 0;
}

static int fake_categories(void *ctx, json_t **cats)
{
	struct fake *f = ctx;

	*cats = f->categories ? json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "slug", "klotter",
					  "name", "Klotter", "slug", "brand", "name", "Brand",
					  "slug", "hot-vald", "name", "Hot och våld")
			      : NULL;
	return 0;
}

static void fake_done(struct fake *f)
{
	json_decref(f->seen);
}

struct run {
	int rc;
	char *out, *err;
};

static struct run import(struct fake *f, const char *csv, size_t batch, enum out_format format,
			 const char *municipality)
{
	struct import_transport t = { fake_send, fake_categories, f };
	struct import_opts o = { "test.csv", municipality, batch, 0 };
	struct app app;
	struct run r = { 0 };
	size_t olen = 0, elen = 0;

	app_init(&app);
	app.out.out = open_memstream(&r.out, &olen);
	app.out.err = open_memstream(&r.err, &elen);
	cr_assert(app.out.out && app.out.err);
	app.out.format = format;
	app.out.json_errors = format == OUT_JSON; /* as --output json does */
	r.rc = import_run(&app, csv, strlen(csv), &o, &t);
	fclose(app.out.out);
	fclose(app.out.err);
	app_cleanup(&app);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Five rows on lines 2 to 6; line 4 has a category the server refuses. */
static const char five[] = "\xEF\xBB\xBFtidpunkt;kommun;plats;kategori\r\n"
			   "2026-11-16 21:30;sigtuna;Märsta centrum;klotter\r\n"
			   "2026-11-16 22:00;sigtuna;Valsta;brand\r\n"
			   "2026-11-17 01:10;sigtuna;Steninge;okänd\r\n"
			   "2026-11-17 02:00;sigtuna;Rosersberg;klotter\r\n"
			   "2026-11-18 19:45;sigtuna;Märsta station;brand\r\n";

Test(import, good_lines_of_a_refused_batch_are_stored)
{
	struct fake f = { 0 };
	struct run r = import(&f, five, 2, OUT_TABLE, NULL);

	cr_assert_eq(r.rc, CLI_VALIDATION, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "5 lines: 4 stored, 0 already stored, 1 refused\n");
	cr_assert_str_eq(r.err, "line 4: category: unknown incident category\n");
	cr_assert_eq(f.stored, 4);
	/* lines 2-3; lines 4-5 refused; line 5 again; line 6 */
	cr_assert_eq(f.calls, 4);
	cr_assert_eq(f.sizes[1], 2);
	cr_assert_eq(f.sizes[2], 1);
	cr_assert_str_neq(f.sent_keys[1], f.sent_keys[2],
			  "the rest of the batch is new content, a new key");
	run_free(&r);
	fake_done(&f);
}

Test(import, the_same_import_again_stores_nothing_twice)
{
	struct fake f = { 0 };
	struct run r1 = import(&f, five, 2, OUT_TABLE, NULL);
	struct run r2;
	int first_calls = f.calls;

	r2 = import(&f, five, 2, OUT_TABLE, NULL);
	cr_assert_eq(f.stored, 4, "nothing stored by the second run");
	cr_assert_str_eq(r1.out, "5 lines: 4 stored, 0 already stored, 1 refused\n");
	cr_assert_str_eq(r2.out, "5 lines: 0 stored, 4 already stored, 1 refused\n",
			 "replayed batches are not stored again, and are said to be");
	cr_assert_str_eq(r2.err, r1.err, "the same refusals");
	cr_assert_eq(r2.rc, CLI_VALIDATION);
	for (int i = 0; i < first_calls; i++)
		cr_assert_str_eq(f.sent_keys[first_calls + i], f.sent_keys[i], "call %d", i);
	run_free(&r1);
	run_free(&r2);
	fake_done(&f);
}

static const char five_fixed[] = "\xEF\xBB\xBFtidpunkt;kommun;plats;kategori\r\n"
				 "2026-11-16 21:30;sigtuna;Märsta centrum;klotter\r\n"
				 "2026-11-16 22:00;sigtuna;Valsta;brand\r\n"
				 "2026-11-17 01:10;sigtuna;Steninge;brand\r\n"
				 "2026-11-17 02:00;sigtuna;Rosersberg;klotter\r\n"
				 "2026-11-18 19:45;sigtuna;Märsta station;brand\r\n";

/* The bad line fixed, the file imported again in one batch: a batch the
 * first run never sent, whose other lines the server has. */
Test(import, the_fixed_file_again_stores_only_the_fixed_line)
{
	struct fake f = { 0 };
	struct run r1 = import(&f, five, 500, OUT_TABLE, NULL), r2;

	r2 = import(&f, five_fixed, 500, OUT_TABLE, NULL);
	cr_assert_eq(r1.rc, CLI_VALIDATION, "%s", r1.err);
	cr_assert_eq(r2.rc, 0, "%s", r2.err);
	cr_assert_str_eq(r2.out, "5 lines: 1 stored, 4 already stored, 0 refused\n");
	cr_assert_str_eq(r2.err, "");
	cr_assert_eq(f.stored, 5, "a line was stored twice");
	run_free(&r1);
	run_free(&r2);
	fake_done(&f);
}

Test(import, category_names_in_any_case_are_their_slugs)
{
	static const char csv[] = "tidpunkt;kommun;plats;kategori\n"
				  "2026-11-16;sigtuna;A;Hot och våld\n"
				  "2026-11-16;sigtuna;B;HOT OCH VÅLD\n"
				  "2026-11-16;sigtuna;C;hot-vald\n"
				  "2026-11-16;sigtuna;D;Klotterx\n"
				  "2026-11-16;sigtuna;E;Fyrverkerier\n"
				  "2026-11-16;sigtuna;F;KLOTTER\n";
	struct fake f = { .categories = 1 };
	struct run r = import(&f, csv, 500, OUT_TABLE, NULL);

	cr_assert_eq(r.rc, CLI_VALIDATION, "%s", r.err);
	cr_assert_str_eq(r.out, "6 lines: 4 stored, 0 already stored, 2 refused\n");
	cr_assert_eq(f.calls, 1, "names refused by the server: %s", r.err);
	cr_assert_str_eq(r.err, "line 5: category: unknown category 'Klotterx' — did you mean "
				"klotter (Klotter)?\n"
				"line 6: category: unknown category 'Fyrverkerier' ('samverkan "
				"incidents categories' lists them)\n");
	run_free(&r);
	fake_done(&f);
}

Test(import, json_summary)
{
	struct fake f = { 0 };
	struct run r = import(&f, five, 500, OUT_JSON, NULL);
	json_t *got = json_loads(r.out, 0, NULL);

	cr_assert_not_null(got, "%s", r.out);
	expect_json(
	    got,
	    "{\"lines\":5,\"stored\":4,\"already_stored\":0,\"refused\":[{\"line\":4,\"field\":"
	    "\"category\",\"message\":\"unknown incident "
	    "category\"}]}");
	cr_assert_eq(f.calls, 2, "one batch, then its good rows");
	json_decref(got);
	run_free(&r);
	fake_done(&f);
}

Test(import, rows_refused_here_are_never_sent)
{
	static const char csv[] = "occurred_at,place,category,lat,lon\n"
				  "2026-11-16,Valsta,brand,,\n"
				  "2026-11-16,Valsta,brand,norr,17\n"
				  "\n"
				  "2026-11-16,Valsta\n"
				  "2026-11-16,\"Märsta, torget\",klotter,\"59,6\","
				  "\"17,9\"\n";
	struct fake f = { 0 };
	struct run r = import(&f, csv, 500, OUT_TABLE, "sigtuna");

	cr_assert_eq(r.rc, CLI_VALIDATION, "%s", r.err);
	cr_assert_str_eq(r.out, "4 lines: 2 stored, 0 already stored, 2 refused\n");
	cr_assert_str_eq(r.err, "line 3: latitude: not a number\n"
				"line 5: row: 2 cells where the header has 5\n");
	cr_assert_eq(f.calls, 1);
	cr_assert_eq(f.sizes[0], 2);
	run_free(&r);
	fake_done(&f);
}

Test(import, a_refusal_of_the_right_stops_the_import)
{
	static const char csv[] = "kommun;plats;kategori;tidpunkt\n"
				  "sigtuna;A;brand;2026-11-16\n"
				  "sigtuna;B;brand;2026-11-16\n"
				  "forbidden;C;brand;2026-11-16\n"
				  "sigtuna;D;brand;2026-11-16\n";
	struct fake f = { 0 };
	struct run r = import(&f, csv, 2, OUT_TABLE, NULL);

	cr_assert_eq(r.rc, CLI_AUTH, "%s", r.err);
	cr_assert_str_eq(r.out, "4 lines: 2 stored, 0 already stored, 0 refused, 2 not sent\n");
	cr_assert(strstr(r.err, "forbidden"), "%s", r.err);
	cr_assert(strstr(r.err, "stopped at line 4"), "%s", r.err);
	cr_assert_eq(f.calls, 2, "nothing after the refusal");
	run_free(&r);
	fake_done(&f);
}

Test(import, an_unreachable_server_stops_with_75)
{
	struct fake f = { .unreachable_from = 2 };
	struct run r = import(&f, five, 1, OUT_JSON, NULL);
	json_t *got = json_loads(r.out, 0, NULL);

	cr_assert_eq(r.rc, CLI_TEMPFAIL, "%s", r.err);
	cr_assert_not_null(got, "%s", r.out);
	expect_json(got, "{\"lines\":5,\"stored\":1,\"already_stored\":0,\"refused\":[],"
			 "\"stopped_at_line\":3}");
	cr_assert(strstr(r.err, "cannot connect"), "%s", r.err);
	json_decref(got);
	run_free(&r);
	fake_done(&f);
}

Test(import, a_header_that_does_not_fit_sends_nothing)
{
	struct fake f = { 0 };
	struct run r = import(&f, "tidpunkt;plats;kategori;vittne\n1;2;3;4\n", 500, OUT_TABLE,
			      "sigtuna");

	cr_assert_eq(r.rc, CLI_USAGE);
	cr_assert(strstr(r.err, "'vittne'"), "%s", r.err);
	cr_assert_eq(f.calls, 0);
	run_free(&r);
	r = import(&f, "", 500, OUT_TABLE, "sigtuna");
	cr_assert_eq(r.rc, CLI_USAGE);
	cr_assert(strstr(r.err, "empty"), "%s", r.err);
	run_free(&r);
	fake_done(&f);
}

Test(import, a_progress_bar_is_drawn_in_place_and_cleared)
{
	struct fake f = { 0 };
	struct import_transport t = { fake_send, fake_categories, &f };
	struct import_opts o = { "test.csv", NULL, 2, 1 };
	struct app app;
	char *out = NULL, *err = NULL;
	size_t olen = 0, elen = 0, n;

	app_init(&app);
	app.out.out = open_memstream(&out, &olen);
	app.out.err = open_memstream(&err, &elen);
	cr_assert(app.out.out && app.out.err);
	cr_assert_eq(import_run(&app, five, strlen(five), &o, &t), CLI_VALIDATION);
	fclose(app.out.out);
	fclose(app.out.err);
	app_cleanup(&app);
	cr_assert(strncmp(err, "\rimporting [", 12) == 0, "%s", err);
	cr_assert(strstr(err, "] 0/5 lines"), "%s", err);
	cr_assert(strstr(err, "] 2/5 lines"), "%s", err);
	cr_assert(strstr(err, "] 4/5 lines"), "%s", err);
	/* One line redrawn, gone before the summary's error line. */
	n = strlen(err);
	cr_assert_eq(strchr(err, '\n'), err + n - 1, "%s", err);
	cr_assert(strstr(err, "\r\033[Kline 4: category: unknown incident category\n"), "%s", err);
	cr_assert_str_eq(out, "5 lines: 4 stored, 0 already stored, 1 refused\n");
	free(out);
	free(err);
	fake_done(&f);
}

/* 1000 rows with long descriptions (about 2 MB as JSON): sent in batches
 * that stay under the server's default body limit, every row stored. */
Test(import, long_rows_close_a_batch_before_it_is_too_large)
{
	struct fake f = { 0 };
	struct strbuf csv;
	char desc[1901];
	struct run r;
	long sent = 0;

	memset(desc, 'x', sizeof desc - 1);
	desc[sizeof desc - 1] = '\0';
	strbuf_init(&csv, 0);
	cr_assert_eq(strbuf_puts(&csv, "tidpunkt;kommun;plats;kategori;beskrivning\n"), 0);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(strbuf_printf(&csv, "2026-11-16 21:%02d;sigtuna;Plats %d;klotter;%s\n",
					   i % 60, i, desc),
			     0);
	r = import(&f, csv.data, 1000, OUT_TABLE, NULL);
	cr_expect_eq(r.rc, 0, "%s", r.err);
	cr_expect_eq(f.stored, 1000);
	cr_expect_gt(f.calls, 1, "one batch of about 2 MB");
	for (int i = 0; i < f.calls; i++) {
		cr_expect_lt(f.body_bytes[i], (size_t)1024 * 1024, "batch %d: %zu bytes", i,
			     f.body_bytes[i]);
		sent += (long)f.sizes[i];
	}
	cr_expect_eq(sent, 1000);
	cr_expect_str_eq(r.out, "1000 lines: 1000 stored, 0 already stored, 0 refused\n");
	run_free(&r);
	strbuf_cleanup(&csv);
	fake_done(&f);
}
