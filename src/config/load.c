/* SPDX-License-Identifier: Apache-2.0 */
/* load.c: walks the YAML tree of tree.c and builds the configuration of config.h, checking
 * every key and value on the way. Each problem becomes one error at the position of the
 * offending key or value; walking goes on so that all errors are reported at once. Files
 * named by the configuration (secrets, certificates, plugins) are checked or read here. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "config/config_int.h"

#define MAX_DURATION_MS (3650LL * 86400 * 1000) /* ten years */
#define MAX_SECRET 4096                         /* bytes in a password or token */
#define MIN_API_KEY 16                          /* fewest bytes in an API token (`tokens:`) */
#define MAX_HEADERS 64
#define MAX_EXPECT_STATUS 64
#define MAX_ARGS 256
#define MAX_ARG_LEN 4096
#define MAX_PATH_LEN 4096
#define MAX_URL_LEN 8192
#define MAX_TEXT 65536   /* request body, tcp send and expect */
#define MAX_PATTERN 4096 /* expect_body */
#define MAX_NAME 256     /* display names, region, username */
#define KIB 1024ULL
#define MIB (1024ULL * 1024)
#define GIB (1024ULL * 1024 * 1024)

typedef const struct sw_cfg_node cnode;

struct ctx {
    struct sw_cfg_errors *e;
    const char *base; /* directory against which relative paths resolve, or NULL */
    struct sw_config *cfg;
    int64_t def_interval_ms;
    int64_t def_retry_ms;
    int64_t def_timeout_ms;
    int def_attempts;
    struct sw_map engineers;   /* id -> struct sw_engineer_conf *, for references */
    struct sw_map channels;    /* id -> struct sw_channel_conf * */
    struct sw_map rotations;   /* id -> struct sw_rotation_conf * */
    struct sw_map escalations; /* id -> struct sw_escalation_conf * */
    struct sw_map services;    /* path -> struct sw_service_conf *, for depends_on */
    struct dep_list *deps;     /* the services' depends_on, resolved once all are loaded */
    size_t n_deps;
    size_t cap_deps;
};

/* A service's depends_on entries, kept until every service is known. */
struct dep_list {
    struct sw_service_conf *sv;
    cnode **entries; /* the valid strings as written */
    size_t n;        /* entries */
    cnode **at;      /* at[i]: the entry that sv->depends_on[i] came from */
};

/* an id and where it was written, for finding duplicates among siblings */
struct idpos {
    const char *id;
    const char *file; /* an included file, or NULL */
    int line;
    int col;
    size_t idx;
};

#define ERR(c, n, ...) sw_cfg_errors_add_at((c)->e, (n)->file, (n)->line, (n)->col, __VA_ARGS__)

/* ---- describing what was found ---- */

static bool is_null(cnode *n)
{
    return n->type == SW_CFG_SCALAR && n->plain &&
           (n->n == 0 || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
            strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0);
}

/* The scalar's text for a message: printable, at most 48 characters. */
static const char *shown(cnode *n, char *buf, size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < n->n && o + 4 < size && i < 48; i++) {
        unsigned char ch = (unsigned char)n->s[i];
        buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (i < n->n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

/* "a mapping", "a list", "nothing" or the scalar quoted. */
static const char *found(cnode *n, char *buf, size_t size)
{
    char t[64];

    if (n->type == SW_CFG_MAP) {
        return "a mapping";
    }
    if (n->type == SW_CFG_SEQ) {
        return "a list";
    }
    if (is_null(n)) {
        return "nothing";
    }
    snprintf(buf, size, "'%s'", shown(n, t, sizeof(t)));
    return buf;
}

static bool want_map(struct ctx *c, cnode *n, const char *what)
{
    char b[80];

    if (n->type == SW_CFG_MAP) {
        return true;
    }
    ERR(c, n, "%s must be a mapping, found %s", what, found(n, b, sizeof(b)));
    return false;
}

static bool want_seq(struct ctx *c, cnode *n, const char *key)
{
    char b[80];

    if (n->type == SW_CFG_SEQ) {
        return true;
    }
    ERR(c, n, "'%s' must be a list, found %s", key, found(n, b, sizeof(b)));
    return false;
}

/* Matches the keys of map against names[]: reports keys that are unknown, repeated or not
 * strings, and fills keys[i] / vals[i] with the key and value nodes of names[i] (or NULL). */
static bool take_keys(struct ctx *c, cnode *map, const char *what, const char *where,
                      const char *const *names, size_t count, cnode **keys, cnode **vals)
{
    for (size_t i = 0; i < count; i++) {
        keys[i] = vals[i] = NULL;
    }
    if (!want_map(c, map, what)) {
        return false;
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        cnode *k = map->kids[i];
        size_t j;
        char b[64];

        if (k->type != SW_CFG_SCALAR) {
            ERR(c, k, "mapping keys must be strings");
            continue;
        }
        for (j = 0; j < count && strcmp(names[j], k->s) != 0; j++) {
        }
        if (j == count) {
            ERR(c, k, "unknown key '%s' %s", shown(k, b, sizeof(b)), where);
        } else if (keys[j]) {
            ERR(c, k, "duplicate key '%s' (first at %s:%d:%d)", names[j], c->e->file, keys[j]->line,
                keys[j]->col);
        } else {
            keys[j] = k;
            vals[j] = map->kids[i + 1];
        }
    }
    return true;
}

static void need(struct ctx *c, cnode *map, cnode *val, const char *key)
{
    if (!val) {
        ERR(c, map, "missing required key '%s'", key);
    }
}

/* ---- scalars ---- */

enum {
    STR_NONEMPTY = 1 << 0,
    STR_LINE = 1 << 1, /* one line: no control characters */
};

static bool has_ctl(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return true;
        }
    }
    return false;
}

/* The scalar text of v; the pointer lives as long as the tree. */
static bool get_str(struct ctx *c, const char *key, cnode *v, size_t max, int flags,
                    const char **ret)
{
    char b[80];

    if (v->type != SW_CFG_SCALAR || is_null(v)) {
        ERR(c, v, "'%s' must be a string, found %s", key, found(v, b, sizeof(b)));
        return false;
    }
    if (strlen(v->s) != v->n) {
        ERR(c, v, "'%s' contains a NUL character", key);
        return false;
    }
    if ((flags & STR_NONEMPTY) && v->n == 0) {
        ERR(c, v, "'%s' must not be empty", key);
        return false;
    }
    if (v->n > max) {
        ERR(c, v, "'%s' is longer than %zu bytes", key, max);
        return false;
    }
    if ((flags & STR_LINE) && has_ctl(v->s)) {
        ERR(c, v, "'%s' contains control characters", key);
        return false;
    }
    *ret = v->s;
    return true;
}

static bool dup_str(struct ctx *c, const char *key, cnode *v, size_t max, int flags, char **ret)
{
    const char *s;

    if (!get_str(c, key, v, max, flags, &s)) {
        return false;
    }
    *ret = sw_xstrdup(s);
    return true;
}

/* Only a plain decimal scalar is an integer; "5" in quotes is a string. */
static bool get_int(struct ctx *c, const char *key, cnode *v, long long min, long long max,
                    long long *ret)
{
    const char *p;
    char *end;
    long long x;
    char b[80];

    if (v->type != SW_CFG_SCALAR || is_null(v)) {
        ERR(c, v, "'%s' must be an integer, found %s", key, found(v, b, sizeof(b)));
        return false;
    }
    p = v->s + (v->s[0] == '-' || v->s[0] == '+');
    if (!isdigit((unsigned char)*p) || strspn(p, "0123456789") != strlen(p)) {
        ERR(c, v, "'%s' must be an integer, found %s", key, found(v, b, sizeof(b)));
        return false;
    }
    if (!v->plain) {
        ERR(c, v, "'%s' must be an integer, found the string %s (drop the quotes)", key,
            found(v, b, sizeof(b)));
        return false;
    }
    errno = 0;
    x = strtoll(v->s, &end, 10);
    if (errno == ERANGE || x < min || x > max) {
        ERR(c, v, "'%s' must be between %lld and %lld, found %s", key, min, max,
            found(v, b, sizeof(b)));
        return false;
    }
    *ret = x;
    return true;
}

static bool get_intv(struct ctx *c, const char *key, cnode *v, int min, int max, int *ret)
{
    long long x;

    if (!get_int(c, key, v, min, max, &x)) {
        return false;
    }
    *ret = (int)x;
    return true;
}

static bool get_bool(struct ctx *c, const char *key, cnode *v, bool *ret)
{
    static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False",
                                                                           "FALSE"};
    char b[80];

    if (v->type == SW_CFG_SCALAR && v->plain) {
        for (int i = 0; i < 3; i++) {
            if (strcmp(v->s, t[i]) == 0 || strcmp(v->s, f[i]) == 0) {
                *ret = strcmp(v->s, t[i]) == 0;
                return true;
            }
        }
    }
    ERR(c, v, "'%s' must be true or false, found %s", key, found(v, b, sizeof(b)));
    return false;
}

static bool get_duration(struct ctx *c, const char *key, cnode *v, bool allow_zero, int64_t *ret_ms)
{
    int64_t ms = 0;
    char b[80];
    int r;

    if (v->type != SW_CFG_SCALAR || is_null(v)) {
        ERR(c, v, "'%s' must be a duration, found %s", key, found(v, b, sizeof(b)));
        return false;
    }
    if (allow_zero && v->plain && strcmp(v->s, "0") == 0) {
        *ret_ms = 0;
        return true;
    }
    r = sw_duration_parse(v->s, &ms);
    if (r == -ERANGE || (r == 0 && ms > MAX_DURATION_MS)) {
        ERR(c, v, "'%s' is too long (at most 3650d)", key);
        return false;
    }
    if (r < 0) {
        ERR(c, v,
            "bad duration %s for '%s' (a number with a unit: ms, s, m, h, d, w; e.g. 30s "
            "or 1h30m)",
            found(v, b, sizeof(b)), key);
        return false;
    }
    if (ms == 0 && !allow_zero) {
        ERR(c, v, "'%s' must be greater than 0", key);
        return false;
    }
    *ret_ms = ms;
    return true;
}

/* Bytes: a plain integer, or a number with B, KiB, MiB or GiB ("1MiB", "64 KiB"). */
static bool get_bytes(struct ctx *c, const char *key, cnode *v, unsigned long long min,
                      unsigned long long max, size_t *ret)
{
    static const struct {
        const char *unit;
        unsigned long long mult;
    } units[] = {{"", 1}, {"B", 1}, {"KiB", KIB}, {"MiB", MIB}, {"GiB", GIB}};
    unsigned long long x = 0;
    const char *p;
    char b[80];
    size_t i;

    if (v->type != SW_CFG_SCALAR || is_null(v) || !isdigit((unsigned char)v->s[0])) {
        goto bad;
    }
    for (p = v->s; isdigit((unsigned char)*p); p++) {
        if (x > 1000000000000ULL) {
            goto range;
        }
        x = x * 10 + (unsigned long long)(*p - '0');
    }
    if (*p == ' ' && p[1]) {
        p++; /* "64 KiB" */
    }
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(p, units[i].unit) == 0) {
            break;
        }
    }
    if (i == sizeof(units) / sizeof(units[0]) || (i == 0 && !v->plain)) {
        goto bad;
    }
    x *= units[i].mult;
    if (x < min || x > max) {
        goto range;
    }
    *ret = (size_t)x;
    return true;
range:
    ERR(c, v, "'%s' must be between %llu and %llu bytes, found %s", key, min, max,
        found(v, b, sizeof(b)));
    return false;
bad:
    ERR(c, v, "bad size %s for '%s' (bytes, or a number with KiB, MiB or GiB; e.g. 1MiB)",
        found(v, b, sizeof(b)), key);
    return false;
}

/* ---- names, addresses and files ---- */

static bool valid_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 64 || !isalnum((unsigned char)s[0])) {
        return false;
    }
    for (size_t i = 1; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i])) {
            return false;
        }
    }
    return true;
}

static bool get_id(struct ctx *c, cnode *v, char **ret, struct idpos *ip)
{
    const char *s;
    char b[80];

    if (!get_str(c, "id", v, 1024, STR_NONEMPTY, &s)) {
        return false;
    }
    if (!valid_id(s)) {
        ERR(c, v,
            "bad id %s (1 to 64 letters, digits, '_', '.' or '-', starting with a letter or "
            "digit)",
            found(v, b, sizeof(b)));
        return false;
    }
    *ret = sw_xstrdup(s);
    ip->id = *ret;
    ip->file = v->file;
    ip->line = v->line;
    ip->col = v->col;
    return true;
}

static int idpos_cmp(const void *a, const void *b)
{
    const struct idpos *x = a, *y = b;
    int r = strcmp(x->id, y->id);

    if (r) {
        return r;
    }
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Reports every id that an earlier sibling already has. Entries without an id are skipped. */
static void check_dups(struct ctx *c, const char *what, struct idpos *v, size_t n)
{
    size_t m = 0, first = 0;

    for (size_t i = 0; i < n; i++) {
        if (v[i].id) {
            v[m] = v[i];
            v[m].idx = i;
            m++;
        }
    }
    if (m > 1) {
        qsort(v, m, sizeof(*v), idpos_cmp);
    }
    for (size_t i = 1; i < m; i++) {
        if (strcmp(v[i].id, v[first].id) != 0) {
            first = i;
            continue;
        }
        sw_cfg_errors_add_at(
            c->e, v[i].file, v[i].line, v[i].col, "duplicate %s id '%s' (first at %s:%d:%d)", what,
            v[i].id, v[first].file ? v[first].file : c->e->file, v[first].line, v[first].col);
    }
}

static bool valid_hostname(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 253) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && !strchr(".-_", s[i])) {
            return false;
        }
    }
    return true;
}

static bool valid_port(const char *s)
{
    if (!*s || strlen(s) > 5 || strspn(s, "0123456789") != strlen(s)) {
        return false;
    }
    int p = atoi(s);
    return p >= 1 && p <= 65535;
}

/* "HOST:PORT" or "[IPv6]:PORT". */
static bool valid_listen(const char *s)
{
    const char *colon;
    char host[256];
    struct in6_addr a6;

    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host)) {
            return false;
        }
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        return inet_pton(AF_INET6, host, &a6) == 1 && valid_port(close + 2);
    }
    colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof(host)) {
        return false;
    }
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    return valid_hostname(host) && valid_port(colon + 1);
}

/* Joins a relative path to the configuration file's directory. */
static char *resolve(struct ctx *c, const char *path)
{
    if (path[0] == '/' || !c->base) {
        return sw_xstrdup(path);
    }
    return sw_xasprintf("%s/%s", c->base, path);
}

/* A file that must exist, be a regular file and be readable; the resolved path. */
static bool get_file(struct ctx *c, const char *key, cnode *v, char **ret)
{
    const char *s;
    struct stat st;
    char *path;

    if (!get_str(c, key, v, MAX_PATH_LEN, STR_NONEMPTY | STR_LINE, &s)) {
        return false;
    }
    path = resolve(c, s);
    if (stat(path, &st) == -1 || access(path, R_OK) == -1) {
        ERR(c, v, "cannot read %s '%s': %s", key, path, strerror(errno));
        free(path);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        ERR(c, v, "%s '%s' is not a regular file", key, path);
        free(path);
        return false;
    }
    *ret = path;
    return true;
}

enum secret_kind {
    SECRET_TEXT,    /* a password or token we send: one line of printable text */
    SECRET_API_KEY, /* a token that callers of our API present: see api_key_ok() */
};

/* A password or token must be one line of printable text: it ends up in an HTTP header.
 * Messages name where the secret came from (what), never its content. */
static bool secret_ok(struct ctx *c, cnode *v, const char *what, const char *s, size_t n)
{
    if (n == 0) {
        ERR(c, v, "%s is empty", what);
        return false;
    }
    if (n > MAX_SECRET) {
        ERR(c, v, "%s is longer than %d bytes", what, MAX_SECRET);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            ERR(c, v, "%s contains control characters", what);
            return false;
        }
    }
    return true;
}

/* An API token is guessable when short, and must survive an Authorization header and a
 * shell unchanged: at least MIN_API_KEY bytes of printable ASCII without spaces. */
static bool api_key_ok(struct ctx *c, cnode *v, const char *what, const char *s, size_t n)
{
    if (!secret_ok(c, v, what, s, n)) {
        return false;
    }
    if (n < MIN_API_KEY) {
        ERR(c, v, "%s is too short (at least %d bytes)", what, MIN_API_KEY);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) {
            ERR(c, v, "%s contains spaces or characters that are not printable ASCII", what);
            return false;
        }
    }
    return true;
}

static bool check_secret(struct ctx *c, cnode *v, enum secret_kind kind, const char *what,
                         const char *s, size_t n)
{
    return kind == SECRET_API_KEY ? api_key_ok(c, v, what, s, n) : secret_ok(c, v, what, s, n);
}

static bool read_file_secret(struct ctx *c, const char *key, cnode *v, enum secret_kind kind,
                             char **ret)
{
    char buf[MAX_SECRET + 2], what[MAX_PATH_LEN + 64];
    const char *s;
    char *path;
    struct stat st;
    size_t n = 0;
    ssize_t r;
    int fd;
    bool ok = false;

    if (!get_str(c, key, v, MAX_PATH_LEN, STR_NONEMPTY | STR_LINE, &s)) {
        return false;
    }
    path = resolve(c, s);
    snprintf(what, sizeof(what), "%s '%s'", key, path);
    /* O_NONBLOCK: a FIFO must not hang the loader; only regular files pass below */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd == -1) {
        ERR(c, v, "cannot read %s: %s", what, strerror(errno));
        goto out;
    }
    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        ERR(c, v, "%s is not a regular file", what);
        goto out;
    }
    while (n < sizeof(buf) - 1) {
        r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r == -1 && errno == EINTR) {
            continue;
        }
        if (r == -1) {
            ERR(c, v, "cannot read %s: %s", what, strerror(errno));
            goto out;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    if (n > 0 && buf[n - 1] == '\n') {
        n--;
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
    }
    if (!check_secret(c, v, kind, what, buf, n)) {
        goto out;
    }
    *ret = sw_xstrndup(buf, n);
    ok = true;
out:
    explicit_bzero(buf, sizeof(buf));
    if (fd != -1) {
        close(fd);
    }
    free(path);
    return ok;
}

static bool read_env_secret(struct ctx *c, const char *key, cnode *v, enum secret_kind kind,
                            char **ret)
{
    char what[160];
    const char *s, *val;

    if (!get_str(c, key, v, 128, STR_NONEMPTY, &s)) {
        return false;
    }
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_') ||
        strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != strlen(s)) {
        char b[80];
        ERR(c, v, "bad environment variable name %s for '%s'", found(v, b, sizeof(b)), key);
        return false;
    }
    snprintf(what, sizeof(what), "environment variable '%s' (%s)", s, key);
    val = getenv(s);
    if (!val) {
        ERR(c, v, "%s is not set", what);
        return false;
    }
    if (!check_secret(c, v, kind, what, val, strlen(val))) {
        return false;
    }
    *ret = sw_xstrdup(val);
    return true;
}

static bool read_secret_file(struct ctx *c, const char *key, cnode *v, char **ret)
{
    return read_file_secret(c, key, v, SECRET_TEXT, ret);
}

static bool read_secret_env(struct ctx *c, const char *key, cnode *v, char **ret)
{
    return read_env_secret(c, key, v, SECRET_TEXT, ret);
}

/* Decodes \r \n \t \\ in place of their two-character escapes. */
static bool get_escaped(struct ctx *c, const char *key, cnode *v, char **ret)
{
    const char *s;
    char *out, *o;

    if (!get_str(c, key, v, MAX_TEXT, STR_NONEMPTY, &s)) {
        return false;
    }
    out = o = sw_xmalloc(strlen(s) + 1);
    for (const char *p = s; *p; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        switch (p[1]) {
        case 'r':
            *o++ = '\r';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 't':
            *o++ = '\t';
            break;
        case '\\':
            *o++ = '\\';
            break;
        default:
            ERR(c, v, "unknown escape in '%s' at byte %zu (known: \\r \\n \\t \\\\)", key,
                (size_t)(p - s) + 1);
            free(out);
            return false;
        }
        p++;
    }
    *o = '\0';
    *ret = out;
    return true;
}

/* 'command': a list of arguments, the first an absolute path to an executable file. */
static bool get_argv(struct ctx *c, cnode *seq, char ***ret_argv, size_t *ret_argc)
{
    struct stat st;
    bool ok = true;
    char **argv;

    if (!want_seq(c, seq, "command")) {
        return false;
    }
    if (seq->n == 0) {
        ERR(c, seq, "'command' must not be empty");
        return false;
    }
    if (seq->n > MAX_ARGS) {
        ERR(c, seq, "'command' has more than %d arguments", MAX_ARGS);
        return false;
    }
    for (size_t i = 0; i < seq->n; i++) {
        const char *s;
        ok = get_str(c, "command", seq->kids[i], MAX_ARG_LEN, 0, &s) && ok;
    }
    if (!ok) {
        return false;
    }
    cnode *a0 = seq->kids[0];
    if (a0->s[0] != '/') {
        char b[80];
        ERR(c, a0, "the command must start with an absolute path, found %s",
            found(a0, b, sizeof(b)));
        return false;
    }
    if (stat(a0->s, &st) == -1) {
        ERR(c, a0, "cannot run '%s': %s", a0->s, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode) || access(a0->s, X_OK) == -1) {
        ERR(c, a0, "cannot run '%s': not an executable file", a0->s);
        return false;
    }
    argv = sw_xcalloc(seq->n + 1, sizeof(char *));
    for (size_t i = 0; i < seq->n; i++) {
        argv[i] = sw_xstrdup(seq->kids[i]->s);
    }
    *ret_argv = argv;
    *ret_argc = seq->n;
    return true;
}

/* ---- contracts and maintenance ---- */

#define MAX_CONTRACTS 1000
#define MAX_OBJECTIVES 256           /* per contract */
#define MAX_GLOBS 256                /* per objective */
#define MAX_GLOB_LEN 256             /* bytes in one service glob */
#define MAX_BURN_RULES 16            /* per objective */
#define MAX_CREDIT_TIERS 32          /* per contract */
#define MAX_MAINTENANCE 10000        /* windows in the file */
#define MAX_REASON 1024              /* bytes in a maintenance reason */
#define MAX_FACTOR_MILLI 1000000000u /* a burn-rate factor of 1,000,000 */
#define DAY_S 86400

/* An IANA timezone found in the system's tz database; replaces *ret. */
static bool get_tz(struct ctx *c, cnode *v, char **ret)
{
    const char *s;
    char b[80];

    if (!get_str(c, "timezone", v, 256, STR_NONEMPTY, &s)) {
        return false;
    }
    if (!sw_tz_valid(s)) {
        ERR(c, v, "unknown timezone %s", found(v, b, sizeof(b)));
        return false;
    }
    free(*ret);
    *ret = sw_xstrdup(s);
    return true;
}

/* A duration in whole seconds (allow_zero: "0" and "0s" are accepted). */
static bool get_seconds(struct ctx *c, const char *key, cnode *v, bool allow_zero, int64_t *ret_s)
{
    int64_t ms;

    if (!get_duration(c, key, v, allow_zero, &ms)) {
        return false;
    }
    if (ms % 1000 != 0) {
        ERR(c, v, "'%s' must be a whole number of seconds", key);
        return false;
    }
    *ret_s = ms / 1000;
    return true;
}

/* The scalar's text, for values that are numbers read exactly from their digits: plain or
 * quoted, never through a double. */
static bool get_number_text(cnode *v, const char **ret)
{
    if (v->type != SW_CFG_SCALAR || is_null(v) || strlen(v->s) != v->n) {
        return false;
    }
    *ret = v->s;
    return true;
}

