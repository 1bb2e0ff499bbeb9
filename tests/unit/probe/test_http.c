/* SPDX-License-Identifier: Apache-2.0 */
/* test_http.c: the http probe (src/probe/http.c) against a small HTTP server on 127.0.0.1
 * (a thread with blocking sockets and canned replies) and against openssl s_server with a
 * certificate that expires in 5 days. */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe/probe_int.h"
#include "probe_test.h"

/* ---- the canned server ---- */

struct seen {
    char method[16];
    char path[128];
    char auth[256];
    char agent[128];
    char xtest[64];
    char body[64];
    char connection[32];
    int n_connection; /* Connection headers in the request */
    int requests;
};

static struct {
    int fd;
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    struct seen seen;
} srv = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void header_value(const char *req, const char *name, char *out, size_t n)
{
    const char *p = strcasestr(req, name);
    size_t k = 0;

    out[0] = '\0';
    if (!p) {
        return;
    }
    p += strlen(name);
    while (*p == ' ') {
        p++;
    }
    while (p[k] && p[k] != '\r' && k + 1 < n) {
        k++;
    }
    memcpy(out, p, k);
    out[k] = '\0';
}

static void send_all(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void serve(int fd)
{
    char req[8192], out[1024], clen[32];
    size_t n = 0;
    char *end = NULL;
    struct seen s = {0};

    while (n + 1 < sizeof(req) && !end) {
        ssize_t r = recv(fd, req + n, sizeof(req) - 1 - n, 0);
        if (r <= 0) {
            return;
        }
        n += (size_t)r;
        req[n] = '\0';
        end = strstr(req, "\r\n\r\n");
    }
    if (!end) {
        return;
    }
    sscanf(req, "%15s %127s", s.method, s.path);
    header_value(req, "\r\nAuthorization:", s.auth, sizeof(s.auth));
    header_value(req, "\r\nUser-Agent:", s.agent, sizeof(s.agent));
    header_value(req, "\r\nX-Test:", s.xtest, sizeof(s.xtest));
    header_value(req, "\r\nContent-Length:", clen, sizeof(clen));
    header_value(req, "\r\nConnection:", s.connection, sizeof(s.connection));
    for (const char *q = req; (q = strcasestr(q, "\r\nConnection:")); q++) {
        s.n_connection++;
    }
    size_t want = (size_t)atoi(clen), have = n - (size_t)(end + 4 - req);
    while (have < want && n + 1 < sizeof(req)) {
        ssize_t r = recv(fd, req + n, sizeof(req) - 1 - n, 0);
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
        have += (size_t)r;
        req[n] = '\0';
    }
    snprintf(s.body, sizeof(s.body), "%s", end + 4);
    pthread_mutex_lock(&srv.lock);
    s.requests = srv.seen.requests + 1;
    srv.seen = s;
    pthread_mutex_unlock(&srv.lock);

    const char *status = "200 OK", *body = "hello \"version\" world", *extra = "";
    if (strcmp(s.path, "/503") == 0) {
        status = "503 Service Unavailable";
        body = "down";
    } else if (strcmp(s.path, "/slow") == 0) {
        usleep(300000);
    } else if (strcmp(s.path, "/redirect") == 0) {
        status = "302 Found";
        body = "moved";
        extra = "Location: /ok\r\n";
    }
    snprintf(out, sizeof(out),
             "HTTP/1.1 %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n%s", status,
             strlen(body), extra, strcmp(s.method, "HEAD") == 0 ? "" : body);
    send_all(fd, out);
}

static void *server_main(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept4(srv.fd, NULL, NULL, SOCK_CLOEXEC);
        if (c == -1) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            return NULL; /* shut down */
        }
        serve(c);
        close(c);
    }
}

static int listen_any(int *ret_port)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 128), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    *ret_port = ntohs(sa.sin_port);
    return fd;
}

static int server_setup(void **state)
{
    (void)state;
    srv.fd = listen_any(&srv.port);
    return pthread_create(&srv.thread, NULL, server_main, NULL);
}

static int server_teardown(void **state)
{
    (void)state;
    shutdown(srv.fd, SHUT_RDWR);
    pthread_join(srv.thread, NULL);
    close(srv.fd);
    return 0;
}

