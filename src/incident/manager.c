/* SPDX-License-Identifier: Apache-2.0 */
/* manager.c: the incident manager. A pass at an instant: reconcile each service's level with
 * its stored incident (decide.c says what to do), take the escalation steps that are due, and
 * deliver the notifications that are due. The store is the source of truth: each pass reads
 * the open incidents again, and every change is written with the version it was based on, so
 * a command from another process between the read and the write makes the write fail with
 * -ESTALE and the next pass decides again. An escalation step and the notifications it queues
 * are one transaction; a delivery's outcome is recorded after it: a crash between the two
 * sends that one notification again on restart, a crash anywhere else loses and repeats
 * nothing. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account/account.h"
#include "incident/incident.h"
#include "incident/internal.h"
#include "ops/ops.h"
#include "sla/sla.h"
#include "support/support.h"

#define DUE_BATCH 1000  /* notifications delivered per pass, at most */
#define ON_TIME_S 5     /* a step taken this late still counts as on schedule */
#define CASE_WATCH_S 60 /* how often the case timers are looked at */

struct level {
    char *path;
    enum sw_state state;
    int64_t since;
    bool flapping;
    char *output;
};

struct sw_inc_manager {
    struct sw_store *store;
    sw_inc_deliver_fn deliver;
    void *deliver_arg;
    int (*fence)(void *arg); /* may this node still send? (several nodes: the leader's term) */
    void *fence_arg;
    struct sw_config *(*cfg_get)(void *arg);
    void *cfg_arg;

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cond;
    struct sw_config *cfg;
    struct sw_map levels; /* path -> struct level (owned) */
    char **burn;          /* firing page alerts: service paths */
    char **burn_text;
    size_t n_burn;
    int64_t last_watch; /* s: the case timers were looked at then */
    bool wake;
    bool stopping;
    bool running;
    pthread_t thread;
    struct sw_inc_stats stats;
};

/* What one pass works with: a consistent copy. */
struct pass {
    struct sw_inc_manager *m;
    struct sw_config *cfg;
    int64_t now;
    struct sw_incident *open; /* open incidents as read at the start, updated as written */
    size_t n_open;
    struct sw_map open_by_service; /* service path -> struct sw_incident (into open) */
    struct level *levels;          /* copies */
    size_t n_levels;
    struct sw_map level_by_path;
    struct sw_maint_row *maint;
    size_t n_maint;
    bool maint_loaded;
    struct sw_incident *recent; /* incidents opened within the storm window */
    size_t n_recent;
    int64_t *new_opened; /* opened in this pass, per new incident (storm counting) */
    char **new_deps;
    size_t n_new;
    int status; /* first store error */
};

static int real_deliver(void *arg, const struct sw_notify_channel *ch,
                        const struct sw_notify_message *msg, struct sw_notify_result *ret)
{
    (void)arg;
    return sw_notify_deliver(ch, msg, ret);
}

/* Every delivery asks the fence first: a node that is no longer the leader sends nothing,
 * and records nothing (the notification stays due for the leader). */
static int fenced_deliver(void *arg, const struct sw_notify_channel *ch,
                          const struct sw_notify_message *msg, struct sw_notify_result *ret)
{
    struct sw_inc_manager *m = arg;

    if (m->fence && m->fence(m->fence_arg) < 0) {
        return -ESTALE;
    }
    return m->deliver(m->deliver_arg, ch, msg, ret);
}

int sw_inc_manager_new(struct sw_store *store, struct sw_config *cfg, struct sw_inc_manager **ret)
{
    struct sw_inc_manager *m = sw_xcalloc(1, sizeof(*m));

    m->store = store;
    m->cfg = sw_config_ref(cfg);
    m->deliver = real_deliver;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cond, NULL);
    sw_map_init(&m->levels);
    *ret = m;
    return 0;
}

static void level_free(struct level *l)
{
    if (l) {
        free(l->path);
        free(l->output);
        free(l);
    }
}

static void burn_clear(struct sw_inc_manager *m)
{
    for (size_t i = 0; i < m->n_burn; i++) {
        free(m->burn[i]);
        free(m->burn_text[i]);
    }
    free(m->burn);
    free(m->burn_text);
    m->burn = NULL;
    m->burn_text = NULL;
    m->n_burn = 0;
}

