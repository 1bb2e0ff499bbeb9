/* SPDX-License-Identifier: Apache-2.0 */
/* health.h: the team health indicators of the manager's view (DOMAIN B7-B10) as pure
 * functions: MTTA/MTTR/TTM, interruptions and after-hours share, incidents per 12-hour shift,
 * on-call load and load balance, case compliance and backlog, delivery (DORA), and a
 * green/amber/red status with a trend per indicator. No clock, no store, no config: records,
 * periods and thresholds come in as arguments. Time is int64 Unix seconds UTC, periods are
 * half-open [from, to), ratios are ppm (1,000,000 = 100 %), rounded down. Strings in the input
 * records are borrowed and never kept. The definitions with worked numbers are in
 * docs/health.md. */
#ifndef SW_HEALTH_H
#define SW_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_HEALTH_PPM 1000000
/* Longest period: 3660 days, so every product below stays far inside int64. */
#define SW_HEALTH_SPAN_MAX ((int64_t)3660 * 86400)
/* Most records of one kind handed to one call (-E2BIG beyond). */
#define SW_HEALTH_RECORDS_MAX 1000000
/* Most engineers and most working-hour windows per engineer (-E2BIG beyond). */
#define SW_HEALTH_ENGINEERS_MAX 10000
#define SW_HEALTH_WINDOWS_MAX 64
/* Severities run 1 (worst) .. SW_HEALTH_SEVERITIES. */
#define SW_HEALTH_SEVERITIES 4

/* Every function returns 0, or -EINVAL for a bad period (from >= to, to - from >
 * SW_HEALTH_SPAN_MAX), a NULL array with a count above 0, or a malformed record (each record
 * type says what it must satisfy; the offending record's id is logged at debug level), or
 * -E2BIG past a cap above. On error the result is unspecified but needs no release beyond
 * what the function documents. */

/* ---- duration statistics ---- */

/* n samples of a duration (s). With n = 0 every other field is 0.
 * median: the middle value of the sorted samples; for an even n the mean of the two middle
 *         values, rounded down to the second (45 min and 100 min give 72.5 min = 4350 s).
 * p90:    nearest rank: the sorted value at 1-based rank ceil(0.9 * n) (2, 4, 30 min: rank 3,
 *         30 min; 10 samples: rank 9).
 * mean:   sum / n rounded down. */
struct sw_health_stats {
    size_t n;
    int64_t median; /* s */
    int64_t p90;    /* s */
    int64_t mean;   /* s */
    int64_t min;    /* s */
    int64_t max;    /* s */
};

/* Fills *ret from v[0..n) (left unchanged; any order, may be negative). NULL v only with n = 0.
 * -EINVAL for NULL v with n > 0, -E2BIG for n > SW_HEALTH_RECORDS_MAX. */
int sw_health_stats(const int64_t *v, size_t n, struct sw_health_stats *ret);

/* ---- incidents: MTTA, MTTM, MTTR (DOMAIN B7) ---- */

struct sw_health_incident {
    const char *id;         /* non-NULL */
    const char *customer;   /* may be NULL (team-wide) */
    const char *deployment; /* may be NULL; used by sw_health_delivery()'s window rule */
    const char *service;    /* may be NULL */
    int severity;           /* 1..4 */
    int64_t triggered_at;   /* s, > 0 */
    int64_t acked_at;       /* s, 0 = never acknowledged, else >= triggered_at */
    int64_t mitigated_at;   /* s, 0 = not yet, else >= triggered_at */
    int64_t resolved_at;    /* s, 0 = still open, else >= triggered_at (and >= mitigated_at) */
    bool test;              /* a test incident: left out of every indicator */
    const char *caused_by_change; /* id of the change that caused it, or NULL */
};

/* Restricts sw_health_mttx() to one customer, service and/or severity (NULL / 0: any). */
struct sw_health_filter {
    const char *customer;
    const char *service;
    int severity; /* 0 = any, else 1..4 */
};

