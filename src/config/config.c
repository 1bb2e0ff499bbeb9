/* SPDX-License-Identifier: Apache-2.0 */
/* config.c: the public face of config.h: reading the file, parsing (tree.c) and building
 * (load.c), the flat check and service arrays with their sorted lookup indexes, check
 * fingerprints, contract, objective and token lookups, health indicator names, reference
 * counting and freeing. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "config/config_int.h"

const char *sw_check_type_name(enum sw_check_type t)
{
    static const char *const names[] = {"http",     "tcp",        "exec",       "passive",
                                        "keystone", "kubernetes", "prometheus", "juju"};

    return (unsigned)t < SW_CHECK_TYPE_COUNT ? names[t] : "unknown";
}

const char *sw_deployment_kind_name(enum sw_deployment_kind k)
{
    static const char *const names[] = {"openstack", "kubernetes", "ceph", "other"};

    return (unsigned)k <= SW_KIND_OTHER ? names[k] : "unknown";
}

const char *sw_channel_type_name(enum sw_channel_type t)
{
    static const char *const names[] = {"webhook", "email", "command"};

    return (unsigned)t <= SW_CHANNEL_COMMAND ? names[t] : "unknown";
}

/* ---- fingerprints ---- */

static uint64_t fp_bytes(uint64_t h, const void *p, size_t n)
{
    return n ? sw_hash64(p, n, h) : h;
}

static uint64_t fp_i64(uint64_t h, int64_t x)
{
    return fp_bytes(h, &x, sizeof(x));
}

/* Length-prefixed, with NULL distinct from "", so that no two settings run together. */
static uint64_t fp_str(uint64_t h, const char *s)
{
    if (!s) {
        return fp_i64(h, -1);
    }
    size_t n = strlen(s);
    h = fp_i64(h, (int64_t)n);
    return fp_bytes(h, s, n);
}

uint64_t sw_cfg_check_fingerprint(const struct sw_check_conf *ck)
{
    uint64_t h = 14695981039346656037ULL;

    h = fp_i64(h, ck->type);
    h = fp_i64(h, ck->interval_ms);
    h = fp_i64(h, ck->retry_interval_ms);
    h = fp_i64(h, ck->timeout_ms);
    h = fp_i64(h, ck->max_attempts);
    h = fp_i64(h, ck->flap.enabled);
    h = fp_i64(h, ck->flap.low_pct);
    h = fp_i64(h, ck->flap.high_pct);

    h = fp_str(h, ck->url);
    h = fp_str(h, ck->method);
    h = fp_i64(h, (int64_t)ck->n_headers);
    for (size_t i = 0; i < ck->n_headers; i++) {
        h = fp_str(h, ck->headers[i]);
    }
    h = fp_str(h, ck->body);
    h = fp_i64(h, (int64_t)ck->n_expect_status);
    for (size_t i = 0; i < ck->n_expect_status; i++) {
        h = fp_i64(h, ck->expect_status[i]);
    }
    h = fp_str(h, ck->expect_body);
    h = fp_i64(h, ck->warn_latency_ms);
    h = fp_i64(h, ck->crit_latency_ms);
    h = fp_i64(h, ck->cert_warn_days);
    h = fp_i64(h, ck->cert_crit_days);
    h = fp_i64(h, ck->follow_redirects);
    h = fp_i64(h, ck->tls_verify);
    h = fp_str(h, ck->ca_file);
    h = fp_str(h, ck->client_cert);
    h = fp_str(h, ck->client_key);
    h = fp_str(h, ck->username);
    h = fp_str(h, ck->password);
    h = fp_str(h, ck->bearer_token);
    h = fp_i64(h, (int64_t)ck->max_body);

    h = fp_str(h, ck->host);
    h = fp_i64(h, ck->port);
    h = fp_str(h, ck->send);
    h = fp_str(h, ck->expect);

    h = fp_i64(h, (int64_t)ck->argc);
    for (size_t i = 0; i < ck->argc; i++) {
        h = fp_str(h, ck->argv[i]);
    }

    h = fp_i64(h, ck->freshness_ms);
    h = fp_i64(h, ck->stale_state);
    h = fp_str(h, ck->derived_from);
    if (ck->keystone) {
        const struct sw_keystone_conf *ks = ck->keystone;
        const char *const strs[] = {ks->auth_url,    ks->user,           ks->user_id,
                                    ks->user_domain, ks->user_domain_id, ks->project,
                                    ks->project_id,  ks->project_domain, ks->project_domain_id,
                                    ks->app_cred_id, ks->app_cred_name,  ks->app_cred_secret,
                                    ks->region};
        for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
            h = fp_str(h, strs[i]);
        }
        h = fp_i64(h, (int64_t)ks->n_interfaces);
        for (size_t i = 0; i < ks->n_interfaces; i++) {
            h = fp_str(h, ks->interfaces[i]);
        }
        h = fp_i64(h, (int64_t)ks->n_services);
        for (size_t i = 0; i < ks->n_services; i++) {
            h = fp_str(h, ks->services[i]);
        }
        h = fp_i64(h, ks->discover_ms);
    }
    h = fp_i64(h, ck->k8s_nodes);
    h = fp_str(h, ck->query);
    h = fp_str(h, ck->warn_cond);
    h = fp_str(h, ck->crit_cond);
    return h;
}

