/* SPDX-License-Identifier: Apache-2.0 */
/* sla.h: availability, error budget, maintenance windows, service credits and burn-rate
 * alerts as pure functions. No clock, no database, no config: times and data come in as
 * arguments. Time is int64 Unix seconds UTC, intervals are half-open [start, end), ratios are
 * ppm (1,000,000 = 100 %) compared exactly by cross-multiplication; doubles are for display
 * only; percent strings go through core's sw_ppm_parse() and sw_ppm_format(). The rules,
 * with worked numbers, are in docs/sla.md. */
#ifndef SW_SLA_H
#define SW_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "store/store.h"

#define SW_PPM 1000000
/* Longest period, window list span or burn window: 3660 days, so that every product below
 * stays far inside int64. */
#define SW_SLA_SPAN_MAX ((int64_t)3660 * 86400)

/* ---- maintenance windows ---- */

/* A concrete window. excluded: the time is taken out of the SLA (the default); false: it is
 * shown but counted like any other time (customer-caused work one wants to see). reason is
 * borrowed, never freed here, may be NULL. */
struct sw_window {
    int64_t start; /* s */
    int64_t end;   /* s, > start */
    bool excluded;
    const char *reason;
};

/* A weekly rule: every weekday at local start_s for duration_s, in tz. */
struct sw_weekly {
    int weekday;        /* 0 = Sunday .. 6 = Saturday */
    int32_t start_s;    /* local start, s from midnight, 0..86399 ("02:00" = 7200) */
    int64_t duration_s; /* 1 .. 7 days */
    const char *tz;     /* IANA zone, borrowed */
    bool excluded;
    const char *reason; /* borrowed, may be NULL */
};

/* A growable list; at most SW_WINDOWS_MAX windows. */
#define SW_WINDOWS_MAX 100000
struct sw_window_list {
    struct sw_window *v; /* owned */
    size_t n;
    size_t cap;
};

void sw_window_list_init(struct sw_window_list *l);
void sw_window_list_release(struct sw_window_list *l);
/* Appends a one-off window. -EINVAL when end <= start, -E2BIG past SW_WINDOWS_MAX. */
int sw_window_list_add(struct sw_window_list *l, const struct sw_window *w);
/* Appends every occurrence of rule that overlaps [from, to) (unclipped). The local start time
 * is kept across DST changes; a start inside a spring-forward gap moves forward by the gap,
 * an ambiguous one takes the first occurrence (sw_tz_to_utc()). -EINVAL for a bad rule,
 * zone or range (from >= to, to - from > SW_SLA_SPAN_MAX), -E2BIG past SW_WINDOWS_MAX (the
 * list then holds the occurrences added before). */
int sw_window_list_add_weekly(struct sw_window_list *l, const struct sw_weekly *rule, int64_t from,
                              int64_t to);
/* Clips every window to [from, to) (dropping what falls outside) and merges in place, so that
 * the list is sorted and non-overlapping, as sw_sla_compute() wants it:
 * - overlapping or adjacent windows of the same kind become one;
 * - where an excluded window overlaps a counted (not excluded) one, excluded wins: the counted
 *   window keeps only its parts outside every excluded window;
 * - a merged window keeps the reason of its earliest-starting part (the first added on a tie).
 * The result is the same whatever order the windows were added in (up to reasons on ties).
 * -EINVAL when from >= to. */
int sw_window_list_merge(struct sw_window_list *l, int64_t from, int64_t to);

/* ---- availability over one period ---- */

enum sw_sla_unknown {
    SW_SLA_UNKNOWN_EXCLUDED = 0, /* unknown time is not eligible (the default) */
    SW_SLA_UNKNOWN_DOWN = 1,     /* unknown time is eligible and down */
    SW_SLA_UNKNOWN_UP = 2,       /* unknown time is eligible and up */
};

/* The contract's accounting policy. CRITICAL is always down; WARNING is up (and reported as
 * degraded) unless warning_is_down; UNKNOWN and gaps follow unknown. */
struct sw_sla_policy {
    enum sw_sla_unknown unknown;
    bool warning_is_down;
    int64_t min_outage_s; /* s, >= 0; a down run shorter than this counts as up (0: all count) */
};

