/* SPDX-License-Identifier: Apache-2.0 */
/* deliver.c: the I/O half of notify.h: one blocking delivery attempt over a webhook (libcurl
 * easy, HTTP POST), SMTP (libcurl easy, STARTTLS when offered) or a command (posix_spawn, no
 * shell, the JSON on stdin). Runs on a worker thread; owns nothing beyond the call. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "notify/notify.h"
#include "notify/notify_int.h"

#define DEFAULT_TIMEOUT_MS 10000
#define MAX_ARGS 64

/* Replaces every occurrence of secret in b with "***". */
static void redact(struct sw_buf *b, const char *secret)
{
    struct sw_buf o;
    size_t n = secret ? strlen(secret) : 0;
    const char *p, *q;

    if (n == 0 || !b->data) {
        return;
    }
    sw_buf_init(&o);
    for (p = b->data; (q = strstr(p, secret)); p = q + n) {
        sw_buf_append(&o, p, (size_t)(q - p));
        sw_buf_puts(&o, "***");
    }
    sw_buf_puts(&o, p);
    sw_buf_release(b);
    *b = o;
}

static void fail(struct sw_notify_result *res, const struct sw_notify_channel *ch, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));

/* Sets res to a failure whose text holds none of the channel's secrets. */
static void fail(struct sw_notify_result *res, const struct sw_notify_channel *ch, const char *fmt,
                 ...)
{
    struct sw_buf b;
    va_list ap;

    sw_buf_init(&b);
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (ch) {
        redact(&b, ch->password);
        redact(&b, ch->token);
        redact(&b, ch->url);
    }
    res->ok = false;
    snprintf(res->error, sizeof(res->error), "%s", b.data ? b.data : "");
    sw_str_sanitize(res->error);
    sw_buf_release(&b);
}

static int64_t timeout_of(const struct sw_notify_channel *ch)
{
    return ch->timeout_ms > 0 ? ch->timeout_ms : DEFAULT_TIMEOUT_MS;
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n; /* the receiver's reply body is not kept: nothing grows */
}

struct upload {
    const char *p;
    size_t left;
};

static size_t reader(char *dst, size_t size, size_t n, void *u)
{
    struct upload *up = u;
    size_t k = size * n < up->left ? size * n : up->left;

    memcpy(dst, up->p, k);
    up->p += k;
    up->left -= k;
    return k;
}

/* The common part of a curl failure: what failed, libcurl's reason and its detail. */
static void curl_fail(struct sw_notify_result *res, const struct sw_notify_channel *ch,
                      const char *what, CURLcode c, const char *detail)
{
    if (detail[0]) {
        fail(res, ch, "%s: %s (%s)", what, curl_easy_strerror(c), detail);
    } else {
        fail(res, ch, "%s: %s", what, curl_easy_strerror(c));
    }
}

static int webhook(const struct sw_notify_channel *ch, const struct sw_notify_message *m,
                   struct sw_notify_result *res)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdr = NULL;
    char *body = NULL, *auth = NULL;
    CURL *h = NULL;
    CURLcode c;
    long status = 0;
    int r;

    r = ch->format == SW_NOTIFY_SLACK ? sw_notify_render_slack(m, &body)
                                      : sw_notify_render_json(m, &body);
    if (r < 0) {
        fail(res, ch, "webhook: cannot render the message");
        goto out;
    }
    h = curl_easy_init();
    if (!h) {
        fail(res, ch, "webhook: cannot create a libcurl handle");
        goto out;
    }
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    if (ch->token) {
        auth = sw_xasprintf("Authorization: Bearer %s", ch->token);
        hdr = curl_slist_append(hdr, auth);
    }
    curl_easy_setopt(h, CURLOPT_URL, ch->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_of(ch));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "stackward/" SW_VERSION);
    c = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    res->code = status;
    if (c != CURLE_OK) {
        curl_fail(res, ch, "webhook", c, errbuf);
    } else if (status < 200 || status > 299) {
        fail(res, ch, "webhook: HTTP %ld", status);
    } else {
        res->ok = true;
    }
