/* SPDX-License-Identifier: Apache-2.0 */
/* store.h: the history. One interface, backends behind a table of functions (sqlite.c,
 * later postgres.c). Writes are queued and committed in batches on the store's own thread,
 * so the probe loop never waits on disk; sw_store_sync() tells when what was queued is
 * durable. Reads are synchronous and may be called from any thread, also while the writer
 * commits (they use read connections of their own), which is what the CLI and the API
 * handlers do. Reads see what is committed, not what is still queued. Internals:
 * docs/internals/store.md.
 *
 * Objects (checks and services) are named by path. A state interval is [start, end) with
 * end = 0 while it is still open; at most one interval per object is open. */
#ifndef SW_STORE_H
#define SW_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

enum sw_object_kind {
    SW_OBJ_CHECK = 0,
    SW_OBJ_SERVICE = 1,
};

/* One raw result row. */
struct sw_store_result {
    char *path;   /* check path */
    int64_t t_ms; /* when observed */
    enum sw_state state;
    bool hard;
    int attempt;
    int64_t latency_us;
    char *output;
    char *perfdata; /* or NULL */
    bool passive;
};

/* The live state of a check, saved so a restart resumes it. */
struct sw_check_snapshot {
    char *path;
    enum sw_state state;      /* last result's state */
    enum sw_state hard_state; /* last hard state */
    bool hard;                /* is state hard */
    bool has_state;           /* false while pending (no result yet) */
    int attempt;              /* 1.. while soft */
    int64_t since;            /* hard state since, s */
    int64_t last_check_ms;    /* last result time, ms; 0 when none */
    int64_t last_change_ms;   /* last state change (soft or hard), ms */
    char *output;
    char *perfdata; /* or NULL */
    bool flapping;
    uint32_t flap_history;   /* bit i: result i (0 newest) changed state */
    int flap_count;          /* results in flap_history, 0..21 */
    enum sw_state flap_last; /* state of the newest result in flap_history */
};

void sw_check_snapshot_release(struct sw_check_snapshot *s);

/* One state interval as read back. */
struct sw_interval {
    int64_t start; /* s */
    int64_t end;   /* s, 0 while open */
    enum sw_state state;
};

struct sw_store;

/* Opens the store named by uri: "sqlite:PATH", or a plain PATH (SQLite). Creates the file
 * and migrates the schema to the current version. Starts the writer thread.
 * Errors: -EINVAL for an unknown scheme or an empty path ("postgres://" and "postgresql://"
 * give "PostgreSQL backend not built" until that backend exists), -EIO when the database
 * cannot be opened or migrated, or is newer than this binary. A one-line message goes into
 * err (when not NULL) and to the debug log. */
int sw_store_open(const char *uri, struct sw_buf *err, struct sw_store **ret_store);
/* Commits what is queued, stops the writer thread, closes. NULL-safe. */
void sw_store_free(struct sw_store *s);

/* ---- writes: queued, committed in batches on the writer thread ---- */

/* Each takes copies of the strings; none blocks on disk. */
void sw_store_add_result(struct sw_store *s, const struct sw_store_result *r);
void sw_store_save_state(struct sw_store *s, const struct sw_check_snapshot *snap);
/* The state of object path changed at t (s): the open interval, if any, is closed at t, and
 * a new one opened with state. Nothing happens when the open interval already has state. An
 * open interval that starts at t (or later) is replaced, not closed: no zero-length rows. */
void sw_store_state_change(struct sw_store *s, enum sw_object_kind kind, const char *path,
                           int64_t t, enum sw_state state);
/* Closes the open interval of path at t, if any, and opens none (no longer observed). */
void sw_store_close_interval(struct sw_store *s, enum sw_object_kind kind, const char *path,
                             int64_t t);
/* Records that the daemon was alive and observing at t (s): see sw_store_last_alive(). */
void sw_store_mark_alive(struct sw_store *s, int64_t t);
/* Deletes raw results older than before_ms. Intervals are kept forever. */
void sw_store_prune_results(struct sw_store *s, int64_t before_ms);

/* Calls cb(arg, status) on the writer thread once everything queued before this call is
 * committed (status 0) or failed to commit (-EIO; nothing of that batch was applied, and the
 * writes stay queued and are retried with back-off). cb must not block nor call
 * sw_store_flush(); it may queue writes. */
typedef void (*sw_store_sync_cb)(void *arg, int status);
void sw_store_sync(struct sw_store *s, sw_store_sync_cb cb, void *arg);
/* Blocks until everything queued so far is committed. Returns 0 or -EIO (the writes stay
 * queued and are retried). Not from a sync callback. */
int sw_store_flush(struct sw_store *s);

/* Writes queued but not yet committed (for /metrics and back-pressure). */
size_t sw_store_queue_len(struct sw_store *s);

