/* SPDX-License-Identifier: Apache-2.0 */
/* test_juju_parse.c: unit tests of src/probe/juju_parse.c: the state table, `juju status
 * --format=json` documents (tests/data/juju: a healthy OpenStack model, one with errors and
 * a lost agent, one cut short) read into exact units and applications, every error
 * message, and the configuration fragment: its exact text, and that the configuration
 * loader (sw_config_parse()) accepts it under a customer's deployment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "probe/juju.h"

/* Reads tests/data/juju/NAME; the caller frees. */
static char *data_file(const char *name, size_t *ret_len)
{
    const char *dir = getenv("SW_PROBE_TESTDIR");
    char *path, *s;
    long n;
    FILE *f;

    assert_non_null(dir);
    path = sw_xasprintf("%s/../../data/juju/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
    }
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    s = sw_xmalloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    free(path);
    *ret_len = (size_t)n;
    return s;
}

static void parse_ok(const char *body, size_t len, struct sw_juju_status *st)
{
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    memset(st, 0, sizeof(*st));
    r = sw_juju_parse(body, len, st, &err);
    if (r != 0) {
        print_error("%s\n", err.data);
    }
    assert_int_equal(r, 0);
    assert_null(err.data);
    sw_buf_release(&err);
}

static void parse_file(const char *name, struct sw_juju_status *st)
{
    size_t len;
    char *body = data_file(name, &len);

    parse_ok(body, len, st);
    free(body);
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (want) {
        assert_non_null(got);
        assert_string_equal(got, want);
    } else {
        assert_null(got);
    }
}

struct want_unit {
    const char *name;
    const char *app;
    unsigned number;
    const char *check_id;
    const char *workload;
    const char *workload_msg;
    const char *agent;
    const char *agent_msg;
    const char *machine;
    const char *principal;
    enum sw_state state;
    const char *output;
};

static void check_unit(const struct sw_juju_unit *u, const struct want_unit *w)
{
    assert_string_equal(u->name, w->name);
    assert_string_equal(u->app, w->app);
    assert_int_equal(u->number, w->number);
    assert_string_equal(u->check_id, w->check_id);
    assert_str_or_null(u->workload, w->workload);
    assert_str_or_null(u->workload_msg, w->workload_msg);
    assert_str_or_null(u->agent, w->agent);
    assert_str_or_null(u->agent_msg, w->agent_msg);
    assert_str_or_null(u->machine, w->machine);
    assert_str_or_null(u->principal, w->principal);
    assert_string_equal(sw_state_name(u->state), sw_state_name(w->state));
    assert_string_equal(u->output, w->output);
}

static void check_app(const struct sw_juju_app *a, const char *name, const char *service_id,
                      const char *charm, bool subordinate, const char *status, size_t n_units)
{
    assert_string_equal(a->name, name);
    assert_string_equal(a->service_id, service_id);
    assert_str_or_null(a->charm, charm);
    assert_int_equal(a->subordinate, subordinate);
    assert_str_or_null(a->status, status);
    assert_int_equal(a->n_units, n_units);
}

/* ---- the state table ---- */

static void test_states(void **state)
{
    (void)state;
    assert_int_equal(sw_juju_workload_state("active"), SW_OK);
    assert_int_equal(sw_juju_workload_state("maintenance"), SW_WARNING);
    assert_int_equal(sw_juju_workload_state("waiting"), SW_WARNING);
    assert_int_equal(sw_juju_workload_state("blocked"), SW_CRITICAL);
    assert_int_equal(sw_juju_workload_state("error"), SW_CRITICAL);
    assert_int_equal(sw_juju_workload_state("terminated"), SW_CRITICAL);
    assert_int_equal(sw_juju_workload_state("unknown"), SW_UNKNOWN);
    assert_int_equal(sw_juju_workload_state("Active"), SW_UNKNOWN);
    assert_int_equal(sw_juju_workload_state("idle"), SW_UNKNOWN);
    assert_int_equal(sw_juju_workload_state(NULL), SW_UNKNOWN);

    assert_int_equal(sw_juju_agent_state("idle"), SW_OK);
    assert_int_equal(sw_juju_agent_state("executing"), SW_OK);
    assert_int_equal(sw_juju_agent_state("allocating"), SW_WARNING);
    assert_int_equal(sw_juju_agent_state("rebooting"), SW_WARNING);
    assert_int_equal(sw_juju_agent_state("lost"), SW_CRITICAL);
    assert_int_equal(sw_juju_agent_state("failed"), SW_CRITICAL);
    assert_int_equal(sw_juju_agent_state("error"), SW_CRITICAL);
    assert_int_equal(sw_juju_agent_state("started"), SW_UNKNOWN);
    assert_int_equal(sw_juju_agent_state("active"), SW_UNKNOWN);
    assert_int_equal(sw_juju_agent_state(NULL), SW_UNKNOWN);

    /* the worse of the two, in the order OK < WARNING < UNKNOWN < CRITICAL */
    assert_int_equal(sw_juju_unit_state("active", "idle"), SW_OK);
    assert_int_equal(sw_juju_unit_state("active", "allocating"), SW_WARNING);
    assert_int_equal(sw_juju_unit_state("maintenance", "executing"), SW_WARNING);
    assert_int_equal(sw_juju_unit_state("waiting", "rebooting"), SW_WARNING);
    assert_int_equal(sw_juju_unit_state("unknown", "idle"), SW_UNKNOWN);
    assert_int_equal(sw_juju_unit_state("maintenance", NULL), SW_UNKNOWN);
    assert_int_equal(sw_juju_unit_state("unknown", "lost"), SW_CRITICAL);
    assert_int_equal(sw_juju_unit_state("blocked", "idle"), SW_CRITICAL);
    assert_int_equal(sw_juju_unit_state("active", "failed"), SW_CRITICAL);
    assert_int_equal(sw_juju_unit_state("error", "allocating"), SW_CRITICAL);
    assert_int_equal(sw_juju_unit_state(NULL, "error"), SW_CRITICAL);
}

