/* SPDX-License-Identifier: Apache-2.0 */
/* import.c: `stackward import juju`, a `juju status --format=json` document turned into a
 * configuration fragment of services and passive checks to include under a deployment. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "probe/probe.h"

static const char usage[] =
    "Usage: stackward import juju --customer C --deployment D [-c FILE] [--freshness DUR]\n"
    "                             [-o OUT] STATUS.json\n"
    "\n"
    "Reads `juju status --format=json` (a file, or - for standard input) and writes a\n"
    "configuration fragment: one service per application, one passive check per unit (its\n"
    "workload and agent status), named as the juju probe names its results, so the two work\n"
    "together. Include it under the deployment with `include: OUT`. With -c, the customer\n"
    "and deployment must exist in FILE. --freshness sets how long a unit's result stays\n"
    "fresh (none by default). Without -o the fragment goes to standard output; with -o it is\n"
    "written to OUT whole or not at all. Details: docs/juju.md.\n"
    "\n"
    "Exit status: 0 written; 2 bad usage or input.\n";

static char *read_input(const char *path, size_t *ret_len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    struct sw_buf b;
    char chunk[65536];
    size_t n;

    if (!f) {
        return NULL;
    }
    sw_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        sw_buf_append(&b, chunk, n);
        if (b.len > 64u * 1024 * 1024) {
            break;
        }
    }
    if (ferror(f) || b.len > 64u * 1024 * 1024) {
        errno = ferror(f) ? EIO : EFBIG;
        if (f != stdin) {
            fclose(f);
        }
        sw_buf_release(&b);
        return NULL;
    }
    if (f != stdin) {
        fclose(f);
    }
    *ret_len = b.len;
    if (!b.data) {
        return sw_xstrdup("");
    }
    return sw_buf_steal(&b);
}

/* Writes data to path through a temporary file renamed over it: whole or not at all. */
static int write_whole(const char *path, const char *data, size_t len)
{
    char *tmp = sw_xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int r = 0;

    if (!f) {
        r = -errno;
        free(tmp);
        return r;
    }
    if (fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        r = -errno;
    }
    if (fclose(f) != 0 && r == 0) {
        r = -errno;
    }
    if (r == 0 && rename(tmp, path) != 0) {
        r = -errno;
    }
    if (r < 0) {
        unlink(tmp);
    }
    free(tmp);
    return r;
}

int sw_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"customer", required_argument, NULL, 'C'},
        {"deployment", required_argument, NULL, 'D'},
        {"freshness", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = NULL, *customer = NULL, *deployment = NULL, *freshness = NULL,
               *output = NULL, *input;
    struct sw_buf out, err;
    char *text;
    size_t len = 0;
    int c, r;

    optind = 1;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return SW_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "juju") != 0) {
        return sw_cli_usage_error("import", "what to import: juju");
    }
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "c:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'C':
            customer = optarg;
            break;
        case 'D':
            deployment = optarg;
            break;
        case 'F':
            freshness = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("import", "bad option");
        }
    }
    if (!customer || !deployment) {
        return sw_cli_usage_error("import", "--customer and --deployment are required");
    }
    if (optind != argc - 1) {
        return sw_cli_usage_error("import", "give one juju status file (or - for stdin)");
    }
    input = argv[optind];
    if (file) {
        struct sw_config *cfg = NULL;
        char *dep = sw_xasprintf("%s/%s", customer, deployment);
        bool found;
        r = sw_cli_load_config(file, &cfg);
        if (r) {
            free(dep);
            return r;
        }
        found = sw_config_find_deployment(cfg, dep) != NULL;
        sw_config_unref(cfg);
        if (!found) {
            fprintf(stderr, "stackward import: no deployment '%s' in %s\n", dep, file);
            free(dep);
            return SW_EXIT_USAGE;
        }
        free(dep);
    }
    text = read_input(input, &len);
    if (!text) {
        fprintf(stderr, "stackward import: cannot read %s: %s\n", input, strerror(errno));
        return SW_EXIT_USAGE;
    }
    sw_buf_init(&out);
    sw_buf_init(&err);
    sw_buf_printf(&out, "# For the deployment %s of customer %s.\n", deployment, customer);
    r = sw_juju_import(text, len, strcmp(input, "-") == 0 ? "standard input" : input, freshness,
                       &out, &err);
    free(text);
    if (r < 0) {
        fprintf(stderr, "stackward import: %s: %s\n", input, err.data ? err.data : "invalid");
        r = SW_EXIT_USAGE;
    } else if (output) {
        int w = write_whole(output, out.data, out.len);
        if (w < 0) {
            fprintf(stderr, "stackward import: cannot write %s: %s\n", output, strerror(-w));
            r = SW_EXIT_FAIL;
        }
    } else {
        fwrite(out.data, 1, out.len, stdout);
    }
    sw_buf_release(&out);
    sw_buf_release(&err);
    return r < 0 ? SW_EXIT_USAGE : r;
}
