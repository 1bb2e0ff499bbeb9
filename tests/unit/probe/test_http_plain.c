/* SPDX-License-Identifier: Apache-2.0 */
/* test_http_plain.c: the lean http path (src/probe/http_plain.c): its response parser fed
 * whole and byte by byte, the URLs and checks it takes, the request bytes (those curl sends
 * for the same check), and whole runs against canned replies on 127.0.0.1 and ::1, with the
 * outputs the curl path gives for the same replies. */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/probe_int.h"
#include "probe_test.h"

/* ---- the parser ---- */

struct collected {
    char data[256];
    size_t n;
};

static void collect(void *arg, const char *p, size_t n)
{
    struct collected *c = arg;

    assert_true(c->n + n < sizeof(c->data));
    memcpy(c->data + c->n, p, n);
    c->n += n;
}

/* Feeds s whole (step 0) or step bytes at a time, then EOF when close_after. Returns the
 * last result; *ret_used: bytes the message took when complete. */
static int feed(struct sw_hp *h, struct collected *col, const char *s, size_t n, size_t step,
                bool head, bool close_after)
{
    size_t off = 0, used = 0;
    int r = 0;

    sw_hp_init(h, head);
    memset(col, 0, sizeof(*col));
    h->on_body = collect;
    h->arg = col;
    while (off < n) {
        size_t k = step == 0 || n - off < step ? n - off : step;
        r = sw_hp_feed(h, s + off, k, &used);
        if (r != 0) {
            return r;
        }
        off += k;
    }
    return close_after ? sw_hp_eof(h) : r;
}

static void test_parse_ok(void **state)
{
    static const struct {
        const char *reply;
        bool head;
        bool close; /* the close ends the body */
        int status;
        int64_t size;
        const char *body;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, false, 200, 2, "ok"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", false, false, 200, 2, "ok"},
        {"HTTP/1.0 200 OK\r\n\r\nhello", false, true, 200, -1, "hello"},
        {"HTTP/1.1 503 Service Unavailable\r\nServer: x\r\n\r\n", false, true, 503, -1, ""},
        {"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", false, false, 200, 2, "ok"},
        {"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", false, false, 200, 2, "ok"},
        {"HTTP/1.1 200 OK\r\nContent-Length:  2 \r\n\r\nok", false, false, 200, 2, "ok"},
        {"HTTP/1.1 200 OK\r\ncontent-length: 02\r\n\r\nok", false, false, 200, 2, "ok"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", false, false, 200,
         2, "ok"},
        {"HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 2\r\n\r\nok", false, false, 200, 2,
         "ok"},
        {"HTTP/1.1 200 OK\r\nX: \xc3\xa9\r\nContent-Length: 2\r\n\r\nok", false, false, 200, 2,
         "ok"},
        {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false,
         false, 200, 2, "ok"},
        {"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
         false, false, 404, 0, ""},
        {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false, false, 204, 5, ""},
        {"HTTP/1.1 304 Not Modified\r\n\r\n", false, false, 304, -1, ""},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true, false, 200, 5, ""},
        {"HTTP/1.1 101 Switching Protocols\r\n\r\nxyz", false, true, 101, -1, "xyz"},
        {"HTTP/1.1 999 Whatever\r\nContent-Length: 1\r\n\r\nx", false, false, 999, 1, "x"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
         false, 200, -1, "hello"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n5;x=y\r\nhello\r\n"
         "A \r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nEXTRA",
         false, false, 200, -1, "hello0123456789"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n", false, false, 200,
         -1, "hello"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
         "2\r\nok\r\n0\r\n\r\n",
         false, false, 200, -1, "ok"},
        {"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00f\r\n0123456789abcde\r\n0\r\n\r\n",
         false, false, 200, -1, "0123456789abcde"},
    };
    struct sw_hp h;
    struct collected col;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].reply);
        for (size_t step = 0; step <= 3; step++) {
            int r = feed(&h, &col, cases[i].reply, n, step, cases[i].head, cases[i].close);
            if (r != 1) {
                fprintf(stderr, "case %zu step %zu: %d %s\n", i, step, r, h.error ? h.error : "");
            }
            assert_int_equal(r, 1);
            assert_int_equal(h.status, cases[i].status);
            assert_int_equal(h.size, cases[i].size);
            assert_int_equal(h.bytes, strlen(cases[i].body));
            assert_int_equal(col.n, strlen(cases[i].body));
            assert_memory_equal(col.data, cases[i].body, col.n);
        }
    }
}

