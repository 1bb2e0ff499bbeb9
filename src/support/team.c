/* SPDX-License-Identifier: Apache-2.0 */
/* team.c: the manager's view. Reads what the team did in a period and the one before it
 * (incidents, the pages they sent, on-call shifts from the rotations, cases with their timers
 * as they stood at the period's end, changes, SLA statements) and hands them to the pure
 * indicators of health.h, then judges each against the configured thresholds. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "ops/ops.h"
#include "support/support.h"

/* What is read once for both periods. */
struct data {
    struct sw_incident *inc;
    size_t n_inc;
    struct sw_health_incident *hinc;
    char (*inc_ids)[24];
    char **caused; /* per incident: the id of the change it failed, or NULL (owned) */
    struct sw_notification **nrows; /* per incident: its notifications */
    size_t *n_nrows;
    struct sw_health_notification *nt;
    size_t n_nt;
    struct sw_health_engineer *eng;
    struct sw_health_window *win;
    size_t n_eng;
    struct sw_health_shift *sh;
    size_t n_sh;
    struct sw_shift_list shifts;
    struct sw_case_row *cases;
    size_t n_cases;
    struct sw_case_event_row **cev;
    size_t *n_cev;
    char (*case_ids)[24];
    struct sw_change_row *ch;
    size_t n_ch;
    struct sw_health_change *hch;
    char (*ch_ids)[24];
};

static void data_release(struct data *d)
{
    for (size_t i = 0; i < d->n_inc; i++) {
        if (d->nrows) {
            sw_notifications_free(d->nrows[i], d->n_nrows[i]);
        }
        if (d->caused) {
            free(d->caused[i]);
        }
    }
    free(d->nrows);
    free(d->n_nrows);
    free(d->caused);
    sw_incidents_free(d->inc, d->n_inc);
    free(d->hinc);
    free(d->inc_ids);
    free(d->nt);
    free(d->eng);
    free(d->win);
    free(d->sh);
    sw_shift_list_release(&d->shifts);
    for (size_t i = 0; i < d->n_cases; i++) {
        sw_case_event_rows_free(d->cev[i], d->n_cev[i]);
    }
    free(d->cev);
    free(d->n_cev);
    free(d->case_ids);
    sw_case_rows_free(d->cases, d->n_cases);
    sw_change_rows_free(d->ch, d->n_ch);
    free(d->hch);
    free(d->ch_ids);
}

static enum sw_health_channel channel_kind(const struct sw_config *cfg, const char *id)
{
    const struct sw_channel_conf *c = sw_config_find_channel(cfg, id);

    if (!c) {
        return SW_HEALTH_PUSH;
    }
    switch (c->type) {
    case SW_CHANNEL_EMAIL:
        return SW_HEALTH_EMAIL;
    case SW_CHANNEL_COMMAND:
        return SW_HEALTH_SMS;
    default:
        return c->format == SW_WEBHOOK_SLACK ? SW_HEALTH_CHAT : SW_HEALTH_PUSH;
    }
}

