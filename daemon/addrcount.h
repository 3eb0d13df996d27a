/*
 * Counts per client address (open connections, waiting password checks):
 * a list owned by one worker, so no locking. An address whose count falls
 * to 0 is forgotten.
 */
#ifndef SVK_ADDRCOUNT_H
#define SVK_ADDRCOUNT_H

struct addrcount;

/* Adds delta to addr's count and returns the new count; -1 when out of
 * memory (nothing is counted). */
int addrcount_add(struct addrcount **list, const char *addr, int delta);

/* addr's count (0 when it has none). */
int addrcount_get(const struct addrcount *list, const char *addr);

void addrcount_free(struct addrcount **list);

#endif
