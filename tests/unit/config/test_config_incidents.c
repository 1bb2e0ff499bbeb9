/* SPDX-License-Identifier: Apache-2.0 */
/* test_config_incidents.c: unit tests of src/config for incident settings: the top-level
 * 'incidents' block and its defaults, a service's 'incident' block and 'severity' taking
 * precedence over its contract's and the default, contracts' severity and burn_incidents,
 * services' depends_on (by id, by path, unknown, duplicate, cycles) and contacts' 'when';
 * every error with its exact "FILE:LINE:COL: message". */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

#define CRIT (1u << SW_CRITICAL)
#define WARN (1u << SW_WARNING)
#define UNKN (1u << SW_UNKNOWN)

static struct sw_config *parse_ok(const char *yaml)
{
    struct sw_config *c = NULL;
    struct sw_buf b;
    int r;

    sw_buf_init(&b);
    r = sw_config_parse("t.yaml", yaml, strlen(yaml), &b, &c);
    if (r != 0) {
        print_error("%s", b.data ? b.data : "(no message)");
    }
    assert_int_equal(r, 0);
    assert_non_null(c);
    assert_null(b.data);
    sw_buf_release(&b);
    return c;
}

static void check_errors(const char *yaml, const char *expected)
{
    struct sw_config *c = NULL;
    struct sw_buf b;
    int r;

    sw_buf_init(&b);
    r = sw_config_parse("t.yaml", yaml, strlen(yaml), &b, &c);
    assert_int_equal(r, -EINVAL);
    assert_null(c);
    assert_string_equal(b.data ? b.data : "", expected);
    sw_buf_release(&b);
}

static const struct sw_service_conf *svc(const struct sw_config *c, const char *path)
{
    const struct sw_service_conf *s = sw_config_find_service(c, path);

    if (!s) {
        print_error("no service %s\n", path);
    }
    assert_non_null(s);
    return s;
}

static void assert_incident(const struct sw_incident_conf *in, unsigned on, int severity,
                            bool auto_resolve, int64_t reopen_s)
{
    assert_int_equal(in->on_states, on);
    assert_int_equal(in->severity, severity);
    assert_int_equal(in->auto_resolve, auto_resolve);
    assert_int_equal(in->reopen_within_s, reopen_s);
}

static void assert_default_block(const struct sw_incidents_conf *in, const char *public_url)
{
    assert_incident(&in->defaults, CRIT, 3, true, 900);
    assert_string_equal(in->public_url, public_url);
    assert_true(in->notify_resolved);
    assert_int_equal(in->retry_attempts, 4);
    assert_int_equal(in->retry_base_ms, 30000);
    assert_int_equal(in->retry_cap_ms, 600000);
    assert_int_equal(in->storm_threshold, 5);
    assert_int_equal(in->storm_window_s, 300);
    assert_int_equal(in->storm_wait_s, 30);
    assert_false(in->burn_rate);
}

/* Lines 1-5 of most documents below; services start on line 6. */
#define FLEET_HEAD                                                                                 \
    "customers:\n"                                                                                 \
    "  - id: acme\n"                                                                               \
    "    deployments:\n"                                                                           \
    "      - id: fra1\n"                                                                           \
    "        services:\n"

#define CHK "checks: [{id: c, type: passive}]"

static void test_defaults(void **state)
{
    struct sw_config *c;
    const struct sw_service_conf *s;

    (void)state;
    c = parse_ok("");
    assert_default_block(&c->incidents, "http://127.0.0.1:8080");
    sw_config_unref(c);

    c = parse_ok("listen: '[::1]:9090'\n"
                 "contracts:\n"
                 "  - {id: gold, objectives: [{services: ['*/*'], target: 99.9}]}\n"
                 "engineers:\n"
                 "  - {id: alice, contacts: [{channel: hook}]}\n"
                 "channels:\n"
                 "  - {id: hook, type: webhook, url: 'http://127.0.0.1:9/h'}\n"
                 "customers:\n"
                 "  - id: acme\n"
                 "    contract: gold\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        services:\n"
                 "          - {id: web, " CHK "}\n");
    assert_default_block(&c->incidents, "http://[::1]:9090");
    assert_int_equal(c->contracts[0].severity, 0);
    assert_int_equal(c->contracts[0].burn_incidents, -1);
    assert_int_equal(c->engineers[0].contacts[0].when, SW_CONTACT_ALWAYS);
    s = svc(c, "acme/fra1/web");
    assert_incident(&s->incident, CRIT, 3, true, 900);
    assert_null(s->depends_on);
    assert_int_equal(s->n_depends_on, 0);
    sw_config_unref(c);
}

