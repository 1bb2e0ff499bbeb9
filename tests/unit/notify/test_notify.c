/* SPDX-License-Identifier: Apache-2.0 */
/* test_notify.c: tests src/notify: the renderings and the retry schedule exactly, and real
 * deliveries on 127.0.0.1: an HTTP receiver thread in this file, Debian's aiosmtpd as the SMTP
 * server (its Debugging handler prints each message to a pipe we read), and commands. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "notify/notify.h"

static const struct sw_notify_message msg = {
    .customer = "acme",
    .deployment = "acme-prod",
    .service = "keystone public API",
    .state = SW_CRITICAL,
    .since = 1795000000, /* 2026-11-18T11:06:40Z */
    .output = "HTTP 503 <down> & \"slow\"\nsecond line",
    .incident = "INC-42",
    .link = "https://sw.example/incidents/INC-42",
};

static const char expect_json[] =
    "{\"customer\":\"acme\",\"deployment\":\"acme-prod\",\"service\":\"keystone public API\","
    "\"state\":\"CRITICAL\",\"since\":\"2026-11-18T11:06:40Z\",\"since_unix\":1795000000,"
    "\"output\":\"HTTP 503 <down> & \\\"slow\\\"\\nsecond line\",\"incident\":\"INC-42\","
    "\"link\":\"https://sw.example/incidents/INC-42\",\"summary\":\"CRITICAL: acme / acme-prod / "
    "keystone public API since 2026-11-18T11:06:40Z\"}";

static const char expect_slack[] =
    "{\"text\":\"*CRITICAL: acme / acme-prod / keystone public API since "
    "2026-11-18T11:06:40Z*\\nHTTP 503 &lt;down&gt; &amp; \\\"slow\\\"\\nsecond line\\n"
    "incident <https://sw.example/incidents/INC-42|INC-42>\"}";

/* ---- a one-thread HTTP receiver: answers the given statuses, one connection each ---- */

struct receiver {
    int fd;
    int port;
    int codes[4];
    int n;
    char *req[4]; /* each whole request: head and body */
    pthread_t th;
};

static int listen_any(int *ret_port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *ret_port = ntohs(a.sin_port);
    return fd;
}

/* A port nobody listens on (bound, then closed). */
static int closed_port(void)
{
    int port, fd = listen_any(&port);

    close(fd);
    return port;
}

