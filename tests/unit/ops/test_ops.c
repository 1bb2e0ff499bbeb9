/* SPDX-License-Identifier: Apache-2.0 */
/* test_ops.c: src/ops with exact numbers: the documented weekly rotation (Monday 09:00
 * Europe/Berlin) across both 2026 DST changes and its Christmas override, daily and
 * every-N-days rotations across DST (handoffs inside the gap and the repeated hour), a short
 * first weekly shift, overlapping overrides, validation messages, the documented escalation policy
 * (no ack, ack, resolve, horizon, step by step with an injected clock, late sends), rotation
 * targets, and the iCalendar text with its structure checked line by line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ops/ops.h"

#define H 3600
#define DAY 86400

/* 2026 instants (Unix s) used below, checked against Python's zoneinfo */
#define JAN05_0900_CET 1767600000LL /* first shift of the documented rotation */
#define JAN12_0900_CET 1768204800LL
#define MAR23_0900_CET 1774252800LL  /* shift 11 (bob) starts */
#define MAR30_0900_CEST 1774854000LL /* shift 12 (alice) starts: 167 h later */
#define OCT19_0900_CEST 1792393200LL /* shift 41 (bob) */
#define OCT26_0900_CET 1793001600LL  /* shift 42 (alice): 169 h later */
#define DEC14_0900_CET 1797235200LL  /* shift 49 (bob) */
#define DEC21_0900_CET 1797840000LL  /* shift 50 (alice) */
#define DEC24_0000_CET 1798066800LL  /* the override: carol */
#define DEC27_0000_CET 1798326000LL
#define DEC28_0900_CET 1798444800LL /* shift 51 (bob) */
#define JAN04_2027_0900 1799049600LL

static const char *const example_people[] = {"alice", "bob"};
static const struct sw_override example_override[] = {
    {.engineer = "carol", .from = DEC24_0000_CET, .to = DEC27_0000_CET}};

static struct sw_rotation example_rotation(void)
{
    return (struct sw_rotation){.id = "primary",
                                .tz = "Europe/Berlin",
                                .period = SW_ROT_WEEKLY,
                                .handoff_wday = 1,
                                .handoff_s = 9 * H,
                                .start_y = 2026,
                                .start_mon = 1,
                                .start_day = 5,
                                .participants = example_people,
                                .n_participants = 2,
                                .overrides = example_override,
                                .n_overrides = 1};
}

static const char *oncall(const struct sw_rotation *r, int64_t t)
{
    const char *who = "unset";
    assert_int_equal(sw_rotation_oncall(r, t, &who), 0);
    return who;
}

static void check_shift(const struct sw_shift *s, int64_t start, int64_t end, const char *who,
                        int64_t index, int override)
{
    assert_int_equal(s->start, start);
    assert_int_equal(s->end, end);
    assert_string_equal(s->engineer, who);
    assert_int_equal(s->index, index);
    assert_int_equal(s->override, override);
}

static void check_shift_at(const struct sw_rotation *r, int64_t t, int64_t start, int64_t end,
                           const char *who, int64_t index, int override)
{
    struct sw_shift s;
    assert_int_equal(sw_rotation_shift_at(r, t, &s), 0);
    check_shift(&s, start, end, who, index, override);
}

/* ---- the documented rotation ---- */

static void test_example_oncall(void **state)
{
    (void)state;
    struct sw_rotation r = example_rotation();
    struct sw_shift s;
    int64_t first;

    assert_int_equal(sw_rotation_validate(&r, NULL, 0), 0);
    assert_int_equal(sw_rotation_first(&r, &first), 0);
    assert_int_equal(first, JAN05_0900_CET);
    assert_null(oncall(&r, JAN05_0900_CET - 1));
    assert_int_equal(sw_rotation_shift_at(&r, JAN05_0900_CET - 1, &s), -ENOENT);
    assert_string_equal(oncall(&r, JAN05_0900_CET), "alice");
    assert_string_equal(oncall(&r, JAN12_0900_CET - 1), "alice");
    assert_string_equal(oncall(&r, JAN12_0900_CET), "bob");
    check_shift_at(&r, JAN05_0900_CET, JAN05_0900_CET, JAN12_0900_CET, "alice", 0, -1);

    /* spring forward: Sunday 2026-03-29 02:00 CET -> 03:00 CEST; the handoff stays 09:00 */
    assert_string_equal(oncall(&r, 1774745999), "bob"); /* 03-29 01:59:59 CET */
    assert_string_equal(oncall(&r, 1774746000), "bob"); /* 03-29 03:00:00 CEST */
    assert_string_equal(oncall(&r, MAR30_0900_CEST - 1), "bob");
    assert_string_equal(oncall(&r, MAR30_0900_CEST), "alice");
    assert_string_equal(oncall(&r, MAR30_0900_CEST - H), "bob"); /* 08:00 CEST = 07:00 CET */
    check_shift_at(&r, 1774780800, MAR23_0900_CET, MAR30_0900_CEST, "bob", 11, -1);
    assert_int_equal(MAR30_0900_CEST - MAR23_0900_CET, 167 * H);

    /* fall back: Sunday 2026-10-25 03:00 CEST -> 02:00 CET */
    assert_string_equal(oncall(&r, 1792890000), "bob"); /* 10-25 02:20 CEST */
    assert_string_equal(oncall(&r, 1792893600), "bob"); /* 10-25 02:20 CET, again */
    assert_string_equal(oncall(&r, OCT26_0900_CET - 1), "bob");
    assert_string_equal(oncall(&r, OCT26_0900_CET), "alice");
    check_shift_at(&r, 1792893600, OCT19_0900_CEST, OCT26_0900_CET, "bob", 41, -1);
    assert_int_equal(OCT26_0900_CET - OCT19_0900_CEST, 169 * H);

    /* the Christmas override splits alice's shift 50 in three */
    assert_string_equal(oncall(&r, DEC24_0000_CET - 1), "alice");
    assert_string_equal(oncall(&r, DEC24_0000_CET), "carol");
    assert_string_equal(oncall(&r, DEC24_0000_CET + 36 * H), "carol");
    assert_string_equal(oncall(&r, DEC27_0000_CET - 1), "carol");
    assert_string_equal(oncall(&r, DEC27_0000_CET), "alice");
    assert_string_equal(oncall(&r, DEC28_0900_CET), "bob");
    check_shift_at(&r, DEC21_0900_CET + 5, DEC21_0900_CET, DEC24_0000_CET, "alice", 50, -1);
    check_shift_at(&r, DEC24_0000_CET + 5, DEC24_0000_CET, DEC27_0000_CET, "carol", 50, 0);
    check_shift_at(&r, DEC27_0000_CET, DEC27_0000_CET, DEC28_0900_CET, "alice", 50, -1);

    /* far ahead: 2030-06-03 is a Monday, shift 230 (even: alice) from 09:00 CEST */
    assert_string_equal(oncall(&r, 1906700400 - 1), "bob");
    assert_string_equal(oncall(&r, 1906700400), "alice");
    check_shift_at(&r, 1906700400, 1906700400, 1906700400 + 168 * H, "alice", 230, -1);
}

