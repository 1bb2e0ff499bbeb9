/* SPDX-License-Identifier: Apache-2.0 */
/* test_sla.c: src/sla with exact numbers: the documented worked example, DOMAIN B2/B3/B4/B5/B11
 * vectors, DST months, overlapping and weekly maintenance, boundaries, unknown time under each
 * policy, WARNING both ways, empty history, creation mid-month, an open interval, min_outage_s,
 * credits, burn-rate thresholds and bad input. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sla/sla.h"

#define H 3600
#define DAY 86400
#define OCT_UTC 1790812800LL     /* 2026-10-01T00:00:00Z */
#define OCT_UTC_END 1793491200LL /* 2026-11-01T00:00:00Z: 31 days */
#define GAP (-1)                 /* no interval: nothing observed */

/* A state change at t; the state holds until the next change. */
struct chg {
    int64_t t;
    int state; /* enum sw_state, or GAP */
};

/* Intervals from changes; the last one ends at end (0: open). */
static size_t build(struct sw_interval *out, const struct chg *c, size_t n, int64_t end)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (c[i].state == GAP) {
            continue;
        }
        out[k].start = c[i].t;
        out[k].end = i + 1 < n ? c[i + 1].t : end;
        out[k].state = (enum sw_state)c[i].state;
        k++;
    }
    return k;
}

static struct sw_sla_input input(const struct sw_interval *iv, size_t n, int64_t from, int64_t to)
{
    return (struct sw_sla_input){
        .iv = iv, .n_iv = n, .from = from, .to = to, .now = to + 40 * DAY, .target_ppm = 999500};
}

static struct sw_sla_result run(const struct sw_sla_input *in, struct sw_sla_detail *d)
{
    struct sw_sla_result r;
    assert_int_equal(sw_sla_compute(in, &r, d), 0);
    /* every second of the period is in exactly one bucket */
    assert_int_equal(r.period_s,
                     r.before_s + r.pending_s + r.maintenance_s + r.unknown_s + r.observed_s);
    return r;
}

/* ---- the documented worked example ---- */

static void test_worked_example(void **unused)
{
    const struct chg c[] = {
        {OCT_UTC - 1000, SW_OK},
        {OCT_UTC + DAY + 10 * H, SW_CRITICAL}, /* 20 min */
        {OCT_UTC + DAY + 10 * H + 1200, SW_OK},
        {OCT_UTC + 10 * DAY + 3 * H, SW_CRITICAL}, /* 25 min, inside maintenance */
        {OCT_UTC + 10 * DAY + 3 * H + 1500, SW_OK},
        {OCT_UTC + 20 * DAY, SW_CRITICAL}, /* 7 min */
        {OCT_UTC + 20 * DAY + 420, SW_OK},
    };
    const struct sw_window win = {OCT_UTC + 10 * DAY + 2 * H, OCT_UTC + 10 * DAY + 4 * H, true,
                                  "upgrade"};
    struct sw_interval iv[8];
    struct sw_sla_input in = input(iv, build(iv, c, 7, 0), OCT_UTC, OCT_UTC_END);
    struct sw_sla_detail d;
    struct sw_sla_result r;
    char s[32];

    (void)unused;
    in.win = &win;
    in.n_win = 1;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.period_s, 2678400);
    assert_int_equal(r.maintenance_s, 7200);
    assert_int_equal(r.eligible_s, 2671200);
    assert_int_equal(r.downtime_s, 1620);
    assert_int_equal(r.unknown_s, 0);
    assert_int_equal(r.before_s + r.pending_s, 0);
    assert_true(r.defined);
    assert_int_equal(r.availability_ppm, 999393);
    snprintf(s, sizeof(s), "%.8f", r.availability);
    assert_string_equal(s, "0.99939353");
    /* against 99.95 %: missed; budget floor(2,671,200 * 500 / 1e6) = 1,335 s */
    assert_false(r.met);
    assert_int_equal(r.budget_s, 1335);
    assert_int_equal(r.remaining_s, -285);
    assert_int_equal(r.used_ppm, 1212938);
    assert_int_equal(r.remaining_ppm, -212938);
    snprintf(s, sizeof(s), "%.6f", r.budget_used);
    assert_string_equal(s, "1.212938");

    assert_int_equal(d.n_outages, 3);
    assert_int_equal(d.outages[0].start, OCT_UTC + DAY + 10 * H);
    assert_int_equal(d.outages[0].end, OCT_UTC + DAY + 10 * H + 1200);
    assert_int_equal(d.outages[0].down_s, 1200);
    assert_false(d.outages[0].in_maintenance);
    assert_int_equal(d.outages[1].down_s, 0);
    assert_int_equal(d.outages[1].maint_s, 1500);
    assert_true(d.outages[1].in_maintenance);
    assert_int_equal(d.outages[2].down_s, 420);
    assert_false(d.outages[2].open);
    /* up, down, up, maint(up), maint(down), maint(up), up, down, up */
    assert_int_equal(d.n_segs, 9);
    assert_int_equal(d.segs[0].start, OCT_UTC);
    assert_int_equal(d.segs[0].kind, SW_SLA_UP);
    assert_int_equal(d.segs[1].kind, SW_SLA_DOWN);
    assert_true(d.segs[1].counted_down);
    assert_int_equal(d.segs[4].kind, SW_SLA_DOWN);
    assert_int_equal(d.segs[4].maint, SW_SLA_MAINT_EXCLUDED);
    assert_false(d.segs[4].counted_down);
    assert_int_equal(d.segs[8].end, OCT_UTC_END);
    for (size_t i = 1; i < d.n_segs; i++) {
        assert_int_equal(d.segs[i].start, d.segs[i - 1].end);
    }

    /* the same input gives the same numbers without the detail, and the detail is reusable */
    struct sw_sla_result r2 = run(&in, NULL);
    assert_memory_equal(&r, &r2, sizeof(r));
    run(&in, &d);
    assert_int_equal(d.n_outages, 3);
    sw_sla_detail_release(&d);
}

