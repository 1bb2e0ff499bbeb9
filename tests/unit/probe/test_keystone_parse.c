/* SPDX-License-Identifier: Apache-2.0 */
/* test_keystone_parse.c: the pure parts of the keystone probe (src/probe/keystone_parse.c):
 * the login body for each method and variant and each refusal, a realistic token response
 * (six services, three interfaces, two regions) filtered several ways, check ids (duplicates,
 * no region, odd and long regions), bad URLs, each malformed response, times, and the
 * judgement of each kind of HTTP answer, all with exact expected values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "probe/keystone.h"

/* ---- the login body ---- */

/* Builds the body of a and checks it is the JSON text want (compared as JSON, key order
 * aside). */
static void body_is(const struct sw_ks_auth *a, const char *want)
{
    struct sw_buf err;
    json_t *got_j, *want_j;
    char *got;

    sw_buf_init(&err);
    got = sw_ks_auth_body(a, &err);
    if (!got) {
        fail_msg("refused: %s", err.data);
    }
    assert_int_equal(err.len, 0);
    got_j = json_loads(got, 0, NULL);
    want_j = json_loads(want, 0, NULL);
    assert_non_null(got_j);
    assert_non_null(want_j);
    if (!json_equal(got_j, want_j)) {
        fail_msg("got %s\nwant %s", got, want);
    }
    json_decref(got_j);
    json_decref(want_j);
    free(got);
    sw_buf_release(&err);
}

/* a must be refused with exactly the message want, which must not hold the secrets. */
static void refused(const struct sw_ks_auth *a, const char *want)
{
    struct sw_buf err;
    char *got;

    sw_buf_init(&err);
    got = sw_ks_auth_body(a, &err);
    if (got) {
        fail_msg("accepted: %s (wanted \"%s\")", got, want);
    }
    assert_non_null(err.data);
    assert_string_equal(err.data, want);
    if (a->password && a->password[0]) {
        assert_null(strstr(err.data, a->password));
    }
    if (a->app_cred_secret && a->app_cred_secret[0]) {
        assert_null(strstr(err.data, a->app_cred_secret));
    }
    sw_buf_release(&err);
}

static void test_auth_password(void **state)
{
    struct sw_buf err;
    char *got;

    (void)state;
    /* The configuration of docs/keystone.md, compared as text: compact, in Keystone's order. */
    struct sw_ks_auth a = {.username = "monitor",
                           .user_domain = "Default",
                           .password = "s3cret",
                           .project = "admin",
                           .project_domain = "Default"};
    sw_buf_init(&err);
    got = sw_ks_auth_body(&a, &err);
    assert_non_null(got);
    assert_string_equal(got, "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{"
                             "\"user\":{\"name\":\"monitor\",\"domain\":{\"name\":\"Default\"},"
                             "\"password\":\"s3cret\"}}},\"scope\":{\"project\":{\"name\":"
                             "\"admin\",\"domain\":{\"name\":\"Default\"}}}}}");
    free(got);
    sw_buf_release(&err);

    struct sw_ks_auth ids = {.user_id = "9a8b7c", .password = "pw", .project_id = "0123abcd"};
    body_is(&ids, "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": "
                  "{\"user\": {\"id\": \"9a8b7c\", \"password\": \"pw\"}}}, "
                  "\"scope\": {\"project\": {\"id\": \"0123abcd\"}}}}");

    struct sw_ks_auth dom_ids = {.username = "monitor",
                                 .user_domain_id = "default",
                                 .password = "pw",
                                 .project = "ops",
                                 .project_domain_id = "d42"};
    body_is(&dom_ids,
            "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": "
            "{\"name\": \"monitor\", \"domain\": {\"id\": \"default\"}, \"password\": \"pw\"}}}, "
            "\"scope\": {\"project\": {\"name\": \"ops\", \"domain\": {\"id\": \"d42\"}}}}}");

    /* No project: an unscoped token (no scope at all, not an empty one). */
    struct sw_ks_auth unscoped = {.user_id = "u1", .password = "pw"};
    body_is(&unscoped, "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": "
                       "{\"user\": {\"id\": \"u1\", \"password\": \"pw\"}}}}}");

    /* Quotes, backslashes, control characters and non-ASCII text are escaped by jansson. */
    struct sw_ks_auth odd = {.username = "m\xc3\xb6nitor",
                             .user_domain = "Default",
                             .password = "p\"a\\s\ts",
                             .project_id = "p"};
    body_is(&odd, "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {"
                  "\"user\": {\"name\": \"m\\u00f6nitor\", \"domain\": {\"name\": \"Default\"}, "
                  "\"password\": \"p\\\"a\\\\s\\ts\"}}}, \"scope\": {\"project\": {\"id\": "
                  "\"p\"}}}}");
}

