/* SPDX-License-Identifier: Apache-2.0 */
/* juju_parse.c: juju.h: `juju status --format=json` read with jansson into applications and
 * units with a check state each, and the configuration fragment written from them. Owns
 * nothing beyond the status it fills and the text it appends. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "probe/juju.h"

#define SHOWN_MAX 60                             /* bytes of a bad name quoted in a message */
#define MAX_FRESHNESS_MS (3650LL * 86400 * 1000) /* the configuration's longest duration */

/* Appends s (n bytes) quoted and escaped, at most SHOWN_MAX bytes of it, "..." beyond: one
 * line of valid text whatever s holds. */
static void shown(struct sw_buf *b, const char *s, size_t n)
{
    sw_buf_quoted(b, s, n, SHOWN_MAX);
}

/* A copy of s as one line: each run of whitespace one space, none at the ends, control
 * characters '?'. NULL when nothing is left (or s is NULL). */
static char *one_line(const char *s)
{
    char *d, *o;
    bool gap = false;

    if (!s) {
        return NULL;
    }
    d = o = sw_xmalloc(strlen(s) + 1);
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            gap = o > d;
            continue;
        }
        if (gap) {
            *o++ = ' ';
            gap = false;
        }
        *o++ = *s;
    }
    *o = '\0';
    if (o == d) {
        free(d);
        return NULL;
    }
    sw_str_sanitize(d);
    return d;
}

/* Length of the UTF-8 sequence at s when YAML (1.1, libyaml) takes it for a line break or a
 * byte order mark: U+0080..U+009F (NEL among them), U+2028, U+2029, U+FEFF; else 0. Such
 * code points are valid text to sw_str_is_text(), but would end a comment or fold a name. */
static size_t yaml_break_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
        return 2;
    }
    if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
        return 3;
    }
    if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        return 3;
    }
    return 0;
}

/* ---- the state table ---- */

static bool is(const char *s, const char *word)
{
    return s && strcmp(s, word) == 0;
}

enum sw_state sw_juju_workload_state(const char *w)
{
    if (is(w, "active")) {
        return SW_OK;
    }
    if (is(w, "maintenance") || is(w, "waiting")) {
        return SW_WARNING;
    }
    if (is(w, "blocked") || is(w, "error") || is(w, "terminated")) {
        return SW_CRITICAL;
    }
    return SW_UNKNOWN;
}

enum sw_state sw_juju_agent_state(const char *a)
{
    if (is(a, "idle") || is(a, "executing")) {
        return SW_OK;
    }
    if (is(a, "allocating") || is(a, "rebooting")) {
        return SW_WARNING;
    }
    if (is(a, "lost") || is(a, "failed") || is(a, "error")) {
        return SW_CRITICAL;
    }
    return SW_UNKNOWN;
}

enum sw_state sw_juju_unit_state(const char *workload, const char *agent)
{
    enum sw_state w = sw_juju_workload_state(workload), a = sw_juju_agent_state(agent);

    return sw_state_rank(a) > sw_state_rank(w) ? a : w;
}

/* ---- parsing ---- */

struct parse {
    struct sw_juju_status st;
    size_t cap_apps;
    size_t cap_units;
    struct sw_map app_index;   /* app name -> index + 1 into st.apps */
    struct sw_map service_ids; /* service id -> app name */
    struct sw_map check_ids;   /* check id -> unit name */
    struct sw_buf *err;
};

static void unit_release(struct sw_juju_unit *u)
{
    free(u->name);
    free(u->app);
    free(u->check_id);
    free(u->workload);
    free(u->workload_msg);
    free(u->agent);
    free(u->agent_msg);
    free(u->machine);
    free(u->principal);
    free(u->output);
}

void sw_juju_status_release(struct sw_juju_status *s)
{
    if (!s) {
        return;
    }
    free(s->model);
    free(s->controller);
    free(s->cloud);
    for (size_t i = 0; i < s->n_apps; i++) {
        free(s->apps[i].name);
        free(s->apps[i].service_id);
        free(s->apps[i].charm);
        free(s->apps[i].status);
    }
    free(s->apps);
    for (size_t i = 0; i < s->n_units; i++) {
        unit_release(&s->units[i]);
    }
    free(s->units);
    memset(s, 0, sizeof(*s));
}

