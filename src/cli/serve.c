/* SPDX-License-Identifier: Apache-2.0 */
/* serve.c: `stackward serve`, the daemon: the store, the engine on a libuv loop, the API on
 * its threads; SIGHUP reloads, SIGINT and SIGTERM stop cleanly. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "account/account.h"
#include "api/api.h"
#include "cli/cli.h"
#include "cluster/cluster.h"
#include "engine/engine.h"
#include "incident/incident.h"

static const char usage[] =
    "Usage: stackward serve [-c FILE] [--listen ADDR:PORT] [--node NAME] [--log-level LEVEL]\n"
    "\n"
    "Runs the daemon: schedules every check of FILE, keeps state and history in the\n"
    "configured database, and serves the API, /metrics and /healthz.\n"
    "With a PostgreSQL database, any number of nodes may serve the same FILE: they share\n"
    "the checks, one of them leads (incidents, notifications, case timers), and a node\n"
    "that dies is replaced by the others within seconds (see `stackward cluster status`).\n"
    "\n"
    "  -c, --config FILE     configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -l, --listen ADDR:PORT  listen here instead of the config's `listen`\n"
    "  -n, --node NAME       this node's name in the cluster (default: the host name)\n"
    "      --log-level LEVEL debug, info, warn or error (default: the config's, or info)\n"
    "  -h, --help            this text\n"
    "\n"
    "Signals: SIGHUP reloads the configuration (an invalid one is refused and the running\n"
    "one stays); SIGINT and SIGTERM stop after closing the history cleanly.\n";

#define BURN_EVERY_MS 60000 /* burn-rate alerts are evaluated this often */
#define BURN_FIRST_MS 5000
#define MIRROR_EVERY_MS 2000 /* several nodes: the others' states are read this often */

struct node;

struct serve {
    struct sw_engine *engine;
    struct sw_store *store;
    uv_timer_t burn_timer;
    uv_work_t burn_work;
    bool burn_running;
    int burn_status;
    struct sw_alert_row *alerts; /* the last evaluation's, for logging changes */
    size_t n_alerts;
    struct sw_alert_row *fresh; /* the evaluation in progress */
    size_t n_fresh;
    uv_signal_t sig_int;
    uv_signal_t sig_term;
    uv_signal_t sig_hup;
    bool stopping;
    struct sw_inc_manager *incidents;
    struct node *node; /* NULL: the only node (SQLite) */
};

/* ---- one node of several (PostgreSQL) ----
 * The cluster's thread keeps the leases and says when they change; here, on the loop, the
 * states the others saved are read every MIRROR_EVERY_MS (on a worker thread) and handed to
 * the engine with the view, and the leader's duties start and stop with the leadership. */

struct node {
    struct serve *s;
    uv_loop_t *loop;
    struct sw_cluster *cluster;
    pthread_mutex_t mu; /* guards closed: the cluster's thread sends on `changed` */
    bool closed;
    uv_async_t changed;
    uv_timer_t timer;
    uv_work_t work;
    bool running; /* a read of the states is under way */
    bool again;   /* the view changed meanwhile: read once more */
    struct sw_check_snapshot *snaps;
    size_t n_snaps;
    struct sw_derived_row *derived;
    size_t n_derived;
    int status;
    bool leader;      /* as last applied */
    int64_t fresh_ms; /* monotonic: when the others' states were last applied (atomic) */
};

struct forward {
    uv_work_t work;
    struct sw_cluster *cluster;
    char **paths;
    char **keys;
    char **outputs;
    int *states;
    int64_t *t_ms;
    size_t n;
    int status;
    sw_engine_done_cb cb;
    void *cb_arg;
};

struct inbox_item {
    struct node *node;
    int64_t id;
};

static void on_burn_timer(uv_timer_t *t);

