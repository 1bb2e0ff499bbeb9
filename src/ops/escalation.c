/* SPDX-License-Identifier: Apache-2.0 */
/* escalation.c: when each step of an escalation policy notifies whom. The whole schedule of an
 * incident as a list (for the timeline and the tests), the next event from a cursor (for the
 * daemon, which injects its clock), and rotation targets resolved to the engineer on call.
 * Pure: no clock, no I/O. */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "ops/ops.h"
#include "ops/ops_int.h"

/* 1970-01-01 .. 9999-12-31T23:59:59Z: keeps every sum below far inside int64. */
#define T_MIN 0
#define T_MAX ((int64_t)253402300799)

const char *sw_target_kind_name(enum sw_target_kind k)
{
    switch (k) {
    case SW_TARGET_ROTATION:
        return "rotation";
    case SW_TARGET_ENGINEER:
        return "engineer";
    case SW_TARGET_CHANNEL:
        return "channel";
    }
    return "?";
}

int sw_esc_policy_validate(const struct sw_esc_policy *p, char *err, size_t errlen)
{
    int64_t round = 0;

    if (!p) {
        return sw_ops_fail(err, errlen, "no escalation policy");
    }
    if (!p->id || !*p->id) {
        return sw_ops_fail(err, errlen, "escalation policy without an id");
    }
    if (p->n_steps == 0 || !p->steps) {
        return sw_ops_fail(err, errlen, "escalation policy %s has no steps", p->id);
    }
    if (p->n_steps > SW_ESC_STEPS_MAX) {
        return sw_ops_fail(err, errlen, "escalation policy %s: %zu steps, at most %d", p->id,
                           p->n_steps, SW_ESC_STEPS_MAX);
    }
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct sw_esc_step *s = &p->steps[i];
        if (s->target.kind != SW_TARGET_ROTATION && s->target.kind != SW_TARGET_ENGINEER &&
            s->target.kind != SW_TARGET_CHANNEL) {
            return sw_ops_fail(err, errlen, "escalation policy %s: step %zu has an unknown target",
                               p->id, i + 1);
        }
        if (!s->target.id || !*s->target.id) {
            return sw_ops_fail(err, errlen, "escalation policy %s: step %zu names no %s", p->id,
                               i + 1, sw_target_kind_name(s->target.kind));
        }
        if (s->wait_s < 0 || s->wait_s > SW_ESC_WAIT_MAX) {
            return sw_ops_fail(err, errlen,
                               "escalation policy %s: step %zu waits %lld s, not 0 .. %lld s",
                               p->id, i + 1, (long long)s->wait_s, (long long)SW_ESC_WAIT_MAX);
        }
        round += s->wait_s;
    }
    if (p->repeat < 0 || p->repeat > SW_ESC_REPEAT_MAX) {
        return sw_ops_fail(err, errlen, "escalation policy %s: repeat %d is not 0 .. %d", p->id,
                           p->repeat, SW_ESC_REPEAT_MAX);
    }
    if (p->repeat > 0 && round == 0) {
        return sw_ops_fail(err, errlen,
                           "escalation policy %s repeats but its waits add up to 0 s: every "
                           "round would page at the same instant",
                           p->id);
    }
    return 0;
}

size_t sw_esc_events_max(const struct sw_esc_policy *p)
{
    if (sw_esc_policy_validate(p, NULL, 0) < 0) {
        return 0;
    }
    return p->n_steps * ((size_t)p->repeat + 1);
}

int sw_esc_events(const struct sw_esc_policy *p, int64_t trigger, int64_t ack, int64_t resolve,
                  int64_t horizon, struct sw_esc_event *out, size_t cap, size_t *ret_n)
{
    int rc = sw_esc_policy_validate(p, NULL, 0);
    if (rc < 0) {
        return rc;
    }
    if (trigger < T_MIN || trigger > T_MAX || !ret_n || (cap > 0 && !out)) {
        return -EINVAL;
    }
    int64_t stop = ack < resolve ? ack : resolve;
    int64_t t = trigger;
    size_t n = 0;

    for (int r = 0; r <= p->repeat; r++) {
        for (size_t k = 0; k < p->n_steps; k++) {
            if (t >= stop || t > horizon) {
                goto out;
            }
            if (n >= cap) {
                return -E2BIG;
            }
            out[n++] = (struct sw_esc_event){
                .round = r, .step = (int)k, .t = t, .target = &p->steps[k].target};
            t += p->steps[k].wait_s;
        }
    }
out:
    *ret_n = n;
    return 0;
}

int sw_esc_next(const struct sw_esc_policy *p, int64_t trigger, const struct sw_esc_cursor *last,
                int64_t ack, int64_t resolve, struct sw_esc_event *ret_event)
{
    int rc = sw_esc_policy_validate(p, NULL, 0);
    if (rc < 0) {
        return rc;
    }
    if (trigger < T_MIN || trigger > T_MAX) {
        return -EINVAL;
    }
    int64_t stop = ack < resolve ? ack : resolve;
    struct sw_esc_event ev = {.round = 0, .step = 0, .t = trigger};

    if (last) {
        if (last->round < 0 || last->round > p->repeat || last->step < 0 ||
            (size_t)last->step >= p->n_steps || last->t < trigger || last->t > T_MAX) {
            return -EINVAL;
        }
        ev.round = last->round;
        ev.step = last->step + 1;
        ev.t = last->t + p->steps[last->step].wait_s;
        if ((size_t)ev.step == p->n_steps) {
            ev.step = 0;
            ev.round++;
        }
        if (ev.round > p->repeat) {
            return -ENOENT;
        }
    }
    if (ev.t >= stop) {
        return -ENOENT;
    }
    ev.target = &p->steps[ev.step].target;
    *ret_event = ev;
    return 0;
}

int sw_esc_target_resolve(const struct sw_target *target, const struct sw_rotation *rots, size_t n,
                          int64_t t, struct sw_target *ret_target)
{
    const struct sw_rotation *r;
    const char *who;
    int rc;

    if (!target || !target->id) {
        return -EINVAL;
    }
    if (target->kind != SW_TARGET_ROTATION) {
        if (target->kind != SW_TARGET_ENGINEER && target->kind != SW_TARGET_CHANNEL) {
            return -EINVAL;
        }
        *ret_target = *target;
        return 0;
    }
    r = sw_rotation_find(rots, n, target->id);
    if (!r) {
        return -ENOENT;
    }
    rc = sw_rotation_oncall(r, t, &who);
    if (rc < 0) {
        return rc;
    }
    if (!who) {
        return -ENODATA;
    }
    *ret_target = (struct sw_target){.kind = SW_TARGET_ENGINEER, .id = who};
    return 0;
}
