/* SPDX-License-Identifier: Apache-2.0 */
/* customer.c: one customer's page (GET /customers/{id}): its deployments and their services
 * with state and since when, then the SLA of the current period so far (the calendar month
 * in the contract's time zone, or the rolling period) per contracted service, with an error
 * budget bar drawn as inline SVG (no inline style, so a strict Content-Security-Policy
 * holds). The numbers come from sw_account_statement(), as `stackward sla` prints them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "account/account.h"
#include "web/web_int.h"

static struct sw_config *mut_cfg(const struct sw_web_req *r)
{
    return r->st && r->st->cfg ? r->st->cfg : r->cfg;
}

static void service_rows(struct sw_buf *b, const struct sw_web_req *r,
                         const struct sw_deployment_conf *dep)
{
    sw_buf_puts(b, "<div class=\"scroll\"><table class=\"stack\"><thead><tr>"
                   "<th scope=\"col\">Service</th><th scope=\"col\">State</th>"
                   "<th scope=\"col\">Since</th><th scope=\"col\" class=\"n\">Checks</th>"
                   "</tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < dep->n_services; k++) {
        const struct sw_service_conf *sc = &dep->services[k];
        const struct sw_service_status *s =
            r->st && sc->index < r->st->n_services ? &r->st->services[sc->index] : NULL;

        sw_buf_puts(b, "<tr><td data-label=\"Service\"><a href=\"/services/");
        sw_web_esc(b, sc->path);
        sw_buf_puts(b, "\">");
        sw_web_esc(b, sc->name ? sc->name : sc->id);
        sw_buf_puts(b, "</a>");
        if (sc->name && strcmp(sc->name, sc->id) != 0) {
            sw_buf_puts(b, " <span class=\"muted mono\">");
            sw_web_esc(b, sc->id);
            sw_buf_puts(b, "</span>");
        }
        sw_buf_puts(b, "</td><td data-label=\"State\">");
        if (s && s->has_state) {
            sw_web_state(b, s->state);
            if (s->flapping) {
                sw_buf_puts(b, " <span class=\"muted\">flapping</span>");
            }
            sw_buf_puts(b, "</td><td data-label=\"Since\">");
            sw_web_time(b, s->since);
        } else {
            sw_web_pending(b);
            sw_buf_puts(b, "</td><td data-label=\"Since\">");
        }
        sw_buf_printf(b, "</td><td class=\"n\" data-label=\"Checks\">%zu</td></tr>\n",
                      sc->n_checks);
    }
    if (dep->n_services == 0) {
        sw_buf_puts(b, "<tr><td colspan=\"4\" class=\"muted\">No services.</td></tr>\n");
    }
    sw_buf_puts(b, "</tbody></table></div>\n");
}

/* A duration in whole minutes or hours and minutes ("1 h 05 min", "12 min"). */
static void minutes(struct sw_buf *b, int64_t s)
{
    int64_t m = (s < 0 ? -s : s) / 60;

    if (m >= 60) {
        sw_buf_printf(b, "%lld h %02lld min", (long long)(m / 60), (long long)(m % 60));
    } else {
        sw_buf_printf(b, "%lld min", (long long)m);
    }
}

/* The share of the error budget used, as a bar of 100 units: full and hatched once the
 * budget is overspent; the words next to it say the same for screen readers. */
static void budget_bar(struct sw_buf *b, const struct sw_sla_result *res, size_t n)
{
    int64_t used = res->used_ppm;
    int64_t w = used >= SW_PPM ? 99 : used * 99 / SW_PPM;
    char fill[32];

    sw_buf_puts(b, "<svg class=\"budget\" viewBox=\"0 0 100 10\" width=\"160\" height=\"16\" "
                   "aria-hidden=\"true\">");
    if (used > SW_PPM) {
        /* the pattern id is per row: ids are unique in a document */
        sw_buf_printf(b,
                      "<defs><pattern id=\"over-%zu\" width=\"4\" height=\"4\" "
                      "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                      "<rect width=\"2\" height=\"4\" fill=\"#a33200\"/></pattern></defs>",
                      n);
        snprintf(fill, sizeof(fill), "url(#over-%zu)", n);
    } else {
        snprintf(fill, sizeof(fill), "#004f9e");
    }
    sw_buf_printf(b,
                  "<rect x=\"0.5\" y=\"0.5\" width=\"99\" height=\"9\" fill=\"#fff\" "
                  "stroke=\"#111\"/><rect x=\"0.5\" y=\"0.5\" width=\"%lld\" height=\"9\" "
                  "fill=\"%s\"/></svg>",
                  (long long)w, fill);
}

