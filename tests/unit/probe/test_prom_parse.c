/* SPDX-License-Identifier: Apache-2.0 */
/* test_prom_parse.c: the pure half of the prometheus probe (src/probe/prom_parse.c): replies
 * of Prometheus 2.42's /api/v1/query as captured from Debian's prometheus, each refusal with
 * its exact message, the conditions and the judge's state and output line. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe/prom.h"

/* Parses s into *r; returns the code, *ret_err the message ("" on success). */
static int parse(const char *s, struct sw_prom_result *r, char **ret_err)
{
    struct sw_buf err;
    int code;

    sw_buf_init(&err);
    code = sw_prom_parse(s, strlen(s), r, &err);
    *ret_err = sw_buf_steal(&err);
    return code;
}

static void expect_error(const char *body, const char *message)
{
    struct sw_prom_result r;
    char *err;

    assert_int_equal(parse(body, &r, &err), -EINVAL);
    assert_string_equal(err, message);
    assert_int_equal(r.type, 0);
    assert_null(r.samples);
    assert_int_equal(r.n, 0);
    sw_prom_result_release(&r);
    free(err);
}

static void test_vector(void **state)
{
    struct sw_prom_result r;
    char *err;

    (void)state;
    assert_int_equal(
        parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
              "{\"metric\":{\"__name__\":\"up\",\"instance\":\"127.0.0.1:28995\","
              "\"job\":\"target\"},\"value\":[1795881841.133,\"1\"]},"
              "{\"metric\":{\"__name__\":\"up\",\"instance\":\"b:9100\",\"job\":"
              "\"node\"},\"value\":[1795881841.133,\"0.25\"]}]}}",
              &r, &err),
        0);
    assert_string_equal(err, "");
    assert_int_equal(r.type, SW_PROM_VECTOR);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.samples[0].metric, "up{instance=\"127.0.0.1:28995\",job=\"target\"}");
    assert_true(r.samples[0].value == 1.0);
    assert_string_equal(r.samples[1].metric, "up{instance=\"b:9100\",job=\"node\"}");
    assert_true(r.samples[1].value == 0.25);
    sw_prom_result_release(&r);
    assert_null(r.samples);
    assert_int_equal(r.n, 0);
    sw_prom_result_release(&r); /* twice is fine */
    sw_prom_result_release(NULL);
    free(err);
}

static void test_metric_rendering(void **state)
{
    struct sw_prom_result r;
    char *err;

    (void)state;
    /* the name comes first wherever it sits; no labels: the name alone; nothing: {} */
    assert_int_equal(
        parse("{\"status\":\"success\",\"warnings\":[\"x\"],\"data\":{\"resultType\":\"vector\","
              "\"result\":[{\"metric\":{\"job\":\"x\",\"__name__\":\"up\"},\"value\":[1,\"1\"]},"
              "{\"metric\":{\"__name__\":\"up\"},\"value\":[1,\"2\"]},"
              "{\"metric\":{},\"value\":[1,\"3\"]},"
              "{\"metric\":{\"a\":\"q\\\"b\\\\c\\nd\\re\"},\"value\":[1,\"4\"]},"
              "{\"metric\":{\"b\":\"\\u00e9\\t\"},\"value\":[1,\"5\"]}]}}",
              &r, &err),
        0);
    assert_int_equal(r.n, 5);
    assert_string_equal(r.samples[0].metric, "up{job=\"x\"}");
    assert_string_equal(r.samples[1].metric, "up");
    assert_string_equal(r.samples[2].metric, "{}");
    assert_string_equal(r.samples[3].metric, "{a=\"q\\\"b\\\\c\\nd?e\"}");
    assert_string_equal(r.samples[4].metric, "{b=\"\xc3\xa9\t\"}");
    assert_true(r.samples[4].value == 5.0);
    sw_prom_result_release(&r);
    free(err);
}

static void test_empty_vector(void **state)
{
    struct sw_prom_result r;
    char *err;

    (void)state;
    assert_int_equal(
        parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", &r,
              &err),
        0);
    assert_int_equal(r.type, SW_PROM_VECTOR);
    assert_int_equal(r.n, 0);
    assert_null(r.samples);
    sw_prom_result_release(&r);
    free(err);
}

