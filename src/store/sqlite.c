/* SPDX-License-Identifier: Apache-2.0 */
/* sqlite.c: the SQLite backend of store.h (the embedded default). One writer connection,
 * used by the writer thread only, with its statements prepared once and an in-memory
 * (kind, path) -> object id cache; reads take a read-only connection from a small pool, so
 * any thread may read while the writer commits (WAL); the synchronous writes (maintenance,
 * alerts, incidents, cases, changes) share one more connection, the direct one, under a mutex.
 * Migrations in migrations/sqlite.c. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

#define BUSY_TIMEOUT_MS 5000
#define POOL_MAX 4 /* idle read connections kept */

enum {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_OBJ_GET,
    S_OBJ_INS,
    S_RES_INS,
    S_STATE_PUT,
    S_IV_OPEN,
    S_IV_PREV,
    S_IV_CLOSE,
    S_IV_REOPEN,
    S_IV_DEL,
    S_IV_INS,
    S_ALIVE,
    S_PRUNE,
    S_ALL_DEL,
    S_ALL_CLOSE,
    S_N,
};

static const char *const stmt_sql[S_N] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_OBJ_GET] = "SELECT id FROM objects WHERE kind = ?1 AND path = ?2",
    [S_OBJ_INS] = "INSERT INTO objects (kind, path) VALUES (?1, ?2)",
    [S_RES_INS] = "INSERT INTO results (object_id, t_ms, state, hard, attempt, latency_us, "
                  "output, perfdata, passive) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_STATE_PUT] =
        "INSERT INTO check_state (object_id, state, hard_state, hard, has_state, attempt, "
        "since_s, last_check_ms, last_change_ms, output, perfdata, flapping, flap_history, "
        "flap_count, flap_last) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, ?15) ON CONFLICT (object_id) DO UPDATE SET state = excluded.state, "
        "hard_state = excluded.hard_state, hard = excluded.hard, has_state = excluded.has_state, "
        "attempt = excluded.attempt, since_s = excluded.since_s, "
        "last_check_ms = excluded.last_check_ms, last_change_ms = excluded.last_change_ms, "
        "output = excluded.output, perfdata = excluded.perfdata, flapping = excluded.flapping, "
        "flap_history = excluded.flap_history, flap_count = excluded.flap_count, "
        "flap_last = excluded.flap_last "
        "WHERE excluded.last_check_ms >= check_state.last_check_ms",
    [S_IV_OPEN] = "SELECT id, start_s, state FROM intervals WHERE object_id = ?1 AND end_s IS NULL",
    [S_IV_PREV] = "SELECT id, state FROM intervals WHERE object_id = ?1 AND end_s = ?2",
    [S_IV_CLOSE] = "UPDATE intervals SET end_s = ?2 WHERE id = ?1",
    [S_IV_REOPEN] = "UPDATE intervals SET end_s = NULL WHERE id = ?1",
    [S_IV_DEL] = "DELETE FROM intervals WHERE id = ?1",
    [S_IV_INS] =
        "INSERT INTO intervals (object_id, start_s, end_s, state) VALUES (?1, ?2, NULL, ?3)",
    [S_ALIVE] = "INSERT INTO meta (key, value) VALUES ('last_alive', ?1) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [S_PRUNE] = "DELETE FROM results WHERE t_ms < ?1",
    [S_ALL_DEL] = "DELETE FROM intervals WHERE end_s IS NULL AND start_s >= ?1",
    [S_ALL_CLOSE] = "UPDATE intervals SET end_s = ?1 WHERE end_s IS NULL",
};

struct sq {
    char *path;
    sqlite3 *db; /* the writer's: open(), then the writer thread, then close() */
    sqlite3_stmt *st[S_N];
    struct sw_idcache ids;
    pthread_mutex_t pool_lock;
    sqlite3 *pool[POOL_MAX];
    size_t npool;
    /* The synchronous writes' connection (maintenance, alerts, incidents), opened on first
     * use and kept: the incident manager writes every second. */
    pthread_mutex_t direct_lock; /* guards direct and every use of it */
    sqlite3 *direct;
};

/* ---- helpers ---- */

static int db_fail(sqlite3 *db, const char *what)
{
    sw_debug("store: sqlite: %s: %s", what, sqlite3_errmsg(db));
    return -EIO;
}

/* Steps a statement that returns no row, then resets it. */
static int run(struct sq *q, int i)
{
    sqlite3_stmt *st = q->st[i];
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        sw_debug("store: sqlite: \"%s\": %s", stmt_sql[i], sqlite3_errmsg(q->db));
        return -EIO;
    }
    return 0;
}

static void bind_text(sqlite3_stmt *st, int col, const char *s)
{
    if (s) {
        sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, col);
    }
}

static char *col_text(sqlite3_stmt *st, int col)
{
    return sw_xstrdup((const char *)sqlite3_column_text(st, col));
}

/* ---- open, migrate, close ---- */

static void reader_close(sqlite3 *db);

static int set_err(struct sw_buf *err, const char *path, const char *msg)
{
    sw_debug("store: sqlite: %s: %s", path, msg);
    if (err) {
        sw_buf_printf(err, "%s: %s", path, msg);
    }
    return -EIO;
}

static int migrate(struct sq *q, struct sw_buf *err)
{
    size_t n;
    const struct sw_store_migration *m = sw_store_sqlite_migrations(&n);
    int latest = m[n - 1].version;
    sqlite3_stmt *st = NULL;
    int cur = 0, rc, r = -EIO;
    char *msg;

    if (sqlite3_exec(q->db,
                     "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK) {
        goto fail;
    }
    if (sqlite3_prepare_v2(q->db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1,
                           &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        goto fail;
    }
    cur = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (cur > latest) {
        msg = sw_xasprintf("database schema version %d is newer than this stackward supports "
                           "(%d): upgrade stackward, or use another database",
                           cur, latest);
        set_err(err, q->path, msg);
        free(msg);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= cur) {
            continue;
        }
        if (sqlite3_exec(q->db, m[i].sql, NULL, NULL, NULL) != SQLITE_OK) {
            goto fail;
        }
        if (sqlite3_prepare_v2(q->db,
                               "INSERT INTO schema_migrations (version, applied_at) "
                               "VALUES (?1, ?2)",
                               -1, &st, NULL) != SQLITE_OK) {
            goto fail;
        }
        sqlite3_bind_int(st, 1, m[i].version);
        sqlite3_bind_int64(st, 2, sw_now());
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;
        if (rc != SQLITE_DONE) {
            goto fail;
        }
        sw_debug("store: sqlite: %s: applied migration %d (%s)", q->path, m[i].version, m[i].name);
    }
    if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        goto fail;
    }
    return 0;
fail:
    msg = sw_xasprintf("cannot migrate the schema from version %d: %s", cur, sqlite3_errmsg(q->db));
    set_err(err, q->path, msg);
    free(msg);
out:
    sqlite3_finalize(st);
    if (!sqlite3_get_autocommit(q->db)) {
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return r;
}

static void sq_close(void *ctx)
{
    struct sq *q = ctx;

    if (!q) {
        return;
    }
    for (int i = 0; i < S_N; i++) {
        sqlite3_finalize(q->st[i]);
    }
    for (size_t i = 0; i < q->npool; i++) {
        reader_close(q->pool[i]);
    }
    reader_close(q->direct);
    sqlite3_close(q->db);
    sw_idcache_clear(&q->ids);
    pthread_mutex_destroy(&q->pool_lock);
    pthread_mutex_destroy(&q->direct_lock);
    free(q->path);
    free(q);
}

static int sq_open(const char *target, const char *password, struct sw_buf *err, void **ret_ctx)
{
    struct sq *q = NULL;
    sqlite3_stmt *st = NULL;
    const char *mode;
    char *msg;
    int r = -EIO;

    (void)password; /* a file has none */
    if (!*target) {
        if (err) {
            sw_buf_puts(err, "empty database path");
        }
        return -EINVAL;
    }
    if (target[0] == ':' || sw_str_has_prefix(target, "file:")) {
        /* ":memory:" would give every read connection a database of its own. */
        if (err) {
            sw_buf_printf(err, "%s: not a database file path", target);
        }
        return -EINVAL;
    }
    q = sw_xcalloc(1, sizeof(*q));
    q->path = sw_xstrdup(target);
    pthread_mutex_init(&q->pool_lock, NULL);
    pthread_mutex_init(&q->direct_lock, NULL);
    if (sqlite3_open_v2(target, &q->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        set_err(err, target, q->db ? sqlite3_errmsg(q->db) : "cannot allocate a SQLite connection");
        goto out;
    }
    sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
    /* The first statement reads the file: a file that is no database fails here. Two
     * processes switching a new file to WAL at once can each hold what the other needs, and
     * SQLite then answers BUSY at once rather than wait: try again for the busy timeout. */
    for (int waited = 0;; waited += 20) {
        int rc = sqlite3_prepare_v2(q->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st);
        }
        if (rc == SQLITE_ROW) {
            break;
        }
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= BUSY_TIMEOUT_MS) {
            set_err(err, target, sqlite3_errmsg(q->db));
            goto out;
        }
        sqlite3_finalize(st);
        st = NULL;
        sqlite3_sleep(20);
    }
    mode = (const char *)sqlite3_column_text(st, 0);
    if (!mode || strcmp(mode, "wal") != 0) {
        msg = sw_xasprintf("cannot switch to WAL mode (journal mode is %s)", mode ? mode : "?");
        set_err(err, target, msg);
        free(msg);
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* FULL: a commit is on disk (WAL synced) before it is reported, so an acknowledged
     * result survives kill -9 and power loss. The writer's page cache is 1 MiB: pages it
     * drops are still in the kernel's page cache, so a bigger one bought no CPU in
     * bench/http.sh but cost the daemon up to 1.9 KiB of resident memory per check at
     * 1,000 checks a second (4.7 KiB with 16 MiB, 2.8-3.0 KiB with 1 MiB). */
    /* foreign keys are checked from here on, not during the migrations: one that builds a
     * table again must drop the old one while other rows still name it */
    if (sqlite3_exec(q->db, "PRAGMA synchronous = FULL; PRAGMA cache_size = -1024", NULL, NULL,
                     NULL) != SQLITE_OK) {
        set_err(err, target, sqlite3_errmsg(q->db));
        goto out;
    }
    r = migrate(q, err);
    if (r < 0) {
        goto out;
    }
    r = -EIO;
    if (sqlite3_exec(q->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, target, sqlite3_errmsg(q->db));
        goto out;
    }
    r = -EIO;
    for (int i = 0; i < S_N; i++) {
        if (sqlite3_prepare_v3(q->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->st[i],
                               NULL) != SQLITE_OK) {
            set_err(err, target, sqlite3_errmsg(q->db));
            goto out;
        }
    }
    r = 0;
    *ret_ctx = q;
    q = NULL;
out:
    sqlite3_finalize(st);
    sq_close(q);
    return r;
}

/* ---- writes (writer thread) ---- */

/* The id of object (kind, path); created when create is set, else 0 when unknown. */
static int object_id(struct sq *q, int kind, const char *path, bool create, int64_t *ret_id)
{
    sqlite3_stmt *st = q->st[S_OBJ_GET];
    int rc, r;

    if (sw_idcache_get(&q->ids, kind, path, ret_id)) {
        return 0;
    }
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *ret_id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        sw_idcache_put(&q->ids, kind, path, *ret_id);
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        return db_fail(q->db, "object lookup");
    }
    if (!create) {
        *ret_id = 0;
        return 0;
    }
    sqlite3_bind_int(q->st[S_OBJ_INS], 1, kind);
    sqlite3_bind_text(q->st[S_OBJ_INS], 2, path, -1, SQLITE_STATIC);
    r = run(q, S_OBJ_INS);
    if (r < 0) {
        return r;
    }
    *ret_id = sqlite3_last_insert_rowid(q->db);
    sw_idcache_put(&q->ids, kind, path, *ret_id);
    return 0;
}

