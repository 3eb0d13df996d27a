/*
 * Audit checkpoints kept outside the database (`audit checkpoint save`,
 * `audit verify`): in the samverkan config directory,
 *
 *   audit-keys          one line per server: "SERVER PUBLIC_KEY", the key
 *                       the first checkpoint was signed with (pinned, like
 *                       ssh's known_hosts: a changed key is an error);
 *   audit-checkpoints   one line per saved checkpoint: "SERVER JSON".
 *
 * verify checks each saved checkpoint of the server against the pinned key
 * and then that each of its chain heads is still in the log, at that
 * number, with that hash: a log cut after the checkpoint lacks them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint.h"
#include "cmd.h"
#include "http.h"
#include "request.h"

#define CP_LINE_MAX 8192

static char *dir_file(struct app *app, const char *name)
{
	struct strbuf sb;

	strbuf_init(&sb, 8192);
	if (strbuf_printf(&sb, "%s/%s", app->settings.dir, name) != 0) {
		strbuf_cleanup(&sb);
		return NULL;
	}
	return strbuf_steal(&sb);
}

/* The value after "SERVER " of the first (keys) line for this server, or
 * NULL; *err set on a read error. Caller frees. */
static char *pinned_key(struct app *app, const char *path, int *err)
{
	char line[CP_LINE_MAX], *out = NULL;
	size_t n = strlen(app->server);
	FILE *f = fopen(path, "re");

	*err = 0;
	if (!f) {
		*err = errno == ENOENT ? 0 : errno;
		return NULL;
	}
	while (!out && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, app->server, n) == 0 && line[n] == ' ')
			out = strdup(line + n + 1);
	}
	fclose(f);
	return out;
}

