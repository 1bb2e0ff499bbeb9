/* SPDX-License-Identifier: Apache-2.0 */
/* http.c: the http probe on libcurl's multi interface, driven by the libuv loop: one
 * uv_poll_t per socket curl watches, one uv_timer_t for curl's timeout. Easy handles and
 * their buffers are pooled and reset between runs; each run still opens a fresh connection
 * (a health check must connect). Certificate expiry comes from CURLOPT_CERTINFO ("Expire
 * date" of the leaf), asked for only when the check has certificate thresholds. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "probe/probe_int.h"

#define POOL_MAX 256      /* idle easy handles kept */
#define SOCK_POOL_MAX 256 /* idle socket contexts kept */
#define DEFAULT_MAX_BODY (64 * 1024)

struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    struct sw_probes *p;
    struct sock_ctx *prev; /* on h->socks while open, next on the free list */
    struct sock_ctx *next;
};

struct http_run {
    struct sw_run run;
    struct http_run *next_free;
    CURL *easy;
    struct curl_slist *headers;
    struct sw_buf body; /* kept bytes for expect_body, memory reused across runs */
    size_t max_body;
    bool keep;
    bool in_multi;
    size_t bytes; /* body bytes received */
    char errbuf[CURL_ERROR_SIZE];
};

struct sw_http {
    CURLM *multi;
    uv_timer_t timer;
    struct http_run *pool;
    int pool_n;
    struct sock_ctx socks; /* list head of open socket contexts */
    struct sock_ctx *sock_free;
    int sock_free_n;
};

static const struct {
    int code;
    const char *text;
} phrases[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {507, "Insufficient Storage"},
    {511, "Network Authentication Required"},
};

static const char *reason_phrase(long code)
{
    for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
        if (phrases[i].code == code) {
            return phrases[i].text;
        }
    }
    return NULL;
}

static void check_done(struct sw_probes *p);

/* ---- sockets and timer: curl tells what to watch, libuv watches ---- */

static void on_sock_close(uv_handle_t *h)
{
    struct sock_ctx *k = h->data;
    struct sw_probes *p = k->p;
    struct sw_http *x = p->http;

    if (x && x->sock_free_n < SOCK_POOL_MAX) {
        k->next = x->sock_free;
        x->sock_free = k;
        x->sock_free_n++;
    } else {
        free(k);
    }
    sw_probes_unpend(p);
}

static void sock_close(struct sock_ctx *k)
{
    uv_poll_stop(&k->poll);
    k->prev->next = k->next;
    k->next->prev = k->prev;
    uv_close((uv_handle_t *)&k->poll, on_sock_close);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct sock_ctx *k = h->data;
    struct sw_probes *p = k->p;
    int flags = 0, running;

    if (status < 0) {
        flags = CURL_CSELECT_ERR;
    } else {
        if (events & UV_READABLE) {
            flags |= CURL_CSELECT_IN;
        }
        if (events & UV_WRITABLE) {
            flags |= CURL_CSELECT_OUT;
        }
    }
    curl_multi_socket_action(p->http->multi, k->fd, flags, &running);
    check_done(p);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct sw_probes *p = userp;
    struct sw_http *x = p->http;
    struct sock_ctx *k = socketp;
    int events = 0;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (k) {
            curl_multi_assign(x->multi, s, NULL);
            sock_close(k);
        }
        return 0;
    }
    if (!k) {
        if (x->sock_free) {
            k = x->sock_free;
            x->sock_free = k->next;
            x->sock_free_n--;
        } else {
            k = sw_xmalloc(sizeof(*k));
        }
        memset(k, 0, sizeof(*k));
        if (uv_poll_init_socket(p->loop, &k->poll, s) < 0) {
            free(k);
            return -1; /* curl fails the transfer */
        }
        k->poll.data = k;
        k->fd = s;
        k->p = p;
        k->next = &x->socks;
        k->prev = x->socks.prev;
        x->socks.prev->next = k;
        x->socks.prev = k;
        p->pending++;
        curl_multi_assign(x->multi, s, k);
    }
    if (what & CURL_POLL_IN) {
        events |= UV_READABLE;
    }
    if (what & CURL_POLL_OUT) {
        events |= UV_WRITABLE;
    }
    uv_poll_start(&k->poll, events, on_poll);
    return 0;
}

