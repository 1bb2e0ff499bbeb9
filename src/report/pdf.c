/* SPDX-License-Identifier: Apache-2.0 */
/* pdf.c: the report drawn natively on a cairo PDF surface, A4 portrait (595 x 842 pt), with the
 * "DejaVu Sans" toy font: header, summary, service table, timeline strips, trend charts,
 * outage and maintenance lists, policy. Pages break where the next block does not fit; the
 * table header repeats on every page it runs onto. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "core/core.h"
#include "report/report.h"
#include "report/report_int.h"

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN) /* 511 */
#define TOP 50.0
#define BOTTOM (PAGE_H - 48.0)
#define FONT "DejaVu Sans"

struct pdf {
    cairo_t *cr;
    const struct sw_report *r;
    double y; /* pt from the top: where the next block starts */
    int page; /* 1-based */
};

struct col {
    const char *title; /* '\n' splits a two-line header */
    double w;          /* pt */
    bool right;        /* right-aligned (numbers) */
};

/* Colour and bar height (of 14 pt) per kind, as in the HTML: height tells kinds apart too. */
static const struct {
    unsigned rgb;
    double h;
} kind_style[] = {
    [SW_SEG_UP] = {0x1a9850, 4.2},          [SW_SEG_DEGRADED] = {0xe6a100, 7.0},
    [SW_SEG_DOWN] = {0xd73027, 14.0},       [SW_SEG_UNKNOWN] = {0x7f7f7f, 11.2},
    [SW_SEG_MAINTENANCE] = {0x4575b4, 9.1}, [SW_SEG_NONE] = {0xd9d9d9, 1.4},
};

static void rgb(struct pdf *p, unsigned c)
{
    cairo_set_source_rgb(p->cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0,
                         (c & 255) / 255.0);
}

static void font(struct pdf *p, double size, bool bold)
{
    cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
}

static double width(struct pdf *p, const char *s)
{
    cairo_text_extents_t e;

    cairo_text_extents(p->cr, s, &e);
    return e.x_advance;
}

static void text(struct pdf *p, double x, double y, const char *s)
{
    cairo_move_to(p->cr, x, y);
    cairo_show_text(p->cr, s);
}

static void text_right(struct pdf *p, double right, double y, const char *s)
{
    text(p, right - width(p, s), y, s);
}

/* Draws as much of s as fits in w, ending in an ellipsis when cut (at a character edge). */
static void text_fit(struct pdf *p, double x, double y, double w, const char *s)
{
    struct sw_buf b;
    size_t len = strlen(s), at = 0;

    if (width(p, s) <= w) {
        text(p, x, y, s);
        return;
    }
    sw_buf_init(&b);
    sw_buf_puts(&b, "\xe2\x80\xa6");
    while (at < len) {
        size_t n = sw_utf8_len(s + at, len - at);
        struct sw_buf t;
        bool fits;

        if (n == 0) {
            break;
        }
        sw_buf_init(&t);
        sw_buf_append(&t, s, at + n);
        sw_buf_puts(&t, "\xe2\x80\xa6");
        fits = width(p, t.data) <= w;
        if (fits) {
            sw_buf_reset(&b);
            sw_buf_append(&b, t.data, t.len);
        }
        sw_buf_release(&t);
        if (!fits) {
            break;
        }
        at += n;
    }
    text(p, x, y, b.data);
    sw_buf_release(&b);
}

static void footer(struct pdf *p)
{
    char s[256];

    cairo_save(p->cr); /* the caller's font and colour go on on the next page */
    font(p, 7, false);
    rgb(p, 0x444444);
    snprintf(s, sizeof(s), "stackward availability report \xc2\xb7 %s \xc2\xb7 %s %d",
             p->r->customer_id, rpt_month_name(p->r->month), p->r->year);
    text_fit(p, MARGIN, PAGE_H - 26, CONTENT_W - 60, s);
    snprintf(s, sizeof(s), "Page %d", p->page);
    text_right(p, PAGE_W - MARGIN, PAGE_H - 26, s);
    cairo_restore(p->cr);
}

static void new_page(struct pdf *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = TOP;
}

