/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/cluster: the pure placement arithmetic, and, against a real PostgreSQL
 * (tests/pgtmp.sh sets SW_TEST_PG; each test gets a fresh schema from the store's testdb
 * fixture), leases shared by two nodes, the leader and its fencing term, handing everything
 * over on a clean stop, the inbox, and a second live node of the same name refused. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../store/testdb.h"
#include "cluster/cluster.h"
#include "core/core.h"
#include "store/store.h"

#define LEASE_MS 1500
#define RENEW_MS 200

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* ---- pure ---- */

static void test_fair_share(void **state)
{
    (void)state;
    assert_int_equal(sw_cluster_fair_share(64, 1), 64);
    assert_int_equal(sw_cluster_fair_share(64, 2), 32);
    assert_int_equal(sw_cluster_fair_share(64, 3), 22);
    assert_int_equal(sw_cluster_fair_share(64, 5), 13);
    assert_int_equal(sw_cluster_fair_share(64, 64), 1);
    assert_int_equal(sw_cluster_fair_share(64, 100), 1);
    assert_int_equal(sw_cluster_fair_share(64, 0), 64); /* no live node known: this one */
}

static void test_shard(void **state)
{
    unsigned count[SW_CLUSTER_SHARDS] = {0}, min = 1000000, max = 0;
    char key[64];

    (void)state;
    /* stable across releases: a check keeps its shard (FNV-1a of the key) */
    assert_int_equal(sw_cluster_shard("acme/fra1/identity/keystone"),
                     sw_cluster_shard("acme/fra1/identity/keystone"));
    assert_int_equal(sw_cluster_shard(""), (unsigned)(sw_hash64("", 0, 0x5eed) % 64));
    assert_int_equal(sw_cluster_shard("acme/fra1/web/c0"),
                     (unsigned)(sw_hash64("acme/fra1/web/c0", 16, 0x5eed) % 64));
    /* 6,400 paths spread over the 64 shards: none empty, none more than twice the mean */
    for (int i = 0; i < 6400; i++) {
        snprintf(key, sizeof(key), "cust%d/dep%d/svc%d/check%d", i % 7, i % 13, i % 31, i);
        count[sw_cluster_shard(key)]++;
    }
    for (int i = 0; i < SW_CLUSTER_SHARDS; i++) {
        min = count[i] < min ? count[i] : min;
        max = count[i] > max ? count[i] : max;
    }
    assert_true(min > 0);
    assert_true(max <= 200);
}

/* ---- against PostgreSQL ---- */

struct fx {
    struct testdb db;
};

