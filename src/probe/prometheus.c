/* SPDX-License-Identifier: Apache-2.0 */
/* prometheus.c: the prometheus probe: one instant query (GET /api/v1/query?query=...) against
 * a Prometheus HTTP API, judged by the check's warning and critical conditions (prom_parse.c)
 * with the check's auth and TLS settings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "probe/probe_int.h"
#include "probe/prom.h"

struct prom_run {
    struct sw_run run;
    struct sw_http_call *call;
};

/* The query URL: base + /api/v1/query with the query URL-encoded; NULL when curl refuses. */
static char *query_url(const struct sw_check_conf *c)
{
    CURLU *u = curl_url();
    char *path = NULL, *q = NULL, *url = NULL, *out = NULL;
    size_t n;

    if (!u || curl_url_set(u, CURLUPART_URL, c->url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
        goto done;
    }
    n = strlen(path);
    while (n > 0 && path[n - 1] == '/') {
        n--;
    }
    q = sw_xasprintf("%.*s/api/v1/query", (int)n, path);
    if (curl_url_set(u, CURLUPART_PATH, q, 0) != CURLUE_OK) {
        goto done;
    }
    free(q);
    q = sw_xasprintf("query=%s", c->query);
    if (curl_url_set(u, CURLUPART_QUERY, q, CURLU_APPENDQUERY | CURLU_URLENCODE) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
        goto done;
    }
    out = sw_xstrdup(url);
done:
    curl_free(path);
    curl_free(url);
    free(q);
    curl_url_cleanup(u);
    return out;
}

static void on_reply(void *arg, const struct sw_http_reply *rep)
{
    struct prom_run *k = arg;
    const struct sw_check_conf *c = k->run.c;
    struct sw_probe_result r = {0};
    struct sw_prom_result res = {0};
    struct sw_prom_cond warn, crit;
    struct sw_buf out, err;

    k->call = NULL;
    sw_buf_init(&out);
    sw_buf_init(&err);
    r.latency_us = rep->latency_us;
    if (!rep->ok) {
        r.state = SW_CRITICAL;
        sw_buf_printf(&out, "Prometheus did not answer: %s", rep->error);
    } else if (rep->truncated) {
        r.state = SW_UNKNOWN;
        sw_buf_printf(&out, "the answer is larger than %zu bytes", c->max_body);
    } else if (sw_prom_parse(rep->body, rep->len, &res, &err) < 0) {
        /* an error answer (bad query: 400, timeout: 503) carries its reason in the JSON */
        r.state = SW_UNKNOWN;
        sw_buf_printf(&out, "HTTP %ld: %s", rep->status, err.data ? err.data : "");
    } else {
        bool w = c->warn_cond && sw_prom_cond_parse(c->warn_cond, &warn, &err) == 0;
        bool cr = c->crit_cond && sw_prom_cond_parse(c->crit_cond, &crit, &err) == 0;
        r.state = sw_prom_judge(&res, w ? &warn : NULL, cr ? &crit : NULL, &out);
    }
    r.perfdata = sw_xasprintf("time=%.6fs;;;0 series=%zu", (double)rep->latency_us / 1e6,
                              res.type == SW_PROM_VECTOR ? res.n : 0);
    r.output = sw_buf_steal(&out);
    sw_buf_release(&err);
    sw_prom_result_release(&res);
    sw_run_finish(&k->run, &r);
    sw_probes_unpend(k->run.p);
    free(k);
}

static void cancel(struct sw_run *run)
{
    struct prom_run *k = (struct prom_run *)run;

    if (k->call) {
        sw_http_cancel(k->call);
    }
    sw_run_finishf(run, SW_UNKNOWN, "cancelled");
    sw_probes_unpend(run->p);
    free(k);
}

int sw_prometheus_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                        void *arg)
{
    static const char *const headers[] = {"Accept: application/json"};
    struct prom_run *k;
    char *url;
    int r;

    if (!c->url || !c->query) {
        return -EINVAL;
    }
    k = sw_xcalloc(1, sizeof(*k));
    sw_run_begin(p, &k->run, c, cb, arg);
    k->run.cancel = cancel;
    url = query_url(c);
    if (!url) {
        sw_run_finishf(&k->run, SW_UNKNOWN, "cannot build the query URL from '%s'", c->url);
        sw_probes_unpend(p);
        free(k);
        return 0;
    }
    struct sw_http_req q = {
        .url = url,
        .headers = headers,
        .n_headers = 1,
        .c = c,
        .auth = true,
        .max_body = c->max_body,
    };
    r = sw_http_request(p, &q, on_reply, k, &k->call);
    free(url);
    if (r < 0) {
        sw_run_finishf(&k->run, SW_UNKNOWN, "cannot start the request: %s", strerror(-r));
        sw_probes_unpend(p);
        free(k);
    }
    return 0;
}
