/*
 * An audit checkpoint (API.md "The audit log"): the text its Ed25519
 * signature covers, built from its JSON the same way by the daemon (to
 * sign) and the client (to verify):
 *
 *   samverkan audit checkpoint v1\n
 *   entries N\n
 *   signed_at YYYY-MM-DDTHH:MM:SSZ\n
 *   chain C SEQ HASH\n          16 lines, chains 0 to 15; "-" for a null
 */
#ifndef SVK_CHECKPOINT_H
#define SVK_CHECKPOINT_H

#include <jansson.h>
#include <stdbool.h>

#define CHECKPOINT_CHAINS 16

/* The signed text of doc (entries, signed_at, heads), malloc'ed; NULL when
 * a field is missing or of another type, or out of memory. */
char *checkpoint_message(const json_t *doc);
/* Whether doc's signature (base64) is pk_b64's (base64 Ed25519 public key)
 * over checkpoint_message(doc). */
bool checkpoint_verify(const json_t *doc, const char *pk_b64);

#endif
