/*
 * Request-object checking against a field table (see jsonfields.h).
 */
#include "jsonfields.h"

#include <stdio.h>
#include <string.h>

#include "validate.h"

static int add_error(json_t *errors, const char *field, const char *message)
{
	json_t *e = json_pack("{s:s, s:s}", "field", field, "message", message);

	if (!e)
		return -1;
	return json_array_append_new(errors, e);
}

bool jf_in_choices(const char *choices, const char *s)
{
	size_t n = strlen(s);
	const char *p = choices;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && memcmp(p, s, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

static const char *check_value(const struct jf_field *f, const json_t *v, char *buf, size_t buflen)
{
	const char *s;
	size_t len;

	switch (f->type) {
	case JF_BOOL:
		return json_is_boolean(v) ? NULL : "must be true or false";
	case JF_NUMBER:
		if (!json_is_number(v))
			return "must be a number";
		if (json_number_value(v) < (double)f->min ||
		    json_number_value(v) > (double)f->max) {
			snprintf(buf, buflen, "must be from %lld to %lld", f->min, f->max);
			return buf;
		}
		return NULL;
	case JF_STRINGS: {
		size_t i;
		json_t *e;
		if (!json_is_array(v))
			return "must be an array of strings";
		if (!f->empty && (long long)json_array_size(v) < (f->min ? f->min : 1))
			return "must not be empty";
		if (json_array_size(v) > 100)
			return "must have at most 100 items";
		json_array_foreach (v, i, e) {
			if (!json_is_string(e) || json_string_length(e) == 0 ||
			    (f->max && (long long)json_string_length(e) > f->max))
				return "must be an array of non-empty strings";
		}
		return NULL;
	}
	case JF_INT:
		if (!json_is_integer(v))
			return "must be a whole number";
		if (json_integer_value(v) < f->min || json_integer_value(v) > f->max) {
			snprintf(buf, buflen, "must be from %lld to %lld", f->min, f->max);
			return buf;
		}
		return NULL;
	default:
		break;
	}
	if (!json_is_string(v))
		return "must be a string";
	s = json_string_value(v);
	len = json_string_length(v);
	if (strlen(s) != len)
		return "must not contain NUL characters";
	switch (f->type) {
	case JF_STRING:
		if ((long long)len < (f->empty ? 0
				      : f->min ? f->min
					       : 1) ||
		    (f->max && (long long)len > f->max)) {
			snprintf(buf, buflen, "must be %lld to %lld characters long",
				 f->empty ? 0
				 : f->min ? f->min
					  : 1,
				 f->max);
			return buf;
		}
		return NULL;
	case JF_DATE:
		if (validate_date(s))
			return NULL;
		if (!validate_date_shape(s))
			return "must be a date YYYY-MM-DD";
		snprintf(buf, buflen, "no such date: %s", s);
		return buf;
	case JF_TIMESTAMP: {
		char date[11];
		size_t n = strnlen(s, 10);

		if (validate_timestamp(s, NULL))
			return NULL;
		memcpy(date, s, n);
		date[n] = '\0';
		if (validate_date_shape(date) && !validate_date(date)) {
			snprintf(buf, buflen, "no such date: %s", date);
			return buf;
		}
		return "must be a time YYYY-MM-DDTHH:MM[:SS] with Z or +HH:MM, or without "
		       "(then Swedish local time)";
	}
	case JF_UUID:
		return validate_uuid(s) ? NULL : "must be an id (a UUID)";
	case JF_SLUG:
		return validate_slug(s) ? NULL
					: "must be lowercase letters, digits and '-' (at most 63, "
					  "starting with a letter or digit)";
	case JF_USERNAME:
		return validate_username(s) ? NULL
					    : "must be 2 to 63 lowercase letters, digits, '.', '_' "
					      "or '-', starting with a letter or digit";
	case JF_ENUM:
		if (jf_in_choices(f->choices, s))
			return NULL;
		snprintf(buf, buflen, "must be one of: %s", f->choices);
		for (char *p = buf; *p; p++)
			if (*p == '|')
				*p = ',';
		return buf;
	default:
		return "has an unknown type";
	}
}

bool jf_check(const json_t *obj, const struct jf_field *fields, size_t n, json_t **errors)
{
	json_t *errs = json_array();
	const char *key;
	json_t *v;
	bool ok;

	if (!errs)
		return false;
	if (!json_is_object(obj)) {
		add_error(errs, "body", "must be a JSON object");
		goto out;
	}
	json_object_foreach ((json_t *)obj, key, v) {
		bool known = false;
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(fields[i].name, key) == 0;
		if (!known)
			add_error(errs, key, "is not a known field");
	}
	for (size_t i = 0; i < n; i++) {
		const struct jf_field *f = &fields[i];
		char buf[256];
		const char *why;

		v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required && !(v && f->nullable))
				add_error(errs, f->name, "is required");
			else if (v && !f->nullable)
				add_error(errs, f->name, "must not be null");
			continue;
		}
		why = check_value(f, v, buf, sizeof buf);
		if (why)
			add_error(errs, f->name, why);
	}
out:
	ok = json_array_size(errs) == 0;
	if (!ok && errors)
		*errors = errs;
	else
		json_decref(errs);
	return ok;
}

const char *jf_str(const json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

int jf_bool(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	return json_is_boolean(v) ? json_is_true(v) : -1;
}
