/* SPDX-License-Identifier: Apache-2.0 */
/* test_k8s_parse.c: unit tests of src/probe/k8s_parse.c: the API server's verbose health
 * reports (readyz-*.txt and livez-*.txt in tests/data/k8s, written in the format of
 * Kubernetes 1.29) and NodeList documents (tests/data/k8s/nodes.json), with exact items, ids and
 * error messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe/k8s.h"

/* Reads tests/data/k8s/NAME; the caller frees. */
static char *data_file(const char *name, size_t *ret_len)
{
    const char *dir = getenv("SW_PROBE_TESTDIR");
    char *path, *s;
    long n;
    FILE *f;

    assert_non_null(dir);
    path = sw_xasprintf("%s/../../data/k8s/%s", dir, name);
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

/* ---- verbose health reports ---- */

struct report {
    struct sw_k8s_item *v;
    size_t n;
    bool passed;
};

static void parse_ok(const char *body, size_t len, struct report *rp)
{
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    rp->v = NULL;
    rp->n = 0;
    r = sw_k8s_verbose_parse(body, len, &rp->v, &rp->n, &rp->passed, &err);
    if (r != 0) {
        print_error("%s\n", err.data);
    }
    assert_int_equal(r, 0);
    assert_null(err.data);
    sw_buf_release(&err);
}

static void parse_str(const char *body, struct report *rp)
{
    parse_ok(body, strlen(body), rp);
}

static void report_free(struct report *rp)
{
    sw_k8s_items_free(rp->v, rp->n);
}

static void check_item(const struct sw_k8s_item *it, const char *name, bool ok, const char *reason,
                       const char *check_id, bool excluded)
{
    assert_string_equal(it->name, name);
    assert_int_equal(it->ok, ok);
    if (reason) {
        assert_non_null(it->reason);
        assert_string_equal(it->reason, reason);
    } else {
        assert_null(it->reason);
    }
    assert_string_equal(it->check_id, check_id);
    assert_int_equal(it->excluded, excluded);
}

/* Every check id is unique, at most SW_K8S_ITEM_ID_MAX bytes and a valid configuration id. */
static void check_ids(const struct report *rp)
{
    for (size_t i = 0; i < rp->n; i++) {
        char again[65];

        assert_true(strlen(rp->v[i].check_id) <= SW_K8S_ITEM_ID_MAX);
        /* an id is its own sw_id_from(): nothing in it to replace */
        sw_id_from(rp->v[i].check_id, again, sizeof(again));
        assert_string_equal(again, rp->v[i].check_id);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(rp->v[i].check_id, rp->v[j].check_id);
        }
    }
}

static void test_readyz_ok(void **state)
{
    struct report rp;
    size_t len;
    char *body = data_file("readyz-ok.txt", &len);

    (void)state;
    parse_ok(body, len, &rp);
    assert_int_equal(rp.n, 34);
    assert_true(rp.passed);
    check_item(&rp.v[0], "ping", true, NULL, "ping", false);
    check_item(&rp.v[3], "etcd-readiness", true, NULL, "etcd-readiness", false);
    check_item(&rp.v[5], "poststarthook/start-apiserver-admission-initializer", true, NULL,
               "poststarthook-start-apiserver-admission-initializer", false);
    check_item(&rp.v[14], "poststarthook/rbac/bootstrap-roles", true, NULL,
               "poststarthook-rbac-bootstrap-roles", false);
    /* 77 and 66 bytes long: cut to 57, so that "readyz-" + id fits in 64 */
    check_item(&rp.v[21],
               "poststarthook/start-deprecated-kube-apiserver-identity-lease-garbage-collector",
               true, NULL, "poststarthook-start-deprecated-kube-apiserver-identity-le", false);
    check_item(&rp.v[22], "poststarthook/start-kube-apiserver-identity-lease-garbage-collector",
               true, NULL, "poststarthook-start-kube-apiserver-identity-lease-garbage", false);
    check_item(&rp.v[29], "autoregister-completion", true, NULL, "autoregister-completion", false);
    check_item(&rp.v[33], "shutdown", true, NULL, "shutdown", false);
    for (size_t i = 0; i < rp.n; i++) {
        assert_true(rp.v[i].ok);
    }
    check_ids(&rp);
    report_free(&rp);
    free(body);
}

