/* SPDX-License-Identifier: Apache-2.0 */
/* config.h: the YAML configuration file turned into a frozen, validated registry of
 * customers -> deployments -> services -> checks, their contracts and maintenance, and the
 * on-call team (engineers, channels, rotations, escalation policies). Plain data: open
 * structs, built once by sw_config_load(), never changed after, shared by reference count
 * (probes in flight keep the configuration they started with alive across a reload). */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cases/cases.h"
#include "core/core.h"
#include "health/health.h"
#include "ops/ops.h"

enum sw_check_type {
    SW_CHECK_HTTP = 0,
    SW_CHECK_TCP = 1,
    SW_CHECK_EXEC = 2,
    SW_CHECK_PASSIVE = 3,
    SW_CHECK_KEYSTONE = 4,   /* log in to Keystone, discover and probe the catalog's endpoints */
    SW_CHECK_KUBERNETES = 5, /* the API server's /readyz and /livez, item by item; nodes */
    SW_CHECK_PROMETHEUS = 6, /* an instant PromQL query and conditions on its result */
    SW_CHECK_JUJU = 7,       /* a command printing `juju status --format=json`: one result a unit */
};
#define SW_CHECK_TYPE_COUNT 8
/* "http", "tcp", "exec", "passive", "keystone", "kubernetes", "prometheus", "juju" */
const char *sw_check_type_name(enum sw_check_type t);

enum sw_aggregate {
    SW_AGG_ALL = 0,    /* OK only when every check is OK: the worst state */
    SW_AGG_ANY = 1,    /* OK when any check is OK: the best state */
    SW_AGG_QUORUM = 2, /* OK when at least quorum checks are OK */
};

enum sw_deployment_kind {
    SW_KIND_OPENSTACK = 0,
    SW_KIND_KUBERNETES = 1,
    SW_KIND_CEPH = 2,
    SW_KIND_OTHER = 3,
};
const char *sw_deployment_kind_name(enum sw_deployment_kind k);

struct sw_service_conf;
struct sw_deployment_conf;
struct sw_customer_conf;
struct sw_escalation_conf;

/* Flap detection thresholds, percent state change over the last 21 results. */
struct sw_flap_conf {
    bool enabled; /* default true */
    int low_pct;  /* flapping stops below this (default 5) */
    int high_pct; /* flapping starts above this (default 20) */
};

/* A keystone check's login and discovery (keystone.md). Exactly one way to name the user
 * (user_id, or user with user_domain or user_domain_id) unless an application credential by
 * id is used; the project likewise, or none (an unscoped token has no catalog). */
struct sw_keystone_conf {
    char *auth_url; /* "http://127.0.0.1:5000/v3", no trailing '/' */
    char *user;
    char *user_id;
    char *user_domain;
    char *user_domain_id;
    char *project;
    char *project_id;
    char *project_domain;
    char *project_domain_id;
    char *app_cred_id;     /* application credentials: by id, */
    char *app_cred_name;   /* or by name with the user */
    char *app_cred_secret; /* secret, read from a file or the environment */
    char **interfaces;     /* public, internal, admin (default: public only) */
    size_t n_interfaces;
    char *region;    /* or NULL: every region */
    char **services; /* catalog types to watch, or none: all */
    size_t n_services;
    int64_t discover_ms; /* `discover.every` (default 10m) */
};

struct sw_check_conf {
    char *id;   /* "keystone-http" */
    char *path; /* "acme/fra1/identity/keystone-http" */
    enum sw_check_type type;
    int line; /* where the check starts in the file, 1-based */
    int col;

    int64_t interval_ms;       /* run every (default defaults.interval, 60s) */
    int64_t retry_interval_ms; /* while soft (default defaults.retry_interval, 15s) */
    int64_t timeout_ms;        /* default defaults.timeout, 10s */
    int max_attempts;          /* soft -> hard after this many non-OK results (passive: 1) */
    struct sw_flap_conf flap;

