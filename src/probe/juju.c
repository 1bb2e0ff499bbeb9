/* SPDX-License-Identifier: Apache-2.0 */
/* juju.c: the juju probe. exec.c runs the check's command (`juju status --format=json`
 * with the model named) and hands over its output; this turns the status document into the
 * check's own result (the model at a glance) and one child a unit, in a service named after
 * its application and a check named after the unit ("mysql-innodb-cluster/mysql-innodb-
 * cluster-0"), as `stackward import juju` writes them. A document read in full is the whole
 * set: units that are gone retire. */
#include <stdlib.h>
#include <string.h>

#include "probe/juju.h"
#include "probe/probe_int.h"

/* The first line of what the command wrote on stderr, for a failure's reason. */
static void first_line(const char *s, size_t n, struct sw_buf *out)
{
    const char *nl = memchr(s, '\n', n);
    size_t len = nl ? (size_t)(nl - s) : n;

    if (len > 300) {
        len = 300;
    }
    if (len && sw_str_is_text(s, len)) {
        sw_buf_printf(out, ": %.*s", (int)len, s);
    }
}

void sw_juju_report(const struct sw_check_conf *c, const struct sw_exec_outcome *o,
                    struct sw_probe_result *r)
{
    struct sw_juju_status st = {0};
    struct sw_buf out, err;
    size_t bad = 0;
    char dur[32];

    sw_buf_init(&out);
    sw_buf_init(&err);
    if (o->timed_out) {
        r->state = SW_UNKNOWN;
        sw_buf_printf(&out, "juju status timed out after %s and was killed",
                      sw_duration_format(c->timeout_ms, dur));
    } else if (o->term_signal) {
        r->state = SW_UNKNOWN;
        sw_buf_printf(&out, "juju status killed by signal %d", o->term_signal);
    } else if (o->exit_status != 0) {
        r->state = SW_CRITICAL;
        sw_buf_printf(&out, "juju status exited with code %lld", (long long)o->exit_status);
        first_line(o->err, o->err_len, &out);
    } else if (o->out_truncated) {
        r->state = SW_UNKNOWN;
        sw_buf_printf(&out, "the status document is larger than %zu bytes", c->max_body);
    } else if (sw_juju_parse(o->out, o->out_len, &st, &err) < 0) {
        r->state = SW_UNKNOWN;
        sw_buf_printf(&out, "bad juju status document: %s", err.data ? err.data : "");
    } else {
        r->state = SW_OK;
        for (size_t i = 0; i < st.n_units; i++) {
            const struct sw_juju_unit *u = &st.units[i];
            const struct sw_juju_app *app = NULL;
            for (size_t k = 0; k < st.n_apps && !app; k++) {
                if (strcmp(st.apps[k].name, u->app) == 0) {
                    app = &st.apps[k];
                }
            }
            if (!app) {
                continue;
            }
            sw_probe_result_child(r, app->service_id, u->check_id, u->state, 0, NULL, "%s: %s",
                                  u->name, u->output);
            if (u->state != SW_OK) {
                bad++;
                r->state = sw_state_worst(r->state, u->state == SW_UNKNOWN ? SW_WARNING : u->state);
            }
        }
        r->children_complete = true;
        sw_buf_printf(&out, "model %s: %zu applications, %zu units", st.model ? st.model : "?",
                      st.n_apps, st.n_units);
        if (bad) {
            size_t shown = 0;
            sw_buf_printf(&out, ", %zu not OK:", bad);
            for (size_t i = 0; i < st.n_units && shown < 5; i++) {
                if (st.units[i].state != SW_OK) {
                    sw_buf_printf(&out, "%s %s %s", shown++ ? "," : "", st.units[i].name,
                                  sw_state_name(st.units[i].state));
                }
            }
            if (bad > shown) {
                sw_buf_printf(&out, " and %zu more", bad - shown);
            }
        } else {
            sw_buf_puts(&out, ", all OK");
        }
        r->perfdata = sw_xasprintf("units=%zu units_not_ok=%zu", st.n_units, bad);
    }
    r->output = sw_buf_steal(&out);
    sw_buf_release(&err);
    sw_juju_status_release(&st);
}

int sw_juju_import(const char *json, size_t len, const char *source, const char *freshness,
                   struct sw_buf *out, struct sw_buf *err)
{
    struct sw_juju_status st = {0};
    int r = sw_juju_parse(json, len, &st, err);

    if (r == 0) {
        r = sw_juju_fragment(&st, source, freshness, out, err);
    }
    sw_juju_status_release(&st);
    return r;
}
