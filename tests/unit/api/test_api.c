/* SPDX-License-Identifier: Apache-2.0 */
/* test_api.c: the HTTP API end to end. A real engine runs on a libuv loop on its own thread
 * over a configuration of passive checks and a real SQLite store in a temporary directory;
 * a real sw_api listens on 127.0.0.1 (port 0); the test talks to it with libcurl. The tests
 * run in order and share that daemon: results posted by one are seen by the next. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <uv.h>

#include "api/api.h"

#define MAX_BODY 4096

static const char config_text[] = "listen: 127.0.0.1:8080\n"
                                  "customers:\n"
                                  "  - id: acme\n"
                                  "    name: ACME Corporation\n"
                                  "    deployments:\n"
                                  "      - id: fra1\n"
                                  "        kind: openstack\n"
                                  "        region: eu-central\n"
                                  "        timezone: Europe/Berlin\n"
                                  "        services:\n"
                                  "          - id: compute\n"
                                  "            name: Compute API\n"
                                  "            checks:\n"
                                  "              - {id: nova-push, type: passive}\n"
                                  "              - {id: nova-push2, type: passive}\n"
                                  "  - id: globex\n"
                                  "    name: Globex\n"
                                  "    deployments:\n"
                                  "      - id: ams1\n"
                                  "        kind: kubernetes\n"
                                  "        services:\n"
                                  "          - id: k8s\n"
                                  "            aggregate: any\n"
                                  "            checks:\n"
                                  "              - {id: api-push, type: passive}\n";

struct fixture {
    char dir[64];
    char config_file[128];
    uv_loop_t loop;
    uv_async_t stop;
    pthread_t thread;
    struct sw_config *cfg;
    struct sw_store *store;
    struct sw_engine *engine;
    struct sw_api *api;
    char base[64];
};

static struct fixture fx;
static bool no_expect; /* send no "Expect: 100-continue", whatever the body size */

struct response {
    long status;
    struct sw_buf body;
    char content_type[128];
    char allow[64];
};

static void on_stop(uv_async_t *h)
{
    sw_engine_stop(fx.engine);
    uv_close((uv_handle_t *)h, NULL);
}

static void *loop_main(void *arg)
{
    (void)arg;
    uv_run(&fx.loop, UV_RUN_DEFAULT);
    return NULL;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    struct sw_buf err;
    char db[128];

    (void)state;
    sw_buf_init(&err);
    snprintf(fx.dir, sizeof(fx.dir), "/tmp/sw-api-XXXXXX");
    assert_non_null(mkdtemp(fx.dir));
    snprintf(fx.config_file, sizeof(fx.config_file), "%s/stackward.yaml", fx.dir);
    snprintf(db, sizeof(db), "%s/stackward.db", fx.dir);
    write_file(fx.config_file, config_text);

    if (sw_config_load(fx.config_file, &err, &fx.cfg) < 0) {
        fail_msg("config: %s", err.data);
    }
    if (sw_store_open(db, &err, &fx.store) < 0) {
        fail_msg("store: %s", err.data);
    }
    assert_int_equal(uv_loop_init(&fx.loop), 0);
    assert_int_equal(sw_engine_new(&fx.loop, fx.cfg, fx.store, &fx.engine), 0);
    assert_int_equal(sw_engine_start(fx.engine), 0);
    assert_int_equal(uv_async_init(&fx.loop, &fx.stop, on_stop), 0);
    assert_int_equal(pthread_create(&fx.thread, NULL, loop_main, NULL), 0);
    if (sw_api_new(fx.engine, fx.store, "127.0.0.1:0", MAX_BODY, NULL, NULL, &err, &fx.api) < 0) {
        fail_msg("api: %s", err.data);
    }
    assert_true(sw_api_port(fx.api) > 0);
    snprintf(fx.base, sizeof(fx.base), "http://127.0.0.1:%d", sw_api_port(fx.api));
    assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    sw_buf_release(&err);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    sw_api_free(fx.api);
    uv_async_send(&fx.stop);
    pthread_join(fx.thread, NULL);
    sw_engine_free(fx.engine);
    assert_int_equal(uv_loop_close(&fx.loop), 0);
    sw_store_free(fx.store);
    sw_config_unref(fx.cfg);
    curl_global_cleanup();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* ---- the HTTP client ---- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    sw_buf_append(arg, p, size * n);
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct response *r = arg;
    size_t len = size * n;

    while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r')) {
        len--;
    }
    if (len > 14 && strncasecmp(p, "Content-Type: ", 14) == 0) {
        snprintf(r->content_type, sizeof(r->content_type), "%.*s", (int)(len - 14), p + 14);
    } else if (len > 7 && strncasecmp(p, "Allow: ", 7) == 0) {
        snprintf(r->allow, sizeof(r->allow), "%.*s", (int)(len - 7), p + 7);
    }
    return size * n;
}

