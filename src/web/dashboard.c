/* SPDX-License-Identifier: Apache-2.0 */
/* dashboard.c: the fleet at a glance (GET /) and the same numbers as JSON for the page's
 * polling script (GET /api/v1/dashboard): a grid of customers and their deployments with the
 * worst state of their services, checks and services counted by state, open incidents by
 * severity, who is on call now in each rotation, and checks that are late or stale.
 * Built from one pass over the status's checks and one over its services plus a single
 * store query (open incidents), so it stays fast with tens of thousands of checks. The page
 * marks every element the script refreshes with data-field, data-map or data-list. */
#include <string.h>

#include "web/web_int.h"

#define SHOWN_MAX 50 /* rows of a list on the page and in the JSON; counts cover all */

/* Indexes of the counters: the four states, then "pending" (no result yet). */
#define C_PENDING SW_STATE_COUNT
#define C_N (SW_STATE_COUNT + 1)

static const char *const count_key[C_N] = {"ok", "warning", "critical", "unknown", "pending"};

struct late {
    const struct sw_check_status *c;
    bool stale; /* else late */
};

struct dash {
    const struct sw_config *cfg;
    const struct sw_customer_conf *only; /* a customer viewer's own customer, else NULL */
    unsigned checks[C_N];
    unsigned n_checks;
    unsigned services[C_N];
    unsigned n_services;
    unsigned n_late;
    unsigned n_stale;
    struct late late[SHOWN_MAX];
    size_t n_shown_late;
    bool incidents_ok; /* the store answered */
    unsigned sev[5];   /* open incidents by severity 1..4 (0 unused) */
    unsigned n_open;
    struct sw_incident *inc; /* newest first */
    size_t n_inc;
};

static void collect(const struct sw_web_req *r, struct dash *d)
{
    const struct sw_status *st = r->st;
    int64_t now_ms = r->now * 1000;

    memset(d, 0, sizeof(*d));
    d->cfg = sw_web_cfg(r);
    if (r->role == SW_ROLE_CUSTOMER) {
        /* a customer not in the configuration sees nothing rather than everything */
        d->only = r->customer ? sw_config_find_customer(d->cfg, r->customer) : NULL;
    }
    for (size_t i = 0; st && i < st->n_checks; i++) {
        const struct sw_check_status *c = &st->checks[i];
        bool late;

        if (r->role == SW_ROLE_CUSTOMER && c->conf->customer != d->only) {
            continue;
        }
        d->n_checks++;
        /* the hard state, as services aggregate it: a soft blip is not yet a problem */
        d->checks[c->st.has_state ? (unsigned)c->st.hard_state % SW_STATE_COUNT : C_PENDING]++;
        /* an active check whose run is overdue by more than its interval: the scheduler is
         * stuck or overloaded, not the target down */
        late = !c->stale && c->next_run_ms > 0 && now_ms - c->next_run_ms > c->conf->interval_ms;
        if (c->stale) {
            d->n_stale++;
        } else if (late) {
            d->n_late++;
        }
        if ((c->stale || late) && d->n_shown_late < SHOWN_MAX) {
            d->late[d->n_shown_late].c = c;
            d->late[d->n_shown_late].stale = c->stale;
            d->n_shown_late++;
        }
    }
    for (size_t i = 0; st && i < st->n_services; i++) {
        const struct sw_service_status *s = &st->services[i];

        if (r->role == SW_ROLE_CUSTOMER && s->conf->customer != d->only) {
            continue;
        }
        d->n_services++;
        d->services[s->has_state ? (unsigned)s->state % SW_STATE_COUNT : C_PENDING]++;
    }
    if (r->store && (r->role != SW_ROLE_CUSTOMER || d->only)) {
        struct sw_inc_filter f = {
            .open_only = true,
            .customer = d->only ? d->only->id : NULL,
            .newest_first = true,
        };

        d->incidents_ok = sw_store_incident_list(r->store, &f, &d->inc, &d->n_inc) == 0;
        for (size_t i = 0; d->incidents_ok && i < d->n_inc; i++) {
            int sev = d->inc[i].severity;

            d->sev[sev >= 1 && sev <= 4 ? sev : 4]++;
        }
        d->n_open = d->incidents_ok ? (unsigned)d->n_inc : 0;
    } else if (r->role == SW_ROLE_CUSTOMER) {
        d->incidents_ok = true; /* an unknown customer has none */
    }
}

