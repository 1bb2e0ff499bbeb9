/* SPDX-License-Identifier: Apache-2.0 */
/* test_store.c: unit tests of src/store (store.c and a backend) against a fresh database per
 * test (testdb.h): an SQLite file in a temporary directory, or, under tests/pgtmp.sh
 * (SW_TEST_PG set), a fresh schema of a real PostgreSQL. The tests about SQLite itself are
 * skipped there; those that need a PostgreSQL server (a password, a restart, an outage) run
 * there only; the others run on both. A fake backend drives the failure and retry paths of
 * the writer thread. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"
#include "testdb.h"

struct fx {
    struct testdb db;
    struct sw_store *s;
};

static int setup(void **state)
{
    struct fx *f = sw_xcalloc(1, sizeof(*f));

    testdb_init(&f->db, "test.db");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    sw_store_free(f->s);
    testdb_release(&f->db);
    free(f);
    return 0;
}

static struct sw_store *open_ok(struct fx *f)
{
    return testdb_open(&f->db);
}

static void add_result(struct sw_store *s, const char *path, int64_t t_ms, enum sw_state st,
                       const char *output, const char *perfdata)
{
    struct sw_store_result r = {
        .path = (char *)path,
        .t_ms = t_ms,
        .state = st,
        .hard = st != SW_OK,
        .attempt = (int)(t_ms % 7) + 1,
        .latency_us = t_ms * 3,
        .output = (char *)output,
        .perfdata = (char *)perfdata,
        .passive = (t_ms % 2) == 0,
    };
    sw_store_add_result(s, &r);
}

static void test_open_migrates(void **state)
{
    struct fx *f = *state;
    int v = testdb_version(&f->db);

    f->s = open_ok(f);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM schema_migrations"), v);
    assert_int_equal(testdb_int(&f->db, "SELECT max(version) FROM schema_migrations"), v);
    assert_true(testdb_int(&f->db, "SELECT min(applied_at) FROM schema_migrations") > 1700000000);
    assert_int_equal(testdb_count_named(&f->db, "'objects', 'results', 'intervals', 'check_state', "
                                                "'meta', 'intervals_one_open'"),
                     6);
    sw_store_free(f->s);
    f->s = NULL;

    /* Reopen: nothing applied twice. */
    f->s = open_ok(f);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM schema_migrations"), v);
    assert_int_equal(testdb_int(&f->db, "SELECT count(DISTINCT version) FROM schema_migrations"),
                     v);
    assert_string_equal(sw_store_backend_name(f->s), f->db.pg ? "postgresql" : "sqlite");
}

