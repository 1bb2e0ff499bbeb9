/* SPDX-License-Identifier: Apache-2.0 */
/* keystone.c: the keystone probe. A run:
 *  1. gets a token: a cached one is checked with GET /auth/tokens (cheap, no catalog); none,
 *     an expiring or a refused one, or a discovery that is due, gives a login
 *     (POST /auth/tokens) whose X-Subject-Token is kept until 60 s before it expires and
 *     whose catalog, filtered by interface, region and service types, is the list of
 *     endpoints to watch;
 *  2. requests every endpoint at once (GET of its URL with the token) and judges each answer;
 *  3. reports the check's own result (how the login or the validation went) and one child a
 *     endpoint, addressed CUSTOMER/DEPLOYMENT/<catalog type>/<interface>-<region>. After a
 *     discovery the children are the whole set: endpoints gone from the catalog retire.
 * The token and the password never reach a log, an output or the store. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "probe/keystone.h"
#include "probe/probe_int.h"

#define TOKEN_MARGIN_MS 60000 /* a token is renewed this long before it expires */
#define MAX_CATALOG_BODY (8u * 1024 * 1024)

/* What a keystone check keeps between runs. */
struct ks_cache {
    char *path;
    uint64_t fingerprint; /* of the check it belongs to: a changed check starts afresh */
    char *token;          /* X-Subject-Token, or NULL */
    int64_t expires_ms;
    int64_t discovered_ms; /* when the catalog was last read */
    struct sw_ks_token catalog;
};

struct ks_run;

struct ks_call {
    struct ks_run *run;
    struct sw_http_call *call; /* NULL once answered */
    size_t idx;                /* endpoint index */
};

struct ks_run {
    struct sw_run run;
    struct ks_cache *cache;
    struct sw_http_call *login; /* the token request in flight, or NULL */
    bool discovered;            /* this run read the catalog */
    enum sw_state state;        /* the check's own */
    struct sw_buf out;
    struct sw_buf perf;
    struct ks_call *calls; /* one per endpoint */
    size_t n_calls;
    size_t pending;
    struct sw_buf *ep_out; /* per endpoint: its line */
    enum sw_state *ep_state;
    int64_t *ep_latency;
    char **ep_svc; /* per endpoint: its service id and check id, the run's own copies (the
                      cache's catalog may be replaced by another run meanwhile) */
    char **ep_id;
    char *auth_header; /* "X-Auth-Token: ..." (wiped when freed) */
    char *subject_header;
};

static void wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void cache_reset(struct ks_cache *k)
{
    wipe_free(k->token);
    k->token = NULL;
    k->expires_ms = 0;
    k->discovered_ms = 0;
    sw_ks_token_release(&k->catalog);
}

static struct ks_cache *cache_get(struct sw_probes *p, const struct sw_check_conf *c)
{
    struct ks_cache *k = sw_map_get(&p->ks_cache, c->path);

    if (!k) {
        k = sw_xcalloc(1, sizeof(*k));
        k->path = sw_xstrdup(c->path);
        k->fingerprint = c->fingerprint;
        sw_map_put(&p->ks_cache, k->path, k);
    } else if (k->fingerprint != c->fingerprint) {
        cache_reset(k);
        k->fingerprint = c->fingerprint;
    }
    return k;
}

void sw_keystone_shutdown(struct sw_probes *p)
{
    for (size_t i = 0; i < p->ks_cache.cap; i++) {
        struct ks_cache *k = p->ks_cache.slots[i].value;
        if (k) {
            cache_reset(k);
            free(k->path);
            free(k);
        }
    }
    sw_map_release(&p->ks_cache);
}

static void run_free(struct ks_run *k)
{
    for (size_t i = 0; i < k->n_calls; i++) {
        sw_buf_release(&k->ep_out[i]);
        free(k->ep_svc[i]);
        free(k->ep_id[i]);
    }
    free(k->ep_svc);
    free(k->ep_id);
    free(k->calls);
    free(k->ep_out);
    free(k->ep_state);
    free(k->ep_latency);
    sw_buf_release(&k->out);
    sw_buf_release(&k->perf);
    wipe_free(k->auth_header);
    wipe_free(k->subject_header);
    free(k);
}

