/* SPDX-License-Identifier: Apache-2.0 */
/* k8s.h: the pure parsers of the kubernetes probe, private to src/probe: the API server's
 * verbose health reports (/readyz?verbose, /livez?verbose, /healthz?verbose) and a v1
 * NodeList (GET /api/v1/nodes). No I/O here: the probe fetches, these turn the bodies into
 * one item per component or node, each with an id that a derived check can be named by. */
#ifndef SW_PROBE_K8S_H
#define SW_PROBE_K8S_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

/* At most this many item lines in one health report, and nodes in one NodeList: more is
 * refused (-E2BIG), not cut, so that a result never silently misses a component. */
#define SW_K8S_MAX_ITEMS 1000
#define SW_K8S_MAX_NODES 10000

/* An item's check_id is at most this long, so that "readyz-" + check_id (or "livez-" +
 * check_id) still fits the configuration's 64-byte ids. A node's check_id, "node-"
 * included, is at most 64 bytes. */
#define SW_K8S_ITEM_ID_MAX 57
#define SW_K8S_NODE_ID_MAX 64

/* One line "[+]NAME ok" or "[-]NAME failed: REASON" of a verbose health report. */
struct sw_k8s_item {
    char *name;     /* "etcd", "poststarthook/start-apiextensions-controllers"; bytes that are
                       not printable text replaced by '?' */
    bool ok;        /* "[+]" */
    char *reason;   /* "[-]": the text after "failed:" ("reason withheld"), or the whole
                       status text when it does not start with "failed"; NULL when none */
    char *check_id; /* sw_id_from(name) cut at SW_K8S_ITEM_ID_MAX ("poststarthook-start-
                       apiextensions-controllers"), "item" when nothing usable is left; unique
                       within one parse: a repeat gets "-2", "-3"... (cut to fit) */
    bool excluded;  /* "[+]NAME excluded: ok": the server was told to skip it (?exclude=) */
};

/* Parses len bytes of a verbose health report (not NUL-terminated):
 *   [+]ping ok
 *   [+]etcd excluded: ok
 *   [-]poststarthook/start-apiextensions-controllers failed: reason withheld
 *   readyz check failed
 * Item lines become items in body order; "WORD check passed" / "WORD check failed" (readyz,
 * livez, healthz) is the verdict, *ret_passed; without one, *ret_passed says whether every
 * item is ok. Blank and other lines are skipped; CR LF line ends are accepted. A report with
 * only a verdict gives no items (*ret_items NULL, *ret_n 0).
 * Errors, with the reason in err and the outputs untouched:
 *   -EINVAL "not a verbose health report: \"ok\"" when there is neither an item nor a verdict
 *           (the first 60 bytes are shown, escaped, e.g. for a body of plain "ok" or HTML);
 *   -EINVAL "not a verbose health report (not UTF-8 text): \"...\"";
 *   -EINVAL "line 3: an item without a name";
 *   -E2BIG  "more than 1000 items".
 * On success the caller owns the items: free with sw_k8s_items_free(). */
int sw_k8s_verbose_parse(const char *body, size_t len, struct sw_k8s_item **ret_items,
                         size_t *ret_n, bool *ret_passed, struct sw_buf *err);
void sw_k8s_items_free(struct sw_k8s_item *v, size_t n); /* NULL-safe */

/* One node of a NodeList and its Ready condition. */
struct sw_k8s_node {
    char *name;     /* items[].metadata.name; non-printable bytes replaced by '?' */
    int ready;      /* the Ready condition's status: 1 "True", 0 "False", -1 "Unknown", any
                       other value, or no Ready condition at all */
    char *reason;   /* the Ready condition's reason ("KubeletNotReady"), or NULL */
    char *message;  /* its message, one line (control characters replaced), or NULL */
    char *check_id; /* "node-" + sw_id_from(name), at most SW_K8S_NODE_ID_MAX bytes; "node"
                       when the name gives nothing; unique within one parse as items' */
};

/* Parses len bytes of a v1 NodeList (JSON, kind "NodeList") into its nodes, in list order;
 * an empty list gives *ret_nodes NULL, *ret_n 0. Errors (-EINVAL, outputs untouched) name
 * the cause: "malformed JSON at line 1, column 9: ...", "not a JSON object",
 * "kind: missing (expected \"NodeList\")", "kind: expected \"NodeList\", found \"Status\":
 * MESSAGE" (an API Status object's message is shown: RBAC refusals arrive so),
 * "items: missing", "items: not an array", "items[1]: not an object",
 * "items[1].metadata.name: missing", "items[1].metadata.name: not a string",
 * "items[1].metadata.name: empty", "items[0].status.conditions: not an array",
 * "items[0].status.conditions[2].status: missing" (for a Ready condition),
 * "items[0].status.conditions[2].reason: not a string"; -E2BIG "items: more than 10000 nodes".
 * Conditions of other types are not looked at. On success free with sw_k8s_nodes_free(). */
int sw_k8s_nodes_parse(const char *body, size_t len, struct sw_k8s_node **ret_nodes, size_t *ret_n,
                       struct sw_buf *err);
void sw_k8s_nodes_free(struct sw_k8s_node *v, size_t n); /* NULL-safe */

#endif