static void test_readyz_failed(void **state)
{
    struct report rp;
    size_t len, failed = 0;
    char *body = data_file("readyz-failed.txt", &len);

    (void)state;
    parse_ok(body, len, &rp);
    assert_int_equal(rp.n, 34);
    assert_false(rp.passed);
    check_item(&rp.v[1], "log", true, NULL, "log", false);
    check_item(&rp.v[2], "etcd", false, "reason withheld", "etcd", false);
    check_item(&rp.v[3], "etcd-readiness", true, NULL, "etcd-readiness", true);
    check_item(&rp.v[11], "poststarthook/start-apiextensions-controllers", false, "reason withheld",
               "poststarthook-start-apiextensions-controllers", false);
    check_item(&rp.v[14], "poststarthook/rbac/bootstrap-roles", false, "reason withheld",
               "poststarthook-rbac-bootstrap-roles", false);
    for (size_t i = 0; i < rp.n; i++) {
        failed += !rp.v[i].ok;
    }
    assert_int_equal(failed, 3);
    check_ids(&rp);
    report_free(&rp);
    free(body);
}

static void test_livez(void **state)
{
    struct report rp;
    size_t len;
    char *body = data_file("livez-ok.txt", &len);

    (void)state;
    parse_ok(body, len, &rp);
    assert_int_equal(rp.n, 26);
    assert_true(rp.passed);
    check_item(&rp.v[2], "etcd", true, NULL, "etcd", false);
    check_item(&rp.v[25], "poststarthook/apiservice-discovery-controller", true, NULL,
               "poststarthook-apiservice-discovery-controller", false);
    report_free(&rp);
    free(body);

    body = data_file("livez-failed.txt", &len);
    parse_ok(body, len, &rp);
    assert_int_equal(rp.n, 26);
    assert_false(rp.passed);
    check_item(&rp.v[2], "etcd", false, "reason withheld", "etcd", false);
    assert_true(rp.v[1].ok);
    assert_true(rp.v[3].ok);
    report_free(&rp);
    free(body);
}

static void test_verdict(void **state)
{
    struct report rp;

    (void)state;
    /* without a verdict line: passed when every item is ok */
    parse_str("[+]ping ok\n[+]etcd ok", &rp);
    assert_int_equal(rp.n, 2);
    assert_true(rp.passed);
    check_item(&rp.v[1], "etcd", true, NULL, "etcd", false);
    report_free(&rp);
    parse_str("[+]ping ok\n[-]etcd failed\n", &rp);
    assert_int_equal(rp.n, 2);
    assert_false(rp.passed);
    check_item(&rp.v[1], "etcd", false, NULL, "etcd", false);
    report_free(&rp);

    /* the verdict line wins over the items, and the last one counts */
    parse_str("[-]etcd failed: reason withheld\nhealthz check passed\n", &rp);
    assert_false(rp.v[0].ok);
    assert_true(rp.passed);
    report_free(&rp);
    parse_str("[+]etcd ok\nlivez check passed\nlivez check failed\n", &rp);
    assert_false(rp.passed);
    report_free(&rp);

    /* a verdict alone is a report without items */
    parse_str("healthz check passed\n", &rp);
    assert_int_equal(rp.n, 0);
    assert_null(rp.v);
    assert_true(rp.passed);
    report_free(&rp);
    parse_str("readyz check failed", &rp);
    assert_int_equal(rp.n, 0);
    assert_false(rp.passed);
    report_free(&rp);
}

