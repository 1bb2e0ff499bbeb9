/* SPDX-License-Identifier: Apache-2.0 */
/* migrate.c: sw_store_migrate(), a whole SQLite store copied into an empty PostgreSQL
 * database (`stackward migrate`). The SQLite file is opened read-only and read in one read
 * transaction (a consistent snapshot, even with a daemon still writing it); the target's
 * schema is made by the PostgreSQL backend itself (sw_store_open_with()), then every table is
 * sent with COPY FROM STDIN in text format, ids included, in one transaction that also moves
 * each identity sequence past the copied ids and compares the row counts of both sides
 * before it commits: the target ends up with all of it or none. The cluster_* tables are the
 * PostgreSQL backend's own and are left alone. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/core.h"
#include "store/pg_int.h"
#include "store/store.h"
#include "store/store_int.h"

#define COPY_CHUNK (1u << 20) /* bytes of COPY data gathered before they are sent */

/* Every table of the store but schema_migrations (each database keeps its own), parents
 * before the tables that refer to them. A new table in migrations/sqlite.c goes here too:
 * sw_store_migrate() refuses a store with a table it does not know. */
static const char *const tables[] = {
    "objects",     "results",     "intervals", "check_state",     "meta",
    "maintenance", "slo_alerts",  "incidents", "incident_events", "notifications",
    "cases",       "case_events", "changes",   "derived_checks",  "api_tokens",
};
#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

struct mig {
    const char *path;
    sqlite3 *lite;
    PGconn *pg;
    char safe[512]; /* the target URI without its password, for messages */
    struct sw_buf *err;
    int64_t lite_rows[N_TABLES];
    int64_t seq[N_TABLES]; /* SQLite's AUTOINCREMENT high-water mark (sqlite_sequence), or 0 */
};

static int fail(struct mig *m, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Puts the message into m->err (when not NULL) and the debug log; returns r. */
static int fail(struct mig *m, int r, const char *fmt, ...)
{
    struct sw_buf b;
    va_list ap;

    sw_buf_init(&b);
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    sw_debug("store: migrate: %s", b.data);
    if (m->err) {
        sw_buf_puts(m->err, b.data);
    }
    sw_buf_release(&b);
    return r;
}

/* The first line of a libpq message, without its "ERROR:  " prefix. */
static const char *pg_msg(const char *s, int *ret_len)
{
    if (!s || !*s) {
        s = "unknown error";
    }
    if (strncmp(s, "ERROR:  ", 8) == 0) {
        s += 8;
    }
    *ret_len = (int)strcspn(s, "\n");
    return s;
}

/* Runs sql (no parameters) on the target; on failure puts "what: message" into err. With
 * ret, the result is handed over (PQclear() it). */
static int pg_exec(struct mig *m, const char *what, const char *sql, PGresult **ret)
{
    PGresult *res = PQexec(m->pg, sql);
    ExecStatusType st = PQresultStatus(res);
    const char *msg;
    int len;

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (ret) {
            *ret = res;
        } else {
            PQclear(res);
        }
        return 0;
    }
    msg = pg_msg(res ? PQresultErrorMessage(res) : PQerrorMessage(m->pg), &len);
    fail(m, -EIO, "%s: %s: %.*s", m->safe, what, len, msg);
    PQclear(res);
    return -EIO;
}

/* ---- the source ---- */

/* Opens the SQLite file read-only, begins the read transaction and checks that it is a
 * store of this binary's schema version with the tables this file knows. */