/* A percentage with at most 4 decimals, 0 to 100, to ppm exactly ("99.95" -> 999500). */
static bool get_percent(struct ctx *c, const char *key, cnode *v, uint32_t *ret_ppm)
{
    const char *s;
    char b[80];

    if (!get_number_text(v, &s) || sw_ppm_parse(s, ret_ppm) < 0) {
        ERR(c, v,
            "bad percent %s for '%s' (a number from 0 to 100 with at most 4 decimals, e.g. "
            "99.95)",
            found(v, b, sizeof(b)), key);
        return false;
    }
    return true;
}

/* "I[.F]" with at most decimals digits after the point, scaled by 10^decimals exactly
 * ("14.4" at 3 decimals -> 14400); false for anything else or past limit (scaled). */
static bool scaled_decimal(const char *s, int decimals, uint64_t limit, uint64_t *ret)
{
    uint64_t x = 0;
    int frac = -1;

    if (!isdigit((unsigned char)s[0])) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (*p == '.' && frac < 0 && isdigit((unsigned char)p[1])) {
            frac = 0;
            continue;
        }
        if (!isdigit((unsigned char)*p) || (frac >= 0 && ++frac > decimals)) {
            return false;
        }
        x = x * 10 + (uint64_t)(*p - '0');
        if (x > limit) {
            return false;
        }
    }
    for (int i = frac < 0 ? 0 : frac; i < decimals; i++) {
        x *= 10;
    }
    if (x > limit) {
        return false;
    }
    *ret = x;
    return true;
}

/* A burn-rate factor with at most 3 decimals, > 0, in thousandths ("14.4" -> 14400). */
static bool get_factor(struct ctx *c, cnode *v, uint32_t *ret_milli)
{
    const char *s;
    uint64_t x;
    char b[80];

    if (!get_number_text(v, &s) || !scaled_decimal(s, 3, MAX_FACTOR_MILLI, &x)) {
        goto bad;
    }
    if (x == 0) {
        ERR(c, v, "'factor' must be greater than 0");
        return false;
    }
    *ret_milli = (uint32_t)x;
    return true;
bad:
    ERR(c, v,
        "bad factor %s (a number greater than 0 and at most 1000000 with at most 3 decimals, "
        "e.g. 14.4)",
        found(v, b, sizeof(b)));
    return false;
}

static bool pick(struct ctx *c, const char *key, cnode *v, const char *const *words, size_t n,
                 const char *hint, int *ret)
{
    const char *s;
    char b[80];

    if (!get_str(c, key, v, 64, 0, &s)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, words[i]) == 0) {
            *ret = (int)i;
            return true;
        }
    }
    ERR(c, v, "bad %s %s (%s)", key, found(v, b, sizeof(b)), hint);
    return false;
}

/* An incident severity, "sev1" (the worst) to "sev4"; *ret is 1 to 4. */
static bool get_severity(struct ctx *c, const char *key, cnode *v, int *ret)
{
    static const char *const sevs[] = {"sev1", "sev2", "sev3", "sev4"};
    int i;

    if (!pick(c, key, v, sevs, 4, "sev1, sev2, sev3 or sev4", &i)) {
        return false;
    }
    *ret = i + 1;
    return true;
}

static void load_burn_rule(struct ctx *c, cnode *n, struct sw_burn_rule_conf *br)
{
    enum { B_SEVERITY, B_LONG, B_SHORT, B_FACTOR, B_N };
    static const char *const names[] = {"severity", "long", "short", "factor"};
    static const char *const sevs[] = {"ticket", "page"};
    cnode *k[B_N], *v[B_N];

    if (!take_keys(c, n, "a burn rate", "in a burn rate", names, B_N, k, v)) {
        return;
    }
    for (int i = 0; i < B_N; i++) {
        need(c, n, v[i], names[i]);
    }
    if (v[B_SEVERITY]) {
        pick(c, "severity", v[B_SEVERITY], sevs, 2, "page or ticket", &br->page);
    }
    bool lo = v[B_LONG] && get_seconds(c, "long", v[B_LONG], false, &br->long_s);
    bool sh = v[B_SHORT] && get_seconds(c, "short", v[B_SHORT], false, &br->short_s);
    if (lo && sh && br->short_s >= br->long_s) {
        char a[32], b[32];
        ERR(c, v[B_SHORT], "'short' (%s) must be shorter than 'long' (%s)",
            sw_duration_format(br->short_s * 1000, a), sw_duration_format(br->long_s * 1000, b));
    }
    if (v[B_FACTOR]) {
        get_factor(c, v[B_FACTOR], &br->factor_milli);
    }
}

/* "DEPLOYMENT/SERVICE" with fnmatch(3) wildcards: exactly one '/'. */
static bool valid_glob(const char *s)
{
    const char *slash = strchr(s, '/');

    return slash && slash != s && slash[1] && !strchr(slash + 1, '/');
}

static void load_objective(struct ctx *c, cnode *n, struct sw_objective_conf *o)
{
    enum { O_SERVICES, O_TARGET, O_BURN, O_N };
    static const char *const names[] = {"services", "target", "burn_rates"};
    cnode *k[O_N], *v[O_N];

    o->line = n->line;
    o->col = n->col;
    if (!take_keys(c, n, "an objective", "in an objective", names, O_N, k, v)) {
        return;
    }
    need(c, n, v[O_SERVICES], "services");
    if (v[O_SERVICES] && want_seq(c, v[O_SERVICES], "services")) {
        cnode *seq = v[O_SERVICES];
        if (seq->n == 0) {
            ERR(c, seq, "'services' must not be empty");
        } else if (seq->n > MAX_GLOBS) {
            ERR(c, seq, "'services' has more than %d entries", MAX_GLOBS);
        } else {
            o->services = sw_xcalloc(seq->n + 1, sizeof(*o->services));
            for (size_t i = 0; i < seq->n; i++) {
                const char *s;
                char b[80];
                if (!get_str(c, "services", seq->kids[i], MAX_GLOB_LEN, STR_LINE, &s)) {
                    continue;
                }
                if (!valid_glob(s)) {
                    ERR(c, seq->kids[i],
                        "bad service glob %s (DEPLOYMENT/SERVICE with fnmatch wildcards, e.g. "
                        "*/identity)",
                        found(seq->kids[i], b, sizeof(b)));
                    continue;
                }
                o->services[o->n_services++] = sw_xstrdup(s);
            }
        }
    }
    need(c, n, v[O_TARGET], "target");
    if (v[O_TARGET] && get_percent(c, "target", v[O_TARGET], &o->target_ppm) &&
        o->target_ppm == 0) {
        ERR(c, v[O_TARGET], "'target' must be greater than 0");
    }
    if (v[O_BURN] && want_seq(c, v[O_BURN], "burn_rates")) {
        cnode *seq = v[O_BURN];
        if (seq->n == 0) {
            ERR(c, seq, "'burn_rates' must not be empty (leave it out for the default table)");
        } else if (seq->n > MAX_BURN_RULES) {
            ERR(c, seq, "'burn_rates' has more than %d entries", MAX_BURN_RULES);
        } else {
            o->rules = sw_xcalloc(seq->n, sizeof(*o->rules));
            o->n_rules = seq->n;
            for (size_t i = 0; i < seq->n; i++) {
                load_burn_rule(c, seq->kids[i], &o->rules[i]);
            }
        }
    }
}

static void load_period(struct ctx *c, cnode *v, struct sw_contract_conf *ct)
{
    static const char *const names[] = {"rolling"};
    cnode *k[1], *r[1];
    char b[80];

    if (v->type == SW_CFG_SCALAR && strcmp(v->s, "month") == 0) {
        ct->rolling_s = 0;
        return;
    }
    if (v->type != SW_CFG_MAP) {
        ERR(c, v, "bad period %s (month, or {rolling: DURATION} such as {rolling: 30d})",
            found(v, b, sizeof(b)));
        return;
    }
    if (!take_keys(c, v, "'period'", "in 'period'", names, 1, k, r)) {
        return;
    }
    need(c, v, r[0], "rolling");
    if (r[0] && get_seconds(c, "rolling", r[0], false, &ct->rolling_s) &&
        (ct->rolling_s < DAY_S || ct->rolling_s > 400 * DAY_S)) {
        ERR(c, r[0], "'rolling' must be between 1d and 400d, found %s", found(r[0], b, sizeof(b)));
        ct->rolling_s = 0;
    }
}

static void load_down_states(struct ctx *c, cnode *seq, struct sw_contract_conf *ct)
{
    static const char *const states[] = {"CRITICAL", "WARNING"};
    cnode *seen[2] = {NULL, NULL};
    bool ok = true;

    if (!want_seq(c, seq, "down_states")) {
        return;
    }
    for (size_t i = 0; i < seq->n; i++) {
        int st;
        if (!pick(c, "state", seq->kids[i], states, 2, "CRITICAL or WARNING", &st)) {
            ok = false;
        } else if (seen[st]) {
            ERR(c, seq->kids[i], "duplicate state '%s' in 'down_states' (first at %s:%d:%d)",
                states[st], c->e->file, seen[st]->line, seen[st]->col);
            ok = false;
        } else {
            seen[st] = seq->kids[i];
        }
    }
    if (ok && !seen[0]) {
        ERR(c, seq, "'down_states' must include CRITICAL");
    }
    ct->warning_is_down = seen[1] != NULL;
}

static void load_credits(struct ctx *c, cnode *seq, struct sw_contract_conf *ct)
{
    static const char *const names[] = {"below", "credit"};
    struct sw_credit_tier_conf prev = {0, 0};
    bool have_prev = false;

    if (!want_seq(c, seq, "credits")) {
        return;
    }
    if (seq->n > MAX_CREDIT_TIERS) {
        ERR(c, seq, "'credits' has more than %d tiers", MAX_CREDIT_TIERS);
        return;
    }
    ct->credits = sw_xcalloc(seq->n + 1, sizeof(*ct->credits));
    for (size_t i = 0; i < seq->n; i++) {
        cnode *t = seq->kids[i], *k[2], *v[2];
        struct sw_credit_tier_conf tier = {0, 0};
        char a[16], b[16];
        bool ok;

        if (!take_keys(c, t, "a credit tier", "in a credit tier", names, 2, k, v)) {
            have_prev = false;
            continue;
        }
        need(c, t, v[0], "below");
        need(c, t, v[1], "credit");
        ok = v[0] && get_percent(c, "below", v[0], &tier.below_ppm);
        ok = v[1] && get_percent(c, "credit", v[1], &tier.credit_ppm) && ok;
        if (ok && tier.below_ppm == 0) {
            ERR(c, t, "credits[%zu]: below must be greater than 0", i);
            ok = false;
        }
        if (ok && tier.credit_ppm == 0) {
            ERR(c, t, "credits[%zu]: credit must be greater than 0", i);
            ok = false;
        }
        if (ok && have_prev && tier.below_ppm >= prev.below_ppm) {
            ERR(c, t, "credits[%zu]: below %s must be lower than the previous tier's %s", i,
                sw_ppm_format(tier.below_ppm, a), sw_ppm_format(prev.below_ppm, b));
            ok = false;
        }
        if (ok && have_prev && tier.credit_ppm <= prev.credit_ppm) {
            ERR(c, t, "credits[%zu]: credit %s must be higher than the previous tier's %s", i,
                sw_ppm_format(tier.credit_ppm, a), sw_ppm_format(prev.credit_ppm, b));
            ok = false;
        }
        /* compare the next tier with this one even when this one is wrong, so that one
         * misplaced tier gives one error */
        have_prev = v[0] && v[1] && tier.below_ppm && tier.credit_ppm;
        prev = tier;
        if (ok) {
            ct->credits[ct->n_credits++] = tier;
        }
    }
}

/* ---- business calendars and support terms ---- */

#define MAX_CALENDARS 1000
#define MAX_HOURS 64    /* windows in one calendar's 'hours' list */
#define MAX_SUPPORT 64  /* entries in a contract's 'support' list */
#define CAL_ERR 256     /* bytes of a message from src/cases */
#define CAL_24X7 "24x7" /* the built-in calendar's id */

/* One {days, start, end} window. Each value is checked where it is written; what only the
 * whole window can tell (start after end, an overlap) is reported at the window. */
static void load_hours(struct ctx *c, cnode *n, struct sw_calendar *cal)
{
    enum { H_DAYS, H_START, H_END, H_N };
    static const char *const names[] = {"days", "start", "end"};
    cnode *k[H_N], *v[H_N];
    const char *s[H_N] = {NULL, NULL, NULL};
    char err[CAL_ERR];
    bool ok = true;

    if (!take_keys(c, n, "'hours'", "in 'hours'", names, H_N, k, v)) {
        return;
    }
    for (int i = 0; i < H_N; i++) {
        need(c, n, v[i], names[i]);
        if (!v[i] || !get_str(c, names[i], v[i], 64, STR_NONEMPTY, &s[i])) {
            ok = false;
        }
    }
    if (s[H_DAYS]) {
        unsigned days;
        if (sw_cal_parse_days(s[H_DAYS], &days, err, sizeof(err)) < 0) {
            ERR(c, v[H_DAYS], "%s", err);
            ok = false;
        }
    }
    for (int i = H_START; i <= H_END; i++) {
        int32_t t;
        if (s[i] && sw_cal_parse_time(s[i], i == H_END, &t, err, sizeof(err)) < 0) {
            ERR(c, v[i], "%s", err);
            ok = false;
        }
    }
    if (ok && sw_cal_add_hours_str(cal, s[H_DAYS], s[H_START], s[H_END], err, sizeof(err)) < 0) {
        ERR(c, n, "%s", err);
    }
}

static void load_holidays(struct ctx *c, cnode *seq, struct sw_calendar *cal)
{
    char err[CAL_ERR];

    if (!want_seq(c, seq, "holidays")) {
        return;
    }
    if (seq->n > SW_CAL_HOLIDAYS_MAX) {
        ERR(c, seq, "'holidays' has more than %d entries", SW_CAL_HOLIDAYS_MAX);
        return;
    }
    for (size_t i = 0; i < seq->n; i++) {
        const char *s;
        if (get_str(c, "holidays", seq->kids[i], 64, STR_NONEMPTY, &s) &&
            sw_cal_add_holiday_str(cal, s, err, sizeof(err)) < 0) {
            ERR(c, seq->kids[i], "%s", err);
        }
    }
}

static void load_calendar(struct ctx *c, cnode *n, struct sw_calendar_conf *cc, struct idpos *ip)
{
    enum { CA_ID, CA_TZ, CA_HOURS, CA_HOLIDAYS, CA_N };
    static const char *const names[] = {"id", "timezone", "hours", "holidays"};
    cnode *k[CA_N], *v[CA_N];
    char err[CAL_ERR];
    const char *s;
    size_t errors_before = c->e->n + c->e->dropped;

    sw_cal_init(&cc->cal);
    cc->line = n->line;
    cc->col = n->col;
    if (!take_keys(c, n, "a calendar", "in a calendar", names, CA_N, k, v)) {
        return;
    }
    need(c, n, v[CA_ID], "id");
    if (v[CA_ID] && get_id(c, v[CA_ID], &cc->id, ip) && strcmp(cc->id, CAL_24X7) == 0) {
        ERR(c, v[CA_ID], "calendar id '" CAL_24X7 "' is reserved for the built-in calendar");
    }
    need(c, n, v[CA_TZ], "timezone");
    if (v[CA_TZ] && get_str(c, "timezone", v[CA_TZ], 256, STR_NONEMPTY, &s) &&
        sw_cal_set_tz(&cc->cal, s, err, sizeof(err)) < 0) {
        ERR(c, v[CA_TZ], "%s", err);
    }
    need(c, n, v[CA_HOURS], "hours");
    if (v[CA_HOURS] && v[CA_HOURS]->type == SW_CFG_SEQ) {
        cnode *seq = v[CA_HOURS];
        if (seq->n == 0) {
            ERR(c, seq, "'hours' must not be empty");
        } else if (seq->n > MAX_HOURS) {
            ERR(c, seq, "'hours' has more than %d entries", MAX_HOURS);
        } else {
            for (size_t i = 0; i < seq->n; i++) {
                load_hours(c, seq->kids[i], &cc->cal);
            }
        }
    } else if (v[CA_HOURS]) {
        load_hours(c, v[CA_HOURS], &cc->cal);
    }
    if (v[CA_HOLIDAYS]) {
        load_holidays(c, v[CA_HOLIDAYS], &cc->cal);
    }
    /* the parts were checked one by one; the whole is checked only when they were fine */
    if (c->e->n + c->e->dropped == errors_before &&
        sw_cal_validate(&cc->cal, err, sizeof(err)) < 0) {
        ERR(c, n, "%s", err);
    }
}

static void load_calendars(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;
    struct idpos *ids;

    if (!want_seq(c, seq, "calendars")) {
        return;
    }
    if (seq->n > MAX_CALENDARS) {
        ERR(c, seq, "'calendars' has more than %d entries", MAX_CALENDARS);
        return;
    }
    ids = sw_xcalloc(seq->n + 1, sizeof(*ids));
    cfg->calendars = sw_xcalloc(seq->n + 1, sizeof(*cfg->calendars));
    cfg->n_calendars = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_calendar(c, seq->kids[i], &cfg->calendars[i], &ids[i]);
    }
    check_dups(c, "calendar", ids, seq->n);
    free(ids);
}

/* One {severity, first_response, update_every, resolution, calendar} entry into
 * ct->support[severity - 1]; seen[] holds where each severity was first given. */
static void load_support(struct ctx *c, cnode *n, struct sw_contract_conf *ct, cnode **seen)
{
    enum { SU_SEVERITY, SU_FIRST, SU_UPDATE, SU_RESOLUTION, SU_CALENDAR, SU_N };
    static const char *const names[] = {"severity", "first_response", "update_every", "resolution",
                                        "calendar"};
    struct sw_support_conf su = {.set = true, .line = n->line, .col = n->col};
    cnode *k[SU_N], *v[SU_N];
    int sev = 0;
    bool ok = true;
    const char *s;

    if (!take_keys(c, n, "a support entry", "in a support entry", names, SU_N, k, v)) {
        return;
    }
    need(c, n, v[SU_SEVERITY], "severity");
    need(c, n, v[SU_FIRST], "first_response");
    need(c, n, v[SU_RESOLUTION], "resolution");
    need(c, n, v[SU_CALENDAR], "calendar");
    if (!v[SU_SEVERITY] || !get_intv(c, "severity", v[SU_SEVERITY], SW_SUPPORT_SEVERITY_MIN,
                                     SW_SUPPORT_SEVERITY_MAX, &sev)) {
        ok = false;
    } else if (seen[sev - 1]) {
        ERR(c, v[SU_SEVERITY], "duplicate severity %d in 'support' (first at %s:%d:%d)", sev,
            c->e->file, seen[sev - 1]->line, seen[sev - 1]->col);
        ok = false;
    } else {
        seen[sev - 1] = v[SU_SEVERITY];
    }
    ok = v[SU_FIRST] &&
         get_seconds(c, "first_response", v[SU_FIRST], false, &su.first_response_s) && ok;
    if (v[SU_UPDATE]) {
        ok = get_seconds(c, "update_every", v[SU_UPDATE], false, &su.update_s) && ok;
    }
    ok = v[SU_RESOLUTION] &&
         get_seconds(c, "resolution", v[SU_RESOLUTION], false, &su.resolution_s) && ok;
    if (v[SU_CALENDAR] && get_str(c, "calendar", v[SU_CALENDAR], 1024, STR_NONEMPTY, &s)) {
        char b[80];
        su.calendar = sw_config_find_calendar(c->cfg, s);
        if (!su.calendar) {
            ERR(c, v[SU_CALENDAR],
                "unknown calendar %s (not defined under 'calendars', nor the built-in " CAL_24X7
                ")",
                found(v[SU_CALENDAR], b, sizeof(b)));
            ok = false;
        }
    } else {
        ok = false;
    }
    if (ok) {
        ct->support[sev - 1] = su;
        ct->n_support++;
    }
}

static void load_supports(struct ctx *c, cnode *seq, struct sw_contract_conf *ct)
{
    cnode *seen[SW_SUPPORT_SEVERITY_MAX] = {NULL};

    if (!want_seq(c, seq, "support")) {
        return;
    }
    if (seq->n == 0) {
        ERR(c, seq, "'support' must not be empty (leave it out for no support terms)");
        return;
    }
    if (seq->n > MAX_SUPPORT) {
        ERR(c, seq, "'support' has more than %d entries", MAX_SUPPORT);
        return;
    }
    for (size_t i = 0; i < seq->n; i++) {
        load_support(c, seq->kids[i], ct, seen);
    }
}

static void get_escalation(struct ctx *c, cnode *v, const struct sw_escalation_conf **ret);

static void load_contract(struct ctx *c, cnode *n, struct sw_contract_conf *ct, struct idpos *ip)
{
    enum {
        CT_ID,
        CT_TZ,
        CT_PERIOD,
        CT_OBJECTIVES,
        CT_UNKNOWN,
        CT_DOWN,
        CT_MIN_OUTAGE,
        CT_CREDITS,
        CT_SUPPORT,
        CT_AUTO_CASE,
        CT_WARN_AT,
        CT_SEVERITY,
        CT_BURN_INCIDENTS,
        CT_CASE_ESCALATION,
        CT_N
    };
    static const char *const names[] = {
        "id",          "timezone",   "period",         "objectives",     "unknown",
        "down_states", "min_outage", "credits",        "support",        "auto_case_on_incident",
        "warn_at",     "severity",   "burn_incidents", "case_escalation"};
    static const char *const policies[] = {"excluded", "down", "up"};
    cnode *k[CT_N], *v[CT_N];

    ct->line = n->line;
    ct->col = n->col;
    ct->unknown = SW_UNKNOWN_EXCLUDED;
    ct->warn_ppm = SW_CASE_WARN_DEFAULT_PPM;
    ct->burn_incidents = -1;
    if (!take_keys(c, n, "a contract", "in a contract", names, CT_N, k, v)) {
        return;
    }
    need(c, n, v[CT_ID], "id");
    if (v[CT_ID]) {
        get_id(c, v[CT_ID], &ct->id, ip);
    }
    if (v[CT_TZ]) {
        get_tz(c, v[CT_TZ], &ct->timezone);
    }
    if (v[CT_PERIOD]) {
        load_period(c, v[CT_PERIOD], ct);
    }
    if (!v[CT_OBJECTIVES] && !v[CT_SUPPORT]) {
        ERR(c, n, "a contract needs 'objectives', 'support' or both");
    }
    if (v[CT_OBJECTIVES] && want_seq(c, v[CT_OBJECTIVES], "objectives")) {
        cnode *seq = v[CT_OBJECTIVES];
        if (seq->n == 0) {
            ERR(c, seq, "a contract needs at least one objective");
        } else if (seq->n > MAX_OBJECTIVES) {
            ERR(c, seq, "'objectives' has more than %d entries", MAX_OBJECTIVES);
        } else {
            ct->objectives = sw_xcalloc(seq->n, sizeof(*ct->objectives));
            ct->n_objectives = seq->n;
            for (size_t i = 0; i < seq->n; i++) {
                load_objective(c, seq->kids[i], &ct->objectives[i]);
            }
        }
    }
    if (v[CT_UNKNOWN]) {
        int p;
        if (pick(c, "unknown", v[CT_UNKNOWN], policies, 3, "excluded, down or up", &p)) {
            ct->unknown = (enum sw_unknown_policy)p;
        }
    }
    if (v[CT_DOWN]) {
        load_down_states(c, v[CT_DOWN], ct);
    }
    if (v[CT_MIN_OUTAGE]) {
        get_seconds(c, "min_outage", v[CT_MIN_OUTAGE], true, &ct->min_outage_s);
    }
    if (v[CT_CREDITS]) {
        load_credits(c, v[CT_CREDITS], ct);
    }
    if (v[CT_SUPPORT]) {
        load_supports(c, v[CT_SUPPORT], ct);
    }
    if (v[CT_AUTO_CASE]) {
        get_bool(c, "auto_case_on_incident", v[CT_AUTO_CASE], &ct->auto_case_on_incident);
    }
    if (v[CT_WARN_AT]) {
        uint32_t ppm;
        if (get_percent(c, "warn_at", v[CT_WARN_AT], &ppm)) {
            if (ppm == 0) {
                ERR(c, v[CT_WARN_AT], "'warn_at' must be greater than 0");
            } else {
                ct->warn_ppm = ppm;
            }
        }
    }
    if (v[CT_SEVERITY]) {
        get_severity(c, "severity", v[CT_SEVERITY], &ct->severity);
    }
    if (v[CT_BURN_INCIDENTS]) {
        bool b;
        if (get_bool(c, "burn_incidents", v[CT_BURN_INCIDENTS], &b)) {
            ct->burn_incidents = b;
        }
    }
    if (v[CT_CASE_ESCALATION]) {
        get_escalation(c, v[CT_CASE_ESCALATION], &ct->case_escalation);
    }
}

