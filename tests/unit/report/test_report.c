/* SPDX-License-Identifier: Apache-2.0 */
/* test_report.c: src/report with a hand-built model (two services, one with the worked example
 * of docs/sla.md: 31 days, availability 0.99939353...): exact CSV text, exact HTML cells and no
 * external reference, HTML escaping, JSON parsed back with jansson, a PDF checked with pdfinfo
 * and pdftotext, the model check, and 1,000 services rendered in linear size. Set
 * SW_REPORT_SAMPLE_DIR to keep sample.html and sample.pdf there for a look. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cmocka.h>
#include <fontconfig/fontconfig.h>
#include <jansson.h>

#include "core/core.h"
#include "report/report.h"
#include "report/report_int.h"

/* July 2026 in Europe/Berlin: 2026-06-30T22:00:00Z .. 2026-07-31T22:00:00Z, 31 days */
#define P_START 1782856800
#define P_END 1785535200
#define OUT1 1783072800   /* 2026-07-03 12:00 +02:00, 20 min */
#define MAINT0 1783245600 /* 2026-07-05 12:00 +02:00, 2 h */
#define MAINT1 1783252800
#define OUT2 1783247400 /* 2026-07-05 12:30 +02:00, 25 min, inside the maintenance */
#define OUT3 1784591400 /* 2026-07-21 01:50 +02:00, 7 min */

static const struct sw_report_segment identity_segs[] = {
    {P_START, OUT1, SW_SEG_UP},       {OUT1, OUT1 + 1200, SW_SEG_DOWN},
    {OUT1 + 1200, MAINT0, SW_SEG_UP}, {MAINT0, MAINT1, SW_SEG_MAINTENANCE},
    {MAINT1, OUT3, SW_SEG_UP},        {OUT3, OUT3 + 420, SW_SEG_DOWN},
    {OUT3 + 420, P_END, SW_SEG_UP},
};

static const struct sw_report_segment compute_segs[] = {
    {P_START, P_START + 3600, SW_SEG_UNKNOWN},
    {P_START + 3600, MAINT0, SW_SEG_UP},
    {MAINT0, MAINT1, SW_SEG_MAINTENANCE},
    {MAINT1, P_END, SW_SEG_UP},
};

static const struct sw_report_trend identity_trend[12] = {
    {2025, 8, true, 1.0},      {2025, 9, true, 0.9998},  {2025, 10, true, 0.99971},
    {2025, 11, true, 0.99990}, {2025, 12, true, 1.0},    {2026, 1, true, 0.99962},
    {2026, 2, false, 0.0},     {2026, 3, true, 0.99993}, {2026, 4, true, 0.9996},
    {2026, 5, true, 1.0},      {2026, 6, true, 0.99991}, {2026, 7, true, 2669580.0 / 2671200.0},
};

static const struct sw_report_event outages[] = {
    {"fra1/identity", OUT1, OUT1 + 1200, 1200, NULL},
    {"fra1/identity", OUT2, OUT2 + 1500, 1500, "in maintenance (not counted)"},
    {"fra1/identity", OUT3, OUT3 + 420, 420, NULL},
};

static const struct sw_report_event maint[] = {
    {"acme/fra1", MAINT0, MAINT1, 7200, "Ceph upgrade"},
};

static struct sw_report_service services[2];

static struct sw_report model(void)
{
    services[0] = (struct sw_report_service){
        .id = "fra1/identity",
        .name = "Identity (Keystone)",
        .target_ppm = 999500,
        .defined = true,
        .availability = 2669580.0 / 2671200.0,
        .met = false,
        .eligible_s = 2671200,
        .downtime_s = 1620,
        .maintenance_s = 7200,
        .unknown_s = 0,
        .budget_s = 1335,
        .budget_used = 1620.0 / 1335.6,
        .credit_ppm = 100000,
        .segments = identity_segs,
        .n_segments = sizeof(identity_segs) / sizeof(identity_segs[0]),
        .trend = identity_trend,
        .n_trend = 12,
    };
    services[1] = (struct sw_report_service){
        .id = "fra1/compute-api",
        .name = "Compute <API> & \"Nova\"",
        .target_ppm = 990000,
        .defined = true,
        .availability = 1.0,
        .met = true,
        .eligible_s = 2667600,
        .downtime_s = 0,
        .maintenance_s = 7200,
        .unknown_s = 3600,
        .budget_s = 26676,
        .budget_used = 0.0,
        .credit_ppm = 0,
        .segments = compute_segs,
        .n_segments = sizeof(compute_segs) / sizeof(compute_segs[0]),
    };
    return (struct sw_report){
        .customer_id = "acme",
        .customer_name = "ACME Cloud GmbH",
        .contract_id = "gold",
        .timezone = "Europe/Berlin",
        .year = 2026,
        .month = 7,
        .period_start = P_START,
        .period_end = P_END,
        .generated_at = 1785564000, /* 2026-08-01 08:00 +02:00 */
        .policy = "Availability = (eligible - downtime) / eligible. Excluded maintenance is not "
                  "eligible; time without data (unknown) is excluded; CRITICAL counts as down.",
        .services = services,
        .n_services = 2,
        .outages = outages,
        .n_outages = 3,
        .maintenance = maint,
        .n_maintenance = 1,
        .credit_ppm = 100000,
        .fee_minor = 120000,
        .currency = "EUR",
        .credit_minor = 12000,
    };
}

