/* SPDX-License-Identifier: Apache-2.0 */
/* time.c: clocks, ISO 8601 times and durations, and time zone names. Calendar arithmetic is
 * exact integer work (days from the civil date), never the process's local time zone. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

int64_t sw_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

int64_t sw_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sw_mono_ms(void)
{
    return sw_mono_ns() / 1000000;
}

int64_t sw_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sw_deadline_after(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : n[m - 1];
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *ret)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return -EINVAL;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *ret = v;
    return 0;
}

int sw_time_parse(const char *s, int64_t *ret_t)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;

    if (!s || digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
        digits(&p, 2, &d) < 0) {
        return -EINVAL;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) {
        return -EINVAL;
    }
    if (*p == '\0') {
        goto done;
    }
    if (*p != 'T' && *p != 't' && *p != ' ') {
        return -EINVAL;
    }
    p++;
    if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0) {
        return -EINVAL;
    }
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec) < 0) {
            return -EINVAL;
        }
        if (*p == '.' || *p == ',') {
            p++;
            if (!isdigit((unsigned char)*p)) {
                return -EINVAL;
            }
            while (isdigit((unsigned char)*p)) {
                p++;
            }
        }
    }
    if (h > 23 || mi > 59 || sec > 60) {
        return -EINVAL;
    }
    if (sec == 60) {
        sec = 59; /* a leap second is held at the last second of the minute */
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (digits(&p, 2, &oh) < 0) {
            return -EINVAL;
        }
        if (*p == ':') {
            p++;
        }
        if (digits(&p, 2, &om) < 0 || oh > 23 || om > 59) {
            return -EINVAL;
        }
        off = sign * (oh * 3600 + om * 60);
    } else {
        return -EINVAL; /* a time without a zone is ambiguous */
    }
    if (*p != '\0') {
        return -EINVAL;
    }
done:
    *ret_t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 0;
}

char *sw_time_format(int64_t t, char *out)
{
    /* floor division and a remainder in [0, 86400), without overflow at the ends of int64 */
    int64_t days = t / 86400 - (t % 86400 < 0);
    int64_t rem = t % 86400 < 0 ? t % 86400 + 86400 : t % 86400, y;
    int m, d;

    civil_from_days(days, &y, &m, &d);
    snprintf(out, SW_TIME_LEN, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    return out;
}

int sw_duration_parse(const char *s, int64_t *ret_ms)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {
        {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"w", 604800000},
    };
    const char *p = s;
    int64_t total = 0;

    if (!s || !*s) {
        return -EINVAL;
    }
    while (*p) {
        int64_t v = 0;
        size_t i, best = 0, bestlen = 0;

        if (!isdigit((unsigned char)*p)) {
            return -EINVAL;
        }
        while (isdigit((unsigned char)*p)) {
            int digit = *p++ - '0';
            if (v > (INT64_MAX - digit) / 10) {
                return -ERANGE;
            }
            v = v * 10 + digit;
        }
        for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            size_t n = strlen(units[i].name);
            if (strncmp(p, units[i].name, n) == 0 && n > bestlen &&
                (n == 2 || !isalpha((unsigned char)p[n]))) {
                best = i;
                bestlen = n;
            }
        }
        if (!bestlen) {
            return -EINVAL;
        }
        p += bestlen;
        if (v > INT64_MAX / units[best].ms || total > INT64_MAX - v * units[best].ms) {
            return -ERANGE;
        }
        total += v * units[best].ms;
    }
    *ret_ms = total;
    return 0;
}

char *sw_duration_format(int64_t ms, char *out)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
    /* the magnitude as unsigned, so INT64_MIN has one too */
    uint64_t v = ms < 0 ? -(uint64_t)ms : (uint64_t)ms;
    size_t len = 0;

    if (ms == 0) {
        snprintf(out, 32, "0s");
        return out;
    }
    out[0] = '\0';
    if (ms < 0) {
        out[len++] = '-';
        out[len] = '\0';
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && v > 0; i++) {
        if (v >= (uint64_t)units[i].ms) {
            len += (size_t)snprintf(out + len, 32 - len, "%llu%s",
                                    (unsigned long long)(v / (uint64_t)units[i].ms), units[i].name);
            v %= (uint64_t)units[i].ms;
        }
    }
    return out;
}

bool sw_tz_valid(const char *name)
{
    char path[512], magic[4];
    int fd;
    ssize_t n;

    if (!name || !*name || name[0] == '/' || strstr(name, "..") || strlen(name) > 200) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p)) {
            return false;
        }
    }
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        return false;
    }
    n = read(fd, magic, sizeof(magic));
    close(fd);
    return n == 4 && memcmp(magic, "TZif", 4) == 0;
}
