/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_juju.c: libFuzzer target for the Juju status parser and the fragment writer
 * (src/probe/juju_parse.c). Any input gives either a status whose units are sorted, valid
 * and counted in their applications, or an error whose message is one line of valid text.
 * A fragment written from a status must load with the configuration loader, every unit a
 * check of its application's service. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/core.h"
#include "probe/juju.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool text(const char *s)
{
    return !s || (sw_str_is_text(s, strlen(s)) && !strchr(s, '\n') && !strchr(s, '\r'));
}

static void check_status(const struct sw_juju_status *st)
{
    size_t counted = 0;

    assert(text(st->model) && text(st->controller) && text(st->cloud));
    for (size_t i = 0; i < st->n_apps; i++) {
        const struct sw_juju_app *a = &st->apps[i];

        assert(a->name && a->service_id && a->service_id[0] && text(a->name));
        assert(i == 0 || strcmp(st->apps[i - 1].name, a->name) < 0);
        counted += a->n_units;
    }
    assert(counted == st->n_units);
    for (size_t i = 0; i < st->n_units; i++) {
        const struct sw_juju_unit *u = &st->units[i];

        assert(u->name && u->app && u->check_id && u->check_id[0] && u->output);
        assert(text(u->output) && text(u->workload_msg) && text(u->agent_msg));
        assert(u->state >= SW_OK && u->state <= SW_UNKNOWN);
        assert(strncmp(u->name, u->app, strlen(u->app)) == 0);
        if (i > 0) {
            const struct sw_juju_unit *p = &st->units[i - 1];
            int c = strcmp(p->app, u->app);

            assert(c < 0 || (c == 0 && p->number <= u->number));
        }
    }
}

/* The fragment under a customer's deployment loads, with one check per unit. */
static void check_loads(const struct sw_juju_status *st, const char *fragment)
{
    struct sw_config *c = NULL;
    struct sw_buf yaml, err;
    const char *p = fragment;

    sw_buf_init(&yaml);
    sw_buf_init(&err);
    sw_buf_puts(&yaml, "customers:\n- id: c\n  deployments:\n  - id: d\n    services:\n");
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

        sw_buf_puts(&yaml, "    ");
        sw_buf_append(&yaml, p, n);
        p += n;
    }
    if (sw_config_parse("f.yaml", yaml.data, yaml.len, &err, &c) != 0) {
        __builtin_trap(); /* a fragment the loader refuses */
    }
    assert(c->n_checks == st->n_units);
    sw_config_unref(c);
    sw_buf_release(&yaml);
    sw_buf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_juju_status st;
    struct sw_buf err, out;
    int r;

    memset(&st, 0, sizeof(st));
    sw_buf_init(&err);
    sw_buf_init(&out);
    r = sw_juju_parse((const char *)data, size, &st, &err);
    if (r == 0) {
        assert(err.len == 0);
        check_status(&st);
        if (sw_juju_fragment(&st, "fuzz.json", "15m", &out, &err) == 0) {
            assert(out.len > 0 && err.len == 0);
            check_loads(&st, out.data);
        } else {
            assert(out.len == 0 && err.len > 0);
            assert(st.n_apps == 0 || st.n_units == 0);
        }
    } else {
        assert(r == -EINVAL || r == -E2BIG);
        assert(err.len > 0 && sw_str_is_text(err.data, err.len));
        assert(!memchr(err.data, '\n', err.len));
        assert(st.apps == NULL && st.units == NULL);
    }
    sw_juju_status_release(&st);
    sw_buf_release(&err);
    sw_buf_release(&out);
    return 0;
}