/* SQLite itself: the "sqlite:" prefix names the same file, which is in WAL mode. */
static void test_sqlite_prefix_wal(void **state)
{
    struct fx *f = *state;
    struct sw_store *s = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3 *db = NULL;
    char uri[160];

    TESTDB_SQLITE_ONLY();
    f->s = open_ok(f);
    sw_store_free(f->s);
    f->s = NULL;
    snprintf(uri, sizeof(uri), "sqlite:%s", f->db.path);
    assert_int_equal(sw_store_open(uri, NULL, &s), 0);
    f->s = s;
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM schema_migrations"),
                     TESTDB_VERSION_SQLITE);
    assert_int_equal(sqlite3_open_v2(f->db.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_results(void **state)
{
    struct fx *f = *state;
    struct sw_store_result *v = NULL;
    size_t n = 99;

    f->s = open_ok(f);
    add_result(f->s, "acme/fra1/id/http", 1000, SW_OK, "HTTP OK", "time=0.1s;1;2;0;");
    add_result(f->s, "acme/fra1/id/http", 2000, SW_WARNING, "slow", NULL);
    add_result(f->s, "acme/fra1/id/http", 3000, SW_CRITICAL, "down: \"quoted\" ü", "a=1");
    add_result(f->s, "acme/fra1/id/http", 4000, SW_UNKNOWN, NULL, NULL);
    add_result(f->s, "acme/fra1/id/http", 5000, SW_OK, "", "");
    add_result(f->s, "acme/fra1/id/tcp", 2500, SW_OK, "other check", NULL);
    assert_int_equal(sw_store_flush(f->s), 0);

    assert_int_equal(sw_store_results(f->s, "acme/fra1/id/http", 0, 10000, 10, &v, &n), 0);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(v[i].path, "acme/fra1/id/http");
        assert_int_equal(v[i].t_ms, 5000 - 1000 * (int64_t)i);
        assert_int_equal(v[i].attempt, (int)(v[i].t_ms % 7) + 1);
        assert_int_equal(v[i].latency_us, v[i].t_ms * 3);
        assert_int_equal(v[i].passive, (v[i].t_ms % 2) == 0);
    }
    assert_int_equal(v[0].state, SW_OK);
    assert_false(v[0].hard);
    assert_string_equal(v[0].output, "");
    assert_string_equal(v[0].perfdata, "");
    assert_int_equal(v[1].state, SW_UNKNOWN);
    assert_true(v[1].hard);
    assert_null(v[1].output);
    assert_null(v[1].perfdata);
    assert_int_equal(v[2].state, SW_CRITICAL);
    assert_string_equal(v[2].output, "down: \"quoted\" ü");
    assert_string_equal(v[2].perfdata, "a=1");
    assert_int_equal(v[3].state, SW_WARNING);
    assert_null(v[3].perfdata);
    assert_string_equal(v[4].output, "HTTP OK");
    assert_string_equal(v[4].perfdata, "time=0.1s;1;2;0;");
    sw_store_results_free(v, n);

    /* limit: the newest ones */
    assert_int_equal(sw_store_results(f->s, "acme/fra1/id/http", 0, 10000, 2, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].t_ms, 5000);
    assert_int_equal(v[1].t_ms, 4000);
    sw_store_results_free(v, n);

    /* range: from inclusive, to exclusive */
    assert_int_equal(sw_store_results(f->s, "acme/fra1/id/http", 2000, 4000, 10, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].t_ms, 3000);
    assert_int_equal(v[1].t_ms, 2000);
    sw_store_results_free(v, n);

    assert_int_equal(sw_store_results(f->s, "acme/fra1/id/tcp", 0, 10000, 10, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].t_ms, 2500);
    assert_string_equal(v[0].output, "other check");
    sw_store_results_free(v, n);

    n = 99;
    assert_int_equal(sw_store_results(f->s, "no/such/check", 0, 10000, 10, &v, &n), 0);
    assert_int_equal(n, 0);
    sw_store_results_free(v, n);

    assert_int_equal(sw_store_results(f->s, "acme/fra1/id/http", 0, 10000, 0, &v, &n), -EINVAL);
    assert_int_equal(
        sw_store_results(f->s, "acme/fra1/id/http", 0, 10000, SW_STORE_RESULTS_MAX + 1, &v, &n),
        -EINVAL);
}

/* Asserts that the history of path over [from, to) is exactly the given triples
 * (start, end, state), count of them first. */
static void expect_history(struct sw_store *s, enum sw_object_kind kind, const char *path,
                           int64_t from, int64_t to, size_t count, ...)
{
    struct sw_interval *v = NULL;
    size_t n = 99;
    va_list ap;

    assert_int_equal(sw_store_history(s, kind, path, from, to, &v, &n), 0);
    if (n != count) {
        for (size_t i = 0; i < n; i++) {
            print_message("  [%lld, %lld) %d\n", (long long)v[i].start, (long long)v[i].end,
                          v[i].state);
        }
        fail_msg("history %s [%lld, %lld): %zu intervals, expected %zu", path, (long long)from,
                 (long long)to, n, count);
    }
    va_start(ap, count);
    for (size_t i = 0; i < n; i++) {
        int64_t start = va_arg(ap, int64_t);
        int64_t end = va_arg(ap, int64_t);
        int st = va_arg(ap, int);
        assert_int_equal(v[i].start, start);
        assert_int_equal(v[i].end, end);
        assert_int_equal(v[i].state, st);
    }
    va_end(ap);
    free(v);
}

#define I(a, b, st) (int64_t)(a), (int64_t)(b), (int)(st)

static void count_is(struct sw_store *s, int64_t results, int64_t intervals)
{
    int64_t r = -1, i = -1;

    assert_int_equal(sw_store_count(s, &r, &i), 0);
    assert_int_equal(r, results);
    assert_int_equal(i, intervals);
}

static void test_intervals(void **state)
{
    struct fx *f = *state;
    const char *a = "acme/fra1/identity";

    f->s = open_ok(f);
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 100, SW_OK);
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 200, SW_CRITICAL);
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 250, SW_CRITICAL); /* same state: nothing */
    assert_int_equal(sw_store_flush(f->s), 0);
    expect_history(f->s, SW_OBJ_SERVICE, a, 0, 1000, 2, I(100, 200, SW_OK), I(200, 0, SW_CRITICAL));
    count_is(f->s, 0, 2);

    /* zero-length WARNING at 300 is replaced, not kept */
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 300, SW_WARNING);
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 300, SW_OK);
    assert_int_equal(sw_store_flush(f->s), 0);
    expect_history(f->s, SW_OBJ_SERVICE, a, 0, 1000, 3, I(100, 200, SW_OK),
                   I(200, 300, SW_CRITICAL), I(300, 0, SW_OK));

    /* a zero-length blip back to the state before continues that interval */
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 400, SW_WARNING);
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 400, SW_OK);
    assert_int_equal(sw_store_flush(f->s), 0);
    expect_history(f->s, SW_OBJ_SERVICE, a, 0, 1000, 3, I(100, 200, SW_OK),
                   I(200, 300, SW_CRITICAL), I(300, 0, SW_OK));
    count_is(f->s, 0, 3);

    /* close without opening; closing again does nothing */
    sw_store_close_interval(f->s, SW_OBJ_SERVICE, a, 500);
    sw_store_close_interval(f->s, SW_OBJ_SERVICE, a, 600);
    assert_int_equal(sw_store_flush(f->s), 0);
    expect_history(f->s, SW_OBJ_SERVICE, a, 0, 1000, 3, I(100, 200, SW_OK),
                   I(200, 300, SW_CRITICAL), I(300, 500, SW_OK));

    /* a later change opens a new interval after the gap */
    sw_store_state_change(f->s, SW_OBJ_SERVICE, a, 700, SW_CRITICAL);
    /* the same path as a check is another object */
    sw_store_state_change(f->s, SW_OBJ_CHECK, a, 150, SW_WARNING);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "b", 100, SW_OK);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "c", 1000, SW_WARNING);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "d", 1200, SW_UNKNOWN);
    /* a close at or before the start deletes the interval */
    sw_store_state_change(f->s, SW_OBJ_CHECK, "e", 900, SW_OK);
    sw_store_close_interval(f->s, SW_OBJ_CHECK, "e", 900);
    sw_store_close_interval(f->s, SW_OBJ_CHECK, "never-seen", 900);
    assert_int_equal(sw_store_flush(f->s), 0);
    expect_history(f->s, SW_OBJ_SERVICE, a, 0, 1000, 4, I(100, 200, SW_OK),
                   I(200, 300, SW_CRITICAL), I(300, 500, SW_OK), I(700, 0, SW_CRITICAL));
    expect_history(f->s, SW_OBJ_CHECK, a, 0, 1000, 1, I(150, 0, SW_WARNING));
    expect_history(f->s, SW_OBJ_CHECK, "e", 0, 10000, 0);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM objects WHERE path = 'never-seen'"),
                     0);
    count_is(f->s, 0, 8);

    /* close_all_open(1000): open ones end at 1000, those starting at or after 1000 go */
    assert_int_equal(sw_store_close_all_open(f->s, 1000), 0);
    expect_history(f->s, SW_OBJ_SERVICE, a, 0, 5000, 4, I(100, 200, SW_OK),
                   I(200, 300, SW_CRITICAL), I(300, 500, SW_OK), I(700, 1000, SW_CRITICAL));
    expect_history(f->s, SW_OBJ_CHECK, a, 0, 5000, 1, I(150, 1000, SW_WARNING));
    expect_history(f->s, SW_OBJ_CHECK, "b", 0, 5000, 1, I(100, 1000, SW_OK));
    expect_history(f->s, SW_OBJ_CHECK, "c", 0, 5000, 0);
    expect_history(f->s, SW_OBJ_CHECK, "d", 0, 5000, 0);
    count_is(f->s, 0, 6);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM intervals WHERE end_s IS NULL"), 0);

    /* and a change after that starts afresh */
    sw_store_state_change(f->s, SW_OBJ_CHECK, "b", 1500, SW_OK);
    assert_int_equal(sw_store_flush(f->s), 0);
    expect_history(f->s, SW_OBJ_CHECK, "b", 0, 5000, 2, I(100, 1000, SW_OK), I(1500, 0, SW_OK));
}

