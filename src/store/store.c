/* SPDX-License-Identifier: Apache-2.0 */
/* store.c: the backend-neutral half of store.h. Picks a backend from the URI, owns the write
 * queue and the writer thread that commits it in batches (one transaction each), fires the
 * sync callbacks and keeps the commit statistics. Reads and the synchronous writes go
 * straight to the backend, after the arguments are checked here, once for every backend.
 * The design is in docs/internals/store.md. */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

#define BATCH_MAX 10000   /* ops per transaction */
#define BATCH_WAIT_MS 50  /* longest an op waits for companions before a commit */
#define RETRY_MIN_MS 10   /* first back-off after a failed commit */
#define RETRY_MAX_MS 2000 /* longest back-off */
#define STOP_ATTEMPTS 5   /* commits tried for the last batches once sw_store_free() runs */

static const double commit_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                       0.05,   0.1,   0.25,   0.5,   1,    2.5};

struct sw_store {
    const struct sw_store_backend *be;
    void *ctx;

    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t wake;  /* writer: work queued or stop asked */
    pthread_cond_t done;  /* flush waiters: a sync fired */
    struct sw_store_op *head;
    struct sw_store_op *tail;
    size_t queued;    /* ops in the queue, syncs excluded */
    size_t syncs;     /* sync markers in the queue */
    size_t in_flight; /* data ops taken by the writer, not yet committed */
    size_t results;   /* SW_OP_RESULT ops queued or in flight */
    size_t buffer_max;
    bool degraded;    /* the last commit attempt failed */
    int64_t first_ms; /* monotonic time the oldest queued op arrived */
    bool stop;
    bool thread_started;
    pthread_t thread;
    struct sw_store_stats stats;
};

struct flush_wait {
    struct sw_store *s;
    bool fired;
    int status;
};

void sw_check_snapshot_release(struct sw_check_snapshot *snap)
{
    if (!snap) {
        return;
    }
    free(snap->path);
    free(snap->output);
    free(snap->perfdata);
    snap->path = snap->output = snap->perfdata = NULL;
}

void sw_check_snapshots_free(struct sw_check_snapshot *v, size_t n)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        sw_check_snapshot_release(&v[i]);
    }
    free(v);
}

void sw_store_results_free(struct sw_store_result *v, size_t n)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].output);
        free(v[i].perfdata);
    }
    free(v);
}

void sw_store_op_free(struct sw_store_op *op)
{
    if (!op) {
        return;
    }
    switch (op->type) {
    case SW_OP_RESULT:
        free(op->u.result.path);
        free(op->u.result.output);
        free(op->u.result.perfdata);
        break;
    case SW_OP_STATE:
        sw_check_snapshot_release(&op->u.snap);
        break;
    case SW_OP_CHANGE:
    case SW_OP_CLOSE:
        free(op->u.iv.path);
        break;
    case SW_OP_ALIVE:
    case SW_OP_PRUNE:
    case SW_OP_CLOSE_ALL:
    case SW_OP_SYNC:
        break;
    }
    free(op);
}

/* ---- URI dispatch ---- */

