/*
 * Lookups that commands share (see cmd.h): a member of one object the
 * server has, and a focus area given by its ordinal — what `proposals`
 * and `interventions` both take for --focus-area.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"

char *cmd_member_dup(struct app *app, const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	char *copy = s ? strdup(s) : NULL;

	if (!s)
		output_error(&app->out, "the server's answer has no '%s'", key);
	else if (!copy)
		(void)cmd_oom(app);
	return copy;
}

int cmd_get_member(struct app *app, const char *tmpl, const char *id, const char *key, char **out)
{
	struct strbuf path;
	json_t *obj = NULL;
	int rc;

	*out = NULL;
	strbuf_init(&path, 4096);
	rc = request_path(&path, tmpl, id, NULL) == 0 ? 0 : cmd_oom(app);
	if (rc == 0)
		rc = request_call(app, "GET", path.data, NULL, &obj);
	if (rc == 0) {
		*out = cmd_member_dup(app, obj, key);
		rc = *out ? 0 : CLI_ERROR;
	}
	json_decref(obj);
	strbuf_cleanup(&path);
	return rc;
}

int cmd_focus_area_id(struct app *app, const char *agreement, const char *value, char **out)
{
	struct strbuf path;
	json_t *areas = NULL;
	const json_t *fa;
	long ordinal;
	size_t i;
	int rc;

	*out = NULL;
	if (cmd_parse_long(value, 1, 1000000, &ordinal) != 0) {
		*out = strdup(value);
		return *out ? 0 : cmd_oom(app);
	}
	strbuf_init(&path, 4096);
	rc = request_path(&path, "/v1/agreements/{}/focus-areas", agreement, NULL) == 0
		 ? 0
		 : cmd_oom(app);
	if (rc == 0)
		rc = request_list(app, path.data, &areas);
	if (rc != 0)
		goto out;
	json_array_foreach (areas, i, fa)
		if (json_integer_value(json_object_get(fa, "ordinal")) == (json_int_t)ordinal) {
			*out = cmd_member_dup(app, fa, "id");
			rc = *out ? 0 : CLI_ERROR;
			goto out;
		}
	output_error(&app->out,
		     "the agreement has no focus area %ld (see 'samverkan "
		     "focus-areas list')",
		     ordinal);
	rc = CLI_NOT_FOUND;
out:
	json_decref(areas);
	strbuf_cleanup(&path);
	return rc;
}

int cmd_body_focus_area(struct app *app, const char *agreement, json_t *body)
{
	const char *v = json_string_value(json_object_get(body, "focus_area"));
	char *id = NULL;
	int rc;

	if (!v)
		return 0;
	rc = cmd_focus_area_id(app, agreement, v, &id);
	if (rc == 0 && json_object_set_new(body, "focus_area", json_string(id)) != 0)
		rc = cmd_oom(app);
	free(id);
	return rc;
}
