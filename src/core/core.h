/* SPDX-License-Identifier: Apache-2.0 */
/* core.h: the foundation every other part stands on: allocation that dies loudly, growable
 * buffers, time and durations, check states, hashing and logging. Depends on nothing else
 * in src/. */
#ifndef SW_CORE_H
#define SW_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- allocation: abort on out-of-memory (a daemon out of memory dies loudly) ---- */

void *sw_xmalloc(size_t n);
void *sw_xcalloc(size_t n, size_t size);
void *sw_xrealloc(void *p, size_t n);
/* Grows *p (an array of *cap elements of size size) so it holds at least need elements. */
void sw_xgrow(void **p, size_t *cap, size_t need, size_t size);
char *sw_xstrdup(const char *s);            /* NULL-safe: NULL gives NULL */
char *sw_xstrndup(const char *s, size_t n); /* at most n bytes, as strndup(3) */
char *sw_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- growable byte buffer, always NUL-terminated once anything was added ---- */

struct sw_buf {
    char *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap;
};

void sw_buf_init(struct sw_buf *b);
void sw_buf_release(struct sw_buf *b);
void sw_buf_reset(struct sw_buf *b); /* len = 0, keeps the memory */
void sw_buf_append(struct sw_buf *b, const void *p, size_t n);
void sw_buf_puts(struct sw_buf *b, const char *s);
void sw_buf_printf(struct sw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sw_buf_vprintf(struct sw_buf *b, const char *fmt, va_list ap);
/* Hands the string to the caller (never NULL: "" when empty) and empties the buffer. */
char *sw_buf_steal(struct sw_buf *b);
/* Appends s as a JSON string literal, quotes included. */
void sw_buf_json_str(struct sw_buf *b, const char *s);
/* Appends s (n bytes, any bytes) to b double-quoted for an error message: at most max bytes
 * of it, then "..." after the quote; '"', '\\', newline, CR and tab escaped as in C, other
 * control bytes and broken UTF-8 as \xNN, valid UTF-8 kept. */
void sw_buf_quoted(struct sw_buf *b, const char *s, size_t n, size_t max);
/* "malformed JSON at line L, column C: TEXT", TEXT (a parser's message, which may quote the
 * bad input) made valid one-line text. */
void sw_buf_json_error(struct sw_buf *b, int line, int column, const char *text);
/* Appends `, "key": VALUE` to an object being written: the string v quoted, or null when v is
 * NULL; the time t (Unix s) as ISO 8601 UTC, or null when t is 0. */
void sw_buf_json_kv_str(struct sw_buf *b, const char *key, const char *v);
void sw_buf_json_kv_time(struct sw_buf *b, const char *key, int64_t t);

/* ---- check states: the Nagios plugin convention ---- */

enum sw_state {
    SW_OK = 0,
    SW_WARNING = 1,
    SW_CRITICAL = 2,
    SW_UNKNOWN = 3,
};
#define SW_STATE_COUNT 4

const char *sw_state_name(enum sw_state s); /* "OK", "WARNING", "CRITICAL", "UNKNOWN" */
/* Accepts "OK".. "UNKNOWN" (any case) and "0".."3". Returns 0 or -EINVAL. */
int sw_state_parse(const char *s, enum sw_state *ret_state);
/* Severity order for aggregation: OK < WARNING < UNKNOWN < CRITICAL. */
int sw_state_rank(enum sw_state s);

/* ---- time: int64 Unix seconds (or ms where named), UTC ---- */

int64_t sw_now(void);     /* wall clock, s */
int64_t sw_now_ms(void);  /* wall clock, ms */
int64_t sw_mono_ms(void); /* monotonic, ms */
int64_t sw_mono_ns(void); /* monotonic, ns */
struct timespec;
/* The CLOCK_MONOTONIC time ms from now, for pthread_cond_timedwait() on a condition variable
 * whose clock is CLOCK_MONOTONIC. */
void sw_deadline_after(struct timespec *ts, int64_t ms);

/* Parses ISO 8601 / RFC 3339: "2026-10-05T10:15:00Z", "...+01:00", fractional seconds
 * (dropped), "2026-10-05 10:15:00Z", and a bare date "2026-10-05" (00:00 UTC). A time
 * without a zone is refused. Returns 0 or -EINVAL. */
int sw_time_parse(const char *s, int64_t *ret_t);
/* Writes t as "2026-10-05T10:15:00Z" into out (at least SW_TIME_LEN bytes). */
#define SW_TIME_LEN 32
char *sw_time_format(int64_t t, char *out);

/* Parses a duration: a whole number with a unit, or several ("1h30m"): ms, s, m, h, d, w.
 * A bare number is refused (the unit is never guessed). Returns 0 or -EINVAL, -ERANGE. */
int sw_duration_parse(const char *s, int64_t *ret_ms);
/* Writes the shortest exact form ("90s" -> "1m30s", "500ms") into out (>= 32 bytes). */
char *sw_duration_format(int64_t ms, char *out);

/* True when name is an IANA zone found in the system tz database. */
bool sw_tz_valid(const char *name);

/* Zone arithmetic (tz.c) on the system tz database: tz.c reads /usr/share/zoneinfo/NAME (TZif,
 * RFC 8536, with its POSIX TZ footer for times after the last transition) itself, parses each
 * zone once and caches it for the life of the process. It never touches the environment nor
 * calls the libc time-zone functions, so any thread may call these at any time.
 * tz is an IANA name accepted by sw_tz_valid(); years 1..9999. A zone file that is malformed
 * or has leap-second records ("right/...") gives -EINVAL; -ENOSPC once 4096 zones are cached. */
struct tm;
/* Local wall time y-mon-day h:min:s (mon 1..12, day 1..31, h 0..23, min and s 0..59) in tz to
 * UTC. A time that does not exist (spring-forward gap) moves forward by the gap (02:30 ->
 * 03:30 on the March change in Europe/Berlin); an ambiguous one (fall back) takes the first
 * occurrence, the earlier instant. -EINVAL for an unknown zone or a bad date. */
int sw_tz_to_utc(const char *tz, int y, int mon, int day, int h, int min, int s, int64_t *ret_t);
/* t as local time in tz: all of struct tm, with tm_gmtoff (s east of UTC), tm_isdst, tm_wday,
 * tm_yday, and tm_zone pointing at the cached abbreviation ("CEST"), valid for the life of the
 * process. -EINVAL for an unknown zone or t outside years 1..9999. */
int sw_tz_from_utc(const char *tz, int64_t t, struct tm *ret_local);
/* The calendar month y-mon in tz: [local y-mon-01 00:00, local next month 01 00:00) in UTC
 * (October 2026 in Europe/Berlin is 2,682,000 s long). -EINVAL as sw_tz_to_utc(). */
int sw_tz_month(const char *tz, int y, int mon, int64_t *ret_start, int64_t *ret_end);

/* ---- exact decimal ratios and amounts ---- */

/* Parses a percentage written as a plain decimal ("99.95", "100", "0.5") with at most 4
 * decimals into parts per million (99.95 -> 999500), exactly, without floating point.
 * 0..100 only. Returns 0 or -EINVAL. */
int sw_ppm_parse(const char *s, uint32_t *ret_ppm);
/* Writes ppm as a percentage with up to 4 decimals, trailing zeros dropped ("99.95"). */
char *sw_ppm_format(uint32_t ppm, char *out); /* out: at least 16 bytes */
/* Parses a money amount with at most 2 decimals ("12000", "12000.5", "12000.00") into minor
 * units (cents): 1200000. Non-negative, below 1e15. Returns 0 or -EINVAL. */
int sw_amount_parse(const char *s, int64_t *ret_minor);

/* ---- hashing ---- */

uint64_t sw_hash64(const void *p, size_t n, uint64_t seed); /* FNV-1a 64 */
uint64_t sw_hash_str(const char *s);

/* ---- logging: to stderr, one line per event, time and level first ---- */

enum sw_log_level {
    SW_LOG_DEBUG = 0,
    SW_LOG_INFO = 1,
    SW_LOG_WARN = 2,
    SW_LOG_ERROR = 3,
};

void sw_log_set_level(enum sw_log_level level);
enum sw_log_level sw_log_get_level(void);
/* Accepts debug, info, warn, error. */
int sw_log_level_parse(const char *s, enum sw_log_level *ret);
void sw_log(enum sw_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define sw_debug(...) sw_log(SW_LOG_DEBUG, __VA_ARGS__)
#define sw_info(...) sw_log(SW_LOG_INFO, __VA_ARGS__)
#define sw_warn(...) sw_log(SW_LOG_WARN, __VA_ARGS__)
#define sw_error(...) sw_log(SW_LOG_ERROR, __VA_ARGS__)

/* ---- histograms (Prometheus style) ---- */

#define SW_HIST_MAX 16
struct sw_histogram {
    int n;                        /* buckets in use */
    double bounds[SW_HIST_MAX];   /* upper bounds, ascending */
    uint64_t counts[SW_HIST_MAX]; /* per bucket, not cumulative */
    uint64_t count;               /* all observations (+Inf) */
    double sum;
};

/* bounds: n ascending upper bounds (n <= SW_HIST_MAX). */
void sw_histogram_init(struct sw_histogram *h, const double *bounds, int n);
void sw_histogram_add(struct sw_histogram *h, double v);
/* Appends name_bucket{labels,le="..."} lines, _sum and _count in Prometheus text format.
 * labels is "" or 'k="v",k2="v2"' (no braces). */
void sw_histogram_format(const struct sw_histogram *h, const char *name, const char *labels,
                         struct sw_buf *out);

/* ---- a string-keyed hash map (open addressing); keys are borrowed, not copied ---- */

struct sw_map {
    struct sw_map_slot {
        const char *key;
        void *value;
    } * slots;
    size_t cap; /* a power of two, or 0 */
    size_t len;
};

void sw_map_init(struct sw_map *m);
void sw_map_release(struct sw_map *m); /* frees the table, not the keys or values */
/* Sets key to value (replacing); key must live as long as the entry. */
void sw_map_put(struct sw_map *m, const char *key, void *value);
void *sw_map_get(const struct sw_map *m, const char *key); /* NULL when absent */

/* ---- small string helpers ---- */

bool sw_str_has_prefix(const char *s, const char *prefix);
/* An id as the configuration accepts them (1..64 bytes of [A-Za-z0-9_.-], starting with a
 * letter or digit) made from any text, for objects named by other systems (a catalog's
 * region, a Juju unit, an alert's name): each run of other bytes becomes one '-', leading
 * and trailing '-', '.' and '_' go, the rest is cut at 64 bytes. Writes it NUL-terminated
 * into buf (size >= 65) and returns its length; 0 (buf "") when nothing usable is left. */
size_t sw_id_from(const char *s, char *buf, size_t size);
/* Replaces bytes that are not printable UTF-8 text (control characters other than tab,
 * invalid UTF-8) in s with '?'; returns the number replaced. */
size_t sw_str_sanitize(char *s);
/* True when s (n bytes) is valid UTF-8 without NUL or control characters besides \t \n \r. */
bool sw_str_is_text(const char *s, size_t n);
/* Length (1..4) of the valid UTF-8 sequence at s (at most n >= 1 bytes), or 0 when s does not
 * start one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut off). */
size_t sw_utf8_len(const char *s, size_t n);

#endif
