/*
 * Idempotency-Key for POST (SPEC §7): a POST repeated with the same key is
 * applied once, and the repeat gets the first answer again.
 *
 * Before the handler runs, the key is looked up: a stored answer is
 * replayed (the same request) or refused with 422 (another request under
 * the same key). The handler's write then goes out as one batch — claim
 * the key, write — whose transaction stays open (req_db_open) until the
 * handler's answer is stored in it: the key, the change and the answer
 * commit together or not at all, and the answer is sent once they have.
 * So a repeat after a crash finds either nothing (and is applied) or the
 * answer; a repeat while the first is still running waits for its claim
 * and gets 409. An answer other than 2xx is not kept: its transaction is
 * rolled back, so the key is not used up. Secrets in an answer (a new
 * token, a generated password) are shown once and never stored.
 */
#include "idem.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "request.h"
#include "sql_names.h"

static bool hold(struct req *r, const struct answer *a);

static bool key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > IDEM_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k[i] < 0x21 || k[i] > 0x7e)
			return false;
	return true;
}

/* The key as it is stored: its SHA-256 in hex. */
static void key_digest(const char *key, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* sha256(method \n path \n body) in hex: what "the same request" means. */
static void request_hash(struct req *r, char out[65])
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ereq);
	size_t len = evbuffer_get_length(in);
	unsigned char *body = len ? evbuffer_pullup(in, -1) : NULL;
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *m = req_method_name(r->method);

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)m, strlen(m));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)r->path, strlen(r->path));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	if (body)
		crypto_hash_sha256_update(&st, body, len);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void looked_up(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	const char *hash, *status, *body, *location;
	char *end;
	long code;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	if (!pr || PQntuples(pr) == 0) {
		r->idem.fresh = true;
		r->idem.handler(r);
		return;
	}
	hash = db_get(pr, 0, 0);
	status = db_get(pr, 0, 1);
	body = db_get(pr, 0, 2);
	location = db_get(pr, 0, 3);
	if (!hash || strcmp(hash, r->idem.hash) != 0) {
		req_problem_field(r, "Idempotency-Key",
				  "was already used for a different request; use a new key");
		return;
	}
	if (!status) {
		req_problem(r, SVK_ERR_CONFLICT,
			    "a request with this Idempotency-Key is still being processed");
		return;
	}
	code = strtol(status, &end, 10);
	if (*end != '\0' || code < 200 || code > 299) {
		req_problem(r, SVK_ERR_INTERNAL, "the stored answer is not readable");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Idempotent-Replayed",
			  "true");
	req_reply_text(r, (int)code, body ? "application/json" : NULL, body ? body : "",
		       body ? strlen(body) : 0, location);
}

void idem_dispatch(struct req *r, void (*handler)(struct req *r))
{
	const char *key = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
					     "Idempotency-Key");

	if (!key || r->method != M_POST || !r->auth.authenticated) {
		handler(r);
		return;
	}
	r->idem.handler = handler;
	if (!key_ok(key)) {
		req_problem_field(r, "Idempotency-Key",
				  "must be 1 to 200 visible ASCII characters");
		return;
	}
	key_digest(key, r->idem.key);
	request_hash(r, r->idem.hash);
	const char *p[2] = { r->auth.actor.user_id, r->idem.key };
	req_db1(r, SQL_IDEM_LOOKUP, 2, p, looked_up);
}

/* The write's callback sees only its own statements. */
static void written(struct req *r, const struct db_result *res)
{
	struct db_result view = *res;
	const PGresult *claim = res->n > 0 ? res->res[0] : NULL;

	if (claim && PQresultStatus(claim) == PGRES_FATAL_ERROR) {
		if (res->err == SVK_ERR_CONFLICT) {
			req_problem(r, SVK_ERR_CONFLICT,
				    "a request with this Idempotency-Key was processed at the same "
				    "moment; repeat it to get its answer");
			return;
		}
		req_reply_db_error(r, res);
		return;
	}
	r->idem.open = res->open;
	if (r->idem.open)
		r->hold = hold;
	view.n = res->n - 1;
	for (int i = 0; i < DB_MAX_BATCH - 1; i++)
		view.res[i] = res->res[i + 1];
	view.res[DB_MAX_BATCH - 1] = NULL;
	r->idem.write_done(r, &view);
}