static int put_result(struct sq *q, const struct sw_store_result *res)
{
    sqlite3_stmt *st = q->st[S_RES_INS];
    int64_t id;
    int r = object_id(q, SW_OBJ_CHECK, res->path, true, &id);

    if (r < 0) {
        return r;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, res->t_ms);
    sqlite3_bind_int(st, 3, (int)res->state);
    sqlite3_bind_int(st, 4, res->hard);
    sqlite3_bind_int(st, 5, res->attempt);
    sqlite3_bind_int64(st, 6, res->latency_us);
    bind_text(st, 7, res->output);
    bind_text(st, 8, res->perfdata);
    sqlite3_bind_int(st, 9, res->passive);
    return run(q, S_RES_INS);
}

static int put_state(struct sq *q, const struct sw_check_snapshot *c)
{
    sqlite3_stmt *st = q->st[S_STATE_PUT];
    int64_t id;
    int r = object_id(q, SW_OBJ_CHECK, c->path, true, &id);

    if (r < 0) {
        return r;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, (int)c->state);
    sqlite3_bind_int(st, 3, (int)c->hard_state);
    sqlite3_bind_int(st, 4, c->hard);
    sqlite3_bind_int(st, 5, c->has_state);
    sqlite3_bind_int(st, 6, c->attempt);
    sqlite3_bind_int64(st, 7, c->since);
    sqlite3_bind_int64(st, 8, c->last_check_ms);
    sqlite3_bind_int64(st, 9, c->last_change_ms);
    bind_text(st, 10, c->output);
    bind_text(st, 11, c->perfdata);
    sqlite3_bind_int(st, 12, c->flapping);
    sqlite3_bind_int64(st, 13, c->flap_history);
    sqlite3_bind_int(st, 14, c->flap_count);
    sqlite3_bind_int(st, 15, (int)c->flap_last);
    return run(q, S_STATE_PUT);
}

/* Reads row (id, a, b) of statement i bound to (x, y); *ret_found says whether a row came. */
static int query_row2(struct sq *q, int i, int64_t x, int64_t y, bool *ret_found, int64_t *ret_id,
                      int64_t *ret_a, int64_t *ret_b)
{
    sqlite3_stmt *st = q->st[i];
    int rc;

    sqlite3_bind_int64(st, 1, x);
    if (sqlite3_bind_parameter_count(st) > 1) {
        sqlite3_bind_int64(st, 2, y);
    }
    rc = sqlite3_step(st);
    *ret_found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        int cols = sqlite3_column_count(st);
        *ret_id = sqlite3_column_int64(st, 0);
        *ret_a = sqlite3_column_int64(st, 1);
        *ret_b = cols > 2 ? sqlite3_column_int64(st, 2) : 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return db_fail(q->db, stmt_sql[i]);
    }
    return 0;
}

static int bind_run(struct sq *q, int i, int64_t a, int64_t b)
{
    sqlite3_bind_int64(q->st[i], 1, a);
    if (sqlite3_bind_parameter_count(q->st[i]) > 1) {
        sqlite3_bind_int64(q->st[i], 2, b);
    }
    return run(q, i);
}

/* SW_OP_CHANGE (open a new interval with state) and SW_OP_CLOSE (open none). */
static int put_interval(struct sq *q, const struct sw_store_op *op)
{
    bool change = op->type == SW_OP_CHANGE, found;
    int64_t id, iv = 0, start = 0, state = 0, t = op->u.iv.t;
    int r;

    r = object_id(q, (int)op->u.iv.kind, op->u.iv.path, change, &id);
    if (r < 0 || id == 0) {
        return r;
    }
    r = query_row2(q, S_IV_OPEN, id, 0, &found, &iv, &start, &state);
    if (r < 0) {
        return r;
    }
    if (found) {
        if (change && state == (int64_t)op->u.iv.state) {
            return 0;
        }
        /* Time never runs backwards within one object: a change at or before the open
         * interval's start replaces that interval instead of closing it. */
        if (t <= start) {
            t = start;
            r = bind_run(q, S_IV_DEL, iv, 0);
        } else {
            r = bind_run(q, S_IV_CLOSE, iv, t);
        }
        if (r < 0) {
            return r;
        }
    }
    if (!change) {
        return 0;
    }
    /* After a replaced interval, the one before may end at t with the very state now
     * coming back: continue it rather than split one state into two rows. */
    r = query_row2(q, S_IV_PREV, id, t, &found, &iv, &state, &start);
    if (r < 0) {
        return r;
    }
    if (found && state == (int64_t)op->u.iv.state) {
        return bind_run(q, S_IV_REOPEN, iv, 0);
    }
    sqlite3_bind_int64(q->st[S_IV_INS], 1, id);
    sqlite3_bind_int64(q->st[S_IV_INS], 2, t);
    sqlite3_bind_int(q->st[S_IV_INS], 3, (int)op->u.iv.state);
    return run(q, S_IV_INS);
}

static int apply_op(struct sq *q, const struct sw_store_op *op)
{
    int r;

    switch (op->type) {
    case SW_OP_RESULT:
        return put_result(q, &op->u.result);
    case SW_OP_STATE:
        return put_state(q, &op->u.snap);
    case SW_OP_CHANGE:
    case SW_OP_CLOSE:
        return put_interval(q, op);
    case SW_OP_ALIVE:
        return bind_run(q, S_ALIVE, op->u.t, 0);
    case SW_OP_PRUNE:
        return bind_run(q, S_PRUNE, op->u.t, 0);
    case SW_OP_CLOSE_ALL:
        r = bind_run(q, S_ALL_DEL, op->u.t, 0);
        return r < 0 ? r : bind_run(q, S_ALL_CLOSE, op->u.t, 0);
    case SW_OP_SYNC:
        break;
    }
    return 0;
}

static int sq_apply_batch(void *ctx, struct sw_store_op *const *ops, size_t n)
{
    struct sq *q = ctx;
    int r;

    r = run(q, S_BEGIN);
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        r = apply_op(q, ops[i]);
        if (r < 0) {
            goto out;
        }
    }
    r = run(q, S_COMMIT);
out:
    if (r < 0) {
        if (!sqlite3_get_autocommit(q->db)) {
            run(q, S_ROLLBACK);
        }
        /* Ids handed out inside the rolled-back transaction do not exist. */
        sw_idcache_clear(&q->ids);
    }
    return r;
}

/* ---- reads (any thread) ---- */