    /* http */
    char *url;
    char *method;   /* default "GET" */
    char **headers; /* "Name: value" lines */
    size_t n_headers;
    char *body;         /* request body or NULL */
    int *expect_status; /* default {200..399}: n_expect_status == 0 means any 2xx/3xx */
    size_t n_expect_status;
    char *expect_body;          /* the PCRE2 source, or NULL */
    pcre2_code *expect_body_re; /* compiled at load */
    int64_t warn_latency_ms;    /* 0: none */
    int64_t crit_latency_ms;    /* 0: none */
    int cert_warn_days;         /* -1: none */
    int cert_crit_days;         /* -1: none */
    bool follow_redirects;      /* default false */
    bool tls_verify;            /* default true */
    char *ca_file;
    char *client_cert;
    char *client_key;
    char *username;     /* basic auth */
    char *password;     /* basic auth, read from password_file / password_env at load */
    char *bearer_token; /* read from token_file / token_env at load */
    size_t max_body;    /* response bytes kept for expect_body (default 64 KiB) */

    /* tcp */
    char *host;
    int port;
    char *send;   /* bytes to send after connect, C escapes \r \n \t \\ decoded, or NULL */
    char *expect; /* substring expected in the reply, or NULL */

    /* exec */
    char **argv; /* NULL-terminated; argv[0] is an absolute path */
    size_t argc;

    /* passive */
    int64_t freshness_ms;      /* 0: never stale */
    enum sw_state stale_state; /* `stale:` the state once stale (default UNKNOWN) */
    /* A check made at run time, not written in the file: the path of the check whose runs
     * report it (a keystone endpoint, a readyz item, a Juju unit), or "alertmanager" for one
     * created by an alert. NULL for checks of the file. Derived checks are passive. */
    char *derived_from;

    /* keystone */
    struct sw_keystone_conf *keystone;
    /* kubernetes (url, bearer_token, ca_file, tls_verify, client_cert/key as for http) */
    bool k8s_nodes; /* `nodes: true`: one result per node's Ready condition */
    /* prometheus (url is Prometheus's base URL; auth and TLS as for http) */
    char *query;
    char *warn_cond; /* "nonempty", "empty" or "> 0.9" style; NULL: none */
    char *crit_cond;
    /* juju: argv as for exec, printing `juju status --format=json` */

    uint64_t fingerprint; /* hash of every setting above: equal means unchanged on reload */
    size_t index;         /* position in the config's flat checks array */

    struct sw_service_conf *service; /* back pointers, owned by the config */
    struct sw_deployment_conf *deployment;
    struct sw_customer_conf *customer;
};

/* How a service's outages become incidents. The top-level `incidents:` block gives the
 * defaults; a service's own `incident:` block overrides them key by key (resolved at load:
 * every service holds complete settings). */
struct sw_incident_conf {
    unsigned on_states;      /* bit (1u << state) for each hard state that opens an incident;
                                default CRITICAL only; never OK */
    int severity;            /* 1 .. 4: the service's `incident.severity`, else its contract's
                                `severity`, else the top-level default (3) */
    bool auto_resolve;       /* hard recovery resolves (default); false: "recovered", awaiting
                                someone's confirmation */
    int64_t reopen_within_s; /* a failure within this long of the resolve re-opens the same
                                incident (default 15m; 0: never) */
};

struct sw_service_conf {
    char *id;
    char *path;   /* "acme/fra1/identity" */
    char *name;   /* display name, defaults to id */
    size_t index; /* position in the config's flat services array */
    enum sw_aggregate aggregate;
    int quorum; /* for SW_AGG_QUORUM, 1..n_checks */
    struct sw_check_conf *checks;
    size_t n_checks;
    int line;
    int col;
    struct sw_deployment_conf *deployment;
    struct sw_customer_conf *customer;
    const struct sw_escalation_conf *escalation; /* its own policy, or NULL: see
                                                    sw_config_escalation_for() */
    struct sw_incident_conf incident;            /* complete, defaults applied */
    /* `depends_on`: the services this one needs (ids of the same deployment, or full paths);
     * no service depends on itself, directly or through others (a cycle is an error) */
    struct sw_service_conf **depends_on;
    size_t n_depends_on;
};

