/* SPDX-License-Identifier: Apache-2.0 */
/* health.c: the team health page of the web UI: every indicator of health.h for the last 30
 * days (or the calendar month `month=YYYY-MM`, UTC) with its value, the previous period's,
 * a status against the configured thresholds and a trend, each told by text and shape as
 * well as colour. The numbers are to come from sw_team_health_rows() (support.h), which does
 * not exist yet: until then the page checks its arguments and says where the numbers are.
 * The team's page: engineers, admins and viewers see it, a customer gets a 404. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "support/support.h"
#include "web/web_int.h"

#define DAYS_DEFAULT 30

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

int sw_web_page_health(const struct sw_web_req *r, struct sw_buf *out)
{
    const char *month = r->arg ? r->arg(r->arg_ctx, "month") : NULL;
    int64_t from = r->now - (int64_t)DAYS_DEFAULT * 86400, to = r->now;

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
    sw_web_head(out, r, "Team health", "health");
    period_form(out, month);
    sw_buf_puts(out, "<p>From ");
    sw_web_time(out, from);
    sw_buf_puts(out, " to ");
    sw_web_time(out, to);
    sw_buf_puts(out, ".</p>\n<p class=\"error\">The indicators are not shown in the web UI yet: "
                     "<code>stackward health</code> and <code>GET /api/v1/health</code> give "
                     "them.</p>\n");
    sw_web_foot(out, r);
    return 200;
}
