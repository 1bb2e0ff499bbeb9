/* SPDX-License-Identifier: Apache-2.0 */
/* engine.h: the heart. Two halves:
 *  - pure state arithmetic (state.c): soft/hard transitions, flap detection, service
 *    aggregation and schedule phases; takes time as an argument, unit-tested with exact numbers;
 *  - the engine (engine.c): the event loop's scheduler, which starts probes, feeds every
 *    result (active or passive) through the state arithmetic, is the only writer of state,
 *    and hands results, states and interval changes to the store.
 * The engine runs on the loop thread; the functions marked thread-safe may be called from
 * API threads. */
#ifndef SW_ENGINE_H
#define SW_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "config/config.h"
#include "core/core.h"
#include "probe/probe.h"
#include "store/store.h"

/* ---- pure state arithmetic ---- */

#define SW_FLAP_WINDOW 21 /* results looked at, as Nagios does */

struct sw_transition {
    bool state_change;      /* state differs from the previous result's */
    bool hard_change;       /* the hard state changed (or the first hard state was set) */
    bool first;             /* the first result ever */
    enum sw_state old_hard; /* hard state before (valid unless first) */
    bool flap_start;
    bool flap_stop;
};

/* Applies one result of state st at t_ms to s (which holds the check's state):
 *  - non-OK results are soft until the max_attempts-th in a row, then hard;
 *  - a recovery to OK is hard at once; a change between non-OK states while hard is hard;
 *  - the first result of a pending check counts as coming from OK;
 *  - flap detection: percent state change over the last 21 results, weighted from 0.8
 *    (oldest) to 1.2 (newest); starts above high_pct, stops below low_pct.
 * s->since is set to t_ms/1000 on a hard change. Strings in s are not touched. */
void sw_state_apply(struct sw_check_snapshot *s, int max_attempts, const struct sw_flap_conf *flap,
                    enum sw_state st, int64_t t_ms, struct sw_transition *ret);

/* Percent state change (0..100, two decimals of precision) of a flap history. */
double sw_flap_percent(uint32_t history, int count);

/* A service's state from its checks' hard states (pending checks count as UNKNOWN), by the
 * order OK < WARNING < UNKNOWN < CRITICAL: all -> the worst, any -> the best, quorum N ->
 * the N-th best (the best state at least N checks reach). n == 0 gives UNKNOWN. */
enum sw_state sw_service_state(enum sw_aggregate agg, int quorum, const enum sw_state *states,
                               size_t n);

/* Schedule phase of a check: a stable offset in [0, interval_ms) from its path, so checks
 * spread evenly over their interval and keep their slot across restarts and reloads. */
int64_t sw_schedule_phase(const char *path, int64_t interval_ms);
/* The first slot (t = phase + k * interval) at or after now_ms. */
int64_t sw_schedule_next(int64_t now_ms, int64_t interval_ms, int64_t phase_ms);

/* ---- the engine ---- */

struct sw_engine;

/* Creates an engine on loop for cfg (a reference is taken) writing to store (borrowed; must
 * outlive the engine), with the derived checks the store keeps added to cfg (see
 * sw_config_derive()). Nothing runs until sw_engine_start(). A run's child results
 * (sw_probe_result.children) create derived checks as parts appear and retire them when a
 * complete set lacks them; retiring closes their intervals and keeps their history. */
int sw_engine_new(uv_loop_t *loop, struct sw_config *cfg, struct sw_store *store,
                  struct sw_engine **ret_engine);
/* Resumes saved states, closes intervals left open by an unclean stop at the last sign of
 * life, and schedules every check. */
int sw_engine_start(struct sw_engine *e);
/* For `stackward ingest`: resumes saved states without scheduling anything, starting any
 * timer or closing open intervals: results submitted then continue the history as if
 * observed (each holds until the next; a passive check's freshness still turns a longer
 * silence UNKNOWN). sw_engine_stop() then only flushes. */
int sw_engine_start_offline(struct sw_engine *e);
/* Swaps in a new configuration (a reference is taken). Checks whose path and settings are
 * unchanged keep their state and schedule; changed ones keep their state and are
 * rescheduled; removed ones have their open intervals closed. Loop thread. */