static void test_auth_app_cred(void **state)
{
    (void)state;
    struct sw_ks_auth by_id = {.app_cred_id = "ac1d", .app_cred_secret = "sec"};
    body_is(&by_id, "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], "
                    "\"application_credential\": {\"id\": \"ac1d\", \"secret\": \"sec\"}}}}");

    struct sw_ks_auth by_name_uid = {
        .app_cred_name = "probe", .app_cred_secret = "sec", .user_id = "u1"};
    body_is(&by_name_uid,
            "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], "
            "\"application_credential\": {\"name\": \"probe\", \"user\": {\"id\": \"u1\"}, "
            "\"secret\": \"sec\"}}}}");

    struct sw_ks_auth by_name_user = {.app_cred_name = "probe",
                                      .app_cred_secret = "sec",
                                      .username = "monitor",
                                      .user_domain = "Default"};
    body_is(&by_name_user,
            "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], "
            "\"application_credential\": {\"name\": \"probe\", \"user\": {\"name\": "
            "\"monitor\", \"domain\": {\"name\": \"Default\"}}, \"secret\": \"sec\"}}}}");

    struct sw_ks_auth by_name_dom_id = {.app_cred_name = "probe",
                                        .app_cred_secret = "sec",
                                        .username = "monitor",
                                        .user_domain_id = "default"};
    body_is(&by_name_dom_id,
            "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], "
            "\"application_credential\": {\"name\": \"probe\", \"user\": {\"name\": "
            "\"monitor\", \"domain\": {\"id\": \"default\"}}, \"secret\": \"sec\"}}}}");
}

static void test_auth_refused(void **state)
{
    (void)state;
    refused(&(struct sw_ks_auth){.username = "m"},
            "no credentials: give a password or an application credential");
    refused(&(struct sw_ks_auth){.user_id = "u", .password = "pw1", .app_cred_id = "a"},
            "give a password or an application credential, not both");
    refused(&(struct sw_ks_auth){.password = "pw1"}, "password needs user_id or username");
    refused(&(struct sw_ks_auth){.username = "m", .password = "pw1"},
            "username needs user_domain or user_domain_id");
    refused(&(struct sw_ks_auth){.username = "m", .user_id = "u", .password = "pw1"},
            "give user_id or username, not both");
    refused(&(struct sw_ks_auth){.user_id = "u", .user_domain = "Default", .password = "pw1"},
            "user_domain and user_domain_id go with username, not user_id");
    refused(&(struct sw_ks_auth){.username = "m",
                                 .user_domain = "Default",
                                 .user_domain_id = "default",
                                 .password = "pw1"},
            "give user_domain or user_domain_id, not both");
    refused(
        &(struct sw_ks_auth){.user_id = "u", .password = "pw1", .project = "a", .project_id = "b"},
        "give project or project_id, not both");
    refused(&(struct sw_ks_auth){.user_id = "u", .password = "pw1", .project = "a"},
            "project needs project_domain or project_domain_id");
    refused(&(struct sw_ks_auth){.user_id = "u",
                                 .password = "pw1",
                                 .project = "a",
                                 .project_domain = "D",
                                 .project_domain_id = "d"},
            "give project_domain or project_domain_id, not both");
    refused(
        &(struct sw_ks_auth){
            .user_id = "u", .password = "pw1", .project_id = "b", .project_domain = "Default"},
        "project_domain and project_domain_id go with project, not project_id");
    refused(&(struct sw_ks_auth){.user_id = "u", .password = "pw1", .project_domain_id = "d"},
            "project_domain and project_domain_id need project");
    refused(&(struct sw_ks_auth){.user_id = "u", .password = ""}, "password is empty");
    refused(&(struct sw_ks_auth){.user_id = "", .password = "pw1"}, "user_id is empty");
    refused(&(struct sw_ks_auth){.username = "m\xff", .user_domain = "D", .password = "pw1"},
            "username is not valid UTF-8 text");
    refused(&(struct sw_ks_auth){.user_id = "u", .password = "pw\xc3"},
            "password is not valid UTF-8 text");
    refused(&(struct sw_ks_auth){.username = "m", .user_domain = "", .password = "pw1"},
            "user_domain is empty");
    refused(&(struct sw_ks_auth){.user_id = "u", .password = "pw1", .project_id = ""},
            "project_id is empty");

    refused(&(struct sw_ks_auth){.app_cred_id = "a", .app_cred_secret = "sec1", .project = "p"},
            "an application credential carries its own project: give no project, "
            "project_id, project_domain or project_domain_id");
    refused(&(struct sw_ks_auth){.app_cred_id = "a"},
            "an application credential needs application_credential_secret");
    refused(&(struct sw_ks_auth){.app_cred_secret = "sec1"},
            "an application credential needs application_credential_id or "
            "application_credential_name");
    refused(
        &(struct sw_ks_auth){.app_cred_id = "a", .app_cred_name = "n", .app_cred_secret = "sec1"},
        "give application_credential_id or application_credential_name, not both");
    refused(&(struct sw_ks_auth){.app_cred_id = "a", .app_cred_secret = "sec1", .user_id = "u"},
            "application_credential_id takes no user (user_id, username, user_domain, "
            "user_domain_id)");
    refused(&(struct sw_ks_auth){.app_cred_name = "n", .app_cred_secret = "sec1"},
            "application_credential_name needs user_id or username");
    refused(&(struct sw_ks_auth){.app_cred_name = "n", .app_cred_secret = "sec1", .username = "m"},
            "username needs user_domain or user_domain_id");
    refused(&(struct sw_ks_auth){.app_cred_id = "a", .app_cred_secret = ""},
            "application_credential_secret is empty");
}

/* ---- the token response ---- */

#define EP(id, ifc, reg, url)                                                                      \
    "{\"id\": \"" id "\", \"interface\": \"" ifc "\", \"region_id\": \"" reg "\", \"url\": \"" url \
    "\", \"region\": \"" reg "\"}"
#define R1 "RegionOne"
#define R2 "RegionTwo"

