/* SPDX-License-Identifier: Apache-2.0 */
/* k8s.c: the kubernetes probe. A run asks the API server for /readyz?verbose and
 * /livez?verbose (and /api/v1/nodes when the check says `nodes: true`) at once, with the
 * check's bearer token and CA, and reports:
 *  - the check's own result: OK when both reports passed (and every node is Ready), else
 *    CRITICAL naming what failed ("readyz failed: etcd; node worker-2 NotReady");
 *  - one child per report item, CHECK-readyz-NAME and CHECK-livez-NAME, and per node,
 *    CHECK-node-NAME, in the check's own service, so an outage says which component failed
 *    (the check's id leads, so two API servers of one service keep their parts apart).
 * When every answer was read the children are the whole set: items and nodes that went away
 * are retired. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "probe/k8s.h"
#include "probe/probe_int.h"

#define MAX_REPORT (256u * 1024)

enum { Q_READYZ, Q_LIVEZ, Q_NODES, Q_N };

static const char *const q_names[Q_N] = {"readyz", "livez", "nodes"};
static const char *const q_paths[Q_N] = {"/readyz?verbose", "/livez?verbose", "/api/v1/nodes"};

struct k8s_run;

struct k8s_call {
    struct k8s_run *run;
    struct sw_http_call *call; /* NULL once answered */
    int q;
    bool answered;
    long status;
    char *body;
    size_t len;
    char *error; /* no answer, or an answer that could not be read */
    int64_t latency_us;
};

struct k8s_run {
    struct sw_run run;
    struct k8s_call calls[Q_N];
    int pending;
};

/* The child id CHECK-KIND-ID ("api-readyz-etcd"; CHECK-ID when kind is ""), cut to 64 bytes; a
 * clash with an id given earlier in this run (two long names cut alike) gets "-2", "-3"... */
static void child_id(const struct sw_check_conf *c, const char *kind, const char *id,
                     const struct sw_probe_result *r, char out[65])
{
    char joined[256];
    size_t n;

    if (*kind) {
        snprintf(joined, sizeof(joined), "%s-%s-%s", c->id, kind, id);
    } else {
        snprintf(joined, sizeof(joined), "%s-%s", c->id, id);
    }
    n = sw_id_from(joined, out, 65);
    for (int k = 2;; k++) {
        bool clash = false;
        for (size_t i = 0; i < r->n_children && !clash; i++) {
            clash = strcmp(r->children[i].check, out) == 0;
        }
        if (!clash) {
            return;
        }
        char suffix[16];
        int sl = snprintf(suffix, sizeof(suffix), "-%d", k);
        size_t keep = n + (size_t)sl > 64 ? 64 - (size_t)sl : n;
        while (keep > 1 && strchr("-._", out[keep - 1])) {
            keep--;
        }
        memcpy(out + keep, suffix, (size_t)sl + 1);
        n = keep + (size_t)sl;
    }
}

/* Keystone-like Status objects carry the API server's reason: {"message": ...}. */
static void status_message(const char *body, size_t len, struct sw_buf *out)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const char *m = json_string_value(json_object_get(root, "message"));

    if (m && sw_str_is_text(m, strlen(m))) {
        sw_buf_printf(out, ": %.200s", m);
    }
    json_decref(root);
}

static void run_free(struct k8s_run *k)
{
    for (int i = 0; i < Q_N; i++) {
        free(k->calls[i].body);
        free(k->calls[i].error);
    }
    free(k);
}

/* One verbose report: its items become children; failures are named in out. */
static bool report_items(const struct sw_check_conf *c, struct k8s_call *kc,
                         struct sw_probe_result *r, struct sw_buf *out, enum sw_state *st)
{
    const char *name = q_names[kc->q];
    struct sw_k8s_item *items = NULL;
    size_t n = 0;
    bool passed = false;
    struct sw_buf err, failed;