static int reader_get(struct sq *q, sqlite3 **ret_db)
{
    sqlite3 *db = NULL;

    pthread_mutex_lock(&q->pool_lock);
    if (q->npool > 0) {
        db = q->pool[--q->npool];
    }
    pthread_mutex_unlock(&q->pool_lock);
    if (db) {
        *ret_db = db;
        return 0;
    }
    if (sqlite3_open_v2(q->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        int r = db_fail(db, "open for reading");
        sqlite3_close(db);
        return r;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    *ret_db = db;
    return 0;
}

/* Closes a read connection with the statements it kept. NULL-safe. */
static void reader_close(sqlite3 *db)
{
    sqlite3_stmt *p;

    while (db && (p = sqlite3_next_stmt(db, NULL))) {
        sqlite3_finalize(p);
    }
    sqlite3_close(db);
}

static void reader_put(struct sq *q, sqlite3 *db, bool ok)
{
    if (ok && sqlite3_get_autocommit(db)) {
        pthread_mutex_lock(&q->pool_lock);
        if (q->npool < POOL_MAX) {
            q->pool[q->npool++] = db;
            db = NULL;
        }
        pthread_mutex_unlock(&q->pool_lock);
    }
    reader_close(db);
}

/* A statement for sql on db (a read connection or the direct one), prepared once and kept
 * with the connection (a report reads history thousands of times, the incident manager writes
 * every second: parsing the SQL each time costs more than running it). Give it back with
 * sqlite3_reset(), not sqlite3_finalize(). */
static sqlite3_stmt *cached_stmt(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *p = NULL;

    while ((p = sqlite3_next_stmt(db, p))) {
        if (!sqlite3_stmt_busy(p) && strcmp(sqlite3_sql(p), sql) == 0) {
            sqlite3_reset(p);
            sqlite3_clear_bindings(p);
            return p;
        }
    }
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &p, NULL) != SQLITE_OK) {
        sqlite3_finalize(p);
        return NULL;
    }
    return p;
}

static int sq_load_states(void *ctx, struct sw_check_snapshot **ret, size_t *ret_n)
{
    struct sq *q = ctx;
    struct sw_check_snapshot *v = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = NULL;
    sqlite3 *db;
    int rc, r;

    r = reader_get(q, &db);
    if (r < 0) {
        return r;
    }
    r = -EIO;
    if (sqlite3_prepare_v2(db,
                           "SELECT o.path, c.state, c.hard_state, c.hard, c.has_state, c.attempt, "
                           "c.since_s, c.last_check_ms, c.last_change_ms, c.output, c.perfdata, "
                           "c.flapping, c.flap_history, c.flap_count, c.flap_last "
                           "FROM check_state c JOIN objects o ON o.id = c.object_id "
                           "ORDER BY o.path",
                           -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, "load states");
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sw_check_snapshot *c;
        sw_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
        c = &v[n++];
        memset(c, 0, sizeof(*c));
        c->path = col_text(st, 0);
        c->state = (enum sw_state)sqlite3_column_int(st, 1);
        c->hard_state = (enum sw_state)sqlite3_column_int(st, 2);
        c->hard = sqlite3_column_int(st, 3) != 0;
        c->has_state = sqlite3_column_int(st, 4) != 0;
        c->attempt = sqlite3_column_int(st, 5);
        c->since = sqlite3_column_int64(st, 6);
        c->last_check_ms = sqlite3_column_int64(st, 7);
        c->last_change_ms = sqlite3_column_int64(st, 8);
        c->output = col_text(st, 9);
        c->perfdata = col_text(st, 10);
        c->flapping = sqlite3_column_int(st, 11) != 0;
        c->flap_history = (uint32_t)sqlite3_column_int64(st, 12);
        c->flap_count = sqlite3_column_int(st, 13);
        c->flap_last = (enum sw_state)sqlite3_column_int(st, 14);
    }
    if (rc != SQLITE_DONE) {
        db_fail(db, "load states");
        goto out;
    }
    *ret = v;
    *ret_n = n;
    v = NULL;
    r = 0;
out:
    sqlite3_finalize(st);
    reader_put(q, db, r == 0);
    sw_check_snapshots_free(v, n);
    return r;
}

static int sq_history(void *ctx, enum sw_object_kind kind, const char *path, int64_t from,
                      int64_t to, struct sw_interval **ret, size_t *ret_n)
{
    struct sq *q = ctx;
    struct sw_interval *v = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = NULL;
    sqlite3 *db;
    int rc, r;

    r = reader_get(q, &db);
    if (r < 0) {
        return r;
    }
    r = -EIO;
    /* [s, e) overlaps [from, to) when s < to and e > from; an open one when s < to. An
     * object's intervals never overlap, so none that overlaps starts before the last one
     * starting at or before from: bounding start_s below by it lets the index skip the
     * older history instead of reading it row by row. */
    st = cached_stmt(db, "SELECT i.start_s, i.end_s, i.state FROM intervals i "
                         "JOIN objects o ON o.id = i.object_id "
                         "WHERE o.kind = ?1 AND o.path = ?2 AND i.start_s < ?4 "
                         "AND i.start_s >= coalesce((SELECT max(j.start_s) FROM intervals j "
                         "WHERE j.object_id = o.id AND j.start_s <= ?3), ?3) "
                         "AND (i.end_s IS NULL OR i.end_s > ?3) "
                         "ORDER BY i.start_s LIMIT ?5");
    if (!st) {
        db_fail(db, "history");
        goto out;
    }
    sqlite3_bind_int(st, 1, (int)kind);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, to);
    sqlite3_bind_int64(st, 5, SW_STORE_HISTORY_MAX + 1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == SW_STORE_HISTORY_MAX) {
            r = -E2BIG;
            goto out;
        }
        sw_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
        v[n].start = sqlite3_column_int64(st, 0);
        v[n].end = sqlite3_column_int64(st, 1); /* NULL reads as 0: open */
        v[n].state = (enum sw_state)sqlite3_column_int(st, 2);
        n++;
    }
    if (rc != SQLITE_DONE) {
        db_fail(db, "history");
        goto out;
    }
    *ret = v;
    *ret_n = n;
    v = NULL;
    r = 0;
out:
    sqlite3_reset(st);
    reader_put(q, db, r == 0 || r == -E2BIG);
    free(v);
    return r;
}

static int sq_results(void *ctx, const char *path, int64_t from_ms, int64_t to_ms, size_t limit,
                      struct sw_store_result **ret, size_t *ret_n)
{
    struct sq *q = ctx;
    struct sw_store_result *v = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st = NULL;
    sqlite3 *db;
    int rc, r;

    r = reader_get(q, &db);
    if (r < 0) {
        return r;
    }
    r = -EIO;
    if (sqlite3_prepare_v2(db,
                           "SELECT r.t_ms, r.state, r.hard, r.attempt, r.latency_us, r.output, "
                           "r.perfdata, r.passive FROM results r "
                           "JOIN objects o ON o.id = r.object_id "
                           "WHERE o.kind = 0 AND o.path = ?1 AND r.t_ms >= ?2 AND r.t_ms < ?3 "
                           "ORDER BY r.t_ms DESC, r.id DESC LIMIT ?4",
                           -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, "results");
        goto out;
    }
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    sqlite3_bind_int64(st, 4, (int64_t)limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sw_store_result *e;
        sw_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
        e = &v[n++];
        memset(e, 0, sizeof(*e));
        e->path = sw_xstrdup(path);
        e->t_ms = sqlite3_column_int64(st, 0);
        e->state = (enum sw_state)sqlite3_column_int(st, 1);
        e->hard = sqlite3_column_int(st, 2) != 0;
        e->attempt = sqlite3_column_int(st, 3);
        e->latency_us = sqlite3_column_int64(st, 4);
        e->output = col_text(st, 5);
        e->perfdata = col_text(st, 6);
        e->passive = sqlite3_column_int(st, 7) != 0;
    }
    if (rc != SQLITE_DONE) {
        db_fail(db, "results");
        goto out;
    }
    *ret = v;
    *ret_n = n;
    v = NULL;
    r = 0;
out:
    sqlite3_finalize(st);
    reader_put(q, db, r == 0);
    sw_store_results_free(v, n);
    return r;
}

/* Runs sql (one statement, one integer row expected or none) on db; none gives dflt. */
static int query_int(sqlite3 *db, const char *sql, int64_t dflt, int64_t *ret)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        return db_fail(db, sql);
    }
    rc = sqlite3_step(st);
    *ret = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : dflt;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return db_fail(db, sql);
    }
    return 0;
}

/* query_int() on a read connection; no row or a NULL gives 0. */
static int read_int(struct sq *q, const char *sql, int64_t *ret)
{
    sqlite3 *db;
    int r = reader_get(q, &db);

    if (r < 0) {
        return r;
    }
    r = query_int(db, sql, 0, ret);
    reader_put(q, db, r == 0);
    return r;
}

static int sq_last_alive(void *ctx, int64_t *ret_t)
{
    return read_int(ctx, "SELECT value FROM meta WHERE key = 'last_alive'", ret_t);
}

