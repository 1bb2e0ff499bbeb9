/* SPDX-License-Identifier: Apache-2.0 */
/* test_state.c: the pure state arithmetic of engine.h (src/engine/state.c) with exact
 * values: soft/hard transitions, flap detection, service aggregation, schedule phases. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"

#define T0 INT64_C(1760000000000) /* ms: 2025-10-09T08:53:20Z */
#define STEP INT64_C(15000)       /* ms between results */

static const struct sw_flap_conf flap_on = {.enabled = true, .low_pct = 5, .high_pct = 20};
static const struct sw_flap_conf flap_off = {.enabled = false, .low_pct = 5, .high_pct = 20};

struct run {
    struct sw_check_snapshot s;
    struct sw_transition tr;
    int max_attempts;
    const struct sw_flap_conf *flap;
    int n; /* results applied so far */
};

static void run_init(struct run *r, int max_attempts, const struct sw_flap_conf *flap)
{
    memset(r, 0, sizeof(*r));
    r->max_attempts = max_attempts;
    r->flap = flap;
}

/* Applies a result at T0 + n * STEP and returns its time. */
static int64_t feed(struct run *r, enum sw_state st)
{
    int64_t t = T0 + r->n * STEP;

    /* poison the output so a field left unset shows */
    memset(&r->tr, 0xa5, sizeof(r->tr));
    sw_state_apply(&r->s, r->max_attempts, r->flap, st, t, &r->tr);
    r->n++;
    return t;
}

static void assert_state(const struct run *r, enum sw_state state, bool hard,
                         enum sw_state hard_state, int attempt)
{
    assert_int_equal(r->s.state, state);
    assert_int_equal(r->s.hard, hard);
    assert_int_equal(r->s.hard_state, hard_state);
    assert_int_equal(r->s.attempt, attempt);
    assert_true(r->s.has_state);
}

static void assert_tr(const struct run *r, bool state_change, bool hard_change, bool first,
                      enum sw_state old_hard)
{
    assert_int_equal(r->tr.state_change, state_change);
    assert_int_equal(r->tr.hard_change, hard_change);
    assert_int_equal(r->tr.first, first);
    assert_int_equal(r->tr.old_hard, old_hard);
    assert_false(r->tr.flap_start);
    assert_false(r->tr.flap_stop);
}

/* ---- soft and hard ---- */

static void test_first_ok(void **unused)
{
    struct run r;
    int64_t t;

    (void)unused;
    run_init(&r, 3, &flap_on);
    t = feed(&r, SW_OK);
    assert_state(&r, SW_OK, true, SW_OK, 1);
    assert_tr(&r, true, true, true, SW_OK);
    assert_int_equal(r.s.since, t / 1000);
    assert_int_equal(r.s.last_check_ms, t);
    assert_int_equal(r.s.last_change_ms, t);
    assert_int_equal(r.s.flap_count, 1);
    assert_int_equal(r.s.flap_history, 0);
    assert_int_equal(r.s.flap_last, SW_OK);
    assert_false(r.s.flapping);

    /* another OK changes nothing but the last check time */
    t = feed(&r, SW_OK);
    assert_state(&r, SW_OK, true, SW_OK, 1);
    assert_tr(&r, false, false, false, SW_OK);
    assert_int_equal(r.s.since, T0 / 1000);
    assert_int_equal(r.s.last_check_ms, t);
    assert_int_equal(r.s.last_change_ms, T0);
}

static void test_first_non_ok_is_soft(void **unused)
{
    struct run r;
    int64_t t;

    (void)unused;
    run_init(&r, 3, &flap_on);
    t = feed(&r, SW_CRITICAL);
    /* counts as coming from hard OK: soft attempt 1, and the first hard state is OK */
    assert_state(&r, SW_CRITICAL, false, SW_OK, 1);
    assert_tr(&r, true, true, true, SW_OK);
    assert_int_equal(r.s.since, t / 1000);
    assert_int_equal(r.s.last_change_ms, t);

    feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, false, SW_OK, 2);
    assert_tr(&r, false, false, false, SW_OK);
    t = feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 3);
    assert_tr(&r, false, true, false, SW_OK);
    assert_int_equal(r.s.since, t / 1000);
    assert_int_equal(r.s.last_change_ms, T0);
}

