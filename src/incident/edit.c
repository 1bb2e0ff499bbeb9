/* SPDX-License-Identifier: Apache-2.0 */
/* edit.c: building one incident change (new values, timeline events, notifications) and
 * writing it; whom an escalation step reaches; the resolved messages. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "incident/internal.h"

static char *dup_or_null(const char *s)
{
    return s ? sw_xstrdup(s) : NULL;
}

void sw_incident_copy(struct sw_incident *dst, const struct sw_incident *src)
{
    *dst = *src;
    dst->service = dup_or_null(src->service);
    dst->customer = dup_or_null(src->customer);
    dst->deployment = dup_or_null(src->deployment);
    dst->title = dup_or_null(src->title);
    dst->output = dup_or_null(src->output);
    dst->acked_by = dup_or_null(src->acked_by);
    dst->resolved_by = dup_or_null(src->resolved_by);
    dst->policy = dup_or_null(src->policy);
}

void incident_edit_init(struct incident_edit *x, int64_t now)
{
    memset(x, 0, sizeof(*x));
    x->now = now;
}

void incident_edit_from(struct incident_edit *x, const struct sw_incident *inc)
{
    sw_incident_release(&x->inc);
    sw_incident_copy(&x->inc, inc);
}

void incident_edit_release(struct incident_edit *x)
{
    sw_incident_release(&x->inc);
    for (size_t i = 0; i < x->n_events; i++) {
        free(x->events[i].text);
        free(x->events[i].actor);
    }
    free(x->events);
    for (size_t i = 0; i < x->n_notifs; i++) {
        free(x->notifs[i].engineer);
        free(x->notifs[i].channel);
        free(x->notifs[i].address);
        free(x->notifs[i].deployment);
    }
    free(x->notifs);
    memset(x, 0, sizeof(*x));
}

void edit_event(struct incident_edit *x, const char *kind, const char *actor, const char *fmt, ...)
{
    struct sw_inc_event *e;
    struct sw_buf b;
    va_list ap;

    x->events = sw_xrealloc(x->events, (x->n_events + 1) * sizeof(*x->events));
    e = &x->events[x->n_events++];
    memset(e, 0, sizeof(*e));
    e->t = x->now;
    e->kind = (char *)kind; /* static strings only */
    e->actor = dup_or_null(actor);
    sw_buf_init(&b);
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    e->text = sw_buf_steal(&b);
}

