/* SPDX-License-Identifier: Apache-2.0 */
/* postgres.c: the PostgreSQL backend of store.h, for several nodes sharing one database or a
 * history kept off the monitoring host. postgres_inc.c holds its incidents, cases and changes,
 * migrations/postgres.c its schema, pg_int.h what they share. Every function behaves as its
 * twin in sqlite.c: same rows, same orders (text sorted bytewise, COLLATE "C", as SQLite
 * does), same errors.
 *
 * Connections. The writer thread has one of its own (pg->writer), opened by open() (which
 * migrates the schema on it) and then used by apply_batch() only, its statements prepared
 * once per connection. Everything else (reads, the synchronous writes, postgres_inc.c) takes
 * a connection from a small pool for one call and gives it back (sw_pg_get(), sw_pg_put()),
 * so several threads read at once. A pooled connection whose server went away is noticed
 * when taken (PQconsumeInput() reads the closed stream) and replaced by a new one; one that
 * failed during a call is dropped when given back. Every connection has a 5 s connect
 * timeout and TCP keepalives with a 30 s bound on unacknowledged data: a vanished server
 * costs a failed call (-EIO), not a hang. A commit is durable when reported:
 * synchronous_commit is left at its default, on.
 *
 * Batching. apply_batch() writes a batch in one transaction of about ten round trips, whatever
 * its size (sqlite.c runs a statement per op, which costs nothing in-process but a round trip
 * each here):
 *  - objects: the (kind, path) -> id cache answers most; paths it does not know are inserted
 *    (ON CONFLICT DO NOTHING: another node may add the same one) and read back, all of them in
 *    two statements over arrays. Ids learnt enter the cache only once the batch committed;
 *  - results, the bulk: one COPY results FROM STDIN (text format) for all of them, cut in two
 *    by a prune (which must see the results queued before it, and not those after);
 *  - states: one INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE with the last
 *    snapshot of each check (a snapshot replaces the whole row);
 *  - intervals: one statement reads the open interval of each object the batch changes and
 *    the interval that ends where a change starts (the one a change may continue); the
 *    changes are then played in memory exactly as sqlite.c plays them on rows, and what
 *    differs is written in at most four statements: delete, close, reopen, insert, in that
 *    order so that no object ever has two open intervals. A close of all open intervals
 *    (shutdown) writes what came before it, then runs as in sqlite.c;
 *  - last_alive: the last value, once, after the commit in a statement of its own (all the
 *    nodes write that one row: inside the batch its lock would serialise their batches).
 * A batch of 10,000 results commits in 70-90 ms on the 2-core development machine (and
 * 140-190 ms with 10,000 state saves and 1,000 interval changes besides).
 *
 * Reconnect. When a statement of the batch fails, the transaction is rolled back and
 * apply_batch() returns -EIO; store.c keeps the ops and calls again after a back-off. A
 * connection lost (or left in a state we cannot trust) is closed; the next call opens a new
 * one, bounded by the connect timeout, and prepares the statements again. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/core.h"
#include "store/pg_int.h"
#include "store/store.h"
#include "store/store_int.h"

#define MIGRATE_LOCK "727001" /* pg_advisory_xact_lock() key held while migrating */
#define COPY_CHUNK 65536      /* bytes handed to PQputCopyData() at a time */
#define KEEP_MAX (1 << 20)    /* per-batch buffers bigger than this are freed after the batch */

/* ---- connections ---- */

/* libpq prints notices ("relation ... already exists, skipping") to stderr by default. */
static void notice(void *arg, const char *msg)
{
    (void)arg;
    sw_debug("store: postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
}

/* Appends msg to b on one line: runs of newlines and tabs become one space, the ends trimmed. */
static void put_one_line(struct sw_buf *b, const char *msg)
{
    bool space = false, any = false;

    for (const char *p = msg ? msg : ""; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
            space = any;
            continue;
        }
        if (space) {
            sw_buf_append(b, " ", 1);
            space = false;
        }
        sw_buf_append(b, p, 1);
        any = true;
    }
    if (!any) {
        sw_buf_puts(b, "unknown error");
    }
}

/* uri as "scheme://host:port/dbname" for messages: made from libpq's own reading of it, so
 * that no user info, password or query (which may hold one too) can show, however the URI
 * is written. */
static char *safe_uri(const char *uri)
{
    const char *host = NULL, *port = NULL, *dbname = NULL;
    PQconninfoOption *opts = PQconninfoParse(uri, NULL);
    size_t scheme = strstr(uri, "://") ? (size_t)(strstr(uri, "://") - uri) : 0;
    char *s;

    if (!opts) {
        return sw_xasprintf("%.*s://(a URI libpq cannot read)", (int)scheme, uri);
    }
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (strcmp(o->keyword, "host") == 0) {
            host = o->val;
        } else if (strcmp(o->keyword, "port") == 0) {
            port = o->val;
        } else if (strcmp(o->keyword, "dbname") == 0) {
            dbname = o->val;
        }
    }
    s = sw_xasprintf("%.*s://%s%s%s/%s", (int)scheme, uri, host ? host : "", port ? ":" : "",
                     port ? port : "", dbname ? dbname : "");
    PQconninfoFree(opts);
    return s;
}

PGconn *sw_pg_connect(struct sw_pg *pg, struct sw_buf *err)
{
    const char *kw[12], *val[12];
    PGconn *c;
    int i = 0;

    kw[i] = "dbname";
    val[i++] = pg->uri;
    if (pg->password) {
        kw[i] = "password";
        val[i++] = pg->password;
    }
    kw[i] = "connect_timeout";
    val[i++] = "5";
    kw[i] = "application_name";
    val[i++] = "stackward";
    /* text goes both ways as UTF-8, whatever the server's or the locale's encoding */
    kw[i] = "client_encoding";
    val[i++] = "UTF8";
    /* A peer gone without a word (cable cut, host down) is noticed within about 30 s rather
     * than the kernel's 15 minutes: keepalives while waiting for a reply, and a bound on
     * unacknowledged data while sending one. */
    kw[i] = "keepalives_idle";
    val[i++] = "10";
    kw[i] = "keepalives_interval";
    val[i++] = "5";
    kw[i] = "keepalives_count";
    val[i++] = "3";
    kw[i] = "tcp_user_timeout";
    val[i++] = "30000";
    kw[i] = NULL;
    val[i] = NULL;
    c = PQconnectdbParams(kw, val, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        struct sw_buf m;
        sw_buf_init(&m);
        put_one_line(&m, c ? PQerrorMessage(c) : "cannot allocate a connection");
        sw_debug("store: postgresql: %s: %s", pg->safe, m.data);
        if (err) {
            sw_buf_printf(err, "%s: %s", pg->safe, m.data);
        }
        sw_buf_release(&m);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, notice, NULL);
    return c;
}

/* Whether idle connection c is still worth using. Between our calls the server sends
 * nothing we asked for (no LISTEN, no asynchronous statements): anything waiting on the
 * socket is the server saying goodbye (a restart, an idle timeout, a terminated backend),
 * even when the end of the stream itself has not arrived yet. */
static bool idle_alive(PGconn *c)
{
    struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};

    if (PQstatus(c) != CONNECTION_OK || p.fd < 0) {
        return false;
    }
    return poll(&p, 1, 0) == 0;
}

/* A connection from the pool (*ret_pooled set) or a new one; NULL when none can be made. */
static PGconn *pool_get(struct sw_pg *pg, bool *ret_pooled)
{
    PGconn *c = NULL;

    for (;;) {
        pthread_mutex_lock(&pg->pool_lock);
        c = pg->npool > 0 ? pg->pool[--pg->npool] : NULL;
        pthread_mutex_unlock(&pg->pool_lock);
        if (!c) {
            *ret_pooled = false;
            return sw_pg_connect(pg, NULL);
        }
        if (idle_alive(c)) {
            *ret_pooled = true;
            return c;
        }
        sw_debug("store: postgresql: %s: dropped a pooled connection the server closed", pg->safe);
        PQfinish(c);
    }
}

PGconn *sw_pg_get(struct sw_pg *pg)
{
    bool pooled;

    return pool_get(pg, &pooled);
}

void sw_pg_put(struct sw_pg *pg, PGconn *c)
{
    if (!c) {
        return;
    }
    if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE) {
        pthread_mutex_lock(&pg->pool_lock);
        if (pg->npool < SW_PG_POOL_MAX) {
            pg->pool[pg->npool++] = c;
            c = NULL;
        }
        pthread_mutex_unlock(&pg->pool_lock);
    }
    PQfinish(c);
}

/* ---- statements ---- */

void sw_pg_params_init(struct sw_pg_params *p)
{
    p->n = 0;
}

static char *param_slot(struct sw_pg_params *p)
{
    if (p->n >= SW_PG_PARAMS_MAX) {
        sw_error("store: postgresql: more than %d parameters", SW_PG_PARAMS_MAX);
        abort(); /* a programming error */
    }
    p->v[p->n] = p->num[p->n];
    return p->num[p->n++];
}

void sw_pg_param_i64(struct sw_pg_params *p, int64_t v)
{
    snprintf(param_slot(p), sizeof(p->num[0]), "%lld", (long long)v);
}

void sw_pg_param_int(struct sw_pg_params *p, int v)
{
    snprintf(param_slot(p), sizeof(p->num[0]), "%d", v);
}

void sw_pg_param_bool(struct sw_pg_params *p, bool v)
{
    snprintf(param_slot(p), sizeof(p->num[0]), "%d", v ? 1 : 0);
}

void sw_pg_param_str(struct sw_pg_params *p, const char *s)
{
    param_slot(p);
    p->v[p->n - 1] = s;
}

void sw_pg_param_i64_or_null(struct sw_pg_params *p, int64_t v)
{
    if (v) {
        sw_pg_param_i64(p, v);
    } else {
        sw_pg_param_str(p, NULL);
    }
}

