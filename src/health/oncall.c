/* SPDX-License-Identifier: Apache-2.0 */
/* oncall.c: what being on call costs people (DOMAIN B8): interruptions classified by the
 * engineer's local time, incidents per 12-hour shift with the sliding-window breach, on-call
 * load and the balance of pages and case work across the team. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "health/internal.h"

/* The engineers handed in, validated, with their ids indexed. */
struct team {
    const struct sw_health_engineer *eng;
    size_t n;
    struct sw_map ids; /* id -> index + 1 */
};

static void team_release(struct team *t)
{
    sw_map_release(&t->ids);
}

static int team_init(struct team *t, const struct sw_health_engineer *eng, size_t n)
{
    int r;

    t->eng = eng;
    t->n = n;
    sw_map_init(&t->ids);
    r = sw_health_array_check(eng, n, SW_HEALTH_ENGINEERS_MAX);
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        const struct sw_health_engineer *e = &eng[i];

        if (!e->id || !e->tz || !sw_tz_valid(e->tz) || sw_map_get(&t->ids, e->id)) {
            sw_debug("health: bad or duplicate engineer %s", e->id ? e->id : "(no id)");
            return -EINVAL;
        }
        r = sw_health_array_check(e->hours, e->n_hours, SW_HEALTH_WINDOWS_MAX);
        if (r < 0) {
            return r;
        }
        for (size_t k = 0; k < e->n_hours; k++) {
            const struct sw_health_window *w = &e->hours[k];

            if (w->weekday < 0 || w->weekday > 6 || w->start < 0 || w->start >= w->end ||
                w->end > 86400) {
                sw_debug("health: bad working hours of engineer %s", e->id);
                return -EINVAL;
            }
        }
        sw_map_put(&t->ids, e->id, (void *)(uintptr_t)(i + 1));
    }
    return 0;
}

/* Index of engineer id, or -ENOENT. */
static int team_find(const struct team *t, const char *id, size_t *ret)
{
    uintptr_t v = id ? (uintptr_t)sw_map_get(&t->ids, id) : 0;

    if (v == 0) {
        sw_debug("health: unknown engineer %s", id ? id : "(none)");
        return -ENOENT;
    }
    *ret = v - 1;
    return 0;
}

static bool is_page(enum sw_health_channel c)
{
    return c == SW_HEALTH_PUSH || c == SW_HEALTH_SMS || c == SW_HEALTH_PHONE;
}

/* One notification reduced to what the indicators use. */
struct note {
    size_t eng;
    int64_t t;
    const char *incident;
    size_t ord; /* position in the input: a stable order for equal times */
};

static int cmp_note(const void *a, const void *b)
{
    const struct note *x = a, *y = b;

    if (x->eng != y->eng) {
        return x->eng < y->eng ? -1 : 1;
    }
    if (x->t != y->t) {
        return x->t < y->t ? -1 : 1;
    }
    return (x->ord > y->ord) - (x->ord < y->ord);
}

/* Validates every notification and collects those sent in [from, to) (pages only when
 * pages_only), sorted by engineer and time. *ret is owned by the caller (free()). */
static int notes_collect(const struct team *tm, const struct sw_health_notification *nt, size_t n,
                         int64_t from, int64_t to, bool pages_only, struct note **ret,
                         size_t *ret_n)
{
    struct note *v;
    size_t k = 0;
    int r = sw_health_array_check(nt, n, SW_HEALTH_RECORDS_MAX);

    *ret = NULL;
    *ret_n = 0;
    if (r < 0) {
        return r;
    }
    v = sw_xmalloc((n ? n : 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        size_t e;

        if (!nt[i].incident || (unsigned)nt[i].channel > SW_HEALTH_CHAT) {
            sw_debug("health: malformed notification of incident %s",
                     nt[i].incident ? nt[i].incident : "(none)");
            free(v);
            return -EINVAL;
        }
        r = team_find(tm, nt[i].engineer, &e);
        if (r < 0) {
            free(v);
            return r;
        }
        if (nt[i].t < from || nt[i].t >= to || (pages_only && !is_page(nt[i].channel))) {
            continue;
        }
        v[k++] = (struct note){.eng = e, .t = nt[i].t, .incident = nt[i].incident, .ord = i};
    }
    qsort(v, k, sizeof(*v), cmp_note);
    *ret = v;
    *ret_n = k;
    return 0;
}

/* Keeps, per engineer, only the notes at least SW_HEALTH_DEDUP_S after the previous kept one
 * (sorted input); returns the new count. */
static size_t dedup(struct note *v, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (k > 0 && v[k - 1].eng == v[i].eng && v[i].t - v[k - 1].t < SW_HEALTH_DEDUP_S) {
            continue;
        }
        v[k++] = v[i];
    }
    return k;
}

