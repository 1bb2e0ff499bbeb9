/* SPDX-License-Identifier: Apache-2.0 */
/* derive.c: what the loader adds to the YAML tree before building the registry from it:
 *  - a deployment's `include:` files (lists of services, as `stackward import juju` writes
 *    them) are read, parsed and their services appended to the deployment's own, every node
 *    keeping its file for error messages;
 *  - derived checks (made at run time by discovery or by alerts) become synthetic passive
 *    check nodes, in services that are created when the deployment has none of that id.
 * Working on the tree means both go through exactly the validation of a written file. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

typedef struct sw_cfg_node node;

static node *map_get(const node *map, const char *key)
{
    if (!map || map->type != SW_CFG_MAP) {
        return NULL;
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        if (map->kids[i]->type == SW_CFG_SCALAR && strcmp(map->kids[i]->s, key) == 0) {
            return map->kids[i + 1];
        }
    }
    return NULL;
}

/* The item of seq whose `id` is id, or NULL. */
static node *seq_find(const node *seq, const char *id)
{
    if (!seq || seq->type != SW_CFG_SEQ) {
        return NULL;
    }
    for (size_t i = 0; i < seq->n; i++) {
        node *v = map_get(seq->kids[i], "id");
        if (v && v->type == SW_CFG_SCALAR && strcmp(v->s, id) == 0) {
            return seq->kids[i];
        }
    }
    return NULL;
}

static node *synth(int type, const node *at, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    node *x = sw_xcalloc(1, sizeof(*x) + (type == SW_CFG_SCALAR ? n + 1 : 0));

    x->type = (unsigned char)type;
    x->synthetic = 1;
    x->line = at->line;
    x->col = at->col;
    x->file = at->file;
    if (type == SW_CFG_SCALAR) {
        memcpy(x->s, s, n + 1);
        x->n = n;
        x->plain = 1;
    }
    return x;
}

static void push(node *parent, node *kid)
{
    parent->kids = sw_xrealloc(parent->kids, (parent->n + 1) * sizeof(*parent->kids));
    parent->kids[parent->n++] = kid;
}

static void map_put(node *map, const char *key, node *value)
{
    push(map, synth(SW_CFG_SCALAR, map, key));
    push(map, value);
}

/* The value of key in map, a sequence, created when absent. NULL when it is something else
 * (the loader reports that). */
static node *seq_of(node *map, const char *key)
{
    node *v = map_get(map, key);

    if (!v) {
        v = synth(SW_CFG_SEQ, map, NULL);
        map_put(map, key, v);
    }
    return v->type == SW_CFG_SEQ ? v : NULL;
}

static void set_file(node *n, const char *file)
{
    n->file = file;
    if (n->type != SW_CFG_SCALAR) {
        for (size_t i = 0; i < n->n; i++) {
            set_file(n->kids[i], file);
        }
    }
}

/* Reads one included file and appends its services to the deployment dep. */
static void include_one(node *dep, const node *at, const char *base, struct sw_cfg_errors *e,
                        struct sw_cfg_expansion *x)
{
    struct sw_cfg_errors fe = {0};
    node *root = NULL, *services;
    char *path, *text;
    size_t len = 0;
    int err = 0;

    if (at->type != SW_CFG_SCALAR || !at->n) {
        return; /* the loader reports the bad value */
    }
    path = at->s[0] == '/' || !base ? sw_xstrdup(at->s) : sw_xasprintf("%s/%s", base, at->s);
    sw_xgrow((void **)&x->files, &x->cap_files, x->n_files + 1, sizeof(*x->files));
    x->files[x->n_files++] = path;
    text = sw_cfg_read_file(path, &len, &err);
    if (!text) {
        sw_cfg_errors_add_at(e, at->file, at->line, at->col, "cannot read included file %s: %s",
                             path, strerror(err));
        return;
    }
    if (len > SW_CFG_MAX_BYTES) {
        sw_cfg_errors_add_at(e, path, 1, 1, "the document is larger than 16 MiB");
        free(text);
        return;
    }
    fe.file = path;
    if (sw_cfg_tree_parse(text, len, &fe, &root) < 0) {
        for (size_t i = 0; i < fe.n; i++) {
            sw_cfg_errors_add_at(e, path, fe.v[i].line, fe.v[i].col, "%s", fe.v[i].msg);
        }
        sw_cfg_errors_release(&fe);
        free(text);
        return;
    }
    sw_cfg_errors_release(&fe);
    free(text);
    if (!root) {
        return; /* an empty file: no services */
    }
    set_file(root, path);
    if (root->type != SW_CFG_SEQ) {
        sw_cfg_errors_add_at(e, path, root->line, root->col,
                             "an included file must be a list of services");
        sw_cfg_tree_free(root);
        return;
    }
    services = seq_of(dep, "services");
    if (services) {
        for (size_t i = 0; i < root->n; i++) {
            push(services, root->kids[i]);
        }
        root->n = 0;
    }
    sw_cfg_tree_free(root);
}