/* The errno for a failed result: constraint violations as SQLite's backend tells them apart
 * (UNIQUE: -EEXIST, FOREIGN KEY: -ENOENT, CHECK and NOT NULL: -EINVAL), -ESTALE for a
 * serialization failure or a deadlock (try again), -EIO for the rest (the connection lost
 * among them). */
static int result_errno(const PGresult *res)
{
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    if (!st) {
        return -EIO;
    }
    if (strcmp(st, "23505") == 0) {
        return -EEXIST;
    }
    if (strcmp(st, "23503") == 0) {
        return -ENOENT;
    }
    if (strcmp(st, "23514") == 0 || strcmp(st, "23502") == 0) {
        return -EINVAL;
    }
    if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0) {
        return -ESTALE;
    }
    return -EIO;
}

/* Checks res (which it clears on failure) of sql on c: 0 or a negative errno, logged. */
static int check_result(PGconn *c, const char *sql, PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int r;

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        return 0;
    }
    r = result_errno(res);
    sw_debug("store: postgresql: \"%.200s\": %.*s", sql,
             (int)strcspn(res ? PQresultErrorMessage(res) : PQerrorMessage(c), "\n"),
             res ? PQresultErrorMessage(res) : PQerrorMessage(c));
    PQclear(res);
    return r;
}

int sw_pg_run(PGconn *c, const char *sql, const struct sw_pg_params *p, PGresult **ret)
{
    PGresult *res;
    int r;

    if (!c) {
        return -EIO;
    }
    res = PQexecParams(c, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
    r = check_result(c, sql, res);
    if (r < 0) {
        return r;
    }
    if (ret) {
        *ret = res;
    } else {
        PQclear(res);
    }
    return 0;
}

int sw_pg_begin(PGconn *c)
{
    return sw_pg_run(c, "BEGIN", NULL, NULL) < 0 ? -EIO : 0;
}

int sw_pg_commit(PGconn *c)
{
    PGresult *res;
    int r;

    if (!c) {
        return -EIO;
    }
    /* COMMIT of a transaction in error answers ROLLBACK without an error: ask first. */
    if (PQtransactionStatus(c) != PQTRANS_INTRANS) {
        sw_debug("store: postgresql: COMMIT outside a healthy transaction");
        sw_pg_rollback(c);
        return -EIO;
    }
    res = PQexec(c, "COMMIT");
    r = check_result(c, "COMMIT", res);
    if (r < 0) {
        sw_pg_rollback(c);
        return -EIO;
    }
    r = strcmp(PQcmdStatus(res), "COMMIT") == 0 ? 0 : -EIO;
    PQclear(res);
    return r;
}

void sw_pg_rollback(PGconn *c)
{
    PGTransactionStatusType st = c ? PQtransactionStatus(c) : PQTRANS_UNKNOWN;

    if (st == PQTRANS_INTRANS || st == PQTRANS_INERROR) {
        PQclear(PQexec(c, "ROLLBACK"));
    }
}

int64_t sw_pg_i64(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool sw_pg_bool(const PGresult *r, int row, int col)
{
    const char *v = PQgetvalue(r, row, col);

    return !PQgetisnull(r, row, col) && (strcmp(v, "t") == 0 || strcmp(v, "1") == 0);
}

char *sw_pg_strdup(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : sw_xstrdup(PQgetvalue(r, row, col));
}

bool sw_pg_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) != 0;
}

/* ---- text for COPY and array literals ---- */

enum esc {
    ESC_COPY,  /* a COPY text-format field */
    ESC_ARRAY, /* inside a double-quoted element of an array literal */
};

/* Appends s escaped for mode. A byte that is not valid UTF-8 becomes U+FFFD: the server
 * refuses such text, and one refused row would fail its whole batch on every retry (SQLite
 * keeps whatever bytes it is given; a probe may hand over anything). */
static void put_text(struct sw_buf *b, const char *s, enum esc mode)
{
    const char *p = s, *end = s + strlen(s), *run = s;

    while (p < end) {
        unsigned char ch = (unsigned char)*p;
        const char *esc = NULL;
        size_t l = 1;

        if (ch < 0x80) {
            if (ch == '\\') {
                esc = "\\\\";
            } else if (mode == ESC_ARRAY && ch == '"') {
                esc = "\\\"";
            } else if (mode == ESC_COPY && ch == '\n') {
                esc = "\\n";
            } else if (mode == ESC_COPY && ch == '\r') {
                esc = "\\r";
            } else if (mode == ESC_COPY && ch == '\t') {
                esc = "\\t";
            }
        } else {
            l = sw_utf8_len(p, (size_t)(end - p));
            if (l == 0) {
                esc = "\xef\xbf\xbd";
                l = 1;
            }
        }
        if (!esc) {
            p += l;
            continue;
        }
        sw_buf_append(b, run, (size_t)(p - run));
        sw_buf_puts(b, esc);
        p += l;
        run = p;
    }
    sw_buf_append(b, run, (size_t)(p - run));
}

static void put_i64(struct sw_buf *b, int64_t v)
{
    char tmp[24], *p = tmp + sizeof(tmp);
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        *--p = '-';
    }
    sw_buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Array literals ("{1,2}", "{\"a\",NULL}") built one element at a time in an empty buffer,
 * then closed by arr_end(), which returns the literal (a statement's text parameter). */
static void arr_sep(struct sw_buf *b)
{
    sw_buf_append(b, b->len == 0 ? "{" : ",", 1);
}

static void arr_i64(struct sw_buf *b, int64_t v)
{
    arr_sep(b);
    put_i64(b, v);
}

static void arr_null(struct sw_buf *b)
{
    arr_sep(b);
    sw_buf_puts(b, "NULL");
}

static void arr_str(struct sw_buf *b, const char *s)
{
    if (!s) {
        arr_null(b);
        return;
    }
    arr_sep(b);
    sw_buf_append(b, "\"", 1);
    put_text(b, s, ESC_ARRAY);
    sw_buf_append(b, "\"", 1);
}

static const char *arr_end(struct sw_buf *b)
{
    if (b->len == 0) {
        sw_buf_append(b, "{", 1);
    }
    sw_buf_append(b, "}", 1);
    return b->data;
}

static void bufs_reset(struct sw_buf *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].cap > KEEP_MAX) {
            sw_buf_release(&v[i]);
        } else {
            sw_buf_reset(&v[i]);
        }
    }
}

static void bufs_release(struct sw_buf *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sw_buf_release(&v[i]);
    }
}

/* ---- (kind, path) -> id cache: open addressing, linear probing (as sqlite.c's) ---- */

/* ---- int64 (an object id, never 0) -> size_t map ---- */

struct i64map {
    int64_t *k; /* 0: empty slot */
    size_t *v;
    size_t cap; /* power of two, or 0 */
    size_t n;
};

static size_t i64_slot(const struct i64map *m, int64_t key)
{
    uint64_t x = (uint64_t)key;
    size_t i;

    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    for (i = x & (m->cap - 1); m->k[i] != 0 && m->k[i] != key; i = (i + 1) & (m->cap - 1)) {
    }
    return i;
}

static size_t *i64map_get(struct i64map *m, int64_t key)
{
    size_t i;

    if (m->n == 0) {
        return NULL;
    }
    i = i64_slot(m, key);
    return m->k[i] ? &m->v[i] : NULL;
}

/* key's value, 0 when it was not there; valid until the next i64map_put(). */
static size_t *i64map_put(struct i64map *m, int64_t key)
{
    size_t i;

    if ((m->n + 1) * 10 > m->cap * 7) {
        struct i64map old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->k = sw_xcalloc(m->cap, sizeof(*m->k));
        m->v = sw_xcalloc(m->cap, sizeof(*m->v));
        for (size_t j = 0; j < old.cap; j++) {
            if (old.k[j]) {
                i = i64_slot(m, old.k[j]);
                m->k[i] = old.k[j];
                m->v[i] = old.v[j];
            }
        }
        free(old.k);
        free(old.v);
    }
    i = i64_slot(m, key);
    if (!m->k[i]) {
        m->k[i] = key;
        m->v[i] = 0;
        m->n++;
    }
    return &m->v[i];
}

static void i64map_clear(struct i64map *m)
{
    if (m->cap > 65536) {
        free(m->k);
        free(m->v);
        memset(m, 0, sizeof(*m));
    } else if (m->n > 0) {
        memset(m->k, 0, m->cap * sizeof(*m->k));
        m->n = 0;
    }
}

