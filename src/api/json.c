/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: the JSON renderers of api.h (checks, services, customers, the nested tree,
 * history), shared by the API and the CLI. Written straight into a sw_buf: the output is
 * large (every check) and its shape fixed, so no intermediate tree is built. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* A JSON string, or null for NULL; text that is not valid UTF-8 is cleaned first so the
 * document stays valid JSON. */
static void jstr(struct sw_buf *out, const char *s)
{
    char *copy;

    if (!s) {
        sw_buf_puts(out, "null");
        return;
    }
    if (sw_str_is_text(s, strlen(s))) {
        sw_buf_json_str(out, s);
        return;
    }
    copy = sw_xstrdup(s);
    sw_str_sanitize(copy);
    sw_buf_json_str(out, copy);
    free(copy);
}

/* An ISO 8601 time from seconds, null for 0. */
static void jtime(struct sw_buf *out, int64_t t)
{
    char b[SW_TIME_LEN];

    if (t == 0) {
        sw_buf_puts(out, "null");
        return;
    }
    sw_buf_printf(out, "\"%s\"", sw_time_format(t, b));
}

static void jtime_ms(struct sw_buf *out, int64_t t_ms)
{
    jtime(out, t_ms == 0 ? 0 : t_ms / 1000);
}

static void jbool(struct sw_buf *out, bool v)
{
    sw_buf_puts(out, v ? "true" : "false");
}

static bool wanted(const struct sw_customer_conf *c, const char *customer)
{
    return !customer || strcmp(c->id, customer) == 0;
}

static const struct sw_service_status *service_status(const struct sw_status *st,
                                                      const struct sw_service_conf *conf)
{
    for (size_t i = 0; i < st->n_services; i++) {
        if (st->services[i].conf == conf) {
            return &st->services[i];
        }
    }
    return NULL;
}

static const struct sw_check_status *check_status(const struct sw_status *st,
                                                  const struct sw_check_conf *conf)
{
    for (size_t i = 0; i < st->n_checks; i++) {
        if (st->checks[i].conf == conf) {
            return &st->checks[i];
        }
    }
    return NULL;
}

void sw_api_json_check(const struct sw_status *st, const struct sw_check_status *c,
                       struct sw_buf *out)
{
    const struct sw_check_conf *conf = c->conf;
    const struct sw_check_snapshot *s = &c->st;

    (void)st;
    sw_buf_puts(out, "{\"path\":");
    jstr(out, conf->path);
    sw_buf_puts(out, ",\"type\":");
    jstr(out, sw_check_type_name(conf->type));
    sw_buf_puts(out, ",\"state\":");
    jstr(out, s->has_state ? sw_state_name(s->state) : NULL);
    sw_buf_puts(out, ",\"hard\":");
    jbool(out, s->has_state && s->hard);
    sw_buf_printf(out, ",\"attempt\":%d,\"max_attempts\":%d", s->has_state ? s->attempt : 0,
                  conf->max_attempts);
    sw_buf_puts(out, ",\"since\":");
    jtime(out, s->has_state ? s->since : 0);
    sw_buf_puts(out, ",\"output\":");
    jstr(out, s->has_state ? s->output : NULL);
    sw_buf_puts(out, ",\"perfdata\":");
    jstr(out, s->has_state && s->perfdata && s->perfdata[0] ? s->perfdata : NULL);
    sw_buf_puts(out, ",\"last_check\":");
    jtime_ms(out, s->last_check_ms);
    sw_buf_puts(out, ",\"next_check\":");
    jtime_ms(out, c->next_run_ms);
    sw_buf_puts(out, ",\"flapping\":");
    jbool(out, s->flapping);
    sw_buf_puts(out, ",\"stale\":");
    jbool(out, c->stale);
    sw_buf_puts(out, ",\"service\":");
    jstr(out, conf->service ? conf->service->path : NULL);
    sw_buf_puts(out, "}");
}

void sw_api_json_checks(const struct sw_status *st, const char *customer_or_NULL,
                        struct sw_buf *out)
{
    bool first = true;

    sw_buf_puts(out, "[");
    for (size_t i = 0; i < st->n_checks; i++) {
        const struct sw_check_status *c = &st->checks[i];

        if (!wanted(c->conf->customer, customer_or_NULL)) {
            continue;
        }
        if (!first) {
            sw_buf_puts(out, ",");
        }
        first = false;
        sw_api_json_check(st, c, out);
    }
    sw_buf_puts(out, "]");
}

