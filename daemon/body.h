/*
 * The body, the pipeline's stage after the route: for a route that takes
 * one, a JSON object within the size and depth limits, sent as
 * application/json, with no personal identity number in any value.
 */
#ifndef SVK_BODY_H
#define SVK_BODY_H

#include <stdbool.h>

struct req;

/* Parses and checks the body into r->body; false after answering 400,
 * 415 or 422. */
bool body_parse(struct req *r);
/* Frees the parsed body and its text (the pipeline's req_free). */
void body_cleanup(struct req *r);

#endif
