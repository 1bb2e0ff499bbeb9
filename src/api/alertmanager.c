/* SPDX-License-Identifier: Apache-2.0 */
/* alertmanager.c: POST /api/v1/integrations/alertmanager, the receiver of Alertmanager's
 * webhook (payload version 4). Each alert names a passive check by its labels (the config's
 * `alertmanager:` block; alertmanager_parse.c maps them); the alerts of one notification that
 * name the same check give it one result, the worst of them (a group lists every alert of
 * its labels, firing and resolved), and a check seen for the first time is created under its
 * deployment. Alerts that name nothing are refused with their reason, in the answer and in
 * the log; the others are still taken. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/alertmanager.h"
#include "api/api_int.h"
#include "engine/engine.h"

struct mapped {
    char *path;
    enum sw_state state;
    char *output;
    size_t firing; /* alerts of this check that are not OK */
};

static void map_from_config(const struct sw_alertmanager_conf *am, struct sw_am_map *m)
{
    sw_am_map_defaults(m);
    m->customer_label = am->customer_label;
    m->deployment_label = am->deployment_label;
    m->service_label = am->service_label;
    m->check_label = am->check_label;
    m->severity_label = am->severity_label;
    if (am->n_sev) {
        m->sev_values = (const char *const *)am->sev_values;
        m->sev_states = am->sev_states;
        m->n_sev = am->n_sev;
    }
    m->catch_all = am->catch_all;
}

/* The deployment part ("acme/fra1") of a check path exists in cfg. */
static bool deployment_exists(const struct sw_config *cfg, const char *path)
{
    const char *a = strchr(path, '/'), *b = a ? strchr(a + 1, '/') : NULL;
    char dep[300];

    if (!b || (size_t)(b - path) >= sizeof(dep)) {
        return false;
    }
    memcpy(dep, path, (size_t)(b - path));
    dep[b - path] = '\0';
    return sw_config_find_deployment(cfg, dep) != NULL;
}

enum MHD_Result sw_api_post_alertmanager(struct sw_api *api, struct MHD_Connection *conn,
                                         const char *body, size_t len)
{
    struct sw_am_payload pl = {0};
    struct sw_config *cfg = NULL;
    struct mapped *m = NULL;
    struct sw_passive *v = NULL;
    struct sw_buf err, refused, out;
    struct sw_am_map map;
    size_t n = 0, n_refused = 0;
    enum MHD_Result ret;
    char *message = NULL;
    int r;

    sw_buf_init(&err);
    sw_buf_init(&refused);
    sw_buf_init(&out);
    if (sw_am_parse(body, len, &pl, &err) < 0) {
        sw_warn("alertmanager: payload refused: %s", err.data ? err.data : "");
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL, "%s",
                                   err.data ? err.data : "invalid payload");
        goto done;
    }
    cfg = sw_engine_config(api->engine);
    map_from_config(&cfg->alertmanager, &map);
    m = sw_xcalloc(pl.n_alerts + 1, sizeof(*m));
    for (size_t i = 0; i < pl.n_alerts; i++) {
        char *path = NULL, *output = NULL;
        enum sw_state st;
        size_t k;

        sw_buf_reset(&err);
        if (sw_am_map_alert(&map, &pl.alerts[i], &path, &st, &output, &err) == 0 &&
            !deployment_exists(cfg, path)) {
            sw_buf_printf(&err,
                          "alert %zu maps to '%s', but its deployment is not in the "
                          "configuration",
                          i, path);
            free(path);
            free(output);
            path = NULL;
        } else if (path && sw_config_find_check(cfg, path) &&
                   sw_config_find_check(cfg, path)->type != SW_CHECK_PASSIVE) {
            /* an active check of that name: its own probe says its state */
            sw_buf_printf(&err, "alert %zu maps to '%s', an active check, not a passive one", i,
                          path);
            free(path);
            free(output);
            path = NULL;
        }
        if (!path) {
            sw_warn("alertmanager: %s", err.data ? err.data : "alert refused");
            sw_buf_printf(&refused, "%s{\"index\":%zu,\"reason\":", n_refused ? "," : "", i);
            sw_buf_json_str(&refused, err.data ? err.data : "refused");
            sw_buf_puts(&refused, "}");
            n_refused++;
            continue;
        }
        for (k = 0; k < n && strcmp(m[k].path, path) != 0; k++) {
        }
        if (k == n) {
            m[n].path = path;
            m[n].state = st;
            m[n].output = output;
            m[n].firing = st != SW_OK;
            n++;
            continue;
        }
        /* the same check again: the worst state wins, and says how many more fire */
        if (sw_state_rank(st) > sw_state_rank(m[k].state)) {
            free(m[k].output);
            m[k].output = output;
            m[k].state = st;
        } else {
            free(output);
        }
        m[k].firing += st != SW_OK;
        free(path);
    }
    if (n) {
        v = sw_xcalloc(n, sizeof(*v));
        for (size_t i = 0; i < n; i++) {
            v[i].path = m[i].path;
            v[i].state = m[i].state;
            if (m[i].firing > 1) {
                char *o = sw_xasprintf("%s (%zu alerts firing)", m[i].output, m[i].firing);
                free(m[i].output);
                m[i].output = o;
            }
            v[i].output = m[i].output;
        }
        r = sw_api_submit_wait(api, v, n, "alertmanager", &message);
        if (r < 0) {
            ret = sw_api_respond_submit(conn, r, message, n);
            goto done;
        }
    }
    /* 200 even with refusals: Alertmanager sends a group again at every group_interval after
     * any other answer, and the refusal would not change (it is logged once a notification) */
    sw_buf_printf(&out, "{\"accepted\":%zu,\"refused\":[%s]}", n, refused.data ? refused.data : "");
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
done:
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].path);
        free(m[i].output);
    }
    free(m);
    free(v);
    free(message);
    sw_config_unref(cfg);
    sw_am_payload_release(&pl);
    sw_buf_release(&err);
    sw_buf_release(&refused);
    sw_buf_release(&out);
    return ret;
}
