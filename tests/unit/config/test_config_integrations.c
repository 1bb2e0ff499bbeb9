/* SPDX-License-Identifier: Apache-2.0 */
/* test_config_integrations.c: unit tests of src/config for the integrations: the keystone,
 * kubernetes, prometheus and juju check types, passive checks' `stale:`, a deployment's
 * `include:` files, the `alertmanager:` block and derived checks (sw_config_derive(),
 * sw_config_load_derived()); every error with its exact "FILE:LINE:COL: message". */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"

/* Seven lines: the checks of acme/fra1/identity start on line 8, "- {" puts them at col 17. */
#define HEAD                                                                                       \
    "customers:\n"                                                                                 \
    "  - id: acme\n"                                                                               \
    "    deployments:\n"                                                                           \
    "      - id: fra1\n"                                                                           \
    "        services:\n"                                                                          \
    "          - id: identity\n"                                                                   \
    "            checks:\n"

#define KS "id: a, type: keystone, auth_url: 'http://k/v3'"

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

/* ---- temporary files ---- */

struct tmpdir {
    char tmpl[40];
    char *dir; /* as made by mkdtemp() */
    char *real;
    char *files[16];
    size_t n;
};

static void tmpdir_make(struct tmpdir *t)
{
    strcpy(t->tmpl, "/tmp/sw-integrations-XXXXXX");
    t->dir = mkdtemp(t->tmpl);
    assert_non_null(t->dir);
    t->real = realpath(t->dir, NULL);
    assert_non_null(t->real);
    t->n = 0;
}

/* Writes dir/name (name may hold one existing subfolder) and returns its full path. */
static const char *tmpdir_write(struct tmpdir *t, const char *name, const char *text)
{
    char *path = sw_xasprintf("%s/%s", t->dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0600), 0);
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->files[i], path) == 0) {
            free(path);
            return t->files[i];
        }
    }
    assert_true(t->n < sizeof(t->files) / sizeof(t->files[0]));
    t->files[t->n++] = path;
    return path;
}

static void tmpdir_mkdir(struct tmpdir *t, const char *name)
{
    char *path = sw_xasprintf("%s/%s", t->dir, name);

    assert_int_equal(mkdir(path, 0700), 0);
    free(path);
}

static void tmpdir_remove(struct tmpdir *t, const char *subdir)
{
    for (size_t i = 0; i < t->n; i++) {
        assert_int_equal(unlink(t->files[i]), 0);
        free(t->files[i]);
    }
    if (subdir) {
        char *path = sw_xasprintf("%s/%s", t->dir, subdir);
        assert_int_equal(rmdir(path), 0);
        free(path);
    }
    assert_int_equal(rmdir(t->dir), 0);
    free(t->real);
}

/* Loads the file at path; returns its errors (NULL when it loaded, *ret_config set). */
static char *load(const char *path, struct sw_config **ret_config)
{
    struct sw_buf b;
    int r;

    sw_buf_init(&b);
    *ret_config = NULL;
    r = sw_config_load(path, &b, ret_config);
    assert_int_equal(r, b.data ? -EINVAL : 0);
    assert_true(r == 0 ? *ret_config != NULL : *ret_config == NULL);
    return b.data ? sw_buf_steal(&b) : NULL;
}

static struct sw_config *load_ok(const char *path)
{
    struct sw_config *c;
    char *err = load(path, &c);

    if (err) {
        print_error("%s", err);
    }
    assert_null(err);
    return c;
}

static void load_errors(const char *path, const char *expected)
{
    struct sw_config *c;
    char *err = load(path, &c);

    assert_null(c);
    assert_string_equal(err ? err : "", expected);
    free(err);
}

/* ---- the new check types ---- */

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(sw_check_type_name(SW_CHECK_HTTP), "http");
    assert_string_equal(sw_check_type_name(SW_CHECK_TCP), "tcp");
    assert_string_equal(sw_check_type_name(SW_CHECK_EXEC), "exec");
    assert_string_equal(sw_check_type_name(SW_CHECK_PASSIVE), "passive");
    assert_string_equal(sw_check_type_name(SW_CHECK_KEYSTONE), "keystone");
    assert_string_equal(sw_check_type_name(SW_CHECK_KUBERNETES), "kubernetes");
    assert_string_equal(sw_check_type_name(SW_CHECK_PROMETHEUS), "prometheus");
    assert_string_equal(sw_check_type_name(SW_CHECK_JUJU), "juju");
    assert_int_equal(SW_CHECK_TYPE_COUNT, 8);
    assert_string_equal(sw_check_type_name((enum sw_check_type)SW_CHECK_TYPE_COUNT), "unknown");
    check_errors(HEAD "              - {id: a, type: nagios}\n",
                 "t.yaml:8:31: unknown check type 'nagios' (http, tcp, exec, passive, keystone, "
                 "kubernetes, prometheus or juju)\n");
}