static void test_top_level_all_keys(void **state)
{
    struct sw_config *c;
    const struct sw_service_conf *s;

    (void)state;
    c = parse_ok("listen: 0.0.0.0:8080\n"
                 "incidents:\n"
                 "  on: [unknown, warning, critical]\n"
                 "  severity: sev2\n"
                 "  auto_resolve: false\n"
                 "  reopen_within: 1h30m\n"
                 "  public_url: 'https://stackward.example/ops//'\n"
                 "  notify_resolved: false\n"
                 "  retry: {attempts: 20, base: 1s, cap: 1d}\n"
                 "  storm: {threshold: 0, window: 1d, wait: 1h}\n"
                 "  burn_rate: true\n" FLEET_HEAD "          - {id: web, " CHK "}\n");
    assert_incident(&c->incidents.defaults, WARN | CRIT | UNKN, 2, false, 5400);
    assert_string_equal(c->incidents.public_url, "https://stackward.example/ops");
    assert_false(c->incidents.notify_resolved);
    assert_int_equal(c->incidents.retry_attempts, 20);
    assert_int_equal(c->incidents.retry_base_ms, 1000);
    assert_int_equal(c->incidents.retry_cap_ms, 86400000);
    assert_int_equal(c->incidents.storm_threshold, 0);
    assert_int_equal(c->incidents.storm_window_s, 86400);
    assert_int_equal(c->incidents.storm_wait_s, 3600);
    assert_true(c->incidents.burn_rate);
    s = svc(c, "acme/fra1/web");
    assert_incident(&s->incident, WARN | CRIT | UNKN, 2, false, 5400);
    sw_config_unref(c);

    /* the other bounds, each key of a sub-block alone, and the brief's example */
    c = parse_ok("incidents:\n"
                 "  on: [critical]\n"
                 "  severity: sev3\n"
                 "  auto_resolve: true\n"
                 "  reopen_within: 0s\n"
                 "  public_url: \"https://stackward.example\"\n"
                 "  notify_resolved: true\n"
                 "  retry: {attempts: 1, base: 10m}\n"
                 "  storm: {threshold: 1000, window: 1s, wait: 0}\n"
                 "  burn_rate: false\n");
    assert_incident(&c->incidents.defaults, CRIT, 3, true, 0);
    assert_string_equal(c->incidents.public_url, "https://stackward.example");
    assert_int_equal(c->incidents.retry_attempts, 1);
    assert_int_equal(c->incidents.retry_base_ms, 600000);
    assert_int_equal(c->incidents.retry_cap_ms, 600000);
    assert_int_equal(c->incidents.storm_threshold, 1000);
    assert_int_equal(c->incidents.storm_window_s, 1);
    assert_int_equal(c->incidents.storm_wait_s, 0);
    sw_config_unref(c);

    c = parse_ok("incidents:\n"
                 "  reopen_within: 0\n"
                 "  retry: {cap: 30s}\n"
                 "  storm: {wait: 0s}\n");
    assert_int_equal(c->incidents.defaults.reopen_within_s, 0);
    assert_int_equal(c->incidents.retry_base_ms, 30000);
    assert_int_equal(c->incidents.retry_cap_ms, 30000);
    assert_int_equal(c->incidents.storm_wait_s, 0);
    assert_int_equal(c->incidents.storm_window_s, 300);
    sw_config_unref(c);

    c = parse_ok("incidents: {public_url: 'http://10.0.0.1:8080/'}\n");
    assert_string_equal(c->incidents.public_url, "http://10.0.0.1:8080");
    assert_incident(&c->incidents.defaults, CRIT, 3, true, 900);
    sw_config_unref(c);
}

