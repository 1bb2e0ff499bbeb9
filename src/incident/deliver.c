/* SPDX-License-Identifier: Apache-2.0 */
/* deliver.c: sending the notifications that are due, one message per recipient (or one
 * summary per recipient and deployment during a storm), several at once, and recording what
 * happened: sent,
 * to be retried with back-off, or failed for good, which lets the escalation go on to its next
 * step at once when nobody of a step was reached. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incident/internal.h"

#define SUMMARY_SERVICES_MAX 400 /* bytes of service names in a storm summary */

/* Incidents read for one round of deliveries, by id; each allocated on its own, so that the
 * pointers handed out stay valid as the cache grows. */
struct inc_cache {
    struct sw_incident **v;
    size_t n;
};

static const struct sw_incident *cache_get(struct sw_store *s, struct inc_cache *c, int64_t id)
{
    struct sw_incident *inc;

    for (size_t i = 0; i < c->n; i++) {
        if (c->v[i]->id == id) {
            return c->v[i];
        }
    }
    inc = sw_xcalloc(1, sizeof(*inc));
    if (sw_store_incident_get(s, id, inc) < 0) {
        free(inc);
        return NULL;
    }
    c->v = sw_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
    c->v[c->n++] = inc;
    return inc;
}

static const char *after_slash(const char *path)
{
    const char *p = strrchr(path, '/');
    return p ? p + 1 : path;
}

/* The channel as notify.h takes it, with the recipient's address. */
static void channel_for(const struct sw_channel_conf *cc, const char *address,
                        struct sw_notify_channel *ch)
{
    memset(ch, 0, sizeof(*ch));
    ch->type = cc->type == SW_CHANNEL_EMAIL     ? SW_NOTIFY_EMAIL
               : cc->type == SW_CHANNEL_COMMAND ? SW_NOTIFY_COMMAND
                                                : SW_NOTIFY_WEBHOOK;
    ch->url = cc->url;
    ch->format = cc->format == SW_WEBHOOK_SLACK ? SW_NOTIFY_SLACK : SW_NOTIFY_JSON;
    ch->smtp = cc->smtp;
    ch->from = cc->from;
    ch->to = address ? address : (cc->n_to ? cc->to[0] : NULL);
    ch->username = cc->username;
    ch->password = cc->password;
    ch->argv = (const char *const *)cc->argv;
}

/* Strings a message borrows. */
struct msg_text {
    char name[24];
    char *customer;
    char *service;
    char *output;
    char *incident;
    char *link;
};

static void msg_text_release(struct msg_text *t)
{
    free(t->customer);
    free(t->service);
    free(t->output);
    free(t->incident);
    free(t->link);
}

static void message_for(const struct sw_config *cfg, const struct sw_incident *inc,
                        enum sw_notif_kind kind, struct sw_notify_message *m, struct msg_text *t)
{
    const struct sw_service_conf *s = sw_config_find_service(cfg, inc->service);
    const struct sw_customer_conf *cu = sw_config_find_customer(cfg, inc->customer);

    memset(m, 0, sizeof(*m));
    t->customer = sw_xstrdup(cu ? cu->name : inc->customer);
    t->service = sw_xstrdup(s ? s->name : after_slash(inc->service));
    t->incident = sw_xstrdup(sw_inc_name(inc->id, t->name));
    t->link = sw_xasprintf("%s/api/v1/incidents/%s", cfg->incidents.public_url, t->name);
    if (kind == SW_NOTIF_RESOLVED) {
        t->output = inc->resolved_by ? sw_xasprintf("resolved by %s", inc->resolved_by)
                                     : sw_xstrdup("resolved: the service recovered");
    } else {
        t->output = sw_xstrdup(inc->output ? inc->output : "");
    }
    m->customer = t->customer;
    m->deployment = after_slash(inc->deployment);
    m->service = t->service;
    m->state = kind == SW_NOTIF_RESOLVED ? SW_OK : inc->state;
    m->since = kind == SW_NOTIF_RESOLVED && inc->resolved ? inc->resolved : inc->since;
    m->output = t->output;
    m->incident = t->incident;
    m->link = t->link;
}

