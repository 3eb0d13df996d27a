/*
 * The steps of POST /v1/incidents (h_est.c) that the web's report form
 * and CSV upload take too (daemon/web/), so that an incident from a page
 * is checked, refused and stored exactly as one from the API.
 */
#ifndef SVK_INCIDENTS_H
#define SVK_INCIDENTS_H

#include <jansson.h>
#include <stdbool.h>

#include "request.h"

/*
 * Appends to errs ({field, message}) what is wrong with each item: its
 * shape, the privacy guard, its source, its coordinates; fields are named
 * "items[i].place" for a batch, "place" for one incident (single). For a
 * batch, an item for a municipality the actor may not report for is an
 * error too, or, for an actor who may report nowhere, a 403. Returns
 * false after answering (that 403, or out of memory).
 */
bool incidents_check(struct req *r, const json_t *items, bool single, json_t *errs);

/* One incident ([item]): false after answering 403 (audited) when the
 * actor may not report for its municipality. */
bool incident_allowed(struct req *r, const json_t *items);

/* Stores the checked items with svk.incidents_create (its own checks,
 * identity per source, audit); done gets its result. False after
 * answering when out of memory. */
bool incidents_store(struct req *r, const json_t *items, bool single, req_db_cb done);

#endif
