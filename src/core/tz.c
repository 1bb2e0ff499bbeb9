/* SPDX-License-Identifier: Apache-2.0 */
/* tz.c: local wall time <-> UTC in a named IANA zone through the system tz database (glibc).
 * glibc has no per-call zone, so each call sets TZ under one global mutex (setenv + tzset),
 * converts with localtime_r/timegm and restores the previous TZ before unlocking. Nothing is
 * cached. Gaps (spring forward) move forward by the gap; ambiguous times (fall back) take
 * the first occurrence. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* Holds the previous TZ while a zone is in force. */
struct tz_saved {
    char *old; /* owned copy of the previous TZ, NULL when it was unset */
};

static void tz_enter(const char *tz, struct tz_saved *saved)
{
    const char *old;

    pthread_mutex_lock(&tz_lock);
    old = getenv("TZ");
    saved->old = old ? sw_xstrdup(old) : NULL;
    setenv("TZ", tz, 1);
    tzset();
}

static void tz_leave(struct tz_saved *saved)
{
    if (saved->old) {
        setenv("TZ", saved->old, 1);
    } else {
        unsetenv("TZ");
    }
    tzset();
    free(saved->old);
    saved->old = NULL;
    pthread_mutex_unlock(&tz_lock);
}

/* UTC offset (s) in force at t; TZ must be set (caller holds the lock). */
static int offset_at(int64_t t, long *ret_off)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!localtime_r(&tt, &tm)) {
        return -EINVAL;
    }
    *ret_off = tm.tm_gmtoff;
    return 0;
}

static bool date_ok(int y, int mon, int day, int h, int min, int s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int dim;

    if (y < 1 || y > 9999 || mon < 1 || mon > 12 || h < 0 || h > 23 || min < 0 || min > 59 ||
        s < 0 || s > 59) {
        return false;
    }
    dim = mdays[mon - 1];
    if (mon == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        dim = 29;
    }
    return day >= 1 && day <= dim;
}

/* The wall time read as if it were UTC. */
static int64_t naive(int y, int mon, int day, int h, int min, int s)
{
    struct tm tm = {
        .tm_year = y - 1900,
        .tm_mon = mon - 1,
        .tm_mday = day,
        .tm_hour = h,
        .tm_min = min,
        .tm_sec = s,
    };
    return (int64_t)timegm(&tm);
}

int sw_tz_to_utc(const char *tz, int y, int mon, int day, int h, int min, int s, int64_t *ret_t)
{
    struct tz_saved saved;
    long off_a = 0, off_b = 0, chk;
    int64_t local, ta, tb, t;
    bool va, vb;
    int r;

    if (!sw_tz_valid(tz) || !date_ok(y, mon, day, h, min, s)) {
        return -EINVAL;
    }
    local = naive(y, mon, day, h, min, s);

    /* Real zones change offset at most once within two days, so the offsets a day before and
     * a day after are the only candidates. A candidate is valid when the offset in force at
     * the instant it gives is the one it assumed. */
    tz_enter(tz, &saved);
    r = offset_at(local - 86400, &off_a);
    if (r >= 0) {
        r = offset_at(local + 86400, &off_b);
    }
    ta = local - off_a;
    tb = local - off_b;
    va = r >= 0 && offset_at(ta, &chk) >= 0 && chk == off_a;
    vb = r >= 0 && offset_at(tb, &chk) >= 0 && chk == off_b;
    tz_leave(&saved);
    if (r < 0) {
        return r;
    }

    if (va && vb) {
        t = ta < tb ? ta : tb; /* ambiguous: the first occurrence */
    } else if (va || vb) {
        t = va ? ta : tb;
    } else {
        /* In the gap: read with the offset before the change, which lands as far past the
         * change as the wall time was past it (02:30 -> 03:30). */
        t = ta;
    }
    *ret_t = t;
    return 0;
}

int sw_tz_from_utc(const char *tz, int64_t t, struct tm *ret_local)
{
    struct tz_saved saved;
    time_t tt = (time_t)t;
    struct tm tm;
    bool ok;

    if (!sw_tz_valid(tz) || t < -62135596800LL || t > 253402300799LL) {
        return -EINVAL;
    }
    tz_enter(tz, &saved);
    ok = localtime_r(&tt, &tm) != NULL;
    tz_leave(&saved);
    if (!ok) {
        return -EINVAL;
    }
    *ret_local = tm;
    return 0;
}

int sw_tz_month(const char *tz, int y, int mon, int64_t *ret_start, int64_t *ret_end)
{
    int64_t start, end;
    int r;

    if (y < 1 || y > 9998 || mon < 1 || mon > 12) {
        return -EINVAL;
    }
    r = sw_tz_to_utc(tz, y, mon, 1, 0, 0, 0, &start);
    if (r < 0) {
        return r;
    }
    r = sw_tz_to_utc(tz, mon == 12 ? y + 1 : y, mon == 12 ? 1 : mon + 1, 1, 0, 0, 0, &end);
    if (r < 0) {
        return r;
    }
    *ret_start = start;
    *ret_end = end;
    return 0;
}