/* Reads the optional string key of obj (at path) into a one-line copy; NULL when absent. */
static int opt_str(struct parse *p, json_t *obj, const char *key, const char *path, char **ret)
{
    json_t *j = json_object_get(obj, key);

    *ret = NULL;
    if (!j || json_is_null(j)) {
        return 0;
    }
    if (!json_is_string(j)) {
        sw_buf_printf(p->err, "%s.%s: not a string", path, key);
        return -EINVAL;
    }
    *ret = one_line(json_string_value(j));
    return 0;
}

/* Reads {current, message} of the status object key ("workload-status", "juju-status"). */
static int status_pair(struct parse *p, json_t *obj, const char *key, const char *path,
                       char **ret_current, char **ret_msg)
{
    json_t *j = json_object_get(obj, key);
    char *sub;
    int r;

    if (!j || json_is_null(j)) {
        return 0;
    }
    if (!json_is_object(j)) {
        sw_buf_printf(p->err, "%s.%s: not an object", path, key);
        return -EINVAL;
    }
    sub = sw_xasprintf("%s.%s", path, key);
    r = opt_str(p, j, "current", sub, ret_current);
    if (r == 0) {
        r = opt_str(p, j, "message", sub, ret_msg);
    }
    free(sub);
    return r;
}

/* Application and unit names become ids, paths in messages and YAML: one line of text. */
static bool good_name(const char *s, size_t n)
{
    if (n == 0 || n > SW_JUJU_MAX_NAME || strlen(s) != n || !sw_str_is_text(s, n)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || yaml_break_len(s + i) > 0) {
            return false;
        }
    }
    return true;
}

/* Adds an application named name (checked: good_name()) from obj (NULL for one only known
 * from a subordinate unit); returns its index or -errno. */
static int add_app(struct parse *p, const char *name, json_t *obj, const char *path)
{
    struct sw_juju_app *a;
    char id[65];
    const char *other;
    json_t *st;
    int r;

    if (p->st.n_apps == SW_JUJU_MAX_APPS) {
        sw_buf_printf(p->err, "more than %d applications", SW_JUJU_MAX_APPS);
        return -E2BIG;
    }
    if (sw_id_from(name, id, sizeof(id)) == 0) {
        sw_buf_printf(p->err, "%s: the name gives no id (it has no letter or digit)", path);
        return -EINVAL;
    }
    other = sw_map_get(&p->service_ids, id);
    if (other) {
        sw_buf_puts(p->err, "applications ");
        shown(p->err, other, strlen(other));
        sw_buf_puts(p->err, " and ");
        shown(p->err, name, strlen(name));
        sw_buf_printf(p->err, " both give the service id \"%s\"", id);
        return -EINVAL;
    }
    sw_xgrow((void **)&p->st.apps, &p->cap_apps, p->st.n_apps + 1, sizeof(*p->st.apps));
    a = &p->st.apps[p->st.n_apps++];
    memset(a, 0, sizeof(*a));
    a->name = sw_xstrdup(name);
    a->service_id = sw_xstrdup(id);
    sw_map_put(&p->app_index, a->name, (void *)(uintptr_t)p->st.n_apps);
    sw_map_put(&p->service_ids, a->service_id, a->name);
    if (!obj) {
        a->subordinate = true;
        return (int)p->st.n_apps - 1;
    }
    r = opt_str(p, obj, "charm", path, &a->charm);
    if (r < 0) {
        return r;
    }
    a->subordinate = json_object_get(obj, "subordinate-to") != NULL;
    st = json_object_get(obj, "application-status");
    if (st && !json_is_null(st)) {
        char *sub;

        if (!json_is_object(st)) {
            sw_buf_printf(p->err, "%s.application-status: not an object", path);
            return -EINVAL;
        }
        sub = sw_xasprintf("%s.application-status", path);
        r = opt_str(p, st, "current", sub, &a->status);
        free(sub);
        if (r < 0) {
            return r;
        }
    }
    return (int)p->st.n_apps - 1;
}