static struct seen seen(void)
{
    struct seen s;
    pthread_mutex_lock(&srv.lock);
    s = srv.seen;
    pthread_mutex_unlock(&srv.lock);
    return s;
}

/* ---- helpers ---- */

static char url_buf[256];

static const char *url(const char *path)
{
    snprintf(url_buf, sizeof(url_buf), "http://127.0.0.1:%d%s", srv.port, path);
    return url_buf;
}

static void http_run(struct env *e, struct sw_check_conf *c, struct got *g)
{
    memset(g, 0, sizeof(*g));
    assert_int_equal(sw_probe_start(e->p, c, got_done, g), 0);
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_HTTP), 1);
    env_run_until(e, &g->n, 1, 30000);
    if (getenv("SW_TEST_DEBUG")) {
        fprintf(stderr, "%s -> %d %s | %s\n", c->url, g->state, g->output,
                g->perfdata ? g->perfdata : "");
    }
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_HTTP), 0);
}

/* "HTTP 200 OK in N ms, B bytes" + rest, with N from the result itself. */
static void expect_output(const struct got *g, const char *head, size_t bytes, const char *rest)
{
    char want[512];
    snprintf(want, sizeof(want), "%s in %lld ms, %zu bytes%s", head,
             (long long)(g->latency_us / 1000), bytes, rest);
    assert_string_equal(g->output, want);
}

static pcre2_code *compile(const char *re)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    assert_non_null(code);
    return code;
}

/* ---- tests ---- */

static void test_ok_and_body(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    char perf[128];

    (void)state;
    conf_init(&c, SW_CHECK_HTTP);
    c.url = (char *)url("/ok");
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    expect_output(&g, "HTTP 200 OK", 21, "");
    snprintf(perf, sizeof(perf), "time=%.6fs;;;0 size=21B;;;0", (double)g.latency_us / 1e6);
    assert_string_equal(g.perfdata, perf);
    assert_string_equal(seen().method, "GET");
    assert_string_equal(seen().path, "/ok");
    assert_string_equal(seen().agent, "stackward/" SW_VERSION);
    assert_string_equal(seen().auth, "");
    got_release(&g);

    c.expect_body = "\"version\"";
    c.expect_body_re = compile(c.expect_body);
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    expect_output(&g, "HTTP 200 OK", 21, "");
    got_release(&g);
    pcre2_code_free(c.expect_body_re);

    c.expect_body = "^nomatch";
    c.expect_body_re = compile(c.expect_body);
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    expect_output(&g, "HTTP 200 OK", 21, ", body does not match '^nomatch'");
    got_release(&g);

    /* only max_body bytes are searched: "world" lies beyond the first 10 */
    pcre2_code_free(c.expect_body_re);
    c.expect_body = "world";
    c.expect_body_re = compile(c.expect_body);
    c.max_body = 10;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    expect_output(&g, "HTTP 200 OK", 21, ", body does not match 'world'");
    got_release(&g);
    c.max_body = 0; /* the default, 64 KiB */
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    got_release(&g);
    pcre2_code_free(c.expect_body_re);
    env_free(e);
}

static void test_status(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    int two[] = {200, 300}, only503[] = {503};

    (void)state;
    conf_init(&c, SW_CHECK_HTTP);
    c.url = (char *)url("/503");
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    expect_output(&g, "HTTP 503 Service Unavailable (expected 200..399)", 4, "");
    got_release(&g);

    c.expect_status = two;
    c.n_expect_status = 2;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    expect_output(&g, "HTTP 503 Service Unavailable (expected 200, 300)", 4, "");
    got_release(&g);

    c.expect_status = only503;
    c.n_expect_status = 1;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    expect_output(&g, "HTTP 503 Service Unavailable", 4, "");
    got_release(&g);
    env_free(e);
}

