/* SPDX-License-Identifier: Apache-2.0 */
/* test_web.c: the frame, dashboard, customer, service and status pages of src/web and the
 * dashboard's JSON, against a real SQLite store in a temporary directory (state intervals,
 * results, incidents and their timelines written through store.h) and a hand-made
 * struct sw_status over a parsed configuration: exact fragments of the HTML, hostile names
 * escaped, states shown by shape and word, a customer viewer kept to its own customer, 404s
 * that tell nothing, 400 for a bad range, the exact numbers of the JSON, of a day's uptime
 * and of the SLA so far; and the dashboard over 10,000 checks within its time budget. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "web/web.h"
#include "web/web_int.h"

#define HOSTILE "<script>alert(1)</script>"
#define HOSTILE_ESC "&lt;script&gt;alert(1)&lt;/script&gt;"

static const char yaml[] =
    "database: %s\n"
    "contracts:\n"
    "  - id: gold\n"
    "    objectives: [{services: [\"*/*\"], target: 99.9}]\n"
    "engineers:\n"
    "  - {id: alice, name: \"Alice <A>\"}\n"
    "  - {id: bob}\n"
    "rotations:\n"
    "  - id: primary\n"
    "    timezone: UTC\n"
    "    period: weekly\n"
    "    handoff: {day: monday, time: \"09:00\"}\n"
    "    start: 2026-01-05\n"
    "    participants: [alice, bob]\n"
    "maintenance:\n"
    "  - scope: acme/fra1\n"
    "    start: 2026-11-29T02:00:00Z\n"
    "    end: 2026-11-29T04:00:00Z\n"
    "    reason: \"<b>kernel</b>\"\n"
    "customers:\n"
    "  - id: acme\n"
    "    name: ACME & Co\n"
    "    contract: gold\n"
    "    deployments:\n"
    "      - id: fra1\n"
    "        services:\n"
    "          - id: api\n"
    "            name: \"" HOSTILE "\"\n"
    "            checks: [{id: c1, type: passive}, {id: c2, type: passive}]\n"
    "          - {id: db, checks: [{id: c, type: passive}]}\n"
    "      - id: ams\n"
    "        services: [{id: web, checks: [{id: c, type: passive}]}]\n"
    "  - id: globex\n"
    "    deployments:\n"
    "      - id: lon\n"
    "        services:\n"
    "          - id: shop\n"
    "            checks:\n"
    "              - {id: probe, type: http, url: \"http://127.0.0.1:9/\", interval: 60s}\n"
    "              - {id: push, type: passive, freshness: 5m}\n";

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
    struct sw_status *st;
    struct sw_buf out;
    const char *args[8]; /* name, value pairs of the query */
    struct sw_web_req r;
};

static const char *arg(void *ctx, const char *name)
{
    struct fx *f = ctx;

    for (size_t i = 0; i + 1 < sizeof(f->args) / sizeof(f->args[0]) && f->args[i]; i += 2) {
        if (strcmp(f->args[i], name) == 0) {
            return f->args[i + 1];
        }
    }
    return NULL;
}

/* A status with every check and service pending; tests set what they need. */
static struct sw_status *blank_status(struct sw_config *cfg)
{
    struct sw_status *st = sw_xcalloc(1, sizeof(*st));

    st->cfg = sw_config_ref(cfg);
    st->n_checks = cfg->n_checks;
    st->checks = sw_xcalloc(cfg->n_checks, sizeof(*st->checks));
    for (size_t i = 0; i < cfg->n_checks; i++) {
        st->checks[i].conf = cfg->checks[i];
        st->checks[i].st.path = sw_xstrdup(cfg->checks[i]->path);
    }
    st->n_services = cfg->n_services;
    st->services = sw_xcalloc(cfg->n_services, sizeof(*st->services));
    for (size_t i = 0; i < cfg->n_services; i++) {
        st->services[i].conf = cfg->services[i];
    }
    return st;
}

static struct sw_check_status *check(struct sw_status *st, const char *path, enum sw_state s,
                                     const char *output, int64_t last)
{
    const struct sw_check_conf *c = sw_config_find_check(st->cfg, path);
    struct sw_check_status *cs;

    assert_non_null(c);
    cs = &st->checks[c->index];
    cs->st.has_state = true;
    cs->st.hard = true;
    cs->st.state = cs->st.hard_state = s;
    cs->st.last_check_ms = last * 1000;
    free(cs->st.output);
    cs->st.output = sw_xstrdup(output);
    return cs;
}

static void service(struct sw_status *st, const char *path, enum sw_state s, int64_t since)
{
    const struct sw_service_conf *sc = sw_config_find_service(st->cfg, path);

    assert_non_null(sc);
    st->services[sc->index].has_state = true;
    st->services[sc->index].state = s;
    st->services[sc->index].since = since;
}