struct sw_health_times {
    struct sw_health_stats tta; /* acked_at - triggered_at, acknowledged incidents only */
    struct sw_health_stats ttm; /* mitigated_at - triggered_at, mitigated incidents only */
    struct sw_health_stats ttr; /* resolved_at - triggered_at, resolved incidents only */
};

struct sw_health_mttx {
    size_t incidents;    /* counted: triggered in [from, to), not test, matching the filter */
    size_t unacked;      /* of those, never acknowledged (left out of tta) */
    size_t unresolved;   /* of those, still open (left out of ttr) */
    size_t test_skipped; /* test incidents triggered in the period, left out */
    struct sw_health_times all;
    struct sw_health_times sev[SW_HEALTH_SEVERITIES]; /* [severity - 1] */
};

/* Incidents triggered in [from, to), not flagged test, matching filter (NULL: all). An
 * incident's durations count in the period it was triggered in, even when it is acknowledged
 * or resolved later. A record must have an id, severity 1..4, triggered_at > 0 and every set
 * time at or after triggered_at (resolved_at also at or after mitigated_at): else -EINVAL. */
int sw_health_mttx(const struct sw_health_incident *inc, size_t n, int64_t from, int64_t to,
                   const struct sw_health_filter *filter, struct sw_health_mttx *ret);

/* ---- engineers, notifications, shifts ---- */

/* A weekly working-hours window in the engineer's local time: [start_s, end_s) seconds after
 * local midnight on weekday. Windows may overlap; a window cannot cross midnight (use two). */
struct sw_health_window {
    int weekday;   /* 0 = Sunday .. 6 = Saturday */
    int32_t start; /* s from local midnight, 0..86399 */
    int32_t end;   /* s from local midnight, start < end <= 86400 */
};

struct sw_health_engineer {
    const char *id; /* non-NULL, unique */
    const char *tz; /* IANA zone (sw_tz_valid()) */
    /* Working hours; n_hours = 0 means Monday-Friday 08:00-18:00 local (the BUSINESS class). */
    const struct sw_health_window *hours;
    size_t n_hours; /* <= SW_HEALTH_WINDOWS_MAX */
};

enum sw_health_channel {
    SW_HEALTH_PUSH = 0,
    SW_HEALTH_SMS = 1,
    SW_HEALTH_PHONE = 2,
    SW_HEALTH_EMAIL = 3,
    SW_HEALTH_CHAT = 4,
};

struct sw_health_notification {
    const char *incident; /* incident id, non-NULL */
    const char *engineer; /* engineer id, non-NULL; must be one of the engineers passed */
    int64_t t;            /* s, when it was sent */
    enum sw_health_channel channel;
};

enum sw_health_role {
    SW_HEALTH_PRIMARY = 0,
    SW_HEALTH_SECONDARY = 1,
};

struct sw_health_shift {
    const char *engineer; /* engineer id, non-NULL; must be one of the engineers passed */
    int64_t start;        /* s */
    int64_t end;          /* s, > start */
    enum sw_health_role role;
};

/* ---- interruptions (DOMAIN B8) ---- */

/* Interruptions: notifications on PUSH, SMS or PHONE sent in [from, to), deduplicated per
 * engineer: one sent less than 60 s after the engineer's previous counted one merges into it
 * (at exactly 60 s it counts anew). Each is classified by the engineer's local time:
 * SLEEP 22:00-08:00 any day (first), else BUSINESS Monday-Friday 08:00-18:00, else OFF. */
#define SW_HEALTH_DEDUP_S 60
struct sw_health_interrupts {
    size_t total;
    size_t sleep;
    size_t business;
    size_t off;
    size_t outside_hours;       /* outside the engineer's own working hours */
    uint32_t after_hours_ppm;   /* (off + sleep) * 1e6 / total, 0 when total = 0 */
    uint32_t outside_hours_ppm; /* outside_hours * 1e6 / total, 0 when total = 0 */
    size_t disrupted_hours;     /* distinct (engineer, local clock hour) holding an interruption */
    size_t sleep_hours;         /* of those, the ones that are SLEEP hours */
};

