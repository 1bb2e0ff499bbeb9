/* SPDX-License-Identifier: Apache-2.0 */
/* postgres_inc.c: incidents, their timelines, the notification outbox, support cases and
 * changes in PostgreSQL. The twin of the same part of sqlite.c, which is the reference for
 * every result, order and error. Each call takes a pooled connection (postgres.c) for its
 * length; a write is one READ COMMITTED transaction. A version check is
 * "UPDATE ... WHERE id = $n AND version = $m" and its row count: a concurrent writer of the
 * same row makes the UPDATE wait for its commit, then see the new version and match nothing
 * (-ESTALE). At most one open incident per service is the partial unique index
 * incidents_one_open (-EEXIST), one case per incident the index cases_incident.
 *
 * Incidents, cases and changes are numbered as SQLite's AUTOINCREMENT numbers them: the next
 * id is max(id) + 1, taken under a transaction-level advisory lock per table, so that a
 * refused or rolled-back insert leaves no gap ("INC-12" follows "INC-11" as people expect,
 * and the same tests hold for both backends). A sequence would hand out a number that a
 * rollback never gives back. Those rows are never deleted, so no id is ever reused. The
 * identity columns stay (`stackward migrate` and hand-made rows use them); these inserts
 * name their ids. Timeline events and notifications, never shown by number, take the
 * identity's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/core.h"
#include "store/pg_int.h"

/* ---- running statements ---- */

/* Runs sql on c; *ret_n (may be NULL) gets the number of rows it changed or returned. */
static int run_count(PGconn *c, const char *sql, const struct sw_pg_params *p, long *ret_n)
{
    PGresult *res = NULL;
    int r = sw_pg_run(c, sql, p, &res);

    if (r == 0 && ret_n) {
        *ret_n = strtol(PQcmdTuples(res), NULL, 10);
    }
    PQclear(res);
    return r;
}

/* Takes a connection and begins a transaction on it; the caller ends it with tx_end(). */
static int tx_begin(struct sw_pg *pg, PGconn **ret_c)
{
    PGconn *c = sw_pg_get(pg);

    if (!c) {
        return -EIO;
    }
    if (sw_pg_begin(c) < 0) {
        sw_pg_put(pg, c);
        return -EIO;
    }
    *ret_c = c;
    return 0;
}

/* Commits when r is 0, else rolls back, and gives c back. Returns r, or -EIO when the commit
 * failed (then nothing was applied). */
static int tx_end(struct sw_pg *pg, PGconn *c, int r)
{
    if (r == 0) {
        r = sw_pg_commit(c);
    }
    if (r < 0) {
        sw_pg_rollback(c);
    }
    sw_pg_put(pg, c);
    return r;
}

/* The advisory lock keys (pg_advisory_xact_lock) that serialise the inserts of a table
 * between the id they read and their commit. 727001 is the migrations', 727002 the cluster
 * leader's. */
#define ID_LOCK_INCIDENTS "727011"
#define ID_LOCK_CASES "727012"
#define ID_LOCK_CHANGES "727013"

/* Takes the lock on the numbering of a table until the end of the transaction on c. In a
 * statement of its own: READ COMMITTED gives the next statement, the one that reads max(id),
 * a snapshot taken after the lock, so it sees the id the previous holder committed. */
static int lock_ids(PGconn *c, const char *key_sql)
{
    return run_count(c, key_sql, NULL, NULL);
}

typedef void (*row_fn)(const PGresult *res, int i, void *e);

/* Runs sql with p on a pooled connection and collects every row into an array of elements
 * of size elem, each filled by row(). *ret is NULL when no row came, like sqlite.c's. */
static int read_rows(struct sw_pg *pg, const char *sql, const struct sw_pg_params *p, size_t elem,
                     row_fn row, void **ret, size_t *ret_n)
{
    PGconn *c = sw_pg_get(pg);
    PGresult *res = NULL;
    char *v = NULL;
    int n, r;

    if (!c) {
        return -EIO;
    }
    r = sw_pg_run(c, sql, p, &res);
    sw_pg_put(pg, c);
    if (r < 0) {
        return -EIO;
    }
    n = PQntuples(res);
    if (n > 0) {
        v = sw_xcalloc((size_t)n, elem);
    }
    for (int i = 0; i < n; i++) {
        row(res, i, v + (size_t)i * elem);
    }
    PQclear(res);
    *ret = v;
    *ret_n = (size_t)n;
    return 0;
}

/* One row read by sql (at most one comes) into *ret, an element of size elem filled by
 * row(): 0, -ENOENT, -EIO. */
