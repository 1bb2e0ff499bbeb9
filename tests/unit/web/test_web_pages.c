/* SPDX-License-Identifier: Apache-2.0 */
/* test_web_pages.c: the incident, case, on-call and team health pages of src/web against a
 * real SQLite store in a temporary directory, filled through the public functions (incidents
 * written to the store and acted on with sw_incident_ack/_note, cases opened and worked with
 * sw_case_open/_act): exact fragments of the rendered HTML, who sees which buttons (engineers
 * and admins act, viewers and customers do not), a customer's view limited to its own
 * objects (others are 404s, internal comments and notifications hidden), the query arguments
 * and their 400s, and hostile text escaped wherever it comes back. */
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

#include "incident/incident.h"
#include "support/support.h"
#include "web/web.h"

#define HOSTILE "<script>alert(\"x\")</script> & 'q'"
#define HOSTILE_ESC "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"

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
    struct sw_buf out;
    const char *args[8]; /* name, value pairs of the query */
};

static const char yaml[] =
    "database: %s\n"
    "contracts:\n"
    "  - id: gold\n"
    "    support:\n"
    "      - {severity: 1, first_response: 1h, resolution: 24h, calendar: 24x7}\n"
    "engineers:\n"
    "  - {id: alice, name: Alice Smith, timezone: Europe/Berlin}\n"
    "  - {id: bob}\n"
    "  - {id: carol, name: Carol Jones}\n"
    "rotations:\n"
    "  - id: primary\n"
    "    timezone: Europe/Berlin\n"
    "    period: weekly\n"
    "    handoff: {day: monday, time: \"09:00\"}\n"
    "    start: 2026-01-05\n"
    "    participants: [alice, bob]\n"
    "    overrides:\n"
    "      - {engineer: carol, from: \"2026-12-24T00:00:00+01:00\", to: "
    "\"2026-12-27T00:00:00+01:00\"}\n"
    "  - id: later\n"
    "    timezone: America/New_York\n"
    "    period: daily\n"
    "    handoff: {time: \"08:00\"}\n"
    "    start: 2027-03-01\n"
    "    participants: [bob]\n"
    "customers:\n"
    "  - id: acme\n"
    "    contract: gold\n"
    "    deployments:\n"
    "      - id: fra1\n"
    "        services: [{id: api, checks: [{id: c, type: passive}]},\n"
    "                   {id: db, checks: [{id: c, type: passive}]}]\n"
    "  - id: globex\n"
    "    deployments:\n"
    "      - id: ams\n"
    "        services: [{id: web, checks: [{id: c, type: passive}]}]\n";

