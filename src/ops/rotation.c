/* SPDX-License-Identifier: Apache-2.0 */
/* rotation.c: who is on call when. Regular shifts are counted in local calendar days from the
 * start date and placed in UTC with core's zone arithmetic, so handoffs keep their local time
 * across DST changes; overrides are laid on top, the later winning. Also the small parsers the
 * config uses for rotation values. Pure: no clock, no I/O. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/core.h"
#include "ops/ops.h"
#include "ops/ops_int.h"

/* ---- calendar days ---- */

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (era arithmetic: 400-year cycles
 * of 146097 days, years counted from March so that the leap day comes last). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *ret_y, int *ret_m, int *ret_d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);

    *ret_y = (int)(yoe + era * 400 + (m <= 2));
    *ret_m = m;
    *ret_d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

static int weekday_of(int64_t days)
{
    return (int)(((days % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

static bool date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (y < 1970 || y > 9000 || m < 1 || m > 12 || d < 1) {
        return false;
    }
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* ---- parsers ---- */

int sw_ops_weekday_parse(const char *s, int *ret_wday)
{
    static const char *const names[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                         "thursday", "friday", "saturday"};

    if (!s) {
        return -EINVAL;
    }
    for (int i = 0; i < 7; i++) {
        if (strcasecmp(s, names[i]) == 0 || (strlen(s) == 3 && strncasecmp(s, names[i], 3) == 0)) {
            *ret_wday = i;
            return 0;
        }
    }
    return -EINVAL;
}

static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int sw_ops_hhmm_parse(const char *s, int32_t *ret_s)
{
    if (!s || strlen(s) != 5 || s[2] != ':') {
        return -EINVAL;
    }
    int h = digits(s, 2), m = digits(s + 3, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59) {
        return -EINVAL;
    }
    *ret_s = h * 3600 + m * 60;
    return 0;
}

int sw_ops_date_parse(const char *s, int *ret_y, int *ret_mon, int *ret_day)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return -EINVAL;
    }
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || !date_valid(y, m, d)) {
        return -EINVAL;
    }
    *ret_y = y;
    *ret_mon = m;
    *ret_day = d;
    return 0;
}

/* ---- shift lists ---- */

void sw_shift_list_init(struct sw_shift_list *l)
{
    memset(l, 0, sizeof(*l));
}

void sw_shift_list_release(struct sw_shift_list *l)
{
    if (!l) {
        return;
    }
    free(l->v);
    sw_shift_list_init(l);
}

static int shift_list_add(struct sw_shift_list *l, const struct sw_shift *s)
{
    if (l->n >= SW_SHIFTS_MAX) {
        return -E2BIG;
    }
    sw_xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = *s;
    return 0;
}

/* ---- validation ---- */

int sw_ops_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

int sw_rotation_validate(const struct sw_rotation *r, char *err, size_t errlen)
{
    if (!r) {
        return sw_ops_fail(err, errlen, "no rotation");
    }
    if (!r->id || !*r->id) {
        return sw_ops_fail(err, errlen, "rotation without an id");
    }
    if (!r->tz || !sw_tz_valid(r->tz)) {
        return sw_ops_fail(err, errlen, "rotation %s: unknown time zone \"%s\"", r->id,
                           r->tz ? r->tz : "");
    }
    switch (r->period) {
    case SW_ROT_DAILY:
        break;
    case SW_ROT_WEEKLY:
        if (r->handoff_wday < 0 || r->handoff_wday > 6) {
            return sw_ops_fail(err, errlen,
                               "rotation %s: handoff weekday %d is not 0 (Sunday) .. 6", r->id,
                               r->handoff_wday);
        }
        break;
    case SW_ROT_DAYS:
        if (r->days < 1 || r->days > SW_ROT_DAYS_MAX) {
            return sw_ops_fail(err, errlen, "rotation %s: period of %d days is not 1 .. %d", r->id,
                               r->days, SW_ROT_DAYS_MAX);
        }
        break;
    default:
        return sw_ops_fail(err, errlen, "rotation %s: unknown period %d", r->id, (int)r->period);
    }
    if (r->handoff_s < 0 || r->handoff_s >= 86400) {
        return sw_ops_fail(err, errlen, "rotation %s: handoff time %d s is not within a day", r->id,
                           (int)r->handoff_s);
    }
    if (!date_valid(r->start_y, r->start_mon, r->start_day)) {
        return sw_ops_fail(err, errlen,
                           "rotation %s: start %04d-%02d-%02d is not a date in 1970 .. 9000", r->id,
                           r->start_y, r->start_mon, r->start_day);
    }
    if (r->n_participants == 0 || !r->participants) {
        return sw_ops_fail(err, errlen, "rotation %s has no participants", r->id);
    }
    if (r->n_participants > SW_ROT_PARTICIPANTS_MAX) {
        return sw_ops_fail(err, errlen, "rotation %s: %zu participants, at most %d", r->id,
                           r->n_participants, SW_ROT_PARTICIPANTS_MAX);
    }
    for (size_t i = 0; i < r->n_participants; i++) {
        if (!r->participants[i] || !*r->participants[i]) {
            return sw_ops_fail(err, errlen, "rotation %s: participant %zu has no engineer id",
                               r->id, i + 1);
        }
    }
    if (r->n_overrides > SW_ROT_OVERRIDES_MAX) {
        return sw_ops_fail(err, errlen, "rotation %s: %zu overrides, at most %d", r->id,
                           r->n_overrides, SW_ROT_OVERRIDES_MAX);
    }
    if (r->n_overrides > 0 && !r->overrides) {
        return sw_ops_fail(err, errlen, "rotation %s: overrides missing", r->id);
    }
    for (size_t i = 0; i < r->n_overrides; i++) {
        const struct sw_override *o = &r->overrides[i];
        if (!o->engineer || !*o->engineer) {
            return sw_ops_fail(err, errlen, "rotation %s: override %zu has no engineer id", r->id,
                               i + 1);
        }
        if (o->from >= o->to) {
            char a[SW_TIME_LEN], b[SW_TIME_LEN];
            return sw_ops_fail(err, errlen,
                               "rotation %s: override %zu (%s) must end after it starts, not "
                               "from %s to %s",
                               r->id, i + 1, o->engineer, sw_time_format(o->from, a),
                               sw_time_format(o->to, b));
        }
    }
    int64_t t;
    int h = r->handoff_s / 3600, m = r->handoff_s / 60 % 60, s = r->handoff_s % 60;
    if (sw_tz_to_utc(r->tz, r->start_y, r->start_mon, r->start_day, h, m, s, &t) < 0) {
        return sw_ops_fail(err, errlen, "rotation %s: time zone %s cannot place the first shift",
                           r->id, r->tz);
    }
    return 0;
}

/* ---- regular shifts ---- */

/* Local dates of the regular handoffs: shift 0 starts on d0, shift k >= 1 on d1 + (k-1)*len. */
struct base {
    int64_t d0;
    int64_t d1;
    int64_t len;
};

static void base_init(const struct sw_rotation *r, struct base *b)
{
    b->d0 = days_from_civil(r->start_y, r->start_mon, r->start_day);
    switch (r->period) {
    case SW_ROT_DAILY:
        b->len = 1;
        b->d1 = b->d0 + 1;
        break;
    case SW_ROT_WEEKLY: {
        int first = (r->handoff_wday - weekday_of(b->d0) + 7) % 7;
        b->len = 7;
        b->d1 = b->d0 + (first == 0 ? 7 : first);
        break;
    }
    default:
        b->len = r->days;
        b->d1 = b->d0 + r->days;
        break;
    }
}

static int shift_start(const struct sw_rotation *r, const struct base *b, int64_t k, int64_t *ret)
{
    int y, m, d;

    civil_from_days(k == 0 ? b->d0 : b->d1 + (k - 1) * b->len, &y, &m, &d);
    if (y > 9998) {
        return -EINVAL;
    }
    return sw_tz_to_utc(r->tz, y, m, d, r->handoff_s / 3600, r->handoff_s / 60 % 60,
                        r->handoff_s % 60, ret);
}

/* The regular shift k that holds t: [*ret_start, *ret_end). -ENOENT before the first. */
static int regular_at(const struct sw_rotation *r, const struct base *b, int64_t t, int64_t *ret_k,
                      int64_t *ret_start, int64_t *ret_end)
{
    struct tm tm;
    int64_t s0, s, e, k;
    int rc;

    rc = shift_start(r, b, 0, &s0);
    if (rc < 0) {
        return rc;
    }
    if (t < s0) {
        return -ENOENT;
    }
    rc = sw_tz_from_utc(r->tz, t, &tm);
    if (rc < 0) {
        return rc;
    }
    /* a guess from the local date, then a step or two either way around the handoff time */
    int64_t dl = days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    k = dl < b->d1 ? 0 : 1 + (dl - b->d1) / b->len;
    rc = shift_start(r, b, k, &s);
    while (rc == 0 && k > 0 && s > t) {
        k--;
        rc = shift_start(r, b, k, &s);
    }
    if (rc < 0) {
        return rc;
    }
    for (;;) {
        rc = shift_start(r, b, k + 1, &e);
        if (rc < 0) {
            return rc;
        }
        if (e > t) {
            break;
        }
        k++;
        s = e;
    }
    *ret_k = k;
    *ret_start = s;
    *ret_end = e;
    return 0;
}

/* ---- overrides on top ---- */

/* The override in force at t (the last in the array that covers it), or -1. */
static int override_at(const struct sw_rotation *r, int64_t t)
{
    int w = -1;

    for (size_t i = 0; i < r->n_overrides; i++) {
        if (r->overrides[i].from <= t && t < r->overrides[i].to) {
            w = (int)i;
        }
    }
    return w;
}

/* Shrinks [*lo, *hi) around t by overrides[first..n), none of which covers t. */
static void cut(const struct sw_rotation *r, size_t first, int64_t t, int64_t *lo, int64_t *hi)
{
    for (size_t i = first; i < r->n_overrides; i++) {
        const struct sw_override *o = &r->overrides[i];
        if (o->to <= t && o->to > *lo) {
            *lo = o->to;
        } else if (o->from > t && o->from < *hi) {
            *hi = o->from;
        }
    }
}

static int segment_at(const struct sw_rotation *r, const struct base *b, int64_t t,
                      struct sw_shift *ret)
{
    int64_t k, s, e;
    int rc = regular_at(r, b, t, &k, &s, &e);
    if (rc < 0) {
        return rc;
    }
    int w = override_at(r, t);
    if (w < 0) {
        cut(r, 0, t, &s, &e);
        *ret = (struct sw_shift){.start = s,
                                 .end = e,
                                 .engineer = r->participants[k % (int64_t)r->n_participants],
                                 .index = k,
                                 .override = -1};
        return 0;
    }
    int64_t s0, lo = r->overrides[w].from, hi = r->overrides[w].to;
    rc = shift_start(r, b, 0, &s0);
    if (rc < 0) {
        return rc;
    }
    if (lo < s0) {
        lo = s0;
    }
    cut(r, (size_t)w + 1, t, &lo, &hi);
    if (lo < s) {
        rc = regular_at(r, b, lo, &k, &s, &e);
        if (rc < 0) {
            return rc;
        }
    }
    *ret = (struct sw_shift){
        .start = lo, .end = hi, .engineer = r->overrides[w].engineer, .index = k, .override = w};
    return 0;
}

/* ---- public ---- */

int sw_rotation_first(const struct sw_rotation *r, int64_t *ret_t)
{
    struct base b;
    int rc = sw_rotation_validate(r, NULL, 0);
    if (rc < 0) {
        return rc;
    }
    base_init(r, &b);
    return shift_start(r, &b, 0, ret_t);
}

int sw_rotation_shift_at(const struct sw_rotation *r, int64_t t, struct sw_shift *ret_shift)
{
    struct base b;
    int rc = sw_rotation_validate(r, NULL, 0);
    if (rc < 0) {
        return rc;
    }
    base_init(r, &b);
    return segment_at(r, &b, t, ret_shift);
}

int sw_rotation_oncall(const struct sw_rotation *r, int64_t t, const char **ret_engineer)
{
    struct sw_shift sh;
    int rc = sw_rotation_shift_at(r, t, &sh);
    if (rc == -ENOENT) {
        *ret_engineer = NULL;
        return 0;
    }
    if (rc < 0) {
        return rc;
    }
    *ret_engineer = sh.engineer;
    return 0;
}

int sw_rotation_shifts(const struct sw_rotation *r, int64_t from, int64_t to,
                       struct sw_shift_list *l)
{
    struct base b;
    struct sw_shift sh;
    int64_t s0, t;
    int rc = sw_rotation_validate(r, NULL, 0);
    if (rc < 0) {
        return rc;
    }
    if (from >= to || to - from > SW_ROT_SPAN_MAX) {
        return -EINVAL;
    }
    base_init(r, &b);
    rc = shift_start(r, &b, 0, &s0);
    if (rc < 0) {
        return rc;
    }
    for (t = from > s0 ? from : s0; t < to; t = sh.end) {
        rc = segment_at(r, &b, t, &sh);
        if (rc < 0) {
            return rc;
        }
        rc = shift_list_add(l, &sh);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

const struct sw_rotation *sw_rotation_find(const struct sw_rotation *rots, size_t n, const char *id)
{
    if (!id) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (rots[i].id && strcmp(rots[i].id, id) == 0) {
            return &rots[i];
        }
    }
    return NULL;
}
