/* SPDX-License-Identifier: Apache-2.0 */
/* render.c: the pure half of notify.h: message validation, the JSON, Slack and email
 * renderings, and the retry schedule. No I/O, no clock (the email's date is passed in). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify/notify.h"
#include "notify/notify_int.h"

static bool field_ok(const char *s, bool required)
{
    if (!s) {
        return !required;
    }
    return strlen(s) <= SW_NOTIFY_FIELD_MAX;
}

int sw_notify_check_message(const struct sw_notify_message *m, char *err, size_t errlen)
{
    const char *bad = NULL;

    if (!m) {
        bad = "no message";
    } else if (!field_ok(m->customer, true)) {
        bad = "customer missing or too long";
    } else if (!field_ok(m->deployment, true)) {
        bad = "deployment missing or too long";
    } else if (!field_ok(m->service, true)) {
        bad = "service missing or too long";
    } else if (!field_ok(m->incident, true)) {
        bad = "incident id missing or too long";
    } else if (!field_ok(m->link, false)) {
        bad = "link too long";
    } else if ((int)m->state < 0 || (int)m->state >= SW_STATE_COUNT) {
        bad = "invalid state";
    }
    if (bad) {
        if (err) {
            snprintf(err, errlen, "invalid message: %s", bad);
        }
        return -EINVAL;
    }
    return 0;
}

/* The check output, cut at SW_NOTIFY_OUTPUT_MAX bytes on a UTF-8 boundary. */
static char *capped_output(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n <= SW_NOTIFY_OUTPUT_MAX) {
        return sw_xstrdup(s ? s : "");
    }
    n = SW_NOTIFY_OUTPUT_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
        n--;
    }
    return sw_xasprintf("%.*s...", (int)n, s);
}

static void summary(struct sw_buf *b, const struct sw_notify_message *m)
{
    char t[SW_TIME_LEN];

    sw_buf_printf(b, "%s: %s / %s / %s since %s", sw_state_name(m->state), m->customer,
                  m->deployment, m->service, sw_time_format(m->since, t));
}

int sw_notify_render_json(const struct sw_notify_message *m, char **ret)
{
    struct sw_buf b, s;
    char t[SW_TIME_LEN];
    char *out;
    int r;

    r = sw_notify_check_message(m, NULL, 0);
    if (r < 0) {
        return r;
    }
    out = capped_output(m->output);
    sw_buf_init(&b);
    sw_buf_init(&s);
    summary(&s, m);
    sw_buf_puts(&b, "{\"customer\":");
    sw_buf_json_str(&b, m->customer);
    sw_buf_puts(&b, ",\"deployment\":");
    sw_buf_json_str(&b, m->deployment);
    sw_buf_puts(&b, ",\"service\":");
    sw_buf_json_str(&b, m->service);
    sw_buf_puts(&b, ",\"state\":");
    sw_buf_json_str(&b, sw_state_name(m->state));
    sw_buf_puts(&b, ",\"since\":");
    sw_buf_json_str(&b, sw_time_format(m->since, t));
    sw_buf_printf(&b, ",\"since_unix\":%lld,\"output\":", (long long)m->since);
    sw_buf_json_str(&b, out);
    sw_buf_puts(&b, ",\"incident\":");
    sw_buf_json_str(&b, m->incident);
    sw_buf_puts(&b, ",\"link\":");
    if (m->link) {
        sw_buf_json_str(&b, m->link);
    } else {
        sw_buf_puts(&b, "null");
    }
    sw_buf_puts(&b, ",\"summary\":");
    sw_buf_json_str(&b, s.data);
    sw_buf_puts(&b, "}");
    *ret = sw_buf_steal(&b);
    sw_buf_release(&s);
    free(out);
    return 0;
}

/* Slack's mrkdwn needs &, < and > escaped; everything else is literal. */
static void slack_escape(struct sw_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&') {
            sw_buf_puts(b, "&amp;");
        } else if (*s == '<') {
            sw_buf_puts(b, "&lt;");
        } else if (*s == '>') {
            sw_buf_puts(b, "&gt;");
        } else {
            sw_buf_append(b, s, 1);
        }
    }
}

int sw_notify_render_slack(const struct sw_notify_message *m, char **ret)
{
    struct sw_buf text, s, b;
    char *out;
    int r;

    r = sw_notify_check_message(m, NULL, 0);
    if (r < 0) {
        return r;
    }
    out = capped_output(m->output);
    sw_buf_init(&text);
    sw_buf_init(&s);
    sw_buf_init(&b);
    summary(&s, m);
    sw_buf_puts(&text, "*");
    slack_escape(&text, s.data);
    sw_buf_puts(&text, "*");
    if (*out) {
        sw_buf_puts(&text, "\n");
        slack_escape(&text, out);
    }
    sw_buf_puts(&text, "\nincident ");
    if (m->link) {
        sw_buf_puts(&text, "<");
        /* a link may not contain | or > inside <...>; escaping keeps it one link */
        slack_escape(&text, m->link);
        sw_buf_puts(&text, "|");
        slack_escape(&text, m->incident);
        sw_buf_puts(&text, ">");
    } else {
        slack_escape(&text, m->incident);
    }
    sw_buf_puts(&b, "{\"text\":");
    sw_buf_json_str(&b, text.data);
    sw_buf_puts(&b, "}");
    *ret = sw_buf_steal(&b);
    sw_buf_release(&text);
    sw_buf_release(&s);
    free(out);
    return 0;
}

