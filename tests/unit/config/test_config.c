/* SPDX-License-Identifier: Apache-2.0 */
/* test_config.c: unit tests of src/config: the documented example loads with exact values,
 * every class of error gives its exact "FILE:LINE:COL: message", relative paths, secrets,
 * fingerprints and lookups; contracts, customers' SLA keys and maintenance windows;
 * engineers, channels, rotations and escalation policies; business calendars and
 * contracts' support terms. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"

static const char example[] =
    "listen: 127.0.0.1:8080\n"
    "database: /var/lib/stackward/stackward.db\n"
    "retention: {results: 14d}\n"
    "defaults: {interval: 60s, retry_interval: 15s, max_attempts: 3, timeout: 10s}\n"
    "customers:\n"
    "  - id: acme\n"
    "    name: ACME Corporation\n"
    "    deployments:\n"
    "      - id: fra1\n"
    "        kind: openstack            # openstack | kubernetes | ceph | other\n"
    "        region: eu-central\n"
    "        timezone: Europe/Berlin\n"
    "        max_concurrent_checks: 20\n"
    "        services:\n"
    "          - id: identity\n"
    "            name: Keystone public API\n"
    "            aggregate: all           # all | any | quorum: N\n"
    "            checks:\n"
    "              - id: keystone-http\n"
    "                type: http\n"
    "                url: https://keystone.acme.example:5000/v3\n"
    "                expect_status: [200, 300]\n"
    "                expect_body: '\"version\"'      # PCRE2\n"
    "                warn_latency: 500ms\n"
    "                crit_latency: 2s\n"
    "                cert_warn_days: 21\n"
    "                cert_crit_days: 7\n"
    "              - id: keystone-port\n"
    "                type: exec\n"
    "                command: [/usr/lib/nagios/plugins/check_tcp, -H, keystone.acme.example, "
    "-p, \"5000\"]\n"
    "          - id: compute-api\n"
    "            checks:\n"
    "              - {id: nova-push, type: passive, freshness: 5m}\n"
    "              - {id: nova-tcp, type: tcp, host: nova.acme.example, port: 8774, "
    "interval: 30s}\n";

/* Lines 1-7; the first check's "- " is on line 8, its keys in column 17. */
#define HEAD                                                                                       \
    "customers:\n"                                                                                 \
    "  - id: acme\n"                                                                               \
    "    deployments:\n"                                                                           \
    "      - id: fra1\n"                                                                           \
    "        services:\n"                                                                          \
    "          - id: web\n"                                                                        \
    "            checks:\n"

#define TCP_C1                                                                                     \
    "              - id: c1\n"                                                                     \
    "                type: tcp\n"                                                                  \
    "                host: h\n"                                                                    \
    "                port: 80\n"

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

static void test_example(void **state)
{
    struct sw_config *c = parse_ok(example);
    struct sw_check_conf *ck;
    struct sw_service_conf *sv;
    struct sw_deployment_conf *d;

    (void)state;
    assert_string_equal(c->file, "t.yaml");
    assert_string_equal(c->listen, "127.0.0.1:8080");
    assert_string_equal(c->database, "/var/lib/stackward/stackward.db");
    assert_int_equal(c->retention_results_s, 14 * 86400);
    assert_int_equal(c->max_concurrent_checks, 1000);
    assert_int_equal(c->max_concurrent_exec, 32);
    assert_int_equal(c->max_request_body, 1024 * 1024);
    assert_int_equal(c->max_output, 4096);
    assert_int_equal(c->log_level, SW_LOG_INFO);
    assert_int_equal(c->refs, 1);

    assert_int_equal(c->n_customers, 1);
    assert_string_equal(c->customers[0].id, "acme");
    assert_string_equal(c->customers[0].name, "ACME Corporation");
    assert_int_equal(c->customers[0].n_deployments, 1);
    d = &c->customers[0].deployments[0];
    assert_string_equal(d->id, "fra1");
    assert_string_equal(d->path, "acme/fra1");
    assert_int_equal(d->kind, SW_KIND_OPENSTACK);
    assert_string_equal(sw_deployment_kind_name(d->kind), "openstack");
    assert_string_equal(d->region, "eu-central");
    assert_string_equal(d->timezone, "Europe/Berlin");
    assert_int_equal(d->max_concurrent_checks, 20);
    assert_ptr_equal(d->customer, &c->customers[0]);
    assert_int_equal(d->n_services, 2);

    assert_int_equal(c->n_services, 2);
    assert_int_equal(c->n_checks, 4);
    sv = c->services[0];
    assert_string_equal(sv->path, "acme/fra1/identity");
    assert_string_equal(sv->name, "Keystone public API");
    assert_int_equal(sv->aggregate, SW_AGG_ALL);
    assert_int_equal(sv->n_checks, 2);
    assert_int_equal(sv->line, 15);
    assert_int_equal(sv->col, 13);
    sv = c->services[1];
    assert_string_equal(sv->path, "acme/fra1/compute-api");
    assert_string_equal(sv->name, "compute-api");
    assert_int_equal(sv->aggregate, SW_AGG_ALL);

    ck = c->checks[0];
    assert_string_equal(ck->id, "keystone-http");
    assert_string_equal(ck->path, "acme/fra1/identity/keystone-http");
    assert_int_equal(ck->type, SW_CHECK_HTTP);
    assert_string_equal(sw_check_type_name(ck->type), "http");
    assert_int_equal(ck->line, 19);
    assert_int_equal(ck->col, 17);
    assert_int_equal(ck->interval_ms, 60000);
    assert_int_equal(ck->retry_interval_ms, 15000);
    assert_int_equal(ck->timeout_ms, 10000);
    assert_int_equal(ck->max_attempts, 3);
    assert_true(ck->flap.enabled);
    assert_int_equal(ck->flap.low_pct, 5);
    assert_int_equal(ck->flap.high_pct, 20);
    assert_string_equal(ck->url, "https://keystone.acme.example:5000/v3");
    assert_string_equal(ck->method, "GET");
    assert_int_equal(ck->n_headers, 0);
    assert_null(ck->body);
    assert_int_equal(ck->n_expect_status, 2);
    assert_int_equal(ck->expect_status[0], 200);
    assert_int_equal(ck->expect_status[1], 300);
    assert_string_equal(ck->expect_body, "\"version\"");
    assert_non_null(ck->expect_body_re);
    assert_int_equal(ck->warn_latency_ms, 500);
    assert_int_equal(ck->crit_latency_ms, 2000);
    assert_int_equal(ck->cert_warn_days, 21);
    assert_int_equal(ck->cert_crit_days, 7);
    assert_false(ck->follow_redirects);
    assert_true(ck->tls_verify);
    assert_null(ck->ca_file);
    assert_null(ck->username);
    assert_null(ck->password);
    assert_null(ck->bearer_token);
    assert_int_equal(ck->max_body, 64 * 1024);
    assert_ptr_equal(ck->service, c->services[0]);
    assert_ptr_equal(ck->deployment, d);
    assert_ptr_equal(ck->customer, &c->customers[0]);

    ck = c->checks[1];
    assert_string_equal(ck->path, "acme/fra1/identity/keystone-port");
    assert_int_equal(ck->type, SW_CHECK_EXEC);
    assert_int_equal(ck->argc, 5);
    assert_string_equal(ck->argv[0], "/usr/lib/nagios/plugins/check_tcp");
    assert_string_equal(ck->argv[1], "-H");
    assert_string_equal(ck->argv[2], "keystone.acme.example");
    assert_string_equal(ck->argv[3], "-p");
    assert_string_equal(ck->argv[4], "5000");
    assert_null(ck->argv[5]);
    assert_int_equal(ck->cert_warn_days, -1);
    assert_int_equal(ck->max_attempts, 3);

    ck = c->checks[2];
    assert_string_equal(ck->path, "acme/fra1/compute-api/nova-push");
    assert_int_equal(ck->type, SW_CHECK_PASSIVE);
    assert_int_equal(ck->freshness_ms, 300000);
    assert_int_equal(ck->max_attempts, 1);
    assert_int_equal(ck->interval_ms, 60000);
    assert_ptr_equal(ck->service, c->services[1]);

    ck = c->checks[3];
    assert_string_equal(ck->path, "acme/fra1/compute-api/nova-tcp");
    assert_int_equal(ck->type, SW_CHECK_TCP);
    assert_string_equal(ck->host, "nova.acme.example");
    assert_int_equal(ck->port, 8774);
    assert_int_equal(ck->interval_ms, 30000);
    assert_int_equal(ck->retry_interval_ms, 15000);
    assert_null(ck->send);
    assert_null(ck->expect);
    assert_int_equal(ck->max_attempts, 3);

    sw_config_unref(c);
}

static void test_defaults_and_options(void **state)
{
    struct sw_config *c;
    struct sw_check_conf *ck;

    (void)state;
    c = parse_ok("");
    assert_string_equal(c->listen, "127.0.0.1:8080");
    assert_string_equal(c->database, "/var/lib/stackward/stackward.db");
    assert_int_equal(c->retention_results_s, 14 * 86400);
    assert_int_equal(c->n_customers, 0);
    assert_int_equal(c->n_checks, 0);
    assert_null(sw_config_find_check(c, "a/b/c/d"));
    sw_config_unref(c);

    c = parse_ok("listen: '[::1]:9090'\n"
                 "database: postgres://db.example/sw\n"
                 "retention: {results: 2w}\n"
                 "defaults: {interval: 5m, retry_interval: 1m, max_attempts: 5, timeout: 3s}\n"
                 "max_concurrent_checks: 500\n"
                 "max_concurrent_exec: 4\n"
                 "max_request_body: 2MiB\n"
                 "max_output: 8 KiB\n"
                 "log_level: debug\n" HEAD "              - id: h\n"
                 "                type: http\n"
                 "                url: http://127.0.0.1:8081/health\n"
                 "                method: post\n"
                 "                headers: {X-Tenant: acme, Accept: application/json}\n"
                 "                body: '{}'\n"
                 "                expect_status: 204\n"
                 "                follow_redirects: true\n"
                 "                tls_verify: false\n"
                 "                max_body: 1048576\n"
                 "                max_attempts: 2\n"
                 "                flap_detection: {enabled: false, low: 10, high: 30}\n"
                 "              - id: t\n"
                 "                type: tcp\n"
                 "                host: '[::1]'\n"
                 "                port: 6379\n"
                 "                send: 'PING\\r\\n'\n"
                 "                expect: \"+PONG\"\n"
                 "              - {id: p, type: passive, max_attempts: 4}\n"
                 "              - {id: p0, type: passive, freshness: 0}\n");
    assert_string_equal(c->listen, "[::1]:9090");
    assert_string_equal(c->database, "postgres://db.example/sw");
    assert_int_equal(c->retention_results_s, 14 * 86400);
    assert_int_equal(c->max_concurrent_checks, 500);
    assert_int_equal(c->max_concurrent_exec, 4);
    assert_int_equal(c->max_request_body, 2 * 1024 * 1024);
    assert_int_equal(c->max_output, 8192);
    assert_int_equal(c->log_level, SW_LOG_DEBUG);
    assert_string_equal(c->customers[0].deployments[0].timezone, "UTC");
    assert_int_equal(c->customers[0].deployments[0].kind, SW_KIND_OTHER);
    assert_null(c->customers[0].deployments[0].region);
    assert_string_equal(c->customers[0].name, "acme");
    ck = c->checks[0];
    assert_string_equal(ck->method, "POST");
    assert_int_equal(ck->n_headers, 2);
    assert_string_equal(ck->headers[0], "X-Tenant: acme");
    assert_string_equal(ck->headers[1], "Accept: application/json");
    assert_string_equal(ck->body, "{}");
    assert_int_equal(ck->n_expect_status, 1);
    assert_int_equal(ck->expect_status[0], 204);
    assert_true(ck->follow_redirects);
    assert_false(ck->tls_verify);
    assert_int_equal(ck->max_body, 1048576);
    assert_int_equal(ck->interval_ms, 300000);
    assert_int_equal(ck->retry_interval_ms, 60000);
    assert_int_equal(ck->timeout_ms, 3000);
    assert_int_equal(ck->max_attempts, 2);
    assert_false(ck->flap.enabled);
    assert_int_equal(ck->flap.low_pct, 10);
    assert_int_equal(ck->flap.high_pct, 30);
    assert_int_equal(ck->cert_warn_days, -1);
    assert_int_equal(ck->warn_latency_ms, 0);
    ck = c->checks[1];
    assert_string_equal(ck->host, "::1");
    assert_string_equal(ck->send, "PING\r\n");
    assert_string_equal(ck->expect, "+PONG");
    assert_int_equal(ck->max_attempts, 5);
    assert_int_equal(c->checks[2]->max_attempts, 4);
    assert_int_equal(c->checks[2]->freshness_ms, 0);
    assert_int_equal(c->checks[3]->max_attempts, 1);
    assert_int_equal(c->checks[3]->freshness_ms, 0);
    sw_config_unref(c);

    c = parse_ok("retention: {results: 90d}\n" HEAD "              - id: q1\n"
                 "                type: tcp\n"
                 "                host: 10.0.0.1\n"
                 "                port: 22\n"
                 "              - {id: q2, type: tcp, host: 10.0.0.2, port: 22}\n"
                 "              - {id: q3, type: tcp, host: 10.0.0.3, port: 22}\n"
                 "            aggregate: {quorum: 2}\n"
                 "          - id: any\n"
                 "            aggregate: any\n"
                 "            checks: [{id: a, type: passive}]\n");
    assert_int_equal(c->retention_results_s, 90 * 86400);
    assert_int_equal(c->services[0]->aggregate, SW_AGG_QUORUM);
    assert_int_equal(c->services[0]->quorum, 2);
    assert_int_equal(c->services[1]->aggregate, SW_AGG_ANY);
    sw_config_unref(c);
}

static void test_err_unknown_key(void **state)
{
    (void)state;
    check_errors(HEAD TCP_C1 "                hots: x\n",
                 "t.yaml:12:17: unknown key 'hots' in a check\n");
    check_errors("lisen: 1.2.3.4:80\n", "t.yaml:1:1: unknown key 'lisen' at the top level\n");
    check_errors("defaults: {interval: 1m, jitter: 5s}\n",
                 "t.yaml:1:26: unknown key 'jitter' in 'defaults'\n");
    check_errors("listen: 1.2.3.4:80\nlisten: 1.2.3.4:81\n",
                 "t.yaml:2:1: duplicate key 'listen' (first at t.yaml:1:1)\n");
}

static void test_err_duplicate_id(void **state)
{
    (void)state;
    check_errors(HEAD TCP_C1 "              - id: c1\n"
                             "                type: tcp\n"
                             "                host: h\n"
                             "                port: 81\n",
                 "t.yaml:12:21: duplicate check id 'c1' (first at t.yaml:8:21)\n");
    check_errors("customers:\n"
                 "  - id: a\n"
                 "  - id: b\n"
                 "  - id: a\n",
                 "t.yaml:4:9: duplicate customer id 'a' (first at t.yaml:2:9)\n");
    check_errors("customers:\n"
                 "  - id: a\n"
                 "    deployments: [{id: x}, {id: x}]\n",
                 "t.yaml:3:33: duplicate deployment id 'x' (first at t.yaml:3:24)\n");
    /* the same id in different services is fine */
    sw_config_unref(parse_ok(HEAD TCP_C1 "          - id: web2\n"
                                         "            checks:\n" TCP_C1));
}

