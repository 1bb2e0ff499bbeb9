/* SPDX-License-Identifier: Apache-2.0 */
/* idcache.c: the backends' (kind, path) -> object id cache: open addressing, linear probing.
 * Both write results and intervals by object id and learn the ids of paths as they go. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "store/store_int.h"

static uint64_t id_hash(int kind, const char *path)
{
    return sw_hash64(path, strlen(path), 14695981039346656037ULL + (uint64_t)kind * 31);
}

void sw_idcache_clear(struct sw_idcache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        free(c->v[i].path);
    }
    free(c->v);
    c->v = NULL;
    c->cap = c->n = 0;
}

static struct sw_idcache_entry *idcache_slot(struct sw_idcache *c, uint64_t h, int kind,
                                             const char *path)
{
    size_t i = h & (c->cap - 1);

    while (c->v[i].path) {
        if (c->v[i].hash == h && c->v[i].kind == kind && strcmp(c->v[i].path, path) == 0) {
            break;
        }
        i = (i + 1) & (c->cap - 1);
    }
    return &c->v[i];
}

bool sw_idcache_get(struct sw_idcache *c, int kind, const char *path, int64_t *ret_id)
{
    struct sw_idcache_entry *e;

    if (c->n == 0) {
        return false;
    }
    e = idcache_slot(c, id_hash(kind, path), kind, path);
    if (!e->path) {
        return false;
    }
    *ret_id = e->id;
    return true;
}

void sw_idcache_put(struct sw_idcache *c, int kind, const char *path, int64_t id)
{
    struct sw_idcache_entry *e;
    uint64_t h = id_hash(kind, path);

    if (c->n >= SW_IDCACHE_MAX) {
        sw_idcache_clear(c);
    }
    if ((c->n + 1) * 10 > c->cap * 7) {
        struct sw_idcache old = *c;
        c->cap = old.cap ? old.cap * 2 : 256;
        c->v = sw_xcalloc(c->cap, sizeof(*c->v));
        for (size_t i = 0; i < old.cap; i++) {
            if (old.v[i].path) {
                *idcache_slot(c, old.v[i].hash, old.v[i].kind, old.v[i].path) = old.v[i];
            }
        }
        free(old.v);
    }
    e = idcache_slot(c, h, kind, path);
    if (!e->path) {
        e->path = sw_xstrdup(path);
        e->hash = h;
        e->kind = kind;
        c->n++;
    }
    e->id = id;
}