/* ---- DOMAIN B2, B3, B11: min_outage_s 300, maintenance with down time inside ---- */

static void test_domain_b2_b3(void **unused)
{
    int64_t a, b;
    struct sw_interval iv[16];
    struct sw_sla_detail d;
    struct sw_sla_result r;

    (void)unused;
    assert_int_equal(sw_tz_month("UTC", 2026, 4, &a, &b), 0);
    const struct chg c[] = {
        {a, SW_OK},
        {a + 2 * DAY, SW_CRITICAL}, /* 5,400 s inside the 7,200 s maintenance */
        {a + 2 * DAY + 5400, SW_OK},
        {a + 5 * DAY, SW_CRITICAL}, /* 2,400 s */
        {a + 5 * DAY + 2400, SW_OK},
        {a + 9 * DAY, SW_CRITICAL}, /* a 180 s blip */
        {a + 9 * DAY + 180, SW_OK},
    };
    const struct sw_window win = {a + 2 * DAY - 600, a + 2 * DAY + 6600, true, NULL};
    struct sw_sla_input in = input(iv, build(iv, c, 7, b + DAY), a, b);

    in.win = &win;
    in.n_win = 1;
    in.policy.min_outage_s = 300;
    in.target_ppm = 999000;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.period_s, 2592000);
    assert_int_equal(r.eligible_s, 2584800);
    assert_int_equal(r.downtime_s, 2400);
    assert_int_equal(r.forgiven_s, 180);
    assert_int_equal(r.availability_ppm, 999071);
    assert_true(r.met);
    assert_int_equal(r.budget_s, 2584);
    assert_int_equal(r.remaining_s, 184);
    assert_int_equal(r.remaining_ppm, 71495);
    assert_int_equal(d.n_outages, 3);
    assert_true(d.outages[0].in_maintenance);
    assert_false(d.outages[0].forgiven); /* 5,400 s is long enough, but none of it eligible */
    assert_true(d.outages[2].forgiven);
    assert_int_equal(d.outages[2].down_s, 0);
    assert_int_equal(d.outages[2].in_s, 180);
    /* the forgiven blip is drawn as down but not counted */
    for (size_t i = 0; i < d.n_segs; i++) {
        if (d.segs[i].start == a + 9 * DAY) {
            assert_int_equal(d.segs[i].kind, SW_SLA_DOWN);
            assert_false(d.segs[i].counted_down);
        }
    }
    /* a 2,400 s outage is 92.9 % of the budget (postmortem rule: more than 20 %) */
    assert_true(2400 * 5 > r.budget_s);
    sw_sla_detail_release(&d);
}

/* ---- calendar months across DST ---- */

static void test_dst_months(void **unused)
{
    int64_t a, b;
    struct sw_interval iv[4];
    struct sw_sla_result r;

    (void)unused;
    /* March 2026 in Berlin: 31 days less an hour */
    assert_int_equal(sw_tz_month("Europe/Berlin", 2026, 3, &a, &b), 0);
    const struct chg m[] = {
        {a - DAY, SW_OK}, {a + 28 * DAY + H, SW_CRITICAL}, {a + 28 * DAY + 2 * H, SW_OK}};
    struct sw_sla_input in = input(iv, build(iv, m, 3, b + DAY), a, b);
    r = run(&in, NULL);
    assert_int_equal(r.period_s, 2674800);
    assert_int_equal(r.eligible_s, 2674800);
    assert_int_equal(r.downtime_s, 3600);
    assert_int_equal(r.availability_ppm, 998654);

    /* October 2026 in Berlin: 31 days and an hour */
    assert_int_equal(sw_tz_month("Europe/Berlin", 2026, 10, &a, &b), 0);
    assert_int_equal(a, 1790805600); /* 2026-09-30T22:00:00Z */
    const struct chg o[] = {
        {a - DAY, SW_OK}, {a + 24 * DAY + H, SW_CRITICAL}, {a + 24 * DAY + 2 * H, SW_OK}};
    in = input(iv, build(iv, o, 3, 0), a, b);
    r = run(&in, NULL);
    assert_int_equal(r.period_s, 2682000);
    assert_int_equal(r.eligible_s, 2682000);
    assert_int_equal(r.downtime_s, 3600);
    assert_int_equal(r.availability_ppm, 998657);
}

/* ---- maintenance: weekly across DST, overlapping, counted windows, period edges ---- */