struct sw_deployment_conf {
    char *id;
    /* `include:` files (absolute), each a list of services appended to `services`, as
     * `stackward import juju` writes them */
    char **includes;
    size_t n_includes;
    char *path; /* "acme/fra1" */
    enum sw_deployment_kind kind;
    char *region;              /* or NULL */
    char *timezone;            /* IANA name, default "UTC" */
    int max_concurrent_checks; /* 0: only the global limit */
    struct sw_service_conf *services;
    size_t n_services;
    struct sw_customer_conf *customer;
    const struct sw_escalation_conf *escalation; /* its own policy, or NULL */
};

/* ---- SLA: contracts and maintenance (none of it enters a check's fingerprint) ---- */

/* How UNKNOWN time (and time without any result) counts towards availability. */
enum sw_unknown_policy {
    SW_UNKNOWN_EXCLUDED = 0, /* not eligible: neither up nor down (the default) */
    SW_UNKNOWN_DOWN = 1,     /* eligible and down */
    SW_UNKNOWN_UP = 2,       /* eligible and up */
};

/* One multi-window burn-rate rule: fires when the burn rate over both the long and the short
 * window exceeds factor. */
struct sw_burn_rule_conf {
    int page;              /* 1: page, 0: ticket */
    int64_t long_s;        /* long window, s (> short_s) */
    int64_t short_s;       /* short window, s (> 0) */
    uint32_t factor_milli; /* burn-rate threshold in thousandths: 14.4 -> 14400 */
};

/* One availability objective of a contract. */
struct sw_objective_conf {
    char **services;     /* fnmatch(3) globs (FNM_PATHNAME) over "deployment/service" */
    size_t n_services;   /* >= 1 */
    uint32_t target_ppm; /* 1 .. 1,000,000 (99.95 % = 999,500) */
    /* The burn-rate rules; n_rules == 0 means the default table: page 1h/5m at 14.4, page
     * 6h/30m at 6, ticket 1d/2h at 3, ticket 3d/6h at 1 (rules is then NULL). */
    struct sw_burn_rule_conf *rules;
    size_t n_rules;
    int line; /* where the objective starts in the file, 1-based */
    int col;
};

/* A service-credit tier: availability below below_ppm earns credit_ppm of the monthly fee.
 * Tiers are sorted by below_ppm strictly descending, credit_ppm strictly ascending. */
struct sw_credit_tier_conf {
    uint32_t below_ppm;  /* 1 .. 1,000,000 */
    uint32_t credit_ppm; /* 1 .. 1,000,000 (10 % = 100,000) */
};

/* A business calendar: cal is valid (sw_cal_validate()). The built-in 24x7 calendar
 * is one too: id "24x7", cal.always, line 0. */
struct sw_calendar_conf {
    char *id;
    struct sw_calendar cal;
    int line; /* where the calendar starts in the file, 1-based; 0 for the built-in */
    int col;
};

#define SW_SUPPORT_SEVERITY_MIN 1
#define SW_SUPPORT_SEVERITY_MAX 4

/* The support terms of one case severity: goals in business seconds on calendar. */
struct sw_support_conf {
    bool set;                                /* the contract has terms for this severity */
    int64_t first_response_s;                /* s, 1s .. 3650d */
    int64_t update_s;                        /* s, 1s .. 3650d; 0: no update cadence */
    int64_t resolution_s;                    /* s, 1s .. 3650d */
    const struct sw_calendar_conf *calendar; /* into the config's calendars, or its 24x7 */
    int line;
    int col;
};