static void test_example_shift_list(void **state)
{
    (void)state;
    struct sw_rotation r = example_rotation();
    struct sw_shift_list l;

    sw_shift_list_init(&l);
    /* [2026-12-20T00:00Z, 2026-12-29T00:00Z): unclipped at both ends */
    assert_int_equal(sw_rotation_shifts(&r, 1797724800, 1798502400, &l), 0);
    assert_int_equal(l.n, 5);
    check_shift(&l.v[0], DEC14_0900_CET, DEC21_0900_CET, "bob", 49, -1);
    check_shift(&l.v[1], DEC21_0900_CET, DEC24_0000_CET, "alice", 50, -1);
    check_shift(&l.v[2], DEC24_0000_CET, DEC27_0000_CET, "carol", 50, 0);
    check_shift(&l.v[3], DEC27_0000_CET, DEC28_0900_CET, "alice", 50, -1);
    check_shift(&l.v[4], DEC28_0900_CET, JAN04_2027_0900, "bob", 51, -1);

    /* the whole year 2026: 52 regular shifts (0..51), the one with the override in three */
    l.n = 0;
    assert_int_equal(sw_rotation_shifts(&r, 1767225600, 1798761600, &l), 0);
    assert_int_equal(l.n, 54);
    int64_t h167 = 0, h169 = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (i > 0) {
            assert_int_equal(l.v[i].start, l.v[i - 1].end);
        }
        h167 += l.v[i].end - l.v[i].start == 167 * H;
        h169 += l.v[i].end - l.v[i].start == 169 * H;
    }
    assert_int_equal(h167, 1);
    assert_int_equal(h169, 1);
    check_shift(&l.v[0], JAN05_0900_CET, JAN12_0900_CET, "alice", 0, -1);

    /* a range wholly before the first shift: nothing */
    l.n = 0;
    assert_int_equal(sw_rotation_shifts(&r, JAN05_0900_CET - 30 * DAY, JAN05_0900_CET, &l), 0);
    assert_int_equal(l.n, 0);
    /* a range that ends as the first shift starts: nothing; one second later: one */
    assert_int_equal(sw_rotation_shifts(&r, JAN05_0900_CET, JAN05_0900_CET + 1, &l), 0);
    assert_int_equal(l.n, 1);
    sw_shift_list_release(&l);
}

/* ---- daily, every N days, short first week ---- */

static const char *const abc[] = {"a", "b", "c"};

static void test_daily(void **state)
{
    (void)state;
    struct sw_rotation r = {.id = "daily",
                            .tz = "Europe/Berlin",
                            .period = SW_ROT_DAILY,
                            .handoff_s = 9 * H,
                            .start_y = 2026,
                            .start_mon = 3,
                            .start_day = 27,
                            .participants = abc,
                            .n_participants = 3};
    struct sw_shift_list l;

    sw_shift_list_init(&l);
    assert_int_equal(sw_rotation_shifts(&r, 1774598400, 1774854000, &l), 0);
    assert_int_equal(l.n, 3);
    check_shift(&l.v[0], 1774598400, 1774684800, "a", 0, -1);
    check_shift(&l.v[1], 1774684800, 1774767600, "b", 1, -1); /* 23 h */
    check_shift(&l.v[2], 1774767600, 1774854000, "c", 2, -1);
    assert_int_equal(l.v[1].end - l.v[1].start, 23 * H);
    assert_int_equal(l.v[2].end - l.v[2].start, 24 * H);
    /* 2026-10-24 is day 211 after 03-27: b, a 25 h shift over the change back */
    check_shift_at(&r, 1792825200, 1792825200, 1792915200, "b", 211, -1);
    check_shift_at(&r, 1792915200 - 1, 1792825200, 1792915200, "b", 211, -1);
    check_shift_at(&r, 1792915200, 1792915200, 1793001600, "c", 212, -1);
    assert_null(oncall(&r, 1774598400 - 1));

    /* a handoff at 02:30: missing on 03-29 (moves to 03:30 CEST), twice on 10-25 (first) */
    r.handoff_s = 2 * H + 30 * 60;
    r.start_day = 28;
    l.n = 0;
    assert_int_equal(sw_rotation_shifts(&r, 1774661400, 1774830600, &l), 0);
    assert_int_equal(l.n, 2);
    check_shift(&l.v[0], 1774661400, 1774747800, "a", 0, -1); /* 24 h */
    check_shift(&l.v[1], 1774747800, 1774830600, "b", 1, -1); /* 23 h */
    /* 10-24 is day 210 after 03-28: a */
    check_shift_at(&r, 1792801800, 1792801800, 1792888200, "a", 210, -1);
    check_shift_at(&r, 1792888200 + 2 * H, 1792888200, 1792978200, "b", 211, -1); /* 25 h */
    sw_shift_list_release(&l);
}

