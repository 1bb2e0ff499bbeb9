/* SPDX-License-Identifier: Apache-2.0 */
/* test_health.c: src/health with exact numbers from small fixed data sets: DOMAIN B7 (MTTA
 * median 4 min), B8 (after-hours share 571,428 ppm, the 168 h shift averaging 0.64 incidents
 * per 12 h that breaches Tue 20:00-Wed 08:00), B9 (CFR 20 %, restore median 72.5 min, lead
 * time median 5 h, rework 10 %), case compliance and backlog, load balance, statuses, trends
 * and bad input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "health/health.h"

#define MIN 60
#define H 3600
#define DAY 86400
#define WEEK (7 * DAY)
#define MON 1791158400LL /* 2026-10-05T00:00:00Z, a Monday; Berlin is on CEST (+2) */

/* ---- statistics ---- */

static void test_stats(void **state)
{
    (void)state;
    struct sw_health_stats s;
    const int64_t tta[] = {30 * MIN, 2 * MIN, 4 * MIN};
    const int64_t even[] = {100 * MIN, 45 * MIN};
    const int64_t ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    const int64_t neg[] = {-3, 0};

    /* B7/B11: 2, 4 and 30 min: median 4 min, mean 12 min, p90 30 min */
    assert_int_equal(sw_health_stats(tta, 3, &s), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.median, 4 * MIN);
    assert_int_equal(s.mean, 12 * MIN);
    assert_int_equal(s.p90, 30 * MIN);
    assert_int_equal(s.min, 2 * MIN);
    assert_int_equal(s.max, 30 * MIN);
    /* even count: the mean of the middle two (B9: 72.5 min) */
    assert_int_equal(sw_health_stats(even, 2, &s), 0);
    assert_int_equal(s.median, 4350);
    assert_int_equal(s.p90, 100 * MIN);
    /* nearest rank ceil(0.9 * 10) = 9 */
    assert_int_equal(sw_health_stats(ten, 10, &s), 0);
    assert_int_equal(s.p90, 9);
    assert_int_equal(s.median, 5); /* (5 + 6) / 2 rounded down */
    assert_int_equal(s.mean, 5);
    /* rounding down also below zero */
    assert_int_equal(sw_health_stats(neg, 2, &s), 0);
    assert_int_equal(s.median, -2);
    assert_int_equal(s.mean, -2);
    assert_int_equal(sw_health_stats(NULL, 0, &s), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(s.median, 0);
    assert_int_equal(sw_health_stats(NULL, 2, &s), -EINVAL);
    assert_int_equal(sw_health_stats(tta, SW_HEALTH_RECORDS_MAX + 1, &s), -E2BIG);
    assert_int_equal(sw_health_ppm(8, 14), 571428);
    assert_int_equal(sw_health_ppm(3, 0), 0);
    assert_int_equal(sw_health_ppm(5, 5), 1000000);
}

/* ---- incidents ---- */

static const struct sw_health_incident incidents[] = {
    {.id = "i1",
     .customer = "acme",
     .severity = 1,
     .triggered_at = MON + 1 * H,
     .acked_at = MON + 1 * H + 2 * MIN,
     .mitigated_at = MON + 1 * H + 10 * MIN,
     .resolved_at = MON + 2 * H},
    {.id = "i2",
     .customer = "acme",
     .severity = 2,
     .triggered_at = MON + 2 * H,
     .acked_at = MON + 2 * H + 4 * MIN,
     .mitigated_at = MON + 2 * H + 20 * MIN,
     .resolved_at = MON + 2 * H + 90 * MIN},
    /* acknowledged, still open */
    {.id = "i3",
     .customer = "globex",
     .severity = 1,
     .triggered_at = MON + 3 * H,
     .acked_at = MON + 3 * H + 30 * MIN},
    /* never acknowledged: out of TTA, in TTM and TTR */
    {.id = "i4",
     .customer = "globex",
     .severity = 3,
     .triggered_at = MON + 4 * H,
     .mitigated_at = MON + 4 * H + 30 * MIN,
     .resolved_at = MON + 4 * H + 30 * MIN},
    /* a test incident */
    {.id = "i5",
     .customer = "acme",
     .severity = 1,
     .triggered_at = MON + 5 * H,
     .acked_at = MON + 5 * H + 1,
     .test = true},
    /* outside the period on both sides */
    {.id = "i6", .customer = "acme", .severity = 1, .triggered_at = MON - 1, .acked_at = MON + 1},
    {.id = "i7",
     .customer = "acme",
     .severity = 2,
     .triggered_at = MON + WEEK,
     .acked_at = MON + WEEK + 1},
};
#define N_INCIDENTS (sizeof(incidents) / sizeof(incidents[0]))

static void test_mttx(void **state)
{
    (void)state;
    struct sw_health_mttx m;
    struct sw_health_filter f = {.customer = "acme"};

    assert_int_equal(sw_health_mttx(incidents, N_INCIDENTS, MON, MON + WEEK, NULL, &m), 0);
    assert_int_equal(m.incidents, 4);
    assert_int_equal(m.unacked, 1);
    assert_int_equal(m.unresolved, 1);
    assert_int_equal(m.test_skipped, 1);
    /* B11: median TTA of 2, 4, 30 min is 4 min, mean 12 min */
    assert_int_equal(m.all.tta.n, 3);
    assert_int_equal(m.all.tta.median, 4 * MIN);
    assert_int_equal(m.all.tta.p90, 30 * MIN);
    assert_int_equal(m.all.tta.mean, 12 * MIN);
    assert_int_equal(m.all.ttm.n, 3);
    assert_int_equal(m.all.ttm.median, 20 * MIN);
    assert_int_equal(m.all.ttm.mean, 20 * MIN);
    assert_int_equal(m.all.ttr.n, 3);
    assert_int_equal(m.all.ttr.median, 60 * MIN);
    assert_int_equal(m.all.ttr.p90, 90 * MIN);
    assert_int_equal(m.all.ttr.mean, 60 * MIN);
    /* per severity */
    assert_int_equal(m.sev[0].tta.n, 2);
    assert_int_equal(m.sev[0].tta.median, 16 * MIN);
    assert_int_equal(m.sev[0].tta.p90, 30 * MIN);
    assert_int_equal(m.sev[0].ttr.n, 1);
    assert_int_equal(m.sev[0].ttr.median, 60 * MIN);
    assert_int_equal(m.sev[1].tta.median, 4 * MIN);
    assert_int_equal(m.sev[1].ttr.median, 90 * MIN);
    assert_int_equal(m.sev[2].tta.n, 0);
    assert_int_equal(m.sev[2].ttr.median, 30 * MIN);
    assert_int_equal(m.sev[3].ttr.n, 0);

    /* one customer */
    assert_int_equal(sw_health_mttx(incidents, N_INCIDENTS, MON, MON + WEEK, &f, &m), 0);
    assert_int_equal(m.incidents, 2);
    assert_int_equal(m.all.tta.median, 3 * MIN);
    assert_int_equal(m.test_skipped, 1);
    /* one severity */
    f = (struct sw_health_filter){.severity = 1};
    assert_int_equal(sw_health_mttx(incidents, N_INCIDENTS, MON, MON + WEEK, &f, &m), 0);
    assert_int_equal(m.incidents, 2);
    assert_int_equal(m.unresolved, 1);
    f = (struct sw_health_filter){.service = "nova"};
    assert_int_equal(sw_health_mttx(incidents, N_INCIDENTS, MON, MON + WEEK, &f, &m), 0);
    assert_int_equal(m.incidents, 0);
    assert_int_equal(m.all.tta.n, 0);
}

static void test_mttx_bad(void **state)
{
    (void)state;
    struct sw_health_mttx m;
    struct sw_health_incident bad = incidents[0];
    struct sw_health_filter f = {.severity = 5};

    assert_int_equal(sw_health_mttx(incidents, N_INCIDENTS, MON, MON, NULL, &m), -EINVAL);
    assert_int_equal(sw_health_mttx(incidents, N_INCIDENTS, MON, MON + 3661LL * DAY, NULL, &m),
                     -EINVAL);
    assert_int_equal(sw_health_mttx(NULL, 1, MON, MON + WEEK, NULL, &m), -EINVAL);
    assert_int_equal(sw_health_mttx(incidents, N_INCIDENTS, MON, MON + WEEK, &f, &m), -EINVAL);
    bad.acked_at = bad.triggered_at - 1;
    assert_int_equal(sw_health_mttx(&bad, 1, MON, MON + WEEK, NULL, &m), -EINVAL);
    bad = incidents[0];
    bad.severity = 5;
    assert_int_equal(sw_health_mttx(&bad, 1, MON, MON + WEEK, NULL, &m), -EINVAL);
    bad = incidents[0];
    bad.mitigated_at = bad.resolved_at + 1;
    assert_int_equal(sw_health_mttx(&bad, 1, MON, MON + WEEK, NULL, &m), -EINVAL);
    bad = incidents[0];
    bad.id = NULL;
    assert_int_equal(sw_health_mttx(&bad, 1, MON, MON + WEEK, NULL, &m), -EINVAL);
}

/* ---- interruptions ---- */

static const struct sw_health_window ben_hours[] = {
    {1, 10 * H, 16 * H}, {2, 10 * H, 16 * H}, {3, 10 * H, 16 * H}, {4, 10 * H, 16 * H}};

static const struct sw_health_engineer team2[] = {
    {.id = "ana", .tz = "UTC"}, /* default hours: Mon-Fri 08:00-18:00 */
    {.id = "ben", .tz = "Europe/Berlin", .hours = ben_hours, .n_hours = 4},
};

#define NT(inc, who, at, ch)                                                                       \
    {                                                                                              \
        .incident = (inc), .engineer = (who), .t = (at), .channel = SW_HEALTH_##ch                 \
    }

/* 14 interruptions after deduplication: 5 SLEEP, 3 OFF, 6 BUSINESS (DOMAIN B8/B11) */
static const struct sw_health_notification pages14[] = {
    NT("i1", "ana", MON + 9 * H, PUSH),                   /* Mon 09:00 BUSINESS, in hours */
    NT("i1", "ana", MON + 9 * H + 30, SMS),               /* within 60 s: merged */
    NT("i1", "ana", MON + 9 * H + 60, PHONE),             /* exactly 60 s: counts, same hour */
    NT("i1", "ana", MON + 9 * H + 300, EMAIL),            /* not an interruption */
    NT("i2", "ana", MON + 23 * H + 30 * MIN, PUSH),       /* Mon 23:30 SLEEP */
    NT("i3", "ana", MON + DAY + 3 * H, PHONE),            /* Tue 03:00 SLEEP */
    NT("i4", "ana", MON + DAY + 19 * H, PUSH),            /* Tue 19:00 OFF */
    NT("i5", "ana", MON + 5 * DAY + 12 * H, PUSH),        /* Sat 12:00 OFF */
    NT("i6", "ana", MON + 5 * DAY + 8 * H - 1, PUSH),     /* Sat 07:59:59 SLEEP */
    NT("i9", "ana", MON + WEEK, PUSH),                    /* after the period */
    NT("i1", "ben", MON + 8 * H, PUSH),                   /* Mon 10:00 local BUSINESS, in hours */
    NT("i1", "ben", MON + 14 * H + 30 * MIN, SMS),        /* Mon 16:30 local BUSINESS, outside */
    NT("i7", "ben", MON + 4 * DAY + 9 * H, PUSH),         /* Fri 11:00 local BUSINESS, outside */
    NT("i7", "ben", MON + DAY + 20 * H + 30 * MIN, PUSH), /* Tue 22:30 local SLEEP */
    NT("i8", "ben", MON + 6 * DAY + 10 * H, PUSH),        /* Sun 12:00 local OFF */
    NT("i8", "ben", MON + 2 * DAY + 6 * H, PUSH),         /* Wed 08:00 local BUSINESS, outside */
    NT("i8", "ben", MON + 3 * DAY + 6 * H - MIN, CHAT),   /* chat: not an interruption */
    NT("i8", "ben", MON + 3 * DAY + 5 * H + 59 * MIN, PHONE), /* Thu 07:59 local SLEEP */
};
#define N_PAGES14 (sizeof(pages14) / sizeof(pages14[0]))

static void test_interrupts(void **state)
{
    (void)state;
    struct sw_health_interrupts t, per[2];

    assert_int_equal(sw_health_interrupts(pages14, N_PAGES14, team2, 2, MON, MON + WEEK, &t, per),
                     0);
    assert_int_equal(t.total, 14);
    assert_int_equal(t.sleep, 5);
    assert_int_equal(t.off, 3);
    assert_int_equal(t.business, 6);
    assert_int_equal(t.after_hours_ppm, 571428); /* B11 */
    assert_int_equal(t.outside_hours, 11);
    assert_int_equal(t.outside_hours_ppm, 785714);
    assert_int_equal(t.disrupted_hours, 13);
    assert_int_equal(t.sleep_hours, 5);

    assert_int_equal(per[0].total, 7);
    assert_int_equal(per[0].sleep, 3);
    assert_int_equal(per[0].business, 2);
    assert_int_equal(per[0].off, 2);
    assert_int_equal(per[0].outside_hours, 5);
    assert_int_equal(per[0].after_hours_ppm, 714285);
    assert_int_equal(per[0].disrupted_hours, 6);
    assert_int_equal(per[0].sleep_hours, 3);
    assert_int_equal(per[1].total, 7);
    assert_int_equal(per[1].sleep, 2);
    assert_int_equal(per[1].business, 4);
    assert_int_equal(per[1].off, 1);
    assert_int_equal(per[1].outside_hours, 6);
    assert_int_equal(per[1].after_hours_ppm, 428571);
    assert_int_equal(per[1].outside_hours_ppm, 857142);
    assert_int_equal(per[1].disrupted_hours, 7);
    assert_int_equal(per[1].sleep_hours, 2);

    /* without the per-engineer array */
    assert_int_equal(sw_health_interrupts(pages14, N_PAGES14, team2, 2, MON, MON + WEEK, &t, NULL),
                     0);
    assert_int_equal(t.total, 14);
    /* nothing in the period */
    assert_int_equal(sw_health_interrupts(pages14, N_PAGES14, team2, 2, MON - WEEK, MON, &t, per),
                     0);
    assert_int_equal(t.total, 0);
    assert_int_equal(t.after_hours_ppm, 0);
    assert_int_equal(per[1].disrupted_hours, 0);
}

static void test_interrupts_half_hour_zone(void **state)
{
    (void)state;
    /* India is UTC+05:30: 00:40Z and 01:10Z are 06:10 and 06:40 local, one clock hour */
    const struct sw_health_engineer e = {.id = "dev", .tz = "Asia/Kolkata"};
    const struct sw_health_notification nt[] = {
        NT("x", "dev", MON + 40 * MIN, PUSH), NT("y", "dev", MON + 70 * MIN, PUSH),
        NT("z", "dev", MON + 150 * MIN, PUSH), /* 08:00 local Monday: BUSINESS */
    };
    struct sw_health_interrupts t;

    assert_int_equal(sw_health_interrupts(nt, 3, &e, 1, MON, MON + DAY, &t, NULL), 0);
    assert_int_equal(t.total, 3);
    assert_int_equal(t.sleep, 2);
    assert_int_equal(t.business, 1);
    assert_int_equal(t.disrupted_hours, 2);
    assert_int_equal(t.sleep_hours, 1);
    assert_int_equal(t.outside_hours, 2);
}

static void test_interrupts_bad(void **state)
{
    (void)state;
    struct sw_health_interrupts t;
    struct sw_health_engineer e[2] = {{.id = "ana", .tz = "UTC"}, {.id = "ana", .tz = "UTC"}};
    struct sw_health_window w = {1, 10 * H, 9 * H};
    struct sw_health_notification n = NT("i1", "zed", MON, PUSH);

    /* duplicate engineer */
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    e[1].id = "ben";
    e[1].tz = "Mars/Olympus";
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    e[1].tz = "UTC";
    e[1].hours = &w;
    e[1].n_hours = 1;
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    w = (struct sw_health_window){7, 0, 10};
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    w = (struct sw_health_window){6, 0, 86401};
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    w = (struct sw_health_window){6, 0, 86400};
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON, MON + DAY, &t, NULL), 0);
    e[1].n_hours = SW_HEALTH_WINDOWS_MAX + 1;
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON, MON + DAY, &t, NULL), -E2BIG);
    e[1].n_hours = 1;
    /* a notification to someone not in the team, even outside the period */
    assert_int_equal(sw_health_interrupts(&n, 1, e, 2, MON + DAY, MON + 2 * DAY, &t, NULL),
                     -ENOENT);
    n.engineer = "ana";
    n.channel = (enum sw_health_channel)9;
    assert_int_equal(sw_health_interrupts(&n, 1, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    n.channel = SW_HEALTH_PUSH;
    n.incident = NULL;
    assert_int_equal(sw_health_interrupts(&n, 1, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    assert_int_equal(sw_health_interrupts(NULL, 3, e, 2, MON, MON + DAY, &t, NULL), -EINVAL);
    assert_int_equal(sw_health_interrupts(NULL, 0, e, 2, MON + DAY, MON, &t, NULL), -EINVAL);
}

/* ---- incidents per 12-hour shift ---- */

static void test_shifts_b8(void **state)
{
    (void)state;
    /* B8: a 168 h primary shift with 9 incidents, 4 of them Tue 20:00-Wed 08:00 */
    const struct sw_health_engineer eng[] = {{.id = "ana", .tz = "UTC"},
                                             {.id = "ben", .tz = "UTC"}};
    const struct sw_health_shift sh[] = {
        {"ana", MON, MON + WEEK, SW_HEALTH_PRIMARY},
        {"ben", MON, MON + WEEK, SW_HEALTH_SECONDARY},
        {"ben", MON + WEEK, MON + 2 * WEEK, SW_HEALTH_PRIMARY},
    };
    const struct sw_health_notification nt[] = {
        NT("a", "ana", MON + 10 * H, PUSH),
        NT("a", "ana", MON + 10 * H + 30, PUSH),       /* same page, merged */
        NT("a", "ana", MON + 10 * H + 5 * MIN, EMAIL), /* same incident */
        NT("b", "ana", MON + DAY + 21 * H, PUSH),      /* Tue 21:00 */
        NT("c", "ana", MON + DAY + 23 * H, PUSH),      /* Tue 23:00 */
        NT("d", "ana", MON + 2 * DAY + 2 * H, PUSH),   /* Wed 02:00 */
        NT("e", "ana", MON + 2 * DAY + 7 * H, PUSH),   /* Wed 07:00 */
        NT("f", "ana", MON + 3 * DAY + 10 * H, PUSH),
        NT("g", "ana", MON + 4 * DAY + 10 * H, PUSH),
        NT("h", "ana", MON + 5 * DAY + 10 * H, PUSH),
        NT("i", "ana", MON + 6 * DAY + 10 * H, PUSH),
        NT("b", "ben", MON + DAY + 21 * H + 10 * MIN, PUSH), /* escalated to the secondary */
        /* ben's primary week: 3 incidents, never more than 2 in 12 h */
        NT("j", "ben", MON + WEEK + 12 * H, PUSH),
        NT("k", "ben", MON + WEEK + 18 * H, PUSH),
        NT("l", "ben", MON + WEEK + 25 * H, SMS),
    };
    struct sw_health_shift_load per[3];
    struct sw_health_shifts t;

    assert_int_equal(sw_health_shifts(sh, 3, nt, sizeof(nt) / sizeof(nt[0]), eng, 2, MON,
                                      MON + 2 * WEEK, &t, per),
                     0);
    assert_int_equal(per[0].incidents, 9);
    assert_int_equal(per[0].pages, 9);
    assert_int_equal(per[0].per12h_milli, 642); /* 0.64 per 12 h */
    assert_int_equal(per[0].max_window, 4);
    assert_int_equal(per[0].max_window_start, MON + DAY + 20 * H); /* Tue 20:00 */
    assert_true(per[0].breach);
    assert_int_equal(per[1].incidents, 1);
    assert_false(per[1].breach);
    assert_int_equal(per[2].incidents, 3);
    assert_int_equal(per[2].max_window, 2);
    assert_int_equal(per[2].per12h_milli, 214);
    assert_false(per[2].breach);
    assert_int_equal(t.shifts, 2);
    assert_int_equal(t.breaches, 1);
    assert_int_equal(t.incidents, 12);
    assert_int_equal(t.oncall_s, 2 * WEEK);
    assert_int_equal(t.per12h_milli, 428);

    /* the first week only: ben's primary shift lies outside */
    assert_int_equal(
        sw_health_shifts(sh, 3, nt, sizeof(nt) / sizeof(nt[0]), eng, 2, MON, MON + WEEK, &t, per),
        0);
    assert_int_equal(t.shifts, 1);
    assert_int_equal(t.per12h_milli, 642);
    assert_int_equal(per[2].start, per[2].end);
    assert_int_equal(per[2].incidents, 0);
    /* the first two days: the shift is clipped to 48 h with 5 incidents */
    assert_int_equal(sw_health_shifts(sh, 1, nt, sizeof(nt) / sizeof(nt[0]), eng, 2, MON,
                                      MON + 2 * DAY, &t, per),
                     0);
    assert_int_equal(per[0].incidents, 3);
    assert_int_equal(per[0].per12h_milli, 750);
    assert_int_equal(per[0].max_window, 2);
    assert_false(per[0].breach);
}

static void test_shifts_windows(void **state)
{
    (void)state;
    const struct sw_health_engineer eng = {.id = "ana", .tz = "UTC"};
    const int64_t s = MON;
    /* 12.5 h: windows at s and a last one ending at the shift's end, [s + 1800, s + 45000) */
    const struct sw_health_shift sh[] = {{"ana", s, s + 45000, SW_HEALTH_PRIMARY},
                                         {"ana", s + DAY, s + DAY + 10 * H, SW_HEALTH_PRIMARY}};
    const struct sw_health_notification nt[] = {
        NT("a", "ana", s + 1000, PUSH),
        NT("b", "ana", s + 2000, PUSH),
        NT("c", "ana", s + 43300, PUSH),
        NT("d", "ana", s + 44000, PUSH),
        /* a 10 h shift is one window: 3 incidents breach */
        NT("e", "ana", s + DAY + H, PUSH),
        NT("f", "ana", s + DAY + 2 * H, PUSH),
        NT("g", "ana", s + DAY + 9 * H, PUSH),
    };
    struct sw_health_shift_load per[2];
    struct sw_health_shifts t;

    assert_int_equal(sw_health_shifts(sh, 2, nt, 7, &eng, 1, MON, MON + WEEK, &t, per), 0);
    assert_int_equal(per[0].incidents, 4);
    assert_int_equal(per[0].max_window, 3);
    assert_int_equal(per[0].max_window_start, s + 1800);
    assert_true(per[0].breach);
    assert_int_equal(per[0].per12h_milli, 3840); /* 4 * 43200 * 1000 / 45000 */
    assert_int_equal(per[1].max_window, 3);
    assert_int_equal(per[1].max_window_start, s + DAY);
    assert_true(per[1].breach);
    assert_int_equal(t.breaches, 2);
    /* without d the last window holds 2 and the first 2: no breach */
    assert_int_equal(sw_health_shifts(sh, 1, nt, 3, &eng, 1, MON, MON + WEEK, &t, per), 0);
    assert_int_equal(per[0].max_window, 2);
    assert_false(per[0].breach);
}

static void test_shifts_bad(void **state)
{
    (void)state;
    const struct sw_health_engineer eng = {.id = "ana", .tz = "UTC"};
    struct sw_health_shift sh = {"ana", MON + H, MON, SW_HEALTH_PRIMARY};
    struct sw_health_shifts t;

    assert_int_equal(sw_health_shifts(&sh, 1, NULL, 0, &eng, 1, MON, MON + WEEK, &t, NULL),
                     -EINVAL);
    sh.end = MON + 2 * H;
    sh.role = (enum sw_health_role)7;
    assert_int_equal(sw_health_shifts(&sh, 1, NULL, 0, &eng, 1, MON, MON + WEEK, &t, NULL),
                     -EINVAL);
    sh.role = SW_HEALTH_PRIMARY;
    sh.engineer = "zed";
    assert_int_equal(sw_health_shifts(&sh, 1, NULL, 0, &eng, 1, MON, MON + WEEK, &t, NULL),
                     -ENOENT);
    sh.engineer = "ana";
    assert_int_equal(sw_health_shifts(&sh, 1, NULL, 0, &eng, 1, MON, MON + WEEK, &t, NULL), 0);
    assert_int_equal(t.shifts, 1);
    assert_int_equal(t.incidents, 0);
    assert_int_equal(t.per12h_milli, 0);
}

/* ---- cases ---- */

#define CASE(i, cust, who, sev, at, fr, res, done, re)                                             \
    {                                                                                              \
        .id = (i), .customer = (cust), .assignee = (who), .severity = (sev), .created = (at),      \
        .first_response = SW_HEALTH_##fr, .resolution = SW_HEALTH_##res, .resolved_at = (done),    \
        .reopened = (re)                                                                           \
    }

static const struct sw_health_case cases[] = {
    CASE("c1", "acme", "ana", 1, MON + H, MET, MET, MON + 5 * H, 0),
    CASE("c2", "acme", "ben", 1, MON + 2 * H, MISSED, MET, MON + 10 * H, 1),
    CASE("c3", "acme", "cy", 3, MON + DAY, MET, PENDING, 0, 0),
    CASE("c4", "globex", "cy", 3, MON + 2 * DAY, MET, MISSED, MON + 20 * DAY, 0),
    CASE("c5", "globex", NULL, 2, MON + 3 * DAY, PENDING, PENDING, 0, 0),
    /* before the period: in the backlog, not in compliance */
    CASE("c6", "globex", "cy", 3, MON - 5 * DAY, MISSED, PENDING, 0, 0),
    /* at the period's end: outside [from, to) */
    CASE("c7", "acme", "zed", 4, MON + 30 * DAY, PENDING, PENDING, 0, 0),
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void test_cases(void **state)
{
    (void)state;
    struct sw_health_cases c;

    assert_int_equal(sw_health_cases(cases, N_CASES, MON, MON + 30 * DAY, &c), 0);
    assert_int_equal(c.all.cases, 5);
    assert_int_equal(c.all.fr_met, 3);
    assert_int_equal(c.all.fr_missed, 1);
    assert_int_equal(c.all.fr_ppm, 750000);
    assert_true(c.all.fr_defined);
    assert_int_equal(c.all.res_met, 2);
    assert_int_equal(c.all.res_missed, 1);
    assert_int_equal(c.all.res_ppm, 666666);
    assert_int_equal(c.sev[0].cases, 2);
    assert_int_equal(c.sev[0].fr_ppm, 500000);
    assert_int_equal(c.sev[0].res_ppm, 1000000);
    assert_int_equal(c.sev[1].cases, 1);
    assert_false(c.sev[1].fr_defined);
    assert_false(c.sev[1].res_defined);
    assert_int_equal(c.sev[2].fr_ppm, 1000000);
    assert_true(c.sev[2].res_defined);
    assert_int_equal(c.sev[2].res_ppm, 0);
    assert_int_equal(c.sev[3].cases, 0);
    assert_int_equal(c.n_customers, 2);
    assert_string_equal(c.customers[0].customer, "acme");
    assert_int_equal(c.customers[0].c.cases, 3);
    assert_int_equal(c.customers[0].c.fr_ppm, 666666);
    assert_int_equal(c.customers[0].c.res_ppm, 1000000);
    assert_string_equal(c.customers[1].customer, "globex");
    assert_int_equal(c.customers[1].c.cases, 2);
    assert_int_equal(c.customers[1].c.fr_ppm, 1000000);
    assert_int_equal(c.customers[1].c.res_ppm, 0);
    assert_int_equal(c.resolved_ever, 3);
    assert_int_equal(c.reopened, 1);
    assert_int_equal(c.reopen_ppm, 333333);
    sw_health_cases_release(&c);

    /* an empty period */
    assert_int_equal(sw_health_cases(cases, N_CASES, MON + 40 * DAY, MON + 50 * DAY, &c), 0);
    assert_int_equal(c.all.cases, 0);
    assert_int_equal(c.n_customers, 0);
    assert_int_equal(c.reopen_ppm, 0);
    sw_health_cases_release(&c);
    sw_health_cases_release(NULL);
}

static void test_backlog(void **state)
{
    (void)state;
    struct sw_health_backlog b;

    /* open at day 30: c3 (29 d), c5 (27 d), c6 (35 d), c7 (0 d) */
    assert_int_equal(sw_health_backlog(cases, N_CASES, MON + 30 * DAY, &b), 0);
    assert_int_equal(b.open, 4);
    assert_int_equal(b.sev[0], 0);
    assert_int_equal(b.sev[1], 1);
    assert_int_equal(b.sev[2], 2);
    assert_int_equal(b.sev[3], 1);
    assert_int_equal(b.age.median, 28 * DAY);
    assert_int_equal(b.age.p90, 35 * DAY);
    assert_int_equal(b.age.mean, 1965600); /* 22.75 d */
    /* at Monday 05:00 c1 is resolved at that instant: no longer open */
    assert_int_equal(sw_health_backlog(cases, N_CASES, MON + 5 * H, &b), 0);
    assert_int_equal(b.open, 2); /* c2 and c6 */
    assert_int_equal(b.age.median, (5 * DAY + 5 * H + 3 * H) / 2);
    assert_int_equal(sw_health_backlog(cases, N_CASES, 0, &b), -EINVAL);
}

static void test_cases_bad(void **state)
{
    (void)state;
    struct sw_health_cases c;
    struct sw_health_backlog b;
    struct sw_health_case bad = cases[0];

    bad.severity = 0;
    assert_int_equal(sw_health_cases(&bad, 1, MON, MON + DAY, &c), -EINVAL);
    sw_health_cases_release(&c);
    bad = cases[0];
    bad.customer = NULL;
    assert_int_equal(sw_health_cases(&bad, 1, MON, MON + DAY, &c), -EINVAL);
    bad = cases[0];
    bad.resolved_at = bad.created - 1;
    assert_int_equal(sw_health_backlog(&bad, 1, MON + DAY, &b), -EINVAL);
    bad = cases[0];
    bad.reopened = -1;
    assert_int_equal(sw_health_cases(&bad, 1, MON, MON + DAY, &c), -EINVAL);
    bad = cases[0];
    bad.first_response = (enum sw_health_met)3;
    assert_int_equal(sw_health_cases(&bad, 1, MON, MON + DAY, &c), -EINVAL);
    assert_int_equal(sw_health_cases(cases, N_CASES, MON + DAY, MON, &c), -EINVAL);
}

/* ---- load and balance ---- */

static void test_balance(void **state)
{
    (void)state;
    const struct sw_health_engineer eng[] = {
        {.id = "ana", .tz = "UTC"}, {.id = "ben", .tz = "UTC"}, {.id = "cy", .tz = "UTC"}};
    const struct sw_health_shift sh[] = {
        {"ana", MON, MON + WEEK, SW_HEALTH_PRIMARY},
        {"ben", MON, MON + 2 * DAY, SW_HEALTH_SECONDARY},
        {"ben", MON + DAY, MON + 3 * DAY, SW_HEALTH_SECONDARY}, /* overlaps: counted once */
        {"cy", MON - DAY, MON + DAY, SW_HEALTH_SECONDARY},      /* clipped to one day */
    };
    const struct sw_health_notification nt[] = {
        NT("a", "ana", MON + H, PUSH),     NT("a", "ana", MON + H + 10, SMS), /* merged */
        NT("b", "ana", MON + 2 * H, PUSH), NT("c", "ana", MON + 3 * H, PHONE),
        NT("c", "ben", MON + 3 * H, PUSH), NT("c", "cy", MON + 3 * H, EMAIL), /* not a page */
    };
    /* case work: ana 1 (c1), ben 1 (c2), cy 3 (c3, c4, c6); c5 has nobody, c7 is after the
     * period and assigned to a former member; one more for cy resolved before the period */
    struct sw_health_case cs[N_CASES + 1];
    struct sw_health_person_load per[3];
    struct sw_health_balance b;

    memcpy(cs, cases, sizeof(cases));
    cs[N_CASES] =
        (struct sw_health_case)CASE("c8", "acme", "cy", 2, MON - 3 * DAY, MET, MET, MON - DAY, 0);
    assert_int_equal(
        sw_health_balance(eng, 3, sh, 4, nt, 6, cs, N_CASES + 1, MON, MON + WEEK, &b, per), 0);
    assert_int_equal(b.engineers, 3);
    assert_int_equal(b.pages, 4);
    assert_int_equal(b.cases, 5);
    assert_int_equal(per[0].oncall_s, WEEK);
    assert_int_equal(per[0].oncall_ppm, 1000000);
    assert_int_equal(per[1].oncall_s, 3 * DAY);
    assert_int_equal(per[1].oncall_ppm, 428571);
    assert_int_equal(per[2].oncall_s, DAY);
    assert_int_equal(per[2].oncall_ppm, 142857);
    assert_int_equal(b.max_oncall_ppm, 1000000);
    assert_int_equal(per[0].pages, 3);
    assert_int_equal(per[1].pages, 1);
    assert_int_equal(per[2].pages, 0);
    assert_int_equal(per[0].page_share_ppm, 750000);
    assert_int_equal(per[1].page_share_ppm, 250000);
    assert_int_equal(per[0].cases, 1);
    assert_int_equal(per[2].cases, 3);
    assert_int_equal(per[2].case_share_ppm, 600000);
    /* pages 3, 1, 0: CV = sqrt(14) / 4; cases 1, 1, 3: 2 sqrt(2) / 5; both: sqrt(158) / 40 */
    assert_int_equal(b.cv_pages_ppm, 935414);
    assert_int_equal(b.cv_cases_ppm, 565685);
    assert_int_equal(b.cv_ppm, 314245);
    assert_int_equal(b.max_over_mean_ppm, 1425000);

    /* an even team: CV 0 */
    assert_int_equal(sw_health_balance(eng, 2, sh, 1, NULL, 0, NULL, 0, MON, MON + WEEK, &b, per),
                     0);
    assert_int_equal(b.cv_ppm, 0);
    assert_int_equal(b.max_over_mean_ppm, 0);
    /* one person does everything among 4: sqrt(3) */
    {
        const struct sw_health_engineer four[] = {{.id = "a", .tz = "UTC"},
                                                  {.id = "b", .tz = "UTC"},
                                                  {.id = "c", .tz = "UTC"},
                                                  {.id = "d", .tz = "UTC"}};
        const struct sw_health_notification one = NT("x", "a", MON, PUSH);
        struct sw_health_person_load p4[4];

        assert_int_equal(
            sw_health_balance(four, 4, NULL, 0, &one, 1, NULL, 0, MON, MON + DAY, &b, p4), 0);
        assert_int_equal(b.cv_ppm, 1732051);
        assert_int_equal(b.cv_pages_ppm, 1732051);
        assert_int_equal(b.cv_cases_ppm, 0);
        assert_int_equal(b.max_over_mean_ppm, 4000000);
    }
    /* bad: no output array, unknown engineer on a shift, a malformed case */
    assert_int_equal(sw_health_balance(eng, 3, sh, 4, nt, 6, NULL, 0, MON, MON + WEEK, &b, NULL),
                     -EINVAL);
    {
        const struct sw_health_shift zed = {"zed", MON, MON + DAY, SW_HEALTH_PRIMARY};

        assert_int_equal(
            sw_health_balance(eng, 3, &zed, 1, NULL, 0, NULL, 0, MON, MON + WEEK, &b, per),
            -ENOENT);
    }
    cs[0].severity = 9;
    assert_int_equal(sw_health_balance(eng, 3, sh, 4, nt, 6, cs, 1, MON, MON + WEEK, &b, per),
                     -EINVAL);
}

/* ---- delivery ---- */

static const int64_t lead_d3[] = {MON + DAY + 10 * H - 2 * H};
static const int64_t lead_d4[] = {MON + DAY + 14 * H - 5 * H, 0 /* unknown */};
static const int64_t lead_d5[] = {MON + 2 * DAY + 10 * H - 30 * H};
static const int64_t lead_d6[] = {MON + 2 * DAY + 14 * H}; /* automated push: 0 h, dropped */

/* B9: 10 changes in a week, 2 caused incidents, lead times 2 h, 5 h, 30 h and 0 h, a hotfix */
static const struct sw_health_change changes[] = {
    {.id = "d1", .deployment = "acme-prod", .t = MON + 10 * H, .success = true},
    {.id = "d2", .deployment = "acme-prod", .t = MON + DAY + 9 * H, .success = true},
    {.id = "d3",
     .deployment = "acme-prod",
     .t = MON + DAY + 10 * H,
     .success = true,
     .committed = lead_d3,
     .n_committed = 1},
    {.id = "d4",
     .deployment = "acme-prod",
     .t = MON + DAY + 14 * H,
     .success = true,
     .committed = lead_d4,
     .n_committed = 2},
    {.id = "d5",
     .deployment = "acme-stage",
     .t = MON + 2 * DAY + 10 * H,
     .success = true,
     .committed = lead_d5,
     .n_committed = 1},
    {.id = "d6",
     .deployment = "acme-stage",
     .t = MON + 2 * DAY + 14 * H,
     .success = true,
     .committed = lead_d6,
     .n_committed = 1},
    {.id = "d7",
     .deployment = "acme-prod",
     .t = MON + 2 * DAY + 16 * H,
     .success = true,
     .unplanned = true,
     .fixes = "x1"},
    {.id = "d8", .deployment = "globex-prod", .t = MON + 3 * DAY + 10 * H, .success = true},
    {.id = "d9", .deployment = "globex-prod", .t = MON + 4 * DAY + 10 * H, .success = true},
    {.id = "d10", .t = MON + 4 * DAY + 15 * H, .success = true},
    /* before the period */
    {.id = "d0", .deployment = "acme-prod", .t = MON - H, .success = false},
};
#define N_CHANGES (sizeof(changes) / sizeof(changes[0]))

static const struct sw_health_incident change_incidents[] = {
    /* deploy 10:00, issue 10:20, resolved 11:40: 100 min from the deploy */
    {.id = "x1",
     .deployment = "acme-prod",
     .severity = 2,
     .triggered_at = MON + 10 * H + 20 * MIN,
     .resolved_at = MON + 11 * H + 40 * MIN,
     .caused_by_change = "d1"},
    /* 45 min */
    {.id = "x2",
     .deployment = "acme-prod",
     .severity = 3,
     .triggered_at = MON + DAY + 9 * H + 5 * MIN,
     .resolved_at = MON + DAY + 9 * H + 45 * MIN,
     .caused_by_change = "d2"},
    /* on globex-prod 30 min after d8, linked to nothing: caused only under a window */
    {.id = "x3",
     .deployment = "globex-prod",
     .severity = 2,
     .triggered_at = MON + 3 * DAY + 10 * H + 30 * MIN,
     .resolved_at = MON + 3 * DAY + 11 * H},
    /* a test incident naming d9: never counts */
    {.id = "x4",
     .deployment = "globex-prod",
     .severity = 4,
     .triggered_at = MON + 4 * DAY + 10 * H + 1,
     .resolved_at = MON + 4 * DAY + 11 * H,
     .caused_by_change = "d9",
     .test = true},
    /* before d1 on its deployment: not caused by it */
    {.id = "x5",
     .deployment = "acme-prod",
     .severity = 3,
     .triggered_at = MON + 9 * H,
     .resolved_at = MON + 9 * H + 10 * MIN},
    /* names a change outside the period */
    {.id = "x6",
     .deployment = "acme-prod",
     .severity = 3,
     .triggered_at = MON + 5 * DAY,
     .resolved_at = MON + 5 * DAY + H,
     .caused_by_change = "d0"},
};
#define N_CHANGE_INCIDENTS (sizeof(change_incidents) / sizeof(change_incidents[0]))

static void test_delivery_b9(void **state)
{
    (void)state;
    struct sw_health_delivery d;

    assert_int_equal(sw_health_delivery(changes, N_CHANGES, change_incidents, N_CHANGE_INCIDENTS, 0,
                                        MON, MON + WEEK, &d),
                     0);
    assert_int_equal(d.changes, 10);
    assert_int_equal(d.per_day_milli, 1428);
    assert_int_equal(d.bucket, SW_HEALTH_DAILY);
    assert_int_equal(d.failed, 2);
    assert_int_equal(d.failure_ppm, 200000); /* CFR 20 % */
    assert_int_equal(d.restore.n, 2);
    assert_int_equal(d.restore.median, 4350); /* 72.5 min */
    assert_int_equal(d.lead.n, 3);
    assert_int_equal(d.lead.median, 5 * H);
    assert_int_equal(d.lead_dropped, 1);
    assert_int_equal(d.rework, 1);
    assert_int_equal(d.rework_ppm, 100000);

    /* with a one-hour window x3 counts against d8 (60 min to restore) */
    assert_int_equal(sw_health_delivery(changes, N_CHANGES, change_incidents, N_CHANGE_INCIDENTS, H,
                                        MON, MON + WEEK, &d),
                     0);
    assert_int_equal(d.failed, 3);
    assert_int_equal(d.failure_ppm, 300000);
    assert_int_equal(d.restore.n, 3);
    assert_int_equal(d.restore.median, 60 * MIN);
    /* a 30-minute window ends just as x3 opens: half-open, not caused */
    assert_int_equal(sw_health_delivery(changes, N_CHANGES, change_incidents, N_CHANGE_INCIDENTS,
                                        30 * MIN, MON, MON + WEEK, &d),
                     0);
    assert_int_equal(d.failed, 2);
    /* a change that failed by itself */
    {
        struct sw_health_change c[N_CHANGES];

        memcpy(c, changes, sizeof(changes));
        c[9].success = false;
        assert_int_equal(sw_health_delivery(c, N_CHANGES, change_incidents, N_CHANGE_INCIDENTS, H,
                                            MON, MON + WEEK, &d),
                         0);
        assert_int_equal(d.failed, 4);
        assert_int_equal(d.restore.n, 3);
    }
}

static void test_delivery_buckets(void **state)
{
    (void)state;
    struct sw_health_change c[4] = {
        {.id = "a", .t = MON + H, .success = true},
        {.id = "b", .t = MON + 14 * DAY + H, .success = true},
        {.id = "c", .t = MON + 15 * DAY + H, .success = true},
        {.id = "d", .t = MON + 21 * DAY + H, .success = true},
    };
    struct sw_health_delivery d;

    /* 4 weeks, changes in weeks 1, 3, 4: weekly */
    assert_int_equal(sw_health_delivery(c, 4, NULL, 0, 0, MON, MON + 28 * DAY, &d), 0);
    assert_int_equal(d.bucket, SW_HEALTH_WEEKLY);
    assert_int_equal(d.per_day_milli, 142);
    /* weeks 1 and 3 only: half the weeks is not a median of 1; the month has one: monthly */
    assert_int_equal(sw_health_delivery(c, 2, NULL, 0, 0, MON, MON + 28 * DAY, &d), 0);
    assert_int_equal(d.bucket, SW_HEALTH_MONTHLY);
    /* 90 days with one change: yearly */
    assert_int_equal(sw_health_delivery(c, 1, NULL, 0, 0, MON, MON + 90 * DAY, &d), 0);
    assert_int_equal(d.bucket, SW_HEALTH_YEARLY);
    assert_int_equal(d.failure_ppm, 0);
    assert_int_equal(d.lead.n, 0);
    /* no changes at all */
    assert_int_equal(sw_health_delivery(NULL, 0, NULL, 0, 0, MON, MON + WEEK, &d), 0);
    assert_int_equal(d.changes, 0);
    assert_int_equal(d.bucket, SW_HEALTH_YEARLY);
    /* 3 days with changes in a week: daily */
    c[1].t = MON + DAY;
    c[2].t = MON + 2 * DAY;
    assert_int_equal(sw_health_delivery(c, 3, NULL, 0, 0, MON, MON + WEEK, &d), 0);
    assert_int_equal(d.bucket, SW_HEALTH_DAILY);
    c[2].t = MON + DAY + H; /* the same day twice: 2 days */
    assert_int_equal(sw_health_delivery(c, 3, NULL, 0, 0, MON, MON + WEEK, &d), 0);
    assert_int_equal(d.bucket, SW_HEALTH_WEEKLY);
    assert_string_equal(sw_health_freq_name(d.bucket), "weekly");
}

static void test_delivery_bad(void **state)
{
    (void)state;
    struct sw_health_delivery d;
    struct sw_health_change c = changes[0];
    struct sw_health_incident i = change_incidents[0];

    assert_int_equal(sw_health_delivery(&c, 1, NULL, 0, -1, MON, MON + WEEK, &d), -EINVAL);
    c.id = NULL;
    assert_int_equal(sw_health_delivery(&c, 1, NULL, 0, 0, MON, MON + WEEK, &d), -EINVAL);
    c = changes[0];
    c.n_committed = 2; /* committed is NULL */
    assert_int_equal(sw_health_delivery(&c, 1, NULL, 0, 0, MON, MON + WEEK, &d), -EINVAL);
    c = changes[0];
    c.t = 0;
    assert_int_equal(sw_health_delivery(&c, 1, NULL, 0, 0, MON, MON + WEEK, &d), -EINVAL);
    i.resolved_at = i.triggered_at - 1;
    assert_int_equal(sw_health_delivery(changes, 1, &i, 1, 0, MON, MON + WEEK, &d), -EINVAL);
    assert_int_equal(sw_health_delivery(changes, 1, NULL, 0, 0, MON + WEEK, MON, &d), -EINVAL);
}

/* ---- status and trend ---- */

static enum sw_health_status status_of(enum sw_health_indicator ind, int64_t v)
{
    struct sw_health_verdict x;

    assert_int_equal(sw_health_judge(sw_health_default_threshold(ind), true, v, false, 0, &x), 0);
    assert_int_equal(x.trend, SW_HEALTH_NO_TREND);
    return x.status;
}

static void test_status(void **state)
{
    (void)state;
    struct sw_health_verdict x;
    struct sw_health_threshold th = {false, 10, 5, 0};

    /* lower is better */
    assert_int_equal(status_of(SW_HEALTH_MTTA, 4 * MIN), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_MTTA, 5 * MIN), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_MTTA, 5 * MIN + 1), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_MTTA, 15 * MIN), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_MTTA, 30 * MIN), SW_HEALTH_RED);
    assert_int_equal(status_of(SW_HEALTH_AFTER_HOURS, 571428), SW_HEALTH_RED);        /* B11 */
    assert_int_equal(status_of(SW_HEALTH_INCIDENTS_PER_SHIFT, 642), SW_HEALTH_GREEN); /* B8 */
    assert_int_equal(status_of(SW_HEALTH_INCIDENTS_PER_SHIFT, 2000), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_INCIDENTS_PER_SHIFT, 2001), SW_HEALTH_RED);
    assert_int_equal(status_of(SW_HEALTH_SHIFT_BREACHES, 0), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_SHIFT_BREACHES, 1), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_SHIFT_BREACHES, 2), SW_HEALTH_RED);
    assert_int_equal(status_of(SW_HEALTH_ONCALL_LOAD, 250000), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_CHANGE_FAILURE, 200000), SW_HEALTH_AMBER); /* B9 */
    assert_int_equal(status_of(SW_HEALTH_TIME_TO_RESTORE, 4350), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_LEAD_TIME, 5 * H), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_REOPEN_RATE, 333333), SW_HEALTH_RED);
    /* higher is better */
    assert_int_equal(status_of(SW_HEALTH_FIRST_RESPONSE, 950000), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_FIRST_RESPONSE, 920000), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_FIRST_RESPONSE, 750000), SW_HEALTH_RED);
    assert_int_equal(status_of(SW_HEALTH_SLA_MET, 1000000), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_SLA_MET, 999999), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_CHANGE_FREQUENCY, SW_HEALTH_DAILY), SW_HEALTH_GREEN);
    assert_int_equal(status_of(SW_HEALTH_CHANGE_FREQUENCY, SW_HEALTH_WEEKLY), SW_HEALTH_AMBER);
    assert_int_equal(status_of(SW_HEALTH_CHANGE_FREQUENCY, SW_HEALTH_MONTHLY), SW_HEALTH_RED);

    /* no data: no colour, no trend */
    assert_int_equal(
        sw_health_judge(sw_health_default_threshold(SW_HEALTH_MTTR), false, 0, true, 5, &x), 0);
    assert_int_equal(x.status, SW_HEALTH_NONE);
    assert_int_equal(x.trend, SW_HEALTH_NO_TREND);
    /* trends: MTTA 4 min against 5 min is within the 1 min flat band */
    assert_int_equal(sw_health_judge(sw_health_default_threshold(SW_HEALTH_MTTA), true, 4 * MIN,
                                     true, 5 * MIN, &x),
                     0);
    assert_int_equal(x.trend, SW_HEALTH_FLAT);
    assert_int_equal(x.delta, -MIN);
    assert_false(x.better);
    assert_int_equal(sw_health_judge(sw_health_default_threshold(SW_HEALTH_MTTA), true, 4 * MIN,
                                     true, 10 * MIN, &x),
                     0);
    assert_int_equal(x.trend, SW_HEALTH_DOWN);
    assert_int_equal(x.delta, -6 * MIN);
    assert_true(x.better);
    assert_int_equal(sw_health_judge(sw_health_default_threshold(SW_HEALTH_FIRST_RESPONSE), true,
                                     950000, true, 900000, &x),
                     0);
    assert_int_equal(x.trend, SW_HEALTH_UP);
    assert_int_equal(x.delta, 50000);
    assert_true(x.better);
    assert_int_equal(sw_health_judge(sw_health_default_threshold(SW_HEALTH_CHANGE_FAILURE), true,
                                     300000, true, 200000, &x),
                     0);
    assert_int_equal(x.status, SW_HEALTH_AMBER);
    assert_int_equal(x.trend, SW_HEALTH_UP);
    assert_false(x.better);

    /* thresholds in the wrong order */
    assert_int_equal(sw_health_threshold_check(&th), -EINVAL);
    assert_int_equal(sw_health_judge(&th, true, 1, false, 0, &x), -EINVAL);
    th = (struct sw_health_threshold){true, 5, 10, 0};
    assert_int_equal(sw_health_threshold_check(&th), -EINVAL);
    th = (struct sw_health_threshold){true, 10, 5, -1};
    assert_int_equal(sw_health_threshold_check(&th), -EINVAL);
    th.flat = 0;
    assert_int_equal(sw_health_threshold_check(&th), 0);
    assert_int_equal(sw_health_threshold_check(NULL), -EINVAL);
    for (int i = 0; i < SW_HEALTH_INDICATORS; i++) {
        assert_int_equal(sw_health_threshold_check(sw_health_default_threshold(i)), 0);
    }
    assert_null(sw_health_default_threshold(SW_HEALTH_INDICATORS));
}

