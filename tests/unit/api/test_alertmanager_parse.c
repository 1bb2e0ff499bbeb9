/* SPDX-License-Identifier: Apache-2.0 */
/* test_alertmanager_parse.c: the pure half of the Alertmanager webhook receiver
 * (src/api/alertmanager_parse.c): payloads as Alertmanager 0.25 (Debian 12) posts them, each
 * refusal with its exact message, and the mapping of alerts to check paths, states and
 * output lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/alertmanager.h"

/* One group of two TargetDown alerts, one still firing, one resolved, as captured from
 * Alertmanager 0.25 (only the instances and the second alert's times changed). */
static const char group_body[] =
    "{\"receiver\":\"webhook\",\"status\":\"firing\",\"alerts\":["
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"TargetDown\",\"customer\":\"acme\","
    "\"deployment\":\"fra1\",\"instance\":\"10.0.0.1:9100\",\"job\":\"target\",\"service\":"
    "\"api\",\"severity\":\"critical\"},\"annotations\":{\"description\":\"sw_test_up has been "
    "0 on 10.0.0.1:9100.\",\"summary\":\"Target 10.0.0.1:9100 is down\"},\"startsAt\":"
    "\"2026-11-28T16:03:36.125Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":"
    "\"http://vm:28990/graph?g0.expr=sw_test_up+%3D%3D+0\\u0026g0.tab=1\",\"fingerprint\":"
    "\"8a1e4e6058348aa6\"},"
    "{\"status\":\"resolved\",\"labels\":{\"severity\":\"critical\",\"service\":\"api\","
    "\"job\":\"target\",\"instance\":\"10.0.0.2:9100\",\"deployment\":\"fra1\",\"customer\":"
    "\"acme\",\"alertname\":\"TargetDown\"},\"annotations\":{\"summary\":\"Target "
    "10.0.0.2:9100 is down\"},\"startsAt\":\"2026-11-28T15:59:00.5+00:00\",\"endsAt\":"
    "\"2026-11-28T16:03:38.125456789Z\",\"generatorURL\":\"http://vm:28990/graph\","
    "\"fingerprint\":\"0f2b1d2c3e4a5b6c\"}],"
    "\"groupLabels\":{\"alertname\":\"TargetDown\",\"customer\":\"acme\",\"deployment\":\"fra1\","
    "\"service\":\"api\"},\"commonLabels\":{\"alertname\":\"TargetDown\",\"customer\":\"acme\","
    "\"deployment\":\"fra1\",\"job\":\"target\",\"service\":\"api\",\"severity\":\"critical\"},"
    "\"commonAnnotations\":{},\"externalURL\":\"http://vm:28993\",\"version\":\"4\",\"groupKey\":"
    "\"{}:{alertname=\\\"TargetDown\\\", customer=\\\"acme\\\", deployment=\\\"fra1\\\", "
    "service=\\\"api\\\"}\",\"truncatedAlerts\":0}";

static const char watchdog_body[] =
    "{\"receiver\":\"webhook\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
    "\"labels\":{\"alertname\":\"Watchdog\",\"customer\":\"acme\",\"deployment\":\"fra1\","
    "\"service\":\"monitoring\",\"severity\":\"none\"},\"annotations\":{\"summary\":\"The "
    "alerting pipeline is alive\"},\"startsAt\":\"2026-11-28T16:03:01.392Z\",\"endsAt\":"
    "\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://vm:28990/graph?g0.expr=vector%281%29"
    "\\u0026g0.tab=1\",\"fingerprint\":\"3b4c2a1d0e9f8a7b\"}],\"groupLabels\":{\"alertname\":"
    "\"Watchdog\"},\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":"
    "\"http://vm:28993\",\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"Watchdog\\\"}\","
    "\"truncatedAlerts\":0}";

static int parse(const char *s, struct sw_am_payload *p, char **ret_err)
{
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    r = sw_am_parse(s, strlen(s), p, &err);
    *ret_err = sw_buf_steal(&err);
    return r;
}

static void expect_error(const char *body, const char *message)
{
    struct sw_am_payload p;
    char *err;

    assert_int_equal(parse(body, &p, &err), -EINVAL);
    assert_string_equal(err, message);
    assert_null(p.version);
    assert_null(p.alerts);
    assert_int_equal(p.n_alerts, 0);
    sw_am_payload_release(&p);
    free(err);
}

