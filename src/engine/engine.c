/* SPDX-License-Identifier: Apache-2.0 */
/* engine.c: the scheduler and the state engine on the libuv loop. Owns the run-time state of
 * every check and service, starts probes at their slots within the concurrency limits, feeds
 * each result through state.c, and queues results, states and interval changes to the store.
 * The loop thread is the only writer of state; API threads read copies under e->mu and hand
 * results in through an async queue. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#define ALIVE_EVERY_MS 1000
#define PRUNE_EVERY_MS 60000 /* small, frequent prunes keep each one cheap */
#define FUTURE_SLACK_MS 300000
#define WAIT_SCAN_MAX 256
#define TICK_MS 10          /* scheduling granularity, ms */
#define SAVE_EVERY_MS 15000 /* an unchanged active check's state is saved this often */

struct svc_rt;

struct check_rt {
    struct sw_engine *e;
    struct sw_check_conf *conf; /* in e->cfg */
    struct svc_rt *svc;
    struct sw_check_snapshot st; /* strings owned */
    uv_timer_t timer;            /* next run (active) or freshness (passive) */
    int64_t phase_ms;
    int64_t due_ms;             /* wall clock of the scheduled run */
    struct sw_config *run_cfg;  /* the config the running probe uses (a reference) */
    struct dep_rt *run_dep;     /* the deployment counted for the running probe */
    struct check_rt *wait_next; /* in e's wait queue */
    bool running;
    bool waiting;
    bool stale;
    bool interval_open; /* an interval for this check is open in the store */
    bool removed;       /* gone from the config: freed once idle */
    bool taken;         /* during a reload: kept by the new config */
    bool active;        /* this node runs it (always, without a cluster) */
    int64_t saved_ms;   /* when the state was last queued to the store */
    uint64_t saved_key; /* what of the state was saved then (see state_key()) */
};

struct svc_rt {
    struct sw_service_conf *conf;
    struct check_rt **checks;
    size_t n_checks;
    bool has_state;
    bool interval_open;
    enum sw_state state;
    int64_t since;
};

struct dep_rt {
    char *path;
    int limit;
    int running;
};

struct job {
    struct job *next;
    struct sw_passive *v;
    size_t n;
    sw_engine_done_cb cb;
    void *arg;
    bool reload;  /* a reload request instead of results */
    bool inbox;   /* taken from the cluster's inbox: unknown checks are looked for in the store */
    int pending;  /* parts still to finish: the local commit, the forward to other nodes */
    int status;   /* the first failure among them */
    char *create; /* results for missing checks create them, derived from this ("alertmanager") */
};

struct sw_engine {
    uv_loop_t *loop;
    struct sw_config *cfg;
    struct sw_store *store;
    struct sw_probes *probes;

    struct check_rt **checks; /* in cfg->checks order */
    size_t n_checks;
    struct svc_rt *svcs; /* in cfg->services order */
    size_t n_svcs;
    struct sw_map by_path; /* check path -> struct check_rt */
    struct sw_map deps;    /* deployment path -> struct dep_rt (never removed) */

    int running;
    struct check_rt *wait_head;
    struct check_rt *wait_tail;
    int waiting;

    uv_timer_t alive_timer;
    uv_timer_t prune_timer;
    uv_async_t async;
    bool started;
    bool stopping;
    bool offline; /* ingesting history: no schedule, no timers, history continues */

    pthread_mutex_t mu; /* guards state read by other threads, stats, cfg pointer */
    struct sw_engine_stats stats;

    sw_engine_listener listener;
    void *listener_arg;

    struct sw_derived *derived; /* the derived checks in use, by path (as the store has them) */
    size_t n_derived;

    struct sw_engine_cluster cluster; /* owns == NULL: one node, runs everything */
    bool leader;                      /* writes the services' intervals, prunes */
    size_t n_active;                  /* checks this node runs */

    pthread_mutex_t inbox_mu;
    struct job *inbox_head;
    struct job *inbox_tail;
    bool closed;
};

static const double lateness_bounds[] = {0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
                                         0.25,  0.5,   1,     2.5,  5,     10,   30};
static const double latency_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};

static void schedule_next(struct check_rt *rt, int64_t now_ms);
static void drain_waiting(struct sw_engine *e);

/* ---- run-time objects ---- */

static struct dep_rt *dep_get(struct sw_engine *e, const struct sw_deployment_conf *d)
{
    struct dep_rt *dep = sw_map_get(&e->deps, d->path);

    if (!dep) {
        dep = sw_xcalloc(1, sizeof(*dep));
        dep->path = sw_xstrdup(d->path);
        sw_map_put(&e->deps, dep->path, dep);
    }
    dep->limit = d->max_concurrent_checks;
    return dep;
}

static void rt_close_cb(uv_handle_t *h)
{
    struct check_rt *rt = h->data;

    rt->e->n_active -= rt->active;
    sw_check_snapshot_release(&rt->st);
    free(rt);
}

/* Frees rt once no probe holds it; its timer is closed first (libuv rule). */
static void rt_release(struct check_rt *rt)
{
    rt->removed = true;
    if (rt->running || rt->waiting) {
        return; /* on_probe_done / the wait queue finish the job */
    }
    uv_timer_stop(&rt->timer);
    uv_close((uv_handle_t *)&rt->timer, rt_close_cb);
}

static struct check_rt *rt_new(struct sw_engine *e, struct sw_check_conf *c)
{
    struct check_rt *rt = sw_xcalloc(1, sizeof(*rt));

    rt->e = e;
    rt->conf = c;
    rt->st.path = sw_xstrdup(c->path);
    rt->st.output = sw_xstrdup("");
    rt->st.state = SW_UNKNOWN;
    rt->st.hard_state = SW_UNKNOWN;
    rt->phase_ms = sw_schedule_phase(c->path, c->interval_ms);
    rt->active = !e->cluster.owns || e->cluster.owns(e->cluster.arg, sw_engine_shard_key(c));
    e->n_active += rt->active;
    uv_timer_init(e->loop, &rt->timer);
    rt->timer.data = rt;
    return rt;
}

static void take_snapshot(struct check_rt *rt, struct sw_check_snapshot *snap)
{
    char *path = rt->st.path, *out = rt->st.output, *perf = rt->st.perfdata;

    rt->st = *snap;
    rt->st.path = path;
    free(out);
    free(perf);
    rt->st.output = snap->output ? snap->output : sw_xstrdup("");
    rt->st.perfdata = snap->perfdata;
    snap->output = NULL;
    snap->perfdata = NULL;
}

/* Builds e->checks and e->svcs for cfg, reusing the run-time objects of old (path -> rt) by
 * path. Every object kept or made is marked taken, so the caller can release the old ones
 * that were not, and then clears the marks. */
static void build_runtime(struct sw_engine *e, struct sw_config *cfg, struct sw_map *old)
{
    e->n_checks = cfg->n_checks;
    e->checks = sw_xcalloc(cfg->n_checks, sizeof(*e->checks));
    sw_map_init(&e->by_path);
    for (size_t i = 0; i < cfg->n_checks; i++) {
        struct sw_check_conf *c = cfg->checks[i];
        struct check_rt *rt = old ? sw_map_get(old, c->path) : NULL;

        if (rt && !rt->removed) {
            bool same = rt->conf->fingerprint == c->fingerprint;
            rt->conf = c;
            rt->taken = true;
            rt->phase_ms = sw_schedule_phase(c->path, c->interval_ms);
            if (!same) {
                rt->due_ms = -1; /* reschedule */
            }
        } else {
            rt = rt_new(e, c);
            rt->taken = true;
            rt->due_ms = -1;
        }
        e->checks[i] = rt;
        sw_map_put(&e->by_path, rt->st.path, rt);
        dep_get(e, c->deployment);
    }
    e->n_svcs = cfg->n_services;
    e->svcs = sw_xcalloc(cfg->n_services, sizeof(*e->svcs));
    for (size_t i = 0; i < cfg->n_services; i++) {
        struct svc_rt *s = &e->svcs[i];
        s->conf = cfg->services[i];
        s->n_checks = s->conf->n_checks;
        s->checks = sw_xcalloc(s->n_checks ? s->n_checks : 1, sizeof(*s->checks));
        for (size_t j = 0; j < s->n_checks; j++) {
            s->checks[j] = sw_map_get(&e->by_path, s->conf->checks[j].path);
            s->checks[j]->svc = s;
        }
    }
}

/* ---- results ---- */

void sw_engine_set_listener(struct sw_engine *e, sw_engine_listener fn, void *arg)
{
    e->listener = fn;
    e->listener_arg = arg;
}

