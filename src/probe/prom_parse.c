/* SPDX-License-Identifier: Apache-2.0 */
/* prom_parse.c: the pure half of the `prometheus` probe (prom.h): the /api/v1/query reply
 * parser (jansson), the condition parser and the judge. No I/O and no state, so it is
 * fuzzed alone (tests/fuzz/fuzz_prom.c). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "probe/prom.h"

/* Longest error message of Prometheus's we copy into err (bytes). */
#define MAX_ERROR_TEXT 512

void sw_prom_result_release(struct sw_prom_result *r)
{
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        free(r->samples[i].metric);
    }
    free(r->samples);
    r->samples = NULL;
    r->n = 0;
    r->type = 0;
}

/* Writes v as Prometheus does: "NaN", "+Inf", "-Inf", else the shortest of %.15g and %.17g
 * that reads back as v (so 0.9 stays "0.9"). out: at least 32 bytes. */
static char *fmt_num(double v, char *out)
{
    if (isnan(v)) {
        strcpy(out, "NaN");
    } else if (isinf(v)) {
        strcpy(out, v > 0 ? "+Inf" : "-Inf");
    } else {
        snprintf(out, 32, "%.15g", v);
        if (strtod(out, NULL) != v) {
            snprintf(out, 32, "%.17g", v);
        }
    }
    return out;
}

/* A plain decimal number, the whole of s: digits, sign, point, exponent; no hex, no "inf",
 * no blanks. Returns 0 or -EINVAL (also for a value beyond the range of a double). */
static int parse_decimal(const char *s, double *ret)
{
    char *end;
    double v;

    if (s[0] == '\0' || strspn(s, "0123456789+-.eE") != strlen(s)) {
        return -EINVAL;
    }
    v = strtod(s, &end);
    if (end == s || *end != '\0' || isinf(v)) {
        return -EINVAL;
    }
    *ret = v;
    return 0;
}

/* A sample value as Prometheus writes it: a decimal, "NaN", "+Inf" or "-Inf". */
static int parse_value(const char *s, double *ret)
{
    if (strcmp(s, "NaN") == 0) {
        *ret = NAN;
        return 0;
    }
    if (strcmp(s, "+Inf") == 0) {
        *ret = INFINITY;
        return 0;
    }
    if (strcmp(s, "-Inf") == 0) {
        *ret = -INFINITY;
        return 0;
    }
    return parse_decimal(s, ret);
}

/* Appends s, at most max bytes of it, with control characters and invalid UTF-8 replaced,
 * so err stays one line of text whatever the server sent. */
static void put_text(struct sw_buf *err, const char *s, size_t max)
{
    size_t n = strlen(s);
    char *t;

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
            n--; /* cut before a continuation byte, never inside a character */
        }
    }
    t = sw_xstrndup(s, n);
    for (char *p = t; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t') {
            *p = ' ';
        }
    }
    sw_str_sanitize(t);
    sw_buf_puts(err, t);
    free(t);
}

/* Appends a JSON key quoted, for error messages. */
static void put_key(struct sw_buf *err, const char *key)
{
    char *k = sw_xstrndup(key, strnlen(key, 64));

    sw_str_sanitize(k);
    sw_buf_json_str(err, k);
    free(k);
}

/* Appends s with PromQL's escapes for a label value (\\ \" \n) and other control characters
 * as '?' (sanitised once the whole metric is written). */
static void put_label_value(struct sw_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"') {
            sw_buf_append(b, "\\", 1);
            sw_buf_append(b, s, 1);
        } else if (*s == '\n') {
            sw_buf_puts(b, "\\n");
        } else {
            sw_buf_append(b, s, 1);
        }
    }
}

/* Renders the metric object m of data.result[i] as name{label="value",...}. */
static int render_metric(json_t *m, size_t i, char **ret, struct sw_buf *err)
{
    struct sw_buf b;
    const char *key;
    json_t *val;
    json_t *name;
    bool any = false;
    int r = 0;

    sw_buf_init(&b);
    json_object_foreach(m, key, val)
    {
        if (!json_is_string(val)) {
            sw_buf_printf(err, "data.result[%zu].metric.", i);
            put_text(err, key, 64);
            sw_buf_puts(err, ": not a string");
            r = -EINVAL;
            goto out;
        }
    }
    name = json_object_get(m, "__name__");
    if (name) {
        sw_buf_puts(&b, json_string_value(name));
    }
    json_object_foreach(m, key, val)
    {
        if (strcmp(key, "__name__") == 0) {
            continue;
        }
        sw_buf_puts(&b, any ? "," : "{");
        sw_buf_puts(&b, key);
        sw_buf_puts(&b, "=\"");
        put_label_value(&b, json_string_value(val));
        sw_buf_puts(&b, "\"");
        any = true;
    }
    if (any) {
        sw_buf_puts(&b, "}");
    } else if (!name) {
        sw_buf_puts(&b, "{}");
    }
    *ret = sw_buf_steal(&b);
    sw_str_sanitize(*ret);
out:
    sw_buf_release(&b);
    return r;
}

