/* SPDX-License-Identifier: Apache-2.0 */
/* test_cases.c: unit tests of the support-case and change part of src/store (cases, their
 * events, changes) against a fresh database per test (testdb.h): an SQLite file, or under
 * tests/pgtmp.sh a fresh schema of a real PostgreSQL. */
#include <errno.h>
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

struct cx {
    struct testdb db;
    struct sw_store *s;
};

static void cx_open(struct cx *c)
{
    sw_store_free(c->s);
    c->s = NULL;
    c->s = testdb_open(&c->db);
}

static int cx_setup(void **state)
{
    struct cx *c = sw_xcalloc(1, sizeof(*c));

    testdb_init(&c->db, "cases.db");
    cx_open(c);
    *state = c;
    return 0;
}

static int cx_teardown(void **state)
{
    struct cx *c = *state;

    sw_store_free(c->s);
    testdb_release(&c->db);
    free(c);
    return 0;
}

/* One integer read from the database on a connection of the test's own. */
static int64_t sql1(struct cx *c, const char *sql)
{
    return testdb_int(&c->db, sql);
}

static void str_eq(const char *got, const char *want)
{
    if (want) {
        assert_non_null(got);
        assert_string_equal(got, want);
    } else {
        assert_null(got);
    }
}

/* A new case of customer, created at t, with the other fields at their zero. */
static struct sw_case_row case_of(const char *customer, int64_t t)
{
    struct sw_case_row c = {0};

    c.customer = (char *)customer;
    c.title = (char *)"Login fails";
    c.opened_by = (char *)"alice";
    c.severity = 3;
    c.status = 0;
    c.created = t;
    c.last_event = t;
    return c;
}

static struct sw_case_event_row ev_of(int64_t t, int kind, int status, const char *text)
{
    struct sw_case_event_row e = {0};

    e.t = t;
    e.kind = kind;
    e.status = status;
    e.author = (char *)"alice";
    e.text = (char *)text;
    return e;
}

static int64_t put(struct sw_store *s, const struct sw_case_row *c,
                   const struct sw_case_event_row *ev, size_t n)
{
    int64_t id = -1;

    assert_int_equal(sw_store_case_write(s, c, ev, n, &id), 0);
    assert_true(id > 0);
    return id;
}

static struct sw_case_row get(struct sw_store *s, int64_t id)
{
    struct sw_case_row c;

    assert_int_equal(sw_store_case_get(s, id, &c), 0);
    return c;
}

/* An incident of service, for cases to name. */
static int64_t incident(struct sw_store *s, const char *service)
{
    struct sw_incident inc = {0};
    struct sw_inc_change ch = {0};
    int64_t id = 0;

    inc.service = (char *)service;
    inc.customer = (char *)"acme";
    inc.deployment = (char *)"acme/fra1";
    inc.title = (char *)"CRITICAL";
    inc.severity = 2;
    inc.state = SW_CRITICAL;
    inc.since = inc.opened = 1000;
    ch.inc = &inc;
    assert_int_equal(sw_store_incident_write(s, &ch, 1, &id), 0);
    return id;
}

static void test_schema(void **state)
{
    struct cx *c = *state;

    assert_int_equal(sql1(c, "SELECT max(version) FROM schema_migrations"), testdb_version(&c->db));
    assert_int_equal(testdb_count_named(&c->db, "'cases', 'case_events', 'changes', "
                                                "'cases_customer', 'cases_status', "
                                                "'cases_created', 'cases_incident', "
                                                "'case_events_case', 'changes_started', "
                                                "'changes_deployment'"),
                     10);
}