/* ---- freeing ---- */

static void free_secret(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

static void free_check(struct sw_check_conf *ck)
{
    free(ck->id);
    free(ck->path);
    free(ck->url);
    free(ck->method);
    for (size_t i = 0; i < ck->n_headers; i++) {
        free(ck->headers[i]);
    }
    free(ck->headers);
    free(ck->body);
    free(ck->expect_status);
    free(ck->expect_body);
    pcre2_code_free(ck->expect_body_re);
    free(ck->ca_file);
    free(ck->client_cert);
    free(ck->client_key);
    free(ck->username);
    free_secret(ck->password);
    free_secret(ck->bearer_token);
    free(ck->host);
    free(ck->send);
    free(ck->expect);
    for (size_t i = 0; i < ck->argc; i++) {
        free(ck->argv[i]);
    }
    free(ck->argv);
    free(ck->derived_from);
    free(ck->query);
    free(ck->warn_cond);
    free(ck->crit_cond);
    if (ck->keystone) {
        struct sw_keystone_conf *ks = ck->keystone;
        char *strs[] = {ks->auth_url,    ks->user,           ks->user_id,
                        ks->user_domain, ks->user_domain_id, ks->project,
                        ks->project_id,  ks->project_domain, ks->project_domain_id,
                        ks->app_cred_id, ks->app_cred_name,  ks->region};
        for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
            free(strs[i]);
        }
        free_secret(ks->app_cred_secret);
        free_strv(ks->interfaces, ks->n_interfaces);
        free_strv(ks->services, ks->n_services);
        free(ks);
    }
}

static void free_contract(struct sw_contract_conf *ct)
{
    for (size_t i = 0; i < ct->n_objectives; i++) {
        struct sw_objective_conf *o = &ct->objectives[i];
        for (size_t j = 0; j < o->n_services; j++) {
            free(o->services[j]);
        }
        free(o->services);
        free(o->rules);
    }
    free(ct->objectives);
    free(ct->credits);
    free(ct->id);
    free(ct->timezone);
}

static void free_channel(struct sw_channel_conf *ch)
{
    free(ch->id);
    if (ch->url_secret) {
        free_secret(ch->url);
    } else {
        free(ch->url);
    }
    free(ch->smtp);
    free(ch->from);
    for (size_t i = 0; i < ch->n_to; i++) {
        free(ch->to[i]);
    }
    free(ch->to);
    free_secret(ch->username);
    free_secret(ch->password);
    for (size_t i = 0; i < ch->argc; i++) {
        free(ch->argv[i]);
    }
    free(ch->argv);
}