/* As Keystone 22 writes it (Debian 12), for a cloud of two regions; 22 endpoints. */
static const char
    realistic[] =
        "{\"token\": {\"methods\": [\"password\"], \"user\": {\"domain\": {\"id\": \"default\", "
        "\"name\": \"Default\"}, \"id\": \"184feb34fe1e4aa089095f8cb5eb9c8f\", \"name\": "
        "\"monitor\", \"password_expires_at\": null}, \"audit_ids\": [\"VqC_dYoZSlqrulKyzbo1PQ\"], "
        "\"expires_at\": \"2026-11-28T17:03:12.000000Z\", \"issued_at\": "
        "\"2026-11-28T16:03:12.123456Z\", \"project\": {\"domain\": {\"id\": \"default\", "
        "\"name\": \"Default\"}, \"id\": \"10c0a32b01e842579412db55e162f805\", \"name\": "
        "\"admin\"}, \"is_domain\": false, \"roles\": [{\"id\": \"5a7e\", \"name\": \"reader\"}], "
        "\"catalog\": ["
        "{\"endpoints\": [" EP(
            "k1p", "public", R1, "https://keystone.r1.example.com:5000/v3") ", " EP("k1i",
                                                                                    "internal", R1, "http://10.0.1.10:5000/v3") ", " EP("k1a", "admin", R1, "http://10.0.1.10:5000/v3") ", " EP("k2p", "public", R2, "https://keystone.r2.example.com:5000/v3") ", " EP("k2i", "internal", R2, "http://10.0.2.10:5000/v3") "], "
                                                                                                                                                                                                                                                                                                                           "\"id\": \"a713\", \"type\": \"identity\", \"name\": \"keystone\"}, "
                                                                                                                                                                                                                                                                                                                           "{\"endpoints\": [" EP("n1p",
                                                                                                                                                                                                                                                                                                                                                  "public", R1, "https://nova.r1.example.com:8774/v2.1") ", " EP("n1i",
                                                                                                                                                                                                                                                                                                                                                                                                                 "internal",
                                                                                                                                                                                                                                                                                                                                                                                                                 R1, "http://10.0.1.11:8774/v2.1") ", " EP("n1a",
                                                                                                                                                                                                                                                                                                                                                                                                                                                           "admin", R1, "http://10.0.1.11:8774/v2.1") ", " EP("n2p",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "public",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              R2,
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "https://nova.r2.example.com:8774/v2.1") ", " EP("n2i",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "internal", R2, "http://10.0.2.11:8774/v2.1") "], "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "\"id\": \"b1\", \"type\": \"compute\", \"name\": \"nova\"}, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                             "{\"endpoints\": [" EP("g1p",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "public",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    R1,
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "https://glance.r1.example.com:9292") ", " EP("g1i", "internal", R1, "http://10.0.1.12:9292") ", " EP("g2p", "public", R2, "https://glance.r2.example.com:9292") "], "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "\"id\": \"b2\", \"type\": \"image\", \"name\": \"glance\"}, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "{\"endpoints\": [" EP("q1p",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "public",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            R1,
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            "https://neutron.r1.example.com:9696") ", " EP("q1i",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "internal",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           R1, "http://10.0.1.13:9696") ", " EP("q2p",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "public",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                R2, "https://neutron.r2.example.com:9696") ", " EP("q2i",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                   "internal",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                   R2, "http://10.0.2.13:9696") "], "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "\"id\": \"b3\", \"type\": \"network\", \"name\": \"neutron\"}, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "{\"endpoints\": [" EP(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "c1p",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "public",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    R1, "https://cinder.r1.example.com:8776/v3/10c0a32b01e842579412db55e162f805") ", " EP("c1i",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                          "internal",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                          R1, "http://10.0.1.14:8776/v3/10c0a32b01e842579412db55e162f805") ", " EP("c2p",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                   "public",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                   R2, "https://cinder.r2.example.com:8776/v3/10c0a32b01e842579412db55e162f805") "], "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                 "\"id\": \"b4\", \"type\": \"volumev3\", \"name\": \"cinderv3\"}, "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                 "{\"endpoints\": [" EP("p1p", "public", R1, "https://placement.r1.example.com/placement") ", " EP(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "p1i",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "internal",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     R1,
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                     "http://10.0.1.15:8778/placement") "], "
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "\"id\": \"b5\", \"type\": \"placement\", \"name\": \"placement\"}]}}";

static int parse(const char *body, const struct sw_ks_filter *f, struct sw_ks_token *t,
                 struct sw_buf *err)
{
    sw_buf_reset(err);
    return sw_ks_token_parse(body, strlen(body), f, t, err);
}

/* The endpoints of t as "type/check_id=id" lines joined by spaces. */
static char *summary(const struct sw_ks_token *t)
{
    struct sw_buf b;

    sw_buf_init(&b);
    for (size_t i = 0; i < t->n_endpoints; i++) {
        sw_buf_printf(&b, "%s%s/%s=%s", i ? " " : "", t->endpoints[i].service_type,
                      t->endpoints[i].check_id, t->endpoints[i].id);
    }
    return sw_buf_steal(&b);
}

static void summary_is(const struct sw_ks_token *t, const char *want)
{
    char *s = summary(t);

    assert_string_equal(s, want);
    free(s);
}

static void test_token_realistic(void **state)
{
    struct sw_ks_token t;
    struct sw_buf err;
    const struct sw_ks_endpoint *e;

    (void)state;
    sw_buf_init(&err);
    /* No filter: public endpoints of every region and type. */
    assert_int_equal(parse(realistic, NULL, &t, &err), 0);
    assert_int_equal(err.len, 0);
    assert_int_equal(t.n_catalog, 22);
    assert_int_equal(t.n_endpoints, 11);
    assert_true(t.expires_at_ms == INT64_C(1795885392000));
    assert_true(t.issued_at_ms == INT64_C(1795881792123));
    assert_string_equal(t.user, "monitor");
    assert_string_equal(t.project, "admin");
    summary_is(&t, "compute/public-RegionOne=n1p compute/public-RegionTwo=n2p "
                   "identity/public-RegionOne=k1p identity/public-RegionTwo=k2p "
                   "image/public-RegionOne=g1p image/public-RegionTwo=g2p "
                   "network/public-RegionOne=q1p network/public-RegionTwo=q2p "
                   "placement/public-RegionOne=p1p "
                   "volumev3/public-RegionOne=c1p volumev3/public-RegionTwo=c2p");
    e = &t.endpoints[0];
    assert_string_equal(e->service_type, "compute");
    assert_string_equal(e->service_name, "nova");
    assert_string_equal(e->interface, "public");
    assert_string_equal(e->region, "RegionOne");
    assert_string_equal(e->url, "https://nova.r1.example.com:8774/v2.1");
    assert_string_equal(e->id, "n1p");
    assert_string_equal(e->check_id, "public-RegionOne");
    assert_null(e->bad_url);
    assert_string_equal(t.endpoints[10].url,
                        "https://cinder.r2.example.com:8776/v3/10c0a32b01e842579412db55e162f805");
    assert_string_equal(t.endpoints[10].service_name, "cinderv3");
    sw_ks_token_release(&t);
    assert_null(t.endpoints);
    assert_int_equal(t.n_endpoints, 0);
    sw_ks_token_release(&t); /* twice is harmless */
    sw_ks_token_release(NULL);

    /* internal and admin in RegionOne. */
    const char *const ia[] = {"internal", "admin"};
    struct sw_ks_filter f1 = {.interfaces = ia, .n_interfaces = 2, .region = "RegionOne"};
    assert_int_equal(parse(realistic, &f1, &t, &err), 0);
    assert_int_equal(t.n_catalog, 22);
    summary_is(&t, "compute/admin-RegionOne=n1a compute/internal-RegionOne=n1i "
                   "identity/admin-RegionOne=k1a identity/internal-RegionOne=k1i "
                   "image/internal-RegionOne=g1i network/internal-RegionOne=q1i "
                   "placement/internal-RegionOne=p1i volumev3/internal-RegionOne=c1i");
    assert_string_equal(t.endpoints[1].url, "http://10.0.1.11:8774/v2.1");
    sw_ks_token_release(&t);

    /* Two services in RegionTwo, public named explicitly. */
    const char *const pub[] = {"public"};
    const char *const svc[] = {"volumev3", "compute"};
    struct sw_ks_filter f2 = {.interfaces = pub,
                              .n_interfaces = 1,
                              .region = "RegionTwo",
                              .services = svc,
                              .n_services = 2};
    assert_int_equal(parse(realistic, &f2, &t, &err), 0);
    summary_is(&t, "compute/public-RegionTwo=n2p volumev3/public-RegionTwo=c2p");
    sw_ks_token_release(&t);

    /* Every interface of one service, every region. */
    const char *const all[] = {"public", "internal", "admin"};
    const char *const net[] = {"network"};
    struct sw_ks_filter f3 = {
        .interfaces = all, .n_interfaces = 3, .services = net, .n_services = 1};
    assert_int_equal(parse(realistic, &f3, &t, &err), 0);
    summary_is(&t, "network/internal-RegionOne=q1i network/internal-RegionTwo=q2i "
                   "network/public-RegionOne=q1p network/public-RegionTwo=q2p");
    sw_ks_token_release(&t);

    /* Nothing matches: a type not in the catalog, a region that does not exist, a filter
     * that is empty but present (public only). */
    const char *const swift[] = {"object-store"};
    struct sw_ks_filter f4 = {.services = swift, .n_services = 1};
    assert_int_equal(parse(realistic, &f4, &t, &err), 0);
    assert_int_equal(t.n_endpoints, 0);
    assert_null(t.endpoints);
    assert_int_equal(t.n_catalog, 22);
    sw_ks_token_release(&t);
    struct sw_ks_filter f5 = {.region = "RegionThree"};
    assert_int_equal(parse(realistic, &f5, &t, &err), 0);
    assert_int_equal(t.n_endpoints, 0);
    sw_ks_token_release(&t);
    struct sw_ks_filter f6 = {0};
    assert_int_equal(parse(realistic, &f6, &t, &err), 0);
    assert_int_equal(t.n_endpoints, 11);
    sw_ks_token_release(&t);
    sw_buf_release(&err);
}

static void test_token_check_ids(void **state)
{
    struct sw_ks_token t;
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    /* Duplicates are numbered in endpoint id order, not catalog order; a region literally
     * named "RegionOne-2" keeps its own id and the second duplicate skips it. The same id
     * in another type is no duplicate; two entries of one type are one group. */
    assert_int_equal(
        parse(
            "{\"token\": {\"catalog\": ["
            "{\"type\": \"compute\", \"name\": \"nova\", \"endpoints\": [" EP(
                "ccc", "public", R1,
                "http://c/") ", " EP("aaa", "public", R1,
                                     "http://a/") ", " EP("rrr", "public", "RegionOne-2",
                                                          "http://r/") "]}, "
                                                                       "{\"type\": \"compute\", "
                                                                       "\"name\": \"nova-legacy\", "
                                                                       "\"endpoints\": [" EP(
                                                                           "bbb", "public", R1,
                                                                           "http://b/") "]}, "
                                                                                        "{\"type\":"
                                                                                        " \"image\""
                                                                                        ", "
                                                                                        "\"endpoint"
                                                                                        "s\": [" EP(
                                                                                            "zzz",
                                                                                            "publi"
                                                                                            "c",
                                                                                            R1,
                                                                                            "http:/"
                                                                                            "/z/") "]}]}}",
            NULL, &t, &err),
        0);
    summary_is(&t, "compute/public-RegionOne=aaa compute/public-RegionOne-2=rrr "
                   "compute/public-RegionOne-3=bbb compute/public-RegionOne-4=ccc "
                   "image/public-RegionOne=zzz");
    assert_string_equal(t.endpoints[2].service_name, "nova-legacy");
    assert_null(t.endpoints[4].service_name);
    sw_ks_token_release(&t);

    /* No region (null, absent, or only the older "region" key), odd characters, a region
     * too long for an id: cut to 64 bytes, and cut further to fit a suffix. */
    assert_int_equal(
        parse("{\"token\": {\"catalog\": [{\"type\": \"image\", \"endpoints\": ["
              "{\"id\": \"e1\", \"interface\": \"public\", \"region_id\": null, \"region\": "
              "null, \"url\": \"http://g1/\"}, "
              "{\"id\": \"e2\", \"interface\": \"public\", \"url\": \"http://g2/\"}, "
              "{\"id\": \"e3\", \"interface\": \"public\", \"region\": \"Old\", \"url\": "
              "\"http://g3/\"}, "
              "{\"id\": \"e4\", \"interface\": \"public\", \"region_id\": \"Region One/\xce\xb2\", "
              "\"url\": \"http://g4/\"}, "
              "{\"id\": \"e5\", \"interface\": \"public\", \"region_id\": "
              "\"R123456789012345678901234567890123456789012345678901234567890\", \"url\": "
              "\"http://g5/\"}, "
              "{\"id\": \"e6\", \"interface\": \"public\", \"region_id\": "
              "\"R123456789012345678901234567890123456789012345678901234567890\", \"url\": "
              "\"http://g6/\"}, "
              "{\"interface\": \"public\", \"region_id\": \"\", \"url\": \"http://g7/\"}]}]}}",
              NULL, &t, &err),
        0);
    /* The endpoint without id sorts first among the duplicates; "-2" sorts before "56". */
    summary_is(&t, "image/public= image/public-2=e1 image/public-3=e2 "
                   "image/public-Old=e3 "
                   "image/public-R123456789012345678901234567890123456789012345678901234-2=e6 "
                   "image/public-R12345678901234567890123456789012345678901234567890123456="
                   "e5 "
                   "image/public-Region-One=e4");
    assert_string_equal(t.endpoints[0].region, "");
    assert_string_equal(t.endpoints[0].id, "");
    assert_string_equal(t.endpoints[1].region, "");
    assert_string_equal(t.endpoints[2].region, "");
    assert_string_equal(t.endpoints[3].region, "Old");
    assert_string_equal(t.endpoints[6].region, "Region One/\xce\xb2");
    assert_int_equal(strlen(t.endpoints[4].check_id), 64);
    assert_int_equal(strlen(t.endpoints[5].check_id), 64);
    sw_ks_token_release(&t);

    /* An interface with nothing usable in it still gets an id. */
    const char *const odd[] = {"???"};
    struct sw_ks_filter f = {.interfaces = odd, .n_interfaces = 1};
    assert_int_equal(parse("{\"token\": {\"catalog\": [{\"type\": \"x\", \"endpoints\": ["
                           "{\"interface\": \"???\", \"url\": \"http://x/\"}]}]}}",
                           &f, &t, &err),
                     0);
    summary_is(&t, "x/endpoint=");
    sw_ks_token_release(&t);
    sw_buf_release(&err);
}

static void test_token_bad_urls(void **state)
{
    struct sw_ks_token t;
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    assert_int_equal(
        parse(
            "{\"token\": {\"catalog\": [{\"type\": \"s\", \"endpoints\": ["
            "{\"id\": \"1\", \"interface\": \"public\", \"url\": \"foo\"}, "
            "{\"id\": \"2\", \"interface\": \"public\", \"url\": \"ftp://example.org/x\"}, "
            "{\"id\": \"3\", \"interface\": \"public\"}, "
            "{\"id\": \"4\", \"interface\": \"public\", \"url\": 42}, "
            "{\"id\": \"5\", \"interface\": \"public\", \"url\": \"http://a b/\"}, "
            "{\"id\": \"6\", \"interface\": \"public\", \"url\": \"http://:8080/x\"}, "
            "{\"id\": \"7\", \"interface\": \"public\", \"url\": \"https://\"}, "
            "{\"id\": \"8\", \"interface\": \"public\", \"url\": \"http://x/\\ny\"}, "
            "{\"id\": \"9\", \"interface\": \"public\", \"url\": \"HTTPS://Example.ORG:8443/v1\"}, "
            "{\"id\": \"10\", \"interface\": \"public\", \"url\": "
            "\"http://[::1]:9292/v2?x=1#f\"}"
            "]}]}}",
            NULL, &t, &err),
        0);
    assert_int_equal(t.n_endpoints, 10);
    /* check ids public, public-2 (id "10" sorts before "2"), ... */
    summary_is(&t, "s/public=1 s/public-10=9 s/public-2=10 s/public-3=2 s/public-4=3 "
                   "s/public-5=4 s/public-6=5 s/public-7=6 s/public-8=7 s/public-9=8");
    assert_string_equal(t.endpoints[0].bad_url, "endpoint URL 'foo' is not an http(s) URL");
    assert_string_equal(t.endpoints[0].url, "foo");
    assert_null(t.endpoints[1].bad_url);
    assert_string_equal(t.endpoints[1].url, "HTTPS://Example.ORG:8443/v1");
    assert_null(t.endpoints[2].bad_url);
    assert_string_equal(t.endpoints[3].bad_url,
                        "endpoint URL 'ftp://example.org/x' is not an http(s) URL");
    assert_string_equal(t.endpoints[4].bad_url, "endpoint has no URL");
    assert_string_equal(t.endpoints[4].url, "");
    assert_string_equal(t.endpoints[5].bad_url, "endpoint has no URL");
    assert_string_equal(t.endpoints[6].bad_url, "endpoint URL 'http://a b/' is not an http(s) URL");
    assert_string_equal(t.endpoints[7].bad_url,
                        "endpoint URL 'http://:8080/x' is not an http(s) URL");
    assert_string_equal(t.endpoints[8].bad_url, "endpoint URL 'https://' is not an http(s) URL");
    /* The newline is replaced in both the copy and the message. */
    assert_string_equal(t.endpoints[9].bad_url, "endpoint URL 'http://x/?y' is not an http(s) URL");
    assert_string_equal(t.endpoints[9].url, "http://x/?y");
    sw_ks_token_release(&t);

    /* A long one: refused without quoting all of it. */
    struct sw_buf body;
    sw_buf_init(&body);
    sw_buf_puts(&body, "{\"token\": {\"catalog\": [{\"type\": \"s\", \"endpoints\": [{"
                       "\"interface\": \"public\", \"url\": \"http://x/");
    for (int i = 0; i < SW_KS_MAX_URL_LEN; i++) {
        sw_buf_puts(&body, "a");
    }
    sw_buf_puts(&body, "\"}]}]}}");
    assert_int_equal(parse(body.data, NULL, &t, &err), 0);
    assert_string_equal(t.endpoints[0].bad_url, "endpoint URL is longer than 2048 bytes");
    sw_ks_token_release(&t);
    sw_buf_release(&body);
    sw_buf_release(&err);
}

static void test_token_empty(void **state)
{
    struct sw_ks_token t;
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    /* An unscoped token: no catalog, no project, no times either. */
    assert_int_equal(parse("{\"token\": {\"methods\": [\"password\"], \"user\": {\"name\": "
                           "\"monitor\"}}}",
                           NULL, &t, &err),
                     0);
    assert_int_equal(t.n_endpoints, 0);
    assert_int_equal(t.n_catalog, 0);
    assert_null(t.endpoints);
    assert_string_equal(t.user, "monitor");
    assert_null(t.project);
    assert_true(t.expires_at_ms == 0);
    assert_true(t.issued_at_ms == 0);
    sw_ks_token_release(&t);
    assert_int_equal(parse("{\"token\": {\"catalog\": []}}", NULL, &t, &err), 0);
    assert_int_equal(t.n_catalog, 0);
    sw_ks_token_release(&t);
    assert_int_equal(
        parse("{\"token\": {\"catalog\": null, \"expires_at\": null}}", NULL, &t, &err), 0);
    sw_ks_token_release(&t);
    /* Entries without endpoints (Keystone lists a service with none as []). */
    assert_int_equal(parse("{\"token\": {\"catalog\": [{\"type\": \"compute\", \"endpoints\": "
                           "[]}, {\"type\": \"image\"}]}}",
                           NULL, &t, &err),
                     0);
    assert_int_equal(t.n_endpoints, 0);
    assert_int_equal(t.n_catalog, 0);
    sw_ks_token_release(&t);
    assert_int_equal(err.len, 0);
    sw_buf_release(&err);
}

static void test_token_times(void **state)
{
    struct sw_ks_token t;
    struct sw_buf err;

    (void)state;
    sw_buf_init(&err);
    assert_int_equal(
        parse("{\"token\": {\"expires_at\": \"2026-11-28T17:03:12.999999Z\"}}", NULL, &t, &err), 0);
    assert_true(t.expires_at_ms == INT64_C(1795885392999));
    sw_ks_token_release(&t);
    assert_int_equal(
        parse("{\"token\": {\"expires_at\": \"2026-11-28T17:03:12.5Z\"}}", NULL, &t, &err), 0);
    assert_true(t.expires_at_ms == INT64_C(1795885392500));
    sw_ks_token_release(&t);
    assert_int_equal(
        parse("{\"token\": {\"expires_at\": \"2026-11-28T17:03:12Z\"}}", NULL, &t, &err), 0);
    assert_true(t.expires_at_ms == INT64_C(1795885392000));
    sw_ks_token_release(&t);
    assert_int_equal(
        parse("{\"token\": {\"expires_at\": \"2026-11-28T18:03:12.250+01:00\"}}", NULL, &t, &err),
        0);
    assert_true(t.expires_at_ms == INT64_C(1795885392250));
    sw_ks_token_release(&t);
    sw_buf_release(&err);
}

/* body must be refused with r and exactly the message want, leaving t zeroed. */
static void bad(const char *body, int r, const char *want)
{
    struct sw_ks_token t;
    struct sw_buf err;

    sw_buf_init(&err);
    memset(&t, 0x5a, sizeof(t));
    assert_int_equal(sw_ks_token_parse(body, strlen(body), NULL, &t, &err), r);
    assert_non_null(err.data);
    assert_string_equal(err.data, want);
    assert_null(t.endpoints);
    assert_null(t.user);
    assert_int_equal(t.n_endpoints, 0);
    sw_ks_token_release(&t);
    sw_buf_release(&err);
}

static void test_token_errors(void **state)
{
    (void)state;
    bad("", -EINVAL, "malformed JSON at line 1, column 0: '[' or '{' expected near end of file");
    bad("{\"token\": ", -EINVAL,
        "malformed JSON at line 1, column 10: unexpected token near end of file");
    bad("{\"token\": {}, \"token\": {}}", -EINVAL,
        "malformed JSON at line 1, column 21: duplicate object key near '\"token\"'");
    bad("<html>502 Bad Gateway</html>", -EINVAL,
        "malformed JSON at line 1, column 1: '[' or '{' expected near '<'");
    /* jansson refuses NUL in strings: no C string we hand on is ever cut short. */
    bad("{\"token\": {\"user\": {\"name\": \"a\\u0000b\"}}}", -EINVAL,
        "malformed JSON at line 1, column 38: \\u0000 is not allowed without JSON_ALLOW_NUL "
        "near '\"a\\u0000b\"'");
    bad("[]", -EINVAL, "the response has no \"token\" object");
    bad("{\"error\": {\"code\": 401, \"title\": \"Unauthorized\"}}", -EINVAL,
        "the response has no \"token\" object");
    bad("{\"token\": \"gAAAA\"}", -EINVAL, "the response has no \"token\" object");
    bad("{\"token\": {\"catalog\": {}}}", -EINVAL, "token.catalog is not an array");
    bad("{\"token\": {\"catalog\": \"x\"}}", -EINVAL, "token.catalog is not an array");
    bad("{\"token\": {\"catalog\": [1]}}", -EINVAL, "catalog[0] is not an object");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\"}, {\"name\": \"nova\"}]}}", -EINVAL,
        "catalog[1] has no \"type\"");
    bad("{\"token\": {\"catalog\": [{\"type\": 7}]}}", -EINVAL, "catalog[0] has no \"type\"");
    bad("{\"token\": {\"catalog\": [{\"type\": \"\"}]}}", -EINVAL, "catalog[0] has no \"type\"");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": {}}]}}", -EINVAL,
        "catalog[0].endpoints is not an array");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": [" EP("x", "public", R1,
                                                                           "http://x/") ", "
                                                                                        "null]}]}}",
        -EINVAL, "catalog[0].endpoints[1] is not an object");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": [{\"url\": \"http://x/\"}]}"
        "]}}",
        -EINVAL, "catalog[0].endpoints[0] has no \"interface\"");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": [{\"interface\": 1}]}]}}",
        -EINVAL, "catalog[0].endpoints[0] has no \"interface\"");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": [{\"interface\": "
        "\"public\", \"region_id\": 5}]}]}}",
        -EINVAL, "catalog[0].endpoints[0].region_id is not a string");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": [{\"interface\": "
        "\"public\", \"region\": []}]}]}}",
        -EINVAL, "catalog[0].endpoints[0].region is not a string");
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": [{\"interface\": "
        "\"public\", \"id\": {}}]}]}}",
        -EINVAL, "catalog[0].endpoints[0].id is not a string");
    bad("{\"token\": {\"expires_at\": \"tomorrow\"}}", -EINVAL,
        "token.expires_at 'tomorrow' is not an ISO 8601 time");
    bad("{\"token\": {\"expires_at\": \"2026-11-28T17:03:12.000000\"}}", -EINVAL,
        "token.expires_at '2026-11-28T17:03:12.000000' is not an ISO 8601 time");
    bad("{\"token\": {\"issued_at\": 1795885392}}", -EINVAL,
        "token.issued_at (not a string) is not an ISO 8601 time");
    bad("{\"token\": {\"expires_at\": \"\\u0001\"}}", -EINVAL,
        "token.expires_at '?' is not an ISO 8601 time");
    /* An error in an endpoint the filter would drop is still an error: the response is
     * broken. */
    bad("{\"token\": {\"catalog\": [{\"type\": \"a\", \"endpoints\": [" EP(
            "ok", "public", R1, "http://a/") "]}, "
                                             "{\"type\": \"b\", \"endpoints\": [{\"interface\": "
                                             "\"admin\", \"region_id\": false}]}]}}",
        -EINVAL, "catalog[1].endpoints[0].region_id is not a string");
}