out:
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr);
    free(auth);
    free(body);
    return 0;
}

static int email(const struct sw_notify_channel *ch, const struct sw_notify_message *m,
                 struct sw_notify_result *res)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt = NULL;
    char *msg = NULL, *from = NULL;
    struct upload up;
    CURL *h = NULL;
    CURLcode c;
    long code = 0;
    int r;

    r = sw_notify_render_email(m, ch, sw_now(), &msg);
    if (r < 0) {
        fail(res, ch, "smtp: cannot render the message");
        goto out;
    }
    h = curl_easy_init();
    if (!h) {
        fail(res, ch, "smtp: cannot create a libcurl handle");
        goto out;
    }
    from = sw_xasprintf("<%s>", ch->from);
    rcpt = curl_slist_append(rcpt, ch->to);
    up.p = msg;
    up.left = strlen(msg);
    curl_easy_setopt(h, CURLOPT_URL, ch->smtp);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_of(ch));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    if (ch->username) {
        curl_easy_setopt(h, CURLOPT_USERNAME, ch->username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, ch->password ? ch->password : "");
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, reader);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    c = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    res->code = code;
    if (c != CURLE_OK) {
        curl_fail(res, ch, "smtp", c, errbuf);
    } else {
        res->ok = true;
    }
out:
    curl_easy_cleanup(h);
    curl_slist_free_all(rcpt);
    free(from);
    free(msg);
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Sends the whole of p to fd before the deadline; a command that does not read its stdin gets
 * what fits, and its exit status tells the rest. */
static void feed(int fd, const char *p, size_t n, int64_t deadline)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int64_t left;

        if (w >= 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (errno == EINTR) {
            continue;
        }
        left = deadline - sw_mono_ms();
        if (errno != EAGAIN || left <= 0) {
            return;
        }
        poll(&pfd, 1, (int)(left < 1000 ? left : 1000));
    }
}

static int command(const struct sw_notify_channel *ch, const struct sw_notify_message *m,
                   struct sw_notify_result *res)
{
    char t[SW_TIME_LEN];
    char *env[12] = {NULL};
    char *json = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, def;
    int sv[2] = {-1, -1};
    int64_t deadline = sw_mono_ms() + timeout_of(ch);
    bool timed_out = false;
    int status = 0, r, n = 0;
    pid_t pid;

    r = sw_notify_render_json(m, &json);
    if (r < 0) {
        fail(res, ch, "command: cannot render the message");
        return 0;
    }
    /* a fixed, small environment: the daemon's own (secrets included) is not passed on */
    env[n++] = sw_xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
    env[n++] = sw_xasprintf("STACKWARD_CUSTOMER=%s", m->customer);
    env[n++] = sw_xasprintf("STACKWARD_DEPLOYMENT=%s", m->deployment);
    env[n++] = sw_xasprintf("STACKWARD_SERVICE=%s", m->service);
    env[n++] = sw_xasprintf("STACKWARD_STATE=%s", sw_state_name(m->state));
    env[n++] = sw_xasprintf("STACKWARD_SINCE=%s", sw_time_format(m->since, t));
    env[n++] = sw_xasprintf("STACKWARD_INCIDENT=%s", m->incident);
    env[n++] = sw_xasprintf("STACKWARD_LINK=%s", m->link ? m->link : "");
    env[n++] =
        sw_xasprintf("STACKWARD_OUTPUT=%.*s", SW_NOTIFY_OUTPUT_MAX, m->output ? m->output : "");

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
        fail(res, ch, "command: socketpair: %s", strerror(errno));
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    r = posix_spawn(&pid, ch->argv[0], &fa, &attr, (char *const *)ch->argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    sv[1] = -1;
    if (r != 0) {
        fail(res, ch, "command: cannot run %s: %s", ch->argv[0], strerror(r));
        goto out;
    }
    feed(sv[0], json, strlen(json), deadline);
    close(sv[0]);
    sv[0] = -1;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);

