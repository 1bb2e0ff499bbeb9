/* SPDX-License-Identifier: Apache-2.0 */
/* test_core.c: src/core with exact values: durations, ISO 8601 times, time zone names,
 * states, buffers and JSON strings, UTF-8 text checks, hashing, histograms. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

/* ---- durations ---- */

static int64_t dur(const char *s)
{
    int64_t ms = -12345;
    assert_int_equal(sw_duration_parse(s, &ms), 0);
    return ms;
}

static void dur_err(const char *s, int err)
{
    int64_t ms = -12345;
    assert_int_equal(sw_duration_parse(s, &ms), err);
    assert_int_equal(ms, -12345); /* untouched on failure */
}

static void test_duration_parse(void **unused)
{
    (void)unused;
    assert_int_equal(dur("500ms"), 500);
    assert_int_equal(dur("1s"), 1000);
    assert_int_equal(dur("90s"), 90000);
    assert_int_equal(dur("1m"), 60000);
    assert_int_equal(dur("5m"), 300000);
    assert_int_equal(dur("1h30m"), 5400000);
    assert_int_equal(dur("14d"), 1209600000);
    assert_int_equal(dur("2w"), 1209600000);
    assert_int_equal(dur("1h1m1s1ms"), 3661001);
    assert_int_equal(dur("10s500ms"), 10500);
    assert_int_equal(dur("0s"), 0);
    assert_int_equal(dur("007s"), 7000);
    assert_int_equal(dur("9223372036854775807ms"), INT64_MAX);
}

static void test_duration_parse_errors(void **unused)
{
    (void)unused;
    dur_err(NULL, -EINVAL);
    dur_err("", -EINVAL);
    dur_err("10", -EINVAL); /* a bare number: the unit is never guessed */
    dur_err("1m30", -EINVAL);
    dur_err("s", -EINVAL);
    dur_err("ms", -EINVAL);
    dur_err("-5s", -EINVAL);
    dur_err("+5s", -EINVAL);
    dur_err("1.5s", -EINVAL);
    dur_err("1 s", -EINVAL);
    dur_err(" 1s", -EINVAL);
    dur_err("1s ", -EINVAL);
    dur_err("1x", -EINVAL);
    dur_err("1sec", -EINVAL);
    dur_err("1mx", -EINVAL);
    dur_err("1min", -EINVAL);
    dur_err("5S", -EINVAL);
    dur_err("1H", -EINVAL);
    dur_err("1y", -EINVAL);
    dur_err("1s5", -EINVAL);
    dur_err("1h-30m", -EINVAL);
    dur_err("9223372036854775808ms", -ERANGE);
    dur_err("99999999999999999999999s", -ERANGE);
    dur_err("9223372036854776s", -ERANGE);
    dur_err("106751991167301d", -ERANGE);
    dur_err("9223372036854775807ms1ms", -ERANGE);
}

static void test_duration_format(void **unused)
{
    static const int64_t round_trip[] = {1,        999,       1000,       1001,     59999,
                                         60000,    90000,     3600000,    5400000,  86400000,
                                         90061001, 604800000, 1209600000, INT64_MAX};
    char out[32];

    (void)unused;
    assert_string_equal(sw_duration_format(0, out), "0s");
    assert_string_equal(sw_duration_format(500, out), "500ms");
    assert_string_equal(sw_duration_format(1000, out), "1s");
    assert_string_equal(sw_duration_format(90000, out), "1m30s");
    assert_string_equal(sw_duration_format(3661001, out), "1h1m1s1ms");
    assert_string_equal(sw_duration_format(86400000, out), "1d");
    assert_string_equal(sw_duration_format(604800000, out), "7d");
    assert_string_equal(sw_duration_format(90061001, out), "1d1h1m1s1ms");
    assert_string_equal(sw_duration_format(-1500, out), "-1s500ms");
    assert_string_equal(sw_duration_format(INT64_MAX, out), "106751991167d7h12m55s807ms");
    assert_string_equal(sw_duration_format(INT64_MIN, out), "-106751991167d7h12m55s808ms");
    for (size_t i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
        int64_t back = -1;
        sw_duration_format(round_trip[i], out);
        assert_int_equal(sw_duration_parse(out, &back), 0);
        assert_int_equal(back, round_trip[i]);
    }
}

