/*
 * The request path's internals, for its stages (not for handlers): the one
 * function that frees a request, and the release of its database
 * operation and connection watch.
 */
#ifndef SVK_PIPELINE_H
#define SVK_PIPELINE_H

struct req;

/* Frees everything the request owns. Only the reply stage (after sending)
 * and a client hang-up call it; handlers answer instead. */
void req_free(struct req *r);

/* reqdb.c: cancels the operation in flight and stops watching for the
 * client hanging up. */
void reqdb_release(struct req *r);

#endif
