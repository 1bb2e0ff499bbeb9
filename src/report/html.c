/* SPDX-License-Identifier: Apache-2.0 */
/* html.c: the report as one self-contained HTML document: inline CSS (A4 print rules) and
 * inline SVG (timeline strips, trend charts), no external reference of any kind. State is
 * told by text and shape (bar height, "met"/"missed" words and marks) as well as by colour. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "report/report.h"
#include "report/report_int.h"

/* Fill colour and bar height (of 20) per segment kind: the heights alone tell the kinds
 * apart in grey print or for a colour-blind reader. */
static const struct {
    const char *fill;
    int height;
} kind_style[] = {
    [SW_SEG_UP] = {"#1a9850", 6},           [SW_SEG_DEGRADED] = {"#e6a100", 10},
    [SW_SEG_DOWN] = {"#d73027", 20},        [SW_SEG_UNKNOWN] = {"#7f7f7f", 16},
    [SW_SEG_MAINTENANCE] = {"#4575b4", 13}, [SW_SEG_NONE] = {"#d9d9d9", 2},
};

static const char style[] =
    "@page { size: A4 portrait; margin: 14mm 13mm 16mm 13mm; }\n"
    "html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "body { font-family: \"DejaVu Sans\", Verdana, Arial, sans-serif; font-size: 10pt;\n"
    "  line-height: 1.35; color: #000; background: #fff; max-width: 184mm; margin: 0 auto;\n"
    "  padding: 6mm 0; }\n"
    "h1 { font-size: 17pt; margin: 0 0 1mm; }\n"
    "h2 { font-size: 12.5pt; margin: 7mm 0 2mm; padding-bottom: 0.8mm;\n"
    "  border-bottom: 1.5px solid #000; break-after: avoid; page-break-after: avoid; }\n"
    "p { margin: 1.5mm 0; }\n"
    ".meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 5mm;\n"
    "  margin: 3mm 0; }\n"
    ".meta dt { font-weight: bold; } .meta dd { margin: 0; }\n"
    ".summary { border: 1.5px solid #000; padding: 2.5mm 3.5mm; margin: 4mm 0; }\n"
    ".summary p { margin: 0.8mm 0; }\n"
    "table { border-collapse: collapse; width: 100%; font-size: 8.8pt; }\n"
    "th, td { border-bottom: 1px solid #999; padding: 1mm 1.4mm; text-align: left;\n"
    "  vertical-align: top; }\n"
    "th { border-bottom: 1.5px solid #000; font-size: 8pt; vertical-align: bottom; }\n"
    "th.n, td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }\n"
    "thead { display: table-header-group; }\n"
    "tr, figure, .strip { break-inside: avoid; page-break-inside: avoid; }\n"
    "td.missed { font-weight: bold; text-decoration: underline; }\n"
    "tr.missed td { background: #fbe3e1; }\n"
    ".sid { font-family: \"DejaVu Sans Mono\", monospace; font-size: 8.5pt; }\n"
    ".muted { color: #444; font-size: 8.5pt; }\n"
    ".legend { margin: 1mm 0 3mm; }\n"
    ".strip { margin: 0 0 2.5mm; }\n"
    ".strip .sid { display: block; margin-bottom: 0.5mm; }\n"
    "svg { display: block; width: 100%; height: auto; }\n"
    ".trends { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm 6mm; }\n"
    "figure { margin: 0; }\n"
    "figcaption { font-size: 8.5pt; margin-bottom: 0.5mm; }\n"
    "footer { margin-top: 8mm; border-top: 1px solid #000; padding-top: 1mm; font-size: 8pt; }\n"
    "@media print { body { max-width: none; padding: 0; } }\n";

static void esc(struct sw_buf *out, const char *s)
{
    const char *p = s ? s : "", *run = p;

    for (; *p; p++) {
        const char *e;

        switch (*p) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '"':
            e = "&quot;";
            break;
        case '\'':
            e = "&#39;";
            break;
        default:
            continue;
        }
        sw_buf_append(out, run, (size_t)(p - run));
        sw_buf_puts(out, e);
        run = p + 1;
    }
    sw_buf_append(out, run, (size_t)(p - run));
}

