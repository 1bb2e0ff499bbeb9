/* SPDX-License-Identifier: Apache-2.0 */
/* server.c: the HTTP server of api.h on libmicrohttpd (its own polling threads, a pool of
 * four, epoll). Routes requests, reads live state from the engine and history from the
 * store, and submits passive results, blocking the handler until the engine reports them
 * durable. Owns the listening socket and a small context per request. */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "account/account.h"
#include "api/api.h"
#include "api/api_int.h"
#include "cluster/cluster.h"
#include "report/report.h"
#include "web/web.h"

#define POOL_THREADS 4
#define CONN_TIMEOUT_S 30
#define CONN_LIMIT 1024
/* Hang guard only: the engine answers every submit and reload. */
#define ENGINE_WAIT_S 120
/* A body over the limit without Content-Length is read and dropped up to this many times
 * the limit (so the client gets its 413), then the connection is cut. */
#define DISCARD_FACTOR 16

#define JSON_TYPE "application/json"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum route {
    R_NONE,
    R_HEALTHZ,
    R_METRICS,
    R_CUSTOMERS,
    R_SERVICES,
    R_CHECKS,
    R_SERVICE,
    R_CHECK,
    R_RESULTS,
    R_ALERTMANAGER,
    R_RELOAD,
    R_CUSTOMER_SUB, /* /api/v1/customers/{id}/sla and /report */
    R_MAINT,        /* /api/v1/maintenance */
    R_MAINT_ID,     /* /api/v1/maintenance/{id} */
    R_SLO_ALERTS,   /* /api/v1/slo/alerts */
    R_INCIDENTS,    /* /api/v1/incidents */
    R_INCIDENT,     /* /api/v1/incidents/{id}[/ack|/resolve|/note] */
    R_CASES,        /* /api/v1/cases */
    R_CASE,         /* /api/v1/cases/{id}[/respond|/comment|/status|/assign] */
    R_CHANGES,      /* /api/v1/changes */
    R_CHANGE,       /* /api/v1/changes/{id}[/finish] */
    R_HEALTH,       /* /api/v1/health */
    R_CLUSTER,      /* /api/v1/cluster: nodes, shards, leader (PostgreSQL) */
    R_DASHBOARD,    /* /api/v1/dashboard: what the dashboard page polls */
    R_PAGE,         /* a web page (src/web) */
    R_STATIC,       /* /static/...: the pages' stylesheet and script */
    R_LOGIN,        /* /login: the sign-in form and its POST */
    R_LOGOUT,       /* /logout */
};

/* One request in progress. */
struct req {
    enum route route;
    const char *rest; /* for R_SERVICE and R_CHECK: the path after the prefix, in the url */
    struct sw_buf body;
    size_t received;
    bool too_big;
    bool responded;         /* answered before the body: drop what still comes */
    bool post;              /* a POST: a body follows */
    struct sw_api_who who;  /* who acts, from the request's identity (borrowed from id) */
    struct sw_api_ident id; /* the request's identity (SW_ROLE_ADMIN for a loopback client
                               while no token exists) */
    bool public_view;       /* a public status page seen without credentials */
    const char *url;        /* the path asked for (owned by libmicrohttpd) */
};

/* ---- waiting for the engine ---- */

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    int status;
    char *message;
    int refs; /* the handler and the engine's callback */
};

static struct waiter *waiter_new(void)
{
    struct waiter *w = sw_xcalloc(1, sizeof(*w));
    pthread_condattr_t a;

    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &a);
    pthread_condattr_destroy(&a);
    w->refs = 2;
    return w;
}

static void waiter_unref(struct waiter *w)
{
    bool last;

    pthread_mutex_lock(&w->lock);
    last = --w->refs == 0;
    pthread_mutex_unlock(&w->lock);
    if (!last) {
        return;
    }
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w->message);
    free(w);
}

static void waiter_done(void *arg, int status, const char *message)
{
    struct waiter *w = arg;

    pthread_mutex_lock(&w->lock);
    w->done = true;
    w->status = status;
    w->message = sw_xstrdup(message);
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    waiter_unref(w);
}

/* Waits for the callback; returns its status (and message, owned by the caller), or
 * -ETIMEDOUT. Drops the handler's reference. */
static int waiter_wait(struct waiter *w, char **ret_message)
{
    struct timespec until;
    int r = 0;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ENGINE_WAIT_S;
    pthread_mutex_lock(&w->lock);
    while (!w->done && r == 0) {
        r = pthread_cond_timedwait(&w->cond, &w->lock, &until);
    }
    if (w->done) {
        r = w->status;
        *ret_message = w->message;
        w->message = NULL;
    } else {
        r = -ETIMEDOUT;
        *ret_message = NULL;
    }
    pthread_mutex_unlock(&w->lock);
    waiter_unref(w);
    return r;
}

int sw_api_submit_wait(struct sw_api *api, const struct sw_passive *v, size_t n, const char *create,
                       char **ret_message)
{
    struct waiter *w;
    int r;

    if (sw_store_degraded(api->store)) {
        /* the database takes no writes now: refuse rather than hold what cannot be made
         * durable (the sender keeps it and retries) */
        *ret_message = sw_xstrdup("the database cannot be written now; retry later");
        return -EIO;
    }
    w = waiter_new();
    r = sw_engine_submit_create(api->engine, v, n, create, waiter_done, w);

    if (r < 0) {
        waiter_unref(w); /* the callback's reference: it will not run */
        waiter_unref(w);
        *ret_message = NULL;
        return r;
    }
    return waiter_wait(w, ret_message);
}

enum MHD_Result sw_api_respond_submit(struct MHD_Connection *conn, int r, const char *message,
                                      size_t n)
{
    struct sw_buf out;
    enum MHD_Result ret;

    switch (r) {
    case 0:
        sw_buf_init(&out);
        sw_buf_printf(&out, "{\"accepted\":%zu}", n);
        ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
        sw_buf_release(&out);
        return ret;
    case -ENOENT:
        return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "%s",
                                    message ? message : "unknown check");
    case -EINVAL:
    case -ERANGE:
        return sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL, "%s",
                                    message ? message : "invalid result");
    case -EIO:
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                    "the results could not be stored%s%s", message ? ": " : "",
                                    message ? message : "");
    case -ESHUTDOWN:
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting_down", NULL,
                                    "the daemon is shutting down");
    case -ETIMEDOUT:
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                                    "the engine did not answer within %d s", ENGINE_WAIT_S);
    default:
        return sw_api_respond_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                                    "submitting failed: %s", strerror(-r));
    }
}

/* ---- responses ---- */

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status, const char *type,
                               struct sw_buf *body, const char *allow)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    size_t len = body->len;
    char *data = sw_buf_steal(body);

    resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (allow) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    }
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result sw_api_respond_text(struct MHD_Connection *conn, unsigned status, const char *type,
                                    struct sw_buf *body)
{
    return respond(conn, status, type, body, NULL);
}

