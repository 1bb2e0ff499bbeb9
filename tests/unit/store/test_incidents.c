/* SPDX-License-Identifier: Apache-2.0 */
/* test_incidents.c: unit tests of the incident part of src/store (incidents, timelines, the
 * notification outbox) against a fresh database per test (testdb.h): an SQLite file, or under
 * tests/pgtmp.sh a fresh schema of a real PostgreSQL. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "store/store.h"
#include "testdb.h"

struct tx {
    struct testdb db;
    struct sw_store *s;
};

static struct sw_store *reopen(struct tx *t)
{
    sw_store_free(t->s);
    t->s = NULL;
    t->s = testdb_open(&t->db);
    return t->s;
}

static int tx_setup(void **state)
{
    struct tx *t = sw_xcalloc(1, sizeof(*t));

    testdb_init(&t->db, "inc.db");
    reopen(t);
    *state = t;
    return 0;
}

static int tx_teardown(void **state)
{
    struct tx *t = *state;

    sw_store_free(t->s);
    testdb_release(&t->db);
    free(t);
    return 0;
}

/* One integer from the database, read on a connection of the test's own. */
static int64_t db_int(struct tx *t, const char *sql)
{
    return testdb_int(&t->db, sql);
}

static void assert_str(const char *got, const char *want)
{
    if (!want) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

/* A triggered incident of service "cust/dep/svc", with every other field at its zero. */
static struct sw_incident inc_of(const char *service, int64_t opened)
{
    static char names[16][3][64];
    static int next;
    char(*n)[64] = names[next++ % 16];
    struct sw_incident inc = {0};

    snprintf(n[0], sizeof(n[0]), "%s", service);
    snprintf(n[1], sizeof(n[1]), "%.*s", (int)strcspn(service, "/"), service);
    snprintf(n[2], sizeof(n[2]), "%.*s", (int)(strrchr(service, '/') - service), service);
    inc.service = n[0];
    inc.customer = n[1];
    inc.deployment = n[2];
    inc.title = (char *)"CRITICAL: outage";
    inc.severity = 2;
    inc.status = SW_INC_TRIGGERED;
    inc.state = SW_CRITICAL;
    inc.since = opened;
    inc.opened = opened;
    return inc;
}

/* Writes one change and returns the incident's id (asserting success). */
static int64_t write1(struct sw_store *s, const struct sw_incident *inc,
                      const struct sw_inc_event *ev, size_t n_ev, const struct sw_notification *no,
                      size_t n_no, bool cancel)
{
    struct sw_inc_change c = {inc, ev, n_ev, no, n_no, cancel};
    int64_t id = -1;

    assert_int_equal(sw_store_incident_write(s, &c, 1, &id), 0);
    assert_true(id > 0);
    return id;
}

static int write1_err(struct sw_store *s, const struct sw_incident *inc,
                      const struct sw_inc_event *ev, size_t n_ev)
{
    struct sw_inc_change c = {inc, ev, n_ev, NULL, 0, false};

    return sw_store_incident_write(s, &c, 1, NULL);
}

static struct sw_notification notif(enum sw_notif_kind kind, const char *engineer, int64_t due)
{
    struct sw_notification m = {0};

    m.kind = kind;
    m.round = kind == SW_NOTIF_TRIGGER ? 0 : -1;
    m.engineer = (char *)engineer;
    m.channel = (char *)"email";
    m.created = 1000;
    m.due = due;
    return m;
}

static struct sw_incident get(struct sw_store *s, int64_t id)
{
    struct sw_incident inc;

    assert_int_equal(sw_store_incident_get(s, id, &inc), 0);
    return inc;
}

static int64_t count(struct tx *t, const char *table)
{
    char sql[96];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    return db_int(t, sql);
}

static void test_status_names(void **state)
{
    enum sw_inc_status st = SW_INC_RESOLVED;

    (void)state;
    assert_string_equal(sw_inc_status_name(SW_INC_TRIGGERED), "triggered");
    assert_string_equal(sw_inc_status_name(SW_INC_ACKNOWLEDGED), "acknowledged");
    assert_string_equal(sw_inc_status_name(SW_INC_RECOVERED), "recovered");
    assert_string_equal(sw_inc_status_name(SW_INC_RESOLVED), "resolved");
    assert_null(sw_inc_status_name((enum sw_inc_status)4));
    assert_null(sw_inc_status_name((enum sw_inc_status) - 1));
    assert_int_equal(sw_inc_status_parse("acknowledged", &st), 0);
    assert_int_equal(st, SW_INC_ACKNOWLEDGED);
    assert_int_equal(sw_inc_status_parse("triggered", &st), 0);
    assert_int_equal(st, SW_INC_TRIGGERED);
    assert_int_equal(sw_inc_status_parse("Resolved", &st), -EINVAL);
    assert_int_equal(sw_inc_status_parse("", &st), -EINVAL);
    assert_int_equal(sw_inc_status_parse(NULL, &st), -EINVAL);
    assert_int_equal(st, SW_INC_TRIGGERED);
}

static void test_schema(void **state)
{
    struct tx *t = *state;

    assert_int_equal(db_int(t, "SELECT max(version) FROM schema_migrations"),
                     testdb_version(&t->db));
    assert_int_equal(testdb_count_named(&t->db, "'incidents', 'incident_events', 'notifications', "
                                                "'incidents_status', 'incidents_service', "
                                                "'incidents_one_open', 'incident_events_incident', "
                                                "'notifications_outbox', 'notifications_incident'"),
                     9);
}

static void test_roundtrip(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = {
        .kind = SW_INC_BURN,
        .service = (char *)"acme/fra1/identity",
        .customer = (char *)"acme",
        .deployment = (char *)"acme/fra1",
        .title = (char *)"CRITICAL: acme / fra1 / Keystone",
        .severity = 1,
        .status = SW_INC_ACKNOWLEDGED,
        .state = SW_WARNING,
        .output = (char *)"HTTP 503 in 2.1 s",
        .since = 1700000100,
        .opened = 1700000160,
        .acked = 1700000400,
        .acked_by = (char *)"alice",
        .recovered = 1700000500,
        .resolved = 1700000600,
        .resolved_by = (char *)"bob",
        .parent = 0,
        .reopened = 2,
        .policy = (char *)"platform",
        .esc_started = true,
        .esc_round = 1,
        .esc_step = 3,
        .esc_t = 1700000300,
        .next_due = 1700000900,
    };
    struct sw_inc_event ev[2] = {
        {.id = 77, .incident = 99, .t = 1700000160, .kind = (char *)"opened"},
        {.t = 1700000400,
         .kind = (char *)"acknowledged",
         .actor = (char *)"alice",
         .text = (char *)"on it"},
    };
    struct sw_notification no[2] = {
        notif(SW_NOTIF_TRIGGER, "alice", 1700000160),
        notif(SW_NOTIF_RESOLVED, NULL, 1700000170),
    };
    struct sw_incident b, got;
    struct sw_inc_event *ve = NULL;
    struct sw_notification *vn = NULL;
    size_t n = 0;
    int64_t id, id2;

    /* What the store assigns or forces is set to something else here: it must not stick. */
    no[0].id = 5;
    no[0].step = 2;
    no[0].address = (char *)"alice@example.org";
    no[0].deployment = (char *)"other/dep";
    no[0].attempts = 9;
    no[0].status = SW_NOTIF_SENT;
    no[0].error = (char *)"x";
    no[0].sent = 7;
    no[1].channel = (char *)"slack-ops";
    a.id = 0;
    a.version = 42;
    id = write1(t->s, &a, ev, 2, no, 2, false);

    got = get(t->s, id);
    assert_int_equal(got.id, id);
    assert_int_equal(got.version, 1);
    assert_int_equal(got.kind, SW_INC_BURN);
    assert_str(got.service, "acme/fra1/identity");
    assert_str(got.customer, "acme");
    assert_str(got.deployment, "acme/fra1");
    assert_str(got.title, "CRITICAL: acme / fra1 / Keystone");
    assert_int_equal(got.severity, 1);
    assert_int_equal(got.status, SW_INC_ACKNOWLEDGED);
    assert_int_equal(got.state, SW_WARNING);
    assert_str(got.output, "HTTP 503 in 2.1 s");
    assert_int_equal(got.since, 1700000100);
    assert_int_equal(got.opened, 1700000160);
    assert_int_equal(got.acked, 1700000400);
    assert_str(got.acked_by, "alice");
    assert_int_equal(got.recovered, 1700000500);
    assert_int_equal(got.resolved, 1700000600);
    assert_str(got.resolved_by, "bob");
    assert_int_equal(got.parent, 0);
    assert_int_equal(got.reopened, 2);
    assert_str(got.policy, "platform");
    assert_true(got.esc_started);
    assert_int_equal(got.esc_round, 1);
    assert_int_equal(got.esc_step, 3);
    assert_int_equal(got.esc_t, 1700000300);
    assert_int_equal(got.next_due, 1700000900);
    sw_incident_release(&got);
    assert_null(got.service);
    sw_incident_release(&got); /* twice is harmless */
    sw_incident_release(NULL);

    assert_int_equal(sw_store_incident_events(t->s, id, &ve, &n), 0);
    assert_int_equal(n, 2);
    assert_true(ve[0].id > 0 && ve[0].id != 77);
    assert_int_equal(ve[0].incident, id);
    assert_int_equal(ve[0].t, 1700000160);
    assert_str(ve[0].kind, "opened");
    assert_str(ve[0].actor, NULL);
    assert_str(ve[0].text, NULL);
    assert_int_equal(ve[1].id, ve[0].id + 1);
    assert_int_equal(ve[1].incident, id);
    assert_int_equal(ve[1].t, 1700000400);
    assert_str(ve[1].kind, "acknowledged");
    assert_str(ve[1].actor, "alice");
    assert_str(ve[1].text, "on it");
    sw_inc_events_free(ve, n);

    assert_int_equal(sw_store_incident_notifications(t->s, id, &vn, &n), 0);
    assert_int_equal(n, 2);
    assert_true(vn[0].id > 0);
    assert_int_equal(vn[0].incident, id);
    assert_int_equal(vn[0].kind, SW_NOTIF_TRIGGER);
    assert_int_equal(vn[0].round, 0);
    assert_int_equal(vn[0].step, 2);
    assert_str(vn[0].engineer, "alice");
    assert_str(vn[0].channel, "email");
    assert_str(vn[0].address, "alice@example.org");
    assert_str(vn[0].deployment, "other/dep");
    assert_int_equal(vn[0].created, 1000);
    assert_int_equal(vn[0].due, 1700000160);
    assert_int_equal(vn[0].attempts, 0);
    assert_int_equal(vn[0].status, SW_NOTIF_PENDING);
    assert_str(vn[0].error, NULL);
    assert_int_equal(vn[0].sent, 0);
    assert_int_equal(vn[1].id, vn[0].id + 1);
    assert_int_equal(vn[1].kind, SW_NOTIF_RESOLVED);
    assert_int_equal(vn[1].round, -1);
    assert_str(vn[1].engineer, NULL);
    assert_str(vn[1].channel, "slack-ops");
    assert_str(vn[1].address, NULL);
    assert_str(vn[1].deployment, "acme/fra1"); /* none given: the incident's */
    assert_int_equal(vn[1].due, 1700000170);
    sw_notifications_free(vn, n);

    /* Zero times and absent strings come back as zero and NULL; stored as NULL. */
    b = inc_of("beta/ams1/dns", 1700001000);
    b.since = 0;
    id2 = write1(t->s, &b, NULL, 0, NULL, 0, false);
    assert_int_equal(id2, id + 1);
    got = get(t->s, id2);
    assert_int_equal(got.kind, SW_INC_OUTAGE);
    assert_str(got.customer, "beta");
    assert_str(got.deployment, "beta/ams1");
    assert_int_equal(got.since, 0);
    assert_int_equal(got.acked, 0);
    assert_str(got.acked_by, NULL);
    assert_int_equal(got.recovered, 0);
    assert_int_equal(got.resolved, 0);
    assert_str(got.resolved_by, NULL);
    assert_str(got.output, NULL);
    assert_str(got.policy, NULL);
    assert_false(got.esc_started);
    assert_int_equal(got.esc_t, 0);
    assert_int_equal(got.next_due, 0);
    sw_incident_release(&got);
    assert_int_equal(db_int(t, "SELECT count(*) FROM incidents WHERE acked_s IS NULL AND "
                               "recovered_s IS NULL AND resolved_s IS NULL AND parent IS NULL "
                               "AND esc_t_s IS NULL AND next_due_s IS NULL"),
                     1);

    assert_int_equal(sw_store_incident_get(t->s, 999, &got), -ENOENT);
    assert_int_equal(sw_store_incident_events(t->s, 999, &ve, &n), 0);
    assert_int_equal(n, 0);
    sw_inc_events_free(ve, n);
}

static void test_one_open_per_service(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100), b = inc_of("acme/fra1/dns", 100);
    struct sw_inc_event ev = {.t = 100, .kind = (char *)"opened"};
    struct sw_inc_change two[2] = {{.inc = &b}, {.inc = &a}};
    int64_t id, id2;

    id = write1(t->s, &a, NULL, 0, NULL, 0, false);
    assert_int_equal(write1_err(t->s, &a, &ev, 1), -EEXIST);
    /* All or nothing: the other service's insert in the same call is gone too. */
    assert_int_equal(sw_store_incident_write(t->s, two, 2, NULL), -EEXIST);
    assert_int_equal(count(t, "incidents"), 1);
    assert_int_equal(count(t, "incident_events"), 0);

    /* Acknowledged and recovered incidents are still open. */
    a.id = id;
    a.version = 1;
    a.status = SW_INC_RECOVERED;
    write1(t->s, &a, NULL, 0, NULL, 0, false);
    a.id = 0;
    assert_int_equal(write1_err(t->s, &a, NULL, 0), -EEXIST);

    a.id = id;
    a.version = 2;
    a.status = SW_INC_RESOLVED;
    a.resolved = 200;
    write1(t->s, &a, NULL, 0, NULL, 0, false);
    a.id = 0;
    a.status = SW_INC_TRIGGERED;
    a.resolved = 0;
    a.opened = 300;
    id2 = write1(t->s, &a, NULL, 0, NULL, 0, false);
    assert_int_equal(id2, id + 1);
    /* Re-opening the old one while the new one is open breaks the rule as well. */
    a.id = id;
    a.version = 3;
    assert_int_equal(write1_err(t->s, &a, NULL, 0), -EEXIST);
    assert_int_equal(db_int(t, "SELECT status FROM incidents WHERE id = 1"), SW_INC_RESOLVED);
    assert_int_equal(db_int(t, "SELECT version FROM incidents WHERE id = 1"), 3);
}

