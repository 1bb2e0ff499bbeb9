/* SPDX-License-Identifier: Apache-2.0 */
/* pg_int.h: what the files of the PostgreSQL backend share (postgres.c: connections,
 * migrations, the batch writer, results, intervals, states, maintenance, tokens, derived
 * checks and alerts; postgres_inc.c: incidents, timelines, the outbox, cases and changes).
 * Only src/store/ and its unit tests include it. See docs/internals/store.md. */
#ifndef SW_PG_INT_H
#define SW_PG_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_int.h"

#define SW_PG_POOL_MAX 4    /* idle connections kept for reads and synchronous writes */
#define SW_PG_PARAMS_MAX 40 /* parameters of one statement built with struct sw_pg_params */

/* The backend's ctx. The writer thread has a connection of its own (writer); everything else
 * takes a connection from the pool for the length of one call and gives it back. */
struct sw_pg {
    char *uri;      /* "postgresql://..." as configured (may hold a password: never logged) */
    char *password; /* from password_file / password_env, or NULL */
    char *safe;     /* the URI without user info and query, for messages: "postgresql://db1/sw" */
    PGconn *writer; /* the writer thread's; NULL until (re)connected */
    pthread_mutex_t pool_lock;
    PGconn *pool[SW_PG_POOL_MAX];
    size_t npool;
    void *writer_state; /* postgres.c's own (object id cache, ...) */
};

/* A new connection to the database: NULL and a one-line message in err (when not NULL) when
 * the server cannot be reached or refuses. Sets a 5 s connect timeout and the application
 * name "stackward". */
PGconn *sw_pg_connect(struct sw_pg *pg, struct sw_buf *err);
/* A connection from the pool, or a new one; NULL when the server cannot be reached. */
PGconn *sw_pg_get(struct sw_pg *pg);
/* Gives c back: kept when it is healthy and outside a transaction, else closed. NULL-safe. */
void sw_pg_put(struct sw_pg *pg, PGconn *c);

/* The parameters of one statement, in text format. */
struct sw_pg_params {
    const char *v[SW_PG_PARAMS_MAX];
    char num[SW_PG_PARAMS_MAX][24];
    int n;
};
void sw_pg_params_init(struct sw_pg_params *p);
void sw_pg_param_i64(struct sw_pg_params *p, int64_t v);
void sw_pg_param_int(struct sw_pg_params *p, int v);
void sw_pg_param_bool(struct sw_pg_params *p, bool v);
void sw_pg_param_str(struct sw_pg_params *p, const char *s); /* NULL: SQL NULL */
/* v, or SQL NULL when v is 0 (the columns where 0 means "none": end_s, acked_s, ...). */
void sw_pg_param_i64_or_null(struct sw_pg_params *p, int64_t v);

/* Runs sql with p (NULL: no parameters) on c. 0 with *ret (when not NULL) the result, to be
 * PQclear()ed; or, as sqlite.c maps SQLite's errors: -EEXIST for a unique violation (SQLSTATE
 * 23505), -ENOENT for a foreign key violation (23503), -EINVAL for a check or not-null
 * violation (23514, 23502), -ESTALE for a serialization failure or deadlock (40001, 40P01),
 * -EIO for anything else (logged at debug with the server's message). */
int sw_pg_run(PGconn *c, const char *sql, const struct sw_pg_params *p, PGresult **ret);
/* BEGIN, COMMIT, ROLLBACK on c: 0 or -EIO. ROLLBACK is NULL-safe and never fails loudly. */
int sw_pg_begin(PGconn *c);
int sw_pg_commit(PGconn *c);
void sw_pg_rollback(PGconn *c);

/* Column values: 0 / false / NULL for SQL NULL. */
int64_t sw_pg_i64(const PGresult *r, int row, int col);
bool sw_pg_bool(const PGresult *r, int row, int col); /* "t" or "1" */
char *sw_pg_strdup(const PGresult *r, int row, int col);
bool sw_pg_null(const PGresult *r, int row, int col);

/* postgres_inc.c: the incident, case and change functions of the backend table. */
int sw_pg_incident_write(void *ctx, const struct sw_inc_change *changes, size_t n,
                         int64_t *ret_ids);
int sw_pg_incident_get(void *ctx, int64_t id, struct sw_incident *ret);
int sw_pg_incident_list(void *ctx, const struct sw_inc_filter *f, size_t limit,
                        struct sw_incident **ret, size_t *ret_n);
int sw_pg_incident_last(void *ctx, const char *service, struct sw_incident *ret);
int sw_pg_incident_events(void *ctx, int64_t id, struct sw_inc_event **ret, size_t *ret_n);
int sw_pg_incident_notifications(void *ctx, int64_t id, struct sw_notification **ret,
                                 size_t *ret_n);
int sw_pg_notif_due(void *ctx, int64_t now, size_t limit, struct sw_notification **ret,
                    size_t *ret_n);
int sw_pg_notif_next_due(void *ctx, int64_t *ret_t);
int sw_pg_notif_record(void *ctx, const struct sw_notif_outcome *v, size_t n,
                       const struct sw_inc_event *events, size_t n_events);
int sw_pg_incident_log(void *ctx, const struct sw_inc_event *events, size_t n);
int sw_pg_case_write(void *ctx, const struct sw_case_row *c, const struct sw_case_event_row *ev,
                     size_t n, int64_t *ret_id);
int sw_pg_case_get(void *ctx, int64_t id, struct sw_case_row *ret);
int sw_pg_case_for_incident(void *ctx, int64_t incident, struct sw_case_row *ret);
int sw_pg_case_list(void *ctx, const struct sw_case_filter *f, size_t limit,
                    struct sw_case_row **ret, size_t *ret_n);
int sw_pg_case_events(void *ctx, int64_t id, struct sw_case_event_row **ret, size_t *ret_n);
int sw_pg_change_start(void *ctx, const struct sw_change_row *c, int64_t *ret_id);
int sw_pg_change_finish(void *ctx, int64_t id, int64_t t, int result, const char *note);
int sw_pg_change_get(void *ctx, int64_t id, struct sw_change_row *ret);
int sw_pg_change_list(void *ctx, int64_t from, int64_t to, const char *deployment,
                      struct sw_change_row **ret, size_t *ret_n);

/* migrations/postgres.c: the PostgreSQL schema, same versions and meaning as SQLite's, plus
 * version 8 (the cluster's tables: nodes, shard leases, leader, passive inbox). */
const struct sw_store_migration *sw_store_pg_migrations(size_t *ret_n);

#endif