/* True when uri starts with "scheme://" (RFC 3986 scheme characters). */
static bool has_scheme(const char *uri, size_t *ret_len)
{
    size_t i = 0;

    if (!((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z'))) {
        return false;
    }
    while (uri[i] &&
           (uri[i] == '+' || uri[i] == '-' || uri[i] == '.' || (uri[i] >= 'a' && uri[i] <= 'z') ||
            (uri[i] >= 'A' && uri[i] <= 'Z') || (uri[i] >= '0' && uri[i] <= '9'))) {
        i++;
    }
    if (strncmp(uri + i, "://", 3) != 0) {
        return false;
    }
    *ret_len = i;
    return true;
}

static int backend_for_uri(const char *uri, struct sw_buf *err,
                           const struct sw_store_backend **ret_be, const char **ret_target)
{
    size_t n;

    if (!uri || !*uri) {
        if (err) {
            sw_buf_puts(err, "empty database URI");
        }
        return -EINVAL;
    }
    if (sw_str_has_prefix(uri, "sqlite:")) {
        *ret_be = &sw_store_sqlite_backend;
        *ret_target = uri + strlen("sqlite:");
        return 0;
    }
    if (has_scheme(uri, &n)) {
        if ((n == 8 && strncmp(uri, "postgres", 8) == 0) ||
            (n == 10 && strncmp(uri, "postgresql", 10) == 0)) {
            *ret_be = &sw_store_pg_backend;
            *ret_target = uri; /* libpq reads the whole URI */
            return 0;
        }
        if (err) {
            sw_buf_printf(err, "unknown database URI scheme \"%.*s\" (use sqlite:PATH or a path)",
                          (int)(n > 32 ? 32 : n), uri);
        }
        return -EINVAL;
    }
    *ret_be = &sw_store_sqlite_backend;
    *ret_target = uri;
    return 0;
}

/* ---- the queue ---- */

static struct sw_store_op *op_new(enum sw_store_op_type type)
{
    struct sw_store_op *op = sw_xcalloc(1, sizeof(*op));

    op->type = type;
    return op;
}

static void enqueue(struct sw_store *s, struct sw_store_op *op)
{
    bool signal;

    assert(s);
    pthread_mutex_lock(&s->lock);
    /* While sw_store_free() runs, only sync callbacks can still queue: the writer drains
     * the queue before it stops, so these land too. */
    if (!s->head) {
        s->first_ms = sw_mono_ms();
    }
    op->next = NULL;
    if (s->tail) {
        s->tail->next = op;
    } else {
        s->head = op;
    }
    s->tail = op;
    if (op->type == SW_OP_SYNC) {
        s->syncs++;
    } else {
        s->queued++;
    }
    /* The writer sleeps until the queue is non-empty, then until the batch deadline: it needs
     * a nudge only on those edges, not for every op. */
    signal = op->type == SW_OP_SYNC || s->queued + s->syncs == 1 || s->queued == BATCH_MAX;
    if (signal) {
        pthread_cond_signal(&s->wake);
    }
    pthread_mutex_unlock(&s->lock);
}

void sw_store_add_result(struct sw_store *s, const struct sw_store_result *r)
{
    struct sw_store_op *op;

    assert(r && r->path);
    /* While the database is away, raw results pile up here: past the bound they are dropped
     * (and counted) rather than let memory grow without end. States and intervals, which
     * the SLA needs, are few and always kept. */
    pthread_mutex_lock(&s->lock);
    if (s->results >= s->buffer_max) {
        s->stats.dropped++;
        pthread_mutex_unlock(&s->lock);
        return;
    }
    s->results++;
    pthread_mutex_unlock(&s->lock);
    op = op_new(SW_OP_RESULT);
    op->u.result = *r;
    op->u.result.path = sw_xstrdup(r->path);
    op->u.result.output = sw_xstrdup(r->output);
    op->u.result.perfdata = sw_xstrdup(r->perfdata);
    enqueue(s, op);
}

void sw_store_save_state(struct sw_store *s, const struct sw_check_snapshot *snap)
{
    struct sw_store_op *op = op_new(SW_OP_STATE);

    assert(snap && snap->path);
    op->u.snap = *snap;
    op->u.snap.path = sw_xstrdup(snap->path);
    op->u.snap.output = sw_xstrdup(snap->output);
    op->u.snap.perfdata = sw_xstrdup(snap->perfdata);
    enqueue(s, op);
}

static void queue_interval(struct sw_store *s, enum sw_store_op_type type, enum sw_object_kind kind,
                           const char *path, int64_t t, enum sw_state state)
{
    struct sw_store_op *op = op_new(type);

    assert(path);
    op->u.iv.kind = kind;
    op->u.iv.path = sw_xstrdup(path);
    op->u.iv.t = t;
    op->u.iv.state = state;
    enqueue(s, op);
}

void sw_store_state_change(struct sw_store *s, enum sw_object_kind kind, const char *path,
                           int64_t t, enum sw_state state)
{
    queue_interval(s, SW_OP_CHANGE, kind, path, t, state);
}

void sw_store_close_interval(struct sw_store *s, enum sw_object_kind kind, const char *path,
                             int64_t t)
{
    queue_interval(s, SW_OP_CLOSE, kind, path, t, SW_OK);
}

static void queue_time(struct sw_store *s, enum sw_store_op_type type, int64_t t)
{
    struct sw_store_op *op = op_new(type);

    op->u.t = t;
    enqueue(s, op);
}

void sw_store_mark_alive(struct sw_store *s, int64_t t)
{
    queue_time(s, SW_OP_ALIVE, t);
}

void sw_store_prune_results(struct sw_store *s, int64_t before_ms)
{
    queue_time(s, SW_OP_PRUNE, before_ms);
}

void sw_store_sync(struct sw_store *s, sw_store_sync_cb cb, void *arg)
{
    struct sw_store_op *op = op_new(SW_OP_SYNC);

    assert(cb);
    op->u.sync.cb = cb;
    op->u.sync.arg = arg;
    enqueue(s, op);
}

static void flush_fired(void *arg, int status)
{
    struct flush_wait *w = arg;

    pthread_mutex_lock(&w->s->lock);
    w->fired = true;
    w->status = status;
    pthread_cond_broadcast(&w->s->done);
    pthread_mutex_unlock(&w->s->lock);
}

int sw_store_flush(struct sw_store *s)
{
    struct flush_wait w = {.s = s};

    sw_store_sync(s, flush_fired, &w);
    pthread_mutex_lock(&s->lock);
    while (!w.fired) {
        pthread_cond_wait(&s->done, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return w.status;
}

int sw_store_close_all_open(struct sw_store *s, int64_t t)
{
    /* Through the queue, so it is ordered with the writes before and after it and the
     * writer stays the only connection that writes. */
    queue_time(s, SW_OP_CLOSE_ALL, t);
    return sw_store_flush(s);
}

size_t sw_store_queue_len(struct sw_store *s)
{
    size_t n;

    pthread_mutex_lock(&s->lock);
    n = s->queued + s->in_flight;
    pthread_mutex_unlock(&s->lock);
    return n;
}

void sw_store_stats(struct sw_store *s, struct sw_store_stats *ret)
{
    pthread_mutex_lock(&s->lock);
    *ret = s->stats;
    ret->buffered = s->queued + s->in_flight;
    ret->degraded = s->degraded;
    pthread_mutex_unlock(&s->lock);
}

/* ---- the writer thread ---- */

/* Takes up to BATCH_MAX data ops (and every sync marker among them) off the queue. Called
 * with the lock held. */
static struct sw_store_op *take_batch(struct sw_store *s)
{
    struct sw_store_op *first = s->head, *last = NULL, *op = s->head;
    size_t n = 0;

    while (op && (n < BATCH_MAX || op->type == SW_OP_SYNC)) {
        if (op->type == SW_OP_SYNC) {
            s->syncs--;
        } else {
            n++;
        }
        last = op;
        op = op->next;
    }
    if (!last) {
        return NULL;
    }
    s->head = last->next;
    last->next = NULL;
    if (!s->head) {
        s->tail = NULL;
    } else {
        s->first_ms = sw_mono_ms();
    }
    s->queued -= n;
    s->in_flight = n;
    return first;
}

/* Removes the sync markers still queued (lock held) and returns them as a list: a failed
 * commit fails them too, since what they wait for sits behind the batch that failed. */
static struct sw_store_op *take_queued_syncs(struct sw_store *s)
{
    struct sw_store_op *syncs = NULL, **stail = &syncs, **pp = &s->head, *prev = NULL;

    while (*pp) {
        struct sw_store_op *op = *pp;
        if (op->type == SW_OP_SYNC) {
            *pp = op->next;
            op->next = NULL;
            *stail = op;
            stail = &op->next;
            s->syncs--;
        } else {
            prev = op;
            pp = &op->next;
        }
    }
    s->tail = prev;
    return syncs;
}

static void fire_syncs(struct sw_store_op *list, int status)
{
    while (list) {
        struct sw_store_op *next = list->next;
        if (list->type == SW_OP_SYNC) {
            list->u.sync.cb(list->u.sync.arg, status);
        }
        sw_store_op_free(list);
        list = next;
    }
}

static size_t batch_results(struct sw_store_op *const *ops, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        k += ops[i]->type == SW_OP_RESULT;
    }
    return k;
}

/* Commits the batch (a list of ops, syncs included), retrying with back-off until it succeeds
 * or, once stopping, STOP_ATTEMPTS were made. Frees the batch and fires its syncs. */
static void commit_batch(struct sw_store *s, struct sw_store_op *batch)
{
    struct sw_store_op **ops = NULL, *syncs = NULL, **stail = &syncs, *op;
    size_t n = 0, cap = 0;
    int64_t backoff = RETRY_MIN_MS;
    int attempts = 0, r = 0;

    /* Split: data ops into an array for the backend, sync markers aside. */
    for (op = batch; op; op = op->next) {
        if (op->type != SW_OP_SYNC) {
            sw_xgrow((void **)&ops, &cap, n + 1, sizeof(*ops));
            ops[n++] = op;
        }
    }
    for (struct sw_store_op **pp = &batch; *pp;) {
        op = *pp;
        if (op->type == SW_OP_SYNC) {
            *pp = op->next;
            op->next = NULL;
            *stail = op;
            stail = &op->next;
        } else {
            pp = &op->next;
        }
    }

    while (n > 0) {
        int64_t t0 = sw_mono_ns();
        double secs;
        bool stopping;

        r = s->be->apply_batch(s->ctx, ops, n);
        secs = (double)(sw_mono_ns() - t0) / 1e9;
        attempts++;
        pthread_mutex_lock(&s->lock);
        if (r == 0) {
            sw_histogram_add(&s->stats.commit_s, secs);
            s->stats.rows += n;
            s->in_flight = 0;
            s->results -= batch_results(ops, n);
            if (s->degraded) {
                sw_info("store: the database takes writes again (%zu ops after %d attempts)", n,
                        attempts);
            }
            s->degraded = false;
            pthread_mutex_unlock(&s->lock);
            break;
        }
        s->stats.failures++;
        if (!s->degraded) {
            sw_warn("store: cannot commit to the database (%s); %zu ops held in memory, retrying",
                    strerror(-r), n);
        }
        s->degraded = true;
        stopping = s->stop;
        /* Everyone waiting hears now; the data stays and is tried again. */
        *stail = take_queued_syncs(s);
        pthread_mutex_unlock(&s->lock);
        sw_debug("store: commit of %zu ops failed (attempt %d): %s", n, attempts, strerror(-r));
        fire_syncs(syncs, -EIO);
        syncs = NULL;
        stail = &syncs;
        if (stopping && attempts >= STOP_ATTEMPTS) {
            sw_debug("store: giving up on %zu ops at shutdown", n);
            pthread_mutex_lock(&s->lock);
            s->stats.dropped += n;
            s->in_flight = 0;
            s->results -= batch_results(ops, n);
            pthread_mutex_unlock(&s->lock);
            break;
        }
        /* Back off; a stop request cuts the wait short but not the attempts. */
        {
            struct timespec ts;
            int rc = 0;
            sw_deadline_after(&ts, backoff);
            pthread_mutex_lock(&s->lock);
            while (!s->stop && rc != ETIMEDOUT) {
                rc = pthread_cond_timedwait(&s->wake, &s->lock, &ts);
            }
            pthread_mutex_unlock(&s->lock);
        }
        backoff = backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : backoff * 2;
    }
    fire_syncs(syncs, 0);
    free(ops);
    while (batch) {
        op = batch->next;
        sw_store_op_free(batch);
        batch = op;
    }
}

static void *writer_main(void *arg)
{
    struct sw_store *s = arg;

    pthread_mutex_lock(&s->lock);
    for (;;) {
        struct sw_store_op *batch;

        while (!s->stop && !s->head) {
            pthread_cond_wait(&s->wake, &s->lock);
        }
        if (!s->head) {
            break; /* stopping and nothing left */
        }
        /* Let ops gather for up to BATCH_WAIT_MS, unless someone waits or the batch is full. */
        while (!s->stop && s->syncs == 0 && s->queued < BATCH_MAX) {
            int64_t left = s->first_ms + BATCH_WAIT_MS - sw_mono_ms();
            struct timespec ts;
            if (left <= 0) {
                break;
            }
            sw_deadline_after(&ts, left);
            pthread_cond_timedwait(&s->wake, &s->lock, &ts);
        }
        batch = take_batch(s);
        pthread_mutex_unlock(&s->lock);
        commit_batch(s, batch);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* ---- open, free ---- */

int sw_store_open_backend(const struct sw_store_backend *be, const char *target,
                          const char *password, struct sw_buf *err, struct sw_store **ret_store)
{
    struct sw_store *s = sw_xcalloc(1, sizeof(*s));
    pthread_condattr_t ca;
    sigset_t all, old;
    int r;

    s->be = be;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->wake, &ca);
    pthread_cond_init(&s->done, &ca);
    pthread_condattr_destroy(&ca);
    sw_histogram_init(&s->stats.commit_s, commit_bounds,
                      (int)(sizeof(commit_bounds) / sizeof(commit_bounds[0])));

    s->buffer_max = SW_STORE_BUFFER_DEFAULT;
    r = be->open(target, password, err, &s->ctx);
    if (r < 0) {
        s->be = NULL; /* nothing to close */
        goto out;
    }
    /* The writer takes no signals: they belong to the event loop's thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    r = -pthread_create(&s->thread, NULL, writer_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r < 0) {
        if (err) {
            sw_buf_printf(err, "cannot start the store writer thread: %s", strerror(-r));
        }
        goto out;
    }
    s->thread_started = true;
    *ret_store = s;
    s = NULL;
out:
    sw_store_free(s);
    return r;
}

int sw_store_open_with(const char *uri, const struct sw_store_options *o, struct sw_buf *err,
                       struct sw_store **ret_store)
{
    const struct sw_store_backend *be = NULL;
    const char *target = NULL;
    int r;

    r = backend_for_uri(uri, err, &be, &target);
    if (r < 0) {
        sw_debug("store: refused a database URI");
        return r;
    }
    r = sw_store_open_backend(be, target, o ? o->password : NULL, err, ret_store);
    if (r == 0 && o && o->buffer_max) {
        (*ret_store)->buffer_max = o->buffer_max;
    }
    return r;
}

int sw_store_open(const char *uri, struct sw_buf *err, struct sw_store **ret_store)
{
    return sw_store_open_with(uri, NULL, err, ret_store);
}

char *sw_store_uri_redact(const char *uri, char *out, size_t size)
{
    const char *p = strstr(uri, "://"), *at, *colon, *q;
    struct sw_buf b;

    sw_buf_init(&b);
    if (!p) {
        sw_buf_puts(&b, uri);
    } else {
        p += 3;
        at = strchr(p, '@');
        colon = strchr(p, ':');
        q = strchr(p, '/');
        if (at && colon && colon < at && (!q || at < q)) {
            sw_buf_append(&b, uri, (size_t)(colon - uri + 1));
            sw_buf_puts(&b, "***");
            p = at;
        } else {
            sw_buf_append(&b, uri, (size_t)(p - uri));
        }
        /* the rest, with the value of any password= parameter hidden */
        while (*p) {
            if ((p[-1] == '?' || p[-1] == '&') && sw_str_has_prefix(p, "password=")) {
                sw_buf_puts(&b, "password=***");
                p += strcspn(p, "&");
                continue;
            }
            sw_buf_append(&b, p, 1);
            p++;
        }
    }
    snprintf(out, size, "%s", b.data ? b.data : "");
    sw_buf_release(&b);
    return out;
}

const char *sw_store_backend_name(const struct sw_store *s)
{
    return s->be->name;
}

bool sw_store_degraded(struct sw_store *s)
{
    bool d;

    pthread_mutex_lock(&s->lock);
    d = s->degraded;
    pthread_mutex_unlock(&s->lock);
    return d;
}

void sw_store_free(struct sw_store *s)
{
    if (!s) {
        return;
    }
    if (s->thread_started) {
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
    }
    /* Only left when the writer never ran. */
    while (s->head) {
        struct sw_store_op *next = s->head->next;
        sw_store_op_free(s->head);
        s->head = next;
    }
    if (s->be && s->ctx) {
        s->be->close(s->ctx);
    }
    pthread_cond_destroy(&s->wake);
    pthread_cond_destroy(&s->done);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* ---- reads ---- */

int sw_store_load_states(struct sw_store *s, struct sw_check_snapshot **ret, size_t *ret_n)
{
    return s->be->load_states(s->ctx, ret, ret_n);
}

int sw_store_history(struct sw_store *s, enum sw_object_kind kind, const char *path, int64_t from,
                     int64_t to, struct sw_interval **ret, size_t *ret_n)
{
    if (!path) {
        return -EINVAL;
    }
    if (from >= to) {
        /* An empty range overlaps nothing. */
        *ret = NULL;
        *ret_n = 0;
        return 0;
    }
    return s->be->history(s->ctx, kind, path, from, to, ret, ret_n);
}

int sw_store_results(struct sw_store *s, const char *path, int64_t from_ms, int64_t to_ms,
                     size_t limit, struct sw_store_result **ret, size_t *ret_n)
{
    if (!path || limit == 0 || limit > SW_STORE_RESULTS_MAX) {
        return -EINVAL;
    }
    return s->be->results(s->ctx, path, from_ms, to_ms, limit, ret, ret_n);
}

int sw_store_last_alive(struct sw_store *s, int64_t *ret_t)
{
    return s->be->last_alive(s->ctx, ret_t);
}

int sw_store_count(struct sw_store *s, int64_t *ret_results, int64_t *ret_intervals)
{
    return s->be->count(s->ctx, ret_results, ret_intervals);
}

int sw_store_first_seen(struct sw_store *s, enum sw_object_kind kind, const char *path,
                        int64_t *ret_t)
{
    return s->be->first_seen(s->ctx, kind, path, ret_t);
}

int sw_store_maint_add(struct sw_store *s, const struct sw_maint_row *m, int64_t *ret_id)
{
    if (!m->scope || !*m->scope || m->end <= m->start) {
        return -EINVAL;
    }
    return s->be->maint_add(s->ctx, m, ret_id);
}

int sw_store_maint_list(struct sw_store *s, struct sw_maint_row **ret, size_t *ret_n)
{
    return s->be->maint_list(s->ctx, ret, ret_n);
}

int sw_store_maint_remove(struct sw_store *s, int64_t id)
{
    return s->be->maint_remove(s->ctx, id);
}

void sw_maint_rows_free(struct sw_maint_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].scope);
        free(v[i].reason);
    }
    free(v);
}

int sw_store_derived_put(struct sw_store *s, const struct sw_derived_row *v, size_t n, int64_t t)
{
    return s->be->derived_put(s->ctx, v, n, t);
}

int sw_store_derived_retire(struct sw_store *s, const char *const *paths, size_t n, int64_t t)
{
    return s->be->derived_retire(s->ctx, paths, n, t);
}

int sw_store_derived_list(struct sw_store *s, bool with_retired, struct sw_derived_row **ret,
                          size_t *ret_n)
{
    return s->be->derived_list(s->ctx, with_retired, ret, ret_n);
}

int sw_store_token_add(struct sw_store *s, const struct sw_token_row *t, int64_t t_s)
{
    if (!t->name || !*t->name || (unsigned)t->role >= SW_ROLE_COUNT ||
        (t->role == SW_ROLE_CUSTOMER) != (t->customer != NULL)) {
        return -EINVAL;
    }
    return s->be->token_add(s->ctx, t, t_s);
}

int sw_store_token_find(struct sw_store *s, const unsigned char sha256[32],
                        struct sw_token_row *ret)
{
    return s->be->token_find(s->ctx, sha256, ret);
}

int sw_store_token_any(struct sw_store *s)
{
    struct sw_token_row t = {0};
    int r = s->be->token_any(s->ctx, &t);

    sw_token_row_release(&t);
    return r == -ENOENT ? 0 : r < 0 ? r : 1;
}

int sw_store_token_list(struct sw_store *s, struct sw_token_row **ret, size_t *ret_n)
{
    return s->be->token_list(s->ctx, ret, ret_n);
}

int sw_store_token_revoke(struct sw_store *s, const char *name, int64_t t_s)
{
    return s->be->token_revoke(s->ctx, name, t_s);
}

void sw_token_row_release(struct sw_token_row *t)
{
    if (t) {
        free(t->name);
        free(t->customer);
        t->name = t->customer = NULL;
    }
}

void sw_token_rows_free(struct sw_token_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        sw_token_row_release(&v[i]);
    }
    free(v);
}