/* Starts a new page when h more points do not fit; true when it did. */
static bool ensure(struct pdf *p, double h)
{
    if (p->y + h <= BOTTOM) {
        return false;
    }
    new_page(p);
    return true;
}

static void hline(struct pdf *p, double x0, double x1, double y, double lw)
{
    cairo_set_line_width(p->cr, lw);
    cairo_move_to(p->cr, x0, y);
    cairo_line_to(p->cr, x1, y);
    cairo_stroke(p->cr);
}

static void heading(struct pdf *p, const char *title, double keep)
{
    ensure(p, 36 + keep);
    p->y += 22;
    font(p, 12.5, true);
    text(p, MARGIN, p->y, title);
    hline(p, MARGIN, MARGIN + CONTENT_W, p->y + 4, 1.0);
    p->y += 12;
}

/* Word-wraps s into lines of at most w points; a word wider than a line is cut. */
static void paragraph(struct pdf *p, const char *s, double size, bool bold)
{
    const double lh = size * 1.4;
    struct sw_buf line, cand;
    const char *q = s;

    sw_buf_init(&line);
    sw_buf_init(&cand);
    font(p, size, bold);
    while (*q) {
        size_t wl = strcspn(q, " \n");

        sw_buf_reset(&cand);
        if (line.len > 0) {
            sw_buf_append(&cand, line.data, line.len);
            sw_buf_puts(&cand, " ");
        }
        sw_buf_append(&cand, q, wl);
        if (line.len > 0 && width(p, cand.data) > CONTENT_W) {
            ensure(p, lh);
            p->y += lh;
            text(p, MARGIN, p->y, line.data);
            sw_buf_reset(&line);
            continue; /* the word starts the next line */
        }
        sw_buf_reset(&line);
        sw_buf_append(&line, cand.data, cand.len);
        q += wl;
        if (*q == '\n') {
            ensure(p, lh);
            p->y += lh;
            text_fit(p, MARGIN, p->y, CONTENT_W, line.data);
            sw_buf_reset(&line);
        }
        q += strspn(q, " \n");
    }
    if (line.len > 0) {
        ensure(p, lh);
        p->y += lh;
        text_fit(p, MARGIN, p->y, CONTENT_W, line.data);
    }
    sw_buf_release(&line);
    sw_buf_release(&cand);
}

static void table_header(struct pdf *p, const struct col *cols, size_t n)
{
    double x = MARGIN;

    font(p, 7, true);
    for (size_t i = 0; i < n; i++) {
        const char *nl = strchr(cols[i].title, '\n');
        char first[64];

        snprintf(first, sizeof(first), "%.*s", nl ? (int)(nl - cols[i].title) : 63, cols[i].title);
        if (cols[i].right) {
            text_right(p, x + cols[i].w - 3, p->y + 8, first);
            if (nl) {
                text_right(p, x + cols[i].w - 3, p->y + 16, nl + 1);
            }
        } else {
            text(p, x + 3, p->y + 8, first);
            if (nl) {
                text(p, x + 3, p->y + 16, nl + 1);
            }
        }
        x += cols[i].w;
    }
    p->y += 20;
    hline(p, MARGIN, MARGIN + CONTENT_W, p->y, 1.0);
}

/* One row of cells; starts a new page (with the header again) when it does not fit. */
static void table_row(struct pdf *p, const struct col *cols, size_t n, const char *const *cells,
                      unsigned shade, bool bold_col3)
{
    const double h = 13;
    double x = MARGIN;

    if (ensure(p, h)) {
        table_header(p, cols, n);
    }
    if (shade) {
        rgb(p, shade);
        cairo_rectangle(p->cr, MARGIN, p->y, CONTENT_W, h);
        cairo_fill(p->cr);
        rgb(p, 0);
    }
    for (size_t i = 0; i < n; i++) {
        font(p, 7.8, bold_col3 && i == 3);
        if (cols[i].right) {
            text_right(p, x + cols[i].w - 3, p->y + 9.2, cells[i]);
        } else {
            text_fit(p, x + 3, p->y + 9.2, cols[i].w - 6, cells[i]);
        }
        x += cols[i].w;
    }
    p->y += h;
    rgb(p, 0x999999);
    hline(p, MARGIN, MARGIN + CONTENT_W, p->y, 0.4);
    rgb(p, 0);
}