    if (kc->error) {
        *st = SW_CRITICAL;
        sw_buf_printf(out, "%s%s: %s", out->len ? "; " : "", name, kc->error);
        return false;
    }
    if (kc->status == 401 || kc->status == 403) {
        *st = SW_CRITICAL;
        sw_buf_printf(out, "%s%s: the token was refused (HTTP %ld)", out->len ? "; " : "", name,
                      kc->status);
        status_message(kc->body, kc->len, out);
        return false;
    }
    sw_buf_init(&err);
    if (sw_k8s_verbose_parse(kc->body, kc->len, &items, &n, &passed, &err) < 0) {
        *st = SW_CRITICAL;
        sw_buf_printf(out, "%s%s: HTTP %ld, %s", out->len ? "; " : "", name, kc->status,
                      err.data ? err.data : "unreadable");
        sw_buf_release(&err);
        return false;
    }
    sw_buf_release(&err);
    sw_buf_init(&failed);
    for (size_t i = 0; i < n; i++) {
        char id[65];
        child_id(c, name, items[i].check_id, r, id);
        if (items[i].ok) {
            sw_probe_result_child(r, NULL, id, SW_OK, kc->latency_us, NULL, "%s ok%s",
                                  items[i].name, items[i].excluded ? " (excluded)" : "");
            continue;
        }
        sw_probe_result_child(r, NULL, id, SW_CRITICAL, kc->latency_us, NULL, "%s failed%s%s",
                              items[i].name, items[i].reason ? ": " : "",
                              items[i].reason ? items[i].reason : "");
        sw_buf_printf(&failed, "%s%s", failed.len ? ", " : "", items[i].name);
    }
    if (failed.len) {
        *st = SW_CRITICAL;
        sw_buf_printf(out, "%s%s failed: %s", out->len ? "; " : "", name, failed.data);
    } else if (!passed) {
        *st = SW_CRITICAL;
        sw_buf_printf(out, "%s%s check failed (HTTP %ld)", out->len ? "; " : "", name, kc->status);
    }
    sw_buf_release(&failed);
    sw_k8s_items_free(items, n);
    return true;
}

static bool report_nodes(const struct sw_check_conf *c, struct k8s_call *kc,
                         struct sw_probe_result *r, struct sw_buf *out, enum sw_state *st,
                         size_t *ret_n)
{
    struct sw_k8s_node *nodes = NULL;
    size_t n = 0;
    struct sw_buf err;

    if (kc->error || kc->status != 200) {
        *st = SW_CRITICAL;
        if (kc->error) {
            sw_buf_printf(out, "%snodes: %s", out->len ? "; " : "", kc->error);
        } else {
            sw_buf_printf(out, "%snodes: HTTP %ld%s", out->len ? "; " : "", kc->status,
                          kc->status == 401 || kc->status == 403 ? " (the token may not list nodes)"
                                                                 : "");
            status_message(kc->body ? kc->body : "", kc->len, out);
        }
        return false;
    }
    sw_buf_init(&err);
    if (sw_k8s_nodes_parse(kc->body, kc->len, &nodes, &n, &err) < 0) {
        *st = SW_CRITICAL;
        sw_buf_printf(out, "%snodes: %s", out->len ? "; " : "", err.data ? err.data : "unreadable");
        sw_buf_release(&err);
        return false;
    }
    sw_buf_release(&err);
    for (size_t i = 0; i < n; i++) {
        const struct sw_k8s_node *nd = &nodes[i];
        char id[65];
        /* the node check id is "node-NAME" already */
        child_id(c, "", nd->check_id, r, id);
        if (nd->ready == 1) {
            sw_probe_result_child(r, NULL, id, SW_OK, 0, NULL, "node %s Ready", nd->name);
            continue;
        }
        /* Unknown: the node stopped reporting (the kubelet is gone): an outage as well */
        const char *what = nd->ready == 0 ? "NotReady" : "readiness Unknown";
        sw_probe_result_child(r, NULL, id, SW_CRITICAL, 0, NULL, "node %s %s%s%s%s%s%s", nd->name,
                              what, nd->reason ? " (" : "", nd->reason ? nd->reason : "",
                              nd->reason ? ")" : "", nd->message ? ": " : "",
                              nd->message ? nd->message : "");
        *st = SW_CRITICAL;
        sw_buf_printf(out, "%snode %s %s", out->len ? "; " : "", nd->name, what);
    }
    *ret_n = n;
    sw_k8s_nodes_free(nodes, n);
    return true;
}

