/* SPDX-License-Identifier: Apache-2.0 */
/* test_config_tokens.c: unit tests of src/config for API tokens, the change failure window
 * and the health thresholds: defaults, overrides, tokens read from files and the environment
 * and found by their SHA-256, and every error with its exact "FILE:LINE:COL: message", none
 * of which shows a secret. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "config/config.h"

static struct sw_config *parse_ok(const char *yaml)
{
    struct sw_config *c = NULL;
    struct sw_buf b;
    int r;

    sw_buf_init(&b);
    r = sw_config_parse("t.yaml", yaml, strlen(yaml), &b, &c);
    if (r != 0) {
        print_error("%s", b.data ? b.data : "(no message)");
    }
    assert_int_equal(r, 0);
    assert_non_null(c);
    assert_null(b.data);
    sw_buf_release(&b);
    return c;
}

static void check_errors(const char *yaml, const char *expected)
{
    struct sw_config *c = NULL;
    struct sw_buf b;
    int r;

    sw_buf_init(&b);
    r = sw_config_parse("t.yaml", yaml, strlen(yaml), &b, &c);
    assert_int_equal(r, -EINVAL);
    assert_null(c);
    assert_string_equal(b.data ? b.data : "", expected);
    sw_buf_release(&b);
}

static void sha256(const char *s, unsigned char out[32])
{
    unsigned int n = 0;

    assert_int_equal(EVP_Digest(s, strlen(s), out, &n, EVP_sha256(), NULL), 1);
    assert_int_equal(n, 32);
}

static void assert_threshold(const struct sw_config *c, enum sw_health_indicator i, int64_t green,
                             int64_t amber, int64_t flat)
{
    if (c->thresholds[i].green != green || c->thresholds[i].amber != amber ||
        c->thresholds[i].flat != flat) {
        print_error("%s: %lld/%lld/%lld\n", sw_health_indicator_name(i),
                    (long long)c->thresholds[i].green, (long long)c->thresholds[i].amber,
                    (long long)c->thresholds[i].flat);
    }
    assert_int_equal(c->thresholds[i].green, green);
    assert_int_equal(c->thresholds[i].amber, amber);
    assert_int_equal(c->thresholds[i].flat, flat);
}

static void assert_default_thresholds(const struct sw_config *c)
{
    for (int i = 0; i < SW_HEALTH_INDICATORS; i++) {
        const struct sw_health_threshold *d =
            sw_health_default_threshold((enum sw_health_indicator)i);
        assert_threshold(c, (enum sw_health_indicator)i, d->green, d->amber, d->flat);
        assert_int_equal(c->thresholds[i].higher_is_better, d->higher_is_better);
    }
}

static void test_defaults(void **state)
{
    unsigned char h[32];
    struct sw_config *c;

    (void)state;
    sha256("no-token-configured-here", h);
    c = parse_ok("");
    assert_null(c->tokens);
    assert_int_equal(c->n_tokens, 0);
    assert_int_equal(c->change_failure_window_s, 3600);
    assert_default_thresholds(c);
    assert_null(sw_config_find_token(c, h));
    sw_config_unref(c);

    /* empty blocks leave every default */
    c = parse_ok("tokens: []\nchanges: {}\nhealth: {thresholds: {}}\n");
    assert_int_equal(c->n_tokens, 0);
    assert_int_equal(c->change_failure_window_s, 3600);
    assert_default_thresholds(c);
    sw_config_unref(c);
    c = parse_ok("health: {}\n");
    assert_default_thresholds(c);
    sw_config_unref(c);
}