static void test_soft_to_hard_after_max_attempts(void **unused)
{
    struct run r;
    int64_t t1, t3, t4;

    (void)unused;
    run_init(&r, 3, &flap_on);
    feed(&r, SW_OK);

    t1 = feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, false, SW_OK, 1);
    assert_tr(&r, true, false, false, SW_OK);
    assert_int_equal(r.s.since, T0 / 1000); /* the hard state is still OK since T0 */
    assert_int_equal(r.s.last_change_ms, t1);

    feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, false, SW_OK, 2);
    assert_tr(&r, false, false, false, SW_OK);
    assert_int_equal(r.s.since, T0 / 1000);

    t3 = feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 3);
    assert_tr(&r, false, true, false, SW_OK);
    assert_int_equal(r.s.since, t3 / 1000);
    assert_int_equal(r.s.since, 1760000045);
    assert_int_equal(r.s.last_change_ms, t1);
    assert_int_equal(r.s.last_check_ms, t3);

    /* the same hard state again: nothing changes */
    t4 = feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 3);
    assert_tr(&r, false, false, false, SW_CRITICAL);
    assert_int_equal(r.s.since, t3 / 1000);
    assert_int_equal(r.s.last_check_ms, t4);
}

static void test_soft_recovery(void **unused)
{
    struct run r;
    int64_t t;

    (void)unused;
    run_init(&r, 3, &flap_on);
    feed(&r, SW_OK);
    feed(&r, SW_WARNING);
    feed(&r, SW_WARNING);
    assert_state(&r, SW_WARNING, false, SW_OK, 2);
    t = feed(&r, SW_OK);
    assert_state(&r, SW_OK, true, SW_OK, 1);
    assert_tr(&r, true, false, false, SW_OK);
    assert_int_equal(r.s.since, T0 / 1000);
    assert_int_equal(r.s.last_change_ms, t);

    /* counting starts over */
    feed(&r, SW_WARNING);
    assert_state(&r, SW_WARNING, false, SW_OK, 1);
}

static void test_hard_recovery(void **unused)
{
    struct run r;
    int64_t t;

    (void)unused;
    run_init(&r, 3, &flap_on);
    feed(&r, SW_OK);
    feed(&r, SW_UNKNOWN);
    feed(&r, SW_UNKNOWN);
    feed(&r, SW_UNKNOWN);
    assert_state(&r, SW_UNKNOWN, true, SW_UNKNOWN, 3);
    t = feed(&r, SW_OK);
    assert_state(&r, SW_OK, true, SW_OK, 1);
    assert_tr(&r, true, true, false, SW_UNKNOWN);
    assert_int_equal(r.s.since, t / 1000);
    assert_int_equal(r.s.last_change_ms, t);
}

static void test_max_attempts_one(void **unused)
{
    struct run r;
    int64_t t;

    (void)unused;
    run_init(&r, 1, &flap_on);
    t = feed(&r, SW_WARNING);
    assert_state(&r, SW_WARNING, true, SW_WARNING, 1);
    assert_tr(&r, true, true, true, SW_OK);
    assert_int_equal(r.s.since, t / 1000);

    t = feed(&r, SW_OK);
    assert_state(&r, SW_OK, true, SW_OK, 1);
    assert_tr(&r, true, true, false, SW_WARNING);
    t = feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 1);
    assert_tr(&r, true, true, false, SW_OK);
    assert_int_equal(r.s.since, t / 1000);

    /* max_attempts below 1 behaves as 1 */
    run_init(&r, 0, &flap_on);
    feed(&r, SW_OK);
    feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 1);
    assert_tr(&r, true, true, false, SW_OK);
    run_init(&r, -4, &flap_on);
    feed(&r, SW_UNKNOWN);
    assert_state(&r, SW_UNKNOWN, true, SW_UNKNOWN, 1);
}