static void test_case_roundtrip(void **state)
{
    struct cx *c = *state;
    int64_t inc = incident(c->s, "acme/fra1/identity");
    struct sw_case_row a = {
        .id = 0,
        .version = 42, /* ignored at insert */
        .customer = (char *)"acme",
        .deployment = (char *)"acme/fra1",
        .service = (char *)"acme/fra1/identity",
        .severity = 1,
        .title = (char *)"Keystone returns 503",
        .description = (char *)"Since 09:00 every login fails.",
        .status = 2,
        .assignee = (char *)"bob",
        .opened_by = (char *)"customer",
        .created = 1700000000,
        .last_event = 1700000500,
        .incident = inc,
        .reopened = 3,
    };
    struct sw_case_event_row ev[3] = {
        ev_of(1700000000, 0, 0, NULL),
        ev_of(1700000100, 100, -1, "bob"),
        ev_of(1700000500, 101, -1, "INC-1"),
    };
    struct sw_case_event_row *ve = NULL;
    struct sw_case_row got;
    size_t n = 0;
    int64_t id;

    ev[0].id = 77; /* assigned by the store: ignored */
    ev[0].case_id = 99;
    ev[0].author = (char *)"customer";
    id = put(c->s, &a, ev, 3);

    got = get(c->s, id);
    assert_int_equal(got.id, id);
    assert_int_equal(got.version, 1);
    str_eq(got.customer, "acme");
    str_eq(got.deployment, "acme/fra1");
    str_eq(got.service, "acme/fra1/identity");
    assert_int_equal(got.severity, 1);
    str_eq(got.title, "Keystone returns 503");
    str_eq(got.description, "Since 09:00 every login fails.");
    assert_int_equal(got.status, 2);
    str_eq(got.assignee, "bob");
    str_eq(got.opened_by, "customer");
    assert_int_equal(got.created, 1700000000);
    assert_int_equal(got.last_event, 1700000500);
    assert_int_equal(got.incident, inc);
    assert_int_equal(got.reopened, 3);
    sw_case_row_release(&got);
    assert_null(got.customer);
    assert_null(got.opened_by);
    sw_case_row_release(&got); /* twice is harmless */
    sw_case_row_release(NULL);

    assert_int_equal(sw_store_case_events(c->s, id, &ve, &n), 0);
    assert_int_equal(n, 3);
    assert_true(ve[0].id > 0 && ve[0].id != 77);
    assert_int_equal(ve[0].case_id, id);
    assert_int_equal(ve[0].t, 1700000000);
    assert_int_equal(ve[0].kind, 0);
    assert_int_equal(ve[0].status, 0);
    str_eq(ve[0].author, "customer");
    str_eq(ve[0].text, NULL);
    assert_int_equal(ve[1].id, ve[0].id + 1);
    assert_int_equal(ve[1].case_id, id);
    assert_int_equal(ve[1].t, 1700000100);
    assert_int_equal(ve[1].kind, SW_CASE_EV_ASSIGN);
    assert_int_equal(ve[1].status, -1);
    str_eq(ve[1].author, "alice");
    str_eq(ve[1].text, "bob");
    assert_int_equal(ve[2].id, ve[0].id + 2);
    assert_int_equal(ve[2].kind, SW_CASE_EV_LINK);
    str_eq(ve[2].text, "INC-1");
    sw_case_event_rows_free(ve, n);

    /* The optional fields absent: NULL in the file, NULL and 0 read back. */
    a = case_of("beta", 1700001000);
    id = put(c->s, &a, NULL, 0);
    assert_int_equal(sql1(c, "SELECT count(*) FROM cases WHERE incident IS NULL AND "
                             "deployment IS NULL AND service IS NULL AND description IS NULL "
                             "AND assignee IS NULL"),
                     1);
    got = get(c->s, id);
    assert_int_equal(got.version, 1);
    str_eq(got.customer, "beta");
    str_eq(got.deployment, NULL);
    str_eq(got.service, NULL);
    str_eq(got.description, NULL);
    str_eq(got.assignee, NULL);
    assert_int_equal(got.incident, 0);
    assert_int_equal(got.reopened, 0);
    sw_case_row_release(&got);
    assert_int_equal(sw_store_case_events(c->s, id, &ve, &n), 0);
    assert_int_equal(n, 0);
    assert_null(ve);

    assert_int_equal(sw_store_case_get(c->s, 9999, &got), -ENOENT);
    assert_int_equal(sw_store_case_write(c->s, &a, NULL, 0, NULL), 0); /* ret_id may be NULL */
    assert_int_equal(sql1(c, "SELECT count(*) FROM cases"), 3);
}

