/*
 * `samverkand seed FILE`: loads the agreement's seed data (deploy/seed/)
 * in one transaction, idempotently — rows that exist are left as they are —
 * and creates the first admin account with a generated password written to
 * a file only the operator can read. There are no default accounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "strbuf.h"

void admin_random_password(char *out, size_t len)
{
	static const char alphabet[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[randombytes_uniform(62)];
	out[len] = '\0';
}

int admin_hash_password(const struct config *cfg, const char *password, char *out)
{
	return crypto_pwhash_str(out, password, strlen(password),
				 (unsigned long long)cfg->argon2_ops,
				 (size_t)cfg->argon2_mem_kib * 1024U);
}

static int run(PGconn *pg, struct log *log, const char *what, const char *sql, int n,
	       const char *const *params, PGresult **out)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		log_error(log, "msg=\"seed failed, nothing loaded\" step=\"%s\" error=\"%s\"", what,
			  PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return 0;
}

static int seed_organisations(PGconn *pg, struct log *log, json_t *orgs, int *added)
{
	size_t i;
	json_t *o;

	json_array_foreach (orgs, i, o) {
		const char *slug, *name, *kind;
		int party = 0;
		PGresult *r;

		if (json_unpack(o, "{s:s, s:s, s:s, s?b}", "slug", &slug, "name", &name, "kind",
				&kind, "party", &party) != 0) {
			log_error(log, "msg=\"seed: organisations[%zu] needs slug, name, kind\"",
				  i);
			return -1;
		}
		const char *p[4] = { slug, name, kind, party ? "true" : "false" };
		if (run(pg, log, "organisation",
			"INSERT INTO svk.organisations (slug, name, kind, party) "
			"VALUES ($1, $2, $3, $4::boolean) ON CONFLICT (slug) DO NOTHING RETURNING "
			"id",
			4, p, &r) != 0)
			return -1;
		*added += PQntuples(r);
		PQclear(r);
	}
	return 0;
}

static int seed_groups(PGconn *pg, struct log *log, json_t *groups, int *added)
{
	size_t i;
	json_t *g;

	json_array_foreach (groups, i, g) {
		const char *slug, *name, *tier,
		    *mun = json_string_value(json_object_get(g, "municipality"));
		json_t *ignored = NULL;
		PGresult *r;

		if (json_unpack(g, "{s:s, s:s, s:s, s?o}", "slug", &slug, "name", &name, "tier",
				&tier, "municipality", &ignored) != 0) {
			log_error(log, "msg=\"seed: groups[%zu] needs slug, name, tier\"", i);
			return -1;
		}
		const char *p[4] = { slug, name, tier, mun };
		if (run(pg, log, "group",
			"INSERT INTO svk.groups (slug, name, tier, municipality_id) "
			"SELECT $1, $2, $3, (SELECT id FROM svk.organisations WHERE slug = $4) "
			"ON CONFLICT (slug) DO NOTHING RETURNING id",
			4, p, &r) != 0)
			return -1;
		*added += PQntuples(r);
		PQclear(r);
	}
	return 0;
}

static int seed_categories(PGconn *pg, struct log *log, json_t *cats)
{
	size_t i;
	json_t *c;

	json_array_foreach (cats, i, c) {
		const char *slug, *name;

		if (json_unpack(c, "{s:s, s:s}", "slug", &slug, "name", &name) != 0) {
			log_error(log, "msg=\"seed: incident_categories[%zu] needs slug, name\"",
				  i);
			return -1;
		}
		const char *p[2] = { slug, name };
		if (run(pg, log, "incident category",
			"INSERT INTO svk.incident_categories (slug, name) VALUES ($1, $2) "
			"ON CONFLICT (slug) DO NOTHING",
			2, p, NULL) != 0)
			return -1;
	}
	return 0;
}

/* The agreement, its focus areas and one draft plan per municipality. */
static int seed_agreement(PGconn *pg, struct log *log, json_t *a, json_t *plans, int *added)
{
	const char *title, *goal, *from, *to;
	json_t *parties = NULL, *areas = NULL, *v;
	char agreement_id[40];
	PGresult *r;
	size_t i;

	if (json_unpack(a, "{s:s, s:s, s:s, s:s, s:o, s?o}", "title", &title, "goal", &goal,
			"valid_from", &from, "valid_to", &to, "parties", &parties, "focus_areas",
			&areas) != 0 ||
	    !json_is_array(parties)) {
		log_error(
		    log,
		    "msg=\"seed: agreement needs title, goal, valid_from, valid_to, parties\"");
		return -1;
	}
	const char *p[4] = { title, goal, from, to };
	if (run(pg, log, "agreement",
		"INSERT INTO svk.agreements (title, goal, valid_from, valid_to) "
		"VALUES ($1, $2, $3::date, $4::date) ON CONFLICT (title, valid_from) DO NOTHING "
		"RETURNING id",
		4, p, &r) != 0)
		return -1;
	*added += PQntuples(r);
	PQclear(r);
	if (run(pg, log, "agreement id",
		"SELECT id FROM svk.agreements WHERE title = $1 AND valid_from = $2::date", 2,
		(const char *const[]){ title, from }, &r) != 0)
		return -1;
	snprintf(agreement_id, sizeof agreement_id, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	json_array_foreach (parties, i, v) {
		const char *q[2] = { agreement_id, json_string_value(v) };
		if (!q[1] ||
		    run(pg, log, "party",
			"INSERT INTO svk.agreement_parties (agreement_id, organisation_id) "
			"SELECT $1::uuid, id FROM svk.organisations WHERE slug = $2 "
			"ON CONFLICT DO NOTHING",
			2, q, NULL) != 0)
			return -1;
	}
	json_array_foreach (areas, i, v) {
		const char *ftitle = json_string_value(json_object_get(v, "title"));
		const char *fgoal = json_string_value(json_object_get(v, "goal"));
		char ordinal[16];
		snprintf(ordinal, sizeof ordinal, "%lld",
			 (long long)json_integer_value(json_object_get(v, "ordinal")));
		const char *q[4] = { agreement_id, ordinal, ftitle, fgoal };
		if (!ftitle || !fgoal ||
		    run(pg, log, "focus area",
			"INSERT INTO svk.focus_areas (agreement_id, ordinal, title, goal) "
			"VALUES ($1::uuid, $2::int, $3, $4) ON CONFLICT DO NOTHING",
			4, q, NULL) != 0)
			return -1;
	}
	json_array_foreach (plans, i, v) {
		const char *mun = json_string_value(json_object_get(v, "municipality"));
		const char *ptitle = json_string_value(json_object_get(v, "title"));
		const char *q[3] = { agreement_id, mun, ptitle };
		if (!mun || !ptitle ||
		    run(pg, log, "action plan",
			"INSERT INTO svk.action_plans (agreement_id, municipality_id, title) "
			"SELECT $1::uuid, id, $3 FROM svk.organisations WHERE slug = $2 "
			"ON CONFLICT DO NOTHING",
			3, q, NULL) != 0)
			return -1;
	}
	return 0;
}

static int write_secret_file(const char *path, const char *content, struct log *log)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t len = strlen(content);
	int rc = -1;

	if (fd < 0) {
		log_error(log, "msg=\"cannot write password file\" path=\"%s\" error=\"%s\"", path,
			  strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) == 0 && write(fd, content, len) == (ssize_t)len &&
	    write(fd, "\n", 1) == 1 && fsync(fd) == 0)
		rc = 0;
	if (close(fd) != 0)
		rc = -1;
	if (rc != 0)
		log_error(log, "msg=\"cannot write password file\" path=\"%s\"", path);
	return rc;
}

