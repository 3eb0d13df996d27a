/*
 * Administration's forms (page_admin.c shows them): each becomes the API
 * call it stands for and meets the same field checks (user_fields,
 * password_fields, member_fields and validate_password), the same right
 * (ACT_ADMIN; ACT_COOPT_MEMBER for memberships, as PUT and DELETE
 * /v1/groups/{slug}/members/{u} check it, so that a chair of the
 * beredningsgrupp co-opts through the same door) and the same statements,
 * whose SQL functions write the row and its audit entry:
 *
 *   POST /administration/anvandare          POST /v1/users (user_create)
 *   POST /administration/inaktivera         PATCH /v1/users/{u} active=false
 *   POST /administration/losenord           POST /v1/users/{u}/password
 *   POST /administration/medlemskap         PUT /v1/groups/{g}/members/{u}
 *   POST /administration/adjungera          the same, from a chair's page
 *   POST /administration/.../ta-bort        DELETE /v1/groups/{g}/members/{u}
 *   POST /administration/organisation, /grupp   see admin_orgs.c
 *
 * A form without the session's form token, or from another origin, is
 * refused with 403 before anything is read or written; a refusal by the
 * policy is audited and answered 403. Bad input shows the page again with
 * what was typed (never a password) and the error beside its field; a
 * refusal from under a row's lock is audited as the API's is. A password
 * left empty is generated as POST /v1/users generates one, and shown once.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "admin.h"
#include "app.h"
#include "log.h"
#include "passwd.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"
#include "admin_parts.h"
#include "web_internal.h"

static const char *const fields[] = {
	"username",   "display_name", "organisation", "password",   "admin",
	"r_username", "r_password",   "m_group",      "m_username", "m_role",
	"m_until",    "group",        "o_slug",       "o_name",     "o_kind",
	"o_party",    "g_slug",       "g_name",       "g_tier",     "g_municipality"
};

/* The audit's name of each form: its path, which is fixed (the table is
 * the router's, page_admin.c). */
static const char *pattern(struct req *r)
{
	static const char *const patterns[] = {
		"POST /administration/anvandare",          "POST /administration/inaktivera",
		"POST /administration/losenord",           "POST /administration/medlemskap",
		"POST /administration/medlemskap/ta-bort", "POST /administration/adjungera",
		"POST /administration/adjungera/ta-bort",
	};
	for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
		if (strcmp(patterns[i] + 5, r->path) == 0)
			return patterns[i];
	return "POST /administration";
}

static bool is(struct req *r, const char *path)
{
	return strcmp(r->path, path) == 0;
}

/* A form value, NULL when empty. */
static const char *value(struct req *r, const char *field)
{
	const char *v = web_str(r->web.form, field);

	return v && v[0] ? v : NULL;
}

const char *admin_shown_password(struct req *r)
{
	size_t n = strlen(r->web.verdict);

	if (!r->pw || n < 3 || strcmp(r->web.verdict + n - 3, "+pw") != 0)
		return NULL;
	return r->pw->new_password;
}

/* ---- showing the page again ------------------------------------------------------- */

static void again(struct req *r, int status)
{
	r->web.status = status;
	admin_load(r);
}

/* The page again with the error beside field (NULL: above the forms). */
static void again_with(struct req *r, int status, const char *field, const char *text)
{
	if (!field) {
		r->web.error = text;
	} else if (!web_set_error(r, field, text)) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	again(r, status);
}

static void refusal_audited(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	again(r, 403);
}

/* A refusal from under a row's lock: audited as the API's (request.refused
 * naming the form), then the page again with the error beside field. */
static void refused_under_lock(struct req *r, const struct db_result *res, const char *field,
			       const char *text)
{
	const char *p[3] = { r->auth.actor.user_id, pattern(r), r->refusal };

	snprintf(r->refusal, sizeof r->refusal, "%s", res->message ? res->message : "forbidden");
	if (!field)
		r->web.error = text;
	else if (!web_set_error(r, field, text)) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	req_db1(r, SQL_AUDIT_REFUSAL, 3, p, refusal_audited);
}

