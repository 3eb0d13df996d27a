/*
 * `me edit`: one's own e-mail address and notification preference (PATCH
 * /v1/me); `notifications list`: the mails Samverkan queued for one, newest
 * first, with whether each was sent (GET /v1/me/notifications).
 */
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

static const struct cmd_verb notifications_verbs[] = {
	{ "list", run_notifications_list, notifications_list_opts,
	  CMD_COUNT(notifications_list_opts), 0, 0, "notifications list [--limit N] [--cursor C]",
	  "Lists the e-mail notifications sent or waiting for you, newest first.",
	  "notifications list" },
};

const struct cmd_noun cmd_notifications = { "notifications", "Your e-mail notifications.",
					    notifications_verbs, CMD_COUNT(notifications_verbs) };
