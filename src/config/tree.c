/* SPDX-License-Identifier: Apache-2.0 */
/* tree.c: turns libyaml's event stream into a small tree of scalars, lists and mappings
 * that keeps every node's line and column, and collects configuration errors. Anchors,
 * aliases, tags and a second document are refused; depth and node count are capped. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "config/config_int.h"

static void errors_vadd(struct sw_cfg_errors *e, const char *file, int line, int col,
                        const char *fmt, va_list ap)
{
    struct sw_buf b;

    if (e->n >= SW_CFG_MAX_ERRORS) {
        e->dropped++;
        return;
    }
    sw_buf_init(&b);
    sw_buf_vprintf(&b, fmt, ap);
    sw_xgrow((void **)&e->v, &e->cap, e->n + 1, sizeof(*e->v));
    e->v[e->n].file = file;
    e->v[e->n].line = line;
    e->v[e->n].col = col;
    e->v[e->n].seq = e->n;
    e->v[e->n].msg = sw_buf_steal(&b);
    e->n++;
}

void sw_cfg_errors_add(struct sw_cfg_errors *e, int line, int col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    errors_vadd(e, NULL, line, col, fmt, ap);
    va_end(ap);
}

void sw_cfg_errors_add_at(struct sw_cfg_errors *e, const char *file, int line, int col,
                          const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    errors_vadd(e, file, line, col, fmt, ap);
    va_end(ap);
}

static int error_cmp(const void *a, const void *b)
{
    const struct sw_cfg_error *x = a, *y = b;

    /* the main file first, then the included ones by name */
    if (x->file != y->file) {
        if (!x->file || !y->file) {
            return x->file ? 1 : -1;
        }
        int r = strcmp(x->file, y->file);
        if (r) {
            return r;
        }
    }
    if (x->line != y->line) {
        return x->line < y->line ? -1 : 1;
    }
    if (x->col != y->col) {
        return x->col < y->col ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void sw_cfg_errors_flush(struct sw_cfg_errors *e, struct sw_buf *out)
{
    if (e->n > 1) {
        qsort(e->v, e->n, sizeof(*e->v), error_cmp);
    }
    for (size_t i = 0; out && i < e->n; i++) {
        sw_buf_printf(out, "%s:%d:%d: %s\n", e->v[i].file ? e->v[i].file : e->file, e->v[i].line,
                      e->v[i].col, e->v[i].msg);
    }
    if (out && e->dropped) {
        sw_buf_printf(out, "%s: %zu more errors not shown\n", e->file, e->dropped);
    }
    sw_cfg_errors_release(e);
}

void sw_cfg_errors_release(struct sw_cfg_errors *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].msg);
    }
    free(e->v);
    e->v = NULL;
    e->n = e->cap = e->dropped = 0;
}

void sw_cfg_tree_free(struct sw_cfg_node *n)
{
    if (!n) {
        return;
    }
    if (n->type != SW_CFG_SCALAR) {
        /* depth is capped at SW_CFG_MAX_DEPTH, so recursion is bounded */
        for (size_t i = 0; i < n->n; i++) {
            sw_cfg_tree_free(n->kids[i]);
        }
        free(n->kids);
    }
    free(n);
}

/* libyaml's reader reports a byte offset, not a mark: count lines and characters. */
static void offset_to_pos(const char *text, size_t len, size_t off, int *line, int *col)
{
    int l = 1, c = 1;

    for (size_t i = 0; i < off && i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void syntax_error(const yaml_parser_t *p, const char *text, size_t len,
                         struct sw_cfg_errors *e)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    int line, col;

    switch (p->error) {
    case YAML_READER_ERROR:
        offset_to_pos(text, len, p->problem_offset, &line, &col);
        sw_cfg_errors_add(e, line, col, "YAML syntax error: %s", problem);
        return;
    case YAML_MEMORY_ERROR:
        sw_cfg_errors_add(e, 1, 1, "YAML parser out of memory");
        return;
    default:
        break;
    }
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    if (p->context) {
        sw_cfg_errors_add(e, line, col, "YAML syntax error: %s (%s at line %d, column %d)", problem,
                          p->context, (int)p->context_mark.line + 1,
                          (int)p->context_mark.column + 1);
    } else {
        sw_cfg_errors_add(e, line, col, "YAML syntax error: %s", problem);
    }
}

struct frame {
    struct sw_cfg_node *node;
    size_t cap;
};

static struct sw_cfg_node *new_node(int type, const yaml_event_t *ev, const char *s, size_t n)
{
    struct sw_cfg_node *node = sw_xcalloc(1, sizeof(*node) + (type == SW_CFG_SCALAR ? n + 1 : 0));

    node->type = (unsigned char)type;
    node->line = (int)ev->start_mark.line + 1;
    node->col = (int)ev->start_mark.column + 1;
    if (type == SW_CFG_SCALAR) {
        memcpy(node->s, s, n);
        node->s[n] = '\0';
        node->n = n;
    }
    return node;
}

/* Refuses what this loader does not support, at the event's position. */
static bool unsupported(const yaml_event_t *ev, struct sw_cfg_errors *e)
{
    const yaml_char_t *anchor = NULL, *tag = NULL;
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;

    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        sw_cfg_errors_add(e, line, col, "YAML aliases are not supported: write the value out");
        return true;
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        break;
    default:
        break;
    }
    if (anchor) {
        sw_cfg_errors_add(e, line, col, "YAML anchors are not supported: write the value out");
        return true;
    }
    if (tag) {
        sw_cfg_errors_add(e, line, col, "YAML tags are not supported");
        return true;
    }
    return false;
}

