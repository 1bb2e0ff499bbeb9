/* SPDX-License-Identifier: Apache-2.0 */
/* ops.h: the pure arithmetic of on-call duty: rotations (who is on call when, across DST
 * changes, with overrides), escalation policies (which notification goes to whom at which
 * instant) and the iCalendar (RFC 5545) export of shifts. No clock, no I/O, no config: the
 * config fills these plain structs and the daemon passes the time in. Times are int64 Unix
 * seconds UTC, intervals half-open [start, end). Strings inside the structs are borrowed: the
 * caller (the parsed config) owns them and keeps them alive. The rules, with worked examples,
 * are in docs/oncall.md. */
#ifndef SW_OPS_H
#define SW_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* "Never happened" for an acknowledgement or a resolve time. */
#define SW_OPS_NEVER INT64_MAX

/* Caps on what a config may ask for. */
#define SW_ROT_PARTICIPANTS_MAX 1000
#define SW_ROT_OVERRIDES_MAX 1000
#define SW_ROT_DAYS_MAX 366                     /* longest "every N days" period */
#define SW_ROT_SPAN_MAX ((int64_t)3660 * 86400) /* longest range for a shift list, s */
#define SW_SHIFTS_MAX 100000                    /* longest shift list */
#define SW_ESC_STEPS_MAX 64
#define SW_ESC_REPEAT_MAX 100
#define SW_ESC_WAIT_MAX ((int64_t)30 * 86400) /* longest wait of one step, s */

/* ---- small parsers for the config's values ---- */

/* "sunday" .. "saturday" or "sun" .. "sat", any case, to 0 = Sunday .. 6 = Saturday.
 * Returns 0 or -EINVAL. */
int sw_ops_weekday_parse(const char *s, int *ret_wday);
/* "HH:MM" (00:00 .. 23:59, two digits each) to seconds from midnight. Returns 0 or -EINVAL. */
int sw_ops_hhmm_parse(const char *s, int32_t *ret_s);
/* "YYYY-MM-DD", a real calendar date in 1970 .. 9000. Returns 0 or -EINVAL. */
int sw_ops_date_parse(const char *s, int *ret_y, int *ret_mon, int *ret_day);

/* ---- rotations ---- */

enum sw_rot_period {
    SW_ROT_DAILY = 0,  /* a handoff every day at handoff_s */
    SW_ROT_WEEKLY = 1, /* a handoff every week on handoff_wday at handoff_s */
    SW_ROT_DAYS = 2,   /* a handoff every `days` days at handoff_s */
};

/* "engineer covers [from, to)". Where overrides overlap, the later one in the array wins. */
struct sw_override {
    const char *engineer; /* engineer id, borrowed */
    int64_t from;         /* s */
    int64_t to;           /* s, > from */
};

/* A rotation as the config describes it. The first shift starts on the local date
 * start_y-start_mon-start_day at handoff_s in tz and belongs to participants[0]; shift k
 * belongs to participants[k % n_participants]. A weekly rotation whose start date is not a
 * handoff day has a short first shift, up to the next handoff day. Handoffs keep their local
 * time across DST changes; a handoff time inside a spring-forward gap moves forward by the
 * gap, an ambiguous one takes the earlier instant (sw_tz_to_utc()). Nobody is on call before
 * the first shift, overrides included. */
struct sw_rotation {
    const char *id; /* borrowed */
    const char *tz; /* IANA zone, borrowed */
    enum sw_rot_period period;
    int days;          /* SW_ROT_DAYS only: 1 .. SW_ROT_DAYS_MAX */
    int handoff_wday;  /* SW_ROT_WEEKLY only: 0 = Sunday .. 6 = Saturday */
    int32_t handoff_s; /* local handoff time, s from midnight, 0 .. 86399 ("09:00" = 32400) */
    int start_y;       /* local date of the first shift */
    int start_mon;     /* 1 .. 12 */
    int start_day;     /* 1 .. 31 */
    const char *const *participants; /* engineer ids, borrowed; 1 .. SW_ROT_PARTICIPANTS_MAX */
    size_t n_participants;
    const struct sw_override *overrides; /* borrowed; may be NULL when n_overrides is 0 */
    size_t n_overrides;                  /* 0 .. SW_ROT_OVERRIDES_MAX */
};