/* The check of a service whose state is worst (pending checks skipped), or NULL. */
static const struct sw_check_status *
worst_check(const struct sw_status *st, const struct sw_service_conf *conf, int64_t *ret_last_ms)
{
    const struct sw_check_status *worst = NULL;

    *ret_last_ms = 0;
    for (size_t i = 0; i < conf->n_checks; i++) {
        const struct sw_check_status *c = check_status(st, &conf->checks[i]);

        if (!c || !c->st.has_state) {
            continue;
        }
        if (c->st.last_check_ms > *ret_last_ms) {
            *ret_last_ms = c->st.last_check_ms;
        }
        if (!worst || sw_state_rank(c->st.hard_state) > sw_state_rank(worst->st.hard_state)) {
            worst = c;
        }
    }
    return worst;
}

/* checks_full: the service's checks as full objects (tree) instead of paths. */
static void service_json(const struct sw_status *st, const struct sw_service_status *s,
                         bool checks_full, struct sw_buf *out)
{
    const struct sw_service_conf *conf = s->conf;
    const struct sw_check_status *worst;
    int64_t last_ms;

    worst = worst_check(st, conf, &last_ms);
    sw_buf_puts(out, "{\"path\":");
    jstr(out, conf->path);
    sw_buf_puts(out, ",\"name\":");
    jstr(out, conf->name ? conf->name : conf->id);
    sw_buf_puts(out, ",\"customer\":");
    jstr(out, conf->customer ? conf->customer->id : NULL);
    sw_buf_puts(out, ",\"deployment\":");
    jstr(out, conf->deployment ? conf->deployment->id : NULL);
    switch (conf->aggregate) {
    case SW_AGG_ANY:
        sw_buf_puts(out, ",\"aggregate\":\"any\"");
        break;
    case SW_AGG_QUORUM:
        sw_buf_printf(out, ",\"aggregate\":\"quorum:%d\"", conf->quorum);
        break;
    default:
        sw_buf_puts(out, ",\"aggregate\":\"all\"");
        break;
    }
    sw_buf_puts(out, ",\"state\":");
    jstr(out, s->has_state ? sw_state_name(s->state) : NULL);
    sw_buf_puts(out, ",\"hard\":");
    jbool(out, s->has_state);
    sw_buf_puts(out, ",\"since\":");
    jtime(out, s->has_state ? s->since : 0);
    sw_buf_puts(out, ",\"output\":");
    jstr(out, worst ? worst->st.output : NULL);
    sw_buf_puts(out, ",\"last_check\":");
    jtime_ms(out, last_ms);
    sw_buf_puts(out, ",\"flapping\":");
    jbool(out, s->flapping);
    sw_buf_puts(out, ",\"checks\":[");
    for (size_t i = 0; i < conf->n_checks; i++) {
        const struct sw_check_status *c = check_status(st, &conf->checks[i]);

        if (i > 0) {
            sw_buf_puts(out, ",");
        }
        if (checks_full && c) {
            sw_api_json_check(st, c, out);
        } else {
            jstr(out, conf->checks[i].path);
        }
    }
    sw_buf_puts(out, "]}");
}

void sw_api_json_service(const struct sw_status *st, const struct sw_service_status *s,
                         struct sw_buf *out)
{
    service_json(st, s, false, out);
}

void sw_api_json_services(const struct sw_status *st, const char *customer_or_NULL,
                          struct sw_buf *out)
{
    bool first = true;

    sw_buf_puts(out, "[");
    for (size_t i = 0; i < st->n_services; i++) {
        const struct sw_service_status *s = &st->services[i];

        if (!wanted(s->conf->customer, customer_or_NULL)) {
            continue;
        }
        if (!first) {
            sw_buf_puts(out, ",");
        }
        first = false;
        service_json(st, s, false, out);
    }
    sw_buf_puts(out, "]");
}

/* Worst state of the services of a deployment (those with a state); false when none. */
static bool deployment_state(const struct sw_status *st, const struct sw_deployment_conf *d,
                             enum sw_state *ret)
{
    bool any = false;