/* Batch commit latency (seconds) and counts, for /metrics. Thread-safe. */
struct sw_store_stats {
    struct sw_histogram commit_s; /* time per batch commit */
    uint64_t rows;                /* rows written */
    uint64_t failures;            /* commit attempts that failed (each is retried) */
    uint64_t dropped;             /* ops given up at sw_store_free() after repeated failures */
};
void sw_store_stats(struct sw_store *s, struct sw_store_stats *ret);

/* ---- reads: synchronous, any thread ---- */

/* All saved check states; *ret is an array of *ret_n snapshots, freed with
 * sw_check_snapshots_free(). */
int sw_store_load_states(struct sw_store *s, struct sw_check_snapshot **ret, size_t *ret_n);
void sw_check_snapshots_free(struct sw_check_snapshot *v, size_t n);

/* The intervals of path that overlap [from, to), oldest first, clipped to nothing (the
 * stored start and end are returned). *ret is freed with free(); it is NULL when *ret_n is 0
 * (also for a path never seen, and for an empty range, from >= to). More than
 * SW_STORE_HISTORY_MAX intervals: -E2BIG. */
#define SW_STORE_HISTORY_MAX 1000000
int sw_store_history(struct sw_store *s, enum sw_object_kind kind, const char *path, int64_t from,
                     int64_t to, struct sw_interval **ret, size_t *ret_n);

/* Raw results of check path with from_ms <= t < to_ms, newest first, at most limit (1 ..
 * SW_STORE_RESULTS_MAX, else -EINVAL). Free with sw_store_results_free(). */
#define SW_STORE_RESULTS_MAX 100000
int sw_store_results(struct sw_store *s, const char *path, int64_t from_ms, int64_t to_ms,
                     size_t limit, struct sw_store_result **ret, size_t *ret_n);
void sw_store_results_free(struct sw_store_result *v, size_t n);

/* The last time recorded with sw_store_mark_alive(), 0 when never. */
int sw_store_last_alive(struct sw_store *s, int64_t *ret_t);
/* Closes every open interval at t (one that starts at or after t is deleted): used at
 * start-up after an unclean stop (the time between the last sign of life and now is unknown,
 * never assumed up). Goes through the write queue, ordered with the other writes, and waits
 * for its commit: 0 or -EIO. */
int sw_store_close_all_open(struct sw_store *s, int64_t t);

/* The start of the first interval ever recorded for path (when it was first observed), or 0
 * in *ret_t when there is none. */
int sw_store_first_seen(struct sw_store *s, enum sw_object_kind kind, const char *path,
                        int64_t *ret_t);

/* ---- maintenance windows added at run time (`stackward maint`, the API) ----
 * These are synchronous and durable when they return: they go straight to the database on a
 * connection of their own (another process may be the daemon), not through the queue. */

struct sw_maint_row {
    int64_t id;      /* assigned by the store */
    char *scope;     /* customer, customer/deployment or customer/deployment/service */
    int64_t start;   /* s */
    int64_t end;     /* s, > start */
    char *reason;    /* or NULL */
    bool excluded;   /* excluded from the SLA (true), or shown but counted */
    int64_t created; /* s */
};

/* Adds m (its id is ignored); *ret_id gets the new id. 0, -EINVAL (end <= start), -EIO. */
int sw_store_maint_add(struct sw_store *s, const struct sw_maint_row *m, int64_t *ret_id);
/* All windows, oldest start first. Free with sw_maint_rows_free(). */
int sw_store_maint_list(struct sw_store *s, struct sw_maint_row **ret, size_t *ret_n);
/* Removes window id: 0, -ENOENT when there is none, -EIO. */
int sw_store_maint_remove(struct sw_store *s, int64_t id);
void sw_maint_rows_free(struct sw_maint_row *v, size_t n);

/* ---- SLO burn-rate alerts: the evaluator's current view, replaced as a whole ---- */

struct sw_alert_row {
    char *service;  /* service path */
    bool page;      /* page (true) or ticket */
    int64_t long_s; /* the rule's windows */
    int64_t short_s;
    uint32_t factor_milli; /* burn-rate threshold x 1000 */
    double burn_long;      /* measured burn rates */
    double burn_short;
    int64_t exhaustion_s; /* period / burn_long: time left to spend the budget at this rate */
    int64_t since;        /* s: firing since */
    bool no_data;         /* no eligible data in the long window (not a burn) */
};

/* Replaces the stored alerts with v[0..n). Synchronous. 0 or -EIO. */
int sw_store_alerts_replace(struct sw_store *s, const struct sw_alert_row *v, size_t n);
/* The stored alerts, by service then rule. Free with sw_alert_rows_free(). */
int sw_store_alerts_list(struct sw_store *s, struct sw_alert_row **ret, size_t *ret_n);
void sw_alert_rows_free(struct sw_alert_row *v, size_t n);

/* Counts for tests and `migrate`: rows in results and in intervals. */
int sw_store_count(struct sw_store *s, int64_t *ret_results, int64_t *ret_intervals);

#endif