enum MHD_Result sw_api_respond_json(struct MHD_Connection *conn, unsigned status,
                                    struct sw_buf *body)
{
    return respond(conn, status, JSON_TYPE, body, NULL);
}

/* {"error": {"code": code, "message": ...}}; the message is cleaned of anything that is
 * not UTF-8 text, since it may quote parts of the request. */
enum MHD_Result sw_api_respond_error(struct MHD_Connection *conn, unsigned status, const char *code,
                                     const char *allow, const char *fmt, ...)
{
    struct sw_buf msg;
    struct sw_buf out;
    enum MHD_Result ret;
    va_list ap;
    char *m;

    sw_buf_init(&msg);
    sw_buf_init(&out);
    va_start(ap, fmt);
    sw_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    m = sw_buf_steal(&msg);
    sw_str_sanitize(m);
    sw_buf_puts(&out, "{\"error\":{\"code\":");
    sw_buf_json_str(&out, code);
    sw_buf_puts(&out, ",\"message\":");
    sw_buf_json_str(&out, m);
    sw_buf_puts(&out, "}}");
    free(m);
    ret = respond(conn, status, JSON_TYPE, &out, allow);
    sw_buf_release(&out);
    return ret;
}

/* ---- the cluster ---- */

/* GET /api/v1/cluster: what `stackward cluster status --format json` shows, from any node. */
static enum MHD_Result get_cluster(struct sw_api *api, struct MHD_Connection *conn)
{
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_cluster_status st;
    struct sw_buf err, out;
    enum MHD_Result ret;

    if (!sw_str_has_prefix(cfg->database, "postgres")) {
        sw_config_unref(cfg);
        return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                    "no cluster: the database is SQLite, served by one node");
    }
    sw_buf_init(&err);
    if (sw_cluster_read_status(cfg->database, cfg->database_password, cfg->cluster_lease_ms, &st,
                               &err) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL, "%s",
                                   err.data ? err.data : "cannot read the database");
        sw_buf_release(&err);
        sw_config_unref(cfg);
        return ret;
    }
    sw_buf_release(&err);
    sw_config_unref(cfg);
    sw_buf_init(&out);
    sw_cluster_status_json(&st, &out);
    sw_cluster_status_release(&st);
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    sw_buf_release(&out);
    return ret;
}

/* ---- routing ---- */

static enum route route_of(const char *url, const char **ret_rest)
{
    static const struct {
        const char *url;
        enum route route;
    } fixed[] = {
        {"/healthz", R_HEALTHZ},
        {"/metrics", R_METRICS},
        {"/api/v1/customers", R_CUSTOMERS},
        {"/api/v1/services", R_SERVICES},
        {"/api/v1/checks", R_CHECKS},
        {"/api/v1/results", R_RESULTS},
        {"/api/v1/reload", R_RELOAD},
        {"/api/v1/maintenance", R_MAINT},
        {"/api/v1/slo/alerts", R_SLO_ALERTS},
        {"/api/v1/incidents", R_INCIDENTS},
        {"/api/v1/cases", R_CASES},
        {"/api/v1/changes", R_CHANGES},
        {"/api/v1/health", R_HEALTH},
        {"/api/v1/cluster", R_CLUSTER},
        {"/api/v1/integrations/alertmanager", R_ALERTMANAGER},
        {"/api/v1/dashboard", R_DASHBOARD},
        {"/login", R_LOGIN},
        {"/logout", R_LOGOUT},
    };

    *ret_rest = NULL;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (strcmp(url, fixed[i].url) == 0) {
            return fixed[i].route;
        }
    }
    if (sw_str_has_prefix(url, "/api/v1/services/") && url[17]) {
        *ret_rest = url + 17;
        return R_SERVICE;
    }
    if (sw_str_has_prefix(url, "/api/v1/checks/") && url[15]) {
        *ret_rest = url + 15;
        return R_CHECK;
    }
    if (sw_str_has_prefix(url, "/api/v1/customers/") && url[18]) {
        *ret_rest = url + 18;
        return R_CUSTOMER_SUB;
    }
    if (sw_str_has_prefix(url, "/api/v1/cases/") && url[14]) {
        *ret_rest = url + 14;
        return R_CASE;
    }
    if (sw_str_has_prefix(url, "/api/v1/changes/") && url[16]) {
        *ret_rest = url + 16;
        return R_CHANGE;
    }
    if (sw_str_has_prefix(url, "/api/v1/incidents/") && url[18]) {
        *ret_rest = url + 18;
        return R_INCIDENT;
    }
    if (sw_str_has_prefix(url, "/api/v1/maintenance/") && url[20]) {
        *ret_rest = url + 20;
        return R_MAINT_ID;
    }
    if (sw_str_has_prefix(url, "/static/")) {
        return R_STATIC;
    }
    if (sw_web_is_page(url)) {
        return R_PAGE;
    }
    return R_NONE;
}

/* The methods a route takes, as an Allow header says them. */
static const char *route_methods(enum route r)
{
    switch (r) {
    case R_RESULTS:
    case R_RELOAD:
    case R_ALERTMANAGER:
    case R_LOGOUT:
        return "POST";
    case R_LOGIN:
        return "GET, HEAD, POST";
    case R_MAINT:
        return "GET, HEAD, POST";
    case R_MAINT_ID:
        return "DELETE";
    case R_INCIDENT:
    case R_CASES:
    case R_CASE:
    case R_CHANGES:
    case R_CHANGE:
        return "GET, HEAD, POST";
    default:
        return "GET, HEAD";
    }
}

static bool method_allowed(enum route r, const char *method)
{
    const char *allowed = route_methods(r);
    size_t n = strlen(method);

    if (n == 0) {
        return false;
    }
    for (const char *p = allowed; (p = strstr(p, method)); p += n) {
        if ((p == allowed || p[-1] == ' ') && (p[n] == '\0' || p[n] == ',')) {
            return true;
        }
    }
    return false;
}

/* What a request needs of its identity. */
enum need {
    N_OPEN,      /* anyone */
    N_READ,      /* any role; a customer sees its own objects only */
    N_TEAM_READ, /* admin, engineer, viewer: team-wide data a customer has no business with */
    N_CASE,      /* admin, engineer; a customer for its own cases */
    N_ACT,       /* admin, engineer: changes state */
    N_ADMIN,     /* admin */
};

