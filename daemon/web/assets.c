/*
 * The stylesheet and the icon, carried inside the binary (daemon/web/static,
 * embedded at build time by sqlembed like the SQL) and served under a path
 * that names a hash of their content, so that a browser may keep them for
 * a year: a changed file has a new path.
 */
#include <event2/http.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "sqltext.h"
#include "web_internal.h"

extern const struct sql_text svk_web_assets[];
extern const size_t svk_web_assets_count;

#define ASSETS_MAX 4

static char paths[ASSETS_MAX][96];
static pthread_once_t paths_once = PTHREAD_ONCE_INIT;

/* "style.css" → "/static/style.<16 hex of its BLAKE2b>.css" */
static void make_paths(void)
{
	for (size_t i = 0; i < svk_web_assets_count && i < ASSETS_MAX; i++) {
		const char *name = svk_web_assets[i].name, *text = svk_web_assets[i].text;
		const char *dot = strrchr(name, '.');
		unsigned char hash[8];
		char hex[17];

		crypto_generichash(hash, sizeof hash, (const unsigned char *)text, strlen(text),
				   NULL, 0);
		sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
		snprintf(paths[i], sizeof paths[i], "/static/%.*s.%s%s",
			 (int)(dot ? dot - name : (long)strlen(name)), name, hex, dot ? dot : "");
	}
}

const char *asset_path(const char *name)
{
	pthread_once(&paths_once, make_paths);
	for (size_t i = 0; i < svk_web_assets_count && i < ASSETS_MAX; i++)
		if (strcmp(svk_web_assets[i].name, name) == 0)
			return paths[i];
	return "/static/missing";
}

static const char *content_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot && strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (dot && strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	return "application/octet-stream";
}

bool asset_serve(struct req *r)
{
	pthread_once(&paths_once, make_paths);
	for (size_t i = 0; i < svk_web_assets_count && i < ASSETS_MAX; i++) {
		const char *text = svk_web_assets[i].text;

		if (strcmp(r->path, paths[i]) != 0)
			continue;
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Cache-Control",
				  "public, max-age=31536000, immutable");
		req_reply_text(r, 200, content_type(svk_web_assets[i].name), text, strlen(text),
			       NULL);
		return true;
	}
	return false;
}
