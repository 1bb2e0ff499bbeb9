/* SPDX-License-Identifier: Apache-2.0 */
/* test_plugin.c: the Nagios plugin output and perfdata parser (src/probe/plugin.c), with
 * exact expected values for valid output, quoted labels, long output, ranges and each
 * error. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe/probe.h"

static int parse(const char *s, struct sw_perf *out, int max, struct sw_buf *err)
{
    sw_buf_reset(err);
    return sw_perfdata_parse(s, out, max, err);
}

static void test_perf_simple(void **state)
{
    struct sw_perf p[8];
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    assert_int_equal(parse("time=0.012s;0.5;2;0 size=345B;;;0", p, 8, &err), 2);
    assert_string_equal(p[0].label, "time");
    assert_true(p[0].value == 0.012);
    assert_string_equal(p[0].uom, "s");
    assert_string_equal(p[0].warn, "0.5");
    assert_string_equal(p[0].crit, "2");
    assert_true(p[0].has_min);
    assert_true(p[0].min == 0);
    assert_false(p[0].has_max);
    assert_string_equal(p[1].label, "size");
    assert_true(p[1].value == 345);
    assert_string_equal(p[1].uom, "B");
    assert_string_equal(p[1].warn, "");
    assert_string_equal(p[1].crit, "");
    assert_true(p[1].has_min);
    assert_false(p[1].has_max);

    assert_int_equal(parse("", p, 8, &err), 0);
    assert_int_equal(parse("   \n\t ", p, 8, &err), 0);
    assert_int_equal(parse("load1=0.5 load5=1.25 load15=-3e2", p, 8, &err), 3);
    assert_true(p[2].value == -300);
    assert_string_equal(p[2].uom, "");
    assert_int_equal(parse("pct=99.5%;80;90;0;100", p, 8, &err), 1);
    assert_string_equal(p[0].uom, "%");
    assert_true(p[0].has_max);
    assert_true(p[0].max == 100);
    assert_int_equal(parse("c=12c rx=3KB tx=.5MB d=1GB e=2TB f=1KiB g=5us h=6ms", p, 8, &err), 8);
    assert_string_equal(p[0].uom, "c");
    assert_string_equal(p[2].uom, "MB");
    assert_true(p[2].value == 0.5);
    assert_string_equal(p[5].uom, "KiB");
    sw_buf_release(&err);
}

static void test_perf_quoted_and_unknown(void **state)
{
    struct sw_perf p[4];
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    assert_int_equal(parse("'/var lib'=5MB;10;20 'it''s'=1", p, 4, &err), 2);
    assert_string_equal(p[0].label, "/var lib");
    assert_string_equal(p[0].uom, "MB");
    assert_string_equal(p[1].label, "it's");
    assert_int_equal(parse("'a=b'=U", p, 4, &err), 1);
    assert_string_equal(p[0].label, "a=b");
    assert_true(isnan(p[0].value));
    assert_int_equal(parse("x=U;;;0;1", p, 4, &err), 1);
    assert_true(isnan(p[0].value));
    assert_true(p[0].max == 1);
    sw_buf_release(&err);
}

static void test_perf_ranges(void **state)
{
    struct sw_perf p[1];
    struct sw_buf err;
    const char *good[] = {"a=1;10;20",  "a=1;10:;20:", "a=1;~:10;@5:10", "a=1;@10;-5:-1",
                          "a=1;:10;0:", "a=1;1.5:2.5", "a=1;5:5",        NULL};

    (void)state;
    sw_buf_init(&err);
    for (int i = 0; good[i]; i++) {
        assert_int_equal(parse(good[i], p, 1, &err), 1);
    }
    assert_string_equal(p[0].warn, "5:5");
    assert_int_equal(parse("a=1;10:5", p, 1, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad warning range '10:5'");
    assert_int_equal(parse("a=1;;x", p, 1, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad critical range 'x'");
    assert_int_equal(parse("a=1;:", p, 1, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad warning range ':'");
    assert_int_equal(parse("a=1;@", p, 1, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad warning range '@'");
    assert_int_equal(parse("a=1;~", p, 1, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad warning range '~'");
    assert_int_equal(parse("a=1;1:2:3", p, 1, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad warning range '1:2:3'");
    assert_int_equal(parse("a=1;0123456789012345678901234567890123", p, 1, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): range longer than 31 bytes "
                                  "'0123456789012345678901234567890123'");
    sw_buf_release(&err);
}

static void test_perf_errors(void **state)
{
    struct sw_perf p[2];
    struct sw_buf err;
    char longlabel[200];

    (void)state;
    sw_buf_init(&err);
    assert_int_equal(parse("load1=1 load5=abc", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 2 ('load5'): bad value 'abc'");
    assert_int_equal(parse("a=1 b=2 c=3", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "more than 2 items");
    assert_int_equal(parse("novalue", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1: missing '=' in 'novalue'");
    assert_int_equal(parse("my label=1", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1: missing '=' in 'my'");
    assert_int_equal(parse("=1", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1: empty label");
    assert_int_equal(parse("''=1", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1: empty label");
    assert_int_equal(parse("'open=1", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1: unterminated quote in label");
    assert_int_equal(parse("'q'x=1", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('q'): missing '=' after label");
    assert_int_equal(parse("a=", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad value ''");
    assert_int_equal(parse("a=1XB", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): unknown unit 'XB'");
    assert_int_equal(parse("a=1,5", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): unknown unit ',5'");
    assert_int_equal(parse("a=inf", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad value 'inf'");
    assert_int_equal(parse("a=0x10", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): unknown unit 'x10'");
    assert_int_equal(parse("a=1e", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad value '1e'");
    assert_int_equal(parse("a=1;;;x", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad min 'x'");
    assert_int_equal(parse("a=1;;;;5%", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): bad max '5%'");
    assert_int_equal(parse("a=1;;;;;", p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1 ('a'): more than 5 fields");
    memset(longlabel, 'x', 150);
    strcpy(longlabel + 150, "=1");
    assert_int_equal(parse(longlabel, p, 2, &err), -EINVAL);
    assert_string_equal(err.data, "item 1: label longer than 127 bytes");
    sw_buf_release(&err);
}

static void out_parse(const char *s, struct sw_probe_result *r, int expect_rc)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(sw_plugin_output_parse(s, strlen(s), 4096, r), expect_rc);
}

static void test_output_first_line(void **state)
{
    struct sw_probe_result r;

    (void)state;
    out_parse("OK - load average: 0.1\n", &r, 0);
    assert_string_equal(r.output, "OK - load average: 0.1");
    assert_null(r.long_output);
    assert_null(r.perfdata);
    sw_probe_result_release(&r);

    out_parse("DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n", &r, 0);
    assert_string_equal(r.output, "DISK OK - free space: / 3326 MB (56%);");
    assert_string_equal(r.perfdata, "/=2643MB;5948;5958;0;5968");
    assert_null(r.long_output);
    sw_probe_result_release(&r);

    out_parse("", &r, 0);
    assert_string_equal(r.output, "");
    sw_probe_result_release(&r);

    out_parse("|a=1", &r, 0);
    assert_string_equal(r.output, "");
    assert_string_equal(r.perfdata, "a=1");
    sw_probe_result_release(&r);
}

static void test_output_multiline(void **state)
{
    struct sw_probe_result r;

    (void)state;
    /* the guidelines' own example */
    out_parse("DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n"
              "/ 15272 MB (77%);\n"
              "/boot 68 MB (69%);\n"
              "/home 69357 MB (27%);\n"
              "/var/log 819 MB (84%); | /boot=68MB;88;93;0;98\n"
              "/home=69357MB;253404;253409;0;253414 \n"
              "/var/log=818MB;970;975;0;980\n",
              &r, 0);
    assert_string_equal(r.output, "DISK OK - free space: / 3326 MB (56%);");
    assert_string_equal(r.long_output, "/ 15272 MB (77%);\n/boot 68 MB (69%);\n"
                                       "/home 69357 MB (27%);\n/var/log 819 MB (84%);");
    assert_string_equal(r.perfdata, "/=2643MB;5948;5958;0;5968 /boot=68MB;88;93;0;98 "
                                    "/home=69357MB;253404;253409;0;253414 "
                                    "/var/log=818MB;970;975;0;980");
    sw_probe_result_release(&r);

    out_parse("OK\r\nline two\r\nline three\r\n", &r, 0);
    assert_string_equal(r.output, "OK");
    assert_string_equal(r.long_output, "line two\r\nline three");
    sw_probe_result_release(&r);
}

