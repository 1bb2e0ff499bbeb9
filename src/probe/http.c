/* SPDX-License-Identifier: Apache-2.0 */
/* http.c: the http probe on libcurl's multi interface, driven by the libuv loop: curl's
 * sockets sit in an epoll set of our own that the loop watches through one uv_poll_t (see
 * "sockets" below for why), one uv_timer_t carries curl's timeout. Easy handles and their
 * buffers are pooled and reset between runs; each run still opens a fresh connection (a
 * health check must connect) and asks the server to close it ("Connection: close"), so the
 * TIME_WAIT sockets pile up on the server's side, not in the prober's ephemeral ports.
 * Certificate expiry comes from CURLOPT_CERTINFO ("Expire date" of the leaf), asked for
 * only when the check has certificate thresholds. Linux only (epoll), as the daemon is. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "probe/probe_int.h"

#define POOL_MAX 256     /* idle easy handles kept */
#define FD_MAX (1 << 20) /* sockets beyond this fd number are refused (8 MiB of state) */
#define EVENTS_MAX 256   /* epoll events taken per loop wake-up */
#define DEFAULT_MAX_BODY (64 * 1024)

/* What curl wants of one socket and what the epoll set has; indexed by fd. */
struct fd_state {
    uint8_t want;               /* CURL_POLL_IN / CURL_POLL_OUT, 0 after REMOVE */
    bool in_set;                /* registered in the epoll set */
    bool ours;                  /* opened by open_sock(), to be closed by close_sock() */
    uint32_t events;            /* EPOLLIN / EPOLLOUT registered */
    struct sw_plain_run *plain; /* a socket of http_plain.c's, or NULL for curl's */
};

struct http_run {
    struct sw_run run;
    struct http_run *next_free;
    CURL *easy;
    struct curl_slist *headers; /* owned when the check has headers of its own, or NULL */
    struct sw_buf body;         /* kept bytes for expect_body, memory reused across runs */
    size_t max_body;
    bool keep;
    bool in_multi;
    size_t bytes; /* body bytes received */
    char errbuf[CURL_ERROR_SIZE];
    /* a single request (sw_http_request()) instead of a check's run */
    sw_http_reply_cb req_cb;
    void *req_arg;
    const char *capture; /* header name to keep the value of */
    struct sw_buf captured;
    int64_t req_start_ns;
};

struct sw_http {
    CURLM *multi;
    uv_timer_t timer;
    struct http_run *pool;
    int pool_n;
    int epfd;          /* the epoll set of curl's sockets */
    uv_poll_t ep_poll; /* the loop watches the set through this */
    struct fd_state *fds;
    size_t n_fds;
    int closing;                   /* handles (timer, ep_poll) not yet closed at shutdown */
    struct curl_slist *close_only; /* "Connection: close", shared by checks without headers */
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

/* ---- sockets and timer: curl tells what to watch, one epoll set watches ----
 *
 * libuv's uv_poll_t costs about eight epoll_ctl calls and an ioctl per socket (init checks
 * the fd with ADD+DEL, each start is DEL+ADD, stop and close DEL again), three of which
 * fail; on a VM each system call is dear. Instead curl's sockets live in an epoll set of
 * our own, which the loop watches through one uv_poll_t: a socket costs an ADD when curl
 * first wants it and a MOD when its interest changes; close() takes it out of the set.
 * curl opens its connections' sockets through open_sock() (close-on-exec: a plugin started
 * meanwhile does not inherit one, which would keep a closed socket in the set) and closes
 * them through close_sock(), which forgets them. For those REMOVE is lazy: curl closes
 * them right after, almost always; one that stays open is taken out when it next reports.
 * Other sockets (the resolver's socket pair) curl closes itself and need not be
 * close-on-exec: they are taken out at REMOVE, while their fd is still theirs. */

static struct fd_state *fd_slot(struct sw_http *x, curl_socket_t s)
{
    if (s < 0 || s >= FD_MAX) {
        return NULL;
    }
    if ((size_t)s >= x->n_fds) {
        size_t n = x->n_fds ? x->n_fds : 64;
        while (n <= (size_t)s) {
            n *= 2;
        }
        x->fds = sw_xrealloc(x->fds, n * sizeof(*x->fds));
        memset(x->fds + x->n_fds, 0, (n - x->n_fds) * sizeof(*x->fds));
        x->n_fds = n;
    }
    return &x->fds[s];
}

/* Puts s in the set for events (EPOLLIN/EPOLLOUT bits); 0 or -errno. */
static int set_watch(struct sw_http *x, struct fd_state *f, curl_socket_t s, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.fd = s};
    int op = f->in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