static int sq_count(void *ctx, int64_t *ret_results, int64_t *ret_intervals)
{
    struct sq *q = ctx;
    sqlite3 *db;
    int r = reader_get(q, &db);

    if (r < 0) {
        return r;
    }
    /* One read transaction: both counts from the same snapshot. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        r = db_fail(db, "BEGIN");
        goto out;
    }
    r = query_int(db, "SELECT count(*) FROM results", 0, ret_results);
    if (r == 0) {
        r = query_int(db, "SELECT count(*) FROM intervals", 0, ret_intervals);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK && r == 0) {
        r = db_fail(db, "COMMIT");
    }
out:
    reader_put(q, db, r == 0);
    return r;
}

static int sq_first_seen(void *ctx, enum sw_object_kind kind, const char *path, int64_t *ret_t)
{
    struct sq *q = ctx;
    sqlite3_stmt *st = NULL;
    sqlite3 *db;
    int rc, r = reader_get(q, &db);

    if (r < 0) {
        return r;
    }
    r = -EIO;
    st = cached_stmt(db, "SELECT min(i.start_s) FROM intervals i JOIN objects o "
                         "ON o.id = i.object_id WHERE o.kind = ?1 AND o.path = ?2");
    if (!st) {
        db_fail(db, "first seen");
        goto out;
    }
    sqlite3_bind_int(st, 1, (int)kind);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_fail(db, "first seen");
        goto out;
    }
    *ret_t = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
    r = 0;
out:
    sqlite3_reset(st);
    reader_put(q, db, r == 0);
    return r;
}

/* ---- synchronous writes on the direct connection ---- */

static int direct_open(struct sq *q, sqlite3 **ret_db)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(q->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        int r = db_fail(db, "open for writing");
        sqlite3_close(db);
        return r;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    /* FULL: durable when the call returns, as the header promises. */
    if (sqlite3_exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", NULL, NULL, NULL) !=
        SQLITE_OK) {
        int r = db_fail(db, "connection settings");
        sqlite3_close(db);
        return r;
    }
    *ret_db = db;
    return 0;
}

/* Takes the direct connection (opening it on first use) and begins a write transaction on
 * it. On success the caller holds it until direct_end(). IMMEDIATE takes the write lock up
 * front, so the transaction never fails halfway on a lock upgrade. */
static int direct_begin(struct sq *q, sqlite3 **ret_db)
{
    int r = 0;

    pthread_mutex_lock(&q->direct_lock);
    if (!q->direct) {
        r = direct_open(q, &q->direct);
    }
    if (r == 0 && sqlite3_exec(q->direct, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        r = db_fail(q->direct, "BEGIN IMMEDIATE");
    }
    if (r < 0) {
        pthread_mutex_unlock(&q->direct_lock);
        return r;
    }
    *ret_db = q->direct;
    return 0;
}

/* Commits when r is 0, else rolls back, and gives the connection back. Returns r, or -EIO
 * when the commit failed (then nothing was applied). */
static int direct_end(struct sq *q, int r)
{
    sqlite3 *db = q->direct;

    if (r == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        r = db_fail(db, "COMMIT");
    }
    if (!sqlite3_get_autocommit(db)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&q->direct_lock);
    return r;
}

static int write_stmt(sqlite3 *db, const char *sql, sqlite3_stmt **ret)
{
    *ret = cached_stmt(db, sql);
    return *ret ? 0 : db_fail(db, sql);
}

/* Steps st, a statement that returns no row, and resets it. Constraint failures become
 * errno values the callers can tell apart: a second open incident of a service (UNIQUE),
 * a reference to an incident that does not exist (FOREIGN KEY). */
static int write_step(sqlite3 *db, sqlite3_stmt *st)
{
    int r = 0;

    if (sqlite3_step(st) != SQLITE_DONE) {
        switch (sqlite3_extended_errcode(db)) {
        case SQLITE_CONSTRAINT_UNIQUE:
            r = -EEXIST;
            break;
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            r = -ENOENT;
            break;
        case SQLITE_CONSTRAINT_CHECK:
        case SQLITE_CONSTRAINT_NOTNULL:
            r = -EINVAL;
            break;
        default:
            r = -EIO;
            break;
        }
        sw_debug("store: sqlite: \"%s\": %s", sqlite3_sql(st), sqlite3_errmsg(db));
    }
    sqlite3_reset(st);
    return r;
}

static int sq_maint_add(void *ctx, const struct sw_maint_row *m, int64_t *ret_id)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int64_t id = 0;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(db,
                   "INSERT INTO maintenance (scope, start_s, end_s, reason, excluded, "
                   "created_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   &st);
    if (r == 0) {
        sqlite3_bind_text(st, 1, m->scope, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, m->start);
        sqlite3_bind_int64(st, 3, m->end);
        bind_text(st, 4, m->reason);
        sqlite3_bind_int(st, 5, m->excluded);
        sqlite3_bind_int64(st, 6, m->created);
        r = write_step(db, st);
        id = sqlite3_last_insert_rowid(db);
    }
    r = direct_end(q, r);
    if (r == 0) {
        *ret_id = id;
    }
    return r;
}

/* Runs sql on a read connection, with bind(st, arg) binding its parameters when given, and
 * collects every row into an array of elements of size elem, each filled by row(). On
 * failure the rows read so far are given to free_rows() and -EIO is returned. */
static int read_rows(struct sq *q, const char *sql, void (*bind)(sqlite3_stmt *st, const void *arg),
                     const void *arg, size_t elem, void (*row)(sqlite3_stmt *st, void *e),
                     void (*free_rows)(void *v, size_t n), void **ret, size_t *ret_n)
{
    sqlite3_stmt *st;
    sqlite3 *db;
    char *v = NULL;
    size_t n = 0, cap = 0;
    int rc, r = reader_get(q, &db);

    if (r < 0) {
        return r;
    }
    r = -EIO;
    st = cached_stmt(db, sql);
    if (!st) {
        db_fail(db, sql);
        goto out;
    }
    if (bind) {
        bind(st, arg);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sw_xgrow((void **)&v, &cap, n + 1, elem);
        memset(v + n * elem, 0, elem);
        row(st, v + n * elem);
        n++;
    }
    if (rc != SQLITE_DONE) {
        db_fail(db, sql);
        goto out;
    }
    *ret = v;
    *ret_n = n;
    v = NULL;
    r = 0;
out:
    sqlite3_reset(st);
    reader_put(q, db, r == 0);
    if (v) {
        free_rows(v, n);
    }
    return r;
}

static void maint_row(sqlite3_stmt *st, void *e)
{
    struct sw_maint_row *m = e;

    m->id = sqlite3_column_int64(st, 0);
    m->scope = col_text(st, 1);
    m->start = sqlite3_column_int64(st, 2);
    m->end = sqlite3_column_int64(st, 3);
    m->reason = col_text(st, 4);
    m->excluded = sqlite3_column_int(st, 5) != 0;
    m->created = sqlite3_column_int64(st, 6);
}

static void maint_rows_free(void *v, size_t n)
{
    sw_maint_rows_free(v, n);
}

static int sq_maint_list(void *ctx, struct sw_maint_row **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     "SELECT id, scope, start_s, end_s, reason, excluded, created_s "
                     "FROM maintenance ORDER BY start_s, id",
                     NULL, NULL, sizeof(**ret), maint_row, maint_rows_free, (void **)ret, ret_n);
}

static int sq_maint_remove(void *ctx, int64_t id)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(db, "DELETE FROM maintenance WHERE id = ?1", &st);
    if (r == 0) {
        sqlite3_bind_int64(st, 1, id);
        r = write_step(db, st);
    }
    if (r == 0 && sqlite3_changes(db) == 0) {
        r = -ENOENT;
    }
    return direct_end(q, r);
}

static int sq_token_add(void *ctx, const struct sw_token_row *t, int64_t t_s)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(db,
                   "INSERT INTO api_tokens (name, role, customer, sha256, created_s) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
                   &st);
    if (r == 0) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)t->role);
        if (t->customer) {
            sqlite3_bind_text(st, 3, t->customer, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_null(st, 3);
        }
        sqlite3_bind_blob(st, 4, t->sha256, 32, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, t_s);
        r = write_step(db, st);
    }
    return direct_end(q, r);
}

#define TOKEN_COLS "id, name, role, customer, sha256, created_s, revoked_s"

static void token_row(sqlite3_stmt *st, void *e)
{
    struct sw_token_row *t = e;
    const void *h = sqlite3_column_blob(st, 4);

    t->id = sqlite3_column_int64(st, 0);
    t->name = col_text(st, 1);
    t->role = (enum sw_role)sqlite3_column_int(st, 2);
    t->customer = col_text(st, 3);
    if (h && sqlite3_column_bytes(st, 4) == 32) {
        memcpy(t->sha256, h, 32);
    }
    t->created_s = sqlite3_column_int64(st, 5);
    t->revoked_s = sqlite3_column_int64(st, 6);
}

static void token_rows_free(void *v, size_t n)
{
    sw_token_rows_free(v, n);
}

static void bind_sha256(sqlite3_stmt *st, const void *arg)
{
    sqlite3_bind_blob(st, 1, arg, 32, SQLITE_STATIC);
}

static int read_one(struct sq *q, const char *sql, void (*bind)(sqlite3_stmt *st, const void *arg),
                    const void *arg, size_t elem, void (*row)(sqlite3_stmt *st, void *e),
                    void (*free_rows)(void *v, size_t n), void *ret);