static void test_keystone(void **state)
{
    const struct sw_keystone_conf *ks;
    struct sw_check_conf *ck;
    struct sw_config *c;
    struct tmpdir t;
    char *yaml;

    (void)state;
    tmpdir_make(&t);
    /* the documented example, the password file in a temporary folder */
    yaml = sw_xasprintf(HEAD "              - id: keystone\n"
                             "                type: keystone\n"
                             "                auth_url: http://127.0.0.1:5000/v3\n"
                             "                username: monitor\n"
                             "                password_file: %s\n"
                             "                user_domain: Default\n"
                             "                project: admin\n"
                             "                project_domain: Default\n"
                             "                interface: public\n"
                             "                region: RegionOne\n"
                             "                discover: {every: 10m}\n",
                        tmpdir_write(&t, "acme-keystone.pass", "k3ystone-s3cret\n"));
    c = parse_ok(yaml);
    free(yaml);
    assert_int_equal(c->n_checks, 1);
    ck = sw_config_find_check(c, "acme/fra1/identity/keystone");
    assert_non_null(ck);
    assert_int_equal(ck->type, SW_CHECK_KEYSTONE);
    assert_string_equal(sw_check_type_name(ck->type), "keystone");
    ks = ck->keystone;
    assert_non_null(ks);
    assert_string_equal(ks->auth_url, "http://127.0.0.1:5000/v3");
    assert_string_equal(ks->user, "monitor");
    assert_null(ks->user_id);
    assert_string_equal(ks->user_domain, "Default");
    assert_null(ks->user_domain_id);
    assert_string_equal(ks->project, "admin");
    assert_null(ks->project_id);
    assert_string_equal(ks->project_domain, "Default");
    assert_null(ks->project_domain_id);
    assert_null(ks->app_cred_id);
    assert_null(ks->app_cred_name);
    assert_null(ks->app_cred_secret);
    assert_string_equal(ck->password, "k3ystone-s3cret");
    assert_int_equal(ks->n_interfaces, 1);
    assert_string_equal(ks->interfaces[0], "public");
    assert_string_equal(ks->region, "RegionOne");
    assert_int_equal(ks->n_services, 0);
    assert_null(ks->services);
    assert_int_equal(ks->discover_ms, 600000);
    assert_true(ck->tls_verify);
    assert_null(ck->ca_file);
    assert_null(ck->url);
    assert_null(ck->derived_from);
    sw_config_unref(c);

    /* an application credential by id, its secret from the environment; the interface
     * as a list; discovery every 2m of two catalog types; trailing '/' of auth_url goes */
    setenv("SW_TCI_SECRET", "app-cred-s3cret", 1);
    yaml = sw_xasprintf(HEAD "              - id: ks-app\n"
                             "                type: keystone\n"
                             "                auth_url: https://keystone.example:5000/v3//\n"
                             "                application_credential_id: 0123abcd\n"
                             "                application_credential_secret_env: SW_TCI_SECRET\n"
                             "                interface: [internal, admin]\n"
                             "                tls_verify: false\n"
                             "                ca_file: %s\n"
                             "                discover:\n"
                             "                  every: 2m\n"
                             "                  services: [compute, identity]\n",
                        tmpdir_write(&t, "ca.pem", "CA\n"));
    c = parse_ok(yaml);
    free(yaml);
    ck = sw_config_find_check(c, "acme/fra1/identity/ks-app");
    assert_non_null(ck);
    assert_int_equal(ck->type, SW_CHECK_KEYSTONE);
    ks = ck->keystone;
    assert_string_equal(ks->auth_url, "https://keystone.example:5000/v3");
    assert_string_equal(ks->app_cred_id, "0123abcd");
    assert_null(ks->app_cred_name);
    assert_string_equal(ks->app_cred_secret, "app-cred-s3cret");
    assert_null(ck->password);
    assert_null(ks->user);
    assert_null(ks->user_id);
    assert_null(ks->project);
    assert_null(ks->project_id);
    assert_int_equal(ks->n_interfaces, 2);
    assert_string_equal(ks->interfaces[0], "internal");
    assert_string_equal(ks->interfaces[1], "admin");
    assert_null(ks->region);
    assert_int_equal(ks->n_services, 2);
    assert_string_equal(ks->services[0], "compute");
    assert_string_equal(ks->services[1], "identity");
    assert_int_equal(ks->discover_ms, 120000);
    assert_false(ck->tls_verify);
    assert_string_equal(ck->ca_file, t.files[1]);
    sw_config_unref(c);
    unsetenv("SW_TCI_SECRET");

    /* the defaults: no interface (n_interfaces 0: the probe's public), discovery every 10m
     * of every type, TLS verified; a single `services:` string */
    setenv("SW_TCI_PW", "pw", 1);
    c = parse_ok(HEAD "              - {" KS ", user_id: u1, password_env: SW_TCI_PW, "
                      "project_id: p1}\n"
                      "              - {id: b, type: keystone, auth_url: 'http://k/v3', "
                      "user_id: u1, password_env: SW_TCI_PW, project_id: p1, "
                      "discover: {services: volumev3}}\n");
    ck = sw_config_find_check(c, "acme/fra1/identity/a");
    assert_non_null(ck);
    ks = ck->keystone;
    assert_string_equal(ks->auth_url, "http://k/v3");
    assert_string_equal(ks->user_id, "u1");
    assert_string_equal(ks->project_id, "p1");
    assert_string_equal(ck->password, "pw");
    assert_int_equal(ks->n_interfaces, 0);
    assert_null(ks->interfaces);
    assert_int_equal(ks->n_services, 0);
    assert_int_equal(ks->discover_ms, 600000);
    assert_true(ck->tls_verify);
    assert_null(ks->region);
    ks = sw_config_find_check(c, "acme/fra1/identity/b")->keystone;
    assert_int_equal(ks->n_services, 1);
    assert_string_equal(ks->services[0], "volumev3");
    assert_int_equal(ks->discover_ms, 600000);
    /* the keystone settings enter the fingerprint */
    assert_int_not_equal(c->checks[0]->fingerprint, c->checks[1]->fingerprint);
    sw_config_unref(c);
    unsetenv("SW_TCI_PW");
    tmpdir_remove(&t, NULL);
}

