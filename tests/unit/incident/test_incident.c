/* SPDX-License-Identifier: Apache-2.0 */
/* test_incident.c: unit tests of src/incident: the pure rules (decide, contacts, storms,
 * grouping), and the manager driven pass by pass with an injected clock against a real SQLite
 * store, delivering through a recording function instead of the network: exact notification
 * times step by step, acknowledgement, repeats, retries, falling through, maintenance,
 * dependencies, storms, recovery and re-opening, and a restart in the middle of an
 * escalation. */
#include <dirent.h>
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

#include "config/config.h"
#include "incident/incident.h"
#include "store/store.h"
#include "support/support.h"

#define T0 1780308000 /* 2026-06-01T10:00:00Z, a Monday (12:00 in Berlin) */

/* ---- pure rules ---- */

static const struct sw_incident_conf conf_default = {
    .on_states = 1u << SW_CRITICAL, .severity = 3, .auto_resolve = true, .reopen_within_s = 900};

static void test_decide(void **state)
{
    struct sw_incident open = {.id = 7, .status = SW_INC_TRIGGERED, .state = SW_CRITICAL};
    struct sw_incident last = {.id = 5, .status = SW_INC_RESOLVED, .resolved = T0 - 600};
    struct sw_inc_facts f = {
        .has_state = true, .state = SW_CRITICAL, .since = T0, .conf = &conf_default, .now = T0};
    struct sw_inc_decision d;

    (void)state;
    assert_int_equal(sw_inc_decide(&f, &d), 0);
    assert_int_equal(d.verb, SW_INC_OPEN);
    assert_true(d.page);
    /* WARNING does not open by default */
    f.state = SW_WARNING;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_KEEP);
    f.state = SW_CRITICAL;
    /* maintenance: nothing */
    f.in_maintenance = true;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_KEEP);
    f.in_maintenance = false;
    /* a parent down with its incident: opened attached, not paged */
    f.parent_down = true;
    f.parent_incident = 3;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_OPEN);
    assert_false(d.page);
    assert_int_equal(d.parent, 3);
    /* a parent down without an incident (its maintenance): nothing */
    f.parent_incident = 0;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_KEEP);
    f.parent_down = false;
    /* resolved 600 s ago, reopen_within 900 s: re-open and page */
    f.last = &last;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_REOPEN);
    assert_true(d.page);
    /* 901 s: a new incident */
    f.now = T0 + 301;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_OPEN);
    /* flapping: re-open within an hour, without paging */
    f.flapping = true;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_REOPEN);
    assert_false(d.page);
    f.flapping = false;
    f.now = T0;
    /* resolved by hand while still down since before: wait for a recovery */
    last.resolved_by = "alice";
    f.since = T0 - 1000;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_KEEP);
    f.last = NULL;
    /* an open incident: same state keeps, another down state notes */
    f.open = &open;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_KEEP);
    f.state = SW_UNKNOWN;
    struct sw_incident_conf cu = conf_default;
    cu.on_states |= 1u << SW_UNKNOWN;
    f.conf = &cu;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_STATE);
    /* recovery resolves, or marks recovered */
    f.state = SW_OK;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_RECOVER);
    assert_true(d.resolve);
    cu.auto_resolve = false;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_RECOVER);
    assert_false(d.resolve);
    /* recovered and failing again: relapse */
    open.status = SW_INC_RECOVERED;
    f.state = SW_CRITICAL;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_RELAPSE);
    /* paging on its own, a parent now has an incident: attach */
    open.status = SW_INC_TRIGGERED;
    f.parent_down = true;
    f.parent_incident = 3;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_ATTACH);
    assert_int_equal(d.parent, 3);
    /* attached, the parent recovered: detach and page */
    open.parent = 3;
    f.parent_down = false;
    f.parent_incident = 0;
    sw_inc_decide(&f, &d);
    assert_int_equal(d.verb, SW_INC_DETACH);
    assert_true(d.page);
    assert_int_equal(sw_inc_decide(NULL, &d), -EINVAL);
}

