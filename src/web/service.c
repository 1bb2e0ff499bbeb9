/* SPDX-License-Identifier: Apache-2.0 */
/* service.c: one service's page (GET /services/{path}), or one check's when path names a
 * check: the state now, its checks with state, output and last result, then for a range
 * (?from=&to=, ISO 8601, default the last 24 hours) a state timeline with maintenance
 * windows shaded on it and a latency chart per active check, both inline SVG drawn here.
 * The timeline is drawn per pixel column (the worst state in each), so a flapping service
 * costs at most TL_W rectangles and a one-minute outage in a month still shows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "web/web_int.h"

#define RANGE_MAX_S ((int64_t)92 * 86400) /* longest range: results are kept 14 days anyway */
#define TL_W 1000                         /* timeline width in SVG units (columns) */
#define LAT_W 1000
#define LAT_H 140
#define LAT_BUCKETS 200
#define RESULTS_MAX 20000 /* results read per check for its chart */
#define CHARTS_MAX 6      /* latency charts on a service page; more: on the checks' pages */
#define CHANGES_MAX 100   /* rows of the state-change table */

/* Fill and bar height (of 26) per state, then "no data": the height alone tells the states
 * apart for a colour-blind reader or in grey, as the report's strips do. */
static const struct {
    const char *fill;
    int height;
} tl_style[] = {
    [SW_OK] = {"#00684a", 8},
    [SW_WARNING] = {"#e6a100", 14},
    [SW_CRITICAL] = {"#a33200", 26},
    [SW_UNKNOWN] = {"#6e6e6e", 20},
};

static int parse_time_arg(const struct sw_web_req *r, const char *name, int64_t *ret,
                          bool *ret_given, struct sw_buf *msg)
{
    const char *v = r->arg ? r->arg(r->arg_ctx, name) : NULL;

    *ret_given = v && *v;
    if (!*ret_given) {
        return 0;
    }
    if (sw_time_parse(v, ret) < 0) {
        sw_buf_printf(msg,
                      "Parameter '%s' is not an ISO 8601 time with a zone "
                      "(e.g. 2026-10-05T10:15:00Z or 2026-10-05): ",
                      name);
        sw_buf_quoted(msg, v, strlen(v), 64);
        return -1;
    }
    return 0;
}

/* The range asked for: from and to, either alone (the other is 24 hours away, or now). */
static int get_range(const struct sw_web_req *r, int64_t *from, int64_t *to, struct sw_buf *msg)
{
    bool has_from, has_to;

    if (parse_time_arg(r, "from", from, &has_from, msg) < 0 ||
        parse_time_arg(r, "to", to, &has_to, msg) < 0) {
        return -1;
    }
    if (!has_to) {
        *to = has_from && *from + 86400 < r->now ? *from + 86400 : r->now;
    }
    if (!has_from) {
        *from = *to - 86400;
    }
    if (*from >= *to) {
        sw_buf_puts(msg, "Parameter 'from' must be before 'to'.");
        return -1;
    }
    if (*to - *from > RANGE_MAX_S) {
        sw_buf_puts(msg, "The range from 'from' to 'to' may span at most 92 days.");
        return -1;
    }
    return 0;
}

static double x_of(int64_t t, int64_t from, int64_t to, int w)
{
    return (double)(t - from) * w / (double)(to - from);
}

/* Tick marks and labels along the bottom of a chart w wide whose axis is at y. */
static void time_axis(struct sw_buf *b, int64_t from, int64_t to, int w, int y)
{
    static const int64_t steps[] = {
        300,       900,   1800,      3600,      3 * 3600,   6 * 3600,
        12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
    };
    int64_t step = steps[sizeof(steps) / sizeof(steps[0]) - 1];

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if ((to - from) / steps[i] <= 8) {
            step = steps[i];
            break;
        }
    }
    sw_buf_printf(b, "<path d=\"M0 %dH%d\" stroke=\"#111\" stroke-width=\"1\"/>", y, w);
    for (int64_t t = (from / step + 1) * step; t < to; t += step) {
        char iso[SW_TIME_LEN];
        double x = x_of(t, from, to, w);
        const char *anchor = x < 30 ? "start" : x > w - 30 ? "end" : "middle";

        sw_time_format(t, iso);
        sw_buf_printf(b, "<path d=\"M%.1f %dv5\" stroke=\"#111\"/>", x, y);
        if (step < 86400 && t % 86400 != 0) {
            sw_buf_printf(b,
                          "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"%s\">%.5s"
                          "</text>",
                          x, y + 18, anchor, iso + 11);
        } else {
            sw_buf_printf(b,
                          "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"%s\">%.5s"
                          "</text>",
                          x, y + 18, anchor, iso + 5);
        }
    }
}