static void test_hard_change_between_non_ok(void **unused)
{
    struct run r;
    int64_t t;

    (void)unused;
    run_init(&r, 3, &flap_on);
    feed(&r, SW_CRITICAL);
    feed(&r, SW_CRITICAL);
    feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 3);
    t = feed(&r, SW_WARNING);
    assert_state(&r, SW_WARNING, true, SW_WARNING, 3);
    assert_tr(&r, true, true, false, SW_CRITICAL);
    assert_int_equal(r.s.since, t / 1000);
    assert_int_equal(r.s.last_change_ms, t);

    t = feed(&r, SW_UNKNOWN);
    assert_state(&r, SW_UNKNOWN, true, SW_UNKNOWN, 3);
    assert_tr(&r, true, true, false, SW_WARNING);
    assert_int_equal(r.s.since, t / 1000);
}

static void test_soft_state_change_keeps_counting(void **unused)
{
    struct run r;
    int64_t t1, t2, t3;

    (void)unused;
    run_init(&r, 3, &flap_on);
    feed(&r, SW_OK);
    t1 = feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, false, SW_OK, 1);
    t2 = feed(&r, SW_WARNING);
    assert_state(&r, SW_WARNING, false, SW_OK, 2);
    assert_tr(&r, true, false, false, SW_OK);
    assert_int_equal(r.s.last_change_ms, t2);
    t3 = feed(&r, SW_CRITICAL);
    /* the 3rd non-OK result in a row is hard, with its own state */
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 3);
    assert_tr(&r, true, true, false, SW_OK);
    assert_int_equal(r.s.since, t3 / 1000);
    assert_int_equal(r.s.last_change_ms, t3);
    assert_true(t1 < t2);

    /* C, W, W: hard WARNING */
    run_init(&r, 3, &flap_on);
    feed(&r, SW_OK);
    feed(&r, SW_CRITICAL);
    feed(&r, SW_WARNING);
    feed(&r, SW_WARNING);
    assert_state(&r, SW_WARNING, true, SW_WARNING, 3);
    assert_tr(&r, false, true, false, SW_OK);
}

static void test_max_attempts_five(void **unused)
{
    struct run r;

    (void)unused;
    run_init(&r, 5, &flap_on);
    feed(&r, SW_OK);
    for (int i = 1; i <= 4; i++) {
        feed(&r, SW_CRITICAL);
        assert_state(&r, SW_CRITICAL, false, SW_OK, i);
        assert_false(r.tr.hard_change);
    }
    feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 5);
    assert_true(r.tr.hard_change);

    /* a soft state resumed past a lowered max_attempts becomes hard on the next result */
    run_init(&r, 5, &flap_on);
    feed(&r, SW_OK);
    feed(&r, SW_CRITICAL);
    feed(&r, SW_CRITICAL);
    feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, false, SW_OK, 3);
    r.max_attempts = 2;
    feed(&r, SW_CRITICAL);
    assert_state(&r, SW_CRITICAL, true, SW_CRITICAL, 2);
    assert_true(r.tr.hard_change);
}

static void test_since_rounds_down(void **unused)
{
    struct sw_check_snapshot s;
    struct sw_transition tr;

    (void)unused;
    memset(&s, 0, sizeof(s));
    sw_state_apply(&s, 3, &flap_on, SW_OK, 1999, &tr);
    assert_int_equal(s.since, 1);
    memset(&s, 0, sizeof(s));
    sw_state_apply(&s, 3, &flap_on, SW_OK, -1, &tr);
    assert_int_equal(s.since, -1);
    memset(&s, 0, sizeof(s));
    sw_state_apply(&s, 3, &flap_on, SW_OK, -1000, &tr);
    assert_int_equal(s.since, -1);
}

/* ---- flap detection ---- */