static void test_output_bad(void **state)
{
    struct sw_probe_result r;
    const char bin[] = "OK\0\x01\x02garbage";

    (void)state;
    out_parse("LOAD OK | load1=1 load5=abc", &r, 0);
    assert_string_equal(r.output, "LOAD OK (bad perfdata: item 2 ('load5'): bad value 'abc')");
    assert_null(r.perfdata);
    sw_probe_result_release(&r);

    memset(&r, 0, sizeof(r));
    assert_int_equal(sw_plugin_output_parse(bin, sizeof(bin) - 1, 4096, &r), -EINVAL);
    assert_string_equal(r.output, "plugin output is not text");
    sw_probe_result_release(&r);

    out_parse("bad \xff\xfe utf8", &r, -EINVAL);
    assert_string_equal(r.output, "plugin output is not text");
    sw_probe_result_release(&r);
}

static void test_output_caps(void **state)
{
    struct sw_probe_result r = {0};
    char big[400];

    (void)state;
    memset(big, 'a', 100);
    strcpy(big + 100, " | x=1 y=2 z=3\nlong line here\n");
    assert_int_equal(sw_plugin_output_parse(big, strlen(big), 20, &r), 0);
    assert_int_equal(strlen(r.output), 20);
    assert_string_equal(r.perfdata, "x=1 y=2 z=3");
    assert_string_equal(r.long_output, "long line here");
    sw_probe_result_release(&r);

    memset(&r, 0, sizeof(r));
    strcpy(big, "OK | aaaa=1 bbbb=2 cccc=3 dddd=4 eeee=5 ffff=6");
    assert_int_equal(sw_plugin_output_parse(big, strlen(big), 20, &r), 0);
    assert_string_equal(r.perfdata, "aaaa=1 bbbb=2 cccc=3"); /* whole items only */
    sw_probe_result_release(&r);

    /* UTF-8 is never cut in the middle of a character */
    memset(&r, 0, sizeof(r));
    strcpy(big, "OK \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    assert_int_equal(sw_plugin_output_parse(big, strlen(big), 16, &r), 0);
    assert_string_equal(r.output, "OK \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    sw_probe_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perf_simple),       cmocka_unit_test(test_perf_quoted_and_unknown),
        cmocka_unit_test(test_perf_ranges),       cmocka_unit_test(test_perf_errors),
        cmocka_unit_test(test_output_first_line), cmocka_unit_test(test_output_multiline),
        cmocka_unit_test(test_output_bad),        cmocka_unit_test(test_output_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
