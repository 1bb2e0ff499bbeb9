/* SPDX-License-Identifier: Apache-2.0 */
/* tcp.c: the tcp probe on libuv alone: resolve (literal addresses skip the resolver),
 * connect, optionally send bytes and read until an expected substring, EOF or the timeout.
 * The reply is searched through a bounded window, so a chatty target costs nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_int.h"

#define WINDOW 8192 /* bytes of reply searched at a time */

struct tcp_run {
    struct sw_run run;
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_connect_t creq;
    uv_write_t wreq;
    uv_getaddrinfo_t gai;
    int open; /* handles and requests whose callback is still to come */
    bool tcp_init;
    bool connected;
    bool gai_pending; /* a lookup runs; its callback comes even when cancelled */
    size_t expect_len;
    size_t received; /* reply bytes in all */
    size_t len;      /* bytes in buf */
    char where[300]; /* "host:port" for messages */
    char buf[WINDOW];
};

static void on_close(uv_handle_t *h)
{
    struct tcp_run *t = h->data;
    struct sw_probes *p = t->run.p;

    if (--t->open > 0) {
        return;
    }
    free(t);
    sw_probes_unpend(p);
}

static void close_all(struct tcp_run *t)
{
    if (t->tcp_init && !uv_is_closing((uv_handle_t *)&t->tcp)) {
        uv_close((uv_handle_t *)&t->tcp, on_close);
    }
    if (!uv_is_closing((uv_handle_t *)&t->timer)) {
        uv_close((uv_handle_t *)&t->timer, on_close);
    }
}

static void finish(struct tcp_run *t, enum sw_state s, const char *reason)
{
    struct sw_probe_result r = {0};
    struct sw_buf b, reasons, perf;

    if (t->run.done) {
        return;
    }
    sw_buf_init(&b);
    sw_buf_init(&reasons);
    sw_buf_init(&perf);
    r.latency_us = sw_run_elapsed_us(&t->run);
    if (s == SW_OK) {
        s = sw_latency_state(r.latency_us, t->run.c, &reasons);
        sw_buf_printf(&b, "TCP %s - %.1f ms to %s%s", sw_state_name(s),
                      (double)r.latency_us / 1000.0, t->where, reasons.data ? reasons.data : "");
        sw_perf_time(&perf, r.latency_us, t->run.c);
        r.perfdata = sw_buf_steal(&perf);
    } else {
        sw_buf_printf(&b, "TCP %s - %s", sw_state_name(s), reason);
    }
    r.state = s;
    r.output = sw_buf_steal(&b);
    sw_buf_release(&reasons);
    sw_run_finish(&t->run, &r);
    close_all(t);
}

static void fail(struct tcp_run *t, const char *what, int err)
{
    char msg[512];

    snprintf(msg, sizeof(msg), "%s %s: %s", what, t->where, uv_strerror(err));
    finish(t, SW_CRITICAL, msg);
}

static void on_timeout(uv_timer_t *h)
{
    struct tcp_run *t = h->data;
    char msg[512], dur[32];

    sw_duration_format(t->run.c->timeout_ms, dur);
    if (!t->connected) {
        snprintf(msg, sizeof(msg), "timeout after %s connecting to %s", dur, t->where);
    } else {
        snprintf(msg, sizeof(msg), "timeout after %s waiting for '%s' from %s (%zu bytes received)",
                 dur, t->run.c->expect, t->where, t->received);
    }
    if (t->gai_pending) {
        uv_cancel((uv_req_t *)&t->gai);
    }
    finish(t, SW_CRITICAL, msg);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct tcp_run *t = h->data;

    (void)suggested;
    if (t->len == WINDOW) {
        /* keep the tail that could start a match, drop the rest */
        size_t keep = t->expect_len - 1;
        memmove(t->buf, t->buf + WINDOW - keep, keep);
        t->len = keep;
    }
    *buf = uv_buf_init(t->buf + t->len, (unsigned)(WINDOW - t->len));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct tcp_run *t = s->data;
    char msg[512];

    (void)buf;
    if (t->run.done || nread == 0) {
        return;
    }
    if (nread < 0) {
        if (nread == UV_EOF) {
            snprintf(msg, sizeof(msg), "'%s' not found in reply from %s (%zu bytes received)",
                     t->run.c->expect, t->where, t->received);
            finish(t, SW_CRITICAL, msg);
        } else {
            fail(t, "reading from", (int)nread);
        }
        return;
    }
    size_t from = t->len >= t->expect_len - 1 ? t->len - (t->expect_len - 1) : 0;
    t->len += (size_t)nread;
    t->received += (size_t)nread;
    if (memmem(t->buf + from, t->len - from, t->run.c->expect, t->expect_len)) {
        finish(t, SW_OK, NULL);
    }
}