static void test_group(void **state)
{
    struct sw_am_payload p;
    const struct sw_am_alert *a;
    char *err;

    (void)state;
    assert_int_equal(parse(group_body, &p, &err), 0);
    assert_string_equal(err, "");
    assert_string_equal(p.version, "4");
    assert_string_equal(p.status, "firing");
    assert_string_equal(p.receiver, "webhook");
    assert_string_equal(p.group_key, "{}:{alertname=\"TargetDown\", customer=\"acme\", "
                                     "deployment=\"fra1\", service=\"api\"}");
    assert_string_equal(p.external_url, "http://vm:28993");
    assert_int_equal(p.n_alerts, 2);

    a = &p.alerts[0];
    assert_string_equal(a->status, "firing");
    assert_int_equal(a->n_labels, 7);
    assert_string_equal(a->label_names[0], "alertname");
    assert_string_equal(a->label_names[6], "severity");
    assert_string_equal(sw_am_label(a, "instance"), "10.0.0.1:9100");
    assert_string_equal(sw_am_label(a, "alertname"), "TargetDown");
    assert_string_equal(sw_am_label(a, "severity"), "critical");
    assert_null(sw_am_label(a, "team"));
    assert_null(sw_am_label(a, "summary"));
    assert_int_equal(a->n_annots, 2);
    assert_string_equal(a->annot_names[0], "description");
    assert_string_equal(sw_am_annotation(a, "summary"), "Target 10.0.0.1:9100 is down");
    assert_null(sw_am_annotation(a, "alertname"));
    assert_int_equal(a->starts_at_ms, INT64_C(1795881816125));
    assert_int_equal(a->ends_at_ms, 0);
    assert_string_equal(a->fingerprint, "8a1e4e6058348aa6");
    assert_string_equal(a->generator_url,
                        "http://vm:28990/graph?g0.expr=sw_test_up+%3D%3D+0&g0.tab=1");

    /* labels arrive in any order and come out sorted */
    a = &p.alerts[1];
    assert_string_equal(a->status, "resolved");
    assert_int_equal(a->n_labels, 7);
    for (size_t i = 0; i < 7; i++) {
        static const char *const names[] = {"alertname", "customer", "deployment", "instance",
                                            "job",       "service",  "severity"};
        assert_string_equal(a->label_names[i], names[i]);
    }
    assert_string_equal(a->label_values[3], "10.0.0.2:9100");
    assert_int_equal(a->starts_at_ms, INT64_C(1795881540500));
    assert_int_equal(a->ends_at_ms, INT64_C(1795881818125));

    sw_am_payload_release(&p);
    assert_null(p.alerts);
    sw_am_payload_release(&p);
    sw_am_payload_release(NULL);
    free(err);
}

static void test_minimal_and_optional(void **state)
{
    struct sw_am_payload p;
    char *err;

    (void)state;
    assert_int_equal(parse("{\"version\":\"4\",\"alerts\":[]}", &p, &err), 0);
    assert_int_equal(p.n_alerts, 0);
    assert_null(p.status);
    assert_null(p.receiver);
    assert_null(p.group_key);
    assert_null(p.external_url);
    sw_am_payload_release(&p);
    free(err);

    assert_int_equal(parse("{\"version\":\"4\",\"receiver\":null,\"alerts\":[{\"status\":"
                           "\"firing\",\"labels\":{},\"annotations\":null,\"startsAt\":null,"
                           "\"endsAt\":\"2026-11-28T17:03:36+01:00\"}]}",
                           &p, &err),
                     0);
    assert_null(p.receiver);
    assert_int_equal(p.n_alerts, 1);
    assert_int_equal(p.alerts[0].n_labels, 0);
    assert_int_equal(p.alerts[0].n_annots, 0);
    assert_null(sw_am_label(&p.alerts[0], "alertname"));
    assert_null(sw_am_annotation(&p.alerts[0], "summary"));
    assert_int_equal(p.alerts[0].starts_at_ms, 0);
    assert_int_equal(p.alerts[0].ends_at_ms, INT64_C(1795881816000));
    assert_null(p.alerts[0].fingerprint);
    assert_null(p.alerts[0].generator_url);
    sw_am_payload_release(&p);
    free(err);
}