    if (epoll_ctl(x->epfd, op, s, &ev) == -1) {
        /* our idea of the set was stale: a socket curl closed itself (the resolver's), or
         * one that a forked child kept open for a moment */
        if (errno == ENOENT && op == EPOLL_CTL_MOD) {
            op = EPOLL_CTL_ADD;
        } else if (errno == EEXIST && op == EPOLL_CTL_ADD) {
            op = EPOLL_CTL_MOD;
        } else {
            return -errno;
        }
        if (epoll_ctl(x->epfd, op, s, &ev) == -1) {
            return -errno;
        }
    }
    f->in_set = true;
    f->events = events;
    return 0;
}

static void unwatch(struct sw_http *x, struct fd_state *f, curl_socket_t s)
{
    struct epoll_event ev = {0}; /* kernels before 2.6.9 want one, even for DEL */

    (void)epoll_ctl(x->epfd, EPOLL_CTL_DEL, s, &ev);
    f->in_set = false;
    f->events = 0;
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct sw_probes *p = userp;
    struct sw_http *x = p->http;
    struct fd_state *f = fd_slot(x, s);
    uint32_t events = 0;

    (void)easy;
    (void)socketp;
    if (!f) {
        return -1; /* curl aborts the transfers in progress */
    }
    if (what == CURL_POLL_REMOVE || what == CURL_POLL_NONE) {
        f->want = 0;
        if (!f->ours && f->in_set) {
            unwatch(x, f, s);
        }
        return 0;
    }
    f->want = (uint8_t)what;
    if (what & CURL_POLL_IN) {
        events |= EPOLLIN;
    }
    if (what & CURL_POLL_OUT) {
        events |= EPOLLOUT;
    }
    if (f->in_set && f->events == events) {
        return 0;
    }
    return set_watch(x, f, s, events) < 0 ? -1 : 0;
}

static curl_socket_t open_sock(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct sw_probes *p = clientp;
    curl_socket_t s = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
    struct fd_state *f;

    (void)purpose;
    if (s == -1) {
        return CURL_SOCKET_BAD;
    }
    f = fd_slot(p->http, s);
    if (!f) {
        close(s);
        return CURL_SOCKET_BAD;
    }
    f->ours = true;
    return s;
}

static int close_sock(void *clientp, curl_socket_t s)
{
    struct sw_probes *p = clientp;
    struct sw_http *x = p->http;

    if (x && s >= 0 && (size_t)s < x->n_fds) {
        /* close() takes it out of the set */
        memset(&x->fds[s], 0, sizeof(x->fds[s]));
    }
    return close(s);
}

int sw_http_watch(struct sw_probes *p, int fd, uint32_t events, struct sw_plain_run *run)
{
    struct fd_state *f = fd_slot(p->http, fd);
    int r;

    if (!f) {
        return -EMFILE;
    }
    r = set_watch(p->http, f, fd, events);
    if (r < 0) {
        return r;
    }
    f->plain = run;
    return 0;
}

void sw_http_unwatch(struct sw_probes *p, int fd)
{
    struct sw_http *x = p->http;

    if (x && fd >= 0 && (size_t)fd < x->n_fds) {
        memset(&x->fds[fd], 0, sizeof(x->fds[fd]));
    }
}

/* The loop says the set has events: hand each to curl, or to http_plain.c. */
static void on_epoll(uv_poll_t *h, int status, int events)
{
    struct sw_probes *p = h->data;
    struct sw_http *x = p->http;
    struct epoll_event ev[EVENTS_MAX];
    int n, running;

    (void)status;
    (void)events;
    n = epoll_wait(x->epfd, ev, EVENTS_MAX, 0);
    for (int i = 0; i < n && x->multi; i++) {
        curl_socket_t s = ev[i].data.fd;
        struct fd_state *f = (size_t)s < x->n_fds ? &x->fds[s] : NULL;
        uint32_t e = ev[i].events;
        int flags = 0;

        if (!f || !f->in_set) {
            continue; /* a socket closed since (or a child kept it for a moment): stale */
        }
        if (f->plain) {
            sw_plain_event(f->plain, e);
            continue;
        }
        if (f->want == 0) {
            unwatch(x, f, s); /* curl dropped it but it stays open: take it out now */
            continue;
        }
        if (e & (EPOLLERR | EPOLLHUP)) {
            e |= f->events; /* as libuv does: curl finds the error reading or writing */
        }
        if ((e & EPOLLIN) && (f->want & CURL_POLL_IN)) {
            flags |= CURL_CSELECT_IN;
        }
        if ((e & EPOLLOUT) && (f->want & CURL_POLL_OUT)) {
            flags |= CURL_CSELECT_OUT;
        }
        if (flags == 0) {
            continue;
        }
        curl_multi_socket_action(x->multi, s, flags, &running);
        check_done(p);
    }
}

