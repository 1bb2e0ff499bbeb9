/* SPDX-License-Identifier: Apache-2.0 */
/* status.c: a customer's status page (GET /status/{customer}), the page a customer's own
 * users may read: its services as components with their status in plain words, a 90-day
 * uptime bar per component (one bar per UTC day), its incidents of the last 90 days and its
 * planned maintenance. Nothing internal shows: no check output, no engineer, no incident
 * timeline beyond the notes written for the public (timeline events of kind
 * SW_WEB_PUBLIC_NOTE). Whether the page may be seen without signing in is the caller's call
 * (r->public_view).
 *
 * A day's availability is that of sw_sla_compute() with the default policy: time in a known
 * state counts, CRITICAL is down, WARNING up (degraded), time without data and excluded
 * maintenance are left out; a day without any counted time is "no data". */
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "web/web_int.h"

#define DAYS 90
#define DAY_S 86400
#define INCIDENTS_MAX 200
#define NOTES_INCIDENTS_MAX 50 /* incidents whose timeline is read for public notes */
#define MAINT_AHEAD_S ((int64_t)30 * DAY_S)

/* The status of a component in the words a status page uses. */
static void status_words(struct sw_buf *b, bool has_state, enum sw_state s)
{
    static const char *const words[] = {
        [SW_OK] = "<span class=\"st st-ok\">\u25cf Operational</span>",
        [SW_WARNING] = "<span class=\"st st-warn\">\u25c6 Degraded</span>",
        [SW_CRITICAL] = "<span class=\"st st-crit\">\u25b2 Outage</span>",
        [SW_UNKNOWN] = "<span class=\"st st-unknown\">? Unknown</span>",
    };

    sw_buf_puts(b, has_state && (unsigned)s < SW_STATE_COUNT ? words[s] : words[SW_UNKNOWN]);
}

static const char *incident_words(enum sw_inc_status s)
{
    switch (s) {
    case SW_INC_TRIGGERED:
        return "Investigating";
    case SW_INC_ACKNOWLEDGED:
        return "Identified";
    case SW_INC_RECOVERED:
        return "Monitoring";
    case SW_INC_RESOLVED:
        return "Resolved";
    }
    return "Investigating";
}

