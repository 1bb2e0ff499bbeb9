/* SPDX-License-Identifier: Apache-2.0 */
/* cases.h: support-case clocks as pure functions (DOMAIN B6): business-hours calendars
 * (weekly local windows in an IANA zone, holidays, or 24x7), the business seconds between two
 * instants and the instant a number of business seconds after another, and the contractual
 * timers of a case (first response, resolution, update cadence) computed from its event list:
 * cycles, pauses, due time, remaining time, warning and breach. No clock, no store, no config:
 * times and data come in as arguments. Time is int64 Unix seconds UTC; intervals are
 * half-open [start, end). The rules, with worked examples, are in docs/cases.md. */
#ifndef SW_CASES_H
#define SW_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---- calendars ---- */

#define SW_CAL_DAY_WINDOWS_MAX 8 /* windows per weekday */
#define SW_CAL_HOLIDAYS_MAX 3660 /* holidays per calendar */
#define SW_CAL_TZ_MAX 64         /* bytes of a zone name, NUL included */
/* How far the arithmetic walks: sw_cal_seconds() spans and sw_cal_advance() results lie
 * within this many days of their start, else -ERANGE. */
#define SW_CAL_HORIZON_DAYS 3660

/* Weekday bits for day sets: bit tm_wday, 0 = Sunday .. 6 = Saturday. */
#define SW_CAL_SUN (1u << 0)
#define SW_CAL_MON (1u << 1)
#define SW_CAL_TUE (1u << 2)
#define SW_CAL_WED (1u << 3)
#define SW_CAL_THU (1u << 4)
#define SW_CAL_FRI (1u << 5)
#define SW_CAL_SAT (1u << 6)
#define SW_CAL_WEEKDAYS (SW_CAL_MON | SW_CAL_TUE | SW_CAL_WED | SW_CAL_THU | SW_CAL_FRI)
#define SW_CAL_ALL_DAYS 0x7fu

/* Business hours of one day: local wall time [from_s, to_s) in seconds from local midnight,
 * 0 <= from_s < to_s <= 86400 ("24:00" = 86400 = the next local midnight). */
struct sw_cal_window {
    int32_t from_s; /* s from local midnight */
    int32_t to_s;   /* s from local midnight, > from_s */
};

/* A local calendar date. */
struct sw_cal_date {
    int y; /* 1..9999 */
    int m; /* 1..12 */
    int d; /* 1..31, valid for the month */
};

/* A business calendar: plain data, filled through the functions below (which keep it valid)
 * or directly and then checked with sw_cal_validate(). Either always (24x7: every second
 * counts; zone, windows and holidays unused) or weekly windows in tz, with holidays (local
 * dates on which no window counts). */
struct sw_calendar {
    bool always;
    char tz[SW_CAL_TZ_MAX]; /* IANA zone ("Europe/Berlin") */
    /* Per weekday (0 = Sunday), sorted by from_s, non-overlapping (touching is fine). */
    struct sw_cal_window win[7][SW_CAL_DAY_WINDOWS_MAX];
    int n_win[7];
    struct sw_cal_date *holidays; /* owned; sorted ascending, no duplicates */
    size_t n_holidays;
    size_t cap_holidays;
};

/* An empty calendar in zone "UTC": no hours yet (add them with sw_cal_add_hours()). */
void sw_cal_init(struct sw_calendar *cal);
/* The 24x7 calendar: every second is business time. */
void sw_cal_init_24x7(struct sw_calendar *cal);
/* Frees the holidays; NULL-safe; the calendar may be initialised again afterwards. */
void sw_cal_release(struct sw_calendar *cal);
/* Deep copy of src into dst, which is overwritten, not released: release a dst that holds
 * holidays first. Free the copy with sw_cal_release(). */
void sw_cal_copy(struct sw_calendar *dst, const struct sw_calendar *src);

/* Sets the zone. -EINVAL (with a message in err, errlen bytes, err may be NULL) for a name
 * that is not an IANA zone of the system tz database, too long, or on a 24x7 calendar. */
int sw_cal_set_tz(struct sw_calendar *cal, const char *tz, char *err, size_t errlen);
/* Adds the window [from_s, to_s) to every weekday in days (SW_CAL_* bits). All or nothing:
 * -EINVAL with a message for an empty or bad day set, a bad range, a window overlapping one
 * already there on one of those days ("09:00-13:00 on mon overlaps 12:00-18:00"), or a 24x7
 * calendar; -E2BIG past SW_CAL_DAY_WINDOWS_MAX windows on a day. */
int sw_cal_add_hours(struct sw_calendar *cal, unsigned days, int32_t from_s, int32_t to_s,
                     char *err, size_t errlen);
/* The same from the config's strings: days as sw_cal_parse_days(), start and end as
 * sw_cal_parse_time() ("24:00" only as end). Errors as the parsers and sw_cal_add_hours(). */
int sw_cal_add_hours_str(struct sw_calendar *cal, const char *days, const char *start,
                         const char *end, char *err, size_t errlen);