static int setup(void **state)
{
    struct fx *f;
    struct sw_store *s;

    if (!testdb_is_pg()) {
        *state = NULL;
        return 0;
    }
    f = calloc(1, sizeof(*f));
    testdb_init(&f->db, "cluster.db");
    s = testdb_open(&f->db); /* migrates: the cluster's tables are migration 8 */
    sw_store_free(s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    if (f) {
        testdb_release(&f->db);
        free(f);
    }
    return 0;
}

struct inbox_seen {
    pthread_mutex_t mu;
    struct sw_cluster *c;
    int64_t ids[16];
    char paths[16][64];
    int states[16];
    int64_t t_ms[16];
    size_t n;
};

static void on_inbox(void *arg, const struct sw_cluster_inbox_row *v, size_t n)
{
    struct inbox_seen *in = arg;

    pthread_mutex_lock(&in->mu);
    for (size_t i = 0; i < n && in->n < 16; i++) {
        in->ids[in->n] = v[i].id;
        snprintf(in->paths[in->n], sizeof(in->paths[0]), "%s", v[i].path);
        in->states[in->n] = v[i].state;
        in->t_ms[in->n] = v[i].t_ms;
        in->n++;
    }
    pthread_mutex_unlock(&in->mu);
}

static struct sw_cluster *start(struct fx *f, const char *name, struct sw_cluster_hooks *h)
{
    struct sw_cluster_options o = {.uri = f->db.uri,
                                   .node = name,
                                   .listen = "127.0.0.1:1",
                                   .lease_ms = LEASE_MS,
                                   .renew_ms = RENEW_MS};
    struct sw_cluster *c = NULL;
    struct sw_buf err;

    sw_buf_init(&err);
    if (sw_cluster_start(&o, h, &err, &c) < 0) {
        fail_msg("cluster start %s: %s", name, err.data ? err.data : "");
    }
    sw_buf_release(&err);
    return c;
}

static int shards_of(struct sw_cluster *c)
{
    struct sw_cluster_view v;

    sw_cluster_view(c, &v);
    return __builtin_popcountll(v.shards);
}

static bool wait_shards(struct sw_cluster *a, int na, struct sw_cluster *b, int nb)
{
    for (int i = 0; i < 100; i++) {
        if (shards_of(a) == na && (!b || shards_of(b) == nb)) {
            return true;
        }
        sleep_ms(50);
    }
    return false;
}

static void test_two_nodes(void **state)
{
    struct fx *f = *state;
    struct sw_cluster *a, *b;
    struct sw_cluster_view va, vb;
    struct sw_cluster_status st;
    struct sw_buf err, json;
    char key[64];

    TESTDB_PG_ONLY();
    a = start(f, "a", NULL);
    sw_cluster_view(a, &va);
    assert_int_equal(__builtin_popcountll(va.shards), 64);
    assert_true(va.leader);
    assert_int_equal(va.term, 1);
    assert_int_equal(va.live, 1);
    assert_false(sw_cluster_peers_at_start(a));
    assert_int_equal(sw_cluster_fence(a), 0);

    b = start(f, "b", NULL);
    assert_true(sw_cluster_peers_at_start(b));
    /* the first node gives back half at its next round, the second takes them */
    assert_true(wait_shards(a, 32, b, 32));
    sw_cluster_view(a, &va);
    sw_cluster_view(b, &vb);
    assert_int_equal(va.shards & vb.shards, 0);
    assert_true((va.shards | vb.shards) == UINT64_MAX);
    assert_true(va.leader);
    assert_false(vb.leader);
    assert_int_equal(sw_cluster_fence(a), 0);
    assert_int_equal(sw_cluster_fence(b), -ESTALE);
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof(key), "acme/fra1/svc/check%d", i);
        assert_true(sw_cluster_owns(a, key) != sw_cluster_owns(b, key));
    }

    sw_buf_init(&err);
    assert_int_equal(sw_cluster_read_status(f->db.uri, NULL, LEASE_MS, &st, &err), 0);
    assert_int_equal(st.n_nodes, 2);
    assert_string_equal(st.nodes[0].name, "a");
    assert_string_equal(st.nodes[1].name, "b");
    assert_true(st.nodes[0].live && st.nodes[1].live);
    assert_true(st.nodes[0].leader);
    assert_false(st.nodes[1].leader);
    assert_int_equal(st.nodes[0].shards + st.nodes[1].shards, 64);
    assert_string_equal(st.leader, "a");
    assert_int_equal(st.term, 1);
    assert_int_equal(st.shards_free, 0);
    assert_int_equal(st.inbox, 0);
    sw_buf_init(&json);
    sw_cluster_status_json(&st, &json);
    assert_non_null(strstr(json.data, "\"leader\":\"a\",\"term\":1,"));
    assert_non_null(strstr(json.data, "\"shards\":64,\"shards_free\":0,\"inbox\":0,"));
    sw_buf_release(&json);
    sw_cluster_status_release(&st);

    /* a clean stop hands everything over at once: no waiting for the lease */
    sw_cluster_stop(a);
    assert_true(wait_shards(b, 64, NULL, 0));
    for (int i = 0; i < 100 && sw_cluster_fence(b) != 0; i++) {
        sleep_ms(50);
    }
    sw_cluster_view(b, &vb);
    assert_true(vb.leader);
    assert_int_equal(vb.term, 2);
    assert_int_equal(sw_cluster_fence(b), 0);
    assert_int_equal(sw_cluster_read_status(f->db.uri, NULL, LEASE_MS, &st, &err), 0);
    assert_int_equal(st.n_nodes, 1); /* a left the table */
    assert_string_equal(st.leader, "b");
    assert_int_equal(st.term, 2);
    sw_cluster_status_release(&st);
    sw_buf_release(&err);
    sw_cluster_stop(b);
}

