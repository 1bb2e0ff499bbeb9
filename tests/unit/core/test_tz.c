/* SPDX-License-Identifier: Apache-2.0 */
/* test_tz.c: src/core/tz.c with exact values: month lengths across DST, the spring-forward gap,
 * the fall-back ambiguity, UTC, bad zones and dates, and TZ left as it was found; then the
 * TZif reader against glibc's localtime_r (TZ is set here, in this single-threaded test only),
 * footer rules on synthetic files, malformed files, threads and speed. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/tz_int.h"

static int64_t month_len(const char *tz, int y, int mon)
{
    int64_t a = -1, b = -1;
    assert_int_equal(sw_tz_month(tz, y, mon, &a, &b), 0);
    return b - a;
}

static void test_month_lengths(void **unused)
{
    int64_t a = 0, b = 0;

    (void)unused;
    assert_int_equal(month_len("Europe/Berlin", 2026, 10), 2682000); /* 31 d + 1 h */
    assert_int_equal(month_len("Europe/Berlin", 2026, 3), 2674800);  /* 31 d - 1 h */
    assert_int_equal(month_len("Europe/London", 2025, 3), 2674800);
    assert_int_equal(month_len("Europe/London", 2025, 10), 2682000);
    assert_int_equal(month_len("UTC", 2026, 10), 2678400);
    assert_int_equal(month_len("UTC", 2024, 2), 2505600); /* leap year */
    assert_int_equal(month_len("UTC", 2026, 2), 2419200);
    assert_int_equal(month_len("Europe/Berlin", 2026, 4), 2592000);

    /* October 2026 in Berlin: 2026-09-30T22:00:00Z .. 2026-10-31T23:00:00Z */
    assert_int_equal(sw_tz_month("Europe/Berlin", 2026, 10, &a, &b), 0);
    assert_int_equal(a, 1790805600);
    assert_int_equal(b, 1793487600);
    /* December wraps into the next year */
    assert_int_equal(sw_tz_month("UTC", 2026, 12, &a, &b), 0);
    assert_int_equal(a, 1796083200);
    assert_int_equal(b, 1798761600);
}

static void test_gap_and_ambiguous(void **unused)
{
    int64_t t = 0;

    (void)unused;
    /* 2026-03-29 02:30 does not exist in Berlin: it becomes 03:30 CEST = 01:30Z */
    assert_int_equal(sw_tz_to_utc("Europe/Berlin", 2026, 3, 29, 2, 30, 0, &t), 0);
    assert_int_equal(t, 1774747800);
    assert_int_equal(sw_tz_to_utc("Europe/Berlin", 2026, 3, 29, 3, 30, 0, &t), 0);
    assert_int_equal(t, 1774747800);
    assert_int_equal(sw_tz_to_utc("Europe/Berlin", 2026, 3, 29, 1, 59, 59, &t), 0);
    assert_int_equal(t, 1774745999); /* 00:59:59Z, the last CET second */
    /* 2026-10-25 02:30 happens twice: the first (CEST, 00:30Z) is taken */
    assert_int_equal(sw_tz_to_utc("Europe/Berlin", 2026, 10, 25, 2, 30, 0, &t), 0);
    assert_int_equal(t, 1792888200);
    assert_int_equal(sw_tz_to_utc("Europe/Berlin", 2026, 10, 25, 3, 0, 0, &t), 0);
    assert_int_equal(t, 1792893600); /* 02:00Z, CET */
    /* the southern hemisphere: Sydney falls back on 2026-04-05 03:00 -> 02:00 */
    assert_int_equal(sw_tz_to_utc("Australia/Sydney", 2026, 4, 5, 2, 30, 0, &t), 0);
    assert_int_equal(t, 1775316600); /* 15:30Z on the 4th, AEDT (+11) */
}

static void test_from_utc(void **unused)
{
    struct tm tm;

    (void)unused;
    assert_int_equal(sw_tz_from_utc("Europe/Berlin", 1792888200, &tm), 0); /* 00:30Z */
    assert_int_equal(tm.tm_hour, 2);
    assert_int_equal(tm.tm_min, 30);
    assert_int_equal(tm.tm_gmtoff, 7200);
    assert_int_equal(sw_tz_from_utc("Europe/Berlin", 1792888200 + 3600, &tm), 0);
    assert_int_equal(tm.tm_hour, 2); /* the second 02:30 */
    assert_int_equal(tm.tm_gmtoff, 3600);
    assert_int_equal(tm.tm_year, 126);
    assert_int_equal(tm.tm_mon, 9);
    assert_int_equal(tm.tm_mday, 25);
    assert_int_equal(tm.tm_wday, 0);
    assert_int_equal(sw_tz_from_utc("UTC", 0, &tm), 0);
    assert_int_equal(tm.tm_year, 70);
    assert_int_equal(tm.tm_gmtoff, 0);
}