void req_write(struct req *r, const struct db_call *calls, int n, req_db_cb done)
{
	struct db_call batch[DB_MAX_BATCH];

	if (!r->idem.fresh || n + 1 > DB_MAX_BATCH) {
		req_db(r, calls, n, done);
		return;
	}
	memset(&batch[0], 0, sizeof batch[0]);
	batch[0].stmt = SQL_IDEM_CLAIM;
	batch[0].nparams = 5;
	batch[0].params[0] = r->auth.actor.user_id;
	batch[0].params[1] = r->idem.key;
	batch[0].params[2] = req_method_name(r->method);
	batch[0].params[3] = r->route->pattern; /* not the path: it is the client's */
	batch[0].params[4] = r->idem.hash;
	for (int i = 0; i < n; i++)
		batch[i + 1] = calls[i];
	r->idem.write_done = done;
	req_db_open(r, batch, n + 1, written);
}

void req_write1(struct req *r, const char *stmt, int nparams, const char *const *params,
		req_db_cb done)
{
	struct db_call call = { .stmt = stmt, .nparams = nparams };

	for (int i = 0; i < nparams && i < DB_MAX_PARAMS; i++)
		call.params[i] = params[i];
	req_write(r, &call, 1, done);
}

struct idem_held {
	int status;
	char *content_type, *body, *location;
	size_t len;
};

static void held_free(struct idem_held *h)
{
	if (!h)
		return;
	free(h->content_type);
	free(h->body);
	free(h->location);
	free(h);
}

static char *dup_or_null(const char *s, bool *ok)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*ok = false;
	return d;
}

static void stored(struct req *r, const struct db_result *res)
{
	struct idem_held *h = r->idem.held;

	r->idem.held = NULL;
	if (res->err != SVK_OK) {
		/* Nothing of the request was committed: the answer would lie. */
		log_warn(&r->w->app->log, "msg=\"cannot store idempotent answer\" id=%s", r->id);
		held_free(h);
		req_reply_db_error(r, res);
		return;
	}
	req_reply_text(r, h->status, h->content_type, h->body ? h->body : "", h->len, h->location);
	held_free(h);
}

/* The reply hook of a request whose key was claimed, in the write's open
 * transaction: a 2xx answer is stored in it, and the answer sent once it
 * has committed. Any other answer is sent as it is, and the transaction
 * rolled back (db.h). True when it took the answer over. */
static bool hold(struct req *r, const struct answer *a)
{
	struct idem_held *h;
	struct db_op *open = r->idem.open;
	json_t *doc = NULL;
	char *kept = NULL, code[8];
	bool ok;

	r->hold = NULL;
	r->idem.open = NULL;
	if (!open || a->status < 200 || a->status > 299)
		return false;
	h = calloc(1, sizeof *h);
	ok = h != NULL;
	if (ok) {
		h->status = a->status;
		h->len = a->len;
		h->content_type = dup_or_null(a->content_type, &ok);
		h->location = dup_or_null(a->location, &ok);
	}
	if (ok && a->body && a->len) {
		h->body = malloc(a->len + 1);
		if (h->body) {
			memcpy(h->body, a->body, a->len);
			h->body[a->len] = '\0';
		} else {
			ok = false;
		}
	}
	/* Secrets in the answer are shown once and never stored. */
	if (ok && h->body) {
		doc = json_loads(h->body, 0, NULL);
		if (doc && json_is_object(doc)) {
			json_object_del(doc, "token");
			json_object_del(doc, "password");
			kept = json_dumps(doc, JSON_COMPACT);
			ok = kept != NULL;
		}
		json_decref(doc);
	}
	if (!ok) {
		/* Not a 2xx that was not stored: the change is rolled back. */
		held_free(h);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return true;
	}
	snprintf(code, sizeof code, "%d", a->status);
	r->idem.held = h;
	struct db_call call = { .stmt = SQL_IDEM_STORE, .nparams = 5 };
	call.params[0] = r->auth.actor.user_id;
	call.params[1] = r->idem.key;
	call.params[2] = code;
	call.params[3] = kept ? kept : h->body;
	call.params[4] = a->location;
	req_db_end(r, open, &call, 1, stored);
	free(kept);
	return true;
}

void idem_cleanup(struct req *r)
{
	held_free(r->idem.held);
	r->idem.held = NULL;
}
