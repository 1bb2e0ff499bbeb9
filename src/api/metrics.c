/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.c: the Prometheus text exposition (format 0.0.4) behind GET /metrics, built from
 * a status copy and the engine's and the store's counters. Metric names are listed in
 * docs/api.md; renaming one breaks users' dashboards. */
#include <inttypes.h>
#include <stdio.h>

#include "api/api.h"
#include "api/api_int.h"
#include "incident/incident.h"

static void head(struct sw_buf *out, const char *name, const char *type, const char *help)
{
    sw_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The burn-rate alerts the daemon evaluated last (they are in the store). */
static void slo_alerts(struct sw_store *store, struct sw_buf *out)
{
    struct sw_alert_row *v = NULL;
    size_t n = 0, firing[2] = {0, 0};
    char d1[32], d2[32];

    if (sw_store_alerts_list(store, &v, &n) < 0) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!v[i].no_data) {
            firing[v[i].page ? 0 : 1]++;
        }
    }
    head(out, "stackward_slo_alerts", "gauge", "SLO burn-rate alerts firing, by severity.");
    sw_buf_printf(out, "stackward_slo_alerts{severity=\"page\"} %zu\n", firing[0]);
    sw_buf_printf(out, "stackward_slo_alerts{severity=\"ticket\"} %zu\n", firing[1]);
    head(out, "stackward_slo_alert", "gauge",
         "One series per burn-rate rule that fires or has no data (1), by service and windows.");
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(out, "stackward_slo_alert{service=");
        sw_buf_json_str(out, v[i].service);
        sw_buf_printf(out, ",severity=\"%s\",long=\"%s\",short=\"%s\",state=\"%s\"} 1\n",
                      v[i].page ? "page" : "ticket", sw_duration_format(v[i].long_s * 1000, d1),
                      sw_duration_format(v[i].short_s * 1000, d2),
                      v[i].no_data ? "no_data" : "firing");
    }
    head(out, "stackward_slo_burn_rate", "gauge",
         "Burn rate over the long window of each alerting rule.");
    for (size_t i = 0; i < n; i++) {
        if (v[i].no_data || !(v[i].burn_long < 1e300)) {
            continue;
        }
        sw_buf_puts(out, "stackward_slo_burn_rate{service=");
        sw_buf_json_str(out, v[i].service);
        sw_buf_printf(out, ",window=\"%s\"} %.6g\n", sw_duration_format(v[i].long_s * 1000, d1),
                      v[i].burn_long);
    }
    sw_alert_rows_free(v, n);
}

/* Incidents: open ones by severity and status, and MTTA / MTTR over those opened in the last
 * 30 days (histograms of seconds, from the store, so they survive restarts). */
static void incidents(struct sw_store *store, struct sw_buf *out)
{
    static const double bounds[] = {60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200};
    struct sw_inc_filter f = {.opened_from = sw_now() - 30 * 86400};
    struct sw_inc_filter fo = {.open_only = true};
    struct sw_incident *v = NULL, *o = NULL;
    size_t n = 0, n_o = 0;
    uint64_t open[4][SW_INC_STATUS_COUNT] = {{0}};
    struct sw_histogram mtta, mttr;
    char labels[64];

    if (sw_store_incident_list(store, &f, &v, &n) < 0) {
        return;
    }
    if (sw_store_incident_list(store, &fo, &o, &n_o) < 0) {
        sw_incidents_free(v, n);
        return;
    }
    sw_histogram_init(&mtta, bounds, sizeof(bounds) / sizeof(bounds[0]));
    sw_histogram_init(&mttr, bounds, sizeof(bounds) / sizeof(bounds[0]));
    for (size_t i = 0; i < n; i++) {
        if (sw_incident_mtta(&v[i]) >= 0) {
            sw_histogram_add(&mtta, (double)sw_incident_mtta(&v[i]));
        }
        if (sw_incident_mttr(&v[i]) >= 0) {
            sw_histogram_add(&mttr, (double)sw_incident_mttr(&v[i]));
        }
    }
    for (size_t i = 0; i < n_o; i++) {
        if (o[i].severity >= 1 && o[i].severity <= 4 && o[i].status < SW_INC_STATUS_COUNT) {
            open[o[i].severity - 1][o[i].status]++;
        }
    }
    head(out, "stackward_incidents_open", "gauge",
         "Incidents not resolved, by severity and status.");
    for (int sv = 0; sv < 4; sv++) {
        for (int st = 0; st < SW_INC_RESOLVED; st++) {
            sw_buf_printf(
                out, "stackward_incidents_open{severity=\"sev%d\",status=\"%s\"} %" PRIu64 "\n",
                sv + 1, sw_inc_status_name(st), open[sv][st]);
        }
    }
    head(out, "stackward_incidents_opened_30d", "gauge", "Incidents opened in the last 30 days.");
    sw_buf_printf(out, "stackward_incidents_opened_30d %zu\n", n);
    head(out, "stackward_incident_mtta_seconds", "histogram",
         "Time to acknowledge (ack - open) of incidents opened in the last 30 days.");
    snprintf(labels, sizeof(labels), "window=\"30d\"");
    sw_histogram_format(&mtta, "stackward_incident_mtta_seconds", labels, out);
    head(out, "stackward_incident_mttr_seconds", "histogram",
         "Time to resolve (resolve - open) of incidents opened in the last 30 days.");
    sw_histogram_format(&mttr, "stackward_incident_mttr_seconds", labels, out);
    sw_incidents_free(v, n);
    sw_incidents_free(o, n_o);
}

