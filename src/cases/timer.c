/* SPDX-License-Identifier: Apache-2.0 */
/* timer.c: the contractual timers of a support case (cases.h, DOMAIN B6): one pass over the
 * case's events drives a metric's cycles (start, pause, resume, stop) and counts business
 * seconds on the goal's calendar; the warning and breach instants come from sw_cal_advance()
 * within the segment that reaches them, or are projected from the end of the cycle. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"

static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return r;
}

static const char *const status_names[SW_CASE_STATUS_COUNT] = {"new", "open", "waiting-on-customer",
                                                               "resolved", "closed"};

static const char *const metric_names[SW_CASE_METRIC_COUNT] = {"first_response", "resolution",
                                                               "update"};

const char *sw_case_status_name(enum sw_case_status s)
{
    return (unsigned)s < SW_CASE_STATUS_COUNT ? status_names[s] : NULL;
}

int sw_case_status_parse(const char *s, enum sw_case_status *ret_status)
{
    if (s && strcmp(s, "waiting") == 0) {
        *ret_status = SW_CASE_WAITING; /* what people type, and what the docs and CLI say */
        return 0;
    }
    for (int i = 0; s && i < SW_CASE_STATUS_COUNT; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *ret_status = (enum sw_case_status)i;
            return 0;
        }
    }
    return -EINVAL;
}

bool sw_case_status_active(enum sw_case_status s)
{
    return s == SW_CASE_NEW || s == SW_CASE_OPEN || s == SW_CASE_WAITING;
}

const char *sw_case_metric_name(enum sw_case_metric m)
{
    return (unsigned)m < SW_CASE_METRIC_COUNT ? metric_names[m] : NULL;
}

void sw_case_goal_init(struct sw_case_goal *g, enum sw_case_metric metric, int64_t goal_s,
                       const struct sw_calendar *cal)
{
    memset(g, 0, sizeof(*g));
    g->metric = metric;
    g->goal_s = goal_s;
    g->cal = cal;
    g->warn_ppm = SW_CASE_WARN_DEFAULT_PPM;
    g->pause_mask = 1u << SW_CASE_WAITING;
}

void sw_case_timer_init(struct sw_case_timer *t)
{
    memset(t, 0, sizeof(*t));
}

void sw_case_timer_release(struct sw_case_timer *t)
{
    if (!t) {
        return;
    }
    free(t->cycles);
    sw_case_timer_init(t);
}

/* The state of one pass. */
struct run {
    const struct sw_case_goal *g;
    struct sw_case_timer *t;
    bool open;     /* the last cycle runs */
    bool counting; /* ... and its clock counts (status not paused) */
    int64_t seg;   /* where the counting segment started */
    bool reached;  /* the running cycle's elapsed reached the goal */
    char *err;
    size_t errlen;
};

static struct sw_case_cycle *cur(struct run *r)
{
    return &r->t->cycles[r->t->n_cycles - 1];
}

static int range_error(struct run *r, int e)
{
    if (e == -ERANGE) {
        return fail(
            r->err, r->errlen, e, "%s goal of %lld s is not reached within %d days on its calendar",
            sw_case_metric_name(r->g->metric), (long long)r->g->goal_s, SW_CAL_HORIZON_DAYS);
    }
    return fail(r->err, r->errlen, e, "time out of range for the calendar");
}

/* Counts [s, e) into the running cycle, noting the instants the warning share and the goal
 * are reached within it. */
static int count(struct run *r, int64_t s, int64_t e)
{
    struct sw_case_cycle *c = cur(r);
    int64_t d;
    int e2;

    e2 = sw_cal_seconds(r->g->cal, s, e, &d);
    if (e2 < 0) {
        return range_error(r, e2);
    }
    if (!c->warned && c->elapsed_s + d >= r->t->warn_s) {
        e2 = sw_cal_advance(r->g->cal, s, r->t->warn_s - c->elapsed_s, &c->warn_at);
        if (e2 < 0) {
            return range_error(r, e2);
        }
        c->warned = true;
    }
    if (!r->reached && c->elapsed_s + d >= r->g->goal_s) {
        e2 = sw_cal_advance(r->g->cal, s, r->g->goal_s - c->elapsed_s, &c->due);
        if (e2 < 0) {
            return range_error(r, e2);
        }
        r->reached = true;
    }
    c->elapsed_s += d;
    return 0;
}