static void test_history_edges(void **state)
{
    struct fx *f = *state;
    const char *p = "x/y/z";

    f->s = open_ok(f);
    sw_store_state_change(f->s, SW_OBJ_CHECK, p, 100, SW_OK);
    sw_store_state_change(f->s, SW_OBJ_CHECK, p, 200, SW_CRITICAL);
    sw_store_state_change(f->s, SW_OBJ_CHECK, p, 300, SW_OK);
    assert_int_equal(sw_store_flush(f->s), 0);

    expect_history(f->s, SW_OBJ_CHECK, p, 0, 100, 0);
    expect_history(f->s, SW_OBJ_CHECK, p, 0, 101, 1, I(100, 200, SW_OK));
    expect_history(f->s, SW_OBJ_CHECK, p, 199, 200, 1, I(100, 200, SW_OK));
    expect_history(f->s, SW_OBJ_CHECK, p, 200, 300, 1, I(200, 300, SW_CRITICAL));
    expect_history(f->s, SW_OBJ_CHECK, p, 199, 201, 2, I(100, 200, SW_OK),
                   I(200, 300, SW_CRITICAL));
    expect_history(f->s, SW_OBJ_CHECK, p, 299, 301, 2, I(200, 300, SW_CRITICAL), I(300, 0, SW_OK));
    expect_history(f->s, SW_OBJ_CHECK, p, 300, 301, 1, I(300, 0, SW_OK));
    expect_history(f->s, SW_OBJ_CHECK, p, 100000, 200000, 1, I(300, 0, SW_OK));
    expect_history(f->s, SW_OBJ_CHECK, p, 0, 100000, 3, I(100, 200, SW_OK),
                   I(200, 300, SW_CRITICAL), I(300, 0, SW_OK));
    expect_history(f->s, SW_OBJ_CHECK, p, 250, 250, 0);
    expect_history(f->s, SW_OBJ_CHECK, p, 400, 100, 0);
    expect_history(f->s, SW_OBJ_SERVICE, p, 0, 100000, 0);
    expect_history(f->s, SW_OBJ_CHECK, "x/y", 0, 100000, 0);
}

static void snap_fill(struct sw_check_snapshot *c, const char *path, int k)
{
    memset(c, 0, sizeof(*c));
    c->path = (char *)path;
    c->state = (enum sw_state)(k % 4);
    c->hard_state = (enum sw_state)((k + 1) % 4);
    c->hard = k % 2;
    c->has_state = true;
    c->attempt = 2 + k;
    c->since = 1790000000 + k;
    c->last_check_ms = 1790000000123LL + k;
    c->last_change_ms = 1790000000456LL + k;
    c->output = k == 1 ? NULL : "CRITICAL - connection refused";
    c->perfdata = k == 1 ? "rta=1.5ms;100;500;0" : NULL;
    c->flapping = k % 2 == 0;
    c->flap_history = 0xfffff000u + (uint32_t)k; /* top bit set: must survive as unsigned */
    c->flap_count = 21 - k;
    c->flap_last = (enum sw_state)((k + 2) % 4);
}

static void snap_equal(const struct sw_check_snapshot *a, const struct sw_check_snapshot *b)
{
    assert_string_equal(a->path, b->path);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->hard_state, b->hard_state);
    assert_int_equal(a->hard, b->hard);
    assert_int_equal(a->has_state, b->has_state);
    assert_int_equal(a->attempt, b->attempt);
    assert_int_equal(a->since, b->since);
    assert_int_equal(a->last_check_ms, b->last_check_ms);
    assert_int_equal(a->last_change_ms, b->last_change_ms);
    if (a->output || b->output) {
        assert_non_null(a->output);
        assert_non_null(b->output);
        assert_string_equal(a->output, b->output);
    }
    if (a->perfdata || b->perfdata) {
        assert_non_null(a->perfdata);
        assert_non_null(b->perfdata);
        assert_string_equal(a->perfdata, b->perfdata);
    }
    assert_int_equal(a->flapping, b->flapping);
    assert_int_equal(a->flap_history, b->flap_history);
    assert_int_equal(a->flap_count, b->flap_count);
    assert_int_equal(a->flap_last, b->flap_last);
}

static void test_check_state(void **state)
{
    struct fx *f = *state;
    struct sw_check_snapshot a, b, *v = NULL;
    size_t n = 99;

    f->s = open_ok(f);
    assert_int_equal(sw_store_load_states(f->s, &v, &n), 0);
    assert_int_equal(n, 0);
    sw_check_snapshots_free(v, n);

    snap_fill(&a, "acme/a", 1);
    snap_fill(&b, "acme/b", 2);
    sw_store_save_state(f->s, &b);
    sw_store_save_state(f->s, &a);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(sw_store_load_states(f->s, &v, &n), 0);
    assert_int_equal(n, 2);
    snap_equal(&v[0], &a);
    snap_equal(&v[1], &b);
    assert_null(v[0].output);
    assert_null(v[1].perfdata);
    sw_check_snapshots_free(v, n);

    /* an update replaces the row */
    snap_fill(&a, "acme/a", 3);
    a.has_state = false;
    sw_store_save_state(f->s, &a);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(sw_store_load_states(f->s, &v, &n), 0);
    assert_int_equal(n, 2);
    snap_equal(&v[0], &a);
    snap_equal(&v[1], &b);
    sw_check_snapshots_free(v, n);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM check_state"), 2);

    /* an older snapshot (a node handing the check over, saving late) does not replace a
     * newer one; an equal time does (a save of the same result with its latest output) */
    {
        struct sw_check_snapshot old;
        snap_fill(&old, "acme/a", 0); /* last_check_ms 3 ms before the stored a's */
        sw_store_save_state(f->s, &old);
        assert_int_equal(sw_store_flush(f->s), 0);
        assert_int_equal(sw_store_load_states(f->s, &v, &n), 0);
        assert_int_equal(n, 2);
        snap_equal(&v[0], &a);
        sw_check_snapshots_free(v, n);
        a.attempt = 9;
        sw_store_save_state(f->s, &a); /* the same last_check_ms as stored */
        assert_int_equal(sw_store_flush(f->s), 0);
        assert_int_equal(sw_store_load_states(f->s, &v, &n), 0);
        assert_int_equal(v[0].attempt, 9);
        sw_check_snapshots_free(v, n);
    }
}

static void test_last_alive(void **state)
{
    struct fx *f = *state;
    int64_t t = -1;

    f->s = open_ok(f);
    assert_int_equal(sw_store_last_alive(f->s, &t), 0);
    assert_int_equal(t, 0);
    sw_store_mark_alive(f->s, 1790000000);
    sw_store_mark_alive(f->s, 1790000060);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(sw_store_last_alive(f->s, &t), 0);
    assert_int_equal(t, 1790000060);
}

static void test_prune(void **state)
{
    struct fx *f = *state;
    struct sw_store_result *v = NULL;
    size_t n = 0;

    f->s = open_ok(f);
    add_result(f->s, "p", 1000, SW_OK, "a", NULL);
    add_result(f->s, "p", 1999, SW_OK, "b", NULL);
    add_result(f->s, "p", 2000, SW_OK, "c", NULL);
    add_result(f->s, "q", 3000, SW_OK, "d", NULL);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "p", 1, SW_OK);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "p", 2, SW_WARNING);
    sw_store_prune_results(f->s, 2000);
    assert_int_equal(sw_store_flush(f->s), 0);
    count_is(f->s, 2, 2);
    assert_int_equal(sw_store_results(f->s, "p", 0, 10000, 10, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].t_ms, 2000);
    sw_store_results_free(v, n);
}

struct sync_probe {
    struct sw_store *s;
    int fired;
    int status;
    int64_t results_seen;
};