static void test_errors(void **state)
{
#define AM(x) "{\"version\":\"4\",\"alerts\":[" x "]}"
#define OK_ALERT "{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"}},"
    (void)state;
    expect_error("", "malformed JSON at line 1, column 0: '[' or '{' expected near end of file");
    expect_error("{\"version\":\"4\",\"version\":\"4\"}",
                 "malformed JSON at line 1, column 24: duplicate object key near '\"version\"'");
    expect_error("[]", "the body is not a JSON object");
    expect_error("{\"alerts\":[]}",
                 "unsupported payload version: \"version\" is missing (Alertmanager sends \"4\")");
    expect_error("{\"version\":\"3\",\"alerts\":[]}",
                 "unsupported payload version \"3\" (this receiver reads version \"4\")");
    expect_error("{\"version\":4,\"alerts\":[]}",
                 "unsupported payload version (not a string) (this receiver reads version \"4\")");
    expect_error("{\"version\":\"4\"}", "alerts: missing");
    expect_error("{\"version\":\"4\",\"alerts\":{}}", "alerts: not an array");
    expect_error("{\"version\":\"4\",\"receiver\":1,\"alerts\":[]}", "receiver: not a string");
    expect_error("{\"version\":\"4\",\"groupKey\":[],\"alerts\":[]}", "groupKey: not a string");
    expect_error(AM(OK_ALERT OK_ALERT "7"), "alerts[2]: not an object");
    expect_error(AM("{\"labels\":{}}"), "alerts[0].status: missing");
    expect_error(AM("{\"status\":true,\"labels\":{}}"), "alerts[0].status: not a string");
    expect_error(AM(OK_ALERT "{\"status\":\"pending\",\"labels\":{}}"),
                 "alerts[1].status: \"pending\" is neither \"firing\" nor \"resolved\"");
    expect_error(AM(OK_ALERT "{\"status\":\"firing\"}"), "alerts[1].labels: missing");
    expect_error(AM(OK_ALERT OK_ALERT "{\"status\":\"firing\",\"labels\":[]}"),
                 "alerts[2].labels: not an object");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{\"a\":\"x\",\"severity\":2}}"),
                 "alerts[0].labels.severity: not a string");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"annotations\":\"x\"}"),
                 "alerts[0].annotations: not an object");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"annotations\":{\"summary\":null}}"),
                 "alerts[0].annotations.summary: not a string");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"yesterday\"}"),
                 "alerts[0].startsAt: \"yesterday\" is not an RFC 3339 time");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"endsAt\":\"2026-11-28\"}"),
                 "alerts[0].endsAt: \"2026-11-28\" is not an RFC 3339 time");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"endsAt\":\"2026-11-28T10:00:00\"}"),
                 "alerts[0].endsAt: \"2026-11-28T10:00:00\" is not an RFC 3339 time");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"endsAt\":\"2026-11-28T10:00+01:00\"}"),
                 "alerts[0].endsAt: \"2026-11-28T10:00+01:00\" is not an RFC 3339 time");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"startsAt\":1795881816}"),
                 "alerts[0].startsAt: not a string");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"1969-12-31T23:59:59Z\"}"),
                 "alerts[0].startsAt: \"1969-12-31T23:59:59Z\" is out of range (before 1970)");
    expect_error(AM(OK_ALERT "{\"status\":\"firing\",\"labels\":{},\"fingerprint\":1}"),
                 "alerts[1].fingerprint: not a string");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{},\"generatorURL\":{}}"),
                 "alerts[0].generatorURL: not a string");
    /* what the body holds is quoted, shortened and made text */
    expect_error(AM("{\"status\":\"fir\\u0001ing\",\"labels\":{}}"),
                 "alerts[0].status: \"fir?ing\" is neither \"firing\" nor \"resolved\"");
    expect_error(AM("{\"status\":\"firing\",\"labels\":{\"a\\nb\":1}}"),
                 "alerts[0].labels.a?b: not a string");
#undef AM
#undef OK_ALERT
}