/* ---- times ---- */

static int64_t tm(const char *s)
{
    int64_t t = -12345;
    assert_int_equal(sw_time_parse(s, &t), 0);
    return t;
}

static void tm_err(const char *s)
{
    int64_t t = -12345;
    assert_int_equal(sw_time_parse(s, &t), -EINVAL);
    assert_int_equal(t, -12345);
}

static void test_time_parse(void **unused)
{
    (void)unused;
    assert_int_equal(tm("2026-10-05T10:15:00Z"), 1791195300);
    assert_int_equal(tm("2026-10-05t10:15:00z"), 1791195300);
    assert_int_equal(tm("2026-10-05 10:15:00Z"), 1791195300);
    assert_int_equal(tm("2026-10-05T10:15Z"), 1791195300);
    assert_int_equal(tm("2026-10-05T11:15:00+01:00"), 1791195300);
    assert_int_equal(tm("2026-10-05T12:15:00+0200"), 1791195300);
    assert_int_equal(tm("2026-10-05T04:45:00-05:30"), 1791195300);
    assert_int_equal(tm("2026-10-05T10:15:00+00:00"), 1791195300);
    assert_int_equal(tm("2026-10-05T10:15:00-00:00"), 1791195300);
    assert_int_equal(tm("2026-10-05T00:15:00-10:00"), 1791195300);
    /* fractional seconds are dropped */
    assert_int_equal(tm("2026-10-05T10:15:00.999Z"), 1791195300);
    assert_int_equal(tm("2026-10-05T10:15:00,5+00:00"), 1791195300);
    assert_int_equal(tm("2026-10-05T10:15:00.123456789Z"), 1791195300);
    /* a bare date is 00:00 UTC */
    assert_int_equal(tm("2026-10-05"), 1791158400);
    assert_int_equal(tm("1970-01-01"), 0);
    assert_int_equal(tm("1969-12-31T23:59:59Z"), -1);
    assert_int_equal(tm("2024-02-29"), 1709164800);
    assert_int_equal(tm("2000-02-29T12:00:00Z"), 951825600);
    /* a leap second is held at the last second of its minute */
    assert_int_equal(tm("2016-12-31T23:59:60Z"), tm("2016-12-31T23:59:59Z"));
    /* an offset can cross the date line */
    assert_int_equal(tm("2026-10-06T00:15:00+14:00"), 1791195300);
}

static void test_time_parse_errors(void **unused)
{
    (void)unused;
    tm_err(NULL);
    tm_err("");
    tm_err("2026-02-30");
    tm_err("2026-02-29"); /* not a leap year */
    tm_err("2100-02-29"); /* not one either */
    tm_err("2026-04-31");
    tm_err("2026-13-01");
    tm_err("2026-00-10");
    tm_err("2026-01-00");
    tm_err("2026-01-32");
    tm_err("2026-10-05T10:15:00");   /* no zone */
    tm_err("2026-10-05T10:15");      /* no zone */
    tm_err("2026-10-05T10:15:00.5"); /* no zone */
    tm_err("2026-10-05T24:00:00Z");
    tm_err("2026-10-05T10:60:00Z");
    tm_err("2026-10-05T10:15:61Z");
    tm_err("2026-10-05T10:15:00+24:00");
    tm_err("2026-10-05T10:15:00+01:60");
    tm_err("2026-10-05T10:15:00+1");
    tm_err("2026-10-05T10:15:00+01:");
    tm_err("2026-10-05T10:15:00.Z");
    tm_err("2026-10-05T10:15:00ZZ");
    tm_err("2026-10-05T10:15:00Z ");
    tm_err("2026-10-05T10:15:00 Z");
    tm_err("2026-10-05T10:15:00UTC");
    tm_err("2026-10-05T");
    tm_err("2026-10-05T1:15:00Z");
    tm_err("2026-10-05Z");
    tm_err("2026-10-05x");
    tm_err("2026-10-5");
    tm_err("2026-1-05");
    tm_err("26-10-05");
    tm_err("2026/10/05");
    tm_err(" 2026-10-05");
    tm_err("1791195300");
    tm_err("now");
}