static void test_err_bad_duration(void **state)
{
    (void)state;
    check_errors(HEAD TCP_C1 "                interval: 5x\n",
                 "t.yaml:12:27: bad duration '5x' for 'interval' (a number with a unit: ms, s, "
                 "m, h, d, w; e.g. 30s or 1h30m)\n");
    check_errors("defaults: {timeout: 60}\n",
                 "t.yaml:1:21: bad duration '60' for 'timeout' (a number with a unit: ms, s, m, "
                 "h, d, w; e.g. 30s or 1h30m)\n");
    check_errors("defaults: {interval: 0s}\n", "t.yaml:1:22: 'interval' must be greater than 0\n");
    check_errors("defaults: {interval: 99999d}\n",
                 "t.yaml:1:22: 'interval' is too long (at most 3650d)\n");
}

static void test_err_bad_url(void **state)
{
    (void)state;
    check_errors(HEAD "              - id: u\n"
                      "                type: http\n"
                      "                url: 'http://exa mple/'\n"
                      "              - {id: v, type: http, url: 'ftp://example/'}\n"
                      "              - {id: w, type: http, url: 'https://me:pw@example/'}\n",
                 "t.yaml:10:22: bad URL: Bad hostname\n"
                 "t.yaml:11:42: bad URL: the scheme must be http or https\n"
                 "t.yaml:12:42: bad URL: credentials in the URL are not allowed (use username "
                 "with password_file or password_env)\n");
}

static void test_err_timezone(void **state)
{
    (void)state;
    check_errors("customers:\n"
                 "  - id: a\n"
                 "    deployments:\n"
                 "      - id: d\n"
                 "        timezone: Europe/Berln\n",
                 "t.yaml:5:19: unknown timezone 'Europe/Berln'\n");
    check_errors("customers: [{id: a, deployments: [{id: d, timezone: ../../etc/passwd}]}]\n",
                 "t.yaml:1:53: unknown timezone '../../etc/passwd'\n");
}

static void test_err_bad_regex(void **state)
{
    (void)state;
    check_errors(HEAD "              - id: u\n"
                      "                type: http\n"
                      "                url: http://example/\n"
                      "                expect_body: 'a(b'\n",
                 "t.yaml:11:30: bad expect_body pattern at offset 3: missing closing "
                 "parenthesis\n");
}

static void test_err_missing_key(void **state)
{
    (void)state;
    check_errors(HEAD "              - id: c1\n"
                      "                type: tcp\n"
                      "                host: h\n",
                 "t.yaml:8:17: missing required key 'port'\n");
    check_errors(HEAD "              - id: c1\n", "t.yaml:8:17: missing required key 'type'\n");
    check_errors(HEAD "              - type: http\n"
                      "                url: http://x/\n",
                 "t.yaml:8:17: missing required key 'id'\n");
    check_errors("customers: [{id: a, deployments: [{id: d, services: [{id: s}]}]}]\n",
                 "t.yaml:1:54: missing required key 'checks'\n");
    check_errors("customers: [{id: a, deployments: [{id: d, services: [{id: s, checks: []}]}]}]\n",
                 "t.yaml:1:70: a service needs at least one check\n");
}

static void test_err_key_for_type(void **state)
{
    (void)state;
    check_errors(HEAD TCP_C1 "                url: http://x/\n",
                 "t.yaml:12:17: key 'url' does not apply to a tcp check\n");
    check_errors(HEAD "              - {id: p, type: passive, command: [/bin/true], port: 1}\n",
                 "t.yaml:8:40: key 'command' does not apply to a passive check\n"
                 "t.yaml:8:62: key 'port' does not apply to a passive check\n");
    check_errors(HEAD "              - {id: p, type: ping}\n",
                 "t.yaml:8:31: unknown check type 'ping' (http, tcp, exec, passive, keystone, "
                 "kubernetes, prometheus or juju)\n");
}

static void test_err_secrets(void **state)
{
    (void)state;
    unsetenv("SW_TEST_UNSET_VAR");
    setenv("SW_TEST_EMPTY_VAR", "", 1);
    check_errors(HEAD "              - id: u\n"
                      "                type: http\n"
                      "                url: http://example/\n"
                      "                username: admin\n"
                      "                password_file: /nonexistent/stackward/pw\n",
                 "t.yaml:12:32: cannot read password_file '/nonexistent/stackward/pw': No such "
                 "file or directory\n");
    check_errors(HEAD "              - id: u\n"
                      "                type: http\n"
                      "                url: http://example/\n"
                      "                username: admin\n"
                      "                password_env: SW_TEST_UNSET_VAR\n"
                      "              - id: v\n"
                      "                type: http\n"
                      "                url: http://example/\n"
                      "                token_env: SW_TEST_EMPTY_VAR\n",
                 "t.yaml:12:31: environment variable 'SW_TEST_UNSET_VAR' (password_env) is not "
                 "set\n"
                 "t.yaml:16:28: environment variable 'SW_TEST_EMPTY_VAR' (token_env) is empty\n");
    check_errors(HEAD "              - id: u\n"
                      "                type: http\n"
                      "                url: http://example/\n"
                      "                password_env: SW_TEST_UNSET_VAR\n"
                      "                token_file: /nonexistent/t\n"
                      "                headers: {authorization: Basic abc}\n",
                 "t.yaml:11:17: 'password_env' needs 'username'\n"
                 "t.yaml:11:31: environment variable 'SW_TEST_UNSET_VAR' (password_env) is not "
                 "set\n"
                 "t.yaml:12:17: 'token_file' cannot be combined with basic auth (username and "
                 "password)\n"
                 "t.yaml:12:29: cannot read token_file '/nonexistent/t': No such file or "
                 "directory\n"
                 "t.yaml:13:27: header 'authorization' is not allowed: secrets are never inline "
                 "(use username with password_file/password_env, or token_file/token_env)\n");
    unsetenv("SW_TEST_EMPTY_VAR");
}

static void test_err_syntax(void **state)
{
    (void)state;
    check_errors("listen: [1, 2\n", "t.yaml:2:1: YAML syntax error: did not find expected ',' or "
                                    "']' (while parsing a flow sequence at line 1, column 9)\n");
    check_errors("a: b: c\n",
                 "t.yaml:1:5: YAML syntax error: mapping values are not allowed in this context\n");
    check_errors("defaults: &d {interval: 1m}\n",
                 "t.yaml:1:11: YAML anchors are not supported: write the value out\n");
    check_errors("listen: 1.2.3.4:80\n---\nlisten: 1.2.3.4:81\n",
                 "t.yaml:2:1: only one YAML document is allowed\n");
}

static void test_err_wrong_type(void **state)
{
    (void)state;
    check_errors("defaults: [1, 2]\n", "t.yaml:1:11: 'defaults' must be a mapping, found a list\n");
    check_errors("max_concurrent_checks: many\n",
                 "t.yaml:1:24: 'max_concurrent_checks' must be an integer, found 'many'\n");
    check_errors("max_concurrent_exec: '8'\n",
                 "t.yaml:1:22: 'max_concurrent_exec' must be an integer, found the string '8' "
                 "(drop the quotes)\n");
    check_errors("customers: {id: a}\n",
                 "t.yaml:1:12: 'customers' must be a list, found a mapping\n");
    check_errors("customers: [acme]\n",
                 "t.yaml:1:13: a customer must be a mapping, found 'acme'\n");
    check_errors(HEAD TCP_C1 "                port: 70000\n",
                 "t.yaml:12:17: duplicate key 'port' (first at t.yaml:11:17)\n");
    check_errors(HEAD "              - {id: t, type: tcp, host: h, port: 70000}\n",
                 "t.yaml:8:51: 'port' must be between 1 and 65535, found '70000'\n");
    check_errors(HEAD "              - {id: t, type: http, url: 'http://x/', tls_verify: yes}\n",
                 "t.yaml:8:67: 'tls_verify' must be true or false, found 'yes'\n");
    check_errors("max_request_body: 1MB\n",
                 "t.yaml:1:19: bad size '1MB' for 'max_request_body' (bytes, or a number with "
                 "KiB, MiB or GiB; e.g. 1MiB)\n");
    check_errors("[1, 2]\n", "t.yaml:1:1: the top level must be a mapping, found a list\n");
    check_errors("customers: [{id: a, name: [x]}]\n",
                 "t.yaml:1:27: 'name' must be a string, found a list\n");
    check_errors("customers: [{id: a, name: }]\n",
                 "t.yaml:1:27: 'name' must be a string, found nothing\n");
}

static void test_err_quorum(void **state)
{
    (void)state;
    check_errors(HEAD TCP_C1 "            aggregate: {quorum: 3}\n",
                 "t.yaml:12:33: quorum must be between 1 and 1 (the number of checks), found 3\n");
    check_errors(HEAD TCP_C1 "            aggregate: {quorum: 0}\n",
                 "t.yaml:12:33: 'quorum' must be between 1 and 2147483647, found '0'\n");
    check_errors(HEAD TCP_C1 "            aggregate: most\n",
                 "t.yaml:12:24: bad aggregate 'most' (all, any or {quorum: N})\n");
}

static void test_err_checks_misc(void **state)
{
    (void)state;
    check_errors(HEAD "              - id: h\n"
                      "                type: http\n"
                      "                url: http://x/\n"
                      "                warn_latency: 2s\n"
                      "                crit_latency: 1s\n"
                      "                cert_warn_days: 7\n"
                      "                expect_status: [200, 600]\n",
                 "t.yaml:11:31: warn_latency (2s) must not be longer than crit_latency (1s)\n"
                 "t.yaml:13:17: 'cert_warn_days' needs an https URL\n"
                 "t.yaml:14:38: 'expect_status' must be between 100 and 599, found '600'\n");
    check_errors(HEAD "              - {id: e, type: exec, command: [check_tcp, -H, x]}\n"
                      "              - {id: f, type: exec, command: [/nonexistent/check]}\n"
                      "              - {id: g, type: exec, command: [/usr]}\n",
                 "t.yaml:8:47: the command must start with an absolute path, found 'check_tcp'\n"
                 "t.yaml:9:47: cannot run '/nonexistent/check': No such file or directory\n"
                 "t.yaml:10:47: cannot run '/usr': not an executable file\n");
    check_errors(HEAD
                 "              - {id: 'bad id', type: passive}\n"
                 "              - {id: t, type: tcp, host: h, port: 1, send: 'a\\qb'}\n"
                 "              - {id: p, type: passive, flap_detection: {low: 30, high: 20}}\n",
                 "t.yaml:8:22: bad id 'bad id' (1 to 64 letters, digits, '_', '.' or '-', "
                 "starting with a letter or digit)\n"
                 "t.yaml:9:60: unknown escape in 'send' at byte 2 (known: \\r \\n \\t \\\\)\n"
                 "t.yaml:10:62: flap_detection low (30) must be below high (20)\n");
}

static void test_err_many(void **state)
{
    (void)state;
    check_errors(
        "log_level: loud\n"
        "defaults: {interval: soon}\n"
        "customers:\n"
        "  - id: acme\n"
        "    colour: red\n"
        "    deployments:\n"
        "      - id: fra1\n"
        "        timezone: Mars/Olympus\n"
        "        kind: vmware\n"
        "        services:\n"
        "          - id: web\n"
        "            checks:\n"
        "              - {id: a, type: tcp, host: h}\n"
        "              - {id: b, type: http, url: 'http://x/', expect_body: '[', port: 1}\n"
        "listen: nowhere\n",
        "t.yaml:1:12: unknown log_level 'loud' (debug, info, warn or error)\n"
        "t.yaml:2:22: bad duration 'soon' for 'interval' (a number with a unit: ms, s, "
        "m, h, d, w; e.g. 30s or 1h30m)\n"
        "t.yaml:5:5: unknown key 'colour' in a customer\n"
        "t.yaml:8:19: unknown timezone 'Mars/Olympus'\n"
        "t.yaml:9:15: unknown kind 'vmware' (openstack, kubernetes, ceph or other)\n"
        "t.yaml:13:17: missing required key 'port'\n"
        "t.yaml:14:68: bad expect_body pattern at offset 1: missing terminating ] for "
        "character class\n"
        "t.yaml:14:73: key 'port' does not apply to an http check\n"
        "t.yaml:15:9: bad listen address 'nowhere' (HOST:PORT, e.g. 127.0.0.1:8080 or "
        "[::1]:8080)\n");
}

static void test_err_limits(void **state)
{
    size_t n = 16u * 1024 * 1024 + 1;
    char *big = malloc(n + 1);
    struct sw_config *c = NULL;
    struct sw_buf b;

    (void)state;
    assert_non_null(big);
    memset(big, ' ', n);
    big[n] = '\0';
    sw_buf_init(&b);
    assert_int_equal(sw_config_parse("big.yaml", big, n, &b, &c), -EINVAL);
    assert_null(c);
    assert_string_equal(b.data, "big.yaml:1:1: the document is larger than 16 MiB\n");
    sw_buf_release(&b);
    free(big);

    /* at most 1000 errors are listed, the rest counted */
    struct sw_buf yaml, want;
    sw_buf_init(&yaml);
    sw_buf_init(&want);
    for (int i = 0; i < 1003; i++) {
        sw_buf_printf(&yaml, "k%d: 1\n", i);
        if (i < 1000) {
            sw_buf_printf(&want, "t.yaml:%d:1: unknown key 'k%d' at the top level\n", i + 1, i);
        }
    }
    sw_buf_puts(&want, "t.yaml: 3 more errors not shown\n");
    check_errors(yaml.data, want.data);
    sw_buf_release(&yaml);
    sw_buf_release(&want);

    /* deep nesting stops at the cap instead of recursing */
    char deep[300];
    memset(deep, '[', 200);
    deep[200] = '\0';
    check_errors(deep, "t.yaml:1:65: nesting deeper than 64 levels\n");
}