/* Team totals in *ret_team; when ret_per is not NULL it is an array of n_eng filled per
 * engineer in eng[]'s order. Engineers need a unique id, a valid zone and valid windows;
 * notifications an engineer in eng[] and a known channel: else -EINVAL (-ENOENT for a
 * notification to an engineer not in eng[]). */
int sw_health_interrupts(const struct sw_health_notification *nt, size_t n_nt,
                         const struct sw_health_engineer *eng, size_t n_eng, int64_t from,
                         int64_t to, struct sw_health_interrupts *ret_team,
                         struct sw_health_interrupts *ret_per);

/* ---- incidents per 12-hour shift (DOMAIN B8) ---- */

#define SW_HEALTH_SHIFT_WINDOW_S 43200 /* 12 h */
#define SW_HEALTH_SHIFT_STEP_S 3600    /* the sliding window moves by 1 h */
#define SW_HEALTH_SHIFT_CAP 2          /* more incidents than this in 12 h breaches */

/* One shift clipped to [from, to). An incident counts in the shift when any notification of it
 * (any channel) reached the shift's engineer inside the clipped shift; its time is the first
 * such notification. Windows of 12 h start at the clipped start and every hour after while
 * they fit; when the clipped shift is not a whole number of hours one more ends at its end;
 * a shift shorter than 12 h is one window. */
struct sw_health_shift_load {
    int64_t start;            /* s, clipped */
    int64_t end;              /* s, clipped; start == end when the shift lies outside the period */
    size_t incidents;         /* distinct incidents */
    size_t pages;             /* interruptions (deduplicated as sw_health_interrupts()) */
    int64_t per12h_milli;     /* incidents * 43200 * 1000 / (end - start), rounded down */
    size_t max_window;        /* most incidents in one 12 h window */
    int64_t max_window_start; /* s, the first window holding max_window (start when none) */
    bool breach;              /* max_window > SW_HEALTH_SHIFT_CAP */
};

/* Over the PRIMARY shifts overlapping [from, to). */
struct sw_health_shifts {
    size_t shifts;
    size_t breaches;      /* shifts with breach */
    size_t incidents;     /* sum over those shifts */
    int64_t oncall_s;     /* sum of their clipped lengths */
    int64_t per12h_milli; /* incidents * 43200 * 1000 / oncall_s, 0 when oncall_s = 0 */
};

/* ret_per, when not NULL, is an array of n_sh filled in sh[]'s order (secondary shifts too).
 * Errors as sw_health_interrupts(), plus -EINVAL for a shift with end <= start or an unknown
 * role. */
int sw_health_shifts(const struct sw_health_shift *sh, size_t n_sh,
                     const struct sw_health_notification *nt, size_t n_nt,
                     const struct sw_health_engineer *eng, size_t n_eng, int64_t from, int64_t to,
                     struct sw_health_shifts *ret_team, struct sw_health_shift_load *ret_per);

/* ---- support cases (compliance, backlog, re-opens) ---- */

enum sw_health_met {
    SW_HEALTH_PENDING = 0, /* the target is still running: counts neither way */
    SW_HEALTH_MET = 1,
    SW_HEALTH_MISSED = 2, /* breached (also while still running: the timer says so) */
};

struct sw_health_case {
    const char *id;       /* non-NULL */
    const char *customer; /* non-NULL */
    const char *assignee; /* engineer id or NULL */
    int severity;         /* 1..4 */
    int64_t created;      /* s, > 0 */
    enum sw_health_met first_response;
    enum sw_health_met resolution;
    int64_t resolved_at; /* s, 0 = open now, else >= created (the last resolution) */
    int reopened;        /* times re-opened, >= 0 */
};

struct sw_health_compliance {
    size_t cases;  /* cases counted */
    size_t fr_met; /* first response met */
    size_t fr_missed;
    size_t res_met; /* resolution met */
    size_t res_missed;
    uint32_t fr_ppm;  /* fr_met * 1e6 / (fr_met + fr_missed); 0 when nothing decided */
    uint32_t res_ppm; /* res_met * 1e6 / (res_met + res_missed); 0 when nothing decided */
    bool fr_defined;  /* fr_met + fr_missed > 0 */
    bool res_defined;
};

