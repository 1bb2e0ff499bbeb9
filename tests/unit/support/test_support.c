/* SPDX-License-Identifier: Apache-2.0 */
/* test_support.c: src/support against a real SQLite store: cases opened and worked at chosen
 * times (--at), the contract's timers on a business-hours calendar and around the clock with
 * a pause, the rules of each action (order in time, closed cases, customers' limits), the case
 * an incident opens, and changes failed by their result or by an incident after them. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/support.h"

static int64_t utc(const char *s)
{
    int64_t t;
    assert_int_equal(sw_time_parse(s, &t), 0);
    return t;
}

struct fx {
    char dir[64];
    char db[128];
    struct sw_config *cfg;
    struct sw_store *store;
    struct sw_buf err;
};

static const char yaml[] =
    "database: %s\n"
    "calendars:\n"
    "  - id: berlin-office\n"
    "    timezone: Europe/Berlin\n"
    "    hours: {days: mon-fri, start: \"09:00\", end: \"18:00\"}\n"
    "    holidays: [2026-12-24, 2026-12-25, 2026-12-26]\n"
    "contracts:\n"
    "  - id: gold\n"
    "    support:\n"
    "      - {severity: 1, first_response: 1h, update_every: 2h, resolution: 24h, calendar: 24x7}\n"
    "      - {severity: 3, first_response: 8h, resolution: 10d, calendar: berlin-office}\n"
    "    auto_case_on_incident: true\n"
    "engineers: [{id: alice}, {id: bob}]\n"
    "changes: {failure_window: 1h}\n"
    "customers:\n"
    "  - id: acme\n"
    "    contract: gold\n"
    "    deployments:\n"
    "      - id: fra1\n"
    "        services: [{id: api, checks: [{id: c, type: passive}]}]\n"
    "  - id: globex\n"
    "    deployments:\n"
    "      - id: ams\n"
    "        services: [{id: web, checks: [{id: c, type: passive}]}]\n";

static int setup(void **state)
{
    struct fx *f = sw_xcalloc(1, sizeof(*f));
    char path[160];
    FILE *fp;

    snprintf(f->dir, sizeof(f->dir), "/tmp/sw-support-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/sw.db", f->dir);
    snprintf(path, sizeof(path), "%s/sw.yaml", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, yaml, f->db);
    fclose(fp);
    sw_buf_init(&f->err);
    if (sw_config_load(path, &f->err, &f->cfg) < 0) {
        fail_msg("config: %s", f->err.data);
    }
    assert_int_equal(sw_store_open(f->db, NULL, &f->store), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    struct dirent *e;
    DIR *d;

    sw_store_free(f->store);
    sw_config_unref(f->cfg);
    sw_buf_release(&f->err);
    d = opendir(f->dir);
    while (d && (e = readdir(d))) {
        char p[512];
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
            unlink(p);
        }
    }
    if (d) {
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static const struct sw_actor alice = {.engineer = "alice"};

static int64_t open_case(struct fx *f, int sev, const char *at, int64_t now)
{
    struct sw_case_new c = {
        .customer = "acme", .severity = sev, .title = "Nova API slow", .at = utc(at)};
    int64_t id;
    assert_int_equal(sw_case_open(f->store, f->cfg, &alice, &c, now, &f->err, &id), 0);
    return id;
}

static int act(struct fx *f, const struct sw_actor *who, int64_t id, enum sw_case_verb verb,
               const char *text, const char *at, int64_t now)
{
    struct sw_case_action a = {.verb = verb, .text = text, .at = utc(at)};
    sw_buf_reset(&f->err);
    return sw_case_act(f->store, f->cfg, who, id, &a, now, &f->err);
}

static int set_status(struct fx *f, int64_t id, enum sw_case_status st, const char *at, int64_t now)
{
    struct sw_case_action a = {.verb = SW_CASE_STATUS, .status = st, .at = utc(at)};
    sw_buf_reset(&f->err);
    return sw_case_act(f->store, f->cfg, &alice, id, &a, now, &f->err);
}

/* timers of case id at now */
static void timers(struct fx *f, int64_t id, int64_t now, struct sw_case_timers *tm)
{
    struct sw_case_row c;
    struct sw_case_event_row *ev;
    size_t n;

    assert_int_equal(sw_store_case_get(f->store, id, &c), 0);
    assert_int_equal(sw_store_case_events(f->store, id, &ev, &n), 0);
    assert_int_equal(sw_case_timers(f->cfg, &c, ev, n, now, tm, &f->err), 0);
    sw_case_event_rows_free(ev, n);
    sw_case_row_release(&c);
}

