/* SPDX-License-Identifier: Apache-2.0 */
/* internal.h: what the files of src/incident share: an incident being edited (its new values,
 * the timeline events and the notifications the change brings), and the delivery of due
 * notifications. Not part of the public interface. */
#ifndef SW_INCIDENT_INTERNAL_H
#define SW_INCIDENT_INTERNAL_H

#include "incident/incident.h"
#include "ops/ops.h"

/* One incident change in the making: inc (owned copy), events and notifications (owned). */
struct incident_edit {
    struct sw_incident inc;
    struct sw_inc_event *events;
    size_t n_events;
    struct sw_notification *notifs;
    size_t n_notifs;
    bool cancel; /* cancel its pending pages */
    int64_t now;
};

void incident_edit_init(struct incident_edit *x, int64_t now);
/* x->inc becomes a copy of inc (id and version kept: the write is guarded by them). */
void incident_edit_from(struct incident_edit *x, const struct sw_incident *inc);
void incident_edit_release(struct incident_edit *x);
/* Appends a timeline event at x->now. */
void edit_event(struct incident_edit *x, const char *kind, const char *actor, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Appends a notification to x. */
void edit_notify(struct incident_edit *x, enum sw_notif_kind kind, int round, int step,
                 const char *engineer, const char *channel, const char *address, int64_t due);
/* Writes x (and parent, when not NULL: its events only, same transaction). x->inc.id is set
 * for an insert. 0, or the store's error. */
int incident_edit_write(struct sw_store *s, struct incident_edit *x, struct incident_edit *parent);

/* Deep copy. */
void sw_incident_copy(struct sw_incident *dst, const struct sw_incident *src);

/* Queues the notifications of escalation event ev of x (its target resolved at now), with an
 * "escalated" event; returns how many were queued (0: nobody to reach, said in an event). */
size_t queue_step(const struct sw_config *cfg, struct incident_edit *x,
                  const struct sw_esc_event *ev, int64_t now);
/* Queues RESOLVED notifications to every recipient a TRIGGER notification of x reached. */
int queue_resolved(struct sw_store *s, struct incident_edit *x, int64_t now);
/* Resolves burn incident o, its alert having stopped. */
int burn_resolve(struct sw_store *s, const struct sw_config *cfg, const struct sw_incident *o,
                 int64_t now);

struct deliver_stats {
    uint64_t sent;
    uint64_t failed;
    int status; /* first store error, 0 */
};
/* Delivers v[0..n) (group[] from sw_inc_group()) and records each outcome. */
void deliver_due(struct sw_store *s, const struct sw_config *cfg, sw_inc_deliver_fn fn, void *arg,
                 const struct sw_notification *v, size_t n, const size_t *group, int64_t now,
                 struct deliver_stats *ret);

#endif