static void date_of(int64_t t, char *out)
{
    char iso[SW_TIME_LEN];

    sw_time_format(t, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

/* One component's 90 bars. iv and win as sw_sla_compute() takes them. */
static void uptime_bars(struct sw_buf *b, const struct sw_web_req *r, const struct sw_interval *iv,
                        size_t n_iv, const struct sw_window *win, size_t n_win, int64_t first_day)
{
    struct sw_sla_input in = {
        .iv = iv,
        .n_iv = n_iv,
        .now = r->now,
        .win = n_win ? win : NULL,
        .n_win = n_win,
    };
    struct sw_sla_result res;
    unsigned down_days = 0, none_days = 0;
    struct sw_buf bars;

    sw_buf_init(&bars);
    for (int d = 0; d < DAYS; d++) {
        char day[16];
        const char *cls, *fill;
        int h;

        in.from = first_day + (int64_t)d * DAY_S;
        in.to = in.from + DAY_S;
        date_of(in.from, day);
        if (sw_sla_compute(&in, &res, NULL) < 0 || !res.defined) {
            cls = "none";
            fill = "#b8b8b8";
            h = 4;
            none_days++;
        } else if (res.downtime_s == 0) {
            cls = "up";
            fill = "#00684a";
            h = 34;
        } else {
            down_days++;
            if (res.availability_ppm >= 990000) {
                cls = "part";
                fill = "#e6a100";
                h = 24;
            } else {
                cls = "down";
                fill = "#a33200";
                h = 14;
            }
        }
        sw_buf_printf(&bars,
                      "<rect class=\"d-%s\" x=\"%d\" y=\"%d\" width=\"8\" height=\"%d\" "
                      "fill=\"%s\"><title>%s: ",
                      cls, d * 10, 34 - h, h, fill, day);
        if (strcmp(cls, "none") == 0) {
            sw_buf_puts(&bars, "no data");
        } else {
            sw_web_pct(&bars, res.availability_ppm, 2);
            sw_buf_puts(&bars, " % available");
            if (res.downtime_s > 0) {
                sw_buf_printf(&bars, ", %lld min down", (long long)(res.downtime_s + 59) / 60);
            }
        }
        if (res.maintenance_s > 0 && strcmp(cls, "none") != 0) {
            sw_buf_printf(&bars, ", %lld min planned maintenance",
                          (long long)(res.maintenance_s + 59) / 60);
        }
        sw_buf_puts(&bars, "</title></rect>");
    }
    sw_buf_printf(b,
                  "<svg class=\"uptime\" viewBox=\"0 0 %d 34\" preserveAspectRatio=\"none\" "
                  "role=\"img\" aria-label=\"Last %d days: %u with downtime, %u without data\">",
                  DAYS * 10 - 2, DAYS, down_days, none_days);
    sw_buf_append(b, bars.data, bars.len);
    sw_buf_puts(b, "</svg>\n");
    sw_buf_release(&bars);
}

static void component(struct sw_buf *b, const struct sw_web_req *r, const struct sw_config *cfg,
                      const struct sw_service_conf *sc, const struct sw_maint_row *rows,
                      size_t n_rows, int64_t first_day, int64_t end)
{
    const struct sw_service_status *s =
        r->st && sc->index < r->st->n_services ? &r->st->services[sc->index] : NULL;
    struct sw_interval *iv = NULL;
    struct sw_window_list wl;
    size_t n_iv = 0;

    sw_window_list_init(&wl);
    sw_buf_puts(b, "<li class=\"component\"><div class=\"comp-head\"><strong>");
    sw_web_esc(b, sc->name ? sc->name : sc->id);
    sw_buf_puts(b, "</strong> ");
    status_words(b, s && s->has_state, s ? s->state : SW_UNKNOWN);
    sw_buf_puts(b, "</div>\n");
    if (!r->store ||
        sw_store_history(r->store, SW_OBJ_SERVICE, sc->path, first_day, end, &iv, &n_iv) < 0) {
        sw_buf_puts(b, "<p class=\"muted\">History not available.</p></li>\n");
        return;
    }
    if (sw_account_windows(cfg, rows, n_rows, sc, first_day, end, &wl) < 0 ||
        sw_window_list_merge(&wl, first_day, end) < 0) {
        sw_window_list_release(&wl);
        sw_window_list_init(&wl);
    }
    uptime_bars(b, r, iv, n_iv, wl.v, wl.n, first_day);
    {
        struct sw_sla_input in = {.iv = iv,
                                  .n_iv = n_iv,
                                  .from = first_day,
                                  .to = end,
                                  .now = r->now,
                                  .win = wl.n ? wl.v : NULL,
                                  .n_win = wl.n};
        struct sw_sla_result res;

        sw_buf_puts(b, "<p class=\"muted\">");
        if (sw_sla_compute(&in, &res, NULL) == 0 && res.defined) {
            sw_web_pct(b, res.availability_ppm, 2);
            sw_buf_printf(b, " %% uptime over the last %d days", DAYS);
        } else {
            sw_buf_printf(b, "No data over the last %d days", DAYS);
        }
        sw_buf_puts(b, "</p>");
    }
    sw_buf_puts(b, "</li>\n");
    free(iv);
    sw_window_list_release(&wl);
}

static bool scope_of_customer(const char *scope, const char *id)
{
    size_t n = strlen(id);

    return strncmp(scope, id, n) == 0 && (scope[n] == '\0' || scope[n] == '/');
}

static void scope_words(struct sw_buf *b, const struct sw_config *cfg, const char *scope)
{
    const struct sw_service_conf *sc = sw_config_find_service(cfg, scope);
    const char *slash = strchr(scope, '/');

    if (sc) {
        sw_web_esc(b, sc->name ? sc->name : sc->id);
    } else if (slash) {
        sw_web_esc(b, slash + 1);
    } else {
        sw_buf_puts(b, "All services");
    }
}

struct upcoming {
    int64_t start;
    int64_t end;
    const char *scope;
    const char *reason;
};

static int by_start(const void *a, const void *b)
{
    const struct upcoming *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

static void maintenance(struct sw_buf *b, const struct sw_web_req *r, const struct sw_config *cfg,
                        const struct sw_customer_conf *cu, const struct sw_maint_row *rows,
                        size_t n_rows)
{
    struct upcoming *v = NULL;
    size_t n = 0, cap = 0;
    int64_t until = r->now + MAINT_AHEAD_S;

    for (size_t i = 0; i < cfg->n_maintenance; i++) {
        const struct sw_maint_conf *m = &cfg->maintenance[i];
        struct sw_window_list l;

        if (!scope_of_customer(m->scope, cu->id)) {
            continue;
        }
        sw_window_list_init(&l);
        if (m->weekly) {
            struct sw_weekly w = {.weekday = m->weekday,
                                  .start_s = m->start_s,
                                  .duration_s = m->duration_s,
                                  .tz = m->timezone,
                                  .excluded = m->excluded,
                                  .reason = m->reason};
            /* the next two weeks of a weekly rule say enough */
            sw_window_list_add_weekly(&l, &w, r->now, r->now + 14 * DAY_S);
        } else if (m->end > r->now && m->start < until) {
            struct sw_window w = {m->start, m->end, m->excluded, m->reason};
            sw_window_list_add(&l, &w);
        }
        for (size_t k = 0; k < l.n; k++) {
            sw_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
            v[n++] = (struct upcoming){l.v[k].start, l.v[k].end, m->scope, m->reason};
        }
        sw_window_list_release(&l);
    }
    for (size_t i = 0; i < n_rows; i++) {
        if (scope_of_customer(rows[i].scope, cu->id) && rows[i].end > r->now &&
            rows[i].start < until) {
            sw_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
            v[n++] = (struct upcoming){rows[i].start, rows[i].end, rows[i].scope, rows[i].reason};
        }
    }
    sw_buf_puts(b, "<h2 id=\"maintenance\">Planned maintenance</h2>\n");
    if (n == 0) {
        sw_buf_puts(b, "<p>No maintenance planned.</p>\n");
        free(v);
        return;
    }
    qsort(v, n, sizeof(*v), by_start);
    sw_buf_puts(b, "<ul class=\"plain\">\n");
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(b, "<li>");
        if (v[i].start <= r->now) {
            sw_buf_puts(b, "<strong>In progress</strong>: ");
        }
        sw_web_time(b, v[i].start);
        sw_buf_puts(b, " to ");
        sw_web_time(b, v[i].end);
        sw_buf_puts(b, " \u00b7 ");
        scope_words(b, cfg, v[i].scope);
        if (v[i].reason) {
            sw_buf_puts(b, " \u00b7 ");
            sw_web_esc(b, v[i].reason);
        }
        sw_buf_puts(b, "</li>\n");
    }
    sw_buf_puts(b, "</ul>\n");
    free(v);
}

static void public_notes(struct sw_buf *b, const struct sw_web_req *r, int64_t id)
{
    struct sw_inc_event *ev = NULL;
    size_t n = 0;
    bool any = false;

    if (sw_store_incident_events(r->store, id, &ev, &n) < 0) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!ev[i].kind || strcmp(ev[i].kind, SW_WEB_PUBLIC_NOTE) != 0 || !ev[i].text) {
            continue;
        }
        sw_buf_puts(b, any ? "" : "<ul class=\"notes\">");
        sw_buf_puts(b, "<li>");
        sw_web_time(b, ev[i].t);
        sw_buf_puts(b, " \u2014 ");
        sw_web_esc(b, ev[i].text);
        sw_buf_puts(b, "</li>");
        any = true;
    }
    if (any) {
        sw_buf_puts(b, "</ul>");
    }
    sw_inc_events_free(ev, n);
}