/* Everything one service and one period need. Pointers are borrowed. */
struct sw_sla_input {
    /* The service's state intervals, sorted, non-overlapping, each start < end; only the last
     * may be open (end 0 = until now). Pass every interval overlapping [from, to), unclipped
     * (what sw_store_history() returns); with min_outage_s > 0 pass those overlapping
     * [from - min_outage_s, to + min_outage_s), so runs crossing the edges are measured whole.
     * Time covered by no interval is a gap: unknown, never up. */
    const struct sw_interval *iv;
    size_t n_iv;
    int64_t from; /* the period [from, to): from < to, to - from <= SW_SLA_SPAN_MAX */
    int64_t to;
    /* Nothing is known at or after now: [max(from, now), to) is pending (not yet elapsed),
     * neither eligible nor unknown, and open intervals end at now. */
    int64_t now;
    /* The service's creation: time before it is not counted at all (0 or anything <= from:
     * the whole period counts). */
    int64_t created;
    /* Maintenance, sorted and non-overlapping (sw_window_list_merge()); windows may reach
     * beyond the period (only the part inside counts). NULL when n_win is 0. */
    const struct sw_window *win;
    size_t n_win;
    struct sw_sla_policy policy;
    uint32_t target_ppm; /* 0 .. SW_PPM */
};

/* Every second of [from, to) is in exactly one of before, pending, maintenance, unknown,
 * observed: period = before + pending + maintenance + unknown + observed. */
struct sw_sla_result {
    int64_t period_s;      /* to - from */
    int64_t before_s;      /* before the service was created: not counted at all */
    int64_t pending_s;     /* at or after now: not yet elapsed */
    int64_t maintenance_s; /* in excluded maintenance, whatever the state */
    int64_t unknown_s;     /* gaps and UNKNOWN state outside excluded maintenance */
    int64_t observed_s;    /* OK, WARNING, CRITICAL outside excluded maintenance */
    int64_t degraded_s;    /* WARNING counted as up (0 when warning_is_down) */
    int64_t forgiven_s;    /* eligible down time in runs shorter than min_outage_s (as up) */
    int64_t eligible_s;    /* E = observed + (unknown unless EXCLUDED) */
    int64_t downtime_s;    /* D: eligible down time in runs of at least min_outage_s */
    /* A = (E - D) / E. When E = 0 it is undefined ("n/a", no credit): defined is false,
     * availability_ppm 0, availability 0.0, met false; print null, not a number. */
    bool defined;
    uint32_t availability_ppm; /* floor((E - D) * 1e6 / E) */
    double availability;       /* (E - D) / E, for display */
    uint32_t target_ppm;
    bool met; /* (E - D) * 1e6 >= T * E, exact (the same as availability_ppm >= T) */
    /* Error budget (DOMAIN B3) over this period's E (month-to-date E while the period runs;
     * pass now >= to for the whole-period allowance). */
    int64_t budget_s;      /* floor(E * (1e6 - T) / 1e6) */
    int64_t remaining_s;   /* budget_s - D, negative once overspent */
    int64_t used_ppm;      /* floor(D * 1e6 * 1e6 / (E * (1e6 - T))), may exceed 1e6 */
    int64_t remaining_ppm; /* 1e6 - used_ppm, may be negative */
    double budget_used;    /* D * 1e6 / (E * (1e6 - T)), may exceed 1 */
    /* With a zero budget (E = 0 or T = 100 %): used_ppm and budget_used are 0 when D = 0,
     * else INT64_MAX and INFINITY, and remaining_ppm INT64_MIN (print null, not a number). */
};

/* How a stretch of the period looked, for the report's time line strip. */
enum sw_sla_kind {
    SW_SLA_UP = 0,       /* OK */
    SW_SLA_DEGRADED = 1, /* WARNING */
    SW_SLA_DOWN = 2,     /* CRITICAL */
    SW_SLA_UNKNOWN = 3,  /* UNKNOWN state or a gap */
    SW_SLA_BEFORE = 4,   /* before the service was created */
    SW_SLA_PENDING = 5,  /* at or after now */
};