static const char *const role_names[SW_ROLE_COUNT] = {"admin", "engineer", "viewer", "customer"};

const char *sw_role_name(enum sw_role r)
{
    return (unsigned)r < SW_ROLE_COUNT ? role_names[r] : "unknown";
}

int sw_role_parse(const char *s, enum sw_role *ret)
{
    for (int i = 0; s && i < SW_ROLE_COUNT; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *ret = (enum sw_role)i;
            return 0;
        }
    }
    return -EINVAL;
}

bool sw_store_is_derived(struct sw_store *s, const char *path)
{
    struct sw_derived_row d = {0};

    if (s->be->derived_get(s->ctx, path, &d) < 0) {
        return false;
    }
    free(d.path);
    free(d.parent);
    return true;
}

void sw_derived_rows_free(struct sw_derived_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].path);
        free(v[i].parent);
    }
    free(v);
}

int sw_store_alerts_replace(struct sw_store *s, const struct sw_alert_row *v, size_t n)
{
    return s->be->alerts_replace(s->ctx, v, n);
}

int sw_store_alerts_list(struct sw_store *s, struct sw_alert_row **ret, size_t *ret_n)
{
    return s->be->alerts_list(s->ctx, ret, ret_n);
}

void sw_alert_rows_free(struct sw_alert_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].service);
    }
    free(v);
}

