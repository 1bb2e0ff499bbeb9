/* SPDX-License-Identifier: Apache-2.0 */
/* incidents.c: the incident pages of the web UI. /incidents lists them newest first, filtered
 * by the query arguments status, customer and open=true; /incidents/INC-3 shows one with its
 * timeline, its notifications and, for those who may act (engineers and admins), buttons that
 * acknowledge, resolve or add a note: the page script posts them to the API
 * (POST /api/v1/incidents/INC-3/ack, /resolve, /note), which acts as the signed-in engineer.
 * A customer sees its own customer's incidents only (any other is a 404) and not the team's
 * side of them: notifications, escalation, notes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "incident/incident.h"
#include "web/web_int.h"

#define LIST_MAX 200 /* incidents on the list page: the newest that match */

static const char *arg(const struct sw_web_req *r, const char *name)
{
    const char *v = r->arg ? r->arg(r->arg_ctx, name) : NULL;

    /* a form's "any" choice sends the argument empty: the same as leaving it out */
    return v && *v ? v : NULL;
}

static bool may_act(const struct sw_web_req *r)
{
    return !r->public_view && (r->role == SW_ROLE_ADMIN || r->role == SW_ROLE_ENGINEER);
}

/* An incident's status by shape and text as well as colour. */
static void status_badge(struct sw_buf *b, enum sw_inc_status s)
{
    static const char *const tag[] = {
        [SW_INC_TRIGGERED] = "<span class=\"badge inc-triggered\">\u25b2 triggered</span>",
        [SW_INC_ACKNOWLEDGED] = "<span class=\"badge inc-acknowledged\">\u25c6 acknowledged</span>",
        [SW_INC_RECOVERED] = "<span class=\"badge inc-recovered\">\u25bd recovered</span>",
        [SW_INC_RESOLVED] = "<span class=\"badge inc-resolved\">\u2713 resolved</span>",
    };

    if ((unsigned)s < SW_INC_STATUS_COUNT) {
        sw_buf_puts(b, tag[s]);
    }
}

static void notif_badge(struct sw_buf *b, enum sw_notif_status s)
{
    static const char *const tag[] = {
        [SW_NOTIF_PENDING] = "<span class=\"badge nt-pending\">\u25cb pending</span>",
        [SW_NOTIF_SENT] = "<span class=\"badge nt-sent\">\u2713 sent</span>",
        [SW_NOTIF_FAILED] = "<span class=\"badge nt-failed\">\u2715 failed</span>",
        [SW_NOTIF_CANCELLED] = "<span class=\"badge nt-cancelled\">\u2013 cancelled</span>",
    };

    if ((unsigned)s <= SW_NOTIF_CANCELLED) {
        sw_buf_puts(b, tag[s]);
    }
}

/* A span of s seconds ("2m30s"); s < 0 when unknown: "none" once the incident is resolved,
 * "not yet" while it is open. */
static void duration(struct sw_buf *b, const struct sw_incident *x, int64_t s)
{
    char d[32];

    if (s < 0) {
        sw_buf_printf(b, "<span class=\"muted\">%s</span>",
                      x->status == SW_INC_RESOLVED ? "none" : "not yet");
        return;
    }
    sw_buf_puts(b, sw_duration_format(s * 1000, d));
}

/* A step's time, or the same words as duration() when it has not happened. */
static void when(struct sw_buf *b, const struct sw_incident *x, int64_t t)
{
    if (t > 0) {
        sw_web_time(b, t);
    } else {
        sw_buf_printf(b, "<span class=\"muted\">%s</span>",
                      x->status == SW_INC_RESOLVED ? "never" : "not yet");
    }
}

/* Text, or a muted word when there is none. */
static void text_or(struct sw_buf *b, const char *s, const char *none)
{
    if (s && *s) {
        sw_web_esc(b, s);
    } else {
        sw_buf_printf(b, "<span class=\"muted\">%s</span>", none);
    }
}