static char *render(void (*fn)(const struct sw_report *, struct sw_buf *),
                    const struct sw_report *r)
{
    struct sw_buf b;

    sw_buf_init(&b);
    fn(r, &b);
    return sw_buf_steal(&b);
}

static void keep_sample(const char *name, const char *text)
{
    const char *dir = getenv("SW_REPORT_SAMPLE_DIR");
    char path[512];
    FILE *f;

    if (!dir) {
        return;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- helpers ---- */

static void test_formatting(void **unused)
{
    char s[RPT_STR_LEN];

    (void)unused;
    rpt_pct_floor(2669580.0 / 2671200.0, 6, s);
    assert_string_equal(s, "99.939353");
    rpt_pct_floor(2669580.0 / 2671200.0, 3, s);
    assert_string_equal(s, "99.939");
    rpt_pct_floor(0.9995, 3, s); /* an exact boundary is not pushed down */
    assert_string_equal(s, "99.950");
    rpt_pct_floor(2678399.0 / 2678400.0, 3, s); /* one second down: never shown as 100 */
    assert_string_equal(s, "99.999");
    rpt_pct_floor(1.0, 3, s);
    assert_string_equal(s, "100.000");
    rpt_pct_floor(0.0, 6, s);
    assert_string_equal(s, "0.000000");
    rpt_pct_floor(NAN, 3, s);
    assert_string_equal(s, "n/a");
    rpt_pct_round(1620.0 / 1335.6, 1, s);
    assert_string_equal(s, "121.3");
    rpt_pct_round(INFINITY, 1, s);
    assert_string_equal(s, "inf");
    rpt_pct_round(NAN, 1, s);
    assert_string_equal(s, "n/a");
    rpt_ppm(999500, s);
    assert_string_equal(s, "99.95");
    rpt_ppm(1000000, s);
    assert_string_equal(s, "100");
    rpt_ppm(0, s);
    assert_string_equal(s, "0");
    rpt_ppm(5, s);
    assert_string_equal(s, "0.0005");
    rpt_ppm(999990, s);
    assert_string_equal(s, "99.999");
    rpt_minutes(1620, s);
    assert_string_equal(s, "27");
    rpt_minutes(90, s);
    assert_string_equal(s, "1.50");
    rpt_minutes(61, s);
    assert_string_equal(s, "1.02");
    rpt_money(12000, s);
    assert_string_equal(s, "120.00");
    rpt_money(5, s);
    assert_string_equal(s, "0.05");
    rpt_money(-1, s);
    assert_string_equal(s, "-");
}

static void test_local_times(void **unused)
{
    char s[RPT_STR_LEN];

    (void)unused;
    rpt_local("Europe/Berlin", OUT1, s);
    assert_string_equal(s, "2026-07-03 12:00 +02:00");
    rpt_local("Europe/Berlin", OUT1 + 30, s);
    assert_string_equal(s, "2026-07-03 12:00:30 +02:00");
    rpt_local("Europe/Berlin", 1798761600, s); /* 2027-01-01T00:00Z, winter */
    assert_string_equal(s, "2027-01-01 01:00 +01:00");
    rpt_local("America/St_Johns", 1798761600, s); /* half-hour offset, west of UTC */
    assert_string_equal(s, "2026-12-31 20:30 -03:30");
    /* the fall-back hour happens twice; the offset tells the two apart */
    rpt_local("Europe/Berlin", 1792888200, s);
    assert_string_equal(s, "2026-10-25 02:30 +02:00");
    rpt_local("Europe/Berlin", 1792891800, s);
    assert_string_equal(s, "2026-10-25 02:30 +01:00");
    rpt_iso("Europe/Berlin", P_START, s);
    assert_string_equal(s, "2026-07-01T00:00:00+02:00");
    rpt_iso("UTC", P_START, s);
    assert_string_equal(s, "2026-06-30T22:00:00+00:00");
}

static void test_strip(void **unused)
{
    struct sw_report r = model();
    struct rpt_run runs[RPT_STRIP_W];
    struct sw_report_segment one_minute[] = {
        {P_START, OUT1, SW_SEG_UP},
        {OUT1, OUT1 + 60, SW_SEG_DOWN},
        {OUT1 + 60, P_END, SW_SEG_UP},
    };
    struct sw_report_service s = {.id = "x", .segments = one_minute, .n_segments = 3};
    size_t n;
    double pos[31];
    int day[31];

    (void)unused;
    /* the 20-minute outage is 216,000 s in: bucket 48 (4464 s each), and stays one bucket */
    n = rpt_strip(&r.services[0], P_START, P_END, runs);
    assert_int_equal(n, 7);
    assert_int_equal(runs[0].kind, SW_SEG_UP);
    assert_int_equal(runs[0].x0, 0);
    assert_int_equal(runs[0].x1, 48);
    assert_int_equal(runs[1].kind, SW_SEG_DOWN);
    assert_int_equal(runs[1].x0, 48);
    assert_int_equal(runs[1].x1, 49);
    assert_int_equal(runs[3].kind, SW_SEG_MAINTENANCE);
    assert_int_equal(runs[6].kind, SW_SEG_UP);
    assert_int_equal(runs[6].x1, RPT_STRIP_W);
    /* a one-minute outage is still one bucket wide */
    n = rpt_strip(&s, P_START, P_END, runs);
    assert_int_equal(n, 3);
    assert_int_equal(runs[1].kind, SW_SEG_DOWN);
    assert_int_equal(runs[1].x1 - runs[1].x0, 1);
    /* no segments: one run of "none" */
    s.n_segments = 0;
    n = rpt_strip(&s, P_START, P_END, runs);
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].kind, SW_SEG_NONE);
    /* days 1..31, the first at the period start */
    assert_int_equal(rpt_day_ticks(&r, pos, day, 31), 31);
    assert_int_equal(day[0], 1);
    assert_true(pos[0] == 0.0);
    assert_int_equal(day[30], 31);
    assert_true(fabs(pos[30] - 30.0 / 31.0) < 1e-12);
    /* October 2026 in Berlin is 31 days and an hour: the last midnight is 23:00Z on the 30th */
    r.month = 10;
    r.period_start = 1790805600;
    r.period_end = 1793487600;
    assert_int_equal(rpt_day_ticks(&r, pos, day, 31), 31);
    assert_int_equal(day[30], 31);
    assert_true(pos[30] == 2595600.0 / 2682000.0);
    /* the trend's floor sits below the worst month (99.939) and the target (99.95) */
    assert_true(rpt_trend_floor(&r.services[0]) == 99.9);
    assert_true(rpt_trend_floor(&r.services[1]) == 98.0);
}

