/* SPDX-License-Identifier: Apache-2.0 */
/* auth.c: who a request is and what a role may do.
 *  - Identity: a bearer token (the configuration's `tokens:`, or the store's, made with
 *    `stackward token create`), or a web session cookie made by signing in with such a token.
 *    A token is looked up on every request, so a revoked one stops working at once, sessions
 *    made with it included.
 *  - Secure by default: while no token exists at all, only loopback clients are answered.
 *  - Sessions: a random id in an HttpOnly, SameSite=Strict cookie, kept in memory for 12
 *    hours; each has its own anti-forgery token, which every state-changing request made with
 *    the cookie must send back (header X-CSRF-Token, or the form field csrf). Requests with a
 *    bearer token carry no ambient credential and need none. */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "api/api_int.h"

#define SESSION_TTL_S (12 * 3600)
#define SESSIONS_MAX 10000
#define SESSIONS_PER_TOKEN 16

struct sw_api_session {
    char id[65];
    char csrf[65];
    unsigned char sha256[32]; /* of the token signed in with */
    int64_t expires;
};

static void hex(const unsigned char *raw, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    }
}

static bool random_hex(char out[65])
{
    unsigned char raw[32];

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return false;
    }
    hex(raw, sizeof(raw), out);
    OPENSSL_cleanse(raw, sizeof(raw));
    return true;
}

bool sw_api_loopback(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (!sa) {
        return false;
    }
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        const unsigned char *b = a->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr)) {
            return true;
        }
        return memcmp(b, mapped, 12) == 0 && b[12] == 127;
    }
    return false;
}

int sw_api_tokens_exist(struct sw_api *api, const struct sw_config *cfg)
{
    int r;

    if (cfg->n_tokens > 0) {
        return 1;
    }
    r = sw_store_token_any(api->store);
    if (r >= 0) {
        __atomic_store_n(&api->tokens_known, r, __ATOMIC_SEQ_CST);
        return r;
    }
    /* the database is away: what it said last (tokens are made and revoked through it, so
     * nothing changed since), or no answer at all */
    r = __atomic_load_n(&api->tokens_known, __ATOMIC_SEQ_CST);
    return r >= 0 ? r : -EIO;
}

/* A Host naming this machine: 127.x.x.x, [::1] or localhost, with any port. */
static bool loopback_host(const char *h, size_t n)
{
    size_t len = n;

    if (n && h[0] == '[') {
        return n >= 5 && strncmp(h, "[::1]", 5) == 0 && (n == 5 || h[5] == ':');
    }
    for (size_t i = 0; i < n; i++) {
        if (h[i] == ':') {
            len = i;
            break;
        }
    }
    if (len == 9 && strncasecmp(h, "localhost", 9) == 0) {
        return true;
    }
    if (len < 9 || strncmp(h, "127.", 4) != 0) {
        return false;
    }
    for (size_t i = 4; i < len; i++) {
        if (!isdigit((unsigned char)h[i]) && h[i] != '.') {
            return false;
        }
    }
    return true;
}

bool sw_api_same_site(struct MHD_Connection *conn, bool changes)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    const char *site = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site");

    if (host && !loopback_host(host, strlen(host))) {
        return false;
    }
    if (!changes) {
        return true;
    }
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
        return false;
    }
    if (origin) {
        const char *p = strstr(origin, "://");
        return p && loopback_host(p + 3, strlen(p + 3));
    }
    return true;
}

void sw_api_ident_release(struct sw_api_ident *id)
{
    free(id->name);
    free(id->engineer);
    free(id->customer);
    memset(id, 0, sizeof(*id));
}

/* The token whose hash is d, from the configuration or the store: 0 and *id filled, or
 * -ENOENT. */
static int by_hash(struct sw_api *api, const struct sw_config *cfg, const unsigned char d[32],
                   struct sw_api_ident *id)
{
    const struct sw_token_conf *t = sw_config_find_token(cfg, d);
    struct sw_token_row row = {0};
    int r;

    if (t) {
        id->name = sw_xstrdup(t->id);
        if (t->customer) {
            id->role = SW_ROLE_CUSTOMER;
            id->customer = sw_xstrdup(t->customer->id);
        } else {
            id->role = SW_ROLE_ENGINEER;
            id->engineer = sw_xstrdup(t->engineer->id);
        }
    } else if ((r = sw_store_token_find(api->store, d, &row)) == 0) {
        id->name = row.name;
        id->role = row.role;
        id->customer = row.customer;
        row.name = row.customer = NULL;
        if (id->role != SW_ROLE_CUSTOMER) {
            id->engineer = sw_xstrdup(id->name); /* who acts: the token's name */
        }
    } else {
        return r == -ENOENT ? -ENOENT : -EIO;
    }
    memcpy(id->sha256, d, 32);
    return 0;
}

int sw_api_token_ident(struct sw_api *api, const struct sw_config *cfg, const char *token,
                       struct sw_api_ident *id)
{
    unsigned char d[32];

    if (!token || !*token || EVP_Digest(token, strlen(token), d, NULL, EVP_sha256(), NULL) != 1) {
        return -ENOENT;
    }
    return by_hash(api, cfg, d, id);
}