static void test_case_version_guard(void **state)
{
    struct cx *c = *state;
    struct sw_case_row a = case_of("acme", 1000), got;
    struct sw_case_event_row ev[2] = {ev_of(1100, 1, 1, NULL), ev_of(1200, 2, -1, "on it")};
    int64_t id = put(c->s, &a, NULL, 0), id2 = -1;

    /* Read at version 1, change, write back: version 2. */
    got = get(c->s, id);
    got.status = 1;
    got.last_event = 1100;
    assert_int_equal(sw_store_case_write(c->s, &got, ev, 1, &id2), 0);
    assert_int_equal(id2, id);
    sw_case_row_release(&got);
    got = get(c->s, id);
    assert_int_equal(got.version, 2);
    assert_int_equal(got.status, 1);
    assert_int_equal(got.last_event, 1100);
    sw_case_row_release(&got);

    /* A second writer still holding version 1: refused, and nothing of it applied. */
    a.id = id;
    a.version = 1;
    a.status = 4;
    a.title = (char *)"changed";
    id2 = -1;
    assert_int_equal(sw_store_case_write(c->s, &a, ev + 1, 1, &id2), -ESTALE);
    assert_int_equal(id2, -1);
    got = get(c->s, id);
    assert_int_equal(got.version, 2);
    assert_int_equal(got.status, 1);
    str_eq(got.title, "Login fails");
    sw_case_row_release(&got);
    assert_int_equal(sql1(c, "SELECT count(*) FROM case_events"), 1);

    /* With the version it reads now it goes through. */
    a.version = 2;
    assert_int_equal(sw_store_case_write(c->s, &a, ev + 1, 1, NULL), 0);
    got = get(c->s, id);
    assert_int_equal(got.version, 3);
    assert_int_equal(got.status, 4);
    str_eq(got.title, "changed");
    sw_case_row_release(&got);
    assert_int_equal(sql1(c, "SELECT count(*) FROM case_events"), 2);

    /* A case that does not exist is stale too. */
    a.id = id + 100;
    assert_int_equal(sw_store_case_write(c->s, &a, ev, 1, NULL), -ESTALE);
    assert_int_equal(sql1(c, "SELECT count(*) FROM cases"), 1);
    assert_int_equal(sql1(c, "SELECT count(*) FROM case_events"), 2);
}