static void test_contacts(void **state)
{
    struct sw_channel_conf chat = {.id = "chat"}, mail = {.id = "mail"};
    struct sw_contact_conf contacts[] = {{&chat, NULL, SW_CONTACT_WORKING_HOURS},
                                         {&mail, "a@example.com", SW_CONTACT_OFF_HOURS}};
    struct sw_engineer_conf e = {.id = "alice",
                                 .timezone = "Europe/Berlin",
                                 .has_working_hours = true,
                                 .work_days = 0x3e, /* mon-fri */
                                 .work_start_s = 9 * 3600,
                                 .work_end_s = 18 * 3600,
                                 .contacts = contacts,
                                 .n_contacts = 2};
    size_t idx[2];

    (void)state;
    /* Monday 12:00 Berlin: working hours: chat only */
    assert_true(sw_inc_working(&e, T0));
    assert_int_equal(sw_inc_contacts(&e, 3, T0, idx), 1);
    assert_int_equal(idx[0], 0);
    /* Monday 18:00 Berlin (16:00 UTC): off hours: mail only */
    assert_false(sw_inc_working(&e, T0 + 6 * 3600));
    assert_true(sw_inc_working(&e, T0 + 6 * 3600 - 1));
    assert_int_equal(sw_inc_contacts(&e, 3, T0 + 6 * 3600, idx), 1);
    assert_int_equal(idx[0], 1);
    /* sev1: every contact, whatever the hour */
    assert_int_equal(sw_inc_contacts(&e, 1, T0, idx), 2);
    /* every contact quiet: all are used rather than none */
    contacts[1].when = SW_CONTACT_WORKING_HOURS;
    assert_int_equal(sw_inc_contacts(&e, 4, T0 + 6 * 3600, idx), 2);
}

static bool storm_acme(void *arg, const char *dep)
{
    (void)arg;
    return strcmp(dep, "acme/fra1") == 0;
}

static void test_storm_group(void **state)
{
    int64_t opened[] = {T0 - 300, T0 - 299, T0 - 10, T0};
    struct sw_notification v[] = {
        {.kind = SW_NOTIF_TRIGGER,
         .channel = "hook",
         .engineer = "alice",
         .deployment = "acme/fra1"},
        {.kind = SW_NOTIF_TRIGGER,
         .channel = "hook",
         .engineer = "alice",
         .deployment = "acme/ams"},
        {.kind = SW_NOTIF_TRIGGER,
         .channel = "hook",
         .engineer = "alice",
         .deployment = "acme/fra1"},
        {.kind = SW_NOTIF_TRIGGER,
         .channel = "mail",
         .engineer = "alice",
         .deployment = "acme/fra1"},
        {.kind = SW_NOTIF_RESOLVED,
         .channel = "hook",
         .engineer = "alice",
         .deployment = "acme/fra1"},
        {.kind = SW_NOTIF_TRIGGER,
         .channel = "hook",
         .engineer = "alice",
         .deployment = "acme/fra1"},
    };
    size_t g[6];

    (void)state;
    /* window 300 s: (T0-300, T0] holds three */
    assert_false(sw_inc_storm(opened, 4, T0, 300, 4));
    assert_true(sw_inc_storm(opened, 4, T0, 300, 3));
    assert_true(sw_inc_storm(opened, 4, T0, 301, 4));
    assert_false(sw_inc_storm(opened, 4, T0, 300, 0));
    sw_inc_group(v, 6, storm_acme, NULL, g);
    assert_int_equal(g[0], 0);
    assert_int_equal(g[1], 1); /* another deployment, no storm there */
    assert_int_equal(g[2], 0);
    assert_int_equal(g[3], 3); /* another channel */
    assert_int_equal(g[4], 4); /* resolved messages go alone */
    assert_int_equal(g[5], 0);
}

static void test_names(void **state)
{
    char b[24];
    int64_t id;

    (void)state;
    assert_string_equal(sw_inc_name(42, b), "INC-42");
    assert_int_equal(sw_inc_parse_name("INC-42", &id), 0);
    assert_int_equal(id, 42);
    assert_int_equal(sw_inc_parse_name("7", &id), 0);
    assert_int_equal(id, 7);
    assert_int_equal(sw_inc_parse_name("INC-0", &id), -EINVAL);
    assert_int_equal(sw_inc_parse_name("INC-4x", &id), -EINVAL);
    assert_int_equal(sw_inc_parse_name("", &id), -EINVAL);
    assert_int_equal(sw_inc_parse_name("-3", &id), -EINVAL);
}