/* ---- incidents ---- */

#define NOTIF_DUE_MAX 10000

static const char *const inc_status_names[SW_INC_STATUS_COUNT] = {
    [SW_INC_TRIGGERED] = "triggered",
    [SW_INC_ACKNOWLEDGED] = "acknowledged",
    [SW_INC_RECOVERED] = "recovered",
    [SW_INC_RESOLVED] = "resolved",
};

const char *sw_inc_status_name(enum sw_inc_status st)
{
    if ((int)st < 0 || (int)st >= SW_INC_STATUS_COUNT) {
        return NULL;
    }
    return inc_status_names[st];
}

int sw_inc_status_parse(const char *str, enum sw_inc_status *ret)
{
    for (int i = 0; str && i < SW_INC_STATUS_COUNT; i++) {
        if (strcmp(str, inc_status_names[i]) == 0) {
            *ret = (enum sw_inc_status)i;
            return 0;
        }
    }
    return -EINVAL;
}

void sw_incident_release(struct sw_incident *inc)
{
    if (!inc) {
        return;
    }
    free(inc->service);
    free(inc->customer);
    free(inc->deployment);
    free(inc->title);
    free(inc->output);
    free(inc->acked_by);
    free(inc->resolved_by);
    free(inc->policy);
    inc->service = inc->customer = inc->deployment = inc->title = NULL;
    inc->output = inc->acked_by = inc->resolved_by = inc->policy = NULL;
}