static void test_weekly_october(void **unused)
{
    int64_t a, b;
    struct sw_window_list l;
    const struct sw_weekly sunday = {0, 2 * H, 2 * H, "Europe/Berlin", true, "weekly"};
    const struct sw_window extra = {1791676800 + 5400, 1791676800 + 3 * H, true, "overrun"};
    const struct sw_window counted = {1792278000, 1792281600 + H, false, "customer"};
    const int64_t sundays[] = {1791072000, 1791676800, 1792281600, 1792886400};

    (void)unused;
    assert_int_equal(sw_tz_month("Europe/Berlin", 2026, 10, &a, &b), 0);
    sw_window_list_init(&l);
    assert_int_equal(sw_window_list_add_weekly(&l, &sunday, a, b), 0);
    /* Sundays 4, 11, 18, 25 at 02:00 local; on the 25th 02:00 happens twice and the first
     * (CEST, 00:00Z) is taken: all four start at 00:00Z and last 7,200 s */
    assert_int_equal(l.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(l.v[i].start, sundays[i]);
        assert_int_equal(l.v[i].end - l.v[i].start, 7200);
        assert_true(l.v[i].excluded);
    }
    assert_int_equal(sw_window_list_add(&l, &counted), 0);
    assert_int_equal(sw_window_list_add(&l, &extra), 0);
    assert_int_equal(sw_window_list_merge(&l, a, b), 0);
    /* the 11th merges into [00:00Z, 03:00Z); the counted window keeps only 23:00-00:00Z */
    assert_int_equal(l.n, 5);
    assert_int_equal(l.v[1].start, sundays[1]);
    assert_int_equal(l.v[1].end, sundays[1] + 3 * H);
    assert_string_equal(l.v[1].reason, "weekly");
    assert_int_equal(l.v[2].start, 1792278000);
    assert_int_equal(l.v[2].end, sundays[2]);
    assert_false(l.v[2].excluded);
    assert_string_equal(l.v[2].reason, "customer");
    assert_int_equal(l.v[3].start, sundays[2]);
    assert_true(l.v[3].excluded);

    /* down during the counted window counts, and is listed as in it */
    const struct chg c[] = {{a, SW_OK}, {1792278000 + 600, SW_CRITICAL}, {1792278000 + 900, SW_OK}};
    struct sw_interval iv[3];
    struct sw_sla_input in = input(iv, build(iv, c, 3, 0), a, b);
    struct sw_sla_detail d;
    in.win = l.v;
    in.n_win = l.n;
    sw_sla_detail_init(&d);
    struct sw_sla_result r = run(&in, &d);
    assert_int_equal(r.maintenance_s, 7200 * 3 + 10800);
    assert_int_equal(r.eligible_s, 2682000 - 32400);
    assert_int_equal(r.downtime_s, 300);
    assert_int_equal(d.n_outages, 1);
    assert_false(d.outages[0].in_maintenance);
    bool seen = false;
    for (size_t i = 0; i < d.n_segs; i++) {
        if (d.segs[i].kind == SW_SLA_DOWN) {
            assert_int_equal(d.segs[i].maint, SW_SLA_MAINT_COUNTED);
            assert_true(d.segs[i].counted_down);
            seen = true;
        }
    }
    assert_true(seen);
    sw_sla_detail_release(&d);
    sw_window_list_release(&l);
}

static void test_weekly_march_gap(void **unused)
{
    int64_t a, b;
    struct sw_window_list l;
    const struct sw_weekly sunday = {0, 2 * H, 2 * H, "Europe/Berlin", true, NULL};
    const int64_t expect[] = {1772326800, 1772326800 + 7 * DAY, 1772326800 + 14 * DAY, 1774141200,
                              1774746000};

    (void)unused;
    assert_int_equal(sw_tz_month("Europe/Berlin", 2026, 3, &a, &b), 0);
    sw_window_list_init(&l);
    assert_int_equal(sw_window_list_add_weekly(&l, &sunday, a, b), 0);
    /* 1, 8, 15, 22 at 02:00 CET = 01:00Z; on the 29th 02:00 does not exist: 03:00 CEST = 01:00Z */
    assert_int_equal(l.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(l.v[i].start, expect[i]);
        assert_int_equal(l.v[i].end, expect[i] + 7200);
    }
    /* a range that starts mid-window still gets that window (unclipped until merged) */
    sw_window_list_release(&l);
    assert_int_equal(sw_window_list_add_weekly(&l, &sunday, expect[0] + H, expect[0] + 2 * H), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].start, expect[0]);
    assert_int_equal(sw_window_list_merge(&l, expect[0] + H, expect[0] + 2 * H), 0);
    assert_int_equal(l.v[0].start, expect[0] + H);
    assert_int_equal(l.v[0].end, expect[0] + 2 * H);
    sw_window_list_release(&l);
}

static void test_window_edges(void **unused)
{
    /* maintenance from 23:00Z the day before to 01:00Z on the 1st: only 3,600 s count */
    const struct sw_window w[] = {
        {OCT_UTC - H, OCT_UTC + H, true, NULL},
        {OCT_UTC_END - 1800, OCT_UTC_END + H, true, NULL},
    };
    const struct chg c[] = {{OCT_UTC - DAY, SW_CRITICAL}, {OCT_UTC + 2 * H, SW_OK}};
    struct sw_interval iv[2];
    struct sw_sla_input in = input(iv, build(iv, c, 2, 0), OCT_UTC, OCT_UTC_END);
    struct sw_sla_detail d;
    struct sw_sla_result r;

    (void)unused;
    in.win = w;
    in.n_win = 2;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.maintenance_s, 3600 + 1800);
    assert_int_equal(r.eligible_s, 2678400 - 5400);
    assert_int_equal(r.downtime_s, 3600); /* 01:00Z .. 02:00Z */
    /* the outage began the day before: its own start is shown */
    assert_int_equal(d.n_outages, 1);
    assert_int_equal(d.outages[0].start, OCT_UTC - DAY);
    assert_int_equal(d.outages[0].in_s, 7200);
    assert_int_equal(d.outages[0].maint_s, 3600);
    sw_sla_detail_release(&d);
}