struct sw_health_customer_compliance {
    const char *customer; /* borrowed from the case records */
    struct sw_health_compliance c;
};

/* Compliance over the cases created in [from, to). */
struct sw_health_cases {
    struct sw_health_compliance all;
    struct sw_health_compliance sev[SW_HEALTH_SEVERITIES]; /* [severity - 1] */
    struct sw_health_customer_compliance *customers;       /* owned, sorted by customer */
    size_t n_customers;
    /* Re-open rate over the cases created in [from, to) that were ever resolved (resolved_at
     * set or reopened > 0): those re-opened at least once, as a share. */
    size_t resolved_ever;
    size_t reopened;
    uint32_t reopen_ppm; /* reopened * 1e6 / resolved_ever, 0 when resolved_ever = 0 */
};

/* Fills *ret (release with sw_health_cases_release(), also after an error). A case needs an
 * id, a customer, severity 1..4, created > 0, known met values, resolved_at 0 or >= created
 * and reopened >= 0: else -EINVAL. */
int sw_health_cases(const struct sw_health_case *cs, size_t n, int64_t from, int64_t to,
                    struct sw_health_cases *ret);
void sw_health_cases_release(struct sw_health_cases *c);

/* The open backlog at the instant at: cases with created <= at and (resolved_at = 0 or
 * resolved_at > at); age = at - created. Errors as sw_health_cases() (at must be > 0). */
struct sw_health_backlog {
    size_t open;
    size_t sev[SW_HEALTH_SEVERITIES]; /* open per severity */
    struct sw_health_stats age;       /* s */
};
int sw_health_backlog(const struct sw_health_case *cs, size_t n, int64_t at,
                      struct sw_health_backlog *ret);

/* ---- on-call load and load balance ---- */

struct sw_health_person_load {
    int64_t oncall_s;        /* union of the engineer's shifts (any role) inside [from, to) */
    uint32_t oncall_ppm;     /* oncall_s * 1e6 / (to - from) */
    size_t pages;            /* interruptions in [from, to) (sw_health_interrupts()) */
    uint32_t page_share_ppm; /* pages * 1e6 / team pages, 0 when there are none */
    size_t cases;            /* case work: assigned cases open at some time in [from, to) */
    uint32_t case_share_ppm; /* cases * 1e6 / team cases, 0 when there are none */
};

/* Unevenness is the coefficient of variation (population standard deviation / mean) of each
 * engineer's work w_i, over every engineer passed (idle ones included), rounded to the nearest
 * ppm: 0 = perfectly even; one person doing all of it among n gives sqrt(n - 1). The work of an
 * engineer is their page share plus their case share (w_i = pages_i / P + cases_i / C; a kind
 * with no work at all in the team is left out). */
struct sw_health_balance {
    size_t engineers;
    size_t pages;              /* team total */
    size_t cases;              /* team total (cases without an assignee are not case work) */
    uint32_t max_oncall_ppm;   /* the highest oncall_ppm */
    int64_t cv_ppm;            /* the unevenness figure (0 when there is no work at all) */
    int64_t cv_pages_ppm;      /* the same over pages alone */
    int64_t cv_cases_ppm;      /* the same over case work alone */
    int64_t max_over_mean_ppm; /* the busiest engineer's w_i / mean w (informative) */
};

/* ret_per is an array of n_eng filled in eng[]'s order (required). A case assigned to an id
 * not in eng[] counts for nobody (a former team member); a shift or notification of an unknown
 * engineer is -ENOENT. Other errors as sw_health_interrupts() and sw_health_cases(). */
int sw_health_balance(const struct sw_health_engineer *eng, size_t n_eng,
                      const struct sw_health_shift *sh, size_t n_sh,
                      const struct sw_health_notification *nt, size_t n_nt,
                      const struct sw_health_case *cs, size_t n_cs, int64_t from, int64_t to,
                      struct sw_health_balance *ret_team, struct sw_health_person_load *ret_per);