/* The incident's service; a case's timer incident ("acme/cases/CASE-7") links to the case. */
static void service_link(struct sw_buf *b, const struct sw_incident *x)
{
    const char *c = x->kind == SW_INC_CASE && x->service ? strstr(x->service, "/cases/") : NULL;

    if (c) {
        sw_buf_puts(b, "<a href=\"/cases/");
        sw_web_esc(b, c + strlen("/cases/"));
    } else {
        sw_buf_puts(b, "<a href=\"/services/");
        sw_web_esc(b, x->service);
    }
    sw_buf_puts(b, "\">");
    sw_web_esc(b, x->service);
    sw_buf_puts(b, "</a>");
}

static void incident_link(struct sw_buf *b, int64_t id)
{
    char name[24];

    sw_inc_name(id, name);
    sw_buf_printf(b, "<a href=\"/incidents/%s\">%s</a>", name, name);
}

/* The filter form of the list (plain GET, so a filtered list is a link to share). */
static void filter_form(struct sw_buf *b, const struct sw_web_req *r, const char *status,
                        const char *customer, bool open)
{
    const char *names[SW_INC_STATUS_COUNT];

    for (int i = 0; i < SW_INC_STATUS_COUNT; i++) {
        names[i] = sw_inc_status_name((enum sw_inc_status)i);
    }
    sw_web_filter_form(b, r, "/incidents", names, SW_INC_STATUS_COUNT, status, customer, open);
}

static void list_row(struct sw_buf *b, const struct sw_incident *x)
{
    sw_buf_puts(b, "<tr><td>");
    incident_link(b, x->id);
    sw_buf_printf(b, "</td><td>sev%d</td><td>", x->severity);
    status_badge(b, x->status);
    sw_buf_puts(b, "</td><td>");
    service_link(b, x);
    sw_buf_puts(b, "</td><td>");
    sw_web_esc(b, x->title);
    sw_buf_puts(b, "</td><td>");
    sw_web_time(b, x->opened);
    sw_buf_puts(b, "</td><td>");
    text_or(b, x->acked_by, "none");
    sw_buf_puts(b, "</td><td class=\"n\">");
    duration(b, x, sw_incident_mtta(x));
    sw_buf_puts(b, "</td><td class=\"n\">");
    duration(b, x, sw_incident_mttr(x));
    sw_buf_puts(b, "</td></tr>\n");
}