static void sla_section(struct sw_buf *b, const struct sw_web_req *r,
                        const struct sw_customer_conf *cu)
{
    const char *tz = sw_account_tz(cu);
    struct sw_statement *st = NULL;
    struct sw_buf err;
    int64_t from, to;
    struct tm tm;

    sw_buf_puts(b, "<h2 id=\"sla\">SLA so far</h2>\n");
    if (!cu->contract || cu->contract->n_objectives == 0) {
        sw_buf_puts(b, "<p class=\"muted\">No availability objective in the contract.</p>\n");
        return;
    }
    if (!r->store) {
        sw_buf_puts(b, "<p class=\"muted\">The history is not available.</p>\n");
        return;
    }
    if (cu->contract->rolling_s) {
        from = r->now - cu->contract->rolling_s;
        to = r->now;
    } else if (sw_tz_from_utc(tz, r->now, &tm) < 0 ||
               sw_tz_month(tz, tm.tm_year + 1900, tm.tm_mon + 1, &from, &to) < 0) {
        sw_buf_puts(b, "<p class=\"error\">The contract's time zone cannot be used.</p>\n");
        return;
    }
    sw_buf_init(&err);
    if (sw_account_statement(mut_cfg(r), r->store, cu->id, from, to, r->now, NULL, false, &err,
                             &st) < 0) {
        sw_buf_puts(b, "<p class=\"error\">The SLA cannot be computed: ");
        sw_web_esc(b, err.data);
        sw_buf_puts(b, "</p>\n");
        sw_buf_release(&err);
        return;
    }
    sw_buf_release(&err);
    sw_buf_puts(b, "<p>Period: ");
    sw_web_time(b, from);
    sw_buf_puts(b, " to ");
    sw_web_time(b, to);
    sw_buf_puts(b, " (");
    sw_web_esc(b, tz);
    sw_buf_puts(b, "), counted up to now. ");
    {
        struct sw_buf pol;

        sw_buf_init(&pol);
        sw_account_policy_text(cu->contract, &pol);
        sw_web_esc(b, pol.data);
        sw_buf_release(&pol);
    }
    sw_buf_puts(b, "</p>\n<div class=\"scroll\"><table class=\"stack\"><thead><tr>"
                   "<th scope=\"col\">Service</th><th scope=\"col\" class=\"n\">Availability</th>"
                   "<th scope=\"col\" class=\"n\">Target</th><th scope=\"col\">Met</th>"
                   "<th scope=\"col\">Error budget used</th>"
                   "<th scope=\"col\" class=\"n\">Down</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < st->n_lines; i++) {
        const struct sw_account_line *l = &st->lines[i];
        const struct sw_sla_result *res = &l->r;
        char pct[16];

        sw_buf_puts(b, "<tr><td data-label=\"Service\"><a href=\"/services/");
        sw_web_esc(b, l->service->path);
        sw_buf_puts(b, "\">");
        sw_web_esc(b, l->service->name ? l->service->name : l->service->id);
        sw_buf_puts(b, "</a></td><td class=\"n\" data-label=\"Availability\">");
        if (res->defined) {
            sw_web_pct(b, res->availability_ppm, 3);
            sw_buf_puts(b, " %");
        } else {
            sw_buf_puts(b, "n/a");
        }
        sw_buf_puts(b, "</td><td class=\"n\" data-label=\"Target\">");
        sw_buf_printf(b, "%s %%</td><td data-label=\"Met\">", sw_ppm_format(res->target_ppm, pct));
        if (!res->defined) {
            sw_buf_puts(b, "<span class=\"muted\">no data</span>");
        } else if (res->met) {
            sw_buf_puts(b, "\u2714 met");
        } else {
            sw_buf_puts(b, "<strong>\u2718 missed</strong>");
        }
        sw_buf_puts(b, "</td><td data-label=\"Budget used\">");
        if (res->used_ppm == INT64_MAX) {
            sw_buf_puts(b, "no budget (100 % target), down time spent");
        } else if (res->eligible_s == 0) {
            sw_buf_puts(b, "<span class=\"muted\">no data</span>");
        } else {
            budget_bar(b, res, i);
            sw_buf_puts(b, " ");
            sw_web_pct(b, res->used_ppm, 1);
            sw_buf_puts(b, " % used, ");
            if (res->remaining_s >= 0) {
                minutes(b, res->remaining_s);
                sw_buf_puts(b, " left");
            } else {
                sw_buf_puts(b, "<strong>overspent by ");
                minutes(b, res->remaining_s);
                sw_buf_puts(b, "</strong>");
            }
        }
        sw_buf_puts(b, "</td><td class=\"n\" data-label=\"Down\">");
        minutes(b, res->downtime_s);
        sw_buf_puts(b, "</td></tr>\n");
    }
    if (st->n_lines == 0) {
        sw_buf_puts(b, "<tr><td colspan=\"6\" class=\"muted\">No service is covered by an "
                       "objective.</td></tr>\n");
    }
    sw_buf_puts(b, "</tbody></table></div>\n");
    sw_statement_free(st);
}

int sw_web_page_customer(const struct sw_web_req *r, const char *id, struct sw_buf *out)
{
    const struct sw_config *cfg = sw_web_cfg(r);
    const struct sw_customer_conf *cu = cfg ? sw_config_find_customer(cfg, id) : NULL;

    if (!cu || !sw_web_may_see(r, cu->id)) {
        return sw_web_not_found(r, out);
    }
    sw_web_head(out, r, cu->name ? cu->name : cu->id, "customer");
    sw_buf_puts(out, "<p><a href=\"/status/");
    sw_web_esc(out, cu->id);
    sw_buf_puts(out, "\">Status page</a>");
    if (cu->contract_id) {
        sw_buf_puts(out, " \u00b7 contract <span class=\"mono\">");
        sw_web_esc(out, cu->contract_id);
        sw_buf_puts(out, "</span>");
    }
    sw_buf_puts(out, "</p>\n");
    for (size_t j = 0; j < cu->n_deployments; j++) {
        const struct sw_deployment_conf *dep = &cu->deployments[j];

        sw_buf_puts(out, "<h2 id=\"dep-");
        sw_web_esc(out, dep->id);
        sw_buf_puts(out, "\">");
        sw_web_esc(out, dep->id);
        sw_buf_puts(out, " <span class=\"muted\">(");
        sw_web_esc(out, sw_deployment_kind_name(dep->kind));
        if (dep->region) {
            sw_buf_puts(out, ", ");
            sw_web_esc(out, dep->region);
        }
        sw_buf_puts(out, ")</span></h2>\n");
        service_rows(out, r, dep);
    }
    if (cu->n_deployments == 0) {
        sw_buf_puts(out, "<p class=\"muted\">No deployments.</p>\n");
    }
    sla_section(out, r, cu);
    sw_web_foot(out, r);
    return 200;
}