void sw_incidents_free(struct sw_incident *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        sw_incident_release(&v[i]);
    }
    free(v);
}

void sw_inc_events_free(struct sw_inc_event *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].kind);
        free(v[i].actor);
        free(v[i].text);
    }
    free(v);
}

void sw_notifications_free(struct sw_notification *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].engineer);
        free(v[i].channel);
        free(v[i].address);
        free(v[i].deployment);
        free(v[i].error);
    }
    free(v);
}

static bool in_range(int v, int lo, int hi)
{
    return v >= lo && v <= hi;
}

static bool events_ok(const struct sw_inc_event *v, size_t n)
{
    if (n > 0 && !v) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!v[i].kind) {
            return false;
        }
    }
    return true;
}

static bool incident_ok(const struct sw_incident *inc)
{
    return inc->id >= 0 && (inc->id == 0 || inc->version >= 1) &&
           in_range((int)inc->kind, SW_INC_OUTAGE, SW_INC_CASE) && inc->service && inc->customer &&
           inc->deployment && inc->title && in_range(inc->severity, 1, 4) &&
           in_range((int)inc->status, 0, SW_INC_STATUS_COUNT - 1) &&
           in_range((int)inc->state, SW_OK, SW_UNKNOWN) && inc->reopened >= 0;
}