static void tell_listener(struct sw_engine *e, const struct svc_rt *s)
{
    struct sw_service_level lv = {
        .path = s->conf->path, .state = s->state, .since = s->since, .output = ""};

    if (!e->listener || !s->has_state) {
        return;
    }
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check_rt *c = s->checks[i];
        lv.flapping |= c->st.flapping;
        if (*lv.output == '\0' && c->st.has_state && c->st.hard_state == s->state && c->st.output) {
            lv.output = c->st.output;
        }
    }
    e->listener(e->listener_arg, &lv);
}

static void record_service(struct sw_engine *e, struct svc_rt *s, int64_t t, bool flap)
{
    enum sw_state states[64] = {0}, *v = states, st;
    bool any = false;

    if (s->n_checks > 64) {
        v = sw_xmalloc(s->n_checks * sizeof(*v));
    }
    for (size_t i = 0; i < s->n_checks; i++) {
        const struct check_rt *c = s->checks[i];
        v[i] = c->st.has_state ? c->st.hard_state : SW_UNKNOWN;
        any |= c->st.has_state;
    }
    st = sw_service_state(s->conf->aggregate, s->conf->quorum, v, s->n_checks);
    if (v != states) {
        free(v);
    }
    if (!any) {
        return;
    }
    if (s->has_state && s->state == st && s->interval_open) {
        if (flap) {
            tell_listener(e, s);
        }
        return;
    }
    pthread_mutex_lock(&e->mu);
    if (!s->has_state || s->state != st) {
        s->since = t;
    }
    s->has_state = true;
    s->state = st;
    pthread_mutex_unlock(&e->mu);
    /* with several nodes, the leader alone writes the services' history */
    if (e->leader) {
        sw_store_state_change(e->store, SW_OBJ_SERVICE, s->conf->path, t, st);
    }
    s->interval_open = true;
    tell_listener(e, s);
}

/* The part of a check's state a restart must resume exactly; the output and the time of the
 * last result may lag by up to SAVE_EVERY_MS for active checks. */
static uint64_t state_key(const struct sw_check_snapshot *st)
{
    return (uint64_t)st->state | (uint64_t)st->hard_state << 2 | (uint64_t)st->hard << 4 |
           (uint64_t)st->has_state << 5 | (uint64_t)st->flapping << 6 |
           (uint64_t)(st->flap_count & 31) << 7 | (uint64_t)(st->attempt & 0xff) << 12 |
           (uint64_t)st->flap_history << 20;
}

static void save_state(struct check_rt *rt, bool force, int64_t now_ms)
{
    uint64_t key = state_key(&rt->st);

    if (!force && key == rt->saved_key && now_ms - rt->saved_ms < SAVE_EVERY_MS) {
        return;
    }
    sw_store_save_state(rt->e->store, &rt->st);
    rt->saved_key = key;
    rt->saved_ms = now_ms;
}

/* Applies one result to rt: the one path every result takes, active or passive.
 * Takes ownership of r's strings. */
static void process(struct check_rt *rt, struct sw_probe_result *r, bool passive)
{
    struct sw_engine *e = rt->e;
    struct sw_transition tr;
    struct sw_store_result row;
    int64_t t = r->t_ms / 1000;

    pthread_mutex_lock(&e->mu);
    sw_state_apply(&rt->st, rt->conf->max_attempts, &rt->conf->flap, r->state, r->t_ms, &tr);
    free(rt->st.output);
    free(rt->st.perfdata);
    rt->st.output = r->output ? r->output : sw_xstrdup("");
    rt->st.perfdata = r->perfdata;
    r->output = NULL;
    r->perfdata = NULL;
    rt->stale = false;
    e->stats.runs[rt->conf->type]++;
    e->stats.results[r->state & 3]++;
    if (tr.hard_change) {
        e->stats.hard_changes++;
    }
    if (!passive) {
        sw_histogram_add(&e->stats.latency_s[rt->conf->type], (double)r->latency_us / 1e6);
    }
    pthread_mutex_unlock(&e->mu);

    row.path = rt->st.path;
    row.t_ms = r->t_ms;
    row.state = r->state;
    row.hard = rt->st.hard;
    row.attempt = rt->st.attempt;
    row.latency_us = r->latency_us;
    row.passive = passive;
    row.perfdata = rt->st.perfdata;
    if (r->long_output && *r->long_output) {
        row.output = sw_xasprintf("%s\n%s", rt->st.output, r->long_output);
        sw_store_add_result(e->store, &row);
        free(row.output);
    } else {
        row.output = rt->st.output;
        sw_store_add_result(e->store, &row);
    }
    /* passive results are acknowledged to their sender: their state is saved with them */
    save_state(rt, passive, r->t_ms);
    if (tr.hard_change || !rt->interval_open) {
        sw_store_state_change(e->store, SW_OBJ_CHECK, rt->st.path, t, rt->st.hard_state);
        rt->interval_open = true;
        if (tr.hard_change && !tr.first) {
            sw_info("%s: %s -> %s (hard)", rt->st.path, sw_state_name(tr.old_hard),
                    sw_state_name(rt->st.hard_state));
        }
    }
    if (tr.flap_start || tr.flap_stop) {
        sw_info("%s: %s flapping", rt->st.path, tr.flap_start ? "started" : "stopped");
    }
    if (rt->svc && (tr.hard_change || !rt->svc->interval_open || tr.flap_start || tr.flap_stop)) {
        record_service(e, rt->svc, t, tr.flap_start || tr.flap_stop);
    }
    sw_probe_result_release(r);
}

/* A service's state after a restart, from its checks' resumed states; its interval opens
 * again at the first result, since the time in between was not observed. */
static void resume_service(struct svc_rt *s)
{
    enum sw_state v[64] = {0}, *vp = s->n_checks > 64 ? sw_xmalloc(s->n_checks * sizeof(*vp)) : v;

    for (size_t j = 0; j < s->n_checks; j++) {
        const struct check_rt *c = s->checks[j];
        vp[j] = c->st.has_state ? c->st.hard_state : SW_UNKNOWN;
        s->has_state |= c->st.has_state;
        if (c->st.has_state && c->st.since > s->since) {
            s->since = c->st.since;
        }
    }
    s->state = sw_service_state(s->conf->aggregate, s->conf->quorum, vp, s->n_checks);
    if (vp != v) {
        free(vp);
    }
}

/* ---- freshness of passive checks ---- */

static void on_stale(uv_timer_t *h)
{
    struct check_rt *rt = h->data;
    struct sw_probe_result r = {0};
    char d[32];

    r.state = rt->conf->stale_state;
    r.t_ms = sw_now_ms();
    r.output = sw_xasprintf("no result within freshness %s",
                            sw_duration_format(rt->conf->freshness_ms, d));
    process(rt, &r, true);
    pthread_mutex_lock(&rt->e->mu);
    rt->stale = true;
    pthread_mutex_unlock(&rt->e->mu);
    /* once stale, one UNKNOWN result says it: no more until a result arrives */
}

static void start_freshness(struct check_rt *rt, int64_t now_ms)
{
    int64_t last = rt->st.last_check_ms ? rt->st.last_check_ms : now_ms;
    int64_t left = last + rt->conf->freshness_ms - now_ms;

    if (rt->conf->type != SW_CHECK_PASSIVE || !rt->conf->freshness_ms || rt->e->stopping ||
        rt->e->offline || !rt->active) {
        return;
    }
    if (rt->st.last_check_ms && left <= 0) {
        /* already stale at start-up: give the senders one freshness period from now */
        left = rt->conf->freshness_ms;
    }
    uv_timer_start(&rt->timer, on_stale, (uint64_t)(left > 0 ? left : 0), 0);
}

/* ---- scheduling ---- */

static bool can_run(struct sw_engine *e, struct check_rt *rt)
{
    struct dep_rt *dep = sw_map_get(&e->deps, rt->conf->deployment->path);

    if (e->running >= e->cfg->max_concurrent_checks) {
        return false;
    }
    return !dep || !dep->limit || dep->running < dep->limit;
}

static void process_children(struct sw_engine *e, struct check_rt *rt, struct sw_probe_result *r,
                             bool complete);

