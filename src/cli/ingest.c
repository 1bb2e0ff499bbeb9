/* SPDX-License-Identifier: Apache-2.0 */
/* ingest.c: `stackward ingest`: loads timestamped results from a JSON Lines file through the
 * same state engine as live results, into the configured database. How a team brings its
 * history from another tool, and how a month of history is built in seconds. The whole file
 * is checked before anything is applied: nothing is half-loaded. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "api/api.h"
#include "cli/cli.h"
#include "engine/engine.h"

#define BATCH 5000
#define IN_FLIGHT 4
#define LINE_MAX_BYTES (1 << 20)

static const char usage[] =
    "Usage: stackward ingest [-c FILE] RESULTS.jsonl\n"
    "\n"
    "Loads timestamped results, one JSON object per line, in order, through the same state\n"
    "engine as live results:\n"
    "  {\"check\": \"acme/fra1/identity/keystone-http\", \"state\": \"CRITICAL\",\n"
    "   \"output\": \"HTTP 503\", \"time\": \"2026-10-05T10:15:00Z\"}\n"
    "state is 0-3 or OK, WARNING, CRITICAL, UNKNOWN; time is required. Each check's results\n"
    "must be in time order and after what the database already holds for it. The whole file\n"
    "is checked first: on any error nothing is loaded (exit 2, FILE:LINE: message). The\n"
    "daemon must not be running on the same database. Ingested history counts as observed:\n"
    "each result holds until the next (a passive check's freshness still turns a longer\n"
    "silence UNKNOWN).\n"
    "\n"
    "  -c, --config FILE  configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -h, --help         this text\n";

struct pending {
    int outstanding;
    int failed;
    char *message;
};

static void on_done(void *arg, int status, const char *message)
{
    struct pending *p = arg;

    if (status && !__atomic_load_n(&p->failed, __ATOMIC_SEQ_CST)) {
        p->message = sw_xstrdup(message ? message : strerror(-status));
        __atomic_store_n(&p->failed, status, __ATOMIC_SEQ_CST);
    }
    __atomic_sub_fetch(&p->outstanding, 1, __ATOMIC_SEQ_CST);
}

static void wait_below(uv_loop_t *loop, struct pending *p, int n)
{
    while (__atomic_load_n(&p->outstanding, __ATOMIC_SEQ_CST) > n) {
        uv_run(loop, UV_RUN_NOWAIT);
        uv_sleep(1);
    }
}

/* Reads the next line into buf; 0 at EOF, 1 with a line, -E2BIG when over the cap. */
static int read_line(FILE *f, struct sw_buf *buf)
{
    int c;

    sw_buf_reset(buf);
    while ((c = getc(f)) != EOF && c != '\n') {
        char ch = (char)c;
        if (buf->len >= LINE_MAX_BYTES) {
            return -E2BIG;
        }
        sw_buf_append(buf, &ch, 1);
    }
    return c == EOF && buf->len == 0 ? 0 : 1;
}

/* Parses one line into *ret (which owns its strings): 0, 1 for a blank line, or -EINVAL with
 * a message in err. */
static int parse_line(const struct sw_config *cfg, const char *line, size_t len,
                      struct sw_passive *ret, struct sw_buf *err)
{
    struct sw_passive *v = NULL;
    size_t n = 0, i = 0;

    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) {
        i++;
    }
    if (i == len) {
        return 1;
    }
    if (line[i] != '{') {
        sw_buf_puts(err, "expected one JSON object per line");
        return -EINVAL;
    }
    if (sw_api_parse_results(line, len, &v, &n, err) < 0) {
        return -EINVAL;
    }
    if (!v[0].t_ms) {
        sw_buf_puts(err, "\"time\" is required");
        sw_api_passives_free(v, n);
        return -EINVAL;
    }
    if (!sw_config_find_check(cfg, v[0].path)) {
        sw_buf_printf(err, "no check '%s' in the configuration", v[0].path);
        sw_api_passives_free(v, n);
        return -EINVAL;
    }
    *ret = v[0];
    free(v); /* the strings moved to *ret */
    return 0;
}