/* Parses a [time, "value"] pair; path names it in errors ("data.result[3].value"). */
static int parse_pair(json_t *pair, const char *path, double *ret_value, const char **ret_str,
                      struct sw_buf *err)
{
    json_t *s;

    if (!json_is_array(pair) || json_array_size(pair) != 2 ||
        !json_is_number(json_array_get(pair, 0))) {
        sw_buf_printf(err, "%s: not a [time, \"value\"] pair", path);
        return -EINVAL;
    }
    s = json_array_get(pair, 1);
    if (!json_is_string(s)) {
        sw_buf_printf(err, "%s[1]: not a string", path);
        return -EINVAL;
    }
    *ret_str = json_string_value(s);
    if (ret_value && parse_value(json_string_value(s), ret_value) < 0) {
        sw_buf_printf(err, "%s[1]: ", path);
        put_key(err, json_string_value(s));
        sw_buf_puts(err, " is not a number");
        return -EINVAL;
    }
    return 0;
}

static int parse_vector(json_t *result, struct sw_prom_result *ret, struct sw_buf *err)
{
    size_t n;
    int r;

    if (!json_is_array(result)) {
        sw_buf_puts(err, "data.result: not an array");
        return -EINVAL;
    }
    n = json_array_size(result);
    ret->type = SW_PROM_VECTOR;
    ret->samples = n ? sw_xcalloc(n, sizeof(*ret->samples)) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(result, i);
        json_t *m, *v;
        char path[64];
        const char *str;

        if (!json_is_object(o)) {
            sw_buf_printf(err, "data.result[%zu]: not an object", i);
            return -EINVAL;
        }
        m = json_object_get(o, "metric");
        if (!json_is_object(m)) {
            sw_buf_printf(err, "data.result[%zu].metric: %s", i, m ? "not an object" : "missing");
            return -EINVAL;
        }
        v = json_object_get(o, "value");
        if (!v && json_object_get(o, "histogram")) {
            sw_buf_printf(err,
                          "data.result[%zu]: native histogram sample: query a float, such as "
                          "histogram_count(...)",
                          i);
            return -EINVAL;
        }
        if (!v) {
            sw_buf_printf(err, "data.result[%zu].value: missing", i);
            return -EINVAL;
        }
        snprintf(path, sizeof(path), "data.result[%zu].value", i);
        r = parse_pair(v, path, &ret->samples[i].value, &str, err);
        if (r < 0) {
            return r;
        }
        r = render_metric(m, i, &ret->samples[i].metric, err);
        if (r < 0) {
            return r;
        }
        ret->n = i + 1; /* what is filled so far, for release on a later failure */
    }
    return 0;
}

static int parse_error_reply(json_t *root, struct sw_buf *err)
{
    json_t *type = json_object_get(root, "errorType");
    json_t *text = json_object_get(root, "error");

    put_text(err, json_is_string(type) ? json_string_value(type) : "error", 64);
    sw_buf_puts(err, ": ");
    put_text(err, json_is_string(text) ? json_string_value(text) : "(no message)", MAX_ERROR_TEXT);
    return -EINVAL;
}

