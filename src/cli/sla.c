/* SPDX-License-Identifier: Apache-2.0 */
/* sla.c: the contract commands: `stackward sla` (a customer's statement for a period),
 * `stackward report` (the monthly report in HTML, PDF, CSV or JSON), `stackward maint`
 * (maintenance windows at run time) and `stackward slo alerts` (burn-rate alerts). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account/account.h"
#include "cli/cli.h"
#include "report/report.h"

static const char sla_usage[] =
    "Usage: stackward sla [-c FILE] --customer ID [--month YYYY-MM | --from T --to T]\n"
    "                     [--service GLOB] [--format table|json|csv]\n"
    "\n"
    "Prints the customer's availability per contracted service for a period: eligible time,\n"
    "downtime, maintenance, unknown time, availability against the target, error budget used\n"
    "and the service credit owed. The default period is the current calendar month in the\n"
    "contract's time zone (or the rolling window of a rolling contract). Exit status 0 when\n"
    "every objective is met (or has no data yet), 1 when one is missed.\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "      --customer ID    the customer (required)\n"
    "      --month YYYY-MM  a calendar month in the contract's time zone\n"
    "      --from T --to T  any period, ISO 8601\n"
    "      --service GLOB   only services whose deployment/service matches\n"
    "  -f, --format FORMAT  table (default), json or csv\n"
    "  -h, --help           this text\n";

static const char report_usage[] =
    "Usage: stackward report [-c FILE] --customer ID --month YYYY-MM\n"
    "                        --format html|pdf|csv|json -o FILE\n"
    "\n"
    "Writes the monthly report a customer receives: per service the target, availability,\n"
    "met or missed, downtime, maintenance and unknown minutes, budget used and credit; a\n"
    "timeline strip per service, a 12-month trend, and the outages and maintenance windows\n"
    "in the customer's time zone. HTML opens offline and prints on A4; PDF is drawn natively.\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "      --customer ID    the customer (required)\n"
    "      --month YYYY-MM  the month (default: the last complete month)\n"
    "  -f, --format FORMAT  html, pdf, csv or json (required)\n"
    "  -o, --output FILE    where to write it (required; - for stdout, not for pdf)\n"
    "  -h, --help           this text\n";

static const char maint_usage[] =
    "Usage: stackward maint add [-c FILE] SCOPE --start T --end T [--reason TEXT] [--counted]\n"
    "       stackward maint list [-c FILE] [--customer ID] [--format table|json]\n"
    "       stackward maint rm [-c FILE] ID\n"
    "\n"
    "Maintenance windows added at run time, beside those of the configuration. SCOPE is a\n"
    "customer, customer/deployment or customer/deployment/service. Time in a window is\n"
    "excluded from the SLA unless --counted (customer-caused outage tracking). Overlapping\n"
    "windows merge. `list` shows the configuration's windows too (weekly ones as rules).\n"
    "\n"
    "  -c, --config FILE  configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -h, --help         this text\n";

static const char slo_usage[] =
    "Usage: stackward slo alerts [-c FILE] [--format table|json]\n"
    "\n"
    "Lists the burn-rate alerts firing now: for each contracted service and rule (page on\n"
    "1 h / 5 min at 14.4 and 6 h / 30 min at 6, ticket on 1 d / 2 h at 3 and 3 d / 6 h at 1,\n"
    "or the contract's own), the burn rates over both windows and the time left until the\n"
    "error budget is gone at that rate. Computed from the history now. Exit status 1 when a\n"
    "page alert fires.\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -f, --format FORMAT  table (default) or json\n"
    "  -h, --help           this text\n";

/* The current period of customer cu at now: its calendar month, or its rolling window. */
static void current_period(const struct sw_customer_conf *cu, int64_t now, int64_t *from,
                           int64_t *to)
{
    struct tm tm;
    const char *tz = sw_account_tz(cu);

    if (cu->contract && cu->contract->rolling_s) {
        *from = now - cu->contract->rolling_s;
        *to = now;
        return;
    }
    if (sw_tz_from_utc(tz, now, &tm) < 0 ||
        sw_tz_month(tz, tm.tm_year + 1900, tm.tm_mon + 1, from, to) < 0) {
        *from = now - 30 * 86400;
        *to = now;
    }
}