int sw_web_page_incidents(const struct sw_web_req *r, struct sw_buf *out)
{
    const char *status = arg(r, "status"), *customer = arg(r, "customer"), *open = arg(r, "open");
    struct sw_inc_filter f = {.newest_first = true, .limit = LIST_MAX + 1};
    struct sw_incident *v = NULL;
    enum sw_inc_status want = SW_INC_TRIGGERED;
    size_t n = 0, shown = 0;
    bool more = false;
    int r2;

    if (r->public_view || !r->cfg || !r->store) {
        return sw_web_not_found(r, out);
    }
    if (status && sw_inc_status_parse(status, &want) < 0) {
        return sw_web_bad_request(
            r, "status must be triggered, acknowledged, recovered or resolved", out);
    }
    if (open && strcmp(open, "true") != 0 && strcmp(open, "false") != 0) {
        return sw_web_bad_request(r, "open must be true or false", out);
    }
    if (r->role == SW_ROLE_CUSTOMER) {
        /* a customer's list is its own, whatever the address asks for */
        if (customer && !sw_web_may_see(r, customer)) {
            return sw_web_not_found(r, out);
        }
        customer = r->customer;
    }
    if (!customer && r->role == SW_ROLE_CUSTOMER) {
        return sw_web_not_found(r, out);
    }
    if (customer && !sw_config_find_customer(r->cfg, customer)) {
        return sw_web_not_found(r, out);
    }
    f.customer = customer;
    f.open_only = (open && strcmp(open, "true") == 0) || (status && want != SW_INC_RESOLVED);
    if (status) {
        f.limit = 0; /* the status is filtered here: read them all, show the newest */
    }
    r2 = sw_store_incident_list(r->store, &f, &v, &n);

    sw_web_head(out, r, "Incidents", "incidents");
    filter_form(out, r, status, customer, open && strcmp(open, "true") == 0);
    if (r2 < 0) {
        sw_buf_puts(out, "<p class=\"error\">The incidents cannot be read now: "
                         "the store failed.</p>\n");
        goto out;
    }
    sw_buf_puts(out, "<table class=\"list incidents\">\n<thead><tr><th scope=\"col\">Incident</th>"
                     "<th scope=\"col\">Severity</th><th scope=\"col\">Status</th>"
                     "<th scope=\"col\">Service</th><th scope=\"col\">Title</th>"
                     "<th scope=\"col\">Opened</th><th scope=\"col\">Acknowledged by</th>"
                     "<th scope=\"col\" class=\"n\"><abbr title=\"time to acknowledge\">MTTA"
                     "</abbr></th><th scope=\"col\" class=\"n\"><abbr title=\"time to resolve\">"
                     "MTTR</abbr></th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        if (status && v[i].status != want) {
            continue;
        }
        if (shown == LIST_MAX) {
            more = true;
            break;
        }
        list_row(out, &v[i]);
        shown++;
    }
    sw_buf_puts(out, "</tbody>\n</table>\n");
    if (shown == 0) {
        sw_buf_puts(out, "<p>No incidents match.</p>\n");
    } else if (more) {
        sw_buf_printf(out, "<p class=\"muted\">Only the newest %d are shown.</p>\n", LIST_MAX);
    }
out:
    sw_web_foot(out, r);
    sw_incidents_free(v, n);
    return 200;
}

/* Timeline kinds a customer sees: what happened to its service and who took it on, not how
 * the team was paged nor what it noted for itself. */