static char *write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    char *path = sw_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void test_files_and_paths(void **state)
{
    char tmpl[] = "/tmp/sw-config-XXXXXX";
    char *dir, *real, *cfgfile, *files[6], *want;
    struct sw_config *c = NULL;
    struct sw_check_conf *ck;
    struct sw_buf b;

    (void)state;
    dir = mkdtemp(tmpl);
    assert_non_null(dir);
    real = realpath(dir, NULL);
    assert_non_null(real);
    files[0] = write_file(dir, "ca.pem", "CA\n", 0644);
    files[1] = write_file(dir, "pw", "s3cret\n", 0600);
    files[2] = write_file(dir, "token", "tok\n\n", 0600);
    files[3] = write_file(dir, "empty", "", 0600);
    files[4] = write_file(dir, "plugin", "#!/bin/sh\nexit 0\n", 0755);
    setenv("SW_TEST_TOKEN", "envtok", 1);
    files[5] = write_file(dir, "sw.yaml",
                          "database: data/sw.db\n" HEAD "              - id: a\n"
                          "                type: http\n"
                          "                url: https://x.example/\n"
                          "                ca_file: ca.pem\n"
                          "                client_cert: ./ca.pem\n"
                          "                username: admin\n"
                          "                password_file: pw\n"
                          "              - {id: b, type: http, url: 'http://x/', token_env: "
                          "SW_TEST_TOKEN}\n"
                          "              - {id: c, type: exec, command: [plugin]}\n",
                          0644);
    cfgfile = files[5];

    /* a relative plugin path is refused: no search path, no guessing */
    sw_buf_init(&b);
    assert_int_equal(sw_config_load(cfgfile, &b, &c), -EINVAL);
    want = sw_xasprintf("%s:17:47: the command must start with an absolute path, found 'plugin'\n",
                        cfgfile);
    assert_string_equal(b.data, want);
    free(want);
    sw_buf_release(&b);

    char *plugin = sw_xasprintf("%s/plugin", real);
    char *text = sw_xasprintf("database: sqlite:data/sw.db\n" HEAD "              - id: a\n"
                              "                type: http\n"
                              "                url: https://x.example/\n"
                              "                ca_file: ca.pem\n"
                              "                client_cert: ./ca.pem\n"
                              "                username: admin\n"
                              "                password_file: pw\n"
                              "              - {id: b, type: http, url: 'http://x/', token_env: "
                              "SW_TEST_TOKEN}\n"
                              "              - {id: c, type: exec, command: [%s, -v]}\n",
                              plugin);
    free(write_file(dir, "sw.yaml", text, 0644));
    free(text);
    sw_buf_init(&b);
    assert_int_equal(sw_config_load(cfgfile, &b, &c), 0);
    assert_null(b.data);
    want = sw_xasprintf("sqlite:%s/data/sw.db", real);
    assert_string_equal(c->database, want);
    free(want);
    ck = sw_config_find_check(c, "acme/fra1/web/a");
    assert_non_null(ck);
    want = sw_xasprintf("%s/ca.pem", real);
    assert_string_equal(ck->ca_file, want);
    free(want);
    want = sw_xasprintf("%s/./ca.pem", real);
    assert_string_equal(ck->client_cert, want);
    free(want);
    assert_string_equal(ck->username, "admin");
    assert_string_equal(ck->password, "s3cret");
    assert_string_equal(c->checks[1]->bearer_token, "envtok");
    assert_string_equal(c->checks[2]->argv[0], plugin);
    assert_string_equal(c->checks[2]->argv[1], "-v");
    sw_config_unref(c);
    c = NULL;
    free(plugin);
    sw_buf_release(&b);

    /* only one trailing newline is stripped: "tok\n\n" keeps one, a control character */
    /* secret problems name the file, never the content */
    text = sw_xasprintf("customers: [{id: a, deployments: [{id: d, services: [{id: s, checks: "
                        "[{id: x, type: http, url: 'http://x/', token_file: empty}, "
                        "{id: y, type: http, url: 'http://x/', token_file: %s/token}]}]}]}]\n",
                        dir);
    free(write_file(dir, "bad.yaml", text, 0644));
    free(text);
    char *badfile = sw_xasprintf("%s/bad.yaml", dir);
    sw_buf_init(&b);
    assert_int_equal(sw_config_load(badfile, &b, &c), -EINVAL);
    assert_null(c);
    want = sw_xasprintf("%s:1:121: token_file '%s/empty' is empty\n"
                        "%s:1:179: token_file '%s/token' contains control characters\n",
                        badfile, real, badfile, dir);
    assert_string_equal(b.data, want);
    assert_null(strstr(b.data, "tok\n"));
    free(want);
    sw_buf_release(&b);

    /* an unreadable file */
    char *missing = sw_xasprintf("%s/missing.yaml", dir);
    sw_buf_init(&b);
    assert_int_equal(sw_config_load(missing, &b, &c), -ENOENT);
    want = sw_xasprintf("%s: cannot read: No such file or directory\n", missing);
    assert_string_equal(b.data, want);
    free(want);
    sw_buf_release(&b);

    unsetenv("SW_TEST_TOKEN");
    for (int i = 0; i < 6; i++) {
        unlink(files[i]);
        free(files[i]);
    }
    unlink(badfile);
    free(badfile);
    free(missing);
    assert_int_equal(rmdir(dir), 0);
    free(real);
}

static void test_fingerprint(void **state)
{
    const char *twin = HEAD "              - {id: a, type: tcp, host: h, port: 80, timeout: 5s}\n"
                            "              - {id: b, type: tcp, host: h, port: 80, timeout: 5s}\n"
                            "              - {id: c, type: tcp, host: h, port: 80, timeout: 6s}\n"
                            "              - {id: d, type: tcp, host: h, port: 81, timeout: 5s}\n"
                            "              - {id: e, type: tcp, host: h, port: 80, timeout: 5s, "
                            "send: x}\n"
                            "              - {id: f, type: tcp, host: h, port: 80, timeout: 5s, "
                            "expect: x}\n";
    struct sw_config *c1 = parse_ok(twin), *c2 = parse_ok(twin), *c3;

    (void)state;
    assert_int_equal(c1->n_checks, 6);
    assert_true(c1->checks[0]->fingerprint == c1->checks[1]->fingerprint);
    for (size_t i = 0; i < 6; i++) {
        assert_true(c1->checks[i]->fingerprint == c2->checks[i]->fingerprint);
    }
    for (size_t i = 2; i < 6; i++) {
        assert_true(c1->checks[0]->fingerprint != c1->checks[i]->fingerprint);
    }
    assert_true(c1->checks[4]->fingerprint != c1->checks[5]->fingerprint);

    /* a changed default changes every check that inherits it */
    c3 = parse_ok("defaults: {interval: 2m}\n" HEAD
                  "              - {id: a, type: tcp, host: h, port: 80, timeout: 5s}\n");
    assert_true(c3->checks[0]->fingerprint != c1->checks[0]->fingerprint);
    sw_config_unref(c3);
    c3 = parse_ok("defaults: {interval: 1m}\n" HEAD
                  "              - {id: a, type: tcp, host: h, port: 80, timeout: 5s}\n");
    assert_true(c3->checks[0]->fingerprint == c1->checks[0]->fingerprint);
    sw_config_unref(c3);
    sw_config_unref(c1);
    sw_config_unref(c2);

    /* http settings count too */
    c1 = parse_ok(HEAD
                  "              - {id: a, type: http, url: 'http://x/', expect_status: 200}\n"
                  "              - {id: b, type: http, url: 'http://x/', expect_status: 201}\n"
                  "              - {id: c, type: http, url: 'http://x/', expect_body: 'ok'}\n"
                  "              - {id: d, type: http, url: 'http://x/', headers: {A: b}}\n"
                  "              - {id: e, type: http, url: 'http://x/', expect_status: 200}\n");
    assert_true(c1->checks[0]->fingerprint != c1->checks[1]->fingerprint);
    assert_true(c1->checks[0]->fingerprint != c1->checks[2]->fingerprint);
    assert_true(c1->checks[0]->fingerprint != c1->checks[3]->fingerprint);
    assert_true(c1->checks[0]->fingerprint == c1->checks[4]->fingerprint);
    sw_config_unref(c1);
}

static void test_lookups_and_refs(void **state)
{
    struct sw_config *c = parse_ok(example), *r;
    struct sw_buf yaml;
    char path[128];

    (void)state;
    assert_ptr_equal(sw_config_find_check(c, "acme/fra1/identity/keystone-http"), c->checks[0]);
    assert_ptr_equal(sw_config_find_check(c, "acme/fra1/compute-api/nova-tcp"), c->checks[3]);
    assert_null(sw_config_find_check(c, "acme/fra1/identity"));
    assert_null(sw_config_find_check(c, "acme/fra1/identity/keystone"));
    assert_null(sw_config_find_check(c, NULL));
    assert_ptr_equal(sw_config_find_service(c, "acme/fra1/compute-api"), c->services[1]);
    assert_null(sw_config_find_service(c, "acme/fra1"));
    assert_ptr_equal(sw_config_find_customer(c, "acme"), &c->customers[0]);
    assert_null(sw_config_find_customer(c, "acm"));

    r = sw_config_ref(c);
    assert_ptr_equal(r, c);
    assert_int_equal(c->refs, 2);
    sw_config_unref(c);
    assert_int_equal(c->refs, 1);
    sw_config_unref(c);
    sw_config_unref(NULL);

    /* a fleet of 3 customers x 20 services x 50 checks, in an unsorted order */
    sw_buf_init(&yaml);
    sw_buf_puts(&yaml, "customers:\n");
    for (int cu = 3; cu-- > 0;) {
        sw_buf_printf(&yaml,
                      "  - id: cust%d\n    deployments:\n      - id: dc\n"
                      "        services:\n",
                      cu);
        for (int s = 0; s < 20; s++) {
            sw_buf_printf(&yaml, "          - id: svc%02d\n            checks:\n", 19 - s);
            for (int k = 0; k < 50; k++) {
                sw_buf_printf(&yaml, "              - {id: chk%d, type: passive}\n", (k * 7) % 50);
            }
        }
    }
    c = parse_ok(yaml.data);
    assert_int_equal(c->n_checks, 3000);
    assert_int_equal(c->n_services, 60);
    for (int cu = 0; cu < 3; cu++) {
        snprintf(path, sizeof(path), "cust%d", cu);
        assert_string_equal(sw_config_find_customer(c, path)->id, path);
        for (int s = 0; s < 20; s++) {
            snprintf(path, sizeof(path), "cust%d/dc/svc%02d", cu, s);
            assert_string_equal(sw_config_find_service(c, path)->path, path);
            for (int k = 0; k < 50; k++) {
                snprintf(path, sizeof(path), "cust%d/dc/svc%02d/chk%d", cu, s, k);
                assert_string_equal(sw_config_find_check(c, path)->path, path);
            }
        }
    }
    assert_null(sw_config_find_check(c, "cust0/dc/svc00/chk50"));
    assert_string_equal(c->checks[0]->path, "cust2/dc/svc19/chk0");
    assert_string_equal(c->checks[1]->path, "cust2/dc/svc19/chk7");
    sw_config_unref(c);
    sw_buf_release(&yaml);
}

/* ---- contracts, customers' SLA keys and maintenance ---- */

/* The documented contract example, as written: lines 1-14. */
#define ISSUE_CONTRACTS                                                                            \
    "contracts:\n"                                                                                 \
    "  - id: gold\n"                                                                               \
    "    timezone: Europe/Berlin\n"                                                                \
    "    objectives:\n"                                                                            \
    "      - services: [\"*/identity\", \"*/compute-api\"]   # deployment/service globs\n"         \
    "        target: 99.95\n"                                                                      \
    "    unknown: excluded\n"                                                                      \
    "    credits:                # percent of the monthly fee when availability falls below\n"     \
    "      - {below: 99.95, credit: 10}\n"                                                         \
    "      - {below: 99.0,  credit: 25}\n"                                                         \
    "      - {below: 95.0,  credit: 100}\n"

/* The documented maintenance example, as written: 8 lines. */
#define ISSUE_MAINT                                                                                \
    "maintenance:\n"                                                                               \
    "  - scope: acme/fra1                 # customer, customer/deployment or .../service\n"        \
    "    start: 2026-10-05T10:15:00Z\n"                                                            \
    "    end: 2026-10-05T11:00:00Z\n"                                                              \
    "    reason: Ceph upgrade\n"                                                                   \
    "  - scope: acme\n"                                                                            \
    "    weekly: {day: sunday, start: \"02:00\", duration: 2h}\n"                                  \
    "    timezone: Europe/Berlin\n"

/* A customer acme with deployment fra1 (Europe/Berlin) and services identity, compute-api and
 * db, on contract gold: lines 12-26 after ISSUE_CONTRACTS. */
#define ACME_GOLD                                                                                  \
    "customers:\n"                                                                                 \
    "  - id: acme\n"                                                                               \
    "    contract: gold\n"                                                                         \
    "    deployments:\n"                                                                           \
    "      - id: fra1\n"                                                                           \
    "        timezone: Europe/Berlin\n"                                                            \
    "        services:\n"                                                                          \
    "          - id: identity\n"                                                                   \
    "            checks: [{id: a, type: passive}]\n"                                               \
    "          - id: compute-api\n"                                                                \
    "            checks: [{id: a, type: passive}]\n"                                               \
    "          - id: db\n"                                                                         \
    "            checks: [{id: a, type: passive}]\n"

static void test_sla_issue_examples(void **state)
{
    struct sw_config *c;
    const struct sw_contract_conf *ct;
    const struct sw_objective_conf *o;
    const struct sw_maint_conf *m;
    const struct sw_customer_conf *cu;

    (void)state;
    /* the contract example alone, exactly as documented */
    c = parse_ok(ISSUE_CONTRACTS "customers:\n"
                                 "  - id: acme\n"
                                 "    contract: gold\n");
    assert_int_equal(c->n_contracts, 1);
    ct = &c->contracts[0];
    assert_string_equal(ct->id, "gold");
    assert_int_equal(ct->line, 2);
    assert_int_equal(ct->col, 5);
    assert_string_equal(ct->timezone, "Europe/Berlin");
    assert_int_equal(ct->rolling_s, 0);
    assert_int_equal(ct->n_objectives, 1);
    o = &ct->objectives[0];
    assert_int_equal(o->line, 5);
    assert_int_equal(o->col, 9);
    assert_int_equal(o->n_services, 2);
    assert_string_equal(o->services[0], "*/identity");
    assert_string_equal(o->services[1], "*/compute-api");
    assert_int_equal(o->target_ppm, 999500);
    assert_int_equal(o->n_rules, 0);
    assert_null(o->rules);
    assert_int_equal(ct->unknown, SW_UNKNOWN_EXCLUDED);
    assert_false(ct->warning_is_down);
    assert_int_equal(ct->min_outage_s, 0);
    assert_int_equal(ct->n_credits, 3);
    assert_int_equal(ct->credits[0].below_ppm, 999500);
    assert_int_equal(ct->credits[0].credit_ppm, 100000);
    assert_int_equal(ct->credits[1].below_ppm, 990000);
    assert_int_equal(ct->credits[1].credit_ppm, 250000);
    assert_int_equal(ct->credits[2].below_ppm, 950000);
    assert_int_equal(ct->credits[2].credit_ppm, 1000000);
    cu = &c->customers[0];
    assert_string_equal(cu->contract_id, "gold");
    assert_ptr_equal(cu->contract, ct);
    assert_string_equal(cu->timezone, "UTC");
    assert_int_equal(cu->fee_minor, -1);
    assert_string_equal(cu->currency, "");
    assert_ptr_equal(sw_config_find_contract(c, "gold"), ct);
    assert_null(sw_config_find_contract(c, "silver"));
    assert_null(sw_config_find_contract(c, NULL));
    assert_int_equal(c->n_maintenance, 0);
    assert_null(c->maintenance);
    sw_config_unref(c);

    /* with the maintenance example, as written */
    c = parse_ok(ISSUE_CONTRACTS ACME_GOLD ISSUE_MAINT);
    assert_int_equal(c->n_maintenance, 2);
    m = &c->maintenance[0];
    assert_string_equal(m->scope, "acme/fra1");
    assert_false(m->weekly);
    assert_int_equal(m->start, 1791195300); /* 2026-10-05T10:15:00Z */
    assert_int_equal(m->end, 1791198000);   /* 2026-10-05T11:00:00Z */
    assert_null(m->timezone);
    assert_string_equal(m->reason, "Ceph upgrade");
    assert_true(m->excluded);
    assert_int_equal(m->line, 26);
    assert_int_equal(m->col, 5);
    m = &c->maintenance[1];
    assert_string_equal(m->scope, "acme");
    assert_true(m->weekly);
    assert_int_equal(m->weekday, 0);
    assert_int_equal(m->start_s, 7200);
    assert_int_equal(m->duration_s, 7200);
    assert_string_equal(m->timezone, "Europe/Berlin");
    assert_null(m->reason);
    assert_true(m->excluded);
    assert_int_equal(m->line, 30);
    assert_int_equal(m->col, 5);

    /* every service of acme/fra1 matched by a glob gets the objective */
    o = &c->contracts[0].objectives[0];
    assert_ptr_equal(sw_config_objective_for(c, sw_config_find_service(c, "acme/fra1/identity")),
                     o);
    assert_ptr_equal(sw_config_objective_for(c, sw_config_find_service(c, "acme/fra1/compute-api")),
                     o);
    assert_null(sw_config_objective_for(c, sw_config_find_service(c, "acme/fra1/db")));
    assert_null(sw_config_objective_for(c, NULL));
    sw_config_unref(c);
}

