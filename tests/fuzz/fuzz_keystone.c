/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_keystone.c: libFuzzer target for the Keystone token response parser
 * (sw_ks_token_parse in src/probe/keystone_parse.c). The whole input is the body (the
 * corpus holds real responses); its size picks one of four filters. Any input must give either
 * endpoints with valid, unique check ids and text fields, or -EINVAL/-E2BIG with a message that is
 * valid UTF-8 text. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probe/keystone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const all_ifs[] = {"public", "internal", "admin"};
static const char *const admin_if[] = {"admin"};
static const char *const some_types[] = {"compute", "identity", "volumev3"};

static const struct sw_ks_filter filters[] = {
    {0},
    {.interfaces = all_ifs, .n_interfaces = 3},
    {.region = "RegionOne"},
    {.interfaces = admin_if, .n_interfaces = 1, .services = some_types, .n_services = 3},
};

static void check_text(const char *s)
{
    assert(s);
    assert(sw_str_is_text(s, strlen(s)));
}

static void check_id(const char *s)
{
    size_t n = strlen(s);

    assert(n >= 1 && n <= 64);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        assert((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (i > 0 && (c == '-' || c == '.' || c == '_')));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct sw_ks_filter *f;
    struct sw_ks_token t;
    struct sw_buf err;
    int r;

    f = &filters[size % 4];
    sw_buf_init(&err);
    r = sw_ks_token_parse((const char *)data, size, f, &t, &err);
    if (r == 0) {
        assert(err.len == 0);
        assert(t.n_endpoints <= t.n_catalog);
        assert(t.n_endpoints <= SW_KS_MAX_ENDPOINTS);
        assert((t.n_endpoints == 0) == (t.endpoints == NULL));
        if (t.user) {
            check_text(t.user);
        }
        if (t.project) {
            check_text(t.project);
        }
        for (size_t i = 0; i < t.n_endpoints; i++) {
            const struct sw_ks_endpoint *e = &t.endpoints[i];

            check_text(e->service_type);
            assert(e->service_type[0]);
            if (e->service_name) {
                check_text(e->service_name);
            }
            check_text(e->interface);
            check_text(e->region);
            check_text(e->url);
            check_text(e->id);
            check_id(e->check_id);
            if (e->bad_url) {
                check_text(e->bad_url);
            }
            if (f->region) {
                assert(strcmp(e->region, f->region) == 0);
            }
            /* Sorted by type then check id, and unique in a type: strictly increasing. */
            if (i > 0) {
                const struct sw_ks_endpoint *p = &t.endpoints[i - 1];
                int c = strcmp(p->service_type, e->service_type);

                assert(c < 0 || (c == 0 && strcmp(p->check_id, e->check_id) < 0));
            }
        }
    } else {
        assert(r == -EINVAL || r == -E2BIG);
        assert(t.endpoints == NULL && t.n_endpoints == 0 && t.user == NULL);
        assert(err.len > 0 && sw_str_is_text(err.data, err.len));
    }
    sw_ks_token_release(&t);
    sw_buf_release(&err);
    return 0;
}