/* Malformed replies: the words are curl's where curl refuses the same reply. */
static void test_parse_errors(void **state)
{
    static const struct {
        const char *reply;
        size_t len; /* 0: strlen */
        bool close;
        const char *error;
    } cases[] = {
        {"", 0, true, "Empty reply from server"},
        {"H", 0, true, "Empty reply from server"},
        {"HTTP/1.1 200 OK", 0, true, "Empty reply from server"},
        {"HTTP/1.1 100 Continue\r\n\r\n", 0, true, "Empty reply from server"},
        {"garbage\r\n\r\n", 0, false, "Received HTTP/0.9 when not allowed"},
        {" HTTP/1.1 200 OK\r\n\r\n", 0, false, "Received HTTP/0.9 when not allowed"},
        {"HTTP/1.1 abc OK\r\n\r\n", 0, false, "Unsupported HTTP version in response"},
        {"HTTP/1.2 200 OK\r\n\r\n", 0, false, "Unsupported HTTP version (1.2) in response"},
        {"HTTP/2 200\r\n\r\n", 0, false, "Unsupported HTTP version in response"},
        {"http/1.1 200 OK\r\n\r\n", 0, false, "Unsupported HTTP version in response"},
        {"HTTP/1.1 099 X\r\n\r\n", 0, false, "Unsupported response code in HTTP response"},
        {"HTTP/1.1 2000 X\r\n\r\n", 0, false, "Unsupported response code in HTTP response"},
        {"HTTP/1.1 200 \x01OK\r\n\r\n", 0, false, "Invalid character in the HTTP status line"},
        {"HTTP/1.1 200 OK\rX: 1\r\n\r\n", 0, false, "Invalid line ending in HTTP response header"},
        {"HTTP/1.1 200 OK\r\nBadHeader\r\n\r\n", 0, false, "Header without colon"},
        {"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", 0, false,
         "Invalid header name in HTTP response"},
        {"HTTP/1.1 200 OK\r\n:x\r\n\r\n", 0, false, "Invalid header name in HTTP response"},
        {"HTTP/1.1 200 OK\r\n X: 1\r\n\r\n", 0, false, "Invalid header name in HTTP response"},
        {"HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 27, false, "Nul byte in header"},
        {"HTTP/1.1 200 OK\r\nX: \x7f\r\n\r\n", 0, false,
         "Invalid character in HTTP response header"},
        {"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", 0, false,
         "Invalid Content-Length: value"},
        {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, false,
         "Invalid Content-Length: value"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2abc\r\n\r\n", 0, false,
         "Invalid Content-Length: value"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n", 0, false,
         "Invalid Content-Length: value"},
        {"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, false, "Invalid Content-Length: value"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n", 0, false,
         "Invalid Content-Length: value"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n 3\r\n\r\n", 0, false,
         "Invalid Content-Length: value"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 0, false,
         "Conflicting Content-Length: values"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, false,
         "Unsupported Transfer-Encoding in response"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 0, false,
         "Unsupported Transfer-Encoding in response"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
         false, "Unsupported Transfer-Encoding in response"},
        {"HTTP/1.1 200 OK\r\nContent-Le", 0, true, "Connection closed in the HTTP response header"},
        {"HTTP/1.1 200 OK\r\n", 0, true, "Connection closed in the HTTP response header"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, true,
         "transfer closed with 7 bytes remaining to read"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 0, true,
         "transfer closed with outstanding read data remaining"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", 0, true,
         "transfer closed with outstanding read data remaining"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, false,
         "Illegal or missing hexadecimal sequence in chunked-encoding"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n", 0, false,
         "Illegal or missing hexadecimal sequence in chunked-encoding"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\n", 0, false,
         "Illegal or missing hexadecimal sequence in chunked-encoding"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000001\r\n", 0, false,
         "Too long hexadecimal number in chunked-encoding"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX", 0, false,
         "Malformed encoding found in chunked-encoding"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\rX", 0, false,
         "Malformed encoding found in chunked-encoding"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad\r\n\r\n", 0, false,
         "Failed reading the chunked-encoded stream"},
    };
    struct sw_hp h;
    struct collected col;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].reply);
        for (size_t step = 0; step <= 2; step++) {
            int r = feed(&h, &col, cases[i].reply, n, step, false, cases[i].close);
            if (r != -EPROTO || strcmp(h.error, cases[i].error) != 0) {
                fprintf(stderr, "case %zu step %zu: %d %s\n", i, step, r, h.error ? h.error : "");
            }
            assert_int_equal(r, -EPROTO);
            assert_string_equal(h.error, cases[i].error);
            /* an error stays */
            assert_int_equal(sw_hp_feed(&h, "x", 1, NULL), -EPROTO);
            assert_int_equal(sw_hp_eof(&h), -EPROTO);
        }
    }
}

