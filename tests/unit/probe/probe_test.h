/* SPDX-License-Identifier: Apache-2.0 */
/* probe_test.h: shared by the probe tests: a loop with a sw_probes on it, a callback that
 * keeps each result, and a run-until helper guarded by a generous hang timer. */
#ifndef SW_PROBE_TEST_H
#define SW_PROBE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe/probe.h"

struct got {
    int n; /* results received: exactly one expected */
    enum sw_state state;
    int64_t latency_us;
    int64_t t_ms;
    char *output;
    char *long_output;
    char *perfdata;
};

struct env {
    uv_loop_t loop;
    struct sw_probes *p;
    uv_timer_t guard;
    bool guard_fired;
    bool guard_closed;
};

/* The loop of the current test: a result stops it, so a UV_RUN_ONCE never blocks on. */
static uv_loop_t *test_loop;

static inline void got_done(void *arg, struct sw_probe_result *r)
{
    struct got *g = arg;

    if (test_loop) {
        uv_stop(test_loop);
    }
    g->n++;
    g->state = r->state;
    g->latency_us = r->latency_us;
    g->t_ms = r->t_ms;
    free(g->output);
    free(g->long_output);
    free(g->perfdata);
    g->output = r->output;
    g->long_output = r->long_output;
    g->perfdata = r->perfdata;
    r->output = NULL;
    r->long_output = NULL;
    r->perfdata = NULL;
}

static inline void got_release(struct got *g)
{
    free(g->output);
    free(g->long_output);
    free(g->perfdata);
    memset(g, 0, sizeof(*g));
}

static inline struct env *env_new(int max_exec, size_t max_output)
{
    struct env *e = calloc(1, sizeof(*e));
    struct sw_probe_limits lim = {.max_exec = max_exec, .max_output = max_output};

    assert_non_null(e);
    assert_int_equal(uv_loop_init(&e->loop), 0);
    assert_int_equal(sw_probes_new(&e->loop, &lim, &e->p), 0);
    test_loop = &e->loop;
    return e;
}

static inline void on_guard(uv_timer_t *t)
{
    struct env *e = t->data;
    e->guard_fired = true;
}

static inline void on_guard_closed(uv_handle_t *h)
{
    struct env *e = h->data;
    e->guard_closed = true;
}

/* Runs the loop until nothing is left on it (a result may have stopped it early). */
static inline void env_drain(uv_loop_t *loop)
{
    while (uv_run(loop, UV_RUN_DEFAULT) != 0) {
    }
}

/* Runs the loop until *counter reaches target; fails the test after guard_ms (a hang). */
static inline void env_run_until(struct env *e, const int *counter, int target, int guard_ms)
{
    e->guard_fired = false;
    uv_timer_init(&e->loop, &e->guard);
    e->guard.data = e;
    uv_timer_start(&e->guard, on_guard, (uint64_t)guard_ms, 0);
    while (*counter < target && !e->guard_fired) {
        uv_run(&e->loop, UV_RUN_ONCE);
    }
    e->guard_closed = false;
    uv_close((uv_handle_t *)&e->guard, on_guard_closed);
    while (!e->guard_closed) {
        uv_run(&e->loop, UV_RUN_NOWAIT);
    }
    assert_false(e->guard_fired);
    assert_int_equal(*counter, target);
}

static inline void env_free(struct env *e)
{
    sw_probes_free(e->p);
    env_drain(&e->loop);
    assert_int_equal(uv_loop_close(&e->loop), 0); /* every handle was closed */
    test_loop = NULL;
    free(e);
}

/* A check conf with no threshold set, as a config would default it. */
static inline void conf_init(struct sw_check_conf *c, enum sw_check_type t)
{
    memset(c, 0, sizeof(*c));
    c->type = t;
    c->id = "t";
    c->path = "test/t";
    c->timeout_ms = 5000;
    c->cert_warn_days = -1;
    c->cert_crit_days = -1;
    c->tls_verify = true;
    c->max_body = 64 * 1024;
}

static inline const char *testdir(void)
{
    const char *d = getenv("SW_PROBE_TESTDIR");
    return d ? d : "tests/unit/probe";
}

#endif