static void title_block(struct pdf *p)
{
    const struct sw_report *r = p->r;
    char a[RPT_STR_LEN], b[RPT_STR_LEN], g[RPT_STR_LEN], s[512];
    const char *labels[] = {"Customer", "Contract", "Period", "Time zone", "Generated"};
    char values[5][512];
    const char *name = r->customer_name ? r->customer_name : r->customer_id;

    rpt_local(r->timezone, r->period_start, a);
    rpt_local(r->timezone, r->period_end, b);
    rpt_local(r->timezone, r->generated_at, g);
    font(p, 18, true);
    snprintf(s, sizeof(s), "Availability report \xe2\x80\x94 %s %d", rpt_month_name(r->month),
             r->year);
    p->y += 8;
    text(p, MARGIN, p->y, s);
    p->y += 10;
    if (r->customer_name && strcmp(r->customer_name, r->customer_id) != 0) {
        snprintf(values[0], sizeof(values[0]), "%s (%s)", name, r->customer_id);
    } else {
        snprintf(values[0], sizeof(values[0]), "%s", name);
    }
    snprintf(values[1], sizeof(values[1]), "%s", r->contract_id);
    snprintf(values[2], sizeof(values[2]), "%s to %s", a, b);
    snprintf(values[3], sizeof(values[3]), "%s (all times below)", r->timezone);
    snprintf(values[4], sizeof(values[4]), "%s", g);
    for (int i = 0; i < 5; i++) {
        p->y += 13;
        font(p, 9, true);
        text(p, MARGIN, p->y, labels[i]);
        font(p, 9, false);
        text_fit(p, MARGIN + 70, p->y, CONTENT_W - 70, values[i]);
    }
    p->y += 10;
}

static void summary_box(struct pdf *p)
{
    const struct sw_report *r = p->r;
    size_t defined, met = rpt_count_met(r, &defined);
    char s[256], credit[RPT_STR_LEN], amount[RPT_STR_LEN];

    cairo_set_line_width(p->cr, 1.2);
    cairo_rectangle(p->cr, MARGIN, p->y, CONTENT_W, 38);
    cairo_stroke(p->cr);
    font(p, 10, true);
    if (defined < r->n_services) {
        snprintf(s, sizeof(s), "Objectives met: %zu of %zu (%zu without data this month).", met,
                 r->n_services, r->n_services - defined);
    } else {
        snprintf(s, sizeof(s), "Objectives met: %zu of %zu.", met, r->n_services);
    }
    text(p, MARGIN + 8, p->y + 15, s);
    rpt_ppm(r->credit_ppm, credit);
    if (r->credit_ppm == 0) {
        snprintf(s, sizeof(s), "Service credit owed: none.");
    } else if (r->credit_minor >= 0 && r->currency) {
        rpt_money(r->credit_minor, amount);
        snprintf(s, sizeof(s), "Service credit owed: %s %% of the monthly fee (%s %s).", credit,
                 r->currency, amount);
    } else {
        snprintf(s, sizeof(s), "Service credit owed: %s %% of the monthly fee.", credit);
    }
    text(p, MARGIN + 8, p->y + 30, s);
    p->y += 44;
}

static const struct col service_cols[] = {
    {"Service", 131, false},      {"Target\n(%)", 40, true},      {"Availability\n(%)", 58, true},
    {"Objective", 50, false},     {"Downtime\n(min)", 48, true},  {"Maintenance\n(min)", 54, true},
    {"Unknown\n(min)", 46, true}, {"Budget\nused (%)", 44, true}, {"Credit\n(%)", 40, true},
};
#define N_SERVICE_COLS (sizeof(service_cols) / sizeof(service_cols[0]))