static int read_data(struct sw_store *s, const struct sw_config *cfg, int64_t lo, int64_t hi,
                     const char *engineer, struct data *d, struct sw_buf *err)
{
    struct sw_inc_filter f = {.opened_to = hi};
    struct sw_case_filter cf = {.created_to = hi};
    size_t cap = 0, n_win = 0;
    int r;

    /* incidents (all opened before hi: backlog and change failures look back) and pages */
    r = sw_store_incident_list(s, &f, &d->inc, &d->n_inc);
    if (r < 0) {
        sw_buf_printf(err, "cannot read the incidents");
        return r;
    }
    d->hinc = sw_xcalloc(d->n_inc + 1, sizeof(*d->hinc));
    d->inc_ids = sw_xcalloc(d->n_inc + 1, sizeof(*d->inc_ids));
    d->caused = sw_xcalloc(d->n_inc + 1, sizeof(*d->caused));
    d->nrows = sw_xcalloc(d->n_inc + 1, sizeof(*d->nrows));
    d->n_nrows = sw_xcalloc(d->n_inc + 1, sizeof(*d->n_nrows));
    for (size_t i = 0; i < d->n_inc; i++) {
        const struct sw_incident *x = &d->inc[i];
        struct sw_health_incident *h = &d->hinc[i];
        snprintf(d->inc_ids[i], sizeof(d->inc_ids[i]), "INC-%" PRId64, x->id);
        h->id = d->inc_ids[i];
        h->customer = x->customer;
        h->deployment = x->deployment;
        h->service = x->service;
        h->severity = x->severity;
        h->triggered_at = x->opened;
        h->acked_at = x->acked;
        h->resolved_at = x->resolved;
        h->mitigated_at = x->recovered ? x->recovered : x->resolved;
        if (x->opened < lo) {
            continue; /* its pages fall before both periods */
        }
        r = sw_store_incident_notifications(s, x->id, &d->nrows[i], &d->n_nrows[i]);
        if (r < 0) {
            sw_buf_printf(err, "cannot read the notifications");
            return r;
        }
        for (size_t j = 0; j < d->n_nrows[i]; j++) {
            const struct sw_notification *n = &d->nrows[i][j];
            if (n->kind != SW_NOTIF_TRIGGER || n->status != SW_NOTIF_SENT || !n->engineer ||
                !sw_config_find_engineer(cfg, n->engineer) ||
                (engineer && strcmp(engineer, n->engineer) != 0)) {
                continue;
            }
            sw_xgrow((void **)&d->nt, &cap, d->n_nt + 1, sizeof(*d->nt));
            d->nt[d->n_nt++] =
                (struct sw_health_notification){.incident = h->id,
                                                .engineer = n->engineer,
                                                .t = n->sent,
                                                .channel = channel_kind(cfg, n->channel)};
        }
    }

    /* engineers and their working hours */
    d->eng = sw_xcalloc(cfg->n_engineers + 1, sizeof(*d->eng));
    d->win = sw_xcalloc(cfg->n_engineers * 7 + 1, sizeof(*d->win));
    for (size_t i = 0; i < cfg->n_engineers; i++) {
        const struct sw_engineer_conf *e = &cfg->engineers[i];
        struct sw_health_engineer *h = &d->eng[d->n_eng++];
        h->id = e->id;
        h->tz = e->timezone ? e->timezone : "UTC";
        h->hours = &d->win[n_win];
        for (int wd = 0; e->has_working_hours && wd < 7; wd++) {
            if (e->work_days & (1u << wd)) {
                d->win[n_win++] = (struct sw_health_window){wd, e->work_start_s, e->work_end_s};
                h->n_hours++;
            }
        }
    }

    /* on-call shifts of every rotation over [lo, hi) */
    sw_shift_list_init(&d->shifts);
    for (size_t i = 0; i < cfg->n_rotations; i++) {
        r = sw_rotation_shifts(&cfg->rotations[i], lo, hi, &d->shifts);
        if (r < 0) {
            sw_buf_printf(err, "cannot list the shifts of rotation %s", cfg->rotations[i].id);
            return r;
        }
    }
    d->sh = sw_xcalloc(d->shifts.n + 1, sizeof(*d->sh));
    for (size_t i = 0; i < d->shifts.n; i++) {
        const struct sw_shift *x = &d->shifts.v[i];
        if (engineer && strcmp(engineer, x->engineer) != 0) {
            continue;
        }
        d->sh[d->n_sh++] =
            (struct sw_health_shift){x->engineer, x->start, x->end, SW_HEALTH_PRIMARY};
    }

    /* cases with their events */
    r = sw_store_case_list(s, &cf, &d->cases, &d->n_cases);
    if (r < 0) {
        sw_buf_printf(err, "cannot read the cases");
        return r;
    }
    d->cev = sw_xcalloc(d->n_cases + 1, sizeof(*d->cev));
    d->n_cev = sw_xcalloc(d->n_cases + 1, sizeof(*d->n_cev));
    d->case_ids = sw_xcalloc(d->n_cases + 1, sizeof(*d->case_ids));
    for (size_t i = 0; i < d->n_cases; i++) {
        sw_case_name(d->cases[i].id, d->case_ids[i]);
        r = sw_store_case_events(s, d->cases[i].id, &d->cev[i], &d->n_cev[i]);
        if (r < 0) {
            sw_buf_printf(err, "cannot read the cases");
            return r;
        }
    }

    /* changes, and the incidents each one failed */
    r = sw_store_change_list(s, 0, hi, NULL, &d->ch, &d->n_ch);
    if (r < 0) {
        sw_buf_printf(err, "cannot read the changes");
        return r;
    }
    d->hch = sw_xcalloc(d->n_ch + 1, sizeof(*d->hch));
    d->ch_ids = sw_xcalloc(d->n_ch + 1, sizeof(*d->ch_ids));
    for (size_t i = 0; i < d->n_ch; i++) {
        const struct sw_change_row *c = &d->ch[i];
        sw_change_name(c->id, d->ch_ids[i]);
        d->hch[i] = (struct sw_health_change){.id = d->ch_ids[i],
                                              .customer = c->customer,
                                              .deployment = c->deployment,
                                              .t = c->finished ? c->finished : c->started,
                                              .success = c->result != 1};
    }
    return 0;
}