static void on_probe_done(void *arg, struct sw_probe_result *r)
{
    struct check_rt *rt = arg;
    struct sw_engine *e = rt->e;
    struct dep_rt *dep = rt->run_dep;
    struct sw_probe_result own = *r;

    /* the result is lent: take its strings */
    r->output = NULL;
    r->long_output = NULL;
    r->perfdata = NULL;
    r->children = NULL;
    r->n_children = 0;
    rt->running = false;
    e->running--;
    if (dep) {
        dep->running--;
    }
    sw_config_unref(rt->run_cfg);
    rt->run_cfg = NULL;
    if (rt->removed || e->stopping || !rt->active) {
        /* removed, stopping, or its shard went to another node meanwhile: that one runs it */
        sw_probe_result_release(&own);
        if (rt->removed) {
            rt_release(rt);
        }
    } else {
        struct sw_probe_child *kids = own.children;
        size_t n_kids = own.n_children;
        bool complete = own.children_complete;
        own.children = NULL;
        own.n_children = 0;
        process(rt, &own, false);
        schedule_next(rt, sw_now_ms());
        if (n_kids || complete) {
            own.children = kids;
            own.n_children = n_kids;
            process_children(e, rt, &own, complete);
        }
        sw_probe_result_release(&own);
    }
    drain_waiting(e);
}

static void start_probe(struct check_rt *rt, int64_t now_ms)
{
    struct sw_engine *e = rt->e;
    struct dep_rt *dep = sw_map_get(&e->deps, rt->conf->deployment->path);
    int r;

    pthread_mutex_lock(&e->mu);
    sw_histogram_add(&e->stats.lateness_s,
                     (double)(now_ms > rt->due_ms ? now_ms - rt->due_ms : 0) / 1000.0);
    pthread_mutex_unlock(&e->mu);
    rt->running = true;
    rt->run_cfg = sw_config_ref(e->cfg);
    rt->run_dep = dep;
    e->running++;
    if (dep) {
        dep->running++;
    }
    r = sw_probe_start(e->probes, rt->conf, on_probe_done, rt);
    if (r < 0) {
        struct sw_probe_result res = {0};
        res.state = SW_UNKNOWN;
        res.t_ms = now_ms;
        res.output = sw_xasprintf("probe could not start: %s", strerror(-r));
        on_probe_done(rt, &res);
        sw_probe_result_release(&res);
    }
}

static void enqueue_wait(struct sw_engine *e, struct check_rt *rt)
{
    rt->waiting = true;
    rt->wait_next = NULL;
    if (e->wait_tail) {
        e->wait_tail->wait_next = rt;
    } else {
        e->wait_head = rt;
    }
    e->wait_tail = rt;
    e->waiting++;
}

static void drain_waiting(struct sw_engine *e)
{
    struct check_rt **pp = &e->wait_head, *prev = NULL;
    int scanned = 0;

    while (*pp && scanned < WAIT_SCAN_MAX && e->running < e->cfg->max_concurrent_checks) {
        struct check_rt *rt = *pp;

        scanned++;
        if (!rt->removed && !e->stopping && !can_run(e, rt)) {
            prev = rt;
            pp = &rt->wait_next;
            continue;
        }
        *pp = rt->wait_next;
        if (e->wait_tail == rt) {
            e->wait_tail = prev;
        }
        rt->waiting = false;
        e->waiting--;
        if (rt->removed) {
            rt_release(rt);
        } else if (!e->stopping && rt->active) {
            start_probe(rt, sw_now_ms());
        }
    }
}

static void on_due(uv_timer_t *h)
{
    struct check_rt *rt = h->data;
    struct sw_engine *e = rt->e;
    int64_t now = sw_now_ms();

    if (now < rt->due_ms) {
        /* libuv counts from its cached loop time: a timer may fire a little early */
        uv_timer_start(&rt->timer, on_due, (uint64_t)(rt->due_ms - now), 0);
        return;
    }
    if (rt->running || rt->waiting) {
        /* still busy with the previous run: skip this slot */
        rt->due_ms = sw_schedule_next(now + 1, rt->conf->interval_ms, rt->phase_ms);
        uv_timer_start(&rt->timer, on_due, (uint64_t)(rt->due_ms - now), 0);
        return;
    }
    if (can_run(e, rt)) {
        start_probe(rt, now);
    } else {
        enqueue_wait(e, rt);
    }
}

static void schedule_at(struct check_rt *rt, int64_t due_ms, int64_t now_ms)
{
    /* Timers fire on TICK_MS boundaries: runs due within the same tick start together in one
     * wake-up of the loop, and their sockets are then polled together (fewer system calls
     * per check), for at most TICK_MS of lateness. */
    int64_t fire = (due_ms + TICK_MS - 1) / TICK_MS * TICK_MS;

    rt->due_ms = due_ms;
    if (!rt->active) {
        return; /* another node runs it */
    }
    uv_timer_start(&rt->timer, on_due, (uint64_t)(fire > now_ms ? fire - now_ms : 0), 0);
}

static void schedule_next(struct check_rt *rt, int64_t now_ms)
{
    const struct sw_check_conf *c = rt->conf;

    if (c->type == SW_CHECK_PASSIVE || rt->e->stopping) {
        return;
    }
    if (rt->st.has_state && !rt->st.hard && rt->st.state != SW_OK) {
        schedule_at(rt, now_ms + c->retry_interval_ms, now_ms); /* soft: retry sooner */
    } else {
        /* the slot after the one just run, however early or late this is */
        int64_t base = now_ms > rt->due_ms ? now_ms : rt->due_ms;
        schedule_at(rt, sw_schedule_next(base + 1, c->interval_ms, rt->phase_ms), now_ms);
    }
}

/* ---- timers of the engine itself ---- */

static void on_alive(uv_timer_t *h)
{
    struct sw_engine *e = h->data;
    sw_store_mark_alive(e->store, sw_now());
}

static void on_prune(uv_timer_t *h)
{
    struct sw_engine *e = h->data;
    if (e->leader) {
        sw_store_prune_results(e->store, sw_now_ms() - e->cfg->retention_results_s * 1000);
    }
}

/* ---- derived checks: made at run time by discovery and alerts ---- */

static int derived_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sw_derived *)a)->path, ((const struct sw_derived *)b)->path);
}

/* Reads the derived checks in use from the store into e->derived. */
static int derived_read(struct sw_store *store, struct sw_derived **ret, size_t *ret_n)
{
    struct sw_derived_row *rows = NULL;
    size_t n = 0;
    int r = sw_store_derived_list(store, false, &rows, &n);

    if (r < 0) {
        return r;
    }
    *ret = sw_xcalloc(n ? n : 1, sizeof(**ret));
    for (size_t i = 0; i < n; i++) {
        (*ret)[i].path = rows[i].path;
        (*ret)[i].parent = rows[i].parent;
        (*ret)[i].freshness_ms = rows[i].freshness_ms;
        rows[i].path = rows[i].parent = NULL;
    }
    *ret_n = n;
    sw_derived_rows_free(rows, n);
    return 0;
}

/* cfg with v[0..n) added (a new reference to cfg when n is 0); the reason is logged. */
static int derive_logged(struct sw_config *cfg, const struct sw_derived *v, size_t n,
                         struct sw_config **ret_config)
{
    struct sw_buf err;
    int r;

    if (n == 0) {
        *ret_config = sw_config_ref(cfg);
        return 0;
    }
    sw_buf_init(&err);
    r = sw_config_derive(cfg, v, n, &err, ret_config);
    if (r < 0) {
        sw_error("the derived checks could not be added:\n%s", err.data ? err.data : "");
    }
    sw_buf_release(&err);
    return r;
}

/* Adds add[0..n_add) (taken over) and retires retire[0..n_retire) (borrowed): the store
 * first, then a configuration with them, swapped in like a reload. On failure nothing
 * changes and the reason is logged. */
static void derived_change(struct sw_engine *e, struct sw_derived *add, size_t n_add,
                           const char *const *retire, size_t n_retire)
{
    struct sw_derived_row *rows = sw_xcalloc(n_add ? n_add : 1, sizeof(*rows));
    struct sw_derived *next = sw_xcalloc(e->n_derived + n_add + 1, sizeof(*next));
    struct sw_config *cfg = NULL;
    int64_t now = sw_now();
    size_t n = 0;
    struct sw_buf err;
    int r = 0;

    for (size_t i = 0; i < n_add; i++) {
        rows[i].path = add[i].path;
        rows[i].parent = add[i].parent;
        rows[i].freshness_ms = add[i].freshness_ms;
    }
    /* the set that results: the old minus the retired, plus the new */
    for (size_t i = 0; i < e->n_derived; i++) {
        bool gone = false;
        for (size_t k = 0; k < n_retire && !gone; k++) {
            gone = strcmp(e->derived[i].path, retire[k]) == 0;
        }
        if (!gone) {
            next[n++] = e->derived[i];
        }
    }
    for (size_t i = 0; i < n_add; i++) {
        next[n++] = add[i];
    }
    qsort(next, n, sizeof(*next), derived_cmp);
    sw_buf_init(&err);
    r = sw_config_derive(e->cfg, next, n, &err, &cfg);
    if (r < 0) {
        sw_error("derived checks not changed: the configuration does not load again:\n%s",
                 err.data ? err.data : "");
    }
    if (r == 0 && n_add) {
        r = sw_store_derived_put(e->store, rows, n_add, now);
    }
    if (r == 0 && n_retire) {
        r = sw_store_derived_retire(e->store, retire, n_retire, now);
    }
    if (r == 0) {
        /* the retired entries are freed; the kept and new ones now live in next */
        for (size_t i = 0; i < e->n_derived; i++) {
            if (!bsearch(&e->derived[i], next, n, sizeof(*next), derived_cmp)) {
                free(e->derived[i].path);
                free(e->derived[i].parent);
            }
        }
        free(e->derived);
        e->derived = next;
        e->n_derived = n;
        for (size_t i = 0; i < n_add; i++) {
            sw_info("derived check %s added (from %s)", add[i].path, add[i].parent);
        }
        for (size_t i = 0; i < n_retire; i++) {
            sw_info("derived check %s retired, its history kept", retire[i]);
        }
        sw_engine_reload(e, cfg);
    } else {
        if (cfg) {
            sw_error("derived checks not changed: the store refused them (%s)", strerror(-r));
        }
        for (size_t i = 0; i < n_add; i++) {
            free(add[i].path);
            free(add[i].parent);
        }
        free(next);
    }
    sw_config_unref(cfg);
    sw_buf_release(&err);
    free(rows);
}