/* ---- the state timeline ---- */

static void timeline(struct sw_buf *b, const struct sw_web_req *r, const struct sw_interval *iv,
                     size_t n, const struct sw_window *win, size_t n_win, int64_t from, int64_t to)
{
    int col[TL_W]; /* worst state per column, -1: no data */
    int64_t end_known = to < r->now ? to : r->now;
    char a[SW_TIME_LEN], z[SW_TIME_LEN];

    for (int c = 0; c < TL_W; c++) {
        col[c] = -1;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t s = iv[i].start > from ? iv[i].start : from;
        int64_t e = iv[i].end ? iv[i].end : end_known;
        int c0, c1;

        e = e < to ? e : to;
        if (e <= s) {
            continue;
        }
        c0 = (int)floor(x_of(s, from, to, TL_W));
        c1 = (int)ceil(x_of(e, from, to, TL_W));
        c0 = c0 < 0 ? 0 : c0;
        c1 = c1 > TL_W ? TL_W : c1;
        for (int c = c0; c < c1; c++) {
            if (col[c] < 0 || sw_state_rank(iv[i].state) > sw_state_rank((enum sw_state)col[c])) {
                col[c] = (int)iv[i].state;
            }
        }
    }
    sw_buf_printf(b,
                  "<svg viewBox=\"0 0 %d 58\" role=\"img\" aria-label=\"State over time, "
                  "the worst state per step; the table below lists the changes\">"
                  "<defs><pattern id=\"maint\" width=\"6\" height=\"6\" "
                  "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                  "<rect width=\"3\" height=\"6\" fill=\"#5e4b8b\" fill-opacity=\"0.35\"/>"
                  "</pattern></defs><rect x=\"0\" y=\"6\" width=\"%d\" height=\"26\" "
                  "fill=\"#f4f4f4\"/>",
                  TL_W, TL_W);
    for (int c = 0; c < TL_W;) {
        int k = c;

        while (k < TL_W && col[k] == col[c]) {
            k++;
        }
        if (col[c] >= 0) {
            enum sw_state s = (enum sw_state)col[c];
            int64_t t0 = from + (int64_t)((double)c * (to - from) / TL_W);
            int64_t t1 = from + (int64_t)((double)k * (to - from) / TL_W);

            sw_time_format(t0, a);
            sw_time_format(t1, z);
            sw_buf_printf(b,
                          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                          "<title>%s, %s to %s</title></rect>",
                          c, 32 - tl_style[s].height, k - c, tl_style[s].height, tl_style[s].fill,
                          sw_state_name(s), a, z);
        }
        c = k;
    }
    for (size_t i = 0; i < n_win; i++) {
        double x0 = x_of(win[i].start, from, to, TL_W), x1 = x_of(win[i].end, from, to, TL_W);

        if (x1 - x0 < 1) {
            x1 = x0 + 1;
        }
        sw_time_format(win[i].start, a);
        sw_time_format(win[i].end, z);
        sw_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"32\" fill=\"url(#maint)\" "
                      "stroke=\"#5e4b8b\"><title>Maintenance%s, %s to %s",
                      x0, x1 - x0, win[i].excluded ? " (excluded from the SLA)" : "", a, z);
        if (win[i].reason) {
            sw_buf_puts(b, ": ");
            sw_web_esc(b, win[i].reason);
        }
        sw_buf_puts(b, "</title></rect>");
    }
    time_axis(b, from, to, TL_W, 34);
    sw_buf_puts(b, "</svg>\n<p class=\"legend muted\">");
    for (int s = 0; s < SW_STATE_COUNT; s++) {
        static const int order[] = {SW_OK, SW_WARNING, SW_UNKNOWN, SW_CRITICAL};

        sw_buf_printf(b,
                      "<span><svg width=\"12\" height=\"14\" viewBox=\"0 0 12 26\" "
                      "aria-hidden=\"true\"><rect y=\"%d\" width=\"12\" "
                      "height=\"%d\" fill=\"%s\"/></svg> %s</span>",
                      26 - tl_style[order[s]].height, tl_style[order[s]].height,
                      tl_style[order[s]].fill, sw_state_name((enum sw_state)order[s]));
    }
    sw_buf_puts(b, "<span>hatched: maintenance</span><span>blank: no data</span></p>\n");
}