static int sq_token_find(void *ctx, const unsigned char sha256[32], struct sw_token_row *ret)
{
    return read_one(ctx,
                    "SELECT " TOKEN_COLS " FROM api_tokens WHERE sha256 = ?1 AND "
                    "revoked_s IS NULL",
                    bind_sha256, sha256, sizeof(*ret), token_row, token_rows_free, ret);
}

static int sq_token_any(void *ctx, struct sw_token_row *ret)
{
    return read_one(ctx, "SELECT " TOKEN_COLS " FROM api_tokens WHERE revoked_s IS NULL LIMIT 1",
                    NULL, NULL, sizeof(*ret), token_row, token_rows_free, ret);
}

static int sq_token_list(void *ctx, struct sw_token_row **ret, size_t *ret_n)
{
    return read_rows(ctx, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY created_s, id", NULL,
                     NULL, sizeof(**ret), token_row, token_rows_free, (void **)ret, ret_n);
}

static int sq_token_revoke(void *ctx, const char *name, int64_t t_s)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(db, "UPDATE api_tokens SET revoked_s = ?2 WHERE name = ?1 AND revoked_s IS NULL",
                   &st);
    if (r == 0) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, t_s);
        r = write_step(db, st);
    }
    if (r == 0 && sqlite3_changes(db) == 0) {
        r = -ENOENT;
    }
    return direct_end(q, r);
}

static int sq_derived_put(void *ctx, const struct sw_derived_row *v, size_t n, int64_t t)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(db,
                   "INSERT INTO derived_checks (path, parent, freshness_ms, created_s) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (path) DO UPDATE SET parent = ?2, "
                   "freshness_ms = ?3, retired_s = NULL",
                   &st);
    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_text(st, 1, v[i].path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, v[i].parent, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, v[i].freshness_ms);
        sqlite3_bind_int64(st, 4, t);
        r = write_step(db, st);
    }
    return direct_end(q, r);
}

static int sq_derived_retire(void *ctx, const char *const *paths, size_t n, int64_t t)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(
        db, "UPDATE derived_checks SET retired_s = ?2 WHERE path = ?1 AND retired_s IS NULL", &st);
    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_text(st, 1, paths[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, t);
        r = write_step(db, st);
    }
    return direct_end(q, r);
}

static void derived_row(sqlite3_stmt *st, void *e)
{
    struct sw_derived_row *d = e;

    d->path = col_text(st, 0);
    d->parent = col_text(st, 1);
    d->freshness_ms = sqlite3_column_int64(st, 2);
    d->created_s = sqlite3_column_int64(st, 3);
    d->retired_s = sqlite3_column_int64(st, 4);
}

static void derived_rows_free(void *v, size_t n)
{
    sw_derived_rows_free(v, n);
}

static void bind_path(sqlite3_stmt *st, const void *arg)
{
    sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
}

static int sq_derived_get(void *ctx, const char *path, struct sw_derived_row *ret)
{
    return read_one(ctx,
                    "SELECT path, parent, freshness_ms, created_s, retired_s FROM derived_checks "
                    "WHERE path = ?1",
                    bind_path, path, sizeof(*ret), derived_row, derived_rows_free, ret);
}

static int sq_derived_list(void *ctx, bool with_retired, struct sw_derived_row **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     with_retired ? "SELECT path, parent, freshness_ms, created_s, retired_s "
                                    "FROM derived_checks ORDER BY path"
                                  : "SELECT path, parent, freshness_ms, created_s, retired_s "
                                    "FROM derived_checks WHERE retired_s IS NULL ORDER BY path",
                     NULL, NULL, sizeof(**ret), derived_row, derived_rows_free, (void **)ret,
                     ret_n);
}

static int sq_alerts_replace(void *ctx, const struct sw_alert_row *v, size_t n)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    if (sqlite3_exec(db, "DELETE FROM slo_alerts", NULL, NULL, NULL) != SQLITE_OK) {
        r = db_fail(db, "alerts replace");
    } else {
        r = write_stmt(db,
                       "INSERT OR REPLACE INTO slo_alerts (service, page, long_s, short_s, "
                       "factor_milli, burn_long, burn_short, exhaustion_s, since_s, no_data) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                       &st);
    }
    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_text(st, 1, v[i].service, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, v[i].page);
        sqlite3_bind_int64(st, 3, v[i].long_s);
        sqlite3_bind_int64(st, 4, v[i].short_s);
        sqlite3_bind_int64(st, 5, v[i].factor_milli);
        sqlite3_bind_double(st, 6, v[i].burn_long);
        sqlite3_bind_double(st, 7, v[i].burn_short);
        sqlite3_bind_int64(st, 8, v[i].exhaustion_s);
        sqlite3_bind_int64(st, 9, v[i].since);
        sqlite3_bind_int(st, 10, v[i].no_data);
        r = write_step(db, st);
    }
    return direct_end(q, r);
}

static void alert_row(sqlite3_stmt *st, void *e)
{
    struct sw_alert_row *a = e;

    a->service = col_text(st, 0);
    a->page = sqlite3_column_int(st, 1) != 0;
    a->long_s = sqlite3_column_int64(st, 2);
    a->short_s = sqlite3_column_int64(st, 3);
    a->factor_milli = (uint32_t)sqlite3_column_int64(st, 4);
    a->burn_long = sqlite3_column_double(st, 5);
    a->burn_short = sqlite3_column_double(st, 6);
    a->exhaustion_s = sqlite3_column_int64(st, 7);
    a->since = sqlite3_column_int64(st, 8);
    a->no_data = sqlite3_column_int(st, 9) != 0;
}

static void alert_rows_free(void *v, size_t n)
{
    sw_alert_rows_free(v, n);
}

static int sq_alerts_list(void *ctx, struct sw_alert_row **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     "SELECT service, page, long_s, short_s, factor_milli, burn_long, "
                     "burn_short, exhaustion_s, since_s, no_data FROM slo_alerts "
                     "ORDER BY service, long_s",
                     NULL, NULL, sizeof(**ret), alert_row, alert_rows_free, (void **)ret, ret_n);
}

/* ---- incidents ---- */

/* Column c of INC_SELECT is parameter c + 1 of INC_INSERT and INC_UPDATE, so one function
 * binds both and one reads the rows back. Optional times (0: never) are NULL. */
#define INC_COLS                                                                                   \
    "kind, service, customer, deployment, title, severity, status, state, output, since_s, "       \
    "opened_s, acked_s, acked_by, recovered_s, resolved_s, resolved_by, parent, reopened, "        \
    "policy, esc_started, esc_round, esc_step, esc_t_s, next_due_s"
#define INC_SELECT "SELECT id, version, " INC_COLS " FROM incidents"
#define INC_INSERT                                                                                 \
    "INSERT INTO incidents (version, " INC_COLS ") VALUES (1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "   \
    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"
#define INC_UPDATE                                                                                 \
    "UPDATE incidents SET version = version + 1, kind = ?3, service = ?4, customer = ?5, "         \
    "deployment = ?6, title = ?7, severity = ?8, status = ?9, state = ?10, output = ?11, "         \
    "since_s = ?12, opened_s = ?13, acked_s = ?14, acked_by = ?15, recovered_s = ?16, "            \
    "resolved_s = ?17, resolved_by = ?18, parent = ?19, reopened = ?20, policy = ?21, "            \
    "esc_started = ?22, esc_round = ?23, esc_step = ?24, esc_t_s = ?25, next_due_s = ?26 "         \
    "WHERE id = ?1 AND version = ?2"

#define NOTIF_SELECT                                                                               \
    "SELECT id, incident, kind, round, step, engineer, channel, address, deployment, "             \
    "created_s, due_s, attempts, status, error, sent_s FROM notifications"

static void bind_time(sqlite3_stmt *st, int col, int64_t t)
{
    if (t) {
        sqlite3_bind_int64(st, col, t);
    } else {
        sqlite3_bind_null(st, col);
    }
}

static void bind_incident(sqlite3_stmt *st, const struct sw_incident *inc, int64_t parent)
{
    sqlite3_bind_int64(st, 1, inc->id);
    sqlite3_bind_int64(st, 2, inc->version);
    sqlite3_bind_int(st, 3, (int)inc->kind);
    bind_text(st, 4, inc->service);
    bind_text(st, 5, inc->customer);
    bind_text(st, 6, inc->deployment);
    bind_text(st, 7, inc->title);
    sqlite3_bind_int(st, 8, inc->severity);
    sqlite3_bind_int(st, 9, (int)inc->status);
    sqlite3_bind_int(st, 10, (int)inc->state);
    bind_text(st, 11, inc->output);
    sqlite3_bind_int64(st, 12, inc->since);
    sqlite3_bind_int64(st, 13, inc->opened);
    bind_time(st, 14, inc->acked);
    bind_text(st, 15, inc->acked_by);
    bind_time(st, 16, inc->recovered);
    bind_time(st, 17, inc->resolved);
    bind_text(st, 18, inc->resolved_by);
    bind_time(st, 19, parent);
    sqlite3_bind_int(st, 20, inc->reopened);
    bind_text(st, 21, inc->policy);
    sqlite3_bind_int(st, 22, inc->esc_started);
    sqlite3_bind_int(st, 23, inc->esc_round);
    sqlite3_bind_int(st, 24, inc->esc_step);
    bind_time(st, 25, inc->esc_t);
    bind_time(st, 26, inc->next_due);
}