/* Everything answered: the result, with a child per endpoint. */
static void finish(struct ks_run *k)
{
    struct sw_probe_result r = {0};

    r.state = k->state;
    r.latency_us = sw_run_elapsed_us(&k->run);
    for (size_t i = 0; i < k->n_calls; i++) {
        char perf[64];
        if (!k->ep_svc[i]) {
            continue;
        }
        snprintf(perf, sizeof(perf), "time=%.6fs;;;0", (double)k->ep_latency[i] / 1e6);
        sw_probe_result_child(&r, k->ep_svc[i], k->ep_id[i], k->ep_state[i], k->ep_latency[i],
                              k->ep_latency[i] ? perf : NULL, "%s",
                              k->ep_out[i].data ? k->ep_out[i].data : "");
    }
    r.children_complete = k->discovered;
    r.output = sw_buf_steal(&k->out);
    r.perfdata = k->perf.len ? sw_buf_steal(&k->perf) : NULL;
    sw_run_finish(&k->run, &r);
    sw_probes_unpend(k->run.p);
    run_free(k);
}

static void on_endpoint(void *arg, const struct sw_http_reply *rep)
{
    struct ks_call *call = arg;
    struct ks_run *k = call->run;
    size_t i = call->idx;

    call->call = NULL;
    k->ep_latency[i] = rep->latency_us;
    if (rep->ok) {
        k->ep_state[i] = sw_ks_judge(rep->status, rep->latency_us, &k->ep_out[i]);
    } else {
        k->ep_state[i] = SW_CRITICAL;
        sw_buf_printf(&k->ep_out[i], "no HTTP answer: %s", rep->error);
    }
    if (--k->pending == 0) {
        finish(k);
    }
}

/* Requests every endpoint of the catalog with the token. */
static void probe_endpoints(struct ks_run *k)
{
    struct ks_cache *kc = k->cache;
    size_t n = kc->catalog.n_endpoints;
    const char *headers[2];

    k->n_calls = n;
    k->calls = sw_xcalloc(n + 1, sizeof(*k->calls));
    k->ep_out = sw_xcalloc(n + 1, sizeof(*k->ep_out));
    k->ep_state = sw_xcalloc(n + 1, sizeof(*k->ep_state));
    k->ep_latency = sw_xcalloc(n + 1, sizeof(*k->ep_latency));
    k->ep_svc = sw_xcalloc(n + 1, sizeof(*k->ep_svc));
    k->ep_id = sw_xcalloc(n + 1, sizeof(*k->ep_id));
    wipe_free(k->auth_header);
    k->auth_header = kc->token ? sw_xasprintf("X-Auth-Token: %s", kc->token) : NULL;
    headers[0] = "Accept: application/json";
    headers[1] = k->auth_header;
    k->pending = 1; /* held while starting, so no callback finishes the run under us */
    for (size_t i = 0; i < n; i++) {
        const struct sw_ks_endpoint *ep = &kc->catalog.endpoints[i];
        struct sw_http_req q = {
            .url = ep->url,
            .headers = headers,
            .n_headers = k->auth_header ? 2 : 1,
            .c = k->run.c,
            .max_body = 1024,
        };
        int r;
        char svc[65];
        sw_buf_init(&k->ep_out[i]);
        k->calls[i].run = k;
        k->calls[i].idx = i;
        if (sw_id_from(ep->service_type, svc, sizeof(svc))) {
            k->ep_svc[i] = sw_xstrdup(svc);
            k->ep_id[i] = sw_xstrdup(ep->check_id);
        }
        if (ep->bad_url) {
            k->ep_state[i] = SW_CRITICAL;
            sw_buf_puts(&k->ep_out[i], ep->bad_url);
            continue;
        }
        if (!kc->token) {
            k->ep_state[i] = SW_UNKNOWN;
            sw_buf_puts(&k->ep_out[i], "not checked: no token (the login failed)");
            continue;
        }
        k->pending++;
        r = sw_http_request(k->run.p, &q, on_endpoint, &k->calls[i], &k->calls[i].call);
        if (r < 0) {
            k->pending--;
            k->ep_state[i] = SW_UNKNOWN;
            sw_buf_printf(&k->ep_out[i], "cannot start the request: %s", strerror(-r));
        }
    }
    if (--k->pending == 0) {
        finish(k);
    }
}

/* Keystone's own reason for a refusal: {"error": {"message": ...}}, or "". */
static void error_message(const struct sw_http_reply *rep, struct sw_buf *out)
{
    json_t *root = json_loadb(rep->body, rep->len, 0, NULL);
    const char *msg = json_string_value(json_object_get(json_object_get(root, "error"), "message"));

    if (msg && sw_str_is_text(msg, strlen(msg))) {
        sw_buf_printf(out, ": %.200s", msg);
    }
    json_decref(root);
}

