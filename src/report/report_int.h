/* SPDX-License-Identifier: Apache-2.0 */
/* report_int.h: helpers the renderers of src/report share (number and time formatting, the
 * timeline strip's buckets, the trend chart's scale). Internal: not part of report.h. */
#ifndef SW_REPORT_INT_H
#define SW_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "report/report.h"

/* The timeline strip is drawn as this many equal buckets across the period. */
#define RPT_STRIP_W 600
/* Room for any string the formatters below write. */
#define RPT_STR_LEN 48

/* One run of equal buckets [x0, x1) of the strip. */
struct rpt_run {
    int x0;
    int x1;
    enum sw_report_seg kind;
};

/* t in tz as "2026-10-05 12:15 +02:00" (seconds shown only when not zero); in UTC with
 * "+00:00" when tz is refused by the zone code. */
void rpt_local(const char *tz, int64_t t, char *out);
/* t in tz as ISO 8601 with the offset: "2026-10-01T00:00:00+02:00". */
void rpt_iso(const char *tz, int64_t t, char *out);
/* ppm as a percent, trailing zeros dropped: 999500 -> "99.95", 100000 -> "10". */
void rpt_ppm(uint32_t ppm, char *out);
/* A fraction as a percent truncated (never rounded up) to decimals (0..6) places:
 * 0.99939353 -> "99.939" (3); "n/a" when not finite. */
void rpt_pct_floor(double frac, int decimals, char *out);
/* A fraction as a percent rounded to decimals places; "inf" for +infinity (downtime against a
 * zero budget), "n/a" for NaN or -infinity. */
void rpt_pct_round(double frac, int decimals, char *out);
/* Seconds as minutes: "27" when whole, else with two decimals ("1.50"). */
void rpt_minutes(int64_t s, char *out);
/* Minor units (cents) as "1234.56"; "-" when negative (unknown). */
void rpt_money(int64_t minor, char *out);
/* The strip of s over [from, to): every bucket takes the most severe kind that touches it
 * (down > unknown > degraded > maintenance > up > none), so that a one-minute outage stays
 * visible; equal neighbours are merged. runs holds RPT_STRIP_W entries; returns how many
 * were written (>= 1). O(n_segments + RPT_STRIP_W). */
size_t rpt_strip(const struct sw_report_service *s, int64_t from, int64_t to, struct rpt_run *runs);
/* The trend chart's lower bound in percent: the largest of 99.9, 99.5, 99, 98, 95, 90, 80, 50,
 * 0 below the target and every defined month. */
double rpt_trend_floor(const struct sw_report_service *s);
/* Local midnights of the report's month inside the period: their position (0..1 across the
 * period) and day of month. Returns how many (<= max). */
size_t rpt_day_ticks(const struct sw_report *r, double *ret_pos, int *ret_day, size_t max);
const char *rpt_month_name(int month);           /* "October"; "?" out of range */
const char *rpt_month_abbr(int month);           /* "Oct" */
const char *rpt_kind_name(enum sw_report_seg k); /* "up", "degraded", "down", ... */
/* Services whose objective is met, and the number of services with data (defined). */
size_t rpt_count_met(const struct sw_report *r, size_t *ret_defined);
/* The display text of s->met: "met", "missed" or "n/a" (no eligible time). */
const char *rpt_met_word(const struct sw_report_service *s);

#endif
