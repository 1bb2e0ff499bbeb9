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

/* Opens the store named by uri: "sqlite:PATH" or a plain PATH (SQLite: the file is created),
 * or "postgres://..." / "postgresql://..." (PostgreSQL, libpq's URI). Migrates the schema to
 * the current version. Starts the writer thread.
 * Errors: -EINVAL for an unknown scheme or an empty path, -EIO when the database cannot be
 * opened or migrated, or is newer than this binary. A one-line message (never a password)
 * goes into err (when not NULL) and to the debug log. */
int sw_store_open(const char *uri, struct sw_buf *err, struct sw_store **ret_store);

/* What sw_store_open_with() may be told beyond the URI. */
struct sw_store_options {
    const char *password; /* PostgreSQL: the password (read from a file or the environment,
                             never written in the URI of a config), or NULL */
    size_t buffer_max;    /* raw results held in memory while the database cannot be written;
                             past it new raw results are dropped (counted in stats.dropped;
                             states and intervals are always kept). 0: SW_STORE_BUFFER_DEFAULT */
};
#define SW_STORE_BUFFER_DEFAULT 100000
/* sw_store_open() with options (o may be NULL). "postgres://" and "postgresql://" URIs open
 * the PostgreSQL backend (libpq; the URI is libpq's, so host, port, dbname, sslmode... are
 * all there). */
int sw_store_open_with(const char *uri, const struct sw_store_options *o, struct sw_buf *err,
                       struct sw_store **ret_store);
/* uri fit for messages and logs: a password in it ("user:secret@", "password=secret")
 * becomes "***". Into out (size bytes), which is returned. */
char *sw_store_uri_redact(const char *uri, char *out, size_t size);
/* The backend's name: "sqlite" or "postgresql". */
const char *sw_store_backend_name(const struct sw_store *s);
/* True while the last commit attempt failed (the database is unreachable or refuses writes)
 * and the writes queued since wait for it: callers taking outside input answer 503 rather
 * than queue more. Thread-safe. */
bool sw_store_degraded(struct sw_store *s);
/* Commits what is queued, stops the writer thread, closes. NULL-safe. */
void sw_store_free(struct sw_store *s);

/* ---- writes: queued, committed in batches on the writer thread ---- */

/* Each takes copies of the strings; none blocks on disk. */
void sw_store_add_result(struct sw_store *s, const struct sw_store_result *r);
/* A snapshot older than the one stored (last_check_ms before its) is not written: with
 * several nodes, the node giving a check up may save it after the node taking it did. */
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
    uint64_t dropped;             /* ops given up at sw_store_free() after repeated failures,
                                     and raw results refused past the buffer bound */
    uint64_t buffered;            /* data ops queued now (what an outage holds in memory) */
    bool degraded;                /* the last commit attempt failed */
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

/* ---- who may do what: roles of API tokens and web sessions ---- */

enum sw_role {
    SW_ROLE_ADMIN = 0,    /* everything, tokens and reload included */
    SW_ROLE_ENGINEER = 1, /* reads everything; acknowledges, resolves, works cases, posts results */
    SW_ROLE_VIEWER = 2,   /* reads everything, changes nothing */
    SW_ROLE_CUSTOMER = 3, /* reads its own customer's objects; opens and comments on its cases */
};
#define SW_ROLE_COUNT 4
const char *sw_role_name(enum sw_role r); /* "admin", "engineer", "viewer", "customer" */
int sw_role_parse(const char *s, enum sw_role *ret);

/* An API token made with `stackward token create`: only its SHA-256 is kept. */
struct sw_token_row {
    int64_t id;
    char *name;
    enum sw_role role;
    char *customer; /* SW_ROLE_CUSTOMER: its customer; else NULL */
    unsigned char sha256[32];
    int64_t created_s;
    int64_t revoked_s; /* 0: in force */
};
/* Adds a token in force at t: -EEXIST when a token in force has that name or that hash,
 * -EINVAL for a customer role without customer (or another role with one). Synchronous. */
int sw_store_token_add(struct sw_store *s, const struct sw_token_row *t, int64_t t_s);
/* The token in force with that hash: 0 and *ret filled (release with sw_token_row_release),
 * -ENOENT when none (unknown or revoked). */
int sw_store_token_find(struct sw_store *s, const unsigned char sha256[32],
                        struct sw_token_row *ret);