static void test_version_guard(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100), w1, w2, got, other;
    struct sw_inc_event ev1 = {.t = 150, .kind = (char *)"acknowledged", .actor = (char *)"alice"};
    struct sw_inc_event ev2 = {.t = 151, .kind = (char *)"note", .text = (char *)"late"};
    struct sw_notification no = notif(SW_NOTIF_TRIGGER, "bob", 160);
    struct sw_store *s2 = NULL;
    struct sw_inc_change pair[2];
    int64_t id, ids[2] = {-1, -1};

    id = write1(t->s, &a, NULL, 0, &no, 1, false);
    /* The second writer has a store of its own, as the CLI in another process has. */
    assert_int_equal(sw_store_open(t->db.uri, NULL, &s2), 0);
    w1 = get(t->s, id);
    w2 = get(s2, id);
    assert_int_equal(w1.version, 1);
    assert_int_equal(w2.version, 1);

    w1.status = SW_INC_ACKNOWLEDGED;
    w1.acked = 150;
    free(w1.acked_by);
    w1.acked_by = sw_xstrdup("alice");
    write1(t->s, &w1, &ev1, 1, NULL, 0, true);

    w2.severity = 4;
    w2.status = SW_INC_RESOLVED;
    {
        struct sw_inc_change c = {&w2, &ev2, 1, &no, 1, true};
        assert_int_equal(sw_store_incident_write(s2, &c, 1, ids), -ESTALE);
        assert_int_equal(ids[0], -1);
    }
    got = get(s2, id);
    assert_int_equal(got.version, 2);
    assert_int_equal(got.status, SW_INC_ACKNOWLEDGED);
    assert_int_equal(got.severity, 2);
    assert_str(got.acked_by, "alice");
    sw_incident_release(&got);
    assert_int_equal(count(t, "incident_events"), 1);
    assert_int_equal(count(t, "notifications"), 1);
    /* the first writer's cancel_pending applied, the second's left nothing behind */
    assert_int_equal(db_int(t, "SELECT status FROM notifications"), SW_NOTIF_CANCELLED);

    /* Read again, decide again: now it goes through. */
    sw_incident_release(&w2);
    w2 = get(s2, id);
    w2.severity = 4;
    {
        struct sw_inc_change c = {&w2, &ev2, 1, NULL, 0, false};
        assert_int_equal(sw_store_incident_write(s2, &c, 1, ids), 0);
        assert_int_equal(ids[0], id);
    }
    got = get(t->s, id);
    assert_int_equal(got.version, 3);
    assert_int_equal(got.severity, 4);
    sw_incident_release(&got);

    /* A stale change late in a call undoes the good ones before it. */
    other = inc_of("acme/fra1/dns", 200);
    w1.severity = 3; /* w1 still says version 2 */
    pair[0] = (struct sw_inc_change){.inc = &other, .events = &ev2, .n_events = 1};
    pair[1] = (struct sw_inc_change){.inc = &w1, .events = &ev1, .n_events = 1};
    assert_int_equal(sw_store_incident_write(t->s, pair, 2, NULL), -ESTALE);
    assert_int_equal(count(t, "incidents"), 1);
    assert_int_equal(count(t, "incident_events"), 2);

    /* A row that does not exist is stale too. */
    w1.id = 999;
    assert_int_equal(write1_err(t->s, &w1, NULL, 0), -ESTALE);

    sw_incident_release(&w1);
    sw_incident_release(&w2);
    sw_store_free(s2);
}