static char *read_request(int c)
{
    struct sw_buf b;
    char tmp[4096];
    const char *end, *cl;
    size_t want = 0;

    sw_buf_init(&b);
    for (;;) {
        ssize_t k = recv(c, tmp, sizeof(tmp), 0);

        if (k <= 0 || b.len > (1 << 20)) {
            break;
        }
        sw_buf_append(&b, tmp, (size_t)k);
        end = strstr(b.data, "\r\n\r\n");
        if (end && want == 0) {
            cl = strcasestr(b.data, "\r\nContent-Length:");
            want = (size_t)(end + 4 - b.data) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if (end && b.len >= want) {
            break;
        }
    }
    return sw_buf_steal(&b);
}

static void *receiver_run(void *arg)
{
    struct receiver *rc = arg;

    for (int i = 0; i < rc->n; i++) {
        struct pollfd p = {.fd = rc->fd, .events = POLLIN};
        struct timeval tv = {30, 0}; /* hang guard only */
        char out[128];
        int c;

        if (poll(&p, 1, 30000) != 1) {
            break;
        }
        c = accept4(rc->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c == -1) {
            break;
        }
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        rc->req[i] = read_request(c);
        snprintf(out, sizeof(out),
                 "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", rc->codes[i]);
        send(c, out, strlen(out), MSG_NOSIGNAL);
        close(c);
    }
    return NULL;
}

static void receiver_start(struct receiver *rc, int n, const int *codes)
{
    memset(rc, 0, sizeof(*rc));
    rc->n = n;
    memcpy(rc->codes, codes, sizeof(int) * (size_t)n);
    rc->fd = listen_any(&rc->port);
    assert_int_equal(pthread_create(&rc->th, NULL, receiver_run, rc), 0);
}

static void receiver_join(struct receiver *rc)
{
    pthread_join(rc->th, NULL);
}

static void receiver_free(struct receiver *rc)
{
    close(rc->fd);
    for (int i = 0; i < rc->n; i++) {
        free(rc->req[i]);
    }
}

static const char *body_of(const char *req)
{
    const char *p = req ? strstr(req, "\r\n\r\n") : NULL;

    return p ? p + 4 : "";
}

/* ---- renderings and the retry schedule ---- */

static void test_retry(void **state)
{
    struct sw_notify_retry p = {.base_ms = 1000, .cap_ms = 5000, .max_attempts = 5};
    int64_t d = -1;

    (void)state;
    assert_int_equal(sw_notify_retry_after(&p, 1, &d), 1);
    assert_int_equal(d, 1000);
    assert_int_equal(sw_notify_retry_after(&p, 2, &d), 1);
    assert_int_equal(d, 2000);
    assert_int_equal(sw_notify_retry_after(&p, 3, &d), 1);
    assert_int_equal(d, 4000);
    assert_int_equal(sw_notify_retry_after(&p, 4, &d), 1);
    assert_int_equal(d, 5000); /* 8000 capped */
    d = -1;
    assert_int_equal(sw_notify_retry_after(&p, 5, &d), 0); /* used up: falls through */
    assert_int_equal(d, -1);
    assert_int_equal(sw_notify_retry_after(&p, 6, &d), 0);

    /* a huge attempt number and cap do not overflow */
    p = (struct sw_notify_retry){.base_ms = 3, .cap_ms = INT64_MAX, .max_attempts = 1000};
    assert_int_equal(sw_notify_retry_after(&p, 999, &d), 1);
    assert_int_equal(d, INT64_MAX);
    assert_int_equal(sw_notify_retry_after(&p, 3, &d), 1);
    assert_int_equal(d, 12);

    p = (struct sw_notify_retry){.base_ms = 1000, .cap_ms = 5000, .max_attempts = 1};
    assert_int_equal(sw_notify_retry_after(&p, 1, &d), 0);
    assert_int_equal(sw_notify_retry_after(&p, 0, &d), -EINVAL);
    p.base_ms = 0;
    assert_int_equal(sw_notify_retry_after(&p, 1, &d), -EINVAL);
    p = (struct sw_notify_retry){.base_ms = 1000, .cap_ms = 999, .max_attempts = 3};
    assert_int_equal(sw_notify_retry_after(&p, 1, &d), -EINVAL);
    p = (struct sw_notify_retry){.base_ms = 1000, .cap_ms = 2000, .max_attempts = 0};
    assert_int_equal(sw_notify_retry_after(&p, 1, &d), -EINVAL);
    assert_int_equal(sw_notify_retry_after(NULL, 1, &d), -EINVAL);
    assert_string_equal(SW_NOTIFY_FALLTHROUGH, "failed: falls through to the next step");
}

static void test_render_json(void **state)
{
    struct sw_notify_message m = msg;
    char *s = NULL;

    (void)state;
    assert_int_equal(sw_notify_render_json(&msg, &s), 0);
    assert_string_equal(s, expect_json);
    free(s);

    m.link = NULL;
    m.output = NULL;
    m.state = SW_OK;
    assert_int_equal(sw_notify_render_json(&m, &s), 0);
    assert_non_null(strstr(s, "\"state\":\"OK\""));
    assert_non_null(strstr(s, "\"output\":\"\",\"incident\":\"INC-42\",\"link\":null,"));
    free(s);

    m = msg;
    m.service = NULL;
    assert_int_equal(sw_notify_render_json(&m, &s), -EINVAL);
    m = msg;
    m.state = (enum sw_state)7;
    assert_int_equal(sw_notify_render_json(&m, &s), -EINVAL);
}

static void test_render_output_cap(void **state)
{
    struct sw_notify_message m = msg;
    char *big = malloc(SW_NOTIFY_OUTPUT_MAX + 100);
    char *s = NULL;
    const char *o;

    (void)state;
    memset(big, 'x', SW_NOTIFY_OUTPUT_MAX + 99);
    big[SW_NOTIFY_OUTPUT_MAX + 99] = '\0';
    m.output = big;
    assert_int_equal(sw_notify_render_json(&m, &s), 0);
    o = strstr(s, "\"output\":\"");
    assert_non_null(o);
    o += 10;
    assert_int_equal(strspn(o, "x"), SW_NOTIFY_OUTPUT_MAX);
    assert_memory_equal(o + SW_NOTIFY_OUTPUT_MAX, "...\"", 4);
    free(s);
    free(big);
}

static void test_render_slack(void **state)
{
    char *s = NULL;

    (void)state;
    assert_int_equal(sw_notify_render_slack(&msg, &s), 0);
    assert_string_equal(s, expect_slack);
    free(s);
}

static void test_render_email(void **state)
{
    struct sw_notify_channel ch = {
        .type = SW_NOTIFY_EMAIL, .from = "stackward@example.com", .to = "alice@example.com"};
    struct sw_notify_message m = msg;
    char *s = NULL;

    (void)state;
    /* 1795000100 = Wednesday 2026-11-18 11:08:20 UTC */
    assert_int_equal(sw_notify_render_email(&msg, &ch, 1795000100, &s), 0);
    assert_string_equal(
        s, "Date: Wed, 18 Nov 2026 11:08:20 +0000\r\n"
           "From: stackward@example.com\r\n"
           "To: alice@example.com\r\n"
           "Subject: [stackward] CRITICAL: acme / acme-prod / keystone public API since "
           "2026-11-18T11:06:40Z\r\n"
           "Message-ID: <stackward.INC-42.1795000100@example.com>\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n"
           "\r\n"
           "CRITICAL: acme / acme-prod / keystone public API since 2026-11-18T11:06:40Z\r\n"
           "\r\n"
           "Customer:   acme\r\n"
           "Deployment: acme-prod\r\n"
           "Service:    keystone public API\r\n"
           "State:      CRITICAL\r\n"
           "Since:      2026-11-18T11:06:40Z\r\n"
           "Incident:   INC-42\r\n"
           "Link:       https://sw.example/incidents/INC-42\r\n"
           "\r\n"
           "Check output:\r\n"
           "HTTP 503 <down> & \"slow\"\r\n"
           "second line\r\n");
    free(s);

    /* a line break in a name cannot inject a header (it becomes ?); non-ASCII is RFC 2047 */
    m.service = "api\r\nBcc: eve@evil.example";
    assert_int_equal(sw_notify_render_email(&m, &ch, 1795000100, &s), 0);
    assert_non_null(strstr(s, "Subject: [stackward] CRITICAL: acme / acme-prod / api??Bcc: "
                              "eve@evil.example since"));
    strstr(s, "\r\n\r\n")[2] = '\0'; /* the head only: the body may say anything */
    assert_null(strstr(s, "\nBcc:"));
    free(s);
    m.service = "Zürich";
    assert_int_equal(sw_notify_render_email(&m, &ch, 1795000100, &s), 0);
    assert_non_null(
        strstr(s, "\r\nSubject: [stackward] "
                  "=?UTF-8?B?Q1JJVElDQUw6IGFjbWUgLyBhY21lLXByb2QgLyBaw7xyaWNoIHNpbmNlIDIw?="
                  "\r\n =?UTF-8?B?MjYtMTEtMThUMTE6MDY6NDBa?=\r\nMessage-ID: "));
    free(s);

    ch.to = "alice@example.com\r\nBcc: eve@evil.example";
    assert_int_equal(sw_notify_render_email(&msg, &ch, 1795000100, &s), -EINVAL);
    ch.to = "Alice <alice@example.com>";
    assert_int_equal(sw_notify_render_email(&msg, &ch, 1795000100, &s), -EINVAL);
    ch.to = "alice";
    assert_int_equal(sw_notify_render_email(&msg, &ch, 1795000100, &s), -EINVAL);
}

/* ---- webhooks ---- */

static void test_webhook_json(void **state)
{
    static const int codes[] = {200};
    struct sw_notify_channel ch = {.type = SW_NOTIFY_WEBHOOK, .token = "s3cret-token"};
    struct sw_notify_result res;
    struct receiver rc;
    char url[64];

    (void)state;
    receiver_start(&rc, 1, codes);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", rc.port);
    ch.url = url;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    receiver_join(&rc);
    assert_true(res.ok);
    assert_int_equal(res.code, 200);
    assert_string_equal(res.error, "");
    assert_non_null(rc.req[0]);
    assert_true(strncmp(rc.req[0], "POST /hook HTTP/1.1\r\n", 21) == 0);
    assert_non_null(strstr(rc.req[0], "\r\nAuthorization: Bearer s3cret-token\r\n"));
    assert_non_null(strstr(rc.req[0], "\r\nContent-Type: application/json\r\n"));
    assert_string_equal(body_of(rc.req[0]), expect_json);
    receiver_free(&rc);
}

static void test_webhook_slack(void **state)
{
    static const int codes[] = {204};
    struct sw_notify_channel ch = {.type = SW_NOTIFY_WEBHOOK, .format = SW_NOTIFY_SLACK};
    struct sw_notify_result res;
    struct receiver rc;
    char url[64];

    (void)state;
    receiver_start(&rc, 1, codes);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/services/T0/B0", rc.port);
    ch.url = url;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    receiver_join(&rc);
    assert_true(res.ok);
    assert_int_equal(res.code, 204);
    assert_non_null(rc.req[0]);
    assert_true(strncmp(rc.req[0], "POST /services/T0/B0 HTTP/1.1\r\n", 31) == 0);
    assert_null(strstr(rc.req[0], "Authorization:"));
    assert_string_equal(body_of(rc.req[0]), expect_slack);
    receiver_free(&rc);
}

static void test_webhook_503_then_200(void **state)
{
    static const int codes[] = {503, 200};
    struct sw_notify_channel ch = {.type = SW_NOTIFY_WEBHOOK, .token = "tok-xyz"};
    struct sw_notify_retry policy = {.base_ms = 30000, .cap_ms = 600000, .max_attempts = 3};
    struct sw_notify_result res;
    struct receiver rc;
    int64_t delay = 0;
    char url[64];

    (void)state;
    receiver_start(&rc, 2, codes);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", rc.port);
    ch.url = url;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_false(res.ok);
    assert_int_equal(res.code, 503);
    assert_string_equal(res.error, "webhook: HTTP 503");
    assert_int_equal(sw_notify_retry_after(&policy, 1, &delay), 1);
    assert_int_equal(delay, 30000);

    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    receiver_join(&rc);
    assert_true(res.ok);
    assert_int_equal(res.code, 200);
    assert_string_equal(body_of(rc.req[0]), expect_json);
    assert_string_equal(body_of(rc.req[1]), expect_json);
    receiver_free(&rc);
}

static void test_webhook_refused(void **state)
{
    struct sw_notify_channel ch = {.type = SW_NOTIFY_WEBHOOK, .token = "tok-xyz"};
    struct sw_notify_result res;
    char url[96];

    (void)state;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook/SECRETPATH", closed_port());
    ch.url = url;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_false(res.ok);
    assert_int_equal(res.code, 0);
    assert_true(strncmp(res.error, "webhook: Couldn't connect to server", 35) == 0);
    assert_null(strstr(res.error, "SECRETPATH"));
    assert_null(strstr(res.error, "tok-xyz"));

    ch.url = "ftp://127.0.0.1/x";
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), -EINVAL);
    assert_string_equal(res.error,
                        "invalid channel: webhook url must start with http:// or https://");
}

