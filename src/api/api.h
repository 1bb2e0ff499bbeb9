/* SPDX-License-Identifier: Apache-2.0 */
/* api.h: the HTTP API (JSON under /api/v1, /metrics, /healthz) served by libmicrohttpd on
 * its own threads, reading live state from the engine and history from the store; and the
 * JSON renderers the CLI shares (`stackward status --format json`, `history`). The full
 * reference of routes, parameters and status codes is docs/api.md. */
#ifndef SW_API_H
#define SW_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "engine/engine.h"
#include "store/store.h"

/* At most this many results in one POST /api/v1/results body. */
#define SW_API_MAX_RESULTS 10000

struct sw_api;

/* Serves the API on listen ("HOST:PORT", HOST an IPv4 address, a name, or an IPv6 address
 * in brackets "[::1]:8080"; PORT 0 picks a free port, see sw_api_port()) until freed.
 * engine and store are borrowed and must outlive the api. Request bodies above max_body
 * bytes are refused with 413. On failure a message is put in err (when not NULL) and
 * -EINVAL (bad listen string) or -EADDRINUSE, -EACCES, -EIO (cannot serve) is returned.
 * With tls_cert and tls_key (PEM text, both or neither) it serves HTTPS only, and session
 * cookies are marked Secure. */
int sw_api_new(struct sw_engine *engine, struct sw_store *store, const char *listen,
               size_t max_body, const char *tls_cert, const char *tls_key, struct sw_buf *err,
               struct sw_api **ret_api);
/* Stops serving (waits for requests in progress) and frees. NULL-safe. */
void sw_api_free(struct sw_api *api);
/* Commands on incidents through the API wake this manager (borrowed; NULL-safe). */
struct sw_inc_manager;
void sw_api_set_incidents(struct sw_api *api, struct sw_inc_manager *m);

/* The port actually bound (useful after asking for port 0). */
int sw_api_port(const struct sw_api *api);

/* ---- JSON renderers: each appends one JSON document to out ---- */

/* customer_or_NULL restricts the output to one customer id (an unknown id gives []). */

/* [{path, type, state, hard, attempt, max_attempts, since, output, perfdata, last_check,
 *   next_check, flapping, stale, service}] */
void sw_api_json_checks(const struct sw_status *st, const char *customer_or_NULL,
                        struct sw_buf *out);
/* [{path, name, customer, deployment, aggregate, state, hard, since, output, last_check,
 *   flapping, checks: [paths]}] */
void sw_api_json_services(const struct sw_status *st, const char *customer_or_NULL,
                          struct sw_buf *out);
/* [{id, name, state, deployments: [{id, path, kind, region, timezone, state, services}]}] */
void sw_api_json_customers(const struct sw_status *st, const char *customer_or_NULL,
                           struct sw_buf *out);
/* Customers -> deployments -> services -> checks, nested: the customer objects above whose
 * deployments hold "services": [service objects whose "checks" are check objects]. */
void sw_api_json_tree(const struct sw_status *st, const char *customer_or_NULL, struct sw_buf *out);
/* {"path", "from", "to", "intervals": [{"start", "end" (null while open), "state"}]};
 * from and to in s. */
void sw_api_json_history(const char *path, int64_t from, int64_t to, const struct sw_interval *v,
                         size_t n, struct sw_buf *out);
/* One check or service object as in the lists above. */
void sw_api_json_check(const struct sw_status *st, const struct sw_check_status *c,
                       struct sw_buf *out);
void sw_api_json_service(const struct sw_status *st, const struct sw_service_status *s,
                         struct sw_buf *out);

/* Prometheus text exposition (format 0.0.4) of the engine's and the store's counters. */
void sw_api_metrics(struct sw_engine *e, struct sw_store *store, struct sw_buf *out);

/* ---- POST /api/v1/results bodies ---- */

/* Parses and validates a results body (len bytes, need not be NUL-terminated): one object
 * or an array of 1..SW_API_MAX_RESULTS objects {"check": PATH, "state": 0..3 or "OK",
 * "WARNING", "CRITICAL", "UNKNOWN", "output": TEXT (optional), "time": ISO 8601 (optional)};
 * nothing else is allowed. Whether the paths exist is not checked here. On success *ret_v
 * is an array of *ret_n results (free with sw_api_passives_free()). On failure returns
 * -EINVAL (or -E2BIG for too many results) and appends to err a message naming the index and
 * field at fault, or jansson's line and column for malformed JSON; the message is valid
 * UTF-8 and quotes no raw input bytes that are not. */
int sw_api_parse_results(const char *body, size_t len, struct sw_passive **ret_v, size_t *ret_n,
                         struct sw_buf *err);
void sw_api_passives_free(struct sw_passive *v, size_t n); /* NULL-safe */

#endif
