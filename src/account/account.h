/* SPDX-License-Identifier: Apache-2.0 */
/* account.h: the SLA statement of a customer for a period, read from the store and computed
 * with src/sla (one service at a time, so memory does not grow with the history); the
 * monthly report model for src/report; the burn-rate evaluation of every objective; and
 * maintenance windows gathered from the configuration and the store. Used by the CLI and the
 * API. Reads only: the state engine stays the only writer of state. */
#ifndef SW_ACCOUNT_H
#define SW_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "report/report.h"
#include "sla/sla.h"
#include "store/store.h"

/* The time zone a customer's periods are counted in: the contract's, else the customer's,
 * else UTC. */
const char *sw_account_tz(const struct sw_customer_conf *cu);

/* Parses "YYYY-MM" (01..12) into its calendar month in tz. 0 or -EINVAL. */
int sw_account_month(const char *tz, const char *yyyy_mm, int *ret_year, int *ret_month,
                     int64_t *ret_from, int64_t *ret_to);

/* Writes t as ISO 8601 with tz's offset at that instant ("2026-10-01T00:00:00+02:00").
 * out: at least SW_TIME_LEN bytes. */
char *sw_account_time(int64_t t, const char *tz, char *out);

/* Adds to l every maintenance window (configuration and store) whose scope covers service
 * s, overlapping [from, to). Weekly rules are expanded in their time zone. Not merged. */
int sw_account_windows(const struct sw_config *cfg, const struct sw_maint_row *rows, size_t n_rows,
                       const struct sw_service_conf *s, int64_t from, int64_t to,
                       struct sw_window_list *l);

/* True when scope ("acme", "acme/fra1", "acme/fra1/identity") covers service path. */
bool sw_account_scope_covers(const char *scope, const char *service_path);

struct sw_account_line {
    const struct sw_service_conf *service;
    const struct sw_objective_conf *objective;
    struct sw_sla_result r;
    uint32_t credit_ppm;
    /* with detail: outages and the time line, owned */
    struct sw_sla_detail detail;
    /* excluded and counted maintenance that touched the period, merged, owned */
    struct sw_window *windows;
    size_t n_windows;
};

struct sw_statement {
    struct sw_config *cfg; /* a reference */
    const struct sw_customer_conf *customer;
    const struct sw_contract_conf *contract;
    const char *tz;
    int64_t from;
    int64_t to;
    int64_t now;
    struct sw_account_line *lines; /* services with an objective, in config order */
    size_t n_lines;
    uint32_t credit_ppm;  /* the highest tier any service reached */
    int64_t credit_minor; /* fee * credit, floored; -1 without a fee */
};

/* Computes the statement of customer for [from, to) as known at now: every service covered
 * by an objective of the customer's contract (and matching service_glob over
 * "deployment/service" when not NULL). detail keeps outages, time lines and windows.
 * Errors (message in err): -ENOENT unknown customer, -EINVAL no contract or a bad range,
 * -EIO store. Free with sw_statement_free(). */
int sw_account_statement(struct sw_config *cfg, struct sw_store *store, const char *customer,
                         int64_t from, int64_t to, int64_t now, const char *service_glob,
                         bool detail, struct sw_buf *err, struct sw_statement **ret);
void sw_statement_free(struct sw_statement *st);

/* The accounting rules of the contract in one or two sentences, written in every report. */
void sw_account_policy_text(const struct sw_contract_conf *ct, struct sw_buf *out);

/* Output of `stackward sla` and GET /api/v1/customers/{id}/sla. */
void sw_statement_json(const struct sw_statement *st, struct sw_buf *out);
void sw_statement_csv(const struct sw_statement *st, struct sw_buf *out);
void sw_statement_table(const struct sw_statement *st, struct sw_buf *out);

/* The monthly report of customer for year-month (with the 11 months before it for the
 * trend). On success *ret is a model for src/report, freed with sw_account_report_free(). */
struct sw_account_report;
int sw_account_report(struct sw_config *cfg, struct sw_store *store, const char *customer, int year,
                      int month, int64_t now, struct sw_buf *err, struct sw_account_report **ret);
const struct sw_report *sw_account_report_model(const struct sw_account_report *r);
void sw_account_report_free(struct sw_account_report *r);

/* Evaluates the burn-rate rules of every objective's services at now (windows over the
 * trailing 30 days' rules, as DOMAIN B4 says: rolling even for calendar-month contracts).
 * previous (may be NULL) carries "since" over for alerts still firing. *ret holds the alerts
 * firing or without data (free with sw_alert_rows_free()). */
int sw_account_burn(struct sw_config *cfg, struct sw_store *store, int64_t now,
                    const struct sw_alert_row *previous, size_t n_previous,
                    struct sw_alert_row **ret, size_t *ret_n);

/* True when scope names a customer, customer/deployment or service of cfg. */
bool sw_account_scope_exists(const struct sw_config *cfg, const char *scope);

/* Maintenance windows as JSON: the configuration's (id null; weekly ones as rules) and the
 * store's rows, those of customer only when not NULL. */
void sw_account_maint_json(const struct sw_config *cfg, const struct sw_maint_row *rows,
                           size_t n_rows, const char *customer, struct sw_buf *out);
void sw_account_maint_row_json(const struct sw_maint_row *m, struct sw_buf *out);
/* Burn-rate alerts as a JSON array. */
void sw_account_alerts_json(const struct sw_alert_row *v, size_t n, struct sw_buf *out);

#endif