static void test_merge_rules(void **unused)
{
    struct sw_window_list l;
    const struct sw_window in[] = {
        {100, 200, false, "c1"}, /* counted, cut by both excluded windows */
        {150, 160, true, "x1"},  {170, 180, true, "x2"},
        {180, 190, true, "x3"},                           /* adjacent to x2: one window */
        {300, 400, true, "x4"},  {350, 360, false, "c2"}, /* inside x4: vanishes */
        {400, 450, false, "c3"}, /* adjacent to x4, other kind: stays apart */
        {440, 460, false, "c4"}, /* overlaps c3: one window */
    };
    const struct sw_window bad = {5, 5, true, NULL};

    (void)unused;
    sw_window_list_init(&l);
    for (size_t i = 8; i-- > 0;) { /* reverse order: merging sorts */
        assert_int_equal(sw_window_list_add(&l, &in[i]), 0);
    }
    assert_int_equal(sw_window_list_add(&l, &bad), -EINVAL);
    assert_int_equal(sw_window_list_merge(&l, 0, 455), 0);
    const int64_t want[][3] = {{100, 150, 0}, {150, 160, 1}, {160, 170, 0}, {170, 190, 1},
                               {190, 200, 0}, {300, 400, 1}, {400, 455, 0}};
    assert_int_equal(l.n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(l.v[i].start, want[i][0]);
        assert_int_equal(l.v[i].end, want[i][1]);
        assert_int_equal(l.v[i].excluded, want[i][2]);
    }
    assert_string_equal(l.v[3].reason, "x2");
    assert_string_equal(l.v[6].reason, "c3");
    assert_int_equal(sw_window_list_merge(&l, 10, 10), -EINVAL);
    sw_window_list_release(&l);
}

/* ---- unknown time, WARNING, empty history, creation, open intervals ---- */

static void test_unknown_policies(void **unused)
{
    const struct chg c[] = {
        {OCT_UTC, SW_OK},
        {OCT_UTC + DAY, GAP}, /* daemon down for an hour */
        {OCT_UTC + DAY + H, SW_OK},
        {OCT_UTC + 2 * DAY, SW_UNKNOWN}, /* no result for 1,800 s */
        {OCT_UTC + 2 * DAY + 1800, SW_OK},
        {OCT_UTC + 3 * DAY, SW_CRITICAL},
        {OCT_UTC + 3 * DAY + 600, SW_OK},
    };
    struct sw_interval iv[8];
    struct sw_sla_input in = input(iv, build(iv, c, 7, OCT_UTC_END), OCT_UTC, OCT_UTC_END);
    struct sw_sla_detail d;
    struct sw_sla_result r;

    (void)unused;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.unknown_s, 5400);
    assert_int_equal(r.eligible_s, 2678400 - 5400);
    assert_int_equal(r.downtime_s, 600);
    assert_int_equal(d.n_outages, 1);

    in.policy.unknown = SW_SLA_UNKNOWN_DOWN;
    r = run(&in, &d);
    assert_int_equal(r.unknown_s, 5400);
    assert_int_equal(r.eligible_s, 2678400);
    assert_int_equal(r.downtime_s, 6000);
    assert_int_equal(d.n_outages, 3);
    assert_int_equal(d.outages[0].start, OCT_UTC + DAY);
    assert_int_equal(d.outages[0].down_s, 3600);

    in.policy.unknown = SW_SLA_UNKNOWN_UP;
    r = run(&in, &d);
    assert_int_equal(r.unknown_s, 5400);
    assert_int_equal(r.eligible_s, 2678400);
    assert_int_equal(r.downtime_s, 600);
    sw_sla_detail_release(&d);
}

static void test_warning_both_ways(void **unused)
{
    const struct chg c[] = {{OCT_UTC, SW_OK},
                            {OCT_UTC + DAY, SW_WARNING},
                            {OCT_UTC + DAY + 1200, SW_CRITICAL},
                            {OCT_UTC + DAY + 1500, SW_OK}};
    struct sw_interval iv[4];
    struct sw_sla_input in = input(iv, build(iv, c, 4, OCT_UTC_END), OCT_UTC, OCT_UTC_END);
    struct sw_sla_detail d;
    struct sw_sla_result r;

    (void)unused;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.degraded_s, 1200);
    assert_int_equal(r.downtime_s, 300);
    assert_int_equal(d.n_outages, 1);

    in.policy.warning_is_down = true;
    r = run(&in, &d);
    assert_int_equal(r.degraded_s, 0);
    assert_int_equal(r.downtime_s, 1500);
    assert_int_equal(d.n_outages, 1); /* one run: WARNING then CRITICAL */
    assert_int_equal(d.outages[0].start, OCT_UTC + DAY);
    assert_int_equal(d.outages[0].end, OCT_UTC + DAY + 1500);
    sw_sla_detail_release(&d);
}