/* A case as it stood at `at`: its events before then, its timers then. */
static bool case_at(const struct sw_config *cfg, const struct data *d, size_t i, int64_t at,
                    struct sw_health_case *ret)
{
    const struct sw_case_row *c = &d->cases[i];
    struct sw_case_row v = *c;
    struct sw_case_timers tm;
    size_t n = 0;

    if (c->created > at) {
        return false;
    }
    while (n < d->n_cev[i] && d->cev[i][n].t <= at) {
        n++;
    }
    memset(ret, 0, sizeof(*ret));
    ret->id = d->case_ids[i];
    ret->customer = c->customer;
    ret->assignee = c->assignee;
    ret->severity = c->severity;
    ret->created = c->created;
    ret->first_response = SW_HEALTH_PENDING;
    ret->resolution = SW_HEALTH_PENDING;
    v.status = SW_CASE_NEW;
    for (size_t k = 0; k < n; k++) {
        const struct sw_case_event_row *e = &d->cev[i][k];
        if (e->status >= 0) {
            if (!sw_case_status_active((enum sw_case_status)e->status)) {
                if (sw_case_status_active((enum sw_case_status)v.status)) {
                    ret->resolved_at = e->t;
                }
            } else {
                ret->resolved_at = 0;
            }
            v.status = e->status;
        }
        ret->reopened += e->kind == SW_CASE_EV_REOPEN;
    }
    if (sw_case_timers(cfg, &v, d->cev[i], n, at, &tm, NULL) == 0) {
        for (int m = 0; m < 2; m++) {
            const struct sw_case_timer *t = &tm.t[m];
            const struct sw_case_cycle *cy = t->n_cycles ? &t->cycles[t->n_cycles - 1] : NULL;
            enum sw_health_met *out =
                m == SW_CASE_FIRST_RESPONSE ? &ret->first_response : &ret->resolution;
            if (!tm.have[m] || !cy) {
                continue;
            }
            *out = cy->breached  ? SW_HEALTH_MISSED
                   : cy->running ? SW_HEALTH_PENDING
                                 : SW_HEALTH_MET;
        }
        sw_case_timers_release(&tm);
    }
    return true;
}

struct period {
    bool has[SW_HEALTH_INDICATORS];
    int64_t v[SW_HEALTH_INDICATORS];
    struct sw_health_mttx mttx;
    struct sw_health_interrupts pages;
    struct sw_health_shifts shifts;
    struct sw_health_cases cases;
    struct sw_health_backlog backlog;
    struct sw_health_balance balance;
    struct sw_health_person_load *per;
    struct sw_health_delivery delivery;
    size_t objectives;
    size_t objectives_met;
    struct sw_health_shift_load *shift_loads; /* per shift of data.sh */
    size_t *cust_objectives;                  /* per customer of the config */
    size_t *cust_met;
};

static void set(struct period *p, enum sw_health_indicator i, bool has, int64_t v)
{
    p->has[i] = has;
    p->v[i] = has ? v : 0;
}

