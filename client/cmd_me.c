/*
 * `me edit`: one's own e-mail address and notification preference (PATCH
 * /v1/me); `notifications list`: the mails Samverkan queued for one, newest
 * first, with whether each was sent (GET /v1/me/notifications);
 * `notifications outbox`: for admins, the whole outbox's counts and its
 * failed mails (GET /v1/outbox).
 */
#include <stdio.h>

#include "cmd.h"
#include "request.h"

static const struct out_col me_fields[] = {
	{ "USERNAME", "username", 0 },
	{ "DISPLAY NAME", "display_name", 0 },
	{ "EMAIL", "email", 0 },
	{ "NOTIFY", "notify", 0 },
};

static const struct cmd_field me_edit_fields[] = {
	{ "email", "email", CMD_FIELD_STRING },
	{ "notify", "notify", CMD_FIELD_STRING },
};

static int run_me_edit(struct app *app, const struct cmd_args *a)
{
	json_t *body = json_object(), *user = NULL;
	int rc, given = 0;

	rc = body ? cmd_fields_to_json(app, a, me_edit_fields, CMD_COUNT(me_edit_fields), body,
				       &given)
		  : cmd_oom(app);
	if (rc == 0 && given == 0)
		rc = cmd_usage_error(app, "give --email, --notify or both");
	if (rc == 0)
		rc = request_call(app, "PATCH", "/v1/me", body, &user);
	if (rc == 0)
		rc = output_object(&app->out, user, NULL, me_fields, CMD_COUNT(me_fields));
	json_decref(body);
	json_decref(user);
	return rc;
}

static const struct opt_def me_edit_opts[] = {
	{ "email", 0, OPT_VALUE, "ADDRESS", NULL,
	  "your work e-mail address for notifications (\"\" removes it)" },
	{ "notify", 0, OPT_VALUE, "WHEN", NULL,
	  "immediate (each mail at once), daily (one digest at 07:00) or off" },
};

static const struct cmd_verb me_verbs[] = {
	{ "edit", run_me_edit, me_edit_opts, CMD_COUNT(me_edit_opts), 0, 0,
	  "me edit [--email ADDRESS] [--notify immediate|daily|off]",
	  "Sets your e-mail address and when you get notifications.",
	  "me edit --email anna.larsson@sollentuna.se --notify daily" },
};

const struct cmd_noun cmd_me = { "me", "Your own settings.", me_verbs, CMD_COUNT(me_verbs) };

static const struct out_col notification_cols[] = {
	{ "ID", "id", 0 },         { "CREATED", "created_at", 0 },
	{ "STATUS", "status", 0 }, { "SUBJECT", "subject", OUT_COL_TRUNC },
	{ "TO", "address", 0 },    { "SENT", "sent_at", 0 },
};

static int run_notifications_list(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = strbuf_puts(&path, "/v1/me/notifications") == 0
		 ? cmd_list_page(app, a, &path, notification_cols, CMD_COUNT(notification_cols))
		 : cmd_oom(app);
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def notifications_list_opts[] = {
	CMD_PAGE_OPTS,
};

static const struct out_col failed_cols[] = {
	{ "FAILED", "failed_at", 0 },
	{ "TO", "address", 0 },
	{ "KIND", "kind", 0 },
	{ "SUBJECT", "subject", OUT_COL_TRUNC },
	{ "ATTEMPTS", "attempts", OUT_COL_RIGHT },
	{ "ERROR", "last_error", OUT_COL_WRAP },
};

static const struct out_col failed_csv[] = {
	{ "id", "id", 0 },
	{ "failed_at", "failed_at", 0 },
	{ "user", "user", 0 },
	{ "address", "address", 0 },
	{ "kind", "kind", 0 },
	{ "subject", "subject", 0 },
	{ "attempts", "attempts", 0 },
	{ "last_error", "last_error", 0 },
	{ "created_at", "created_at", 0 },
	{ "message_id", "message_id", 0 },
};

static json_int_t count_of(const json_t *page, const char *status)
{
	return json_integer_value(json_object_get(json_object_get(page, "counts"), status));
}

/* A report: exit 0 whether or not mails failed (a script reads the JSON). */
static int print_outbox(struct app *app, const json_t *page)
{
	const json_t *items = json_object_get(page, "items");

	if (app->out.format == OUT_JSON) {
		if (output_json(app->out.out, page) == 0)
			return 0;
		output_error(&app->out, "cannot write the output");
		return CLI_ERROR;
	}
	if (app->out.format == OUT_CSV)
		return output_list(&app->out, items, failed_csv, CMD_COUNT(failed_csv));
	fprintf(app->out.out,
		"queued %" JSON_INTEGER_FORMAT " (retrying %" JSON_INTEGER_FORMAT
		"), sent %" JSON_INTEGER_FORMAT ", failed %" JSON_INTEGER_FORMAT "\n",
		count_of(page, "queued"), count_of(page, "retrying"), count_of(page, "sent"),
		count_of(page, "failed"));
	if (json_array_size(items) == 0) {
		fputs("no failed mails\n", app->out.out);
		return 0;
	}
	return output_list(&app->out, items, failed_cols, CMD_COUNT(failed_cols));
}

static int run_notifications_outbox(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *page = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = strbuf_puts(&path, "/v1/outbox") == 0 ? cmd_get_page(app, a, &path, &page)
						   : cmd_oom(app);
	if (rc == 0 && !json_is_object(json_object_get(page, "counts"))) {
		output_error(&app->out, "the server's answer has no 'counts'");
		rc = CLI_ERROR;
	}
	if (rc == 0)
		rc = print_outbox(app, page);
	if (rc == 0)
		rc = cmd_page_more(app, page);
	json_decref(page);
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def notifications_outbox_opts[] = {
	CMD_PAGE_OPTS,
};

static const struct cmd_verb notifications_verbs[] = {
	{ "list", run_notifications_list, notifications_list_opts,
	  CMD_COUNT(notifications_list_opts), 0, 0, "notifications list [--limit N] [--cursor C]",
	  "Lists the e-mail notifications sent or waiting for you, newest first.",
	  "notifications list" },
	{ "outbox", run_notifications_outbox, notifications_outbox_opts,
	  CMD_COUNT(notifications_outbox_opts), 0, 0,
	  "notifications outbox [--limit N] [--cursor C]",
	  "Admins: the mails queued (and of those retrying), sent and failed, and the failed "
	  "ones newest first with the error. A report: exit 0 either way.",
	  "notifications outbox\n"
	  "notifications outbox -o json | jq .counts" },
};

const struct cmd_noun cmd_notifications = { "notifications",
					    "E-mail notifications: yours, and the outbox's.",
					    notifications_verbs, CMD_COUNT(notifications_verbs) };