static void load_contracts(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;
    struct idpos *ids;

    if (!want_seq(c, seq, "contracts")) {
        return;
    }
    if (seq->n > MAX_CONTRACTS) {
        ERR(c, seq, "'contracts' has more than %d entries", MAX_CONTRACTS);
        return;
    }
    ids = sw_xcalloc(seq->n + 1, sizeof(*ids));
    cfg->contracts = sw_xcalloc(seq->n + 1, sizeof(*cfg->contracts));
    cfg->n_contracts = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_contract(c, seq->kids[i], &cfg->contracts[i], &ids[i]);
    }
    check_dups(c, "contract", ids, seq->n);
    free(ids);
}

static void load_fee(struct ctx *c, cnode *n, struct sw_customer_conf *cu)
{
    static const char *const names[] = {"amount", "currency"};
    cnode *k[2], *v[2];
    const char *s;
    int64_t minor = -1;
    char b[80];
    bool cur = false;

    if (!take_keys(c, n, "'monthly_fee'", "in 'monthly_fee'", names, 2, k, v)) {
        return;
    }
    need(c, n, v[0], "amount");
    need(c, n, v[1], "currency");
    if (v[0] && (!get_number_text(v[0], &s) || sw_amount_parse(s, &minor) < 0)) {
        ERR(c, v[0], "bad amount %s (a number with at most 2 decimals, below 1e15, e.g. 12000.00)",
            found(v[0], b, sizeof(b)));
        minor = -1;
    }
    if (v[1] && get_str(c, "currency", v[1], 64, 0, &s)) {
        cur = strlen(s) == 3 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3;
        if (!cur) {
            ERR(c, v[1], "bad currency %s (3 upper-case letters, e.g. EUR)",
                found(v[1], b, sizeof(b)));
        }
    }
    if (minor >= 0 && cur) {
        cu->fee_minor = minor;
        memcpy(cu->currency, s, 4);
    }
}

/* Finds the customer (and deployment, for a longer path) that scope names. */
static bool find_scope(struct ctx *c, cnode *v, const char *scope, struct sw_customer_conf **ret_cu,
                       struct sw_deployment_conf **ret_d)
{
    char buf[3 * 65], *part[3];
    size_t n = 0;
    struct sw_customer_conf *cu = NULL;
    struct sw_deployment_conf *d = NULL;
    char b[80];

    if (strlen(scope) >= sizeof(buf)) {
        goto bad;
    }
    memcpy(buf, scope, strlen(scope) + 1);
    for (char *p = buf, *slash; p; p = slash ? slash + 1 : NULL) {
        slash = strchr(p, '/');
        if (slash) {
            *slash = '\0';
        }
        if (n == 3 || !valid_id(p)) {
            goto bad;
        }
        part[n++] = p;
    }
    for (size_t i = 0; i < c->cfg->n_customers && !cu; i++) {
        if (c->cfg->customers[i].id && strcmp(c->cfg->customers[i].id, part[0]) == 0) {
            cu = &c->cfg->customers[i];
        }
    }
    if (!cu) {
        ERR(c, v, "unknown scope %s: no customer '%s'", found(v, b, sizeof(b)), part[0]);
        return false;
    }
    for (size_t i = 0; n > 1 && i < cu->n_deployments && !d; i++) {
        if (cu->deployments[i].id && strcmp(cu->deployments[i].id, part[1]) == 0) {
            d = &cu->deployments[i];
        }
    }
    if (n > 1 && !d) {
        ERR(c, v, "unknown scope %s: customer '%s' has no deployment '%s'", found(v, b, sizeof(b)),
            part[0], part[1]);
        return false;
    }
    if (n > 2) {
        size_t i;
        for (i = 0; i < d->n_services; i++) {
            if (d->services[i].id && strcmp(d->services[i].id, part[2]) == 0) {
                break;
            }
        }
        if (i == d->n_services) {
            ERR(c, v, "unknown scope %s: deployment '%s/%s' has no service '%s'",
                found(v, b, sizeof(b)), part[0], part[1], part[2]);
            return false;
        }
    }
    *ret_cu = cu;
    *ret_d = d;
    return true;
bad:
    ERR(c, v, "bad scope %s (CUSTOMER, CUSTOMER/DEPLOYMENT or CUSTOMER/DEPLOYMENT/SERVICE)",
        found(v, b, sizeof(b)));
    return false;
}

static bool get_time(struct ctx *c, const char *key, cnode *v, int64_t *ret)
{
    const char *s;
    char b[80];

    if (!get_str(c, key, v, 64, 0, &s)) {
        return false;
    }
    if (sw_time_parse(s, ret) < 0) {
        ERR(c, v, "bad time %s for '%s' (ISO 8601 with a zone, e.g. 2026-10-05T10:15:00Z)",
            found(v, b, sizeof(b)), key);
        return false;
    }
    return true;
}

static void load_weekly(struct ctx *c, cnode *n, struct sw_maint_conf *m)
{
    enum { W_DAY, W_START, W_DURATION, W_N };
    static const char *const names[] = {"day", "start", "duration"};
    static const char *const days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
    cnode *k[W_N], *v[W_N];
    const char *s;
    char b[80];

    if (!take_keys(c, n, "'weekly'", "in 'weekly'", names, W_N, k, v)) {
        return;
    }
    for (int i = 0; i < W_N; i++) {
        need(c, n, v[i], names[i]);
    }
    if (v[W_DAY] && get_str(c, "day", v[W_DAY], 64, 0, &s)) {
        int i;
        for (i = 0; i < 7 && strcmp(s, days[i]) != 0; i++) {
        }
        if (i == 7) {
            ERR(c, v[W_DAY], "bad day %s (monday, tuesday, ... sunday, in lower case)",
                found(v[W_DAY], b, sizeof(b)));
        } else {
            m->weekday = i;
        }
    }
    if (v[W_START] && get_str(c, "start", v[W_START], 64, 0, &s)) {
        bool ok = strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
                  s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]);
        int h = ok ? (s[0] - '0') * 10 + (s[1] - '0') : 0;
        int min = ok ? (s[3] - '0') * 10 + (s[4] - '0') : 0;
        if (!ok || h > 23 || min > 59) {
            ERR(c, v[W_START], "bad time of day %s for 'start' (HH:MM from 00:00 to 23:59)",
                found(v[W_START], b, sizeof(b)));
        } else {
            m->start_s = h * 3600 + min * 60;
        }
    }
    if (v[W_DURATION] && get_seconds(c, "duration", v[W_DURATION], false, &m->duration_s) &&
        m->duration_s > 7 * DAY_S) {
        ERR(c, v[W_DURATION], "'duration' must be at most 7d, found %s",
            found(v[W_DURATION], b, sizeof(b)));
    }
}

static void load_maint(struct ctx *c, cnode *n, struct sw_maint_conf *m)
{
    enum { M_SCOPE, M_START, M_END, M_WEEKLY, M_TZ, M_REASON, M_EXCLUDED, M_N };
    static const char *const names[] = {"scope",    "start",  "end",     "weekly",
                                        "timezone", "reason", "excluded"};
    cnode *k[M_N], *v[M_N];
    struct sw_customer_conf *cu = NULL;
    struct sw_deployment_conf *d = NULL;
    const char *s;

    m->line = n->line;
    m->col = n->col;
    m->excluded = true;
    if (!take_keys(c, n, "a maintenance window", "in a maintenance window", names, M_N, k, v)) {
        return;
    }
    need(c, n, v[M_SCOPE], "scope");
    if (v[M_SCOPE] && get_str(c, "scope", v[M_SCOPE], 256, STR_NONEMPTY, &s) &&
        find_scope(c, v[M_SCOPE], s, &cu, &d)) {
        m->scope = sw_xstrdup(s);
    }
    if ((k[M_START] || k[M_END]) && k[M_WEEKLY]) {
        ERR(c, k[M_WEEKLY], "use either 'start' and 'end' (one-off) or 'weekly', not both");
    } else if (k[M_WEEKLY]) {
        m->weekly = true;
        load_weekly(c, v[M_WEEKLY], m);
    } else if (k[M_START] || k[M_END]) {
        need(c, n, v[M_START], "start");
        need(c, n, v[M_END], "end");
        bool st = v[M_START] && get_time(c, "start", v[M_START], &m->start);
        bool en = v[M_END] && get_time(c, "end", v[M_END], &m->end);
        if (st && en && m->end <= m->start) {
            char a[SW_TIME_LEN], b[SW_TIME_LEN];
            ERR(c, v[M_END], "'end' (%s) must be after 'start' (%s)", sw_time_format(m->end, a),
                sw_time_format(m->start, b));
        }
    } else {
        ERR(c, n, "a maintenance window needs 'start' and 'end' (one-off) or 'weekly'");
    }
    if (v[M_TZ]) {
        get_tz(c, v[M_TZ], &m->timezone);
    }
    if (v[M_REASON]) {
        dup_str(c, "reason", v[M_REASON], MAX_REASON, STR_NONEMPTY | STR_LINE, &m->reason);
    }
    if (v[M_EXCLUDED]) {
        get_bool(c, "excluded", v[M_EXCLUDED], &m->excluded);
    }
    if (m->weekly && !m->timezone) {
        /* the local time of the place the window is for */
        const char *tz = d ? d->timezone : cu ? cu->timezone : NULL;
        m->timezone = sw_xstrdup(tz ? tz : "UTC");
    }
}

static void load_maintenance(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;

    if (!want_seq(c, seq, "maintenance")) {
        return;
    }
    if (seq->n > MAX_MAINTENANCE) {
        ERR(c, seq, "'maintenance' has more than %d windows", MAX_MAINTENANCE);
        return;
    }
    cfg->maintenance = sw_xcalloc(seq->n + 1, sizeof(*cfg->maintenance));
    cfg->n_maintenance = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_maint(c, seq->kids[i], &cfg->maintenance[i]);
    }
}

/* ---- on call: channels, engineers, rotations, escalation policies ---- */

static bool valid_url(struct ctx *c, cnode *v, const char *s);

#define MAX_ENGINEERS 10000
#define MAX_CHANNELS 1000
#define MAX_ROTATIONS 1000
#define MAX_POLICIES 1000
#define MAX_CONTACTS 16   /* per engineer */
#define MAX_RECIPIENTS 32 /* an email channel's 'to' */
#define MAX_ADDRESS 254   /* bytes in an email address or a contact address */

/* local-part@domain, one line, no spaces or angle brackets: enough to refuse a typo, not a
 * full RFC 5321 parser (the SMTP server has the last word). */
static bool valid_email(const char *s)
{
    const char *at = strchr(s, '@');

    if (!at || at == s || !at[1] || strchr(at + 1, '@') || strlen(s) > MAX_ADDRESS) {
        return false;
    }
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch <= 0x20 || ch == 0x7f || strchr("<>()[],;:\\\"", ch)) {
            return false;
        }
    }
    return true;
}

static bool get_email(struct ctx *c, const char *key, cnode *v, char **ret)
{
    const char *s;
    char b[80];

    if (!get_str(c, key, v, MAX_ADDRESS, STR_NONEMPTY | STR_LINE, &s)) {
        return false;
    }
    if (!valid_email(s)) {
        ERR(c, v, "bad email address %s for '%s' (e.g. oncall@example.com)", found(v, b, sizeof(b)),
            key);
        return false;
    }
    *ret = sw_xstrdup(s);
    return true;
}

/* "smtp://host[:port]" or "smtps://host[:port]", nothing else: no credentials, no path. */
static bool valid_smtp(struct ctx *c, cnode *v, const char *s)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL, *path = NULL, *query = NULL;
    bool ok = false;

    if (!u) {
        ERR(c, v, "bad SMTP URL: out of memory");
        return false;
    }
    if (curl_url_set(u, CURLUPART_URL, s, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        ERR(c, v, "bad SMTP URL (smtp://HOST:PORT, or smtps://HOST:PORT for TLS from the start)");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
        ERR(c, v,
            "bad SMTP URL: credentials in the URL are not allowed (use username with "
            "password_file or password_env)");
        goto out;
    }
    if ((curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && strcmp(path, "/") != 0) ||
        curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
        ERR(c, v, "bad SMTP URL: only smtp://HOST:PORT, without a path or a query");
        goto out;
    }
    ok = true;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_free(pass);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return ok;
}

/* Looks an id up among the ids loaded so far (first definition wins); NULL when absent. */
static void *lookup(const struct sw_map *m, const char *id)
{
    return id ? sw_map_get(m, id) : NULL;
}

static void remember(struct sw_map *m, const char *id, void *value)
{
    if (id && !sw_map_get(m, id)) {
        sw_map_put(m, id, value);
    }
}

enum {
    CH_ID,
    CH_TYPE,
    CH_URL,
    CH_URL_FILE,
    CH_URL_ENV,
    CH_FORMAT,
    CH_SMTP,
    CH_FROM,
    CH_TO,
    CH_USERNAME,
    CH_USERNAME_FILE,
    CH_USERNAME_ENV,
    CH_PASSWORD,
    CH_PASSWORD_FILE,
    CH_PASSWORD_ENV,
    CH_COMMAND,
    CH_N
};

static const char *const channel_keys[CH_N] = {
    "id",       "type",          "url",          "url_file", "url_env",       "format",
    "smtp",     "from",          "to",           "username", "username_file", "username_env",
    "password", "password_file", "password_env", "command",
};

#define C_WEBHOOK (1u << SW_CHANNEL_WEBHOOK)
#define C_EMAIL (1u << SW_CHANNEL_EMAIL)
#define C_COMMAND (1u << SW_CHANNEL_COMMAND)
#define C_ALL (C_WEBHOOK | C_EMAIL | C_COMMAND)

static const unsigned channel_key_types[CH_N] = {
    [CH_ID] = C_ALL,
    [CH_TYPE] = C_ALL,
    [CH_URL] = C_WEBHOOK,
    [CH_URL_FILE] = C_WEBHOOK,
    [CH_URL_ENV] = C_WEBHOOK,
    [CH_FORMAT] = C_WEBHOOK,
    [CH_SMTP] = C_EMAIL,
    [CH_FROM] = C_EMAIL,
    [CH_TO] = C_EMAIL,
    [CH_USERNAME] = C_EMAIL,
    [CH_USERNAME_FILE] = C_EMAIL,
    [CH_USERNAME_ENV] = C_EMAIL,
    [CH_PASSWORD] = C_EMAIL,
    [CH_PASSWORD_FILE] = C_EMAIL,
    [CH_PASSWORD_ENV] = C_EMAIL,
    [CH_COMMAND] = C_COMMAND,
};

static const char *const channel_phrase[] = {"a webhook channel", "an email channel",
                                             "a command channel"};

/* The first of the keys first..first+n-1 given, reporting every further one; names[i] is
 * the name of key i. */
static int one_of(struct ctx *c, cnode **k, const char *const *names, int first, int n)
{
    int given = -1;

    for (int i = first; i < first + n; i++) {
        if (!k[i]) {
            continue;
        }
        if (given < 0) {
            given = i;
        } else {
            ERR(c, k[i], "use only one of '%s' and '%s'", names[given], names[i]);
        }
    }
    return given;
}

static void load_webhook(struct ctx *c, cnode *n, cnode **k, cnode **v, struct sw_channel_conf *ch)
{
    static const char *const formats[] = {"json", "slack"};
    int which = one_of(c, k, channel_keys, CH_URL, 3);
    char *url = NULL;
    const char *s;

    if (which < 0) {
        ERR(c, n, "a webhook channel needs 'url', 'url_file' or 'url_env'");
    } else if (which == CH_URL) {
        if (get_str(c, "url", v[CH_URL], MAX_URL_LEN, STR_NONEMPTY, &s)) {
            url = sw_xstrdup(s);
        }
    } else if (which == CH_URL_FILE) {
        read_secret_file(c, "url_file", v[CH_URL_FILE], &url);
        ch->url_secret = true;
    } else {
        read_secret_env(c, "url_env", v[CH_URL_ENV], &url);
        ch->url_secret = true;
    }
    if (url && valid_url(c, v[which], url)) {
        ch->url = url;
        url = NULL;
    }
    if (url) {
        explicit_bzero(url, strlen(url));
        free(url);
    }
    if (v[CH_FORMAT]) {
        int f;
        if (pick(c, "format", v[CH_FORMAT], formats, 2, "json or slack", &f)) {
            ch->format = (enum sw_webhook_format)f;
        }
    }
}

static void load_email(struct ctx *c, cnode *n, cnode **k, cnode **v, struct sw_channel_conf *ch)
{
    const char *s;
    int user, pw;

    need(c, n, v[CH_SMTP], "smtp");
    if (v[CH_SMTP] && get_str(c, "smtp", v[CH_SMTP], MAX_URL_LEN, STR_NONEMPTY | STR_LINE, &s) &&
        valid_smtp(c, v[CH_SMTP], s)) {
        ch->smtp = sw_xstrdup(s);
    }
    need(c, n, v[CH_FROM], "from");
    if (v[CH_FROM]) {
        get_email(c, "from", v[CH_FROM], &ch->from);
    }
    if (v[CH_TO] && v[CH_TO]->type == SW_CFG_SCALAR) {
        ch->to = sw_xcalloc(2, sizeof(*ch->to));
        if (get_email(c, "to", v[CH_TO], &ch->to[0])) {
            ch->n_to = 1;
        }
    } else if (v[CH_TO] && want_seq(c, v[CH_TO], "to")) {
        cnode *seq = v[CH_TO];
        if (seq->n == 0) {
            ERR(c, seq, "'to' must not be empty (leave it out for none)");
        } else if (seq->n > MAX_RECIPIENTS) {
            ERR(c, seq, "'to' has more than %d addresses", MAX_RECIPIENTS);
        } else {
            ch->to = sw_xcalloc(seq->n + 1, sizeof(*ch->to));
            for (size_t i = 0; i < seq->n; i++) {
                if (get_email(c, "to", seq->kids[i], &ch->to[ch->n_to])) {
                    ch->n_to++;
                }
            }
        }
    }
    user = one_of(c, k, channel_keys, CH_USERNAME, 3);
    if (user == CH_USERNAME) {
        dup_str(c, "username", v[CH_USERNAME], MAX_NAME, STR_NONEMPTY | STR_LINE, &ch->username);
    } else if (user == CH_USERNAME_FILE) {
        read_secret_file(c, "username_file", v[CH_USERNAME_FILE], &ch->username);
    } else if (user == CH_USERNAME_ENV) {
        read_secret_env(c, "username_env", v[CH_USERNAME_ENV], &ch->username);
    }
    pw = one_of(c, k, channel_keys, CH_PASSWORD_FILE, 2);
    if (pw == CH_PASSWORD_FILE) {
        read_secret_file(c, "password_file", v[CH_PASSWORD_FILE], &ch->password);
    } else if (pw == CH_PASSWORD_ENV) {
        read_secret_env(c, "password_env", v[CH_PASSWORD_ENV], &ch->password);
    }
    if (user >= 0 && pw < 0 && !k[CH_PASSWORD]) {
        ERR(c, k[user], "'%s' needs 'password_file' or 'password_env'", channel_keys[user]);
    }
    if (pw >= 0 && user < 0) {
        ERR(c, k[pw], "'%s' needs 'username', 'username_file' or 'username_env'", channel_keys[pw]);
    }
}

static void load_channel(struct ctx *c, cnode *n, struct sw_channel_conf *ch, struct idpos *ip)
{
    static const char *const types[] = {"webhook", "email", "command"};
    cnode *k[CH_N], *v[CH_N];
    int type = -1;

    ch->line = n->line;
    ch->col = n->col;
    if (!take_keys(c, n, "a channel", "in a channel", channel_keys, CH_N, k, v)) {
        return;
    }
    need(c, n, v[CH_ID], "id");
    if (v[CH_ID]) {
        get_id(c, v[CH_ID], &ch->id, ip);
    }
    if (k[CH_PASSWORD]) {
        ERR(c, k[CH_PASSWORD],
            "'password' is not allowed: secrets are never inline (use password_file or "
            "password_env)");
        v[CH_PASSWORD] = NULL;
    }
    need(c, n, v[CH_TYPE], "type");
    if (!v[CH_TYPE] || !pick(c, "type", v[CH_TYPE], types, 3, "webhook, email or command", &type)) {
        return; /* the other keys mean nothing without a type */
    }
    ch->type = (enum sw_channel_type)type;
    for (int i = 0; i < CH_N; i++) {
        if (k[i] && v[i] && !(channel_key_types[i] & (1u << type))) {
            ERR(c, k[i], "key '%s' does not apply to %s", channel_keys[i], channel_phrase[type]);
            k[i] = v[i] = NULL;
        }
    }
    switch (ch->type) {
    case SW_CHANNEL_WEBHOOK:
        load_webhook(c, n, k, v, ch);
        break;
    case SW_CHANNEL_EMAIL:
        load_email(c, n, k, v, ch);
        break;
    case SW_CHANNEL_COMMAND:
        need(c, n, v[CH_COMMAND], "command");
        if (v[CH_COMMAND]) {
            get_argv(c, v[CH_COMMAND], &ch->argv, &ch->argc);
        }
        break;
    }
}

/* "mon-fri", "sat,sun", "mon-wed,fri", "fri-mon" (a range may wrap past Sunday). */
static bool parse_days(const char *s, unsigned *ret)
{
    unsigned days = 0;
    char buf[128];

    if (strlen(s) >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, s, strlen(s) + 1);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *dash;
        int a, b;

        while (*tok == ' ') {
            tok++;
        }
        for (char *e = tok + strlen(tok); e > tok && e[-1] == ' '; e--) {
            e[-1] = '\0';
        }
        dash = strchr(tok, '-');
        if (dash) {
            *dash = '\0';
        }
        if (sw_ops_weekday_parse(tok, &a) < 0 ||
            sw_ops_weekday_parse(dash ? dash + 1 : tok, &b) < 0) {
            return false;
        }
        for (int d = a;; d = (d + 1) % 7) {
            days |= 1u << d;
            if (d == b) {
                break;
            }
        }
    }
    if (!days) {
        return false;
    }
    *ret = days;
    return true;
}