/* ---- the manager with an injected clock ---- */

struct sent {
    int64_t t;
    char url[64];
    char incident[48];
    char service[128];
    enum sw_state state;
};

struct fx {
    char dir[64];
    char db[128];
    char yaml[128];
    struct sw_config *cfg;
    struct sw_store *store;
    struct sw_inc_manager *m;
    int64_t now;
    struct sent sent[64];
    int n_sent;
    int fail_first;       /* deliveries to fail before the others succeed */
    const char *fail_url; /* or: every delivery to this url fails */
};

static pthread_mutex_t record_mu = PTHREAD_MUTEX_INITIALIZER;
static int record_locked(struct fx *f, const struct sw_notify_channel *ch,
                         const struct sw_notify_message *m, struct sw_notify_result *ret);

/* Deliveries of one pass run on several threads: one at a time here, in any order. */
static int record(void *arg, const struct sw_notify_channel *ch, const struct sw_notify_message *m,
                  struct sw_notify_result *ret)
{
    struct fx *f = arg;
    int rc;

    pthread_mutex_lock(&record_mu);
    rc = record_locked(f, ch, m, ret);
    pthread_mutex_unlock(&record_mu);
    return rc;
}

static int record_locked(struct fx *f, const struct sw_notify_channel *ch,
                         const struct sw_notify_message *m, struct sw_notify_result *ret)
{
    struct sent *s = &f->sent[f->n_sent < 63 ? f->n_sent++ : 63];

    memset(ret, 0, sizeof(*ret));
    s->t = f->now;
    snprintf(s->url, sizeof(s->url), "%s", ch->url ? ch->url : "");
    snprintf(s->incident, sizeof(s->incident), "%s", m->incident);
    snprintf(s->service, sizeof(s->service), "%s", m->service);
    s->state = m->state;
    if (f->fail_first > 0 || (f->fail_url && strcmp(s->url, f->fail_url) == 0)) {
        f->fail_first--;
        ret->code = 503;
        snprintf(ret->error, sizeof(ret->error), "HTTP 503");
        return 0;
    }
    ret->ok = true;
    ret->code = 200;
    return 0;
}

static const char yaml_head[] =
    "database: %s\n"
    "incidents: {retry: {attempts: 3, base: 60s, cap: 10m}, storm: {threshold: %d, window: 5m,"
    " wait: 30s}, reopen_within: 15m, burn_rate: true}\n"
    "engineers:\n"
    "  - {id: alice, contacts: [{channel: hook-a}]}\n"
    "  - {id: carol, contacts: [{channel: hook-c}]}\n"
    "channels:\n"
    "  - {id: hook-a, type: webhook, url: \"http://127.0.0.1:1/a\"}\n"
    "  - {id: hook-c, type: webhook, url: \"http://127.0.0.1:1/c\"}\n"
    "rotations:\n"
    "  - {id: primary, timezone: Europe/Berlin, period: weekly,"
    " handoff: {day: monday, time: \"09:00\"}, start: 2026-01-05, participants: [alice]}\n"
    "escalation_policies:\n"
    "  - id: default\n"
    "    steps:\n"
    "      - {notify: {rotation: primary}, wait: 15m}\n"
    "      - {notify: {engineer: carol}, wait: 15m}\n"
    "    repeat: 2\n"
    "contracts:\n"
    "  - id: gold\n"
    "    support: [{severity: 1, first_response: 1h, resolution: 24h, calendar: 24x7}]\n"
    "    case_escalation: default\n"
    "customers:\n"
    "  - id: acme\n"
    "    contract: gold\n"
    "    escalation: default\n"
    "    deployments:\n"
    "      - id: fra1\n"
    "        services:\n"
    "          - {id: network, checks: [{id: c, type: passive}]}\n"
    "          - {id: compute, depends_on: [network], checks: [{id: c, type: passive}]}\n"
    "          - {id: s1, checks: [{id: c, type: passive}]}\n"
    "          - {id: s2, checks: [{id: c, type: passive}]}\n"
    "          - {id: s3, checks: [{id: c, type: passive}]}\n"
    "          - {id: s4, checks: [{id: c, type: passive}]}\n";