/* Fills the running cycle's projections and verdict as of end (its stop, or now). */
static int finish(struct run *r, int64_t end)
{
    struct sw_case_cycle *c = cur(r);
    int e;

    if (!r->reached) {
        e = sw_cal_advance(r->g->cal, end, r->g->goal_s - c->elapsed_s, &c->due);
        if (e < 0) {
            return range_error(r, e);
        }
    }
    if (!c->warned) {
        e = sw_cal_advance(r->g->cal, end, r->t->warn_s - c->elapsed_s, &c->warn_at);
        if (e < 0) {
            return range_error(r, e);
        }
    }
    c->remaining_s = r->g->goal_s - c->elapsed_s;
    c->breached = c->elapsed_s > r->g->goal_s;
    c->breach_at = c->breached ? c->due : 0;
    return 0;
}

static bool pauses(const struct sw_case_goal *g, enum sw_case_status s)
{
    return g->pause_mask & (1u << s);
}

static int check_goal(const struct sw_case_goal *g, char *err, size_t errlen)
{
    const unsigned active = (1u << SW_CASE_NEW) | (1u << SW_CASE_OPEN) | (1u << SW_CASE_WAITING);
    int r;

    if ((unsigned)g->metric >= SW_CASE_METRIC_COUNT) {
        return fail(err, errlen, -EINVAL, "unknown timer metric %d", (int)g->metric);
    }
    if (g->goal_s < 1 || g->goal_s > (int64_t)SW_CAL_HORIZON_DAYS * 86400) {
        return fail(err, errlen, -EINVAL, "%s goal must be 1 s .. %d days, not %lld s",
                    sw_case_metric_name(g->metric), SW_CAL_HORIZON_DAYS, (long long)g->goal_s);
    }
    if (g->warn_ppm < 1 || g->warn_ppm > 1000000) {
        return fail(err, errlen, -EINVAL, "warning share must be above 0 and at most 100 %%");
    }
    if (g->pause_mask & ~active) {
        return fail(err, errlen, -EINVAL,
                    "only new, open and waiting-on-customer can pause a timer");
    }
    if (!g->cal) {
        return fail(err, errlen, -EINVAL, "timer calendar missing");
    }
    r = sw_cal_validate(g->cal, err, errlen);
    if (r < 0) {
        return r;
    }
    return 0;
}

static int open_cycle(struct run *r, int64_t t, enum sw_case_status status)
{
    struct sw_case_timer *tm = r->t;

    sw_xgrow((void **)&tm->cycles, &tm->cap_cycles, tm->n_cycles + 1, sizeof(*tm->cycles));
    tm->cycles[tm->n_cycles++] = (struct sw_case_cycle){.start = t, .running = true};
    r->open = true;
    r->counting = !pauses(r->g, status);
    r->seg = t;
    r->reached = false;
    return 0;
}