static void test_scalar_and_string(void **state)
{
    struct sw_prom_result r;
    char *err;

    (void)state;
    assert_int_equal(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
                           "[1795881841.184,\"-12.5e3\"]}}",
                           &r, &err),
                     0);
    assert_int_equal(r.type, SW_PROM_SCALAR);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.samples[0].metric, "scalar");
    assert_true(r.samples[0].value == -12500.0);
    sw_prom_result_release(&r);
    free(err);

    assert_int_equal(parse("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":"
                           "[1795881834.006,\"hello\\u0007\"]}}",
                           &r, &err),
                     0);
    assert_int_equal(r.type, SW_PROM_STRING);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.samples[0].metric, "hello?");
    assert_true(isnan(r.samples[0].value));
    sw_prom_result_release(&r);
    free(err);
}

static void test_nan_inf(void **state)
{
    struct sw_prom_result r;
    char *err;

    (void)state;
    assert_int_equal(
        parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
              "{\"metric\":{\"x\":\"a\\\"b\"},\"value\":[1795881834.155,\"NaN\"]},"
              "{\"metric\":{},\"value\":[1795881834.155,\"+Inf\"]},"
              "{\"metric\":{},\"value\":[1795881834.155,\"-Inf\"]},"
              "{\"metric\":{},\"value\":[1795881834.155,\"1e-320\"]}]}}",
              &r, &err),
        0);
    assert_int_equal(r.n, 4);
    assert_string_equal(r.samples[0].metric, "{x=\"a\\\"b\"}");
    assert_true(isnan(r.samples[0].value));
    assert_true(isinf(r.samples[1].value) && r.samples[1].value > 0);
    assert_true(isinf(r.samples[2].value) && r.samples[2].value < 0);
    assert_true(r.samples[3].value > 0 && r.samples[3].value < 1e-300); /* subnormal kept */
    sw_prom_result_release(&r);
    free(err);
}

static void test_error_replies(void **state)
{
    (void)state;
    expect_error("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter "
                 "\\\"query\\\": 1:8: parse error: unexpected end of input inside braces\"}",
                 "bad_data: invalid parameter \"query\": 1:8: parse error: unexpected end of "
                 "input inside braces");
    expect_error("{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out "
                 "in expression evaluation\"}",
                 "timeout: query timed out in expression evaluation");
    /* details missing; control characters and newlines kept out of the one line */
    expect_error("{\"status\":\"error\"}", "error: (no message)");
    expect_error("{\"status\":\"error\",\"errorType\":\"x\\u0001\",\"error\":\"a\\nb\"}",
                 "x?: a b");
    expect_error(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\""
        ":{\"__name__\":\"sw_test_up\"},\"values\":[[1795881838.535,\"1\"]]}]}}",
        "range vector result: use an instant query");
}

static void test_error_message_capped(void **state)
{
    struct sw_buf body;
    struct sw_prom_result r;
    struct sw_buf err;

    (void)state;
    sw_buf_init(&body);
    sw_buf_init(&err);
    sw_buf_puts(&body, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"x");
    for (int i = 0; i < 1000; i++) {
        sw_buf_puts(&body, "\\u00e9"); /* two bytes each: the cut must not split one */
    }
    sw_buf_puts(&body, "\"}");
    assert_int_equal(sw_prom_parse(body.data, body.len, &r, &err), -EINVAL);
    /* byte 512 of "x\u00e9\u00e9..." is the second of a character: cut before it */
    assert_int_equal(err.len, strlen("execution: ") + 511);
    assert_true(sw_str_is_text(err.data, err.len));
    sw_buf_release(&body);
    sw_buf_release(&err);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_error("", "malformed JSON at line 1, column 0: '[' or '{' expected near end of file");
    expect_error("<html>Bad Gateway</html>",
                 "malformed JSON at line 1, column 1: '[' or '{' expected near '<'");
    expect_error("{\"status\":\"success\",\"status\":\"error\"}",
                 "malformed JSON at line 1, column 28: duplicate object key near '\"status\"'");
    expect_error("[]", "the reply is not a JSON object");
    expect_error("{}", "status: missing");
    expect_error("{\"status\":1}", "status: not a string");
    expect_error("{\"status\":\"partial\"}",
                 "status: \"partial\" is neither \"success\" nor \"error\"");
    expect_error("{\"status\":\"success\"}", "data: missing");
    expect_error("{\"status\":\"success\",\"data\":[]}", "data: not an object");
    expect_error("{\"status\":\"success\",\"data\":{}}", "data.resultType: missing");
    expect_error("{\"status\":\"success\",\"data\":{\"resultType\":7}}",
                 "data.resultType: not a string");
    expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\"}}",
                 "data.result: missing");
    expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"histogram\",\"result\":[]}}",
                 "data.resultType: \"histogram\" is not one of vector, scalar, string, matrix");
    expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}",
                 "data.result: not an array");
}