static int seed_admin(const struct config *cfg, PGconn *pg, struct log *log, json_t *admin,
		      const char *password_file, int *created)
{
	const char *username, *display, *org;
	char password[25], hash[crypto_pwhash_STRBYTES];
	PGresult *r;
	int exists;

	if (json_unpack(admin, "{s:s, s:s, s:s}", "username", &username, "display_name", &display,
			"organisation", &org) != 0) {
		log_error(log, "msg=\"seed: admin needs username, display_name, organisation\"");
		return -1;
	}
	const char *q[1] = { username };
	if (run(pg, log, "admin lookup", "SELECT 1 FROM svk.users WHERE username = $1", 1, q, &r) !=
	    0)
		return -1;
	exists = PQntuples(r) > 0;
	PQclear(r);
	if (exists)
		return 0;
	if (!password_file) {
		log_error(log,
			  "msg=\"seed: the admin account is missing; give --admin-password-file\"");
		return -1;
	}
	admin_random_password(password, 24);
	if (admin_hash_password(cfg, password, hash) != 0) {
		log_error(log, "msg=\"cannot hash password (out of memory?)\"");
		return -1;
	}
	const char *p[4] = { username, display, org, hash };
	if (run(pg, log, "admin",
		"INSERT INTO svk.users (username, display_name, organisation_id, admin, "
		"password_hash) "
		"SELECT $1, $2, o.id, true, $4 FROM svk.organisations o WHERE o.slug = $3 "
		"RETURNING id",
		4, p, &r) != 0)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		log_error(log,
			  "msg=\"seed: the admin's organisation does not exist\" organisation=%s",
			  org);
		return -1;
	}
	PQclear(r);
	/* The file is written before COMMIT: if it cannot be written, the
	 * account is not created and nobody is locked out. */
	if (write_secret_file(password_file, password, log) != 0)
		return -1;
	sodium_memzero(password, sizeof password);
	*created = 1;
	return 0;
}

