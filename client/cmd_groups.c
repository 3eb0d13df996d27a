/*
 * `groups`: the three tiers of the role hierarchy (SPEC §1, §3) — list,
 * show, create, and their memberships: members, add-member (PUT, also to
 * change a role or an `until` date) and remove-member.
 */
#include "cmd.h"
#include "request.h"

static const struct out_col group_cols[] = {
	{ "SLUG", "slug", 0 },
	{ "NAME", "name", OUT_COL_TRUNC },
	{ "TIER", "tier", 0 },
	{ "MUNICIPALITY", "municipality", 0 },
};

static const struct out_col group_fields[] = {
	{ "SLUG", "slug", 0 },
	{ "NAME", "name", 0 },
	{ "TIER", "tier", 0 },
	{ "MUNICIPALITY", "municipality", 0 },
	{ "CREATED AT", "created_at", 0 },
};

static const struct out_col member_cols[] = {
	{ "USERNAME", "username", 0 },
	{ "DISPLAY NAME", "display_name", OUT_COL_TRUNC },
	{ "ORGANISATION", "organisation", 0 },
	{ "ROLE", "role", 0 },
	{ "UNTIL", "until", 0 },
	{ "LIVE", "live", 0 },
	{ "CO-OPTED BY", "coopted_by", 0 },
};

static const struct out_col member_fields[] = {
	{ "GROUP", "group", 0 },
	{ "USERNAME", "username", 0 },
	{ "DISPLAY NAME", "display_name", 0 },
	{ "ORGANISATION", "organisation", 0 },
	{ "ROLE", "role", 0 },
	{ "UNTIL", "until", 0 },
	{ "LIVE", "live", 0 },
	{ "CO-OPTED BY", "coopted_by", 0 },
};

#define ROLES "member|chair|decision_maker"

static int build_path(struct app *app, struct strbuf *sb, const char *tmpl, const char *a,
		      const char *b)
{
	int rc = b ? request_path(sb, tmpl, a, b, NULL) : request_path(sb, tmpl, a, NULL);

	if (rc != 0)
		output_error(&app->out, "out of memory");
	return rc == 0 ? 0 : CLI_ERROR;
}

static int run_list(struct app *app, const struct cmd_args *a)
{
	int rc;

	(void)a;
	rc = cmd_print_list(app, "/v1/groups", group_cols, CMD_COUNT(group_cols));
	return rc;
}

static int run_show(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	json_t *group = NULL;
	int rc;

	strbuf_init(&path, 4096);
	rc = build_path(app, &path, "/v1/groups/{}", a->pos[0], NULL);
	if (rc == 0)
		rc = request_call(app, "GET", path.data, NULL, &group);
	if (rc == 0)
		rc = output_object(&app->out, group, NULL, group_fields, CMD_COUNT(group_fields));
	json_decref(group);
	strbuf_cleanup(&path);
	return rc;
}

static int run_create(struct app *app, const struct cmd_args *a)
{
	const char *municipality = args_get(a, "municipality");
	json_t *body, *group = NULL;
	int rc;

	body = json_pack("{s:s, s:s, s:s}", "slug", args_get(a, "slug"), "name",
			 args_get(a, "name"), "tier", args_get(a, "tier"));
	if (!body || (municipality &&
		      json_object_set_new(body, "municipality", json_string(municipality)) != 0)) {
		json_decref(body);
		output_error(&app->out, "an argument is not valid UTF-8");
		return CLI_USAGE;
	}
	rc = request_call(app, "POST", "/v1/groups", body, &group);
	json_decref(body);
	if (rc == 0)
		rc = output_object(&app->out, group, NULL, group_fields, CMD_COUNT(group_fields));
	json_decref(group);
	return rc;
}

static int run_members(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = build_path(app, &path, "/v1/groups/{}/members", a->pos[0], NULL);
	if (rc == 0)
		rc = cmd_print_list(app, path.data, member_cols, CMD_COUNT(member_cols));
	strbuf_cleanup(&path);
	return rc;
}