/* ---- documents ---- */

#define MIC_RW "Unit is ready: Mode: R/W, Cluster is ONLINE and can tolerate up to ONE failure."
#define MIC_RO "Unit is ready: Mode: R/O, Cluster is ONLINE and can tolerate up to ONE failure."

static void test_openstack(void **state)
{
    static const struct want_unit want[] = {
        {"keystone/0", "keystone", 0, "keystone-0", "active", "Unit is ready", "idle", NULL,
         "0/lxd/1", NULL, SW_OK, "workload active (Unit is ready), agent idle"},
        {"keystone-mysql-router/0", "keystone-mysql-router", 0, "keystone-mysql-router-0", "active",
         "Unit is ready", "idle", NULL, "0/lxd/1", "keystone/0", SW_OK,
         "workload active (Unit is ready), agent idle"},
        /* by number, not by text: 2, 9, 10 */
        {"mysql-innodb-cluster/2", "mysql-innodb-cluster", 2, "mysql-innodb-cluster-2", "active",
         MIC_RW, "executing", "running update-status hook", "0/lxd/0", NULL, SW_OK,
         "workload active (" MIC_RW "), agent executing (running update-status hook)"},
        {"mysql-innodb-cluster/9", "mysql-innodb-cluster", 9, "mysql-innodb-cluster-9", "active",
         MIC_RO, "idle", NULL, "1/lxd/0", NULL, SW_OK, "workload active (" MIC_RO "), agent idle"},
        {"mysql-innodb-cluster/10", "mysql-innodb-cluster", 10, "mysql-innodb-cluster-10", "active",
         MIC_RO, "idle", NULL, "2/lxd/0", NULL, SW_OK, "workload active (" MIC_RO "), agent idle"},
        {"nova-compute/0", "nova-compute", 0, "nova-compute-0", "active", "Unit is ready", "idle",
         NULL, "1", NULL, SW_OK, "workload active (Unit is ready), agent idle"},
        {"nova-compute/1", "nova-compute", 1, "nova-compute-1", "maintenance",
         "Installing packages", "executing", "running install hook", "2", NULL, SW_WARNING,
         "workload maintenance (Installing packages), agent executing (running install hook)"},
        {"ntp/0", "ntp", 0, "ntp-0", "active", "chrony: Ready", "idle", NULL, "1", "nova-compute/0",
         SW_OK, "workload active (chrony: Ready), agent idle"},
        {"ntp/1", "ntp", 1, "ntp-1", "waiting", "Waiting for chrony to start", "idle", NULL, "2",
         "nova-compute/1", SW_WARNING,
         "workload waiting (Waiting for chrony to start), agent idle"},
    };
    struct sw_juju_status st;

    (void)state;
    parse_file("openstack.json", &st);
    assert_string_equal(st.model, "openstack");
    assert_string_equal(st.controller, "maas-controller");
    assert_string_equal(st.cloud, "maas-fra1");
    assert_int_equal(st.n_apps, 5);
    check_app(&st.apps[0], "keystone", "keystone", "keystone", false, "active", 1);
    check_app(&st.apps[1], "keystone-mysql-router", "keystone-mysql-router", "mysql-router", true,
              "active", 1);
    check_app(&st.apps[2], "mysql-innodb-cluster", "mysql-innodb-cluster", "mysql-innodb-cluster",
              false, "active", 3);
    check_app(&st.apps[3], "nova-compute", "nova-compute", "nova-compute", false, "active", 2);
    check_app(&st.apps[4], "ntp", "ntp", "ntp", true, "active", 2);
    assert_int_equal(st.n_units, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < st.n_units; i++) {
        check_unit(&st.units[i], &want[i]);
    }
    sw_juju_status_release(&st);
    assert_null(st.units);
    assert_int_equal(st.n_units, 0);
    sw_juju_status_release(&st); /* twice is harmless */
    sw_juju_status_release(NULL);
}