/* Severity 3, 8 business hours, opened Friday 17:30 Berlin: due Monday 16:30 Berlin; the
 * reply at Monday 16:00 meets it. */
static void test_business_hours(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-12-01T12:00:00Z");
    int64_t id = open_case(f, 3, "2026-11-27T16:30:00Z", now);
    struct sw_case_timers tm;

    timers(f, id, utc("2026-11-30T12:00:00Z"), &tm);
    assert_true(tm.have[SW_CASE_FIRST_RESPONSE]);
    assert_false(tm.have[SW_CASE_UPDATE]);
    assert_int_equal(tm.t[SW_CASE_FIRST_RESPONSE].cycles[0].due, utc("2026-11-30T15:30:00Z"));
    assert_true(tm.t[SW_CASE_FIRST_RESPONSE].running);
    sw_case_timers_release(&tm);
    assert_int_equal(
        act(f, &alice, id, SW_CASE_RESPOND, "Looking into it", "2026-11-30T15:00:00Z", now), 0);
    timers(f, id, now, &tm);
    assert_false(tm.t[SW_CASE_FIRST_RESPONSE].running);
    assert_int_equal(tm.t[SW_CASE_FIRST_RESPONSE].n_met, 1);
    assert_int_equal(tm.t[SW_CASE_FIRST_RESPONSE].n_breached, 0);
    sw_case_timers_release(&tm);
    struct sw_case_row c;
    assert_int_equal(sw_store_case_get(f->store, id, &c), 0);
    assert_int_equal(c.status, SW_CASE_OPEN); /* a response opens a new case */
    sw_case_row_release(&c);
}

/* Severity 1 around the clock: waiting on the customer pauses the clock: 10 min + 30 min
 * counted, the 30 min of waiting not: the reply at +70 min is in time (40 of 60 min). */
static void test_pause(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-02T12:00:00Z");
    int64_t id = open_case(f, 1, "2026-11-02T08:00:00Z", now);
    struct sw_case_timers tm;

    assert_int_equal(set_status(f, id, SW_CASE_WAITING, "2026-11-02T08:10:00Z", now), 0);
    /* the customer answers: back to open */
    struct sw_actor cust = {.customer = "acme"};
    assert_int_equal(
        act(f, &cust, id, SW_CASE_COMMENT, "Here are the logs", "2026-11-02T08:40:00Z", now), 0);
    assert_int_equal(act(f, &alice, id, SW_CASE_RESPOND, "Found it", "2026-11-02T09:10:00Z", now),
                     0);
    timers(f, id, utc("2026-11-02T09:10:00Z"), &tm);
    assert_int_equal(tm.t[SW_CASE_FIRST_RESPONSE].cycles[0].elapsed_s, 3600 - 1200);
    assert_int_equal(tm.t[SW_CASE_FIRST_RESPONSE].n_met, 1);
    assert_true(tm.have[SW_CASE_UPDATE]); /* update_every 2h: the next update due */
    assert_int_equal(tm.t[SW_CASE_UPDATE].cycles[0].due, utc("2026-11-02T11:10:00Z"));
    sw_case_timers_release(&tm);
}