static void i64map_release(struct i64map *m)
{
    free(m->k);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* ---- the batch writer (writer thread) ---- */

enum {
    W_OBJ_INS,
    W_OBJ_GET,
    W_IV_LOAD,
    W_IV_PREV,
    W_IV_DEL,
    W_IV_CLOSE,
    W_IV_REOPEN,
    W_IV_INS,
    W_STATE_PUT,
    W_ALIVE,
    W_PRUNE,
    W_ALL_DEL,
    W_ALL_CLOSE,
    W_N,
};

static const char *const wname[W_N] = {
    "sw_obj_ins",  "sw_obj_get",   "sw_iv_load",   "sw_iv_prev",   "sw_iv_del",
    "sw_iv_close", "sw_iv_reopen", "sw_iv_ins",    "sw_state_put", "sw_alive",
    "sw_prune",    "sw_all_del",   "sw_all_close",
};

static const char *const wsql[W_N] = {
    /* sorted: two nodes adding the same new objects wait for each other, never deadlock */
    [W_OBJ_INS] = "INSERT INTO objects (kind, path) SELECT k, p FROM unnest($1::integer[], "
                  "$2::text[]) AS u(k, p) ORDER BY k, p ON CONFLICT (kind, path) DO NOTHING",
    [W_OBJ_GET] = "SELECT u.i, o.id FROM unnest($1::integer[], $2::text[]) WITH ORDINALITY "
                  "AS u(k, p, i) JOIN objects o ON o.kind = u.k AND o.path = u.p",
    /* The open intervals of objects $1, and for each (object, t) of ($2, $3) the interval
     * ending at t: intervals of an object never overlap, so it is the last one starting
     * before t, found by the (object_id, start_s) index. */
    [W_IV_LOAD] = "SELECT id, object_id, start_s, end_s, state FROM intervals "
                  "WHERE object_id = ANY ($1::bigint[]) AND end_s IS NULL "
                  "UNION SELECT p.id, p.object_id, p.start_s, p.end_s, p.state "
                  "FROM unnest($2::bigint[], $3::bigint[]) AS u(o, e) CROSS JOIN LATERAL "
                  "(SELECT id, object_id, start_s, end_s, state FROM intervals "
                  "WHERE object_id = u.o AND start_s < u.e ORDER BY start_s DESC LIMIT 1) p "
                  "WHERE p.end_s = u.e",
    [W_IV_PREV] = "SELECT id, object_id, start_s, end_s, state FROM intervals "
                  "WHERE object_id = $1 AND end_s = $2",
    [W_IV_DEL] = "DELETE FROM intervals WHERE id = ANY ($1::bigint[])",
    [W_IV_CLOSE] = "UPDATE intervals i SET end_s = u.e FROM unnest($1::bigint[], $2::bigint[]) "
                   "AS u(id, e) WHERE i.id = u.id",
    [W_IV_REOPEN] = "UPDATE intervals SET end_s = NULL WHERE id = ANY ($1::bigint[])",
    [W_IV_INS] = "INSERT INTO intervals (object_id, start_s, end_s, state) SELECT * FROM "
                 "unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::integer[])",
    [W_STATE_PUT] =
        "INSERT INTO check_state (object_id, state, hard_state, hard, has_state, attempt, "
        "since_s, last_check_ms, last_change_ms, output, perfdata, flapping, flap_history, "
        "flap_count, flap_last) SELECT * FROM unnest($1::bigint[], $2::integer[], "
        "$3::integer[], $4::integer[], $5::integer[], $6::integer[], $7::bigint[], $8::bigint[], "
        "$9::bigint[], $10::text[], $11::text[], $12::integer[], $13::bigint[], $14::integer[], "
        "$15::integer[]) AS u ORDER BY 1 ON CONFLICT (object_id) DO UPDATE SET "
        "state = excluded.state, "
        "hard_state = excluded.hard_state, hard = excluded.hard, has_state = excluded.has_state, "
        "attempt = excluded.attempt, since_s = excluded.since_s, "
        "last_check_ms = excluded.last_check_ms, last_change_ms = excluded.last_change_ms, "
        "output = excluded.output, perfdata = excluded.perfdata, flapping = excluded.flapping, "
        "flap_history = excluded.flap_history, flap_count = excluded.flap_count, "
        "flap_last = excluded.flap_last "
        "WHERE excluded.last_check_ms >= check_state.last_check_ms",
    [W_ALIVE] = "INSERT INTO meta (key, value) VALUES ('last_alive', $1) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [W_PRUNE] = "DELETE FROM results WHERE t_ms < $1",
    [W_ALL_DEL] = "DELETE FROM intervals WHERE end_s IS NULL AND start_s >= $1",
    [W_ALL_CLOSE] = "UPDATE intervals SET end_s = $1 WHERE end_s IS NULL",
};

#define COPY_SQL                                                                                   \
    "COPY results (object_id, t_ms, state, hard, attempt, latency_us, output, perfdata, "          \
    "passive) FROM STDIN"

#define WANT_CREATE (-1) /* want: an object to create when missing */
#define WANT_LOOKUP (-2) /* want: an object to look up only (a close never creates one) */
#define NBUF 15          /* array parameters of the widest statement (W_STATE_PUT) */

/* An interval the batch looked at, as it stands after the ops played so far. */
struct iv {
    int64_t id; /* 0: made by this batch */
    int64_t object;
    int64_t start;
    int64_t end; /* when !open */
    int64_t db_end;
    int state;
    bool open;
    bool db_open;
    bool deleted;
    size_t next; /* index + 1 of the object's next interval, 0: none */
};

struct cand {
    int64_t object;
    int64_t t;
};

struct snap {
    int64_t id;
    const struct sw_check_snapshot *c;
};

struct writer {
    struct sw_idcache ids; /* committed objects */
    bool prepared;         /* the statements exist on pg->writer */
    /* one batch's */
    struct sw_idcache want; /* objects not in ids: WANT_* until read back, then their id */
    struct sw_buf copy;     /* COPY rows not sent yet */
    size_t ncopy;
    struct iv *iv;
    size_t niv, civ;
    struct i64map iv_head; /* object -> index + 1 of its first struct iv */
    bool iv_loaded;
    struct cand *cand; /* (object, t) pairs whose ending interval was looked for, sorted */
    size_t ncand, ccand;
    struct snap *snap;
    size_t nsnap, csnap;
    struct i64map snap_at; /* object -> index + 1 in snap */
    int64_t alive;
    bool has_alive;
    struct sw_buf a[NBUF];
};

static int wexec(PGconn *c, int i, int n, const char *const *v, PGresult **ret)
{
    PGresult *res = PQexecPrepared(c, wname[i], n, v, NULL, NULL, 0);
    int r = check_result(c, wsql[i], res);

    if (r == 0 && ret) {
        *ret = res;
    } else if (r == 0) {
        PQclear(res);
    }
    return r;
}

/* Runs statement i with the first n of w->a (closed as array literals) as parameters. */
static int wexec_arrays(PGconn *c, struct writer *w, int i, int n, PGresult **ret)
{
    const char *v[NBUF];

    for (int k = 0; k < n; k++) {
        v[k] = arr_end(&w->a[k]);
    }
    return wexec(c, i, n, v, ret);
}

static int wexec_i64(PGconn *c, int i, int64_t a, int64_t b, int n, PGresult **ret)
{
    char s[2][24];
    const char *v[2] = {s[0], s[1]};

    snprintf(s[0], sizeof(s[0]), "%lld", (long long)a);
    snprintf(s[1], sizeof(s[1]), "%lld", (long long)b);
    return wexec(c, i, n, v, ret);
}

static void writer_free(struct writer *w)
{
    if (!w) {
        return;
    }
    sw_idcache_clear(&w->ids);
    sw_idcache_clear(&w->want);
    sw_buf_release(&w->copy);
    free(w->iv);
    free(w->cand);
    free(w->snap);
    i64map_release(&w->iv_head);
    i64map_release(&w->snap_at);
    bufs_release(w->a, NBUF);
    free(w);
}

/* The writer's connection, (re)opened and its statements prepared when needed. */
static PGconn *writer_conn(struct sw_pg *pg, struct writer *w)
{
    if (pg->writer && !idle_alive(pg->writer)) {
        PQfinish(pg->writer);
        pg->writer = NULL;
    }
    if (!pg->writer) {
        w->prepared = false;
        pg->writer = sw_pg_connect(pg, NULL);
        if (!pg->writer) {
            return NULL;
        }
        sw_debug("store: postgresql: %s: the writer connected", pg->safe);
    }
    for (int i = 0; !w->prepared && i < W_N; i++) {
        PGresult *res = PQprepare(pg->writer, wname[i], wsql[i], 0, NULL);
        if (check_result(pg->writer, wsql[i], res) < 0) {
            /* start again on a new connection, not on half the statements */
            PQfinish(pg->writer);
            pg->writer = NULL;
            return NULL;
        }
        PQclear(res);
        if (i == W_N - 1) {
            w->prepared = true;
        }
    }
    return pg->writer;
}

/* Empties what one batch gathered; keeps the memory unless it grew large. */
static void batch_reset(struct writer *w)
{
    sw_idcache_clear(&w->want);
    if (w->copy.cap > KEEP_MAX) {
        sw_buf_release(&w->copy);
    } else {
        sw_buf_reset(&w->copy);
    }
    w->ncopy = 0;
    w->niv = w->ncand = w->nsnap = 0;
    w->iv_loaded = false;
    i64map_clear(&w->iv_head);
    i64map_clear(&w->snap_at);
    w->has_alive = false;
    bufs_reset(w->a, NBUF);
}

/* The object of op, when it names one: create says whether the op makes it exist. */
static bool op_object(const struct sw_store_op *op, int *ret_kind, const char **ret_path,
                      bool *ret_create)
{
    switch (op->type) {
    case SW_OP_RESULT:
        *ret_kind = SW_OBJ_CHECK;
        *ret_path = op->u.result.path;
        *ret_create = true;
        return true;
    case SW_OP_STATE:
        *ret_kind = SW_OBJ_CHECK;
        *ret_path = op->u.snap.path;
        *ret_create = true;
        return true;
    case SW_OP_CHANGE:
    case SW_OP_CLOSE:
        *ret_kind = (int)op->u.iv.kind;
        *ret_path = op->u.iv.path;
        *ret_create = op->type == SW_OP_CHANGE;
        return true;
    default:
        return false;
    }
}

/* The id of an object resolved for this batch; 0 when it does not exist. */
static int64_t object_id(struct writer *w, int kind, const char *path)
{
    int64_t id;

    if (sw_idcache_get(&w->ids, kind, path, &id)) {
        return id;
    }
    if (sw_idcache_get(&w->want, kind, path, &id) && id > 0) {
        return id;
    }
    return 0;
}

/* Finds the ids of every object the batch names that the cache does not know, creating those
 * an op creates: two statements whatever their number. The objects are created before the
 * ops that sqlite.c would create them with; nothing can tell, as a close never creates one
 * and finds no open interval on an object made for a later op. */
static int resolve_objects(PGconn *c, struct writer *w, struct sw_store_op *const *ops, size_t n)
{
    size_t *slot = NULL, k = 0, ncreate = 0;
    PGresult *res = NULL;
    int r;

    for (size_t i = 0; i < n; i++) {
        const char *path;
        int64_t id;
        bool create;
        int kind;

        if (!op_object(ops[i], &kind, &path, &create) || sw_idcache_get(&w->ids, kind, path, &id)) {
            continue;
        }
        if (!sw_idcache_get(&w->want, kind, path, &id) || (create && id == WANT_LOOKUP)) {
            sw_idcache_put(&w->want, kind, path, create ? WANT_CREATE : WANT_LOOKUP);
        }
    }
    if (w->want.n == 0) {
        return 0;
    }
    slot = sw_xmalloc(w->want.n * sizeof(*slot));
    for (size_t i = 0; i < w->want.cap; i++) {
        struct sw_idcache_entry *e = &w->want.v[i];
        if (!e->path) {
            continue;
        }
        slot[k++] = i;
        arr_i64(&w->a[0], e->kind);
        arr_str(&w->a[1], e->path);
        if (e->id == WANT_CREATE) {
            arr_i64(&w->a[2], e->kind);
            arr_str(&w->a[3], e->path);
            ncreate++;
        }
    }
    if (ncreate > 0) {
        const char *v[2] = {arr_end(&w->a[2]), arr_end(&w->a[3])};
        r = wexec(c, W_OBJ_INS, 2, v, NULL);
        if (r < 0) {
            goto out;
        }
    }
    r = wexec_arrays(c, w, W_OBJ_GET, 2, &res);
    if (r < 0) {
        goto out;
    }
    for (int row = 0; row < PQntuples(res); row++) {
        int64_t i = sw_pg_i64(res, row, 0);
        if (i >= 1 && (size_t)i <= k) {
            w->want.v[slot[i - 1]].id = sw_pg_i64(res, row, 1);
        }
    }
out:
    PQclear(res);
    free(slot);
    bufs_reset(w->a, 4);
    return r;
}

static void copy_result(struct writer *w, int64_t id, const struct sw_store_result *res)
{
    struct sw_buf *b = &w->copy;

    put_i64(b, id);
    sw_buf_append(b, "\t", 1);
    put_i64(b, res->t_ms);
    sw_buf_append(b, "\t", 1);
    put_i64(b, (int64_t)res->state);
    sw_buf_append(b, res->hard ? "\t1\t" : "\t0\t", 3);
    put_i64(b, res->attempt);
    sw_buf_append(b, "\t", 1);
    put_i64(b, res->latency_us);
    sw_buf_append(b, "\t", 1);
    if (res->output) {
        put_text(b, res->output, ESC_COPY);
    } else {
        sw_buf_append(b, "\\N", 2);
    }
    sw_buf_append(b, "\t", 1);
    if (res->perfdata) {
        put_text(b, res->perfdata, ESC_COPY);
    } else {
        sw_buf_append(b, "\\N", 2);
    }
    sw_buf_append(b, res->passive ? "\t1\n" : "\t0\n", 3);
    w->ncopy++;
}

/* Sends the results gathered so far with one COPY. */
static int flush_results(PGconn *c, struct writer *w)
{
    PGresult *res;
    bool sent = true;
    int r = 0;

    if (w->ncopy == 0) {
        return 0;
    }
    res = PQexec(c, COPY_SQL);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        if (check_result(c, COPY_SQL, res) == 0) {
            PQclear(res); /* not a COPY? */
        }
        return -EIO;
    }
    PQclear(res);
    for (size_t off = 0; sent && off < w->copy.len; off += COPY_CHUNK) {
        size_t len = w->copy.len - off < COPY_CHUNK ? w->copy.len - off : COPY_CHUNK;
        sent = PQputCopyData(c, w->copy.data + off, (int)len) == 1;
    }
    if (PQputCopyEnd(c, sent ? NULL : "stackward could not send the rows") != 1) {
        sent = false;
    }
    while ((res = PQgetResult(c))) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COMMAND_OK) {
            PQclear(res);
            continue;
        }
        if (r == 0) {
            r = check_result(c, COPY_SQL, res);
        } else {
            PQclear(res);
        }
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            break; /* the connection is not to be trusted any more: apply_batch() drops it */
        }
    }
    if (!sent && r == 0) {
        sw_debug("store: postgresql: COPY: %.*s", (int)strcspn(PQerrorMessage(c), "\n"),
                 PQerrorMessage(c));
        r = -EIO;
    }
    if (r == 0) {
        if (w->copy.cap > KEEP_MAX) {
            sw_buf_release(&w->copy);
        } else {
            sw_buf_reset(&w->copy);
        }
        w->ncopy = 0;
    }
    return r;
}

