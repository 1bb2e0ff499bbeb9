/* SPDX-License-Identifier: Apache-2.0 */
/* api_int.h: what the files of src/api share: the server's state and its ways of answering.
 * Not part of the public interface. */
#ifndef SW_API_INT_H
#define SW_API_INT_H

#include <microhttpd.h>

#include "api/api.h"
#include "incident/incident.h"
#include "support/support.h"

#include <jansson.h>

struct sw_api {
    struct MHD_Daemon *mhd;
    struct sw_engine *engine;
    struct sw_store *store;
    struct sw_inc_manager *incidents; /* or NULL: commands still work, seen at the next pass */
    size_t max_body;
    int port;
};

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

/* GET /api/v1/incidents */
enum MHD_Result sw_api_get_incidents(struct sw_api *api, struct MHD_Connection *conn);
/* GET /api/v1/incidents/{id}; POST /api/v1/incidents/{id}/ack|resolve|note (body). */
enum MHD_Result sw_api_incident(struct sw_api *api, struct MHD_Connection *conn,
                                const struct sw_api_who *tok, const char *rest, bool post,
                                const char *body, size_t len);

#endif