static enum need route_need(enum route r, bool get)
{
    switch (r) {
    case R_HEALTHZ:
    case R_STATIC:
    case R_LOGIN:
    case R_LOGOUT:
        return N_OPEN;
    case R_CUSTOMERS:
    case R_SERVICES:
    case R_CHECKS:
    case R_SERVICE:
    case R_CHECK:
    case R_CUSTOMER_SUB:
    case R_INCIDENTS:
    case R_DASHBOARD:
    case R_PAGE:
        return N_READ;
    case R_INCIDENT:
        return get ? N_READ : N_ACT;
    case R_CASES:
    case R_CASE:
        return get ? N_READ : N_CASE;
    case R_METRICS:
    case R_SLO_ALERTS:
    case R_HEALTH:
    case R_CLUSTER:
        return N_TEAM_READ;
    case R_MAINT:
    case R_CHANGES:
    case R_CHANGE:
        return get ? N_TEAM_READ : N_ACT;
    case R_RESULTS:
    case R_ALERTMANAGER:
    case R_MAINT_ID:
        return N_ACT;
    case R_RELOAD:
        return N_ADMIN;
    default:
        return N_ADMIN;
    }
}

static bool role_may(enum sw_role role, enum need need)
{
    switch (need) {
    case N_OPEN:
    case N_READ:
        return true;
    case N_TEAM_READ:
        return role != SW_ROLE_CUSTOMER;
    case N_CASE:
        return role != SW_ROLE_VIEWER;
    case N_ACT:
        return role == SW_ROLE_ADMIN || role == SW_ROLE_ENGINEER;
    case N_ADMIN:
        return role == SW_ROLE_ADMIN;
    }
    return false;
}

/* A public status page: /status/CUSTOMER of a customer whose status_page is public. */
static bool public_status(const struct sw_config *cfg, const char *url)
{
    const struct sw_customer_conf *cu;

    if (!sw_str_has_prefix(url, "/status/")) {
        return false;
    }
    cu = sw_config_find_customer(cfg, url + 8);
    return cu && cu->status_public;
}

/* Answers a request that may not go on: JSON for the API, the sign-in page (or a redirect to
 * it) for the pages. */
static enum MHD_Result refuse(struct MHD_Connection *conn, const struct req *q, unsigned status,
                              const char *code, const char *message)
{
    if (q->route == R_PAGE && status == MHD_HTTP_UNAUTHORIZED) {
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        enum MHD_Result ret;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, "/login");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        ret = MHD_queue_response(conn, MHD_HTTP_SEE_OTHER, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    if (q->route == R_PAGE) {
        struct sw_buf out;
        enum MHD_Result ret;
        sw_buf_init(&out);
        sw_web_login_page(message, &out);
        ret = sw_api_respond_text(conn, status, "text/html; charset=utf-8", &out);
        sw_buf_release(&out);
        return ret;
    }
    return sw_api_respond_error(conn, status, code, NULL, "%s", message);
}

/* Who the request is and whether that may do what it asks. Sets q->id and q->who; false after
 * answering (401 no or bad credential, 403 a role that may not, or a client that is not on
 * loopback while no token exists). */
static bool authenticate(struct sw_api *api, struct MHD_Connection *conn, struct req *q, bool get,
                         enum MHD_Result *ret)
{
    struct sw_config *cfg = sw_engine_config(api->engine);
    enum need need = route_need(q->route, get);
    bool ok = false;
    int r;

    r = sw_api_identify(api, cfg, conn, &q->id);
    if (r == -ENOENT) {
        int any = sw_api_tokens_exist(api, cfg);
        if (any < 0 && need != N_OPEN) {
            /* fail closed, and say why: a sender retries a 503, not a 401 */
            r = -EIO;
        } else if (any == 0) {
            r = -ENODATA; /* no account yet */
        }
    }
    if (r == -EIO && need != N_OPEN) {
        *ret = refuse(conn, q, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed",
                      "the database cannot be read now to check the credential; retry later");
        memset(&q->id, 0, sizeof(q->id));
        goto out;
    }
    if (r == -ENODATA) {
        /* no account yet: the machine's own users only, with every right, as before tokens */
        if (!sw_api_loopback(conn) && q->route != R_HEALTHZ) {
            *ret = refuse(conn, q, MHD_HTTP_FORBIDDEN, "forbidden",
                          "no token exists yet, so only loopback clients are answered: create "
                          "one with `stackward token create`");
            goto out;
        }
        /* ...and not a web page of another site that a browser on this machine runs: the
         * request must name this machine (no DNS rebinding) and, when it changes something,
         * come from no site or from this one */
        if (q->route != R_HEALTHZ && !sw_api_same_site(conn, !get)) {
            *ret = refuse(conn, q, MHD_HTTP_FORBIDDEN, "forbidden",
                          "a request from another site (Host, Origin or Sec-Fetch-Site) is "
                          "refused while no token exists");
            goto out;
        }
        memset(&q->id, 0, sizeof(q->id));
        q->id.role = SW_ROLE_ADMIN;
        ok = true;
        goto out;
    }
    if (r < 0) {
        if (need == N_OPEN) {
            ok = true;
        } else if (q->route == R_PAGE && public_status(cfg, q->url)) {
            q->public_view = true;
            ok = true;
        } else {
            *ret = refuse(conn, q, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                          r == -ENOENT ? "this needs a token (Authorization: Bearer TOKEN, or "
                                         "sign in at /login)"
                                       : "unknown, revoked or expired credential");
        }
        memset(&q->id, 0, sizeof(q->id));
        q->id.role = SW_ROLE_VIEWER;
        goto out;
    }
    if (!role_may(q->id.role, need)) {
        char m[160];
        snprintf(m, sizeof(m), "the %s role may not %s this", sw_role_name(q->id.role),
                 get ? "see" : "do");
        *ret = refuse(conn, q, MHD_HTTP_FORBIDDEN, "forbidden", m);
        goto out;
    }
    ok = true;
out:
    q->who.engineer = q->id.engineer;
    q->who.customer = q->id.customer;
    sw_config_unref(cfg);
    return ok;
}

/* Query parameters a route accepts: the first one outside allowed (NULL-terminated) is put
 * in *ret_bad. */
struct query_check {
    const char *const *allowed;
    const char *bad;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    struct query_check *q = cls;

    (void)kind;
    (void)value;
    for (size_t i = 0; q->allowed[i]; i++) {
        if (strcmp(key, q->allowed[i]) == 0) {
            return MHD_YES;
        }
    }
    q->bad = key;
    return MHD_NO;
}

/* ---- handlers ---- */

/* True when the check or service path exists and belongs to customer (any when NULL). */
static bool visible(const struct sw_config *cfg, enum sw_object_kind kind, const char *path,
                    const char *customer)
{
    const struct sw_customer_conf *cu = NULL;

    if (kind == SW_OBJ_CHECK) {
        const struct sw_check_conf *c = sw_config_find_check(cfg, path);
        cu = c ? c->customer : NULL;
    } else {
        const struct sw_service_conf *sv = sw_config_find_service(cfg, path);
        cu = sv ? sv->customer : NULL;
    }
    return cu && (!customer || strcmp(cu->id, customer) == 0);
}

static enum MHD_Result get_history(struct sw_api *api, struct MHD_Connection *conn,
                                   enum sw_object_kind kind, const char *path)
{
    const char *from_s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "from");
    const char *to_s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "to");
    struct sw_interval *v = NULL;
    struct sw_buf out;
    enum MHD_Result ret;
    int64_t from;
    int64_t to = sw_now();
    size_t n = 0;
    int r;

    if (to_s && sw_time_parse(to_s, &to) < 0) {
        return sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                    "parameter 'to' must be an ISO 8601 time with a zone, such as "
                                    "2026-10-05T10:15:00Z");
    }
    from = to - 86400;
    if (from_s && sw_time_parse(from_s, &from) < 0) {
        return sw_api_respond_error(
            conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
            "parameter 'from' must be an ISO 8601 time with a zone, such as "
            "2026-10-05T10:15:00Z");
    }
    if (from >= to) {
        return sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                    "'from' must be before 'to'");
    }
    r = sw_store_history(api->store, kind, path, from, to, &v, &n);
    if (r == -E2BIG) {
        return sw_api_respond_error(
            conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
            "more than %d intervals of '%s' in that range: ask for a shorter "
            "one",
            SW_STORE_HISTORY_MAX, path);
    }
    if (r < 0) {
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                    "cannot read the history of '%s' (%s)", path, strerror(-r));
    }
    sw_buf_init(&out);
    sw_api_json_history(path, from, to, v, n, &out);
    free(v);
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    sw_buf_release(&out);
    return ret;
}