struct sw_contract_conf {
    char *id;
    char *timezone;    /* IANA name for period boundaries; NULL: the customer's timezone */
    int64_t rolling_s; /* rolling period, s (1d .. 400d); 0: the calendar month (default) */
    struct sw_objective_conf *objectives;
    size_t n_objectives;            /* 0 only when the contract has support terms */
    enum sw_unknown_policy unknown; /* default SW_UNKNOWN_EXCLUDED */
    bool warning_is_down;           /* WARNING counts as down (default false: CRITICAL only) */
    int64_t min_outage_s;           /* s; a down run shorter than this counts as up (default 0) */
    struct sw_credit_tier_conf *credits;
    size_t n_credits; /* 0: no credits */
    /* Support terms, support[severity - 1]; n_support of them are set (0: none). */
    struct sw_support_conf support[SW_SUPPORT_SEVERITY_MAX];
    size_t n_support;
    bool auto_case_on_incident; /* an incident opens a severity-1 case (default false) */
    int severity;               /* `severity: sev1..sev4`: incidents of its customer's services;
                                   0: not set */
    int burn_incidents;         /* `burn_incidents: true|false`: page burn-rate alerts open
                                   incidents; -1: not set (the top-level default applies) */
    /* `case_escalation: POLICY`: a case timer of this contract reaching its warning share
     * opens an incident paged through POLICY; NULL: cases page nobody */
    const struct sw_escalation_conf *case_escalation;
    uint32_t warn_ppm; /* share of a goal that warns, 1 .. 1e6 (default 75 %) */
    int line;
    int col;
};

struct sw_customer_conf {
    char *id;
    char *name; /* defaults to id */
    struct sw_deployment_conf *deployments;
    size_t n_deployments;
    char *contract_id;                           /* or NULL */
    struct sw_contract_conf *contract;           /* the contract named by contract_id, or NULL */
    char *timezone;                              /* IANA name, default "UTC" */
    int64_t fee_minor;                           /* monthly fee in minor units (cents); -1: none */
    char currency[4];                            /* ISO 4217 code ("EUR"), "" when no fee */
    const struct sw_escalation_conf *escalation; /* its policy, or NULL */
    bool status_public; /* `status_page: {public: true}`: /status/ID needs no sign-in */
};

/* A maintenance window from the configuration: one-off (start, end) or weekly. */
struct sw_maint_conf {
    char *scope;   /* "acme", "acme/fra1" or "acme/fra1/identity"; it exists */
    bool weekly;   /* false: one-off [start, end) */
    int64_t start; /* one-off: Unix s, UTC */
    int64_t end;   /* one-off: Unix s, UTC, > start */
    int weekday;   /* weekly: 0 = sunday .. 6 = saturday */
    int start_s;   /* weekly: local start, s after local midnight (0 .. 86340; "02:00" = 7200) */
    int64_t duration_s; /* weekly: s, 1 .. 7 days */
    /* IANA name. Weekly: never NULL: as written, else the scope's deployment's timezone (for
     * a deployment or service scope), else the customer's. One-off: as written or NULL; it
     * plays no part (start and end carry their zone). */
    char *timezone;
    char *reason;  /* or NULL */
    bool excluded; /* default true: taken out of the SLA; false: shown but counted */
    int line;
    int col;
};

/* ---- on call: engineers, channels, rotations, escalation policies ----
 * Every id below is unique in its list and every reference between them was checked at load.
 * Secrets (webhook URLs from url_file / url_env, SMTP passwords) are read at load; they are
 * never to be printed, logged or served. */

enum sw_channel_type {
    SW_CHANNEL_WEBHOOK = 0,
    SW_CHANNEL_EMAIL = 1,
    SW_CHANNEL_COMMAND = 2,
};
const char *sw_channel_type_name(enum sw_channel_type t); /* "webhook", "email", "command" */

enum sw_webhook_format {
    SW_WEBHOOK_JSON = 0,  /* stackward's own JSON document */
    SW_WEBHOOK_SLACK = 1, /* {"text": ...}, which Slack and Mattermost accept */
};

struct sw_channel_conf {
    char *id;
    enum sw_channel_type type;
    /* webhook */
    char *url;                     /* http(s) URL; a secret when url_secret */
    bool url_secret;               /* read from url_file or url_env: never show it */
    enum sw_webhook_format format; /* default json */
    /* email */
    char *smtp;     /* "smtp://host:port" (STARTTLS when offered) or "smtps://host:port" */
    char *from;     /* sender address */
    char **to;      /* recipients for a channel target (a list); NULL-terminated */
    size_t n_to;    /* 0 .. 32; 0: only the engineers' own addresses */
    char *username; /* SMTP auth user, or NULL */
    char *password; /* SMTP auth password from password_file / password_env, or NULL */
    /* command */
    char **argv; /* NULL-terminated; argv[0] is an absolute path to an executable */
    size_t argc;
    int line; /* where the channel starts in the file, 1-based */
    int col;
};