/* ---- CSV ---- */

static void test_csv(void **unused)
{
    struct sw_report r = model();
    char *csv;

    (void)unused;
    csv = render(sw_report_csv, &r);
    assert_string_equal(
        csv, "service,target_percent,availability_percent,met,eligible_s,downtime_s,"
             "maintenance_s,unknown_s,budget_s,budget_used_percent,credit_percent\n"
             "fra1/identity,99.95,99.939353,no,2671200,1620,7200,0,1335,121.293801,10\n"
             "fra1/compute-api,99,100.000000,yes,2667600,0,7200,3600,26676,0.000000,0\n"
             "\n"
             "customer,year,month,period_start,period_end,credit_percent,credit_amount,currency\n"
             "acme,2026,7,2026-07-01T00:00:00+02:00,2026-08-01T00:00:00+02:00,10,120.00,EUR\n");
    free(csv);
}

static void test_csv_quoting_and_unknowns(void **unused)
{
    struct sw_report r = model();
    struct sw_report_service one = {
        .id = "fra1/\"odd\",id",
        .target_ppm = 999900,
        .defined = false,
        .met = true, /* ignored when undefined: shown as n/a */
    };
    char *csv;

    (void)unused;
    r.services = &one;
    r.n_services = 1;
    r.customer_id = "a,b";
    r.fee_minor = -1;
    r.credit_minor = -1;
    r.currency = NULL;
    r.credit_ppm = 0;
    csv = render(sw_report_csv, &r);
    assert_string_equal(
        csv, "service,target_percent,availability_percent,met,eligible_s,downtime_s,"
             "maintenance_s,unknown_s,budget_s,budget_used_percent,credit_percent\n"
             "\"fra1/\"\"odd\"\",id\",99.99,n/a,n/a,0,0,0,0,0,n/a,0\n"
             "\n"
             "customer,year,month,period_start,period_end,credit_percent,credit_amount,currency\n"
             "\"a,b\",2026,7,2026-07-01T00:00:00+02:00,2026-08-01T00:00:00+02:00,0,,\n");
    free(csv);
}

/* ---- HTML ---- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) {
        fail_msg("expected to find: %s", needle);
    }
}

static void assert_offline(const char *html)
{
    static const char *const banned[] = {"http://", "https://", "src=",    "@import",
                                         "url(",    "<link",    "<script", "<img",
                                         "<iframe", "<object",  "<embed",  "//"};
    const char *p;

    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
        if (strstr(html, banned[i])) {
            fail_msg("the HTML references something outside: %s", banned[i]);
        }
    }
    /* href only as an in-page anchor */
    for (p = strstr(html, "href="); p; p = strstr(p + 1, "href=")) {
        assert_true(p[5] == '"' && p[6] == '#');
    }
}