/* A plain addr-spec we can put in a header and an SMTP envelope without quoting:
 * printable ASCII, no space, no <>()",;:\ or brackets, exactly one @ with text on both sides. */
bool sw_notify_addr_ok(const char *a)
{
    const char *at;

    if (!a || strlen(a) > 254) {
        return false;
    }
    for (const char *p = a; *p; p++) {
        if (*p <= ' ' || *p >= 127 || strchr("<>()[]\",;:\\", *p)) {
            return false;
        }
    }
    at = strchr(a, '@');
    return at && at != a && at[1] && !strchr(at + 1, '@');
}

static void base64(struct sw_buf *b, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        char q[4];

        if (i + 1 < n) {
            v |= (unsigned)p[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= p[i + 2];
        }
        q[0] = tab[(v >> 18) & 63];
        q[1] = tab[(v >> 12) & 63];
        q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? tab[v & 63] : '=';
        sw_buf_append(b, q, 4);
    }
}

/* A header value from outside text: control characters (CR, LF above all: header injection)
 * become spaces; non-ASCII text is sent as RFC 2047 encoded words of at most 45 input bytes,
 * cut on UTF-8 boundaries, so every encoded word stays under 76 characters. */
static void header_text(struct sw_buf *b, const char *s)
{
    char *v = sw_xstrdup(s);
    bool ascii = true;
    size_t n;

    sw_str_sanitize(v);
    for (char *p = v; *p; p++) {
        if ((unsigned char)*p < ' ' || *p == 127) {
            *p = ' ';
        } else if ((unsigned char)*p >= 128) {
            ascii = false;
        }
    }
    if (ascii) {
        sw_buf_puts(b, v);
        free(v);
        return;
    }
    n = strlen(v);
    for (size_t i = 0; i < n;) {
        size_t k = 0;

        while (i + k < n) {
            size_t l = sw_utf8_len(v + i + k, n - i - k);
            if (l == 0) {
                l = 1;
            }
            if (k + l > 45) {
                break;
            }
            k += l;
        }
        sw_buf_puts(b, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        base64(b, (const unsigned char *)v + i, k);
        sw_buf_puts(b, "?=");
        i += k;
    }
    free(v);
}

/* Body text: CRLF line ends, lines cut at 900 bytes (RFC 5322 allows 998). */
static void body_text(struct sw_buf *b, const char *s)
{
    size_t col = 0;

    for (; *s; s++) {
        if (*s == '\r') {
            continue;
        }
        if (*s == '\n' || col >= 900) {
            sw_buf_puts(b, "\r\n");
            col = 0;
            if (*s == '\n') {
                continue;
            }
        }
        sw_buf_append(b, s, 1);
        col++;
    }
    sw_buf_puts(b, "\r\n");
}

int sw_notify_render_email(const struct sw_notify_message *m, const struct sw_notify_channel *ch,
                           int64_t now, char **ret)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mons[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct sw_buf b, s;
    char t[SW_TIME_LEN];
    char *out, *idpart;
    struct tm tm;
    time_t tt = (time_t)now;
    int r;

    r = sw_notify_check_message(m, NULL, 0);
    if (r < 0) {
        return r;
    }
    if (!ch || !sw_notify_addr_ok(ch->from) || !sw_notify_addr_ok(ch->to) || !gmtime_r(&tt, &tm)) {
        return -EINVAL;
    }
    out = capped_output(m->output);
    idpart = sw_xstrdup(m->incident);
    for (char *p = idpart; *p; p++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", *p)) {
            *p = '_';
        }
    }
    sw_buf_init(&b);
    sw_buf_init(&s);
    summary(&s, m);
    sw_buf_printf(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
                  tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    sw_buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: [stackward] ", ch->from, ch->to);
    header_text(&b, s.data);
    sw_buf_printf(&b, "\r\nMessage-ID: <stackward.%s.%lld@%s>\r\n", idpart, (long long)now,
                  strchr(ch->from, '@') + 1);
    sw_buf_puts(&b, "MIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n"
                    "\r\n");
    body_text(&b, s.data);
    sw_buf_puts(&b, "\r\n");
    sw_buf_printf(&b, "Customer:   %s\r\n", m->customer);
    sw_buf_printf(&b, "Deployment: %s\r\n", m->deployment);
    sw_buf_printf(&b, "Service:    %s\r\n", m->service);
    sw_buf_printf(&b, "State:      %s\r\n", sw_state_name(m->state));
    sw_buf_printf(&b, "Since:      %s\r\n", sw_time_format(m->since, t));
    sw_buf_printf(&b, "Incident:   %s\r\n", m->incident);
    if (m->link) {
        sw_buf_printf(&b, "Link:       %s\r\n", m->link);
    }
    sw_buf_puts(&b, "\r\nCheck output:\r\n");
    body_text(&b, out);
    *ret = sw_buf_steal(&b);
    sw_buf_release(&s);
    free(idpart);
    free(out);
    return 0;
}

int sw_notify_retry_after(const struct sw_notify_retry *p, int attempt, int64_t *ret_delay_ms)
{
    int64_t d;

    if (!p || p->base_ms <= 0 || p->cap_ms < p->base_ms || p->max_attempts < 1 || attempt < 1) {
        return -EINVAL;
    }
    if (attempt >= p->max_attempts) {
        return 0;
    }
    d = p->base_ms;
    for (int i = 1; i < attempt && d < p->cap_ms; i++) {
        d = d > p->cap_ms / 2 ? p->cap_ms : d * 2; /* never overflows */
    }
    *ret_delay_ms = d < p->cap_ms ? d : p->cap_ms;
    return 1;
}