/* Streams `left` bytes of 'x' in pieces, with no length given (chunked). */
static size_t on_read(char *p, size_t size, size_t n, void *arg)
{
    size_t *left = arg;
    size_t k = size * n < *left ? size * n : *left;

    memset(p, 'x', k);
    *left -= k;
    return k;
}

/* One request. body NULL: none; chunked > 0: stream that many bytes instead. */
static void http(const char *method, const char *path, const char *body, const char *type,
                 size_t chunked, struct response *r)
{
    struct curl_slist *headers = NULL;
    char url[512];
    char h[160];
    CURL *c = curl_easy_init();

    assert_non_null(c);
    memset(r, 0, sizeof(*r));
    sw_buf_init(&r->body);
    snprintf(url, sizeof(url), "%s%s", fx.base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L); /* hang guard only */
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (chunked) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &chunked);
    }
    if (type) {
        snprintf(h, sizeof(h), "Content-Type: %s", type);
        headers = curl_slist_append(headers, h);
    } else {
        headers = curl_slist_append(headers, "Content-Type:");
    }
    if (no_expect) {
        headers = curl_slist_append(headers, "Expect:");
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    if (!r->body.data) {
        sw_buf_puts(&r->body, "");
    }
}

/* Asserts the exact status, Content-Type and body. */
static void expect(const char *method, const char *path, const char *body, long status,
                   const char *want)
{
    struct response r;

    http(method, path, body, body ? "application/json" : NULL, 0, &r);
    if (r.status != status || strcmp(r.body.data, want) != 0) {
        fail_msg("%s %s: got %ld %s\nwant %ld %s", method, path, r.status, r.body.data, status,
                 want);
    }
    assert_string_equal(r.content_type, "application/json");
    sw_buf_release(&r.body);
}

#define PENDING_CHECK(path, service)                                                               \
    "{\"path\":\"" path "\",\"type\":\"passive\",\"state\":null,\"hard\":false,\"attempt\":0,"     \
    "\"max_attempts\":1,\"since\":null,\"output\":null,\"perfdata\":null,\"last_check\":null,"     \
    "\"next_check\":null,\"flapping\":false,\"stale\":false,\"service\":\"" service "\"}"

/* ---- the tests, in order ---- */

static void test_healthz(void **state)
{
    (void)state;
    expect("GET", "/healthz", NULL, 200, "{\"status\":\"ok\"}");
}