/* GET routes. customer: the ?customer= filter or NULL. */
static enum MHD_Result handle_get(struct sw_api *api, struct MHD_Connection *conn, struct req *q,
                                  const char *customer)
{
    struct sw_status *st = NULL;
    struct sw_buf out;
    enum MHD_Result ret;
    int r;

    sw_buf_init(&out);
    if (q->route == R_HEALTHZ) {
        sw_buf_puts(&out, "{\"status\":\"ok\"}");
        ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
        goto out;
    }
    if (q->route == R_METRICS) {
        sw_api_metrics(api->engine, api->store, &out);
        if (api->incidents) {
            sw_api_metrics_incidents(api->incidents, &out);
        }
        ret = respond(conn, MHD_HTTP_OK, METRICS_TYPE, &out, NULL);
        goto out;
    }

    r = sw_engine_status(api->engine, &st);
    if (r < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                                   "cannot read the state (%s)", strerror(-r));
        goto out;
    }
    if (customer && !sw_config_find_customer(st->cfg, customer)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no customer '%s'",
                                   customer);
        goto out;
    }

    switch (q->route) {
    case R_CUSTOMERS:
        sw_api_json_customers(st, customer, &out);
        break;
    case R_SERVICES:
        sw_api_json_services(st, customer, &out);
        break;
    case R_CHECKS:
        sw_api_json_checks(st, customer, &out);
        break;
    case R_CHECK:
    case R_SERVICE: {
        enum sw_object_kind kind = q->route == R_CHECK ? SW_OBJ_CHECK : SW_OBJ_SERVICE;
        size_t len = strlen(q->rest);
        bool ok;

        if (visible(st->cfg, kind, q->rest, customer)) {
            if (kind == SW_OBJ_CHECK) {
                sw_api_json_check(st, sw_status_find_check(st, q->rest), &out);
            } else {
                sw_api_json_service(
                    st, &st->services[sw_config_find_service(st->cfg, q->rest)->index], &out);
            }
            break;
        }
        /* a path that ends in /history, unless an object of that name exists (above) */
        if (len > 8 && strcmp(q->rest + len - 8, "/history") == 0) {
            char *path = sw_xstrndup(q->rest, len - 8);

            ok = visible(st->cfg, kind, path, customer) ||
                 (kind == SW_OBJ_CHECK && sw_store_is_derived(api->store, path) &&
                  (!customer ||
                   (sw_str_has_prefix(path, customer) && path[strlen(customer)] == '/')));
            if (ok) {
                ret = get_history(api, conn, kind, path);
            }
            free(path);
            if (ok) {
                goto out;
            }
        }
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no %s '%s'",
                                   kind == SW_OBJ_CHECK ? "check" : "service", q->rest);
        goto out;
    }
    default:
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no such route");
        goto out;
    }
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
out:
    sw_status_free(st);
    sw_buf_release(&out);
    return ret;
}

static enum MHD_Result post_results(struct sw_api *api, struct MHD_Connection *conn, struct req *q)
{
    struct sw_config *cfg = NULL;
    struct sw_passive *v = NULL;
    struct sw_buf err;
    struct sw_buf out;
    enum MHD_Result ret;
    char *message = NULL;
    size_t n = 0;
    int r;

    sw_buf_init(&err);
    sw_buf_init(&out);
    r = sw_api_parse_results(q->body.data ? q->body.data : "", q->body.len, &v, &n, &err);
    if (r < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL, "%s",
                                   err.data ? err.data : "invalid body");
        goto out;
    }
    cfg = sw_engine_config(api->engine);
    for (size_t i = 0; i < n; i++) {
        if (!sw_config_find_check(cfg, v[i].path)) {
            if (n > 1) {
                ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                           "result %zu: no check '%s'", i, v[i].path);
            } else {
                ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                           "no check '%s'", v[i].path);
            }
            goto out;
        }
    }

    r = sw_api_submit_wait(api, v, n, NULL, &message);
    ret = sw_api_respond_submit(conn, r, message, n);
out:
    free(message);
    sw_config_unref(cfg);
    sw_api_passives_free(v, n);
    sw_buf_release(&err);
    sw_buf_release(&out);
    return ret;
}

static enum MHD_Result post_reload(struct sw_api *api, struct MHD_Connection *conn)
{
    struct sw_buf out;
    struct waiter *w = waiter_new();
    enum MHD_Result ret;
    char *message = NULL;
    int r;

    r = sw_engine_request_reload(api->engine, waiter_done, w);
    if (r < 0) {
        waiter_unref(w);
        waiter_unref(w);
    } else {
        r = waiter_wait(w, &message);
    }
    switch (r) {
    case 0:
        sw_buf_init(&out);
        sw_buf_puts(&out, "{\"reloaded\":true}");
        ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
        sw_buf_release(&out);
        break;
    case -EINVAL:
        ret = sw_api_respond_error(conn, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid_config", NULL,
                                   "%s", message ? message : "invalid configuration");
        break;
    case -ESHUTDOWN:
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting_down", NULL,
                                   "the daemon is shutting down");
        break;
    case -ETIMEDOUT:
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                                   "the engine did not answer within %d s", ENGINE_WAIT_S);
        break;
    default:
        ret = sw_api_respond_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                                   "reload failed: %s%s%s", strerror(-r), message ? ": " : "",
                                   message ? message : "");
        break;
    }
    free(message);
    return ret;
}

/* ---- SLA, reports, maintenance, burn-rate alerts ---- */

/* Resolves the period of an SLA request: ?month=YYYY-MM, or ?from=&to=, or the current
 * period. 0, or an error answered (ret set). */