static void free_oncall(struct sw_config *c)
{
    for (size_t i = 0; i < c->n_channels; i++) {
        free_channel(&c->channels[i]);
    }
    free(c->channels);
    for (size_t i = 0; i < c->n_engineers; i++) {
        struct sw_engineer_conf *en = &c->engineers[i];
        for (size_t j = 0; j < en->n_contacts; j++) {
            free(en->contacts[j].address);
        }
        free(en->contacts);
        free(en->id);
        free(en->name);
        free(en->timezone);
    }
    free(c->engineers);
    for (size_t i = 0; i < c->n_rotations; i++) {
        free(c->rotation_confs[i].id);
        free(c->rotation_confs[i].timezone);
        free(c->rotation_confs[i].participants);
        free(c->rotation_confs[i].overrides);
    }
    free(c->rotation_confs);
    free(c->rotations);
    for (size_t i = 0; i < c->n_escalations; i++) {
        free(c->escalations[i].id);
        free(c->escalations[i].steps);
    }
    free(c->escalations);
    for (size_t i = 0; i < c->n_tokens; i++) {
        free(c->tokens[i].id);
    }
    free(c->tokens);
}

void sw_cfg_free(struct sw_config *c)
{
    if (!c) {
        return;
    }
    free_oncall(c);
    for (size_t i = 0; i < c->n_calendars; i++) {
        free(c->calendars[i].id);
        sw_cal_release(&c->calendars[i].cal);
    }
    free(c->calendars);
    free(c->calendar_24x7.id);
    sw_cal_release(&c->calendar_24x7.cal);
    for (size_t i = 0; i < c->n_contracts; i++) {
        free_contract(&c->contracts[i]);
    }
    free(c->contracts);
    for (size_t i = 0; i < c->n_maintenance; i++) {
        free(c->maintenance[i].scope);
        free(c->maintenance[i].timezone);
        free(c->maintenance[i].reason);
    }
    free(c->maintenance);
    for (size_t i = 0; i < c->n_customers; i++) {
        struct sw_customer_conf *cu = &c->customers[i];
        for (size_t j = 0; j < cu->n_deployments; j++) {
            struct sw_deployment_conf *d = &cu->deployments[j];
            for (size_t k = 0; k < d->n_services; k++) {
                struct sw_service_conf *sv = &d->services[k];
                for (size_t m = 0; m < sv->n_checks; m++) {
                    free_check(&sv->checks[m]);
                }
                free(sv->checks);
                free(sv->depends_on);
                free(sv->id);
                free(sv->path);
                free(sv->name);
            }
            free(d->services);
            free_strv(d->includes, d->n_includes);
            free(d->id);
            free(d->path);
            free(d->region);
            free(d->timezone);
        }
        free(cu->deployments);
        free(cu->id);
        free(cu->name);
        free(cu->contract_id);
        free(cu->timezone);
    }
    free(c->customers);
    free(c->checks);
    free(c->services);
    free(c->check_index);
    free(c->service_index);
    free(c->customer_index);
    free(c->alertmanager.customer_label);
    free(c->alertmanager.deployment_label);
    free(c->alertmanager.service_label);
    free(c->alertmanager.check_label);
    free(c->alertmanager.severity_label);
    free_strv(c->alertmanager.sev_values, c->alertmanager.n_sev);
    free(c->alertmanager.sev_states);
    free(c->alertmanager.catch_all);
    free(c->file);
    free(c->text);
    free(c->listen);
    free(c->tls_cert);
    free_secret(c->tls_key);
    free(c->database);
    if (c->database_password) {
        explicit_bzero(c->database_password, strlen(c->database_password));
    }
    free(c->database_password);
    free(c->incidents.public_url);
    free(c);
}

struct sw_config *sw_config_ref(struct sw_config *c)
{
    if (c) {
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    }
    return c;
}

void sw_config_unref(struct sw_config *c)
{
    if (c && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        sw_cfg_free(c);
    }
}

/* ---- flat arrays and lookups ---- */

static int check_cmp(const void *a, const void *b)
{
    return strcmp((*(struct sw_check_conf *const *)a)->path,
                  (*(struct sw_check_conf *const *)b)->path);
}

static int service_cmp(const void *a, const void *b)
{
    return strcmp((*(struct sw_service_conf *const *)a)->path,
                  (*(struct sw_service_conf *const *)b)->path);
}

static int customer_cmp(const void *a, const void *b)
{
    return strcmp((*(struct sw_customer_conf *const *)a)->id,
                  (*(struct sw_customer_conf *const *)b)->id);
}