static int read_one(struct sw_pg *pg, const char *sql, const struct sw_pg_params *p, size_t elem,
                    row_fn row, void *ret)
{
    void *v = NULL;
    size_t n = 0;
    int r = read_rows(pg, sql, p, elem, row, &v, &n);

    if (r < 0) {
        return r;
    }
    if (n == 0) {
        r = -ENOENT;
    } else {
        memcpy(ret, v, elem); /* the strings move to *ret */
    }
    free(v);
    return r;
}

/* Parameters holding one id. */
static const struct sw_pg_params *id_param(struct sw_pg_params *p, int64_t id)
{
    sw_pg_params_init(p);
    sw_pg_param_i64(p, id);
    return p;
}

/* ---- incidents ---- */

/* Column c of INC_SELECT after id and version is parameter c - 1 of INC_INSERT and
 * INC_UPDATE (the update's id and version come last), so one function sets both and one
 * reads the rows back. Optional times (0: never) are NULL. The parent is read back from the
 * table itself: a parent that names no incident becomes NULL, which put_change() tells from
 * what was asked (SQLite's foreign key error, without aborting the transaction). */
#define INC_COLS                                                                                   \
    "kind, service, customer, deployment, title, severity, status, state, output, since_s, "       \
    "opened_s, acked_s, acked_by, recovered_s, resolved_s, resolved_by, parent, reopened, "        \
    "policy, esc_started, esc_round, esc_step, esc_t_s, next_due_s"
#define INC_SELECT "SELECT id, version, " INC_COLS " FROM incidents"
#define INC_PARENT "(SELECT p.id FROM incidents p WHERE p.id = $17)"
#define INC_INSERT                                                                                 \
    "INSERT INTO incidents (id, version, " INC_COLS ") VALUES ("                                   \
    "(SELECT coalesce(max(id), 0) + 1 FROM incidents), 1, $1, $2, $3, $4, $5, $6, $7, $8, "        \
    "$9, $10, $11, $12, $13, $14, $15, $16, " INC_PARENT ", $18, $19, $20, $21, $22, $23, $24) "   \
    "RETURNING id, parent"
#define INC_UPDATE                                                                                 \
    "UPDATE incidents SET version = version + 1, kind = $1, service = $2, customer = $3, "         \
    "deployment = $4, title = $5, severity = $6, status = $7, state = $8, output = $9, "           \
    "since_s = $10, opened_s = $11, acked_s = $12, acked_by = $13, recovered_s = $14, "            \
    "resolved_s = $15, resolved_by = $16, parent = " INC_PARENT ", reopened = $18, "               \
    "policy = $19, esc_started = $20, esc_round = $21, esc_step = $22, esc_t_s = $23, "            \
    "next_due_s = $24 WHERE id = $25 AND version = $26 RETURNING id, parent"

#define NOTIF_SELECT                                                                               \
    "SELECT id, incident, kind, round, step, engineer, channel, address, deployment, "             \
    "created_s, due_s, attempts, status, error, sent_s FROM notifications"

static void incident_params(struct sw_pg_params *p, const struct sw_incident *inc, int64_t parent)
{
    sw_pg_params_init(p);
    sw_pg_param_int(p, (int)inc->kind);
    sw_pg_param_str(p, inc->service);
    sw_pg_param_str(p, inc->customer);
    sw_pg_param_str(p, inc->deployment);
    sw_pg_param_str(p, inc->title);
    sw_pg_param_int(p, inc->severity);
    sw_pg_param_int(p, (int)inc->status);
    sw_pg_param_int(p, (int)inc->state);
    sw_pg_param_str(p, inc->output);
    sw_pg_param_i64(p, inc->since);
    sw_pg_param_i64(p, inc->opened);
    sw_pg_param_i64_or_null(p, inc->acked);
    sw_pg_param_str(p, inc->acked_by);
    sw_pg_param_i64_or_null(p, inc->recovered);
    sw_pg_param_i64_or_null(p, inc->resolved);
    sw_pg_param_str(p, inc->resolved_by);
    sw_pg_param_i64_or_null(p, parent);
    sw_pg_param_int(p, inc->reopened);
    sw_pg_param_str(p, inc->policy);
    sw_pg_param_int(p, inc->esc_started ? 1 : 0); /* a 0/1 integer column, as in SQLite */
    sw_pg_param_int(p, inc->esc_round);
    sw_pg_param_int(p, inc->esc_step);
    sw_pg_param_i64_or_null(p, inc->esc_t);
    sw_pg_param_i64_or_null(p, inc->next_due);
}