static void test_time_format(void **unused)
{
    static const int64_t round_trip[] = {0,          1,          -1,        59,
                                         86399,      86400,      951825600, 1709164800,
                                         1791195300, 4102444800, -86401,    253402300799};
    char out[SW_TIME_LEN], out2[SW_TIME_LEN];

    (void)unused;
    assert_string_equal(sw_time_format(0, out), "1970-01-01T00:00:00Z");
    assert_string_equal(sw_time_format(-1, out), "1969-12-31T23:59:59Z");
    assert_string_equal(sw_time_format(-86400, out), "1969-12-31T00:00:00Z");
    assert_string_equal(sw_time_format(1791195300, out), "2026-10-05T10:15:00Z");
    assert_string_equal(sw_time_format(951825600, out), "2000-02-29T12:00:00Z");
    assert_string_equal(sw_time_format(253402300799, out), "9999-12-31T23:59:59Z");
    assert_ptr_equal(sw_time_format(0, out), out);
    for (size_t i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
        assert_int_equal(tm(sw_time_format(round_trip[i], out)), round_trip[i]);
    }
    /* the ends of int64 format without overflow (the text is not parseable: no 4-digit year) */
    assert_string_equal(sw_time_format(INT64_MIN, out), "-292277022657-01-27T08:29:52Z");
    assert_string_equal(sw_time_format(INT64_MAX, out2), "292277026596-12-04T15:30:07Z");
    assert_int_equal(sw_time_parse(out2, &(int64_t){0}), -EINVAL);
}

static void test_tz_valid(void **unused)
{
    char longname[300];

    (void)unused;
    assert_true(sw_tz_valid("Europe/Berlin"));
    assert_true(sw_tz_valid("UTC"));
    assert_true(sw_tz_valid("America/New_York"));
    assert_true(sw_tz_valid("Etc/GMT+1"));
    assert_false(sw_tz_valid(NULL));
    assert_false(sw_tz_valid(""));
    assert_false(sw_tz_valid("Europe/Nowhere"));
    assert_false(sw_tz_valid("europe/berlin"));
    assert_false(sw_tz_valid("Europe"));  /* a directory */
    assert_false(sw_tz_valid("Europe/")); /* the same */
    assert_false(sw_tz_valid("../etc/passwd"));
    assert_false(sw_tz_valid("/etc/passwd"));
    assert_false(sw_tz_valid("Europe/../../../etc/passwd"));
    assert_false(sw_tz_valid("..")); /* the zoneinfo parent */
    assert_false(sw_tz_valid("."));
    assert_false(sw_tz_valid("Europe/Berlin\n"));
    assert_false(sw_tz_valid("Europe/Berlin "));
    assert_false(sw_tz_valid("Europe\\Berlin"));
    assert_false(sw_tz_valid("Europe/Berlin%00"));
    assert_false(sw_tz_valid("zone.tab")); /* not a zone, and no dots in zone names */
    assert_false(sw_tz_valid("+01:00"));
    memset(longname, 'A', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_false(sw_tz_valid(longname));
}

/* ---- states ---- */

static void test_states(void **unused)
{
    static const struct {
        const char *s;
        enum sw_state st;
    } good[] = {
        {"OK", SW_OK},           {"ok", SW_OK}, {"Warning", SW_WARNING}, {"CRITICAL", SW_CRITICAL},
        {"unknown", SW_UNKNOWN}, {"0", SW_OK},  {"1", SW_WARNING},       {"2", SW_CRITICAL},
        {"3", SW_UNKNOWN},
    };
    static const char *const bad[] = {"",     "4",    "-1",   "01", "0 ",     " OK",
                                      "OKAY", "CRIT", "WARN", "3x", "pending"};
    enum sw_state st;

    (void)unused;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        st = (enum sw_state)99;
        assert_int_equal(sw_state_parse(good[i].s, &st), 0);
        assert_int_equal(st, good[i].st);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        st = (enum sw_state)99;
        assert_int_equal(sw_state_parse(bad[i], &st), -EINVAL);
        assert_int_equal(st, 99);
    }
    assert_int_equal(sw_state_parse(NULL, &st), -EINVAL);

    assert_string_equal(sw_state_name(SW_OK), "OK");
    assert_string_equal(sw_state_name(SW_WARNING), "WARNING");
    assert_string_equal(sw_state_name(SW_CRITICAL), "CRITICAL");
    assert_string_equal(sw_state_name(SW_UNKNOWN), "UNKNOWN");
    assert_string_equal(sw_state_name((enum sw_state)9), "UNKNOWN");
    assert_string_equal(sw_state_name((enum sw_state) - 1), "UNKNOWN");

    /* OK < WARNING < UNKNOWN < CRITICAL */
    assert_int_equal(sw_state_rank(SW_OK), 0);
    assert_int_equal(sw_state_rank(SW_WARNING), 1);
    assert_int_equal(sw_state_rank(SW_UNKNOWN), 2);
    assert_int_equal(sw_state_rank(SW_CRITICAL), 3);
    assert_int_equal(sw_state_rank((enum sw_state)9), 2);
}