static int sla_period(struct MHD_Connection *conn, const struct sw_customer_conf *cu, int64_t *from,
                      int64_t *to, int *y, int *m, enum MHD_Result *ret)
{
    const char *month = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "month");
    const char *f = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "from");
    const char *t = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "to");
    const char *tz = sw_account_tz(cu);
    int64_t now = sw_now();
    struct tm tm;

    if (month && (f || t)) {
        *ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                    "give 'month' or 'from' and 'to', not both");
        return -EINVAL;
    }
    if (month) {
        if (sw_account_month(tz, month, y, m, from, to) < 0) {
            *ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                        "parameter 'month' must be YYYY-MM with a month 01..12");
            return -EINVAL;
        }
        return 0;
    }
    if (f || t) {
        if (!f || !t || sw_time_parse(f, from) < 0 || sw_time_parse(t, to) < 0) {
            *ret =
                sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                     "parameters 'from' and 'to' go together, as ISO 8601 times");
            return -EINVAL;
        }
        if (*from >= *to) {
            *ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                        "'from' must be before 'to'");
            return -EINVAL;
        }
        *y = *m = 0;
        return 0;
    }
    if (cu->contract && cu->contract->rolling_s) {
        *from = now - cu->contract->rolling_s;
        *to = now;
        *y = *m = 0;
        return 0;
    }
    sw_tz_from_utc(tz, now, &tm);
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    return sw_tz_month(tz, *y, *m, from, to) < 0 ? -EINVAL : 0;
}

static enum MHD_Result get_customer_sub(struct sw_api *api, struct MHD_Connection *conn,
                                        const char *rest)
{
    const char *slash = strrchr(rest, '/');
    const struct sw_customer_conf *cu;
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_statement *st = NULL;
    struct sw_account_report *rep = NULL;
    struct sw_buf out, err;
    enum MHD_Result ret = MHD_NO;
    const char *what, *type = JSON_TYPE;
    char *id = NULL;
    int64_t from, to;
    int y, m, r;

    sw_buf_init(&out);
    sw_buf_init(&err);
    if (!slash || slash == rest) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no such route");
        goto out;
    }
    what = slash + 1;
    id = sw_xstrndup(rest, (size_t)(slash - rest));
    cu = sw_config_find_customer(cfg, id);
    if (!cu || (strcmp(what, "sla") != 0 && strcmp(what, "report") != 0)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                   cu ? "no such route" : "no customer '%s'", id);
        goto out;
    }
    if (sla_period(conn, cu, &from, &to, &y, &m, &ret) < 0) {
        goto out;
    }
    if (strcmp(what, "sla") == 0) {
        const char *glob = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "service");
        r = sw_account_statement(cfg, api->store, id, from, to, sw_now(), glob, false, &err, &st);
        if (r == 0) {
            sw_statement_json(st, &out);
        }
    } else {
        const char *fmt = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "format");
        fmt = fmt ? fmt : "json";
        if (!y) {
            ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                       "a report is for a calendar month: give 'month'");
            goto out;
        }
        if (strcmp(fmt, "json") && strcmp(fmt, "html") && strcmp(fmt, "csv") &&
            strcmp(fmt, "pdf")) {
            ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                       "parameter 'format' must be json, html, csv or pdf");
            goto out;
        }
        r = sw_account_report(cfg, api->store, id, y, m, sw_now(), &err, &rep);
        if (r == 0 && strcmp(fmt, "pdf") == 0) {
            char path[] = "/tmp/stackward-report.XXXXXX";
            int fd = mkstemp(path);
            FILE *f = NULL;
            r = fd == -1 ? -EIO : sw_report_pdf(sw_account_report_model(rep), path, &err);
            if (r == 0 && (f = fopen(path, "re"))) {
                char buf[65536];
                size_t k;
                while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
                    sw_buf_append(&out, buf, k);
                }
                fclose(f);
            }
            if (fd != -1) {
                close(fd);
                unlink(path);
            }
            type = "application/pdf";
        } else if (r == 0) {
            r = sw_report_check(sw_account_report_model(rep), &err);
        }
        if (r == 0 && strcmp(fmt, "html") == 0) {
            sw_report_html(sw_account_report_model(rep), &out);
            type = "text/html; charset=utf-8";
        } else if (r == 0 && strcmp(fmt, "csv") == 0) {
            sw_report_csv(sw_account_report_model(rep), &out);
            type = "text/csv; charset=utf-8";
        } else if (r == 0 && strcmp(fmt, "json") == 0) {
            sw_report_json(sw_account_report_model(rep), &out);
        }
    }
    if (r == -ENOENT) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "%s", err.data);
    } else if (r == -EINVAL) {
        ret = sw_api_respond_error(conn, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", NULL, "%s",
                                   err.data ? err.data : "invalid request");
    } else if (r < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL, "%s",
                                   err.data ? err.data : "cannot read the store");
    } else {
        ret = respond(conn, MHD_HTTP_OK, type, &out, NULL);
    }
out:
    free(id);
    sw_statement_free(st);
    sw_account_report_free(rep);
    sw_config_unref(cfg);
    sw_buf_release(&out);
    sw_buf_release(&err);
    return ret;
}

static enum MHD_Result get_maintenance(struct sw_api *api, struct MHD_Connection *conn)
{
    const char *customer = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "customer");
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_maint_row *rows = NULL;
    struct sw_buf out;
    enum MHD_Result ret;
    size_t n = 0;

    sw_buf_init(&out);
    if (customer && !sw_config_find_customer(cfg, customer)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no customer '%s'",
                                   customer);
    } else if (sw_store_maint_list(api->store, &rows, &n) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                   "cannot read the maintenance windows");
    } else {
        sw_account_maint_json(cfg, rows, n, customer, &out);
        ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    }
    sw_maint_rows_free(rows, n);
    sw_config_unref(cfg);
    sw_buf_release(&out);
    return ret;
}

static enum MHD_Result post_maintenance(struct sw_api *api, struct MHD_Connection *conn,
                                        struct req *q)
{
    static const char *const keys[] = {"scope", "start", "end", "reason", "excluded", NULL};
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_maint_row row = {.excluded = true};
    json_t *root, *v;
    struct sw_buf out;
    enum MHD_Result ret;
    int64_t id;