static void test_case_incident(void **state)
{
    struct cx *c = *state;
    int64_t i1 = incident(c->s, "acme/fra1/identity"), i2 = incident(c->s, "acme/fra1/compute");
    struct sw_case_row a = case_of("acme", 1000), b = case_of("acme", 1001), got;
    struct sw_case_event_row ev = ev_of(1001, 0, 0, NULL);
    int64_t id, id2;

    a.incident = i1;
    a.opened_by = (char *)"stackward";
    id = put(c->s, &a, NULL, 0);

    /* A second case of the same incident: refused, its events not written. */
    b.incident = i1;
    assert_int_equal(sw_store_case_write(c->s, &b, &ev, 1, NULL), -EEXIST);
    assert_int_equal(sql1(c, "SELECT count(*) FROM cases"), 1);
    assert_int_equal(sql1(c, "SELECT count(*) FROM case_events"), 0);

    /* Cases without an incident do not collide with each other. */
    b.incident = 0;
    id2 = put(c->s, &b, &ev, 1);
    put(c->s, &b, NULL, 0);
    /* Nor can an update take an incident that has its case already. */
    b.id = id2;
    b.version = 1;
    b.incident = i1;
    assert_int_equal(sw_store_case_write(c->s, &b, NULL, 0, NULL), -EEXIST);
    b.incident = i2;
    assert_int_equal(sw_store_case_write(c->s, &b, NULL, 0, NULL), 0);
    /* An incident that does not exist. */
    b.version = 2;
    b.incident = i2 + 100;
    assert_int_equal(sw_store_case_write(c->s, &b, NULL, 0, NULL), -EINVAL);

    assert_int_equal(sw_store_case_for_incident(c->s, i1, &got), 0);
    assert_int_equal(got.id, id);
    assert_int_equal(got.incident, i1);
    str_eq(got.opened_by, "stackward");
    sw_case_row_release(&got);
    assert_int_equal(sw_store_case_for_incident(c->s, i2, &got), 0);
    assert_int_equal(got.id, id2);
    assert_int_equal(got.version, 2);
    sw_case_row_release(&got);
    assert_int_equal(sw_store_case_for_incident(c->s, i2 + 100, &got), -ENOENT);
    assert_int_equal(sw_store_case_for_incident(c->s, 0, &got), -ENOENT);
}

/* The ids of v[0..n), for comparing a list with one assertion per id. */
static void ids_eq(const struct sw_case_row *v, size_t n, const int64_t *want, size_t n_want)
{
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].id, want[i]);
    }
}

static void list_eq(struct sw_store *s, const struct sw_case_filter *f, const int64_t *want,
                    size_t n_want)
{
    struct sw_case_row *v = NULL;
    size_t n = 0;

    assert_int_equal(sw_store_case_list(s, f, &v, &n), 0);
    ids_eq(v, n, want, n_want);
    sw_case_rows_free(v, n);
}

static void test_case_list(void **state)
{
    struct cx *c = *state;
    /* customer, created, status */
    static const struct {
        const char *customer;
        int64_t created;
        int status;
    } rows[] = {
        {"acme", 300, 0}, {"beta", 100, 1}, {"acme", 200, 3},
        {"acme", 300, 2}, {"beta", 400, 4}, {"acme", 500, 1},
    };
    int64_t id[6];
    struct sw_case_filter f = {0};
    struct sw_case_row *v = NULL;
    size_t n = 0;

    for (size_t i = 0; i < 6; i++) {
        struct sw_case_row a = case_of(rows[i].customer, rows[i].created);
        a.status = rows[i].status;
        id[i] = put(c->s, &a, NULL, 0);
    }

    /* All, oldest first; the same created time in insert order. */
    list_eq(c->s, &f, (int64_t[]){id[1], id[2], id[0], id[3], id[4], id[5]}, 6);
    list_eq(c->s, NULL, (int64_t[]){id[1], id[2], id[0], id[3], id[4], id[5]}, 6);
    f.newest_first = true;
    list_eq(c->s, &f, (int64_t[]){id[5], id[4], id[3], id[0], id[2], id[1]}, 6);

    f.newest_first = false;
    f.customer = "acme";
    list_eq(c->s, &f, (int64_t[]){id[2], id[0], id[3], id[5]}, 4);
    f.open_only = true;
    list_eq(c->s, &f, (int64_t[]){id[0], id[3], id[5]}, 3);
    f.customer = NULL;
    list_eq(c->s, &f, (int64_t[]){id[1], id[0], id[3], id[5]}, 4);
    f.customer = "nobody";
    list_eq(c->s, &f, NULL, 0);

    /* [from, to) on created */
    f.customer = NULL;
    f.open_only = false;
    f.created_from = 200;
    f.created_to = 400;
    list_eq(c->s, &f, (int64_t[]){id[2], id[0], id[3]}, 3);
    f.created_to = 0;
    list_eq(c->s, &f, (int64_t[]){id[2], id[0], id[3], id[4], id[5]}, 5);
    f.created_from = 0;
    f.created_to = 300;
    list_eq(c->s, &f, (int64_t[]){id[1], id[2]}, 2);

    /* limit: the first ones in the order asked */
    f.created_to = 0;
    f.limit = 2;
    list_eq(c->s, &f, (int64_t[]){id[1], id[2]}, 2);
    f.newest_first = true;
    list_eq(c->s, &f, (int64_t[]){id[5], id[4]}, 2);
    f.customer = "acme";
    f.open_only = true;
    f.limit = 1;
    list_eq(c->s, &f, (int64_t[]){id[5]}, 1);

    f.limit = SW_STORE_CASES_MAX + 1;
    assert_int_equal(sw_store_case_list(c->s, &f, &v, &n), -EINVAL);
    f.limit = SW_STORE_CASES_MAX;
    list_eq(c->s, &f, (int64_t[]){id[5], id[3], id[0]}, 3);
}