static void test_overrides(void **state)
{
    struct sw_config *c;

    (void)state;
    c = parse_ok("changes: {failure_window: 0s}\n"
                 "health:\n"
                 "  thresholds:\n"
                 "    mtta: {green: 10m, amber: 1h, flat: 30s}\n"
                 "    after_hours_share: {green: 12.5%, amber: 12.5%}\n"
                 "    incidents_per_shift: {green: 0.5, amber: 2.5}\n"
                 "    shift_breaches: {green: 0, amber: 2}\n"
                 "    unevenness: {green: 0.25, amber: 1000}\n"
                 "    first_response_compliance: {green: 99.5%, amber: 0%, flat: 0.5%}\n"
                 "    backlog_size: {green: 5, amber: 10, flat: 1}\n"
                 "    change_frequency: {green: weekly, amber: monthly}\n"
                 "    time_to_restore: {green: 30m, amber: 1h30m}\n");
    assert_int_equal(c->change_failure_window_s, 0);
    assert_threshold(c, SW_HEALTH_MTTA, 600, 3600, 30);
    assert_threshold(c, SW_HEALTH_AFTER_HOURS, 125000, 125000, 10000);
    assert_threshold(c, SW_HEALTH_INCIDENTS_PER_SHIFT, 500, 2500, 100);
    assert_threshold(c, SW_HEALTH_SHIFT_BREACHES, 0, 2, 0);
    assert_threshold(c, SW_HEALTH_UNEVENNESS, 250000, 1000000000, 50000);
    assert_threshold(c, SW_HEALTH_FIRST_RESPONSE, 995000, 0, 5000);
    assert_threshold(c, SW_HEALTH_BACKLOG_SIZE, 5, 10, 1);
    assert_threshold(c, SW_HEALTH_CHANGE_FREQUENCY, SW_HEALTH_WEEKLY, SW_HEALTH_MONTHLY, 0);
    assert_threshold(c, SW_HEALTH_TIME_TO_RESTORE, 1800, 5400, 300);
    assert_true(c->thresholds[SW_HEALTH_FIRST_RESPONSE].higher_is_better);
    sw_config_unref(c);

    /* one indicator given: the others keep their defaults */
    c = parse_ok("changes: {failure_window: 2h}\n"
                 "health: {thresholds: {mttr: {amber: 45m, green: 20m}}}\n");
    assert_int_equal(c->change_failure_window_s, 7200);
    assert_threshold(c, SW_HEALTH_MTTR, 1200, 2700, 900);
    c->thresholds[SW_HEALTH_MTTR] = *sw_health_default_threshold(SW_HEALTH_MTTR);
    assert_default_thresholds(c);
    sw_config_unref(c);

    c = parse_ok("changes: {failure_window: 30d}\n");
    assert_int_equal(c->change_failure_window_s, 2592000);
    sw_config_unref(c);
    c = parse_ok("changes: {failure_window: 0}\n");
    assert_int_equal(c->change_failure_window_s, 0);
    sw_config_unref(c);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = sw_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0600), 0);
    return path;
}

/* Loads text written as dir/name; returns the errors (NULL when it loaded), freeing the
 * configuration, if any, after the caller's look through *ret_config. */
static char *load_file(const char *dir, const char *name, const char *text,
                       struct sw_config **ret_config)
{
    char *path = write_file(dir, name, text);
    struct sw_buf b;
    int r;

    sw_buf_init(&b);
    *ret_config = NULL;
    r = sw_config_load(path, &b, ret_config);
    assert_int_equal(r, b.data ? -EINVAL : 0);
    unlink(path);
    free(path);
    return b.data ? sw_buf_steal(&b) : NULL;
}

#define PORTAL_SECRET "portal-secret-0123456789"
#define CRLF_SECRET "crlf-secret-0123456789ab"
#define ENV_SECRET "engineer-secret-abcdef0123"

struct tmpdir {
    char tmpl[32];
    char *dir;
    char *real;
    char *files[8];
    size_t n;
};