void sw_api_metrics_incidents(struct sw_inc_manager *m, struct sw_buf *out)
{
    struct sw_inc_stats st;

    sw_inc_manager_stats(m, &st);
    head(out, "stackward_incident_passes_total", "counter",
         "Passes of the incident manager (on changes, due steps, and once a second).");
    sw_buf_printf(out, "stackward_incident_passes_total %" PRIu64 "\n", st.passes);
    head(out, "stackward_incidents_opened_total", "counter",
         "Incidents opened since the daemon started.");
    sw_buf_printf(out, "stackward_incidents_opened_total %" PRIu64 "\n", st.opened);
    head(out, "stackward_notifications_sent_total", "counter", "Notifications delivered.");
    sw_buf_printf(out, "stackward_notifications_sent_total %" PRIu64 "\n", st.notifications_sent);
    head(out, "stackward_notification_failures_total", "counter",
         "Delivery attempts that failed (each may be retried).");
    sw_buf_printf(out, "stackward_notification_failures_total %" PRIu64 "\n",
                  st.notifications_failed);
    head(out, "stackward_case_timer_events_total", "counter",
         "Case timers that reached their warning share or missed their goal, by kind.");
    sw_buf_printf(out, "stackward_case_timer_events_total{kind=\"warning\"} %" PRIu64 "\n",
                  st.case_warnings);
    sw_buf_printf(out, "stackward_case_timer_events_total{kind=\"breach\"} %" PRIu64 "\n",
                  st.case_breaches);
    head(out, "stackward_incident_store_errors_total", "counter",
         "Store errors met by the incident manager (the pass is repeated).");
    sw_buf_printf(out, "stackward_incident_store_errors_total %" PRIu64 "\n", st.store_errors);
}

