/* SPDX-License-Identifier: Apache-2.0 */
/* cases.c: the routes of support cases and changes. Who acts comes from the request's token
 * (an engineer's, or a customer's: that customer's cases only, whose internal comments it does
 * not see, and another customer's case is a 404 as if it did not exist), or, on an API without
 * tokens, from the body's "as". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "account/account.h"
#include "api/api_int.h"
#include "support/support.h"

#define LIST_DEFAULT 100

static const char *arg(struct MHD_Connection *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result bad(struct MHD_Connection *conn, const char *msg)
{
    return sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL, "%s", msg);
}

/* An optional string field: true when absent or a string; false (answered) otherwise. */
static bool opt_str(struct MHD_Connection *conn, json_t *root, const char *key, const char **out,
                    enum MHD_Result *ret)
{
    json_t *v = json_object_get(root, key);

    *out = NULL;
    if (v && !json_is_string(v)) {
        *ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                    "'%s' must be a string", key);
        return false;
    }
    *out = v ? json_string_value(v) : NULL;
    return true;
}

static bool opt_time(struct MHD_Connection *conn, json_t *root, int64_t *t, enum MHD_Result *ret)
{
    const char *s;

    *t = 0;
    if (!opt_str(conn, root, "at", &s, ret)) {
        return false;
    }
    if (s && sw_time_parse(s, t) < 0) {
        *ret = bad(conn, "'at' must be an ISO 8601 time with a zone");
        return false;
    }
    return true;
}

static enum MHD_Result failed(struct MHD_Connection *conn, int r, struct sw_buf *err)
{
    const char *m = err->len ? err->data : "cannot do that";

    if (r == -ENOENT) {
        return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "%s", m);
    }
    if (r == -EEXIST || r == -EALREADY) {
        return sw_api_respond_error(conn, MHD_HTTP_CONFLICT, "conflict", NULL, "%s", m);
    }
    if (r == -EINVAL || r == -EPERM) {
        return bad(conn, m);
    }
    return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL, "%s", m);
}

static enum MHD_Result show_case(struct sw_api *api, struct MHD_Connection *conn,
                                 const struct sw_config *cfg, const struct sw_api_who *tok,
                                 int64_t id, unsigned status)
{
    struct sw_case_row c;
    struct sw_case_event_row *ev = NULL;
    struct sw_buf out;
    size_t n = 0;
    enum MHD_Result ret;
    char name[24];
    int r = sw_store_case_get(api->store, id, &c);

    if (r == -ENOENT || (r == 0 && tok && tok->customer && strcmp(c.customer, tok->customer))) {
        if (r == 0) {
            sw_case_row_release(&c);
        }
        return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no case %s",
                                    sw_case_name(id, name));
    }
    if (r < 0 || sw_store_case_events(api->store, id, &ev, &n) < 0) {
        if (r == 0) {
            sw_case_row_release(&c);
        }
        return sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                    "cannot read the case");
    }
    sw_buf_init(&out);
    sw_case_json(cfg, &c, ev, n, sw_now(), tok && tok->customer, &out);
    ret = sw_api_respond_json(conn, status, &out);
    sw_buf_release(&out);
    sw_case_event_rows_free(ev, n);
    sw_case_row_release(&c);
    return ret;
}

