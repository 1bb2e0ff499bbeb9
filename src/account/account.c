/* SPDX-License-Identifier: Apache-2.0 */
/* account.c: statements, report models and burn-rate evaluation: reads a service's history
 * and its maintenance windows, hands them to src/sla, and lays out the answer. One service's
 * intervals are in memory at a time. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account/account.h"

#define TREND_MONTHS 12
#define BURN_PERIOD_S (30 * 86400)

const char *sw_account_tz(const struct sw_customer_conf *cu)
{
    if (cu->contract && cu->contract->timezone) {
        return cu->contract->timezone;
    }
    return cu->timezone ? cu->timezone : "UTC";
}

int sw_account_month(const char *tz, const char *s, int *ret_year, int *ret_month,
                     int64_t *ret_from, int64_t *ret_to)
{
    int y, m, n = 0;

    if (!s || sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 || s[n] != '\0' || s[4] != '-' ||
        y < 1970 || y > 9999 || m < 1 || m > 12) {
        return -EINVAL;
    }
    if (sw_tz_month(tz, y, m, ret_from, ret_to) < 0) {
        return -EINVAL;
    }
    *ret_year = y;
    *ret_month = m;
    return 0;
}

char *sw_account_time(int64_t t, const char *tz, char *out)
{
    struct tm tm;
    char tmp[96];
    int off;

    if (sw_tz_from_utc(tz, t, &tm) < 0) {
        return sw_time_format(t, out);
    }
    off = (int)tm.tm_gmtoff;
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
             abs(off) / 3600 % 100, abs(off) / 60 % 60);
    tmp[SW_TIME_LEN - 1] = '\0'; /* 25 characters for years 0..9999 */
    memcpy(out, tmp, SW_TIME_LEN);
    return out;
}

