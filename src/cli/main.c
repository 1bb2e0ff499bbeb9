/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the stackward command: dispatches to one file per command group and holds the
 * helpers they share. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/engine.h"

static const char usage[] =
    "Usage: stackward COMMAND [OPTIONS]\n"
    "\n"
    "Watches private clouds, keeps their state history, and serves it.\n"
    "\n"
    "Commands:\n"
    "  serve      run the daemon: schedule checks, keep state, serve the API\n"
    "  validate   check a configuration file and report every error\n"
    "  status     show customers, deployments, services and checks with their state\n"
    "  check run  run one check now and print its result\n"
    "  history    print the state intervals of a service or check\n"
    "  ingest     load timestamped results (JSON Lines) through the state engine\n"
    "  sla        a customer's availability, error budget and credit for a period\n"
    "  report     the monthly customer report (html, pdf, csv, json)\n"
    "  maint      add, list and remove maintenance windows\n"
    "  slo alerts the burn-rate alerts firing now\n"
    "  oncall     who is on call now or at a time; `oncall export` writes an iCalendar file\n"
    "  incident   list, show, acknowledge, resolve incidents and add notes\n"
    "  case       open and work support cases; their contractual timers\n"
    "  change     record changes (planned operations) on deployments\n"
    "  health     the team's health over a period: on-call load, MTTA/MTTR, cases, changes\n"
    "  import     `import juju`: services and checks from `juju status --format=json`\n"
    "  token      create, list and revoke API and web tokens with their roles\n"
    "  cluster    the nodes sharing a PostgreSQL database, their shards and leader\n"
    "  migrate    copy a SQLite store into an empty PostgreSQL database, verified\n"
    "\n"
    "Every command takes -c FILE (default " SW_DEFAULT_CONFIG ") and --help.\n"
    "Options: -h, --help  this text;  -V, --version  the version.\n"
    "See stackward(1) and docs/ for more.\n";

int sw_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "stackward %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'stackward %s --help'.\n", cmd);
    return SW_EXIT_USAGE;
}

int sw_cli_format(const char *s, bool csv_ok, enum sw_format *ret)
{
    if (strcmp(s, "table") == 0) {
        *ret = SW_FMT_TABLE;
    } else if (strcmp(s, "json") == 0) {
        *ret = SW_FMT_JSON;
    } else if (csv_ok && strcmp(s, "csv") == 0) {
        *ret = SW_FMT_CSV;
    } else {
        return -EINVAL;
    }
    return 0;
}

int sw_cli_load_config(const char *file, struct sw_config **ret)
{
    struct sw_buf err;
    int r;

    sw_buf_init(&err);
    r = sw_config_load(file, &err, ret);
    if (r < 0) {
        if (err.len) {
            fputs(err.data, stderr);
        } else {
            fprintf(stderr, "%s: %s\n", file, strerror(-r));
        }
    }
    sw_buf_release(&err);
    return r < 0 ? SW_EXIT_USAGE : 0;
}

int sw_cli_open_store(const struct sw_config *cfg, struct sw_store **ret)
{
    struct sw_buf err;
    int r;

    struct sw_store_options o = {.password = cfg->database_password,
                                 .buffer_max = cfg->database_buffer};

    sw_buf_init(&err);
    r = sw_store_open_with(cfg->database, &o, &err, ret);
    if (r < 0) {
        char safe[512];
        fprintf(stderr, "stackward: cannot open the store '%s': %s\n",
                sw_store_uri_redact(cfg->database, safe, sizeof(safe)),
                err.len ? err.data : strerror(-r));
    }
    sw_buf_release(&err);
    return r < 0 ? SW_EXIT_FAIL : 0;
}

int sw_cli_open_both(const char *file, struct sw_config **cfg, struct sw_store **store)
{
    struct sw_config *derived = NULL;
    int r = sw_cli_load_config(file, cfg);

    if (r == 0 && (r = sw_cli_open_store(*cfg, store)) != 0) {
        sw_config_unref(*cfg);
        *cfg = NULL;
        return r;
    }
    /* the checks made at run time (discovery, alerts) are part of what the store tells */
    if (r == 0 && sw_config_with_derived(*cfg, *store, &derived) < 0) {
        fprintf(stderr, "stackward: cannot read the derived checks of the store\n");
        sw_store_free(*store);
        sw_config_unref(*cfg);
        *store = NULL;
        *cfg = NULL;
        return SW_EXIT_FAIL;
    }
    if (r == 0) {
        sw_config_unref(*cfg);
        *cfg = derived;
    }
    return r;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"serve", sw_cmd_serve},     {"validate", sw_cmd_validate}, {"status", sw_cmd_status},
        {"history", sw_cmd_history}, {"check", sw_cmd_check},       {"ingest", sw_cmd_ingest},
        {"sla", sw_cmd_sla},         {"report", sw_cmd_report},     {"maint", sw_cmd_maint},
        {"slo", sw_cmd_slo},         {"oncall", sw_cmd_oncall},     {"incident", sw_cmd_incident},
        {"case", sw_cmd_case},       {"change", sw_cmd_change},     {"health", sw_cmd_health},
        {"import", sw_cmd_import},   {"token", sw_cmd_token},       {"cluster", sw_cmd_cluster},
        {"migrate", sw_cmd_migrate},
    };

    if (argc < 2) {
        fputs(usage, stderr);
        return SW_EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return SW_EXIT_OK;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        puts("stackward " SW_VERSION);
        return SW_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[1], cmds[i].name) == 0) {
            return cmds[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "stackward: unknown command '%s'\n\n%s", argv[1], usage);
    return SW_EXIT_USAGE;
}