static void test_pending(void **state)
{
    (void)state;
    expect("GET", "/api/v1/checks", NULL, 200,
           "[" PENDING_CHECK("acme/fra1/compute/nova-push", "acme/fra1/compute") "," PENDING_CHECK(
               "acme/fra1/compute/nova-push2",
               "acme/fra1/compute") "," PENDING_CHECK("globex/ams1/k8s/api-push",
                                                      "globex/ams1/k8s") "]");
    expect("GET", "/api/v1/checks?customer=globex", NULL, 200,
           "[" PENDING_CHECK("globex/ams1/k8s/api-push", "globex/ams1/k8s") "]");
    expect("GET", "/api/v1/services", NULL, 200,
           "[{\"path\":\"acme/fra1/compute\",\"name\":\"Compute API\",\"customer\":\"acme\","
           "\"deployment\":\"fra1\",\"aggregate\":\"all\",\"state\":null,\"hard\":false,"
           "\"since\":null,\"output\":null,\"last_check\":null,\"flapping\":false,\"checks\":["
           "\"acme/fra1/compute/nova-push\",\"acme/fra1/compute/nova-push2\"]},"
           "{\"path\":\"globex/ams1/k8s\",\"name\":\"k8s\",\"customer\":\"globex\","
           "\"deployment\":\"ams1\",\"aggregate\":\"any\",\"state\":null,\"hard\":false,"
           "\"since\":null,\"output\":null,\"last_check\":null,\"flapping\":false,\"checks\":["
           "\"globex/ams1/k8s/api-push\"]}]");
    expect("GET", "/api/v1/customers", NULL, 200,
           "[{\"id\":\"acme\",\"name\":\"ACME Corporation\",\"state\":null,\"deployments\":["
           "{\"id\":\"fra1\",\"path\":\"acme/fra1\",\"kind\":\"openstack\",\"region\":"
           "\"eu-central\",\"timezone\":\"Europe/Berlin\",\"state\":null,\"services\":1}]},"
           "{\"id\":\"globex\",\"name\":\"Globex\",\"state\":null,\"deployments\":["
           "{\"id\":\"ams1\",\"path\":\"globex/ams1\",\"kind\":\"kubernetes\",\"region\":null,"
           "\"timezone\":\"UTC\",\"state\":null,\"services\":1}]}]");
    expect("GET", "/api/v1/customers?customer=nobody", NULL, 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no customer 'nobody'\"}}");
}

static void test_post_one(void **state)
{
    (void)state;
    expect("POST", "/api/v1/results",
           "{\"check\": \"acme/fra1/compute/nova-push\", \"state\": \"CRITICAL\", "
           "\"output\": \"nova down | load=5;1;2\", \"time\": \"2026-10-05T10:15:00Z\"}",
           200, "{\"accepted\":1}");
    expect("GET", "/api/v1/checks/acme/fra1/compute/nova-push", NULL, 200,
           "{\"path\":\"acme/fra1/compute/nova-push\",\"type\":\"passive\",\"state\":"
           "\"CRITICAL\",\"hard\":true,\"attempt\":1,\"max_attempts\":1,\"since\":"
           "\"2026-10-05T10:15:00Z\",\"output\":\"nova down\",\"perfdata\":\"load=5;1;2\","
           "\"last_check\":\"2026-10-05T10:15:00Z\",\"next_check\":null,\"flapping\":false,"
           "\"stale\":false,\"service\":\"acme/fra1/compute\"}");
    expect("GET", "/api/v1/checks/acme/fra1/compute/nova-push?customer=globex", NULL, 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no check "
           "'acme/fra1/compute/nova-push'\"}}");
}