static void test_errors_model(void **state)
{
    static const struct want_unit want[] = {
        {"ceph-mon/0", "ceph-mon", 0, "ceph-mon-0", "error", "hook failed: \"config-changed\"",
         "idle", NULL, "0/lxd/0", NULL, SW_CRITICAL,
         "workload error (hook failed: \"config-changed\"), agent idle"},
        /* the message's line break became a space */
        {"ceph-mon/1", "ceph-mon", 1, "ceph-mon-1", "blocked",
         "Insufficient peer units to bootstrap cluster (require 3)", "idle", NULL, "1/lxd/0", NULL,
         SW_CRITICAL,
         "workload blocked (Insufficient peer units to bootstrap cluster (require 3)), agent "
         "idle"},
        {"ceph-osd/0", "ceph-osd", 0, "ceph-osd-0", "active", "Unit is ready (2 OSD)", "idle", NULL,
         "0", NULL, SW_OK, "workload active (Unit is ready (2 OSD)), agent idle"},
        {"ceph-osd/1", "ceph-osd", 1, "ceph-osd-1", "unknown",
         "agent lost, see 'juju show-status-log ceph-osd/1'", "lost",
         "agent is not communicating with the server", "1", NULL, SW_CRITICAL,
         "workload unknown (agent lost, see 'juju show-status-log ceph-osd/1'), agent lost "
         "(agent is not communicating with the server)"},
        {"ceph-osd/2", "ceph-osd", 2, "ceph-osd-2", NULL, NULL, NULL, NULL, NULL, NULL, SW_UNKNOWN,
         "status error: unit ceph-osd/2 not found"},
        {"ceph-osd/3", "ceph-osd", 3, "ceph-osd-3", "waiting", "waiting for machine", "allocating",
         NULL, "3", NULL, SW_WARNING, "workload waiting (waiting for machine), agent allocating"},
    };
    struct sw_juju_status st;

    (void)state;
    parse_file("errors.json", &st);
    assert_string_equal(st.model, "ceph");
    assert_int_equal(st.n_apps, 4);
    check_app(&st.apps[0], "ceph-mon", "ceph-mon", "ceph-mon", false, "error", 2);
    check_app(&st.apps[1], "ceph-osd", "ceph-osd", "ceph-osd", false, "active", 4);
    /* a subordinate not related to anything yet, and an application Juju could not read */
    check_app(&st.apps[2], "nrpe", "nrpe", "nrpe", true, "unknown", 0);
    check_app(&st.apps[3], "radosgw", "radosgw", NULL, false, NULL, 0);
    assert_int_equal(st.n_units, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < st.n_units; i++) {
        check_unit(&st.units[i], &want[i]);
    }
    sw_juju_status_release(&st);
}