/* NULL columns read as 0, which is what an optional time or parent means when absent. */
static void incident_row(sqlite3_stmt *st, void *e)
{
    struct sw_incident *inc = e;

    inc->id = sqlite3_column_int64(st, 0);
    inc->version = sqlite3_column_int64(st, 1);
    inc->kind = (enum sw_inc_kind)sqlite3_column_int(st, 2);
    inc->service = col_text(st, 3);
    inc->customer = col_text(st, 4);
    inc->deployment = col_text(st, 5);
    inc->title = col_text(st, 6);
    inc->severity = sqlite3_column_int(st, 7);
    inc->status = (enum sw_inc_status)sqlite3_column_int(st, 8);
    inc->state = (enum sw_state)sqlite3_column_int(st, 9);
    inc->output = col_text(st, 10);
    inc->since = sqlite3_column_int64(st, 11);
    inc->opened = sqlite3_column_int64(st, 12);
    inc->acked = sqlite3_column_int64(st, 13);
    inc->acked_by = col_text(st, 14);
    inc->recovered = sqlite3_column_int64(st, 15);
    inc->resolved = sqlite3_column_int64(st, 16);
    inc->resolved_by = col_text(st, 17);
    inc->parent = sqlite3_column_int64(st, 18);
    inc->reopened = sqlite3_column_int(st, 19);
    inc->policy = col_text(st, 20);
    inc->esc_started = sqlite3_column_int(st, 21) != 0;
    inc->esc_round = sqlite3_column_int(st, 22);
    inc->esc_step = sqlite3_column_int(st, 23);
    inc->esc_t = sqlite3_column_int64(st, 24);
    inc->next_due = sqlite3_column_int64(st, 25);
}

static void incident_rows_free(void *v, size_t n)
{
    sw_incidents_free(v, n);
}

static void event_row(sqlite3_stmt *st, void *e)
{
    struct sw_inc_event *ev = e;

    ev->id = sqlite3_column_int64(st, 0);
    ev->incident = sqlite3_column_int64(st, 1);
    ev->t = sqlite3_column_int64(st, 2);
    ev->kind = col_text(st, 3);
    ev->actor = col_text(st, 4);
    ev->text = col_text(st, 5);
}

static void event_rows_free(void *v, size_t n)
{
    sw_inc_events_free(v, n);
}

static void notif_row(sqlite3_stmt *st, void *e)
{
    struct sw_notification *m = e;

    m->id = sqlite3_column_int64(st, 0);
    m->incident = sqlite3_column_int64(st, 1);
    m->kind = (enum sw_notif_kind)sqlite3_column_int(st, 2);
    m->round = sqlite3_column_int(st, 3);
    m->step = sqlite3_column_int(st, 4);
    m->engineer = col_text(st, 5);
    m->channel = col_text(st, 6);
    m->address = col_text(st, 7);
    m->deployment = col_text(st, 8);
    m->created = sqlite3_column_int64(st, 9);
    m->due = sqlite3_column_int64(st, 10);
    m->attempts = sqlite3_column_int(st, 11);
    m->status = (enum sw_notif_status)sqlite3_column_int(st, 12);
    m->error = col_text(st, 13);
    m->sent = sqlite3_column_int64(st, 14);
}

static void notif_rows_free(void *v, size_t n)
{
    sw_notifications_free(v, n);
}

/* Appends events to the timeline of incident, or when incident is 0 to that each names. */
static int put_events(sqlite3 *db, const struct sw_inc_event *v, size_t n, int64_t incident)
{
    sqlite3_stmt *st;
    int r = n ? write_stmt(db,
                           "INSERT INTO incident_events (incident, t_s, kind, actor, text) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           &st)
              : 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, incident ? incident : v[i].incident);
        sqlite3_bind_int64(st, 2, v[i].t);
        bind_text(st, 3, v[i].kind);
        bind_text(st, 4, v[i].actor);
        bind_text(st, 5, v[i].text);
        r = write_step(db, st);
    }
    return r;
}

/* Queues notifications of incident: PENDING, no attempt yet, whatever the caller's copy
 * says; one without a deployment takes the incident's. */
static int put_notifs(sqlite3 *db, const struct sw_notification *v, size_t n, int64_t incident)
{
    sqlite3_stmt *st;
    int r = n ? write_stmt(db,
                           "INSERT INTO notifications (incident, kind, round, step, engineer, "
                           "channel, address, deployment, created_s, due_s, attempts, status) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, (SELECT deployment "
                           "FROM incidents WHERE id = ?1)), ?9, ?10, 0, 0)",
                           &st)
              : 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, incident);
        sqlite3_bind_int(st, 2, (int)v[i].kind);
        sqlite3_bind_int(st, 3, v[i].round);
        sqlite3_bind_int(st, 4, v[i].step);
        bind_text(st, 5, v[i].engineer);
        bind_text(st, 6, v[i].channel);
        bind_text(st, 7, v[i].address);
        bind_text(st, 8, v[i].deployment);
        sqlite3_bind_int64(st, 9, v[i].created);
        sqlite3_bind_int64(st, 10, v[i].due);
        r = write_step(db, st);
    }
    return r;
}

/* Applies one change; ids holds the ids of the changes before it, for back-references
 * (store.c checked that they name earlier inserts). */
static int put_change(sqlite3 *db, const struct sw_inc_change *c, const int64_t *ids,
                      int64_t *ret_id)
{
    const struct sw_incident *inc = c->inc;
    int64_t parent = inc->parent < 0 ? ids[-(inc->parent + 1)] : inc->parent, id = inc->id;
    sqlite3_stmt *st;
    int r = write_stmt(db, id ? INC_UPDATE : INC_INSERT, &st);

    if (r < 0) {
        return r;
    }
    bind_incident(st, inc, parent);
    r = write_step(db, st);
    if (r == -ENOENT) {
        return -EINVAL; /* the parent names no incident */
    }
    if (r < 0) {
        return r;
    }
    if (!id) {
        id = sqlite3_last_insert_rowid(db);
    } else if (sqlite3_changes(db) != 1) {
        return -ESTALE; /* someone changed it since it was read, or it is gone */
    }
    if (c->cancel_pending) {
        r = write_stmt(db,
                       "UPDATE notifications SET status = 3 "
                       "WHERE incident = ?1 AND status = 0 AND kind = 0",
                       &st);
        if (r < 0) {
            return r;
        }
        sqlite3_bind_int64(st, 1, id);
        r = write_step(db, st);
    }
    if (r == 0) {
        r = put_events(db, c->events, c->n_events, id);
    }
    if (r == 0) {
        r = put_notifs(db, c->notifs, c->n_notifs, id);
    }
    *ret_id = id;
    return r;
}

static int sq_incident_write(void *ctx, const struct sw_inc_change *changes, size_t n,
                             int64_t *ret_ids)
{
    struct sq *q = ctx;
    int64_t *ids = sw_xcalloc(n, sizeof(*ids));
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        goto out;
    }
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = put_change(db, &changes[i], ids, &ids[i]);
    }
    r = direct_end(q, r);
    if (r == 0 && ret_ids) {
        memcpy(ret_ids, ids, n * sizeof(*ids));
    }
out:
    free(ids);
    return r;
}

static int sq_notif_record(void *ctx, const struct sw_notif_outcome *v, size_t n,
                           const struct sw_inc_event *events, size_t n_events)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    /* Every SET expression sees the row as it was: a notification cancelled meanwhile stays
     * cancelled, unless this attempt delivered it. */
    r = n ? write_stmt(db,
                       "UPDATE notifications SET attempts = attempts + 1, "
                       "status = CASE WHEN status = 0 OR ?2 = 1 THEN ?2 ELSE status END, "
                       "due_s = CASE WHEN ?2 = 0 THEN ?3 ELSE due_s END, error = ?4, "
                       "sent_s = CASE WHEN ?2 = 1 THEN ?5 ELSE sent_s END WHERE id = ?1",
                       &st)
          : 0;
    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, v[i].id);
        sqlite3_bind_int(st, 2, (int)v[i].status);
        sqlite3_bind_int64(st, 3, v[i].due);
        bind_text(st, 4, v[i].error);
        bind_time(st, 5, v[i].t);
        r = write_step(db, st);
        if (r == 0 && sqlite3_changes(db) != 1) {
            r = -ENOENT;
        }
    }
    if (r == 0) {
        r = put_events(db, events, n_events, 0);
    }
    return direct_end(q, r);
}

static int sq_incident_log(void *ctx, const struct sw_inc_event *events, size_t n)
{
    struct sq *q = ctx;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    return direct_end(q, put_events(db, events, n, 0));
}

static void bind_id(sqlite3_stmt *st, const void *arg)
{
    sqlite3_bind_int64(st, 1, *(const int64_t *)arg);
}

static void bind_service(sqlite3_stmt *st, const void *arg)
{
    sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
}

/* One row read by sql (at most one comes) into *ret, an element of size elem filled by
 * row(): 0, -ENOENT, -EIO. */
