/* SPDX-License-Identifier: Apache-2.0 */
/* case.c: opening and working support cases over the store, each action checked against the
 * case's state and time line, and the contract's timers of a case. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "support/support.h"

#define TRIES 20

static void say(struct sw_buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct sw_buf *err, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        va_start(ap, fmt);
        sw_buf_vprintf(err, fmt, ap);
        va_end(ap);
    }
}

static int parse_id(const char *s, const char *prefix, int64_t *ret_id)
{
    size_t n = strlen(prefix);
    char *end;
    long long v;

    if (!s) {
        return -EINVAL;
    }
    if (strncasecmp(s, prefix, n) == 0) {
        s += n;
    }
    if (*s < '1' || *s > '9') {
        return -EINVAL;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0) {
        return -EINVAL;
    }
    *ret_id = v;
    return 0;
}

char *sw_case_name(int64_t id, char *out)
{
    snprintf(out, 24, "CASE-%" PRId64, id);
    return out;
}

int sw_case_parse_name(const char *s, int64_t *ret_id)
{
    return parse_id(s, "CASE-", ret_id);
}

char *sw_change_name(int64_t id, char *out)
{
    snprintf(out, 24, "CHG-%" PRId64, id);
    return out;
}

int sw_change_parse_name(const char *s, int64_t *ret_id)
{
    return parse_id(s, "CHG-", ret_id);
}

static const char *author(const struct sw_actor *who)
{
    return who->engineer ? who->engineer : who->customer ? "customer" : "stackward";
}

/* text of at most max bytes, UTF-8 without control characters but newline and tab */
static bool good_text(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= max && sw_str_is_text(s, n) && !strchr(s, '\r');
}

/* The time of an action: now when 0; never in the future. */
static int action_time(int64_t at, int64_t now, int64_t *ret, struct sw_buf *err)
{
    char t[SW_TIME_LEN];

    if (at > now) {
        say(err, "%s is in the future", sw_time_format(at, t));
        return -EINVAL;
    }
    *ret = at ? at : now;
    return 0;
}

/* "fra1" or "acme/fra1" of customer cu, as a full path into buf; NULL when unknown. */
static const char *full_path(const char *customer, const char *p, char *buf, size_t len)
{
    if (sw_str_has_prefix(p, customer) && p[strlen(customer)] == '/') {
        snprintf(buf, len, "%s", p);
    } else {
        snprintf(buf, len, "%s/%s", customer, p);
    }
    return buf;
}

int sw_case_open(struct sw_store *s, const struct sw_config *cfg, const struct sw_actor *who,
                 const struct sw_case_new *c, int64_t now, struct sw_buf *err, int64_t *ret_id)
{
    const struct sw_customer_conf *cu =
        c->customer ? sw_config_find_customer(cfg, c->customer) : NULL;
    struct sw_case_row row = {0};
    struct sw_case_event_row ev[2] = {{0}};
    char dep[512], svc[512], name[24];
    int64_t t;
    size_t n = 1;
    int r;

    if (!cu || (who->customer && strcmp(who->customer, cu->id) != 0)) {
        say(err, "no customer '%s'", c->customer ? c->customer : "");
        return -EINVAL;
    }
    if (who->engineer && !sw_config_find_engineer(cfg, who->engineer)) {
        say(err, "no engineer '%s'", who->engineer);
        return -EINVAL;
    }
    if (c->severity < 1 || c->severity > 4) {
        say(err, "severity must be 1, 2, 3 or 4");
        return -EINVAL;
    }
    if (!good_text(c->title, SW_CASE_TITLE_MAX) || strchr(c->title, '\n')) {
        say(err, "a title is one line of 1 to %d bytes of text", SW_CASE_TITLE_MAX);
        return -EINVAL;
    }
    if (c->description && !good_text(c->description, SW_CASE_TEXT_MAX)) {
        say(err, "a description is 1 to %d bytes of text", SW_CASE_TEXT_MAX);
        return -EINVAL;
    }
    if (c->deployment &&
        !sw_config_find_deployment(cfg, full_path(cu->id, c->deployment, dep, sizeof(dep)))) {
        say(err, "no deployment '%s' of customer %s", c->deployment, cu->id);
        return -EINVAL;
    }
    if (c->service) {
        const struct sw_service_conf *sc =
            sw_config_find_service(cfg, full_path(cu->id, c->service, svc, sizeof(svc)));
        if (!sc || sc->customer != cu) {
            say(err, "no service '%s' of customer %s", c->service, cu->id);
            return -EINVAL;
        }
        if (c->deployment && strcmp(sc->deployment->path, dep) != 0) {
            say(err, "service %s is not in deployment %s", svc, dep);
            return -EINVAL;
        }
        snprintf(dep, sizeof(dep), "%s", sc->deployment->path);
    }
    r = action_time(c->at, now, &t, err);
    if (r < 0) {
        return r;
    }
    row.customer = (char *)cu->id;
    row.deployment = c->deployment || c->service ? dep : NULL;
    row.service = c->service ? svc : NULL;
    row.severity = c->severity;
    row.title = (char *)c->title;
    row.description = (char *)c->description;
    row.status = SW_CASE_NEW;
    row.opened_by = (char *)author(who);
    row.created = t;
    row.last_event = t;
    row.incident = c->incident;
    ev[0] = (struct sw_case_event_row){
        .t = t, .kind = SW_CASE_EV_CREATED, .status = SW_CASE_NEW, .author = row.opened_by};
    if (c->incident) {
        ev[1] = (struct sw_case_event_row){.t = t,
                                           .kind = SW_CASE_EV_LINK,
                                           .status = -1,
                                           .author = "stackward",
                                           .text = sw_xasprintf("INC-%" PRId64, c->incident)};
        n = 2;
    }
    r = sw_store_case_write(s, &row, ev, n, ret_id);
    free(ev[1].text);
    if (r == -EEXIST) {
        say(err, "INC-%" PRId64 " already has its case", c->incident);
    } else if (r < 0) {
        say(err, "cannot write the case");
    } else {
        sw_debug("cases: %s opened for %s", sw_case_name(*ret_id, name), cu->id);
    }
    return r;
}