static void header(const struct sw_report *r, struct sw_buf *out)
{
    char a[RPT_STR_LEN], b[RPT_STR_LEN], g[RPT_STR_LEN];
    const char *name = r->customer_name ? r->customer_name : r->customer_id;

    rpt_local(r->timezone, r->period_start, a);
    rpt_local(r->timezone, r->period_end, b);
    rpt_local(r->timezone, r->generated_at, g);
    sw_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>Availability report: ");
    esc(out, name);
    sw_buf_printf(out, ", %s %d</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n",
                  rpt_month_name(r->month), r->year, style);
    sw_buf_printf(out, "<h1>Availability report &#8212; %s %d</h1>\n<dl class=\"meta\">\n",
                  rpt_month_name(r->month), r->year);
    sw_buf_puts(out, "<dt>Customer</dt><dd>");
    esc(out, name);
    if (r->customer_name && r->customer_id && strcmp(r->customer_name, r->customer_id) != 0) {
        sw_buf_puts(out, " <span class=\"sid\">(");
        esc(out, r->customer_id);
        sw_buf_puts(out, ")</span>");
    }
    sw_buf_puts(out, "</dd>\n<dt>Contract</dt><dd>");
    esc(out, r->contract_id);
    sw_buf_printf(out, "</dd>\n<dt>Period</dt><dd>%s to %s</dd>\n", a, b);
    sw_buf_puts(out, "<dt>Time zone</dt><dd>");
    esc(out, r->timezone);
    sw_buf_printf(out,
                  " (all times below)</dd>\n<dt>Generated</dt><dd>%s</dd>\n</dl>\n"
                  "</header>\n",
                  g);
}

static void summary(const struct sw_report *r, struct sw_buf *out)
{
    size_t defined, met = rpt_count_met(r, &defined);
    char credit[RPT_STR_LEN], amount[RPT_STR_LEN];

    rpt_ppm(r->credit_ppm, credit);
    sw_buf_printf(out,
                  "<section class=\"summary\">\n<p><strong>Objectives met: %zu of %zu"
                  "</strong>",
                  met, r->n_services);
    if (defined < r->n_services) {
        sw_buf_printf(out, " (%zu without data this month)", r->n_services - defined);
    }
    sw_buf_puts(out, ".</p>\n<p><strong>Service credit owed: ");
    if (r->credit_ppm == 0) {
        sw_buf_puts(out, "none");
    } else {
        sw_buf_printf(out, "%s %% of the monthly fee", credit);
        if (r->credit_minor >= 0 && r->currency) {
            rpt_money(r->credit_minor, amount);
            sw_buf_puts(out, " (");
            esc(out, r->currency);
            sw_buf_printf(out, " %s)", amount);
        }
    }
    sw_buf_puts(out, "</strong>.</p>\n</section>\n");
}

static void service_table(const struct sw_report *r, struct sw_buf *out)
{
    sw_buf_puts(out, "<section>\n<h2>Services</h2>\n<table class=\"services\">\n<thead><tr>"
                     "<th>Service</th><th class=\"n\">Target (%)</th>"
                     "<th class=\"n\">Availability (%)</th><th>Objective</th>"
                     "<th class=\"n\">Downtime (min)</th><th class=\"n\">Maintenance (min)</th>"
                     "<th class=\"n\">Unknown (min)</th><th class=\"n\">Budget used (%)</th>"
                     "<th class=\"n\">Credit (%)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->n_services; i++) {
        const struct sw_report_service *s = &r->services[i];
        char target[RPT_STR_LEN], avail[RPT_STR_LEN], used[RPT_STR_LEN], credit[RPT_STR_LEN];
        char down[RPT_STR_LEN], maint[RPT_STR_LEN], unknown[RPT_STR_LEN];
        const char *word = rpt_met_word(s);
        bool missed = s->defined && !s->met;

        rpt_ppm(s->target_ppm, target);
        rpt_pct_floor(s->defined ? s->availability : NAN, 3, avail);
        rpt_pct_round(s->defined ? s->budget_used : NAN, 1, used);
        if (strcmp(used, "inf") == 0) {
            snprintf(used, sizeof(used), "&#8734;"); /* downtime against a zero budget */
        }
        rpt_ppm(s->credit_ppm, credit);
        rpt_minutes(s->downtime_s, down);
        rpt_minutes(s->maintenance_s, maint);
        rpt_minutes(s->unknown_s, unknown);
        sw_buf_puts(out, missed ? "<tr class=\"missed\"><td>" : "<tr><td>");
        if (s->name && s->id && strcmp(s->name, s->id) != 0) {
            esc(out, s->name);
            sw_buf_puts(out, "<br><span class=\"sid\">");
            esc(out, s->id);
            sw_buf_puts(out, "</span>");
        } else {
            sw_buf_puts(out, "<span class=\"sid\">");
            esc(out, s->id);
            sw_buf_puts(out, "</span>");
        }
        sw_buf_printf(out,
                      "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                      "<td class=\"%s\">%s%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                      "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                      "</tr>\n",
                      target, avail, s->defined ? word : "na",
                      s->defined ? (s->met ? "&#10003; " : "&#10007; ") : "", word, down, maint,
                      unknown, used, credit);
    }
    sw_buf_puts(out, "</tbody>\n</table>\n<p class=\"muted\">Availability is truncated to three "
                     "decimals, never rounded up. Budget used is the share of the allowed "
                     "downtime (100 % &#8722; target) spent; above 100 the objective is "
                     "missed.</p>\n</section>\n");
}