/* ---- intervals played in memory ---- */

static struct iv *iv_add(struct writer *w, int64_t id, int64_t object, int64_t start, bool open,
                         int64_t end, int state)
{
    size_t *head = i64map_put(&w->iv_head, object);
    struct iv *e;

    sw_xgrow((void **)&w->iv, &w->civ, w->niv + 1, sizeof(*w->iv));
    e = &w->iv[w->niv];
    e->id = id;
    e->object = object;
    e->start = start;
    e->open = e->db_open = open;
    e->end = e->db_end = open ? 0 : end;
    e->state = state;
    e->deleted = false;
    e->next = *head;
    *head = ++w->niv;
    return e;
}

/* The object's open interval (open set), or the one ending at t. */
static struct iv *iv_find(struct writer *w, int64_t object, bool open, int64_t t)
{
    size_t *head = i64map_get(&w->iv_head, object);

    for (size_t k = head ? *head : 0; k; k = w->iv[k - 1].next) {
        struct iv *e = &w->iv[k - 1];
        if (!e->deleted && e->open == open && (open || e->end == t)) {
            return e;
        }
    }
    return NULL;
}

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->object != y->object) {
        return x->object < y->object ? -1 : 1;
    }
    return x->t < y->t ? -1 : x->t > y->t;
}

static bool cand_has(const struct writer *w, int64_t object, int64_t t)
{
    struct cand key = {object, t};

    return w->ncand > 0 && bsearch(&key, w->cand, w->ncand, sizeof(key), cand_cmp);
}

static void iv_rows(struct writer *w, const PGresult *res)
{
    for (int row = 0; row < PQntuples(res); row++) {
        int64_t id = sw_pg_i64(res, row, 0), object = sw_pg_i64(res, row, 1);
        size_t *head = i64map_get(&w->iv_head, object);
        bool known = false;

        /* a row already here is as the batch left it, which is what counts */
        for (size_t k = head ? *head : 0; k && !known; k = w->iv[k - 1].next) {
            known = w->iv[k - 1].id == id;
        }
        if (!known) {
            iv_add(w, id, object, sw_pg_i64(res, row, 2), sw_pg_null(res, row, 3),
                   sw_pg_i64(res, row, 3), (int)sw_pg_i64(res, row, 4));
        }
    }
}

/* Reads what the interval ops of ops[0..n) up to the next SW_OP_CLOSE_ALL start from: the
 * open interval of each object, and the interval ending at each change's time. */
static int iv_load(PGconn *c, struct writer *w, struct sw_store_op *const *ops, size_t n)
{
    PGresult *res = NULL;
    size_t k = 0;
    int r;

    for (size_t i = 0; i < n && ops[i]->type != SW_OP_CLOSE_ALL; i++) {
        int64_t id;
        if (ops[i]->type != SW_OP_CHANGE && ops[i]->type != SW_OP_CLOSE) {
            continue;
        }
        id = object_id(w, (int)ops[i]->u.iv.kind, ops[i]->u.iv.path);
        if (id == 0) {
            continue;
        }
        arr_i64(&w->a[0], id);
        if (ops[i]->type == SW_OP_CHANGE) {
            sw_xgrow((void **)&w->cand, &w->ccand, w->ncand + 1, sizeof(*w->cand));
            w->cand[w->ncand].object = id;
            w->cand[w->ncand++].t = ops[i]->u.iv.t;
        }
    }
    qsort(w->cand, w->ncand, sizeof(*w->cand), cand_cmp);
    for (size_t i = 0; i < w->ncand; i++) {
        if (k > 0 && cand_cmp(&w->cand[k - 1], &w->cand[i]) == 0) {
            continue;
        }
        w->cand[k++] = w->cand[i];
        arr_i64(&w->a[1], w->cand[i].object);
        arr_i64(&w->a[2], w->cand[i].t);
    }
    w->ncand = k;
    r = wexec_arrays(c, w, W_IV_LOAD, 3, &res);
    bufs_reset(w->a, 3);
    if (r < 0) {
        return r;
    }
    iv_rows(w, res);
    PQclear(res);
    res = NULL;
    /* A change at or before the start of an open interval moves to that start (see
     * iv_apply()): the interval ending there is wanted too. Rare, so looked for only then. */
    k = w->ncand;
    for (size_t i = 0; i < n && ops[i]->type != SW_OP_CLOSE_ALL; i++) {
        int64_t id = ops[i]->type == SW_OP_CHANGE
                         ? object_id(w, (int)ops[i]->u.iv.kind, ops[i]->u.iv.path)
                         : 0;
        struct iv *e = id ? iv_find(w, id, true, 0) : NULL;
        if (e && ops[i]->u.iv.t <= e->start && !cand_has(w, id, e->start)) {
            sw_xgrow((void **)&w->cand, &w->ccand, w->ncand + 1, sizeof(*w->cand));
            w->cand[w->ncand].object = id;
            w->cand[w->ncand++].t = e->start;
            arr_i64(&w->a[1], id);
            arr_i64(&w->a[2], e->start);
        }
    }
    if (w->ncand > k) {
        qsort(w->cand, w->ncand, sizeof(*w->cand), cand_cmp);
        r = wexec_arrays(c, w, W_IV_LOAD, 3, &res);
        bufs_reset(w->a, 3);
        if (r < 0) {
            return r;
        }
        iv_rows(w, res);
        PQclear(res);
    }
    w->iv_loaded = true;
    return 0;
}

/* The interval of object ending at t, when iv_load() did not look for it (a change moved to
 * the start of an interval the batch reopened: rare). */