static void tmpdir_make(struct tmpdir *t)
{
    char long_secret[4098];

    strcpy(t->tmpl, "/tmp/sw-tokens-XXXXXX");
    t->dir = mkdtemp(t->tmpl);
    assert_non_null(t->dir);
    t->real = realpath(t->dir, NULL);
    assert_non_null(t->real);
    t->n = 0;
    t->files[t->n++] = write_file(t->dir, "portal.token", PORTAL_SECRET "\n");
    t->files[t->n++] = write_file(t->dir, "crlf.token", CRLF_SECRET "\r\n");
    t->files[t->n++] = write_file(t->dir, "short.token", "tooshort99\n");
    t->files[t->n++] = write_file(t->dir, "space.token", "has a space in this secret\n");
    t->files[t->n++] = write_file(t->dir, "utf8.token", "caf\xc3\xa9-secret-0123456789\n");
    t->files[t->n++] = write_file(t->dir, "dup.token", PORTAL_SECRET "\n");
    memset(long_secret, 'x', 4097);
    long_secret[4097] = '\0';
    t->files[t->n++] = write_file(t->dir, "long.token", long_secret);
}

static void tmpdir_remove(struct tmpdir *t)
{
    for (size_t i = 0; i < t->n; i++) {
        unlink(t->files[i]);
        free(t->files[i]);
    }
    rmdir(t->dir);
    free(t->real);
}

static void test_tokens(void **state)
{
    unsigned char h[32];
    struct sw_config *c;
    struct tmpdir t;
    char *err;

    (void)state;
    tmpdir_make(&t);
    setenv("SW_TT_ENV", ENV_SECRET, 1);
    err = load_file(t.dir, "sw.yaml",
                    "customers:\n"
                    "  - id: acme\n"
                    "  - id: globex\n"
                    "engineers:\n"
                    "  - id: alice\n"
                    "  - id: bob\n"
                    "tokens:\n"
                    "  - {id: acme-portal, customer: acme, token_file: portal.token}\n"
                    "  - {id: alice-cli, engineer: alice, token_env: SW_TT_ENV}\n"
                    "  - id: globex.crlf\n"
                    "    customer: globex\n"
                    "    token_file: ./crlf.token\n",
                    &c);
    if (err) {
        print_error("%s", err);
    }
    assert_null(err);
    assert_int_equal(c->n_tokens, 3);

    assert_string_equal(c->tokens[0].id, "acme-portal");
    assert_ptr_equal(c->tokens[0].customer, sw_config_find_customer(c, "acme"));
    assert_null(c->tokens[0].engineer);
    assert_int_equal(c->tokens[0].line, 8);
    assert_int_equal(c->tokens[0].col, 5);
    sha256(PORTAL_SECRET, h);
    assert_memory_equal(c->tokens[0].sha256, h, 32);
    assert_ptr_equal(sw_config_find_token(c, h), &c->tokens[0]);

    assert_string_equal(c->tokens[1].id, "alice-cli");
    assert_null(c->tokens[1].customer);
    assert_ptr_equal(c->tokens[1].engineer, sw_config_find_engineer(c, "alice"));
    sha256(ENV_SECRET, h);
    assert_memory_equal(c->tokens[1].sha256, h, 32);
    assert_ptr_equal(sw_config_find_token(c, h), &c->tokens[1]);

    /* the file's "\r\n" is not part of the secret */
    assert_string_equal(c->tokens[2].id, "globex.crlf");
    assert_ptr_equal(c->tokens[2].customer, sw_config_find_customer(c, "globex"));
    assert_int_equal(c->tokens[2].line, 10);
    assert_int_equal(c->tokens[2].col, 5);
    sha256(CRLF_SECRET, h);
    assert_ptr_equal(sw_config_find_token(c, h), &c->tokens[2]);

    /* misses: the newline kept, another secret, no configuration */
    sha256(PORTAL_SECRET "\n", h);
    assert_null(sw_config_find_token(c, h));
    sha256("portal-secret-0123456788", h);
    assert_null(sw_config_find_token(c, h));
    memset(h, 0, sizeof(h));
    assert_null(sw_config_find_token(c, h));
    assert_null(sw_config_find_token(c, NULL));
    sha256(PORTAL_SECRET, h);
    assert_null(sw_config_find_token(NULL, h));
    sw_config_unref(c);

    unsetenv("SW_TT_ENV");
    tmpdir_remove(&t);
}

