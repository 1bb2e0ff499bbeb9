/* SPDX-License-Identifier: Apache-2.0 */
/* health.c: the team health page of the web UI: every indicator of health.h for the last 30
 * days (or the calendar month `month=YYYY-MM`, UTC) with its value, the previous period's,
 * a status against the configured thresholds and a trend, each told by text and shape as
 * well as colour. The numbers are sw_team_health_rows()'s, the same as `stackward health`.
 * The team's page: engineers, admins and viewers see it, a customer gets a 404. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "support/support.h"
#include "web/web_int.h"

#define DAYS_DEFAULT 30

/* What the indicators are, for people; the config's name goes alongside. */
static const char *const label[SW_HEALTH_INDICATORS] = {
    [SW_HEALTH_MTTA] = "Time to acknowledge (median)",
    [SW_HEALTH_MTTM] = "Time to mitigate (median)",
    [SW_HEALTH_MTTR] = "Time to resolve (median)",
    [SW_HEALTH_AFTER_HOURS] = "Pages in sleep or off time",
    [SW_HEALTH_OUTSIDE_HOURS] = "Pages outside working hours",
    [SW_HEALTH_INCIDENTS_PER_SHIFT] = "Incidents per 12 h on call",
    [SW_HEALTH_SHIFT_BREACHES] = "Shifts with more than 2 incidents in 12 h",
    [SW_HEALTH_ONCALL_LOAD] = "Highest personal on-call share",
    [SW_HEALTH_UNEVENNESS] = "Unevenness of the work",
    [SW_HEALTH_FIRST_RESPONSE] = "Cases with first response in time",
    [SW_HEALTH_RESOLUTION] = "Cases resolved in time",
    [SW_HEALTH_BACKLOG_SIZE] = "Open cases",
    [SW_HEALTH_BACKLOG_AGE] = "Age of open cases (p90)",
    [SW_HEALTH_REOPEN_RATE] = "Resolved cases re-opened",
    [SW_HEALTH_SLA_MET] = "Customer SLA objectives met",
    [SW_HEALTH_CHANGE_FREQUENCY] = "Change frequency",
    [SW_HEALTH_CHANGE_FAILURE] = "Changes that failed",
    [SW_HEALTH_TIME_TO_RESTORE] = "Time to restore after a failed change (median)",
    [SW_HEALTH_LEAD_TIME] = "Lead time (median)",
};

static void status_mark(struct sw_buf *b, enum sw_health_status s)
{
    static const char *const tag[] = {
        [SW_HEALTH_NONE] = "<span class=\"hs hs-none\">\u2013 no data</span>",
        [SW_HEALTH_GREEN] = "<span class=\"hs hs-green\">\u25cf green</span>",
        [SW_HEALTH_AMBER] = "<span class=\"hs hs-amber\">\u25c6 amber</span>",
        [SW_HEALTH_RED] = "<span class=\"hs hs-red\">\u25b2 red</span>",
    };

    sw_buf_puts(b, (unsigned)s <= SW_HEALTH_RED ? tag[s] : tag[SW_HEALTH_NONE]);
}

static void trend_mark(struct sw_buf *b, const struct sw_health_verdict *v)
{
    switch (v->trend) {
    case SW_HEALTH_UP:
    case SW_HEALTH_DOWN:
        sw_buf_printf(b, "<span class=\"trend trend-%s\">%s %s (%s)</span>",
                      v->better ? "better" : "worse",
                      v->trend == SW_HEALTH_UP ? "\u2191" : "\u2193",
                      v->trend == SW_HEALTH_UP ? "up" : "down", v->better ? "better" : "worse");
        break;
    case SW_HEALTH_FLAT:
        sw_buf_puts(b, "<span class=\"trend trend-flat\">\u2192 flat</span>");
        break;
    default:
        sw_buf_puts(b, "<span class=\"trend trend-none\">\u2013 none</span>");
        break;
    }
}

/* "YYYY-MM" exactly, 1970-01 .. 9999-12. */
static bool parse_month(const char *s, int *ret_y, int *ret_m)
{
    int y = 0, m = 0;

    if (strlen(s) != 7 || s[4] != '-') {
        return false;
    }
    for (int i = 0; i < 7; i++) {
        if (i == 4) {
            continue;
        }
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        if (i < 4) {
            y = y * 10 + (s[i] - '0');
        } else {
            m = m * 10 + (s[i] - '0');
        }
    }
    if (y < 1970 || m < 1 || m > 12) {
        return false;
    }
    *ret_y = y;
    *ret_m = m;
    return true;
}