static int compute(struct sw_store *s, struct sw_config *cfg, const struct data *d, int64_t from,
                   int64_t to, int64_t now, const char *engineer, struct period *p,
                   struct sw_buf *err)
{
    struct sw_health_case *cs = sw_xcalloc(d->n_cases + 1, sizeof(*cs));
    /* the last instant of the period that has happened: its end (excluded) or now */
    int64_t at = to <= now ? to - 1 : now;
    size_t n_cs = 0;
    int r;

    for (size_t i = 0; i < d->n_cases; i++) {
        if ((!engineer || (d->cases[i].assignee && !strcmp(engineer, d->cases[i].assignee))) &&
            case_at(cfg, d, i, at, &cs[n_cs])) {
            n_cs++;
        }
    }
    p->per = sw_xcalloc(d->n_eng + 1, sizeof(*p->per));
    p->shift_loads = sw_xcalloc(d->n_sh + 1, sizeof(*p->shift_loads));
    p->cust_objectives = sw_xcalloc(cfg->n_customers + 1, sizeof(*p->cust_objectives));
    p->cust_met = sw_xcalloc(cfg->n_customers + 1, sizeof(*p->cust_met));
    r = sw_health_mttx(d->hinc, d->n_inc, from, to, NULL, &p->mttx);
    if (r == 0) {
        r = sw_health_interrupts(d->nt, d->n_nt, d->eng, d->n_eng, from, to, &p->pages, NULL);
    }
    if (r == 0) {
        r = sw_health_shifts(d->sh, d->n_sh, d->nt, d->n_nt, d->eng, d->n_eng, from, to, &p->shifts,
                             p->shift_loads);
    }
    if (r == 0) {
        r = sw_health_cases(cs, n_cs, from, to, &p->cases);
    }
    if (r == 0) {
        r = sw_health_backlog(cs, n_cs, at, &p->backlog);
    }
    if (r == 0) {
        r = sw_health_balance(d->eng, d->n_eng, d->sh, d->n_sh, d->nt, d->n_nt, cs, n_cs, from, to,
                              &p->balance, p->per);
    }
    if (r == 0) {
        r = sw_health_delivery(d->hch, d->n_ch, d->hinc, d->n_inc, cfg->change_failure_window_s,
                               from, to, &p->delivery);
    }
    free(cs);
    if (r < 0) {
        sw_buf_printf(err, "cannot compute the indicators: %s", strerror(-r));
        return r;
    }
    for (size_t i = 0; i < cfg->n_customers; i++) {
        struct sw_statement *st = NULL;
        if (!cfg->customers[i].contract || !cfg->customers[i].contract->n_objectives) {
            continue;
        }
        if (sw_account_statement(cfg, s, cfg->customers[i].id, from, to, now, NULL, false, NULL,
                                 &st) == 0) {
            for (size_t k = 0; k < st->n_lines; k++) {
                if (st->lines[k].r.defined) { /* no eligible time: neither met nor missed */
                    p->objectives++;
                    p->objectives_met += st->lines[k].r.met;
                    p->cust_objectives[i]++;
                    p->cust_met[i] += st->lines[k].r.met;
                }
            }
            sw_statement_free(st);
        }
    }
    set(p, SW_HEALTH_MTTA, p->mttx.all.tta.n > 0, p->mttx.all.tta.median);
    set(p, SW_HEALTH_MTTM, p->mttx.all.ttm.n > 0, p->mttx.all.ttm.median);
    set(p, SW_HEALTH_MTTR, p->mttx.all.ttr.n > 0, p->mttx.all.ttr.median);
    set(p, SW_HEALTH_AFTER_HOURS, p->pages.total > 0, p->pages.after_hours_ppm);
    set(p, SW_HEALTH_OUTSIDE_HOURS, p->pages.total > 0, p->pages.outside_hours_ppm);
    set(p, SW_HEALTH_INCIDENTS_PER_SHIFT, p->shifts.oncall_s > 0, p->shifts.per12h_milli);
    set(p, SW_HEALTH_SHIFT_BREACHES, p->shifts.shifts > 0, (int64_t)p->shifts.breaches);
    set(p, SW_HEALTH_ONCALL_LOAD, p->balance.engineers > 0 && d->n_sh > 0,
        p->balance.max_oncall_ppm);
    set(p, SW_HEALTH_UNEVENNESS, p->balance.pages + p->balance.cases > 0, p->balance.cv_ppm);
    set(p, SW_HEALTH_FIRST_RESPONSE, p->cases.all.fr_defined, p->cases.all.fr_ppm);
    set(p, SW_HEALTH_RESOLUTION, p->cases.all.res_defined, p->cases.all.res_ppm);
    set(p, SW_HEALTH_BACKLOG_SIZE, true, (int64_t)p->backlog.open);
    set(p, SW_HEALTH_BACKLOG_AGE, p->backlog.open > 0, p->backlog.age.p90);
    set(p, SW_HEALTH_REOPEN_RATE, p->cases.resolved_ever > 0, p->cases.reopen_ppm);
    set(p, SW_HEALTH_SLA_MET, p->objectives > 0, sw_health_ppm(p->objectives_met, p->objectives));
    set(p, SW_HEALTH_CHANGE_FREQUENCY, p->delivery.changes > 0, p->delivery.bucket);
    set(p, SW_HEALTH_CHANGE_FAILURE, p->delivery.changes > 0, p->delivery.failure_ppm);
    set(p, SW_HEALTH_TIME_TO_RESTORE, p->delivery.restore.n > 0, p->delivery.restore.median);
    set(p, SW_HEALTH_LEAD_TIME, p->delivery.lead.n > 0, p->delivery.lead.median);
    return 0;
}