static int check_key(const void *key, const void *elem)
{
    return strcmp(key, (*(struct sw_check_conf *const *)elem)->path);
}

static int service_key(const void *key, const void *elem)
{
    return strcmp(key, (*(struct sw_service_conf *const *)elem)->path);
}

static int customer_key(const void *key, const void *elem)
{
    return strcmp(key, (*(struct sw_customer_conf *const *)elem)->id);
}

/* Runs only on a configuration without errors: every id and path is set. */
static void index_config(struct sw_config *c)
{
    size_t nc = 0, ns = 0;

    for (size_t i = 0; i < c->n_customers; i++) {
        for (size_t j = 0; j < c->customers[i].n_deployments; j++) {
            struct sw_deployment_conf *d = &c->customers[i].deployments[j];
            ns += d->n_services;
            for (size_t k = 0; k < d->n_services; k++) {
                nc += d->services[k].n_checks;
            }
        }
    }
    c->checks = sw_xcalloc(nc + 1, sizeof(*c->checks));
    c->services = sw_xcalloc(ns + 1, sizeof(*c->services));
    c->customer_index = sw_xcalloc(c->n_customers + 1, sizeof(*c->customer_index));
    for (size_t i = 0; i < c->n_customers; i++) {
        c->customer_index[i] = &c->customers[i];
        for (size_t j = 0; j < c->customers[i].n_deployments; j++) {
            struct sw_deployment_conf *d = &c->customers[i].deployments[j];
            for (size_t k = 0; k < d->n_services; k++) {
                struct sw_service_conf *sv = &d->services[k];
                sv->index = c->n_services;
                c->services[c->n_services++] = sv;
                for (size_t m = 0; m < sv->n_checks; m++) {
                    sv->checks[m].fingerprint = sw_cfg_check_fingerprint(&sv->checks[m]);
                    sv->checks[m].index = c->n_checks;
                    c->checks[c->n_checks++] = &sv->checks[m];
                }
            }
        }
    }
    c->check_index = sw_xcalloc(nc + 1, sizeof(*c->check_index));
    c->service_index = sw_xcalloc(ns + 1, sizeof(*c->service_index));
    memcpy(c->check_index, c->checks, nc * sizeof(*c->checks));
    memcpy(c->service_index, c->services, ns * sizeof(*c->services));
    qsort(c->check_index, nc, sizeof(*c->check_index), check_cmp);
    qsort(c->service_index, ns, sizeof(*c->service_index), service_cmp);
    qsort(c->customer_index, c->n_customers, sizeof(*c->customer_index), customer_cmp);
}

struct sw_check_conf *sw_config_find_check(const struct sw_config *c, const char *path)
{
    struct sw_check_conf **p;

    if (!c || !path || !c->n_checks) {
        return NULL;
    }
    p = bsearch(path, c->check_index, c->n_checks, sizeof(*p), check_key);
    return p ? *p : NULL;
}

struct sw_service_conf *sw_config_find_service(const struct sw_config *c, const char *path)
{
    struct sw_service_conf **p;

    if (!c || !path || !c->n_services) {
        return NULL;
    }
    p = bsearch(path, c->service_index, c->n_services, sizeof(*p), service_key);
    return p ? *p : NULL;
}

struct sw_customer_conf *sw_config_find_customer(const struct sw_config *c, const char *id)
{
    struct sw_customer_conf **p;

    if (!c || !id || !c->n_customers) {
        return NULL;
    }
    p = bsearch(id, c->customer_index, c->n_customers, sizeof(*p), customer_key);
    return p ? *p : NULL;
}

const struct sw_deployment_conf *sw_config_find_deployment(const struct sw_config *c,
                                                           const char *path)
{
    const char *slash = path ? strchr(path, '/') : NULL;
    const struct sw_customer_conf *cu;
    char id[256];

    if (!slash || (size_t)(slash - path) >= sizeof(id)) {
        return NULL;
    }
    memcpy(id, path, (size_t)(slash - path));
    id[slash - path] = '\0';
    cu = sw_config_find_customer(c, id);
    for (size_t i = 0; cu && i < cu->n_deployments; i++) {
        if (strcmp(cu->deployments[i].path, path) == 0) {
            return &cu->deployments[i];
        }
    }
    return NULL;
}