static void fx_open(struct fx *f)
{
    struct sw_buf err;

    sw_buf_init(&err);
    if (sw_config_load(f->yaml, &err, &f->cfg) < 0) {
        fail_msg("config: %s", err.data ? err.data : "?");
    }
    sw_buf_release(&err);
    assert_int_equal(sw_store_open(f->db, NULL, &f->store), 0);
    assert_int_equal(sw_inc_manager_new(f->store, f->cfg, &f->m), 0);
    sw_inc_manager_set_deliver(f->m, record, f);
}

static void fx_close(struct fx *f)
{
    sw_inc_manager_free(f->m);
    sw_store_free(f->store);
    sw_config_unref(f->cfg);
    f->m = NULL;
    f->store = NULL;
    f->cfg = NULL;
}

static struct fx *fx_new(int storm_threshold)
{
    struct fx *f = sw_xcalloc(1, sizeof(*f));
    FILE *fp;

    snprintf(f->dir, sizeof(f->dir), "/tmp/sw-inc-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/sw.db", f->dir);
    snprintf(f->yaml, sizeof(f->yaml), "%s/sw.yaml", f->dir);
    fp = fopen(f->yaml, "w");
    assert_non_null(fp);
    fprintf(fp, yaml_head, f->db, storm_threshold);
    fclose(fp);
    fx_open(f);
    return f;
}

static void fx_free(struct fx *f)
{
    DIR *d;
    struct dirent *e;

    fx_close(f);
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
}

static void pass_at(struct fx *f, int64_t t)
{
    f->now = t;
    assert_int_equal(sw_inc_manager_pass(f->m, t, NULL), 0);
}

static void down(struct fx *f, const char *svc, int64_t since)
{
    sw_inc_manager_level(f->m, svc, SW_CRITICAL, since, false, "HTTP 503");
}

static struct sw_incident get(struct fx *f, int64_t id)
{
    struct sw_incident inc;
    assert_int_equal(sw_store_incident_get(f->store, id, &inc), 0);
    return inc;
}

/* Step by step: rotation (alice) at T0, carol +15m, alice +30m, carol +45m, alice +60m,
 * carol +75m, then nothing more: two steps, three rounds. */
static void test_escalation_schedule(void **state)
{
    struct fx *f = fx_new(0);
    static const int64_t at[] = {0, 900, 1800, 2700, 3600, 4500};
    static const char *const url[] = {"/a", "/c", "/a", "/c", "/a", "/c"};

    (void)state;
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0);
    assert_int_equal(f->n_sent, 1);
    pass_at(f, T0 + 899);
    assert_int_equal(f->n_sent, 1);
    for (int64_t t = T0 + 900; t <= T0 + 6000; t += 300) {
        pass_at(f, t);
    }
    assert_int_equal(f->n_sent, 6);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(f->sent[i].t, T0 + at[i]);
        assert_non_null(strstr(f->sent[i].url, url[i]));
        assert_string_equal(f->sent[i].incident, "INC-1");
        assert_string_equal(f->sent[i].service, "s1");
        assert_int_equal(f->sent[i].state, SW_CRITICAL);
    }
    struct sw_incident inc = get(f, 1);
    assert_int_equal(inc.status, SW_INC_TRIGGERED);
    assert_int_equal(inc.next_due, 0);
    assert_int_equal(inc.esc_round, 2);
    assert_int_equal(inc.esc_step, 1);
    sw_incident_release(&inc);
    fx_free(f);
}

/* An acknowledgement stops the escalation; MTTA is ack - open; the recovery then resolves and
 * tells alice, who was paged, and only her. */
