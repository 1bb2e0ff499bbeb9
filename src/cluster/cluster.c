/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.c: shard leases, the leader lock with its fencing term, and the inbox of passive
 * results, all kept in PostgreSQL (the tables of migration 8, src/store/migrations/postgres.c).
 *
 * Three connections: `conn` for the rounds and the inbox reads (the cluster's thread only),
 * `lock_conn` that holds the advisory lock while this node leads (the thread only: the lock
 * belongs to that session, and ends with it), and `side` for what other threads ask (the
 * fence, inbox writes), under side_mu. Any of them may die with the server: it is then
 * opened again on the next use, with no state to recover but the lock, which is lost. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cluster/cluster.h"

#define LOCK_KEY 727002      /* pg_advisory_lock key of the leader */
#define INBOX_BATCH 1000     /* inbox rows handed out at once */
#define INBOX_STUCK_MS 60000 /* rows not answered in this time are handed out again */
#define NOW_SQL "(extract(epoch from clock_timestamp()) * 1000)::bigint"

struct sw_cluster {
    char *uri;
    char *password;
    char *node;
    char *listen;
    int64_t lease_ms;
    int64_t renew_ms;
    struct sw_cluster_hooks hooks;

    PGconn *conn;      /* the thread's */
    PGconn *lock_conn; /* the thread's: holds the leader lock */
    pthread_t thread;
    bool thread_started;

    pthread_mutex_t mu; /* guards view, stop, leader_ok_ms, done */
    pthread_cond_t wake;
    bool stop;
    struct sw_cluster_view view;
    bool peers_at_start;
    int64_t leader_ok_ms; /* monotonic: the last time the leader row was renewed */

    /* the inbox: rows handed out, and those answered */
    int64_t *inflight;
    size_t n_inflight;
    int64_t inflight_ms;
    int64_t *done;
    size_t n_done, cap_done;

    pthread_mutex_t side_mu; /* guards side */
    PGconn *side;
};

unsigned sw_cluster_shard(const char *key)
{
    return (unsigned)(sw_hash64(key, strlen(key), 0x5eed) % SW_CLUSTER_SHARDS);
}

unsigned sw_cluster_fair_share(unsigned shards, unsigned live)
{
    if (live == 0) {
        live = 1;
    }
    return (shards + live - 1) / live;
}

static void buf_putc(struct sw_buf *b, char ch)
{
    sw_buf_append(b, &ch, 1);
}

/* ---- libpq ---- */

static PGconn *connect_db(const char *uri, const char *password, struct sw_buf *err)
{
    const char *keys[] = {"dbname", "password", "connect_timeout", "application_name", NULL};
    const char *vals[] = {uri, password, "5", "stackward-cluster", NULL};
    PGconn *c;

    if (!password) {
        keys[1] = "connect_timeout";
        vals[1] = "5";
        keys[2] = "application_name";
        vals[2] = "stackward-cluster";
        keys[3] = NULL;
    }
    c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        if (err) {
            const char *m = c ? PQerrorMessage(c) : "out of memory";
            size_t len = strcspn(m, "\n");
            sw_buf_printf(err, "cannot reach the database: %.*s", (int)len, m);
        }
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* Closes *cp (for the lock's connection: lets go of the lock). */
static void drop(PGconn **cp)
{
    PQfinish(*cp);
    *cp = NULL;
}

/* The connection *cp, opened again when it is gone or broken. */
static PGconn *ensure(struct sw_cluster *c, PGconn **cp)
{
    if (*cp && PQstatus(*cp) != CONNECTION_OK) {
        drop(cp);
    }
    if (!*cp) {
        *cp = connect_db(c->uri, c->password, NULL);
    }
    return *cp;
}

/* Runs sql; the result when it succeeded (PQclear it), else NULL (logged at debug). */
static PGresult *run(PGconn *conn, const char *sql, int n, const char *const *params)
{
    PGresult *r;
    ExecStatusType st;

    if (!conn) {
        return NULL;
    }
    r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *m = PQresultErrorMessage(r);
        sw_debug("cluster: %.*s", (int)strcspn(m, "\n"), m);
        PQclear(r);
        return NULL;
    }
    return r;
}

static bool run_ok(PGconn *conn, const char *sql, int n, const char *const *params)
{
    PGresult *r = run(conn, sql, n, params);

    PQclear(r);
    return r != NULL;
}

static int64_t col_i64(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static char *col_str(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : sw_xstrdup(PQgetvalue(r, row, col));
}

/* ---- a round: heartbeat, leases, leadership ---- */

static void fmt_i64(char *buf, int64_t v)
{
    snprintf(buf, 24, "%lld", (long long)v);
}

static bool heartbeat(struct sw_cluster *c, unsigned *ret_live)
{
    char pid[24], lease[24];
    const char *p[] = {c->node, c->listen, pid, SW_VERSION, lease};
    PGresult *r;

    fmt_i64(pid, (int64_t)getpid());
    fmt_i64(lease, c->lease_ms);
    if (!run_ok(c->conn,
                "INSERT INTO cluster_nodes (name, listen, pid, version, started_ms, seen_ms) "
                "VALUES ($1, $2, $3, $4, " NOW_SQL ", " NOW_SQL ") ON CONFLICT (name) DO UPDATE "
                "SET listen = excluded.listen, version = excluded.version, "
                "started_ms = CASE WHEN cluster_nodes.pid = excluded.pid "
                "THEN cluster_nodes.started_ms ELSE excluded.started_ms END, "
                "pid = excluded.pid, seen_ms = excluded.seen_ms",
                4, p)) {
        return false;
    }
    r = run(c->conn, "SELECT count(*) FROM cluster_nodes WHERE seen_ms > " NOW_SQL " - $1", 1,
            (const char *const[]){lease});
    if (!r) {
        return false;
    }
    *ret_live = (unsigned)col_i64(r, 0, 0);
    PQclear(r);
    if (*ret_live == 0) {
        *ret_live = 1;
    }
    return true;
}

static uint64_t shard_bits(PGresult *r)
{
    uint64_t bits = 0;

    for (int i = 0; r && i < PQntuples(r); i++) {
        int64_t s = col_i64(r, i, 0);
        if (s >= 0 && s < SW_CLUSTER_SHARDS) {
            bits |= (uint64_t)1 << s;
        }
    }
    return bits;
}

static int popcount64(uint64_t v)
{
    return __builtin_popcountll(v);
}

/* Renews this node's leases, gives back shards beyond its fair share and takes free or
 * expired ones up to it, in one transaction. */
static bool leases(struct sw_cluster *c, unsigned live, uint64_t *ret_shards)
{
    char lease[24], extra[24], want[24];
    unsigned fair = sw_cluster_fair_share(SW_CLUSTER_SHARDS, live);
    uint64_t mine;
    PGresult *r;
    int held;

    fmt_i64(lease, c->lease_ms);
    if (!run_ok(c->conn, "BEGIN", 0, NULL)) {
        return false;
    }
    r = run(c->conn,
            "UPDATE cluster_shards SET expires_ms = " NOW_SQL " + $2 WHERE node = $1 "
            "RETURNING shard",
            2, (const char *const[]){c->node, lease});
    if (!r) {
        goto fail;
    }
    mine = shard_bits(r);
    PQclear(r);
    held = popcount64(mine);
    if ((unsigned)held > fair) {
        fmt_i64(extra, held - (int64_t)fair);
        r = run(c->conn,
                "UPDATE cluster_shards SET node = NULL, expires_ms = 0 WHERE shard IN "
                "(SELECT shard FROM cluster_shards WHERE node = $1 ORDER BY shard DESC LIMIT $2) "
                "RETURNING shard",
                2, (const char *const[]){c->node, extra});
        if (!r) {
            goto fail;
        }
        mine &= ~shard_bits(r);
        PQclear(r);
    } else if ((unsigned)held < fair) {
        fmt_i64(want, (int64_t)fair - held);
        r = run(c->conn,
                "UPDATE cluster_shards SET node = $1, expires_ms = " NOW_SQL " + $2, "
                "epoch = epoch + 1 WHERE shard IN (SELECT shard FROM cluster_shards WHERE "
                "node IS NULL OR (node <> $1 AND expires_ms <= " NOW_SQL ") ORDER BY shard "
                "LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING shard",
                3, (const char *const[]){c->node, lease, want});
        if (!r) {
            goto fail;
        }
        mine |= shard_bits(r);
        PQclear(r);
    }
    if (!run_ok(c->conn, "COMMIT", 0, NULL)) {
        goto fail;
    }
    *ret_shards = mine;
    return true;
fail:
    run_ok(c->conn, "ROLLBACK", 0, NULL);
    return false;
}

/* Keeps or seeks the leadership. Returns the term led, or 0. */
static int64_t leadership(struct sw_cluster *c, int64_t term)
{
    char key[24], lease[24], t[24];
    PGresult *r;

    fmt_i64(key, LOCK_KEY);
    fmt_i64(lease, c->lease_ms);
    if (term && (!c->lock_conn || PQstatus(c->lock_conn) != CONNECTION_OK)) {
        term = 0; /* the session is gone, and the lock with it: seek it again below */
    }
    if (term) {
        fmt_i64(t, term);
        r = run(c->lock_conn,
                "UPDATE cluster_leader SET expires_ms = " NOW_SQL " + $3 "
                "WHERE id = 1 AND term = $1 AND node = $2 RETURNING term",
                3, (const char *const[]){t, c->node, lease});
        if (r && PQntuples(r) == 1) {
            PQclear(r);
            return term;
        }
        PQclear(r);
        /* someone else leads now, or the session died (a database restart ends it, and the
         * lock with it): let go, and seek the lock afresh at once, on a new session */
        drop(&c->lock_conn);
    }
    if (!ensure(c, &c->lock_conn)) {
        return 0;
    }
    r = run(c->lock_conn, "SELECT pg_try_advisory_lock($1::bigint)", 1, (const char *const[]){key});
    if (r && strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
        PQclear(r);
        r = run(c->lock_conn,
                "UPDATE cluster_leader SET node = $1, term = term + 1, "
                "backend_pid = pg_backend_pid(), since_ms = " NOW_SQL ", expires_ms = " NOW_SQL
                " + $2 WHERE id = 1 RETURNING term",
                2, (const char *const[]){c->node, lease});
        if (r && PQntuples(r) == 1) {
            term = col_i64(r, 0, 0);
            PQclear(r);
            return term;
        }
        PQclear(r);
        drop(&c->lock_conn); /* let go of the lock: no term, no leading */
        return 0;
    }
    PQclear(r);
    /* The lock is held. A leader that stopped renewing its row (paused, stuck) still holds
     * it through its session: end that session, so the lock can be taken next round. */
    r = run(c->conn,
            "SELECT pg_terminate_backend(l.pid) FROM cluster_leader cl JOIN pg_locks l "
            "ON l.pid = cl.backend_pid AND l.locktype = 'advisory' AND l.objid = $1::bigint "
            "AND l.granted WHERE cl.id = 1 AND cl.expires_ms < " NOW_SQL,
            1, (const char *const[]){key});
    if (r && PQntuples(r) > 0) {
        sw_warn("cluster: the leader stopped renewing its lease: its session was ended");
    }
    PQclear(r);
    return 0;
}

static void round_once(struct sw_cluster *c)
{
    struct sw_cluster_view v;
    unsigned live = 0;
    uint64_t shards = 0;
    bool ok, changed;
    int64_t term, now = sw_mono_ms();

    pthread_mutex_lock(&c->mu);
    v = c->view;
    pthread_mutex_unlock(&c->mu);

    ok = ensure(c, &c->conn) && heartbeat(c, &live);
    if (!ok && c->conn && PQstatus(c->conn) != CONNECTION_OK) {
        /* the connection died since the last round (a restart of the database): a new one
         * now rather than a round later */
        drop(&c->conn);
        ok = ensure(c, &c->conn) && heartbeat(c, &live);
    }
    ok = ok && leases(c, live, &shards);
    if (ok) {
        term = leadership(c, v.leader ? v.term : 0);
    } else {
        /* Cut off from the database: nobody can take our shards while it is away from all,
         * so keep running them (results buffer in the store); but a leader that cannot
         * renew its row must assume another took over once the lease has run out. */
        shards = v.shards;
        live = v.live;
        term = v.leader && now - c->leader_ok_ms < c->lease_ms ? v.term : 0;
        if (v.leader && !term) {
            drop(&c->lock_conn);
        }
    }
    pthread_mutex_lock(&c->mu);
    if (ok && term) {
        c->leader_ok_ms = now;
    }
    changed = shards != c->view.shards || (term != 0) != c->view.leader || term != c->view.term;
    if (changed) {
        if ((term != 0) != c->view.leader) {
            sw_info("cluster: node %s %s (term %lld)", c->node,
                    term ? "is the leader" : "is no longer the leader",
                    (long long)(term ? term : c->view.term));
        }
        if (shards != c->view.shards) {
            sw_info("cluster: node %s runs %d of %d shards (%u live nodes)", c->node,
                    popcount64(shards), SW_CLUSTER_SHARDS, live);
        }
        c->view.version++;
    }
    if (ok != c->view.connected) {
        if (ok) {
            sw_info("cluster: the database answers again");
        } else {
            sw_warn("cluster: cannot reach the database; node %s keeps its %d shards", c->node,
                    popcount64(shards));
        }
    }
    c->view.shards = shards;
    c->view.leader = term != 0;
    c->view.term = term;
    c->view.live = live;
    c->view.connected = ok;
    pthread_mutex_unlock(&c->mu);
    if (changed && c->hooks.changed) {
        c->hooks.changed(c->hooks.arg);
    }
}

/* ---- the inbox ---- */

static void inbox_poll(struct sw_cluster *c)
{
    struct sw_cluster_inbox_row *rows;
    char *ids = NULL, *shards;
    struct sw_buf b;
    PGresult *r;
    uint64_t mine;
    size_t n;
    bool all_done;

    pthread_mutex_lock(&c->mu);
    mine = c->view.shards;
    all_done = c->n_done >= c->n_inflight;
    if (c->n_inflight && (all_done || sw_mono_ms() - c->inflight_ms > INBOX_STUCK_MS)) {
        sw_buf_init(&b);
        buf_putc(&b, '{');
        for (size_t i = 0, k = 0; i < c->n_done; i++) {
            if (c->done[i] > 0) {
                sw_buf_printf(&b, "%s%lld", k++ ? "," : "", (long long)c->done[i]);
            }
        }
        buf_putc(&b, '}');
        ids = sw_buf_steal(&b);
        c->n_done = 0;
        free(c->inflight);
        c->inflight = NULL;
        c->n_inflight = 0;
    } else if (c->n_inflight) {
        pthread_mutex_unlock(&c->mu);
        return; /* rows handed out are still being applied */
    }
    pthread_mutex_unlock(&c->mu);
    if (ids) {
        /* Applied rows leave the inbox. If this fails they are handed out once more: the
         * engine refuses a result older than the check's last one, so nothing is applied
         * twice. */
        run_ok(c->conn, "DELETE FROM cluster_inbox WHERE id = ANY($1::bigint[])", 1,
               (const char *const[]){ids});
        free(ids);
    }
    if (!mine || !c->hooks.inbox) {
        return;
    }
    sw_buf_init(&b);
    buf_putc(&b, '{');
    for (int i = 0, k = 0; i < SW_CLUSTER_SHARDS; i++) {
        if (mine & ((uint64_t)1 << i)) {
            sw_buf_printf(&b, "%s%d", k++ ? "," : "", i);
        }
    }
    buf_putc(&b, '}');
    shards = sw_buf_steal(&b);
    r = run(c->conn,
            "SELECT id, path, state, output, t_ms FROM cluster_inbox WHERE shard = ANY($1::int[]) "
            "ORDER BY id LIMIT 1000",
            1, (const char *const[]){shards});
    free(shards);
    n = r ? (size_t)PQntuples(r) : 0;
    if (n == 0) {
        PQclear(r);
        return;
    }
    rows = sw_xcalloc(n, sizeof(*rows));
    pthread_mutex_lock(&c->mu);
    c->inflight = sw_xcalloc(n, sizeof(*c->inflight));
    for (size_t i = 0; i < n; i++) {
        rows[i].id = col_i64(r, (int)i, 0);
        rows[i].path = PQgetvalue(r, (int)i, 1);
        rows[i].state = (int)col_i64(r, (int)i, 2);
        rows[i].output = PQgetisnull(r, (int)i, 3) ? NULL : PQgetvalue(r, (int)i, 3);
        rows[i].t_ms = col_i64(r, (int)i, 4);
        c->inflight[i] = rows[i].id;
    }
    c->n_inflight = n;
    c->inflight_ms = sw_mono_ms();
    pthread_mutex_unlock(&c->mu);
    c->hooks.inbox(c->hooks.arg, rows, n);
    free(rows);
    PQclear(r);
}

void sw_cluster_inbox_done(struct sw_cluster *c, int64_t id, bool applied)
{
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n_inflight; i++) {
        if (c->inflight[i] == id) {
            sw_xgrow((void **)&c->done, &c->cap_done, c->n_done + 1, sizeof(*c->done));
            /* a row not applied is kept: a negative id marks it answered but not deleted */
            c->done[c->n_done++] = applied ? id : -id;
            break;
        }
    }
    if (c->n_done >= c->n_inflight) {
        pthread_cond_signal(&c->wake); /* the next rows need not wait for the poll */
    }
    pthread_mutex_unlock(&c->mu);
}

int sw_cluster_inbox_put(struct sw_cluster *c, const char *const *paths, const char *const *keys,
                         const int *states, const char *const *outputs, const int64_t *t_ms,
                         size_t n)
{
    struct sw_buf sh, pa, st, ou, tm;
    char *arr[5];
    PGresult *r;
    int status = -EIO;

    sw_buf_init(&sh);
    sw_buf_init(&pa);
    sw_buf_init(&st);
    sw_buf_init(&ou);
    sw_buf_init(&tm);
    /* arrays as PostgreSQL array literals: strings quoted, with \ and " escaped */
    buf_putc(&sh, '{');
    buf_putc(&pa, '{');
    buf_putc(&st, '{');
    buf_putc(&ou, '{');
    buf_putc(&tm, '{');
    for (size_t i = 0; i < n; i++) {
        const char *sep = i ? "," : "";
        sw_buf_printf(&sh, "%s%u", sep, sw_cluster_shard(keys[i]));
        sw_buf_printf(&st, "%s%d", sep, states[i]);
        sw_buf_printf(&tm, "%s%lld", sep, (long long)t_ms[i]);
        for (int k = 0; k < 2; k++) {
            struct sw_buf *b = k ? &ou : &pa;
            const char *s = k ? outputs[i] : paths[i];
            sw_buf_puts(b, sep);
            if (!s) {
                sw_buf_puts(b, "NULL");
                continue;
            }
            buf_putc(b, '"');
            for (; *s; s++) {
                if (*s == '"' || *s == '\\') {
                    buf_putc(b, '\\');
                }
                buf_putc(b, *s);
            }
            buf_putc(b, '"');
        }
    }
    buf_putc(&sh, '}');
    buf_putc(&pa, '}');
    buf_putc(&st, '}');
    buf_putc(&ou, '}');
    buf_putc(&tm, '}');
    arr[0] = sh.data;
    arr[1] = pa.data;
    arr[2] = st.data;
    arr[3] = ou.data;
    arr[4] = tm.data;
    pthread_mutex_lock(&c->side_mu);
    r = run(ensure(c, &c->side),
            "INSERT INTO cluster_inbox (shard, path, state, output, t_ms, received_ms) "
            "SELECT s, p, st, o, t, " NOW_SQL " FROM unnest($1::int[], $2::text[], $3::int[], "
            "$4::text[], $5::bigint[]) AS u(s, p, st, o, t)",
            5, (const char *const *)arr);
    if (r) {
        status = 0;
    }
    PQclear(r);
    pthread_mutex_unlock(&c->side_mu);
    sw_buf_release(&sh);
    sw_buf_release(&pa);
    sw_buf_release(&st);
    sw_buf_release(&ou);
    sw_buf_release(&tm);
    return status;
}

/* ---- the thread ---- */

static void *thread_main(void *arg)
{
    struct sw_cluster *c = arg;
    int64_t next_round = sw_mono_ms() + c->renew_ms;

    for (;;) {
        struct timespec ts;
        int64_t now = sw_mono_ms(), wait;
        bool stop;

        if (now >= next_round) {
            round_once(c);
            next_round = now + c->renew_ms;
        }
        inbox_poll(c);
        wait = next_round - sw_mono_ms();
        if (wait > SW_CLUSTER_INBOX_MS) {
            wait = SW_CLUSTER_INBOX_MS;
        }
        pthread_mutex_lock(&c->mu);
        if (!c->stop && wait > 0 && !(c->n_inflight && c->n_done >= c->n_inflight)) {
            sw_deadline_after(&ts, wait);
            pthread_cond_timedwait(&c->wake, &c->mu, &ts);
        }
        stop = c->stop;
        pthread_mutex_unlock(&c->mu);
        if (stop) {
            break;
        }
    }
    return NULL;
}

/* A live node of this name other than this process: its heartbeat moves. */
static int name_taken(struct sw_cluster *c, struct sw_buf *err)
{
    char pid[24], lease[24];
    int64_t seen = -1;

    fmt_i64(pid, (int64_t)getpid());
    fmt_i64(lease, c->lease_ms);
    for (int i = 0; i < 2; i++) {
        PGresult *r = run(c->conn,
                          "SELECT seen_ms FROM cluster_nodes WHERE name = $1 AND pid <> $2 AND "
                          "seen_ms > " NOW_SQL " - $3",
                          3, (const char *const[]){c->node, pid, lease});
        if (!r) {
            sw_buf_puts(err, "cannot read the cluster's nodes (is the schema migrated?)");
            return -EIO;
        }
        if (PQntuples(r) == 0) {
            PQclear(r);
            return 0;
        }
        if (seen >= 0 && col_i64(r, 0, 0) != seen) {
            PQclear(r);
            sw_buf_printf(err, "a live node is already named '%s' (use --node NAME)", c->node);
            return -EEXIST;
        }
        seen = col_i64(r, 0, 0);
        PQclear(r);
        if (i == 0) {
            /* seen lately: a node that just died, or one alive? wait one heartbeat */
            struct timespec ts = {.tv_sec = (c->renew_ms + 500) / 1000,
                                  .tv_nsec = ((c->renew_ms + 500) % 1000) * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    return 0;
}

int sw_cluster_start(const struct sw_cluster_options *o, const struct sw_cluster_hooks *h,
                     struct sw_buf *err, struct sw_cluster **ret)
{
    struct sw_cluster *c = sw_xcalloc(1, sizeof(*c));
    pthread_condattr_t ca;
    sigset_t all, old;
    char lease[24], shards[24];
    PGresult *r;
    int rc;

    c->uri = sw_xstrdup(o->uri);
    c->password = sw_xstrdup(o->password);
    c->node = sw_xstrdup(o->node);
    c->listen = sw_xstrdup(o->listen ? o->listen : "");
    c->lease_ms = o->lease_ms > 0 ? o->lease_ms : SW_CLUSTER_LEASE_MS;
    c->renew_ms = o->renew_ms > 0 ? o->renew_ms : SW_CLUSTER_RENEW_MS;
    if (h) {
        c->hooks = *h;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->side_mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->wake, &ca);
    pthread_condattr_destroy(&ca);

    c->conn = connect_db(c->uri, c->password, err);
    if (!c->conn) {
        rc = -EIO;
        goto fail;
    }
    rc = name_taken(c, err);
    if (rc < 0) {
        goto fail;
    }
    fmt_i64(lease, c->lease_ms);
    fmt_i64(shards, SW_CLUSTER_SHARDS);
    r = run(c->conn,
            "SELECT count(*) FROM cluster_nodes WHERE name <> $1 AND seen_ms > " NOW_SQL " - $2", 2,
            (const char *const[]){c->node, lease});
    c->peers_at_start = r && col_i64(r, 0, 0) > 0;
    PQclear(r);
    if (!r || !run_ok(c->conn,
                      "INSERT INTO cluster_shards (shard) SELECT generate_series(0, $1::int - 1) "
                      "ON CONFLICT DO NOTHING",
                      1, (const char *const[]){shards})) {
        sw_buf_puts(err, "cannot prepare the cluster's tables");
        rc = -EIO;
        goto fail;
    }
    c->view.connected = true; /* no "answers again" at the first round */
    round_once(c);
    if (!c->view.connected) {
        sw_buf_puts(err, "the first cluster round failed");
        rc = -EIO;
        goto fail;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = -pthread_create(&c->thread, NULL, thread_main, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc < 0) {
        sw_buf_printf(err, "cannot start the cluster thread: %s", strerror(-rc));
        goto fail;
    }
    c->thread_started = true;
    *ret = c;
    return 0;
fail:
    sw_cluster_stop(c);
    return rc;
}

void sw_cluster_stop(struct sw_cluster *c)
{
    if (!c) {
        return;
    }
    if (c->thread_started) {
        pthread_mutex_lock(&c->mu);
        c->stop = true;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->mu);
        pthread_join(c->thread, NULL);
        /* Give everything back now: the others need not wait for the leases to run out. */
        if (ensure(c, &c->conn)) {
            char t[24];
            fmt_i64(t, c->view.term);
            run_ok(c->conn, "UPDATE cluster_shards SET node = NULL, expires_ms = 0 WHERE node = $1",
                   1, (const char *const[]){c->node});
            if (c->view.leader) {
                run_ok(c->conn,
                       "UPDATE cluster_leader SET expires_ms = 0 WHERE id = 1 AND term = $1", 1,
                       (const char *const[]){t});
            }
            run_ok(c->conn, "DELETE FROM cluster_nodes WHERE name = $1 AND pid = $2", 2,
                   (const char *const[]){c->node, (fmt_i64(t, (int64_t)getpid()), t)});
        }
        sw_info("cluster: node %s left: its shards%s are free", c->node,
                c->view.leader ? " and the leadership" : "");
    }
    PQfinish(c->lock_conn); /* ends the session: the advisory lock goes with it */
    PQfinish(c->conn);
    PQfinish(c->side);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->side_mu);
    pthread_cond_destroy(&c->wake);
    free(c->inflight);
    free(c->done);
    free(c->uri);
    if (c->password) {
        explicit_bzero(c->password, strlen(c->password));
    }
    free(c->password);
    free(c->node);
    free(c->listen);
    free(c);
}

void sw_cluster_view(struct sw_cluster *c, struct sw_cluster_view *ret)
{
    pthread_mutex_lock(&c->mu);
    *ret = c->view;
    pthread_mutex_unlock(&c->mu);
}

bool sw_cluster_owns(struct sw_cluster *c, const char *key)
{
    unsigned s = sw_cluster_shard(key);
    bool own;

    pthread_mutex_lock(&c->mu);
    own = (c->view.shards >> s) & 1;
    pthread_mutex_unlock(&c->mu);
    return own;
}

bool sw_cluster_peers_at_start(struct sw_cluster *c)
{
    return c->peers_at_start;
}

int sw_cluster_fence(struct sw_cluster *c)
{
    int64_t term, ok_ms;
    char t[24];
    PGresult *r;
    int status;

    pthread_mutex_lock(&c->mu);
    term = c->view.leader ? c->view.term : 0;
    ok_ms = c->leader_ok_ms;
    pthread_mutex_unlock(&c->mu);
    if (!term || sw_mono_ms() - ok_ms >= c->lease_ms) {
        return -ESTALE;
    }
    fmt_i64(t, term);
    pthread_mutex_lock(&c->side_mu);
    r = run(ensure(c, &c->side), "SELECT term = $1::bigint FROM cluster_leader WHERE id = 1", 1,
            (const char *const[]){t});
    status = !r || PQntuples(r) != 1 ? -EIO : strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? 0 : -ESTALE;
    PQclear(r);
    pthread_mutex_unlock(&c->side_mu);
    return status;
}

/* ---- status ---- */

int sw_cluster_read_status(const char *uri, const char *password, int64_t lease_ms,
                           struct sw_cluster_status *ret, struct sw_buf *err)
{
    PGconn *conn = connect_db(uri, password, err);
    PGresult *r = NULL;
    char lease[24];
    int status = -EIO;

    memset(ret, 0, sizeof(*ret));
    for (int i = 0; i < SW_CLUSTER_SHARDS; i++) {
        ret->shard_owner[i] = -1;
    }
    if (!conn) {
        return -EIO;
    }
    fmt_i64(lease, lease_ms > 0 ? lease_ms : SW_CLUSTER_LEASE_MS);
    r = run(conn,
            "SELECT n.name, n.listen, n.pid, n.version, n.started_ms, n.seen_ms, "
            "n.seen_ms > " NOW_SQL " - $1, (SELECT count(*) FROM cluster_shards s "
            "WHERE s.node = n.name AND s.expires_ms > " NOW_SQL "), " NOW_SQL
            " FROM cluster_nodes n ORDER BY n.name",
            1, (const char *const[]){lease});
    if (!r) {
        sw_buf_puts(err, "cannot read the cluster's tables (is this a stackward database?)");
        goto out;
    }
    ret->n_nodes = (size_t)PQntuples(r);
    ret->nodes = sw_xcalloc(ret->n_nodes + 1, sizeof(*ret->nodes));
    for (size_t i = 0; i < ret->n_nodes; i++) {
        struct sw_cluster_node_row *n = &ret->nodes[i];
        n->name = col_str(r, (int)i, 0);
        n->listen = col_str(r, (int)i, 1);
        n->pid = col_i64(r, (int)i, 2);
        n->version = col_str(r, (int)i, 3);
        n->started_ms = col_i64(r, (int)i, 4);
        n->seen_ms = col_i64(r, (int)i, 5);
        n->live = strcmp(PQgetvalue(r, (int)i, 6), "t") == 0;
        n->shards = (int)col_i64(r, (int)i, 7);
    }
    PQclear(r);
    r = run(conn,
            "SELECT node, term, since_ms, expires_ms > " NOW_SQL ", " NOW_SQL
            ", (SELECT count(*) FROM cluster_inbox) FROM cluster_leader WHERE id = 1",
            0, NULL);
    if (!r || PQntuples(r) != 1) {
        sw_buf_puts(err, "cannot read the cluster's leader");
        goto out;
    }
    ret->term = col_i64(r, 0, 1);
    ret->leader_since_ms = col_i64(r, 0, 2);
    if (strcmp(PQgetvalue(r, 0, 3), "t") == 0) {
        ret->leader = col_str(r, 0, 0);
    }
    ret->now_ms = col_i64(r, 0, 4);
    ret->inbox = col_i64(r, 0, 5);
    for (size_t i = 0; i < ret->n_nodes; i++) {
        ret->nodes[i].leader = ret->leader && strcmp(ret->leader, ret->nodes[i].name) == 0;
    }
    PQclear(r);
    r = run(
        conn,
        "SELECT shard, node FROM cluster_shards WHERE node IS NOT NULL AND expires_ms > " NOW_SQL
        " ORDER BY shard",
        0, NULL);
    if (!r) {
        sw_buf_puts(err, "cannot read the cluster's shards");
        goto out;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t s = col_i64(r, i, 0);
        for (size_t k = 0; s >= 0 && s < SW_CLUSTER_SHARDS && k < ret->n_nodes; k++) {
            if (strcmp(ret->nodes[k].name, PQgetvalue(r, i, 1)) == 0) {
                ret->shard_owner[s] = (int)k;
            }
        }
    }
    for (int i = 0; i < SW_CLUSTER_SHARDS; i++) {
        ret->shards_free += ret->shard_owner[i] < 0;
    }
    status = 0;
out:
    PQclear(r);
    PQfinish(conn);
    if (status < 0) {
        sw_cluster_status_release(ret);
    }
    return status;
}

void sw_cluster_status_release(struct sw_cluster_status *st)
{
    for (size_t i = 0; st && i < st->n_nodes; i++) {
        free(st->nodes[i].name);
        free(st->nodes[i].listen);
        free(st->nodes[i].version);
    }
    if (st) {
        free(st->nodes);
        free(st->leader);
        st->nodes = NULL;
        st->leader = NULL;
        st->n_nodes = 0;
    }
}

void sw_cluster_status_json(const struct sw_cluster_status *st, struct sw_buf *out)
{
    sw_buf_puts(out, "{\"nodes\":[");
    for (size_t i = 0; i < st->n_nodes; i++) {
        const struct sw_cluster_node_row *n = &st->nodes[i];
        sw_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
        sw_buf_json_str(out, n->name);
        sw_buf_json_kv_str(out, "listen", n->listen);
        sw_buf_printf(out, ",\"pid\":%lld", (long long)n->pid);
        sw_buf_json_kv_str(out, "version", n->version);
        sw_buf_printf(out,
                      ",\"started_ms\":%lld,\"seen_ms\":%lld,\"seen_ago_ms\":%lld,\"live\":%s,"
                      "\"shards\":%d,\"leader\":%s}",
                      (long long)n->started_ms, (long long)n->seen_ms,
                      (long long)(st->now_ms - n->seen_ms), n->live ? "true" : "false", n->shards,
                      n->leader ? "true" : "false");
    }
    sw_buf_puts(out, "],\"leader\":");
    if (st->leader) {
        sw_buf_json_str(out, st->leader);
    } else {
        sw_buf_puts(out, "null");
    }
    sw_buf_printf(out,
                  ",\"term\":%lld,\"leader_since_ms\":%lld,\"shards\":%d,\"shards_free\":%d,"
                  "\"inbox\":%lld,\"shard_owner\":[",
                  (long long)st->term, (long long)st->leader_since_ms, SW_CLUSTER_SHARDS,
                  st->shards_free, (long long)st->inbox);
    for (int i = 0; i < SW_CLUSTER_SHARDS; i++) {
        if (i) {
            buf_putc(out, ',');
        }
        if (st->shard_owner[i] < 0) {
            sw_buf_puts(out, "null");
        } else {
            sw_buf_json_str(out, st->nodes[st->shard_owner[i]].name);
        }
    }
    sw_buf_puts(out, "]}\n");
}
