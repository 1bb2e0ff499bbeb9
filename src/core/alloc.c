/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c: allocation wrappers that abort on out-of-memory, so no caller carries an untested
 * OOM branch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static void oom(size_t n)
{
    fprintf(stderr, "stackward: out of memory (%zu bytes)\n", n);
    abort();
}

void *sw_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        oom(n);
    }
    return p;
}

void *sw_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        oom(n * size);
    }
    return p;
}

void *sw_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        oom(n);
    }
    return q;
}

void sw_xgrow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap;

    if (need <= c) {
        return;
    }
    if (c < 8) {
        c = 8;
    }
    while (c < need) {
        if (c > ((size_t)-1) / 2 / size) {
            oom(need * size);
        }
        c *= 2;
    }
    *p = sw_xrealloc(*p, c * size);
    *cap = c;
}

char *sw_xstrdup(const char *s)
{
    if (!s) {
        return NULL;
    }
    return sw_xstrndup(s, strlen(s));
}

char *sw_xstrndup(const char *s, size_t n)
{
    char *p;

    n = strnlen(s, n); /* as strndup(3): stops at a NUL within n */
    p = sw_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sw_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0) {
        oom(0);
    }
    return p;
}
