/* SPDX-License-Identifier: Apache-2.0 */
/* cases.c: the support-case pages of the web UI. /cases lists them newest first (query
 * arguments customer, status and open=true) with their contract timers (first response and
 * resolution: due, warning, breached, met); /cases/CASE-7 shows one with its timers, its
 * history and, for the team (engineers and admins), a reply box (respond, comment), a status
 * change and an assignment, posted by the page script to the API
 * (POST /api/v1/cases/CASE-7/respond, /comment, /status, /assign). A customer sees its own
 * cases only (any other is a 404), never the internal comments, and may comment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "support/support.h"
#include "web/web_int.h"

#define LIST_MAX 200 /* cases on the list page: the newest that match */

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

/* A case's status by shape and text as well as colour. */
static void status_badge(struct sw_buf *b, int s)
{
    static const char *const shape[] = {
        [SW_CASE_NEW] = "\u2605",      [SW_CASE_OPEN] = "\u25cf",   [SW_CASE_WAITING] = "\u2016",
        [SW_CASE_RESOLVED] = "\u2713", [SW_CASE_CLOSED] = "\u25a0",
    };
    static const char *const cls[] = {
        [SW_CASE_NEW] = "new",           [SW_CASE_OPEN] = "open",     [SW_CASE_WAITING] = "waiting",
        [SW_CASE_RESOLVED] = "resolved", [SW_CASE_CLOSED] = "closed",
    };

    if (s >= 0 && s < SW_CASE_STATUS_COUNT) {
        sw_buf_printf(b, "<span class=\"badge case-%s\">%s %s</span>", cls[s], shape[s],
                      sw_case_status_name((enum sw_case_status)s));
    }
}

static void text_or(struct sw_buf *b, const char *s, const char *none)
{
    if (s && *s) {
        sw_web_esc(b, s);
    } else {
        sw_buf_printf(b, "<span class=\"muted\">%s</span>", none);
    }
}

static void case_link(struct sw_buf *b, int64_t id)
{
    char name[24];

    sw_case_name(id, name);
    sw_buf_printf(b, "<a href=\"/cases/%s\">%s</a>", name, name);
}

/* Where one timer stands, by shape and text: breached, paused, warning, running, met. */
static void timer_state(struct sw_buf *b, const struct sw_case_timers *tm, int m)
{
    const struct sw_case_timer *t = &tm->t[m];
    const struct sw_case_cycle *cy = t->n_cycles ? &t->cycles[t->n_cycles - 1] : NULL;

    if (!tm->have[m] || !cy) {
        sw_buf_puts(b, "<span class=\"muted\">no goal</span>");
        return;
    }
    if (cy->breached) {
        sw_buf_puts(b, "<span class=\"timer timer-breached\">\u2715 breached</span>");
    } else if (cy->running && cy->paused) {
        sw_buf_puts(b, "<span class=\"timer timer-paused\">\u2016 paused</span>");
    } else if (cy->running && cy->warned) {
        sw_buf_puts(b, "<span class=\"timer timer-warning\">! warning</span>");
    } else if (cy->running) {
        sw_buf_puts(b, "<span class=\"timer timer-running\">\u25cb running</span>");
    } else {
        sw_buf_puts(b, "<span class=\"timer timer-met\">\u2713 met</span>");
    }
    if (cy->running) {
        sw_buf_puts(b, ", due ");
        sw_web_time(b, cy->due);
    }
}

/* The events of case c and its timers at r->now: 1 with both (release tm), 0 with the events
 * only (the contract could not be applied), -EIO when the events cannot be read. */
static int case_timers(const struct sw_web_req *r, const struct sw_case_row *c,
                       struct sw_case_event_row **ret_ev, size_t *ret_n, struct sw_case_timers *tm)
{
    if (sw_store_case_events(r->store, c->id, ret_ev, ret_n) < 0) {
        *ret_ev = NULL;
        *ret_n = 0;
        return -EIO;
    }
    return sw_case_timers(r->cfg, c, *ret_ev, *ret_n, r->now, tm, NULL) == 0;
}

