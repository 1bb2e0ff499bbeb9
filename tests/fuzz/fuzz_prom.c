/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_prom.c: libFuzzer target for the pure half of the prometheus probe (src/probe/
 * prom_parse.c). The input is a /api/v1/query reply: it must give a result whose samples all
 * have a metric of valid text, which the judge then turns into a state and one line of text,
 * or -EINVAL with one line of text. The first 64 bytes are also read as a condition. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* err or output: non-empty valid text on one line. */
static void check_line(const struct sw_buf *b)
{
    assert(b->len > 0 && sw_str_is_text(b->data, b->len));
    assert(!memchr(b->data, '\n', b->len) && !memchr(b->data, '\r', b->len));
}

static void judge_all(const struct sw_prom_result *r)
{
    static const char *const conds[] = {"nonempty", "empty", "> 0.5", "<= -1", "== 1", "!= 0"};
    struct sw_prom_cond c[6];
    struct sw_buf out;

    sw_buf_init(&out);
    for (size_t i = 0; i < 6; i++) {
        assert(sw_prom_cond_parse(conds[i], &c[i], &out) == 0);
    }
    for (size_t i = 0; i < 6; i++) {
        enum sw_state s;

        sw_buf_reset(&out);
        s = sw_prom_judge(r, &c[(i + 1) % 6], &c[i], &out);
        assert(s == SW_OK || s == SW_WARNING || s == SW_CRITICAL || s == SW_UNKNOWN);
        assert(s != SW_UNKNOWN || r->type == SW_PROM_STRING);
        check_line(&out);
    }
    sw_buf_reset(&out);
    assert(sw_prom_judge(r, NULL, NULL, &out) == SW_OK);
    check_line(&out);
    sw_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_prom_result r;
    struct sw_prom_cond c;
    struct sw_buf err;
    char cond[65];
    int ret;

    sw_buf_init(&err);
    ret = sw_prom_parse((const char *)data, size, &r, &err);
    if (ret == 0) {
        assert(err.len == 0);
        assert(r.type == SW_PROM_VECTOR || r.type == SW_PROM_SCALAR || r.type == SW_PROM_STRING);
        assert(r.type == SW_PROM_VECTOR || r.n == 1);
        for (size_t i = 0; i < r.n; i++) {
            assert(r.samples[i].metric);
            assert(sw_str_is_text(r.samples[i].metric, strlen(r.samples[i].metric)));
        }
        judge_all(&r);
    } else {
        assert(ret == -EINVAL);
        assert(r.n == 0 && r.samples == NULL && r.type == 0);
        check_line(&err);
    }
    sw_prom_result_release(&r);

    /* the same bytes as a condition */
    memcpy(cond, data, size < 64 ? size : 64);
    cond[size < 64 ? size : 64] = '\0';
    sw_buf_reset(&err);
    ret = sw_prom_cond_parse(cond, &c, &err);
    if (ret == 0) {
        char text[SW_PROM_COND_LEN];
        struct sw_prom_cond again;

        assert(c.op >= SW_PROM_NONEMPTY && c.op <= SW_PROM_NE);
        /* what is formatted reads back as the same condition */
        sw_prom_cond_format(&c, text);
        assert(sw_prom_cond_parse(text, &again, &err) == 0);
        assert(again.op == c.op && again.value == c.value);
    } else {
        assert(ret == -EINVAL);
        assert(err.len > 0);
    }
    sw_buf_release(&err);
    return 0;
}