static void read_work(uv_work_t *w)
{
    struct node *nd = w->data;

    nd->snaps = NULL;
    nd->derived = NULL;
    nd->n_snaps = nd->n_derived = 0;
    nd->status = sw_store_load_states(nd->s->store, &nd->snaps, &nd->n_snaps);
    if (nd->status == 0) {
        nd->status = sw_store_derived_list(nd->s->store, false, &nd->derived, &nd->n_derived);
    }
}

static void read_states(struct node *nd);

static void read_done(uv_work_t *w, int status)
{
    struct node *nd = w->data;
    struct serve *s = nd->s;
    struct sw_cluster_view v;

    nd->running = false;
    if (status == 0 && nd->status == 0 && !s->stopping) {
        sw_cluster_view(nd->cluster, &v);
        sw_engine_cluster_update(s->engine, v.leader, nd->snaps, nd->n_snaps, nd->derived,
                                 nd->n_derived);
        __atomic_store_n(&nd->fresh_ms, sw_mono_ms(), __ATOMIC_SEQ_CST);
        if (v.leader && !nd->leader) {
            /* the leader's duties: incidents, notifications, case timers, SLO alerts */
            sw_inc_manager_start(s->incidents);
            on_burn_timer(&s->burn_timer);
        } else if (!v.leader && nd->leader) {
            sw_inc_manager_stop(s->incidents);
        }
        nd->leader = v.leader;
    }
    sw_check_snapshots_free(nd->snaps, nd->n_snaps);
    sw_derived_rows_free(nd->derived, nd->n_derived);
    nd->snaps = NULL;
    nd->derived = NULL;
    if (nd->again && !s->stopping) {
        nd->again = false;
        read_states(nd);
    }
}

static void read_states(struct node *nd)
{
    if (nd->running) {
        nd->again = true;
        return;
    }
    nd->running = true;
    nd->work.data = nd;
    if (uv_queue_work(nd->loop, &nd->work, read_work, read_done) < 0) {
        nd->running = false;
    }
}

static void on_mirror_timer(uv_timer_t *t)
{
    read_states(t->data);
}

static void on_changed(uv_async_t *h)
{
    read_states(h->data);
}

/* the cluster's thread: the view changed */
static void cluster_changed(void *arg)
{
    struct node *nd = arg;

    pthread_mutex_lock(&nd->mu);
    if (!nd->closed) {
        uv_async_send(&nd->changed);
    }
    pthread_mutex_unlock(&nd->mu);
}

static void inbox_answered(void *arg, int status, const char *message)
{
    struct inbox_item *it = arg;
    bool applied = status == 0 || status == -EINVAL || status == -ENOENT || status == -ERANGE;

    if (status && applied) {
        sw_warn("cluster: a result forwarded by another node was refused: %s",
                message ? message : strerror(-status));
    }
    sw_cluster_inbox_done(it->node->cluster, it->id, applied);
    free(it);
}

/* the cluster's thread: results other nodes took for checks this one runs */
static void cluster_inbox(void *arg, const struct sw_cluster_inbox_row *v, size_t n)
{
    struct node *nd = arg;

    for (size_t i = 0; i < n; i++) {
        struct inbox_item *it = sw_xcalloc(1, sizeof(*it));
        struct sw_passive p = {.path = v[i].path,
                               .state = (enum sw_state)v[i].state,
                               .output = v[i].output,
                               .t_ms = v[i].t_ms};
        it->node = nd;
        it->id = v[i].id;
        if (p.state < SW_OK || p.state > SW_UNKNOWN) {
            p.state = SW_UNKNOWN;
        }
        if (sw_engine_submit_inbox(nd->s->engine, &p, inbox_answered, it) < 0) {
            sw_cluster_inbox_done(nd->cluster, it->id, false);
            free(it);
        }
    }
}

static bool node_owns(void *arg, const char *key)
{
    return sw_cluster_owns(((struct node *)arg)->cluster, key);
}

static void forward_work(uv_work_t *w)
{
    struct forward *f = w->data;

    f->status = sw_cluster_inbox_put(f->cluster, (const char *const *)f->paths,
                                     (const char *const *)f->keys, f->states,
                                     (const char *const *)f->outputs, f->t_ms, f->n);
}