enum MHD_Result sw_api_get_cases(struct sw_api *api, struct MHD_Connection *conn,
                                 const struct sw_api_who *tok)
{
    const char *asked = arg(conn, "customer");
    /* a customer's token lists its own; naming another customer finds nothing to name */
    const char *customer =
        tok && tok->customer ? (asked && strcmp(asked, tok->customer) ? "" : tok->customer) : asked;
    const char *open = arg(conn, "open"), *limit_s = arg(conn, "limit");
    struct sw_case_filter f = {.customer = customer, .newest_first = true, .limit = LIST_DEFAULT};
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_case_row *v = NULL;
    enum MHD_Result ret;
    struct sw_buf out;
    size_t n = 0;
    char *end;

    sw_buf_init(&out);
    if (open && strcmp(open, "true") && strcmp(open, "false")) {
        ret = bad(conn, "'open' must be true or false");
        goto out;
    }
    f.open_only = open && strcmp(open, "true") == 0;
    if (limit_s) {
        errno = 0;
        unsigned long long l = strtoull(limit_s, &end, 10);
        if (errno || *end || end == limit_s || l < 1 || l > SW_STORE_CASES_MAX) {
            ret = bad(conn, "'limit' must be 1 to 100000");
            goto out;
        }
        f.limit = l;
    }
    if (customer && !sw_config_find_customer(cfg, customer)) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no customer '%s'",
                                   asked ? asked : customer);
        goto out;
    }
    if (sw_store_case_list(api->store, &f, &v, &n) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                   "cannot read the cases");
        goto out;
    }
    sw_buf_puts(&out, "[");
    for (size_t i = 0; i < n; i++) {
        sw_buf_puts(&out, i ? ", " : "");
        sw_case_json(cfg, &v[i], NULL, 0, sw_now(), true, &out);
    }
    sw_buf_puts(&out, "]");
    ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
out:
    sw_case_rows_free(v, n);
    sw_config_unref(cfg);
    sw_buf_release(&out);
    return ret;
}

enum MHD_Result sw_api_post_case(struct sw_api *api, struct MHD_Connection *conn,
                                 const struct sw_api_who *tok, const char *body, size_t len)
{
    static const char *const keys[] = {"customer",    "deployment", "service", "severity", "title",
                                       "description", "as",         "at",      NULL};
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_case_new c = {0};
    struct sw_actor who;
    struct sw_buf err;
    enum MHD_Result ret;
    const char *as;
    json_t *root, *sev;
    int64_t id;
    int r;

    sw_buf_init(&err);
    root = sw_api_body_object(conn, body, len, keys, &ret);
    if (!root) {
        goto out;
    }
    if (!opt_str(conn, root, "customer", &c.customer, &ret) ||
        !opt_str(conn, root, "deployment", &c.deployment, &ret) ||
        !opt_str(conn, root, "service", &c.service, &ret) ||
        !opt_str(conn, root, "title", &c.title, &ret) ||
        !opt_str(conn, root, "description", &c.description, &ret) ||
        !opt_str(conn, root, "as", &as, &ret) || !opt_time(conn, root, &c.at, &ret) ||
        !sw_api_actor(conn, tok, as, &who, &ret)) {
        goto out;
    }
    if (who.customer && !c.customer) {
        c.customer = who.customer;
    }
    sev = json_object_get(root, "severity");
    if (!json_is_integer(sev) || json_integer_value(sev) < 1 || json_integer_value(sev) > 4) {
        ret = bad(conn, "'severity' must be 1, 2, 3 or 4");
        goto out;
    }
    c.severity = (int)json_integer_value(sev);
    if (!c.customer || !c.title) {
        ret = bad(conn, "'customer' and 'title' are required strings");
        goto out;
    }
    r = sw_case_open(api->store, cfg, &who, &c, sw_now(), &err, &id);
    ret = r == 0 ? show_case(api, conn, cfg, tok, id, MHD_HTTP_CREATED) : failed(conn, r, &err);
out:
    json_decref(root);
    sw_config_unref(cfg);
    sw_buf_release(&err);
    return ret;
}