static void test_bad_input(void **unused)
{
    int64_t t = 77;
    struct tm tm;

    (void)unused;
    assert_int_equal(sw_tz_to_utc("Mars/Olympus", 2026, 1, 1, 0, 0, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc(NULL, 2026, 1, 1, 0, 0, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc("../etc/passwd", 2026, 1, 1, 0, 0, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc("UTC", 2026, 13, 1, 0, 0, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc("UTC", 2026, 2, 29, 0, 0, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc("UTC", 2026, 4, 31, 0, 0, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc("UTC", 2026, 1, 1, 24, 0, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc("UTC", 2026, 1, 1, 0, 60, 0, &t), -EINVAL);
    assert_int_equal(sw_tz_to_utc("UTC", 0, 1, 1, 0, 0, 0, &t), -EINVAL);
    assert_int_equal(t, 77);
    assert_int_equal(sw_tz_to_utc("UTC", 2024, 2, 29, 0, 0, 0, &t), 0);
    assert_int_equal(t, 1709164800);
    assert_int_equal(sw_tz_month("Nowhere", 2026, 1, &t, &t), -EINVAL);
    assert_int_equal(sw_tz_month("UTC", 2026, 0, &t, &t), -EINVAL);
    assert_int_equal(sw_tz_from_utc("Nowhere", 0, &tm), -EINVAL);
}

static void test_tz_restored(void **unused)
{
    int64_t t;

    (void)unused;
    unsetenv("TZ");
    assert_int_equal(sw_tz_to_utc("Asia/Tokyo", 2026, 1, 1, 9, 0, 0, &t), 0);
    assert_int_equal(t, 1767225600);
    assert_null(getenv("TZ"));
    setenv("TZ", "America/New_York", 1);
    assert_int_equal(sw_tz_to_utc("Asia/Tokyo", 2026, 1, 1, 9, 0, 0, &t), 0);
    assert_string_equal(getenv("TZ"), "America/New_York");
    unsetenv("TZ");
}

/* ---- against glibc: TZ is set in this single-threaded test process only ---- */

static const char *const zones[] = {
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
    "Asia/Kolkata",  "Pacific/Chatham",  "America/Sao_Paulo",
    "UTC",           "Europe/London",    "Australia/Sydney",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static int64_t utc_of(int y, int mon, int day)
{
    int64_t t = 0;
    assert_int_equal(sw_tz_to_utc("UTC", y, mon, day, 0, 0, 0, &t), 0);
    return t;
}

static void glibc_zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

/* tm must equal what glibc's localtime_r (under the TZ set) says for t, field by field. */
static void assert_like_glibc(const char *what, int64_t t, const struct tm *tm)
{
    time_t tt = (time_t)t;
    struct tm g;

    assert_non_null(localtime_r(&tt, &g));
    if (tm->tm_year != g.tm_year || tm->tm_mon != g.tm_mon || tm->tm_mday != g.tm_mday ||
        tm->tm_hour != g.tm_hour || tm->tm_min != g.tm_min || tm->tm_sec != g.tm_sec ||
        tm->tm_wday != g.tm_wday || tm->tm_yday != g.tm_yday || tm->tm_isdst != g.tm_isdst ||
        tm->tm_gmtoff != g.tm_gmtoff || !tm->tm_zone || strcmp(tm->tm_zone, g.tm_zone) != 0) {
        print_error("%s at %lld: ours %d-%d-%d %d:%d:%d wd %d yd %d dst %d off %ld %s, "
                    "glibc %d-%d-%d %d:%d:%d wd %d yd %d dst %d off %ld %s\n",
                    what, (long long)t, tm->tm_year, tm->tm_mon, tm->tm_mday, tm->tm_hour,
                    tm->tm_min, tm->tm_sec, tm->tm_wday, tm->tm_yday, tm->tm_isdst, tm->tm_gmtoff,
                    tm->tm_zone ? tm->tm_zone : "(null)", g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour,
                    g.tm_min, g.tm_sec, g.tm_wday, g.tm_yday, g.tm_isdst, g.tm_gmtoff, g.tm_zone);
        fail();
    }
}

/* The instants compared: every hour of 2026 and of 2045 (past Debian's fat data, the footer
 * alone), then one about every week and a bit, 1970..2100. */
static size_t sample_instants(int64_t **ret)
{
    int64_t a = utc_of(2026, 1, 1), b = utc_of(2027, 1, 1), c = utc_of(2045, 1, 1);
    int64_t d = utc_of(2046, 1, 1), e = utc_of(2101, 1, 1);
    size_t n = 0, cap = 40000;
    int64_t *v = malloc(cap * sizeof(*v));

    assert_non_null(v);
    for (int64_t t = a; t < b; t += 3600) {
        v[n++] = t;
    }
    for (int64_t t = c; t < d; t += 3600) {
        v[n++] = t;
    }
    for (int64_t t = 0; t < e; t += 7 * 86400 + 3607) {
        v[n++] = t;
    }
    assert_true(n <= cap);
    *ret = v;
    return n;
}

static void test_glibc_named_zones(void **unused)
{
    int64_t *v;
    size_t n = sample_instants(&v);
    struct tm tm;

    (void)unused;
    for (size_t z = 0; z < NZONES; z++) {
        glibc_zone(zones[z]);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(sw_tz_from_utc(zones[z], v[i], &tm), 0);
            assert_like_glibc(zones[z], v[i], &tm);
        }
        /* before 1970 too: Berlin 1916, New York 1883, Kolkata's many offsets */
        for (int64_t t = utc_of(1890, 1, 1); t < 0; t += 5 * 86400 + 1234) {
            assert_int_equal(sw_tz_from_utc(zones[z], t, &tm), 0);
            assert_like_glibc(zones[z], t, &tm);
        }
    }
    unsetenv("TZ");
    tzset();
    free(v);
}

/* to_utc(from_utc(t)) is t, except on the second pass of a fall-back hour, where it is the
 * first pass: the same wall time exactly one offset change earlier. */
static void test_round_trip(void **unused)
{
    /* on-the-hour UTC instants of 2026 that are the second pass of an ambiguous wall time */
    static const int second_pass[NZONES] = {1, 1, 1, 0, 1, 0, 0, 1, 1};
    int64_t *v;
    size_t n = sample_instants(&v);

    (void)unused;
    for (size_t z = 0; z < NZONES; z++) {
        int seconds = 0;

        for (size_t i = 0; i < n; i++) {
            struct tm tm, tm2;
            int64_t r = -1;

            assert_int_equal(sw_tz_from_utc(zones[z], v[i], &tm), 0);
            assert_int_equal(sw_tz_to_utc(zones[z], tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                          tm.tm_hour, tm.tm_min, tm.tm_sec, &r),
                             0);
            if (r == v[i]) {
                continue;
            }
            assert_true(r < v[i]);
            assert_int_equal(sw_tz_from_utc(zones[z], r, &tm2), 0);
            assert_int_equal(v[i] - r, tm2.tm_gmtoff - tm.tm_gmtoff);
            assert_int_equal(tm2.tm_hour, tm.tm_hour);
            assert_int_equal(tm2.tm_min, tm.tm_min);
            assert_int_equal(tm2.tm_mday, tm.tm_mday);
            if (tm.tm_year == 126) {
                seconds++;
            }
        }
        assert_int_equal(seconds, second_pass[z]);
    }
    free(v);
}

static void test_more_gaps(void **unused)
{
    int64_t t = 0;
    struct tm tm;

    (void)unused;
    /* Lord Howe springs forward 30 min: 2026-10-04 02:15 becomes 02:45 (+11) */
    assert_int_equal(sw_tz_to_utc("Australia/Lord_Howe", 2026, 10, 4, 2, 15, 0, &t), 0);
    assert_int_equal(t, 1791042300);
    assert_int_equal(sw_tz_to_utc("Australia/Lord_Howe", 2026, 10, 4, 2, 30, 0, &t), 0);
    assert_int_equal(t, 1791041400);
    assert_int_equal(sw_tz_from_utc("Australia/Lord_Howe", 1791042300, &tm), 0);
    assert_int_equal(tm.tm_hour, 2);
    assert_int_equal(tm.tm_min, 45);
    assert_int_equal(tm.tm_gmtoff, 39600);
    assert_string_equal(tm.tm_zone, "+11");
    /* and falls back 30 min: 01:45 on 2026-04-05 is taken the first time (+11) */
    assert_int_equal(sw_tz_to_utc("Australia/Lord_Howe", 2026, 4, 5, 1, 45, 0, &t), 0);
    assert_int_equal(t, 1775313900);
    /* Chatham: 02:50 in the 02:45 -> 03:45 gap; 03:00 in the 03:45 -> 02:45 overlap */
    assert_int_equal(sw_tz_to_utc("Pacific/Chatham", 2026, 9, 27, 2, 50, 0, &t), 0);
    assert_int_equal(t, 1790431500);
    assert_int_equal(sw_tz_to_utc("Pacific/Chatham", 2026, 4, 5, 3, 0, 0, &t), 0);
    assert_int_equal(t, 1775308500);
    assert_int_equal(sw_tz_to_utc("America/New_York", 2026, 3, 8, 2, 30, 0, &t), 0);
    assert_int_equal(t, 1772955000);
    assert_int_equal(sw_tz_to_utc("America/New_York", 2026, 11, 1, 1, 30, 0, &t), 0);
    assert_int_equal(t, 1793511000);
    /* 2045: past the last transition in the file, only the footer rule applies */
    assert_int_equal(sw_tz_to_utc("Europe/Berlin", 2045, 3, 26, 2, 30, 0, &t), 0);
    assert_int_equal(t, 2374104600);
    assert_int_equal(sw_tz_to_utc("Europe/Berlin", 2045, 10, 29, 2, 30, 0, &t), 0);
    assert_int_equal(t, 2392849800);
    assert_int_equal(month_len("Europe/Berlin", 2045, 10), 2682000);
    /* Sao Paulo kept DST until 2019: 2018-11-04 00:30 did not exist; 2026 has no change */
    assert_int_equal(sw_tz_to_utc("America/Sao_Paulo", 2018, 11, 4, 0, 30, 0, &t), 0);
    assert_int_equal(t, 1541302200);
    assert_int_equal(sw_tz_to_utc("America/Sao_Paulo", 2026, 11, 1, 0, 30, 0, &t), 0);
    assert_int_equal(t, 1793503800);
    assert_int_equal(sw_tz_to_utc("Asia/Kolkata", 2026, 1, 1, 0, 0, 0, &t), 0);
    assert_int_equal(t, 1767205800);

    /* the rest of struct tm, and tm_zone living in the cache */
    assert_int_equal(sw_tz_from_utc("Europe/Berlin", 1792888200, &tm), 0);
    assert_int_equal(tm.tm_yday, 297);
    assert_int_equal(tm.tm_isdst, 1);
    assert_string_equal(tm.tm_zone, "CEST");
    assert_int_equal(sw_tz_from_utc("Europe/Berlin", 1792888200 + 3600, &tm), 0);
    assert_int_equal(tm.tm_isdst, 0);
    assert_string_equal(tm.tm_zone, "CET");
    assert_int_equal(sw_tz_from_utc("UTC", -62135596800LL, &tm), 0);
    assert_int_equal(tm.tm_year, 1 - 1900);
    assert_int_equal(tm.tm_yday, 0);
    assert_int_equal(tm.tm_wday, 1); /* 0001-01-01 was a Monday */
    assert_int_equal(sw_tz_from_utc("UTC", 253402300799LL, &tm), 0);
    assert_int_equal(tm.tm_year, 9999 - 1900);
    assert_int_equal(tm.tm_yday, 364);
    assert_int_equal(sw_tz_from_utc("UTC", 253402300800LL, &tm), -EINVAL);
    assert_int_equal(sw_tz_from_utc("UTC", -62135596801LL, &tm), -EINVAL);
    assert_int_equal(sw_tz_from_utc(NULL, 0, &tm), -EINVAL);
    assert_int_equal(sw_tz_from_utc("right/UTC", 0, &tm), -EINVAL); /* leap seconds */
}

/* ---- synthetic TZif files ---- */

struct tzif {
    uint8_t b[8192];
    size_t len;
};

static void put(struct tzif *f, const void *p, size_t n)
{
    assert_true(f->len + n <= sizeof(f->b));
    memcpy(f->b + f->len, p, n);
    f->len += n;
}

static void put32(struct tzif *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(f, b, 4);
}

static void header(struct tzif *f, char version, uint32_t timecnt, uint32_t typecnt,
                   uint32_t charcnt)
{
    uint8_t zero[15] = {0};
    put(f, "TZif", 4);
    put(f, &version, 1);
    put(f, zero, 15);
    put32(f, 0); /* isutcnt */
    put32(f, 0); /* isstdcnt */
    put32(f, 0); /* leapcnt */
    put32(f, timecnt);
    put32(f, typecnt);
    put32(f, charcnt);
}

/* A version 2 file: an empty 32-bit block, n transitions between types 0 (std, +1 h "AAA")
 * and 1 (dst, +2 h "BBB"), then the footer. The second header sits at byte 44, the 64-bit
 * data at byte 88. */
static void build(struct tzif *f, const int64_t *trans, size_t n, const char *footer)
{
    static const char chars[] = "AAA\0BBB";

    f->len = 0;
    header(f, '2', 0, 0, 0);
    header(f, '2', (uint32_t)n, 2, sizeof(chars));
    for (size_t i = 0; i < n; i++) {
        put32(f, (uint32_t)((uint64_t)trans[i] >> 32));
        put32(f, (uint32_t)trans[i]);
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t idx = (uint8_t)(i % 2 == 0);
        put(f, &idx, 1);
    }
    put32(f, 3600);
    put(f, "\0\0", 2);
    put32(f, 7200);
    put(f, "\1\4", 2);
    put(f, chars, sizeof(chars));
    put(f, "\n", 1);
    put(f, footer, strlen(footer));
    put(f, "\n", 1);
}

static struct sw_tzinfo *parse_ok(const struct tzif *f)
{
    struct sw_tzinfo *z = NULL;
    assert_int_equal(sw_tzinfo_parse(f->b, f->len, &z), 0);
    assert_non_null(z);
    return z;
}

static void assert_refused(const struct tzif *f, const char *what)
{
    struct sw_tzinfo *z = (struct sw_tzinfo *)&z;
    int r = sw_tzinfo_parse(f->b, f->len, &z);

    if (r != -EINVAL) {
        print_error("accepted: %s\n", what);
    }
    assert_int_equal(r, -EINVAL);
    assert_ptr_equal(z, &z); /* untouched */
}

static void test_footer_rules(void **unused)
{
    /* each as a footer with no transitions, so it governs all time; glibc reads the same
     * string from TZ */
    static const char *const rules[] = {
        "CET-1CEST,M3.5.0,M10.5.0/3",
        "EST5EDT,M3.2.0,M11.1.0",
        "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
        "IST-2IDT,M3.4.4/26,M10.5.0",
        "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
        "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
        "GMT0BST,M3.5.0/1,M10.5.0",
        "AAA3BBB,J60/2,J300/2",
        "AAA3BBB,59/2,299",
        "AAA3BBB,0/0,300/3",
        "<+0330>-3:30",
        "UTC0",
        "AAA-2BBB-3:30:15,M3.1.0/-100,M10.5.6/150",
        "<-0130>1:30<+0130>-1:30,M2.5.4/167,M11.2.3/-167",
    };
    int64_t a = utc_of(2024, 1, 1), b = utc_of(2026, 1, 1), e = utc_of(2101, 1, 1);

    (void)unused;
    for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
        struct tzif f;
        struct sw_tzinfo *z;
        struct tm tm;

        build(&f, NULL, 0, rules[k]);
        z = parse_ok(&f);
        glibc_zone(rules[k]);
        for (int64_t t = a; t < b; t += 1800) {
            assert_int_equal(sw_tzinfo_from_utc(z, t, &tm), 0);
            assert_like_glibc(rules[k], t, &tm);
        }
        /* glibc reads a TZ rule as 1970's for every earlier year, so compare from 1971 */
        for (int64_t t = utc_of(1971, 1, 1); t < e; t += 3 * 86400 + 997) {
            int64_t r = 0;

            assert_int_equal(sw_tzinfo_from_utc(z, t, &tm), 0);
            assert_like_glibc(rules[k], t, &tm);
            assert_int_equal(sw_tzinfo_to_utc(z, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                              tm.tm_hour, tm.tm_min, tm.tm_sec, &r),
                             0);
            assert_true(r == t || r == t - 3600 || r == t - 1800 || r == t - 5415 ||
                        r == t - 10800);
        }
        sw_tzinfo_free(z);
    }
    unsetenv("TZ");
    tzset();
}

/* RFC 8536 3.3.1: DST all year. glibc's TZ rules disagree for the hours of each 31 December
 * after the change back (it checks only the year's own changes), so exact values here. */
static void test_dst_all_year(void **unused)
{
    struct tzif f;
    struct sw_tzinfo *z;
    struct tm tm;
    int64_t r = 0;

    (void)unused;
    build(&f, NULL, 0, "EST5EDT,0/0,J365/25");
    z = parse_ok(&f);
    for (int64_t t = utc_of(2023, 1, 1); t < utc_of(2026, 1, 1); t += 1800) {
        assert_int_equal(sw_tzinfo_from_utc(z, t, &tm), 0);
        assert_int_equal(tm.tm_gmtoff, -14400);
        assert_int_equal(tm.tm_isdst, 1);
        assert_string_equal(tm.tm_zone, "EDT");
        assert_int_equal(sw_tzinfo_to_utc(z, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                          tm.tm_hour, tm.tm_min, tm.tm_sec, &r),
                         0);
        assert_int_equal(r, t);
    }
    sw_tzinfo_free(z);
}

static void test_transitions_then_footer(void **unused)
{
    /* two transitions in 2030 from the table, then a footer with other dates */
    int64_t trans[] = {utc_of(2030, 4, 1), utc_of(2030, 9, 1)};
    struct tzif f;
    struct sw_tzinfo *z;
    struct tm tm;
    int64_t t = 0;

    (void)unused;
    build(&f, trans, 2, "AAA-1BBB,M3.5.0,M10.5.0/3");
    z = parse_ok(&f);
    /* before the first transition: type 0 */
    assert_int_equal(sw_tzinfo_from_utc(z, utc_of(1800, 6, 1), &tm), 0);
    assert_int_equal(tm.tm_gmtoff, 3600);
    assert_string_equal(tm.tm_zone, "AAA");
    assert_int_equal(sw_tzinfo_from_utc(z, utc_of(2030, 3, 31) + 86399, &tm), 0);
    assert_int_equal(tm.tm_gmtoff, 3600);
    assert_int_equal(sw_tzinfo_from_utc(z, utc_of(2030, 4, 1), &tm), 0);
    assert_int_equal(tm.tm_gmtoff, 7200);
    assert_int_equal(tm.tm_isdst, 1);
    assert_string_equal(tm.tm_zone, "BBB");
    /* at the last transition the footer takes over: still summer by its rule (until
     * 2030-10-27), though the table's last type is standard time */
    assert_int_equal(sw_tzinfo_from_utc(z, utc_of(2030, 9, 1), &tm), 0);
    assert_int_equal(tm.tm_gmtoff, 7200);
    assert_int_equal(sw_tzinfo_from_utc(z, utc_of(2030, 10, 27) + 3600, &tm), 0);
    assert_int_equal(tm.tm_gmtoff, 3600);
    /* the table's gap: 2030-04-01 00:30 local does not exist (00:00 -> 01:00 at 23:00Z) */
    assert_int_equal(sw_tzinfo_to_utc(z, 2030, 4, 1, 1, 30, 0, &t), 0);
    assert_int_equal(t, utc_of(2030, 4, 1) - 1800 + 3600);
    sw_tzinfo_free(z);

    /* no footer: the last type holds for ever */
    build(&f, trans, 2, "");
    z = parse_ok(&f);
    assert_int_equal(sw_tzinfo_from_utc(z, utc_of(2040, 7, 1), &tm), 0);
    assert_int_equal(tm.tm_gmtoff, 3600);
    assert_string_equal(tm.tm_zone, "AAA");
    sw_tzinfo_free(z);
}

static void *read_all(const char *path, size_t *ret_len)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *b = malloc(SW_TZIF_MAX + 1);
    size_t n;

    assert_non_null(fp);
    assert_non_null(b);
    n = fread(b, 1, SW_TZIF_MAX + 1, fp);
    fclose(fp);
    assert_true(n > 44 && n <= SW_TZIF_MAX);
    *ret_len = n;
    return b;
}

static void test_malformed(void **unused)
{
    int64_t trans[] = {1000, 1256}; /* 0x3e8, 0x4e8 */
    struct sw_tzinfo *z;
    struct tzif f, g;
    struct tm tm;
    uint8_t *real;
    size_t len;

    (void)unused;
    /* the real Berlin file parses and agrees with the named zone; every truncation of it is
     * refused (the footer's newline ends the file) */
    real = read_all("/usr/share/zoneinfo/Europe/Berlin", &len);
    assert_int_equal(sw_tzinfo_parse(real, len, &z), 0);
    assert_int_equal(sw_tzinfo_from_utc(z, 1792888200, &tm), 0);
    assert_int_equal(tm.tm_gmtoff, 7200);
    sw_tzinfo_free(z);
    for (size_t n = 0; n < len; n++) {
        z = (struct sw_tzinfo *)&z;
        assert_int_equal(sw_tzinfo_parse(real, n, &z), -EINVAL);
        assert_ptr_equal(z, &z);
    }
    real[len] = '\n'; /* a byte too many */
    z = NULL;
    assert_int_equal(sw_tzinfo_parse(real, len + 1, &z), -EINVAL);
    assert_int_equal(sw_tzinfo_parse(NULL, 0, &z), -EINVAL);
    assert_int_equal(sw_tzinfo_parse(real, SW_TZIF_MAX + 1, &z), -EINVAL);
    assert_null(z);
    free(real);

    build(&g, trans, 2, "AAA-1");
    sw_tzinfo_free(parse_ok(&g));
#define CORRUPT(off, byte)                                                                         \
    do {                                                                                           \
        f = g;                                                                                     \
        f.b[(off)] = (byte);                                                                       \
        assert_refused(&f, #off);                                                                  \
    } while (0)
    CORRUPT(0, 'X');                /* magic */
    CORRUPT(4, '5');                /* unknown version */
    CORRUPT(44 + 4, '9');           /* second header's version */
    CORRUPT(44 + 31, 1);            /* a leap second record */
    CORRUPT(44 + 35, 3);            /* timecnt 3: everything after shifts */
    CORRUPT(44 + 35, 0xff);         /* timecnt past the end */
    CORRUPT(44 + 32, 0x7f);         /* timecnt past the cap */
    CORRUPT(44 + 39, 0);            /* typecnt 0 */
    CORRUPT(44 + 39, 0xff);         /* typecnt past the end */
    CORRUPT(44 + 43, 0);            /* charcnt 0 */
    CORRUPT(44 + 23, 2);            /* isutcnt neither 0 nor typecnt */
    CORRUPT(44 + 27, 1);            /* isstdcnt neither 0 nor typecnt */
    CORRUPT(88 + 14, 0);            /* second transition (0xe8) before the first (0x3e8) */
    CORRUPT(88 + 14, 3);            /* equal transitions (0x3e8, 0x3e8) */
    CORRUPT(88 + 16, 2);            /* transition type index out of range */
    CORRUPT(88 + 18, 0x7f);         /* utoff of type 0 far beyond 26 h */
    CORRUPT(88 + 18 + 4, 2);        /* isdst neither 0 nor 1 */
    CORRUPT(88 + 18 + 5, 8);        /* abbreviation index past charcnt */
    CORRUPT(88 + 18 + 12 + 7, 'x'); /* last abbreviation not NUL-terminated */
    CORRUPT(88 + 18 + 12 + 8, 'x'); /* footer not opened by a newline */
    CORRUPT(g.len - 1, 'x');        /* footer not closed by a newline */
    CORRUPT(g.len - 2, '\0');       /* NUL inside the footer */
#undef CORRUPT

    /* bad footers */
    static const char *const bad[] = {
        "AA-1",                        /* name too short */
        "AAAAAAAAAAAAAAAAA-1",         /* name too long */
        "<+03",                        /* unclosed quote */
        "<+0/3>-3",                    /* bad character in a quoted name */
        "AAA",                         /* no offset */
        "AAA25",                       /* offset past 24 h */
        "AAA-1:60",                    /* minutes */
        "AAA-1BBB",                    /* DST without a rule */
        "AAA-1BBB,M3.5.0",             /* no end */
        "AAA-1BBB,M13.5.0,M10.5.0",    /* month */
        "AAA-1BBB,M3.6.0,M10.5.0",     /* week */
        "AAA-1BBB,M3.5.7,M10.5.0",     /* day */
        "AAA-1BBB,J0,J100",            /* Julian 0 */
        "AAA-1BBB,366,100",            /* day 366 */
        "AAA-1BBB,M3.5.0/168,M10.5.0", /* time past 167 h */
        "AAA-1BBB,M3.5.0,M10.5.0x",    /* trailing junk */
        "AAA-1 BBB",                   /* space */
        "AAA-1BBB,M3.5",               /* cut short */
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        build(&f, trans, 2, bad[k]);
        assert_refused(&f, bad[k]);
    }

    /* a version 1 file: 32-bit times, no footer, nothing after the block */
    f.len = 0;
    header(&f, '\0', 1, 1, 4);
    put32(&f, 0x80000000u);
    put(&f, "\0", 1);
    put32(&f, (uint32_t)-18000);
    put(&f, "\0\0", 2);
    put(&f, "EST", 4);
    z = parse_ok(&f);
    assert_int_equal(sw_tzinfo_from_utc(z, 0, &tm), 0);
    assert_int_equal(tm.tm_gmtoff, -18000);
    assert_int_equal(tm.tm_hour, 19);
    assert_string_equal(tm.tm_zone, "EST");
    sw_tzinfo_free(z);
    put(&f, "\n", 1);
    assert_refused(&f, "version 1 with a trailing byte");
}

/* ---- threads and speed ---- */

#define THREAD_N 4
#define THREAD_STEPS 20000

struct worker {
    int64_t base;
    long long sum; /* of every offset and hour seen */
    int errors;
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;

    for (int i = 0; i < THREAD_STEPS; i++) {
        const char *z = zones[(size_t)i % NZONES];
        int64_t t = w->base + (int64_t)i * 4001, r = 0;
        struct tm tm;

        if (sw_tz_from_utc(z, t, &tm) < 0 ||
            sw_tz_to_utc(z, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec, &r) < 0) {
            w->errors++;
            continue;
        }
        w->sum += tm.tm_gmtoff + tm.tm_hour + (t - r);
    }
    return NULL;
}

static void test_threads(void **unused)
{
    struct worker w[THREAD_N], once[THREAD_N];
    pthread_t th[THREAD_N];

    (void)unused;
    for (int i = 0; i < THREAD_N; i++) {
        once[i] = (struct worker){.base = 1700000000 + (int64_t)i * 86400 * 91};
        w[i] = once[i];
        worker_run(&once[i]);
    }
    for (int i = 0; i < THREAD_N; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    }
    for (int i = 0; i < THREAD_N; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].errors, 0);
        assert_int_equal(w[i].sum, once[i].sum);
    }
    assert_null(getenv("TZ"));
}

static void test_speed(void **unused)
{
    enum { N = 1000000 };
    long long ours = 0, theirs = 0;
    int64_t t0 = 1767225600, ns;
    struct tm tm;

    (void)unused;
    glibc_zone("Europe/Berlin");
    for (int i = 0; i < N; i++) {
        time_t tt = (time_t)(t0 + (int64_t)i * 997);
        assert_non_null(localtime_r(&tt, &tm));
        theirs += tm.tm_hour * 100000 + tm.tm_gmtoff + tm.tm_yday;
    }
    unsetenv("TZ");
    tzset();
    ns = sw_mono_ns();
    for (int i = 0; i < N; i++) {
        if (sw_tz_from_utc("Europe/Berlin", t0 + (int64_t)i * 997, &tm) < 0) {
            fail();
        }
        ours += tm.tm_hour * 100000 + tm.tm_gmtoff + tm.tm_yday;
    }
    ns = sw_mono_ns() - ns;
    print_message("1,000,000 sw_tz_from_utc(Europe/Berlin) calls: %lld ms\n",
                  (long long)(ns / 1000000));
    assert_int_equal(ours, theirs); /* the figure is reported, never asserted */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_month_lengths),
        cmocka_unit_test(test_gap_and_ambiguous),
        cmocka_unit_test(test_from_utc),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_tz_restored),
        cmocka_unit_test(test_glibc_named_zones),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_more_gaps),
        cmocka_unit_test(test_footer_rules),
        cmocka_unit_test(test_dst_all_year),
        cmocka_unit_test(test_transitions_then_footer),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
