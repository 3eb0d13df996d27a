/*
 * The one list of errors the product can report, and the table that maps
 * each to an HTTP status, the problem document's machine-readable `code`
 * and a title (SPEC §7). SQLSTATEs from PostgreSQL are mapped here too, in
 * one place, so a database message never decides what a client sees.
 */
#ifndef SVK_ERROR_H
#define SVK_ERROR_H

enum svk_err {
	SVK_OK = 0,
	SVK_ERR_BAD_REQUEST,
	SVK_ERR_UNAUTHORIZED,
	SVK_ERR_FORBIDDEN,
	SVK_ERR_NOT_FOUND,
	SVK_ERR_METHOD_NOT_ALLOWED,
	SVK_ERR_NOT_ACCEPTABLE,
	SVK_ERR_CONFLICT,
	SVK_ERR_PRECONDITION_FAILED,
	SVK_ERR_PAYLOAD_TOO_LARGE,
	SVK_ERR_UNSUPPORTED_MEDIA_TYPE,
	SVK_ERR_VALIDATION,
	SVK_ERR_RATE_LIMITED,
	SVK_ERR_HEADERS_TOO_LARGE,
	SVK_ERR_INTERNAL,
	SVK_ERR_UNAVAILABLE,
	SVK_ERR__COUNT
};

struct svk_err_info {
	int status;        /* HTTP status */
	const char *code;  /* problem document `code` */
	const char *title; /* problem document `title` */
};

/* The table row for err; never NULL (unknown values give `internal`). */
const struct svk_err_info *svk_err_info(enum svk_err err);

/*
 * Maps a five-character SQLSTATE to an error. The product's own SQL
 * functions raise class "SV" codes (SV401, SV403, SV404, SV409, SV412,
 * SV422, SV429, SV503) whose message is meant for the client; everything else is
 * mapped by class. NULL or unknown gives SVK_ERR_INTERNAL.
 */
enum svk_err svk_err_from_sqlstate(const char *sqlstate);

/* True when the SQLSTATE is one of ours, so its message may be shown. */
int svk_sqlstate_is_ours(const char *sqlstate);

#endif