int sw_api_identify(struct sw_api *api, const struct sw_config *cfg, struct MHD_Connection *conn,
                    struct sw_api_ident *id)
{
    const char *h =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SW_SESSION_COOKIE);
    unsigned char d[32];
    bool found = false;

    memset(id, 0, sizeof(*id));
    if (h) {
        if (strncasecmp(h, "Bearer ", 7) != 0) {
            return -EACCES;
        }
        int r = sw_api_token_ident(api, cfg, h + 7, id);
        return r == 0 || r == -EIO ? r : -EACCES;
    }
    if (!cookie) {
        return -ENOENT;
    }
    pthread_mutex_lock(&api->sess_mu);
    for (size_t i = 0; i < api->n_sessions; i++) {
        struct sw_api_session *s = &api->sessions[i];
        if (strcmp(s->id, cookie) == 0 && s->expires > sw_now()) {
            memcpy(d, s->sha256, 32);
            memcpy(id->csrf, s->csrf, sizeof(id->csrf));
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&api->sess_mu);
    if (found) {
        int r = by_hash(api, cfg, d, id);
        if (r == -EIO) {
            memset(id, 0, sizeof(*id));
            return r;
        }
        found = r == 0;
    }
    if (!found) {
        memset(id, 0, sizeof(*id));
        return -EACCES; /* unknown, expired, or its token was revoked */
    }
    id->session = true;
    return 0;
}

int sw_api_session_new(struct sw_api *api, const struct sw_api_ident *id, char ret_id[65],
                       char ret_csrf[65])
{
    struct sw_api_session s = {0};
    int64_t now = sw_now();
    size_t k = 0, mine = 0, oldest = SIZE_MAX;

    if (!random_hex(s.id) || !random_hex(s.csrf)) {
        return -EIO;
    }
    memcpy(s.sha256, id->sha256, 32);
    s.expires = now + SESSION_TTL_S;
    pthread_mutex_lock(&api->sess_mu);
    /* drop the expired; a token holds at most SESSIONS_PER_TOKEN (its oldest goes), so one
     * token signing in over and over cannot push anybody else out */
    for (size_t i = 0; i < api->n_sessions; i++) {
        if (api->sessions[i].expires > now) {
            api->sessions[k++] = api->sessions[i];
        }
    }
    api->n_sessions = k;
    for (size_t i = 0; i < api->n_sessions; i++) {
        if (memcmp(api->sessions[i].sha256, s.sha256, 32) == 0) {
            mine++;
            if (oldest == SIZE_MAX || api->sessions[i].expires < api->sessions[oldest].expires) {
                oldest = i;
            }
        }
    }
    if (mine >= SESSIONS_PER_TOKEN || (api->n_sessions >= SESSIONS_MAX && oldest != SIZE_MAX)) {
        api->sessions[oldest] = api->sessions[--api->n_sessions];
    } else if (api->n_sessions >= SESSIONS_MAX) {
        pthread_mutex_unlock(&api->sess_mu);
        OPENSSL_cleanse(&s, sizeof(s));
        return -EIO; /* full of other tokens' live sessions */
    }
    sw_xgrow((void **)&api->sessions, &api->cap_sessions, api->n_sessions + 1,
             sizeof(*api->sessions));
    api->sessions[api->n_sessions++] = s;
    pthread_mutex_unlock(&api->sess_mu);
    memcpy(ret_id, s.id, 65);
    memcpy(ret_csrf, s.csrf, 65);
    OPENSSL_cleanse(&s, sizeof(s));
    return 0;
}

void sw_api_session_end(struct sw_api *api, const char *sid)
{
    pthread_mutex_lock(&api->sess_mu);
    for (size_t i = 0; i < api->n_sessions; i++) {
        if (strcmp(api->sessions[i].id, sid) == 0) {
            OPENSSL_cleanse(&api->sessions[i], sizeof(api->sessions[i]));
            api->sessions[i] = api->sessions[--api->n_sessions];
            break;
        }
    }
    pthread_mutex_unlock(&api->sess_mu);
}

void sw_api_sessions_free(struct sw_api *api)
{
    if (api->sessions) {
        OPENSSL_cleanse(api->sessions, api->cap_sessions * sizeof(*api->sessions));
    }
    free(api->sessions);
    api->sessions = NULL;
    api->n_sessions = api->cap_sessions = 0;
}

bool sw_api_csrf_ok(const struct sw_api_ident *id, const char *sent)
{
    /* constant time: the comparison must not tell how much of a guess was right */
    return !id->session || (sent && strlen(sent) == 64 && CRYPTO_memcmp(sent, id->csrf, 64) == 0);
}

const char *sw_api_form_value(const char *body, size_t len, const char *name, char *out,
                              size_t size)
{
    size_t nl = strlen(name);
    const char *p = body, *end = body + len;

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *fe = amp ? amp : end;
        if ((size_t)(fe - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t o = 0;
            for (const char *c = p + nl + 1; c < fe && o + 1 < size; c++) {
                if (*c == '+') {
                    out[o++] = ' ';
                } else if (*c == '%' && fe - c > 2 && isxdigit((unsigned char)c[1]) &&
                           isxdigit((unsigned char)c[2])) {
                    char h[3] = {c[1], c[2], 0};
                    out[o++] = (char)strtol(h, NULL, 16);
                    c += 2;
                } else {
                    out[o++] = *c;
                }
            }
            out[o] = '\0';
            return out;
        }
        p = fe + 1;
    }
    return NULL;
}