static void test_token_caps(void **state)
{
    struct sw_ks_token t;
    struct sw_buf body, err;
    int n;

    (void)state;
    sw_buf_init(&err);
    sw_buf_init(&body);
    /* SW_KS_MAX_ENDPOINTS duplicates: all kept, numbered in id order. */
    sw_buf_puts(&body, "{\"token\": {\"catalog\": [{\"type\": \"compute\", \"endpoints\": [");
    for (n = 0; n < SW_KS_MAX_ENDPOINTS; n++) {
        sw_buf_printf(&body,
                      "%s{\"id\": \"e%04d\", \"interface\": \"public\", \"url\": "
                      "\"http://x/\"}",
                      n ? ", " : "", SW_KS_MAX_ENDPOINTS - 1 - n);
    }
    sw_buf_puts(&body, "]}]}}");
    assert_int_equal(parse(body.data, NULL, &t, &err), 0);
    assert_int_equal(t.n_endpoints, SW_KS_MAX_ENDPOINTS);
    assert_string_equal(t.endpoints[0].check_id, "public");
    assert_string_equal(t.endpoints[0].id, "e0000");
    for (size_t i = 0; i < t.n_endpoints; i++) {
        char want[32];

        snprintf(want, sizeof(want), "public-%d", atoi(t.endpoints[i].id + 1) + 1);
        if (strcmp(t.endpoints[i].id, "e0000") != 0) {
            assert_string_equal(t.endpoints[i].check_id, want);
        }
    }
    sw_ks_token_release(&t);

    /* One more among those kept: too many. Dropped ones do not count. */
    body.len -= strlen("]}]}}");
    sw_buf_puts(&body, ", {\"interface\": \"admin\"}]}]}}");
    assert_int_equal(parse(body.data, NULL, &t, &err), 0);
    assert_int_equal(t.n_catalog, SW_KS_MAX_ENDPOINTS + 1);
    sw_ks_token_release(&t);
    body.len -= strlen("]}]}}");
    sw_buf_puts(&body, ", {\"interface\": \"public\"}]}]}}");
    assert_int_equal(parse(body.data, NULL, &t, &err), -E2BIG);
    assert_string_equal(err.data, "the catalog has more than 4096 endpoints to watch");
    assert_null(t.endpoints);
    sw_buf_release(&body);
    sw_buf_release(&err);
}