/* One summary for several incidents of one deployment (a storm). */
static void summary_for(const struct sw_config *cfg, const struct sw_incident *const *incs,
                        size_t n, struct sw_notify_message *m, struct msg_text *t)
{
    struct sw_buf svc, out;
    enum sw_state worst = SW_OK;
    int64_t since = incs[0]->since;
    static const int rank[] = {0, 1, 3, 2}; /* OK < WARNING < UNKNOWN < CRITICAL */
    const struct sw_customer_conf *cu = sw_config_find_customer(cfg, incs[0]->customer);

    sw_buf_init(&svc);
    sw_buf_init(&out);
    sw_buf_printf(&svc, "%zu services:", n);
    for (size_t i = 0; i < n; i++) {
        const struct sw_service_conf *s = sw_config_find_service(cfg, incs[i]->service);
        const char *name = s ? s->name : after_slash(incs[i]->service);
        char nm[24];
        if (svc.len < SUMMARY_SERVICES_MAX) {
            sw_buf_printf(&svc, "%s %s", i ? "," : "", name);
        } else if (svc.data[svc.len - 1] != '.') {
            sw_buf_puts(&svc, ", ...");
        }
        sw_buf_printf(&out, "%s%s %s %s: %s", i ? "\n" : "", sw_inc_name(incs[i]->id, nm), name,
                      sw_state_name(incs[i]->state), incs[i]->output ? incs[i]->output : "");
        worst = rank[incs[i]->state & 3] > rank[worst] ? incs[i]->state : worst;
        since = incs[i]->since < since ? incs[i]->since : since;
    }
    memset(m, 0, sizeof(*m));
    t->customer = sw_xstrdup(cu ? cu->name : incs[0]->customer);
    t->service = sw_buf_steal(&svc);
    t->output = sw_buf_steal(&out);
    t->incident = sw_xasprintf("%s and %zu more", sw_inc_name(incs[0]->id, t->name), n - 1);
    t->link = sw_xasprintf("%s/api/v1/incidents?deployment=%s&open=true", cfg->incidents.public_url,
                           incs[0]->deployment);
    m->customer = t->customer;
    m->deployment = after_slash(incs[0]->deployment);
    m->service = t->service;
    m->state = worst;
    m->since = since;
    m->output = t->output;
    m->incident = t->incident;
    m->link = t->link;
}

static const char *recipient(const struct sw_notification *n, struct sw_buf *b)
{
    sw_buf_reset(b);
    if (n->engineer) {
        sw_buf_printf(b, "%s via %s", n->engineer, n->channel);
    } else {
        sw_buf_printf(b, "channel %s", n->channel);
    }
    if (n->address) {
        sw_buf_printf(b, " (%s)", n->address);
    }
    return b->data;
}

/* After a notification of step (round, step) failed for good: when no notification of that
 * step reached anyone nor may still, and the incident still waits at that step, the next step
 * is taken at once. */
static int fall_through(struct sw_store *s, const struct sw_notification *n, int64_t now)
{
    struct sw_notification *v = NULL;
    struct sw_incident inc;
    struct incident_edit x;
    size_t k = 0;
    bool reached = false;
    int r = sw_store_incident_notifications(s, n->incident, &v, &k);

    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < k; i++) {
        if (v[i].kind == SW_NOTIF_TRIGGER && v[i].round == n->round && v[i].step == n->step &&
            (v[i].status == SW_NOTIF_SENT || v[i].status == SW_NOTIF_PENDING)) {
            reached = true;
        }
    }
    sw_notifications_free(v, k);
    if (reached) {
        return 0;
    }
    r = sw_store_incident_get(s, n->incident, &inc);
    if (r < 0) {
        return r;
    }
    if (inc.status != SW_INC_TRIGGERED || inc.parent || !inc.esc_started ||
        inc.esc_round != n->round || inc.esc_step != n->step) {
        sw_incident_release(&inc);
        return 0;
    }
    incident_edit_init(&x, now);
    incident_edit_from(&x, &inc);
    if (inc.next_due > now) {
        x.inc.next_due = now;
        edit_event(&x, "escalated", NULL,
                   "nobody of step %d (round %d) could be reached: the next step now", n->step + 1,
                   n->round + 1);
    } else if (inc.next_due == 0) {
        edit_event(&x, "unreached", NULL,
                   "nobody of the last step could be reached: the escalation policy is used up");
    } else {
        incident_edit_release(&x);
        sw_incident_release(&inc);
        return 0;
    }
    r = incident_edit_write(s, &x, NULL);
    incident_edit_release(&x);
    sw_incident_release(&inc);
    return r == -ESTALE ? 0 : r;
}