static void test_case_events_order(void **state)
{
    struct cx *c = *state;
    struct sw_case_row a = case_of("acme", 100), other = case_of("beta", 100);
    struct sw_case_event_row first[3] = {
        ev_of(300, 3, -1, "b"),
        ev_of(100, 0, 0, "a"),
        ev_of(300, 4, -1, "c"),
    };
    struct sw_case_event_row later[2] = {ev_of(200, 2, -1, "d"), ev_of(300, 5, 1, "e")};
    static const char *const want[] = {"a", "d", "b", "c", "e"};
    struct sw_case_event_row *v = NULL;
    size_t n = 0;
    int64_t id = put(c->s, &a, first, 3);

    put(c->s, &other, later, 2); /* another case's events stay its own */
    a.id = id;
    a.version = 1;
    assert_int_equal(sw_store_case_write(c->s, &a, later, 2, NULL), 0);

    assert_int_equal(sw_store_case_events(c->s, id, &v, &n), 0);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        str_eq(v[i].text, want[i]);
        assert_int_equal(v[i].case_id, id);
        if (i > 0 && v[i].t == v[i - 1].t) {
            assert_true(v[i].id > v[i - 1].id);
        }
    }
    assert_int_equal(v[0].t, 100);
    assert_int_equal(v[1].t, 200);
    assert_int_equal(v[2].t, 300);
    assert_int_equal(v[3].t, 300);
    assert_int_equal(v[4].t, 300);
    assert_int_equal(v[4].kind, 5);
    assert_int_equal(v[4].status, 1);
    sw_case_event_rows_free(v, n);

    assert_int_equal(sw_store_case_events(c->s, id + 100, &v, &n), 0);
    assert_int_equal(n, 0);
}

