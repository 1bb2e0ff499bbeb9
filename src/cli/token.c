/* SPDX-License-Identifier: Apache-2.0 */
/* token.c: `stackward token create|list|revoke`, the API tokens kept in the store: random,
 * shown once, stored only as their SHA-256. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "cli/cli.h"

static const char usage[] =
    "Usage: stackward token create -c FILE --name NAME --role admin|engineer|viewer|customer\n"
    "                              [--customer C]\n"
    "       stackward token list -c FILE [--format table|json]\n"
    "       stackward token revoke -c FILE NAME\n"
    "\n"
    "API and web tokens. create prints the new token alone on standard output, once: only its\n"
    "SHA-256 is kept. Roles: admin (everything), engineer (reads everything, acknowledges,\n"
    "resolves, works cases, posts results), viewer (reads everything, changes nothing),\n"
    "customer (its own customer's objects only; needs --customer). Once any token exists,\n"
    "every request needs one, except /healthz and public status pages; with none, the API and\n"
    "pages answer loopback addresses only. revoke takes effect at once. docs/accounts.md.\n"
    "\n"
    "Exit status: 0 done; 1 the store failed; 2 bad usage or input.\n";

#define TOKEN_BYTES 24 /* 192 random bits, 48 hex digits after the prefix */

static int create(const char *file, const char *name, const char *role_s, const char *customer)
{
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_token_row t = {0};
    unsigned char raw[TOKEN_BYTES];
    char secret[4 + 2 * TOKEN_BYTES + 1];
    unsigned int n = 0;
    enum sw_role role;
    char id[65];
    int r;

    if (!name || !role_s) {
        return sw_cli_usage_error("token", "create needs --name and --role");
    }
    if (sw_id_from(name, id, sizeof(id)) != strlen(name)) {
        return sw_cli_usage_error("token",
                                  "bad name '%s' (1 to 64 letters, digits, '_', '.' or "
                                  "'-', starting with a letter or digit)",
                                  name);
    }
    if (sw_role_parse(role_s, &role) < 0) {
        return sw_cli_usage_error("token", "bad role '%s' (admin, engineer, viewer or customer)",
                                  role_s);
    }
    if ((role == SW_ROLE_CUSTOMER) != (customer != NULL)) {
        return sw_cli_usage_error("token", role == SW_ROLE_CUSTOMER
                                               ? "a customer token needs --customer"
                                               : "--customer goes with --role customer only");
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    if (customer && !sw_config_find_customer(cfg, customer)) {
        fprintf(stderr, "stackward token: no customer '%s' in %s\n", customer, file);
        r = SW_EXIT_USAGE;
        goto out;
    }
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        fprintf(stderr, "stackward token: no random bytes from OpenSSL\n");
        r = SW_EXIT_FAIL;
        goto out;
    }
    memcpy(secret, "swt_", 4);
    for (size_t i = 0; i < sizeof(raw); i++) {
        snprintf(secret + 4 + 2 * i, 3, "%02x", raw[i]);
    }
    t.name = (char *)name;
    t.role = role;
    t.customer = (char *)customer;
    EVP_Digest(secret, strlen(secret), t.sha256, &n, EVP_sha256(), NULL);
    r = sw_store_token_add(store, &t, sw_now());
    if (r == -EEXIST) {
        fprintf(stderr,
                "stackward token: a token named '%s' is in force already (revoke it "
                "first)\n",
                name);
        r = SW_EXIT_USAGE;
    } else if (r < 0) {
        fprintf(stderr, "stackward token: the store refused the token: %s\n", strerror(-r));
        r = SW_EXIT_FAIL;
    } else {
        puts(secret);
        r = SW_EXIT_OK;
    }
out:
    OPENSSL_cleanse(secret, sizeof(secret));
    OPENSSL_cleanse(raw, sizeof(raw));
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

static int list(const char *file, enum sw_format fmt)
{
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_token_row *v = NULL;
    size_t n = 0;
    int r = sw_cli_open_both(file, &cfg, &store);

    if (r) {
        return r;
    }
    if (sw_store_token_list(store, &v, &n) < 0) {
        fprintf(stderr, "stackward token: cannot read the tokens\n");
        r = SW_EXIT_FAIL;
        goto out;
    }
    if (fmt == SW_FMT_JSON) {
        struct sw_buf b;
        sw_buf_init(&b);
        sw_buf_puts(&b, "[");
        for (size_t i = 0; i < n; i++) {
            sw_buf_puts(&b, i ? ",{\"name\": " : "{\"name\": ");
            sw_buf_json_str(&b, v[i].name);
            sw_buf_json_kv_str(&b, "role", sw_role_name(v[i].role));
            sw_buf_json_kv_str(&b, "customer", v[i].customer);
            sw_buf_json_kv_time(&b, "created", v[i].created_s);
            sw_buf_json_kv_time(&b, "revoked", v[i].revoked_s);
            sw_buf_puts(&b, "}");
        }
        sw_buf_puts(&b, "]\n");
        fputs(b.data, stdout);
        sw_buf_release(&b);
    } else {
        printf("%-24s %-9s %-16s %-21s %s\n", "NAME", "ROLE", "CUSTOMER", "CREATED", "REVOKED");
        for (size_t i = 0; i < n; i++) {
            char a[SW_TIME_LEN], b[SW_TIME_LEN];
            printf("%-24s %-9s %-16s %-21s %s\n", v[i].name, sw_role_name(v[i].role),
                   v[i].customer ? v[i].customer : "-", sw_time_format(v[i].created_s, a),
                   v[i].revoked_s ? sw_time_format(v[i].revoked_s, b) : "-");
        }
    }
    r = SW_EXIT_OK;
out:
    sw_token_rows_free(v, n);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

static int revoke(const char *file, const char *name)
{
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    int r = sw_cli_open_both(file, &cfg, &store);

    if (r) {
        return r;
    }
    r = sw_store_token_revoke(store, name, sw_now());
    if (r == -ENOENT) {
        fprintf(stderr, "stackward token: no token named '%s' is in force\n", name);
        r = SW_EXIT_USAGE;
    } else if (r < 0) {
        fprintf(stderr, "stackward token: the store failed: %s\n", strerror(-r));
        r = SW_EXIT_FAIL;
    } else {
        r = SW_EXIT_OK;
    }
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_token(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"role", required_argument, NULL, 'r'},
        {"customer", required_argument, NULL, 'C'},
        {"format", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *name = NULL, *role = NULL, *customer = NULL, *verb;
    enum sw_format fmt = SW_FMT_TABLE;
    int c;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return SW_EXIT_OK;
    }
    if (argc < 2) {
        return sw_cli_usage_error("token", "create, list or revoke?");
    }
    verb = argv[1];
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'n':
            name = optarg;
            break;
        case 'r':
            role = optarg;
            break;
        case 'C':
            customer = optarg;
            break;
        case 'x':
            if (sw_cli_format(optarg, false, &fmt) < 0) {
                return sw_cli_usage_error("token", "--format must be table or json");
            }
            break;
        case 'h':
            fputs(usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("token", "bad option");
        }
    }
    if (strcmp(verb, "create") == 0 && optind == argc) {
        return create(file, name, role, customer);
    }
    if (strcmp(verb, "list") == 0 && optind == argc) {
        return list(file, fmt);
    }
    if (strcmp(verb, "revoke") == 0 && optind == argc - 1) {
        return revoke(file, argv[optind]);
    }
    if (strcmp(verb, "create") != 0 && strcmp(verb, "list") != 0 && strcmp(verb, "revoke") != 0) {
        return sw_cli_usage_error("token", "unknown command '%s' (create, list or revoke)", verb);
    }
    return sw_cli_usage_error("token", "%s",
                              strcmp(verb, "revoke") == 0 ? "revoke takes one token name"
                                                          : "unexpected argument");
}
