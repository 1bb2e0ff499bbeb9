/* SPDX-License-Identifier: Apache-2.0 */
/* web_int.h: what the files of src/web share: the page frame (layout.c), small renderers,
 * and one function per page. Each page function writes a whole document into out and
 * returns the HTTP status (200, 404, 400). Private to src/web. */
#ifndef SW_WEB_INT_H
#define SW_WEB_INT_H

#include "web/web.h"

/* ---- layout.c: the frame and small pieces every page uses ---- */

/* s HTML-escaped (& < > " '); NULL writes nothing. */
void sw_web_esc(struct sw_buf *b, const char *s);
/* <!doctype html> ... <body>, the navigation (with current marked) and the main heading.
 * The CSRF token, when r has one, goes in <meta name="csrf-token">. */
void sw_web_head(struct sw_buf *b, const struct sw_web_req *r, const char *title,
                 const char *current);
void sw_web_foot(struct sw_buf *b, const struct sw_web_req *r);
/* A state shown by shape and text as well as colour: <span class="st st-crit">▲ CRITICAL</span> */
void sw_web_state(struct sw_buf *b, enum sw_state s);
/* A check without any result yet: <span class="st st-pending">○ PENDING</span> */
void sw_web_pending(struct sw_buf *b);
/* A time as ISO 8601 UTC in a <time datetime=...> element; t <= 0 writes "never". */
void sw_web_time(struct sw_buf *b, int64_t t);
/* A whole 404 page that says only that nothing is here (never whether it exists). */
int sw_web_not_found(const struct sw_web_req *r, struct sw_buf *out);
/* A whole 400 page with message (escaped) in a role="alert" paragraph; returns 400. */
int sw_web_bad_request(const struct sw_web_req *r, const char *message, struct sw_buf *out);
/* The filter form of a list page (action: its path): a status select of names[0..n), a
 * customer select (not for a customer viewer), "Open only", each with its label. */
void sw_web_filter_form(struct sw_buf *b, const struct sw_web_req *r, const char *action,
                        const char *const *names, size_t n, const char *status,
                        const char *customer, bool open);
/* The viewer may see objects of customer (customers see their own only). */
bool sw_web_may_see(const struct sw_web_req *r, const char *customer);

/* The configuration r->st was taken with, whose checks and services line up with
 * st->checks and st->services by index (r->cfg may be newer after a reload); r->cfg when
 * there is no status. */
const struct sw_config *sw_web_cfg(const struct sw_web_req *r);
/* ppm (parts per million of 100 %) as a percentage with decimals (0..4) digits, floored, so
 * an availability is never shown better than it was: 958333 with 2 gives "95.83". Negative
 * values and values over 100 % are written as they are ("-12.5", "121.29"). */
void sw_web_pct(struct sw_buf *b, int64_t ppm, int decimals);

/* The kind of an incident timeline event written for the public: the status page shows the
 * text of these, and nothing else of the timeline. */
#define SW_WEB_PUBLIC_NOTE "public-note"

/* ---- one function per page ---- */

int sw_web_page_dashboard(const struct sw_web_req *r, struct sw_buf *out);
int sw_web_page_customer(const struct sw_web_req *r, const char *id, struct sw_buf *out);
int sw_web_page_service(const struct sw_web_req *r, const char *path, struct sw_buf *out);
int sw_web_page_status(const struct sw_web_req *r, const char *customer, struct sw_buf *out);
int sw_web_page_incidents(const struct sw_web_req *r, struct sw_buf *out);
int sw_web_page_incident(const struct sw_web_req *r, const char *id, struct sw_buf *out);
int sw_web_page_cases(const struct sw_web_req *r, struct sw_buf *out);
int sw_web_page_case(const struct sw_web_req *r, const char *id, struct sw_buf *out);
int sw_web_page_oncall(const struct sw_web_req *r, struct sw_buf *out);
int sw_web_page_health(const struct sw_web_req *r, struct sw_buf *out);

#endif
