/* SPDX-License-Identifier: Apache-2.0 */
/* tz.c: local wall time <-> UTC in a named IANA zone. Reads /usr/share/zoneinfo/NAME itself
 * (TZif, RFC 8536: the 64-bit block of version 2+ files and the POSIX TZ footer that governs
 * times after the last transition) with integer calendar arithmetic only: it never touches
 * the environment nor calls tzset/mktime/localtime, so any thread may call it at any time.
 * Parsed zones are cached by name in a table under one mutex, immutable once added and never
 * freed. Gaps (spring forward) move forward by the gap; ambiguous times (fall back) take the
 * first occurrence. See docs/internals/tz.md. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "core/tz_int.h"

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_TRANS_MAX 8192 /* transitions per zone */
#define TZ_TYPES_MAX 256  /* local time types: the indices are one byte */
#define TZ_CHARS_MAX 1024 /* bytes of abbreviations */
#define TZ_FOOTER_MAX 256 /* bytes of the POSIX TZ footer */
#define TZ_ABBR_MAX 16    /* characters of one footer abbreviation */
#define TZ_CACHE_MAX 4096 /* zones kept; the tz database has fewer names than this */
/* The UTC offsets RFC 8536 allows (-24:59:59 .. +25:59:59), s east of UTC. */
#define UTOFF_MIN (-89999)
#define UTOFF_MAX 93599
/* 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
#define T_MIN (-62135596800LL)
#define T_MAX 253402300799LL

struct tz_type {
    int32_t utoff;    /* s east of UTC */
    bool isdst;       /* daylight saving time */
    const char *abbr; /* into the zone: "CEST" */
};

enum tz_date_kind {
    TZ_DATE_J1,  /* Jn: day 1..365, February 29 never counted */
    TZ_DATE_J0,  /* n: day 0..365, February 29 counted */
    TZ_DATE_MWD, /* Mm.w.d: day d (0 = Sunday) of week w (5 = last) of month m */
};

/* One transition date of the footer rule. */
struct tz_date {
    enum tz_date_kind kind;
    int n;        /* J1, J0 */
    int m, w, d;  /* MWD */
    int32_t time; /* s after local midnight, -167 h .. 167 h */
};

/* The footer: "CET-1CEST,M3.5.0,M10.5.0/3". */
struct tz_rule {
    struct tz_type std;
    struct tz_type dst;   /* used only when has_dst */
    bool has_dst;         /* false: std all year */
    struct tz_date start; /* into DST, in standard local time */
    struct tz_date end;   /* out of DST, in daylight local time */
    char names[2][TZ_ABBR_MAX + 1];
};

struct sw_tzinfo {
    size_t ntrans;
    int64_t *trans; /* ntrans instants, strictly ascending */
    uint8_t *idx;   /* ntrans indices into types */
    size_t ntypes;  /* 1..TZ_TYPES_MAX */
    struct tz_type types[TZ_TYPES_MAX];
    char *chars;   /* the abbreviations, NUL-terminated each */
    bool has_rule; /* a non-empty footer */
    struct tz_rule rule;
};

