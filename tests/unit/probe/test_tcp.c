/* SPDX-License-Identifier: Apache-2.0 */
/* test_tcp.c: the tcp probe (src/probe/tcp.c) against a small server on the same loop:
 * connect, send and expect, a reply without the expected text, a refused port, a listener
 * that never answers (timeout), a slow reply over the latency threshold, a host name. */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe_test.h"

enum mode { ECHO_PONG, SAY_NOPE, SLOW_PONG };

struct server {
    uv_tcp_t tcp;
    enum mode mode;
    int port;
};

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_write_t w;
    uv_write_t w2;
    struct server *s;
    char buf[256];
    int closing;
};

static void conn_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    if (++c->closing == 2) {
        free(c);
    }
}

static void conn_close(struct conn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp)) {
        uv_close((uv_handle_t *)&c->tcp, conn_closed);
        uv_close((uv_handle_t *)&c->timer, conn_closed);
    }
}

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    conn_close(w->data);
}

static void on_first_written(uv_write_t *w, int status)
{
    (void)w;
    (void)status;
}

static void reply(struct conn *c, const char *text)
{
    uv_buf_t b = uv_buf_init((char *)text, (unsigned)strlen(text));
    c->w.data = c;
    uv_write(&c->w, (uv_stream_t *)&c->tcp, &b, 1, on_written);
}

static void on_slow(uv_timer_t *t)
{
    reply(t->data, "+PONG\r\n");
}

static void on_alloc(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    struct conn *c = h->data;
    (void)n;
    *b = uv_buf_init(c->buf, sizeof(c->buf));
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
    struct conn *c = st->data;

    (void)b;
    if (n < 0) {
        conn_close(c);
        return;
    }
    if (n == 0) {
        return;
    }
    uv_read_stop(st);
    switch (c->s->mode) {
    case ECHO_PONG: {
        /* two writes: the expected text arrives split */
        uv_buf_t b = uv_buf_init("+PO", 3);
        c->w2.data = c;
        uv_write(&c->w2, (uv_stream_t *)&c->tcp, &b, 1, on_first_written);
        reply(c, "NG\r\n");
    } break;
    case SAY_NOPE:
        reply(c, "+NOPE\r\n");
        break;
    case SLOW_PONG:
        uv_timer_start(&c->timer, on_slow, 100, 0);
        break;
    }
}

static void on_conn(uv_stream_t *server, int status)
{
    struct conn *c = calloc(1, sizeof(*c));

    assert_int_equal(status, 0);
    c->s = server->data;
    uv_tcp_init(server->loop, &c->tcp);
    uv_timer_init(server->loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    assert_int_equal(uv_accept(server, (uv_stream_t *)&c->tcp), 0);
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void server_start(struct env *e, struct server *s, enum mode m)
{
    struct sockaddr_in sa;
    struct sockaddr_storage bound;
    int len = sizeof(bound);

    s->mode = m;
    uv_tcp_init(&e->loop, &s->tcp);
    s->tcp.data = s;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    assert_int_equal(uv_tcp_bind(&s->tcp, (struct sockaddr *)&sa, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&s->tcp, 16, on_conn), 0);
    uv_tcp_getsockname(&s->tcp, (struct sockaddr *)&bound, &len);
    s->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
}

static void server_stop(struct env *e, struct server *s)
{
    uv_close((uv_handle_t *)&s->tcp, NULL);
    uv_run(&e->loop, UV_RUN_NOWAIT);
}

static void tcp_run(struct env *e, struct sw_check_conf *c, struct got *g)
{
    memset(g, 0, sizeof(*g));
    assert_int_equal(sw_probe_start(e->p, c, got_done, g), 0);
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_TCP), 1);
    env_run_until(e, &g->n, 1, 30000);
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_TCP), 0);
}

static void expect_ok(const struct got *g, const char *host, int port)
{
    char want[256], perf[128];

    assert_int_equal(g->state, SW_OK);
    snprintf(want, sizeof(want), "TCP OK - %.1f ms to %s:%d", (double)g->latency_us / 1000.0, host,
             port);
    assert_string_equal(g->output, want);
    snprintf(perf, sizeof(perf), "time=%.6fs;;;0", (double)g->latency_us / 1e6);
    assert_string_equal(g->perfdata, perf);
}

