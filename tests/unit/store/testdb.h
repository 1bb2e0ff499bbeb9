/* SPDX-License-Identifier: Apache-2.0 */
/* testdb.h: the database of one store unit test, so that the same tests run on both backends.
 * Without SW_TEST_PG: a fresh SQLite file in a temporary directory. With SW_TEST_PG (a
 * "postgresql://" URI; tests/pgtmp.sh starts a throwaway server and sets it): a fresh schema
 * t_<pid>_<n> of that database, made at init and dropped at release; the store is opened
 * with SW_TEST_PG + "?options=-csearch_path%3Dt_<pid>_<n>", so everything it creates goes
 * there. The fixture keeps a connection of its own for the checks that read the database
 * directly (testdb_int()); every function asserts (cmocka) rather than return an error. */
#ifndef SW_TESTDB_H
#define SW_TESTDB_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "store/store.h"

/* The latest schema version of each backend (PostgreSQL has the cluster's tables too). */
#define TESTDB_VERSION_SQLITE 7
#define TESTDB_VERSION_PG 8

struct testdb {
    bool pg;         /* PostgreSQL (SW_TEST_PG set), else SQLite */
    char dir[64];    /* SQLite: the temporary directory */
    char path[128];  /* SQLite: the database file */
    char schema[64]; /* PostgreSQL: the schema */
    char *uri;       /* what sw_store_open() is given: the file path, or the URI */
    PGconn *conn;    /* PostgreSQL: the fixture's own connection, search_path = schema */
};

/* Whether this run is on PostgreSQL: SW_TEST_PG is set and not empty. */
bool testdb_is_pg(void);

/* A fresh database: file (the SQLite file's name in the temporary directory) or a fresh
 * schema. */
void testdb_init(struct testdb *db, const char *file);
/* Removes the directory with every file in it (the database, its -wal and -shm, what the
 * test wrote there), or drops the schema (CASCADE) and closes the connection. Free the
 * stores first. */
void testdb_release(struct testdb *db);

/* sw_store_open() of db->uri, failing the test with the error message when it fails. */
struct sw_store *testdb_open(struct testdb *db);

/* The first column of the first row of sql (one row expected), as an integer: SQL NULL and
 * false are 0, true is 1. Runs on a connection of the fixture's own (sqlite3 or libpq). */
int64_t testdb_int(struct testdb *db, const char *sql);
/* Runs sql (statements without results) on the fixture's connection. */
void testdb_exec(struct testdb *db, const char *sql);
/* How many of the tables and indexes named in names (an SQL list: "'a', 'b'") exist: from
 * sqlite_master, or from pg_class in the test's schema. */
int64_t testdb_count_named(struct testdb *db, const char *names);
/* TESTDB_VERSION_SQLITE or TESTDB_VERSION_PG. */
int testdb_version(const struct testdb *db);

/* PostgreSQL: runs pg_ctl ACTION (restart, stop, start, status) on the server of
 * SW_TEST_PG_DATA, as tests/pgtmp.sh tells (as user postgres when root, the same log, the
 * same port), and waits for it. Returns pg_ctl's exit status (status: 0 running, 3 not);
 * fails the test when SW_TEST_PG_DATA is not set. */
int testdb_pg_ctl(const char *action);

/* For a test about SQLite itself: skipped (cmocka skip()) on PostgreSQL. */
#define TESTDB_SQLITE_ONLY()                                                                       \
    do {                                                                                           \
        if (testdb_is_pg()) {                                                                      \
            skip();                                                                                \
        }                                                                                          \
    } while (0)
/* For a test of the PostgreSQL backend: skipped without SW_TEST_PG. */
#define TESTDB_PG_ONLY()                                                                           \
    do {                                                                                           \
        if (!testdb_is_pg()) {                                                                     \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

#endif
