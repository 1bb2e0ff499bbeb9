/* SPDX-License-Identifier: Apache-2.0 */
/* k8s_parse.c: the pure parsers of k8s.h: verbose health reports of the Kubernetes API
 * server (line based, as k8s.io/apiserver/pkg/server/healthz writes them) and v1 NodeList
 * documents (jansson). Owns nothing beyond the items and nodes it returns. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "probe/k8s.h"

#define SHOWN_MAX 60 /* bytes of a rejected body quoted in the message */

/* Appends the first SHOWN_MAX bytes of s (n bytes) quoted, escaped so that the message stays
 * one line of valid text whatever s holds, with "..." when s is longer. */
static void shown(struct sw_buf *b, const char *s, size_t n)
{
    sw_buf_quoted(b, s, n, SHOWN_MAX);
}

/* Makes id (holding a base id of at most max bytes, buffer of max + 1) unique among used by
 * appending "-2", "-3"... cut to fit, then records a copy in used and returns it. */
static char *unique_id(struct sw_map *used, char *id, size_t max)
{
    char base[SW_K8S_NODE_ID_MAX + 1];
    char suffix[24];
    char *copy;

    snprintf(base, sizeof(base), "%s", id);
    for (unsigned k = 2; sw_map_get(used, id); k++) {
        size_t cut;

        snprintf(suffix, sizeof(suffix), "-%u", k);
        cut = strlen(base);
        if (cut > max - strlen(suffix)) {
            cut = max - strlen(suffix);
        }
        /* an id never ends in '-', '.' or '_' (sw_id_from's rule), nor does its stem */
        while (cut > 0 && strchr("-._", base[cut - 1])) {
            cut--;
        }
        snprintf(id, max + 1, "%.*s%s", (int)cut, base, suffix);
    }
    copy = sw_xstrdup(id);
    sw_map_put(used, copy, copy);
    return copy;
}

/* ---- verbose health reports ---- */

void sw_k8s_items_free(struct sw_k8s_item *v, size_t n)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].reason);
        free(v[i].check_id);
    }
    free(v);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* "WORD check passed" or "WORD check failed": 1 passed, 0 failed, -1 not a verdict. */
static int verdict(const char *s, size_t n)
{
    static const char passed[] = " check passed", failed[] = " check failed";
    const size_t tail = sizeof(passed) - 1; /* both are as long */
    int r;

    if (n <= tail) {
        return -1;
    }
    if (memcmp(s + n - tail, passed, tail) == 0) {
        r = 1;
    } else if (memcmp(s + n - tail, failed, tail) == 0) {
        r = 0;
    } else {
        return -1;
    }
    /* the word is the component (readyz, livez, healthz): one word, nothing before it */
    for (size_t i = 0; i < n - tail; i++) {
        if (is_space(s[i])) {
            return -1;
        }
    }
    return r;
}

/* Fills it from the line "[+]NAME STATUS" (s, n bytes, the "[+]" or "[-]" included). */
static void parse_item(const char *s, size_t n, struct sw_k8s_item *it)
{
    const char *name = s + 3, *end = s + n, *st;
    const char *p = name;

    it->ok = s[1] == '+';
    while (p < end && !is_space(*p)) {
        p++;
    }
    it->name = sw_xstrndup(name, (size_t)(p - name));
    sw_str_sanitize(it->name);
    for (st = p; st < end && is_space(*st); st++) {
    }
    if (it->ok) {
        it->excluded = (size_t)(end - st) >= 8 && memcmp(st, "excluded", 8) == 0;
        return;
    }
    if ((size_t)(end - st) >= 6 && memcmp(st, "failed", 6) == 0) {
        st += 6;
        if (st < end && *st == ':') {
            st++;
        }
        while (st < end && is_space(*st)) {
            st++;
        }
    }
    if (st < end) {
        it->reason = sw_xstrndup(st, (size_t)(end - st));
        sw_str_sanitize(it->reason);
    }
}