static void test_kubernetes_prometheus_juju(void **state)
{
    struct sw_check_conf *ck;
    struct sw_config *c;
    const char *token, *ca, *juju;
    struct tmpdir t;
    char *yaml;

    (void)state;
    tmpdir_make(&t);
    token = tmpdir_write(&t, "k8s.token", "eyJhbGciOi.k8s-token\n");
    ca = tmpdir_write(&t, "k8s-ca.pem", "CA\n");
    /* the command must exist and be executable at load */
    juju = tmpdir_write(&t, "juju", "#!/bin/sh\nexit 0\n");
    assert_int_equal(chmod(juju, 0700), 0);
    yaml =
        sw_xasprintf(HEAD "              - id: k8s\n"
                          "                type: kubernetes\n"
                          "                url: https://10.0.0.1:6443\n"
                          "                token_file: %s\n"
                          "                ca_file: %s\n"
                          "                nodes: true\n"
                          "              - {id: k8s-plain, type: kubernetes, url: "
                          "'https://10.0.0.1:6443'}\n"
                          "              - id: prom\n"
                          "                type: prometheus\n"
                          "                url: http://prometheus:9090\n"
                          "                query: up{job=\"node\"} == 0\n"
                          "                critical: nonempty\n"
                          "                warning: \"> 0.9\"\n"
                          "              - {id: prom-empty, type: prometheus, url: 'http://p/', "
                          "query: 'absent(up)', warning: empty}\n"
                          "              - id: juju\n"
                          "                type: juju\n"
                          "                command: [%s, status, --format=json, -m, openstack]\n",
                     token, ca, juju);
    c = parse_ok(yaml);
    free(yaml);
    assert_int_equal(c->n_checks, 5);

    ck = sw_config_find_check(c, "acme/fra1/identity/k8s");
    assert_non_null(ck);
    assert_int_equal(ck->type, SW_CHECK_KUBERNETES);
    assert_string_equal(sw_check_type_name(ck->type), "kubernetes");
    assert_string_equal(ck->url, "https://10.0.0.1:6443");
    assert_string_equal(ck->bearer_token, "eyJhbGciOi.k8s-token");
    assert_string_equal(ck->ca_file, ca);
    assert_true(ck->tls_verify);
    assert_true(ck->k8s_nodes);
    assert_int_equal(ck->max_body, 16 * 1024 * 1024);
    assert_null(ck->keystone);
    ck = sw_config_find_check(c, "acme/fra1/identity/k8s-plain");
    assert_false(ck->k8s_nodes);
    assert_null(ck->bearer_token);
    assert_int_equal(ck->max_body, 16 * 1024 * 1024);

    ck = sw_config_find_check(c, "acme/fra1/identity/prom");
    assert_non_null(ck);
    assert_int_equal(ck->type, SW_CHECK_PROMETHEUS);
    assert_string_equal(sw_check_type_name(ck->type), "prometheus");
    assert_string_equal(ck->url, "http://prometheus:9090");
    assert_string_equal(ck->query, "up{job=\"node\"} == 0");
    assert_string_equal(ck->crit_cond, "nonempty");
    assert_string_equal(ck->warn_cond, "> 0.9");
    assert_int_equal(ck->max_body, 16 * 1024 * 1024);
    ck = sw_config_find_check(c, "acme/fra1/identity/prom-empty");
    assert_string_equal(ck->query, "absent(up)");
    assert_string_equal(ck->warn_cond, "empty");
    assert_null(ck->crit_cond);

    ck = sw_config_find_check(c, "acme/fra1/identity/juju");
    assert_non_null(ck);
    assert_int_equal(ck->type, SW_CHECK_JUJU);
    assert_string_equal(sw_check_type_name(ck->type), "juju");
    assert_int_equal(ck->argc, 5);
    assert_string_equal(ck->argv[0], juju);
    assert_string_equal(ck->argv[1], "status");
    assert_string_equal(ck->argv[2], "--format=json");
    assert_string_equal(ck->argv[3], "-m");
    assert_string_equal(ck->argv[4], "openstack");
    assert_null(ck->argv[5]);
    assert_int_equal(ck->max_body, 16 * 1024 * 1024);
    sw_config_unref(c);

    /* every comparison a condition may use */
    static const char *const good[] = {"> 0.9", ">=1",    "< -1e3", "<= 0",
                                       "== 0",  "!= 2.5", ">   7  "};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        yaml = sw_xasprintf(HEAD "              - {id: p, type: prometheus, url: 'http://p/', "
                                 "query: up, critical: '%s'}\n",
                            good[i]);
        c = parse_ok(yaml);
        assert_string_equal(c->checks[0]->crit_cond, good[i]);
        sw_config_unref(c);
        free(yaml);
    }
    tmpdir_remove(&t, NULL);
}

static void test_passive_stale(void **state)
{
    struct sw_config *c;

    (void)state;
    c = parse_ok(HEAD "              - {id: a, type: passive}\n"
                      "              - {id: b, type: passive, freshness: 5m, stale: critical}\n"
                      "              - {id: c, type: passive, freshness: 1h, stale: warning}\n"
                      "              - {id: d, type: passive, freshness: 1h, stale: unknown}\n");
    assert_int_equal(c->checks[0]->freshness_ms, 0);
    assert_int_equal(c->checks[0]->stale_state, SW_UNKNOWN);
    assert_int_equal(c->checks[1]->freshness_ms, 300000);
    assert_int_equal(c->checks[1]->stale_state, SW_CRITICAL);
    assert_int_equal(c->checks[2]->stale_state, SW_WARNING);
    assert_int_equal(c->checks[3]->stale_state, SW_UNKNOWN);
    for (size_t i = 0; i < 4; i++) {
        assert_null(c->checks[i]->derived_from);
    }
    /* stale enters the fingerprint */
    assert_int_not_equal(c->checks[2]->fingerprint, c->checks[3]->fingerprint);
    sw_config_unref(c);
}

/* ---- errors ---- */