/* Each key of a service's incident block replaces the inherited one and only that one. */
static void test_service_overrides(void **state)
{
    struct sw_config *c;

    (void)state;
    c = parse_ok("incidents: {on: [warning, critical], severity: sev4, auto_resolve: true, "
                 "reopen_within: 10m}\n" FLEET_HEAD "          - {id: inherit, " CHK "}\n"
                 "          - {id: on, incident: {on: [unknown]}, " CHK "}\n"
                 "          - {id: sev, incident: {severity: sev1}, " CHK "}\n"
                 "          - {id: auto, incident: {auto_resolve: false}, " CHK "}\n"
                 "          - {id: reopen, incident: {reopen_within: 0s}, " CHK "}\n"
                 "          - {id: short, severity: sev2, " CHK "}\n"
                 "          - {id: empty, incident: {}, " CHK "}\n"
                 "          - id: all\n"
                 "            incident:\n"
                 "              on: [critical, unknown]\n"
                 "              severity: sev2\n"
                 "              auto_resolve: false\n"
                 "              reopen_within: 30m\n"
                 "            " CHK "\n");
    assert_incident(&svc(c, "acme/fra1/inherit")->incident, WARN | CRIT, 4, true, 600);
    assert_incident(&svc(c, "acme/fra1/on")->incident, UNKN, 4, true, 600);
    assert_incident(&svc(c, "acme/fra1/sev")->incident, WARN | CRIT, 1, true, 600);
    assert_incident(&svc(c, "acme/fra1/auto")->incident, WARN | CRIT, 4, false, 600);
    assert_incident(&svc(c, "acme/fra1/reopen")->incident, WARN | CRIT, 4, true, 0);
    assert_incident(&svc(c, "acme/fra1/short")->incident, WARN | CRIT, 2, true, 600);
    assert_incident(&svc(c, "acme/fra1/empty")->incident, WARN | CRIT, 4, true, 600);
    assert_incident(&svc(c, "acme/fra1/all")->incident, CRIT | UNKN, 2, false, 1800);
    /* the block is the services' own: the defaults stay as written */
    assert_incident(&c->incidents.defaults, WARN | CRIT, 4, true, 600);
    sw_config_unref(c);
}

/* The service's own severity, else its contract's, else the top-level default. */
static void test_severity_precedence(void **state)
{
    struct sw_config *c;

    (void)state;
    c = parse_ok("incidents: {severity: sev4}\n"
                 "contracts:\n"
                 "  - id: gold\n"
                 "    severity: sev2\n"
                 "    burn_incidents: true\n"
                 "    objectives: [{services: ['*/*'], target: 99.9}]\n"
                 "  - id: silver\n"
                 "    burn_incidents: false\n"
                 "    objectives: [{services: ['*/*'], target: 99}]\n"
                 "customers:\n"
                 "  - id: acme\n"
                 "    contract: gold\n"
                 "    deployments:\n"
                 "      - id: d\n"
                 "        services:\n"
                 "          - {id: plain, " CHK "}\n"
                 "          - {id: short, severity: sev1, " CHK "}\n"
                 "          - {id: block, incident: {severity: sev3}, " CHK "}\n"
                 "          - {id: both, severity: sev1, incident: {severity: sev1}, " CHK "}\n"
                 "          - {id: other, incident: {on: [warning]}, " CHK "}\n"
                 "  - id: initech\n"
                 "    contract: silver\n"
                 "    deployments: [{id: d, services: [{id: plain, " CHK "}]}]\n"
                 "  - id: hooli\n"
                 "    deployments: [{id: d, services: [{id: plain, " CHK "}, {id: s, severity: "
                 "sev3, " CHK "}]}]\n");
    assert_int_equal(c->contracts[0].severity, 2);
    assert_int_equal(c->contracts[0].burn_incidents, 1);
    assert_int_equal(c->contracts[1].severity, 0);
    assert_int_equal(c->contracts[1].burn_incidents, 0);
    assert_int_equal(svc(c, "acme/d/plain")->incident.severity, 2);
    assert_int_equal(svc(c, "acme/d/short")->incident.severity, 1);
    assert_int_equal(svc(c, "acme/d/block")->incident.severity, 3);
    assert_int_equal(svc(c, "acme/d/both")->incident.severity, 1);
    assert_incident(&svc(c, "acme/d/other")->incident, WARN, 2, true, 900);
    assert_int_equal(svc(c, "initech/d/plain")->incident.severity, 4);
    assert_int_equal(svc(c, "hooli/d/plain")->incident.severity, 4);
    assert_int_equal(svc(c, "hooli/d/s")->incident.severity, 3);
    sw_config_unref(c);
}