static void test_connect_and_expect(void **state)
{
    struct env *e = env_new(2, 4096);
    struct server s;
    struct sw_check_conf c;
    struct got g;

    (void)state;
    server_start(e, &s, ECHO_PONG);
    conf_init(&c, SW_CHECK_TCP);
    c.host = "127.0.0.1";
    c.port = s.port;
    tcp_run(e, &c, &g);
    expect_ok(&g, "127.0.0.1", s.port);
    got_release(&g);

    c.send = "PING\r\n";
    c.expect = "PONG"; /* arrives in two writes: "+PO" "NG\r\n" */
    tcp_run(e, &c, &g);
    expect_ok(&g, "127.0.0.1", s.port);
    got_release(&g);

    c.host = "localhost"; /* through the resolver */
    tcp_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    got_release(&g);
    server_stop(e, &s);

    server_start(e, &s, SAY_NOPE);
    c.host = "127.0.0.1";
    c.port = s.port;
    tcp_run(e, &c, &g);
    char want[256];
    snprintf(want, sizeof(want),
             "TCP CRITICAL - 'PONG' not found in reply from 127.0.0.1:%d (7 bytes received)",
             s.port);
    assert_int_equal(g.state, SW_CRITICAL);
    assert_string_equal(g.output, want);
    assert_null(g.perfdata);
    got_release(&g);
    server_stop(e, &s);
    env_free(e);
}

static void test_latency_threshold(void **state)
{
    struct env *e = env_new(2, 4096);
    struct server s;
    struct sw_check_conf c;
    struct got g;
    char want[256];

    (void)state;
    server_start(e, &s, SLOW_PONG);
    conf_init(&c, SW_CHECK_TCP);
    c.host = "127.0.0.1";
    c.port = s.port;
    c.send = "PING\r\n";
    c.expect = "PONG";
    c.warn_latency_ms = 20;
    c.crit_latency_ms = 60000;
    tcp_run(e, &c, &g);
    assert_int_equal(g.state, SW_WARNING);
    assert_true(g.latency_us >= 100000);
    snprintf(want, sizeof(want),
             "TCP WARNING - %.1f ms to 127.0.0.1:%d, latency %d ms >= warning 20 ms",
             (double)g.latency_us / 1000.0, s.port, (int)(g.latency_us / 1000));
    assert_string_equal(g.output, want);
    snprintf(want, sizeof(want), "time=%.6fs;0.020000;60.000000;0", (double)g.latency_us / 1e6);
    assert_string_equal(g.perfdata, want);
    got_release(&g);
    server_stop(e, &s);
    env_free(e);
}

static int unused_port(void)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static void test_refused_and_timeout(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    char want[256];
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int fd;

    (void)state;
    conf_init(&c, SW_CHECK_TCP);
    c.host = "127.0.0.1";
    c.port = unused_port();
    tcp_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    snprintf(want, sizeof(want), "TCP CRITICAL - connect to 127.0.0.1:%d: connection refused",
             c.port);
    assert_string_equal(g.output, want);
    got_release(&g);

    /* listens, never accepts nor answers: the kernel completes the handshake */
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 8), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    c.port = ntohs(sa.sin_port);
    c.send = "PING\r\n";
    c.expect = "PONG";
    c.timeout_ms = 300;
    tcp_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    snprintf(want, sizeof(want),
             "TCP CRITICAL - timeout after 300ms waiting for 'PONG' from 127.0.0.1:%d (0 bytes "
             "received)",
             c.port);
    assert_string_equal(g.output, want);
    got_release(&g);
    close(fd);

    c.port = 0;
    assert_int_equal(sw_probe_start(e->p, &c, got_done, &g), -EINVAL);
    c.port = 80;
    c.host = NULL;
    assert_int_equal(sw_probe_start(e->p, &c, got_done, &g), -EINVAL);
    assert_int_equal(g.n, 0);
    env_free(e);
}

static void test_cancel(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g = {0};
    int fd;
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);

    (void)state;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 8), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    conf_init(&c, SW_CHECK_TCP);
    c.host = "127.0.0.1";
    c.port = ntohs(sa.sin_port);
    c.expect = "PONG";
    assert_int_equal(sw_probe_start(e->p, &c, got_done, &g), 0);
    uv_run(&e->loop, UV_RUN_NOWAIT);
    sw_probes_free(e->p);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.state, SW_UNKNOWN);
    assert_string_equal(g.output, "TCP UNKNOWN - cancelled");
    got_release(&g);
    env_drain(&e->loop);
    assert_int_equal(uv_loop_close(&e->loop), 0);
    test_loop = NULL;
    free(e);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_and_expect),
        cmocka_unit_test(test_latency_threshold),
        cmocka_unit_test(test_refused_and_timeout),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