/* Retires the derived checks whose parent check is no longer in the configuration (it was
 * removed or renamed): nobody would report them again. Alerts' checks have no parent check. */
static void retire_orphans(struct sw_engine *e)
{
    const char **gone = sw_xcalloc(e->n_derived + 1, sizeof(*gone));
    size_t n = 0;

    for (size_t i = 0; i < e->n_derived; i++) {
        if (strcmp(e->derived[i].parent, "alertmanager") != 0 &&
            !sw_config_find_check(e->cfg, e->derived[i].parent)) {
            gone[n++] = sw_xstrdup(e->derived[i].path);
        }
    }
    if (n) {
        derived_change(e, NULL, 0, gone, n);
    }
    for (size_t i = 0; i < n; i++) {
        free((char *)gone[i]);
    }
    free(gone);
}

/* The path of a child result of parent's run into buf. */
static void child_path(const struct sw_check_conf *parent, const struct sw_probe_child *ch,
                       char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s/%s", parent->deployment->path,
             ch->service ? ch->service : parent->service->id, ch->check);
}

/* The results of the parts a run of rt watched: new parts get a derived check first, parts
 * no longer there (a complete set) are retired, then each result is applied to its check. */
static void process_children(struct sw_engine *e, struct check_rt *rt, struct sw_probe_result *r,
                             bool complete)
{
    const struct sw_check_conf *c = rt->conf;
    char *parent = sw_xstrdup(c->path);
    int64_t fresh = 2 * c->interval_ms + c->timeout_ms;
    struct sw_derived *add = sw_xcalloc(r->n_children + 1, sizeof(*add));
    const char **retire = sw_xcalloc(e->n_derived + 1, sizeof(*retire));
    char **paths = sw_xcalloc(r->n_children + 1, sizeof(*paths));
    size_t n_add = 0, n_retire = 0;
    int64_t now = sw_now_ms();
    struct sw_map added;

    sw_map_init(&added);
    for (size_t i = 0; i < r->n_children; i++) {
        char path[1024];
        child_path(c, &r->children[i], path, sizeof(path));
        paths[i] = sw_xstrdup(path);
        if (!sw_map_get(&e->by_path, path)) {
            bool dup = sw_map_get(&added, paths[i]) != NULL; /* named twice in one run */
            sw_map_put(&added, paths[i], paths[i]);
            if (!dup) {
                add[n_add].path = sw_xstrdup(path);
                add[n_add].parent = sw_xstrdup(parent);
                add[n_add++].freshness_ms = fresh;
            }
        }
    }
    if (complete) {
        /* the children of this run by path: a large discovery must not cost derived x children */
        struct sw_map seen;
        sw_map_init(&seen);
        for (size_t k = 0; k < r->n_children; k++) {
            sw_map_put(&seen, paths[k], paths[k]);
        }
        for (size_t i = 0; i < e->n_derived; i++) {
            if (strcmp(e->derived[i].parent, parent) == 0 &&
                !sw_map_get(&seen, e->derived[i].path)) {
                retire[n_retire++] = e->derived[i].path;
            }
        }
        sw_map_release(&seen);
    }
    if (n_add || n_retire) {
        /* retire borrows e->derived's strings: copy them, derived_change() frees those */
        for (size_t i = 0; i < n_retire; i++) {
            retire[i] = sw_xstrdup(retire[i]);
        }
        derived_change(e, add, n_add, retire, n_retire);
        for (size_t i = 0; i < n_retire; i++) {
            free((char *)retire[i]);
        }
    }
    for (size_t i = 0; i < r->n_children; i++) {
        struct check_rt *crt = sw_map_get(&e->by_path, paths[i]);
        struct sw_probe_child *ch = &r->children[i];
        struct sw_probe_result cr = {0};

        if (!crt || crt->conf->type != SW_CHECK_PASSIVE) {
            continue; /* not made (logged), or an active check of the file of that name */
        }
        cr.state = ch->state;
        cr.t_ms = r->t_ms;
        cr.latency_us = ch->latency_us;
        cr.output = ch->output;
        cr.perfdata = ch->perfdata;
        ch->output = ch->perfdata = NULL;
        process(crt, &cr, false);
        uv_timer_stop(&crt->timer);
        start_freshness(crt, now);
    }
    sw_map_release(&added);
    for (size_t i = 0; i < r->n_children; i++) {
        free(paths[i]);
    }
    free(paths);
    free(add);
    free(retire);
    free(parent);
}

/* For a job that may create its checks: every path that names no check but a deployment of
 * the configuration gets a derived check first. -ENOENT naming the first path that cannot. */
static int create_missing(struct sw_engine *e, struct job *j, struct sw_buf *msg)
{
    struct sw_derived *add = sw_xcalloc(j->n + 1, sizeof(*add));
    size_t n_add = 0;
    int status = 0;

    for (size_t i = 0; i < j->n && !status; i++) {
        const char *p = j->v[i].path, *s1, *s2, *s3;
        char dep[512];
        bool dup = false;

        if (sw_map_get(&e->by_path, p)) {
            continue;
        }
        s1 = strchr(p, '/');
        s2 = s1 ? strchr(s1 + 1, '/') : NULL;
        s3 = s2 ? strchr(s2 + 1, '/') : NULL;
        if (!s3 || strchr(s3 + 1, '/') || (size_t)(s2 - p) >= sizeof(dep)) {
            status = -ENOENT;
            sw_buf_printf(msg, "result %zu: '%s' is not CUSTOMER/DEPLOYMENT/SERVICE/CHECK", i, p);
            break;
        }
        memcpy(dep, p, (size_t)(s2 - p));
        dep[s2 - p] = '\0';
        if (!sw_config_find_deployment(e->cfg, dep)) {
            status = -ENOENT;
            sw_buf_printf(msg, "result %zu: no deployment '%s' for '%s'", i, dep, p);
            break;
        }
        for (size_t k = 0; k < n_add && !dup; k++) {
            dup = strcmp(add[k].path, p) == 0;
        }
        if (!dup) {
            add[n_add].path = sw_xstrdup(p);
            add[n_add++].parent = sw_xstrdup(j->create);
        }
    }
    if (status) {
        for (size_t i = 0; i < n_add; i++) {
            free(add[i].path);
            free(add[i].parent);
        }
    } else if (n_add) {
        derived_change(e, add, n_add, NULL, 0);
        /* a check whose id the loader refused (derived_change() logged why) stays missing */
        for (size_t i = 0; i < j->n && !status; i++) {
            if (!sw_map_get(&e->by_path, j->v[i].path)) {
                status = -ENOENT;
                sw_buf_printf(msg, "result %zu: check '%s' could not be created", i, j->v[i].path);
            }
        }
    }
    free(add);
    return status;
}

int sw_config_with_derived(struct sw_config *cfg, struct sw_store *store,
                           struct sw_config **ret_config)
{
    struct sw_derived *v = NULL;
    size_t n = 0;
    int r = derived_read(store, &v, &n);

    if (r == 0) {
        r = derive_logged(cfg, v, n, ret_config);
    }
    sw_derived_release(v, n);
    return r;
}

/* ---- the inbox: results and reloads from other threads ---- */

static void job_free(struct job *j)
{
    for (size_t i = 0; i < j->n; i++) {
        free(j->v[i].path);
        free(j->v[i].output);
    }
    free(j->v);
    free(j->create);
    free(j);
}