static void test_latency_and_timeout(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    char rest[128], perf[160];

    (void)state;
    conf_init(&c, SW_CHECK_HTTP);
    c.url = (char *)url("/slow");
    c.warn_latency_ms = 50;
    c.crit_latency_ms = 60000;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_WARNING);
    assert_true(g.latency_us >= 300000);
    snprintf(rest, sizeof(rest), ", latency %lld ms >= warning 50 ms",
             (long long)(g.latency_us / 1000));
    expect_output(&g, "HTTP 200 OK", 21, rest);
    snprintf(perf, sizeof(perf), "time=%.6fs;0.050000;60.000000;0 size=21B;;;0",
             (double)g.latency_us / 1e6);
    assert_string_equal(g.perfdata, perf);
    got_release(&g);

    c.crit_latency_ms = 100;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    snprintf(rest, sizeof(rest), ", latency %lld ms >= critical 100 ms",
             (long long)(g.latency_us / 1000));
    expect_output(&g, "HTTP 200 OK", 21, rest);
    got_release(&g);

    c.timeout_ms = 100;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    assert_true(sw_str_has_prefix(g.output, "Operation timed out after "));
    assert_null(g.perfdata);
    got_release(&g);
    env_free(e);
}

static void test_redirect(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    int only200[] = {200};

    (void)state;
    conf_init(&c, SW_CHECK_HTTP);
    c.url = (char *)url("/redirect");
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    expect_output(&g, "HTTP 302 Found", 5, "");
    assert_string_equal(seen().path, "/redirect");
    got_release(&g);

    c.expect_status = only200;
    c.n_expect_status = 1;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    expect_output(&g, "HTTP 302 Found (expected 200)", 5, "");
    got_release(&g);

    c.follow_redirects = true;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    expect_output(&g, "HTTP 200 OK", 21, "");
    assert_string_equal(seen().path, "/ok");
    got_release(&g);
    env_free(e);
}

static void test_auth_headers_methods(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    char *headers[] = {"X-Test: yes"};

    (void)state;
    conf_init(&c, SW_CHECK_HTTP);
    c.url = (char *)url("/auth");
    c.username = "user";
    c.password = "pa:ss";
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    assert_string_equal(seen().auth, "Basic dXNlcjpwYTpzcw==");
    got_release(&g);

    c.username = NULL;
    c.password = NULL;
    c.bearer_token = "tok123";
    c.headers = headers;
    c.n_headers = 1;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    assert_string_equal(seen().auth, "Bearer tok123");
    assert_string_equal(seen().xtest, "yes");
    got_release(&g);

    c.bearer_token = NULL;
    c.headers = NULL;
    c.n_headers = 0;
    c.method = "HEAD";
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    expect_output(&g, "HTTP 200 OK", 0, "");
    assert_string_equal(seen().method, "HEAD");
    assert_string_equal(seen().xtest, "");
    got_release(&g);

    c.method = "POST";
    c.body = "a=1";
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    assert_string_equal(seen().method, "POST");
    assert_string_equal(seen().body, "a=1");
    got_release(&g);

    c.method = "PUT";
    c.body = "b=2";
    http_run(e, &c, &g);
    assert_string_equal(seen().method, "PUT");
    assert_string_equal(seen().body, "b=2");
    got_release(&g);

    c.method = "DELETE";
    c.body = NULL;
    http_run(e, &c, &g);
    assert_string_equal(seen().method, "DELETE");
    got_release(&g);
    env_free(e);
}

static void test_refused_and_bad(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    char want[128];
    int port, fd = listen_any(&port);

    (void)state;
    close(fd); /* nothing listens on port now */
    conf_init(&c, SW_CHECK_HTTP);
    snprintf(url_buf, sizeof(url_buf), "http://127.0.0.1:%d/", port);
    c.url = url_buf;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    snprintf(want, sizeof(want), "Failed to connect to 127.0.0.1 port %d after ", port);
    assert_true(sw_str_has_prefix(g.output, want));
    got_release(&g);

    c.url = "ftp://127.0.0.1/";
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    assert_string_equal(g.output, "Protocol \"ftp\" not supported or disabled in libcurl");
    got_release(&g);

    c.url = NULL;
    assert_int_equal(sw_probe_start(e->p, &c, got_done, &g), -EINVAL);
    env_free(e);
}

static int done_many;

static void many_done(void *arg, struct sw_probe_result *r)
{
    done_many++;
    got_done(arg, r);
}