static void service_table(struct pdf *p)
{
    const struct sw_report *r = p->r;

    heading(p, "Services", 20 + 13);
    table_header(p, service_cols, N_SERVICE_COLS);
    for (size_t i = 0; i < r->n_services; i++) {
        const struct sw_report_service *s = &r->services[i];
        char c[N_SERVICE_COLS][RPT_STR_LEN];
        const char *cells[N_SERVICE_COLS];
        bool missed = s->defined && !s->met;

        rpt_ppm(s->target_ppm, c[1]);
        rpt_pct_floor(s->defined ? s->availability : NAN, 3, c[2]);
        snprintf(c[3], RPT_STR_LEN, "%s%s",
                 s->defined ? (s->met ? "\xe2\x9c\x93 " : "\xe2\x9c\x97 ") : "", rpt_met_word(s));
        rpt_minutes(s->downtime_s, c[4]);
        rpt_minutes(s->maintenance_s, c[5]);
        rpt_minutes(s->unknown_s, c[6]);
        rpt_pct_round(s->defined ? s->budget_used : NAN, 1, c[7]);
        if (strcmp(c[7], "inf") == 0) {
            snprintf(c[7], RPT_STR_LEN, "\xe2\x88\x9e"); /* downtime against a zero budget */
        }
        rpt_ppm(s->credit_ppm, c[8]);
        cells[0] = s->id;
        for (size_t k = 1; k < N_SERVICE_COLS; k++) {
            cells[k] = c[k];
        }
        table_row(p, service_cols, N_SERVICE_COLS, cells, missed ? 0xfbe3e1 : 0, missed);
    }
    p->y += 4;
    paragraph(p,
              "Availability is truncated to three decimals, never rounded up. Budget used is "
              "the share of the allowed downtime (100 % minus target) spent; above 100 the "
              "objective is missed.",
              7.5, false);
}

static void legend(struct pdf *p)
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
    double x = MARGIN;

    font(p, 7.5, false);
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        enum sw_report_seg k = order[i];

        rgb(p, kind_style[k].rgb);
        cairo_rectangle(p->cr, x, p->y + 14 - kind_style[k].h, 9, kind_style[k].h);
        cairo_fill(p->cr);
        rgb(p, 0);
        text(p, x + 12, p->y + 13, label[k]);
        x += 12 + width(p, label[k]) + 14;
    }
    p->y += 22;
}

static void strips(struct pdf *p)
{
    const struct sw_report *r = p->r;
    struct rpt_run *runs = sw_xcalloc(RPT_STRIP_W, sizeof(*runs));
    const double sx = CONTENT_W / RPT_STRIP_W, sh = 14;
    double pos[31];
    int day[31];
    size_t nt = rpt_day_ticks(r, pos, day, 31);

    heading(p, "Timeline", 22 + 40);
    paragraph(p,
              "Each strip is the month from the first to the last day; the taller the bar, the "
              "worse the state. A short outage is drawn at least one step wide so it stays "
              "visible.",
              7.5, false);
    p->y += 2;
    legend(p);
    for (size_t i = 0; i < r->n_services; i++) {
        const struct sw_report_service *s = &r->services[i];
        size_t n = rpt_strip(s, r->period_start, r->period_end, runs);
        double base;

        ensure(p, 38);
        font(p, 7.5, false);
        text_fit(p, MARGIN, p->y + 8, CONTENT_W, s->id);
        base = p->y + 11 + sh;
        rgb(p, 0xf7f7f7);
        cairo_rectangle(p->cr, MARGIN, base - sh, CONTENT_W, sh);
        cairo_fill(p->cr);
        for (size_t k = 0; k < n; k++) {
            double h = kind_style[runs[k].kind].h;

            rgb(p, kind_style[runs[k].kind].rgb);
            cairo_rectangle(p->cr, MARGIN + runs[k].x0 * sx, base - h,
                            (runs[k].x1 - runs[k].x0) * sx, h);
            cairo_fill(p->cr);
        }
        rgb(p, 0);
        cairo_set_line_width(p->cr, 0.5);
        for (size_t k = 0; k < nt; k++) {
            double x = MARGIN + pos[k] * CONTENT_W;

            cairo_move_to(p->cr, x, base);
            cairo_line_to(p->cr, x, base + (day[k] % 7 == 1 ? 3.5 : 1.8));
        }
        cairo_stroke(p->cr);
        font(p, 6, false);
        for (size_t k = 0; k < nt; k++) {
            if (day[k] % 7 == 1) {
                char lbl[16];

                snprintf(lbl, sizeof(lbl), "%d %s", day[k], rpt_month_abbr(r->month));
                text(p, MARGIN + pos[k] * CONTENT_W + 1, base + 10, lbl);
            }
        }
        p->y = base + 14;
    }
    free(runs);
}

