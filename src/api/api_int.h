/* SPDX-License-Identifier: Apache-2.0 */
/* api_int.h: what the files of src/api share: the server's state and its ways of answering.
 * Not part of the public interface. */
#ifndef SW_API_INT_H
#define SW_API_INT_H

#include <microhttpd.h>
#include <pthread.h>

#include "api/api.h"
#include "incident/incident.h"
#include "support/support.h"

#include <jansson.h>

struct sw_api_session;

struct sw_api {
    struct MHD_Daemon *mhd;
    struct sw_engine *engine;
    struct sw_store *store;
    struct sw_inc_manager *incidents; /* or NULL: commands still work, seen at the next pass */
    size_t max_body;
    int port;
    bool tls;                /* HTTPS only; session cookies are Secure */
    pthread_mutex_t sess_mu; /* guards the web sessions */
    struct sw_api_session *sessions;
    size_t n_sessions;
    size_t cap_sessions;
    int tokens_known; /* the store's last answer to "any token?" (1, 0), -1 before any (atomic) */
};

/* ---- auth.c: who a request is ---- */

#define SW_SESSION_COOKIE "sw_session"

struct sw_api_ident {
    enum sw_role role;
    char *name;     /* the token's name (a configured token's id) */
    char *engineer; /* who acts: a configured engineer, or a stored token's name; NULL for a
                       customer */
    char *customer; /* SW_ROLE_CUSTOMER: its customer */
    unsigned char sha256[32];
    bool session; /* came with the session cookie (then csrf is its anti-forgery token) */
    char csrf[65];
};
/* The request's identity from its bearer token or session cookie: 0; -ENOENT when it brings
 * no credential; -EACCES for a malformed header, an unknown or revoked token, an unknown or
 * expired session; -EIO when the store cannot be read to tell (the database is away). */
int sw_api_identify(struct sw_api *api, const struct sw_config *cfg, struct MHD_Connection *conn,
                    struct sw_api_ident *id);
/* The identity of a token's secret (for signing in): 0, -ENOENT, or -EIO (the store cannot
 * tell now). */
int sw_api_token_ident(struct sw_api *api, const struct sw_config *cfg, const char *token,
                       struct sw_api_ident *id);
void sw_api_ident_release(struct sw_api_ident *id);
/* Whether any token is in force, in the configuration or the store: 1 or 0; when the store
 * cannot tell now, its last answer, or -EIO when it never answered. */
int sw_api_tokens_exist(struct sw_api *api, const struct sw_config *cfg);
/* The request names this machine (Host: a loopback address or localhost, or none) and, when
 * changes is set, comes from no site or this one (Origin, Sec-Fetch-Site): not a page of
 * another site run by a browser on this machine. */
bool sw_api_same_site(struct MHD_Connection *conn, bool changes);
/* The client connects from a loopback address (127.0.0.0/8, ::1, ::ffff:127.x). */
bool sw_api_loopback(struct MHD_Connection *conn);
/* A new session for id: its cookie value and anti-forgery token. 0 or -EIO. */
int sw_api_session_new(struct sw_api *api, const struct sw_api_ident *id, char ret_id[65],
                       char ret_csrf[65]);
void sw_api_session_end(struct sw_api *api, const char *sid);
void sw_api_sessions_free(struct sw_api *api);
/* A state-changing request may go ahead: it came with a bearer token, or its anti-forgery
 * token (sent) is the session's. */
bool sw_api_csrf_ok(const struct sw_api_ident *id, const char *sent);
/* The value of name in an application/x-www-form-urlencoded body, decoded into out; NULL
 * when absent. */
const char *sw_api_form_value(const char *body, size_t len, const char *name, char *out,
                              size_t size);

enum MHD_Result sw_api_respond_text(struct MHD_Connection *conn, unsigned status, const char *type,
                                    struct sw_buf *body);
enum MHD_Result sw_api_respond_json(struct MHD_Connection *conn, unsigned status,
                                    struct sw_buf *body);
/* {"error": {"code": code, "message": ...}} with status; allow: an Allow header, or NULL. */
enum MHD_Result sw_api_respond_error(struct MHD_Connection *conn, unsigned status, const char *code,
                                     const char *allow, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Submits results to the engine (creating missing checks derived from create, when set) and
 * waits for them to be durable: 0, or the engine's error with its message (owned). */
int sw_api_submit_wait(struct sw_api *api, const struct sw_passive *v, size_t n, const char *create,
                       char **ret_message);
/* The answer to a submission of n results that ended with r (0, -ENOENT...). */
enum MHD_Result sw_api_respond_submit(struct MHD_Connection *conn, int r, const char *message,
                                      size_t n);
/* POST /api/v1/integrations/alertmanager (alertmanager.c). */
enum MHD_Result sw_api_post_alertmanager(struct sw_api *api, struct MHD_Connection *conn,
                                         const char *body, size_t len);

/* The incident manager's counters in Prometheus text. */
void sw_api_metrics_incidents(struct sw_inc_manager *m, struct sw_buf *out);

/* Who a request's token says it is: an engineer, or a customer; both NULL without a token. */
struct sw_api_who {
    const char *engineer;
    const char *customer;
};

/* The body as a JSON object whose fields are all in allowed (NULL-terminated); NULL after
 * answering 400 (malformed JSON, not an object, an unknown field) with *ret set. */
json_t *sw_api_body_object(struct MHD_Connection *conn, const char *body, size_t len,
                           const char *const *allowed, enum MHD_Result *ret);
/* Who acts: the token's engineer or customer, else the body's "as" (required then; NULL when
 * absent or not a string). false after answering (400, or 403 when the body names another
 * engineer than the token's). */
bool sw_api_actor(struct MHD_Connection *conn, const struct sw_api_who *tok, const char *as,
                  struct sw_actor *who, enum MHD_Result *ret);

/* GET /api/v1/cases, POST /api/v1/cases, /api/v1/cases/{id}[/respond|comment|status|assign]. */
enum MHD_Result sw_api_get_cases(struct sw_api *api, struct MHD_Connection *conn,
                                 const struct sw_api_who *tok);
enum MHD_Result sw_api_post_case(struct sw_api *api, struct MHD_Connection *conn,
                                 const struct sw_api_who *tok, const char *body, size_t len);
enum MHD_Result sw_api_case(struct sw_api *api, struct MHD_Connection *conn,
                            const struct sw_api_who *tok, const char *rest, bool post,
                            const char *body, size_t len);
/* GET /api/v1/changes; POST /api/v1/changes (rest NULL); GET /api/v1/changes/{id}; POST
 * /api/v1/changes/{id}/finish. */
enum MHD_Result sw_api_get_changes(struct sw_api *api, struct MHD_Connection *conn);
enum MHD_Result sw_api_change(struct sw_api *api, struct MHD_Connection *conn,
                              const struct sw_api_who *tok, const char *rest, bool post,
                              const char *body, size_t len);

/* GET /api/v1/health */
enum MHD_Result sw_api_get_health(struct sw_api *api, struct MHD_Connection *conn);

/* GET /api/v1/incidents; only_customer: a customer's view (other customers unknown). */
enum MHD_Result sw_api_get_incidents(struct sw_api *api, struct MHD_Connection *conn,
                                     const char *only_customer);
/* GET /api/v1/incidents/{id}; POST /api/v1/incidents/{id}/ack|resolve|note (body). */
enum MHD_Result sw_api_incident(struct sw_api *api, struct MHD_Connection *conn,
                                const struct sw_api_who *tok, const char *rest, bool post,
                                const char *body, size_t len);

#endif
