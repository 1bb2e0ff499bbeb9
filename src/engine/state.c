/* SPDX-License-Identifier: Apache-2.0 */
/* state.c: the pure state arithmetic of engine.h: soft/hard transitions (Nagios semantics),
 * flap detection, service aggregation and schedule phases. No clock, no I/O, no allocation:
 * time comes in as an argument and everything is tested with exact numbers. */
#include <math.h>
#include <string.h>

#include "engine/engine.h"

/* Change bits kept in a snapshot's flap_history: one per result held. */
#define FLAP_MASK ((UINT32_C(1) << SW_FLAP_WINDOW) - 1)
/* Change positions between the SW_FLAP_WINDOW results held. */
#define FLAP_POSITIONS (SW_FLAP_WINDOW - 1)

/* Floor division for a positive divisor (C's / truncates towards zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/*
 * Flap detection follows Nagios 4: the last 21 results give 20 change positions, each
 * weighted by how recent it is, rising linearly from 0.8 (the oldest position) to 1.2 (the
 * newest), so the weights sum to 20 and every position changed gives exactly 100 %.
 *
 * With bit i of the history (i = 0 newest) standing for the change into result i, the
 * position of bit i is 19 - i from the oldest, so
 *
 *     weight(i)  = 0.8 + 0.4 * (19 - i) / 19 = 1.2 - 0.4 * i / 19
 *     percent    = sum over changed i of weight(i) / 20 * 100
 *                = sum over changed i of (114 - 2 * i) / 19
 *
 * which is kept as the integer 19 * percent ("score") so thresholds compare exactly:
 *  - only the newest position changed:   114 / 19 = 6 %
 *  - only the oldest position (i = 19):   76 / 19 = 4 %
 *  - all 20 positions (21 alternating): 1900 / 19 = 100 %
 *
 * With fewer than 21 results (count of them), only the count - 1 positions between them can
 * have changed; the missing older positions count as "no change" and the divisor stays 20,
 * as in Nagios, whose history starts filled with the first state. So a new check needs
 * several changes before it can flap, and is never flapping on its first results alone.
 */
static int flap_score(uint32_t history, int count)
{
    int positions = count - 1, score = 0;

    if (positions > FLAP_POSITIONS) {
        positions = FLAP_POSITIONS;
    }
    for (int i = 0; i < positions; i++) {
        if (history & (UINT32_C(1) << i)) {
            score += 114 - 2 * i;
        }
    }
    return score;
}

double sw_flap_percent(uint32_t history, int count)
{
    /* rounded to two decimals; the flapping decision uses the exact score */
    return (double)lround(flap_score(history, count) * 100.0 / 19.0) / 100.0;
}

/* Records result st in the flap history and updates the flapping flag. */
static void flap_update(struct sw_check_snapshot *s, const struct sw_flap_conf *flap,
                        enum sw_state st, struct sw_transition *ret)
{
    bool changed = s->flap_count > 0 && st != s->flap_last;
    int score;

    if (s->flap_count < 0) {
        s->flap_count = 0; /* a damaged snapshot: start the history afresh */
    }
    s->flap_history = ((s->flap_history << 1) | (changed ? 1u : 0u)) & FLAP_MASK;
    if (s->flap_count < SW_FLAP_WINDOW) {
        s->flap_count++;
    }
    s->flap_last = st;

    if (!flap || !flap->enabled) {
        if (s->flapping) {
            s->flapping = false;
            ret->flap_stop = true;
        }
        return;
    }
    score = flap_score(s->flap_history, s->flap_count);
    if (!s->flapping && score > 19 * flap->high_pct) {
        s->flapping = true;
        ret->flap_start = true;
    } else if (s->flapping && score < 19 * flap->low_pct) {
        s->flapping = false;
        ret->flap_stop = true;
    }
}

void sw_state_apply(struct sw_check_snapshot *s, int max_attempts, const struct sw_flap_conf *flap,
                    enum sw_state st, int64_t t_ms, struct sw_transition *ret)
{
    bool first = !s->has_state;
    /* a pending check's result counts as coming from hard OK */
    enum sw_state old_hard = first ? SW_OK : s->hard_state;
    enum sw_state state = st, hard_state = old_hard;
    bool hard;
    int attempt;