static void test_case_invalid(void **state)
{
    struct cx *c = *state;
    struct sw_case_row a = case_of("acme", 100), b;
    struct sw_case_event_row e = ev_of(100, 0, 0, NULL);
    static const int bad_kinds[] = {-1, 6, 99, 102};
    static const int good_kinds[] = {0, 5, SW_CASE_EV_ASSIGN, SW_CASE_EV_LINK};

    assert_int_equal(sw_store_case_write(c->s, NULL, NULL, 0, NULL), -EINVAL);
#define BAD(field, value)                                                                          \
    do {                                                                                           \
        b = a;                                                                                     \
        b.field = value;                                                                           \
        assert_int_equal(sw_store_case_write(c->s, &b, &e, 1, NULL), -EINVAL);                     \
    } while (0)
    BAD(customer, NULL);
    BAD(title, NULL);
    BAD(opened_by, NULL);
    BAD(severity, 0);
    BAD(severity, 5);
    BAD(status, -1);
    BAD(status, 5);
    BAD(id, -1);
    BAD(incident, -1);
    BAD(reopened, -1);
    /* an update needs the version it read */
    b = a;
    b.id = 1;
    b.version = 0;
    assert_int_equal(sw_store_case_write(c->s, &b, NULL, 0, NULL), -EINVAL);
#undef BAD
    for (size_t i = 0; i < sizeof(bad_kinds) / sizeof(bad_kinds[0]); i++) {
        e.kind = bad_kinds[i];
        assert_int_equal(sw_store_case_write(c->s, &a, &e, 1, NULL), -EINVAL);
    }
    e.kind = 1;
    e.status = -2;
    assert_int_equal(sw_store_case_write(c->s, &a, &e, 1, NULL), -EINVAL);
    e.status = 5;
    assert_int_equal(sw_store_case_write(c->s, &a, &e, 1, NULL), -EINVAL);
    e.status = 1;
    e.author = NULL;
    assert_int_equal(sw_store_case_write(c->s, &a, &e, 1, NULL), -EINVAL);
    assert_int_equal(sw_store_case_write(c->s, &a, NULL, 1, NULL), -EINVAL);
    assert_int_equal(sql1(c, "SELECT count(*) FROM cases"), 0);

    /* the edges of every range are accepted */
    e.author = (char *)"bob";
    a.severity = 4;
    a.status = 4;
    for (size_t i = 0; i < sizeof(good_kinds) / sizeof(good_kinds[0]); i++) {
        e.kind = good_kinds[i];
        e.status = i % 2 ? -1 : 4;
        put(c->s, &a, &e, 1);
    }
    a.severity = 1;
    a.status = 0;
    put(c->s, &a, NULL, 0);
    assert_int_equal(sql1(c, "SELECT count(*) FROM cases"), 5);
    assert_int_equal(sql1(c, "SELECT count(*) FROM case_events"), 4);
}

static struct sw_change_row change_of(const char *deployment, int64_t started)
{
    struct sw_change_row c = {0};

    c.customer = (char *)"acme";
    c.deployment = (char *)deployment;
    c.title = (char *)"Upgrade Keystone";
    c.started_by = (char *)"alice";
    c.started = started;
    return c;
}

static int64_t start(struct sw_store *s, const struct sw_change_row *c)
{
    int64_t id = -1;

    assert_int_equal(sw_store_change_start(s, c, &id), 0);
    assert_true(id > 0);
    return id;
}