static void test_post_array_text_plain(void **state)
{
    struct response r;

    (void)state;
    /* no JSON Content-Type: accepted since the body parses */
    http("POST", "/api/v1/results",
         "[{\"check\": \"acme/fra1/compute/nova-push2\", \"state\": 0, \"output\": \"fine\","
         " \"time\": \"2026-10-05T10:16:00Z\"},"
         " {\"check\": \"globex/ams1/k8s/api-push\", \"state\": \"WARNING\", \"output\": \"slow\","
         " \"time\": \"2026-10-05T10:17:00Z\"}]",
         "text/plain", 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body.data, "{\"accepted\":2}");
    sw_buf_release(&r.body);
    /* the recovery of nova-push */
    expect("POST", "/api/v1/results",
           "{\"check\": \"acme/fra1/compute/nova-push\", \"state\": \"OK\", \"time\": "
           "\"2026-10-05T10:20:00Z\"}",
           200, "{\"accepted\":1}");

    expect("GET", "/api/v1/services/acme/fra1/compute", NULL, 200,
           "{\"path\":\"acme/fra1/compute\",\"name\":\"Compute API\",\"customer\":\"acme\","
           "\"deployment\":\"fra1\",\"aggregate\":\"all\",\"state\":\"OK\",\"hard\":true,"
           "\"since\":\"2026-10-05T10:20:00Z\",\"output\":\"\",\"last_check\":"
           "\"2026-10-05T10:20:00Z\",\"flapping\":false,\"checks\":["
           "\"acme/fra1/compute/nova-push\",\"acme/fra1/compute/nova-push2\"]}");
    expect("GET", "/api/v1/services?customer=globex", NULL, 200,
           "[{\"path\":\"globex/ams1/k8s\",\"name\":\"k8s\",\"customer\":\"globex\","
           "\"deployment\":\"ams1\",\"aggregate\":\"any\",\"state\":\"WARNING\",\"hard\":true,"
           "\"since\":\"2026-10-05T10:17:00Z\",\"output\":\"slow\",\"last_check\":"
           "\"2026-10-05T10:17:00Z\",\"flapping\":false,\"checks\":["
           "\"globex/ams1/k8s/api-push\"]}]");
    expect("GET", "/api/v1/customers", NULL, 200,
           "[{\"id\":\"acme\",\"name\":\"ACME Corporation\",\"state\":\"OK\",\"deployments\":["
           "{\"id\":\"fra1\",\"path\":\"acme/fra1\",\"kind\":\"openstack\",\"region\":"
           "\"eu-central\",\"timezone\":\"Europe/Berlin\",\"state\":\"OK\",\"services\":1}]},"
           "{\"id\":\"globex\",\"name\":\"Globex\",\"state\":\"WARNING\",\"deployments\":["
           "{\"id\":\"ams1\",\"path\":\"globex/ams1\",\"kind\":\"kubernetes\",\"region\":null,"
           "\"timezone\":\"UTC\",\"state\":\"WARNING\",\"services\":1}]}]");
}

static void test_history(void **state)
{
    (void)state;
    expect("GET",
           "/api/v1/checks/acme/fra1/compute/nova-push/history?from=2026-10-05T00:00:00Z"
           "&to=2026-10-06T00:00:00Z",
           NULL, 200,
           "{\"path\":\"acme/fra1/compute/nova-push\",\"from\":\"2026-10-05T00:00:00Z\",\"to\":"
           "\"2026-10-06T00:00:00Z\",\"intervals\":[{\"start\":\"2026-10-05T10:15:00Z\",\"end\":"
           "\"2026-10-05T10:20:00Z\",\"state\":\"CRITICAL\"},{\"start\":"
           "\"2026-10-05T10:20:00Z\",\"end\":null,\"state\":\"OK\"}]}");
    expect("GET",
           "/api/v1/services/acme/fra1/compute/history?from=2026-10-05T10:18:00Z"
           "&to=2026-10-05T10:19:00Z",
           NULL, 200,
           "{\"path\":\"acme/fra1/compute\",\"from\":\"2026-10-05T10:18:00Z\",\"to\":"
           "\"2026-10-05T10:19:00Z\",\"intervals\":[{\"start\":\"2026-10-05T10:15:00Z\",\"end\":"
           "\"2026-10-05T10:20:00Z\",\"state\":\"CRITICAL\"}]}");
    expect("GET",
           "/api/v1/checks/acme/fra1/compute/nova-push/history?from=2026-10-05T00:00:00Z"
           "&to=2026-10-05T00:00:00Z",
           NULL, 400,
           "{\"error\":{\"code\":\"bad_request\",\"message\":\"'from' must be before 'to'\"}}");
    expect("GET", "/api/v1/checks/acme/fra1/compute/nova-push/history?from=yesterday", NULL, 400,
           "{\"error\":{\"code\":\"bad_request\",\"message\":\"parameter 'from' must be an ISO "
           "8601 time with a zone, such as 2026-10-05T10:15:00Z\"}}");
    expect("GET", "/api/v1/checks/acme/fra1/compute/nova-push/history?since=x", NULL, 400,
           "{\"error\":{\"code\":\"bad_request\",\"message\":\"unknown parameter 'since'\"}}");
    expect("GET", "/api/v1/checks/acme/nope/history", NULL, 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no check 'acme/nope/history'\"}}");
}