static void deliver_group(struct sw_store *s, const struct sw_config *cfg, sw_inc_deliver_fn fn,
                          void *arg, const struct sw_notification *v, size_t n, const size_t *group,
                          size_t lead, int64_t now, struct inc_cache *cache,
                          struct deliver_stats *st)
{
    const struct sw_notification *ln = &v[lead];
    const struct sw_channel_conf *cc = sw_config_find_channel(cfg, ln->channel);
    const struct sw_incident **incs = sw_xcalloc(n, sizeof(*incs));
    struct sw_notif_outcome *oc = sw_xcalloc(n, sizeof(*oc));
    struct sw_inc_event *ev = sw_xcalloc(n, sizeof(*ev));
    size_t *members = sw_xcalloc(n, sizeof(*members)), k = 0, n_inc = 0;
    struct sw_notify_result res = {0};
    struct sw_notify_message msg;
    struct sw_notify_channel ch;
    struct msg_text text = {0};
    struct sw_notify_retry retry = {cfg->incidents.retry_base_ms, cfg->incidents.retry_cap_ms,
                                    cfg->incidents.retry_attempts};
    enum sw_notif_status status;
    int64_t delay = 0, due = 0;
    struct sw_buf who;
    const char *kind;
    char *text_line;
    int r;

    sw_buf_init(&who);
    for (size_t j = lead; j < n; j++) {
        if (group[j] == lead) {
            members[k++] = j;
            const struct sw_incident *inc = cache_get(s, cache, v[j].incident);
            if (inc) {
                incs[n_inc++] = inc;
            }
        }
    }
    if (!cc) {
        snprintf(res.error, sizeof(res.error), "channel %s is no longer configured", ln->channel);
        r = -EINVAL;
    } else if (n_inc == 0) {
        snprintf(res.error, sizeof(res.error), "the incident is gone");
        r = -EINVAL;
    } else {
        channel_for(cc, ln->address, &ch);
        if (n_inc == 1) {
            message_for(cfg, incs[0], ln->kind, &msg, &text);
        } else {
            summary_for(cfg, incs, n_inc, &msg, &text);
        }
        r = fn(arg, &ch, &msg, &res);
    }
    if (r == -ESTALE) {
        /* fenced: this node may no longer send; the leader will, so nothing is recorded */
        if (!st->status) {
            st->status = -ESTALE;
        }
        goto out;
    }
    if (r == 0 && res.ok) {
        status = SW_NOTIF_SENT;
        kind = "notified";
        text_line =
            sw_xasprintf("%s%s: delivered%s", ln->kind == SW_NOTIF_RESOLVED ? "resolved: " : "",
                         recipient(ln, &who), n_inc > 1 ? " (one summary of a storm)" : "");
        st->sent++;
    } else {
        st->failed++;
        kind = "delivery-failed";
        if (r == 0 && sw_notify_retry_after(&retry, ln->attempts + 1, &delay) == 1) {
            status = SW_NOTIF_PENDING;
            due = now + (delay + 999) / 1000;
            text_line = sw_xasprintf("%s: %s; attempt %d, retry in %llds", recipient(ln, &who),
                                     res.error, ln->attempts + 1, (long long)(due - now));
        } else {
            status = SW_NOTIF_FAILED;
            text_line = sw_xasprintf("%s: %s; attempt %d: %s", recipient(ln, &who), res.error,
                                     ln->attempts + 1, SW_NOTIFY_FALLTHROUGH);
        }
    }
    for (size_t i = 0; i < k; i++) {
        const struct sw_notification *nn = &v[members[i]];
        oc[i] = (struct sw_notif_outcome){.id = nn->id,
                                          .status = status,
                                          .due = due,
                                          .error = status == SW_NOTIF_SENT ? NULL : res.error,
                                          .t = now};
        ev[i] = (struct sw_inc_event){
            .incident = nn->incident, .t = now, .kind = (char *)kind, .text = text_line};
    }
    r = sw_store_notif_record(s, oc, k, ev, k);
    if (r < 0 && !st->status) {
        st->status = r;
    }
    if (r == 0 && status == SW_NOTIF_FAILED) {
        for (size_t i = 0; i < k; i++) {
            if (v[members[i]].kind == SW_NOTIF_TRIGGER) {
                int rr = fall_through(s, &v[members[i]], now);
                if (rr < 0 && !st->status) {
                    st->status = rr;
                }
            }
        }
    }
    free(text_line);
out:
    msg_text_release(&text);
    sw_buf_release(&who);
    free(members);
    free(ev);
    free(oc);
    free(incs);
}