static enum MHD_Result case_action(struct sw_api *api, struct MHD_Connection *conn,
                                   const struct sw_config *cfg, const struct sw_api_who *tok,
                                   int64_t id, const char *verb, const char *body, size_t len)
{
    static const char *const keys[] = {"as",       "text", "internal", "status",
                                       "engineer", "at",   "incident", NULL};
    struct sw_case_action a = {0};
    struct sw_actor who;
    struct sw_buf err;
    enum MHD_Result ret;
    const char *as, *status, *engineer, *incident;
    json_t *root, *internal;
    int r;

    sw_buf_init(&err);
    root = sw_api_body_object(conn, body, len, keys, &ret);
    if (!root) {
        goto out;
    }
    if (!opt_str(conn, root, "as", &as, &ret) || !opt_str(conn, root, "text", &a.text, &ret) ||
        !opt_str(conn, root, "status", &status, &ret) ||
        !opt_str(conn, root, "engineer", &engineer, &ret) ||
        !opt_str(conn, root, "incident", &incident, &ret) || !opt_time(conn, root, &a.at, &ret) ||
        !sw_api_actor(conn, tok, as, &who, &ret)) {
        goto out;
    }
    internal = json_object_get(root, "internal");
    if (internal && !json_is_boolean(internal)) {
        ret = bad(conn, "'internal' must be true or false");
        goto out;
    }
    if (strcmp(verb, "respond") == 0) {
        a.verb = SW_CASE_RESPOND;
    } else if (strcmp(verb, "comment") == 0) {
        a.verb = json_is_true(internal) ? SW_CASE_INTERNAL : SW_CASE_COMMENT;
    } else if (strcmp(verb, "status") == 0) {
        a.verb = SW_CASE_STATUS;
        if (!status || sw_case_status_parse(status, &a.status) < 0) {
            ret = bad(conn, "'status' must be new, open, waiting, resolved or closed");
            goto out;
        }
    } else if (strcmp(verb, "link") == 0) {
        a.verb = SW_CASE_LINK;
        a.text = incident;
        if (!incident) {
            ret = bad(conn, "'incident' is a required string");
            goto out;
        }
    } else {
        a.verb = SW_CASE_ASSIGN;
        a.text = engineer;
        if (!engineer) {
            ret = bad(conn, "'engineer' is a required string");
            goto out;
        }
    }
    if (a.verb <= SW_CASE_INTERNAL && !a.text) {
        ret = bad(conn, "'text' is a required string");
        goto out;
    }
    if (tok && tok->customer && a.verb != SW_CASE_COMMENT) {
        /* a customer comments on its own cases; the rest is the team's (another customer's
         * case stays a 404, as if it did not exist) */
        struct sw_case_row c;
        bool own = sw_store_case_get(api->store, id, &c) == 0;
        if (own) {
            own = strcmp(c.customer, tok->customer) == 0;
            sw_case_row_release(&c);
        }
        if (own) {
            ret = sw_api_respond_error(conn, MHD_HTTP_FORBIDDEN, "forbidden", NULL,
                                       "a customer may comment on its cases; the rest is the "
                                       "team's");
        } else {
            char name[24];
            ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no case %s",
                                       sw_case_name(id, name));
        }
        goto out;
    }
    r = sw_case_act(api->store, cfg, &who, id, &a, sw_now(), &err);
    ret = r == 0 ? show_case(api, conn, cfg, tok, id, MHD_HTTP_OK) : failed(conn, r, &err);
out:
    json_decref(root);
    sw_buf_release(&err);
    return ret;
}

enum MHD_Result sw_api_case(struct sw_api *api, struct MHD_Connection *conn,
                            const struct sw_api_who *tok, const char *rest, bool post,
                            const char *body, size_t len)
{
    struct sw_config *cfg = sw_engine_config(api->engine);
    const char *slash = strchr(rest, '/');
    char *idpart = slash ? strndup(rest, (size_t)(slash - rest)) : strdup(rest);
    const char *verb = slash ? slash + 1 : NULL;
    enum MHD_Result ret;
    int64_t id;

    if (!idpart || sw_case_parse_name(idpart, &id) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no case '%s'",
                                   idpart ? idpart : "");
    } else if (!verb) {
        ret = post ? sw_api_respond_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                                          "GET, HEAD",
                                          "POST to /api/v1/cases/%s/respond, /comment, /status "
                                          "or /assign",
                                          idpart)
                   : show_case(api, conn, cfg, tok, id, MHD_HTTP_OK);
    } else if (strcmp(verb, "respond") && strcmp(verb, "comment") && strcmp(verb, "status") &&
               strcmp(verb, "assign") && strcmp(verb, "link")) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                   "no such route: /api/v1/cases/%s", rest);
    } else if (!post) {
        ret = sw_api_respond_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "POST",
                                   "/api/v1/cases/%s takes POST", rest);
    } else {
        ret = case_action(api, conn, cfg, tok, id, verb, body, len);
    }
    free(idpart);
    sw_config_unref(cfg);
    return ret;
}

/* ---- changes ---- */