void edit_notify(struct incident_edit *x, enum sw_notif_kind kind, int round, int step,
                 const char *engineer, const char *channel, const char *address, int64_t due)
{
    struct sw_notification *n;

    x->notifs = sw_xrealloc(x->notifs, (x->n_notifs + 1) * sizeof(*x->notifs));
    n = &x->notifs[x->n_notifs++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->round = round;
    n->step = step;
    n->engineer = dup_or_null(engineer);
    n->channel = sw_xstrdup(channel);
    n->address = dup_or_null(address);
    n->deployment = dup_or_null(x->inc.deployment);
    n->created = x->now;
    n->due = due;
    n->status = SW_NOTIF_PENDING;
}

int incident_edit_write(struct sw_store *s, struct incident_edit *x, struct incident_edit *parent)
{
    struct sw_inc_change ch[2];
    int64_t ids[2] = {0};
    size_t n = 0;
    int r;

    if (parent) {
        ch[n++] = (struct sw_inc_change){
            .inc = &parent->inc, .events = parent->events, .n_events = parent->n_events};
    }
    ch[n++] = (struct sw_inc_change){.inc = &x->inc,
                                     .events = x->events,
                                     .n_events = x->n_events,
                                     .notifs = x->notifs,
                                     .n_notifs = x->n_notifs,
                                     .cancel_pending = x->cancel};
    r = sw_store_incident_write(s, ch, n, ids);
    if (r < 0) {
        return r;
    }
    if (parent) {
        parent->inc.version++;
    }
    if (x->inc.id == 0) {
        x->inc.id = ids[n - 1];
        x->inc.version = 1;
    } else {
        x->inc.version++;
    }
    return 0;
}

/* The notifications that reach engineer e for x at now: one per contact in use. */
static size_t notify_engineer(const struct sw_engineer_conf *e, struct incident_edit *x,
                              const struct sw_esc_event *ev, int64_t now, struct sw_buf *said)
{
    size_t idx[32], n;

    if (e->n_contacts == 0) {
        return 0;
    }
    n = sw_inc_contacts(e, x->inc.severity, now, idx);
    for (size_t i = 0; i < n; i++) {
        const struct sw_contact_conf *c = &e->contacts[idx[i]];
        edit_notify(x, SW_NOTIF_TRIGGER, ev->round, ev->step, e->id, c->channel->id, c->address,
                    now);
        sw_buf_printf(said, "%s%s", i ? ", " : " via ", c->channel->id);
    }
    if (n < e->n_contacts) {
        sw_buf_printf(said, " (%zu contact%s quiet now)", e->n_contacts - n,
                      e->n_contacts - n == 1 ? "" : "s");
    }
    return n;
}

size_t queue_step(const struct sw_config *cfg, struct incident_edit *x,
                  const struct sw_esc_event *ev, int64_t now)
{
    struct sw_target t;
    struct sw_buf said;
    size_t n = 0;
    int r;

    sw_buf_init(&said);
    r = sw_esc_target_resolve(ev->target, cfg->rotations, cfg->n_rotations, now, &t);
    if (r == -ENODATA) {
        edit_event(x, "unreached", NULL, "step %d (round %d): nobody is on call in rotation %s",
                   ev->step + 1, ev->round + 1, ev->target->id);
        goto out;
    }
    if (r < 0) {
        edit_event(x, "unreached", NULL, "step %d (round %d): rotation %s is not configured",
                   ev->step + 1, ev->round + 1, ev->target->id);
        goto out;
    }
    if (t.kind == SW_TARGET_CHANNEL) {
        const struct sw_channel_conf *ch = sw_config_find_channel(cfg, t.id);
        if (!ch) {
            edit_event(x, "unreached", NULL, "step %d (round %d): channel %s is not configured",
                       ev->step + 1, ev->round + 1, t.id);
            goto out;
        }
        if (ch->type == SW_CHANNEL_EMAIL && ch->n_to == 0) {
            edit_event(x, "unreached", NULL, "step %d (round %d): channel %s has no recipients",
                       ev->step + 1, ev->round + 1, t.id);
            goto out;
        }
        for (size_t i = 0; i < (ch->type == SW_CHANNEL_EMAIL ? ch->n_to : 1); i++) {
            edit_notify(x, SW_NOTIF_TRIGGER, ev->round, ev->step, NULL, ch->id,
                        ch->type == SW_CHANNEL_EMAIL ? ch->to[i] : NULL, now);
            n++;
        }
        sw_buf_printf(&said, "channel %s", ch->id);
    } else {
        const struct sw_engineer_conf *e = sw_config_find_engineer(cfg, t.id);
        if (!e) {
            edit_event(x, "unreached", NULL, "step %d (round %d): engineer %s is not configured",
                       ev->step + 1, ev->round + 1, t.id);
            goto out;
        }
        if (ev->target->kind == SW_TARGET_ROTATION) {
            sw_buf_printf(&said, "rotation %s: ", ev->target->id);
        }
        sw_buf_printf(&said, "%s", e->id);
        n = notify_engineer(e, x, ev, now, &said);
        if (n == 0) {
            edit_event(x, "unreached", NULL, "step %d (round %d): %s has no contacts", ev->step + 1,
                       ev->round + 1, e->id);
            goto out;
        }
    }
    edit_event(x, "escalated", NULL, "step %d (round %d): %s", ev->step + 1, ev->round + 1,
               said.data ? said.data : "");
out:
    sw_buf_release(&said);
    return n;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int queue_resolved(struct sw_store *s, struct incident_edit *x, int64_t now)
{
    struct sw_notification *v = NULL;
    size_t n = 0;
    int r;

    if (x->inc.id == 0) {
        return 0;
    }
    r = sw_store_incident_notifications(s, x->inc.id, &v, &n);
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        if (v[i].kind != SW_NOTIF_TRIGGER || v[i].status != SW_NOTIF_SENT) {
            continue;
        }
        for (size_t j = 0; j < x->n_notifs && !dup; j++) {
            dup = same(x->notifs[j].channel, v[i].channel) &&
                  same(x->notifs[j].engineer, v[i].engineer) &&
                  same(x->notifs[j].address, v[i].address);
        }
        if (!dup) {
            edit_notify(x, SW_NOTIF_RESOLVED, -1, -1, v[i].engineer, v[i].channel, v[i].address,
                        now);
        }
    }
    sw_notifications_free(v, n);
    return 0;
}

int burn_resolve(struct sw_store *s, const struct sw_config *cfg, const struct sw_incident *o,
                 int64_t now)
{
    struct incident_edit x;
    int r;

    incident_edit_init(&x, now);
    incident_edit_from(&x, o);
    x.inc.status = SW_INC_RESOLVED;
    x.inc.resolved = now;
    x.inc.next_due = 0;
    x.cancel = true;
    edit_event(&x, "resolved", NULL, "the burn-rate alert stopped");
    r = cfg->incidents.notify_resolved ? queue_resolved(s, &x, now) : 0;
    if (r == 0) {
        r = incident_edit_write(s, &x, NULL);
    }
    incident_edit_release(&x);
    return r;
}