static int compute(const struct sw_case_goal *goal, const struct sw_case_event *ev, size_t n,
                   int64_t now, struct sw_case_timer *t, char *err, size_t errlen)
{
    struct run r = {.g = goal, .t = t, .err = err, .errlen = errlen};
    enum sw_case_status status = SW_CASE_NEW;
    enum sw_case_metric m = goal->metric;
    int e;

    e = check_goal(goal, err, errlen);
    if (e < 0) {
        return e;
    }
    t->metric = m;
    t->goal_s = goal->goal_s;
    t->warn_s = (goal->goal_s * goal->warn_ppm + 999999) / 1000000;
    if (n == 0 || !ev) {
        return fail(err, errlen, -EINVAL, "a case needs its created event");
    }
    if (n > SW_CASE_EVENTS_MAX) {
        return fail(err, errlen, -EINVAL, "too many case events (%zu, at most %d)", n,
                    SW_CASE_EVENTS_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        const struct sw_case_event *v = &ev[i];
        enum sw_case_status next = status;
        bool created = false, reopen = false, resolve = false, reply = false;
        bool start, stop;

        if (i > 0 && v->t < ev[i - 1].t) {
            return fail(err, errlen, -EINVAL, "case event %zu is earlier than the one before", i);
        }
        if (v->t > now) {
            return fail(err, errlen, -EINVAL, "case event %zu is later than now", i);
        }
        if ((i == 0) != (v->kind == SW_CASE_EV_CREATED)) {
            return fail(err, errlen, -EINVAL, "a case's first event, and only it, is its creation");
        }
        switch (v->kind) {
        case SW_CASE_EV_CREATED:
            if (!sw_case_status_active(v->status)) {
                return fail(err, errlen, -EINVAL, "a case is created new, open or waiting");
            }
            next = v->status;
            created = true;
            break;
        case SW_CASE_EV_STATUS:
        case SW_CASE_EV_REOPEN:
            if ((unsigned)v->status >= SW_CASE_STATUS_COUNT) {
                return fail(err, errlen, -EINVAL, "case event %zu: unknown status %d", i,
                            (int)v->status);
            }
            if (v->kind == SW_CASE_EV_REOPEN &&
                (sw_case_status_active(status) || !sw_case_status_active(v->status))) {
                return fail(err, errlen, -EINVAL,
                            "case event %zu: a reopen takes a resolved or closed case back to "
                            "new, open or waiting-on-customer",
                            i);
            }
            next = v->status;
            reopen = !sw_case_status_active(status) && sw_case_status_active(next);
            resolve = sw_case_status_active(status) && !sw_case_status_active(next);
            break;
        case SW_CASE_EV_AGENT_REPLY:
            reply = sw_case_status_active(status);
            break;
        case SW_CASE_EV_CUSTOMER_REPLY:
        case SW_CASE_EV_INTERNAL:
            break;
        default:
            return fail(err, errlen, -EINVAL, "case event %zu: unknown kind %d", i, (int)v->kind);
        }

        switch (m) {
        case SW_CASE_FIRST_RESPONSE:
            start = created;
            stop = reply || resolve;
            break;
        case SW_CASE_RESOLUTION:
            start = created || reopen;
            stop = resolve;
            break;
        default: /* SW_CASE_UPDATE: a reply stops one cycle and starts the next */
            start = reply || reopen;
            stop = reply || resolve;
            break;
        }

        if (r.open) {
            if (r.counting && v->t > r.seg) {
                e = count(&r, r.seg, v->t);
                if (e < 0) {
                    return e;
                }
            }
            r.seg = v->t;
            if (stop) {
                cur(&r)->stop = v->t;
                cur(&r)->running = false;
                e = finish(&r, v->t);
                if (e < 0) {
                    return e;
                }
                r.open = false;
            } else {
                r.counting = !pauses(goal, next);
            }
        }
        status = next;
        if (start && !r.open) {
            open_cycle(&r, v->t, status);
        }
    }
    if (r.open) {
        if (r.counting && now > r.seg) {
            e = count(&r, r.seg, now);
            if (e < 0) {
                return e;
            }
        }
        cur(&r)->paused = !r.counting;
        e = finish(&r, now);
        if (e < 0) {
            return e;
        }
    }
    for (size_t i = 0; i < t->n_cycles; i++) {
        const struct sw_case_cycle *c = &t->cycles[i];
        t->elapsed_s += c->elapsed_s;
        t->n_breached += c->breached;
        t->n_met += !c->running && !c->breached;
    }
    t->running = r.open;
    return 0;
}

int sw_case_timer_compute(const struct sw_case_goal *goal, const struct sw_case_event *ev, size_t n,
                          int64_t now, struct sw_case_timer *t, char *err, size_t errlen)
{
    int r;

    t->n_cycles = 0;
    t->elapsed_s = 0;
    t->n_breached = 0;
    t->n_met = 0;
    t->running = false;
    r = compute(goal, ev, n, now, t, err, errlen);
    if (r < 0) {
        /* no half-computed timer escapes */
        t->n_cycles = 0;
        t->elapsed_s = 0;
        t->n_breached = 0;
        t->n_met = 0;
        t->running = false;
    }
    return r;
}