/* Whether the database's error is one of ours (a field's, a conflict...). */
static bool ours(struct req *r, const struct db_result *res)
{
	if (svk_sqlstate_is_ours(res->sqlstate))
		return true;
	req_reply_db_error(r, res);
	return false;
}

static bool message_has(const struct db_result *res, const char *part)
{
	return res->message && strstr(res->message, part);
}

/* validate_password's reason in Swedish. */
static const char *sv_password(const char *why)
{
	if (why && strstr(why, "at least"))
		return "Lösenordet måste vara minst 12 tecken långt.";
	if (why && strstr(why, "at most"))
		return "Lösenordet får vara högst 1024 byte långt.";
	return "Lösenordet går inte att använda. Välj ett annat.";
}

/* The password field's check: empty (a generated one), or acceptable. */
static bool password_ok(struct req *r, const char *field, const char *given)
{
	const char *why = NULL;
	json_t *body = given ? json_pack("{s:s}", "password", given) : NULL;
	bool ok = !given || (body && jf_check(body, password_fields, password_fields_count, NULL) &&
			     validate_password(given, &why));

	json_decref(body);
	if (!ok && !web_set_error(r, field, sv_password(why)))
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
	return ok;
}

/* ---- create a user ------------------------------------------------------------------ */

static void user_created(struct req *r, const struct db_result *res)
{
	if (res->err == SVK_OK) {
		snprintf(r->web.verdict, sizeof r->web.verdict, "%s",
			 value(r, "password") ? "user" : "user+pw");
		r->web.comment = strdup(value(r, "username"));
		json_decref(r->web.form);
		r->web.form = NULL;
		if (!r->web.comment) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
		again(r, 201);
		return;
	}
	if (!ours(r, res))
		return;
	if (res->err == SVK_ERR_CONFLICT)
		again_with(r, 409, "username",
			   "Det finns redan en användare med det användarnamnet.");
	else if (res->column && strcmp(res->column, "organisation") == 0)
		again_with(r, 422, "organisation", "Organisationen finns inte. Välj en i listan.");
	else
		req_reply_db_error(r, res);
}

static void user_hashed(struct req *r, struct pw_job *job)
{
	if (!job->hashed) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot hash the password");
		return;
	}
	const char *p[6] = { r->auth.actor.user_id,
			     value(r, "username"),
			     value(r, "display_name"),
			     value(r, "organisation"),
			     value(r, "admin") ? "true" : "false",
			     job->new_hash };
	req_write1(r, SQL_USER_CREATE, 6, p, user_created);
}

/* user_fields' errors, by field, in Swedish. */
static const char *user_error(const char *field)
{
	static const char *const map[][2] = {
		{ "username",
		  "Användarnamnet ska vara 2–63 tecken: små bokstäver a–z, siffror, "
		  "punkt, bindestreck eller understreck, först en bokstav eller siffra." },
		{ "display_name", "Ange ett namn på högst 200 tecken." },
		{ "organisation", "Välj en organisation i listan." },
		{ "password", "Lösenordet får vara högst 1024 byte långt." },
	};
	return WEB_WORD(map, field);
}

