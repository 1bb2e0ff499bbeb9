/* SPDX-License-Identifier: Apache-2.0 */
/* alertmanager.h: the pure half of the Alertmanager webhook receiver (POST
 * /api/v1/integrations/alertmanager): parses the webhook body (payload version "4") and maps
 * each alert to a check path, a state and an output line. No I/O and no config lookups:
 * whether the customer and deployment exist is the route's business. Internal to src/api;
 * fuzzed alone (tests/fuzz/fuzz_alertmanager.c). */
#ifndef SW_API_ALERTMANAGER_H
#define SW_API_ALERTMANAGER_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct sw_am_alert {
    char *status;       /* owned; "firing" or "resolved" */
    char **label_names; /* owned, n_labels of them, sorted by name (strcmp) */
    char **label_values;
    size_t n_labels;
    char **annot_names; /* owned, n_annots of them, sorted by name (strcmp) */
    char **annot_values;
    size_t n_annots;
    int64_t starts_at_ms; /* Unix ms; 0 when absent, null or Go's zero time 0001-01-01T00:00:00Z */
    int64_t ends_at_ms;   /* the same */
    char *fingerprint;    /* owned, or NULL when absent */
    char *generator_url;  /* owned, or NULL when absent */
};

struct sw_am_payload {
    char *version;              /* owned; always "4" after a successful parse */
    char *status;               /* owned, or NULL when absent: the group's "firing" or "resolved" */
    char *receiver;             /* owned, or NULL */
    char *group_key;            /* owned, or NULL */
    char *external_url;         /* owned, or NULL */
    struct sw_am_alert *alerts; /* owned, n_alerts of them (0 allowed) */
    size_t n_alerts;
};

/* Parses an Alertmanager webhook body (len bytes, need not be NUL-terminated) into *ret,
 * which the caller releases with sw_am_payload_release() whatever the outcome (it is emptied
 * first and stays empty on failure). Unknown fields (groupLabels, commonLabels,
 * truncatedAlerts...) are ignored. Returns 0, or -EINVAL with one line of text appended to
 * err naming the field and the alert index:
 *   malformed JSON at line 1, column 7: ...
 *   unsupported payload version "3" (this receiver reads version "4")
 *   unsupported payload version: "version" is missing (Alertmanager sends "4")
 *   alerts: missing                         alerts: not an array
 *   alerts[2]: not an object                alerts[2].status: missing
 *   alerts[2].status: "pending" is neither "firing" nor "resolved"
 *   alerts[2].labels: missing               alerts[2].labels: not an object
 *   alerts[2].labels.severity: not a string alerts[0].annotations.summary: not a string
 *   alerts[1].startsAt: "yesterday" is not an RFC 3339 time
 *   receiver: not a string                  (likewise status, groupKey, externalURL,
 *                                            alerts[i].fingerprint, alerts[i].generatorURL) */
int sw_am_parse(const char *body, size_t len, struct sw_am_payload *ret, struct sw_buf *err);
/* Frees what p holds and empties it; NULL-safe, may be called twice. */
void sw_am_payload_release(struct sw_am_payload *p);

/* The value of label (annotation) name of a, borrowed from a; NULL when absent. */
const char *sw_am_label(const struct sw_am_alert *a, const char *name);
const char *sw_am_annotation(const struct sw_am_alert *a, const char *name);

/* How alerts map to checks (from the config's `alertmanager:` block). All pointers are
 * borrowed and must outlive the calls that use the map. */
struct sw_am_map {
    const char *customer_label;   /* "customer" by default */
    const char *deployment_label; /* "deployment" */
    const char *service_label;    /* "service" */
    const char *check_label;      /* "alertname" */
    const char *severity_label;   /* "severity" */
    /* Severity label value -> state of a firing alert, values compared ignoring case, n_sev
     * pairs. No severity label, or a value not listed: CRITICAL. Default: critical ->
     * CRITICAL, warning -> WARNING, info -> OK, none -> OK (the Watchdog's). */
    const char *const *sev_values;
    const enum sw_state *sev_states;
    size_t n_sev;
    /* "CUSTOMER/DEPLOYMENT/SERVICE" taking alerts that lack one of the four labels, or NULL
     * (the default) to refuse them. Used as written (the config validates it). */
    const char *catch_all;
};

/* Fills m with the defaults above (static storage: nothing to free). */
void sw_am_map_defaults(struct sw_am_map *m);

/* Maps alert a:
 *  - *ret_path (owned by the caller) = "CUSTOMER/DEPLOYMENT/SERVICE/CHECK", each part the
 *    value of its label made an id by sw_id_from() ("Nova API!" -> "Nova-API"). When one of
 *    the four labels is missing, or gives no id ("!!!"), the alert goes to catch_all:
 *    catch_all + "/" + the check id, or "/alert" when the check label is what is missing;
 *  - *ret_state = OK for a resolved alert, else the severity map's state;
 *  - *ret_output (owned by the caller) = one line of text, at most 1024 bytes:
 *    "[FIRING] SUMMARY (ALERTNAME)" or "[RESOLVED] ...", SUMMARY being the summary
 *    annotation, else description, else message, else the alertname alone
 *    ("[FIRING] TargetDown"); newlines become blanks, control characters '?'; the
 *    parenthesis is left out when the alert has no alertname label.
 * Returns 0, or -ENOENT with the reason appended to why (outputs untouched), e.g.
 *   alert 'TargetDown' has no label 'customer' and no catch_all is configured
 *   alert 'TargetDown': label 'service' ("!!!") gives no usable id and no catch_all is
 *   configured
 * The alert is named by its check label, else alertname, else its fingerprint, else
 * "(unnamed)". */
int sw_am_map_alert(const struct sw_am_map *m, const struct sw_am_alert *a, char **ret_path,
                    enum sw_state *ret_state, char **ret_output, struct sw_buf *why);

#endif