static void period_form(struct sw_buf *b, const char *month)
{
    sw_buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/health\">\n"
                   "<label for=\"month\">Month</label>\n"
                   "<input type=\"month\" id=\"month\" name=\"month\" "
                   "pattern=\"[0-9]{4}-[0-9]{2}\" placeholder=\"YYYY-MM\"");
    if (month) {
        sw_buf_puts(b, " value=\"");
        sw_web_esc(b, month);
        sw_buf_puts(b, "\"");
    }
    sw_buf_puts(b, ">\n<button type=\"submit\">Show</button>\n"
                   "<a href=\"/health\">Last 30 days</a>\n</form>\n");
}

static void value(struct sw_buf *b, bool has, const char *text)
{
    if (has) {
        sw_web_esc(b, text);
    } else {
        sw_buf_puts(b, "<span class=\"muted\">no data</span>");
    }
}

static void table(struct sw_buf *b, const struct sw_team_row *rows)
{
    sw_buf_puts(b, "<table class=\"list health\">\n<thead><tr><th scope=\"col\">Indicator</th>"
                   "<th scope=\"col\" class=\"n\">Value</th>"
                   "<th scope=\"col\" class=\"n\">Previous period</th>"
                   "<th scope=\"col\">Status</th><th scope=\"col\">Trend</th></tr></thead>\n"
                   "<tbody>\n");
    for (int i = 0; i < SW_HEALTH_INDICATORS; i++) {
        const struct sw_team_row *w = &rows[i];
        sw_buf_printf(b, "<tr><th scope=\"row\">%s <code>%s</code></th><td class=\"n\">",
                      label[w->ind], sw_health_indicator_name(w->ind));
        value(b, w->has, w->value_text);
        sw_buf_puts(b, "</td><td class=\"n\">");
        value(b, w->has_prev, w->prev_text);
        sw_buf_puts(b, "</td><td>");
        status_mark(b, w->verdict.status);
        sw_buf_puts(b, "</td><td>");
        trend_mark(b, &w->verdict);
        sw_buf_puts(b, "</td></tr>\n");
    }
    sw_buf_puts(b, "</tbody>\n</table>\n");
}

int sw_web_page_health(const struct sw_web_req *r, struct sw_buf *out)
{
    const char *month = r->arg ? r->arg(r->arg_ctx, "month") : NULL;
    struct sw_team_row rows[SW_HEALTH_INDICATORS];
    int64_t from = r->now - (int64_t)DAYS_DEFAULT * 86400, to = r->now, pfrom = 0, pto = 0;
    struct sw_buf err;
    int rc;

    if (r->public_view || r->role == SW_ROLE_CUSTOMER || !r->cfg || !r->store) {
        return sw_web_not_found(r, out);
    }
    if (month && !*month) {
        month = NULL;
    }
    if (month) {
        int y, m;
        if (!parse_month(month, &y, &m) || sw_tz_month("UTC", y, m, &from, &to) < 0) {
            return sw_web_bad_request(r, "month must be YYYY-MM, such as 2026-06", out);
        }
        if (from >= r->now) {
            return sw_web_bad_request(r, "month is in the future", out);
        }
    }
    sw_buf_init(&err);
    rc = sw_team_health_rows(r->store, r->cfg, from, to, NULL, r->now, rows, &pfrom, &pto, &err);

    sw_web_head(out, r, "Team health", "health");
    period_form(out, month);
    if (rc < 0) {
        sw_buf_puts(out, "<p class=\"error\">The indicators cannot be computed now: ");
        sw_web_esc(out, err.len ? err.data : "the store failed");
        sw_buf_puts(out, ".</p>\n");
    } else {
        sw_buf_puts(out, "<p>From ");
        sw_web_time(out, from);
        sw_buf_puts(out, " to ");
        sw_web_time(out, to);
        sw_buf_puts(out, ", compared with the period before, from ");
        sw_web_time(out, pfrom);
        sw_buf_puts(out, " to ");
        sw_web_time(out, pto);
        sw_buf_puts(out, ".</p>\n");
        table(out, rows);
    }
    sw_web_foot(out, r);
    sw_buf_release(&err);
    return 200;
}