struct sw_contract_conf *sw_config_find_contract(const struct sw_config *c, const char *id)
{
    if (!c || !id) {
        return NULL;
    }
    /* a handful of contracts: a scan is enough */
    for (size_t i = 0; i < c->n_contracts; i++) {
        if (c->contracts[i].id && strcmp(c->contracts[i].id, id) == 0) {
            return &c->contracts[i];
        }
    }
    return NULL;
}

/* Scans: a handful of calendars. */
const struct sw_calendar_conf *sw_config_find_calendar(const struct sw_config *c, const char *id)
{
    if (!c || !id) {
        return NULL;
    }
    if (c->calendar_24x7.id && strcmp(c->calendar_24x7.id, id) == 0) {
        return &c->calendar_24x7;
    }
    for (size_t i = 0; i < c->n_calendars; i++) {
        if (c->calendars[i].id && strcmp(c->calendars[i].id, id) == 0) {
            return &c->calendars[i];
        }
    }
    return NULL;
}

const struct sw_support_conf *sw_config_support_for(const struct sw_contract_conf *ct, int severity)
{
    if (!ct || severity < SW_SUPPORT_SEVERITY_MIN || severity > SW_SUPPORT_SEVERITY_MAX ||
        !ct->support[severity - 1].set) {
        return NULL;
    }
    return &ct->support[severity - 1];
}

const struct sw_objective_conf *sw_config_objective_for(const struct sw_config *c,
                                                        const struct sw_service_conf *s)
{
    const struct sw_contract_conf *ct;
    char name[160];
    int n;

    (void)c; /* the service points to its customer, which points to its contract */
    if (!s || !s->customer || !s->deployment || !s->customer->contract) {
        return NULL;
    }
    ct = s->customer->contract;
    n = snprintf(name, sizeof(name), "%s/%s", s->deployment->id, s->id);
    if (n < 0 || (size_t)n >= sizeof(name)) {
        return NULL; /* ids are at most 64 bytes each: cannot happen */
    }
    for (size_t i = 0; i < ct->n_objectives; i++) {
        const struct sw_objective_conf *o = &ct->objectives[i];
        for (size_t j = 0; j < o->n_services; j++) {
            if (fnmatch(o->services[j], name, FNM_PATHNAME) == 0) {
                return o;
            }
        }
    }
    return NULL;
}

/* ---- on call ---- */

/* Scans: a team has tens of engineers and a handful of channels, rotations and policies. */
const struct sw_engineer_conf *sw_config_find_engineer(const struct sw_config *c, const char *id)
{
    for (size_t i = 0; c && id && i < c->n_engineers; i++) {
        if (c->engineers[i].id && strcmp(c->engineers[i].id, id) == 0) {
            return &c->engineers[i];
        }
    }
    return NULL;
}

const struct sw_channel_conf *sw_config_find_channel(const struct sw_config *c, const char *id)
{
    for (size_t i = 0; c && id && i < c->n_channels; i++) {
        if (c->channels[i].id && strcmp(c->channels[i].id, id) == 0) {
            return &c->channels[i];
        }
    }
    return NULL;
}

const struct sw_rotation_conf *sw_config_find_rotation(const struct sw_config *c, const char *id)
{
    for (size_t i = 0; c && id && i < c->n_rotations; i++) {
        if (c->rotation_confs[i].id && strcmp(c->rotation_confs[i].id, id) == 0) {
            return &c->rotation_confs[i];
        }
    }
    return NULL;
}

const struct sw_escalation_conf *sw_config_find_escalation(const struct sw_config *c,
                                                           const char *id)
{
    for (size_t i = 0; c && id && i < c->n_escalations; i++) {
        if (c->escalations[i].id && strcmp(c->escalations[i].id, id) == 0) {
            return &c->escalations[i];
        }
    }
    return NULL;
}

/* Every token is compared in full, a match or not: the time taken tells a caller nothing
 * about how close a guess came. */
