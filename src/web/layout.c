/* SPDX-License-Identifier: Apache-2.0 */
/* layout.c: the frame every page of the web UI shares (document head, navigation, sign-out
 * form, skip link, <main>) and the small renderers the pages use: HTML escaping, states told
 * by shape and text as well as colour, times, the 404 page and the sign-in page. Nothing here
 * refers to anything outside the daemon: the stylesheet and script are its own /static/. */
#include <string.h>

#include "web/web_int.h"

void sw_web_esc(struct sw_buf *b, const char *s)
{
    const char *p, *run;

    if (!s) {
        return;
    }
    for (p = run = s; *p; p++) {
        const char *rep;

        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        sw_buf_append(b, run, (size_t)(p - run));
        sw_buf_puts(b, rep);
        run = p + 1;
    }
    sw_buf_append(b, run, (size_t)(p - run));
}

/* One navigation link; the current page gets aria-current so it is announced, not only
 * drawn differently. href is ours (a fixed path or an escaped id is added by the caller). */
static void nav_link(struct sw_buf *b, const char *href_prefix, const char *href_id,
                     const char *label, const char *key, const char *current)
{
    sw_buf_puts(b, "<li><a href=\"");
    sw_web_esc(b, href_prefix);
    sw_web_esc(b, href_id);
    sw_buf_puts(b, "\"");
    if (current && strcmp(current, key) == 0) {
        sw_buf_puts(b, " aria-current=\"page\"");
    }
    sw_buf_puts(b, ">");
    sw_buf_puts(b, label);
    sw_buf_puts(b, "</a></li>");
}

static void nav(struct sw_buf *b, const struct sw_web_req *r, const char *current)
{
    sw_buf_puts(b, "<nav class=\"top\" aria-label=\"Main\"><ul>");
    if (r->role == SW_ROLE_CUSTOMER) {
        /* a customer's world is its own pages: nothing else is linked */
        nav_link(b, "/customers/", r->customer, "Overview", "customer", current);
        nav_link(b, "/incidents", NULL, "Incidents", "incidents", current);
        nav_link(b, "/cases", NULL, "Cases", "cases", current);
        nav_link(b, "/status/", r->customer, "Status page", "status", current);
    } else {
        nav_link(b, "/", NULL, "Dashboard", "dashboard", current);
        nav_link(b, "/incidents", NULL, "Incidents", "incidents", current);
        nav_link(b, "/cases", NULL, "Cases", "cases", current);
        nav_link(b, "/oncall", NULL, "On call", "oncall", current);
        nav_link(b, "/health", NULL, "Team health", "health", current);
    }
    sw_buf_puts(b, "</ul>");
    if (r->who || r->csrf) {
        sw_buf_puts(b, "<div class=\"who\">");
        if (r->who) {
            sw_buf_puts(b, "<span>signed in as <strong>");
            sw_web_esc(b, r->who);
            sw_buf_puts(b, "</strong></span> ");
        }
        sw_buf_puts(b, "<form method=\"post\" action=\"/logout\">");
        if (r->csrf) {
            sw_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
            sw_web_esc(b, r->csrf);
            sw_buf_puts(b, "\">");
        }
        sw_buf_puts(b, "<button type=\"submit\">Sign out</button></form></div>");
    }
    sw_buf_puts(b, "</nav>\n");
}

