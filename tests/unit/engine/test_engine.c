/* SPDX-License-Identifier: Apache-2.0 */
/* test_engine.c: the engine on a real libuv loop with a real SQLite store in a temporary
 * directory: results with their own times give exact check and service intervals, soft
 * failures stay out of the history, a restart resumes state and leaves the unobserved time as
 * a gap, and a deployment's concurrency limit holds for real plugins. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "engine/engine.h"

struct env {
    char dir[64];
    char db[128];
    uv_loop_t loop;
    struct sw_config *cfg;
    struct sw_store *store;
    struct sw_engine *engine;
};

static int setup_env(struct env *v, const char *yaml)
{
    struct sw_buf err;
    int r;

    snprintf(v->dir, sizeof(v->dir), "/tmp/sw-engine.XXXXXX");
    if (!mkdtemp(v->dir)) {
        return -errno;
    }
    snprintf(v->db, sizeof(v->db), "%s/sw.db", v->dir);
    sw_buf_init(&err);
    r = sw_config_parse("test.yaml", yaml, strlen(yaml), &err, &v->cfg);
    if (r < 0) {
        fprintf(stderr, "%s", err.data ? err.data : "config error\n");
        sw_buf_release(&err);
        return r;
    }
    r = sw_store_open(v->db, &err, &v->store);
    sw_buf_release(&err);
    return r;
}

static void start_engine(struct env *v)
{
    uv_loop_init(&v->loop);
    assert_int_equal(sw_engine_new(&v->loop, v->cfg, v->store, &v->engine), 0);
    assert_int_equal(sw_engine_start(v->engine), 0);
}

static void stop_engine(struct env *v)
{
    sw_engine_stop(v->engine);
    uv_run(&v->loop, UV_RUN_DEFAULT);
    sw_engine_free(v->engine);
    v->engine = NULL;
    assert_int_equal(uv_loop_close(&v->loop), 0);
}

static void teardown_env(struct env *v)
{
    char cmd[160];

    sw_store_free(v->store);
    sw_config_unref(v->cfg);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", v->dir);
    assert_int_equal(system(cmd), 0);
}

struct done {
    volatile int fired;
    int status;
};

static void on_done(void *arg, int status, const char *message)
{
    struct done *d = arg;

    (void)message;
    d->status = status;
    __atomic_store_n(&d->fired, 1, __ATOMIC_SEQ_CST);
}

/* Submits one result and runs the loop until it is durable. */
static int submit(struct env *v, const char *path, enum sw_state st, int64_t t)
{
    struct sw_passive p = {.path = (char *)path, .state = st, .output = "x", .t_ms = t * 1000};
    struct done d = {0};

    assert_int_equal(sw_engine_submit(v->engine, &p, 1, on_done, &d), 0);
    for (int i = 0; i < 5000 && !__atomic_load_n(&d.fired, __ATOMIC_SEQ_CST); i++) {
        uv_run(&v->loop, UV_RUN_NOWAIT);
        usleep(1000);
    }
    assert_true(d.fired);
    return d.status;
}

static void expect_history(struct env *v, enum sw_object_kind kind, const char *path,
                           const struct sw_interval *want, size_t n_want, int64_t open_end)
{
    struct sw_interval *got = NULL;
    size_t n = 0;

    assert_int_equal(sw_store_history(v->store, kind, path, 0, INT64_MAX / 2, &got, &n), 0);
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].start, want[i].start);
        if (want[i].end == -1) {
            /* closed at the stop: some time at or after open_end */
            assert_true(got[i].end >= open_end);
        } else {
            assert_int_equal(got[i].end, want[i].end);
        }
        assert_int_equal(got[i].state, want[i].state);
    }
    free(got);
}

static const char two_checks[] = "customers:\n"
                                 "  - id: acme\n"
                                 "    deployments:\n"
                                 "      - id: d1\n"
                                 "        services:\n"
                                 "          - id: api\n"
                                 "            checks:\n"
                                 "              - {id: a, type: passive}\n"
                                 "              - {id: b, type: passive}\n"
                                 "              - {id: s, type: passive, max_attempts: 3}\n";

