/*
 * Counts per client address (addrcount.h). A linear list: it holds one
 * entry per address with something open, a few hundred at most per worker.
 */
#include "addrcount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct addrcount {
	struct addrcount *next;
	char addr[48];
	int n;
};

int addrcount_get(const struct addrcount *list, const char *addr)
{
	for (const struct addrcount *a = list; a; a = a->next)
		if (strcmp(a->addr, addr) == 0)
			return a->n;
	return 0;
}

int addrcount_add(struct addrcount **list, const char *addr, int delta)
{
	struct addrcount **pp, *a;
	int n;

	for (pp = list; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->addr, addr) == 0)
			break;
	if (!*pp) {
		if (delta <= 0)
			return 0;
		a = calloc(1, sizeof *a);
		if (!a)
			return -1;
		snprintf(a->addr, sizeof a->addr, "%s", addr);
		a->next = *list;
		*list = a;
		pp = list;
	}
	a = *pp;
	a->n += delta;
	n = a->n;
	if (n <= 0) {
		*pp = a->next;
		free(a);
		n = 0;
	}
	return n;
}

void addrcount_free(struct addrcount **list)
{
	while (*list) {
		struct addrcount *a = *list;
		*list = a->next;
		free(a);
	}
}
