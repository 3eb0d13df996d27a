/*
 * Appended to the fuzz build's copy of daemon/h_est.c (tests/fuzz/
 * CMakeLists.txt): the check each incident of POST /v1/incidents gets,
 * a batch's item or the single body, for fuzz_json_body.
 */
int fuzz_incident_check(const json_t *item, const char *prefix, json_t *errs);

int fuzz_incident_check(const json_t *item, const char *prefix, json_t *errs)
{
	static const struct policy_actor actor = {
		.authenticated = true,
		.active = true,
		.organisation = "sigtuna",
		.organisation_party = true,
	};

	return check_item(item, prefix, &actor, errs);
}
