/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_config.c: libFuzzer target for the configuration parser: any bytes go through
 * sw_config_parse(); whatever comes back (a configuration or errors) is freed. */
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_config *c = NULL;
    struct sw_buf errors;

    sw_buf_init(&errors);
    if (sw_config_parse("fuzz.yaml", (const char *)data, size, &errors, &c) == 0) {
        /* walk the lookups once so that the indexes are exercised too */
        for (size_t i = 0; i < c->n_checks; i++) {
            if (sw_config_find_check(c, c->checks[i]->path) != c->checks[i]) {
                __builtin_trap();
            }
        }
        for (size_t i = 0; i < c->n_services; i++) {
            if (sw_config_find_service(c, c->services[i]->path) != c->services[i]) {
                __builtin_trap();
            }
            /* the objective and escalation lookups walk the contracts' globs and policies */
            (void)sw_config_objective_for(c, c->services[i]);
            (void)sw_config_escalation_for(c, c->services[i]);
        }
    }
    sw_config_unref(c);
    sw_buf_release(&errors);
    return 0;
}