enum sw_sla_maint {
    SW_SLA_MAINT_NONE = 0,
    SW_SLA_MAINT_EXCLUDED = 1, /* in an excluded window */
    SW_SLA_MAINT_COUNTED = 2,  /* in a window that is shown but counted */
};

/* Maximal stretches with one (kind, maint, counted_down), covering [from, to) in order. */
struct sw_sla_segment {
    int64_t start; /* s */
    int64_t end;   /* s */
    enum sw_sla_kind kind;
    enum sw_sla_maint maint;
    bool counted_down; /* part of D (so never in excluded maintenance, never forgiven) */
};

/* One down run (contiguous time whose state counts as down under the policy: CRITICAL,
 * WARNING when warning_is_down, unknown when DOWN), across maintenance edges, that overlaps
 * the counted part of the period. start and end are the run's own bounds as far as the
 * intervals show (they may lie outside the period); an open run ends at now. */
struct sw_sla_outage {
    int64_t start;       /* s */
    int64_t end;         /* s */
    bool open;           /* still going at now */
    int64_t in_s;        /* seconds of the run inside the counted period */
    int64_t down_s;      /* seconds of it counted as downtime (0 when forgiven) */
    int64_t maint_s;     /* seconds of it inside excluded maintenance */
    bool in_maintenance; /* wholly inside excluded maintenance (maint_s == in_s) */
    bool forgiven;       /* shorter than min_outage_s: counted as up */
};

/* Optional detail of one computation; reusable across services (sw_sla_compute() empties it
 * first and keeps the memory). It grows at most linearly with the intervals and windows
 * handed in, which are themselves capped. */
struct sw_sla_detail {
    struct sw_sla_outage *outages; /* owned */
    size_t n_outages;
    size_t cap_outages;
    struct sw_sla_segment *segs; /* owned */
    size_t n_segs;
    size_t cap_segs;
};

void sw_sla_detail_init(struct sw_sla_detail *d);
void sw_sla_detail_release(struct sw_sla_detail *d);

/* Computes the period's accounting in one linear sweep over intervals and windows (a binary
 * search skips intervals ending before the period); no allocation unless detail is given.
 * detail may be NULL. -EINVAL for a bad input: from >= to, a span over SW_SLA_SPAN_MAX, a
 * target over 1e6, a negative min_outage_s, a bad policy, windows unsorted, overlapping or
 * empty; intervals unsorted, overlapping or empty, with a state outside 0..3, or open but not
 * the last (intervals are checked where the sweep visits them).
 * On error *ret is untouched. */
int sw_sla_compute(const struct sw_sla_input *in, struct sw_sla_result *ret,
                   struct sw_sla_detail *detail);

/* ---- service credits ---- */

/* A tier: availability strictly below below_ppm earns credit_ppm of the fee. */
struct sw_credit_tier {
    uint32_t below_ppm;  /* 0 < below <= 1e6 */
    uint32_t credit_ppm; /* 0 < credit <= 1e6 */
};

#define SW_CREDIT_TIERS_MAX 32
/* Accepts a table sorted strictly descending by below_ppm with credits strictly increasing,
 * each 0 < below <= 100 % and 0 < credit <= 100 %, at most SW_CREDIT_TIERS_MAX tiers (none is
 * fine: no credits). Else -EINVAL with a message naming the tier (0-based, "tier 2: ...") in
 * err (errlen bytes, may be NULL). */
int sw_credit_validate(const struct sw_credit_tier *t, size_t n, char *err, size_t errlen);
/* The credit for availability_ppm (a floored ppm: floor(A) < below exactly when A < below,
 * so the floor is exact here): the tier with the lowest below_ppm that availability is
 * strictly below; 0 when none, or when the availability is undefined (defined false). At
 * exactly below_ppm the tier does not apply (its lower bound is inclusive for the next). The
 * table must have passed sw_credit_validate(). */
uint32_t sw_credit_lookup(const struct sw_credit_tier *t, size_t n, bool defined,
                          uint32_t availability_ppm);
/* floor(fee * credit_ppm / 1e6) in minor units (cents). -EINVAL for a negative fee or a
 * credit over 1e6. */
