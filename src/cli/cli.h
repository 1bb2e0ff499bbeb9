/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h: what the command files share: the common options, the loaders every command uses,
 * and one entry point per command. Exit status: 0 success, 1 a failed check, 2 bad usage or
 * bad input. */
#ifndef SW_CLI_H
#define SW_CLI_H

#include "config/config.h"
#include "store/store.h"

#define SW_EXIT_OK 0
#define SW_EXIT_FAIL 1
#define SW_EXIT_USAGE 2

#define SW_DEFAULT_CONFIG "/etc/stackward/stackward.yaml"

enum sw_format {
    SW_FMT_TABLE = 0,
    SW_FMT_JSON = 1,
    SW_FMT_CSV = 2,
};

/* Parses "table", "json", "csv" (when allowed): 0 or -EINVAL with a message printed. */
int sw_cli_format(const char *s, bool csv_ok, enum sw_format *ret);
/* Loads the config, printing every error to stderr. Returns 0 or SW_EXIT_USAGE. */
int sw_cli_load_config(const char *file, struct sw_config **ret);
/* Loads the config and opens its store, printing any error: 0, or SW_EXIT_USAGE or
 * SW_EXIT_FAIL with nothing left open. */
int sw_cli_open_both(const char *file, struct sw_config **cfg, struct sw_store **store);
/* Opens the config's store, printing the error. Returns 0 or SW_EXIT_FAIL. */
int sw_cli_open_store(const struct sw_config *cfg, struct sw_store **ret);
/* Prints "stackward CMD: message" and a hint to --help to stderr; returns SW_EXIT_USAGE. */
int sw_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int sw_cmd_serve(int argc, char **argv);
int sw_cmd_validate(int argc, char **argv);
int sw_cmd_status(int argc, char **argv);
int sw_cmd_history(int argc, char **argv);
int sw_cmd_check(int argc, char **argv);
int sw_cmd_ingest(int argc, char **argv);
int sw_cmd_sla(int argc, char **argv);
int sw_cmd_report(int argc, char **argv);
int sw_cmd_maint(int argc, char **argv);
int sw_cmd_slo(int argc, char **argv);
int sw_cmd_oncall(int argc, char **argv);
int sw_cmd_incident(int argc, char **argv);
int sw_cmd_case(int argc, char **argv);
int sw_cmd_change(int argc, char **argv);
int sw_cmd_health(int argc, char **argv);
int sw_cmd_import(int argc, char **argv);
int sw_cmd_token(int argc, char **argv);
int sw_cmd_migrate(int argc, char **argv);
int sw_cmd_cluster(int argc, char **argv);

#endif
