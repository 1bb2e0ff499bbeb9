/* SPDX-License-Identifier: Apache-2.0 */
/* test_cases.c: src/cases with exact numbers: the documented Friday 17:30 example, holidays, both
 * 2026 DST changes in Europe/Berlin, DOMAIN B6's BIZ / WEEKDAY24 / 24x7 examples with a
 * customer-wait pause, a reopen, the update cadence, the warning instant, the parsers and
 * their errors, and bad event lists. Expected instants are written in UTC by hand. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases/cases.h"

#define H 3600
#define BERLIN "Europe/Berlin"

/* A UTC instant written by hand, e.g. "2026-11-30T15:30:00Z". */
static int64_t utc(const char *s)
{
    int64_t t = 0;
    assert_int_equal(sw_time_parse(s, &t), 0);
    return t;
}

/* Berlin wall time (an input; expected outputs are written with utc()). */
static int64_t berlin(int y, int m, int d, int h, int mi)
{
    int64_t t = 0;
    assert_int_equal(sw_tz_to_utc(BERLIN, y, m, d, h, mi, 0, &t), 0);
    return t;
}

/* days 09:00-18:00 (or the given range) in Berlin. */
static void office(struct sw_calendar *cal, const char *days, const char *from, const char *to)
{
    char err[200] = "";
    sw_cal_init(cal);
    assert_int_equal(sw_cal_set_tz(cal, BERLIN, err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_hours_str(cal, days, from, to, err, sizeof(err)), 0);
    assert_int_equal(sw_cal_validate(cal, err, sizeof(err)), 0);
}

static int64_t advance(const struct sw_calendar *cal, int64_t t0, int64_t g)
{
    int64_t t = 0;
    assert_int_equal(sw_cal_advance(cal, t0, g, &t), 0);
    return t;
}

static int64_t seconds(const struct sw_calendar *cal, int64_t a, int64_t b)
{
    int64_t n = -1;
    assert_int_equal(sw_cal_seconds(cal, a, b, &n), 0);
    return n;
}

/* ---- calendars ---- */

/* The example: severity 3, 8 business hours, Mon-Fri 09:00-18:00 Berlin, opened Friday 17:30. */
static void test_issue_example(void **state)
{
    struct sw_calendar cal;
    (void)state;

    office(&cal, "mon-fri", "09:00", "18:00");
    int64_t open = berlin(2026, 11, 27, 17, 30);
    assert_int_equal(open, utc("2026-11-27T16:30:00Z"));
    int64_t due = advance(&cal, open, 8 * H);
    assert_int_equal(due, utc("2026-11-30T15:30:00Z")); /* Monday 16:30 CET */
    assert_int_equal(seconds(&cal, open, due), 8 * H);
    assert_int_equal(seconds(&cal, open, due - 1), 8 * H - 1);
    /* the weekend counts nothing */
    assert_int_equal(seconds(&cal, utc("2026-11-27T17:00:00Z"), utc("2026-11-30T08:00:00Z")), 0);
    /* a whole week is 45 h */
    assert_int_equal(seconds(&cal, open, open + 7 * 86400), 45 * H);
    /* a goal met exactly at closing time is due then, not at the next opening */
    assert_int_equal(advance(&cal, utc("2026-11-30T08:00:00Z"), 9 * H),
                     utc("2026-11-30T17:00:00Z"));
    assert_int_equal(advance(&cal, open, 0), open);
    sw_cal_release(&cal);
}

static void test_holidays(void **state)
{
    struct sw_calendar cal;
    char err[200] = "";
    (void)state;

    office(&cal, "mon-fri", "09:00", "18:00");
    int64_t open = berlin(2026, 12, 23, 17, 30);                               /* Wednesday */
    assert_int_equal(advance(&cal, open, 8 * H), utc("2026-12-24T15:30:00Z")); /* Thu 16:30 */
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-12-26", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-12-24", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-12-25", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_validate(&cal, err, sizeof(err)), 0);
    /* kept sorted */
    assert_int_equal(cal.n_holidays, 3);
    assert_int_equal(cal.holidays[0].d, 24);
    assert_int_equal(cal.holidays[2].d, 26);
    /* Thursday and Friday are holidays, then the weekend: Monday 28th 16:30 CET */
    assert_int_equal(advance(&cal, open, 8 * H), utc("2026-12-28T15:30:00Z"));
    assert_int_equal(seconds(&cal, open, utc("2026-12-28T08:00:00Z")), H / 2);
    /* a holiday on the example's Monday moves it to Tuesday */
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-11-30", err, sizeof(err)), 0);
    assert_int_equal(advance(&cal, berlin(2026, 11, 27, 17, 30), 8 * H),
                     utc("2026-12-01T15:30:00Z"));
    assert_int_equal(sw_cal_is_open(&cal, utc("2026-11-30T10:00:00Z")), 0);
    assert_int_equal(sw_cal_is_open(&cal, utc("2026-12-01T10:00:00Z")), 1);
    /* a duplicate is refused */
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-12-25", err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "listed twice"));
    assert_int_equal(cal.n_holidays, 4);
    /* a deep copy survives the original */
    struct sw_calendar copy;
    sw_cal_copy(&copy, &cal);
    sw_cal_release(&cal);
    assert_int_equal(advance(&copy, open, 8 * H), utc("2026-12-28T15:30:00Z"));
    sw_cal_release(&copy);
}

/* 2026-10-25: Berlin falls back from 03:00 CEST to 02:00 CET. */
static void test_dst_october(void **state)
{
    struct sw_calendar cal, all, night;
    char err[200] = "";
    (void)state;

    office(&cal, "mon-fri", "09:00", "18:00");
    int64_t open = berlin(2026, 10, 23, 17, 30); /* Friday, CEST */
    assert_int_equal(open, utc("2026-10-23T15:30:00Z"));
    int64_t due = advance(&cal, open, 8 * H);
    assert_int_equal(due, utc("2026-10-26T15:30:00Z")); /* Monday 16:30 CET */
    assert_int_equal(due - open, 3 * 86400);            /* 72 h real, 73 h on the wall */

    /* every day 00:00-24:00: the change day has 25 hours */
    office(&all, "mon-sun", "00:00", "24:00");
    assert_int_equal(seconds(&all, berlin(2026, 10, 24, 0, 0), berlin(2026, 10, 26, 0, 0)), 49 * H);
    assert_int_equal(advance(&all, berlin(2026, 10, 24, 12, 0), 24 * H),
                     utc("2026-10-25T10:00:00Z")); /* Sunday 11:00 CET: 24 h real */

    /* a window across the change counts the real elapsed time: 01:00-04:00 is 4 h */
    office(&night, "sun", "01:00", "04:00");
    assert_int_equal(seconds(&night, utc("2026-10-24T12:00:00Z"), utc("2026-10-26T00:00:00Z")),
                     4 * H);
    assert_int_equal(seconds(&night, utc("2026-10-17T12:00:00Z"), utc("2026-10-19T00:00:00Z")),
                     3 * H);
    /* a window inside the repeated hour counts its first pass */
    struct sw_calendar rep;
    office(&rep, "sun", "02:15", "02:45");
    assert_int_equal(seconds(&rep, utc("2026-10-24T12:00:00Z"), utc("2026-10-26T00:00:00Z")),
                     30 * 60);
    assert_int_equal(advance(&rep, utc("2026-10-24T12:00:00Z"), 60), utc("2026-10-25T00:16:00Z"));
    sw_cal_release(&rep);
    /* a 09:00-18:00 day is 9 h on the change day too */
    assert_int_equal(sw_cal_add_hours_str(&night, "sun", "09:00", "18:00", err, sizeof(err)), 0);
    assert_int_equal(seconds(&night, utc("2026-10-24T12:00:00Z"), utc("2026-10-26T00:00:00Z")),
                     13 * H);
    sw_cal_release(&cal);
    sw_cal_release(&all);
    sw_cal_release(&night);
}

/* 2026-03-29: Berlin springs forward from 02:00 CET to 03:00 CEST. */
static void test_dst_march(void **state)
{
    struct sw_calendar cal, wd24, all, night;
    (void)state;

    office(&cal, "mon-fri", "09:00", "18:00");
    int64_t open = berlin(2026, 3, 27, 17, 30); /* Friday, CET */
    assert_int_equal(open, utc("2026-03-27T16:30:00Z"));
    assert_int_equal(advance(&cal, open, 8 * H), utc("2026-03-30T14:30:00Z")); /* Mon 16:30 CEST */

    /* WEEKDAY24 S1 (4 h), opened Friday 22:00 CET: due Monday 02:00 CEST */
    office(&wd24, "mon-fri", "00:00", "24:00");
    int64_t s1 = berlin(2026, 3, 27, 22, 0);
    assert_int_equal(s1, utc("2026-03-27T21:00:00Z"));
    assert_int_equal(advance(&wd24, s1, 4 * H), utc("2026-03-30T00:00:00Z"));

    /* every day 00:00-24:00: the change day has 23 hours, 24 h real from Sat 12:00 CET */
    office(&all, "mon-sun", "00:00", "24:00");
    assert_int_equal(seconds(&all, berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 30, 0, 0)), 23 * H);
    assert_int_equal(advance(&all, berlin(2026, 3, 28, 12, 0), 24 * H),
                     utc("2026-03-29T11:00:00Z")); /* Sunday 13:00 CEST */

    /* 01:00-04:00 across the gap is 2 h; 09:00-18:00 is still 9 h */
    office(&night, "sun", "01:00", "04:00");
    assert_int_equal(seconds(&night, utc("2026-03-28T12:00:00Z"), utc("2026-03-30T00:00:00Z")),
                     2 * H);
    sw_cal_release(&night);
    office(&night, "sun", "09:00", "18:00");
    assert_int_equal(seconds(&night, utc("2026-03-28T12:00:00Z"), utc("2026-03-30T00:00:00Z")),
                     9 * H);
    /* a window wholly inside the gap counts nothing */
    sw_cal_release(&night);
    office(&night, "sun", "02:15", "02:45");
    assert_int_equal(seconds(&night, utc("2026-03-28T12:00:00Z"), utc("2026-03-30T00:00:00Z")), 0);
    assert_int_equal(seconds(&night, utc("2026-03-21T12:00:00Z"), utc("2026-03-23T00:00:00Z")),
                     30 * 60);
    sw_cal_release(&cal);
    sw_cal_release(&wd24);
    sw_cal_release(&all);
    sw_cal_release(&night);
}

