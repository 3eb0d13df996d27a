/*
 * The error table and the SQLSTATE mapping (see error.h).
 */
#include "error.h"

#include <string.h>

static const struct svk_err_info err_table[SVK_ERR__COUNT] = {
	[SVK_OK] = { 200, "ok", "OK" },
	[SVK_ERR_BAD_REQUEST] = { 400, "bad_request", "Bad request" },
	[SVK_ERR_UNAUTHORIZED] = { 401, "unauthorized", "Authentication required" },
	[SVK_ERR_FORBIDDEN] = { 403, "forbidden", "Forbidden" },
	[SVK_ERR_NOT_FOUND] = { 404, "not_found", "Not found" },
	[SVK_ERR_METHOD_NOT_ALLOWED] = { 405, "method_not_allowed", "Method not allowed" },
	[SVK_ERR_NOT_ACCEPTABLE] = { 406, "not_acceptable", "Not acceptable" },
	[SVK_ERR_CONFLICT] = { 409, "conflict", "Conflict" },
	[SVK_ERR_PRECONDITION_FAILED] = { 412, "precondition_failed", "Precondition failed" },
	[SVK_ERR_PAYLOAD_TOO_LARGE] = { 413, "payload_too_large", "Payload too large" },
	[SVK_ERR_UNSUPPORTED_MEDIA_TYPE] = { 415, "unsupported_media_type",
					     "Unsupported media type" },
	[SVK_ERR_VALIDATION] = { 422, "validation", "Validation failed" },
	[SVK_ERR_RATE_LIMITED] = { 429, "rate_limited", "Too many requests" },
	[SVK_ERR_HEADERS_TOO_LARGE] = { 431, "headers_too_large",
					"Request header fields too large" },
	[SVK_ERR_INTERNAL] = { 500, "internal", "Internal error" },
	[SVK_ERR_UNAVAILABLE] = { 503, "unavailable", "Service unavailable" },
};

const struct svk_err_info *svk_err_info(enum svk_err err)
{
	if ((int)err < 0 || err >= SVK_ERR__COUNT)
		err = SVK_ERR_INTERNAL;
	return &err_table[err];
}

static const struct {
	const char *state;
	enum svk_err err;
} sqlstate_exact[] = {
	{ "SV400", SVK_ERR_BAD_REQUEST }, { "SV401", SVK_ERR_UNAUTHORIZED },
	{ "SV403", SVK_ERR_FORBIDDEN },   { "SV404", SVK_ERR_NOT_FOUND },
	{ "SV409", SVK_ERR_CONFLICT },    { "SV412", SVK_ERR_PRECONDITION_FAILED },
	{ "SV422", SVK_ERR_VALIDATION },  { "SV429", SVK_ERR_RATE_LIMITED },
	{ "SV503", SVK_ERR_UNAVAILABLE }, { "23505", SVK_ERR_CONFLICT }, /* unique_violation */
	{ "23P01", SVK_ERR_CONFLICT },                                   /* exclusion_violation */
	{ "23503", SVK_ERR_VALIDATION },                                 /* foreign_key_violation */
	{ "23502", SVK_ERR_VALIDATION },                                 /* not_null_violation */
	{ "23514", SVK_ERR_VALIDATION },                                 /* check_violation */
	{ "22P02", SVK_ERR_VALIDATION },  /* invalid_text_representation */
	{ "22007", SVK_ERR_VALIDATION },  /* invalid_datetime_format */
	{ "22008", SVK_ERR_VALIDATION },  /* datetime_field_overflow */
	{ "22001", SVK_ERR_VALIDATION },  /* string_data_right_truncation */
	{ "22003", SVK_ERR_VALIDATION },  /* numeric_value_out_of_range */
	{ "40001", SVK_ERR_UNAVAILABLE }, /* serialization_failure */
	{ "40P01", SVK_ERR_UNAVAILABLE }, /* deadlock_detected */
	{ "55P03", SVK_ERR_UNAVAILABLE }, /* lock_not_available */
	{ "57014", SVK_ERR_UNAVAILABLE }, /* query_canceled */
	{ "57P01", SVK_ERR_UNAVAILABLE }, /* admin_shutdown */
	{ "57P02", SVK_ERR_UNAVAILABLE }, /* crash_shutdown */
	{ "57P03", SVK_ERR_UNAVAILABLE }, /* cannot_connect_now */
	{ "53300", SVK_ERR_UNAVAILABLE }, /* too_many_connections */
};

enum svk_err svk_err_from_sqlstate(const char *sqlstate)
{
	if (!sqlstate || strlen(sqlstate) != 5)
		return SVK_ERR_INTERNAL;
	for (size_t i = 0; i < sizeof sqlstate_exact / sizeof sqlstate_exact[0]; i++)
		if (strcmp(sqlstate, sqlstate_exact[i].state) == 0)
			return sqlstate_exact[i].err;
	if (strncmp(sqlstate, "08", 2) == 0) /* connection exception */
		return SVK_ERR_UNAVAILABLE;
	if (strncmp(sqlstate, "53", 2) == 0) /* insufficient resources */
		return SVK_ERR_UNAVAILABLE;
	return SVK_ERR_INTERNAL;
}

int svk_sqlstate_is_ours(const char *sqlstate)
{
	return sqlstate && strncmp(sqlstate, "SV", 2) == 0 && strlen(sqlstate) == 5;
}
