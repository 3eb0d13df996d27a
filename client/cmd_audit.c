/*
 * `audit`: the append-only, hash-chained audit log (SPEC §2, §7), for the
 * styrgrupp and admins — list its entries newest first, one page at a
 * time, and verify that no entry was changed, removed or inserted. verify
 * is a check a cron job can run: exit 0 when the log is intact, 1 when it
 * is not, with the first broken entry on standard output either way.
 * With checkpoints saved (`audit checkpoint save`, checkpoints.c), verify
 * also proves that the log still begins with each of them.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "text.h"

static const struct out_col audit_cols[] = {
	{ "SEQ", "seq", OUT_COL_RIGHT },
	{ "AT", "at", 0 },
	{ "ACTOR", "actor", 0 },
	{ "ORGANISATION", "organisation", 0 },
	{ "ACTION", "action", 0 },
	{ "ENTITY", "entity", 0 },
	{ "ENTITY ID", "entity_id", OUT_COL_TRUNC },
};

static const struct out_col verify_fields[] = {
	{ "OK", "ok", 0 },
	{ "ENTRIES", "entries", 0 },
	{ "FIRST BAD SEQ", "first_bad_seq", 0 },
	{ "CHAIN", "chain", 0 },
	{ "REASON", "reason", 0 },
};

/* Option → query parameter of GET /v1/audit. */
static const struct cmd_filter list_filters[] = {
	{ "actor", "actor", 0 },   { "organisation", "organisation", 0 }, { "action", "action", 0 },
	{ "entity", "entity", 0 }, { "entity-id", "entity_id", 0 },       { "from", "from", 1 },
	{ "to", "to", 1 },
};

static int run_list(struct app *app, const struct cmd_args *a)
{
	return cmd_list_filtered(app, a, "/v1/audit", list_filters, CMD_COUNT(list_filters),
				 audit_cols, CMD_COUNT(audit_cols));
}

int audit_verify_message(const json_t *doc, struct strbuf *msg)
{
	const json_t *ok = json_object_get(doc, "ok");
	const json_t *entries = json_object_get(doc, "entries");
	const json_t *seq = json_object_get(doc, "first_bad_seq");
	const char *reason = json_string_value(json_object_get(doc, "reason"));
	int rc = 0;

	if (!json_is_boolean(ok) || !json_is_integer(entries)) {
		(void)strbuf_puts(msg, "the server's verify answer has no "
				       "'ok' and 'entries'");
		return -1;
	}
	if (json_is_false(ok) && !json_is_integer(seq)) {
		(void)strbuf_puts(msg, "the server's verify answer says the "
				       "log is broken but has no "
				       "'first_bad_seq'");
		return -1;
	}
	if (json_is_true(ok))
		return strbuf_printf(msg, "audit log intact: %lld entries",
				     (long long)json_integer_value(entries)) == 0
			   ? CLI_OK
			   : -1;
	rc |= strbuf_puts(msg, "audit log broken at entry ");
	rc |= output_cell(msg, seq, OUT_CSV);
	rc |= strbuf_puts(msg, " (chain ");
	rc |= output_cell(msg, json_object_get(doc, "chain"), OUT_CSV);
	rc |= strbuf_printf(msg, "): %s", reason ? reason : "the server gave no reason");
	if (rc != 0)
		return -1;
	text_clean(msg->data, msg->len);
	return CLI_ERROR;
}