static void test_sla_all_keys(void **state)
{
    struct sw_config *c =
        parse_ok("contracts:\n"
                 "  - id: platinum\n"
                 "    period: {rolling: 30d}\n"
                 "    objectives:\n"
                 "      - services: ['fra1/*']\n"
                 "        target: 99.999\n"
                 "        burn_rates:\n"
                 "          - {severity: page, long: 1h, short: 5m, factor: 14.4}\n"
                 "          - {severity: ticket, long: 3d, short: 6h, factor: '0.125'}\n"
                 "      - services: ['*/*']\n"
                 "        target: '100'\n"
                 "    unknown: down\n"
                 "    down_states: [WARNING, CRITICAL]\n"
                 "    min_outage: 5m\n"
                 "    credits: []\n"
                 "  - id: bronze\n"
                 "    period: month\n"
                 "    objectives: [{services: ['*/*'], target: 0.0001}]\n"
                 "    unknown: up\n"
                 "    down_states: [CRITICAL]\n"
                 "    min_outage: 0\n"
                 "    credits: [{below: 100, credit: 0.5}, {below: '0.0001', credit: 100.0000}]\n"
                 "customers:\n"
                 "  - id: acme\n"
                 "    contract: platinum\n"
                 "    timezone: America/New_York\n"
                 "    monthly_fee: {amount: 12000.00, currency: EUR}\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        timezone: Europe/Berlin\n"
                 "        services:\n"
                 "          - {id: web, checks: [{id: a, type: passive}]}\n"
                 "      - id: nyc\n"
                 "        services:\n"
                 "          - {id: web, checks: [{id: a, type: passive}]}\n"
                 "  - id: beta\n"
                 "    contract: bronze\n"
                 "    monthly_fee: {amount: '99.5', currency: USD}\n"
                 "maintenance:\n"
                 "  - scope: acme/fra1\n"
                 "    weekly: {day: saturday, start: '23:59', duration: 7d}\n"
                 "    excluded: false\n"
                 "  - scope: acme/nyc/web\n"
                 "    weekly: {day: wednesday, start: '00:00', duration: 90s}\n"
                 "    reason: 'kernel patching'\n"
                 "  - scope: acme\n"
                 "    weekly: {day: monday, start: '12:30', duration: 1h}\n"
                 "  - scope: beta\n"
                 "    weekly: {day: friday, start: '06:05', duration: 1h}\n"
                 "  - scope: acme/fra1/web\n"
                 "    start: '2026-03-29T03:00:00+02:00'\n"
                 "    end: 2026-03-29T04:00:00+02:00\n"
                 "    timezone: Asia/Tokyo\n"
                 "    excluded: true\n");
    const struct sw_contract_conf *ct = &c->contracts[0];
    const struct sw_maint_conf *m = c->maintenance;

    (void)state;
    assert_int_equal(c->n_contracts, 2);
    assert_null(ct->timezone);
    assert_int_equal(ct->rolling_s, 30 * 86400);
    assert_int_equal(ct->n_objectives, 2);
    assert_int_equal(ct->objectives[0].target_ppm, 999990);
    assert_int_equal(ct->objectives[0].n_rules, 2);
    assert_int_equal(ct->objectives[0].rules[0].page, 1);
    assert_int_equal(ct->objectives[0].rules[0].long_s, 3600);
    assert_int_equal(ct->objectives[0].rules[0].short_s, 300);
    assert_int_equal(ct->objectives[0].rules[0].factor_milli, 14400);
    assert_int_equal(ct->objectives[0].rules[1].page, 0);
    assert_int_equal(ct->objectives[0].rules[1].long_s, 3 * 86400);
    assert_int_equal(ct->objectives[0].rules[1].short_s, 6 * 3600);
    assert_int_equal(ct->objectives[0].rules[1].factor_milli, 125);
    assert_int_equal(ct->objectives[1].target_ppm, 1000000);
    assert_int_equal(ct->objectives[1].line, 10);
    assert_int_equal(ct->objectives[1].col, 9);
    assert_int_equal(ct->unknown, SW_UNKNOWN_DOWN);
    assert_true(ct->warning_is_down);
    assert_int_equal(ct->min_outage_s, 300);
    assert_int_equal(ct->n_credits, 0);

    ct = &c->contracts[1];
    assert_int_equal(ct->rolling_s, 0);
    assert_int_equal(ct->objectives[0].target_ppm, 1);
    assert_int_equal(ct->unknown, SW_UNKNOWN_UP);
    assert_false(ct->warning_is_down);
    assert_int_equal(ct->min_outage_s, 0);
    assert_int_equal(ct->n_credits, 2);
    assert_int_equal(ct->credits[0].below_ppm, 1000000);
    assert_int_equal(ct->credits[0].credit_ppm, 5000);
    assert_int_equal(ct->credits[1].below_ppm, 1);
    assert_int_equal(ct->credits[1].credit_ppm, 1000000);

    assert_string_equal(c->customers[0].timezone, "America/New_York");
    assert_int_equal(c->customers[0].fee_minor, 1200000);
    assert_string_equal(c->customers[0].currency, "EUR");
    assert_ptr_equal(c->customers[0].contract, &c->contracts[0]);
    assert_int_equal(c->customers[1].fee_minor, 9950);
    assert_string_equal(c->customers[1].currency, "USD");
    assert_ptr_equal(c->customers[1].contract, &c->contracts[1]);

    assert_int_equal(c->n_maintenance, 5);
    /* a weekly window takes the deployment's timezone, else the customer's */
    assert_true(m[0].weekly);
    assert_int_equal(m[0].weekday, 6);
    assert_int_equal(m[0].start_s, 86340);
    assert_int_equal(m[0].duration_s, 7 * 86400);
    assert_string_equal(m[0].timezone, "Europe/Berlin");
    assert_false(m[0].excluded);
    assert_int_equal(m[1].weekday, 3);
    assert_int_equal(m[1].start_s, 0);
    assert_int_equal(m[1].duration_s, 90);
    assert_string_equal(m[1].timezone, "UTC"); /* nyc has no timezone: its default */
    assert_string_equal(m[1].reason, "kernel patching");
    assert_true(m[1].excluded);
    assert_int_equal(m[2].weekday, 1);
    assert_int_equal(m[2].start_s, 12 * 3600 + 30 * 60);
    assert_string_equal(m[2].timezone, "America/New_York");
    assert_int_equal(m[3].weekday, 5);
    assert_int_equal(m[3].start_s, 6 * 3600 + 5 * 60);
    assert_string_equal(m[3].timezone, "UTC");
    /* a one-off window carries its zone in its times */
    assert_false(m[4].weekly);
    assert_int_equal(m[4].start, 1774746000); /* 2026-03-29T01:00:00Z */
    assert_int_equal(m[4].end, 1774746000 + 3600);
    assert_string_equal(m[4].timezone, "Asia/Tokyo");
    assert_true(m[4].excluded);

    /* globs: the fra1 glob comes first, '*' does not cross '/', a customer without a contract
     * has no objective */
    assert_ptr_equal(sw_config_objective_for(c, sw_config_find_service(c, "acme/fra1/web")),
                     &c->contracts[0].objectives[0]);
    assert_ptr_equal(sw_config_objective_for(c, sw_config_find_service(c, "acme/nyc/web")),
                     &c->contracts[0].objectives[1]);
    sw_config_unref(c);

    c = parse_ok("contracts: [{id: g, objectives: [{services: ['f*/w[ae]b', 'x/?'], "
                 "target: 99}]}]\n"
                 "customers:\n"
                 "  - id: a\n"
                 "    contract: g\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        services:\n"
                 "          - {id: web, checks: [{id: a, type: passive}]}\n"
                 "          - {id: wib, checks: [{id: a, type: passive}]}\n"
                 "      - id: x\n"
                 "        services:\n"
                 "          - {id: y, checks: [{id: a, type: passive}]}\n"
                 "          - {id: yy, checks: [{id: a, type: passive}]}\n"
                 "  - id: b\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        services:\n"
                 "          - {id: web, checks: [{id: a, type: passive}]}\n");
    assert_ptr_equal(sw_config_objective_for(c, sw_config_find_service(c, "a/fra1/web")),
                     &c->contracts[0].objectives[0]);
    assert_null(sw_config_objective_for(c, sw_config_find_service(c, "a/fra1/wib")));
    assert_ptr_equal(sw_config_objective_for(c, sw_config_find_service(c, "a/x/y")),
                     &c->contracts[0].objectives[0]);
    assert_null(sw_config_objective_for(c, sw_config_find_service(c, "a/x/yy")));
    assert_null(sw_config_objective_for(c, sw_config_find_service(c, "b/fra1/web")));
    assert_null(c->customers[1].contract);
    assert_null(c->customers[1].contract_id);
    assert_string_equal(c->customers[1].timezone, "UTC");
    assert_int_equal(c->customers[1].fee_minor, -1);
    sw_config_unref(c);
}

/* Lines 1-5: a valid contract; more contract keys go on line 6, column 5. */
#define CT_HEAD                                                                                    \
    "contracts:\n"                                                                                 \
    "  - id: gold\n"                                                                               \
    "    objectives:\n"                                                                            \
    "      - services: ['*/*']\n"                                                                  \
    "        target: 99.9\n"

static void test_sla_err_contracts(void **state)
{
    (void)state;
    check_errors(CT_HEAD "customers:\n"
                         "  - id: acme\n"
                         "    contract: silver\n",
                 "t.yaml:8:15: unknown contract 'silver' (not defined under 'contracts')\n");
    check_errors(CT_HEAD "  - id: gold\n"
                         "    objectives: [{services: ['*/*'], target: 99}]\n",
                 "t.yaml:6:9: duplicate contract id 'gold' (first at t.yaml:2:9)\n");
    check_errors("contracts: [{id: a}, {id: b, objectives: []}, {id: c, objectives: [{}]}]\n",
                 "t.yaml:1:13: a contract needs 'objectives', 'support' or both\n"
                 "t.yaml:1:42: a contract needs at least one objective\n"
                 "t.yaml:1:68: missing required key 'services'\n"
                 "t.yaml:1:68: missing required key 'target'\n");
    check_errors(CT_HEAD "    bogus: 1\n", "t.yaml:6:5: unknown key 'bogus' in a contract\n");
    check_errors(CT_HEAD "    timezone: Mars/Olympus\n",
                 "t.yaml:6:15: unknown timezone 'Mars/Olympus'\n");
    check_errors(CT_HEAD "    period: week\n",
                 "t.yaml:6:13: bad period 'week' (month, or {rolling: DURATION} such as "
                 "{rolling: 30d})\n");
    check_errors(CT_HEAD "    period: {rolling: 401d}\n",
                 "t.yaml:6:23: 'rolling' must be between 1d and 400d, found '401d'\n");
    check_errors(CT_HEAD "    period: {rolling: 23h}\n",
                 "t.yaml:6:23: 'rolling' must be between 1d and 400d, found '23h'\n");
    check_errors(CT_HEAD "    period: {rolling: 1500ms}\n",
                 "t.yaml:6:23: 'rolling' must be a whole number of seconds\n");
    check_errors(CT_HEAD "    unknown: ignore\n",
                 "t.yaml:6:14: bad unknown 'ignore' (excluded, down or up)\n");
    check_errors(CT_HEAD "    down_states: [WARNING]\n",
                 "t.yaml:6:18: 'down_states' must include CRITICAL\n");
    check_errors(CT_HEAD "    down_states: [CRITICAL, UNKNOWN, CRITICAL]\n",
                 "t.yaml:6:29: bad state 'UNKNOWN' (CRITICAL or WARNING)\n"
                 "t.yaml:6:38: duplicate state 'CRITICAL' in 'down_states' (first at "
                 "t.yaml:6:19)\n");
    check_errors(CT_HEAD "    min_outage: 5\n",
                 "t.yaml:6:17: bad duration '5' for 'min_outage' (a number with a unit: ms, s, "
                 "m, h, d, w; e.g. 30s or 1h30m)\n");
}

/* The objective of CT_HEAD with other keys: line 4 is "      - ", keys in column 9. */
#define OBJ(lines)                                                                                 \
    "contracts:\n"                                                                                 \
    "  - id: gold\n"                                                                               \
    "    objectives:\n"                                                                            \
    "      - services: ['*/*']\n" lines