static int source_open(struct mig *m)
{
    size_t n_mig;
    const struct sw_store_migration *mig = sw_store_sqlite_migrations(&n_mig);
    int latest = mig[n_mig - 1].version, version, rc, r;
    sqlite3_stmt *st = NULL;

    if (sqlite3_open_v2(m->path, &m->lite, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        r = sqlite3_errcode(m->lite) == SQLITE_CANTOPEN ? -ENOENT : -EIO;
        return fail(m, r, "%s: cannot open the SQLite store: %s", m->path, sqlite3_errmsg(m->lite));
    }
    sqlite3_busy_timeout(m->lite, 5000);
    /* The snapshot starts at the first read and holds until the end: every table is read as
     * of the same moment. */
    if (sqlite3_exec(m->lite, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m->lite, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1,
                           &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        r = fail(m, -EINVAL, "%s: not a stackward store (%s)", m->path, sqlite3_errmsg(m->lite));
        goto out;
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (version > latest) {
        r = fail(m, -EINVAL,
                 "%s: schema version %d is newer than this stackward supports (%d): migrate it "
                 "with the stackward that wrote it",
                 m->path, version, latest);
        goto out;
    }
    if (version < latest) {
        r = fail(m, -EINVAL,
                 "%s: schema version %d, this stackward's is %d: run this stackward's daemon "
                 "on it once (`stackward serve`, which migrates it), stop it, then migrate",
                 m->path, version, latest);
        goto out;
    }
    /* Every table of the file must be one that is copied (or schema_migrations): a table
     * this list lacks would be left behind without a word. */
    if (sqlite3_prepare_v2(m->lite,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' "
                           "ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK) {
        r = fail(m, -EIO, "%s: %s", m->path, sqlite3_errmsg(m->lite));
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        bool known = false;

        for (size_t i = 0; i < N_TABLES && !known; i++) {
            known = strcmp(name, tables[i]) == 0;
        }
        if (!known) {
            r = fail(m, -EINVAL, "%s: table '%s' is not one stackward migrate knows", m->path,
                     name);
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        r = fail(m, -EIO, "%s: %s", m->path, sqlite3_errmsg(m->lite));
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* AUTOINCREMENT's high-water marks: an id once handed out (a maintenance window since
     * removed) is never handed out again, on PostgreSQL either. */
    if (sqlite3_prepare_v2(m->lite, "SELECT name, seq FROM sqlite_sequence", -1, &st, NULL) ==
        SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            for (size_t i = 0; name && i < N_TABLES; i++) {
                if (strcmp(name, tables[i]) == 0) {
                    m->seq[i] = sqlite3_column_int64(st, 1);
                }
            }
        }
    }
    r = 0;
out:
    sqlite3_finalize(st);
    return r;
}

/* ---- COPY ---- */

/* Appends s[0..n) to b as a field of COPY's text format: backslash, newline, carriage return
 * and tab escaped. */
static void put_text(struct sw_buf *b, const char *s, size_t n)
{
    size_t start = 0;

    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;

        switch (s[i]) {
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            continue;
        }
        sw_buf_append(b, s + start, i - start);
        sw_buf_puts(b, esc);
        start = i + 1;
    }
    sw_buf_append(b, s + start, n - start);
}

/* Appends column col of the current row of st to b: NULL as \N, a blob as bytea's hex
 * input (\x..., its backslash escaped), a real with all its digits. */
static int put_value(struct mig *m, const char *table, sqlite3_stmt *st, int col, struct sw_buf *b)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p;
    int n;

    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        sw_buf_puts(b, "\\N");
        break;
    case SQLITE_INTEGER:
        sw_buf_printf(b, "%" PRId64, (int64_t)sqlite3_column_int64(st, col));
        break;
    case SQLITE_FLOAT:
        sw_buf_printf(b, "%.17g", sqlite3_column_double(st, col));
        break;
    case SQLITE_BLOB:
        p = sqlite3_column_blob(st, col);
        n = sqlite3_column_bytes(st, col);
        sw_buf_puts(b, "\\\\x");
        for (int i = 0; i < n; i++) {
            char h[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
            sw_buf_append(b, h, 2);
        }
        break;
    default:
        p = sqlite3_column_text(st, col);
        n = sqlite3_column_bytes(st, col);
        if (memchr(p, '\0', (size_t)n)) {
            return fail(m, -EINVAL, "%s: table '%s', column '%s': text with a NUL byte", m->path,
                        table, sqlite3_column_name(st, col));
        }
        put_text(b, (const char *)p, (size_t)n);
        break;
    }
    return 0;
}

/* Sends what b holds to the COPY in progress and empties b. */
static int send(struct mig *m, const char *table, struct sw_buf *b)
{
    if (b->len > 0 && PQputCopyData(m->pg, b->data, (int)b->len) != 1) {
        return fail(m, -EIO, "%s: COPY %s: %s", m->safe, table, PQerrorMessage(m->pg));
    }
    sw_buf_reset(b);
    return 0;
}

/* Copies table i: every row of SQLite's into PostgreSQL's, the columns named as SQLite
 * names them (the two schemas have the same names). *ret_rows: rows sent. */
static int copy_table(struct mig *m, size_t i, int64_t *ret_rows)
{
    const char *table = tables[i];
    char *sql = sw_xasprintf("SELECT * FROM \"%s\"", table);
    sqlite3_stmt *st = NULL;
    PGresult *res = NULL;
    struct sw_buf b, cols;
    int64_t rows = 0;
    int ncol, rc = SQLITE_DONE, r = 0, len;
    const char *msg;

    sw_buf_init(&b);
    sw_buf_init(&cols);
    if (sqlite3_prepare_v2(m->lite, sql, -1, &st, NULL) != SQLITE_OK) {
        r = fail(m, -EIO, "%s: table '%s': %s", m->path, table, sqlite3_errmsg(m->lite));
        goto out;
    }
    ncol = sqlite3_column_count(st);
    for (int c = 0; c < ncol; c++) {
        sw_buf_printf(&cols, "%s\"%s\"", c ? ", " : "", sqlite3_column_name(st, c));
    }
    sw_buf_printf(&b, "COPY \"%s\" (%s) FROM STDIN", table, cols.data);
    res = PQexec(m->pg, b.data);
    sw_buf_reset(&b);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        msg = pg_msg(PQresultErrorMessage(res), &len);
        r = fail(m, -EIO, "%s: COPY %s: %.*s", m->safe, table, len, msg);
        goto out;
    }
    PQclear(res);
    res = NULL;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; r == 0 && c < ncol; c++) {
            if (c) {
                sw_buf_append(&b, "\t", 1);
            }
            r = put_value(m, table, st, c, &b);
        }
        sw_buf_append(&b, "\n", 1);
        rows++;
        if (r == 0 && b.len >= COPY_CHUNK) {
            r = send(m, table, &b);
        }
    }
    if (r == 0 && rc != SQLITE_DONE) {
        r = fail(m, -EIO, "%s: table '%s': %s", m->path, table, sqlite3_errmsg(m->lite));
    }
    if (r == 0) {
        r = send(m, table, &b);
    }
    /* Ending the COPY with an error message aborts it (and so the transaction). */
    if (PQputCopyEnd(m->pg, r == 0 ? NULL : "stackward migrate stopped") != 1 && r == 0) {
        r = fail(m, -EIO, "%s: COPY %s: %s", m->safe, table, PQerrorMessage(m->pg));
    }
    while ((res = PQgetResult(m->pg)) != NULL) {
        if (r == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
            /* the context names the row and column: "COPY results, line 300, column t_ms" */
            const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
            msg = pg_msg(PQresultErrorMessage(res), &len);
            r = fail(m, -EIO, "%s: COPY %s: %.*s (%.*s)", m->safe, table, len, msg,
                     ctx ? (int)strcspn(ctx, "\n") : 0, ctx ? ctx : "");
        }
        PQclear(res);
    }
    if (r == 0) {
        *ret_rows = rows;
    }