int sw_k8s_verbose_parse(const char *body, size_t len, struct sw_k8s_item **ret_items,
                         size_t *ret_n, bool *ret_passed, struct sw_buf *err)
{
    struct sw_k8s_item *v = NULL;
    size_t n = 0, cap = 0, line = 0;
    struct sw_map used;
    const char *p = body, *end = body + len;
    int passed = -1; /* the verdict line's, -1 while none was seen */
    int r;

    sw_map_init(&used);
    if (!sw_str_is_text(body, len)) {
        sw_buf_puts(err, "not a verbose health report (not UTF-8 text): ");
        shown(err, body, len);
        r = -EINVAL;
        goto out;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *e = nl ? nl : end;
        char id[SW_K8S_ITEM_ID_MAX + 1];
        struct sw_k8s_item *it;
        int vd;

        p = nl ? nl + 1 : end;
        line++;
        while (s < e && is_space(*s)) {
            s++;
        }
        while (e > s && is_space(e[-1])) {
            e--;
        }
        vd = verdict(s, (size_t)(e - s));
        if (vd >= 0) {
            passed = vd;
            continue;
        }
        if (e - s < 3 || s[0] != '[' || (s[1] != '+' && s[1] != '-') || s[2] != ']') {
            continue; /* not ours: blank lines, or whatever a newer server adds */
        }
        if (e - s == 3 || is_space(s[3])) {
            sw_buf_printf(err, "line %zu: an item without a name", line);
            r = -EINVAL;
            goto out;
        }
        if (n == SW_K8S_MAX_ITEMS) {
            sw_buf_printf(err, "more than %d items", SW_K8S_MAX_ITEMS);
            r = -E2BIG;
            goto out;
        }
        sw_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
        it = &v[n++];
        memset(it, 0, sizeof(*it));
        parse_item(s, (size_t)(e - s), it);
        if (sw_id_from(it->name, id, sizeof(id)) == 0) {
            snprintf(id, sizeof(id), "item");
        }
        it->check_id = unique_id(&used, id, SW_K8S_ITEM_ID_MAX);
    }
    if (n == 0 && passed < 0) {
        sw_buf_puts(err, "not a verbose health report: ");
        shown(err, body, len);
        r = -EINVAL;
        goto out;
    }
    if (passed < 0) {
        passed = 1;
        for (size_t i = 0; i < n; i++) {
            if (!v[i].ok) {
                passed = 0;
            }
        }
    }
    *ret_items = v;
    *ret_n = n;
    *ret_passed = passed == 1;
    v = NULL;
    r = 0;
out:
    sw_k8s_items_free(v, n);
    sw_map_release(&used);
    return r;
}

/* ---- NodeList ---- */

void sw_k8s_nodes_free(struct sw_k8s_node *v, size_t n)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].reason);
        free(v[i].message);
        free(v[i].check_id);
    }
    free(v);
}

/* A copy of a JSON string, control characters replaced: one line of text. */
static char *text_copy(json_t *j)
{
    char *s = sw_xstrdup(json_string_value(j));

    sw_str_sanitize(s);
    return s;
}

/* Reads the optional string field key of cond into *ret (NULL when absent or null). */
static int opt_string(json_t *cond, const char *key, size_t i, size_t k, char **ret,
                      struct sw_buf *err)
{
    json_t *j = json_object_get(cond, key);

    if (!j || json_is_null(j)) {
        return 0;
    }
    if (!json_is_string(j)) {
        sw_buf_printf(err, "items[%zu].status.conditions[%zu].%s: not a string", i, k, key);
        return -EINVAL;
    }
    free(*ret);
    *ret = text_copy(j);
    return 0;
}

/* Finds the Ready condition of node i (status, a JSON object or NULL) and fills nd. */
static int parse_ready(json_t *status, size_t i, struct sw_k8s_node *nd, struct sw_buf *err)
{
    json_t *conds, *cond, *j;
    size_t k;

    nd->ready = -1;
    if (!status || json_is_null(status)) {
        return 0;
    }
    if (!json_is_object(status)) {
        sw_buf_printf(err, "items[%zu].status: not an object", i);
        return -EINVAL;
    }
    conds = json_object_get(status, "conditions");
    if (!conds || json_is_null(conds)) {
        return 0;
    }
    if (!json_is_array(conds)) {
        sw_buf_printf(err, "items[%zu].status.conditions: not an array", i);
        return -EINVAL;
    }
    json_array_foreach(conds, k, cond)
    {
        const char *st;

        if (!json_is_object(cond)) {
            sw_buf_printf(err, "items[%zu].status.conditions[%zu]: not an object", i, k);
            return -EINVAL;
        }
        j = json_object_get(cond, "type");
        if (!json_is_string(j) || strcmp(json_string_value(j), "Ready") != 0) {
            continue;
        }
        j = json_object_get(cond, "status");
        if (!j) {
            sw_buf_printf(err, "items[%zu].status.conditions[%zu].status: missing", i, k);
            return -EINVAL;
        }
        if (!json_is_string(j)) {
            sw_buf_printf(err, "items[%zu].status.conditions[%zu].status: not a string", i, k);
            return -EINVAL;
        }
        st = json_string_value(j);
        nd->ready = strcmp(st, "True") == 0 ? 1 : strcmp(st, "False") == 0 ? 0 : -1;
        if (opt_string(cond, "reason", i, k, &nd->reason, err) < 0 ||
            opt_string(cond, "message", i, k, &nd->message, err) < 0) {
            return -EINVAL;
        }
        return 0; /* the first Ready condition counts */
    }
    return 0;
}