int sw_cmd_ingest(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *input;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_engine *engine = NULL;
    struct sw_check_snapshot *snaps = NULL;
    struct sw_passive *batch = NULL;
    struct pending pend = {0};
    struct sw_map last; /* check path -> int64_t[2]: latest time (ms), seen in this file */
    struct sw_buf line, err;
    size_t n_snaps = 0, nb = 0, total = 0, lineno = 0, n_checks = 0;
    int64_t alive = 0, t_min = INT64_MAX, t_max = 0;
    FILE *f = NULL;
    uv_loop_t loop;
    int c, r, ret = SW_EXIT_USAGE;
    bool loop_ok = false;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("ingest", "bad option");
        }
    }
    if (optind != argc - 1) {
        return sw_cli_usage_error("ingest", "give exactly one RESULTS.jsonl file");
    }
    input = argv[optind];
    sw_log_set_level(SW_LOG_WARN); /* a state change per line would drown the summary */
    sw_map_init(&last);
    sw_buf_init(&line);
    sw_buf_init(&err);
    r = sw_cli_load_config(file, &cfg);
    if (r) {
        return r;
    }
    f = strcmp(input, "-") == 0 ? stdin : fopen(input, "re");
    if (!f) {
        fprintf(stderr, "stackward ingest: %s: %s\n", input, strerror(errno));
        goto out;
    }
    if (f == stdin) {
        fprintf(stderr, "stackward ingest: reading stdin is not supported: the file is read "
                        "twice (checked, then loaded)\n");
        f = NULL;
        goto out;
    }
    if (sw_cli_open_store(cfg, &store)) {
        ret = SW_EXIT_FAIL;
        goto out;
    }
    if (sw_store_last_alive(store, &alive) == 0 && alive > sw_now() - 10) {
        char safe[512];
        fprintf(stderr,
                "stackward ingest: the daemon is running on %s (alive at %lld): stop "
                "it first, or POST the results to its API\n",
                sw_store_uri_redact(cfg->database, safe, sizeof(safe)), (long long)alive);
        ret = SW_EXIT_FAIL;
        goto out;
    }
    if (sw_store_load_states(store, &snaps, &n_snaps) < 0) {
        fprintf(stderr, "stackward ingest: cannot read the store\n");
        ret = SW_EXIT_FAIL;
        goto out;
    }
    /* pass 1: check everything */
    for (size_t i = 0; i < n_snaps; i++) {
        int64_t *t = sw_xcalloc(2, sizeof(*t));
        t[0] = snaps[i].last_check_ms;
        sw_map_put(&last, snaps[i].path, t);
    }
    while ((r = read_line(f, &line)) != 0) {
        struct sw_passive p = {0};
        int64_t *t;

        lineno++;
        sw_buf_reset(&err);
        if (r == -E2BIG) {
            fprintf(stderr, "%s:%zu: line longer than %d bytes\n", input, lineno, LINE_MAX_BYTES);
            goto out;
        }
        r = parse_line(cfg, line.data, line.len, &p, &err);
        if (r == 1) {
            continue;
        }
        if (r < 0) {
            fprintf(stderr, "%s:%zu: %s\n", input, lineno, err.data ? err.data : "bad line");
            goto out;
        }
        t = sw_map_get(&last, p.path);
        if (t && p.t_ms < t[0]) {
            char a[SW_TIME_LEN], b[SW_TIME_LEN];
            fprintf(stderr,
                    "%s:%zu: result for '%s' at %s is before its previous result (%s): "
                    "results must be in time order\n",
                    input, lineno, p.path, sw_time_format(p.t_ms / 1000, a),
                    sw_time_format(t[0] / 1000, b));
            free(p.path);
            free(p.output);
            goto out;
        }
        if (!t) {
            const struct sw_check_conf *cc = sw_config_find_check(cfg, p.path);
            t = sw_xcalloc(2, sizeof(*t));
            sw_map_put(&last, cc->path, t); /* the key lives in the config */
        }
        t[0] = p.t_ms;
        if (!t[1]) {
            t[1] = 1;
            n_checks++;
        }
        t_min = p.t_ms < t_min ? p.t_ms : t_min;
        t_max = p.t_ms > t_max ? p.t_ms : t_max;
        total++;
        free(p.path);
        free(p.output);
    }
    if (!total) {
        printf("%s: no results\n", input);
        ret = SW_EXIT_OK;
        goto out;
    }
    /* pass 2: apply, in batches, a few in flight */
    rewind(f);
    uv_loop_init(&loop);
    loop_ok = true;
    if (sw_engine_new(&loop, cfg, store, &engine) < 0 || sw_engine_start_offline(engine) < 0) {
        fprintf(stderr, "stackward ingest: cannot start the engine\n");
        ret = SW_EXIT_FAIL;
        goto out;
    }
    batch = sw_xcalloc(BATCH, sizeof(*batch));
    lineno = 0;
    while ((r = read_line(f, &line)) != 0) {
        sw_buf_reset(&err);
        if (parse_line(cfg, line.data, line.len, &batch[nb], &err) != 0) {
            continue; /* blank: pass 1 refused everything else */
        }
        if (++nb == BATCH) {
            __atomic_add_fetch(&pend.outstanding, 1, __ATOMIC_SEQ_CST);
            sw_engine_submit(engine, batch, nb, on_done, &pend);
            sw_api_passives_free(batch, nb);
            batch = sw_xcalloc(BATCH, sizeof(*batch));
            nb = 0;
            wait_below(&loop, &pend, IN_FLIGHT - 1);
        }
    }
    if (nb) {
        __atomic_add_fetch(&pend.outstanding, 1, __ATOMIC_SEQ_CST);
        sw_engine_submit(engine, batch, nb, on_done, &pend);
    }
    wait_below(&loop, &pend, 0);
    if (pend.failed) {
        fprintf(stderr, "stackward ingest: %s\n", pend.message ? pend.message : "failed");
        ret = SW_EXIT_FAIL;
        goto out;
    }
    if (t_max / 1000 > alive) {
        sw_store_mark_alive(store, t_max / 1000);
    }
    {
        char a[SW_TIME_LEN], b[SW_TIME_LEN];
        printf("%s: ingested %zu results for %zu checks, %s to %s\n", input, total, n_checks,
               sw_time_format(t_min / 1000, a), sw_time_format(t_max / 1000, b));
    }
    ret = SW_EXIT_OK;
out:
    if (engine) {
        sw_engine_stop(engine);
        uv_run(&loop, UV_RUN_DEFAULT);
        sw_engine_free(engine);
    }
    if (loop_ok) {
        uv_loop_close(&loop);
    }
    if (batch) {
        sw_api_passives_free(batch, nb);
    }
    for (size_t i = 0; i < last.cap; i++) {
        free(last.slots[i].value);
    }
    sw_map_release(&last);
    sw_check_snapshots_free(snaps, n_snaps);
    if (f) {
        fclose(f);
    }
    sw_store_free(store);
    sw_config_unref(cfg);
    free(pend.message);
    sw_buf_release(&line);
    sw_buf_release(&err);
    return ret;
}
