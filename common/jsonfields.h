/*
 * Checks a JSON request object against a table of its fields before a
 * handler reads it: unknown fields, missing required ones, wrong types and
 * out-of-range strings or numbers are all reported at once, each naming
 * its field, so a client learns everything wrong in one 422.
 */
#ifndef SVK_JSONFIELDS_H
#define SVK_JSONFIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum jf_type {
	JF_STRING, /* min..max characters (bytes of UTF-8) */
	JF_BOOL,
	JF_INT,       /* min..max */
	JF_DATE,      /* "YYYY-MM-DD", a real date */
	JF_SLUG,      /* ^[a-z0-9][a-z0-9-]{0,62}$ */
	JF_USERNAME,  /* ^[a-z0-9][a-z0-9._-]{1,62}$ */
	JF_ENUM,      /* one of choices ("a|b|c") */
	JF_NUMBER,    /* integer or real, min..max */
	JF_UUID,      /* 8-4-4-4-12 hexadecimal */
	JF_TIMESTAMP, /* validate_timestamp(): RFC 3339, or local without offset */
	JF_STRINGS,   /* array of strings, each 1..max characters; min..(choices unused) items */
};

struct jf_field {
	const char *name;
	enum jf_type type;
	bool required;
	bool nullable;       /* JSON null accepted (means "none") */
	bool empty;          /* JF_STRING: "" accepted; JF_STRINGS: [] accepted */
	long long min, max;  /* JF_STRING: length; JF_INT: value */
	const char *choices; /* JF_ENUM */
};

/*
 * Returns true when obj satisfies the table. Otherwise *errors (if not
 * NULL) receives a new array of {"field", "message"} (caller decrefs).
 */
bool jf_check(const json_t *obj, const struct jf_field *fields, size_t n, json_t **errors);

/* True when s is one of the '|'-separated choices, as a whole. */
bool jf_in_choices(const char *choices, const char *s);

/* The string value of field name, or NULL when absent or null. */
const char *jf_str(const json_t *obj, const char *name);
/* 1/0 for a boolean field; -1 when absent or null. */
int jf_bool(const json_t *obj, const char *name);

#endif
