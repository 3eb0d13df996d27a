/*
 * The audit log's checkpoint and single entries (API.md "The audit log"):
 * GET /v1/audit/checkpoint signs the 16 chain heads and the number of
 * entries with the server's key; GET /v1/audit/entries/{seq} is one entry,
 * with which a client checks that a checkpoint's heads are still there.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "checkpoint.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"

static void checkpoint_loaded(struct req *r, const struct db_result *res)
{
	const struct audit_key *k = &r->w->app->audit_key;
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	unsigned char sig[crypto_sign_BYTES];
	char sig_b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	const char *count, *at, *heads;
	char *msg = NULL, *end;
	json_t *doc = NULL;
	long long n;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	count = pr && PQntuples(pr) == 1 ? db_get(pr, 0, 0) : NULL;
	at = count ? db_get(pr, 0, 1) : NULL;
	heads = at ? db_get(pr, 0, 2) : NULL;
	n = count ? strtoll(count, &end, 10) : -1;
	if (heads)
		doc = json_pack("{s:I, s:o, s:s}", "entries", (json_int_t)n, "heads",
				json_loads(heads, 0, NULL), "signed_at", at);
	if (doc)
		msg = checkpoint_message(doc);
	if (!msg) {
		json_decref(doc);
		req_problem(r, SVK_ERR_INTERNAL, "cannot make the checkpoint");
		return;
	}
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), k->sk);
	free(msg);
	sodium_bin2base64(sig_b64, sizeof sig_b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
	if (json_object_set_new(doc, "key_id", json_string(k->key_id)) != 0 ||
	    json_object_set_new(doc, "public_key", json_string(k->pk_b64)) != 0 ||
	    json_object_set_new(doc, "signature", json_string(sig_b64)) != 0) {
		json_decref(doc);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	req_reply_json(r, 200, doc, NULL);
}

void h_audit_checkpoint(struct req *r)
{
	if (!r->w->app->audit_key.loaded) {
		req_problem(r, SVK_ERR_UNAVAILABLE,
			    "audit checkpoints are not set up on this server: the operator sets "
			    "[audit] signing_key and runs samverkand audit-key");
		return;
	}
	req_db1(r, SQL_AUDIT_CHECKPOINT, 0, NULL, checkpoint_loaded);
}

static void entry_loaded(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such audit entry", NULL);
}

void h_audit_entry(struct req *r)
{
	const char *seq = req_param(r, 0);

	if (!seq || !seq[0] || strlen(seq) > 18 || strspn(seq, "0123456789") != strlen(seq)) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such audit entry");
		return;
	}
	const char *p[1] = { seq };
	req_db1(r, SQL_AUDIT_ENTRY, 1, p, entry_loaded);
}