/* NULL columns read as 0, which is what an optional time or parent means when absent. */
static void incident_row(const PGresult *res, int i, void *e)
{
    struct sw_incident *inc = e;

    inc->id = sw_pg_i64(res, i, 0);
    inc->version = sw_pg_i64(res, i, 1);
    inc->kind = (enum sw_inc_kind)sw_pg_i64(res, i, 2);
    inc->service = sw_pg_strdup(res, i, 3);
    inc->customer = sw_pg_strdup(res, i, 4);
    inc->deployment = sw_pg_strdup(res, i, 5);
    inc->title = sw_pg_strdup(res, i, 6);
    inc->severity = (int)sw_pg_i64(res, i, 7);
    inc->status = (enum sw_inc_status)sw_pg_i64(res, i, 8);
    inc->state = (enum sw_state)sw_pg_i64(res, i, 9);
    inc->output = sw_pg_strdup(res, i, 10);
    inc->since = sw_pg_i64(res, i, 11);
    inc->opened = sw_pg_i64(res, i, 12);
    inc->acked = sw_pg_i64(res, i, 13);
    inc->acked_by = sw_pg_strdup(res, i, 14);
    inc->recovered = sw_pg_i64(res, i, 15);
    inc->resolved = sw_pg_i64(res, i, 16);
    inc->resolved_by = sw_pg_strdup(res, i, 17);
    inc->parent = sw_pg_i64(res, i, 18);
    inc->reopened = (int)sw_pg_i64(res, i, 19);
    inc->policy = sw_pg_strdup(res, i, 20);
    inc->esc_started = sw_pg_bool(res, i, 21);
    inc->esc_round = (int)sw_pg_i64(res, i, 22);
    inc->esc_step = (int)sw_pg_i64(res, i, 23);
    inc->esc_t = sw_pg_i64(res, i, 24);
    inc->next_due = sw_pg_i64(res, i, 25);
}

static void event_row(const PGresult *res, int i, void *e)
{
    struct sw_inc_event *ev = e;

    ev->id = sw_pg_i64(res, i, 0);
    ev->incident = sw_pg_i64(res, i, 1);
    ev->t = sw_pg_i64(res, i, 2);
    ev->kind = sw_pg_strdup(res, i, 3);
    ev->actor = sw_pg_strdup(res, i, 4);
    ev->text = sw_pg_strdup(res, i, 5);
}

static void notif_row(const PGresult *res, int i, void *e)
{
    struct sw_notification *m = e;

    m->id = sw_pg_i64(res, i, 0);
    m->incident = sw_pg_i64(res, i, 1);
    m->kind = (enum sw_notif_kind)sw_pg_i64(res, i, 2);
    m->round = (int)sw_pg_i64(res, i, 3);
    m->step = (int)sw_pg_i64(res, i, 4);
    m->engineer = sw_pg_strdup(res, i, 5);
    m->channel = sw_pg_strdup(res, i, 6);
    m->address = sw_pg_strdup(res, i, 7);
    m->deployment = sw_pg_strdup(res, i, 8);
    m->created = sw_pg_i64(res, i, 9);
    m->due = sw_pg_i64(res, i, 10);
    m->attempts = (int)sw_pg_i64(res, i, 11);
    m->status = (enum sw_notif_status)sw_pg_i64(res, i, 12);
    m->error = sw_pg_strdup(res, i, 13);
    m->sent = sw_pg_i64(res, i, 14);
}

/* Appends events to the timeline of incident, or when incident is 0 to that each names:
 * -ENOENT when that incident does not exist (the row is selected from incidents, so a wrong
 * id inserts nothing rather than failing the foreign key and the transaction with it). */
static int put_events(PGconn *c, const struct sw_inc_event *v, size_t n, int64_t incident)
{
    struct sw_pg_params p;
    long changed = 0;
    int r = 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        sw_pg_params_init(&p);
        sw_pg_param_i64(&p, incident ? incident : v[i].incident);
        sw_pg_param_i64(&p, v[i].t);
        sw_pg_param_str(&p, v[i].kind);
        sw_pg_param_str(&p, v[i].actor);
        sw_pg_param_str(&p, v[i].text);
        r = run_count(c,
                      "INSERT INTO incident_events (incident, t_s, kind, actor, text) "
                      "SELECT id, $2::bigint, $3::text, $4::text, $5::text FROM incidents "
                      "WHERE id = $1",
                      &p, &changed);
        if (r == 0 && changed != 1) {
            r = -ENOENT;
        }
    }
    return r;
}

/* Queues notifications of incident: PENDING, no attempt yet, whatever the caller's copy
 * says; one without a deployment takes the incident's. */