static void test_depends_on(void **state)
{
    struct sw_config *c;
    const struct sw_service_conf *net, *comp, *st, *dep, *other;

    (void)state;
    /* forward and backward, by id and by path, across customers; a diamond is no cycle */
    c = parse_ok(FLEET_HEAD "          - {id: compute, depends_on: [network, storage, "
                            "other-customer/dep/svc], " CHK "}\n"
                            "          - {id: network, " CHK "}\n"
                            "          - {id: storage, depends_on: [acme/fra1/network], " CHK "}\n"
                            "      - id: ams1\n"
                            "        services:\n"
                            "          - {id: network, depends_on: [acme/fra1/network], " CHK "}\n"
                            "          - {id: svc, depends_on: [network, acme/fra1/compute], " CHK
                            "}\n"
                            "  - id: other-customer\n"
                            "    deployments:\n"
                            "      - id: dep\n"
                            "        services:\n"
                            "          - {id: svc, depends_on: [], " CHK "}\n");
    comp = svc(c, "acme/fra1/compute");
    net = svc(c, "acme/fra1/network");
    st = svc(c, "acme/fra1/storage");
    other = svc(c, "other-customer/dep/svc");
    assert_int_equal(comp->n_depends_on, 3);
    assert_ptr_equal(comp->depends_on[0], net);
    assert_ptr_equal(comp->depends_on[1], st);
    assert_ptr_equal(comp->depends_on[2], other);
    assert_int_equal(net->n_depends_on, 0);
    assert_int_equal(st->n_depends_on, 1);
    assert_ptr_equal(st->depends_on[0], net);
    dep = svc(c, "acme/ams1/network");
    assert_int_equal(dep->n_depends_on, 1);
    assert_ptr_equal(dep->depends_on[0], net);
    dep = svc(c, "acme/ams1/svc");
    assert_int_equal(dep->n_depends_on, 2);
    /* the sibling, not acme/fra1/network */
    assert_ptr_equal(dep->depends_on[0], svc(c, "acme/ams1/network"));
    assert_ptr_equal(dep->depends_on[1], comp);
    assert_int_equal(other->n_depends_on, 0);
    /* the config's flat array and index agree with the pointers */
    assert_ptr_equal(c->services[comp->depends_on[2]->index], other);
    sw_config_unref(c);
}

static void test_contact_when(void **state)
{
    struct sw_config *c;
    const struct sw_engineer_conf *en;

    (void)state;
    c = parse_ok("channels:\n"
                 "  - {id: chat, type: webhook, url: 'http://127.0.0.1:9/h'}\n"
                 "  - {id: mail, type: email, smtp: 'smtp://127.0.0.1:25', from: s@example.com}\n"
                 "engineers:\n"
                 "  - id: alice\n"
                 "    working_hours: {days: mon-fri, start: '09:00', end: '18:00'}\n"
                 "    contacts: [{channel: chat, when: working_hours}, {channel: mail, address: "
                 "a@example.com, when: always}, {channel: chat, address: '@alice', when: "
                 "off_hours}, {channel: mail, address: b@example.com}]\n"
                 "  - {id: bob, contacts: [{channel: chat, when: always}]}\n");
    en = sw_config_find_engineer(c, "alice");
    assert_non_null(en);
    assert_int_equal(en->n_contacts, 4);
    assert_int_equal(en->contacts[0].when, SW_CONTACT_WORKING_HOURS);
    assert_null(en->contacts[0].address);
    assert_int_equal(en->contacts[1].when, SW_CONTACT_ALWAYS);
    assert_string_equal(en->contacts[1].address, "a@example.com");
    assert_int_equal(en->contacts[2].when, SW_CONTACT_OFF_HOURS);
    assert_string_equal(en->contacts[2].address, "@alice");
    assert_int_equal(en->contacts[3].when, SW_CONTACT_ALWAYS);
    en = sw_config_find_engineer(c, "bob");
    assert_int_equal(en->contacts[0].when, SW_CONTACT_ALWAYS);
    sw_config_unref(c);
}