/* One part of a job finished (the local commit, or the forward to other nodes): the last
 * one answers the sender. Any thread. */
static void job_part(struct job *j, int status)
{
    int none = 0;

    if (status) {
        __atomic_compare_exchange_n(&j->status, &none, status, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
    }
    if (__atomic_sub_fetch(&j->pending, 1, __ATOMIC_SEQ_CST) > 0) {
        return;
    }
    status = __atomic_load_n(&j->status, __ATOMIC_SEQ_CST);
    j->cb(j->arg, status, status ? "the store could not commit the results" : NULL);
    job_free(j);
}

static void job_synced(void *arg, int status)
{
    job_part(arg, status);
}

static void job_forwarded(void *arg, int status, const char *message)
{
    (void)message;
    job_part(arg, status ? -EIO : 0);
}

static int derived_adopt(struct sw_engine *e, const struct sw_derived_row *rows, size_t n);

/* Hands the results of j that other nodes run to them (the cluster's inbox). */
static void forward_remote(struct sw_engine *e, struct job *j)
{
    struct sw_passive *v = sw_xcalloc(j->n, sizeof(*v));
    const char **keys = sw_xcalloc(j->n, sizeof(*keys));
    size_t n = 0;

    for (size_t i = 0; i < j->n; i++) {
        struct check_rt *rt = sw_map_get(&e->by_path, j->v[i].path);
        if (!rt->active) {
            v[n] = j->v[i];
            keys[n++] = sw_engine_shard_key(rt->conf);
        }
    }
    if (n) {
        __atomic_add_fetch(&j->pending, 1, __ATOMIC_SEQ_CST);
        e->cluster.forward(e->cluster.arg, v, keys, n, job_forwarded, j);
    }
    free(v);
    free(keys);
}

static void run_results(struct sw_engine *e, struct job *j)
{
    int64_t now = sw_now_ms();
    struct sw_buf msg;
    int status = 0;

    sw_buf_init(&msg);
    if (j->create) {
        status = create_missing(e, j, &msg);
    }
    if (j->inbox && j->n == 1 && !sw_map_get(&e->by_path, j->v[0].path)) {
        /* made by another node a moment ago: the store knows it already */
        struct sw_derived_row *rows = NULL;
        size_t n_rows = 0;
        if (sw_store_derived_list(e->store, false, &rows, &n_rows) == 0) {
            derived_adopt(e, rows, n_rows);
        }
        sw_derived_rows_free(rows, n_rows);
    }
    for (size_t i = 0; i < j->n && !status; i++) {
        struct check_rt *rt = sw_map_get(&e->by_path, j->v[i].path);
        char a[SW_TIME_LEN], b[SW_TIME_LEN];

        if (!j->v[i].t_ms) {
            j->v[i].t_ms = now;
        }
        if (!rt) {
            status = -ENOENT;
            sw_buf_printf(&msg, "result %zu: no check '%s'", i, j->v[i].path);
        } else if (j->create && rt->conf->type != SW_CHECK_PASSIVE) {
            status = -EINVAL;
            sw_buf_printf(&msg, "result %zu: '%s' is an active check, not a passive one", i,
                          j->v[i].path);
        } else if (j->v[i].t_ms > now + FUTURE_SLACK_MS) {
            status = -ERANGE;
            sw_buf_printf(&msg, "result %zu: time %s is more than 5 minutes in the future", i,
                          sw_time_format(j->v[i].t_ms / 1000, a));
        } else if (j->v[i].t_ms < rt->st.last_check_ms && !j->inbox) {
            status = -ERANGE;
            sw_buf_printf(&msg, "result %zu: time %s is before the last result of '%s' (%s)", i,
                          sw_time_format(j->v[i].t_ms / 1000, a), j->v[i].path,
                          sw_time_format(rt->st.last_check_ms / 1000, b));
        }
        /* later results of the same check in this batch must be in order too */
        for (size_t k = 0; k < i && !status; k++) {
            if (strcmp(j->v[k].path, j->v[i].path) == 0 && j->v[i].t_ms < j->v[k].t_ms) {
                status = -ERANGE;
                sw_buf_printf(&msg, "result %zu: time is before result %zu of the same check", i,
                              k);
            }
        }
    }
    if (status) {
        j->cb(j->arg, status, msg.data);
        sw_buf_release(&msg);
        job_free(j);
        return;
    }
    sw_buf_release(&msg);
    j->pending = 1; /* the local commit */
    if (e->cluster.owns) {
        forward_remote(e, j);
    }
    for (size_t i = 0; i < j->n; i++) {
        struct check_rt *rt = sw_map_get(&e->by_path, j->v[i].path);
        struct sw_probe_result r = {0};
        const char *out = j->v[i].output ? j->v[i].output : "";

        if (!rt->active) {
            continue; /* forwarded */
        }
        if (j->v[i].t_ms == rt->st.last_check_ms && j->v[i].state == rt->st.state &&
            rt->st.has_state) {
            /* the same observation again: a sender resending what it was told was not
             * stored (a 503 while the database was away) when it was, after all, applied and
             * held for the database. Acknowledged with the rest, applied once. */
            continue;
        }
        if (j->inbox && j->v[i].t_ms < rt->st.last_check_ms) {
            /* Acknowledged by another node, and overtaken on the way by a later result sent
             * to this one: it joins the history as a raw result; the state, which the later
             * result already set, stays. */
            struct sw_store_result row = {.path = rt->st.path,
                                          .t_ms = j->v[i].t_ms,
                                          .state = j->v[i].state,
                                          .output = (char *)out,
                                          .passive = true};
            sw_store_add_result(e->store, &row);
            continue;
        }
        if (rt->conf->freshness_ms && rt->st.last_check_ms && !rt->stale &&
            j->v[i].t_ms - rt->st.last_check_ms > rt->conf->freshness_ms) {
            /* silent for longer than its freshness in between: UNKNOWN from then on, as the
             * freshness timer would have said live */
            struct sw_probe_result u = {0};
            char d[32];
            u.state = rt->conf->stale_state;
            u.t_ms = rt->st.last_check_ms + rt->conf->freshness_ms;
            u.output = sw_xasprintf("no result within freshness %s",
                                    sw_duration_format(rt->conf->freshness_ms, d));
            process(rt, &u, true);
        }
        sw_plugin_output_parse(out, strlen(out), e->cfg->max_output, &r);
        r.state = j->v[i].state;
        r.t_ms = j->v[i].t_ms;
        process(rt, &r, true);
        start_freshness(rt, now);
    }
    sw_store_sync(e->store, job_synced, j);
}

static void run_reload(struct sw_engine *e, struct job *j)
{
    struct sw_config *cfg = NULL;
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    r = sw_config_load_derived(e->cfg->file, e->derived, e->n_derived, &err, &cfg);
    if (r < 0) {
        pthread_mutex_lock(&e->mu);
        e->stats.reload_failures++;
        pthread_mutex_unlock(&e->mu);
        sw_error("reload refused, the running configuration stays:\n%s", err.data ? err.data : "");
        if (j->cb) {
            j->cb(j->arg, -EINVAL, err.data ? err.data : "invalid configuration");
        }
    } else {
        sw_engine_reload(e, cfg);
        sw_config_unref(cfg);
        retire_orphans(e);
        if (j->cb) {
            j->cb(j->arg, 0, NULL);
        }
    }
    sw_buf_release(&err);
    free(j);
}

static void on_async(uv_async_t *h)
{
    struct sw_engine *e = h->data;
    struct job *j, *next;

    pthread_mutex_lock(&e->inbox_mu);
    j = e->inbox_head;
    e->inbox_head = e->inbox_tail = NULL;
    pthread_mutex_unlock(&e->inbox_mu);
    for (; j; j = next) {
        next = j->next;
        if (e->stopping) {
            if (j->cb) {
                j->cb(j->arg, -ESHUTDOWN, "the daemon is stopping");
            }
            job_free(j);
        } else if (j->reload) {
            run_reload(e, j);
        } else {
            run_results(e, j);
        }
    }
}

static int post(struct sw_engine *e, struct job *j)
{
    pthread_mutex_lock(&e->inbox_mu);
    if (e->closed) {
        pthread_mutex_unlock(&e->inbox_mu);
        return -ESHUTDOWN;
    }
    if (e->inbox_tail) {
        e->inbox_tail->next = j;
    } else {
        e->inbox_head = j;
    }
    e->inbox_tail = j;
    uv_async_send(&e->async);
    pthread_mutex_unlock(&e->inbox_mu);
    return 0;
}

int sw_engine_submit(struct sw_engine *e, const struct sw_passive *v, size_t n,
                     sw_engine_done_cb cb, void *arg)
{
    return sw_engine_submit_create(e, v, n, NULL, cb, arg);
}

int sw_engine_submit_create(struct sw_engine *e, const struct sw_passive *v, size_t n,
                            const char *create, sw_engine_done_cb cb, void *arg)
{
    struct job *j = sw_xcalloc(1, sizeof(*j));
    int r;

    j->create = sw_xstrdup(create);
    j->v = sw_xcalloc(n ? n : 1, sizeof(*j->v));
    j->n = n;
    j->cb = cb;
    j->arg = arg;
    for (size_t i = 0; i < n; i++) {
        j->v[i] = v[i];
        j->v[i].path = sw_xstrdup(v[i].path);
        j->v[i].output = sw_xstrdup(v[i].output);
    }
    r = post(e, j);
    if (r < 0) {
        job_free(j);
    }
    return r;
}

int sw_engine_request_reload(struct sw_engine *e, sw_engine_done_cb cb, void *arg)
{
    struct job *j = sw_xcalloc(1, sizeof(*j));
    int r;

    j->reload = true;
    j->cb = cb;
    j->arg = arg;
    r = post(e, j);
    if (r < 0) {
        free(j);
    }
    return r;
}

/* ---- lifecycle ---- */

int sw_engine_new(uv_loop_t *loop, struct sw_config *cfg, struct sw_store *store,
                  struct sw_engine **ret_engine)
{
    struct sw_engine *e = sw_xcalloc(1, sizeof(*e));
    struct sw_probe_limits lim = {.max_exec = cfg->max_concurrent_exec,
                                  .max_output = cfg->max_output};
    int r;

    e->loop = loop;
    e->store = store;
    e->leader = true;
    pthread_mutex_init(&e->mu, NULL);
    pthread_mutex_init(&e->inbox_mu, NULL);
    sw_map_init(&e->deps);
    sw_histogram_init(&e->stats.lateness_s, lateness_bounds,
                      sizeof(lateness_bounds) / sizeof(lateness_bounds[0]));
    for (int i = 0; i < SW_CHECK_TYPE_COUNT; i++) {
        sw_histogram_init(&e->stats.latency_s[i], latency_bounds,
                          sizeof(latency_bounds) / sizeof(latency_bounds[0]));
    }
    r = sw_probes_new(loop, &lim, &e->probes);
    if (r < 0) {
        pthread_mutex_destroy(&e->mu);
        pthread_mutex_destroy(&e->inbox_mu);
        free(e);
        return r;
    }
    r = derived_read(store, &e->derived, &e->n_derived);
    if (r == 0) {
        r = derive_logged(cfg, e->derived, e->n_derived, &cfg);
    }
    if (r < 0) {
        sw_derived_release(e->derived, e->n_derived);
        sw_probes_free(e->probes);
        pthread_mutex_destroy(&e->mu);
        pthread_mutex_destroy(&e->inbox_mu);
        free(e);
        return r;
    }
    e->cfg = cfg;
    build_runtime(e, cfg, NULL);
    for (size_t i = 0; i < e->n_checks; i++) {
        e->checks[i]->taken = false;
    }
    uv_timer_init(loop, &e->alive_timer);
    uv_timer_init(loop, &e->prune_timer);
    e->alive_timer.data = e->prune_timer.data = e;
    uv_async_init(loop, &e->async, on_async);
    e->async.data = e;
    *ret_engine = e;
    return 0;
}

/* Loads the saved states into the run-time objects. When close_open is set, intervals left
 * open by an unclean stop are closed at the last sign of life first. */
static int resume(struct sw_engine *e, bool close_open, int64_t now)
{
    struct sw_check_snapshot *snaps = NULL;
    size_t n = 0;
    int64_t alive = 0;
    int r;

    if (close_open) {
        r = sw_store_last_alive(e->store, &alive);
        if (r < 0) {
            return r;
        }
        /* What happened between the last sign of life and now was not observed. */
        r = sw_store_close_all_open(e->store, alive ? alive : now / 1000);
        if (r < 0) {
            return r;
        }
    }
    r = sw_store_load_states(e->store, &snaps, &n);
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        struct check_rt *rt = sw_map_get(&e->by_path, snaps[i].path);
        if (rt) {
            take_snapshot(rt, &snaps[i]);
            /* offline, the history continues where it stopped */
            rt->interval_open = !close_open && rt->st.has_state;
        }
    }
    sw_check_snapshots_free(snaps, n);
    for (size_t i = 0; i < e->n_svcs; i++) {
        resume_service(&e->svcs[i]);
        e->svcs[i].interval_open = !close_open && e->svcs[i].has_state;
    }
    e->stats.started_ms = now;
    e->started = true;
    return 0;
}

