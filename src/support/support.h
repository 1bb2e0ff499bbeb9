/* SPDX-License-Identifier: Apache-2.0 */
/* support.h: support cases and changes as the team and its customers work them, over the
 * store: opening and acting on cases (respond, comment, status, assign), each action at the
 * present or at a past time (`--at`, to bring a history over from another tool), never before
 * the case's previous event nor in the future; the contract's timers of a case (first
 * response, updates, resolution, on its calendar: cases.h does the arithmetic); the case an
 * incident opens when the contract asks for it; changes (planned operations on a deployment,
 * ok or failed, or failed because an incident followed them). The rules: docs/cases.md. */
#ifndef SW_SUPPORT_H
#define SW_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/cases.h"
#include "config/config.h"
#include "core/core.h"
#include "health/health.h"
#include "store/store.h"

#define SW_CASE_TEXT_MAX 65536 /* bytes of a comment or description */
#define SW_CASE_TITLE_MAX 512

/* "CASE-7" into out (at least 24 bytes); the reverse takes "CASE-7" or "7". */
char *sw_case_name(int64_t id, char *out);
int sw_case_parse_name(const char *s, int64_t *ret_id);
/* "INC-42" or "42" to 42: 0 or -EINVAL. */
int sw_inc_id_parse(const char *s, int64_t *ret_id);
/* "CHG-7", and the reverse ("CHG-7" or "7"). */
char *sw_change_name(int64_t id, char *out);
int sw_change_parse_name(const char *s, int64_t *ret_id);

/* Who acts: an engineer of the configuration, or the customer of the case (through its
 * token: customer is then set and only that customer's cases can be touched). */
struct sw_actor {
    const char *engineer; /* engineer id, or NULL */
    const char *customer; /* customer id for a customer's token, or NULL */
};

struct sw_case_new {
    const char *customer;
    const char *deployment; /* "acme/fra1" or "fra1", or NULL */
    const char *service;    /* "acme/fra1/api" or "fra1/api", or NULL */
    int severity;           /* 1 .. 4 */
    const char *title;
    const char *description; /* or NULL */
    int64_t at;              /* when it was opened (s); 0: now */
    int64_t incident;        /* the incident that opens it, or 0 */
};

/* Opens a case (status new). Errors (with a one-line reason in err): -EINVAL bad input
 * (unknown customer, deployment or service, severity, empty or too long title, a time in the
 * future), -EPERM (a customer's token for another customer), -EEXIST (the incident already
 * has its case), -EIO. */
int sw_case_open(struct sw_store *s, const struct sw_config *cfg, const struct sw_actor *who,
                 const struct sw_case_new *c, int64_t now, struct sw_buf *err, int64_t *ret_id);

enum sw_case_verb {
    SW_CASE_RESPOND = 0,  /* a public reply by the team; a new case becomes open */
    SW_CASE_COMMENT = 1,  /* a public comment (the team's is a reply; the customer's moves a
                             case waiting on the customer back to open) */
    SW_CASE_INTERNAL = 2, /* an internal comment (the team only) */
    SW_CASE_STATUS = 3,   /* a new status (a resolved or closed case re-opens to open) */
    SW_CASE_ASSIGN = 4,   /* assign to an engineer */
    SW_CASE_LINK = 5,     /* link to an incident ("INC-42" in text) */
};

struct sw_case_action {
    enum sw_case_verb verb;
    const char *text;           /* comment text; engineer id for ASSIGN */
    enum sw_case_status status; /* STATUS */
    int64_t at;                 /* s; 0: now */
};

/* Acts on case id. -ENOENT no such case (also another customer's case for a customer's token:
 * its existence is not revealed), -EINVAL bad input or an action the case's state refuses
 * (a comment on a closed case, the status it already has, a time before its last event or in
 * the future, an internal comment by a customer), -EIO. */
int sw_case_act(struct sw_store *s, const struct sw_config *cfg, const struct sw_actor *who,
                int64_t id, const struct sw_case_action *a, int64_t now, struct sw_buf *err);

/* The case an incident opens when its customer's contract says auto_case_on_incident: severity
 * 1, titled after the incident, linked to it. 0 when opened or not wanted; -EIO. Opening it
 * twice for one incident opens one case. */
int sw_case_for_incident(struct sw_store *s, const struct sw_config *cfg,
                         const struct sw_incident *inc, int64_t now);

/* Records, once each, the warning (the contract's warn_at share of a goal used) and the
 * breach of every timer of the open cases at now, as events in the case's history (author
 * "stackward", internal: the customer does not see them and no clock moves) and a log line,
 * and tells fn (may be NULL) of each after it is recorded.
 * *ret_warnings and *ret_breaches (may be NULL) get how many were recorded. 0 or -EIO. */
typedef void (*sw_case_watch_fn)(void *arg, const struct sw_case_row *c, bool breach,
                                 const char *text, int64_t t);
