/*
 * Creating things safely over a bad connection: every POST carries a
 * random Idempotency-Key, the CLI's own retries (unreachable, 429, 503; at
 * most three attempts, GETs and keyed POSTs only) send the very same key,
 * so the server applies the request once; and --if-match sends the ETag
 * as the server expects it. The transport is a fake that records what
 * each attempt sent.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "http.h"
#include "request.h"

#define MAX_SCRIPT 8

/* One scripted attempt: a transport failure (rc) or an answer. */
struct step {
	int rc; /* 0: the server answered with status */
	long status;
	char retry_after[8]; /* "" for none */
	size_t sunk;
};

struct fake {
	struct step script[MAX_SCRIPT];
	int nscript;
	int calls;
	char keys[MAX_SCRIPT][REQUEST_KEY_LEN + 8]; /* "" when none sent */
	char if_match[MAX_SCRIPT][48];
	char accept[MAX_SCRIPT][48];
	long slept[MAX_SCRIPT];
	int nslept;
};

static int fake_send(void *ctx, const char *method, const char *path, const json_t *body,
		     const struct http_req_opts *ho, struct http_response *resp, struct strbuf *err)
{
	struct fake *f = ctx;
	const struct step *s;
	int i = f->calls++;

	(void)method;
	(void)path;
	(void)body;
	cr_assert_lt(i, f->nscript, "more attempts than scripted");
	s = &f->script[i];
	snprintf(f->keys[i], sizeof f->keys[i], "%s",
		 ho->idempotency_key ? ho->idempotency_key : "");
	snprintf(f->if_match[i], sizeof f->if_match[i], "%s", ho->if_match ? ho->if_match : "");
	snprintf(f->accept[i], sizeof f->accept[i], "%s", ho->accept ? ho->accept : "");
	memset(resp, 0, sizeof *resp);
	resp->sunk = s->sunk;
	if (s->rc != 0) {
		(void)strbuf_puts(err, "cannot connect");
		return s->rc;
	}
	resp->status = s->status;
	if (s->retry_after[0])
		resp->retry_after = strdup(s->retry_after);
	resp->etag = strdup("\"0123456789abcdef\"");
	return 0;
}

static void fake_sleep(void *ctx, long ms)
{
	struct fake *f = ctx;

	cr_assert_lt(f->nslept, MAX_SCRIPT);
	f->slept[f->nslept++] = ms;
}

/* Runs request_exchange of method against the scripted fake. */
static int exchange(struct fake *f, const char *method, struct request_opts *o, long *final_status)
{
	struct request_transport t = { fake_send, fake_sleep, f, NULL, 0 };
	struct http_response resp;
	struct strbuf err;
	json_t *body = json_pack("{s:s}", "title", "x");
	int rc;

	strbuf_init(&err, 0);
	rc = request_exchange(&t, method, "/v1/action-plans", body, o, &resp, &err);
	*final_status = rc == 0 ? resp.status : 0;
	if (rc == 0)
		http_response_cleanup(&resp);
	json_decref(body);
	strbuf_cleanup(&err);
	return rc;
}

