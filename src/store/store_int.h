/* SPDX-License-Identifier: Apache-2.0 */
/* store_int.h: what store.c (the backend-neutral queue and writer thread) and the backends
 * (sqlite.c, later postgres.c) share. Not part of the public interface: only src/store/ and
 * its unit tests include it. See docs/internals/store.md. */
#ifndef SW_STORE_INT_H
#define SW_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "store/store.h"

/* One queued write. Strings are owned by the op (copies of the caller's). */
enum sw_store_op_type {
    SW_OP_RESULT = 0,    /* u.result */
    SW_OP_STATE = 1,     /* u.snap */
    SW_OP_CHANGE = 2,    /* u.iv: close the open interval at t, open one with state */
    SW_OP_CLOSE = 3,     /* u.iv: close the open interval at t */
    SW_OP_ALIVE = 4,     /* u.t: last_alive = t (s) */
    SW_OP_PRUNE = 5,     /* u.t: delete results with t_ms < t (ms) */
    SW_OP_CLOSE_ALL = 6, /* u.t: close every open interval at t (s) */
    SW_OP_SYNC = 7,      /* u.sync: a marker, never handed to a backend */
};

struct sw_store_op {
    struct sw_store_op *next; /* queue link */
    enum sw_store_op_type type;
    union {
        struct sw_store_result result;
        struct sw_check_snapshot snap;
        struct {
            enum sw_object_kind kind;
            char *path;
            int64_t t; /* s */
            enum sw_state state;
        } iv;
        int64_t t;
        struct {
            sw_store_sync_cb cb;
            void *arg;
        } sync;
    } u;
};

/* A backend: one table per kind of database. ctx is the backend's own state, made by open()
 * and freed by close(). apply_batch() runs on the writer thread only; the reads may run on
 * any thread at the same time as apply_batch() and as each other. */