out:
    PQclear(res);
    sqlite3_finalize(st);
    sw_buf_release(&b);
    sw_buf_release(&cols);
    free(sql);
    return r;
}

/* ---- the target ---- */

/* Every copied table empty, or -EEXIST naming the first that is not. The tables are locked
 * first (writers wait, readers do not) so that nobody adds rows before the commit. */
static int target_check_empty(struct mig *m)
{
    struct sw_buf sql;
    PGresult *res = NULL;
    int r;

    sw_buf_init(&sql);
    sw_buf_puts(&sql, "LOCK TABLE ");
    for (size_t i = 0; i < N_TABLES; i++) {
        sw_buf_printf(&sql, "%s\"%s\"", i ? ", " : "", tables[i]);
    }
    sw_buf_puts(&sql, " IN EXCLUSIVE MODE");
    r = pg_exec(m, "SET lock_timeout", "SET LOCAL lock_timeout = '10s'", NULL);
    if (r == 0) {
        r = pg_exec(m, "cannot lock the tables (is a daemon using this database?)", sql.data, NULL);
    }
    for (size_t i = 0; r == 0 && i < N_TABLES; i++) {
        sw_buf_reset(&sql);
        sw_buf_printf(&sql, "SELECT EXISTS (SELECT 1 FROM \"%s\")", tables[i]);
        r = pg_exec(m, tables[i], sql.data, &res);
        if (r == 0 && sw_pg_bool(res, 0, 0)) {
            r = fail(m, -EEXIST,
                     "%s: the target already holds data (table '%s' is not empty): migrate "
                     "copies into an empty database only",
                     m->safe, tables[i]);
        }
        PQclear(res);
        res = NULL;
    }
    sw_buf_release(&sql);
    return r;
}

/* Moves the identity sequence of each copied table past its highest id (and past SQLite's
 * high-water mark), so that the next row the backend inserts gets a new id. */
static int target_sequences(struct mig *m)
{
    struct sw_buf sql;
    PGresult *res = NULL;
    int r;

    r = pg_exec(m, "identity columns",
                "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND a.attname = 'id' "
                "AND a.attidentity <> ''",
                &res);
    if (r < 0) {
        return r;
    }
    sw_buf_init(&sql);
    for (size_t i = 0; r == 0 && i < N_TABLES; i++) {
        bool identity = false;

        for (int k = 0; k < PQntuples(res) && !identity; k++) {
            identity = strcmp(PQgetvalue(res, k, 0), tables[i]) == 0;
        }
        if (!identity) {
            continue;
        }
        sw_buf_reset(&sql);
        sw_buf_printf(&sql,
                      "SELECT setval(pg_get_serial_sequence('\"%s\"', 'id'), "
                      "greatest(coalesce(max(id), 0), %" PRId64 ") + 1, false) FROM \"%s\"",
                      tables[i], m->seq[i], tables[i]);
        r = pg_exec(m, tables[i], sql.data, NULL);
    }
    sw_buf_release(&sql);
    PQclear(res);
    return r;
}