static void incidents(struct sw_buf *b, const struct sw_web_req *r,
                      const struct sw_customer_conf *cu)
{
    struct sw_inc_filter f = {
        .customer = cu->id,
        .opened_from = r->now - (int64_t)DAYS * DAY_S,
        .limit = INCIDENTS_MAX,
        .newest_first = true,
    };
    struct sw_incident *v = NULL;
    size_t n = 0, notes = 0;

    sw_buf_puts(b, "<h2 id=\"incidents\">Incidents</h2>\n");
    if (!r->store || sw_store_incident_list(r->store, &f, &v, &n) < 0) {
        sw_buf_puts(b, "<p class=\"muted\">Incidents are not available.</p>\n");
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        bool any = false;

        sw_buf_puts(b, pass == 0 ? "<h3>Current</h3>\n" : "<h3>Past 90 days</h3>\n");
        for (size_t i = 0; i < n; i++) {
            const struct sw_incident *inc = &v[i];

            /* burn-rate and case-timer incidents are about our work, not the service */
            if (inc->kind != SW_INC_OUTAGE || (pass == 0) != (inc->status != SW_INC_RESOLVED)) {
                continue;
            }
            sw_buf_puts(b, any ? "" : "<ul class=\"plain\">\n");
            any = true;
            sw_buf_puts(b, "<li><strong>");
            sw_web_esc(b, inc->title);
            sw_buf_printf(b, "</strong> \u00b7 %s<br>", incident_words(inc->status));
            sw_buf_puts(b, "<span class=\"muted\">Started ");
            sw_web_time(b, inc->opened);
            if (inc->resolved) {
                sw_buf_puts(b, ", resolved ");
                sw_web_time(b, inc->resolved);
            }
            sw_buf_puts(b, "</span>");
            if (notes++ < NOTES_INCIDENTS_MAX) {
                public_notes(b, r, inc->id);
            }
            sw_buf_puts(b, "</li>\n");
        }
        sw_buf_puts(b, any ? "</ul>\n"
                           : (pass == 0 ? "<p>No current incidents.</p>\n"
                                        : "<p>No incidents in the past 90 days.</p>\n"));
    }
    sw_incidents_free(v, n);
}