bool sw_account_scope_covers(const char *scope, const char *path)
{
    size_t n = strlen(scope);

    return strncmp(scope, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int sw_account_windows(const struct sw_config *cfg, const struct sw_maint_row *rows, size_t n_rows,
                       const struct sw_service_conf *s, int64_t from, int64_t to,
                       struct sw_window_list *l)
{
    int r;

    for (size_t i = 0; i < cfg->n_maintenance; i++) {
        const struct sw_maint_conf *m = &cfg->maintenance[i];

        if (!sw_account_scope_covers(m->scope, s->path)) {
            continue;
        }
        if (m->weekly) {
            struct sw_weekly w = {.weekday = m->weekday,
                                  .start_s = m->start_s,
                                  .duration_s = m->duration_s,
                                  .tz = m->timezone,
                                  .excluded = m->excluded,
                                  .reason = m->reason};
            r = sw_window_list_add_weekly(l, &w, from, to);
        } else if (m->end > from && m->start < to) {
            struct sw_window w = {m->start, m->end, m->excluded, m->reason};
            r = sw_window_list_add(l, &w);
        } else {
            r = 0;
        }
        if (r < 0) {
            return r;
        }
    }
    for (size_t i = 0; i < n_rows; i++) {
        if (sw_account_scope_covers(rows[i].scope, s->path) && rows[i].end > from &&
            rows[i].start < to) {
            struct sw_window w = {rows[i].start, rows[i].end, rows[i].excluded, rows[i].reason};
            r = sw_window_list_add(l, &w);
            if (r < 0) {
                return r;
            }
        }
    }
    return 0;
}

static void policy_of(const struct sw_contract_conf *ct, struct sw_sla_policy *p)
{
    p->unknown = ct->unknown == SW_UNKNOWN_DOWN ? SW_SLA_UNKNOWN_DOWN
                 : ct->unknown == SW_UNKNOWN_UP ? SW_SLA_UNKNOWN_UP
                                                : SW_SLA_UNKNOWN_EXCLUDED;
    p->warning_is_down = ct->warning_is_down;
    p->min_outage_s = ct->min_outage_s;
}

static uint32_t credit_of(const struct sw_contract_conf *ct, const struct sw_sla_result *r)
{
    struct sw_credit_tier t[SW_CREDIT_TIERS_MAX];
    size_t n = ct->n_credits < SW_CREDIT_TIERS_MAX ? ct->n_credits : SW_CREDIT_TIERS_MAX;

    for (size_t i = 0; i < n; i++) {
        t[i].below_ppm = ct->credits[i].below_ppm;
        t[i].credit_ppm = ct->credits[i].credit_ppm;
    }
    return sw_credit_lookup(t, n, r->defined, r->availability_ppm);
}

/* Computes one service over [from, to) at now. */
static int compute_line(const struct sw_config *cfg, struct sw_store *store,
                        const struct sw_contract_conf *ct, const struct sw_maint_row *rows,
                        size_t n_rows, struct sw_account_line *line, int64_t from, int64_t to,
                        int64_t now, bool detail)
{
    struct sw_sla_input in = {0};
    struct sw_window_list wl;
    struct sw_interval *iv = NULL;
    size_t n = 0;
    int64_t created = 0, m;
    int r;

    policy_of(ct, &in.policy);
    m = in.policy.min_outage_s;
    sw_window_list_init(&wl);
    r = sw_account_windows(cfg, rows, n_rows, line->service, from - m, to + m, &wl);
    if (r == 0) {
        r = sw_window_list_merge(&wl, from - m, to + m);
    }
    if (r == 0) {
        r = sw_store_history(store, SW_OBJ_SERVICE, line->service->path, from - m, to + m, &iv, &n);
    }
    if (r == 0) {
        r = sw_store_first_seen(store, SW_OBJ_SERVICE, line->service->path, &created);
    }
    if (r < 0) {
        goto out;
    }
    in.iv = iv;
    in.n_iv = n;
    in.from = from;
    in.to = to;
    in.now = now;
    in.created = created;
    in.win = wl.v;
    in.n_win = wl.n;
    in.target_ppm = line->objective->target_ppm;
    r = sw_sla_compute(&in, &line->r, detail ? &line->detail : NULL);
    if (r < 0) {
        goto out;
    }
    line->credit_ppm = credit_of(ct, &line->r);
    if (detail) {
        /* keep the windows that touch the period, for the report's list */
        for (size_t i = 0; i < wl.n; i++) {
            if (wl.v[i].end > from && wl.v[i].start < to) {
                struct sw_window *w;
                line->windows =
                    sw_xrealloc(line->windows, (line->n_windows + 1) * sizeof(*line->windows));
                w = &line->windows[line->n_windows++];
                *w = wl.v[i];
                w->reason = sw_xstrdup(wl.v[i].reason); /* owned: freed with the line */
            }
        }
    }
out:
    free(iv);
    sw_window_list_release(&wl);
    return r;
}

int sw_account_statement(struct sw_config *cfg, struct sw_store *store, const char *customer,
                         int64_t from, int64_t to, int64_t now, const char *service_glob,
                         bool detail, struct sw_buf *err, struct sw_statement **ret)
{
    const struct sw_customer_conf *cu = sw_config_find_customer(cfg, customer);
    struct sw_maint_row *rows = NULL;
    struct sw_statement *st = NULL;
    size_t n_rows = 0;
    int r;

    if (!cu) {
        sw_buf_printf(err, "no customer '%s'", customer);
        return -ENOENT;
    }
    if (!cu->contract) {
        sw_buf_printf(err, "customer '%s' has no contract", customer);
        return -EINVAL;
    }
    if (from >= to || to - from > SW_SLA_SPAN_MAX) {
        sw_buf_puts(err, "the period must start before it ends and span at most 10 years");
        return -EINVAL;
    }
    r = sw_store_maint_list(store, &rows, &n_rows);
    if (r < 0) {
        sw_buf_puts(err, "cannot read the maintenance windows from the store");
        return r;
    }
    st = sw_xcalloc(1, sizeof(*st));
    st->cfg = sw_config_ref(cfg);
    st->customer = cu;
    st->contract = cu->contract;
    st->tz = sw_account_tz(cu);
    st->from = from;
    st->to = to;
    st->now = now;
    st->credit_minor = -1;
    for (size_t i = 0; i < cfg->n_services; i++) {
        const struct sw_service_conf *s = cfg->services[i];
        const struct sw_objective_conf *o;
        char rel[512];

        if (s->customer != cu) {
            continue;
        }
        o = sw_config_objective_for(cfg, s);
        snprintf(rel, sizeof(rel), "%s/%s", s->deployment->id, s->id);
        if (!o || (service_glob && fnmatch(service_glob, rel, FNM_PATHNAME) != 0)) {
            continue;
        }
        st->lines = sw_xrealloc(st->lines, (st->n_lines + 1) * sizeof(*st->lines));
        memset(&st->lines[st->n_lines], 0, sizeof(*st->lines));
        st->lines[st->n_lines].service = s;
        st->lines[st->n_lines].objective = o;
        sw_sla_detail_init(&st->lines[st->n_lines].detail);
        st->n_lines++;
        r = compute_line(cfg, store, cu->contract, rows, n_rows, &st->lines[st->n_lines - 1], from,
                         to, now, detail);
        if (r < 0) {
            sw_buf_printf(err, "%s: cannot compute (%s)", s->path, strerror(-r));
            goto out;
        }
        if (st->lines[st->n_lines - 1].credit_ppm > st->credit_ppm) {
            st->credit_ppm = st->lines[st->n_lines - 1].credit_ppm;
        }
    }
    if (service_glob && !st->n_lines) {
        sw_buf_printf(err, "no service of '%s' with an objective matches '%s'", customer,
                      service_glob);
        r = -ENOENT;
        goto out;
    }
    if (cu->fee_minor >= 0) {
        sw_credit_amount(cu->fee_minor, st->credit_ppm, &st->credit_minor);
    }
    *ret = st;
    st = NULL;
    r = 0;
out:
    sw_maint_rows_free(rows, n_rows);
    sw_statement_free(st);
    return r;
}

void sw_statement_free(struct sw_statement *st)
{
    if (!st) {
        return;
    }
    for (size_t i = 0; i < st->n_lines; i++) {
        sw_sla_detail_release(&st->lines[i].detail);
        for (size_t k = 0; k < st->lines[i].n_windows; k++) {
            free((char *)st->lines[i].windows[k].reason);
        }
        free(st->lines[i].windows);
    }
    free(st->lines);
    sw_config_unref(st->cfg);
    free(st);
}

void sw_account_policy_text(const struct sw_contract_conf *ct, struct sw_buf *out)
{
    static const char *const unknown[] = {
        "is left out of the eligible time (neither up nor down)",
        "counts as down",
        "counts as up",
    };
    char d[32];

    sw_buf_printf(out,
                  "Availability = (eligible - down) / eligible. Down is CRITICAL%s. Excluded "
                  "maintenance is not eligible. Time without data (no result, or stackward not "
                  "running) %s.",
                  ct->warning_is_down ? " and WARNING" : "", unknown[ct->unknown % 3]);
    if (ct->min_outage_s > 0) {
        sw_buf_printf(out, " Outages shorter than %s count as up.",
                      sw_duration_format(ct->min_outage_s * 1000, d));
    }
    sw_buf_puts(out, " A service counts from the first time it was observed.");
}

/* ---- output ---- */

static void json_num_or_null(struct sw_buf *b, bool ok, const char *fmt, double v)
{
    if (ok) {
        sw_buf_printf(b, fmt, v);
    } else {
        sw_buf_puts(b, "null");
    }
}

void sw_statement_json(const struct sw_statement *st, struct sw_buf *out)
{
    char a[SW_TIME_LEN], b[SW_TIME_LEN], p[16];

    sw_buf_puts(out, "{\"customer\": ");
    sw_buf_json_str(out, st->customer->id);
    sw_buf_puts(out, ", \"contract\": ");
    sw_buf_json_str(out, st->contract->id);
    sw_buf_puts(out, ", \"timezone\": ");
    sw_buf_json_str(out, st->tz);
    sw_buf_printf(out, ", \"period\": {\"start\": \"%s\", \"end\": \"%s\"}",
                  sw_account_time(st->from, st->tz, a), sw_account_time(st->to, st->tz, b));
    sw_buf_puts(out, ", \"policy\": ");
    {
        struct sw_buf pol;
        sw_buf_init(&pol);
        sw_account_policy_text(st->contract, &pol);
        sw_buf_json_str(out, pol.data);
        sw_buf_release(&pol);
    }
    sw_buf_puts(out, ", \"services\": [");
    for (size_t i = 0; i < st->n_lines; i++) {
        const struct sw_account_line *l = &st->lines[i];
        const struct sw_sla_result *r = &l->r;
        bool finite = r->budget_used == r->budget_used && r->used_ppm != INT64_MAX;
        char ppm[16] = "null";

        sw_buf_printf(out, "%s{\"id\": \"%s/%s\", \"path\": ", i ? ", " : "",
                      l->service->deployment->id, l->service->id);
        sw_buf_json_str(out, l->service->path);
        sw_buf_printf(out, ", \"target\": %s, \"availability\": ",
                      sw_ppm_format(l->objective->target_ppm, p));
        json_num_or_null(out, r->defined, "%.17g", r->availability);
        if (r->defined) {
            snprintf(ppm, sizeof(ppm), "%u", r->availability_ppm);
        }
        sw_buf_printf(out,
                      ", \"availability_ppm\": %s, \"met\": %s, \"eligible_s\": %lld, "
                      "\"downtime_s\": %lld, \"maintenance_s\": %lld, \"unknown_s\": %lld, "
                      "\"degraded_s\": %lld, \"pending_s\": %lld, \"budget_s\": %lld, "
                      "\"budget_used\": ",
                      ppm, r->met ? "true" : "false", (long long)r->eligible_s,
                      (long long)r->downtime_s, (long long)r->maintenance_s,
                      (long long)r->unknown_s, (long long)r->degraded_s, (long long)r->pending_s,
                      (long long)r->budget_s);
        json_num_or_null(out, finite, "%.17g", r->budget_used);
        sw_buf_printf(out, ", \"credit_percent\": %s}", sw_ppm_format(l->credit_ppm, p));
    }
    sw_buf_printf(out, "], \"credit_percent\": %s", sw_ppm_format(st->credit_ppm, p));
    if (st->credit_minor >= 0) {
        sw_buf_printf(out, ", \"credit\": {\"amount\": \"%lld.%02lld\", \"currency\": \"%s\"}",
                      (long long)(st->credit_minor / 100), (long long)(st->credit_minor % 100),
                      st->customer->currency);
    } else {
        sw_buf_puts(out, ", \"credit\": null");
    }
    sw_buf_puts(out, "}");
}

void sw_statement_csv(const struct sw_statement *st, struct sw_buf *out)
{
    char p[16], q[16];

    sw_buf_puts(out, "id,target_percent,availability,met,eligible_s,downtime_s,maintenance_s,"
                     "unknown_s,budget_s,budget_used,credit_percent\n");
    for (size_t i = 0; i < st->n_lines; i++) {
        const struct sw_account_line *l = &st->lines[i];
        const struct sw_sla_result *r = &l->r;
        bool finite = r->budget_used == r->budget_used && r->used_ppm != INT64_MAX;

        sw_buf_printf(out, "%s/%s,%s,", l->service->deployment->id, l->service->id,
                      sw_ppm_format(l->objective->target_ppm, p));
        if (r->defined) {
            sw_buf_printf(out, "%.10f", r->availability);
        } else {
            sw_buf_puts(out, "n/a");
        }
        sw_buf_printf(out, ",%s,%lld,%lld,%lld,%lld,%lld,", r->met ? "yes" : "no",
                      (long long)r->eligible_s, (long long)r->downtime_s,
                      (long long)r->maintenance_s, (long long)r->unknown_s, (long long)r->budget_s);
        if (finite) {
            sw_buf_printf(out, "%.6f", r->budget_used);
        } else {
            sw_buf_puts(out, "inf");
        }
        sw_buf_printf(out, ",%s\n", sw_ppm_format(l->credit_ppm, q));
    }
}

static char *minutes(int64_t s, char *out)
{
    char d[32];

    /* whole seconds shown exactly, in the largest units that fit */
    snprintf(out, 32, "%s", sw_duration_format(s * 1000, d));
    return out;
}

void sw_statement_table(const struct sw_statement *st, struct sw_buf *out)
{
    char a[SW_TIME_LEN], b[SW_TIME_LEN], p[16], q[16], x[32], y[32], z[32];

    sw_buf_printf(out, "%s (%s), contract %s, %s to %s (%s)\n", st->customer->id,
                  st->customer->name, st->contract->id, sw_account_time(st->from, st->tz, a),
                  sw_account_time(st->to, st->tz, b), st->tz);
    sw_buf_printf(out, "%-28s %8s %13s %-4s %10s %12s %10s %12s %7s\n", "SERVICE", "TARGET",
                  "AVAILABILITY", "MET", "DOWNTIME", "MAINTENANCE", "UNKNOWN", "BUDGET USED",
                  "CREDIT");
    for (size_t i = 0; i < st->n_lines; i++) {
        const struct sw_account_line *l = &st->lines[i];
        const struct sw_sla_result *r = &l->r;
        char id[256], av[24], used[24];

        snprintf(id, sizeof(id), "%s/%s", l->service->deployment->id, l->service->id);
        if (r->defined) {
            snprintf(av, sizeof(av), "%s%%", sw_ppm_format(r->availability_ppm, p));
        } else {
            snprintf(av, sizeof(av), "n/a");
        }
        if (r->used_ppm == INT64_MAX) {
            snprintf(used, sizeof(used), "inf");
        } else {
            snprintf(used, sizeof(used), "%.1f%%", r->budget_used * 100.0);
        }
        sw_buf_printf(out, "%-28s %7s%% %13s %-4s %10s %12s %10s %12s %6s%%\n", id,
                      sw_ppm_format(l->objective->target_ppm, q), av,
                      !r->defined ? "n/a"
                      : r->met    ? "yes"
                                  : "no",
                      minutes(r->downtime_s, x), minutes(r->maintenance_s, y),
                      minutes(r->unknown_s, z), used, sw_ppm_format(l->credit_ppm, p));
    }
    sw_buf_printf(out, "credit owed: %s%%", sw_ppm_format(st->credit_ppm, p));
    if (st->credit_minor >= 0) {
        sw_buf_printf(out, " = %lld.%02lld %s", (long long)(st->credit_minor / 100),
                      (long long)(st->credit_minor % 100), st->customer->currency);
    }
    sw_buf_puts(out, "\n");
}

/* ---- the monthly report ---- */

struct sw_account_report {
    struct sw_statement *st;
    struct sw_report model;
    struct sw_report_service *services;
    struct sw_report_segment **segs; /* per service */
    struct sw_report_trend **trends; /* per service, TREND_MONTHS each */
    struct sw_report_event *outages;
    size_t n_outages;
    struct sw_report_event *maint;
    size_t n_maint;
    char **ids; /* "deployment/service" per service */
    char *policy;
};

static enum sw_report_seg seg_kind(const struct sw_sla_segment *g)
{
    if (g->maint == SW_SLA_MAINT_EXCLUDED) {
        return SW_SEG_MAINTENANCE;
    }
    switch (g->kind) {
    case SW_SLA_BEFORE:
    case SW_SLA_PENDING:
        return SW_SEG_NONE;
    case SW_SLA_UP:
        return SW_SEG_UP;
    case SW_SLA_DEGRADED:
        return g->counted_down ? SW_SEG_DOWN : SW_SEG_DEGRADED;
    case SW_SLA_DOWN:
        return SW_SEG_DOWN;
    default:
        return SW_SEG_UNKNOWN;
    }
}

static void add_event(struct sw_report_event **v, size_t *n, const char *service, int64_t start,
                      int64_t end, int64_t seconds, const char *note)
{
    struct sw_report_event *e;

    *v = sw_xrealloc(*v, (*n + 1) * sizeof(**v));
    e = &(*v)[(*n)++];
    e->service = service;
    e->start = start;
    e->end = end;
    e->seconds = seconds;
    e->note = note;
}

/* The trend of every line of st over the months [mf[k], mt[k]) (those with ok[k]): one read
 * of each service's history over the whole span, then a month at a time from it. */
static int trend(const struct sw_config *cfg, struct sw_store *store,
                 const struct sw_contract_conf *ct, const struct sw_statement *st,
                 const int64_t *mf, const int64_t *mt, const bool *ok, int64_t now,
                 struct sw_report_trend **out)
{
    struct sw_maint_row *rows = NULL;
    size_t n_rows = 0;
    int64_t span_from = INT64_MAX, span_to = 0, m = ct->min_outage_s;
    int r;

    for (int k = 0; k < TREND_MONTHS; k++) {
        if (ok[k]) {
            span_from = mf[k] < span_from ? mf[k] : span_from;
            span_to = mt[k] > span_to ? mt[k] : span_to;
        }
    }
    if (!span_to) {
        return 0;
    }
    r = sw_store_maint_list(store, &rows, &n_rows);
    for (size_t i = 0; r == 0 && i < st->n_lines; i++) {
        const struct sw_account_line *l = &st->lines[i];
        struct sw_sla_input in = {0};
        struct sw_window_list wl;
        struct sw_interval *iv = NULL;
        size_t n = 0, lo = 0;
        int64_t created = 0;

        sw_window_list_init(&wl);
        r = sw_account_windows(cfg, rows, n_rows, l->service, span_from - m, span_to + m, &wl);
        if (r == 0) {
            r = sw_window_list_merge(&wl, span_from - m, span_to + m);
        }
        if (r == 0) {
            r = sw_store_history(store, SW_OBJ_SERVICE, l->service->path, span_from - m,
                                 span_to + m, &iv, &n);
        }
        if (r == 0) {
            r = sw_store_first_seen(store, SW_OBJ_SERVICE, l->service->path, &created);
        }
        policy_of(ct, &in.policy);
        for (int k = 0; r == 0 && k < TREND_MONTHS; k++) {
            struct sw_sla_result res;
            size_t hi;
            if (!ok[k]) {
                continue;
            }
            /* the intervals overlapping this month (with the min-outage margin) */
            while (lo < n && iv[lo].end && iv[lo].end <= mf[k] - m) {
                lo++;
            }
            for (hi = lo; hi < n && iv[hi].start < mt[k] + m; hi++) {
            }
            in.iv = iv + lo;
            in.n_iv = hi - lo;
            in.from = mf[k];
            in.to = mt[k];
            in.now = now;
            in.created = created;
            in.win = wl.v;
            in.n_win = wl.n;
            in.target_ppm = l->objective->target_ppm;
            r = sw_sla_compute(&in, &res, NULL);
            if (r == 0) {
                out[i][k].defined = res.defined;
                out[i][k].availability = res.availability;
            }
        }
        free(iv);
        sw_window_list_release(&wl);
    }
    sw_maint_rows_free(rows, n_rows);
    return r;
}

int sw_account_report(struct sw_config *cfg, struct sw_store *store, const char *customer, int year,
                      int month, int64_t now, struct sw_buf *err, struct sw_account_report **ret)
{
    struct sw_account_report *rep = sw_xcalloc(1, sizeof(*rep));
    const struct sw_customer_conf *cu = sw_config_find_customer(cfg, customer);
    const char *tz;
    int64_t from, to;
    size_t n;
    int r;

    if (!cu) {
        sw_buf_printf(err, "no customer '%s'", customer);
        free(rep);
        return -ENOENT;
    }
    tz = sw_account_tz(cu);
    if (sw_tz_month(tz, year, month, &from, &to) < 0) {
        sw_buf_printf(err, "bad month %04d-%02d", year, month);
        free(rep);
        return -EINVAL;
    }
    r = sw_account_statement(cfg, store, customer, from, to, now, NULL, true, err, &rep->st);
    if (r < 0) {
        free(rep);
        return r;
    }
    n = rep->st->n_lines;
    rep->services = sw_xcalloc(n ? n : 1, sizeof(*rep->services));
    rep->segs = sw_xcalloc(n ? n : 1, sizeof(*rep->segs));
    rep->trends = sw_xcalloc(n ? n : 1, sizeof(*rep->trends));
    rep->ids = sw_xcalloc(n ? n : 1, sizeof(*rep->ids));
    for (size_t i = 0; i < n; i++) {
        const struct sw_account_line *l = &rep->st->lines[i];
        struct sw_report_service *s = &rep->services[i];
        const struct sw_sla_detail *d = &l->detail;

        rep->ids[i] = sw_xasprintf("%s/%s", l->service->deployment->id, l->service->id);
        s->id = rep->ids[i];
        s->name = l->service->name;
        s->target_ppm = l->objective->target_ppm;
        s->defined = l->r.defined;
        s->availability = l->r.availability;
        s->met = l->r.met;
        s->eligible_s = l->r.eligible_s;
        s->downtime_s = l->r.downtime_s;
        s->maintenance_s = l->r.maintenance_s;
        s->unknown_s = l->r.unknown_s;
        s->budget_s = l->r.budget_s;
        s->budget_used = l->r.budget_used; /* INFINITY with a zero budget: shown as such */
        s->credit_ppm = l->credit_ppm;
        rep->segs[i] = sw_xcalloc(d->n_segs ? d->n_segs : 1, sizeof(**rep->segs));
        for (size_t k = 0; k < d->n_segs; k++) {
            size_t m = s->n_segments;
            enum sw_report_seg kind = seg_kind(&d->segs[k]);
            if (m && rep->segs[i][m - 1].kind == kind &&
                rep->segs[i][m - 1].end == d->segs[k].start) {
                rep->segs[i][m - 1].end = d->segs[k].end; /* join neighbours of one kind */
                continue;
            }
            rep->segs[i][m].start = d->segs[k].start;
            rep->segs[i][m].end = d->segs[k].end;
            rep->segs[i][m].kind = kind;
            s->n_segments++;
        }
        s->segments = rep->segs[i];
        for (size_t k = 0; k < d->n_outages; k++) {
            const struct sw_sla_outage *o = &d->outages[k];
            const char *note = o->in_maintenance ? "in maintenance"
                               : o->forgiven     ? "shorter than the minimum outage"
                               : o->open         ? "ongoing"
                               : o->maint_s      ? "partly in maintenance"
                                                 : NULL;
            add_event(&rep->outages, &rep->n_outages, s->id, o->start,
                      o->open ? (now < to ? now : to) : o->end, o->in_s, note);
        }
        for (size_t k = 0; k < l->n_windows; k++) {
            const struct sw_window *w = &l->windows[k];
            bool dup = false;
            for (size_t j = 0; j < rep->n_maint && !dup; j++) {
                struct sw_report_event *e = &rep->maint[j];
                if (e->start == w->start && e->end == w->end) {
                    dup = true;
                    e->service = "several services";
                }
            }
            if (!dup) {
                add_event(&rep->maint, &rep->n_maint, s->id, w->start, w->end, w->end - w->start,
                          w->reason ? w->reason : (w->excluded ? "excluded" : "counted"));
            }
        }
        rep->trends[i] = sw_xcalloc(TREND_MONTHS, sizeof(**rep->trends));
        s->trend = rep->trends[i];
        s->n_trend = TREND_MONTHS;
    }
    /* the 12-month trend: this month and the 11 before it, oldest first */
    {
        int64_t mf[TREND_MONTHS], mt[TREND_MONTHS];
        bool ok[TREND_MONTHS];
        for (int k = 0; k < TREND_MONTHS; k++) {
            int y = year, m = month - (TREND_MONTHS - 1 - k);
            while (m < 1) {
                m += 12;
                y--;
            }
            for (size_t i = 0; i < n; i++) {
                rep->trends[i][k].year = y;
                rep->trends[i][k].month = m;
            }
            ok[k] = sw_tz_month(tz, y, m, &mf[k], &mt[k]) == 0 && mf[k] < now;
        }
        r = trend(cfg, store, cu->contract, rep->st, mf, mt, ok, now, rep->trends);
        if (r < 0) {
            sw_buf_printf(err, "cannot compute the trend (%s)", strerror(-r));
            sw_account_report_free(rep);
            return r;
        }
    }
    sw_buf_reset(err);
    {
        struct sw_buf pol;
        sw_buf_init(&pol);
        sw_account_policy_text(cu->contract, &pol);
        rep->policy = sw_buf_steal(&pol);
    }
    rep->model.customer_id = cu->id;
    rep->model.customer_name = cu->name;
    rep->model.contract_id = cu->contract->id;
    rep->model.timezone = tz;
    rep->model.year = year;
    rep->model.month = month;
    rep->model.period_start = from;
    rep->model.period_end = to;
    rep->model.generated_at = now;
    rep->model.policy = rep->policy;
    rep->model.services = rep->services;
    rep->model.n_services = n;
    rep->model.outages = rep->outages;
    rep->model.n_outages = rep->n_outages;
    rep->model.maintenance = rep->maint;
    rep->model.n_maintenance = rep->n_maint;
    rep->model.credit_ppm = rep->st->credit_ppm;
    rep->model.fee_minor = cu->fee_minor;
    rep->model.currency = cu->fee_minor >= 0 ? cu->currency : NULL;
    rep->model.credit_minor = rep->st->credit_minor;
    *ret = rep;
    return 0;
}

const struct sw_report *sw_account_report_model(const struct sw_account_report *r)
{
    return &r->model;
}

void sw_account_report_free(struct sw_account_report *r)
{
    size_t n;

    if (!r) {
        return;
    }
    n = r->st ? r->st->n_lines : 0;
    for (size_t i = 0; i < n; i++) {
        free(r->segs[i]);
        free(r->trends[i]);
        free(r->ids[i]);
    }
    free(r->segs);
    free(r->trends);
    free(r->ids);
    free(r->services);
    free(r->outages);
    free(r->maint);
    free(r->policy);
    sw_statement_free(r->st);
    free(r);
}

/* ---- burn-rate alerts ---- */

int sw_account_burn(struct sw_config *cfg, struct sw_store *store, int64_t now,
                    const struct sw_alert_row *previous, size_t n_previous,
                    struct sw_alert_row **ret, size_t *ret_n)
{
    struct sw_maint_row *rows = NULL;
    struct sw_alert_row *out = NULL;
    size_t n_rows = 0, n_out = 0;
    int r;

    r = sw_store_maint_list(store, &rows, &n_rows);
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < cfg->n_services; i++) {
        const struct sw_service_conf *s = cfg->services[i];
        const struct sw_objective_conf *o = sw_config_objective_for(cfg, s);
        struct sw_burn_rule rules[16];
        struct sw_burn_status status[16];
        struct sw_sla_input in = {0};
        struct sw_window_list wl;
        struct sw_interval *iv = NULL;
        size_t n_rules, n = 0;
        int64_t longest = 0, created = 0;

        if (!o) {
            continue;
        }
        if (o->n_rules) {
            n_rules = o->n_rules < 16 ? o->n_rules : 16;
            for (size_t k = 0; k < n_rules; k++) {
                rules[k].severity = o->rules[k].page ? SW_BURN_PAGE : SW_BURN_TICKET;
                rules[k].long_s = o->rules[k].long_s;
                rules[k].short_s = o->rules[k].short_s;
                rules[k].factor_milli = o->rules[k].factor_milli;
            }
        } else {
            n_rules = SW_BURN_RULES_DEFAULT_N;
            memcpy(rules, sw_burn_rules_default, sizeof(sw_burn_rules_default));
        }
        for (size_t k = 0; k < n_rules; k++) {
            longest = rules[k].long_s > longest ? rules[k].long_s : longest;
        }
        policy_of(s->customer->contract, &in.policy);
        sw_window_list_init(&wl);
        r = sw_account_windows(cfg, rows, n_rows, s, now - longest, now, &wl);
        if (r == 0) {
            r = sw_window_list_merge(&wl, now - longest, now);
        }
        if (r == 0) {
            r = sw_store_history(store, SW_OBJ_SERVICE, s->path, now - longest, now, &iv, &n);
        }
        if (r == 0) {
            r = sw_store_first_seen(store, SW_OBJ_SERVICE, s->path, &created);
        }
        if (r == 0) {
            in.iv = iv;
            in.n_iv = n;
            in.from = now - longest;
            in.to = now;
            in.now = now;
            in.created = created;
            in.win = wl.v;
            in.n_win = wl.n;
            in.target_ppm = o->target_ppm;
            r = sw_burn_eval(&in, BURN_PERIOD_S, rules, n_rules, status);
        }
        for (size_t k = 0; r >= 0 && k < n_rules; k++) {
            struct sw_alert_row *a;
            if (status[k].state == SW_BURN_OK) {
                continue;
            }
            out = sw_xrealloc(out, (n_out + 1) * sizeof(*out));
            a = &out[n_out++];
            memset(a, 0, sizeof(*a));
            a->service = sw_xstrdup(s->path);
            a->page = rules[k].severity == SW_BURN_PAGE;
            a->long_s = rules[k].long_s;
            a->short_s = rules[k].short_s;
            a->factor_milli = rules[k].factor_milli;
            a->burn_long = status[k].br_long;
            a->burn_short = status[k].br_short;
            a->exhaustion_s = status[k].exhaustion_s;
            a->no_data = status[k].state == SW_BURN_NO_DATA;
            a->since = now;
            for (size_t j = 0; j < n_previous; j++) {
                if (strcmp(previous[j].service, a->service) == 0 &&
                    previous[j].long_s == a->long_s && previous[j].short_s == a->short_s &&
                    previous[j].no_data == a->no_data) {
                    a->since = previous[j].since;
                }
            }
        }
        free(iv);
        sw_window_list_release(&wl);
        if (r < 0) {
            break;
        }
    }
    sw_maint_rows_free(rows, n_rows);
    if (r < 0) {
        sw_alert_rows_free(out, n_out);
        return r;
    }
    *ret = out;
    *ret_n = n_out;
    return 0;
}

/* ---- maintenance and alerts as JSON, and scopes ---- */

bool sw_account_scope_exists(const struct sw_config *cfg, const char *scope)
{
    if (sw_config_find_customer(cfg, scope) || sw_config_find_service(cfg, scope)) {
        return true;
    }
    for (size_t i = 0; i < cfg->n_services; i++) {
        if (strcmp(cfg->services[i]->deployment->path, scope) == 0) {
            return true;
        }
    }
    return false;
}

void sw_account_maint_row_json(const struct sw_maint_row *m, struct sw_buf *b)
{
    char a[SW_TIME_LEN], e[SW_TIME_LEN];

    sw_buf_printf(b, "{\"id\": %lld, \"scope\": ", (long long)m->id);
    sw_buf_json_str(b, m->scope);
    sw_buf_printf(b,
                  ", \"start\": \"%s\", \"end\": \"%s\", \"reason\": ", sw_time_format(m->start, a),
                  sw_time_format(m->end, e));
    if (m->reason) {
        sw_buf_json_str(b, m->reason);
    } else {
        sw_buf_puts(b, "null");
    }
    sw_buf_printf(b, ", \"excluded\": %s, \"source\": \"runtime\"}",
                  m->excluded ? "true" : "false");
}

void sw_account_maint_json(const struct sw_config *cfg, const struct sw_maint_row *rows,
                           size_t n_rows, const char *customer, struct sw_buf *out)
{
    static const char *const days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
    size_t shown = 0;

    sw_buf_puts(out, "[");
    for (size_t i = 0; i < cfg->n_maintenance; i++) {
        const struct sw_maint_conf *m = &cfg->maintenance[i];
        char a[SW_TIME_LEN], e[SW_TIME_LEN], d[32];

        if (customer && !sw_account_scope_covers(customer, m->scope)) {
            continue;
        }
        sw_buf_puts(out, shown++ ? ", {\"id\": null, \"scope\": " : "{\"id\": null, \"scope\": ");
        sw_buf_json_str(out, m->scope);
        if (m->weekly) {
            sw_buf_printf(out,
                          ", \"weekly\": {\"day\": \"%s\", \"start\": \"%02d:%02d\", "
                          "\"duration\": \"%s\"}, \"timezone\": ",
                          days[m->weekday % 7], m->start_s / 3600, m->start_s / 60 % 60,
                          sw_duration_format(m->duration_s * 1000, d));
            sw_buf_json_str(out, m->timezone);
        } else {
            sw_buf_printf(out, ", \"start\": \"%s\", \"end\": \"%s\"", sw_time_format(m->start, a),
                          sw_time_format(m->end, e));
        }
        sw_buf_puts(out, ", \"reason\": ");
        if (m->reason) {
            sw_buf_json_str(out, m->reason);
        } else {
            sw_buf_puts(out, "null");
        }
        sw_buf_printf(out, ", \"excluded\": %s, \"source\": \"config\"}",
                      m->excluded ? "true" : "false");
    }
    for (size_t i = 0; i < n_rows; i++) {
        if (customer && !sw_account_scope_covers(customer, rows[i].scope)) {
            continue;
        }
        if (shown++) {
            sw_buf_puts(out, ", ");
        }
        sw_account_maint_row_json(&rows[i], out);
    }
    sw_buf_puts(out, "]");
}

void sw_account_alerts_json(const struct sw_alert_row *v, size_t n, struct sw_buf *out)
{
    char a[SW_TIME_LEN], d1[32], d2[32];

    sw_buf_puts(out, "[");
    for (size_t i = 0; i < n; i++) {
        sw_buf_printf(out, "%s{\"service\": ", i ? ", " : "");
        sw_buf_json_str(out, v[i].service);
        sw_buf_printf(
            out,
            ", \"severity\": \"%s\", \"long\": \"%s\", \"short\": \"%s\", "
            "\"factor\": %.3f, \"state\": \"%s\", \"burn_long\": %.6g, "
            "\"burn_short\": %.6g, \"exhaustion_s\": ",
            v[i].page ? "page" : "ticket", sw_duration_format(v[i].long_s * 1000, d1),
            sw_duration_format(v[i].short_s * 1000, d2), v[i].factor_milli / 1000.0,
            v[i].no_data ? "no_data" : "firing",
            v[i].burn_long == v[i].burn_long && v[i].burn_long < 1e300 ? v[i].burn_long : 0.0,
            v[i].burn_short == v[i].burn_short && v[i].burn_short < 1e300 ? v[i].burn_short : 0.0);
        if (v[i].exhaustion_s >= 0 && !v[i].no_data) {
            sw_buf_printf(out, "%lld", (long long)v[i].exhaustion_s);
        } else {
            sw_buf_puts(out, "null");
        }
        sw_buf_printf(out, ", \"since\": \"%s\"}", sw_time_format(v[i].since, a));
    }
    sw_buf_puts(out, "]");
}
