/* SPDX-License-Identifier: Apache-2.0 */
/* incident.h: incidents as people handle them. A service entering a hard state its settings
 * name (CRITICAL by default) outside maintenance opens an incident; the escalation policy
 * pages people step by step until someone acknowledges; the service's recovery resolves it.
 * Three layers:
 *  - pure decisions (decide.c): what a service's level means for its incident, which contacts
 *    of an engineer to use at an instant, storms and grouping; time and data as arguments;
 *  - the manager (manager.c): one pass at a given instant reconciles every service's level
 *    with the stored incidents, takes the escalation steps that are due, and delivers the due
 *    notifications. Every decision is written with the row version it was based on (see
 *    store.h), so the CLI in another process and the API may act on incidents at any time;
 *    the daemon runs passes on a thread of its own, tests call them with an injected clock;
 *  - the commands (actions.c): acknowledge, resolve, note, for the CLI and the API.
 * The rules, with examples: docs/incidents.md. */
#ifndef SW_INCIDENT_H
#define SW_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "notify/notify.h"
#include "store/store.h"

/* ---- pure decisions ---- */

/* What is known of one service at an instant. */
struct sw_inc_facts {
    bool has_state;                      /* false: no result yet: nothing to decide */
    enum sw_state state;                 /* its hard state */
    int64_t since;                       /* s: in that state since */
    bool flapping;                       /* one of its checks flaps */
    bool in_maintenance;                 /* a maintenance window covers it now */
    bool parent_down;                    /* a service it depends on is down */
    int64_t parent_incident;             /* the open incident of such a parent, or 0 */
    const struct sw_incident *open;      /* its incident that is not resolved, or NULL */
    const struct sw_incident *last;      /* else the one resolved last, or NULL */
    const struct sw_incident_conf *conf; /* the service's settings */
    int64_t now;                         /* s */
};

enum sw_inc_verb {
    SW_INC_KEEP = 0,    /* nothing to change */
    SW_INC_OPEN = 1,    /* open a new incident */
    SW_INC_REOPEN = 2,  /* re-open `last` */
    SW_INC_RELAPSE = 3, /* `open` was recovered (awaiting confirmation) and fails again */
    SW_INC_STATE = 4,   /* `open` stays open; the service's state changed (worse or better) */
    SW_INC_RECOVER = 5, /* the service recovered: resolve `open`, or mark it recovered */
    SW_INC_ATTACH = 6,  /* `open` (unacknowledged, paging on its own) now has a failed parent */
    SW_INC_DETACH = 7,  /* `open` was attached and its parent is gone: page on its own */
};

struct sw_inc_decision {
    enum sw_inc_verb verb;
    bool page;       /* OPEN, REOPEN, RELAPSE, DETACH: start the escalation from its first
                        step; false when attached to a parent or flapping */
    int64_t parent;  /* OPEN, REOPEN, ATTACH: the parent's incident, or 0 */
    bool resolve;    /* RECOVER: resolve (auto_resolve), else mark recovered */
    const char *why; /* a short reason for the timeline, static */
};

/* The rules, in order:
 *  - no state yet: KEEP;
 *  - down (a state in conf->on_states):
 *     - an open incident: RELAPSE when it was recovered; ATTACH when it pages on its own, is
 *       not acknowledged and a parent has an open incident; DETACH when it is attached and no
 *       parent is down any more; STATE when its state differs; else KEEP;
 *     - none, in maintenance: KEEP (nothing opens, nothing pages);
 *     - none, a parent down without an incident of its own (in maintenance, say): KEEP;
 *     - none, the last one resolved by someone while the service stayed down since before
 *       (last->resolved >= since, resolved_by set): KEEP, until the service recovers;
 *     - none, the last resolved within reopen_within of now (within an hour at least while
 *       flapping): REOPEN; else OPEN;
 *    and page unless attached to a parent (parent_incident) or, for a re-open, flapping;
 *  - not down (OK, or a state the settings do not page for), with an open incident that is
 *    not yet recovered: RECOVER (resolve = conf->auto_resolve); else KEEP.
 * Returns 0, -EINVAL for NULL arguments. */
int sw_inc_decide(const struct sw_inc_facts *f, struct sw_inc_decision *ret);

/* Is state one of those conf opens incidents for. */
bool sw_inc_is_down(const struct sw_incident_conf *conf, enum sw_state state);

/* True when t falls inside e's working hours (in e's time zone); false without working
 * hours. */
bool sw_inc_working(const struct sw_engineer_conf *e, int64_t t);

/* Which contacts of e to use for a notification of an incident of severity sev at t: writes
 * their indexes into e->contacts to idx (room for e->n_contacts) and returns how many. A
 * contact whose `when` does not hold at t is left out, except for sev1 (every contact) and
 * except when that would leave none (then every contact). */
size_t sw_inc_contacts(const struct sw_engineer_conf *e, int severity, int64_t t, size_t *idx);

/* A storm: at least threshold incidents of one deployment opened within (now - window, now].
 * opened[0..n) are opening times (any order). threshold 0: never. */
bool sw_inc_storm(const int64_t *opened, size_t n, int64_t now, int64_t window, int threshold);

/* Groups notifications v[0..n) for delivery: those to the same recipient (channel, engineer
 * and address) about incidents of the same deployment go out as one summary when stormy(arg,
 * deployment) holds and there are two or more; others go alone. ret_group[i] gets the index
 * of the first notification of i's group (i itself when it leads or is alone). Only TRIGGER
 * notifications group. */
void sw_inc_group(const struct sw_notification *v, size_t n,
                  bool (*stormy)(void *arg, const char *deployment), void *arg, size_t *ret_group);