static void test_every_three_days(void **state)
{
    (void)state;
    static const char *const xy[] = {"x", "y"};
    struct sw_rotation r = {.id = "three",
                            .tz = "America/New_York",
                            .period = SW_ROT_DAYS,
                            .days = 3,
                            .handoff_s = 18 * H,
                            .start_y = 2026,
                            .start_mon = 3,
                            .start_day = 1,
                            .participants = xy,
                            .n_participants = 2};
    struct sw_shift_list l;

    sw_shift_list_init(&l);
    /* 2026-03-01 18:00 EST .. 2026-03-13 18:00 EDT; DST starts 03-08 in New York */
    assert_int_equal(sw_rotation_shifts(&r, 1772406000, 1773439200, &l), 0);
    assert_int_equal(l.n, 4);
    check_shift(&l.v[0], 1772406000, 1772665200, "x", 0, -1);
    check_shift(&l.v[1], 1772665200, 1772924400, "y", 1, -1);
    check_shift(&l.v[2], 1772924400, 1773180000, "x", 2, -1); /* 71 h */
    check_shift(&l.v[3], 1773180000, 1773439200, "y", 3, -1);
    assert_int_equal(l.v[2].end - l.v[2].start, 71 * H);
    assert_string_equal(oncall(&r, 1773439200), "x");
    sw_shift_list_release(&l);
}

static void test_weekly_short_first(void **state)
{
    (void)state;
    struct sw_rotation r = example_rotation();

    r.start_day = 7; /* a Wednesday: alice until Monday, then bob for a whole week */
    r.n_overrides = 0;
    check_shift_at(&r, 1767772800, 1767772800, JAN12_0900_CET, "alice", 0, -1);
    check_shift_at(&r, JAN12_0900_CET, JAN12_0900_CET, 1768809600, "bob", 1, -1);
    assert_null(oncall(&r, 1767772800 - 1));
    assert_null(oncall(&r, JAN05_0900_CET));
}

/* ---- overrides ---- */

static void test_overlapping_overrides(void **state)
{
    (void)state;
    static const char *const ab[] = {"a", "b"};
    /* dave spans the 01-03 handoff, erin inside dave wins (later), frank before the start */
    struct sw_override ov[] = {
        {.engineer = "dave", .from = 1767312000 + 6 * H, .to = 1767398400 + 12 * H},
        {.engineer = "erin", .from = 1767312000 + 12 * H, .to = 1767312000 + 18 * H},
        {.engineer = "frank", .from = 1767225600 - DAY, .to = 1767225600 + H},
    };
    struct sw_rotation r = {.id = "ov",
                            .tz = "UTC",
                            .period = SW_ROT_DAILY,
                            .handoff_s = 0,
                            .start_y = 2026,
                            .start_mon = 1,
                            .start_day = 1,
                            .participants = ab,
                            .n_participants = 2,
                            .overrides = ov,
                            .n_overrides = 3};
    struct sw_shift_list l;
    const int64_t jan1 = 1767225600, jan2 = 1767312000, jan3 = 1767398400, jan4 = 1767484800;

    sw_shift_list_init(&l);
    assert_int_equal(sw_rotation_shifts(&r, jan1 - DAY, jan4, &l), 0);
    assert_int_equal(l.n, 7);
    check_shift(&l.v[0], jan1, jan1 + H, "frank", 0, 2); /* clipped to the first shift */
    check_shift(&l.v[1], jan1 + H, jan2, "a", 0, -1);
    check_shift(&l.v[2], jan2, jan2 + 6 * H, "b", 1, -1);
    check_shift(&l.v[3], jan2 + 6 * H, jan2 + 12 * H, "dave", 1, 0);
    check_shift(&l.v[4], jan2 + 12 * H, jan2 + 18 * H, "erin", 1, 1);
    check_shift(&l.v[5], jan2 + 18 * H, jan3 + 12 * H, "dave", 1, 0); /* over the handoff */
    check_shift(&l.v[6], jan3 + 12 * H, jan4, "a", 2, -1);
    assert_null(oncall(&r, jan1 - 1)); /* frank covers nothing before the first shift */
    assert_string_equal(oncall(&r, jan2 + 12 * H - 1), "dave");
    assert_string_equal(oncall(&r, jan2 + 12 * H), "erin");
    assert_string_equal(oncall(&r, jan2 + 18 * H), "dave");
    assert_string_equal(oncall(&r, jan3 + 12 * H), "a");
    /* asked from the middle of dave's second part: the whole part comes back */
    check_shift_at(&r, jan3 + 6 * H, jan2 + 18 * H, jan3 + 12 * H, "dave", 1, 0);

    /* the same two in the other order: dave (now later) hides erin altogether */
    struct sw_override swapped[] = {ov[1], ov[0]};
    r.overrides = swapped;
    r.n_overrides = 2;
    l.n = 0;
    assert_int_equal(sw_rotation_shifts(&r, jan2, jan4, &l), 0);
    assert_int_equal(l.n, 3);
    check_shift(&l.v[0], jan2, jan2 + 6 * H, "b", 1, -1);
    check_shift(&l.v[1], jan2 + 6 * H, jan3 + 12 * H, "dave", 1, 1);
    check_shift(&l.v[2], jan3 + 12 * H, jan4, "a", 2, -1);
    assert_string_equal(oncall(&r, jan2 + 15 * H), "dave");

    /* an override by the engineer already on call is still its own shift */
    struct sw_override self[] = {{.engineer = "b", .from = jan2 + H, .to = jan2 + 2 * H}};
    r.overrides = self;
    r.n_overrides = 1;
    l.n = 0;
    assert_int_equal(sw_rotation_shifts(&r, jan2, jan3, &l), 0);
    assert_int_equal(l.n, 3);
    check_shift(&l.v[1], jan2 + H, jan2 + 2 * H, "b", 1, 0);
    sw_shift_list_release(&l);
}