static void sync_cb(void *arg, int status)
{
    struct sync_probe *p = arg;
    int64_t iv;

    p->fired++;
    p->status = status;
    /* A read from inside the callback sees the commit. (No cmocka asserts here: this runs
     * on the writer thread.) */
    if (sw_store_count(p->s, &p->results_seen, &iv) < 0) {
        p->results_seen = -1;
    }
}

static void test_sync(void **state)
{
    struct fx *f = *state;
    struct sync_probe p = {.status = 99};
    struct sw_store_stats st;
    int64_t before = 0;

    f->s = open_ok(f);
    p.s = f->s;
    add_result(f->s, "s", 1, SW_OK, "x", NULL);
    add_result(f->s, "s", 2, SW_OK, "y", NULL);
    sw_store_sync(f->s, sync_cb, &p);
    assert_int_equal(sw_store_flush(f->s), 0); /* the sync before it has fired by now */
    assert_int_equal(p.fired, 1);
    assert_int_equal(p.status, 0);
    assert_int_equal(p.results_seen, 2);
    count_is(f->s, 2, 0);

    /* a sync with nothing queued fires too */
    sw_store_sync(f->s, sync_cb, &p);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(p.fired, 2);
    assert_int_equal(p.status, 0);

    for (int i = 0; i < 100; i++) {
        add_result(f->s, "s", 10 + i, SW_OK, "z", NULL);
    }
    assert_true(sw_store_queue_len(f->s) <= 100);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(sw_store_queue_len(f->s), 0);
    count_is(f->s, 102, 0);
    assert_int_equal(sw_store_count(f->s, &before, &(int64_t){0}), 0);
    assert_int_equal(before, 102);

    sw_store_stats(f->s, &st);
    assert_int_equal(st.rows, 102);
    assert_int_equal(st.failures, 0);
    assert_int_equal(st.dropped, 0);
    assert_true(st.commit_s.count >= 2 && st.commit_s.count <= 102);
    assert_int_equal(st.commit_s.n, 12);
    assert_true(st.commit_s.bounds[0] == 0.0005);
    assert_true(st.commit_s.bounds[11] == 2.5);
}

struct writer_arg {
    struct sw_store *s;
    int id;
    int n;
};