/* Whether any token is in force: 1, 0, or -EIO when the store cannot tell. */
int sw_store_token_any(struct sw_store *s);
/* Every token, in force and revoked, by creation. Free with sw_token_rows_free(). */
int sw_store_token_list(struct sw_store *s, struct sw_token_row **ret, size_t *ret_n);
/* Revokes the token in force named name at t: 0, or -ENOENT. */
int sw_store_token_revoke(struct sw_store *s, const char *name, int64_t t_s);
void sw_token_row_release(struct sw_token_row *t);
void sw_token_rows_free(struct sw_token_row *v, size_t n);

/* ---- derived checks: made at run time by discovery and alerts ---- */

struct sw_derived_row {
    char *path;   /* "acme/fra1/compute/public-RegionOne" */
    char *parent; /* the check that reports it, or "alertmanager" */
    int64_t freshness_ms;
    int64_t created_s;
    int64_t retired_s; /* 0: in use */
};
/* Records v[0..n) as in use at t (s): new rows are created at t, retired ones come back
 * (created_s kept), parent and freshness are updated. Synchronous, one transaction. */
int sw_store_derived_put(struct sw_store *s, const struct sw_derived_row *v, size_t n, int64_t t);
/* Marks paths[0..n) retired at t (s); their history stays. Synchronous. 0 or -EIO. */
int sw_store_derived_retire(struct sw_store *s, const char *const *paths, size_t n, int64_t t);
/* The rows, in use only unless with_retired, by path. Free with sw_derived_rows_free(). */
int sw_store_derived_list(struct sw_store *s, bool with_retired, struct sw_derived_row **ret,
                          size_t *ret_n);
void sw_derived_rows_free(struct sw_derived_row *v, size_t n);
/* True when path is a derived check, in use or retired (its history is still asked for). */
bool sw_store_is_derived(struct sw_store *s, const char *path);

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

/* ---- incidents, their timelines and the notification outbox ----
 * Synchronous and durable when they return, like the maintenance functions (the daemon, the
 * CLI in another process and the API threads all write them). Every change to an incident is
 * one transaction guarded by the row's version (optimistic concurrency): a writer reads an
 * incident, decides, and writes back with the version it read; when someone else wrote in
 * between, the write fails with -ESTALE and nothing of it is applied, so the writer reads
 * again and decides again. Timeline events and queued notifications go in the same
 * transaction as the incident change that caused them: a crash never leaves a step taken but
 * its notifications unqueued, nor queued twice. */

enum sw_inc_status {
    SW_INC_TRIGGERED = 0,
    SW_INC_ACKNOWLEDGED = 1,
    SW_INC_RECOVERED = 2, /* the service recovered; awaiting someone's confirmation */
    SW_INC_RESOLVED = 3,
};
#define SW_INC_STATUS_COUNT 4

/* "triggered", "acknowledged", "recovered", "resolved"; NULL for an invalid value. */
const char *sw_inc_status_name(enum sw_inc_status s);
/* The reverse, exact lower-case names: 0 or -EINVAL. */
int sw_inc_status_parse(const char *s, enum sw_inc_status *ret);

enum sw_inc_kind {
    SW_INC_OUTAGE = 0, /* a service entered a hard non-OK state */
    SW_INC_BURN = 1,   /* an SLO burn-rate alert (page) */
    SW_INC_CASE = 2,   /* a support case's timer reached its warning share or missed its goal;
                          service is "CUSTOMER/cases/CASE-7" */
};

struct sw_incident {
    int64_t id;      /* assigned by the store at insert; shown as "INC-<id>" */
    int64_t version; /* row version: 1 after insert, +1 on each change */
    enum sw_inc_kind kind;
    char *service;    /* service path "acme/fra1/identity" */
    char *customer;   /* customer id (the first part of the path) */
    char *deployment; /* deployment path "acme/fra1" */
    char *title;      /* one line: "CRITICAL: acme / fra1 / Keystone" */
    int severity;     /* 1 .. 4 (sev1 the most severe) */
    enum sw_inc_status status;
    enum sw_state state; /* the service's state now (while open) or when it ended */
    char *output;        /* the check output that tells why, or NULL */
    int64_t since;       /* s: the service's state since */
    int64_t opened;      /* s */
    int64_t acked;       /* s, 0: never */
    char *acked_by;      /* engineer id or NULL */
    int64_t recovered;   /* s: the service recovered (hard OK), 0: not (or failed again) */
    int64_t resolved;    /* s, 0: not */
    char *resolved_by;   /* engineer id; NULL when resolved by the service's recovery */
    int64_t parent;      /* 0, or the incident this one is attached to (a failed dependency) */
    int reopened;        /* how many times it re-opened */
    char *policy;        /* escalation policy id, or NULL: nobody is paged */
    /* the escalation cursor: the last step whose notifications were queued */
    bool esc_started;
    int esc_round;
    int esc_step;
    int64_t esc_t;    /* s: when that step was due */
    int64_t next_due; /* s: when the next step is due; 0: none (acked, resolved, done) */
};
void sw_incident_release(struct sw_incident *inc); /* frees the strings; NULL-safe */
void sw_incidents_free(struct sw_incident *v, size_t n);

