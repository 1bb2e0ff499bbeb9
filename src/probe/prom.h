/* SPDX-License-Identifier: Apache-2.0 */
/* prom.h: the pure half of the `prometheus` probe: parses the reply of Prometheus's instant
 * query API (GET /api/v1/query), parses the conditions written in the config ("nonempty",
 * "> 0.9") and judges a result against them. No I/O: the probe fetches the body, these
 * functions decide. Internal to src/probe; fuzzed alone (tests/fuzz/fuzz_prom.c). */
#ifndef SW_PROBE_PROM_H
#define SW_PROBE_PROM_H

#include <stddef.h>

#include "core/core.h"

/* data.resultType of a query reply. */
enum sw_prom_type {
    SW_PROM_VECTOR = 1, /* instant vector: zero or more series, one value each */
    SW_PROM_SCALAR = 2, /* one number without labels */
    SW_PROM_STRING = 3, /* one string (the query was a string literal) */
    SW_PROM_MATRIX = 4, /* range vector: refused by sw_prom_parse() */
};

struct sw_prom_sample {
    /* Owned. A vector series as Prometheus prints it, labels in the order received
     * (Prometheus sends them sorted): up{instance="a",job="x"}; the name alone when there are
     * no other labels (up); {} when there is neither (vector(1)). Label values are escaped
     * as in PromQL (\\, \", \n) and other control characters replaced by '?'.
     * "scalar" for a scalar; for a string result, the string itself (sanitised). */
    char *metric;
    double value; /* NaN for a string result */
};

struct sw_prom_result {
    int type;                       /* enum sw_prom_type; 0 while empty */
    struct sw_prom_sample *samples; /* owned, n of them */
    size_t n;                       /* vector: the series count; scalar and string: 1 */
};

/* Parses the body (len bytes, need not be NUL-terminated) of a /api/v1/query reply into
 * *ret, which the caller releases with sw_prom_result_release() whatever the outcome (it is
 * emptied first and stays empty on failure). Returns 0, or -EINVAL with the reason appended
 * to err, always valid text of one line:
 *  - {"status":"error"}: "ERRORTYPE: ERROR" as Prometheus sent them
 *    ("bad_data: invalid parameter \"query\": 1:4: parse error: ...");
 *  - malformed JSON: "malformed JSON at line L, column C: ...";
 *  - a missing or mistyped field, named by its path: "data.result[2].value[1]: \"x\" is not a
 *    number";
 *  - a matrix: "range vector result: use an instant query";
 *  - a native histogram sample: "data.result[0]: native histogram sample ...".
 * Values are strings in the JSON: decimal numbers, "NaN", "+Inf", "-Inf". */
int sw_prom_parse(const char *body, size_t len, struct sw_prom_result *ret, struct sw_buf *err);
/* Frees what r holds and empties it; NULL-safe, may be called twice. */
void sw_prom_result_release(struct sw_prom_result *r);

enum sw_prom_op {
    SW_PROM_NONEMPTY = 1, /* at least one sample */
    SW_PROM_EMPTY,        /* no sample */
    SW_PROM_GT,           /* > */
    SW_PROM_GE,           /* >= */
    SW_PROM_LT,           /* < */
    SW_PROM_LE,           /* <= */
    SW_PROM_EQ,           /* == */
    SW_PROM_NE,           /* != */
};

struct sw_prom_cond {
    int op;       /* enum sw_prom_op */
    double value; /* the number compared against; 0 for nonempty and empty */
};

/* Parses a condition as written in the config: "nonempty", "empty", or a comparator (>, >=,
 * <, <=, ==, !=) and a finite decimal number, blanks allowed around and between ("> 0.9",
 * "==0", " <= -1e3 "). Returns 0, or -EINVAL with the reason appended to err
 * ("condition \"= 1\": expected nonempty, empty or a comparison such as \"> 0.9\" (>, >=, <,
 * <=, ==, !=)", "condition \"> x\": \"x\" is not a finite number"). */
int sw_prom_cond_parse(const char *s, struct sw_prom_cond *ret, struct sw_buf *err);
/* Writes c as the config would ("> 0.9", "nonempty") into out (at least SW_PROM_COND_LEN
 * bytes) and returns out. */
#define SW_PROM_COND_LEN 40
char *sw_prom_cond_format(const struct sw_prom_cond *c, char *out);

/* Judges r: CRITICAL when crit holds, else WARNING when warn holds, else OK (warn and crit
 * may be NULL). nonempty and empty look at the number of samples (a scalar or a string is
 * one); a comparison holds when ANY sample's value satisfies it, with C's (and PromQL's)
 * rules for NaN: only != holds. A string result cannot be compared: with a comparison
 * condition the state is UNKNOWN. Appends one line to output, one of:
 *   2 series match > 0.9: up{instance="a",job="nova-api"} = 1
 *   1 series matches == 0: up{job="nova-api"} = 0
 *   scalar matches < 10: 3.5
 *   query returned 2 series, which matches nonempty: up{job="nova-api"} = 0
 *   query returned no series, which matches empty
 *   query returned 3 series, none matches          (OK, with a comparison condition)
 *   query returned 1 series, which does not match  (OK, with a comparison condition)
 *   query returned no series                        (OK)
 *   query returned scalar 42                        (OK)
 *   query returned string "x", which cannot be compared (> 1)   (UNKNOWN)
 * The series named is the first (in the reply's order) that satisfies the condition which
 * decided the state. */
enum sw_state sw_prom_judge(const struct sw_prom_result *r, const struct sw_prom_cond *warn,
                            const struct sw_prom_cond *crit, struct sw_buf *output);

#endif