static void test_err_token_refs(void **state)
{
    struct sw_config *c;
    struct tmpdir t;
    char *err, *want;

    (void)state;
    tmpdir_make(&t);
    setenv("SW_TT_A", "secret-a-0123456789", 1);
    setenv("SW_TT_B", "secret-b-0123456789", 1);
    setenv("SW_TT_C", "secret-c-0123456789", 1);
    setenv("SW_TT_D", "secret-d-0123456789", 1);
    setenv("SW_TT_E", "secret-e-0123456789", 1);
    setenv("SW_TT_F", "secret-f-0123456789", 1);
    err = load_file(t.dir, "bad.yaml",
                    "customers:\n"
                    "  - id: acme\n"
                    "engineers:\n"
                    "  - id: alice\n"
                    "tokens:\n"
                    "  - {id: t1, customer: nobody, token_env: SW_TT_A}\n"
                    "  - {id: t2, engineer: nobody, token_env: SW_TT_B}\n"
                    "  - {id: t3, customer: acme, engineer: alice, token_env: SW_TT_C}\n"
                    "  - {id: t4, token_env: SW_TT_D}\n"
                    "  - {id: t5, customer: acme, token_file: portal.token, token_env: SW_TT_E}\n"
                    "  - {id: t6, customer: acme}\n"
                    "  - {id: t7, customer: acme, token_file: nope.token}\n"
                    "  - {id: t8, customer: acme, token: inline-secret-0123456789}\n"
                    "  - {id: t1, customer: acme, token_env: SW_TT_F, scope: all}\n"
                    "  - {customer: acme, token_env: SW_TT_UNSET}\n"
                    "  - {id: 'bad id', engineer: [alice], token_env: 'no-such-name'}\n"
                    "  - just-a-string\n",
                    &c);
    assert_null(c);
    want = sw_xasprintf(
        "%1$s/bad.yaml:6:24: unknown customer 'nobody' (not defined under 'customers')\n"
        "%1$s/bad.yaml:7:24: unknown engineer 'nobody' (not defined under 'engineers')\n"
        "%1$s/bad.yaml:8:30: use only one of 'customer' and 'engineer'\n"
        "%1$s/bad.yaml:9:5: a token needs 'customer' or 'engineer'\n"
        "%1$s/bad.yaml:10:56: use only one of 'token_file' and 'token_env'\n"
        "%1$s/bad.yaml:11:5: a token needs 'token_file' or 'token_env'\n"
        "%1$s/bad.yaml:12:42: cannot read token_file '%1$s/nope.token': No such file or "
        "directory\n"
        "%1$s/bad.yaml:13:5: a token needs 'token_file' or 'token_env'\n"
        "%1$s/bad.yaml:13:30: 'token' is not allowed: secrets are never inline (use token_file "
        "or token_env)\n"
        "%1$s/bad.yaml:14:10: duplicate token id 't1' (first at %1$s/bad.yaml:6:10)\n"
        "%1$s/bad.yaml:14:50: unknown key 'scope' in a token\n"
        "%1$s/bad.yaml:15:5: missing required key 'id'\n"
        "%1$s/bad.yaml:15:33: environment variable 'SW_TT_UNSET' (token_env) is not set\n"
        "%1$s/bad.yaml:16:10: bad id 'bad id' (1 to 64 letters, digits, '_', '.' or '-', "
        "starting with a letter or digit)\n"
        "%1$s/bad.yaml:16:30: 'engineer' must be a string, found a list\n"
        "%1$s/bad.yaml:16:50: bad environment variable name 'no-such-name' for 'token_env'\n"
        "%1$s/bad.yaml:17:5: a token must be a mapping, found 'just-a-string'\n",
        t.real);
    assert_string_equal(err, want);
    assert_null(strstr(err, "inline-secret"));
    assert_null(strstr(err, PORTAL_SECRET));
    assert_null(strstr(err, "secret-"));
    free(want);
    free(err);

    /* the list itself */
    check_errors("tokens: {id: x}\n", "t.yaml:1:9: 'tokens' must be a list, found a mapping\n");
    check_errors("tokens:\n", "t.yaml:1:8: 'tokens' must be a list, found nothing\n");

    for (char v = 'A'; v <= 'F'; v++) {
        char name[16];
        snprintf(name, sizeof(name), "SW_TT_%c", v);
        unsetenv(name);
    }
    tmpdir_remove(&t);
}