static int64_t add_incident(struct sw_store *s, const char *service, int severity,
                            enum sw_inc_status status, const char *title, int64_t opened)
{
    char customer[32], deployment[64];
    const char *slash = strchr(service, '/');
    struct sw_incident inc = {0};
    struct sw_inc_change ch = {0};
    int64_t id;

    snprintf(customer, sizeof(customer), "%.*s", (int)(slash - service), service);
    snprintf(deployment, sizeof(deployment), "%.*s", (int)(strrchr(service, '/') - service),
             service);
    inc.kind = SW_INC_OUTAGE;
    inc.service = (char *)service;
    inc.customer = customer;
    inc.deployment = deployment;
    inc.title = (char *)title;
    inc.severity = severity;
    inc.status = status;
    inc.state = SW_CRITICAL;
    inc.since = inc.opened = opened;
    inc.acked_by = status == SW_INC_ACKNOWLEDGED ? "alice" : NULL;
    inc.acked = status == SW_INC_ACKNOWLEDGED ? opened + 60 : 0;
    inc.resolved = status == SW_INC_RESOLVED ? opened + 600 : 0;
    ch.inc = &inc;
    assert_int_equal(sw_store_incident_write(s, &ch, 1, &id), 0);
    return id;
}

static int setup(void **state)
{
    struct fx *f = sw_xcalloc(1, sizeof(*f));
    struct sw_buf err;
    char *text;
    int64_t now = utc("2026-11-28T12:00:00Z");
    struct sw_store_result res = {0};
    struct sw_inc_event ev[2] = {{0}};
    int64_t id;

    sw_buf_init(&err);
    sw_buf_init(&f->out);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sw-web-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/sw.db", f->dir);
    text = sw_xasprintf(yaml, f->db);
    if (sw_config_parse("test.yaml", text, strlen(text), &err, &f->cfg) < 0) {
        fail_msg("config: %s", err.data);
    }
    free(text);
    if (sw_store_open(f->db, &err, &f->store) < 0) {
        fail_msg("store: %s", err.data);
    }
    sw_buf_release(&err);

    /* acme/fra1/api: OK from 1 November, one hour CRITICAL on the 27th */
    sw_store_state_change(f->store, SW_OBJ_SERVICE, "acme/fra1/api", utc("2026-11-01T00:00:00Z"),
                          SW_OK);
    sw_store_state_change(f->store, SW_OBJ_SERVICE, "acme/fra1/api", utc("2026-11-27T10:00:00Z"),
                          SW_CRITICAL);
    sw_store_state_change(f->store, SW_OBJ_SERVICE, "acme/fra1/api", utc("2026-11-27T11:00:00Z"),
                          SW_OK);
    /* three response times of globex's active check */
    res.path = "globex/lon/shop/probe";
    res.state = SW_OK;
    res.hard = true;
    res.attempt = 1;
    res.output = "HTTP 200";
    for (int i = 0; i < 3; i++) {
        static const int64_t lat[] = {50000, 120000, 180000};

        res.t_ms = (now - 3600 + i * 60) * 1000;
        res.latency_us = lat[i];
        sw_store_add_result(f->store, &res);
    }
    assert_int_equal(sw_store_flush(f->store), 0);

    add_incident(f->store, "acme/fra1/api", 2, SW_INC_TRIGGERED, "CRITICAL: acme / fra1 / api",
                 now - 1800);
    add_incident(f->store, "globex/lon/shop", 1, SW_INC_ACKNOWLEDGED, "globex shop down",
                 now - 900);
    id = add_incident(f->store, "acme/fra1/db", 3, SW_INC_RESOLVED, "db slow " HOSTILE,
                      utc("2026-11-20T08:00:00Z"));
    ev[0].incident = ev[1].incident = id;
    ev[0].t = utc("2026-11-20T08:05:00Z");
    ev[0].kind = "public-note";
    ev[0].text = "We are <on it>";
    ev[1].t = utc("2026-11-20T08:06:00Z");
    ev[1].kind = "note";
    ev[1].text = "secret internal detail";
    assert_int_equal(sw_store_incident_log(f->store, ev, 2), 0);

    f->st = blank_status(f->cfg);
    check(f->st, "acme/fra1/api/c1", SW_OK, "fine", now - 30);
    check(f->st, "acme/fra1/api/c2", SW_CRITICAL, "HTTP 503 " HOSTILE, now - 20);
    check(f->st, "acme/fra1/db/c", SW_WARNING, "slow", now - 40);
    /* acme/ams/web/c stays pending */
    check(f->st, "globex/lon/shop/probe", SW_OK, "HTTP 200", now - 300)->next_run_ms =
        (now - 180) * 1000; /* three minutes overdue on a 60 s interval: late */
    check(f->st, "globex/lon/shop/push", SW_UNKNOWN, "no news", now - 900)->stale = true;
    service(f->st, "acme/fra1/api", SW_CRITICAL, utc("2026-11-27T10:00:00Z"));
    service(f->st, "acme/fra1/db", SW_WARNING, now - 40);
    service(f->st, "globex/lon/shop", SW_UNKNOWN, now - 600);
    f->st->taken_ms = now * 1000;

    f->r.arg = arg;
    f->r.arg_ctx = f;
    f->r.role = SW_ROLE_ADMIN;
    f->r.who = "admin-token";
    f->r.csrf = "tok\"en";
    f->r.cfg = f->cfg;
    f->r.st = f->st;
    f->r.store = f->store;
    f->r.now = now;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char path[160];

    sw_status_free(f->st);
    sw_store_free(f->store);
    sw_config_unref(f->cfg);
    sw_buf_release(&f->out);
    snprintf(path, sizeof(path), "%s/sw.db", f->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/sw.db-wal", f->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/sw.db-shm", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Renders path as the server would and returns the status; the page is in f->out. */
static int render(struct fx *f, const char *path)
{
    const char *type = NULL;
    int status;

    sw_buf_reset(&f->out);
    f->r.path = path;
    status = sw_web_render(&f->r, &f->out, &type);
    assert_string_equal(type, "text/html; charset=utf-8");
    assert_non_null(f->out.data);
    return status;
}

#define assert_has(hay, needle)                                                                    \
    do {                                                                                           \
        if (!strstr((hay), (needle))) {                                                            \
            fprintf(stderr, "%s\n", (hay));                                                        \
            fail_msg("missing %s", (needle));                                                      \
        }                                                                                          \
    } while (0)
#define assert_lacks(hay, needle)                                                                  \
    do {                                                                                           \
        if (strstr((hay), (needle))) {                                                             \
            fail_msg("unexpected %s", (needle));                                                   \
        }                                                                                          \
    } while (0)

/* ---- layout ---- */

static void test_escape_and_states(void **state)
{
    struct sw_buf b;

    (void)state;
    sw_buf_init(&b);
    sw_web_esc(&b, "a<b>&\"c\"'d'");
    sw_web_esc(&b, NULL);
    assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
    sw_buf_reset(&b);
    for (int s = 0; s < SW_STATE_COUNT; s++) {
        sw_web_state(&b, (enum sw_state)s);
    }
    sw_web_pending(&b);
    assert_string_equal(b.data, "<span class=\"st st-ok\">\u25cf OK</span>"
                                "<span class=\"st st-warn\">\u25c6 WARNING</span>"
                                "<span class=\"st st-crit\">\u25b2 CRITICAL</span>"
                                "<span class=\"st st-unknown\">? UNKNOWN</span>"
                                "<span class=\"st st-pending\">\u25cb PENDING</span>");
    sw_buf_reset(&b);
    sw_web_time(&b, utc("2026-10-05T10:15:30Z"));
    sw_web_time(&b, 0);
    assert_string_equal(b.data, "<time datetime=\"2026-10-05T10:15:30Z\">2026-10-05 10:15 UTC"
                                "</time><span class=\"muted\">never</span>");
    sw_buf_reset(&b);
    sw_web_pct(&b, 958333, 2);
    sw_buf_puts(&b, " ");
    sw_web_pct(&b, 1515151, 1);
    sw_buf_puts(&b, " ");
    sw_web_pct(&b, -12345, 2);
    sw_buf_puts(&b, " ");
    sw_web_pct(&b, 999500, 4);
    sw_buf_puts(&b, " ");
    sw_web_pct(&b, 1000000, 0);
    assert_string_equal(b.data, "95.83 151.5 -1.24 99.9500 100");
    sw_buf_release(&b);
}

static void test_frame(void **state)
{
    struct fx *f = *state;

    assert_int_equal(render(f, "/"), 200);
    assert_true(sw_str_has_prefix(f->out.data, "<!doctype html>\n<html lang=\"en\">\n<head>\n"
                                               "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                                               "content=\"width=device-width, initial-scale=1\">\n"
                                               "<meta name=\"csrf-token\" "
                                               "content=\"tok&quot;en\">\n"));
    assert_has(f->out.data, "<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
                            "<script src=\"/static/app.js\" defer></script>");
    assert_has(f->out.data, "<a class=\"skip\" href=\"#main\">Skip to content</a>");
    assert_has(f->out.data, "<li><a href=\"/\" aria-current=\"page\">Dashboard</a></li>"
                            "<li><a href=\"/incidents\">Incidents</a></li>"
                            "<li><a href=\"/cases\">Cases</a></li>"
                            "<li><a href=\"/oncall\">On call</a></li>"
                            "<li><a href=\"/health\">Team health</a></li>");
    assert_has(f->out.data, "<span>signed in as <strong>admin-token</strong></span> "
                            "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" "
                            "name=\"csrf\" value=\"tok&quot;en\"><button type=\"submit\">"
                            "Sign out</button></form>");
    assert_has(f->out.data, "<main id=\"main\" tabindex=\"-1\">\n<h1>Dashboard</h1>");
    assert_has(f->out.data, "</main>\n");
    assert_lacks(f->out.data, "http://");
    assert_lacks(f->out.data, "https://");
    assert_true(strcmp(f->out.data + f->out.len - 16, "</body>\n</html>\n") == 0);

    /* a customer's navigation: its own pages only */
    f->r.role = SW_ROLE_CUSTOMER;
    f->r.customer = "acme";
    assert_int_equal(render(f, "/customers/acme"), 200);
    /* a customer reaches its own incidents and cases too (the pages show it only its own) */
    assert_has(f->out.data, "<ul><li><a href=\"/customers/acme\" aria-current=\"page\">Overview"
                            "</a></li><li><a href=\"/incidents\">Incidents</a></li><li><a "
                            "href=\"/cases\">Cases</a></li><li><a href=\"/status/acme\">Status "
                            "page</a></li></ul>");
    assert_lacks(f->out.data, "href=\"/oncall\"");

    /* a public status page: no token, no navigation, nobody signed in */
    f->r.public_view = true;
    f->r.role = SW_ROLE_VIEWER;
    f->r.customer = NULL;
    f->r.who = NULL;
    assert_int_equal(render(f, "/status/globex"), 200);
    assert_lacks(f->out.data, "csrf");
    assert_lacks(f->out.data, "<nav");
    assert_lacks(f->out.data, "signed in");
}

static void test_login_page(void **state)
{
    struct sw_buf b;

    (void)state;
    sw_buf_init(&b);
    sw_web_login_page("Unknown token <x>", &b);
    assert_has(b.data, "<p class=\"error\" role=\"alert\">Unknown token &lt;x&gt;</p>");
    assert_has(b.data, "<form method=\"post\" action=\"/login\">\n"
                       "<label for=\"token\">API token</label>\n"
                       "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" "
                       "required autofocus>\n<button type=\"submit\">Sign in</button>\n</form>");
    assert_lacks(b.data, "csrf-token");
    sw_buf_reset(&b);
    sw_web_login_page(NULL, &b);
    assert_lacks(b.data, "role=\"alert\"");
    sw_buf_release(&b);
}

static void test_not_found(void **state)
{
    struct fx *f = *state;
    static const char *const paths[] = {
        "/nowhere",     "/customers/nope", "/services/acme/fra1/nope", "/services/acme",
        "/status/nope", "/customers/",     "/services/acme/x/",        "/static/app.css/page",
    };

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        assert_int_equal(render(f, paths[i]), 404);
        assert_has(f->out.data, "<h1>Not found</h1>\n<p>There is nothing here.</p>");
    }
}

static void test_assets(void **state)
{
    const char *data, *type;
    size_t len;

    (void)state;
    assert_int_equal(sw_web_asset("/static/app.css", &data, &len, &type), 0);
    assert_string_equal(type, "text/css; charset=utf-8");
    assert_int_equal(len, strlen(data));
    assert_has(data, ":focus-visible");
    assert_has(data, "@media (max-width: 40em)");
    assert_lacks(data, "url(http");
    assert_lacks(data, "@import");
    assert_int_equal(sw_web_asset("/static/app.js", &data, &len, &type), 0);
    assert_string_equal(type, "text/javascript; charset=utf-8");
    assert_has(data, "'X-CSRF-Token': csrf()");
    assert_has(data, "credentials: 'same-origin'");
    assert_has(data, "setTimeout(tick, 5000)");
    assert_lacks(data, "http://");
    assert_lacks(data, "https://");
    assert_lacks(data, "innerHTML");
    assert_int_equal(sw_web_asset("/static/nope.js", &data, &len, &type), -ENOENT);
}

/* ---- dashboard ---- */

static void test_dashboard_json(void **state)
{
    struct fx *f = *state;

    sw_buf_reset(&f->out);
    assert_int_equal(sw_web_dashboard_json(&f->r, &f->out), 200);
    assert_string_equal(
        f->out.data,
        "{\"generated\": \"2026-11-28T12:00:00Z\", "
        "\"checks\": {\"total\": 6, \"ok\": 2, \"warning\": 1, \"critical\": 1, \"unknown\": 1, "
        "\"pending\": 1, \"late\": 1, \"stale\": 1}, "
        "\"services\": {\"total\": 4, \"ok\": 0, \"warning\": 1, \"critical\": 1, \"unknown\": 1, "
        "\"pending\": 1}, "
        "\"incidents\": {\"open\": 2, \"sev1\": 1, \"sev2\": 1, \"sev3\": 0, \"sev4\": 0}, "
        "\"cells\": {\"acme/fra1\": \"CRITICAL\", \"acme/ams\": \"PENDING\", "
        "\"globex/lon\": \"UNKNOWN\"}, "
        "\"not_ok\": {\"acme/fra1\": 2, \"acme/ams\": 0, \"globex/lon\": 1}, "
        "\"oncall\": {\"primary\": \"Alice <A>\"}, "
        "\"open_incidents\": [{\"id\": \"INC-2\", \"severity\": 1, \"status\": \"acknowledged\", "
        "\"title\": \"globex shop down\", \"service\": \"globex/lon/shop\", "
        "\"opened\": \"2026-11-28T11:45:00Z\"}, {\"id\": \"INC-1\", \"severity\": 2, "
        "\"status\": \"triggered\", \"title\": \"CRITICAL: acme / fra1 / api\", "
        "\"service\": \"acme/fra1/api\", \"opened\": \"2026-11-28T11:30:00Z\"}], "
        "\"late\": [{\"path\": \"globex/lon/shop/probe\", \"service\": \"globex/lon/shop\", "
        "\"kind\": \"late\", \"last_check\": \"2026-11-28T11:55:00Z\"}, "
        "{\"path\": \"globex/lon/shop/push\", \"service\": \"globex/lon/shop\", "
        "\"kind\": \"stale\", \"last_check\": \"2026-11-28T11:45:00Z\"}]}\n");

    /* a customer sees its own numbers, no other customer, nobody's name */
    f->r.role = SW_ROLE_CUSTOMER;
    f->r.customer = "acme";
    sw_buf_reset(&f->out);
    assert_int_equal(sw_web_dashboard_json(&f->r, &f->out), 200);
    assert_string_equal(
        f->out.data,
        "{\"generated\": \"2026-11-28T12:00:00Z\", "
        "\"checks\": {\"total\": 4, \"ok\": 1, \"warning\": 1, \"critical\": 1, \"unknown\": 0, "
        "\"pending\": 1, \"late\": 0, \"stale\": 0}, "
        "\"services\": {\"total\": 3, \"ok\": 0, \"warning\": 1, \"critical\": 1, \"unknown\": 0, "
        "\"pending\": 1}, "
        "\"incidents\": {\"open\": 1, \"sev1\": 0, \"sev2\": 1, \"sev3\": 0, \"sev4\": 0}, "
        "\"cells\": {\"acme/fra1\": \"CRITICAL\", \"acme/ams\": \"PENDING\"}, "
        "\"not_ok\": {\"acme/fra1\": 2, \"acme/ams\": 0}, \"oncall\": {}, "
        "\"open_incidents\": [{\"id\": \"INC-1\", \"severity\": 2, \"status\": \"triggered\", "
        "\"title\": \"CRITICAL: acme / fra1 / api\", \"service\": \"acme/fra1/api\", "
        "\"opened\": \"2026-11-28T11:30:00Z\"}], \"late\": []}\n");

    /* a customer token naming no configured customer sees nothing at all */
    f->r.customer = "initech";
    sw_buf_reset(&f->out);
    assert_int_equal(sw_web_dashboard_json(&f->r, &f->out), 200);
    assert_has(f->out.data, "\"checks\": {\"total\": 0,");
    assert_has(f->out.data, "\"incidents\": {\"open\": 0,");
    assert_has(f->out.data, "\"cells\": {}");
}

static void test_dashboard_page(void **state)
{
    struct fx *f = *state;

    assert_int_equal(render(f, "/"), 200);
    assert_has(f->out.data, "<div id=\"dash\" data-poll=\"/api/v1/dashboard\">");
    assert_has(f->out.data, "<dt>Total</dt><dd data-field=\"checks.total\">6</dd>");
    assert_has(f->out.data, "<dt><span class=\"st st-crit\">\u25b2 CRITICAL</span></dt>"
                            "<dd data-field=\"services.critical\">1</dd>");
    assert_has(f->out.data, "<dt>Late</dt><dd data-field=\"checks.late\">1</dd>");
    assert_has(f->out.data, "<dd data-field=\"incidents.sev1\">1</dd>");
    assert_has(f->out.data, "<dt>primary</dt><dd data-map=\"oncall\" data-key=\"primary\">"
                            "Alice &lt;A&gt;</dd>");
    assert_has(f->out.data, "<th scope=\"row\" data-label=\"Customer\"><a href=\"/customers/acme\">"
                            "ACME &amp; Co</a></th>");
    assert_has(f->out.data, "<span data-map=\"cells\" data-kind=\"state\" data-key=\"acme/fra1\">"
                            "<span class=\"st st-crit\">\u25b2 CRITICAL</span></span>");
    assert_has(f->out.data, "<span data-map=\"cells\" data-kind=\"state\" data-key=\"acme/ams\">"
                            "<span class=\"st st-pending\">\u25cb PENDING</span></span>");
    assert_has(f->out.data, "<li><a href=\"/incidents/INC-2\">INC-2</a> sev1 \u00b7 acknowledged "
                            "\u00b7 globex shop down</li>");
    assert_has(f->out.data, "<li><a href=\"/services/globex/lon/shop\">globex/lon/shop/push</a> "
                            "\u00b7 stale \u00b7 last <time");

    f->r.role = SW_ROLE_CUSTOMER;
    f->r.customer = "acme";
    assert_int_equal(render(f, "/"), 200);
    assert_lacks(f->out.data, "globex");
    assert_lacks(f->out.data, "Alice");
    assert_has(f->out.data, "/customers/acme");
}

/* 10,000 checks in 100 services: the page and the JSON each well within 50 ms. */
static void test_dashboard_fast(void **state)
{
    struct fx *f = *state;
    struct sw_buf text, err;
    struct sw_config *cfg = NULL;
    struct sw_status *st;
    struct sw_web_req r = f->r;
    int64_t t0, page_ns, json_ns, limit_ns = 50 * 1000000LL;

#if defined(__SANITIZE_ADDRESS__)
    limit_ns *= 5; /* instrumented builds are several times slower */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    limit_ns *= 5;
#endif
#endif
    sw_buf_init(&text);
    sw_buf_init(&err);
    sw_buf_printf(&text, "database: %s\ncustomers:\n", f->db);
    for (int c = 0; c < 10; c++) {
        sw_buf_printf(&text, "  - id: cust%d\n    deployments:\n", c);
        for (int d = 0; d < 2; d++) {
            sw_buf_printf(&text, "      - id: dep%d\n        services:\n", d);
            for (int s = 0; s < 5; s++) {
                sw_buf_printf(&text, "          - id: svc%d\n            checks:\n", s);
                for (int k = 0; k < 100; k++) {
                    sw_buf_printf(&text, "              - {id: c%d, type: passive}\n", k);
                }
            }
        }
    }
    if (sw_config_parse("big.yaml", text.data, text.len, &err, &cfg) < 0) {
        fail_msg("config: %s", err.data);
    }
    assert_int_equal(cfg->n_checks, 10000);
    st = blank_status(cfg);
    for (size_t i = 0; i < st->n_checks; i++) {
        st->checks[i].st.has_state = true;
        st->checks[i].st.hard_state = (enum sw_state)(i % 4);
        st->checks[i].stale = i % 1000 == 0;
    }
    for (size_t i = 0; i < st->n_services; i++) {
        st->services[i].has_state = true;
        st->services[i].state = (enum sw_state)(i % 4);
    }
    r.cfg = cfg;
    r.st = st;

    sw_buf_reset(&f->out);
    t0 = sw_mono_ns();
    assert_int_equal(sw_web_page_dashboard(&r, &f->out), 200);
    page_ns = sw_mono_ns() - t0;
    assert_has(f->out.data, "<dd data-field=\"checks.total\">10000</dd>");
    assert_has(f->out.data, "<dd data-field=\"checks.critical\">2500</dd>");
    assert_has(f->out.data, "<dd data-field=\"checks.stale\">10</dd>");
    assert_true(f->out.len < 100 * 1024);

    sw_buf_reset(&f->out);
    t0 = sw_mono_ns();
    assert_int_equal(sw_web_dashboard_json(&r, &f->out), 200);
    json_ns = sw_mono_ns() - t0;
    assert_has(f->out.data, "\"checks\": {\"total\": 10000, \"ok\": 2500, \"warning\": 2500, "
                            "\"critical\": 2500, \"unknown\": 2500, \"pending\": 0, \"late\": 0, "
                            "\"stale\": 10}");
    print_message("10,000 checks: page %lld us, JSON %lld us\n", (long long)(page_ns / 1000),
                  (long long)(json_ns / 1000));
    /* under valgrind (make valgrind) everything is 20 to 50 times slower: report only */
    if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload")) {
        limit_ns = INT64_MAX;
    }
    if (page_ns > limit_ns || json_ns > limit_ns) {
        fail_msg("too slow: page %lld ns, json %lld ns", (long long)page_ns, (long long)json_ns);
    }
    sw_status_free(st);
    sw_config_unref(cfg);
    sw_buf_release(&text);
    sw_buf_release(&err);
}