/* One line of an incident's timeline. */
struct sw_inc_event {
    int64_t id;       /* assigned by the store */
    int64_t incident; /* filled by the store when written with an incident change */
    int64_t t;        /* s */
    char *kind;  /* "opened", "notified", "delivery-failed", "retry", "escalated", "acknowledged",
                    "note", "state", "recovered", "resolved", "reopened", "attached",
                    "detached", "suppressed", ... */
    char *actor; /* engineer id, or NULL for stackward itself */
    char *text;  /* human-readable line, or NULL */
};
void sw_inc_events_free(struct sw_inc_event *v, size_t n);

enum sw_notif_status {
    SW_NOTIF_PENDING = 0,   /* queued, due at `due`, maybe after failed attempts */
    SW_NOTIF_SENT = 1,      /* delivered */
    SW_NOTIF_FAILED = 2,    /* retries used up */
    SW_NOTIF_CANCELLED = 3, /* the incident was acknowledged or resolved before it went out */
};

enum sw_notif_kind {
    SW_NOTIF_TRIGGER = 0,  /* an escalation step: someone must act */
    SW_NOTIF_RESOLVED = 1, /* the incident was resolved: to those notified before */
};

/* One notification in the outbox: one message to one address over one channel. */
struct sw_notification {
    int64_t id;       /* assigned by the store */
    int64_t incident; /* filled by the store when written with an incident change */
    enum sw_notif_kind kind;
    int round; /* escalation step that queued it (TRIGGER), else -1 */
    int step;
    char *engineer;   /* engineer id, or NULL for a channel target */
    char *channel;    /* channel id */
    char *address;    /* an email address, or NULL: the channel's own destination */
    char *deployment; /* deployment path of the incident: storms group by it */
    int64_t created;  /* s */
    int64_t due;      /* s: the next attempt is due then */
    int attempts;     /* attempts made */
    enum sw_notif_status status;
    char *error;  /* last failure, or NULL */
    int64_t sent; /* s, 0: not sent */
};
void sw_notifications_free(struct sw_notification *v, size_t n);

/* One incident change for sw_store_incident_write(). */
struct sw_inc_change {
    /* The incident as it must be after the change. id 0: insert a new one (version ignored);
     * else update the row with this id whose version is inc->version (it becomes
     * inc->version + 1). */
    const struct sw_incident *inc;
    const struct sw_inc_event *events; /* appended to its timeline (ids ignored) */
    size_t n_events;
    const struct sw_notification *notifs; /* queued (ids ignored; status PENDING) */
    size_t n_notifs;
    bool cancel_pending; /* first, mark its PENDING TRIGGER notifications CANCELLED */
};

/* Applies changes[0..n) in one transaction: all or nothing. ret_ids (may be NULL) gets each
 * incident's id (the new one for an insert). A change may name, as its inc->parent, the
 * negative index -(k + 1) of an insert earlier in the same call: it becomes that incident's
 * id. Errors: -ESTALE (a version did not match, or the row is gone), -EEXIST (a second
 * incident of the same service that is not resolved: at most one per service is open),
 * -EINVAL (a field out of range), -EIO. */
int sw_store_incident_write(struct sw_store *s, const struct sw_inc_change *changes, size_t n,
                            int64_t *ret_ids);

/* One incident: 0, -ENOENT, -EIO. Release *ret with sw_incident_release(). */
int sw_store_incident_get(struct sw_store *s, int64_t id, struct sw_incident *ret);

