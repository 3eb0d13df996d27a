/*
 * An incident's refusals in Swedish: the API names a field ("place",
 * "items[3].category") and says in English what is wrong (jsonfields.c,
 * h_est.c, svk.incidents_create, and for an upload the import's own row
 * steps in common/importrow.c). A page shows the sentence in Swedish; one
 * not known here becomes a general Swedish sentence, never the English.
 */
#include <stdio.h>
#include <string.h>

#include "web_internal.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The member of "items[3].place" or "place" ("row" for "items[3]"). */
static const char *member_of(const char *field)
{
	const char *dot = field ? strrchr(field, '.') : NULL;

	if (dot)
		return dot + 1;
	if (field && starts(field, "items["))
		return "row";
	return field ? field : "";
}

const char *sv_incident_field(const char *field)
{
	static const char *const map[][2] = {
		{ "occurred_at", "tidpunkt" },
		{ "municipality", "kommun" },
		{ "place", "plats" },
		{ "category", "kategori" },
		{ "description", "beskrivning" },
		{ "latitude", "lat" },
		{ "longitude", "lon" },
		{ "external_id", "referens" },
		{ "source_organisation", "källa" },
		{ "row", "raden" },
	};
	const char *m = member_of(field);

	return WEB_WORD_OR(map, m, "raden");
}

static const char *required(const char *m)
{
	if (strcmp(m, "occurred_at") == 0)
		return "Fyll i när det hände.";
	if (strcmp(m, "municipality") == 0)
		return "Välj en kommun.";
	if (strcmp(m, "place") == 0)
		return "Fyll i platsen.";
	if (strcmp(m, "category") == 0)
		return "Välj en kategori.";
	return "Fyll i fältet.";
}

static const char *too_long(const char *m)
{
	if (strcmp(m, "place") == 0)
		return "Platsen får vara högst 200 tecken.";
	if (strcmp(m, "description") == 0)
		return "Beskrivningen får vara högst 2000 tecken.";
	if (strcmp(m, "external_id") == 0)
		return "Referensen får vara högst 200 tecken.";
	return "Texten är för lång.";
}

/* "unknown category 'Klotterx' — did you mean klotter (Klotter)?" */
static const char *unknown_category(const char *message, char *buf, size_t len)
{
	const char *open = strstr(message, "did you mean "), *name, *close;

	name = open ? strchr(open, '(') : NULL;
	close = name ? strrchr(name, ')') : NULL;
	if (!name || !close || close <= name + 1) {
		snprintf(buf, len, "Kategorin finns inte. Använd en kategori ur listan på sidan.");
		return buf;
	}
	snprintf(buf, len, "Kategorin finns inte. Menade du %.*s?", (int)(close - name - 1),
		 name + 1);
	return buf;
}

const char *sv_incident_error(const char *field, const char *message, char *buf, size_t len)
{
	const char *m = member_of(field);
	size_t n, want;

	if (!message)
		return "Värdet togs inte emot.";
	if (strcmp(message, "is required") == 0)
		return required(m);
	if (starts(message, "must be a time"))
		return "Skriv tidpunkten som datum och klockslag, till exempel 2026-12-04 18:30.";
	if (starts(message, "no such date"))
		return "Datumet finns inte.";
	if (starts(message, "must not be in the future"))
		return "Tidpunkten får inte ligga i framtiden.";
	if (starts(message, "must be in the year 2000"))
		return "Tidpunkten måste vara år 2000 eller senare.";
	if (strstr(message, "characters long"))
		return too_long(m);
	if (starts(message, "contains a personal identity number"))
		return "Texten innehåller ett personnummer eller samordningsnummer. En händelse "
		       "beskriver vad som hänt och var, aldrig personer: ta bort numret.";
	if (starts(message, "no municipality"))
		return "Kommunen finns inte.";
	if (starts(message, "no incident category"))
		return "Kategorin finns inte. Använd en kategori ur listan på sidan.";
	if (starts(message, "unknown category"))
		return unknown_category(message, buf, len);
	if (starts(message, "you report for ")) {
		snprintf(buf, len, "Du rapporterar bara för %.*s.",
			 (int)(strlen(message) - 15 - (strstr(message, " only") ? 5 : 0)),
			 message + 15);
		return buf;
	}
	if (starts(message, "must be a number") || starts(message, "not a number"))
		return "Skriv ett tal, till exempel 59,65.";
	if (starts(message, "must be from"))
		return strcmp(m, "latitude") == 0 ? "Latituden ligger mellan -90 och 90."
						  : "Longituden ligger mellan -180 och 180.";
	if (starts(message, "latitude and longitude"))
		return "Latitud och longitud anges tillsammans.";
	if (starts(message, "must be your own organisation"))
		return "Källan är alltid din egen organisation.";
	if (sscanf(message, "%zu cells where the header has %zu", &n, &want) == 2) {
		snprintf(buf, len, "Raden har %zu fält men rubrikraden har %zu.", n, want);
		return buf;
	}
	if (starts(message, "a quoted cell is not closed"))
		return "Ett citattecken stängs aldrig: resten av filen blev en del av fältet.";
	if (starts(message, "not valid UTF-8"))
		return "Texten är inte giltig UTF-8. Spara filen som UTF-8 och försök igen.";
	if (starts(message, "must not contain NUL"))
		return "Texten innehåller otillåtna tecken.";
	return "Värdet togs inte emot.";
}