    if (max_attempts < 1) {
        max_attempts = 1;
    }
    memset(ret, 0, sizeof(*ret));
    ret->first = first;
    ret->old_hard = old_hard;
    ret->state_change = first || st != s->state;

    if (st == SW_OK) {
        /* hard OK at once: a hard recovery, a soft recovery (hard_state was OK all along)
         * or simply another OK */
        hard = true;
        hard_state = SW_OK;
        attempt = 1;
    } else if (!first && s->hard && s->state != SW_OK) {
        /* hard non-OK: another non-OK state is a hard change at once, the same state
         * changes nothing; the attempt count stays where it was */
        hard = true;
        hard_state = st;
        attempt = s->attempt;
    } else if (!first && !s->hard && s->state != SW_OK) {
        /* soft non-OK: keep counting, whichever non-OK state it is; the max_attempts-th
         * result in a row makes its own state hard */
        attempt = s->attempt < 1 ? 2 : s->attempt + 1;
        if (attempt >= max_attempts) {
            attempt = max_attempts;
            hard = true;
            hard_state = st;
        } else {
            hard = false;
        }
    } else {
        /* from hard OK (or pending): the first non-OK result */
        attempt = 1;
        hard = max_attempts <= 1;
        if (hard) {
            hard_state = st;
        }
    }

    s->state = state;
    s->hard = hard;
    s->hard_state = hard_state;
    s->attempt = attempt;
    s->has_state = true;
    s->last_check_ms = t_ms;
    if (ret->state_change) {
        s->last_change_ms = t_ms;
    }
    /* the first result sets the first hard state (OK while a non-OK first result is soft) */
    ret->hard_change = first || hard_state != old_hard;
    if (ret->hard_change) {
        s->since = floor_div(t_ms, 1000);
    }
    flap_update(s, flap, st, ret);
}

enum sw_state sw_service_state(enum sw_aggregate agg, int quorum, const enum sw_state *states,
                               size_t n)
{
    static const enum sw_state by_rank[SW_STATE_COUNT] = {SW_OK, SW_WARNING, SW_UNKNOWN,
                                                          SW_CRITICAL};
    size_t count[SW_STATE_COUNT] = {0}, want, seen = 0;

    if (n == 0 || !states) {
        return SW_UNKNOWN;
    }
    for (size_t i = 0; i < n; i++) {
        int r = sw_state_rank(states[i]); /* a value out of range ranks as UNKNOWN */
        count[r]++;
    }
    switch (agg) {
    case SW_AGG_ANY:
        want = 1;
        break;
    case SW_AGG_QUORUM:
        want = quorum < 1 ? 1 : (size_t)quorum > n ? n : (size_t)quorum;
        break;
    case SW_AGG_ALL:
    default: /* an unknown mode is treated as the strictest */
        want = n;
        break;
    }
    /* the want-th best state: walk the ranks from the best until want checks are covered */
    for (int r = 0; r < SW_STATE_COUNT; r++) {
        seen += count[r];
        if (seen >= want) {
            return by_rank[r];
        }
    }
    return SW_UNKNOWN; /* not reached: seen == n >= want at the last rank */
}

/* splitmix64's finalizer: FNV-1a of paths that differ only in their last characters differ
 * mostly in the low bits' neighbours; this spreads every input bit over the whole word. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

int64_t sw_schedule_phase(const char *path, int64_t interval_ms)
{
    if (interval_ms <= 0 || !path) {
        return 0;
    }
    return (int64_t)(mix64(sw_hash_str(path)) % (uint64_t)interval_ms);
}

int64_t sw_schedule_next(int64_t now_ms, int64_t interval_ms, int64_t phase_ms)
{
    int64_t delta, next;

    if (interval_ms <= 0) {
        return now_ms; /* no schedule: due now */
    }
    delta = floor_mod(phase_ms, interval_ms) - floor_mod(now_ms, interval_ms);
    if (delta < 0) {
        delta += interval_ms;
    }
    if (__builtin_add_overflow(now_ms, delta, &next)) {
        return INT64_MAX; /* the end of time: never due */
    }
    return next;
}
