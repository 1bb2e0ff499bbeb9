/* SPDX-License-Identifier: Apache-2.0 */
/* window.c: maintenance window lists: one-off windows, weekly rules expanded in their time
 * zone (DST-correct through core's tz.c), and the merge that makes the sorted, non-overlapping
 * list sw_sla_compute() sweeps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sla/sla.h"

#define T_MIN (-62135596800LL)
#define T_MAX 253402300799LL

void sw_window_list_init(struct sw_window_list *l)
{
    memset(l, 0, sizeof(*l));
}

void sw_window_list_release(struct sw_window_list *l)
{
    if (!l) {
        return;
    }
    free(l->v);
    sw_window_list_init(l);
}

int sw_window_list_add(struct sw_window_list *l, const struct sw_window *w)
{
    if (w->start >= w->end || w->start < T_MIN || w->end > T_MAX) {
        return -EINVAL;
    }
    if (l->n >= SW_WINDOWS_MAX) {
        return -E2BIG;
    }
    sw_xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = *w;
    return 0;
}

/* Days since 1970-01-01 of the local date of t in tz. */
static int local_day(const char *tz, int64_t t, int64_t *ret_day)
{
    struct tm tm;
    int r = sw_tz_from_utc(tz, t, &tm);

    if (r < 0) {
        return r;
    }
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    *ret_day = (int64_t)timegm(&tm) / 86400; /* midnight: exact division */
    return 0;
}

/* A zone the tz cache knows (or can load): checked without opening the file each time. */
static bool tz_known(const char *tz)
{
    struct tm tm;

    return tz && sw_tz_from_utc(tz, 0, &tm) == 0;
}

int sw_window_list_add_weekly(struct sw_window_list *l, const struct sw_weekly *rule, int64_t from,
                              int64_t to)
{
    int64_t day, st;
    int r;

    if (rule->weekday < 0 || rule->weekday > 6 || rule->start_s < 0 || rule->start_s >= 86400 ||
        rule->duration_s <= 0 || rule->duration_s > 7 * 86400 || !tz_known(rule->tz) ||
        from >= to || from < T_MIN + 9 * 86400 || to > T_MAX - 9 * 86400 ||
        to - from > SW_SLA_SPAN_MAX) {
        return -EINVAL;
    }
    /* Start two days before the earliest occurrence that can still reach into [from, to):
     * offsets are under a day, so no occurrence is missed. */
    r = local_day(rule->tz, from - rule->duration_s - 2 * 86400, &day);
    if (r < 0) {
        return r;
    }
    day += ((rule->weekday - (day % 7 + 7 + 4) % 7) + 7) % 7; /* 1970-01-01 was a Thursday */
    for (;; day += 7) {
        time_t midnight = (time_t)(day * 86400);
        struct tm tm;
        struct sw_window w;

        gmtime_r(&midnight, &tm);
        r = sw_tz_to_utc(rule->tz, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         rule->start_s / 3600, rule->start_s / 60 % 60, rule->start_s % 60, &st);
        if (r < 0) {
            return r;
        }
        if (st >= to) {
            return 0;
        }
        if (st + rule->duration_s <= from) {
            continue;
        }
        w = (struct sw_window){st, st + rule->duration_s, rule->excluded, rule->reason};
        r = sw_window_list_add(l, &w);
        if (r < 0) {
            return r;
        }
    }
}

struct ordered {
    struct sw_window w;
    size_t idx; /* order of addition: ties keep the first added first */
};

static int cmp_ordered(const void *a, const void *b)
{
    const struct ordered *x = a, *y = b;

    if (x->w.start != y->w.start) {
        return x->w.start < y->w.start ? -1 : 1;
    }
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The union of the windows of one kind in sorted o[0..n) into out; returns its length. */
static size_t union_of(const struct ordered *o, size_t n, bool excluded, struct sw_window *out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (o[i].w.excluded != excluded) {
            continue;
        }
        if (k > 0 && o[i].w.start <= out[k - 1].end) {
            if (o[i].w.end > out[k - 1].end) {
                out[k - 1].end = o[i].w.end;
            }
        } else {
            out[k++] = o[i].w;
        }
    }
    return k;
}

int sw_window_list_merge(struct sw_window_list *l, int64_t from, int64_t to)
{
    struct ordered *o;
    struct sw_window *x, *c, *out;
    size_t n = 0, nx, nc, np = 0, j = 0, a = 0, b = 0, k = 0;

    if (from >= to) {
        return -EINVAL;
    }
    if (l->n == 0) {
        return 0;
    }
    o = sw_xmalloc(l->n * sizeof(*o));
    for (size_t i = 0; i < l->n; i++) {
        struct sw_window w = l->v[i];
        w.start = w.start > from ? w.start : from;
        w.end = w.end < to ? w.end : to;
        if (w.start < w.end) {
            o[n] = (struct ordered){w, i};
            n++;
        }
    }
    qsort(o, n, sizeof(*o), cmp_ordered);
    x = sw_xmalloc((n + 1) * sizeof(*x));
    c = sw_xmalloc((n + 1) * sizeof(*c));
    nx = union_of(o, n, true, x);
    nc = union_of(o, n, false, c);

    /* Counted windows minus the excluded ones; at most nc + nx pieces. */
    struct sw_window *p = sw_xmalloc((nc + nx + 1) * sizeof(*p));
    for (size_t i = 0; i < nc; i++) {
        int64_t cur = c[i].start;
        while (j < nx && x[j].end <= cur) {
            j++;
        }
        for (size_t q = j; q < nx && x[q].start < c[i].end; q++) {
            if (x[q].start > cur) {
                p[np] = c[i];
                p[np].start = cur;
                p[np++].end = x[q].start;
            }
            cur = x[q].end > cur ? x[q].end : cur;
        }
        if (cur < c[i].end) {
            p[np] = c[i];
            p[np++].start = cur;
        }
    }

    /* The two disjoint sorted lists, interleaved by start. */
    out = sw_xmalloc((nx + np + 1) * sizeof(*out));
    while (a < nx || b < np) {
        if (b >= np || (a < nx && x[a].start < p[b].start)) {
            out[k++] = x[a++];
        } else {
            out[k++] = p[b++];
        }
    }
    free(l->v);
    l->v = out;
    l->n = k;
    l->cap = nx + np + 1;
    free(o);
    free(x);
    free(c);
    free(p);
    return 0;
}
