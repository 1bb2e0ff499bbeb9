/* SPDX-License-Identifier: Apache-2.0 */
/* probe_int.h: what probes.c shares with the probe kinds (http.c, tcp.c, exec.c); private to
 * src/probe. A run is one started probe: it sits on the list of its sw_probes until its
 * callback fired, and keeps the sw_probes alive (p->pending) until its handles are closed. */
#ifndef SW_PROBE_INT_H
#define SW_PROBE_INT_H

#include "probe/probe.h"

struct sw_run;

struct sw_run {
    struct sw_run *prev; /* on p->runs while the callback has not fired */
    struct sw_run *next;
    struct sw_probes *p;
    const struct sw_check_conf *c;
    sw_probe_done_cb cb;
    void *arg;
    enum sw_check_type type;
    bool done;        /* the callback fired */
    int64_t t_ms;     /* wall clock at start, ms */
    int64_t start_ns; /* monotonic at start, ns */
    /* Stops the run at once: reports UNKNOWN "cancelled" through sw_run_finish() and starts
     * closing its handles. */
    void (*cancel)(struct sw_run *run);
};

struct sw_http;
struct sw_exec;

struct sw_probes {
    uv_loop_t *loop;
    struct sw_probe_limits limits;
    int running[SW_CHECK_TYPE_COUNT];
    struct sw_run runs; /* list head of runs whose callback has not fired */
    int pending;        /* runs and handles not yet closed; p is freed when 0 and freeing */
    bool freeing;
    struct sw_http *http;
    struct sw_exec *exec;
};

/* Links run into p and starts its clock. */
void sw_run_begin(struct sw_probes *p, struct sw_run *run, const struct sw_check_conf *c,
                  sw_probe_done_cb cb, void *arg);
/* Fires the callback once with result r (its strings are released afterwards), unlinks the
 * run. The run's memory stays the kind's to free. */
void sw_run_finish(struct sw_run *run, struct sw_probe_result *r);
/* Reports with a state and a formatted one-line output. */
void sw_run_finishf(struct sw_run *run, enum sw_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Latency of the run so far, us. */
int64_t sw_run_elapsed_us(const struct sw_run *run);
/* Called when something counted in p->pending is gone; frees p when it was the last. */
void sw_probes_unpend(struct sw_probes *p);

/* Appends the latency perfdata item "time=0.001200s;W;C;0" (W, C from the conf, in s). */
void sw_perf_time(struct sw_buf *b, int64_t us, const struct sw_check_conf *c);
/* Latency state from warn_latency_ms / crit_latency_ms; appends the reason to out. */
enum sw_state sw_latency_state(int64_t us, const struct sw_check_conf *c, struct sw_buf *out);
/* The worse of two states (OK < WARNING < UNKNOWN < CRITICAL). */
enum sw_state sw_state_worst(enum sw_state a, enum sw_state b);

/* Per kind: set up and tear down (http and exec hold state in p), start one run. */
int sw_http_init(struct sw_probes *p);
void sw_http_shutdown(struct sw_probes *p);
int sw_http_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                  void *arg);
int sw_tcp_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                 void *arg);
int sw_exec_init(struct sw_probes *p);
void sw_exec_shutdown(struct sw_probes *p);
int sw_exec_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                  void *arg);

#endif