static void test_html(void **unused)
{
    struct sw_report r = model();
    char *html;

    (void)unused;
    html = render(sw_report_html, &r);
    keep_sample("sample.html", html);
    assert_true(sw_str_has_prefix(html, "<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_offline(html);
    assert_contains(html, "<style>\n@page { size: A4 portrait;");
    /* header, in the customer's zone */
    assert_contains(html, "<h1>Availability report &#8212; July 2026</h1>");
    assert_contains(html, "<dt>Customer</dt><dd>ACME Cloud GmbH <span class=\"sid\">(acme)"
                          "</span></dd>");
    assert_contains(html, "<dt>Contract</dt><dd>gold</dd>");
    assert_contains(html, "<dt>Period</dt><dd>2026-07-01 00:00 +02:00 to 2026-08-01 00:00 "
                          "+02:00</dd>");
    assert_contains(html, "<dt>Generated</dt><dd>2026-08-01 08:00 +02:00</dd>");
    /* summary */
    assert_contains(html, "<strong>Objectives met: 1 of 2</strong>.");
    assert_contains(html, "Service credit owed: 10 % of the monthly fee (EUR 120.00)");
    /* the service rows, cell by cell */
    assert_contains(html, "<tr class=\"missed\"><td>Identity (Keystone)<br><span class=\"sid\">"
                          "fra1/identity</span></td><td class=\"n\">99.95</td>"
                          "<td class=\"n\">99.939</td><td class=\"missed\">&#10007; missed</td>"
                          "<td class=\"n\">27</td><td class=\"n\">120</td><td class=\"n\">0</td>"
                          "<td class=\"n\">121.3</td><td class=\"n\">10</td></tr>");
    assert_contains(html, "<tr><td>Compute &lt;API&gt; &amp; &quot;Nova&quot;<br>"
                          "<span class=\"sid\">fra1/compute-api</span></td>"
                          "<td class=\"n\">99</td><td class=\"n\">100.000</td>"
                          "<td class=\"met\">&#10003; met</td><td class=\"n\">0</td>"
                          "<td class=\"n\">120</td><td class=\"n\">60</td>"
                          "<td class=\"n\">0.0</td><td class=\"n\">0</td></tr>");
    /* strips: the first outage's bucket, drawn full height in red */
    assert_contains(html, "<rect x=\"48\" y=\"0\" width=\"1\" height=\"20\" fill=\"#d73027\"/>");
    assert_contains(html, ">8 Jul</text>");
    /* the trend: the undefined month is a gap, the target a dashed line */
    assert_contains(html, "<title>Jul 2026: 99.939 %</title>");
    assert_contains(html, "n/a</text>");
    assert_contains(html, "<span class=\"muted\">(dashed: target 99.95)</span>");
    /* outages and maintenance with local times */
    assert_contains(html, "<tr><td class=\"sid\">fra1/identity</td><td>2026-07-03 12:00 +02:00"
                          "</td><td>2026-07-03 12:20 +02:00</td><td class=\"n\">20</td><td>"
                          "</td></tr>");
    assert_contains(html, "<td>2026-07-05 12:30 +02:00</td><td>2026-07-05 12:55 +02:00</td>"
                          "<td class=\"n\">25</td><td>in maintenance (not counted)</td>");
    assert_contains(html, "<td>2026-07-21 01:50 +02:00</td><td>2026-07-21 01:57 +02:00</td>");
    assert_contains(html, "<tr><td class=\"sid\">acme/fra1</td><td>2026-07-05 12:00 +02:00</td>"
                          "<td>2026-07-05 14:00 +02:00</td><td class=\"n\">120</td>"
                          "<td>Ceph upgrade</td></tr>");
    assert_contains(html, "<h2>Accounting policy</h2>\n<p>Availability = (eligible - downtime)"
                          " / eligible.");
    assert_true(sw_str_has_prefix(html + strlen(html) - 16, "</body>\n</html>\n"));
    free(html);
}

static void test_html_escaping(void **unused)
{
    struct sw_report r = model();
    struct sw_report_event bad_event = {"fra1/<script>", OUT1, OUT1 + 60, 60, "a & b"};
    char *html;

    (void)unused;
    r.customer_name = "<b>Evil & Co \"Ltd\"</b>";
    r.customer_id = "evil'co";
    r.policy = "</p><script>alert(1)</script>";
    services[1].id = "fra1/<svg onload=x>";
    r.outages = &bad_event;
    r.n_outages = 1;
    html = render(sw_report_html, &r);
    assert_offline(html);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b>"));
    assert_null(strstr(html, "<svg onload"));
    assert_contains(html, "&lt;b&gt;Evil &amp; Co &quot;Ltd&quot;&lt;/b&gt; "
                          "<span class=\"sid\">(evil&#39;co)</span>");
    assert_contains(html, "<title>Availability report: &lt;b&gt;Evil &amp; Co &quot;Ltd&quot;"
                          "&lt;/b&gt;, July 2026</title>");
    assert_contains(html, "fra1/&lt;svg onload=x&gt;");
    assert_contains(html, "<td class=\"sid\">fra1/&lt;script&gt;</td>");
    assert_contains(html, "<td>a &amp; b</td>");
    assert_contains(html, "<p>&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    free(html);
}

static void test_html_undefined_and_no_credit(void **unused)
{
    struct sw_report r = model();
    struct sw_report_service fresh = {
        .id = "fra1/new",
        .target_ppm = 999000,
        .defined = false,
    };
    char *html;

    (void)unused;
    r.services = &fresh;
    r.n_services = 1;
    r.n_outages = 0;
    r.n_maintenance = 0;
    r.credit_ppm = 0;
    r.credit_minor = 0;
    html = render(sw_report_html, &r);
    assert_contains(html, "<strong>Objectives met: 0 of 1</strong> (1 without data this month).");
    assert_contains(html, "Service credit owed: none");
    assert_contains(html, "<td class=\"n\">99.9</td><td class=\"n\">n/a</td><td class=\"na\">"
                          "n/a</td>");
    assert_contains(html, "<p>No outages this month.</p>");
    assert_contains(html, "<p>No maintenance this month.</p>");
    assert_null(strstr(html, "Twelve-month trend")); /* no service has a trend */
    /* the strip of a service without segments is one "not counted" run */
    assert_contains(html, "<rect x=\"0\" y=\"18\" width=\"600\" height=\"2\" fill=\"#d9d9d9\"/>");
    free(html);
}

static void test_zero_budget(void **unused)
{
    struct sw_report r = model();
    struct sw_report_service strict = {
        .id = "fra1/dns",
        .target_ppm = 1000000,
        .defined = true,
        .availability = 99990.0 / 100000.0,
        .met = false,
        .eligible_s = 100000,
        .downtime_s = 10,
        .budget_s = 0,
        .budget_used = INFINITY,
    };
    char *csv, *html, *json;
    json_t *j;

    (void)unused;
    r.services = &strict;
    r.n_services = 1;
    csv = render(sw_report_csv, &r);
    assert_contains(csv, "\nfra1/dns,100,99.990000,no,100000,10,0,0,0,inf,0\n");
    html = render(sw_report_html, &r);
    assert_contains(html, "<td class=\"n\">0.17</td><td class=\"n\">0</td><td class=\"n\">0"
                          "</td><td class=\"n\">&#8734;</td>");
    json = render(sw_report_json, &r);
    j = json_loads(json, 0, NULL);
    assert_non_null(j);
    assert_true(json_is_null(
        json_object_get(json_array_get(json_object_get(j, "services"), 0), "budget_used")));
    json_decref(j);
    free(json);
    free(html);
    free(csv);
}

/* ---- JSON ---- */

static void test_json(void **unused)
{
    struct sw_report r = model();
    json_error_t jerr;
    json_t *j, *s0, *s1, *o;
    char *text;

    (void)unused;
    text = render(sw_report_json, &r);
    j = json_loads(text, 0, &jerr);
    if (!j) {
        fail_msg("JSON does not parse: %s (line %d)", jerr.text, jerr.line);
    }
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "customer"), "id")),
                        "acme");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "customer"), "name")),
                        "ACME Cloud GmbH");
    assert_string_equal(json_string_value(json_object_get(j, "contract")), "gold");
    assert_string_equal(json_string_value(json_object_get(j, "timezone")), "Europe/Berlin");
    assert_int_equal(json_integer_value(json_object_get(j, "month")), 7);
    o = json_object_get(j, "period");
    assert_string_equal(json_string_value(json_object_get(o, "start")),
                        "2026-07-01T00:00:00+02:00");
    assert_string_equal(json_string_value(json_object_get(o, "end")), "2026-08-01T00:00:00+02:00");
    assert_int_equal(json_integer_value(json_object_get(o, "seconds")), 2678400);
    assert_string_equal(json_string_value(json_object_get(j, "generated_at")),
                        "2026-08-01T08:00:00+02:00");
    o = json_object_get(j, "credit");
    assert_true(json_number_value(json_object_get(o, "percent")) == 10.0);
    assert_int_equal(json_integer_value(json_object_get(o, "ppm")), 100000);
    assert_int_equal(json_integer_value(json_object_get(o, "fee_minor")), 120000);
    assert_int_equal(json_integer_value(json_object_get(o, "amount_minor")), 12000);
    assert_string_equal(json_string_value(json_object_get(o, "currency")), "EUR");
    o = json_object_get(j, "summary");
    assert_int_equal(json_integer_value(json_object_get(o, "met")), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "services")), 2);

    assert_int_equal(json_array_size(json_object_get(j, "services")), 2);
    s0 = json_array_get(json_object_get(j, "services"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "id")), "fra1/identity");
    assert_true(json_real_value(json_object_get(s0, "target")) == 99.95);
    /* full precision: the very same double comes back */
    assert_true(json_real_value(json_object_get(s0, "availability")) == 2669580.0 / 2671200.0);
    assert_true(json_real_value(json_object_get(s0, "budget_used")) == 1620.0 / 1335.6);
    assert_true(json_is_false(json_object_get(s0, "met")));
    assert_int_equal(json_integer_value(json_object_get(s0, "eligible_s")), 2671200);
    assert_int_equal(json_integer_value(json_object_get(s0, "downtime_s")), 1620);
    assert_int_equal(json_integer_value(json_object_get(s0, "maintenance_s")), 7200);
    assert_int_equal(json_integer_value(json_object_get(s0, "unknown_s")), 0);
    assert_int_equal(json_integer_value(json_object_get(s0, "budget_s")), 1335);
    assert_true(json_number_value(json_object_get(s0, "credit_percent")) == 10.0);
    assert_int_equal(json_array_size(json_object_get(s0, "segments")), 7);
    o = json_array_get(json_object_get(s0, "segments"), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "start")), OUT1);
    assert_int_equal(json_integer_value(json_object_get(o, "end")), OUT1 + 1200);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "down");
    assert_int_equal(json_array_size(json_object_get(s0, "trend")), 12);
    o = json_array_get(json_object_get(s0, "trend"), 6);
    assert_int_equal(json_integer_value(json_object_get(o, "year")), 2026);
    assert_int_equal(json_integer_value(json_object_get(o, "month")), 2);
    assert_true(json_is_null(json_object_get(o, "availability")));
    o = json_array_get(json_object_get(s0, "trend"), 1);
    assert_true(json_real_value(json_object_get(o, "availability")) == 0.9998);

    s1 = json_array_get(json_object_get(j, "services"), 1);
    assert_string_equal(json_string_value(json_object_get(s1, "name")), "Compute <API> & \"Nova\"");
    assert_true(json_number_value(json_object_get(s1, "availability")) == 1.0);
    assert_true(json_is_true(json_object_get(s1, "met")));
    assert_int_equal(json_array_size(json_object_get(s1, "trend")), 0);

    assert_int_equal(json_array_size(json_object_get(j, "outages")), 3);
    o = json_array_get(json_object_get(j, "outages"), 1);
    assert_string_equal(json_string_value(json_object_get(o, "start")),
                        "2026-07-05T12:30:00+02:00");
    assert_int_equal(json_integer_value(json_object_get(o, "seconds")), 1500);
    assert_string_equal(json_string_value(json_object_get(o, "note")),
                        "in maintenance (not counted)");
    assert_true(
        json_is_null(json_object_get(json_array_get(json_object_get(j, "outages"), 0), "note")));
    o = json_array_get(json_object_get(j, "maintenance"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "service")), "acme/fra1");
    assert_string_equal(json_string_value(json_object_get(o, "end")), "2026-07-05T14:00:00+02:00");
    assert_string_equal(json_string_value(json_object_get(o, "note")), "Ceph upgrade");
    json_decref(j);
    free(text);

    /* undefined availability and an unknown fee are null, never 0 */
    services[1].defined = false;
    r.fee_minor = -1;
    r.credit_minor = -1;
    r.currency = NULL;
    text = render(sw_report_json, &r);
    j = json_loads(text, 0, &jerr);
    assert_non_null(j);
    s1 = json_array_get(json_object_get(j, "services"), 1);
    assert_true(json_is_null(json_object_get(s1, "availability")));
    assert_true(json_is_null(json_object_get(s1, "budget_used")));
    assert_true(json_is_null(json_object_get(json_object_get(j, "credit"), "amount_minor")));
    assert_true(json_is_null(json_object_get(json_object_get(j, "credit"), "currency")));
    json_decref(j);
    free(text);
}