/* ---- mapping ---- */

/* Parses body and maps alert i with m; checks the path, state and output. */
static void expect_map(const struct sw_am_map *m, const char *body, size_t i, const char *path,
                       enum sw_state state, const char *output)
{
    struct sw_am_payload p;
    enum sw_state st = SW_UNKNOWN;
    char *ret_path = NULL, *out = NULL;
    struct sw_buf why;
    char *err;

    assert_int_equal(parse(body, &p, &err), 0);
    assert_true(i < p.n_alerts);
    sw_buf_init(&why);
    assert_int_equal(sw_am_map_alert(m, &p.alerts[i], &ret_path, &st, &out, &why), 0);
    assert_int_equal(why.len, 0);
    assert_string_equal(ret_path, path);
    assert_int_equal(st, state);
    assert_string_equal(out, output);
    free(ret_path);
    free(out);
    sw_buf_release(&why);
    sw_am_payload_release(&p);
    free(err);
}

static void expect_refused(const struct sw_am_map *m, const char *body, const char *why_text)
{
    struct sw_am_payload p;
    enum sw_state st = SW_UNKNOWN;
    char *ret_path = NULL, *out = NULL;
    struct sw_buf why;
    char *err;

    assert_int_equal(parse(body, &p, &err), 0);
    sw_buf_init(&why);
    assert_int_equal(sw_am_map_alert(m, &p.alerts[0], &ret_path, &st, &out, &why), -ENOENT);
    assert_string_equal(why.data, why_text);
    assert_null(ret_path);
    assert_null(out);
    assert_int_equal(st, SW_UNKNOWN);
    sw_buf_release(&why);
    sw_am_payload_release(&p);
    free(err);
}

/* One firing alert with the given labels and annotations (JSON object members). */
#define ALERT(labels, annots)                                                                      \
    "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{" labels                    \
    "},\"annotations\":{" annots "}}]}"
#define RESOLVED(labels, annots)                                                                   \
    "{\"version\":\"4\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{" labels                  \
    "},\"annotations\":{" annots "}}]}"
#define CDS "\"customer\":\"acme\",\"deployment\":\"fra1\",\"service\":\"api\","

static void test_map_group_and_watchdog(void **state)
{
    struct sw_am_map m;

    (void)state;
    sw_am_map_defaults(&m);
    expect_map(&m, group_body, 0, "acme/fra1/api/TargetDown", SW_CRITICAL,
               "[FIRING] Target 10.0.0.1:9100 is down (TargetDown)");
    expect_map(&m, group_body, 1, "acme/fra1/api/TargetDown", SW_OK,
               "[RESOLVED] Target 10.0.0.2:9100 is down (TargetDown)");
    expect_map(&m, watchdog_body, 0, "acme/fra1/monitoring/Watchdog", SW_OK,
               "[FIRING] The alerting pipeline is alive (Watchdog)");
}

static void test_map_defaults(void **state)
{
    struct sw_am_map m;

    (void)state;
    memset(&m, 0xff, sizeof(m));
    sw_am_map_defaults(&m);
    assert_string_equal(m.customer_label, "customer");
    assert_string_equal(m.deployment_label, "deployment");
    assert_string_equal(m.service_label, "service");
    assert_string_equal(m.check_label, "alertname");
    assert_string_equal(m.severity_label, "severity");
    assert_int_equal(m.n_sev, 4);
    assert_string_equal(m.sev_values[2], "info");
    assert_int_equal(m.sev_states[2], SW_OK);
    assert_null(m.catch_all);
}

static void test_map_sanitising(void **state)
{
    struct sw_am_map m;

    (void)state;
    sw_am_map_defaults(&m);
    expect_map(&m,
               ALERT("\"customer\":\"ACME Corp\",\"deployment\":\"fra-1 (prod)\",\"service\":"
                     "\"nova api/v2\",\"alertname\":\"_Disk \\u00e9 full!\"",
                     ""),
               0, "ACME-Corp/fra-1-prod/nova-api-v2/Disk-full", SW_CRITICAL,
               "[FIRING] _Disk \xc3\xa9 full!");
    /* a label that leaves no id is as good as missing */
    expect_refused(&m, ALERT(CDS "\"alertname\":\"!!!\"", ""),
                   "alert '!!!': label 'alertname' (\"!!!\") gives no usable id and no catch_all "
                   "is configured");
}