static int setup(void **state)
{
    struct fx *f = sw_xcalloc(1, sizeof(*f));
    char path[160];
    FILE *fp;

    snprintf(f->dir, sizeof(f->dir), "/tmp/sw-webpages-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/sw.db", f->dir);
    snprintf(path, sizeof(path), "%s/sw.yaml", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, yaml, f->db);
    fclose(fp);
    sw_buf_init(&f->err);
    sw_buf_init(&f->out);
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
    sw_buf_release(&f->out);
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

static const char *lookup(void *ctx, const char *name)
{
    struct fx *f = ctx;

    for (size_t i = 0; i + 1 < sizeof(f->args) / sizeof(f->args[0]) && f->args[i]; i += 2) {
        if (strcmp(f->args[i], name) == 0) {
            return f->args[i + 1];
        }
    }
    return NULL;
}

/* Renders path for role (customer: the customer's id for SW_ROLE_CUSTOMER) at now with the
 * query f->args; returns the status, the page in f->out. */
static int render(struct fx *f, const char *path, enum sw_role role, const char *customer,
                  int64_t now)
{
    struct sw_web_req r = {.path = path,
                           .arg = lookup,
                           .arg_ctx = f,
                           .role = role,
                           .customer = customer,
                           .who = "someone",
                           .csrf = "tok123",
                           .cfg = f->cfg,
                           .store = f->store,
                           .now = now};
    const char *type = NULL;
    int status;

    sw_buf_reset(&f->out);
    status = sw_web_render(&r, &f->out, &type);
    assert_string_equal(type, "text/html; charset=utf-8");
    return status;
}

static void args(struct fx *f, const char *n1, const char *v1, const char *n2, const char *v2)
{
    memset(f->args, 0, sizeof(f->args));
    f->args[0] = n1;
    f->args[1] = v1;
    f->args[2] = n2;
    f->args[3] = v2;
}

#define assert_has(f, s)                                                                           \
    do {                                                                                           \
        if (!strstr((f)->out.data, (s))) {                                                         \
            fail_msg("missing: %s\n---- page:\n%s", (s), (f)->out.data);                           \
        }                                                                                          \
    } while (0)
#define assert_lacks(f, s)                                                                         \
    do {                                                                                           \
        if (strstr((f)->out.data, (s))) {                                                          \
            fail_msg("unexpected: %s\n---- page:\n%s", (s), (f)->out.data);                        \
        }                                                                                          \
    } while (0)

/* ---- incidents ---- */

static int64_t add_incident(struct fx *f, const char *service, const char *title,
                            enum sw_inc_status status, const char *opened, int64_t resolved,
                            bool with_notification)
{
    char customer[16], deployment[32];
    const char *slash = strchr(service, '/');
    snprintf(customer, sizeof(customer), "%.*s", (int)(slash - service), service);
    snprintf(deployment, sizeof(deployment), "%.*s", (int)(strrchr(service, '/') - service),
             service);
    struct sw_incident inc = {.kind = SW_INC_OUTAGE,
                              .service = (char *)service,
                              .customer = customer,
                              .deployment = deployment,
                              .title = (char *)title,
                              .severity = 2,
                              .status = status,
                              .state = SW_CRITICAL,
                              .output = "HTTP 503",
                              .since = utc(opened),
                              .opened = utc(opened),
                              .resolved = resolved,
                              .policy = "default"};
    struct sw_notification nt = {.kind = SW_NOTIF_TRIGGER,
                                 .round = 0,
                                 .step = 1,
                                 .engineer = "alice",
                                 .channel = "mail",
                                 .address = "alice@example.com",
                                 .deployment = deployment,
                                 .created = utc(opened),
                                 .due = utc(opened)};
    struct sw_inc_event ev = {.t = utc(opened), .kind = "opened", .text = "CRITICAL: HTTP 503"};
    struct sw_inc_change ch = {.inc = &inc,
                               .events = &ev,
                               .n_events = 1,
                               .notifs = with_notification ? &nt : NULL,
                               .n_notifs = with_notification ? 1 : 0};
    int64_t id;

    assert_int_equal(sw_store_incident_write(f->store, &ch, 1, &id), 0);
    return id;
}

/* INC-1 acme acknowledged with a hostile note, INC-2 globex resolved, INC-3 acme triggered
 * with a hostile title and a pending page. */
static void incidents(struct fx *f)
{
    assert_int_equal(add_incident(f, "acme/fra1/api", "CRITICAL: acme / fra1 / api",
                                  SW_INC_TRIGGERED, "2026-06-01T10:00:00Z", 0, false),
                     1);
    assert_int_equal(add_incident(f, "globex/ams/web", "CRITICAL: globex / ams / web",
                                  SW_INC_RESOLVED, "2026-06-01T11:00:00Z",
                                  utc("2026-06-01T12:30:00Z"), false),
                     2);
    assert_int_equal(add_incident(f, "acme/fra1/db", "CRITICAL: <img src=x onerror=alert(1)>",
                                  SW_INC_TRIGGERED, "2026-06-01T12:00:00Z", 0, true),
                     3);
    assert_int_equal(sw_incident_ack(f->store, 1, "alice", utc("2026-06-01T10:02:00Z"), &f->err),
                     0);
    assert_int_equal(
        sw_incident_note(f->store, 1, "bob", HOSTILE, false, utc("2026-06-01T10:05:00Z"), &f->err),
        0);
}

static void test_incident_list(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-06-02T00:00:00Z");

    incidents(f);
    assert_int_equal(render(f, "/incidents", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<tr><td><a href=\"/incidents/INC-1\">INC-1</a></td><td>sev2</td>"
                  "<td><span class=\"badge inc-acknowledged\">\u25c6 acknowledged</span></td>"
                  "<td><a href=\"/services/acme/fra1/api\">acme/fra1/api</a></td>"
                  "<td>CRITICAL: acme / fra1 / api</td>"
                  "<td><time datetime=\"2026-06-01T10:00:00Z\">2026-06-01 10:00 UTC</time></td>"
                  "<td>alice</td><td class=\"n\">2m</td>"
                  "<td class=\"n\"><span class=\"muted\">not yet</span></td></tr>");
    assert_has(f, "<td><span class=\"badge inc-resolved\">\u2713 resolved</span></td>");
    assert_has(f, "<td class=\"n\"><span class=\"muted\">none</span></td>"
                  "<td class=\"n\">1h30m</td></tr>");
    assert_has(f, "<td>CRITICAL: &lt;img src=x onerror=alert(1)&gt;</td>");
    assert_lacks(f, "<img");
    /* newest first */
    assert_true(strstr(f->out.data, "INC-3</a>") < strstr(f->out.data, "INC-2</a>"));
    assert_true(strstr(f->out.data, "INC-2</a>") < strstr(f->out.data, "INC-1</a>"));
    /* each filter in a field with its label; the checkbox beside its own, unticked */
    assert_has(f, "<form class=\"filters\" method=\"get\" action=\"/incidents\">\n"
                  "<div class=\"field\"><label for=\"f-status\">Status</label>\n"
                  "<select id=\"f-status\" name=\"status\"><option value=\"\">any</option>");
    assert_has(f, "<div class=\"field\"><label for=\"f-customer\">Customer</label>\n"
                  "<select id=\"f-customer\" name=\"customer\">");
    assert_has(f, "<option value=\"globex\">globex</option></select></div>\n"
                  "<div class=\"field check\"><input type=\"checkbox\" id=\"f-open\" "
                  "name=\"open\" value=\"true\"><label for=\"f-open\">Open only</label></div>\n"
                  "<button type=\"submit\">Filter</button>\n</form>");

    args(f, "status", "resolved", NULL, NULL);
    assert_int_equal(render(f, "/incidents", SW_ROLE_VIEWER, NULL, now), 200);
    assert_has(f, "INC-2</a>");
    assert_lacks(f, "INC-1</a>");
    assert_lacks(f, "INC-3</a>");
    assert_has(f, "<option value=\"resolved\" selected>resolved</option>");

    args(f, "customer", "acme", "open", "true");
    assert_int_equal(render(f, "/incidents", SW_ROLE_ADMIN, NULL, now), 200);
    assert_has(f, "INC-1</a>");
    assert_has(f, "INC-3</a>");
    assert_lacks(f, "INC-2</a>");
    assert_has(f, "<option value=\"acme\" selected>acme</option>");
    assert_has(f, "name=\"open\" value=\"true\" checked><label for=\"f-open\">");

    args(f, "customer", "globex", "open", "true");
    assert_int_equal(render(f, "/incidents", SW_ROLE_ADMIN, NULL, now), 200);
    assert_has(f, "<p>No incidents match.</p>");

    /* an empty argument is no filter, as a form's "any" sends it */
    args(f, "status", "", "customer", "");
    assert_int_equal(render(f, "/incidents", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "INC-1</a>");
    assert_has(f, "INC-2</a>");

    args(f, "status", "open", NULL, NULL);
    assert_int_equal(render(f, "/incidents", SW_ROLE_ENGINEER, NULL, now), 400);
    assert_has(f, "status must be triggered, acknowledged, recovered or resolved");
    args(f, "open", "yes", NULL, NULL);
    assert_int_equal(render(f, "/incidents", SW_ROLE_ENGINEER, NULL, now), 400);
    assert_has(f, "open must be true or false");
    args(f, "customer", "initech", NULL, NULL);
    assert_int_equal(render(f, "/incidents", SW_ROLE_ENGINEER, NULL, now), 404);
}

static void test_incident_list_customer(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-06-02T00:00:00Z");

    incidents(f);
    assert_int_equal(render(f, "/incidents", SW_ROLE_CUSTOMER, "acme", now), 200);
    assert_has(f, "INC-1</a>");
    assert_has(f, "INC-3</a>");
    assert_lacks(f, "INC-2");
    assert_lacks(f, "globex");
    assert_lacks(f, "f-customer"); /* no choice of customer */
    args(f, "customer", "globex", NULL, NULL);
    assert_int_equal(render(f, "/incidents", SW_ROLE_CUSTOMER, "acme", now), 404);
    assert_lacks(f, "globex");
    args(f, "customer", "acme", NULL, NULL);
    assert_int_equal(render(f, "/incidents", SW_ROLE_CUSTOMER, "acme", now), 200);
    assert_has(f, "INC-1</a>");
}

static void test_incident_detail(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-06-02T00:00:00Z");

    incidents(f);
    assert_int_equal(render(f, "/incidents/INC-1", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<h1>INC-1: CRITICAL: acme / fra1 / api</h1>");
    assert_has(f, "<dt>Service state</dt><dd><span class=\"st st-crit\">\u25b2 CRITICAL</span>"
                  " since <time datetime=\"2026-06-01T10:00:00Z\">2026-06-01 10:00 UTC</time>"
                  "</dd>");
    assert_has(f, "<dt>Acknowledged</dt><dd><time datetime=\"2026-06-01T10:02:00Z\">"
                  "2026-06-01 10:02 UTC</time> by alice</dd>");
    assert_has(f, "<dt>Escalation policy</dt><dd>default</dd>");
    /* acknowledged already: resolve and note, no acknowledge */
    assert_lacks(f, "/ack\"");
    /* the heading and the note box are blocks; only the buttons are a row (class actions);
     * the alert paragraph is not hidden, the stylesheet hides it while it is empty */
    assert_has(f, "<section class=\"act\" aria-labelledby=\"act-h\">\n<h2 id=\"act-h\">Act</h2>\n"
                  "<div class=\"actions\">\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/incidents/INC-1/resolve\">"
                  "Resolve</button>\n</div>\n"
                  "<label for=\"note-text\">Note</label>\n"
                  "<textarea id=\"note-text\" rows=\"3\" maxlength=\"4096\"></textarea>\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/incidents/INC-1/note\" "
                  "data-body-field=\"note-text\" data-body-key=\"text\">Add note</button>\n"
                  "<p role=\"alert\" class=\"error\"></p>\n</section>");
    assert_lacks(f, "<section class=\"actions\"");
    assert_lacks(f, " hidden>");
    /* the timeline, the hostile note escaped */
    assert_has(f, "<tr><td><time datetime=\"2026-06-01T10:00:00Z\">2026-06-01 10:00 UTC</time>"
                  "</td><td>opened</td><td><span class=\"muted\">stackward</span></td>"
                  "<td class=\"text\">CRITICAL: HTTP 503</td></tr>");
    assert_has(f, "<td>note</td><td>bob</td><td class=\"text\">" HOSTILE_ESC "</td>");
    assert_lacks(f, "<script>");
    assert_has(f, "<dt>Resolved</dt><dd><span class=\"muted\">not yet</span></dd>");
    assert_has(f, "<h2 id=\"nt-h\">Notifications</h2>\n<p>None were sent.</p>");
    assert_int_equal(render(f, "/incidents/1", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<h1>INC-1: ");

    /* triggered: an admin may acknowledge; its page went to alice */
    assert_int_equal(render(f, "/incidents/INC-3", SW_ROLE_ADMIN, NULL, now), 200);
    assert_has(f, "<h1>INC-3: CRITICAL: &lt;img src=x onerror=alert(1)&gt;</h1>");
    assert_has(f, "<title>INC-3: CRITICAL: &lt;img src=x onerror=alert(1)&gt; \u00b7 stackward"
                  "</title>");
    assert_has(f, "<div class=\"actions\">\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/incidents/INC-3/ack\">"
                  "Acknowledge</button>\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/incidents/INC-3/resolve\">"
                  "Resolve</button>\n</div>\n");
    assert_has(f, "<tr><td>trigger</td><td>round 1, step 2</td>"
                  "<td>alice (alice@example.com)</td><td>mail</td>"
                  "<td><span class=\"badge nt-pending\">\u25cb pending</span></td>"
                  "<td class=\"n\">0</td>"
                  "<td><time datetime=\"2026-06-01T12:00:00Z\">2026-06-01 12:00 UTC</time></td>"
                  "<td><span class=\"muted\">never</span></td><td></td></tr>");

    /* resolved: nothing to acknowledge or resolve, a note still */
    assert_int_equal(render(f, "/incidents/INC-2", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_lacks(f, "/ack\"");
    assert_lacks(f, "/resolve\"");
    assert_lacks(f, "<div class=\"actions\">"); /* no empty row of buttons */
    assert_has(f, "<h2 id=\"act-h\">Act</h2>\n<label for=\"note-text\">Note</label>");
    assert_has(f, "data-action=\"POST /api/v1/incidents/INC-2/note\"");
    assert_has(f, "<dt>Acknowledged</dt><dd><span class=\"muted\">never</span></dd>");
    assert_has(f, "<dt>Resolved</dt><dd><time datetime=\"2026-06-01T12:30:00Z\">2026-06-01 12:30 "
                  "UTC</time> by <span class=\"muted\">the service's recovery</span></dd>");

    /* unknown and malformed ids say only that nothing is here */
    /* a case's timer incident links to the case, not to a service */
    struct sw_incident ci = {.kind = SW_INC_CASE,
                             .service = "acme/cases/CASE-7",
                             .customer = "acme",
                             .deployment = "acme",
                             .title = "CASE-7: first response due",
                             .severity = 3,
                             .status = SW_INC_TRIGGERED,
                             .state = SW_WARNING,
                             .since = now,
                             .opened = now};
    struct sw_inc_change ch = {.inc = &ci};
    assert_int_equal(sw_store_incident_write(f->store, &ch, 1, NULL), 0);
    assert_int_equal(render(f, "/incidents/INC-4", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<dt>Service</dt><dd><a href=\"/cases/CASE-7\">acme/cases/CASE-7</a></dd>");

    assert_int_equal(render(f, "/incidents/INC-99", SW_ROLE_ENGINEER, NULL, now), 404);
    assert_has(f, "<p>There is nothing here.</p>");
    assert_int_equal(render(f, "/incidents/INC-x", SW_ROLE_ENGINEER, NULL, now), 404);
}

static void test_incident_roles(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-06-02T00:00:00Z");

    incidents(f);
    /* a viewer reads everything and gets no button */
    assert_int_equal(render(f, "/incidents/INC-3", SW_ROLE_VIEWER, NULL, now), 200);
    assert_has(f, "<h2 id=\"nt-h\">Notifications</h2>");
    assert_lacks(f, "data-action");
    assert_lacks(f, "<textarea");

    /* a customer sees its own incident, without the team's side of it */
    assert_int_equal(render(f, "/incidents/INC-1", SW_ROLE_CUSTOMER, "acme", now), 200);
    assert_lacks(f, "data-action");
    assert_lacks(f, "Notifications");
    assert_lacks(f, "Escalation policy");
    assert_lacks(f, "<td>note</td>");
    assert_has(f, "<td>opened</td>");
    assert_has(f, "<td>acknowledged</td><td>alice</td>");
    /* and nothing of another's */
    assert_int_equal(render(f, "/incidents/INC-2", SW_ROLE_CUSTOMER, "acme", now), 404);
    assert_lacks(f, "globex");
    assert_int_equal(render(f, "/incidents/INC-2", SW_ROLE_CUSTOMER, "globex", now), 200);
    assert_int_equal(render(f, "/incidents/INC-1", SW_ROLE_CUSTOMER, "globex", now), 404);
    /* a customer without a customer sees nothing */
    assert_int_equal(render(f, "/incidents/INC-1", SW_ROLE_CUSTOMER, NULL, now), 404);
    assert_int_equal(render(f, "/incidents", SW_ROLE_CUSTOMER, NULL, now), 404);
}

/* ---- cases ---- */

static const struct sw_actor alice = {.engineer = "alice"};
static const struct sw_actor acme = {.customer = "acme"};

static int64_t open_case(struct fx *f, const char *customer, const char *title, const char *at,
                         int64_t now)
{
    struct sw_case_new c = {.customer = customer, .severity = 1, .title = title, .at = utc(at)};
    int64_t id;

    sw_buf_reset(&f->err);
    if (sw_case_open(f->store, f->cfg, &alice, &c, now, &f->err, &id) < 0) {
        fail_msg("case: %s", f->err.data);
    }
    return id;
}

static void act(struct fx *f, const struct sw_actor *who, int64_t id, enum sw_case_verb verb,
                const char *text, enum sw_case_status status, const char *at, int64_t now)
{
    struct sw_case_action a = {.verb = verb, .text = text, .status = status, .at = utc(at)};

    sw_buf_reset(&f->err);
    if (sw_case_act(f->store, f->cfg, who, id, &a, now, &f->err) < 0) {
        fail_msg("act: %s", f->err.data);
    }
}

/* CASE-1 acme (first response warned), CASE-2 globex (no contract), CASE-3 acme (first
 * response breached), CASE-4 acme closed. */
static void cases(struct fx *f, int64_t now)
{
    assert_int_equal(open_case(f, "acme", "Nova API slow", "2026-11-02T08:00:00Z", now), 1);
    act(f, &alice, 1, SW_CASE_INTERNAL, "internal " HOSTILE, 0, "2026-11-02T08:10:00Z", now);
    act(f, &acme, 1, SW_CASE_COMMENT, "customer " HOSTILE, 0, "2026-11-02T08:20:00Z", now);
    act(f, &alice, 1, SW_CASE_ASSIGN, "bob", 0, "2026-11-02T08:21:00Z", now);
    assert_int_equal(open_case(f, "globex", "Web down", "2026-11-02T07:00:00Z", now), 2);
    assert_int_equal(open_case(f, "acme", "Cannot log in", "2026-11-02T06:00:00Z", now), 3);
    assert_int_equal(open_case(f, "acme", "Old question", "2026-11-01T06:00:00Z", now), 4);
    act(f, &alice, 4, SW_CASE_RESPOND, "Answered", 0, "2026-11-01T06:10:00Z", now);
    act(f, &alice, 4, SW_CASE_STATUS, NULL, SW_CASE_CLOSED, "2026-11-01T07:00:00Z", now);
}

static void test_case_list(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-02T08:50:00Z");

    cases(f, now);
    assert_int_equal(render(f, "/cases", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<tr><td><a href=\"/cases/CASE-1\">CASE-1</a></td><td>sev1</td>"
                  "<td><span class=\"badge case-new\">\u2605 new</span></td><td>acme</td>"
                  "<td>Nova API slow</td><td>bob</td>"
                  "<td><time datetime=\"2026-11-02T08:00:00Z\">2026-11-02 08:00 UTC</time></td>"
                  "<td><span class=\"timer timer-warning\">! warning</span>, due "
                  "<time datetime=\"2026-11-02T09:00:00Z\">2026-11-02 09:00 UTC</time></td>"
                  "<td><span class=\"timer timer-running\">\u25cb running</span>, due "
                  "<time datetime=\"2026-11-03T08:00:00Z\">2026-11-03 08:00 UTC</time></td></tr>");
    assert_has(f, "<td>Web down</td><td><span class=\"muted\">nobody</span></td>"
                  "<td><time datetime=\"2026-11-02T07:00:00Z\">2026-11-02 07:00 UTC</time></td>"
                  "<td><span class=\"muted\">no goal</span></td>"
                  "<td><span class=\"muted\">no goal</span></td></tr>");
    assert_has(f, "<td>Cannot log in</td><td><span class=\"muted\">nobody</span></td>"
                  "<td><time datetime=\"2026-11-02T06:00:00Z\">2026-11-02 06:00 UTC</time></td>"
                  "<td><span class=\"timer timer-breached\">\u2715 breached</span>, due "
                  "<time datetime=\"2026-11-02T07:00:00Z\">2026-11-02 07:00 UTC</time></td>");
    assert_has(f, "<td><span class=\"badge case-closed\">\u25a0 closed</span></td>");
    assert_has(f, "<td><span class=\"timer timer-met\">\u2713 met</span></td>"
                  "<td><span class=\"timer timer-met\">\u2713 met</span></td></tr>");

    args(f, "open", "true", "customer", "acme");
    assert_int_equal(render(f, "/cases", SW_ROLE_VIEWER, NULL, now), 200);
    assert_has(f, "<form class=\"filters\" method=\"get\" action=\"/cases\">\n"
                  "<div class=\"field\"><label for=\"f-status\">Status</label>\n");
    assert_has(f, "<option value=\"acme\" selected>acme</option>");
    assert_has(f, "</select></div>\n<div class=\"field check\"><input type=\"checkbox\" "
                  "id=\"f-open\" name=\"open\" value=\"true\" checked>"
                  "<label for=\"f-open\">Open only</label></div>\n");
    assert_has(f, "CASE-1</a>");
    assert_has(f, "CASE-3</a>");
    assert_lacks(f, "CASE-2</a>");
    assert_lacks(f, "CASE-4</a>");
    args(f, "status", "closed", NULL, NULL);
    assert_int_equal(render(f, "/cases", SW_ROLE_VIEWER, NULL, now), 200);
    assert_has(f, "CASE-4</a>");
    assert_lacks(f, "CASE-1</a>");
    assert_has(f, "<option value=\"closed\" selected>closed</option>");
    args(f, "status", "pending", NULL, NULL);
    assert_int_equal(render(f, "/cases", SW_ROLE_VIEWER, NULL, now), 400);
    assert_has(f, "status must be new, open, waiting-on-customer, resolved or closed");
    args(f, "open", "1", NULL, NULL);
    assert_int_equal(render(f, "/cases", SW_ROLE_VIEWER, NULL, now), 400);

    /* a customer lists its own */
    args(f, NULL, NULL, NULL, NULL);
    assert_int_equal(render(f, "/cases", SW_ROLE_CUSTOMER, "acme", now), 200);
    assert_has(f, "CASE-1</a>");
    assert_lacks(f, "CASE-2");
    assert_lacks(f, "globex");
    args(f, "customer", "globex", NULL, NULL);
    assert_int_equal(render(f, "/cases", SW_ROLE_CUSTOMER, "acme", now), 404);
}

static void test_case_detail(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-02T08:50:00Z");

    cases(f, now);
    assert_int_equal(render(f, "/cases/CASE-1", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<h1>CASE-1: Nova API slow</h1>");
    assert_has(f, "<dt>Assignee</dt><dd>bob</dd>");
    assert_has(f, "<tr><th scope=\"row\">First response</th><td class=\"n\">1h</td>"
                  "<td class=\"n\">50m</td><td class=\"n\">10m</td>"
                  "<td><span class=\"timer timer-warning\">! warning</span>, due "
                  "<time datetime=\"2026-11-02T09:00:00Z\">2026-11-02 09:00 UTC</time></td></tr>");
    assert_has(f, "<tr class=\"internal\"><td><time datetime=\"2026-11-02T08:10:00Z\">"
                  "2026-11-02 08:10 UTC</time></td><td>internal note</td><td>alice</td>"
                  "<td class=\"text\">internal " HOSTILE_ESC "</td></tr>");
    assert_has(f, "<td>customer reply</td><td>customer</td>"
                  "<td class=\"text\">customer " HOSTILE_ESC "</td></tr>");
    assert_has(f, "<td>assigned</td><td>alice</td><td class=\"text\">bob</td>");
    assert_lacks(f, "<script>");
    /* the section is a column; each row of controls (class actions) sits under its label */
    assert_has(f, "<section class=\"act\" aria-labelledby=\"act-h\">\n"
                  "<h2 id=\"act-h\">Work this case</h2>\n<p>Both are shown");
    assert_lacks(f, "<section class=\"actions\"");
    assert_has(f, "<textarea id=\"reply-text\" rows=\"4\" maxlength=\"65536\"></textarea>\n"
                  "<div class=\"actions\">\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/cases/CASE-1/respond\" "
                  "data-body-field=\"reply-text\" data-body-key=\"text\">Respond</button>\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/cases/CASE-1/comment\" "
                  "data-body-field=\"reply-text\" data-body-key=\"text\">Comment</button>\n"
                  "</div>\n");
    assert_has(f, "<label for=\"case-status\">Status</label>\n"
                  "<div class=\"actions\"><select id=\"case-status\">"
                  "<option value=\"new\" selected>new</option>"
                  "<option value=\"open\">open</option>"
                  "<option value=\"waiting-on-customer\">waiting-on-customer</option>");
    assert_has(f, "</select>\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/cases/CASE-1/status\" "
                  "data-body-field=\"case-status\" data-body-key=\"status\">Change status"
                  "</button>\n</div>\n<label for=\"case-assignee\">Assignee</label>\n"
                  "<div class=\"actions\"><select id=\"case-assignee\">");
    assert_has(f, "<option value=\"alice\">Alice Smith</option><option value=\"bob\" selected>"
                  "bob</option>");
    assert_has(f, "data-body-field=\"case-assignee\" data-body-key=\"engineer\">Assign</button>\n"
                  "</div>\n<p role=\"alert\" class=\"error\"></p>\n</section>");

    /* closed: only the status can change */
    assert_int_equal(render(f, "/cases/CASE-4", SW_ROLE_ADMIN, NULL, now), 200);
    assert_has(f, "<p>The case is closed: change its status to re-open it.</p>");
    assert_lacks(f, "reply-text");
    assert_lacks(f, "/assign\"");
    assert_has(f, "/api/v1/cases/CASE-4/status\"");

    /* no contract, no timers */
    assert_int_equal(render(f, "/cases/2", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<p>The contract sets no goals for this case.</p>");

    assert_int_equal(render(f, "/cases/CASE-99", SW_ROLE_ENGINEER, NULL, now), 404);
    assert_int_equal(render(f, "/cases/CASE-", SW_ROLE_ENGINEER, NULL, now), 404);
}

static void test_case_roles(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-02T08:50:00Z");

    cases(f, now);
    assert_int_equal(render(f, "/cases/CASE-1", SW_ROLE_VIEWER, NULL, now), 200);
    assert_lacks(f, "data-action");
    assert_lacks(f, "<select id=\"case-status\"");
    assert_has(f, "internal note"); /* a viewer is of the team */

    /* the customer: its own case, no internal comment, a comment box and nothing else */
    assert_int_equal(render(f, "/cases/CASE-1", SW_ROLE_CUSTOMER, "acme", now), 200);
    assert_lacks(f, "internal");
    assert_has(f, "customer " HOSTILE_ESC);
    assert_has(f, "<label for=\"comment-text\">Comment</label>\n"
                  "<textarea id=\"comment-text\" rows=\"4\" maxlength=\"65536\"></textarea>\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/cases/CASE-1/comment\" "
                  "data-body-field=\"comment-text\" data-body-key=\"text\">Add comment</button>\n"
                  "<p role=\"alert\" class=\"error\"></p>");
    assert_lacks(f, "/respond\"");
    assert_lacks(f, "/status\"");
    assert_lacks(f, "/assign\"");
    /* its closed case takes no comment */
    assert_int_equal(render(f, "/cases/CASE-4", SW_ROLE_CUSTOMER, "acme", now), 200);
    assert_lacks(f, "data-action");
    /* another customer's case does not exist for it */
    assert_int_equal(render(f, "/cases/CASE-2", SW_ROLE_CUSTOMER, "acme", now), 404);
    assert_lacks(f, "Web down");
    assert_int_equal(render(f, "/cases/CASE-1", SW_ROLE_CUSTOMER, "globex", now), 404);
}

/* ---- on call ---- */

static void test_oncall(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-12-22T12:00:00Z"); /* a Tuesday: alice's week */

    assert_int_equal(render(f, "/oncall", SW_ROLE_VIEWER, NULL, now), 200);
    assert_has(f, "<h2 id=\"rot-0\">primary</h2>\n<p>Time zone: Europe/Berlin</p>\n"
                  "<p class=\"now\">On call now: <strong>Alice Smith <span class=\"muted\">"
                  "(alice)</span></strong> until <time datetime=\"2026-12-23T23:00:00Z\">"
                  "Thu 2026-12-24 00:00 CET</time></p>");
    assert_has(f, "<caption>Shifts of the next 7 days</caption>");
    assert_has(f, "<tr class=\"current\"><td><time datetime=\"2026-12-21T08:00:00Z\">"
                  "Mon 2026-12-21 09:00 CET</time></td><td><time datetime=\"2026-12-23T23:00:00Z\">"
                  "Thu 2026-12-24 00:00 CET</time></td><td>Alice Smith <span class=\"muted\">"
                  "(alice)</span> <strong>(now)</strong></td></tr>");
    assert_has(f, "<tr><td><time datetime=\"2026-12-23T23:00:00Z\">Thu 2026-12-24 00:00 CET"
                  "</time></td><td><time datetime=\"2026-12-26T23:00:00Z\">"
                  "Sun 2026-12-27 00:00 CET</time></td><td>Carol Jones <span class=\"muted\">"
                  "(carol)</span> <span class=\"badge override\">\u21c4 override</span></td></tr>");
    assert_has(f, "<tr><td><time datetime=\"2026-12-26T23:00:00Z\">Sun 2026-12-27 00:00 CET"
                  "</time></td><td><time datetime=\"2026-12-28T08:00:00Z\">"
                  "Mon 2026-12-28 09:00 CET</time></td><td>Alice Smith");
    assert_has(f, "<tr><td><time datetime=\"2026-12-28T08:00:00Z\">Mon 2026-12-28 09:00 CET"
                  "</time></td><td><time datetime=\"2027-01-04T08:00:00Z\">"
                  "Mon 2027-01-04 09:00 CET</time></td><td>bob</td></tr>\n</tbody>");
    /* a rotation that has not started */
    assert_has(f, "<h2 id=\"rot-1\">later</h2>\n<p>Time zone: America/New_York</p>\n"
                  "<p class=\"now\">Nobody is on call yet: the rotation starts "
                  "<time datetime=\"2027-03-01T13:00:00Z\">Mon 2027-03-01 08:00 EST</time>.</p>\n"
                  "<p>No shifts in the next 7 days.</p>");

    /* one day ahead: the override is out of sight */
    args(f, "days", "1", NULL, NULL);
    assert_int_equal(render(f, "/oncall", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<caption>Shifts of the next 1 day</caption>");
    assert_lacks(f, "override");
    args(f, "days", "32", NULL, NULL);
    assert_int_equal(render(f, "/oncall", SW_ROLE_ENGINEER, NULL, now), 400);
    assert_has(f, "days must be a whole number from 1 to 31");
    args(f, "days", "-3", NULL, NULL);
    assert_int_equal(render(f, "/oncall", SW_ROLE_ENGINEER, NULL, now), 400);
    args(f, "days", "7x", NULL, NULL);
    assert_int_equal(render(f, "/oncall", SW_ROLE_ENGINEER, NULL, now), 400);

    args(f, NULL, NULL, NULL, NULL);
    assert_int_equal(render(f, "/oncall", SW_ROLE_CUSTOMER, "acme", now), 404);
    assert_lacks(f, "alice");
}

/* ---- team health ---- */

static void test_health_access(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-15T00:00:00Z");

    assert_int_equal(render(f, "/health", SW_ROLE_CUSTOMER, "acme", now), 404);
    assert_lacks(f, "Team health");
    assert_int_equal(render(f, "/health", SW_ROLE_VIEWER, NULL, now), 200);
    assert_has(f, "<h1>Team health</h1>");
    assert_has(f, "<label for=\"month\">Month</label>");
    args(f, "month", "2026-10", NULL, NULL);
    assert_int_equal(render(f, "/health", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "name=\"month\" pattern=\"[0-9]{4}-[0-9]{2}\" placeholder=\"YYYY-MM\" "
                  "value=\"2026-10\">");
    args(f, "month", "2026-13", NULL, NULL);
    assert_int_equal(render(f, "/health", SW_ROLE_ENGINEER, NULL, now), 400);
    assert_has(f, "month must be YYYY-MM, such as 2026-06");
    args(f, "month", "2026-1", NULL, NULL);
    assert_int_equal(render(f, "/health", SW_ROLE_ENGINEER, NULL, now), 400);
    args(f, "month", "<b>", NULL, NULL);
    assert_int_equal(render(f, "/health", SW_ROLE_ENGINEER, NULL, now), 400);
    assert_lacks(f, "<b>");
    args(f, "month", "2026-12", NULL, NULL);
    assert_int_equal(render(f, "/health", SW_ROLE_ADMIN, NULL, now), 400);
    assert_has(f, "month is in the future");
}

/* The indicators as `stackward health` computes them, from the cases of cases(): three open
 * at the end of the last 30 days, none in the 30 days before. */
static void test_health_table(void **state)
{
    struct fx *f = *state;
    int64_t now = utc("2026-11-02T08:50:00Z");

    cases(f, now);
    assert_int_equal(render(f, "/health", SW_ROLE_VIEWER, NULL, now), 200);
    assert_has(f, "<p>From <time datetime=\"2026-10-03T08:50:00Z\">2026-10-03 08:50 UTC</time> "
                  "to <time datetime=\"2026-11-02T08:50:00Z\">2026-11-02 08:50 UTC</time>, "
                  "compared with the period before, from <time datetime=\"2026-09-03T08:50:00Z\">"
                  "2026-09-03 08:50 UTC</time> to <time datetime=\"2026-10-03T08:50:00Z\">"
                  "2026-10-03 08:50 UTC</time>.</p>");
    assert_has(f, "<tr><th scope=\"row\">Time to acknowledge (median) <code>mtta</code></th>"
                  "<td class=\"n\"><span class=\"muted\">no data</span></td>"
                  "<td class=\"n\"><span class=\"muted\">no data</span></td>"
                  "<td><span class=\"hs hs-none\">\u2013 no data</span></td>"
                  "<td><span class=\"trend trend-none\">\u2013 none</span></td></tr>");
    /* CASE-4 met its first response, CASE-3 missed it; CASE-1 is still running */
    assert_has(f, "<tr><th scope=\"row\">Cases with first response in time "
                  "<code>first_response_compliance</code></th><td class=\"n\">50.0%</td>"
                  "<td class=\"n\"><span class=\"muted\">no data</span></td>"
                  "<td><span class=\"hs hs-red\">\u25b2 red</span></td>"
                  "<td><span class=\"trend trend-none\">\u2013 none</span></td></tr>");
    /* CASE-1, -2 and -3 are open, none was before: 3 against 0 moves by more than 2 */
    assert_has(f, "<tr><th scope=\"row\">Open cases <code>backlog_size</code></th>"
                  "<td class=\"n\">3</td><td class=\"n\">0</td>"
                  "<td><span class=\"hs hs-green\">\u25cf green</span></td>"
                  "<td><span class=\"trend trend-worse\">\u2191 up (worse)</span></td></tr>");
    /* the oldest of the three, opened at 06:00, at the period's last second */
    assert_has(f, "<code>backlog_age</code></th><td class=\"n\">2h49m59s</td>");

    args(f, "month", "2026-10", NULL, NULL);
    assert_int_equal(render(f, "/health", SW_ROLE_ENGINEER, NULL, now), 200);
    assert_has(f, "<p>From <time datetime=\"2026-10-01T00:00:00Z\">2026-10-01 00:00 UTC</time> "
                  "to <time datetime=\"2026-11-01T00:00:00Z\">2026-11-01 00:00 UTC</time>, ");
    assert_has(f, "<code>backlog_size</code></th><td class=\"n\">0</td>");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_incident_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident_list_customer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident_detail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_detail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oncall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_table, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
