/* SPDX-License-Identifier: Apache-2.0 */
/* plugin.c: Nagios plugin output and perfdata, as the plugin guidelines define them:
 * "TEXT|PERF" on the first line, long output on the lines after, and a '|' in the long output
 * starting more perfdata that runs to the end. Every perfdata item is validated
 * ('label'=value[UOM];[warn];[crit];[min];[max]); a bad one is named in the error. Pure
 * functions over the bytes given; shared by exec plugins and passive results. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

void sw_probe_result_release(struct sw_probe_result *r)
{
    if (!r) {
        return;
    }
    free(r->output);
    free(r->long_output);
    free(r->perfdata);
    r->output = NULL;
    r->long_output = NULL;
    r->perfdata = NULL;
    for (size_t i = 0; i < r->n_children; i++) {
        free(r->children[i].service);
        free(r->children[i].check);
        free(r->children[i].output);
        free(r->children[i].perfdata);
    }
    free(r->children);
    r->children = NULL;
    r->n_children = 0;
}

void sw_probe_result_child(struct sw_probe_result *r, const char *service, const char *check,
                           enum sw_state state, int64_t latency_us, const char *perfdata,
                           const char *fmt, ...)
{
    struct sw_probe_child *ch;
    struct sw_buf b;
    va_list ap;

    if ((r->n_children & (r->n_children - 1)) == 0) { /* 0, 1, 2, 4, 8...: grow by doubling */
        r->children =
            sw_xrealloc(r->children, (r->n_children ? 2 * r->n_children : 1) * sizeof(*ch));
    }
    ch = &r->children[r->n_children++];
    sw_buf_init(&b);
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    ch->service = sw_xstrdup(service);
    ch->check = sw_xstrdup(check);
    ch->state = state;
    ch->output = b.data ? sw_buf_steal(&b) : sw_xstrdup("");
    ch->perfdata = sw_xstrdup(perfdata);
    ch->latency_us = latency_us;
}

/* Items kept from one plugin output; more is an error, not a silent cut. */
#define MAX_ITEMS 256

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* A decimal number, [-+]digits[.digits][e[-+]digits]: no inf, nan or hex. */
static bool parse_number(const char *s, size_t n, double *ret)
{
    char tmp[64];
    size_t i = 0;
    bool digits = false;
    char *end;

    if (n == 0 || n >= sizeof(tmp)) {
        return false;
    }
    if (s[i] == '-' || s[i] == '+') {
        i++;
    }
    while (i < n && is_digit(s[i])) {
        i++;
        digits = true;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) {
            i++;
            digits = true;
        }
    }
    if (!digits) {
        return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool exp = false;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) {
            i++;
        }
        while (i < n && is_digit(s[i])) {
            i++;
            exp = true;
        }
        if (!exp) {
            return false;
        }
    }
    if (i != n) {
        return false;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *ret = strtod(tmp, &end);
    return isfinite(*ret);
}

/* A threshold range, [@][start:][end], start may be "~" (minus infinity). */
static bool valid_range(const char *s, size_t n)
{
    const char *colon;
    double start = 0, end = 0;
    bool has_start = false, has_end = false;

    if (n > 0 && s[0] == '@') {
        s++;
        n--;
    }
    if (n == 0) {
        return false;
    }
    colon = memchr(s, ':', n);
    if (!colon) {
        return parse_number(s, n, &end);
    }
    size_t ns = (size_t)(colon - s), ne = n - ns - 1;
    if (ns == 1 && s[0] == '~') {
        has_start = false;
    } else if (ns > 0) {
        if (!parse_number(s, ns, &start)) {
            return false;
        }
        has_start = true;
    }
    if (ne > 0) {
        if (!parse_number(colon + 1, ne, &end)) {
            return false;
        }
        has_end = true;
    }
    if (ns == 0 && ne == 0) {
        return false;
    }
    return !(has_start && has_end && start > end);
}

static const char *const uoms[] = {"",   "s",  "ms",  "us",  "%",   "B",   "KB", "MB",
                                   "GB", "TB", "KiB", "MiB", "GiB", "TiB", "c",  NULL};

static bool valid_uom(const char *s, size_t n)
{
    for (int i = 0; uoms[i]; i++) {
        if (strlen(uoms[i]) == n && memcmp(uoms[i], s, n) == 0) {
            return true;
        }
    }
    return false;
}

/* Writes the error prefix "item N ('label'): " or "item N: " and the reason. */
static void item_error(struct sw_buf *err, int idx, const char *label, const char *fmt,
                       const char *tok, size_t tok_n)
{
    if (!err) {
        return;
    }
    if (label && label[0]) {
        sw_buf_printf(err, "item %d ('%s'): ", idx, label);
    } else {
        sw_buf_printf(err, "item %d: ", idx);
    }
    if (tok_n > 40) {
        tok_n = 40;
    }
    sw_buf_printf(err, fmt, (int)tok_n, tok);
}

