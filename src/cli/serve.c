/* SPDX-License-Identifier: Apache-2.0 */
/* serve.c: `stackward serve`, the daemon: the store, the engine on a libuv loop, the API on
 * its threads; SIGHUP reloads, SIGINT and SIGTERM stop cleanly. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "account/account.h"
#include "api/api.h"
#include "cli/cli.h"
#include "engine/engine.h"
#include "incident/incident.h"

static const char usage[] =
    "Usage: stackward serve [-c FILE] [--listen ADDR:PORT] [--log-level LEVEL]\n"
    "\n"
    "Runs the daemon: schedules every check of FILE, keeps state and history in the\n"
    "configured database, and serves the API, /metrics and /healthz.\n"
    "\n"
    "  -c, --config FILE     configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -l, --listen ADDR:PORT  listen here instead of the config's `listen`\n"
    "      --log-level LEVEL debug, info, warn or error (default: the config's, or info)\n"
    "  -h, --help            this text\n"
    "\n"
    "Signals: SIGHUP reloads the configuration (an invalid one is refused and the running\n"
    "one stays); SIGINT and SIGTERM stop after closing the history cleanly.\n";

#define BURN_EVERY_MS 60000 /* burn-rate alerts are evaluated this often */
#define BURN_FIRST_MS 5000

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
};

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

    if (s->burn_running || s->stopping) {
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
    sw_engine_stop(s->engine);
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
        {"config", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *listen = NULL, *level = NULL;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_api *api = NULL;
    struct serve s = {0};
    struct sw_buf err;
    enum sw_log_level lvl;
    uv_loop_t loop;
    int c, r, ret = SW_EXIT_FAIL;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:l:h", opts, NULL)) != -1) {
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
    r = sw_engine_start(s.engine);
    if (r < 0) {
        sw_error("cannot start the engine: %s", strerror(-r));
        goto out;
    }
    r = sw_api_new(s.engine, store, listen ? listen : cfg->listen, cfg->max_request_body,
                   cfg->tls_cert, cfg->tls_key, &err, &api);
    if (r < 0) {
        sw_error("cannot serve on %s: %s", listen ? listen : cfg->listen,
                 err.len ? err.data : strerror(-r));
        sw_engine_stop(s.engine);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out;
    }
    sw_api_set_incidents(api, s.incidents);
    r = sw_inc_manager_start(s.incidents);
    if (r < 0) {
        sw_error("cannot start the incident manager: %s", strerror(-r));
        sw_engine_stop(s.engine);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out;
    }
    sw_info("stackward %s serving on %s (port %d; %zu checks; database %s)", SW_VERSION,
            listen ? listen : cfg->listen, sw_api_port(api), cfg->n_checks, cfg->database);
    uv_signal_init(&loop, &s.sig_int);
    uv_signal_init(&loop, &s.sig_term);
    uv_signal_init(&loop, &s.sig_hup);
    s.sig_int.data = s.sig_term.data = s.sig_hup.data = &s;
    uv_signal_start(&s.sig_int, on_stop_signal, SIGINT);
    uv_signal_start(&s.sig_term, on_stop_signal, SIGTERM);
    uv_signal_start(&s.sig_hup, on_hup, SIGHUP);
    s.store = store;
    sw_store_alerts_list(store, &s.alerts, &s.n_alerts); /* "since" survives a restart */
    tell_burn(&s);
    uv_timer_init(&loop, &s.burn_timer);
    s.burn_timer.data = &s;
    uv_timer_start(&s.burn_timer, on_burn_timer, BURN_FIRST_MS, BURN_EVERY_MS);
    uv_run(&loop, UV_RUN_DEFAULT);
    ret = SW_EXIT_OK;
    sw_info("stopped");
out:
    sw_alert_rows_free(s.alerts, s.n_alerts);
    sw_api_free(api);
    sw_inc_manager_free(s.incidents);
    sw_engine_free(s.engine);
    sw_store_free(store);
    uv_loop_close(&loop);
    sw_config_unref(cfg);
    sw_buf_release(&err);
    return ret;
}