static void test_ack_stops(void **state)
{
    struct fx *f = fx_new(0);
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0);
    assert_int_equal(sw_incident_ack(f->store, 1, "alice", T0 + 120, &err), 0);
    assert_int_equal(sw_incident_ack(f->store, 1, "carol", T0 + 130, &err), -EALREADY);
    assert_non_null(strstr(err.data, "already acknowledged by alice"));
    for (int64_t t = T0 + 300; t <= T0 + 6000; t += 300) {
        pass_at(f, t);
    }
    assert_int_equal(f->n_sent, 1);
    struct sw_incident inc = get(f, 1);
    assert_int_equal(inc.status, SW_INC_ACKNOWLEDGED);
    assert_int_equal(sw_incident_mtta(&inc), 120);
    sw_incident_release(&inc);
    sw_inc_manager_level(f->m, "acme/fra1/s1", SW_OK, T0 + 7000, false, "HTTP 200");
    pass_at(f, T0 + 7000);
    assert_int_equal(f->n_sent, 2);
    assert_non_null(strstr(f->sent[1].url, "/a"));
    assert_int_equal(f->sent[1].state, SW_OK);
    inc = get(f, 1);
    assert_int_equal(inc.status, SW_INC_RESOLVED);
    assert_int_equal(sw_incident_mttr(&inc), 7000);
    assert_null(inc.resolved_by);
    sw_incident_release(&inc);
    /* an ack of a resolved incident is refused */
    sw_buf_reset(&err);
    assert_int_equal(sw_incident_ack(f->store, 1, "alice", T0 + 7100, &err), -EINVAL);
    assert_non_null(strstr(err.data, "INC-1 is resolved"));
    assert_int_equal(sw_incident_ack(f->store, 99, "alice", T0 + 7100, &err), -ENOENT);
    sw_buf_release(&err);
    fx_free(f);
}

/* A refused delivery is retried after the back-off (60 s), and then goes through. */
static void test_retry(void **state)
{
    struct fx *f = fx_new(0);
    struct sw_notification *v = NULL;
    size_t n = 0;

    (void)state;
    f->fail_first = 1;
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0);
    pass_at(f, T0 + 59);
    assert_int_equal(f->n_sent, 1);
    pass_at(f, T0 + 60);
    assert_int_equal(f->n_sent, 2);
    assert_int_equal(f->sent[1].t, T0 + 60);
    assert_int_equal(sw_store_incident_notifications(f->store, 1, &v, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].status, SW_NOTIF_SENT);
    assert_int_equal(v[0].attempts, 2);
    sw_notifications_free(v, n);
    fx_free(f);
}

/* alice's channel keeps failing: after 3 attempts (T0, +60, +180) the step falls through to
 * carol at once rather than at +15m. */
static void test_fall_through(void **state)
{
    struct fx *f = fx_new(0);

    (void)state;
    f->fail_url = "http://127.0.0.1:1/a";
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0);
    pass_at(f, T0 + 60);
    pass_at(f, T0 + 180);
    assert_int_equal(f->n_sent, 3);
    pass_at(f, T0 + 181);
    assert_int_equal(f->n_sent, 4);
    assert_non_null(strstr(f->sent[3].url, "/c"));
    assert_int_equal(f->sent[3].t, T0 + 181);
    fx_free(f);
}

/* Nothing opens, nothing is sent, during maintenance; once it ends, the service (still down)
 * opens its incident. */
static void test_maintenance(void **state)
{
    struct fx *f = fx_new(0);
    struct sw_maint_row m = {.scope = "acme/fra1",
                             .start = T0 - 60,
                             .end = T0 + 600,
                             .excluded = true,
                             .created = T0 - 60};
    struct sw_incident *v = NULL;
    size_t n = 0;
    int64_t id;
    struct sw_inc_filter all = {0};

    (void)state;
    assert_int_equal(sw_store_maint_add(f->store, &m, &id), 0);
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0);
    pass_at(f, T0 + 599);
    assert_int_equal(f->n_sent, 0);
    assert_int_equal(sw_store_incident_list(f->store, &all, &v, &n), 0);
    assert_int_equal(n, 0);
    pass_at(f, T0 + 600);
    assert_int_equal(f->n_sent, 1);
    assert_int_equal(f->sent[0].t, T0 + 600);
    fx_free(f);
}

/* compute depends on network: both down: one page (network's); compute's incident is
 * attached and says so; network recovers while compute stays down: compute pages. */