/* The filter form of the list (plain GET, so a filtered list is a link to share). */
static void filter_form(struct sw_buf *b, const struct sw_web_req *r, const char *status,
                        const char *customer, bool open)
{
    const char *names[SW_CASE_STATUS_COUNT];

    for (int i = 0; i < SW_CASE_STATUS_COUNT; i++) {
        names[i] = sw_case_status_name((enum sw_case_status)i);
    }
    sw_web_filter_form(b, r, "/cases", names, SW_CASE_STATUS_COUNT, status, customer, open);
}

static void list_row(struct sw_buf *b, const struct sw_web_req *r, const struct sw_case_row *c)
{
    struct sw_case_event_row *ev;
    struct sw_case_timers tm;
    size_t n;
    bool have = case_timers(r, c, &ev, &n, &tm) > 0;

    sw_buf_puts(b, "<tr><td>");
    case_link(b, c->id);
    sw_buf_printf(b, "</td><td>sev%d</td><td>", c->severity);
    status_badge(b, c->status);
    sw_buf_puts(b, "</td><td>");
    sw_web_esc(b, c->customer);
    sw_buf_puts(b, "</td><td>");
    sw_web_esc(b, c->title);
    sw_buf_puts(b, "</td><td>");
    text_or(b, c->assignee, "nobody");
    sw_buf_puts(b, "</td><td>");
    sw_web_time(b, c->created);
    for (int m = SW_CASE_FIRST_RESPONSE; m <= SW_CASE_RESOLUTION; m++) {
        sw_buf_puts(b, "</td><td>");
        if (have) {
            timer_state(b, &tm, m);
        } else {
            sw_buf_puts(b, "<span class=\"muted\">unknown</span>");
        }
    }
    sw_buf_puts(b, "</td></tr>\n");
    if (have) {
        sw_case_timers_release(&tm);
    }
    sw_case_event_rows_free(ev, n);
}

int sw_web_page_cases(const struct sw_web_req *r, struct sw_buf *out)
{
    const char *status = arg(r, "status"), *customer = arg(r, "customer"), *open = arg(r, "open");
    struct sw_case_filter f = {.newest_first = true, .limit = LIST_MAX + 1};
    enum sw_case_status want = SW_CASE_NEW;
    struct sw_case_row *v = NULL;
    size_t n = 0, shown = 0;
    bool more = false;
    int r2;

    if (r->public_view || !r->cfg || !r->store) {
        return sw_web_not_found(r, out);
    }
    if (status && sw_case_status_parse(status, &want) < 0) {
        return sw_web_bad_request(
            r, "status must be new, open, waiting-on-customer, resolved or closed", out);
    }
    if (open && strcmp(open, "true") != 0 && strcmp(open, "false") != 0) {
        return sw_web_bad_request(r, "open must be true or false", out);
    }
    if (r->role == SW_ROLE_CUSTOMER) {
        /* a customer's list is its own, whatever the address asks for */
        if ((customer && !sw_web_may_see(r, customer)) || !r->customer) {
            return sw_web_not_found(r, out);
        }
        customer = r->customer;
    }
    if (customer && !sw_config_find_customer(r->cfg, customer)) {
        return sw_web_not_found(r, out);
    }
    f.customer = customer;
    f.open_only = (open && strcmp(open, "true") == 0) || (status && sw_case_status_active(want));
    if (status) {
        f.limit = 0; /* the status is filtered here: read them all, show the newest */
    }
    r2 = sw_store_case_list(r->store, &f, &v, &n);

    sw_web_head(out, r, "Cases", "cases");
    filter_form(out, r, status, customer, open && strcmp(open, "true") == 0);
    if (r2 < 0) {
        sw_buf_puts(out, "<p class=\"error\">The cases cannot be read now: "
                         "the store failed.</p>\n");
        goto out;
    }
    sw_buf_puts(out, "<table class=\"list cases\">\n<thead><tr><th scope=\"col\">Case</th>"
                     "<th scope=\"col\">Severity</th><th scope=\"col\">Status</th>"
                     "<th scope=\"col\">Customer</th><th scope=\"col\">Title</th>"
                     "<th scope=\"col\">Assignee</th><th scope=\"col\">Opened</th>"
                     "<th scope=\"col\">First response</th><th scope=\"col\">Resolution</th>"
                     "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        if (status && v[i].status != (int)want) {
            continue;
        }
        if (shown == LIST_MAX) {
            more = true;
            break;
        }
        list_row(out, r, &v[i]);
        shown++;
    }
    sw_buf_puts(out, "</tbody>\n</table>\n");
    if (shown == 0) {
        sw_buf_puts(out, "<p>No cases match.</p>\n");
    } else if (more) {
        sw_buf_printf(out, "<p class=\"muted\">Only the newest %d are shown.</p>\n", LIST_MAX);
    }