static void test_forms(void **state)
{
    struct sw_juju_status st;
    const char *doc;

    (void)state;
    /* no model; sorting of applications and of units by number; a subordinate whose
     * application is not listed; an empty message; missing statuses; Kubernetes units
     * without a machine */
    doc = "{\"applications\":{"
          "\"b\":{\"units\":{\"b/0\":{\"workload-status\":{\"current\":\"active\","
          "\"message\":\"\"},\"juju-status\":{\"current\":\"idle\",\"message\":\" \\n \"}}}},"
          "\"a\":{\"units\":{\"a/10\":{},\"a/9\":{\"juju-status\":{\"current\":\"idle\"}},"
          "\"a/2\":{\"machine\":\"7\",\"subordinates\":{\"telegraf/3\":{"
          "\"workload-status\":{\"current\":\"active\"},\"juju-status\":{\"current\":"
          "\"idle\"}}}}}},"
          "\"My App\":{\"charm\":\"local:my-app-3\",\"units\":{\"My App/0\":{"
          "\"workload-status\":{\"current\":\"active\",\"message\":\"a\\tb\\r\\nc\\u0001\"}}}}"
          "}}";
    parse_ok(doc, strlen(doc), &st);
    assert_null(st.model);
    assert_null(st.controller);
    assert_null(st.cloud);
    assert_int_equal(st.n_apps, 4);
    check_app(&st.apps[0], "My App", "My-App", "local:my-app-3", false, NULL, 1);
    check_app(&st.apps[1], "a", "a", NULL, false, NULL, 3);
    check_app(&st.apps[2], "b", "b", NULL, false, NULL, 1);
    check_app(&st.apps[3], "telegraf", "telegraf", NULL, true, NULL, 1);
    assert_int_equal(st.n_units, 6);
    {
        static const struct want_unit want[] = {
            {"My App/0", "My App", 0, "My-App-0", "active", "a b c?", NULL, NULL, NULL, NULL,
             SW_UNKNOWN, "workload active (a b c?), agent status missing"},
            {"a/2", "a", 2, "a-2", NULL, NULL, NULL, NULL, "7", NULL, SW_UNKNOWN,
             "workload status missing, agent status missing"},
            {"a/9", "a", 9, "a-9", NULL, NULL, "idle", NULL, NULL, NULL, SW_UNKNOWN,
             "workload status missing, agent idle"},
            {"a/10", "a", 10, "a-10", NULL, NULL, NULL, NULL, NULL, NULL, SW_UNKNOWN,
             "workload status missing, agent status missing"},
            {"b/0", "b", 0, "b-0", "active", NULL, "idle", NULL, NULL, NULL, SW_OK,
             "workload active, agent idle"},
            {"telegraf/3", "telegraf", 3, "telegraf-3", "active", NULL, "idle", NULL, "7", "a/2",
             SW_OK, "workload active, agent idle"},
        };

        for (size_t i = 0; i < st.n_units; i++) {
            check_unit(&st.units[i], &want[i]);
        }
    }
    sw_juju_status_release(&st);

    /* no applications at all is a valid status (the fragment refuses it) */
    doc = "{\"model\":{\"name\":\"empty\",\"type\":\"iaas\"},\"machines\":{},\"applications\":{}}";
    parse_ok(doc, strlen(doc), &st);
    assert_string_equal(st.model, "empty");
    assert_int_equal(st.n_apps, 0);
    assert_null(st.apps);
    assert_int_equal(st.n_units, 0);
    sw_juju_status_release(&st);
}

static void check_error(const char *body, size_t len, int expected_r, const char *expected)
{
    struct sw_juju_status st;
    struct sw_buf err;

    memset(&st, 0x5a, sizeof(st)); /* untouched on failure */
    sw_buf_init(&err);
    assert_int_equal(sw_juju_parse(body, len, &st, &err), expected_r);
    assert_string_equal(err.data ? err.data : "", expected);
    assert_true(sw_str_is_text(err.data, err.len));
    for (size_t i = 0; i < sizeof(st); i++) {
        assert_int_equal(((unsigned char *)&st)[i], 0x5a);
    }
    sw_buf_release(&err);
}

static void check_error_str(const char *body, const char *expected)
{
    check_error(body, strlen(body), -EINVAL, expected);
}

#define APPS(x) "{\"applications\":{" x "}}"
#define UNIT0(x) APPS("\"mysql\":{\"units\":{\"mysql/0\":" x "}}")