static void test_flap_percent_exact(void **unused)
{
    (void)unused;
    /* nothing to compare yet */
    assert_true(sw_flap_percent(0, 0) == 0.0);
    assert_true(sw_flap_percent(0x1fffff, 0) == 0.0);
    assert_true(sw_flap_percent(0x1fffff, 1) == 0.0);
    assert_true(sw_flap_percent(0, 21) == 0.0);
    /* 21 alternating results: all 20 positions changed (bit 20, the oldest result's own
     * change, lies outside the window and is ignored) */
    assert_true(sw_flap_percent(0x0fffff, 21) == 100.0);
    assert_true(sw_flap_percent(0x1fffff, 21) == 100.0);
    /* a single change: 1.2 / 20 * 100 at the newest position, 0.8 / 20 * 100 at the oldest */
    assert_true(sw_flap_percent(1u << 0, 21) == 6.0);
    assert_true(sw_flap_percent(1u << 19, 21) == 4.0);
    assert_true(sw_flap_percent(1u << 20, 21) == 0.0);
    assert_true(sw_flap_percent(1u << 1, 21) == 5.89);  /* 112 / 19 = 5.8947 */
    assert_true(sw_flap_percent(1u << 10, 21) == 4.95); /* 94 / 19 = 4.9474 */
    assert_true(sw_flap_percent(0x7, 21) == 17.68);     /* 336 / 19 = 17.684 */
    assert_true(sw_flap_percent(0xf, 21) == 23.37);     /* 444 / 19 = 23.368 */
    assert_true(sw_flap_percent(0x3ff, 21) == 55.26);   /* 1050 / 19 = 55.263 */
    assert_true(sw_flap_percent(0xffc00, 21) == 44.74); /* 850 / 19 = 44.737 */
    assert_true(sw_flap_percent(0x55555, 21) == 50.53); /* 960 / 19 = 50.526 */
    /* fewer results: only count - 1 positions, the divisor stays 20 */
    assert_true(sw_flap_percent(0xf, 5) == 23.37);
    assert_true(sw_flap_percent(0xf, 4) == 17.68);
    assert_true(sw_flap_percent(0xf, 2) == 6.0);
    assert_true(sw_flap_percent(0x3, 3) == 11.89); /* 226 / 19 = 11.895 */
    /* counts beyond the window are clamped */
    assert_true(sw_flap_percent(0x1fffff, 40) == 100.0);
    assert_true(sw_flap_percent(0x1fffff, -3) == 0.0);
}

static void test_flap_history_bits(void **unused)
{
    struct run r;

    (void)unused;
    run_init(&r, 1, &flap_on);
    feed(&r, SW_OK);
    assert_int_equal(r.s.flap_history, 0x0);
    feed(&r, SW_WARNING);
    assert_int_equal(r.s.flap_history, 0x1);
    feed(&r, SW_CRITICAL);
    assert_int_equal(r.s.flap_history, 0x3);
    feed(&r, SW_CRITICAL);
    assert_int_equal(r.s.flap_history, 0x6);
    assert_int_equal(r.s.flap_count, 4);
    assert_int_equal(r.s.flap_last, SW_CRITICAL);
    for (int i = 0; i < 30; i++) {
        feed(&r, i % 2 ? SW_OK : SW_CRITICAL);
    }
    /* the newest result (OK after CRITICAL) and 20 before it changed; 21 bits are kept */
    assert_int_equal(r.s.flap_history, 0x1fffff);
    assert_int_equal(r.s.flap_count, 21);
    assert_int_equal(r.s.flap_last, SW_OK);
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 100.0);
}