const struct sw_token_conf *sw_config_find_token(const struct sw_config *c,
                                                 const unsigned char sha256[32])
{
    const struct sw_token_conf *hit = NULL;

    for (size_t i = 0; c && sha256 && i < c->n_tokens; i++) {
        if (CRYPTO_memcmp(c->tokens[i].sha256, sha256, sizeof(c->tokens[i].sha256)) == 0) {
            hit = &c->tokens[i];
        }
    }
    return hit;
}

const struct sw_escalation_conf *sw_config_escalation_for(const struct sw_config *c,
                                                          const struct sw_service_conf *s)
{
    (void)c; /* the service points to its deployment and customer */
    if (!s) {
        return NULL;
    }
    if (s->escalation) {
        return s->escalation;
    }
    if (s->deployment && s->deployment->escalation) {
        return s->deployment->escalation;
    }
    return s->customer ? s->customer->escalation : NULL;
}

/* ---- loading ---- */

/* The directory of name, absolute when it exists; NULL for a name without a directory
 * that cannot be resolved either (relative paths then stay relative). */
static char *base_dir(const char *name)
{
    const char *slash = strrchr(name, '/');
    char *dir, *real;

    if (!slash) {
        dir = sw_xstrdup(".");
    } else if (slash == name) {
        dir = sw_xstrdup("/");
    } else {
        dir = sw_xstrndup(name, (size_t)(slash - name));
    }
    real = realpath(dir, NULL);
    if (real) {
        free(dir);
        return real;
    }
    if (!slash) {
        free(dir);
        return NULL;
    }
    return dir;
}

static int parse_derived(const char *name, const char *text, size_t len, const struct sw_derived *v,
                         size_t n, struct sw_buf *errors, struct sw_config **ret_config)
{
    struct sw_cfg_errors e = {.file = name};
    struct sw_cfg_expansion x = {0};
    struct sw_cfg_node *root = NULL;
    struct sw_config *c = NULL;
    char *base = NULL;
    int r;

    if (len > SW_CFG_MAX_BYTES) {
        sw_cfg_errors_add(&e, 1, 1, "the document is larger than 16 MiB");
        r = -EINVAL;
        goto out;
    }
    r = sw_cfg_tree_parse(text, len, &e, &root);
    if (r < 0) {
        goto out;
    }
    base = base_dir(name);
    r = sw_cfg_expand(root, base, v, n, &e, &x);
    if (r < 0) {
        goto out;
    }
    c = sw_xcalloc(1, sizeof(*c));
    c->file = sw_xstrdup(name);
    c->text = sw_xstrndup(text, len);
    c->text_len = len;
    c->refs = 1;
    r = sw_cfg_build(root, base, &e, c);
    if (r < 0 || e.n || e.dropped) {
        r = -EINVAL;
        goto out;
    }
    index_config(c);
    *ret_config = c;
    c = NULL;
out:
    sw_cfg_errors_flush(&e, errors);
    sw_cfg_expansion_release(&x);
    sw_cfg_tree_free(root);
    sw_cfg_free(c);
    free(base);
    return r;
}

int sw_config_parse(const char *name, const char *text, size_t len, struct sw_buf *errors,
                    struct sw_config **ret_config)
{
    return parse_derived(name, text, len, NULL, 0, errors, ret_config);
}

int sw_config_derive(const struct sw_config *base, const struct sw_derived *v, size_t n,
                     struct sw_buf *errors, struct sw_config **ret_config)
{
    return parse_derived(base->file, base->text ? base->text : "", base->text_len, v, n, errors,
                         ret_config);
}

int sw_config_load(const char *file, struct sw_buf *errors, struct sw_config **ret_config)
{
    return sw_config_load_derived(file, NULL, 0, errors, ret_config);
}

int sw_config_load_derived(const char *file, const struct sw_derived *v, size_t n,
                           struct sw_buf *errors, struct sw_config **ret_config)
{
    size_t len = 0;
    int err = 0, r;
    char *text = sw_cfg_read_file(file, &len, &err);

    if (!text) {
        if (errors) {
            sw_buf_printf(errors, "%s: cannot read: %s\n", file, strerror(err));
        }
        return -err;
    }
    r = parse_derived(file, text, len, v, n, errors, ret_config);
    free(text);
    return r;
}