/* A header line of 100 KiB at most, 300 KiB of headers: the figure is the one curl gives
 * for the same reply (it checks as each line ends). */
static void test_parse_limits(void **state)
{
    struct sw_buf b;
    struct sw_hp h;
    struct collected col;

    (void)state;
    sw_buf_init(&b);
    sw_buf_puts(&b, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 4000; i++) {
        sw_buf_printf(&b, "X-H%d: %080d\r\n", i, i);
    }
    sw_buf_puts(&b, "Content-Length: 2\r\n\r\nok");
    assert_int_equal(feed(&h, &col, b.data, b.len, 0, false, false), -EPROTO);
    assert_string_equal(h.error, "Too large response headers: 307215 > 307200");

    sw_buf_reset(&b);
    sw_buf_puts(&b, "HTTP/1.1 200 OK\r\nX-Big: ");
    for (int i = 0; i < SW_HP_MAX_LINE; i++) {
        sw_buf_puts(&b, "a");
    }
    assert_int_equal(feed(&h, &col, b.data, b.len, 0, false, false), -EPROTO);
    assert_string_equal(h.error, "Header line too long");

    /* just under both limits: fine */
    sw_buf_reset(&b);
    sw_buf_puts(&b, "HTTP/1.1 200 OK\r\nX-Big: ");
    for (int i = 0; i < SW_HP_MAX_LINE - 9; i++) {
        sw_buf_puts(&b, "a");
    }
    sw_buf_puts(&b, "\r\nContent-Length: 2\r\n\r\nok");
    assert_int_equal(feed(&h, &col, b.data, b.len, 0, false, false), 1);
    assert_int_equal(h.bytes, 2);
    sw_buf_release(&b);
}

/* ---- which URLs and checks ---- */

static void test_targets(void **state)
{
    static const struct {
        const char *url;
        const char *host; /* NULL: not for the lean path */
        int port;
        const char *path;
    } cases[] = {
        {"http://127.0.0.1:8080/c/1?x=y#frag", "127.0.0.1", 8080, "/c/1?x=y"},
        {"http://127.0.0.1", "127.0.0.1", 80, ""},
        {"http://127.0.0.1:80?q=1", "127.0.0.1", 80, "?q=1"},
        {"http://10.1.2.3:65535/a/b.c/", "10.1.2.3", 65535, "/a/b.c/"},
        {"http://[::1]:9/x", "::1", 9, "/x"},
        {"http://[2001:db8::1]/", "2001:db8::1", 80, "/"},
        {"http://127.0.0.1/%7Euser/a..b/.x", "127.0.0.1", 80, "/%7Euser/a..b/.x"},
        {"http://127.0.0.1/a/../b", NULL, 0, NULL},
        {"http://127.0.0.1/a/./b", NULL, 0, NULL},
        {"http://127.0.0.1/a/..", NULL, 0, NULL},
        {"http://127.0.0.1/a?/../", "127.0.0.1", 80, "/a?/../"},
        {"http://127.0.0.1/a b", NULL, 0, NULL},
        {"http://127.0.0.1/a\"b", NULL, 0, NULL},
        {"http://127.0.0.1/\xc3\xa9", NULL, 0, NULL},
        {"https://127.0.0.1/", NULL, 0, NULL},
        {"HTTP://127.0.0.1/", NULL, 0, NULL},
        {"http://localhost/", NULL, 0, NULL},
        {"http://example.com:80/", NULL, 0, NULL},
        {"http://127.1/", NULL, 0, NULL},
        {"http://127.000.0.1/", NULL, 0, NULL},
        {"http://[::0001]/", NULL, 0, NULL},
        {"http://[fe80::1%25eth0]/", NULL, 0, NULL},
        {"http://[::1/", NULL, 0, NULL},
        {"http://127.0.0.1:0/", NULL, 0, NULL},
        {"http://127.0.0.1:080/", NULL, 0, NULL},
        {"http://127.0.0.1:65536/", NULL, 0, NULL},
        {"http://127.0.0.1:/", NULL, 0, NULL},
        {"http://u@127.0.0.1/", NULL, 0, NULL},
        {"http:///x", NULL, 0, NULL},
    };
    struct sw_plain_target t;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int r = sw_plain_target_parse(cases[i].url, &t);
        if (!cases[i].host) {
            assert_int_equal(r, -EOPNOTSUPP);
            continue;
        }
        assert_int_equal(r, 0);
        assert_string_equal(t.host, cases[i].host);
        assert_int_equal(t.port, cases[i].port);
        assert_int_equal(t.path_len, strlen(cases[i].path));
        assert_memory_equal(t.path, cases[i].path, t.path_len);
    }
    assert_int_equal(sw_plain_target_parse(NULL, &t), -EOPNOTSUPP);
}