static int put_notifs(PGconn *c, const struct sw_notification *v, size_t n, int64_t incident)
{
    struct sw_pg_params p;
    int r = 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        sw_pg_params_init(&p);
        sw_pg_param_i64(&p, incident);
        sw_pg_param_int(&p, (int)v[i].kind);
        sw_pg_param_int(&p, v[i].round);
        sw_pg_param_int(&p, v[i].step);
        sw_pg_param_str(&p, v[i].engineer);
        sw_pg_param_str(&p, v[i].channel);
        sw_pg_param_str(&p, v[i].address);
        sw_pg_param_str(&p, v[i].deployment);
        sw_pg_param_i64(&p, v[i].created);
        sw_pg_param_i64(&p, v[i].due);
        r = run_count(c,
                      "INSERT INTO notifications (incident, kind, round, step, engineer, "
                      "channel, address, deployment, created_s, due_s, attempts, status) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::text, (SELECT deployment "
                      "FROM incidents WHERE id = $1)), $9, $10, 0, 0)",
                      &p, NULL);
    }
    return r;
}

/* Applies one change; ids holds the ids of the changes before it, for back-references
 * (store.c checked that they name earlier inserts). */
static int put_change(PGconn *c, const struct sw_inc_change *ch, const int64_t *ids,
                      int64_t *ret_id)
{
    const struct sw_incident *inc = ch->inc;
    int64_t parent = inc->parent < 0 ? ids[-(inc->parent + 1)] : inc->parent, id = inc->id;
    struct sw_pg_params p;
    PGresult *res = NULL;
    int r;

    incident_params(&p, inc, parent);
    if (id) {
        sw_pg_param_i64(&p, id);
        sw_pg_param_i64(&p, inc->version);
    }
    r = sw_pg_run(c, id ? INC_UPDATE : INC_INSERT, &p, &res);
    if (r == 0 && PQntuples(res) != 1) {
        r = -ESTALE; /* someone changed it since it was read, or it is gone */
    } else if (r == 0 && parent && sw_pg_null(res, 0, 1)) {
        r = -EINVAL; /* the parent names no incident */
    } else if (r == 0) {
        id = sw_pg_i64(res, 0, 0);
    }
    PQclear(res);
    if (r == 0 && ch->cancel_pending) {
        r = run_count(c,
                      "UPDATE notifications SET status = 3 "
                      "WHERE incident = $1 AND status = 0 AND kind = 0",
                      id_param(&p, id), NULL);
    }
    if (r == 0) {
        r = put_events(c, ch->events, ch->n_events, id);
    }
    if (r == 0) {
        r = put_notifs(c, ch->notifs, ch->n_notifs, id);
    }
    *ret_id = id;
    return r;
}

int sw_pg_incident_write(void *ctx, const struct sw_inc_change *changes, size_t n, int64_t *ret_ids)
{
    int64_t *ids = sw_xcalloc(n, sizeof(*ids));
    PGconn *c;
    int r = tx_begin(ctx, &c);

    if (r < 0) {
        goto out;
    }
    /* Before any row lock of the call: every writer takes the numbering lock first, so two
     * calls cannot each hold what the other waits for. */
    for (size_t i = 0; r == 0 && i < n; i++) {
        if (changes[i].inc->id == 0) {
            r = lock_ids(c, "SELECT pg_advisory_xact_lock(" ID_LOCK_INCIDENTS ")");
            break;
        }
    }
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = put_change(c, &changes[i], ids, &ids[i]);
    }
    r = tx_end(ctx, c, r);
    if (r == 0 && ret_ids) {
        memcpy(ret_ids, ids, n * sizeof(*ids));
    }
out:
    free(ids);
    return r;
}

int sw_pg_notif_record(void *ctx, const struct sw_notif_outcome *v, size_t n,
                       const struct sw_inc_event *events, size_t n_events)
{
    struct sw_pg_params p;
    long changed = 0;
    PGconn *c;
    int r = tx_begin(ctx, &c);

    if (r < 0) {
        return r;
    }
    /* Every SET expression sees the row as it was: a notification cancelled meanwhile stays
     * cancelled, unless this attempt delivered it. */
    for (size_t i = 0; r == 0 && i < n; i++) {
        sw_pg_params_init(&p);
        sw_pg_param_i64(&p, v[i].id);
        sw_pg_param_int(&p, (int)v[i].status);
        sw_pg_param_i64(&p, v[i].due);
        sw_pg_param_str(&p, v[i].error);
        sw_pg_param_i64_or_null(&p, v[i].t);
        r = run_count(c,
                      "UPDATE notifications SET attempts = attempts + 1, "
                      "status = CASE WHEN status = 0 OR $2::integer = 1 THEN $2::integer "
                      "ELSE status END, "
                      "due_s = CASE WHEN $2::integer = 0 THEN $3::bigint ELSE due_s END, "
                      "error = $4::text, "
                      "sent_s = CASE WHEN $2::integer = 1 THEN $5::bigint ELSE sent_s END "
                      "WHERE id = $1",
                      &p, &changed);
        if (r == 0 && changed != 1) {
            r = -ENOENT;
        }
    }
    if (r == 0) {
        r = put_events(c, events, n_events, 0);
    }
    return tx_end(ctx, c, r);
}