out:
    sw_web_foot(out, r);
    sw_case_rows_free(v, n);
    return 200;
}

static void facts(struct sw_buf *b, const struct sw_case_row *c)
{
    sw_buf_puts(b, "<dl class=\"facts\">\n<dt>Status</dt><dd>");
    status_badge(b, c->status);
    sw_buf_printf(b, "</dd>\n<dt>Severity</dt><dd>sev%d</dd>\n<dt>Customer</dt><dd>", c->severity);
    sw_web_esc(b, c->customer);
    sw_buf_puts(b, "</dd>\n<dt>Deployment</dt><dd>");
    text_or(b, c->deployment, "none");
    sw_buf_puts(b, "</dd>\n<dt>Service</dt><dd>");
    text_or(b, c->service, "none");
    sw_buf_puts(b, "</dd>\n<dt>Assignee</dt><dd>");
    text_or(b, c->assignee, "nobody");
    sw_buf_puts(b, "</dd>\n<dt>Opened</dt><dd>");
    sw_web_time(b, c->created);
    sw_buf_puts(b, " by ");
    sw_web_esc(b, c->opened_by);
    sw_buf_puts(b, "</dd>\n");
    if (c->incident) {
        sw_buf_printf(b,
                      "<dt>Opened by incident</dt><dd><a href=\"/incidents/INC-%lld\">"
                      "INC-%lld</a></dd>\n",
                      (long long)c->incident, (long long)c->incident);
    }
    if (c->reopened) {
        sw_buf_printf(b, "<dt>Re-opened</dt><dd>%d time%s</dd>\n", c->reopened,
                      c->reopened == 1 ? "" : "s");
    }
    sw_buf_puts(b, "</dl>\n");
    if (c->description) {
        sw_buf_puts(b, "<h2>Description</h2>\n<p class=\"text\">");
        sw_web_esc(b, c->description);
        sw_buf_puts(b, "</p>\n");
    }
}