static int run_verify(struct app *app, const struct cmd_args *a)
{
	struct strbuf msg;
	json_t *doc = NULL;
	int rc, result;

	(void)a;
	strbuf_init(&msg, 8192);
	rc = request_call(app, "GET", "/v1/audit/verify", NULL, &doc);
	if (rc != 0)
		goto out;
	result = audit_verify_message(doc, &msg);
	if (result < 0) {
		output_error(&app->out, "%s",
			     msg.data ? msg.data
				      : "a verify answer of "
					"another shape");
		rc = CLI_ERROR;
		goto out;
	}
	/* The answer is the result either way; the exit code says which. */
	if (app->out.format == OUT_JSON)
		rc = output_json(app->out.out, doc) == 0 ? result : CLI_ERROR;
	else if (app->out.format == OUT_CSV)
		rc = output_object(&app->out, doc, NULL, verify_fields, CMD_COUNT(verify_fields));
	else
		rc = fprintf(app->out.out, "%s\n", msg.data) < 0 ? CLI_ERROR : result;
	if (rc == 0)
		rc = result;
	if (rc == CLI_OK || rc == CLI_ERROR) {
		int checked = 0, cr = audit_checkpoints_verify(app, &checked);

		if (cr == CLI_OK && checked > 0 && app->out.format == OUT_TABLE)
			cr = fprintf(app->out.out, "%d saved checkpoint%s still in the log\n",
				     checked, checked == 1 ? "" : "s") < 0
				 ? CLI_ERROR
				 : CLI_OK;
		if (rc == CLI_OK)
			rc = cr;
	}
out:
	json_decref(doc);
	strbuf_cleanup(&msg);
	return rc;
}

static int run_checkpoint(struct app *app, const struct cmd_args *a)
{
	if (strcmp(a->pos[0], "save") != 0) {
		output_error(&app->out, "audit checkpoint: unknown action \"%s\" (save)",
			     a->pos[0]);
		return CLI_USAGE;
	}
	return audit_checkpoint_save(app);
}

static const struct opt_def list_opts[] = {
	{ "actor", 0, OPT_VALUE, "USER", NULL, "only entries by this user" },
	{ "organisation", 0, OPT_VALUE, "ORG", NULL,
	  "only entries by users of this organisation (slug)" },
	{ "action", 0, OPT_VALUE, "ACTION", NULL,
	  "only this action, e.g. follow_up.update or proposal.decide" },
	{ "entity", 0, OPT_VALUE, "ENTITY", NULL,
	  "only entries about this kind of thing, e.g. follow_up" },
	{ "entity-id", 0, OPT_VALUE, "ID", NULL, "only entries about this one (with --entity)" },
	{ "from", 0, OPT_VALUE, "YYYY-MM-DD", NULL, "written on this day or later (Swedish time)" },
	{ "to", 0, OPT_VALUE, "YYYY-MM-DD", NULL, "written on this day or earlier" },
	CMD_PAGE_OPTS,
};

static const struct cmd_verb audit_verbs[] = {
	{ "list", run_list, list_opts, CMD_COUNT(list_opts), 0, 0,
	  "audit list [--actor U] [--organisation O] [--action A] "
	  "[--entity E] [--entity-id ID] [--from DATE] [--to DATE] "
	  "[--limit N] [--cursor C]",
	  "Lists the audit log newest first, one page at a time (styrgrupp "
	  "and admins); with --output json each entry's before and after "
	  "and its hashes too.",
	  "audit list --action follow_up.update\n"
	  "audit list --actor bo.ber --from 2026-01-01 --output json" },
	{ "verify", run_verify, NULL, 0, 0, 0, "audit verify",
	  "Recomputes every entry's hash and link on the server: 'audit log "
	  "intact: N entries' and exit 0, or the first broken entry and exit "
	  "1.",
	  "audit verify || echo \"the audit log was tampered with\"" },
	{ "checkpoint", run_checkpoint, NULL, 0, 1, 1, "audit checkpoint save",
	  "Saves the server's signed checkpoint of the log (its 16 chain heads "
	  "and number of entries) in the config directory; the first save pins "
	  "the server's key. 'audit verify' then also proves that the log still "
	  "begins with every saved checkpoint.",
	  "audit checkpoint save" },
};

const struct cmd_noun cmd_audit = { "audit", "The audit log (styrgrupp and admins).", audit_verbs,
				    CMD_COUNT(audit_verbs) };