static void test_many_and_cancel(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g[40];

    (void)state;
    memset(g, 0, sizeof(g));
    conf_init(&c, SW_CHECK_HTTP);
    c.url = (char *)url("/ok");
    for (int round = 0; round < 3; round++) {
        done_many = 0;
        for (int i = 0; i < 40; i++) {
            assert_int_equal(sw_probe_start(e->p, &c, many_done, &g[i]), 0);
        }
        assert_int_equal(sw_probes_running(e->p, SW_CHECK_HTTP), 40);
        env_run_until(e, &done_many, 40, 30000);
        for (int i = 0; i < 40; i++) {
            assert_int_equal(g[i].state, SW_OK);
            got_release(&g[i]);
        }
    }
    /* in flight when the machinery goes: cancelled */
    c.url = (char *)url("/slow");
    assert_int_equal(sw_probe_start(e->p, &c, got_done, &g[0]), 0);
    uv_run(&e->loop, UV_RUN_NOWAIT);
    sw_probes_free(e->p);
    assert_int_equal(g[0].n, 1);
    assert_string_equal(g[0].output, "cancelled");
    got_release(&g[0]);
    env_drain(&e->loop);
    assert_int_equal(uv_loop_close(&e->loop), 0);
    test_loop = NULL;
    free(e);
}

/* The latency perfdata item: seconds with six decimals, as "%.6f" would print them. */
static void test_perf_time(void **state)
{
    static const struct {
        int64_t us, warn_ms, crit_ms;
        const char *want;
    } cases[] = {
        {0, 0, 0, "time=0.000000s;;;0"},
        {1, 0, 0, "time=0.000001s;;;0"},
        {999999, 50, 0, "time=0.999999s;0.050000;;0"},
        {1000000, 0, 60000, "time=1.000000s;;60.000000;0"},
        {1234567890, 1, 999, "time=1234.567890s;0.001000;0.999000;0"},
        {86400000123, 86400000, 1500, "time=86400.000123s;86400.000000;1.500000;0"},
    };
    struct sw_check_conf c;
    struct sw_buf b;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        conf_init(&c, SW_CHECK_HTTP);
        c.warn_latency_ms = cases[i].warn_ms;
        c.crit_latency_ms = cases[i].crit_ms;
        sw_buf_init(&b);
        sw_perf_time(&b, cases[i].us, &c);
        assert_string_equal(b.data, cases[i].want);
        sw_buf_release(&b);
    }
}

/* ---- fds, sockets and the probe's epoll set, from /proc ---- */

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    assert_non_null(d);
    while (readdir(d)) {
        n++;
    }
    closedir(d);
    return n - 3; /* ".", ".." and the directory's own fd */
}

/* Sockets registered in the probe's own epoll set (the one that is not the loop's), from
 * /proc/self/fdinfo: one "tfd:" line each. */
static int probe_epoll_entries(struct env *e)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int found = -1, n = 0;
    char path[300], link[64], line[256];

    assert_non_null(d);
    while ((de = readdir(d))) {
        ssize_t k;
        snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
        k = readlink(path, link, sizeof(link) - 1);
        if (k <= 0) {
            continue;
        }
        link[k] = '\0';
        if (strcmp(link, "anon_inode:[eventpoll]") == 0 &&
            atoi(de->d_name) != uv_backend_fd(&e->loop)) {
            assert_int_equal(found, -1); /* exactly one */
            found = atoi(de->d_name);
        }
    }
    closedir(d);
    assert_true(found >= 0);
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", found);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "tfd:", 4) == 0) {
            n++;
        }
    }
    fclose(f);
    return n;
}

/* Sockets of the probe now open that were not in before[] (fd numbers below n). */
static int new_sockets(const bool *before, int n, int *ret_cloexec)
{
    int found = 0, cloexec = 0;

    for (int fd = 0; fd < n; fd++) {
        struct stat st;
        if (before[fd] || fstat(fd, &st) == -1 || !S_ISSOCK(st.st_mode)) {
            continue;
        }
        found++;
        if (fcntl(fd, F_GETFD) & FD_CLOEXEC) {
            cloexec++;
        }
    }
    *ret_cloexec = cloexec;
    return found;
}

/* Every request asks the server to close (it then keeps the TIME_WAIT, not the prober),
 * unless the check's own headers say Connection. */