static void release(struct dash *d)
{
    sw_incidents_free(d->inc, d->n_inc);
}

static bool visible_customer(const struct dash *d, const struct sw_web_req *r,
                             const struct sw_customer_conf *cu)
{
    return r->role != SW_ROLE_CUSTOMER || cu == d->only;
}

/* The worst state of a deployment's services: "NONE" without services, "PENDING" while none
 * has a state yet, else the worst by sw_state_rank(). */
static const char *deployment_state(const struct sw_web_req *r,
                                    const struct sw_deployment_conf *dep, unsigned *ret_bad)
{
    const struct sw_status *st = r->st;
    bool any = false;
    enum sw_state worst = SW_OK;

    *ret_bad = 0;
    for (size_t k = 0; k < dep->n_services; k++) {
        const struct sw_service_conf *sc = &dep->services[k];
        const struct sw_service_status *s;

        if (!st || sc->index >= st->n_services) {
            continue;
        }
        s = &st->services[sc->index];
        if (!s->has_state) {
            continue;
        }
        if (s->state != SW_OK) {
            (*ret_bad)++;
        }
        if (!any || sw_state_rank(s->state) > sw_state_rank(worst)) {
            worst = s->state;
        }
        any = true;
    }
    if (dep->n_services == 0) {
        return "NONE";
    }
    return any ? sw_state_name(worst) : "PENDING";
}

static void state_by_name(struct sw_buf *b, const char *name)
{
    enum sw_state s;

    if (strcmp(name, "PENDING") == 0) {
        sw_web_pending(b);
    } else if (strcmp(name, "NONE") == 0) {
        sw_buf_puts(b, "<span class=\"st st-none\">\u2013 no services</span>");
    } else if (sw_state_parse(name, &s) == 0) {
        sw_web_state(b, s);
    }
}

static void rotation_now(const struct sw_web_req *r, const struct sw_config *cfg, size_t i,
                         const char **ret_id, const char **ret_name)
{
    const char *id = NULL;
    const struct sw_engineer_conf *e;

    if (sw_rotation_oncall(&cfg->rotation_confs[i].rot, r->now, &id) < 0) {
        id = NULL;
    }
    e = id ? sw_config_find_engineer(cfg, id) : NULL;
    *ret_id = id;
    *ret_name = e && e->name ? e->name : id;
}

/* ---- the page ---- */

static void counts_card(struct sw_buf *b, const char *title, const char *key, const unsigned *v,
                        unsigned total)
{
    sw_buf_printf(b, "<section class=\"card\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">%s</h2>",
                  key, key, title);
    sw_buf_printf(b, "<dl class=\"counts\"><dt>Total</dt><dd data-field=\"%s.total\">%u</dd>", key,
                  total);
    for (int i = 0; i < C_N; i++) {
        sw_buf_puts(b, "<dt>");
        if (i == C_PENDING) {
            sw_web_pending(b);
        } else {
            sw_web_state(b, (enum sw_state)i);
        }
        sw_buf_printf(b, "</dt><dd data-field=\"%s.%s\">%u</dd>", key, count_key[i], v[i]);
    }
}

static void late_item(struct sw_buf *b, const struct late *l)
{
    const struct sw_check_status *c = l->c;

    sw_buf_puts(b, "<li><a href=\"/services/");
    sw_web_esc(b, c->conf->service->path);
    sw_buf_puts(b, "\">");
    sw_web_esc(b, c->conf->path);
    sw_buf_printf(b, "</a> \u00b7 %s \u00b7 last ", l->stale ? "stale" : "late");
    sw_web_time(b, c->st.last_check_ms / 1000);
    sw_buf_puts(b, "</li>\n");
}

static void incident_item(struct sw_buf *b, const struct sw_incident *inc)
{
    sw_buf_printf(b, "<li><a href=\"/incidents/INC-%lld\">INC-%lld</a> sev%d \u00b7 %s \u00b7 ",
                  (long long)inc->id, (long long)inc->id, inc->severity,
                  sw_inc_status_name(inc->status) ? sw_inc_status_name(inc->status) : "?");
    sw_web_esc(b, inc->title);
    sw_buf_puts(b, "</li>\n");
}