/* ---- PDF ---- */

static char *run(const char *cmd)
{
    struct sw_buf b;
    char chunk[4096];
    size_t n;
    FILE *f = popen(cmd, "r");

    assert_non_null(f);
    sw_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        sw_buf_append(&b, chunk, n);
    }
    assert_int_equal(pclose(f), 0);
    return sw_buf_steal(&b);
}

static void test_pdf(void **unused)
{
    struct sw_report r = model();
    struct sw_buf err;
    char path[] = "/tmp/sw-report-XXXXXX.pdf", cmd[600], head[8] = {0};
    const char *dir = getenv("SW_REPORT_SAMPLE_DIR");
    char *info, *text;
    FILE *f;
    int fd;

    (void)unused;
    sw_buf_init(&err);
    fd = mkstemps(path, 4);
    assert_true(fd != -1);
    close(fd);
    assert_int_equal(sw_report_pdf(&r, path, &err), 0);
    assert_int_equal(err.len, 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(head, 1, 5, f), 5);
    fclose(f);
    assert_string_equal(head, "%PDF-");

    snprintf(cmd, sizeof(cmd), "pdfinfo '%s'", path);
    info = run(cmd);
    assert_contains(info, "Page size:       595 x 842 pts (A4)");
    assert_contains(info, "Creator:         stackward");
    assert_contains(info, "Title:           Availability report: acme, July 2026");
    free(info);

    snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' -", path);
    text = run(cmd);
    assert_contains(text, "ACME Cloud GmbH");
    assert_contains(text, "Availability report");
    assert_contains(text, "July 2026");
    assert_contains(text, "fra1/identity");
    assert_contains(text, "fra1/compute-api");
    assert_contains(text, "99.939");
    assert_contains(text, "121.3");
    assert_contains(text, "Objectives met: 1 of 2.");
    assert_contains(text, "Service credit owed: 10 % of the monthly fee (EUR 120.00).");
    assert_contains(text, "2026-07-03 12:00 +02:00");
    assert_contains(text, "2026-07-05 12:00 +02:00");
    assert_contains(text, "Ceph upgrade");
    assert_contains(text, "target 99.95");
    assert_contains(text, "Accounting policy");
    free(text);
    if (dir) {
        snprintf(cmd, sizeof(cmd), "cp '%s' '%s/sample.pdf'", path, dir);
        free(run(cmd));
    }
    unlink(path);
    sw_buf_release(&err);
}