int sw_pg_incident_log(void *ctx, const struct sw_inc_event *events, size_t n)
{
    PGconn *c;
    int r = tx_begin(ctx, &c);

    if (r < 0) {
        return r;
    }
    return tx_end(ctx, c, put_events(c, events, n, 0));
}

int sw_pg_incident_get(void *ctx, int64_t id, struct sw_incident *ret)
{
    struct sw_pg_params p;

    return read_one(ctx, INC_SELECT " WHERE id = $1", id_param(&p, id), sizeof(*ret), incident_row,
                    ret);
}

int sw_pg_incident_last(void *ctx, const char *service, struct sw_incident *ret)
{
    struct sw_pg_params p;

    sw_pg_params_init(&p);
    sw_pg_param_str(&p, service);
    /* The open one first (at most one exists), then the one resolved last. NULLS LAST: as
     * SQLite, which sorts NULL lowest. */
    return read_one(ctx,
                    INC_SELECT " WHERE service = $1 "
                               "ORDER BY status = 3, resolved_s DESC NULLS LAST, id DESC LIMIT 1",
                    &p, sizeof(*ret), incident_row, ret);
}

/* Appends " AND <expr> $n" to sql, $n being the parameter just added to p. Only the filters
 * given go into the query (PostgreSQL refuses a parameter it cannot type, so unused ones
 * cannot be passed as sqlite.c does). */
static void cond(struct sw_buf *sql, const struct sw_pg_params *p, const char *expr)
{
    sw_buf_printf(sql, " AND %s $%d", expr, p->n);
}

int sw_pg_incident_list(void *ctx, const struct sw_inc_filter *f, size_t limit,
                        struct sw_incident **ret, size_t *ret_n)
{
    struct sw_pg_params p;
    struct sw_buf sql;
    int r;

    sw_pg_params_init(&p);
    sw_buf_init(&sql);
    sw_buf_puts(&sql, INC_SELECT " WHERE true");
    if (f->open_only) {
        sw_buf_puts(&sql, " AND status IN (0, 1, 2)");
    }
    if (f->service) {
        sw_pg_param_str(&p, f->service);
        cond(&sql, &p, "service =");
    }
    if (f->customer) {
        sw_pg_param_str(&p, f->customer);
        cond(&sql, &p, "customer =");
    }
    if (f->opened_from) {
        sw_pg_param_i64(&p, f->opened_from);
        cond(&sql, &p, "opened_s >=");
    }
    if (f->opened_to) {
        sw_pg_param_i64(&p, f->opened_to);
        cond(&sql, &p, "opened_s <");
    }
    sw_pg_param_i64(&p, (int64_t)limit);
    sw_buf_printf(&sql,
                  f->newest_first ? " ORDER BY opened_s DESC, id DESC LIMIT $%d"
                                  : " ORDER BY opened_s, id LIMIT $%d",
                  p.n);
    r = read_rows(ctx, sql.data, &p, sizeof(**ret), incident_row, (void **)ret, ret_n);
    sw_buf_release(&sql);
    return r;
}

int sw_pg_incident_events(void *ctx, int64_t id, struct sw_inc_event **ret, size_t *ret_n)
{
    struct sw_pg_params p;

    return read_rows(ctx,
                     "SELECT id, incident, t_s, kind, actor, text FROM incident_events "
                     "WHERE incident = $1 ORDER BY t_s, id",
                     id_param(&p, id), sizeof(**ret), event_row, (void **)ret, ret_n);
}

int sw_pg_incident_notifications(void *ctx, int64_t id, struct sw_notification **ret, size_t *ret_n)
{
    struct sw_pg_params p;

    return read_rows(ctx, NOTIF_SELECT " WHERE incident = $1 ORDER BY id", id_param(&p, id),
                     sizeof(**ret), notif_row, (void **)ret, ret_n);
}

int sw_pg_notif_due(void *ctx, int64_t now, size_t limit, struct sw_notification **ret,
                    size_t *ret_n)
{
    struct sw_pg_params p;

    sw_pg_params_init(&p);
    sw_pg_param_i64(&p, now);
    sw_pg_param_i64(&p, (int64_t)limit);
    return read_rows(ctx,
                     NOTIF_SELECT " WHERE status = 0 AND due_s <= $1 ORDER BY due_s, id LIMIT $2",
                     &p, sizeof(**ret), notif_row, (void **)ret, ret_n);
}

