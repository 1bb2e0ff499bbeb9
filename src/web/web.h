/* SPDX-License-Identifier: Apache-2.0 */
/* web.h: the web UI, served by the daemon itself: plain HTML pages rendered on the server
 * (inline SVG charts, one small stylesheet and one small script of the project's own, no
 * request outside the daemon), for the on-call engineer, the manager and the customer:
 *   /                         the dashboard (updates itself by polling /api/v1/dashboard)
 *   /customers/{id}           deployments, services, SLA month to date with budget bars
 *   /services/{path}          state, checks and outputs, state timeline and latency chart
 *   /incidents, /incidents/{id}   list; detail with timeline, ack/resolve/note buttons
 *   /cases, /cases/{id}       list; detail, reply, status change
 *   /oncall                   current and next shifts of every rotation
 *   /health                   the team health indicators with status and trend
 *   /status/{customer}        the customer's status page: components, 90-day uptime bars,
 *                             incidents, planned maintenance
 *   /static/app.css, /static/app.js
 * Rendering only: who may see a page is decided by the caller (src/api), which passes the
 * viewer's role and scope; a page never shows another customer's objects to a customer. */
#ifndef SW_WEB_H
#define SW_WEB_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"
#include "engine/engine.h"
#include "store/store.h"

struct sw_web_req {
    const char *path; /* the URL path, decoded by the server */
    /* a query argument by name, or NULL (the server's lookup) */
    const char *(*arg)(void *ctx, const char *name);
    void *arg_ctx;
    enum sw_role role;
    const char *customer; /* the customer a SW_ROLE_CUSTOMER viewer belongs to */
    const char *who;      /* shown as signed in: an engineer id or a token's name; NULL */
    const char *csrf;     /* the session's anti-forgery token, for the pages' forms and script */
    bool public_view;     /* a public status page seen without signing in */
    struct sw_config *cfg;
    const struct sw_status *st; /* live state (cfg's checks and services) */
    struct sw_store *store;
    int64_t now; /* s */
};

/* True when path is one of the pages above (not /static/, not /api/). */
bool sw_web_is_page(const char *path);
/* Renders the page for r->path into out (a whole HTML document) and returns the HTTP status:
 * 200, 404 (an unknown page or object, or one the viewer may not see: a page that tells
 * nothing), 400 (a malformed argument). *ret_type is the Content-Type. */
int sw_web_render(const struct sw_web_req *r, struct sw_buf *out, const char **ret_type);
/* The dashboard's data as JSON for its polling script (same content as the page). */
int sw_web_dashboard_json(const struct sw_web_req *r, struct sw_buf *out);
/* A static asset by path ("/static/app.css"): 0 with its bytes and type, or -ENOENT. */
int sw_web_asset(const char *path, const char **ret_data, size_t *ret_len, const char **ret_type);
/* The sign-in page (a form posting a token to /login), with an optional message. */
void sw_web_login_page(const char *message, struct sw_buf *out);

#endif