/* Deliveries of one pass run on up to this many threads: a channel that hangs until its
 * timeout holds one thread, not everyone's pages. */
#define DELIVERY_THREADS 8

struct worker {
    struct sw_store *s;
    const struct sw_config *cfg;
    sw_inc_deliver_fn fn;
    void *arg;
    const struct sw_notification *v;
    size_t n;
    const size_t *group;
    int64_t now;
    pthread_mutex_t *mu;
    size_t *next; /* the next notification to look at, shared */
    struct deliver_stats st;
};

static void *work(void *p)
{
    struct worker *w = p;
    struct inc_cache cache = {0};

    for (;;) {
        size_t i;
        pthread_mutex_lock(w->mu);
        for (i = *w->next; i < w->n && w->group[i] != i; i++) {
        }
        *w->next = i + 1;
        pthread_mutex_unlock(w->mu);
        if (i >= w->n) {
            break;
        }
        deliver_group(w->s, w->cfg, w->fn, w->arg, w->v, w->n, w->group, i, w->now, &cache, &w->st);
    }
    for (size_t i = 0; i < cache.n; i++) {
        sw_incident_release(cache.v[i]);
        free(cache.v[i]);
    }
    free(cache.v);
    return NULL;
}

void deliver_due(struct sw_store *s, const struct sw_config *cfg, sw_inc_deliver_fn fn, void *arg,
                 const struct sw_notification *v, size_t n, const size_t *group, int64_t now,
                 struct deliver_stats *ret)
{
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    struct worker w[DELIVERY_THREADS];
    pthread_t th[DELIVERY_THREADS];
    size_t next = 0, leaders = 0, k;

    for (size_t i = 0; i < n; i++) {
        leaders += group[i] == i;
    }
    k = leaders < DELIVERY_THREADS ? leaders : DELIVERY_THREADS;
    for (size_t t = 0; t < k; t++) {
        w[t] = (struct worker){s, cfg, fn, arg, v, n, group, now, &mu, &next, {0}};
    }
    if (k == 1) {
        work(&w[0]);
    } else {
        size_t started = 0;
        for (; started < k; started++) {
            if (pthread_create(&th[started], NULL, work, &w[started]) != 0) {
                break;
            }
        }
        if (started == 0) {
            work(&w[0]); /* no thread to be had: one after another */
            started = 0;
            k = 1;
        }
        for (size_t t = 0; t < started; t++) {
            pthread_join(th[t], NULL);
        }
    }
    for (size_t t = 0; t < k; t++) {
        ret->sent += w[t].st.sent;
        ret->failed += w[t].st.failed;
        if (!ret->status) {
            ret->status = w[t].st.status;
        }
    }
    pthread_mutex_destroy(&mu);
}