static void on_timeout(uv_timer_t *t);

/* Starts the timer to fire in ms, unless it already does: the loop's timers are a heap the
 * scheduler fills with one per check, and curl asks several times per transfer. Same due
 * time either way (both count from the loop's time). */
static void timer_at(uv_timer_t *t, uint64_t ms)
{
    if (!uv_is_active((uv_handle_t *)t) || uv_timer_get_due_in(t) != ms) {
        uv_timer_start(t, on_timeout, ms, 0);
    }
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
    if (p->http->multi && running > 0 && !uv_is_active((uv_handle_t *)t) &&
        curl_multi_timeout(p->http->multi, &ms) == CURLM_OK && ms >= 0) {
        timer_at(t, (uint64_t)ms);
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
        timer_at(&p->http->timer, (uint64_t)timeout_ms);
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

enum sw_state sw_http_assess(const struct sw_check_conf *c, int64_t latency_us, long status,
                             size_t bytes, const char *body, size_t body_len, struct sw_buf *out,
                             struct sw_buf *reasons, struct sw_buf *perf)
{
    enum sw_state s = SW_OK;
    const char *phrase = reason_phrase(status);

    sw_buf_printf(out, "HTTP %ld%s%s", status, phrase ? " " : "", phrase ? phrase : "");
    if (!status_expected(c, status)) {
        s = SW_CRITICAL;
        if (c->n_expect_status == 0) {
            sw_buf_puts(out, " (expected 200..399)");
        } else {
            sw_buf_puts(out, " (expected ");
            for (size_t i = 0; i < c->n_expect_status; i++) {
                sw_buf_printf(out, "%s%d", i ? ", " : "", c->expect_status[i]);
            }
            sw_buf_puts(out, ")");
        }
    }
    sw_buf_printf(out, " in %" PRId64 " ms, %zu bytes", latency_us / 1000, bytes);

    if (c->expect_body) {
        if (!c->expect_body_re) {
            s = sw_state_worst(s, SW_UNKNOWN);
            sw_buf_puts(reasons, ", expect_body was not compiled");
        } else {
            pcre2_match_data *md = pcre2_match_data_create_from_pattern(c->expect_body_re, NULL);
            int m = pcre2_match(c->expect_body_re, (PCRE2_SPTR)body, body_len, 0, 0, md, NULL);
            pcre2_match_data_free(md);
            if (m == PCRE2_ERROR_NOMATCH) {
                s = SW_CRITICAL;
                sw_buf_printf(reasons, ", body does not match '%.80s'", c->expect_body);
            } else if (m < 0) {
                PCRE2_UCHAR msg[120];
                pcre2_get_error_message(m, msg, sizeof(msg));
                s = SW_CRITICAL;
                sw_buf_printf(reasons, ", body match failed: %s", (char *)msg);
            }
        }
    }
    s = sw_state_worst(s, sw_latency_state(latency_us, c, reasons));

    sw_perf_time(perf, latency_us, c);
    sw_buf_printf(perf, " size=%zuB;;;0", bytes);
    return s;
}

static void complete(struct sw_probes *p, struct http_run *h, CURLcode code)
{
    const struct sw_check_conf *c = h->run.c;
    struct sw_probe_result r = {0};
    struct sw_buf out, reasons, perf;
    enum sw_state s;
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
    s = sw_http_assess(c, r.latency_us, status, h->bytes, h->body.data ? h->body.data : "",
                       h->body.len, &out, &reasons, &perf);

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

static void complete_request(struct sw_probes *p, struct http_run *h, CURLcode code)
{
    struct sw_http_reply rep = {0};
    sw_http_reply_cb cb = h->req_cb;

    rep.latency_us = (sw_mono_ns() - h->req_start_ns) / 1000;
    rep.ok = code == CURLE_OK;
    rep.error = h->errbuf[0] ? h->errbuf : curl_easy_strerror(code);
    if (rep.ok) {
        curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &rep.status);
    }
    rep.body = h->body.data ? h->body.data : "";
    rep.len = h->body.len;
    rep.truncated = h->bytes > h->body.len;
    rep.captured = h->captured.data;
    h->req_cb = NULL;
    cb(h->req_arg, &rep);
    sw_buf_release(&h->captured);
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
        if (h->req_cb) {
            complete_request(p, h, code);
        } else {
            complete(p, h, code);
        }
    }
}

static void cancel(struct sw_run *run)
{
    struct http_run *h = (struct http_run *)run;
    struct sw_probes *p = run->p;

    sw_run_finishf(run, SW_UNKNOWN, "cancelled");
    run_release(p, h);
}

static void add_header(struct http_run *h, const char *line)
{
    struct curl_slist *l = curl_slist_append(h->headers, line);

    if (!l) {
        abort(); /* out of memory, as sw_xmalloc() */
    }
    h->headers = l;
}

/* The check's headers and "Connection: close" unless the check says Connection itself;
 * the common case (no headers) shares one list and allocates nothing. */
static struct curl_slist *request_headers(struct http_run *h, const struct sw_check_conf *c)
{
    bool connection = false;

    if (c->n_headers == 0) {
        return h->run.p->http->close_only;
    }
    for (size_t i = 0; i < c->n_headers; i++) {
        add_header(h, c->headers[i]);
        if (strncasecmp(c->headers[i], "Connection:", 11) == 0) {
            connection = true;
        }
    }
    if (!connection) {
        add_header(h, "Connection: close");
    }
    return h->headers;
}

/* What every easy handle of ours gets: fresh connection, our sockets, the body kept. */
static void set_common(struct http_run *h, const char *url, int64_t timeout_ms)
{
    CURL *e = h->easy;

    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, h);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "stackward/" SW_VERSION);
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_sock);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, h->run.p);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, close_sock);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, h->run.p);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 10000));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
}