    sw_buf_init(&out);
    root = sw_api_body_object(conn, q->body.data ? q->body.data : "", q->body.len, keys, &ret);
    if (!root) {
        goto out;
    }
    if (!json_is_string(json_object_get(root, "scope")) ||
        !json_is_string(json_object_get(root, "start")) ||
        !json_is_string(json_object_get(root, "end"))) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'scope', 'start' and 'end' are required strings");
        goto out;
    }
    row.scope = (char *)json_string_value(json_object_get(root, "scope"));
    if (sw_time_parse(json_string_value(json_object_get(root, "start")), &row.start) < 0 ||
        sw_time_parse(json_string_value(json_object_get(root, "end")), &row.end) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'start' and 'end' must be ISO 8601 times with a zone");
        goto out;
    }
    if (row.start >= row.end) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'start' must be before 'end'");
        goto out;
    }
    v = json_object_get(root, "reason");
    if (v && !json_is_string(v) && !json_is_null(v)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'reason' must be a string");
        goto out;
    }
    row.reason = v && json_is_string(v) ? (char *)json_string_value(v) : NULL;
    v = json_object_get(root, "excluded");
    if (v && !json_is_boolean(v)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'excluded' must be true or false");
        goto out;
    }
    row.excluded = !v || json_is_true(v);
    if (!sw_account_scope_exists(cfg, row.scope)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                   "no customer, deployment or service '%s'", row.scope);
        goto out;
    }
    row.created = sw_now();
    if (sw_store_maint_add(api->store, &row, &id) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                   "cannot store the window");
        goto out;
    }
    row.id = id;
    sw_account_maint_row_json(&row, &out);
    ret = sw_api_respond_json(conn, MHD_HTTP_CREATED, &out);
out:
    json_decref(root);
    sw_config_unref(cfg);
    sw_buf_release(&out);
    return ret;
}

static enum MHD_Result delete_maintenance(struct sw_api *api, struct MHD_Connection *conn,
                                          const char *rest)
{
    struct sw_buf out;
    enum MHD_Result ret;
    char *end;
    long long id;
    int r;

    errno = 0;
    id = strtoll(rest, &end, 10);
    if (errno || *end || end == rest || id <= 0) {
        return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                    "no maintenance window '%s'", rest);
    }
    r = sw_store_maint_remove(api->store, id);
    if (r == -ENOENT) {
        return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                    "no maintenance window %lld", id);
    }
    if (r < 0) {
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                    "cannot remove the window");
    }
    sw_buf_init(&out);
    sw_buf_printf(&out, "{\"deleted\":%lld}", id);
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    sw_buf_release(&out);
    return ret;
}

static enum MHD_Result get_slo_alerts(struct sw_api *api, struct MHD_Connection *conn)
{
    const char *customer = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "customer");
    struct sw_alert_row *v = NULL;
    struct sw_buf out;
    enum MHD_Result ret;
    size_t n = 0, k = 0;

    if (sw_store_alerts_list(api->store, &v, &n) < 0) {
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                    "cannot read the alerts");
    }
    for (size_t i = 0; i < n; i++) {
        if (!customer || sw_account_scope_covers(customer, v[i].service)) {
            struct sw_alert_row t = v[k];
            v[k++] = v[i];
            v[i] = t;
        }
    }
    sw_buf_init(&out);
    sw_account_alerts_json(v, k, &out);
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    sw_buf_release(&out);
    sw_alert_rows_free(v, n);
    return ret;
}

/* ---- the web UI: pages, assets, the dashboard's data, signing in and out ---- */

static const char *query_arg(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Sets the headers every page and asset answer carries: no framing by other sites, no
 * sniffing, and a policy that lets a page load nothing from outside the daemon. */
static void page_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; frame-ancestors 'none'; form-action 'self'");
}

static enum MHD_Result send_page(struct MHD_Connection *conn, unsigned status, const char *type,
                                 struct sw_buf *body, const char *cookie, const char *location,
                                 bool cache)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        body->len, body->data ? body->data : (void *)"", MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            cache ? "public, max-age=3600" : "no-store");
    page_headers(resp);
    if (cookie) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    }
    if (location) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
    }
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result web_get(struct sw_api *api, struct MHD_Connection *conn, struct req *q)
{
    struct sw_web_req wr = {0};
    struct sw_status *st = NULL;
    struct sw_buf out;
    enum MHD_Result ret;
    const char *type = "text/html; charset=utf-8";
    int status, r;

    sw_buf_init(&out);
    if (q->route == R_STATIC) {
        const char *data;
        size_t len;
        if (sw_web_asset(q->url, &data, &len, &type) < 0) {
            return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                        "no such file");
        }
        sw_buf_append(&out, data, len);
        ret = send_page(conn, MHD_HTTP_OK, type, &out, NULL, NULL, true);
        sw_buf_release(&out);
        return ret;
    }
    if (q->route == R_LOGIN) {
        sw_web_login_page(NULL, &out);
        ret = send_page(conn, MHD_HTTP_OK, type, &out, NULL, NULL, false);
        sw_buf_release(&out);
        return ret;
    }
    r = sw_engine_status(api->engine, &st);
    if (r < 0) {
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
                                    "cannot read the state (%s)", strerror(-r));
    }
    wr.path = q->url;
    wr.arg = query_arg;
    wr.arg_ctx = conn;
    wr.role = q->public_view ? SW_ROLE_CUSTOMER : q->id.role;
    wr.customer = q->public_view ? q->url + 8 : q->id.customer;
    wr.who = q->id.name;
    wr.csrf = q->id.session ? q->id.csrf : NULL;
    wr.public_view = q->public_view;
    wr.cfg = st->cfg;
    wr.st = st;
    wr.store = api->store;
    wr.now = sw_now();
    if (q->route == R_DASHBOARD) {
        sw_web_dashboard_json(&wr, &out);
        ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    } else {
        status = sw_web_render(&wr, &out, &type);
        ret = send_page(conn, (unsigned)status, type, &out, NULL, NULL, false);
    }
    sw_status_free(st);
    sw_buf_release(&out);
    return ret;
}

/* POST /login: token=SECRET (a form). A session and its cookie, then to the dashboard (a
 * customer to its status page). */
static enum MHD_Result post_login(struct sw_api *api, struct MHD_Connection *conn, struct req *q)
{
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_api_ident id = {0};
    char token[4200], sid[65], csrf[65], *cookie = NULL, *where = NULL;
    struct sw_buf out;
    enum MHD_Result ret;

    int r = -ENOENT;

    sw_buf_init(&out);
    if (!sw_api_form_value(q->body.data ? q->body.data : "", q->body.len, "token", token,
                           sizeof(token)) ||
        (r = sw_api_token_ident(api, cfg, token, &id)) < 0) {
        sw_web_login_page(r == -EIO ? "The database cannot be read now; try again in a moment."
                                    : "That token is unknown or revoked.",
                          &out);
        ret = send_page(conn, r == -EIO ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_UNAUTHORIZED,
                        "text/html; charset=utf-8", &out, NULL, NULL, false);
        goto out;
    }
    if (sw_api_session_new(api, &id, sid, csrf) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                                   "no session could be made");
        goto out;
    }
    cookie = sw_xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200%s",
                          SW_SESSION_COOKIE, sid, api->tls ? "; Secure" : "");
    where = id.customer ? sw_xasprintf("/customers/%s", id.customer) : sw_xstrdup("/");
    ret =
        send_page(conn, MHD_HTTP_SEE_OTHER, "text/html; charset=utf-8", &out, cookie, where, false);
