/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: incidents, their timelines and notifications as JSON for the API and the CLI. */
#include <stdlib.h>
#include <string.h>

#include "incident/incident.h"

static const char *const notif_status[] = {"pending", "sent", "failed", "cancelled"};

int64_t sw_incident_mtta(const struct sw_incident *inc)
{
    return inc->acked ? inc->acked - inc->opened : -1;
}

int64_t sw_incident_mttr(const struct sw_incident *inc)
{
    return inc->resolved ? inc->resolved - inc->opened : -1;
}

static void jsecs(struct sw_buf *b, const char *key, int64_t s)
{
    if (s >= 0) {
        sw_buf_printf(b, ", \"%s\": %lld", key, (long long)s);
    } else {
        sw_buf_printf(b, ", \"%s\": null", key);
    }
}

static void body(const struct sw_incident *inc, const struct sw_config *cfg, struct sw_buf *b)
{
    char name[24];

    sw_buf_printf(b, "{\"id\": \"%s\", \"number\": %lld", sw_inc_name(inc->id, name),
                  (long long)inc->id);
    sw_buf_json_kv_str(b, "kind",
                       inc->kind == SW_INC_BURN   ? "burn-rate"
                       : inc->kind == SW_INC_CASE ? "case"
                                                  : "outage");
    sw_buf_json_kv_str(b, "status", sw_inc_status_name(inc->status));
    sw_buf_printf(b, ", \"severity\": \"sev%d\"", inc->severity);
    sw_buf_json_kv_str(b, "title", inc->title);
    sw_buf_json_kv_str(b, "customer", inc->customer);
    sw_buf_json_kv_str(b, "deployment", inc->deployment);
    sw_buf_json_kv_str(b, "service", inc->service);
    sw_buf_json_kv_str(b, "state", sw_state_name(inc->state));
    sw_buf_json_kv_str(b, "output", inc->output);
    sw_buf_json_kv_time(b, "since", inc->since);
    sw_buf_json_kv_time(b, "opened", inc->opened);
    sw_buf_json_kv_time(b, "acknowledged", inc->acked);
    sw_buf_json_kv_str(b, "acknowledged_by", inc->acked_by);
    sw_buf_json_kv_time(b, "recovered", inc->recovered);
    sw_buf_json_kv_time(b, "resolved", inc->resolved);
    sw_buf_json_kv_str(b, "resolved_by",
                       inc->resolved ? (inc->resolved_by ? inc->resolved_by : "recovery") : NULL);
    if (inc->parent) {
        char pn[24];
        sw_buf_json_kv_str(b, "attached_to", sw_inc_name(inc->parent, pn));
    } else {
        sw_buf_json_kv_str(b, "attached_to", NULL);
    }
    sw_buf_printf(b, ", \"reopened\": %d", inc->reopened);
    sw_buf_json_kv_str(b, "escalation_policy", inc->policy);
    if (inc->esc_started) {
        sw_buf_printf(b, ", \"escalation\": {\"round\": %d, \"step\": %d", inc->esc_round + 1,
                      inc->esc_step + 1);
        sw_buf_json_kv_time(b, "next", inc->next_due);
        sw_buf_puts(b, "}");
    } else {
        sw_buf_puts(b, ", \"escalation\": null");
    }
    jsecs(b, "mtta_s", sw_incident_mtta(inc));
    jsecs(b, "mttr_s", sw_incident_mttr(inc));
    if (cfg && cfg->incidents.public_url) {
        sw_buf_printf(b, ", \"link\": ");
        char *l = sw_xasprintf("%s/api/v1/incidents/%s", cfg->incidents.public_url, name);
        sw_buf_json_str(b, l);
        free(l);
    }
}

void sw_incident_json(const struct sw_incident *inc, const struct sw_config *cfg,
                      struct sw_buf *out)
{
    body(inc, cfg, out);
    sw_buf_puts(out, "}");
}

void sw_incident_json_full(const struct sw_incident *inc, const struct sw_inc_event *ev,
                           size_t n_ev, const struct sw_notification *nt, size_t n_nt,
                           const struct sw_config *cfg, struct sw_buf *out)
{
    char t[SW_TIME_LEN];

    body(inc, cfg, out);
    sw_buf_puts(out, ", \"timeline\": [");
    for (size_t i = 0; i < n_ev; i++) {
        sw_buf_printf(out, "%s{\"t\": \"%s\"", i ? ", " : "", sw_time_format(ev[i].t, t));
        sw_buf_json_kv_str(out, "kind", ev[i].kind);
        sw_buf_json_kv_str(out, "actor", ev[i].actor);
        sw_buf_json_kv_str(out, "text", ev[i].text);
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "], \"notifications\": [");
    for (size_t i = 0; i < n_nt; i++) {
        const struct sw_notification *n = &nt[i];
        sw_buf_printf(out, "%s{\"id\": %lld", i ? ", " : "", (long long)n->id);
        sw_buf_json_kv_str(out, "kind", n->kind == SW_NOTIF_RESOLVED ? "resolved" : "trigger");
        if (n->kind == SW_NOTIF_TRIGGER) {
            sw_buf_printf(out, ", \"round\": %d, \"step\": %d", n->round + 1, n->step + 1);
        }
        sw_buf_json_kv_str(out, "engineer", n->engineer);
        sw_buf_json_kv_str(out, "channel", n->channel);
        sw_buf_json_kv_str(out, "address", n->address);
        sw_buf_json_kv_str(out, "status", (unsigned)n->status < 4 ? notif_status[n->status] : "?");
        sw_buf_printf(out, ", \"attempts\": %d", n->attempts);
        sw_buf_json_kv_time(out, "created", n->created);
        sw_buf_json_kv_time(out, "due", n->status == SW_NOTIF_PENDING ? n->due : 0);
        sw_buf_json_kv_time(out, "sent", n->sent);
        sw_buf_json_kv_str(out, "error", n->error);
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "]}");
}