/* The one-line output and the state of u. */
static void unit_verdict(struct sw_juju_unit *u, const char *status_error)
{
    struct sw_buf b;

    sw_buf_init(&b);
    if (status_error && !u->workload && !u->agent) {
        /* Juju could not read this unit's status: nothing to judge it by */
        u->state = SW_UNKNOWN;
        sw_buf_printf(&b, "status error: %s", status_error);
        u->output = sw_buf_steal(&b);
        return;
    }
    u->state = sw_juju_unit_state(u->workload, u->agent);
    if (u->workload) {
        sw_buf_printf(&b, "workload %s", u->workload);
        if (u->workload_msg) {
            sw_buf_printf(&b, " (%s)", u->workload_msg);
        }
    } else {
        sw_buf_puts(&b, "workload status missing");
    }
    if (u->agent) {
        sw_buf_printf(&b, ", agent %s", u->agent);
        if (u->agent_msg) {
            sw_buf_printf(&b, " (%s)", u->agent_msg);
        }
    } else {
        sw_buf_puts(&b, ", agent status missing");
    }
    u->output = sw_buf_steal(&b);
}

static int parse_unit(struct parse *p, const char *app, const char *name, json_t *obj,
                      const char *path, const struct sw_juju_unit *principal);

/* Splits the unit name "APP/N"; *ret_app_len is the length of APP. */
static bool unit_name(const char *name, size_t *ret_app_len, unsigned *ret_number)
{
    const char *slash = strrchr(name, '/');
    unsigned long v = 0;
    size_t digits;

    if (!slash || slash == name || !good_name(name, strlen(name))) {
        return false;
    }
    digits = strlen(slash + 1);
    if (digits == 0 || digits > 9 || strspn(slash + 1, "0123456789") != digits) {
        return false;
    }
    v = strtoul(slash + 1, NULL, 10);
    *ret_app_len = (size_t)(slash - name);
    *ret_number = (unsigned)v;
    return true;
}

