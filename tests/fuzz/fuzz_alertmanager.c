/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_alertmanager.c: libFuzzer target for the Alertmanager webhook parser and alert mapping
 * (src/api/alertmanager_parse.c). Any body must give either a payload whose alerts have a
 * status, sorted labels and annotations, and map to a check path of valid ids (or a refusal
 * with a reason), a state and one line of text; or -EINVAL with one line of text. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/alertmanager.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *s, size_t max)
{
    size_t n = strlen(s);

    assert(n > 0 && n <= max && sw_str_is_text(s, n));
    assert(!strchr(s, '\n') && !strchr(s, '\r'));
}

/* Each part of path is an id as sw_id_from() makes them. */
static void check_path(const char *path, int parts)
{
    char *copy = sw_xstrdup(path), *save = NULL;
    int n = 0;

    for (char *p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        char id[65];

        assert(sw_id_from(p, id, sizeof(id)) == strlen(p) && strcmp(id, p) == 0);
        n++;
    }
    assert(n == parts);
    free(copy);
}

static void map(const struct sw_am_map *m, const struct sw_am_alert *a)
{
    enum sw_state st = SW_UNKNOWN;
    char *path = NULL, *out = NULL;
    struct sw_buf why;
    int r;

    sw_buf_init(&why);
    r = sw_am_map_alert(m, a, &path, &st, &out, &why);
    if (r == 0) {
        assert(why.len == 0);
        check_path(path, 4);
        assert(st == SW_OK || st == SW_WARNING || st == SW_CRITICAL);
        assert(strcmp(a->status, "resolved") != 0 || st == SW_OK);
        check_line(out, 1024);
    } else {
        assert(r == -ENOENT && !m->catch_all);
        assert(!path && !out);
        check_line(why.data, 4096);
    }
    free(path);
    free(out);
    sw_buf_release(&why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_am_payload p;
    struct sw_am_map m;
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    r = sw_am_parse((const char *)data, size, &p, &err);
    if (r == 0) {
        assert(err.len == 0 && strcmp(p.version, "4") == 0);
        for (size_t i = 0; i < p.n_alerts; i++) {
            const struct sw_am_alert *a = &p.alerts[i];

            assert(!strcmp(a->status, "firing") || !strcmp(a->status, "resolved"));
            for (size_t j = 0; j < a->n_labels; j++) {
                assert(j == 0 || strcmp(a->label_names[j - 1], a->label_names[j]) < 0);
                assert(sw_am_label(a, a->label_names[j]) == a->label_values[j]);
            }
            for (size_t j = 0; j < a->n_annots; j++) {
                assert(j == 0 || strcmp(a->annot_names[j - 1], a->annot_names[j]) < 0);
                assert(sw_am_annotation(a, a->annot_names[j]) == a->annot_values[j]);
            }
            assert(a->starts_at_ms >= 0 && a->ends_at_ms >= 0);
            sw_am_map_defaults(&m);
            map(&m, a);
            m.catch_all = "acme/fra1/alerts";
            map(&m, a);
        }
    } else {
        assert(r == -EINVAL && p.n_alerts == 0 && !p.alerts && !p.version);
        check_line(err.data, 4096);
    }
    sw_am_payload_release(&p);
    sw_buf_release(&err);
    return 0;
}
