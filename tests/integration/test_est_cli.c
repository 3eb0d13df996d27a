/*
 * The EST commands of the CLI (SPEC §5, §8) against the real daemon: a
 * nightly `incidents import` of a municipality's export — a BOM, ';', one
 * line with a category there is not — stores the good lines, names the
 * bad one by its line in the file and exits 6; run again it stores
 * nothing twice, nor when the bad line is fixed (the fixed line only),
 * and one summary adds up; categories by name in any case; standard
 * input works as a file; the situation picture counts what was imported;
 * and an EST member's lines for another municipality are refused line by
 * line, the others stored.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE_OPTS(est_cli, e, &(struct env_opts){ .need_cli = true }, .timeout = 180);

/* The CLI as the user whose token this is (as a cron job runs it). */
#define cli_as(tok_, in_, ...)                                                                     \
	cli_v(&e,                                                                                  \
	      &(struct cli_opts){                                                                  \
		  .home = "est", .in = (in_), .env = { strf(&e, "SAMVERKAN_TOKEN=%s", (tok_)) } }, \
	      (const char *const[]){ __VA_ARGS__, NULL })

static const char *show(const struct proc *p)
{
	return strf(&e, "exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s", p->status, p->out,
		    p->err);
}

static long incidents(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.incidents");
}

/*
 * Twelve incidents in Sigtuna in ISO week 2025-W47 (Monday 17 November
 * to Sunday 23 November 2025), as an export with a BOM, ';' and CRLF: the
 * header is line 1, and line 7 has a category the server does not know.
 */
#define WEEK "2025-W47"

static const char export_csv[] =
    "\xEF\xBB\xBF"
    "Tidpunkt;Kommun;Plats;Kategori;Beskrivning\r\n"
    "2025-11-17 08:10;sigtuna;Märsta centrum;klotter;Busskuren\r\n"
    "2025-11-17 21:30;sigtuna;Märsta centrum;skadegorelse;\"Krossad ruta; entrén\"\r\n"
    "2025-11-18 19:05;sigtuna;Valsta centrum;ungdomsgrupp;\r\n"
    "2025-11-18 23:40;sigtuna;Märsta station;ordningsstorning;\r\n"
    "2025-11-19 07:55;sigtuna;Steninge;nedskrapning;Vid återvinningen\r\n"
    "2025-11-19 12:00;sigtuna;Valsta centrum;fyrverkerier;Smällare\r\n"
    "2025-11-20 18:30;sigtuna;Märsta centrum;klotter;\"Taggar på\r\nväggen\"\r\n"
    "2025-11-20 22:15;sigtuna;Rosersberg;brand;Container\r\n"
    "2025-11-21 16:45;sigtuna;Märsta centrum;narkotika;\r\n"
    "2025-11-22 01:20;sigtuna;Valsta centrum;hot-vald;\r\n"
    "2025-11-22 14:00;sigtuna;Sigtuna stadskärna;klotter;\r\n"
    "2025-11-23 20:50;sigtuna;Märsta centrum;ovrigt;\r\n";

static const char *write_export(void)
{
	const char *path = strf(&e, "%s/handelser-v47.csv", e.dir);
	FILE *f = fopen(path, "wb");

	cr_assert(f, "cannot write %s", path);
	cr_assert_eq(fwrite(export_csv, 1, sizeof export_csv - 1, f), sizeof export_csv - 1);
	cr_assert_eq(fclose(f), 0);
	return path;
}

Test(est_cli, an_import_stores_the_good_lines_once_and_names_the_bad_one)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	const char *file = write_export();
	struct proc *p;

	p = cli_as(ber, NULL, "incidents", "import", file);
	cr_expect_eq(p->status, 6, "a refused line: %s", show(p));
	cr_expect_str_eq(p->out, "12 lines: 11 stored, 0 already stored, 1 refused\n", "%s",
			 show(p));
	cr_expect(strstr(p->err, "line 7: category: unknown category 'fyrverkerier'"),
		  "the line of the file: %s", show(p));
	cr_expect_null(strstr(p->err, "line 8:"), "the quoted line break moved no line: %s",
		       show(p));
	cr_expect_eq(incidents(), 11);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents WHERE description = "
				   "'Krossad ruta; entrén'"),
		     1, "a quoted ';' split the cell");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents WHERE description = "
				   "'Taggar på' || chr(10) || 'väggen'"),
		     1, "a quoted line break was lost");

	/* The nightly job runs again: the server replays every batch. */
	p = cli_as(ber, NULL, "incidents", "import", file);
	cr_expect_eq(p->status, 6, "%s", show(p));
	cr_expect_str_eq(p->out, "12 lines: 0 stored, 11 already stored, 1 refused\n", "%s",
			 show(p));
	cr_expect(strstr(p->err, "line 7: category"), "%s", show(p));
	cr_expect_eq(incidents(), 11, "the second run stored lines again");

	p = cli_as(ber, NULL, "-o", "json", "incidents", "import", file);
	cr_expect_eq(p->status, 6, "%s", show(p));
	cr_expect(strstr(p->out, "\"stored\": 0"), "%s", show(p));
	cr_expect(strstr(p->out, "\"already_stored\": 11"), "%s", show(p));
	cr_expect(strstr(p->out, "\"line\": 7"), "%s", show(p));
	cr_expect_eq(incidents(), 11);
}