static void test_eligible(void **state)
{
    struct sw_check_conf c;
    struct sw_plain_target t;
    char *plain[] = {"X-Test: yes", "connection: keep-alive"}, *host[] = {"Host: other"},
         *agent[] = {"user-agent: x"}, *empty[] = {"X-Empty: "}, *accept[] = {"Accept: text/*"};
    char big[1100];

    (void)state;
    conf_init(&c, SW_CHECK_HTTP);
    c.url = "http://127.0.0.1:8080/";
    assert_true(sw_plain_eligible(&c, &t));
    c.headers = plain;
    c.n_headers = 2;
    assert_true(sw_plain_eligible(&c, &t));
    c.headers = host;
    c.n_headers = 1;
    assert_false(sw_plain_eligible(&c, &t));
    c.headers = agent;
    assert_false(sw_plain_eligible(&c, &t));
    c.headers = accept;
    assert_false(sw_plain_eligible(&c, &t));
    c.headers = empty;
    assert_false(sw_plain_eligible(&c, &t));
    c.headers = NULL;
    c.n_headers = 0;
    c.follow_redirects = true;
    assert_false(sw_plain_eligible(&c, &t));
    c.follow_redirects = false;
    c.body = "";
    assert_false(sw_plain_eligible(&c, &t));
    memset(big, 'a', sizeof(big) - 1);
    big[1023] = '\0';
    c.body = big;
    assert_true(sw_plain_eligible(&c, &t));
    big[1023] = 'a';
    big[sizeof(big) - 1] = '\0';
    assert_false(sw_plain_eligible(&c, &t));
    c.body = NULL;
    c.username = "u";
    c.password = "p";
    assert_true(sw_plain_eligible(&c, &t));
    c.username = NULL;
    c.cert_warn_days = 10;
    assert_false(sw_plain_eligible(&c, &t));
    c.cert_warn_days = -1;
    c.url = "http://localhost:8080/";
    assert_false(sw_plain_eligible(&c, &t));
}

/* The request bytes: those curl 7.88 sends for the same check (User-Agent and Connection
 * are the check's own headers there, set by http.c). */