static void test_bad_samples(void **state)
{
#define VEC(x) "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" x "]}}"
#define OK_SAMPLE "{\"metric\":{},\"value\":[1,\"1\"]},"
    (void)state;
    expect_error(VEC(OK_SAMPLE "3"), "data.result[1]: not an object");
    expect_error(VEC("{\"value\":[1,\"1\"]}"), "data.result[0].metric: missing");
    expect_error(VEC("{\"metric\":[],\"value\":[1,\"1\"]}"),
                 "data.result[0].metric: not an object");
    expect_error(VEC(OK_SAMPLE OK_SAMPLE "{\"metric\":{\"job\":1},\"value\":[1,\"1\"]}"),
                 "data.result[2].metric.job: not a string");
    expect_error(VEC("{\"metric\":{}}"), "data.result[0].value: missing");
    expect_error(VEC("{\"metric\":{},\"value\":\"1\"}"),
                 "data.result[0].value: not a [time, \"value\"] pair");
    expect_error(VEC("{\"metric\":{},\"value\":[1]}"),
                 "data.result[0].value: not a [time, \"value\"] pair");
    expect_error(VEC("{\"metric\":{},\"value\":[\"1\",\"1\"]}"),
                 "data.result[0].value: not a [time, \"value\"] pair");
    expect_error(VEC("{\"metric\":{},\"value\":[1,1]}"), "data.result[0].value[1]: not a string");
    expect_error(VEC(OK_SAMPLE "{\"metric\":{},\"value\":[1,\"abc\"]}"),
                 "data.result[1].value[1]: \"abc\" is not a number");
    expect_error(VEC("{\"metric\":{},\"value\":[1,\"0x10\"]}"),
                 "data.result[0].value[1]: \"0x10\" is not a number");
    expect_error(VEC("{\"metric\":{},\"value\":[1,\"inf\"]}"),
                 "data.result[0].value[1]: \"inf\" is not a number");
    expect_error(VEC("{\"metric\":{},\"value\":[1,\"\"]}"),
                 "data.result[0].value[1]: \"\" is not a number");
    expect_error(VEC("{\"metric\":{},\"value\":[1,\" 1\"]}"),
                 "data.result[0].value[1]: \" 1\" is not a number");
    expect_error(VEC("{\"metric\":{},\"value\":[1,\"1e999\"]}"),
                 "data.result[0].value[1]: \"1e999\" is not a number");
    expect_error(VEC("{\"metric\":{},\"histogram\":[1,{\"count\":\"2\"}]}"),
                 "data.result[0]: native histogram sample: query a float, such as "
                 "histogram_count(...)");
    expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1]}}",
                 "data.result: not a [time, \"value\"] pair");
    expect_error(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"x\"]}}",
        "data.result[1]: \"x\" is not a number");
    expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,2]}}",
                 "data.result[1]: not a string");
#undef VEC
#undef OK_SAMPLE
}

/* ---- conditions ---- */

static void expect_cond(const char *s, int op, double value, const char *formatted)
{
    struct sw_prom_cond c = {0, -1};
    char out[SW_PROM_COND_LEN];
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_prom_cond_parse(s, &c, &err), 0);
    assert_int_equal(err.len, 0);
    assert_int_equal(c.op, op);
    assert_true(c.value == value);
    assert_string_equal(sw_prom_cond_format(&c, out), formatted);
    sw_buf_release(&err);
}

static void expect_cond_error(const char *s, const char *message)
{
    struct sw_prom_cond c = {0, 0};
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_prom_cond_parse(s, &c, &err), -EINVAL);
    assert_string_equal(err.data, message);
    sw_buf_release(&err);
}