static void test_dependencies(void **state)
{
    struct fx *f = fx_new(0);
    struct sw_inc_event *ev = NULL;
    size_t n_ev = 0;
    bool said = false;

    (void)state;
    down(f, "acme/fra1/compute", T0);
    down(f, "acme/fra1/network", T0);
    pass_at(f, T0);
    assert_int_equal(f->n_sent, 1);
    assert_string_equal(f->sent[0].service, "network");
    struct sw_incident net = get(f, 1), comp = get(f, 2);
    assert_string_equal(net.service, "acme/fra1/network");
    assert_string_equal(comp.service, "acme/fra1/compute");
    assert_int_equal(comp.parent, 1);
    assert_int_equal(sw_store_incident_events(f->store, 1, &ev, &n_ev), 0);
    for (size_t i = 0; i < n_ev; i++) {
        said |= strcmp(ev[i].kind, "attached") == 0 && strstr(ev[i].text, "acme/fra1/compute");
    }
    assert_true(said);
    sw_inc_events_free(ev, n_ev);
    sw_incident_release(&net);
    sw_incident_release(&comp);
    pass_at(f, T0 + 900);
    assert_int_equal(f->n_sent, 2); /* network's second step; nothing for compute */
    assert_string_equal(f->sent[1].service, "network");
    sw_inc_manager_level(f->m, "acme/fra1/network", SW_OK, T0 + 1000, false, "");
    pass_at(f, T0 + 1000);
    pass_at(f, T0 + 1001);
    /* resolved messages to alice and carol, and compute's own first page */
    assert_int_equal(f->n_sent, 5);
    int pages = 0;
    for (int i = 2; i < 5; i++) {
        pages += strcmp(f->sent[i].service, "compute") == 0 && f->sent[i].state == SW_CRITICAL;
    }
    assert_int_equal(pages, 1);
    comp = get(f, 2);
    assert_int_equal(comp.parent, 0);
    sw_incident_release(&comp);
    fx_free(f);
}

/* A storm: threshold 3 in 5 min. Four services of acme/fra1 fail at once. The first two were
 * not a storm when they opened: their pages go out at once, as one summary to alice since the
 * deployment is in a storm by then; the others, opened in the storm, wait 30 s to be gathered
 * and go out as a second summary. */
static void test_storm(void **state)
{
    struct fx *f = fx_new(3);

    (void)state;
    down(f, "acme/fra1/s1", T0);
    down(f, "acme/fra1/s2", T0);
    down(f, "acme/fra1/s3", T0);
    down(f, "acme/fra1/s4", T0);
    pass_at(f, T0);
    assert_int_equal(f->n_sent, 1);
    assert_string_equal(f->sent[0].service, "2 services: s1, s2");
    assert_string_equal(f->sent[0].incident, "INC-1 and 1 more");
    pass_at(f, T0 + 29);
    assert_int_equal(f->n_sent, 1);
    pass_at(f, T0 + 30);
    assert_int_equal(f->n_sent, 2);
    assert_int_equal(f->sent[1].t, T0 + 30);
    assert_string_equal(f->sent[1].service, "2 services: s3, s4");
    assert_string_equal(f->sent[1].incident, "INC-3 and 1 more");
    fx_free(f);
}

/* Recovery resolves; a failure 10 min later re-opens the same incident and pages again; one
 * 20 min after the next resolve opens a new one. */
static void test_reopen(void **state)
{
    struct fx *f = fx_new(0);

    (void)state;
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0);
    sw_inc_manager_level(f->m, "acme/fra1/s1", SW_OK, T0 + 100, false, "");
    pass_at(f, T0 + 100);
    down(f, "acme/fra1/s1", T0 + 700);
    pass_at(f, T0 + 700);
    struct sw_incident inc = get(f, 1);
    assert_int_equal(inc.status, SW_INC_TRIGGERED);
    assert_int_equal(inc.reopened, 1);
    sw_incident_release(&inc);
    assert_int_equal(f->n_sent, 3); /* page, resolved, page again */
    assert_int_equal(f->sent[2].t, T0 + 700);
    sw_inc_manager_level(f->m, "acme/fra1/s1", SW_OK, T0 + 800, false, "");
    pass_at(f, T0 + 800);
    down(f, "acme/fra1/s1", T0 + 2000);
    pass_at(f, T0 + 2000);
    inc = get(f, 2);
    assert_int_equal(inc.status, SW_INC_TRIGGERED);
    sw_incident_release(&inc);
    fx_free(f);
}

/* The daemon stops (here: the manager and store are dropped without a goodbye) after the
 * first step; a new one on the same database sends the second step at +15m exactly once. */
static void test_restart(void **state)
{
    struct fx *f = fx_new(0);

    (void)state;
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0);
    assert_int_equal(f->n_sent, 1);
    fx_close(f);
    fx_open(f);
    down(f, "acme/fra1/s1", T0);
    pass_at(f, T0 + 300);
    assert_int_equal(f->n_sent, 1);
    pass_at(f, T0 + 900);
    pass_at(f, T0 + 901);
    assert_int_equal(f->n_sent, 2);
    assert_non_null(strstr(f->sent[1].url, "/c"));
    fx_free(f);
}