/* "INC-42" into out (at least 24 bytes). */
char *sw_inc_name(int64_t id, char *out);
/* Parses "INC-42" or "42": 0 or -EINVAL. */
int sw_inc_parse_name(const char *s, int64_t *ret_id);

/* ---- the manager ---- */

struct sw_inc_manager;

/* Delivers one message over one channel (sw_notify_deliver() unless a test injects its own). */
typedef int (*sw_inc_deliver_fn)(void *arg, const struct sw_notify_channel *ch,
                                 const struct sw_notify_message *m, struct sw_notify_result *ret);

/* A manager on store (borrowed, must outlive it) for cfg (a reference is taken). */
int sw_inc_manager_new(struct sw_store *store, struct sw_config *cfg, struct sw_inc_manager **ret);
void sw_inc_manager_free(struct sw_inc_manager *m); /* stops its thread first; NULL-safe */

/* Tests: deliver with fn instead of the real channels. Before the first pass. */
void sw_inc_manager_set_deliver(struct sw_inc_manager *m, sw_inc_deliver_fn fn, void *arg);
/* Several nodes: before each pass and each delivery, fence(arg) tells whether this node may
 * still act (0) or not (< 0: another node leads now, or what this one knows is not fresh).
 * A fenced pass does nothing; a fenced delivery is neither sent nor recorded: the
 * notification stays due, for the leader. Before sw_inc_manager_start(). */
void sw_inc_manager_set_fence(struct sw_inc_manager *m, int (*fence)(void *arg), void *arg);

/* Swaps in a new configuration (a reference is taken). Thread-safe. */
void sw_inc_manager_set_config(struct sw_inc_manager *m, struct sw_config *cfg);
/* Where each pass takes its configuration from instead: get(arg) returns a new reference
 * (the daemon passes the engine's, so a reload reaches incidents too). Before the start. */
void sw_inc_manager_set_config_source(struct sw_inc_manager *m, struct sw_config *(*get)(void *arg),
                                      void *arg);

/* The level of service path now (the engine's listener calls this). Copies what it needs;
 * acted on at the next pass. Thread-safe, never blocks on I/O. */
void sw_inc_manager_level(struct sw_inc_manager *m, const char *path, enum sw_state state,
                          int64_t since, bool flapping, const char *output);

/* The page-level burn-rate alerts firing now (service paths), replacing the previous set.
 * Thread-safe. */
void sw_inc_manager_burn(struct sw_inc_manager *m, const char *const *services,
                         const char *const *texts, size_t n);

/* One pass at now (s): reconciles levels and incidents, queues the escalation steps due, and
 * delivers (blocking) the notifications due. *ret_next (may be NULL) gets the time of the next
 * thing due (s), 0 when none is known. Returns 0, or -EIO when the store failed (the pass
 * is repeated later; nothing is lost). Not to be called while the thread runs. */
int sw_inc_manager_pass(struct sw_inc_manager *m, int64_t now, int64_t *ret_next);

/* Starts the daemon's thread: a pass on each new level, when something is due, and every
 * second (commands from other processes are seen within about a second). */
int sw_inc_manager_start(struct sw_inc_manager *m);
/* Asks for a pass soon (after a command through the API). Thread-safe. */
void sw_inc_manager_poke(struct sw_inc_manager *m);
/* Stops the thread after the pass in progress. */
void sw_inc_manager_stop(struct sw_inc_manager *m);

/* Counters for /metrics. */
struct sw_inc_stats {
    uint64_t passes;
    uint64_t opened;
    uint64_t notifications_sent;
    uint64_t notifications_failed; /* attempts that failed (each may be retried) */
    uint64_t store_errors;
    uint64_t case_warnings; /* case timers that reached their warning share */
    uint64_t case_breaches; /* case timers that missed their goal */
};
void sw_inc_manager_stats(struct sw_inc_manager *m, struct sw_inc_stats *ret);

/* ---- commands (CLI, API) ----
 * Each reads the incident, checks, and writes with the version it read (retried on
 * -ESTALE). err (may be NULL) gets a one-line reason on failure. who: an engineer id. */

/* Acknowledge: stops escalation (pending pages are cancelled). -ENOENT no such incident,
 * -EALREADY already acknowledged, -EINVAL resolved, -EIO. */
int sw_incident_ack(struct sw_store *s, int64_t id, const char *who, int64_t now,
                    struct sw_buf *err);
/* Resolve: stops everything; when notify_resolved, those notified get a resolved message.
 * -ENOENT, -EALREADY (already resolved), -EIO. */
int sw_incident_resolve(struct sw_store *s, const struct sw_config *cfg, int64_t id,
                        const char *who, int64_t now, struct sw_buf *err);
/* Adds a note (1 .. 4096 bytes of text without control characters other than newline and
 * tab). -ENOENT, -EINVAL (bad text), -EIO. */
int sw_incident_note(struct sw_store *s, int64_t id, const char *who, const char *text,
                     bool public_note, int64_t now, struct sw_buf *err);

/* ---- JSON (API and CLI) ---- */

/* MTTA (acked - opened) and MTTR (resolved - opened), s; -1 when not (yet) known. */
int64_t sw_incident_mtta(const struct sw_incident *inc);
int64_t sw_incident_mttr(const struct sw_incident *inc);

/* One incident as a JSON object: id ("INC-42"), every field, mtta_s, mttr_s, link. */
void sw_incident_json(const struct sw_incident *inc, const struct sw_config *cfg,
                      struct sw_buf *out);
/* The same with "timeline" and "notifications" arrays. */
void sw_incident_json_full(const struct sw_incident *inc, const struct sw_inc_event *ev,
                           size_t n_ev, const struct sw_notification *nt, size_t n_nt,
                           const struct sw_config *cfg, struct sw_buf *out);

#endif