static void test_flap_start_and_stop(void **unused)
{
    static const enum sw_state alt[] = {SW_OK, SW_CRITICAL, SW_OK, SW_CRITICAL, SW_OK};
    struct run r;

    (void)unused;
    run_init(&r, 1, &flap_on);
    /* changes at 6, 11.89 (226 / 19), 17.68 (336 / 19) %: all at or below 20, no flapping */
    for (int i = 0; i < 4; i++) {
        feed(&r, alt[i]);
        assert_false(r.tr.flap_start);
        assert_false(r.s.flapping);
    }
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 17.68);
    /* the 4th change: 444 / 19 = 23.37 % > 20 */
    feed(&r, alt[4]);
    assert_true(r.tr.flap_start);
    assert_false(r.tr.flap_stop);
    assert_true(r.s.flapping);

    /* steady OK results push the changes out, one position older each time: the percent
     * is (444 - 8k) / 19 after k steady results while all four stay in the window */
    for (int k = 1; k <= 16; k++) {
        feed(&r, SW_OK);
        assert_false(r.tr.flap_start);
        assert_false(r.tr.flap_stop);
        assert_true(r.s.flapping);
        assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) ==
                    (double)lround((444.0 - 8 * k) * 100 / 19) / 100);
    }
    /* k = 10 gave 364 / 19 = 19.16 %: below high, above low, still flapping (hysteresis) */
    feed(&r, SW_OK); /* k = 17: 234 / 19 = 12.32 % */
    assert_true(r.s.flapping);
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 12.32);
    feed(&r, SW_OK); /* k = 18: 154 / 19 = 8.11 % */
    assert_true(r.s.flapping);
    assert_false(r.tr.flap_stop);
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 8.11);
    feed(&r, SW_OK); /* k = 19: 76 / 19 = 4 % < 5 */
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 4.0);
    assert_true(r.tr.flap_stop);
    assert_false(r.tr.flap_start);
    assert_false(r.s.flapping);
    feed(&r, SW_OK);
    assert_false(r.tr.flap_stop);
    assert_false(r.s.flapping);
}

static void test_flap_thresholds_are_strict(void **unused)
{
    /* high 6: a single newest change is exactly 6 %, which does not start flapping */
    const struct sw_flap_conf c = {.enabled = true, .low_pct = 4, .high_pct = 6};
    struct run r;

    (void)unused;
    run_init(&r, 1, &c);
    for (int i = 0; i < 20; i++) {
        feed(&r, SW_OK);
    }
    feed(&r, SW_WARNING);
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 6.0);
    assert_false(r.s.flapping);
    feed(&r, SW_WARNING); /* 112 / 19 = 5.89 */
    feed(&r, SW_OK);      /* 114 + 110 = 224 / 19 = 11.79 > 6 */
    assert_true(r.tr.flap_start);
    /* push the two changes out until only the oldest is left: exactly 4 % is not below 4 */
    for (int i = 0; i < 19; i++) {
        feed(&r, SW_OK);
        assert_true(r.s.flapping);
    }
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 4.0);
    assert_true(r.s.flapping);
    feed(&r, SW_OK); /* nothing left */
    assert_true(r.tr.flap_stop);
    assert_false(r.s.flapping);
}

static void test_flap_disabled(void **unused)
{
    struct run r;

    (void)unused;
    run_init(&r, 1, &flap_off);
    for (int i = 0; i < 42; i++) {
        feed(&r, i % 2 ? SW_CRITICAL : SW_OK);
        assert_false(r.tr.flap_start);
        assert_false(r.s.flapping);
    }
    /* the history is still kept, so enabling it later has data */
    assert_true(sw_flap_percent(r.s.flap_history, r.s.flap_count) == 100.0);

    /* NULL is disabled too */
    run_init(&r, 1, NULL);
    for (int i = 0; i < 21; i++) {
        feed(&r, i % 2 ? SW_CRITICAL : SW_OK);
        assert_false(r.s.flapping);
    }

    /* disabled while flapping: the flag drops and the stop is reported once */
    run_init(&r, 1, &flap_on);
    for (int i = 0; i < 21; i++) {
        feed(&r, i % 2 ? SW_CRITICAL : SW_OK);
    }
    assert_true(r.s.flapping);
    r.flap = &flap_off;
    feed(&r, SW_OK);
    assert_true(r.tr.flap_stop);
    assert_false(r.s.flapping);
    feed(&r, SW_CRITICAL);
    assert_false(r.tr.flap_stop);
    assert_false(r.s.flapping);
}