struct sw_store_backend {
    const char *name;
    /* target is what follows "sqlite:" (the file path) for SQLite, the whole URI for
     * PostgreSQL; password is the secret read from a file or the environment, or NULL. On
     * failure, puts a one-line message into err (when not NULL) and returns a negative
     * errno. */
    int (*open)(const char *target, const char *password, struct sw_buf *err, void **ret_ctx);
    void (*close)(void *ctx); /* NULL-safe */
    /* Applies ops[0..n) (never SW_OP_SYNC) in one transaction: all or nothing. 0 or -EIO. */
    int (*apply_batch)(void *ctx, struct sw_store_op *const *ops, size_t n);
    int (*load_states)(void *ctx, struct sw_check_snapshot **ret, size_t *ret_n);
    int (*history)(void *ctx, enum sw_object_kind kind, const char *path, int64_t from, int64_t to,
                   struct sw_interval **ret, size_t *ret_n);
    int (*results)(void *ctx, const char *path, int64_t from_ms, int64_t to_ms, size_t limit,
                   struct sw_store_result **ret, size_t *ret_n);
    int (*last_alive)(void *ctx, int64_t *ret_t);
    int (*count)(void *ctx, int64_t *ret_results, int64_t *ret_intervals);
    int (*first_seen)(void *ctx, enum sw_object_kind kind, const char *path, int64_t *ret_t);
    /* Synchronous writes on a connection of their own (any thread, any process). */
    int (*maint_add)(void *ctx, const struct sw_maint_row *m, int64_t *ret_id);
    int (*maint_list)(void *ctx, struct sw_maint_row **ret, size_t *ret_n);
    int (*maint_remove)(void *ctx, int64_t id);
    int (*token_add)(void *ctx, const struct sw_token_row *t, int64_t t_s);
    int (*token_find)(void *ctx, const unsigned char sha256[32], struct sw_token_row *ret);
    int (*token_any)(void *ctx, struct sw_token_row *ret);
    int (*token_list)(void *ctx, struct sw_token_row **ret, size_t *ret_n);
    int (*token_revoke)(void *ctx, const char *name, int64_t t_s);
    int (*derived_put)(void *ctx, const struct sw_derived_row *v, size_t n, int64_t t);
    int (*derived_retire)(void *ctx, const char *const *paths, size_t n, int64_t t);
    int (*derived_list)(void *ctx, bool with_retired, struct sw_derived_row **ret, size_t *ret_n);
    int (*derived_get)(void *ctx, const char *path, struct sw_derived_row *ret);
    int (*alerts_replace)(void *ctx, const struct sw_alert_row *v, size_t n);
    int (*alerts_list)(void *ctx, struct sw_alert_row **ret, size_t *ret_n);
    /* Incidents: store.c validates the arguments (fields in range, back-references to earlier
     * inserts, limits) before it calls these; they are synchronous like maint_add(). */
    int (*incident_write)(void *ctx, const struct sw_inc_change *changes, size_t n,
                          int64_t *ret_ids);
    int (*incident_get)(void *ctx, int64_t id, struct sw_incident *ret);
    int (*incident_list)(void *ctx, const struct sw_inc_filter *f, size_t limit,
                         struct sw_incident **ret, size_t *ret_n);
    int (*incident_last)(void *ctx, const char *service, struct sw_incident *ret);
    int (*incident_events)(void *ctx, int64_t id, struct sw_inc_event **ret, size_t *ret_n);
    int (*incident_notifications)(void *ctx, int64_t id, struct sw_notification **ret,
                                  size_t *ret_n);
    int (*notif_due)(void *ctx, int64_t now, size_t limit, struct sw_notification **ret,
                     size_t *ret_n);
    int (*notif_next_due)(void *ctx, int64_t *ret_t);
    int (*notif_record)(void *ctx, const struct sw_notif_outcome *v, size_t n,
                        const struct sw_inc_event *events, size_t n_events);
    int (*incident_log)(void *ctx, const struct sw_inc_event *events, size_t n);
    /* Cases and changes: validated by store.c like incidents, synchronous like maint_add().
     * change_finish() itself tells -ENOENT, -EALREADY and a t before the start (-EINVAL):
     * only the row knows. */
    int (*case_write)(void *ctx, const struct sw_case_row *c, const struct sw_case_event_row *ev,
                      size_t n, int64_t *ret_id);
    int (*case_get)(void *ctx, int64_t id, struct sw_case_row *ret);
    int (*case_for_incident)(void *ctx, int64_t incident, struct sw_case_row *ret);
    int (*case_list)(void *ctx, const struct sw_case_filter *f, size_t limit,
                     struct sw_case_row **ret, size_t *ret_n);
    int (*case_events)(void *ctx, int64_t id, struct sw_case_event_row **ret, size_t *ret_n);
    int (*change_start)(void *ctx, const struct sw_change_row *c, int64_t *ret_id);
    int (*change_finish)(void *ctx, int64_t id, int64_t t, int result, const char *note);
    int (*change_get)(void *ctx, int64_t id, struct sw_change_row *ret);
    int (*change_list)(void *ctx, int64_t from, int64_t to, const char *deployment,
                       struct sw_change_row **ret, size_t *ret_n);
};

extern const struct sw_store_backend sw_store_sqlite_backend;
extern const struct sw_store_backend sw_store_pg_backend;

/* The SQLite schema, one migration per entry, oldest first (migrations/sqlite.c). */
struct sw_store_migration {
    int version; /* 1, 2, 3, ... without gaps */
    const char *name;
    const char *sql; /* one or more statements */
};
const struct sw_store_migration *sw_store_sqlite_migrations(size_t *ret_n);

/* sw_store_open() with the backend given rather than chosen from a URI (tests use a fake
 * backend to exercise failures and retries). */
int sw_store_open_backend(const struct sw_store_backend *be, const char *target,
                          const char *password, struct sw_buf *err, struct sw_store **ret_store);

/* The backends' (kind, path) -> object id cache (idcache.c). Not thread-safe: each backend
 * keeps it for its writer thread. */
#define SW_IDCACHE_MAX 1000000 /* objects cached before the cache is emptied and refilled */
struct sw_idcache_entry {
    char *path; /* NULL: empty slot */
    uint64_t hash;
    int64_t id;
    int kind;
};
struct sw_idcache {
    struct sw_idcache_entry *v; /* cap slots */
    size_t cap;                 /* power of two, or 0 */
    size_t n;
};
void sw_idcache_clear(struct sw_idcache *c);
bool sw_idcache_get(struct sw_idcache *c, int kind, const char *path, int64_t *ret_id);
/* Sets path's id (a full cache is emptied first). */
void sw_idcache_put(struct sw_idcache *c, int kind, const char *path, int64_t id);

/* Frees what an op owns, then the op. NULL-safe. */
void sw_store_op_free(struct sw_store_op *op);

#endif
