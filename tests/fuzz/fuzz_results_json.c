/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_results_json.c: libFuzzer target for the POST /api/v1/results body parser
 * (sw_api_parse_results in src/api/results.c). Any input must give either results with
 * valid fields or -EINVAL/-E2BIG with a message that is valid UTF-8 text. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_passive *v = NULL;
    struct sw_buf err;
    size_t n = 0;
    int r;

    sw_buf_init(&err);
    r = sw_api_parse_results((const char *)data, size, &v, &n, &err);
    if (r == 0) {
        assert(n >= 1 && n <= SW_API_MAX_RESULTS);
        for (size_t i = 0; i < n; i++) {
            assert(v[i].path && v[i].path[0]);
            assert(v[i].state >= SW_OK && v[i].state <= SW_UNKNOWN);
            assert(v[i].t_ms >= 0);
        }
        assert(err.len == 0);
    } else {
        assert(r == -EINVAL || r == -E2BIG);
        assert(v == NULL);
        assert(err.len > 0 && sw_str_is_text(err.data, err.len));
    }
    sw_api_passives_free(v, n);
    sw_buf_release(&err);
    return 0;
}