/* The check's TLS settings, and its basic auth or bearer token when auth is set. */
static void set_tls_auth(CURL *e, const struct sw_check_conf *c, bool auth)
{
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
    if (auth && c->username) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, c->username);
        curl_easy_setopt(e, CURLOPT_PASSWORD, c->password ? c->password : "");
    } else if (auth && c->bearer_token) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, c->bearer_token);
    }
}

static void set_options(struct http_run *h, const struct sw_check_conf *c)
{
    CURL *e = h->easy;
    const char *method = c->method && c->method[0] ? c->method : "GET";

    set_common(h, c->url, c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 0L); /* one write per request: saves a call */
    /* a health check reads a small answer: a 4 KiB receive buffer instead of 16 KiB per run */
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 4096L);
    if (c->follow_redirects) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    }
    set_tls_auth(e, c, true);
    if (c->cert_warn_days >= 0 || c->cert_crit_days >= 0) {
        curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, request_headers(h, c));
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

/* An easy handle from the pool, reset, or a new one; NULL when curl cannot make one. */
static struct http_run *run_take(struct sw_http *x)
{
    struct http_run *h;

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
            return NULL;
        }
    }
    h->next_free = NULL;
    h->bytes = 0;
    h->errbuf[0] = '\0';
    return h;
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
    h = run_take(x);
    if (!h) {
        return -ENOMEM;
    }
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
    timer_at(&x->timer, 0);
    return 0;
}

/* A response header line: keeps the value of the one asked for (names match in any case,
 * as HTTP says; Keystone writes X-Subject-Token, proxies may lower it). */
static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    struct http_run *h = userdata;
    size_t n = size * nmemb, k = strlen(h->capture);

    if (n > k + 1 && line[k] == ':' && strncasecmp(line, h->capture, k) == 0) {
        const char *v = line + k + 1, *end = line + n;
        while (v < end && (*v == ' ' || *v == '\t')) {
            v++;
        }
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) {
            end--;
        }
        sw_buf_reset(&h->captured);
        sw_buf_append(&h->captured, v, (size_t)(end - v));
    }
    return n;
}