/* A page-level burn-rate alert opens an incident of kind burn-rate (the service itself is
 * OK), pages, and resolves when the alert stops. */
static void test_burn(void **state)
{
    struct fx *f = fx_new(0);
    const char *svc[] = {"acme/fra1/s2"}, *text[] = {"SLO error budget burning 20.0x"};

    (void)state;
    sw_inc_manager_level(f->m, "acme/fra1/s2", SW_OK, T0 - 3600, false, "");
    sw_inc_manager_burn(f->m, svc, text, 1);
    pass_at(f, T0);
    assert_int_equal(f->n_sent, 1);
    assert_string_equal(f->sent[0].service, "s2");
    struct sw_incident inc = get(f, 1);
    assert_int_equal(inc.kind, SW_INC_BURN);
    assert_string_equal(inc.title, "SLO burn: acme / fra1 / s2");
    assert_string_equal(inc.output, "SLO error budget burning 20.0x");
    sw_incident_release(&inc);
    pass_at(f, T0 + 60); /* the service being OK does not resolve it */
    inc = get(f, 1);
    assert_int_equal(inc.status, SW_INC_TRIGGERED);
    sw_incident_release(&inc);
    sw_inc_manager_burn(f->m, NULL, NULL, 0);
    pass_at(f, T0 + 120);
    inc = get(f, 1);
    assert_int_equal(inc.status, SW_INC_RESOLVED);
    assert_int_equal(inc.resolved, T0 + 120);
    sw_incident_release(&inc);
    assert_int_equal(f->n_sent, 2); /* alice told of the resolve */
    assert_int_equal(f->sent[1].state, SW_OK);
    fx_free(f);
}

/* A support case's first response at 75 % of its hour opens an incident of kind case paged
 * through the contract's case_escalation; the team's answer resolves it and tells alice. */
static void test_case_escalation(void **state)
{
    struct fx *f = fx_new(0);
    struct sw_actor alice = {.engineer = "alice"};
    struct sw_case_new c = {
        .customer = "acme", .severity = 1, .title = "API down", .at = T0 - 46 * 60};
    struct sw_case_action reply = {.verb = SW_CASE_RESPOND, .text = "on it", .at = T0 + 60};
    struct sw_buf err;
    int64_t id;

    (void)state;
    sw_buf_init(&err);
    assert_int_equal(sw_case_open(f->store, f->cfg, &alice, &c, T0, &err, &id), 0);
    pass_at(f, T0);
    assert_int_equal(f->n_sent, 1);
    assert_string_equal(f->sent[0].service, "CASE-1");
    assert_int_equal(f->sent[0].state, SW_WARNING);
    struct sw_incident inc = get(f, 1);
    assert_int_equal(inc.kind, SW_INC_CASE);
    assert_string_equal(inc.service, "acme/cases/CASE-1");
    assert_string_equal(inc.title, "Case CASE-1 (severity 1): API down");
    assert_int_equal(inc.since, T0 - 60); /* it reached 45 of its 60 minutes a minute ago */
    sw_incident_release(&inc);
    assert_int_equal(sw_case_act(f->store, f->cfg, &alice, id, &reply, T0 + 60, &err), 0);
    pass_at(f, T0 + 61);
    inc = get(f, 1);
    assert_int_equal(inc.status, SW_INC_RESOLVED);
    sw_incident_release(&inc);
    assert_int_equal(f->n_sent, 2);
    assert_int_equal(f->sent[1].state, SW_OK);
    sw_buf_release(&err);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_contacts),
        cmocka_unit_test(test_storm_group),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_escalation_schedule),
        cmocka_unit_test(test_ack_stops),
        cmocka_unit_test(test_retry),
        cmocka_unit_test(test_fall_through),
        cmocka_unit_test(test_maintenance),
        cmocka_unit_test(test_dependencies),
        cmocka_unit_test(test_storm),
        cmocka_unit_test(test_reopen),
        cmocka_unit_test(test_restart),
        cmocka_unit_test(test_burn),
        cmocka_unit_test(test_case_escalation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