static int iv_fetch_prev(PGconn *c, struct writer *w, int64_t object, int64_t t)
{
    PGresult *res = NULL;
    struct cand key = {object, t};
    size_t i;
    int r = wexec_i64(c, W_IV_PREV, object, t, 2, &res);

    if (r < 0) {
        return r;
    }
    iv_rows(w, res);
    PQclear(res);
    sw_xgrow((void **)&w->cand, &w->ccand, w->ncand + 1, sizeof(*w->cand));
    for (i = w->ncand; i > 0 && cand_cmp(&w->cand[i - 1], &key) > 0; i--) {
        w->cand[i] = w->cand[i - 1];
    }
    w->cand[i] = key;
    w->ncand++;
    return 0;
}

/* SW_OP_CHANGE (open a new interval with state) and SW_OP_CLOSE (open none), on the intervals
 * in memory: sqlite.c's put_interval(), row for row. */
static int iv_apply(PGconn *c, struct writer *w, const struct sw_store_op *op, int64_t object)
{
    bool change = op->type == SW_OP_CHANGE;
    int64_t t = op->u.iv.t;
    int state = (int)op->u.iv.state, r;
    struct iv *e = iv_find(w, object, true, 0);

    if (e) {
        if (change && e->state == state) {
            return 0;
        }
        /* Time never runs backwards within one object: a change at or before the open
         * interval's start replaces that interval instead of closing it. */
        if (t <= e->start) {
            t = e->start;
            e->deleted = true;
        } else {
            e->open = false;
            e->end = t;
        }
    }
    if (!change) {
        return 0;
    }
    /* After a replaced interval, the one before may end at t with the very state now
     * coming back: continue it rather than split one state into two rows. */
    e = iv_find(w, object, false, t);
    if (!e && !cand_has(w, object, t)) {
        r = iv_fetch_prev(c, w, object, t);
        if (r < 0) {
            return r;
        }
        e = iv_find(w, object, false, t);
    }
    if (e && e->state == state) {
        e->open = true;
        return 0;
    }
    iv_add(w, 0, object, t, true, 0, state);
    return 0;
}

/* Writes what the ops played in memory changed, then forgets it. */
static int iv_flush(PGconn *c, struct writer *w)
{
    size_t nd = 0, nc = 0, nr = 0, ni = 0;
    int r = 0;

    if (!w->iv_loaded) {
        return 0;
    }
    /* a[0] deleted; a[1], a[2] closed (id, end); a[3] reopened; a[4..7] inserted */
    for (size_t i = 0; i < w->niv; i++) {
        const struct iv *e = &w->iv[i];
        if (e->id && e->deleted) {
            arr_i64(&w->a[0], e->id);
            nd++;
        } else if (e->id && !e->open && (e->db_open || e->end != e->db_end)) {
            arr_i64(&w->a[1], e->id);
            arr_i64(&w->a[2], e->end);
            nc++;
        } else if (e->id && e->open && !e->db_open) {
            arr_i64(&w->a[3], e->id);
            nr++;
        } else if (!e->id && !e->deleted) {
            arr_i64(&w->a[4], e->object);
            arr_i64(&w->a[5], e->start);
            if (e->open) {
                arr_null(&w->a[6]);
            } else {
                arr_i64(&w->a[6], e->end);
            }
            arr_i64(&w->a[7], e->state);
            ni++;
        }
    }
    if (nd > 0) {
        const char *v[1] = {arr_end(&w->a[0])};
        r = wexec(c, W_IV_DEL, 1, v, NULL);
    }
    if (r == 0 && nc > 0) {
        const char *v[2] = {arr_end(&w->a[1]), arr_end(&w->a[2])};
        r = wexec(c, W_IV_CLOSE, 2, v, NULL);
    }
    if (r == 0 && nr > 0) {
        const char *v[1] = {arr_end(&w->a[3])};
        r = wexec(c, W_IV_REOPEN, 1, v, NULL);
    }
    if (r == 0 && ni > 0) {
        const char *v[4] = {arr_end(&w->a[4]), arr_end(&w->a[5]), arr_end(&w->a[6]),
                            arr_end(&w->a[7])};
        r = wexec(c, W_IV_INS, 4, v, NULL);
    }
    bufs_reset(w->a, 8);
    w->niv = w->ncand = 0;
    i64map_clear(&w->iv_head);
    w->iv_loaded = false;
    return r;
}

/* ---- states ---- */

static void snap_put(struct writer *w, int64_t id, const struct sw_check_snapshot *c)
{
    size_t *at = i64map_put(&w->snap_at, id);

    if (*at) {
        w->snap[*at - 1].c = c; /* the later one replaces the whole row anyway */
        return;
    }
    sw_xgrow((void **)&w->snap, &w->csnap, w->nsnap + 1, sizeof(*w->snap));
    w->snap[w->nsnap].id = id;
    w->snap[w->nsnap].c = c;
    *at = ++w->nsnap;
}

static int flush_states(PGconn *c, struct writer *w)
{
    int r;

    if (w->nsnap == 0) {
        return 0;
    }
    for (size_t i = 0; i < w->nsnap; i++) {
        const struct sw_check_snapshot *s = w->snap[i].c;
        arr_i64(&w->a[0], w->snap[i].id);
        arr_i64(&w->a[1], (int64_t)s->state);
        arr_i64(&w->a[2], (int64_t)s->hard_state);
        arr_i64(&w->a[3], s->hard);
        arr_i64(&w->a[4], s->has_state);
        arr_i64(&w->a[5], s->attempt);
        arr_i64(&w->a[6], s->since);
        arr_i64(&w->a[7], s->last_check_ms);
        arr_i64(&w->a[8], s->last_change_ms);
        arr_str(&w->a[9], s->output);
        arr_str(&w->a[10], s->perfdata);
        arr_i64(&w->a[11], s->flapping);
        arr_i64(&w->a[12], s->flap_history);
        arr_i64(&w->a[13], s->flap_count);
        arr_i64(&w->a[14], (int64_t)s->flap_last);
    }
    r = wexec_arrays(c, w, W_STATE_PUT, 15, NULL);
    bufs_reset(w->a, NBUF);
    return r;
}

/* Plays the batch: see the top of this file. */
static int apply_ops(PGconn *c, struct writer *w, struct sw_store_op *const *ops, size_t n)
{
    int r = resolve_objects(c, w, ops, n);

    for (size_t i = 0; r == 0 && i < n; i++) {
        const struct sw_store_op *op = ops[i];
        int64_t id;

        switch (op->type) {
        case SW_OP_RESULT:
        case SW_OP_STATE:
            /* created by resolve_objects(): 0 means someone deleted it meanwhile */
            id = object_id(w, SW_OBJ_CHECK,
                           op->type == SW_OP_RESULT ? op->u.result.path : op->u.snap.path);
            if (id == 0) {
                sw_debug("store: postgresql: an object vanished while the batch was written");
                r = -EIO;
            } else if (op->type == SW_OP_RESULT) {
                copy_result(w, id, &op->u.result);
            } else {
                snap_put(w, id, &op->u.snap);
            }
            break;
        case SW_OP_CHANGE:
        case SW_OP_CLOSE:
            id = object_id(w, (int)op->u.iv.kind, op->u.iv.path);
            if (id == 0) {
                break; /* a close of an object never seen */
            }
            if (!w->iv_loaded) {
                r = iv_load(c, w, ops + i, n - i);
            }
            if (r == 0) {
                r = iv_apply(c, w, op, id);
            }
            break;
        case SW_OP_ALIVE:
            w->alive = op->u.t;
            w->has_alive = true;
            break;
        case SW_OP_PRUNE:
            r = flush_results(c, w);
            if (r == 0) {
                r = wexec_i64(c, W_PRUNE, op->u.t, 0, 1, NULL);
            }
            break;
        case SW_OP_CLOSE_ALL:
            r = iv_flush(c, w);
            if (r == 0) {
                r = wexec_i64(c, W_ALL_DEL, op->u.t, 0, 1, NULL);
            }
            if (r == 0) {
                r = wexec_i64(c, W_ALL_CLOSE, op->u.t, 0, 1, NULL);
            }
            break;
        case SW_OP_SYNC:
            break;
        }
    }
    if (r == 0) {
        r = flush_results(c, w);
    }
    if (r == 0) {
        r = iv_flush(c, w);
    }
    if (r == 0) {
        r = flush_states(c, w);
    }
    return r;
}

static int pg_apply_batch(void *ctx, struct sw_store_op *const *ops, size_t n)
{
    struct sw_pg *pg = ctx;
    struct writer *w = pg->writer_state;
    PGconn *c;
    int r;

    for (int attempt = 0;; attempt++) {
        c = writer_conn(pg, w);
        if (!c) {
            return -EIO;
        }
        r = sw_pg_begin(c);
        if (r == 0 || attempt > 0 || PQstatus(c) == CONNECTION_OK) {
            break;
        }
        /* lost before the batch began (nothing of it was sent): once more on a new one */
        PQfinish(c);
        pg->writer = NULL;
    }
    if (r == 0) {
        r = apply_ops(c, w, ops, n);
    }
    if (r == 0) {
        r = sw_pg_commit(c);
    }
    if (r == 0 && w->has_alive && wexec_i64(c, W_ALIVE, w->alive, 0, 1, NULL) < 0) {
        /* After the batch, on its own: every node writes this one row, and inside the batch
         * its lock would make the nodes' batches wait for each other. The batch is committed
         * whatever happens here; a sign of life lost to a failure only makes the last one
         * seen a little earlier, which is the safe side. */
        sw_debug("store: postgresql: %s: the sign of life was not written", pg->safe);
    }
    if (r == 0) {
        /* the ids learnt exist now */
        for (size_t i = 0; i < w->want.cap; i++) {
            const struct sw_idcache_entry *e = &w->want.v[i];
            if (e->path && e->id > 0) {
                sw_idcache_put(&w->ids, e->kind, e->path, e->id);
            }
        }
    } else {
        sw_pg_rollback(c);
        if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_IDLE) {
            sw_debug("store: postgresql: %s: the writer lost its connection: %.*s", pg->safe,
                     (int)strcspn(PQerrorMessage(c), "\n"), PQerrorMessage(c));
            PQfinish(c);
            pg->writer = NULL;
        }
        r = -EIO;
    }
    batch_reset(w);
    return r;
}