static void test_bad_results(void **state)
{
    (void)state;
    expect("POST", "/api/v1/results",
           "{\"check\": \"acme/fra1/compute/nova-push\",\n \"state\":", 400,
           "{\"error\":{\"code\":\"bad_request\",\"message\":\"malformed JSON at line 2, column "
           "9: unexpected token near end of file\"}}");
    expect("POST", "/api/v1/results", "[{\"check\": \"acme/x\", \"state\": 9}]", 400,
           "{\"error\":{\"code\":\"bad_request\",\"message\":\"result 0: field \\\"state\\\" "
           "must be 0, 1, 2, 3, \\\"OK\\\", \\\"WARNING\\\", \\\"CRITICAL\\\" or "
           "\\\"UNKNOWN\\\"\"}}");
    expect("POST", "/api/v1/results", "{\"check\": \"acme/x\", \"state\": 0}", 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no check 'acme/x'\"}}");
    expect("POST", "/api/v1/results",
           "[{\"check\": \"acme/fra1/compute/nova-push\", \"state\": 0},"
           " {\"check\": \"acme/x\", \"state\": 0}]",
           404, "{\"error\":{\"code\":\"not_found\",\"message\":\"result 1: no check 'acme/x'\"}}");
    /* refused by the engine: older than the last result */
    expect("POST", "/api/v1/results",
           "{\"check\": \"acme/fra1/compute/nova-push\", \"state\": 2, \"time\": "
           "\"2026-10-05T10:00:00Z\"}",
           400,
           "{\"error\":{\"code\":\"bad_request\",\"message\":\"result 0: time "
           "2026-10-05T10:00:00Z is before the last result of 'acme/fra1/compute/nova-push' "
           "(2026-10-05T10:20:00Z)\"}}");
}

static void test_limits_and_routes(void **state)
{
    struct response r;
    char *big = sw_xmalloc(MAX_BODY + 2);

    (void)state;
    memset(big, ' ', MAX_BODY + 1);
    big[MAX_BODY + 1] = '\0';
    expect("POST", "/api/v1/results", big, 413,
           "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"the body is larger than "
           "4096 bytes\"}}");
    /* a client that sends the body at once: it is read and dropped, then answered */
    no_expect = true;
    expect("POST", "/api/v1/results", big, 413,
           "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"the body is larger than "
           "4096 bytes\"}}");
    no_expect = false;
    free(big);

    /* no Content-Length: counted while received */
    http("POST", "/api/v1/results", NULL, "application/json", 3 * MAX_BODY, &r);
    assert_int_equal(r.status, 413);
    assert_string_equal(r.body.data, "{\"error\":{\"code\":\"payload_too_large\",\"message\":"
                                     "\"the body is larger than 4096 bytes\"}}");
    sw_buf_release(&r.body);

    expect("GET", "/api/v1/nothing", NULL, 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no such route: GET "
           "/api/v1/nothing\"}}");
    expect("GET", "/api/v1/checks/acme/x", NULL, 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no check 'acme/x'\"}}");
    expect("GET", "/api/v1/services/acme/x", NULL, 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no service 'acme/x'\"}}");
    /* bytes that are not UTF-8 are never echoed */
    expect("GET", "/api/v1/checks/acme/%FF%C3", NULL, 404,
           "{\"error\":{\"code\":\"not_found\",\"message\":\"no check 'acme/?\?'\"}}");

    http("DELETE", "/api/v1/checks", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(r.allow, "GET, HEAD");
    assert_string_equal(r.content_type, "application/json");
    assert_string_equal(r.body.data,
                        "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"DELETE "
                        "/api/v1/checks: the methods allowed are GET, HEAD\"}}");
    sw_buf_release(&r.body);
    http("GET", "/api/v1/results", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(r.allow, "POST");
    sw_buf_release(&r.body);
    http("HEAD", "/healthz", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body.data, "");
    sw_buf_release(&r.body);
}

/* True when text holds line as one whole line. */
static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = text; (p = strstr(p, line)); p++) {
        if ((p == text || p[-1] == '\n') && p[n] == '\n') {
            return true;
        }
    }
    return false;
}

