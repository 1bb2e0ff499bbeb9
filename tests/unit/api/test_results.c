/* SPDX-License-Identifier: Apache-2.0 */
/* test_results.c: the POST /api/v1/results body parser of src/api/results.c, alone: every
 * accepted form and every refusal with its exact message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"

/* Parses s; on failure *ret_err holds the message. */
static int parse(const char *s, struct sw_passive **v, size_t *n, char **ret_err)
{
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    *v = NULL;
    *n = 0;
    r = sw_api_parse_results(s, strlen(s), v, n, &err);
    *ret_err = sw_buf_steal(&err);
    return r;
}

static void expect_error(const char *body, int code, const char *message)
{
    struct sw_passive *v;
    size_t n;
    char *err;

    assert_int_equal(parse(body, &v, &n, &err), code);
    assert_string_equal(err, message);
    assert_null(v);
    free(err);
}

static void test_one_object(void **state)
{
    struct sw_passive *v;
    size_t n;
    char *err;

    (void)state;
    assert_int_equal(parse("{\"check\": \"acme/fra1/compute/nova-push\", \"state\": 2, "
                           "\"output\": \"down | t=1s\", \"time\": \"2026-10-05T10:15:00Z\"}",
                           &v, &n, &err),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].path, "acme/fra1/compute/nova-push");
    assert_int_equal(v[0].state, SW_CRITICAL);
    assert_string_equal(v[0].output, "down | t=1s");
    assert_int_equal(v[0].t_ms, INT64_C(1791195300000));
    assert_string_equal(err, "");
    sw_api_passives_free(v, n);
    free(err);
}

static void test_array_and_names(void **state)
{
    struct sw_passive *v;
    size_t n;
    char *err;

    (void)state;
    assert_int_equal(parse("[{\"check\": \"a/b/c/d\", \"state\": \"OK\"},"
                           " {\"check\": \"a/b/c/e\", \"state\": \"warning\", \"output\": null},"
                           " {\"check\": \"a/b/c/f\", \"state\": \"UNKNOWN\", \"time\": null},"
                           " {\"check\": \"a/b/c/g\", \"state\": 3}]",
                           &v, &n, &err),
                     0);
    assert_int_equal(n, 4);
    assert_int_equal(v[0].state, SW_OK);
    assert_null(v[0].output);
    assert_int_equal(v[0].t_ms, 0);
    assert_int_equal(v[1].state, SW_WARNING);
    assert_null(v[1].output);
    assert_string_equal(v[2].path, "a/b/c/f");
    assert_int_equal(v[2].state, SW_UNKNOWN);
    assert_int_equal(v[3].state, SW_UNKNOWN);
    sw_api_passives_free(v, n);
    free(err);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_error("{\"check\": \"a\",\n \"state\": }", -EINVAL,
                 "malformed JSON at line 2, column 11: unexpected token near '}'");
    expect_error("", -EINVAL,
                 "malformed JSON at line 1, column 0: '[' or '{' expected near end of file");
    expect_error("[{\"check\": \"a\", \"state\": 0}] x", -EINVAL,
                 "malformed JSON at line 1, column 30: end of file expected near 'x'");
    expect_error("{\"check\": \"a\", \"check\": \"b\", \"state\": 0}", -EINVAL,
                 "malformed JSON at line 1, column 22: duplicate object key near '\"check\"'");
}

static void test_invalid_utf8_not_echoed(void **state)
{
    struct sw_passive *v;
    size_t n;
    char *err;

    (void)state;
    assert_int_equal(parse("{\"check\": \"a\xff\xfe\", \"state\": 0}", &v, &n, &err), -EINVAL);
    assert_true(sw_str_is_text(err, strlen(err)));
    assert_non_null(strstr(err, "malformed JSON at line 1, column"));
    assert_null(strchr(err, '\xff'));
    free(err);
}

static void test_fields(void **state)
{
    (void)state;
    expect_error("{\"state\": 0}", -EINVAL, "missing field \"check\"");
    expect_error("[{\"check\": \"a\", \"state\": 0}, {\"check\": \"b\"}]", -EINVAL,
                 "result 1: missing field \"state\"");
    expect_error("{\"check\": \"a\", \"state\": 0, \"colour\": \"red\"}", -EINVAL,
                 "unknown field \"colour\" (allowed: check, state, output, time)");
    expect_error("{\"check\": \"\", \"state\": 0}", -EINVAL,
                 "field \"check\" must be a check path (a non-empty string of at most 1024 "
                 "bytes)");
    expect_error("{\"check\": 5, \"state\": 0}", -EINVAL,
                 "field \"check\" must be a check path (a non-empty string of at most 1024 "
                 "bytes)");
    expect_error("{\"check\": \"a\", \"output\": 7, \"state\": 0}", -EINVAL,
                 "field \"output\" must be a string of at most 262144 bytes without NUL");
    expect_error("{\"check\": \"a\\u0000b\", \"state\": 0}", -EINVAL,
                 "malformed JSON at line 1, column 20: \\u0000 is not allowed without "
                 "JSON_ALLOW_NUL near '\"a\\u0000b\"'");
    expect_error("{\"check\": \"a\", \"state\": 0, \"time\": \"2026-10-05 10:15\"}", -EINVAL,
                 "field \"time\" must be an ISO 8601 time with a zone, such as "
                 "\"2026-10-05T10:15:00Z\"");
    expect_error("[{\"check\": \"a\", \"state\": 0, \"time\": 17}]", -EINVAL,
                 "result 0: field \"time\" must be an ISO 8601 time with a zone, such as "
                 "\"2026-10-05T10:15:00Z\"");
}

static void test_states(void **state)
{
    static const char *const bad[] = {"4", "-1", "1.0", "\"2\"", "\"BROKEN\"", "true", "null"};
    char body[128];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body), "{\"check\": \"a\", \"state\": %s}", bad[i]);
        expect_error(body, -EINVAL,
                     "field \"state\" must be 0, 1, 2, 3, \"OK\", \"WARNING\", \"CRITICAL\" or "
                     "\"UNKNOWN\"");
    }
}

static void test_shapes(void **state)
{
    struct sw_buf big;
    struct sw_passive *v;
    size_t n;
    int r;

    (void)state;
    expect_error("[]", -EINVAL, "the array holds no results");
    expect_error("[1]", -EINVAL, "result 0: a result must be a JSON object");
    expect_error("[{\"check\": \"a\", \"state\": 0}, []]", -EINVAL,
                 "result 1: a result must be a JSON object");

    sw_buf_init(&big);
    sw_buf_puts(&big, "[");
    for (int i = 0; i <= SW_API_MAX_RESULTS; i++) {
        sw_buf_puts(&big, i ? ",{}" : "{}");
    }
    sw_buf_puts(&big, "]");
    {
        struct sw_buf err;

        sw_buf_init(&err);
        r = sw_api_parse_results(big.data, big.len, &v, &n, &err);
        assert_int_equal(r, -E2BIG);
        assert_string_equal(err.data, "too many results: 10001 (at most 10000 per request)");
        sw_buf_release(&err);
    }
    sw_buf_release(&big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_object), cmocka_unit_test(test_array_and_names),
        cmocka_unit_test(test_malformed),  cmocka_unit_test(test_invalid_utf8_not_echoed),
        cmocka_unit_test(test_fields),     cmocka_unit_test(test_states),
        cmocka_unit_test(test_shapes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