/* Change i of changes: its fields in range, and a negative parent names an insert made
 * earlier in the same call (the backend then resolves it without checking again). */
static bool change_ok(const struct sw_inc_change *changes, size_t i)
{
    const struct sw_inc_change *c = &changes[i];

    if (!c->inc || !incident_ok(c->inc) || !events_ok(c->events, c->n_events) ||
        (c->n_notifs > 0 && !c->notifs)) {
        return false;
    }
    if (c->inc->parent < 0) {
        int64_t k = -(c->inc->parent + 1);
        if (k >= (int64_t)i || changes[k].inc->id != 0) {
            return false;
        }
    }
    for (size_t j = 0; j < c->n_notifs; j++) {
        const struct sw_notification *m = &c->notifs[j];
        if (!m->channel || !in_range((int)m->kind, SW_NOTIF_TRIGGER, SW_NOTIF_RESOLVED)) {
            return false;
        }
    }
    return true;
}

int sw_store_incident_write(struct sw_store *s, const struct sw_inc_change *changes, size_t n,
                            int64_t *ret_ids)
{
    if (n > 0 && !changes) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!change_ok(changes, i)) {
            return -EINVAL;
        }
    }
    if (n == 0) {
        return 0;
    }
    return s->be->incident_write(s->ctx, changes, n, ret_ids);
}

