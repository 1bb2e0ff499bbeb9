/* SPDX-License-Identifier: Apache-2.0 */
/* keystone.h: the pure parts of the keystone probe (keystone_parse.c): the body of an
 * OpenStack Identity v3 login, the token response with its service catalog turned into a
 * list of endpoints to watch, and how an endpoint's HTTP answer is judged. No I/O, no loop:
 * the probe (keystone.c) sends and receives, these only build and read text, so they are
 * tested and fuzzed alone. Internal to src/probe/. */
#ifndef SW_PROBE_KEYSTONE_H
#define SW_PROBE_KEYSTONE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* Most endpoints a token may yield after filtering; more gives -E2BIG. */
#define SW_KS_MAX_ENDPOINTS 4096
/* Longest endpoint URL accepted; a longer one is kept with bad_url set. */
#define SW_KS_MAX_URL_LEN 2048

/* What to send to POST {auth_url}/auth/tokens. Borrowed strings; NULL fields are absent. */
struct sw_ks_auth {
    const char *username;
    const char *user_id;
    const char *user_domain;    /* domain name of username */
    const char *user_domain_id; /* or its id */
    const char *password;
    const char *project;           /* scope: project name ... */
    const char *project_id;        /* ... or id */
    const char *project_domain;    /* domain name of project */
    const char *project_domain_id; /* or its id */
    const char *app_cred_id;       /* application credential by id ... */
    const char *app_cred_name;     /* ... or by name, with the user (user_id or username) */
    const char *app_cred_secret;
};

/* Builds the JSON body of the login request:
 * - password method when password is set: the user by user_id, or by username with its
 *   domain (user_domain or user_domain_id); scoped to project_id, or to project with its
 *   domain (project_domain or project_domain_id); unscoped when no project is given;
 * - application_credential method when app_cred_secret is set: by app_cred_id, or by
 *   app_cred_name with the user (user_id, or username with its domain). Such a credential
 *   carries its own project, so a project is refused.
 * Contradictions (both a name and an id, a domain without the name it qualifies, both
 * methods), missing parts, empty strings and text that is not UTF-8 are refused.
 * Returns a malloc'd compact JSON string (free()) that holds the secret: wipe it after use.
 * On failure returns NULL and appends the reason to err, naming the configuration key
 * ("username needs user_domain or user_domain_id"); the reason never holds a secret. */
char *sw_ks_auth_body(const struct sw_ks_auth *a, struct sw_buf *err);

/* One endpoint of the catalog. All strings owned by the struct sw_ks_token. */
struct sw_ks_endpoint {
    char *service_type; /* the catalog entry's "type": compute, identity, ... */
    char *service_name; /* its "name", or NULL when absent */
    char *interface;    /* public, internal, admin */
    char *region;       /* region_id, else region; "" when the endpoint has none */
    char *url;          /* as in the catalog ("" when absent) */
    char *id;           /* the endpoint's id, "" when absent */
    /* "<interface>-<region>" made an id by sw_id_from() ("<interface>" when there is no
     * region), unique among the endpoints of the same service_type: duplicates, ordered by
     * endpoint id then URL, get "-2", "-3"... after the first. Never "". */
    char *check_id;
    char *bad_url; /* NULL, or why url is not usable ("endpoint URL 'foo' is not an http(s)
                      URL") */
};

/* Which endpoints to keep. Borrowed. */
struct sw_ks_filter {
    const char *const *interfaces; /* exact match; none (n_interfaces 0): "public" only */
    size_t n_interfaces;
    const char *region;          /* exact match on region_id or region; NULL: every region */
    const char *const *services; /* catalog types, exact match; none: every type */
    size_t n_services;
};

struct sw_ks_token {
    int64_t expires_at_ms;            /* token.expires_at, Unix ms; 0 when absent */
    int64_t issued_at_ms;             /* token.issued_at, Unix ms; 0 when absent */
    char *user;                       /* token.user.name, or NULL */
    char *project;                    /* token.project.name, or NULL (unscoped or domain scope) */
    struct sw_ks_endpoint *endpoints; /* kept by the filter, sorted by service_type then
                                         check_id */
    size_t n_endpoints;
    size_t n_catalog; /* endpoints in the catalog before filtering */
};

/* Parses a token response body ({"token": {"expires_at": ..., "catalog": [...]}}) of len
 * bytes; filter may be NULL (public endpoints of every region and type). Fills *ret (owned
 * by the caller, free with sw_ks_token_release()) and returns 0. A token without catalog or
 * with an empty one is not an error: n_endpoints is 0. Endpoints whose URL is missing or not
 * http(s) (as libcurl parses it) are kept with bad_url set. Text from the body is copied
 * with non-text bytes replaced by '?'.
 * Returns -EINVAL for malformed JSON, a missing token object, times that are not ISO 8601,
 * a catalog that is not an array, an entry without a type or an endpoint without interface,
 * and -E2BIG for more than SW_KS_MAX_ENDPOINTS endpoints kept; then *ret is zeroed (release
 * is a no-op) and the reason, naming the place ("catalog[3].endpoints[0]"), is in err. */
int sw_ks_token_parse(const char *body, size_t len, const struct sw_ks_filter *filter,
                      struct sw_ks_token *ret, struct sw_buf *err);
/* Frees what t owns and zeroes it; NULL-safe. */
void sw_ks_token_release(struct sw_ks_token *t);

/* Judges an endpoint's answer: status is the HTTP status, 0 when none came; latency_us the
 * time it took (us). 2xx and 300 (Multiple Choices: a version document) are OK; 401 and
 * 403 CRITICAL ("authentication refused"); other 1xx, 3xx and 4xx WARNING; 5xx CRITICAL;
 * 0 CRITICAL ("no HTTP answer"); a status outside 100..599 UNKNOWN. Appends a one-line
 * reason to out ("HTTP 300 in 12 ms"). */
enum sw_state sw_ks_judge(long status, int64_t latency_us, struct sw_buf *out);

#endif