static void test_pdf_errors(void **unused)
{
    struct sw_report r = model();
    struct sw_buf err;

    (void)unused;
    sw_buf_init(&err);
    assert_int_equal(sw_report_pdf(&r, "/nonexistent-dir/x.pdf", &err), -EIO);
    assert_non_null(strstr(err.data, "cannot write the PDF to /nonexistent-dir/x.pdf"));
    assert_int_equal(access("/nonexistent-dir/x.pdf", F_OK), -1);
    sw_buf_reset(&err);
    r.month = 13;
    assert_int_equal(sw_report_pdf(&r, "/tmp/sw-report-never.pdf", &err), -EINVAL);
    assert_string_equal(err.data, "report: month 2026-13 is not a month");
    assert_int_equal(access("/tmp/sw-report-never.pdf", F_OK), -1);
    sw_buf_release(&err);
}

/* ---- the model check ---- */

static void expect_bad(const struct sw_report *r, const char *msg)
{
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_report_check(r, &err), -EINVAL);
    assert_string_equal(err.data, msg);
    sw_buf_release(&err);
}

static void test_check(void **unused)
{
    struct sw_report r;
    struct sw_buf err;
    struct sw_report_segment overlap[] = {
        {P_START, P_START + 100, SW_SEG_UP},
        {P_START + 50, P_START + 200, SW_SEG_DOWN},
    };
    struct sw_report_trend bad_trend[] = {{2026, 0, true, 1.0}};
    struct sw_report_event backwards = {"x", 10, 5, 0, NULL};

    (void)unused;
    sw_buf_init(&err);
    r = model();
    assert_int_equal(sw_report_check(&r, &err), 0);
    assert_int_equal(err.len, 0);
    sw_buf_release(&err);

    r.timezone = "Mars/Olympus";
    expect_bad(&r, "report: unknown time zone 'Mars/Olympus'");
    r = model();
    r.timezone = NULL;
    expect_bad(&r, "report: unknown time zone '(none)'");
    r = model();
    r.customer_id = "";
    expect_bad(&r, "report: missing or bad customer id");
    r = model();
    r.customer_name = "bad \xff utf-8";
    expect_bad(&r, "report: bad customer name text");
    r = model();
    r.period_end = r.period_start;
    expect_bad(&r, "report: the period ends before it starts");
    r = model();
    r.currency = "euro";
    expect_bad(&r, "report: a fee needs a currency of three capital letters (EUR)");
    r = model();
    r.credit_minor = -1;
    expect_bad(&r, "report: fee and credit amount must both be known (>= 0) or both -1");
    r = model();
    r.credit_ppm = 1000001;
    expect_bad(&r, "report: credit above 100 %");
    r = model();
    services[0].segments = overlap;
    services[0].n_segments = 2;
    expect_bad(&r, "service fra1/identity: segment 2 overlaps or precedes the one before");
    r = model();
    services[0].availability = 1.5;
    expect_bad(&r, "service fra1/identity: availability outside 0..1");
    r = model();
    services[1].trend = bad_trend;
    services[1].n_trend = 1;
    expect_bad(&r, "service fra1/compute-api: trend month 1 is not a month or its availability "
                   "is outside 0..1");
    r = model();
    services[1].id = NULL;
    expect_bad(&r, "service 2: missing or bad id");
    r = model();
    r.outages = &backwards;
    r.n_outages = 1;
    expect_bad(&r, "outage 1 (x): ends before it starts");
    r = model();
    r.n_services = SW_REPORT_SERVICES_MAX + 1;
    expect_bad(&r, "report: 10001 services, more than 10000");
}