static void period_release(struct period *p)
{
    sw_health_cases_release(&p->cases);
    free(p->per);
    free(p->shift_loads);
    free(p->cust_objectives);
    free(p->cust_met);
}

static void stats_json(const char *key, const struct sw_health_stats *st, struct sw_buf *out)
{
    sw_buf_printf(out, "\"%s\": {\"n\": %zu", key, st->n);
    if (st->n) {
        sw_buf_printf(out, ", \"median_s\": %" PRId64 ", \"p90_s\": %" PRId64 "}", st->median,
                      st->p90);
    } else {
        sw_buf_puts(out, ", \"median_s\": null, \"p90_s\": null}");
    }
}

static void compliance_json(const struct sw_health_compliance *c, struct sw_buf *out)
{
    sw_buf_printf(out,
                  "{\"cases\": %zu, \"first_response_met\": %zu, \"first_response_missed\": %zu",
                  c->cases, c->fr_met, c->fr_missed);
    sw_buf_printf(out, ", \"resolution_met\": %zu, \"resolution_missed\": %zu}", c->res_met,
                  c->res_missed);
}

/* The numbers behind the indicators, broken down as a manager asks for them. */
static void details_json(const struct sw_config *cfg, const struct data *d, const struct period *p,
                         struct sw_buf *out)
{
    char t1[SW_TIME_LEN], t2[SW_TIME_LEN];

    sw_buf_puts(out, ", \"by_severity\": [");
    for (int i = 0; i < SW_HEALTH_SEVERITIES; i++) {
        sw_buf_printf(out, "%s{\"severity\": %d, ", i ? ", " : "", i + 1);
        stats_json("tta", &p->mttx.sev[i].tta, out);
        sw_buf_puts(out, ", ");
        stats_json("ttr", &p->mttx.sev[i].ttr, out);
        sw_buf_puts(out, ", \"cases\": ");
        compliance_json(&p->cases.sev[i], out);
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "], \"by_customer\": [");
    for (size_t i = 0, k = 0; i < cfg->n_customers; i++) {
        const struct sw_health_compliance *cc = NULL;
        for (size_t j = 0; j < p->cases.n_customers; j++) {
            if (strcmp(p->cases.customers[j].customer, cfg->customers[i].id) == 0) {
                cc = &p->cases.customers[j].c;
            }
        }
        if (!cc && !p->cust_objectives[i]) {
            continue;
        }
        sw_buf_printf(out, "%s{\"customer\": ", k++ ? ", " : "");
        sw_buf_json_str(out, cfg->customers[i].id);
        sw_buf_printf(out, ", \"objectives\": %zu, \"objectives_met\": %zu, \"cases\": ",
                      p->cust_objectives[i], p->cust_met[i]);
        if (cc) {
            compliance_json(cc, out);
        } else {
            sw_buf_puts(out, "null");
        }
        sw_buf_puts(out, "}");
    }
    sw_buf_puts(out, "], \"shifts\": [");
    for (size_t i = 0, k = 0; i < d->n_sh; i++) {
        const struct sw_health_shift_load *l = &p->shift_loads[i];
        if (l->start == l->end) {
            continue; /* outside the period */
        }
        sw_buf_printf(out, "%s{\"engineer\": ", k++ ? ", " : "");
        sw_buf_json_str(out, d->sh[i].engineer);
        sw_buf_printf(out,
                      ", \"start\": \"%s\", \"end\": \"%s\", \"incidents\": %zu, \"pages\": %zu, "
                      "\"max_incidents_in_12h\": %zu, \"breach\": %s}",
                      sw_time_format(l->start, t1), sw_time_format(l->end, t2), l->incidents,
                      l->pages, l->max_window, l->breach ? "true" : "false");
    }
    sw_buf_puts(out, "], \"backlog\": {");
    sw_buf_printf(out, "\"open\": %zu, ", p->backlog.open);
    stats_json("age", &p->backlog.age, out);
    sw_buf_puts(out, "}");
}