struct sw_inc_filter {
    bool open_only;       /* status != resolved */
    const char *service;  /* exact service path, or NULL */
    const char *customer; /* or NULL */
    int64_t opened_from;  /* opened >= this (s); 0: any */
    int64_t opened_to;    /* opened < this (s); 0: any */
    size_t limit;         /* 1 .. SW_STORE_INCIDENTS_MAX; 0 means SW_STORE_INCIDENTS_MAX */
    bool newest_first;    /* order by opened descending (else ascending), then id */
};
#define SW_STORE_INCIDENTS_MAX 100000
/* The incidents f selects. Free with sw_incidents_free(). */
int sw_store_incident_list(struct sw_store *s, const struct sw_inc_filter *f,
                           struct sw_incident **ret, size_t *ret_n);

/* The most recent incident of service (the open one if any, else the one resolved last):
 * 0, -ENOENT when the service never had one, -EIO. */
int sw_store_incident_last(struct sw_store *s, const char *service, struct sw_incident *ret);

/* Timeline of incident id, oldest first (by t, then id). */
int sw_store_incident_events(struct sw_store *s, int64_t id, struct sw_inc_event **ret,
                             size_t *ret_n);
/* Notifications of incident id, by id. */
int sw_store_incident_notifications(struct sw_store *s, int64_t id, struct sw_notification **ret,
                                    size_t *ret_n);

/* PENDING notifications due at or before now, by due then id, at most limit (1 .. 10000). */
int sw_store_notif_due(struct sw_store *s, int64_t now, size_t limit, struct sw_notification **ret,
                       size_t *ret_n);
/* The earliest due time of a PENDING notification, 0 when none. */
int sw_store_notif_next_due(struct sw_store *s, int64_t *ret_t);

/* The outcome of one delivery attempt of notification id. */
struct sw_notif_outcome {
    int64_t id;
    enum sw_notif_status status; /* SENT, FAILED, or PENDING again (a retry at due) */
    int64_t due;                 /* PENDING: when to try again */
    const char *error;           /* NULL when sent */
    int64_t t;                   /* s: when the attempt ended (sent time when SENT) */
};

/* Records outcomes v[0..n) (each adds one to attempts and sets status, due, error, sent) and
 * appends events to the timelines of their incidents (event.incident must be set), in one
 * transaction. A notification that is no longer PENDING (cancelled meanwhile) keeps its
 * status unless the outcome is SENT (it went out). 0, -EIO. */
int sw_store_notif_record(struct sw_store *s, const struct sw_notif_outcome *v, size_t n,
                          const struct sw_inc_event *events, size_t n_events);

/* Appends events to incident timelines without changing the incidents (notes are not:
 * a note is an incident change, for its version). 0, -ENOENT (no such incident), -EIO. */
int sw_store_incident_log(struct sw_store *s, const struct sw_inc_event *events, size_t n);

/* ---- support cases and changes ----
 * Synchronous and durable when they return, like incidents (the CLI, the API and the daemon
 * write them). A case change is one transaction guarded by the row's version, with the events
 * it appends. */

struct sw_case_row {
    int64_t id;       /* assigned at insert; shown as "CASE-<id>" */
    int64_t version;  /* 1 after insert, +1 on each change */
    char *customer;   /* customer id */
    char *deployment; /* deployment path, or NULL */
    char *service;    /* service path, or NULL */
    int severity;     /* 1 .. 4 */
    char *title;
    char *description;  /* or NULL */
    int status;         /* enum sw_case_status (cases.h): 0 new .. 4 closed */
    char *assignee;     /* engineer id, or NULL */
    char *opened_by;    /* engineer id, "customer" (the customer's token) or "stackward" */
    int64_t created;    /* s */
    int64_t last_event; /* s: the time of its newest event (actions may not go before it) */
    int64_t incident;   /* the incident that opened it, or 0 */
    int reopened;       /* times re-opened */
};
void sw_case_row_release(struct sw_case_row *c); /* NULL-safe */
void sw_case_rows_free(struct sw_case_row *v, size_t n);

/* One event of a case's history: what the timers (cases.h) and the timeline read. */
struct sw_case_event_row {
    int64_t id;      /* assigned by the store */
    int64_t case_id; /* filled by the store */
    int64_t t;       /* s */
    int kind;        /* enum sw_case_event_kind (cases.h), or SW_CASE_EV_ASSIGN / _LINK below */
    int status;      /* the new status for created, status and reopen; -1 otherwise */
    char *author;    /* engineer id, "customer" or "stackward" */
    char *text;      /* comment text, assignee, ...; or NULL */
};
#define SW_CASE_EV_ASSIGN 100 /* assigned to text (an engineer id) */
#define SW_CASE_EV_LINK 101   /* linked to incident text ("INC-42") */
void sw_case_event_rows_free(struct sw_case_event_row *v, size_t n);