/* The rules: order in time, the future, closed cases, re-opening, customers' limits. */
static void test_rules(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-10T00:00:00Z");
    int64_t id = open_case(f, 3, "2026-11-02T08:00:00Z", now);
    struct sw_actor cust = {.customer = "acme"}, other = {.customer = "globex"};
    struct sw_case_row c;

    assert_int_equal(act(f, &alice, id, SW_CASE_COMMENT, "x", "2026-11-02T07:00:00Z", now),
                     -EINVAL);
    assert_non_null(strstr(f->err.data, "is before CASE-1's last event"));
    assert_int_equal(act(f, &alice, id, SW_CASE_COMMENT, "x", "2026-11-11T00:00:00Z", now),
                     -EINVAL);
    assert_non_null(strstr(f->err.data, "in the future"));
    assert_int_equal(act(f, &other, id, SW_CASE_COMMENT, "x", "2026-11-03T00:00:00Z", now),
                     -ENOENT);
    assert_string_equal(f->err.data, "no case CASE-1");
    assert_int_equal(act(f, &cust, id, SW_CASE_INTERNAL, "x", "2026-11-03T00:00:00Z", now),
                     -EINVAL);
    assert_int_equal(set_status(f, id, SW_CASE_CLOSED, "2026-11-04T00:00:00Z", now), 0);
    assert_int_equal(act(f, &alice, id, SW_CASE_COMMENT, "x", "2026-11-05T00:00:00Z", now),
                     -EINVAL);
    assert_string_equal(f->err.data, "CASE-1 is closed: re-open it first");
    assert_int_equal(set_status(f, id, SW_CASE_RESOLVED, "2026-11-05T00:00:00Z", now), -EINVAL);
    assert_int_equal(set_status(f, id, SW_CASE_CLOSED, "2026-11-05T00:00:00Z", now), -EINVAL);
    assert_non_null(strstr(f->err.data, "is already closed"));
    assert_int_equal(set_status(f, id, SW_CASE_OPEN, "2026-11-05T00:00:00Z", now), 0);
    assert_int_equal(sw_store_case_get(f->store, id, &c), 0);
    assert_int_equal(c.reopened, 1);
    assert_int_equal(c.status, SW_CASE_OPEN);
    sw_case_row_release(&c);
    struct sw_case_action as = {.verb = SW_CASE_ASSIGN, .text = "carol"};
    assert_int_equal(sw_case_act(f->store, f->cfg, &alice, id, &as, now, &f->err), -EINVAL);
    as.text = "bob";
    assert_int_equal(sw_case_act(f->store, f->cfg, &alice, id, &as, now, &f->err), 0);
    /* opening: bad severity, unknown customer, another customer's token, unknown service */
    struct sw_case_new n = {.customer = "acme", .severity = 5, .title = "t"};
    int64_t x;
    assert_int_equal(sw_case_open(f->store, f->cfg, &alice, &n, now, &f->err, &x), -EINVAL);
    n.severity = 2;
    n.customer = "nosuch";
    assert_int_equal(sw_case_open(f->store, f->cfg, &alice, &n, now, &f->err, &x), -EINVAL);
    n.customer = "acme";
    assert_int_equal(sw_case_open(f->store, f->cfg, &other, &n, now, &f->err, &x), -EINVAL);
    n.service = "fra1/nope";
    assert_int_equal(sw_case_open(f->store, f->cfg, &alice, &n, now, &f->err, &x), -EINVAL);
    n.service = "fra1/api";
    assert_int_equal(sw_case_open(f->store, f->cfg, &cust, &n, now, &f->err, &x), 0);
    assert_int_equal(sw_store_case_get(f->store, x, &c), 0);
    assert_string_equal(c.service, "acme/fra1/api");
    assert_string_equal(c.deployment, "acme/fra1");
    assert_string_equal(c.opened_by, "customer");
    sw_case_row_release(&c);
}