static void test_connection_close(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    char *xtest[] = {"X-Test: yes"}, *keep[] = {"connection: keep-alive", "X-Test: two"};

    (void)state;
    conf_init(&c, SW_CHECK_HTTP);
    c.url = (char *)url("/ok");
    for (int i = 0; i < 2; i++) { /* the second run reuses the pooled easy handle */
        http_run(e, &c, &g);
        assert_int_equal(g.state, SW_OK);
        assert_string_equal(seen().connection, "close");
        assert_int_equal(seen().n_connection, 1);
        got_release(&g);
    }

    c.headers = xtest;
    c.n_headers = 1;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    assert_string_equal(seen().connection, "close");
    assert_int_equal(seen().n_connection, 1);
    assert_string_equal(seen().xtest, "yes");
    got_release(&g);

    c.headers = keep;
    c.n_headers = 2;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    assert_string_equal(seen().connection, "keep-alive");
    assert_int_equal(seen().n_connection, 1);
    assert_string_equal(seen().xtest, "two");
    got_release(&g);

    c.headers = NULL;
    c.n_headers = 0;
    http_run(e, &c, &g);
    assert_string_equal(seen().connection, "close");
    assert_string_equal(seen().xtest, "");
    got_release(&g);
    env_free(e);
}

/* A host name that is not "localhost" (curl answers that one itself) goes through curl's
 * resolver, which wakes the transfer through a socket pair that curl closes itself; the
 * connection's socket then gets the same number. The machine's own name: an address of
 * the machine, where an unused port refuses at once. */
static void test_host_name(void **state)
{
    struct env *e;
    struct sw_check_conf c;
    struct got g;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    char host[256] = "", want[512];
    int port, fd;

    (void)state;
    if (gethostname(host, sizeof(host) - 1) != 0 || strcmp(host, "localhost") == 0 ||
        getaddrinfo(host, NULL, &hints, &ai) != 0) {
        skip(); /* no name of its own that resolves */
    }
    freeaddrinfo(ai);
    fd = listen_any(&port);
    close(fd); /* nothing listens on port now */
    e = env_new(2, 4096);
    conf_init(&c, SW_CHECK_HTTP);
    snprintf(url_buf, sizeof(url_buf), "http://%s:%d/", host, port);
    c.url = url_buf;
    snprintf(want, sizeof(want), "Failed to connect to %s port %d after ", host, port);
    for (int i = 0; i < 3; i++) {
        http_run(e, &c, &g);
        assert_int_equal(g.state, SW_CRITICAL);
        assert_true(sw_str_has_prefix(g.output, want));
        got_release(&g);
        assert_int_equal(probe_epoll_entries(e), 0);
    }
    env_free(e);
}

/* Checks that fail (refused) or time out (a listener that never answers) leave no socket
 * and no handle behind, and the sockets in flight are close-on-exec (a plugin started
 * meanwhile must not inherit them). */