int sw_credit_amount(int64_t fee, uint32_t credit_ppm, int64_t *ret);

/* ---- burn-rate alerts (multi-window, multi-burn-rate) ---- */

enum sw_burn_severity {
    SW_BURN_PAGE = 0,
    SW_BURN_TICKET = 1,
};

struct sw_burn_rule {
    enum sw_burn_severity severity;
    int64_t long_s;        /* long window, s */
    int64_t short_s;       /* short window, s (< long_s) */
    uint32_t factor_milli; /* burn-rate threshold x 1000 (14.4 = 14400) */
};

/* PAGE 1h/5m 14.4, PAGE 6h/30m 6, TICKET 1d/2h 3, TICKET 3d/6h 1 (for a 30-day period). */
#define SW_BURN_RULES_DEFAULT_N 4
extern const struct sw_burn_rule sw_burn_rules_default[SW_BURN_RULES_DEFAULT_N];

/* factor = f * P / L x 1000, floored (exact for the table's values): budget fraction
 * budget_ppm spent within long_s of period_s. (2 %, 1 h, 30 d) = 14400; (2 %, 1 h, 28 d) =
 * 13440. -EINVAL unless 0 < budget_ppm <= 1e6 and 0 < long_s <= period_s <= SW_SLA_SPAN_MAX,
 * or the factor exceeds UINT32_MAX. */
int sw_burn_factor_milli(uint32_t budget_ppm, int64_t period_s, int64_t long_s,
                         uint32_t *ret_factor_milli);

enum sw_burn_state {
    SW_BURN_OK = 0,
    SW_BURN_FIRING = 1,  /* both windows burn faster than the factor */
    SW_BURN_NO_DATA = 2, /* a window has no eligible time and some unknown time */
};

/* Whether bad/total over the long and the short window both burn faster than factor_milli
 * for target_ppm: br = (bad / total) * 1e6 / (1e6 - T) > factor, exactly; equal is not
 * firing. Works for time SLIs (down_s / eligible_s) and event SLIs alike. A window with
 * total 0 gives NO_DATA. With T = 100 % any bad burns infinitely fast. */
enum sw_burn_state sw_burn_check(int64_t bad_l, int64_t total_l, int64_t bad_s, int64_t total_s,
                                 uint32_t target_ppm, uint32_t factor_milli);
/* Burn rate for display: (bad / total) * 1e6 / (1e6 - T); 0 when total is 0 or bad is 0,
 * INFINITY when T = 100 % and bad > 0. */
double sw_burn_rate(int64_t bad, int64_t total, uint32_t target_ppm);
/* Time until the budget of period_s is gone at the rate bad/total: P / br, floored, in s;
 * -1 when nothing burns (bad 0), 0 when T = 100 %. */
int64_t sw_burn_exhaustion_s(int64_t period_s, int64_t bad, int64_t total, uint32_t target_ppm);

struct sw_burn_status {
    enum sw_burn_state state;
    struct sw_sla_result long_w;  /* the long window [now - long_s, now) */
    struct sw_sla_result short_w; /* the short window [now - short_s, now) */
    double br_long;               /* display */
    double br_short;
    int64_t exhaustion_s; /* period_s / br(long), s; -1 when the long window burns nothing */
};

/* Evaluates n rules for one time-SLI SLO at in->now. in gives the intervals (covering at
 * least the longest window), windows, created, policy and target; in->from and in->to are
 * ignored (each window is [now - w, now), counted as sw_sla_compute() does). period_s is the
 * SLO period (30 d by default) for exhaustion. A window with E = 0 and unknown time gives
 * NO_DATA; with E = 0 from maintenance or before creation alone, OK. ret holds n statuses.
 * Returns the number of rules firing, or -EINVAL (bad rule: 0 < short_s < long_s <=
 * SW_SLA_SPAN_MAX, factor 0; or a bad input as sw_sla_compute()). */
int sw_burn_eval(const struct sw_sla_input *in, int64_t period_s, const struct sw_burn_rule *rules,
                 size_t n, struct sw_burn_status *ret);

#endif