/* What one action appends, and how it changes the row. */
struct plan {
    struct sw_case_event_row ev[2];
    size_t n;
};

static void plan_add(struct plan *p, int64_t t, int kind, int status, const char *who,
                     const char *text)
{
    p->ev[p->n++] = (struct sw_case_event_row){
        .t = t, .kind = kind, .status = status, .author = (char *)who, .text = (char *)text};
}

static int decide(const struct sw_config *cfg, const struct sw_actor *who, struct sw_case_row *c,
                  const struct sw_case_action *a, int64_t t, struct plan *p, struct sw_buf *err)
{
    const char *me = author(who);
    char name[24];

    sw_case_name(c->id, name);
    if (c->status == SW_CASE_CLOSED && a->verb != SW_CASE_STATUS) {
        say(err, "%s is closed: re-open it first", name);
        return -EINVAL;
    }
    switch (a->verb) {
    case SW_CASE_RESPOND:
    case SW_CASE_COMMENT:
    case SW_CASE_INTERNAL:
        if (!good_text(a->text, SW_CASE_TEXT_MAX)) {
            say(err, "a comment is 1 to %d bytes of text", SW_CASE_TEXT_MAX);
            return -EINVAL;
        }
        if (who->customer && a->verb != SW_CASE_COMMENT) {
            say(err, "a customer comments; responses and internal comments are the team's");
            return -EINVAL;
        }
        if (a->verb == SW_CASE_INTERNAL) {
            plan_add(p, t, SW_CASE_EV_INTERNAL, -1, me, a->text);
        } else if (who->customer) {
            plan_add(p, t, SW_CASE_EV_CUSTOMER_REPLY, -1, me, a->text);
            if (c->status == SW_CASE_WAITING) {
                plan_add(p, t, SW_CASE_EV_STATUS, SW_CASE_OPEN, me, NULL);
                c->status = SW_CASE_OPEN;
            }
        } else {
            plan_add(p, t, SW_CASE_EV_AGENT_REPLY, -1, me, a->text);
            if (a->verb == SW_CASE_RESPOND && c->status == SW_CASE_NEW) {
                plan_add(p, t, SW_CASE_EV_STATUS, SW_CASE_OPEN, me, NULL);
                c->status = SW_CASE_OPEN;
            }
        }
        return 0;
    case SW_CASE_STATUS:
        if (who->customer) {
            say(err, "the team sets a case's status; a customer comments");
            return -EINVAL;
        }
        if ((unsigned)a->status >= SW_CASE_STATUS_COUNT) {
            say(err, "no such status");
            return -EINVAL;
        }
        if ((int)a->status == c->status) {
            say(err, "%s is already %s", name, sw_case_status_name(a->status));
            return -EINVAL;
        }
        if (!sw_case_status_active(c->status) && sw_case_status_active(a->status)) {
            plan_add(p, t, SW_CASE_EV_REOPEN, a->status, me, NULL);
            c->reopened++;
        } else if (c->status == SW_CASE_CLOSED) {
            say(err, "%s is closed: it can only be re-opened", name);
            return -EINVAL;
        } else {
            plan_add(p, t, SW_CASE_EV_STATUS, a->status, me, NULL);
        }
        c->status = a->status;
        return 0;
    case SW_CASE_ASSIGN:
        if (who->customer) {
            say(err, "the team assigns cases");
            return -EINVAL;
        }
        if (!a->text || !sw_config_find_engineer(cfg, a->text)) {
            say(err, "no engineer '%s'", a->text ? a->text : "");
            return -EINVAL;
        }
        plan_add(p, t, SW_CASE_EV_ASSIGN, -1, me, a->text);
        free(c->assignee);
        c->assignee = sw_xstrdup(a->text);
        return 0;
    case SW_CASE_LINK:
        /* checked by the caller against the store: here only who may */
        if (who->customer) {
            say(err, "the team links cases to incidents");
            return -EINVAL;
        }
        plan_add(p, t, SW_CASE_EV_LINK, -1, me, a->text);
        return 0;
    }
    say(err, "no such action");
    return -EINVAL;
}