int sw_prom_parse(const char *body, size_t len, struct sw_prom_result *ret, struct sw_buf *err)
{
    json_error_t jerr;
    json_t *root;
    json_t *j, *data, *result;
    const char *type;
    const char *str;
    int r = -EINVAL;

    memset(ret, 0, sizeof(*ret));
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        sw_buf_printf(err, "malformed JSON at line %d, column %d: ", jerr.line, jerr.column);
        put_text(err, jerr.text, sizeof(jerr.text));
        return -EINVAL;
    }
    if (!json_is_object(root)) {
        sw_buf_puts(err, "the reply is not a JSON object");
        goto out;
    }
    j = json_object_get(root, "status");
    if (!json_is_string(j)) {
        sw_buf_puts(err, j ? "status: not a string" : "status: missing");
        goto out;
    }
    if (strcmp(json_string_value(j), "error") == 0) {
        r = parse_error_reply(root, err);
        goto out;
    }
    if (strcmp(json_string_value(j), "success") != 0) {
        sw_buf_puts(err, "status: ");
        put_key(err, json_string_value(j));
        sw_buf_puts(err, " is neither \"success\" nor \"error\"");
        goto out;
    }
    data = json_object_get(root, "data");
    if (!json_is_object(data)) {
        sw_buf_puts(err, data ? "data: not an object" : "data: missing");
        goto out;
    }
    j = json_object_get(data, "resultType");
    if (!json_is_string(j)) {
        sw_buf_puts(err, j ? "data.resultType: not a string" : "data.resultType: missing");
        goto out;
    }
    type = json_string_value(j);
    result = json_object_get(data, "result");
    if (!result) {
        sw_buf_puts(err, "data.result: missing");
        goto out;
    }
    if (strcmp(type, "vector") == 0) {
        r = parse_vector(result, ret, err);
    } else if (strcmp(type, "scalar") == 0 || strcmp(type, "string") == 0) {
        bool scalar = type[1] == 'c';
        double v = NAN;

        r = parse_pair(result, "data.result", scalar ? &v : NULL, &str, err);
        if (r == 0) {
            ret->type = scalar ? SW_PROM_SCALAR : SW_PROM_STRING;
            ret->samples = sw_xcalloc(1, sizeof(*ret->samples));
            ret->samples[0].metric = sw_xstrdup(scalar ? "scalar" : str);
            sw_str_sanitize(ret->samples[0].metric);
            ret->samples[0].value = v;
            ret->n = 1;
        }
    } else if (strcmp(type, "matrix") == 0) {
        sw_buf_puts(err, "range vector result: use an instant query");
    } else {
        sw_buf_puts(err, "data.resultType: ");
        put_key(err, type);
        sw_buf_puts(err, " is not one of vector, scalar, string, matrix");
    }
out:
    if (r < 0) {
        sw_prom_result_release(ret);
    }
    json_decref(root);
    return r;
}

/* ---- conditions ---- */

static const struct {
    const char *text;
    int op;
} ops[] = {
    /* two-character operators before their one-character prefixes */
    {">=", SW_PROM_GE}, {"<=", SW_PROM_LE}, {"==", SW_PROM_EQ},
    {"!=", SW_PROM_NE}, {">", SW_PROM_GT},  {"<", SW_PROM_LT},
};

static const char *op_text(int op)
{
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (ops[i].op == op) {
            return ops[i].text;
        }
    }
    return op == SW_PROM_NONEMPTY ? "nonempty" : op == SW_PROM_EMPTY ? "empty" : "?";
}

char *sw_prom_cond_format(const struct sw_prom_cond *c, char *out)
{
    char num[32];

    if (c->op == SW_PROM_NONEMPTY || c->op == SW_PROM_EMPTY) {
        strcpy(out, op_text(c->op));
    } else {
        snprintf(out, SW_PROM_COND_LEN, "%s %s", op_text(c->op), fmt_num(c->value, num));
    }
    return out;
}

static void cond_error(struct sw_buf *err, const char *s)
{
    sw_buf_puts(err, "condition ");
    put_key(err, s);
    sw_buf_puts(err, ": ");
}

int sw_prom_cond_parse(const char *s, struct sw_prom_cond *ret, struct sw_buf *err)
{
    const char *p = s + strspn(s, " \t");
    size_t n = strlen(p);
    char *num = NULL;
    int r = -EINVAL;
    int op = 0;

    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
        n--;
    }
    if (n == strlen("nonempty") && memcmp(p, "nonempty", n) == 0) {
        ret->op = SW_PROM_NONEMPTY;
        ret->value = 0;
        return 0;
    }
    if (n == strlen("empty") && memcmp(p, "empty", n) == 0) {
        ret->op = SW_PROM_EMPTY;
        ret->value = 0;
        return 0;
    }
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        size_t k = strlen(ops[i].text);

        if (n >= k && memcmp(p, ops[i].text, k) == 0) {
            op = ops[i].op;
            p += k;
            n -= k;
            break;
        }
    }
    if (!op) {
        cond_error(err, s);
        sw_buf_puts(err, "expected nonempty, empty or a comparison such as \"> 0.9\" (>, >=, <, "
                         "<=, ==, !=)");
        return -EINVAL;
    }
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    num = sw_xstrndup(p, n);
    if (n == 0) {
        cond_error(err, s);
        sw_buf_printf(err, "a number must follow %s", op_text(op));
        goto out;
    }
    if (parse_decimal(num, &ret->value) < 0) {
        cond_error(err, s);
        put_key(err, num);
        sw_buf_puts(err, " is not a finite number");
        goto out;
    }
    ret->op = op;
    r = 0;