static void test_flap_does_not_touch_hard_state(void **unused)
{
    struct run r;

    (void)unused;
    /* max_attempts 3 and alternating OK / CRITICAL: never hard CRITICAL, but flapping */
    run_init(&r, 3, &flap_on);
    for (int i = 0; i < 21; i++) {
        feed(&r, i % 2 ? SW_CRITICAL : SW_OK);
        assert_int_equal(r.s.hard_state, SW_OK);
    }
    assert_true(r.s.flapping);
    assert_int_equal(r.s.since, T0 / 1000);
}

/* ---- service aggregation ---- */

#define AGG(agg, q, ...)                                                                           \
    sw_service_state(agg, q, (const enum sw_state[]){__VA_ARGS__},                                 \
                     sizeof((const enum sw_state[]){__VA_ARGS__}) / sizeof(enum sw_state))

static void test_aggregate_all(void **unused)
{
    (void)unused;
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_OK), SW_OK);
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_OK, SW_OK, SW_OK), SW_OK);
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_OK, SW_WARNING, SW_OK), SW_WARNING);
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_OK, SW_WARNING, SW_CRITICAL), SW_CRITICAL);
    /* UNKNOWN ranks between WARNING and CRITICAL */
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_WARNING, SW_UNKNOWN, SW_OK), SW_UNKNOWN);
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_CRITICAL, SW_UNKNOWN), SW_CRITICAL);
    /* a pending check (UNKNOWN) makes an otherwise OK service UNKNOWN */
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_OK, SW_UNKNOWN), SW_UNKNOWN);
    /* the quorum argument is ignored */
    assert_int_equal(AGG(SW_AGG_ALL, 1, SW_OK, SW_CRITICAL), SW_CRITICAL);
}

static void test_aggregate_any(void **unused)
{
    (void)unused;
    assert_int_equal(AGG(SW_AGG_ANY, 0, SW_CRITICAL, SW_OK), SW_OK);
    assert_int_equal(AGG(SW_AGG_ANY, 0, SW_CRITICAL, SW_WARNING, SW_UNKNOWN), SW_WARNING);
    assert_int_equal(AGG(SW_AGG_ANY, 0, SW_CRITICAL, SW_UNKNOWN), SW_UNKNOWN);
    assert_int_equal(AGG(SW_AGG_ANY, 0, SW_CRITICAL, SW_CRITICAL), SW_CRITICAL);
    /* pending checks do not hide an OK one */
    assert_int_equal(AGG(SW_AGG_ANY, 0, SW_UNKNOWN, SW_UNKNOWN, SW_OK), SW_OK);
    assert_int_equal(AGG(SW_AGG_ANY, 5, SW_UNKNOWN, SW_CRITICAL), SW_UNKNOWN);
}

static void test_aggregate_quorum(void **unused)
{
    (void)unused;
    assert_int_equal(AGG(SW_AGG_QUORUM, 2, SW_OK, SW_OK, SW_CRITICAL), SW_OK);
    assert_int_equal(AGG(SW_AGG_QUORUM, 3, SW_OK, SW_OK, SW_CRITICAL), SW_CRITICAL);
    assert_int_equal(AGG(SW_AGG_QUORUM, 2, SW_OK, SW_WARNING, SW_CRITICAL), SW_WARNING);
    assert_int_equal(AGG(SW_AGG_QUORUM, 2, SW_CRITICAL, SW_WARNING, SW_OK), SW_WARNING);
    assert_int_equal(AGG(SW_AGG_QUORUM, 2, SW_CRITICAL, SW_UNKNOWN, SW_OK), SW_UNKNOWN);
    assert_int_equal(AGG(SW_AGG_QUORUM, 3, SW_OK, SW_OK, SW_OK, SW_CRITICAL, SW_CRITICAL), SW_OK);
    assert_int_equal(AGG(SW_AGG_QUORUM, 4, SW_OK, SW_OK, SW_OK, SW_CRITICAL, SW_CRITICAL),
                     SW_CRITICAL);
    /* pending as UNKNOWN: 2 of 3 with one OK and two pending */
    assert_int_equal(AGG(SW_AGG_QUORUM, 2, SW_OK, SW_UNKNOWN, SW_UNKNOWN), SW_UNKNOWN);
    assert_int_equal(AGG(SW_AGG_QUORUM, 1, SW_OK, SW_UNKNOWN, SW_UNKNOWN), SW_OK);
    /* quorum clamped into 1..n */
    assert_int_equal(AGG(SW_AGG_QUORUM, 0, SW_CRITICAL, SW_OK), SW_OK);
    assert_int_equal(AGG(SW_AGG_QUORUM, -7, SW_CRITICAL, SW_OK), SW_OK);
    assert_int_equal(AGG(SW_AGG_QUORUM, 3, SW_CRITICAL, SW_OK), SW_CRITICAL);
    assert_int_equal(AGG(SW_AGG_QUORUM, 1000, SW_WARNING, SW_OK), SW_WARNING);
}