static void test_sla_err_objectives(void **state)
{
    (void)state;
    check_errors(OBJ("        target: 100.00001\n"),
                 "t.yaml:5:17: bad percent '100.00001' for 'target' (a number from 0 to 100 "
                 "with at most 4 decimals, e.g. 99.95)\n");
    check_errors(OBJ("        target: 100.0001\n"),
                 "t.yaml:5:17: bad percent '100.0001' for 'target' (a number from 0 to 100 "
                 "with at most 4 decimals, e.g. 99.95)\n");
    check_errors(OBJ("        target: 99.95%\n"),
                 "t.yaml:5:17: bad percent '99.95%' for 'target' (a number from 0 to 100 "
                 "with at most 4 decimals, e.g. 99.95)\n");
    check_errors(OBJ("        target: 9.995e1\n"),
                 "t.yaml:5:17: bad percent '9.995e1' for 'target' (a number from 0 to 100 "
                 "with at most 4 decimals, e.g. 99.95)\n");
    check_errors(OBJ("        target: -5\n"),
                 "t.yaml:5:17: bad percent '-5' for 'target' (a number from 0 to 100 "
                 "with at most 4 decimals, e.g. 99.95)\n");
    check_errors(OBJ("        target: [99]\n"),
                 "t.yaml:5:17: bad percent a list for 'target' (a number from 0 to 100 "
                 "with at most 4 decimals, e.g. 99.95)\n");
    check_errors(OBJ("        target: 0.0000\n"), "t.yaml:5:17: 'target' must be greater than 0\n");
    check_errors("contracts: [{id: g, objectives: [{services: [], target: 99}]}]\n",
                 "t.yaml:1:45: 'services' must not be empty\n");
    check_errors("contracts: [{id: g, objectives: [{services: '*/*', target: 99}]}]\n",
                 "t.yaml:1:45: 'services' must be a list, found '*/*'\n");
    check_errors("contracts: [{id: g, objectives: [{services: ['*', 'a/b/c', '', 'x/'], "
                 "target: 99}]}]\n",
                 "t.yaml:1:46: bad service glob '*' (DEPLOYMENT/SERVICE with fnmatch "
                 "wildcards, e.g. */identity)\n"
                 "t.yaml:1:51: bad service glob 'a/b/c' (DEPLOYMENT/SERVICE with fnmatch "
                 "wildcards, e.g. */identity)\n"
                 "t.yaml:1:60: bad service glob '' (DEPLOYMENT/SERVICE with fnmatch "
                 "wildcards, e.g. */identity)\n"
                 "t.yaml:1:64: bad service glob 'x/' (DEPLOYMENT/SERVICE with fnmatch "
                 "wildcards, e.g. */identity)\n");
    check_errors(OBJ("        target: 99\n"
                     "        burn_rates: []\n"),
                 "t.yaml:6:21: 'burn_rates' must not be empty (leave it out for the default "
                 "table)\n");
    check_errors(OBJ("        target: 99\n"
                     "        burn_rates:\n"
                     "          - {severity: sms, long: 5m, short: 1h, factor: 14.4}\n"
                     "          - {severity: page, long: 1h, short: 1h, factor: 14.4444}\n"
                     "          - {severity: page, long: 1h, short: 5m, factor: 0}\n"
                     "          - {severity: page, long: 1h, short: 5m, factor: 1e3}\n"
                     "          - {severity: page, long: 1h, short: 5m, factor: 1000000.001}\n"
                     "          - {severity: page, long: 1h}\n"),
                 "t.yaml:7:24: bad severity 'sms' (page or ticket)\n"
                 "t.yaml:7:46: 'short' (1h) must be shorter than 'long' (5m)\n"
                 "t.yaml:8:47: 'short' (1h) must be shorter than 'long' (1h)\n"
                 "t.yaml:8:59: bad factor '14.4444' (a number greater than 0 and at most "
                 "1000000 with at most 3 decimals, e.g. 14.4)\n"
                 "t.yaml:9:59: 'factor' must be greater than 0\n"
                 "t.yaml:10:59: bad factor '1e3' (a number greater than 0 and at most 1000000 "
                 "with at most 3 decimals, e.g. 14.4)\n"
                 "t.yaml:11:59: bad factor '1000000.001' (a number greater than 0 and at most "
                 "1000000 with at most 3 decimals, e.g. 14.4)\n"
                 "t.yaml:12:13: missing required key 'short'\n"
                 "t.yaml:12:13: missing required key 'factor'\n");
}

/* Credit tiers follow on line 6 and after, one per line, the tier's '{' in column 9. */
static void test_sla_err_credits(void **state)
{
    (void)state;
    check_errors(CT_HEAD "    credits:\n"
                         "      - {below: 99.0, credit: 10}\n"
                         "      - {below: 99.5, credit: 25}\n"
                         "      - {below: 95, credit: 100}\n",
                 "t.yaml:8:9: credits[1]: below 99.5 must be lower than the previous tier's "
                 "99\n");
    check_errors(CT_HEAD "    credits:\n"
                         "      - {below: 99.9, credit: 10}\n"
                         "      - {below: 99.9, credit: 25}\n",
                 "t.yaml:8:9: credits[1]: below 99.9 must be lower than the previous tier's "
                 "99.9\n");
    check_errors(CT_HEAD "    credits:\n"
                         "      - {below: 99.9, credit: 25}\n"
                         "      - {below: 99, credit: 10}\n"
                         "      - {below: 98, credit: 10}\n",
                 "t.yaml:8:9: credits[1]: credit 10 must be higher than the previous tier's "
                 "25\n"
                 "t.yaml:9:9: credits[2]: credit 10 must be higher than the previous tier's "
                 "10\n");
    check_errors(CT_HEAD "    credits:\n"
                         "      - {below: 99.9, credit: 150}\n"
                         "      - {below: 101, credit: 10}\n"
                         "      - {below: 0, credit: 10}\n"
                         "      - {below: 50, credit: 0}\n"
                         "      - {below: 40}\n",
                 "t.yaml:7:31: bad percent '150' for 'credit' (a number from 0 to 100 with at "
                 "most 4 decimals, e.g. 99.95)\n"
                 "t.yaml:8:17: bad percent '101' for 'below' (a number from 0 to 100 with at "
                 "most 4 decimals, e.g. 99.95)\n"
                 "t.yaml:9:9: credits[2]: below must be greater than 0\n"
                 "t.yaml:10:9: credits[3]: credit must be greater than 0\n"
                 "t.yaml:11:9: missing required key 'credit'\n");
    check_errors(CT_HEAD "    credits: {below: 99, credit: 10}\n",
                 "t.yaml:6:14: 'credits' must be a list, found a mapping\n");
}

static void test_sla_err_customers(void **state)
{
    (void)state;
    check_errors("customers:\n"
                 "  - id: a\n"
                 "    monthly_fee: {amount: 12000.00, currency: eur}\n"
                 "  - id: b\n"
                 "    monthly_fee: {amount: 1.234, currency: EURO}\n"
                 "  - id: c\n"
                 "    monthly_fee: {amount: -5, currency: E1R}\n"
                 "  - id: d\n"
                 "    monthly_fee: {amount: 12000}\n"
                 "  - id: e\n"
                 "    monthly_fee: 12000 EUR\n"
                 "    timezone: Europe/Berln\n"
                 "    contract: ''\n",
                 "t.yaml:3:47: bad currency 'eur' (3 upper-case letters, e.g. EUR)\n"
                 "t.yaml:5:27: bad amount '1.234' (a number with at most 2 decimals, below 1e15, "
                 "e.g. 12000.00)\n"
                 "t.yaml:5:44: bad currency 'EURO' (3 upper-case letters, e.g. EUR)\n"
                 "t.yaml:7:27: bad amount '-5' (a number with at most 2 decimals, below 1e15, "
                 "e.g. 12000.00)\n"
                 "t.yaml:7:41: bad currency 'E1R' (3 upper-case letters, e.g. EUR)\n"
                 "t.yaml:9:18: missing required key 'currency'\n"
                 "t.yaml:11:18: 'monthly_fee' must be a mapping, found '12000 EUR'\n"
                 "t.yaml:12:15: unknown timezone 'Europe/Berln'\n"
                 "t.yaml:13:15: 'contract' must not be empty\n");
}

/* A fleet of one service, then the maintenance list: windows start on line 8. */
#define MAINT_HEAD                                                                                 \
    "customers:\n"                                                                                 \
    "  - id: acme\n"                                                                               \
    "    deployments:\n"                                                                           \
    "      - id: fra1\n"                                                                           \
    "        services:\n"                                                                          \
    "          - {id: web, checks: [{id: a, type: passive}]}\n"                                    \
    "maintenance:\n"

static void test_sla_err_maintenance(void **state)
{
    (void)state;
    check_errors(MAINT_HEAD "  - scope: acme\n"
                            "    start: 2026-10-05T10:00:00Z\n"
                            "    end: 2026-10-05T11:00:00Z\n"
                            "    weekly: {day: sunday, start: '02:00', duration: 2h}\n",
                 "t.yaml:11:5: use either 'start' and 'end' (one-off) or 'weekly', not both\n");
    check_errors(MAINT_HEAD "  - scope: acme\n"
                            "    reason: nothing said\n",
                 "t.yaml:8:5: a maintenance window needs 'start' and 'end' (one-off) or "
                 "'weekly'\n");
    check_errors(MAINT_HEAD "  - scope: acme\n"
                            "    start: 2026-10-05T11:00:00Z\n"
                            "    end: 2026-10-05T11:00:00Z\n"
                            "  - scope: acme\n"
                            "    start: 2026-10-05T12:00:00+01:00\n"
                            "    end: 2026-10-05T10:00:00Z\n"
                            "  - scope: acme\n"
                            "    start: 2026-10-05T12:00:00\n",
                 "t.yaml:10:10: 'end' (2026-10-05T11:00:00Z) must be after 'start' "
                 "(2026-10-05T11:00:00Z)\n"
                 "t.yaml:13:10: 'end' (2026-10-05T10:00:00Z) must be after 'start' "
                 "(2026-10-05T11:00:00Z)\n"
                 "t.yaml:14:5: missing required key 'end'\n"
                 "t.yaml:15:12: bad time '2026-10-05T12:00:00' for 'start' (ISO 8601 with a "
                 "zone, e.g. 2026-10-05T10:15:00Z)\n");
    check_errors(MAINT_HEAD "  - {scope: acme, weekly: {day: Sunday, start: '02:00', duration: "
                            "2h}}\n"
                            "  - {scope: acme, weekly: {day: sun, start: '2:00', duration: 2h}}\n"
                            "  - {scope: acme, weekly: {day: monday, start: '24:00', duration: "
                            "8d}}\n"
                            "  - {scope: acme, weekly: {day: monday, start: '12:60', duration: "
                            "0s}}\n"
                            "  - {scope: acme, weekly: {day: monday, start: 1200}}\n",
                 "t.yaml:8:33: bad day 'Sunday' (monday, tuesday, ... sunday, in lower case)\n"
                 "t.yaml:9:33: bad day 'sun' (monday, tuesday, ... sunday, in lower case)\n"
                 "t.yaml:9:45: bad time of day '2:00' for 'start' (HH:MM from 00:00 to 23:59)\n"
                 "t.yaml:10:48: bad time of day '24:00' for 'start' (HH:MM from 00:00 to "
                 "23:59)\n"
                 "t.yaml:10:67: 'duration' must be at most 7d, found '8d'\n"
                 "t.yaml:11:48: bad time of day '12:60' for 'start' (HH:MM from 00:00 to "
                 "23:59)\n"
                 "t.yaml:11:67: 'duration' must be greater than 0\n"
                 "t.yaml:12:27: missing required key 'duration'\n"
                 "t.yaml:12:48: bad time of day '1200' for 'start' (HH:MM from 00:00 to "
                 "23:59)\n");
    check_errors(MAINT_HEAD "  - {scope: globex, start: 2026-10-05T10:00:00Z, end: "
                            "2026-10-05T11:00:00Z}\n"
                            "  - {scope: acme/ams1, start: 2026-10-05T10:00:00Z, end: "
                            "2026-10-05T11:00:00Z}\n"
                            "  - {scope: acme/fra1/db, start: 2026-10-05T10:00:00Z, end: "
                            "2026-10-05T11:00:00Z}\n"
                            "  - {scope: acme/fra1/web/a, start: 2026-10-05T10:00:00Z, end: "
                            "2026-10-05T11:00:00Z}\n"
                            "  - {scope: 'acme/', start: 2026-10-05T10:00:00Z, end: "
                            "2026-10-05T11:00:00Z}\n"
                            "  - {start: 2026-10-05T10:00:00Z, end: 2026-10-05T11:00:00Z, "
                            "timezone: Nowhere/City, excluded: maybe, when: now}\n",
                 "t.yaml:8:13: unknown scope 'globex': no customer 'globex'\n"
                 "t.yaml:9:13: unknown scope 'acme/ams1': customer 'acme' has no deployment "
                 "'ams1'\n"
                 "t.yaml:10:13: unknown scope 'acme/fra1/db': deployment 'acme/fra1' has no "
                 "service 'db'\n"
                 "t.yaml:11:13: bad scope 'acme/fra1/web/a' (CUSTOMER, CUSTOMER/DEPLOYMENT or "
                 "CUSTOMER/DEPLOYMENT/SERVICE)\n"
                 "t.yaml:12:13: bad scope 'acme/' (CUSTOMER, CUSTOMER/DEPLOYMENT or "
                 "CUSTOMER/DEPLOYMENT/SERVICE)\n"
                 "t.yaml:13:5: missing required key 'scope'\n"
                 "t.yaml:13:72: unknown timezone 'Nowhere/City'\n"
                 "t.yaml:13:96: 'excluded' must be true or false, found 'maybe'\n"
                 "t.yaml:13:103: unknown key 'when' in a maintenance window\n");
    check_errors("maintenance: {scope: acme}\n",
                 "t.yaml:1:14: 'maintenance' must be a list, found a mapping\n");
}

/* Contracts and maintenance are not check settings: checks keep their fingerprints. */
static void test_sla_fingerprint(void **state)
{
    struct sw_config *a = parse_ok(HEAD "              - {id: a, type: tcp, host: h, port: 80}\n");
    struct sw_config *b =
        parse_ok(CT_HEAD "customers:\n"
                         "  - id: acme\n"
                         "    contract: gold\n"
                         "    timezone: Europe/Berlin\n"
                         "    monthly_fee: {amount: 10, currency: EUR}\n"
                         "    deployments:\n"
                         "      - id: fra1\n"
                         "        services:\n"
                         "          - id: web\n"
                         "            checks:\n"
                         "              - {id: a, type: tcp, host: h, port: 80}\n"
                         "maintenance:\n"
                         "  - {scope: acme/fra1/web, weekly: {day: monday, start: '01:00', "
                         "duration: 1h}}\n");

    (void)state;
    assert_int_equal(b->n_checks, 1);
    assert_true(a->checks[0]->fingerprint == b->checks[0]->fingerprint);
    sw_config_unref(a);
    sw_config_unref(b);
}

/* ---- on call ---- */

/* The on-call example as written, with bob and carol defined (participants and overrides
 * must name engineers) and the secret files in a temporary directory instead of
 * /etc/stackward. */