enum MHD_Result sw_api_get_changes(struct sw_api *api, struct MHD_Connection *conn)
{
    const char *from_s = arg(conn, "from"), *to_s = arg(conn, "to");
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_change_row *v = NULL;
    struct sw_incident *inc = NULL;
    struct sw_inc_filter f = {0};
    size_t n = 0, n_inc = 0;
    int64_t from = 0, to = 0;
    enum MHD_Result ret;
    struct sw_buf out;

    sw_buf_init(&out);
    if ((from_s && sw_time_parse(from_s, &from) < 0) || (to_s && sw_time_parse(to_s, &to) < 0)) {
        ret = bad(conn, "'from' and 'to' must be ISO 8601 times with a zone");
    } else if (sw_store_change_list(api->store, from, to, arg(conn, "deployment"), &v, &n) < 0 ||
               sw_store_incident_list(api->store, &f, &inc, &n_inc) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                   "cannot read the changes");
    } else {
        sw_buf_puts(&out, "[");
        for (size_t i = 0; i < n; i++) {
            sw_buf_puts(&out, i ? ", " : "");
            sw_change_json(cfg, &v[i], inc, n_inc, &out);
        }
        sw_buf_puts(&out, "]");
        ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    }
    sw_change_rows_free(v, n);
    sw_incidents_free(inc, n_inc);
    sw_config_unref(cfg);
    sw_buf_release(&out);
    return ret;
}

static enum MHD_Result show_change(struct sw_api *api, struct MHD_Connection *conn,
                                   const struct sw_config *cfg, int64_t id, unsigned status)
{
    struct sw_change_row c;
    struct sw_incident *inc = NULL;
    struct sw_inc_filter f = {0};
    size_t n_inc = 0;
    enum MHD_Result ret;
    struct sw_buf out;
    char name[24];
    int r = sw_store_change_get(api->store, id, &c);

    if (r == -ENOENT) {
        return sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL, "no change %s",
                                    sw_change_name(id, name));
    }
    if (r < 0 || sw_store_incident_list(api->store, &f, &inc, &n_inc) < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL,
                                   "cannot read the change");
    } else {
        sw_buf_init(&out);
        sw_change_json(cfg, &c, inc, n_inc, &out);
        ret = sw_api_respond_json(conn, status, &out);
        sw_buf_release(&out);
    }
    if (r == 0) {
        sw_change_row_release(&c);
    }
    sw_incidents_free(inc, n_inc);
    return ret;
}