static void test_webhook_timeout(void **state)
{
    struct sw_notify_channel ch = {.type = SW_NOTIFY_WEBHOOK, .timeout_ms = 300};
    struct sw_notify_result res;
    char url[64];
    int port, fd = listen_any(&port); /* the kernel accepts; nobody ever answers */

    (void)state;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", port);
    ch.url = url;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    close(fd);
    assert_false(res.ok);
    assert_int_equal(res.code, 0);
    assert_true(strncmp(res.error, "webhook: Timeout was reached", 28) == 0);
}

/* ---- email through a real SMTP server ---- */

struct smtpd {
    pid_t pid;
    int out; /* read end of its stdout */
    int port;
};

/* Starts aiosmtpd with its Debugging handler, or with auth our smtpd_auth.py (AUTH required,
 * user mailer, password pa55word). */
static void smtpd_start(struct smtpd *s, bool auth)
{
    int p[2], devnull;
    char listen_on[32], port[16];

    s->port = closed_port();
    snprintf(listen_on, sizeof(listen_on), "127.0.0.1:%d", s->port);
    snprintf(port, sizeof(port), "%d", s->port);
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    s->pid = fork();
    assert_true(s->pid != -1);
    if (s->pid == 0) {
        dup2(p[1], 1);
        devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2); /* its warnings about plain-text AUTH on loopback */
        /* Debian's python3, whatever python the PATH holds; -u: print each message at once */
        if (auth) {
            execl("/usr/bin/python3", "python3", "-u", NOTIFY_SMTPD_AUTH, port, (char *)NULL);
        } else {
            execl("/usr/bin/python3", "python3", "-u", "-m", "aiosmtpd", "-n", "-l", listen_on,
                  (char *)NULL);
        }
        _exit(127);
    }
    close(p[1]);
    s->out = p[0];
    /* wait until it accepts connections (hang guard: 20 s) */
    for (int i = 0; i < 400; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)s->port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int r = connect(fd, (struct sockaddr *)&a, sizeof(a));
        struct timespec ts = {0, 50000000};

        close(fd);
        if (r == 0) {
            return;
        }
        nanosleep(&ts, NULL);
    }
    fail_msg("aiosmtpd did not start on port %d", s->port);
}