/* One stretch of duty with one source: a regular shift from one handoff to the next, the part
 * of it that overrides leave, or one override (which may span handoffs). Two neighbouring
 * shifts may have the same engineer (an override by the engineer already on call). */
struct sw_shift {
    int64_t start;        /* s */
    int64_t end;          /* s, > start */
    const char *engineer; /* borrowed from the rotation */
    int64_t index;        /* number of the regular shift that holds start (0 = the first) */
    int override;         /* index into the rotation's overrides, or -1 for a regular shift */
};

/* A growable list; at most SW_SHIFTS_MAX shifts. */
struct sw_shift_list {
    struct sw_shift *v; /* owned */
    size_t n;
    size_t cap;
};

void sw_shift_list_init(struct sw_shift_list *l);
void sw_shift_list_release(struct sw_shift_list *l);

/* Checks r: id, a zone known to the tz database, the period (N >= 1), weekday, handoff time,
 * start date, 1 .. SW_ROT_PARTICIPANTS_MAX non-empty participants, at most
 * SW_ROT_OVERRIDES_MAX overrides each with an engineer and from < to. Returns 0 or -EINVAL
 * with a message in err (errlen bytes; err may be NULL). Every function below checks r the
 * same way and returns -EINVAL for a rotation this refuses. */
int sw_rotation_validate(const struct sw_rotation *r, char *err, size_t errlen);

/* Start of the first shift (the start date at the handoff time), s. */
int sw_rotation_first(const struct sw_rotation *r, int64_t *ret_t);

/* Who is on call at t: *ret_engineer is the engineer id (borrowed from r), or NULL before the
 * first shift. Returns 0, or -EINVAL for a bad rotation or a t the zone cannot place (before
 * year 1 or near year 9999). */
int sw_rotation_oncall(const struct sw_rotation *r, int64_t t, const char **ret_engineer);

/* The shift that contains t, with its engineer. -ENOENT before the first shift; -EINVAL as
 * sw_rotation_oncall(). */
int sw_rotation_shift_at(const struct sw_rotation *r, int64_t t, struct sw_shift *ret_shift);

/* Appends to l, in time order, every shift that overlaps [from, to), unclipped (the first may
 * start before from, the last end after to). Nothing for a range wholly before the first
 * shift. -EINVAL for a bad rotation or range (from >= to, to - from > SW_ROT_SPAN_MAX), -E2BIG
 * past SW_SHIFTS_MAX (l then holds the shifts appended before). */
int sw_rotation_shifts(const struct sw_rotation *r, int64_t from, int64_t to,
                       struct sw_shift_list *l);

/* The rotation with this id in rots[0..n), or NULL. */
const struct sw_rotation *sw_rotation_find(const struct sw_rotation *rots, size_t n,
                                           const char *id);

/* ---- escalation ---- */

enum sw_target_kind {
    SW_TARGET_ROTATION = 0, /* whoever is on call in rotation id at the notify time */
    SW_TARGET_ENGINEER = 1, /* engineer id */
    SW_TARGET_CHANNEL = 2,  /* channel id (a chat room, a mailing list) */
};

/* Whom a step notifies; opaque to the escalation arithmetic. */
struct sw_target {
    enum sw_target_kind kind;
    const char *id; /* borrowed */
};

/* "rotation", "engineer", "channel". */
const char *sw_target_kind_name(enum sw_target_kind k);

struct sw_esc_step {
    struct sw_target target;
    int64_t wait_s; /* s to wait after this step's notification before the next step */
};

/* Ordered steps, run once and then `repeat` more times: repeat: 2 means three rounds in all
 * (PagerDuty's num_loops: "the number of times the policy will repeat after reaching the end
 * of its escalation"). */
struct sw_esc_policy {
    const char *id;                  /* borrowed */
    const struct sw_esc_step *steps; /* borrowed; 1 .. SW_ESC_STEPS_MAX */
    size_t n_steps;
    int repeat; /* extra rounds, 0 .. SW_ESC_REPEAT_MAX */
};

/* Checks p: id, 1 .. SW_ESC_STEPS_MAX steps each with a target id and 0 <= wait_s <=
 * SW_ESC_WAIT_MAX, 0 <= repeat <= SW_ESC_REPEAT_MAX, and a round longer than 0 s when it
 * repeats (else every round would page at the same instant). Returns 0 or -EINVAL with a
 * message in err (errlen bytes; err may be NULL). Unknown rotation, engineer or channel ids are
 * the config's to find. */