static void test_err_incidents_block(void **state)
{
    (void)state;
    check_errors("incidents:\n"
                 "  on: [ok, critical, Critical, critical, [x]]\n"
                 "  severity: sev5\n"
                 "  auto_resolve: yes\n"
                 "  reopen_within: 15\n"
                 "  public_url: 'ftp://stackward.example'\n"
                 "  notify_resolved: 1\n"
                 "  retry: {attempts: 0, base: 0s, cap: 2d, jitter: 1s}\n"
                 "  storm: {threshold: 1001, window: 0s, wait: 2h}\n"
                 "  burn_rate: on\n"
                 "  escalation: default\n",
                 "t.yaml:2:8: state 'ok' cannot open an incident (warning, critical or "
                 "unknown)\n"
                 "t.yaml:2:22: bad state 'Critical' (warning, critical or unknown)\n"
                 "t.yaml:2:32: duplicate state 'critical' in 'on' (first at t.yaml:2:12)\n"
                 "t.yaml:2:42: 'state' must be a string, found a list\n"
                 "t.yaml:3:13: bad severity 'sev5' (sev1, sev2, sev3 or sev4)\n"
                 "t.yaml:4:17: 'auto_resolve' must be true or false, found 'yes'\n"
                 "t.yaml:5:18: bad duration '15' for 'reopen_within' (a number with a unit: ms, "
                 "s, m, h, d, w; e.g. 30s or 1h30m)\n"
                 "t.yaml:6:15: bad public_url: the scheme must be http or https\n"
                 "t.yaml:7:20: 'notify_resolved' must be true or false, found '1'\n"
                 "t.yaml:8:21: 'attempts' must be between 1 and 20, found '0'\n"
                 "t.yaml:8:30: 'base' must be greater than 0\n"
                 "t.yaml:8:39: 'cap' must be between 1s and 1d, found '2d'\n"
                 "t.yaml:8:43: unknown key 'jitter' in 'retry'\n"
                 "t.yaml:9:22: 'threshold' must be between 0 and 1000, found '1001'\n"
                 "t.yaml:9:36: 'window' must be greater than 0\n"
                 "t.yaml:9:46: 'wait' must be between 0s and 1h, found '2h'\n"
                 "t.yaml:10:14: 'burn_rate' must be true or false, found 'on'\n"
                 "t.yaml:11:3: unknown key 'escalation' in 'incidents'\n");

    check_errors("incidents:\n"
                 "  on: []\n"
                 "  retry: {attempts: 21, base: 500ms, cap: 1500ms}\n"
                 "  storm: {window: 2d, wait: 1500ms}\n"
                 "  public_url: 'https://user:pw@stackward.example'\n"
                 "  reopen_within: 1500ms\n",
                 "t.yaml:2:7: 'on' must not be empty (warning, critical or unknown)\n"
                 "t.yaml:3:21: 'attempts' must be between 1 and 20, found '21'\n"
                 "t.yaml:3:31: 'base' must be between 1s and 1d, found '500ms'\n"
                 "t.yaml:4:19: 'window' must be between 1s and 1d, found '2d'\n"
                 "t.yaml:4:29: 'wait' must be a whole number of seconds\n"
                 "t.yaml:5:15: bad public_url: credentials in the URL are not allowed\n"
                 "t.yaml:6:18: 'reopen_within' must be a whole number of seconds\n");

    /* cap below base: at cap when given, else at base (the default cap is 10m) */
    check_errors("incidents:\n"
                 "  retry: {base: 5m, cap: 1m}\n",
                 "t.yaml:2:26: 'cap' (1m) must not be shorter than 'base' (5m)\n");
    check_errors("incidents:\n"
                 "  retry: {base: 1h}\n",
                 "t.yaml:2:17: 'base' (1h) must not be longer than 'cap' (10m, the default)\n");

    check_errors("incidents:\n"
                 "  on: critical\n"
                 "  public_url: 'https://stackward.example/x?a=1'\n"
                 "  retry: 3\n"
                 "  storm: []\n",
                 "t.yaml:2:7: 'on' must be a list, found 'critical'\n"
                 "t.yaml:3:15: bad public_url: no query or fragment (incident links are "
                 "PUBLIC_URL/api/v1/incidents/ID)\n"
                 "t.yaml:4:10: 'retry' must be a mapping, found '3'\n"
                 "t.yaml:5:10: 'storm' must be a mapping, found a list\n");
}