/* What the Debugging handler printed up to the end of the first message. */
static char *smtpd_read(struct smtpd *s)
{
    struct sw_buf b;
    char tmp[4096];

    sw_buf_init(&b);
    while (!b.data || !strstr(b.data, "END MESSAGE")) {
        struct pollfd p = {.fd = s->out, .events = POLLIN};
        ssize_t k;

        if (poll(&p, 1, 30000) != 1) {
            break;
        }
        k = read(s->out, tmp, sizeof(tmp));
        if (k <= 0) {
            break;
        }
        sw_buf_append(&b, tmp, (size_t)k);
    }
    return sw_buf_steal(&b);
}

static void smtpd_stop(struct smtpd *s)
{
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    close(s->out);
}

static void test_email(void **state)
{
    struct sw_notify_channel ch = {.type = SW_NOTIFY_EMAIL,
                                   .from = "stackward@example.com",
                                   .to = "alice@example.com",
                                   .timeout_ms = 30000};
    struct sw_notify_result res;
    struct smtpd s;
    char url[64];
    char *out;
    int r;

    (void)state;
    smtpd_start(&s, false);
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", s.port);
    ch.smtp = url;
    r = sw_notify_deliver(&ch, &msg, &res);
    out = res.ok ? smtpd_read(&s) : sw_xstrdup("");
    smtpd_stop(&s); /* before any assertion: a failed one would leave the server running */
    assert_int_equal(r, 0);
    assert_string_equal(res.error, "");
    assert_true(res.ok);
    assert_int_equal(res.code, 250);
    assert_non_null(strstr(out, "---------- MESSAGE FOLLOWS ----------\n"));
    assert_non_null(strstr(out, "\nFrom: stackward@example.com\n"));
    assert_non_null(strstr(out, "\nTo: alice@example.com\n"));
    assert_non_null(strstr(out, "\nSubject: [stackward] CRITICAL: acme / acme-prod / keystone "
                                "public API since 2026-11-18T11:06:40Z\n"));
    assert_non_null(strstr(out, "\nContent-Type: text/plain; charset=utf-8\n"));
    assert_non_null(strstr(out, "\nMessage-ID: <stackward.INC-42."));
    assert_non_null(strstr(out, "\nService:    keystone public API\n"
                                "State:      CRITICAL\n"
                                "Since:      2026-11-18T11:06:40Z\n"
                                "Incident:   INC-42\n"
                                "Link:       https://sw.example/incidents/INC-42\n"
                                "\n"
                                "Check output:\n"
                                "HTTP 503 <down> & \"slow\"\n"
                                "second line\n"));
    free(out);
}