static bool get_hhmm(struct ctx *c, const char *key, cnode *v, int32_t *ret)
{
    const char *s;
    char b[80];

    if (!get_str(c, key, v, 64, 0, &s)) {
        return false;
    }
    if (sw_ops_hhmm_parse(s, ret) < 0) {
        ERR(c, v, "bad time of day %s for '%s' (\"HH:MM\" from 00:00 to 23:59)",
            found(v, b, sizeof(b)), key);
        return false;
    }
    return true;
}

static void load_working_hours(struct ctx *c, cnode *n, struct sw_engineer_conf *en)
{
    enum { WH_DAYS, WH_START, WH_END, WH_N };
    static const char *const names[] = {"days", "start", "end"};
    cnode *k[WH_N], *v[WH_N];
    const char *s;
    bool ok = true;

    if (!take_keys(c, n, "'working_hours'", "in 'working_hours'", names, WH_N, k, v)) {
        return;
    }
    for (int i = 0; i < WH_N; i++) {
        need(c, n, v[i], names[i]);
        ok = ok && v[i];
    }
    if (v[WH_DAYS] && get_str(c, "days", v[WH_DAYS], 128, 0, &s)) {
        if (!parse_days(s, &en->work_days)) {
            char b[80];
            ERR(c, v[WH_DAYS], "bad days %s (day names and ranges, e.g. mon-fri or sat,sun)",
                found(v[WH_DAYS], b, sizeof(b)));
            ok = false;
        }
    } else {
        ok = false;
    }
    ok = v[WH_START] && get_hhmm(c, "start", v[WH_START], &en->work_start_s) && ok;
    ok = v[WH_END] && get_hhmm(c, "end", v[WH_END], &en->work_end_s) && ok;
    if (ok && en->work_end_s <= en->work_start_s) {
        ERR(c, v[WH_END], "'end' (%s) must be after 'start' (%s) on the same day", v[WH_END]->s,
            v[WH_START]->s);
        ok = false;
    }
    en->has_working_hours = ok;
}

/* hours: the engineer has a 'working_hours' key (valid or not: a broken one is reported
 * where it is written, not once more at every contact). */
static void load_contact(struct ctx *c, cnode *n, struct sw_contact_conf *ct, bool hours)
{
    static const char *const names[] = {"channel", "address", "when"};
    static const char *const whens[] = {
        [SW_CONTACT_ALWAYS] = "always",
        [SW_CONTACT_WORKING_HOURS] = "working_hours",
        [SW_CONTACT_OFF_HOURS] = "off_hours",
    };
    cnode *k[3], *v[3];
    const char *s;
    int w;

    ct->when = SW_CONTACT_ALWAYS;
    if (!take_keys(c, n, "a contact", "in a contact", names, 3, k, v)) {
        return;
    }
    if (v[2] && pick(c, "when", v[2], whens, 3, "always, working_hours or off_hours", &w)) {
        if (w != SW_CONTACT_ALWAYS && !hours) {
            ERR(c, v[2], "'when: %s' needs the engineer's 'working_hours'", whens[w]);
        } else {
            ct->when = (enum sw_contact_when)w;
        }
    }
    need(c, n, v[0], "channel");
    if (v[0] && get_str(c, "channel", v[0], 1024, STR_NONEMPTY, &s)) {
        ct->channel = lookup(&c->channels, s);
        if (!ct->channel) {
            char b[80];
            ERR(c, v[0], "unknown channel %s (not defined under 'channels')",
                found(v[0], b, sizeof(b)));
        }
    }
    if (ct->channel && ct->channel->type == SW_CHANNEL_EMAIL) {
        if (v[1]) {
            get_email(c, "address", v[1], &ct->address);
        } else if (ct->channel->n_to == 0) {
            ERR(c, n, "a contact on email channel '%s' needs an 'address'", ct->channel->id);
        }
    } else if (v[1]) {
        dup_str(c, "address", v[1], MAX_ADDRESS, STR_NONEMPTY | STR_LINE, &ct->address);
    }
}

static void load_engineer(struct ctx *c, cnode *n, struct sw_engineer_conf *en, struct idpos *ip)
{
    enum { E_ID, E_NAME, E_TZ, E_HOURS, E_CONTACTS, E_N };
    static const char *const names[] = {"id", "name", "timezone", "working_hours", "contacts"};
    cnode *k[E_N], *v[E_N];

    en->line = n->line;
    en->col = n->col;
    en->timezone = sw_xstrdup("UTC");
    if (!take_keys(c, n, "an engineer", "in an engineer", names, E_N, k, v)) {
        return;
    }
    need(c, n, v[E_ID], "id");
    if (v[E_ID]) {
        get_id(c, v[E_ID], &en->id, ip);
    }
    if (v[E_NAME]) {
        dup_str(c, "name", v[E_NAME], MAX_NAME, STR_NONEMPTY | STR_LINE, &en->name);
    }
    if (!en->name) {
        en->name = sw_xstrdup(en->id);
    }
    if (v[E_TZ]) {
        get_tz(c, v[E_TZ], &en->timezone);
    }
    if (v[E_HOURS]) {
        load_working_hours(c, v[E_HOURS], en);
    }
    if (v[E_CONTACTS] && want_seq(c, v[E_CONTACTS], "contacts")) {
        cnode *seq = v[E_CONTACTS];
        if (seq->n > MAX_CONTACTS) {
            ERR(c, seq, "'contacts' has more than %d entries", MAX_CONTACTS);
            return;
        }
        en->contacts = sw_xcalloc(seq->n + 1, sizeof(*en->contacts));
        en->n_contacts = seq->n;
        for (size_t i = 0; i < seq->n; i++) {
            load_contact(c, seq->kids[i], &en->contacts[i], v[E_HOURS] != NULL);
        }
    }
}

/* An engineer id that must be defined under 'engineers'; the config's copy of the id. */
static const char *get_engineer(struct ctx *c, const char *key, cnode *v)
{
    const struct sw_engineer_conf *en;
    const char *s;
    char b[80];

    if (!get_str(c, key, v, 1024, STR_NONEMPTY, &s)) {
        return NULL;
    }
    en = lookup(&c->engineers, s);
    if (!en) {
        ERR(c, v, "unknown engineer %s (not defined under 'engineers')", found(v, b, sizeof(b)));
        return NULL;
    }
    return en->id;
}

static bool load_rot_period(struct ctx *c, cnode *v, struct sw_rotation *r)
{
    static const char *const names[] = {"days"};
    cnode *k[1], *d[1];
    char b[80];

    if (v->type == SW_CFG_SCALAR && strcmp(v->s, "daily") == 0) {
        r->period = SW_ROT_DAILY;
        return true;
    }
    if (v->type == SW_CFG_SCALAR && strcmp(v->s, "weekly") == 0) {
        r->period = SW_ROT_WEEKLY;
        return true;
    }
    if (v->type != SW_CFG_MAP) {
        ERR(c, v, "bad period %s (daily, weekly or {days: N})", found(v, b, sizeof(b)));
        return false;
    }
    if (!take_keys(c, v, "'period'", "in 'period'", names, 1, k, d)) {
        return false;
    }
    need(c, v, d[0], "days");
    r->period = SW_ROT_DAYS;
    if (d[0]) {
        get_intv(c, "days", d[0], 1, SW_ROT_DAYS_MAX, &r->days);
    }
    return true;
}

static void load_override(struct ctx *c, cnode *n, struct sw_override *o)
{
    enum { OV_ENGINEER, OV_FROM, OV_TO, OV_N };
    static const char *const names[] = {"engineer", "from", "to"};
    cnode *k[OV_N], *v[OV_N];

    if (!take_keys(c, n, "an override", "in an override", names, OV_N, k, v)) {
        return;
    }
    for (int i = 0; i < OV_N; i++) {
        need(c, n, v[i], names[i]);
    }
    if (v[OV_ENGINEER]) {
        o->engineer = get_engineer(c, "engineer", v[OV_ENGINEER]);
    }
    bool f = v[OV_FROM] && get_time(c, "from", v[OV_FROM], &o->from);
    bool t = v[OV_TO] && get_time(c, "to", v[OV_TO], &o->to);
    if (f && t && o->to <= o->from) {
        char a[SW_TIME_LEN], b[SW_TIME_LEN];
        ERR(c, v[OV_TO], "'to' (%s) must be after 'from' (%s)", sw_time_format(o->to, a),
            sw_time_format(o->from, b));
    }
}

static void load_rotation(struct ctx *c, cnode *n, struct sw_rotation_conf *rc, struct idpos *ip)
{
    enum { R_ID, R_TZ, R_PERIOD, R_HANDOFF, R_START, R_PARTICIPANTS, R_OVERRIDES, R_N };
    static const char *const names[] = {"id",    "timezone",     "period",   "handoff",
                                        "start", "participants", "overrides"};
    struct sw_rotation *r = &rc->rot;
    size_t errors_before = c->e->n + c->e->dropped;
    cnode *k[R_N], *v[R_N];
    const char *s;
    char b[80];

    rc->line = n->line;
    rc->col = n->col;
    r->period = SW_ROT_WEEKLY;
    if (!take_keys(c, n, "a rotation", "in a rotation", names, R_N, k, v)) {
        return;
    }
    for (int i = 0; i < R_OVERRIDES; i++) {
        need(c, n, v[i], names[i]);
    }
    if (v[R_ID]) {
        get_id(c, v[R_ID], &rc->id, ip);
    }
    if (v[R_TZ]) {
        get_tz(c, v[R_TZ], &rc->timezone);
    }
    /* without a known period, whether 'day' belongs in 'handoff' is unknown */
    bool period = v[R_PERIOD] && load_rot_period(c, v[R_PERIOD], r);
    if (v[R_HANDOFF]) {
        static const char *const hnames[] = {"day", "time"};
        cnode *hk[2], *hv[2];
        if (take_keys(c, v[R_HANDOFF], "'handoff'", "in 'handoff'", hnames, 2, hk, hv)) {
            need(c, v[R_HANDOFF], hv[1], "time");
            if (hv[1]) {
                get_hhmm(c, "time", hv[1], &r->handoff_s);
            }
            if (period && r->period != SW_ROT_WEEKLY && hk[0]) {
                ERR(c, hk[0], "'day' applies only to a weekly rotation");
            } else if (period && r->period == SW_ROT_WEEKLY && !hv[0]) {
                ERR(c, v[R_HANDOFF], "a weekly rotation's 'handoff' needs a 'day'");
            } else if (hv[0] && get_str(c, "day", hv[0], 64, 0, &s) &&
                       sw_ops_weekday_parse(s, &r->handoff_wday) < 0) {
                ERR(c, hv[0], "bad day %s (monday, tuesday, ... sunday)",
                    found(hv[0], b, sizeof(b)));
            }
        }
    }
    if (v[R_START] && get_str(c, "start", v[R_START], 64, 0, &s) &&
        sw_ops_date_parse(s, &r->start_y, &r->start_mon, &r->start_day) < 0) {
        ERR(c, v[R_START], "bad date %s for 'start' (YYYY-MM-DD, a real date from 1970 to 9000)",
            found(v[R_START], b, sizeof(b)));
    }
    if (v[R_PARTICIPANTS] && want_seq(c, v[R_PARTICIPANTS], "participants")) {
        cnode *seq = v[R_PARTICIPANTS];
        if (seq->n == 0) {
            ERR(c, seq, "a rotation needs at least one participant");
        } else if (seq->n > SW_ROT_PARTICIPANTS_MAX) {
            ERR(c, seq, "'participants' has more than %d entries", SW_ROT_PARTICIPANTS_MAX);
        } else {
            rc->participants = sw_xcalloc(seq->n + 1, sizeof(*rc->participants));
            for (size_t i = 0; i < seq->n; i++) {
                const char *id = get_engineer(c, "participants", seq->kids[i]);
                if (id) {
                    rc->participants[r->n_participants++] = id;
                }
            }
        }
    }
    if (v[R_OVERRIDES] && want_seq(c, v[R_OVERRIDES], "overrides")) {
        cnode *seq = v[R_OVERRIDES];
        if (seq->n > SW_ROT_OVERRIDES_MAX) {
            ERR(c, seq, "'overrides' has more than %d entries", SW_ROT_OVERRIDES_MAX);
        } else {
            rc->overrides = sw_xcalloc(seq->n + 1, sizeof(*rc->overrides));
            r->n_overrides = seq->n;
            for (size_t i = 0; i < seq->n; i++) {
                load_override(c, seq->kids[i], &rc->overrides[i]);
            }
        }
    }
    r->id = rc->id;
    r->tz = rc->timezone;
    r->participants = rc->participants;
    r->overrides = rc->overrides;
    if (c->e->n + c->e->dropped == errors_before) {
        /* ops.h has the last word; with the checks above it has nothing more to say */
        char err[256];
        if (sw_rotation_validate(r, err, sizeof(err)) < 0) {
            ERR(c, n, "%s", err);
        }
    }
}

/* One step's target: exactly one of rotation, engineer and channel, defined above. */
static void load_notify(struct ctx *c, cnode *n, struct sw_target *t)
{
    static const char *const names[] = {"rotation", "engineer", "channel"};
    static const char *const lists[] = {"rotations", "engineers", "channels"};
    const struct sw_map *maps[] = {&c->rotations, &c->engineers, &c->channels};
    cnode *k[3], *v[3];
    int which = -1;
    const char *s;
    char b[80];

    if (!take_keys(c, n, "'notify'", "in 'notify'", names, 3, k, v)) {
        return;
    }
    for (int i = 0; i < 3; i++) {
        if (k[i] && which >= 0) {
            ERR(c, k[i], "'notify' names one target, found '%s' and '%s'", names[which], names[i]);
            return;
        }
        if (k[i]) {
            which = i;
        }
    }
    if (which < 0) {
        ERR(c, n, "'notify' needs one of 'rotation', 'engineer' or 'channel'");
        return;
    }
    if (!get_str(c, names[which], v[which], 1024, STR_NONEMPTY, &s)) {
        return;
    }
    void *p = lookup(maps[which], s);
    if (!p) {
        ERR(c, v[which], "unknown %s %s (not defined under '%s')", names[which],
            found(v[which], b, sizeof(b)), lists[which]);
        return;
    }
    t->kind = (enum sw_target_kind)which;
    switch (which) {
    case SW_TARGET_ROTATION:
        t->id = ((const struct sw_rotation_conf *)p)->id;
        break;
    case SW_TARGET_ENGINEER:
        t->id = ((const struct sw_engineer_conf *)p)->id;
        break;
    default:
        t->id = ((const struct sw_channel_conf *)p)->id;
        break;
    }
}

static void load_policy(struct ctx *c, cnode *n, struct sw_escalation_conf *ec, struct idpos *ip)
{
    enum { P_ID, P_STEPS, P_REPEAT, P_N };
    static const char *const names[] = {"id", "steps", "repeat"};
    struct sw_esc_policy *p = &ec->policy;
    size_t errors_before = c->e->n + c->e->dropped;
    cnode *k[P_N], *v[P_N];

    ec->line = n->line;
    ec->col = n->col;
    if (!take_keys(c, n, "an escalation policy", "in an escalation policy", names, P_N, k, v)) {
        return;
    }
    need(c, n, v[P_ID], "id");
    if (v[P_ID]) {
        get_id(c, v[P_ID], &ec->id, ip);
    }
    need(c, n, v[P_STEPS], "steps");
    if (v[P_STEPS] && want_seq(c, v[P_STEPS], "steps")) {
        cnode *seq = v[P_STEPS];
        if (seq->n == 0) {
            ERR(c, seq, "an escalation policy needs at least one step");
        } else if (seq->n > SW_ESC_STEPS_MAX) {
            ERR(c, seq, "'steps' has more than %d entries", SW_ESC_STEPS_MAX);
        } else {
            ec->steps = sw_xcalloc(seq->n, sizeof(*ec->steps));
            p->n_steps = seq->n;
            for (size_t i = 0; i < seq->n; i++) {
                static const char *const snames[] = {"notify", "wait"};
                cnode *sk[2], *sv[2];
                if (!take_keys(c, seq->kids[i], "a step", "in a step", snames, 2, sk, sv)) {
                    continue;
                }
                need(c, seq->kids[i], sv[0], "notify");
                need(c, seq->kids[i], sv[1], "wait");
                if (sv[0]) {
                    load_notify(c, sv[0], &ec->steps[i].target);
                }
                if (sv[1] && get_seconds(c, "wait", sv[1], true, &ec->steps[i].wait_s) &&
                    ec->steps[i].wait_s > SW_ESC_WAIT_MAX) {
                    ERR(c, sv[1], "'wait' must be at most 30d");
                }
            }
        }
    }
    if (v[P_REPEAT]) {
        get_intv(c, "repeat", v[P_REPEAT], 0, SW_ESC_REPEAT_MAX, &p->repeat);
    }
    p->id = ec->id;
    p->steps = ec->steps;
    if (c->e->n + c->e->dropped == errors_before) {
        char err[256];
        if (sw_esc_policy_validate(p, err, sizeof(err)) < 0) {
            ERR(c, n, "%s", err);
        }
    }
}

static void load_channels(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;
    struct idpos *ids;

    if (!want_seq(c, seq, "channels")) {
        return;
    }
    if (seq->n > MAX_CHANNELS) {
        ERR(c, seq, "'channels' has more than %d entries", MAX_CHANNELS);
        return;
    }
    ids = sw_xcalloc(seq->n + 1, sizeof(*ids));
    cfg->channels = sw_xcalloc(seq->n + 1, sizeof(*cfg->channels));
    cfg->n_channels = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_channel(c, seq->kids[i], &cfg->channels[i], &ids[i]);
        remember(&c->channels, cfg->channels[i].id, &cfg->channels[i]);
    }
    check_dups(c, "channel", ids, seq->n);
    free(ids);
}

static void load_engineers(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;
    struct idpos *ids;

    if (!want_seq(c, seq, "engineers")) {
        return;
    }
    if (seq->n > MAX_ENGINEERS) {
        ERR(c, seq, "'engineers' has more than %d entries", MAX_ENGINEERS);
        return;
    }
    ids = sw_xcalloc(seq->n + 1, sizeof(*ids));
    cfg->engineers = sw_xcalloc(seq->n + 1, sizeof(*cfg->engineers));
    cfg->n_engineers = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_engineer(c, seq->kids[i], &cfg->engineers[i], &ids[i]);
        remember(&c->engineers, cfg->engineers[i].id, &cfg->engineers[i]);
    }
    check_dups(c, "engineer", ids, seq->n);
    free(ids);
}

static void load_rotations(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;
    struct idpos *ids;

    if (!want_seq(c, seq, "rotations")) {
        return;
    }
    if (seq->n > MAX_ROTATIONS) {
        ERR(c, seq, "'rotations' has more than %d entries", MAX_ROTATIONS);
        return;
    }
    ids = sw_xcalloc(seq->n + 1, sizeof(*ids));
    cfg->rotation_confs = sw_xcalloc(seq->n + 1, sizeof(*cfg->rotation_confs));
    cfg->rotations = sw_xcalloc(seq->n + 1, sizeof(*cfg->rotations));
    cfg->n_rotations = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_rotation(c, seq->kids[i], &cfg->rotation_confs[i], &ids[i]);
        remember(&c->rotations, cfg->rotation_confs[i].id, &cfg->rotation_confs[i]);
        cfg->rotations[i] = cfg->rotation_confs[i].rot;
    }
    check_dups(c, "rotation", ids, seq->n);
    free(ids);
}

static void load_policies(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;
    struct idpos *ids;

    if (!want_seq(c, seq, "escalation_policies")) {
        return;
    }
    if (seq->n > MAX_POLICIES) {
        ERR(c, seq, "'escalation_policies' has more than %d entries", MAX_POLICIES);
        return;
    }
    ids = sw_xcalloc(seq->n + 1, sizeof(*ids));
    cfg->escalations = sw_xcalloc(seq->n + 1, sizeof(*cfg->escalations));
    cfg->n_escalations = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_policy(c, seq->kids[i], &cfg->escalations[i], &ids[i]);
        remember(&c->escalations, cfg->escalations[i].id, &cfg->escalations[i]);
    }
    check_dups(c, "escalation policy", ids, seq->n);
    free(ids);
}

/* An 'escalation: POLICY' of a customer, deployment or service. */
static void get_escalation(struct ctx *c, cnode *v, const struct sw_escalation_conf **ret)
{
    const char *s;

    if (!get_str(c, "escalation", v, 1024, STR_NONEMPTY, &s)) {
        return;
    }
    *ret = lookup(&c->escalations, s);
    if (!*ret) {
        char b[80];
        ERR(c, v, "unknown escalation policy %s (not defined under 'escalation_policies')",
            found(v, b, sizeof(b)));
    }
}

/* ---- incidents ---- */

#define MAX_DEPENDS 256 /* entries in a service's depends_on */
#define MAX_CYCLE_SHOWN 16
#define HOUR_S 3600

/* A list of the hard states that open an incident: warning, critical, unknown. */
static void load_on_states(struct ctx *c, cnode *seq, unsigned *ret)
{
    static const char *const states[SW_STATE_COUNT] = {
        [SW_OK] = "ok",
        [SW_WARNING] = "warning",
        [SW_CRITICAL] = "critical",
        [SW_UNKNOWN] = "unknown",
    };
    cnode *seen[SW_STATE_COUNT] = {NULL};
    unsigned mask = 0;
    bool ok = true;

    if (!want_seq(c, seq, "on")) {
        return;
    }
    if (seq->n == 0) {
        ERR(c, seq, "'on' must not be empty (warning, critical or unknown)");
        return;
    }
    for (size_t i = 0; i < seq->n; i++) {
        cnode *e = seq->kids[i];
        int st;

        if (!pick(c, "state", e, states, SW_STATE_COUNT, "warning, critical or unknown", &st)) {
            ok = false;
        } else if (st == SW_OK) {
            ERR(c, e, "state 'ok' cannot open an incident (warning, critical or unknown)");
            ok = false;
        } else if (seen[st]) {
            ERR(c, e, "duplicate state '%s' in 'on' (first at %s:%d:%d)", states[st], c->e->file,
                seen[st]->line, seen[st]->col);
            ok = false;
        } else {
            seen[st] = e;
            mask |= 1u << st;
        }
    }
    if (ok) {
        *ret = mask;
    }
}

/* The keys that a service's 'incident' shares with the top-level 'incidents': v[] holds
 * on, severity, auto_resolve and reopen_within (each NULL when absent). Each one given
 * replaces the inherited value; the severity goes to *ret_severity (left alone when absent
 * or bad), since where it lands depends on the block. */
static void load_incident_keys(struct ctx *c, cnode **v, struct sw_incident_conf *inc,
                               int *ret_severity)
{
    if (v[0]) {
        load_on_states(c, v[0], &inc->on_states);
    }
    if (v[1]) {
        get_severity(c, "severity", v[1], ret_severity);
    }
    if (v[2]) {
        get_bool(c, "auto_resolve", v[2], &inc->auto_resolve);
    }
    if (v[3]) {
        get_seconds(c, "reopen_within", v[3], true, &inc->reopen_within_s);
    }
}

/* A duration from min_ms to max_ms (min_ms 0: "0" and "0s" are accepted). */
static bool get_duration_in(struct ctx *c, const char *key, cnode *v, int64_t min_ms,
                            int64_t max_ms, int64_t *ret_ms)
{
    int64_t ms;
    char a[32], b[32], f[80];

    if (!get_duration(c, key, v, min_ms == 0, &ms)) {
        return false;
    }
    if (ms < min_ms || ms > max_ms) {
        ERR(c, v, "'%s' must be between %s and %s, found %s", key, sw_duration_format(min_ms, a),
            sw_duration_format(max_ms, b), found(v, f, sizeof(f)));
        return false;
    }
    *ret_ms = ms;
    return true;
}

