/* SPDX-License-Identifier: Apache-2.0 */
/* calendar.c: business calendars (cases.h): building and validating them, the parsers for the
 * config's day sets, times and dates, and business-hours arithmetic by walking each local
 * day's windows forward, converting their edges to UTC through core's zone functions. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/cases.h"

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return r;
}

/* ---- dates ---- */

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : len[m - 1];
}

static bool date_ok(struct sw_cal_date d)
{
    return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= month_len(d.y, d.m);
}

/* Days since 0001-01-01 (proleptic Gregorian), which was a Monday. */
static int64_t day_number(struct sw_cal_date d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t py = d.y - 1;
    int64_t n = py * 365 + py / 4 - py / 100 + py / 400 + before[d.m - 1] + d.d - 1;

    if (d.m > 2 && leap(d.y)) {
        n++;
    }
    return n;
}

static int weekday_of(struct sw_cal_date d)
{
    return (int)((day_number(d) + 1) % 7); /* 0 = Sunday */
}

static void next_date(struct sw_cal_date *d)
{
    if (d->d < month_len(d->y, d->m)) {
        d->d++;
    } else if (d->m < 12) {
        d->m++;
        d->d = 1;
    } else {
        d->y++;
        d->m = 1;
        d->d = 1;
    }
}

static void prev_date(struct sw_cal_date *d)
{
    if (d->d > 1) {
        d->d--;
    } else if (d->m > 1) {
        d->m--;
        d->d = month_len(d->y, d->m);
    } else {
        d->y--;
        d->m = 12;
        d->d = 31;
    }
}

static int date_cmp(struct sw_cal_date a, struct sw_cal_date b)
{
    if (a.y != b.y) {
        return a.y < b.y ? -1 : 1;
    }
    if (a.m != b.m) {
        return a.m < b.m ? -1 : 1;
    }
    if (a.d != b.d) {
        return a.d < b.d ? -1 : 1;
    }
    return 0;
}

/* ---- building ---- */

void sw_cal_init(struct sw_calendar *cal)
{
    memset(cal, 0, sizeof(*cal));
    strcpy(cal->tz, "UTC");
}

void sw_cal_init_24x7(struct sw_calendar *cal)
{
    sw_cal_init(cal);
    cal->always = true;
}

void sw_cal_release(struct sw_calendar *cal)
{
    if (!cal) {
        return;
    }
    free(cal->holidays);
    cal->holidays = NULL;
    cal->n_holidays = 0;
    cal->cap_holidays = 0;
}

void sw_cal_copy(struct sw_calendar *dst, const struct sw_calendar *src)
{
    *dst = *src;
    dst->holidays = NULL;
    dst->cap_holidays = 0;
    if (src->n_holidays) {
        dst->holidays = sw_xmalloc(src->n_holidays * sizeof(*dst->holidays));
        memcpy(dst->holidays, src->holidays, src->n_holidays * sizeof(*dst->holidays));
        dst->cap_holidays = src->n_holidays;
    }
}

int sw_cal_set_tz(struct sw_calendar *cal, const char *tz, char *err, size_t errlen)
{
    if (cal->always) {
        return fail(err, errlen, -EINVAL, "a 24x7 calendar takes no timezone");
    }
    if (!tz || !*tz) {
        return fail(err, errlen, -EINVAL, "timezone missing");
    }
    if (strlen(tz) >= SW_CAL_TZ_MAX || !sw_tz_valid(tz)) {
        return fail(err, errlen, -EINVAL,
                    "unknown timezone '%.*s' (an IANA name such as Europe/Berlin)", SW_CAL_TZ_MAX,
                    tz);
    }
    strcpy(cal->tz, tz);
    return 0;
}

static void range_text(int32_t from, int32_t to, char *out, size_t n)
{
    char a[16], b[16];

    snprintf(out, n, "%s-%s", sw_cal_time_format(from, a), sw_cal_time_format(to, b));
}

