/* SPDX-License-Identifier: Apache-2.0 */
/* alertmanager_parse.c: the pure half of the Alertmanager webhook receiver (alertmanager.h):
 * the payload parser (jansson) and the mapping of an alert to a check path, state and output.
 * No I/O, so it is fuzzed alone (tests/fuzz/fuzz_alertmanager.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "api/alertmanager.h"

/* Longest output line of sw_am_map_alert() (bytes, without the NUL). */
#define MAX_OUTPUT_LEN 1024
/* Go's zero time.Time, which Alertmanager sends for an unset endsAt: 0001-01-01T00:00:00Z. */
#define GO_ZERO_TIME INT64_C(-62135596800)

static void free_strv(char **v, size_t n)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

static void alert_release(struct sw_am_alert *a)
{
    free(a->status);
    free_strv(a->label_names, a->n_labels);
    free_strv(a->label_values, a->n_labels);
    free_strv(a->annot_names, a->n_annots);
    free_strv(a->annot_values, a->n_annots);
    free(a->fingerprint);
    free(a->generator_url);
    memset(a, 0, sizeof(*a));
}

void sw_am_payload_release(struct sw_am_payload *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n_alerts; i++) {
        alert_release(&p->alerts[i]);
    }
    free(p->alerts);
    free(p->version);
    free(p->status);
    free(p->receiver);
    free(p->group_key);
    free(p->external_url);
    memset(p, 0, sizeof(*p));
}

/* Appends s quoted as JSON, at most 64 bytes of it, control characters replaced: error
 * messages stay one line of text whatever the body held. */
static void put_quoted(struct sw_buf *b, const char *s)
{
    size_t n = strnlen(s, 64);
    char *t;

    while (n > 0 && n < strlen(s) && ((unsigned char)s[n] & 0xc0) == 0x80) {
        n--; /* cut before a continuation byte, never inside a character */
    }
    t = sw_xstrndup(s, n);
    sw_str_sanitize(t);
    sw_buf_json_str(b, t);
    free(t);
}

/* Appends a JSON key as part of a field path (alerts[0].labels.KEY). */
static void put_key(struct sw_buf *b, const char *s)
{
    size_t n = strnlen(s, 64);
    char *t = sw_xstrndup(s, n);

    sw_str_sanitize(t);
    sw_buf_puts(b, t);
    free(t);
}

/* An optional string field of o: *ret = a copy, NULL when absent or null. */
static int opt_string(json_t *o, const char *key, const char *where, char **ret, struct sw_buf *err)
{
    json_t *j = json_object_get(o, key);

    *ret = NULL;
    if (!j || json_is_null(j)) {
        return 0;
    }
    if (!json_is_string(j)) {
        sw_buf_printf(err, "%s%s: not a string", where, key);
        return -EINVAL;
    }
    *ret = sw_xstrdup(json_string_value(j));
    return 0;
}

struct pair {
    const char *name;
    const char *value;
};

static int cmp_pair(const void *a, const void *b)
{
    return strcmp(((const struct pair *)a)->name, ((const struct pair *)b)->name);
}

/* The object o of string values (labels or annotations) into sorted name and value arrays. */
static int parse_kv(json_t *o, size_t i, const char *field, char ***ret_names, char ***ret_values,
                    size_t *ret_n, struct sw_buf *err)
{
    size_t n = json_object_size(o), k = 0;
    struct pair *v = n ? sw_xcalloc(n, sizeof(*v)) : NULL;
    const char *key;
    json_t *val;

    json_object_foreach(o, key, val)
    {
        if (!json_is_string(val)) {
            sw_buf_printf(err, "alerts[%zu].%s.", i, field);
            put_key(err, key);
            sw_buf_puts(err, ": not a string");
            free(v);
            return -EINVAL;
        }
        v[k].name = key;
        v[k].value = json_string_value(val);
        k++;
    }
    if (k > 1) {
        qsort(v, k, sizeof(*v), cmp_pair);
    }
    *ret_names = k ? sw_xcalloc(k, sizeof(char *)) : NULL;
    *ret_values = k ? sw_xcalloc(k, sizeof(char *)) : NULL;
    for (size_t j = 0; j < k; j++) {
        (*ret_names)[j] = sw_xstrdup(v[j].name);
        (*ret_values)[j] = sw_xstrdup(v[j].value);
    }
    *ret_n = k;
    free(v);
    return 0;
}