/* Parses one item starting at s; sets *ret_end past it. Returns 0 or -EINVAL. */
static int parse_item(const char *s, const char **ret_end, int idx, struct sw_perf *it,
                      struct sw_buf *err)
{
    const char *p = s;
    size_t ll = 0;

    memset(it, 0, sizeof(*it));
    /* label */
    if (*p == '\'') {
        p++;
        for (;;) {
            if (*p == '\0') {
                item_error(err, idx, NULL, "unterminated quote in label%.*s", "", 0);
                return -EINVAL;
            }
            if (*p == '\'') {
                if (p[1] == '\'') {
                    p++;
                } else {
                    p++;
                    break;
                }
            }
            if (ll + 1 >= sizeof(it->label)) {
                item_error(err, idx, NULL, "label longer than 127 bytes%.*s", "", 0);
                return -EINVAL;
            }
            it->label[ll++] = *p++;
        }
        if (*p != '=') {
            item_error(err, idx, it->label, "missing '=' after label%.*s", "", 0);
            return -EINVAL;
        }
    } else {
        const char *q = p;
        while (*q && !is_space(*q) && *q != '=') {
            q++;
        }
        if (*q != '=') {
            item_error(err, idx, NULL, "missing '=' in '%.*s'", p, (size_t)(q - p));
            return -EINVAL;
        }
        if ((size_t)(q - p) >= sizeof(it->label)) {
            item_error(err, idx, NULL, "label longer than 127 bytes%.*s", "", 0);
            return -EINVAL;
        }
        ll = (size_t)(q - p);
        memcpy(it->label, p, ll);
        p = q;
    }
    it->label[ll] = '\0';
    if (ll == 0) {
        item_error(err, idx, NULL, "empty label%.*s", "", 0);
        return -EINVAL;
    }
    p++; /* '=' */

    /* fields: value[UOM];warn;crit;min;max */
    const char *f[5];
    size_t fn[5];
    int nf = 0;
    for (;;) {
        const char *q = p;
        while (*q && !is_space(*q) && *q != ';') {
            q++;
        }
        if (nf == 5) {
            item_error(err, idx, it->label, "more than 5 fields%.*s", "", 0);
            return -EINVAL;
        }
        f[nf] = p;
        fn[nf] = (size_t)(q - p);
        nf++;
        p = q;
        if (*p != ';') {
            break;
        }
        p++;
    }
    *ret_end = p;

    /* value and unit */
    size_t vn = 0;
    if (fn[0] == 1 && f[0][0] == 'U') {
        it->value = NAN;
        vn = 1;
    } else {
        while (vn < fn[0] && (is_digit(f[0][vn]) || strchr("+-.eE", f[0][vn]))) {
            vn++;
        }
        /* a unit starting with E is not one we know; let the exponent scan stop early */
        if (!parse_number(f[0], vn, &it->value)) {
            item_error(err, idx, it->label, "bad value '%.*s'", f[0], fn[0]);
            return -EINVAL;
        }
    }
    if (!valid_uom(f[0] + vn, fn[0] - vn)) {
        item_error(err, idx, it->label, "unknown unit '%.*s'", f[0] + vn, fn[0] - vn);
        return -EINVAL;
    }
    memcpy(it->uom, f[0] + vn, fn[0] - vn);
    it->uom[fn[0] - vn] = '\0';

    static const char *const what[] = {NULL, "warning range", "critical range"};
    for (int i = 1; i < nf && i <= 2; i++) {
        char *dst = i == 1 ? it->warn : it->crit;
        if (fn[i] == 0) {
            continue;
        }
        if (fn[i] >= sizeof(it->warn)) {
            item_error(err, idx, it->label, "range longer than 31 bytes '%.*s'", f[i], fn[i]);
            return -EINVAL;
        }
        if (!valid_range(f[i], fn[i])) {
            char fmt[48];
            snprintf(fmt, sizeof(fmt), "bad %s '%%.*s'", what[i]);
            item_error(err, idx, it->label, fmt, f[i], fn[i]);
            return -EINVAL;
        }
        memcpy(dst, f[i], fn[i]);
        dst[fn[i]] = '\0';
    }
    if (nf > 3 && fn[3] > 0) {
        if (!parse_number(f[3], fn[3], &it->min)) {
            item_error(err, idx, it->label, "bad min '%.*s'", f[3], fn[3]);
            return -EINVAL;
        }
        it->has_min = true;
    }
    if (nf > 4 && fn[4] > 0) {
        if (!parse_number(f[4], fn[4], &it->max)) {
            item_error(err, idx, it->label, "bad max '%.*s'", f[4], fn[4]);
            return -EINVAL;
        }
        it->has_max = true;
    }
    return 0;
}