static void test_err_token_secrets(void **state)
{
    static const char *const secrets[] = {PORTAL_SECRET, "tooshort99",           "has a space",
                                          "caf\xc3\xa9", "xxxxxxxxxxxxxxxx",     "envshort",
                                          "tab\there",   "with space-0123456789"};
    struct sw_config *c;
    struct tmpdir t;
    char *err, *want;

    (void)state;
    tmpdir_make(&t);
    setenv("SW_TT_SHORT", "envshort", 1);
    setenv("SW_TT_EMPTY", "", 1);
    setenv("SW_TT_DUP", PORTAL_SECRET, 1);
    setenv("SW_TT_CTL", "tab\there-0123456789", 1);
    setenv("SW_TT_SPACE", "with space-0123456789", 1);
    err = load_file(t.dir, "secrets.yaml",
                    "customers:\n"
                    "  - id: acme\n"
                    "tokens:\n"
                    "  - {id: a, customer: acme, token_file: short.token}\n"
                    "  - {id: b, customer: acme, token_env: SW_TT_SHORT}\n"
                    "  - {id: c, customer: acme, token_file: space.token}\n"
                    "  - {id: d, customer: acme, token_file: long.token}\n"
                    "  - {id: e, customer: acme, token_file: utf8.token}\n"
                    "  - {id: f, customer: acme, token_env: SW_TT_EMPTY}\n"
                    "  - {id: g, customer: acme, token_file: portal.token}\n"
                    "  - {id: h, customer: acme, token_file: dup.token}\n"
                    "  - {id: i, customer: acme, token_env: SW_TT_DUP}\n"
                    "  - {id: j, customer: acme, token_env: SW_TT_CTL}\n"
                    "  - {id: k, customer: acme, token_env: SW_TT_SPACE}\n",
                    &c);
    assert_null(c);
    want = sw_xasprintf(
        "%1$s/secrets.yaml:4:41: token_file '%1$s/short.token' is too short (at least 16 "
        "bytes)\n"
        "%1$s/secrets.yaml:5:40: environment variable 'SW_TT_SHORT' (token_env) is too short "
        "(at least 16 bytes)\n"
        "%1$s/secrets.yaml:6:41: token_file '%1$s/space.token' contains spaces or characters "
        "that are not printable ASCII\n"
        "%1$s/secrets.yaml:7:41: token_file '%1$s/long.token' is longer than 4096 bytes\n"
        "%1$s/secrets.yaml:8:41: token_file '%1$s/utf8.token' contains spaces or characters "
        "that are not printable ASCII\n"
        "%1$s/secrets.yaml:9:40: environment variable 'SW_TT_EMPTY' (token_env) is empty\n"
        "%1$s/secrets.yaml:11:41: duplicate token secret (first at %1$s/secrets.yaml:10:41)\n"
        "%1$s/secrets.yaml:12:40: duplicate token secret (first at %1$s/secrets.yaml:10:41)\n"
        "%1$s/secrets.yaml:13:40: environment variable 'SW_TT_CTL' (token_env) contains "
        "control characters\n"
        "%1$s/secrets.yaml:14:40: environment variable 'SW_TT_SPACE' (token_env) contains "
        "spaces or characters that are not printable ASCII\n",
        t.real);
    assert_string_equal(err, want);
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
        if (strstr(err, secrets[i])) {
            print_error("secret '%s' shown in:\n%s", secrets[i], err);
        }
        assert_null(strstr(err, secrets[i]));
    }
    free(want);
    free(err);

    unsetenv("SW_TT_SHORT");
    unsetenv("SW_TT_EMPTY");
    unsetenv("SW_TT_DUP");
    unsetenv("SW_TT_CTL");
    unsetenv("SW_TT_SPACE");
    tmpdir_remove(&t);
}