/* JSON of one value in its unit. */
static void value_json(enum sw_health_indicator i, bool has, int64_t v, struct sw_buf *out)
{
    if (!has) {
        sw_buf_puts(out, "null");
    } else if (i == SW_HEALTH_CHANGE_FREQUENCY) {
        sw_buf_printf(out, "\"%s\"", sw_health_freq_name((enum sw_health_freq)v));
    } else {
        sw_buf_printf(out, "%" PRId64, v);
    }
}

static const char *unit(enum sw_health_indicator i)
{
    switch (i) {
    case SW_HEALTH_MTTA:
    case SW_HEALTH_MTTM:
    case SW_HEALTH_MTTR:
    case SW_HEALTH_BACKLOG_AGE:
    case SW_HEALTH_TIME_TO_RESTORE:
    case SW_HEALTH_LEAD_TIME:
        return "s";
    case SW_HEALTH_INCIDENTS_PER_SHIFT:
        return "milli";
    case SW_HEALTH_SHIFT_BREACHES:
    case SW_HEALTH_BACKLOG_SIZE:
        return "count";
    case SW_HEALTH_CHANGE_FREQUENCY:
        return "bucket";
    default:
        return "ppm";
    }
}

/* The value for people: "12m", "25.0%", "1.50", "weekly". */
static char *value_text(enum sw_health_indicator i, bool has, int64_t v, char *buf, size_t len)
{
    const char *u = unit(i);

    if (!has) {
        snprintf(buf, len, "-");
    } else if (strcmp(u, "s") == 0) {
        sw_duration_format(v * 1000, buf);
    } else if (strcmp(u, "ppm") == 0) {
        snprintf(buf, len, "%.1f%%", (double)v / 10000.0);
    } else if (strcmp(u, "milli") == 0) {
        snprintf(buf, len, "%.2f", (double)v / 1000.0);
    } else if (strcmp(u, "bucket") == 0) {
        snprintf(buf, len, "%s", sw_health_freq_name((enum sw_health_freq)v));
    } else {
        snprintf(buf, len, "%" PRId64, v);
    }
    return buf;
}

/* Both periods, [from, to) into cur and the previous one [*pfrom, *pto) into prev: what
 * sw_team_health() and sw_team_health_rows() share. d, cur and prev are released by the
 * caller, also on error. */
static int measure(struct sw_store *s, struct sw_config *cfg, int64_t from, int64_t to,
                   const char *engineer, int64_t now, struct data *d, struct period *cur,
                   struct period *prev, int64_t *pfrom, int64_t *pto, struct sw_buf *err)
{
    int r;