static const char oncall_issue[] =
    "engineers:\n"
    "  - id: alice\n"
    "    name: Alice Example\n"
    "    timezone: Europe/Berlin\n"
    "    working_hours: {days: mon-fri, start: \"09:00\", end: \"18:00\"}\n"
    "    contacts: [{channel: ops-webhook}, {channel: mail, address: alice@example.com}]\n"
    "  - {id: bob, timezone: America/New_York}\n"
    "  - {id: carol}\n"
    "channels:\n"
    "  - {id: ops-webhook, type: webhook, url: \"http://127.0.0.1:9000/hook\", format: json}\n"
    "  - {id: chat, type: webhook, url_file: %s/chat-url, format: slack}\n"
    "  - {id: mail, type: email, smtp: \"smtp://127.0.0.1:2525\", from: stackward@example.com,\n"
    "     username_env: SW_TEST_SMTP_USER, password_file: %s/smtp.pass}\n"
    "rotations:\n"
    "  - id: primary\n"
    "    timezone: Europe/Berlin\n"
    "    period: weekly                      # daily | weekly | {days: N}\n"
    "    handoff: {day: monday, time: \"09:00\"}\n"
    "    start: 2026-01-05                   # first shift: the first participant\n"
    "    participants: [alice, bob]\n"
    "    overrides:\n"
    "      - {engineer: carol, from: \"2026-12-24T00:00:00+01:00\", to: "
    "\"2026-12-27T00:00:00+01:00\"}\n"
    "escalation_policies:\n"
    "  - id: default\n"
    "    steps:\n"
    "      - {notify: {rotation: primary}, wait: 15m}\n"
    "      - {notify: {engineer: carol}, wait: 15m}\n"
    "    repeat: 2\n"
    "customers:\n"
    "  - id: acme\n"
    "    escalation: default\n";

static void test_oncall_issue(void **state)
{
    char tmpl[] = "/tmp/sw-config-XXXXXX";
    char *dir, *text, *chat, *pass;
    struct sw_config *c;
    const struct sw_engineer_conf *en;
    const struct sw_channel_conf *ch;
    const struct sw_rotation_conf *rc;
    const struct sw_escalation_conf *ec;
    const char *who = NULL;
    struct sw_esc_event ev[8];
    size_t n = 0;

    (void)state;
    dir = mkdtemp(tmpl);
    assert_non_null(dir);
    chat = write_file(dir, "chat-url", "https://chat.example/hooks/T0/B0/secret\n", 0600);
    pass = write_file(dir, "smtp.pass", "smtp-s3cret\n", 0600);
    setenv("SW_TEST_SMTP_USER", "stackward-mailer", 1);
    text = sw_xasprintf(oncall_issue, dir, dir);
    c = parse_ok(text);

    /* engineers */
    assert_int_equal(c->n_engineers, 3);
    en = &c->engineers[0];
    assert_string_equal(en->id, "alice");
    assert_string_equal(en->name, "Alice Example");
    assert_string_equal(en->timezone, "Europe/Berlin");
    assert_true(en->has_working_hours);
    assert_int_equal(en->work_days, 0x3E); /* Monday (bit 1) .. Friday (bit 5) */
    assert_int_equal(en->work_start_s, 9 * 3600);
    assert_int_equal(en->work_end_s, 18 * 3600);
    assert_int_equal(en->n_contacts, 2);
    assert_ptr_equal(en->contacts[0].channel, &c->channels[0]);
    assert_null(en->contacts[0].address);
    assert_ptr_equal(en->contacts[1].channel, &c->channels[2]);
    assert_string_equal(en->contacts[1].address, "alice@example.com");
    assert_string_equal(c->engineers[1].name, "bob");
    assert_string_equal(c->engineers[1].timezone, "America/New_York");
    assert_false(c->engineers[1].has_working_hours);
    assert_string_equal(c->engineers[2].timezone, "UTC");
    assert_int_equal(c->engineers[2].n_contacts, 0);
    assert_ptr_equal(sw_config_find_engineer(c, "carol"), &c->engineers[2]);
    assert_null(sw_config_find_engineer(c, "dave"));

    /* channels */
    assert_int_equal(c->n_channels, 3);
    ch = &c->channels[0];
    assert_string_equal(ch->id, "ops-webhook");
    assert_int_equal(ch->type, SW_CHANNEL_WEBHOOK);
    assert_string_equal(sw_channel_type_name(ch->type), "webhook");
    assert_string_equal(ch->url, "http://127.0.0.1:9000/hook");
    assert_false(ch->url_secret);
    assert_int_equal(ch->format, SW_WEBHOOK_JSON);
    ch = &c->channels[1];
    assert_string_equal(ch->url, "https://chat.example/hooks/T0/B0/secret");
    assert_true(ch->url_secret);
    assert_int_equal(ch->format, SW_WEBHOOK_SLACK);
    ch = sw_config_find_channel(c, "mail");
    assert_ptr_equal(ch, &c->channels[2]);
    assert_int_equal(ch->type, SW_CHANNEL_EMAIL);
    assert_string_equal(sw_channel_type_name(ch->type), "email");
    assert_string_equal(ch->smtp, "smtp://127.0.0.1:2525");
    assert_string_equal(ch->from, "stackward@example.com");
    assert_int_equal(ch->n_to, 0);
    assert_string_equal(ch->username, "stackward-mailer");
    assert_string_equal(ch->password, "smtp-s3cret");
    assert_null(ch->url);

    /* the rotation, ready for ops.h */
    assert_int_equal(c->n_rotations, 1);
    rc = sw_config_find_rotation(c, "primary");
    assert_ptr_equal(rc, &c->rotation_confs[0]);
    assert_string_equal(rc->rot.id, "primary");
    assert_string_equal(rc->rot.tz, "Europe/Berlin");
    assert_int_equal(rc->rot.period, SW_ROT_WEEKLY);
    assert_int_equal(rc->rot.handoff_wday, 1);
    assert_int_equal(rc->rot.handoff_s, 32400);
    assert_int_equal(rc->rot.start_y, 2026);
    assert_int_equal(rc->rot.start_mon, 1);
    assert_int_equal(rc->rot.start_day, 5);
    assert_int_equal(rc->rot.n_participants, 2);
    assert_string_equal(rc->rot.participants[0], "alice");
    assert_string_equal(rc->rot.participants[1], "bob");
    assert_ptr_equal(rc->rot.participants[1], c->engineers[1].id);
    assert_int_equal(rc->rot.n_overrides, 1);
    assert_ptr_equal(rc->rot.overrides[0].engineer, c->engineers[2].id);
    assert_int_equal(rc->rot.overrides[0].from, 1798066800); /* 2026-12-23T23:00:00Z */
    assert_int_equal(rc->rot.overrides[0].to, 1798326000);   /* 2026-12-26T23:00:00Z */
    assert_memory_equal(&c->rotations[0], &rc->rot, sizeof(rc->rot));
    assert_int_equal(sw_rotation_validate(&c->rotations[0], NULL, 0), 0);
    assert_int_equal(sw_rotation_oncall(&c->rotations[0], 1798200000, &who), 0);
    assert_string_equal(who, "carol"); /* 2026-12-25T12:00:00Z: the override */
    assert_int_equal(sw_rotation_oncall(&c->rotations[0], 1774852200, &who), 0);
    assert_string_equal(who, "bob"); /* 2026-03-30T06:30:00Z: shift 11 ends at 07:00Z (CEST) */
    assert_int_equal(sw_rotation_oncall(&c->rotations[0], 1774855800, &who), 0);
    assert_string_equal(who, "alice"); /* 07:30Z, after the 09:00 CEST handoff: shift 12 */

    /* the policy, ready for ops.h */
    assert_int_equal(c->n_escalations, 1);
    ec = sw_config_find_escalation(c, "default");
    assert_ptr_equal(ec, &c->escalations[0]);
    assert_string_equal(ec->policy.id, "default");
    assert_int_equal(ec->policy.n_steps, 2);
    assert_int_equal(ec->policy.repeat, 2);
    assert_int_equal(ec->policy.steps[0].target.kind, SW_TARGET_ROTATION);
    assert_ptr_equal(ec->policy.steps[0].target.id, rc->id);
    assert_int_equal(ec->policy.steps[0].wait_s, 900);
    assert_int_equal(ec->policy.steps[1].target.kind, SW_TARGET_ENGINEER);
    assert_string_equal(ec->policy.steps[1].target.id, "carol");
    assert_int_equal(ec->policy.steps[1].wait_s, 900);
    assert_int_equal(sw_esc_events(&ec->policy, 1773136800, SW_OPS_NEVER, SW_OPS_NEVER,
                                   SW_OPS_NEVER - 1, ev, 8, &n),
                     0);
    assert_int_equal(n, 6);
    assert_int_equal(ev[5].t, 1773136800 + 75 * 60);
    assert_ptr_equal(c->customers[0].escalation, ec);
    assert_null(sw_config_find_escalation(c, "other"));

    sw_config_unref(c);
    free(text);
    unsetenv("SW_TEST_SMTP_USER");
    unlink(chat);
    unlink(pass);
    free(chat);
    free(pass);
    rmdir(dir);
}

#define ON_ENG                                                                                     \
    "engineers:\n"                                                                                 \
    "  - {id: alice}\n"                                                                            \
    "  - {id: bob}\n"
#define ON_ROT                                                                                     \
    "rotations:\n"                                                                                 \
    "  - {id: primary, timezone: UTC, period: daily, handoff: {time: '09:00'}, start: "            \
    "2026-01-01, participants: [alice]}\n"

/* Every other key and value form; the most specific escalation wins. */
static void test_oncall_all_keys(void **state)
{
    struct sw_config *c;
    const struct sw_channel_conf *ch;
    const struct sw_engineer_conf *en;
    const struct sw_customer_conf *cu;

    (void)state;
    setenv("SW_TEST_HOOK", "https://hooks.example/x?token=t", 1);
    c = parse_ok("channels:\n"
                 "  - {id: env-hook, type: webhook, url_env: SW_TEST_HOOK}\n"
                 "  - {id: list, type: email, smtp: 'smtps://mail.example:465', from: "
                 "a@example.com, to: [ops@example.com, b@example.com]}\n"
                 "  - {id: one, type: email, smtp: 'smtp://mail.example', from: a@example.com, "
                 "to: ops@example.com, username: bot, password_env: SW_TEST_HOOK}\n"
                 "  - {id: run, type: command, command: [/bin/echo, paged]}\n"
                 "engineers:\n"
                 "  - id: alice\n"
                 "    working_hours: {days: 'fri-mon, wed', start: '22:00', end: '23:59'}\n"
                 "    contacts: [{channel: list}, {channel: run, address: '+49 170 000'}]\n"
                 "  - {id: bob, working_hours: {days: sat, start: '00:00', end: '00:01'}}\n"
                 "rotations:\n"
                 "  - {id: daily, timezone: UTC, period: daily, handoff: {time: '09:00'}, start: "
                 "2026-01-01, participants: [alice, bob, alice]}\n"
                 "  - {id: three, timezone: America/New_York, period: {days: 3}, handoff: {time: "
                 "'18:00'}, start: 2026-03-07, participants: [bob], overrides: []}\n"
                 "escalation_policies:\n"
                 "  - {id: p1, steps: [{notify: {channel: run}, wait: 0}]}\n"
                 "  - {id: p2, steps: [{notify: {rotation: three}, wait: 1h}], repeat: 100}\n"
                 "  - {id: p3, steps: [{notify: {engineer: bob}, wait: 30d}], repeat: 0}\n"
                 "customers:\n"
                 "  - id: acme\n"
                 "    escalation: p1\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        escalation: p2\n"
                 "        services:\n"
                 "          - {id: own, escalation: p3, checks: [{id: a, type: passive}]}\n"
                 "          - {id: dep, checks: [{id: a, type: passive}]}\n"
                 "      - id: ams1\n"
                 "        services:\n"
                 "          - {id: cust, checks: [{id: a, type: passive}]}\n"
                 "  - id: other\n"
                 "    deployments:\n"
                 "      - {id: x, services: [{id: none, checks: [{id: a, type: passive}]}]}\n");
    ch = &c->channels[0];
    assert_string_equal(ch->url, "https://hooks.example/x?token=t");
    assert_true(ch->url_secret);
    assert_int_equal(ch->format, SW_WEBHOOK_JSON);
    ch = &c->channels[1];
    assert_string_equal(ch->smtp, "smtps://mail.example:465");
    assert_int_equal(ch->n_to, 2);
    assert_string_equal(ch->to[0], "ops@example.com");
    assert_string_equal(ch->to[1], "b@example.com");
    assert_null(ch->to[2]);
    assert_null(ch->username);
    assert_null(ch->password);
    ch = &c->channels[2];
    assert_int_equal(ch->n_to, 1);
    assert_string_equal(ch->to[0], "ops@example.com");
    assert_string_equal(ch->username, "bot");
    assert_string_equal(ch->password, "https://hooks.example/x?token=t");
    ch = &c->channels[3];
    assert_int_equal(ch->type, SW_CHANNEL_COMMAND);
    assert_string_equal(sw_channel_type_name(ch->type), "command");
    assert_int_equal(ch->argc, 2);
    assert_string_equal(ch->argv[0], "/bin/echo");
    assert_string_equal(ch->argv[1], "paged");
    assert_null(ch->argv[2]);
    en = &c->engineers[0];
    assert_string_equal(en->name, "alice");
    assert_int_equal(en->work_days, (1u << 5) | (1u << 6) | (1u << 0) | (1u << 1) | (1u << 3));
    assert_int_equal(en->work_start_s, 22 * 3600);
    assert_int_equal(en->work_end_s, 23 * 3600 + 59 * 60);
    assert_null(en->contacts[0].address); /* the list channel has its own recipients */
    assert_string_equal(en->contacts[1].address, "+49 170 000");
    assert_int_equal(c->engineers[1].work_days, 1u << 6);
    assert_int_equal(c->rotations[0].period, SW_ROT_DAILY);
    assert_int_equal(c->rotations[0].n_participants, 3);
    assert_int_equal(c->rotations[1].period, SW_ROT_DAYS);
    assert_int_equal(c->rotations[1].days, 3);
    assert_int_equal(c->rotations[1].handoff_s, 18 * 3600);
    assert_int_equal(c->rotations[1].n_overrides, 0);
    assert_int_equal(c->escalations[0].policy.steps[0].target.kind, SW_TARGET_CHANNEL);
    assert_string_equal(c->escalations[0].policy.steps[0].target.id, "run");
    assert_int_equal(c->escalations[0].policy.steps[0].wait_s, 0);
    assert_int_equal(c->escalations[0].policy.repeat, 0);
    assert_int_equal(c->escalations[1].policy.repeat, 100);
    assert_int_equal(c->escalations[2].policy.steps[0].wait_s, 30 * 86400);

    /* the most specific wins: service, then deployment, then customer; else none */
    cu = sw_config_find_customer(c, "acme");
    assert_ptr_equal(cu->escalation, &c->escalations[0]);
    assert_ptr_equal(cu->deployments[0].escalation, &c->escalations[1]);
    assert_null(cu->deployments[1].escalation);
    assert_ptr_equal(sw_config_escalation_for(c, sw_config_find_service(c, "acme/fra1/own")),
                     &c->escalations[2]);
    assert_ptr_equal(sw_config_escalation_for(c, sw_config_find_service(c, "acme/fra1/dep")),
                     &c->escalations[1]);
    assert_ptr_equal(sw_config_escalation_for(c, sw_config_find_service(c, "acme/ams1/cust")),
                     &c->escalations[0]);
    assert_null(sw_config_escalation_for(c, sw_config_find_service(c, "other/x/none")));
    assert_null(sw_config_escalation_for(c, NULL));
    sw_config_unref(c);
    unsetenv("SW_TEST_HOOK");

    /* none of it: empty lists */
    c = parse_ok("engineers: []\nchannels: []\nrotations: []\nescalation_policies: []\n");
    assert_int_equal(c->n_engineers + c->n_channels + c->n_rotations + c->n_escalations, 0);
    assert_null(sw_config_find_rotation(c, "x"));
    sw_config_unref(c);
}