static void test_err_thresholds(void **state)
{
    (void)state;
    check_errors(
        "health:\n"
        "  thresholds:\n"
        "    mtta: {green: 30m, amber: 15m}\n"
        "    first_response_compliance: {green: 90%, amber: 95%}\n"
        "    reopen_rate: {green: 25, amber: 101%}\n"
        "    unknown_one: {green: 1, amber: 2}\n"
        "    mttr: {green: 4h}\n"
        "    incidents_per_shift: {green: 2.5, amber: 2.5001, red: 1}\n"
        "    shift_breaches: {green: -1, amber: 1.5}\n"
        "    mtta: {green: 1m, amber: 2m}\n"
        "    sla_met: 95%\n"
        "    change_frequency: {green: hourly, amber: weekly}\n"
        "    lead_time: {green: 7x, amber: 1500ms}\n",
        "t.yaml:3:19: 'green' (30m) must not be worse than 'amber' (15m): a lower mtta is better\n"
        "t.yaml:4:40: 'green' (90%) must not be worse than 'amber' (95%): a higher "
        "first_response_compliance is better\n"
        "t.yaml:5:26: bad percent '25' for 'green' (a percentage from 0% to 100% with at most 4 "
        "decimals, e.g. 95% or 12.5%)\n"
        "t.yaml:5:37: bad percent '101%' for 'amber' (a percentage from 0% to 100% with at most 4 "
        "decimals, e.g. 95% or 12.5%)\n"
        "t.yaml:6:5: unknown indicator 'unknown_one'\n"
        "t.yaml:7:11: missing required key 'amber'\n"
        "t.yaml:8:46: bad number '2.5001' for 'amber' (from 0 to 1000000 with at most 3 decimals, "
        "e.g. 2.5)\n"
        "t.yaml:8:54: unknown key 'red' in 'incidents_per_shift'\n"
        "t.yaml:9:29: 'green' must be between 0 and 1000000, found '-1'\n"
        "t.yaml:9:40: 'amber' must be an integer, found '1.5'\n"
        "t.yaml:10:5: duplicate key 'mtta' (first at t.yaml:3:5)\n"
        "t.yaml:11:14: 'sla_met' must be a mapping, found '95%'\n"
        "t.yaml:12:31: bad frequency 'hourly' for 'green' (daily, weekly, monthly or yearly)\n"
        "t.yaml:13:24: bad duration '7x' for 'green' (a number with a unit: ms, s, m, h, d, w; "
        "e.g. 30s or 1h30m)\n"
        "t.yaml:13:35: 'amber' must be a whole number of seconds\n");
    check_errors("health: {thresholds: [mtta], colour: red}\n",
                 "t.yaml:1:22: 'thresholds' must be a mapping, found a list\n"
                 "t.yaml:1:30: unknown key 'colour' in 'health'\n");
    check_errors("health: [thresholds]\n",
                 "t.yaml:1:9: 'health' must be a mapping, found a list\n");
    check_errors("health:\n  thresholds:\n    [a]: {green: 1, amber: 2}\n",
                 "t.yaml:3:5: mapping keys must be strings\n");
}

static void test_err_case_escalation(void **state)
{
    (void)state;
    check_errors(
        "contracts:\n"
        "  - id: g\n"
        "    support: [{severity: 1, first_response: 1h, resolution: 24h, calendar: 24x7}]\n"
        "    case_escalation: nosuch\n",
        "t.yaml:4:22: unknown escalation policy 'nosuch' (not defined under "
        "'escalation_policies')\n");
}