/* The subordinates of principal unit pu, from its "subordinates" map. */
static int parse_subordinates(struct parse *p, json_t *subs, const char *path,
                              const struct sw_juju_unit *pu)
{
    const char *key;
    json_t *v;
    int r;

    if (!subs || json_is_null(subs)) {
        return 0;
    }
    if (!json_is_object(subs)) {
        sw_buf_printf(p->err, "%s.subordinates: not an object", path);
        return -EINVAL;
    }
    json_object_foreach(subs, key, v)
    {
        size_t app_len;
        unsigned number;
        char *app, *sub;

        if (!unit_name(key, &app_len, &number)) {
            sw_buf_printf(p->err, "%s.subordinates.", path);
            shown(p->err, key, strlen(key));
            sw_buf_puts(p->err, ": not a unit name (APP/NUMBER)");
            return -EINVAL;
        }
        app = sw_xstrndup(key, app_len);
        sub = sw_xasprintf("%s.subordinates.%s", path, key);
        r = 0;
        if (!sw_map_get(&p->app_index, app)) {
            r = add_app(p, app, NULL, sub);
        }
        if (r >= 0) {
            r = parse_unit(p, app, key, v, sub, pu);
        }
        free(sub);
        free(app);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/* Adds unit name (checked: unit_name()) of application app from obj at path; principal is
 * NULL for a principal unit. */
static int parse_unit(struct parse *p, const char *app, const char *name, json_t *obj,
                      const char *path, const struct sw_juju_unit *principal)
{
    struct sw_juju_unit *u;
    char *status_error = NULL;
    const char *other;
    char id[65];
    size_t app_len;
    int r;

    if (!json_is_object(obj)) {
        sw_buf_printf(p->err, "%s: not an object", path);
        return -EINVAL;
    }
    if (p->st.n_units == SW_JUJU_MAX_UNITS) {
        sw_buf_printf(p->err, "more than %d units", SW_JUJU_MAX_UNITS);
        return -E2BIG;
    }
    sw_id_from(name, id, sizeof(id)); /* never empty: the number is in it */
    other = sw_map_get(&p->check_ids, id);
    if (other) {
        sw_buf_puts(p->err, "units ");
        shown(p->err, other, strlen(other));
        sw_buf_puts(p->err, " and ");
        shown(p->err, name, strlen(name));
        sw_buf_printf(p->err, " both give the check id \"%s\"", id);
        return -EINVAL;
    }
    sw_xgrow((void **)&p->st.units, &p->cap_units, p->st.n_units + 1, sizeof(*p->st.units));
    u = &p->st.units[p->st.n_units++];
    memset(u, 0, sizeof(*u));
    u->name = sw_xstrdup(name);
    u->app = sw_xstrdup(app);
    unit_name(name, &app_len, &u->number);
    u->check_id = sw_xstrdup(id);
    sw_map_put(&p->check_ids, u->check_id, u->name);
    if (principal) {
        u->principal = sw_xstrdup(principal->name);
    }
    r = status_pair(p, obj, "workload-status", path, &u->workload, &u->workload_msg);
    if (r == 0) {
        r = status_pair(p, obj, "juju-status", path, &u->agent, &u->agent_msg);
    }
    if (r == 0) {
        r = opt_str(p, obj, "machine", path, &u->machine);
    }
    if (r == 0 && !u->machine && principal) {
        u->machine = sw_xstrdup(principal->machine);
    }
    if (r == 0) {
        r = opt_str(p, obj, "status-error", path, &status_error);
    }
    if (r < 0) {
        free(status_error);
        return r;
    }
    unit_verdict(u, status_error);
    free(status_error);
    if (!principal) {
        /* p->st.units may move as subordinates are added: hand on a copy of what they
         * need, the name and machine */
        struct sw_juju_unit pu = {0};

        pu.name = sw_xstrdup(u->name);
        pu.machine = sw_xstrdup(u->machine);
        r = parse_subordinates(p, json_object_get(obj, "subordinates"), path, &pu);
        free(pu.name);
        free(pu.machine);
        return r;
    }
    return 0;
}

static int parse_app_units(struct parse *p, const char *app, json_t *obj, const char *path)
{
    json_t *units = json_object_get(obj, "units"), *v;
    const char *key;
    int r;

    if (!units || json_is_null(units)) {
        return 0;
    }
    if (!json_is_object(units)) {
        sw_buf_printf(p->err, "%s.units: not an object", path);
        return -EINVAL;
    }
    json_object_foreach(units, key, v)
    {
        size_t app_len;
        unsigned number;
        char *sub;

        if (!unit_name(key, &app_len, &number)) {
            sw_buf_printf(p->err, "%s.units.", path);
            shown(p->err, key, strlen(key));
            sw_buf_puts(p->err, ": not a unit name (APP/NUMBER)");
            return -EINVAL;
        }
        if (app_len != strlen(app) || memcmp(key, app, app_len) != 0) {
            sw_buf_printf(p->err, "%s.units.", path);
            shown(p->err, key, strlen(key));
            sw_buf_printf(p->err, ": not a unit of %s", app);
            return -EINVAL;
        }
        sub = sw_xasprintf("%s.units.%s", path, key);
        r = parse_unit(p, app, key, v, sub, NULL);
        free(sub);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

static int cmp_app(const void *x, const void *y)
{
    const struct sw_juju_app *a = x, *b = y;

    return strcmp(a->name, b->name);
}

static int cmp_unit(const void *x, const void *y)
{
    const struct sw_juju_unit *a = x, *b = y;
    int r = strcmp(a->app, b->app);

    if (r != 0) {
        return r;
    }
    if (a->number != b->number) {
        return a->number < b->number ? -1 : 1;
    }
    return strcmp(a->name, b->name); /* "x/1" and "x/01" */
}

static int parse_model(struct parse *p, json_t *root)
{
    json_t *m = json_object_get(root, "model");

    if (!m || json_is_null(m)) {
        return 0;
    }
    if (!json_is_object(m)) {
        sw_buf_puts(p->err, "model: not an object");
        return -EINVAL;
    }
    if (opt_str(p, m, "name", "model", &p->st.model) < 0 ||
        opt_str(p, m, "controller", "model", &p->st.controller) < 0 ||
        opt_str(p, m, "cloud", "model", &p->st.cloud) < 0) {
        return -EINVAL;
    }
    return 0;
}

static int parse_root(struct parse *p, json_t *root)
{
    json_t *apps, *v;
    const char *key;
    int r;

    if (!json_is_object(root)) {
        sw_buf_puts(p->err, "not a JSON object");
        return -EINVAL;
    }
    r = parse_model(p, root);
    if (r < 0) {
        return r;
    }
    apps = json_object_get(root, "applications");
    if (!apps) {
        sw_buf_puts(p->err, "applications: missing (not the output of juju status "
                            "--format=json?)");
        return -EINVAL;
    }
    if (!json_is_object(apps)) {
        sw_buf_puts(p->err, "applications: not an object");
        return -EINVAL;
    }
    /* first every application, so that subordinate units find theirs whatever the order */
    json_object_foreach(apps, key, v)
    {
        char *path;

        if (!good_name(key, strlen(key))) {
            sw_buf_puts(p->err, "applications: bad application name ");
            shown(p->err, key, strlen(key));
            sw_buf_printf(p->err, " (1 to %d bytes of one-line text)", SW_JUJU_MAX_NAME);
            return -EINVAL;
        }
        path = sw_xasprintf("applications.%s", key);
        if (!json_is_object(v)) {
            sw_buf_printf(p->err, "%s: not an object", path);
            r = -EINVAL;
        } else {
            r = add_app(p, key, v, path);
        }
        free(path);
        if (r < 0) {
            return r;
        }
    }
    json_object_foreach(apps, key, v)
    {
        char *path = sw_xasprintf("applications.%s", key);

        r = parse_app_units(p, key, v, path);
        free(path);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

int sw_juju_parse(const char *body, size_t len, struct sw_juju_status *ret, struct sw_buf *err)
{
    struct parse p;
    json_error_t jerr;
    json_t *root;
    int r = -EINVAL;

    memset(&p, 0, sizeof(p));
    p.err = err;
    sw_map_init(&p.app_index);
    sw_map_init(&p.service_ids);
    sw_map_init(&p.check_ids);
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        sw_buf_json_error(err, jerr.line, jerr.column, jerr.text);
        goto out;
    }
    r = parse_root(&p, root);
    if (r < 0) {
        goto out;
    }
    /* count before sorting: app_index holds positions of the unsorted array */
    for (size_t i = 0; i < p.st.n_units; i++) {
        uintptr_t k = (uintptr_t)sw_map_get(&p.app_index, p.st.units[i].app);

        p.st.apps[k - 1].n_units++;
    }
    if (p.st.n_apps > 1) {
        qsort(p.st.apps, p.st.n_apps, sizeof(*p.st.apps), cmp_app);
    }
    if (p.st.n_units > 1) {
        qsort(p.st.units, p.st.n_units, sizeof(*p.st.units), cmp_unit);
    }
    *ret = p.st;
    memset(&p.st, 0, sizeof(p.st));
    r = 0;
out:
    sw_juju_status_release(&p.st);
    sw_map_release(&p.app_index);
    sw_map_release(&p.service_ids);
    sw_map_release(&p.check_ids);
    json_decref(root);
    return r;
}

/* ---- the configuration fragment ---- */

/* True when YAML reads s, written plain, as the string s in every reader: a letter first,
 * then letters, digits and "_.-/", and no word YAML 1.1 gives another meaning. */
static bool plain_ok(const char *s)
{
    static const char *const words[] = {"null", "true", "false", "yes", "no",
                                        "on",   "off",  "y",     "n"};

    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) {
        return false;
    }
    for (const char *c = s; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              strchr("_.-/", *c))) {
            return false;
        }
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcasecmp(s, words[i]) == 0) {
            return false;
        }
    }
    return true;
}

/* Appends s as a YAML scalar: plain when plain_ok(), else double-quoted with escapes. */
static void yaml_scalar(struct sw_buf *b, const char *s)
{
    if (plain_ok(s)) {
        sw_buf_puts(b, s);
        return;
    }
    sw_buf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        size_t l = yaml_break_len(s);

        if (ch == '"' || ch == '\\') {
            sw_buf_printf(b, "\\%c", ch);
        } else if (ch < 0x20 || ch == 0x7f) {
            sw_buf_printf(b, "\\x%02x", ch);
        } else if (l > 0) {
            /* good_name() keeps these out of names; escaped all the same */
            const unsigned char *p = (const unsigned char *)s;
            unsigned cp = l == 2 ? p[1] : p[0] == 0xef ? 0xfeffu : 0x2000u | (p[2] - 0x80u);

            sw_buf_printf(b, "\\u%04x", cp);
            s += l - 1;
        } else {
            sw_buf_append(b, s, 1);
        }
    }
    sw_buf_puts(b, "\"");
}