static void test_err_keystone(void **state)
{
    (void)state;
    setenv("SW_TCI_PW", "pw", 1);
    setenv("SW_TCI_SECRET", "sec", 1);
    check_errors(HEAD "              - {id: a, type: keystone, user_id: u, password_env: "
                      "SW_TCI_PW, project_id: p}\n",
                 "t.yaml:8:17: missing required key 'auth_url'\n");
    check_errors(HEAD "              - {" KS ", username: u, password_env: SW_TCI_PW, "
                      "project_id: p}\n",
                 "t.yaml:8:66: 'username' needs 'user_domain' or 'user_domain_id'\n");
    check_errors(HEAD "              - {" KS ", user_id: u, password_env: SW_TCI_PW, project: p, "
                      "project_domain: D, project_id: p}\n",
                 "t.yaml:8:134: use only one of 'project' and 'project_id'\n");
    check_errors(HEAD "              - {" KS ", user_id: u, password_env: SW_TCI_PW}\n",
                 "t.yaml:8:17: a keystone check needs 'project' or 'project_id': an unscoped "
                 "token has no catalog\n");
    check_errors(HEAD "              - {" KS ", application_credential_id: ac, "
                      "application_credential_secret_env: SW_TCI_SECRET, password_env: "
                      "SW_TCI_PW}\n",
                 "t.yaml:8:147: 'password_env' does not go with an application credential\n");
    check_errors(HEAD "              - {" KS ", application_credential_id: ac}\n",
                 "t.yaml:8:17: an application credential needs "
                 "'application_credential_secret_file' or "
                 "'application_credential_secret_env'\n");
    check_errors(HEAD "              - {" KS ", user_id: u, password_env: SW_TCI_PW, "
                      "project_id: p, interface: [public, external]}\n",
                 "t.yaml:8:129: unknown interface 'external' (public, internal or admin)\n");
    check_errors(HEAD "              - {" KS ", user_id: u, password_env: SW_TCI_PW, "
                      "project_id: p, interface: private}\n",
                 "t.yaml:8:129: unknown interface 'private' (public, internal or admin)\n");
    check_errors(HEAD "              - {" KS ", user_id: u, password_env: SW_TCI_PW, "
                      "project_id: p, discover: {every: 5s}}\n",
                 "t.yaml:8:136: 'every' must be between 10s and 3650d, found '5s'\n");
    unsetenv("SW_TCI_PW");
    unsetenv("SW_TCI_SECRET");
}

static void test_err_prometheus_passive(void **state)
{
    (void)state;
    check_errors(HEAD "              - {id: a, type: prometheus, url: 'http://p:9090/', query: up, "
                      "critical: '= 1'}\n",
                 "t.yaml:8:87: bad condition '= 1' for 'critical' (nonempty, empty, or one of > "
                 ">= < <= == != and a number)\n");
    check_errors(HEAD "              - {id: a, type: prometheus, url: 'http://p:9090/', query: "
                      "up}\n",
                 "t.yaml:8:17: a prometheus check needs 'critical' or 'warning' (or both)\n");
    check_errors(HEAD "              - {id: a, type: prometheus, url: 'http://p/', warning: '> ', "
                      "critical: nonempty}\n",
                 "t.yaml:8:17: missing required key 'query'\n"
                 "t.yaml:8:70: bad condition '> ' for 'warning' (nonempty, empty, or one of > >= "
                 "< <= == != and a number)\n");
    /* the number is a finite decimal: what the probe can read */
    static const char *const bad_numbers[] = {"> inf", "> nan", "> 0x10", "> 1e999", "> 1.2.3x"};
    for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
        char yaml[512], want[512];
        snprintf(yaml, sizeof(yaml),
                 HEAD "              - {id: a, type: prometheus, url: 'http://p/', query: up, "
                      "critical: '%s'}\n",
                 bad_numbers[i]);
        snprintf(want, sizeof(want),
                 "t.yaml:8:82: bad condition '%s' for 'critical' (nonempty, empty, or one of > >= "
                 "< <= == != and a number)\n",
                 bad_numbers[i]);
        check_errors(yaml, want);
    }
    check_errors(HEAD "              - {id: a, type: passive, stale: critical}\n",
                 "t.yaml:8:40: 'stale' needs 'freshness'\n");
    check_errors(HEAD "              - {id: a, type: passive, freshness: 5m, stale: bogus}\n",
                 "t.yaml:8:62: bad stale 'bogus' (unknown, critical or warning)\n");
    /* derived_from is the loader's own: a file cannot write it */
    check_errors(HEAD
                 "              - {id: a, type: passive, derived_from: acme/fra1/identity/b}\n",
                 "t.yaml:8:40: unknown key 'derived_from' in a check\n");
    check_errors(HEAD "              - {id: a, type: http, url: 'http://x/', derived_from: x}\n",
                 "t.yaml:8:55: unknown key 'derived_from' in a check\n");
    /* keys of another type */
    check_errors(HEAD "              - {id: a, type: http, url: 'http://x/', query: up, auth_url: "
                      "'http://k/v3'}\n",
                 "t.yaml:8:55: key 'query' does not apply to an http check\n"
                 "t.yaml:8:66: key 'auth_url' does not apply to an http check\n");
    check_errors(HEAD "              - {id: a, type: passive, nodes: true}\n",
                 "t.yaml:8:40: key 'nodes' does not apply to a passive check\n");
    check_errors(HEAD "              - {id: a, type: kubernetes, url: 'https://k/', stale: "
                      "critical}\n",
                 "t.yaml:8:62: key 'stale' does not apply to a kubernetes check\n");
    check_errors(HEAD "              - {id: a, type: juju, command: [/bin/sh], url: "
                      "'http://x/'}\n",
                 "t.yaml:8:57: key 'url' does not apply to a juju check\n");
    check_errors(HEAD
                 "              - {id: a, type: kubernetes, url: 'https://k/', nodes: maybe}\n",
                 "t.yaml:8:69: 'nodes' must be true or false, found 'maybe'\n");
    check_errors(HEAD "              - {id: a, type: juju, command: [juju, status]}\n",
                 "t.yaml:8:47: the command must start with an absolute path, found 'juju'\n");
}

