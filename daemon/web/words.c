/*
 * The product's words in Swedish: the API speaks English codes (kinds,
 * statuses, verdicts) and English refusals (policy.c's sentences, the
 * decision's messages from sql/functions/proposals.sql); a page shows
 * them in Swedish. A sentence not in these tables is shown as a general
 * Swedish one, never as the English text.
 */
#include <stdio.h>
#include <string.h>

#include "web_internal.h"

const char *web_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *web_word_or(const char *const map[][2], size_t n, const char *key,
			const char *otherwise)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(map[i][0], key) == 0)
			return map[i][1];
	return otherwise;
}

#define LOOKUP(map, code) WEB_WORD_OR(map, code, code)

const char *sv_kind(const char *kind)
{
	static const char *const map[][2] = {
		{ "prioritisation", "Prioritering" },
		{ "action_plan", "Åtgärdsplan" },
		{ "follow_up", "Uppföljning" },
		{ "extension", "Förlängning" },
	};
	return LOOKUP(map, kind);
}

const char *sv_proposal_status(const char *status)
{
	static const char *const map[][2] = {
		{ "draft", "Utkast" },         { "submitted", "Väntar på beslut" },
		{ "approved", "Godkänt" },     { "rejected", "Avslaget" },
		{ "withdrawn", "Återkallat" },
	};
	return LOOKUP(map, status);
}

const char *sv_intervention_status(const char *status)
{
	static const char *const map[][2] = {
		{ "planned", "Planerad" },
		{ "ongoing", "Pågående" },
		{ "done", "Genomförd" },
		{ "cancelled", "Avbruten" },
	};
	return LOOKUP(map, status);
}

const char *sv_rag(const char *rag)
{
	static const char *const map[][2] = {
		{ "green", "Grön" },
		{ "yellow", "Gul" },
		{ "red", "Röd" },
	};
	return LOOKUP(map, rag);
}

const char *sv_plan_status(const char *status)
{
	static const char *const map[][2] = {
		{ "draft", "Utkast" },
		{ "adopted", "Antagen" },
	};
	return LOOKUP(map, status);
}

const char *sv_verdict(const char *verdict)
{
	static const char *const map[][2] = {
		{ "approve", "Godkänt" },
		{ "reject", "Avslaget" },
		{ "return", "Återremitterat" },
	};
	return LOOKUP(map, verdict);
}

/* The refusals a decision can meet, by the beginning of their English
 * sentence (policy.c's WHY_DECIDE*, proposal_decide and proposal_apply). */
static const char *const refusals[][2] = {
	{ "the admin right does not include deciding",
	  "Administratörsrätten ger inte rätt att besluta. Bara styrgruppens beslutsfattare "
	  "beslutar om förslag." },
	{ "requires a decision-maker of the styrgrupp",
	  "Bara styrgruppens beslutsfattare kan besluta om förslag." },
	{ "the organisation is not a party to the agreement",
	  "Din organisation är inte part i avtalet och beslutar inte om förslag." },
	{ "requires a decision-maker of the deciding organisation",
	  "Du kan bara besluta för din egen organisation." },
	{ "your organisation is not affected by this proposal",
	  "Din organisation berörs inte av förslaget och beslutar inte om det." },
	{ "your organisation has already decided in this round",
	  "Din organisation har redan beslutat om förslaget i den här omgången. Beslutet "
	  "står i tabellen ovan." },
	{ "the action plan is already adopted",
	  "Åtgärdsplanen är redan antagen, så förslaget kan inte längre få verkan." },
	{ "the follow-up of ",
	  "Uppföljningen för året är redan antagen, så förslaget kan inte längre få verkan." },
	{ "the agreement's end moved",
	  "Avtalets slutdatum har ändrats sedan förslaget lämnades in, så förlängningen kan "
	  "inte längre genomföras." },
};

const char *sv_refusal(const char *english)
{
	/* "the proposal is approved; only a submitted proposal is decided" */
	static const char *const closed[][2] = {
		{ "the proposal is draft;",
		  "Förslaget har återremitterats och är ett utkast igen. Det kan beslutas först "
		  "när det har lämnats in på nytt." },
		{ "the proposal is approved;",
		  "Förslaget är redan godkänt och kan inte längre beslutas." },
		{ "the proposal is rejected;",
		  "Förslaget är avslaget och kan inte längre beslutas." },
		{ "the proposal is withdrawn;",
		  "Förslaget har återkallats och kan inte längre beslutas." },
	};

	for (size_t i = 0; english && i < sizeof refusals / sizeof refusals[0]; i++)
		if (strncmp(english, refusals[i][0], strlen(refusals[i][0])) == 0)
			return refusals[i][1];
	for (size_t i = 0; english && i < sizeof closed / sizeof closed[0]; i++)
		if (strncmp(english, closed[i][0], strlen(closed[i][0])) == 0)
			return closed[i][1];
	return "Beslutet kunde inte registreras.";
}

void html_amount(struct html *h, json_t *v)
{
	char n[48];
	double d = json_number_value(v);

	if (json_is_integer(v))
		snprintf(n, sizeof n, "%lld", (long long)json_integer_value(v));
	else
		snprintf(n, sizeof n, "%.10g", d);
	for (char *c = n; *c; c++)
		if (*c == '.')
			*c = ',';
	html_txt(h, n);
}
