/* SPDX-License-Identifier: Apache-2.0 */
/* test_tz.c: src/core/tz.c with exact values: month lengths across DST, the spring-forward gap,
 * the fall-back ambiguity, UTC, bad zones and dates, and TZ left as it was found. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/core.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_month_lengths), cmocka_unit_test(test_gap_and_ambiguous),
        cmocka_unit_test(test_from_utc),      cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_tz_restored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
