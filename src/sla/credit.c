/* SPDX-License-Identifier: Apache-2.0 */
/* credit.c: service-credit tiers (DOMAIN B5): validation of a contract's table, the tier an
 * availability falls in, and the amount in minor units. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "sla/sla.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

int sw_credit_validate(const struct sw_credit_tier *t, size_t n, char *err, size_t errlen)
{
    char a[16], b[16];

    if (n > SW_CREDIT_TIERS_MAX) {
        return fail(err, errlen, "too many credit tiers (%zu, at most %d)", n, SW_CREDIT_TIERS_MAX);
    }
    if (n && !t) {
        return fail(err, errlen, "credit tiers missing");
    }
    for (size_t i = 0; i < n; i++) {
        if (t[i].below_ppm == 0 || t[i].below_ppm > SW_PPM) {
            return fail(err, errlen, "tier %zu: below must be above 0 and at most 100", i);
        }
        if (t[i].credit_ppm == 0 || t[i].credit_ppm > SW_PPM) {
            return fail(err, errlen, "tier %zu: credit must be above 0 and at most 100", i);
        }
        if (i == 0) {
            continue;
        }
        if (t[i].below_ppm >= t[i - 1].below_ppm) {
            return fail(err, errlen,
                        "tier %zu: below %s must be lower than tier %zu's %s (sorted descending)",
                        i, sw_ppm_format(t[i].below_ppm, a), i - 1,
                        sw_ppm_format(t[i - 1].below_ppm, b));
        }
        if (t[i].credit_ppm <= t[i - 1].credit_ppm) {
            return fail(err, errlen,
                        "tier %zu: credit %s must be higher than tier %zu's %s (a lower "
                        "availability earns more)",
                        i, sw_ppm_format(t[i].credit_ppm, a), i - 1,
                        sw_ppm_format(t[i - 1].credit_ppm, b));
        }
    }
    return 0;
}

uint32_t sw_credit_lookup(const struct sw_credit_tier *t, size_t n, bool defined,
                          uint32_t availability_ppm)
{
    uint32_t credit = 0;

    if (!defined) {
        return 0;
    }
    /* Descending by below: the last tier the availability is strictly below is the lowest. */
    for (size_t i = 0; i < n; i++) {
        if (availability_ppm < t[i].below_ppm) {
            credit = t[i].credit_ppm;
        }
    }
    return credit;
}

int sw_credit_amount(int64_t fee, uint32_t credit_ppm, int64_t *ret)
{
    if (fee < 0 || credit_ppm > SW_PPM) {
        return -EINVAL;
    }
    *ret = (int64_t)((__int128)fee * credit_ppm / SW_PPM);
    return 0;
}
