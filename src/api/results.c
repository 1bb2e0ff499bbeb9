/* SPDX-License-Identifier: Apache-2.0 */
/* results.c: the parser and validator of POST /api/v1/results bodies (jansson). Pure: no
 * engine, no I/O, so it is fuzzed alone (tests/fuzz/fuzz_results_json.c). Whether the check
 * paths exist is the caller's business. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"

/* Longest check path and output accepted (the body limit bounds them anyway). */
#define MAX_PATH_LEN 1024
#define MAX_OUTPUT_LEN (256 * 1024)

void sw_api_passives_free(struct sw_passive *v, size_t n)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].output);
    }
    free(v);
}

/* "result 3: " for arrays, "" for a single object. */
static void where(struct sw_buf *err, bool array, size_t i)
{
    if (array) {
        sw_buf_printf(err, "result %zu: ", i);
    }
}

/* Appends key quoted, control characters replaced: messages are plain text. */
static void quote_key(struct sw_buf *err, const char *key)
{
    char *k = sw_xstrndup(key, strnlen(key, 64));

    sw_str_sanitize(k);
    sw_buf_json_str(err, k);
    free(k);
}

static int parse_state(json_t *j, enum sw_state *ret)
{
    if (json_is_integer(j)) {
        json_int_t v = json_integer_value(j);

        if (v < 0 || v > 3) {
            return -EINVAL;
        }
        *ret = (enum sw_state)v;
        return 0;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);

        /* Names only: a digit inside a string is not among the documented forms. */
        if (strlen(s) != json_string_length(j) || (s[0] >= '0' && s[0] <= '9')) {
            return -EINVAL;
        }
        return sw_state_parse(s, ret);
    }
    return -EINVAL;
}

static int parse_one(json_t *o, bool array, size_t i, struct sw_passive *p, struct sw_buf *err)
{
    const char *key;
    json_t *val;
    json_t *j;

    if (!json_is_object(o)) {
        where(err, array, i);
        sw_buf_puts(err, "a result must be a JSON object");
        return -EINVAL;
    }
    json_object_foreach(o, key, val)
    {
        if (strcmp(key, "check") != 0 && strcmp(key, "state") != 0 && strcmp(key, "output") != 0 &&
            strcmp(key, "time") != 0) {
            where(err, array, i);
            sw_buf_puts(err, "unknown field ");
            quote_key(err, key);
            sw_buf_puts(err, " (allowed: check, state, output, time)");
            return -EINVAL;
        }
    }

    j = json_object_get(o, "check");
    if (!j) {
        where(err, array, i);
        sw_buf_puts(err, "missing field \"check\"");
        return -EINVAL;
    }
    if (!json_is_string(j) || json_string_length(j) == 0 ||
        strlen(json_string_value(j)) != json_string_length(j) ||
        json_string_length(j) > MAX_PATH_LEN) {
        where(err, array, i);
        sw_buf_printf(err,
                      "field \"check\" must be a check path (a non-empty string of at most "
                      "%d bytes)",
                      MAX_PATH_LEN);
        return -EINVAL;
    }
    p->path = sw_xstrdup(json_string_value(j));

    j = json_object_get(o, "state");
    if (!j) {
        where(err, array, i);
        sw_buf_puts(err, "missing field \"state\"");
        return -EINVAL;
    }
    if (parse_state(j, &p->state) < 0) {
        where(err, array, i);
        sw_buf_puts(err, "field \"state\" must be 0, 1, 2, 3, \"OK\", \"WARNING\", "
                         "\"CRITICAL\" or \"UNKNOWN\"");
        return -EINVAL;
    }

    j = json_object_get(o, "output");
    if (j && !json_is_null(j)) {
        if (!json_is_string(j) || json_string_length(j) > MAX_OUTPUT_LEN ||
            strlen(json_string_value(j)) != json_string_length(j)) {
            where(err, array, i);
            sw_buf_printf(err, "field \"output\" must be a string of at most %d bytes without NUL",
                          MAX_OUTPUT_LEN);
            return -EINVAL;
        }
        p->output = sw_xstrdup(json_string_value(j));
    }

    j = json_object_get(o, "time");
    if (j && !json_is_null(j)) {
        int64_t t;

        if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j) ||
            sw_time_parse(json_string_value(j), &t) < 0) {
            where(err, array, i);
            sw_buf_puts(err, "field \"time\" must be an ISO 8601 time with a zone, such as "
                             "\"2026-10-05T10:15:00Z\"");
            return -EINVAL;
        }
        if (t <= 0 || t > INT64_MAX / 1000) {
            where(err, array, i);
            sw_buf_puts(err, "field \"time\" is out of range");
            return -EINVAL;
        }
        p->t_ms = t * 1000;
    }
    return 0;
}

int sw_api_parse_results(const char *body, size_t len, struct sw_passive **ret_v, size_t *ret_n,
                         struct sw_buf *err)
{
    struct sw_passive *v = NULL;
    json_error_t jerr;
    json_t *root;
    size_t n = 0;
    size_t i;
    bool array;
    int r;

    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        sw_buf_json_error(err, jerr.line, jerr.column, jerr.text);
        return -EINVAL;
    }
    array = json_is_array(root);
    if (array) {
        n = json_array_size(root);
        if (n == 0) {
            sw_buf_puts(err, "the array holds no results");
            r = -EINVAL;
            goto out;
        }
        if (n > SW_API_MAX_RESULTS) {
            sw_buf_printf(err, "too many results: %zu (at most %d per request)", n,
                          SW_API_MAX_RESULTS);
            r = -E2BIG;
            goto out;
        }
    } else if (json_is_object(root)) {
        n = 1;
    } else {
        sw_buf_puts(err, "the body must be a result object or an array of them");
        r = -EINVAL;
        goto out;
    }

    v = sw_xcalloc(n, sizeof(*v));
    for (i = 0; i < n; i++) {
        r = parse_one(array ? json_array_get(root, i) : root, array, i, &v[i], err);
        if (r < 0) {
            goto out;
        }
    }
    *ret_v = v;
    *ret_n = n;
    v = NULL;
    r = 0;
out:
    sw_api_passives_free(v, n);
    json_decref(root);
    return r;
}
