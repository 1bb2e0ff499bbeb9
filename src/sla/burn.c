/* SPDX-License-Identifier: Apache-2.0 */
/* burn.c: multi-window, multi-burn-rate alerts (DOMAIN B4, the SRE Workbook's table) on
 * time SLIs, compared exactly: br > factor  <=>  bad * 1e9 > factor_milli * total * (1e6 - T). */
#include <errno.h>
#include <math.h>

#include "sla/sla.h"

const struct sw_burn_rule sw_burn_rules_default[SW_BURN_RULES_DEFAULT_N] = {
    {SW_BURN_PAGE, 3600, 300, 14400},
    {SW_BURN_PAGE, 6 * 3600, 1800, 6000},
    {SW_BURN_TICKET, 86400, 2 * 3600, 3000},
    {SW_BURN_TICKET, 3 * 86400, 6 * 3600, 1000},
};

int sw_burn_factor_milli(uint32_t budget_ppm, int64_t period_s, int64_t long_s,
                         uint32_t *ret_factor_milli)
{
    int64_t f;

    if (budget_ppm == 0 || budget_ppm > SW_PPM || long_s <= 0 || period_s < long_s ||
        period_s > SW_SLA_SPAN_MAX) {
        return -EINVAL;
    }
    /* f / 1e6 * P / L * 1000 */
    f = (int64_t)budget_ppm * period_s / (long_s * 1000);
    if (f <= 0 || f > UINT32_MAX) {
        return -EINVAL;
    }
    *ret_factor_milli = (uint32_t)f;
    return 0;
}

static bool burns(int64_t bad, int64_t total, uint32_t target_ppm, uint32_t factor_milli)
{
    return (__int128)bad * SW_PPM * 1000 >
           (__int128)factor_milli * total * (SW_PPM - (int64_t)target_ppm);
}

enum sw_burn_state sw_burn_check(int64_t bad_l, int64_t total_l, int64_t bad_s, int64_t total_s,
                                 uint32_t target_ppm, uint32_t factor_milli)
{
    if (total_l <= 0 || total_s <= 0) {
        return SW_BURN_NO_DATA;
    }
    if (burns(bad_l, total_l, target_ppm, factor_milli) &&
        burns(bad_s, total_s, target_ppm, factor_milli)) {
        return SW_BURN_FIRING;
    }
    return SW_BURN_OK;
}

double sw_burn_rate(int64_t bad, int64_t total, uint32_t target_ppm)
{
    if (total <= 0 || bad <= 0) {
        return 0.0;
    }
    if (target_ppm >= SW_PPM) {
        return INFINITY;
    }
    return (double)bad * SW_PPM / ((double)total * (double)(SW_PPM - target_ppm));
}

int64_t sw_burn_exhaustion_s(int64_t period_s, int64_t bad, int64_t total, uint32_t target_ppm)
{
    if (bad <= 0) {
        return -1;
    }
    if (target_ppm >= SW_PPM || total <= 0) {
        return 0;
    }
    /* P / br = P * total * (1e6 - T) / (bad * 1e6) */
    return (int64_t)((__int128)period_s * total * (SW_PPM - (int64_t)target_ppm) /
                     ((__int128)bad * SW_PPM));
}

/* A window with nothing eligible: NO_DATA when unknown time is why, else quiet. */
static bool no_data(const struct sw_sla_result *r)
{
    return r->eligible_s == 0 && r->unknown_s > 0;
}

int sw_burn_eval(const struct sw_sla_input *in, int64_t period_s, const struct sw_burn_rule *rules,
                 size_t n, struct sw_burn_status *ret)
{
    struct sw_sla_input w = *in;
    int firing = 0, r;

    if (period_s <= 0 || period_s > SW_SLA_SPAN_MAX || (n && (!rules || !ret))) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        const struct sw_burn_rule *rule = &rules[i];
        if (rule->short_s <= 0 || rule->long_s <= rule->short_s || rule->long_s > SW_SLA_SPAN_MAX ||
            rule->factor_milli == 0 || (unsigned)rule->severity > SW_BURN_TICKET) {
            return -EINVAL;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct sw_burn_rule *rule = &rules[i];
        struct sw_burn_status st = {0};

        w.to = in->now;
        w.from = in->now - rule->long_s;
        r = sw_sla_compute(&w, &st.long_w, NULL);
        if (r < 0) {
            return r;
        }
        w.from = in->now - rule->short_s;
        r = sw_sla_compute(&w, &st.short_w, NULL);
        if (r < 0) {
            return r;
        }
        if (no_data(&st.long_w) || no_data(&st.short_w)) {
            st.state = SW_BURN_NO_DATA;
        } else if (st.long_w.eligible_s == 0 || st.short_w.eligible_s == 0) {
            st.state = SW_BURN_OK;
        } else {
            st.state =
                sw_burn_check(st.long_w.downtime_s, st.long_w.eligible_s, st.short_w.downtime_s,
                              st.short_w.eligible_s, in->target_ppm, rule->factor_milli);
        }
        st.br_long = sw_burn_rate(st.long_w.downtime_s, st.long_w.eligible_s, in->target_ppm);
        st.br_short = sw_burn_rate(st.short_w.downtime_s, st.short_w.eligible_s, in->target_ppm);
        st.exhaustion_s = sw_burn_exhaustion_s(period_s, st.long_w.downtime_s, st.long_w.eligible_s,
                                               in->target_ppm);
        firing += st.state == SW_BURN_FIRING;
        ret[i] = st;
    }
    return firing;
}