    for (size_t i = 0; i < d->n_services; i++) {
        const struct sw_service_status *s = service_status(st, &d->services[i]);

        if (!s || !s->has_state) {
            continue;
        }
        if (!any || sw_state_rank(s->state) > sw_state_rank(*ret)) {
            *ret = s->state;
        }
        any = true;
    }
    return any;
}

static void jstate_opt(struct sw_buf *out, bool has, enum sw_state s)
{
    jstr(out, has ? sw_state_name(s) : NULL);
}

static void customers_json(const struct sw_status *st, const char *customer, bool tree,
                           struct sw_buf *out)
{
    const struct sw_config *cfg = st->cfg;
    bool first = true;

    sw_buf_puts(out, "[");
    for (size_t i = 0; i < cfg->n_customers; i++) {
        const struct sw_customer_conf *c = &cfg->customers[i];
        enum sw_state cstate = SW_OK;
        bool chas = false;

        if (!wanted(c, customer)) {
            continue;
        }
        for (size_t j = 0; j < c->n_deployments; j++) {
            enum sw_state ds = SW_OK;

            if (deployment_state(st, &c->deployments[j], &ds) &&
                (!chas || sw_state_rank(ds) > sw_state_rank(cstate))) {
                cstate = ds;
                chas = true;
            }
        }
        if (!first) {
            sw_buf_puts(out, ",");
        }
        first = false;
        sw_buf_puts(out, "{\"id\":");
        jstr(out, c->id);
        sw_buf_puts(out, ",\"name\":");
        jstr(out, c->name ? c->name : c->id);
        sw_buf_puts(out, ",\"state\":");
        jstate_opt(out, chas, cstate);
        sw_buf_puts(out, ",\"deployments\":[");
        for (size_t j = 0; j < c->n_deployments; j++) {
            const struct sw_deployment_conf *d = &c->deployments[j];
            enum sw_state ds = SW_OK;
            bool dhas = deployment_state(st, d, &ds);

            if (j > 0) {
                sw_buf_puts(out, ",");
            }
            sw_buf_puts(out, "{\"id\":");
            jstr(out, d->id);
            sw_buf_puts(out, ",\"path\":");
            jstr(out, d->path);
            sw_buf_puts(out, ",\"kind\":");
            jstr(out, sw_deployment_kind_name(d->kind));
            sw_buf_puts(out, ",\"region\":");
            jstr(out, d->region);
            sw_buf_puts(out, ",\"timezone\":");
            jstr(out, d->timezone);
            sw_buf_puts(out, ",\"state\":");
            jstate_opt(out, dhas, ds);
            if (!tree) {
                sw_buf_printf(out, ",\"services\":%zu}", d->n_services);
                continue;
            }
            sw_buf_puts(out, ",\"services\":[");
            for (size_t k = 0; k < d->n_services; k++) {
                const struct sw_service_status *s = service_status(st, &d->services[k]);

                if (k > 0) {
                    sw_buf_puts(out, ",");
                }
                if (s) {
                    service_json(st, s, true, out);
                } else {
                    sw_buf_puts(out, "null");
                }
            }
            sw_buf_puts(out, "]}");
        }
        sw_buf_puts(out, "]}");
    }
    sw_buf_puts(out, "]");
}

void sw_api_json_customers(const struct sw_status *st, const char *customer_or_NULL,
                           struct sw_buf *out)
{
    customers_json(st, customer_or_NULL, false, out);
}

void sw_api_json_tree(const struct sw_status *st, const char *customer_or_NULL, struct sw_buf *out)
{
    customers_json(st, customer_or_NULL, true, out);
}

void sw_api_json_history(const char *path, int64_t from, int64_t to, const struct sw_interval *v,
                         size_t n, struct sw_buf *out)
{
    sw_buf_puts(out, "{\"path\":");
    jstr(out, path);
    sw_buf_puts(out, ",\"from\":");
    jtime(out, from);
    sw_buf_puts(out, ",\"to\":");
    jtime(out, to);
    sw_buf_puts(out, ",\"intervals\":[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            sw_buf_puts(out, ",");
        }
        sw_buf_puts(out, "{\"start\":");
        jtime(out, v[i].start);
        sw_buf_puts(out, ",\"end\":");
        jtime(out, v[i].end);
        sw_buf_puts(out, ",\"state\":");
        jstr(out, sw_state_name(v[i].state));
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "]}");
}