static void test_email_auth(void **state)
{
    struct sw_notify_channel ch = {.type = SW_NOTIFY_EMAIL,
                                   .from = "stackward@example.com",
                                   .to = "alice@example.com",
                                   .username = "mailer",
                                   .password = "pa55word",
                                   .timeout_ms = 30000};
    struct sw_notify_result res;
    struct smtpd s;
    char url[64];
    char *out;
    int r;

    (void)state;
    smtpd_start(&s, true);
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", s.port);
    ch.smtp = url;
    r = sw_notify_deliver(&ch, &msg, &res);
    out = res.ok ? smtpd_read(&s) : sw_xstrdup("");
    smtpd_stop(&s); /* before any assertion: a failed one would leave the server running */
    assert_int_equal(r, 0);
    assert_string_equal(res.error, "");
    assert_true(res.ok);
    assert_int_equal(res.code, 250);
    assert_non_null(strstr(out, "AUTH mailer ok\n"));
    assert_non_null(strstr(out, "\nTo: alice@example.com\n"));
    free(out);
}

static void test_email_unreachable(void **state)
{
    struct sw_notify_channel ch = {.type = SW_NOTIFY_EMAIL,
                                   .from = "stackward@example.com",
                                   .to = "alice@example.com",
                                   .username = "mailer",
                                   .password = "pa55word"};
    struct sw_notify_result res;
    char url[64];

    (void)state;
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", closed_port());
    ch.smtp = url;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_false(res.ok);
    assert_true(strncmp(res.error, "smtp: Couldn't connect to server", 32) == 0);
    assert_null(strstr(res.error, "pa55word"));

    ch.smtp = "http://127.0.0.1:25";
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), -EINVAL);
    assert_string_equal(res.error, "invalid channel: smtp must start with smtp:// or smtps://");
    ch.smtp = "smtp://mailer:pa55word@127.0.0.1:25";
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), -EINVAL);
    assert_string_equal(
        res.error,
        "invalid channel: smtp URL must not hold credentials (use username and password)");
    ch.smtp = url;
    ch.from = "a@b\r\nRCPT TO:<x@y>";
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), -EINVAL);
    assert_string_equal(res.error,
                        "invalid channel: email from is not a plain address (local@domain)");
}