/* ---- reads (any thread) ---- */

/* Runs sql with p on a pooled connection; the whole result in *ret (to PQclear()). A read
 * (retry set) that fails because its pooled connection turns out lost is run once more on a
 * new one; a write is not, as it may have been applied. */
static int run_pooled(struct sw_pg *pg, const char *sql, const struct sw_pg_params *p, bool retry,
                      PGresult **ret)
{
    bool pooled;
    PGconn *c = pool_get(pg, &pooled);
    int r;

    if (!c) {
        return -EIO;
    }
    r = sw_pg_run(c, sql, p, ret);
    if (r < 0 && retry && pooled && PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        c = sw_pg_connect(pg, NULL);
        r = c ? sw_pg_run(c, sql, p, ret) : -EIO;
    }
    sw_pg_put(pg, c);
    return r;
}

/* Runs sql with p and makes every row an element of size elem, filled by row(). 0 with the
 * array (NULL when there is no row) in *ret, or -EIO. */
static int read_rows(struct sw_pg *pg, const char *sql, const struct sw_pg_params *p, size_t elem,
                     void (*row)(const PGresult *res, int i, void *e), void **ret, size_t *ret_n)
{
    PGresult *res = NULL;
    char *v = NULL;
    size_t n;

    if (run_pooled(pg, sql, p, true, &res) < 0) {
        return -EIO;
    }
    n = (size_t)PQntuples(res);
    if (n > 0) {
        v = sw_xcalloc(n, elem);
    }
    for (size_t i = 0; i < n; i++) {
        row(res, (int)i, v + i * elem);
    }
    PQclear(res);
    *ret = v;
    *ret_n = n;
    return 0;
}

/* The first row read by sql into *ret (elem bytes, filled by row()): 0, -ENOENT, -EIO. */
static int read_one(struct sw_pg *pg, const char *sql, const struct sw_pg_params *p, size_t elem,
                    void (*row)(const PGresult *res, int i, void *e), void *ret)
{
    PGresult *res = NULL;
    int r = 0;

    if (run_pooled(pg, sql, p, true, &res) < 0) {
        return -EIO;
    }
    if (PQntuples(res) == 0) {
        r = -ENOENT;
    } else {
        memset(ret, 0, elem);
        row(res, 0, ret);
    }
    PQclear(res);
    return r;
}

/* One integer (no row or NULL: 0). */
static int read_i64(struct sw_pg *pg, const char *sql, const struct sw_pg_params *p, int64_t *ret)
{
    PGresult *res = NULL;

    if (run_pooled(pg, sql, p, true, &res) < 0) {
        return -EIO;
    }
    *ret = PQntuples(res) > 0 ? sw_pg_i64(res, 0, 0) : 0;
    PQclear(res);
    return 0;
}

static void state_row(const PGresult *res, int i, void *e)
{
    struct sw_check_snapshot *c = e;

    c->path = sw_pg_strdup(res, i, 0);
    c->state = (enum sw_state)sw_pg_i64(res, i, 1);
    c->hard_state = (enum sw_state)sw_pg_i64(res, i, 2);
    c->hard = sw_pg_i64(res, i, 3) != 0;
    c->has_state = sw_pg_i64(res, i, 4) != 0;
    c->attempt = (int)sw_pg_i64(res, i, 5);
    c->since = sw_pg_i64(res, i, 6);
    c->last_check_ms = sw_pg_i64(res, i, 7);
    c->last_change_ms = sw_pg_i64(res, i, 8);
    c->output = sw_pg_strdup(res, i, 9);
    c->perfdata = sw_pg_strdup(res, i, 10);
    c->flapping = sw_pg_i64(res, i, 11) != 0;
    c->flap_history = (uint32_t)sw_pg_i64(res, i, 12);
    c->flap_count = (int)sw_pg_i64(res, i, 13);
    c->flap_last = (enum sw_state)sw_pg_i64(res, i, 14);
}

static int pg_load_states(void *ctx, struct sw_check_snapshot **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     "SELECT o.path, c.state, c.hard_state, c.hard, c.has_state, c.attempt, "
                     "c.since_s, c.last_check_ms, c.last_change_ms, c.output, c.perfdata, "
                     "c.flapping, c.flap_history, c.flap_count, c.flap_last "
                     "FROM check_state c JOIN objects o ON o.id = c.object_id "
                     "ORDER BY o.path COLLATE \"C\"",
                     NULL, sizeof(**ret), state_row, (void **)ret, ret_n);
}

static int pg_history(void *ctx, enum sw_object_kind kind, const char *path, int64_t from,
                      int64_t to, struct sw_interval **ret, size_t *ret_n)
{
    struct sw_pg_params p;
    struct sw_interval *v = NULL;
    PGresult *res = NULL;
    size_t n;

    sw_pg_params_init(&p);
    sw_pg_param_int(&p, (int)kind);
    sw_pg_param_str(&p, path);
    sw_pg_param_i64(&p, from);
    sw_pg_param_i64(&p, to);
    sw_pg_param_i64(&p, SW_STORE_HISTORY_MAX + 1);
    /* [s, e) overlaps [from, to) when s < to and e > from; an open one when s < to. An
     * object's intervals never overlap, so none that overlaps starts before the last one
     * starting at or before from: bounding start_s below by it keeps the index scan on
     * (object_id, start_s) to the range instead of the object's whole history. */
    if (run_pooled(ctx,
                   "SELECT i.start_s, i.end_s, i.state FROM objects o "
                   "JOIN intervals i ON i.object_id = o.id "
                   "WHERE o.kind = $1 AND o.path = $2 AND i.start_s < $4 "
                   "AND i.start_s >= coalesce((SELECT max(j.start_s) FROM intervals j "
                   "WHERE j.object_id = o.id AND j.start_s <= $3), $3) "
                   "AND (i.end_s IS NULL OR i.end_s > $3) "
                   "ORDER BY i.start_s LIMIT $5",
                   &p, true, &res) < 0) {
        return -EIO;
    }
    n = (size_t)PQntuples(res);
    if (n > SW_STORE_HISTORY_MAX) {
        PQclear(res);
        return -E2BIG;
    }
    if (n > 0) {
        v = sw_xcalloc(n, sizeof(*v));
    }
    for (size_t i = 0; i < n; i++) {
        v[i].start = sw_pg_i64(res, (int)i, 0);
        v[i].end = sw_pg_i64(res, (int)i, 1); /* NULL reads as 0: open */
        v[i].state = (enum sw_state)sw_pg_i64(res, (int)i, 2);
    }
    PQclear(res);
    *ret = v;
    *ret_n = n;
    return 0;
}

static void result_row(const PGresult *res, int i, void *e)
{
    struct sw_store_result *r = e;

    r->t_ms = sw_pg_i64(res, i, 0);
    r->state = (enum sw_state)sw_pg_i64(res, i, 1);
    r->hard = sw_pg_i64(res, i, 2) != 0;
    r->attempt = (int)sw_pg_i64(res, i, 3);
    r->latency_us = sw_pg_i64(res, i, 4);
    r->output = sw_pg_strdup(res, i, 5);
    r->perfdata = sw_pg_strdup(res, i, 6);
    r->passive = sw_pg_i64(res, i, 7) != 0;
}

static int pg_results(void *ctx, const char *path, int64_t from_ms, int64_t to_ms, size_t limit,
                      struct sw_store_result **ret, size_t *ret_n)
{
    struct sw_pg_params p;
    int r;

    sw_pg_params_init(&p);
    sw_pg_param_str(&p, path);
    sw_pg_param_i64(&p, from_ms);
    sw_pg_param_i64(&p, to_ms);
    sw_pg_param_i64(&p, (int64_t)limit);
    r = read_rows(ctx,
                  "SELECT r.t_ms, r.state, r.hard, r.attempt, r.latency_us, r.output, "
                  "r.perfdata, r.passive FROM results r "
                  "JOIN objects o ON o.id = r.object_id "
                  "WHERE o.kind = 0 AND o.path = $1 AND r.t_ms >= $2 AND r.t_ms < $3 "
                  "ORDER BY r.t_ms DESC, r.id DESC LIMIT $4",
                  &p, sizeof(**ret), result_row, (void **)ret, ret_n);
    for (size_t i = 0; r == 0 && i < *ret_n; i++) {
        (*ret)[i].path = sw_xstrdup(path);
    }
    return r;
}

static int pg_last_alive(void *ctx, int64_t *ret_t)
{
    return read_i64(ctx, "SELECT value FROM meta WHERE key = 'last_alive'", NULL, ret_t);
}

static int pg_count(void *ctx, int64_t *ret_results, int64_t *ret_intervals)
{
    PGresult *res = NULL;

    /* one statement: both counts from the same snapshot */
    if (run_pooled(ctx, "SELECT (SELECT count(*) FROM results), (SELECT count(*) FROM intervals)",
                   NULL, true, &res) < 0) {
        return -EIO;
    }
    *ret_results = sw_pg_i64(res, 0, 0);
    *ret_intervals = sw_pg_i64(res, 0, 1);
    PQclear(res);
    return 0;
}

static int pg_first_seen(void *ctx, enum sw_object_kind kind, const char *path, int64_t *ret_t)
{
    struct sw_pg_params p;

    sw_pg_params_init(&p);
    sw_pg_param_int(&p, (int)kind);
    sw_pg_param_str(&p, path);
    return read_i64(ctx,
                    "SELECT min(i.start_s) FROM intervals i JOIN objects o "
                    "ON o.id = i.object_id WHERE o.kind = $1 AND o.path = $2",
                    &p, ret_t);
}