/* References: unknown channel, engineer, rotation, policy; duplicates; missing url. */
static void test_oncall_err_refs(void **state)
{
    (void)state;
    check_errors(
        "engineers:\n"
        "  - {id: alice, contacts: [{channel: nope}]}\n"
        "  - {id: alice}\n"
        "  - {id: bob, timezone: Mars/Olympus}\n"
        "channels:\n"
        "  - {id: hook, type: webhook, format: json}\n"
        "  - {id: hook, type: command, command: [/bin/true]}\n"
        "rotations:\n"
        "  - {id: r1, timezone: Europe/Atlantis, period: weekly, handoff: {day: monday, time: "
        "'09:00'}, start: 2026-01-05, participants: []}\n"
        "  - id: r2\n"
        "    timezone: UTC\n"
        "    period: weekly\n"
        "    handoff: {day: monday, time: '09:00'}\n"
        "    start: 2026-01-05\n"
        "    participants: [alice, dave]\n"
        "    overrides: [{engineer: erin, from: '2026-01-10T00:00:00Z', to: "
        "'2026-01-09T00:00:00+01:00'}]\n"
        "  - {id: r2, timezone: UTC, period: daily, handoff: {time: '09:00'}, start: 2026-01-05, "
        "participants: [bob]}\n"
        "escalation_policies:\n"
        "  - id: p\n"
        "    steps:\n"
        "      - {notify: {rotation: nope}, wait: 5m}\n"
        "      - {notify: {engineer: nope}, wait: 5m}\n"
        "      - {notify: {channel: nope}, wait: 5m}\n"
        "  - {id: p, steps: [{notify: {channel: hook}, wait: 1m}]}\n"
        "customers:\n"
        "  - {id: acme, escalation: nope}\n",
        "t.yaml:2:38: unknown channel 'nope' (not defined under 'channels')\n"
        "t.yaml:3:10: duplicate engineer id 'alice' (first at t.yaml:2:10)\n"
        "t.yaml:4:25: unknown timezone 'Mars/Olympus'\n"
        "t.yaml:6:5: a webhook channel needs 'url', 'url_file' or 'url_env'\n"
        "t.yaml:7:10: duplicate channel id 'hook' (first at t.yaml:6:10)\n"
        "t.yaml:9:24: unknown timezone 'Europe/Atlantis'\n"
        "t.yaml:9:129: a rotation needs at least one participant\n"
        "t.yaml:15:27: unknown engineer 'dave' (not defined under 'engineers')\n"
        "t.yaml:16:28: unknown engineer 'erin' (not defined under 'engineers')\n"
        "t.yaml:16:68: 'to' (2026-01-08T23:00:00Z) must be after 'from' (2026-01-10T00:00:00Z)\n"
        "t.yaml:17:10: duplicate rotation id 'r2' (first at t.yaml:10:9)\n"
        "t.yaml:21:29: unknown rotation 'nope' (not defined under 'rotations')\n"
        "t.yaml:22:29: unknown engineer 'nope' (not defined under 'engineers')\n"
        "t.yaml:23:28: unknown channel 'nope' (not defined under 'channels')\n"
        "t.yaml:24:10: duplicate escalation policy id 'p' (first at t.yaml:19:9)\n"
        "t.yaml:26:28: unknown escalation policy 'nope' (not defined under "
        "'escalation_policies')\n");
}

/* Channels: inline secrets, bad addresses and URLs, unreadable secrets, keys of another
 * type, contacts that cannot be reached. */
static void test_oncall_err_channels(void **state)
{
    (void)state;
    unsetenv("SW_TEST_UNSET_VAR");
    check_errors(
        "channels:\n"
        "  - {id: a, type: email, smtp: 'smtp://h:25', from: x@example.com, username: u, "
        "password: hunter2}\n"
        "  - {id: b, type: email, smtp: 'http://h', from: nobody}\n"
        "  - {id: c, type: email, smtp: 'smtp://u:p@h:25', from: x@example.com, username: u}\n"
        "  - {id: d, type: webhook, url: 'ftp://x', smtp: 'smtp://h'}\n"
        "  - {id: e, type: webhook, url_file: /nonexistent/url}\n"
        "  - {id: f, type: webhook, url_env: SW_TEST_UNSET_VAR, url: 'http://x/'}\n"
        "  - {id: g, type: command, command: [bin/true]}\n"
        "  - {id: h, type: pager}\n"
        "  - {id: i, type: email, smtp: 'smtp://h/path', from: x@example.com, password_file: "
        "/nonexistent/pw}\n"
        "  - {id: j, type: webhook}\n"
        "engineers:\n"
        "  - {id: z, contacts: [{channel: b, address: not-an-email}]}\n"
        "  - {id: y, contacts: [{channel: a}]}\n",
        "t.yaml:2:81: 'password' is not allowed: secrets are never inline (use password_file or "
        "password_env)\n"
        "t.yaml:3:32: bad SMTP URL (smtp://HOST:PORT, or smtps://HOST:PORT for TLS from the "
        "start)\n"
        "t.yaml:3:50: bad email address 'nobody' for 'from' (e.g. oncall@example.com)\n"
        "t.yaml:4:32: bad SMTP URL: credentials in the URL are not allowed (use username with "
        "password_file or password_env)\n"
        "t.yaml:4:72: 'username' needs 'password_file' or 'password_env'\n"
        "t.yaml:5:33: bad URL: the scheme must be http or https\n"
        "t.yaml:5:44: key 'smtp' does not apply to a webhook channel\n"
        "t.yaml:6:38: cannot read url_file '/nonexistent/url': No such file or directory\n"
        "t.yaml:7:28: use only one of 'url' and 'url_env'\n"
        "t.yaml:8:38: the command must start with an absolute path, found 'bin/true'\n"
        "t.yaml:9:19: bad type 'pager' (webhook, email or command)\n"
        "t.yaml:10:32: bad SMTP URL: only smtp://HOST:PORT, without a path or a query\n"
        "t.yaml:10:70: 'password_file' needs 'username', 'username_file' or 'username_env'\n"
        "t.yaml:10:85: cannot read password_file '/nonexistent/pw': No such file or directory\n"
        "t.yaml:11:5: a webhook channel needs 'url', 'url_file' or 'url_env'\n"
        "t.yaml:13:46: bad email address 'not-an-email' for 'address' (e.g. oncall@example.com)\n"
        "t.yaml:14:24: a contact on email channel 'a' needs an 'address'\n");
}

/* Rotations and working hours: every value checked. */
static void test_oncall_err_rotations(void **state)
{
    (void)state;
    check_errors(
        "engineers:\n"
        "  - {id: alice}\n"
        "  - {id: bob, working_hours: {days: 'mon-xyz', start: '18:00', end: '09:00'}}\n"
        "  - {id: carol, working_hours: {days: mon, start: '18:00', end: '09:00'}}\n"
        "  - {id: dave, working_hours: {days: mon}}\n"
        "rotations:\n"
        "  - {id: r1, timezone: UTC, period: hourly, handoff: {time: '9:00'}, start: 2026-02-30, "
        "participants: [alice]}\n"
        "  - {id: r2, timezone: UTC, period: daily, handoff: {day: monday, time: '09:00'}, start: "
        "2026-01-01, participants: [alice]}\n"
        "  - {id: r3, timezone: UTC, period: weekly, handoff: {time: '09:00'}, start: 2026-01-01, "
        "participants: [alice]}\n"
        "  - {id: r4, timezone: UTC, period: {days: 0}, handoff: {time: '24:00'}, start: "
        "2026-01-01, participants: alice}\n"
        "  - {id: r5, timezone: UTC, period: weekly, handoff: {day: someday, time: '09:00'}, "
        "start: 2026-01-01, participants: [alice], overrides: [{engineer: alice, from: "
        "yesterday, to: '2026-01-02T00:00:00Z'}, {engineer: alice, from: "
        "'2026-01-02T00:00:00Z', to: '2026-01-02T00:00:00Z'}]}\n"
        "  - {id: r6}\n",
        "t.yaml:3:37: bad days 'mon-xyz' (day names and ranges, e.g. mon-fri or sat,sun)\n"
        "t.yaml:4:65: 'end' (09:00) must be after 'start' (18:00) on the same day\n"
        "t.yaml:5:31: missing required key 'start'\n"
        "t.yaml:5:31: missing required key 'end'\n"
        "t.yaml:7:37: bad period 'hourly' (daily, weekly or {days: N})\n"
        "t.yaml:7:61: bad time of day '9:00' for 'time' (\"HH:MM\" from 00:00 to 23:59)\n"
        "t.yaml:7:77: bad date '2026-02-30' for 'start' (YYYY-MM-DD, a real date from 1970 to "
        "9000)\n"
        "t.yaml:8:54: 'day' applies only to a weekly rotation\n"
        "t.yaml:9:54: a weekly rotation's 'handoff' needs a 'day'\n"
        "t.yaml:10:44: 'days' must be between 1 and 366, found '0'\n"
        "t.yaml:10:64: bad time of day '24:00' for 'time' (\"HH:MM\" from 00:00 to 23:59)\n"
        "t.yaml:10:107: 'participants' must be a list, found 'alice'\n"
        "t.yaml:11:60: bad day 'someday' (monday, tuesday, ... sunday)\n"
        "t.yaml:11:163: bad time 'yesterday' for 'from' (ISO 8601 with a zone, e.g. "
        "2026-10-05T10:15:00Z)\n"
        "t.yaml:11:255: 'to' (2026-01-02T00:00:00Z) must be after 'from' (2026-01-02T00:00:00Z)\n"
        "t.yaml:12:5: missing required key 'timezone'\n"
        "t.yaml:12:5: missing required key 'period'\n"
        "t.yaml:12:5: missing required key 'handoff'\n"
        "t.yaml:12:5: missing required key 'start'\n"
        "t.yaml:12:5: missing required key 'participants'\n");
}

/* Escalation policies: steps, targets, waits and repeats. */
static void test_oncall_err_policies(void **state)
{
    (void)state;
    check_errors(ON_ENG ON_ROT "escalation_policies:\n"
                               "  - {id: p1, steps: []}\n"
                               "  - {id: p2, steps: [{notify: {rotation: primary, engineer: "
                               "alice}, wait: 1m}]}\n"
                               "  - {id: p3, steps: [{notify: {}, wait: 1m}, {notify: {engineer: "
                               "alice}}]}\n"
                               "  - {id: p4, steps: [{notify: {engineer: alice}, wait: 31d}], "
                               "repeat: 101}\n"
                               "  - {id: p5, steps: [{notify: {engineer: alice}, wait: 0}], "
                               "repeat: 1}\n"
                               "  - {id: p6, steps: [{notify: {engineer: alice}, wait: 1m, when: "
                               "now}]}\n"
                               "  - {id: p7}\n"
                               "  - {steps: {notify: {engineer: bob}}}\n",
                 "t.yaml:7:21: an escalation policy needs at least one step\n"
                 "t.yaml:8:51: 'notify' names one target, found 'rotation' and 'engineer'\n"
                 "t.yaml:9:31: 'notify' needs one of 'rotation', 'engineer' or 'channel'\n"
                 "t.yaml:9:46: missing required key 'wait'\n"
                 "t.yaml:10:56: 'wait' must be at most 30d\n"
                 "t.yaml:10:71: 'repeat' must be between 0 and 100, found '101'\n"
                 "t.yaml:11:5: escalation policy p5 repeats but its waits add up to 0 s: every "
                 "round would page at the same instant\n"
                 "t.yaml:12:60: unknown key 'when' in a step\n"
                 "t.yaml:13:5: missing required key 'steps'\n"
                 "t.yaml:14:5: missing required key 'id'\n"
                 "t.yaml:14:13: 'steps' must be a list, found a mapping\n");
}

/* ---- calendars and support terms ---- */

static const char cases_issue[] =
    "calendars:\n"
    "  - id: berlin-office\n"
    "    timezone: Europe/Berlin\n"
    "    hours: {days: mon-fri, start: \"09:00\", end: \"18:00\"}\n"
    "    holidays: [2026-12-24, 2026-12-25, 2026-12-26]\n"
    "contracts:\n"
    "  - id: gold\n"
    "    support:\n"
    "      - {severity: 1, first_response: 1h, update_every: 2h, resolution: 24h, calendar: "
    "24x7}\n"
    "      - {severity: 3, first_response: 8h, resolution: 10d, calendar: berlin-office}\n"
    "    auto_case_on_incident: true\n";

static void test_cases_issue(void **state)
{
    struct sw_config *c = parse_ok(cases_issue);
    const struct sw_calendar_conf *cc;
    const struct sw_contract_conf *ct;
    const struct sw_support_conf *su;

    (void)state;
    assert_int_equal(c->n_calendars, 1);
    cc = &c->calendars[0];
    assert_ptr_equal(sw_config_find_calendar(c, "berlin-office"), cc);
    assert_string_equal(cc->id, "berlin-office");
    assert_int_equal(cc->line, 2);
    assert_int_equal(cc->col, 5);
    assert_false(cc->cal.always);
    assert_string_equal(cc->cal.tz, "Europe/Berlin");
    assert_int_equal(cc->cal.n_win[0], 0); /* sunday */
    assert_int_equal(cc->cal.n_win[6], 0); /* saturday */
    for (int wd = 1; wd <= 5; wd++) {
        assert_int_equal(cc->cal.n_win[wd], 1);
        assert_int_equal(cc->cal.win[wd][0].from_s, 9 * 3600);
        assert_int_equal(cc->cal.win[wd][0].to_s, 18 * 3600);
    }
    assert_int_equal(cc->cal.n_holidays, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cc->cal.holidays[i].y, 2026);
        assert_int_equal(cc->cal.holidays[i].m, 12);
        assert_int_equal(cc->cal.holidays[i].d, 24 + i);
    }
    /* the built-in calendar */
    cc = sw_config_find_calendar(c, "24x7");
    assert_ptr_equal(cc, &c->calendar_24x7);
    assert_true(cc->cal.always);
    assert_int_equal(cc->line, 0);
    assert_null(sw_config_find_calendar(c, "nope"));
    assert_null(sw_config_find_calendar(c, NULL));

    assert_int_equal(c->n_contracts, 1);
    ct = sw_config_find_contract(c, "gold");
    assert_non_null(ct);
    assert_int_equal(ct->n_objectives, 0);
    assert_null(ct->objectives);
    assert_int_equal(ct->n_support, 2);
    assert_true(ct->auto_case_on_incident);
    assert_int_equal(ct->warn_ppm, 750000);
    su = sw_config_support_for(ct, 1);
    assert_ptr_equal(su, &ct->support[0]);
    assert_true(su->set);
    assert_int_equal(su->first_response_s, 3600);
    assert_int_equal(su->update_s, 7200);
    assert_int_equal(su->resolution_s, 86400);
    assert_ptr_equal(su->calendar, &c->calendar_24x7);
    assert_int_equal(su->line, 9);
    assert_int_equal(su->col, 9);
    su = sw_config_support_for(ct, 3);
    assert_ptr_equal(su, &ct->support[2]);
    assert_int_equal(su->first_response_s, 8 * 3600);
    assert_int_equal(su->update_s, 0);
    assert_int_equal(su->resolution_s, 10 * 86400);
    assert_ptr_equal(su->calendar, &c->calendars[0]);
    assert_int_equal(su->line, 10);
    assert_null(sw_config_support_for(ct, 2));
    assert_null(sw_config_support_for(ct, 4));
    assert_null(sw_config_support_for(ct, 0));
    assert_null(sw_config_support_for(ct, 5));
    assert_null(sw_config_support_for(NULL, 1));
    assert_false(ct->support[1].set);
    assert_false(ct->support[3].set);
    sw_config_unref(c);
}

