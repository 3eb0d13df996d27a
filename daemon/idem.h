/*
 * Idempotency, the pipeline's stage before the handler (SPEC §7): a POST
 * repeated with the same Idempotency-Key is applied once, and the repeat
 * gets the first answer again.
 */
#ifndef SVK_IDEM_H
#define SVK_IDEM_H

#include <stdbool.h>

struct req;
struct db_result;
struct idem_held;
struct db_op;

#define IDEM_KEY_MAX 200

struct req_idem {
	char key[65];                   /* the key's SHA-256 in hex: a client's key may
			      * carry anything, so it is never stored */
	char hash[65];                  /* what "the same request" means (idem.c) */
	bool fresh;                     /* the key was new: the write claims it */
	struct db_op *open;             /* ...and did: its transaction, open until
				      * the answer is stored in it (hold) */
	void (*handler)(struct req *r); /* runs once the key is looked up */
	void (*write_done)(struct req *r, const struct db_result *res);
	struct idem_held *held; /* the answer, until it is stored */
};

/* Runs handler, after replaying or refusing a repeated key. */
void idem_dispatch(struct req *r, void (*handler)(struct req *r));
/* Frees what the stage holds (the pipeline's req_free). */
void idem_cleanup(struct req *r);

#endif