static void test_line_forms(void **state)
{
    struct report rp;

    (void)state;
    /* CR LF, blank lines, spaces around, lines that are not ours, other status texts */
    parse_str("\r\n  [+]ping ok  \r\n\r\nwarning: something new\r\n"
              "[+]etcd excluded: ok\r\n"
              "[-]informer-sync failed:   not synced: 3 informers\r\n"
              "[-]shutdown something else\r\n"
              "[-]log\t failed:\r\n"
              "readyz check failed\r\n",
              &rp);
    assert_int_equal(rp.n, 5);
    assert_false(rp.passed);
    check_item(&rp.v[0], "ping", true, NULL, "ping", false);
    check_item(&rp.v[1], "etcd", true, NULL, "etcd", true);
    check_item(&rp.v[2], "informer-sync", false, "not synced: 3 informers", "informer-sync", false);
    check_item(&rp.v[3], "shutdown", false, "something else", "shutdown", false);
    check_item(&rp.v[4], "log", false, NULL, "log", false);
    report_free(&rp);

    /* "the readyz check passed" is not a verdict: the word must stand alone */
    parse_str("[+]a ok\nthe readyz check failed\n", &rp);
    assert_true(rp.passed);
    report_free(&rp);
}

static void test_ids(void **state)
{
    struct report rp;
    char a70[80], line[300];

    (void)state;
    /* repeats and names that clash once sanitised get -2, -3 */
    parse_str("[+]a/b ok\n[+]a-b ok\n[+]a/b ok\n[+]/// ok\n[+]--- ok\n[+]_x_ ok\n", &rp);
    assert_int_equal(rp.n, 6);
    check_item(&rp.v[0], "a/b", true, NULL, "a-b", false);
    check_item(&rp.v[1], "a-b", true, NULL, "a-b-2", false);
    check_item(&rp.v[2], "a/b", true, NULL, "a-b-3", false);
    check_item(&rp.v[3], "///", true, NULL, "item", false);
    check_item(&rp.v[4], "---", true, NULL, "item-2", false);
    check_item(&rp.v[5], "_x_", true, NULL, "x", false);
    check_ids(&rp);
    report_free(&rp);

    /* long names that share their first 57 bytes: the suffix replaces the end */
    memset(a70, 'a', 70);
    a70[70] = '\0';
    snprintf(line, sizeof(line), "[+]%s ok\n[+]%sb ok\n[+]%s-c ok\n", a70, a70, a70);
    parse_str(line, &rp);
    assert_int_equal(rp.n, 3);
    assert_int_equal(strlen(rp.v[0].check_id), 57);
    assert_memory_equal(rp.v[0].check_id, a70, 57);
    assert_int_equal(strlen(rp.v[1].check_id), 57);
    assert_memory_equal(rp.v[1].check_id, a70, 55);
    assert_string_equal(rp.v[1].check_id + 55, "-2");
    assert_string_equal(rp.v[2].check_id + 55, "-3");
    check_ids(&rp);
    report_free(&rp);

    /* UTF-8 in a name is kept; only ASCII letters and digits make the id */
    parse_str("[+]caf\xc3\xa9/x ok\n", &rp);
    check_item(&rp.v[0], "caf\xc3\xa9/x", true, NULL, "caf-x", false);
    report_free(&rp);
}

static void check_verbose_error(const char *body, size_t len, int expected_r, const char *expected)
{
    struct sw_k8s_item *v = (struct sw_k8s_item *)&v; /* untouched on failure */
    size_t n = 77;
    bool passed = true;
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_k8s_verbose_parse(body, len, &v, &n, &passed, &err), expected_r);
    assert_string_equal(err.data ? err.data : "", expected);
    assert_ptr_equal(v, (struct sw_k8s_item *)&v);
    assert_int_equal(n, 77);
    assert_true(passed);
    assert_true(sw_str_is_text(err.data, err.len));
    sw_buf_release(&err);
}

#define CHECK_VERBOSE_ERROR(lit, r, msg) check_verbose_error(lit, sizeof(lit) - 1, r, msg)