int sw_http_request(struct sw_probes *p, const struct sw_http_req *q, sw_http_reply_cb cb,
                    void *arg, struct sw_http_call **ret_call)
{
    struct sw_http *x = p->http;
    struct http_run *h;
    const struct sw_check_conf *c = q->c;
    bool connection = false;
    CURL *e;

    if (!x || !q->url || !cb) {
        return -EINVAL;
    }
    h = run_take(x);
    if (!h) {
        return -ENOMEM;
    }
    h->keep = true;
    h->max_body = q->max_body ? q->max_body : DEFAULT_MAX_BODY;
    h->req_cb = cb;
    h->req_arg = arg;
    h->capture = q->capture;
    sw_buf_init(&h->captured);
    h->req_start_ns = sw_mono_ns();
    h->run.p = p;
    p->pending++; /* released by run_release() */
    e = h->easy;
    set_common(h, q->url, c ? c->timeout_ms : 0);
    if (q->capture) {
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, h);
    }
    if (c) {
        set_tls_auth(e, c, q->auth);
    }
    for (size_t i = 0; i < q->n_headers; i++) {
        add_header(h, q->headers[i]);
        connection |= strncasecmp(q->headers[i], "Connection:", 11) == 0;
    }
    if (!connection) {
        add_header(h, "Connection: close");
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
    if (q->body) {
        /* copied: the caller may wipe its body (a password) as soon as this returns */
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(q->body));
        curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, q->body);
    }
    if (q->method && strcmp(q->method, q->body ? "POST" : "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, q->method);
    }
    if (curl_multi_add_handle(x->multi, e) != CURLM_OK) {
        h->req_cb = NULL;
        sw_buf_release(&h->captured);
        run_release(p, h);
        return -ENOMEM;
    }
    h->in_multi = true;
    timer_at(&x->timer, 0);
    if (ret_call) {
        *ret_call = (struct sw_http_call *)h;
    }
    return 0;
}

void sw_http_cancel(struct sw_http_call *call)
{
    struct http_run *h = (struct http_run *)call;

    h->req_cb = NULL;
    sw_buf_release(&h->captured);
    run_release(h->run.p, h);
}

static void on_handle_close(uv_handle_t *hd)
{
    struct sw_probes *p = hd->data;
    struct sw_http *x = p->http;

    if (--x->closing == 0) {
        if (x->epfd >= 0) {
            close(x->epfd);
        }
        free(x->fds);
        curl_slist_free_all(x->close_only);
        free(x);
        p->http = NULL;
    }
    sw_probes_unpend(p);
}

int sw_http_init(struct sw_probes *p)
{
    struct sw_http *x;
    int r;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return -ENOMEM;
    }
    x = sw_xcalloc(1, sizeof(*x));
    x->epfd = -1;
    x->multi = curl_multi_init();
    if (!x->multi) {
        r = -ENOMEM;
        goto fail;
    }
    x->close_only = curl_slist_append(NULL, "Connection: close");
    if (!x->close_only) {
        r = -ENOMEM;
        goto fail;
    }
    x->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (x->epfd == -1) {
        r = -errno;
        goto fail;
    }
    r = uv_poll_init(p->loop, &x->ep_poll, x->epfd); /* on failure the loop does not hold it */
    if (r < 0) {
        goto fail;
    }
    curl_multi_setopt(x->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(x->multi, CURLMOPT_SOCKETDATA, p);
    curl_multi_setopt(x->multi, CURLMOPT_TIMERFUNCTION, on_timer_set);
    curl_multi_setopt(x->multi, CURLMOPT_TIMERDATA, p);
    x->ep_poll.data = p;
    /* cannot fail: a fresh handle on an fd of ours that uv_poll_init() accepted */
    (void)uv_poll_start(&x->ep_poll, UV_READABLE, on_epoll);
    uv_timer_init(p->loop, &x->timer);
    x->timer.data = p;
    p->pending += 2;
    p->http = x;
    return 0;
fail:
    if (x->epfd >= 0) {
        close(x->epfd);
    }
    if (x->multi) {
        curl_multi_cleanup(x->multi);
    }
    curl_slist_free_all(x->close_only);
    free(x);
    curl_global_cleanup();
    return r;
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
    curl_multi_cleanup(x->multi); /* closes what is open through close_sock() */
    x->multi = NULL;
    curl_global_cleanup();
    x->closing = 2;
    uv_close((uv_handle_t *)&x->ep_poll, on_handle_close);
    uv_close((uv_handle_t *)&x->timer, on_handle_close);
}