static void test_inbox(void **state)
{
    struct fx *f = *state;
    struct inbox_seen in = {.mu = PTHREAD_MUTEX_INITIALIZER};
    struct sw_cluster_hooks h = {.inbox = on_inbox, .arg = &in};
    const char *paths[3] = {"acme/fra1/batch/push", "acme/fra1/batch/push", "acme/x/y/z"};
    const char *keys[3] = {"acme/fra1/batch/push", "acme/fra1/batch/push", "acme/x/y/z"};
    const char *outputs[3] = {"first \"quoted\" \\ back", NULL, "third"};
    const int states[3] = {0, 2, 3};
    const int64_t t_ms[3] = {1000, 2000, 3000};
    struct sw_cluster *c;
    bool all = false;

    TESTDB_PG_ONLY();
    c = start(f, "solo", &h);
    in.c = c;
    assert_int_equal(sw_cluster_inbox_put(c, paths, keys, states, outputs, t_ms, 3), 0);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM cluster_inbox"), 3);
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM cluster_inbox WHERE output = "
                                        "'first \"quoted\" \\ back' AND state = 0"),
                     1);
    assert_int_equal(
        testdb_int(&f->db,
                   "SELECT count(*) FROM cluster_inbox WHERE output IS NULL AND t_ms = 2000"),
        1);
    for (int i = 0; i < 100 && !all; i++) {
        pthread_mutex_lock(&in.mu);
        all = in.n == 3;
        pthread_mutex_unlock(&in.mu);
        sleep_ms(20);
    }
    assert_true(all);
    /* in the order they were put */
    assert_string_equal(in.paths[0], "acme/fra1/batch/push");
    assert_int_equal(in.states[1], 2);
    assert_int_equal(in.t_ms[2], 3000);
    /* applied ones leave the inbox; one not applied stays and is handed out again */
    sw_cluster_inbox_done(c, in.ids[0], true);
    sw_cluster_inbox_done(c, in.ids[1], true);
    pthread_mutex_lock(&in.mu);
    in.n = 0;
    pthread_mutex_unlock(&in.mu);
    sw_cluster_inbox_done(c, in.ids[2], false);
    all = false;
    for (int i = 0; i < 100 && !all; i++) {
        pthread_mutex_lock(&in.mu);
        all = in.n >= 1;
        pthread_mutex_unlock(&in.mu);
        sleep_ms(20);
    }
    assert_true(all);
    assert_string_equal(in.paths[0], "acme/x/y/z");
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM cluster_inbox"), 1);
    sw_cluster_inbox_done(c, in.ids[0], true);
    for (int i = 0; i < 100 && testdb_int(&f->db, "SELECT count(*) FROM cluster_inbox"); i++) {
        sleep_ms(20);
    }
    assert_int_equal(testdb_int(&f->db, "SELECT count(*) FROM cluster_inbox"), 0);
    sw_cluster_stop(c);
}

static void test_name_taken(void **state)
{
    struct fx *f = *state;
    struct sw_cluster_options o = {.node = "dup", .lease_ms = LEASE_MS, .renew_ms = RENEW_MS};
    struct sw_cluster *a;
    int status = 0;
    pid_t pid;

    TESTDB_PG_ONLY();
    o.uri = f->db.uri;
    a = start(f, "dup", NULL);
    /* another process (another pid) asking for the same name while a renews it */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sw_cluster *b = NULL;
        struct sw_buf err;
        int r;
        sw_buf_init(&err);
        r = sw_cluster_start(&o, NULL, &err, &b);
        _exit(r == -EEXIST && !b &&
                      strcmp(err.data, "a live node is already named 'dup' (use --node NAME)") == 0
                  ? 0
                  : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    sw_cluster_stop(a);
}

static void test_unreachable(void **state)
{
    struct sw_cluster_options o = {
        .uri = "postgresql://nobody@127.0.0.1:1/none", .password = "s3cret", .node = "x"};
    struct sw_cluster *c = NULL;
    struct sw_cluster_status st;
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    assert_int_equal(sw_cluster_start(&o, NULL, &err, &c), -EIO);
    assert_null(c);
    assert_true(sw_str_has_prefix(err.data, "cannot reach the database: "));
    assert_null(strstr(err.data, "s3cret"));
    sw_buf_reset(&err);
    assert_int_equal(sw_cluster_read_status(o.uri, o.password, 0, &st, &err), -EIO);
    assert_true(sw_str_has_prefix(err.data, "cannot reach the database: "));
    sw_buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fair_share),
        cmocka_unit_test(test_shard),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test_setup_teardown(test_two_nodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_taken, setup, teardown),
    };

    sw_log_set_level(SW_LOG_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