static void test_change_start_finish(void **state)
{
    struct cx *c = *state;
    struct sw_change_row a = change_of("acme/fra1", 1000), got;
    int64_t id, id2;

    /* What start forces is set to something else here: it must not stick. */
    a.id = 55;
    a.finished = 2000;
    a.result = 1;
    a.note = (char *)"runbook 12";
    id = start(c->s, &a);
    assert_true(id != 55);
    assert_int_equal(sw_store_change_get(c->s, id, &got), 0);
    assert_int_equal(got.id, id);
    str_eq(got.customer, "acme");
    str_eq(got.deployment, "acme/fra1");
    str_eq(got.title, "Upgrade Keystone");
    str_eq(got.started_by, "alice");
    assert_int_equal(got.started, 1000);
    assert_int_equal(got.finished, 0);
    assert_int_equal(got.result, -1);
    str_eq(got.note, "runbook 12");
    sw_change_row_release(&got);
    sw_change_row_release(&got);
    sw_change_row_release(NULL);
    assert_int_equal(sql1(c, "SELECT count(*) FROM changes WHERE finished_s IS NULL"), 1);

    /* Refused finishes change nothing. */
    assert_int_equal(sw_store_change_finish(c->s, id, 999, 0, "x"), -EINVAL);
    assert_int_equal(sw_store_change_finish(c->s, id, 1500, 2, "x"), -EINVAL);
    assert_int_equal(sw_store_change_finish(c->s, id, 1500, -1, "x"), -EINVAL);
    assert_int_equal(sw_store_change_finish(c->s, id, 0, 0, "x"), -EINVAL);
    assert_int_equal(sw_store_change_finish(c->s, id + 100, 1500, 0, "x"), -ENOENT);
    assert_int_equal(sw_store_change_get(c->s, id, &got), 0);
    assert_int_equal(got.finished, 0);
    assert_int_equal(got.result, -1);
    str_eq(got.note, "runbook 12");
    sw_change_row_release(&got);

    /* Finished at its very start, without a note: the start's note stays. */
    assert_int_equal(sw_store_change_finish(c->s, id, 1000, 1, NULL), 0);
    assert_int_equal(sw_store_change_get(c->s, id, &got), 0);
    assert_int_equal(got.started, 1000);
    assert_int_equal(got.finished, 1000);
    assert_int_equal(got.result, 1);
    str_eq(got.note, "runbook 12");
    sw_change_row_release(&got);
    assert_int_equal(sw_store_change_finish(c->s, id, 3000, 0, "again"), -EALREADY);
    assert_int_equal(sw_store_change_finish(c->s, id, 1, 0, "again"), -EALREADY);

    /* A note given at the finish replaces it. */
    a.note = NULL;
    id2 = start(c->s, &a);
    assert_int_equal(id2, id + 1);
    assert_int_equal(sw_store_change_finish(c->s, id2, 1600, 0, "done, no impact"), 0);
    assert_int_equal(sw_store_change_get(c->s, id2, &got), 0);
    assert_int_equal(got.finished, 1600);
    assert_int_equal(got.result, 0);
    str_eq(got.note, "done, no impact");
    sw_change_row_release(&got);

    assert_int_equal(sw_store_change_get(c->s, id2 + 1, &got), -ENOENT);

    /* start refuses what it needs but lacks */
    assert_int_equal(sw_store_change_start(c->s, NULL, &id2), -EINVAL);
    got = change_of("acme/fra1", 1000);
    got.customer = NULL;
    assert_int_equal(sw_store_change_start(c->s, &got, &id2), -EINVAL);
    got = change_of(NULL, 1000);
    assert_int_equal(sw_store_change_start(c->s, &got, &id2), -EINVAL);
    got = change_of("acme/fra1", 1000);
    got.title = NULL;
    assert_int_equal(sw_store_change_start(c->s, &got, &id2), -EINVAL);
    got = change_of("acme/fra1", 1000);
    got.started_by = NULL;
    assert_int_equal(sw_store_change_start(c->s, &got, &id2), -EINVAL);
    assert_int_equal(sql1(c, "SELECT count(*) FROM changes"), 2);
}

static void changes_eq(struct sw_store *s, int64_t from, int64_t to, const char *deployment,
                       const int64_t *want, size_t n_want)
{
    struct sw_change_row *v = NULL;
    size_t n = 0;

    assert_int_equal(sw_store_change_list(s, from, to, deployment, &v, &n), 0);
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].id, want[i]);
        if (deployment) {
            str_eq(v[i].deployment, deployment);
        }
    }
    sw_change_rows_free(v, n);
}