static int run_add_member(struct app *app, const struct cmd_args *a)
{
	const char *role = args_get(a, "role");
	const char *until = args_get(a, "until");
	struct strbuf path;
	json_t *body = NULL, *m = NULL;
	long status = 0;
	int rc;

	if (until && !cmd_is_date(until))
		return cmd_date_error(app, "until", until);
	strbuf_init(&path, 4096);
	body = json_pack("{s:s}", "role", role ? role : "member");
	if (!body || (until && json_object_set_new(body, "until", json_string(until)) != 0)) {
		output_error(&app->out, "out of memory");
		rc = CLI_ERROR;
		goto out;
	}
	rc = build_path(app, &path, "/v1/groups/{}/members/{}", a->pos[0], a->pos[1]);
	if (rc == 0)
		rc = request_call_status(app, "PUT", path.data, body, &m, &status);
	if (rc == 0 && json_is_object(m))
		rc = output_object(&app->out, m, NULL, member_fields, CMD_COUNT(member_fields));
	if (rc == 0)
		output_note(&app->out, "%s %s %s %s.", status == 201 ? "Added" : "Updated",
			    a->pos[1], status == 201 ? "to" : "in", a->pos[0]);
out:
	json_decref(body);
	json_decref(m);
	strbuf_cleanup(&path);
	return rc;
}

static int run_remove_member(struct app *app, const struct cmd_args *a)
{
	struct strbuf path;
	int rc;

	strbuf_init(&path, 4096);
	rc = build_path(app, &path, "/v1/groups/{}/members/{}", a->pos[0], a->pos[1]);
	if (rc == 0)
		rc = request_call(app, "DELETE", path.data, NULL, NULL);
	if (rc == 0)
		output_note(&app->out, "Removed %s from %s.", a->pos[1], a->pos[0]);
	strbuf_cleanup(&path);
	return rc;
}

static const struct opt_def create_opts[] = {
	{ "slug", 0, OPT_VALUE | OPT_REQUIRED, "SLUG", NULL,
	  "short name in addresses: a-z, 0-9 and '-'" },
	{ "name", 0, OPT_VALUE | OPT_REQUIRED, "NAME", NULL, "full name" },
	{ "tier", 0, OPT_VALUE | OPT_REQUIRED, "TIER", "styrgrupp|beredningsgrupp|arbetsgrupp",
	  "tier of the group" },
	{ "municipality", 0, OPT_VALUE, "ORG", NULL, "the municipality (slug) of an arbetsgrupp" },
};

static const struct opt_def add_opts[] = {
	{ "role", 0, OPT_VALUE, "ROLE", ROLES,
	  "role in the group (default member); decision_maker only in the "
	  "styrgrupp" },
	{ "until", 0, OPT_VALUE, "YYYY-MM-DD", NULL,
	  "last day of a co-opted membership (a chair must give it, at most the agreement's end)" },
};

static const struct cmd_verb groups_verbs[] = {
	{ "list", run_list, NULL, 0, 0, 0, "groups list", "Lists the groups.", "groups list" },
	{ "show", run_show, NULL, 0, 1, 1, "groups show <slug>", "Shows one group.",
	  "groups show beredningsgrupp" },
	{ "create", run_create, create_opts, CMD_COUNT(create_opts), 0, 0,
	  "groups create --slug SLUG --name NAME --tier TIER "
	  "[--municipality ORG]",
	  "Creates a group (admins only).",
	  "groups create --slug est-sigtuna --name \"EST Sigtuna\" --tier "
	  "arbetsgrupp --municipality sigtuna" },
	{ "members", run_members, NULL, 0, 1, 1, "groups members <slug>",
	  "Lists the members of a group.", "groups members styrgrupp" },
	{ "add-member", run_add_member, add_opts, CMD_COUNT(add_opts), 2, 2,
	  "groups add-member <slug> <username> [--role ROLE] "
	  "[--until YYYY-MM-DD]",
	  "Adds a member to a group, or changes their role or end date.",
	  "groups add-member styrgrupp eva.berg --role decision_maker\n"
	  "groups add-member beredningsgrupp kim.nyberg --until 2025-12-31" },
	{ "remove-member", run_remove_member, NULL, 0, 2, 2,
	  "groups remove-member <slug> <username>", "Removes a member from a group.",
	  "groups remove-member est-sigtuna kim.nyberg" },
};

const struct cmd_noun cmd_groups = { "groups", "Groups and memberships.", groups_verbs,
				     CMD_COUNT(groups_verbs) };
