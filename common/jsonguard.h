/*
 * The privacy guard applied to a whole request body (SPEC §6): every string
 * and every number in a JSON value is checked for a personnummer, so a
 * handler cannot forget a free-text field, a number sent where a text is
 * expected is caught too, and the refusal can name the field.
 */
#ifndef SVK_JSONGUARD_H
#define SVK_JSONGUARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Walks value recursively (object members in order, array items) and
 * returns true for the first string, or number (the digits of its whole
 * part, see jsonguard.c), that contains a personnummer or
 * samordningsnummer (pnr_find). Its field path is then written to path
 * (pathlen bytes, NUL-terminated, truncated when too small), e.g.
 * "description", "items[3].place", "resources[0].description"; "" when
 * value itself is the string, "[2]" for an item of a top-level array.
 * path may be NULL. Object keys, booleans and null are not checked.
 * Returns false when nothing was found (path is then "" if given).
 * A value nested deeper than jansson's parser allows is refused (true)
 * rather than left unchecked.
 */
bool jsonguard_find_pnr(const json_t *value, char *path, size_t pathlen);

#endif
