/* SPDX-License-Identifier: Apache-2.0 */
/* report.c: the model check, the formatting helpers every renderer shares (report_int.h), and
 * the two machine formats, CSV and JSON. HTML is in html.c, PDF in pdf.c. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "report/report.h"
#include "report/report_int.h"

/* ---- formatting helpers ---- */

static void local_tm(const char *tz, int64_t t, struct tm *tm)
{
    time_t tt = (time_t)t;

    if (sw_tz_from_utc(tz, t, tm) < 0) {
        memset(tm, 0, sizeof(*tm));
        gmtime_r(&tt, tm);
        tm->tm_gmtoff = 0;
    }
}

static void offset_str(long off, char *out)
{
    char sign = off < 0 ? '-' : '+';

    if (off < 0) {
        off = -off;
    }
    snprintf(out, 8, "%c%02ld:%02ld", sign, (off / 3600) % 100, (off / 60) % 60);
}

void rpt_local(const char *tz, int64_t t, char *out)
{
    struct tm tm;
    char off[8];

    local_tm(tz, t, &tm);
    offset_str(tm.tm_gmtoff, off);
    if (tm.tm_sec != 0) {
        snprintf(out, RPT_STR_LEN, "%04d-%02d-%02d %02d:%02d:%02d %s", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off);
    } else {
        snprintf(out, RPT_STR_LEN, "%04d-%02d-%02d %02d:%02d %s", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, off);
    }
}

void rpt_iso(const char *tz, int64_t t, char *out)
{
    struct tm tm;
    char off[8];

    local_tm(tz, t, &tm);
    offset_str(tm.tm_gmtoff, off);
    snprintf(out, RPT_STR_LEN, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off);
}

void rpt_ppm(uint32_t ppm, char *out)
{
    unsigned whole = ppm / 10000, frac = ppm % 10000;
    int digits = 4;

    if (frac == 0) {
        snprintf(out, RPT_STR_LEN, "%u", whole);
        return;
    }
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    snprintf(out, RPT_STR_LEN, "%u.%0*u", whole, digits, frac);
}