static void on_timeout(uv_timer_t *t)
{
    struct sw_probes *p = t->data;
    int running;
    long ms = -1;

    curl_multi_socket_action(p->http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(p);
    /* curl 7.88 skips the timer callback when the new expiry equals the one it last
     * reported; a transfer would then wait forever. Re-arm from curl_multi_timeout(). */
    if (p->http && running > 0 && !uv_is_active((uv_handle_t *)t) &&
        curl_multi_timeout(p->http->multi, &ms) == CURLM_OK && ms >= 0) {
        uv_timer_start(t, on_timeout, (uint64_t)ms, 0);
    }
}

static int on_timer_set(CURLM *multi, long timeout_ms, void *userp)
{
    struct sw_probes *p = userp;

    (void)multi;
    if (timeout_ms < 0) {
        uv_timer_stop(&p->http->timer);
    } else {
        /* 0 means "at once": the next loop iteration, never from inside this callback */
        uv_timer_start(&p->http->timer, on_timeout, (uint64_t)timeout_ms, 0);
    }
    return 0;
}

/* ---- one run ---- */

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct http_run *h = userdata;
    size_t n = size * nmemb;

    h->bytes += n;
    if (h->keep && h->body.len < h->max_body) {
        size_t room = h->max_body - h->body.len;
        sw_buf_append(&h->body, ptr, n < room ? n : room);
    }
    return n;
}

static void run_release(struct sw_probes *p, struct http_run *h)
{
    struct sw_http *x = p->http;

    if (h->in_multi) {
        curl_multi_remove_handle(x->multi, h->easy);
        h->in_multi = false;
    }
    curl_slist_free_all(h->headers);
    h->headers = NULL;
    if (x->pool_n < POOL_MAX && !p->freeing) {
        /* keep the buffer's memory unless a big body made it large */
        if (h->body.cap > DEFAULT_MAX_BODY + 1) {
            sw_buf_release(&h->body);
        }
        sw_buf_reset(&h->body);
        h->next_free = x->pool;
        x->pool = h;
        x->pool_n++;
    } else {
        curl_easy_cleanup(h->easy);
        sw_buf_release(&h->body);
        free(h);
    }
    sw_probes_unpend(p);
}

static const char *month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Parses OpenSSL's "Nov 26 10:00:00 2026 GMT". Returns 0 or -EINVAL. */
static int parse_cert_date(const char *s, time_t *ret)
{
    char mon[4];
    struct tm tm = {0};
    int n = 0;

    if (sscanf(s, "%3s %d %d:%d:%d %d GMT%n", mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
               &tm.tm_year, &n) != 6 ||
        n == 0) {
        return -EINVAL;
    }
    tm.tm_mon = -1;
    for (int i = 0; i < 12; i++) {
        if (strcmp(mon, month_names[i]) == 0) {
            tm.tm_mon = i;
        }
    }
    if (tm.tm_mon < 0) {
        return -EINVAL;
    }
    tm.tm_year -= 1900;
    *ret = timegm(&tm);
    return 0;
}

/* The leaf certificate's notAfter from CURLINFO_CERTINFO. */
static int cert_not_after(CURL *easy, time_t *ret)
{
    struct curl_certinfo *ci = NULL;

    if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci ||
        ci->num_of_certs < 1) {
        return -ENOENT;
    }
    for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next) {
        if (strncmp(l->data, "Expire date:", 12) == 0) {
            return parse_cert_date(l->data + 12, ret);
        }
    }
    return -ENOENT;
}

static bool status_expected(const struct sw_check_conf *c, long code)
{
    if (c->n_expect_status == 0) {
        return code >= 200 && code <= 399;
    }
    for (size_t i = 0; i < c->n_expect_status; i++) {
        if (c->expect_status[i] == code) {
            return true;
        }
    }
    return false;
}