static void test_change_list(void **state)
{
    struct cx *c = *state;
    static const struct {
        const char *deployment;
        int64_t started;
    } rows[] = {
        {"acme/fra1", 300}, {"acme/ams2", 100}, {"acme/fra1", 200},
        {"acme/fra1", 300}, {"acme/ams2", 400},
    };
    struct sw_change_row *v = NULL;
    size_t n = 0;
    int64_t id[5];

    changes_eq(c->s, 0, 0, NULL, NULL, 0);
    for (size_t i = 0; i < 5; i++) {
        struct sw_change_row a = change_of(rows[i].deployment, rows[i].started);
        id[i] = start(c->s, &a);
    }
    assert_int_equal(sw_store_change_finish(c->s, id[2], 250, 0, NULL), 0);

    changes_eq(c->s, 0, 0, NULL, (int64_t[]){id[1], id[2], id[0], id[3], id[4]}, 5);
    changes_eq(c->s, 0, 0, "acme/fra1", (int64_t[]){id[2], id[0], id[3]}, 3);
    changes_eq(c->s, 0, 0, "acme/ams2", (int64_t[]){id[1], id[4]}, 2);
    changes_eq(c->s, 0, 0, "other/x", NULL, 0);
    changes_eq(c->s, 200, 400, NULL, (int64_t[]){id[2], id[0], id[3]}, 3);
    changes_eq(c->s, 300, 0, NULL, (int64_t[]){id[0], id[3], id[4]}, 3);
    changes_eq(c->s, 0, 300, NULL, (int64_t[]){id[1], id[2]}, 2);
    changes_eq(c->s, 100, 401, "acme/ams2", (int64_t[]){id[1], id[4]}, 2);
    changes_eq(c->s, 101, 400, "acme/ams2", NULL, 0);
    changes_eq(c->s, 300, 300, NULL, NULL, 0);

    /* every field comes back through the list too */
    assert_int_equal(sw_store_change_list(c->s, 200, 201, NULL, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id[2]);
    str_eq(v[0].customer, "acme");
    str_eq(v[0].title, "Upgrade Keystone");
    str_eq(v[0].started_by, "alice");
    assert_int_equal(v[0].started, 200);
    assert_int_equal(v[0].finished, 250);
    assert_int_equal(v[0].result, 0);
    str_eq(v[0].note, NULL);
    sw_change_rows_free(v, n);
    sw_change_rows_free(NULL, 0);
}

static void test_durable_across_reopen(void **state)
{
    struct cx *c = *state;
    int64_t inc = incident(c->s, "acme/fra1/identity");
    struct sw_case_row a = case_of("acme", 1000), got;
    struct sw_case_event_row ev[2] = {ev_of(1000, 0, 0, NULL), ev_of(1010, 3, -1, "hello")};
    struct sw_change_row ch = change_of("acme/fra1", 900), gch;
    struct sw_case_event_row *v = NULL;
    size_t n = 0;
    int64_t id, chg, id2;

    a.incident = inc;
    a.assignee = (char *)"bob";
    id = put(c->s, &a, ev, 2);
    chg = start(c->s, &ch);
    assert_int_equal(sw_store_change_finish(c->s, chg, 950, 1, "rolled back"), 0);

    cx_open(c);
    got = get(c->s, id);
    assert_int_equal(got.version, 1);
    assert_int_equal(got.incident, inc);
    str_eq(got.assignee, "bob");
    assert_int_equal(got.created, 1000);
    sw_case_row_release(&got);
    assert_int_equal(sw_store_case_events(c->s, id, &v, &n), 0);
    assert_int_equal(n, 2);
    str_eq(v[1].text, "hello");
    assert_int_equal(v[1].kind, 3);
    sw_case_event_rows_free(v, n);
    assert_int_equal(sw_store_change_get(c->s, chg, &gch), 0);
    assert_int_equal(gch.finished, 950);
    assert_int_equal(gch.result, 1);
    str_eq(gch.note, "rolled back");
    sw_change_row_release(&gch);

    /* The version guard and the one-case-per-incident rule hold after a reopen too. */
    a.incident = 0;
    a.id = id;
    a.version = 2;
    assert_int_equal(sw_store_case_write(c->s, &a, NULL, 0, NULL), -ESTALE);
    a.id = 0;
    a.incident = inc;
    assert_int_equal(sw_store_case_write(c->s, &a, NULL, 0, NULL), -EEXIST);
    /* Ids are never reused. */
    a.incident = 0;
    id2 = put(c->s, &a, NULL, 0);
    assert_int_equal(id2, id + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schema, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_case_roundtrip, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_case_version_guard, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_case_incident, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_case_list, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_case_events_order, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_case_invalid, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_change_start_finish, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_change_list, cx_setup, cx_teardown),
        cmocka_unit_test_setup_teardown(test_durable_across_reopen, cx_setup, cx_teardown),
    };

    sw_log_set_level(SW_LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