static void test_empty_history(void **unused)
{
    struct sw_sla_input in = input(NULL, 0, OCT_UTC, OCT_UTC_END);
    struct sw_sla_result r;
    const struct sw_credit_tier t[] = {{999500, 100000}};

    (void)unused;
    r = run(&in, NULL);
    assert_int_equal(r.unknown_s, 2678400);
    assert_int_equal(r.eligible_s, 0);
    assert_false(r.defined);
    assert_false(r.met);
    assert_int_equal(r.availability_ppm, 0);
    assert_int_equal(r.budget_s, 0);
    assert_true(r.budget_used == 0.0);
    assert_int_equal(sw_credit_lookup(t, 1, r.defined, r.availability_ppm), 0); /* no credit */

    in.policy.unknown = SW_SLA_UNKNOWN_DOWN;
    r = run(&in, NULL);
    assert_true(r.defined);
    assert_int_equal(r.eligible_s, 2678400);
    assert_int_equal(r.downtime_s, 2678400);
    assert_int_equal(r.availability_ppm, 0);
    assert_false(r.met);
    assert_int_equal(sw_credit_lookup(t, 1, r.defined, r.availability_ppm), 100000);

    /* a 100 % target leaves no budget: any downtime uses it infinitely */
    in.target_ppm = 1000000;
    r = run(&in, NULL);
    assert_int_equal(r.budget_s, 0);
    assert_true(isinf(r.budget_used));
    assert_int_equal(r.used_ppm, INT64_MAX);
}

static void test_created_mid_month(void **unused)
{
    const int64_t created = OCT_UTC + 15 * DAY + 7 * H;
    const struct chg c[] = {
        {created, SW_OK}, {created + DAY, SW_CRITICAL}, {created + DAY + 60, SW_OK}};
    struct sw_interval iv[3];
    struct sw_sla_input in = input(iv, build(iv, c, 3, 0), OCT_UTC, OCT_UTC_END);
    struct sw_sla_detail d;
    struct sw_sla_result r;

    (void)unused;
    in.created = created;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.before_s, 15 * DAY + 7 * H);
    assert_int_equal(r.eligible_s, 2678400 - 15 * DAY - 7 * H);
    assert_int_equal(r.unknown_s, 0);
    assert_int_equal(r.downtime_s, 60);
    assert_int_equal(d.segs[0].kind, SW_SLA_BEFORE);
    assert_int_equal(d.segs[0].end, created);

    /* created after the period: nothing counted, undefined */
    in.created = OCT_UTC_END + 1;
    r = run(&in, NULL);
    assert_int_equal(r.before_s, 2678400);
    assert_false(r.defined);
    sw_sla_detail_release(&d);
}

static void test_open_interval_now_inside(void **unused)
{
    const struct chg c[] = {{OCT_UTC - 100, SW_OK}, {OCT_UTC + DAY, SW_CRITICAL}};
    struct sw_interval iv[2];
    struct sw_sla_input in = input(iv, build(iv, c, 2, 0), OCT_UTC, OCT_UTC_END);
    struct sw_sla_detail d;
    struct sw_sla_result r;

    (void)unused;
    in.now = OCT_UTC + DAY + 600;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.pending_s, 2678400 - DAY - 600);
    assert_int_equal(r.eligible_s, DAY + 600);
    assert_int_equal(r.downtime_s, 600);
    assert_int_equal(r.availability_ppm, 993103); /* floor(86,400e6 / 87,000) */
    assert_int_equal(d.n_outages, 1);
    assert_true(d.outages[0].open);
    assert_int_equal(d.outages[0].end, in.now);
    assert_int_equal(d.segs[d.n_segs - 1].kind, SW_SLA_PENDING);
    assert_int_equal(d.segs[d.n_segs - 1].start, in.now);

    /* month to date vs the whole-month allowance: the budget grows with E */
    assert_int_equal(r.budget_s, 43); /* floor(87,000 * 500 / 1e6) */

    /* now before the period: all pending */
    in.now = OCT_UTC - 1;
    r = run(&in, NULL);
    assert_int_equal(r.pending_s, 2678400);
    assert_false(r.defined);
    sw_sla_detail_release(&d);
}

static void test_min_outage_edges(void **unused)
{
    /* 400 s down across the period start, 200 s of it inside: not a blip (measured whole) */
    const struct chg c[] = {
        {OCT_UTC - DAY, SW_OK},          {OCT_UTC - 200, SW_CRITICAL},
        {OCT_UTC + 200, SW_OK},          {OCT_UTC + DAY, SW_CRITICAL}, /* exactly 300 s: counts */
        {OCT_UTC + DAY + 300, SW_OK},    {OCT_UTC + 2 * DAY, SW_CRITICAL}, /* 299 s: forgiven */
        {OCT_UTC + 2 * DAY + 299, SW_OK}};
    struct sw_interval iv[7];
    struct sw_sla_input in = input(iv, build(iv, c, 7, 0), OCT_UTC, OCT_UTC_END);
    struct sw_sla_detail d;
    struct sw_sla_result r;

    (void)unused;
    in.policy.min_outage_s = 300;
    sw_sla_detail_init(&d);
    r = run(&in, &d);
    assert_int_equal(r.downtime_s, 500);
    assert_int_equal(r.forgiven_s, 299);
    assert_int_equal(d.n_outages, 3);
    assert_int_equal(d.outages[0].start, OCT_UTC - 200);
    assert_int_equal(d.outages[0].in_s, 200);
    assert_false(d.outages[0].forgiven);
    assert_true(d.outages[2].forgiven);
    /* without the rule every second counts */
    in.policy.min_outage_s = 0;
    r = run(&in, NULL);
    assert_int_equal(r.downtime_s, 799);
    sw_sla_detail_release(&d);
}

/* ---- credits (issue tiers, DOMAIN B5 with the AWS preset) ---- */