static bool public_event(const char *kind)
{
    static const char *const kinds[] = {"opened",   "acknowledged", "state",    "recovered",
                                        "resolved", "reopened",     "attached", "detached"};

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (kind && strcmp(kind, kinds[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void facts(struct sw_buf *b, const struct sw_web_req *r, const struct sw_incident *x)
{
    sw_buf_puts(b, "<dl class=\"facts\">\n<dt>Status</dt><dd>");
    status_badge(b, x->status);
    sw_buf_printf(b, "</dd>\n<dt>Severity</dt><dd>sev%d</dd>\n<dt>Service</dt><dd>", x->severity);
    service_link(b, x);
    sw_buf_puts(b, "</dd>\n<dt>Service state</dt><dd>");
    sw_web_state(b, x->state);
    sw_buf_puts(b, " since ");
    sw_web_time(b, x->since);
    sw_buf_puts(b, "</dd>\n");
    if (x->output) {
        sw_buf_puts(b, "<dt>Output</dt><dd><pre class=\"output\">");
        sw_web_esc(b, x->output);
        sw_buf_puts(b, "</pre></dd>\n");
    }
    sw_buf_puts(b, "<dt>Opened</dt><dd>");
    sw_web_time(b, x->opened);
    sw_buf_puts(b, "</dd>\n<dt>Acknowledged</dt><dd>");
    when(b, x, x->acked);
    if (x->acked_by) {
        sw_buf_puts(b, " by ");
        sw_web_esc(b, x->acked_by);
    }
    sw_buf_puts(b, "</dd>\n<dt>Recovered</dt><dd>");
    when(b, x, x->recovered);
    sw_buf_puts(b, "</dd>\n<dt>Resolved</dt><dd>");
    when(b, x, x->resolved);
    if (x->resolved) {
        sw_buf_puts(b, " by ");
        text_or(b, x->resolved_by, "the service's recovery");
    }
    sw_buf_puts(b, "</dd>\n<dt><abbr title=\"time to acknowledge\">MTTA</abbr></dt><dd>");
    duration(b, x, sw_incident_mtta(x));
    sw_buf_puts(b, "</dd>\n<dt><abbr title=\"time to resolve\">MTTR</abbr></dt><dd>");
    duration(b, x, sw_incident_mttr(x));
    sw_buf_puts(b, "</dd>\n");
    if (x->parent) {
        sw_buf_puts(b, "<dt>Attached to</dt><dd>");
        incident_link(b, x->parent);
        sw_buf_puts(b, "</dd>\n");
    }
    if (x->reopened) {
        sw_buf_printf(b, "<dt>Re-opened</dt><dd>%d time%s</dd>\n", x->reopened,
                      x->reopened == 1 ? "" : "s");
    }
    if (r->role != SW_ROLE_CUSTOMER) {
        sw_buf_puts(b, "<dt>Escalation policy</dt><dd>");
        text_or(b, x->policy, "none: nobody is paged");
        sw_buf_puts(b, "</dd>\n");
    }
    sw_buf_puts(b, "</dl>\n");
}

/* The buttons; the page script posts them with the session's CSRF token and reloads, or
 * shows the API's message in the alert paragraph (hidden by the stylesheet while empty). Only
 * the row of buttons is laid out as a row: the heading and the note box stay blocks. */
static void actions(struct sw_buf *b, const struct sw_incident *x, const char *name)
{
    sw_buf_puts(b, "<section class=\"act\" aria-labelledby=\"act-h\">\n"
                   "<h2 id=\"act-h\">Act</h2>\n");
    if (x->status != SW_INC_RESOLVED) {
        sw_buf_puts(b, "<div class=\"actions\">\n");
        if (!x->acked) {
            sw_buf_printf(b,
                          "<button type=\"button\" data-action=\"POST /api/v1/incidents/%s/ack\">"
                          "Acknowledge</button>\n",
                          name);
        }
        sw_buf_printf(b,
                      "<button type=\"button\" data-action=\"POST /api/v1/incidents/%s/resolve\">"
                      "Resolve</button>\n</div>\n",
                      name);
    }
    sw_buf_printf(b,
                  "<label for=\"note-text\">Note</label>\n"
                  "<textarea id=\"note-text\" rows=\"3\" maxlength=\"4096\"></textarea>\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/incidents/%s/note\" "
                  "data-body-field=\"note-text\" data-body-key=\"text\">Add note</button>\n"
                  "<p role=\"alert\" class=\"error\"></p>\n</section>\n",
                  name);
}

static void timeline(struct sw_buf *b, const struct sw_web_req *r, const struct sw_inc_event *ev,
                     size_t n)
{
    size_t shown = 0;

    sw_buf_puts(b, "<section aria-labelledby=\"tl-h\">\n<h2 id=\"tl-h\">Timeline</h2>\n"
                   "<table class=\"list timeline\">\n<thead><tr><th scope=\"col\">Time</th>"
                   "<th scope=\"col\">Event</th><th scope=\"col\">Who</th>"
                   "<th scope=\"col\">Details</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        if (r->role == SW_ROLE_CUSTOMER && !public_event(ev[i].kind)) {
            continue;
        }
        sw_buf_puts(b, "<tr><td>");
        sw_web_time(b, ev[i].t);
        sw_buf_puts(b, "</td><td>");
        sw_web_esc(b, ev[i].kind);
        sw_buf_puts(b, "</td><td>");
        text_or(b, ev[i].actor, "stackward");
        sw_buf_puts(b, "</td><td class=\"text\">");
        sw_web_esc(b, ev[i].text);
        sw_buf_puts(b, "</td></tr>\n");
        shown++;
    }
    sw_buf_puts(b, "</tbody>\n</table>\n");
    if (!shown) {
        sw_buf_puts(b, "<p>Nothing recorded yet.</p>\n");
    }
    sw_buf_puts(b, "</section>\n");
}

static void notifications(struct sw_buf *b, const struct sw_notification *nt, size_t n)
{
    sw_buf_puts(b, "<section aria-labelledby=\"nt-h\">\n<h2 id=\"nt-h\">Notifications</h2>\n");
    if (!n) {
        sw_buf_puts(b, "<p>None were sent.</p>\n</section>\n");
        return;
    }
    sw_buf_puts(b, "<table class=\"list notifications\">\n<thead><tr><th scope=\"col\">Kind</th>"
                   "<th scope=\"col\">Step</th><th scope=\"col\">To</th>"
                   "<th scope=\"col\">Channel</th><th scope=\"col\">Status</th>"
                   "<th scope=\"col\" class=\"n\">Attempts</th><th scope=\"col\">Queued</th>"
                   "<th scope=\"col\">Sent</th><th scope=\"col\">Error</th></tr></thead>\n"
                   "<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const struct sw_notification *x = &nt[i];
        sw_buf_printf(b, "<tr><td>%s</td><td>",
                      x->kind == SW_NOTIF_RESOLVED ? "resolved" : "trigger");
        if (x->round >= 0) {
            /* counted from 1, as the API shows them */
            sw_buf_printf(b, "round %d, step %d", x->round + 1, x->step + 1);
        } else {
            sw_buf_puts(b, "<span class=\"muted\">none</span>");
        }
        sw_buf_puts(b, "</td><td>");
        text_or(b, x->engineer, "the channel");
        if (x->address) {
            sw_buf_puts(b, " (");
            sw_web_esc(b, x->address);
            sw_buf_puts(b, ")");
        }
        sw_buf_puts(b, "</td><td>");
        sw_web_esc(b, x->channel);
        sw_buf_puts(b, "</td><td>");
        notif_badge(b, x->status);
        sw_buf_printf(b, "</td><td class=\"n\">%d</td><td>", x->attempts);
        sw_web_time(b, x->created);
        sw_buf_puts(b, "</td><td>");
        sw_web_time(b, x->sent);
        sw_buf_puts(b, "</td><td>");
        sw_web_esc(b, x->error);
        sw_buf_puts(b, "</td></tr>\n");
    }
    sw_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

int sw_web_page_incident(const struct sw_web_req *r, const char *id, struct sw_buf *out)
{
    struct sw_incident x = {0};
    struct sw_inc_event *ev = NULL;
    struct sw_notification *nt = NULL;
    size_t n_ev = 0, n_nt = 0;
    char name[24];
    char *title;
    int64_t num;
    int r2;

    if (r->public_view || !r->store || sw_inc_parse_name(id, &num) < 0) {
        return sw_web_not_found(r, out);
    }
    r2 = sw_store_incident_get(r->store, num, &x);
    if (r2 < 0 || !sw_web_may_see(r, x.customer)) {
        /* a store failure tells as little as a missing or hidden incident */
        sw_incident_release(&x);
        return sw_web_not_found(r, out);
    }
    sw_inc_name(x.id, name);
    r2 = sw_store_incident_events(r->store, x.id, &ev, &n_ev);
    if (r2 == 0 && r->role != SW_ROLE_CUSTOMER) {
        r2 = sw_store_incident_notifications(r->store, x.id, &nt, &n_nt);
    }

    title = sw_xasprintf("%s: %s", name, x.title ? x.title : "");
    sw_web_head(out, r, title, "incidents");
    free(title);
    facts(out, r, &x);
    if (may_act(r)) {
        actions(out, &x, name);
    }
    if (r2 < 0) {
        sw_buf_puts(out, "<p class=\"error\">The timeline cannot be read now: "
                         "the store failed.</p>\n");
    } else {
        timeline(out, r, ev, n_ev);
        if (r->role != SW_ROLE_CUSTOMER) {
            notifications(out, nt, n_nt);
        }
    }
    sw_web_foot(out, r);
    sw_inc_events_free(ev, n_ev);
    sw_notifications_free(nt, n_nt);
    sw_incident_release(&x);
    return 200;
}