static int parse_node(json_t *item, size_t i, struct sw_k8s_node *nd, struct sw_map *used,
                      struct sw_buf *err)
{
    json_t *meta, *name;
    char id[SW_K8S_NODE_ID_MAX + 1];

    if (!json_is_object(item)) {
        sw_buf_printf(err, "items[%zu]: not an object", i);
        return -EINVAL;
    }
    meta = json_object_get(item, "metadata");
    if (!meta) {
        sw_buf_printf(err, "items[%zu].metadata: missing", i);
        return -EINVAL;
    }
    if (!json_is_object(meta)) {
        sw_buf_printf(err, "items[%zu].metadata: not an object", i);
        return -EINVAL;
    }
    name = json_object_get(meta, "name");
    if (!name) {
        sw_buf_printf(err, "items[%zu].metadata.name: missing", i);
        return -EINVAL;
    }
    if (!json_is_string(name)) {
        sw_buf_printf(err, "items[%zu].metadata.name: not a string", i);
        return -EINVAL;
    }
    if (json_string_length(name) == 0) {
        sw_buf_printf(err, "items[%zu].metadata.name: empty", i);
        return -EINVAL;
    }
    nd->name = text_copy(name);
    memcpy(id, "node-", 5);
    if (sw_id_from(nd->name, id + 5, sizeof(id) - 5) == 0) {
        id[4] = '\0'; /* "node" */
    }
    nd->check_id = unique_id(used, id, SW_K8S_NODE_ID_MAX);
    return parse_ready(json_object_get(item, "status"), i, nd, err);
}

int sw_k8s_nodes_parse(const char *body, size_t len, struct sw_k8s_node **ret_nodes, size_t *ret_n,
                       struct sw_buf *err)
{
    struct sw_k8s_node *v = NULL;
    struct sw_map used;
    json_error_t jerr;
    json_t *root, *kind, *items, *item;
    size_t n = 0, i;
    int r = -EINVAL;

    sw_map_init(&used);
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        sw_buf_json_error(err, jerr.line, jerr.column, jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        sw_buf_puts(err, "not a JSON object");
        goto out;
    }
    kind = json_object_get(root, "kind");
    if (!kind) {
        sw_buf_puts(err, "kind: missing (expected \"NodeList\")");
        goto out;
    }
    if (!json_is_string(kind) || strcmp(json_string_value(kind), "NodeList") != 0) {
        json_t *msg = json_object_get(root, "message");

        sw_buf_puts(err, "kind: expected \"NodeList\", found ");
        if (json_is_string(kind)) {
            shown(err, json_string_value(kind), json_string_length(kind));
        } else {
            sw_buf_puts(err, "a non-string");
        }
        /* an API Status object (403 Forbidden...) says why in its message */
        if (json_is_string(msg)) {
            char *m = text_copy(msg);

            sw_buf_printf(err, ": %.200s", m);
            free(m);
        }
        goto out;
    }
    items = json_object_get(root, "items");
    if (!items) {
        sw_buf_puts(err, "items: missing");
        goto out;
    }
    if (json_is_null(items)) {
        items = NULL; /* Go writes an empty list as null */
    } else if (!json_is_array(items)) {
        sw_buf_puts(err, "items: not an array");
        goto out;
    } else if (json_array_size(items) > SW_K8S_MAX_NODES) {
        sw_buf_printf(err, "items: more than %d nodes", SW_K8S_MAX_NODES);
        r = -E2BIG;
        goto out;
    }
    if (items && json_array_size(items) > 0) {
        v = sw_xcalloc(json_array_size(items), sizeof(*v));
    }
    json_array_foreach(items, i, item)
    {
        n = i + 1;
        r = parse_node(item, i, &v[i], &used, err);
        if (r < 0) {
            goto out;
        }
    }
    *ret_nodes = v;
    *ret_n = n;
    v = NULL;
    r = 0;
out:
    sw_k8s_nodes_free(v, n);
    sw_map_release(&used);
    json_decref(root);
    return r;
}