static void expand_includes(node *root, const char *base, struct sw_cfg_errors *e,
                            struct sw_cfg_expansion *x)
{
    node *customers = map_get(root, "customers");

    for (size_t i = 0; customers && customers->type == SW_CFG_SEQ && i < customers->n; i++) {
        node *deps = map_get(customers->kids[i], "deployments");
        for (size_t j = 0; deps && deps->type == SW_CFG_SEQ && j < deps->n; j++) {
            node *inc = map_get(deps->kids[j], "include");
            if (!inc) {
                continue;
            }
            if (inc->type == SW_CFG_SEQ) {
                for (size_t k = 0; k < inc->n; k++) {
                    include_one(deps->kids[j], inc->kids[k], base, e, x);
                }
            } else {
                include_one(deps->kids[j], inc, base, e, x);
            }
        }
    }
}

/* An id as the loader accepts them (see valid_id() in load.c). */
static bool id_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64 || !isalnum((unsigned char)s[0])) {
        return false;
    }
    for (size_t i = 1; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i])) {
            return false;
        }
    }
    return true;
}

/* Splits "a/b/c/d" into its four ids; false for any other shape or a part that is not an
 * id (so a bad item is left out instead of failing the whole configuration). */
static bool split4(const char *path, char parts[4][65])
{
    const char *p = path;

    for (int i = 0; i < 4; i++) {
        const char *end = i < 3 ? strchr(p, '/') : p + strlen(p);
        if (!end || !id_ok(p, (size_t)(end - p))) {
            return false;
        }
        memcpy(parts[i], p, (size_t)(end - p));
        parts[i][end - p] = '\0';
        p = end + 1;
    }
    return true;
}

static void add_derived(node *root, const struct sw_derived *d)
{
    char id[4][65], fresh[32];
    node *cust, *dep, *svcs, *svc, *checks, *ck;

    if (!d->path || !d->parent || !*d->parent || !split4(d->path, id) || d->freshness_ms < 0 ||
        d->freshness_ms > 3650LL * 86400 * 1000) {
        return;
    }
    cust = seq_find(map_get(root, "customers"), id[0]);
    dep = seq_find(map_get(cust, "deployments"), id[1]);
    if (!dep || dep->type != SW_CFG_MAP || !(svcs = seq_of(dep, "services"))) {
        return; /* gone from the file: the check goes with it */
    }
    svc = seq_find(svcs, id[2]);
    if (!svc) {
        svc = synth(SW_CFG_MAP, dep, NULL);
        map_put(svc, "id", synth(SW_CFG_SCALAR, dep, id[2]));
        push(svcs, svc);
    }
    if (svc->type != SW_CFG_MAP || !(checks = seq_of(svc, "checks")) || seq_find(checks, id[3])) {
        return; /* written in the file: the file wins */
    }
    ck = synth(SW_CFG_MAP, svc, NULL);
    map_put(ck, "id", synth(SW_CFG_SCALAR, svc, id[3]));
    map_put(ck, "type", synth(SW_CFG_SCALAR, svc, "passive"));
    map_put(ck, "derived_from", synth(SW_CFG_SCALAR, svc, d->parent));
    if (d->freshness_ms > 0) {
        snprintf(fresh, sizeof(fresh), "%lldms", (long long)d->freshness_ms);
        map_put(ck, "freshness", synth(SW_CFG_SCALAR, svc, fresh));
    }
    push(checks, ck);
}

int sw_cfg_expand(struct sw_cfg_node *root, const char *base_dir, const struct sw_derived *v,
                  size_t n, struct sw_cfg_errors *e, struct sw_cfg_expansion *x)
{
    size_t before = e->n + e->dropped;

    if (!root || root->type != SW_CFG_MAP) {
        return 0; /* the loader reports a top level that is not a mapping */
    }
    expand_includes(root, base_dir, e, x);
    for (size_t i = 0; i < n; i++) {
        add_derived(root, &v[i]);
    }
    return e->n + e->dropped > before ? -EINVAL : 0;
}

void sw_cfg_expansion_release(struct sw_cfg_expansion *x)
{
    for (size_t i = 0; i < x->n_files; i++) {
        free(x->files[i]);
    }
    free(x->files);
    memset(x, 0, sizeof(*x));
}

void sw_derived_release(struct sw_derived *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].path);
        free(v[i].parent);
    }
    free(v);
}