static void test_map_severity(void **state)
{
    static const char *const values[] = {"page", "ticket"};
    static const enum sw_state states[] = {SW_CRITICAL, SW_WARNING};
    struct sw_am_map m;

    (void)state;
    sw_am_map_defaults(&m);
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\",\"severity\":\"critical\"", ""), 0,
               "acme/fra1/api/A", SW_CRITICAL, "[FIRING] A");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\",\"severity\":\"warning\"", ""), 0,
               "acme/fra1/api/A", SW_WARNING, "[FIRING] A");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\",\"severity\":\"Warning\"", ""), 0,
               "acme/fra1/api/A", SW_WARNING, "[FIRING] A");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\",\"severity\":\"info\"", ""), 0, "acme/fra1/api/A",
               SW_OK, "[FIRING] A");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\",\"severity\":\"page\"", ""), 0, "acme/fra1/api/A",
               SW_CRITICAL, "[FIRING] A");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\"", ""), 0, "acme/fra1/api/A", SW_CRITICAL,
               "[FIRING] A");
    expect_map(&m, RESOLVED(CDS "\"alertname\":\"A\",\"severity\":\"critical\"", ""), 0,
               "acme/fra1/api/A", SW_OK, "[RESOLVED] A");

    /* a map of the config's own, on another label */
    m.severity_label = "priority";
    m.sev_values = values;
    m.sev_states = states;
    m.n_sev = 2;
    expect_map(&m,
               ALERT(CDS "\"alertname\":\"A\",\"priority\":\"ticket\",\"severity\":\"info\"", ""),
               0, "acme/fra1/api/A", SW_WARNING, "[FIRING] A");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\",\"severity\":\"warning\"", ""), 0,
               "acme/fra1/api/A", SW_CRITICAL, "[FIRING] A");
    m.n_sev = 0;
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\",\"priority\":\"ticket\"", ""), 0,
               "acme/fra1/api/A", SW_CRITICAL, "[FIRING] A");
}

static void test_map_other_labels(void **state)
{
    struct sw_am_map m;

    (void)state;
    sw_am_map_defaults(&m);
    m.customer_label = "tenant";
    m.deployment_label = "cluster";
    m.service_label = "namespace";
    m.check_label = "check";
    expect_map(&m,
               ALERT("\"tenant\":\"globex\",\"cluster\":\"ams2\",\"namespace\":\"openstack\","
                     "\"check\":\"nova-api-5xx\",\"alertname\":\"HighErrorRate\"",
                     "\"summary\":\"5xx above 5%\""),
               0, "globex/ams2/openstack/nova-api-5xx", SW_CRITICAL,
               "[FIRING] 5xx above 5% (HighErrorRate)");
    expect_refused(&m, ALERT(CDS "\"alertname\":\"HighErrorRate\"", ""),
                   "alert 'HighErrorRate' has no label 'tenant' and no catch_all is configured");
}