static void grid(struct sw_buf *b, const struct sw_web_req *r, const struct dash *d)
{
    const struct sw_config *cfg = d->cfg;
    unsigned shown = 0;

    sw_buf_puts(b, "<h2 id=\"fleet\">Fleet</h2>\n<div class=\"scroll\"><table class=\"stack\">"
                   "<thead><tr><th scope=\"col\">Customer</th><th scope=\"col\">Deployment</th>"
                   "<th scope=\"col\">Worst service state</th>"
                   "<th scope=\"col\" class=\"n\">Services not OK</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; cfg && i < cfg->n_customers; i++) {
        const struct sw_customer_conf *cu = &cfg->customers[i];

        if (!visible_customer(d, r, cu)) {
            continue;
        }
        for (size_t j = 0; j < cu->n_deployments || (j == 0 && cu->n_deployments == 0); j++) {
            const struct sw_deployment_conf *dep = cu->n_deployments ? &cu->deployments[j] : NULL;
            const char *state;
            unsigned bad;

            sw_buf_puts(b, "<tr>");
            if (j == 0) {
                sw_buf_puts(b, "<th scope=\"row\" data-label=\"Customer\"><a href=\"/customers/");
                sw_web_esc(b, cu->id);
                sw_buf_puts(b, "\">");
                sw_web_esc(b, cu->name ? cu->name : cu->id);
                sw_buf_puts(b, "</a></th>");
            } else {
                sw_buf_puts(b, "<td></td>");
            }
            if (!dep) {
                sw_buf_puts(b, "<td class=\"muted\" colspan=\"3\">no deployments</td></tr>\n");
                continue;
            }
            state = deployment_state(r, dep, &bad);
            sw_buf_puts(b, "<td data-label=\"Deployment\"><a href=\"/customers/");
            sw_web_esc(b, cu->id);
            sw_buf_puts(b, "#dep-");
            sw_web_esc(b, dep->id);
            sw_buf_puts(b, "\">");
            sw_web_esc(b, dep->id);
            /* the script turns the outer span into the new state's badge */
            sw_buf_puts(b, "</a></td><td data-label=\"State\"><span data-map=\"cells\" "
                           "data-kind=\"state\" data-key=\"");
            sw_web_esc(b, dep->path);
            sw_buf_puts(b, "\">");
            state_by_name(b, state);
            sw_buf_printf(b, "</span></td><td class=\"n\" data-label=\"Not OK\">"
                             "<span data-map=\"not_ok\" data-key=\"");
            sw_web_esc(b, dep->path);
            sw_buf_printf(b, "\">%u</span> of %zu</td></tr>\n", bad, dep->n_services);
        }
        shown++;
    }
    if (shown == 0) {
        sw_buf_puts(b, "<tr><td colspan=\"4\" class=\"muted\">No customers.</td></tr>\n");
    }
    sw_buf_puts(b, "</tbody></table></div>\n");
}

