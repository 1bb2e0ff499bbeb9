/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_k8s.c: libFuzzer target for the kubernetes probe's parsers (src/probe/k8s_parse.c):
 * the same bytes go through the verbose health report parser and the NodeList parser. Each
 * gives items with valid, unique, short enough ids, or an error whose message is one line
 * of valid text, with the outputs untouched. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "probe/k8s.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* id is what the configuration accepts as an id, at most max bytes, and new in used. */
static void check_id(struct sw_map *used, const char *id, size_t max)
{
    char again[65];

    assert(id && id[0] && strlen(id) <= max);
    sw_id_from(id, again, sizeof(again));
    assert(strcmp(again, id) == 0);
    assert(!sw_map_get(used, id));
    sw_map_put(used, id, (void *)id);
}

static void check_error(int r, const struct sw_buf *err)
{
    assert(r == -EINVAL || r == -E2BIG);
    assert(err->len > 0 && sw_str_is_text(err->data, err->len));
    assert(!memchr(err->data, '\n', err->len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct sw_k8s_item *items = NULL;
    struct sw_k8s_node *nodes = NULL;
    bool passed = false;
    struct sw_map used;
    struct sw_buf err;
    size_t n = 0;
    int r;

    sw_buf_init(&err);
    sw_map_init(&used);
    r = sw_k8s_verbose_parse(body, size, &items, &n, &passed, &err);
    if (r == 0) {
        assert(err.len == 0 && n <= SW_K8S_MAX_ITEMS && (n == 0) == (items == NULL));
        for (size_t i = 0; i < n; i++) {
            assert(items[i].name && items[i].name[0]);
            assert(sw_str_is_text(items[i].name, strlen(items[i].name)));
            assert(!items[i].reason || sw_str_is_text(items[i].reason, strlen(items[i].reason)));
            assert(!items[i].excluded || items[i].ok);
            check_id(&used, items[i].check_id, SW_K8S_ITEM_ID_MAX);
        }
    } else {
        check_error(r, &err);
        assert(items == NULL && n == 0);
    }
    sw_k8s_items_free(items, n);
    sw_map_release(&used);

    sw_buf_reset(&err);
    sw_map_init(&used);
    n = 0;
    r = sw_k8s_nodes_parse(body, size, &nodes, &n, &err);
    if (r == 0) {
        assert(err.len == 0 && n <= SW_K8S_MAX_NODES && (n == 0) == (nodes == NULL));
        for (size_t i = 0; i < n; i++) {
            assert(nodes[i].name && nodes[i].name[0]);
            assert(nodes[i].ready >= -1 && nodes[i].ready <= 1);
            assert(!nodes[i].message || sw_str_is_text(nodes[i].message, strlen(nodes[i].message)));
            assert(strncmp(nodes[i].check_id, "node", 4) == 0);
            check_id(&used, nodes[i].check_id, SW_K8S_NODE_ID_MAX);
        }
    } else {
        check_error(r, &err);
        assert(nodes == NULL && n == 0);
    }
    sw_k8s_nodes_free(nodes, n);
    sw_map_release(&used);
    sw_buf_release(&err);
    return 0;
}