static void create_user(struct req *r)
{
	json_t *body, *errs = NULL, *e;
	struct pw_job *job;
	size_t i;
	bool ok = true;

	if (!req_allow(r, ACT_ADMIN, NULL))
		return;
	body = json_object();
	for (i = 0; body && i < 4; i++)
		if (value(r, fields[i]) &&
		    json_object_set_new(body, fields[i], json_string(value(r, fields[i]))) != 0)
			break;
	if (!body || i < 4 ||
	    json_object_set_new(body, "admin", json_boolean(value(r, "admin") != NULL)) != 0) {
		json_decref(body);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!jf_check(body, user_fields, user_fields_count, &errs)) {
		json_array_foreach (errs, i, e) {
			const char *f = web_str(e, "field");

			if (user_error(f))
				ok = ok && web_set_error(r, f, user_error(f));
		}
		if (!r->web.errors)
			ok = ok && web_set_error(r, "username", "Användaren kunde inte skapas.");
	}
	json_decref(errs);
	json_decref(body);
	if (!ok) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!password_ok(r, "password", value(r, "password")) || r->web.errors) {
		again(r, 422);
		return;
	}
	job = passwd_job(r);
	if (!job)
		return;
	if (value(r, "password"))
		snprintf(job->new_password, sizeof job->new_password, "%s", value(r, "password"));
	else
		admin_random_password(job->new_password, GENERATED_PASSWORD_LEN);
	passwd_run(r, job, user_hashed);
}

/* ---- disable a user, reset a password ---------------------------------------------- */

static void disabled(struct req *r, const struct db_result *res)
{
	if (res->err == SVK_OK) {
		web_redirect(r, "/administration?klart=inaktiverad");
		return;
	}
	if (!ours(r, res))
		return;
	if (res->err == SVK_ERR_NOT_FOUND)
		again_with(r, 404, NULL, "Användaren finns inte.");
	else if (res->err == SVK_ERR_CONFLICT)
		again_with(r, 409, NULL,
			   "Användaren inaktiverades inte: det måste finnas minst en aktiv "
			   "administratör.");
	else
		req_reply_db_error(r, res);
}

static void disable_user(struct req *r)
{
	if (!req_allow(r, ACT_ADMIN, NULL))
		return;
	if (!value(r, "username")) {
		again_with(r, 422, NULL, "Ingen användare angavs.");
		return;
	}
	const char *p[8] = {
		r->auth.actor.user_id, value(r, "username"), NULL, "false", NULL, NULL, NULL, NULL
	};
	req_write1(r, SQL_USER_UPDATE, 8, p, disabled);
}

static void password_set(struct req *r, const struct db_result *res)
{
	if (res->err == SVK_OK) {
		snprintf(r->web.verdict, sizeof r->web.verdict, "%s",
			 value(r, "r_password") ? "reset" : "reset+pw");
		r->web.comment = strdup(value(r, "r_username"));
		json_decref(r->web.form);
		r->web.form = NULL;
		if (!r->web.comment) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
		again(r, 200);
		return;
	}
	if (ours(r, res) && res->err == SVK_ERR_NOT_FOUND)
		again_with(r, 404, "r_username",
			   "Det finns ingen användare med det användarnamnet.");
	else if (svk_sqlstate_is_ours(res->sqlstate))
		req_reply_db_error(r, res);
}

static void password_hashed(struct req *r, struct pw_job *job)
{
	if (!job->hashed) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot hash the password");
		return;
	}
	/* An admin's reset ends every session of the user. */
	const char *p[4] = { r->auth.actor.user_id, value(r, "r_username"), job->new_hash, NULL };
	req_write1(r, SQL_USER_SET_PASSWORD, 4, p, password_set);
}

static void reset_password(struct req *r)
{
	const char *target = value(r, "r_username");
	struct pw_job *job;

	if (!req_allow(r, ACT_ADMIN, NULL))
		return;
	/* The API asks for the current password to change one's own. */
	if ((!target && !web_set_error(r, "r_username", "Ange användarnamnet.")) ||
	    (target && strcmp(target, r->auth.actor.username) == 0 &&
	     !web_set_error(
		 r, "r_username",
		 "Ditt eget lösenord byter du med ditt nuvarande lösenord, inte här."))) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!password_ok(r, "r_password", value(r, "r_password")) || r->web.errors) {
		again(r, 422);
		return;
	}
	job = passwd_job(r);
	if (!job)
		return;
	if (value(r, "r_password"))
		snprintf(job->new_password, sizeof job->new_password, "%s", value(r, "r_password"));
	else
		admin_random_password(job->new_password, GENERATED_PASSWORD_LEN);
	passwd_run(r, job, password_hashed);
}