int sw_cal_add_hours(struct sw_calendar *cal, unsigned days, int32_t from_s, int32_t to_s,
                     char *err, size_t errlen)
{
    char a[40], b[40];

    if (cal->always) {
        return fail(err, errlen, -EINVAL, "a 24x7 calendar takes no hours");
    }
    if (days == 0 || days & ~SW_CAL_ALL_DAYS) {
        return fail(err, errlen, -EINVAL, "bad day set 0x%x", days);
    }
    if (from_s < 0 || to_s > 86400 || from_s >= to_s) {
        return fail(err, errlen, -EINVAL, "hours must start before they end, within 00:00-24:00");
    }
    range_text(from_s, to_s, a, sizeof(a));
    /* check every day first: all or nothing */
    for (int wd = 0; wd < 7; wd++) {
        if (!(days & (1u << wd))) {
            continue;
        }
        for (int i = 0; i < cal->n_win[wd]; i++) {
            const struct sw_cal_window *w = &cal->win[wd][i];
            if (from_s < w->to_s && w->from_s < to_s) {
                range_text(w->from_s, w->to_s, b, sizeof(b));
                return fail(err, errlen, -EINVAL, "hours %s on %s overlap %s", a, day_names[wd], b);
            }
        }
        if (cal->n_win[wd] >= SW_CAL_DAY_WINDOWS_MAX) {
            return fail(err, errlen, -E2BIG, "more than %d windows of hours on %s",
                        SW_CAL_DAY_WINDOWS_MAX, day_names[wd]);
        }
    }
    for (int wd = 0; wd < 7; wd++) {
        if (!(days & (1u << wd))) {
            continue;
        }
        int i = cal->n_win[wd];
        while (i > 0 && cal->win[wd][i - 1].from_s > from_s) {
            cal->win[wd][i] = cal->win[wd][i - 1];
            i--;
        }
        cal->win[wd][i] = (struct sw_cal_window){.from_s = from_s, .to_s = to_s};
        cal->n_win[wd]++;
    }
    return 0;
}

int sw_cal_add_hours_str(struct sw_calendar *cal, const char *days, const char *start,
                         const char *end, char *err, size_t errlen)
{
    unsigned mask;
    int32_t from, to;
    int r;

    r = sw_cal_parse_days(days, &mask, err, errlen);
    if (r < 0) {
        return r;
    }
    r = sw_cal_parse_time(start, false, &from, err, errlen);
    if (r < 0) {
        return r;
    }
    r = sw_cal_parse_time(end, true, &to, err, errlen);
    if (r < 0) {
        return r;
    }
    if (from >= to) {
        char a[16], b[16];
        return fail(err, errlen, -EINVAL, "hours start %s is not before end %s",
                    sw_cal_time_format(from, a), sw_cal_time_format(to, b));
    }
    return sw_cal_add_hours(cal, mask, from, to, err, errlen);
}

int sw_cal_add_holiday(struct sw_calendar *cal, struct sw_cal_date date, char *err, size_t errlen)
{
    size_t lo = 0, hi;

    if (cal->always) {
        return fail(err, errlen, -EINVAL, "a 24x7 calendar takes no holidays");
    }
    if (!date_ok(date)) {
        return fail(err, errlen, -EINVAL, "holiday %04d-%02d-%02d is not a date", date.y, date.m,
                    date.d);
    }
    hi = cal->n_holidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (date_cmp(cal->holidays[mid], date) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < cal->n_holidays && date_cmp(cal->holidays[lo], date) == 0) {
        return fail(err, errlen, -EINVAL, "holiday %04d-%02d-%02d listed twice", date.y, date.m,
                    date.d);
    }
    if (cal->n_holidays >= SW_CAL_HOLIDAYS_MAX) {
        return fail(err, errlen, -E2BIG, "more than %d holidays", SW_CAL_HOLIDAYS_MAX);
    }
    sw_xgrow((void **)&cal->holidays, &cal->cap_holidays, cal->n_holidays + 1,
             sizeof(*cal->holidays));
    memmove(&cal->holidays[lo + 1], &cal->holidays[lo],
            (cal->n_holidays - lo) * sizeof(*cal->holidays));
    cal->holidays[lo] = date;
    cal->n_holidays++;
    return 0;
}

