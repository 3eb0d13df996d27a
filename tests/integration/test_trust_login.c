/*
 * Login throttling holds under concurrency (the security review's item 9):
 * an attempt is counted before its password is checked, so wrong passwords
 * sent all at once for one username reach the check no more often than the
 * limit allows; the rest are answered 429 without the slow hash.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ATTEMPTS 300

static struct env e;

ENV_SUITE(trust_login, e, .timeout = 240);

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

Test(trust_login, wrong_passwords_sent_at_once_reach_the_check_at_most_the_limit)
{
	static const char body[] =
	    "{\"username\":\"kalle.svensson\",\"password\":\"fel-losenord-1\"}";
	const char *url = strf(&e, "%s/v1/sessions", e.base_url);
	CURL **h = calloc(ATTEMPTS, sizeof *h);
	CURLM *m = curl_multi_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	long by_status[600] = { 0 }, not_throttled = 0;
	int running = 0;

	cr_assert(h && m && hdr, "out of memory");
	user_create(&e, "kalle.svensson", "sigtuna");
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
	for (int i = 0; i < ATTEMPTS; i++) {
		h[i] = curl_easy_init();
		cr_assert(h[i], "curl_easy_init");
		curl_easy_setopt(h[i], CURLOPT_URL, url);
		curl_easy_setopt(h[i], CURLOPT_CAINFO, e.cacert);
		curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, body);
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
	for (int i = 0; i < ATTEMPTS; i++) {
		long status = 0;

		curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &status);
		if (status >= 0 && status < 600)
			by_status[status]++;
		if (status != 429)
			not_throttled++;
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
	}
	curl_multi_cleanup(m);
	curl_slist_free_all(hdr);
	free(h);
	fprintf(stderr, "%d concurrent wrong logins: %ld x 401, %ld x 429, %ld other\n", ATTEMPTS,
		by_status[401], by_status[429], ATTEMPTS - by_status[401] - by_status[429]);
	cr_expect_eq(by_status[401] + by_status[429], ATTEMPTS,
		     "answers other than 401 and 429: %ld × 503, %ld without an answer",
		     by_status[503], by_status[0]);
	cr_expect_leq(not_throttled, 5, "%ld of %d attempts reached the password check",
		      not_throttled, ATTEMPTS);
	cr_expect_geq(by_status[401], 1, "no attempt was checked at all");
}