int sw_esc_policy_validate(const struct sw_esc_policy *p, char *err, size_t errlen);

/* One notification: step `step` of round `round` (both from 0) is due at t. */
struct sw_esc_event {
    int round;
    int step;
    int64_t t;                      /* s */
    const struct sw_target *target; /* borrowed from the policy */
};

/* Most events one incident can produce under p: n_steps * (repeat + 1). */
size_t sw_esc_events_max(const struct sw_esc_policy *p);

/* The notifications of an incident triggered at trigger, in order, up to horizon: step k of
 * round r is due at trigger + r * (sum of all waits) + (sum of the waits of steps 0..k-1).
 * An acknowledgement at ack stops escalation: no event at or after ack is sent; a resolve at
 * resolve stops everything likewise (pass SW_OPS_NEVER for either when it has not happened).
 * Events due after horizon are left out (horizon is inclusive: "due by now"). Writes at most
 * cap events to out and their number to *ret_n. -EINVAL for a bad policy or trigger outside
 * 1970 .. 9999, -E2BIG when cap is too small (use sw_esc_events_max()). */
int sw_esc_events(const struct sw_esc_policy *p, int64_t trigger, int64_t ack, int64_t resolve,
                  int64_t horizon, struct sw_esc_event *out, size_t cap, size_t *ret_n);

/* Where a running escalation stands: the last notification sent. */
struct sw_esc_cursor {
    int round;
    int step;
    int64_t t; /* s: when it was sent */
};

/* The next notification of an incident triggered at trigger, for a daemon that keeps a cursor
 * and an injected clock: last is NULL before the first notification (which is due at
 * trigger); else the next step (or the first step of the next round) is due at last->t plus
 * the wait of last's step. Passing the time each event was due keeps the exact schedule of
 * sw_esc_events(); passing the time it was really sent (later, after a restart) keeps each
 * wait whole. Returns 0 with *ret_event, or -ENOENT when nothing more will be sent: the rounds
 * are used up, or the next event would come at or after ack or resolve. -EINVAL for a bad
 * policy, trigger, or a cursor outside the policy. */
int sw_esc_next(const struct sw_esc_policy *p, int64_t trigger, const struct sw_esc_cursor *last,
                int64_t ack, int64_t resolve, struct sw_esc_event *ret_event);

/* Resolves target for a notification at t: a rotation target becomes the engineer on call in
 * that rotation at t (the id borrowed from the rotation); engineer and channel targets come
 * back as they are. -ENOENT for a rotation not in rots[0..n), -ENODATA when nobody is on call
 * (before its first shift), -EINVAL as sw_rotation_oncall(). */
int sw_esc_target_resolve(const struct sw_target *target, const struct sw_rotation *rots, size_t n,
                          int64_t t, struct sw_target *ret_target);

/* ---- iCalendar export ---- */

/* Appends to out a whole VCALENDAR (RFC 5545, CRLF line endings, lines folded at 75 octets,
 * text escaped) with one VEVENT per shift overlapping [from, to) of each rotation in
 * rots[0..n_rots), in start order (rotation order on ties), or only those of engineer when
 * it is not NULL. Each event: UID "<rotation id>-<start as 20260105T080000Z>@stackward"
 * (stable across exports), DTSTAMP dtstamp, DTSTART and DTEND in UTC, SUMMARY "On call:
 * <rotation id> (<engineer>)" with ", override" after the engineer for an override. On
 * failure out keeps what it had. -EINVAL for a bad rotation or range (as
 * sw_rotation_shifts()) or ids that are not text (invalid UTF-8, control characters), -E2BIG
 * past SW_SHIFTS_MAX events. */
int sw_ics_export(const struct sw_rotation *rots, size_t n_rots, const char *engineer, int64_t from,
                  int64_t to, int64_t dtstamp, struct sw_buf *out);

/* Appends one content line "name:value" to out, value escaped as RFC 5545 TEXT when escape
 * is set (backslash, semicolon, comma, newline), folded at 75 octets without splitting a UTF-8
 * sequence, ended by CRLF. -EINVAL when value is not valid UTF-8 or holds control characters
 * other than tab and newline (which only TEXT can carry, escaped). */
int sw_ics_line(struct sw_buf *out, const char *name, const char *value, bool escape);

#endif
