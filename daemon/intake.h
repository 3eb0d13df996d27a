/*
 * Intake, the pipeline's first stage: the request's identity (request id,
 * peer address, method, path) and the limits of what may come in (a
 * connection past the cap, ambiguous framing, header and body size), all
 * checked before anything is parsed.
 */
#ifndef SVK_INTAKE_H
#define SVK_INTAKE_H

#include <stdbool.h>

struct req;

/* Fills the request's identity from evhttp's request. */
void intake_init(struct req *r);
/* Checks the limits; false after answering (400, 413, 431, 503). */
bool intake_check(struct req *r);

#endif