static void i64_row(const PGresult *res, int i, void *e)
{
    *(int64_t *)e = sw_pg_i64(res, i, 0);
}

int sw_pg_notif_next_due(void *ctx, int64_t *ret_t)
{
    int64_t t = 0;
    int r = read_one(ctx, "SELECT min(due_s) FROM notifications WHERE status = 0", NULL, sizeof(t),
                     i64_row, &t);

    if (r < 0) {
        return r;
    }
    *ret_t = t; /* NULL (none pending) reads as 0 */
    return 0;
}

/* ---- support cases and changes ---- */

/* As for incidents: column c of CASE_SELECT after id and version is parameter c - 1 of
 * CASE_INSERT and CASE_UPDATE. No incident (0) is NULL, so the partial unique index ignores
 * it; one that names no incident reads back NULL (case_write: -EINVAL). */
#define CASE_COLS                                                                                  \
    "customer, deployment, service, severity, title, description, status, assignee, opened_by, "   \
    "created_s, last_event_s, incident, reopened"
#define CASE_SELECT "SELECT id, version, " CASE_COLS " FROM cases"
#define CASE_INCIDENT "(SELECT i.id FROM incidents i WHERE i.id = $12)"
#define CASE_INSERT                                                                                \
    "INSERT INTO cases (id, version, " CASE_COLS ") VALUES ("                                      \
    "(SELECT coalesce(max(id), 0) + 1 FROM cases), 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, "        \
    "$10, $11, " CASE_INCIDENT ", $13) RETURNING id, incident"
#define CASE_UPDATE                                                                                \
    "UPDATE cases SET version = version + 1, customer = $1, deployment = $2, service = $3, "       \
    "severity = $4, title = $5, description = $6, status = $7, assignee = $8, opened_by = $9, "    \
    "created_s = $10, last_event_s = $11, incident = " CASE_INCIDENT ", reopened = $13 "           \
    "WHERE id = $14 AND version = $15 RETURNING id, incident"
#define CHANGE_SELECT                                                                              \
    "SELECT id, customer, deployment, title, started_by, started_s, finished_s, result, note "     \
    "FROM changes"

static void case_params(struct sw_pg_params *p, const struct sw_case_row *c)
{
    sw_pg_params_init(p);
    sw_pg_param_str(p, c->customer);
    sw_pg_param_str(p, c->deployment);
    sw_pg_param_str(p, c->service);
    sw_pg_param_int(p, c->severity);
    sw_pg_param_str(p, c->title);
    sw_pg_param_str(p, c->description);
    sw_pg_param_int(p, c->status);
    sw_pg_param_str(p, c->assignee);
    sw_pg_param_str(p, c->opened_by);
    sw_pg_param_i64(p, c->created);
    sw_pg_param_i64(p, c->last_event);
    sw_pg_param_i64_or_null(p, c->incident);
    sw_pg_param_int(p, c->reopened);
}

static void case_row(const PGresult *res, int i, void *e)
{
    struct sw_case_row *c = e;

    c->id = sw_pg_i64(res, i, 0);
    c->version = sw_pg_i64(res, i, 1);
    c->customer = sw_pg_strdup(res, i, 2);
    c->deployment = sw_pg_strdup(res, i, 3);
    c->service = sw_pg_strdup(res, i, 4);
    c->severity = (int)sw_pg_i64(res, i, 5);
    c->title = sw_pg_strdup(res, i, 6);
    c->description = sw_pg_strdup(res, i, 7);
    c->status = (int)sw_pg_i64(res, i, 8);
    c->assignee = sw_pg_strdup(res, i, 9);
    c->opened_by = sw_pg_strdup(res, i, 10);
    c->created = sw_pg_i64(res, i, 11);
    c->last_event = sw_pg_i64(res, i, 12);
    c->incident = sw_pg_i64(res, i, 13); /* NULL reads as 0: none */
    c->reopened = (int)sw_pg_i64(res, i, 14);
}

static void case_event_row(const PGresult *res, int i, void *e)
{
    struct sw_case_event_row *ev = e;

    ev->id = sw_pg_i64(res, i, 0);
    ev->case_id = sw_pg_i64(res, i, 1);
    ev->t = sw_pg_i64(res, i, 2);
    ev->kind = (int)sw_pg_i64(res, i, 3);
    ev->status = (int)sw_pg_i64(res, i, 4);
    ev->author = sw_pg_strdup(res, i, 5);
    ev->text = sw_pg_strdup(res, i, 6);
}