static bool whole_seconds(struct ctx *c, const char *key, cnode *v, int64_t ms)
{
    if (ms % 1000 != 0) {
        ERR(c, v, "'%s' must be a whole number of seconds", key);
        return false;
    }
    return true;
}

static void load_retry(struct ctx *c, cnode *n, struct sw_incidents_conf *in)
{
    enum { R_ATTEMPTS, R_BASE, R_CAP, R_N };
    static const char *const names[] = {"attempts", "base", "cap"};
    cnode *k[R_N], *v[R_N];
    int64_t base = in->retry_base_ms, cap = in->retry_cap_ms;
    bool ok = true;
    char a[32], b[32];

    if (!take_keys(c, n, "'retry'", "in 'retry'", names, R_N, k, v)) {
        return;
    }
    if (v[R_ATTEMPTS]) {
        get_intv(c, "attempts", v[R_ATTEMPTS], 1, 20, &in->retry_attempts);
    }
    if (v[R_BASE]) {
        ok = get_duration_in(c, "base", v[R_BASE], 1000, DAY_S * 1000LL, &base);
    }
    if (v[R_CAP]) {
        ok = get_duration_in(c, "cap", v[R_CAP], 1000, DAY_S * 1000LL, &cap) && ok;
    }
    if (!ok) {
        return;
    }
    if (cap < base && v[R_CAP]) {
        ERR(c, v[R_CAP], "'cap' (%s) must not be shorter than 'base' (%s)",
            sw_duration_format(cap, a), sw_duration_format(base, b));
        return;
    }
    if (cap < base) {
        ERR(c, v[R_BASE], "'base' (%s) must not be longer than 'cap' (%s, the default)",
            sw_duration_format(base, a), sw_duration_format(cap, b));
        return;
    }
    in->retry_base_ms = base;
    in->retry_cap_ms = cap;
}

static void load_storm(struct ctx *c, cnode *n, struct sw_incidents_conf *in)
{
    enum { S_THRESHOLD, S_WINDOW, S_WAIT, S_N };
    static const char *const names[] = {"threshold", "window", "wait"};
    cnode *k[S_N], *v[S_N];
    int64_t ms;

    if (!take_keys(c, n, "'storm'", "in 'storm'", names, S_N, k, v)) {
        return;
    }
    if (v[S_THRESHOLD]) {
        get_intv(c, "threshold", v[S_THRESHOLD], 0, 1000, &in->storm_threshold);
    }
    if (v[S_WINDOW] && get_duration_in(c, "window", v[S_WINDOW], 1000, DAY_S * 1000LL, &ms) &&
        whole_seconds(c, "window", v[S_WINDOW], ms)) {
        in->storm_window_s = ms / 1000;
    }
    if (v[S_WAIT] && get_duration_in(c, "wait", v[S_WAIT], 0, HOUR_S * 1000LL, &ms) &&
        whole_seconds(c, "wait", v[S_WAIT], ms)) {
        in->storm_wait_s = ms / 1000;
    }
}

/* An http(s) URL that incident links are built on: no credentials (links are shown to
 * people), no query or fragment (a path is appended); trailing slashes dropped. */
static void load_public_url(struct ctx *c, cnode *v, char **ret)
{
    CURLU *u = NULL;
    CURLUcode uc;
    char *scheme = NULL, *user = NULL, *pass = NULL, *query = NULL, *frag = NULL;
    const char *s;
    size_t n;

    if (!get_str(c, "public_url", v, MAX_URL_LEN, STR_NONEMPTY | STR_LINE, &s)) {
        return;
    }
    u = curl_url();
    if (!u) {
        ERR(c, v, "bad public_url: out of memory");
        return;
    }
    uc = curl_url_set(u, CURLUPART_URL, s, 0);
    if (uc != CURLUE_OK) {
        ERR(c, v, "bad public_url: %s", curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        ERR(c, v, "bad public_url: the scheme must be http or https");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
        ERR(c, v, "bad public_url: credentials in the URL are not allowed");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_OK || strchr(s, '?') ||
        strchr(s, '#')) {
        ERR(c, v,
            "bad public_url: no query or fragment (incident links are "
            "PUBLIC_URL/api/v1/incidents/ID)");
        goto out;
    }
    /* the URL has a host, so this stops at it at the latest */
    for (n = strlen(s); n > 0 && s[n - 1] == '/'; n--) {
    }
    free(*ret);
    *ret = sw_xstrndup(s, n);
out:
    curl_free(scheme);
    curl_free(user);
    curl_free(pass);
    curl_free(query);
    curl_free(frag);
    curl_url_cleanup(u);
}

static void incidents_init(struct sw_incidents_conf *in)
{
    in->defaults.on_states = 1u << SW_CRITICAL;
    in->defaults.severity = 3;
    in->defaults.auto_resolve = true;
    in->defaults.reopen_within_s = 15 * 60;
    in->notify_resolved = true;
    in->retry_attempts = 4;
    in->retry_base_ms = 30 * 1000;
    in->retry_cap_ms = 10 * 60 * 1000;
    in->storm_threshold = 5;
    in->storm_window_s = 5 * 60;
    in->storm_wait_s = 30;
    in->burn_rate = false;
}

static void load_incidents(struct ctx *c, cnode *n)
{
    enum {
        I_ON,
        I_SEVERITY,
        I_AUTO_RESOLVE,
        I_REOPEN,
        I_PUBLIC_URL,
        I_NOTIFY_RESOLVED,
        I_RETRY,
        I_STORM,
        I_BURN_RATE,
        I_N
    };
    static const char *const names[] = {
        "on",    "severity", "auto_resolve", "reopen_within", "public_url", "notify_resolved",
        "retry", "storm",    "burn_rate"};
    struct sw_incidents_conf *in = &c->cfg->incidents;
    cnode *k[I_N], *v[I_N];

    if (!take_keys(c, n, "'incidents'", "in 'incidents'", names, I_N, k, v)) {
        return;
    }
    load_incident_keys(c, v, &in->defaults, &in->defaults.severity);
    if (v[I_PUBLIC_URL]) {
        load_public_url(c, v[I_PUBLIC_URL], &in->public_url);
    }
    if (v[I_NOTIFY_RESOLVED]) {
        get_bool(c, "notify_resolved", v[I_NOTIFY_RESOLVED], &in->notify_resolved);
    }
    if (v[I_RETRY]) {
        load_retry(c, v[I_RETRY], in);
    }
    if (v[I_STORM]) {
        load_storm(c, v[I_STORM], in);
    }
    if (v[I_BURN_RATE]) {
        get_bool(c, "burn_rate", v[I_BURN_RATE], &in->burn_rate);
    }
}

/* A service's incident settings: the top-level defaults, its contract's severity, then
 * its own 'incident' block and 'severity' shorthand. sev is the shorthand's value node. */
static void load_service_incident(struct ctx *c, cnode *n, cnode *sev, struct sw_service_conf *sv)
{
    static const char *const names[] = {"on", "severity", "auto_resolve", "reopen_within"};
    const struct sw_contract_conf *ct = sv->customer ? sv->customer->contract : NULL;
    cnode *k[4], *v[4] = {NULL, NULL, NULL, NULL};
    int short_sev = 0, block_sev = 0;

    sv->incident = c->cfg->incidents.defaults;
    if (ct && ct->severity) {
        sv->incident.severity = ct->severity;
    }
    if (n && take_keys(c, n, "'incident'", "in 'incident'", names, 4, k, v)) {
        load_incident_keys(c, v, &sv->incident, &block_sev);
    }
    if (sev) {
        get_severity(c, "severity", sev, &short_sev);
    }
    if (short_sev && block_sev && short_sev != block_sev) {
        ERR(c, v[1],
            "'incident.severity' (sev%d) differs from the service's 'severity' (sev%d, at "
            "%s:%d:%d): give it once",
            block_sev, short_sev, c->e->file, sev->line, sev->col);
    } else if (block_sev || short_sev) {
        sv->incident.severity = block_sev ? block_sev : short_sev;
    }
}

/* Checks the shape of a service's depends_on and keeps its entries for resolve_depends(). */
static void load_depends(struct ctx *c, cnode *seq, struct sw_service_conf *sv)
{
    struct dep_list *dl;

    if (!want_seq(c, seq, "depends_on")) {
        return;
    }
    if (seq->n > MAX_DEPENDS) {
        ERR(c, seq, "'depends_on' has more than %d entries", MAX_DEPENDS);
        return;
    }
    sw_xgrow((void **)&c->deps, &c->cap_deps, c->n_deps + 1, sizeof(*c->deps));
    dl = &c->deps[c->n_deps++];
    *dl = (struct dep_list){.sv = sv};
    dl->entries = sw_xcalloc(seq->n + 1, sizeof(*dl->entries));
    dl->at = sw_xcalloc(seq->n + 1, sizeof(*dl->at));
    for (size_t i = 0; i < seq->n; i++) {
        const char *s;
        if (get_str(c, "depends_on", seq->kids[i], 3 * 65, STR_NONEMPTY | STR_LINE, &s)) {
            dl->entries[dl->n++] = seq->kids[i];
        }
    }
}

/* A sibling's id first, else a full path. */
static struct sw_service_conf *find_dep(struct ctx *c, const struct sw_service_conf *sv,
                                        const char *s)
{
    struct sw_service_conf *t = NULL;

    if (!strchr(s, '/') && sv->deployment->path) {
        char *path = sw_xasprintf("%s/%s", sv->deployment->path, s);
        t = lookup(&c->services, path);
        free(path);
    }
    return t ? t : lookup(&c->services, s);
}

static void resolve_depends(struct ctx *c)
{
    for (size_t i = 0; i < c->n_deps; i++) {
        struct dep_list *dl = &c->deps[i];
        struct sw_service_conf *sv = dl->sv;

        if (!sv->path) {
            continue; /* its id (or an ancestor's) is bad, and reported */
        }
        sv->depends_on = sw_xcalloc(dl->n + 1, sizeof(*sv->depends_on));
        for (size_t j = 0; j < dl->n; j++) {
            cnode *e = dl->entries[j];
            struct sw_service_conf *t = find_dep(c, sv, e->s);
            size_t m;
            char b[80];

            if (!t) {
                ERR(c, e,
                    "unknown service %s in 'depends_on' (a service id of deployment '%s', or a "
                    "path CUSTOMER/DEPLOYMENT/SERVICE)",
                    found(e, b, sizeof(b)), sv->deployment->path);
                continue;
            }
            if (t == sv) {
                ERR(c, e, "service '%s' cannot depend on itself", sv->path);
                continue;
            }
            for (m = 0; m < sv->n_depends_on && sv->depends_on[m] != t; m++) {
            }
            if (m < sv->n_depends_on) {
                ERR(c, e, "duplicate service '%s' in 'depends_on' (first at %s:%d:%d)", t->path,
                    c->e->file, dl->at[m]->line, dl->at[m]->col);
                continue;
            }
            dl->at[sv->n_depends_on] = e;
            sv->depends_on[sv->n_depends_on++] = t;
        }
    }
}

/* Reports the cycle that the edge from stack[top] to stack[k] closes, at that edge's entry:
 * "U -> V -> ... -> U", U the service whose entry it is. */
static void report_cycle(struct ctx *c, cnode *at, struct sw_service_conf **stack, size_t k,
                         size_t top)
{
    struct sw_buf b;
    size_t len = top - k + 1;

    sw_buf_init(&b);
    sw_buf_puts(&b, stack[top]->path);
    for (size_t i = k; i <= top; i++) {
        if (len > MAX_CYCLE_SHOWN && i == k + MAX_CYCLE_SHOWN / 2) {
            sw_buf_printf(&b, " -> ... (%zu more)", len - MAX_CYCLE_SHOWN);
            i = top - MAX_CYCLE_SHOWN / 2;
            continue;
        }
        sw_buf_printf(&b, " -> %s", stack[i]->path);
    }
    ERR(c, at, "dependency cycle: %s", b.data);
    sw_buf_release(&b);
}

/* Depth-first over the dependencies, services in file order; every edge back to a service on
 * the current path closes a cycle. Iterative: a long chain must not exhaust the C stack. */
static void find_cycles(struct ctx *c)
{
    struct sw_config *cfg = c->cfg;
    struct sw_service_conf **all, **stack;
    struct dep_list **lists;
    unsigned char *color; /* 0: not seen, 1: on the current path, 2: done */
    size_t *next, n = 0, top;

    if (c->n_deps == 0) {
        return;
    }
    for (size_t i = 0; i < cfg->n_customers; i++) {
        for (size_t j = 0; j < cfg->customers[i].n_deployments; j++) {
            n += cfg->customers[i].deployments[j].n_services;
        }
    }
    all = sw_xcalloc(n + 1, sizeof(*all));
    stack = sw_xcalloc(n + 1, sizeof(*stack));
    lists = sw_xcalloc(n + 1, sizeof(*lists));
    color = sw_xcalloc(n + 1, sizeof(*color));
    next = sw_xcalloc(n + 1, sizeof(*next));
    n = 0;
    for (size_t i = 0; i < cfg->n_customers; i++) {
        for (size_t j = 0; j < cfg->customers[i].n_deployments; j++) {
            struct sw_deployment_conf *d = &cfg->customers[i].deployments[j];
            for (size_t m = 0; m < d->n_services; m++) {
                d->services[m].index = n; /* the same as index_config() will give */
                all[n++] = &d->services[m];
            }
        }
    }
    for (size_t i = 0; i < c->n_deps; i++) {
        lists[c->deps[i].sv->index] = &c->deps[i];
    }
    for (size_t root = 0; root < n; root++) {
        if (color[root]) {
            continue;
        }
        stack[0] = all[root];
        next[0] = 0;
        color[root] = 1;
        top = 1;
        while (top > 0) {
            struct sw_service_conf *sv = stack[top - 1];
            struct sw_service_conf *t;
            size_t j = next[top - 1]++;

            if (j >= sv->n_depends_on) {
                color[sv->index] = 2;
                top--;
                continue;
            }
            t = sv->depends_on[j];
            if (color[t->index] == 0) {
                color[t->index] = 1;
                stack[top] = t;
                next[top] = 0;
                top++;
            } else if (color[t->index] == 1) {
                size_t k;
                for (k = 0; stack[k] != t; k++) {
                }
                report_cycle(c, lists[sv->index]->at[j], stack, k, top - 1);
            }
        }
    }
    free(all);
    free(stack);
    free(lists);
    free(color);
    free(next);
}

static void release_depends(struct ctx *c)
{
    for (size_t i = 0; i < c->n_deps; i++) {
        free(c->deps[i].entries);
        free(c->deps[i].at);
    }
    free(c->deps);
    c->deps = NULL;
    c->n_deps = c->cap_deps = 0;
}

/* ---- API tokens ---- */

#define MAX_TOKENS 10000

enum { TK_ID, TK_CUSTOMER, TK_ENGINEER, TK_FILE, TK_ENV, TK_TOKEN, TK_N };

static const char *const token_keys[TK_N] = {"id",         "customer",  "engineer",
                                             "token_file", "token_env", "token"};

/* A customer id that must be defined under 'customers'. */
static const struct sw_customer_conf *get_customer(struct ctx *c, const struct sw_map *customers,
                                                   cnode *v)
{
    const struct sw_customer_conf *cu;
    const char *s;
    char b[80];

    if (!get_str(c, "customer", v, 1024, STR_NONEMPTY, &s)) {
        return NULL;
    }
    cu = lookup(customers, s);
    if (!cu) {
        ERR(c, v, "unknown customer %s (not defined under 'customers')", found(v, b, sizeof(b)));
    }
    return cu;
}

/* Reads one token; *ret_src is the node its secret came from when its SHA-256 is set. */
static void load_token(struct ctx *c, cnode *n, const struct sw_map *customers,
                       struct sw_token_conf *tk, struct idpos *ip, cnode **ret_src)
{
    cnode *k[TK_N], *v[TK_N];
    char *secret = NULL;
    size_t len;
    int who, src;

    tk->line = n->line;
    tk->col = n->col;
    if (!take_keys(c, n, "a token", "in a token", token_keys, TK_N, k, v)) {
        return;
    }
    need(c, n, v[TK_ID], "id");
    if (v[TK_ID]) {
        get_id(c, v[TK_ID], &tk->id, ip);
    }
    if (k[TK_TOKEN]) {
        ERR(c, k[TK_TOKEN],
            "'token' is not allowed: secrets are never inline (use token_file or token_env)");
    }
    who = one_of(c, k, token_keys, TK_CUSTOMER, 2);
    if (who == TK_CUSTOMER) {
        tk->customer = get_customer(c, customers, v[TK_CUSTOMER]);
    } else if (who == TK_ENGINEER) {
        tk->engineer = lookup(&c->engineers, get_engineer(c, "engineer", v[TK_ENGINEER]));
    } else {
        ERR(c, n, "a token needs 'customer' or 'engineer'");
    }
    src = one_of(c, k, token_keys, TK_FILE, 2);
    if (src == TK_FILE) {
        read_file_secret(c, "token_file", v[TK_FILE], SECRET_API_KEY, &secret);
    } else if (src == TK_ENV) {
        read_env_secret(c, "token_env", v[TK_ENV], SECRET_API_KEY, &secret);
    } else {
        ERR(c, n, "a token needs 'token_file' or 'token_env'");
    }
    if (!secret) {
        return;
    }
    len = strlen(secret);
    if (EVP_Digest(secret, len, tk->sha256, NULL, EVP_sha256(), NULL) == 1) {
        *ret_src = v[src];
    } else {
        ERR(c, v[src], "cannot hash the token: SHA-256 is not available");
    }
    /* only the digest is kept: the secret leaves no copy in the heap */
    OPENSSL_cleanse(secret, len);
    free(secret);
}

/* a token's digest and its position in the list, for finding shared secrets */
struct digest_pos {
    unsigned char sha256[32];
    size_t idx;
};

static int digest_pos_cmp(const void *a, const void *b)
{
    const struct digest_pos *x = a, *y = b;
    int r = memcmp(x->sha256, y->sha256, sizeof(x->sha256));

    if (r) {
        return r;
    }
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Two tokens with one secret could not be told apart: every later one is an error. */
static void check_dup_secrets(struct ctx *c, cnode **src, size_t n)
{
    struct digest_pos *d = sw_xcalloc(n + 1, sizeof(*d));
    size_t m = 0, first = 0;

    for (size_t i = 0; i < n; i++) {
        if (src[i]) {
            memcpy(d[m].sha256, c->cfg->tokens[i].sha256, sizeof(d[m].sha256));
            d[m++].idx = i;
        }
    }
    if (m > 1) {
        qsort(d, m, sizeof(*d), digest_pos_cmp);
    }
    for (size_t i = 1; i < m; i++) {
        if (memcmp(d[i].sha256, d[first].sha256, sizeof(d[i].sha256)) != 0) {
            first = i;
            continue;
        }
        ERR(c, src[d[i].idx], "duplicate token secret (first at %s:%d:%d)", c->e->file,
            src[d[first].idx]->line, src[d[first].idx]->col);
    }
    free(d);
}

static void load_tokens(struct ctx *c, cnode *seq)
{
    struct sw_config *cfg = c->cfg;
    struct sw_map customers;
    struct idpos *ids;
    cnode **src;

    if (!want_seq(c, seq, "tokens")) {
        return;
    }
    if (seq->n > MAX_TOKENS) {
        ERR(c, seq, "'tokens' has more than %d entries", MAX_TOKENS);
        return;
    }
    sw_map_init(&customers);
    for (size_t i = 0; i < cfg->n_customers; i++) {
        remember(&customers, cfg->customers[i].id, &cfg->customers[i]);
    }
    ids = sw_xcalloc(seq->n + 1, sizeof(*ids));
    src = sw_xcalloc(seq->n + 1, sizeof(*src));
    cfg->tokens = sw_xcalloc(seq->n + 1, sizeof(*cfg->tokens));
    cfg->n_tokens = seq->n;
    for (size_t i = 0; i < seq->n; i++) {
        load_token(c, seq->kids[i], &customers, &cfg->tokens[i], &ids[i], &src[i]);
    }
    check_dups(c, "token", ids, seq->n);
    check_dup_secrets(c, src, seq->n);
    free(src);
    free(ids);
    sw_map_release(&customers);
}

/* ---- changes and health thresholds ---- */

#define MAX_FAILURE_WINDOW_MS (30LL * DAY_S * 1000)

static void load_changes(struct ctx *c, cnode *n)
{
    static const char *const names[] = {"failure_window"};
    cnode *k[1], *v[1];
    int64_t ms;

    if (take_keys(c, n, "'changes'", "in 'changes'", names, 1, k, v) && v[0] &&
        get_duration_in(c, "failure_window", v[0], 0, MAX_FAILURE_WINDOW_MS, &ms) &&
        whole_seconds(c, "failure_window", v[0], ms)) {
        c->cfg->change_failure_window_s = ms / 1000;
    }
}

enum hi_unit {
    HU_MILLI,    /* a decimal number, at most 3 decimals, stored x1000 */
    HU_RATIO,    /* a decimal number, at most 6 decimals, stored in ppm (0.5 -> 500000) */
    HU_COUNT,    /* an integer */
    HU_PERCENT,  /* "12.5%", stored in ppm */
    HU_DURATION, /* stored in s */
    HU_FREQ,     /* yearly, monthly, weekly, daily: enum sw_health_freq */
};

#define MAX_HI_NUMBER 1000000 /* the largest number or count a threshold may be */
#define MAX_HI_RATIO 1000     /* the largest ratio (1000 = 1e9 ppm) */

/* The unit each indicator of health.h is written in; names, directions and defaults are
 * health.h's (sw_health_indicator_name(), sw_health_default_threshold()). */
static const enum hi_unit hi_unit[SW_HEALTH_INDICATORS] = {
    [SW_HEALTH_MTTA] = HU_DURATION,          [SW_HEALTH_MTTM] = HU_DURATION,
    [SW_HEALTH_MTTR] = HU_DURATION,          [SW_HEALTH_AFTER_HOURS] = HU_PERCENT,
    [SW_HEALTH_OUTSIDE_HOURS] = HU_PERCENT,  [SW_HEALTH_INCIDENTS_PER_SHIFT] = HU_MILLI,
    [SW_HEALTH_SHIFT_BREACHES] = HU_COUNT,   [SW_HEALTH_ONCALL_LOAD] = HU_PERCENT,
    [SW_HEALTH_UNEVENNESS] = HU_RATIO,       [SW_HEALTH_FIRST_RESPONSE] = HU_PERCENT,
    [SW_HEALTH_RESOLUTION] = HU_PERCENT,     [SW_HEALTH_BACKLOG_SIZE] = HU_COUNT,
    [SW_HEALTH_BACKLOG_AGE] = HU_DURATION,   [SW_HEALTH_REOPEN_RATE] = HU_PERCENT,
    [SW_HEALTH_SLA_MET] = HU_PERCENT,        [SW_HEALTH_CHANGE_FREQUENCY] = HU_FREQ,
    [SW_HEALTH_CHANGE_FAILURE] = HU_PERCENT, [SW_HEALTH_TIME_TO_RESTORE] = HU_DURATION,
    [SW_HEALTH_LEAD_TIME] = HU_DURATION,
};

static void thresholds_init(struct sw_config *cfg)
{
    for (int i = 0; i < SW_HEALTH_INDICATORS; i++) {
        cfg->thresholds[i] = *sw_health_default_threshold((enum sw_health_indicator)i);
    }
}

/* A share written with its percent sign, "95%" or "12.5%", to ppm: the sign keeps a share
 * apart from the plain numbers that other indicators take. */
static bool get_percent_sign(struct ctx *c, const char *key, cnode *v, int64_t *ret_ppm)
{
    const char *s;
    char num[32], b[80];
    size_t n;
    uint32_t ppm;

    if (get_number_text(v, &s) && (n = strlen(s)) > 1 && n < sizeof(num) && s[n - 1] == '%') {
        memcpy(num, s, n - 1);
        num[n - 1] = '\0';
        if (sw_ppm_parse(num, &ppm) == 0) {
            *ret_ppm = ppm;
            return true;
        }
    }
    ERR(c, v,
        "bad percent %s for '%s' (a percentage from 0%% to 100%% with at most 4 decimals, "
        "e.g. 95%% or 12.5%%)",
        found(v, b, sizeof(b)), key);
    return false;
}

static bool get_decimal(struct ctx *c, const char *key, cnode *v, int decimals, uint64_t max,
                        int64_t *ret)
{
    const char *s;
    uint64_t scale = 1, x;
    char b[80];

    for (int i = 0; i < decimals; i++) {
        scale *= 10;
    }
    if (get_number_text(v, &s) && scaled_decimal(s, decimals, max * scale, &x)) {
        *ret = (int64_t)x;
        return true;
    }
    ERR(c, v, "bad number %s for '%s' (from 0 to %llu with at most %d decimals, e.g. 2.5)",
        found(v, b, sizeof(b)), key, (unsigned long long)max, decimals);
    return false;
}

static bool get_freq(struct ctx *c, const char *key, cnode *v, int64_t *ret)
{
    char b[80];

    for (int f = SW_HEALTH_YEARLY; v->type == SW_CFG_SCALAR && f <= SW_HEALTH_DAILY; f++) {
        if (strcmp(v->s, sw_health_freq_name((enum sw_health_freq)f)) == 0) {
            *ret = f;
            return true;
        }
    }
    ERR(c, v, "bad frequency %s for '%s' (daily, weekly, monthly or yearly)",
        found(v, b, sizeof(b)), key);
    return false;
}

static bool get_threshold(struct ctx *c, const char *key, cnode *v, enum hi_unit unit, int64_t *ret)
{
    long long x;

    switch (unit) {
    case HU_MILLI:
        return get_decimal(c, key, v, 3, MAX_HI_NUMBER, ret);
    case HU_RATIO:
        return get_decimal(c, key, v, 6, MAX_HI_RATIO, ret);
    case HU_COUNT:
        if (!get_int(c, key, v, 0, MAX_HI_NUMBER, &x)) {
            return false;
        }
        *ret = x;
        return true;
    case HU_PERCENT:
        return get_percent_sign(c, key, v, ret);
    case HU_DURATION:
        return get_seconds(c, key, v, true, ret);
    case HU_FREQ:
        return get_freq(c, key, v, ret);
    }
    return false;
}

static void load_threshold(struct ctx *c, cnode *n, enum sw_health_indicator hi)
{
    static const char *const names[] = {"green", "amber", "flat"};
    const char *key = sw_health_indicator_name(hi);
    struct sw_health_threshold t = *sw_health_default_threshold(hi);
    cnode *k[3], *v[3];
    char what[64], where[80], a[64], r[64];
    bool ok;

    snprintf(what, sizeof(what), "'%s'", key);
    snprintf(where, sizeof(where), "in '%s'", key);
    if (!take_keys(c, n, what, where, names, 3, k, v)) {
        return;
    }
    need(c, n, v[0], "green");
    need(c, n, v[1], "amber");
    if (!v[0] || !v[1]) {
        return;
    }
    ok = get_threshold(c, "green", v[0], hi_unit[hi], &t.green);
    ok = get_threshold(c, "amber", v[1], hi_unit[hi], &t.amber) && ok;
    if (v[2]) {
        ok = get_threshold(c, "flat", v[2], hi_unit[hi] == HU_FREQ ? HU_COUNT : hi_unit[hi],
                           &t.flat) &&
             ok;
    }
    if (!ok) {
        return;
    }
    if (sw_health_threshold_check(&t) < 0) {
        ERR(c, v[0], "'green' (%s) must not be worse than 'amber' (%s): a %s %s is better",
            shown(v[0], a, sizeof(a)), shown(v[1], r, sizeof(r)),
            t.higher_is_better ? "higher" : "lower", key);
        return;
    }
    c->cfg->thresholds[hi] = t;
}

static void load_thresholds(struct ctx *c, cnode *map)
{
    cnode *seen[SW_HEALTH_INDICATORS] = {NULL};

    if (!want_map(c, map, "'thresholds'")) {
        return;
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        cnode *k = map->kids[i];
        enum sw_health_indicator hi;
        char b[64];

        if (k->type != SW_CFG_SCALAR) {
            ERR(c, k, "mapping keys must be strings");
        } else if (sw_health_indicator_parse(k->s, &hi) < 0) {
            ERR(c, k, "unknown indicator '%s'", shown(k, b, sizeof(b)));
        } else if (seen[hi]) {
            ERR(c, k, "duplicate key '%s' (first at %s:%d:%d)", k->s, c->e->file, seen[hi]->line,
                seen[hi]->col);
        } else {
            seen[hi] = k;
            load_threshold(c, map->kids[i + 1], hi);
        }
    }
}

static void load_health(struct ctx *c, cnode *n)
{
    static const char *const names[] = {"thresholds"};
    cnode *k[1], *v[1];

    if (take_keys(c, n, "'health'", "in 'health'", names, 1, k, v) && v[0]) {
        load_thresholds(c, v[0]);
    }
}

/* ---- the top level ---- */

static void load_customer(struct ctx *c, cnode *n, struct sw_customer_conf *cu, struct idpos *ip);

static void load_defaults(struct ctx *c, cnode *n)
{
    enum { D_INTERVAL, D_RETRY, D_ATTEMPTS, D_TIMEOUT, D_N };
    static const char *const names[] = {"interval", "retry_interval", "max_attempts", "timeout"};
    cnode *k[D_N], *dv[D_N];

    if (!take_keys(c, n, "'defaults'", "in 'defaults'", names, D_N, k, dv)) {
        return;
    }
    if (dv[D_INTERVAL]) {
        get_duration(c, "interval", dv[D_INTERVAL], false, &c->def_interval_ms);
    }
    if (dv[D_RETRY]) {
        get_duration(c, "retry_interval", dv[D_RETRY], false, &c->def_retry_ms);
    }
    if (dv[D_ATTEMPTS]) {
        get_intv(c, "max_attempts", dv[D_ATTEMPTS], 1, 100, &c->def_attempts);
    }
    if (dv[D_TIMEOUT]) {
        get_duration(c, "timeout", dv[D_TIMEOUT], false, &c->def_timeout_ms);
    }
}

static void load_database_uri(struct ctx *c, cnode *v, const char *key);

/* `database:` a path or URI, or a mapping {uri, password_file | password_env, buffer}. */
static void load_database(struct ctx *c, cnode *n)
{
    static const char *const names[] = {"uri", "password_file", "password_env", "buffer"};
    cnode *k[4], *v[4];
    int pw, buffer;

    if (n->type != SW_CFG_MAP) {
        load_database_uri(c, n, "database");
        return;
    }
    if (!take_keys(c, n, "'database'", "in 'database'", names, 4, k, v)) {
        return;
    }
    need(c, n, v[0], "uri");
    if (v[0]) {
        load_database_uri(c, v[0], "uri");
    }
    pw = one_of(c, k, names, 1, 2);
    if (pw == 1) {
        read_secret_file(c, "password_file", v[1], &c->cfg->database_password);
    } else if (pw == 2) {
        read_secret_env(c, "password_env", v[2], &c->cfg->database_password);
    }
    if (v[3] && get_intv(c, "buffer", v[3], 1000, 100000000, &buffer)) {
        c->cfg->database_buffer = (size_t)buffer;
    }
    if (pw > 0 && v[0] && c->cfg->database && !sw_str_has_prefix(c->cfg->database, "postgres")) {
        ERR(c, k[pw], "'%s' is for a PostgreSQL database (SQLite has no password)", names[pw]);
    }
}

static void load_database_uri(struct ctx *c, cnode *v, const char *key)
{
    struct sw_config *cfg = c->cfg;
    const char *s, *sep;

    if (!get_str(c, key, v, MAX_PATH_LEN, STR_NONEMPTY | STR_LINE, &s)) {
        return;
    }
    if (sw_str_has_prefix(s, "sqlite:")) {
        if (!s[7]) {
            ERR(c, v, "'database' names no file after 'sqlite:'");
            return;
        }
        char *p = resolve(c, s + 7);
        free(cfg->database);
        cfg->database = sw_xasprintf("sqlite:%s", p);
        free(p);
        return;
    }
    sep = strstr(s, "://");
    if (sep) {
        if (sw_str_has_prefix(s, "postgres://") || sw_str_has_prefix(s, "postgresql://")) {
            const char *auth = sep + 3, *at = strchr(auth, '@'), *q = strchr(auth, '?');
            size_t host_end = strcspn(auth, "/?");
            if ((at && (size_t)(at - auth) < host_end && memchr(auth, ':', (size_t)(at - auth))) ||
                (q && (strstr(q, "?password=") || strstr(q, "&password=")))) {
                /* secrets are never inline: the file may be read by more than the daemon */
                ERR(c, v,
                    "the database URI holds a password: give it with 'password_file' or "
                    "'password_env' (database: {uri: ..., password_file: ...})");
                return;
            }
            free(cfg->database);
            cfg->database = sw_xstrdup(s);
            return;
        }
        /* the URI may hold a password: name only its scheme */
        ERR(c, v, "unsupported database URI scheme '%.*s' (a path, sqlite:PATH or postgres://...)",
            (int)(sep - s > 32 ? 32 : sep - s), s);
        return;
    }
    free(cfg->database);
    cfg->database = resolve(c, s);
}

/* ---- alertmanager ---- */

static void alertmanager_init(struct sw_alertmanager_conf *am)
{
    am->customer_label = sw_xstrdup("customer");
    am->deployment_label = sw_xstrdup("deployment");
    am->service_label = sw_xstrdup("service");
    am->check_label = sw_xstrdup("alertname");
    am->severity_label = sw_xstrdup("severity");
}

static bool valid_label(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_') {
        return false;
    }
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && *s != '_') {
            return false;
        }
    }
    return true;
}