static void timers_table(struct sw_buf *b, const struct sw_case_timers *tm)
{
    static const char *const label[] = {[SW_CASE_FIRST_RESPONSE] = "First response",
                                        [SW_CASE_RESOLUTION] = "Resolution",
                                        [SW_CASE_UPDATE] = "Next update"};
    bool any = false;

    sw_buf_puts(b, "<section aria-labelledby=\"tm-h\">\n<h2 id=\"tm-h\">Timers</h2>\n");
    for (int m = 0; m < SW_CASE_METRIC_COUNT; m++) {
        any |= tm->have[m] && tm->t[m].n_cycles;
    }
    if (!any) {
        sw_buf_puts(b, "<p>The contract sets no goals for this case.</p>\n</section>\n");
        return;
    }
    sw_buf_puts(b, "<table class=\"list timers\">\n<thead><tr><th scope=\"col\">Timer</th>"
                   "<th scope=\"col\" class=\"n\">Goal</th>"
                   "<th scope=\"col\" class=\"n\">Elapsed</th>"
                   "<th scope=\"col\" class=\"n\">Remaining</th><th scope=\"col\">State</th>"
                   "</tr></thead>\n<tbody>\n");
    for (int m = 0; m < SW_CASE_METRIC_COUNT; m++) {
        const struct sw_case_timer *t = &tm->t[m];
        const struct sw_case_cycle *cy;
        char g[32], e[32], rem[32];
        if (!tm->have[m] || !t->n_cycles) {
            continue;
        }
        cy = &t->cycles[t->n_cycles - 1];
        /* business time on the contract's calendar, not wall-clock time */
        sw_buf_printf(b,
                      "<tr><th scope=\"row\">%s</th><td class=\"n\">%s</td>"
                      "<td class=\"n\">%s</td><td class=\"n\">%s%s</td><td>",
                      label[m], sw_duration_format(t->goal_s * 1000, g),
                      sw_duration_format(cy->elapsed_s * 1000, e), cy->remaining_s < 0 ? "-" : "",
                      sw_duration_format(
                          (cy->remaining_s < 0 ? -cy->remaining_s : cy->remaining_s) * 1000, rem));
        timer_state(b, tm, m);
        sw_buf_puts(b, "</td></tr>\n");
    }
    sw_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static const char *event_kind(int kind)
{
    static const char *const names[] = {
        [SW_CASE_EV_CREATED] = "opened",         [SW_CASE_EV_STATUS] = "status",
        [SW_CASE_EV_AGENT_REPLY] = "reply",      [SW_CASE_EV_CUSTOMER_REPLY] = "customer reply",
        [SW_CASE_EV_INTERNAL] = "internal note", [SW_CASE_EV_REOPEN] = "re-opened",
    };

    if (kind >= 0 && kind <= SW_CASE_EV_REOPEN) {
        return names[kind];
    }
    return kind == SW_CASE_EV_ASSIGN ? "assigned" : kind == SW_CASE_EV_LINK ? "linked" : "other";
}

static void history(struct sw_buf *b, const struct sw_web_req *r,
                    const struct sw_case_event_row *ev, size_t n)
{
    sw_buf_puts(b, "<section aria-labelledby=\"ev-h\">\n<h2 id=\"ev-h\">History</h2>\n"
                   "<table class=\"list history\">\n<thead><tr><th scope=\"col\">Time</th>"
                   "<th scope=\"col\">Event</th><th scope=\"col\">Who</th>"
                   "<th scope=\"col\">Details</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const struct sw_case_event_row *e = &ev[i];
        if (r->role == SW_ROLE_CUSTOMER && e->kind == SW_CASE_EV_INTERNAL) {
            continue; /* the team's own notes */
        }
        sw_buf_printf(b, "<tr%s><td>", e->kind == SW_CASE_EV_INTERNAL ? " class=\"internal\"" : "");
        sw_web_time(b, e->t);
        sw_buf_printf(b, "</td><td>%s</td><td>", event_kind(e->kind));
        sw_web_esc(b, e->author);
        sw_buf_puts(b, "</td><td class=\"text\">");
        if (e->status >= 0) {
            status_badge(b, e->status);
            sw_buf_puts(b, e->text ? " " : "");
        }
        sw_web_esc(b, e->text);
        sw_buf_puts(b, "</td></tr>\n");
    }
    sw_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

/* The team's controls; each button posts one action, the page script sends the named
 * field's value under the named key. Each row of controls is its own flex row, under its
 * label; the section itself stays a column. */
static void team_actions(struct sw_buf *b, const struct sw_web_req *r, const struct sw_case_row *c,
                         const char *name)
{
    sw_buf_puts(b, "<section class=\"act\" aria-labelledby=\"act-h\">\n"
                   "<h2 id=\"act-h\">Work this case</h2>\n");
    if (c->status == SW_CASE_CLOSED) {
        sw_buf_puts(b, "<p>The case is closed: change its status to re-open it.</p>\n");
    } else {
        sw_buf_printf(b,
                      "<p>Both are shown to the customer; a response also opens a new case."
                      "</p>\n<label for=\"reply-text\">Reply to the customer</label>\n"
                      "<textarea id=\"reply-text\" rows=\"4\" maxlength=\"%d\"></textarea>\n"
                      "<div class=\"actions\">\n"
                      "<button type=\"button\" data-action=\"POST /api/v1/cases/%s/respond\" "
                      "data-body-field=\"reply-text\" data-body-key=\"text\">Respond</button>\n"
                      "<button type=\"button\" data-action=\"POST /api/v1/cases/%s/comment\" "
                      "data-body-field=\"reply-text\" data-body-key=\"text\">Comment</button>\n"
                      "</div>\n",
                      SW_CASE_TEXT_MAX, name, name);
    }
    sw_buf_puts(b, "<label for=\"case-status\">Status</label>\n"
                   "<div class=\"actions\"><select id=\"case-status\">");
    for (int i = 0; i < SW_CASE_STATUS_COUNT; i++) {
        const char *s = sw_case_status_name((enum sw_case_status)i);
        sw_buf_printf(b, "<option value=\"%s\"%s>%s</option>", s, i == c->status ? " selected" : "",
                      s);
    }
    sw_buf_printf(
        b,
        "</select>\n<button type=\"button\" data-action=\"POST /api/v1/cases/%s/status\" "
        "data-body-field=\"case-status\" data-body-key=\"status\">Change status</button>\n"
        "</div>\n",
        name);
    if (c->status != SW_CASE_CLOSED && r->cfg->n_engineers) {
        sw_buf_puts(b, "<label for=\"case-assignee\">Assignee</label>\n"
                       "<div class=\"actions\"><select id=\"case-assignee\">");
        for (size_t i = 0; i < r->cfg->n_engineers; i++) {
            const struct sw_engineer_conf *e = &r->cfg->engineers[i];
            sw_buf_puts(b, "<option value=\"");
            sw_web_esc(b, e->id);
            sw_buf_puts(b, c->assignee && strcmp(c->assignee, e->id) == 0 ? "\" selected>" : "\">");
            sw_web_esc(b, e->name ? e->name : e->id);
            sw_buf_puts(b, "</option>");
        }
        sw_buf_printf(
            b,
            "</select>\n<button type=\"button\" "
            "data-action=\"POST /api/v1/cases/%s/assign\" data-body-field=\"case-assignee\" "
            "data-body-key=\"engineer\">Assign</button>\n</div>\n",
            name);
    }
    sw_buf_puts(b, "<p role=\"alert\" class=\"error\"></p>\n</section>\n");
}

static void customer_actions(struct sw_buf *b, const struct sw_case_row *c, const char *name)
{
    sw_buf_puts(b, "<section class=\"act\" aria-labelledby=\"act-h\">\n"
                   "<h2 id=\"act-h\">Add a comment</h2>\n");
    if (c->status == SW_CASE_CLOSED) {
        sw_buf_puts(b, "<p>The case is closed. Open a new case if you need more help.</p>\n"
                       "</section>\n");
        return;
    }
    sw_buf_printf(b,
                  "<label for=\"comment-text\">Comment</label>\n"
                  "<textarea id=\"comment-text\" rows=\"4\" maxlength=\"%d\"></textarea>\n"
                  "<button type=\"button\" data-action=\"POST /api/v1/cases/%s/comment\" "
                  "data-body-field=\"comment-text\" data-body-key=\"text\">Add comment</button>\n"
                  "<p role=\"alert\" class=\"error\"></p>\n</section>\n",
                  SW_CASE_TEXT_MAX, name);
}

int sw_web_page_case(const struct sw_web_req *r, const char *id, struct sw_buf *out)
{
    struct sw_case_row c = {0};
    struct sw_case_event_row *ev = NULL;
    struct sw_case_timers tm;
    size_t n = 0;
    char name[24];
    char *title;
    int64_t num;
    int have;

    if (r->public_view || !r->cfg || !r->store || sw_case_parse_name(id, &num) < 0) {
        return sw_web_not_found(r, out);
    }
    if (sw_store_case_get(r->store, num, &c) < 0 || !sw_web_may_see(r, c.customer)) {
        /* a store failure tells as little as a missing or hidden case */
        sw_case_row_release(&c);
        return sw_web_not_found(r, out);
    }
    sw_case_name(c.id, name);
    have = case_timers(r, &c, &ev, &n, &tm);

    title = sw_xasprintf("%s: %s", name, c.title ? c.title : "");
    sw_web_head(out, r, title, "cases");
    free(title);
    facts(out, &c);
    if (have > 0) {
        timers_table(out, &tm);
        sw_case_timers_release(&tm);
    }
    if (may_act(r)) {
        team_actions(out, r, &c, name);
    } else if (r->role == SW_ROLE_CUSTOMER) {
        customer_actions(out, &c, name);
    }
    if (have < 0) {
        sw_buf_puts(out, "<p class=\"error\">The history cannot be read now: "
                         "the store failed.</p>\n");
    } else {
        history(out, r, ev, n);
    }
    sw_web_foot(out, r);
    sw_case_event_rows_free(ev, n);
    sw_case_row_release(&c);
    return 200;
}