static void test_cond_parse(void **state)
{
    (void)state;
    expect_cond("nonempty", SW_PROM_NONEMPTY, 0, "nonempty");
    expect_cond(" empty ", SW_PROM_EMPTY, 0, "empty");
    expect_cond("> 0.9", SW_PROM_GT, 0.9, "> 0.9");
    expect_cond(">=1", SW_PROM_GE, 1, ">= 1");
    expect_cond("<  -2.5", SW_PROM_LT, -2.5, "< -2.5");
    expect_cond("\t<= 1e3\t", SW_PROM_LE, 1000, "<= 1000");
    expect_cond("==0", SW_PROM_EQ, 0, "== 0");
    expect_cond("!= 0.1", SW_PROM_NE, 0.1, "!= 0.1");
    expect_cond("> 1e20", SW_PROM_GT, 1e20, "> 1e+20");
    expect_cond("> 0.30000000000000004", SW_PROM_GT, 0.30000000000000004, "> 0.30000000000000004");

    expect_cond_error("", "condition \"\": expected nonempty, empty or a comparison such as "
                          "\"> 0.9\" (>, >=, <, <=, ==, !=)");
    expect_cond_error("= 1", "condition \"= 1\": expected nonempty, empty or a comparison such "
                             "as \"> 0.9\" (>, >=, <, <=, ==, !=)");
    expect_cond_error("NonEmpty", "condition \"NonEmpty\": expected nonempty, empty or a "
                                  "comparison such as \"> 0.9\" (>, >=, <, <=, ==, !=)");
    expect_cond_error("0.9 <", "condition \"0.9 <\": expected nonempty, empty or a comparison "
                               "such as \"> 0.9\" (>, >=, <, <=, ==, !=)");
    expect_cond_error(">", "condition \">\": a number must follow >");
    expect_cond_error(">=  ", "condition \">=  \": a number must follow >=");
    expect_cond_error("> x", "condition \"> x\": \"x\" is not a finite number");
    expect_cond_error("> 1 2", "condition \"> 1 2\": \"1 2\" is not a finite number");
    expect_cond_error("< NaN", "condition \"< NaN\": \"NaN\" is not a finite number");
    expect_cond_error("< +Inf", "condition \"< +Inf\": \"+Inf\" is not a finite number");
    expect_cond_error("< 1e999", "condition \"< 1e999\": \"1e999\" is not a finite number");
    expect_cond_error(">> 1", "condition \">> 1\": \"> 1\" is not a finite number");
}

/* ---- the judge ---- */

static struct sw_prom_cond cond(const char *s)
{
    struct sw_prom_cond c;
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_prom_cond_parse(s, &c, &err), 0);
    sw_buf_release(&err);
    return c;
}

/* Judges body with warn and crit (NULL: none); checks the state and the output line. */
static void expect_judge(const char *body, const char *warn, const char *crit, enum sw_state state,
                         const char *output)
{
    struct sw_prom_cond w, c;
    struct sw_prom_result r;
    struct sw_buf out;
    char *err;

    if (warn) {
        w = cond(warn);
    }
    if (crit) {
        c = cond(crit);
    }
    assert_int_equal(parse(body, &r, &err), 0);
    sw_buf_init(&out);
    assert_int_equal(sw_prom_judge(&r, warn ? &w : NULL, crit ? &c : NULL, &out), state);
    assert_string_equal(out.data, output);
    sw_buf_release(&out);
    sw_prom_result_release(&r);
    free(err);
}