int sw_cal_add_holiday_str(struct sw_calendar *cal, const char *date, char *err, size_t errlen)
{
    struct sw_cal_date d;
    int r;

    r = sw_cal_parse_date(date, &d, err, errlen);
    if (r < 0) {
        return r;
    }
    return sw_cal_add_holiday(cal, d, err, errlen);
}

int sw_cal_validate(const struct sw_calendar *cal, char *err, size_t errlen)
{
    struct tm tm;
    char a[40], b[40];
    int total = 0;

    if (cal->always) {
        return 0;
    }
    /* a conversion rather than sw_tz_valid(): the zone cache makes it cheap on every timer
     * computation, and it proves the zone file parses */
    if (!memchr(cal->tz, '\0', sizeof(cal->tz)) || sw_tz_from_utc(cal->tz, 0, &tm) < 0) {
        return fail(err, errlen, -EINVAL, "unknown timezone '%s'",
                    memchr(cal->tz, '\0', sizeof(cal->tz)) ? cal->tz : "?");
    }
    for (int wd = 0; wd < 7; wd++) {
        if (cal->n_win[wd] < 0 || cal->n_win[wd] > SW_CAL_DAY_WINDOWS_MAX) {
            return fail(err, errlen, -EINVAL, "bad number of windows on %s", day_names[wd]);
        }
        for (int i = 0; i < cal->n_win[wd]; i++) {
            const struct sw_cal_window *w = &cal->win[wd][i];
            if (w->from_s < 0 || w->to_s > 86400 || w->from_s >= w->to_s) {
                return fail(err, errlen, -EINVAL,
                            "hours on %s must start before they end, within 00:00-24:00",
                            day_names[wd]);
            }
            if (i > 0 && w->from_s < w[-1].to_s) {
                range_text(w->from_s, w->to_s, a, sizeof(a));
                range_text(w[-1].from_s, w[-1].to_s, b, sizeof(b));
                return fail(err, errlen, -EINVAL, "hours %s on %s overlap %s (or are not sorted)",
                            a, day_names[wd], b);
            }
        }
        total += cal->n_win[wd];
    }
    if (total == 0) {
        return fail(err, errlen, -EINVAL, "calendar has no hours");
    }
    if (cal->n_holidays > SW_CAL_HOLIDAYS_MAX || (cal->n_holidays && !cal->holidays)) {
        return fail(err, errlen, -EINVAL, "bad holiday list");
    }
    for (size_t i = 0; i < cal->n_holidays; i++) {
        struct sw_cal_date d = cal->holidays[i];
        if (!date_ok(d)) {
            return fail(err, errlen, -EINVAL, "holiday %04d-%02d-%02d is not a date", d.y, d.m,
                        d.d);
        }
        if (i > 0 && date_cmp(cal->holidays[i - 1], d) >= 0) {
            return fail(err, errlen, -EINVAL,
                        "holiday %04d-%02d-%02d is listed twice or out of order", d.y, d.m, d.d);
        }
    }
    return 0;
}

/* ---- parsers ---- */

static int day_index(const char *s, size_t n)
{
    if (n != 3) {
        return -1;
    }
    for (int i = 0; i < 7; i++) {
        if (strncasecmp(s, day_names[i], 3) == 0) {
            return i;
        }
    }
    return -1;
}

/* Monday-first position (mon = 0 .. sun = 6), for ranges. */
static int mon_first(int wd)
{
    return (wd + 6) % 7;
}

