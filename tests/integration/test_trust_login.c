/*
 * Login throttling holds under concurrency (the security review's item 9):
 * an attempt is counted before its password is checked, so wrong passwords
 * sent all at once for one username reach the check no more often than the
 * limit allows; the rest are answered 429 without the slow hash. And the
 * password checks waiting for the hashing threads are bounded per address.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ATTEMPTS 300

static struct env e;

ENV_FINI(stop, e)
/* 300 connections at once from one address: no per-address cap here. */
ENV_INIT(start, e, &(struct env_opts){ .extra_ini = "[server]\nmax_connections_per_address = 0" })
/* Checks that take a while, as in production, so that logins sent at once
 * overlap (the harness's default makes a check almost free). */
ENV_INIT(start_one_check_per_address, e,
	 &(struct env_opts){ .extra_ini = "[auth]\nargon2_queue_per_address = 1\n"
					  "argon2_mem_kib = 8192" })

TestSuite(trust_login, .fini = stop, .timeout = 240);

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* Sends n POST /v1/sessions with bodies[i] at once (one connection each);
 * status[i] is the answer's status, retry[i] whether it had Retry-After. */
static void logins_at_once(int n, const char *const *bodies, long *status, bool *retry)
{
	const char *url = strf(&e, "%s/v1/sessions", e.base_url);
	CURL **h = calloc((size_t)n, sizeof *h);
	CURLM *m = curl_multi_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	int running = 0;

	cr_assert(h && m && hdr, "out of memory");
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
	for (int i = 0; i < n; i++) {
		h[i] = curl_easy_init();
		cr_assert(h[i], "curl_easy_init");
		curl_easy_setopt(h[i], CURLOPT_URL, url);
		curl_easy_setopt(h[i], CURLOPT_CAINFO, e.cacert);
		curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, bodies[i]);
		curl_easy_setopt(h[i], CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(h[i], CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 120L);
		cr_assert_eq(curl_multi_add_handle(m, h[i]), CURLM_OK);
	}
	do {
		cr_assert_eq(curl_multi_perform(m, &running), CURLM_OK);
		if (running)
			cr_assert_eq(curl_multi_poll(m, NULL, 0, 1000, NULL), CURLM_OK);
	} while (running);
	for (int i = 0; i < n; i++) {
		struct curl_header *ra = NULL;

		status[i] = 0;
		curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &status[i]);
		if (retry)
			retry[i] = curl_easy_header(h[i], "Retry-After", 0, CURLH_HEADER, -1,
						    &ra) == CURLHE_OK;
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
	}
	curl_multi_cleanup(m);
	curl_slist_free_all(hdr);
	free(h);
}

Test(trust_login, wrong_passwords_sent_at_once_reach_the_check_at_most_the_limit, .init = start)
{
	static const char body[] =
	    "{\"username\":\"kalle.svensson\",\"password\":\"fel-losenord-1\"}";
	const char **bodies = calloc(ATTEMPTS, sizeof *bodies);
	long *status = calloc(ATTEMPTS, sizeof *status);
	long by_status[600] = { 0 }, not_throttled = 0;

	cr_assert(bodies && status, "out of memory");
	user_create(&e, "kalle.svensson", "sigtuna");
	for (int i = 0; i < ATTEMPTS; i++)
		bodies[i] = body;
	logins_at_once(ATTEMPTS, bodies, status, NULL);
	for (int i = 0; i < ATTEMPTS; i++) {
		if (status[i] >= 0 && status[i] < 600)
			by_status[status[i]]++;
		if (status[i] != 429)
			not_throttled++;
	}
	free(bodies);
	free(status);
	fprintf(stderr, "%d concurrent wrong logins: %ld x 401, %ld x 429, %ld other\n", ATTEMPTS,
		by_status[401], by_status[429], ATTEMPTS - by_status[401] - by_status[429]);
	cr_expect_eq(by_status[401] + by_status[429], ATTEMPTS,
		     "answers other than 401 and 429: %ld × 503, %ld without an answer",
		     by_status[503], by_status[0]);
	cr_expect_leq(not_throttled, 5, "%ld of %d attempts reached the password check",
		      not_throttled, ATTEMPTS);
	cr_expect_geq(by_status[401], 1, "no attempt was checked at all");
}

Test(trust_login, password_checks_from_one_address_wait_one_at_a_time_the_rest_get_503,
     .init = start_one_check_per_address)
{
	enum { USERS = 24 };
	const char *bodies[USERS], *first = NULL;
	long status[USERS], ok = 0, busy = 0;
	bool retry[USERS];

	for (int i = 0; i < USERS; i++) {
		const char *name = strf(&e, "anvandare.%02d", i);
		const char *pw = user_create(&e, name, "sigtuna");
		first = first ? first : pw;
		bodies[i] = jsonf(&e, "{s:s, s:s}", "username", name, "password", pw);
	}
	logins_at_once(USERS, bodies, status, retry);
	for (int i = 0; i < USERS; i++) {
		if (status[i] == 201) {
			ok++;
		} else {
			cr_expect_eq(status[i], 503, "login %d: %ld", i, status[i]);
			cr_expect(retry[i], "login %d: 503 without Retry-After", i);
			busy++;
		}
	}
	fprintf(stderr,
		"%d correct logins at once from one address, one check at a time: "
		"%ld x 201, %ld x 503\n",
		USERS, ok, busy);
	cr_expect_geq(ok, 1, "no login got through");
	cr_expect_geq(busy, 1, "the per-address bound never applied");
	/* Once the checks are done, the address is free again. */
	cr_expect_str_neq(login(&e, "anvandare.00", first), "");
}
