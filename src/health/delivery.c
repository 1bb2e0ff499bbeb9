/* SPDX-License-Identifier: Apache-2.0 */
/* delivery.c: DORA for a managed-cloud team (DOMAIN B9): change frequency with its Four Keys
 * bucket, change failure rate, time to restore, rework rate and lead time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "health/internal.h"

#define DAY 86400

static int change_check(const struct sw_health_change *c)
{
    if (!c->id || c->t <= 0 ||
        sw_health_array_check(c->committed, c->n_committed, SW_HEALTH_WINDOWS_MAX) < 0) {
        sw_debug("health: malformed change %s", c->id ? c->id : "(no id)");
        return -EINVAL;
    }
    return 0;
}

/* Twice the median of v[0..n), n > 0 (sorts v): exact for even n. */
static int64_t median2(int64_t *v, size_t n)
{
    qsort(v, n, sizeof(*v), sw_health_cmp_i64);
    return n % 2 ? 2 * v[n / 2] : v[n / 2 - 1] + v[n / 2];
}

/* Per block of block_days days from from: the count of distinct days with a change (days) or
 * 1 when the block has one (any); returns twice the median over the blocks. */
static int64_t block_median2(const bool *day, size_t n_days, size_t block_days, bool any)
{
    size_t nb = (n_days + block_days - 1) / block_days;
    int64_t *v = sw_xcalloc(nb, sizeof(*v));
    int64_t m;

    for (size_t d = 0; d < n_days; d++) {
        v[d / block_days] += day[d];
    }
    for (size_t b = 0; any && b < nb; b++) {
        v[b] = v[b] > 0;
    }
    m = median2(v, nb);
    free(v);
    return m;
}

static enum sw_health_freq bucket(const struct sw_health_change *ch, size_t n, int64_t from,
                                  int64_t to)
{
    size_t n_days = (size_t)((to - from + DAY - 1) / DAY);
    bool *day = sw_xcalloc(n_days, sizeof(*day));
    enum sw_health_freq f = SW_HEALTH_YEARLY;

    for (size_t i = 0; i < n; i++) {
        if (ch[i].t >= from && ch[i].t < to) {
            day[(ch[i].t - from) / DAY] = true;
        }
    }
    if (block_median2(day, n_days, 7, false) >= 2 * 3) {
        f = SW_HEALTH_DAILY;
    } else if (block_median2(day, n_days, 7, true) >= 2) {
        f = SW_HEALTH_WEEKLY;
    } else if (block_median2(day, n_days, 30, true) >= 2) {
        f = SW_HEALTH_MONTHLY;
    }
    free(day);
    return f;
}

/* Incidents in the window rule's order: by deployment, then trigger time. */
static int cmp_dep(const void *a, const void *b)
{
    const struct sw_health_incident *const *x = a, *const *y = b;
    int c = strcmp((*x)->deployment, (*y)->deployment);

    if (c != 0) {
        return c;
    }
    return ((*x)->triggered_at > (*y)->triggered_at) - ((*x)->triggered_at < (*y)->triggered_at);
}