/* ---- buffers and JSON strings ---- */

static void test_buf(void **unused)
{
    struct sw_buf b;
    char *s;

    (void)unused;
    sw_buf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    s = sw_buf_steal(&b);
    assert_string_equal(s, "");
    free(s);

    sw_buf_puts(&b, "abc");
    sw_buf_append(&b, "defXX", 3);
    sw_buf_printf(&b, "-%d-%s-", 42, "x");
    assert_string_equal(b.data, "abcdef-42-x-");
    assert_int_equal(b.len, 12);
    sw_buf_append(&b, "", 0);
    assert_int_equal(b.len, 12);
    sw_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    for (int i = 0; i < 10000; i++) {
        sw_buf_printf(&b, "%d,", i % 10);
    }
    assert_int_equal(b.len, 20000);
    assert_memory_equal(b.data + 19990, "5,6,7,8,9,", 10);
    assert_int_equal(b.data[b.len], '\0');
    s = sw_buf_steal(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(strlen(s), 20000);
    free(s);
    sw_buf_release(&b); /* on an empty buffer */
    sw_buf_printf(&b, "%s", "");
    assert_string_equal(b.data, "");
    sw_buf_release(&b);
}

static void json_is(const char *in, const char *want)
{
    struct sw_buf b;

    sw_buf_init(&b);
    sw_buf_puts(&b, "x");
    sw_buf_json_str(&b, in);
    assert_string_equal(b.data + 1, want);
    sw_buf_release(&b);
}

static void test_json_str(void **unused)
{
    (void)unused;
    json_is("", "\"\"");
    json_is(NULL, "\"\"");
    json_is("plain text", "\"plain text\"");
    json_is("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
    json_is("\n\r\t", "\"\\n\\r\\t\"");
    json_is("\x01\x08\x0c\x1f", "\"\\u0001\\u0008\\u000c\\u001f\"");
    json_is("\x7f", "\"\x7f\"");
    json_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    /* invalid UTF-8 becomes U+FFFD, one per byte that starts no valid sequence */
    json_is("\xff", "\"\\ufffd\"");
    json_is("a\xc3", "\"a\\ufffd\"");
    json_is("\xc3(", "\"\\ufffd(\"");
    json_is("\xe2\x82", "\"\\ufffd\\ufffd\"");
    json_is("\xc0\xaf", "\"\\ufffd\\ufffd\"");                       /* overlong '/' */
    json_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");            /* a surrogate */
    json_is("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* beyond U+10FFFF */
    json_is("\x80ok\xc3\xa9", "\"\\ufffdok\xc3\xa9\"");
}

/* ---- UTF-8 text ---- */

static void test_str_is_text(void **unused)
{
    static const char *const good[] = {
        "",
        "hello",
        "tab\there\r\n",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
        "\xef\xbf\xbf",     /* U+FFFF */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
    };
    static const char *const bad[] = {
        "\x01",
        "a\x1b[31m",
        "\x7f",
        "\xff",
        "\x80",
        "caf\xc3",
        "\xc3(",
        "\xe2\x82",
        "\xc0\xaf",
        "\xe0\x80\xaf",
        "\xed\xa0\x80",
        "\xf4\x90\x80\x80",
        "\xf8\x88\x80\x80\x80",
    };

    (void)unused;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(sw_str_is_text(good[i], strlen(good[i])));
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(sw_str_is_text(bad[i], strlen(bad[i])));
    }
    /* a NUL inside the length is not text */
    assert_false(sw_str_is_text("a\0b", 3));
    /* a valid sequence cut by the length */
    assert_false(sw_str_is_text("\xc3\xa9", 1));
    assert_true(sw_str_is_text("\xc3\xa9", 2));
    assert_int_equal(sw_utf8_len("\xf0\x9f\x98\x80", 4), 4);
    assert_int_equal(sw_utf8_len("\xf0\x9f\x98\x80", 3), 0);
    assert_int_equal(sw_utf8_len("a", 0), 0);
}

static void sanitized(const char *in, const char *want, size_t replaced)
{
    char *s = sw_xstrdup(in);
    assert_int_equal(sw_str_sanitize(s), replaced);
    assert_string_equal(s, want);
    free(s);
}

static void test_str_sanitize(void **unused)
{
    (void)unused;
    sanitized("", "", 0);
    sanitized("ok\ttext", "ok\ttext", 0);
    sanitized("caf\xc3\xa9", "caf\xc3\xa9", 0);
    sanitized("a\nb\rc", "a?b?c", 2);
    sanitized("\x1b[31mred", "?[31mred", 1);
    sanitized("\x7f", "?", 1);
    sanitized("\xff\xfeok", "??ok", 2);
    sanitized("caf\xc3", "caf?", 1);
    sanitized("\xe2\x82x", "??x", 2);
    sanitized("\xed\xa0\x80", "???", 3);
    sanitized("\xc3\xa9\xc3", "\xc3\xa9?", 1);
}

/* ---- hashing ---- */

static void test_hash(void **unused)
{
    (void)unused;
    /* FNV-1a 64 test vectors */
    assert_true(sw_hash64("", 0, 0) == UINT64_C(14695981039346656037));
    assert_true(sw_hash_str("") == UINT64_C(14695981039346656037));
    assert_true(sw_hash_str("a") == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(sw_hash_str("foobar") == UINT64_C(0x85944171f73967e8));
    assert_true(sw_hash64("foobar", 6, 0) == UINT64_C(0x85944171f73967e8));
    assert_true(sw_hash64("a", 1, 1) == UINT64_C(0x60000000a320));
    /* pinned: schedule phases derive from it, so it must never change */
    assert_true(sw_hash_str("acme/fra1/identity/keystone-http") == UINT64_C(0xc7a93879824ecba5));
    assert_true(sw_hash64("a\0b", 3, 0) != sw_hash64("a", 1, 0));
}

/* ---- histograms ---- */

static void test_histogram(void **unused)
{
    static const double bounds[] = {0.005, 0.1, 1, 10};
    struct sw_histogram h;
    struct sw_buf b;

    (void)unused;
    sw_buf_init(&b);
    sw_histogram_init(&h, bounds, 4);
    sw_histogram_format(&h, "x", "", &b);
    assert_string_equal(b.data, "x_bucket{le=\"0.005\"} 0\n"
                                "x_bucket{le=\"0.1\"} 0\n"
                                "x_bucket{le=\"1\"} 0\n"
                                "x_bucket{le=\"10\"} 0\n"
                                "x_bucket{le=\"+Inf\"} 0\n"
                                "x_sum 0\n"
                                "x_count 0\n");
    sw_histogram_add(&h, 0.001);
    sw_histogram_add(&h, 0.1); /* on a bound: counts in that bucket (le) */
    sw_histogram_add(&h, 0.5);
    sw_histogram_add(&h, 100);
    assert_int_equal(h.count, 4);
    assert_int_equal(h.counts[0], 1);
    assert_int_equal(h.counts[1], 1);
    assert_int_equal(h.counts[2], 1);
    assert_int_equal(h.counts[3], 0);
    sw_buf_reset(&b);
    sw_histogram_format(&h, "sw_lateness_seconds", "", &b);
    assert_string_equal(b.data, "sw_lateness_seconds_bucket{le=\"0.005\"} 1\n"
                                "sw_lateness_seconds_bucket{le=\"0.1\"} 2\n"
                                "sw_lateness_seconds_bucket{le=\"1\"} 3\n"
                                "sw_lateness_seconds_bucket{le=\"10\"} 3\n"
                                "sw_lateness_seconds_bucket{le=\"+Inf\"} 4\n"
                                "sw_lateness_seconds_sum 100.601\n"
                                "sw_lateness_seconds_count 4\n");
    sw_buf_reset(&b);
    sw_histogram_format(&h, "p", "type=\"http\",node=\"a\"", &b);
    assert_string_equal(b.data, "p_bucket{type=\"http\",node=\"a\",le=\"0.005\"} 1\n"
                                "p_bucket{type=\"http\",node=\"a\",le=\"0.1\"} 2\n"
                                "p_bucket{type=\"http\",node=\"a\",le=\"1\"} 3\n"
                                "p_bucket{type=\"http\",node=\"a\",le=\"10\"} 3\n"
                                "p_bucket{type=\"http\",node=\"a\",le=\"+Inf\"} 4\n"
                                "p_sum{type=\"http\",node=\"a\"} 100.601\n"
                                "p_count{type=\"http\",node=\"a\"} 4\n");
    /* NULL labels are no labels; the text is appended */
    sw_buf_reset(&b);
    sw_buf_puts(&b, "# TYPE y histogram\n");
    sw_histogram_init(&h, bounds, 0);
    sw_histogram_add(&h, 2.5);
    sw_histogram_format(&h, "y", NULL, &b);
    assert_string_equal(b.data, "# TYPE y histogram\n"
                                "y_bucket{le=\"+Inf\"} 1\n"
                                "y_sum 2.5\n"
                                "y_count 1\n");
    sw_buf_release(&b);
}

static void test_histogram_limits(void **unused)
{
    double bounds[SW_HIST_MAX + 4];
    struct sw_histogram h;

    (void)unused;
    for (int i = 0; i < SW_HIST_MAX + 4; i++) {
        bounds[i] = i + 1;
    }
    sw_histogram_init(&h, bounds, SW_HIST_MAX + 4);
    assert_int_equal(h.n, SW_HIST_MAX);
    sw_histogram_add(&h, 20); /* beyond the kept bounds: only +Inf */
    assert_int_equal(h.count, 1);
    assert_int_equal(h.counts[SW_HIST_MAX - 1], 0);
    sw_histogram_init(&h, bounds, -1);
    assert_int_equal(h.n, 0);
    sw_histogram_add(&h, 1);
    assert_int_equal(h.count, 1);
}

static void test_ppm(void **state)
{
    static const struct {
        const char *s;
        uint32_t ppm;
    } ok[] = {{"99.95", 999500},   {"99.9", 999000}, {"100", 1000000}, {"0", 0},
              {"99.9999", 999999}, {"0.5", 5000},    {"95.0", 950000}, {"100.0000", 1000000}};
    static const char *const bad[] = {"99.99999", "100.0001", "101", "-1",     "",    ".5",
                                      "5.",       "99,9",     "1e2", "99.95%", " 99", NULL};
    uint32_t v;
    char out[16];

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(sw_ppm_parse(ok[i].s, &v), 0);
        assert_int_equal(v, ok[i].ppm);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sw_ppm_parse(bad[i], &v), -EINVAL);
    }
    assert_string_equal(sw_ppm_format(999500, out), "99.95");
    assert_string_equal(sw_ppm_format(1000000, out), "100");
    assert_string_equal(sw_ppm_format(999071, out), "99.9071");
    assert_string_equal(sw_ppm_format(0, out), "0");
}

static void test_amount(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(sw_amount_parse("12000.00", &v), 0);
    assert_int_equal(v, 1200000);
    assert_int_equal(sw_amount_parse("12000.5", &v), 0);
    assert_int_equal(v, 1200050);
    assert_int_equal(sw_amount_parse("7", &v), 0);
    assert_int_equal(v, 700);
    assert_int_equal(sw_amount_parse("1.001", &v), -EINVAL);
    assert_int_equal(sw_amount_parse("-3", &v), -EINVAL);
    assert_int_equal(sw_amount_parse("1000000000000000", &v), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_duration_parse_errors),
        cmocka_unit_test(test_duration_format),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_time_parse_errors),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_tz_valid),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_str_is_text),
        cmocka_unit_test(test_str_sanitize),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_histogram_limits),
        cmocka_unit_test(test_ppm),
        cmocka_unit_test(test_amount),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
