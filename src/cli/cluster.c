/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.c: `stackward cluster status`, the nodes sharing one PostgreSQL, their shards and
 * the leader, as the database says (any node, or none, may be running). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cluster/cluster.h"

static const char usage[] =
    "Usage: stackward cluster status [-c FILE] [--format table|json]\n"
    "\n"
    "Shows the nodes that serve FILE's PostgreSQL database: whether each is live (seen\n"
    "within the lease), how many of the shards of checks it holds, which node leads\n"
    "(incidents, notifications, case timers) and its term, and how many passive results\n"
    "wait in the inbox for the node that runs their check. docs/cluster.md.\n"
    "\n"
    "Exit status: 0 shown, with a leader and every shard held; 1 the database cannot be\n"
    "read, or no node leads, or some shards are held by none; 2 bad usage, or FILE's\n"
    "database is SQLite (one node, no cluster).\n";

static void print_ago(int64_t ms, char *buf, size_t size)
{
    if (ms < 0) {
        ms = 0;
    }
    if (ms < 60000) {
        snprintf(buf, size, "%.1fs", (double)ms / 1000.0);
    } else if (ms < 3600000) {
        snprintf(buf, size, "%lldm", (long long)(ms / 60000));
    } else {
        snprintf(buf, size, "%lldh", (long long)(ms / 3600000));
    }
}

static int show(const char *file, enum sw_format fmt)
{
    struct sw_config *cfg = NULL;
    struct sw_cluster_status st;
    struct sw_buf err, out;
    char t[SW_TIME_LEN], ago[32];
    int r;

    r = sw_cli_load_config(file, &cfg);
    if (r) {
        return r;
    }
    if (!sw_str_has_prefix(cfg->database, "postgres")) {
        fprintf(stderr,
                "stackward cluster: %s uses a SQLite database: one node, no cluster (several "
                "nodes need `database: postgresql://...`)\n",
                file);
        sw_config_unref(cfg);
        return SW_EXIT_USAGE;
    }
    sw_buf_init(&err);
    r = sw_cluster_read_status(cfg->database, cfg->database_password, cfg->cluster_lease_ms, &st,
                               &err);
    if (r < 0) {
        fprintf(stderr, "stackward cluster: %s\n",
                err.data ? err.data : "cannot read the database");
        sw_buf_release(&err);
        sw_config_unref(cfg);
        return SW_EXIT_FAIL;
    }
    sw_buf_release(&err);
    if (fmt == SW_FMT_JSON) {
        sw_buf_init(&out);
        sw_cluster_status_json(&st, &out);
        fputs(out.data, stdout);
        sw_buf_release(&out);
    } else {
        if (st.leader) {
            printf("leader: %s (term %lld, since %s)\n", st.leader, (long long)st.term,
                   sw_time_format(st.leader_since_ms / 1000, t));
        } else {
            printf("leader: none (last term %lld)\n", (long long)st.term);
        }
        printf("shards: %d, %d held by no live node; inbox: %lld results waiting\n\n",
               SW_CLUSTER_SHARDS, st.shards_free, (long long)st.inbox);
        printf("%-24s %-22s %-5s %-7s %-6s %-6s %-8s %s\n", "NODE", "LISTEN", "LIVE", "SEEN",
               "SHARDS", "LEADER", "VERSION", "PID");
        for (size_t i = 0; i < st.n_nodes; i++) {
            const struct sw_cluster_node_row *n = &st.nodes[i];
            print_ago(st.now_ms - n->seen_ms, ago, sizeof(ago));
            printf("%-24s %-22s %-5s %-7s %-6d %-6s %-8s %lld\n", n->name,
                   n->listen && *n->listen ? n->listen : "-", n->live ? "yes" : "no", ago,
                   n->shards, n->leader ? "yes" : "-", n->version ? n->version : "-",
                   (long long)n->pid);
        }
    }
    r = st.leader && st.shards_free == 0 ? SW_EXIT_OK : SW_EXIT_FAIL;
    sw_cluster_status_release(&st);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_cluster(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG;
    enum sw_format fmt = SW_FMT_TABLE;
    int c;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return SW_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "status") != 0) {
        return sw_cli_usage_error("cluster", argc < 2 ? "status?" : "unknown command '%s'",
                                  argc < 2 ? "" : argv[1]);
    }
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'x':
            if (sw_cli_format(optarg, false, &fmt) < 0) {
                return sw_cli_usage_error("cluster", "--format must be table or json");
            }
            break;
        case 'h':
            fputs(usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("cluster", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("cluster", "unexpected argument '%s'", argv[optind]);
    }
    return show(file, fmt);
}