int sw_web_page_dashboard(const struct sw_web_req *r, struct sw_buf *out)
{
    struct dash d;
    const struct sw_config *cfg;

    collect(r, &d);
    cfg = d.cfg;
    sw_web_head(out, r, "Dashboard", "dashboard");
    sw_buf_puts(out, "<div id=\"dash\" data-poll=\"/api/v1/dashboard\">\n"
                     "<p class=\"muted\" data-poll-status aria-live=\"polite\">"
                     "Updates itself every 5 seconds.</p>\n<div class=\"cards\">\n");
    counts_card(out, "Services", "services", d.services, d.n_services);
    sw_buf_puts(out, "</dl></section>\n");
    counts_card(out, "Checks", "checks", d.checks, d.n_checks);
    sw_buf_printf(out,
                  "<dt>Late</dt><dd data-field=\"checks.late\">%u</dd>"
                  "<dt>Stale</dt><dd data-field=\"checks.stale\">%u</dd></dl></section>\n",
                  d.n_late, d.n_stale);

    sw_buf_puts(out, "<section class=\"card\" aria-labelledby=\"h-inc\"><h2 id=\"h-inc\">"
                     "<a href=\"/incidents\">Open incidents</a></h2>");
    if (d.incidents_ok) {
        sw_buf_printf(out,
                      "<dl class=\"counts\"><dt>Open</dt><dd data-field=\"incidents.open\">%u"
                      "</dd>",
                      d.n_open);
        for (int s = 1; s <= 4; s++) {
            sw_buf_printf(out, "<dt>sev%d</dt><dd data-field=\"incidents.sev%d\">%u</dd>", s, s,
                          d.sev[s]);
        }
        sw_buf_puts(out, "</dl>");
    } else {
        sw_buf_puts(out, "<p class=\"muted\">The incident store could not be read.</p>");
    }
    sw_buf_puts(out, "</section>\n");

    /* who is on call is internal: not for a customer's eyes */
    if (r->role != SW_ROLE_CUSTOMER) {
        sw_buf_puts(out, "<section class=\"card\" aria-labelledby=\"h-oncall\">"
                         "<h2 id=\"h-oncall\"><a href=\"/oncall\">On call now</a></h2>");
        if (!cfg || cfg->n_rotations == 0) {
            sw_buf_puts(out, "<p class=\"muted\">No rotations configured.</p>");
        } else {
            sw_buf_puts(out, "<dl class=\"counts\">");
            for (size_t i = 0; i < cfg->n_rotations; i++) {
                const char *id, *name;

                rotation_now(r, cfg, i, &id, &name);
                sw_buf_puts(out, "<dt>");
                sw_web_esc(out, cfg->rotation_confs[i].id);
                sw_buf_puts(out, "</dt><dd data-map=\"oncall\" data-key=\"");
                sw_web_esc(out, cfg->rotation_confs[i].id);
                sw_buf_puts(out, "\">");
                if (name) {
                    sw_web_esc(out, name);
                } else {
                    sw_buf_puts(out, "\u2014");
                }
                sw_buf_puts(out, "</dd>");
            }
            sw_buf_puts(out, "</dl>");
        }
        sw_buf_puts(out, "</section>\n");
    }
    sw_buf_puts(out, "</div>\n");

    grid(out, r, &d);

    sw_buf_puts(out, "<h2 id=\"open-incidents\">Open incidents</h2>\n"
                     "<ul class=\"plain\" data-list=\"open_incidents\" "
                     "data-empty=\"No open incidents.\">\n");
    for (size_t i = 0; i < d.n_inc && i < SHOWN_MAX; i++) {
        incident_item(out, &d.inc[i]);
    }
    if (d.n_inc == 0) {
        sw_buf_puts(out, "<li class=\"muted\">No open incidents.</li>\n");
    }
    sw_buf_puts(out, "</ul>\n");
    if (d.n_inc > SHOWN_MAX) {
        sw_buf_printf(out, "<p><a href=\"/incidents\">All %zu open incidents</a></p>\n", d.n_inc);
    }

    sw_buf_puts(out, "<h2 id=\"late\">Late and stale checks</h2>\n"
                     "<p class=\"muted\">Late: an active check overdue by more than its interval."
                     " Stale: a passive check silent past its freshness.</p>\n"
                     "<ul class=\"plain\" data-list=\"late\" data-empty=\"None.\">\n");
    for (size_t i = 0; i < d.n_shown_late; i++) {
        late_item(out, &d.late[i]);
    }
    if (d.n_shown_late == 0) {
        sw_buf_puts(out, "<li class=\"muted\">None.</li>\n");
    }
    sw_buf_puts(out, "</ul>\n");
    if (d.n_late + d.n_stale > d.n_shown_late) {
        sw_buf_printf(out, "<p class=\"muted\">Only the first %zu of %u are listed.</p>\n",
                      d.n_shown_late, d.n_late + d.n_stale);
    }
    sw_buf_puts(out, "</div>\n");
    sw_web_foot(out, r);
    release(&d);
    return 200;
}

/* ---- the JSON ---- */

static void json_counts(struct sw_buf *b, const char *key, const unsigned *v, unsigned total)
{
    sw_buf_printf(b, "\"%s\": {\"total\": %u", key, total);
    for (int i = 0; i < C_N; i++) {
        sw_buf_printf(b, ", \"%s\": %u", count_key[i], v[i]);
    }
}

