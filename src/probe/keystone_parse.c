/* SPDX-License-Identifier: Apache-2.0 */
/* keystone_parse.c: the pure parts of the keystone probe (keystone.h): the login body
 * (jansson), the token response and its catalog, check ids for the endpoints, and the
 * judgement of an endpoint's answer. No I/O: fuzzed alone (tests/fuzz/fuzz_keystone.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "probe/keystone.h"

/* Longest id sw_id_from() makes. */
#define ID_MAX 64

/* ---- the login body ---- */

/* A JSON string for the configuration value v of key, or NULL with the reason in err:
 * empty, or not UTF-8 (jansson refuses it). The reason never quotes v: it may be a secret. */
static json_t *jstr(const char *v, const char *key, struct sw_buf *err)
{
    json_t *j;

    if (!v[0]) {
        sw_buf_printf(err, "%s is empty", key);
        return NULL;
    }
    j = json_string(v);
    if (!j) {
        sw_buf_printf(err, "%s is not valid UTF-8 text", key);
    }
    return j;
}

/* Sets o[k] to the string v (configuration key key); false with err on failure. */
static bool set_str(json_t *o, const char *k, const char *v, const char *key, struct sw_buf *err)
{
    json_t *j = jstr(v, key, err);

    if (!j) {
        return false;
    }
    json_object_set_new(o, k, j);
    return true;
}

/* {"name": ...} or {"id": ...} for a domain given by name or id (one of them non-NULL). */
static json_t *domain_obj(const char *name, const char *id, const char *name_key,
                          const char *id_key, struct sw_buf *err)
{
    json_t *d = json_object();

    if (!(name ? set_str(d, "name", name, name_key, err) : set_str(d, "id", id, id_key, err))) {
        json_decref(d);
        return NULL;
    }
    return d;
}

/* The "user" object: {"id": ...} or {"name": ..., "domain": {...}}. what names the setting
 * that needs a user, for the message when none is given. */
static json_t *user_obj(const struct sw_ks_auth *a, const char *what, struct sw_buf *err)
{
    json_t *u = json_object(), *d;

    if (a->user_id && a->username) {
        sw_buf_puts(err, "give user_id or username, not both");
        goto fail;
    }
    if (!a->user_id && !a->username) {
        sw_buf_printf(err, "%s needs user_id or username", what);
        goto fail;
    }
    if (a->user_id) {
        if (a->user_domain || a->user_domain_id) {
            sw_buf_puts(err, "user_domain and user_domain_id go with username, not user_id");
            goto fail;
        }
        if (!set_str(u, "id", a->user_id, "user_id", err)) {
            goto fail;
        }
        return u;
    }
    if (a->user_domain && a->user_domain_id) {
        sw_buf_puts(err, "give user_domain or user_domain_id, not both");
        goto fail;
    }
    if (!a->user_domain && !a->user_domain_id) {
        sw_buf_puts(err, "username needs user_domain or user_domain_id");
        goto fail;
    }
    if (!set_str(u, "name", a->username, "username", err)) {
        goto fail;
    }
    d = domain_obj(a->user_domain, a->user_domain_id, "user_domain", "user_domain_id", err);
    if (!d) {
        goto fail;
    }
    json_object_set_new(u, "domain", d);
    return u;
fail:
    json_decref(u);
    return NULL;
}

