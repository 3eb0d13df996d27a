/*
 * Audit checkpoints (common/checkpoint.c): the text the signature covers,
 * exactly as API.md gives it, and that the signature checks fail for any
 * change to what was signed or under another key.
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"

static json_t *sample(void)
{
	json_t *heads = json_array();

	for (int c = 0; c < CHECKPOINT_CHAINS; c++) {
		if (c == 15)
			json_array_append_new(
			    heads, json_pack("{s:i, s:n, s:n}", "chain", c, "seq", "hash"));
		else
			json_array_append_new(
			    heads,
			    json_pack("{s:i, s:i, s:s}", "chain", c, "seq", 100 + c, "hash",
				      "00112233445566778899aabbccddeeff00112233445566778899aab"
				      "bccddeeff"));
	}
	return json_pack("{s:i, s:o, s:s}", "entries", 1234, "heads", heads, "signed_at",
			 "2026-12-04T15:01:39Z");
}

/* Signs doc with a key made from seed; returns the public key in base64. */
static char *sign(json_t *doc, unsigned char seed_byte)
{
	unsigned char seed[32], pk[32], sk[64], sig[64];
	char sig_b64[128], *pk_b64 = malloc(64);
	char *msg = checkpoint_message(doc);

	cr_assert(msg && pk_b64);
	memset(seed, seed_byte, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_bin2base64(sig_b64, sizeof sig_b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(pk_b64, 64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
	json_object_set_new(doc, "signature", json_string(sig_b64));
	free(msg);
	return pk_b64;
}

Test(checkpoint, the_signed_text_is_the_documented_one)
{
	json_t *doc = sample();
	char *msg = checkpoint_message(doc);
	const char *h = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char want[4096];
	size_t off;

	off = (size_t)snprintf(want, sizeof want,
			       "samverkan audit checkpoint v1\nentries 1234\n"
			       "signed_at 2026-12-04T15:01:39Z\n");
	for (int c = 0; c < 15; c++)
		off += (size_t)snprintf(want + off, sizeof want - off, "chain %d %d %s\n", c,
					100 + c, h);
	snprintf(want + off, sizeof want - off, "chain 15 - -\n");
	cr_assert_str_eq(msg, want);
	free(msg);
	json_decref(doc);
}

Test(checkpoint, a_change_to_what_was_signed_fails)
{
	json_t *doc, *copy;
	char *pk, *other;

	cr_assert(sodium_init() >= 0);
	doc = sample();
	pk = sign(doc, 7);
	cr_expect(checkpoint_verify(doc, pk), "the signed checkpoint does not verify");
	copy = json_deep_copy(doc);
	other = sign(copy, 8); /* another key's public half */
	json_decref(copy);
	cr_expect(!checkpoint_verify(doc, other), "verifies under another key");

	json_object_set_new(doc, "entries", json_integer(1233));
	cr_expect(!checkpoint_verify(doc, pk), "fewer entries verify");
	json_object_set_new(doc, "entries", json_integer(1234));
	cr_expect(checkpoint_verify(doc, pk));
	json_object_set_new(json_array_get(json_object_get(doc, "heads"), 3), "seq",
			    json_integer(99));
	cr_expect(!checkpoint_verify(doc, pk), "another head verifies");
	json_object_set_new(json_array_get(json_object_get(doc, "heads"), 3), "seq",
			    json_integer(103));
	json_object_set_new(doc, "signed_at", json_string("2026-12-05T15:01:39Z"));
	cr_expect(!checkpoint_verify(doc, pk), "another time verifies");
	json_decref(doc);

	/* A checkpoint without all 16 chains, in order, has no signed text. */
	doc = sample();
	json_array_remove(json_object_get(doc, "heads"), 15);
	cr_expect(!checkpoint_message(doc));
	json_decref(doc);
	doc = sample();
	json_object_set_new(json_array_get(json_object_get(doc, "heads"), 0), "chain",
			    json_integer(1));
	cr_expect(!checkpoint_message(doc));
	json_decref(doc);
	free(pk);
	free(other);
}