    if (from >= to) {
        sw_buf_printf(err, "the period is empty (--from must be before --to)");
        return -EINVAL;
    }
    if (engineer && !sw_config_find_engineer(cfg, engineer)) {
        sw_buf_printf(err, "no engineer '%s'", engineer);
        return -EINVAL;
    }
    r = sw_health_previous(from, to, pfrom, pto);
    if (r < 0) {
        sw_buf_printf(err, "the period is too long");
        return r;
    }
    r = read_data(s, cfg, *pfrom, to, engineer, d, err);
    if (r == 0) {
        r = compute(s, cfg, d, from, to, now, engineer, cur, err);
    }
    if (r == 0) {
        r = compute(s, cfg, d, *pfrom, *pto, now, engineer, prev, err);
    }
    return r;
}

int sw_team_health_rows(struct sw_store *s, struct sw_config *cfg, int64_t from, int64_t to,
                        const char *engineer, int64_t now, struct sw_team_row *rows,
                        int64_t *ret_pfrom, int64_t *ret_pto, struct sw_buf *err)
{
    struct data d = {0};
    struct period cur = {0}, prev = {0};
    int64_t pfrom = 0, pto = 0;
    int r = measure(s, cfg, from, to, engineer, now, &d, &cur, &prev, &pfrom, &pto, err);

    for (int i = 0; r == 0 && i < SW_HEALTH_INDICATORS; i++) {
        enum sw_health_indicator ind = (enum sw_health_indicator)i;
        struct sw_team_row *w = &rows[i];
        memset(w, 0, sizeof(*w));
        w->ind = ind;
        w->unit = unit(ind);
        w->has = cur.has[i];
        w->value = cur.v[i];
        w->has_prev = prev.has[i];
        w->prev = prev.v[i];
        sw_health_judge(&cfg->thresholds[i], w->has, w->value, w->has_prev, w->prev, &w->verdict);
        value_text(ind, w->has, w->value, w->value_text, sizeof(w->value_text));
        value_text(ind, w->has_prev, w->prev, w->prev_text, sizeof(w->prev_text));
    }
    if (r == 0 && ret_pfrom) {
        *ret_pfrom = pfrom;
    }
    if (r == 0 && ret_pto) {
        *ret_pto = pto;
    }
    period_release(&cur);
    period_release(&prev);
    data_release(&d);
    return r;
}

int sw_team_health(struct sw_store *s, struct sw_config *cfg, int64_t from, int64_t to,
                   const char *engineer, int64_t now, enum sw_format_kind fmt, struct sw_buf *out,
                   struct sw_buf *err)
{
    struct data d = {0};
    struct period cur = {0}, prev = {0};
    int64_t pfrom, pto;
    char t1[SW_TIME_LEN], t2[SW_TIME_LEN], t3[SW_TIME_LEN], t4[SW_TIME_LEN];
    int r;