/* The "scope" object, or NULL with *ret_ok true when no project is given (unscoped). */
static json_t *scope_obj(const struct sw_ks_auth *a, bool *ret_ok, struct sw_buf *err)
{
    json_t *s = NULL, *p = json_object(), *d;

    *ret_ok = false;
    if (a->project && a->project_id) {
        sw_buf_puts(err, "give project or project_id, not both");
        goto out;
    }
    if (a->project_domain && a->project_domain_id) {
        sw_buf_puts(err, "give project_domain or project_domain_id, not both");
        goto out;
    }
    if (!a->project && (a->project_domain || a->project_domain_id)) {
        sw_buf_puts(err, a->project_id
                             ? "project_domain and project_domain_id go with project, not "
                               "project_id"
                             : "project_domain and project_domain_id need project");
        goto out;
    }
    if (a->project_id) {
        if (!set_str(p, "id", a->project_id, "project_id", err)) {
            goto out;
        }
    } else if (a->project) {
        if (!a->project_domain && !a->project_domain_id) {
            sw_buf_puts(err, "project needs project_domain or project_domain_id");
            goto out;
        }
        if (!set_str(p, "name", a->project, "project", err)) {
            goto out;
        }
        d = domain_obj(a->project_domain, a->project_domain_id, "project_domain",
                       "project_domain_id", err);
        if (!d) {
            goto out;
        }
        json_object_set_new(p, "domain", d);
    } else {
        *ret_ok = true; /* unscoped */
        goto out;
    }
    s = json_object();
    json_object_set_new(s, "project", p);
    p = NULL;
    *ret_ok = true;
out:
    json_decref(p);
    return s;
}

static json_t *password_identity(const struct sw_ks_auth *a, struct sw_buf *err)
{
    json_t *id = NULL, *user, *pw;

    user = user_obj(a, "password", err);
    if (!user) {
        return NULL;
    }
    if (!set_str(user, "password", a->password, "password", err)) {
        json_decref(user);
        return NULL;
    }
    pw = json_object();
    json_object_set_new(pw, "user", user);
    id = json_object();
    json_object_set_new(id, "methods", json_pack("[s]", "password"));
    json_object_set_new(id, "password", pw);
    return id;
}

static json_t *app_cred_identity(const struct sw_ks_auth *a, struct sw_buf *err)
{
    json_t *id = NULL, *ac = json_object(), *user;

    if (a->project || a->project_id || a->project_domain || a->project_domain_id) {
        sw_buf_puts(err, "an application credential carries its own project: give no project, "
                         "project_id, project_domain or project_domain_id");
        goto out;
    }
    if (!a->app_cred_secret) {
        sw_buf_puts(err, "an application credential needs application_credential_secret");
        goto out;
    }
    if (a->app_cred_id && a->app_cred_name) {
        sw_buf_puts(err, "give application_credential_id or application_credential_name, not both");
        goto out;
    }
    if (a->app_cred_id) {
        if (a->user_id || a->username || a->user_domain || a->user_domain_id) {
            sw_buf_puts(err, "application_credential_id takes no user (user_id, username, "
                             "user_domain, user_domain_id)");
            goto out;
        }
        if (!set_str(ac, "id", a->app_cred_id, "application_credential_id", err)) {
            goto out;
        }
    } else if (a->app_cred_name) {
        if (!set_str(ac, "name", a->app_cred_name, "application_credential_name", err)) {
            goto out;
        }
        user = user_obj(a, "application_credential_name", err);
        if (!user) {
            goto out;
        }
        json_object_set_new(ac, "user", user);
    } else {
        sw_buf_puts(err, "an application credential needs application_credential_id or "
                         "application_credential_name");
        goto out;
    }
    if (!set_str(ac, "secret", a->app_cred_secret, "application_credential_secret", err)) {
        goto out;
    }
    id = json_object();
    json_object_set_new(id, "methods", json_pack("[s]", "application_credential"));
    json_object_set_new(id, "application_credential", ac);
    ac = NULL;
out:
    json_decref(ac);
    return id;
}

char *sw_ks_auth_body(const struct sw_ks_auth *a, struct sw_buf *err)
{
    bool app = a->app_cred_id || a->app_cred_name || a->app_cred_secret;
    json_t *root = NULL, *auth, *identity, *scope = NULL;
    char *dump, *body = NULL;
    bool ok;

    if (app && a->password) {
        sw_buf_puts(err, "give a password or an application credential, not both");
        return NULL;
    }
    if (!app && !a->password) {
        sw_buf_puts(err, "no credentials: give a password or an application credential");
        return NULL;
    }
    identity = app ? app_cred_identity(a, err) : password_identity(a, err);
    if (!identity) {
        return NULL;
    }
    if (!app) {
        scope = scope_obj(a, &ok, err);
        if (!ok) {
            json_decref(identity);
            return NULL;
        }
    }
    auth = json_object();
    json_object_set_new(auth, "identity", identity);
    if (scope) {
        json_object_set_new(auth, "scope", scope);
    }
    root = json_object();
    json_object_set_new(root, "auth", auth);
    dump = json_dumps(root, JSON_COMPACT);
    if (!dump) {
        abort(); /* only out of memory: die loudly as sw_xmalloc() does */
    }
    body = sw_xstrdup(dump);
    explicit_bzero(dump, strlen(dump));
    free(dump);
    json_decref(root);
    return body;
}