/* ---- validation ---- */

static void expect_invalid(const struct sw_rotation *r, const char *msg)
{
    char err[256] = "";
    const char *who;
    struct sw_shift_list l;

    assert_int_equal(sw_rotation_validate(r, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, msg);
    assert_int_equal(sw_rotation_oncall(r, JAN12_0900_CET, &who), -EINVAL);
    sw_shift_list_init(&l);
    assert_int_equal(sw_rotation_shifts(r, JAN05_0900_CET, JAN12_0900_CET, &l), -EINVAL);
    assert_int_equal(l.n, 0);
}

static void test_rotation_invalid(void **state)
{
    (void)state;
    struct sw_rotation r = example_rotation();
    struct sw_shift_list l;

    r.n_participants = 0;
    expect_invalid(&r, "rotation primary has no participants");
    r = example_rotation();
    r.tz = "Europe/Atlantis";
    expect_invalid(&r, "rotation primary: unknown time zone \"Europe/Atlantis\"");
    r = example_rotation();
    r.period = SW_ROT_DAYS;
    r.days = 0;
    expect_invalid(&r, "rotation primary: period of 0 days is not 1 .. 366");
    r.days = -3;
    expect_invalid(&r, "rotation primary: period of -3 days is not 1 .. 366");
    r = example_rotation();
    struct sw_override back[] = {
        {.engineer = "carol", .from = DEC27_0000_CET, .to = DEC24_0000_CET}};
    r.overrides = back;
    expect_invalid(&r, "rotation primary: override 1 (carol) must end after it starts, not from "
                       "2026-12-26T23:00:00Z to 2026-12-23T23:00:00Z");
    back[0].to = back[0].from;
    expect_invalid(&r, "rotation primary: override 1 (carol) must end after it starts, not from "
                       "2026-12-26T23:00:00Z to 2026-12-26T23:00:00Z");
    r = example_rotation();
    r.handoff_wday = 7;
    expect_invalid(&r, "rotation primary: handoff weekday 7 is not 0 (Sunday) .. 6");
    r = example_rotation();
    r.handoff_s = 86400;
    expect_invalid(&r, "rotation primary: handoff time 86400 s is not within a day");
    r = example_rotation();
    r.start_mon = 2;
    r.start_day = 29;
    expect_invalid(&r, "rotation primary: start 2026-02-29 is not a date in 1970 .. 9000");
    r = example_rotation();
    static const char *const holes[] = {"alice", ""};
    r.participants = holes;
    expect_invalid(&r, "rotation primary: participant 2 has no engineer id");
    r = example_rotation();
    r.id = NULL;
    expect_invalid(&r, "rotation without an id");
    assert_int_equal(sw_rotation_validate(NULL, NULL, 0), -EINVAL);

    /* bad ranges */
    r = example_rotation();
    sw_shift_list_init(&l);
    assert_int_equal(sw_rotation_shifts(&r, JAN12_0900_CET, JAN12_0900_CET, &l), -EINVAL);
    assert_int_equal(sw_rotation_shifts(&r, 0, SW_ROT_SPAN_MAX + 1, &l), -EINVAL);
    /* a t the zone cannot place */
    const char *who;
    assert_int_equal(sw_rotation_oncall(&r, INT64_MAX, &who), -EINVAL);
    sw_shift_list_release(&l);
}

static void test_long_range(void **state)
{
    (void)state;
    struct sw_rotation r = example_rotation();
    struct sw_shift_list l;

    /* a daily rotation over ten years: one shift a day, each following the last */
    r.period = SW_ROT_DAILY;
    r.n_overrides = 0;
    sw_shift_list_init(&l);
    assert_int_equal(sw_rotation_shifts(&r, JAN05_0900_CET, JAN05_0900_CET + 3650LL * DAY, &l), 0);
    assert_int_equal(l.n, 3650);
    sw_shift_list_release(&l);
}

static void test_parsers(void **state)
{
    (void)state;
    int w = -1, y, m, d;
    int32_t s = -1;

    assert_int_equal(sw_ops_weekday_parse("monday", &w), 0);
    assert_int_equal(w, 1);
    assert_int_equal(sw_ops_weekday_parse("SUN", &w), 0);
    assert_int_equal(w, 0);
    assert_int_equal(sw_ops_weekday_parse("Saturday", &w), 0);
    assert_int_equal(w, 6);
    assert_int_equal(sw_ops_weekday_parse("mo", &w), -EINVAL);
    assert_int_equal(sw_ops_weekday_parse("mondays", &w), -EINVAL);
    assert_int_equal(sw_ops_weekday_parse(NULL, &w), -EINVAL);
    assert_int_equal(sw_ops_hhmm_parse("09:00", &s), 0);
    assert_int_equal(s, 32400);
    assert_int_equal(sw_ops_hhmm_parse("23:59", &s), 0);
    assert_int_equal(s, 86340);
    assert_int_equal(sw_ops_hhmm_parse("24:00", &s), -EINVAL);
    assert_int_equal(sw_ops_hhmm_parse("9:00", &s), -EINVAL);
    assert_int_equal(sw_ops_hhmm_parse("09:60", &s), -EINVAL);
    assert_int_equal(sw_ops_hhmm_parse("09:0x", &s), -EINVAL);
    assert_int_equal(sw_ops_date_parse("2026-01-05", &y, &m, &d), 0);
    assert_int_equal(y * 10000 + m * 100 + d, 20260105);
    assert_int_equal(sw_ops_date_parse("2028-02-29", &y, &m, &d), 0);
    assert_int_equal(sw_ops_date_parse("2026-02-29", &y, &m, &d), -EINVAL);
    assert_int_equal(sw_ops_date_parse("2026-13-01", &y, &m, &d), -EINVAL);
    assert_int_equal(sw_ops_date_parse("2026-1-05", &y, &m, &d), -EINVAL);
}

/* ---- escalation ---- */

#define T0 1773136800LL /* 2026-03-10T10:00:00Z: bob's week */

static const struct sw_esc_step example_steps[] = {
    {.target = {.kind = SW_TARGET_ROTATION, .id = "primary"}, .wait_s = 15 * 60},
    {.target = {.kind = SW_TARGET_ENGINEER, .id = "carol"}, .wait_s = 15 * 60},
};
static const struct sw_esc_policy example_policy = {
    .id = "default", .steps = example_steps, .n_steps = 2, .repeat = 2};

struct want {
    int round;
    int step;
    int64_t t;
};

static void expect_events(int64_t ack, int64_t resolve, int64_t horizon, const struct want *w,
                          size_t n)
{
    struct sw_esc_event ev[8];
    size_t got = 99;

    assert_int_equal(sw_esc_events(&example_policy, T0, ack, resolve, horizon, ev, 8, &got), 0);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ev[i].round, w[i].round);
        assert_int_equal(ev[i].step, w[i].step);
        assert_int_equal(ev[i].t, w[i].t);
        assert_ptr_equal(ev[i].target, &example_steps[w[i].step].target);
    }
}