int sw_engine_start(struct sw_engine *e)
{
    int64_t now = sw_now_ms();
    int r;

    /* after an unclean stop of the whole service, what was open ends at the last sign of
     * life; while other nodes run, what is open is theirs and goes on */
    r = resume(e, !e->cluster.peers_alive, now);
    if (r < 0) {
        return r;
    }
    sw_store_mark_alive(e->store, now / 1000);
    for (size_t i = 0; i < e->n_checks; i++) {
        struct check_rt *rt = e->checks[i];
        if (e->cluster.owns) {
            /* its first result says its state again: a no-op when the interval the previous
             * node left open has that state, a new interval otherwise */
            rt->interval_open = false;
        }
        if (!rt->active) {
            continue;
        }
        if (rt->conf->type == SW_CHECK_PASSIVE) {
            start_freshness(rt, now);
        } else {
            schedule_at(rt, sw_schedule_next(now, rt->conf->interval_ms, rt->phase_ms), now);
        }
    }
    for (size_t i = 0; i < e->n_svcs; i++) {
        tell_listener(e, &e->svcs[i]);
    }
    uv_timer_start(&e->alive_timer, on_alive, ALIVE_EVERY_MS, ALIVE_EVERY_MS);
    uv_timer_start(&e->prune_timer, on_prune, 1000, PRUNE_EVERY_MS);
    sw_info("engine started: %zu checks, %zu services", e->n_checks, e->n_svcs);
    return 0;
}

int sw_engine_start_offline(struct sw_engine *e)
{
    e->offline = true;
    return resume(e, false, sw_now_ms());
}

int sw_engine_reload(struct sw_engine *e, struct sw_config *cfg)
{
    struct check_rt **old = e->checks;
    struct svc_rt *old_svcs = e->svcs;
    size_t n_old = e->n_checks, n_old_svcs = e->n_svcs, kept = 0, added = 0, gone = 0;
    struct sw_map old_map = e->by_path;
    struct sw_config *old_cfg = e->cfg;
    int64_t now = sw_now_ms();

    pthread_mutex_lock(&e->mu);
    cfg = sw_config_ref(cfg);
    build_runtime(e, cfg, &old_map);
    e->cfg = cfg;
    e->stats.reloads++;
    pthread_mutex_unlock(&e->mu);

    /* checks not taken by the new config are closed and released */
    for (size_t i = 0; i < n_old; i++) {
        struct check_rt *rt = old[i];
        if (rt->taken) {
            continue;
        }
        if (rt->interval_open && rt->active) {
            sw_store_close_interval(e->store, SW_OBJ_CHECK, rt->st.path, now / 1000);
        }
        gone++;
        rt_release(rt);
    }
    for (size_t i = 0; i < n_old_svcs; i++) {
        if (!sw_config_find_service(cfg, old_svcs[i].conf->path)) {
            if (e->leader) {
                sw_store_close_interval(e->store, SW_OBJ_SERVICE, old_svcs[i].conf->path,
                                        now / 1000);
            }
        } else {
            for (size_t k = 0; k < e->n_svcs; k++) {
                if (strcmp(e->svcs[k].conf->path, old_svcs[i].conf->path) == 0) {
                    e->svcs[k].has_state = old_svcs[i].has_state;
                    e->svcs[k].interval_open = old_svcs[i].interval_open;
                    e->svcs[k].state = old_svcs[i].state;
                    e->svcs[k].since = old_svcs[i].since;
                    break;
                }
            }
        }
        free(old_svcs[i].checks);
    }
    free(old_svcs);
    for (size_t i = 0; i < e->n_checks; i++) {
        struct check_rt *rt = e->checks[i];
        rt->taken = false;
        if (rt->due_ms == -1) {
            if (rt->st.has_state || rt->running) {
                kept++;
            } else {
                added++;
            }
            uv_timer_stop(&rt->timer);
            if (rt->conf->type == SW_CHECK_PASSIVE) {
                start_freshness(rt, now);
            } else if (!rt->running && !rt->waiting) {
                schedule_at(rt, sw_schedule_next(now, rt->conf->interval_ms, rt->phase_ms), now);
            }
        } else {
            kept++;
        }
    }
    /* services whose membership changed get their state recomputed */
    for (size_t i = 0; i < e->n_svcs; i++) {
        record_service(e, &e->svcs[i], now / 1000, false);
    }
    free(old);
    sw_map_release(&old_map);
    sw_config_unref(old_cfg);
    sw_info("configuration reloaded: %zu checks kept, %zu new, %zu removed", kept, added, gone);
    return 0;
}