static void forward_done(uv_work_t *w, int status)
{
    struct forward *f = w->data;

    f->cb(f->cb_arg, status < 0 ? -EIO : f->status, NULL);
    for (size_t i = 0; i < f->n; i++) {
        free(f->paths[i]);
        free(f->keys[i]);
        free(f->outputs[i]);
    }
    free(f->paths);
    free(f->keys);
    free(f->outputs);
    free(f->states);
    free(f->t_ms);
    free(f);
}

/* the engine (loop thread): results for checks other nodes run go into the inbox */
static void node_forward(void *arg, const struct sw_passive *v, const char *const *keys, size_t n,
                         sw_engine_done_cb cb, void *cb_arg)
{
    struct node *nd = arg;
    struct forward *f = sw_xcalloc(1, sizeof(*f));

    f->cluster = nd->cluster;
    f->n = n;
    f->cb = cb;
    f->cb_arg = cb_arg;
    f->paths = sw_xcalloc(n, sizeof(*f->paths));
    f->keys = sw_xcalloc(n, sizeof(*f->keys));
    f->outputs = sw_xcalloc(n, sizeof(*f->outputs));
    f->states = sw_xcalloc(n, sizeof(*f->states));
    f->t_ms = sw_xcalloc(n, sizeof(*f->t_ms));
    for (size_t i = 0; i < n; i++) {
        f->paths[i] = sw_xstrdup(v[i].path);
        f->keys[i] = sw_xstrdup(keys[i]);
        f->outputs[i] = sw_xstrdup(v[i].output);
        f->states[i] = (int)v[i].state;
        f->t_ms[i] = v[i].t_ms;
    }
    f->work.data = f;
    if (uv_queue_work(nd->loop, &f->work, forward_work, forward_done) < 0) {
        f->status = -EIO;
        forward_done(&f->work, 0);
    }
}

/* The leader may act while its term is the database's and what it knows of the others'
 * checks is fresh (a node resumed after a pause first reads them again). */
static int node_fence(void *arg)
{
    struct node *nd = arg;

    if (sw_mono_ms() - __atomic_load_n(&nd->fresh_ms, __ATOMIC_SEQ_CST) > 3 * MIRROR_EVERY_MS) {
        return -ESTALE;
    }
    return sw_cluster_fence(nd->cluster);
}

/* Joins the cluster and makes the engine one of its nodes. Before sw_engine_start(). */
static int node_start(struct serve *s, uv_loop_t *loop, const struct sw_config *cfg,
                      const char *name, const char *listen)
{
    struct node *nd = sw_xcalloc(1, sizeof(*nd));
    struct sw_cluster_options o = {.uri = cfg->database,
                                   .password = cfg->database_password,
                                   .node = name,
                                   .listen = listen,
                                   .lease_ms = cfg->cluster_lease_ms,
                                   .renew_ms = cfg->cluster_renew_ms};
    struct sw_cluster_hooks h = {.changed = cluster_changed, .inbox = cluster_inbox, .arg = nd};
    struct sw_engine_cluster ec = {.owns = node_owns, .forward = node_forward, .arg = nd};
    struct sw_cluster_view v;
    struct sw_buf err;
    int r;

    nd->s = s;
    nd->loop = loop;
    pthread_mutex_init(&nd->mu, NULL);
    uv_async_init(loop, &nd->changed, on_changed);
    nd->changed.data = nd;
    uv_timer_init(loop, &nd->timer);
    nd->timer.data = nd;
    s->node = nd;
    sw_buf_init(&err);
    r = sw_cluster_start(&o, &h, &err, &nd->cluster);
    if (r < 0) {
        sw_error("cannot join the cluster as node %s: %s", name, err.data ? err.data : "");
        sw_buf_release(&err);
        return r;
    }
    sw_buf_release(&err);
    sw_cluster_view(nd->cluster, &v);
    ec.peers_alive = sw_cluster_peers_at_start(nd->cluster);
    sw_engine_set_cluster(s->engine, &ec);
    sw_inc_manager_set_fence(s->incidents, node_fence, nd);
    sw_info("cluster: node %s joined: %u live nodes, %d of %d shards here%s", name, v.live,
            __builtin_popcountll(v.shards), SW_CLUSTER_SHARDS, v.leader ? ", leader" : "");
    return 0;
}