static void test_failures_leak_nothing(void **state)
{
    enum { N = 200, MAXFD = 4096 };
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    static struct got g[N];
    static bool before[MAXFD];
    char refused[128], silent[128];
    int port, fd = listen_any(&port), fds0, cloexec, open_now;

    (void)state;
    close(fd); /* nothing listens on port now */
    snprintf(refused, sizeof(refused), "http://127.0.0.1:%d/", port);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    {
        struct sockaddr_in sa = {0};
        socklen_t len = sizeof(sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_int_equal(listen(fd, 0), 0); /* never accepted: connections hang */
        getsockname(fd, (struct sockaddr *)&sa, &len);
        snprintf(silent, sizeof(silent), "http://127.0.0.1:%d/", ntohs(sa.sin_port));
    }
    fds0 = count_fds();
    for (int i = 0; i < MAXFD; i++) {
        before[i] = fcntl(i, F_GETFD) != -1;
    }
    conf_init(&c, SW_CHECK_HTTP);
    for (int round = 0; round < 2; round++) {
        c.url = round == 0 ? refused : silent;
        c.timeout_ms = round == 0 ? 5000 : 200;
        done_many = 0;
        memset(g, 0, sizeof(g));
        for (int i = 0; i < N; i++) {
            assert_int_equal(sw_probe_start(e->p, &c, many_done, &g[i]), 0);
        }
        if (round == 1) {
            /* let curl open and connect them all, then look at the sockets */
            for (int i = 0; i < 10 && done_many == 0; i++) {
                uv_run(&e->loop, UV_RUN_NOWAIT);
            }
            open_now = new_sockets(before, MAXFD, &cloexec);
            assert_int_equal(done_many, 0);
            assert_int_equal(open_now, N);
            assert_int_equal(cloexec, N);
            assert_int_equal(probe_epoll_entries(e), N);
        }
        env_run_until(e, &done_many, N, 30000);
        assert_int_equal(sw_probes_running(e->p, SW_CHECK_HTTP), 0);
        for (int i = 0; i < N; i++) {
            assert_int_equal(g[i].n, 1);
            assert_int_equal(g[i].state, SW_CRITICAL);
            if (round == 0) {
                assert_true(sw_str_has_prefix(g[i].output, "Failed to connect to 127.0.0.1 port "));
            } else {
                assert_true(sw_str_has_prefix(g[i].output, "Connection timed out after ") ||
                            sw_str_has_prefix(g[i].output, "Operation timed out after "));
            }
            got_release(&g[i]);
        }
        assert_int_equal(count_fds(), fds0);
        assert_int_equal(new_sockets(before, MAXFD, &cloexec), 0);
        assert_int_equal(probe_epoll_entries(e), 0);
    }
    close(fd);
    env_free(e); /* fails if a handle was left open */
}

/* ---- TLS: openssl s_server with a certificate that expires in 5 days ---- */

static void test_cert_expiry(void **state)
{
    char dir[] = "/tmp/sw-probe-tls-XXXXXX", cmd[1024], cert[256], key[256], port_s[16];
    struct env *e;
    struct sw_check_conf c;
    struct got g;
    int port, fd;
    pid_t pid;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -days 5 -subj /CN=localhost "
             "-addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s 2>/dev/null",
             key, cert);
    assert_int_equal(system(cmd), 0);
    fd = listen_any(&port);
    close(fd);
    snprintf(port_s, sizeof(port_s), "127.0.0.1:%d", port);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execlp("openssl", "openssl", "s_server", "-www", "-accept", port_s, "-cert", cert, "-key",
               key, (char *)NULL);
        _exit(127);
    }
    /* wait until it listens (a hang guard, not a timing assertion) */
    for (int i = 0; i < 500; i++) {
        struct sockaddr_in sa = {0};
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok = connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0;
        close(s);
        if (ok) {
            break;
        }
        usleep(20000);
    }

    e = env_new(2, 4096);
    conf_init(&c, SW_CHECK_HTTP);
    snprintf(url_buf, sizeof(url_buf), "https://127.0.0.1:%d/", port);
    c.url = url_buf;
    c.tls_verify = false;
    c.cert_warn_days = 21;
    c.cert_crit_days = 3;
    http_run(e, &c, &g);
    /* notAfter is 5 days after issue: 5 days left in the same second, 4 after */
    assert_int_equal(g.state, SW_WARNING);
    assert_true(sw_str_has_prefix(g.output, "HTTP 200 OK in "));
    if (strstr(g.output, ", certificate expires in 5 days (")) {
        assert_non_null(strstr(g.perfdata, " cert_days=5;21:;3:"));
    } else {
        assert_non_null(strstr(g.output, ", certificate expires in 4 days ("));
        assert_non_null(strstr(g.perfdata, " cert_days=4;21:;3:"));
    }
    got_release(&g);

    c.cert_crit_days = 7;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    assert_non_null(strstr(g.output, ", certificate expires in "));
    got_release(&g);

    c.tls_verify = true;
    c.ca_file = cert;
    c.cert_crit_days = 3;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_WARNING);
    got_release(&g);

    c.ca_file = NULL; /* self-signed: verification fails */
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    assert_non_null(strstr(g.output, "certificate"));
    assert_null(strstr(g.output, "HTTP 200"));
    got_release(&g);

    c.tls_verify = false;
    c.cert_warn_days = -1;
    c.cert_crit_days = -1;
    http_run(e, &c, &g);
    assert_int_equal(g.state, SW_OK);
    assert_null(strstr(g.output, "certificate"));
    got_release(&g);
    env_free(e);

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    unlink(cert);
    unlink(key);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok_and_body),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_latency_and_timeout),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_auth_headers_methods),
        cmocka_unit_test(test_refused_and_bad),
        cmocka_unit_test(test_many_and_cancel),
        cmocka_unit_test(test_connection_close),
        cmocka_unit_test(test_host_name),
        cmocka_unit_test(test_failures_leak_nothing),
        cmocka_unit_test(test_perf_time),
        cmocka_unit_test(test_cert_expiry),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, server_setup, server_teardown);
}