int sw_cal_parse_days(const char *s, unsigned *ret_days, char *err, size_t errlen)
{
    unsigned mask = 0;
    const char *p = s;

    if (!s) {
        return fail(err, errlen, -EINVAL, "days missing");
    }
    for (;;) {
        const char *q, *dash;
        size_t n;
        int a, b;

        while (*p == ' ' || *p == '\t') {
            p++;
        }
        q = p;
        while (*q && *q != ',') {
            q++;
        }
        n = (size_t)(q - p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
            n--;
        }
        if (n == 0) {
            return fail(err, errlen, -EINVAL, "empty day in '%.64s' (e.g. mon-fri or mon,wed,fri)",
                        s);
        }
        dash = memchr(p, '-', n);
        if (dash) {
            a = day_index(p, (size_t)(dash - p));
            b = day_index(dash + 1, n - (size_t)(dash - p) - 1);
        } else {
            a = b = day_index(p, n);
        }
        if (a < 0 || b < 0) {
            return fail(err, errlen, -EINVAL,
                        "unknown day in '%.*s' (use mon, tue, wed, thu, fri, sat, sun or a range "
                        "such as mon-fri)",
                        (int)(n > 64 ? 64 : n), p);
        }
        if (mon_first(a) > mon_first(b)) {
            return fail(err, errlen, -EINVAL,
                        "day range '%.*s' runs backwards (ranges run from mon to sun)", (int)n, p);
        }
        for (int i = mon_first(a); i <= mon_first(b); i++) {
            int wd = (i + 1) % 7;
            if (mask & (1u << wd)) {
                return fail(err, errlen, -EINVAL, "day %s given twice in '%.64s'", day_names[wd],
                            s);
            }
            mask |= 1u << wd;
        }
        if (!*q) {
            break;
        }
        p = q + 1;
    }
    *ret_days = mask;
    return 0;
}

static bool two_digits(const char *p, int *ret)
{
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1])) {
        return false;
    }
    *ret = (p[0] - '0') * 10 + (p[1] - '0');
    return true;
}

int sw_cal_parse_time(const char *s, bool end, int32_t *ret_s, char *err, size_t errlen)
{
    int h, m;

    if (!s) {
        return fail(err, errlen, -EINVAL, "time missing");
    }
    if (strlen(s) != 5 || s[2] != ':' || !two_digits(s, &h) || !two_digits(s + 3, &m)) {
        return fail(err, errlen, -EINVAL, "time '%.32s' is not HH:MM (e.g. 09:00)", s);
    }
    if (m > 59) {
        return fail(err, errlen, -EINVAL, "time '%s': minute %d is out of range 00..59", s, m);
    }
    if (h == 24 && m == 0) {
        if (!end) {
            return fail(err, errlen, -EINVAL, "time '%s': 24:00 is allowed only as an end", s);
        }
    } else if (h > 23) {
        return fail(err, errlen, -EINVAL,
                    "time '%s': hour %d is out of range 00..23 (24:00 only as an end)", s, h);
    }
    *ret_s = h * 3600 + m * 60;
    return 0;
}

int sw_cal_parse_date(const char *s, struct sw_cal_date *ret_date, char *err, size_t errlen)
{
    struct sw_cal_date d;
    int hi, lo;

    if (!s) {
        return fail(err, errlen, -EINVAL, "date missing");
    }
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !two_digits(s, &hi) ||
        !two_digits(s + 2, &lo) || !two_digits(s + 5, &d.m) || !two_digits(s + 8, &d.d)) {
        return fail(err, errlen, -EINVAL, "date '%.32s' is not YYYY-MM-DD (e.g. 2026-12-24)", s);
    }
    d.y = hi * 100 + lo;
    if (d.y < 1) {
        return fail(err, errlen, -EINVAL, "date '%s': year 0000 does not exist", s);
    }
    if (d.m < 1 || d.m > 12) {
        return fail(err, errlen, -EINVAL, "date '%s': month %d is out of range 01..12", s, d.m);
    }
    if (d.d < 1 || d.d > month_len(d.y, d.m)) {
        return fail(err, errlen, -EINVAL, "date '%s': day %d does not exist in %04d-%02d", s, d.d,
                    d.y, d.m);
    }
    *ret_date = d;
    return 0;
}

