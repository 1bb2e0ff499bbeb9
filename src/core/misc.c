/* SPDX-License-Identifier: Apache-2.0 */
/* misc.c: check states, hashing, logging and small string helpers. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/core.h"

static const char *const state_names[SW_STATE_COUNT] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *sw_state_name(enum sw_state s)
{
    return (unsigned)s < SW_STATE_COUNT ? state_names[s] : "UNKNOWN";
}

int sw_state_parse(const char *s, enum sw_state *ret_state)
{
    if (!s) {
        return -EINVAL;
    }
    for (int i = 0; i < SW_STATE_COUNT; i++) {
        if (strcasecmp(s, state_names[i]) == 0 || (s[0] == '0' + i && s[1] == '\0')) {
            *ret_state = (enum sw_state)i;
            return 0;
        }
    }
    return -EINVAL;
}

int sw_state_rank(enum sw_state s)
{
    static const int rank[SW_STATE_COUNT] = {0, 1, 3, 2};
    return (unsigned)s < SW_STATE_COUNT ? rank[s] : 2;
}

uint64_t sw_hash64(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *c = p;
    uint64_t h = seed ? seed : 14695981039346656037ULL;

    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t sw_hash_str(const char *s)
{
    return sw_hash64(s, strlen(s), 0);
}

static enum sw_log_level log_level = SW_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void sw_log_set_level(enum sw_log_level level)
{
    log_level = level;
}

enum sw_log_level sw_log_get_level(void)
{
    return log_level;
}

int sw_log_level_parse(const char *s, enum sw_log_level *ret)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++) {
        if (s && strcmp(s, names[i]) == 0) {
            *ret = (enum sw_log_level)i;
            return 0;
        }
    }
    return -EINVAL;
}

void sw_log(enum sw_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    char ts[SW_TIME_LEN];
    va_list ap;

    if (level < log_level) {
        return;
    }
    sw_time_format(sw_now(), ts);
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "%s %s ", ts, names[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&log_lock);
}

bool sw_str_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

size_t sw_id_from(const char *s, char *buf, size_t size)
{
    size_t n = 0, max = size - 1 < 64 ? size - 1 : 64;
    bool gap = false;

    for (; *s && n < max; s++) {
        unsigned char ch = (unsigned char)*s;
        bool ok = (ch < 0x80 && isalnum(ch)) || (n > 0 && (ch == '_' || ch == '.' || ch == '-'));
        if (!ok) {
            gap = n > 0;
            continue;
        }
        if (gap && n + 2 > max) {
            break; /* no room for the '-' and what follows: the cut falls in the gap */
        }
        if (gap) {
            buf[n++] = '-';
        }
        gap = false;
        buf[n++] = (char)ch;
    }
    while (n > 0 && strchr("-._", buf[n - 1])) {
        n--;
    }
    buf[n] = '\0';
    return n;
}

size_t sw_utf8_len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len;
    uint32_t cp;

    if (n == 0) {
        return 0;
    }
    if (p[0] < 0x80) {
        return 1;
    } else if ((p[0] & 0xe0) == 0xc0) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return len;
}

bool sw_str_is_text(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t l;
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
            return false;
        }
        if (p[i] == 0x7f) {
            return false;
        }
        l = sw_utf8_len(s + i, n - i);
        if (!l) {
            return false;
        }
        i += l;
    }
    return true;
}

size_t sw_str_sanitize(char *s)
{
    unsigned char *p = (unsigned char *)s;
    size_t n = strlen(s), i = 0, bad = 0;

    while (i < n) {
        size_t l = (p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f ? 0 : sw_utf8_len(s + i, n - i);
        if (!l) {
            p[i] = '?';
            bad++;
            l = 1;
        }
        i += l;
    }
    return bad;
}

void sw_histogram_init(struct sw_histogram *h, const double *bounds, int n)
{
    memset(h, 0, sizeof(*h));
    h->n = n < 0 ? 0 : n > SW_HIST_MAX ? SW_HIST_MAX : n;
    memcpy(h->bounds, bounds, sizeof(double) * (size_t)h->n);
}

void sw_histogram_add(struct sw_histogram *h, double v)
{
    for (int i = 0; i < h->n; i++) {
        if (v <= h->bounds[i]) {
            h->counts[i]++;
            break;
        }
    }
    h->count++;
    h->sum += v;
}

void sw_histogram_format(const struct sw_histogram *h, const char *name, const char *labels,
                         struct sw_buf *out)
{
    const char *sep = labels && *labels ? "," : "";
    uint64_t cum = 0;

    labels = labels ? labels : "";
    for (int i = 0; i < h->n; i++) {
        cum += h->counts[i];
        sw_buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, h->bounds[i],
                      (unsigned long long)cum);
    }
    sw_buf_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
                  (unsigned long long)h->count);
    if (*labels) {
        sw_buf_printf(out, "%s_sum{%s} %.9g\n%s_count{%s} %llu\n", name, labels, h->sum, name,
                      labels, (unsigned long long)h->count);
    } else {
        sw_buf_printf(out, "%s_sum %.9g\n%s_count %llu\n", name, h->sum, name,
                      (unsigned long long)h->count);
    }
}