        if (w == pid) {
            break;
        }
        if (w == -1 && errno != EINTR) {
            fail(res, ch, "command: waitpid: %s", strerror(errno));
            goto out;
        }
        if (sw_mono_ms() >= deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
            }
            timed_out = true;
            break;
        }
        sleep_ms(5);
    }
    if (timed_out) {
        fail(res, ch, "command: %s timed out after %lld ms and was killed", ch->argv[0],
             (long long)timeout_of(ch));
    } else if (WIFEXITED(status)) {
        res->code = WEXITSTATUS(status);
        if (res->code == 0) {
            res->ok = true;
        } else {
            fail(res, ch, "command: %s exited with status %ld", ch->argv[0], res->code);
        }
    } else {
        fail(res, ch, "command: %s killed by signal %d", ch->argv[0],
             WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
out:
    if (sv[0] != -1) {
        close(sv[0]);
    }
    if (sv[1] != -1) {
        close(sv[1]);
    }
    for (int i = 0; i < n; i++) {
        free(env[i]);
    }
    free(json);
    return 0;
}

/* Why ch cannot be used, or NULL. */
static const char *check_channel(const struct sw_notify_channel *ch)
{
    size_t n = 0;

    if (!ch) {
        return "no channel";
    }
    if (ch->timeout_ms < 0) {
        return "negative timeout";
    }
    switch (ch->type) {
    case SW_NOTIFY_WEBHOOK:
        if (!ch->url ||
            (!sw_str_has_prefix(ch->url, "http://") && !sw_str_has_prefix(ch->url, "https://"))) {
            return "webhook url must start with http:// or https://";
        }
        if (ch->format != SW_NOTIFY_JSON && ch->format != SW_NOTIFY_SLACK) {
            return "webhook format must be json or slack";
        }
        if (ch->token && strpbrk(ch->token, "\r\n")) {
            return "webhook token contains a line break";
        }
        return NULL;
    case SW_NOTIFY_EMAIL:
        if (!ch->smtp ||
            (!sw_str_has_prefix(ch->smtp, "smtp://") && !sw_str_has_prefix(ch->smtp, "smtps://"))) {
            return "smtp must start with smtp:// or smtps://";
        }
        if (strchr(ch->smtp, '@')) {
            return "smtp URL must not hold credentials (use username and password)";
        }
        if (!sw_notify_addr_ok(ch->from)) {
            return "email from is not a plain address (local@domain)";
        }
        if (!sw_notify_addr_ok(ch->to)) {
            return "email to is not a plain address (local@domain)";
        }
        if (ch->password && !ch->username) {
            return "smtp password given without a username";
        }
        return NULL;
    case SW_NOTIFY_COMMAND:
        if (!ch->argv || !ch->argv[0] || ch->argv[0][0] != '/') {
            return "command argv[0] must be an absolute path";
        }
        while (ch->argv[n]) {
            if (++n > MAX_ARGS) {
                return "command has more than 64 arguments";
            }
        }
        return NULL;
    }
    return "unknown channel type";
}

int sw_notify_deliver(const struct sw_notify_channel *ch, const struct sw_notify_message *m,
                      struct sw_notify_result *ret)
{
    const char *bad;

    memset(ret, 0, sizeof(*ret));
    bad = check_channel(ch);
    if (bad) {
        fail(ret, NULL, "invalid channel: %s", bad);
        return -EINVAL;
    }
    if (sw_notify_check_message(m, ret->error, sizeof(ret->error)) < 0) {
        return -EINVAL;
    }
    switch (ch->type) {
    case SW_NOTIFY_WEBHOOK:
        return webhook(ch, m, ret);
    case SW_NOTIFY_EMAIL:
        return email(ch, m, ret);
    case SW_NOTIFY_COMMAND:
        return command(ch, m, ret);
    }
    return -EINVAL;
}