static void test_parse_errors(void **state)
{
    struct sw_buf big;
    char name[300], doc[1024];
    size_t len;
    char *body = data_file("truncated.json", &len);

    (void)state;
    check_error(body, len, -EINVAL,
                "malformed JSON at line 1, column 3744: premature end of input near "
                "'\"workload-stat'");
    free(body);
    check_error_str("", "malformed JSON at line 1, column 0: '[' or '{' expected near end of file");
    check_error_str("{\"applications\":{},\n \"applications\":{}}",
                    "malformed JSON at line 2, column 15: duplicate object key near "
                    "'\"applications\"'");
    check_error_str("[]", "not a JSON object");
    check_error_str("{\"model\":[],\"applications\":{}}", "model: not an object");
    check_error_str("{\"model\":{\"name\":1},\"applications\":{}}", "model.name: not a string");
    check_error_str("{\"model\":{\"cloud\":{}},\"applications\":{}}", "model.cloud: not a string");
    check_error_str("{\"model\":{\"name\":\"m\"},\"machines\":{}}",
                    "applications: missing (not the output of juju status --format=json?)");
    check_error_str("{\"applications\":[]}", "applications: not an object");
    check_error_str(APPS("\"mysql\":1"), "applications.mysql: not an object");
    check_error_str(APPS("\"\":{}"),
                    "applications: bad application name \"\" (1 to 256 bytes of one-line text)");
    check_error_str(APPS("\"a\\tb\":{}"), "applications: bad application name \"a\\tb\" (1 to "
                                          "256 bytes of one-line text)");
    memset(name, 'n', 257);
    name[257] = '\0';
    snprintf(doc, sizeof(doc), APPS("\"%s\":{}"), name);
    check_error_str(doc, "applications: bad application name "
                         "\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"... (1 "
                         "to 256 bytes of one-line text)");
    check_error_str(APPS("\"--\":{}"),
                    "applications.--: the name gives no id (it has no letter or digit)");
    check_error_str(APPS("\"a-b\":{},\"a b\":{}"),
                    "applications \"a-b\" and \"a b\" both give the service id \"a-b\"");
    check_error_str(APPS("\"mysql\":{\"charm\":5}"), "applications.mysql.charm: not a string");
    check_error_str(APPS("\"mysql\":{\"application-status\":\"active\"}"),
                    "applications.mysql.application-status: not an object");
    check_error_str(APPS("\"mysql\":{\"application-status\":{\"current\":[]}}"),
                    "applications.mysql.application-status.current: not a string");
    check_error_str(APPS("\"mysql\":{\"units\":[]}"), "applications.mysql.units: not an object");
    check_error_str(APPS("\"mysql\":{\"units\":{\"mysql-0\":{}}}"),
                    "applications.mysql.units.\"mysql-0\": not a unit name (APP/NUMBER)");
    check_error_str(APPS("\"mysql\":{\"units\":{\"mysql/\":{}}}"),
                    "applications.mysql.units.\"mysql/\": not a unit name (APP/NUMBER)");
    check_error_str(APPS("\"mysql\":{\"units\":{\"mysql/1x\":{}}}"),
                    "applications.mysql.units.\"mysql/1x\": not a unit name (APP/NUMBER)");
    check_error_str(APPS("\"mysql\":{\"units\":{\"mysql/1234567890\":{}}}"),
                    "applications.mysql.units.\"mysql/1234567890\": not a unit name "
                    "(APP/NUMBER)");
    check_error_str(APPS("\"mysql\":{\"units\":{\"/0\":{}}}"),
                    "applications.mysql.units.\"/0\": not a unit name (APP/NUMBER)");
    check_error_str(APPS("\"mysql\":{\"units\":{\"ntp/0\":{}}}"),
                    "applications.mysql.units.\"ntp/0\": not a unit of mysql");
    check_error_str(APPS("\"mysql\":{\"units\":{\"mysqlx/0\":{}}}"),
                    "applications.mysql.units.\"mysqlx/0\": not a unit of mysql");
    check_error_str(UNIT0("null"), "applications.mysql.units.mysql/0: not an object");
    check_error_str(UNIT0("{\"workload-status\":\"active\"}"),
                    "applications.mysql.units.mysql/0.workload-status: not an object");
    check_error_str(UNIT0("{\"workload-status\":{\"current\":1}}"),
                    "applications.mysql.units.mysql/0.workload-status.current: not a string");
    check_error_str(UNIT0("{\"juju-status\":{\"current\":\"idle\",\"message\":false}}"),
                    "applications.mysql.units.mysql/0.juju-status.message: not a string");
    check_error_str(UNIT0("{\"machine\":0}"),
                    "applications.mysql.units.mysql/0.machine: not a string");
    check_error_str(UNIT0("{\"status-error\":{}}"),
                    "applications.mysql.units.mysql/0.status-error: not a string");
    check_error_str(UNIT0("{\"subordinates\":[]}"),
                    "applications.mysql.units.mysql/0.subordinates: not an object");
    check_error_str(UNIT0("{\"subordinates\":{\"ntp\":{}}}"),
                    "applications.mysql.units.mysql/0.subordinates.\"ntp\": not a unit name "
                    "(APP/NUMBER)");
    check_error_str(UNIT0("{\"subordinates\":{\"ntp/0\":{\"juju-status\":7}}}"),
                    "applications.mysql.units.mysql/0.subordinates.ntp/0.juju-status: not an "
                    "object");
    check_error_str(UNIT0("{\"subordinates\":{\"--/0\":{}}}"),
                    "applications.mysql.units.mysql/0.subordinates.--/0: the name gives no id "
                    "(it has no letter or digit)");
    /* the same subordinate unit under two principals */
    check_error_str(APPS("\"x\":{\"units\":{\"x/0\":{\"subordinates\":{\"s/1\":{}}},"
                         "\"x/1\":{\"subordinates\":{\"s/1\":{}}}}}"),
                    "units \"s/1\" and \"s/1\" both give the check id \"s-1\"");
    /* ids are cut at 64 bytes, never inside a gap: a 63-byte name's units 1 and 10 meet */
    memset(name, 'x', 63);
    name[63] = '\0';
    snprintf(doc, sizeof(doc), APPS("\"%s\":{\"units\":{\"%s/1\":{},\"%s/10\":{}}}"), name, name,
             name);
    check_error_str(doc, "units \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..."
                         " and \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..."
                         " both give the check id "
                         "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");

    sw_buf_init(&big);
    sw_buf_puts(&big, "{\"applications\":{\"a\":{\"units\":{");
    for (int i = 0; i <= SW_JUJU_MAX_UNITS; i++) {
        sw_buf_printf(&big, "%s\"a/%d\":{}", i ? "," : "", i);
    }
    sw_buf_puts(&big, "}}}}");
    check_error(big.data, big.len, -E2BIG, "more than 20000 units");
    sw_buf_reset(&big);
    sw_buf_puts(&big, "{\"applications\":{");
    for (int i = 0; i <= SW_JUJU_MAX_APPS; i++) {
        sw_buf_printf(&big, "%s\"a%d\":{}", i ? "," : "", i);
    }
    sw_buf_puts(&big, "}}");
    check_error(big.data, big.len, -E2BIG, "more than 5000 applications");
    sw_buf_release(&big);
}

/* ---- the fragment ---- */

static const char small_doc[] =
    "{\"model\":{\"name\":\"small\",\"controller\":\"ctl\",\"cloud\":\"lxd\"},"
    "\"applications\":{"
    "\"web\":{\"charm\":\"web\",\"units\":{"
    "\"web/1\":{\"subordinates\":{\"filebeat/1\":{}}},"
    "\"web/0\":{\"subordinates\":{\"filebeat/0\":{}}}}},"
    "\"filebeat\":{\"charm\":\"filebeat\",\"subordinate-to\":[\"web\"]},"
    "\"My App\":{\"units\":{\"My App/0\":{}}},"
    "\"null\":{\"units\":{\"null/0\":{}}},"
    "\"unused\":{\"charm\":\"unused\",\"subordinate-to\":[\"web\"]}}}";

static const char small_fragment[] =
    "# Written by `stackward import juju` from Juju model small (controller ctl, cloud lxd),\n"
    "# read from small.json.\n"
    "# 4 services (one per application), 6 passive checks (one per unit, named as\n"
    "# the juju check names its results). Include this file in a deployment with\n"
    "# `include: FILE`; import again when applications or units change.\n"
    "- id: My-App\n"
    "  name: \"My App\"\n"
    "  aggregate: all\n"
    "  checks:\n"
    "    - {id: My-App-0, type: passive, freshness: 15m}\n"
    "- id: filebeat\n"
    "  name: filebeat\n"
    "  aggregate: all\n"
    "  checks:\n"
    "    - {id: filebeat-0, type: passive, freshness: 15m}\n"
    "    - {id: filebeat-1, type: passive, freshness: 15m}\n"
    "- id: \"null\"\n"
    "  name: \"null\"\n"
    "  aggregate: all\n"
    "  checks:\n"
    "    - {id: null-0, type: passive, freshness: 15m}\n"
    "# unused: no units, so no service (a service needs a check)\n"
    "- id: web\n"
    "  name: web\n"
    "  aggregate: all\n"
    "  checks:\n"
    "    - {id: web-0, type: passive, freshness: 15m}\n"
    "    - {id: web-1, type: passive, freshness: 15m}\n";

static char *fragment_ok(const struct sw_juju_status *st, const char *source, const char *freshness)
{
    struct sw_buf out, err;

    sw_buf_init(&out);
    sw_buf_init(&err);
    assert_int_equal(sw_juju_fragment(st, source, freshness, &out, &err), 0);
    assert_null(err.data);
    sw_buf_release(&err);
    return sw_buf_steal(&out);
}

static void test_fragment_text(void **state)
{
    struct sw_juju_status st;
    char *f;

    (void)state;
    parse_ok(small_doc, strlen(small_doc), &st);
    f = fragment_ok(&st, "small.json", "15m");
    assert_string_equal(f, small_fragment);
    free(f);

    /* no freshness, no source; a model known only by name; newlines in a source name stay
     * inside the comment */
    free(st.controller);
    free(st.cloud);
    st.controller = NULL;
    st.cloud = NULL;
    f = fragment_ok(&st, NULL, NULL);
    assert_true(sw_str_has_prefix(f, "# Written by `stackward import juju` from Juju model "
                                     "small.\n# 4 services"));
    assert_non_null(strstr(f, "\n    - {id: web-1, type: passive}\n"));
    assert_null(strstr(f, "freshness"));
    free(f);
    free(st.model);
    st.model = NULL;
    st.cloud = sw_xstrdup("lxd");
    f = fragment_ok(&st, "evil\nname.json", "1h30m");
    assert_true(sw_str_has_prefix(f, "# Written by `stackward import juju` from Juju model "
                                     "(unnamed) (cloud lxd),\n# read from evil name.json.\n"));
    assert_non_null(strstr(f, "\n    - {id: web-1, type: passive, freshness: 1h30m}\n"));
    free(f);
    sw_juju_status_release(&st);
}

static void check_fragment_error(const struct sw_juju_status *st, const char *freshness,
                                 const char *expected)
{
    struct sw_buf out, err;

    sw_buf_init(&out);
    sw_buf_init(&err);
    assert_int_equal(sw_juju_fragment(st, "x.json", freshness, &out, &err), -EINVAL);
    assert_string_equal(err.data ? err.data : "", expected);
    assert_int_equal(out.len, 0);
    sw_buf_release(&out);
    sw_buf_release(&err);
}

static void test_fragment_errors(void **state)
{
    struct sw_juju_status st;
    const char *doc;

    (void)state;
    doc = "{\"applications\":{}}";
    parse_ok(doc, strlen(doc), &st);
    check_fragment_error(&st, "15m", "no applications in the model");
    sw_juju_status_release(&st);

    parse_file("errors.json", &st);
    check_fragment_error(&st, "5x", "bad freshness \"5x\" (a duration such as 15m, at most 3650d)");
    check_fragment_error(&st, "15", "bad freshness \"15\" (a duration such as 15m, at most 3650d)");
    check_fragment_error(&st, "", "bad freshness \"\" (a duration such as 15m, at most 3650d)");
    check_fragment_error(&st, "15 m",
                         "bad freshness \"15 m\" (a duration such as 15m, at most 3650d)");
    check_fragment_error(&st, "3651d",
                         "bad freshness \"3651d\" (a duration such as 15m, at most 3650d)");
    check_fragment_error(&st, "1m\n- x",
                         "bad freshness \"1m\\n- x\" (a duration such as 15m, at most 3650d)");
    sw_juju_status_release(&st);

    doc = "{\"applications\":{\"ntp\":{\"subordinate-to\":[\"x\"]},\"gone\":{\"status-error\":"
          "\"not found\"}}}";
    parse_ok(doc, strlen(doc), &st);
    check_fragment_error(&st, NULL, "no units in the model");
    sw_juju_status_release(&st);
}

/* The configuration with fragment under customer acme, deployment fra1 (indented). */
static struct sw_config *load_with(const char *fragment)
{
    struct sw_config *c = NULL;
    struct sw_buf yaml, err;
    const char *p = fragment;
    int r;

    sw_buf_init(&yaml);
    sw_buf_init(&err);
    sw_buf_puts(&yaml, "customers:\n"
                       "  - id: acme\n"
                       "    deployments:\n"
                       "      - id: fra1\n"
                       "        kind: openstack\n"
                       "        services:\n");
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

        sw_buf_puts(&yaml, "          ");
        sw_buf_append(&yaml, p, n);
        p += n;
    }
    r = sw_config_parse("t.yaml", yaml.data, yaml.len, &err, &c);
    if (r != 0) {
        print_error("%s\n%s", yaml.data, err.data ? err.data : "(no message)");
    }
    assert_int_equal(r, 0);
    assert_null(err.data);
    sw_buf_release(&yaml);
    sw_buf_release(&err);
    return c;
}

