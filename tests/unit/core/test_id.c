/* SPDX-License-Identifier: Apache-2.0 */
/* test_id.c: sw_id_from() (src/core/misc.c) with exact values: ids made from names given by
 * other systems (Juju units, catalog regions, alert names), runs of other bytes, leading and
 * trailing punctuation, UTF-8, the 64-byte cut and small buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

/* sw_id_from(s) into a 65-byte buffer: checks the result and the returned length agree */
static void id_is(const char *s, const char *want)
{
    char buf[65];
    size_t n;

    memset(buf, '#', sizeof(buf));
    n = sw_id_from(s, buf, sizeof(buf));
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_plain(void **unused)
{
    (void)unused;
    id_is("mysql-0", "mysql-0");
    id_is("keystone", "keystone");
    id_is("a_b.c-D9", "a_b.c-D9"); /* every byte of an id is kept */
    id_is("x", "x");
}

static void test_runs_become_dashes(void **unused)
{
    (void)unused;
    id_is("mysql/0", "mysql-0");
    id_is("public RegionOne", "public-RegionOne");
    id_is("a//b", "a-b");
    id_is("a / : b", "a-b"); /* one '-' for the whole run */
    id_is("a\tb\nc", "a-b-c");
    id_is("KubeAPIDown{job=\"api\"}", "KubeAPIDown-job-api");
}

static void test_leading_and_trailing(void **unused)
{
    (void)unused;
    id_is("__x__", "x");
    id_is("-.-a", "a");
    id_is("a-.-", "a");
    id_is("  padded  ", "padded");
    id_is("/mysql/0/", "mysql-0");
    id_is(".hidden", "hidden");
}

static void test_nothing_usable(void **unused)
{
    char buf[65];

    (void)unused;
    memset(buf, '#', sizeof(buf));
    assert_int_equal(sw_id_from("!!!", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    memset(buf, '#', sizeof(buf));
    assert_int_equal(sw_id_from("", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    memset(buf, '#', sizeof(buf));
    assert_int_equal(sw_id_from("-._", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    memset(buf, '#', sizeof(buf));
    assert_int_equal(sw_id_from("\xc3\xbc\xc3\xbc", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
}

static void test_utf8_dropped(void **unused)
{
    (void)unused;
    id_is("Z\xc3\xbcrich", "Z-rich");  /* "Zürich": both bytes of the ü are one run */
    id_is("\xc3\x85lesund", "lesund"); /* "Ålesund": a leading run goes */
    id_is("caf\xc3\xa9", "caf");       /* "café": a trailing run goes */
    id_is("a\xe2\x80\x94"
          "b",
          "a-b"); /* an em dash */
    id_is("\xff\xfe"
          "ab\x80"
          "cd",
          "ab-cd"); /* invalid UTF-8 likewise */
}

static void test_cut_at_64(void **unused)
{
    char in[101], want[65], buf[65];

    (void)unused;
    /* 100 letters: the first 64 */
    memset(in, 'a', 100);
    in[100] = '\0';
    memset(want, 'a', 64);
    want[64] = '\0';
    id_is(in, want);

    /* a '-' of the input at byte 64 is not left at the end */
    memset(in, 'x', 100);
    in[63] = '-';
    memset(want, 'x', 63);
    want[63] = '\0';
    id_is(in, want);

    /* nor a '.' then '_' run at the cut */
    memset(in, 'x', 100);
    in[62] = '.';
    in[63] = '_';
    memset(want, 'x', 62);
    want[62] = '\0';
    id_is(in, want);

    /* a gap whose '-' still fits: 62 letters, '-', one letter of the next word */
    memset(in, 'x', 100);
    in[62] = ' ';
    memset(want, 'x', 62);
    want[62] = '-';
    want[63] = 'x';
    want[64] = '\0';
    id_is(in, want);

    /* a gap exactly at the cut: "x" * 63 + " " + "y" * 36 -> the transformed text is
     * "x" * 63 + "-" + "y" * 36, cut at 64 -> "x" * 63 + "-", the trailing '-' goes:
     * "x" * 63. Words must never be glued together without their '-'. */
    memset(in, 'y', 100);
    memset(in, 'x', 63);
    in[63] = ' ';
    memset(want, 'x', 63);
    want[63] = '\0';
    memset(buf, '#', sizeof(buf));
    id_is(in, want);
}

static void test_small_buffer(void **unused)
{
    char buf[8];
    size_t n;

    (void)unused;
    /* size 5: at most 4 bytes and the NUL; the byte after it is untouched */
    memset(buf, '#', sizeof(buf));
    n = sw_id_from("abcdefgh", buf, 5);
    assert_int_equal(n, 4);
    assert_string_equal(buf, "abcd");
    assert_int_equal(buf[5], '#');

    memset(buf, '#', sizeof(buf));
    n = sw_id_from("ab cdef", buf, 5);
    assert_int_equal(n, 4);
    assert_string_equal(buf, "ab-c");

    memset(buf, '#', sizeof(buf));
    n = sw_id_from("abc-def", buf, 5);
    assert_int_equal(n, 3); /* "abc-" loses its trailing '-' */
    assert_string_equal(buf, "abc");

    /* size 1: only the NUL fits */
    memset(buf, '#', sizeof(buf));
    n = sw_id_from("abc", buf, 1);
    assert_int_equal(n, 0);
    assert_string_equal(buf, "");
    assert_int_equal(buf[1], '#');

    /* the gap at the cut, as in test_cut_at_64: "abc de" -> "abc-de" cut at 4 -> "abc" */
    memset(buf, '#', sizeof(buf));
    n = sw_id_from("abc de", buf, 5);
    assert_int_equal(n, 3);
    assert_string_equal(buf, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_runs_become_dashes),
        cmocka_unit_test(test_leading_and_trailing),
        cmocka_unit_test(test_nothing_usable),
        cmocka_unit_test(test_utf8_dropped),
        cmocka_unit_test(test_cut_at_64),
        cmocka_unit_test(test_small_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