static void test_aggregate_edges(void **unused)
{
    const enum sw_state one = SW_OK;

    (void)unused;
    assert_int_equal(sw_service_state(SW_AGG_ALL, 0, NULL, 0), SW_UNKNOWN);
    assert_int_equal(sw_service_state(SW_AGG_ANY, 0, &one, 0), SW_UNKNOWN);
    assert_int_equal(sw_service_state(SW_AGG_QUORUM, 1, &one, 0), SW_UNKNOWN);
    /* a state out of range ranks as UNKNOWN */
    assert_int_equal(AGG(SW_AGG_ALL, 0, SW_OK, (enum sw_state)7), SW_UNKNOWN);
    assert_int_equal(AGG(SW_AGG_ANY, 0, SW_CRITICAL, (enum sw_state) - 1), SW_UNKNOWN);
    /* an unknown mode is treated as all */
    assert_int_equal(AGG((enum sw_aggregate)9, 1, SW_OK, SW_WARNING), SW_WARNING);
}

/* ---- schedule ---- */

static void test_schedule_phase_pinned(void **unused)
{
    (void)unused;
    /* computed once with FNV-1a 64 mixed by splitmix64's finalizer; a change here moves
     * every check's slot after an upgrade, so it must be deliberate */
    assert_int_equal(sw_schedule_phase("acme/fra1/identity/keystone-http", 60000), 12074);
    assert_int_equal(sw_schedule_phase("acme/fra1/identity/keystone-port", 60000), 17368);
    assert_int_equal(sw_schedule_phase("acme/fra1/compute-api/nova-tcp", 60000), 3945);
    assert_int_equal(sw_schedule_phase("a", 60000), 3736);
    assert_int_equal(sw_schedule_phase("", 60000), 46203);
    assert_int_equal(sw_schedule_phase("", 30000), 16203);
    assert_int_equal(sw_schedule_phase("acme/fra1/identity/keystone-http", 1), 0);
    /* bad arguments give 0, never a division by zero */
    assert_int_equal(sw_schedule_phase("a", 0), 0);
    assert_int_equal(sw_schedule_phase("a", -60000), 0);
    assert_int_equal(sw_schedule_phase(NULL, 60000), 0);
}

static void test_schedule_spread(void **unused)
{
    int buckets[60] = {0}, max = 0, min = 10000;
    char path[64];

    (void)unused;
    for (int i = 0; i < 10000; i++) {
        int64_t p;
        snprintf(path, sizeof(path), "c/d/s/check-%d", i);
        p = sw_schedule_phase(path, 60000);
        assert_true(p >= 0 && p < 60000);
        assert_int_equal(p, sw_schedule_phase(path, 60000)); /* stable */
        buckets[p / 1000]++;
    }
    for (int i = 0; i < 60; i++) {
        max = buckets[i] > max ? buckets[i] : max;
        min = buckets[i] < min ? buckets[i] : min;
    }
    /* the mean is 10000 / 60 = 166.7 per second */
    assert_true(max * 60 <= 2 * 10000);
    assert_int_equal(max, 195);
    assert_int_equal(min, 135);
}