/* ---- memberships ------------------------------------------------------------------------ */

static bool chair_page(struct req *r)
{
	return strncmp(r->path, "/administration/adjungera", 25) == 0;
}

/* A refusal's or a field's message from member_put and member_delete. */
static const char *sv_member_error(const struct db_result *res)
{
	static const char *const map[][2] = {
		{ "adding members to the styrgrupp",
		  "Styrgruppens medlemmar adjungeras inte; dem lägger en administratör till." },
		{ "members can only be co-opted into",
		  "Medlemmar kan bara adjungeras till beredningsgruppen eller en arbetsgrupp." },
		{ "a chair changes and removes only",
		  "Det medlemskapet har du inte själv adjungerat; bara en administratör kan ändra "
		  "det." },
		{ "decision_maker is a role in the styrgrupp only",
		  "Beslutsfattare finns bara i styrgruppen." },
		{ "an admin never decides",
		  "En administratör kan inte vara beslutsfattare. Ta bort administratörsrätten "
		  "först eller välj någon annan." },
		{ "only users of organisations that are parties",
		  "Bara användare i organisationer som är avtalsparter kan vara beslutsfattare." },
		{ "no agreement is in force",
		  "Inget avtal gäller i dag, så ingen kan adjungeras." },
		{ "a co-opted membership needs an end date",
		  "Ange ett slutdatum, senast avtalets sista dag." },
		{ "is in the past", "Datumet har redan passerat. Välj ett datum från i dag." },
		{ "is after the agreement's end", "Datumet ligger efter avtalets sista dag." },
		{ "no group", "Gruppen finns inte. Välj en i listan." },
		{ "no user", "Det finns ingen användare med det användarnamnet." },
		{ "is not a member of", "Medlemskapet finns inte längre." },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (message_has(res, map[i][0]))
			return map[i][1];
	return res->err == SVK_ERR_CONFLICT
		   ? "Medlemskapet ändrades samtidigt av någon annan. Försök igen."
		   : "Medlemskapet kunde inte sparas.";
}

static void member_done(struct req *r, const struct db_result *res)
{
	bool put = !strstr(r->path, "/ta-bort");
	const char *text, *field;

	if (res->err == SVK_OK) {
		web_redirect(r, chair_page(r)
				    ? (put ? "/administration/adjungera?klart=adjungerad"
					   : "/administration/adjungera?klart=borttagen")
				    : (put ? "/administration?klart=medlem#h-grupper"
					   : "/administration?klart=borttagen#h-grupper"));
		return;
	}
	if (!ours(r, res))
		return;
	text = sv_member_error(res);
	field = !put ? NULL
		: message_has(res, "no group") || message_has(res, "co-opted into") ||
			message_has(res, "styrgrupp requires")
		    ? "m_group"
		: res->column && strcmp(res->column, "role") == 0  ? "m_role"
		: res->column && strcmp(res->column, "until") == 0 ? "m_until"
								   : "m_username";
	if (res->err == SVK_ERR_FORBIDDEN)
		refused_under_lock(r, res, field, text);
	else
		again_with(r,
			   res->err == SVK_ERR_NOT_FOUND  ? 404
			   : res->err == SVK_ERR_CONFLICT ? 409
							  : 422,
			   field, text);
}

/* May the actor change the group's members with this role: the API's
 * may_manage (h_groups.c). as_chair: whether they act as a chair. */
static bool may_manage(struct req *r, const char *group, const char *role, const char **as_chair)
{
	struct policy_target t = { .group = group };

	if (role && policy_role_parse(role, &t.role) != 0)
		t.role = ROLE_MEMBER;
	if (!req_allow(r, ACT_COOPT_MEMBER, &t))
		return false;
	*as_chair = r->auth.actor.p.admin ? "false" : "true";
	return true;
}

static void member_put(struct req *r)
{
	const char *role = chair_page(r) ? "member" : value(r, "m_role"), *as_chair;
	json_t *body = json_object(), *errs = NULL, *e;
	size_t i;
	bool ok = true;

	if (!role)
		role = "member";
	/* The right first, as the typed group and role name it: a page with
	 * errors is shown only to someone who may use the form. */
	if (!may_manage(r, value(r, "m_group"), role, &as_chair)) {
		json_decref(body);
		return;
	}
	if (!body || json_object_set_new(body, "role", json_string(role)) != 0 ||
	    (value(r, "m_until") &&
	     json_object_set_new(body, "until", json_string(value(r, "m_until"))) != 0)) {
		json_decref(body);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!jf_check(body, member_fields, member_fields_count, &errs)) {
		json_array_foreach (errs, i, e) {
			bool until = strcmp(web_str(e, "field") ? web_str(e, "field") : "",
					    "until") == 0;

			ok = ok && web_set_error(r, until ? "m_until" : "m_role",
						 until ? "Ange datumet som ÅÅÅÅ-MM-DD."
						       : "Välj en roll i listan.");
		}
	}
	json_decref(errs);
	json_decref(body);
	if (!value(r, "m_group"))
		ok = ok && web_set_error(r, "m_group", "Välj en grupp.");
	if (!value(r, "m_username"))
		ok = ok && web_set_error(r, "m_username", "Ange användarnamnet.");
	if (!ok) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (r->web.errors) {
		again(r, 422);
		return;
	}
	const char *p[6] = { r->auth.actor.user_id,  value(r, "m_group"),
			     value(r, "m_username"), role,
			     value(r, "m_until"),    as_chair };
	req_db1(r, SQL_MEMBER_PUT, 6, p, member_done);
}

static void member_delete(struct req *r)
{
	const char *as_chair;

	if (!may_manage(r, value(r, "group"), NULL, &as_chair))
		return;
	if (!value(r, "group") || !value(r, "username")) {
		again_with(r, 422, NULL, "Inget medlemskap angavs.");
		return;
	}
	const char *p[4] = { r->auth.actor.user_id, value(r, "group"), value(r, "username"),
			     as_chair };
	req_db1(r, SQL_MEMBER_DELETE, 4, p, member_done);
}

/* ---- the post ------------------------------------------------------------------------------ */

static void posted(struct req *r, const struct db_result *read)
{
	(void)read;
	if (!web_form_token_ok(r))
		return;
	/* A page shown again is Administration only to an admin (its posts
	 * other than memberships are refused to anyone else first). */
	r->web.view = chair_page(r) || !r->auth.actor.p.admin ? ADMIN_COOPT : ADMIN_MAIN;
	if (is(r, "/administration/anvandare"))
		create_user(r);
	else if (is(r, "/administration/inaktivera"))
		disable_user(r);
	else if (is(r, "/administration/losenord"))
		reset_password(r);
	else if (admin_orgs_post(r))
		return;
	else if (strstr(r->path, "/ta-bort"))
		member_delete(r);
	else
		member_put(r);
}

void web_admin_post(struct req *r)
{
	struct evkeyvalq f;
	json_t *form;
	int rc = 0;

	if (!web_form_open(r, &f))
		return;
	form = r->web.form = json_object();
	for (size_t i = 0; form && rc == 0 && i < sizeof fields / sizeof fields[0]; i++) {
		const char *v = evhttp_find_header(&f, fields[i]);
		json_t *s = v ? json_string(v) : NULL; /* NULL for text that is not UTF-8 */

		if (v)
			rc = json_object_set_new(form, fields[i], s ? s : json_string(""));
	}
	evhttp_clear_headers(&f);
	if (!form || rc != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	web_authenticate(r, posted);
}