/* First index in v[0..n) (sorted by cmp_dep) at or after (dep, t). */
static size_t lower(const struct sw_health_incident *const *v, size_t n, const char *dep, int64_t t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid]->deployment, dep);

        if (c < 0 || (c == 0 && v[mid]->triggered_at < t)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int validate(const struct sw_health_change *ch, size_t n_ch,
                    const struct sw_health_incident *inc, size_t n_inc, int64_t window_s,
                    int64_t from, int64_t to)
{
    int r = sw_health_period_check(from, to);

    if (r == 0 && (window_s < 0 || window_s > SW_HEALTH_SPAN_MAX)) {
        r = -EINVAL;
    }
    if (r == 0) {
        r = sw_health_array_check(ch, n_ch, SW_HEALTH_RECORDS_MAX);
    }
    if (r == 0) {
        r = sw_health_array_check(inc, n_inc, SW_HEALTH_RECORDS_MAX);
    }
    for (size_t i = 0; r == 0 && i < n_ch; i++) {
        r = change_check(&ch[i]);
    }
    for (size_t i = 0; r == 0 && i < n_inc; i++) {
        r = sw_health_incident_check(&inc[i]);
    }
    return r;
}

int sw_health_delivery(const struct sw_health_change *ch, size_t n_ch,
                       const struct sw_health_incident *inc, size_t n_inc, int64_t window_s,
                       int64_t from, int64_t to, struct sw_health_delivery *ret)
{
    struct sw_map changes; /* id of a counted change -> index + 1 */
    const struct sw_health_incident **bydep = NULL;
    int64_t *cause_t = NULL; /* per incident: the earliest causing change's t, or INT64_MAX */
    bool *failed = NULL;
    int64_t *v = NULL;
    size_t n_dep = 0, n_lead = 0, n_restore = 0;
    int r;

    memset(ret, 0, sizeof(*ret));
    sw_map_init(&changes);
    r = validate(ch, n_ch, inc, n_inc, window_s, from, to);
    if (r < 0) {
        goto out;
    }
    failed = sw_xcalloc(n_ch ? n_ch : 1, sizeof(*failed));
    cause_t = sw_xmalloc((n_inc ? n_inc : 1) * sizeof(*cause_t));
    bydep = sw_xmalloc((n_inc ? n_inc : 1) * sizeof(*bydep));
    for (size_t j = 0; j < n_ch; j++) {
        if (ch[j].t >= from && ch[j].t < to && !sw_map_get(&changes, ch[j].id)) {
            sw_map_put(&changes, ch[j].id, (void *)(uintptr_t)(j + 1));
        }
    }
    for (size_t i = 0; i < n_inc; i++) {
        cause_t[i] = INT64_MAX;
        if (inc[i].test) {
            continue;
        }
        if (inc[i].caused_by_change) {
            uintptr_t j = (uintptr_t)sw_map_get(&changes, inc[i].caused_by_change);

            if (j) {
                failed[j - 1] = true;
                cause_t[i] = ch[j - 1].t;
            }
        }
        if (inc[i].deployment) {
            bydep[n_dep++] = &inc[i];
        }
    }
    qsort(bydep, n_dep, sizeof(*bydep), cmp_dep);
    for (size_t j = 0; j < n_ch; j++) {
        const struct sw_health_change *c = &ch[j];

        if (c->t < from || c->t >= to) {
            continue;
        }
        ret->changes++;
        failed[j] |= !c->success;
        ret->rework += c->unplanned && c->fixes;
        if (window_s == 0 || !c->deployment) {
            continue;
        }
        for (size_t k = lower(bydep, n_dep, c->deployment, c->t);
             k < n_dep && strcmp(bydep[k]->deployment, c->deployment) == 0 &&
             bydep[k]->triggered_at < c->t + window_s;
             k++) {
            size_t i = (size_t)(bydep[k] - inc);

            failed[j] = true;
            if (c->t < cause_t[i]) {
                cause_t[i] = c->t;
            }
        }
    }
    for (size_t j = 0; j < n_ch; j++) {
        ret->failed += failed[j] && ch[j].t >= from && ch[j].t < to;
    }
    ret->per_day_milli = (int64_t)ret->changes * DAY * 1000 / (to - from);
    ret->failure_ppm = sw_health_ppm(ret->failed, ret->changes);
    ret->rework_ppm = sw_health_ppm(ret->rework, ret->changes);
    ret->bucket = bucket(ch, n_ch, from, to);

    v = sw_xmalloc((n_inc ? n_inc : 1) * sizeof(*v));
    for (size_t i = 0; i < n_inc; i++) {
        if (cause_t[i] != INT64_MAX && inc[i].resolved_at != 0) {
            int64_t s = cause_t[i] < inc[i].triggered_at ? cause_t[i] : inc[i].triggered_at;

            v[n_restore++] = inc[i].resolved_at - s;
        }
    }
    r = sw_health_stats(v, n_restore, &ret->restore);
    free(v);
    v = NULL;
    if (r < 0) {
        goto out;
    }
    for (size_t j = 0; j < n_ch; j++) {
        if (ch[j].t >= from && ch[j].t < to) {
            n_lead += ch[j].n_committed;
        }
    }
    v = sw_xmalloc((n_lead ? n_lead : 1) * sizeof(*v));
    n_lead = 0;
    for (size_t j = 0; j < n_ch; j++) {
        if (ch[j].t < from || ch[j].t >= to) {
            continue;
        }
        for (size_t k = 0; k < ch[j].n_committed; k++) {
            int64_t d = ch[j].t - ch[j].committed[k];

            if (ch[j].committed[k] <= 0) {
                continue; /* unknown */
            }
            if (d <= 0) {
                ret->lead_dropped++;
                continue;
            }
            v[n_lead++] = d;
        }
    }
    r = sw_health_stats(v, n_lead, &ret->lead);
out:
    free(v);
    free(bydep);
    free(cause_t);
    free(failed);
    sw_map_release(&changes);
    return r;
}