static void finish(struct k8s_run *k)
{
    const struct sw_check_conf *c = k->run.c;
    struct sw_probe_result r = {0};
    struct sw_buf out, perf;
    bool complete = true;
    size_t nodes = 0;

    sw_buf_init(&out);
    sw_buf_init(&perf);
    r.state = SW_OK;
    r.latency_us = sw_run_elapsed_us(&k->run);
    complete &= report_items(c, &k->calls[Q_READYZ], &r, &out, &r.state);
    complete &= report_items(c, &k->calls[Q_LIVEZ], &r, &out, &r.state);
    if (c->k8s_nodes) {
        complete &= report_nodes(c, &k->calls[Q_NODES], &r, &out, &r.state, &nodes);
    }
    if (r.state == SW_OK) {
        size_t items = r.n_children - nodes;
        sw_buf_printf(&out, "readyz and livez passed (%zu checks)", items);
        if (c->k8s_nodes) {
            sw_buf_printf(&out, ", %zu nodes Ready", nodes);
        }
    }
    sw_buf_printf(&perf, "readyz_time=%.6fs;;;0 livez_time=%.6fs;;;0",
                  (double)k->calls[Q_READYZ].latency_us / 1e6,
                  (double)k->calls[Q_LIVEZ].latency_us / 1e6);
    r.children_complete = complete;
    r.output = sw_buf_steal(&out);
    r.perfdata = sw_buf_steal(&perf);
    sw_run_finish(&k->run, &r);
    sw_probes_unpend(k->run.p);
    run_free(k);
}

static void on_reply(void *arg, const struct sw_http_reply *rep)
{
    struct k8s_call *kc = arg;
    struct k8s_run *k = kc->run;

    kc->call = NULL;
    kc->answered = true;
    kc->latency_us = rep->latency_us;
    if (!rep->ok) {
        kc->error = sw_xasprintf("no answer: %s", rep->error);
    } else if (rep->truncated) {
        kc->error = sw_xasprintf("HTTP %ld with an answer larger than %zu bytes", rep->status,
                                 kc->q == Q_NODES ? k->run.c->max_body : (size_t)MAX_REPORT);
    } else {
        kc->status = rep->status;
        kc->body = sw_xstrndup(rep->body, rep->len);
        kc->len = rep->len;
    }
    if (--k->pending == 0) {
        finish(k);
    }
}

static void cancel(struct sw_run *run)
{
    struct k8s_run *k = (struct k8s_run *)run;

    for (int i = 0; i < Q_N; i++) {
        if (k->calls[i].call) {
            sw_http_cancel(k->calls[i].call);
            k->calls[i].call = NULL;
        }
    }
    sw_run_finishf(run, SW_UNKNOWN, "cancelled");
    sw_probes_unpend(run->p);
    run_free(k);
}

int sw_k8s_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb, void *arg)
{
    static const char *const headers[] = {"Accept: application/json, text/plain"};
    struct k8s_run *k;
    size_t base_len;

    if (!c->url) {
        return -EINVAL;
    }
    base_len = strlen(c->url);
    while (base_len > 0 && c->url[base_len - 1] == '/') {
        base_len--;
    }
    k = sw_xcalloc(1, sizeof(*k));
    sw_run_begin(p, &k->run, c, cb, arg);
    k->run.cancel = cancel;
    k->pending = 1; /* held while starting */
    for (int i = 0; i < Q_N; i++) {
        struct k8s_call *kc = &k->calls[i];
        char *url;
        int r;
        kc->run = k;
        kc->q = i;
        if (i == Q_NODES && !c->k8s_nodes) {
            continue;
        }
        url = sw_xasprintf("%.*s%s", (int)base_len, c->url, q_paths[i]);
        struct sw_http_req q = {
            .url = url,
            .headers = headers,
            .n_headers = 1,
            .c = c,
            .auth = true,
            .max_body = i == Q_NODES ? c->max_body : MAX_REPORT,
        };
        k->pending++;
        r = sw_http_request(p, &q, on_reply, kc, &kc->call);
        free(url);
        if (r < 0) {
            k->pending--;
            kc->error = sw_xasprintf("cannot start the request: %s", strerror(-r));
        }
    }
    if (--k->pending == 0) {
        finish(k);
    }
    return 0;
}
