/*
 * EST, the operational tier (SPEC §5): GET /v1/incident-categories,
 * GET|POST /v1/incidents, GET /v1/incidents/{id}, GET /v1/situation,
 * GET|POST /v1/meetings, GET /v1/meetings/{id} and
 * GET /v1/agreements/{id}/compliance.
 *
 * An incident batch is checked whole before anything is stored: the shape
 * and the privacy guard of every item here, the right to report for each
 * item's municipality here, the references in SQL; every bad item is
 * named (an item for a municipality the reporter may not report for too,
 * as items[i].municipality), and one bad item refuses the batch. What the
 * source has stored already is not stored again (svk.incidents_create).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incidents.h"
#include "isoweek.h"
#include "jsonguard.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"
#include "vocab.h"

/* ---- incident categories -------------------------------------------------- */

/* ---- incidents -------------------------------------------------------------- */

static const struct jf_field incident_fields[] = {
	{ .name = "occurred_at", .type = JF_TIMESTAMP, .required = true },
	{ .name = "municipality", .type = JF_SLUG, .required = true },
	{ .name = "place", .type = JF_STRING, .required = true, .max = 200 },
	{ .name = "category", .type = JF_SLUG, .required = true },
	{ .name = "description", .type = JF_STRING, .empty = true, .max = 2000 },
	{ .name = "latitude", .type = JF_NUMBER, .nullable = true, .min = -90, .max = 90 },
	{ .name = "longitude", .type = JF_NUMBER, .nullable = true, .min = -180, .max = 180 },
	/* The source's own reference: identifies the incident per source. */
	{ .name = "external_id", .type = JF_STRING, .nullable = true, .max = 200 },
	/* Always the reporter's organisation; may be given, and must be it. */
	{ .name = "source_organisation", .type = JF_SLUG },
};

/* Appends {field: prefix + name, message} to errs; -1 when out of memory. */
static int add_error(json_t *errs, const char *prefix, const char *name, const char *message)
{
	char field[160];

	snprintf(field, sizeof field, "%s%s", prefix, name);
	(void)validate_utf8_trim(field); /* a long key, cut */
	return json_array_append_new(errs,
				     json_pack("{s:s, s:s}", "field", field, "message", message));
}

static bool has_value(const json_t *item, const char *name)
{
	const json_t *v = json_object_get(item, name);

	return v && !json_is_null(v);
}

/* Checks one item (its shape, the privacy guard, coordinates given as a
 * pair, a source the actor may name: their own organisation), appending
 * its errors to errs named with prefix. */
static int check_item(const json_t *item, const char *prefix, const struct policy_actor *actor,
		      json_t *errs)
{
	json_t *item_errs = NULL, *e;
	const char *source;
	char path[128], message[200];
	size_t i;
	int rc = 0;

	if (!json_is_object(item)) {
		/* "items[3]" (the prefix without its dot), or the body itself. */
		snprintf(path, sizeof path, "%s", prefix[0] ? prefix : "body.");
		path[strlen(path) - 1] = '\0';
		return add_error(errs, "", path, "must be a JSON object");
	}
	if (!jf_check(item, incident_fields, sizeof incident_fields / sizeof incident_fields[0],
		      &item_errs)) {
		if (!item_errs)
			return -1;
		json_array_foreach (item_errs, i, e)
			rc |= add_error(errs, prefix, jf_str(e, "field"), jf_str(e, "message"));
		json_decref(item_errs);
	}
	source = json_string_value(json_object_get(item, "source_organisation"));
	if (source && !policy_check(actor, ACT_NAME_SOURCE,
				    &(struct policy_target){ .organisation = source }, NULL)) {
		snprintf(message, sizeof message,
			 "must be your own organisation, \"%s\": an incident's source is the "
			 "organisation of the one who reports it",
			 actor->organisation);
		rc |= add_error(errs, prefix, "source_organisation", message);
	}
	if (has_value(item, "latitude") != has_value(item, "longitude"))
		rc |= add_error(errs, prefix,
				has_value(item, "latitude") ? "longitude" : "latitude",
				"latitude and longitude are given together");
	if (jsonguard_find_pnr(item, path, sizeof path))
		rc |= add_error(
		    errs, prefix, path,
		    "contains a personal identity number (personnummer or "
		    "samordningsnummer); incidents describe events and places, never people");
	return rc;
}

/* "you report for sigtuna only" (or "sigtuna and upplands-bro"): the
 * municipalities of the actor's arbetsgrupper, or NULL when there are none
 * (the policy's own reason says it then). */
