/* SPDX-License-Identifier: Apache-2.0 */
/* testdb.c: the database of one store unit test, SQLite or PostgreSQL (see testdb.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/core.h"
#include "testdb.h"

bool testdb_is_pg(void)
{
    const char *uri = getenv("SW_TEST_PG");

    return uri && *uri;
}

/* A connection that lost its server (a test restarted it) is reset once: the checks run on
 * whatever server is up now. */
static PGresult *pg_query(struct testdb *db, const char *sql, ExecStatusType want)
{
    PGresult *r = PQexec(db->conn, sql);

    if (PQresultStatus(r) != want && PQstatus(db->conn) == CONNECTION_BAD) {
        PQclear(r);
        PQreset(db->conn);
        r = PQexec(db->conn, sql);
    }
    if (PQresultStatus(r) != want) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db->conn));
        PQclear(r);
        fail_msg("PostgreSQL \"%s\": %s", sql, msg);
    }
    return r;
}

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static void pg_init(struct testdb *db)
{
    static int n;
    const char *base = getenv("SW_TEST_PG");
    char sql[128];

    snprintf(db->schema, sizeof(db->schema), "t_%ld_%d", (long)getpid(), ++n);
    /* libpq URI: options=-csearch_path=<schema>, '=' percent-encoded */
    db->uri = sw_xasprintf("%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?',
                           db->schema);
    /* The fixture's connection has the store's search_path: a schema that does not exist yet
     * is no error there, and a PQreset() keeps it. */
    db->conn = PQconnectdb(db->uri);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        fail_msg("cannot connect to SW_TEST_PG (%s): %s", base, PQerrorMessage(db->conn));
    }
    PQsetNoticeProcessor(db->conn, quiet, NULL); /* "drop cascades to ..." */
    snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", db->schema);
    PQclear(pg_query(db, sql, PGRES_COMMAND_OK));
}

void testdb_init(struct testdb *db, const char *file)
{
    memset(db, 0, sizeof(*db));
    db->pg = testdb_is_pg();
    if (db->pg) {
        pg_init(db);
        return;
    }
    snprintf(db->dir, sizeof(db->dir), "/tmp/sw-store-XXXXXX");
    assert_non_null(mkdtemp(db->dir));
    snprintf(db->path, sizeof(db->path), "%s/%s", db->dir, file);
    db->uri = sw_xstrdup(db->path);
}

void testdb_release(struct testdb *db)
{
    struct dirent *e;
    char p[320];
    DIR *d;

    if (db->pg && db->conn) {
        /* a test that stopped the server and failed before it started it again: start it,
         * for the tests after it */
        if (getenv("SW_TEST_PG_DATA") && testdb_pg_ctl("status") != 0) {
            testdb_pg_ctl("start");
        }
        snprintf(p, sizeof(p), "DROP SCHEMA IF EXISTS %s CASCADE", db->schema);
        PQclear(pg_query(db, p, PGRES_COMMAND_OK));
        PQfinish(db->conn);
    } else if (!db->pg && db->dir[0]) {
        /* the database file with its -wal and -shm, and what a test wrote there itself */
        d = opendir(db->dir);
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(p, sizeof(p), "%s/%s", db->dir, e->d_name);
                unlink(p);
            }
        }
        if (d) {
            closedir(d);
        }
        assert_int_equal(rmdir(db->dir), 0);
    }
    free(db->uri);
    memset(db, 0, sizeof(*db));
}

struct sw_store *testdb_open(struct testdb *db)
{
    struct sw_store *s = NULL;
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    r = sw_store_open(db->uri, &err, &s);
    if (r < 0) {
        fail_msg("open %s: %d %s", db->uri, r, err.data ? err.data : "");
    }
    sw_buf_release(&err);
    return s;
}

static int64_t pg_int(struct testdb *db, const char *sql)
{
    PGresult *r = pg_query(db, sql, PGRES_TUPLES_OK);
    char copy[64];
    const char *s;
    char *end;
    int64_t v;

    if (PQntuples(r) != 1 || PQnfields(r) < 1) {
        int rows = PQntuples(r);
        PQclear(r);
        fail_msg("\"%s\": %d rows, expected 1", sql, rows);
    }
    s = PQgetvalue(r, 0, 0);
    if (PQgetisnull(r, 0, 0) || strcmp(s, "f") == 0) {
        v = 0;
    } else if (strcmp(s, "t") == 0) {
        v = 1;
    } else {
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || end == s || *end) {
            snprintf(copy, sizeof(copy), "%s", s);
            PQclear(r);
            fail_msg("\"%s\": \"%s\" is not an integer", sql, copy);
        }
    }
    PQclear(r);
    return v;
}

static int64_t sqlite_int(struct testdb *db, const char *sql)
{
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v;

    assert_int_equal(sqlite3_open_v2(db->path, &conn, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK) {
        fail_msg("SQLite \"%s\": %s", sql, sqlite3_errmsg(conn));
    }
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return v;
}

int64_t testdb_int(struct testdb *db, const char *sql)
{
    return db->pg ? pg_int(db, sql) : sqlite_int(db, sql);
}

void testdb_exec(struct testdb *db, const char *sql)
{
    sqlite3 *conn = NULL;
    char *msg = NULL;

    if (db->pg) {
        PQclear(pg_query(db, sql, PGRES_COMMAND_OK));
        return;
    }
    assert_int_equal(sqlite3_open_v2(db->path, &conn, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[256];
        snprintf(copy, sizeof(copy), "%s", msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(conn);
        fail_msg("SQLite \"%s\": %s", sql, copy);
    }
    sqlite3_close(conn);
}

int64_t testdb_count_named(struct testdb *db, const char *names)
{
    char *sql;
    int64_t n;

    if (db->pg) {
        sql = sw_xasprintf("SELECT count(*) FROM pg_class WHERE relnamespace = "
                           "current_schema()::regnamespace AND relname IN (%s)",
                           names);
    } else {
        sql = sw_xasprintf("SELECT count(*) FROM sqlite_master WHERE name IN (%s)", names);
    }
    n = testdb_int(db, sql);
    free(sql);
    return n;
}

int testdb_version(const struct testdb *db)
{
    return db->pg ? TESTDB_VERSION_PG : TESTDB_VERSION_SQLITE;
}

int testdb_pg_ctl(const char *action)
{
    const char *data = getenv("SW_TEST_PG_DATA");
    const char *bin = getenv("SW_TEST_PG_BIN");
    const char *log = getenv("SW_TEST_PG_LOG");
    char pg_ctl[512];
    int status;
    pid_t pid;

    if (!data || !*data) {
        fail_msg("SW_TEST_PG_DATA is not set: run under tests/pgtmp.sh");
    }
    snprintf(pg_ctl, sizeof(pg_ctl), "%s/pg_ctl", bin && *bin ? bin : "/usr/lib/postgresql/15/bin");
    pid = fork();
    assert_true(pid != -1);
    if (pid == 0) {
        /* the server started here must not hold the test's stdout: its output goes to the
         * log, pg_ctl's own to /dev/null */
        const char *argv[] = {
            "runuser", "-u", "postgres", "--", pg_ctl, "-D",   data, "-l", log ? log : "/dev/null",
            "-w",      "-t", "30",       "-m", "fast", action, NULL};
        const char *const *a = geteuid() == 0 ? argv : argv + 4;
        int null = open("/dev/null", O_RDWR); /* no stdio: other threads may hold its locks */
        if (null == -1 || dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1) {
            _exit(127);
        }
        execvp(a[0], (char *const *)a);
        _exit(127);
    }
    assert_true(waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