static void close_noop(uv_handle_t *h)
{
    (void)h;
}

void sw_engine_stop(struct sw_engine *e)
{
    int64_t now = sw_now();

    if (!e || e->stopping) {
        return;
    }
    pthread_mutex_lock(&e->inbox_mu);
    e->closed = true;
    pthread_mutex_unlock(&e->inbox_mu);
    on_async(&e->async); /* applies what is still in the inbox */
    pthread_mutex_lock(&e->mu);
    e->stopping = true;
    pthread_mutex_unlock(&e->mu);
    uv_timer_stop(&e->alive_timer);
    uv_timer_stop(&e->prune_timer);
    for (size_t i = 0; i < e->n_checks; i++) {
        uv_timer_stop(&e->checks[i]->timer);
    }
    sw_probes_free(e->probes); /* running probes report "cancelled": dropped while stopping */
    e->probes = NULL;
    for (size_t i = 0; e->started && i < e->n_checks; i++) {
        /* the checks other nodes run are theirs to save */
        if (e->checks[i]->st.has_state && e->checks[i]->active) {
            save_state(e->checks[i], true, now * 1000); /* the latest output, for status */
        }
    }
    if (e->started && !e->offline && e->cluster.owns) {
        /* One node of several leaves: the others continue its checks and their open
         * intervals. (When the last one stops, the next start closes them at the last sign
         * of life, as after a crash.) */
        sw_store_mark_alive(e->store, now);
        sw_store_flush(e->store);
    } else if (e->started && !e->offline) {
        sw_store_mark_alive(e->store, now);
        sw_store_flush(e->store);
        sw_store_close_all_open(e->store, now);
    } else if (e->started) {
        sw_store_flush(e->store);
    }
    uv_close((uv_handle_t *)&e->alive_timer, close_noop);
    uv_close((uv_handle_t *)&e->prune_timer, close_noop);
    uv_close((uv_handle_t *)&e->async, close_noop);
    for (size_t i = 0; i < e->n_checks; i++) {
        struct check_rt *rt = e->checks[i];
        rt->running = rt->waiting = false;
        rt_release(rt);
        e->checks[i] = NULL;
    }
}

void sw_engine_free(struct sw_engine *e)
{
    if (!e) {
        return;
    }
    for (size_t i = 0; i < e->n_svcs; i++) {
        free(e->svcs[i].checks);
    }
    free(e->svcs);
    free(e->checks);
    sw_map_release(&e->by_path);
    for (size_t i = 0; i < e->deps.cap; i++) {
        struct dep_rt *d = e->deps.slots[i].value;
        if (d) {
            free(d->path);
            free(d);
        }
    }
    sw_map_release(&e->deps);
    sw_config_unref(e->cfg);
    sw_derived_release(e->derived, e->n_derived);
    pthread_mutex_destroy(&e->mu);
    pthread_mutex_destroy(&e->inbox_mu);
    free(e);
}

struct sw_config *sw_engine_config(struct sw_engine *e)
{
    struct sw_config *c;

    pthread_mutex_lock(&e->mu);
    c = sw_config_ref(e->cfg);
    pthread_mutex_unlock(&e->mu);
    return c;
}

/* ---- status ---- */

static void copy_snapshot(struct sw_check_snapshot *dst, const struct sw_check_snapshot *src)
{
    *dst = *src;
    dst->path = sw_xstrdup(src->path);
    dst->output = sw_xstrdup(src->output ? src->output : "");
    dst->perfdata = sw_xstrdup(src->perfdata);
}

static struct sw_status *status_new(struct sw_config *cfg)
{
    struct sw_status *st = sw_xcalloc(1, sizeof(*st));

    st->cfg = sw_config_ref(cfg);
    st->n_checks = cfg->n_checks;
    st->checks = sw_xcalloc(cfg->n_checks ? cfg->n_checks : 1, sizeof(*st->checks));
    st->n_services = cfg->n_services;
    st->services = sw_xcalloc(cfg->n_services ? cfg->n_services : 1, sizeof(*st->services));
    st->taken_ms = sw_now_ms();
    return st;
}

int sw_engine_status(struct sw_engine *e, struct sw_status **ret_status)
{
    struct sw_status *st;

    pthread_mutex_lock(&e->mu);
    if (e->stopping) {
        pthread_mutex_unlock(&e->mu);
        return -ESHUTDOWN;
    }
    st = status_new(e->cfg);
    for (size_t i = 0; i < e->n_checks; i++) {
        const struct check_rt *rt = e->checks[i];
        st->checks[i].conf = rt->conf;
        copy_snapshot(&st->checks[i].st, &rt->st);
        st->checks[i].next_run_ms =
            rt->conf->type == SW_CHECK_PASSIVE || !rt->active ? 0 : rt->due_ms;
        st->checks[i].stale = rt->stale;
    }
    for (size_t i = 0; i < e->n_svcs; i++) {
        const struct svc_rt *s = &e->svcs[i];
        st->services[i].conf = s->conf;
        st->services[i].has_state = s->has_state;
        st->services[i].state = s->state;
        st->services[i].since = s->since;
        for (size_t j = 0; j < s->n_checks; j++) {
            st->services[i].flapping |= s->checks[j]->st.flapping;
        }
    }
    pthread_mutex_unlock(&e->mu);
    *ret_status = st;
    return 0;
}

int sw_status_from_store(struct sw_config *cfg, struct sw_store *store,
                         struct sw_status **ret_status)
{
    struct sw_check_snapshot *snaps = NULL;
    struct sw_status *st;
    struct sw_map by_path;
    size_t n = 0;
    int64_t now = sw_now();
    int r;

    r = sw_store_load_states(store, &snaps, &n);
    if (r < 0) {
        return r;
    }
    sw_map_init(&by_path);
    for (size_t i = 0; i < n; i++) {
        sw_map_put(&by_path, snaps[i].path, &snaps[i]);
    }
    st = status_new(cfg);
    for (size_t i = 0; i < cfg->n_checks; i++) {
        struct sw_check_snapshot *s = sw_map_get(&by_path, cfg->checks[i]->path);
        st->checks[i].conf = cfg->checks[i];
        if (s) {
            copy_snapshot(&st->checks[i].st, s);
        } else {
            st->checks[i].st.path = sw_xstrdup(cfg->checks[i]->path);
            st->checks[i].st.output = sw_xstrdup("");
            st->checks[i].st.state = st->checks[i].st.hard_state = SW_UNKNOWN;
        }
    }
    for (size_t i = 0; i < cfg->n_services; i++) {
        const struct sw_service_conf *sc = cfg->services[i];
        struct sw_service_status *ss = &st->services[i];
        enum sw_state v[64] = {0},
                      *vp = sc->n_checks > 64 ? sw_xmalloc(sc->n_checks * sizeof(*vp)) : v;
        struct sw_interval *iv = NULL;
        size_t niv = 0;

        ss->conf = sc;
        for (size_t j = 0; j < sc->n_checks; j++) {
            const struct sw_check_status *cs = sw_status_find_check(st, sc->checks[j].path);
            vp[j] = cs && cs->st.has_state ? cs->st.hard_state : SW_UNKNOWN;
            ss->has_state |= cs && cs->st.has_state;
            ss->flapping |= cs && cs->st.flapping;
        }
        ss->state = sw_service_state(sc->aggregate, sc->quorum, vp, sc->n_checks);
        if (vp != v) {
            free(vp);
        }
        if (sw_store_history(store, SW_OBJ_SERVICE, sc->path, now, now + 1, &iv, &niv) == 0) {
            if (niv && iv[niv - 1].end == 0) {
                ss->since = iv[niv - 1].start;
            }
            free(iv);
        }
    }
    sw_map_release(&by_path);
    sw_check_snapshots_free(snaps, n);
    *ret_status = st;
    return 0;
}

void sw_status_free(struct sw_status *st)
{
    if (!st) {
        return;
    }
    for (size_t i = 0; i < st->n_checks; i++) {
        free(st->checks[i].st.path);
        free(st->checks[i].st.output);
        free(st->checks[i].st.perfdata);
    }
    free(st->checks);
    free(st->services);
    sw_config_unref(st->cfg);
    free(st);
}