static void test_err_incidents_misc(void **state)
{
    (void)state;
    check_errors("incidents: [critical]\n"
                 "incidents:\n"
                 "  public_url: 'https://stackward.example/#top'\n",
                 "t.yaml:1:12: 'incidents' must be a mapping, found a list\n"
                 "t.yaml:2:1: duplicate key 'incidents' (first at t.yaml:1:1)\n");
    check_errors("incidents:\n"
                 "  public_url: 'https://stackward.example/#top'\n"
                 "  severity: 2\n"
                 "  on: [CRITICAL]\n",
                 "t.yaml:2:15: bad public_url: no query or fragment (incident links are "
                 "PUBLIC_URL/api/v1/incidents/ID)\n"
                 "t.yaml:3:13: bad severity '2' (sev1, sev2, sev3 or sev4)\n"
                 "t.yaml:4:8: bad state 'CRITICAL' (warning, critical or unknown)\n");
    check_errors("incidents:\n"
                 "  public_url: 'not a url'\n",
                 "t.yaml:2:15: bad public_url: Bad scheme\n");
}

static void test_err_contracts(void **state)
{
    (void)state;
    check_errors("contracts:\n"
                 "  - id: gold\n"
                 "    objectives: [{services: ['*/*'], target: 99.9}]\n"
                 "    severity: 1\n"
                 "    burn_incidents: maybe\n"
                 "  - {id: silver, severity: [sev1], burn_incidents: ~, support: []}\n",
                 "t.yaml:4:15: bad severity '1' (sev1, sev2, sev3 or sev4)\n"
                 "t.yaml:5:21: 'burn_incidents' must be true or false, found 'maybe'\n"
                 "t.yaml:6:28: 'severity' must be a string, found a list\n"
                 "t.yaml:6:52: 'burn_incidents' must be true or false, found nothing\n"
                 "t.yaml:6:64: 'support' must not be empty (leave it out for no support "
                 "terms)\n");
}

static void test_err_service(void **state)
{
    (void)state;
    check_errors(FLEET_HEAD "          - id: a\n"
                            "            severity: sev1\n"
                            "            incident: {severity: sev2, on: [warning], page: true}\n"
                            "            depends_on: [nope, b, acme/fra1/b, a, acme/fra1/a, "
                            "x/y/z, acme/fra1, '', [b]]\n"
                            "            " CHK "\n"
                            "          - {id: b, severity: high, incident: {public_url: "
                            "'http://x'}, " CHK "}\n"
                            "          - {id: c, depends_on: b, incident: [sev1], " CHK "}\n",
                 "t.yaml:8:34: 'incident.severity' (sev2) differs from the service's "
                 "'severity' (sev1, at t.yaml:7:23): give it once\n"
                 "t.yaml:8:55: unknown key 'page' in 'incident'\n"
                 "t.yaml:9:26: unknown service 'nope' in 'depends_on' (a service id of "
                 "deployment 'acme/fra1', or a path CUSTOMER/DEPLOYMENT/SERVICE)\n"
                 "t.yaml:9:35: duplicate service 'acme/fra1/b' in 'depends_on' (first at "
                 "t.yaml:9:32)\n"
                 "t.yaml:9:48: service 'acme/fra1/a' cannot depend on itself\n"
                 "t.yaml:9:51: service 'acme/fra1/a' cannot depend on itself\n"
                 "t.yaml:9:64: unknown service 'x/y/z' in 'depends_on' (a service id of "
                 "deployment 'acme/fra1', or a path CUSTOMER/DEPLOYMENT/SERVICE)\n"
                 "t.yaml:9:71: unknown service 'acme/fra1' in 'depends_on' (a service id of "
                 "deployment 'acme/fra1', or a path CUSTOMER/DEPLOYMENT/SERVICE)\n"
                 "t.yaml:9:82: 'depends_on' must not be empty\n"
                 "t.yaml:9:86: 'depends_on' must be a string, found a list\n"
                 "t.yaml:11:31: bad severity 'high' (sev1, sev2, sev3 or sev4)\n"
                 "t.yaml:11:48: unknown key 'public_url' in 'incident'\n"
                 "t.yaml:12:33: 'depends_on' must be a list, found 'b'\n"
                 "t.yaml:12:46: 'incident' must be a mapping, found a list\n");
}