/* startsAt/endsAt: RFC 3339 with up to nanoseconds, kept to the ms. */
static int parse_time(json_t *o, size_t i, const char *key, int64_t *ret_ms, struct sw_buf *err)
{
    json_t *j = json_object_get(o, key);
    const char *s, *frac;
    int64_t t, ms = 0;

    *ret_ms = 0;
    if (!j || json_is_null(j)) {
        return 0;
    }
    if (!json_is_string(j)) {
        sw_buf_printf(err, "alerts[%zu].%s: not a string", i, key);
        return -EINVAL;
    }
    s = json_string_value(j);
    /* RFC 3339 wants the seconds, which sw_time_parse() would let go */
    if (sw_time_parse(s, &t) < 0 || strlen(s) < 19 || s[16] != ':') {
        sw_buf_printf(err, "alerts[%zu].%s: ", i, key);
        put_quoted(err, s);
        sw_buf_puts(err, " is not an RFC 3339 time");
        return -EINVAL;
    }
    if (t == GO_ZERO_TIME) {
        return 0;
    }
    if (t < 0 || t > INT64_MAX / 1000 - 1) {
        sw_buf_printf(err, "alerts[%zu].%s: ", i, key);
        put_quoted(err, s);
        sw_buf_puts(err, " is out of range (before 1970)");
        return -EINVAL;
    }
    /* sw_time_parse() drops the fraction; it starts right after "YYYY-MM-DDTHH:MM:SS". */
    frac = s + 19;
    if (*frac == '.' || *frac == ',') {
        frac++;
        for (int d = 0; d < 3; d++) {
            ms = ms * 10 + (frac[0] >= '0' && frac[0] <= '9' ? frac[0] - '0' : 0);
            if (frac[0] >= '0' && frac[0] <= '9') {
                frac++;
            }
        }
    }
    *ret_ms = t * 1000 + ms;
    return 0;
}

static int parse_alert(json_t *o, size_t i, struct sw_am_alert *a, struct sw_buf *err)
{
    char where[48];
    json_t *j;
    int r;

    if (!json_is_object(o)) {
        sw_buf_printf(err, "alerts[%zu]: not an object", i);
        return -EINVAL;
    }
    j = json_object_get(o, "status");
    if (!j) {
        sw_buf_printf(err, "alerts[%zu].status: missing", i);
        return -EINVAL;
    }
    if (!json_is_string(j)) {
        sw_buf_printf(err, "alerts[%zu].status: not a string", i);
        return -EINVAL;
    }
    if (strcmp(json_string_value(j), "firing") != 0 &&
        strcmp(json_string_value(j), "resolved") != 0) {
        sw_buf_printf(err, "alerts[%zu].status: ", i);
        put_quoted(err, json_string_value(j));
        sw_buf_puts(err, " is neither \"firing\" nor \"resolved\"");
        return -EINVAL;
    }
    a->status = sw_xstrdup(json_string_value(j));

    j = json_object_get(o, "labels");
    if (!json_is_object(j)) {
        sw_buf_printf(err, "alerts[%zu].labels: %s", i, j ? "not an object" : "missing");
        return -EINVAL;
    }
    r = parse_kv(j, i, "labels", &a->label_names, &a->label_values, &a->n_labels, err);
    if (r < 0) {
        return r;
    }
    j = json_object_get(o, "annotations");
    if (j && !json_is_null(j)) {
        if (!json_is_object(j)) {
            sw_buf_printf(err, "alerts[%zu].annotations: not an object", i);
            return -EINVAL;
        }
        r = parse_kv(j, i, "annotations", &a->annot_names, &a->annot_values, &a->n_annots, err);
        if (r < 0) {
            return r;
        }
    }
    r = parse_time(o, i, "startsAt", &a->starts_at_ms, err);
    if (r < 0) {
        return r;
    }
    r = parse_time(o, i, "endsAt", &a->ends_at_ms, err);
    if (r < 0) {
        return r;
    }
    snprintf(where, sizeof(where), "alerts[%zu].", i);
    r = opt_string(o, "fingerprint", where, &a->fingerprint, err);
    if (r < 0) {
        return r;
    }
    return opt_string(o, "generatorURL", where, &a->generator_url, err);
}

