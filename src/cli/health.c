/* SPDX-License-Identifier: Apache-2.0 */
/* health.c: `stackward health`, the manager's view of the team over a period. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "cli/cli.h"
#include "support/support.h"

static const char usage[] =
    "Usage: stackward health -c FILE [--month YYYY-MM | --from T --to T] [--engineer E]\n"
    "                        [--format table|json|csv]\n"
    "\n"
    "The team's health over a period (the last 30 days unless given; --month is a calendar\n"
    "month in UTC): MTTA, MTTM, MTTR, pages outside working hours, incidents per on-call\n"
    "shift and shifts over two incidents in 12 hours, on-call load and its unevenness, case\n"
    "first-response and resolution compliance, backlog size and age, re-open rate, SLA\n"
    "objectives met, change frequency, change failure rate, time to restore and lead time.\n"
    "Each with its status (green, amber, red against health.thresholds) and its trend against\n"
    "the previous period of equal length. --engineer restricts pages, shifts and cases to one\n"
    "engineer. Definitions: docs/health.md.\n"
    "\n"
    "Exit status: 0 done; 1 the store failed; 2 bad usage or input.\n";

int sw_cmd_health(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},   {"month", required_argument, NULL, 'M'},
        {"from", required_argument, NULL, 'f'},     {"to", required_argument, NULL, 't'},
        {"engineer", required_argument, NULL, 'e'}, {"format", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *month = NULL, *engineer = NULL;
    enum sw_format fmt = SW_FMT_TABLE;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    int64_t from = 0, to = 0, now = sw_now();
    struct sw_buf out, err;
    int c, r, y, m;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'M':
            month = optarg;
            break;
        case 'f':
        case 't':
            if (sw_time_parse(optarg, c == 'f' ? &from : &to) < 0) {
                return sw_cli_usage_error("health", "'%s' is not an ISO 8601 time with a zone",
                                          optarg);
            }
            break;
        case 'e':
            engineer = optarg;
            break;
        case 'x':
            if (sw_cli_format(optarg, true, &fmt) < 0) {
                return sw_cli_usage_error("health", "--format must be table, json or csv");
            }
            break;
        case 'h':
            fputs(usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("health", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("health", "unexpected argument '%s'", argv[optind]);
    }
    if (month && (from || to)) {
        return sw_cli_usage_error("health", "give --month or --from and --to, not both");
    }
    if (month && sw_account_month("UTC", month, &y, &m, &from, &to) < 0) {
        return sw_cli_usage_error("health", "--month: '%s' is not YYYY-MM", month);
    }
    if (!month && (!from != !to)) {
        return sw_cli_usage_error("health", "give both --from and --to");
    }
    if (!from) {
        to = now;
        from = now - 30 * 86400;
    }
    if (from >= to) {
        return sw_cli_usage_error("health", "--from must be before --to");
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    sw_buf_init(&out);
    sw_buf_init(&err);
    r = sw_team_health(store, cfg, from, to, engineer, now,
                       fmt == SW_FMT_JSON  ? SW_TEAM_JSON
                       : fmt == SW_FMT_CSV ? SW_TEAM_CSV
                                           : SW_TEAM_TABLE,
                       &out, &err);
    if (r < 0) {
        fprintf(stderr, "stackward health: %s\n", err.len ? err.data : "failed");
        r = r == -EINVAL ? SW_EXIT_USAGE : SW_EXIT_FAIL;
    } else {
        fputs(out.data ? out.data : "", stdout);
        r = SW_EXIT_OK;
    }
    sw_buf_release(&out);
    sw_buf_release(&err);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}