static void get_label(struct ctx *c, const char *key, cnode *v, char **ret)
{
    const char *s;
    char b[80];

    if (!get_str(c, key, v, 256, STR_NONEMPTY, &s)) {
        return;
    }
    if (!valid_label(s)) {
        ERR(c, v, "bad label name %s for '%s' (letters, digits and '_', not starting with a digit)",
            found(v, b, sizeof(b)), key);
        return;
    }
    free(*ret);
    *ret = sw_xstrdup(s);
}

static void load_alertmanager(struct ctx *c, cnode *n)
{
    struct sw_alertmanager_conf *am = &c->cfg->alertmanager;
    static const char *const names[] = {"labels", "severity_label", "severity", "catch_all"};
    static const char *const lnames[] = {"customer", "deployment", "service", "check"};
    char **ldst[] = {&am->customer_label, &am->deployment_label, &am->service_label,
                     &am->check_label};
    static const char *const states[] = {"ok", "warning", "critical", "unknown"};
    cnode *k[4], *v[4];

    if (!take_keys(c, n, "'alertmanager'", "in 'alertmanager'", names, 4, k, v)) {
        return;
    }
    if (v[0]) {
        cnode *lk[4], *lv[4];
        if (take_keys(c, v[0], "'labels'", "in 'labels'", lnames, 4, lk, lv)) {
            for (int i = 0; i < 4; i++) {
                if (lv[i]) {
                    get_label(c, lnames[i], lv[i], ldst[i]);
                }
            }
        }
    }
    if (v[1]) {
        get_label(c, "severity_label", v[1], &am->severity_label);
    }
    if (v[2] && want_map(c, v[2], "'severity'")) {
        size_t np = v[2]->n / 2;
        am->sev_values = sw_xcalloc(np + 1, sizeof(*am->sev_values));
        am->sev_states = sw_xcalloc(np + 1, sizeof(*am->sev_states));
        for (size_t i = 0; i < np; i++) {
            cnode *key = v[2]->kids[2 * i], *val = v[2]->kids[2 * i + 1];
            int st;
            if (key->type != SW_CFG_SCALAR || !key->n) {
                ERR(c, key, "a severity value must be a non-empty string");
                continue;
            }
            if (pick(c, "state", val, states, 4, "ok, warning, critical or unknown", &st)) {
                am->sev_values[am->n_sev] = sw_xstrdup(key->s);
                am->sev_states[am->n_sev++] = (enum sw_state)st;
            }
        }
    }
    if (v[3]) {
        const char *s;
        if (get_str(c, "catch_all", v[3], MAX_PATH_LEN, STR_NONEMPTY, &s)) {
            const char *a = strchr(s, '/'), *b = a ? strchr(a + 1, '/') : NULL;
            char *dep = a && b ? sw_xstrndup(s, (size_t)(b - s)) : NULL;
            bool ok = false;
            if (dep && !strchr(b + 1, '/') && valid_id(b + 1)) {
                /* the customer and deployment must exist; the service is created if need be */
                for (size_t i = 0; i < c->cfg->n_customers && !ok; i++) {
                    const struct sw_customer_conf *cu = &c->cfg->customers[i];
                    for (size_t j = 0; j < cu->n_deployments && !ok; j++) {
                        ok = cu->deployments[j].path && strcmp(cu->deployments[j].path, dep) == 0;
                    }
                }
            }
            if (ok) {
                am->catch_all = sw_xstrdup(s);
            } else {
                char f[80];
                ERR(c, v[3],
                    "bad catch_all %s (CUSTOMER/DEPLOYMENT/SERVICE of a deployment of this file)",
                    found(v[3], f, sizeof(f)));
            }
            free(dep);
        }
    }
}

/* ---- tls ---- */

/* A PEM file read whole (a certificate chain or a key): NULL after an error naming the file. */
static char *read_pem(struct ctx *c, const char *key, cnode *v, const char *what)
{
    char *path = NULL, *text;
    size_t len = 0;
    int err = 0;

    if (!get_file(c, key, v, &path)) {
        return NULL;
    }
    text = sw_cfg_read_file(path, &len, &err);
    if (text) {
        text = sw_xrealloc(text, len + 1);
        text[len] = '\0';
    }
    if (!text) {
        ERR(c, v, "cannot read %s '%s': %s", key, path, strerror(err));
    } else if (len > 1024 * 1024 || strlen(text) != len || !strstr(text, "-----BEGIN ") ||
               !strstr(text, what)) {
        ERR(c, v, "%s '%s' is not a PEM %s", key, path, what);
        explicit_bzero(text, len);
        free(text);
        text = NULL;
    }
    free(path);
    return text;
}

static void load_tls(struct ctx *c, cnode *n)
{
    static const char *const names[] = {"cert_file", "key_file"};
    cnode *k[2], *v[2];

    if (!take_keys(c, n, "'tls'", "in 'tls'", names, 2, k, v)) {
        return;
    }
    need(c, n, v[0], "cert_file");
    need(c, n, v[1], "key_file");
    if (v[0]) {
        c->cfg->tls_cert = read_pem(c, "cert_file", v[0], "CERTIFICATE");
    }
    if (v[1]) {
        c->cfg->tls_key = read_pem(c, "key_file", v[1], "PRIVATE KEY");
    }
}

/* `cluster:` {lease, renew}: several nodes over one PostgreSQL (docs/cluster.md). */
static void load_cluster(struct ctx *c, cnode *n)
{
    static const char *const names[] = {"lease", "renew"};
    cnode *k[2], *v[2];
    int64_t lease = 10000, renew = 2000;
    bool ok = true;

    if (!take_keys(c, n, "'cluster'", "in 'cluster'", names, 2, k, v)) {
        return;
    }
    if (v[0] &&
        (!get_duration(c, "lease", v[0], false, &lease) || lease < 2000 || lease > 600000)) {
        if (lease < 2000 || lease > 600000) {
            ERR(c, v[0], "'lease' must be between 2s and 10m");
        }
        ok = false;
    }
    if (v[1] && (!get_duration(c, "renew", v[1], false, &renew) || renew < 200 || renew > 60000)) {
        if (renew < 200 || renew > 60000) {
            ERR(c, v[1], "'renew' must be between 200ms and 1m");
        }
        ok = false;
    }
    if (ok && renew * 3 > lease) {
        ERR(c, v[1] ? v[1] : n,
            "'renew' must be at most a third of 'lease' (a lease survives two "
            "missed renewals)");
    }
    c->cfg->cluster_lease_ms = lease;
    c->cfg->cluster_renew_ms = renew;
}

int sw_cfg_build(const struct sw_cfg_node *root, const char *base_dir, struct sw_cfg_errors *e,
                 struct sw_config *cfg)
{
    enum {
        T_LISTEN,
        T_DATABASE,
        T_RETENTION,
        T_DEFAULTS,
        T_MAXCC,
        T_MAXEXEC,
        T_MAXREQ,
        T_MAXOUT,
        T_LOG,
        T_CUSTOMERS,
        T_CONTRACTS,
        T_CALENDARS,
        T_MAINTENANCE,
        T_ENGINEERS,
        T_CHANNELS,
        T_ROTATIONS,
        T_POLICIES,
        T_INCIDENTS,
        T_TOKENS,
        T_CHANGES,
        T_HEALTH,
        T_ALERTMANAGER,
        T_TLS,
        T_CLUSTER,
        T_N
    };
    static const char *const names[] = {"listen",
                                        "database",
                                        "retention",
                                        "defaults",
                                        "max_concurrent_checks",
                                        "max_concurrent_exec",
                                        "max_request_body",
                                        "max_output",
                                        "log_level",
                                        "customers",
                                        "contracts",
                                        "calendars",
                                        "maintenance",
                                        "engineers",
                                        "channels",
                                        "rotations",
                                        "escalation_policies",
                                        "incidents",
                                        "tokens",
                                        "changes",
                                        "health",
                                        "alertmanager",
                                        "tls",
                                        "cluster"};
    struct ctx ctx = {
        .e = e,
        .base = base_dir,
        .cfg = cfg,
        .def_interval_ms = 60000,
        .def_retry_ms = 15000,
        .def_timeout_ms = 10000,
        .def_attempts = 3,
    };
    struct ctx *c = &ctx;
    cnode *k[T_N], *v[T_N];
    size_t errors_before = e->n + e->dropped;
    const char *s;

    cfg->listen = sw_xstrdup("127.0.0.1:8080");
    cfg->database = sw_xstrdup("/var/lib/stackward/stackward.db");
    cfg->retention_results_s = 14 * 86400;
    cfg->cluster_lease_ms = 10000;
    cfg->cluster_renew_ms = 2000;
    cfg->max_concurrent_checks = 1000;
    cfg->max_concurrent_exec = 32;
    cfg->max_request_body = 1024 * 1024;
    cfg->max_output = 4096;
    cfg->log_level = SW_LOG_INFO;
    sw_cal_init_24x7(&cfg->calendar_24x7.cal);
    cfg->calendar_24x7.id = sw_xstrdup(CAL_24X7);
    incidents_init(&cfg->incidents);
    alertmanager_init(&cfg->alertmanager);
    cfg->change_failure_window_s = HOUR_S;
    thresholds_init(cfg);

    if (!root || is_null(root)) {
        cfg->incidents.public_url = sw_xasprintf("http://%s", cfg->listen);
        return 0; /* an empty file: every default, no customers */
    }
    if (!take_keys(c, root, "the top level", "at the top level", names, T_N, k, v)) {
        return -EINVAL;
    }
    if (v[T_LISTEN] && get_str(c, "listen", v[T_LISTEN], 300, STR_NONEMPTY, &s)) {
        if (valid_listen(s)) {
            free(cfg->listen);
            cfg->listen = sw_xstrdup(s);
        } else {
            char b[80];
            ERR(c, v[T_LISTEN],
                "bad listen address %s (HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)",
                found(v[T_LISTEN], b, sizeof(b)));
        }
    }
    if (v[T_DATABASE]) {
        load_database(c, v[T_DATABASE]);
    }
    if (v[T_TLS]) {
        load_tls(c, v[T_TLS]);
    }
    if (v[T_CLUSTER]) {
        load_cluster(c, v[T_CLUSTER]);
    }
    if (v[T_RETENTION]) {
        static const char *const rnames[] = {"results"};
        cnode *rk[1], *rv[1];
        int64_t ms;
        if (take_keys(c, v[T_RETENTION], "'retention'", "in 'retention'", rnames, 1, rk, rv) &&
            rv[0] && get_duration(c, "results", rv[0], false, &ms)) {
            if (ms < 1000) {
                ERR(c, rv[0], "'results' must be at least 1s");
            } else {
                cfg->retention_results_s = ms / 1000;
            }
        }
    }
    if (v[T_DEFAULTS]) {
        load_defaults(c, v[T_DEFAULTS]);
    }
    if (v[T_MAXCC]) {
        get_intv(c, "max_concurrent_checks", v[T_MAXCC], 1, 1000000, &cfg->max_concurrent_checks);
    }
    if (v[T_MAXEXEC]) {
        get_intv(c, "max_concurrent_exec", v[T_MAXEXEC], 1, 4096, &cfg->max_concurrent_exec);
    }
    if (v[T_MAXREQ]) {
        get_bytes(c, "max_request_body", v[T_MAXREQ], 1, GIB, &cfg->max_request_body);
    }
    if (v[T_MAXOUT]) {
        get_bytes(c, "max_output", v[T_MAXOUT], 1, MIB, &cfg->max_output);
    }
    if (v[T_LOG] && get_str(c, "log_level", v[T_LOG], 64, 0, &s) &&
        sw_log_level_parse(s, &cfg->log_level) < 0) {
        char b[80];
        ERR(c, v[T_LOG], "unknown log_level %s (debug, info, warn or error)",
            found(v[T_LOG], b, sizeof(b)));
    }
    if (v[T_INCIDENTS]) {
        load_incidents(c, v[T_INCIDENTS]);
    }
    if (!cfg->incidents.public_url) {
        cfg->incidents.public_url = sw_xasprintf("http://%s", cfg->listen);
    }
    if (v[T_CHANGES]) {
        load_changes(c, v[T_CHANGES]);
    }
    if (v[T_HEALTH]) {
        load_health(c, v[T_HEALTH]);
    }
    /* calendars first: contracts name them; contracts next (after the policies, which they
     * name too): customers name them; maintenance last: it names customers. On call:
     * engineers name channels, rotations name engineers, policies name all three, and
     * contracts, customers, deployments and services name policies.
     * Services inherit the incidents block and their contract's severity, loaded before
     * them; their depends_on is resolved once every service is known. Tokens name customers
     * and engineers, so they come after both. */
    if (v[T_CALENDARS]) {
        load_calendars(c, v[T_CALENDARS]);
    }
    if (v[T_CHANNELS]) {
        load_channels(c, v[T_CHANNELS]);
    }
    if (v[T_ENGINEERS]) {
        load_engineers(c, v[T_ENGINEERS]);
    }
    if (v[T_ROTATIONS]) {
        load_rotations(c, v[T_ROTATIONS]);
    }
    if (v[T_POLICIES]) {
        load_policies(c, v[T_POLICIES]);
    }
    if (v[T_CONTRACTS]) {
        load_contracts(c, v[T_CONTRACTS]);
    }
    if (v[T_CUSTOMERS] && want_seq(c, v[T_CUSTOMERS], "customers")) {
        cnode *seq = v[T_CUSTOMERS];
        struct idpos *ids = sw_xcalloc(seq->n + 1, sizeof(*ids));

        cfg->customers = sw_xcalloc(seq->n + 1, sizeof(*cfg->customers));
        cfg->n_customers = seq->n;
        for (size_t i = 0; i < seq->n; i++) {
            load_customer(c, seq->kids[i], &cfg->customers[i], &ids[i]);
        }
        check_dups(c, "customer", ids, seq->n);
        free(ids);
    }
    resolve_depends(c);
    find_cycles(c);
    release_depends(c);
    if (v[T_MAINTENANCE]) {
        load_maintenance(c, v[T_MAINTENANCE]);
    }
    if (v[T_TOKENS]) {
        load_tokens(c, v[T_TOKENS]);
    }
    if (v[T_ALERTMANAGER]) {
        load_alertmanager(c, v[T_ALERTMANAGER]);
    }
    sw_map_release(&c->services);
    sw_map_release(&c->engineers);
    sw_map_release(&c->channels);
    sw_map_release(&c->rotations);
    sw_map_release(&c->escalations);
    return e->n + e->dropped > errors_before ? -EINVAL : 0;
}