static void *writer_thread(void *arg)
{
    struct writer_arg *w = arg;
    char path[32];

    snprintf(path, sizeof(path), "thread/%d", w->id);
    for (int i = 0; i < w->n; i++) {
        add_result(w->s, path, i, (enum sw_state)(i % 4), "from a thread", NULL);
        if (i % 100 == 0) {
            sw_store_state_change(w->s, SW_OBJ_CHECK, path, i + 1, (enum sw_state)(i / 100 % 2));
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    struct fx *f = *state;
    struct writer_arg w[4];
    pthread_t t[4];

    f->s = open_ok(f);
    for (int i = 0; i < 4; i++) {
        w[i] = (struct writer_arg){.s = f->s, .id = i, .n = 2500};
        assert_int_equal(pthread_create(&t[i], NULL, writer_thread, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
    assert_int_equal(sw_store_flush(f->s), 0);
    count_is(f->s, 10000, 4 * 25);
    for (int i = 0; i < 4; i++) {
        struct sw_store_result *v = NULL;
        size_t n = 0;
        char path[32];
        snprintf(path, sizeof(path), "thread/%d", i);
        assert_int_equal(sw_store_results(f->s, path, 0, 1000000, 100000, &v, &n), 0);
        assert_int_equal(n, 2500);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(v[k].t_ms, 2499 - (int64_t)k);
        }
        sw_store_results_free(v, n);
    }
}

struct reader_arg {
    struct sw_store *s;
    volatile int stop;
    int rounds;
    int bad;
};

/* Each read must show a prefix of the writes: results 0..n-1, intervals 1..m contiguous. */
static void *reader_thread(void *arg)
{
    struct reader_arg *ra = arg;

    while (!__atomic_load_n(&ra->stop, __ATOMIC_ACQUIRE) || ra->rounds < 3) {
        struct sw_store_result *v = NULL;
        struct sw_interval *iv = NULL;
        size_t n = 0, m = 0;

        if (sw_store_results(ra->s, "rw", 0, 1000000, 100000, &v, &n) < 0) {
            ra->bad++;
        }
        for (size_t k = 0; k < n; k++) {
            if (v[k].t_ms != (int64_t)(n - 1 - k)) {
                ra->bad++;
            }
        }
        sw_store_results_free(v, n);
        if (sw_store_history(ra->s, SW_OBJ_CHECK, "rw", 0, 1000000, &iv, &m) < 0) {
            ra->bad++;
        }
        for (size_t k = 0; k < m; k++) {
            bool last = k + 1 == m;
            if (iv[k].start != (int64_t)k + 1 || iv[k].state != (enum sw_state)(k % 2) ||
                iv[k].end != (last ? 0 : (int64_t)k + 2)) {
                ra->bad++;
            }
        }
        free(iv);
        ra->rounds++;
    }
    return NULL;
}

static void test_reader_while_writing(void **state)
{
    struct fx *f = *state;
    struct reader_arg ra = {0};
    pthread_t t;

    f->s = open_ok(f);
    ra.s = f->s;
    assert_int_equal(pthread_create(&t, NULL, reader_thread, &ra), 0);
    for (int i = 0; i < 3000; i++) {
        add_result(f->s, "rw", i, SW_OK, "r", NULL);
        sw_store_state_change(f->s, SW_OBJ_CHECK, "rw", i + 1, (enum sw_state)(i % 2));
        if (i % 500 == 499) {
            assert_int_equal(sw_store_flush(f->s), 0);
        }
    }
    assert_int_equal(sw_store_flush(f->s), 0);
    __atomic_store_n(&ra.stop, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    assert_int_equal(ra.bad, 0);
    assert_true(ra.rounds >= 3);
    count_is(f->s, 3000, 3000);
}

static void expect_refused(const char *uri, int code, const char *msg)
{
    struct sw_store *s = (struct sw_store *)&s; /* sentinel: must stay untouched */
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_store_open(uri, &err, &s), code);
    assert_ptr_equal(s, (struct sw_store *)&s);
    assert_non_null(err.data);
    if (!strstr(err.data, msg)) {
        fail_msg("open \"%s\": error \"%s\" lacks \"%s\"", uri, err.data, msg);
    }
    sw_buf_release(&err);
    /* and no crash without an err buffer */
    assert_int_equal(sw_store_open(uri, NULL, &s), code);
}

static void test_refused(void **state)
{
    struct fx *f = *state;
    char p[256];
    FILE *fp;

    /* PostgreSQL URIs: test_pg_unreachable */
    TESTDB_SQLITE_ONLY();
    expect_refused("mysql://localhost/x", -EINVAL, "unknown database URI scheme \"mysql\"");
    expect_refused("", -EINVAL, "empty database URI");
    expect_refused("sqlite:", -EINVAL, "empty database path");
    expect_refused(":memory:", -EINVAL, "not a database file path");
    snprintf(p, sizeof(p), "%s/no-such-dir/sub/test.db", f->db.dir);
    expect_refused(p, -EIO, "unable to open database file");
    expect_refused(p, -EIO, p);

    /* a file that is not a database */
    snprintf(p, sizeof(p), "%s/garbage.db", f->db.dir);
    fp = fopen(p, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++) {
        fputs("this is not an SQLite database at all\n", fp);
    }
    fclose(fp);
    expect_refused(p, -EIO, "file is not a database");
}

static void test_newer_schema(void **state)
{
    struct fx *f = *state;
    int v = testdb_version(&f->db);
    char msg[96];

    f->s = open_ok(f);
    sw_store_free(f->s);
    f->s = NULL;
    testdb_exec(&f->db, "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 1)");
    snprintf(msg, sizeof(msg),
             "database schema version 999 is newer than this stackward supports (%d)", v);
    expect_refused(f->db.uri, -EIO, msg);
    /* refusing changed nothing */
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM schema_migrations"), v + 1);
}

/* Derived checks: put creates, retire keeps the row, put again brings it back with its
 * first creation time. */
static void test_derived_rows(void **state)
{
    struct fx *f = *state;
    struct sw_derived_row in[2] = {
        {.path = "acme/fra1/compute/public-RegionOne",
         .parent = "acme/fra1/identity/ks",
         .freshness_ms = 130000},
        {.path = "acme/fra1/image/public-RegionOne",
         .parent = "acme/fra1/identity/ks",
         .freshness_ms = 130000},
    };
    const char *gone[] = {"acme/fra1/image/public-RegionOne"};
    struct sw_derived_row *v = NULL;
    size_t n = 0;

    f->s = open_ok(f);
    assert_int_equal(sw_store_derived_put(f->s, in, 2, 1000), 0);
    assert_int_equal(sw_store_derived_retire(f->s, gone, 1, 2000), 0);
    assert_int_equal(sw_store_derived_list(f->s, false, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].path, "acme/fra1/compute/public-RegionOne");
    assert_string_equal(v[0].parent, "acme/fra1/identity/ks");
    assert_int_equal(v[0].freshness_ms, 130000);
    assert_int_equal(v[0].created_s, 1000);
    assert_int_equal(v[0].retired_s, 0);
    sw_derived_rows_free(v, n);
    assert_int_equal(sw_store_derived_list(f->s, true, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[1].path, "acme/fra1/image/public-RegionOne");
    assert_int_equal(v[1].retired_s, 2000);
    sw_derived_rows_free(v, n);
    /* back again, with another freshness: created_s stays, retired_s clears */
    in[1].freshness_ms = 5000;
    assert_int_equal(sw_store_derived_put(f->s, &in[1], 1, 3000), 0);
    assert_int_equal(sw_store_derived_list(f->s, false, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[1].created_s, 1000);
    assert_int_equal(v[1].retired_s, 0);
    assert_int_equal(v[1].freshness_ms, 5000);
    sw_derived_rows_free(v, n);
}

/* API tokens: found by hash while in force, names unique among those in force, revoking
 * takes effect at once and keeps the row, a name may then be given again. */
static void test_tokens(void **state)
{
    struct fx *f = *state;
    struct sw_token_row a = {.name = "alice-cli", .role = SW_ROLE_ENGINEER};
    struct sw_token_row c = {.name = "acme-portal", .role = SW_ROLE_CUSTOMER, .customer = "acme"};
    struct sw_token_row got = {0}, *v = NULL;
    enum sw_role role;
    size_t n = 0;

    memset(a.sha256, 0xa1, 32);
    memset(c.sha256, 0xc3, 32);
    f->s = open_ok(f);
    assert_int_equal(sw_store_token_add(f->s, &a, 100), 0);
    assert_int_equal(sw_store_token_add(f->s, &c, 200), 0);
    /* same name in force; same hash */
    assert_int_equal(sw_store_token_add(f->s, &a, 300), -EEXIST);
    c.name = "other";
    assert_int_equal(sw_store_token_add(f->s, &c, 300), -EEXIST);
    c.name = "acme-portal";
    /* a customer role needs its customer, other roles must not have one */
    c.customer = NULL;
    assert_int_equal(sw_store_token_add(f->s, &c, 300), -EINVAL);
    c.customer = "acme";
    a.customer = "acme";
    assert_int_equal(sw_store_token_add(f->s, &a, 300), -EINVAL);
    a.customer = NULL;

    assert_int_equal(sw_store_token_find(f->s, c.sha256, &got), 0);
    assert_string_equal(got.name, "acme-portal");
    assert_int_equal(got.role, SW_ROLE_CUSTOMER);
    assert_string_equal(got.customer, "acme");
    assert_int_equal(got.created_s, 200);
    assert_int_equal(got.revoked_s, 0);
    sw_token_row_release(&got);

    assert_int_equal(sw_store_token_revoke(f->s, "alice-cli", 400), 0);
    assert_int_equal(sw_store_token_revoke(f->s, "alice-cli", 401), -ENOENT);
    assert_int_equal(sw_store_token_find(f->s, a.sha256, &got), -ENOENT);
    /* the name again, with a new secret */
    memset(a.sha256, 0xa2, 32);
    assert_int_equal(sw_store_token_add(f->s, &a, 500), 0);
    assert_int_equal(sw_store_token_list(f->s, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].name, "alice-cli");
    assert_int_equal(v[0].revoked_s, 400);
    assert_string_equal(v[2].name, "alice-cli");
    assert_int_equal(v[2].revoked_s, 0);
    sw_token_rows_free(v, n);

    assert_string_equal(sw_role_name(SW_ROLE_VIEWER), "viewer");
    assert_int_equal(sw_role_parse("admin", &role), 0);
    assert_int_equal(role, SW_ROLE_ADMIN);
    assert_int_equal(sw_role_parse("root", &role), -EINVAL);
}

static void test_durable_across_reopen(void **state)
{
    struct fx *f = *state;
    struct sw_check_snapshot c, *v = NULL;
    struct sw_store_result *r = NULL;
    size_t n = 0;
    int64_t t = 0;

    f->s = open_ok(f);
    add_result(f->s, "d/1", 42, SW_CRITICAL, "kept", "x=1");
    snap_fill(&c, "d/1", 2);
    sw_store_save_state(f->s, &c);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "d/1", 40, SW_CRITICAL);
    sw_store_mark_alive(f->s, 77);
    sw_store_free(f->s); /* no flush: free commits what is queued */
    f->s = NULL;

    f->s = open_ok(f);
    count_is(f->s, 1, 1);
    assert_int_equal(sw_store_results(f->s, "d/1", 0, 100, 10, &r, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].state, SW_CRITICAL);
    assert_string_equal(r[0].output, "kept");
    assert_string_equal(r[0].perfdata, "x=1");
    sw_store_results_free(r, n);
    assert_int_equal(sw_store_load_states(f->s, &v, &n), 0);
    assert_int_equal(n, 1);
    snap_equal(&v[0], &c);
    sw_check_snapshots_free(v, n);
    expect_history(f->s, SW_OBJ_CHECK, "d/1", 0, 100, 1, I(40, 0, SW_CRITICAL));
    assert_int_equal(sw_store_last_alive(f->s, &t), 0);
    assert_int_equal(t, 77);
    /* the object id cache starts empty: writes after reopen find the existing object */
    add_result(f->s, "d/1", 43, SW_OK, "again", NULL);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM objects"), 1);
}

/* ---- a fake backend: fails its first fail_first commits ---- */

struct fake {
    pthread_mutex_t lock;
    int fail_first;
    int attempts;
    int64_t applied; /* ops in successful batches */
    int syncs_seen;  /* sync markers handed to the backend: must stay 0 */
};

static struct fake fake_db = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int fake_open(const char *target, const char *password, struct sw_buf *err, void **ret_ctx)
{
    (void)target;
    (void)password;
    (void)err;
    *ret_ctx = &fake_db;
    return 0;
}

static void fake_close(void *ctx)
{
    (void)ctx;
}

static int fake_apply(void *ctx, struct sw_store_op *const *ops, size_t n)
{
    struct fake *fk = ctx;
    int r = 0;

    pthread_mutex_lock(&fk->lock);
    for (size_t i = 0; i < n; i++) {
        fk->syncs_seen += ops[i]->type == SW_OP_SYNC;
    }
    fk->attempts++;
    if (fk->attempts <= fk->fail_first) {
        r = -EIO;
    } else {
        fk->applied += (int64_t)n;
    }
    pthread_mutex_unlock(&fk->lock);
    return r;
}

static int fake_count(void *ctx, int64_t *ret_results, int64_t *ret_intervals)
{
    struct fake *fk = ctx;

    pthread_mutex_lock(&fk->lock);
    *ret_results = fk->applied;
    *ret_intervals = 0;
    pthread_mutex_unlock(&fk->lock);
    return 0;
}

static const struct sw_store_backend fake_backend = {
    .name = "fake",
    .open = fake_open,
    .close = fake_close,
    .apply_batch = fake_apply,
    .count = fake_count,
};

static void test_failed_commit_retried(void **state)
{
    struct sync_probe p = {.status = 99};
    struct sw_store_stats st;
    struct sw_store *s = NULL;

    (void)state;
    fake_db.fail_first = 2;
    fake_db.attempts = 0;
    fake_db.applied = 0;
    assert_int_equal(sw_store_open_backend(&fake_backend, "", NULL, NULL, &s), 0);
    p.s = s;
    for (int i = 0; i < 10; i++) {
        add_result(s, "f", i, SW_OK, "x", NULL);
    }
    sw_store_sync(s, sync_cb, &p);
    /* Retried with back-off until it commits, exactly once; flush hears -EIO meanwhile. */
    for (int i = 0; i < 1000 && sw_store_flush(s) != 0; i++) {
    }
    /* The first attempt failed: the sync heard -EIO, once, and the data was kept. */
    assert_int_equal(p.fired, 1);
    assert_int_equal(p.status, -EIO);
    assert_int_equal(p.results_seen, 0);
    assert_int_equal(fake_db.syncs_seen, 0);
    assert_int_equal(sw_store_queue_len(s), 0);
    sw_store_stats(s, &st);
    assert_int_equal(st.failures, 2);
    assert_int_equal(st.rows, 10);
    assert_int_equal(st.commit_s.count, 1);
    assert_int_equal(fake_db.applied, 10);
    assert_int_equal(fake_db.attempts, 3);
    sw_store_free(s);
}

static void test_free_gives_up_on_failures(void **state)
{
    struct sw_store *s = NULL;

    (void)state;
    fake_db.fail_first = 1000000;
    fake_db.attempts = 0;
    fake_db.applied = 0;
    assert_int_equal(sw_store_open_backend(&fake_backend, "", NULL, NULL, &s), 0);
    add_result(s, "f", 1, SW_OK, "x", NULL);
    sw_store_free(s); /* must return after a bounded number of attempts */
    assert_true(fake_db.attempts >= 1 && fake_db.attempts <= 1000);
    assert_int_equal(fake_db.applied, 0);
}

static void test_maintenance_rows(void **state)
{
    struct fx *f = *state;
    struct sw_maint_row m = {.scope = "acme/fra1",
                             .start = 1000,
                             .end = 4600,
                             .reason = "upgrade",
                             .excluded = true,
                             .created = 900};
    struct sw_maint_row *v = NULL;
    size_t n = 0;
    int64_t id1, id2;

    f->s = open_ok(f);
    assert_int_equal(sw_store_maint_add(f->s, &m, &id1), 0);
    m.scope = "acme";
    m.start = 500;
    m.end = 700;
    m.reason = NULL;
    m.excluded = false;
    assert_int_equal(sw_store_maint_add(f->s, &m, &id2), 0);
    assert_int_not_equal(id1, id2);
    m.end = 500;
    assert_int_equal(sw_store_maint_add(f->s, &m, &id2), -EINVAL);
    assert_int_equal(sw_store_maint_list(f->s, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].scope, "acme"); /* oldest start first */
    assert_int_equal(v[0].start, 500);
    assert_int_equal(v[0].end, 700);
    assert_null(v[0].reason);
    assert_false(v[0].excluded);
    assert_string_equal(v[1].scope, "acme/fra1");
    assert_string_equal(v[1].reason, "upgrade");
    assert_true(v[1].excluded);
    assert_int_equal(v[1].created, 900);
    assert_int_equal(v[1].id, id1);
    sw_maint_rows_free(v, n);
    assert_int_equal(sw_store_maint_remove(f->s, id1), 0);
    assert_int_equal(sw_store_maint_remove(f->s, id1), -ENOENT);
    assert_int_equal(sw_store_maint_list(f->s, &v, &n), 0);
    assert_int_equal(n, 1);
    sw_maint_rows_free(v, n);
}

static void test_alert_rows(void **state)
{
    struct fx *f = *state;
    struct sw_alert_row a[2] = {
        {.service = "acme/fra1/identity",
         .page = true,
         .long_s = 3600,
         .short_s = 300,
         .factor_milli = 14400,
         .burn_long = 30,
         .burn_short = 50,
         .exhaustion_s = 86400,
         .since = 1234},
        {.service = "acme/fra1/compute",
         .page = false,
         .long_s = 86400,
         .short_s = 7200,
         .factor_milli = 3000,
         .no_data = true},
    };
    struct sw_alert_row *v = NULL;
    size_t n = 0;

    f->s = open_ok(f);
    assert_int_equal(sw_store_alerts_replace(f->s, a, 2), 0);
    assert_int_equal(sw_store_alerts_list(f->s, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].service, "acme/fra1/compute");
    assert_true(v[0].no_data);
    assert_string_equal(v[1].service, "acme/fra1/identity");
    assert_true(v[1].page);
    assert_int_equal(v[1].factor_milli, 14400);
    assert_true(v[1].burn_long == 30.0 && v[1].burn_short == 50.0);
    assert_int_equal(v[1].exhaustion_s, 86400);
    assert_int_equal(v[1].since, 1234);
    sw_alert_rows_free(v, n);
    assert_int_equal(sw_store_alerts_replace(f->s, a, 1), 0);
    assert_int_equal(sw_store_alerts_list(f->s, &v, &n), 0);
    assert_int_equal(n, 1);
    sw_alert_rows_free(v, n);
}

static void test_first_seen(void **state)
{
    struct fx *f = *state;
    int64_t t = -1;

    f->s = open_ok(f);
    assert_int_equal(sw_store_first_seen(f->s, SW_OBJ_SERVICE, "a/b/c", &t), 0);
    assert_int_equal(t, 0);
    sw_store_state_change(f->s, SW_OBJ_SERVICE, "a/b/c", 5000, SW_OK);
    sw_store_state_change(f->s, SW_OBJ_SERVICE, "a/b/c", 6000, SW_CRITICAL);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "a/b/c", 100, SW_CRITICAL);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(sw_store_first_seen(f->s, SW_OBJ_SERVICE, "a/b/c", &t), 0);
    assert_int_equal(t, 5000);
}

/* ---- PostgreSQL: what only a server can do ---- */

/* Like expect_refused(), with options, and a string the message must not hold (a secret). */
static void expect_refused_with(const char *uri, const struct sw_store_options *o, int code,
                                const char *msg, const char *secret)
{
    struct sw_store *s = (struct sw_store *)&s; /* sentinel: must stay untouched */
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_store_open_with(uri, o, &err, &s), code);
    assert_ptr_equal(s, (struct sw_store *)&s);
    assert_non_null(err.data);
    if (!strstr(err.data, msg)) {
        fail_msg("open: error \"%s\" lacks \"%s\"", err.data, msg);
    }
    if (secret && strstr(err.data, secret)) {
        fail_msg("open: error \"%s\" shows the password", err.data);
    }
    sw_buf_release(&err);
    assert_int_equal(sw_store_open_with(uri, o, NULL, &s), code);
    assert_ptr_equal(s, (struct sw_store *)&s);
}

/* A loopback port nobody listens on. */
static int closed_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd != -1);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* A PostgreSQL server that is down (no server needed: both runs): -EIO at once, the message
 * names the host, never the password (in the URI or in the options). Both URI schemes choose
 * PostgreSQL. */
static void test_pg_unreachable(void **state)
{
    const struct sw_store_options o = {.password = "opt-Secret-7f3a"};
    char uri[256];
    int port;

    (void)state;
    port = closed_port();
    snprintf(uri, sizeof(uri), "postgresql://stackward:uri-Secret-91bd@127.0.0.1:%d/stackward",
             port);
    expect_refused_with(uri, NULL, -EIO, "127.0.0.1", "uri-Secret-91bd");
    snprintf(uri, sizeof(uri), "postgres://stackward@127.0.0.1:%d/stackward?sslmode=disable", port);
    expect_refused_with(uri, &o, -EIO, "127.0.0.1", "opt-Secret-7f3a");
}

/* The URI of the test's schema for another user (SW_TEST_PG's host, port and database). */
static char *uri_for_user(struct fx *f, const char *user)
{
    PQconninfoOption *opts = PQconninfoParse(getenv("SW_TEST_PG"), NULL);
    const char *host = "127.0.0.1", *port = "5432", *dbname = "stackward";
    char *uri;

    assert_non_null(opts);
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val && strcmp(o->keyword, "host") == 0) {
            host = o->val;
        } else if (o->val && strcmp(o->keyword, "port") == 0) {
            port = o->val;
        } else if (o->val && strcmp(o->keyword, "dbname") == 0) {
            dbname = o->val;
        }
    }
    uri = sw_xasprintf("postgresql://%s@%s:%s/%s?options=-csearch_path%%3D%s", user, host, port,
                       dbname, f->db.schema);
    PQconninfoFree(opts);
    return uri;
}