static void test_parent_backref(void **state)
{
    struct tx *t = *state;
    struct sw_incident p = inc_of("acme/fra1/network", 100), c1 = inc_of("acme/fra1/dns", 101),
                       c2 = inc_of("acme/fra1/identity", 102), x, got;
    struct sw_inc_change v[3] = {{.inc = &p}, {.inc = &c1}, {.inc = &c2}};
    int64_t ids[3] = {0, 0, 0}, old;

    /* c2 exists already and is attached to the new parent in the same call. */
    old = write1(t->s, &c2, NULL, 0, NULL, 0, false);
    c2.id = old;
    c2.version = 1;
    c1.parent = -1;
    c2.parent = -1;
    assert_int_equal(sw_store_incident_write(t->s, v, 3, ids), 0);
    assert_int_equal(ids[0], old + 1);
    assert_int_equal(ids[1], old + 2);
    assert_int_equal(ids[2], old);
    got = get(t->s, ids[1]);
    assert_int_equal(got.parent, ids[0]);
    sw_incident_release(&got);
    got = get(t->s, old);
    assert_int_equal(got.parent, ids[0]);
    assert_int_equal(got.version, 2);
    sw_incident_release(&got);
    got = get(t->s, ids[0]);
    assert_int_equal(got.parent, 0);
    sw_incident_release(&got);

    /* A back-reference must name an insert earlier in the call. */
    x = inc_of("beta/ams1/a", 5);
    x.parent = -1;
    assert_int_equal(write1_err(t->s, &x, NULL, 0), -EINVAL); /* itself */
    c2.version = 2;
    c2.parent = 0;
    v[0] = (struct sw_inc_change){.inc = &c2};
    v[1] = (struct sw_inc_change){.inc = &x};
    assert_int_equal(sw_store_incident_write(t->s, v, 2, NULL), -EINVAL); /* an update */
    x.parent = -3;
    v[0] = (struct sw_inc_change){.inc = &x};
    assert_int_equal(sw_store_incident_write(t->s, v, 1, NULL), -EINVAL); /* beyond */
    /* A positive parent must exist. */
    x.parent = 999;
    assert_int_equal(write1_err(t->s, &x, NULL, 0), -EINVAL);
    x.parent = ids[0];
    assert_true(write1(t->s, &x, NULL, 0, NULL, 0, false) > 0);
    assert_int_equal(count(t, "incidents"), 4);
}