/* Demo users with generated passwords, listed in users_file (0600). */
static int seed_demo_users(const struct config *cfg, PGconn *pg, struct log *log, json_t *users,
			   struct strbuf *listing, int *created)
{
	size_t i;
	json_t *u;

	json_array_foreach (users, i, u) {
		const char *username, *display, *org;
		json_t *ms = NULL, *m;
		char password[21], hash[crypto_pwhash_STRBYTES];
		PGresult *r;
		size_t k;
		int fresh;

		if (json_unpack(u, "{s:s, s:s, s:s, s?o}", "username", &username, "display_name",
				&display, "organisation", &org, "memberships", &ms) != 0) {
			log_error(log,
				  "msg=\"seed: demo users[%zu] needs username, display_name, "
				  "organisation\"",
				  i);
			return -1;
		}
		admin_random_password(password, 20);
		if (admin_hash_password(cfg, password, hash) != 0)
			return -1;
		const char *p[4] = { username, display, org, hash };
		if (run(pg, log, "demo user",
			"INSERT INTO svk.users (username, display_name, organisation_id, "
			"password_hash) "
			"SELECT $1, $2, o.id, $4 FROM svk.organisations o WHERE o.slug = $3 "
			"ON CONFLICT (username) DO NOTHING RETURNING id",
			4, p, &r) != 0)
			return -1;
		fresh = PQntuples(r) == 1;
		PQclear(r);
		if (!fresh)
			continue;
		(*created)++;
		strbuf_printf(listing, "%-26s %-22s %-16s", username, password, org);
		json_array_foreach (ms, k, m) {
			const char *group = json_string_value(json_object_get(m, "group"));
			const char *role = json_string_value(json_object_get(m, "role"));
			const char *until = json_string_value(json_object_get(m, "until"));
			const char *q[4] = { group, username, role ? role : "member", until };
			if (!group ||
			    run(pg, log, "demo membership",
				"INSERT INTO svk.memberships (group_id, user_id, role, until) "
				"SELECT g.id, u.id, $3, $4::date FROM svk.groups g, svk.users u "
				"WHERE g.slug = $1 AND u.username = $2 ON CONFLICT DO NOTHING",
				4, q, NULL) != 0)
				return -1;
			strbuf_printf(listing, " %s:%s", group, q[2]);
		}
		strbuf_puts(listing, "\n");
		sodium_memzero(password, sizeof password);
	}
	return 0;
}