/* Appends s to a comment line: one line of text whatever it holds. */
static void comment_text(struct sw_buf *b, const char *s)
{
    char *t = sw_xstrdup(s);

    for (char *c = t; *c; c++) {
        if (*c == '\n' || *c == '\r' || *c == '\t') {
            *c = ' ';
        }
    }
    sw_str_sanitize(t);
    for (char *c = t; *c; c++) {
        size_t l = yaml_break_len(c);

        if (l > 0) {
            memset(c, '?', l); /* one '?' per byte: still UTF-8, still one line */
            c += l - 1;
        }
    }
    sw_buf_puts(b, t);
    free(t);
}

static int check_freshness(const char *f, struct sw_buf *err)
{
    int64_t ms;

    if (f && (f[0] == '\0' || strspn(f, "0123456789abcdefghijklmnopqrstuvwxyz") != strlen(f) ||
              sw_duration_parse(f, &ms) < 0 || ms > MAX_FRESHNESS_MS)) {
        sw_buf_puts(err, "bad freshness ");
        shown(err, f, strlen(f));
        sw_buf_puts(err, " (a duration such as 15m, at most 3650d)");
        return -EINVAL;
    }
    return 0;
}

int sw_juju_fragment(const struct sw_juju_status *s, const char *source_name, const char *freshness,
                     struct sw_buf *out, struct sw_buf *err)
{
    size_t n_services = 0, u = 0;

