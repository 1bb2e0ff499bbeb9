/* SPDX-License-Identifier: Apache-2.0 */
/* probes.c: the probe machinery of probe.h: creation and teardown, dispatch by check type,
 * the list of runs in flight and their counters, and helpers every probe kind shares
 * (latency state, the time perfdata item). Loop thread only. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "probe/probe_int.h"

int sw_probes_new(uv_loop_t *loop, const struct sw_probe_limits *limits,
                  struct sw_probes **ret_probes)
{
    struct sw_probes *p;
    int r;

    if (!loop || !limits || limits->max_exec < 1 || limits->max_output < 64) {
        return -EINVAL;
    }
    p = sw_xcalloc(1, sizeof(*p));
    p->loop = loop;
    p->limits = *limits;
    p->runs.next = &p->runs;
    p->runs.prev = &p->runs;
    sw_map_init(&p->ks_cache);
    r = sw_http_init(p);
    if (r < 0) {
        free(p);
        return r;
    }
    r = sw_plain_init(p);
    if (r == 0) {
        r = sw_exec_init(p);
    }
    if (r < 0) {
        /* http holds loop handles: let them close, then p goes */
        sw_probes_free(p);
        return r;
    }
    *ret_probes = p;
    return 0;
}

void sw_probes_free(struct sw_probes *p)
{
    if (!p || p->freeing) {
        return;
    }
    p->freeing = true;
    p->pending++;        /* held until the end: nothing below may free p under our feet */
    sw_exec_shutdown(p); /* queued plugins are cancelled first: no slot opens for them */
    while (p->runs.next != &p->runs) {
        struct sw_run *run = p->runs.next;
        run->cancel(run);
        /* cancel must have unlinked the run: guard against a loop forever */
        if (p->runs.next == run) {
            abort();
        }
    }
    sw_keystone_shutdown(p);
    sw_plain_shutdown(p);
    sw_http_shutdown(p);
    sw_probes_unpend(p);
}

void sw_probes_unpend(struct sw_probes *p)
{
    p->pending--;
    if (p->freeing && p->pending == 0) {
        free(p);
    }
}

int sw_probe_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                   void *arg)
{
    if (!p || !c || !cb || p->freeing) {
        return -EINVAL;
    }
    switch (c->type) {
    case SW_CHECK_HTTP: {
        /* plain http:// to a literal address takes the lean path, the rest curl's */
        int r = sw_plain_start(p, c, cb, arg);
        return r == -EOPNOTSUPP ? sw_http_start(p, c, cb, arg) : r;
    }
    case SW_CHECK_TCP:
        return sw_tcp_start(p, c, cb, arg);
    case SW_CHECK_EXEC:
    case SW_CHECK_JUJU:
        return sw_exec_start(p, c, cb, arg);
    case SW_CHECK_KEYSTONE:
        return sw_keystone_start(p, c, cb, arg);
    case SW_CHECK_KUBERNETES:
        return sw_k8s_start(p, c, cb, arg);
    case SW_CHECK_PROMETHEUS:
        return sw_prometheus_start(p, c, cb, arg);
    case SW_CHECK_PASSIVE:
    default:
        return -EINVAL;
    }
}

int sw_probes_running(const struct sw_probes *p, enum sw_check_type t)
{
    if (!p || (int)t < 0 || (int)t >= SW_CHECK_TYPE_COUNT) {
        return 0;
    }
    return p->running[t];
}

void sw_run_begin(struct sw_probes *p, struct sw_run *run, const struct sw_check_conf *c,
                  sw_probe_done_cb cb, void *arg)
{
    run->p = p;
    run->c = c;
    run->cb = cb;
    run->arg = arg;
    run->type = c->type;
    run->done = false;
    run->t_ms = sw_now_ms();
    run->start_ns = sw_mono_ns();
    run->next = &p->runs;
    run->prev = p->runs.prev;
    p->runs.prev->next = run;
    p->runs.prev = run;
    p->running[c->type]++;
    p->pending++;
}

int64_t sw_run_elapsed_us(const struct sw_run *run)
{
    return (sw_mono_ns() - run->start_ns) / 1000;
}

void sw_run_finish(struct sw_run *run, struct sw_probe_result *r)
{
    if (run->done) {
        sw_probe_result_release(r);
        return;
    }
    run->done = true;
    run->prev->next = run->next;
    run->next->prev = run->prev;
    run->prev = NULL;
    run->next = NULL;
    run->p->running[run->type]--;
    r->t_ms = run->t_ms;
    if (!r->output) {
        r->output = sw_xstrdup("(no output)");
    }
    run->cb(run->arg, r);
    sw_probe_result_release(r);
}

void sw_run_finishf(struct sw_run *run, enum sw_state s, const char *fmt, ...)
{
    struct sw_probe_result r = {0};
    struct sw_buf b;
    va_list ap;

    sw_buf_init(&b);
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    r.state = s;
    r.latency_us = sw_run_elapsed_us(run);
    r.output = sw_buf_steal(&b);
    sw_run_finish(run, &r);
}

enum sw_state sw_state_worst(enum sw_state a, enum sw_state b)
{
    return sw_state_rank(a) >= sw_state_rank(b) ? a : b;
}

/* Seconds with six decimals from an integer count of micro (or milli) seconds, as "%.6f"
 * of the quotient prints it, without floating point (the hot path of every result). */
static void put_seconds(struct sw_buf *b, int64_t n, int64_t per_s)
{
    int64_t frac = (n % per_s) * (1000000 / per_s);

    sw_buf_printf(b, "%" PRId64 ".%06" PRId64, n / per_s, frac);
}

void sw_perf_time(struct sw_buf *b, int64_t us, const struct sw_check_conf *c)
{
    sw_buf_puts(b, "time=");
    put_seconds(b, us < 0 ? 0 : us, 1000000);
    sw_buf_puts(b, "s;");
    if (c->warn_latency_ms > 0) {
        put_seconds(b, c->warn_latency_ms, 1000);
    }
    sw_buf_puts(b, ";");
    if (c->crit_latency_ms > 0) {
        put_seconds(b, c->crit_latency_ms, 1000);
    }
    sw_buf_puts(b, ";0");
}

enum sw_state sw_latency_state(int64_t us, const struct sw_check_conf *c, struct sw_buf *out)
{
    if (c->crit_latency_ms > 0 && us >= c->crit_latency_ms * 1000) {
        sw_buf_printf(out, ", latency %" PRId64 " ms >= critical %" PRId64 " ms", us / 1000,
                      c->crit_latency_ms);
        return SW_CRITICAL;
    }
    if (c->warn_latency_ms > 0 && us >= c->warn_latency_ms * 1000) {
        sw_buf_printf(out, ", latency %" PRId64 " ms >= warning %" PRId64 " ms", us / 1000,
                      c->warn_latency_ms);
        return SW_WARNING;
    }
    return SW_OK;
}