static const char *own_municipalities(const struct policy_actor *a, char *buf, size_t len)
{
	size_t at, n = 0;
	int w;

	w = snprintf(buf, len, "you report for ");
	if (w < 0 || (size_t)w >= len)
		return NULL;
	at = (size_t)w;
	for (size_t i = 0; i < a->n_memberships; i++) {
		const struct policy_membership *m = &a->memberships[i];
		bool seen = false;

		if (m->tier != TIER_ARBETSGRUPP || !m->municipality[0])
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = a->memberships[k].tier == TIER_ARBETSGRUPP &&
			       strcmp(a->memberships[k].municipality, m->municipality) == 0;
		if (seen)
			continue;
		w = snprintf(buf + at, len - at, "%s%s", n++ ? ", " : "", m->municipality);
		if (w < 0 || (size_t)w >= len - at)
			return NULL;
		at += (size_t)w;
	}
	w = snprintf(buf + at, len - at, " only");
	if (n == 0 || w < 0 || (size_t)w >= len - at)
		return NULL;
	return buf;
}

/*
 * The reporter may report for every item's municipality. One incident:
 * else 403. A batch of a reporter who reports for some municipalities:
 * each item refused is an error of errs (items[i].municipality, "you
 * report for sigtuna only"), as an invalid one is, so that an import keeps
 * the others; of one who may report nowhere, 403 naming the first item.
 * Returns false after answering (403, or out of memory).
 */
static bool items_allowed(struct req *r, const json_t *items, bool single, json_t *errs)
{
	const struct policy_actor *a = &r->auth.actor.p;
	const char *reason = NULL, *own;
	/* a message naming up to every membership's municipality */
	char prefix[32], buf[POLICY_MAX_MEMBERSHIPS * (POLICY_SLUG_MAX + 2) + 32];
	size_t i;
	json_t *item;

	json_array_foreach (items, i, item) {
		struct policy_target t = { .municipality = jf_str(item, "municipality") };

		if (!t.municipality)
			continue; /* the shape check names it */
		if (policy_check(a, ACT_REPORT_INCIDENT, &t, &reason))
			continue;
		own = single ? NULL : own_municipalities(a, buf, sizeof buf);
		if (!own) {
			/* One incident, or a reporter who may report nowhere. */
			snprintf(buf, sizeof buf, "items[%zu]: %s for %s", i, reason,
				 t.municipality);
			(void)validate_utf8_trim(buf);
			req_forbidden(r, single ? reason : buf);
			return false;
		}
		snprintf(prefix, sizeof prefix, "items[%zu].", i);
		if (add_error(errs, prefix, "municipality", own ? own : reason) != 0) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return false;
		}
	}
	return true;
}

static void incidents_created(struct req *r, const struct db_result *res)
{
	json_t *doc = req_result_json(r, res, 0, "not created");
	char location[96];

	if (!doc)
		return;
	if (json_object_get(doc, "items")) {
		req_reply_json(r, 201, doc, NULL);
		return;
	}
	if (json_is_true(json_object_get(doc, "already_stored"))) {
		/* Stored before (the same external_id or content): not created. */
		json_object_del(doc, "already_stored");
		req_reply_json(r, 200, doc, NULL);
		return;
	}
	snprintf(location, sizeof location, "/v1/incidents/%s",
		 json_string_value(json_object_get(doc, "id")));
	req_reply_json(r, 201, doc, location);
}

/* The items of a batch body, or NULL after answering 422. */
static json_t *batch_items(struct req *r)
{
	json_t *items = json_object_get(r->body, "items");

	if (json_object_size(r->body) != 1) {
		req_problem_field(r, "body", "a batch is {\"items\": [...]} and nothing else");
		return NULL;
	}
	if (!json_is_array(items) || json_array_size(items) == 0 ||
	    json_array_size(items) > VOCAB_INCIDENT_BATCH_MAX) {
		req_problem_field(r, "items", "must be an array of 1 to 1000 incidents");
		return NULL;
	}
	return items;
}

bool incidents_check(struct req *r, const json_t *items, bool single, json_t *errs)
{
	const json_t *item;
	char prefix[32];
	size_t i;
	int rc = 0;

	json_array_foreach (items, i, item) {
		if (single)
			prefix[0] = '\0';
		else
			snprintf(prefix, sizeof prefix, "items[%zu].", i);
		rc |= check_item(item, prefix, &r->auth.actor.p, errs);
	}
	if (rc != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return false;
	}
	return single || items_allowed(r, items, false, errs);
}

