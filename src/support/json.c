/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: cases (with their timers and events) and changes as JSON for the API and the CLI. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "support/support.h"

static const char *event_kind(int kind)
{
    static const char *const names[] = {"created",        "status",   "reply",
                                        "customer-reply", "internal", "reopened"};

    if (kind >= 0 && kind <= SW_CASE_EV_REOPEN) {
        return names[kind];
    }
    return kind == SW_CASE_EV_ASSIGN ? "assigned" : kind == SW_CASE_EV_LINK ? "linked" : "?";
}

static void timer_json(const struct sw_case_timer *t, struct sw_buf *b)
{
    const struct sw_case_cycle *c = t->n_cycles ? &t->cycles[t->n_cycles - 1] : NULL;

    sw_buf_printf(b, "{\"goal_s\": %" PRId64 ", \"elapsed_s\": %" PRId64, t->goal_s,
                  c ? c->elapsed_s : 0);
    sw_buf_printf(b, ", \"remaining_s\": %" PRId64, c ? c->remaining_s : t->goal_s);
    sw_buf_json_kv_time(b, "due", c ? c->due : 0);
    sw_buf_json_kv_time(b, "warn_at", c ? c->warn_at : 0);
    sw_buf_printf(b,
                  ", \"running\": %s, \"paused\": %s, \"warned\": %s, \"breached\": %s, "
                  "\"cycles\": %zu, \"met\": %zu, \"breaches\": %zu}",
                  t->running ? "true" : "false", c && c->paused ? "true" : "false",
                  c && c->warned ? "true" : "false", c && c->breached ? "true" : "false",
                  t->n_cycles, t->n_met, t->n_breached);
}

void sw_case_json(const struct sw_config *cfg, const struct sw_case_row *c,
                  const struct sw_case_event_row *ev, size_t n, int64_t now, bool public_only,
                  struct sw_buf *out)
{
    static const char *const metric_key[] = {"first_response", "resolution", "update"};
    struct sw_case_timers tm;
    char name[24];
    bool first = true;

    sw_buf_printf(out, "{\"id\": \"%s\", \"number\": %" PRId64, sw_case_name(c->id, name), c->id);
    sw_buf_json_kv_str(out, "customer", c->customer);
    sw_buf_json_kv_str(out, "deployment", c->deployment);
    sw_buf_json_kv_str(out, "service", c->service);
    sw_buf_printf(out, ", \"severity\": %d", c->severity);
    sw_buf_json_kv_str(out, "title", c->title);
    sw_buf_json_kv_str(out, "description", c->description);
    sw_buf_json_kv_str(out, "status", sw_case_status_name((enum sw_case_status)c->status));
    sw_buf_json_kv_str(out, "assignee", c->assignee);
    sw_buf_json_kv_str(out, "opened_by", c->opened_by);
    sw_buf_json_kv_time(out, "created", c->created);
    sw_buf_json_kv_time(out, "last_event", c->last_event);
    sw_buf_printf(out, ", \"reopened\": %d", c->reopened);
    if (c->incident) {
        sw_buf_printf(out, ", \"incident\": \"INC-%" PRId64 "\"", c->incident);
    } else {
        sw_buf_puts(out, ", \"incident\": null");
    }
    if (ev) {
        size_t k = 0;
        sw_buf_puts(out, ", \"incidents\": [");
        for (size_t i = 0; i < n; i++) {
            if (ev[i].kind == SW_CASE_EV_LINK && ev[i].text) {
                sw_buf_puts(out, k++ ? ", " : "");
                sw_buf_json_str(out, ev[i].text);
            }
        }
        sw_buf_puts(out, "]");
    }
    sw_buf_puts(out, ", \"timers\": {");
    if (ev && sw_case_timers(cfg, c, ev, n, now, &tm, NULL) == 0) {
        for (int m = 0; m < SW_CASE_METRIC_COUNT; m++) {
            if (tm.have[m]) {
                sw_buf_printf(out, "%s\"%s\": ", first ? "" : ", ", metric_key[m]);
                timer_json(&tm.t[m], out);
                first = false;
            }
        }
        sw_case_timers_release(&tm);
    }
    sw_buf_puts(out, "}");
    if (ev) {
        size_t k = 0;
        sw_buf_puts(out, ", \"events\": [");
        for (size_t i = 0; i < n; i++) {
            char t[SW_TIME_LEN];
            if (public_only && ev[i].kind == SW_CASE_EV_INTERNAL) {
                continue;
            }
            sw_buf_printf(out, "%s{\"t\": \"%s\"", k++ ? ", " : "", sw_time_format(ev[i].t, t));
            sw_buf_json_kv_str(out, "kind", event_kind(ev[i].kind));
            sw_buf_json_kv_str(
                out, "status",
                ev[i].status >= 0 ? sw_case_status_name((enum sw_case_status)ev[i].status) : NULL);
            sw_buf_json_kv_str(out, "author", ev[i].author);
            sw_buf_json_kv_str(out, "text", ev[i].text);
            sw_buf_puts(out, "}");
        }
        sw_buf_puts(out, "]");
    }
    sw_buf_puts(out, "}");
}

void sw_change_json(const struct sw_config *cfg, const struct sw_change_row *c,
                    const struct sw_incident *incidents, size_t n, struct sw_buf *out)
{
    char name[24];
    int64_t inc = 0;
    bool failed = sw_change_failed(cfg, c, incidents, n, &inc);

    sw_buf_printf(out, "{\"id\": \"%s\", \"number\": %" PRId64, sw_change_name(c->id, name), c->id);
    sw_buf_json_kv_str(out, "customer", c->customer);
    sw_buf_json_kv_str(out, "deployment", c->deployment);
    sw_buf_json_kv_str(out, "title", c->title);
    sw_buf_json_kv_str(out, "started_by", c->started_by);
    sw_buf_json_kv_time(out, "started", c->started);
    sw_buf_json_kv_time(out, "finished", c->finished);
    sw_buf_json_kv_str(out, "result", c->result < 0 ? "running" : c->result == 0 ? "ok" : "failed");
    sw_buf_json_kv_str(out, "note", c->note);
    sw_buf_printf(out, ", \"failed\": %s", failed ? "true" : "false");
    if (inc) {
        sw_buf_printf(out, ", \"failed_by\": \"INC-%" PRId64 "\"}", inc);
    } else {
        sw_buf_puts(out, ", \"failed_by\": null}");
    }
}