int sw_cmd_sla(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"customer", required_argument, NULL, 'C'},
        {"month", required_argument, NULL, 'm'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"service", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *customer = NULL, *month = NULL, *glob = NULL;
    const char *from_s = NULL, *to_s = NULL;
    enum sw_format fmt = SW_FMT_TABLE;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_statement *st = NULL;
    const struct sw_customer_conf *cu;
    struct sw_buf out, err;
    int64_t from = 0, to = 0, now = sw_now();
    int c, r, y, m;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'C':
            customer = optarg;
            break;
        case 'm':
            month = optarg;
            break;
        case 'F':
            from_s = optarg;
            break;
        case 'T':
            to_s = optarg;
            break;
        case 's':
            glob = optarg;
            break;
        case 'f':
            if (sw_cli_format(optarg, true, &fmt) < 0) {
                return sw_cli_usage_error("sla", "--format must be table, json or csv");
            }
            break;
        case 'h':
            fputs(sla_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("sla", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("sla", "unexpected argument '%s'", argv[optind]);
    }
    if (!customer) {
        return sw_cli_usage_error("sla", "--customer is required");
    }
    if (month && (from_s || to_s)) {
        return sw_cli_usage_error("sla", "give --month or --from/--to, not both");
    }
    if (!from_s != !to_s) {
        return sw_cli_usage_error("sla", "--from and --to go together");
    }
    if (from_s && sw_time_parse(from_s, &from) < 0) {
        return sw_cli_usage_error("sla", "--from: '%s' is not an ISO 8601 time", from_s);
    }
    if (to_s && sw_time_parse(to_s, &to) < 0) {
        return sw_cli_usage_error("sla", "--to: '%s' is not an ISO 8601 time", to_s);
    }
    if (from_s && from >= to) {
        return sw_cli_usage_error("sla", "--from must be before --to");
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    sw_buf_init(&out);
    sw_buf_init(&err);
    cu = sw_config_find_customer(cfg, customer);
    if (!cu) {
        fprintf(stderr, "stackward sla: no customer '%s' in %s\n", customer, file);
        r = SW_EXIT_USAGE;
        goto out;
    }
    if (month && sw_account_month(sw_account_tz(cu), month, &y, &m, &from, &to) < 0) {
        fprintf(stderr, "stackward sla: --month: '%s' is not a month (YYYY-MM, 01..12)\n", month);
        r = SW_EXIT_USAGE;
        goto out;
    }
    if (!month && !from_s) {
        current_period(cu, now, &from, &to);
    }
    r = sw_account_statement(cfg, store, customer, from, to, now, glob, false, &err, &st);
    if (r < 0) {
        fprintf(stderr, "stackward sla: %s\n", err.data ? err.data : strerror(-r));
        r = r == -EIO ? SW_EXIT_FAIL : SW_EXIT_USAGE;
        goto out;
    }
    if (fmt == SW_FMT_JSON) {
        sw_statement_json(st, &out);
        sw_buf_puts(&out, "\n");
    } else if (fmt == SW_FMT_CSV) {
        sw_statement_csv(st, &out);
    } else {
        sw_statement_table(st, &out);
    }
    fputs(out.data ? out.data : "", stdout);
    r = SW_EXIT_OK;
    for (size_t i = 0; i < st->n_lines; i++) {
        if (st->lines[i].r.defined && !st->lines[i].r.met) {
            r = SW_EXIT_FAIL;
        }
    }
out:
    sw_statement_free(st);
    sw_buf_release(&out);
    sw_buf_release(&err);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

/* Writes a report of customer for year-month in format to path ("-": stdout). */
static int write_report(struct sw_config *cfg, struct sw_store *store, const char *customer, int y,
                        int m, const char *format, const char *path, struct sw_buf *err)
{
    struct sw_account_report *rep = NULL;
    const struct sw_report *model;
    struct sw_buf out;
    FILE *f = NULL;
    int r;

    sw_buf_init(&out);
    r = sw_account_report(cfg, store, customer, y, m, sw_now(), err, &rep);
    if (r < 0) {
        return r;
    }
    model = sw_account_report_model(rep);
    if (strcmp(format, "pdf") == 0) {
        r = sw_report_pdf(model, path, err);
        goto out;
    }
    r = sw_report_check(model, err);
    if (r < 0) {
        goto out;
    }
    if (strcmp(format, "html") == 0) {
        sw_report_html(model, &out);
    } else if (strcmp(format, "csv") == 0) {
        sw_report_csv(model, &out);
    } else {
        sw_report_json(model, &out);
    }
    f = strcmp(path, "-") == 0 ? stdout : fopen(path, "we");
    if (!f || fwrite(out.data, 1, out.len, f) != out.len || (f != stdout && fclose(f) != 0)) {
        sw_buf_printf(err, "%s: %s", path, strerror(errno));
        if (f && f != stdout) {
            fclose(f);
        }
        r = -EIO;
    }
out:
    sw_buf_release(&out);
    sw_account_report_free(rep);
    return r;
}

int sw_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"customer", required_argument, NULL, 'C'},
        {"month", required_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *customer = NULL, *month = NULL, *format = NULL;
    const char *output = NULL;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    const struct sw_customer_conf *cu;
    struct sw_buf err;
    int64_t from, to;
    int c, r, y, m;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'C':
            customer = optarg;
            break;
        case 'm':
            month = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("report", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
    }
    if (!customer || !format || !output) {
        return sw_cli_usage_error("report", "--customer, --format and -o are required");
    }
    if (strcmp(format, "html") && strcmp(format, "pdf") && strcmp(format, "csv") &&
        strcmp(format, "json")) {
        return sw_cli_usage_error("report", "--format must be html, pdf, csv or json");
    }
    if (strcmp(format, "pdf") == 0 && strcmp(output, "-") == 0) {
        return sw_cli_usage_error("report", "a PDF goes to a file: give -o FILE");
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    sw_buf_init(&err);
    cu = sw_config_find_customer(cfg, customer);
    if (!cu) {
        fprintf(stderr, "stackward report: no customer '%s' in %s\n", customer, file);
        r = SW_EXIT_USAGE;
        goto out;
    }
    if (month) {
        if (sw_account_month(sw_account_tz(cu), month, &y, &m, &from, &to) < 0) {
            fprintf(stderr, "stackward report: --month: '%s' is not a month (YYYY-MM, 01..12)\n",
                    month);
            r = SW_EXIT_USAGE;
            goto out;
        }
    } else {
        struct tm tm;
        sw_tz_from_utc(sw_account_tz(cu), sw_now(), &tm);
        y = tm.tm_year + 1900;
        m = tm.tm_mon; /* the month before this one, 0 = December of last year */
        if (m == 0) {
            m = 12;
            y--;
        }
    }
    r = write_report(cfg, store, customer, y, m, format, output, &err);
    if (r < 0) {
        fprintf(stderr, "stackward report: %s\n", err.data ? err.data : strerror(-r));
        r = r == -EIO ? SW_EXIT_FAIL : SW_EXIT_USAGE;
        goto out;
    }
    r = SW_EXIT_OK;
out:
    sw_buf_release(&err);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

/* ---- maint ---- */

static int maint_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"start", required_argument, NULL, 'S'},
        {"end", required_argument, NULL, 'E'},
        {"reason", required_argument, NULL, 'r'},
        {"counted", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG;
    struct sw_maint_row row = {.excluded = true};
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    bool have_start = false, have_end = false;
    int64_t id;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'S':
            if (sw_time_parse(optarg, &row.start) < 0) {
                return sw_cli_usage_error("maint add", "--start: '%s' is not an ISO 8601 time",
                                          optarg);
            }
            have_start = true;
            break;
        case 'E':
            if (sw_time_parse(optarg, &row.end) < 0) {
                return sw_cli_usage_error("maint add", "--end: '%s' is not an ISO 8601 time",
                                          optarg);
            }
            have_end = true;
            break;
        case 'r':
            row.reason = optarg;
            break;
        case 'k':
            row.excluded = false;
            break;
        case 'h':
            fputs(maint_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("maint add", "bad option");
        }
    }
    if (optind != argc - 1) {
        return sw_cli_usage_error("maint add", "give exactly one SCOPE");
    }
    if (!have_start || !have_end) {
        return sw_cli_usage_error("maint add", "--start and --end are required");
    }
    if (row.start >= row.end) {
        return sw_cli_usage_error("maint add", "--start must be before --end");
    }
    row.scope = argv[optind];
    row.created = sw_now();
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    if (!sw_account_scope_exists(cfg, row.scope)) {
        fprintf(stderr, "stackward maint add: no customer, deployment or service '%s' in %s\n",
                row.scope, file);
        r = SW_EXIT_USAGE;
    } else if (sw_store_maint_add(store, &row, &id) < 0) {
        fprintf(stderr, "stackward maint add: cannot write to the store\n");
        r = SW_EXIT_FAIL;
    } else {
        printf("%lld\n", (long long)id);
        r = SW_EXIT_OK;
    }
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

static int maint_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"customer", required_argument, NULL, 'C'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *const days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
    const char *file = SW_DEFAULT_CONFIG, *customer = NULL;
    enum sw_format fmt = SW_FMT_TABLE;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_maint_row *rows = NULL;
    struct sw_buf out;
    size_t n = 0;
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
                return sw_cli_usage_error("maint list", "--format must be table or json");
            }
            break;
        case 'h':
            fputs(maint_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("maint list", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("maint list", "unexpected argument '%s'", argv[optind]);
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    if (customer && !sw_config_find_customer(cfg, customer)) {
        fprintf(stderr, "stackward maint list: no customer '%s' in %s\n", customer, file);
        sw_store_free(store);
        sw_config_unref(cfg);
        return SW_EXIT_USAGE;
    }
    if (sw_store_maint_list(store, &rows, &n) < 0) {
        fprintf(stderr, "stackward maint list: cannot read the store\n");
        sw_store_free(store);
        sw_config_unref(cfg);
        return SW_EXIT_FAIL;
    }
    sw_buf_init(&out);
    if (fmt == SW_FMT_JSON) {
        sw_account_maint_json(cfg, rows, n, customer, &out);
        sw_buf_puts(&out, "\n");
    } else {
        sw_buf_printf(&out, "%-6s %-28s %-22s %-22s %-9s %s\n", "ID", "SCOPE", "START", "END",
                      "SLA", "REASON");
        for (size_t i = 0; i < cfg->n_maintenance; i++) {
            const struct sw_maint_conf *m = &cfg->maintenance[i];
            char a[SW_TIME_LEN], e[SW_TIME_LEN], d[32], rule[96];
            if (customer && !sw_account_scope_covers(customer, m->scope)) {
                continue;
            }
            if (m->weekly) {
                snprintf(rule, sizeof(rule), "every %s %02d:%02d for %s", days[m->weekday % 7],
                         m->start_s / 3600, m->start_s / 60 % 60,
                         sw_duration_format(m->duration_s * 1000, d));
                sw_buf_printf(&out, "%-6s %-28s %-45s %-9s %s (%s)\n", "config", m->scope, rule,
                              m->excluded ? "excluded" : "counted", m->reason ? m->reason : "",
                              m->timezone);
            } else {
                sw_buf_printf(&out, "%-6s %-28s %-22s %-22s %-9s %s\n", "config", m->scope,
                              sw_time_format(m->start, a), sw_time_format(m->end, e),
                              m->excluded ? "excluded" : "counted", m->reason ? m->reason : "");
            }
        }
        for (size_t i = 0; i < n; i++) {
            char a[SW_TIME_LEN], e[SW_TIME_LEN];
            if (customer && !sw_account_scope_covers(customer, rows[i].scope)) {
                continue;
            }
            sw_buf_printf(&out, "%-6lld %-28s %-22s %-22s %-9s %s\n", (long long)rows[i].id,
                          rows[i].scope, sw_time_format(rows[i].start, a),
                          sw_time_format(rows[i].end, e), rows[i].excluded ? "excluded" : "counted",
                          rows[i].reason ? rows[i].reason : "");
        }
    }
    fputs(out.data, stdout);
    sw_buf_release(&out);
    sw_maint_rows_free(rows, n);
    sw_store_free(store);
    sw_config_unref(cfg);
    return SW_EXIT_OK;
}

static int maint_rm(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    char *end;
    long long id;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'h':
            fputs(maint_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("maint rm", "bad option");
        }
    }
    if (optind != argc - 1) {
        return sw_cli_usage_error("maint rm", "give exactly one window ID");
    }
    errno = 0;
    id = strtoll(argv[optind], &end, 10);
    if (errno || *end || end == argv[optind] || id <= 0) {
        return sw_cli_usage_error("maint rm", "'%s' is not a window id", argv[optind]);
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    r = sw_store_maint_remove(store, id);
    if (r == -ENOENT) {
        fprintf(stderr,
                "stackward maint rm: no window %lld (windows of the configuration are "
                "removed by editing it)\n",
                id);
        r = SW_EXIT_USAGE;
    } else if (r < 0) {
        fprintf(stderr, "stackward maint rm: cannot write to the store\n");
        r = SW_EXIT_FAIL;
    } else {
        r = SW_EXIT_OK;
    }
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_maint(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0) {
        return maint_add(argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "list") == 0) {
        return maint_list(argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "rm") == 0) {
        return maint_rm(argc - 1, argv + 1);
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(maint_usage, stdout);
        return SW_EXIT_OK;
    }
    return sw_cli_usage_error("maint", "the subcommands are add, list and rm");
}

/* ---- slo alerts ---- */

int sw_cmd_slo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG;
    enum sw_format fmt = SW_FMT_TABLE;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_alert_row *prev = NULL, *v = NULL;
    size_t n_prev = 0, n = 0;
    struct sw_buf out;
    int c, r;
    bool page = false;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(slo_usage, stdout);
        return SW_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "alerts") != 0) {
        return sw_cli_usage_error("slo", "the subcommand is 'alerts'");
    }
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'f':
            if (sw_cli_format(optarg, false, &fmt) < 0) {
                return sw_cli_usage_error("slo alerts", "--format must be table or json");
            }
            break;
        case 'h':
            fputs(slo_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("slo alerts", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("slo alerts", "unexpected argument '%s'", argv[optind]);
    }
    r = sw_cli_open_both(file, &cfg, &store);
    if (r) {
        return r;
    }
    /* the daemon's view carries "since"; the numbers are computed afresh */
    sw_store_alerts_list(store, &prev, &n_prev);
    if (sw_account_burn(cfg, store, sw_now(), prev, n_prev, &v, &n) < 0) {
        fprintf(stderr, "stackward slo alerts: cannot read the store\n");
        r = SW_EXIT_FAIL;
        goto out;
    }
    sw_buf_init(&out);
    if (fmt == SW_FMT_JSON) {
        sw_account_alerts_json(v, n, &out);
        sw_buf_puts(&out, "\n");
    } else {
        sw_buf_printf(&out, "%-34s %-7s %-10s %7s %10s %10s %-8s %s\n", "SERVICE", "SEVERITY",
                      "WINDOWS", "FACTOR", "BURN LONG", "BURN SHORT", "STATE", "BUDGET GONE IN");
        for (size_t i = 0; i < n; i++) {
            char d1[32], d2[32], w[72], ex[32];
            snprintf(w, sizeof(w), "%s/%s", sw_duration_format(v[i].long_s * 1000, d1),
                     sw_duration_format(v[i].short_s * 1000, d2));
            if (v[i].no_data || v[i].exhaustion_s < 0) {
                snprintf(ex, sizeof(ex), "-");
            } else {
                sw_duration_format(v[i].exhaustion_s * 1000, ex);
            }
            sw_buf_printf(&out, "%-34s %-7s %-10s %7.3g %10.3g %10.3g %-8s %s\n", v[i].service,
                          v[i].page ? "page" : "ticket", w, v[i].factor_milli / 1000.0,
                          v[i].burn_long, v[i].burn_short, v[i].no_data ? "no data" : "firing", ex);
        }
        if (!n) {
            sw_buf_puts(&out, "(no alert)\n");
        }
    }
    fputs(out.data, stdout);
    sw_buf_release(&out);
    for (size_t i = 0; i < n; i++) {
        page |= v[i].page && !v[i].no_data;
    }
    r = page ? SW_EXIT_FAIL : SW_EXIT_OK;
out:
    sw_alert_rows_free(prev, n_prev);
    sw_alert_rows_free(v, n);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}
