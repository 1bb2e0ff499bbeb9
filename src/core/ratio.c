/* SPDX-License-Identifier: Apache-2.0 */
/* ratio.c: exact decimal parsing for percentages (to parts per million) and money (to minor
 * units): contracts state thresholds in decimals, and a float would not keep them exact. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

/* Parses "I[.F]" with at most max_frac decimals into I * 10^max_frac + F (scaled). */
static int decimal(const char *s, int max_frac, int64_t limit, int64_t *ret)
{
    int64_t v = 0;
    int frac = -1;

    if (!s || !isdigit((unsigned char)*s)) {
        return -EINVAL;
    }
    for (; *s; s++) {
        if (*s == '.' && frac < 0) {
            frac = 0;
            if (!isdigit((unsigned char)s[1])) {
                return -EINVAL;
            }
            continue;
        }
        if (!isdigit((unsigned char)*s) || (frac >= 0 && ++frac > max_frac)) {
            return -EINVAL;
        }
        v = v * 10 + (*s - '0');
        if (v > limit) {
            return -EINVAL;
        }
    }
    for (int i = frac < 0 ? 0 : frac; i < max_frac; i++) {
        v *= 10;
    }
    if (v > limit) {
        return -EINVAL;
    }
    *ret = v;
    return 0;
}

int sw_ppm_parse(const char *s, uint32_t *ret_ppm)
{
    int64_t v;

    /* 4 decimals of a percent: scaled by 10^4, and 100 % = 1,000,000 ppm */
    if (decimal(s, 4, 1000000, &v) < 0) {
        return -EINVAL;
    }
    *ret_ppm = (uint32_t)v;
    return 0;
}

char *sw_ppm_format(uint32_t ppm, char *out)
{
    int n = snprintf(out, 16, "%u.%04u", ppm / 10000, ppm % 10000);

    while (n > 0 && out[n - 1] == '0') {
        out[--n] = '\0';
    }
    if (n > 0 && out[n - 1] == '.') {
        out[--n] = '\0';
    }
    return out;
}

int sw_amount_parse(const char *s, int64_t *ret_minor)
{
    return decimal(s, 2, 100000000000000000LL - 1, ret_minor); /* below 1e15 */
}