int sw_store_incident_get(struct sw_store *s, int64_t id, struct sw_incident *ret)
{
    return s->be->incident_get(s->ctx, id, ret);
}

int sw_store_incident_list(struct sw_store *s, const struct sw_inc_filter *f,
                           struct sw_incident **ret, size_t *ret_n)
{
    static const struct sw_inc_filter all;

    if (!f) {
        f = &all;
    }
    if (f->limit > SW_STORE_INCIDENTS_MAX) {
        return -EINVAL;
    }
    return s->be->incident_list(s->ctx, f, f->limit ? f->limit : SW_STORE_INCIDENTS_MAX, ret,
                                ret_n);
}

int sw_store_incident_last(struct sw_store *s, const char *service, struct sw_incident *ret)
{
    if (!service) {
        return -EINVAL;
    }
    return s->be->incident_last(s->ctx, service, ret);
}

int sw_store_incident_events(struct sw_store *s, int64_t id, struct sw_inc_event **ret,
                             size_t *ret_n)
{
    return s->be->incident_events(s->ctx, id, ret, ret_n);
}

int sw_store_incident_notifications(struct sw_store *s, int64_t id, struct sw_notification **ret,
                                    size_t *ret_n)
{
    return s->be->incident_notifications(s->ctx, id, ret, ret_n);
}

int sw_store_notif_due(struct sw_store *s, int64_t now, size_t limit, struct sw_notification **ret,
                       size_t *ret_n)
{
    if (limit == 0 || limit > NOTIF_DUE_MAX) {
        return -EINVAL;
    }
    return s->be->notif_due(s->ctx, now, limit, ret, ret_n);
}

int sw_store_notif_next_due(struct sw_store *s, int64_t *ret_t)
{
    return s->be->notif_next_due(s->ctx, ret_t);
}

int sw_store_notif_record(struct sw_store *s, const struct sw_notif_outcome *v, size_t n,
                          const struct sw_inc_event *events, size_t n_events)
{
    if ((n > 0 && !v) || !events_ok(events, n_events)) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].status != SW_NOTIF_PENDING && v[i].status != SW_NOTIF_SENT &&
            v[i].status != SW_NOTIF_FAILED) {
            return -EINVAL;
        }
    }
    if (n == 0 && n_events == 0) {
        return 0;
    }
    return s->be->notif_record(s->ctx, v, n, events, n_events);
}