/* Appends "SERVER text\n" to path (made 0600 when new); 0 or -1. */
static int append_line(struct app *app, const char *path, const char *text)
{
	int fd, rc = 0;

	if (mkdir(app->settings.dir, 0700) != 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (dprintf(fd, "%s %s\n", app->server, text) < 0 || fsync(fd) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

int audit_checkpoint_save(struct app *app)
{
	json_t *doc = NULL;
	char *keys = NULL, *cps = NULL, *pinned = NULL, *text = NULL;
	const char *pk;
	int rc, err;

	rc = request_call(app, "GET", "/v1/audit/checkpoint", NULL, &doc);
	if (rc != 0)
		return rc;
	rc = CLI_ERROR;
	keys = dir_file(app, "audit-keys");
	cps = dir_file(app, "audit-checkpoints");
	if (!keys || !cps) {
		rc = cmd_oom(app);
		goto out;
	}
	pk = json_string_value(json_object_get(doc, "public_key"));
	if (!pk || !checkpoint_verify(doc, pk)) {
		output_error(&app->out,
			     "the server's checkpoint is not signed by the key it names");
		goto out;
	}
	pinned = pinned_key(app, keys, &err);
	if (err) {
		output_error(&app->out, "cannot read %s: %s", keys, strerror(err));
		goto out;
	}
	if (pinned && strcmp(pinned, pk) != 0) {
		output_error(&app->out,
			     "the server's audit key changed: %s has %s, the server signs with %s; "
			     "nothing saved (if the operator replaced the key, remove its line)",
			     keys, pinned, pk);
		goto out;
	}
	if (!pinned && append_line(app, keys, pk) != 0) {
		output_error(&app->out, "cannot write %s: %s", keys, strerror(errno));
		goto out;
	}
	text = json_dumps(doc, JSON_COMPACT);
	if (!text) {
		rc = cmd_oom(app);
		goto out;
	}
	if (append_line(app, cps, text) != 0) {
		output_error(&app->out, "cannot write %s: %s", cps, strerror(errno));
		goto out;
	}
	if (app->out.format == OUT_JSON)
		rc = output_json(app->out.out, doc) == 0 ? CLI_OK : CLI_ERROR;
	else
		rc = fprintf(app->out.out, "checkpoint saved: %lld entries, signed at %s%s\n",
			     (long long)json_integer_value(json_object_get(doc, "entries")),
			     json_string_value(json_object_get(doc, "signed_at")),
			     pinned ? "" : " (the server's key is now pinned)") < 0
			 ? CLI_ERROR
			 : CLI_OK;
out:
	free(text);
	free(pinned);
	free(keys);
	free(cps);
	json_decref(doc);
	return rc;
}

/* One head of a checkpoint still in the log? 0 yes, 1 no (problem told),
 * or the exit code of a failed request. */
static int check_head(struct app *app, const json_t *cp, const json_t *head)
{
	const json_t *seq = json_object_get(head, "seq");
	const char *hash = json_string_value(json_object_get(head, "hash"));
	const char *at = json_string_value(json_object_get(cp, "signed_at"));
	long long chain = json_integer_value(json_object_get(head, "chain"));
	struct http_response resp;
	struct strbuf path;
	const char *got;
	int rc;

	if (!json_is_integer(seq))
		return 0;
	strbuf_init(&path, 256);
	if (strbuf_printf(&path, "/v1/audit/entries/%lld", (long long)json_integer_value(seq)) !=
	    0) {
		strbuf_cleanup(&path);
		return cmd_oom(app);
	}
	memset(&resp, 0, sizeof resp);
	rc = request_send(app, "GET", path.data, NULL, &resp);
	strbuf_cleanup(&path);
	if (rc != 0)
		return rc;
	if (resp.status == 404) {
		fprintf(app->out.format == OUT_TABLE ? app->out.out : stderr,
			"audit log cut: entry %lld (chain %lld) of the checkpoint signed at %s "
			"is missing\n",
			(long long)json_integer_value(seq), chain, at);
		rc = 1;
	} else if (resp.status != 200) {
		rc = output_problem(&app->out, resp.status, resp.json, resp.retry_after,
				    resp.request_id, NULL);
	} else {
		got = json_string_value(json_object_get(resp.json, "hash"));
		if (!got || !hash || strcmp(got, hash) != 0 ||
		    json_integer_value(json_object_get(resp.json, "chain")) != chain) {
			fprintf(app->out.format == OUT_TABLE ? app->out.out : stderr,
				"audit log changed: entry %lld is not the one (chain %lld, hash "
				"%.16s…) the checkpoint signed at %s saw\n",
				(long long)json_integer_value(seq), chain, hash ? hash : "-", at);
			rc = 1;
		}
	}
	http_response_cleanup(&resp);
	return rc;
}

int audit_checkpoints_verify(struct app *app, int *checked)
{
	char *keys = dir_file(app, "audit-keys"), *cps = dir_file(app, "audit-checkpoints");
	char *pinned = NULL, *line = NULL;
	size_t n = strlen(app->server), cap = 0;
	int rc = 0, err, bad = 0;
	FILE *f = NULL;

	*checked = 0;
	if (!keys || !cps) {
		rc = cmd_oom(app);
		goto out;
	}
	f = fopen(cps, "re");
	if (!f) {
		if (errno != ENOENT) {
			output_error(&app->out, "cannot read %s: %s", cps, strerror(errno));
			rc = CLI_ERROR;
		}
		goto out;
	}
	pinned = pinned_key(app, keys, &err);
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		json_t *cp;

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, app->server, n) != 0 || line[n] != ' ')
			continue;
		cp = json_loads(line + n + 1, 0, NULL);
		if (!pinned || !cp || !checkpoint_verify(cp, pinned)) {
			output_error(&app->out,
				     "a checkpoint in %s is not signed by the server's pinned key "
				     "in %s",
				     cps, keys);
			json_decref(cp);
			rc = CLI_ERROR;
			break;
		}
		for (size_t i = 0; rc == 0 && i < CHECKPOINT_CHAINS; i++) {
			int r = check_head(app, cp,
					   json_array_get(json_object_get(cp, "heads"), i));
			if (r == 1)
				bad = 1;
			else
				rc = r;
		}
		json_decref(cp);
		(*checked)++;
	}
	if (rc == 0 && bad)
		rc = CLI_ERROR;
out:
	if (f)
		fclose(f);
	free(line);
	free(pinned);
	free(keys);
	free(cps);
	return rc;
}