int sw_case_act(struct sw_store *s, const struct sw_config *cfg, const struct sw_actor *who,
                int64_t id, const struct sw_case_action *a, int64_t now, struct sw_buf *err)
{
    struct sw_case_action linked;
    char name[24], t1[SW_TIME_LEN], t2[SW_TIME_LEN], link[32];
    int r = -ESTALE;

    sw_case_name(id, name);
    if (who->engineer && !sw_config_find_engineer(cfg, who->engineer)) {
        say(err, "no engineer '%s'", who->engineer);
        return -EINVAL;
    }
    if (a->verb == SW_CASE_LINK) {
        struct sw_incident inc;
        int64_t iid;
        if (!a->text || sw_inc_id_parse(a->text, &iid) < 0 ||
            sw_store_incident_get(s, iid, &inc) < 0) {
            say(err, "no incident '%s'", a->text ? a->text : "");
            return -EINVAL;
        }
        sw_incident_release(&inc);
        snprintf(link, sizeof(link), "INC-%" PRId64, iid); /* "42" is kept as "INC-42" */
        linked = *a;
        linked.text = link;
        a = &linked;
    }
    for (int i = 0; i < TRIES && r == -ESTALE; i++) {
        struct sw_case_row c;
        struct plan p = {.n = 0};
        int64_t t;

        r = sw_store_case_get(s, id, &c);
        if (r == -ENOENT || (r == 0 && who->customer && strcmp(c.customer, who->customer))) {
            if (r == 0) {
                sw_case_row_release(&c);
            }
            say(err, "no case %s", name);
            return -ENOENT;
        }
        if (r < 0) {
            say(err, "%s: cannot read the case", name);
            return r;
        }
        r = action_time(a->at, now, &t, err);
        if (r == 0 && t < c.last_event) {
            say(err, "%s is before %s's last event (%s)", sw_time_format(t, t1), name,
                sw_time_format(c.last_event, t2));
            r = -EINVAL;
        }
        if (r == 0) {
            r = decide(cfg, who, &c, a, t, &p, err);
        }
        if (r == 0) {
            c.last_event = t;
            r = sw_store_case_write(s, &c, p.ev, p.n, NULL);
        }
        sw_case_row_release(&c);
    }
    if (r == -ESTALE || r == -EIO) {
        say(err, "%s: cannot write the case", name);
        return -EIO;
    }
    return r;
}

int sw_case_for_incident(struct sw_store *s, const struct sw_config *cfg,
                         const struct sw_incident *inc, int64_t now)
{
    const struct sw_customer_conf *cu = sw_config_find_customer(cfg, inc->customer);
    struct sw_actor who = {0};
    struct sw_case_new c = {.customer = inc->customer,
                            .service = inc->service,
                            .severity = 1,
                            .title = inc->title,
                            .description = inc->output,
                            .at = 0,
                            .incident = inc->id};
    struct sw_buf err;
    int64_t id;
    int r;

    if (!cu || !cu->contract || !cu->contract->auto_case_on_incident) {
        return 0;
    }
    if (!sw_config_find_service(cfg, inc->service)) {
        c.service = NULL;
    }
    if (c.description && !*c.description) {
        c.description = NULL;
    }
    sw_buf_init(&err);
    r = sw_case_open(s, cfg, &who, &c, now, &err, &id);
    if (r == -EEXIST) {
        r = 0;
    } else if (r == 0) {
        char n1[24];
        sw_info("cases: %s opened for INC-%" PRId64, sw_case_name(id, n1), inc->id);
    } else {
        sw_warn("cases: no case for INC-%" PRId64 ": %s", inc->id, err.data ? err.data : "");
    }
    sw_buf_release(&err);
    return r == -EINVAL ? 0 : r;
}