static void test_err_cycles(void **state)
{
    (void)state;
    /* a -> b -> a: reported once, at the entry that closes it */
    check_errors(FLEET_HEAD "          - {id: a, depends_on: [b], " CHK "}\n"
                            "          - {id: b, depends_on: [a], " CHK "}\n",
                 "t.yaml:7:34: dependency cycle: acme/fra1/b -> acme/fra1/a -> acme/fra1/b\n");
    /* a 3-cycle through a full path and another deployment, beside a service outside it */
    check_errors(FLEET_HEAD "          - {id: a, depends_on: [b], " CHK "}\n"
                            "          - {id: b, depends_on: [acme/ams1/c], " CHK "}\n"
                            "          - {id: d, depends_on: [a], " CHK "}\n"
                            "      - id: ams1\n"
                            "        services:\n"
                            "          - {id: c, depends_on: [x, acme/fra1/a], " CHK "}\n"
                            "          - {id: x, " CHK "}\n",
                 "t.yaml:11:37: dependency cycle: acme/ams1/c -> acme/fra1/a -> acme/fra1/b "
                 "-> acme/ams1/c\n");
    /* two cycles sharing a service: each closing edge is reported */
    check_errors(FLEET_HEAD "          - {id: a, depends_on: [b, c], " CHK "}\n"
                            "          - {id: b, depends_on: [a], " CHK "}\n"
                            "          - {id: c, depends_on: [a], " CHK "}\n",
                 "t.yaml:7:34: dependency cycle: acme/fra1/b -> acme/fra1/a -> acme/fra1/b\n"
                 "t.yaml:8:34: dependency cycle: acme/fra1/c -> acme/fra1/a -> acme/fra1/c\n");
}

/* A long cycle is named by its ends: the first and last eight services around it. */
static void test_err_long_cycle(void **state)
{
    struct sw_buf y, want;

    (void)state;
    sw_buf_init(&y);
    sw_buf_init(&want);
    sw_buf_puts(&y, FLEET_HEAD);
    for (int i = 0; i < 20; i++) {
        sw_buf_printf(&y, "          - {id: s%02d, depends_on: [s%02d], " CHK "}\n", i,
                      (i + 1) % 20);
    }
    sw_buf_puts(&want, "t.yaml:25:36: dependency cycle: acme/fra1/s19");
    for (int i = 0; i < 8; i++) {
        sw_buf_printf(&want, " -> acme/fra1/s%02d", i);
    }
    sw_buf_puts(&want, " -> ... (4 more)");
    for (int i = 12; i < 20; i++) {
        sw_buf_printf(&want, " -> acme/fra1/s%02d", i);
    }
    sw_buf_puts(&want, "\n");
    check_errors(y.data, want.data);
    sw_buf_release(&y);
    sw_buf_release(&want);
}

static void test_err_when(void **state)
{
    (void)state;
    check_errors("channels:\n"
                 "  - {id: chat, type: webhook, url: 'http://127.0.0.1:9/h'}\n"
                 "engineers:\n"
                 "  - id: alice\n"
                 "    contacts: [{channel: chat, when: working_hours}, {channel: chat, when: "
                 "off_hours}, {channel: chat, when: sometimes}, {channel: chat, when: always, "
                 "at: x}]\n"
                 "  - id: bob\n"
                 "    working_hours: {days: someday, start: '09:00', end: '18:00'}\n"
                 "    contacts: [{channel: chat, when: working_hours}, {channel: chat, when: "
                 "[always]}]\n",
                 "t.yaml:5:38: 'when: working_hours' needs the engineer's 'working_hours'\n"
                 "t.yaml:5:76: 'when: off_hours' needs the engineer's 'working_hours'\n"
                 "t.yaml:5:110: bad when 'sometimes' (always, working_hours or off_hours)\n"
                 "t.yaml:5:152: unknown key 'at' in a contact\n"
                 "t.yaml:7:27: bad days 'someday' (day names and ranges, e.g. mon-fri or "
                 "sat,sun)\n"
                 "t.yaml:8:76: 'when' must be a string, found a list\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_top_level_all_keys),
        cmocka_unit_test(test_service_overrides),
        cmocka_unit_test(test_severity_precedence),
        cmocka_unit_test(test_depends_on),
        cmocka_unit_test(test_contact_when),
        cmocka_unit_test(test_err_incidents_block),
        cmocka_unit_test(test_err_incidents_misc),
        cmocka_unit_test(test_err_contracts),
        cmocka_unit_test(test_err_service),
        cmocka_unit_test(test_err_cycles),
        cmocka_unit_test(test_err_long_cycle),
        cmocka_unit_test(test_err_when),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
