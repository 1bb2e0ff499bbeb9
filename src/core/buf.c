/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c: a growable byte buffer (struct sw_buf), the one way this code builds strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

void sw_buf_init(struct sw_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void sw_buf_release(struct sw_buf *b)
{
    free(b->data);
    sw_buf_init(b);
}

void sw_buf_reset(struct sw_buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

static void reserve(struct sw_buf *b, size_t extra)
{
    void *p = b->data;
    sw_xgrow(&p, &b->cap, b->len + extra + 1, 1);
    b->data = p;
}

void sw_buf_append(struct sw_buf *b, const void *p, size_t n)
{
    reserve(b, n);
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

void sw_buf_puts(struct sw_buf *b, const char *s)
{
    sw_buf_append(b, s, strlen(s));
}

void sw_buf_vprintf(struct sw_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        return;
    }
    reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sw_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *sw_buf_steal(struct sw_buf *b)
{
    char *p = b->data;

    if (!p) {
        p = sw_xstrdup("");
    }
    sw_buf_init(b);
    return p;
}

void sw_buf_json_str(struct sw_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t left = strlen((const char *)p);

    sw_buf_append(b, "\"", 1);
    for (; *p; p++, left--) {
        switch (*p) {
        case '"':
            sw_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            sw_buf_append(b, "\\\\", 2);
            break;
        case '\n':
            sw_buf_append(b, "\\n", 2);
            break;
        case '\r':
            sw_buf_append(b, "\\r", 2);
            break;
        case '\t':
            sw_buf_append(b, "\\t", 2);
            break;
        default:
            if (*p < 0x20) {
                char e[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
                sw_buf_append(b, e, 6);
            } else if (*p < 0x80) {
                sw_buf_append(b, p, 1);
            } else {
                /* invalid UTF-8 would make the whole document invalid JSON: each byte
                 * that does not start a valid sequence becomes U+FFFD */
                size_t l = sw_utf8_len((const char *)p, left);
                if (l) {
                    sw_buf_append(b, p, l);
                    p += l - 1;
                    left -= l - 1;
                } else {
                    sw_buf_append(b, "\\ufffd", 6);
                }
            }
        }
    }
    sw_buf_append(b, "\"", 1);
}

void sw_buf_json_kv_str(struct sw_buf *b, const char *key, const char *v)
{
    sw_buf_printf(b, ", \"%s\": ", key);
    if (v) {
        sw_buf_json_str(b, v);
    } else {
        sw_buf_puts(b, "null");
    }
}

void sw_buf_json_kv_time(struct sw_buf *b, const char *key, int64_t t)
{
    char s[SW_TIME_LEN];

    if (t) {
        sw_buf_printf(b, ", \"%s\": \"%s\"", key, sw_time_format(t, s));
    } else {
        sw_buf_printf(b, ", \"%s\": null", key);
    }
}

void sw_buf_quoted(struct sw_buf *b, const char *s, size_t n, size_t max)
{
    size_t i = 0, end = n < max ? n : max;

    sw_buf_puts(b, "\"");
    while (i < end) {
        unsigned char ch = (unsigned char)s[i];
        size_t l = sw_utf8_len(s + i, end - i);

        if (ch == '"' || ch == '\\') {
            sw_buf_printf(b, "\\%c", ch);
        } else if (ch == '\n') {
            sw_buf_puts(b, "\\n");
        } else if (ch == '\r') {
            sw_buf_puts(b, "\\r");
        } else if (ch == '\t') {
            sw_buf_puts(b, "\\t");
        } else if (ch >= 0x20 && ch < 0x7f) {
            sw_buf_append(b, s + i, 1);
        } else if (ch >= 0x80 && l > 1) {
            sw_buf_append(b, s + i, l);
            i += l;
            continue;
        } else {
            sw_buf_printf(b, "\\x%02x", ch);
        }
        i++;
    }
    sw_buf_puts(b, n > end ? "\"..." : "\"");
}

void sw_buf_json_error(struct sw_buf *b, int line, int column, const char *text)
{
    char t[200];

    snprintf(t, sizeof(t), "%s", text ? text : "");
    sw_str_sanitize(t);
    sw_buf_printf(b, "malformed JSON at line %d, column %d: %s", line, column, t);
}
