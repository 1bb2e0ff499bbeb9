/* SPDX-License-Identifier: Apache-2.0 */
/* map.c: a string-keyed hash map with open addressing and linear probing; grows at 70 %
 * load. No removal: maps are rebuilt when their source (a configuration) is replaced. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

void sw_map_init(struct sw_map *m)
{
    memset(m, 0, sizeof(*m));
}

void sw_map_release(struct sw_map *m)
{
    free(m->slots);
    sw_map_init(m);
}

static struct sw_map_slot *find(const struct sw_map *m, const char *key)
{
    size_t mask = m->cap - 1, i = (size_t)sw_hash_str(key) & mask;

    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0) {
        i = (i + 1) & mask;
    }
    return &m->slots[i];
}

static void grow(struct sw_map *m)
{
    struct sw_map old = *m;

    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = sw_xcalloc(m->cap, sizeof(*m->slots));
    m->len = 0;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].key) {
            *find(m, old.slots[i].key) = old.slots[i];
            m->len++;
        }
    }
    free(old.slots);
}

void sw_map_put(struct sw_map *m, const char *key, void *value)
{
    struct sw_map_slot *s;

    if ((m->len + 1) * 10 > m->cap * 7) {
        grow(m);
    }
    s = find(m, key);
    if (!s->key) {
        m->len++;
    }
    s->key = key;
    s->value = value;
}

void *sw_map_get(const struct sw_map *m, const char *key)
{
    if (!m->cap) {
        return NULL;
    }
    return find(m, key)->value;
}