/* Example interventions, once per plan and title. */
static int seed_demo_interventions(PGconn *pg, struct log *log, json_t *list)
{
	size_t i;
	json_t *v;

	json_array_foreach (list, i, v) {
		char *fields = json_dumps(v, JSON_COMPACT);
		int rc;

		if (!fields)
			return -1;
		rc = run(pg, log, "demo intervention",
			 "INSERT INTO svk.interventions (plan_id, focus_area_id, title, cause, "
			 "description, "
			 " operational_goal, responsible_organisation_id, responsible_role, "
			 "starts_on, due_on, "
			 " recurring, status, rag, progress_percent) "
			 "SELECT p.id, f.id, j->>'title', j->>'cause', j->>'description', "
			 " j->>'operational_goal', r.id, j->>'responsible_role', "
			 "(j->>'starts_on')::date, "
			 " (j->>'due_on')::date, coalesce((j->>'recurring')::boolean, false), "
			 "j->>'status', "
			 " j->>'rag', (j->>'progress_percent')::int "
			 "FROM (SELECT $1::jsonb AS j) x "
			 "JOIN svk.organisations m ON m.slug = j->>'municipality' "
			 "JOIN svk.action_plans p ON p.municipality_id = m.id "
			 "JOIN svk.focus_areas f ON f.agreement_id = p.agreement_id "
			 " AND f.ordinal = (j->>'focus_area')::int "
			 "JOIN svk.organisations r ON r.slug = j->>'responsible_organisation' "
			 "WHERE NOT EXISTS (SELECT 1 FROM svk.interventions i "
			 "                  WHERE i.plan_id = p.id AND i.title = j->>'title')",
			 1, (const char *const[]){ fields }, NULL);
		free(fields);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int seed_demo(const struct config *cfg, PGconn *pg, struct log *log, const char *seed_file,
		     const char *users_file, int *created)
{
	char path[4096];
	const char *slash = strrchr(seed_file, '/');
	json_error_t jerr;
	json_t *demo;
	struct strbuf listing;
	int orgs = 0, rc = -1;

	snprintf(path, sizeof path, "%.*sdemo.json", slash ? (int)(slash - seed_file + 1) : 0,
		 seed_file);
	demo = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!demo) {
		log_error(log, "msg=\"cannot read demo data\" file=\"%s\" error=\"%s\"", path,
			  jerr.text);
		return -1;
	}
	strbuf_init(&listing, 0);
	strbuf_puts(&listing, "# Demo users (username, password, organisation, group:role).\n"
			      "# Log in: samverkan login --username NAME\n");
	if (seed_organisations(pg, log, json_object_get(demo, "organisations"), &orgs) != 0 ||
	    seed_demo_users(cfg, pg, log, json_object_get(demo, "users"), &listing, created) != 0 ||
	    seed_demo_interventions(pg, log, json_object_get(demo, "interventions")) != 0)
		goto out;
	if (*created > 0 && write_secret_file(users_file, listing.data, log) != 0)
		goto out;
	rc = 0;
out:
	if (listing.data)
		sodium_memzero(listing.data, listing.len);
	strbuf_cleanup(&listing);
	json_decref(demo);
	return rc;
}

int admin_seed(const struct config *cfg, struct log *log, const char *seed_file,
	       const char *password_file, const char *demo_users_file)
{
	int demo_created = 0;

	json_error_t jerr;
	json_t *seed = json_load_file(seed_file, JSON_REJECT_DUPLICATES, &jerr);
	const char *url = cfg->db_admin_url[0] ? cfg->db_admin_url : cfg->db_url;
	PGconn *pg = NULL;
	int status = 1, orgs = 0, groups = 0, agreements = 0, admin_created = 0;
	json_t *summary = NULL, *v;
	char *summary_text = NULL;

	if (sodium_init() < 0)
		goto out;
	if (!seed) {
		log_error(log, "msg=\"cannot read seed file\" file=\"%s\" error=\"%s\" line=%d",
			  seed_file, jerr.text, jerr.line);
		goto out;
	}
	pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		log_error(log, "msg=\"cannot connect to the database\" error=\"%s\"",
			  PQerrorMessage(pg));
		goto out;
	}
	if (run(pg, log, "begin", "BEGIN", 0, NULL, NULL) != 0)
		goto out;
	v = json_object_get(seed, "organisations");
	if (json_is_array(v) && seed_organisations(pg, log, v, &orgs) != 0)
		goto rollback;
	v = json_object_get(seed, "groups");
	if (json_is_array(v) && seed_groups(pg, log, v, &groups) != 0)
		goto rollback;
	v = json_object_get(seed, "incident_categories");
	if (json_is_array(v) && seed_categories(pg, log, v) != 0)
		goto rollback;
	v = json_object_get(seed, "agreement");
	if (json_is_object(v) &&
	    seed_agreement(pg, log, v, json_object_get(seed, "action_plans"), &agreements) != 0)
		goto rollback;
	v = json_object_get(seed, "admin");
	if (json_is_object(v) && seed_admin(cfg, pg, log, v, password_file, &admin_created) != 0)
		goto rollback;
	if (demo_users_file &&
	    seed_demo(cfg, pg, log, seed_file, demo_users_file, &demo_created) != 0)
		goto rollback;
	summary = json_pack("{s:i, s:i, s:i, s:b, s:i}", "organisations_added", orgs,
			    "groups_added", groups, "agreements_added", agreements, "admin_created",
			    admin_created, "demo_users_added", demo_created);
	summary_text = summary ? json_dumps(summary, JSON_COMPACT) : NULL;
	if (!summary_text)
		goto rollback;
	const char *ap[1] = { summary_text };
	if (run(pg, log, "audit",
		"SELECT svk.audit_write(NULL, 'seed.load', 'seed', NULL, NULL, $1::jsonb)", 1, ap,
		NULL) != 0)
		goto rollback;
	if (run(pg, log, "commit", "COMMIT", 0, NULL, NULL) != 0)
		goto out;
	log_info(log,
		 "msg=\"seed loaded\" organisations_added=%d groups_added=%d "
		 "agreements_added=%d admin_created=%s demo_users_added=%d",
		 orgs, groups, agreements, admin_created ? "yes" : "no", demo_created);
	status = 0;
	goto out;
rollback : {
	PGresult *r = PQexec(pg, "ROLLBACK");
	PQclear(r);
}
	if (admin_created && password_file)
		unlink(password_file);
out:
	free(summary_text);
	json_decref(summary);
	json_decref(seed);
	if (pg)
		PQfinish(pg);
	return status;
}