/* ---- timers ---- */

void sw_case_timers_release(struct sw_case_timers *t)
{
    for (int i = 0; i < SW_CASE_METRIC_COUNT; i++) {
        if (t->have[i]) {
            sw_case_timer_release(&t->t[i]);
        }
    }
    memset(t, 0, sizeof(*t));
}

int sw_case_timers(const struct sw_config *cfg, const struct sw_case_row *c,
                   const struct sw_case_event_row *ev, size_t n, int64_t now,
                   struct sw_case_timers *ret, struct sw_buf *err)
{
    const struct sw_customer_conf *cu = sw_config_find_customer(cfg, c->customer);
    const struct sw_contract_conf *ct = cu ? cu->contract : NULL;
    const struct sw_support_conf *terms = sw_config_support_for(ct, c->severity);
    struct sw_case_event *v;
    size_t k = 0;
    char msg[256];
    int r = 0;

    memset(ret, 0, sizeof(*ret));
    ret->terms = terms;
    if (!terms) {
        return 0;
    }
    v = sw_xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind >= SW_CASE_EV_CREATED && ev[i].kind <= SW_CASE_EV_REOPEN) {
            v[k].t = ev[i].t;
            v[k].kind = (enum sw_case_event_kind)ev[i].kind;
            v[k].status = ev[i].status >= 0 ? (enum sw_case_status)ev[i].status : SW_CASE_NEW;
            k++;
        }
    }
    for (int m = 0; m < SW_CASE_METRIC_COUNT && r == 0; m++) {
        int64_t goal = m == SW_CASE_FIRST_RESPONSE ? terms->first_response_s
                       : m == SW_CASE_RESOLUTION   ? terms->resolution_s
                                                   : terms->update_s;
        struct sw_case_goal g;
        if (goal <= 0) {
            continue;
        }
        sw_case_goal_init(&g, (enum sw_case_metric)m, goal, &terms->calendar->cal);
        g.warn_ppm = ct->warn_ppm ? ct->warn_ppm : SW_CASE_WARN_DEFAULT_PPM;
        sw_case_timer_init(&ret->t[m]);
        ret->have[m] = true;
        r = sw_case_timer_compute(&g, v, k, now, &ret->t[m], msg, sizeof(msg));
        if (r < 0) {
            say(err, "CASE-%" PRId64 ": %s timer: %s", c->id,
                sw_case_metric_name((enum sw_case_metric)m), msg);
        }
    }
    free(v);
    if (r < 0) {
        sw_case_timers_release(ret);
    }
    return r;
}

/* "INC-42" or "42". */
int sw_inc_id_parse(const char *s, int64_t *ret_id)
{
    return parse_id(s, "INC-", ret_id);
}

/* ---- warnings and breaches ---- */

static const char *metric_text(int m)
{
    return m == SW_CASE_FIRST_RESPONSE ? "first response"
           : m == SW_CASE_RESOLUTION   ? "resolution"
                                       : "update";
}

static bool recorded(const struct sw_case_event_row *ev, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind == SW_CASE_EV_INTERNAL && ev[i].text &&
            sw_str_has_prefix(ev[i].text, prefix)) {
            return true;
        }
    }
    return false;
}