static void doc_start(struct sw_buf *b, const char *csrf, const char *title)
{
    sw_buf_puts(b, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if (csrf) {
        sw_buf_puts(b, "<meta name=\"csrf-token\" content=\"");
        sw_web_esc(b, csrf);
        sw_buf_puts(b, "\">\n");
    }
    sw_buf_puts(b, "<title>");
    sw_web_esc(b, title);
    sw_buf_puts(b, " · stackward</title>\n"
                   "<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
                   "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n"
                   "<a class=\"skip\" href=\"#main\">Skip to content</a>\n");
}

void sw_web_head(struct sw_buf *b, const struct sw_web_req *r, const char *title,
                 const char *current)
{
    /* a public status page is read by anyone: no token, no navigation, no name */
    doc_start(b, r->public_view ? NULL : r->csrf, title);
    if (!r->public_view) {
        nav(b, r, current);
    }
    sw_buf_puts(b, "<main id=\"main\" tabindex=\"-1\">\n<h1>");
    sw_web_esc(b, title);
    sw_buf_puts(b, "</h1>\n");
}

void sw_web_foot(struct sw_buf *b, const struct sw_web_req *r)
{
    sw_buf_puts(b, "</main>\n<footer class=\"foot\">");
    if (r->now > 0) {
        sw_buf_puts(b, "Rendered ");
        sw_web_time(b, r->now);
        sw_buf_puts(b, " · ");
    }
    sw_buf_puts(b, "stackward</footer>\n</body>\n</html>\n");
}

void sw_web_state(struct sw_buf *b, enum sw_state s)
{
    static const char *const tag[] = {
        [SW_OK] = "<span class=\"st st-ok\">\u25cf OK</span>",
        [SW_WARNING] = "<span class=\"st st-warn\">\u25c6 WARNING</span>",
        [SW_CRITICAL] = "<span class=\"st st-crit\">\u25b2 CRITICAL</span>",
        [SW_UNKNOWN] = "<span class=\"st st-unknown\">? UNKNOWN</span>",
    };

    sw_buf_puts(b, (unsigned)s < SW_STATE_COUNT ? tag[s] : tag[SW_UNKNOWN]);
}

void sw_web_pending(struct sw_buf *b)
{
    sw_buf_puts(b, "<span class=\"st st-pending\">\u25cb PENDING</span>");
}

void sw_web_time(struct sw_buf *b, int64_t t)
{
    char iso[SW_TIME_LEN];

    if (t <= 0) {
        sw_buf_puts(b, "<span class=\"muted\">never</span>");
        return;
    }
    sw_time_format(t, iso);
    /* shown as "2026-10-05 10:15 UTC": easier to read than the ISO form, same instant */
    sw_buf_printf(b, "<time datetime=\"%s\">%.10s %.5s UTC</time>", iso, iso, iso + 11);
}

int sw_web_not_found(const struct sw_web_req *r, struct sw_buf *out)
{
    sw_web_head(out, r, "Not found", NULL);
    sw_buf_puts(out, "<p>There is nothing here.</p>\n");
    if (!r->public_view) {
        sw_buf_puts(out, "<p><a href=\"/\">Back to the start page</a></p>\n");
    }
    sw_web_foot(out, r);
    return 404;
}

int sw_web_bad_request(const struct sw_web_req *r, const char *message, struct sw_buf *out)
{
    sw_web_head(out, r, "Bad request", NULL);
    sw_buf_puts(out, "<p role=\"alert\">");
    sw_web_esc(out, message);
    sw_buf_puts(out, "</p>\n");
    sw_web_foot(out, r);
    return 400;
}

bool sw_web_may_see(const struct sw_web_req *r, const char *customer)
{
    if (r->role != SW_ROLE_CUSTOMER) {
        return true;
    }
    return customer && r->customer && strcmp(customer, r->customer) == 0;
}

void sw_web_login_page(const char *message, struct sw_buf *out)
{
    doc_start(out, NULL, "Sign in");
    sw_buf_puts(out, "<main id=\"main\" tabindex=\"-1\" class=\"login\">\n<h1>Sign in</h1>\n");
    if (message && *message) {
        sw_buf_puts(out, "<p class=\"error\" role=\"alert\">");
        sw_web_esc(out, message);
        sw_buf_puts(out, "</p>\n");
    }
    sw_buf_puts(out, "<form method=\"post\" action=\"/login\">\n"
                     "<label for=\"token\">API token</label>\n"
                     "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" "
                     "required autofocus>\n"
                     "<button type=\"submit\">Sign in</button>\n</form>\n</main>\n"
                     "</body>\n</html>\n");
}

const struct sw_config *sw_web_cfg(const struct sw_web_req *r)
{
    return r->st && r->st->cfg ? r->st->cfg : r->cfg;
}

void sw_web_pct(struct sw_buf *b, int64_t ppm, int decimals)
{
    static const int64_t scale[] = {10000, 1000, 100, 10, 1};
    int64_t unit, q;
    bool neg = ppm < 0;

    if (decimals < 0) {
        decimals = 0;
    } else if (decimals > 4) {
        decimals = 4;
    }
    unit = scale[decimals];
    /* floor towards minus infinity, then print the magnitude */
    q = neg ? -((-ppm + unit - 1) / unit) : ppm / unit;
    if (q < 0) {
        sw_buf_puts(b, "-");
        q = -q;
    }
    if (decimals == 0) {
        sw_buf_printf(b, "%lld", (long long)q);
        return;
    }
    sw_buf_printf(b, "%lld.%0*lld", (long long)(q / scale[4 - decimals]), decimals,
                  (long long)(q % scale[4 - decimals]));
}

void sw_web_filter_form(struct sw_buf *b, const struct sw_web_req *r, const char *action,
                        const char *const *names, size_t n, const char *status,
                        const char *customer, bool open)
{
    sw_buf_printf(b,
                  "<form class=\"filters\" method=\"get\" action=\"%s\">\n"
                  "<div class=\"field\"><label for=\"f-status\">Status</label>\n"
                  "<select id=\"f-status\" name=\"status\"><option value=\"\">any</option>",
                  action);
    for (size_t i = 0; i < n; i++) {
        sw_buf_printf(b, "<option value=\"%s\"%s>%s</option>", names[i],
                      status && strcmp(status, names[i]) == 0 ? " selected" : "", names[i]);
    }
    sw_buf_puts(b, "</select></div>\n");
    if (r->role != SW_ROLE_CUSTOMER) {
        sw_buf_puts(b, "<div class=\"field\"><label for=\"f-customer\">Customer</label>\n"
                       "<select id=\"f-customer\" name=\"customer\">"
                       "<option value=\"\">any</option>");
        for (size_t i = 0; i < r->cfg->n_customers; i++) {
            const char *id = r->cfg->customers[i].id;
            sw_buf_puts(b, "<option value=\"");
            sw_web_esc(b, id);
            sw_buf_puts(b, customer && strcmp(customer, id) == 0 ? "\" selected>" : "\">");
            sw_web_esc(b, id);
            sw_buf_puts(b, "</option>");
        }
        sw_buf_puts(b, "</select></div>\n");
    }
    sw_buf_printf(b,
                  "<div class=\"field check\"><input type=\"checkbox\" id=\"f-open\" "
                  "name=\"open\" value=\"true\"%s><label for=\"f-open\">Open only</label></div>\n"
                  "<button type=\"submit\">Filter</button>\n</form>\n",
                  open ? " checked" : "");
}