/* ---- the token response ---- */

/* A copy of the JSON string j (NUL bytes end it, non-text bytes become '?'). */
static char *text_dup(const json_t *j)
{
    char *s = sw_xstrndup(json_string_value(j), json_string_length(j));

    sw_str_sanitize(s);
    return s;
}

/* Appends s for a message: quoted, at most 120 bytes, non-text bytes replaced. */
static void quote(struct sw_buf *b, const char *s, size_t n)
{
    char *q = sw_xstrndup(s, n < 120 ? n : 120);

    sw_str_sanitize(q);
    sw_buf_printf(b, "'%s%s'", q, n > 120 ? "..." : "");
    free(q);
}

/* "2026-11-28T17:03:12.123456Z" to Unix ms: sw_time_parse() for the seconds, the fraction's
 * first three digits for the ms. */
static int parse_time_ms(const char *s, int64_t *ret_ms)
{
    const char *p;
    int64_t t, ms = 0;
    int i;

    if (sw_time_parse(s, &t) < 0) {
        return -EINVAL;
    }
    p = strchr(s, '.');
    if (p) {
        p++;
        for (i = 0; i < 3; i++) {
            ms *= 10;
            if (*p >= '0' && *p <= '9') {
                ms += *p++ - '0';
            }
        }
    }
    *ret_ms = t * 1000 + ms;
    return 0;
}

/* token[key]: 0 when absent or null, else an ISO 8601 time. */
static int token_time(json_t *token, const char *key, int64_t *ret_ms, struct sw_buf *err)
{
    json_t *j = json_object_get(token, key);

    *ret_ms = 0;
    if (!j || json_is_null(j)) {
        return 0;
    }
    if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j) ||
        parse_time_ms(json_string_value(j), ret_ms) < 0) {
        sw_buf_printf(err, "token.%s ", key);
        if (json_is_string(j)) {
            quote(err, json_string_value(j), json_string_length(j));
        } else {
            sw_buf_puts(err, "(not a string)");
        }
        sw_buf_puts(err, " is not an ISO 8601 time");
        return -EINVAL;
    }
    return 0;
}

/* token[obj].name, or NULL. */
static char *token_name(json_t *token, const char *obj)
{
    json_t *j = json_object_get(json_object_get(token, obj), "name");

    return json_is_string(j) ? text_dup(j) : NULL;
}