static void test_cancel_pending(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100), b = inc_of("acme/fra1/dns", 100);
    struct sw_notification no[4] = {
        notif(SW_NOTIF_TRIGGER, "alice", 100),
        notif(SW_NOTIF_TRIGGER, "bob", 100),
        notif(SW_NOTIF_RESOLVED, "carol", 100),
        notif(SW_NOTIF_TRIGGER, "dave", 100),
    };
    struct sw_notif_outcome sent = {.status = SW_NOTIF_SENT, .t = 110};
    struct sw_notification *v = NULL;
    size_t n = 0;
    int64_t ia, ib;

    ia = write1(t->s, &a, NULL, 0, no, 4, false);
    ib = write1(t->s, &b, NULL, 0, no, 1, false);
    sent.id = 4; /* dave's went out */
    assert_int_equal(sw_store_notif_record(t->s, &sent, 1, NULL, 0), 0);

    a.id = ia;
    a.version = 1;
    a.esc_round = 1;
    no[0].engineer = (char *)"erin";
    no[0].round = 1;
    write1(t->s, &a, NULL, 0, no, 1, true);
    assert_int_equal(sw_store_incident_notifications(t->s, ia, &v, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(v[0].status, SW_NOTIF_CANCELLED);
    assert_int_equal(v[1].status, SW_NOTIF_CANCELLED);
    assert_int_equal(v[2].status, SW_NOTIF_PENDING); /* a RESOLVED notice is not cancelled */
    assert_int_equal(v[3].status, SW_NOTIF_SENT);
    assert_str(v[4].engineer, "erin"); /* queued after the cancelling */
    assert_int_equal(v[4].round, 1);
    assert_int_equal(v[4].status, SW_NOTIF_PENDING);
    sw_notifications_free(v, n);
    assert_int_equal(sw_store_incident_notifications(t->s, ib, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].status, SW_NOTIF_PENDING); /* another incident's: untouched */
    sw_notifications_free(v, n);
}

/* Incidents for the list and last tests: ids 1..6 in this order. */
static void seed_list(struct tx *t)
{
    static const struct {
        const char *service;
        int64_t opened;
        int64_t resolved;
    } rows[] = {
        {"acme/fra1/identity", 1000, 1500}, {"acme/fra1/identity", 2000, 2500},
        {"acme/fra1/dns", 3000, 0},         {"beta/ams1/identity", 1000, 0},
        {"acme/fra1/identity", 4000, 0},    {"beta/ams1/dns", 2000, 2100},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sw_incident inc = inc_of(rows[i].service, rows[i].opened);
        if (rows[i].resolved) {
            inc.status = SW_INC_RESOLVED;
            inc.resolved = rows[i].resolved;
        }
        assert_int_equal(write1(t->s, &inc, NULL, 0, NULL, 0, false), (int64_t)i + 1);
    }
}

/* The ids f selects, as "1,2,3". */
static char *list_ids(struct sw_store *s, const struct sw_inc_filter *f)
{
    struct sw_incident *v = NULL;
    struct sw_buf b;
    size_t n = 99;

    assert_int_equal(sw_store_incident_list(s, f, &v, &n), 0);
    sw_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        sw_buf_printf(&b, "%s%lld", i ? "," : "", (long long)v[i].id);
    }
    sw_incidents_free(v, n);
    return sw_buf_steal(&b);
}