int sw_web_page_status(const struct sw_web_req *r, const char *customer, struct sw_buf *out)
{
    const struct sw_config *cfg = sw_web_cfg(r);
    const struct sw_customer_conf *cu = cfg ? sw_config_find_customer(cfg, customer) : NULL;
    struct sw_maint_row *rows = NULL;
    size_t n_rows = 0;
    int64_t today = r->now - r->now % DAY_S, first_day = today - (int64_t)(DAYS - 1) * DAY_S;
    enum sw_state worst = SW_OK;
    bool any = false, all = true;
    struct sw_buf title;

    if (!cu || (!r->public_view && !sw_web_may_see(r, cu->id))) {
        return sw_web_not_found(r, out);
    }
    if (r->store && sw_store_maint_list(r->store, &rows, &n_rows) < 0) {
        rows = NULL;
        n_rows = 0;
    }
    for (size_t j = 0; j < cu->n_deployments; j++) {
        for (size_t k = 0; k < cu->deployments[j].n_services; k++) {
            const struct sw_service_conf *sc = &cu->deployments[j].services[k];
            const struct sw_service_status *s =
                r->st && sc->index < r->st->n_services ? &r->st->services[sc->index] : NULL;

            if (!s || !s->has_state) {
                all = false;
                continue;
            }
            if (!any || sw_state_rank(s->state) > sw_state_rank(worst)) {
                worst = s->state;
            }
            any = true;
        }
    }
    sw_buf_init(&title);
    sw_buf_puts(&title, cu->name ? cu->name : cu->id);
    sw_buf_puts(&title, " status");
    sw_web_head(out, r, title.data, "status");
    sw_buf_release(&title);

    sw_buf_puts(out, "<p class=\"overall\" role=\"status\">");
    if (!any) {
        sw_buf_puts(out, "<span class=\"st st-unknown\">? Status unknown</span>");
    } else if (worst == SW_CRITICAL) {
        sw_buf_puts(out, "<span class=\"st st-crit\">\u25b2 Outage</span> Some services are "
                         "down.");
    } else if (worst == SW_WARNING) {
        sw_buf_puts(out, "<span class=\"st st-warn\">\u25c6 Degraded</span> Some services are "
                         "degraded.");
    } else if (worst == SW_UNKNOWN || !all) {
        sw_buf_puts(out, "<span class=\"st st-unknown\">? Partly unknown</span> The status of "
                         "some services is unknown.");
    } else {
        sw_buf_puts(out, "<span class=\"st st-ok\">\u25cf Operational</span> All services are "
                         "operational.");
    }
    sw_buf_puts(out, "</p>\n<h2 id=\"components\">Components</h2>\n"
                     "<p class=\"legend muted\">One bar per day (UTC), oldest first: "
                     "<span>full: no downtime;</span> <span>three quarters: some downtime;</span> "
                     "<span>short: over 1 % down;</span> <span>flat: no data.</span> Planned "
                     "maintenance does not count as downtime.</p>\n");
    for (size_t j = 0; j < cu->n_deployments; j++) {
        const struct sw_deployment_conf *dep = &cu->deployments[j];

        if (cu->n_deployments > 1) {
            sw_buf_puts(out, "<h3>");
            sw_web_esc(out, dep->id);
            sw_buf_puts(out, "</h3>\n");
        }
        sw_buf_puts(out, "<ul class=\"plain components\">\n");
        for (size_t k = 0; k < dep->n_services; k++) {
            component(out, r, cfg, &dep->services[k], rows, n_rows, first_day, today + DAY_S);
        }
        sw_buf_puts(out, "</ul>\n");
    }
    incidents(out, r, cu);
    maintenance(out, r, cfg, cu, rows, n_rows);
    sw_web_foot(out, r);
    sw_maint_rows_free(rows, n_rows);
    return 200;
}