static const int64_t pow10s[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

static void fixed(int64_t n, int decimals, char *out)
{
    int64_t p = pow10s[decimals];
    const char *sign = n < 0 ? "-" : "";

    if (n < 0) {
        n = -n;
    }
    if (decimals == 0) {
        snprintf(out, RPT_STR_LEN, "%s%" PRId64, sign, n);
    } else {
        snprintf(out, RPT_STR_LEN, "%s%" PRId64 ".%0*" PRId64, sign, n / p, decimals, n % p);
    }
}

void rpt_pct_floor(double frac, int decimals, char *out)
{
    double v;

    if (!isfinite(frac) || fabs(frac) > 1e9 || decimals < 0 || decimals > 6) {
        snprintf(out, RPT_STR_LEN, "n/a");
        return;
    }
    /* The product carries a rounding error of about 1e-8 units at 6 decimals; a fraction
     * p/q just under a boundary is at least 1/q units below it (q = eligible seconds, 3.7e-7
     * for a month). 5e-8 lies between, so an exact boundary is not pushed down a digit. */
    v = floor(frac * 100.0 * (double)pow10s[decimals] + 5e-8);
    fixed((int64_t)v, decimals, out);
}

void rpt_pct_round(double frac, int decimals, char *out)
{
    if (isinf(frac) && frac > 0) {
        snprintf(out, RPT_STR_LEN, "inf");
        return;
    }
    if (!isfinite(frac) || fabs(frac) > 1e9 || decimals < 0 || decimals > 6) {
        snprintf(out, RPT_STR_LEN, "n/a");
        return;
    }
    fixed((int64_t)llround(frac * 100.0 * (double)pow10s[decimals]), decimals, out);
}

void rpt_minutes(int64_t s, char *out)
{
    if (s % 60 == 0) {
        snprintf(out, RPT_STR_LEN, "%" PRId64, s / 60);
    } else {
        /* hundredths of a minute, rounded half up (non-negative s) */
        fixed((s * 100 + 30) / 60, 2, out);
    }
}

void rpt_money(int64_t minor, char *out)
{
    if (minor < 0) {
        snprintf(out, RPT_STR_LEN, "-");
        return;
    }
    fixed(minor, 2, out);
}

static int severity(enum sw_report_seg k)
{
    switch (k) {
    case SW_SEG_DOWN:
        return 6;
    case SW_SEG_UNKNOWN:
        return 5;
    case SW_SEG_DEGRADED:
        return 4;
    case SW_SEG_MAINTENANCE:
        return 3;
    case SW_SEG_UP:
        return 2;
    case SW_SEG_NONE:
        return 1;
    }
    return 0;
}

size_t rpt_strip(const struct sw_report_service *s, int64_t from, int64_t to, struct rpt_run *runs)
{
    enum sw_report_seg b[RPT_STRIP_W];
    int64_t span = to - from;
    size_t n = 0;

    for (int i = 0; i < RPT_STRIP_W; i++) {
        b[i] = SW_SEG_NONE;
    }
    for (size_t i = 0; span > 0 && i < s->n_segments; i++) {
        const struct sw_report_segment *g = &s->segments[i];
        int64_t a = g->start < from ? from : g->start;
        int64_t e = g->end > to ? to : g->end;
        int64_t x0, x1;

        if (e <= a || severity(g->kind) == 0) {
            continue;
        }
        /* buckets [x0, x1) that [a, e) touches */
        x0 = (a - from) * RPT_STRIP_W / span;
        x1 = ((e - from) * RPT_STRIP_W + span - 1) / span;
        for (int64_t x = x0; x < x1 && x < RPT_STRIP_W; x++) {
            if (severity(g->kind) > severity(b[x])) {
                b[x] = g->kind;
            }
        }
    }
    for (int x = 0; x < RPT_STRIP_W; x++) {
        if (n > 0 && runs[n - 1].kind == b[x]) {
            runs[n - 1].x1 = x + 1;
        } else {
            runs[n++] = (struct rpt_run){.x0 = x, .x1 = x + 1, .kind = b[x]};
        }
    }
    return n;
}

double rpt_trend_floor(const struct sw_report_service *s)
{
    static const double floors[] = {99.9, 99.5, 99.0, 98.0, 95.0, 90.0, 80.0, 50.0};
    double m = s->target_ppm / 10000.0;

    for (size_t i = 0; s->trend && i < s->n_trend; i++) {
        if (s->trend[i].defined && isfinite(s->trend[i].availability) &&
            s->trend[i].availability * 100.0 < m) {
            m = s->trend[i].availability * 100.0;
        }
    }
    for (size_t i = 0; i < sizeof(floors) / sizeof(floors[0]); i++) {
        if (floors[i] < m) {
            return floors[i];
        }
    }
    return 0.0;
}

size_t rpt_day_ticks(const struct sw_report *r, double *ret_pos, int *ret_day, size_t max)
{
    int64_t span = r->period_end - r->period_start;
    size_t n = 0;

    for (int d = 1; d <= 31 && n < max && span > 0; d++) {
        int64_t t;

        if (sw_tz_to_utc(r->timezone, r->year, r->month, d, 0, 0, 0, &t) < 0) {
            continue; /* past the month's last day */
        }
        if (t < r->period_start || t >= r->period_end) {
            continue;
        }
        ret_pos[n] = (double)(t - r->period_start) / (double)span;
        ret_day[n] = d;
        n++;
    }
    return n;
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
static const char *const month_abbrs[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

const char *rpt_month_name(int month)
{
    return month >= 1 && month <= 12 ? month_names[month - 1] : "?";
}

const char *rpt_month_abbr(int month)
{
    return month >= 1 && month <= 12 ? month_abbrs[month - 1] : "?";
}

const char *rpt_kind_name(enum sw_report_seg k)
{
    switch (k) {
    case SW_SEG_UP:
        return "up";
    case SW_SEG_DEGRADED:
        return "degraded";
    case SW_SEG_DOWN:
        return "down";
    case SW_SEG_UNKNOWN:
        return "unknown";
    case SW_SEG_MAINTENANCE:
        return "maintenance";
    case SW_SEG_NONE:
        return "none";
    }
    return "?";
}

size_t rpt_count_met(const struct sw_report *r, size_t *ret_defined)
{
    size_t met = 0, defined = 0;

    for (size_t i = 0; i < r->n_services; i++) {
        if (r->services[i].defined) {
            defined++;
            met += r->services[i].met;
        }
    }
    *ret_defined = defined;
    return met;
}

const char *rpt_met_word(const struct sw_report_service *s)
{
    if (!s->defined) {
        return "n/a";
    }
    return s->met ? "met" : "missed";
}

/* ---- the model check ---- */

static int bad(struct sw_buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct sw_buf *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sw_buf_vprintf(err, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* 0 when s is acceptable text: required and non-empty, or optional (NULL allowed). */
static int check_text(const char *s, bool required, size_t max)
{
    size_t n;

    if (!s) {
        return required ? -EINVAL : 0;
    }
    n = strlen(s);
    if ((required && n == 0) || n > max || !sw_str_is_text(s, n)) {
        return -EINVAL;
    }
    return 0;
}

static int check_events(const struct sw_report_event *v, size_t n, const char *what,
                        struct sw_buf *err)
{
    if (n > SW_REPORT_EVENTS_MAX) {
        return bad(err, "%zu %s, more than %d", n, what, SW_REPORT_EVENTS_MAX);
    }
    if (n > 0 && !v) {
        return bad(err, "%s: %zu announced but none given", what, n);
    }
    for (size_t i = 0; i < n; i++) {
        if (check_text(v[i].service, true, SW_REPORT_TEXT_MAX) < 0) {
            return bad(err, "%s %zu: missing or bad service text", what, i + 1);
        }
        if (check_text(v[i].note, false, SW_REPORT_TEXT_MAX) < 0) {
            return bad(err, "%s %zu: bad note text", what, i + 1);
        }
        if (v[i].end < v[i].start || v[i].seconds < 0) {
            return bad(err, "%s %zu (%s): ends before it starts", what, i + 1, v[i].service);
        }
    }
    return 0;
}

static int check_service(const struct sw_report_service *s, size_t i, struct sw_buf *err)
{
    if (check_text(s->id, true, SW_REPORT_TEXT_MAX) < 0) {
        return bad(err, "service %zu: missing or bad id", i + 1);
    }
    if (check_text(s->name, false, SW_REPORT_TEXT_MAX) < 0) {
        return bad(err, "service %s: bad name text", s->id);
    }
    if (s->target_ppm > 1000000 || s->credit_ppm > 1000000) {
        return bad(err, "service %s: target or credit above 100 %%", s->id);
    }
    if (s->defined && (!isfinite(s->availability) || s->availability < 0 || s->availability > 1)) {
        return bad(err, "service %s: availability outside 0..1", s->id);
    }
    if (s->eligible_s < 0 || s->downtime_s < 0 || s->maintenance_s < 0 || s->unknown_s < 0 ||
        s->budget_s < 0) {
        return bad(err, "service %s: negative time", s->id);
    }
    if (s->n_segments > SW_REPORT_SEGMENTS_MAX) {
        return bad(err, "service %s: %zu segments, more than %d", s->id, s->n_segments,
                   SW_REPORT_SEGMENTS_MAX);
    }
    if (s->n_segments > 0 && !s->segments) {
        return bad(err, "service %s: segments announced but none given", s->id);
    }
    for (size_t k = 0; k < s->n_segments; k++) {
        const struct sw_report_segment *g = &s->segments[k];

        if (g->start >= g->end || g->kind < SW_SEG_UP || g->kind > SW_SEG_NONE) {
            return bad(err, "service %s: segment %zu is empty or of an unknown kind", s->id, k + 1);
        }
        if (k > 0 && g->start < s->segments[k - 1].end) {
            return bad(err, "service %s: segment %zu overlaps or precedes the one before", s->id,
                       k + 1);
        }
    }
    if (s->n_trend > SW_REPORT_TREND_MAX || (s->n_trend > 0 && !s->trend)) {
        return bad(err, "service %s: trend of %zu months (at most %d)", s->id, s->n_trend,
                   SW_REPORT_TREND_MAX);
    }
    for (size_t k = 0; k < s->n_trend; k++) {
        const struct sw_report_trend *m = &s->trend[k];

        if (m->month < 1 || m->month > 12 || m->year < 1 || m->year > 9999 ||
            (m->defined &&
             (!isfinite(m->availability) || m->availability < 0 || m->availability > 1))) {
            return bad(err,
                       "service %s: trend month %zu is not a month or its availability "
                       "is outside 0..1",
                       s->id, k + 1);
        }
    }
    return 0;
}

int sw_report_check(const struct sw_report *r, struct sw_buf *err)
{
    int rc;

    if (check_text(r->customer_id, true, SW_REPORT_TEXT_MAX) < 0) {
        return bad(err, "report: missing or bad customer id");
    }
    if (check_text(r->customer_name, false, SW_REPORT_TEXT_MAX) < 0) {
        return bad(err, "report: bad customer name text");
    }
    if (check_text(r->contract_id, true, SW_REPORT_TEXT_MAX) < 0) {
        return bad(err, "report: missing or bad contract id");
    }
    if (check_text(r->policy, false, 16 * SW_REPORT_TEXT_MAX) < 0) {
        return bad(err, "report: bad policy text");
    }
    if (!sw_tz_valid(r->timezone)) {
        return bad(err, "report: unknown time zone '%s'", r->timezone ? r->timezone : "(none)");
    }
    if (r->year < 1 || r->year > 9998 || r->month < 1 || r->month > 12) {
        return bad(err, "report: month %d-%d is not a month", r->year, r->month);
    }
    if (r->period_start >= r->period_end) {
        return bad(err, "report: the period ends before it starts");
    }
    if (r->credit_ppm > 1000000) {
        return bad(err, "report: credit above 100 %%");
    }
    if ((r->fee_minor < 0) != (r->credit_minor < 0) || r->fee_minor < -1 || r->credit_minor < -1) {
        return bad(err, "report: fee and credit amount must both be known (>= 0) or both -1");
    }
    if (r->fee_minor >= 0 && (!r->currency || strlen(r->currency) != 3 ||
                              strspn(r->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)) {
        return bad(err, "report: a fee needs a currency of three capital letters (EUR)");
    }
    if (r->n_services > SW_REPORT_SERVICES_MAX) {
        return bad(err, "report: %zu services, more than %d", r->n_services,
                   SW_REPORT_SERVICES_MAX);
    }
    if (r->n_services > 0 && !r->services) {
        return bad(err, "report: services announced but none given");
    }
    for (size_t i = 0; i < r->n_services; i++) {
        rc = check_service(&r->services[i], i, err);
        if (rc < 0) {
            return rc;
        }
    }
    rc = check_events(r->outages, r->n_outages, "outage", err);
    if (rc < 0) {
        return rc;
    }
    return check_events(r->maintenance, r->n_maintenance, "maintenance window", err);
}

/* ---- CSV (RFC 4180) ---- */

static void csv_field(struct sw_buf *out, const char *s)
{
    if (!s) {
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) {
        sw_buf_puts(out, s);
        return;
    }
    sw_buf_puts(out, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            sw_buf_puts(out, "\"\"");
        } else {
            sw_buf_append(out, p, 1);
        }
    }
    sw_buf_puts(out, "\"");
}

void sw_report_csv(const struct sw_report *r, struct sw_buf *out)
{
    char target[RPT_STR_LEN], avail[RPT_STR_LEN], used[RPT_STR_LEN], credit[RPT_STR_LEN];
    char start[RPT_STR_LEN], end[RPT_STR_LEN], amount[RPT_STR_LEN];

    sw_buf_puts(out, "service,target_percent,availability_percent,met,eligible_s,downtime_s,"
                     "maintenance_s,unknown_s,budget_s,budget_used_percent,credit_percent\n");
    for (size_t i = 0; i < r->n_services; i++) {
        const struct sw_report_service *s = &r->services[i];

        rpt_ppm(s->target_ppm, target);
        rpt_pct_floor(s->defined ? s->availability : NAN, 6, avail);
        rpt_pct_round(s->defined ? s->budget_used : NAN, 6, used);
        rpt_ppm(s->credit_ppm, credit);
        csv_field(out, s->id);
        sw_buf_printf(
            out, ",%s,%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%s\n",
            target, avail, s->defined ? (s->met ? "yes" : "no") : "n/a", s->eligible_s,
            s->downtime_s, s->maintenance_s, s->unknown_s, s->budget_s, used, credit);
    }
    rpt_iso(r->timezone, r->period_start, start);
    rpt_iso(r->timezone, r->period_end, end);
    rpt_ppm(r->credit_ppm, credit);
    sw_buf_puts(out, "\ncustomer,year,month,period_start,period_end,credit_percent,"
                     "credit_amount,currency\n");
    csv_field(out, r->customer_id);
    sw_buf_printf(out, ",%d,%d,%s,%s,%s,", r->year, r->month, start, end, credit);
    if (r->credit_minor >= 0) {
        rpt_money(r->credit_minor, amount);
        sw_buf_puts(out, amount);
    }
    sw_buf_puts(out, ",");
    csv_field(out, r->credit_minor >= 0 ? r->currency : NULL);
    sw_buf_puts(out, "\n");
}

/* ---- JSON ---- */

static void json_num(struct sw_buf *out, double v)
{
    if (isfinite(v)) {
        sw_buf_printf(out, "%.17g", v);
    } else {
        sw_buf_puts(out, "null");
    }
}

static void json_pct(struct sw_buf *out, uint32_t ppm)
{
    char s[RPT_STR_LEN];

    rpt_ppm(ppm, s);
    sw_buf_puts(out, s);
}

static void json_time(struct sw_buf *out, const char *tz, int64_t t)
{
    char s[RPT_STR_LEN];

    rpt_iso(tz, t, s);
    sw_buf_json_str(out, s);
}

static void json_events(struct sw_buf *out, const struct sw_report *r,
                        const struct sw_report_event *v, size_t n, const char *key)
{
    sw_buf_printf(out, ",\n  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(out, i ? ",\n    {\"service\": " : "\n    {\"service\": ");
        sw_buf_json_str(out, v[i].service);
        sw_buf_puts(out, ", \"start\": ");
        json_time(out, r->timezone, v[i].start);
        sw_buf_puts(out, ", \"end\": ");
        json_time(out, r->timezone, v[i].end);
        sw_buf_printf(out,
                      ", \"start_unix\": %" PRId64 ", \"end_unix\": %" PRId64
                      ", \"seconds\": %" PRId64 ", \"note\": ",
                      v[i].start, v[i].end, v[i].seconds);
        if (v[i].note) {
            sw_buf_json_str(out, v[i].note);
        } else {
            sw_buf_puts(out, "null");
        }
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, n ? "\n  ]" : "]");
}

static void json_service(struct sw_buf *out, const struct sw_report_service *s)
{
    sw_buf_puts(out, "{\"id\": ");
    sw_buf_json_str(out, s->id);
    sw_buf_puts(out, ", \"name\": ");
    sw_buf_json_str(out, s->name ? s->name : s->id);
    sw_buf_puts(out, ", \"target\": ");
    json_pct(out, s->target_ppm);
    sw_buf_printf(out, ", \"target_ppm\": %u, \"defined\": %s, \"availability\": ", s->target_ppm,
                  s->defined ? "true" : "false");
    json_num(out, s->defined ? s->availability : NAN);
    sw_buf_printf(out,
                  ", \"met\": %s, \"eligible_s\": %" PRId64 ", \"downtime_s\": %" PRId64
                  ", \"maintenance_s\": %" PRId64 ", \"unknown_s\": %" PRId64
                  ", \"budget_s\": %" PRId64 ", \"budget_used\": ",
                  s->met ? "true" : "false", s->eligible_s, s->downtime_s, s->maintenance_s,
                  s->unknown_s, s->budget_s);
    json_num(out, s->defined ? s->budget_used : NAN);
    sw_buf_puts(out, ", \"credit_percent\": ");
    json_pct(out, s->credit_ppm);
    sw_buf_printf(out, ", \"credit_ppm\": %u,\n     \"segments\": [", s->credit_ppm);
    for (size_t k = 0; k < s->n_segments; k++) {
        sw_buf_printf(out, "%s{\"start\": %" PRId64 ", \"end\": %" PRId64 ", \"kind\": \"%s\"}",
                      k ? ", " : "", s->segments[k].start, s->segments[k].end,
                      rpt_kind_name(s->segments[k].kind));
    }
    sw_buf_puts(out, "],\n     \"trend\": [");
    for (size_t k = 0; s->trend && k < s->n_trend; k++) {
        sw_buf_printf(out, "%s{\"year\": %d, \"month\": %d, \"availability\": ", k ? ", " : "",
                      s->trend[k].year, s->trend[k].month);
        json_num(out, s->trend[k].defined ? s->trend[k].availability : NAN);
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "]}");
}

void sw_report_json(const struct sw_report *r, struct sw_buf *out)
{
    size_t defined, met = rpt_count_met(r, &defined);

    sw_buf_puts(out, "{\n  \"customer\": {\"id\": ");
    sw_buf_json_str(out, r->customer_id);
    sw_buf_puts(out, ", \"name\": ");
    sw_buf_json_str(out, r->customer_name ? r->customer_name : r->customer_id);
    sw_buf_puts(out, "},\n  \"contract\": ");
    sw_buf_json_str(out, r->contract_id);
    sw_buf_puts(out, ",\n  \"timezone\": ");
    sw_buf_json_str(out, r->timezone);
    sw_buf_printf(out, ",\n  \"year\": %d,\n  \"month\": %d,\n  \"period\": {\"start\": ", r->year,
                  r->month);
    json_time(out, r->timezone, r->period_start);
    sw_buf_puts(out, ", \"end\": ");
    json_time(out, r->timezone, r->period_end);
    sw_buf_printf(out,
                  ", \"start_unix\": %" PRId64 ", \"end_unix\": %" PRId64 ", \"seconds\": %" PRId64
                  "},\n  \"generated_at\": ",
                  r->period_start, r->period_end, r->period_end - r->period_start);
    json_time(out, r->timezone, r->generated_at);
    sw_buf_puts(out, ",\n  \"policy\": ");
    if (r->policy) {
        sw_buf_json_str(out, r->policy);
    } else {
        sw_buf_puts(out, "null");
    }
    sw_buf_printf(out,
                  ",\n  \"summary\": {\"services\": %zu, \"with_data\": %zu, \"met\": %zu},\n"
                  "  \"credit\": {\"percent\": ",
                  r->n_services, defined, met);
    json_pct(out, r->credit_ppm);
    sw_buf_printf(out, ", \"ppm\": %u, \"fee_minor\": ", r->credit_ppm);
    if (r->fee_minor >= 0) {
        sw_buf_printf(out,
                      "%" PRId64 ", \"amount_minor\": %" PRId64 ", \"currency\": ", r->fee_minor,
                      r->credit_minor);
        sw_buf_json_str(out, r->currency);
    } else {
        sw_buf_puts(out, "null, \"amount_minor\": null, \"currency\": null");
    }
    sw_buf_puts(out, "},\n  \"services\": [");
    for (size_t i = 0; i < r->n_services; i++) {
        sw_buf_puts(out, i ? ",\n    " : "\n    ");
        json_service(out, &r->services[i]);
    }
    sw_buf_puts(out, r->n_services ? "\n  ]" : "]");
    json_events(out, r, r->outages, r->n_outages, "outages");
    json_events(out, r, r->maintenance, r->n_maintenance, "maintenance");
    sw_buf_puts(out, "\n}\n");
}