int sw_store_incident_log(struct sw_store *s, const struct sw_inc_event *events, size_t n)
{
    if (!events_ok(events, n)) {
        return -EINVAL;
    }
    if (n == 0) {
        return 0;
    }
    return s->be->incident_log(s->ctx, events, n);
}

/* ---- support cases and changes ---- */

/* The numbers of enum sw_case_status and enum sw_case_event_kind (cases.h, a module above
 * this one: the store cannot include it). */
#define CASE_STATUS_MAX 4
#define CASE_EV_KIND_MAX 5

void sw_case_row_release(struct sw_case_row *c)
{
    if (!c) {
        return;
    }
    free(c->customer);
    free(c->deployment);
    free(c->service);
    free(c->title);
    free(c->description);
    free(c->assignee);
    free(c->opened_by);
    c->customer = c->deployment = c->service = c->title = NULL;
    c->description = c->assignee = c->opened_by = NULL;
}

void sw_case_rows_free(struct sw_case_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        sw_case_row_release(&v[i]);
    }
    free(v);
}

void sw_case_event_rows_free(struct sw_case_event_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].author);
        free(v[i].text);
    }
    free(v);
}

void sw_change_row_release(struct sw_change_row *c)
{
    if (!c) {
        return;
    }
    free(c->customer);
    free(c->deployment);
    free(c->title);
    free(c->started_by);
    free(c->note);
    c->customer = c->deployment = c->title = c->started_by = c->note = NULL;
}

void sw_change_rows_free(struct sw_change_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        sw_change_row_release(&v[i]);
    }
    free(v);
}

static bool case_ok(const struct sw_case_row *c)
{
    return c->id >= 0 && (c->id == 0 || c->version >= 1) && c->customer && c->title &&
           c->opened_by && in_range(c->severity, 1, 4) && in_range(c->status, 0, CASE_STATUS_MAX) &&
           c->incident >= 0 && c->reopened >= 0;
}

static bool case_event_ok(const struct sw_case_event_row *e)
{
    return (in_range(e->kind, 0, CASE_EV_KIND_MAX) || e->kind == SW_CASE_EV_ASSIGN ||
            e->kind == SW_CASE_EV_LINK) &&
           in_range(e->status, -1, CASE_STATUS_MAX) && e->author;
}

int sw_store_case_write(struct sw_store *s, const struct sw_case_row *c,
                        const struct sw_case_event_row *ev, size_t n, int64_t *ret_id)
{
    if (!c || !case_ok(c) || (n > 0 && !ev)) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!case_event_ok(&ev[i])) {
            return -EINVAL;
        }
    }
    return s->be->case_write(s->ctx, c, ev, n, ret_id);
}

int sw_store_case_get(struct sw_store *s, int64_t id, struct sw_case_row *ret)
{
    return s->be->case_get(s->ctx, id, ret);
}

int sw_store_case_for_incident(struct sw_store *s, int64_t incident, struct sw_case_row *ret)
{
    return s->be->case_for_incident(s->ctx, incident, ret);
}

int sw_store_case_list(struct sw_store *s, const struct sw_case_filter *f, struct sw_case_row **ret,
                       size_t *ret_n)
{
    static const struct sw_case_filter all;

    if (!f) {
        f = &all;
    }
    if (f->limit > SW_STORE_CASES_MAX) {
        return -EINVAL;
    }
    return s->be->case_list(s->ctx, f, f->limit ? f->limit : SW_STORE_CASES_MAX, ret, ret_n);
}

int sw_store_case_events(struct sw_store *s, int64_t id, struct sw_case_event_row **ret,
                         size_t *ret_n)
{
    return s->be->case_events(s->ctx, id, ret, ret_n);
}

int sw_store_change_start(struct sw_store *s, const struct sw_change_row *c, int64_t *ret_id)
{
    if (!c || !c->customer || !c->deployment || !c->title || !c->started_by) {
        return -EINVAL;
    }
    return s->be->change_start(s->ctx, c, ret_id);
}

int sw_store_change_finish(struct sw_store *s, int64_t id, int64_t t, int result, const char *note)
{
    /* t 0 would read back as "still running". */
    if (t <= 0 || !in_range(result, 0, 1)) {
        return -EINVAL;
    }
    return s->be->change_finish(s->ctx, id, t, result, note);
}

int sw_store_change_get(struct sw_store *s, int64_t id, struct sw_change_row *ret)
{
    return s->be->change_get(s->ctx, id, ret);
}

int sw_store_change_list(struct sw_store *s, int64_t from, int64_t to, const char *deployment,
                         struct sw_change_row **ret, size_t *ret_n)
{
    return s->be->change_list(s->ctx, from, to, deployment, ret, ret_n);
}