    r = measure(s, cfg, from, to, engineer, now, &d, &cur, &prev, &pfrom, &pto, err);
    if (r < 0) {
        goto out;
    }
    if (fmt == SW_TEAM_JSON) {
        sw_buf_printf(out, "{\"from\": \"%s\", \"to\": \"%s\"", sw_time_format(from, t1),
                      sw_time_format(to, t2));
        sw_buf_printf(out, ", \"previous\": {\"from\": \"%s\", \"to\": \"%s\"}",
                      sw_time_format(pfrom, t1), sw_time_format(pto, t2));
        sw_buf_puts(out, ", \"engineer\": ");
        if (engineer) {
            sw_buf_json_str(out, engineer);
        } else {
            sw_buf_puts(out, "null");
        }
        sw_buf_puts(out, ", \"indicators\": [");
    } else if (fmt == SW_TEAM_CSV) {
        sw_buf_puts(out, "indicator,unit,value,previous,status,trend\r\n");
    } else {
        sw_buf_printf(out, "team health %s to %s%s%s (previous period %s to %s)\n\n",
                      sw_time_format(from, t1), sw_time_format(to, t2),
                      engineer ? ", engineer " : "", engineer ? engineer : "",
                      sw_time_format(pfrom, t3), sw_time_format(pto, t4));
        sw_buf_printf(out, "%-26s %12s %12s  %-6s %s\n", "INDICATOR", "VALUE", "PREVIOUS", "STATUS",
                      "TREND");
    }
    for (int i = 0; i < SW_HEALTH_INDICATORS; i++) {
        enum sw_health_indicator ind = (enum sw_health_indicator)i;
        struct sw_health_verdict v;
        char a[48], b[48];
        sw_health_judge(&cfg->thresholds[i], cur.has[i], cur.v[i], prev.has[i], prev.v[i], &v);
        if (fmt == SW_TEAM_JSON) {
            sw_buf_printf(out, "%s{\"name\": \"%s\", \"unit\": \"%s\", \"value\": ", i ? ", " : "",
                          sw_health_indicator_name(ind), unit(ind));
            value_json(ind, cur.has[i], cur.v[i], out);
            sw_buf_puts(out, ", \"previous\": ");
            value_json(ind, prev.has[i], prev.v[i], out);
            sw_buf_printf(out, ", \"status\": \"%s\", \"trend\": \"%s\", \"better\": %s}",
                          sw_health_status_name(v.status), sw_health_trend_name(v.trend),
                          v.better ? "true" : "false");
        } else if (fmt == SW_TEAM_CSV) {
            sw_buf_printf(out, "%s,%s,%s,%s,%s,%s\r\n", sw_health_indicator_name(ind), unit(ind),
                          cur.has[i] ? value_text(ind, true, cur.v[i], a, sizeof(a)) : "",
                          prev.has[i] ? value_text(ind, true, prev.v[i], b, sizeof(b)) : "",
                          sw_health_status_name(v.status), sw_health_trend_name(v.trend));
        } else {
            sw_buf_printf(out, "%-26s %12s %12s  %-6s %s%s\n", sw_health_indicator_name(ind),
                          value_text(ind, cur.has[i], cur.v[i], a, sizeof(a)),
                          value_text(ind, prev.has[i], prev.v[i], b, sizeof(b)),
                          sw_health_status_name(v.status), sw_health_trend_name(v.trend),
                          v.trend == SW_HEALTH_UP || v.trend == SW_HEALTH_DOWN
                              ? (v.better ? " (better)" : " (worse)")
                              : "");
        }
    }
    if (fmt == SW_TEAM_JSON) {
        sw_buf_printf(out,
                      "], \"counts\": {\"incidents\": %zu, \"unacknowledged\": %zu, "
                      "\"pages\": %zu, \"night_pages\": %zu, \"shifts\": %zu, \"cases\": %zu, "
                      "\"open_cases\": %zu, \"changes\": %zu, \"failed_changes\": %zu, "
                      "\"objectives\": %zu, \"objectives_met\": %zu}",
                      cur.mttx.incidents, cur.mttx.unacked, cur.pages.total, cur.pages.sleep,
                      cur.shifts.shifts, cur.cases.all.cases, cur.backlog.open,
                      cur.delivery.changes, cur.delivery.failed, cur.objectives,
                      cur.objectives_met);
        details_json(cfg, &d, &cur, out);
        sw_buf_puts(out, ", \"engineers\": [");
        for (size_t i = 0; i < d.n_eng; i++) {
            const struct sw_health_person_load *pl = &cur.per[i];
            sw_buf_printf(out,
                          "%s{\"id\": \"%s\", \"oncall_s\": %" PRId64 ", \"pages\": %zu, "
                          "\"page_share_ppm\": %u, \"cases\": %zu, \"case_share_ppm\": %u}",
                          i ? ", " : "", d.eng[i].id, pl->oncall_s, pl->pages, pl->page_share_ppm,
                          pl->cases, pl->case_share_ppm);
        }
        sw_buf_puts(out, "]}\n");
    } else if (fmt == SW_TEAM_TABLE) {
        sw_buf_printf(out,
                      "\n%zu incidents (%zu unacknowledged), %zu pages (%zu at night), %zu "
                      "shifts, %zu cases (%zu open now), %zu changes (%zu failed), %zu of %zu "
                      "SLA objectives met\n",
                      cur.mttx.incidents, cur.mttx.unacked, cur.pages.total, cur.pages.sleep,
                      cur.shifts.shifts, cur.cases.all.cases, cur.backlog.open,
                      cur.delivery.changes, cur.delivery.failed, cur.objectives_met,
                      cur.objectives);
    }
out:
    period_release(&cur);
    period_release(&prev);
    data_release(&d);
    return r;
}
