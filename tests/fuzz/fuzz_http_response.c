/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_http_response.c: libFuzzer target for the HTTP/1.1 response parser of the lean http
 * path (sw_hp_* in src/probe/http_plain.c). The first byte picks a HEAD request (bit 0) and
 * the size of the pieces the rest is fed in (as reads from a socket would cut it); the same
 * input is also fed whole. Both must agree on the outcome, the status, the body bytes and
 * the error, and must not crash, hang or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_int.h"

struct sum {
    uint64_t n;
    uint32_t hash;
};

static void on_body(void *arg, const char *p, size_t n)
{
    struct sum *s = arg;

    s->n += n;
    for (size_t i = 0; i < n; i++) {
        s->hash = s->hash * 31 + (unsigned char)p[i];
    }
}

/* Feeds the input in pieces of step bytes (0: whole), then EOF unless complete. */
static int run(const char *p, size_t n, bool head, size_t step, struct sw_hp *h, struct sum *s)
{
    size_t off = 0, used = 0;
    int r = 0;

    sw_hp_init(h, head);
    memset(s, 0, sizeof(*s));
    h->on_body = on_body;
    h->arg = s;
    while (off < n) {
        size_t k = step == 0 || n - off < step ? n - off : step;
        r = sw_hp_feed(h, p + off, k, &used);
        if (r != 0) {
            if (r == 1 && used > k) {
                abort();
            }
            break;
        }
        off += k;
    }
    if (r == 0) {
        r = sw_hp_eof(h);
    }
    if (r < 0 && (r != -EPROTO || !h->error || !h->error[0])) {
        abort();
    }
    if (h->bytes != s->n || s->n > n) {
        abort();
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_hp a, b;
    struct sum sa, sb;
    bool head;
    size_t step;
    int ra, rb;

    if (size < 1 || size > 65536) {
        return 0;
    }
    head = data[0] & 1;
    step = (size_t)(data[0] >> 1) + 1;
    ra = run((const char *)data + 1, size - 1, head, 0, &a, &sa);
    rb = run((const char *)data + 1, size - 1, head, step, &b, &sb);
    if (ra != rb || a.status != b.status || a.size != b.size || sa.n != sb.n ||
        sa.hash != sb.hash) {
        abort();
    }
    if (ra < 0 && strcmp(a.error, b.error) != 0) {
        abort();
    }
    return 0;
}