static void test_credits(void **unused)
{
    const struct sw_credit_tier gold[] = {{999500, 100000}, {990000, 250000}, {950000, 1000000}};
    const struct sw_credit_tier aws[] = {{999900, 100000}, {990000, 300000}, {950000, 1000000}};
    const struct sw_credit_tier unsorted[] = {{990000, 100000}, {999500, 250000}};
    const struct sw_credit_tier flat[] = {{999500, 100000}, {990000, 100000}};
    const struct sw_credit_tier zero[] = {{999500, 0}};
    const struct sw_credit_tier over[] = {{1000001, 10000}};
    char err[160];
    int64_t amount;

    (void)unused;
    assert_int_equal(sw_credit_validate(gold, 3, err, sizeof(err)), 0);
    assert_int_equal(sw_credit_validate(NULL, 0, err, sizeof(err)), 0);
    assert_int_equal(sw_credit_validate(unsorted, 2, err, sizeof(err)), -EINVAL);
    assert_string_equal(err,
                        "tier 1: below 99.95 must be lower than tier 0's 99 (sorted descending)");
    assert_int_equal(sw_credit_validate(flat, 2, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "tier 1: credit 10 must be higher than tier 0's 10"));
    assert_int_equal(sw_credit_validate(zero, 1, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "tier 0: credit must be above 0 and at most 100");
    assert_int_equal(sw_credit_validate(over, 1, NULL, 0), -EINVAL);

    assert_int_equal(sw_credit_lookup(gold, 3, true, 999500), 0); /* at the target: none */
    assert_int_equal(sw_credit_lookup(gold, 3, true, 999499), 100000);
    assert_int_equal(sw_credit_lookup(gold, 3, true, 999393), 100000); /* worked example */
    assert_int_equal(sw_credit_lookup(gold, 3, true, 990000), 100000);
    assert_int_equal(sw_credit_lookup(gold, 3, true, 989999), 250000);
    assert_int_equal(sw_credit_lookup(gold, 3, true, 0), 1000000);
    assert_int_equal(sw_credit_lookup(gold, 3, false, 0), 0);
    /* B5/B11: 98.7 % -> 30 %, 99.0 % -> 10 % (inclusive lower bound), 99.99 % -> 0 */
    assert_int_equal(sw_credit_lookup(aws, 3, true, 987000), 300000);
    assert_int_equal(sw_credit_lookup(aws, 3, true, 990000), 100000);
    assert_int_equal(sw_credit_lookup(aws, 3, true, 999900), 0);
    assert_int_equal(sw_credit_amount(1200000, 300000, &amount), 0);
    assert_int_equal(amount, 360000); /* 3,600.00 EUR of 12,000.00 */
    assert_int_equal(sw_credit_amount(999, 100000, &amount), 0);
    assert_int_equal(amount, 99); /* floor */
    assert_int_equal(sw_credit_amount(INT64_MAX, 1000000, &amount), 0);
    assert_int_equal(amount, INT64_MAX);
    assert_int_equal(sw_credit_amount(-1, 100000, &amount), -EINVAL);
    assert_int_equal(sw_credit_amount(1, 1000001, &amount), -EINVAL);
}

static void test_percent(void **unused)
{
    uint32_t ppm = 7;
    char s[16];

    (void)unused;
    assert_int_equal(sw_ppm_parse("99.95", &ppm), 0);
    assert_int_equal(ppm, 999500);
    assert_int_equal(sw_ppm_parse("99.9999", &ppm), 0);
    assert_int_equal(ppm, 999999);
    assert_int_equal(sw_ppm_parse("100", &ppm), 0);
    assert_int_equal(ppm, 1000000);
    ppm = 7;
    assert_int_equal(sw_ppm_parse("99.99999", &ppm), -EINVAL);
    assert_int_equal(sw_ppm_parse("100.0001", &ppm), -EINVAL);
    assert_int_equal(sw_ppm_parse("-1", &ppm), -EINVAL);
    assert_int_equal(sw_ppm_parse("99.", &ppm), -EINVAL);
    assert_int_equal(sw_ppm_parse("", &ppm), -EINVAL);
    assert_int_equal(sw_ppm_parse("9e1", &ppm), -EINVAL);
    assert_int_equal(ppm, 7);
    assert_string_equal(sw_ppm_format(999071, s), "99.9071");
}

/* ---- burn rate ---- */

static void test_burn_factor_and_check(void **unused)
{
    uint32_t f = 0;

    (void)unused;
    assert_int_equal(sw_burn_factor_milli(20000, 30 * DAY, H, &f), 0);
    assert_int_equal(f, 14400);
    assert_int_equal(sw_burn_factor_milli(50000, 30 * DAY, 6 * H, &f), 0);
    assert_int_equal(f, 6000);
    assert_int_equal(sw_burn_factor_milli(100000, 30 * DAY, DAY, &f), 0);
    assert_int_equal(f, 3000);
    assert_int_equal(sw_burn_factor_milli(100000, 30 * DAY, 3 * DAY, &f), 0);
    assert_int_equal(f, 1000);
    assert_int_equal(sw_burn_factor_milli(20000, 28 * DAY, H, &f), 0);
    assert_int_equal(f, 13440);
    assert_int_equal(sw_burn_factor_milli(0, 30 * DAY, H, &f), -EINVAL);
    assert_int_equal(sw_burn_factor_milli(20000, H, DAY, &f), -EINVAL);
    assert_int_equal(sw_burn_rules_default[0].factor_milli, 14400);
    assert_int_equal(sw_burn_rules_default[3].long_s, 3 * DAY);

    /* T = 99 %, factor 10: the threshold is err = 10 %; equal does not fire */
    assert_int_equal(sw_burn_check(360, 3600, 30, 300, 990000, 10000), SW_BURN_OK);
    assert_int_equal(sw_burn_check(361, 3600, 31, 300, 990000, 10000), SW_BURN_FIRING);
    assert_int_equal(sw_burn_check(361, 3600, 30, 300, 990000, 10000), SW_BURN_OK);
    assert_int_equal(sw_burn_check(359, 3600, 31, 300, 990000, 10000), SW_BURN_OK);
    assert_int_equal(sw_burn_check(1, 0, 1, 300, 990000, 10000), SW_BURN_NO_DATA);
    /* B4 with events: 300/10,000 and 40/800 page at 99.9 %; 5/800 does not */
    assert_int_equal(sw_burn_check(300, 10000, 40, 800, 999000, 14400), SW_BURN_FIRING);
    assert_int_equal(sw_burn_check(300, 10000, 5, 800, 999000, 14400), SW_BURN_OK);
    assert_true(fabs(sw_burn_rate(300, 10000, 999000) - 30.0) < 1e-9);
    assert_int_equal(sw_burn_exhaustion_s(30 * DAY, 300, 10000, 999000), DAY);
    assert_int_equal(sw_burn_exhaustion_s(30 * DAY, 0, 10000, 999000), -1);
}

static void test_burn_eval_b4_in_time(void **unused)
{
    const int64_t now = OCT_UTC + 10 * DAY;
    /* the last hour: 108 s down (3 %); the last 5 min: 15 s of it (5 %) */
    const struct chg c[] = {{now - 5 * DAY, SW_OK},
                            {now - 2000, SW_CRITICAL},
                            {now - 1907, SW_OK},
                            {now - 300, SW_CRITICAL},
                            {now - 285, SW_OK}};
    struct sw_interval iv[5];
    struct sw_sla_input in = input(iv, build(iv, c, 5, 0), 0, 1);
    struct sw_burn_status st[SW_BURN_RULES_DEFAULT_N];

    (void)unused;
    in.now = now;
    in.target_ppm = 999000;
    assert_int_equal(sw_burn_eval(&in, 30 * DAY, sw_burn_rules_default, 4, st), 1);
    assert_int_equal(st[0].state, SW_BURN_FIRING);
    assert_int_equal(st[0].long_w.downtime_s, 108);
    assert_int_equal(st[0].long_w.eligible_s, 3600);
    assert_int_equal(st[0].short_w.downtime_s, 15);
    assert_true(fabs(st[0].br_long - 30.0) < 1e-9);
    assert_true(fabs(st[0].br_short - 50.0) < 1e-9);
    assert_int_equal(st[0].exhaustion_s, DAY); /* 720 h / 30 */
    assert_int_equal(st[1].state, SW_BURN_OK); /* 108 / 21,600 = 0.5 %: br 5 < 6 */
    assert_int_equal(st[2].state, SW_BURN_OK);
    assert_int_equal(st[3].state, SW_BURN_OK);

    /* recovering: nothing in the last 5 min -> no page */
    const struct chg c2[] = {
        {now - 5 * DAY, SW_OK}, {now - 2000, SW_CRITICAL}, {now - 1892, SW_OK}};
    in.n_iv = build(iv, c2, 3, 0);
    assert_int_equal(sw_burn_eval(&in, 30 * DAY, sw_burn_rules_default, 1, st), 0);
    assert_int_equal(st[0].state, SW_BURN_OK);
    assert_int_equal(st[0].long_w.downtime_s, 108);
}

static void test_burn_eval_thresholds(void **unused)
{
    const int64_t now = OCT_UTC + 10 * DAY;
    struct sw_interval iv[6];
    struct sw_sla_input in = input(iv, 0, 0, 1);
    struct sw_burn_status st[1];

    (void)unused;
    in.now = now;
    in.target_ppm = 999000;
    /* A 1,100 s gap leaves E = 2,500 s in the last hour; 14.4 x 0.1 % x 2,500 = 36 s. */
    for (int down = 35; down <= 37; down++) {
        const struct chg c[] = {{now - DAY, SW_OK},
                                {now - 3000, GAP},
                                {now - 1900, SW_OK},
                                {now - 100, SW_CRITICAL},
                                {now - 100 + down, SW_OK}};
        in.n_iv = build(iv, c, 5, 0);
        assert_int_equal(sw_burn_eval(&in, 30 * DAY, sw_burn_rules_default, 1, st), down > 36);
        assert_int_equal(st[0].long_w.eligible_s, 2500);
        assert_int_equal(st[0].long_w.downtime_s, down);
        assert_int_equal(st[0].state, down > 36 ? SW_BURN_FIRING : SW_BURN_OK);
    }

    /* no data in the short window: NO_DATA, never firing */
    const struct chg g[] = {{now - DAY, SW_CRITICAL}, {now - 400, GAP}};
    in.n_iv = build(iv, g, 2, 0);
    assert_int_equal(sw_burn_eval(&in, 30 * DAY, sw_burn_rules_default, 1, st), 0);
    assert_int_equal(st[0].state, SW_BURN_NO_DATA);

    /* the short window all in maintenance: quiet, not NO_DATA */
    const struct sw_window w = {now - 400, now + H, true, NULL};
    const struct chg m[] = {{now - DAY, SW_OK}};
    in.n_iv = build(iv, m, 1, 0);
    in.win = &w;
    in.n_win = 1;
    assert_int_equal(sw_burn_eval(&in, 30 * DAY, sw_burn_rules_default, 1, st), 0);
    assert_int_equal(st[0].state, SW_BURN_OK);
    assert_int_equal(st[0].exhaustion_s, -1);

    const struct sw_burn_rule bad = {SW_BURN_PAGE, 300, 3600, 14400};
    assert_int_equal(sw_burn_eval(&in, 30 * DAY, &bad, 1, st), -EINVAL);
}

/* ---- bad input and a long history ---- */

static void test_bad_input(void **unused)
{
    struct sw_interval iv[3] = {{100, 200, SW_OK}, {150, 300, SW_OK}, {300, 0, SW_OK}};
    struct sw_sla_input in = input(iv, 2, 0, 1000);
    struct sw_sla_result r = {.period_s = 42};
    const struct sw_window w[] = {{10, 20, true, NULL}, {15, 30, true, NULL}};

    (void)unused;
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL); /* overlapping */
    assert_int_equal(r.period_s, 42);
    iv[1] = (struct sw_interval){200, 0, SW_OK};
    assert_int_equal(sw_sla_compute(&in, &r, NULL), 0);
    in.n_iv = 3; /* an open interval that is not the last */
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL);
    iv[1] = (struct sw_interval){200, 300, 7};
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL); /* state */
    iv[1].state = SW_OK;
    assert_int_equal(sw_sla_compute(&in, &r, NULL), 0);
    in.from = 1000;
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL); /* from >= to */
    in.from = 0;
    in.target_ppm = 1000001;
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL);
    in.target_ppm = 999000;
    in.policy.min_outage_s = -1;
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL);
    in.policy.min_outage_s = 0;
    in.win = w;
    in.n_win = 2; /* not merged */
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL);
    in.n_win = 0;
    in.to = in.from + SW_SLA_SPAN_MAX + 1;
    assert_int_equal(sw_sla_compute(&in, &r, NULL), -EINVAL);

    struct sw_window_list l;
    struct sw_weekly rule = {7, 0, H, "UTC", true, NULL};
    sw_window_list_init(&l);
    assert_int_equal(sw_window_list_add_weekly(&l, &rule, 0, DAY), -EINVAL); /* weekday */
    rule.weekday = 0;
    rule.tz = "Nowhere/City";
    assert_int_equal(sw_window_list_add_weekly(&l, &rule, 0, DAY), -EINVAL);
    rule.tz = "UTC";
    rule.duration_s = 8 * DAY;
    assert_int_equal(sw_window_list_add_weekly(&l, &rule, 0, DAY), -EINVAL);
    rule.duration_s = H;
    rule.start_s = 86400;
    assert_int_equal(sw_window_list_add_weekly(&l, &rule, 0, DAY), -EINVAL);
    rule.start_s = 0;
    assert_int_equal(sw_window_list_add_weekly(&l, &rule, DAY, DAY), -EINVAL);
    assert_int_equal(l.n, 0);
    sw_window_list_release(&l);
}