/* One service's 12-month chart in the box at (x, y), w x h points. */
static void trend_chart(struct pdf *p, const struct sw_report_service *s, double x, double y,
                        double w)
{
    const double px0 = x + 30, px1 = x + w - 4, py0 = y + 16, py1 = y + 92;
    double lo = rpt_trend_floor(s), target = s->target_ppm / 10000.0;
    double slot = (px1 - px0) / (double)(s->n_trend > 12 ? s->n_trend : 12);
    char lbl[64];

#define Y(v) (py1 - ((v)-lo) / (100.0 - lo) * (py1 - py0))
    font(p, 7.5, false);
    text_fit(p, x, y + 8, w - 70, s->id);
    cairo_set_line_width(p->cr, 0.4);
    for (int g = 0; g < 3; g++) {
        double v = lo + (100.0 - lo) * g / 2.0;

        rgb(p, 0xbbbbbb);
        hline(p, px0, px1, Y(v), 0.4);
        rgb(p, 0);
        font(p, 6, false);
        snprintf(lbl, sizeof(lbl), "%g", floor(v * 1000.0 + 0.5) / 1000.0);
        text_right(p, px0 - 2, Y(v) + 2, lbl);
    }
    for (size_t k = 0; k < s->n_trend; k++) {
        const struct sw_report_trend *m = &s->trend[k];
        double bx = px0 + slot * (double)k;

        font(p, 5.5, false);
        if (m->defined) {
            double v = m->availability * 100.0;

            if (v < lo) {
                v = lo;
            }
            rgb(p, m->availability * 1e6 < (double)s->target_ppm ? 0xd73027 : 0x4575b4);
            cairo_rectangle(p->cr, bx + slot * 0.18, Y(v), slot * 0.64, py1 - Y(v));
            cairo_fill(p->cr);
            rgb(p, 0);
        } else {
            text(p, bx + slot / 2 - width(p, "n/a") / 2, py1 - 2, "n/a");
        }
        text(p, bx + slot / 2 - width(p, rpt_month_abbr(m->month)) / 2, py1 + 8,
             rpt_month_abbr(m->month));
        if (k == 0 || m->month == 1) {
            snprintf(lbl, sizeof(lbl), "%d", m->year);
            text(p, bx + slot / 2 - width(p, lbl) / 2, py1 + 15, lbl);
        }
    }
    cairo_set_line_width(p->cr, 1.0);
    cairo_set_dash(p->cr, (const double[]){4, 2.5}, 2, 0);
    cairo_move_to(p->cr, px0, Y(target));
    cairo_line_to(p->cr, px1, Y(target));
    cairo_stroke(p->cr);
    cairo_set_dash(p->cr, NULL, 0, 0);
    font(p, 6.5, false);
    snprintf(lbl, sizeof(lbl), "- - target %g", target);
    text_right(p, px1, y + 8, lbl);
    cairo_set_line_width(p->cr, 0.7);
    cairo_move_to(p->cr, px0, py0);
    cairo_line_to(p->cr, px0, py1);
    cairo_line_to(p->cr, px1, py1);
    cairo_stroke(p->cr);
#undef Y
}

static void trends(struct pdf *p)
{
    const struct sw_report *r = p->r;
    const double w = (CONTENT_W - 20) / 2, h = 112;
    size_t col = 0;
    bool any = false;

    for (size_t i = 0; i < r->n_services && !any; i++) {
        any = r->services[i].trend && r->services[i].n_trend > 0;
    }
    if (!any) {
        return;
    }
    heading(p, "Twelve-month trend", h);
    paragraph(p,
              "Availability (%) per month; the dashed line is the target, bars below it are "
              "drawn red; a month without data is left empty and marked n/a.",
              7.5, false);
    p->y += 4;
    for (size_t i = 0; i < r->n_services; i++) {
        const struct sw_report_service *s = &r->services[i];

        if (!s->trend || s->n_trend == 0) {
            continue;
        }
        if (col == 0) {
            ensure(p, h);
        }
        trend_chart(p, s, MARGIN + col * (w + 20), p->y, w);
        col = 1 - col;
        if (col == 0) {
            p->y += h;
        }
    }
    if (col == 1) {
        p->y += h;
    }
}

