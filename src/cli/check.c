/* SPDX-License-Identifier: Apache-2.0 */
/* check.c: `stackward validate` and `stackward check run`: the commands that look at one
 * configuration or one check without the daemon. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/engine.h"

static const char validate_usage[] =
    "Usage: stackward validate [-c FILE] [-q]\n"
    "\n"
    "Checks FILE and reports every error as FILE:LINE:COL: message. Exit status 0 when the\n"
    "configuration is valid, 2 when it is not.\n"
    "\n"
    "  -c, --config FILE  configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -q, --quiet        print nothing when valid\n"
    "  -h, --help         this text\n";

static const char check_usage[] =
    "Usage: stackward check run [-c FILE] PATH [--format text|json]\n"
    "\n"
    "Runs the check PATH (customer/deployment/service/check) once, now, outside any schedule,\n"
    "and prints its result. Nothing is stored. Exit status 0 when the result is OK, 1 when\n"
    "it is not, 2 on bad usage.\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -f, --format FORMAT  text (default) or json\n"
    "  -h, --help           this text\n";

int sw_cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG;
    struct sw_config *cfg = NULL;
    bool quiet = false;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(validate_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("validate", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("validate", "unexpected argument '%s'", argv[optind]);
    }
    r = sw_cli_load_config(file, &cfg);
    if (r) {
        return r;
    }
    if (!quiet) {
        printf("%s: valid: %zu customers, %zu services, %zu checks\n", file, cfg->n_customers,
               cfg->n_services, cfg->n_checks);
    }
    sw_config_unref(cfg);
    return SW_EXIT_OK;
}

static int check_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG;
    struct sw_config *cfg = NULL;
    struct sw_check_conf *cc;
    struct sw_probe_result res;
    bool json = false;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0) {
                json = true;
            } else if (strcmp(optarg, "text") != 0) {
                return sw_cli_usage_error("check run", "--format must be text or json");
            }
            break;
        case 'h':
            fputs(check_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("check run", "bad option");
        }
    }
    if (optind != argc - 1) {
        return sw_cli_usage_error("check run", "give exactly one check PATH");
    }
    r = sw_cli_load_config(file, &cfg);
    if (r) {
        return r;
    }
    cc = sw_config_find_check(cfg, argv[optind]);
    if (!cc) {
        fprintf(stderr, "stackward check run: no check '%s' in %s\n", argv[optind], file);
        sw_config_unref(cfg);
        return SW_EXIT_USAGE;
    }
    if (cc->type == SW_CHECK_PASSIVE) {
        fprintf(stderr, "stackward check run: '%s' is passive: its results are pushed to it\n",
                cc->path);
        sw_config_unref(cfg);
        return SW_EXIT_USAGE;
    }
    r = sw_check_run_once(cc, cfg, &res);
    if (r < 0) {
        fprintf(stderr, "stackward check run: %s: the probe failed to run\n", cc->path);
        sw_config_unref(cfg);
        return SW_EXIT_FAIL;
    }
    if (json) {
        struct sw_buf out;
        char t[SW_TIME_LEN];
        sw_buf_init(&out);
        sw_buf_puts(&out, "{\"path\": ");
        sw_buf_json_str(&out, cc->path);
        sw_buf_printf(&out, ", \"state\": \"%s\", \"time\": \"%s\", \"latency_ms\": %.3f",
                      sw_state_name(res.state), sw_time_format(res.t_ms / 1000, t),
                      (double)res.latency_us / 1000.0);
        sw_buf_puts(&out, ", \"output\": ");
        sw_buf_json_str(&out, res.output);
        sw_buf_puts(&out, ", \"long_output\": ");
        if (res.long_output) {
            sw_buf_json_str(&out, res.long_output);
        } else {
            sw_buf_puts(&out, "null");
        }
        sw_buf_puts(&out, ", \"perfdata\": ");
        if (res.perfdata) {
            sw_buf_json_str(&out, res.perfdata);
        } else {
            sw_buf_puts(&out, "null");
        }
        sw_buf_puts(&out, "}");
        puts(out.data);
        sw_buf_release(&out);
    } else {
        printf("%s %s: %s%s%s\n", cc->path, sw_state_name(res.state), res.output,
               res.perfdata ? " | " : "", res.perfdata ? res.perfdata : "");
        if (res.long_output) {
            printf("%s\n", res.long_output);
        }
    }
    r = res.state == SW_OK ? SW_EXIT_OK : SW_EXIT_FAIL;
    sw_probe_result_release(&res);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_check(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        return check_run(argc - 1, argv + 1);
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(check_usage, stdout);
        return SW_EXIT_OK;
    }
    return sw_cli_usage_error("check", "the subcommand is 'run'");
}
