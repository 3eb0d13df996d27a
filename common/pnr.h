/*
 * The privacy guard (SPEC §6): finds Swedish personal identity numbers
 * (personnummer) and coordination numbers (samordningsnummer, day + 60)
 * anywhere in a text, with or without century, with or without a separator
 * (`-`, `+`, a space, a Unicode dash or space: see pnr.c), when the Luhn
 * check digit is valid and the date is a real one. Look-alikes (phone
 * numbers, ISO dates, runs of digits longer than a number, such as order
 * and case numbers) do not match.
 */
#ifndef SVK_PNR_H
#define SVK_PNR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when text (len bytes, UTF-8, need not be NUL-terminated) contains a
 * personnummer or samordningsnummer. When found and at/at_len are non-NULL,
 * they receive the byte offset and length of the first match.
 */
bool pnr_find(const char *text, size_t len, size_t *at, size_t *at_len);

#endif
