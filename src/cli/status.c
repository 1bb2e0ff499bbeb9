/* SPDX-License-Identifier: Apache-2.0 */
/* status.c: `stackward status` and `stackward history`: what the store says about the
 * fleet now, and the state intervals of one service or check. Both read the database, so
 * they work with or without a running daemon. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "cli/cli.h"
#include "engine/engine.h"

static const char status_usage[] =
    "Usage: stackward status [-c FILE] [--customer ID] [--format table|json]\n"
    "\n"
    "Shows customers -> deployments -> services -> checks with their state: hard or soft\n"
    "(attempt/max), since when, and the last output. Reads the configured database, so it\n"
    "works whether or not the daemon runs.\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "      --customer ID    one customer only\n"
    "  -f, --format FORMAT  table (default) or json\n"
    "  -h, --help           this text\n";

static const char history_usage[] =
    "Usage: stackward history [-c FILE] PATH [--from T] [--to T] [--format table|json|csv]\n"
    "\n"
    "Prints the hard-state intervals [start, end) of a service (customer/deployment/service)\n"
    "or a check (customer/deployment/service/check) that overlap the range. Times are\n"
    "ISO 8601 (2026-10-05T10:15:00Z or with an offset); the default range is the last 24 h.\n"
    "An interval still open has no end. Gaps are time nothing was observed.\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "      --from T         start of the range (default: 24 h before --to)\n"
    "      --to T           end of the range (default: now)\n"
    "  -f, --format FORMAT  table (default), json or csv\n"
    "  -h, --help           this text\n";

static const char *state_text(const struct sw_check_status *c)
{
    if (!c->st.has_state) {
        return "PENDING";
    }
    return sw_state_name(c->st.state);
}

static void print_table(const struct sw_status *st, const char *customer)
{
    const struct sw_config *cfg = st->cfg;
    char t[SW_TIME_LEN];
    size_t si = 0, ci = 0;

    for (size_t a = 0; a < cfg->n_customers; a++) {
        const struct sw_customer_conf *cu = &cfg->customers[a];
        bool show = !customer || strcmp(customer, cu->id) == 0;

        if (show) {
            printf("%s  %s\n", cu->id, cu->name);
        }
        for (size_t b = 0; b < cu->n_deployments; b++) {
            const struct sw_deployment_conf *d = &cu->deployments[b];
            if (show) {
                printf("  %s  %s%s%s  %s\n", d->id, sw_deployment_kind_name(d->kind),
                       d->region ? " " : "", d->region ? d->region : "", d->timezone);
            }
            for (size_t s = 0; s < d->n_services; s++, si++) {
                const struct sw_service_status *ss = &st->services[si];
                if (show) {
                    printf("    %-24s %-9s %s%s%s\n", ss->conf->id,
                           ss->has_state ? sw_state_name(ss->state) : "PENDING",
                           ss->since ? "since " : "", ss->since ? sw_time_format(ss->since, t) : "",
                           ss->flapping ? "  FLAPPING" : "");
                }
                for (size_t k = 0; k < ss->conf->n_checks; k++, ci++) {
                    const struct sw_check_status *c = &st->checks[ci];
                    char hard[32];
                    if (!show) {
                        continue;
                    }
                    if (!c->st.has_state) {
                        snprintf(hard, sizeof(hard), "-");
                    } else if (c->st.hard) {
                        snprintf(hard, sizeof(hard), "hard");
                    } else {
                        snprintf(hard, sizeof(hard), "soft %d/%d", c->st.attempt,
                                 c->conf->max_attempts);
                    }
                    printf("      %-22s %-9s %-9s %-20s %s%s\n", c->conf->id, state_text(c), hard,
                           c->st.has_state ? sw_time_format(c->st.since, t) : "-",
                           c->st.output ? c->st.output : "", c->st.flapping ? " (flapping)" : "");
                }
            }
        }
    }
}

int sw_cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"customer", required_argument, NULL, 'C'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *customer = NULL;
    enum sw_format fmt = SW_FMT_TABLE;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_status *st = NULL;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'C':
            customer = optarg;
            break;
        case 'f':
            if (sw_cli_format(optarg, false, &fmt) < 0) {
                return sw_cli_usage_error("status", "--format must be table or json");
            }
            break;
        case 'h':
            fputs(status_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("status", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("status", "unexpected argument '%s'", argv[optind]);
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    if (customer && !sw_config_find_customer(cfg, customer)) {
        fprintf(stderr, "stackward status: no customer '%s' in %s\n", customer, file);
        sw_store_free(store);
        sw_config_unref(cfg);
        return SW_EXIT_USAGE;
    }
    if (sw_status_from_store(cfg, store, &st) < 0) {
        fprintf(stderr, "stackward status: cannot read the store\n");
        r = SW_EXIT_FAIL;
    } else if (fmt == SW_FMT_JSON) {
        struct sw_buf out;
        sw_buf_init(&out);
        sw_api_json_tree(st, customer, &out);
        puts(out.data ? out.data : "[]");
        sw_buf_release(&out);
    } else {
        print_table(st, customer);
    }
    sw_status_free(st);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_history(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},     {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *path = NULL;
    enum sw_format fmt = SW_FMT_TABLE;
    enum sw_object_kind kind;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_interval *v = NULL;
    int64_t from = 0, to = sw_now();
    bool have_from = false;
    size_t n = 0;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'F':
            if (sw_time_parse(optarg, &from) < 0) {
                return sw_cli_usage_error("history", "--from: '%s' is not an ISO 8601 time",
                                          optarg);
            }
            have_from = true;
            break;
        case 'T':
            if (sw_time_parse(optarg, &to) < 0) {
                return sw_cli_usage_error("history", "--to: '%s' is not an ISO 8601 time", optarg);
            }
            break;
        case 'f':
            if (sw_cli_format(optarg, true, &fmt) < 0) {
                return sw_cli_usage_error("history", "--format must be table, json or csv");
            }
            break;
        case 'h':
            fputs(history_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("history", "bad option");
        }
    }
    if (optind != argc - 1) {
        return sw_cli_usage_error("history", "give exactly one PATH");
    }
    path = argv[optind];
    if (!have_from) {
        from = to - 86400;
    }
    if (from >= to) {
        return sw_cli_usage_error("history", "--from must be before --to");
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    if (sw_config_find_check(cfg, path) || sw_store_is_derived(store, path)) {
        kind = SW_OBJ_CHECK; /* a derived check keeps its history once retired */
    } else if (sw_config_find_service(cfg, path)) {
        kind = SW_OBJ_SERVICE;
    } else {
        fprintf(stderr, "stackward history: no service or check '%s' in %s\n", path, file);
        sw_store_free(store);
        sw_config_unref(cfg);
        return SW_EXIT_USAGE;
    }
    if (sw_store_history(store, kind, path, from, to, &v, &n) < 0) {
        fprintf(stderr, "stackward history: cannot read the store\n");
        r = SW_EXIT_FAIL;
    } else if (fmt == SW_FMT_JSON) {
        struct sw_buf out;
        sw_buf_init(&out);
        sw_api_json_history(path, from, to, v, n, &out);
        puts(out.data);
        sw_buf_release(&out);
    } else {
        char a[SW_TIME_LEN], b[SW_TIME_LEN], d[32];
        if (fmt == SW_FMT_CSV) {
            puts("start,end,state,seconds");
        } else {
            printf("%-20s  %-20s  %-9s  %s\n", "START", "END", "STATE", "DURATION");
        }
        for (size_t i = 0; i < n; i++) {
            int64_t end = v[i].end ? v[i].end : sw_now();
            sw_time_format(v[i].start, a);
            if (v[i].end) {
                sw_time_format(v[i].end, b);
            } else {
                b[0] = '\0';
            }
            if (fmt == SW_FMT_CSV) {
                printf("%s,%s,%s,%lld\n", a, b, sw_state_name(v[i].state),
                       (long long)(end - v[i].start));
            } else {
                printf("%-20s  %-20s  %-9s  %s%s\n", a, v[i].end ? b : "(open)",
                       sw_state_name(v[i].state), sw_duration_format((end - v[i].start) * 1000, d),
                       v[i].end ? "" : " so far");
            }
        }
    }
    free(v);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}
