/*
 * The audit log's checkpoints (API.md "The audit log"): the 16 chain heads
 * and the number of entries, signed with the server's Ed25519 key so that
 * an auditor can keep them outside the database and later prove that the
 * log still begins with what they saw.
 *
 * The key is [audit] signing_key: a file with the 32-byte seed in hex
 * (mode 0600), made by `samverkand audit-key`. Without one the checkpoint
 * answers 503.
 */
#ifndef SVK_AUDITKEY_H
#define SVK_AUDITKEY_H

#include <stdbool.h>
#include <stddef.h>

struct config;

#define AUDIT_KEY_ID_LEN 16 /* hex of the first 8 bytes of SHA-256(public key) */

struct audit_key {
	bool loaded;
	unsigned char pk[32];
	unsigned char sk[64];
	char key_id[AUDIT_KEY_ID_LEN + 1];
	char pk_b64[64];
};

/* Reads the key file at path; 0, or -1 with a message in err. */
int audit_key_load(const char *path, struct audit_key *k, char *err, size_t errlen);
/* Wipes the secret. */
void audit_key_clear(struct audit_key *k);
/* `samverkand audit-key`: makes the key file when it is missing, then
 * prints the public key and its id. 0, 1, or 2 when none is configured. */
int admin_audit_key(const struct config *cfg);

#endif