static void changes_table(struct sw_buf *b, const struct sw_web_req *r,
                          const struct sw_interval *iv, size_t n)
{
    size_t first = n > CHANGES_MAX ? n - CHANGES_MAX : 0;

    if (n == 0) {
        sw_buf_puts(b, "<p class=\"muted\">No state recorded in this range.</p>\n");
        return;
    }
    sw_buf_puts(b, "<details><summary>State changes in this range</summary>\n<div class=\"scroll\">"
                   "<table class=\"stack\"><thead><tr><th scope=\"col\">State</th>"
                   "<th scope=\"col\">From</th><th scope=\"col\">To</th>"
                   "<th scope=\"col\" class=\"n\">Duration</th></tr></thead>\n<tbody>\n");
    for (size_t i = n; i-- > first;) {
        int64_t end = iv[i].end ? iv[i].end : r->now;
        char d[32];

        sw_buf_puts(b, "<tr><td data-label=\"State\">");
        sw_web_state(b, iv[i].state);
        sw_buf_puts(b, "</td><td data-label=\"From\">");
        sw_web_time(b, iv[i].start);
        sw_buf_puts(b, "</td><td data-label=\"To\">");
        if (iv[i].end) {
            sw_web_time(b, iv[i].end);
        } else {
            sw_buf_puts(b, "now");
        }
        sw_buf_printf(b, "</td><td class=\"n\" data-label=\"Duration\">%s</td></tr>\n",
                      sw_duration_format((end > iv[i].start ? end - iv[i].start : 0) * 1000, d));
    }
    sw_buf_puts(b, "</tbody></table></div>\n");
    if (first) {
        sw_buf_printf(b, "<p class=\"muted\">The %d most recent of %zu are listed.</p>\n",
                      CHANGES_MAX, n);
    }
    sw_buf_puts(b, "</details>\n");
}

/* ---- latency ---- */

static double nice_ceil(double v)
{
    double p = pow(10, floor(log10(v)));

    for (int i = 0; i < 4; i++) {
        static const double m[] = {1, 2, 5, 10};
        if (m[i] * p >= v) {
            return m[i] * p;
        }
    }
    return 10 * p;
}