bool incident_allowed(struct req *r, const json_t *items)
{
	return items_allowed(r, items, true, NULL);
}

bool incidents_store(struct req *r, const json_t *items, bool single, req_db_cb done)
{
	char *text = json_dumps(items, JSON_COMPACT);

	if (!text || !req_keep(r, text)) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return false;
	}
	const char *p[3] = { r->auth.actor.user_id, text, single ? "true" : "false" };
	req_write1(r, SQL_INCIDENTS_CREATE, 3, p, done);
	return true;
}

void h_incident_create(struct req *r)
{
	bool single = !json_object_get(r->body, "items");
	json_t *items, *errs = json_array();

	if (!errs) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	items = single ? json_pack("[O]", r->body) : json_incref(batch_items(r));
	if (!items) {
		json_decref(errs);
		if (single)
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!incidents_check(r, items, single, errs))
		goto out;
	if (json_array_size(errs) > 0) {
		req_problem_errors(
		    r, SVK_ERR_VALIDATION,
		    single ? "the incident was refused"
			   : "some incidents were refused; none of the batch was stored",
		    errs);
		errs = NULL;
		goto out;
	}
	if (single && !incident_allowed(r, items))
		goto out;
	(void)incidents_store(r, items, single, incidents_created);
out:
	json_decref(errs);
	json_decref(items);
}

/* ---- the situation picture -------------------------------------------------- */

/* The municipality of the actor's arbetsgrupp when there is exactly one. */
static const char *own_municipality(const struct req *r)
{
	const char *found = NULL;

	for (size_t i = 0; i < r->auth.actor.p.n_memberships; i++) {
		const struct policy_membership *m = &r->auth.actor.p.memberships[i];

		if (m->tier != TIER_ARBETSGRUPP || !m->municipality[0])
			continue;
		if (found && strcmp(found, m->municipality) != 0)
			return NULL;
		found = m->municipality;
	}
	return found;
}

static void situation_got(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no result", NULL);
}

void h_situation(struct req *r)
{
	const char *mun = req_query(r, "municipality"), *week = req_query(r, "week"), *why;
	char monday[16];
	int y, w;

	if (!mun)
		mun = own_municipality(r);
	if (!mun) {
		req_problem_field(r, "municipality",
				  "is required (e.g. ?municipality=sigtuna): you are not in "
				  "exactly one municipality's arbetsgrupp");
		return;
	}
	if (!validate_slug(mun)) {
		req_problem_field(r, "municipality",
				  "must be a slug (lowercase letters, digits and '-')");
		return;
	}
	if (week) {
		if (isoweek_parse(week, &y, &w, &why) != 0) {
			req_problem_field(r, "week", why);
			return;
		}
		isodate_format(isoweek_monday(y, w), monday, sizeof monday);
	}
	const char *p[3] = { mun, week ? monday : NULL,
			     r->auth.actor.p.organisation_party ? "false" : "true" };
	req_db1(r, SQL_SITUATION, 3, p, situation_got);
}

/* ---- meetings ------------------------------------------------------------- */

const struct jf_field meeting_fields[] = {
	{ .name = "group", .type = JF_SLUG, .required = true },
	{ .name = "held_on", .type = JF_DATE, .required = true },
	{ .name = "attendees", .type = JF_STRINGS, .empty = true, .max = 63 },
	{ .name = "minutes", .type = JF_STRING, .empty = true, .max = 20000 },
	{ .name = "decisions", .type = JF_STRINGS, .empty = true, .max = 2000 },
	{ .name = "focus_places", .type = JF_STRINGS, .empty = true, .max = 200 },
};
const size_t meeting_fields_count = sizeof meeting_fields / sizeof meeting_fields[0];

static void meeting_created(struct req *r, const struct db_result *res)
{
	req_reply_created(r, res, "/v1/meetings");
}

void h_meeting_create(struct req *r)
{
	struct policy_target t = { 0 };
	const char *body;

	if (!req_body_ok(r, meeting_fields, meeting_fields_count))
		return;
	t.group = jf_str(r->body, "group");
	if (!req_allow(r, ACT_RECORD_MEETING, &t))
		return;
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[2] = { r->auth.actor.user_id, body };
	req_write1(r, SQL_MEETING_CREATE, 2, p, meeting_created);
}

/* ---- compliance ------------------------------------------------------------- */