static void test_request(void **state)
{
    struct sw_check_conf c;
    struct sw_plain_target t;
    struct sw_buf b;
    char *headers[] = {"X-Test: yes"}, *keep[] = {"connection: keep-alive"};

    (void)state;
    sw_buf_init(&b);
    conf_init(&c, SW_CHECK_HTTP);
    c.url = "http://127.0.0.1:18777/a?b=c#frag";
    c.method = "GET";
    assert_true(sw_plain_eligible(&c, &t));
    sw_plain_request(&b, &c, &t);
    assert_string_equal(b.data, "GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:18777\r\n"
                                "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n"
                                "Connection: close\r\n\r\n");

    sw_buf_reset(&b);
    c.headers = headers;
    c.n_headers = 1;
    c.username = "us";
    c.password = "pw";
    sw_plain_request(&b, &c, &t);
    assert_string_equal(b.data, "GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:18777\r\n"
                                "Authorization: Basic dXM6cHc=\r\n"
                                "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n"
                                "X-Test: yes\r\nConnection: close\r\n\r\n");

    sw_buf_reset(&b);
    c.headers = NULL;
    c.n_headers = 0;
    c.username = NULL;
    c.bearer_token = "TOK";
    sw_plain_request(&b, &c, &t);
    assert_string_equal(b.data, "GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:18777\r\n"
                                "Authorization: Bearer TOK\r\n"
                                "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n"
                                "Connection: close\r\n\r\n");

    sw_buf_reset(&b);
    c.bearer_token = NULL;
    c.headers = headers;
    c.n_headers = 1;
    c.method = "POST";
    c.body = "a=b";
    sw_plain_request(&b, &c, &t);
    assert_string_equal(b.data, "POST /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:18777\r\n"
                                "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n"
                                "X-Test: yes\r\nConnection: close\r\nContent-Length: 3\r\n"
                                "Content-Type: application/x-www-form-urlencoded\r\n\r\na=b");

    sw_buf_reset(&b);
    c.headers = NULL;
    c.n_headers = 0;
    c.method = "PUT";
    sw_plain_request(&b, &c, &t);
    assert_string_equal(b.data, "PUT /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:18777\r\n"
                                "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n"
                                "Connection: close\r\nContent-Length: 3\r\n"
                                "Content-Type: application/x-www-form-urlencoded\r\n\r\na=b");

    sw_buf_reset(&b);
    c.method = "HEAD"; /* no body with HEAD */
    c.url = "http://127.0.0.1:80/#f";
    assert_true(sw_plain_eligible(&c, &t));
    sw_plain_request(&b, &c, &t);
    assert_string_equal(b.data, "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n"
                                "Connection: close\r\n\r\n");

    sw_buf_reset(&b);
    c.method = "DELETE";
    c.body = NULL;
    c.headers = keep;
    c.n_headers = 1;
    c.url = "http://[::1]:18779?x";
    assert_true(sw_plain_eligible(&c, &t));
    sw_plain_request(&b, &c, &t);
    assert_string_equal(b.data, "DELETE /?x HTTP/1.1\r\nHost: [::1]:18779\r\n"
                                "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n"
                                "connection: keep-alive\r\n\r\n");
    sw_buf_release(&b);
}

/* ---- whole runs against canned replies ---- */

static const char *const replies[] = {
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
    "",
    "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", /* then silence: a timeout */
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",     /* the answer to HEAD */
    "HTTP/1.0 200 OK\r\n\r\nclosed by the server",
};

static int srv_fd;

static void *conn_main(void *arg)
{
    int c = (int)(intptr_t)arg, i;
    char req[4096];
    size_t n = 0;

    while (n + 1 < sizeof(req)) {
        ssize_t r = recv(c, req + n, sizeof(req) - 1 - n, 0);
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n")) {
            break;
        }
    }
    req[n] = '\0';
    i = atoi(strchr(req, '/') ? strchr(req, '/') + 1 : "0");
    (void)!send(c, replies[i], strlen(replies[i]), MSG_NOSIGNAL);
    if (i == 4) {
        usleep(500000);
    }
    close(c);
    return NULL;
}

static void *server_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_t t;
        int c = accept4(srv_fd, NULL, NULL, SOCK_CLOEXEC);
        if (c == -1) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            return NULL;
        }
        pthread_create(&t, NULL, conn_main, (void *)(intptr_t)c);
        pthread_detach(t);
    }
}

static int listen_on(int family, int *ret_port)
{
    struct sockaddr_in6 sa6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr *a = family == AF_INET ? (struct sockaddr *)&sa : (struct sockaddr *)&sa6;
    socklen_t len = family == AF_INET ? sizeof(sa) : sizeof(sa6);
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd == -1 || bind(fd, a, len) != 0 || listen(fd, 64) != 0) {
        if (fd != -1) {
            close(fd);
        }
        return -1;
    }
    getsockname(fd, a, &len);
    *ret_port = ntohs(family == AF_INET ? sa.sin_port : sa6.sin6_port);
    return fd;
}

static void run_one(struct env *e, struct sw_check_conf *c, struct got *g)
{
    memset(g, 0, sizeof(*g));
    assert_int_equal(sw_probe_start(e->p, c, got_done, g), 0);
    /* never reported from inside the start, even when the connect fails at once */
    assert_int_equal(g->n, 0);
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_HTTP), 1);
    env_run_until(e, &g->n, 1, 30000);
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_HTTP), 0);
}

static void expect_ok(const struct got *g, enum sw_state s, const char *head, size_t bytes)
{
    char want[256];

    snprintf(want, sizeof(want), "%s in %lld ms, %zu bytes", head,
             (long long)(g->latency_us / 1000), bytes);
    assert_int_equal(g->state, s);
    assert_string_equal(g->output, want);
}