static void filter_from(const struct sw_keystone_conf *ks, struct sw_ks_filter *f)
{
    f->interfaces = (const char *const *)ks->interfaces;
    f->n_interfaces = ks->n_interfaces;
    f->region = ks->region;
    f->services = (const char *const *)ks->services;
    f->n_services = ks->n_services;
}

static void on_login(void *arg, const struct sw_http_reply *rep)
{
    struct ks_run *k = arg;
    struct ks_cache *kc = k->cache;
    const struct sw_keystone_conf *ks = k->run.c->keystone;
    double secs = (double)rep->latency_us / 1e6;

    k->login = NULL;
    sw_buf_printf(&k->perf, "time=%.6fs;;;0", secs);
    if (!rep->ok) {
        k->state = SW_CRITICAL;
        sw_buf_printf(&k->out, "login failed: %s", rep->error);
    } else if (rep->status == 401 || rep->status == 403) {
        k->state = SW_CRITICAL;
        sw_buf_printf(&k->out, "authentication refused (HTTP %ld)", rep->status);
        error_message(rep, &k->out);
    } else if (rep->status != 201 && rep->status != 200) {
        k->state = SW_CRITICAL;
        sw_buf_printf(&k->out, "login answered HTTP %ld", rep->status);
        error_message(rep, &k->out);
    } else if (!rep->captured || !*rep->captured) {
        k->state = SW_CRITICAL;
        sw_buf_printf(&k->out, "login answered HTTP %ld without an X-Subject-Token header",
                      rep->status);
    } else if (rep->truncated) {
        k->state = SW_CRITICAL;
        sw_buf_printf(&k->out, "the token response is larger than %u bytes", MAX_CATALOG_BODY);
    } else {
        struct sw_ks_token tok = {0};
        struct sw_ks_filter f;
        struct sw_buf err;
        sw_buf_init(&err);
        filter_from(ks, &f);
        if (sw_ks_token_parse(rep->body, rep->len, &f, &tok, &err) < 0) {
            k->state = SW_CRITICAL;
            sw_buf_printf(&k->out, "bad token response: %s", err.data ? err.data : "");
        } else {
            int64_t now = sw_now_ms();
            cache_reset(kc);
            kc->token = sw_xstrdup(rep->captured);
            kc->expires_ms = tok.expires_at_ms ? tok.expires_at_ms : now + 3600 * 1000;
            kc->discovered_ms = now;
            kc->catalog = tok;
            k->discovered = true;
            sw_buf_printf(&k->out, "token issued in %.0f ms", secs * 1000);
            if (tok.user) {
                sw_buf_printf(&k->out, " for %s", tok.user);
                if (tok.project) {
                    sw_buf_printf(&k->out, " on %s", tok.project);
                }
            }
            if (tok.n_catalog == 0) {
                k->state = SW_CRITICAL;
                sw_buf_puts(&k->out, ", but the catalog has no endpoints (does the user have a "
                                     "role on the project?)");
            } else if (tok.n_endpoints == 0) {
                k->state = SW_WARNING;
                sw_buf_printf(&k->out,
                              ", but none of the catalog's %zu endpoints matches the filter",
                              tok.n_catalog);
            } else {
                k->state = SW_OK;
                sw_buf_printf(&k->out, ", %zu endpoints watched (%zu in the catalog)",
                              tok.n_endpoints, tok.n_catalog);
            }
            sw_buf_printf(&k->perf, " endpoints=%zu", tok.n_endpoints);
        }
        sw_buf_release(&err);
    }
    if (k->state != SW_OK && k->state != SW_WARNING && !k->discovered) {
        /* the old token may be revoked: log in afresh next time */
        wipe_free(kc->token);
        kc->token = NULL;
    }
    probe_endpoints(k);
}