enum { CLASS_SLEEP, CLASS_BUSINESS, CLASS_OFF };

static bool in_hours(const struct sw_health_engineer *e, int wday, int32_t sec)
{
    if (e->n_hours == 0) {
        return wday >= 1 && wday <= 5 && sec >= 8 * 3600 && sec < 18 * 3600;
    }
    for (size_t k = 0; k < e->n_hours; k++) {
        const struct sw_health_window *w = &e->hours[k];

        if (w->weekday == wday && sec >= w->start && sec < w->end) {
            return true;
        }
    }
    return false;
}

/* Classifies t for engineer e: its class, whether it is outside e's working hours, and the
 * UTC start of the local clock hour holding it. */
static int classify(const struct sw_health_engineer *e, int64_t t, int *ret_class,
                    bool *ret_outside, int64_t *ret_hour)
{
    struct tm tm;
    int32_t sec;
    int64_t m;
    int r = sw_tz_from_utc(e->tz, t, &tm);

    if (r < 0) {
        return r;
    }
    sec = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    if (tm.tm_hour >= 22 || tm.tm_hour < 8) {
        *ret_class = CLASS_SLEEP;
    } else if (tm.tm_wday >= 1 && tm.tm_wday <= 5 && tm.tm_hour < 18) {
        *ret_class = CLASS_BUSINESS;
    } else {
        *ret_class = CLASS_OFF;
    }
    *ret_outside = !in_hours(e, tm.tm_wday, sec);
    /* local minutes and seconds past the hour: also right for zones half an hour off */
    m = tm.tm_min * 60 + tm.tm_sec;
    *ret_hour = t - m;
    return 0;
}

static void finish_shares(struct sw_health_interrupts *c)
{
    c->after_hours_ppm = sw_health_ppm(c->off + c->sleep, c->total);
    c->outside_hours_ppm = sw_health_ppm(c->outside_hours, c->total);
}

/* Counts the deduplicated pages v[0..n) (sorted by engineer, time) into team and per. */
static int count_interrupts(const struct team *tm, const struct note *v, size_t n,
                            struct sw_health_interrupts *team, struct sw_health_interrupts *per)
{
    int64_t last_hour = 0;
    size_t last_eng = SIZE_MAX;

    for (size_t i = 0; i < n; i++) {
        struct sw_health_interrupts *p = per ? &per[v[i].eng] : NULL;
        int cls;
        bool outside;
        int64_t hour;
        int r = classify(&tm->eng[v[i].eng], v[i].t, &cls, &outside, &hour);

        if (r < 0) {
            return r;
        }
        for (int k = 0; k < 2; k++) {
            struct sw_health_interrupts *c = k == 0 ? team : p;

            if (!c) {
                continue;
            }
            c->total++;
            c->sleep += cls == CLASS_SLEEP;
            c->business += cls == CLASS_BUSINESS;
            c->off += cls == CLASS_OFF;
            c->outside_hours += outside;
            /* times are sorted per engineer, so a new hour shows as a change of hour */
            if (v[i].eng != last_eng || hour != last_hour) {
                c->disrupted_hours++;
                c->sleep_hours += cls == CLASS_SLEEP;
            }
        }
        last_eng = v[i].eng;
        last_hour = hour;
    }
    finish_shares(team);
    for (size_t e = 0; per && e < tm->n; e++) {
        finish_shares(&per[e]);
    }
    return 0;
}

int sw_health_interrupts(const struct sw_health_notification *nt, size_t n_nt,
                         const struct sw_health_engineer *eng, size_t n_eng, int64_t from,
                         int64_t to, struct sw_health_interrupts *ret_team,
                         struct sw_health_interrupts *ret_per)
{
    struct team tm;
    struct note *v = NULL;
    size_t n = 0;
    int r;