static int is_key(const char *k)
{
	if (strlen(k) != REQUEST_KEY_LEN)
		return 0;
	for (const char *p = k; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

Test(retry, new_keys_are_random_hex)
{
	char a[REQUEST_KEY_LEN + 1], b[REQUEST_KEY_LEN + 1];
	char small[REQUEST_KEY_LEN];

	cr_assert_eq(request_new_key(a, sizeof a), 0);
	cr_assert_eq(request_new_key(b, sizeof b), 0);
	cr_assert(is_key(a), "%s", a);
	cr_assert(is_key(b), "%s", b);
	cr_assert_str_neq(a, b);
	cr_assert_eq(request_new_key(small, sizeof small), -1);
}

Test(retry, a_post_keeps_its_key)
{
	struct request_opts o;
	char first[REQUEST_KEY_LEN + 1];

	request_opts_init(&o);
	cr_assert_eq(request_keep_key(&o, "POST"), 0);
	cr_assert(is_key(o.key), "%s", o.key);
	memcpy(first, o.key, sizeof first);
	cr_assert_eq(request_keep_key(&o, "POST"), 0);
	cr_assert_str_eq(o.key, first, "asking again keeps the key");
	request_opts_cleanup(&o);
	/* Another request gets another key. */
	cr_assert_eq(request_keep_key(&o, "POST"), 0);
	cr_assert_str_neq(o.key, first);
	request_opts_cleanup(&o);
}

Test(retry, only_posts_get_a_key)
{
	static const char *const methods[] = { "GET", "PATCH", "PUT", "DELETE" };
	struct request_opts o;

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		request_opts_init(&o);
		cr_assert_eq(request_keep_key(&o, methods[i]), 0);
		cr_assert_str_eq(o.key, "", "%s", methods[i]);
	}
}

Test(retry, post_retried_after_503_with_the_same_key)
{
	struct fake f = { .script = { { 0, 503, "", 0 }, { 0, 201, "", 0 } }, .nscript = 2 };
	struct request_opts o;
	long status;

	request_opts_init(&o);
	cr_assert_eq(exchange(&f, "POST", &o, &status), 0);
	cr_assert_eq(status, 201);
	cr_assert_eq(f.calls, 2);
	cr_assert_eq(o.attempts, 2);
	cr_assert(is_key(f.keys[0]), "first attempt sent a key: '%s'", f.keys[0]);
	cr_assert_str_eq(f.keys[1], f.keys[0], "the retry reuses the key");
	cr_assert_str_eq(o.key, f.keys[0]);
	cr_assert_eq(f.nslept, 1);
	cr_assert_eq(f.slept[0], REQUEST_BACKOFF_MS);
	cr_assert_str_eq(o.etag, "\"0123456789abcdef\"");
	request_opts_cleanup(&o);
}

Test(retry, at_most_three_attempts_with_one_key)
{
	struct fake f = {
		.script = { { CLI_TEMPFAIL, 0, "", 0 }, { 0, 429, "1", 0 }, { 0, 503, "", 0 } },
		.nscript = 3
	};
	struct request_opts o;
	long status;

	request_opts_init(&o);
	cr_assert_eq(exchange(&f, "POST", &o, &status), 0);
	cr_assert_eq(status, 503, "the last answer is reported");
	cr_assert_eq(f.calls, REQUEST_MAX_ATTEMPTS);
	cr_assert_str_eq(f.keys[1], f.keys[0]);
	cr_assert_str_eq(f.keys[2], f.keys[0]);
	cr_assert_eq(f.nslept, 2);
	cr_assert_eq(f.slept[0], REQUEST_BACKOFF_MS);
	cr_assert_eq(f.slept[1], 2 * REQUEST_BACKOFF_MS,
		     "Retry-After 1 s "
		     "is shorter than "
		     "the backoff");
	request_opts_cleanup(&o);
}

Test(retry, a_login_gets_no_key_and_no_second_attempt)
{
	struct fake f = { .script = { { 0, 503, "", 0 } }, .nscript = 1 };
	struct request_transport t = { fake_send, fake_sleep, &f, NULL, 1 };
	struct http_response resp;
	struct request_opts o;
	struct strbuf err;

	/* Without a token the server keeps no Idempotency-Key: repeating
	 * the POST could apply it twice. */
	request_opts_init(&o);
	strbuf_init(&err, 0);
	cr_assert_eq(request_exchange(&t, "POST", "/v1/sessions", NULL, &o, &resp, &err), 0);
	cr_assert_eq(resp.status, 503);
	cr_assert_eq(f.calls, 1);
	cr_assert_str_eq(f.keys[0], "");
	http_response_cleanup(&resp);
	strbuf_cleanup(&err);
	request_opts_cleanup(&o);
}

Test(retry, a_key_given_by_the_caller_is_sent)
{
	struct fake f = { .script = { { 0, 201, "", 0 } }, .nscript = 1 };
	struct request_opts o;
	long status;

	request_opts_init(&o);
	memcpy(o.key, "0123456789abcdef0123456789abcdef", REQUEST_KEY_LEN + 1);
	cr_assert_eq(exchange(&f, "POST", &o, &status), 0);
	cr_assert_str_eq(f.keys[0], "0123456789abcdef0123456789abcdef");
	request_opts_cleanup(&o);
}

Test(retry, transport_failure_reported_after_the_last_attempt)
{
	struct fake f = { .script = { { CLI_TEMPFAIL, 0, "", 0 },
				      { CLI_TEMPFAIL, 0, "", 0 },
				      { CLI_TEMPFAIL, 0, "", 0 } },
			  .nscript = 3 };
	struct request_opts o;
	long status;

	request_opts_init(&o);
	cr_assert_eq(exchange(&f, "GET", &o, &status), CLI_TEMPFAIL);
	cr_assert_eq(f.calls, 3);
	cr_assert_str_eq(f.keys[0], "", "a GET has no key");
	request_opts_cleanup(&o);
}

/* An import's batches: more attempts, longer Retry-After, and a 409 for
 * a key whose first attempt still runs is asked again (then replayed). */
Test(retry, a_patient_post_tries_six_times_doubling)
{
	struct fake f = { .script = { { CLI_TEMPFAIL, 0, "", 0 },
				      { CLI_TEMPFAIL, 0, "", 0 },
				      { 0, 503, "", 0 },
				      { 0, 409, "", 0 },
				      { CLI_TEMPFAIL, 0, "", 0 },
				      { 0, 201, "", 0 } },
			  .nscript = 6 };
	struct request_opts o;
	long status;

	request_opts_init(&o);
	o.patient = 1;
	cr_assert_eq(exchange(&f, "POST", &o, &status), 0);
	cr_assert_eq(status, 201);
	cr_assert_eq(f.calls, REQUEST_PATIENT_ATTEMPTS);
	for (int i = 1; i < f.calls; i++)
		cr_assert_str_eq(f.keys[i], f.keys[0], "attempt %d", i + 1);
	cr_assert_eq(f.nslept, 5);
	for (int i = 0; i < f.nslept; i++)
		cr_assert_eq(f.slept[i], REQUEST_BACKOFF_MS << i, "wait %d", i);
	request_opts_cleanup(&o);
}

Test(retry, a_patient_post_honours_a_long_retry_after)
{
	struct fake f = { .script = { { 0, 429, "30", 0 }, { 0, 201, "", 0 } }, .nscript = 2 };
	struct request_opts o;
	long status;

	request_opts_init(&o);
	o.patient = 1;
	cr_assert_eq(exchange(&f, "POST", &o, &status), 0);
	cr_assert_eq(status, 201);
	cr_assert_eq(f.nslept, 1);
	cr_assert_eq(f.slept[0], 30000L);
	request_opts_cleanup(&o);
}

Test(retry, a_patient_post_gives_up_after_six)
{
	struct fake f = { .nscript = 7 };
	struct request_opts o;
	long status;

	for (int i = 0; i < f.nscript; i++)
		f.script[i].rc = CLI_TEMPFAIL;
	request_opts_init(&o);
	o.patient = 1;
	cr_assert_eq(exchange(&f, "POST", &o, &status), CLI_TEMPFAIL);
	cr_assert_eq(f.calls, REQUEST_PATIENT_ATTEMPTS);
	request_opts_cleanup(&o);
}

struct noretry_case {
	char method[8];
	struct step first;
	char why[48];
};

ParameterizedTestParameters(retry, no_second_attempt)
{
	static struct noretry_case cases[] = {
		{ "PATCH", { 0, 503, "", 0 }, "an edit is not keyed" },
		{ "PUT", { CLI_TEMPFAIL, 0, "", 0 }, "nor a PUT" },
		{ "DELETE", { 0, 503, "", 0 }, "nor a DELETE" },
		{ "POST", { 0, 201, "", 0 }, "success" },
		{ "GET", { 0, 404, "", 0 }, "not found is final" },
		{ "GET", { 0, 500, "", 0 }, "an internal error is final" },
		{ "POST", { 0, 409, "", 0 }, "a conflict is final" },
		{ "POST", { 0, 422, "", 0 }, "validation is final" },
		{ "GET", { 0, 429, "60", 0 }, "a long Retry-After" },
		{ "POST", { CLI_ERROR, 0, "", 0 }, "a certificate problem" },
		{ "GET", { CLI_TEMPFAIL, 0, "", 10 }, "output already written" },
	};
	return cr_make_param_array(struct noretry_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct noretry_case *c, retry, no_second_attempt, table_none, table_none)
{
	struct fake f = { .nscript = 1 };
	struct request_opts o;
	long status;

	f.script[0] = c->first;
	request_opts_init(&o);
	(void)exchange(&f, c->method, &o, &status);
	cr_assert_eq(f.calls, 1, "%s: %s", c->method, c->why);
	cr_assert_eq(f.nslept, 0);
	request_opts_cleanup(&o);
}

Test(retry, accept_and_if_match_reach_the_transport)
{
	struct fake f = { .script = { { 0, 200, "", 0 } }, .nscript = 1 };
	struct request_opts o;
	long status;

	request_opts_init(&o);
	o.accept = "text/csv";
	o.if_match = "\"abc\"";
	cr_assert_eq(exchange(&f, "PATCH", &o, &status), 0);
	cr_assert_str_eq(f.accept[0], "text/csv");
	cr_assert_str_eq(f.if_match[0], "\"abc\"");
	cr_assert_str_eq(f.keys[0], "");
	request_opts_cleanup(&o);
}

struct etag_case {
	char in[40];
	char out[44];
};

ParameterizedTestParameters(retry, if_match_quoting)
{
	static struct etag_case cases[] = {
		{ "9f86d081884c7d65", "\"9f86d081884c7d65\"" },
		{ "\"9f86d081884c7d65\"", "\"9f86d081884c7d65\"" },
		{ "W/\"9f86\"", "W/\"9f86\"" },
		{ "*", "*" },
	};
	return cr_make_param_array(struct etag_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct etag_case *c, retry, if_match_quoting, table_none, table_none)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(request_quote_etag(&sb, c->in), 0);
	cr_assert_str_eq(sb.data, c->out);
	strbuf_cleanup(&sb);
}