static void on_write(uv_write_t *req, int status)
{
    struct tcp_run *t = req->data;

    if (t->run.done) {
        return;
    }
    if (status < 0) {
        fail(t, "sending to", status);
    } else if (!t->run.c->expect) {
        finish(t, SW_OK, NULL);
    }
}

static void on_connect(uv_connect_t *req, int status)
{
    struct tcp_run *t = req->data;
    const struct sw_check_conf *c = t->run.c;

    if (t->run.done) {
        return;
    }
    if (status < 0) {
        fail(t, "connect to", status);
        return;
    }
    t->connected = true;
    if (c->expect) {
        uv_read_start((uv_stream_t *)&t->tcp, on_alloc, on_read);
    }
    if (c->send && c->send[0]) {
        uv_buf_t b = uv_buf_init(c->send, (unsigned)strlen(c->send));
        t->wreq.data = t;
        int r = uv_write(&t->wreq, (uv_stream_t *)&t->tcp, &b, 1, on_write);
        if (r < 0) {
            fail(t, "sending to", r);
        }
        return;
    }
    if (!c->expect) {
        finish(t, SW_OK, NULL);
    }
}

static void connect_to(struct tcp_run *t, const struct sockaddr *sa)
{
    int r;

    uv_tcp_init(t->run.p->loop, &t->tcp);
    t->tcp.data = t;
    t->tcp_init = true;
    t->open++;
    t->creq.data = t;
    r = uv_tcp_connect(&t->creq, &t->tcp, sa, on_connect);
    if (r < 0) {
        fail(t, "connect to", r);
    }
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    struct tcp_run *t = req->data;

    t->gai_pending = false;
    if (!t->run.done) {
        if (status < 0) {
            fail(t, "resolving", status);
        } else {
            connect_to(t, res->ai_addr);
        }
    }
    uv_freeaddrinfo(res);
    /* the lookup counted as open: settle it as a close would */
    on_close((uv_handle_t *)&t->timer);
}

static void cancel(struct sw_run *run)
{
    struct tcp_run *t = (struct tcp_run *)run;

    if (t->gai_pending) {
        uv_cancel((uv_req_t *)&t->gai);
    }
    finish(t, SW_UNKNOWN, "cancelled");
}

int sw_tcp_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb, void *arg)
{
    struct tcp_run *t;
    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
        struct sockaddr_in6 in6;
    } addr;
    int64_t timeout = c->timeout_ms > 0 ? c->timeout_ms : 10000;
    char port[16];

    if (!c->host || !c->host[0] || c->port < 1 || c->port > 65535 || (c->expect && !c->expect[0])) {
        return -EINVAL;
    }
    t = sw_xcalloc(1, sizeof(*t));
    sw_run_begin(p, &t->run, c, cb, arg);
    t->run.cancel = cancel;
    t->expect_len = c->expect ? strlen(c->expect) : 0;
    if (t->expect_len > WINDOW / 2) {
        t->expect_len = WINDOW / 2; /* a longer expect is refused by the config */
    }
    if (strchr(c->host, ':')) {
        snprintf(t->where, sizeof(t->where), "[%.200s]:%d", c->host, c->port);
    } else {
        snprintf(t->where, sizeof(t->where), "%.200s:%d", c->host, c->port);
    }
    uv_timer_init(p->loop, &t->timer);
    t->timer.data = t;
    t->open++;
    uv_timer_start(&t->timer, on_timeout, (uint64_t)timeout, 0);

    if (uv_ip4_addr(c->host, c->port, &addr.in4) == 0 ||
        uv_ip6_addr(c->host, c->port, &addr.in6) == 0) {
        connect_to(t, &addr.sa);
        return 0;
    }
    struct addrinfo hints = {0};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%d", c->port);
    t->gai.data = t;
    t->open++;
    t->gai_pending = true;
    int r = uv_getaddrinfo(p->loop, &t->gai, on_resolved, c->host, port, &hints);
    if (r < 0) {
        t->open--;
        t->gai_pending = false;
        fail(t, "resolving", r);
    }
    return 0;
}