static void test_metrics(void **state)
{
    static const char *const lines[] = {
        "# HELP stackward_build_info Version of the running stackward.",
        "# TYPE stackward_build_info gauge",
        "stackward_build_info{version=\"" SW_VERSION "\"} 1",
        "# TYPE stackward_checks gauge",
        "stackward_checks{state=\"OK\"} 2",
        "stackward_checks{state=\"WARNING\"} 1",
        "stackward_checks{state=\"CRITICAL\"} 0",
        "stackward_checks{state=\"UNKNOWN\"} 0",
        "stackward_checks{state=\"PENDING\"} 0",
        "stackward_checks_hard{state=\"OK\"} 2",
        "stackward_checks_hard{state=\"WARNING\"} 1",
        "stackward_checks_flapping 0",
        "stackward_checks_stale 0",
        "# TYPE stackward_check_runs_total counter",
        "stackward_check_runs_total{type=\"passive\"} 4",
        "stackward_check_runs_total{type=\"http\"} 0",
        "stackward_results_total{state=\"OK\"} 2",
        "stackward_results_total{state=\"WARNING\"} 1",
        "stackward_results_total{state=\"CRITICAL\"} 1",
        "stackward_results_total{state=\"UNKNOWN\"} 0",
        "stackward_hard_changes_total 4",
        "# TYPE stackward_schedule_lateness_seconds histogram",
        "stackward_schedule_lateness_seconds_count 0",
        "# TYPE stackward_probe_duration_seconds histogram",
        "stackward_probe_duration_seconds_count{type=\"passive\"} 0",
        "stackward_checks_running{type=\"exec\"} 0",
        "stackward_checks_waiting 0",
        "# TYPE stackward_store_batch_seconds histogram",
        "# TYPE stackward_store_rows_total counter",
        "stackward_store_failures_total 0",
        "stackward_store_dropped_total 0",
        "# TYPE stackward_store_queue_length gauge",
        "stackward_reloads_total 0",
        "stackward_reload_failures_total 0",
        "# TYPE stackward_start_time_seconds gauge",
    };
    struct response r;

    (void)state;
    http("GET", "/metrics", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (!has_line(r.body.data, lines[i])) {
            fail_msg("missing line '%s' in\n%s", lines[i], r.body.data);
        }
    }
    sw_buf_release(&r.body);
}

static void test_reload(void **state)
{
    struct response r;

    (void)state;
    expect("POST", "/api/v1/reload", "", 200, "{\"reloaded\":true}");
    write_file(fx.config_file, "customers: [\n");
    http("POST", "/api/v1/reload", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body.data, "{\"error\":{\"code\":\"invalid_config\",\"message\":\""));
    assert_non_null(strstr(r.body.data, fx.config_file));
    sw_buf_release(&r.body);
    write_file(fx.config_file, config_text);
    /* the old configuration still runs: its state is intact */
    expect("GET", "/api/v1/checks/globex/ams1/k8s/api-push", NULL, 200,
           "{\"path\":\"globex/ams1/k8s/api-push\",\"type\":\"passive\",\"state\":\"WARNING\","
           "\"hard\":true,\"attempt\":1,\"max_attempts\":1,\"since\":\"2026-10-05T10:17:00Z\","
           "\"output\":\"slow\",\"perfdata\":null,\"last_check\":\"2026-10-05T10:17:00Z\","
           "\"next_check\":null,\"flapping\":false,\"stale\":false,\"service\":"
           "\"globex/ams1/k8s\"}");
    http("GET", "/metrics", NULL, NULL, 0, &r);
    assert_true(has_line(r.body.data, "stackward_reloads_total 1"));
    assert_true(has_line(r.body.data, "stackward_reload_failures_total 1"));
    sw_buf_release(&r.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_pending),
        cmocka_unit_test(test_post_one),
        cmocka_unit_test(test_post_array_text_plain),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_bad_results),
        cmocka_unit_test(test_limits_and_routes),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_reload),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