/* A password given in struct sw_store_options is the one used, by the writer and by the
 * synchronous calls, even with characters a URI would have to escape. The server must ask
 * for it: tests/pgtmp.sh makes members of sw_password_auth log in with scram-sha-256. */
static void test_pg_password(void **state)
{
    static const char good[] = "p@ss w:rd/?&='x";
    struct fx *f = *state;
    struct sw_store_options o = {.password = good};
    struct sw_maint_row m = {.scope = "acme", .start = 1, .end = 2, .created = 1};
    struct sw_store_result *v = NULL;
    struct sw_buf err;
    char role[96], sql[256];
    char *uri;
    int64_t id = 0;
    size_t n = 0;
    int r;

    TESTDB_PG_ONLY();
    if (testdb_int(&f->db, "SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' AND "
                           "'+sw_password_auth' = ANY(user_name) AND "
                           "auth_method = 'scram-sha-256'") == 0) {
        print_message("no scram-sha-256 rule for +sw_password_auth in pg_hba.conf "
                      "(tests/pgtmp.sh makes one)\n");
        skip();
    }
    snprintf(role, sizeof(role), "%s_pw", f->db.schema);
    snprintf(sql, sizeof(sql),
             "CREATE ROLE %s LOGIN SUPERUSER PASSWORD 'p@ss w:rd/?&=''x' IN ROLE "
             "sw_password_auth",
             role);
    testdb_exec(&f->db, sql);
    uri = uri_for_user(f, role);

    /* the wrong password, none at all: refused, and the message never shows it */
    o.password = "wrong-Secret-e5c1";
    expect_refused_with(uri, &o, -EIO, "127.0.0.1", "wrong-Secret-e5c1");
    expect_refused_with(uri, NULL, -EIO, "127.0.0.1", NULL);

    o.password = good;
    sw_buf_init(&err);
    r = sw_store_open_with(uri, &o, &err, &f->s);
    if (r < 0) {
        fail_msg("open as %s with the password: %d %s", role, r, err.data ? err.data : "");
    }
    sw_buf_release(&err);
    assert_string_equal(sw_store_backend_name(f->s), "postgresql");
    add_result(f->s, "pw/1", 1000, SW_OK, "with a password", NULL);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(sw_store_results(f->s, "pw/1", 0, 10000, 10, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].output, "with a password");
    sw_store_results_free(v, n);
    assert_int_equal(sw_store_maint_add(f->s, &m, &id), 0);
    assert_true(id > 0);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM results"), 1);
    sw_store_free(f->s);
    f->s = NULL;

    snprintf(sql, sizeof(sql), "DROP OWNED BY %s; DROP ROLE %s", role, role);
    testdb_exec(&f->db, sql);
    free(uri);
}