/* ---- customer ---- */

static void test_customer_page(void **state)
{
    struct fx *f = *state;

    assert_int_equal(render(f, "/customers/acme"), 200);
    assert_has(f->out.data, "<h1>ACME &amp; Co</h1>");
    assert_has(f->out.data, "<h2 id=\"dep-fra1\">fra1 <span class=\"muted\">(other)</span>"
                            "</h2>");
    /* the hostile service name, escaped wherever it appears */
    assert_has(f->out.data, "<a href=\"/services/acme/fra1/api\">" HOSTILE_ESC "</a>");
    assert_lacks(f->out.data, HOSTILE);
    assert_has(f->out.data, "<span class=\"st st-crit\">\u25b2 CRITICAL</span></td>"
                            "<td data-label=\"Since\"><time datetime=\"2026-11-27T10:00:00Z\">");
    /* SLA so far: E = 27.5 days, D = 1 h: 99.8484 % of a 99.9 % target, budget 2,376 s */
    assert_has(f->out.data, "<td class=\"n\" data-label=\"Availability\">99.848 %</td>"
                            "<td class=\"n\" data-label=\"Target\">99.9 %</td>"
                            "<td data-label=\"Met\"><strong>\u2718 missed</strong></td>");
    assert_has(f->out.data,
               "fill=\"url(#over-0)\"/></svg> 151.5 % used, <strong>overspent by "
               "20 min</strong></td><td class=\"n\" data-label=\"Down\">1 h 00 min</td>");
    /* db has no history: no availability, no budget */
    assert_has(f->out.data, "<td class=\"n\" data-label=\"Availability\">n/a</td>");

    f->r.role = SW_ROLE_CUSTOMER;
    f->r.customer = "acme";
    assert_int_equal(render(f, "/customers/acme"), 200);
    assert_int_equal(render(f, "/customers/globex"), 404);
    assert_lacks(f->out.data, "globex");
}

