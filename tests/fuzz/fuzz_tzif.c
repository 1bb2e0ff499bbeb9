/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_tzif.c: libFuzzer target for the TZif reader (src/core/tz.c through tz_int.h): the
 * input is parsed as a zone file; a zone that parses is converted both ways at the ends of the
 * supported range, around 2026 and 2040 and at an instant taken from the input. Nothing may
 * crash, hang or leak, and every offset must stay within the 26 h RFC 8536 allows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tz_int.h"

static void check_tm(const struct tm *tm)
{
    if (tm->tm_gmtoff < -89999 || tm->tm_gmtoff > 93599 || tm->tm_mon < 0 || tm->tm_mon > 11 ||
        tm->tm_mday < 1 || tm->tm_mday > 31 || tm->tm_hour < 0 || tm->tm_hour > 23 ||
        tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_yday < 0 || tm->tm_yday > 365 ||
        !tm->tm_zone) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t ts[] = {-62135596800LL, -5000000000LL, 0, 1774747800, 2208988800LL,
                                 4102444800LL,   253402300799LL};
    static const int dates[][6] = {{1, 1, 1, 0, 0, 0},
                                   {2026, 3, 29, 2, 30, 0},
                                   {2026, 10, 25, 2, 30, 0},
                                   {2040, 6, 30, 12, 0, 0},
                                   {9999, 12, 31, 23, 59, 59}};
    struct sw_tzinfo *z = NULL;
    struct tm tm;
    int64_t t;
    uint64_t u = 0;

    if (sw_tzinfo_parse(data, size, &z) < 0) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
        if (sw_tzinfo_from_utc(z, ts[i], &tm) < 0) {
            abort();
        }
        check_tm(&tm);
    }
    for (size_t i = 0; i < 8 && i < size; i++) {
        u = u << 8 | data[size - 1 - i];
    }
    t = (int64_t)(u % 253402300800ULL);
    if (sw_tzinfo_from_utc(z, t, &tm) < 0) {
        abort();
    }
    check_tm(&tm);
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        const int *d = dates[i];

        if (sw_tzinfo_to_utc(z, d[0], d[1], d[2], d[3], d[4], d[5], &t) < 0) {
            abort();
        }
        if (t >= -62135596800LL && t <= 253402300799LL) {
            if (sw_tzinfo_from_utc(z, t, &tm) < 0) {
                abort();
            }
            check_tm(&tm);
        }
    }
    sw_tzinfo_free(z);
    return 0;
}