static void login(struct ks_run *k)
{
    const struct sw_check_conf *c = k->run.c;
    const struct sw_keystone_conf *ks = c->keystone;
    struct sw_ks_auth a = {
        .username = ks->user,
        .user_id = ks->user_id,
        .user_domain = ks->user_domain,
        .user_domain_id = ks->user_domain_id,
        .password = ks->app_cred_secret ? NULL : c->password,
        .project = ks->project,
        .project_id = ks->project_id,
        .project_domain = ks->project_domain,
        .project_domain_id = ks->project_domain_id,
        .app_cred_id = ks->app_cred_id,
        .app_cred_name = ks->app_cred_name,
        .app_cred_secret = ks->app_cred_secret,
    };
    static const char *const headers[] = {"Content-Type: application/json",
                                          "Accept: application/json"};
    struct sw_buf err;
    char *body, *url;
    int r;

    sw_buf_init(&err);
    body = sw_ks_auth_body(&a, &err);
    if (!body) {
        k->state = SW_UNKNOWN;
        sw_buf_printf(&k->out, "cannot build the login: %s", err.data ? err.data : "");
        sw_buf_release(&err);
        probe_endpoints(k);
        return;
    }
    sw_buf_release(&err);
    url = sw_xasprintf("%s/auth/tokens", ks->auth_url);
    struct sw_http_req q = {
        .url = url,
        .method = "POST",
        .body = body,
        .headers = headers,
        .n_headers = 2,
        .c = c,
        .max_body = MAX_CATALOG_BODY,
        .capture = "X-Subject-Token",
    };
    r = sw_http_request(k->run.p, &q, on_login, k, &k->login);
    wipe_free(body); /* sw_http_request() copied it */
    free(url);
    if (r < 0) {
        k->state = SW_UNKNOWN;
        sw_buf_printf(&k->out, "cannot start the login: %s", strerror(-r));
        probe_endpoints(k);
    }
}

static void on_validate(void *arg, const struct sw_http_reply *rep)
{
    struct ks_run *k = arg;
    struct ks_cache *kc = k->cache;
    double secs = (double)rep->latency_us / 1e6;

    k->login = NULL;
    if (rep->ok && rep->status == 200) {
        char until[SW_TIME_LEN];
        k->state = SW_OK;
        sw_buf_printf(&k->out, "token validated in %.0f ms (valid until %s), %zu endpoints watched",
                      secs * 1000, sw_time_format(kc->expires_ms / 1000, until),
                      kc->catalog.n_endpoints);
        sw_buf_printf(&k->perf, "time=%.6fs;;;0 endpoints=%zu", secs, kc->catalog.n_endpoints);
        probe_endpoints(k);
        return;
    }
    /* refused, revoked or unreachable: a fresh login tells which */
    wipe_free(kc->token);
    kc->token = NULL;
    login(k);
}

static void validate(struct ks_run *k)
{
    struct ks_cache *kc = k->cache;
    const struct sw_keystone_conf *ks = k->run.c->keystone;
    char *url = sw_xasprintf("%s/auth/tokens?nocatalog", ks->auth_url);
    const char *headers[3];
    int r;

    k->auth_header = sw_xasprintf("X-Auth-Token: %s", kc->token);
    k->subject_header = sw_xasprintf("X-Subject-Token: %s", kc->token);
    headers[0] = "Accept: application/json";
    headers[1] = k->auth_header;
    headers[2] = k->subject_header;
    struct sw_http_req q = {
        .url = url,
        .headers = headers,
        .n_headers = 3,
        .c = k->run.c,
        .max_body = 64 * 1024,
    };
    r = sw_http_request(k->run.p, &q, on_validate, k, &k->login);
    free(url);
    if (r < 0) {
        login(k);
    }
}

static void cancel(struct sw_run *run)
{
    struct ks_run *k = (struct ks_run *)run;

    if (k->login) {
        sw_http_cancel(k->login);
        k->login = NULL;
    }
    for (size_t i = 0; i < k->n_calls; i++) {
        if (k->calls[i].call) {
            sw_http_cancel(k->calls[i].call);
            k->calls[i].call = NULL;
        }
    }
    sw_run_finishf(run, SW_UNKNOWN, "cancelled");
    sw_probes_unpend(run->p);
    run_free(k);
}

int sw_keystone_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                      void *arg)
{
    struct ks_run *k;
    int64_t now = sw_now_ms();

    if (!c->keystone || !c->keystone->auth_url) {
        return -EINVAL;
    }
    k = sw_xcalloc(1, sizeof(*k));
    sw_buf_init(&k->out);
    sw_buf_init(&k->perf);
    k->cache = cache_get(p, c);
    k->state = SW_UNKNOWN;
    sw_run_begin(p, &k->run, c, cb, arg);
    k->run.cancel = cancel;
    /* sw_run_begin counted the run in p->pending; finish() and cancel() give it back */
    if (k->cache->token && now < k->cache->expires_ms - TOKEN_MARGIN_MS &&
        now < k->cache->discovered_ms + c->keystone->discover_ms) {
        validate(k);
    } else {
        login(k);
    }
    return 0;
}