static void latency_chart(struct sw_buf *b, const struct sw_web_req *r,
                          const struct sw_check_conf *c, int64_t from, int64_t to)
{
    struct sw_store_result *v = NULL;
    size_t n = 0;
    double sum[LAT_BUCKETS] = {0}, max[LAT_BUCKETS] = {0}, top = 0;
    int cnt[LAT_BUCKETS] = {0};
    const double x0 = 56, y0 = 8, y1 = LAT_H - 24;
    bool pen = false;

    sw_buf_puts(b, "<figure><figcaption><span class=\"mono\">");
    sw_web_esc(b, c->id);
    sw_buf_puts(b, "</span>: response time</figcaption>\n");
    if (!r->store ||
        sw_store_results(r->store, c->path, from * 1000, to * 1000, RESULTS_MAX, &v, &n) < 0) {
        sw_buf_puts(b, "<p class=\"muted\">The results could not be read.</p></figure>\n");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int k = (int)((v[i].t_ms / 1000 - from) * LAT_BUCKETS / (to - from));
        double ms = (double)v[i].latency_us / 1000.0;

        if (k < 0 || k >= LAT_BUCKETS || v[i].latency_us <= 0) {
            continue;
        }
        sum[k] += ms;
        cnt[k]++;
        max[k] = ms > max[k] ? ms : max[k];
        top = ms > top ? ms : top;
    }
    if (top <= 0) {
        sw_buf_puts(b, "<p class=\"muted\">No response times in this range.</p></figure>\n");
        sw_store_results_free(v, n);
        return;
    }
    top = nice_ceil(top);
#define X(k) (x0 + ((double)(k) + 0.5) * (LAT_W - x0) / LAT_BUCKETS)
#define Y(ms) (y1 - (ms) / top * (y1 - y0))
    sw_buf_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Response time of ",
                  LAT_W, LAT_H);
    sw_web_esc(b, c->id);
    sw_buf_printf(b, ": %zu results, slowest %.0f ms\">", n, top);
    for (int g = 0; g <= 2; g++) {
        double ms = top * g / 2;

        sw_buf_printf(b,
                      "<path d=\"M%.0f %.1fH%d\" stroke=\"#bbb\"/><text x=\"%.0f\" y=\"%.1f\" "
                      "font-size=\"12\" text-anchor=\"end\">%g ms</text>",
                      x0, Y(ms), LAT_W, x0 - 4, Y(ms) + 4, ms);
    }
    /* the slowest result of each step as a thin bar, the mean as a line over it */
    sw_buf_puts(b, "<path d=\"");
    for (int k = 0; k < LAT_BUCKETS; k++) {
        if (cnt[k]) {
            sw_buf_printf(b, "M%.1f %.1fV%.1f", X(k), Y(max[k]), y1);
        }
    }
    sw_buf_puts(b, "\" stroke=\"#9fb8d6\" stroke-width=\"3\"/><path d=\"");
    for (int k = 0; k < LAT_BUCKETS; k++) {
        if (!cnt[k]) {
            pen = false;
            continue;
        }
        sw_buf_printf(b, "%s%.1f %.1f", pen ? "L" : "M", X(k), Y(sum[k] / cnt[k]));
        pen = true;
    }
    sw_buf_puts(b, "\" fill=\"none\" stroke=\"#004f9e\" stroke-width=\"2\"/>");
#undef X
#undef Y
    {
        /* the axis spans the plot area only */
        struct sw_buf axis;

        sw_buf_init(&axis);
        time_axis(&axis, from, to, (int)(LAT_W - x0), (int)y1);
        sw_buf_printf(b, "<g transform=\"translate(%.0f 0)\">", x0);
        sw_buf_append(b, axis.data, axis.len);
        sw_buf_puts(b, "</g>");
        sw_buf_release(&axis);
    }
    sw_buf_puts(b, "</svg>\n<p class=\"legend muted\"><span>line: mean per step</span>"
                   "<span>light bars: slowest per step</span>");
    if (n == RESULTS_MAX) {
        sw_buf_printf(b, "<span>only the newest %d results are drawn</span>", RESULTS_MAX);
    }
    sw_buf_puts(b, "</p></figure>\n");
    sw_store_results_free(v, n);
}

/* ---- the page ---- */