/* The export with line 7 fixed, its category as a person writes it. */
static const char *write_fixed_export(void)
{
	const char *path = strf(&e, "%s/handelser-v47-rättad.csv", e.dir);
	const char *bad = strstr(export_csv, "fyrverkerier");
	FILE *f = fopen(path, "wb");

	cr_assert(f && bad, "cannot write %s", path);
	cr_assert_eq(fprintf(f, "%.*sHOT OCH VÅLD%s", (int)(bad - export_csv), export_csv,
			     bad + strlen("fyrverkerier")) > 0,
		     1);
	cr_assert_eq(fclose(f), 0);
	return path;
}

Test(est_cli, the_file_with_its_bad_line_fixed_stores_that_line_only)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	struct proc *p;

	p = cli_as(ber, NULL, "incidents", "import", write_export());
	cr_assert_eq(p->status, 6, "%s", show(p));
	cr_assert_eq(incidents(), 11);

	p = cli_as(ber, NULL, "incidents", "import", write_fixed_export());
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect_str_eq(p->out, "12 lines: 1 stored, 11 already stored, 0 refused\n", "%s",
			 show(p));
	cr_expect_str_eq(p->err, "", "%s", show(p));
	cr_expect_eq(incidents(), 12, "the good lines were stored a second time");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents i "
				   "JOIN svk.incident_categories c ON c.id = i.category_id "
				   "WHERE c.slug = 'hot-vald'"),
		     2, "the category's name in capitals was not its slug");

	/* With a smaller batch, so that every batch is new to the server. */
	p = cli_as(ber, NULL, "incidents", "import", write_fixed_export(), "--batch-size", "5");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect_str_eq(p->out, "12 lines: 0 stored, 12 already stored, 0 refused\n", "%s",
			 show(p));
	cr_expect_eq(incidents(), 12);
}

Test(est_cli, the_situation_picture_counts_the_import)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	struct proc *p;
	json_t *sit;

	p = cli_as(ber, NULL, "incidents", "import", write_export());
	cr_assert_eq(p->status, 6, "%s", show(p));

	p = cli_as(ber, NULL, "situation", "--municipality", "sigtuna", "--week", WEEK, "--output",
		   "json");
	cr_assert_eq(p->status, 0, "%s", show(p));
	sit = json_loads(p->out, 0, NULL);
	cr_assert(sit, "stdout is not JSON: %s", show(p));
	env_keep(&e, sit, (void (*)(void *))json_decref);
	cr_expect_eq(json_integer_value(json_object_get(sit, "total")), 11, "%s", p->out);
	cr_expect_str_eq(json_string_value(json_object_get(sit, "week")), WEEK);

	/* Into a pipe without --output: the picture as plain ASCII. */
	p = cli_as(ber, NULL, "situation", "--municipality", "sigtuna", "--week", WEEK);
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "11 incidents"), "%s", show(p));
	cr_expect(strstr(p->out, "Klotter"), "%s", show(p));
	cr_expect(strstr(p->out, "#"), "no ASCII bars: %s", show(p));
	for (const unsigned char *c = (const unsigned char *)p->out; *c; c++)
		cr_expect(*c != 0x1b, "a terminal escape in a pipe: %s", show(p));

	/* Forced into a pipe as a table: the same. */
	p = cli_as(ber, NULL, "situation", "--municipality", "sigtuna", "--week", WEEK, "-o",
		   "table");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strstr(p->out, "11 incidents"), "%s", show(p));
	cr_expect(strstr(p->out, "#"), "no ASCII bars: %s", show(p));

	p = cli_as(ber, NULL, "situation", "--municipality", "sigtuna", "--week", WEEK, "-o",
		   "csv");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect(strncmp(p->out,
			  "\xEF\xBB\xBF"
			  "category;name;count;previous_average;change;"
			  "change_percent\r\n",
			  strlen("\xEF\xBB\xBF"
				 "category;name;count;previous_average;change;"
				 "change_percent\r\n")) == 0,
		  "%s", show(p));
	cr_expect(strstr(p->out, "\r\nklotter;Klotter;3;"), "%s", show(p));
}