out:
    free(num);
    return r;
}

/* ---- the judge ---- */

static bool compare(int op, double v, double x)
{
    switch (op) {
    case SW_PROM_GT:
        return v > x;
    case SW_PROM_GE:
        return v >= x;
    case SW_PROM_LT:
        return v < x;
    case SW_PROM_LE:
        return v <= x;
    case SW_PROM_EQ:
        return v == x;
    case SW_PROM_NE:
        return v != x;
    }
    return false;
}

static bool is_comparison(const struct sw_prom_cond *c)
{
    return c && c->op >= SW_PROM_GT && c->op <= SW_PROM_NE;
}

/* How c fares on r: the number of matching samples and the first of them (n, 0 when
 * none). For nonempty and empty, all samples (or none) match. */
static size_t matches(const struct sw_prom_result *r, const struct sw_prom_cond *c, size_t *first)
{
    size_t count = 0;

    *first = 0;
    if (c->op == SW_PROM_NONEMPTY) {
        return r->n;
    }
    if (c->op == SW_PROM_EMPTY) {
        return r->n == 0; /* "matched once" when the result is empty */
    }
    if (r->type == SW_PROM_STRING) {
        return 0;
    }
    for (size_t i = r->n; i-- > 0;) {
        if (compare(c->op, r->samples[i].value, c->value)) {
            count++;
            *first = i; /* walking backwards leaves the first one */
        }
    }
    return count;
}

/* "3 series", "no series", "scalar 42", "string \"x\"": what the query returned. */
static void put_returned(const struct sw_prom_result *r, struct sw_buf *out)
{
    char num[32];

    if (r->type == SW_PROM_SCALAR && r->n == 1) {
        sw_buf_printf(out, "scalar %s", fmt_num(r->samples[0].value, num));
    } else if (r->type == SW_PROM_STRING && r->n == 1) {
        sw_buf_puts(out, "string ");
        sw_buf_json_str(out, r->samples[0].metric);
    } else if (r->n == 0) {
        sw_buf_puts(out, "no series");
    } else {
        sw_buf_printf(out, "%zu series", r->n);
    }
}

/* Appends the line for condition c, which holds on r. */
static void put_match(const struct sw_prom_result *r, const struct sw_prom_cond *c, size_t count,
                      size_t first, struct sw_buf *out)
{
    char cond[SW_PROM_COND_LEN];
    char num[32];

    sw_prom_cond_format(c, cond);
    if (!is_comparison(c)) {
        sw_buf_puts(out, "query returned ");
        put_returned(r, out);
        sw_buf_printf(out, ", which matches %s", cond);
        if (r->type == SW_PROM_VECTOR && r->n > 0) {
            sw_buf_printf(out, ": %s = %s", r->samples[0].metric,
                          fmt_num(r->samples[0].value, num));
        }
        return;
    }
    if (r->type == SW_PROM_SCALAR) {
        sw_buf_printf(out, "scalar matches %s: %s", cond, fmt_num(r->samples[0].value, num));
        return;
    }
    sw_buf_printf(out, "%zu series %s %s: %s = %s", count, count == 1 ? "matches" : "match", cond,
                  r->samples[first].metric, fmt_num(r->samples[first].value, num));
}

enum sw_state sw_prom_judge(const struct sw_prom_result *r, const struct sw_prom_cond *warn,
                            const struct sw_prom_cond *crit, struct sw_buf *output)
{
    const struct sw_prom_cond *conds[2] = {crit, warn};
    const enum sw_state states[2] = {SW_CRITICAL, SW_WARNING};
    char cond[SW_PROM_COND_LEN];
    size_t count, first;

    if (r->type == SW_PROM_STRING && (is_comparison(crit) || is_comparison(warn))) {
        sw_buf_puts(output, "query returned ");
        put_returned(r, output);
        sw_buf_printf(output, ", which cannot be compared (%s)",
                      sw_prom_cond_format(is_comparison(crit) ? crit : warn, cond));
        return SW_UNKNOWN;
    }
    for (int i = 0; i < 2; i++) {
        if (!conds[i]) {
            continue;
        }
        count = matches(r, conds[i], &first);
        if (count > 0) {
            put_match(r, conds[i], count, first, output);
            return states[i];
        }
    }
    sw_buf_puts(output, "query returned ");
    put_returned(r, output);
    if ((is_comparison(crit) || is_comparison(warn)) && r->type == SW_PROM_VECTOR && r->n > 0) {
        sw_buf_puts(output, r->n == 1 ? ", which does not match" : ", none matches");
    }
    return SW_OK;
}
