/* SPDX-License-Identifier: Apache-2.0 */
/* sla.c: the availability of one service over one period: a single
 * sweep over its state intervals and the merged maintenance windows (DOMAIN B2, B3). Pure:
 * everything comes in as arguments. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sla/sla.h"

/* Years 1..9999, so that from - min_outage_s and the like never overflow. */
#define T_MIN (-62135596800LL)
#define T_MAX 253402300799LL

/* ---- the sweep ---- */

void sw_sla_detail_init(struct sw_sla_detail *d)
{
    memset(d, 0, sizeof(*d));
}

void sw_sla_detail_release(struct sw_sla_detail *d)
{
    if (!d) {
        return;
    }
    free(d->outages);
    free(d->segs);
    sw_sla_detail_init(d);
}

/* The run of down time being swept. */
struct run {
    bool on;
    int64_t start;    /* s */
    int64_t in_s;     /* inside the counted period */
    int64_t elig_s;   /* eligible (outside excluded maintenance) inside the period */
    int64_t maint_s;  /* inside excluded maintenance inside the period */
    size_t seg_first; /* its first time line segment */
    size_t iv_first;  /* the interval (or the one after the gap) it started in */
};

struct sweep {
    const struct sw_sla_input *in;
    struct sw_sla_result *r;
    struct sw_sla_detail *d;
    int64_t cs, ce; /* the counted part [cs, ce) */
    int64_t lo, hi; /* the swept part: [cs, ce) widened by min_outage_s */
    struct run run;
};

static int64_t iv_end(const struct sw_sla_input *in, size_t i)
{
    const struct sw_interval *v = &in->iv[i];
    if (v->end) {
        return v->end;
    }
    return in->now > v->start ? in->now : v->start; /* open: until now (empty if it starts later) */
}

static int check_iv(const struct sw_sla_input *in, size_t i)
{
    const struct sw_interval *v = &in->iv[i];

    if ((unsigned)v->state > SW_UNKNOWN || v->start < T_MIN || v->start > T_MAX || v->end > T_MAX) {
        return -EINVAL;
    }
    if (v->end ? v->end <= v->start : i + 1 != in->n_iv) {
        return -EINVAL; /* empty, reversed, or open but not the last */
    }
    if (i > 0 && in->iv[i - 1].end && v->start < in->iv[i - 1].end) {
        return -EINVAL; /* unsorted or overlapping */
    }
    return 0;
}

static enum sw_sla_kind kind_of(enum sw_state s)
{
    switch (s) {
    case SW_OK:
        return SW_SLA_UP;
    case SW_WARNING:
        return SW_SLA_DEGRADED;
    case SW_CRITICAL:
        return SW_SLA_DOWN;
    default:
        return SW_SLA_UNKNOWN;
    }
}

static bool is_down(const struct sw_sla_policy *p, enum sw_sla_kind k)
{
    return k == SW_SLA_DOWN || (k == SW_SLA_DEGRADED && p->warning_is_down) ||
           (k == SW_SLA_UNKNOWN && p->unknown == SW_SLA_UNKNOWN_DOWN);
}

static void push_seg(struct sw_sla_detail *d, int64_t a, int64_t b, enum sw_sla_kind kind,
                     enum sw_sla_maint maint, bool counted_down)
{
    struct sw_sla_segment *last = d->n_segs ? &d->segs[d->n_segs - 1] : NULL;

    if (a >= b) {
        return;
    }
    if (last && last->end == a && last->kind == kind && last->maint == maint &&
        last->counted_down == counted_down) {
        last->end = b;
        return;
    }
    sw_xgrow((void **)&d->segs, &d->cap_segs, d->n_segs + 1, sizeof(*d->segs));
    d->segs[d->n_segs++] = (struct sw_sla_segment){a, b, kind, maint, counted_down};
}

/* The run's outer bounds as far as the intervals show: contiguous down intervals before lo
 * and after hi (display only; forgiveness is decided on [lo, hi), which is wide enough). */
static void run_bounds(const struct sweep *sw, int64_t end, size_t iv_last, int64_t *ret_start,
                       int64_t *ret_end)
{
    const struct sw_sla_input *in = sw->in;
    int64_t start = sw->run.start;
    size_t j;

    if (start == sw->lo && sw->run.iv_first < in->n_iv) {
        j = sw->run.iv_first;
        if (in->iv[j].start < start) {
            start = in->iv[j].start;
        }
        while (j > 0 && in->iv[j - 1].end == in->iv[j].start &&
               is_down(&in->policy, kind_of(in->iv[j - 1].state))) {
            start = in->iv[--j].start;
        }
        if (start < in->created) {
            start = in->created;
        }
    }
    if (end == sw->hi && end < in->now && iv_last < in->n_iv) {
        j = iv_last;
        end = iv_end(in, j);
        while (j + 1 < in->n_iv && in->iv[j + 1].start == end &&
               is_down(&in->policy, kind_of(in->iv[j + 1].state))) {
            end = iv_end(in, ++j);
        }
    }
    *ret_start = start;
    *ret_end = end;
}