/* When a contact may be used (`when:`). Quiet rules never silence a sev1 incident, and never
 * leave an engineer with no contact at all: when every contact is quiet, all are used. */
enum sw_contact_when {
    SW_CONTACT_ALWAYS = 0,        /* default */
    SW_CONTACT_WORKING_HOURS = 1, /* only inside the engineer's working hours */
    SW_CONTACT_OFF_HOURS = 2,     /* only outside them */
};

/* How an engineer is reached on one channel. */
struct sw_contact_conf {
    const struct sw_channel_conf *channel; /* into the config's channels */
    char *address; /* an email address, a chat handle...; or NULL: the channel's default */
    enum sw_contact_when when;
};

struct sw_engineer_conf {
    char *id;
    char *name;     /* defaults to id */
    char *timezone; /* IANA name, default "UTC" */
    bool has_working_hours;
    unsigned work_days;   /* working_hours.days: bit 0 = Sunday .. bit 6 = Saturday */
    int32_t work_start_s; /* local start, s after midnight ("09:00" = 32400) */
    int32_t work_end_s;   /* local end, s after midnight, > work_start_s */
    struct sw_contact_conf *contacts;
    size_t n_contacts; /* 0 .. 16 */
    int line;
    int col;
};

/* A rotation: rot is ready for the functions of ops.h; its strings point into this struct
 * (id, timezone) and into the config's engineers (participants, override engineers). */
struct sw_rotation_conf {
    struct sw_rotation rot;
    char *id;
    char *timezone;
    const char **participants;     /* engineer ids, borrowed */
    struct sw_override *overrides; /* engineers borrowed */
    int line;
    int col;
};

/* An escalation policy: policy is ready for ops.h; step targets name a rotation, engineer or
 * channel of this config. */
struct sw_escalation_conf {
    struct sw_esc_policy policy;
    char *id;
    struct sw_esc_step *steps; /* policy.n_steps of them; target ids borrowed */
    int line;
    int col;
};

/* The top-level `incidents:` block. */
struct sw_incidents_conf {
    struct sw_incident_conf defaults; /* on, severity, auto_resolve, reopen_within */
    char *public_url;       /* base of incident links, no trailing slash; default "http://" +
                               listen; links are PUBLIC_URL/api/v1/incidents/ID */
    bool notify_resolved;   /* tell those notified when the incident is resolved (default true) */
    int retry_attempts;     /* `retry.attempts`: attempts per notification, 1 .. 20 (default 4) */
    int64_t retry_base_ms;  /* `retry.base`: first back-off (default 30s) */
    int64_t retry_cap_ms;   /* `retry.cap`: longest back-off, >= base (default 10m) */
    int storm_threshold;    /* `storm.threshold`: incidents in one deployment within
                               storm.window that make a storm (default 5; 0: off) */
    int64_t storm_window_s; /* `storm.window` (default 5m) */
    int64_t storm_wait_s;   /* `storm.wait`: how long a storm's notifications wait to be
                               grouped (default 30s) */
    bool burn_rate;         /* `burn_rate`: page burn-rate alerts open incidents (default false);
                               a contract's burn_incidents overrides it */
};

/* An API token (`tokens:`): the secret is read from token_file or token_env at load and kept
 * only as its SHA-256. Exactly one of customer and engineer is set. */
struct sw_token_conf {
    char *id;
    const struct sw_customer_conf *customer; /* a customer's token: its own cases only */
    const struct sw_engineer_conf *engineer; /* an engineer's token: acts as that engineer */
    unsigned char sha256[32];
    int line;
    int col;
};