static void test_escalation_list(void **state)
{
    (void)state;
    const int64_t N = SW_OPS_NEVER;
    /* repeat: 2 is three rounds in all (two more after the first) */
    static const struct want all[] = {
        {0, 0, T0},        {0, 1, T0 + 900},  {1, 0, T0 + 1800},
        {1, 1, T0 + 2700}, {2, 0, T0 + 3600}, {2, 1, T0 + 4500},
    };
    char err[200] = "";

    assert_int_equal(sw_esc_policy_validate(&example_policy, err, sizeof(err)), 0);
    assert_int_equal(sw_esc_events_max(&example_policy), 6);
    expect_events(N, N, N, all, 6);
    /* acknowledged a minute after the first page: nothing more */
    expect_events(T0 + 60, N, N, all, 1);
    /* acknowledged exactly when carol's page is due: that page is not sent */
    expect_events(T0 + 900, N, N, all, 1);
    expect_events(T0 + 901, N, N, all, 2);
    /* acknowledged before the trigger was processed: nothing at all */
    expect_events(T0, N, N, all, 0);
    /* resolved (by recovery) without an ack in round 1 */
    expect_events(N, T0 + 2000, N, all, 3);
    /* resolved before an ack: the earlier stop counts */
    expect_events(T0 + 3000, T0 + 1000, N, all, 2);
    /* horizon: due by now, inclusive */
    expect_events(N, N, T0 + 1800, all, 3);
    expect_events(N, N, T0 + 1799, all, 2);
    expect_events(N, N, T0 - 1, all, 0);

    struct sw_esc_event small[5];
    size_t n;
    assert_int_equal(sw_esc_events(&example_policy, T0, N, N, N, small, 5, &n), -E2BIG);
    assert_int_equal(sw_esc_events(&example_policy, -1, N, N, N, small, 5, &n), -EINVAL);

    /* no repeat: one round */
    struct sw_esc_policy once = example_policy;
    once.repeat = 0;
    assert_int_equal(sw_esc_events(&once, T0, N, N, N, small, 5, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(small[1].t, T0 + 900);
}

static void test_escalation_step_by_step(void **state)
{
    (void)state;
    const int64_t N = SW_OPS_NEVER;
    struct sw_esc_event ev, list[8];
    struct sw_esc_cursor cur;
    size_t n;
    int64_t now;
    int sent = 0;

    /* an injected clock ticking every 60 s: the daemon sends what is due, keeps a cursor with
     * the due time, and ends with exactly the list */
    assert_int_equal(sw_esc_events(&example_policy, T0, N, N, N, list, 8, &n), 0);
    bool have = false;
    for (now = T0; now <= T0 + 3 * H; now += 60) {
        int r;
        while ((r = sw_esc_next(&example_policy, T0, have ? &cur : NULL, N, N, &ev)) == 0 &&
               ev.t <= now) {
            assert_int_equal(ev.t, now); /* never late, never early on a 60 s tick */
            assert_int_equal(ev.t, list[sent].t);
            assert_int_equal(ev.round, list[sent].round);
            assert_int_equal(ev.step, list[sent].step);
            sent++;
            cur = (struct sw_esc_cursor){.round = ev.round, .step = ev.step, .t = ev.t};
            have = true;
        }
        if (now >= T0 + 4500) {
            assert_int_equal(r, -ENOENT); /* rounds used up */
        } else {
            assert_int_equal(r, 0);
        }
    }
    assert_int_equal(sent, 6);

    /* acknowledged at T0 + 10 min: the cursor after the first page leads nowhere */
    cur = (struct sw_esc_cursor){.round = 0, .step = 0, .t = T0};
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, T0 + 600, N, &ev), -ENOENT);
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, N, T0 + 600, &ev), -ENOENT);
    assert_int_equal(sw_esc_next(&example_policy, T0, NULL, T0, N, &ev), -ENOENT);
    /* not yet acknowledged: carol next, at T0 + 15 min */
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, N, N, &ev), 0);
    assert_int_equal(ev.round, 0);
    assert_int_equal(ev.step, 1);
    assert_int_equal(ev.t, T0 + 900);
    assert_string_equal(ev.target->id, "carol");
    assert_int_equal(ev.target->kind, SW_TARGET_ENGINEER);

    /* after a restart carol's page went out 20 min late: the next wait is kept whole */
    cur = (struct sw_esc_cursor){.round = 0, .step = 1, .t = T0 + 900 + 1200};
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, N, N, &ev), 0);
    assert_int_equal(ev.round, 1);
    assert_int_equal(ev.step, 0);
    assert_int_equal(ev.t, T0 + 3000);
    /* the last step of the last round: done */
    cur = (struct sw_esc_cursor){.round = 2, .step = 1, .t = T0 + 4500};
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, N, N, &ev), -ENOENT);
    /* cursors outside the policy */
    cur = (struct sw_esc_cursor){.round = 3, .step = 0, .t = T0};
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, N, N, &ev), -EINVAL);
    cur = (struct sw_esc_cursor){.round = 0, .step = 2, .t = T0};
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, N, N, &ev), -EINVAL);
    cur = (struct sw_esc_cursor){.round = 0, .step = 0, .t = T0 - 1};
    assert_int_equal(sw_esc_next(&example_policy, T0, &cur, N, N, &ev), -EINVAL);
}