static void test_long_history(void **unused)
{
    /* 400 days, every hour 3,540 s OK then 60 s CRITICAL: 19,200 intervals */
    const size_t n = 400 * 24 * 2;
    const int64_t from = OCT_UTC;
    struct sw_interval *iv = calloc(n, sizeof(*iv));
    struct sw_sla_result r;

    (void)unused;
    assert_non_null(iv);
    for (size_t i = 0; i < n; i += 2) {
        int64_t t = from + (int64_t)(i / 2) * 3600;
        iv[i] = (struct sw_interval){t, t + 3540, SW_OK};
        iv[i + 1] = (struct sw_interval){t + 3540, t + 3600, SW_CRITICAL};
    }
    struct sw_sla_input in = input(iv, n, from, from + 400 * DAY);
    in.now = from + 400 * DAY;
    r = run(&in, NULL);
    assert_int_equal(r.downtime_s, 9600 * 60);
    assert_int_equal(r.eligible_s, 400 * DAY);
    assert_int_equal(r.availability_ppm, 983333); /* 1 - 60/3,600 */
    /* a month inside it: the binary search starts mid-history */
    in.from = from + 100 * DAY + 1800;
    in.to = from + 131 * DAY + 1800;
    r = run(&in, NULL);
    assert_int_equal(r.downtime_s, 31 * 24 * 60);
    assert_int_equal(r.eligible_s, 31 * DAY);
    free(iv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_domain_b2_b3),
        cmocka_unit_test(test_dst_months),
        cmocka_unit_test(test_weekly_october),
        cmocka_unit_test(test_weekly_march_gap),
        cmocka_unit_test(test_window_edges),
        cmocka_unit_test(test_merge_rules),
        cmocka_unit_test(test_unknown_policies),
        cmocka_unit_test(test_warning_both_ways),
        cmocka_unit_test(test_empty_history),
        cmocka_unit_test(test_created_mid_month),
        cmocka_unit_test(test_open_interval_now_inside),
        cmocka_unit_test(test_min_outage_edges),
        cmocka_unit_test(test_credits),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_burn_factor_and_check),
        cmocka_unit_test(test_burn_eval_b4_in_time),
        cmocka_unit_test(test_burn_eval_thresholds),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_long_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