/* Names YAML would misread are quoted and escaped; the loader reads them back as they were. */
static void test_fragment_quoting(void **state)
{
    static const char doc[] = "{\"model\":{\"name\":\"m\\u0085x\\u2028y\\ty\"},"
                              "\"applications\":{"
                              "\"true\":{\"units\":{\"true/0\":{}}},"
                              "\"x: #y\\\"z\\\\\":{\"units\":{\"x: #y\\\"z\\\\/1\":{}}},"
                              "\"\xc3\xbcn\xc3\xaf"
                              "code\":{\"units\":{\"\xc3\xbcn\xc3\xaf"
                              "code/0\":{}}},"
                              "\"1abc\":{\"units\":{\"1abc/0\":{}}},"
                              "\"Yes\":{\"units\":{\"Yes/0\":{}}}}}";
    struct sw_juju_status st;
    struct sw_service_conf *sv;
    struct sw_config *c;
    char *f;

    (void)state;
    parse_ok(doc, strlen(doc), &st);
    f = fragment_ok(&st, NULL, "15m");
    /* line breaks YAML knows beyond ASCII (NEL, LS) must not end the comment */
    assert_true(sw_str_has_prefix(f, "# Written by `stackward import juju` from Juju model "
                                     "m??x???y y.\n# 5 services"));
    assert_non_null(strstr(f, "\n- id: \"1abc\"\n  name: \"1abc\"\n"));
    assert_non_null(strstr(f, "\n    - {id: \"1abc-0\", type: passive, freshness: 15m}\n"));
    assert_non_null(strstr(f, "\n- id: \"Yes\"\n  name: \"Yes\"\n"));
    assert_non_null(strstr(f, "\n    - {id: Yes-0, type: passive, freshness: 15m}\n"));
    assert_non_null(strstr(f, "\n- id: n-code\n  name: \"\xc3\xbcn\xc3\xaf"
                              "code\"\n"));
    assert_non_null(strstr(f, "\n- id: \"true\"\n  name: \"true\"\n"));
    assert_non_null(strstr(f, "\n- id: x-y-z\n  name: \"x: #y\\\"z\\\\\"\n"));
    c = load_with(f);
    assert_int_equal(c->n_services, 5);
    sv = sw_config_find_service(c, "acme/fra1/x-y-z");
    assert_non_null(sv);
    assert_string_equal(sv->name, "x: #y\"z\\");
    assert_int_equal(sv->n_checks, 1);
    assert_string_equal(sv->checks[0].id, "x-y-z-1");
    sv = sw_config_find_service(c, "acme/fra1/true");
    assert_non_null(sv);
    assert_string_equal(sv->name, "true");
    sv = sw_config_find_service(c, "acme/fra1/n-code");
    assert_non_null(sv);
    assert_string_equal(sv->name, "\xc3\xbcn\xc3\xaf"
                                  "code");
    assert_non_null(sw_config_find_check(c, "acme/fra1/1abc/1abc-0"));
    sw_config_unref(c);
    free(f);
    sw_juju_status_release(&st);

    /* such line breaks are refused in names */
    check_error_str(APPS("\"a\\u2028b\":{}"), "applications: bad application name "
                                              "\"a\xe2\x80\xa8"
                                              "b\" (1 to 256 bytes of one-line text)");
    check_error_str(APPS("\"a\\u0085b\":{}"), "applications: bad application name "
                                              "\"a\xc2\x85"
                                              "b\" (1 to 256 bytes of one-line text)");
}