static void expect_list(struct sw_store *s, const struct sw_inc_filter *f, const char *want)
{
    char *got = list_ids(s, f);

    assert_string_equal(got, want);
    free(got);
}

static void test_list_filters(void **state)
{
    struct tx *t = *state;
    struct sw_incident *v = NULL;
    size_t n = 0;

    seed_list(t);
    expect_list(t->s, &(struct sw_inc_filter){0}, "1,4,2,6,3,5");
    expect_list(t->s, NULL, "1,4,2,6,3,5");
    expect_list(t->s, &(struct sw_inc_filter){.newest_first = true}, "5,3,6,2,4,1");
    expect_list(t->s, &(struct sw_inc_filter){.open_only = true}, "4,3,5");
    expect_list(t->s, &(struct sw_inc_filter){.service = "acme/fra1/identity"}, "1,2,5");
    expect_list(t->s, &(struct sw_inc_filter){.service = "acme/fra1/ident"}, "");
    expect_list(t->s, &(struct sw_inc_filter){.customer = "beta"}, "4,6");
    expect_list(t->s, &(struct sw_inc_filter){.opened_from = 2000}, "2,6,3,5");
    expect_list(t->s, &(struct sw_inc_filter){.opened_to = 2000}, "1,4");
    expect_list(t->s, &(struct sw_inc_filter){.opened_from = 2000, .opened_to = 3001}, "2,6,3");
    expect_list(t->s, &(struct sw_inc_filter){.limit = 2}, "1,4");
    expect_list(t->s, &(struct sw_inc_filter){.limit = 2, .newest_first = true}, "5,3");
    expect_list(
        t->s,
        &(struct sw_inc_filter){
            .open_only = true, .customer = "acme", .opened_from = 1000, .newest_first = true},
        "5,3");
    expect_list(
        t->s,
        &(struct sw_inc_filter){
            .service = "acme/fra1/identity", .customer = "acme", .opened_to = 4000, .limit = 1},
        "1");
    expect_list(t->s, &(struct sw_inc_filter){.limit = SW_STORE_INCIDENTS_MAX}, "1,4,2,6,3,5");
    assert_int_equal(
        sw_store_incident_list(t->s, &(struct sw_inc_filter){.limit = SW_STORE_INCIDENTS_MAX + 1},
                               &v, &n),
        -EINVAL);
}

static void test_last(void **state)
{
    struct tx *t = *state;
    struct sw_incident got, inc;

    assert_int_equal(sw_store_incident_last(t->s, "acme/fra1/identity", &got), -ENOENT);
    assert_int_equal(sw_store_incident_last(t->s, NULL, &got), -EINVAL);
    seed_list(t);
    got = (struct sw_incident){0};
    assert_int_equal(sw_store_incident_last(t->s, "acme/fra1/identity", &got), 0);
    assert_int_equal(got.id, 5); /* the open one */
    sw_incident_release(&got);
    assert_int_equal(sw_store_incident_last(t->s, "beta/ams1/dns", &got), 0);
    assert_int_equal(got.id, 6);
    sw_incident_release(&got);
    assert_int_equal(sw_store_incident_last(t->s, "zeta/x/y", &got), -ENOENT);

    /* Resolve 5: now the one resolved last, which is 5 (4200) rather than 2 (2500). */
    inc = get(t->s, 5);
    inc.status = SW_INC_RESOLVED;
    inc.resolved = 4200;
    write1(t->s, &inc, NULL, 0, NULL, 0, false);
    sw_incident_release(&inc);
    assert_int_equal(sw_store_incident_last(t->s, "acme/fra1/identity", &got), 0);
    assert_int_equal(got.id, 5);
    assert_int_equal(got.status, SW_INC_RESOLVED);
    sw_incident_release(&got);
    /* 2 resolved again later (a correction): it is now the last resolved. */
    inc = get(t->s, 2);
    inc.resolved = 5000;
    write1(t->s, &inc, NULL, 0, NULL, 0, false);
    sw_incident_release(&inc);
    assert_int_equal(sw_store_incident_last(t->s, "acme/fra1/identity", &got), 0);
    assert_int_equal(got.id, 2);
    sw_incident_release(&got);
}