static void test_names(void **state)
{
    (void)state;
    enum sw_health_indicator ind;
    int64_t f, t;

    for (int i = 0; i < SW_HEALTH_INDICATORS; i++) {
        const char *name = sw_health_indicator_name(i);

        assert_non_null(name);
        assert_int_equal(sw_health_indicator_parse(name, &ind), 0);
        assert_int_equal(ind, i);
    }
    assert_string_equal(sw_health_indicator_name(SW_HEALTH_MTTA), "mtta");
    assert_string_equal(sw_health_indicator_name(SW_HEALTH_CHANGE_FAILURE), "change_failure_rate");
    assert_null(sw_health_indicator_name(SW_HEALTH_INDICATORS));
    assert_int_equal(sw_health_indicator_parse("nope", &ind), -EINVAL);
    assert_int_equal(sw_health_indicator_parse(NULL, &ind), -EINVAL);
    assert_string_equal(sw_health_status_name(SW_HEALTH_AMBER), "amber");
    assert_string_equal(sw_health_trend_name(SW_HEALTH_DOWN), "down");
    assert_string_equal(sw_health_freq_name(SW_HEALTH_DAILY), "daily");
    assert_null(sw_health_freq_name((enum sw_health_freq)4));
    assert_int_equal(sw_health_previous(MON, MON + WEEK, &f, &t), 0);
    assert_int_equal(f, MON - WEEK);
    assert_int_equal(t, MON);
    assert_int_equal(sw_health_previous(MON, MON, &f, &t), -EINVAL);
    assert_int_equal(sw_health_previous(10, 30, &f, &t), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_mttx),
        cmocka_unit_test(test_mttx_bad),
        cmocka_unit_test(test_interrupts),
        cmocka_unit_test(test_interrupts_half_hour_zone),
        cmocka_unit_test(test_interrupts_bad),
        cmocka_unit_test(test_shifts_b8),
        cmocka_unit_test(test_shifts_windows),
        cmocka_unit_test(test_shifts_bad),
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_backlog),
        cmocka_unit_test(test_cases_bad),
        cmocka_unit_test(test_balance),
        cmocka_unit_test(test_delivery_b9),
        cmocka_unit_test(test_delivery_buckets),
        cmocka_unit_test(test_delivery_bad),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