static int read_one(struct sq *q, const char *sql, void (*bind)(sqlite3_stmt *st, const void *arg),
                    const void *arg, size_t elem, void (*row)(sqlite3_stmt *st, void *e),
                    void (*free_rows)(void *v, size_t n), void *ret)
{
    void *v = NULL;
    size_t n = 0;
    int r = read_rows(q, sql, bind, arg, elem, row, free_rows, &v, &n);

    if (r < 0) {
        return r;
    }
    if (n == 0) {
        r = -ENOENT;
    } else {
        memcpy(ret, v, elem); /* the strings move to *ret */
    }
    free(v);
    return r;
}

static int sq_incident_get(void *ctx, int64_t id, struct sw_incident *ret)
{
    return read_one(ctx, INC_SELECT " WHERE id = ?1", bind_id, &id, sizeof(*ret), incident_row,
                    incident_rows_free, ret);
}

static int sq_incident_last(void *ctx, const char *service, struct sw_incident *ret)
{
    /* The open one first (at most one exists), then the one resolved last. */
    return read_one(ctx,
                    INC_SELECT " WHERE service = ?1 "
                               "ORDER BY status = 3, resolved_s DESC, id DESC LIMIT 1",
                    bind_service, service, sizeof(*ret), incident_row, incident_rows_free, ret);
}

/* One optional condition of a list query. */
struct cond {
    bool on;         /* the filter is given */
    const char *sql; /* " AND ...", numbering its parameters as the list's bind function does */
};

/* Puts select, " WHERE 1", the conditions that are on and tail into *sql (initialised here;
 * release it). Only the filters given go into the query, so that SQLite can use the index
 * that fits them (a handful of variants, each prepared once per connection). */
static void list_sql(struct sw_buf *sql, const char *select, const struct cond *c, size_t n,
                     const char *tail)
{
    sw_buf_init(sql);
    sw_buf_puts(sql, select);
    sw_buf_puts(sql, " WHERE 1");
    for (size_t i = 0; i < n; i++) {
        if (c[i].on) {
            sw_buf_puts(sql, c[i].sql);
        }
    }
    sw_buf_puts(sql, tail);
}

struct list_args {
    const struct sw_inc_filter *f;
    size_t limit;
};

static void bind_list(sqlite3_stmt *st, const void *arg)
{
    const struct list_args *a = arg;

    /* Parameters the query leaves out are still numbered slots: binding them is harmless. */
    bind_text(st, 1, a->f->service);
    bind_text(st, 2, a->f->customer);
    sqlite3_bind_int64(st, 3, a->f->opened_from);
    sqlite3_bind_int64(st, 4, a->f->opened_to);
    sqlite3_bind_int64(st, 5, (int64_t)a->limit);
}

static int sq_incident_list(void *ctx, const struct sw_inc_filter *f, size_t limit,
                            struct sw_incident **ret, size_t *ret_n)
{
    const struct cond c[] = {
        {.on = f->open_only, .sql = " AND status IN (0, 1, 2)"},
        {.on = f->service != NULL, .sql = " AND service = ?1"},
        {.on = f->customer != NULL, .sql = " AND customer = ?2"},
        {.on = f->opened_from != 0, .sql = " AND opened_s >= ?3"},
        {.on = f->opened_to != 0, .sql = " AND opened_s < ?4"},
    };
    struct list_args a = {f, limit};
    struct sw_buf sql;
    int r;

    list_sql(&sql, INC_SELECT, c, sizeof(c) / sizeof(c[0]),
             f->newest_first ? " ORDER BY opened_s DESC, id DESC LIMIT ?5"
                             : " ORDER BY opened_s, id LIMIT ?5");
    r = read_rows(ctx, sql.data, bind_list, &a, sizeof(**ret), incident_row, incident_rows_free,
                  (void **)ret, ret_n);
    sw_buf_release(&sql);
    return r;
}

static int sq_incident_events(void *ctx, int64_t id, struct sw_inc_event **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     "SELECT id, incident, t_s, kind, actor, text FROM incident_events "
                     "WHERE incident = ?1 ORDER BY t_s, id",
                     bind_id, &id, sizeof(**ret), event_row, event_rows_free, (void **)ret, ret_n);
}

static int sq_incident_notifications(void *ctx, int64_t id, struct sw_notification **ret,
                                     size_t *ret_n)
{
    return read_rows(ctx, NOTIF_SELECT " WHERE incident = ?1 ORDER BY id", bind_id, &id,
                     sizeof(**ret), notif_row, notif_rows_free, (void **)ret, ret_n);
}

static void bind_due(sqlite3_stmt *st, const void *arg)
{
    const int64_t *a = arg;

    sqlite3_bind_int64(st, 1, a[0]);
    sqlite3_bind_int64(st, 2, a[1]);
}

static int sq_notif_due(void *ctx, int64_t now, size_t limit, struct sw_notification **ret,
                        size_t *ret_n)
{
    int64_t a[2] = {now, (int64_t)limit};

    return read_rows(ctx,
                     NOTIF_SELECT " WHERE status = 0 AND due_s <= ?1 ORDER BY due_s, id "
                                  "LIMIT ?2",
                     bind_due, a, sizeof(**ret), notif_row, notif_rows_free, (void **)ret, ret_n);
}

static int sq_notif_next_due(void *ctx, int64_t *ret_t)
{
    return read_int(ctx, "SELECT min(due_s) FROM notifications WHERE status = 0", ret_t);
}

/* ---- support cases and changes ---- */

/* As for incidents: column c of CASE_SELECT is parameter c + 1 of CASE_INSERT and
 * CASE_UPDATE. No incident (0) is NULL, so the partial unique index ignores it. */
#define CASE_COLS                                                                                  \
    "customer, deployment, service, severity, title, description, status, assignee, opened_by, "   \
    "created_s, last_event_s, incident, reopened"
#define CASE_SELECT "SELECT id, version, " CASE_COLS " FROM cases"
#define CASE_INSERT                                                                                \
    "INSERT INTO cases (version, " CASE_COLS ") VALUES (1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, " \
    "?12, ?13, ?14, ?15)"
#define CASE_UPDATE                                                                                \
    "UPDATE cases SET version = version + 1, customer = ?3, deployment = ?4, service = ?5, "       \
    "severity = ?6, title = ?7, description = ?8, status = ?9, assignee = ?10, opened_by = ?11, "  \
    "created_s = ?12, last_event_s = ?13, incident = ?14, reopened = ?15 "                         \
    "WHERE id = ?1 AND version = ?2"
#define CHANGE_SELECT                                                                              \
    "SELECT id, customer, deployment, title, started_by, started_s, finished_s, result, note "     \
    "FROM changes"

static void bind_case(sqlite3_stmt *st, const struct sw_case_row *c)
{
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int64(st, 2, c->version);
    bind_text(st, 3, c->customer);
    bind_text(st, 4, c->deployment);
    bind_text(st, 5, c->service);
    sqlite3_bind_int(st, 6, c->severity);
    bind_text(st, 7, c->title);
    bind_text(st, 8, c->description);
    sqlite3_bind_int(st, 9, c->status);
    bind_text(st, 10, c->assignee);
    bind_text(st, 11, c->opened_by);
    sqlite3_bind_int64(st, 12, c->created);
    sqlite3_bind_int64(st, 13, c->last_event);
    bind_time(st, 14, c->incident);
    sqlite3_bind_int(st, 15, c->reopened);
}

static void case_row(sqlite3_stmt *st, void *e)
{
    struct sw_case_row *c = e;

    c->id = sqlite3_column_int64(st, 0);
    c->version = sqlite3_column_int64(st, 1);
    c->customer = col_text(st, 2);
    c->deployment = col_text(st, 3);
    c->service = col_text(st, 4);
    c->severity = sqlite3_column_int(st, 5);
    c->title = col_text(st, 6);
    c->description = col_text(st, 7);
    c->status = sqlite3_column_int(st, 8);
    c->assignee = col_text(st, 9);
    c->opened_by = col_text(st, 10);
    c->created = sqlite3_column_int64(st, 11);
    c->last_event = sqlite3_column_int64(st, 12);
    c->incident = sqlite3_column_int64(st, 13); /* NULL reads as 0: none */
    c->reopened = sqlite3_column_int(st, 14);
}

static void case_rows_free(void *v, size_t n)
{
    sw_case_rows_free(v, n);
}

static void case_event_row(sqlite3_stmt *st, void *e)
{
    struct sw_case_event_row *ev = e;

    ev->id = sqlite3_column_int64(st, 0);
    ev->case_id = sqlite3_column_int64(st, 1);
    ev->t = sqlite3_column_int64(st, 2);
    ev->kind = sqlite3_column_int(st, 3);
    ev->status = sqlite3_column_int(st, 4);
    ev->author = col_text(st, 5);
    ev->text = col_text(st, 6);
}

static void case_event_rows_free(void *v, size_t n)
{
    sw_case_event_rows_free(v, n);
}

static void change_row(sqlite3_stmt *st, void *e)
{
    struct sw_change_row *c = e;

    c->id = sqlite3_column_int64(st, 0);
    c->customer = col_text(st, 1);
    c->deployment = col_text(st, 2);
    c->title = col_text(st, 3);
    c->started_by = col_text(st, 4);
    c->started = sqlite3_column_int64(st, 5);
    c->finished = sqlite3_column_int64(st, 6); /* NULL reads as 0: running */
    c->result = sqlite3_column_int(st, 7);
    c->note = col_text(st, 8);
}

static void change_rows_free(void *v, size_t n)
{
    sw_change_rows_free(v, n);
}

