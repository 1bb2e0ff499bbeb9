/* SPDX-License-Identifier: Apache-2.0 */
/* serve.c: `stackward serve`, the daemon: the store, the engine on a libuv loop, the API on
 * its threads; SIGHUP reloads, SIGINT and SIGTERM stop cleanly. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "api/api.h"
#include "cli/cli.h"
#include "engine/engine.h"

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

struct serve {
    struct sw_engine *engine;
    uv_signal_t sig_int;
    uv_signal_t sig_term;
    uv_signal_t sig_hup;
    bool stopping;
};

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
    r = sw_engine_start(s.engine);
    if (r < 0) {
        sw_error("cannot start the engine: %s", strerror(-r));
        goto out;
    }
    r = sw_api_new(s.engine, store, listen ? listen : cfg->listen, cfg->max_request_body, &err,
                   &api);
    if (r < 0) {
        sw_error("cannot serve on %s: %s", listen ? listen : cfg->listen,
                 err.len ? err.data : strerror(-r));
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
    uv_run(&loop, UV_RUN_DEFAULT);
    ret = SW_EXIT_OK;
    sw_info("stopped");
out:
    sw_api_free(api);
    sw_engine_free(s.engine);
    sw_store_free(store);
    uv_loop_close(&loop);
    sw_config_unref(cfg);
    sw_buf_release(&err);
    return ret;
}
