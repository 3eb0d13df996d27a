/*
 * Swedish time (Europe/Stockholm) without the zone database: the days
 * and years people mean, whatever TZ the process runs under and whether
 * or not tzdata is installed. PostgreSQL's svk.today() follows the same
 * rule for every date the system holds, so the daemon, the client and
 * the database agree on what "today" and "this year" are.
 */
#ifndef SVK_SWEZONE_H
#define SVK_SWEZONE_H

#include <time.h>

#include "isoweek.h"

/*
 * The offset from UTC of Swedish time at t, in seconds: 3600 (CET), or
 * 7200 (CEST) from 01:00 UTC on the last Sunday of March to 01:00 UTC on
 * the last Sunday of October, the EU's rule that Sweden has followed
 * since 1996 (incidents are from 2000 on).
 */
long swezone_offset(time_t t);

/* The Swedish calendar date at t ({0, 0, 0} if t is out of range). */
struct isodate swezone_date(time_t t);

#endif