/* Writes case c (id 0: insert, version ignored; else update where the version is c->version)
 * and appends events ev[0..n) to it, in one transaction. *ret_id (may be NULL) gets its id.
 * -ESTALE (version), -EEXIST (a second case for the same incident), -EINVAL (a field out of
 * range), -EIO. */
int sw_store_case_write(struct sw_store *s, const struct sw_case_row *c,
                        const struct sw_case_event_row *ev, size_t n, int64_t *ret_id);
/* 0, -ENOENT, -EIO. */
int sw_store_case_get(struct sw_store *s, int64_t id, struct sw_case_row *ret);
/* The case opened by incident (0 or -ENOENT). */
int sw_store_case_for_incident(struct sw_store *s, int64_t incident, struct sw_case_row *ret);

struct sw_case_filter {
    const char *customer; /* or NULL */
    bool open_only;       /* status new, open or waiting */
    int64_t created_from; /* created >= this; 0: any */
    int64_t created_to;   /* created < this; 0: any */
    size_t limit;         /* 0: SW_STORE_CASES_MAX */
    bool newest_first;    /* by created descending (else ascending), then id */
};
#define SW_STORE_CASES_MAX 100000
int sw_store_case_list(struct sw_store *s, const struct sw_case_filter *f, struct sw_case_row **ret,
                       size_t *ret_n);
/* Events of case id, oldest first (by t, then id). */
int sw_store_case_events(struct sw_store *s, int64_t id, struct sw_case_event_row **ret,
                         size_t *ret_n);

/* A planned operation on a deployment. */
struct sw_change_row {
    int64_t id;       /* assigned at start; "CHG-<id>" */
    char *customer;   /* customer id */
    char *deployment; /* deployment path */
    char *title;
    char *started_by; /* engineer id */
    int64_t started;  /* s */
    int64_t finished; /* s, 0 while running */
    int result;       /* -1 running, 0 ok, 1 failed */
    char *note;       /* or NULL */
};
void sw_change_row_release(struct sw_change_row *c); /* NULL-safe */
void sw_change_rows_free(struct sw_change_row *v, size_t n);
/* Records a started change (id ignored; finished 0, result -1): *ret_id gets its id. */
int sw_store_change_start(struct sw_store *s, const struct sw_change_row *c, int64_t *ret_id);
/* Finishes change id at t with result (0 ok, 1 failed) and note (may be NULL): 0, -ENOENT,
 * -EALREADY (already finished), -EINVAL (t before its start, bad result), -EIO. */
int sw_store_change_finish(struct sw_store *s, int64_t id, int64_t t, int result, const char *note);
/* 0, -ENOENT, -EIO. Release *ret with sw_change_row_release(). */
int sw_store_change_get(struct sw_store *s, int64_t id, struct sw_change_row *ret);
/* Changes started in [from, to) (0, 0: all), of deployment (NULL: any), by start then id. */
int sw_store_change_list(struct sw_store *s, int64_t from, int64_t to, const char *deployment,
                         struct sw_change_row **ret, size_t *ret_n);

/* Counts for tests and `migrate`: rows in results and in intervals. */
int sw_store_count(struct sw_store *s, int64_t *ret_results, int64_t *ret_intervals);

/* ---- migrate: a SQLite store copied into PostgreSQL (`stackward migrate`) ---- */

/* Copies every table of the SQLite store at from_path into the empty PostgreSQL database
 * to_uri (migrated to the current schema first), in one transaction, then checks that each
 * table has as many rows on both sides. progress (may be NULL) gets one line per table.
 * The SQLite file is only read (read-only, one snapshot); ids are kept and the identity
 * sequences moved past them; the cluster_* tables are not copied. password (may be NULL)
 * is the target's, as in struct sw_store_options. Errors, with a one-line message in err
 * (when not NULL): -ENOENT (no such file), -EINVAL (not a stackward store, or not of this
 * binary's schema version; a target that is not a postgresql:// URI), -EEXIST (a copied
 * table of the target already holds rows; the message names it), -EIO (the target cannot
 * be reached or refuses, a copy failed, or the counts differ): nothing is left behind. */
int sw_store_migrate(const char *from_path, const char *to_uri, const char *password,
                     void (*progress)(void *arg, const char *table, int64_t rows), void *arg,
                     struct sw_buf *err);

#endif