/* ---- service ---- */

static void test_service_page(void **state)
{
    struct fx *f = *state;

    f->args[0] = "from";
    f->args[1] = "2026-11-27T00:00:00Z";
    f->args[2] = "to";
    f->args[3] = "2026-11-28T00:00:00Z";
    assert_int_equal(render(f, "/services/acme/fra1/api"), 200);
    assert_has(f->out.data, "<title>" HOSTILE_ESC " \u00b7 stackward</title>");
    assert_has(f->out.data, "<h1>" HOSTILE_ESC "</h1>");
    assert_lacks(f->out.data, HOSTILE);
    assert_has(f->out.data, "<p>Service state: <span class=\"st st-crit\">\u25b2 CRITICAL</span> "
                            "since <time datetime=\"2026-11-27T10:00:00Z\">");
    assert_has(f->out.data, "<a href=\"/services/acme/fra1/api/c2\">c2</a> <span class=\"muted\">"
                            "passive</span></td><td data-label=\"State\"><span class=\"st "
                            "st-crit\">\u25b2 CRITICAL</span></td><td data-label=\"Output\">"
                            "<code>HTTP 503 " HOSTILE_ESC "</code>");
    /* 10:00-11:00 of the day: columns 416.7 .. 458.3 of 1000, drawn 416 .. 459 */
    assert_has(f->out.data, "<rect x=\"416\" y=\"6\" width=\"43\" height=\"26\" fill=\"#a33200\">");
    assert_has(f->out.data, "<rect x=\"0\" y=\"24\" width=\"416\" height=\"8\" fill=\"#00684a\">");
    assert_has(f->out.data, "<input id=\"from\" name=\"from\" size=\"21\" "
                            "value=\"2026-11-27T00:00:00Z\">");
    assert_has(f->out.data, "Passive checks only: no response times.");

    /* a check's own page, with its latency chart; the default range is the last 24 hours */
    f->args[0] = NULL;
    assert_int_equal(render(f, "/services/globex/lon/shop/probe"), 200);
    assert_has(f->out.data, "<h1>globex/lon/shop/probe</h1>");
    assert_has(f->out.data, "aria-label=\"Response time of probe: 3 results, slowest 200 ms\"");
    assert_has(f->out.data, "value=\"2026-11-27T12:00:00Z\"");

    /* maintenance shaded on the timeline */
    f->args[0] = "from";
    f->args[1] = "2026-11-29T00:00:00Z";
    f->args[2] = "to";
    f->args[3] = "2026-11-30T00:00:00Z";
    assert_int_equal(render(f, "/services/acme/fra1/db"), 200);
    assert_has(f->out.data, "<rect x=\"83.3\" y=\"0\" width=\"83.3\" height=\"32\" "
                            "fill=\"url(#maint)\" stroke=\"#5e4b8b\"><title>Maintenance (excluded "
                            "from the SLA), 2026-11-29T02:00:00Z to 2026-11-29T04:00:00Z: "
                            "&lt;b&gt;kernel&lt;/b&gt;</title></rect>");

    /* bad ranges: 400 pages that say why */
    f->args[1] = "yesterday";
    assert_int_equal(render(f, "/services/acme/fra1/api"), 400);
    assert_has(f->out.data, "<p role=\"alert\">Parameter &#39;from&#39; is not an ISO 8601 time "
                            "with a zone (e.g. 2026-10-05T10:15:00Z or 2026-10-05): "
                            "&quot;yesterday&quot;</p>");
    f->args[1] = "2026-11-29T00:00:00Z";
    f->args[3] = "2026-11-28T00:00:00Z";
    assert_int_equal(render(f, "/services/acme/fra1/api"), 400);
    assert_has(f->out.data, "Parameter &#39;from&#39; must be before &#39;to&#39;.");
    f->args[1] = "2026-01-01T00:00:00Z";
    assert_int_equal(render(f, "/services/acme/fra1/api"), 400);
    assert_has(f->out.data, "may span at most 92 days");
    f->args[0] = NULL;

    /* another customer's service or check is not there at all */
    f->r.role = SW_ROLE_CUSTOMER;
    f->r.customer = "acme";
    assert_int_equal(render(f, "/services/acme/fra1/api"), 200);
    assert_int_equal(render(f, "/services/globex/lon/shop"), 404);
    assert_int_equal(render(f, "/services/globex/lon/shop/probe"), 404);
    assert_lacks(f->out.data, "globex");
}