int sw_web_dashboard_json(const struct sw_web_req *r, struct sw_buf *out)
{
    struct dash d;
    const struct sw_config *cfg;
    struct sw_buf notok;
    char iso[SW_TIME_LEN];
    bool first = true;

    collect(r, &d);
    cfg = d.cfg;
    sw_buf_printf(out, "{\"generated\": \"%s\", ", sw_time_format(r->now, iso));
    json_counts(out, "checks", d.checks, d.n_checks);
    sw_buf_printf(out, ", \"late\": %u, \"stale\": %u}, ", d.n_late, d.n_stale);
    json_counts(out, "services", d.services, d.n_services);
    sw_buf_puts(out, "}, \"incidents\": ");
    if (d.incidents_ok) {
        sw_buf_printf(out, "{\"open\": %u, \"sev1\": %u, \"sev2\": %u, \"sev3\": %u, \"sev4\": %u}",
                      d.n_open, d.sev[1], d.sev[2], d.sev[3], d.sev[4]);
    } else {
        sw_buf_puts(out, "null");
    }

    sw_buf_puts(out, ", \"cells\": {");
    sw_buf_init(&notok);
    for (size_t i = 0; cfg && i < cfg->n_customers; i++) {
        const struct sw_customer_conf *cu = &cfg->customers[i];

        if (!visible_customer(&d, r, cu)) {
            continue;
        }
        for (size_t j = 0; j < cu->n_deployments; j++) {
            unsigned bad;
            const char *state = deployment_state(r, &cu->deployments[j], &bad);

            sw_buf_puts(out, first ? "" : ", ");
            sw_buf_puts(&notok, first ? "" : ", ");
            sw_buf_json_str(out, cu->deployments[j].path);
            sw_buf_printf(out, ": \"%s\"", state);
            sw_buf_json_str(&notok, cu->deployments[j].path);
            sw_buf_printf(&notok, ": %u", bad);
            first = false;
        }
    }
    sw_buf_puts(out, "}, \"not_ok\": {");
    if (notok.len) {
        sw_buf_append(out, notok.data, notok.len);
    }
    sw_buf_release(&notok);
    sw_buf_puts(out, "}, \"oncall\": {");
    for (size_t i = 0; r->role != SW_ROLE_CUSTOMER && cfg && i < cfg->n_rotations; i++) {
        const char *id, *name;

        rotation_now(r, cfg, i, &id, &name);
        sw_buf_puts(out, i ? ", " : "");
        sw_buf_json_str(out, cfg->rotation_confs[i].id);
        sw_buf_puts(out, ": ");
        if (name) {
            sw_buf_json_str(out, name);
        } else {
            sw_buf_puts(out, "null");
        }
    }
    sw_buf_puts(out, "}, \"open_incidents\": [");
    for (size_t i = 0; i < d.n_inc && i < SHOWN_MAX; i++) {
        const struct sw_incident *inc = &d.inc[i];
        const char *status = sw_inc_status_name(inc->status);

        sw_buf_printf(out, "%s{\"id\": \"INC-%lld\", \"severity\": %d", i ? ", " : "",
                      (long long)inc->id, inc->severity);
        sw_buf_json_kv_str(out, "status", status ? status : "unknown");
        sw_buf_json_kv_str(out, "title", inc->title);
        sw_buf_json_kv_str(out, "service", inc->service);
        sw_buf_json_kv_time(out, "opened", inc->opened);
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "], \"late\": [");
    for (size_t i = 0; i < d.n_shown_late; i++) {
        const struct sw_check_status *c = d.late[i].c;

        sw_buf_puts(out, i ? ", {\"path\": " : "{\"path\": ");
        sw_buf_json_str(out, c->conf->path);
        sw_buf_json_kv_str(out, "service", c->conf->service->path);
        sw_buf_json_kv_str(out, "kind", d.late[i].stale ? "stale" : "late");
        sw_buf_json_kv_time(out, "last_check", c->st.last_check_ms / 1000);
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "]}\n");
    release(&d);
    return 200;
}