static void test_intervals_exact(void **state)
{
    struct env v = {0};
    int64_t t0 = (sw_now() - 7200) / 60 * 60;

    (void)state;
    assert_int_equal(setup_env(&v, two_checks), 0);
    start_engine(&v);
    assert_int_equal(submit(&v, "acme/d1/api/a", SW_OK, t0), 0);
    assert_int_equal(submit(&v, "acme/d1/api/b", SW_OK, t0 + 5), 0);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_OK, t0 + 6), 0);
    assert_int_equal(submit(&v, "acme/d1/api/a", SW_CRITICAL, t0 + 10), 0);
    assert_int_equal(submit(&v, "acme/d1/api/a", SW_CRITICAL, t0 + 20), 0);
    assert_int_equal(submit(&v, "acme/d1/api/a", SW_OK, t0 + 30), 0);
    /* s: soft failures (2 of 3) stay out of the history; the 3rd makes it hard */
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_WARNING, t0 + 40), 0);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_WARNING, t0 + 50), 0);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_OK, t0 + 60), 0);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_CRITICAL, t0 + 70), 0);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_CRITICAL, t0 + 80), 0);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_CRITICAL, t0 + 90), 0);
    /* out of order: refused, nothing applied */
    assert_int_equal(submit(&v, "acme/d1/api/a", SW_CRITICAL, t0 + 25), -ERANGE);
    assert_int_equal(submit(&v, "acme/d1/api/nope", SW_OK, t0 + 100), -ENOENT);
    stop_engine(&v);

    const struct sw_interval a[] = {
        {t0, t0 + 10, SW_OK}, {t0 + 10, t0 + 30, SW_CRITICAL}, {t0 + 30, -1, SW_OK}};
    expect_history(&v, SW_OBJ_CHECK, "acme/d1/api/a", a, 3, t0 + 30);
    const struct sw_interval s[] = {{t0 + 6, t0 + 90, SW_OK}, {t0 + 90, -1, SW_CRITICAL}};
    expect_history(&v, SW_OBJ_CHECK, "acme/d1/api/s", s, 2, t0 + 90);
    /* the service (all): pending checks count as UNKNOWN until they report */
    const struct sw_interval svc[] = {{t0, t0 + 6, SW_UNKNOWN},
                                      {t0 + 6, t0 + 10, SW_OK},
                                      {t0 + 10, t0 + 30, SW_CRITICAL},
                                      {t0 + 30, t0 + 90, SW_OK},
                                      {t0 + 90, -1, SW_CRITICAL}};
    expect_history(&v, SW_OBJ_SERVICE, "acme/d1/api", svc, 5, t0 + 90);
    teardown_env(&v);
}