    if (check_freshness(freshness, err) < 0) {
        return -EINVAL;
    }
    if (s->n_apps == 0) {
        sw_buf_puts(err, "no applications in the model");
        return -EINVAL;
    }
    if (s->n_units == 0) {
        sw_buf_puts(err, "no units in the model");
        return -EINVAL;
    }
    for (size_t i = 0; i < s->n_apps; i++) {
        n_services += s->apps[i].n_units > 0;
    }

    sw_buf_puts(out, "# Written by `stackward import juju` from Juju model ");
    comment_text(out, s->model ? s->model : "(unnamed)");
    if (s->controller || s->cloud) {
        sw_buf_puts(out, " (");
        if (s->controller) {
            sw_buf_puts(out, "controller ");
            comment_text(out, s->controller);
        }
        if (s->controller && s->cloud) {
            sw_buf_puts(out, ", ");
        }
        if (s->cloud) {
            sw_buf_puts(out, "cloud ");
            comment_text(out, s->cloud);
        }
        sw_buf_puts(out, ")");
    }
    if (source_name) {
        sw_buf_puts(out, ",\n# read from ");
        comment_text(out, source_name);
    }
    sw_buf_printf(out,
                  ".\n# %zu services (one per application), %zu passive checks (one per unit, "
                  "named as\n"
                  "# the juju check names its results). Include this file in a deployment "
                  "with\n"
                  "# `include: FILE`; import again when applications or units change.\n",
                  n_services, s->n_units);
    for (size_t i = 0; i < s->n_apps; i++) {
        const struct sw_juju_app *a = &s->apps[i];

        if (a->n_units == 0) {
            sw_buf_puts(out, "# ");
            comment_text(out, a->name);
            sw_buf_puts(out, ": no units, so no service (a service needs a check)\n");
            continue;
        }
        sw_buf_puts(out, "- id: ");
        yaml_scalar(out, a->service_id);
        sw_buf_puts(out, "\n  name: ");
        yaml_scalar(out, a->name);
        sw_buf_puts(out, "\n  aggregate: all\n  checks:\n");
        /* units are sorted by application name, as apps are: they come in the same order */
        while (u < s->n_units && strcmp(s->units[u].app, a->name) < 0) {
            u++;
        }
        for (; u < s->n_units && strcmp(s->units[u].app, a->name) == 0; u++) {
            sw_buf_puts(out, "    - {id: ");
            yaml_scalar(out, s->units[u].check_id);
            sw_buf_puts(out, ", type: passive");
            if (freshness) {
                sw_buf_printf(out, ", freshness: %s", freshness);
            }
            sw_buf_puts(out, "}\n");
        }
    }
    return 0;
}