const struct sw_check_status *sw_status_find_check(const struct sw_status *st, const char *path)
{
    const struct sw_check_conf *c = sw_config_find_check(st->cfg, path);

    /* status arrays follow cfg->checks order */
    return c && c->index < st->n_checks ? &st->checks[c->index] : NULL;
}

void sw_engine_stats(struct sw_engine *e, struct sw_engine_stats *ret)
{
    pthread_mutex_lock(&e->mu);
    *ret = e->stats;
    pthread_mutex_unlock(&e->mu);
    /* these live on the loop thread; a slightly stale read is fine for metrics */
    for (int i = 0; i < SW_CHECK_TYPE_COUNT; i++) {
        ret->running[i] = e->probes ? sw_probes_running(e->probes, (enum sw_check_type)i) : 0;
    }
    ret->waiting = e->waiting + (e->probes ? sw_probes_queued(e->probes) : 0);
}

/* ---- one run, outside the daemon ---- */

struct once {
    struct sw_probe_result *ret;
    bool done;
};

static void once_done(void *arg, struct sw_probe_result *r)
{
    struct once *o = arg;

    *o->ret = *r;
    r->output = r->long_output = r->perfdata = NULL;
    o->done = true;
}

static void walk_close(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) {
        uv_close(h, NULL);
    }
}

int sw_check_run_once(const struct sw_check_conf *c, const struct sw_config *cfg,
                      struct sw_probe_result *ret)
{
    struct sw_probe_limits lim = {.max_exec = 1, .max_output = cfg->max_output};
    struct sw_probes *p = NULL;
    struct once o = {.ret = ret};
    uv_loop_t loop;
    int r;

    if (c->type == SW_CHECK_PASSIVE) {
        return -EINVAL;
    }
    memset(ret, 0, sizeof(*ret));
    uv_loop_init(&loop);
    r = sw_probes_new(&loop, &lim, &p);
    if (r == 0) {
        r = sw_probe_start(p, c, once_done, &o);
        while (r == 0 && !o.done && uv_run(&loop, UV_RUN_ONCE)) {
        }
    }
    sw_probes_free(p);
    uv_walk(&loop, walk_close, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    if (r == 0 && !o.done) {
        r = -EIO;
    }
    return r;
}

/* ---- one node of several ---- */

const char *sw_engine_shard_key(const struct sw_check_conf *c)
{
    if (c->derived_from && strcmp(c->derived_from, "alertmanager") != 0) {
        return c->derived_from;
    }
    return c->path;
}

void sw_engine_set_cluster(struct sw_engine *e, const struct sw_engine_cluster *c)
{
    e->cluster = *c;
    e->leader = false;
    e->n_active = 0;
    for (size_t i = 0; i < e->n_checks; i++) {
        struct check_rt *rt = e->checks[i];
        rt->active = c->owns(c->arg, sw_engine_shard_key(rt->conf));
        e->n_active += rt->active;
    }
}

size_t sw_engine_active_checks(struct sw_engine *e)
{
    size_t n;

    pthread_mutex_lock(&e->mu);
    n = e->n_active;
    pthread_mutex_unlock(&e->mu);
    return n;
}

/* Makes the derived checks those the store has in use (rows), when they differ from
 * e->derived: another node discovered or retired some. 1 when the configuration changed. */
static int derived_adopt(struct sw_engine *e, const struct sw_derived_row *rows, size_t n)
{
    struct sw_derived *next;
    struct sw_config *cfg = NULL;
    bool same = n == e->n_derived;

    for (size_t i = 0; same && i < n; i++) {
        struct sw_derived key = {.path = rows[i].path};
        const struct sw_derived *d =
            bsearch(&key, e->derived, e->n_derived, sizeof(*e->derived), derived_cmp);
        same =
            d && strcmp(d->parent, rows[i].parent) == 0 && d->freshness_ms == rows[i].freshness_ms;
    }
    if (same) {
        return 0;
    }
    next = sw_xcalloc(n + 1, sizeof(*next));
    for (size_t i = 0; i < n; i++) {
        next[i].path = sw_xstrdup(rows[i].path);
        next[i].parent = sw_xstrdup(rows[i].parent);
        next[i].freshness_ms = rows[i].freshness_ms;
    }
    qsort(next, n, sizeof(*next), derived_cmp);
    if (derive_logged(e->cfg, next, n, &cfg) < 0) {
        sw_derived_release(next, n);
        return 0;
    }
    sw_info("derived checks changed by another node: %zu in use (were %zu)", n, e->n_derived);
    sw_derived_release(e->derived, e->n_derived);
    e->derived = next;
    e->n_derived = n;
    sw_engine_reload(e, cfg);
    sw_config_unref(cfg);
    return 1;
}

void sw_engine_cluster_update(struct sw_engine *e, bool leader, struct sw_check_snapshot *snaps,
                              size_t n, const struct sw_derived_row *derived, size_t n_derived)
{
    int64_t now = sw_now_ms();
    struct sw_map index;
    size_t started = 0, stopped = 0;

    if (!e->cluster.owns || e->stopping || !e->started) {
        return;
    }
    derived_adopt(e, derived, n_derived);
    sw_map_init(&index);
    for (size_t i = 0; i < n; i++) {
        sw_map_put(&index, snaps[i].path, &snaps[i]);
    }
    for (size_t i = 0; i < e->n_checks; i++) {
        struct check_rt *rt = e->checks[i];
        struct sw_check_snapshot *snap = sw_map_get(&index, rt->st.path);
        bool own = e->cluster.owns(e->cluster.arg, sw_engine_shard_key(rt->conf));

        if (own && !rt->active) {
            /* taken over: resume from what the previous node saved last */
            pthread_mutex_lock(&e->mu);
            if (snap && snap->last_check_ms >= rt->st.last_check_ms) {
                take_snapshot(rt, snap);
            }
            rt->active = true;
            e->n_active++;
            rt->stale = false;
            pthread_mutex_unlock(&e->mu);
            rt->interval_open = false;
            rt->saved_key = 0;
            if (rt->conf->type == SW_CHECK_PASSIVE) {
                start_freshness(rt, now);
            } else if (!rt->running && !rt->waiting) {
                schedule_at(rt, sw_schedule_next(now, rt->conf->interval_ms, rt->phase_ms), now);
            }
            started++;
        } else if (!own && rt->active) {
            /* given away: what it knows goes to the store for the next node */
            if (rt->st.has_state) {
                save_state(rt, true, now);
            }
            uv_timer_stop(&rt->timer);
            pthread_mutex_lock(&e->mu);
            rt->active = false;
            e->n_active--;
            pthread_mutex_unlock(&e->mu);
            stopped++;
        } else if (!own && snap &&
                   (snap->last_check_ms != rt->st.last_check_ms ||
                    state_key(snap) != state_key(&rt->st))) {
            /* run elsewhere: mirror what that node saved */
            pthread_mutex_lock(&e->mu);
            take_snapshot(rt, snap);
            pthread_mutex_unlock(&e->mu);
        }
    }
    sw_map_release(&index);
    if (leader != e->leader) {
        e->leader = leader;
        if (leader) {
            /* continue the services' history: a no-op for an interval open in that state */
            for (size_t i = 0; i < e->n_svcs; i++) {
                e->svcs[i].interval_open = false;
            }
        }
    }
    for (size_t i = 0; i < e->n_svcs; i++) {
        struct svc_rt *sv = &e->svcs[i];
        int64_t t = sv->since;
        /* the service changed when the latest of its checks did (the state mirrored here
         * arrives a little later) */
        for (size_t k = 0; k < sv->n_checks; k++) {
            const struct check_rt *c = sv->checks[k];
            if (c->st.has_state && c->st.since > t) {
                t = c->st.since;
            }
        }
        if (t > now / 1000 || t <= 0) {
            t = now / 1000;
        }
        record_service(e, sv, t, false);
    }
    if (started || stopped) {
        sw_info("cluster: %zu checks started here, %zu handed over; %zu of %zu run here", started,
                stopped, e->n_active, e->n_checks);
    }
    drain_waiting(e);
}

int sw_engine_submit_inbox(struct sw_engine *e, const struct sw_passive *v, sw_engine_done_cb cb,
                           void *arg)
{
    struct job *j = sw_xcalloc(1, sizeof(*j));
    int r;

    j->inbox = true;
    j->v = sw_xcalloc(1, sizeof(*j->v));
    j->n = 1;
    j->cb = cb;
    j->arg = arg;
    j->v[0] = *v;
    j->v[0].path = sw_xstrdup(v->path);
    j->v[0].output = sw_xstrdup(v->output);
    r = post(e, j);
    if (r < 0) {
        job_free(j);
    }
    return r;
}