/* On the loop when stopping: nothing more from the cluster's thread reaches the loop. */
static void node_close(struct node *nd)
{
    if (!nd) {
        return;
    }
    pthread_mutex_lock(&nd->mu);
    nd->closed = true;
    pthread_mutex_unlock(&nd->mu);
    uv_close((uv_handle_t *)&nd->changed, NULL);
    uv_close((uv_handle_t *)&nd->timer, NULL);
}

/* After the loop drained: leaves the cluster (shards and leadership given back at once). */
static void node_free(struct node *nd)
{
    if (!nd) {
        return;
    }
    sw_cluster_stop(nd->cluster);
    pthread_mutex_destroy(&nd->mu);
    free(nd);
}

/* ---- incidents: the engine tells the manager every service's level ---- */

static void on_level(void *arg, const struct sw_service_level *lv)
{
    sw_inc_manager_level(arg, lv->path, lv->state, lv->since, lv->flapping, lv->output);
}

static struct sw_config *engine_config(void *arg)
{
    return sw_engine_config(arg);
}

/* The page-level alerts firing now go to the incident manager (a contract may want
 * incidents for them). */
static void tell_burn(struct serve *s)
{
    const char **svc = sw_xcalloc(s->n_alerts + 1, sizeof(*svc));
    char **text = sw_xcalloc(s->n_alerts + 1, sizeof(*text));
    size_t n = 0;
    char d1[32], d2[32];

    for (size_t i = 0; i < s->n_alerts; i++) {
        const struct sw_alert_row *a = &s->alerts[i];
        if (!a->page || a->no_data) {
            continue;
        }
        svc[n] = a->service;
        text[n++] = sw_xasprintf("SLO error budget burning %.1fx (threshold %.1fx over %s and %s)",
                                 a->burn_long, a->factor_milli / 1000.0,
                                 sw_duration_format(a->long_s * 1000, d1),
                                 sw_duration_format(a->short_s * 1000, d2));
    }
    sw_inc_manager_burn(s->incidents, svc, (const char *const *)text, n);
    for (size_t i = 0; i < n; i++) {
        free(text[i]);
    }
    free(text);
    free(svc);
}

/* ---- burn-rate alerts, evaluated off the loop thread ---- */

static void burn_work(uv_work_t *w)
{
    struct serve *s = w->data;
    struct sw_config *cfg = sw_engine_config(s->engine);

    s->fresh = NULL;
    s->n_fresh = 0;
    s->burn_status =
        sw_account_burn(cfg, s->store, sw_now(), s->alerts, s->n_alerts, &s->fresh, &s->n_fresh);
    if (s->burn_status == 0) {
        s->burn_status = sw_store_alerts_replace(s->store, s->fresh, s->n_fresh);
    }
    sw_config_unref(cfg);
}

static bool same_alert(const struct sw_alert_row *a, const struct sw_alert_row *b)
{
    return strcmp(a->service, b->service) == 0 && a->long_s == b->long_s &&
           a->short_s == b->short_s && a->no_data == b->no_data;
}