static void change_row(const PGresult *res, int i, void *e)
{
    struct sw_change_row *c = e;

    c->id = sw_pg_i64(res, i, 0);
    c->customer = sw_pg_strdup(res, i, 1);
    c->deployment = sw_pg_strdup(res, i, 2);
    c->title = sw_pg_strdup(res, i, 3);
    c->started_by = sw_pg_strdup(res, i, 4);
    c->started = sw_pg_i64(res, i, 5);
    c->finished = sw_pg_i64(res, i, 6); /* NULL reads as 0: running */
    c->result = (int)sw_pg_i64(res, i, 7);
    c->note = sw_pg_strdup(res, i, 8);
}

static int put_case_events(PGconn *c, const struct sw_case_event_row *v, size_t n, int64_t case_id)
{
    struct sw_pg_params p;
    int r = 0;

    for (size_t i = 0; r == 0 && i < n; i++) {
        sw_pg_params_init(&p);
        sw_pg_param_i64(&p, case_id);
        sw_pg_param_i64(&p, v[i].t);
        sw_pg_param_int(&p, v[i].kind);
        sw_pg_param_int(&p, v[i].status);
        sw_pg_param_str(&p, v[i].author);
        sw_pg_param_str(&p, v[i].text);
        r = run_count(c,
                      "INSERT INTO case_events (case_id, t_s, kind, status, author, text) "
                      "VALUES ($1, $2, $3, $4, $5, $6)",
                      &p, NULL);
    }
    return r;
}

/* Inserts or updates case cs (under the numbering lock for an insert); *ret_id gets its id. */
static int put_case(PGconn *c, const struct sw_case_row *cs, int64_t *ret_id)
{
    struct sw_pg_params p;
    PGresult *res = NULL;
    int r = 0;

    case_params(&p, cs);
    if (cs->id) {
        sw_pg_param_i64(&p, cs->id);
        sw_pg_param_i64(&p, cs->version);
    } else {
        r = lock_ids(c, "SELECT pg_advisory_xact_lock(" ID_LOCK_CASES ")");
    }
    if (r == 0) {
        r = sw_pg_run(c, cs->id ? CASE_UPDATE : CASE_INSERT, &p, &res);
    }
    if (r == 0 && PQntuples(res) != 1) {
        r = -ESTALE; /* someone changed it since it was read, or it is gone */
    } else if (r == 0 && cs->incident && sw_pg_null(res, 0, 1)) {
        r = -EINVAL; /* the incident names none */
    } else if (r == 0) {
        *ret_id = sw_pg_i64(res, 0, 0);
    }
    PQclear(res);
    return r;
}

int sw_pg_case_write(void *ctx, const struct sw_case_row *cs, const struct sw_case_event_row *ev,
                     size_t n, int64_t *ret_id)
{
    int64_t id = 0;
    PGconn *c;
    int r = tx_begin(ctx, &c);

    if (r < 0) {
        return r;
    }
    r = put_case(c, cs, &id);
    if (r == 0) {
        r = put_case_events(c, ev, n, id);
    }
    r = tx_end(ctx, c, r);
    if (r == 0 && ret_id) {
        *ret_id = id;
    }
    return r;
}

int sw_pg_case_get(void *ctx, int64_t id, struct sw_case_row *ret)
{
    struct sw_pg_params p;

    return read_one(ctx, CASE_SELECT " WHERE id = $1", id_param(&p, id), sizeof(*ret), case_row,
                    ret);
}

int sw_pg_case_for_incident(void *ctx, int64_t incident, struct sw_case_row *ret)
{
    struct sw_pg_params p;

    return read_one(ctx, CASE_SELECT " WHERE incident = $1", id_param(&p, incident), sizeof(*ret),
                    case_row, ret);
}

int sw_pg_case_list(void *ctx, const struct sw_case_filter *f, size_t limit,
                    struct sw_case_row **ret, size_t *ret_n)
{
    struct sw_pg_params p;
    struct sw_buf sql;
    int r;

    sw_pg_params_init(&p);
    sw_buf_init(&sql);
    sw_buf_puts(&sql, CASE_SELECT " WHERE true");
    if (f->open_only) {
        sw_buf_puts(&sql, " AND status IN (0, 1, 2)");
    }
    if (f->customer) {
        sw_pg_param_str(&p, f->customer);
        cond(&sql, &p, "customer =");
    }
    if (f->created_from) {
        sw_pg_param_i64(&p, f->created_from);
        cond(&sql, &p, "created_s >=");
    }
    if (f->created_to) {
        sw_pg_param_i64(&p, f->created_to);
        cond(&sql, &p, "created_s <");
    }
    sw_pg_param_i64(&p, (int64_t)limit);
    sw_buf_printf(&sql,
                  f->newest_first ? " ORDER BY created_s DESC, id DESC LIMIT $%d"
                                  : " ORDER BY created_s, id LIMIT $%d",
                  p.n);
    r = read_rows(ctx, sql.data, &p, sizeof(**ret), case_row, (void **)ret, ret_n);
    sw_buf_release(&sql);
    return r;
}