int sw_engine_reload(struct sw_engine *e, struct sw_config *cfg);
/* Stops scheduling, cancels probes, closes every open interval at now and flushes the
 * store. The loop must then run until it has no more handles. */
void sw_engine_stop(struct sw_engine *e);
void sw_engine_free(struct sw_engine *e); /* NULL-safe; after stop and the loop drained */

/* The configuration in force (a new reference; unref when done). Thread-safe. */
struct sw_config *sw_engine_config(struct sw_engine *e);

/* A service's level, as told to the listener. Strings valid during the call only. */
struct sw_service_level {
    const char *path;
    enum sw_state state;
    int64_t since;      /* s */
    bool flapping;      /* any of its checks flaps */
    const char *output; /* output of a check whose hard state is the service's, or "" */
};
/* Called on the loop thread whenever a service's state, or its flapping, changes, and once
 * for every service with a state when the engine starts (so a listener starting with the
 * daemon learns every level). Must not block: copy what is needed and return. */
typedef void (*sw_engine_listener)(void *arg, const struct sw_service_level *lv);
/* Sets the listener (NULL: none). Before sw_engine_start(). */
void sw_engine_set_listener(struct sw_engine *e, sw_engine_listener fn, void *arg);

/* A passive result, or a result with its own time. */
struct sw_passive {
    char *path; /* check path */
    enum sw_state state;
    char *output; /* plugin-style text: "TEXT | perfdata" allowed; NULL for none */
    int64_t t_ms; /* 0: when received */
};

/* Called once when the submitted results are durable (status 0), refused (status -EINVAL,
 * -ENOENT, -ERANGE with a message naming the result by index) or could not be stored (-EIO).
 * May run on any thread. */
typedef void (*sw_engine_done_cb)(void *arg, int status, const char *message);

/* Thread-safe. Submits n results (the array and its strings are copied) to the loop thread,
 * which checks them all first (known path, time not before the check's last result nor more
 * than 5 minutes ahead), applies them in order through the state engine, and calls cb once
 * they are committed. All or nothing. Returns 0 (cb will be called) or -ESHUTDOWN. */
int sw_engine_submit(struct sw_engine *e, const struct sw_passive *v, size_t n,
                     sw_engine_done_cb cb, void *arg);

/* The same, where a result for a check that does not exist creates it first: a passive check
 * derived from create (e.g. "alertmanager"), kept in the store across restarts, in a service
 * made when the deployment has none of that id. The deployment must exist (-ENOENT). */
int sw_engine_submit_create(struct sw_engine *e, const struct sw_passive *v, size_t n,
                            const char *create, sw_engine_done_cb cb, void *arg);

/* Thread-safe. Asks the loop thread to reload the configuration from its file; cb reports
 * 0, or -EINVAL with the validation errors as message (the old config keeps running). */
int sw_engine_request_reload(struct sw_engine *e, sw_engine_done_cb cb, void *arg);

/* cfg with the derived checks in use in store added (a new reference to cfg when there are
 * none), for readers of the store without an engine (the CLI). */
int sw_config_with_derived(struct sw_config *cfg, struct sw_store *store,
                           struct sw_config **ret_config);

/* ---- one node of several (src/cluster/) ----
 * With several nodes, each runs the checks of the shards it holds and mirrors the state of
 * the others from the store; the leader alone writes the services' intervals and prunes.
 * Without sw_engine_set_cluster() the engine runs everything, as one node. */

struct sw_engine_cluster {
    /* Whether this node runs the checks whose shard key (sw_engine_shard_key()) is key. */
    bool (*owns)(void *arg, const char *key);
    /* Hands passive results of checks other nodes run to them, durably; then calls
     * cb(cb_arg, status, message) once, from any thread. keys[i] is v[i]'s shard key. Called
     * on the loop thread: must not block. */
    void (*forward)(void *arg, const struct sw_passive *v, const char *const *keys, size_t n,
                    sw_engine_done_cb cb, void *cb_arg);
    void *arg;
    bool peers_alive; /* other nodes run now: the intervals open in the store are theirs */
};
/* Makes e one node of several. Before sw_engine_start(), which then schedules nothing:
 * sw_engine_cluster_update() starts what this node holds. */
