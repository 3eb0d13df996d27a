/*
 * An audit checkpoint's signed text (checkpoint.h).
 */
#include "checkpoint.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* A head's seq and hash as the text has them: digits and hex, or "-". */
static int head_line(struct strbuf *b, const json_t *h, long long chain)
{
	const json_t *seq = json_object_get(h, "seq");
	const json_t *hash = json_object_get(h, "hash");
	const json_t *c = json_object_get(h, "chain");

	if (!json_is_integer(c) || json_integer_value(c) != chain)
		return -1;
	if (json_is_null(seq) && json_is_null(hash))
		return strbuf_printf(b, "chain %lld - -\n", chain);
	if (!json_is_integer(seq) || !json_is_string(hash) ||
	    strlen(json_string_value(hash)) != 64 ||
	    strspn(json_string_value(hash), "0123456789abcdef") != 64)
		return -1;
	return strbuf_printf(b, "chain %lld %lld %s\n", chain, (long long)json_integer_value(seq),
			     json_string_value(hash));
}

char *checkpoint_message(const json_t *doc)
{
	const json_t *entries = json_object_get(doc, "entries");
	const json_t *at = json_object_get(doc, "signed_at");
	const json_t *heads = json_object_get(doc, "heads");
	struct strbuf b;
	int rc = 0;

	if (!json_is_integer(entries) || !json_is_string(at) || !json_is_array(heads) ||
	    json_array_size(heads) != CHECKPOINT_CHAINS || strchr(json_string_value(at), '\n'))
		return NULL;
	strbuf_init(&b, 4096);
	rc |= strbuf_printf(&b, "samverkan audit checkpoint v1\nentries %lld\nsigned_at %s\n",
			    (long long)json_integer_value(entries), json_string_value(at));
	for (size_t i = 0; rc == 0 && i < CHECKPOINT_CHAINS; i++)
		rc |= head_line(&b, json_array_get(heads, i), (long long)i);
	if (rc != 0) {
		strbuf_cleanup(&b);
		return NULL;
	}
	return strbuf_steal(&b);
}

bool checkpoint_verify(const json_t *doc, const char *pk_b64)
{
	const char *sig_b64 = json_string_value(json_object_get(doc, "signature"));
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	size_t pk_len = 0, sig_len = 0;
	char *msg;
	bool ok;

	if (!sig_b64 || !pk_b64 ||
	    sodium_base642bin(pk, sizeof pk, pk_b64, strlen(pk_b64), NULL, &pk_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    pk_len != sizeof pk ||
	    sodium_base642bin(sig, sizeof sig, sig_b64, strlen(sig_b64), NULL, &sig_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    sig_len != sizeof sig)
		return false;
	msg = checkpoint_message(doc);
	if (!msg)
		return false;
	ok = crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) == 0;
	free(msg);
	return ok;
}