static void run_end(struct sweep *sw, int64_t end, size_t iv_last)
{
    struct run *run = &sw->run;
    struct sw_sla_detail *d = sw->d;
    bool forgiven = end - run->start < sw->in->policy.min_outage_s;

    run->on = false;
    if (run->in_s == 0) {
        return;
    }
    if (forgiven) {
        sw->r->forgiven_s += run->elig_s;
    } else {
        sw->r->downtime_s += run->elig_s;
    }
    if (!d) {
        return;
    }
    if (forgiven) {
        /* Down segments of a run never merge with what precedes it (another kind). */
        for (size_t k = run->seg_first; k < d->n_segs; k++) {
            d->segs[k].counted_down = false;
        }
    }
    sw_xgrow((void **)&d->outages, &d->cap_outages, d->n_outages + 1, sizeof(*d->outages));
    struct sw_sla_outage *o = &d->outages[d->n_outages++];
    run_bounds(sw, end, iv_last, &o->start, &o->end);
    o->open = o->end >= sw->in->now;
    o->in_s = run->in_s;
    o->down_s = forgiven ? 0 : run->elig_s;
    o->maint_s = run->maint_s;
    o->in_maintenance = run->maint_s == run->in_s;
    o->forgiven = forgiven;
}

/* One stretch [a, b) of one kind and one maintenance flag, wholly inside or outside [cs, ce). */
static void piece(struct sweep *sw, int64_t a, int64_t b, enum sw_sla_kind kind,
                  enum sw_sla_maint maint, size_t iv_at)
{
    const struct sw_sla_policy *p = &sw->in->policy;
    struct sw_sla_result *r = sw->r;
    struct run *run = &sw->run;
    bool down = is_down(p, kind);
    int64_t len = b - a;

    if (down && !run->on) {
        *run = (struct run){true, a, 0, 0, 0, sw->d ? sw->d->n_segs : 0, iv_at};
    } else if (!down && run->on) {
        run_end(sw, a, sw->in->n_iv); /* a < hi: its end needs no extending */
    }
    if (a < sw->cs || b > sw->ce) {
        return;
    }
    if (maint == SW_SLA_MAINT_EXCLUDED) {
        r->maintenance_s += len;
    } else if (kind == SW_SLA_UNKNOWN) {
        r->unknown_s += len;
        if (p->unknown != SW_SLA_UNKNOWN_EXCLUDED) {
            r->eligible_s += len;
        }
    } else {
        r->observed_s += len;
        r->eligible_s += len;
        if (kind == SW_SLA_DEGRADED && !p->warning_is_down) {
            r->degraded_s += len;
        }
    }
    if (down) {
        run->in_s += len;
        if (maint == SW_SLA_MAINT_EXCLUDED) {
            run->maint_s += len;
        } else {
            run->elig_s += len;
        }
    }
    if (sw->d) {
        push_seg(sw->d, a, b, kind, maint, down && maint != SW_SLA_MAINT_EXCLUDED);
    }
}