void sw_engine_set_cluster(struct sw_engine *e, const struct sw_engine_cluster *c);
/* The key that places check c in a shard: the path of the check that discovers it (so a
 * discovery and its parts run on one node), else its own path. */
const char *sw_engine_shard_key(const struct sw_check_conf *c);
/* Loop thread, after the cluster's view changed and every few seconds: snaps are the check
 * states the store holds now, derived the derived checks in use there (both as read on a
 * worker thread; the snapshots' strings may be taken). Checks this node now holds start from
 * the state their previous node saved; checks it no longer holds stop (their state saved);
 * the others take the state from snaps, and the services follow. leader: this node writes
 * the services' intervals (when it becomes leader, it continues the open ones). */
void sw_engine_cluster_update(struct sw_engine *e, bool leader, struct sw_check_snapshot *snaps,
                              size_t n, const struct sw_derived_row *derived, size_t n_derived);
/* Thread-safe. A result taken from the cluster's inbox (another node received it): like
 * sw_engine_submit() of one result, but a check not known yet (created by another node a
 * moment ago) is looked for in the store first. */
int sw_engine_submit_inbox(struct sw_engine *e, const struct sw_passive *v, sw_engine_done_cb cb,
                           void *arg);
/* Checks this node runs now (all of them without a cluster). Thread-safe. */
size_t sw_engine_active_checks(struct sw_engine *e);

/* A copy of the live state of everything. */
struct sw_check_status {
    const struct sw_check_conf *conf; /* valid while the status holds its config */
    struct sw_check_snapshot st;      /* strings owned by the status */
    int64_t next_run_ms;              /* 0 for passive checks */
    bool stale;                       /* passive check past its freshness */
};

struct sw_service_status {
    const struct sw_service_conf *conf;
    bool has_state;
    enum sw_state state;
    int64_t since; /* s */
    bool flapping; /* any of its checks flaps */
};

struct sw_status {
    struct sw_config *cfg;          /* a reference */
    struct sw_check_status *checks; /* in cfg->checks order */
    size_t n_checks;
    struct sw_service_status *services; /* in cfg->services order */
    size_t n_services;
    int64_t taken_ms;
};

/* Thread-safe: a consistent copy of every check's and service's state; -ESHUTDOWN once
 * the engine is stopping. */
int sw_engine_status(struct sw_engine *e, struct sw_status **ret_status);
/* The same from what the store saved (for the CLI, with or without a running daemon). */
int sw_status_from_store(struct sw_config *cfg, struct sw_store *store,
                         struct sw_status **ret_status);
void sw_status_free(struct sw_status *st); /* NULL-safe */
const struct sw_check_status *sw_status_find_check(const struct sw_status *st, const char *path);

/* Counters and histograms for /metrics. Thread-safe copy. */
struct sw_engine_stats {
    uint64_t runs[SW_CHECK_TYPE_COUNT]; /* results by check type */
    uint64_t results[SW_STATE_COUNT];   /* results by state */
    uint64_t hard_changes;
    struct sw_histogram lateness_s;                     /* start time minus scheduled time */
    struct sw_histogram latency_s[SW_CHECK_TYPE_COUNT]; /* probe run time */
    int running[SW_CHECK_TYPE_COUNT];                   /* probes in flight */
    int waiting; /* runs due but held by a concurrency limit */
    uint64_t reloads;
    uint64_t reload_failures;
    int64_t started_ms;
};
void sw_engine_stats(struct sw_engine *e, struct sw_engine_stats *ret);

/* Runs one check now, outside any schedule, on its own loop, and returns its result (for
 * `stackward check run`). Passive checks give -EINVAL. */
int sw_check_run_once(const struct sw_check_conf *c, const struct sw_config *cfg,
                      struct sw_probe_result *ret);

#endif