Test(est_cli, standard_input_is_a_file)
{
	const char *ber = user_in_group(&e, "bo.ber", "sigtuna", "beredningsgrupp", "member");
	static const char csv[] =
	    "occurred_at,place,category,lat,lon\n"
	    "2025-11-18T19:05:00Z,Valsta centrum,klotter,\"59,6194\",\"17,8560\"\n"
	    "2025-11-19 07:55,Steninge,brand,,\n";
	struct proc *p;

	p = cli_as(ber, csv, "incidents", "import", "-", "--municipality", "sigtuna");
	cr_expect_eq(p->status, 0, "%s", show(p));
	cr_expect_str_eq(p->out, "2 lines: 2 stored, 0 already stored, 0 refused\n", "%s", show(p));
	cr_expect_eq(incidents(), 2);
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.incidents i "
			  "JOIN svk.organisations o ON o.id = i.municipality_id "
			  "WHERE o.slug = 'sigtuna' AND i.latitude BETWEEN 59.6193 AND 59.6195 "
			  "AND i.longitude BETWEEN 17.8559 AND 17.8561"),
	    1, "the municipality or the decimal comma was not taken");

	/* An unknown column is a usage error; nothing is sent. */
	p = cli_as(ber, "tidpunkt;plats;kategori;vittne\n2025-11-18;Valsta;brand;x\n", "incidents",
		   "import", "-", "--municipality", "sigtuna");
	cr_expect_eq(p->status, 2, "%s", show(p));
	cr_expect(strstr(p->err, "'vittne'"), "%s", show(p));
	cr_expect_eq(incidents(), 2);
}

/* An EST member of Sigtuna, and a file of three Sigtuna lines and one
 * of Sollentuna: that line is refused, the others are stored. */
Test(est_cli, a_line_for_another_municipality_is_refused_and_the_others_stored)
{
	const char *est = user_in_group(&e, "sara.est", "sigtuna", "est-sigtuna", "member");
	static const char csv[] = "tidpunkt;kommun;plats;kategori\n"
				  "2025-11-17 08:10;sigtuna;Märsta centrum;klotter\n"
				  "2025-11-17 09:10;sigtuna;Valsta centrum;klotter\n"
				  "2025-11-17 10:10;sigtuna;Steninge;brand\n"
				  "2025-11-17 11:10;sollentuna;Tureberg;klotter\n";
	struct proc *p;

	p = cli_as(est, csv, "incidents", "import", "-");
	cr_expect_eq(p->status, 6, "%s", show(p));
	cr_expect_str_eq(p->out, "4 lines: 3 stored, 0 already stored, 1 refused\n", "%s", show(p));
	cr_expect(strstr(p->err, "line 5: municipality: you report for sigtuna only"), "%s",
		  show(p));
	cr_expect_null(strstr(p->err, "stopped"), "%s", show(p));
	cr_expect_eq(incidents(), 3);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents i "
				   "JOIN svk.organisations o ON o.id = i.municipality_id "
				   "WHERE o.slug = 'sollentuna'"),
		     0);
}

Test(est_cli, the_same_incident_reported_twice_is_stored_once)
{
	const char *est = user_in_group(&e, "sara.est", "sigtuna", "est-sigtuna", "member");
	struct proc *p;

	for (int i = 0; i < 2; i++) {
		p = cli_as(est, NULL, "incidents", "report", "--municipality", "sigtuna", "--place",
			   "Märsta centrum", "--category", "klotter", "--occurred-at",
			   "2025-11-17 08:10", "--description", "Busskuren", "-o", "json");
		cr_expect_eq(p->status, 0, "%s", show(p));
		cr_expect(strstr(p->out, "\"place\": \"Märsta centrum\""), "%s", show(p));
		if (i == 1)
			cr_expect(strstr(p->err, "already stored"), "%s", show(p));
		else
			cr_expect_null(strstr(p->err, "already stored"), "%s", show(p));
	}
	cr_expect_eq(incidents(), 1);
}
