/* SPDX-License-Identifier: Apache-2.0 */
/* report.h: the monthly customer report, rendered from a plain model the caller fills (the
 * numbers come from src/sla; this part only lays them out). HTML opens offline (inline CSS
 * and SVG, no external request) and prints on A4; PDF is drawn natively with cairo; CSV and
 * JSON carry the same numbers for machines. Pure: no clock, no database. */
#ifndef SW_REPORT_H
#define SW_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* One piece of a service's month for the timeline strip. */
enum sw_report_seg {
    SW_SEG_UP = 0,
    SW_SEG_DEGRADED = 1, /* WARNING counted as up */
    SW_SEG_DOWN = 2,
    SW_SEG_UNKNOWN = 3,     /* no data: the daemon was not running or no result */
    SW_SEG_MAINTENANCE = 4, /* excluded maintenance */
    SW_SEG_NONE = 5,        /* not counted: before the service existed, or not yet elapsed */
};

struct sw_report_segment {
    int64_t start; /* s, UTC */
    int64_t end;
    enum sw_report_seg kind;
};

/* One month of the 12-month trend (oldest first). */
struct sw_report_trend {
    int year;
    int month;           /* 1..12 */
    bool defined;        /* false: no eligible time that month */
    double availability; /* fraction */
};

struct sw_report_service {
    const char *id;   /* "fra1/identity" */
    const char *name; /* display name */
    uint32_t target_ppm;
    bool defined;        /* false when eligible time is 0: availability "n/a" */
    double availability; /* fraction, e.g. 0.99939353 */
    bool met;
    int64_t eligible_s;
    int64_t downtime_s;
    int64_t maintenance_s;
    int64_t unknown_s;
    int64_t budget_s;
    double budget_used;                       /* fraction of the budget used; may exceed 1 */
    uint32_t credit_ppm;                      /* 0 when none; 100000 = 10 % */
    const struct sw_report_segment *segments; /* covering the period, in order */
    size_t n_segments;
    const struct sw_report_trend *trend; /* 12 entries, oldest first; may be NULL */
    size_t n_trend;
};

/* An outage or a maintenance window, listed with times in the customer's time zone. */
struct sw_report_event {
    const char *service; /* "fra1/identity", or the scope for maintenance */
    int64_t start;
    int64_t end;
    int64_t seconds;
    const char *note; /* "in maintenance", the maintenance reason, ...; may be NULL */
};

struct sw_report {
    const char *customer_id;
    const char *customer_name;
    const char *contract_id;
    const char *timezone; /* IANA; times are shown in it with their UTC offset */
    int year;
    int month;            /* 1..12 */
    int64_t period_start; /* UTC */
    int64_t period_end;
    int64_t generated_at; /* UTC; passed in, never read from a clock */
    const char *policy;   /* the accounting rules in one or two sentences */
    const struct sw_report_service *services;
    size_t n_services;
    const struct sw_report_event *outages;
    size_t n_outages;
    const struct sw_report_event *maintenance;
    size_t n_maintenance;
    uint32_t credit_ppm;  /* the customer's credit for the month (the largest tier owed) */
    int64_t fee_minor;    /* monthly fee in minor units (cents); -1 when unknown */
    const char *currency; /* "EUR"; NULL when unknown */
    int64_t credit_minor; /* credit owed in minor units; -1 when the fee is unknown */
};

/* Caps: a model past them is refused by sw_report_check(). The HTML and PDF list at most
 * SW_REPORT_EVENTS_SHOWN outages and as many maintenance windows, then say how many more there
 * are (CSV and JSON are for machines: JSON lists all). */
#define SW_REPORT_SERVICES_MAX 10000
#define SW_REPORT_SEGMENTS_MAX 1000000 /* per service */
#define SW_REPORT_TREND_MAX 24
#define SW_REPORT_EVENTS_MAX 100000 /* per list */
#define SW_REPORT_EVENTS_SHOWN 1000
#define SW_REPORT_TEXT_MAX 4096 /* bytes, any one string; the policy may be 16 times that */

/* Checks a model before rendering: customer_id, contract_id, every service id and event
 * service non-NULL, non-empty (names and notes may be NULL) and valid UTF-8 text within
 * SW_REPORT_TEXT_MAX; timezone accepted by sw_tz_valid(); year 1..9998, month 1..12;
 * period_start < period_end; targets and credits <= 1,000,000 ppm; segments with
 * start < end, in order, not overlapping, kinds known; trend months 1..12; events with
 * start <= end; fee_minor and credit_minor both -1 or both >= 0 and a currency of 3
 * upper-case letters with a known fee; the caps above. Returns 0, or -EINVAL with the first
 * problem in err (appended, one line, no newline). The renderers below expect a model that
 * passed: given one that did not, they do not crash, but the output is unspecified. */
int sw_report_check(const struct sw_report *r, struct sw_buf *err);

/* Each appends the whole document to out. */
void sw_report_html(const struct sw_report *r, struct sw_buf *out);
void sw_report_csv(const struct sw_report *r, struct sw_buf *out);
void sw_report_json(const struct sw_report *r, struct sw_buf *out);
/* Writes a PDF (A4 portrait, as many pages as needed) to path. Checks the model first
 * (sw_report_check(): -EINVAL with the reason in err). Returns 0, or -EIO with a reason in
 * err when the file cannot be written (nothing is left at path then). */
int sw_report_pdf(const struct sw_report *r, const char *path, struct sw_buf *err);

#endif