static void test_escalation_targets(void **state)
{
    (void)state;
    struct sw_rotation rots[1] = {example_rotation()};
    struct sw_target out;
    struct sw_esc_event ev[8];
    size_t n;

    assert_int_equal(
        sw_esc_events(&example_policy, T0, SW_OPS_NEVER, SW_OPS_NEVER, SW_OPS_NEVER, ev, 8, &n), 0);
    /* 2026-03-10 is in shift 9: bob */
    assert_int_equal(sw_esc_target_resolve(ev[0].target, rots, 1, ev[0].t, &out), 0);
    assert_int_equal(out.kind, SW_TARGET_ENGINEER);
    assert_string_equal(out.id, "bob");
    assert_int_equal(sw_esc_target_resolve(ev[1].target, rots, 1, ev[1].t, &out), 0);
    assert_int_equal(out.kind, SW_TARGET_ENGINEER);
    assert_string_equal(out.id, "carol");
    /* an incident at 08:50 on the handoff Monday: bob at first, alice from round 1 */
    int64_t t = MAR30_0900_CEST - 600;
    assert_int_equal(
        sw_esc_events(&example_policy, t, SW_OPS_NEVER, SW_OPS_NEVER, SW_OPS_NEVER, ev, 8, &n), 0);
    assert_int_equal(sw_esc_target_resolve(ev[0].target, rots, 1, ev[0].t, &out), 0);
    assert_string_equal(out.id, "bob");
    assert_int_equal(sw_esc_target_resolve(ev[2].target, rots, 1, ev[2].t, &out), 0);
    assert_string_equal(out.id, "alice");
    /* during the override: carol */
    assert_int_equal(sw_esc_target_resolve(ev[0].target, rots, 1, DEC24_0000_CET, &out), 0);
    assert_string_equal(out.id, "carol");

    struct sw_target chan = {.kind = SW_TARGET_CHANNEL, .id = "ops-webhook"};
    assert_int_equal(sw_esc_target_resolve(&chan, rots, 1, T0, &out), 0);
    assert_int_equal(out.kind, SW_TARGET_CHANNEL);
    assert_string_equal(out.id, "ops-webhook");
    struct sw_target unknown = {.kind = SW_TARGET_ROTATION, .id = "secondary"};
    assert_int_equal(sw_esc_target_resolve(&unknown, rots, 1, T0, &out), -ENOENT);
    assert_int_equal(sw_esc_target_resolve(ev[0].target, rots, 1, JAN05_0900_CET - 1, &out),
                     -ENODATA);
    assert_string_equal(sw_target_kind_name(SW_TARGET_ROTATION), "rotation");
    assert_string_equal(sw_target_kind_name(SW_TARGET_CHANNEL), "channel");
}