/* ---- delivery (DOMAIN B9) ---- */

struct sw_health_change {
    const char *id;         /* non-NULL */
    const char *customer;   /* may be NULL */
    const char *deployment; /* may be NULL (then the window rule cannot apply) */
    int64_t t;              /* s, > 0: when it was deployed (finished) */
    bool success;           /* the operation's own result */
    bool unplanned;         /* a hotfix or other change made outside the plan */
    /* The incident this change answers (a hotfix), or NULL. Not a cause: an incident names
     * its cause in caused_by_change. */
    const char *fixes;
    /* Lead-time inputs: commit (or request) times of what the change carried; <= 0 unknown. */
    const int64_t *committed;
    size_t n_committed; /* <= SW_HEALTH_WINDOWS_MAX */
};

enum sw_health_freq {
    SW_HEALTH_YEARLY = 0,
    SW_HEALTH_MONTHLY = 1,
    SW_HEALTH_WEEKLY = 2,
    SW_HEALTH_DAILY = 3,
};

/* Over the changes deployed in [from, to). An incident (never a test one) is caused by a
 * counted change when it names the change in caused_by_change, or, with window_s > 0, when it
 * is on the change's deployment and triggered in [t, t + window_s). A change fails when its
 * result is not success or it caused an incident. */
struct sw_health_delivery {
    size_t changes;
    int64_t per_day_milli; /* changes * 86400 * 1000 / (to - from), rounded down */
    /* Four Keys bucket: cut [from, to) into 7-day blocks from from (the last may be shorter);
     * DAILY when the median count of distinct days (1-day blocks from from) with a change per
     * block is >= 3, else WEEKLY when the median of "block has a change" (1/0) is >= 1, else
     * the same over 30-day blocks gives MONTHLY, else YEARLY. */
    enum sw_health_freq bucket;
    size_t failed;
    uint32_t failure_ppm; /* failed * 1e6 / changes, 0 when no changes */
    size_t rework;        /* unplanned changes that answer an incident (fixes set) */
    uint32_t rework_ppm;  /* rework * 1e6 / changes */
    /* Time to restore: resolved_at - min(triggered_at, change t) per resolved causing
     * incident (each incident once, against its earliest causing change). */
    struct sw_health_stats restore;
    /* Lead time: t - committed over every (change, commit) pair, values <= 0 dropped. */
    struct sw_health_stats lead;
    size_t lead_dropped; /* pairs dropped as <= 0 */
};

/* Changes need an id, t > 0, n_committed within the cap (committed non-NULL when > 0);
 * incidents as sw_health_mttx(); window_s >= 0: else -EINVAL. */
int sw_health_delivery(const struct sw_health_change *ch, size_t n_ch,
                       const struct sw_health_incident *inc, size_t n_inc, int64_t window_s,
                       int64_t from, int64_t to, struct sw_health_delivery *ret);

/* ---- status and trend ---- */

/* Every indicator that gets a status. The unit of its value is in brackets. */
enum sw_health_indicator {
    SW_HEALTH_MTTA = 0,            /* median TTA [s] */
    SW_HEALTH_MTTM,                /* median TTM [s] */
    SW_HEALTH_MTTR,                /* median TTR [s] */
    SW_HEALTH_AFTER_HOURS,         /* after_hours_ppm [ppm] */
    SW_HEALTH_OUTSIDE_HOURS,       /* outside_hours_ppm [ppm] */
    SW_HEALTH_INCIDENTS_PER_SHIFT, /* per12h_milli over primary shifts [1/1000 incident] */
    SW_HEALTH_SHIFT_BREACHES,      /* shifts with > 2 incidents in a 12 h window [count] */
    SW_HEALTH_ONCALL_LOAD,         /* max_oncall_ppm [ppm] */
    SW_HEALTH_UNEVENNESS,          /* cv_ppm [ppm] */
    SW_HEALTH_FIRST_RESPONSE,      /* fr_ppm [ppm], higher is better */
    SW_HEALTH_RESOLUTION,          /* res_ppm [ppm], higher is better */
    SW_HEALTH_BACKLOG_SIZE,        /* open cases [count] */
    SW_HEALTH_BACKLOG_AGE,         /* p90 age of the open cases [s] */
    SW_HEALTH_REOPEN_RATE,         /* reopen_ppm [ppm] */
    SW_HEALTH_SLA_MET,             /* share of customer SLA objectives met [ppm], higher better */
    SW_HEALTH_CHANGE_FREQUENCY,    /* enum sw_health_freq [bucket], higher is better */
    SW_HEALTH_CHANGE_FAILURE,      /* failure_ppm [ppm] */
    SW_HEALTH_TIME_TO_RESTORE,     /* median restore [s] */
    SW_HEALTH_LEAD_TIME,           /* median lead time [s] */
};
#define SW_HEALTH_INDICATORS 19