/* An incident on a gold customer opens one severity-1 case, linked; globex has no contract. */
static void test_incident_case(void **state)
{
    struct fx *f = *state;
    struct sw_incident inc = {.id = 0,
                              .kind = SW_INC_OUTAGE,
                              .service = "acme/fra1/api",
                              .customer = "acme",
                              .deployment = "acme/fra1",
                              .title = "CRITICAL: acme / fra1 / api",
                              .severity = 2,
                              .status = SW_INC_TRIGGERED,
                              .state = SW_CRITICAL,
                              .output = "HTTP 503",
                              .since = 1000,
                              .opened = 1000};
    struct sw_inc_change ch = {.inc = &inc};
    struct sw_case_row c;
    int64_t id;

    assert_int_equal(sw_store_incident_write(f->store, &ch, 1, &id), 0);
    inc.id = id;
    assert_int_equal(sw_case_for_incident(f->store, f->cfg, &inc, 2000), 0);
    assert_int_equal(sw_case_for_incident(f->store, f->cfg, &inc, 2001), 0);
    assert_int_equal(sw_store_case_for_incident(f->store, id, &c), 0);
    assert_int_equal(c.severity, 1);
    assert_int_equal(c.id, 1);
    assert_string_equal(c.title, "CRITICAL: acme / fra1 / api");
    assert_string_equal(c.description, "HTTP 503");
    assert_string_equal(c.opened_by, "stackward");
    sw_case_row_release(&c);
    struct sw_case_row *v;
    size_t n;
    struct sw_case_filter cf = {0};
    assert_int_equal(sw_store_case_list(f->store, &cf, &v, &n), 0);
    assert_int_equal(n, 1);
    sw_case_rows_free(v, n);
    /* a case opened by hand, linked to the incident by its number; an unknown one refused */
    struct sw_actor eng = {.engineer = "bob"};
    struct sw_case_new cn = {.customer = "acme", .severity = 2, .title = "Users report errors"};
    struct sw_case_action link = {.verb = SW_CASE_LINK, .text = "1"};
    struct sw_case_event_row *ev;
    int64_t cid;
    assert_int_equal(sw_case_open(f->store, f->cfg, &eng, &cn, 3000, &f->err, &cid), 0);
    assert_int_equal(sw_case_act(f->store, f->cfg, &eng, cid, &link, 3001, &f->err), 0);
    link.text = "INC-7";
    assert_int_equal(sw_case_act(f->store, f->cfg, &eng, cid, &link, 3002, &f->err), -EINVAL);
    assert_int_equal(sw_store_case_events(f->store, cid, &ev, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ev[1].kind, SW_CASE_EV_LINK);
    assert_string_equal(ev[1].text, "INC-1");
    sw_case_event_rows_free(ev, n);
}

/* Changes: failed by their own result, or by an incident on the deployment within the
 * failure window (1h) after they finished. */
static void test_changes(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-10T00:00:00Z"), a, b, bad;
    struct sw_change_row *v;
    size_t n;
    struct sw_incident inc[] = {
        {.id = 9, .deployment = "acme/fra1", .opened = utc("2026-11-03T10:59:59Z")}};
    int64_t why;

    assert_int_equal(sw_change_start(f->store, f->cfg, "acme/fra1", "Upgrade nova", "alice",
                                     utc("2026-11-03T09:00:00Z"), now, &f->err, &a),
                     0);
    assert_int_equal(
        sw_change_finish(f->store, a, true, NULL, utc("2026-11-03T10:00:00Z"), now, &f->err), 0);
    assert_int_equal(sw_change_finish(f->store, a, true, NULL, 0, now, &f->err), -EALREADY);
    assert_int_equal(sw_change_start(f->store, f->cfg, "acme/fra1", "Rotate certs", "bob",
                                     utc("2026-11-04T09:00:00Z"), now, &f->err, &b),
                     0);
    assert_int_equal(sw_change_finish(f->store, b, false, "rolled back",
                                      utc("2026-11-04T09:30:00Z"), now, &f->err),
                     0);
    assert_int_equal(
        sw_change_start(f->store, f->cfg, "acme/nope", "x", "bob", 0, now, &f->err, &bad), -EINVAL);
    assert_int_equal(sw_change_finish(f->store, 77, true, NULL, 0, now, &f->err), -ENOENT);
    assert_int_equal(sw_store_change_list(f->store, 0, 0, NULL, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_true(sw_change_failed(f->cfg, &v[0], inc, 1, &why)); /* incident 59m59s after */
    assert_int_equal(why, 9);
    inc[0].opened = utc("2026-11-03T11:00:01Z");
    assert_false(sw_change_failed(f->cfg, &v[0], inc, 1, &why));
    assert_true(sw_change_failed(f->cfg, &v[1], inc, 1, &why)); /* its own result */
    assert_int_equal(why, 0);
    sw_change_rows_free(v, n);
}

/* The watch records a timer's warning (75 % of the goal) and its breach once each, at the
 * instants they happened, in the case's history where the customer does not see them. */
static void test_watch(void **state)
{
    struct fx *f = *state;
    int64_t t0 = utc("2026-11-02T08:00:00Z");
    int64_t id = open_case(f, 1, "2026-11-02T08:00:00Z", t0 + 3600 * 3);
    struct sw_case_event_row *ev;
    size_t n, w, b;

    assert_int_equal(sw_case_watch(f->store, f->cfg, t0 + 44 * 60, &w, &b, NULL, NULL), 0);
    assert_int_equal(w + b, 0);
    assert_int_equal(sw_case_watch(f->store, f->cfg, t0 + 46 * 60, &w, &b, NULL, NULL), 0);
    assert_int_equal(w, 1);
    assert_int_equal(b, 0);
    assert_int_equal(sw_case_watch(f->store, f->cfg, t0 + 50 * 60, &w, &b, NULL, NULL), 0);
    assert_int_equal(w + b, 0);
    assert_int_equal(sw_case_watch(f->store, f->cfg, t0 + 61 * 60, &w, &b, NULL, NULL), 0);
    assert_int_equal(w, 0);
    assert_int_equal(b, 1);
    assert_int_equal(sw_store_case_events(f->store, id, &ev, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ev[1].kind, SW_CASE_EV_INTERNAL);
    assert_int_equal(ev[1].t, t0 + 45 * 60);
    assert_string_equal(ev[1].text,
                        "warning: first response (cycle 1) has used 75% of its 1h goal, "
                        "due 2026-11-02T09:00:00Z");
    assert_int_equal(ev[2].t, t0 + 3600);
    assert_string_equal(
        ev[2].text,
        "breach: first response (cycle 1) missed its 1h goal, due 2026-11-02T09:00:00Z");
    assert_string_equal(ev[2].author, "stackward");
    sw_case_event_rows_free(ev, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_business_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