static void test_err_alertmanager(void **state)
{
    (void)state;
    check_errors(HEAD "              - {id: a, type: passive}\n"
                      "alertmanager: {labels: {check: 'alert-name'}}\n",
                 "t.yaml:9:32: bad label name 'alert-name' for 'check' (letters, digits and '_', "
                 "not starting with a digit)\n");
    check_errors(HEAD "              - {id: a, type: passive}\n"
                      "alertmanager:\n"
                      "  labels: {customer: 1cust, bogus: x}\n"
                      "  severity_label: sev-level\n",
                 "t.yaml:10:22: bad label name '1cust' for 'customer' (letters, digits and '_', "
                 "not starting with a digit)\n"
                 "t.yaml:10:29: unknown key 'bogus' in 'labels'\n"
                 "t.yaml:11:19: bad label name 'sev-level' for 'severity_label' (letters, "
                 "digits and '_', not starting with a digit)\n");
    check_errors(HEAD "              - {id: a, type: passive}\n"
                      "alertmanager: {severity: {page: fatal}}\n",
                 "t.yaml:9:33: bad state 'fatal' (ok, warning, critical or unknown)\n");
    check_errors(HEAD "              - {id: a, type: passive}\n"
                      "alertmanager: {catch_all: acme/fra9/alerts}\n",
                 "t.yaml:9:27: bad catch_all 'acme/fra9/alerts' (CUSTOMER/DEPLOYMENT/SERVICE of "
                 "a deployment of this file)\n");
    check_errors(HEAD "              - {id: a, type: passive}\n"
                      "alertmanager: {catch_all: acme/fra1}\n",
                 "t.yaml:9:27: bad catch_all 'acme/fra1' (CUSTOMER/DEPLOYMENT/SERVICE of a "
                 "deployment of this file)\n");
    check_errors(HEAD "              - {id: a, type: passive}\n"
                      "alertmanager: {colour: red}\n",
                 "t.yaml:9:16: unknown key 'colour' in 'alertmanager'\n");
}

/* ---- alertmanager ---- */

static void test_alertmanager(void **state)
{
    const struct sw_alertmanager_conf *am;
    struct sw_config *c;

    (void)state;
    c = parse_ok("");
    am = &c->alertmanager;
    assert_string_equal(am->customer_label, "customer");
    assert_string_equal(am->deployment_label, "deployment");
    assert_string_equal(am->service_label, "service");
    assert_string_equal(am->check_label, "alertname");
    assert_string_equal(am->severity_label, "severity");
    assert_int_equal(am->n_sev, 0);
    assert_null(am->sev_values);
    assert_null(am->sev_states);
    assert_null(am->catch_all);
    sw_config_unref(c);

    c = parse_ok(HEAD "              - {id: a, type: passive}\n"
                      "alertmanager:\n"
                      "  labels:\n"
                      "    customer: tenant\n"
                      "    deployment: cluster\n"
                      "    service: job\n"
                      "    check: alert_name\n"
                      "  severity_label: _level\n"
                      "  severity:\n"
                      "    page: critical\n"
                      "    ticket: warning\n"
                      "    info: ok\n"
                      "    none: unknown\n"
                      "  catch_all: acme/fra1/alerts\n");
    am = &c->alertmanager;
    assert_string_equal(am->customer_label, "tenant");
    assert_string_equal(am->deployment_label, "cluster");
    assert_string_equal(am->service_label, "job");
    assert_string_equal(am->check_label, "alert_name");
    assert_string_equal(am->severity_label, "_level");
    assert_int_equal(am->n_sev, 4);
    assert_string_equal(am->sev_values[0], "page");
    assert_int_equal(am->sev_states[0], SW_CRITICAL);
    assert_string_equal(am->sev_values[1], "ticket");
    assert_int_equal(am->sev_states[1], SW_WARNING);
    assert_string_equal(am->sev_values[2], "info");
    assert_int_equal(am->sev_states[2], SW_OK);
    assert_string_equal(am->sev_values[3], "none");
    assert_int_equal(am->sev_states[3], SW_UNKNOWN);
    /* the catch-all service need not exist: it is made when an alert needs it */
    assert_string_equal(am->catch_all, "acme/fra1/alerts");
    assert_null(sw_config_find_service(c, "acme/fra1/alerts"));
    sw_config_unref(c);

    /* one label given: the others keep their defaults */
    c = parse_ok("alertmanager: {labels: {service: job}}\n");
    am = &c->alertmanager;
    assert_string_equal(am->customer_label, "customer");
    assert_string_equal(am->service_label, "job");
    assert_string_equal(am->check_label, "alertname");
    assert_null(am->catch_all);
    sw_config_unref(c);
}

/* ---- include ---- */

#define SVC_LIST                                                                                   \
    "- id: mysql\n"                                                                                \
    "  checks:\n"                                                                                  \
    "    - {id: mysql-0, type: passive, freshness: 10m}\n"                                         \
    "- id: rabbit\n"                                                                               \
    "  name: RabbitMQ\n"                                                                           \
    "  aggregate: any\n"                                                                           \
    "  checks:\n"                                                                                  \
    "    - {id: r-0, type: passive}\n"                                                             \
    "    - {id: r-1, type: passive}\n"