static void legend(struct sw_buf *out)
{
    static const enum sw_report_seg order[] = {SW_SEG_UP,      SW_SEG_DEGRADED,    SW_SEG_DOWN,
                                               SW_SEG_UNKNOWN, SW_SEG_MAINTENANCE, SW_SEG_NONE};
    static const char *const label[] = {
        [SW_SEG_UP] = "up",
        [SW_SEG_DEGRADED] = "degraded (counted up)",
        [SW_SEG_DOWN] = "down",
        [SW_SEG_UNKNOWN] = "unknown (no data)",
        [SW_SEG_MAINTENANCE] = "maintenance",
        [SW_SEG_NONE] = "not counted",
    };
    int x = 0;

    sw_buf_puts(out, "<svg class=\"legend\" viewBox=\"0 0 600 24\" role=\"img\" "
                     "aria-label=\"Legend: bar height and colour show the state\">\n");
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        enum sw_report_seg k = order[i];

        sw_buf_printf(out,
                      "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"%d\" fill=\"%s\"/>"
                      "<text x=\"%d\" y=\"19\" font-size=\"9\">%s</text>\n",
                      x, 20 - kind_style[k].height, kind_style[k].height, kind_style[k].fill,
                      x + 18, label[k]);
        x += 18 + (int)strlen(label[k]) * 5 + 14;
    }
    sw_buf_puts(out, "</svg>\n");
}

/* The day ticks and labels under a strip are the same for every service: built once. */
static void day_axis(const struct sw_report *r, struct sw_buf *axis)
{
    double pos[31];
    int day[31];
    size_t n = rpt_day_ticks(r, pos, day, 31);

    sw_buf_puts(axis, "<path d=\"");
    for (size_t i = 0; i < n; i++) {
        sw_buf_printf(axis, "M%.1f 20v%d", pos[i] * RPT_STRIP_W, day[i] % 7 == 1 ? 4 : 2);
    }
    sw_buf_puts(axis, "\" stroke=\"#000\" stroke-width=\"0.6\"/>");
    for (size_t i = 0; i < n; i++) {
        if (day[i] % 7 == 1) {
            sw_buf_printf(axis, "<text x=\"%.1f\" y=\"32\" font-size=\"8\">%d %s</text>",
                          pos[i] * RPT_STRIP_W, day[i], rpt_month_abbr(r->month));
        }
    }
    sw_buf_puts(axis, "\n");
}

