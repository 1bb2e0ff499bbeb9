/* SPDX-License-Identifier: Apache-2.0 */
/* oncall.c: the on-call page of the web UI: for every rotation of the configuration, who is
 * on call now and the shifts of the next days (7 by default, `days=1..31`), in the rotation's
 * own time zone, overrides marked as such. The arithmetic is ops.h's (sw_rotation_shift_at,
 * sw_rotation_shifts); this file only lays it out. The team's page: a customer gets a 404. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops/ops.h"
#include "web/web_int.h"

#define DAYS_DEFAULT 7
#define DAYS_MAX 31

/* t as the rotation's local time, "Mon 2026-06-01 09:00 CEST", in a <time> element that
 * carries the instant in UTC for machines. */
static void local_time(struct sw_buf *b, const char *tz, int64_t t)
{
    static const char *const wday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    char iso[SW_TIME_LEN];
    struct tm tm;

    if (sw_tz_from_utc(tz, t, &tm) < 0 || tm.tm_wday < 0 || tm.tm_wday > 6) {
        sw_web_time(b, t);
        return;
    }
    sw_time_format(t, iso);
    sw_buf_printf(b, "<time datetime=\"%s\">%s %04d-%02d-%02d %02d:%02d ", iso, wday[tm.tm_wday],
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    sw_web_esc(b, tm.tm_zone);
    sw_buf_puts(b, "</time>");
}

/* The engineer's name, with the id when they differ. */
static void engineer(struct sw_buf *b, const struct sw_config *cfg, const char *id)
{
    const struct sw_engineer_conf *e = sw_config_find_engineer(cfg, id);

    if (e && e->name && strcmp(e->name, id) != 0) {
        sw_web_esc(b, e->name);
        sw_buf_puts(b, " <span class=\"muted\">(");
        sw_web_esc(b, id);
        sw_buf_puts(b, ")</span>");
    } else {
        sw_web_esc(b, id);
    }
}

static void override_mark(struct sw_buf *b, const struct sw_shift *s)
{
    if (s->override >= 0) {
        sw_buf_puts(b, " <span class=\"badge override\">\u21c4 override</span>");
    }
}

static void rotation(struct sw_buf *b, const struct sw_web_req *r, size_t i, int days)
{
    const struct sw_rotation *rot = &r->cfg->rotation_confs[i].rot;
    struct sw_shift_list l;
    struct sw_shift cur;
    int64_t first;
    int rc;

    sw_buf_printf(
        b, "<section class=\"rotation\" aria-labelledby=\"rot-%zu\">\n<h2 id=\"rot-%zu\">", i, i);
    sw_web_esc(b, rot->id);
    sw_buf_puts(b, "</h2>\n<p>Time zone: ");
    sw_web_esc(b, rot->tz);
    sw_buf_puts(b, "</p>\n");

    rc = sw_rotation_shift_at(rot, r->now, &cur);
    if (rc == 0) {
        sw_buf_puts(b, "<p class=\"now\">On call now: <strong>");
        engineer(b, r->cfg, cur.engineer);
        sw_buf_puts(b, "</strong>");
        override_mark(b, &cur);
        sw_buf_puts(b, " until ");
        local_time(b, rot->tz, cur.end);
        sw_buf_puts(b, "</p>\n");
    } else if (rc == -ENOENT && sw_rotation_first(rot, &first) == 0) {
        sw_buf_puts(b, "<p class=\"now\">Nobody is on call yet: the rotation starts ");
        local_time(b, rot->tz, first);
        sw_buf_puts(b, ".</p>\n");
    } else {
        sw_buf_puts(b, "<p class=\"error\">Who is on call cannot be computed for this rotation."
                       "</p>\n</section>\n");
        return;
    }

    sw_shift_list_init(&l);
    rc = sw_rotation_shifts(rot, r->now, r->now + (int64_t)days * 86400, &l);
    if (rc < 0 && rc != -E2BIG) {
        sw_buf_puts(b, "<p class=\"error\">The shifts cannot be computed for this rotation.</p>\n");
    } else if (l.n == 0) {
        sw_buf_printf(b, "<p>No shifts in the next %d days.</p>\n", days);
    } else {
        sw_buf_printf(b,
                      "<table class=\"list shifts\">\n<caption>Shifts of the next %d day%s"
                      "</caption>\n<thead><tr><th scope=\"col\">From</th>"
                      "<th scope=\"col\">To</th><th scope=\"col\">Engineer</th></tr></thead>\n"
                      "<tbody>\n",
                      days, days == 1 ? "" : "s");
        for (size_t k = 0; k < l.n; k++) {
            const struct sw_shift *s = &l.v[k];
            bool now = s->start <= r->now && r->now < s->end;
            sw_buf_printf(b, "<tr%s><td>", now ? " class=\"current\"" : "");
            local_time(b, rot->tz, s->start);
            sw_buf_puts(b, "</td><td>");
            local_time(b, rot->tz, s->end);
            sw_buf_puts(b, "</td><td>");
            engineer(b, r->cfg, s->engineer);
            override_mark(b, s);
            if (now) {
                sw_buf_puts(b, " <strong>(now)</strong>");
            }
            sw_buf_puts(b, "</td></tr>\n");
        }
        sw_buf_puts(b, "</tbody>\n</table>\n");
    }
    sw_shift_list_release(&l);
    sw_buf_puts(b, "</section>\n");
}

int sw_web_page_oncall(const struct sw_web_req *r, struct sw_buf *out)
{
    const char *a = r->arg ? r->arg(r->arg_ctx, "days") : NULL;
    int days = DAYS_DEFAULT;

    if (r->public_view || r->role == SW_ROLE_CUSTOMER || !r->cfg) {
        return sw_web_not_found(r, out);
    }
    if (a && *a) {
        char *end;
        long v = strtol(a, &end, 10);
        if (a[0] < '0' || a[0] > '9' || *end || v < 1 || v > DAYS_MAX) {
            return sw_web_bad_request(r, "days must be a whole number from 1 to 31", out);
        }
        days = (int)v;
    }
    sw_web_head(out, r, "On call", "oncall");
    if (r->cfg->n_rotations == 0) {
        sw_buf_puts(out, "<p>No rotations are configured.</p>\n");
    }
    for (size_t i = 0; i < r->cfg->n_rotations; i++) {
        rotation(out, r, i, days);
    }
    sw_web_foot(out, r);
    return 200;
}
