/*
 * Operational endpoints, without authentication: /livez (the process
 * answers), /readyz (database reachable, schema current, not shutting
 * down; and whether notification mail is sent), /metrics (Prometheus text, loopback peers only by default) and
 * /openapi.json (generated from the route table, so it cannot drift).
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "strbuf.h"

void h_livez(struct req *r)
{
	req_reply_json_text(r, 200, "{\"status\":\"ok\"}", NULL);
}

static void readyz_checked(struct req *r, const struct db_result *res)
{
	const char *count;
	char want[32];

	if (res->err != SVK_OK) {
		req_problem(r, SVK_ERR_UNAVAILABLE, "the database is not reachable");
		return;
	}
	count = req_result_text(res, 0);
	snprintf(want, sizeof want, "%zu", r->w->app->migrations_expected);
	if (!count || strcmp(count, want) != 0) {
		req_problem(r, SVK_ERR_UNAVAILABLE,
			    "the database schema is not current; run migrate");
		return;
	}
	if (atomic_load(&r->w->app->draining)) {
		req_problem(r, SVK_ERR_UNAVAILABLE, "shutting down");
		return;
	}
	/* Ready either way; without a relay the mails wait in the outbox. */
	if (r->w->app->cfg.mail_url[0])
		req_reply_json_text(r, 200, "{\"status\":\"ready\",\"mail\":\"sending\"}", NULL);
	else
		req_reply_json_text(r, 200,
				    "{\"status\":\"ready\",\"mail\":\"not sending: [mail] url is "
				    "not set, notifications are queued\"}",
				    NULL);
}

void h_readyz(struct req *r)
{
	if (atomic_load(&r->w->app->draining)) {
		req_problem(r, SVK_ERR_UNAVAILABLE, "shutting down");
		return;
	}
	req_db1(r, SQL_SCHEMA_STATUS, 1, (const char *const[]){ r->w->app->functions_expected },
		readyz_checked);
}

static bool loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	       strncmp(addr, "::ffff:127.", 11) == 0;
}

void h_metrics(struct req *r)
{
	struct app *app = r->w->app;
	struct strbuf sb;
	int conns = 0, inflight = 0;
	struct db_stats db = { 0 };

	if (app->cfg.metrics_local_only && !loopback(r->addr)) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such path");
		return;
	}
	/* Per-worker figures are read without locks: a snapshot, not exact. */
	for (int i = 0; i < app->nworkers; i++) {
		struct db_stats s;
		conns += app->workers[i].nconn;
		inflight += app->workers[i].inflight;
		if (i == r->w->id) {
			db_pool_stats(r->w->db, &s);
			db = s;
		}
	}
	strbuf_init(&sb, 0);
	strbuf_printf(&sb,
		      "# TYPE samverkan_requests_total counter\nsamverkan_requests_total %lu\n",
		      atomic_load(&app->requests));
	strbuf_puts(&sb, "# TYPE samverkan_responses_total counter\n");
	for (int c = 1; c <= 5; c++)
		strbuf_printf(&sb, "samverkan_responses_total{class=\"%dxx\"} %lu\n", c,
			      atomic_load(&app->responses[c]));
	strbuf_printf(
	    &sb,
	    "# TYPE samverkan_request_seconds_total counter\n"
	    "samverkan_request_seconds_total %.6f\n"
	    "# TYPE samverkan_connections gauge\nsamverkan_connections %d\n"
	    "# TYPE samverkan_inflight gauge\nsamverkan_inflight %d\n"
	    "# TYPE samverkan_connections_refused_total counter\n"
	    "samverkan_connections_refused_total %lu\n"
	    "# TYPE samverkan_db_connected gauge\nsamverkan_db_connected{worker=\"%d\"} %d\n"
	    "# TYPE samverkan_db_queued gauge\nsamverkan_db_queued{worker=\"%d\"} %d\n"
	    "# TYPE samverkan_db_unavailable_total counter\n"
	    "samverkan_db_unavailable_total{worker=\"%d\"} %lu\n",
	    (double)atomic_load(&app->latency_us_total) / 1e6, conns, inflight,
	    atomic_load(&app->connections_refused), r->w->id, db.connected, r->w->id, db.queued,
	    r->w->id, db.unavailable);
	strbuf_printf(
	    &sb,
	    "# TYPE samverkan_mail_sent_total counter\nsamverkan_mail_sent_total %lu\n"
	    "# TYPE samverkan_mail_retried_total counter\n"
	    "samverkan_mail_retried_total %lu\n"
	    "# TYPE samverkan_mail_failed_total counter\nsamverkan_mail_failed_total %lu\n",
	    atomic_load(&app->mail_sent), atomic_load(&app->mail_retried),
	    atomic_load(&app->mail_failed));
	if (!sb.data) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	req_reply_text(r, 200, "text/plain; version=0.0.4", sb.data, sb.len, NULL);
	strbuf_cleanup(&sb);
}

static const char *const method_names[] = { "get", "post", "put", "patch", "delete" };

/* Turns "/v1/users/{}/password" into "/v1/users/{p1}/password". */
static void openapi_path(const char *pattern, char *out, size_t outlen)
{
	size_t o = 0;
	int n = 0;

	for (const char *p = pattern; *p && o + 8 < outlen; p++) {
		if (p[0] == '{' && p[1] == '}') {
			int w = snprintf(out + o, outlen - o, "{p%d}", ++n);
			if (w < 0)
				break;
			o += (size_t)w;
			p++;
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
}

void h_openapi(struct req *r)
{
	json_t *doc = json_pack("{s:s, s:{s:s, s:s}, s:{}}", "openapi", "3.1.0", "info", "title",
				"Samverkan", "version", SVK_VERSION, "paths");
	json_t *paths = doc ? json_object_get(doc, "paths") : NULL;

	for (size_t i = 0; paths && i < svk_routes_count; i++) {
		const struct route *rt = &svk_routes[i];
		char path[128];
		json_t *item, *op;
		int m;

		openapi_path(rt->pattern, path, sizeof path);
		item = json_object_get(paths, path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, path, item);
		}
		for (m = 0; m < 5 && !(rt->method & (1u << m)); m++)
			;
		if (m == 5 || !item)
			continue;
		op = json_pack("{s:{s:{s:s}}}", "responses", "default", "description",
			       "see the problem document on errors");
		if (op && !(rt->flags & ROUTE_PUBLIC))
			json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearer"));
		if (op && rt->action != ACT_NONE)
			json_object_set_new(op, "x-samverkan-right",
					    json_string(policy_action_name(rt->action)));
		json_object_set_new(item, method_names[m], op);
	}
	if (doc)
		json_object_set_new(doc, "components",
				    json_pack("{s:{s:{s:s, s:s}}}", "securitySchemes", "bearer",
					      "type", "http", "scheme", "bearer"));
	req_reply_json(r, 200, doc, NULL);
}