static void strips(const struct sw_report *r, struct sw_buf *out)
{
    struct rpt_run *runs = sw_xcalloc(RPT_STRIP_W, sizeof(*runs));
    struct sw_buf axis;

    sw_buf_init(&axis);
    day_axis(r, &axis);
    sw_buf_puts(out, "<section>\n<h2>Timeline</h2>\n<p class=\"muted\">Each strip is the month "
                     "from the first to the last day; the taller the bar, the worse the state. "
                     "A short outage is drawn at least one step wide so it stays visible.</p>\n");
    legend(out);
    for (size_t i = 0; i < r->n_services; i++) {
        const struct sw_report_service *s = &r->services[i];
        size_t n = rpt_strip(s, r->period_start, r->period_end, runs);

        sw_buf_puts(out, "<div class=\"strip\"><span class=\"sid\">");
        esc(out, s->id);
        sw_buf_printf(out, "</span><svg viewBox=\"0 0 %d 34\" role=\"img\" aria-label=\"",
                      RPT_STRIP_W + 24);
        esc(out, s->id);
        sw_buf_printf(out,
                      " over the month\"><rect x=\"0\" y=\"0\" width=\"%d\" height=\"20\" "
                      "fill=\"#f7f7f7\"/>",
                      RPT_STRIP_W);
        for (size_t k = 0; k < n; k++) {
            enum sw_report_seg kind = runs[k].kind;

            if (kind == SW_SEG_NONE) {
                sw_buf_printf(out,
                              "<rect x=\"%d\" y=\"18\" width=\"%d\" height=\"2\" "
                              "fill=\"%s\"/>",
                              runs[k].x0, runs[k].x1 - runs[k].x0, kind_style[kind].fill);
                continue;
            }
            sw_buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                          runs[k].x0, 20 - kind_style[kind].height, runs[k].x1 - runs[k].x0,
                          kind_style[kind].height, kind_style[kind].fill);
        }
        sw_buf_append(out, axis.data, axis.len);
        sw_buf_puts(out, "</svg></div>\n");
    }
    sw_buf_puts(out, "</section>\n");
    sw_buf_release(&axis);
    free(runs);
}

/* One service's 12-month chart: bars from the floor up to each month's availability, the
 * target as a dashed line, months without data left empty and marked "n/a". */
static void trend_chart(const struct sw_report_service *s, struct sw_buf *out)
{
    const double x0 = 40, x1 = 316, y0 = 8, y1 = 100;
    double lo = rpt_trend_floor(s), target = s->target_ppm / 10000.0;
    double slot = (x1 - x0) / (double)(s->n_trend > 12 ? s->n_trend : 12);
    char tgt[RPT_STR_LEN];

#define Y(v) (y1 - ((v)-lo) / (100.0 - lo) * (y1 - y0))
    rpt_ppm(s->target_ppm, tgt);
    sw_buf_puts(out, "<figure><figcaption><span class=\"sid\">");
    esc(out, s->id);
    sw_buf_printf(out, "</span> <span class=\"muted\">(dashed: target %s)</span></figcaption>",
                  tgt);
    sw_buf_puts(out, "<svg viewBox=\"0 0 320 122\" role=\"img\" aria-label=\"");
    esc(out, s->id);
    sw_buf_puts(out, ": availability per month\">");
    /* axis and three grid lines: floor, middle, 100 */
    for (int g = 0; g < 3; g++) {
        double v = lo + (100.0 - lo) * g / 2.0;

        sw_buf_printf(out,
                      "<path d=\"M%.0f %.1fH%.0f\" stroke=\"#bbb\" stroke-width=\"0.6\"/>"
                      "<text x=\"%.0f\" y=\"%.1f\" font-size=\"8\" text-anchor=\"end\">%g"
                      "</text>",
                      x0, Y(v), x1, x0 - 3, Y(v) + 3, floor(v * 1000.0 + 0.5) / 1000.0);
    }
    for (size_t k = 0; k < s->n_trend; k++) {
        const struct sw_report_trend *m = &s->trend[k];
        double x = x0 + slot * (double)k;

        if (m->defined) {
            double v = m->availability * 100.0;
            char pct[RPT_STR_LEN];

            if (v < lo) {
                v = lo;
            }
            rpt_pct_floor(m->availability, 3, pct);
            sw_buf_printf(out,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\"><title>%s %d: %s %%</title></rect>",
                          x + slot * 0.18, Y(v), slot * 0.64, y1 - Y(v),
                          m->availability * 1e6 < (double)s->target_ppm ? "#d73027" : "#4575b4",
                          rpt_month_abbr(m->month), m->year, pct);
        } else {
            sw_buf_printf(out,
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"7\" text-anchor=\"middle\">"
                          "n/a</text>",
                          x + slot / 2, y1 - 3);
        }
        sw_buf_printf(out,
                      "<text x=\"%.1f\" y=\"112\" font-size=\"7.5\" text-anchor=\"middle\">%s"
                      "</text>",
                      x + slot / 2, rpt_month_abbr(m->month));
        if (k == 0 || m->month == 1) {
            sw_buf_printf(out,
                          "<text x=\"%.1f\" y=\"121\" font-size=\"7\" text-anchor=\"middle\">%d"
                          "</text>",
                          x + slot / 2, m->year);
        }
    }
    sw_buf_printf(out,
                  "<path d=\"M%.0f %.1fH%.0f\" stroke=\"#000\" stroke-width=\"1.2\" "
                  "stroke-dasharray=\"5 3\"/>",
                  x0, Y(target), x1);
    sw_buf_printf(out,
                  "<path d=\"M%.0f %.0fV%.0fH%.0f\" fill=\"none\" stroke=\"#000\" "
                  "stroke-width=\"0.8\"/></svg></figure>\n",
                  x0, y0, y1, x1);
#undef Y
}

