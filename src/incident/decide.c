/* SPDX-License-Identifier: Apache-2.0 */
/* decide.c: the pure rules of incidents: what a service's level means for its incident, which
 * contacts to use, storms and their grouping. No clock, no I/O. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "incident/incident.h"
#include "support/support.h"

/* While a service flaps, a failure this soon after the resolve re-opens without paging. */
#define FLAP_REOPEN_S 3600

bool sw_inc_is_down(const struct sw_incident_conf *conf, enum sw_state state)
{
    return state != SW_OK && (unsigned)state < SW_STATE_COUNT &&
           (conf->on_states & (1u << state)) != 0;
}

static void down_decision(const struct sw_inc_facts *f, struct sw_inc_decision *d)
{
    const struct sw_incident *o = f->open, *l = f->last;
    int64_t within = f->conf->reopen_within_s;

    if (o) {
        if (o->status == SW_INC_RECOVERED) {
            d->verb = SW_INC_RELAPSE;
            d->page = !f->flapping && o->parent == 0;
            d->why = f->flapping ? "failed again while flapping: not paged again" : "failed again";
        } else if (o->parent == 0 && o->status == SW_INC_TRIGGERED && f->parent_incident) {
            d->verb = SW_INC_ATTACH;
            d->parent = f->parent_incident;
            d->why = "a service it depends on is down";
        } else if (o->parent != 0 && !f->parent_down) {
            d->verb = SW_INC_DETACH;
            d->page = o->status == SW_INC_TRIGGERED;
            d->why = "the service it depends on recovered; this one is still down";
        } else if (o->state != f->state) {
            d->verb = SW_INC_STATE;
            d->why = "state changed";
        }
        return;
    }
    if (f->in_maintenance) {
        return;
    }
    if (f->parent_down && !f->parent_incident) {
        return;
    }
    if (l && l->resolved && l->resolved_by && l->resolved >= f->since) {
        return; /* resolved by hand while it stayed down: wait for a recovery */
    }
    if (f->flapping && within < FLAP_REOPEN_S) {
        within = FLAP_REOPEN_S;
    }
    d->parent = f->parent_incident;
    if (l && l->resolved && within > 0 && f->now - l->resolved <= within) {
        d->verb = SW_INC_REOPEN;
        d->page = !f->flapping && !d->parent;
        d->why = f->flapping ? "failed again while flapping: not paged again" : "failed again";
        return;
    }
    d->verb = SW_INC_OPEN;
    d->page = !d->parent;
    d->why = d->parent ? "a service it depends on is down" : "service down";
}

int sw_inc_decide(const struct sw_inc_facts *f, struct sw_inc_decision *ret)
{
    if (!f || !ret || !f->conf) {
        return -EINVAL;
    }
    memset(ret, 0, sizeof(*ret));
    ret->verb = SW_INC_KEEP;
    if (!f->has_state) {
        return 0;
    }
    if (sw_inc_is_down(f->conf, f->state)) {
        down_decision(f, ret);
        return 0;
    }
    if (f->open && f->open->status != SW_INC_RECOVERED) {
        ret->verb = SW_INC_RECOVER;
        ret->resolve = f->conf->auto_resolve;
        ret->why = "service recovered";
    }
    return 0;
}

bool sw_inc_working(const struct sw_engineer_conf *e, int64_t t)
{
    struct tm tm;
    int32_t s;

    if (!e->has_working_hours || sw_tz_from_utc(e->timezone ? e->timezone : "UTC", t, &tm) < 0) {
        return false;
    }
    s = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return (e->work_days & (1u << tm.tm_wday)) && s >= e->work_start_s && s < e->work_end_s;
}

size_t sw_inc_contacts(const struct sw_engineer_conf *e, int severity, int64_t t, size_t *idx)
{
    bool working = sw_inc_working(e, t);
    size_t n = 0;

    for (size_t i = 0; i < e->n_contacts; i++) {
        enum sw_contact_when w = e->contacts[i].when;
        if (severity == 1 || w == SW_CONTACT_ALWAYS || (w == SW_CONTACT_WORKING_HOURS && working) ||
            (w == SW_CONTACT_OFF_HOURS && !working)) {
            idx[n++] = i;
        }
    }
    if (n == 0) {
        for (size_t i = 0; i < e->n_contacts; i++) {
            idx[n++] = i;
        }
    }
    return n;
}

bool sw_inc_storm(const int64_t *opened, size_t n, int64_t now, int64_t window, int threshold)
{
    size_t k = 0;

    if (threshold <= 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (opened[i] > now - window && opened[i] <= now) {
            k++;
        }
    }
    return k >= (size_t)threshold;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_group(const struct sw_notification *a, const struct sw_notification *b)
{
    return a->kind == SW_NOTIF_TRIGGER && b->kind == SW_NOTIF_TRIGGER &&
           same_text(a->channel, b->channel) && same_text(a->engineer, b->engineer) &&
           same_text(a->address, b->address) && same_text(a->deployment, b->deployment);
}

void sw_inc_group(const struct sw_notification *v, size_t n,
                  bool (*stormy)(void *arg, const char *deployment), void *arg, size_t *ret_group)
{
    for (size_t i = 0; i < n; i++) {
        ret_group[i] = i;
    }
    for (size_t i = 0; i < n; i++) {
        if (ret_group[i] != i || v[i].kind != SW_NOTIF_TRIGGER || !v[i].deployment ||
            !stormy(arg, v[i].deployment)) {
            continue;
        }
        for (size_t j = i + 1; j < n; j++) {
            if (ret_group[j] == j && same_group(&v[i], &v[j])) {
                ret_group[j] = i;
            }
        }
    }
}

char *sw_inc_name(int64_t id, char *out)
{
    snprintf(out, 24, "INC-%" PRId64, id);
    return out;
}

int sw_inc_parse_name(const char *s, int64_t *ret_id)
{
    return sw_inc_id_parse(s, ret_id);
}