static void check_rows(struct sw_buf *b, const struct sw_web_req *r, const struct sw_check_conf *c)
{
    const struct sw_check_status *cs =
        r->st && c->index < r->st->n_checks ? &r->st->checks[c->index] : NULL;

    sw_buf_puts(b, "<tr><td data-label=\"Check\"><a href=\"/services/");
    sw_web_esc(b, c->path);
    sw_buf_puts(b, "\">");
    sw_web_esc(b, c->id);
    sw_buf_puts(b, "</a> <span class=\"muted\">");
    sw_web_esc(b, sw_check_type_name(c->type));
    sw_buf_puts(b, "</span></td><td data-label=\"State\">");
    if (!cs || !cs->st.has_state) {
        sw_web_pending(b);
    } else {
        sw_web_state(b, cs->st.state);
        if (!cs->st.hard) {
            sw_buf_printf(b, " <span class=\"muted\">soft, attempt %d of %d</span>", cs->st.attempt,
                          c->max_attempts);
        }
        if (cs->st.flapping) {
            sw_buf_puts(b, " <span class=\"muted\">flapping</span>");
        }
        if (cs->stale) {
            sw_buf_puts(b, " <strong>stale</strong>");
        }
    }
    sw_buf_puts(b, "</td><td data-label=\"Output\"><code>");
    if (cs) {
        sw_web_esc(b, cs->st.output);
    }
    sw_buf_puts(b, "</code></td><td data-label=\"Last result\">");
    sw_web_time(b, cs ? cs->st.last_check_ms / 1000 : 0);
    sw_buf_puts(b, "</td></tr>\n");
}

static void range_form(struct sw_buf *b, const char *path, int64_t from, int64_t to, int64_t now)
{
    static const struct {
        const char *label;
        int64_t s;
    } quick[] = {
        {"6 hours", 6 * 3600}, {"24 hours", 86400}, {"7 days", 7 * 86400}, {"30 days", 30 * 86400}};
    char f[SW_TIME_LEN], t[SW_TIME_LEN];

    sw_buf_puts(b, "<form method=\"get\" class=\"actions\" aria-label=\"Range\">"
                   "<div><label for=\"from\">From</label><input id=\"from\" name=\"from\" "
                   "size=\"21\" value=\"");
    sw_buf_puts(b, sw_time_format(from, f));
    sw_buf_puts(b, "\"></div><div><label for=\"to\">To</label><input id=\"to\" name=\"to\" "
                   "size=\"21\" value=\"");
    sw_buf_puts(b, sw_time_format(to, t));
    sw_buf_puts(b, "\"></div><div><label>&#160;</label><button type=\"submit\">Show</button>"
                   "</div></form>\n<p>Last: ");
    for (size_t i = 0; i < sizeof(quick) / sizeof(quick[0]); i++) {
        sw_buf_printf(b, "%s<a href=\"/services/", i ? " \u00b7 " : "");
        sw_web_esc(b, path);
        sw_buf_printf(b, "?from=%s\">%s</a>", sw_time_format(now - quick[i].s, f), quick[i].label);
    }
    sw_buf_puts(b, "</p>\n");
}