/* Several windows (a lunch break), "24:00", objectives and support together, warn_at. */
static void test_cases_all_keys(void **state)
{
    struct sw_config *c = parse_ok(
        "calendars:\n"
        "  - id: ops\n"
        "    timezone: America/New_York\n"
        "    hours:\n"
        "      - {days: mon-fri, start: \"09:00\", end: \"12:00\"}\n"
        "      - {days: 'mon-fri', start: '13:00', end: '17:30'}\n"
        "      - {days: 'sat,sun', start: '10:00', end: '24:00'}\n"
        "  - {id: other, timezone: UTC, hours: {days: wed, start: '00:00', end: '01:00'}}\n"
        "contracts:\n"
        "  - id: silver\n"
        "    objectives: [{services: ['*/*'], target: 99.9}]\n"
        "    support: [{severity: 4, first_response: 2d, resolution: 30d, calendar: ops, "
        "update_every: 90m}]\n"
        "    warn_at: 80\n"
        "    auto_case_on_incident: false\n"
        "  - {id: plain, objectives: [{services: ['*/*'], target: 99}], warn_at: 99.5}\n");
    const struct sw_calendar_conf *cc = sw_config_find_calendar(c, "ops");
    const struct sw_contract_conf *ct;

    (void)state;
    assert_int_equal(c->n_calendars, 2);
    assert_ptr_equal(cc, &c->calendars[0]);
    assert_string_equal(cc->cal.tz, "America/New_York");
    for (int wd = 1; wd <= 5; wd++) {
        assert_int_equal(cc->cal.n_win[wd], 2);
        assert_int_equal(cc->cal.win[wd][0].from_s, 32400);
        assert_int_equal(cc->cal.win[wd][0].to_s, 43200);
        assert_int_equal(cc->cal.win[wd][1].from_s, 46800);
        assert_int_equal(cc->cal.win[wd][1].to_s, 63000);
    }
    assert_int_equal(cc->cal.n_win[0], 1);
    assert_int_equal(cc->cal.win[0][0].from_s, 36000);
    assert_int_equal(cc->cal.win[0][0].to_s, 86400);
    assert_int_equal(cc->cal.n_win[6], 1);
    assert_int_equal(cc->cal.win[6][0].to_s, 86400);
    assert_int_equal(cc->cal.n_holidays, 0);
    cc = sw_config_find_calendar(c, "other");
    assert_ptr_equal(cc, &c->calendars[1]);
    assert_int_equal(cc->line, 8);
    assert_int_equal(cc->col, 5);
    assert_int_equal(cc->cal.n_win[3], 1);
    assert_int_equal(cc->cal.win[3][0].from_s, 0);
    assert_int_equal(cc->cal.win[3][0].to_s, 3600);
    assert_int_equal(cc->cal.n_win[2] + cc->cal.n_win[4], 0);

    ct = sw_config_find_contract(c, "silver");
    assert_int_equal(ct->n_objectives, 1);
    assert_int_equal(ct->objectives[0].target_ppm, 999000);
    assert_int_equal(ct->n_support, 1);
    assert_int_equal(ct->support[3].first_response_s, 2 * 86400);
    assert_int_equal(ct->support[3].update_s, 5400);
    assert_int_equal(ct->support[3].resolution_s, 30 * 86400);
    assert_ptr_equal(ct->support[3].calendar, &c->calendars[0]);
    assert_int_equal(ct->warn_ppm, 800000);
    assert_false(ct->auto_case_on_incident);
    ct = sw_config_find_contract(c, "plain");
    assert_int_equal(ct->n_support, 0);
    assert_null(sw_config_support_for(ct, 1));
    assert_int_equal(ct->warn_ppm, 995000);
    assert_false(ct->auto_case_on_incident);
    sw_config_unref(c);

    /* an empty file still has the built-in calendar */
    c = parse_ok("");
    assert_int_equal(c->n_calendars, 0);
    assert_ptr_equal(sw_config_find_calendar(c, "24x7"), &c->calendar_24x7);
    sw_config_unref(c);
}

static void test_cases_err_calendars(void **state)
{
    (void)state;
    check_errors("calendars:\n"
                 "  - {id: 24x7, timezone: UTC, hours: {days: mon, start: '09:00', end: '10:00'}}\n"
                 "  - {id: a, timezone: UTC, hours: {days: mon, start: '09:00', end: '10:00'}}\n"
                 "  - {id: a, timezone: Mars/Base, hours: {days: mon, start: '09:00', end: "
                 "'10:00'}}\n"
                 "  - {id: b}\n"
                 "  - {id: c, timezone: UTC, hours: []}\n"
                 "  - 7\n"
                 "  - {id: d, timezone: UTC, hours: {days: mon}, colour: red}\n",
                 "t.yaml:2:10: calendar id '24x7' is reserved for the built-in calendar\n"
                 "t.yaml:4:10: duplicate calendar id 'a' (first at t.yaml:3:10)\n"
                 "t.yaml:4:23: unknown timezone 'Mars/Base' (an IANA name such as "
                 "Europe/Berlin)\n"
                 "t.yaml:5:5: missing required key 'timezone'\n"
                 "t.yaml:5:5: missing required key 'hours'\n"
                 "t.yaml:6:35: 'hours' must not be empty\n"
                 "t.yaml:7:5: a calendar must be a mapping, found '7'\n"
                 "t.yaml:8:35: missing required key 'start'\n"
                 "t.yaml:8:35: missing required key 'end'\n"
                 "t.yaml:8:48: unknown key 'colour' in a calendar\n");
    /* hours: overlapping windows, bad days and times, start after end */
    check_errors("calendars:\n"
                 "  - id: a\n"
                 "    timezone: UTC\n"
                 "    hours:\n"
                 "      - {days: mon-fri, start: '09:00', end: '13:00'}\n"
                 "      - {days: fri, start: '12:00', end: '18:00'}\n"
                 "      - {days: fri-mon, start: '9am', end: '24:00'}\n"
                 "      - {days: sat, start: '24:00', end: '25:00'}\n"
                 "      - {days: sun, start: '18:00', end: '09:00'}\n"
                 "      - {days: sun, start: '18:00', end: '20:00', lunch: yes}\n"
                 "      - [mon]\n",
                 "t.yaml:6:9: hours 12:00-18:00 on fri overlap 09:00-13:00\n"
                 "t.yaml:7:16: day range 'fri-mon' runs backwards (ranges run from mon to sun)\n"
                 "t.yaml:7:32: time '9am' is not HH:MM (e.g. 09:00)\n"
                 "t.yaml:8:28: time '24:00': 24:00 is allowed only as an end\n"
                 "t.yaml:8:42: time '25:00': hour 25 is out of range 00..23 (24:00 only as an "
                 "end)\n"
                 "t.yaml:9:9: hours start 18:00 is not before end 09:00\n"
                 "t.yaml:10:51: unknown key 'lunch' in 'hours'\n"
                 "t.yaml:11:9: 'hours' must be a mapping, found a list\n");
    /* holidays: malformed dates, a day twice, not a list */
    check_errors("calendars:\n"
                 "  - id: a\n"
                 "    timezone: UTC\n"
                 "    hours: {days: mon, start: '09:00', end: '10:00'}\n"
                 "    holidays: [2026-13-01, 2026-02-30, 24.12.2026, 2026-12-24, 2026-12-24, [x], "
                 "'']\n"
                 "  - {id: b, timezone: UTC, hours: {days: mon, start: '09:00', end: '10:00'}, "
                 "holidays: 2026-12-24}\n",
                 "t.yaml:5:16: date '2026-13-01': month 13 is out of range 01..12\n"
                 "t.yaml:5:28: date '2026-02-30': day 30 does not exist in 2026-02\n"
                 "t.yaml:5:40: date '24.12.2026' is not YYYY-MM-DD (e.g. 2026-12-24)\n"
                 "t.yaml:5:64: holiday 2026-12-24 listed twice\n"
                 "t.yaml:5:76: 'holidays' must be a string, found a list\n"
                 "t.yaml:5:81: 'holidays' must not be empty\n"
                 "t.yaml:6:88: 'holidays' must be a list, found '2026-12-24'\n");
}

static void test_cases_err_support(void **state)
{
    (void)state;
    check_errors("calendars: [{id: biz, timezone: UTC, hours: {days: mon, start: '09:00', end: "
                 "'10:00'}}]\n"
                 "contracts:\n"
                 "  - id: g\n"
                 "    support:\n"
                 "      - {severity: 1, first_response: 1h, resolution: 1d, calendar: biz}\n"
                 "      - {severity: 1, first_response: 1h, resolution: 1d, calendar: 24x7}\n"
                 "      - {severity: 0, first_response: 1h, resolution: 1d, calendar: biz}\n"
                 "      - {severity: 5, first_response: 1h, resolution: 1d, calendar: biz}\n"
                 "      - {severity: high, first_response: 1h, resolution: 1d, calendar: biz}\n"
                 "      - {severity: 2, first_response: 1h, resolution: 1d, calendar: nowhere}\n"
                 "      - {severity: 3}\n"
                 "      - {severity: 4, first_response: 0s, update_every: soon, resolution: "
                 "1d, calendar: biz, sla: x}\n"
                 "    auto_case_on_incident: yes\n"
                 "    warn_at: 0\n"
                 "  - {id: h, support: [], warn_at: 120}\n"
                 "  - {id: i, support: {severity: 1}, warn_at: '75%'}\n"
                 "  - {id: j, warn_at: 50}\n"
                 "  - {id: k, support: [{severity: 1, first_response: 1.5s, resolution: 3651d, "
                 "calendar: 24x7}]}\n",
                 "t.yaml:6:20: duplicate severity 1 in 'support' (first at t.yaml:5:20)\n"
                 "t.yaml:7:20: 'severity' must be between 1 and 4, found '0'\n"
                 "t.yaml:8:20: 'severity' must be between 1 and 4, found '5'\n"
                 "t.yaml:9:20: 'severity' must be an integer, found 'high'\n"
                 "t.yaml:10:69: unknown calendar 'nowhere' (not defined under 'calendars', nor "
                 "the built-in 24x7)\n"
                 "t.yaml:11:9: missing required key 'first_response'\n"
                 "t.yaml:11:9: missing required key 'resolution'\n"
                 "t.yaml:11:9: missing required key 'calendar'\n"
                 "t.yaml:12:39: 'first_response' must be greater than 0\n"
                 "t.yaml:12:57: bad duration 'soon' for 'update_every' (a number with a unit: "
                 "ms, s, m, h, d, w; e.g. 30s or 1h30m)\n"
                 "t.yaml:12:94: unknown key 'sla' in a support entry\n"
                 "t.yaml:13:28: 'auto_case_on_incident' must be true or false, found 'yes'\n"
                 "t.yaml:14:14: 'warn_at' must be greater than 0\n"
                 "t.yaml:15:22: 'support' must not be empty (leave it out for no support "
                 "terms)\n"
                 "t.yaml:15:35: bad percent '120' for 'warn_at' (a number from 0 to 100 with at "
                 "most 4 decimals, e.g. 99.95)\n"
                 "t.yaml:16:22: 'support' must be a list, found a mapping\n"
                 "t.yaml:16:46: bad percent '75%' for 'warn_at' (a number from 0 to 100 with at "
                 "most 4 decimals, e.g. 99.95)\n"
                 "t.yaml:17:5: a contract needs 'objectives', 'support' or both\n"
                 "t.yaml:18:53: bad duration '1.5s' for 'first_response' (a number with a "
                 "unit: ms, s, m, h, d, w; e.g. 30s or 1h30m)\n"
                 "t.yaml:18:71: 'resolution' is too long (at most 3650d)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example),
        cmocka_unit_test(test_defaults_and_options),
        cmocka_unit_test(test_err_unknown_key),
        cmocka_unit_test(test_err_duplicate_id),
        cmocka_unit_test(test_err_bad_duration),
        cmocka_unit_test(test_err_bad_url),
        cmocka_unit_test(test_err_timezone),
        cmocka_unit_test(test_err_bad_regex),
        cmocka_unit_test(test_err_missing_key),
        cmocka_unit_test(test_err_key_for_type),
        cmocka_unit_test(test_err_secrets),
        cmocka_unit_test(test_err_syntax),
        cmocka_unit_test(test_err_wrong_type),
        cmocka_unit_test(test_err_quorum),
        cmocka_unit_test(test_err_checks_misc),
        cmocka_unit_test(test_err_many),
        cmocka_unit_test(test_err_limits),
        cmocka_unit_test(test_files_and_paths),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_lookups_and_refs),
        cmocka_unit_test(test_sla_issue_examples),
        cmocka_unit_test(test_sla_all_keys),
        cmocka_unit_test(test_sla_err_contracts),
        cmocka_unit_test(test_sla_err_objectives),
        cmocka_unit_test(test_sla_err_credits),
        cmocka_unit_test(test_sla_err_customers),
        cmocka_unit_test(test_sla_err_maintenance),
        cmocka_unit_test(test_sla_fingerprint),
        cmocka_unit_test(test_oncall_issue),
        cmocka_unit_test(test_oncall_all_keys),
        cmocka_unit_test(test_oncall_err_refs),
        cmocka_unit_test(test_oncall_err_channels),
        cmocka_unit_test(test_oncall_err_rotations),
        cmocka_unit_test(test_oncall_err_policies),
        cmocka_unit_test(test_cases_issue),
        cmocka_unit_test(test_cases_all_keys),
        cmocka_unit_test(test_cases_err_calendars),
        cmocka_unit_test(test_cases_err_support),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
