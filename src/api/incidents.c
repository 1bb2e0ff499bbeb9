/* SPDX-License-Identifier: Apache-2.0 */
/* incidents.c: the incident routes. GET lists and shows; POST acknowledges, resolves and adds
 * notes, with the acting engineer named in the body ("as"), and wakes the incident manager so
 * that escalation stops at once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api_int.h"

#define LIST_DEFAULT 100
#define LIST_MAX 10000

static const char *arg(struct MHD_Connection *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

static bool keep(const struct sw_incident *inc, const char *deployment, bool has_status,
                 enum sw_inc_status status)
{
    return (!deployment || strcmp(inc->deployment, deployment) == 0) &&
           (!has_status || inc->status == status);
}

enum MHD_Result sw_api_get_incidents(struct sw_api *api, struct MHD_Connection *conn,
                                     const char *only_customer)
{
    const char *customer = arg(conn, "customer"), *deployment = arg(conn, "deployment");
    const char *status_s = arg(conn, "status"), *open = arg(conn, "open");
    const char *from = arg(conn, "from"), *to = arg(conn, "to"), *limit_s = arg(conn, "limit");
    struct sw_inc_filter f = {
        .customer = customer, .service = arg(conn, "service"), .newest_first = true};
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_incident *v = NULL;
    enum sw_inc_status status = SW_INC_TRIGGERED;
    size_t n = 0, shown = 0, limit = LIST_DEFAULT;
    enum MHD_Result ret;
    struct sw_buf out;
    char *end;

    sw_buf_init(&out);
    if (status_s && sw_inc_status_parse(status_s, &status) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'status' must be triggered, acknowledged, recovered or "
                                   "resolved");
        goto out;
    }
    if (open && strcmp(open, "true") && strcmp(open, "false")) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'open' must be true or false");
        goto out;
    }
    f.open_only = open && strcmp(open, "true") == 0;
    if ((from && sw_time_parse(from, &f.opened_from) < 0) ||
        (to && sw_time_parse(to, &f.opened_to) < 0)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "'from' and 'to' must be ISO 8601 times with a zone");
        goto out;
    }
    if (limit_s) {
        errno = 0;
        unsigned long long l = strtoull(limit_s, &end, 10);
        if (errno || *end || end == limit_s || l < 1 || l > LIST_MAX) {
            ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                       "'limit' must be 1 to %d", LIST_MAX);
            goto out;
        }
        limit = l;
    }
    if (only_customer && customer && strcmp(customer, only_customer) != 0) {
        customer = ""; /* another customer: unknown, as every object of theirs */
    } else if (only_customer) {
        customer = f.customer = only_customer;
    }
    if (customer && !sw_config_find_customer(cfg, customer)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no customer '%s'",
                                   customer);
        goto out;
    }
    /* deployment and status are filtered here: read enough to fill the page */
    f.limit = deployment || status_s ? SW_STORE_INCIDENTS_MAX : limit;
    if (sw_store_incident_list(api->store, &f, &v, &n) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                   "cannot read the incidents");
        goto out;
    }
    sw_buf_puts(&out, "[");
    for (size_t i = 0; i < n && shown < limit; i++) {
        if (keep(&v[i], deployment, status_s != NULL, status)) {
            sw_buf_puts(&out, shown++ ? ", " : "");
            if (only_customer) {
                /* who on the team acted and whom it pages is the team's business */
                free(v[i].acked_by);
                free(v[i].resolved_by);
                free(v[i].policy);
                v[i].acked_by = v[i].resolved_by = v[i].policy = NULL;
            }
            sw_incident_json(&v[i], cfg, &out);
        }
    }
    sw_buf_puts(&out, "]");
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
out:
    sw_incidents_free(v, n);
    sw_config_unref(cfg);
    sw_buf_release(&out);
    return ret;
}

/* What a customer may see of its incident: the events its status page could tell (public
 * notes included), without who on the team did what, and no escalation or notification. The
 * events and notifications left out are freed; their counts shrink. */
static void customer_view(struct sw_incident *inc, struct sw_inc_event *ev, size_t *n_ev,
                          struct sw_notification *nt, size_t *n_nt)
{
    static const char *const kinds[] = {"opened",    "acknowledged", "state",
                                        "recovered", "resolved",     "reopened",
                                        "attached",  "detached",     "public-note"};
    size_t k = 0;

    for (size_t i = 0; i < *n_ev; i++) {
        bool keep = false;
        for (size_t j = 0; j < sizeof(kinds) / sizeof(kinds[0]) && !keep; j++) {
            keep = ev[i].kind && strcmp(ev[i].kind, kinds[j]) == 0;
        }
        free(ev[i].actor);
        ev[i].actor = NULL;
        if (keep) {
            ev[k++] = ev[i];
        } else {
            free(ev[i].kind);
            free(ev[i].text);
        }
    }
    *n_ev = k;
    sw_notifications_free(nt, *n_nt);
    *n_nt = 0;
    free(inc->acked_by);
    free(inc->resolved_by);
    free(inc->policy);
    inc->acked_by = inc->resolved_by = inc->policy = NULL;
}