/* Parses s; when norm is given, appends each item's text, space separated. */
static int perfdata_parse(const char *s, struct sw_perf *out, int max, struct sw_buf *err,
                          struct sw_buf *norm, size_t norm_cap)
{
    struct sw_perf tmp;
    int n = 0;

    if (!s) {
        return 0;
    }
    for (;;) {
        const char *end;
        int r;

        while (is_space(*s)) {
            s++;
        }
        if (*s == '\0') {
            break;
        }
        if (n >= max) {
            if (err) {
                sw_buf_printf(err, "more than %d items", max);
            }
            return -EINVAL;
        }
        r = parse_item(s, &end, n + 1, out ? &out[n] : &tmp, err);
        if (r < 0) {
            return r;
        }
        /* whole items only, up to norm_cap bytes: a cut item would be garbage */
        if (norm && norm->len + 1 + (size_t)(end - s) <= norm_cap) {
            if (norm->len > 0) {
                sw_buf_puts(norm, " ");
            }
            sw_buf_append(norm, s, (size_t)(end - s));
        }
        if (*end != '\0' && !is_space(*end)) {
            /* cannot happen: fields stop only at space, ';' or NUL */
            item_error(err, n + 1, NULL, "junk after item%.*s", "", 0);
            return -EINVAL;
        }
        s = end;
        n++;
    }
    return n;
}

int sw_perfdata_parse(const char *s, struct sw_perf *out, int max, struct sw_buf *err)
{
    int n;

    if (max < 0) {
        return -EINVAL;
    }
    n = perfdata_parse(s, out, max, err, NULL, 0);
    if (n < 0 && out && max > 0) {
        memset(out, 0, sizeof(*out) * (size_t)max); /* nothing kept */
    }
    return n;
}

/* Drops trailing white space of b[0..*n). */
static void rtrim(const char *b, size_t *n)
{
    while (*n > 0 && is_space(b[*n - 1])) {
        (*n)--;
    }
}

/* Copies at most cap bytes of s, cut back to a UTF-8 character boundary. */
static char *capped_dup(const char *s, size_t n, size_t cap)
{
    if (n > cap) {
        n = cap;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    return sw_xstrndup(s, n);
}

int sw_plugin_output_parse(const char *s, size_t n, size_t max_output, struct sw_probe_result *r)
{
    struct sw_buf perf, norm, err;
    const char *nl, *bar, *rest, *end = s + n;
    size_t tn;
    int items;

    if (n > 0 && !sw_str_is_text(s, n)) {
        r->output = sw_xstrdup("plugin output is not text");
        return -EINVAL;
    }
    if (max_output < 16) {
        max_output = 16;
    }
    sw_buf_init(&perf);
    sw_buf_init(&norm);
    sw_buf_init(&err);

    /* first line: TEXT | PERF */
    nl = n > 0 ? memchr(s, '\n', n) : NULL;
    rest = nl ? nl + 1 : end;
    size_t first_n = nl ? (size_t)(nl - s) : n;
    bar = first_n > 0 ? memchr(s, '|', first_n) : NULL;
    tn = bar ? (size_t)(bar - s) : first_n;
    rtrim(s, &tn);
    if (bar) {
        sw_buf_append(&perf, bar + 1, first_n - (size_t)(bar - s) - 1);
    }

    /* long output up to a '|', the rest is perfdata */
    if (rest < end) {
        size_t ln = (size_t)(end - rest);
        const char *lbar = memchr(rest, '|', ln);
        size_t lon = lbar ? (size_t)(lbar - rest) : ln;
        rtrim(rest, &lon);
        if (lon > 0) {
            r->long_output = capped_dup(rest, lon, max_output);
        }
        if (lbar) {
            sw_buf_puts(&perf, " ");
            sw_buf_append(&perf, lbar + 1, (size_t)(end - lbar) - 1);
        }
    }

    struct sw_buf out;
    sw_buf_init(&out);
    if (tn > 0) {
        char *t = capped_dup(s, tn, max_output);
        sw_buf_puts(&out, t);
        free(t);
    }
    if (perf.len > 0) {
        items = perfdata_parse(perf.data, NULL, MAX_ITEMS, &err, &norm, max_output);
        if (items < 0) {
            sw_buf_printf(&out, "%s(bad perfdata: %s)", tn > 0 ? " " : "",
                          err.data ? err.data : "invalid");
        } else if (norm.len > 0) {
            r->perfdata = sw_buf_steal(&norm);
        }
    }
    r->output = sw_buf_steal(&out);
    sw_buf_release(&perf);
    sw_buf_release(&norm);
    sw_buf_release(&err);
    return 0;
}