    memset(ret_team, 0, sizeof(*ret_team));
    r = sw_health_period_check(from, to);
    if (r < 0) {
        return r;
    }
    r = team_init(&tm, eng, n_eng);
    if (r < 0) {
        goto out;
    }
    if (ret_per) {
        memset(ret_per, 0, n_eng * sizeof(*ret_per));
    }
    r = notes_collect(&tm, nt, n_nt, from, to, true, &v, &n);
    if (r < 0) {
        goto out;
    }
    n = dedup(v, n);
    r = count_interrupts(&tm, v, n, ret_team, ret_per);
out:
    free(v);
    team_release(&tm);
    return r;
}

/* First index in v[0..n) (sorted by engineer, time) not before (eng, t). */
static size_t lower(const struct note *v, size_t n, size_t eng, int64_t t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (v[mid].eng < eng || (v[mid].eng == eng && v[mid].t < t)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int cmp_first(const void *a, const void *b)
{
    const struct note *x = a, *y = b;
    int c = strcmp(x->incident, y->incident);

    if (c != 0) {
        return c;
    }
    return (x->t > y->t) - (x->t < y->t);
}

/* First index in times[0..k) (sorted) not before t. */
static size_t first_at(const int64_t *times, size_t k, int64_t t)
{
    size_t lo = 0, hi = k;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (times[mid] < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Incidents in times[0..k) (sorted) inside [s, s + len). */
static size_t in_window(const int64_t *times, size_t k, int64_t s, int64_t len)
{
    return first_at(times, k, s + len) - first_at(times, k, s);
}

static void window_consider(struct sw_health_shift_load *L, const int64_t *times, size_t k,
                            int64_t s)
{
    size_t c = in_window(times, k, s, SW_HEALTH_SHIFT_WINDOW_S);

    if (c > L->max_window) {
        L->max_window = c;
        L->max_window_start = s;
    }
}

/* The load of one shift, clipped to [from, to); all: every notification in the period, pages:
 * the deduplicated pages, both sorted by engineer and time. tmp holds at least n_all notes and
 * times n_all values. */
static void shift_load(const struct sw_health_shift *sh, size_t e, int64_t from, int64_t to,
                       const struct note *all, size_t n_all, const struct note *pages,
                       size_t n_pages, struct note *tmp, int64_t *times,
                       struct sw_health_shift_load *L)
{
    int64_t s = sh->start > from ? sh->start : from;
    int64_t end = sh->end < to ? sh->end : to;
    size_t a, b, k = 0, m = 0;

    memset(L, 0, sizeof(*L));
    if (s >= end) {
        L->start = L->end = s < to ? s : to;
        L->max_window_start = L->start;
        return;
    }
    L->start = s;
    L->end = end;
    L->max_window_start = s;
    L->pages = lower(pages, n_pages, e, end) - lower(pages, n_pages, e, s);
    a = lower(all, n_all, e, s);
    b = lower(all, n_all, e, end);
    for (size_t i = a; i < b; i++) {
        tmp[k++] = all[i];
    }
    /* the first notification of each incident */
    qsort(tmp, k, sizeof(*tmp), cmp_first);
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || strcmp(tmp[i].incident, tmp[i - 1].incident) != 0) {
            times[m++] = tmp[i].t;
        }
    }
    qsort(times, m, sizeof(*times), sw_health_cmp_i64);
    L->incidents = m;
    L->per12h_milli = (int64_t)m * SW_HEALTH_SHIFT_WINDOW_S * 1000 / (end - s);
    if (end - s <= SW_HEALTH_SHIFT_WINDOW_S) {
        window_consider(L, times, m, s);
    } else {
        int64_t w;

        for (w = s; w + SW_HEALTH_SHIFT_WINDOW_S <= end; w += SW_HEALTH_SHIFT_STEP_S) {
            window_consider(L, times, m, w);
        }
        if (w - SW_HEALTH_SHIFT_STEP_S + SW_HEALTH_SHIFT_WINDOW_S != end) {
            window_consider(L, times, m, end - SW_HEALTH_SHIFT_WINDOW_S);
        }
    }
    L->breach = L->max_window > SW_HEALTH_SHIFT_CAP;
}

static int shifts_check(const struct team *tm, const struct sw_health_shift *sh, size_t n)
{
    int r = sw_health_array_check(sh, n, SW_HEALTH_RECORDS_MAX);

    for (size_t i = 0; r == 0 && i < n; i++) {
        size_t e;

        r = team_find(tm, sh[i].engineer, &e);
        if (r == 0 && (sh[i].end <= sh[i].start ||
                       (sh[i].role != SW_HEALTH_PRIMARY && sh[i].role != SW_HEALTH_SECONDARY))) {
            sw_debug("health: malformed shift of engineer %s", sh[i].engineer);
            r = -EINVAL;
        }
    }
    return r;
}

int sw_health_shifts(const struct sw_health_shift *sh, size_t n_sh,
                     const struct sw_health_notification *nt, size_t n_nt,
                     const struct sw_health_engineer *eng, size_t n_eng, int64_t from, int64_t to,
                     struct sw_health_shifts *ret_team, struct sw_health_shift_load *ret_per)
{
    struct team tm;
    struct note *all = NULL, *pages = NULL, *tmp = NULL;
    int64_t *times = NULL;
    size_t n_all = 0, n_pages = 0;
    int r;

    memset(ret_team, 0, sizeof(*ret_team));
    r = sw_health_period_check(from, to);
    if (r < 0) {
        return r;
    }
    r = team_init(&tm, eng, n_eng);
    if (r == 0) {
        r = shifts_check(&tm, sh, n_sh);
    }
    if (r == 0) {
        r = notes_collect(&tm, nt, n_nt, from, to, false, &all, &n_all);
    }
    if (r == 0) {
        r = notes_collect(&tm, nt, n_nt, from, to, true, &pages, &n_pages);
    }
    if (r < 0) {
        goto out;
    }
    n_pages = dedup(pages, n_pages);
    tmp = sw_xmalloc((n_all ? n_all : 1) * sizeof(*tmp));
    times = sw_xmalloc((n_all ? n_all : 1) * sizeof(*times));
    for (size_t i = 0; i < n_sh; i++) {
        struct sw_health_shift_load L;
        size_t e = 0;

        (void)team_find(&tm, sh[i].engineer, &e); /* checked above */
        shift_load(&sh[i], e, from, to, all, n_all, pages, n_pages, tmp, times, &L);
        if (ret_per) {
            ret_per[i] = L;
        }
        if (sh[i].role != SW_HEALTH_PRIMARY || L.start == L.end) {
            continue;
        }
        ret_team->shifts++;
        ret_team->breaches += L.breach;
        ret_team->incidents += L.incidents;
        ret_team->oncall_s += L.end - L.start;
    }
    if (ret_team->oncall_s > 0) {
        ret_team->per12h_milli =
            (int64_t)ret_team->incidents * SW_HEALTH_SHIFT_WINDOW_S * 1000 / ret_team->oncall_s;
    }
out:
    free(times);
    free(tmp);
    free(pages);
    free(all);
    team_release(&tm);
    return r;
}

/* ---- on-call load and balance ---- */

struct span {
    size_t eng;
    int64_t start;
    int64_t end;
};

static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;

    if (x->eng != y->eng) {
        return x->eng < y->eng ? -1 : 1;
    }
    return (x->start > y->start) - (x->start < y->start);
}

/* Adds each engineer's on-call time, the union of their shifts clipped to [from, to). */
static void oncall_union(const struct team *tm, const struct sw_health_shift *sh, size_t n,
                         int64_t from, int64_t to, struct sw_health_person_load *per)
{
    struct span *v = sw_xmalloc((n ? n : 1) * sizeof(*v));
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        int64_t s = sh[i].start > from ? sh[i].start : from;
        int64_t e = sh[i].end < to ? sh[i].end : to;
        size_t x = 0;

        if (s < e) {
            (void)team_find(tm, sh[i].engineer, &x); /* checked by the caller */
            v[k++] = (struct span){.eng = x, .start = s, .end = e};
        }
    }
    qsort(v, k, sizeof(*v), cmp_span);
    for (size_t i = 0; i < k;) {
        size_t e = v[i].eng;
        int64_t s = v[i].start, end = v[i].end;

        for (i++; i < k && v[i].eng == e && v[i].start <= end; i++) {
            if (v[i].end > end) {
                end = v[i].end;
            }
        }
        per[e].oncall_s += end - s;
    }
    free(v);
}

