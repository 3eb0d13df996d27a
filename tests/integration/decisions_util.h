/*
 * What the decision workflow's suites share; see decisions_util.c. Every
 * test has its own database (seeded with the agreement 2023-01-01 –
 * 2026-12-31, its four parties, four focus areas and one draft plan per
 * municipality) and its own daemon, in e; users are made through the API.
 */
#ifndef SVK_DECISIONS_UTIL_H
#define SVK_DECISIONS_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "harness.h"

extern struct env e;

enum { POLISEN, SOLLENTUNA, VASBY, SIGTUNA, N_PARTIES };

/* Who acts. The styrgrupp's decision makers are the local police area
 * chief and the three municipal directors (DIRECTOR + party index). */
enum who { BERED, EST, STYR, DIRECTOR, POLICE2 = DIRECTOR + N_PARTIES, N_WHO };

const char *user(enum who w);

const char *name(enum who w);

const char *director(int org);

const char *director_name(int org);

const char *agreement_id(void);

const char *focus_area(int ordinal);

const char *plan_of(const char *municipality);

const char *create(const char *tok, const char *body);

const char *extension_body(int years, const char *title);

struct resp *proposal_post(const char *tok, const char *id, const char *what);

void submit_ok(const char *tok, const char *id);

struct resp *decide(const char *tok, const char *id, const char *verdict, const char *comment);

struct resp *decide_ok(const char *tok, const char *id, const char *verdict, const char *comment);

struct resp *get_proposal(const char *tok, const char *id);

long count_decisions(const char *id);

void expect_conflict(struct resp *r, const char *what);

bool array_has(const json_t *arr, const char *s);

void expect_affected(const struct resp *r, const char *const want[], size_t n);

bool list_has_id(const struct resp *r, const char *id);

long audit_rows(const char *action, const char *entity_id);

long days_from_civil(long y, long m, long d);

long today_days(void);

const char *add_intervention(const char *t, const char *plan, int ordinal, const char *title,
			     const char *org);

#endif