/* ---- calendar arithmetic (proleptic Gregorian, days since 1970-01-01) ---- */

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(int64_t z, int64_t *ret_y, int *ret_m, int *ret_d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *ret_d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *ret_m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *ret_y = yoe + era * 400 + (*ret_m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static int weekday(int64_t days)
{
    return (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
}

static bool date_ok(int y, int mon, int day, int h, int min, int s)
{
    if (y < 1 || y > 9999 || mon < 1 || mon > 12 || h < 0 || h > 23 || min < 0 || min > 59 ||
        s < 0 || s > 59) {
        return false;
    }
    return day >= 1 && day <= month_days(y, mon);
}

/* ---- the POSIX TZ footer ---- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads 1..maxd digits. */
static int read_num(const char **pp, int maxd, int *ret)
{
    const char *p = *pp;
    int v = 0, n = 0;

    while (n < maxd && is_digit(*p)) {
        v = v * 10 + (*p++ - '0');
        n++;
    }
    if (n == 0) {
        return -EINVAL;
    }
    *pp = p;
    *ret = v;
    return 0;
}

/* "CET" or "<+0330>": 3..TZ_ABBR_MAX characters. */
static int parse_name(const char **pp, char *out)
{
    const char *p = *pp;
    size_t n = 0;

    if (*p == '<') {
        for (p++; *p != '>'; p++) {
            if (!is_alpha(*p) && !is_digit(*p) && *p != '+' && *p != '-') {
                return -EINVAL; /* also the end of the string */
            }
            if (n == TZ_ABBR_MAX) {
                return -EINVAL;
            }
            out[n++] = *p;
        }
        p++;
    } else {
        for (; is_alpha(*p); p++) {
            if (n == TZ_ABBR_MAX) {
                return -EINVAL;
            }
            out[n++] = *p;
        }
    }
    if (n < 3) {
        return -EINVAL;
    }
    out[n] = '\0';
    *pp = p;
    return 0;
}

/* [+-]hh[:mm[:ss]] with hh 0..hmax, as signed seconds. */
static int parse_hms(const char **pp, int hmax, int32_t *ret)
{
    const char *p = *pp;
    int sign = 1, h, m = 0, s = 0;

    if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
    }
    if (read_num(&p, 3, &h) < 0 || h > hmax) {
        return -EINVAL;
    }
    if (*p == ':') {
        p++;
        if (read_num(&p, 2, &m) < 0 || m > 59) {
            return -EINVAL;
        }
        if (*p == ':') {
            p++;
            if (read_num(&p, 2, &s) < 0 || s > 59) {
                return -EINVAL;
            }
        }
    }
    *pp = p;
    *ret = sign * (h * 3600 + m * 60 + s);
    return 0;
}

/* Jn, n or Mm.w.d, then an optional /time (02:00 when absent). */
static int parse_date(const char **pp, struct tz_date *d)
{
    const char *p = *pp;

    if (*p == 'J') {
        p++;
        d->kind = TZ_DATE_J1;
        if (read_num(&p, 3, &d->n) < 0 || d->n < 1 || d->n > 365) {
            return -EINVAL;
        }
    } else if (*p == 'M') {
        p++;
        d->kind = TZ_DATE_MWD;
        if (read_num(&p, 2, &d->m) < 0 || d->m < 1 || d->m > 12 || *p++ != '.' ||
            read_num(&p, 1, &d->w) < 0 || d->w < 1 || d->w > 5 || *p++ != '.' ||
            read_num(&p, 1, &d->d) < 0 || d->d > 6) {
            return -EINVAL;
        }
    } else {
        d->kind = TZ_DATE_J0;
        if (read_num(&p, 3, &d->n) < 0 || d->n > 365) {
            return -EINVAL;
        }
    }
    d->time = 2 * 3600;
    if (*p == '/') {
        p++;
        if (parse_hms(&p, 167, &d->time) < 0) {
            return -EINVAL;
        }
    }
    *pp = p;
    return 0;
}

/* s: the footer, NUL-terminated. A DST name without a rule is refused: POSIX leaves the
 * default to the implementation and zic never writes one. */
static int parse_rule(const char *s, struct tz_rule *rl)
{
    const char *p = s;
    int32_t off;

    memset(rl, 0, sizeof(*rl));
    if (parse_name(&p, rl->names[0]) < 0 || parse_hms(&p, 24, &off) < 0) {
        return -EINVAL;
    }
    rl->std.utoff = -off; /* POSIX counts west of Greenwich */
    if (*p == '\0') {
        return 0;
    }
    if (parse_name(&p, rl->names[1]) < 0) {
        return -EINVAL;
    }
    rl->has_dst = true;
    rl->dst.isdst = true;
    rl->dst.utoff = rl->std.utoff + 3600;
    if (*p != ',') {
        if (parse_hms(&p, 24, &off) < 0) {
            return -EINVAL;
        }
        rl->dst.utoff = -off;
    }
    if (*p++ != ',' || parse_date(&p, &rl->start) < 0 || *p++ != ',' ||
        parse_date(&p, &rl->end) < 0 || *p != '\0') {
        return -EINVAL;
    }
    return 0;
}

/* The instant a footer transition happens in year y, given the offset in force before it. */
static int64_t rule_instant(const struct tz_date *d, int64_t y, int32_t utoff)
{
    int64_t days = days_from_civil(y, 1, 1);

    if (d->kind == TZ_DATE_J1) {
        days += d->n - 1 + (is_leap(y) && d->n >= 60);
    } else if (d->kind == TZ_DATE_J0) {
        days += d->n;
    } else {
        int64_t first = days_from_civil(y, d->m, 1);
        int mday = 1 + (d->d - weekday(first) + 7) % 7 + 7 * (d->w - 1);
        int dim = month_days(y, d->m);

        while (mday > dim) {
            mday -= 7;
        }
        days = first + mday - 1;
    }
    return days * 86400 + d->time - utoff;
}

/* The footer's type at t and the next instant it changes (INT64_MAX if never). Events of the
 * two years either side are enough: a date with its time (up to 167 h) and offset moves at
 * most eight days from its year. Where both changes fall on one instant (DST all year) the
 * zone stays in DST. */
static void rule_lookup(const struct tz_rule *rl, int64_t t, const struct tz_type **ret_type,
                        int64_t *ret_until)
{
    int64_t y, best = INT64_MIN, until = INT64_MAX;
    bool dst = false;
    int m, d;

    if (!rl->has_dst) {
        *ret_type = &rl->std;
        *ret_until = INT64_MAX;
        return;
    }
    civil_from_days(floor_div(t, 86400), &y, &m, &d);
    for (int64_t yy = y - 2; yy <= y + 2; yy++) {
        int64_t ev[2] = {rule_instant(&rl->start, yy, rl->std.utoff),
                         rule_instant(&rl->end, yy, rl->dst.utoff)};

        for (int i = 0; i < 2; i++) {
            bool to_dst = i == 0;

            if (ev[i] <= t) {
                if (ev[i] > best || (ev[i] == best && to_dst)) {
                    best = ev[i];
                    dst = to_dst;
                }
            } else if (ev[i] < until) {
                until = ev[i];
            }
        }
    }
    *ret_type = dst ? &rl->dst : &rl->std;
    *ret_until = until;
}

/* ---- TZif ---- */

/* The type in force at t and the next instant after t at which it may change (INT64_MAX if
 * never). Before the first transition, type 0 (RFC 8536 3.2); from the last one on, the
 * footer, or the last type when there is none. */
static void lookup(const struct sw_tzinfo *z, int64_t t, const struct tz_type **ret_type,
                   int64_t *ret_until)
{
    size_t lo, hi;

    if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
        if (z->has_rule) {
            rule_lookup(&z->rule, t, ret_type, ret_until);
            return;
        }
        *ret_type = &z->types[z->ntrans ? z->idx[z->ntrans - 1] : 0];
        *ret_until = INT64_MAX;
        return;
    }
    if (t < z->trans[0]) {
        *ret_type = &z->types[0];
        *ret_until = z->trans[0];
        return;
    }
    /* the last transition at or before t: trans[lo] <= t < trans[hi] */
    lo = 0;
    hi = z->ntrans - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    *ret_type = &z->types[z->idx[lo]];
    *ret_until = z->trans[hi];
}

struct reader {
    const uint8_t *p;
    size_t len;
    size_t off;
};

static const uint8_t *take(struct reader *rd, uint64_t n)
{
    const uint8_t *p;

    if (n > rd->len - rd->off) {
        return NULL;
    }
    p = rd->p + rd->off;
    rd->off += (size_t)n;
    return p;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct header {
    int version; /* 1..4 */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int read_header(struct reader *rd, struct header *h)
{
    const uint8_t *p = take(rd, 44);

    if (!p || memcmp(p, "TZif", 4) != 0) {
        return -EINVAL;
    }
    if (p[4] == 0) {
        h->version = 1;
    } else if (p[4] >= '2' && p[4] <= '4') {
        h->version = p[4] - '0';
    } else {
        return -EINVAL;
    }
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    return 0;
}

/* Bytes of the data block after a header; tsize is 4 (version 1) or 8. */
static uint64_t block_size(const struct header *h, unsigned tsize)
{
    return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int parse_block(struct reader *rd, const struct header *h, unsigned tsize,
                       struct sw_tzinfo *z)
{
    const uint8_t *times, *idx, *types, *chars, *isstd, *isut;

    /* Leap-second ("right/") zones count time differently; they are not supported. */
    if (h->typecnt == 0 || h->typecnt > TZ_TYPES_MAX || h->charcnt == 0 ||
        h->charcnt > TZ_CHARS_MAX || h->timecnt > TZ_TRANS_MAX || h->leapcnt != 0 ||
        (h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
        (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
        return -EINVAL;
    }
    times = take(rd, (uint64_t)h->timecnt * tsize);
    idx = take(rd, h->timecnt);
    types = take(rd, (uint64_t)h->typecnt * 6);
    chars = take(rd, h->charcnt);
    isstd = take(rd, h->isstdcnt);
    isut = take(rd, h->isutcnt);
    if (!times || !idx || !types || !chars || !isstd || !isut) {
        return -EINVAL;
    }
    if (chars[h->charcnt - 1] != '\0') {
        return -EINVAL; /* then every abbreviation ends inside the block */
    }
    for (uint32_t i = 0; i < h->isstdcnt; i++) {
        if (isstd[i] > 1 || (h->isutcnt && isut[i] > isstd[i])) {
            return -EINVAL;
        }
    }
    for (uint32_t i = 0; i < h->isutcnt; i++) {
        if (isut[i] > 1) {
            return -EINVAL;
        }
    }

    z->ntrans = h->timecnt;
    z->ntypes = h->typecnt;
    z->trans = sw_xcalloc(z->ntrans ? z->ntrans : 1, sizeof(*z->trans));
    z->idx = sw_xcalloc(z->ntrans ? z->ntrans : 1, 1);
    z->chars = sw_xmalloc(h->charcnt);
    memcpy(z->chars, chars, h->charcnt);
    for (size_t i = 0; i < z->ntrans; i++) {
        z->trans[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        if ((i > 0 && z->trans[i] <= z->trans[i - 1]) || idx[i] >= h->typecnt) {
            return -EINVAL;
        }
        z->idx[i] = idx[i];
    }
    for (size_t i = 0; i < z->ntypes; i++) {
        const uint8_t *p = types + 6 * i;
        int32_t utoff = (int32_t)be32(p);

        if (utoff < UTOFF_MIN || utoff > UTOFF_MAX || p[4] > 1 || p[5] >= h->charcnt) {
            return -EINVAL;
        }
        z->types[i].utoff = utoff;
        z->types[i].isdst = p[4];
        z->types[i].abbr = z->chars + p[5];
    }
    return 0;
}

/* "\nFOOTER\n" up to the end of the buffer. */
static int parse_footer(struct reader *rd, struct sw_tzinfo *z)
{
    char s[TZ_FOOTER_MAX + 1];
    const uint8_t *p = take(rd, 1), *nl;
    size_t n;

    if (!p || *p != '\n') {
        return -EINVAL;
    }
    p = rd->p + rd->off;
    nl = memchr(p, '\n', rd->len - rd->off);
    if (!nl) {
        return -EINVAL;
    }
    n = (size_t)(nl - p);
    if (n > TZ_FOOTER_MAX || memchr(p, '\0', n) || rd->off + n + 1 != rd->len) {
        return -EINVAL;
    }
    if (n == 0) {
        return 0;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    if (parse_rule(s, &z->rule) < 0) {
        return -EINVAL;
    }
    z->rule.std.abbr = z->rule.names[0];
    z->rule.dst.abbr = z->rule.names[1];
    z->has_rule = true;
    return 0;
}

void sw_tzinfo_free(struct sw_tzinfo *z)
{
    if (!z) {
        return;
    }
    free(z->trans);
    free(z->idx);
    free(z->chars);
    free(z);
}

int sw_tzinfo_parse(const void *buf, size_t len, struct sw_tzinfo **ret_zone)
{
    struct reader rd = {.p = buf, .len = len, .off = 0};
    struct sw_tzinfo *z = NULL;
    struct header h;
    int r = -EINVAL;

    if (!buf || len > SW_TZIF_MAX) {
        goto out;
    }
    r = read_header(&rd, &h);
    if (r < 0) {
        goto out;
    }
    if (h.version >= 2) {
        /* skip the 32-bit block, then read the 64-bit one and the footer */
        r = -EINVAL;
        if (!take(&rd, block_size(&h, 4))) {
            goto out;
        }
        r = read_header(&rd, &h);
        if (r < 0) {
            goto out;
        }
    }
    z = sw_xcalloc(1, sizeof(*z));
    r = parse_block(&rd, &h, h.version >= 2 ? 8 : 4, z);
    if (r < 0) {
        goto out;
    }
    if (h.version >= 2) {
        r = parse_footer(&rd, z);
    } else if (rd.off != rd.len) {
        r = -EINVAL;
    }
    if (r < 0) {
        goto out;
    }
    *ret_zone = z;
    z = NULL;
out:
    sw_tzinfo_free(z);
    return r;
}

int sw_tzinfo_from_utc(const struct sw_tzinfo *z, int64_t t, struct tm *ret_local)
{
    const struct tz_type *ty;
    int64_t until, local, days, rem, y;
    struct tm tm;
    int m, d;

    if (t < T_MIN || t > T_MAX) {
        return -EINVAL;
    }
    lookup(z, t, &ty, &until);
    local = t + ty->utoff;
    days = floor_div(local, 86400);
    rem = local - days * 86400;
    civil_from_days(days, &y, &m, &d);
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = (int)(y - 1900);
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = (int)(rem / 3600);
    tm.tm_min = (int)(rem / 60 % 60);
    tm.tm_sec = (int)(rem % 60);
    tm.tm_wday = weekday(days);
    tm.tm_yday = (int)(days - days_from_civil(y, 1, 1));
    tm.tm_isdst = ty->isdst;
    tm.tm_gmtoff = ty->utoff;
    tm.tm_zone = ty->abbr;
    *ret_local = tm;
    return 0;
}

int sw_tzinfo_to_utc(const struct sw_tzinfo *z, int y, int mon, int day, int h, int min, int s,
                     int64_t *ret_t)
{
    const struct tz_type *ty, *prev = NULL;
    int64_t local, t, end, until, gap = INT64_MIN;

    if (!date_ok(y, mon, day, h, min, s)) {
        return -EINVAL;
    }
    local = days_from_civil(y, mon, day) * 86400 + h * 3600 + min * 60 + s;

    /* Every instant that can read as this wall time lies in [local - UTOFF_MAX, local -
     * UTOFF_MIN]. Walk the pieces of constant type across that window in time order; the
     * first whose offset maps the wall time inside itself gives the earliest instant. With
     * none, the wall time sits in a gap: read it with the offset before the gap, which lands
     * as far past the change as the wall time was past it (02:30 -> 03:30). */
    t = local - UTOFF_MAX - 1;
    end = local - UTOFF_MIN + 1;
    while (t <= end) {
        int64_t cand;

        lookup(z, t, &ty, &until);
        cand = local - ty->utoff;
        if (prev && gap == INT64_MIN && local - prev->utoff >= t && cand < t) {
            gap = local - prev->utoff;
        }
        if (cand >= t && cand < until) {
            *ret_t = cand;
            return 0;
        }
        prev = ty;
        t = until;
    }
    /* Unreachable for offsets within the window's bounds; the first offset is a safe read. */
    if (gap == INT64_MIN) {
        lookup(z, local - UTOFF_MAX - 1, &ty, &until);
        gap = local - ty->utoff;
    }
    *ret_t = gap;
    return 0;
}

/* ---- the cache of zones by name ---- */

struct tz_entry {
    char *name; /* owned; NULL for an empty slot */
    struct sw_tzinfo *zone;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz_entry *cache; /* open addressing, cache_cap slots (a power of two) */
static size_t cache_cap, cache_len;

/* The slot of name, or the empty slot where it would go; caller holds cache_lock. */
static struct tz_entry *cache_slot(struct tz_entry *tab, size_t cap, const char *name)
{
    size_t i = (size_t)sw_hash_str(name) & (cap - 1);

    while (tab[i].name && strcmp(tab[i].name, name) != 0) {
        i = (i + 1) & (cap - 1);
    }
    return &tab[i];
}

static const struct sw_tzinfo *cache_find(const char *name)
{
    const struct sw_tzinfo *z = NULL;

    pthread_mutex_lock(&cache_lock);
    if (cache) {
        z = cache_slot(cache, cache_cap, name)->zone;
    }
    pthread_mutex_unlock(&cache_lock);
    return z;
}

/* Adds the zone unless another thread did first; *zp is then the cached one. */
static int cache_add(const char *name, struct sw_tzinfo **zp)
{
    struct tz_entry *e;
    int r = 0;

    pthread_mutex_lock(&cache_lock);
    if (cache) {
        e = cache_slot(cache, cache_cap, name);
        if (e->zone) {
            sw_tzinfo_free(*zp);
            *zp = e->zone;
            goto out;
        }
    }
    if (cache_len >= TZ_CACHE_MAX) {
        r = -ENOSPC;
        goto out;
    }
    if ((cache_len + 1) * 2 > cache_cap) {
        size_t cap = cache_cap ? cache_cap * 2 : 64;
        struct tz_entry *tab = sw_xcalloc(cap, sizeof(*tab));

        for (size_t i = 0; i < cache_cap; i++) {
            if (cache[i].name) {
                *cache_slot(tab, cap, cache[i].name) = cache[i];
            }
        }
        free(cache);
        cache = tab;
        cache_cap = cap;
    }
    e = cache_slot(cache, cache_cap, name);
    e->name = sw_xstrdup(name);
    e->zone = *zp;
    cache_len++;
out:
    pthread_mutex_unlock(&cache_lock);
    return r;
}

static int read_zone_file(const char *name, struct sw_tzinfo **ret_zone)
{
    char path[512];
    uint8_t *buf = sw_xmalloc(SW_TZIF_MAX + 1);
    size_t len = 0;
    int fd, r = -EINVAL;

    snprintf(path, sizeof(path), TZ_DIR "%s", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        goto out;
    }
    while (len <= SW_TZIF_MAX) {
        ssize_t n = read(fd, buf + len, SW_TZIF_MAX + 1 - len);

        if (n == -1 && errno == EINTR) {
            continue;
        }
        if (n == -1) {
            goto out;
        }
        if (n == 0) {
            break;
        }
        len += (size_t)n;
    }
    if (len > SW_TZIF_MAX) {
        goto out;
    }
    r = sw_tzinfo_parse(buf, len, ret_zone);
out:
    if (fd != -1) {
        close(fd);
    }
    free(buf);
    return r;
}

/* The cached zone of name, parsing it on first use. -EINVAL for an unknown name or a
 * malformed file, -ENOSPC once TZ_CACHE_MAX zones are cached. */
static int zone_get(const char *tz, const struct sw_tzinfo **ret_zone)
{
    struct sw_tzinfo *z = NULL;
    int r;

    if (!tz) {
        return -EINVAL;
    }
    *ret_zone = cache_find(tz);
    if (*ret_zone) {
        return 0;
    }
    if (!sw_tz_valid(tz)) {
        return -EINVAL;
    }
    r = read_zone_file(tz, &z);
    if (r < 0) {
        return r;
    }
    r = cache_add(tz, &z);
    if (r < 0) {
        sw_tzinfo_free(z);
        return r;
    }
    *ret_zone = z;
    return 0;
}

int sw_tz_to_utc(const char *tz, int y, int mon, int day, int h, int min, int s, int64_t *ret_t)
{
    const struct sw_tzinfo *z;
    int r;

    if (!date_ok(y, mon, day, h, min, s)) {
        return -EINVAL;
    }
    r = zone_get(tz, &z);
    if (r < 0) {
        return r;
    }
    return sw_tzinfo_to_utc(z, y, mon, day, h, min, s, ret_t);
}

int sw_tz_from_utc(const char *tz, int64_t t, struct tm *ret_local)
{
    const struct sw_tzinfo *z;
    int r;

    if (t < T_MIN || t > T_MAX) {
        return -EINVAL;
    }
    r = zone_get(tz, &z);
    if (r < 0) {
        return r;
    }
    return sw_tzinfo_from_utc(z, t, ret_local);
}

int sw_tz_month(const char *tz, int y, int mon, int64_t *ret_start, int64_t *ret_end)
{
    int64_t start, end;
    int r;

    if (y < 1 || y > 9998 || mon < 1 || mon > 12) {
        return -EINVAL;
    }
    r = sw_tz_to_utc(tz, y, mon, 1, 0, 0, 0, &start);
    if (r < 0) {
        return r;
    }
    r = sw_tz_to_utc(tz, mon == 12 ? y + 1 : y, mon == 12 ? 1 : mon + 1, 1, 0, 0, 0, &end);
    if (r < 0) {
        return r;
    }
    *ret_start = start;
    *ret_end = end;
    return 0;
}