/* ---- status ---- */

static void test_status_page(void **state)
{
    struct fx *f = *state;

    assert_int_equal(render(f, "/status/acme"), 200);
    assert_has(f->out.data, "<h1>ACME &amp; Co status</h1>");
    assert_has(f->out.data, "<span class=\"st st-crit\">\u25b2 Outage</span> Some services are "
                            "down.");
    assert_has(f->out.data, "<strong>" HOSTILE_ESC "</strong> <span class=\"st st-crit\">"
                            "\u25b2 Outage</span>");
    assert_has(f->out.data, "<strong>db</strong> <span class=\"st st-warn\">\u25c6 Degraded"
                            "</span>");
    assert_has(f->out.data, "<strong>web</strong> <span class=\"st st-unknown\">? Unknown</span>");
    assert_lacks(f->out.data, HOSTILE);
    /* the outage day: 23 of 24 hours up, more than 1 % down: the short bar */
    assert_has(f->out.data, "<rect class=\"d-down\" x=\"880\" y=\"20\" width=\"8\" height=\"14\" "
                            "fill=\"#a33200\"><title>2026-11-27: 95.83 % available, 60 min down"
                            "</title></rect>");
    assert_has(f->out.data, "<title>2026-11-26: 100.00 % available</title>");
    assert_has(f->out.data, "<title>2026-11-28: 100.00 % available</title>");
    assert_has(f->out.data, "<rect class=\"d-none\" x=\"0\" y=\"30\" width=\"8\" height=\"4\" "
                            "fill=\"#b8b8b8\"><title>2026-08-31: no data</title></rect>");
    assert_has(f->out.data, "<title>2026-10-31: no data</title>");
    assert_has(f->out.data, "<title>2026-11-01: 100.00 % available</title>");
    assert_has(f->out.data, "aria-label=\"Last 90 days: 1 with downtime, 62 without data\"");
    /* 27.5 days observed, 1 h down: 99.8484 %, floored */
    assert_has(f->out.data, "<p class=\"muted\">99.84 % uptime over the last 90 days</p>");
    /* incidents: current and past, public notes only, no engineer, no output */
    assert_has(f->out.data, "<h3>Current</h3>\n<ul class=\"plain\">\n<li><strong>CRITICAL: acme / "
                            "fra1 / api</strong> \u00b7 Investigating<br>");
    assert_has(f->out.data, "<strong>db slow " HOSTILE_ESC "</strong> \u00b7 Resolved<br>");
    assert_has(f->out.data, "\u2014 We are &lt;on it&gt;</li>");
    assert_lacks(f->out.data, "secret internal");
    assert_lacks(f->out.data, "globex");
    assert_lacks(f->out.data, "HTTP 503");
    assert_lacks(f->out.data, "alice");
    /* planned maintenance ahead */
    assert_has(f->out.data, "<h2 id=\"maintenance\">Planned maintenance</h2>\n<ul class=\"plain\">"
                            "\n<li><time datetime=\"2026-11-29T02:00:00Z\">");
    assert_has(f->out.data, " \u00b7 fra1 \u00b7 &lt;b&gt;kernel&lt;/b&gt;</li>");

    /* not signed in for another customer's page: 404 unless the caller made it public */
    f->r.role = SW_ROLE_CUSTOMER;
    f->r.customer = "globex";
    assert_int_equal(render(f, "/status/acme"), 404);
    f->r.public_view = true;
    assert_int_equal(render(f, "/status/acme"), 200);
    assert_lacks(f->out.data, "<nav");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_and_states),
        cmocka_unit_test(test_login_page),
        cmocka_unit_test(test_assets),
        cmocka_unit_test_setup_teardown(test_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dashboard_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dashboard_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dashboard_fast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_page, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