static void burn_done(uv_work_t *w, int status)
{
    struct serve *s = w->data;
    char d1[32], d2[32];

    s->burn_running = false;
    if (status < 0 || s->burn_status < 0) {
        sw_warn("burn-rate evaluation failed: %s",
                strerror(-(status < 0 ? status : s->burn_status)));
        sw_alert_rows_free(s->fresh, s->n_fresh);
        return;
    }
    for (size_t i = 0; i < s->n_fresh; i++) {
        const struct sw_alert_row *a = &s->fresh[i];
        bool known = false;
        for (size_t j = 0; j < s->n_alerts && !known; j++) {
            known = same_alert(a, &s->alerts[j]);
        }
        if (!known) {
            sw_warn("SLO %s: %s %s (%s/%s windows, burn rate %.1f, factor %.1f)", a->service,
                    a->page ? "page" : "ticket", a->no_data ? "has no data" : "burning",
                    sw_duration_format(a->long_s * 1000, d1),
                    sw_duration_format(a->short_s * 1000, d2), a->burn_long,
                    a->factor_milli / 1000.0);
        }
    }
    for (size_t j = 0; j < s->n_alerts; j++) {
        bool still = false;
        for (size_t i = 0; i < s->n_fresh && !still; i++) {
            still = same_alert(&s->fresh[i], &s->alerts[j]);
        }
        if (!still) {
            sw_info("SLO %s: %s alert over %s/%s cleared", s->alerts[j].service,
                    s->alerts[j].page ? "page" : "ticket",
                    sw_duration_format(s->alerts[j].long_s * 1000, d1),
                    sw_duration_format(s->alerts[j].short_s * 1000, d2));
        }
    }
    sw_alert_rows_free(s->alerts, s->n_alerts);
    s->alerts = s->fresh;
    s->n_alerts = s->n_fresh;
    s->fresh = NULL;
    s->n_fresh = 0;
    tell_burn(s);
}

static void on_burn_timer(uv_timer_t *t)
{
    struct serve *s = t->data;

    if (s->burn_running || s->stopping || (s->node && !s->node->leader)) {
        return;
    }
    s->burn_running = true;
    s->burn_work.data = s;
    if (uv_queue_work(t->loop, &s->burn_work, burn_work, burn_done) < 0) {
        s->burn_running = false;
    }
}

static void on_stop_signal(uv_signal_t *h, int signum)
{
    struct serve *s = h->data;

    if (s->stopping) {
        return;
    }
    s->stopping = true;
    sw_info("signal %d: stopping", signum);
    if (s->node) {
        sw_inc_manager_stop(s->incidents); /* it asks the cluster for the fence */
    }
    sw_engine_stop(s->engine);
    node_close(s->node);
    uv_close((uv_handle_t *)&s->sig_int, NULL);
    uv_close((uv_handle_t *)&s->sig_term, NULL);
    uv_close((uv_handle_t *)&s->sig_hup, NULL);
    uv_close((uv_handle_t *)&s->burn_timer, NULL);
}

static void on_hup(uv_signal_t *h, int signum)
{
    struct serve *s = h->data;

    (void)signum;
    sw_info("SIGHUP: reloading the configuration");
    sw_engine_request_reload(s->engine, NULL, NULL);
}