static void test_err_changes(void **state)
{
    (void)state;
    check_errors("changes: {failure_window: 31d}\n",
                 "t.yaml:1:27: 'failure_window' must be between 0s and 30d, found '31d'\n");
    check_errors("changes: {failure_window: 1500ms}\n",
                 "t.yaml:1:27: 'failure_window' must be a whole number of seconds\n");
    check_errors("changes: {failure_window: soon, window: 1h}\n",
                 "t.yaml:1:27: bad duration 'soon' for 'failure_window' (a number with a unit: "
                 "ms, s, m, h, d, w; e.g. 30s or 1h30m)\n"
                 "t.yaml:1:33: unknown key 'window' in 'changes'\n");
    check_errors("changes: 1h\n", "t.yaml:1:10: 'changes' must be a mapping, found '1h'\n");
}

/* `database:` as a mapping with its password from the environment, `cluster:` bounds, and a
 * password written in the URI refused. */
static void test_database_cluster(void **state)
{
    struct sw_config *c;

    (void)state;
    c = parse_ok("database: postgresql://stackward@db1:5432/sw\n");
    assert_string_equal(c->database, "postgresql://stackward@db1:5432/sw");
    assert_null(c->database_password);
    assert_int_equal(c->database_buffer, 0);
    assert_int_equal(c->cluster_lease_ms, 10000);
    assert_int_equal(c->cluster_renew_ms, 2000);
    sw_config_unref(c);

    setenv("SW_TEST_DB_PW", "p@ss w:rd", 1);
    c = parse_ok("database:\n"
                 "  uri: postgres://stackward@db1/sw?sslmode=require\n"
                 "  password_env: SW_TEST_DB_PW\n"
                 "  buffer: 5000\n"
                 "cluster: {lease: 30s, renew: 500ms}\n");
    assert_string_equal(c->database, "postgres://stackward@db1/sw?sslmode=require");
    assert_string_equal(c->database_password, "p@ss w:rd");
    assert_int_equal(c->database_buffer, 5000);
    assert_int_equal(c->cluster_lease_ms, 30000);
    assert_int_equal(c->cluster_renew_ms, 500);
    sw_config_unref(c);
    unsetenv("SW_TEST_DB_PW");

    check_errors("database: postgresql://u:secret@db/x\n",
                 "t.yaml:1:11: the database URI holds a password: give it with 'password_file' "
                 "or 'password_env' (database: {uri: ..., password_file: ...})\n");
    check_errors("database: \"postgresql://u@db/x?sslmode=require&password=x\"\n",
                 "t.yaml:1:11: the database URI holds a password: give it with 'password_file' "
                 "or 'password_env' (database: {uri: ..., password_file: ...})\n");
    check_errors("database: {password_env: HOME}\n", "t.yaml:1:11: missing required key 'uri'\n");
    check_errors("database: {uri: /tmp/x.db, password_env: HOME}\n",
                 "t.yaml:1:28: 'password_env' is for a PostgreSQL database (SQLite has no "
                 "password)\n");
    check_errors("database: {uri: postgresql://db/x, buffer: 10}\n",
                 "t.yaml:1:44: 'buffer' must be between 1000 and 100000000, found '10'\n");
    check_errors("cluster: {lease: 3s, renew: 2s}\n",
                 "t.yaml:1:29: 'renew' must be at most a third of 'lease' (a lease survives "
                 "two missed renewals)\n");
    check_errors("cluster: {lease: 1s}\n", "t.yaml:1:18: 'lease' must be between 2s and 10m\n");
    check_errors("cluster: {term: 1}\n", "t.yaml:1:11: unknown key 'term' in 'cluster'\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_err_token_refs),
        cmocka_unit_test(test_err_token_secrets),
        cmocka_unit_test(test_err_thresholds),
        cmocka_unit_test(test_err_changes),
        cmocka_unit_test(test_err_case_escalation),
        cmocka_unit_test(test_database_cluster),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