int sw_am_parse(const char *body, size_t len, struct sw_am_payload *ret, struct sw_buf *err)
{
    json_error_t jerr;
    json_t *root;
    json_t *j, *alerts;
    size_t n;
    int r = -EINVAL;

    memset(ret, 0, sizeof(*ret));
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        sw_buf_json_error(err, jerr.line, jerr.column, jerr.text);
        return -EINVAL;
    }
    if (!json_is_object(root)) {
        sw_buf_puts(err, "the body is not a JSON object");
        goto out;
    }
    j = json_object_get(root, "version");
    if (!j) {
        sw_buf_puts(
            err, "unsupported payload version: \"version\" is missing (Alertmanager sends \"4\")");
        goto out;
    }
    if (!json_is_string(j) || strcmp(json_string_value(j), "4") != 0) {
        sw_buf_puts(err, "unsupported payload version ");
        if (json_is_string(j)) {
            put_quoted(err, json_string_value(j));
        } else {
            sw_buf_puts(err, "(not a string)");
        }
        sw_buf_puts(err, " (this receiver reads version \"4\")");
        goto out;
    }
    ret->version = sw_xstrdup("4");
    if (opt_string(root, "status", "", &ret->status, err) < 0 ||
        opt_string(root, "receiver", "", &ret->receiver, err) < 0 ||
        opt_string(root, "groupKey", "", &ret->group_key, err) < 0 ||
        opt_string(root, "externalURL", "", &ret->external_url, err) < 0) {
        goto out;
    }
    alerts = json_object_get(root, "alerts");
    if (!json_is_array(alerts)) {
        sw_buf_printf(err, "alerts: %s", alerts ? "not an array" : "missing");
        goto out;
    }
    n = json_array_size(alerts);
    ret->alerts = n ? sw_xcalloc(n, sizeof(*ret->alerts)) : NULL;
    for (size_t i = 0; i < n; i++) {
        /* counted first, so a release after a failure here frees the half-built alert */
        ret->n_alerts = i + 1;
        r = parse_alert(json_array_get(alerts, i), i, &ret->alerts[i], err);
        if (r < 0) {
            goto out;
        }
    }
    r = 0;
out:
    if (r < 0) {
        sw_am_payload_release(ret);
    }
    json_decref(root);
    return r;
}

/* Binary search in the sorted names. */
static const char *lookup(char **names, char **values, size_t n, const char *name)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(names[mid], name);

        if (c == 0) {
            return values[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

const char *sw_am_label(const struct sw_am_alert *a, const char *name)
{
    return lookup(a->label_names, a->label_values, a->n_labels, name);
}

const char *sw_am_annotation(const struct sw_am_alert *a, const char *name)
{
    return lookup(a->annot_names, a->annot_values, a->n_annots, name);
}

/* "none" is the severity of the usual Watchdog (kube-prometheus), firing all the time. */
static const char *const default_sev_values[] = {"critical", "warning", "info", "none"};
static const enum sw_state default_sev_states[] = {SW_CRITICAL, SW_WARNING, SW_OK, SW_OK};

void sw_am_map_defaults(struct sw_am_map *m)
{
    m->customer_label = "customer";
    m->deployment_label = "deployment";
    m->service_label = "service";
    m->check_label = "alertname";
    m->severity_label = "severity";
    m->sev_values = default_sev_values;
    m->sev_states = default_sev_states;
    m->n_sev = sizeof(default_sev_values) / sizeof(default_sev_values[0]);
    m->catch_all = NULL;
}

/* Appends at most room bytes of s to b as one line: tab, CR and LF become blanks, other
 * control characters and invalid UTF-8 '?'. */
static void put_line(struct sw_buf *b, const char *s, size_t room)
{
    size_t n = strlen(s);
    char *t;

    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
            n--; /* never cut inside a character */
        }
    }
    t = sw_xstrndup(s, n);
    for (char *p = t; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t') {
            *p = ' ';
        }
    }
    sw_str_sanitize(t);
    sw_buf_puts(b, t);
    free(t);
}

