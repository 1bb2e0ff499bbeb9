/* SPDX-License-Identifier: Apache-2.0 */
/* stats.c: duration statistics (median, nearest-rank p90, mean), ppm shares, the unevenness
 * figures and the argument checks shared by src/health. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "health/internal.h"

int sw_health_period_check(int64_t from, int64_t to)
{
    if (from >= to || to - from > SW_HEALTH_SPAN_MAX) {
        return -EINVAL;
    }
    return 0;
}

int sw_health_array_check(const void *p, size_t n, size_t max)
{
    if (n > 0 && !p) {
        return -EINVAL;
    }
    if (n > max) {
        return -E2BIG;
    }
    return 0;
}

int sw_health_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

uint32_t sw_health_ppm(uint64_t part, uint64_t whole)
{
    if (whole == 0) {
        return 0;
    }
    if (part >= whole) {
        return SW_HEALTH_PPM;
    }
    /* part < whole <= SW_HEALTH_RECORDS_MAX-scale counts or spans: the product fits */
    return (uint32_t)((unsigned __int128)part * SW_HEALTH_PPM / whole);
}

int sw_health_stats(const int64_t *v, size_t n, struct sw_health_stats *ret)
{
    int64_t *s = NULL;
    __int128 sum = 0;
    size_t rank;
    int r;

    memset(ret, 0, sizeof(*ret));
    r = sw_health_array_check(v, n, SW_HEALTH_RECORDS_MAX);
    if (r < 0 || n == 0) {
        return r;
    }
    s = sw_xmalloc(n * sizeof(*s));
    memcpy(s, v, n * sizeof(*s));
    qsort(s, n, sizeof(*s), sw_health_cmp_i64);
    for (size_t i = 0; i < n; i++) {
        sum += s[i];
    }
    ret->n = n;
    ret->min = s[0];
    ret->max = s[n - 1];
    if (n % 2) {
        ret->median = s[n / 2];
    } else {
        __int128 m2 = (__int128)s[n / 2 - 1] + s[n / 2];
        /* floor division, also for a negative sum */
        ret->median = (int64_t)(m2 >= 0 ? m2 / 2 : -((-m2 + 1) / 2));
    }
    /* nearest rank: ceil(0.9 n) = ceil(9 n / 10) */
    rank = (9 * n + 9) / 10;
    ret->p90 = s[rank - 1];
    ret->mean = (int64_t)(sum >= 0 ? sum / (__int128)n : -((-sum + (__int128)n - 1) / (__int128)n));
    free(s);
    return 0;
}

int64_t sw_health_cv_ppm(const __int128 *w, size_t n)
{
    __int128 sum = 0;
    long double mean, var = 0;

    for (size_t i = 0; i < n; i++) {
        sum += w[i];
    }
    if (n == 0 || sum == 0) {
        return 0;
    }
    /* two passes in long double: the values are exact integers below 2^64 */
    mean = (long double)sum / (long double)n;
    for (size_t i = 0; i < n; i++) {
        long double d = (long double)w[i] - mean;
        var += d * d;
    }
    var /= (long double)n;
    return (int64_t)llroundl(sqrtl(var) / mean * 1e6L);
}

int64_t sw_health_max_over_mean_ppm(const __int128 *w, size_t n)
{
    __int128 sum = 0, max = 0;

    for (size_t i = 0; i < n; i++) {
        sum += w[i];
        if (w[i] > max) {
            max = w[i];
        }
    }
    if (sum == 0) {
        return 0;
    }
    /* max / (sum / n) = max * n / sum */
    return (int64_t)(max * (__int128)n * SW_HEALTH_PPM / sum);
}