out:
    OPENSSL_cleanse(token, sizeof(token));
    OPENSSL_cleanse(sid, sizeof(sid));
    OPENSSL_cleanse(csrf, sizeof(csrf));
    free(cookie);
    free(where);
    sw_api_ident_release(&id);
    sw_buf_release(&out);
    sw_config_unref(cfg);
    return ret;
}

/* POST /logout: csrf=TOKEN (the form of every page). Ends the session. */
static enum MHD_Result post_logout(struct sw_api *api, struct MHD_Connection *conn, struct req *q)
{
    const char *sid = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SW_SESSION_COOKIE);
    char csrf[80];
    struct sw_buf out;
    enum MHD_Result ret;

    sw_buf_init(&out);
    if (q->id.session &&
        !sw_api_csrf_ok(&q->id, sw_api_form_value(q->body.data ? q->body.data : "", q->body.len,
                                                  "csrf", csrf, sizeof(csrf)))) {
        return sw_api_respond_error(conn, MHD_HTTP_FORBIDDEN, "csrf", NULL,
                                    "signing out needs the page's anti-forgery token");
    }
    if (sid) {
        sw_api_session_end(api, sid);
    }
    ret = send_page(conn, MHD_HTTP_SEE_OTHER, "text/html; charset=utf-8", &out,
                    SW_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", "/login",
                    false);
    sw_buf_release(&out);
    return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls)
{
    static const char *const get_args[] = {"customer", NULL};
    static const char *const history_args[] = {"customer", "from", "to", NULL};
    static const char *const no_args[] = {NULL};
    static const char *const sla_args[] = {"month", "from", "to", "service", "format", NULL};
    static const char *const case_args[] = {"customer", "open", "limit", NULL};
    static const char *const change_args[] = {"from", "to", "deployment", NULL};
    static const char *const health_args[] = {"from", "to", "month", "engineer", "format", NULL};
    static const char *const inc_args[] = {"customer", "deployment", "service", "status", "open",
                                           "from",     "to",         "limit",   NULL};
    struct sw_api *api = cls;
    struct req *q = *con_cls;
    struct query_check qc;
    bool is_get;

    (void)version;
    if (!q) {
        const char *cl;

        q = sw_xcalloc(1, sizeof(*q));
        sw_buf_init(&q->body);
        *con_cls = q;
        q->responded = true; /* unless the body is awaited below */
        q->route = route_of(url, &q->rest);
        q->url = url;
        if (q->route == R_NONE) {
            return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                        "no such route: %s %s", method, url);
        }
        is_get =
            strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
        {
            enum MHD_Result ar;
            if (!authenticate(api, conn, q, is_get, &ar)) {
                return ar;
            }
        }
        if (!method_allowed(q->route, method)) {
            return sw_api_respond_error(
                conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", route_methods(q->route),
                "%s %s: the methods allowed are %s", method, url, route_methods(q->route));
        }
        q->post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
        qc.allowed = no_args;
        if (q->route == R_CUSTOMERS || q->route == R_SERVICES || q->route == R_CHECKS ||
            q->route == R_CHECK || q->route == R_SERVICE) {
            qc.allowed = q->route == R_CHECK || q->route == R_SERVICE ? history_args : get_args;
        } else if (q->route == R_CUSTOMER_SUB) {
            qc.allowed = sla_args;
        } else if ((q->route == R_MAINT && is_get) || q->route == R_SLO_ALERTS) {
            qc.allowed = get_args;
        } else if (q->route == R_INCIDENTS) {
            qc.allowed = inc_args;
        } else if (q->route == R_CASES && is_get) {
            qc.allowed = case_args;
        } else if (q->route == R_CHANGES && is_get) {
            qc.allowed = change_args;
        } else if (q->route == R_HEALTH) {
            qc.allowed = health_args;
        }
        qc.bad = NULL;
        if (q->route != R_PAGE && q->route != R_STATIC && q->route != R_LOGIN) {
            /* the pages read their own arguments and answer a bad one with a 400 page */
            MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_arg, &qc);
        }
        if (qc.bad) {
            return sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                        "unknown parameter '%s'", qc.bad);
        }
        cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && (strlen(cl) > 19 || strtoull(cl, NULL, 10) > api->max_body)) {
            const char *expect =
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
            unsigned long long len = strlen(cl) > 19 ? ULLONG_MAX : strtoull(cl, NULL, 10);

            /* A client waiting for "100 Continue" sends nothing more, and one sending a
             * body far too big is cut off: answer now. Otherwise read and drop the body,
             * or the client, still sending, would never see the answer. */
            if ((expect && strcasecmp(expect, "100-continue") == 0) ||
                len / DISCARD_FACTOR > api->max_body || !q->post) {
                return sw_api_respond_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
                                            NULL, "the body is larger than %zu bytes",
                                            api->max_body);
            }
            q->too_big = true;
            q->responded = false;
            return MHD_YES;
        }
        if (q->route == R_STATIC || q->route == R_PAGE || q->route == R_DASHBOARD ||
            (q->route == R_LOGIN && is_get)) {
            return web_get(api, conn, q);
        }
        if (!is_get && q->route != R_LOGIN && q->route != R_LOGOUT &&
            !sw_api_csrf_ok(&q->id,
                            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token"))) {
            return sw_api_respond_error(conn, MHD_HTTP_FORBIDDEN, "csrf", NULL,
                                        "a request made with the session cookie must send its "
                                        "X-CSRF-Token");
        }
        if (q->route == R_MAINT_ID) {
            return delete_maintenance(api, conn, q->rest);
        }
        if (q->route == R_CUSTOMER_SUB) {
            if (q->id.customer && (!sw_str_has_prefix(q->rest, q->id.customer) ||
                                   q->rest[strlen(q->id.customer)] != '/')) {
                return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                            "no such customer");
            }
            return get_customer_sub(api, conn, q->rest);
        }
        if (q->route == R_MAINT && !q->post) {
            return get_maintenance(api, conn);
        }
        if (q->route == R_SLO_ALERTS) {
            return get_slo_alerts(api, conn);
        }
        if (q->route == R_INCIDENTS) {
            return sw_api_get_incidents(api, conn, q->id.customer);
        }
        if (q->route == R_INCIDENT && !q->post) {
            return sw_api_incident(api, conn, &q->who, q->rest, false, NULL, 0);
        }
        if (q->route == R_CASES && !q->post) {
            return sw_api_get_cases(api, conn, &q->who);
        }
        if (q->route == R_CASE && !q->post) {
            return sw_api_case(api, conn, &q->who, q->rest, false, NULL, 0);
        }
        if (q->route == R_HEALTH) {
            return sw_api_get_health(api, conn);
        }
        if (q->route == R_CLUSTER) {
            return get_cluster(api, conn);
        }
        if (q->route == R_CHANGES && !q->post) {
            return sw_api_get_changes(api, conn);
        }
        if (q->route == R_CHANGE && !q->post) {
            return sw_api_change(api, conn, &q->who, q->rest, false, NULL, 0);
        }
        if (!q->post) {
            const char *cu = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "customer");
            if (q->id.customer && cu && strcmp(cu, q->id.customer) != 0) {
                return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                            "no customer '%s'", cu);
            }
            return handle_get(api, conn, q, q->id.customer ? q->id.customer : cu);
        }
        q->responded = false;
        return MHD_YES;
    }
    if (q->responded) {
        *upload_data_size = 0;
        return MHD_YES;
    }

    if (*upload_data_size > 0) {
        q->received += *upload_data_size;
        if (!q->too_big && q->received > api->max_body) {
            q->too_big = true;
            sw_buf_release(&q->body);
        }
        if (q->too_big && q->received / DISCARD_FACTOR > api->max_body) {
            return MHD_NO;
        }
        if (!q->too_big) {
            sw_buf_append(&q->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (q->too_big) {
        return sw_api_respond_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large", NULL,
                                    "the body is larger than %zu bytes", api->max_body);
    }
    if (q->route == R_LOGIN) {
        return post_login(api, conn, q);
    }
    if (q->route == R_LOGOUT) {
        return post_logout(api, conn, q);
    }
    if (q->route == R_RESULTS) {
        return post_results(api, conn, q);
    }
    if (q->route == R_ALERTMANAGER) {
        return sw_api_post_alertmanager(api, conn, q->body.data ? q->body.data : "", q->body.len);
    }
    if (q->route == R_MAINT) {
        return post_maintenance(api, conn, q);
    }
    {
        const char *b = q->body.data ? q->body.data : "";
        switch (q->route) {
        case R_INCIDENT:
            return sw_api_incident(api, conn, &q->who, q->rest, true, b, q->body.len);
        case R_CASES:
            return sw_api_post_case(api, conn, &q->who, b, q->body.len);
        case R_CASE:
            return sw_api_case(api, conn, &q->who, q->rest, true, b, q->body.len);
        case R_CHANGES:
            return sw_api_change(api, conn, &q->who, NULL, true, b, q->body.len);
        case R_CHANGE:
            return sw_api_change(api, conn, &q->who, q->rest, true, b, q->body.len);
        default:
            break;
        }
    }
    return post_reload(api, conn);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct req *q = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (q) {
        sw_buf_release(&q->body);
        sw_api_ident_release(&q->id);
        free(q);
        *con_cls = NULL;
    }
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];

    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    sw_debug("api: %s", line);
}