/* s (owned) made one line of at most max bytes, returned: see put_line(). */
static char *one_line(char *s, size_t max)
{
    struct sw_buf b;

    sw_buf_init(&b);
    put_line(&b, s, max);
    free(s);
    return sw_buf_steal(&b);
}

static enum sw_state severity_state(const struct sw_am_map *m, const struct sw_am_alert *a)
{
    const char *sev = m->severity_label ? sw_am_label(a, m->severity_label) : NULL;

    if (!sev) {
        return SW_CRITICAL;
    }
    for (size_t i = 0; i < m->n_sev; i++) {
        if (strcasecmp(m->sev_values[i], sev) == 0) {
            return m->sev_states[i];
        }
    }
    return SW_CRITICAL;
}

/* The alert's name for messages: check label, alertname, fingerprint or "(unnamed)". */
static const char *alert_name(const struct sw_am_map *m, const struct sw_am_alert *a)
{
    const char *s = m->check_label ? sw_am_label(a, m->check_label) : NULL;

    if (!s || !s[0]) {
        s = sw_am_label(a, "alertname");
    }
    if (!s || !s[0]) {
        s = a->fingerprint;
    }
    return s && s[0] ? s : "(unnamed)";
}

int sw_am_map_alert(const struct sw_am_map *m, const struct sw_am_alert *a, char **ret_path,
                    enum sw_state *ret_state, char **ret_output, struct sw_buf *why)
{
    const char *names[4] = {m->customer_label, m->deployment_label, m->service_label,
                            m->check_label};
    char ids[4][65];
    struct sw_buf out;
    const char *text, *alertname;
    int bad = -1; /* the first of the four labels that is missing or unusable */
    bool resolved = a->status && strcmp(a->status, "resolved") == 0;

    for (int i = 0; i < 4; i++) {
        const char *v = names[i] ? sw_am_label(a, names[i]) : NULL;

        if (!v || sw_id_from(v, ids[i], sizeof(ids[i])) == 0) {
            ids[i][0] = '\0';
            if (bad < 0) {
                bad = i;
            }
        }
    }
    if (bad >= 0 && !m->catch_all) {
        const char *v = names[bad] ? sw_am_label(a, names[bad]) : NULL;

        sw_buf_puts(why, "alert '");
        put_line(why, alert_name(m, a), 128);
        if (!v) {
            sw_buf_printf(why, "' has no label '%s'", names[bad] ? names[bad] : "(none)");
        } else {
            sw_buf_printf(why, "': label '%s' (", names[bad]);
            put_quoted(why, v);
            sw_buf_puts(why, ") gives no usable id");
        }
        sw_buf_puts(why, " and no catch_all is configured");
        return -ENOENT;
    }

    if (bad >= 0) {
        *ret_path = sw_xasprintf("%s/%s", m->catch_all, ids[3][0] ? ids[3] : "alert");
    } else {
        *ret_path = sw_xasprintf("%s/%s/%s/%s", ids[0], ids[1], ids[2], ids[3]);
    }
    *ret_state = resolved ? SW_OK : severity_state(m, a);

    sw_buf_init(&out);
    sw_buf_puts(&out, resolved ? "[RESOLVED] " : "[FIRING] ");
    alertname = sw_am_label(a, "alertname");
    text = sw_am_annotation(a, "summary");
    if (!text || !text[0]) {
        text = sw_am_annotation(a, "description");
    }
    if (!text || !text[0]) {
        text = sw_am_annotation(a, "message");
    }
    if (text && text[0]) {
        sw_buf_puts(&out, text);
        if (alertname && alertname[0]) {
            sw_buf_printf(&out, " (%s)", alertname);
        }
    } else {
        sw_buf_puts(&out, alert_name(m, a));
    }
    /* made one line of text and cut as a whole, so a long summary never leaves half of
     * the parenthesis behind */
    *ret_output = sw_buf_steal(&out);
    *ret_output = one_line(*ret_output, MAX_OUTPUT_LEN);
    return 0;
}
