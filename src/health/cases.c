/* SPDX-License-Identifier: Apache-2.0 */
/* cases.c: support-case indicators: first-response and resolution compliance per severity and
 * per customer, the re-open rate, and the open backlog with its age at an instant. The met /
 * missed verdicts come from the case timers (src/cases); this file only counts them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "health/internal.h"

int sw_health_case_check(const struct sw_health_case *c)
{
    if (!c->id || !c->customer || c->severity < 1 || c->severity > SW_HEALTH_SEVERITIES ||
        c->created <= 0 || (unsigned)c->first_response > SW_HEALTH_MISSED ||
        (unsigned)c->resolution > SW_HEALTH_MISSED ||
        (c->resolved_at != 0 && c->resolved_at < c->created) || c->reopened < 0) {
        sw_debug("health: malformed case %s", c->id ? c->id : "(no id)");
        return -EINVAL;
    }
    return 0;
}

static void tally(struct sw_health_compliance *p, const struct sw_health_case *c)
{
    p->cases++;
    p->fr_met += c->first_response == SW_HEALTH_MET;
    p->fr_missed += c->first_response == SW_HEALTH_MISSED;
    p->res_met += c->resolution == SW_HEALTH_MET;
    p->res_missed += c->resolution == SW_HEALTH_MISSED;
}

static void shares(struct sw_health_compliance *p)
{
    p->fr_defined = p->fr_met + p->fr_missed > 0;
    p->res_defined = p->res_met + p->res_missed > 0;
    p->fr_ppm = sw_health_ppm(p->fr_met, p->fr_met + p->fr_missed);
    p->res_ppm = sw_health_ppm(p->res_met, p->res_met + p->res_missed);
}

static int cmp_customer(const void *a, const void *b)
{
    const struct sw_health_case *const *x = a, *const *y = b;

    return strcmp((*x)->customer, (*y)->customer);
}

void sw_health_cases_release(struct sw_health_cases *c)
{
    if (!c) {
        return;
    }
    free(c->customers);
    c->customers = NULL;
    c->n_customers = 0;
}

int sw_health_cases(const struct sw_health_case *cs, size_t n, int64_t from, int64_t to,
                    struct sw_health_cases *ret)
{
    const struct sw_health_case **v = NULL;
    size_t k = 0;
    int r;

    memset(ret, 0, sizeof(*ret));
    r = sw_health_period_check(from, to);
    if (r == 0) {
        r = sw_health_array_check(cs, n, SW_HEALTH_RECORDS_MAX);
    }
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = sw_health_case_check(&cs[i]);
    }
    if (r < 0) {
        return r;
    }
    v = sw_xmalloc((n ? n : 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        const struct sw_health_case *c = &cs[i];

        if (c->created < from || c->created >= to) {
            continue;
        }
        v[k++] = c;
        tally(&ret->all, c);
        tally(&ret->sev[c->severity - 1], c);
        if (c->resolved_at != 0 || c->reopened > 0) {
            ret->resolved_ever++;
            ret->reopened += c->reopened > 0;
        }
    }
    shares(&ret->all);
    for (int s = 0; s < SW_HEALTH_SEVERITIES; s++) {
        shares(&ret->sev[s]);
    }
    ret->reopen_ppm = sw_health_ppm(ret->reopened, ret->resolved_ever);
    /* per customer: group by sorting (qsort is not stable, but tallies do not care) */
    qsort(v, k, sizeof(*v), cmp_customer);
    ret->customers = sw_xcalloc(k ? k : 1, sizeof(*ret->customers));
    for (size_t i = 0; i < k; i++) {
        struct sw_health_customer_compliance *cc;

        if (i == 0 || strcmp(v[i]->customer, v[i - 1]->customer) != 0) {
            ret->customers[ret->n_customers++].customer = v[i]->customer;
        }
        cc = &ret->customers[ret->n_customers - 1];
        tally(&cc->c, v[i]);
    }
    for (size_t i = 0; i < ret->n_customers; i++) {
        shares(&ret->customers[i].c);
    }
    free(v);
    return 0;
}

int sw_health_backlog(const struct sw_health_case *cs, size_t n, int64_t at,
                      struct sw_health_backlog *ret)
{
    int64_t *age = NULL;
    size_t k = 0;
    int r;

    memset(ret, 0, sizeof(*ret));
    r = at > 0 ? sw_health_array_check(cs, n, SW_HEALTH_RECORDS_MAX) : -EINVAL;
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = sw_health_case_check(&cs[i]);
    }
    if (r < 0) {
        return r;
    }
    age = sw_xmalloc((n ? n : 1) * sizeof(*age));
    for (size_t i = 0; i < n; i++) {
        const struct sw_health_case *c = &cs[i];

        if (c->created > at || (c->resolved_at != 0 && c->resolved_at <= at)) {
            continue;
        }
        age[k++] = at - c->created;
        ret->sev[c->severity - 1]++;
    }
    ret->open = k;
    r = sw_health_stats(age, k, &ret->age);
    free(age);
    return r;
}