void sw_inc_manager_free(struct sw_inc_manager *m)
{
    if (!m) {
        return;
    }
    sw_inc_manager_stop(m);
    for (size_t i = 0; i < m->levels.cap; i++) {
        if (m->levels.slots[i].key) {
            level_free(m->levels.slots[i].value);
        }
    }
    sw_map_release(&m->levels);
    burn_clear(m);
    sw_config_unref(m->cfg);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

void sw_inc_manager_set_deliver(struct sw_inc_manager *m, sw_inc_deliver_fn fn, void *arg)
{
    m->deliver = fn ? fn : real_deliver;
    m->deliver_arg = arg;
}

void sw_inc_manager_set_fence(struct sw_inc_manager *m, int (*fence)(void *arg), void *arg)
{
    m->fence = fence;
    m->fence_arg = arg;
}

void sw_inc_manager_set_config(struct sw_inc_manager *m, struct sw_config *cfg)
{
    struct sw_config *old;

    pthread_mutex_lock(&m->mu);
    old = m->cfg;
    m->cfg = sw_config_ref(cfg);
    m->wake = true;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
    sw_config_unref(old);
}

void sw_inc_manager_set_config_source(struct sw_inc_manager *m, struct sw_config *(*get)(void *arg),
                                      void *arg)
{
    m->cfg_get = get;
    m->cfg_arg = arg;
}

void sw_inc_manager_level(struct sw_inc_manager *m, const char *path, enum sw_state state,
                          int64_t since, bool flapping, const char *output)
{
    struct level *l;

    pthread_mutex_lock(&m->mu);
    l = sw_map_get(&m->levels, path);
    if (!l) {
        l = sw_xcalloc(1, sizeof(*l));
        l->path = sw_xstrdup(path);
        sw_map_put(&m->levels, l->path, l);
    }
    l->state = state;
    l->since = since;
    l->flapping = flapping;
    free(l->output);
    l->output = sw_xstrdup(output ? output : "");
    m->wake = true;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

void sw_inc_manager_burn(struct sw_inc_manager *m, const char *const *services,
                         const char *const *texts, size_t n)
{
    pthread_mutex_lock(&m->mu);
    burn_clear(m);
    m->burn = sw_xcalloc(n ? n : 1, sizeof(*m->burn));
    m->burn_text = sw_xcalloc(n ? n : 1, sizeof(*m->burn_text));
    for (size_t i = 0; i < n; i++) {
        m->burn[i] = sw_xstrdup(services[i]);
        m->burn_text[i] = sw_xstrdup(texts && texts[i] ? texts[i] : "SLO burn-rate alert");
    }
    m->n_burn = n;
    m->wake = true;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

void sw_inc_manager_stats(struct sw_inc_manager *m, struct sw_inc_stats *ret)
{
    pthread_mutex_lock(&m->mu);
    *ret = m->stats;
    pthread_mutex_unlock(&m->mu);
}

static void count(struct sw_inc_manager *m, uint64_t *field, uint64_t n)
{
    pthread_mutex_lock(&m->mu);
    *field += n;
    pthread_mutex_unlock(&m->mu);
}

/* ---- the pass: reading ---- */

static void pass_release(struct pass *p)
{
    sw_incidents_free(p->open, p->n_open);
    sw_map_release(&p->open_by_service);
    for (size_t i = 0; i < p->n_levels; i++) {
        free(p->levels[i].path);
        free(p->levels[i].output);
    }
    free(p->levels);
    sw_map_release(&p->level_by_path);
    sw_maint_rows_free(p->maint, p->n_maint);
    sw_incidents_free(p->recent, p->n_recent);
    for (size_t i = 0; i < p->n_new; i++) {
        free(p->new_deps[i]);
    }
    free(p->new_opened);
    free(p->new_deps);
    sw_config_unref(p->cfg);
}

static void fail(struct pass *p, int r, const char *what)
{
    if (r == -ESTALE) {
        sw_debug("incidents: %s: changed meanwhile; decided again at the next pass", what);
        return;
    }
    sw_warn("incidents: %s: %s", what, strerror(-r));
    if (!p->status) {
        p->status = r;
    }
    count(p->m, &p->m->stats.store_errors, 1);
}

/* The open incidents by service, built again after each change (the keys point into p->open). */
static void reindex(struct pass *p)
{
    sw_map_release(&p->open_by_service);
    sw_map_init(&p->open_by_service);
    for (size_t i = 0; i < p->n_open; i++) {
        if (p->open[i].status != SW_INC_RESOLVED) {
            sw_map_put(&p->open_by_service, p->open[i].service, &p->open[i]);
        }
    }
}

static int pass_read(struct pass *p)
{
    struct sw_inc_manager *m = p->m;
    struct sw_inc_filter f = {.open_only = true};
    size_t cap = 0;
    int r;

    r = sw_store_incident_list(m->store, &f, &p->open, &p->n_open);
    if (r < 0) {
        return r;
    }
    sw_map_init(&p->open_by_service);
    reindex(p);
    sw_map_init(&p->level_by_path);
    /* the engine's current configuration, taken without waking the thread again (a pass that
     * woke itself would never sleep), and outside our lock (the engine's is taken) */
    struct sw_config *c = m->cfg_get ? m->cfg_get(m->cfg_arg) : NULL, *old = NULL;
    pthread_mutex_lock(&m->mu);
    if (c) {
        old = m->cfg;
        m->cfg = c;
    }
    p->cfg = sw_config_ref(m->cfg);
    for (size_t i = 0; i < m->levels.cap; i++) {
        const struct level *l = m->levels.slots[i].value;
        if (!m->levels.slots[i].key ||
            (l->state == SW_OK && !sw_map_get(&p->open_by_service, l->path))) {
            continue;
        }
        sw_xgrow((void **)&p->levels, &cap, p->n_levels + 1, sizeof(*p->levels));
        p->levels[p->n_levels] = *l;
        p->levels[p->n_levels].path = sw_xstrdup(l->path);
        p->levels[p->n_levels].output = sw_xstrdup(l->output);
        p->n_levels++;
    }
    pthread_mutex_unlock(&m->mu);
    sw_config_unref(old);
    for (size_t i = 0; i < p->n_levels; i++) {
        sw_map_put(&p->level_by_path, p->levels[i].path, &p->levels[i]);
    }
    if (p->cfg->incidents.storm_threshold > 0) {
        struct sw_inc_filter rf = {.opened_from = p->now - p->cfg->incidents.storm_window_s + 1};
        r = sw_store_incident_list(m->store, &rf, &p->recent, &p->n_recent);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/* Is level l of service s "down" in its settings. A service without a level (no result yet,
 * or OK and without an incident, which the copy leaves out) is not. */
static const struct level *level_of(const struct pass *p, const char *path)
{
    return sw_map_get(&p->level_by_path, path);
}

static bool service_down(const struct pass *p, const struct sw_service_conf *s)
{
    const struct level *l = level_of(p, s->path);
    return l && sw_inc_is_down(&s->incident, l->state);
}

static bool in_maintenance(struct pass *p, const struct sw_service_conf *s)
{
    struct sw_window_list wl;
    bool in = false;

    if (!p->maint_loaded) {
        int r = sw_store_maint_list(p->m->store, &p->maint, &p->n_maint);
        if (r < 0) {
            fail(p, r, "reading maintenance windows");
        }
        p->maint_loaded = true;
    }
    sw_window_list_init(&wl);
    if (sw_account_windows(p->cfg, p->maint, p->n_maint, s, p->now, p->now + 1, &wl) == 0) {
        for (size_t i = 0; i < wl.n && !in; i++) {
            in = wl.v[i].start <= p->now && p->now < wl.v[i].end;
        }
    }
    sw_window_list_release(&wl);
    return in;
}

/* Depth in the depends_on graph (cycles are refused by the config): parents are reconciled
 * before their children, so a child sees the incident its parent opened in the same pass. */
static int depth(const struct sw_service_conf *s, int guard)
{
    int d = 0;

    if (guard > 64) {
        return 64;
    }
    for (size_t i = 0; i < s->n_depends_on; i++) {
        int k = depth(s->depends_on[i], guard + 1) + 1;
        d = k > d ? k : d;
    }
    return d;
}

/* ---- the pass: incidents ---- */

static char *title_for(const struct sw_service_conf *s, enum sw_state st, enum sw_inc_kind kind)
{
    if (kind == SW_INC_BURN) {
        return sw_xasprintf("SLO burn: %s / %s / %s", s->customer->id, s->deployment->id, s->name);
    }
    return sw_xasprintf("%s: %s / %s / %s", sw_state_name(st), s->customer->id, s->deployment->id,
                        s->name);
}

/* The opening times of deployment's incidents in the storm window (read at the pass's start,
 * and opened during it), with room for extra more; free() it. */
static int64_t *opened_in(const struct pass *p, const char *deployment, size_t extra, size_t *ret_n)
{
    int64_t *v = sw_xcalloc(p->n_recent + p->n_new + extra + 1, sizeof(*v));
    size_t n = 0;

    for (size_t i = 0; i < p->n_recent; i++) {
        if (strcmp(p->recent[i].deployment, deployment) == 0) {
            v[n++] = p->recent[i].opened;
        }
    }
    for (size_t i = 0; i < p->n_new; i++) {
        if (strcmp(p->new_deps[i], deployment) == 0) {
            v[n++] = p->new_opened[i];
        }
    }
    *ret_n = n;
    return v;
}

static int64_t storm_due(struct pass *p, const struct sw_service_conf *s)
{
    const struct sw_incidents_conf *ic = &p->cfg->incidents;
    int64_t first = p->now, *v;
    size_t n;
    bool storm;

    if (ic->storm_threshold <= 0) {
        return p->now;
    }
    v = opened_in(p, s->deployment->path, 1, &n);
    v[n++] = p->now;
    storm = sw_inc_storm(v, n, p->now, ic->storm_window_s, ic->storm_threshold);
    for (size_t i = 0; i < n; i++) {
        first = v[i] > p->now - ic->storm_window_s && v[i] < first ? v[i] : first;
    }
    free(v);
    if (!storm) {
        return p->now;
    }
    return first + ic->storm_wait_s > p->now ? first + ic->storm_wait_s : p->now;
}

static void note_new(struct pass *p, const struct sw_service_conf *s)
{
    p->new_opened = sw_xrealloc(p->new_opened, (p->n_new + 1) * sizeof(*p->new_opened));
    p->new_deps = sw_xrealloc(p->new_deps, (p->n_new + 1) * sizeof(*p->new_deps));
    p->new_opened[p->n_new] = p->now;
    p->new_deps[p->n_new] = sw_xstrdup(s->deployment->path);
    p->n_new++;
}

/* Starts the escalation of inc from its first step at due (or leaves it when nobody is to be
 * paged). */
static void start_escalation(struct incident_edit *x, int64_t due)
{
    x->inc.esc_started = false;
    x->inc.esc_round = 0;
    x->inc.esc_step = 0;
    x->inc.esc_t = 0;
    x->inc.next_due = x->inc.policy ? due : 0;
}

/* What was just written becomes the pass's view of the incident. */
static void replace_open(struct pass *p, const struct sw_incident *inc)
{
    for (size_t i = 0; i < p->n_open; i++) {
        if (p->open[i].id == inc->id) {
            sw_incident_release(&p->open[i]);
            sw_incident_copy(&p->open[i], inc);
            reindex(p);
            return;
        }
    }
    p->open = sw_xrealloc(p->open, (p->n_open + 1) * sizeof(*p->open));
    sw_incident_copy(&p->open[p->n_open++], inc);
    reindex(p);
}

static void reconcile(struct pass *p, const struct sw_service_conf *s, const struct level *l,
                      enum sw_inc_kind kind, const char *burn_text)
{
    const struct sw_incidents_conf *ic = &p->cfg->incidents;
    struct sw_incident *open = sw_map_get(&p->open_by_service, s->path);
    struct sw_incident last = {0};
    struct sw_inc_facts f = {.conf = &s->incident, .now = p->now, .open = open};
    struct sw_inc_decision d;
    struct incident_edit x, px;
    const struct sw_escalation_conf *esc;
    bool have_last = false, parent_edit = false;
    char name[24], pname[24];
    int r;

    if (l) {
        f.has_state = true;
        f.state = l->state;
        f.since = l->since;
        f.flapping = l->flapping;
    }
    if (kind == SW_INC_BURN) {
        /* a burn alert acts as a down state for as long as it fires */
        f.has_state = true;
        f.state = l ? l->state : SW_OK;
        if (!sw_inc_is_down(&s->incident, f.state)) {
            if (open) {
                return; /* already open (an outage, or this alert) */
            }
            f.state = SW_CRITICAL;
            f.since = p->now;
        }
    } else if (open && open->kind == SW_INC_BURN &&
               !(l && sw_inc_is_down(&s->incident, l->state))) {
        return; /* a burn incident: resolved when its alert stops, not by the service's state */
    }
    if (f.has_state && sw_inc_is_down(&s->incident, f.state)) {
        for (size_t i = 0; i < s->n_depends_on; i++) {
            const struct sw_service_conf *ps = s->depends_on[i];
            if (service_down(p, ps)) {
                const struct sw_incident *pi = sw_map_get(&p->open_by_service, ps->path);
                f.parent_down = true;
                if (pi && pi->status != SW_INC_RESOLVED && !f.parent_incident) {
                    f.parent_incident = pi->parent ? pi->parent : pi->id;
                }
            }
        }
        if (!open) {
            f.in_maintenance = in_maintenance(p, s);
        }
        /* the last incident matters only where one may open: not in maintenance, not behind a
         * parent that is down without an incident (sw_inc_decide() keeps those as they are),
         * which spares a read a second per such service */
        if (!open && !f.in_maintenance && !(f.parent_down && !f.parent_incident)) {
            r = sw_store_incident_last(p->m->store, s->path, &last);
            if (r == 0) {
                have_last = true;
                f.last = &last;
            } else if (r != -ENOENT) {
                fail(p, r, s->path);
                return;
            }
        }
    }
    sw_inc_decide(&f, &d);
    if (d.verb == SW_INC_KEEP) {
        goto out;
    }
    incident_edit_init(&x, p->now);
    incident_edit_init(&px, p->now);
    switch (d.verb) {
    case SW_INC_OPEN:
        x.inc.kind = kind;
        x.inc.service = sw_xstrdup(s->path);
        x.inc.customer = sw_xstrdup(s->customer->id);
        x.inc.deployment = sw_xstrdup(s->deployment->path);
        x.inc.title = title_for(s, f.state, kind);
        x.inc.severity = s->incident.severity;
        x.inc.status = SW_INC_TRIGGERED;
        x.inc.state = f.state;
        x.inc.output =
            sw_xstrdup(kind == SW_INC_BURN && burn_text ? burn_text : (l ? l->output : ""));
        x.inc.since = f.since;
        x.inc.opened = p->now;
        x.inc.parent = d.parent;
        esc = sw_config_escalation_for(p->cfg, s);
        x.inc.policy = esc ? sw_xstrdup(esc->id) : NULL;
        start_escalation(&x, d.page ? storm_due(p, s) : 0);
        if (!d.page) {
            x.inc.next_due = 0;
        }
        edit_event(&x, "opened", NULL, "%s%s%s", x.inc.title, d.why ? ": " : "",
                   d.why ? d.why : "");
        if (!esc) {
            edit_event(&x, "unassigned", NULL,
                       "no escalation policy covers this service: nobody is paged");
        }
        break;
    case SW_INC_REOPEN:
        incident_edit_from(&x, &last);
        x.inc.status = SW_INC_TRIGGERED;
        x.inc.reopened++;
        x.inc.resolved = 0;
        free(x.inc.resolved_by);
        x.inc.resolved_by = NULL;
        x.inc.recovered = 0;
        x.inc.acked = 0;
        free(x.inc.acked_by);
        x.inc.acked_by = NULL;
        x.inc.state = f.state;
        free(x.inc.output);
        x.inc.output = sw_xstrdup(l ? l->output : "");
        x.inc.since = f.since;
        x.inc.parent = d.parent;
        if (d.page) {
            start_escalation(&x, p->now);
        } else {
            x.inc.next_due = 0;
        }
        edit_event(&x, "reopened", NULL, "%s: %s", sw_state_name(f.state), d.why);
        break;
    case SW_INC_RELAPSE:
        incident_edit_from(&x, open);
        x.inc.status = x.inc.acked ? SW_INC_ACKNOWLEDGED : SW_INC_TRIGGERED;
        x.inc.recovered = 0;
        x.inc.state = f.state;
        x.inc.since = f.since;
        if (d.page && x.inc.status == SW_INC_TRIGGERED) {
            start_escalation(&x, p->now);
        }
        edit_event(&x, "state", NULL, "%s: %s", sw_state_name(f.state), d.why);
        break;
    case SW_INC_STATE:
        incident_edit_from(&x, open);
        edit_event(&x, "state", NULL, "%s -> %s", sw_state_name(x.inc.state),
                   sw_state_name(f.state));
        x.inc.state = f.state;
        x.inc.since = f.since;
        free(x.inc.output);
        x.inc.output = sw_xstrdup(l ? l->output : "");
        break;
    case SW_INC_RECOVER:
        incident_edit_from(&x, open);
        x.inc.recovered = p->now;
        x.inc.state = f.state;
        x.inc.since = f.since;
        x.inc.next_due = 0;
        x.cancel = true;
        if (d.resolve) {
            x.inc.status = SW_INC_RESOLVED;
            x.inc.resolved = p->now;
            edit_event(&x, "resolved", NULL, "%s (%s)", d.why, sw_state_name(f.state));
            if (ic->notify_resolved) {
                int rr = queue_resolved(p->m->store, &x, p->now);
                if (rr < 0) {
                    fail(p, rr, s->path);
                    incident_edit_release(&x);
                    incident_edit_release(&px);
                    goto out;
                }
            }
        } else {
            x.inc.status = SW_INC_RECOVERED;
            edit_event(&x, "recovered", NULL, "%s (%s): awaiting confirmation", d.why,
                       sw_state_name(f.state));
        }
        break;
    case SW_INC_ATTACH:
        incident_edit_from(&x, open);
        x.inc.parent = d.parent;
        x.inc.next_due = 0;
        x.cancel = true;
        edit_event(&x, "attached", NULL, "attached to %s: %s", sw_inc_name(d.parent, pname), d.why);
        break;
    case SW_INC_DETACH:
        incident_edit_from(&x, open);
        edit_event(&x, "detached", NULL, "detached from %s: %s", sw_inc_name(x.inc.parent, pname),
                   d.why);
        x.inc.parent = 0;
        if (d.page) {
            start_escalation(&x, p->now);
        }
        break;
    default:
        break;
    }
    /* the parent's timeline tells who joined it */
    if (x.inc.parent &&
        (d.verb == SW_INC_OPEN || d.verb == SW_INC_REOPEN || d.verb == SW_INC_ATTACH)) {
        struct sw_incident *pi = NULL;
        for (size_t i = 0; i < p->n_open; i++) {
            if (p->open[i].id == x.inc.parent) {
                pi = &p->open[i];
            }
        }
        if (pi) {
            incident_edit_from(&px, pi);
            edit_event(&px, "attached", NULL, "%s is down too and depends on this: attached here",
                       s->path);
            parent_edit = true;
        }
    }
    r = incident_edit_write(p->m->store, &x, parent_edit ? &px : NULL);
    if (r < 0) {
        fail(p, r, s->path);
    } else {
        if (d.verb == SW_INC_OPEN) {
            count(p->m, &p->m->stats.opened, 1);
            note_new(p, s);
            /* the contract may want a severity-1 case for it (a failure is retried by
             * nobody: logged, the incident stands) */
            sw_case_for_incident(p->m->store, p->cfg, &x.inc, p->now);
        }
        if (parent_edit) {
            replace_open(p, &px.inc);
        }
        replace_open(p, &x.inc);
        sw_info("incidents: %s %s: %s", sw_inc_name(x.inc.id, name), s->path, x.events[0].kind);
    }
    incident_edit_release(&x);
    incident_edit_release(&px);
out:
    if (have_last) {
        sw_incident_release(&last);
    }
}

static int cmp_depth(const void *a, const void *b)
{
    const struct sw_service_conf *const *x = a, *const *y = b;
    int dx = depth(*x, 0), dy = depth(*y, 0);
    return dx != dy ? dx - dy : ((*x)->index > (*y)->index) - ((*x)->index < (*y)->index);
}

static bool burn_enabled(const struct pass *p, const struct sw_service_conf *s)
{
    const struct sw_contract_conf *ct = s->customer->contract;

    if (ct && ct->burn_incidents >= 0) {
        return ct->burn_incidents == 1;
    }
    return p->cfg->incidents.burn_rate;
}

static void reconcile_all(struct pass *p)
{
    struct sw_inc_manager *m = p->m;
    const struct sw_service_conf **v;
    size_t n = 0;
    char **burn = NULL, **texts = NULL;
    size_t n_burn;

    v = sw_xcalloc(p->n_levels + p->n_open + 1, sizeof(*v));
    for (size_t i = 0; i < p->n_levels; i++) {
        const struct sw_service_conf *s = sw_config_find_service(p->cfg, p->levels[i].path);
        if (s) {
            v[n++] = s;
        }
    }
    for (size_t i = 0; i < p->n_open; i++) {
        const struct sw_service_conf *s = sw_config_find_service(p->cfg, p->open[i].service);
        if (s && !level_of(p, s->path)) {
            v[n++] = s; /* open, and no level yet (after a restart) */
        }
    }
    qsort(v, n, sizeof(*v), cmp_depth);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && v[i] == v[i - 1]) {
            continue;
        }
        reconcile(p, v[i], level_of(p, v[i]->path), SW_INC_OUTAGE, NULL);
    }
    free(v);

    /* burn-rate alerts: open incidents while they fire; resolve theirs when they stop */
    pthread_mutex_lock(&m->mu);
    n_burn = m->n_burn;
    burn = sw_xcalloc(n_burn + 1, sizeof(*burn));
    texts = sw_xcalloc(n_burn + 1, sizeof(*texts));
    for (size_t i = 0; i < n_burn; i++) {
        burn[i] = sw_xstrdup(m->burn[i]);
        texts[i] = sw_xstrdup(m->burn_text[i]);
    }
    pthread_mutex_unlock(&m->mu);
    for (size_t i = 0; i < n_burn; i++) {
        const struct sw_service_conf *s = sw_config_find_service(p->cfg, burn[i]);
        if (s && burn_enabled(p, s)) {
            reconcile(p, s, level_of(p, s->path), SW_INC_BURN, texts[i]);
        }
    }
    for (size_t i = 0; i < p->n_open; i++) {
        struct sw_incident *o = &p->open[i];
        bool firing = false;
        for (size_t j = 0; j < n_burn; j++) {
            firing |= strcmp(burn[j], o->service) == 0;
        }
        if (o->kind == SW_INC_BURN && o->status != SW_INC_RESOLVED && !firing &&
            sw_map_get(&p->open_by_service, o->service) == o) {
            const struct level *l = level_of(p, o->service);
            const struct sw_service_conf *s = sw_config_find_service(p->cfg, o->service);
            if (s && l && sw_inc_is_down(&s->incident, l->state)) {
                continue; /* the service itself is down now: its state resolves it */
            }
            int r = burn_resolve(p->m->store, p->cfg, o, p->now);
            if (r < 0) {
                fail(p, r, o->service);
            }
        }
    }
    for (size_t i = 0; i < n_burn; i++) {
        free(burn[i]);
        free(texts[i]);
    }
    free(burn);
    free(texts);
}

/* ---- the pass: escalation ---- */

static void escalate(struct pass *p, struct sw_incident *o)
{
    const struct sw_escalation_conf *esc = sw_config_find_escalation(p->cfg, o->policy);
    struct incident_edit x;
    int guard = 0, r;

    incident_edit_init(&x, p->now);
    incident_edit_from(&x, o);
    if (!esc) {
        x.inc.next_due = 0;
        edit_event(&x, "escalation", NULL,
                   "escalation policy %s is no longer configured: nobody more is paged", o->policy);
        goto write;
    }
    while (x.inc.next_due && x.inc.next_due <= p->now && guard++ < SW_ESC_STEPS_MAX * 101) {
        struct sw_esc_cursor cur = {x.inc.esc_round, x.inc.esc_step, x.inc.esc_t};
        struct sw_esc_event ev, nx;
        int64_t trigger = x.inc.esc_started ? x.inc.opened : x.inc.next_due;
        size_t queued;

        if (!x.inc.esc_started) {
            ev.round = 0;
            ev.step = 0;
            ev.t = x.inc.next_due;
            ev.target = &esc->policy.steps[0].target;
        } else if (sw_esc_next(&esc->policy, trigger, &cur, SW_OPS_NEVER, SW_OPS_NEVER, &ev) < 0) {
            x.inc.next_due = 0;
            break;
        }
        queued = queue_step(p->cfg, &x, &ev, p->now);
        x.inc.esc_started = true;
        x.inc.esc_round = ev.round;
        x.inc.esc_step = ev.step;
        /* on time: keep the exact schedule; late (after a restart): keep each wait whole */
        x.inc.esc_t = p->now - x.inc.next_due <= ON_TIME_S ? x.inc.next_due : p->now;
        cur = (struct sw_esc_cursor){ev.round, ev.step, x.inc.esc_t};
        if (sw_esc_next(&esc->policy, x.inc.opened, &cur, SW_OPS_NEVER, SW_OPS_NEVER, &nx) == 0) {
            x.inc.next_due = queued ? nx.t : p->now; /* nobody to page: the next step now */
            if (!queued) {
                x.inc.esc_t = p->now - esc->policy.steps[ev.step].wait_s;
            }
        } else {
            x.inc.next_due = 0;
            if (!queued) {
                edit_event(&x, "unreached", NULL,
                           "the escalation policy is used up and nobody was reached");
            }
        }
    }
write:
    r = incident_edit_write(p->m->store, &x, NULL);
    if (r < 0) {
        fail(p, r, o->service);
    } else {
        replace_open(p, &x.inc);
    }
    incident_edit_release(&x);
}

static void escalate_all(struct pass *p)
{
    size_t n = p->n_open;

    for (size_t i = 0; i < n; i++) {
        struct sw_incident *o = &p->open[i];
        if (o->status == SW_INC_TRIGGERED && !o->parent && o->policy && o->next_due &&
            o->next_due <= p->now && sw_map_get(&p->open_by_service, o->service) == o) {
            escalate(p, o);
        }
    }
}

/* ---- support cases: a timer's warning or breach pages through the contract's policy ---- */

static void case_service(const struct sw_case_row *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s/cases/CASE-%" PRId64, c->customer, c->id);
}

static void on_case_event(void *arg, const struct sw_case_row *c, bool breach, const char *text,
                          int64_t t)
{
    struct pass *p = arg;
    const struct sw_customer_conf *cu = sw_config_find_customer(p->cfg, c->customer);
    const struct sw_escalation_conf *esc =
        cu && cu->contract ? cu->contract->case_escalation : NULL;
    struct sw_incident *open;
    struct incident_edit x;
    char service[256], name[24];
    int r;

    if (!esc) {
        return;
    }
    case_service(c, service, sizeof(service));
    open = sw_map_get(&p->open_by_service, service);
    incident_edit_init(&x, p->now);
    if (open) {
        incident_edit_from(&x, open);
        if (breach) {
            x.inc.state = SW_CRITICAL;
        }
        edit_event(&x, "state", NULL, "%s", text);
    } else {
        x.inc.kind = SW_INC_CASE;
        x.inc.service = sw_xstrdup(service);
        x.inc.customer = sw_xstrdup(c->customer);
        x.inc.deployment = sw_xstrdup(c->deployment ? c->deployment : c->customer);
        x.inc.title =
            sw_xasprintf("Case CASE-%" PRId64 " (severity %d): %s", c->id, c->severity, c->title);
        x.inc.severity = c->severity;
        x.inc.status = SW_INC_TRIGGERED;
        x.inc.state = breach ? SW_CRITICAL : SW_WARNING;
        x.inc.output = sw_xstrdup(text);
        x.inc.since = t;
        x.inc.opened = p->now;
        x.inc.policy = sw_xstrdup(esc->id);
        start_escalation(&x, p->now);
        edit_event(&x, "opened", NULL, "%s", text);
    }
    r = incident_edit_write(p->m->store, &x, NULL);
    if (r < 0) {
        fail(p, r, service);
    } else {
        if (!open) {
            count(p->m, &p->m->stats.opened, 1);
        }
        replace_open(p, &x.inc);
        sw_info("incidents: %s %s: %s", sw_inc_name(x.inc.id, name), service, text);
    }
    incident_edit_release(&x);
}

/* A case incident ends when the case no longer needs anyone: answered, or resolved. */
static void resolve_answered(struct pass *p)
{
    size_t n = p->n_open;

    for (size_t i = 0; i < n; i++) {
        struct sw_incident *o = &p->open[i];
        const char *tail = strrchr(o->service, '-');
        struct sw_case_row c;
        struct sw_case_event_row *ev = NULL;
        size_t n_ev = 0;
        struct incident_edit x;
        long long id;
        bool needs;

        if (o->kind != SW_INC_CASE || o->status == SW_INC_RESOLVED || !tail ||
            sw_map_get(&p->open_by_service, o->service) != o ||
            (id = strtoll(tail + 1, NULL, 10)) <= 0 || sw_store_case_get(p->m->store, id, &c) < 0) {
            continue;
        }
        needs = sw_store_case_events(p->m->store, id, &ev, &n_ev) == 0 &&
                sw_case_needs_attention(p->cfg, &c, ev, n_ev, p->now);
        sw_case_event_rows_free(ev, n_ev);
        if (!needs) {
            incident_edit_init(&x, p->now);
            incident_edit_from(&x, o);
            x.inc.status = SW_INC_RESOLVED;
            x.inc.resolved = p->now;
            x.inc.recovered = p->now;
            x.inc.state = SW_OK;
            x.inc.next_due = 0;
            x.cancel = true;
            edit_event(&x, "resolved", NULL, "CASE-%lld was answered (%s)", id,
                       sw_case_status_name((enum sw_case_status)c.status));
            if ((!p->cfg->incidents.notify_resolved ||
                 queue_resolved(p->m->store, &x, p->now) == 0) &&
                incident_edit_write(p->m->store, &x, NULL) == 0) {
                replace_open(p, &x.inc);
            }
            incident_edit_release(&x);
        }
        sw_case_row_release(&c);
    }
}

/* ---- the pass ---- */

static bool stormy(void *arg, const char *deployment)
{
    struct pass *p = arg;
    const struct sw_incidents_conf *ic = &p->cfg->incidents;
    size_t n;
    int64_t *v = opened_in(p, deployment, 0, &n);
    bool s = sw_inc_storm(v, n, p->now, ic->storm_window_s, ic->storm_threshold);

    free(v);
    return s;
}

int sw_inc_manager_pass(struct sw_inc_manager *m, int64_t now, int64_t *ret_next)
{
    struct pass p = {.m = m, .now = now};
    struct sw_notification *due = NULL;
    size_t n_due = 0;
    int64_t next = 0, t;
    int r;

    r = pass_read(&p);
    if (r < 0) {
        fail(&p, r, "reading incidents");
        goto out;
    }
    reconcile_all(&p);
    /* support cases' warnings and breaches, once a minute */
    if (now - m->last_watch >= CASE_WATCH_S) {
        size_t w = 0, b = 0;
        m->last_watch = now;
        if (sw_case_watch(m->store, p.cfg, now, &w, &b, on_case_event, &p) < 0) {
            fail(&p, -EIO, "watching the case timers");
        }
        count(m, &m->stats.case_warnings, w);
        count(m, &m->stats.case_breaches, b);
        resolve_answered(&p);
    }
    escalate_all(&p);
    r = sw_store_notif_due(m->store, now, DUE_BATCH, &due, &n_due);
    if (r < 0) {
        fail(&p, r, "reading the outbox");
        goto out;
    }
    if (n_due) {
        size_t *group = sw_xcalloc(n_due, sizeof(*group));
        struct deliver_stats ds = {0};
        sw_inc_group(due, n_due, stormy, &p, group);
        deliver_due(m->store, p.cfg, fenced_deliver, m, due, n_due, group, now, &ds);
        count(m, &m->stats.notifications_sent, ds.sent);
        count(m, &m->stats.notifications_failed, ds.failed);
        if (ds.status == -ESTALE) {
            sw_info("incidents: this node no longer leads: deliveries left to the leader");
        } else if (ds.status < 0) {
            fail(&p, ds.status, "recording deliveries");
        }
        free(group);
    }
    sw_notifications_free(due, n_due);
    for (size_t i = 0; i < p.n_open; i++) {
        const struct sw_incident *o = &p.open[i];
        if (o->status == SW_INC_TRIGGERED && o->next_due &&
            sw_map_get(&p.open_by_service, o->service) == o && (next == 0 || o->next_due < next)) {
            next = o->next_due;
        }
    }
    if (sw_store_notif_next_due(m->store, &t) == 0 && t && (next == 0 || t < next)) {
        next = t;
    }
out:
    count(m, &m->stats.passes, 1);
    if (ret_next) {
        *ret_next = next;
    }
    r = p.status;
    pass_release(&p);
    return r < 0 ? -EIO : 0;
}

/* ---- the thread ---- */

static void *thread_main(void *arg)
{
    struct sw_inc_manager *m = arg;

    pthread_mutex_lock(&m->mu);
    while (!m->stopping) {
        int64_t next = 0, now;
        struct timespec ts;

        m->wake = false;
        pthread_mutex_unlock(&m->mu);
        now = sw_now_ms() / 1000;
        /* with several nodes, a pass is the leader's alone, and only while what it knows is
         * fresh: a leader paused past its lease must not decide on what it saw before */
        if (!m->fence || m->fence(m->fence_arg) == 0) {
            sw_inc_manager_pass(m, now, &next);
        }
        pthread_mutex_lock(&m->mu);
        if (m->wake || m->stopping) {
            continue;
        }
        /* every second at least: commands from other processes, maintenance windows */
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&m->cond, &m->mu, &ts);
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

int sw_inc_manager_start(struct sw_inc_manager *m)
{
    int r;

    pthread_mutex_lock(&m->mu);
    m->stopping = false;
    r = -pthread_create(&m->thread, NULL, thread_main, m);
    m->running = r == 0;
    pthread_mutex_unlock(&m->mu);
    return r;
}

void sw_inc_manager_poke(struct sw_inc_manager *m)
{
    pthread_mutex_lock(&m->mu);
    m->wake = true;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
}

void sw_inc_manager_stop(struct sw_inc_manager *m)
{
    bool running;

    pthread_mutex_lock(&m->mu);
    running = m->running;
    m->stopping = true;
    m->running = false;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->mu);
    if (running) {
        pthread_join(m->thread, NULL);
    }
}