static int check_input(const struct sw_sla_input *in)
{
    const struct sw_sla_policy *p = &in->policy;

    if (in->from >= in->to || in->from < T_MIN || in->to > T_MAX ||
        in->to - in->from > SW_SLA_SPAN_MAX || in->target_ppm > SW_PPM || p->min_outage_s < 0 ||
        p->min_outage_s > SW_SLA_SPAN_MAX || (unsigned)p->unknown > SW_SLA_UNKNOWN_UP ||
        (in->n_iv && !in->iv) || (in->n_win && !in->win)) {
        return -EINVAL;
    }
    for (size_t k = 0; k < in->n_win; k++) {
        const struct sw_window *w = &in->win[k];
        if (w->start >= w->end || w->start < T_MIN || w->end > T_MAX ||
            (k > 0 && w->start < in->win[k - 1].end)) {
            return -EINVAL;
        }
    }
    return 0;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The first interval ending after t (intervals sorted, so ends are too). */
static size_t first_after(const struct sw_sla_input *in, int64_t t)
{
    size_t lo = 0, hi = in->n_iv;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (iv_end(in, mid) <= t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int sweep_run(struct sweep *sw)
{
    const struct sw_sla_input *in = sw->in;
    size_t i = first_after(in, sw->lo), w = 0;
    int64_t t = sw->lo;
    int r;

    if (i < in->n_iv && (r = check_iv(in, i)) < 0) {
        return r;
    }
    while (w < in->n_win && in->win[w].end <= t) {
        w++;
    }
    while (t < sw->hi) {
        enum sw_sla_kind kind = SW_SLA_UNKNOWN;
        enum sw_sla_maint maint = SW_SLA_MAINT_NONE;
        int64_t nx = sw->hi;

        while (i < in->n_iv && iv_end(in, i) <= t) {
            if (++i < in->n_iv && (r = check_iv(in, i)) < 0) {
                return r;
            }
        }
        if (i < in->n_iv && in->iv[i].start <= t) {
            kind = kind_of(in->iv[i].state);
            nx = iv_end(in, i);
        } else if (i < in->n_iv) {
            nx = in->iv[i].start; /* a gap until the next interval */
        }
        while (w < in->n_win && in->win[w].end <= t) {
            w++;
        }
        if (w < in->n_win && in->win[w].start <= t) {
            maint = in->win[w].excluded ? SW_SLA_MAINT_EXCLUDED : SW_SLA_MAINT_COUNTED;
            nx = in->win[w].end < nx ? in->win[w].end : nx;
        } else if (w < in->n_win && in->win[w].start < nx) {
            nx = in->win[w].start;
        }
        if (t < sw->cs && sw->cs < nx) {
            nx = sw->cs;
        }
        if (t < sw->ce && sw->ce < nx) {
            nx = sw->ce;
        }
        if (nx > sw->hi) {
            nx = sw->hi;
        }
        piece(sw, t, nx, kind, maint, i);
        t = nx;
    }
    if (sw->run.on) {
        /* the interval holding the run's last second, none when that second is a gap */
        size_t last = i < in->n_iv && in->iv[i].start < sw->hi ? i : in->n_iv;
        run_end(sw, sw->hi, last);
    }
    return 0;
}

static void judge(struct sw_sla_result *r, uint32_t target)
{
    int64_t e = r->eligible_s, d = r->downtime_s, room = SW_PPM - (int64_t)target;
    int64_t den = e * room; /* E * (1e6 - T): <= 3.2e14 */

    r->target_ppm = target;
    r->defined = e > 0;
    if (r->defined) {
        r->availability_ppm = (uint32_t)((e - d) * SW_PPM / e);
        r->availability = (double)(e - d) / (double)e;
        r->met = (e - d) * SW_PPM >= (int64_t)target * e;
    }
    r->budget_s = den / SW_PPM;
    r->remaining_s = r->budget_s - d;
    if (den > 0) {
        __int128 used = (__int128)d * SW_PPM * SW_PPM / den;
        r->used_ppm = used > INT64_MAX ? INT64_MAX : (int64_t)used;
        r->budget_used = (double)d * SW_PPM / (double)den;
    } else {
        r->used_ppm = d > 0 ? INT64_MAX : 0;
        r->budget_used = d > 0 ? INFINITY : 0.0;
    }
    r->remaining_ppm = r->used_ppm == INT64_MAX ? INT64_MIN : SW_PPM - r->used_ppm;
}

int sw_sla_compute(const struct sw_sla_input *in, struct sw_sla_result *ret,
                   struct sw_sla_detail *detail)
{
    struct sw_sla_result r = {0};
    struct sweep sw = {.in = in, .r = &r, .d = detail};
    int64_t m = in->policy.min_outage_s;
    int rc;

    rc = check_input(in);
    if (rc < 0) {
        return rc;
    }
    if (detail) {
        detail->n_segs = 0;
        detail->n_outages = 0;
    }
    sw.cs = clamp(in->created, in->from, in->to);
    sw.ce = clamp(in->now, sw.cs, in->to);
    r.period_s = in->to - in->from;
    r.before_s = sw.cs - in->from;
    r.pending_s = in->to - sw.ce;
    if (detail) {
        push_seg(detail, in->from, sw.cs, SW_SLA_BEFORE, SW_SLA_MAINT_NONE, false);
    }
    if (sw.cs < sw.ce) {
        sw.lo = in->from - m > in->created ? in->from - m : in->created;
        sw.lo = sw.lo < sw.cs ? sw.lo : sw.cs;
        sw.hi = in->to + m < in->now ? in->to + m : in->now;
        sw.hi = sw.hi > sw.ce ? sw.hi : sw.ce;
        rc = sweep_run(&sw);
        if (rc < 0) {
            return rc;
        }
    }
    if (detail) {
        push_seg(detail, sw.ce, in->to, SW_SLA_PENDING, SW_SLA_MAINT_NONE, false);
    }
    judge(&r, in->target_ppm);
    *ret = r;
    return 0;
}