/* The top-level `alertmanager:` block: how alerts of the webhook receiver name checks. */
struct sw_alertmanager_conf {
    char *customer_label;   /* default "customer" */
    char *deployment_label; /* default "deployment" */
    char *service_label;    /* default "service" */
    char *check_label;      /* default "alertname" */
    char *severity_label;   /* default "severity" */
    char **sev_values;      /* `severity:` label value -> state of a firing alert; others and
                               none: CRITICAL */
    enum sw_state *sev_states;
    size_t n_sev;
    char *catch_all; /* a service path ("acme/fra1/alerts") for alerts missing a label, or NULL */
};

/* A check made at run time (see sw_check_conf.derived_from), as the store keeps them. */
struct sw_derived {
    char *path;   /* "acme/fra1/compute/public-RegionOne" */
    char *parent; /* the check that reports it, or "alertmanager" */
    int64_t freshness_ms;
};

struct sw_config {
    char *file; /* the path it was loaded from */
    char *text; /* the file's text as loaded (for sw_config_derive()) */
    size_t text_len;
    char *listen;                /* "127.0.0.1:8080" (default) */
    char *tls_cert;              /* `tls.cert_file`: the certificate chain (PEM text), or NULL */
    char *tls_key;               /* `tls.key_file`: its private key (PEM text; a secret), or NULL */
    char *database;              /* "/var/lib/stackward/stackward.db", or a store URI */
    char *database_password;     /* `database.password_file` / `_env` (a secret), or NULL */
    size_t database_buffer;      /* `database.buffer`: raw results held while the database is
                                    away (0: the store's default) */
    int64_t retention_results_s; /* raw results kept this long (default 14d) */
    int64_t cluster_lease_ms;    /* `cluster.lease`: shard and leader leases (default 10s) */
    int64_t cluster_renew_ms;    /* `cluster.renew`: renewed this often (default 2s) */
    int max_concurrent_checks;   /* global limit on checks in flight (default 10000) */
    int max_concurrent_exec;     /* global limit on plugins running (default 32) */
    size_t max_request_body;     /* API request body limit, bytes (default 1 MiB) */
    size_t max_output;           /* bytes of check output kept (default 4096) */
    enum sw_log_level log_level; /* default info */

    struct sw_customer_conf *customers;
    size_t n_customers;

    struct sw_calendar_conf *calendars; /* in file order, without the built-in */
    size_t n_calendars;
    struct sw_calendar_conf calendar_24x7; /* the built-in "24x7" */
    struct sw_contract_conf *contracts;    /* in file order */
    size_t n_contracts;
    struct sw_maint_conf *maintenance; /* in file order */
    size_t n_maintenance;

    struct sw_engineer_conf *engineers; /* in file order */
    size_t n_engineers;
    struct sw_channel_conf *channels; /* in file order */
    size_t n_channels;
    struct sw_rotation_conf *rotation_confs; /* in file order */
    size_t n_rotations;
    /* rotation_confs[i].rot for every i, side by side, for sw_esc_target_resolve() and
     * sw_ics_export(), which take an array */
    struct sw_rotation *rotations;
    struct sw_escalation_conf *escalations; /* in file order */
    size_t n_escalations;
    struct sw_incidents_conf incidents;

    struct sw_alertmanager_conf alertmanager; /* defaults when the file has no block */

    struct sw_token_conf *tokens; /* in file order */
    size_t n_tokens;
    int64_t change_failure_window_s; /* `changes.failure_window`: an incident on the deployment
                                        this soon after a change finished makes it failed
                                        (default 1h; 0: only the change's own result) */
    /* `health.thresholds`: green, amber and flat of every indicator of health.h, the defaults
     * of sw_health_default_threshold() where the file says nothing */
    struct sw_health_threshold thresholds[SW_HEALTH_INDICATORS];

    /* Every check and service in file order, pointing into the tree above. */
    struct sw_check_conf **checks;
    size_t n_checks;
    struct sw_service_conf **services;
    size_t n_services;

    int refs; /* atomic; starts at 1 */

    /* Private to src/config: the lookup indexes, sorted by path (customers by id). */
    struct sw_check_conf **check_index;
    struct sw_service_conf **service_index;
    struct sw_customer_conf **customer_index;
};