static void test_include(void **state)
{
    const struct sw_deployment_conf *d;
    struct sw_service_conf *sv;
    struct sw_check_conf *ck;
    struct sw_config *c;
    struct tmpdir t;
    const char *inc, *main_file;
    char *yaml, *want;

    (void)state;
    tmpdir_make(&t);
    tmpdir_mkdir(&t, "inc");
    inc = tmpdir_write(&t, "inc/juju.yaml", SVC_LIST);
    tmpdir_write(&t, "inc/empty.yaml", "");
    /* fra1: a relative include next to its own services; fra2: an absolute one and an empty
     * file, nothing else */
    yaml = sw_xasprintf("customers:\n"
                        "  - id: acme\n"
                        "    deployments:\n"
                        "      - id: fra1\n"
                        "        include: inc/juju.yaml\n"
                        "        services:\n"
                        "          - id: identity\n"
                        "            checks:\n"
                        "              - {id: a, type: passive}\n"
                        "      - id: fra2\n"
                        "        include: [%s, inc/empty.yaml]\n",
                        inc);
    main_file = tmpdir_write(&t, "sw.yaml", yaml);
    free(yaml);
    /* load from another working directory: the config file's folder anchors, not the cwd */
    char *cwd = getcwd(NULL, 0);
    assert_non_null(cwd);
    assert_int_equal(chdir("/"), 0);
    c = load_ok(main_file);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);

    d = sw_config_find_deployment(c, "acme/fra1");
    assert_non_null(d);
    assert_int_equal(d->n_includes, 1);
    want = sw_xasprintf("%s/inc/juju.yaml", t.real);
    assert_string_equal(d->includes[0], want);
    free(want);
    /* the file's own services first, then the included ones in order */
    assert_int_equal(d->n_services, 3);
    assert_string_equal(d->services[0].id, "identity");
    assert_string_equal(d->services[1].id, "mysql");
    assert_string_equal(d->services[2].id, "rabbit");
    sv = sw_config_find_service(c, "acme/fra1/mysql");
    assert_non_null(sv);
    assert_string_equal(sv->path, "acme/fra1/mysql");
    assert_string_equal(sv->name, "mysql");
    assert_int_equal(sv->aggregate, SW_AGG_ALL);
    assert_int_equal(sv->n_checks, 1);
    assert_int_equal(sv->line, 1);
    assert_int_equal(sv->col, 3);
    ck = sw_config_find_check(c, "acme/fra1/mysql/mysql-0");
    assert_non_null(ck);
    assert_int_equal(ck->type, SW_CHECK_PASSIVE);
    assert_int_equal(ck->freshness_ms, 600000);
    assert_ptr_equal(ck->service, sv);
    assert_null(ck->derived_from);
    sv = sw_config_find_service(c, "acme/fra1/rabbit");
    assert_non_null(sv);
    assert_string_equal(sv->name, "RabbitMQ");
    assert_int_equal(sv->aggregate, SW_AGG_ANY);
    assert_int_equal(sv->n_checks, 2);
    assert_non_null(sw_config_find_check(c, "acme/fra1/rabbit/r-1"));
    assert_non_null(sw_config_find_check(c, "acme/fra1/identity/a"));

    d = sw_config_find_deployment(c, "acme/fra2");
    assert_non_null(d);
    assert_int_equal(d->n_includes, 2);
    assert_string_equal(d->includes[0], inc);
    want = sw_xasprintf("%s/inc/empty.yaml", t.real);
    assert_string_equal(d->includes[1], want);
    free(want);
    assert_int_equal(d->n_services, 2);
    assert_non_null(sw_config_find_check(c, "acme/fra2/mysql/mysql-0"));
    assert_non_null(sw_config_find_check(c, "acme/fra2/rabbit/r-0"));
    assert_int_equal(c->n_checks, 7);
    /* the text kept is the main file's, not the included ones' */
    assert_int_equal(c->text_len, strlen(c->text));
    assert_non_null(strstr(c->text, "include: inc/juju.yaml"));
    assert_null(strstr(c->text, "RabbitMQ"));
    sw_config_unref(c);
    tmpdir_remove(&t, "inc");
}

static void test_err_include(void **state)
{
    struct tmpdir t;
    const char *main_file, *inc;
    char *want;

    (void)state;
    tmpdir_make(&t);
    tmpdir_mkdir(&t, "inc");

    /* a missing file: at the include's value in the main file */
    main_file = tmpdir_write(&t, "sw.yaml",
                             "customers:\n"
                             "  - id: acme\n"
                             "    deployments:\n"
                             "      - id: fra1\n"
                             "        include: inc/missing.yaml\n");
    want = sw_xasprintf("%s:5:18: cannot read included file %s/inc/missing.yaml: No such file or "
                        "directory\n",
                        main_file, t.dir);
    load_errors(main_file, want);
    free(want);

    /* not a list */
    inc = tmpdir_write(&t, "inc/map.yaml", "id: notalist\nchecks: []\n");
    tmpdir_write(&t, "sw.yaml",
                 "customers:\n"
                 "  - id: acme\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        include: [inc/map.yaml]\n");
    want = sw_xasprintf("%s:1:1: an included file must be a list of services\n", inc);
    load_errors(main_file, want);
    free(want);

    /* a YAML syntax error, at its place in the included file */
    inc = tmpdir_write(&t, "inc/syntax.yaml", "- id: x\n  checks: [\n");
    tmpdir_write(&t, "sw.yaml",
                 "customers:\n"
                 "  - id: acme\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        include: inc/syntax.yaml\n");
    want = sw_xasprintf("%s:3:1: YAML syntax error: did not find expected node content (while "
                        "parsing a flow node at line 3, column 1)\n",
                        inc);
    load_errors(main_file, want);
    free(want);

    /* a bad key in an included service, and a bad check in it */
    inc = tmpdir_write(&t, "inc/badkey.yaml",
                       "- id: good\n"
                       "  checks: [{id: g, type: passive}]\n"
                       "- id: bad\n"
                       "  colour: red\n"
                       "  checks: [{id: b, type: passive, stale: bogus}]\n");
    tmpdir_write(&t, "sw.yaml",
                 "customers:\n"
                 "  - id: acme\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        include: inc/badkey.yaml\n");
    want = sw_xasprintf("%s:4:3: unknown key 'colour' in a service\n"
                        "%s:5:42: bad stale 'bogus' (unknown, critical or warning)\n",
                        inc, inc);
    load_errors(main_file, want);
    free(want);

    /* a service id of the main file again in an included one: both positions named */
    inc = tmpdir_write(&t, "inc/dup.yaml",
                       "- id: mysql\n"
                       "  checks: [{id: m, type: passive}]\n"
                       "- id: identity\n"
                       "  checks: [{id: x, type: passive}]\n");
    tmpdir_write(&t, "sw.yaml",
                 "customers:\n"
                 "  - id: acme\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        include: inc/dup.yaml\n"
                 "        services:\n"
                 "          - id: identity\n"
                 "            checks:\n"
                 "              - {id: a, type: passive}\n");
    want = sw_xasprintf("%s:3:7: duplicate service id 'identity' (first at %s:7:17)\n", inc,
                        main_file);
    load_errors(main_file, want);
    free(want);

    /* include as something other than a file name */
    tmpdir_write(&t, "sw.yaml",
                 "customers:\n"
                 "  - id: acme\n"
                 "    deployments:\n"
                 "      - id: fra1\n"
                 "        include: {a: b}\n");
    want = sw_xasprintf("%s:5:18: 'include' must be a string or a non-empty list of strings, "
                        "found a mapping\n",
                        main_file);
    load_errors(main_file, want);
    free(want);
    tmpdir_remove(&t, "inc");
}