/* ---- synchronous writes (any thread): one statement, or a transaction on one connection */

/* Runs sql (a write) with p: 0 with the number of rows it changed in *ret_changed (when not
 * NULL) and its result in *ret (when not NULL), or an errno from sw_pg_run(). */
static int write_one(struct sw_pg *pg, const char *sql, const struct sw_pg_params *p,
                     int64_t *ret_changed, PGresult **ret)
{
    PGresult *res = NULL;
    int r = run_pooled(pg, sql, p, false, &res);

    if (r < 0) {
        return r;
    }
    if (ret_changed) {
        *ret_changed = strtoll(PQcmdTuples(res), NULL, 10);
    }
    if (ret) {
        *ret = res;
    } else {
        PQclear(res);
    }
    return 0;
}

static int pg_maint_add(void *ctx, const struct sw_maint_row *m, int64_t *ret_id)
{
    struct sw_pg_params p;
    PGresult *res = NULL;
    int r;

    sw_pg_params_init(&p);
    sw_pg_param_str(&p, m->scope);
    sw_pg_param_i64(&p, m->start);
    sw_pg_param_i64(&p, m->end);
    sw_pg_param_str(&p, m->reason);
    sw_pg_param_bool(&p, m->excluded);
    sw_pg_param_i64(&p, m->created);
    r = write_one(ctx,
                  "INSERT INTO maintenance (scope, start_s, end_s, reason, excluded, created_s) "
                  "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                  &p, NULL, &res);
    if (r == 0) {
        *ret_id = sw_pg_i64(res, 0, 0);
        PQclear(res);
    }
    return r;
}

static void maint_row(const PGresult *res, int i, void *e)
{
    struct sw_maint_row *m = e;

    m->id = sw_pg_i64(res, i, 0);
    m->scope = sw_pg_strdup(res, i, 1);
    m->start = sw_pg_i64(res, i, 2);
    m->end = sw_pg_i64(res, i, 3);
    m->reason = sw_pg_strdup(res, i, 4);
    m->excluded = sw_pg_i64(res, i, 5) != 0;
    m->created = sw_pg_i64(res, i, 6);
}

static int pg_maint_list(void *ctx, struct sw_maint_row **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     "SELECT id, scope, start_s, end_s, reason, excluded, created_s "
                     "FROM maintenance ORDER BY start_s, id",
                     NULL, sizeof(**ret), maint_row, (void **)ret, ret_n);
}

static int pg_maint_remove(void *ctx, int64_t id)
{
    struct sw_pg_params p;
    int64_t n = 0;
    int r;

    sw_pg_params_init(&p);
    sw_pg_param_i64(&p, id);
    r = write_one(ctx, "DELETE FROM maintenance WHERE id = $1", &p, &n, NULL);
    return r == 0 && n == 0 ? -ENOENT : r;
}

/* "\x" and 64 hex digits: a bytea in text form */
static void sha256_param(char out[67], const unsigned char sha256[32])
{
    static const char hex[] = "0123456789abcdef";

    out[0] = '\\';
    out[1] = 'x';
    for (int i = 0; i < 32; i++) {
        out[2 + 2 * i] = hex[sha256[i] >> 4];
        out[3 + 2 * i] = hex[sha256[i] & 15];
    }
    out[66] = '\0';
}

static int pg_token_add(void *ctx, const struct sw_token_row *t, int64_t t_s)
{
    struct sw_pg_params p;
    char h[67];

    sha256_param(h, t->sha256);
    sw_pg_params_init(&p);
    sw_pg_param_str(&p, t->name);
    sw_pg_param_int(&p, (int)t->role);
    sw_pg_param_str(&p, t->customer);
    sw_pg_param_str(&p, h);
    sw_pg_param_i64(&p, t_s);
    return write_one(ctx,
                     "INSERT INTO api_tokens (name, role, customer, sha256, created_s) "
                     "VALUES ($1, $2, $3, $4::bytea, $5)",
                     &p, NULL, NULL);
}

/* sha256 as hex whatever the server's bytea_output */
#define TOKEN_COLS "id, name, role, customer, encode(sha256, 'hex'), created_s, revoked_s"

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void token_row(const PGresult *res, int i, void *e)
{
    struct sw_token_row *t = e;
    const char *h = PQgetvalue(res, i, 4);

    t->id = sw_pg_i64(res, i, 0);
    t->name = sw_pg_strdup(res, i, 1);
    t->role = (enum sw_role)sw_pg_i64(res, i, 2);
    t->customer = sw_pg_strdup(res, i, 3);
    if (strlen(h) == 64) {
        for (int k = 0; k < 32; k++) {
            int a = hex_digit(h[2 * k]), b = hex_digit(h[2 * k + 1]);
            t->sha256[k] = (unsigned char)(a < 0 || b < 0 ? 0 : a << 4 | b);
        }
    }
    t->created_s = sw_pg_i64(res, i, 5);
    t->revoked_s = sw_pg_i64(res, i, 6);
}

static int pg_token_find(void *ctx, const unsigned char sha256[32], struct sw_token_row *ret)
{
    struct sw_pg_params p;
    char h[67];

    sha256_param(h, sha256);
    sw_pg_params_init(&p);
    sw_pg_param_str(&p, h);
    return read_one(ctx,
                    "SELECT " TOKEN_COLS " FROM api_tokens WHERE sha256 = $1::bytea AND "
                    "revoked_s IS NULL",
                    &p, sizeof(*ret), token_row, ret);
}

static int pg_token_any(void *ctx, struct sw_token_row *ret)
{
    return read_one(ctx, "SELECT " TOKEN_COLS " FROM api_tokens WHERE revoked_s IS NULL LIMIT 1",
                    NULL, sizeof(*ret), token_row, ret);
}

static int pg_token_list(void *ctx, struct sw_token_row **ret, size_t *ret_n)
{
    return read_rows(ctx, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY created_s, id", NULL,
                     sizeof(**ret), token_row, (void **)ret, ret_n);
}

static int pg_token_revoke(void *ctx, const char *name, int64_t t_s)
{
    struct sw_pg_params p;
    int64_t n = 0;
    int r;

    sw_pg_params_init(&p);
    sw_pg_param_str(&p, name);
    sw_pg_param_i64(&p, t_s);
    r = write_one(ctx, "UPDATE api_tokens SET revoked_s = $2 WHERE name = $1 AND revoked_s IS NULL",
                  &p, &n, NULL);
    return r == 0 && n == 0 ? -ENOENT : r;
}

static int pg_derived_put(void *ctx, const struct sw_derived_row *v, size_t n, int64_t t)
{
    struct sw_pg_params p;
    struct sw_buf a[3];
    int r;

    if (n == 0) {
        return 0;
    }
    for (int k = 0; k < 3; k++) {
        sw_buf_init(&a[k]);
    }
    for (size_t i = 0; i < n; i++) {
        arr_str(&a[0], v[i].path);
        arr_str(&a[1], v[i].parent);
        arr_i64(&a[2], v[i].freshness_ms);
    }
    sw_pg_params_init(&p);
    sw_pg_param_str(&p, arr_end(&a[0]));
    sw_pg_param_str(&p, arr_end(&a[1]));
    sw_pg_param_str(&p, arr_end(&a[2]));
    sw_pg_param_i64(&p, t);
    /* one statement for a whole discovery; a path given twice takes its last row, as the
     * second of two upserts would */
    r = write_one(ctx,
                  "INSERT INTO derived_checks (path, parent, freshness_ms, created_s) "
                  "SELECT DISTINCT ON (path) path, parent, freshness_ms, $4::bigint "
                  "FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY "
                  "AS u(path, parent, freshness_ms, i) ORDER BY path, i DESC "
                  "ON CONFLICT (path) DO UPDATE SET parent = excluded.parent, "
                  "freshness_ms = excluded.freshness_ms, retired_s = NULL",
                  &p, NULL, NULL);
    bufs_release(a, 3);
    return r;
}

static int pg_derived_retire(void *ctx, const char *const *paths, size_t n, int64_t t)
{
    struct sw_pg_params p;
    struct sw_buf a;
    int r;

    if (n == 0) {
        return 0;
    }
    sw_buf_init(&a);
    for (size_t i = 0; i < n; i++) {
        arr_str(&a, paths[i]);
    }
    sw_pg_params_init(&p);
    sw_pg_param_str(&p, arr_end(&a));
    sw_pg_param_i64(&p, t);
    r = write_one(ctx,
                  "UPDATE derived_checks SET retired_s = $2 WHERE path = ANY ($1::text[]) "
                  "AND retired_s IS NULL",
                  &p, NULL, NULL);
    sw_buf_release(&a);
    return r;
}

static void derived_row(const PGresult *res, int i, void *e)
{
    struct sw_derived_row *d = e;

    d->path = sw_pg_strdup(res, i, 0);
    d->parent = sw_pg_strdup(res, i, 1);
    d->freshness_ms = sw_pg_i64(res, i, 2);
    d->created_s = sw_pg_i64(res, i, 3);
    d->retired_s = sw_pg_i64(res, i, 4);
}

static int pg_derived_get(void *ctx, const char *path, struct sw_derived_row *ret)
{
    struct sw_pg_params p;

    sw_pg_params_init(&p);
    sw_pg_param_str(&p, path);
    return read_one(ctx,
                    "SELECT path, parent, freshness_ms, created_s, retired_s FROM derived_checks "
                    "WHERE path = $1",
                    &p, sizeof(*ret), derived_row, ret);
}

static int pg_derived_list(void *ctx, bool with_retired, struct sw_derived_row **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     with_retired ? "SELECT path, parent, freshness_ms, created_s, retired_s "
                                    "FROM derived_checks ORDER BY path COLLATE \"C\""
                                  : "SELECT path, parent, freshness_ms, created_s, retired_s "
                                    "FROM derived_checks WHERE retired_s IS NULL "
                                    "ORDER BY path COLLATE \"C\"",
                     NULL, sizeof(**ret), derived_row, (void **)ret, ret_n);
}

