/* SPDX-License-Identifier: Apache-2.0 */
/* tz_int.h: the TZif (RFC 8536) parser and converter behind tz.c, for its unit test and fuzz
 * target only; the rest of the daemon goes through core.h's sw_tz_*(). */
#ifndef SW_TZ_INT_H
#define SW_TZ_INT_H

#include <stddef.h>
#include <stdint.h>

struct tm;
/* One parsed zone; immutable once built. */
struct sw_tzinfo;

/* Largest TZif file accepted (bytes). */
#define SW_TZIF_MAX (256 * 1024)

/* Parses len bytes of a TZif file (version 1..4, without leap-second records) into
 * *ret_zone (free with sw_tzinfo_free()). Every count and offset is checked against the
 * buffer and the caps of tz.c; -EINVAL for anything malformed or unsupported, and then
 * *ret_zone is untouched. */
int sw_tzinfo_parse(const void *buf, size_t len, struct sw_tzinfo **ret_zone);
void sw_tzinfo_free(struct sw_tzinfo *z); /* NULL-safe */
/* As sw_tz_from_utc() and sw_tz_to_utc() of core.h, on a parsed zone. tm_zone points into z. */
int sw_tzinfo_from_utc(const struct sw_tzinfo *z, int64_t t, struct tm *ret_local);
int sw_tzinfo_to_utc(const struct sw_tzinfo *z, int y, int mon, int day, int h, int min, int s,
                     int64_t *ret_t);

#endif