/* A model that fails the check still renders without a crash (the output is unspecified). */
static void test_unchecked_model(void **unused)
{
    struct sw_report zero = {0};
    struct sw_report_service blank = {.n_trend = 0};
    struct sw_report r = model();
    struct sw_buf b, err;

    (void)unused;
    sw_buf_init(&b);
    sw_buf_init(&err);
    sw_report_html(&zero, &b);
    sw_report_csv(&zero, &b);
    sw_report_json(&zero, &b);
    assert_int_equal(sw_report_pdf(&zero, "/tmp/sw-report-never.pdf", &err), -EINVAL);
    assert_string_equal(err.data, "report: missing or bad customer id");
    r.customer_id = NULL;
    r.contract_id = NULL;
    r.timezone = "Not/A_Zone";
    r.services = &blank;
    r.n_services = 1;
    sw_report_html(&r, &b);
    sw_report_csv(&r, &b);
    sw_report_json(&r, &b);
    assert_true(b.len > 0);
    sw_buf_release(&b);
    sw_buf_release(&err);
}

/* ---- size ---- */

#define BIG 1000

static size_t big_html(size_t n_services, size_t *ret_pdf_pages)
{
    struct sw_report r = model();
    struct sw_report_service *v = sw_xcalloc(n_services, sizeof(*v));
    struct sw_report_event *ev = sw_xcalloc(n_services, sizeof(*ev));
    char(*ids)[32] = sw_xcalloc(n_services, sizeof(*ids));
    struct sw_buf b;
    size_t len;

    for (size_t i = 0; i < n_services; i++) {
        snprintf(ids[i], sizeof(ids[i]), "dc%zu/service-%zu", i % 7, i);
        v[i] = services[0];
        v[i].id = ids[i];
        v[i].name = NULL;
        ev[i] = outages[i % 3];
        ev[i].service = ids[i];
    }
    r.services = v;
    r.n_services = n_services;
    r.outages = ev;
    r.n_outages = n_services;
    sw_buf_init(&b);
    sw_report_html(&r, &b);
    len = b.len;
    assert_offline(b.data);
    sw_buf_release(&b);
    if (ret_pdf_pages) {
        struct sw_buf err;
        char path[] = "/tmp/sw-report-big-XXXXXX.pdf", cmd[300], *info, *p;
        int fd = mkstemps(path, 4);

        assert_true(fd != -1);
        close(fd);
        sw_buf_init(&err);
        assert_int_equal(sw_report_pdf(&r, path, &err), 0);
        snprintf(cmd, sizeof(cmd), "pdfinfo '%s'", path);
        info = run(cmd);
        p = strstr(info, "Pages:");
        assert_non_null(p);
        *ret_pdf_pages = strtoul(p + 6, NULL, 10);
        free(info);
        if (getenv("SW_REPORT_SAMPLE_DIR")) {
            snprintf(cmd, sizeof(cmd), "cp '%s' '%s/big.pdf'", path,
                     getenv("SW_REPORT_SAMPLE_DIR"));
            free(run(cmd));
        }
        unlink(path);
        sw_buf_release(&err);
    }
    free(ids);
    free(ev);
    free(v);
    return len;
}

static void test_many_services(void **unused)
{
    size_t pages = 0, one = big_html(BIG, &pages), two = big_html(2 * BIG, NULL);

    (void)unused;
    print_message("HTML %zu bytes for %d services, %zu for %d; PDF %zu pages\n", one, BIG, two,
                  2 * BIG, pages);
    /* about 5 KB per service (strip, trend chart, table row, outage row), and linear */
    assert_true(one < BIG * 6000);
    assert_true(two > one * 19 / 10 && two < one * 21 / 10);
    /* the PDF paginates: table (~55 rows a page), strips (~19), trends (~12), outages */
    assert_true(pages > 100 && pages < 250);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formatting),
        cmocka_unit_test(test_local_times),
        cmocka_unit_test(test_strip),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_quoting_and_unknowns),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_html_escaping),
        cmocka_unit_test(test_html_undefined_and_no_credit),
        cmocka_unit_test(test_zero_budget),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_pdf_errors),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_unchecked_model),
        cmocka_unit_test(test_many_services),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    /* cairo and fontconfig keep font caches for the life of the process; drop them so that
     * the leak checkers see only our own memory */
    cairo_debug_reset_static_data();
    FcFini();
    return failed;
}