static void test_verbose_errors(void **state)
{
    struct sw_buf big;

    (void)state;
    CHECK_VERBOSE_ERROR("ok", -EINVAL, "not a verbose health report: \"ok\"");
    CHECK_VERBOSE_ERROR("", -EINVAL, "not a verbose health report: \"\"");
    CHECK_VERBOSE_ERROR("<html>\n<head><title>404 Not Found</title></head>\n<body>\n"
                        "<center><h1>404 Not Found</h1></center>\n</body>\n</html>\n",
                        -EINVAL,
                        "not a verbose health report: \"<html>\\n<head><title>404 Not "
                        "Found</title></head>\\n<body>\\n<cen\"...");
    CHECK_VERBOSE_ERROR("{\"kind\":\"Status\",\"message\":\"forbidden: \\\"x\\\"\"}", -EINVAL,
                        "not a verbose health report: \"{\\\"kind\\\":\\\"Status\\\","
                        "\\\"message\\\":\\\"forbidden: \\\\\\\"x\\\\\\\"\\\"}\"");
    CHECK_VERBOSE_ERROR("[+]ok ok\n\x00\xff\tz", -EINVAL,
                        "not a verbose health report (not UTF-8 text): "
                        "\"[+]ok ok\\n\\x00\\xff\\tz\"");
    CHECK_VERBOSE_ERROR("[+]\n", -EINVAL, "line 1: an item without a name");
    CHECK_VERBOSE_ERROR("[+]a ok\n\n[-] failed: x\n", -EINVAL, "line 3: an item without a name");
    CHECK_VERBOSE_ERROR("the readyz check passed\n", -EINVAL,
                        "not a verbose health report: \"the readyz check passed\\n\"");

    sw_buf_init(&big);
    for (int i = 0; i < SW_K8S_MAX_ITEMS; i++) {
        sw_buf_printf(&big, "[+]c%d ok\n", i);
    }
    {
        struct report rp;

        parse_ok(big.data, big.len, &rp);
        assert_int_equal(rp.n, SW_K8S_MAX_ITEMS);
        report_free(&rp);
    }
    sw_buf_puts(&big, "[+]one-more ok\n");
    check_verbose_error(big.data, big.len, -E2BIG, "more than 1000 items");
    sw_buf_release(&big);
}

/* ---- NodeList ---- */

static void check_node(const struct sw_k8s_node *nd, const char *name, int ready,
                       const char *reason, const char *message, const char *check_id)
{
    assert_string_equal(nd->name, name);
    assert_int_equal(nd->ready, ready);
    if (reason) {
        assert_non_null(nd->reason);
        assert_string_equal(nd->reason, reason);
    } else {
        assert_null(nd->reason);
    }
    if (message) {
        assert_non_null(nd->message);
        assert_string_equal(nd->message, message);
    } else {
        assert_null(nd->message);
    }
    assert_string_equal(nd->check_id, check_id);
}

static void nodes_ok(const char *body, struct sw_k8s_node **ret, size_t *ret_n)
{
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    *ret = NULL;
    *ret_n = 0;
    r = sw_k8s_nodes_parse(body, strlen(body), ret, ret_n, &err);
    if (r != 0) {
        print_error("%s\n", err.data);
    }
    assert_int_equal(r, 0);
    assert_null(err.data);
    sw_buf_release(&err);
}

static void test_nodes_file(void **state)
{
    struct sw_k8s_node *v;
    size_t n, len;
    char *body = data_file("nodes.json", &len);

    (void)state;
    nodes_ok(body, &v, &n);
    assert_int_equal(n, 3);
    check_node(&v[0], "cp-1.k8s.example", 1, "KubeletReady",
               "kubelet is posting ready status. AppArmor enabled", "node-cp-1.k8s.example");
    check_node(&v[1], "worker-1.k8s.example", 0, "KubeletNotReady",
               "container runtime network not ready: NetworkReady=false "
               "reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin "
               "not initialized",
               "node-worker-1.k8s.example");
    check_node(&v[2], "worker-2.k8s.example", -1, "NodeStatusUnknown",
               "Kubelet stopped posting node status.", "node-worker-2.k8s.example");
    sw_k8s_nodes_free(v, n);
    free(body);
}