#define NOVA                                                                                       \
    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["                     \
    "{\"metric\":{\"__name__\":\"up\",\"job\":\"nova-api\",\"instance\":\"a\"},\"value\":[1,"      \
    "\"0.5\"]},"                                                                                   \
    "{\"metric\":{\"__name__\":\"up\",\"job\":\"nova-api\",\"instance\":\"b\"},\"value\":[1,"      \
    "\"1\"]},"                                                                                     \
    "{\"metric\":{\"__name__\":\"up\",\"job\":\"nova-api\",\"instance\":\"c\"},\"value\":[1,"      \
    "\"0.95\"]}]}}"
#define EMPTY "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"
#define SCALAR(v)                                                                                  \
    "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"" v "\"]}}"

static void test_judge_operators(void **state)
{
    (void)state;
    expect_judge(NOVA, NULL, "> 0.9", SW_CRITICAL,
                 "2 series match > 0.9: up{job=\"nova-api\",instance=\"b\"} = 1");
    expect_judge(NOVA, NULL, ">= 0.95", SW_CRITICAL,
                 "2 series match >= 0.95: up{job=\"nova-api\",instance=\"b\"} = 1");
    expect_judge(NOVA, NULL, "> 1", SW_OK, "query returned 3 series, none matches");
    expect_judge(NOVA, NULL, ">= 1", SW_CRITICAL,
                 "1 series matches >= 1: up{job=\"nova-api\",instance=\"b\"} = 1");
    expect_judge(NOVA, NULL, "< 0.95", SW_CRITICAL,
                 "1 series matches < 0.95: up{job=\"nova-api\",instance=\"a\"} = 0.5");
    expect_judge(NOVA, NULL, "< 0.5", SW_OK, "query returned 3 series, none matches");
    expect_judge(NOVA, NULL, "<= 0.5", SW_CRITICAL,
                 "1 series matches <= 0.5: up{job=\"nova-api\",instance=\"a\"} = 0.5");
    expect_judge(NOVA, NULL, "== 0.95", SW_CRITICAL,
                 "1 series matches == 0.95: up{job=\"nova-api\",instance=\"c\"} = 0.95");
    expect_judge(NOVA, NULL, "== 0", SW_OK, "query returned 3 series, none matches");
    expect_judge(NOVA, NULL, "!= 1", SW_CRITICAL,
                 "2 series match != 1: up{job=\"nova-api\",instance=\"a\"} = 0.5");
}

static void test_judge_levels(void **state)
{
    (void)state;
    /* critical is tried first, then warning */
    expect_judge(NOVA, "> 0.9", "> 0.99", SW_CRITICAL,
                 "1 series matches > 0.99: up{job=\"nova-api\",instance=\"b\"} = 1");
    expect_judge(NOVA, "> 0.9", "> 1", SW_WARNING,
                 "2 series match > 0.9: up{job=\"nova-api\",instance=\"b\"} = 1");
    expect_judge(NOVA, "< 0.1", NULL, SW_OK, "query returned 3 series, none matches");
    expect_judge(NOVA, NULL, NULL, SW_OK, "query returned 3 series");
    expect_judge(EMPTY, NULL, NULL, SW_OK, "query returned no series");
    expect_judge(EMPTY, NULL, "> 0", SW_OK, "query returned no series");
}

static void test_judge_empty_nonempty(void **state)
{
    (void)state;
    expect_judge(NOVA, NULL, "nonempty", SW_CRITICAL,
                 "query returned 3 series, which matches nonempty: "
                 "up{job=\"nova-api\",instance=\"a\"} = 0.5");
    expect_judge(EMPTY, NULL, "nonempty", SW_OK, "query returned no series");
    expect_judge(EMPTY, NULL, "empty", SW_CRITICAL,
                 "query returned no series, which matches empty");
    expect_judge(NOVA, "empty", NULL, SW_OK, "query returned 3 series");
    expect_judge(EMPTY, "empty", "nonempty", SW_WARNING,
                 "query returned no series, which matches empty");
}

static void test_judge_scalar_string(void **state)
{
    (void)state;
    expect_judge(SCALAR("3.5"), NULL, "< 10", SW_CRITICAL, "scalar matches < 10: 3.5");
    expect_judge(SCALAR("42"), "> 50", "> 100", SW_OK, "query returned scalar 42");
    expect_judge(SCALAR("42"), NULL, "nonempty", SW_CRITICAL,
                 "query returned scalar 42, which matches nonempty");
    expect_judge(SCALAR("42"), NULL, "empty", SW_OK, "query returned scalar 42");
    expect_judge("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,"
                 "\"hello\"]}}",
                 NULL, "> 1", SW_UNKNOWN,
                 "query returned string \"hello\", which cannot be compared (> 1)");
    expect_judge("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,"
                 "\"hello\"]}}",
                 NULL, "nonempty", SW_CRITICAL,
                 "query returned string \"hello\", which matches nonempty");
}

static void test_judge_nan_inf(void **state)
{
    const char *body =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        "{\"metric\":{\"i\":\"n\"},\"value\":[1,\"NaN\"]},{\"metric\":{\"i\":\"p\"},\"value\":[1,"
        "\"+Inf\"]},{\"metric\":{\"i\":\"m\"},\"value\":[1,\"-Inf\"]}]}}";

    (void)state;
    /* NaN fails every comparison but != */
    expect_judge(body, NULL, "!= 5", SW_CRITICAL, "3 series match != 5: {i=\"n\"} = NaN");
    expect_judge(body, NULL, "> 1e300", SW_CRITICAL, "1 series matches > 1e+300: {i=\"p\"} = +Inf");
    expect_judge(body, NULL, "< 0", SW_CRITICAL, "1 series matches < 0: {i=\"m\"} = -Inf");
    expect_judge(body, NULL, "== 0", SW_OK, "query returned 3 series, none matches");
    expect_judge(SCALAR("NaN"), NULL, "> 0", SW_OK, "query returned scalar NaN");
    expect_judge(SCALAR("0.1"), NULL, "!= 0", SW_CRITICAL, "scalar matches != 0: 0.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector),
        cmocka_unit_test(test_metric_rendering),
        cmocka_unit_test(test_empty_vector),
        cmocka_unit_test(test_scalar_and_string),
        cmocka_unit_test(test_nan_inf),
        cmocka_unit_test(test_error_replies),
        cmocka_unit_test(test_error_message_capped),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bad_samples),
        cmocka_unit_test(test_cond_parse),
        cmocka_unit_test(test_judge_operators),
        cmocka_unit_test(test_judge_levels),
        cmocka_unit_test(test_judge_empty_nonempty),
        cmocka_unit_test(test_judge_scalar_string),
        cmocka_unit_test(test_judge_nan_inf),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