/* ---- customers, deployments, services ---- */

static void load_service(struct ctx *c, cnode *n, struct sw_service_conf *sv, struct idpos *ip);
static void get_strs(struct ctx *c, const char *key, cnode *v, char ***ret, size_t *ret_n);

static void load_deployment(struct ctx *c, cnode *n, struct sw_deployment_conf *d, struct idpos *ip)
{
    enum {
        DK_ID,
        DK_KIND,
        DK_REGION,
        DK_TZ,
        DK_MAXCC,
        DK_SERVICES,
        DK_ESCALATION,
        DK_INCLUDE,
        DK_N
    };
    static const char *const names[] = {
        "id",       "kind",       "region", "timezone", "max_concurrent_checks",
        "services", "escalation", "include"};
    static const char *const kinds[] = {"openstack", "kubernetes", "ceph", "other"};
    cnode *k[DK_N], *v[DK_N];
    const char *s;

    d->kind = SW_KIND_OTHER;
    d->timezone = sw_xstrdup("UTC");
    if (!take_keys(c, n, "a deployment", "in a deployment", names, DK_N, k, v)) {
        return;
    }
    need(c, n, v[DK_ID], "id");
    if (v[DK_ID] && get_id(c, v[DK_ID], &d->id, ip) && d->customer->id) {
        d->path = sw_xasprintf("%s/%s", d->customer->id, d->id);
    }
    if (v[DK_KIND] && get_str(c, "kind", v[DK_KIND], 64, 0, &s)) {
        int i;
        for (i = 0; i < 4 && strcmp(s, kinds[i]) != 0; i++) {
        }
        if (i == 4) {
            char b[80];
            ERR(c, v[DK_KIND], "unknown kind %s (openstack, kubernetes, ceph or other)",
                found(v[DK_KIND], b, sizeof(b)));
        } else {
            d->kind = (enum sw_deployment_kind)i;
        }
    }
    if (v[DK_REGION]) {
        dup_str(c, "region", v[DK_REGION], MAX_NAME, STR_NONEMPTY | STR_LINE, &d->region);
    }
    if (v[DK_TZ]) {
        get_tz(c, v[DK_TZ], &d->timezone);
    }
    if (v[DK_MAXCC]) {
        get_intv(c, "max_concurrent_checks", v[DK_MAXCC], 0, 1000000, &d->max_concurrent_checks);
    }
    if (v[DK_ESCALATION]) {
        get_escalation(c, v[DK_ESCALATION], &d->escalation);
    }
    if (v[DK_INCLUDE]) {
        /* the files' services were appended to `services` by sw_cfg_expand() */
        get_strs(c, "include", v[DK_INCLUDE], &d->includes, &d->n_includes);
        for (size_t i = 0; i < d->n_includes; i++) {
            char *abs = resolve(c, d->includes[i]);
            free(d->includes[i]);
            d->includes[i] = abs;
        }
    }
    if (v[DK_SERVICES] && want_seq(c, v[DK_SERVICES], "services")) {
        cnode *seq = v[DK_SERVICES];
        struct idpos *ids = sw_xcalloc(seq->n + 1, sizeof(*ids));

        d->services = sw_xcalloc(seq->n + 1, sizeof(*d->services));
        d->n_services = seq->n;
        for (size_t i = 0; i < seq->n; i++) {
            d->services[i].deployment = d;
            d->services[i].customer = d->customer;
            load_service(c, seq->kids[i], &d->services[i], &ids[i]);
        }
        check_dups(c, "service", ids, seq->n);
        free(ids);
    }
}

static void load_customer(struct ctx *c, cnode *n, struct sw_customer_conf *cu, struct idpos *ip)
{
    enum {
        CK_ID,
        CK_NAME,
        CK_DEPLOYMENTS,
        CK_CONTRACT,
        CK_TZ,
        CK_FEE,
        CK_ESCALATION,
        CK_STATUS,
        CK_N
    };
    static const char *const names[] = {"id",       "name",        "deployments", "contract",
                                        "timezone", "monthly_fee", "escalation",  "status_page"};
    cnode *k[CK_N], *v[CK_N];
    const char *s;

    cu->timezone = sw_xstrdup("UTC");
    cu->fee_minor = -1;
    if (!take_keys(c, n, "a customer", "in a customer", names, CK_N, k, v)) {
        return;
    }
    need(c, n, v[CK_ID], "id");
    if (v[CK_ID]) {
        get_id(c, v[CK_ID], &cu->id, ip);
    }
    if (v[CK_NAME]) {
        dup_str(c, "name", v[CK_NAME], MAX_NAME, STR_NONEMPTY | STR_LINE, &cu->name);
    }
    if (!cu->name) {
        cu->name = sw_xstrdup(cu->id);
    }
    if (v[CK_CONTRACT] && get_str(c, "contract", v[CK_CONTRACT], 1024, STR_NONEMPTY, &s)) {
        cu->contract = sw_config_find_contract(c->cfg, s);
        if (cu->contract) {
            cu->contract_id = sw_xstrdup(s);
        } else {
            char b[80];
            ERR(c, v[CK_CONTRACT], "unknown contract %s (not defined under 'contracts')",
                found(v[CK_CONTRACT], b, sizeof(b)));
        }
    }
    if (v[CK_TZ]) {
        get_tz(c, v[CK_TZ], &cu->timezone);
    }
    if (v[CK_FEE]) {
        load_fee(c, v[CK_FEE], cu);
    }
    if (v[CK_ESCALATION]) {
        get_escalation(c, v[CK_ESCALATION], &cu->escalation);
    }
    if (v[CK_STATUS]) {
        static const char *const snames[] = {"public"};
        cnode *sk[1], *sv[1];
        if (take_keys(c, v[CK_STATUS], "'status_page'", "in 'status_page'", snames, 1, sk, sv) &&
            sv[0]) {
            get_bool(c, "public", sv[0], &cu->status_public);
        }
    }
    if (v[CK_DEPLOYMENTS] && want_seq(c, v[CK_DEPLOYMENTS], "deployments")) {
        cnode *seq = v[CK_DEPLOYMENTS];
        struct idpos *ids = sw_xcalloc(seq->n + 1, sizeof(*ids));

        cu->deployments = sw_xcalloc(seq->n + 1, sizeof(*cu->deployments));
        cu->n_deployments = seq->n;
        for (size_t i = 0; i < seq->n; i++) {
            cu->deployments[i].customer = cu;
            load_deployment(c, seq->kids[i], &cu->deployments[i], &ids[i]);
        }
        check_dups(c, "deployment", ids, seq->n);
        free(ids);
    }
}

static void load_check(struct ctx *c, cnode *n, struct sw_check_conf *ck, struct idpos *ip);

static void load_service(struct ctx *c, cnode *n, struct sw_service_conf *sv, struct idpos *ip)
{
    enum {
        SK_ID,
        SK_NAME,
        SK_AGGREGATE,
        SK_CHECKS,
        SK_ESCALATION,
        SK_SEVERITY,
        SK_DEPENDS,
        SK_INCIDENT,
        SK_N
    };
    static const char *const names[] = {"id",         "name",     "aggregate",  "checks",
                                        "escalation", "severity", "depends_on", "incident"};
    cnode *k[SK_N], *v[SK_N], *quorum = NULL;

    sv->line = n->line;
    sv->col = n->col;
    sv->aggregate = SW_AGG_ALL;
    sv->incident = c->cfg->incidents.defaults;
    if (!take_keys(c, n, "a service", "in a service", names, SK_N, k, v)) {
        return;
    }
    need(c, n, v[SK_ID], "id");
    if (v[SK_ID] && get_id(c, v[SK_ID], &sv->id, ip) && sv->deployment->path) {
        sv->path = sw_xasprintf("%s/%s", sv->deployment->path, sv->id);
        remember(&c->services, sv->path, sv);
    }
    load_service_incident(c, v[SK_INCIDENT], v[SK_SEVERITY], sv);
    if (v[SK_DEPENDS]) {
        load_depends(c, v[SK_DEPENDS], sv);
    }
    if (v[SK_NAME]) {
        dup_str(c, "name", v[SK_NAME], MAX_NAME, STR_NONEMPTY | STR_LINE, &sv->name);
    }
    if (!sv->name) {
        sv->name = sw_xstrdup(sv->id);
    }
    if (v[SK_AGGREGATE] && v[SK_AGGREGATE]->type == SW_CFG_MAP) {
        static const char *const qnames[] = {"quorum"};
        cnode *qk[1];
        if (take_keys(c, v[SK_AGGREGATE], "'aggregate'", "in 'aggregate'", qnames, 1, qk,
                      &quorum)) {
            need(c, v[SK_AGGREGATE], quorum, "quorum");
        }
        sv->aggregate = SW_AGG_QUORUM;
    } else if (v[SK_AGGREGATE] && v[SK_AGGREGATE]->type == SW_CFG_SCALAR &&
               strcmp(v[SK_AGGREGATE]->s, "all") == 0) {
        sv->aggregate = SW_AGG_ALL;
    } else if (v[SK_AGGREGATE] && v[SK_AGGREGATE]->type == SW_CFG_SCALAR &&
               strcmp(v[SK_AGGREGATE]->s, "any") == 0) {
        sv->aggregate = SW_AGG_ANY;
    } else if (v[SK_AGGREGATE]) {
        char b[80];
        ERR(c, v[SK_AGGREGATE], "bad aggregate %s (all, any or {quorum: N})",
            found(v[SK_AGGREGATE], b, sizeof(b)));
    }
    if (v[SK_ESCALATION]) {
        get_escalation(c, v[SK_ESCALATION], &sv->escalation);
    }
    need(c, n, v[SK_CHECKS], "checks");
    if (v[SK_CHECKS] && want_seq(c, v[SK_CHECKS], "checks")) {
        cnode *seq = v[SK_CHECKS];
        struct idpos *ids = sw_xcalloc(seq->n + 1, sizeof(*ids));

        if (seq->n == 0) {
            ERR(c, seq, "a service needs at least one check");
        }
        sv->checks = sw_xcalloc(seq->n + 1, sizeof(*sv->checks));
        sv->n_checks = seq->n;
        for (size_t i = 0; i < seq->n; i++) {
            sv->checks[i].service = sv;
            sv->checks[i].deployment = sv->deployment;
            sv->checks[i].customer = sv->customer;
            load_check(c, seq->kids[i], &sv->checks[i], &ids[i]);
        }
        check_dups(c, "check", ids, seq->n);
        free(ids);
    }
    if (quorum && get_intv(c, "quorum", quorum, 1, INT_MAX, &sv->quorum) && sv->n_checks > 0 &&
        (size_t)sv->quorum > sv->n_checks) {
        ERR(c, quorum, "quorum must be between 1 and %zu (the number of checks), found %d",
            sv->n_checks, sv->quorum);
    }
}

/* ---- checks ---- */

enum {
    K_ID,
    K_TYPE,
    K_INTERVAL,
    K_RETRY,
    K_ATTEMPTS,
    K_TIMEOUT,
    K_FLAP,
    K_URL,
    K_METHOD,
    K_HEADERS,
    K_BODY,
    K_EXPECT_STATUS,
    K_EXPECT_BODY,
    K_WARN_LATENCY,
    K_CRIT_LATENCY,
    K_CERT_WARN,
    K_CERT_CRIT,
    K_FOLLOW,
    K_TLS_VERIFY,
    K_CA_FILE,
    K_CLIENT_CERT,
    K_CLIENT_KEY,
    K_USERNAME,
    K_PASSWORD_FILE,
    K_PASSWORD_ENV,
    K_TOKEN_FILE,
    K_TOKEN_ENV,
    K_MAX_BODY,
    K_HOST,
    K_PORT,
    K_SEND,
    K_EXPECT,
    K_COMMAND,
    K_FRESHNESS,
    K_STALE,
    K_DERIVED_FROM,
    K_AUTH_URL,
    K_USER_ID,
    K_USER_DOMAIN,
    K_USER_DOMAIN_ID,
    K_PROJECT,
    K_PROJECT_ID,
    K_PROJECT_DOMAIN,
    K_PROJECT_DOMAIN_ID,
    K_AC_ID,
    K_AC_NAME,
    K_AC_SECRET_FILE,
    K_AC_SECRET_ENV,
    K_INTERFACE,
    K_REGION,
    K_DISCOVER,
    K_NODES,
    K_QUERY,
    K_WARNING,
    K_CRITICAL,
    K_N
};

#define T_ALL 0xFFu
#define T_HTTP (1u << SW_CHECK_HTTP)
#define T_TCP (1u << SW_CHECK_TCP)
#define T_EXEC (1u << SW_CHECK_EXEC)
#define T_PASSIVE (1u << SW_CHECK_PASSIVE)
#define T_KS (1u << SW_CHECK_KEYSTONE)
#define T_K8S (1u << SW_CHECK_KUBERNETES)
#define T_PROM (1u << SW_CHECK_PROMETHEUS)
#define T_JUJU (1u << SW_CHECK_JUJU)
#define T_WEB (T_HTTP | T_K8S | T_PROM) /* checks that make HTTP requests to a url */

static const char *const check_keys[K_N] = {
    "id",
    "type",
    "interval",
    "retry_interval",
    "max_attempts",
    "timeout",
    "flap_detection",
    "url",
    "method",
    "headers",
    "body",
    "expect_status",
    "expect_body",
    "warn_latency",
    "crit_latency",
    "cert_warn_days",
    "cert_crit_days",
    "follow_redirects",
    "tls_verify",
    "ca_file",
    "client_cert",
    "client_key",
    "username",
    "password_file",
    "password_env",
    "token_file",
    "token_env",
    "max_body",
    "host",
    "port",
    "send",
    "expect",
    "command",
    "freshness",
    "stale",
    "derived_from",
    "auth_url",
    "user_id",
    "user_domain",
    "user_domain_id",
    "project",
    "project_id",
    "project_domain",
    "project_domain_id",
    "application_credential_id",
    "application_credential_name",
    "application_credential_secret_file",
    "application_credential_secret_env",
    "interface",
    "region",
    "discover",
    "nodes",
    "query",
    "warning",
    "critical",
};

static const unsigned check_key_types[K_N] = {
    [K_ID] = T_ALL,
    [K_TYPE] = T_ALL,
    [K_INTERVAL] = T_ALL,
    [K_RETRY] = T_ALL,
    [K_ATTEMPTS] = T_ALL,
    [K_TIMEOUT] = T_ALL,
    [K_FLAP] = T_ALL,
    [K_URL] = T_WEB,
    [K_METHOD] = T_HTTP,
    [K_HEADERS] = T_HTTP,
    [K_BODY] = T_HTTP,
    [K_EXPECT_STATUS] = T_HTTP,
    [K_EXPECT_BODY] = T_HTTP,
    [K_WARN_LATENCY] = T_HTTP,
    [K_CRIT_LATENCY] = T_HTTP,
    [K_CERT_WARN] = T_HTTP,
    [K_CERT_CRIT] = T_HTTP,
    [K_FOLLOW] = T_HTTP,
    [K_TLS_VERIFY] = T_WEB | T_KS,
    [K_CA_FILE] = T_WEB | T_KS,
    [K_CLIENT_CERT] = T_WEB,
    [K_CLIENT_KEY] = T_WEB,
    [K_USERNAME] = T_HTTP | T_PROM | T_KS,
    [K_PASSWORD_FILE] = T_HTTP | T_PROM | T_KS,
    [K_PASSWORD_ENV] = T_HTTP | T_PROM | T_KS,
    [K_TOKEN_FILE] = T_WEB,
    [K_TOKEN_ENV] = T_WEB,
    [K_MAX_BODY] = T_HTTP,
    [K_HOST] = T_TCP,
    [K_PORT] = T_TCP,
    [K_SEND] = T_TCP,
    [K_EXPECT] = T_TCP,
    [K_COMMAND] = T_EXEC | T_JUJU,
    [K_FRESHNESS] = T_PASSIVE,
    [K_STALE] = T_PASSIVE,
    [K_DERIVED_FROM] = T_PASSIVE,
    [K_AUTH_URL] = T_KS,
    [K_USER_ID] = T_KS,
    [K_USER_DOMAIN] = T_KS,
    [K_USER_DOMAIN_ID] = T_KS,
    [K_PROJECT] = T_KS,
    [K_PROJECT_ID] = T_KS,
    [K_PROJECT_DOMAIN] = T_KS,
    [K_PROJECT_DOMAIN_ID] = T_KS,
    [K_AC_ID] = T_KS,
    [K_AC_NAME] = T_KS,
    [K_AC_SECRET_FILE] = T_KS,
    [K_AC_SECRET_ENV] = T_KS,
    [K_INTERFACE] = T_KS,
    [K_REGION] = T_KS,
    [K_DISCOVER] = T_KS,
    [K_NODES] = T_K8S,
    [K_QUERY] = T_PROM,
    [K_WARNING] = T_PROM,
    [K_CRITICAL] = T_PROM,
};

static const char *const type_phrase[SW_CHECK_TYPE_COUNT] = {
    "an http check",    "a tcp check",        "an exec check",      "a passive check",
    "a keystone check", "a kubernetes check", "a prometheus check", "a juju check"};

static void load_flap(struct ctx *c, cnode *n, struct sw_flap_conf *f)
{
    static const char *const names[] = {"enabled", "low", "high"};
    cnode *k[3], *v[3];

    if (!take_keys(c, n, "'flap_detection'", "in 'flap_detection'", names, 3, k, v)) {
        return;
    }
    if (v[0]) {
        get_bool(c, "enabled", v[0], &f->enabled);
    }
    bool low_ok = !v[1] || get_intv(c, "low", v[1], 0, 100, &f->low_pct);
    bool high_ok = !v[2] || get_intv(c, "high", v[2], 0, 100, &f->high_pct);
    if (low_ok && high_ok && f->low_pct >= f->high_pct) {
        cnode *at = v[1] ? v[1] : v[2];
        ERR(c, at, "flap_detection low (%d) must be below high (%d)", f->low_pct, f->high_pct);
    }
}

static bool valid_url(struct ctx *c, cnode *v, const char *s)
{
    CURLU *u = curl_url();
    CURLUcode uc;
    char *scheme = NULL, *user = NULL, *pass = NULL;
    bool ok = false;

    if (!u) {
        ERR(c, v, "bad URL: out of memory");
        return false;
    }
    uc = curl_url_set(u, CURLUPART_URL, s, 0);
    if (uc != CURLUE_OK) {
        /* the URL is not echoed: it may carry credentials */
        ERR(c, v, "bad URL: %s", curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        ERR(c, v, "bad URL: the scheme must be http or https");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
        ERR(c, v,
            "bad URL: credentials in the URL are not allowed (use username with "
            "password_file or password_env)");
        goto out;
    }
    ok = true;
out:
    curl_free(scheme);
    curl_free(user);
    curl_free(pass);
    curl_url_cleanup(u);
    return ok;
}

static bool valid_token(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s)) {
            return false;
        }
    }
    return true;
}

static void load_headers(struct ctx *c, cnode *n, struct sw_check_conf *ck)
{
    char b[80];

    if (!want_map(c, n, "'headers'")) {
        return;
    }
    if (n->n / 2 > MAX_HEADERS) {
        ERR(c, n, "'headers' has more than %d entries", MAX_HEADERS);
        return;
    }
    ck->headers = sw_xcalloc(n->n / 2 + 1, sizeof(*ck->headers));
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        cnode *k = n->kids[i], *v = n->kids[i + 1];
        const char *val;

        if (k->type != SW_CFG_SCALAR || !valid_token(k->s) || strlen(k->s) != k->n) {
            ERR(c, k, "bad header name %s", found(k, b, sizeof(b)));
            continue;
        }
        if (strcasecmp(k->s, "Authorization") == 0 ||
            strcasecmp(k->s, "Proxy-Authorization") == 0) {
            ERR(c, k,
                "header '%s' is not allowed: secrets are never inline (use username with "
                "password_file/password_env, or token_file/token_env)",
                k->s);
            continue;
        }
        for (size_t j = 0; j < i; j += 2) {
            if (n->kids[j]->type == SW_CFG_SCALAR && strcasecmp(n->kids[j]->s, k->s) == 0) {
                ERR(c, k, "duplicate header '%s' (first at %s:%d:%d)", k->s, c->e->file,
                    n->kids[j]->line, n->kids[j]->col);
                goto next;
            }
        }
        if (get_str(c, k->s, v, 8192, STR_LINE, &val)) {
            ck->headers[ck->n_headers++] = sw_xasprintf("%s: %s", k->s, val);
        }
    next:;
    }
}

static void load_expect_status(struct ctx *c, cnode *v, struct sw_check_conf *ck)
{
    if (v->type == SW_CFG_SCALAR) {
        int x;
        if (get_intv(c, "expect_status", v, 100, 599, &x)) {
            ck->expect_status = sw_xmalloc(sizeof(int));
            ck->expect_status[0] = x;
            ck->n_expect_status = 1;
        }
        return;
    }
    if (!want_seq(c, v, "expect_status")) {
        return;
    }
    if (v->n == 0) {
        ERR(c, v, "'expect_status' must not be empty");
        return;
    }
    if (v->n > MAX_EXPECT_STATUS) {
        ERR(c, v, "'expect_status' has more than %d entries", MAX_EXPECT_STATUS);
        return;
    }
    ck->expect_status = sw_xcalloc(v->n, sizeof(int));
    for (size_t i = 0; i < v->n; i++) {
        int x;
        if (get_intv(c, "expect_status", v->kids[i], 100, 599, &x)) {
            ck->expect_status[ck->n_expect_status++] = x;
        }
    }
}

static void load_expect_body(struct ctx *c, cnode *v, struct sw_check_conf *ck)
{
    const char *s;
    int code;
    PCRE2_SIZE off;
    PCRE2_UCHAR msg[256];

    if (!get_str(c, "expect_body", v, MAX_PATTERN, STR_NONEMPTY, &s)) {
        return;
    }
    ck->expect_body_re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
    if (!ck->expect_body_re) {
        if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0) {
            snprintf((char *)msg, sizeof(msg), "error %d", code);
        }
        ERR(c, v, "bad expect_body pattern at offset %zu: %s", (size_t)off, (char *)msg);
        return;
    }
    ck->expect_body = sw_xstrdup(s);
}

static void load_method(struct ctx *c, cnode *v, struct sw_check_conf *ck)
{
    static const char *const methods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                          "PATCH", "DELETE", "OPTIONS"};
    const char *s;
    char b[80];

    if (!get_str(c, "method", v, 16, STR_NONEMPTY, &s)) {
        return;
    }
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strcasecmp(s, methods[i]) == 0) {
            free(ck->method);
            ck->method = sw_xstrdup(methods[i]);
            return;
        }
    }
    ERR(c, v, "unknown method %s (GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS)",
        found(v, b, sizeof(b)));
}

