/*
 * The request field tables of daemon/h_*.c, for fuzz_json_body: the build
 * generates one file per handler that includes its source and lists its
 * tables (tests/fuzz/CMakeLists.txt).
 */
#ifndef SVK_FUZZ_TABLES_H
#define SVK_FUZZ_TABLES_H

#include <stddef.h>

#include "jsonfields.h"

struct fuzz_table {
	const char *name; /* "h_orgs.c:org_fields"; NULL ends a list */
	const struct jf_field *fields;
	size_t n;
};

/* Every handler's list, NULL-terminated. */
extern const struct fuzz_table *const fuzz_tables_all[];

#endif