static void test_nodes_forms(void **state)
{
    struct sw_k8s_node *v;
    char long_name[120], doc[600], id[80];
    size_t n;

    (void)state;
    nodes_ok("{\"kind\":\"NodeList\",\"items\":[]}", &v, &n);
    assert_int_equal(n, 0);
    assert_null(v);
    nodes_ok("{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"items\":null}", &v, &n);
    assert_int_equal(n, 0);
    assert_null(v);

    /* no status, no conditions, no Ready condition, odd status values, null reason, the first
     * Ready condition counts, control characters in a message, names without a letter */
    nodes_ok("{\"kind\":\"NodeList\",\"items\":["
             "{\"metadata\":{\"name\":\"a\"}},"
             "{\"metadata\":{\"name\":\"b\"},\"status\":{}},"
             "{\"metadata\":{\"name\":\"c\"},\"status\":{\"conditions\":[{\"type\":"
             "\"DiskPressure\",\"status\":\"True\"}]}},"
             "{\"metadata\":{\"name\":\"d\"},\"status\":{\"conditions\":[{\"type\":\"Ready\","
             "\"status\":\"true\",\"reason\":null}]}},"
             "{\"metadata\":{\"name\":\"e\"},\"status\":{\"conditions\":[{\"type\":\"Ready\","
             "\"status\":\"False\",\"message\":\"line 1\\nline 2\"},{\"type\":\"Ready\","
             "\"status\":\"True\"}]}},"
             "{\"metadata\":{\"name\":\"...\"},\"status\":null},"
             "{\"metadata\":{\"name\":\"A_B c\"}}]}",
             &v, &n);
    assert_int_equal(n, 7);
    check_node(&v[0], "a", -1, NULL, NULL, "node-a");
    check_node(&v[1], "b", -1, NULL, NULL, "node-b");
    check_node(&v[2], "c", -1, NULL, NULL, "node-c");
    check_node(&v[3], "d", -1, NULL, NULL, "node-d");
    check_node(&v[4], "e", 0, NULL, "line 1?line 2", "node-e");
    check_node(&v[5], "...", -1, NULL, NULL, "node");
    check_node(&v[6], "A_B c", -1, NULL, NULL, "node-A_B-c");
    sw_k8s_nodes_free(v, n);

    /* names cut to 64 bytes with "node-", clashes resolved */
    memset(long_name, 'n', 100);
    long_name[100] = '\0';
    snprintf(doc, sizeof(doc),
             "{\"kind\":\"NodeList\",\"items\":[{\"metadata\":{\"name\":\"%s\"}},"
             "{\"metadata\":{\"name\":\"%sx\"}},{\"metadata\":{\"name\":\"x\"}},"
             "{\"metadata\":{\"name\":\"x.\"}}]}",
             long_name, long_name);
    nodes_ok(doc, &v, &n);
    assert_int_equal(n, 4);
    memcpy(id, "node-", 5);
    memset(id + 5, 'n', 59);
    id[64] = '\0';
    assert_string_equal(v[0].check_id, id);
    memcpy(id + 62, "-2", 3);
    assert_string_equal(v[1].check_id, id);
    assert_string_equal(v[2].check_id, "node-x");
    assert_string_equal(v[3].check_id, "node-x-2");
    sw_k8s_nodes_free(v, n);
}

static void check_nodes_error(const char *body, int expected_r, const char *expected)
{
    struct sw_k8s_node *v = (struct sw_k8s_node *)&v;
    size_t n = 77;
    struct sw_buf err;

    sw_buf_init(&err);
    assert_int_equal(sw_k8s_nodes_parse(body, strlen(body), &v, &n, &err), expected_r);
    assert_string_equal(err.data ? err.data : "", expected);
    assert_ptr_equal(v, (struct sw_k8s_node *)&v);
    assert_int_equal(n, 77);
    sw_buf_release(&err);
}

#define NL "{\"kind\":\"NodeList\",\"items\":"