/* ---- judging ---- */

static void judged(long status, int64_t us, enum sw_state want, const char *text)
{
    struct sw_buf out;

    sw_buf_init(&out);
    sw_buf_puts(&out, "compute: ");
    assert_int_equal(sw_ks_judge(status, us, &out), want);
    assert_string_equal(out.data + strlen("compute: "), text);
    assert_true(strncmp(out.data, "compute: ", 9) == 0); /* appended, not replaced */
    sw_buf_release(&out);
}

static void test_judge(void **state)
{
    (void)state;
    judged(200, 12000, SW_OK, "HTTP 200 in 12 ms");
    judged(204, 12499, SW_OK, "HTTP 204 in 12 ms");
    judged(299, 12500, SW_OK, "HTTP 299 in 13 ms");
    judged(300, 2500, SW_OK, "HTTP 300 in 2.5 ms");
    judged(300, 9949, SW_OK, "HTTP 300 in 9.9 ms");
    judged(300, 9950, SW_OK, "HTTP 300 in 10 ms");
    judged(200, 400, SW_OK, "HTTP 200 in 0.4 ms");
    judged(200, -5, SW_OK, "HTTP 200 in 0.0 ms");
    judged(301, 3000, SW_WARNING, "HTTP 301 in 3.0 ms");
    judged(302, 15000, SW_WARNING, "HTTP 302 in 15 ms");
    judged(304, 15000, SW_WARNING, "HTTP 304 in 15 ms");
    judged(400, 15000, SW_WARNING, "HTTP 400 in 15 ms");
    judged(404, 15000, SW_WARNING, "HTTP 404 in 15 ms");
    judged(429, 15000, SW_WARNING, "HTTP 429 in 15 ms");
    judged(101, 15000, SW_WARNING, "HTTP 101 in 15 ms");
    judged(401, 12000, SW_CRITICAL, "authentication refused (HTTP 401) in 12 ms");
    judged(403, 12000, SW_CRITICAL, "authentication refused (HTTP 403) in 12 ms");
    judged(500, 1234567, SW_CRITICAL, "HTTP 500 in 1235 ms");
    judged(503, 40000, SW_CRITICAL, "HTTP 503 in 40 ms");
    judged(599, 40000, SW_CRITICAL, "HTTP 599 in 40 ms");
    judged(0, 5000000, SW_CRITICAL, "no HTTP answer after 5000 ms");
    judged(0, 800, SW_CRITICAL, "no HTTP answer after 0.8 ms");
    judged(42, 1000, SW_UNKNOWN, "invalid HTTP status 42");
    judged(600, 1000, SW_UNKNOWN, "invalid HTTP status 600");
    judged(-1, 1000, SW_UNKNOWN, "invalid HTTP status -1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_password),   cmocka_unit_test(test_auth_app_cred),
        cmocka_unit_test(test_auth_refused),    cmocka_unit_test(test_token_realistic),
        cmocka_unit_test(test_token_check_ids), cmocka_unit_test(test_token_bad_urls),
        cmocka_unit_test(test_token_empty),     cmocka_unit_test(test_token_times),
        cmocka_unit_test(test_token_errors),    cmocka_unit_test(test_token_caps),
        cmocka_unit_test(test_judge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