/* Adds a holiday, kept sorted. -EINVAL with a message for a bad date, one already listed,
 * or a 24x7 calendar; -E2BIG past SW_CAL_HOLIDAYS_MAX. */
int sw_cal_add_holiday(struct sw_calendar *cal, struct sw_cal_date date, char *err, size_t errlen);
/* The same from "YYYY-MM-DD" (sw_cal_parse_date()). */
int sw_cal_add_holiday_str(struct sw_calendar *cal, const char *date, char *err, size_t errlen);
/* Checks every rule above, and that a calendar that is not 24x7 has some hours. 0, or
 * -EINVAL with a message. */
int sw_cal_validate(const struct sw_calendar *cal, char *err, size_t errlen);

/* ---- parsers for the config's strings; each 0, or -EINVAL with a message saying what is
 * wrong (err: errlen bytes, may be NULL); outputs untouched on error ---- */

/* A day set: comma-separated items, each a day (mon tue wed thu fri sat sun, any case) or a
 * range running forward from Monday to Sunday ("mon-fri", "sat-sun"; "fri-mon" is refused);
 * spaces around items are allowed; a day given twice is refused. *ret_days: SW_CAL_* bits. */
int sw_cal_parse_days(const char *s, unsigned *ret_days, char *err, size_t errlen);
/* "HH:MM", two digits each, 00:00..23:59, and "24:00" when end is true. *ret_s: seconds
 * from midnight. */
int sw_cal_parse_time(const char *s, bool end, int32_t *ret_s, char *err, size_t errlen);
/* "YYYY-MM-DD" exactly (year 0001..9999, a day that exists: 2026-02-30 is refused). */
int sw_cal_parse_date(const char *s, struct sw_cal_date *ret_date, char *err, size_t errlen);
/* Writes s (0..86400) as "HH:MM" (or "HH:MM:SS" when not whole minutes) into out (>= 16
 * bytes). */
char *sw_cal_time_format(int32_t s, char *out);

/* ---- business-hours arithmetic; cal must be valid (sw_cal_validate()) ----
 * Windows are local wall times, converted to UTC per day with sw_tz_to_utc(): a 09:00-18:00
 * day is 9 h on a DST-change day too, while a window that crosses the change counts the real
 * seconds that elapse (01:00-04:00 is 2 h on the spring-forward day, 4 h on the fall-back
 * day); an edge inside the spring-forward gap is the change itself (the wall clock jumps over
 * it: a window wholly inside the gap counts nothing) and an ambiguous edge (fall back) is its
 * first occurrence. */

/* The business seconds in [a, b). -EINVAL when a > b or for a time outside years 1..9999,
 * -ERANGE when b - a exceeds SW_CAL_HORIZON_DAYS days. */
int sw_cal_seconds(const struct sw_calendar *cal, int64_t a, int64_t b, int64_t *ret_s);
/* The smallest t >= t0 with sw_cal_seconds(t0, t) = g (g >= 0; g = 0 gives t0; a goal met
 * exactly at a window's end gives that end, not the next opening). -EINVAL for g < 0 or a
 * bad time, -ERANGE when t lies beyond SW_CAL_HORIZON_DAYS days of t0 (a calendar without
 * hours, holidays all the way). */
int sw_cal_advance(const struct sw_calendar *cal, int64_t t0, int64_t g, int64_t *ret_t);
/* 1 when the second [t, t + 1) is business time, 0 when not, or -EINVAL. */
int sw_cal_is_open(const struct sw_calendar *cal, int64_t t);
/* The first business second at or after t (t itself when open). Errors as sw_cal_advance(). */
int sw_cal_next_open(const struct sw_calendar *cal, int64_t t, int64_t *ret_t);

/* ---- cases and their timers ---- */

enum sw_case_status {
    SW_CASE_NEW = 0,
    SW_CASE_OPEN = 1,
    SW_CASE_WAITING = 2, /* waiting on the customer */
    SW_CASE_RESOLVED = 3,
    SW_CASE_CLOSED = 4,
};
#define SW_CASE_STATUS_COUNT 5

/* "new", "open", "waiting-on-customer", "resolved", "closed"; NULL when out of range. */
const char *sw_case_status_name(enum sw_case_status s);
/* The names above, exactly, and "waiting" for "waiting-on-customer". 0 or -EINVAL. */
int sw_case_status_parse(const char *s, enum sw_case_status *ret_status);
/* True for new, open and waiting: the case is not resolved or closed. */
bool sw_case_status_active(enum sw_case_status s);

enum sw_case_event_kind {
    SW_CASE_EV_CREATED = 0,        /* the case opens with status (new or open, usually new) */
    SW_CASE_EV_STATUS = 1,         /* the status changes to status */
    SW_CASE_EV_AGENT_REPLY = 2,    /* a public comment by the team */
    SW_CASE_EV_CUSTOMER_REPLY = 3, /* a public comment by the customer: no timer effect */
    SW_CASE_EV_INTERNAL = 4,       /* an internal comment: no timer effect */
    SW_CASE_EV_REOPEN = 5,         /* a resolved or closed case goes back to status (active) */
};