static void test_runs(void **state)
{
    struct env *e = env_new(2, 4096);
    struct sw_check_conf c;
    struct got g;
    char url[128], want[160], perf[128];
    int port, port6 = 0, fd6;
    pthread_t th;
    pcre2_code *re;
    int err;
    PCRE2_SIZE off;

    (void)state;
    srv_fd = listen_on(AF_INET, &port);
    assert_true(srv_fd >= 0);
    assert_int_equal(pthread_create(&th, NULL, server_main, NULL), 0);
    conf_init(&c, SW_CHECK_HTTP);
    c.url = url;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/0", port);
    c.expect_body = "hello w";
    re = pcre2_compile((PCRE2_SPTR)c.expect_body, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    c.expect_body_re = re;
    run_one(e, &c, &g);
    expect_ok(&g, SW_OK, "HTTP 200 OK", 11);
    snprintf(perf, sizeof(perf), "time=%.6fs;;;0 size=11B;;;0", (double)g.latency_us / 1e6);
    assert_string_equal(g.perfdata, perf);
    got_release(&g);
    c.max_body = 7; /* "hello w" is the whole kept part: still found */
    run_one(e, &c, &g);
    expect_ok(&g, SW_OK, "HTTP 200 OK", 11);
    got_release(&g);
    c.max_body = 6;
    run_one(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    assert_non_null(strstr(g.output, ", 11 bytes, body does not match 'hello w'"));
    got_release(&g);
    c.expect_body = NULL;
    c.expect_body_re = NULL;
    pcre2_code_free(re);

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/1", port);
    run_one(e, &c, &g);
    assert_int_equal(g.state, SW_CRITICAL);
    assert_string_equal(g.output, "transfer closed with 7 bytes remaining to read");
    assert_null(g.perfdata);
    got_release(&g);

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/2", port);
    run_one(e, &c, &g);
    assert_string_equal(g.output, "Empty reply from server");
    got_release(&g);

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/3", port);
    run_one(e, &c, &g);
    expect_ok(&g, SW_CRITICAL, "HTTP 404 Not Found (expected 200..399)", 3);
    got_release(&g);

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/4", port);
    c.timeout_ms = 200;
    run_one(e, &c, &g);
    snprintf(want, sizeof(want),
             "Operation timed out after %lld milliseconds with 3 out of 10 bytes received",
             (long long)(g.latency_us / 1000));
    assert_string_equal(g.output, want);
    assert_true(g.latency_us >= 200000);
    got_release(&g);
    c.timeout_ms = 5000;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/5", port);
    c.method = "HEAD";
    run_one(e, &c, &g);
    expect_ok(&g, SW_OK, "HTTP 200 OK", 0);
    got_release(&g);
    c.method = "GET";

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/6", port);
    run_one(e, &c, &g);
    expect_ok(&g, SW_OK, "HTTP 200 OK", 20);
    got_release(&g);

    /* refused at once: still reported from the loop */
    shutdown(srv_fd, SHUT_RDWR);
    close(srv_fd);
    pthread_join(th, NULL);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/0", port);
    run_one(e, &c, &g);
    snprintf(want, sizeof(want),
             "Failed to connect to 127.0.0.1 port %d after %lld ms: Couldn't connect to server",
             port, (long long)(g.latency_us / 1000));
    assert_string_equal(g.output, want);
    got_release(&g);

    /* IPv6, when the machine has ::1 */
    fd6 = listen_on(AF_INET6, &port6);
    if (fd6 >= 0) {
        srv_fd = fd6;
        assert_int_equal(pthread_create(&th, NULL, server_main, NULL), 0);
        snprintf(url, sizeof(url), "http://[::1]:%d/3", port6);
        run_one(e, &c, &g);
        expect_ok(&g, SW_CRITICAL, "HTTP 404 Not Found (expected 200..399)", 3);
        got_release(&g);
        shutdown(fd6, SHUT_RDWR);
        close(fd6);
        pthread_join(th, NULL);
        run_one(e, &c, &g);
        snprintf(want, sizeof(want),
                 "Failed to connect to ::1 port %d after %lld ms: Couldn't connect to server",
                 port6, (long long)(g.latency_us / 1000));
        assert_string_equal(g.output, want);
        got_release(&g);
    }
    env_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),     cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_limits), cmocka_unit_test(test_targets),
        cmocka_unit_test(test_eligible),     cmocka_unit_test(test_request),
        cmocka_unit_test(test_runs),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
