/*
 * A named piece of SQL carried inside the binary (see tools/sqlembed.c).
 */
#ifndef SVK_SQLTEXT_H
#define SVK_SQLTEXT_H

#include <stddef.h>

struct sql_text {
	const char *name;
	const char *text;
};

#endif