int sw_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"listen", required_argument, NULL, 'l'},
        {"node", required_argument, NULL, 'n'},   {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *listen = NULL, *level = NULL, *node = NULL;
    char host[256];
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_api *api = NULL;
    struct serve s = {0};
    struct sw_buf err;
    enum sw_log_level lvl;
    uv_loop_t loop;
    int c, r, ret = SW_EXIT_FAIL;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:l:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case 'L':
            level = optarg;
            break;
        case 'n':
            node = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("serve", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    }
    if (node && (!*node || strlen(node) > 128 || strpbrk(node, " \t\r\n/"))) {
        return sw_cli_usage_error("serve", "--node takes a name of 1 to 128 characters without "
                                           "spaces or '/'");
    }
    if (level && sw_log_level_parse(level, &lvl) < 0) {
        return sw_cli_usage_error("serve", "--log-level must be debug, info, warn or error");
    }
    r = sw_cli_load_config(file, &cfg);
    if (r) {
        return r;
    }
    sw_log_set_level(level ? lvl : cfg->log_level);
    signal(SIGPIPE, SIG_IGN);
    sw_buf_init(&err);
    uv_loop_init(&loop);
    if (sw_cli_open_store(cfg, &store)) {
        goto out;
    }
    r = sw_engine_new(&loop, cfg, store, &s.engine);
    if (r < 0) {
        sw_error("cannot start the engine: %s", strerror(-r));
        goto out;
    }
    sw_inc_manager_new(store, cfg, &s.incidents);
    sw_inc_manager_set_config_source(s.incidents, engine_config, s.engine);
    sw_engine_set_listener(s.engine, on_level, s.incidents);
    s.store = store;
    if (strcmp(sw_store_backend_name(store), "postgresql") == 0) {
        if (!node) {
            if (gethostname(host, sizeof(host)) < 0 || !*host) {
                snprintf(host, sizeof(host), "node-%ld", (long)getpid());
            }
            host[sizeof(host) - 1] = '\0';
            node = host;
        }
        if (node_start(&s, &loop, cfg, node, listen ? listen : cfg->listen) < 0) {
            node_close(s.node);
            sw_engine_stop(s.engine);
            uv_run(&loop, UV_RUN_DEFAULT);
            goto out;
        }
    } else if (node) {
        sw_warn("--node %s: ignored, a SQLite database serves one node only", node);
    }
    r = sw_engine_start(s.engine);
    if (r < 0) {
        sw_error("cannot start the engine: %s", strerror(-r));
        sw_engine_stop(s.engine);
        node_close(s.node);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out;
    }
    r = sw_api_new(s.engine, store, listen ? listen : cfg->listen, cfg->max_request_body,
                   cfg->tls_cert, cfg->tls_key, &err, &api);
    if (r < 0) {
        sw_error("cannot serve on %s: %s", listen ? listen : cfg->listen,
                 err.len ? err.data : strerror(-r));
        sw_engine_stop(s.engine);
        node_close(s.node);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out;
    }
    sw_api_set_incidents(api, s.incidents);
    /* with several nodes, the leader alone handles incidents: it starts with the leadership */
    r = s.node ? 0 : sw_inc_manager_start(s.incidents);
    if (r < 0) {
        sw_error("cannot start the incident manager: %s", strerror(-r));
        sw_engine_stop(s.engine);
        node_close(s.node);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out;
    }
    {
        char safe[512];
        sw_info("stackward %s serving on %s (port %d; %zu checks; database %s)", SW_VERSION,
                listen ? listen : cfg->listen, sw_api_port(api), cfg->n_checks,
                sw_store_uri_redact(cfg->database, safe, sizeof(safe)));
    }
    uv_signal_init(&loop, &s.sig_int);
    uv_signal_init(&loop, &s.sig_term);
    uv_signal_init(&loop, &s.sig_hup);
    s.sig_int.data = s.sig_term.data = s.sig_hup.data = &s;
    uv_signal_start(&s.sig_int, on_stop_signal, SIGINT);
    uv_signal_start(&s.sig_term, on_stop_signal, SIGTERM);
    uv_signal_start(&s.sig_hup, on_hup, SIGHUP);
    sw_store_alerts_list(store, &s.alerts, &s.n_alerts); /* "since" survives a restart */
    tell_burn(&s);
    uv_timer_init(&loop, &s.burn_timer);
    s.burn_timer.data = &s;
    uv_timer_start(&s.burn_timer, on_burn_timer, BURN_FIRST_MS, BURN_EVERY_MS);
    if (s.node) {
        read_states(s.node);
        uv_timer_start(&s.node->timer, on_mirror_timer, MIRROR_EVERY_MS, MIRROR_EVERY_MS);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    ret = SW_EXIT_OK;
    sw_info("stopped");
out:
    sw_alert_rows_free(s.alerts, s.n_alerts);
    sw_api_free(api);
    sw_inc_manager_free(s.incidents);
    node_free(s.node);
    sw_engine_free(s.engine);
    sw_store_free(store);
    uv_loop_close(&loop);
    sw_config_unref(cfg);
    sw_buf_release(&err);
    return ret;
}