static void test_restart_resumes(void **state)
{
    struct env v = {0};
    struct sw_status *st = NULL;
    const struct sw_check_status *c;
    struct sw_interval *iv = NULL;
    size_t n = 0;
    int64_t t0 = (sw_now() - 7200) / 60 * 60, stop1;

    (void)state;
    assert_int_equal(setup_env(&v, two_checks), 0);
    start_engine(&v);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_CRITICAL, t0), 0);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_CRITICAL, t0 + 10), 0);
    stop_engine(&v);
    stop1 = sw_now();

    /* a second life: state and attempt resume; the gap stays a gap */
    sleep(2);
    start_engine(&v);
    assert_int_equal(sw_engine_status(v.engine, &st), 0);
    c = sw_status_find_check(st, "acme/d1/api/s");
    assert_non_null(c);
    assert_true(c->st.has_state);
    assert_false(c->st.hard);
    assert_int_equal(c->st.attempt, 2);
    assert_int_equal(c->st.state, SW_CRITICAL);
    sw_status_free(st);
    assert_int_equal(submit(&v, "acme/d1/api/s", SW_CRITICAL, stop1 + 1), 0);
    stop_engine(&v);
    assert_int_equal(
        sw_store_history(v.store, SW_OBJ_CHECK, "acme/d1/api/s", 0, INT64_MAX / 2, &iv, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(iv[0].start, t0);
    assert_int_equal(iv[0].state, SW_OK);
    assert_true(iv[0].end >= stop1 - 1 && iv[0].end <= stop1);
    assert_int_equal(iv[1].start, stop1 + 1); /* hard at the 3rd attempt, after the gap */
    assert_int_equal(iv[1].state, SW_CRITICAL);
    free(iv);
    teardown_env(&v);
}

/* ---- one node of several: what it runs, what it forwards, what it mirrors ---- */

struct fake_cluster {
    const char *mine[4]; /* the keys this node runs */
    char forwarded[4][64];
    int64_t fwd_t[4];
    size_t n_forwarded;
};

static bool fake_owns(void *arg, const char *key)
{
    struct fake_cluster *fc = arg;

    for (size_t i = 0; i < 4 && fc->mine[i]; i++) {
        if (strcmp(fc->mine[i], key) == 0) {
            return true;
        }
    }
    return false;
}

static void fake_forward(void *arg, const struct sw_passive *v, const char *const *keys, size_t n,
                         sw_engine_done_cb cb, void *cb_arg)
{
    struct fake_cluster *fc = arg;

    for (size_t i = 0; i < n && fc->n_forwarded < 4; i++) {
        assert_string_equal(keys[i], v[i].path);
        snprintf(fc->forwarded[fc->n_forwarded], 64, "%s", v[i].path);
        fc->fwd_t[fc->n_forwarded++] = v[i].t_ms;
    }
    cb(cb_arg, 0, NULL);
}

static void test_cluster_node(void **state)
{
    struct env v = {0};
    struct fake_cluster fc = {.mine = {"acme/d1/api/a"}};
    struct sw_engine_cluster ec = {.owns = fake_owns, .forward = fake_forward, .arg = &fc};
    struct sw_check_snapshot snap = {0};
    struct sw_store_result *res = NULL;
    struct sw_interval *iv = NULL;
    struct sw_status *st = NULL;
    size_t n = 0;
    int64_t t0 = (sw_now() - 600) / 60 * 60;

    (void)state;
    assert_int_equal(setup_env(&v, two_checks), 0);
    uv_loop_init(&v.loop);
    assert_int_equal(sw_engine_new(&v.loop, v.cfg, v.store, &v.engine), 0);
    sw_engine_set_cluster(v.engine, &ec);
    assert_int_equal(sw_engine_start(v.engine), 0);
    assert_int_equal(sw_engine_active_checks(v.engine), 1);

    /* a result for a check another node runs is forwarded, not applied here */
    assert_int_equal(submit(&v, "acme/d1/api/a", SW_OK, t0), 0);
    assert_int_equal(submit(&v, "acme/d1/api/b", SW_CRITICAL, t0 + 1), 0);
    assert_int_equal(fc.n_forwarded, 1);
    assert_string_equal(fc.forwarded[0], "acme/d1/api/b");
    assert_int_equal(fc.fwd_t[0], (t0 + 1) * 1000);
    assert_int_equal(sw_store_flush(v.store), 0);
    assert_int_equal(sw_store_results(v.store, "acme/d1/api/b", 0, INT64_MAX / 2, 10, &res, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(sw_store_results(v.store, "acme/d1/api/a", 0, INT64_MAX / 2, 10, &res, &n), 0);
    assert_int_equal(n, 1);
    sw_store_results_free(res, n);

    /* what the other node saved is mirrored; a follower writes no service history */
    snap.path = sw_xstrdup("acme/d1/api/b");
    snap.state = snap.hard_state = SW_CRITICAL;
    snap.hard = snap.has_state = true;
    snap.attempt = 1;
    snap.since = t0 + 2;
    snap.last_check_ms = snap.last_change_ms = (t0 + 2) * 1000;
    snap.output = sw_xstrdup("from node b");
    sw_engine_cluster_update(v.engine, false, &snap, 1, NULL, 0);
    assert_int_equal(sw_engine_status(v.engine, &st), 0);
    assert_int_equal(sw_status_find_check(st, "acme/d1/api/b")->st.hard_state, SW_CRITICAL);
    assert_string_equal(sw_status_find_check(st, "acme/d1/api/b")->st.output, "from node b");
    assert_int_equal(st->services[0].state, SW_CRITICAL);
    sw_status_free(st);
    assert_int_equal(sw_store_flush(v.store), 0);
    assert_int_equal(
        sw_store_history(v.store, SW_OBJ_SERVICE, "acme/d1/api", 0, INT64_MAX / 2, &iv, &n), 0);
    assert_int_equal(n, 0);

    /* as leader it continues the services' history, from when the check changed */
    sw_engine_cluster_update(v.engine, true, &snap, 1, NULL, 0);
    assert_int_equal(sw_store_flush(v.store), 0);
    assert_int_equal(
        sw_store_history(v.store, SW_OBJ_SERVICE, "acme/d1/api", 0, INT64_MAX / 2, &iv, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(iv[0].start, t0 + 2);
    assert_int_equal(iv[0].end, 0);
    assert_int_equal(iv[0].state, SW_CRITICAL);
    free(iv);

    /* the shard of b comes here: it runs from the state saved by its previous node */
    fc.mine[1] = "acme/d1/api/b";
    sw_engine_cluster_update(v.engine, true, &snap, 1, NULL, 0);
    assert_int_equal(sw_engine_active_checks(v.engine), 2);
    assert_int_equal(submit(&v, "acme/d1/api/b", SW_OK, t0 + 1), -ERANGE); /* before its last */
    assert_int_equal(submit(&v, "acme/d1/api/b", SW_OK, t0 + 3), 0);
    assert_int_equal(fc.n_forwarded, 1);
    /* and a's goes away: stopped here, its state saved for the next node */
    fc.mine[0] = "acme/d1/api/s";
    sw_engine_cluster_update(v.engine, true, &snap, 1, NULL, 0);
    assert_int_equal(sw_engine_active_checks(v.engine), 2);
    sw_check_snapshot_release(&snap);
    stop_engine(&v);
    /* one node of several leaves its intervals open for the others */
    assert_int_equal(
        sw_store_history(v.store, SW_OBJ_CHECK, "acme/d1/api/b", 0, INT64_MAX / 2, &iv, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(iv[0].start, t0 + 3);
    assert_int_equal(iv[0].end, 0);
    assert_int_equal(iv[0].state, SW_OK);
    free(iv);
    teardown_env(&v);
}

static void stop_loop(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void test_deployment_limit(void **state)
{
    struct env v = {0};
    char yaml[2048], script[160], log[160], cmd[400];
    uv_timer_t stop;
    FILE *f;
    long long s[64], e[64];
    int n = 0;

    (void)state;
    snprintf(v.dir, sizeof(v.dir), "/tmp/sw-engine-lim.XXXXXX");
    assert_non_null(mkdtemp(v.dir));
    snprintf(script, sizeof(script), "%s/slow.sh", v.dir);
    snprintf(log, sizeof(log), "%s/runs.log", v.dir);
    f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f,
            "#!/bin/sh\ns=$(date +%%s%%N)\nsleep 0.2\necho \"$s $(date +%%s%%N)\" >> %s\n"
            "echo OK\n",
            log);
    fclose(f);
    chmod(script, 0755);
    snprintf(yaml, sizeof(yaml),
             "customers:\n"
             "  - id: acme\n"
             "    deployments:\n"
             "      - id: d1\n"
             "        max_concurrent_checks: 1\n"
             "        services:\n"
             "          - id: api\n"
             "            checks:\n"
             "              - {id: c1, type: exec, command: [%s], interval: 1s}\n"
             "              - {id: c2, type: exec, command: [%s], interval: 1s}\n"
             "              - {id: c3, type: exec, command: [%s], interval: 1s}\n",
             script, script, script);
    /* setup_env makes its own directory: reuse ours instead */
    {
        struct sw_buf err;
        sw_buf_init(&err);
        assert_int_equal(sw_config_parse("t.yaml", yaml, strlen(yaml), &err, &v.cfg), 0);
        snprintf(v.db, sizeof(v.db), "%s/sw.db", v.dir);
        assert_int_equal(sw_store_open(v.db, &err, &v.store), 0);
        sw_buf_release(&err);
    }
    start_engine(&v);
    uv_timer_init(&v.loop, &stop);
    uv_timer_start(&stop, stop_loop, 3000, 0);
    uv_run(&v.loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&stop, NULL);
    stop_engine(&v);

    f = fopen(log, "r");
    assert_non_null(f);
    while (n < 64 && fscanf(f, "%lld %lld", &s[n], &e[n]) == 2) {
        n++;
    }
    fclose(f);
    /* at most one plugin of the deployment at a time: no two runs overlap */
    assert_true(n >= 4);
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            assert_true(e[i] <= s[j] || e[j] <= s[i]);
        }
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", v.dir);
    sw_store_free(v.store);
    sw_config_unref(v.cfg);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intervals_exact),
        cmocka_unit_test(test_restart_resumes),
        cmocka_unit_test(test_deployment_limit),
        cmocka_unit_test(test_cluster_node),
    };
    sw_log_set_level(SW_LOG_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