/* ---- the server ---- */

/* Parses "HOST:PORT" or "[V6]:PORT" and opens a listening socket on it. */
static int listen_on(const char *listen_s, struct sw_buf *err, int *ret_fd, int *ret_port)
{
    struct addrinfo hints = {0};
    struct addrinfo *ai = NULL;
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    const char *colon;
    char *host = NULL;
    const char *port;
    int one = 1;
    int fd = -1;
    int r;

    if (listen_s[0] == '[') {
        const char *end = strchr(listen_s, ']');

        if (!end || end[1] != ':') {
            r = -EINVAL;
            goto bad;
        }
        host = sw_xstrndup(listen_s + 1, (size_t)(end - listen_s - 1));
        port = end + 2;
        hints.ai_family = AF_INET6;
        hints.ai_flags = AI_NUMERICHOST;
    } else {
        colon = strrchr(listen_s, ':');
        if (!colon || strchr(listen_s, ':') != colon) {
            r = -EINVAL;
            goto bad;
        }
        host = sw_xstrndup(listen_s, (size_t)(colon - listen_s));
        port = colon + 1;
        hints.ai_family = AF_UNSPEC;
    }
    if (!host[0] || !port[0] || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
        atoi(port) > 65535) {
        r = -EINVAL;
        goto bad;
    }
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags |= AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai) {
        if (err) {
            sw_buf_printf(err, "listen %s: cannot resolve '%s'", listen_s, host);
        }
        r = -EINVAL;
        goto out;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        r = -errno;
        goto fail;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 || listen(fd, SOMAXCONN) == -1 ||
        getsockname(fd, (struct sockaddr *)&sa, &salen) == -1) {
        r = -errno;
        goto fail;
    }
    *ret_port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                               : ((struct sockaddr_in *)&sa)->sin_port);
    *ret_fd = fd;
    fd = -1;
    r = 0;
    goto out;
bad:
    if (err) {
        sw_buf_printf(err, "listen '%s': expected HOST:PORT or [IPV6]:PORT", listen_s);
    }
    goto out;
fail:
    if (err) {
        sw_buf_printf(err, "listen %s: %s", listen_s, strerror(-r));
    }
out:
    if (fd != -1) {
        close(fd);
    }
    if (ai) {
        freeaddrinfo(ai);
    }
    free(host);
    return r;
}

int sw_api_new(struct sw_engine *engine, struct sw_store *store, const char *listen,
               size_t max_body, const char *tls_cert, const char *tls_key, struct sw_buf *err,
               struct sw_api **ret_api)
{
    struct sw_api *api = sw_xcalloc(1, sizeof(*api));
    int fd = -1;
    int r;

    api->engine = engine;
    api->store = store;
    api->max_body = max_body;
    pthread_mutex_init(&api->sess_mu, NULL);
    api->tokens_known = -1;
    r = listen_on(listen, err, &fd, &api->port);
    if (r < 0) {
        goto out;
    }
    api->tls = tls_cert && tls_key;
    if ((tls_cert != NULL) != (tls_key != NULL) ||
        (api->tls && !MHD_is_feature_supported(MHD_FEATURE_TLS))) {
        close(fd);
        if (err) {
            sw_buf_puts(err, "TLS needs a certificate and a key, and libmicrohttpd with TLS");
        }
        r = -EINVAL;
        goto out;
    }
    api->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
            (api->tls ? MHD_USE_TLS : 0),
        0, NULL, NULL, handler, api, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)POOL_THREADS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT, MHD_OPTION_NOTIFY_COMPLETED, completed,
        NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        api->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls_cert, MHD_OPTION_HTTPS_MEM_KEY,
        tls_key, MHD_OPTION_END);
    if (!api->mhd) {
        close(fd);
        if (err) {
            sw_buf_printf(err, "listen %s: cannot start the HTTP server", listen);
        }
        r = -EIO;
        goto out;
    }
    *ret_api = api;
    api = NULL;
    r = 0;
out:
    sw_api_free(api);
    return r;
}

void sw_api_free(struct sw_api *api)
{
    if (!api) {
        return;
    }
    if (api->mhd) {
        MHD_stop_daemon(api->mhd); /* closes the listening socket too */
    }
    sw_api_sessions_free(api);
    pthread_mutex_destroy(&api->sess_mu);
    free(api);
}

void sw_api_set_incidents(struct sw_api *api, struct sw_inc_manager *m)
{
    api->incidents = m;
}

int sw_api_port(const struct sw_api *api)
{
    return api->port;
}