static void test_fragment_loads(void **state)
{
    struct sw_juju_status st;
    struct sw_service_conf *sv;
    struct sw_check_conf *ck;
    struct sw_config *c;
    char *f;

    (void)state;
    parse_file("openstack.json", &st);
    f = fragment_ok(&st, "openstack.json", "15m");
    c = load_with(f);
    assert_int_equal(c->n_services, 5);
    assert_int_equal(c->n_checks, 9);
    for (size_t i = 0; i < st.n_units; i++) {
        const struct sw_juju_unit *u = &st.units[i];
        char *path = NULL;

        for (size_t k = 0; k < st.n_apps; k++) {
            if (strcmp(st.apps[k].name, u->app) == 0) {
                path = sw_xasprintf("acme/fra1/%s/%s", st.apps[k].service_id, u->check_id);
            }
        }
        assert_non_null(path);
        ck = sw_config_find_check(c, path);
        if (!ck) {
            print_error("no check %s\n", path);
        }
        assert_non_null(ck);
        assert_int_equal(ck->type, SW_CHECK_PASSIVE);
        assert_int_equal(ck->freshness_ms, 15 * 60 * 1000);
        assert_int_equal(ck->max_attempts, 1);
        free(path);
    }
    sv = sw_config_find_service(c, "acme/fra1/mysql-innodb-cluster");
    assert_non_null(sv);
    assert_string_equal(sv->name, "mysql-innodb-cluster");
    assert_int_equal(sv->aggregate, SW_AGG_ALL);
    assert_int_equal(sv->n_checks, 3);
    assert_string_equal(sv->checks[0].id, "mysql-innodb-cluster-2");
    assert_string_equal(sv->checks[2].id, "mysql-innodb-cluster-10");
    sv = sw_config_find_service(c, "acme/fra1/ntp");
    assert_non_null(sv);
    assert_int_equal(sv->n_checks, 2);
    assert_string_equal(sv->checks[1].path, "acme/fra1/ntp/ntp-1");
    sw_config_unref(c);
    free(f);
    sw_juju_status_release(&st);

    /* quoted names and ids, a comment inside the list, no freshness */
    parse_ok(small_doc, strlen(small_doc), &st);
    f = fragment_ok(&st, "small.json", NULL);
    c = load_with(f);
    assert_int_equal(c->n_services, 4);
    sv = sw_config_find_service(c, "acme/fra1/null");
    assert_non_null(sv);
    assert_string_equal(sv->name, "null");
    sv = sw_config_find_service(c, "acme/fra1/My-App");
    assert_non_null(sv);
    assert_string_equal(sv->name, "My App");
    ck = sw_config_find_check(c, "acme/fra1/filebeat/filebeat-1");
    assert_non_null(ck);
    assert_int_equal(ck->freshness_ms, 0);
    assert_null(sw_config_find_service(c, "acme/fra1/unused"));
    sw_config_unref(c);
    free(f);
    sw_juju_status_release(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),          cmocka_unit_test(test_openstack),
        cmocka_unit_test(test_errors_model),    cmocka_unit_test(test_forms),
        cmocka_unit_test(test_parse_errors),    cmocka_unit_test(test_fragment_text),
        cmocka_unit_test(test_fragment_errors), cmocka_unit_test(test_fragment_quoting),
        cmocka_unit_test(test_fragment_loads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
