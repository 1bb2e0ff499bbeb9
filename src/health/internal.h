/* SPDX-License-Identifier: Apache-2.0 */
/* internal.h: helpers shared by the files of src/health; not part of the contract. */
#ifndef SW_HEALTH_INTERNAL_H
#define SW_HEALTH_INTERNAL_H

#include "health/health.h"

/* 0 for a valid period, else -EINVAL. */
int sw_health_period_check(int64_t from, int64_t to);
/* 0 when n records are acceptable for an array p: -EINVAL for NULL with n > 0, -E2BIG past max. */
int sw_health_array_check(const void *p, size_t n, size_t max);
/* -EINVAL unless the incident is well formed (see sw_health_mttx()). */
int sw_health_incident_check(const struct sw_health_incident *in);
/* -EINVAL unless the case is well formed (see sw_health_cases()). */
int sw_health_case_check(const struct sw_health_case *c);
/* qsort comparator for int64_t. */
int sw_health_cmp_i64(const void *a, const void *b);
/* Coefficient of variation of w[0..n), rounded to the nearest ppm; 0 when the sum is 0. */
int64_t sw_health_cv_ppm(const __int128 *w, size_t n);
/* max(w) / mean(w) in ppm, rounded down; 0 when the sum is 0. */
int64_t sw_health_max_over_mean_ppm(const __int128 *w, size_t n);

#endif