static void complete(struct sw_probes *p, struct http_run *h, CURLcode code)
{
    const struct sw_check_conf *c = h->run.c;
    struct sw_probe_result r = {0};
    struct sw_buf out, reasons, perf;
    enum sw_state s = SW_OK;
    long status = 0;

    r.latency_us = sw_run_elapsed_us(&h->run);
    if (code != CURLE_OK) {
        r.state = SW_CRITICAL;
        r.output = sw_xstrdup(h->errbuf[0] ? h->errbuf : curl_easy_strerror(code));
        sw_run_finish(&h->run, &r);
        run_release(p, h);
        return;
    }
    sw_buf_init(&out);
    sw_buf_init(&reasons);
    sw_buf_init(&perf);
    curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
    const char *phrase = reason_phrase(status);
    sw_buf_printf(&out, "HTTP %ld%s%s", status, phrase ? " " : "", phrase ? phrase : "");
    if (!status_expected(c, status)) {
        s = SW_CRITICAL;
        if (c->n_expect_status == 0) {
            sw_buf_puts(&out, " (expected 200..399)");
        } else {
            sw_buf_puts(&out, " (expected ");
            for (size_t i = 0; i < c->n_expect_status; i++) {
                sw_buf_printf(&out, "%s%d", i ? ", " : "", c->expect_status[i]);
            }
            sw_buf_puts(&out, ")");
        }
    }
    sw_buf_printf(&out, " in %" PRId64 " ms, %zu bytes", r.latency_us / 1000, h->bytes);

    if (c->expect_body) {
        if (!c->expect_body_re) {
            s = sw_state_worst(s, SW_UNKNOWN);
            sw_buf_puts(&reasons, ", expect_body was not compiled");
        } else {
            pcre2_match_data *md = pcre2_match_data_create_from_pattern(c->expect_body_re, NULL);
            int m = pcre2_match(c->expect_body_re, (PCRE2_SPTR)(h->body.data ? h->body.data : ""),
                                h->body.len, 0, 0, md, NULL);
            pcre2_match_data_free(md);
            if (m == PCRE2_ERROR_NOMATCH) {
                s = SW_CRITICAL;
                sw_buf_printf(&reasons, ", body does not match '%.80s'", c->expect_body);
            } else if (m < 0) {
                PCRE2_UCHAR msg[120];
                pcre2_get_error_message(m, msg, sizeof(msg));
                s = SW_CRITICAL;
                sw_buf_printf(&reasons, ", body match failed: %s", (char *)msg);
            }
        }
    }
    s = sw_state_worst(s, sw_latency_state(r.latency_us, c, &reasons));

    sw_perf_time(&perf, r.latency_us, c);
    sw_buf_printf(&perf, " size=%zuB;;;0", h->bytes);

    if (c->cert_warn_days >= 0 || c->cert_crit_days >= 0) {
        char *scheme = NULL;
        curl_easy_getinfo(h->easy, CURLINFO_SCHEME, &scheme);
        if (scheme && strcasecmp(scheme, "https") == 0) {
            time_t na;
            if (cert_not_after(h->easy, &na) < 0) {
                s = sw_state_worst(s, SW_UNKNOWN);
                sw_buf_puts(&reasons, ", certificate expiry unknown");
            } else {
                int64_t left = (int64_t)na - (int64_t)time(NULL);
                int64_t days = left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
                struct tm tm;
                char date[16];
                gmtime_r(&na, &tm);
                strftime(date, sizeof(date), "%Y-%m-%d", &tm);
                if (days < 0) {
                    sw_buf_printf(&reasons, ", certificate expired %" PRId64 " days ago (%s)",
                                  -days, date);
                } else {
                    sw_buf_printf(&reasons, ", certificate expires in %" PRId64 " days (%s)", days,
                                  date);
                }
                if (c->cert_crit_days >= 0 && days < c->cert_crit_days) {
                    s = SW_CRITICAL;
                } else if (c->cert_warn_days >= 0 && days < c->cert_warn_days) {
                    s = sw_state_worst(s, SW_WARNING);
                }
                sw_buf_printf(&perf, " cert_days=%" PRId64 ";", days);
                if (c->cert_warn_days >= 0) {
                    sw_buf_printf(&perf, "%d:", c->cert_warn_days);
                }
                sw_buf_puts(&perf, ";");
                if (c->cert_crit_days >= 0) {
                    sw_buf_printf(&perf, "%d:", c->cert_crit_days);
                }
            }
        }
    }
    if (reasons.len > 0) {
        sw_buf_append(&out, reasons.data, reasons.len);
    }
    r.state = s;
    r.output = sw_buf_steal(&out);
    r.perfdata = sw_buf_steal(&perf);
    sw_buf_release(&reasons);
    sw_run_finish(&h->run, &r);
    run_release(p, h);
}

static void check_done(struct sw_probes *p)
{
    CURLMsg *m;
    int left;

    while (p->http && (m = curl_multi_info_read(p->http->multi, &left))) {
        if (m->msg != CURLMSG_DONE) {
            continue;
        }
        struct http_run *h = NULL;
        CURLcode code = m->data.result;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&h);
        curl_multi_remove_handle(p->http->multi, m->easy_handle);
        h->in_multi = false;
        complete(p, h, code);
    }
}

static void cancel(struct sw_run *run)
{
    struct http_run *h = (struct http_run *)run;
    struct sw_probes *p = run->p;

    sw_run_finishf(run, SW_UNKNOWN, "cancelled");
    run_release(p, h);
}