static void trends(const struct sw_report *r, struct sw_buf *out)
{
    bool any = false;

    for (size_t i = 0; i < r->n_services && !any; i++) {
        any = r->services[i].trend && r->services[i].n_trend > 0;
    }
    if (!any) {
        return;
    }
    sw_buf_puts(out, "<section>\n<h2>Twelve-month trend</h2>\n<p class=\"muted\">Availability "
                     "(%) per month; the dashed line is the target, bars below it are drawn "
                     "red; a month without data is left empty and marked n/a.</p>\n"
                     "<div class=\"trends\">\n");
    for (size_t i = 0; i < r->n_services; i++) {
        if (r->services[i].trend && r->services[i].n_trend > 0) {
            trend_chart(&r->services[i], out);
        }
    }
    sw_buf_puts(out, "</div>\n</section>\n");
}

static void events(const struct sw_report *r, const struct sw_report_event *v, size_t n,
                   const char *title, const char *first, const char *last, const char *none,
                   struct sw_buf *out)
{
    size_t shown = n > SW_REPORT_EVENTS_SHOWN ? SW_REPORT_EVENTS_SHOWN : n;

    sw_buf_printf(out, "<section>\n<h2>%s</h2>\n", title);
    if (n == 0) {
        sw_buf_printf(out, "<p>%s</p>\n</section>\n", none);
        return;
    }
    sw_buf_printf(out,
                  "<table>\n<thead><tr><th>%s</th><th>Start</th><th>End</th>"
                  "<th class=\"n\">Duration (min)</th><th>%s</th></tr></thead>\n<tbody>\n",
                  first, last);
    for (size_t i = 0; i < shown; i++) {
        char a[RPT_STR_LEN], b[RPT_STR_LEN], m[RPT_STR_LEN];

        rpt_local(r->timezone, v[i].start, a);
        rpt_local(r->timezone, v[i].end, b);
        rpt_minutes(v[i].seconds, m);
        sw_buf_puts(out, "<tr><td class=\"sid\">");
        esc(out, v[i].service);
        sw_buf_printf(out, "</td><td>%s</td><td>%s</td><td class=\"n\">%s</td><td>", a, b, m);
        esc(out, v[i].note);
        sw_buf_puts(out, "</td></tr>\n");
    }
    sw_buf_puts(out, "</tbody>\n</table>\n");
    if (shown < n) {
        sw_buf_printf(out,
                      "<p><strong>%zu more not listed here</strong> (the JSON report lists "
                      "all %zu).</p>\n",
                      n - shown, n);
    }
    sw_buf_puts(out, "</section>\n");
}

void sw_report_html(const struct sw_report *r, struct sw_buf *out)
{
    char g[RPT_STR_LEN];

    header(r, out);
    sw_buf_puts(out, "<main>\n");
    summary(r, out);
    service_table(r, out);
    strips(r, out);
    trends(r, out);
    events(r, r->outages, r->n_outages, "Outages", "Service", "Note", "No outages this month.",
           out);
    events(r, r->maintenance, r->n_maintenance, "Maintenance", "Scope", "Reason",
           "No maintenance this month.", out);
    sw_buf_puts(out, "<section>\n<h2>Accounting policy</h2>\n<p>");
    esc(out, r->policy ? r->policy : "No policy text was given.");
    sw_buf_puts(out, "</p>\n<p>Times are shown in ");
    esc(out, r->timezone);
    sw_buf_puts(out, " with their offset from UTC. Minutes are exact, with two decimals when "
                     "not whole.</p>\n</section>\n</main>\n");
    rpt_local(r->timezone, r->generated_at, g);
    sw_buf_puts(out, "<footer>Generated by stackward at ");
    sw_buf_puts(out, g);
    sw_buf_puts(out, " for ");
    esc(out, r->customer_id);
    sw_buf_puts(out, ".</footer>\n</body>\n</html>\n");
}