static void test_windows_and_open(void **state)
{
    struct sw_calendar cal, none, always;
    char err[200] = "";
    int64_t t = 0;
    (void)state;

    /* a lunch break: two windows a day, added in any order */
    office(&cal, "mon-fri", "13:00", "17:00");
    assert_int_equal(sw_cal_add_hours_str(&cal, "mon-fri", "09:00", "12:00", err, sizeof(err)), 0);
    assert_int_equal(cal.win[1][0].from_s, 9 * H);
    assert_int_equal(cal.win[1][1].from_s, 13 * H);
    /* touching windows are fine */
    assert_int_equal(sw_cal_add_hours_str(&cal, "sat", "09:00", "12:00", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_hours_str(&cal, "sat", "12:00", "13:00", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_validate(&cal, err, sizeof(err)), 0);
    int64_t mon9 = berlin(2026, 11, 30, 9, 0);
    assert_int_equal(advance(&cal, mon9, 8 * H), utc("2026-12-01T09:00:00Z")); /* Tue 10:00 */
    assert_int_equal(seconds(&cal, mon9, berlin(2026, 12, 1, 0, 0)), 7 * H);
    assert_int_equal(seconds(&cal, berlin(2026, 12, 5, 0, 0), berlin(2026, 12, 6, 0, 0)), 4 * H);

    assert_int_equal(sw_cal_is_open(&cal, berlin(2026, 11, 30, 12, 30)), 0);
    assert_int_equal(sw_cal_is_open(&cal, berlin(2026, 11, 30, 13, 0)), 1);
    assert_int_equal(sw_cal_is_open(&cal, berlin(2026, 11, 30, 16, 59) + 59), 1);
    assert_int_equal(sw_cal_is_open(&cal, berlin(2026, 11, 30, 17, 0)), 0);
    assert_int_equal(sw_cal_next_open(&cal, berlin(2026, 11, 30, 12, 30), &t), 0);
    assert_int_equal(t, utc("2026-11-30T12:00:00Z"));
    assert_int_equal(sw_cal_next_open(&cal, berlin(2026, 12, 6, 10, 0), &t), 0); /* Sunday */
    assert_int_equal(t, utc("2026-12-07T08:00:00Z"));
    assert_int_equal(sw_cal_next_open(&cal, mon9 + 5, &t), 0);
    assert_int_equal(t, mon9 + 5);

    /* a calendar without hours is refused, and its arithmetic gives up */
    sw_cal_init(&none);
    assert_int_equal(sw_cal_validate(&none, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "no hours"));
    assert_int_equal(sw_cal_advance(&none, mon9, 1, &t), -ERANGE);
    assert_int_equal(seconds(&none, mon9, mon9 + 86400), 0);
    /* so does one whose only day is a holiday */
    assert_int_equal(sw_cal_add_hours(&none, SW_CAL_MON, 0, 86400, err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_holiday_str(&none, "2026-11-30", err, sizeof(err)), 0);
    assert_int_equal(advance(&none, utc("2026-11-28T00:00:00Z"), H), utc("2026-12-07T01:00:00Z"));
    /* bad ranges */
    assert_int_equal(sw_cal_seconds(&cal, mon9, mon9 - 1, &t), -EINVAL);
    assert_int_equal(sw_cal_seconds(&cal, mon9, mon9 + 3661LL * 86400, &t), -ERANGE);
    assert_int_equal(sw_cal_advance(&cal, mon9, -1, &t), -EINVAL);
    assert_int_equal(sw_cal_advance(&cal, mon9, 3661LL * 86400, &t), -ERANGE);
    /* 39 h a week: 3000 days of business seconds need more than ten years */
    assert_int_equal(sw_cal_advance(&cal, mon9, 3000LL * 86400, &t), -ERANGE);

    /* 24x7 */
    sw_cal_init_24x7(&always);
    assert_int_equal(sw_cal_validate(&always, err, sizeof(err)), 0);
    assert_int_equal(advance(&always, mon9, H), mon9 + H);
    assert_int_equal(seconds(&always, mon9, mon9 + 86400), 86400);
    assert_int_equal(sw_cal_is_open(&always, mon9), 1);
    assert_int_equal(sw_cal_add_hours(&always, SW_CAL_MON, 0, 3600, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "24x7"));
    assert_int_equal(sw_cal_add_holiday_str(&always, "2026-12-25", err, sizeof(err)), -EINVAL);
    sw_cal_release(&cal);
    sw_cal_release(&none);
    sw_cal_release(&always);
    sw_cal_release(NULL);
}

static void test_parse(void **state)
{
    char err[200] = "";
    unsigned days = 0;
    int32_t s = 0;
    struct sw_cal_date d = {0, 0, 0};
    (void)state;

    assert_int_equal(sw_cal_parse_days("mon-fri", &days, err, sizeof(err)), 0);
    assert_int_equal(days, SW_CAL_WEEKDAYS);
    assert_int_equal(sw_cal_parse_days("mon,wed,fri", &days, err, sizeof(err)), 0);
    assert_int_equal(days, SW_CAL_MON | SW_CAL_WED | SW_CAL_FRI);
    assert_int_equal(sw_cal_parse_days("sat-sun", &days, err, sizeof(err)), 0);
    assert_int_equal(days, SW_CAL_SAT | SW_CAL_SUN);
    assert_int_equal(sw_cal_parse_days(" Mon - Tue , sun", &days, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_days(" Mon-Tue , SUN ", &days, err, sizeof(err)), 0);
    assert_int_equal(days, SW_CAL_MON | SW_CAL_TUE | SW_CAL_SUN);
    assert_int_equal(sw_cal_parse_days("mon-sun", &days, err, sizeof(err)), 0);
    assert_int_equal(days, SW_CAL_ALL_DAYS);

    days = 0;
    assert_int_equal(sw_cal_parse_days("mon-fry", &days, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "unknown day in 'mon-fry'"));
    assert_int_equal(days, 0);
    assert_int_equal(sw_cal_parse_days("monday", &days, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "unknown day"));
    assert_int_equal(sw_cal_parse_days("fri-mon", &days, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "runs backwards"));
    assert_int_equal(sw_cal_parse_days("mon-fri,wed", &days, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "day wed given twice"));
    assert_int_equal(sw_cal_parse_days("", &days, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_days("mon,,tue", &days, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "empty day"));
    assert_int_equal(sw_cal_parse_days("mon,", &days, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_days("-", &days, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_days(NULL, &days, NULL, 0), -EINVAL);

    assert_int_equal(sw_cal_parse_time("09:00", false, &s, err, sizeof(err)), 0);
    assert_int_equal(s, 9 * H);
    assert_int_equal(sw_cal_parse_time("23:59", false, &s, err, sizeof(err)), 0);
    assert_int_equal(s, 23 * H + 59 * 60);
    assert_int_equal(sw_cal_parse_time("24:00", true, &s, err, sizeof(err)), 0);
    assert_int_equal(s, 86400);
    s = 7;
    assert_int_equal(sw_cal_parse_time("24:00", false, &s, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "only as an end"));
    assert_int_equal(s, 7);
    assert_int_equal(sw_cal_parse_time("25:00", true, &s, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "hour 25 is out of range"));
    assert_int_equal(sw_cal_parse_time("24:01", true, &s, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_time("12:60", false, &s, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "minute 60"));
    assert_int_equal(sw_cal_parse_time("9:00", false, &s, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not HH:MM"));
    assert_int_equal(sw_cal_parse_time("09:00:00", false, &s, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_time("0a:00", false, &s, err, sizeof(err)), -EINVAL);
    assert_int_equal(s, 7);

    assert_int_equal(sw_cal_parse_date("2026-12-24", &d, err, sizeof(err)), 0);
    assert_int_equal(d.y, 2026);
    assert_int_equal(d.m, 12);
    assert_int_equal(d.d, 24);
    assert_int_equal(sw_cal_parse_date("2024-02-29", &d, err, sizeof(err)), 0);
    assert_int_equal(sw_cal_parse_date("2000-02-29", &d, err, sizeof(err)), 0);
    assert_int_equal(sw_cal_parse_date("2026-02-30", &d, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "day 30 does not exist in 2026-02"));
    assert_int_equal(d.y, 2000);
    assert_int_equal(sw_cal_parse_date("2100-02-29", &d, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_date("2026-04-31", &d, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_date("2026-13-01", &d, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "month 13"));
    assert_int_equal(sw_cal_parse_date("2026-00-10", &d, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_date("2026-12-00", &d, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_date("0000-01-01", &d, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_date("2026-1-05", &d, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not YYYY-MM-DD"));
    assert_int_equal(sw_cal_parse_date("2026-12-24x", &d, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_parse_date("2026/12/24", &d, err, sizeof(err)), -EINVAL);

    char out[16];
    assert_string_equal(sw_cal_time_format(86400, out), "24:00");
    assert_string_equal(sw_cal_time_format(9 * H + 30 * 60, out), "09:30");
    assert_string_equal(sw_cal_time_format(61, out), "00:01:01");
}

static void test_build_errors(void **state)
{
    struct sw_calendar cal;
    char err[200] = "";
    (void)state;

    office(&cal, "mon-fri", "09:00", "13:00");
    /* overlapping hours: refused, all or nothing */
    assert_int_equal(sw_cal_add_hours_str(&cal, "fri-sun", "12:00", "18:00", err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "hours 12:00-18:00 on fri overlap 09:00-13:00");
    assert_int_equal(cal.n_win[6], 0);
    assert_int_equal(cal.n_win[0], 0);
    assert_int_equal(cal.n_win[5], 1);
    assert_int_equal(sw_cal_add_hours_str(&cal, "mon", "08:00", "09:30", err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(sw_cal_add_hours_str(&cal, "mon", "18:00", "09:00", err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "not before end"));
    assert_int_equal(sw_cal_add_hours_str(&cal, "mon", "25:00", "26:00", err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(sw_cal_add_hours(&cal, 0, 0, 60, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_add_hours(&cal, 0x80, 0, 60, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_cal_add_hours(&cal, SW_CAL_SUN, 60, 86401, err, sizeof(err)), -EINVAL);
    /* the cap on windows a day */
    for (int i = 0; i < SW_CAL_DAY_WINDOWS_MAX - 1; i++) {
        assert_int_equal(
            sw_cal_add_hours(&cal, SW_CAL_SAT, i * 600, i * 600 + 300, err, sizeof(err)), 0);
    }
    assert_int_equal(sw_cal_add_hours(&cal, SW_CAL_SAT, 80000, 80001, err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_hours(&cal, SW_CAL_SAT, 80002, 80003, err, sizeof(err)), -E2BIG);
    /* zones */
    assert_int_equal(sw_cal_set_tz(&cal, "Europe/Nowhere", err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "unknown timezone 'Europe/Nowhere'"));
    assert_int_equal(sw_cal_set_tz(&cal, "", err, sizeof(err)), -EINVAL);
    assert_string_equal(cal.tz, BERLIN);
    /* holidays */
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-02-30", err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "2026-02-30"));
    assert_int_equal(sw_cal_add_holiday(&cal, (struct sw_cal_date){2026, 2, 29}, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(cal.n_holidays, 0);
    /* a hand-filled calendar is checked */
    strcpy(cal.tz, "Mars/Olympus");
    assert_int_equal(sw_cal_validate(&cal, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "unknown timezone 'Mars/Olympus'"));
    strcpy(cal.tz, BERLIN);
    assert_int_equal(sw_cal_validate(&cal, err, sizeof(err)), 0);
    cal.win[2][1] = (struct sw_cal_window){.from_s = 12 * H, .to_s = 14 * H};
    cal.n_win[2] = 2;
    assert_int_equal(sw_cal_validate(&cal, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "overlap"));
    sw_cal_release(&cal);
}

/* Properties over a fixed pseudo-random sample around both 2026 changes, with odd windows
 * (some inside the gap and the repeated hour) and holidays: cal() is additive and advance()
 * is its exact inverse. */
static void test_properties(void **state)
{
    struct sw_calendar cal;
    char err[200] = "";
    uint64_t x = 42;
    (void)state;

    office(&cal, "mon-fri", "08:00", "12:00");
    assert_int_equal(sw_cal_add_hours_str(&cal, "mon-fri", "13:00", "17:30", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_hours_str(&cal, "sun", "01:30", "02:30", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_hours_str(&cal, "sun", "02:40", "03:10", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_hours_str(&cal, "sat", "22:00", "24:00", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_hours_str(&cal, "sun", "00:00", "00:30", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-03-31", err, sizeof(err)), 0);
    assert_int_equal(sw_cal_add_holiday_str(&cal, "2026-10-27", err, sizeof(err)), 0);
    int64_t base[2] = {utc("2026-03-20T00:00:00Z"), utc("2026-10-16T00:00:00Z")};
    for (int i = 0; i < 400; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t a = base[i % 2] + (int64_t)((x >> 33) % (20 * 86400));
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t g = (int64_t)((x >> 33) % (30 * H));
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t m = a + (int64_t)((x >> 33) % (6 * 86400));
        int64_t b = advance(&cal, a, g);
        assert_true(b >= a);
        assert_int_equal(seconds(&cal, a, b), g);
        if (g > 0) {
            assert_int_equal(seconds(&cal, a, b - 1), g - 1);
            assert_int_equal(sw_cal_is_open(&cal, b - 1), 1);
        }
        assert_int_equal(seconds(&cal, a, m) + seconds(&cal, m, m + 86400),
                         seconds(&cal, a, m + 86400));
    }
    sw_cal_release(&cal);
}

/* ---- timers ---- */

static struct sw_case_event ev_created(int64_t t)
{
    return (struct sw_case_event){.t = t, .kind = SW_CASE_EV_CREATED, .status = SW_CASE_NEW};
}

static struct sw_case_event ev_status(int64_t t, enum sw_case_status s)
{
    return (struct sw_case_event){.t = t, .kind = SW_CASE_EV_STATUS, .status = s};
}

static struct sw_case_event ev_kind(int64_t t, enum sw_case_event_kind k)
{
    return (struct sw_case_event){.t = t, .kind = k};
}

static void compute(const struct sw_case_goal *g, const struct sw_case_event *ev, size_t n,
                    int64_t now, struct sw_case_timer *t)
{
    char err[200] = "";
    int r = sw_case_timer_compute(g, ev, n, now, t, err, sizeof(err));
    if (r != 0) {
        fprintf(stderr, "compute: %s\n", err);
    }
    assert_int_equal(r, 0);
}

/* DOMAIN B6: S2 WEEKDAY, 8 business hours on BIZ (08:00-18:00 Mon-Fri), opened Fri 16:30. */
static void test_b6_biz(void **state)
{
    struct sw_calendar biz;
    struct sw_case_goal g;
    struct sw_case_timer t;
    (void)state;

    office(&biz, "mon-fri", "08:00", "18:00");
    sw_case_timer_init(&t);
    sw_case_goal_init(&g, SW_CASE_FIRST_RESPONSE, 8 * H, &biz);
    int64_t open = berlin(2026, 11, 27, 16, 30);
    assert_int_equal(advance(&biz, open, 8 * H), utc("2026-11-30T13:30:00Z")); /* Mon 14:30 */

    /* no pause: at Monday 13:00 the warning (6 h) fired at 12:30 */
    struct sw_case_event plain[] = {ev_created(open)};
    compute(&g, plain, 1, berlin(2026, 11, 30, 13, 0), &t);
    assert_int_equal(t.n_cycles, 1);
    assert_int_equal(t.warn_s, 6 * H);
    assert_true(t.running);
    assert_int_equal(t.cycles[0].start, open);
    assert_int_equal(t.cycles[0].elapsed_s, (3 * H / 2 + 5 * H));
    assert_int_equal(t.cycles[0].remaining_s, (3 * H / 2));
    assert_int_equal(t.cycles[0].due, utc("2026-11-30T13:30:00Z"));
    assert_true(t.cycles[0].warned);
    assert_int_equal(t.cycles[0].warn_at, utc("2026-11-30T11:30:00Z"));
    assert_false(t.cycles[0].breached);
    assert_int_equal(t.cycles[0].breach_at, 0);
    assert_false(t.cycles[0].paused);

    /* waiting on the customer Mon 09:00-11:00 */
    struct sw_case_event ev[] = {
        ev_created(open),
        ev_status(berlin(2026, 11, 30, 8, 55), SW_CASE_OPEN),
        ev_kind(berlin(2026, 11, 30, 8, 58), SW_CASE_EV_INTERNAL),
        ev_status(berlin(2026, 11, 30, 9, 0), SW_CASE_WAITING),
        ev_kind(berlin(2026, 11, 30, 10, 30), SW_CASE_EV_CUSTOMER_REPLY),
        ev_status(berlin(2026, 11, 30, 11, 0), SW_CASE_OPEN),
    };
    /* at Mon 12:00: elapsed 1.5 + 1 + 1 = 3.5 h, due Mon 16:30 */
    compute(&g, ev, 6, berlin(2026, 11, 30, 12, 0), &t);
    assert_int_equal(t.n_cycles, 1);
    assert_int_equal(t.cycles[0].elapsed_s, (7 * H / 2));
    assert_int_equal(t.elapsed_s, (7 * H / 2));
    assert_int_equal(t.cycles[0].due, utc("2026-11-30T15:30:00Z"));
    assert_int_equal(t.cycles[0].remaining_s, (9 * H / 2));
    assert_false(t.cycles[0].warned);
    assert_int_equal(t.cycles[0].warn_at, utc("2026-11-30T13:30:00Z")); /* 14:30, projected */
    assert_false(t.cycles[0].paused);
    /* during the pause (Mon 10:00) the due time is as if the clock resumed now */
    compute(&g, ev, 4, berlin(2026, 11, 30, 10, 0), &t);
    assert_true(t.cycles[0].paused);
    assert_int_equal(t.cycles[0].elapsed_s, (5 * H / 2));
    assert_int_equal(t.cycles[0].due, utc("2026-11-30T14:30:00Z"));
    /* answered at 16:00: in time */
    struct sw_case_event answered[7];
    memcpy(answered, ev, sizeof(ev));
    answered[6] = ev_kind(berlin(2026, 11, 30, 16, 0), SW_CASE_EV_AGENT_REPLY);
    compute(&g, answered, 7, berlin(2026, 12, 2, 12, 0), &t);
    assert_false(t.running);
    assert_false(t.cycles[0].running);
    assert_int_equal(t.cycles[0].stop, utc("2026-11-30T15:00:00Z"));
    assert_int_equal(t.cycles[0].elapsed_s, (15 * H / 2));
    assert_int_equal(t.cycles[0].due, utc("2026-11-30T15:30:00Z"));
    assert_true(t.cycles[0].warned);
    assert_false(t.cycles[0].breached);
    assert_int_equal(t.n_met, 1);
    assert_int_equal(t.n_breached, 0);
    /* answered Tuesday 09:00: breached at Mon 16:30 by 1.5 h + 1 h */
    answered[6].t = berlin(2026, 12, 1, 9, 0);
    compute(&g, answered, 7, berlin(2026, 12, 2, 12, 0), &t);
    assert_true(t.cycles[0].breached);
    assert_int_equal(t.cycles[0].breach_at, utc("2026-11-30T15:30:00Z"));
    assert_int_equal(t.cycles[0].elapsed_s, (21 * H / 2));
    assert_int_equal(t.cycles[0].remaining_s, -(5 * H / 2));
    assert_int_equal(t.n_breached, 1);
    assert_int_equal(t.n_met, 0);

    /* a 50 % warning share */
    g.warn_ppm = 500000;
    compute(&g, plain, 1, berlin(2026, 11, 30, 8, 0), &t);
    assert_int_equal(t.warn_s, 4 * H);
    assert_false(t.cycles[0].warned);
    assert_int_equal(t.cycles[0].warn_at, utc("2026-11-30T09:30:00Z")); /* Mon 10:30 */
    sw_case_timer_release(&t);
    sw_cal_release(&biz);
}

/* DOMAIN B6: S1 WEEKDAY24 opened Fri 22:00 is due Mon 02:00; S1 24x7 at +1 h. */
static void test_b6_s1(void **state)
{
    struct sw_calendar wd24, always;
    struct sw_case_goal g;
    struct sw_case_timer t;
    (void)state;

    office(&wd24, "mon-fri", "00:00", "24:00");
    sw_case_timer_init(&t);
    sw_case_goal_init(&g, SW_CASE_FIRST_RESPONSE, 4 * H, &wd24);
    int64_t open = berlin(2026, 11, 27, 22, 0);
    struct sw_case_event ev[] = {ev_created(open)};
    compute(&g, ev, 1, open + 3 * H, &t);
    assert_int_equal(t.cycles[0].elapsed_s, 2 * H);
    assert_int_equal(t.cycles[0].due, utc("2026-11-30T01:00:00Z")); /* Mon 02:00 CET */
    assert_int_equal(t.cycles[0].warn_at, utc("2026-11-30T00:00:00Z"));

    sw_cal_init_24x7(&always);
    sw_case_goal_init(&g, SW_CASE_FIRST_RESPONSE, H, &always);
    compute(&g, ev, 1, open, &t);
    assert_int_equal(t.cycles[0].due, open + H);
    assert_int_equal(t.cycles[0].warn_at, open + 45 * 60);
    assert_int_equal(t.cycles[0].elapsed_s, 0);
    /* the warning share rounds up: 75 % of 7 s is 5.25 s, so 6 s */
    struct sw_case_goal odd;
    sw_case_goal_init(&odd, SW_CASE_FIRST_RESPONSE, 7, &always);
    compute(&odd, ev, 1, open + 6, &t);
    assert_int_equal(t.warn_s, 6);
    assert_true(t.cycles[0].warned);
    assert_int_equal(t.cycles[0].warn_at, open + 6);
    compute(&odd, ev, 1, open + 5, &t);
    assert_false(t.cycles[0].warned);
    /* a reply exactly at due is in time; a second later is a breach */
    struct sw_case_event rep[] = {ev_created(open), ev_kind(open + H, SW_CASE_EV_AGENT_REPLY)};
    compute(&g, rep, 2, open + 2 * H, &t);
    assert_false(t.cycles[0].breached);
    assert_int_equal(t.cycles[0].remaining_s, 0);
    assert_int_equal(t.n_met, 1);
    rep[1].t = open + H + 1;
    compute(&g, rep, 2, open + 2 * H, &t);
    assert_true(t.cycles[0].breached);
    assert_int_equal(t.cycles[0].breach_at, open + H);
    assert_int_equal(t.cycles[0].remaining_s, -1);
    /* still running at now: breached already */
    compute(&g, ev, 1, open + 2 * H, &t);
    assert_true(t.running);
    assert_true(t.cycles[0].breached);
    assert_int_equal(t.cycles[0].breach_at, open + H);
    assert_int_equal(t.n_breached, 1);
    assert_int_equal(t.n_met, 0);
    sw_case_timer_release(&t);
    sw_cal_release(&wd24);
    sw_cal_release(&always);
}

/* Resolution: a reopen opens a second cycle; first response is not restarted. */
static void test_reopen(void **state)
{
    struct sw_calendar always;
    struct sw_case_goal g;
    struct sw_case_timer t;
    int64_t t0 = utc("2026-11-02T08:00:00Z");
    (void)state;

    sw_cal_init_24x7(&always);
    sw_case_timer_init(&t);
    sw_case_goal_init(&g, SW_CASE_RESOLUTION, 24 * H, &always);
    struct sw_case_event ev[] = {
        ev_created(t0),
        ev_kind(t0 + H, SW_CASE_EV_AGENT_REPLY),
        ev_status(t0 + 2 * H, SW_CASE_WAITING),
        ev_status(t0 + 4 * H, SW_CASE_OPEN),
        ev_status(t0 + 10 * H, SW_CASE_RESOLVED),
        {.t = t0 + 20 * H, .kind = SW_CASE_EV_REOPEN, .status = SW_CASE_OPEN},
        ev_status(t0 + 40 * H, SW_CASE_RESOLVED),
        ev_status(t0 + 41 * H, SW_CASE_CLOSED),
        ev_status(t0 + 50 * H, SW_CASE_OPEN), /* reopened from closed by a status change */
    };
    compute(&g, ev, 8, t0 + 60 * H, &t);
    assert_int_equal(t.n_cycles, 2);
    assert_int_equal(t.cycles[0].start, t0);
    assert_int_equal(t.cycles[0].stop, t0 + 10 * H);
    assert_int_equal(t.cycles[0].elapsed_s, 8 * H); /* 2 h waiting excluded */
    assert_int_equal(t.cycles[0].due, t0 + 26 * H); /* as of the stop */
    assert_int_equal(t.cycles[1].start, t0 + 20 * H);
    assert_int_equal(t.cycles[1].stop, t0 + 40 * H);
    assert_int_equal(t.cycles[1].elapsed_s, 20 * H);
    assert_true(t.cycles[1].warned);
    assert_int_equal(t.cycles[1].warn_at, t0 + 38 * H);
    assert_int_equal(t.elapsed_s, 28 * H);
    assert_int_equal(t.n_met, 2);
    assert_false(t.running);

    compute(&g, ev, 9, t0 + 80 * H, &t);
    assert_int_equal(t.n_cycles, 3);
    assert_true(t.running);
    assert_int_equal(t.cycles[2].start, t0 + 50 * H);
    assert_int_equal(t.cycles[2].elapsed_s, 30 * H);
    assert_true(t.cycles[2].breached);
    assert_int_equal(t.cycles[2].breach_at, t0 + 74 * H);
    assert_int_equal(t.n_breached, 1);
    assert_int_equal(t.n_met, 2);

    /* first response: one cycle, stopped by the reply */
    g.metric = SW_CASE_FIRST_RESPONSE;
    g.goal_s = H;
    compute(&g, ev, 9, t0 + 80 * H, &t);
    assert_int_equal(t.n_cycles, 1);
    assert_int_equal(t.cycles[0].stop, t0 + H);
    assert_int_equal(t.cycles[0].elapsed_s, H);
    assert_false(t.cycles[0].breached);
    /* resolved while waiting and without a reply: the response cycle stops there */
    struct sw_case_event quiet[] = {ev_created(t0), ev_status(t0 + H / 2, SW_CASE_WAITING),
                                    ev_status(t0 + 3 * H, SW_CASE_RESOLVED)};
    compute(&g, quiet, 3, t0 + 5 * H, &t);
    assert_int_equal(t.n_cycles, 1);
    assert_int_equal(t.cycles[0].stop, t0 + 3 * H);
    assert_int_equal(t.cycles[0].elapsed_s, H / 2);
    assert_int_equal(t.cycles[0].due, t0 + 3 * H + H / 2);
    sw_case_timer_release(&t);
    sw_cal_release(&always);
}

/* Update cadence: every 2 h between agent replies while the case is active. */
static void test_update_every(void **state)
{
    struct sw_calendar always, biz;
    struct sw_case_goal g;
    struct sw_case_timer t;
    int64_t t0 = utc("2026-11-02T08:00:00Z");
    (void)state;

    sw_cal_init_24x7(&always);
    sw_case_timer_init(&t);
    sw_case_goal_init(&g, SW_CASE_UPDATE, 2 * H, &always);
    struct sw_case_event ev[] = {
        ev_created(t0),
        ev_kind(t0 + H / 2, SW_CASE_EV_AGENT_REPLY),
        ev_status(t0 + H, SW_CASE_WAITING),
        ev_status(t0 + 2 * H, SW_CASE_OPEN),
        ev_kind(t0 + 3 * H, SW_CASE_EV_AGENT_REPLY),
        ev_kind(t0 + 3 * H, SW_CASE_EV_INTERNAL),
        ev_status(t0 + 7 * H, SW_CASE_RESOLVED),
        ev_kind(t0 + 8 * H, SW_CASE_EV_AGENT_REPLY),
    };
    /* before the first reply there is no update cycle */
    compute(&g, ev, 1, t0 + H / 4, &t);
    assert_int_equal(t.n_cycles, 0);
    assert_false(t.running);

    compute(&g, ev, 6, t0 + 6 * H, &t);
    assert_int_equal(t.n_cycles, 2);
    assert_int_equal(t.cycles[0].start, t0 + H / 2);
    assert_int_equal(t.cycles[0].stop, t0 + 3 * H);
    assert_int_equal(t.cycles[0].elapsed_s, (3 * H / 2)); /* the hour waiting is excluded */
    assert_false(t.cycles[0].breached);
    assert_true(t.running);
    assert_int_equal(t.cycles[1].start, t0 + 3 * H);
    assert_int_equal(t.cycles[1].elapsed_s, 3 * H);
    assert_int_equal(t.cycles[1].due, t0 + 5 * H); /* the next update was due */
    assert_true(t.cycles[1].breached);
    assert_int_equal(t.cycles[1].remaining_s, -H);
    assert_int_equal(t.n_breached, 1);
    assert_int_equal(t.n_met, 1);
    assert_int_equal(t.elapsed_s, (9 * H / 2));

    /* resolved: the cadence stops; a reply on a resolved case starts nothing */
    compute(&g, ev, 8, t0 + 9 * H, &t);
    assert_int_equal(t.n_cycles, 2);
    assert_false(t.running);
    assert_int_equal(t.cycles[1].stop, t0 + 7 * H);
    assert_int_equal(t.cycles[1].elapsed_s, 4 * H);

    /* on business hours: a reply Fri 17:00 makes the next update due Mon 10:00 */
    office(&biz, "mon-fri", "09:00", "18:00");
    g.cal = &biz;
    struct sw_case_event fri[] = {ev_created(berlin(2026, 11, 27, 16, 0)),
                                  ev_kind(berlin(2026, 11, 27, 17, 0), SW_CASE_EV_AGENT_REPLY)};
    compute(&g, fri, 2, berlin(2026, 11, 28, 12, 0), &t);
    assert_int_equal(t.n_cycles, 1);
    assert_int_equal(t.cycles[0].elapsed_s, H);
    assert_int_equal(t.cycles[0].due, utc("2026-11-30T09:00:00Z"));
    assert_int_equal(t.cycles[0].warn_at, utc("2026-11-30T08:30:00Z"));
    sw_case_timer_release(&t);
    sw_cal_release(&always);
    sw_cal_release(&biz);
}

/* A case spanning the October change on business hours, with a pause across the weekend. */
static void test_timer_dst(void **state)
{
    struct sw_calendar cal;
    struct sw_case_goal g;
    struct sw_case_timer t;
    (void)state;

    office(&cal, "mon-fri", "09:00", "18:00");
    sw_case_timer_init(&t);
    sw_case_goal_init(&g, SW_CASE_RESOLUTION, 16 * H, &cal);
    struct sw_case_event ev[] = {
        ev_created(berlin(2026, 10, 22, 14, 0)),                 /* Thursday: 4 h */
        ev_status(berlin(2026, 10, 23, 12, 0), SW_CASE_WAITING), /* Friday: 3 h */
        ev_status(berlin(2026, 10, 26, 11, 0), SW_CASE_OPEN),    /* Monday 11:00 CET */
    };
    compute(&g, ev, 3, berlin(2026, 10, 26, 12, 0), &t);
    assert_int_equal(t.cycles[0].elapsed_s, 8 * H);
    /* 8 h left from Monday 12:00 CET: 6 h Monday, 2 h Tuesday: Tue 11:00 CET */
    assert_int_equal(t.cycles[0].due, utc("2026-10-27T10:00:00Z"));
    /* 12 h: 4 h after Monday 12:00 */
    assert_int_equal(t.cycles[0].warn_at, utc("2026-10-26T15:00:00Z"));
    sw_case_timer_release(&t);
    sw_cal_release(&cal);
}

static void test_timer_errors(void **state)
{
    struct sw_calendar always, empty;
    struct sw_case_goal g;
    struct sw_case_timer t;
    char err[200] = "";
    int64_t t0 = utc("2026-11-02T08:00:00Z");
    (void)state;

    sw_cal_init_24x7(&always);
    sw_case_timer_init(&t);
    sw_case_goal_init(&g, SW_CASE_RESOLUTION, H, &always);
    struct sw_case_event ok[] = {ev_created(t0), ev_status(t0 + 10, SW_CASE_OPEN)};
    compute(&g, ok, 2, t0 + 20, &t);
    assert_int_equal(t.n_cycles, 1);

    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "later than now"));
    assert_int_equal(t.n_cycles, 0);
    struct sw_case_event unsorted[] = {ev_created(t0), ev_status(t0 - 10, SW_CASE_OPEN)};
    assert_int_equal(sw_case_timer_compute(&g, unsorted, 2, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "earlier"));
    struct sw_case_event nocreate[] = {ev_status(t0, SW_CASE_OPEN)};
    assert_int_equal(sw_case_timer_compute(&g, nocreate, 1, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    assert_int_equal(sw_case_timer_compute(&g, NULL, 0, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    struct sw_case_event twice[] = {ev_created(t0), ev_created(t0)};
    assert_int_equal(sw_case_timer_compute(&g, twice, 2, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    struct sw_case_event reopen[] = {ev_created(t0),
                                     {.t = t0, .kind = SW_CASE_EV_REOPEN, .status = SW_CASE_OPEN}};
    assert_int_equal(sw_case_timer_compute(&g, reopen, 2, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "reopen"));
    struct sw_case_event badst[] = {ev_created(t0), ev_status(t0, (enum sw_case_status)9)};
    assert_int_equal(sw_case_timer_compute(&g, badst, 2, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    struct sw_case_event badkind[] = {ev_created(t0), ev_kind(t0, (enum sw_case_event_kind)42)};
    assert_int_equal(sw_case_timer_compute(&g, badkind, 2, t0 + 5, &t, err, sizeof(err)), -EINVAL);
    struct sw_case_event resolved[] = {
        {.t = t0, .kind = SW_CASE_EV_CREATED, .status = SW_CASE_RESOLVED}};
    assert_int_equal(sw_case_timer_compute(&g, resolved, 1, t0 + 5, &t, err, sizeof(err)), -EINVAL);

    g.goal_s = 0;
    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 20, &t, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "resolution goal"));
    g.goal_s = H;
    g.warn_ppm = 0;
    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 20, &t, err, sizeof(err)), -EINVAL);
    g.warn_ppm = 1000001;
    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 20, &t, err, sizeof(err)), -EINVAL);
    g.warn_ppm = SW_CASE_WARN_DEFAULT_PPM;
    g.pause_mask = 1u << SW_CASE_RESOLVED;
    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 20, &t, err, sizeof(err)), -EINVAL);
    /* "new" may pause too, when the contract says so */
    g.pause_mask = (1u << SW_CASE_NEW) | (1u << SW_CASE_WAITING);
    compute(&g, ok, 2, t0 + 20, &t);
    assert_int_equal(t.cycles[0].elapsed_s, 10);
    g.pause_mask = 1u << SW_CASE_WAITING;
    g.metric = (enum sw_case_metric)7;
    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 20, &t, err, sizeof(err)), -EINVAL);
    g.metric = SW_CASE_RESOLUTION;
    sw_cal_init(&empty);
    g.cal = &empty;
    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 20, &t, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "no hours"));
    g.cal = NULL;
    assert_int_equal(sw_case_timer_compute(&g, ok, 2, t0 + 20, &t, err, sizeof(err)), -EINVAL);

    /* names */
    enum sw_case_status s = SW_CASE_NEW;
    assert_int_equal(sw_case_status_parse("waiting-on-customer", &s), 0);
    assert_int_equal(s, SW_CASE_WAITING);
    s = SW_CASE_NEW;
    assert_int_equal(sw_case_status_parse("waiting", &s), 0); /* the short form people type */
    assert_int_equal(s, SW_CASE_WAITING);
    assert_int_equal(sw_case_status_parse("Waiting", &s), -EINVAL);
    assert_string_equal(sw_case_status_name(SW_CASE_CLOSED), "closed");
    assert_null(sw_case_status_name((enum sw_case_status)5));
    assert_string_equal(sw_case_metric_name(SW_CASE_UPDATE), "update");
    assert_false(sw_case_status_active(SW_CASE_RESOLVED));
    assert_true(sw_case_status_active(SW_CASE_WAITING));
    sw_case_timer_release(&t);
    sw_case_timer_release(NULL);
    sw_cal_release(&always);
    sw_cal_release(&empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_example),
        cmocka_unit_test(test_holidays),
        cmocka_unit_test(test_dst_october),
        cmocka_unit_test(test_dst_march),
        cmocka_unit_test(test_windows_and_open),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_build_errors),
        cmocka_unit_test(test_b6_biz),
        cmocka_unit_test(test_b6_s1),
        cmocka_unit_test(test_reopen),
        cmocka_unit_test(test_update_every),
        cmocka_unit_test(test_timer_dst),
        cmocka_unit_test(test_timer_errors),
        cmocka_unit_test(test_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
