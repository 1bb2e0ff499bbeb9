/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_perfdata.c: libFuzzer target for the Nagios plugin output and perfdata parser
 * (src/probe/plugin.c): the input goes to sw_perfdata_parse (as a C string) and to
 * sw_plugin_output_parse (as raw bytes). Neither may crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_perf items[16];
    struct sw_probe_result r;
    struct sw_buf err;
    char *s;
    int n;

    if (size > 65536) {
        return 0;
    }
    s = malloc(size + 1);
    if (!s) {
        return 0;
    }
    memcpy(s, data, size);
    s[size] = '\0';
    sw_buf_init(&err);
    n = sw_perfdata_parse(s, items, 16, &err);
    if (n < -1000 || n > 16) {
        abort();
    }
    sw_buf_release(&err);
    free(s);

    memset(&r, 0, sizeof(r));
    sw_plugin_output_parse((const char *)data, size, 1024, &r);
    if (!r.output) {
        abort(); /* output is never NULL */
    }
    sw_probe_result_release(&r);
    return 0;
}