/* Why url is not usable, or NULL. */
static char *url_problem(const json_t *j)
{
    const char *url;
    CURLU *u;
    char *scheme = NULL, *host = NULL, *why = NULL;
    size_t n;

    if (!json_is_string(j)) {
        return sw_xstrdup("endpoint has no URL");
    }
    url = json_string_value(j);
    n = json_string_length(j);
    if (n > SW_KS_MAX_URL_LEN) {
        return sw_xasprintf("endpoint URL is longer than %d bytes", SW_KS_MAX_URL_LEN);
    }
    u = curl_url();
    if (!u) {
        abort(); /* only out of memory */
    }
    /* Control characters and NUL bytes first: they would not reach curl whole. */
    if (strlen(url) != n || !sw_str_is_text(url, n) || strpbrk(url, "\t\r\n") ||
        curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        struct sw_buf b;

        sw_buf_init(&b);
        sw_buf_puts(&b, "endpoint URL ");
        quote(&b, url, n);
        sw_buf_puts(&b, " is not an http(s) URL");
        why = sw_buf_steal(&b);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return why;
}

/* An endpoint being collected, with what sorting needs. */
struct item {
    struct sw_ks_endpoint e;
    char base[ID_MAX + 1]; /* check id before de-duplication */
    size_t order;          /* position in the catalog */
};

static void endpoint_release(struct sw_ks_endpoint *e)
{
    free(e->service_type);
    free(e->service_name);
    free(e->interface);
    free(e->region);
    free(e->url);
    free(e->id);
    free(e->check_id);
    free(e->bad_url);
}

static bool in_list(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, v[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Duplicates of a base id stay together, ordered by endpoint id then URL, so the suffixes
 * do not depend on the order the server lists them in. */
static int cmp_dedup(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;
    int c;

    if ((c = strcmp(a->e.service_type, b->e.service_type)) != 0 ||
        (c = strcmp(a->base, b->base)) != 0 || (c = strcmp(a->e.id, b->e.id)) != 0 ||
        (c = strcmp(a->e.url, b->e.url)) != 0) {
        return c;
    }
    return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_final(const void *pa, const void *pb)
{
    const struct sw_ks_endpoint *a = pa, *b = pb;
    int c = strcmp(a->service_type, b->service_type);

    return c ? c : strcmp(a->check_id, b->check_id);
}

/* base with "-k", cut so that the whole stays an id of at most ID_MAX bytes. */
static char *suffixed(const char *base, size_t k)
{
    char sfx[24];
    size_t n = strlen(base), s = (size_t)snprintf(sfx, sizeof(sfx), "-%zu", k);

    if (n + s > ID_MAX) {
        n = ID_MAX - s;
        while (n > 1 && strchr("-._", base[n - 1])) {
            n--;
        }
    }
    return sw_xasprintf("%.*s%s", (int)n, base, sfx);
}

/* Gives every item of v[first..end) (one service type, sorted by cmp_dedup) its check id:
 * the first of each base keeps it, the others take the next free "-k". */
static void assign_ids(struct item *v, size_t first, size_t end)
{
    struct sw_map taken;
    size_t i, k = 2;

    sw_map_init(&taken);
    /* Every base is claimed before any suffix is handed out, so a suffixed duplicate never
     * takes an id a later base needs ("public-R" twice and a region "R-2"). */
    for (i = first; i < end; i++) {
        if (!sw_map_get(&taken, v[i].base)) {
            v[i].e.check_id = sw_xstrdup(v[i].base);
            sw_map_put(&taken, v[i].e.check_id, &v[i]);
        }
    }
    for (i = first; i < end; i++) {
        if (v[i].e.check_id) {
            k = 2;
            continue;
        }
        for (;; k++) {
            char *id = suffixed(v[i].base, k);

            if (!sw_map_get(&taken, id)) {
                v[i].e.check_id = id;
                sw_map_put(&taken, id, &v[i]);
                break;
            }
            free(id);
        }
    }
    sw_map_release(&taken);
}

/* An optional string field of an endpoint: *ret is a copy, or def when absent or null. */
static int opt_str(json_t *o, const char *key, const char *def, char **ret, const char *where,
                   struct sw_buf *err)
{
    json_t *j = json_object_get(o, key);

    if (!j || json_is_null(j)) {
        *ret = def ? sw_xstrdup(def) : NULL;
        return 0;
    }
    if (!json_is_string(j)) {
        sw_buf_printf(err, "%s.%s is not a string", where, key);
        return -EINVAL;
    }
    *ret = text_dup(j);
    return 0;
}

/* Reads one endpoint (catalog[ci].endpoints[ei]) of the entry of type type and name name
 * into *it. */
static int read_endpoint(json_t *ep, const char *type, const char *name, size_t ci, size_t ei,
                         struct item *it, struct sw_buf *err)
{
    char where[64];
    json_t *j;
    int r;

    snprintf(where, sizeof(where), "catalog[%zu].endpoints[%zu]", ci, ei);
    if (!json_is_object(ep)) {
        sw_buf_printf(err, "%s is not an object", where);
        return -EINVAL;
    }
    j = json_object_get(ep, "interface");
    if (!json_is_string(j) || json_string_length(j) == 0) {
        sw_buf_printf(err, "%s has no \"interface\"", where);
        return -EINVAL;
    }
    it->e.interface = text_dup(j);
    /* Keystone writes both region_id and the older region; either may be null. */
    r = opt_str(ep, "region_id", NULL, &it->e.region, where, err);
    if (r == 0 && !it->e.region) {
        r = opt_str(ep, "region", "", &it->e.region, where, err);
    }
    if (r == 0) {
        r = opt_str(ep, "id", "", &it->e.id, where, err);
    }
    if (r < 0) {
        return r;
    }
    j = json_object_get(ep, "url");
    it->e.url = json_is_string(j) ? text_dup(j) : sw_xstrdup("");
    it->e.bad_url = url_problem(j);
    it->e.service_type = sw_xstrdup(type);
    it->e.service_name = sw_xstrdup(name);
    return 0;
}

/* True when the filter keeps it (interface and region read). */
static bool wanted(const struct item *it, const struct sw_ks_filter *f)
{
    static const char *const public_only[] = {"public"};
    const char *const *ifs = public_only;
    size_t n_ifs = 1;

    if (f && f->n_interfaces > 0) {
        ifs = f->interfaces;
        n_ifs = f->n_interfaces;
    }
    if (!in_list(it->e.interface, ifs, n_ifs)) {
        return false;
    }
    return !f || !f->region || strcmp(f->region, it->e.region) == 0;
}

/* The check id before de-duplication: "<interface>-<region>", or "<interface>". */
static void base_id(struct item *it)
{
    char *s = it->e.region[0] ? sw_xasprintf("%s-%s", it->e.interface, it->e.region)
                              : sw_xstrdup(it->e.interface);

    if (sw_id_from(s, it->base, sizeof(it->base)) == 0) {
        strcpy(it->base, "endpoint"); /* nothing usable in the names */
    }
    free(s);
}

static int read_catalog(json_t *catalog, const struct sw_ks_filter *f, struct item **ret_v,
                        size_t *ret_n, size_t *ret_total, struct sw_buf *err)
{
    struct item *v = NULL;
    size_t n = 0, cap = 0, total = 0, ci, ei;
    json_t *entry, *ep, *j;
    int r = 0;

    json_array_foreach(catalog, ci, entry)
    {
        char *type = NULL, *name = NULL;
        json_t *eps;

        if (!json_is_object(entry)) {
            sw_buf_printf(err, "catalog[%zu] is not an object", ci);
            r = -EINVAL;
            goto out;
        }
        j = json_object_get(entry, "type");
        if (!json_is_string(j) || json_string_length(j) == 0) {
            sw_buf_printf(err, "catalog[%zu] has no \"type\"", ci);
            r = -EINVAL;
            goto out;
        }
        eps = json_object_get(entry, "endpoints");
        if (!eps || json_is_null(eps)) {
            continue;
        }
        if (!json_is_array(eps)) {
            sw_buf_printf(err, "catalog[%zu].endpoints is not an array", ci);
            r = -EINVAL;
            goto out;
        }
        type = text_dup(j);
        j = json_object_get(entry, "name");
        name = json_is_string(j) ? text_dup(j) : NULL;
        json_array_foreach(eps, ei, ep)
        {
            struct item it = {.order = total++};

            r = read_endpoint(ep, type, name, ci, ei, &it, err);
            if (r < 0 || (f && f->n_services > 0 && !in_list(type, f->services, f->n_services)) ||
                !wanted(&it, f)) {
                endpoint_release(&it.e);
                if (r < 0) {
                    break;
                }
                continue;
            }
            if (n == SW_KS_MAX_ENDPOINTS) {
                endpoint_release(&it.e);
                sw_buf_printf(err, "the catalog has more than %d endpoints to watch",
                              SW_KS_MAX_ENDPOINTS);
                r = -E2BIG;
                break;
            }
            base_id(&it);
            sw_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
            v[n++] = it;
        }
        free(type);
        free(name);
        if (r < 0) {
            goto out;
        }
    }
out:
    *ret_v = v;
    *ret_n = n;
    *ret_total = total;
    return r;
}

int sw_ks_token_parse(const char *body, size_t len, const struct sw_ks_filter *f,
                      struct sw_ks_token *ret, struct sw_buf *err)
{
    struct sw_ks_token t = {0};
    struct item *v = NULL;
    json_error_t jerr;
    json_t *root, *token, *catalog;
    size_t n = 0, i, first;
    int r;

    memset(ret, 0, sizeof(*ret));
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        sw_buf_json_error(err, jerr.line, jerr.column, jerr.text);
        return -EINVAL;
    }
    token = json_object_get(root, "token");
    if (!json_is_object(token)) {
        sw_buf_puts(err, "the response has no \"token\" object");
        r = -EINVAL;
        goto out;
    }
    r = token_time(token, "expires_at", &t.expires_at_ms, err);
    if (r == 0) {
        r = token_time(token, "issued_at", &t.issued_at_ms, err);
    }
    if (r < 0) {
        goto out;
    }
    catalog = json_object_get(token, "catalog");
    if (catalog && !json_is_null(catalog)) {
        if (!json_is_array(catalog)) {
            sw_buf_puts(err, "token.catalog is not an array");
            r = -EINVAL;
            goto out;
        }
        r = read_catalog(catalog, f, &v, &n, &t.n_catalog, err);
        if (r < 0) {
            goto out;
        }
    }

    if (n > 1) { /* qsort(NULL, 0, ...) is undefined */
        qsort(v, n, sizeof(*v), cmp_dedup);
    }
    for (first = 0, i = 1; i <= n; i++) {
        if (i == n || strcmp(v[i].e.service_type, v[first].e.service_type) != 0) {
            assign_ids(v, first, i);
            first = i;
        }
    }
    t.endpoints = n ? sw_xcalloc(n, sizeof(*t.endpoints)) : NULL;
    for (i = 0; i < n; i++) {
        t.endpoints[i] = v[i].e;
    }
    t.n_endpoints = n;
    n = 0; /* moved into t */
    if (t.n_endpoints > 1) {
        qsort(t.endpoints, t.n_endpoints, sizeof(*t.endpoints), cmp_final);
    }
    t.user = token_name(token, "user");
    t.project = token_name(token, "project");
    *ret = t;
    r = 0;
out:
    for (i = 0; i < n; i++) {
        endpoint_release(&v[i].e);
    }
    free(v);
    json_decref(root);
    return r;
}

void sw_ks_token_release(struct sw_ks_token *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_endpoints; i++) {
        endpoint_release(&t->endpoints[i]);
    }
    free(t->endpoints);
    free(t->user);
    free(t->project);
    memset(t, 0, sizeof(*t));
}

/* ---- judging an endpoint's answer ---- */

/* " in 12 ms" (word "in"), with a decimal under 10 ms (" in 2.5 ms"). */
static void latency(struct sw_buf *out, const char *word, int64_t us)
{
    if (us < 0) {
        us = 0;
    }
    if (us < 9950) {
        sw_buf_printf(out, " %s %.1f ms", word, (double)us / 1000.0);
    } else {
        sw_buf_printf(out, " %s %lld ms", word, (long long)((us + 500) / 1000));
    }
}

enum sw_state sw_ks_judge(long status, int64_t latency_us, struct sw_buf *out)
{
    enum sw_state s;

    if (status == 0) {
        sw_buf_puts(out, "no HTTP answer");
        latency(out, "after", latency_us);
        return SW_CRITICAL;
    }
    if (status < 100 || status > 599) {
        sw_buf_printf(out, "invalid HTTP status %ld", status);
        return SW_UNKNOWN;
    }
    if ((status >= 200 && status <= 299) || status == 300) {
        s = SW_OK;
        sw_buf_printf(out, "HTTP %ld", status);
    } else if (status == 401 || status == 403) {
        s = SW_CRITICAL;
        sw_buf_printf(out, "authentication refused (HTTP %ld)", status);
    } else if (status >= 500) {
        s = SW_CRITICAL;
        sw_buf_printf(out, "HTTP %ld", status);
    } else {
        s = SW_WARNING;
        sw_buf_printf(out, "HTTP %ld", status);
    }
    latency(out, "in", latency_us);
    return s;
}