static void set_options(struct http_run *h, const struct sw_check_conf *c)
{
    CURL *e = h->easy;
    const char *method = c->method && c->method[0] ? c->method : "GET";

    curl_easy_setopt(e, CURLOPT_URL, c->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, h);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "stackward/" SW_VERSION);
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(c->timeout_ms > 0 ? c->timeout_ms : 10000));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
    if (c->follow_redirects) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    }
    if (!c->tls_verify) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (c->ca_file) {
        curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
    }
    if (c->client_cert) {
        curl_easy_setopt(e, CURLOPT_SSLCERT, c->client_cert);
    }
    if (c->client_key) {
        curl_easy_setopt(e, CURLOPT_SSLKEY, c->client_key);
    }
    if (c->username) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, c->username);
        curl_easy_setopt(e, CURLOPT_PASSWORD, c->password ? c->password : "");
    } else if (c->bearer_token) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, c->bearer_token);
    }
    if (c->cert_warn_days >= 0 || c->cert_crit_days >= 0) {
        curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    }
    bool conn = false;
    for (size_t i = 0; i < c->n_headers; i++) {
        h->headers = curl_slist_append(h->headers, c->headers[i]);
        if (strncasecmp(c->headers[i], "Connection:", 11) == 0) {
            conn = true;
        }
    }
    if (!conn) {
        h->headers = curl_slist_append(h->headers, "Connection: close");
    }
    if (h->headers) {
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
    }
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (c->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(c->body));
        if (strcmp(method, "POST") != 0) {
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
        }
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
}

int sw_http_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                  void *arg)
{
    struct sw_http *x = p->http;
    struct http_run *h;
    CURLMcode mc;

    if (!c->url || !c->url[0]) {
        return -EINVAL;
    }
    if (x->pool) {
        h = x->pool;
        x->pool = h->next_free;
        x->pool_n--;
        curl_easy_reset(h->easy);
    } else {
        h = sw_xcalloc(1, sizeof(*h));
        sw_buf_init(&h->body);
        h->easy = curl_easy_init();
        if (!h->easy) {
            free(h);
            return -ENOMEM;
        }
    }
    h->next_free = NULL;
    h->bytes = 0;
    h->errbuf[0] = '\0';
    h->keep = c->expect_body != NULL;
    h->max_body = c->max_body > 0 ? c->max_body : DEFAULT_MAX_BODY;
    sw_run_begin(p, &h->run, c, cb, arg);
    h->run.cancel = cancel;
    set_options(h, c);
    mc = curl_multi_add_handle(x->multi, h->easy);
    if (mc != CURLM_OK) {
        sw_run_finishf(&h->run, SW_UNKNOWN, "cannot start the request: %s",
                       curl_multi_strerror(mc));
        run_release(p, h);
        return 0;
    }
    h->in_multi = true;
    /* see on_timeout: do not rely on curl calling on_timer_set for this handle */
    uv_timer_start(&x->timer, on_timeout, 0, 0);
    return 0;
}

static void on_timer_close(uv_handle_t *t)
{
    struct sw_probes *p = t->data;

    free(p->http);
    p->http = NULL;
    sw_probes_unpend(p);
}

int sw_http_init(struct sw_probes *p)
{
    struct sw_http *x;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return -ENOMEM;
    }
    x = sw_xcalloc(1, sizeof(*x));
    x->multi = curl_multi_init();
    if (!x->multi) {
        free(x);
        curl_global_cleanup();
        return -ENOMEM;
    }
    x->socks.next = &x->socks;
    x->socks.prev = &x->socks;
    curl_multi_setopt(x->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(x->multi, CURLMOPT_SOCKETDATA, p);
    curl_multi_setopt(x->multi, CURLMOPT_TIMERFUNCTION, on_timer_set);
    curl_multi_setopt(x->multi, CURLMOPT_TIMERDATA, p);
    uv_timer_init(p->loop, &x->timer);
    x->timer.data = p;
    p->pending++;
    p->http = x;
    return 0;
}

void sw_http_shutdown(struct sw_probes *p)
{
    struct sw_http *x = p->http;

    if (!x || !x->multi) {
        return;
    }
    while (x->pool) {
        struct http_run *h = x->pool;
        x->pool = h->next_free;
        curl_easy_cleanup(h->easy);
        sw_buf_release(&h->body);
        free(h);
    }
    x->pool_n = 0;
    curl_multi_cleanup(x->multi);
    x->multi = NULL;
    while (x->socks.next != &x->socks) {
        sock_close(x->socks.next);
    }
    while (x->sock_free) {
        struct sock_ctx *k = x->sock_free;
        x->sock_free = k->next;
        free(k);
    }
    x->sock_free_n = SOCK_POOL_MAX; /* closing sockets are freed, not pooled */
    curl_global_cleanup();
    uv_close((uv_handle_t *)&x->timer, on_timer_close);
}