static enum MHD_Result show(struct sw_api *api, struct MHD_Connection *conn, int64_t id,
                            unsigned status, const char *only_customer)
{
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_incident inc;
    struct sw_inc_event *ev = NULL;
    struct sw_notification *nt = NULL;
    size_t n_ev = 0, n_nt = 0;
    enum MHD_Result ret;
    struct sw_buf out;
    char name[24];
    int r;

    sw_buf_init(&out);
    r = sw_store_incident_get(api->store, id, &inc);
    if (r == 0 && only_customer && strcmp(inc.customer, only_customer) != 0) {
        sw_incident_release(&inc); /* another customer's: as if it did not exist */
        r = -ENOENT;
    }
    if (r == -ENOENT) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no incident %s",
                                   sw_inc_name(id, name));
        goto out;
    }
    if (r < 0 || sw_store_incident_events(api->store, id, &ev, &n_ev) < 0 ||
        sw_store_incident_notifications(api->store, id, &nt, &n_nt) < 0) {
        if (r == 0) {
            sw_incident_release(&inc);
        }
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                   "cannot read the incident");
        goto out;
    }
    if (only_customer) {
        customer_view(&inc, ev, &n_ev, nt, &n_nt);
        nt = NULL;
    }
    sw_incident_json_full(&inc, ev, n_ev, nt, n_nt, cfg, &out);
    ret = sw_api_respond_json(conn, status, &out);
    sw_incident_release(&inc);
out:
    sw_inc_events_free(ev, n_ev);
    sw_notifications_free(nt, n_nt);
    sw_config_unref(cfg);
    sw_buf_release(&out);
    return ret;
}

/* The body of a command: {"as": ENGINEER} and, for a note, "text" and "public" (true: shown on
 * the customer's status page). */
static enum MHD_Result command(struct sw_api *api, struct MHD_Connection *conn,
                               const struct sw_api_who *tok, int64_t id, const char *verb,
                               const char *body, size_t len)
{
    static const char *const keys[] = {"as", NULL}, *const note_keys[] = {"as", "text", "public",
                                                                          NULL};
    struct sw_config *cfg = sw_engine_config(api->engine);
    bool note = strcmp(verb, "note") == 0;
    const char *who, *text = NULL;
    struct sw_actor actor;
    json_t *root;
    struct sw_buf err;
    enum MHD_Result ret;
    int r;

    sw_buf_init(&err);
    root = sw_api_body_object(conn, body, len, note ? note_keys : keys, &ret);
    if (!root ||
        !sw_api_actor(conn, tok, json_string_value(json_object_get(root, "as")), &actor, &ret)) {
        goto out;
    }
    who = actor.engineer;
    /* a name from the body must be an engineer of the configuration (a typo is refused); a
     * token's identity is its own proof, configured engineer or stored token's name */
    if (!who || (!(tok && tok->engineer) && !sw_config_find_engineer(cfg, who))) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                   "no engineer '%s' in the configuration", who ? who : "");
        goto out;
    }
    if (note) {
        text = json_string_value(json_object_get(root, "text"));
        if (!text) {
            ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                       "'text' is a required string");
            goto out;
        }
    }
    if (strcmp(verb, "ack") == 0) {
        r = sw_incident_ack(api->store, id, who, sw_now(), &err);
    } else if (strcmp(verb, "resolve") == 0) {
        r = sw_incident_resolve(api->store, cfg, id, who, sw_now(), &err);
    } else {
        r = sw_incident_note(api->store, id, who, text,
                             json_is_true(json_object_get(root, "public")), sw_now(), &err);
    }
    if (r == 0) {
        if (api->incidents) {
            sw_inc_manager_poke(api->incidents);
        }
        ret = show(api, conn, id, MHD_HTTP_OK, NULL);
    } else if (r == -ENOENT) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "%s", err.data);
    } else if (r == -EALREADY || (r == -EINVAL && !note)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_CONFLICT, "conflict", NULL, "%s", err.data);
    } else if (r == -EINVAL) {
        ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL, "%s", err.data);
    } else {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL, "%s",
                                   err.len ? err.data : "cannot write the incident");
    }
out:
    json_decref(root);
    sw_config_unref(cfg);
    sw_buf_release(&err);
    return ret;
}

enum MHD_Result sw_api_incident(struct sw_api *api, struct MHD_Connection *conn,
                                const struct sw_api_who *tok, const char *rest, bool post,
                                const char *body, size_t len)
{
    const char *slash = strchr(rest, '/');
    char *idpart = slash ? strndup(rest, (size_t)(slash - rest)) : strdup(rest);
    const char *verb = slash ? slash + 1 : NULL;
    enum MHD_Result ret;
    int64_t id;

    if (!idpart || sw_inc_parse_name(idpart, &id) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no incident '%s'",
                                   idpart ? idpart : "");
    } else if (!verb) {
        ret = post ? sw_api_respond_error(
                         conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "GET, HEAD",
                         "POST to /api/v1/incidents/%s/ack, /resolve or /note", idpart)
                   : show(api, conn, id, MHD_HTTP_OK, tok ? tok->customer : NULL);
    } else if (strcmp(verb, "ack") && strcmp(verb, "resolve") && strcmp(verb, "note")) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                   "no such route: /api/v1/incidents/%s", rest);
    } else if (!post) {
        ret = sw_api_respond_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "POST",
                                   "/api/v1/incidents/%s takes POST", rest);
    } else {
        ret = command(api, conn, tok, id, verb, body, len);
    }
    free(idpart);
    return ret;
}