/* Counts the rows of each table on both sides, in the transactions that copied them. */
static int verify(struct mig *m, const int64_t *sent)
{
    struct sw_buf sql;
    PGresult *res = NULL;
    sqlite3_stmt *st = NULL;
    int r = 0;

    sw_buf_init(&sql);
    for (size_t i = 0; r == 0 && i < N_TABLES; i++) {
        int64_t lite, pg;

        sw_buf_reset(&sql);
        sw_buf_printf(&sql, "SELECT count(*) FROM \"%s\"", tables[i]);
        if (sqlite3_prepare_v2(m->lite, sql.data, -1, &st, NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW) {
            r = fail(m, -EIO, "%s: table '%s': %s", m->path, tables[i], sqlite3_errmsg(m->lite));
            break;
        }
        lite = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        st = NULL;
        r = pg_exec(m, tables[i], sql.data, &res);
        if (r < 0) {
            break;
        }
        pg = sw_pg_i64(res, 0, 0);
        PQclear(res);
        res = NULL;
        if (lite != pg || lite != sent[i]) {
            r = fail(m, -EIO,
                     "table '%s': %" PRId64 " rows in SQLite, %" PRId64 " sent, %" PRId64
                     " in PostgreSQL: nothing was migrated",
                     tables[i], lite, sent[i], pg);
        }
    }
    sqlite3_finalize(st);
    sw_buf_release(&sql);
    return r;
}

int sw_store_migrate(const char *from_path, const char *to_uri, const char *password,
                     void (*progress)(void *arg, const char *table, int64_t rows), void *arg,
                     struct sw_buf *err)
{
    struct sw_store_options o = {.password = password};
    struct mig m = {.path = from_path, .err = err};
    struct sw_pg pg = {0};
    struct sw_store *s = NULL;
    struct sw_buf e;
    int64_t sent[N_TABLES] = {0};
    int r;

    sw_buf_init(&e);
    if (!from_path || !*from_path || !to_uri) {
        r = fail(&m, -EINVAL, "a source path and a target URI are needed");
        goto out;
    }
    sw_store_uri_redact(to_uri, m.safe, sizeof(m.safe));
    if (!sw_str_has_prefix(to_uri, "postgresql://") && !sw_str_has_prefix(to_uri, "postgres://")) {
        r = fail(&m, -EINVAL, "%s: the target must be a postgresql:// URI", m.safe);
        goto out;
    }
    r = source_open(&m);
    if (r < 0) {
        goto out;
    }
    /* The backend makes (or brings up to date) the schema, as the daemon would. */
    r = sw_store_open_with(to_uri, &o, &e, &s);
    sw_store_free(s);
    if (r < 0) {
        r = fail(&m, -EIO, "cannot open the target: %s", e.len ? e.data : strerror(-r));
        goto out;
    }
    sw_buf_reset(&e);
    pg.uri = (char *)to_uri;
    pg.password = (char *)password;
    pg.safe = m.safe;
    m.pg = sw_pg_connect(&pg, &e);
    if (!m.pg) {
        r = fail(&m, -EIO, "cannot connect to the target: %s", e.data);
        goto out;
    }
    r = pg_exec(&m, "BEGIN", "BEGIN", NULL);
    if (r == 0) {
        r = target_check_empty(&m);
    }
    for (size_t i = 0; r == 0 && i < N_TABLES; i++) {
        r = copy_table(&m, i, &sent[i]);
        if (r == 0 && progress) {
            progress(arg, tables[i], sent[i]);
        }
    }
    if (r == 0) {
        r = target_sequences(&m);
    }
    if (r == 0) {
        r = verify(&m, sent);
    }
    if (r == 0) {
        r = pg_exec(&m, "COMMIT", "COMMIT", NULL);
    }
out:
    if (m.pg) {
        if (r < 0 && PQtransactionStatus(m.pg) != PQTRANS_IDLE) {
            PQclear(PQexec(m.pg, "ROLLBACK"));
        }
        PQfinish(m.pg);
    }
    if (m.lite) {
        sqlite3_exec(m.lite, "ROLLBACK", NULL, NULL, NULL); /* ends the read transaction */
        sqlite3_close(m.lite);
    }
    sw_buf_release(&e);
    return r;
}