static void load_http(struct ctx *c, cnode *map, cnode **k, cnode **v, struct sw_check_conf *ck)
{
    const char *s;
    bool https = false;

    need(c, map, v[K_URL], "url");
    if (v[K_URL] && get_str(c, "url", v[K_URL], MAX_URL_LEN, STR_NONEMPTY, &s) &&
        valid_url(c, v[K_URL], s)) {
        ck->url = sw_xstrdup(s);
        https = strncasecmp(s, "https:", 6) == 0;
    }
    ck->method = sw_xstrdup("GET");
    if (v[K_METHOD]) {
        load_method(c, v[K_METHOD], ck);
    }
    if (v[K_HEADERS]) {
        load_headers(c, v[K_HEADERS], ck);
    }
    if (v[K_BODY]) {
        dup_str(c, "body", v[K_BODY], MAX_TEXT, 0, &ck->body);
    }
    if (v[K_EXPECT_STATUS]) {
        load_expect_status(c, v[K_EXPECT_STATUS], ck);
    }
    if (v[K_EXPECT_BODY]) {
        load_expect_body(c, v[K_EXPECT_BODY], ck);
    }
    bool wl = v[K_WARN_LATENCY] &&
              get_duration(c, "warn_latency", v[K_WARN_LATENCY], false, &ck->warn_latency_ms);
    bool cl = v[K_CRIT_LATENCY] &&
              get_duration(c, "crit_latency", v[K_CRIT_LATENCY], false, &ck->crit_latency_ms);
    if (wl && cl && ck->warn_latency_ms > ck->crit_latency_ms) {
        char a[32], b[32];
        ERR(c, v[K_WARN_LATENCY], "warn_latency (%s) must not be longer than crit_latency (%s)",
            sw_duration_format(ck->warn_latency_ms, a), sw_duration_format(ck->crit_latency_ms, b));
    }
    ck->cert_warn_days = ck->cert_crit_days = -1;
    bool cw = v[K_CERT_WARN] &&
              get_intv(c, "cert_warn_days", v[K_CERT_WARN], 0, 3650, &ck->cert_warn_days);
    bool cc = v[K_CERT_CRIT] &&
              get_intv(c, "cert_crit_days", v[K_CERT_CRIT], 0, 3650, &ck->cert_crit_days);
    if (cw && cc && ck->cert_crit_days > ck->cert_warn_days) {
        ERR(c, v[K_CERT_CRIT], "cert_crit_days (%d) must not be more than cert_warn_days (%d)",
            ck->cert_crit_days, ck->cert_warn_days);
    }
    if (ck->url && !https) {
        if (k[K_CERT_WARN]) {
            ERR(c, k[K_CERT_WARN], "'cert_warn_days' needs an https URL");
        }
        if (k[K_CERT_CRIT]) {
            ERR(c, k[K_CERT_CRIT], "'cert_crit_days' needs an https URL");
        }
    }
    ck->tls_verify = true;
    if (v[K_FOLLOW]) {
        get_bool(c, "follow_redirects", v[K_FOLLOW], &ck->follow_redirects);
    }
    if (v[K_TLS_VERIFY]) {
        get_bool(c, "tls_verify", v[K_TLS_VERIFY], &ck->tls_verify);
    }
    if (v[K_CA_FILE]) {
        get_file(c, "ca_file", v[K_CA_FILE], &ck->ca_file);
    }
    if (v[K_CLIENT_CERT]) {
        get_file(c, "client_cert", v[K_CLIENT_CERT], &ck->client_cert);
    }
    if (v[K_CLIENT_KEY]) {
        get_file(c, "client_key", v[K_CLIENT_KEY], &ck->client_key);
        if (!k[K_CLIENT_CERT]) {
            ERR(c, k[K_CLIENT_KEY], "'client_key' needs 'client_cert'");
        }
    }
    if (v[K_USERNAME] &&
        dup_str(c, "username", v[K_USERNAME], MAX_NAME, STR_NONEMPTY | STR_LINE, &ck->username) &&
        strchr(ck->username, ':')) {
        ERR(c, v[K_USERNAME], "'username' must not contain ':'");
    }
    if (k[K_PASSWORD_FILE] && k[K_PASSWORD_ENV]) {
        ERR(c, k[K_PASSWORD_ENV], "use only one of 'password_file' and 'password_env'");
    } else if (v[K_PASSWORD_FILE]) {
        read_secret_file(c, "password_file", v[K_PASSWORD_FILE], &ck->password);
    } else if (v[K_PASSWORD_ENV]) {
        read_secret_env(c, "password_env", v[K_PASSWORD_ENV], &ck->password);
    }
    cnode *pk = k[K_PASSWORD_FILE] ? k[K_PASSWORD_FILE] : k[K_PASSWORD_ENV];
    if (k[K_USERNAME] && !pk) {
        ERR(c, k[K_USERNAME], "'username' needs 'password_file' or 'password_env'");
    }
    if (pk && !k[K_USERNAME]) {
        ERR(c, pk, "'%s' needs 'username'", pk->s);
    }
    if (k[K_TOKEN_FILE] && k[K_TOKEN_ENV]) {
        ERR(c, k[K_TOKEN_ENV], "use only one of 'token_file' and 'token_env'");
    } else if (v[K_TOKEN_FILE]) {
        read_secret_file(c, "token_file", v[K_TOKEN_FILE], &ck->bearer_token);
    } else if (v[K_TOKEN_ENV]) {
        read_secret_env(c, "token_env", v[K_TOKEN_ENV], &ck->bearer_token);
    }
    cnode *tk = k[K_TOKEN_FILE] ? k[K_TOKEN_FILE] : k[K_TOKEN_ENV];
    if (tk && (k[K_USERNAME] || pk)) {
        ERR(c, tk, "'%s' cannot be combined with basic auth (username and password)", tk->s);
    }
    ck->max_body = 64 * KIB;
    if (v[K_MAX_BODY]) {
        get_bytes(c, "max_body", v[K_MAX_BODY], 1, 16 * MIB, &ck->max_body);
    }
}

static void load_tcp(struct ctx *c, cnode *map, cnode **v, struct sw_check_conf *ck)
{
    const char *s;

    need(c, map, v[K_HOST], "host");
    if (v[K_HOST] && get_str(c, "host", v[K_HOST], 260, STR_NONEMPTY, &s)) {
        struct in6_addr a6;
        char h[260];
        size_t n = strlen(s);

        /* an IPv6 literal may come in brackets; it is kept without them */
        if (s[0] == '[' && n > 2 && s[n - 1] == ']') {
            memcpy(h, s + 1, n - 2);
            h[n - 2] = '\0';
        } else {
            memcpy(h, s, n + 1);
        }
        if (strchr(h, ':') ? inet_pton(AF_INET6, h, &a6) == 1 : valid_hostname(h)) {
            ck->host = sw_xstrdup(h);
        } else {
            char b[80];
            ERR(c, v[K_HOST], "bad host %s (a host name or an IP address)",
                found(v[K_HOST], b, sizeof(b)));
        }
    }
    need(c, map, v[K_PORT], "port");
    if (v[K_PORT]) {
        get_intv(c, "port", v[K_PORT], 1, 65535, &ck->port);
    }
    if (v[K_SEND]) {
        get_escaped(c, "send", v[K_SEND], &ck->send);
    }
    if (v[K_EXPECT]) {
        get_escaped(c, "expect", v[K_EXPECT], &ck->expect);
    }
}

static void load_exec(struct ctx *c, cnode *map, cnode **v, struct sw_check_conf *ck)
{
    need(c, map, v[K_COMMAND], "command");
    if (v[K_COMMAND]) {
        get_argv(c, v[K_COMMAND], &ck->argv, &ck->argc);
    }
}

static void load_passive(struct ctx *c, cnode **k, cnode **v, struct sw_check_conf *ck)
{
    static const char *const stales[] = {"unknown", "critical", "warning"};
    static const enum sw_state stale_states[] = {SW_UNKNOWN, SW_CRITICAL, SW_WARNING};
    int i;

    if (v[K_FRESHNESS]) {
        get_duration(c, "freshness", v[K_FRESHNESS], true, &ck->freshness_ms);
    }
    if (v[K_STALE] && pick(c, "stale", v[K_STALE], stales, 3, "unknown, critical or warning", &i)) {
        ck->stale_state = stale_states[i];
        if (!k[K_FRESHNESS]) {
            ERR(c, k[K_STALE], "'stale' needs 'freshness'");
        }
    }
    if (v[K_DERIVED_FROM]) {
        dup_str(c, "derived_from", v[K_DERIVED_FROM], MAX_PATH_LEN, STR_NONEMPTY,
                &ck->derived_from);
    }
}

/* "nonempty", "empty", or a comparison with a number: "> 0.9", "==0", "<= -1e3" */
static bool valid_condition(const char *s)
{
    static const char *const ops[] = {">=", "<=", "==", "!=", ">", "<"};
    char *end;

    if (strcmp(s, "nonempty") == 0 || strcmp(s, "empty") == 0) {
        return true;
    }
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (sw_str_has_prefix(s, ops[i])) {
            const char *num = s + strlen(ops[i]);
            while (*num == ' ') {
                num++;
            }
            /* a finite decimal, as the probe reads it: no hex, inf or nan */
            const char *p = num + (*num == '-' || *num == '+');
            bool digits = false;
            while (isdigit((unsigned char)*p) || *p == '.') {
                digits |= *p != '.';
                p++;
            }
            if (!digits || (*p && *p != ' ' && *p != 'e' && *p != 'E')) {
                return false;
            }
            double x = strtod(num, &end);
            while (*end == ' ') {
                end++;
            }
            return end != num && !*end && isfinite(x);
        }
    }
    return false;
}

static void load_prometheus(struct ctx *c, cnode *map, cnode **v, struct sw_check_conf *ck)
{
    struct {
        int key;
        const char *name;
        char **dst;
    } conds[] = {{K_WARNING, "warning", &ck->warn_cond}, {K_CRITICAL, "critical", &ck->crit_cond}};

    need(c, map, v[K_QUERY], "query");
    if (v[K_QUERY]) {
        dup_str(c, "query", v[K_QUERY], MAX_TEXT, STR_NONEMPTY, &ck->query);
    }
    for (size_t i = 0; i < 2; i++) {
        const char *s;
        cnode *cv = v[conds[i].key];
        if (cv && get_str(c, conds[i].name, cv, 256, STR_NONEMPTY | STR_LINE, &s)) {
            if (valid_condition(s)) {
                *conds[i].dst = sw_xstrdup(s);
            } else {
                char b[80];
                ERR(c, cv,
                    "bad condition %s for '%s' (nonempty, empty, or one of > >= < <= == != "
                    "and a number)",
                    found(cv, b, sizeof(b)), conds[i].name);
            }
        }
    }
    if (!v[K_WARNING] && !v[K_CRITICAL]) {
        ERR(c, map, "a prometheus check needs 'critical' or 'warning' (or both)");
    }
}

/* A string or a list of strings, each one of words (when given). */
static void get_strs(struct ctx *c, const char *key, cnode *v, char ***ret, size_t *ret_n)
{
    cnode *const *items = v->type == SW_CFG_SEQ ? (cnode *const *)v->kids : &v;
    size_t n = v->type == SW_CFG_SEQ ? v->n : 1;
    const char *s;

    if (v->type == SW_CFG_MAP || n == 0) {
        char b[80];
        ERR(c, v, "'%s' must be a string or a non-empty list of strings, found %s", key,
            found(v, b, sizeof(b)));
        return;
    }
    *ret = sw_xcalloc(n + 1, sizeof(**ret));
    for (size_t i = 0; i < n; i++) {
        if (get_str(c, key, items[i], MAX_NAME, STR_NONEMPTY | STR_LINE, &s)) {
            (*ret)[(*ret_n)++] = sw_xstrdup(s);
        }
    }
}

static void load_keystone(struct ctx *c, cnode *map, cnode **k, cnode **v, struct sw_check_conf *ck)
{
    struct sw_keystone_conf *ks = ck->keystone = sw_xcalloc(1, sizeof(*ks));
    static const char *const ifaces[] = {"public", "internal", "admin"};
    struct {
        int key;
        char **dst;
    } strs[] = {
        {K_USERNAME, &ks->user},
        {K_USER_ID, &ks->user_id},
        {K_USER_DOMAIN, &ks->user_domain},
        {K_USER_DOMAIN_ID, &ks->user_domain_id},
        {K_PROJECT, &ks->project},
        {K_PROJECT_ID, &ks->project_id},
        {K_PROJECT_DOMAIN, &ks->project_domain},
        {K_PROJECT_DOMAIN_ID, &ks->project_domain_id},
        {K_AC_ID, &ks->app_cred_id},
        {K_AC_NAME, &ks->app_cred_name},
        {K_REGION, &ks->region},
    };
    const char *s;
    bool app = k[K_AC_ID] || k[K_AC_NAME];

    ks->discover_ms = 10 * 60 * 1000;
    ck->tls_verify = true;
    need(c, map, v[K_AUTH_URL], "auth_url");
    if (v[K_AUTH_URL] && get_str(c, "auth_url", v[K_AUTH_URL], MAX_URL_LEN, STR_NONEMPTY, &s) &&
        valid_url(c, v[K_AUTH_URL], s)) {
        size_t len = strlen(s);
        while (len > 0 && s[len - 1] == '/') {
            len--;
        }
        ks->auth_url = sw_xstrndup(s, len);
    }
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (v[strs[i].key]) {
            dup_str(c, check_keys[strs[i].key], v[strs[i].key], MAX_NAME, STR_NONEMPTY | STR_LINE,
                    strs[i].dst);
        }
    }
    if (v[K_TLS_VERIFY]) {
        get_bool(c, "tls_verify", v[K_TLS_VERIFY], &ck->tls_verify);
    }
    if (v[K_CA_FILE]) {
        get_file(c, "ca_file", v[K_CA_FILE], &ck->ca_file);
    }
    /* the secret: a password, or an application credential's secret */
    if (k[K_PASSWORD_FILE] && k[K_PASSWORD_ENV]) {
        ERR(c, k[K_PASSWORD_ENV], "use only one of 'password_file' and 'password_env'");
    } else if (v[K_PASSWORD_FILE]) {
        read_secret_file(c, "password_file", v[K_PASSWORD_FILE], &ck->password);
    } else if (v[K_PASSWORD_ENV]) {
        read_secret_env(c, "password_env", v[K_PASSWORD_ENV], &ck->password);
    }
    if (k[K_AC_SECRET_FILE] && k[K_AC_SECRET_ENV]) {
        ERR(c, k[K_AC_SECRET_ENV],
            "use only one of 'application_credential_secret_file' and "
            "'application_credential_secret_env'");
    } else if (v[K_AC_SECRET_FILE]) {
        read_secret_file(c, "application_credential_secret_file", v[K_AC_SECRET_FILE],
                         &ks->app_cred_secret);
    } else if (v[K_AC_SECRET_ENV]) {
        read_secret_env(c, "application_credential_secret_env", v[K_AC_SECRET_ENV],
                        &ks->app_cred_secret);
    }
    if (app) {
        cnode *pk = k[K_PASSWORD_FILE] ? k[K_PASSWORD_FILE] : k[K_PASSWORD_ENV];
        if (k[K_AC_ID] && k[K_AC_NAME]) {
            ERR(c, k[K_AC_NAME],
                "use only one of 'application_credential_id' and 'application_credential_name'");
        }
        if (!k[K_AC_SECRET_FILE] && !k[K_AC_SECRET_ENV]) {
            ERR(c, map,
                "an application credential needs 'application_credential_secret_file' or "
                "'application_credential_secret_env'");
        }
        if (pk) {
            ERR(c, pk, "'%s' does not go with an application credential", pk->s);
        }
        for (int key = K_PROJECT; key <= K_PROJECT_DOMAIN_ID; key++) {
            if (k[key]) {
                ERR(c, k[key],
                    "'%s' does not go with an application credential (its project "
                    "is fixed)",
                    check_keys[key]);
            }
        }
        if (k[K_AC_NAME] && !k[K_USERNAME] && !k[K_USER_ID]) {
            ERR(c, k[K_AC_NAME], "'application_credential_name' needs 'username' or 'user_id'");
        }
    } else {
        if (k[K_AC_SECRET_FILE] || k[K_AC_SECRET_ENV]) {
            cnode *sk = k[K_AC_SECRET_FILE] ? k[K_AC_SECRET_FILE] : k[K_AC_SECRET_ENV];
            ERR(c, sk, "'%s' needs 'application_credential_id' or 'application_credential_name'",
                sk->s);
        }
        if (!k[K_USERNAME] && !k[K_USER_ID]) {
            ERR(c, map,
                "a keystone check needs 'username' or 'user_id' (or an application "
                "credential)");
        }
        if (!k[K_PASSWORD_FILE] && !k[K_PASSWORD_ENV]) {
            ERR(c, map, "a keystone check needs 'password_file' or 'password_env'");
        }
        if (k[K_PROJECT] && k[K_PROJECT_ID]) {
            ERR(c, k[K_PROJECT_ID], "use only one of 'project' and 'project_id'");
        }
        if (k[K_PROJECT] && !k[K_PROJECT_DOMAIN] && !k[K_PROJECT_DOMAIN_ID]) {
            ERR(c, k[K_PROJECT], "'project' needs 'project_domain' or 'project_domain_id'");
        }
        if (!k[K_PROJECT] && !k[K_PROJECT_ID]) {
            ERR(c, map,
                "a keystone check needs 'project' or 'project_id': an unscoped token "
                "has no catalog");
        }
    }
    if (k[K_USERNAME] && k[K_USER_ID]) {
        ERR(c, k[K_USER_ID], "use only one of 'username' and 'user_id'");
    }
    if (k[K_USERNAME] && !k[K_USER_DOMAIN] && !k[K_USER_DOMAIN_ID]) {
        ERR(c, k[K_USERNAME], "'username' needs 'user_domain' or 'user_domain_id'");
    }
    if (k[K_USER_DOMAIN] && k[K_USER_DOMAIN_ID]) {
        ERR(c, k[K_USER_DOMAIN_ID], "use only one of 'user_domain' and 'user_domain_id'");
    }
    if (k[K_PROJECT_DOMAIN] && k[K_PROJECT_DOMAIN_ID]) {
        ERR(c, k[K_PROJECT_DOMAIN_ID], "use only one of 'project_domain' and 'project_domain_id'");
    }
    if (v[K_INTERFACE]) {
        get_strs(c, "interface", v[K_INTERFACE], &ks->interfaces, &ks->n_interfaces);
        for (size_t i = 0; i < ks->n_interfaces; i++) {
            size_t j;
            for (j = 0; j < 3 && strcmp(ks->interfaces[i], ifaces[j]) != 0; j++) {
            }
            if (j == 3) {
                ERR(c, v[K_INTERFACE], "unknown interface '%s' (public, internal or admin)",
                    ks->interfaces[i]);
            }
        }
    }
    if (v[K_DISCOVER]) {
        static const char *const dnames[] = {"every", "services"};
        cnode *dk[2], *dv[2];
        if (take_keys(c, v[K_DISCOVER], "'discover'", "in 'discover'", dnames, 2, dk, dv)) {
            if (dv[0]) {
                get_duration_in(c, "every", dv[0], 10000, MAX_DURATION_MS, &ks->discover_ms);
            }
            if (dv[1]) {
                get_strs(c, "services", dv[1], &ks->services, &ks->n_services);
            }
        }
    }
}

static void load_check(struct ctx *c, cnode *n, struct sw_check_conf *ck, struct idpos *ip)
{
    static const char *const types[] = {"http",     "tcp",        "exec",       "passive",
                                        "keystone", "kubernetes", "prometheus", "juju"};
    cnode *k[K_N], *v[K_N];
    const char *s;
    int type = -1;

    ck->line = n->line;
    ck->col = n->col;
    ck->flap.enabled = true;
    ck->flap.low_pct = 5;
    ck->flap.high_pct = 20;
    ck->interval_ms = c->def_interval_ms;
    ck->retry_interval_ms = c->def_retry_ms;
    ck->timeout_ms = c->def_timeout_ms;
    ck->max_attempts = c->def_attempts;
    ck->cert_warn_days = ck->cert_crit_days = -1;
    ck->stale_state = SW_UNKNOWN;
    if (!take_keys(c, n, "a check", "in a check", check_keys, K_N, k, v)) {
        return;
    }
    need(c, n, v[K_ID], "id");
    if (v[K_ID] && get_id(c, v[K_ID], &ck->id, ip) && ck->service->path) {
        ck->path = sw_xasprintf("%s/%s", ck->service->path, ck->id);
    }
    need(c, n, v[K_TYPE], "type");
    if (v[K_TYPE] && get_str(c, "type", v[K_TYPE], 64, 0, &s)) {
        for (type = 0; type < SW_CHECK_TYPE_COUNT && strcmp(types[type], s) != 0; type++) {
        }
        if (type == SW_CHECK_TYPE_COUNT) {
            char b[80];
            ERR(c, v[K_TYPE],
                "unknown check type %s (http, tcp, exec, passive, keystone, kubernetes, "
                "prometheus or juju)",
                found(v[K_TYPE], b, sizeof(b)));
            type = -1;
        }
    }
    if (type < 0) {
        return; /* the other keys mean nothing without a type */
    }
    ck->type = (enum sw_check_type)type;
    if (k[K_DERIVED_FROM] && !k[K_DERIVED_FROM]->synthetic) {
        ERR(c, k[K_DERIVED_FROM], "unknown key 'derived_from' in a check");
        k[K_DERIVED_FROM] = v[K_DERIVED_FROM] = NULL;
    }
    for (int i = 0; i < K_N; i++) {
        if (k[i] && !(check_key_types[i] & (1u << type))) {
            ERR(c, k[i], "key '%s' does not apply to %s", check_keys[i], type_phrase[type]);
            k[i] = v[i] = NULL;
        }
    }
    if (v[K_INTERVAL]) {
        get_duration(c, "interval", v[K_INTERVAL], false, &ck->interval_ms);
    }
    if (v[K_RETRY]) {
        get_duration(c, "retry_interval", v[K_RETRY], false, &ck->retry_interval_ms);
    }
    if (v[K_TIMEOUT]) {
        get_duration(c, "timeout", v[K_TIMEOUT], false, &ck->timeout_ms);
    }
    if (type == SW_CHECK_PASSIVE) {
        ck->max_attempts = 1; /* an external system already decided */
    }
    if (v[K_ATTEMPTS]) {
        get_intv(c, "max_attempts", v[K_ATTEMPTS], 1, 100, &ck->max_attempts);
    }
    if (v[K_FLAP]) {
        load_flap(c, v[K_FLAP], &ck->flap);
    }
    switch (type) {
    case SW_CHECK_HTTP:
        load_http(c, n, k, v, ck);
        break;
    case SW_CHECK_TCP:
        load_tcp(c, n, v, ck);
        break;
    case SW_CHECK_EXEC:
        load_exec(c, n, v, ck);
        break;
    case SW_CHECK_PASSIVE:
        load_passive(c, k, v, ck);
        break;
    case SW_CHECK_KEYSTONE:
        load_keystone(c, n, k, v, ck);
        break;
    case SW_CHECK_KUBERNETES:
        load_http(c, n, k, v, ck);
        ck->max_body = 16 * MIB; /* a node list of a large cluster */
        if (v[K_NODES]) {
            get_bool(c, "nodes", v[K_NODES], &ck->k8s_nodes);
        }
        break;
    case SW_CHECK_PROMETHEUS:
        load_http(c, n, k, v, ck);
        ck->max_body = 16 * MIB;
        load_prometheus(c, n, v, ck);
        break;
    case SW_CHECK_JUJU:
        load_exec(c, n, v, ck);
        ck->max_body = 16 * MIB; /* the status of a large model */
        break;
    default:
        break;
    }
}