int sw_case_watch(struct sw_store *s, const struct sw_config *cfg, int64_t now,
                  size_t *ret_warnings, size_t *ret_breaches, sw_case_watch_fn fn, void *arg);
/* Whether case c (with its events) still has a timer that runs past its warning share at now:
 * false once the team answered, or the case was resolved. */
bool sw_case_needs_attention(const struct sw_config *cfg, const struct sw_case_row *c,
                             const struct sw_case_event_row *ev, size_t n, int64_t now);

/* The timers of a case at now: one per metric its contract's terms for its severity set
 * (first response, update when update_every is set, resolution); n 0 when the contract has no
 * terms for it. Events are the store's rows (assign and link rows are skipped). */
struct sw_case_timers {
    bool have[SW_CASE_METRIC_COUNT];
    struct sw_case_timer t[SW_CASE_METRIC_COUNT];
    const struct sw_support_conf *terms; /* or NULL */
};
int sw_case_timers(const struct sw_config *cfg, const struct sw_case_row *c,
                   const struct sw_case_event_row *ev, size_t n, int64_t now,
                   struct sw_case_timers *ret, struct sw_buf *err);
void sw_case_timers_release(struct sw_case_timers *t);

/* JSON: a case ({id, number, customer, deployment, service, severity, title, description,
 * status, assignee, opened_by, created, reopened, incident, timers: {first_response, update,
 * resolution: {goal_s, elapsed_s, remaining_s, due, warn_at, warned, breached, running,
 * paused, met, breaches}}}), with "events" when ev is not NULL; internal comments are left out
 * when public_only. */
void sw_case_json(const struct sw_config *cfg, const struct sw_case_row *c,
                  const struct sw_case_event_row *ev, size_t n, int64_t now, bool public_only,
                  struct sw_buf *out);

/* ---- changes ---- */

/* Starts a change on deployment (a path) at at (0: now), by engineer: -EINVAL (unknown
 * deployment or engineer, empty title, a future time), -EIO. */
int sw_change_start(struct sw_store *s, const struct sw_config *cfg, const char *deployment,
                    const char *title, const char *engineer, int64_t at, int64_t now,
                    struct sw_buf *err, int64_t *ret_id);
/* Finishes change id with ok (true) or failed: -ENOENT, -EALREADY, -EINVAL (a time before its
 * start or in the future), -EIO. */
int sw_change_finish(struct sw_store *s, int64_t id, bool ok, const char *note, int64_t at,
                     int64_t now, struct sw_buf *err);

/* Whether a finished change counts as failed: its own result, or an incident opened on its
 * deployment within cfg->change_failure_window_s after it finished (*ret_incident gets the
 * first such incident's id, 0 when none). */
bool sw_change_failed(const struct sw_config *cfg, const struct sw_change_row *c,
                      const struct sw_incident *incidents, size_t n, int64_t *ret_incident);

void sw_change_json(const struct sw_config *cfg, const struct sw_change_row *c,
                    const struct sw_incident *incidents, size_t n, struct sw_buf *out);

/* ---- the team's health ---- */

enum sw_format_kind {
    SW_TEAM_TABLE = 0,
    SW_TEAM_JSON = 1,
    SW_TEAM_CSV = 2,
};

/* The manager's view of [from, to) (and the previous period of equal length for the trend),
 * of the whole team or of one engineer (their pages, shifts and assigned cases): every
 * indicator of health.h with its value, the previous value, a status against
 * cfg->thresholds and a trend, appended to out as a table, JSON or CSV. Cases are judged by
 * their timers as they stood at the period's end (or now, when earlier). -EINVAL (message in
 * err) for an empty period or an unknown engineer, -EIO for the store. docs/health.md. */
int sw_team_health(struct sw_store *s, struct sw_config *cfg, int64_t from, int64_t to,
                   const char *engineer, int64_t now, enum sw_format_kind fmt, struct sw_buf *out,
                   struct sw_buf *err);

/* One indicator of the team's health, as data (for the web UI). */
struct sw_team_row {
    enum sw_health_indicator ind;
    const char *unit; /* "s", "ppm", "milli", "count" or "bucket" (static) */
    bool has;         /* a value for the period (else no data) */
    int64_t value;    /* in unit */
    bool has_prev;    /* a value for the previous period */
    int64_t prev;
    struct sw_health_verdict verdict; /* status and trend against cfg->thresholds */
    char value_text[48];              /* for people: "12m", "25.0%", "1.50", "weekly"; "-" */
    char prev_text[48];
};

/* What sw_team_health() tells, as data: rows[i] (room for SW_HEALTH_INDICATORS) for indicator
 * i, and the previous period in *ret_pfrom, *ret_pto (may be NULL). Errors as
 * sw_team_health(); rows are untouched on error. */
int sw_team_health_rows(struct sw_store *s, struct sw_config *cfg, int64_t from, int64_t to,
                        const char *engineer, int64_t now, struct sw_team_row *rows,
                        int64_t *ret_pfrom, int64_t *ret_pto, struct sw_buf *err);

#endif
