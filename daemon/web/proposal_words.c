/*
 * The proposal form's errors in Swedish: the API's field errors
 * (proposal_body_errors, and svk.proposal_create/_patch's by column) by
 * the field they name, and the refusals of svk.proposal_create, _patch,
 * _submit and _withdraw by the beginning of their English sentence. A
 * sentence not here is shown as a general Swedish one.
 */
#include <stdio.h>
#include <string.h>

#include "web_internal.h"

const char *sv_proposal_error(const char *field, const char *message)
{
	static const char *const line_errors[][2] = {
		{ ".organisation", "Välj organisationen som åtar sig raden." },
		{ ".description", "Beskriv åtagandet (högst 1000 tecken)." },
		{ ".amount", "Ange omfattningen som ett tal, 0 eller mer, t.ex. 2 eller 1,5." },
		{ ".unit", "Ange enheten, t.ex. kr, tjänster eller timmar (högst 50 tecken)." },
	};
	static const char *const errors[][2] = {
		{ "kind", "Välj vilken sorts förslag det är." },
		{ "agreement", "Välj avtalet som förslaget gäller." },
		{ "title", "Ange en titel, högst 300 tecken." },
		{ "proposal_text", "Texten är för lång: den får vara högst 20 000 tecken." },
		{ "background", "Texten är för lång: den får vara högst 20 000 tecken." },
		{ "focus_area", "Välj ett av avtalets fokusområden, eller inget." },
		{ "action_plan", "Välj åtgärdsplanen som ska antas; den ska höra till avtalet." },
		{ "follow_up_year", "Ange ett år inom avtalets period, med fyra siffror." },
		{ "extension_years", "Välj hur många år avtalet ska förlängas: 1–4." },
		{ "resources",
		  "Ett prioriteringsförslag behöver minst en resursrad: vad varje organisation "
		  "åtar sig." },
	};
	const char *dot = field && strncmp(field, "resources[", 10) == 0 ? strrchr(field, '.')
									 : NULL;
	const char *text = WEB_WORD(line_errors, dot);

	(void)message;
	return text ? text
		    : WEB_WORD_OR(errors, field, "Värdet kan inte sparas. Kontrollera fältet.");
}

const char *sv_proposal_refusal(const char *english)
{
	static const char *const refusals[][2] = {
		{ "version ",
		  "Åtgärdsplanen är redan antagen. Börja på planens nästa version och föreslå "
		  "den i stället." },
		{ "the follow-up of ",
		  "Uppföljningen för året är redan antagen; det finns inget kvar att besluta." },
		{ "the agreement's end moved",
		  "Avtalets slutdatum har ändrats sedan förslaget skrevs, så förlängningen kan "
		  "inte längre få verkan. Dra tillbaka förslaget och skriv ett nytt." },
		{ "proposal ",
		  "Ett annat förslag om samma sak väntar redan på styrgruppens beslut. Det måste "
		  "beslutas eller dras tillbaka först." },
		{ "a prioritisation needs at least one resource line",
		  "Ett prioriteringsförslag behöver minst en resursrad innan det kan lämnas in: "
		  "vad varje organisation åtar sig. Redigera förslaget och lägg till raderna." },
		{ "no party of the agreement is affected",
		  "Ingen av avtalets parter berörs av förslaget, så ingen kan besluta om det. "
		  "Resursraderna ska nämna minst en part." },
		{ "the proposal is draft; only a draft", "Förslaget är redan ett utkast." },
	};
	static const char *const states[][2] = {
		{ "submitted", "Förslaget är redan inlämnat och väntar på beslut." },
		{ "approved", "Förslaget är redan godkänt." },
		{ "rejected", "Förslaget är avslaget." },
		{ "withdrawn", "Förslaget är redan tillbakadraget." },
	};
	const char *tail = NULL;

	for (size_t i = 0; english && i < sizeof refusals / sizeof refusals[0]; i++)
		if (strncmp(english, refusals[i][0], strlen(refusals[i][0])) == 0)
			return refusals[i][1];
	/* "the proposal is approved; only a draft can be submitted" and
	 * "the proposal is approved and can no longer be withdrawn" */
	if (english && strncmp(english, "the proposal is ", 16) == 0)
		for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
			if (strncmp(english + 16, states[i][0], strlen(states[i][0])) == 0)
				tail = states[i][1];
	if (tail && strstr(english, "edited"))
		return strcmp(tail, states[0][1]) == 0
			   ? "Förslaget är inlämnat och kan inte ändras. Dra tillbaka det, eller "
			     "låt det återremitteras, för att ändra det."
			   : "Förslaget är avgjort och kan inte längre ändras.";
	if (tail && strstr(english, "can no longer be withdrawn") &&
	    strncmp(english + 16, "withdrawn", 9) != 0)
		return "Förslaget är avgjort och kan inte längre dras tillbaka.";
	if (tail)
		return tail;
	return "Förslaget kunde inte sparas.";
}