/* ---- derived checks ---- */

static const char *const derive_base =
    "customers:\n"
    "  - id: acme\n"
    "    deployments:\n"
    "      - id: fra1\n"
    "        services:\n"
    "          - id: compute\n"
    "            aggregate: any\n"
    "            checks:\n"
    "              - {id: keystone, type: keystone, auth_url: 'http://k/v3', user_id: u, "
    "password_env: SW_TCI_PW, project_id: p}\n"
    "              - {id: public-RegionOne, type: passive, freshness: 1m, stale: critical}\n"
    "          - id: web\n"
    "            checks:\n"
    "              - {id: home, type: http, url: 'http://x/'}\n";

static void assert_derived(const struct sw_check_conf *ck, const char *parent, int64_t fresh)
{
    assert_non_null(ck);
    assert_int_equal(ck->type, SW_CHECK_PASSIVE);
    assert_non_null(ck->derived_from);
    assert_string_equal(ck->derived_from, parent);
    assert_int_equal(ck->freshness_ms, fresh);
    assert_int_equal(ck->stale_state, SW_UNKNOWN);
    assert_int_equal(ck->max_attempts, 1);
}

static void test_derive(void **state)
{
    struct sw_derived v[] = {
        {"acme/fra1/compute/internal-RegionOne", "acme/fra1/compute/keystone", 600000},
        {"acme/fra1/mysql/mysql-0", "acme/fra1/juju/juju", 0},
        {"acme/fra1/mysql/mysql-1", "acme/fra1/juju/juju", 300000},
        {"acme/fra1/mysql/mysql-1", "acme/fra1/juju/other", 5000}, /* the same again */
        /* written in the file: the file wins */
        {"acme/fra1/compute/public-RegionOne", "acme/fra1/compute/keystone", 600000},
        {"acme/fra1/web/home", "alertmanager", 0},
        /* deployments and customers not in the file */
        {"acme/ams1/compute/x", "acme/ams1/compute/keystone", 600000},
        {"globex/fra1/compute/x", "globex/fra1/compute/keystone", 600000},
        /* malformed paths */
        {"a/b/c", "x", 0},
        {"acme/fra1/compute", "x", 0},
        {"acme/fra1/compute/x/y", "x", 0},
        {"acme//compute/x", "x", 0},
        {"acme/fra1//x", "x", 0},
        {"acme/fra1/compute/", "x", 0},
        {"", "x", 0},
    };
    size_t nv = sizeof(v) / sizeof(v[0]);
    struct sw_config *base, *d, *again;
    struct sw_check_conf *ck, *bk;
    struct sw_service_conf *sv;
    struct sw_buf b;

    (void)state;
    setenv("SW_TCI_PW", "pw", 1);
    base = parse_ok(derive_base);
    assert_int_equal(base->n_checks, 3);
    assert_string_equal(base->file, "t.yaml");
    assert_non_null(base->text);
    assert_int_equal(base->text_len, strlen(derive_base));
    assert_string_equal(base->text, derive_base);

    sw_buf_init(&b);
    d = NULL;
    assert_int_equal(sw_config_derive(base, v, nv, &b, &d), 0);
    if (b.data) {
        print_error("%s", b.data);
    }
    assert_null(b.data);
    assert_non_null(d);
    assert_ptr_not_equal(d, base);
    assert_string_equal(d->file, "t.yaml");
    assert_string_equal(d->text, derive_base);
    assert_int_equal(d->text_len, base->text_len);
    /* base is untouched */
    assert_int_equal(base->n_checks, 3);
    assert_null(sw_config_find_check(base, "acme/fra1/compute/internal-RegionOne"));

    assert_int_equal(d->n_checks, 6);
    /* in an existing service, after its written checks */
    ck = sw_config_find_check(d, "acme/fra1/compute/internal-RegionOne");
    assert_derived(ck, "acme/fra1/compute/keystone", 600000);
    sv = sw_config_find_service(d, "acme/fra1/compute");
    assert_int_equal(sv->n_checks, 3);
    assert_ptr_equal(&sv->checks[2], ck);
    assert_int_equal(sv->aggregate, SW_AGG_ANY); /* the file's service keeps its settings */

    /* in a created service: named by its id, aggregate all */
    sv = sw_config_find_service(d, "acme/fra1/mysql");
    assert_non_null(sv);
    assert_string_equal(sv->id, "mysql");
    assert_string_equal(sv->name, "mysql");
    assert_string_equal(sv->path, "acme/fra1/mysql");
    assert_int_equal(sv->aggregate, SW_AGG_ALL);
    assert_int_equal(sv->n_checks, 2);
    assert_string_equal(sv->deployment->path, "acme/fra1");
    assert_derived(sw_config_find_check(d, "acme/fra1/mysql/mysql-0"), "acme/fra1/juju/juju", 0);
    /* the first of two items with one path */
    assert_derived(sw_config_find_check(d, "acme/fra1/mysql/mysql-1"), "acme/fra1/juju/juju",
                   300000);

    /* written in the file: as the file says */
    ck = sw_config_find_check(d, "acme/fra1/compute/public-RegionOne");
    assert_non_null(ck);
    assert_null(ck->derived_from);
    assert_int_equal(ck->freshness_ms, 60000);
    assert_int_equal(ck->stale_state, SW_CRITICAL);
    ck = sw_config_find_check(d, "acme/fra1/web/home");
    assert_int_equal(ck->type, SW_CHECK_HTTP);
    assert_null(ck->derived_from);

    /* skipped: nothing outside acme/fra1 */
    assert_null(sw_config_find_customer(d, "globex"));
    assert_null(sw_config_find_deployment(d, "acme/ams1"));
    assert_null(sw_config_find_service(d, "acme/fra1/x"));
    assert_null(sw_config_find_check(d, "acme/fra1/compute/x"));
    assert_int_equal(sw_config_find_deployment(d, "acme/fra1")->n_services, 3);

    /* checks of the file keep their fingerprints: a reload does not restart them */
    for (size_t i = 0; i < base->n_checks; i++) {
        bk = base->checks[i];
        ck = sw_config_find_check(d, bk->path);
        assert_non_null(ck);
        assert_int_equal(ck->fingerprint, bk->fingerprint);
    }
    /* a derived check's parent enters its fingerprint */
    assert_int_not_equal(sw_config_find_check(d, "acme/fra1/mysql/mysql-0")->fingerprint,
                         sw_config_find_check(d, "acme/fra1/mysql/mysql-1")->fingerprint);

    /* deriving again from the derived config starts from the file's text again */
    sw_buf_release(&b);
    again = NULL;
    assert_int_equal(sw_config_derive(d, NULL, 0, &b, &again), 0);
    assert_null(b.data);
    assert_int_equal(again->n_checks, 3);
    for (size_t i = 0; i < base->n_checks; i++) {
        assert_string_equal(again->checks[i]->path, base->checks[i]->path);
        assert_int_equal(again->checks[i]->fingerprint, base->checks[i]->fingerprint);
    }
    sw_config_unref(again);
    sw_config_unref(d);
    sw_config_unref(base);
    unsetenv("SW_TCI_PW");
}