char *sw_cal_time_format(int32_t s, char *out)
{
    if (s % 60) {
        snprintf(out, 16, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    } else {
        snprintf(out, 16, "%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60));
    }
    return out;
}

/* ---- arithmetic: a forward walk over the windows, local day by local day ---- */

struct walk {
    const struct sw_calendar *cal;
    struct sw_cal_date date; /* the local day being walked */
    int wday;                /* its weekday, 0 = Sunday */
    int wi;                  /* the next window of that day */
    int days;                /* days stepped since the start */
    int max_days;            /* -ERANGE past this many */
    size_t hi;               /* the first holiday >= date */
    int64_t floor;           /* no window starts before the previous one's end */
};

static int walk_start(struct walk *w, const struct sw_calendar *cal, int64_t t, int max_days)
{
    struct tm tm;
    int r;

    r = sw_tz_from_utc(cal->tz, t, &tm);
    if (r < 0) {
        return r;
    }
    w->cal = cal;
    w->date = (struct sw_cal_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    /* start a day early: a window of the previous local day can still be open at t when the
     * zone moved its midnight */
    if (w->date.y == 1 && w->date.m == 1 && w->date.d == 1) {
        return -EINVAL;
    }
    prev_date(&w->date);
    w->wday = weekday_of(w->date);
    w->wi = 0;
    w->days = 0;
    w->max_days = max_days;
    w->hi = 0;
    while (w->hi < cal->n_holidays && date_cmp(cal->holidays[w->hi], w->date) < 0) {
        w->hi++;
    }
    w->floor = INT64_MIN;
    return 0;
}

/* The instant of local wall time s on day d: an ambiguous time (fall back) is its first
 * occurrence, a time inside a spring-forward gap is the change itself. */
static int local_utc(const struct sw_calendar *cal, struct sw_cal_date d, int32_t s, int64_t *ret_t)
{
    struct tm tm;
    int64_t t, lo, hi;
    long off;
    int r;

    if (s == 86400) {
        next_date(&d);
        s = 0;
    }
    if (d.y > 9999) {
        return -EINVAL;
    }
    r = sw_tz_to_utc(cal->tz, d.y, d.m, d.d, s / 3600, s / 60 % 60, s % 60, &t);
    if (r < 0) {
        return r;
    }
    r = sw_tz_from_utc(cal->tz, t, &tm);
    if (r < 0) {
        return r;
    }
    if (tm.tm_year + 1900 == d.y && tm.tm_mon + 1 == d.m && tm.tm_mday == d.d &&
        tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec == s) {
        *ret_t = t;
        return 0;
    }
    /* The wall time does not exist (a spring-forward gap): t lies as far after the change as
     * the wall time lies after the gap's start. The wall clock jumps over the gap, so the edge
     * is the change itself: the first instant with t's offset, found by bisection over the
     * day before t (zones change at most once a day). */
    off = tm.tm_gmtoff;
    lo = t - 86400; /* has the old offset */
    hi = t;         /* has the new one */
    r = sw_tz_from_utc(cal->tz, lo, &tm);
    if (r < 0) {
        return r;
    }
    if (tm.tm_gmtoff == off) {
        *ret_t = t; /* no change within the day: keep what the zone gave */
        return 0;
    }
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        r = sw_tz_from_utc(cal->tz, mid, &tm);
        if (r < 0) {
            return r;
        }
        if (tm.tm_gmtoff == off) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    *ret_t = hi;
    return 0;
}

/* The next window [*ret_s, *ret_e) in UTC: in order, non-empty, never overlapping the one
 * before, holidays skipped. 0; -ERANGE past max_days days; -EINVAL from the zone. */
static int walk_next(struct walk *w, int64_t *ret_s, int64_t *ret_e)
{
    const struct sw_calendar *cal = w->cal;
    int64_t s, e;
    int r;

    for (;;) {
        bool holiday = w->hi < cal->n_holidays && date_cmp(cal->holidays[w->hi], w->date) == 0;

        if (!holiday && w->wi < cal->n_win[w->wday]) {
            const struct sw_cal_window *win = &cal->win[w->wday][w->wi++];
            r = local_utc(cal, w->date, win->from_s, &s);
            if (r < 0) {
                return r;
            }
            r = local_utc(cal, w->date, win->to_s, &e);
            if (r < 0) {
                return r;
            }
            if (s < w->floor) {
                s = w->floor;
            }
            if (e <= s) {
                continue;
            }
            w->floor = e;
            *ret_s = s;
            *ret_e = e;
            return 0;
        }
        if (++w->days > w->max_days) {
            return -ERANGE;
        }
        if (holiday) {
            w->hi++;
        }
        next_date(&w->date);
        if (w->date.y > 9999) {
            return -EINVAL;
        }
        w->wday = (w->wday + 1) % 7;
        w->wi = 0;
    }
}

static bool has_hours(const struct sw_calendar *cal)
{
    for (int wd = 0; wd < 7; wd++) {
        if (cal->n_win[wd] > 0) {
            return true;
        }
    }
    return false;
}

#define HORIZON_S ((int64_t)SW_CAL_HORIZON_DAYS * 86400)
#define T_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define T_MAX 253402300800LL   /* 10000-01-01T00:00:00Z */

static bool time_ok(int64_t t)
{
    return t >= T_MIN && t < T_MAX;
}

int sw_cal_seconds(const struct sw_calendar *cal, int64_t a, int64_t b, int64_t *ret_s)
{
    struct walk w;
    int64_t total = 0, s, e;
    int r;

    if (a > b || !time_ok(a) || !time_ok(b)) {
        return -EINVAL;
    }
    if (b - a > HORIZON_S) {
        return -ERANGE;
    }
    if (cal->always) {
        *ret_s = b - a;
        return 0;
    }
    if (a == b || !has_hours(cal)) {
        *ret_s = 0;
        return 0;
    }
    /* the walk starts a day before a's local date; b lies at most HORIZON + 1 days (DST)
     * after a, so this bound is never reached before a window starting at or after b */
    r = walk_start(&w, cal, a, SW_CAL_HORIZON_DAYS + 16);
    if (r < 0) {
        return r;
    }
    for (;;) {
        r = walk_next(&w, &s, &e);
        if (r < 0) {
            return r;
        }
        if (s >= b) {
            break;
        }
        if (s < a) {
            s = a;
        }
        if (e > b) {
            e = b;
        }
        if (e > s) {
            total += e - s;
        }
    }
    *ret_s = total;
    return 0;
}

int sw_cal_advance(const struct sw_calendar *cal, int64_t t0, int64_t g, int64_t *ret_t)
{
    struct walk w;
    int64_t s, e;
    int r;

    if (g < 0 || !time_ok(t0)) {
        return -EINVAL;
    }
    if (g == 0) {
        *ret_t = t0;
        return 0;
    }
    if (g > HORIZON_S) {
        return -ERANGE;
    }
    if (cal->always) {
        *ret_t = t0 + g;
        return 0;
    }
    if (!has_hours(cal)) {
        return -ERANGE;
    }
    r = walk_start(&w, cal, t0, SW_CAL_HORIZON_DAYS + 1);
    if (r < 0) {
        return r;
    }
    for (;;) {
        r = walk_next(&w, &s, &e);
        if (r < 0) {
            return r;
        }
        if (s < t0) {
            s = t0;
        }
        if (e <= s) {
            continue;
        }
        if (s - t0 > HORIZON_S) {
            return -ERANGE;
        }
        if (g <= e - s) {
            if (s + g - t0 > HORIZON_S) {
                return -ERANGE;
            }
            *ret_t = s + g;
            return 0;
        }
        g -= e - s;
    }
}

int sw_cal_is_open(const struct sw_calendar *cal, int64_t t)
{
    int64_t n;
    int r;

    r = sw_cal_seconds(cal, t, t + 1, &n);
    if (r < 0) {
        return r;
    }
    return n == 1;
}

int sw_cal_next_open(const struct sw_calendar *cal, int64_t t, int64_t *ret_t)
{
    int64_t end;
    int r;

    /* the first business second is where one business second ends, less one */
    r = sw_cal_advance(cal, t, 1, &end);
    if (r < 0) {
        return r;
    }
    *ret_t = end - 1;
    return 0;
}