int sw_web_page_service(const struct sw_web_req *r, const char *path, struct sw_buf *out)
{
    const struct sw_config *cfg = sw_web_cfg(r);
    const struct sw_service_conf *svc = cfg ? sw_config_find_service(cfg, path) : NULL;
    const struct sw_check_conf *chk = NULL;
    struct sw_maint_row *rows = NULL;
    struct sw_interval *iv = NULL;
    struct sw_window_list wl;
    struct sw_buf msg;
    size_t n_rows = 0, n_iv = 0, charts = 0;
    int64_t from, to;
    int status = 200;

    if (!svc && cfg && (chk = sw_config_find_check(cfg, path))) {
        svc = chk->service;
    }
    if (!svc || !sw_web_may_see(r, svc->customer->id)) {
        return sw_web_not_found(r, out);
    }
    sw_buf_init(&msg);
    sw_window_list_init(&wl);
    if (get_range(r, &from, &to, &msg) < 0) {
        status = sw_web_bad_request(r, msg.data, out);
        goto out;
    }
    sw_web_head(out, r, chk ? chk->path : (svc->name ? svc->name : svc->id), "service");

    /* where it sits */
    sw_buf_puts(out, "<p><a href=\"/customers/");
    sw_web_esc(out, svc->customer->id);
    sw_buf_puts(out, "\">");
    sw_web_esc(out, svc->customer->name ? svc->customer->name : svc->customer->id);
    sw_buf_puts(out, "</a> / <a href=\"/customers/");
    sw_web_esc(out, svc->customer->id);
    sw_buf_puts(out, "#dep-");
    sw_web_esc(out, svc->deployment->id);
    sw_buf_puts(out, "\">");
    sw_web_esc(out, svc->deployment->id);
    sw_buf_puts(out, "</a> / ");
    if (chk) {
        sw_buf_puts(out, "<a href=\"/services/");
        sw_web_esc(out, svc->path);
        sw_buf_puts(out, "\">");
        sw_web_esc(out, svc->name ? svc->name : svc->id);
        sw_buf_puts(out, "</a>");
    } else {
        sw_buf_puts(out, "<span class=\"mono\">");
        sw_web_esc(out, svc->path);
        sw_buf_puts(out, "</span>");
    }
    sw_buf_puts(out, "</p>\n<p>Service state: ");
    {
        const struct sw_service_status *s =
            r->st && svc->index < r->st->n_services ? &r->st->services[svc->index] : NULL;

        if (s && s->has_state) {
            sw_web_state(out, s->state);
            sw_buf_puts(out, " since ");
            sw_web_time(out, s->since);
            if (s->flapping) {
                sw_buf_puts(out, " <strong>flapping</strong>");
            }
        } else {
            sw_web_pending(out);
        }
    }
    sw_buf_puts(out, "</p>\n");

    sw_buf_puts(out, "<h2 id=\"checks\">Checks</h2>\n<div class=\"scroll\"><table class=\"stack\">"
                     "<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">State</th>"
                     "<th scope=\"col\">Output</th><th scope=\"col\">Last result</th></tr>"
                     "</thead>\n<tbody>\n");
    if (chk) {
        check_rows(out, r, chk);
    } else {
        for (size_t i = 0; i < svc->n_checks; i++) {
            check_rows(out, r, &svc->checks[i]);
        }
    }
    sw_buf_puts(out, "</tbody></table></div>\n");

    sw_buf_puts(out, "<h2 id=\"history\">History</h2>\n");
    range_form(out, chk ? chk->path : svc->path, from, to, r->now);
    if (!r->store) {
        sw_buf_puts(out, "<p class=\"muted\">The history is not available.</p>\n");
    } else if (sw_store_history(r->store, chk ? SW_OBJ_CHECK : SW_OBJ_SERVICE,
                                chk ? chk->path : svc->path, from, to, &iv, &n_iv) < 0) {
        sw_buf_puts(out, "<p class=\"error\">The state history could not be read (too many "
                         "changes in this range, or the store failed).</p>\n");
    } else {
        if (sw_store_maint_list(r->store, &rows, &n_rows) < 0 ||
            sw_account_windows(cfg, rows, n_rows, svc, from, to, &wl) < 0 ||
            sw_window_list_merge(&wl, from, to) < 0) {
            sw_buf_puts(out, "<p class=\"muted\">Maintenance windows could not be read.</p>\n");
            sw_window_list_release(&wl);
            sw_window_list_init(&wl);
        }
        sw_buf_puts(out, "<h3>State</h3>\n");
        timeline(out, r, iv, n_iv, wl.v, wl.n, from, to);
        changes_table(out, r, iv, n_iv);
    }

    sw_buf_puts(out, "<h3>Response time</h3>\n");
    for (size_t i = 0; i < (chk ? 1 : svc->n_checks); i++) {
        const struct sw_check_conf *c = chk ? chk : &svc->checks[i];

        if (c->type == SW_CHECK_PASSIVE) {
            continue;
        }
        if (charts == CHARTS_MAX) {
            sw_buf_puts(out, "<p class=\"muted\">More checks: open a check above for its "
                             "chart.</p>\n");
            break;
        }
        latency_chart(out, r, c, from, to);
        charts++;
    }
    if (charts == 0) {
        sw_buf_puts(out, "<p class=\"muted\">Passive checks only: no response times.</p>\n");
    }
    sw_web_foot(out, r);
out:
    free(iv);
    sw_maint_rows_free(rows, n_rows);
    sw_window_list_release(&wl);
    sw_buf_release(&msg);
    return status;
}