static void test_escalation_invalid(void **state)
{
    (void)state;
    char err[200] = "";
    struct sw_esc_step steps[2] = {example_steps[0], example_steps[1]};
    struct sw_esc_policy p = {.id = "default", .steps = steps, .n_steps = 2, .repeat = 2};

    p.n_steps = 0;
    assert_int_equal(sw_esc_policy_validate(&p, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "escalation policy default has no steps");
    assert_int_equal(sw_esc_events_max(&p), 0);
    p.n_steps = 2;
    steps[1].wait_s = -1;
    assert_int_equal(sw_esc_policy_validate(&p, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "escalation policy default: step 2 waits -1 s, not 0 .. 2592000 s");
    steps[0].wait_s = 0;
    steps[1].wait_s = 0;
    assert_int_equal(sw_esc_policy_validate(&p, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "escalation policy default repeats but its waits add up to 0 s: "
                             "every round would page at the same instant");
    p.repeat = 0; /* both at once, once: fine */
    assert_int_equal(sw_esc_policy_validate(&p, err, sizeof(err)), 0);
    p.repeat = 101;
    steps[0].wait_s = 60;
    assert_int_equal(sw_esc_policy_validate(&p, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "escalation policy default: repeat 101 is not 0 .. 100");
    p.repeat = 1;
    steps[1].target.id = "";
    assert_int_equal(sw_esc_policy_validate(&p, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "escalation policy default: step 2 names no engineer");
}

/* ---- iCalendar ---- */

/* Every line ends in CRLF with no bare CR or LF, holds at most 75 octets, and BEGIN/END pair
 * up; returns the number of VEVENTs. */
static int check_ics(const char *s, size_t len)
{
    char stack[8][32];
    int depth = 0, events = 0;
    size_t i = 0;

    assert_true(len > 0);
    while (i < len) {
        const char *eol = strstr(s + i, "\r\n");
        assert_non_null(eol);
        size_t n = (size_t)(eol - (s + i));
        assert_true(n <= 75);
        assert_null(memchr(s + i, '\r', n));
        assert_null(memchr(s + i, '\n', n));
        if (n > 6 && strncmp(s + i, "BEGIN:", 6) == 0) {
            assert_true(depth < 8 && n - 6 < 32);
            memcpy(stack[depth], s + i + 6, n - 6);
            stack[depth][n - 6] = '\0';
            events += strcmp(stack[depth], "VEVENT") == 0;
            depth++;
        } else if (n > 4 && strncmp(s + i, "END:", 4) == 0) {
            assert_true(depth > 0);
            depth--;
            assert_int_equal(n - 4, strlen(stack[depth]));
            assert_memory_equal(s + i + 4, stack[depth], n - 4);
        }
        i += n + 2;
    }
    assert_int_equal(depth, 0);
    return events;
}

static void test_ics_export(void **state)
{
    (void)state;
    struct sw_rotation rots[1] = {example_rotation()};
    struct sw_buf b;
    const int64_t stamp = 1767225600; /* 2026-01-01T00:00:00Z */
    const char *want = "BEGIN:VCALENDAR\r\n"
                       "VERSION:2.0\r\n"
                       "PRODID:-//stackward//on-call export//EN\r\n"
                       "CALSCALE:GREGORIAN\r\n"
                       "METHOD:PUBLISH\r\n"
                       "BEGIN:VEVENT\r\n"
                       "UID:primary-20261221T080000Z@stackward\r\n"
                       "DTSTAMP:20260101T000000Z\r\n"
                       "DTSTART:20261221T080000Z\r\n"
                       "DTEND:20261223T230000Z\r\n"
                       "SUMMARY:On call: primary (alice)\r\n"
                       "TRANSP:TRANSPARENT\r\n"
                       "END:VEVENT\r\n"
                       "BEGIN:VEVENT\r\n"
                       "UID:primary-20261223T230000Z@stackward\r\n"
                       "DTSTAMP:20260101T000000Z\r\n"
                       "DTSTART:20261223T230000Z\r\n"
                       "DTEND:20261226T230000Z\r\n"
                       "SUMMARY:On call: primary (carol\\, override)\r\n"
                       "TRANSP:TRANSPARENT\r\n"
                       "END:VEVENT\r\n"
                       "BEGIN:VEVENT\r\n"
                       "UID:primary-20261226T230000Z@stackward\r\n"
                       "DTSTAMP:20260101T000000Z\r\n"
                       "DTSTART:20261226T230000Z\r\n"
                       "DTEND:20261228T080000Z\r\n"
                       "SUMMARY:On call: primary (alice)\r\n"
                       "TRANSP:TRANSPARENT\r\n"
                       "END:VEVENT\r\n"
                       "END:VCALENDAR\r\n";

    sw_buf_init(&b);
    /* 2026-12-22 .. 2026-12-28 00:00Z: alice's week in three parts */
    assert_int_equal(sw_ics_export(rots, 1, NULL, 1798502400 - 7 * DAY, 1798416000, stamp, &b), 0);
    assert_string_equal(b.data, want);
    assert_int_equal(check_ics(b.data, b.len), 3);

    /* only carol, over the whole year: one event */
    sw_buf_reset(&b);
    assert_int_equal(sw_ics_export(rots, 1, "carol", 1767225600, 1798761600, stamp, &b), 0);
    assert_non_null(strstr(b.data, "UID:primary-20261223T230000Z@stackward\r\n"));
    assert_int_equal(check_ics(b.data, b.len), 1);
    /* alice, the whole year: 26 regular weeks, the override week in two parts */
    sw_buf_reset(&b);
    assert_int_equal(sw_ics_export(rots, 1, "alice", 1767225600, 1798761600, stamp, &b), 0);
    assert_int_equal(check_ics(b.data, b.len), 27);
    assert_non_null(strstr(b.data, "DTSTART:20260105T080000Z\r\nDTEND:20260112T080000Z\r\n"));
    /* the 167 h and 169 h weeks are bob's */
    sw_buf_reset(&b);
    assert_int_equal(sw_ics_export(rots, 1, "bob", 1767225600, 1798761600, stamp, &b), 0);
    assert_int_equal(check_ics(b.data, b.len), 26);
    assert_non_null(strstr(b.data, "DTSTART:20260323T080000Z\r\nDTEND:20260330T070000Z\r\n"));
    assert_non_null(strstr(b.data, "DTSTART:20261019T070000Z\r\nDTEND:20261026T080000Z\r\n"));

    /* nobody at all: an empty but valid calendar */
    sw_buf_reset(&b);
    assert_int_equal(sw_ics_export(rots, 1, "zed", 1767225600, 1798761600, stamp, &b), 0);
    assert_int_equal(check_ics(b.data, b.len), 0);

    /* two rotations, interleaved by start */
    static const char *const solo[] = {"dana"};
    struct sw_rotation two[2] = {example_rotation(), example_rotation()};
    two[1].id = "db";
    two[1].period = SW_ROT_DAILY;
    two[1].handoff_s = 0;
    two[1].participants = solo;
    two[1].n_participants = 1;
    two[1].n_overrides = 0;
    sw_buf_reset(&b);
    assert_int_equal(
        sw_ics_export(two, 2, NULL, JAN05_0900_CET, JAN05_0900_CET + 2 * DAY, stamp, &b), 0);
    assert_int_equal(check_ics(b.data, b.len), 4);
    const char *p1 = strstr(b.data, "UID:db-20260104T230000Z");
    const char *p2 = strstr(b.data, "UID:primary-20260105T080000Z");
    const char *p3 = strstr(b.data, "UID:db-20260105T230000Z");
    const char *p4 = strstr(b.data, "UID:db-20260106T230000Z");
    assert_true(p1 && p2 && p3 && p4 && p1 < p2 && p2 < p3 && p3 < p4);

    /* bad input leaves the buffer as it was */
    sw_buf_reset(&b);
    sw_buf_puts(&b, "keep");
    static const char *const bad[] = {"eve\x01"};
    two[1].participants = bad;
    assert_int_equal(sw_ics_export(two, 2, NULL, JAN05_0900_CET, JAN05_0900_CET + DAY, stamp, &b),
                     -EINVAL);
    assert_string_equal(b.data, "keep");
    assert_int_equal(sw_ics_export(rots, 1, NULL, JAN05_0900_CET, JAN05_0900_CET, stamp, &b),
                     -EINVAL);
    assert_string_equal(b.data, "keep");
    sw_buf_release(&b);
}

static void test_ics_line(void **state)
{
    (void)state;
    struct sw_buf b;

    sw_buf_init(&b);
    assert_int_equal(sw_ics_line(&b, "SUMMARY", "a\\b;c,d\ne", true), 0);
    assert_string_equal(b.data, "SUMMARY:a\\\\b\\;c\\,d\\ne\r\n");

    /* 8 + 80 octets: 75 on the first line, 13 (plus the space) on the second */
    sw_buf_reset(&b);
    assert_int_equal(sw_ics_line(&b, "SUMMARY",
                                 "0123456789012345678901234567890123456789"
                                 "0123456789012345678901234567890123456789",
                                 true),
                     0);
    assert_string_equal(b.data, "SUMMARY:0123456789012345678901234567890123456789"
                                "012345678901234567890123456\r\n"
                                " 7890123456789\r\n");
    assert_int_equal(check_ics(b.data, b.len), 0);

    /* exactly 75 octets: no fold */
    sw_buf_reset(&b);
    char v[68];
    memset(v, 'x', 67);
    v[67] = '\0';
    assert_int_equal(sw_ics_line(&b, "SUMMARY", v, true), 0);
    assert_int_equal(b.len, 77);

    /* a two-octet character (é) straddling octet 75 moves whole to the next line */
    sw_buf_reset(&b);
    char u[80];
    memset(u, 'y', 66);
    memcpy(u + 66, "\xc3\xa9zz", 5);
    assert_int_equal(sw_ics_line(&b, "SUMMARY", u, true), 0);
    assert_int_equal(check_ics(b.data, b.len), 0);
    assert_non_null(strstr(b.data, "yyy\r\n \xc3\xa9zz\r\n"));
    assert_int_equal(strstr(b.data, "\r\n") - b.data, 74);

    /* a long value folds over several lines, each continuation 1 + 74 octets */
    sw_buf_reset(&b);
    char big[301];
    memset(big, 'q', 300);
    big[300] = '\0';
    assert_int_equal(sw_ics_line(&b, "DESCRIPTION", big, false), 0);
    assert_int_equal(check_ics(b.data, b.len), 0);
    assert_int_equal(b.len, 312 + 4 + 5 * 2); /* 312 = 75 + 74 * 3 + 15: 5 lines, 4 folds */

    /* not text */
    sw_buf_reset(&b);
    assert_int_equal(sw_ics_line(&b, "SUMMARY", "bad\xff", true), -EINVAL);
    assert_int_equal(sw_ics_line(&b, "SUMMARY", "bell\x07", true), -EINVAL);
    assert_int_equal(sw_ics_line(&b, "DTSTART", "new\nline", false), -EINVAL);
    assert_int_equal(b.len, 0);
    sw_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_oncall),
        cmocka_unit_test(test_example_shift_list),
        cmocka_unit_test(test_daily),
        cmocka_unit_test(test_every_three_days),
        cmocka_unit_test(test_weekly_short_first),
        cmocka_unit_test(test_overlapping_overrides),
        cmocka_unit_test(test_rotation_invalid),
        cmocka_unit_test(test_long_range),
        cmocka_unit_test(test_parsers),
        cmocka_unit_test(test_escalation_list),
        cmocka_unit_test(test_escalation_step_by_step),
        cmocka_unit_test(test_escalation_targets),
        cmocka_unit_test(test_escalation_invalid),
        cmocka_unit_test(test_ics_export),
        cmocka_unit_test(test_ics_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