static void test_nodes_errors(void **state)
{
    struct sw_buf big;

    (void)state;
    check_nodes_error("{\"kind\":\"NodeList\",\"items\":[", -EINVAL,
                      "malformed JSON at line 1, column 28: ']' expected near end of file");
    check_nodes_error("{\"kind\":\"NodeList\",\n\"kind\":\"NodeList\"}", -EINVAL,
                      "malformed JSON at line 2, column 6: duplicate object key near "
                      "'\"kind\"'");
    check_nodes_error("[]", -EINVAL, "not a JSON object");
    check_nodes_error("{\"items\":[]}", -EINVAL, "kind: missing (expected \"NodeList\")");
    check_nodes_error("{\"kind\":\"PodList\",\"items\":[]}", -EINVAL,
                      "kind: expected \"NodeList\", found \"PodList\"");
    check_nodes_error("{\"kind\":3}", -EINVAL, "kind: expected \"NodeList\", found a non-string");
    check_nodes_error(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        "\"message\":\"nodes is forbidden: User \\\"system:serviceaccount:monitoring:stackward\\\" "
        "cannot list resource \\\"nodes\\\" in API group \\\"\\\" at the cluster scope\","
        "\"reason\":\"Forbidden\",\"details\":{\"kind\":\"nodes\"},\"code\":403}",
        -EINVAL,
        "kind: expected \"NodeList\", found \"Status\": nodes is forbidden: User "
        "\"system:serviceaccount:monitoring:stackward\" cannot list resource \"nodes\" in API "
        "group \"\" at the cluster scope");
    check_nodes_error("{\"kind\":\"NodeList\"}", -EINVAL, "items: missing");
    check_nodes_error(NL "{}}", -EINVAL, "items: not an array");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"}},7]}", -EINVAL,
                      "items[1]: not an object");
    check_nodes_error(NL "[{}]}", -EINVAL, "items[0].metadata: missing");
    check_nodes_error(NL "[{\"metadata\":[]}]}", -EINVAL, "items[0].metadata: not an object");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{}}]}", -EINVAL,
                      "items[1].metadata.name: missing");
    check_nodes_error(NL "[{\"metadata\":{\"name\":null}}]}", -EINVAL,
                      "items[0].metadata.name: not a string");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"\"}}]}", -EINVAL,
                      "items[0].metadata.name: empty");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"},\"status\":\"Ready\"}]}", -EINVAL,
                      "items[0].status: not an object");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":{}}}]}",
                      -EINVAL, "items[0].status.conditions: not an array");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":[1]}}]}",
                      -EINVAL, "items[0].status.conditions[0]: not an object");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":["
                         "{\"type\":\"PIDPressure\"},{\"type\":\"Ready\"}]}}]}",
                      -EINVAL, "items[0].status.conditions[1].status: missing");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":["
                         "{\"type\":\"Ready\",\"status\":true}]}}]}",
                      -EINVAL, "items[0].status.conditions[0].status: not a string");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":["
                         "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":5}]}}]}",
                      -EINVAL, "items[0].status.conditions[0].reason: not a string");
    check_nodes_error(NL "[{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":["
                         "{\"type\":\"Ready\",\"status\":\"True\",\"message\":[]}]}}]}",
                      -EINVAL, "items[0].status.conditions[0].message: not a string");

    sw_buf_init(&big);
    sw_buf_puts(&big, NL "[");
    for (int i = 0; i <= SW_K8S_MAX_NODES; i++) {
        sw_buf_printf(&big, "%s{}", i ? "," : "");
    }
    sw_buf_puts(&big, "]}");
    check_nodes_error(big.data, -E2BIG, "items: more than 10000 nodes");
    sw_buf_release(&big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readyz_ok),      cmocka_unit_test(test_readyz_failed),
        cmocka_unit_test(test_livez),          cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_line_forms),     cmocka_unit_test(test_ids),
        cmocka_unit_test(test_verbose_errors), cmocka_unit_test(test_nodes_file),
        cmocka_unit_test(test_nodes_forms),    cmocka_unit_test(test_nodes_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