static void param_double(struct sw_pg_params *p, double v)
{
    char *s = p->num[p->n];

    /* 17 significant digits read back to the same double */
    sw_pg_param_i64(p, 0);
    snprintf(s, sizeof(p->num[0]), "%.17g", v);
}

static int pg_alerts_replace(void *ctx, const struct sw_alert_row *v, size_t n)
{
    struct sw_pg *pg = ctx;
    PGconn *c = sw_pg_get(pg);
    int r;

    if (!c) {
        return -EIO;
    }
    r = sw_pg_begin(c);
    if (r == 0) {
        r = sw_pg_run(c, "DELETE FROM slo_alerts", NULL, NULL);
    }
    for (size_t i = 0; r == 0 && i < n; i++) {
        struct sw_pg_params p;
        sw_pg_params_init(&p);
        sw_pg_param_str(&p, v[i].service);
        sw_pg_param_bool(&p, v[i].page);
        sw_pg_param_i64(&p, v[i].long_s);
        sw_pg_param_i64(&p, v[i].short_s);
        sw_pg_param_i64(&p, v[i].factor_milli);
        param_double(&p, v[i].burn_long);
        param_double(&p, v[i].burn_short);
        sw_pg_param_i64(&p, v[i].exhaustion_s);
        sw_pg_param_i64(&p, v[i].since);
        sw_pg_param_bool(&p, v[i].no_data);
        /* SQLite's INSERT OR REPLACE: a second row with the same key replaces the first */
        r = sw_pg_run(c,
                      "INSERT INTO slo_alerts (service, page, long_s, short_s, factor_milli, "
                      "burn_long, burn_short, exhaustion_s, since_s, no_data) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                      "ON CONFLICT (service, long_s, short_s) DO UPDATE SET page = excluded.page, "
                      "factor_milli = excluded.factor_milli, burn_long = excluded.burn_long, "
                      "burn_short = excluded.burn_short, exhaustion_s = excluded.exhaustion_s, "
                      "since_s = excluded.since_s, no_data = excluded.no_data",
                      &p, NULL);
    }
    if (r == 0) {
        r = sw_pg_commit(c);
    }
    sw_pg_rollback(c);
    sw_pg_put(pg, c);
    return r;
}

static void alert_row(const PGresult *res, int i, void *e)
{
    struct sw_alert_row *a = e;

    a->service = sw_pg_strdup(res, i, 0);
    a->page = sw_pg_i64(res, i, 1) != 0;
    a->long_s = sw_pg_i64(res, i, 2);
    a->short_s = sw_pg_i64(res, i, 3);
    a->factor_milli = (uint32_t)sw_pg_i64(res, i, 4);
    a->burn_long = strtod(PQgetvalue(res, i, 5), NULL);
    a->burn_short = strtod(PQgetvalue(res, i, 6), NULL);
    a->exhaustion_s = sw_pg_i64(res, i, 7);
    a->since = sw_pg_i64(res, i, 8);
    a->no_data = sw_pg_i64(res, i, 9) != 0;
}

static int pg_alerts_list(void *ctx, struct sw_alert_row **ret, size_t *ret_n)
{
    return read_rows(ctx,
                     "SELECT service, page, long_s, short_s, factor_milli, burn_long, "
                     "burn_short, exhaustion_s, since_s, no_data FROM slo_alerts "
                     "ORDER BY service COLLATE \"C\", long_s, short_s",
                     NULL, sizeof(**ret), alert_row, (void **)ret, ret_n);
}

/* ---- open, migrate, close ---- */

static int set_err(struct sw_pg *pg, struct sw_buf *err, const char *msg)
{
    sw_debug("store: postgresql: %s: %s", pg->safe, msg);
    if (err) {
        sw_buf_printf(err, "%s: %s", pg->safe, msg);
    }
    return -EIO;
}

/* Applies the migrations newer than the database's version, each in a transaction of its own
 * under an advisory lock, so that two nodes starting at once do not both apply one: the second
 * waits, then finds it applied. The version is kept as SQLite keeps it: one row per migration
 * in schema_migrations. */
static int migrate(struct sw_pg *pg, PGconn *c, struct sw_buf *err)
{
    size_t n;
    const struct sw_store_migration *m = sw_store_pg_migrations(&n);
    int latest = m[n - 1].version, cur = 0, r = -EIO;
    PGresult *res = NULL;
    struct sw_buf msg;
    char *s;

    sw_buf_init(&msg);
    for (;;) {
        const struct sw_store_migration *next = NULL;
        struct sw_pg_params p;

        if (sw_pg_begin(c) < 0 ||
            sw_pg_run(c, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", NULL, NULL) < 0 ||
            sw_pg_run(c,
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      "version integer PRIMARY KEY, applied_at bigint NOT NULL)",
                      NULL, NULL) < 0 ||
            sw_pg_run(c, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL, &res) <
                0) {
            goto fail;
        }
        cur = (int)sw_pg_i64(res, 0, 0);
        PQclear(res);
        res = NULL;
        if (cur > latest) {
            s = sw_xasprintf("database schema version %d is newer than this stackward supports "
                             "(%d): upgrade stackward, or use another database",
                             cur, latest);
            set_err(pg, err, s);
            free(s);
            goto out;
        }
        for (size_t i = 0; i < n && !next; i++) {
            if (m[i].version > cur) {
                next = &m[i];
            }
        }
        if (!next) {
            break;
        }
        res = PQexec(c, next->sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
            goto fail;
        }
        PQclear(res);
        res = NULL;
        sw_pg_params_init(&p);
        sw_pg_param_int(&p, next->version);
        sw_pg_param_i64(&p, sw_now());
        if (sw_pg_run(c, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", &p,
                      NULL) < 0 ||
            sw_pg_commit(c) < 0) {
            goto fail;
        }
        sw_debug("store: postgresql: %s: applied migration %d (%s)", pg->safe, next->version,
                 next->name);
    }
    if (sw_pg_commit(c) < 0) {
        goto fail;
    }
    r = 0;
    goto out;
fail:
    sw_buf_printf(&msg, "cannot migrate the schema from version %d: ", cur);
    put_one_line(&msg, res ? PQresultErrorMessage(res) : PQerrorMessage(c));
    set_err(pg, err, msg.data);
out:
    PQclear(res);
    sw_pg_rollback(c);
    sw_buf_release(&msg);
    return r;
}

static void pg_close(void *ctx)
{
    struct sw_pg *pg = ctx;

    if (!pg) {
        return;
    }
    PQfinish(pg->writer);
    writer_free(pg->writer_state);
    for (size_t i = 0; i < pg->npool; i++) {
        PQfinish(pg->pool[i]);
    }
    pthread_mutex_destroy(&pg->pool_lock);
    if (pg->password) {
        explicit_bzero(pg->password, strlen(pg->password));
    }
    if (pg->uri) {
        explicit_bzero(pg->uri, strlen(pg->uri)); /* may hold a password too */
    }
    free(pg->password);
    free(pg->uri);
    free(pg->safe);
    free(pg);
}

static int pg_open(const char *target, const char *password, struct sw_buf *err, void **ret_ctx)
{
    struct sw_pg *pg;
    int r = -EIO;

    if (!target || !*target) {
        if (err) {
            sw_buf_puts(err, "empty database URI");
        }
        return -EINVAL;
    }
    pg = sw_xcalloc(1, sizeof(*pg));
    pthread_mutex_init(&pg->pool_lock, NULL);
    pg->uri = sw_xstrdup(target);
    pg->password = sw_xstrdup(password);
    pg->safe = safe_uri(target);
    pg->writer_state = sw_xcalloc(1, sizeof(struct writer));
    pg->writer = sw_pg_connect(pg, err);
    if (!pg->writer) {
        goto out;
    }
    r = migrate(pg, pg->writer, err);
    if (r < 0) {
        goto out;
    }
    *ret_ctx = pg;
    pg = NULL;
out:
    pg_close(pg);
    return r;
}

const struct sw_store_backend sw_store_pg_backend = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .apply_batch = pg_apply_batch,
    .load_states = pg_load_states,
    .history = pg_history,
    .results = pg_results,
    .last_alive = pg_last_alive,
    .count = pg_count,
    .first_seen = pg_first_seen,
    .maint_add = pg_maint_add,
    .maint_list = pg_maint_list,
    .maint_remove = pg_maint_remove,
    .token_add = pg_token_add,
    .token_find = pg_token_find,
    .token_any = pg_token_any,
    .token_list = pg_token_list,
    .token_revoke = pg_token_revoke,
    .derived_put = pg_derived_put,
    .derived_retire = pg_derived_retire,
    .derived_list = pg_derived_list,
    .derived_get = pg_derived_get,
    .alerts_replace = pg_alerts_replace,
    .alerts_list = pg_alerts_list,
    .incident_write = sw_pg_incident_write,
    .incident_get = sw_pg_incident_get,
    .incident_list = sw_pg_incident_list,
    .incident_last = sw_pg_incident_last,
    .incident_events = sw_pg_incident_events,
    .incident_notifications = sw_pg_incident_notifications,
    .notif_due = sw_pg_notif_due,
    .notif_next_due = sw_pg_notif_next_due,
    .notif_record = sw_pg_notif_record,
    .incident_log = sw_pg_incident_log,
    .case_write = sw_pg_case_write,
    .case_get = sw_pg_case_get,
    .case_for_incident = sw_pg_case_for_incident,
    .case_list = sw_pg_case_list,
    .case_events = sw_pg_case_events,
    .change_start = sw_pg_change_start,
    .change_finish = sw_pg_change_finish,
    .change_get = sw_pg_change_get,
    .change_list = sw_pg_change_list,
};