static void test_map_catch_all(void **state)
{
    struct sw_am_map m;

    (void)state;
    sw_am_map_defaults(&m);
    expect_refused(&m, ALERT("\"alertname\":\"TargetDown\"", ""),
                   "alert 'TargetDown' has no label 'customer' and no catch_all is configured");
    expect_refused(&m, ALERT("\"customer\":\"acme\",\"service\":\"api\",\"alertname\":\"X\"", ""),
                   "alert 'X' has no label 'deployment' and no catch_all is configured");
    expect_refused(&m,
                   ALERT("\"customer\":\"acme\",\"deployment\":\"fra1\",\"alertname\":\"X\"", ""),
                   "alert 'X' has no label 'service' and no catch_all is configured");
    expect_refused(&m, ALERT(CDS "\"severity\":\"critical\"", ""),
                   "alert '(unnamed)' has no label 'alertname' and no catch_all is configured");
    expect_refused(&m,
                   "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},"
                   "\"fingerprint\":\"8a1e4e6058348aa6\"}]}",
                   "alert '8a1e4e6058348aa6' has no label 'customer' and no catch_all is "
                   "configured");

    m.catch_all = "acme/fra1/alerts";
    expect_map(&m, ALERT("\"alertname\":\"Target Down\",\"severity\":\"warning\"", ""), 0,
               "acme/fra1/alerts/Target-Down", SW_WARNING, "[FIRING] Target Down");
    expect_map(&m, ALERT("\"customer\":\"acme\",\"deployment\":\"fra1\",\"alertname\":\"X\"", ""),
               0, "acme/fra1/alerts/X", SW_CRITICAL, "[FIRING] X");
    expect_map(&m, ALERT(CDS "\"severity\":\"critical\"", "\"summary\":\"no name\""), 0,
               "acme/fra1/alerts/alert", SW_CRITICAL, "[FIRING] no name");
    expect_map(&m, RESOLVED("\"customer\":\"???\",\"alertname\":\"???\"", ""), 0,
               "acme/fra1/alerts/alert", SW_OK, "[RESOLVED] ???");
    /* all four present: catch_all is not needed */
    expect_map(&m, ALERT(CDS "\"alertname\":\"X\"", ""), 0, "acme/fra1/api/X", SW_CRITICAL,
               "[FIRING] X");
}

static void test_map_output(void **state)
{
    struct sw_am_map m;
    struct sw_buf body;
    struct sw_am_payload p;
    enum sw_state st;
    char *path, *out;
    struct sw_buf err;

    (void)state;
    sw_am_map_defaults(&m);
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\"", "\"description\":\"line one\\nline\\ttwo\\r\""),
               0, "acme/fra1/api/A", SW_CRITICAL, "[FIRING] line one line two  (A)");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\"", "\"message\":\"m\",\"summary\":\"\""), 0,
               "acme/fra1/api/A", SW_CRITICAL, "[FIRING] m (A)");
    expect_map(&m,
               ALERT(CDS "\"alertname\":\"A\"", "\"summary\":\"s\",\"description\":\"d\","
                                                "\"message\":\"m\""),
               0, "acme/fra1/api/A", SW_CRITICAL, "[FIRING] s (A)");
    expect_map(&m, ALERT(CDS "\"alertname\":\"A\"", "\"summary\":\"bell\\u0007\""), 0,
               "acme/fra1/api/A", SW_CRITICAL, "[FIRING] bell? (A)");
    /* no alertname: the check label names it, no parenthesis */
    m.check_label = "check";
    expect_map(&m, ALERT(CDS "\"check\":\"c\"", "\"summary\":\"s\""), 0, "acme/fra1/api/c",
               SW_CRITICAL, "[FIRING] s");
    expect_map(&m, ALERT(CDS "\"check\":\"c\"", ""), 0, "acme/fra1/api/c", SW_CRITICAL,
               "[FIRING] c");

    /* a long summary is cut at 1024 bytes, between characters */
    sw_am_map_defaults(&m);
    sw_buf_init(&body);
    sw_buf_init(&err);
    sw_buf_puts(&body, ALERT(CDS "\"alertname\":\"A\"", "\"summary\":\""));
    body.len -= strlen("}}]}"); /* open the summary string again */
    for (int i = 0; i < 800; i++) {
        sw_buf_puts(&body, "\\u00e9");
    }
    sw_buf_puts(&body, "\"}}]}");
    assert_int_equal(sw_am_parse(body.data, body.len, &p, &err), 0);
    assert_int_equal(sw_am_map_alert(&m, &p.alerts[0], &path, &st, &out, &err), 0);
    /* "[FIRING] " (9) leaves 1015 bytes: 507 characters of 2, not half of the 508th */
    assert_int_equal(strlen(out), 9 + 1014);
    assert_true(sw_str_is_text(out, strlen(out)));
    free(path);
    free(out);
    sw_am_payload_release(&p);
    sw_buf_release(&body);
    sw_buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group),         cmocka_unit_test(test_minimal_and_optional),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_map_group_and_watchdog),
        cmocka_unit_test(test_map_defaults),  cmocka_unit_test(test_map_sanitising),
        cmocka_unit_test(test_map_severity),  cmocka_unit_test(test_map_other_labels),
        cmocka_unit_test(test_map_catch_all), cmocka_unit_test(test_map_output),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
