/* SPDX-License-Identifier: Apache-2.0 */
/* status.c: green/amber/red per indicator against thresholds (with the documented defaults),
 * the trend against the previous period of equal length, and the indicators' names. */
#include <errno.h>
#include <string.h>

#include "health/internal.h"

#define MIN 60
#define HOUR 3600
#define DAY 86400

static const struct {
    const char *name;
    struct sw_health_threshold th;
} table[SW_HEALTH_INDICATORS] = {
    [SW_HEALTH_MTTA] = {"mtta", {false, 5 * MIN, 15 * MIN, MIN}},
    [SW_HEALTH_MTTM] = {"mttm", {false, 1 * HOUR, 4 * HOUR, 5 * MIN}},
    [SW_HEALTH_MTTR] = {"mttr", {false, 4 * HOUR, 24 * HOUR, 15 * MIN}},
    [SW_HEALTH_AFTER_HOURS] = {"after_hours_share", {false, 250000, 500000, 10000}},
    [SW_HEALTH_OUTSIDE_HOURS] = {"outside_hours_share", {false, 250000, 500000, 10000}},
    [SW_HEALTH_INCIDENTS_PER_SHIFT] = {"incidents_per_shift", {false, 1000, 2000, 100}},
    [SW_HEALTH_SHIFT_BREACHES] = {"shift_breaches", {false, 0, 1, 0}},
    [SW_HEALTH_ONCALL_LOAD] = {"oncall_load", {false, 250000, 330000, 10000}},
    [SW_HEALTH_UNEVENNESS] = {"unevenness", {false, 250000, 500000, 50000}},
    [SW_HEALTH_FIRST_RESPONSE] = {"first_response_compliance", {true, 950000, 900000, 10000}},
    [SW_HEALTH_RESOLUTION] = {"resolution_compliance", {true, 900000, 800000, 10000}},
    [SW_HEALTH_BACKLOG_SIZE] = {"backlog_size", {false, 20, 50, 2}},
    [SW_HEALTH_BACKLOG_AGE] = {"backlog_age", {false, 14 * DAY, 30 * DAY, DAY}},
    [SW_HEALTH_REOPEN_RATE] = {"reopen_rate", {false, 50000, 100000, 10000}},
    [SW_HEALTH_SLA_MET] = {"sla_met", {true, 1000000, 900000, 0}},
    [SW_HEALTH_CHANGE_FREQUENCY] = {"change_frequency",
                                    {true, SW_HEALTH_DAILY, SW_HEALTH_WEEKLY, 0}},
    [SW_HEALTH_CHANGE_FAILURE] = {"change_failure_rate", {false, 150000, 300000, 10000}},
    [SW_HEALTH_TIME_TO_RESTORE] = {"time_to_restore", {false, 1 * HOUR, 1 * DAY, 5 * MIN}},
    [SW_HEALTH_LEAD_TIME] = {"lead_time", {false, 1 * DAY, 7 * DAY, HOUR}},
};

const struct sw_health_threshold *sw_health_default_threshold(enum sw_health_indicator ind)
{
    if ((unsigned)ind >= SW_HEALTH_INDICATORS) {
        return NULL;
    }
    return &table[ind].th;
}

const char *sw_health_indicator_name(enum sw_health_indicator ind)
{
    if ((unsigned)ind >= SW_HEALTH_INDICATORS) {
        return NULL;
    }
    return table[ind].name;
}

int sw_health_indicator_parse(const char *name, enum sw_health_indicator *ret)
{
    for (int i = 0; name && i < SW_HEALTH_INDICATORS; i++) {
        if (strcmp(name, table[i].name) == 0) {
            *ret = (enum sw_health_indicator)i;
            return 0;
        }
    }
    return -EINVAL;
}

const char *sw_health_freq_name(enum sw_health_freq f)
{
    static const char *const names[] = {"yearly", "monthly", "weekly", "daily"};

    return (unsigned)f <= SW_HEALTH_DAILY ? names[f] : NULL;
}

const char *sw_health_status_name(enum sw_health_status s)
{
    static const char *const names[] = {"none", "green", "amber", "red"};

    return (unsigned)s <= SW_HEALTH_RED ? names[s] : NULL;
}

const char *sw_health_trend_name(enum sw_health_trend t)
{
    static const char *const names[] = {"none", "flat", "up", "down"};

    return (unsigned)t <= SW_HEALTH_DOWN ? names[t] : NULL;
}

int sw_health_threshold_check(const struct sw_health_threshold *th)
{
    if (!th || th->flat < 0 ||
        (th->higher_is_better ? th->green < th->amber : th->green > th->amber)) {
        return -EINVAL;
    }
    return 0;
}

int sw_health_judge(const struct sw_health_threshold *th, bool has_value, int64_t value,
                    bool has_prev, int64_t prev, struct sw_health_verdict *ret)
{
    int r = sw_health_threshold_check(th);

    memset(ret, 0, sizeof(*ret));
    if (r < 0) {
        return r;
    }
    if (!has_value) {
        return 0;
    }
    if (th->higher_is_better) {
        ret->status = value >= th->green   ? SW_HEALTH_GREEN
                      : value >= th->amber ? SW_HEALTH_AMBER
                                           : SW_HEALTH_RED;
    } else {
        ret->status = value <= th->green   ? SW_HEALTH_GREEN
                      : value <= th->amber ? SW_HEALTH_AMBER
                                           : SW_HEALTH_RED;
    }
    if (!has_prev) {
        return 0;
    }
    /* both are indicator values far inside int64 (durations, ppm, counts) */
    ret->delta = value - prev;
    if (ret->delta >= -th->flat && ret->delta <= th->flat) {
        ret->trend = SW_HEALTH_FLAT;
        return 0;
    }
    ret->trend = ret->delta > 0 ? SW_HEALTH_UP : SW_HEALTH_DOWN;
    ret->better = (ret->delta > 0) == th->higher_is_better;
    return 0;
}

int sw_health_previous(int64_t from, int64_t to, int64_t *ret_from, int64_t *ret_to)
{
    int r = sw_health_period_check(from, to);

    if (r < 0 || from - (to - from) < 0) {
        return -EINVAL;
    }
    *ret_from = from - (to - from);
    *ret_to = from;
    return 0;
}