/* Loads and validates file. On success *ret_config owns a new config (release with
 * sw_config_unref()). On failure *ret_config is untouched, every problem found is appended
 * to errors (may be NULL) as one "FILE:LINE:COL: message\n" line each, sorted by position,
 * and -EINVAL (bad content) is returned; an unreadable file gives "FILE: cannot read:
 * REASON\n" and -errno. Unknown keys, duplicate ids, bad durations, URLs, timezones,
 * missing secrets are all errors. Relative paths in the file resolve against its directory;
 * secret files and variables are read here. docs/configuration.md lists every key. */
int sw_config_load(const char *file, struct sw_buf *errors, struct sw_config **ret_config);
/* The same from len bytes of text in memory (at most 16 MiB); name is used in messages and
 * its directory (the current one when name has none) anchors relative paths. */
int sw_config_parse(const char *name, const char *text, size_t len, struct sw_buf *errors,
                    struct sw_config **ret_config);

/* A configuration like base (the same file text, read again) with the derived checks of v
 * added: each becomes a passive check with its derived_from and freshness, in a service of
 * the path's id that is created (aggregate all) when the deployment has none. Items whose
 * deployment no longer exists, or whose check is written in the file already, are left
 * out (the file wins). -EINVAL with errors as sw_config_parse() (the file may have changed
 * for the worse underneath: secrets, includes). */
int sw_config_derive(const struct sw_config *base, const struct sw_derived *v, size_t n,
                     struct sw_buf *errors, struct sw_config **ret_config);
/* sw_config_load() followed by the derived checks of v, in one step. */
int sw_config_load_derived(const char *file, const struct sw_derived *v, size_t n,
                           struct sw_buf *errors, struct sw_config **ret_config);
void sw_derived_release(struct sw_derived *v, size_t n); /* frees the strings and v */

struct sw_config *sw_config_ref(struct sw_config *c);
void sw_config_unref(struct sw_config *c); /* NULL-safe; frees at zero */

/* Lookups by path; NULL when absent. */
struct sw_check_conf *sw_config_find_check(const struct sw_config *c, const char *path);
struct sw_service_conf *sw_config_find_service(const struct sw_config *c, const char *path);
struct sw_customer_conf *sw_config_find_customer(const struct sw_config *c, const char *id);
/* The deployment at path ("acme/fra1"), or NULL. */
const struct sw_deployment_conf *sw_config_find_deployment(const struct sw_config *c,
                                                           const char *path);
struct sw_contract_conf *sw_config_find_contract(const struct sw_config *c, const char *id);
/* A calendar by id, "24x7" included; NULL when absent. */
const struct sw_calendar_conf *sw_config_find_calendar(const struct sw_config *c, const char *id);
/* The support terms of ct for severity (1..4); NULL when ct is NULL, has none for it, or
 * severity is out of range. */
const struct sw_support_conf *sw_config_support_for(const struct sw_contract_conf *ct,
                                                    int severity);

/* The objective that covers service s: the first objective, in file order, of the contract of
 * s's customer with a glob that matches "DEPLOYMENT/SERVICE" (fnmatch(3) with FNM_PATHNAME,
 * so '*' does not cross '/'). NULL when the customer has no contract or nothing matches. */
const struct sw_objective_conf *sw_config_objective_for(const struct sw_config *c,
                                                        const struct sw_service_conf *s);

/* On-call lookups by id; NULL when absent. */
const struct sw_engineer_conf *sw_config_find_engineer(const struct sw_config *c, const char *id);
const struct sw_channel_conf *sw_config_find_channel(const struct sw_config *c, const char *id);
const struct sw_rotation_conf *sw_config_find_rotation(const struct sw_config *c, const char *id);
const struct sw_escalation_conf *sw_config_find_escalation(const struct sw_config *c,
                                                           const char *id);

/* The token whose SHA-256 is sha256, or NULL. */
const struct sw_token_conf *sw_config_find_token(const struct sw_config *c,
                                                 const unsigned char sha256[32]);

/* The escalation policy for incidents of service s: the most specific one named, the
 * service's own, else its deployment's, else its customer's; NULL when none names one. */
const struct sw_escalation_conf *sw_config_escalation_for(const struct sw_config *c,
                                                          const struct sw_service_conf *s);

#endif