static void test_schedule_next(void **unused)
{
    (void)unused;
    assert_int_equal(sw_schedule_next(0, 60000, 12074), 12074);
    assert_int_equal(sw_schedule_next(12073, 60000, 12074), 12074);
    assert_int_equal(sw_schedule_next(12074, 60000, 12074), 12074); /* at counts */
    assert_int_equal(sw_schedule_next(12075, 60000, 12074), 72074);
    /* T0 % 60000 == 20000 */
    assert_int_equal(sw_schedule_next(T0, 60000, 12074), T0 + 52074);
    assert_int_equal(sw_schedule_next(T0, 60000, 20000), T0);
    assert_int_equal(sw_schedule_next(T0, 60000, 20001), T0 + 1);
    assert_int_equal(sw_schedule_next(T0, 60000, 0), T0 + 40000);
    /* a phase outside [0, interval) means the same slot */
    assert_int_equal(sw_schedule_next(T0, 60000, 72074), T0 + 52074);
    assert_int_equal(sw_schedule_next(T0, 60000, -47926), T0 + 52074);
    assert_int_equal(sw_schedule_next(0, 60000, -1), 59999);
    /* negative times */
    assert_int_equal(sw_schedule_next(-1, 1000, 0), 0);
    assert_int_equal(sw_schedule_next(-1000, 1000, 0), -1000);
    assert_int_equal(sw_schedule_next(-1001, 1000, 0), -1000);
    assert_int_equal(sw_schedule_next(-1001, 1000, 999), -1001);
    assert_int_equal(sw_schedule_next(INT64_MIN, 1000, 0), INT64_MIN + 808);
    /* interval 1: every ms */
    assert_int_equal(sw_schedule_next(T0 + 7, 1, 0), T0 + 7);
    /* no interval: due now */
    assert_int_equal(sw_schedule_next(T0, 0, 5), T0);
    assert_int_equal(sw_schedule_next(T0, -60000, 5), T0);
    /* the end of time saturates instead of wrapping */
    assert_int_equal(sw_schedule_next(INT64_MAX, 1000, 807), INT64_MAX); /* INT64_MAX % 1000 */
    assert_int_equal(sw_schedule_next(INT64_MAX - 1, 1000, 0), INT64_MAX);

    /* the defining property over a spread of values */
    for (int64_t now = T0 - 100000; now < T0 + 100000; now += 997) {
        for (int64_t phase = -70000; phase < 70000; phase += 6997) {
            int64_t n = sw_schedule_next(now, 30000, phase);
            assert_true(n >= now);
            assert_true(n - now < 30000);
            assert_int_equal(((n - phase) % 30000 + 30000) % 30000, 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_ok),
        cmocka_unit_test(test_first_non_ok_is_soft),
        cmocka_unit_test(test_soft_to_hard_after_max_attempts),
        cmocka_unit_test(test_soft_recovery),
        cmocka_unit_test(test_hard_recovery),
        cmocka_unit_test(test_max_attempts_one),
        cmocka_unit_test(test_hard_change_between_non_ok),
        cmocka_unit_test(test_soft_state_change_keeps_counting),
        cmocka_unit_test(test_max_attempts_five),
        cmocka_unit_test(test_since_rounds_down),
        cmocka_unit_test(test_flap_percent_exact),
        cmocka_unit_test(test_flap_history_bits),
        cmocka_unit_test(test_flap_start_and_stop),
        cmocka_unit_test(test_flap_thresholds_are_strict),
        cmocka_unit_test(test_flap_disabled),
        cmocka_unit_test(test_flap_does_not_touch_hard_state),
        cmocka_unit_test(test_aggregate_all),
        cmocka_unit_test(test_aggregate_any),
        cmocka_unit_test(test_aggregate_quorum),
        cmocka_unit_test(test_aggregate_edges),
        cmocka_unit_test(test_schedule_phase_pinned),
        cmocka_unit_test(test_schedule_spread),
        cmocka_unit_test(test_schedule_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