/* ---- commands ---- */

static char *slurp(const char *path)
{
    struct sw_buf b;
    char tmp[4096];
    FILE *f = fopen(path, "re");
    size_t k;

    sw_buf_init(&b);
    if (f) {
        while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0) {
            sw_buf_append(&b, tmp, k);
        }
        fclose(f);
    }
    return sw_buf_steal(&b);
}

static void test_command(void **state)
{
    char dir[] = "/tmp/sw-notify-XXXXXX";
    char file[64], script[320];
    const char *tee[] = {"/usr/bin/tee", file, NULL};
    const char *envdump[] = {"/bin/sh", "-c", script, NULL};
    const char *fails[] = {"/bin/sh", "-c", "exit 3", NULL};
    const char *relative[] = {"tee", NULL};
    struct sw_notify_channel ch = {.type = SW_NOTIFY_COMMAND, .argv = tee};
    struct sw_notify_result res;
    char *s;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s/stdin", dir);
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_true(res.ok);
    assert_int_equal(res.code, 0);
    s = slurp(file);
    assert_string_equal(s, expect_json);
    free(s);
    unlink(file);

    snprintf(file, sizeof(file), "%s/env", dir);
    snprintf(script, sizeof(script),
             "printf '%%s|%%s|%%s|%%s|%%s|%%s' \"$STACKWARD_CUSTOMER\" \"$STACKWARD_SERVICE\" "
             "\"$STACKWARD_STATE\" \"$STACKWARD_SINCE\" \"$STACKWARD_INCIDENT\" \"$HOME\" > %s",
             file);
    ch.argv = envdump;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_true(res.ok);
    s = slurp(file);
    assert_string_equal(s, "acme|keystone public API|CRITICAL|2026-11-18T11:06:40Z|INC-42|");
    free(s);
    unlink(file);
    rmdir(dir);

    ch.argv = fails;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_false(res.ok);
    assert_int_equal(res.code, 3);
    assert_string_equal(res.error, "command: /bin/sh exited with status 3");

    ch.argv = relative;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), -EINVAL);
    assert_string_equal(res.error, "invalid channel: command argv[0] must be an absolute path");
}

static void test_command_timeout(void **state)
{
    const char *sleeper[] = {"/bin/sleep", "30", NULL};
    const char *missing[] = {"/nonexistent/notify-hook", NULL};
    struct sw_notify_channel ch = {.type = SW_NOTIFY_COMMAND, .argv = sleeper, .timeout_ms = 200};
    struct sw_notify_result res;

    (void)state;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_false(res.ok);
    assert_string_equal(res.error, "command: /bin/sleep timed out after 200 ms and was killed");

    ch.argv = missing;
    ch.timeout_ms = 0;
    assert_int_equal(sw_notify_deliver(&ch, &msg, &res), 0);
    assert_false(res.ok);
    assert_string_equal(res.error,
                        "command: cannot run /nonexistent/notify-hook: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry),
        cmocka_unit_test(test_render_json),
        cmocka_unit_test(test_render_output_cap),
        cmocka_unit_test(test_render_slack),
        cmocka_unit_test(test_render_email),
        cmocka_unit_test(test_webhook_json),
        cmocka_unit_test(test_webhook_slack),
        cmocka_unit_test(test_webhook_503_then_200),
        cmocka_unit_test(test_webhook_refused),
        cmocka_unit_test(test_webhook_timeout),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_email_auth),
        cmocka_unit_test(test_email_unreachable),
        cmocka_unit_test(test_command),
        cmocka_unit_test(test_command_timeout),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