int sw_cfg_tree_parse(const char *text, size_t len, struct sw_cfg_errors *e,
                      struct sw_cfg_node **ret_root)
{
    struct frame stack[SW_CFG_MAX_DEPTH];
    struct sw_cfg_node *root = NULL;
    yaml_parser_t p;
    yaml_event_t ev;
    size_t depth = 0, nodes = 0;
    int docs = 0, r = 0;
    bool done = false;

    if (!yaml_parser_initialize(&p)) {
        sw_cfg_errors_add(e, 1, 1, "YAML parser out of memory");
        return -ENOMEM;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!done) {
        struct sw_cfg_node *node = NULL;
        int line, col;

        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(&p, text, len, e);
            r = -EINVAL;
            goto out;
        }
        line = (int)ev.start_mark.line + 1;
        col = (int)ev.start_mark.column + 1;
        if (unsupported(&ev, e)) {
            r = -EINVAL;
            yaml_event_delete(&ev);
            goto out;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                sw_cfg_errors_add(e, line, col, "only one YAML document is allowed");
                r = -EINVAL;
            }
            break;
        case YAML_SCALAR_EVENT:
            node = new_node(SW_CFG_SCALAR, &ev, (const char *)ev.data.scalar.value,
                            ev.data.scalar.length);
            node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            break;
        case YAML_SEQUENCE_START_EVENT:
            node = new_node(SW_CFG_SEQ, &ev, NULL, 0);
            break;
        case YAML_MAPPING_START_EVENT:
            node = new_node(SW_CFG_MAP, &ev, NULL, 0);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0) {
                depth--;
            }
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (r < 0) {
            sw_cfg_tree_free(node);
            goto out;
        }
        if (!node) {
            continue;
        }
        if (++nodes > SW_CFG_MAX_NODES) {
            sw_cfg_errors_add(e, line, col, "the document has more than %d YAML nodes",
                              SW_CFG_MAX_NODES);
            sw_cfg_tree_free(node);
            r = -EINVAL;
            goto out;
        }
        if (depth == 0) {
            /* only one document, so only one root */
            sw_cfg_tree_free(root);
            root = node;
        } else {
            struct frame *f = &stack[depth - 1];
            sw_xgrow((void **)&f->node->kids, &f->cap, f->node->n + 1, sizeof(*f->node->kids));
            f->node->kids[f->node->n++] = node;
        }
        if (node->type != SW_CFG_SCALAR) {
            if (depth == SW_CFG_MAX_DEPTH) {
                sw_cfg_errors_add(e, line, col, "nesting deeper than %d levels", SW_CFG_MAX_DEPTH);
                r = -EINVAL;
                goto out;
            }
            stack[depth].node = node;
            stack[depth].cap = 0;
            depth++;
        }
    }
    *ret_root = root;
    root = NULL;
out:
    sw_cfg_tree_free(root);
    yaml_parser_delete(&p);
    return r;
}

char *sw_cfg_read_file(const char *path, size_t *ret_len, int *ret_errno)
{
    size_t len = 0, cap = 64 * 1024;
    char *text;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd == -1) {
        *ret_errno = errno;
        return NULL;
    }
    text = sw_xmalloc(cap);
    for (;;) {
        ssize_t r;
        if (len == cap) {
            if (cap > SW_CFG_MAX_BYTES) {
                break; /* one byte past the limit is enough to refuse it */
            }
            cap = cap * 2 > SW_CFG_MAX_BYTES ? SW_CFG_MAX_BYTES + 1 : cap * 2;
            text = sw_xrealloc(text, cap);
        }
        r = read(fd, text + len, cap - len);
        if (r == -1 && errno == EINTR) {
            continue;
        }
        if (r == -1) {
            *ret_errno = errno;
            close(fd);
            free(text);
            return NULL;
        }
        if (r == 0) {
            break;
        }
        len += (size_t)r;
    }
    close(fd);
    *ret_len = len;
    return text;
}