enum MHD_Result sw_api_change(struct sw_api *api, struct MHD_Connection *conn,
                              const struct sw_api_who *tok, const char *rest, bool post,
                              const char *body, size_t len)
{
    static const char *const start_keys[] = {"deployment", "title", "as", "at", NULL};
    static const char *const finish_keys[] = {"result", "note", "as", "at", NULL};
    struct sw_config *cfg = sw_engine_config(api->engine);
    struct sw_actor who;
    struct sw_buf err;
    enum MHD_Result ret;
    const char *as, *dep, *title, *result, *note;
    json_t *root = NULL;
    int64_t id = 0, at;
    int r;

    sw_buf_init(&err);
    if (!rest) { /* POST /api/v1/changes: start one */
        root = sw_api_body_object(conn, body, len, start_keys, &ret);
        if (!root || !opt_str(conn, root, "deployment", &dep, &ret) ||
            !opt_str(conn, root, "title", &title, &ret) || !opt_str(conn, root, "as", &as, &ret) ||
            !opt_time(conn, root, &at, &ret) || !sw_api_actor(conn, tok, as, &who, &ret)) {
            goto out;
        }
        r = who.engineer ? sw_change_start(api->store, cfg, dep, title, who.engineer, at, sw_now(),
                                           &err, &id)
                         : -EPERM;
        if (r == -EPERM) {
            sw_buf_puts(&err, "changes are recorded by engineers");
        }
        ret = r == 0 ? show_change(api, conn, cfg, id, MHD_HTTP_CREATED) : failed(conn, r, &err);
        goto out;
    }
    if (strlen(rest) < 8 || strcmp(rest + strlen(rest) - 7, "/finish")) {
        char *idpart = strdup(rest);
        if (idpart && sw_change_parse_name(idpart, &id) == 0 && !post) {
            ret = show_change(api, conn, cfg, id, MHD_HTTP_OK);
        } else {
            ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                       "no such route: /api/v1/changes/%s", rest);
        }
        free(idpart);
        goto out;
    }
    {
        char *idpart = strndup(rest, strlen(rest) - 7);
        r = idpart ? sw_change_parse_name(idpart, &id) : -EINVAL;
        free(idpart);
    }
    if (r < 0) {
        ret = sw_api_respond_error(conn, MHD_HTTP_NOT_FOUND, "not_found", NULL,
                                   "no such route: /api/v1/changes/%s", rest);
        goto out;
    }
    if (!post) {
        ret = sw_api_respond_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "POST",
                                   "/api/v1/changes/%s takes POST", rest);
        goto out;
    }
    root = sw_api_body_object(conn, body, len, finish_keys, &ret);
    if (!root || !opt_str(conn, root, "result", &result, &ret) ||
        !opt_str(conn, root, "note", &note, &ret) || !opt_str(conn, root, "as", &as, &ret) ||
        !opt_time(conn, root, &at, &ret) || !sw_api_actor(conn, tok, as, &who, &ret)) {
        goto out;
    }
    if (!result || (strcmp(result, "ok") && strcmp(result, "failed"))) {
        ret = bad(conn, "'result' must be \"ok\" or \"failed\"");
        goto out;
    }
    if (!who.engineer) {
        ret = sw_api_respond_error(conn, MHD_HTTP_FORBIDDEN, "forbidden", NULL,
                                   "changes are recorded by engineers");
        goto out;
    }
    r = sw_change_finish(api->store, id, strcmp(result, "ok") == 0, note, at, sw_now(), &err);
    ret = r == 0 ? show_change(api, conn, cfg, id, MHD_HTTP_OK) : failed(conn, r, &err);
out:
    json_decref(root);
    sw_config_unref(cfg);
    sw_buf_release(&err);
    return ret;
}

/* ---- the team's health ---- */

enum MHD_Result sw_api_get_health(struct sw_api *api, struct MHD_Connection *conn)
{
    const char *month = arg(conn, "month"), *from_s = arg(conn, "from"), *to_s = arg(conn, "to");
    const char *format = arg(conn, "format");
    struct sw_config *cfg = sw_engine_config(api->engine);
    int64_t from = 0, to = 0, now = sw_now();
    enum sw_format_kind fmt = SW_TEAM_JSON;
    struct sw_buf out, err;
    enum MHD_Result ret;
    int y, m, r;

    sw_buf_init(&out);
    sw_buf_init(&err);
    if (format && strcmp(format, "json") && strcmp(format, "csv")) {
        ret = bad(conn, "'format' must be json or csv");
        goto out;
    }
    fmt = format && strcmp(format, "csv") == 0 ? SW_TEAM_CSV : SW_TEAM_JSON;
    if (month && (from_s || to_s)) {
        ret = bad(conn, "give 'month' or 'from' and 'to', not both");
        goto out;
    }
    if ((month && sw_account_month("UTC", month, &y, &m, &from, &to) < 0) ||
        (from_s && sw_time_parse(from_s, &from) < 0) || (to_s && sw_time_parse(to_s, &to) < 0) ||
        (!month && !from_s != !to_s)) {
        ret = bad(conn, "'month' is YYYY-MM; 'from' and 'to' are ISO 8601 times, both given");
        goto out;
    }
    if (!from) {
        to = now;
        from = now - 30 * 86400;
    }
    r = sw_team_health(api->store, cfg, from, to, arg(conn, "engineer"), now, fmt, &out, &err);
    if (r < 0) {
        ret = failed(conn, r, &err);
    } else if (fmt == SW_TEAM_CSV) {
        ret = sw_api_respond_text(conn, MHD_HTTP_OK, "text/csv; charset=utf-8", &out);
    } else {
        ret = sw_api_respond_json(conn, MHD_HTTP_OK, &out);
    }
out:
    sw_config_unref(cfg);
    sw_buf_release(&out);
    sw_buf_release(&err);
    return ret;
}