/* Compares two configurations check by check. */
static void assert_same_checks(const struct sw_config *a, const struct sw_config *b)
{
    assert_int_equal(a->n_checks, b->n_checks);
    assert_int_equal(a->n_services, b->n_services);
    for (size_t i = 0; i < a->n_checks; i++) {
        const struct sw_check_conf *x = a->checks[i], *y = b->checks[i];
        assert_string_equal(x->path, y->path);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->freshness_ms, y->freshness_ms);
        assert_int_equal(x->fingerprint, y->fingerprint);
        if (x->derived_from || y->derived_from) {
            assert_non_null(x->derived_from);
            assert_non_null(y->derived_from);
            assert_string_equal(x->derived_from, y->derived_from);
        }
    }
    for (size_t i = 0; i < a->n_services; i++) {
        assert_string_equal(a->services[i]->path, b->services[i]->path);
        assert_string_equal(a->services[i]->name, b->services[i]->name);
        assert_int_equal(a->services[i]->aggregate, b->services[i]->aggregate);
    }
}

static void test_load_derived(void **state)
{
    struct sw_derived v[] = {
        {"acme/fra1/mysql/mysql-2", "acme/fra1/juju/juju", 0}, /* into an included service */
        {"acme/fra1/mysql/mysql-0", "acme/fra1/juju/juju", 0}, /* written in an include */
        {"acme/fra1/alerts/KubeAPIDown", "alertmanager", 0},
        {"acme/fra2/alerts/x", "alertmanager", 0},
    };
    struct sw_config *loaded, *derived, *both;
    struct tmpdir t;
    const char *main_file;
    struct sw_buf b;
    char *want;

    (void)state;
    tmpdir_make(&t);
    tmpdir_write(&t, "juju.yaml", SVC_LIST);
    main_file = tmpdir_write(&t, "sw.yaml",
                             "customers:\n"
                             "  - id: acme\n"
                             "    deployments:\n"
                             "      - id: fra1\n"
                             "        include: juju.yaml\n"
                             "        services:\n"
                             "          - id: identity\n"
                             "            checks:\n"
                             "              - {id: a, type: passive}\n"
                             "alertmanager: {catch_all: acme/fra1/alerts}\n");
    loaded = load_ok(main_file);
    sw_buf_init(&b);
    derived = NULL;
    assert_int_equal(sw_config_derive(loaded, v, 4, &b, &derived), 0);
    assert_null(b.data);
    both = NULL;
    assert_int_equal(sw_config_load_derived(main_file, v, 4, &b, &both), 0);
    assert_null(b.data);
    assert_non_null(both);
    assert_string_equal(both->file, main_file);
    assert_string_equal(both->text, loaded->text);

    assert_same_checks(derived, both);
    assert_int_equal(both->n_checks, 6);
    assert_derived(sw_config_find_check(both, "acme/fra1/mysql/mysql-2"), "acme/fra1/juju/juju", 0);
    assert_null(sw_config_find_check(both, "acme/fra1/mysql/mysql-0")->derived_from);
    assert_int_equal(sw_config_find_check(both, "acme/fra1/mysql/mysql-0")->freshness_ms, 600000);
    assert_derived(sw_config_find_check(both, "acme/fra1/alerts/KubeAPIDown"), "alertmanager", 0);
    assert_string_equal(sw_config_find_service(both, "acme/fra1/alerts")->name, "alerts");
    assert_null(sw_config_find_check(both, "acme/fra2/alerts/x"));

    /* no items: the same as sw_config_load() */
    sw_config_unref(both);
    both = NULL;
    assert_int_equal(sw_config_load_derived(main_file, NULL, 0, &b, &both), 0);
    assert_same_checks(loaded, both);
    sw_config_unref(both);

    /* a missing file, as sw_config_load() says it */
    char *missing = sw_xasprintf("%s/missing.yaml", t.dir);
    both = NULL;
    assert_int_equal(sw_config_load_derived(missing, v, 4, &b, &both), -ENOENT);
    assert_null(both);
    want = sw_xasprintf("%s: cannot read: No such file or directory\n", missing);
    assert_string_equal(b.data, want);
    free(want);
    free(missing);
    sw_buf_release(&b);

    sw_config_unref(derived);
    sw_config_unref(loaded);
    tmpdir_remove(&t, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_keystone),
        cmocka_unit_test(test_kubernetes_prometheus_juju),
        cmocka_unit_test(test_passive_stale),
        cmocka_unit_test(test_err_keystone),
        cmocka_unit_test(test_err_prometheus_passive),
        cmocka_unit_test(test_err_alertmanager),
        cmocka_unit_test(test_alertmanager),
        cmocka_unit_test(test_include),
        cmocka_unit_test(test_err_include),
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_load_derived),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