/* The events one case's timers call for now, appended to p (texts owned by the caller). */
static size_t watch_case(const struct sw_config *cfg, const struct sw_case_row *c,
                         const struct sw_case_event_row *ev, size_t n, int64_t now, char **texts,
                         int64_t *times, size_t *n_texts, size_t *warnings, size_t *breaches)
{
    struct sw_case_timers tm;
    size_t added = 0;

    if (sw_case_timers(cfg, c, ev, n, now, &tm, NULL) < 0) {
        return 0;
    }
    for (int m = 0; m < SW_CASE_METRIC_COUNT; m++) {
        const struct sw_case_timer *t = &tm.t[m];
        const struct sw_case_cycle *cy = t->n_cycles ? &t->cycles[t->n_cycles - 1] : NULL;
        char prefix[96], d[32], due[SW_TIME_LEN];
        if (!tm.have[m] || !cy || !cy->running) {
            continue;
        }
        sw_duration_format(t->goal_s * 1000, d);
        sw_time_format(cy->due, due);
        if (cy->breached) {
            snprintf(prefix, sizeof(prefix), "breach: %s (cycle %zu)", metric_text(m), t->n_cycles);
            if (!recorded(ev, n, prefix)) {
                times[*n_texts] = cy->due < now ? cy->due : now;
                texts[(*n_texts)++] = sw_xasprintf("%s missed its %s goal, due %s", prefix, d, due);
                (*breaches)++;
                added++;
            }
        } else if (cy->warned) {
            snprintf(prefix, sizeof(prefix), "warning: %s (cycle %zu)", metric_text(m),
                     t->n_cycles);
            if (!recorded(ev, n, prefix)) {
                times[*n_texts] = cy->warn_at < now ? cy->warn_at : now;
                texts[(*n_texts)++] =
                    sw_xasprintf("%s has used %u%% of its %s goal, due %s", prefix,
                                 (unsigned)((t->warn_s * 100 + t->goal_s - 1) / t->goal_s), d, due);
                (*warnings)++;
                added++;
            }
        }
    }
    sw_case_timers_release(&tm);
    return added;
}

int sw_case_watch(struct sw_store *s, const struct sw_config *cfg, int64_t now,
                  size_t *ret_warnings, size_t *ret_breaches, sw_case_watch_fn fn, void *arg)
{
    struct sw_case_filter f = {.open_only = true};
    struct sw_case_row *v = NULL;
    size_t n = 0, warnings = 0, breaches = 0;
    int r = sw_store_case_list(s, &f, &v, &n);

    for (size_t i = 0; r == 0 && i < n; i++) {
        struct sw_case_event_row *ev = NULL, rows[SW_CASE_METRIC_COUNT];
        char *texts[SW_CASE_METRIC_COUNT];
        int64_t times[SW_CASE_METRIC_COUNT];
        size_t n_ev = 0, k = 0;

        r = sw_store_case_events(s, v[i].id, &ev, &n_ev);
        if (r == 0 &&
            watch_case(cfg, &v[i], ev, n_ev, now, texts, times, &k, &warnings, &breaches)) {
            char name[24];
            /* at the instant it happened: a history brought over later still fits after it */
            for (size_t j = 0; j < k; j++) {
                rows[j] = (struct sw_case_event_row){.t = times[j],
                                                     .kind = SW_CASE_EV_INTERNAL,
                                                     .status = -1,
                                                     .author = "stackward",
                                                     .text = texts[j]};
                sw_warn("cases: %s: %s", sw_case_name(v[i].id, name), texts[j]);
                if (times[j] > v[i].last_event) {
                    v[i].last_event = times[j];
                }
            }
            r = sw_store_case_write(s, &v[i], rows, k, NULL);
            for (size_t j = 0; r == 0 && fn && j < k; j++) {
                fn(arg, &v[i], sw_str_has_prefix(texts[j], "breach:"), texts[j], times[j]);
            }
            if (r == -ESTALE) {
                r = 0; /* someone acted on it meanwhile: the next watch looks again */
            }
            for (size_t j = 0; j < k; j++) {
                free(texts[j]);
            }
        }
        sw_case_event_rows_free(ev, n_ev);
    }
    sw_case_rows_free(v, n);
    if (ret_warnings) {
        *ret_warnings = warnings;
    }
    if (ret_breaches) {
        *ret_breaches = breaches;
    }
    return r < 0 ? -EIO : 0;
}

bool sw_case_needs_attention(const struct sw_config *cfg, const struct sw_case_row *c,
                             const struct sw_case_event_row *ev, size_t n, int64_t now)
{
    struct sw_case_timers tm;
    bool needs = false;

    if (!sw_case_status_active((enum sw_case_status)c->status) ||
        sw_case_timers(cfg, c, ev, n, now, &tm, NULL) < 0) {
        return false;
    }
    for (int m = 0; m < SW_CASE_METRIC_COUNT; m++) {
        const struct sw_case_timer *t = &tm.t[m];
        const struct sw_case_cycle *cy = t->n_cycles ? &t->cycles[t->n_cycles - 1] : NULL;
        needs |= tm.have[m] && cy && cy->running && (cy->warned || cy->breached);
    }
    sw_case_timers_release(&tm);
    return needs;
}