/* The writer survives a restart of the server: what is written after it commits at the first
 * flush, and the reads work again too. */
static void test_pg_restart(void **state)
{
    struct fx *f = *state;
    struct sw_store_result *v = NULL;
    size_t n = 0;

    TESTDB_PG_ONLY();
    if (!getenv("SW_TEST_PG_DATA")) {
        print_message("SW_TEST_PG_DATA not set: the server cannot be restarted\n");
        skip();
    }
    f->s = open_ok(f);
    add_result(f->s, "pg/restart", 1000, SW_CRITICAL, "before", NULL);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "pg/restart", 1, SW_CRITICAL);
    assert_int_equal(sw_store_flush(f->s), 0);
    count_is(f->s, 1, 1);

    assert_int_equal(testdb_pg_ctl("restart"), 0);

    add_result(f->s, "pg/restart", 2000, SW_OK, "after", NULL);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "pg/restart", 2, SW_OK);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM results"), 2);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM intervals"), 2);
    /* the store's own reads, whose pooled connections died with the old server */
    assert_int_equal(sw_store_results(f->s, "pg/restart", 0, 10000, 10, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].output, "after");
    assert_string_equal(v[1].output, "before");
    sw_store_results_free(v, n);
    expect_history(f->s, SW_OBJ_CHECK, "pg/restart", 0, 100, 2, I(1, 2, SW_CRITICAL),
                   I(2, 0, SW_OK));
    count_is(f->s, 2, 2);
}