struct sw_case_event {
    int64_t t; /* s */
    enum sw_case_event_kind kind;
    enum sw_case_status status; /* CREATED, STATUS, REOPEN: the new status; else unused */
};

enum sw_case_metric {
    SW_CASE_FIRST_RESPONSE = 0, /* created -> the first agent reply (or resolved) */
    SW_CASE_RESOLUTION = 1,     /* created or reopened -> resolved (or closed) */
    SW_CASE_UPDATE = 2,         /* each agent reply (or reopen) -> the next agent reply */
};
#define SW_CASE_METRIC_COUNT 3

/* "first_response", "resolution", "update"; NULL when out of range. */
const char *sw_case_metric_name(enum sw_case_metric m);

#define SW_CASE_WARN_DEFAULT_PPM 750000 /* warn at 75 % of the goal */
#define SW_CASE_EVENTS_MAX 100000       /* events per case */

/* One contractual goal. cal is borrowed and must be valid. */
struct sw_case_goal {
    enum sw_case_metric metric;
    int64_t goal_s; /* business seconds on cal, 1 .. SW_CAL_HORIZON_DAYS days */
    const struct sw_calendar *cal;
    uint32_t warn_ppm;   /* share of the goal that warns, 1 .. 1e6 */
    unsigned pause_mask; /* statuses that pause the clock: bits 1u << status, active ones */
};

/* metric, goal_s and cal as given, warn_ppm = 75 %, pause_mask = waiting-on-customer. */
void sw_case_goal_init(struct sw_case_goal *g, enum sw_case_metric metric, int64_t goal_s,
                       const struct sw_calendar *cal);

/* One cycle of a metric. "Elapsed" is business seconds on the goal's calendar while the
 * cycle runs and the status is not paused, up to stop (or now while running). */
struct sw_case_cycle {
    int64_t start; /* s: created, reopened, or the agent reply that started it */
    int64_t stop;  /* s; 0 while running */
    bool running;
    bool paused;       /* running and paused at now */
    int64_t elapsed_s; /* business s */
    /* goal_s - elapsed_s (negative once breached) */
    int64_t remaining_s;
    /* The instant elapsed reaches the goal: the actual instant once reached, else the
     * projection as if the clock counted from min(stop, now) on without a pause (so every
     * resume recomputes it and a pause pushes it out). The breach event fires here. */
    int64_t due;
    /* The instant elapsed reaches the warning share (ceil(goal_s * warn_ppm / 1e6)): actual
     * once reached, else projected as due is. */
    int64_t warn_at;
    bool warned;       /* elapsed >= the warning share */
    bool breached;     /* elapsed > goal_s (stopping exactly at due is in time) */
    int64_t breach_at; /* due when breached, else 0 */
};

/* All cycles of one metric of one case, in order, and totals. */
struct sw_case_timer {
    enum sw_case_metric metric;
    int64_t goal_s;
    int64_t warn_s;               /* ceil(goal_s * warn_ppm / 1e6) */
    struct sw_case_cycle *cycles; /* owned */
    size_t n_cycles;
    size_t cap_cycles;
    int64_t elapsed_s; /* sum over the cycles */
    size_t n_breached; /* cycles breached (running ones included) */
    size_t n_met;      /* stopped cycles not breached */
    bool running;      /* the last cycle runs: its due is the next due (the next update due,
                          for SW_CASE_UPDATE) */
};

void sw_case_timer_init(struct sw_case_timer *t);
void sw_case_timer_release(struct sw_case_timer *t); /* NULL-safe */

/* Computes goal's timer for a case from its events at now. The events must be sorted by t
 * (ties in the order given), start with the one CREATED, hold at most SW_CASE_EVENTS_MAX,
 * and none may be later than now; a REOPEN needs a resolved or closed case and an active
 * status; statuses must be in range. The rules (DOMAIN B6, JSM-style):
 * - the clock counts while a cycle runs and the status is not in pause_mask;
 * - FIRST_RESPONSE: one cycle from CREATED to the first agent reply, or to resolved/closed
 *   when that comes first; a reopen does not restart it;
 * - RESOLUTION: a cycle from CREATED and from every reopen (a STATUS from resolved/closed to
 *   an active status is a reopen too) to resolved or closed;
 * - UPDATE: a cycle from every agent reply and every reopen while the case is active, to the
 *   next agent reply (which starts the next cycle), or resolved/closed; none from creation to
 *   the first agent reply (FIRST_RESPONSE covers that time). The running cycle's due is the
 *   next update due.
 * Agent replies while resolved or closed, customer replies and internal comments change no
 * timer. t is emptied first (its memory kept) and stays empty on error. Returns 0, -EINVAL
 * with a message for bad input or goal, -ERANGE when a due time lies beyond the calendar's
 * horizon. */
int sw_case_timer_compute(const struct sw_case_goal *goal, const struct sw_case_event *ev, size_t n,
                          int64_t now, struct sw_case_timer *t, char *err, size_t errlen);

#endif