int sw_health_balance(const struct sw_health_engineer *eng, size_t n_eng,
                      const struct sw_health_shift *sh, size_t n_sh,
                      const struct sw_health_notification *nt, size_t n_nt,
                      const struct sw_health_case *cs, size_t n_cs, int64_t from, int64_t to,
                      struct sw_health_balance *ret_team, struct sw_health_person_load *ret_per)
{
    struct team tm;
    struct note *pages = NULL;
    __int128 *w = NULL;
    size_t n_pages = 0;
    int r;

    memset(ret_team, 0, sizeof(*ret_team));
    r = sw_health_period_check(from, to);
    if (r == 0 && !ret_per && n_eng > 0) {
        r = -EINVAL;
    }
    if (r < 0) {
        return r;
    }
    r = team_init(&tm, eng, n_eng);
    if (r == 0) {
        r = shifts_check(&tm, sh, n_sh);
    }
    if (r == 0) {
        r = sw_health_array_check(cs, n_cs, SW_HEALTH_RECORDS_MAX);
    }
    for (size_t i = 0; r == 0 && i < n_cs; i++) {
        r = sw_health_case_check(&cs[i]);
    }
    if (r == 0) {
        r = notes_collect(&tm, nt, n_nt, from, to, true, &pages, &n_pages);
    }
    if (r < 0) {
        goto out;
    }
    memset(ret_per, 0, n_eng * sizeof(*ret_per));
    ret_team->engineers = n_eng;
    n_pages = dedup(pages, n_pages);
    for (size_t i = 0; i < n_pages; i++) {
        ret_per[pages[i].eng].pages++;
    }
    ret_team->pages = n_pages;
    for (size_t i = 0; i < n_cs; i++) {
        const struct sw_health_case *c = &cs[i];
        uintptr_t x = c->assignee ? (uintptr_t)sw_map_get(&tm.ids, c->assignee) : 0;

        if (x == 0 || c->created >= to || (c->resolved_at != 0 && c->resolved_at <= from)) {
            continue;
        }
        ret_per[x - 1].cases++;
        ret_team->cases++;
    }
    oncall_union(&tm, sh, n_sh, from, to, ret_per);
    w = sw_xmalloc((n_eng ? n_eng : 1) * sizeof(*w));
    for (size_t e = 0; e < n_eng; e++) {
        struct sw_health_person_load *p = &ret_per[e];

        p->oncall_ppm = sw_health_ppm((uint64_t)p->oncall_s, (uint64_t)(to - from));
        p->page_share_ppm = sw_health_ppm(p->pages, ret_team->pages);
        p->case_share_ppm = sw_health_ppm(p->cases, ret_team->cases);
        if (p->oncall_ppm > ret_team->max_oncall_ppm) {
            ret_team->max_oncall_ppm = p->oncall_ppm;
        }
    }
    for (size_t e = 0; e < n_eng; e++) {
        w[e] = ret_per[e].pages;
    }
    ret_team->cv_pages_ppm = sw_health_cv_ppm(w, n_eng);
    for (size_t e = 0; e < n_eng; e++) {
        w[e] = ret_per[e].cases;
    }
    ret_team->cv_cases_ppm = sw_health_cv_ppm(w, n_eng);
    /* pages_i / P + cases_i / C, scaled by P * C (the CV does not change under scaling) */
    for (size_t e = 0; e < n_eng; e++) {
        __int128 P = ret_team->pages, C = ret_team->cases;

        if (P > 0 && C > 0) {
            w[e] = (__int128)ret_per[e].pages * C + (__int128)ret_per[e].cases * P;
        } else {
            w[e] = (__int128)ret_per[e].pages + (__int128)ret_per[e].cases;
        }
    }
    ret_team->cv_ppm = sw_health_cv_ppm(w, n_eng);
    ret_team->max_over_mean_ppm = sw_health_max_over_mean_ppm(w, n_eng);
out:
    free(w);
    free(pages);
    team_release(&tm);
    return r;
}