/* The server down for a while: writes are held in memory (degraded), the synchronous calls
 * fail with -EIO, and once it is back everything held is committed, once. */
static void test_pg_outage(void **state)
{
    struct fx *f = *state;
    struct sw_maint_row m = {.scope = "acme", .start = 1, .end = 2, .created = 1};
    struct sw_store_stats st;
    int64_t id = 0, results = 0, intervals = 0;
    int r = -1;

    TESTDB_PG_ONLY();
    if (!getenv("SW_TEST_PG_DATA")) {
        print_message("SW_TEST_PG_DATA not set: the server cannot be stopped\n");
        skip();
    }
    f->s = open_ok(f);
    add_result(f->s, "pg/outage", 1000, SW_OK, "before", NULL);
    assert_int_equal(sw_store_flush(f->s), 0);
    assert_false(sw_store_degraded(f->s));

    assert_int_equal(testdb_pg_ctl("stop"), 0);
    add_result(f->s, "pg/outage", 2000, SW_CRITICAL, "during", NULL);
    sw_store_state_change(f->s, SW_OBJ_CHECK, "pg/outage", 2, SW_CRITICAL);
    assert_int_equal(sw_store_flush(f->s), -EIO);
    assert_true(sw_store_degraded(f->s));
    sw_store_stats(f->s, &st);
    assert_true(st.degraded);
    assert_int_equal(st.buffered, 2);
    assert_true(st.failures >= 1);
    assert_int_equal(sw_store_count(f->s, &results, &intervals), -EIO);
    assert_int_equal(sw_store_maint_add(f->s, &m, &id), -EIO);

    assert_int_equal(testdb_pg_ctl("start"), 0);
    for (int i = 0; i < 100 && r != 0; i++) {
        r = sw_store_flush(f->s);
    }
    assert_int_equal(r, 0);
    assert_false(sw_store_degraded(f->s));
    sw_store_stats(f->s, &st);
    assert_int_equal(st.buffered, 0);
    assert_int_equal(st.dropped, 0);
    count_is(f->s, 2, 1);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM results"), 2);
    assert_int_equal(sw_store_maint_add(f->s, &m, &id), 0);
}

struct node_arg {
    const char *uri;
    pthread_barrier_t *go;
    struct sw_store *s;
    int r;
    char err[256];
};

static void *node_open(void *arg)
{
    struct node_arg *a = arg;
    struct sw_buf err;

    sw_buf_init(&err);
    pthread_barrier_wait(a->go);
    a->r = sw_store_open(a->uri, &err, &a->s);
    snprintf(a->err, sizeof(a->err), "%s", err.data ? err.data : "");
    sw_buf_release(&err);
    return NULL;
}

/* Two nodes start at once on one new database: both migrate it (each version applied once)
 * and both write, and each reads what the other wrote. Three times, on fresh databases. */
static void test_two_nodes(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        struct node_arg a[2];
        pthread_barrier_t go;
        pthread_t t[2];
        struct testdb db;
        int v;

        testdb_init(&db, "nodes.db");
        v = testdb_version(&db);
        assert_int_equal(pthread_barrier_init(&go, NULL, 2), 0);
        for (int i = 0; i < 2; i++) {
            a[i] = (struct node_arg){.uri = db.uri, .go = &go};
            assert_int_equal(pthread_create(&t[i], NULL, node_open, &a[i]), 0);
        }
        for (int i = 0; i < 2; i++) {
            pthread_join(t[i], NULL);
        }
        pthread_barrier_destroy(&go);
        for (int i = 0; i < 2; i++) {
            if (a[i].r != 0) {
                fail_msg("round %d, node %d: open: %d %s", round, i, a[i].r, a[i].err);
            }
        }
        assert_int_equal(testdb_int(&db, "SELECT count(*) FROM schema_migrations"), v);
        assert_int_equal(testdb_int(&db, "SELECT count(DISTINCT version) FROM schema_migrations"),
                         v);
        for (int i = 0; i < 2; i++) {
            char path[16];
            snprintf(path, sizeof(path), "node/%d", i);
            for (int k = 0; k < 50; k++) {
                add_result(a[i].s, path, k, SW_OK, "up", NULL);
            }
            sw_store_state_change(a[i].s, SW_OBJ_CHECK, path, 1, SW_OK);
        }
        assert_int_equal(sw_store_flush(a[0].s), 0);
        assert_int_equal(sw_store_flush(a[1].s), 0);
        count_is(a[0].s, 100, 2);
        count_is(a[1].s, 100, 2);
        expect_history(a[0].s, SW_OBJ_CHECK, "node/1", 0, 10, 1, I(1, 0, SW_OK));
        expect_history(a[1].s, SW_OBJ_CHECK, "node/0", 0, 10, 1, I(1, 0, SW_OK));
        assert_int_equal(testdb_int(&db, "SELECT count(*) FROM objects"), 2);
        sw_store_free(a[0].s);
        sw_store_free(a[1].s);
        testdb_release(&db);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sqlite_prefix_wal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intervals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_alive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_while_writing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_durable_across_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_derived_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maintenance_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_seen, setup, teardown),
        cmocka_unit_test(test_pg_unreachable),
        cmocka_unit_test_setup_teardown(test_pg_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_outage, setup, teardown),
        cmocka_unit_test(test_two_nodes),
        cmocka_unit_test(test_failed_commit_retried),
        cmocka_unit_test(test_free_gives_up_on_failures),
    };

    sw_log_set_level(SW_LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