/* lower is better: green when value <= green, amber when value <= amber, else red (green <=
 * amber); higher is better: green when value >= green, amber when value >= amber, else red
 * (green >= amber). A trend within +-flat of the previous value is flat. */
struct sw_health_threshold {
    bool higher_is_better;
    int64_t green;
    int64_t amber;
    int64_t flat; /* >= 0, in the indicator's unit */
};

/* The documented default thresholds of ind (a static table). NULL for an unknown ind. */
const struct sw_health_threshold *sw_health_default_threshold(enum sw_health_indicator ind);
/* -EINVAL when green and amber are in the wrong order for the direction, or flat < 0. */
int sw_health_threshold_check(const struct sw_health_threshold *th);
/* Config and JSON names: "mtta", "mttm", "mttr", "after_hours_share", "outside_hours_share",
 * "incidents_per_shift", "shift_breaches", "oncall_load", "unevenness",
 * "first_response_compliance", "resolution_compliance", "backlog_size", "backlog_age",
 * "reopen_rate", "sla_met", "change_frequency", "change_failure_rate", "time_to_restore",
 * "lead_time". NULL for an unknown ind. */
const char *sw_health_indicator_name(enum sw_health_indicator ind);
/* The inverse; -EINVAL for an unknown name. */
int sw_health_indicator_parse(const char *name, enum sw_health_indicator *ret);
const char *sw_health_freq_name(enum sw_health_freq f); /* "daily" .. "yearly" */

enum sw_health_status {
    SW_HEALTH_NONE = 0, /* no value (no data in the period): no colour */
    SW_HEALTH_GREEN = 1,
    SW_HEALTH_AMBER = 2,
    SW_HEALTH_RED = 3,
};

enum sw_health_trend {
    SW_HEALTH_NO_TREND = 0, /* no value now or in the previous period */
    SW_HEALTH_FLAT = 1,
    SW_HEALTH_UP = 2,
    SW_HEALTH_DOWN = 3,
};

const char *sw_health_status_name(enum sw_health_status s); /* "none" "green" "amber" "red" */
const char *sw_health_trend_name(enum sw_health_trend t);   /* "none" "flat" "up" "down" */

struct sw_health_verdict {
    enum sw_health_status status;
    enum sw_health_trend trend;
    int64_t delta; /* value - previous (0 without a trend) */
    bool better;   /* the move is an improvement (false when flat or no trend) */
};

/* Judges value (has_value false: no data) against th and against the previous period's
 * value. -EINVAL when th fails sw_health_threshold_check(). */
int sw_health_judge(const struct sw_health_threshold *th, bool has_value, int64_t value,
                    bool has_prev, int64_t prev, struct sw_health_verdict *ret);

/* The previous period of equal length: [from - (to - from), from). -EINVAL for a bad period or
 * one that would start before the epoch. */
int sw_health_previous(int64_t from, int64_t to, int64_t *ret_from, int64_t *ret_to);

/* A share in ppm, rounded down: part * 1e6 / whole; 0 when whole = 0. part <= whole. */
uint32_t sw_health_ppm(uint64_t part, uint64_t whole);

#endif