int sw_pg_case_events(void *ctx, int64_t id, struct sw_case_event_row **ret, size_t *ret_n)
{
    struct sw_pg_params p;

    return read_rows(ctx,
                     "SELECT id, case_id, t_s, kind, status, author, text FROM case_events "
                     "WHERE case_id = $1 ORDER BY t_s, id",
                     id_param(&p, id), sizeof(**ret), case_event_row, (void **)ret, ret_n);
}

int sw_pg_change_start(void *ctx, const struct sw_change_row *ch, int64_t *ret_id)
{
    struct sw_pg_params p;
    PGresult *res = NULL;
    int64_t id = 0;
    PGconn *c;
    int r = tx_begin(ctx, &c);

    if (r < 0) {
        return r;
    }
    sw_pg_params_init(&p);
    sw_pg_param_str(&p, ch->customer);
    sw_pg_param_str(&p, ch->deployment);
    sw_pg_param_str(&p, ch->title);
    sw_pg_param_str(&p, ch->started_by);
    sw_pg_param_i64(&p, ch->started);
    sw_pg_param_str(&p, ch->note);
    r = lock_ids(c, "SELECT pg_advisory_xact_lock(" ID_LOCK_CHANGES ")");
    if (r == 0) {
        r = sw_pg_run(
            c,
            "INSERT INTO changes (id, customer, deployment, title, started_by, started_s, "
            "finished_s, result, note) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM "
            "changes), $1, $2, $3, $4, $5, NULL, -1, $6) "
            "RETURNING id",
            &p, &res);
    }
    if (r == 0) {
        id = sw_pg_i64(res, 0, 0);
    }
    PQclear(res);
    r = tx_end(ctx, c, r);
    if (r == 0 && ret_id) {
        *ret_id = id;
    }
    return r;
}

int sw_pg_change_finish(void *ctx, int64_t id, int64_t t, int result, const char *note)
{
    struct sw_pg_params p;
    PGresult *res = NULL;
    PGconn *c;
    int r = tx_begin(ctx, &c);

    if (r < 0) {
        return r;
    }
    /* Read and decide with the row locked: two finishes of one change cannot both see it
     * running (the second waits for the first to commit, then reads it finished). */
    r = sw_pg_run(c,
                  "SELECT started_s, finished_s IS NOT NULL FROM changes WHERE id = $1 "
                  "FOR UPDATE",
                  id_param(&p, id), &res);
    if (r == 0 && PQntuples(res) == 0) {
        r = -ENOENT;
    } else if (r == 0 && sw_pg_bool(res, 0, 1)) {
        r = -EALREADY;
    } else if (r == 0 && t < sw_pg_i64(res, 0, 0)) {
        r = -EINVAL;
    }
    PQclear(res);
    if (r == 0) {
        /* A finish without a note keeps the one given at the start. */
        sw_pg_params_init(&p);
        sw_pg_param_i64(&p, id);
        sw_pg_param_i64(&p, t);
        sw_pg_param_int(&p, result);
        sw_pg_param_str(&p, note);
        r = run_count(c,
                      "UPDATE changes SET finished_s = $2, result = $3, "
                      "note = coalesce($4, note) WHERE id = $1",
                      &p, NULL);
    }
    return tx_end(ctx, c, r);
}

int sw_pg_change_get(void *ctx, int64_t id, struct sw_change_row *ret)
{
    struct sw_pg_params p;

    return read_one(ctx, CHANGE_SELECT " WHERE id = $1", id_param(&p, id), sizeof(*ret), change_row,
                    ret);
}

int sw_pg_change_list(void *ctx, int64_t from, int64_t to, const char *deployment,
                      struct sw_change_row **ret, size_t *ret_n)
{
    struct sw_pg_params p;
    struct sw_buf sql;
    int r;

    sw_pg_params_init(&p);
    sw_buf_init(&sql);
    sw_buf_puts(&sql, CHANGE_SELECT " WHERE true");
    if (from) {
        sw_pg_param_i64(&p, from);
        cond(&sql, &p, "started_s >=");
    }
    if (to) {
        sw_pg_param_i64(&p, to);
        cond(&sql, &p, "started_s <");
    }
    if (deployment) {
        sw_pg_param_str(&p, deployment);
        cond(&sql, &p, "deployment =");
    }
    sw_buf_puts(&sql, " ORDER BY started_s, id");
    r = read_rows(ctx, sql.data, &p, sizeof(**ret), change_row, (void **)ret, ret_n);
    sw_buf_release(&sql);
    return r;
}
