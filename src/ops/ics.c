/* SPDX-License-Identifier: Apache-2.0 */
/* ics.c: shifts as an iCalendar file (RFC 5545) that ordinary calendar programs import: one
 * VEVENT per shift, times in UTC, CRLF line endings, content lines folded at 75 octets, TEXT
 * values escaped. Pure: DTSTAMP comes in as an argument. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "ops/ops.h"

#define FOLD 75 /* octets per physical line, CRLF excluded (RFC 5545 section 3.1) */

/* Appends value to b, escaped when escape is set. -EINVAL for text that is not UTF-8 or holds
 * control characters (tab aside; a newline only when escaped). */
static int put_value(struct sw_buf *b, const char *value, bool escape)
{
    size_t n = strlen(value);

    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)value[i];
        size_t len = sw_utf8_len(value + i, n - i);
        if (len == 0) {
            return -EINVAL;
        }
        if (len > 1) {
            sw_buf_append(b, value + i, len);
            i += len;
            continue;
        }
        if (escape && c == '\n') {
            sw_buf_puts(b, "\\n");
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return -EINVAL;
        } else if (escape && (c == '\\' || c == ';' || c == ',')) {
            char e[2] = {'\\', (char)c};
            sw_buf_append(b, e, 2);
        } else {
            sw_buf_append(b, value + i, 1);
        }
        i++;
    }
    return 0;
}

int sw_ics_line(struct sw_buf *out, const char *name, const char *value, bool escape)
{
    struct sw_buf line;
    int r;

    if (!out || !name || !*name || !value) {
        return -EINVAL;
    }
    sw_buf_init(&line);
    sw_buf_puts(&line, name);
    sw_buf_puts(&line, ":");
    r = put_value(&line, value, escape);
    if (r < 0) {
        goto out;
    }
    /* fold: the first physical line holds FOLD octets, each continuation a space and FOLD - 1,
     * always cut between whole UTF-8 sequences (the line is valid UTF-8 by now) */
    for (size_t i = 0, room = FOLD; i < line.len; room = FOLD - 1) {
        size_t j = i;
        while (j < line.len) {
            size_t len = sw_utf8_len(line.data + j, line.len - j);
            if (j + len - i > room) {
                break;
            }
            j += len;
        }
        if (i > 0) {
            sw_buf_puts(out, " ");
        }
        sw_buf_append(out, line.data + i, j - i);
        sw_buf_puts(out, "\r\n");
        i = j;
    }
out:
    sw_buf_release(&line);
    return r;
}

/* t as "20260105T080000Z" (RFC 5545 DATE-TIME in UTC) into out (>= SW_TIME_LEN bytes). */
static char *ics_time(int64_t t, char *out)
{
    char iso[SW_TIME_LEN];
    size_t k = 0;

    sw_time_format(t, iso);
    for (const char *p = iso; *p; p++) {
        if (*p != '-' && *p != ':') {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
    return out;
}

struct item {
    struct sw_shift sh;
    size_t rot; /* index into rots */
    size_t seq; /* order of appearance, for a stable sort */
};

static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;

    if (x->sh.start != y->sh.start) {
        return x->sh.start < y->sh.start ? -1 : 1;
    }
    if (x->rot != y->rot) {
        return x->rot < y->rot ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int put_event(struct sw_buf *b, const struct sw_rotation *rot, const struct sw_shift *sh,
                     int64_t dtstamp)
{
    char t1[SW_TIME_LEN], t2[SW_TIME_LEN], ts[SW_TIME_LEN];
    char *uid = NULL, *summary = NULL;
    int r;

    uid = sw_xasprintf("%s-%s@stackward", rot->id, ics_time(sh->start, t1));
    summary = sw_xasprintf("On call: %s (%s%s)", rot->id, sh->engineer,
                           sh->override >= 0 ? ", override" : "");
    ics_time(sh->end, t2);
    ics_time(dtstamp, ts);
    sw_buf_puts(b, "BEGIN:VEVENT\r\n");
    r = sw_ics_line(b, "UID", uid, true);
    if (r < 0) {
        goto out;
    }
    sw_ics_line(b, "DTSTAMP", ts, false);
    sw_ics_line(b, "DTSTART", t1, false);
    sw_ics_line(b, "DTEND", t2, false);
    r = sw_ics_line(b, "SUMMARY", summary, true);
    if (r < 0) {
        goto out;
    }
    sw_buf_puts(b, "TRANSP:TRANSPARENT\r\n");
    sw_buf_puts(b, "END:VEVENT\r\n");
out:
    free(uid);
    free(summary);
    return r;
}

int sw_ics_export(const struct sw_rotation *rots, size_t n_rots, const char *engineer, int64_t from,
                  int64_t to, int64_t dtstamp, struct sw_buf *out)
{
    struct sw_shift_list l;
    struct sw_buf b;
    struct item *items = NULL;
    size_t n = 0, cap = 0;
    int r = 0;

    if (!out || (n_rots > 0 && !rots) || from >= to || to - from > SW_ROT_SPAN_MAX || dtstamp < 0 ||
        dtstamp > (int64_t)253402300799) {
        return -EINVAL;
    }
    sw_shift_list_init(&l);
    sw_buf_init(&b);
    for (size_t i = 0; i < n_rots; i++) {
        l.n = 0;
        r = sw_rotation_shifts(&rots[i], from, to, &l);
        if (r < 0) {
            goto out;
        }
        for (size_t k = 0; k < l.n; k++) {
            if (engineer && strcmp(engineer, l.v[k].engineer) != 0) {
                continue;
            }
            if (n >= SW_SHIFTS_MAX) {
                r = -E2BIG;
                goto out;
            }
            sw_xgrow((void **)&items, &cap, n + 1, sizeof(*items));
            items[n] = (struct item){.sh = l.v[k], .rot = i, .seq = n};
            n++;
        }
    }
    if (n > 1) {
        qsort(items, n, sizeof(*items), item_cmp);
    }
    sw_buf_puts(&b, "BEGIN:VCALENDAR\r\n"
                    "VERSION:2.0\r\n"
                    "PRODID:-//stackward//on-call export//EN\r\n"
                    "CALSCALE:GREGORIAN\r\n"
                    "METHOD:PUBLISH\r\n");
    for (size_t i = 0; i < n; i++) {
        r = put_event(&b, &rots[items[i].rot], &items[i].sh, dtstamp);
        if (r < 0) {
            goto out;
        }
    }
    sw_buf_puts(&b, "END:VCALENDAR\r\n");
    sw_buf_append(out, b.data, b.len);
out:
    free(items);
    sw_buf_release(&b);
    sw_shift_list_release(&l);
    return r;
}
