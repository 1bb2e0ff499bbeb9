/* SPDX-License-Identifier: Apache-2.0 */
/* config_int.h: what the files of src/config/ share and nobody else sees: the small YAML
 * tree that tree.c builds from libyaml's events (every node keeps its position), the
 * error list that collects "FILE:LINE:COL: message" lines, and the entry points between
 * tree.c, load.c and config.c. */
#ifndef SW_CONFIG_INT_H
#define SW_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/core.h"

#define SW_CFG_MAX_BYTES (16u * 1024 * 1024) /* largest document accepted */
#define SW_CFG_MAX_DEPTH 64                  /* deepest nesting of lists and mappings */
#define SW_CFG_MAX_NODES 2000000             /* nodes in one document */
#define SW_CFG_MAX_ERRORS 1000               /* errors listed; the rest are counted */

enum sw_cfg_node_type {
    SW_CFG_SCALAR = 0,
    SW_CFG_SEQ = 1,
    SW_CFG_MAP = 2,
};

struct sw_cfg_node {
    unsigned char type;      /* enum sw_cfg_node_type */
    unsigned char plain;     /* a scalar written without quotes (may be null, a number, a bool) */
    unsigned char synthetic; /* made by the loader (a derived check), not read from a file */
    int line;                /* 1-based position of the node's first character */
    int col;
    const char *file;          /* an included file's path; NULL: the main file */
    size_t n;                  /* scalar: bytes; seq: items; map: 2 * pairs (key, value, ...) */
    struct sw_cfg_node **kids; /* seq and map */
    char s[];                  /* scalar text, NUL-terminated */
};

struct sw_cfg_error {
    const char *file; /* NULL: the main file */
    int line;
    int col;
    size_t seq; /* order of discovery, keeps the sort stable */
    char *msg;
};

struct sw_cfg_errors {
    const char *file; /* the name used in messages */
    struct sw_cfg_error *v;
    size_t n;
    size_t cap;
    size_t dropped; /* errors past SW_CFG_MAX_ERRORS */
};

void sw_cfg_errors_add(struct sw_cfg_errors *e, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same in file (an included file; NULL: the main file), which must outlive e. */
void sw_cfg_errors_add_at(struct sw_cfg_errors *e, const char *file, int line, int col,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sorts the errors by position and appends them to out, one line each; frees them. */
void sw_cfg_errors_flush(struct sw_cfg_errors *e, struct sw_buf *out);
void sw_cfg_errors_release(struct sw_cfg_errors *e);

/* Parses len bytes of YAML into a tree (*ret_root may be NULL for an empty stream).
 * Returns 0, or -EINVAL with the syntax error added to e. */
int sw_cfg_tree_parse(const char *text, size_t len, struct sw_cfg_errors *e,
                      struct sw_cfg_node **ret_root);
void sw_cfg_tree_free(struct sw_cfg_node *n); /* NULL-safe */
/* Reads a whole file (up to one byte past SW_CFG_MAX_BYTES, so a larger one is seen);
 * NULL with *ret_errno set when it cannot. */
char *sw_cfg_read_file(const char *path, size_t *ret_len, int *ret_errno);

/* What sw_cfg_expand() keeps alive until the errors are flushed: included files' names. */
struct sw_cfg_expansion {
    char **files;
    size_t n_files;
    size_t cap_files;
};
/* Adds the deployments' included services and the derived checks of v to the tree (see
 * derive.c). Returns 0, or -EINVAL when an included file could not be read or parsed. */
int sw_cfg_expand(struct sw_cfg_node *root, const char *base_dir, const struct sw_derived *v,
                  size_t n, struct sw_cfg_errors *e, struct sw_cfg_expansion *x);
void sw_cfg_expansion_release(struct sw_cfg_expansion *x);

/* Builds cfg from the tree; base_dir (or NULL: keep relative paths) anchors relative
 * paths. Returns 0 when no error was added to e. */
int sw_cfg_build(const struct sw_cfg_node *root, const char *base_dir, struct sw_cfg_errors *e,
                 struct sw_config *cfg);

/* The fingerprint of one check: every setting that affects how it runs. */
uint64_t sw_cfg_check_fingerprint(const struct sw_check_conf *ck);

/* Frees a (possibly half-built) configuration. */
void sw_cfg_free(struct sw_config *c);

#endif