void sw_api_metrics(struct sw_engine *e, struct sw_store *store, struct sw_buf *out)
{
    struct sw_engine_stats es;
    struct sw_store_stats ss;
    struct sw_status *st = NULL;
    uint64_t by_state[SW_STATE_COUNT] = {0};
    uint64_t by_hard[SW_STATE_COUNT] = {0};
    uint64_t pending = 0;
    uint64_t flapping = 0;
    uint64_t stale = 0;
    char labels[64];
    int i;

    sw_engine_stats(e, &es);
    sw_store_stats(store, &ss);
    if (sw_engine_status(e, &st) == 0) {
        for (size_t k = 0; k < st->n_checks; k++) {
            const struct sw_check_snapshot *s = &st->checks[k].st;

            if (!s->has_state) {
                pending++;
            } else {
                by_state[s->state]++;
                by_hard[s->hard_state]++;
            }
            flapping += s->flapping;
            stale += st->checks[k].stale;
        }
    }

    head(out, "stackward_build_info", "gauge", "Version of the running stackward.");
    sw_buf_puts(out, "stackward_build_info{version=\"" SW_VERSION "\"} 1\n");
    head(out, "stackward_start_time_seconds", "gauge", "Start time of the daemon, Unix seconds.");
    sw_buf_printf(out, "stackward_start_time_seconds %" PRId64 "\n", es.started_ms / 1000);

    head(out, "stackward_checks", "gauge",
         "Checks by current state (PENDING: no result yet), soft or hard.");
    for (i = 0; i < SW_STATE_COUNT; i++) {
        sw_buf_printf(out, "stackward_checks{state=\"%s\"} %" PRIu64 "\n", sw_state_name(i),
                      by_state[i]);
    }
    sw_buf_printf(out, "stackward_checks{state=\"PENDING\"} %" PRIu64 "\n", pending);
    head(out, "stackward_checks_hard", "gauge", "Checks by hard state.");
    for (i = 0; i < SW_STATE_COUNT; i++) {
        sw_buf_printf(out, "stackward_checks_hard{state=\"%s\"} %" PRIu64 "\n", sw_state_name(i),
                      by_hard[i]);
    }
    head(out, "stackward_checks_flapping", "gauge", "Checks flagged as flapping.");
    sw_buf_printf(out, "stackward_checks_flapping %" PRIu64 "\n", flapping);
    head(out, "stackward_checks_stale", "gauge", "Passive checks past their freshness.");
    sw_buf_printf(out, "stackward_checks_stale %" PRIu64 "\n", stale);

    head(out, "stackward_check_runs_total", "counter", "Results handled, by check type.");
    for (i = 0; i < SW_CHECK_TYPE_COUNT; i++) {
        sw_buf_printf(out, "stackward_check_runs_total{type=\"%s\"} %" PRIu64 "\n",
                      sw_check_type_name(i), es.runs[i]);
    }
    head(out, "stackward_results_total", "counter", "Results handled, by state.");
    for (i = 0; i < SW_STATE_COUNT; i++) {
        sw_buf_printf(out, "stackward_results_total{state=\"%s\"} %" PRIu64 "\n", sw_state_name(i),
                      es.results[i]);
    }
    head(out, "stackward_hard_changes_total", "counter", "Hard state changes of checks.");
    sw_buf_printf(out, "stackward_hard_changes_total %" PRIu64 "\n", es.hard_changes);

    head(out, "stackward_schedule_lateness_seconds", "histogram",
         "Start time of a scheduled run minus its scheduled time.");
    sw_histogram_format(&es.lateness_s, "stackward_schedule_lateness_seconds", "", out);
    head(out, "stackward_probe_duration_seconds", "histogram", "Run time of probes, by type.");
    for (i = 0; i < SW_CHECK_TYPE_COUNT; i++) {
        snprintf(labels, sizeof(labels), "type=\"%s\"", sw_check_type_name(i));
        sw_histogram_format(&es.latency_s[i], "stackward_probe_duration_seconds", labels, out);
    }
    head(out, "stackward_checks_running", "gauge", "Probes in flight, by type.");
    for (i = 0; i < SW_CHECK_TYPE_COUNT; i++) {
        sw_buf_printf(out, "stackward_checks_running{type=\"%s\"} %d\n", sw_check_type_name(i),
                      es.running[i]);
    }
    head(out, "stackward_checks_waiting", "gauge", "Runs due but held by a concurrency limit.");
    sw_buf_printf(out, "stackward_checks_waiting %d\n", es.waiting);

    head(out, "stackward_store_batch_seconds", "histogram", "Time to commit one store batch.");
    sw_histogram_format(&ss.commit_s, "stackward_store_batch_seconds", "", out);
    head(out, "stackward_store_rows_total", "counter", "Rows written to the store.");
    sw_buf_printf(out, "stackward_store_rows_total %" PRIu64 "\n", ss.rows);
    head(out, "stackward_store_failures_total", "counter", "Store batches that failed to commit.");
    sw_buf_printf(out, "stackward_store_failures_total %" PRIu64 "\n", ss.failures);
    head(out, "stackward_store_dropped_total", "counter",
         "Writes given up: raw results past the buffer while the database was away, and "
         "writes still failing at shutdown.");
    sw_buf_printf(out, "stackward_store_dropped_total %" PRIu64 "\n", ss.dropped);
    head(out, "stackward_store_queue_length", "gauge", "Writes queued, not yet committed.");
    sw_buf_printf(out, "stackward_store_queue_length %zu\n", sw_store_queue_len(store));
    head(out, "stackward_store_degraded", "gauge",
         "1 while the database takes no writes (the last commit failed), else 0.");
    sw_buf_printf(out, "stackward_store_degraded %d\n", ss.degraded ? 1 : 0);
    head(out, "stackward_checks_run_here", "gauge",
         "Checks this node runs (all of them on one node; its shards' with several).");
    sw_buf_printf(out, "stackward_checks_run_here %zu\n", sw_engine_active_checks(e));

    head(out, "stackward_reloads_total", "counter", "Configuration reloads applied.");
    sw_buf_printf(out, "stackward_reloads_total %" PRIu64 "\n", es.reloads);
    head(out, "stackward_reload_failures_total", "counter",
         "Configuration reloads refused (invalid configuration).");
    sw_buf_printf(out, "stackward_reload_failures_total %" PRIu64 "\n", es.reload_failures);

    slo_alerts(store, out);
    incidents(store, out);
    sw_status_free(st);
}