static int put_case_events(sqlite3 *db, const struct sw_case_event_row *v, size_t n,
                           int64_t case_id)
{
    sqlite3_stmt *st;
    int r = n ? write_stmt(db,
                           "INSERT INTO case_events (case_id, t_s, kind, status, author, text) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           &st)
              : 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, case_id);
        sqlite3_bind_int64(st, 2, v[i].t);
        sqlite3_bind_int(st, 3, v[i].kind);
        sqlite3_bind_int(st, 4, v[i].status);
        bind_text(st, 5, v[i].author);
        bind_text(st, 6, v[i].text);
        r = write_step(db, st);
    }
    return r;
}

static int sq_case_write(void *ctx, const struct sw_case_row *c, const struct sw_case_event_row *ev,
                         size_t n, int64_t *ret_id)
{
    struct sq *q = ctx;
    int64_t id = c->id;
    sqlite3_stmt *st;
    sqlite3 *db;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(db, id ? CASE_UPDATE : CASE_INSERT, &st);
    if (r == 0) {
        bind_case(st, c);
        r = write_step(db, st);
    }
    if (r == -ENOENT) {
        r = -EINVAL; /* the incident names none */
    }
    if (r == 0 && !id) {
        id = sqlite3_last_insert_rowid(db);
    } else if (r == 0 && sqlite3_changes(db) != 1) {
        r = -ESTALE; /* someone changed it since it was read, or it is gone */
    }
    if (r == 0) {
        r = put_case_events(db, ev, n, id);
    }
    r = direct_end(q, r);
    if (r == 0 && ret_id) {
        *ret_id = id;
    }
    return r;
}

static int sq_case_get(void *ctx, int64_t id, struct sw_case_row *ret)
{
    return read_one(ctx, CASE_SELECT " WHERE id = ?1", bind_id, &id, sizeof(*ret), case_row,
                    case_rows_free, ret);
}

static int sq_case_for_incident(void *ctx, int64_t incident, struct sw_case_row *ret)
{
    return read_one(ctx, CASE_SELECT " WHERE incident = ?1", bind_id, &incident, sizeof(*ret),
                    case_row, case_rows_free, ret);
}

struct case_list_args {
    const struct sw_case_filter *f;
    size_t limit;
};

static void bind_case_list(sqlite3_stmt *st, const void *arg)
{
    const struct case_list_args *a = arg;

    bind_text(st, 1, a->f->customer);
    sqlite3_bind_int64(st, 2, a->f->created_from);
    sqlite3_bind_int64(st, 3, a->f->created_to);
    sqlite3_bind_int64(st, 4, (int64_t)a->limit);
}

static int sq_case_list(void *ctx, const struct sw_case_filter *f, size_t limit,
                        struct sw_case_row **ret, size_t *ret_n)
{
    const struct cond c[] = {
        {.on = f->open_only, .sql = " AND status IN (0, 1, 2)"},
        {.on = f->customer != NULL, .sql = " AND customer = ?1"},
        {.on = f->created_from != 0, .sql = " AND created_s >= ?2"},
        {.on = f->created_to != 0, .sql = " AND created_s < ?3"},
    };
    struct case_list_args a = {f, limit};
    struct sw_buf sql;
    int r;

    list_sql(&sql, CASE_SELECT, c, sizeof(c) / sizeof(c[0]),
             f->newest_first ? " ORDER BY created_s DESC, id DESC LIMIT ?4"
                             : " ORDER BY created_s, id LIMIT ?4");
    r = read_rows(ctx, sql.data, bind_case_list, &a, sizeof(**ret), case_row, case_rows_free,
                  (void **)ret, ret_n);
    sw_buf_release(&sql);
    return r;
}

static int sq_case_events(void *ctx, int64_t id, struct sw_case_event_row **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     "SELECT id, case_id, t_s, kind, status, author, text FROM case_events "
                     "WHERE case_id = ?1 ORDER BY t_s, id",
                     bind_id, &id, sizeof(**ret), case_event_row, case_event_rows_free,
                     (void **)ret, ret_n);
}

static int sq_change_start(void *ctx, const struct sw_change_row *c, int64_t *ret_id)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int64_t id = 0;
    int r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    r = write_stmt(db,
                   "INSERT INTO changes (customer, deployment, title, started_by, started_s, "
                   "finished_s, result, note) VALUES (?1, ?2, ?3, ?4, ?5, NULL, -1, ?6)",
                   &st);
    if (r == 0) {
        bind_text(st, 1, c->customer);
        bind_text(st, 2, c->deployment);
        bind_text(st, 3, c->title);
        bind_text(st, 4, c->started_by);
        sqlite3_bind_int64(st, 5, c->started);
        bind_text(st, 6, c->note);
        r = write_step(db, st);
        id = sqlite3_last_insert_rowid(db);
    }
    r = direct_end(q, r);
    if (r == 0 && ret_id) {
        *ret_id = id;
    }
    return r;
}

static int sq_change_finish(void *ctx, int64_t id, int64_t t, int result, const char *note)
{
    struct sq *q = ctx;
    sqlite3_stmt *st;
    sqlite3 *db;
    int rc, r = direct_begin(q, &db);

    if (r < 0) {
        return r;
    }
    /* Read and decide inside the write transaction: two finishes of one change cannot both
     * see it running. */
    r = write_stmt(db, "SELECT started_s, finished_s IS NOT NULL FROM changes WHERE id = ?1", &st);
    if (r == 0) {
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            r = -ENOENT;
        } else if (rc != SQLITE_ROW) {
            r = db_fail(db, "change finish");
        } else if (sqlite3_column_int(st, 1)) {
            r = -EALREADY;
        } else if (t < sqlite3_column_int64(st, 0)) {
            r = -EINVAL;
        }
        sqlite3_reset(st);
    }
    if (r == 0) {
        /* A finish without a note keeps the one given at the start. */
        r = write_stmt(db,
                       "UPDATE changes SET finished_s = ?2, result = ?3, "
                       "note = coalesce(?4, note) WHERE id = ?1",
                       &st);
    }
    if (r == 0) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, t);
        sqlite3_bind_int(st, 3, result);
        bind_text(st, 4, note);
        r = write_step(db, st);
    }
    return direct_end(q, r);
}

static int sq_change_get(void *ctx, int64_t id, struct sw_change_row *ret)
{
    return read_one(ctx, CHANGE_SELECT " WHERE id = ?1", bind_id, &id, sizeof(*ret), change_row,
                    change_rows_free, ret);
}

struct change_list_args {
    int64_t from;
    int64_t to;
    const char *deployment;
};

static void bind_change_list(sqlite3_stmt *st, const void *arg)
{
    const struct change_list_args *a = arg;

    sqlite3_bind_int64(st, 1, a->from);
    sqlite3_bind_int64(st, 2, a->to);
    bind_text(st, 3, a->deployment);
}

static int sq_change_list(void *ctx, int64_t from, int64_t to, const char *deployment,
                          struct sw_change_row **ret, size_t *ret_n)
{
    const struct cond c[] = {
        {.on = from != 0, .sql = " AND started_s >= ?1"},
        {.on = to != 0, .sql = " AND started_s < ?2"},
        {.on = deployment != NULL, .sql = " AND deployment = ?3"},
    };
    struct change_list_args a = {from, to, deployment};
    struct sw_buf sql;
    int r;

    list_sql(&sql, CHANGE_SELECT, c, sizeof(c) / sizeof(c[0]), " ORDER BY started_s, id");
    r = read_rows(ctx, sql.data, bind_change_list, &a, sizeof(**ret), change_row, change_rows_free,
                  (void **)ret, ret_n);
    sw_buf_release(&sql);
    return r;
}

const struct sw_store_backend sw_store_sqlite_backend = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .apply_batch = sq_apply_batch,
    .load_states = sq_load_states,
    .history = sq_history,
    .results = sq_results,
    .last_alive = sq_last_alive,
    .count = sq_count,
    .first_seen = sq_first_seen,
    .maint_add = sq_maint_add,
    .maint_list = sq_maint_list,
    .maint_remove = sq_maint_remove,
    .token_add = sq_token_add,
    .token_find = sq_token_find,
    .token_any = sq_token_any,
    .token_list = sq_token_list,
    .token_revoke = sq_token_revoke,
    .derived_put = sq_derived_put,
    .derived_retire = sq_derived_retire,
    .derived_list = sq_derived_list,
    .derived_get = sq_derived_get,
    .alerts_replace = sq_alerts_replace,
    .alerts_list = sq_alerts_list,
    .incident_write = sq_incident_write,
    .incident_get = sq_incident_get,
    .incident_list = sq_incident_list,
    .incident_last = sq_incident_last,
    .incident_events = sq_incident_events,
    .incident_notifications = sq_incident_notifications,
    .notif_due = sq_notif_due,
    .notif_next_due = sq_notif_next_due,
    .notif_record = sq_notif_record,
    .incident_log = sq_incident_log,
    .case_write = sq_case_write,
    .case_get = sq_case_get,
    .case_for_incident = sq_case_for_incident,
    .case_list = sq_case_list,
    .case_events = sq_case_events,
    .change_start = sq_change_start,
    .change_finish = sq_change_finish,
    .change_get = sq_change_get,
    .change_list = sq_change_list,
};