static const struct col event_cols[] = {
    {"Service", 120, false},       {"Start", 118, false}, {"End", 118, false},
    {"Duration\n(min)", 48, true}, {"Note", 107, false},
};
#define N_EVENT_COLS (sizeof(event_cols) / sizeof(event_cols[0]))

static void events(struct pdf *p, const struct sw_report_event *v, size_t n, const char *title,
                   const char *first, const char *last, const char *none)
{
    struct col cols[N_EVENT_COLS];
    size_t shown = n > SW_REPORT_EVENTS_SHOWN ? SW_REPORT_EVENTS_SHOWN : n;
    char s[128];

    memcpy(cols, event_cols, sizeof(cols));
    cols[0].title = first;
    cols[4].title = last;
    heading(p, title, 20 + 13);
    if (n == 0) {
        paragraph(p, none, 9, false);
        return;
    }
    table_header(p, cols, N_EVENT_COLS);
    for (size_t i = 0; i < shown; i++) {
        char a[RPT_STR_LEN], b[RPT_STR_LEN], m[RPT_STR_LEN];
        const char *cells[N_EVENT_COLS] = {v[i].service, a, b, m, v[i].note ? v[i].note : ""};

        rpt_local(p->r->timezone, v[i].start, a);
        rpt_local(p->r->timezone, v[i].end, b);
        rpt_minutes(v[i].seconds, m);
        table_row(p, cols, N_EVENT_COLS, cells, 0, false);
    }
    if (shown < n) {
        snprintf(s, sizeof(s), "%zu more not listed here (the JSON report lists all %zu).",
                 n - shown, n);
        paragraph(p, s, 8, true);
    }
}

int sw_report_pdf(const struct sw_report *r, const char *path, struct sw_buf *err)
{
    cairo_surface_t *sf;
    cairo_status_t st;
    struct pdf p = {.r = r, .y = TOP, .page = 1};
    char created[RPT_STR_LEN], title[256], tz_note[256];
    int rc;

    rc = sw_report_check(r, err);
    if (rc < 0) {
        return rc;
    }
    sf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    st = cairo_surface_status(sf);
    if (st != CAIRO_STATUS_SUCCESS) {
        sw_buf_printf(err, "cannot write the PDF to %s: %s", path, cairo_status_to_string(st));
        cairo_surface_destroy(sf);
        return -EIO;
    }
    /* a fixed creation date keeps the output a function of the model alone */
    rpt_iso(r->timezone, r->generated_at, created);
    snprintf(title, sizeof(title), "Availability report: %s, %s %d", r->customer_id,
             rpt_month_name(r->month), r->year);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "stackward");
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, created);
    p.cr = cairo_create(sf);
    rgb(&p, 0);

    title_block(&p);
    summary_box(&p);
    service_table(&p);
    strips(&p);
    trends(&p);
    events(&p, r->outages, r->n_outages, "Outages", "Service", "Note", "No outages this month.");
    events(&p, r->maintenance, r->n_maintenance, "Maintenance", "Scope", "Reason",
           "No maintenance this month.");
    heading(&p, "Accounting policy", 14);
    paragraph(&p, r->policy ? r->policy : "No policy text was given.", 9, false);
    snprintf(tz_note, sizeof(tz_note),
             "Times are shown in %s with their offset from UTC. Minutes are exact, with two "
             "decimals when not whole.",
             r->timezone);
    paragraph(&p, tz_note, 9, false);
    footer(&p);
    cairo_show_page(p.cr);

    st = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS) {
        st = cairo_surface_status(sf);
    }
    cairo_surface_destroy(sf);
    if (st != CAIRO_STATUS_SUCCESS) {
        sw_buf_printf(err, "cannot write the PDF to %s: %s", path, cairo_status_to_string(st));
        unlink(path); /* never leave a half-written PDF behind */
        return -EIO;
    }
    return 0;
}