static void test_events(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100), b = inc_of("acme/fra1/dns", 100);
    struct sw_inc_event ev[3] = {
        {.t = 30, .kind = (char *)"note", .text = (char *)"c"},
        {.t = 10, .kind = (char *)"note", .text = (char *)"a"},
        {.t = 10, .kind = (char *)"note", .text = (char *)"b"},
    };
    struct sw_inc_event *v = NULL;
    size_t n = 0;
    int64_t ia, ib;

    ia = write1(t->s, &a, ev, 1, NULL, 0, false);
    ib = write1(t->s, &b, NULL, 0, NULL, 0, false);
    ev[1].incident = ia;
    ev[2].incident = ia;
    assert_int_equal(sw_store_incident_log(t->s, &ev[1], 2), 0);
    ev[0].incident = ib;
    ev[0].text = (char *)"other";
    assert_int_equal(sw_store_incident_log(t->s, ev, 1), 0);
    assert_int_equal(sw_store_incident_events(t->s, ia, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_str(v[0].text, "a");
    assert_str(v[1].text, "b");
    assert_str(v[2].text, "c");
    assert_true(v[0].id < v[1].id);
    assert_int_equal(v[0].incident, ia);
    sw_inc_events_free(v, n);
    assert_int_equal(sw_store_incident_events(t->s, ib, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_str(v[0].text, "other");
    sw_inc_events_free(v, n);

    /* No such incident: nothing of the call is applied. */
    ev[0].incident = 999;
    ev[1].incident = ia;
    assert_int_equal(sw_store_incident_log(t->s, ev, 2), -ENOENT);
    ev[0].incident = ia;
    ev[1].kind = NULL;
    assert_int_equal(sw_store_incident_log(t->s, ev, 2), -EINVAL);
    assert_int_equal(sw_store_incident_log(t->s, NULL, 0), 0);
    assert_int_equal(count(t, "incident_events"), 4);
}

static int64_t next_due(struct sw_store *s)
{
    int64_t t = -1;

    assert_int_equal(sw_store_notif_next_due(s, &t), 0);
    return t;
}

static void test_notif_due(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100), b = inc_of("acme/fra1/dns", 100);
    struct sw_notification na[2] = {notif(SW_NOTIF_TRIGGER, "a1", 100),
                                    notif(SW_NOTIF_TRIGGER, "a2", 50)};
    struct sw_notification nb[2] = {notif(SW_NOTIF_TRIGGER, "b1", 300),
                                    notif(SW_NOTIF_RESOLVED, "b2", 50)};
    struct sw_notif_outcome o[3] = {
        {.id = 2, .status = SW_NOTIF_SENT, .t = 60},
        {.id = 4, .status = SW_NOTIF_PENDING, .due = 400, .error = "timeout", .t = 60},
        {.id = 1, .status = SW_NOTIF_FAILED, .error = "refused", .t = 110},
    };
    struct sw_notification *v = NULL;
    size_t n = 0;

    assert_int_equal(next_due(t->s), 0);
    write1(t->s, &a, NULL, 0, na, 2, false); /* ids 1, 2 */
    write1(t->s, &b, NULL, 0, nb, 2, false); /* ids 3, 4 */
    assert_int_equal(next_due(t->s), 50);

    assert_int_equal(sw_store_notif_due(t->s, 100, 10, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].id, 2);
    assert_int_equal(v[1].id, 4);
    assert_int_equal(v[2].id, 1);
    assert_str(v[1].engineer, "b2");
    assert_int_equal(v[1].incident, 2);
    sw_notifications_free(v, n);
    assert_int_equal(sw_store_notif_due(t->s, 100, 2, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[1].id, 4);
    sw_notifications_free(v, n);
    assert_int_equal(sw_store_notif_due(t->s, 49, 10, &v, &n), 0);
    assert_int_equal(n, 0);
    sw_notifications_free(v, n);
    assert_int_equal(sw_store_notif_due(t->s, 100, 0, &v, &n), -EINVAL);
    assert_int_equal(sw_store_notif_due(t->s, 100, 10001, &v, &n), -EINVAL);
    assert_int_equal(sw_store_notif_due(t->s, 100, 10000, &v, &n), 0);
    assert_int_equal(n, 3);
    sw_notifications_free(v, n);

    assert_int_equal(sw_store_notif_record(t->s, o, 2, NULL, 0), 0);
    assert_int_equal(next_due(t->s), 100);
    assert_int_equal(sw_store_notif_due(t->s, 1000, 10, &v, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].id, 1);
    assert_int_equal(v[1].id, 3);
    assert_int_equal(v[2].id, 4);
    sw_notifications_free(v, n);
    assert_int_equal(sw_store_notif_record(t->s, &o[2], 1, NULL, 0), 0);
    assert_int_equal(next_due(t->s), 300);
}

static void notif_release(struct sw_notification *m)
{
    free(m->engineer);
    free(m->channel);
    free(m->address);
    free(m->deployment);
    free(m->error);
}

static struct sw_notification notif_get(struct sw_store *s, int64_t incident, size_t i)
{
    struct sw_notification *v = NULL, m;
    size_t n = 0;

    assert_int_equal(sw_store_incident_notifications(s, incident, &v, &n), 0);
    assert_true(i < n);
    m = v[i];
    memset(&v[i], 0, sizeof(v[i]));
    sw_notifications_free(v, n);
    return m;
}

static void test_notif_record(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100);
    struct sw_notification no[5] = {
        notif(SW_NOTIF_TRIGGER, "n1", 100), notif(SW_NOTIF_TRIGGER, "n2", 100),
        notif(SW_NOTIF_TRIGGER, "n3", 100), notif(SW_NOTIF_TRIGGER, "n4", 100),
        notif(SW_NOTIF_TRIGGER, "n5", 100),
    };
    struct sw_notif_outcome o[3] = {
        {.id = 1, .status = SW_NOTIF_SENT, .t = 105},
        {.id = 2, .status = SW_NOTIF_FAILED, .error = "550 no such user", .t = 106},
        {.id = 3, .status = SW_NOTIF_PENDING, .due = 160, .error = "timeout", .t = 107},
    };
    struct sw_inc_event ev[2] = {
        {.t = 105, .kind = (char *)"notified", .actor = (char *)"n1"},
        {.t = 106, .kind = (char *)"delivery-failed", .text = (char *)"550"},
    };
    struct sw_inc_event *ve = NULL;
    struct sw_notification m;
    size_t n = 0;
    int64_t id;

    id = write1(t->s, &a, NULL, 0, no, 5, false);
    ev[0].incident = ev[1].incident = id;
    assert_int_equal(sw_store_notif_record(t->s, o, 3, ev, 2), 0);

    m = notif_get(t->s, id, 0);
    assert_int_equal(m.status, SW_NOTIF_SENT);
    assert_int_equal(m.attempts, 1);
    assert_int_equal(m.sent, 105);
    assert_int_equal(m.due, 100);
    assert_str(m.error, NULL);
    notif_release(&m);
    m = notif_get(t->s, id, 1);
    assert_int_equal(m.status, SW_NOTIF_FAILED);
    assert_int_equal(m.attempts, 1);
    assert_int_equal(m.sent, 0);
    assert_str(m.error, "550 no such user");
    notif_release(&m);
    m = notif_get(t->s, id, 2);
    assert_int_equal(m.status, SW_NOTIF_PENDING);
    assert_int_equal(m.attempts, 1);
    assert_int_equal(m.due, 160);
    assert_str(m.error, "timeout");
    notif_release(&m);

    /* The retry goes out the second time. */
    o[2] = (struct sw_notif_outcome){.id = 3, .status = SW_NOTIF_SENT, .t = 161};
    assert_int_equal(sw_store_notif_record(t->s, &o[2], 1, NULL, 0), 0);
    assert_int_equal(db_int(t, "SELECT attempts * 1000 + status FROM notifications WHERE id = 3"),
                     2001);
    assert_int_equal(db_int(t, "SELECT sent_s FROM notifications WHERE id = 3"), 161);
    assert_int_equal(db_int(t, "SELECT error IS NULL FROM notifications WHERE id = 3"), 1);

    /* Cancelled while being sent: a failure or a retry keeps it cancelled, a success not. */
    a.id = id;
    a.version = 1;
    a.status = SW_INC_ACKNOWLEDGED;
    write1(t->s, &a, NULL, 0, NULL, 0, true);
    o[0] = (struct sw_notif_outcome){.id = 4, .status = SW_NOTIF_FAILED, .error = "x", .t = 170};
    o[1] = (struct sw_notif_outcome){.id = 5, .status = SW_NOTIF_PENDING, .due = 200, .t = 170};
    assert_int_equal(sw_store_notif_record(t->s, o, 2, NULL, 0), 0);
    assert_int_equal(db_int(t, "SELECT attempts * 1000 + status FROM notifications WHERE id = 4"),
                     1000 + SW_NOTIF_CANCELLED);
    assert_int_equal(db_int(t, "SELECT attempts * 1000 + status FROM notifications WHERE id = 5"),
                     1000 + SW_NOTIF_CANCELLED);
    o[0] = (struct sw_notif_outcome){.id = 5, .status = SW_NOTIF_SENT, .t = 171};
    assert_int_equal(sw_store_notif_record(t->s, o, 1, NULL, 0), 0);
    assert_int_equal(db_int(t, "SELECT attempts * 1000 + status FROM notifications WHERE id = 5"),
                     2000 + SW_NOTIF_SENT);
    assert_int_equal(db_int(t, "SELECT sent_s FROM notifications WHERE id = 5"), 171);

    /* All or nothing: an unknown notification undoes the known one and the events. */
    o[0] = (struct sw_notif_outcome){.id = 2, .status = SW_NOTIF_SENT, .t = 180};
    o[1] = (struct sw_notif_outcome){.id = 99, .status = SW_NOTIF_SENT, .t = 180};
    assert_int_equal(sw_store_notif_record(t->s, o, 2, ev, 1), -ENOENT);
    assert_int_equal(db_int(t, "SELECT attempts * 1000 + status FROM notifications WHERE id = 2"),
                     1000 + SW_NOTIF_FAILED);
    o[1] = (struct sw_notif_outcome){.id = 2, .status = SW_NOTIF_CANCELLED, .t = 180};
    assert_int_equal(sw_store_notif_record(t->s, o, 2, NULL, 0), -EINVAL);
    assert_int_equal(sw_store_notif_record(t->s, NULL, 0, NULL, 0), 0);

    assert_int_equal(sw_store_incident_events(t->s, id, &ve, &n), 0);
    assert_int_equal(n, 2);
    assert_str(ve[0].kind, "notified");
    assert_str(ve[1].kind, "delivery-failed");
    sw_inc_events_free(ve, n);
}

static void test_invalid(void **state)
{
    struct tx *t = *state;
    struct sw_incident ok = inc_of("acme/fra1/identity", 100), x;
    struct sw_inc_event ev = {.t = 1, .kind = (char *)"note"};
    struct sw_notification no = notif(SW_NOTIF_TRIGGER, "alice", 100);
    struct sw_inc_change c = {0};

#define EXPECT_BAD(field, value)                                                                   \
    do {                                                                                           \
        x = ok;                                                                                    \
        x.field = value;                                                                           \
        assert_int_equal(write1_err(t->s, &x, NULL, 0), -EINVAL);                                  \
    } while (0)
    EXPECT_BAD(severity, 0);
    EXPECT_BAD(severity, 5);
    EXPECT_BAD(status, (enum sw_inc_status)4);
    EXPECT_BAD(status, (enum sw_inc_status) - 1);
    EXPECT_BAD(state, (enum sw_state)4);
    EXPECT_BAD(state, (enum sw_state) - 1);
    EXPECT_BAD(kind, (enum sw_inc_kind)3);
    EXPECT_BAD(service, NULL);
    EXPECT_BAD(customer, NULL);
    EXPECT_BAD(deployment, NULL);
    EXPECT_BAD(title, NULL);
    EXPECT_BAD(reopened, -1);
    EXPECT_BAD(id, -5);
#undef EXPECT_BAD
    x = ok;
    x.id = 1;
    x.version = 0; /* an update names the version it read */
    assert_int_equal(write1_err(t->s, &x, NULL, 0), -EINVAL);

    ev.kind = NULL;
    assert_int_equal(write1_err(t->s, &ok, &ev, 1), -EINVAL);
    assert_int_equal(write1_err(t->s, &ok, NULL, 1), -EINVAL);
    c.inc = &ok;
    c.notifs = &no;
    c.n_notifs = 1;
    no.channel = NULL;
    assert_int_equal(sw_store_incident_write(t->s, &c, 1, NULL), -EINVAL);
    no.channel = (char *)"email";
    no.kind = (enum sw_notif_kind)2;
    assert_int_equal(sw_store_incident_write(t->s, &c, 1, NULL), -EINVAL);
    c.notifs = NULL;
    assert_int_equal(sw_store_incident_write(t->s, &c, 1, NULL), -EINVAL);
    c.inc = NULL;
    assert_int_equal(sw_store_incident_write(t->s, &c, 1, NULL), -EINVAL);
    assert_int_equal(sw_store_incident_write(t->s, NULL, 1, NULL), -EINVAL);
    assert_int_equal(sw_store_incident_write(t->s, NULL, 0, NULL), 0);

    /* A bad change late in a call stops the good ones before it. */
    {
        struct sw_inc_change two[2] = {{.inc = &ok}, {.inc = &x}};
        x = ok;
        x.service = (char *)"acme/fra1/dns";
        x.severity = 9;
        assert_int_equal(sw_store_incident_write(t->s, two, 2, NULL), -EINVAL);
    }
    assert_int_equal(count(t, "incidents"), 0);
    assert_int_equal(count(t, "incident_events"), 0);
    assert_int_equal(count(t, "notifications"), 0);
}

static void test_durable_across_reopen(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100), got;
    struct sw_inc_event ev = {.t = 100, .kind = (char *)"opened"};
    struct sw_notification no[2] = {notif(SW_NOTIF_TRIGGER, "alice", 100),
                                    notif(SW_NOTIF_TRIGGER, "bob", 700)};
    struct sw_notif_outcome o = {.id = 1, .status = SW_NOTIF_SENT, .t = 101};
    struct sw_inc_event *ve = NULL;
    struct sw_notification *vn = NULL;
    size_t n = 0;
    int64_t id;

    a.policy = (char *)"platform";
    id = write1(t->s, &a, &ev, 1, no, 2, false);
    assert_int_equal(sw_store_notif_record(t->s, &o, 1, NULL, 0), 0);
    a.id = id;
    a.version = 1;
    a.status = SW_INC_ACKNOWLEDGED;
    a.acked = 150;
    write1(t->s, &a, &ev, 1, NULL, 0, false);

    reopen(t);
    got = get(t->s, id);
    assert_int_equal(got.version, 2);
    assert_int_equal(got.status, SW_INC_ACKNOWLEDGED);
    assert_int_equal(got.acked, 150);
    assert_str(got.policy, "platform");
    sw_incident_release(&got);
    assert_int_equal(sw_store_incident_events(t->s, id, &ve, &n), 0);
    assert_int_equal(n, 2);
    sw_inc_events_free(ve, n);
    assert_int_equal(sw_store_incident_notifications(t->s, id, &vn, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(vn[0].status, SW_NOTIF_SENT);
    assert_int_equal(vn[0].sent, 101);
    assert_int_equal(vn[1].status, SW_NOTIF_PENDING);
    sw_notifications_free(vn, n);
    assert_int_equal(next_due(t->s), 700);
    /* the rule of one open incident per service holds across the restart */
    a.id = 0;
    assert_int_equal(write1_err(t->s, &a, NULL, 0), -EEXIST);
    /* and ids are never reused */
    a.service = (char *)"acme/fra1/dns";
    assert_int_equal(write1(t->s, &a, NULL, 0, NULL, 0, false), id + 1);
}

struct bumper {
    struct sw_store *s;
    int64_t id;
    int stale; /* -ESTALE seen */
};

/* Read, change, write back; on -ESTALE read again: 25 times. */
static void *bump(void *arg)
{
    struct bumper *b = arg;
    struct sw_inc_event ev = {.t = 1, .kind = (char *)"note"};

    for (int done = 0; done < 25;) {
        struct sw_incident inc;
        struct sw_inc_change c = {.inc = &inc, .events = &ev, .n_events = 1};
        int r;
        if (sw_store_incident_get(b->s, b->id, &inc) != 0) {
            break;
        }
        inc.reopened++;
        r = sw_store_incident_write(b->s, &c, 1, NULL);
        sw_incident_release(&inc);
        if (r == -ESTALE) {
            b->stale++;
        } else if (r == 0) {
            done++;
        } else {
            break;
        }
    }
    return NULL;
}

/* Four writers, two per store (as two processes would have), change one incident at once:
 * no change is lost, none applied twice. */
static void test_concurrent_writers(void **state)
{
    struct tx *t = *state;
    struct sw_incident a = inc_of("acme/fra1/identity", 100), got;
    struct sw_store *s2 = NULL;
    struct bumper b[4];
    pthread_t th[4];
    int64_t id = write1(t->s, &a, NULL, 0, NULL, 0, false);

    assert_int_equal(sw_store_open(t->db.uri, NULL, &s2), 0);
    for (int i = 0; i < 4; i++) {
        b[i] = (struct bumper){i % 2 ? s2 : t->s, id, 0};
        assert_int_equal(pthread_create(&th[i], NULL, bump, &b[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
    }
    got = get(t->s, id);
    assert_int_equal(got.reopened, 100);
    assert_int_equal(got.version, 101);
    sw_incident_release(&got);
    assert_int_equal(count(t, "incident_events"), 100);
    sw_store_free(s2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test_setup_teardown(test_schema, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_one_open_per_service, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_version_guard, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_parent_backref, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_pending, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_last, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_events, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_notif_due, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_notif_record, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_invalid, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_durable_across_reopen, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, tx_setup, tx_teardown),
    };

    sw_log_set_level(SW_LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
