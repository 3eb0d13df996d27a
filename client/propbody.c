/*
 * The request bodies of `proposals create` and `proposals edit` (issue 4):
 * the body of a JSON file given with -f (or standard input with '-f -')
 * first, then the options over it — one table says which option sets which
 * member (--text is "proposal_text", --years "extension_years", …) — and
 * the resource lines of repeated --resource ORG:AMOUNT:UNIT:DESCRIPTION,
 * which replace the file's "resources" when any is given. Values of the
 * wrong shape are usage errors (exit 2) found before any request.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* Option → member, for create and edit. */
static const struct cmd_field prop_fields[] = {
	{ "title", "title", CMD_FIELD_STRING },
	{ "background", "background", CMD_FIELD_STRING },
	{ "text", "proposal_text", CMD_FIELD_STRING },
	{ "focus-area", "focus_area", CMD_FIELD_STRING },
	{ "plan", "action_plan", CMD_FIELD_STRING },
	{ "year", "follow_up_year", CMD_FIELD_INT },
	{ "years", "extension_years", CMD_FIELD_INT },
};

/* Only create: the kind and agreement are fixed once it exists. */
static const struct cmd_field create_only[] = {
	{ "kind", "kind", CMD_FIELD_STRING },
	{ "agreement", "agreement", CMD_FIELD_STRING },
};

int proposals_parse_resource(struct app *app, const char *spec, json_t **out)
{
	const char *c1, *c2, *c3;
	char amount[64];
	size_t alen;
	double d;
	json_t *line, *amt;

	*out = NULL;
	c1 = strchr(spec, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	c3 = c2 ? strchr(c2 + 1, ':') : NULL;
	if (!c3 || c1 == spec || c2 == c1 + 1 || c3 == c2 + 1 || !c3[1])
		return cmd_usage_error(app,
				       "--resource wants "
				       "ORG:AMOUNT:UNIT:DESCRIPTION, e.g. "
				       "polisen:2:tjänst:Kommunpolis, got '%s'",
				       spec);
	alen = (size_t)(c2 - c1 - 1);
	if (alen >= sizeof amount)
		alen = sizeof amount - 1; /* too long to be a number anyway */
	memcpy(amount, c1 + 1, alen);
	amount[alen] = '\0';
	if (cmd_parse_number(amount, &d) != 0)
		return cmd_usage_error(app,
				       "--resource: the amount '%s' is not a "
				       "number (a decimal comma is fine: 0,5)",
				       amount);
	if (d == floor(d) && fabs(d) < 9007199254740992.0)
		amt = json_integer((json_int_t)d);
	else
		amt = json_real(d);
	line = json_object();
	if (!line) {
		json_decref(amt);
		return cmd_oom(app);
	}
	/* Each json_object_set_new takes its value, even when it fails. */
	if (json_object_set_new(line, "amount", amt) != 0 ||
	    json_object_set_new(line, "organisation", json_stringn(spec, (size_t)(c1 - spec))) !=
		0 ||
	    json_object_set_new(line, "unit", json_stringn(c2 + 1, (size_t)(c3 - c2 - 1))) != 0 ||
	    json_object_set_new(line, "description", json_string(c3 + 1)) != 0) {
		json_decref(line);
		/* A NULL value: not UTF-8 (or out of memory). */
		return cmd_usage_error(app,
				       "--resource '%s' is not valid UTF-8 "
				       "text",
				       spec);
	}
	*out = line;
	return 0;
}

/* The object in -f FILE ('-': standard input) into *out. */
static int read_file_body(struct app *app, const char *file, json_t **out)
{
	json_error_t jerr;
	json_t *j;
	FILE *f;

	*out = NULL;
	if (strcmp(file, "-") == 0) {
		j = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
	} else {
		f = fopen(file, "rb");
		if (!f) {
			output_error(&app->out, "cannot read '%s': %s", file, strerror(errno));
			return CLI_ERROR;
		}
		j = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
		fclose(f);
	}
	if (!j)
		return cmd_usage_error(app, "%s: line %d: %s",
				       strcmp(file, "-") == 0 ? "standard input" : file, jerr.line,
				       jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return cmd_usage_error(app, "%s does not hold a JSON object", file);
	}
	*out = j;
	return 0;
}

static int resources_from_options(struct app *app, const struct cmd_args *a, json_t *body,
				  int *given)
{
	const char *specs[ARGS_MAX_MULTI];
	size_t n = args_get_all(a, "resource", specs, ARGS_MAX_MULTI);
	json_t *lines;
	int rc;

	if (n == 0)
		return 0;
	lines = json_array();
	if (!lines)
		return cmd_oom(app);
	for (size_t i = 0; i < n && i < ARGS_MAX_MULTI; i++) {
		json_t *line = NULL;

		rc = proposals_parse_resource(app, specs[i], &line);
		if (rc == 0 && json_array_append_new(lines, line) != 0)
			rc = cmd_oom(app);
		if (rc != 0) {
			json_decref(lines);
			return rc;
		}
	}
	if (json_object_set_new(body, "resources", lines) != 0)
		return cmd_oom(app);
	(*given)++;
	return 0;
}

int proposals_body(struct app *app, enum prop_body which, const struct cmd_args *a, json_t **out)
{
	const char *file = args_get(a, "file");
	json_t *body = NULL;
	int rc, given = 0, more = 0;

	*out = NULL;
	rc = file ? read_file_body(app, file, &body) : 0;
	if (rc != 0)
		return rc;
	if (!body && !(body = json_object()))
		return cmd_oom(app);
	if (which == PROP_BODY_EDIT && file) {
		/* Fixed at creation: a create file may be reused for edit. */
		(void)json_object_del(body, "agreement");
		(void)json_object_del(body, "kind");
	}
	given = (int)json_object_size(body);
	rc = cmd_fields_to_json(app, a, prop_fields, CMD_COUNT(prop_fields), body, &more);
	given += more;
	if (rc == 0 && which == PROP_BODY_CREATE)
		rc = cmd_fields_to_json(app, a, create_only, CMD_COUNT(create_only), body, NULL);
	if (rc == 0)
		rc = resources_from_options(app, a, body, &given);
	if (rc != 0)
		goto out;
	if (which == PROP_BODY_EDIT && given == 0) {
		rc = cmd_usage_error(app, "nothing to change: give at least "
					  "one of the options or -f FILE");
		goto out;
	}
	if (which == PROP_BODY_CREATE) {
		static const char *const need[][2] = { { "kind", "--kind" },
						       { "title", "--title" } };

		for (size_t i = 0; i < 2; i++)
			if (!json_is_string(json_object_get(body, need[i][0]))) {
				rc = cmd_usage_error(app,
						     "missing option %s (or "
						     "\"%s\" in the -f file)",
						     need[i][1], need[i][0]);
				goto out;
			}
	}
	*out = body;
	body = NULL;
out:
	json_decref(body);
	return rc;
}
