/* SPDX-License-Identifier: Apache-2.0 */
/* incidents.c: MTTA, MTTM and MTTR (DOMAIN B7): per-incident durations summarised as n,
 * median, nearest-rank p90 and mean, for the whole team and per severity. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "health/internal.h"

int sw_health_incident_check(const struct sw_health_incident *in)
{
    if (!in->id || in->severity < 1 || in->severity > SW_HEALTH_SEVERITIES ||
        in->triggered_at <= 0) {
        goto bad;
    }
    if ((in->acked_at != 0 && in->acked_at < in->triggered_at) ||
        (in->mitigated_at != 0 && in->mitigated_at < in->triggered_at) ||
        (in->resolved_at != 0 && in->resolved_at < in->triggered_at) ||
        (in->resolved_at != 0 && in->mitigated_at > in->resolved_at)) {
        goto bad;
    }
    return 0;
bad:
    sw_debug("health: malformed incident %s", in->id ? in->id : "(no id)");
    return -EINVAL;
}

static bool same(const char *want, const char *have)
{
    return !want || (have && strcmp(want, have) == 0);
}

/* The statistics of kind k: 0 = tta, 1 = ttm, 2 = ttr. */
static struct sw_health_stats *pick(struct sw_health_times *t, int k)
{
    return k == 0 ? &t->tta : k == 1 ? &t->ttm : &t->ttr;
}

int sw_health_mttx(const struct sw_health_incident *inc, size_t n, int64_t from, int64_t to,
                   const struct sw_health_filter *filter, struct sw_health_mttx *ret)
{
    /* three kinds (tta, ttm, ttr) x (team + 4 severities), each at most n samples */
    int64_t *buf = NULL;
    int64_t *sev[3][SW_HEALTH_SEVERITIES];
    size_t nsev[3][SW_HEALTH_SEVERITIES] = {{0}};
    int64_t *all[3];
    size_t nall[3] = {0};
    int r;

    memset(ret, 0, sizeof(*ret));
    r = sw_health_period_check(from, to);
    if (r == 0) {
        r = sw_health_array_check(inc, n, SW_HEALTH_RECORDS_MAX);
    }
    if (r == 0 && filter && (filter->severity < 0 || filter->severity > SW_HEALTH_SEVERITIES)) {
        r = -EINVAL;
    }
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        r = sw_health_incident_check(&inc[i]);
        if (r < 0) {
            return r;
        }
    }
    buf = sw_xmalloc((n ? n : 1) * 3 * (1 + SW_HEALTH_SEVERITIES) * sizeof(*buf));
    for (int k = 0; k < 3; k++) {
        all[k] = buf + (size_t)k * (1 + SW_HEALTH_SEVERITIES) * n;
        for (int s = 0; s < SW_HEALTH_SEVERITIES; s++) {
            sev[k][s] = all[k] + (size_t)(s + 1) * n;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct sw_health_incident *in = &inc[i];
        int64_t d[3];
        bool have[3];
        int s = in->severity - 1;

        if (in->triggered_at < from || in->triggered_at >= to) {
            continue;
        }
        if (filter &&
            (!same(filter->customer, in->customer) || !same(filter->service, in->service) ||
             (filter->severity && filter->severity != in->severity))) {
            continue;
        }
        if (in->test) {
            ret->test_skipped++;
            continue;
        }
        ret->incidents++;
        have[0] = in->acked_at != 0;
        have[1] = in->mitigated_at != 0;
        have[2] = in->resolved_at != 0;
        d[0] = in->acked_at - in->triggered_at;
        d[1] = in->mitigated_at - in->triggered_at;
        d[2] = in->resolved_at - in->triggered_at;
        ret->unacked += !have[0];
        ret->unresolved += !have[2];
        for (int k = 0; k < 3; k++) {
            if (have[k]) {
                all[k][nall[k]++] = d[k];
                sev[k][s][nsev[k][s]++] = d[k];
            }
        }
    }
    for (int k = 0; r == 0 && k < 3; k++) {
        r = sw_health_stats(all[k], nall[k], pick(&ret->all, k));
        for (int s = 0; r == 0 && s < SW_HEALTH_SEVERITIES; s++) {
            r = sw_health_stats(sev[k][s], nsev[k][s], pick(&ret->sev[s], k));
        }
    }
    free(buf);
    return r;
}
