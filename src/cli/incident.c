/* SPDX-License-Identifier: Apache-2.0 */
/* incident.c: `stackward incident list|show|ack|resolve|note`. These work on the store
 * directly, with or without a running daemon: an acknowledgement written here stops the
 * daemon's escalation at its next pass (within about a second). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "incident/incident.h"

static const char usage[] =
    "Usage: stackward incident list [-c FILE] [--open] [--customer ID] [--service PATH]\n"
    "                               [--status S] [--limit N] [--format table|json]\n"
    "       stackward incident show [-c FILE] ID [--format table|json]\n"
    "       stackward incident ack [-c FILE] ID --as ENGINEER\n"
    "       stackward incident resolve [-c FILE] ID --as ENGINEER\n"
    "       stackward incident note [-c FILE] ID --as ENGINEER [--public] TEXT...\n"
    "\n"
    "Incidents: a service down (CRITICAL by default) outside maintenance opens one; its\n"
    "escalation policy pages people until someone acknowledges; its recovery resolves it.\n"
    "ID is INC-42 or 42. list shows the newest first (100 unless --limit), --open only those\n"
    "not resolved; S is triggered, acknowledged, recovered or resolved. show prints the\n"
    "incident with its timeline and notifications. ack stops the escalation; resolve ends the\n"
    "incident (those notified are told); note adds a line to the timeline (--public: shown\n"
    "on the customer's status page too). ENGINEER is an engineer id of the configuration.\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE   configuration (default " SW_DEFAULT_CONFIG ")\n"
    "      --as ENGINEER   who acts\n"
    "      --format F      table (default) or json\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 done; 1 the incident is not in a state for it (already acknowledged,\n"
    "resolved) or the store failed; 2 bad usage, unknown incident or engineer.\n";

struct args {
    const char *file;
    const char *as;
    const char *customer;
    const char *service;
    const char *status;
    size_t limit;
    bool open;
    bool public_note; /* --public: the note shows on the customer's status page */
    enum sw_format fmt;
};

/* Options up to the first argument; called again after it with reset false. */
static int parse(int argc, char **argv, const char *cmd, struct args *a, bool reset)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"as", required_argument, NULL, 'a'},
        {"customer", required_argument, NULL, 'C'},
        {"service", required_argument, NULL, 's'},
        {"status", required_argument, NULL, 'S'},
        {"limit", required_argument, NULL, 'n'},
        {"open", no_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"public", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    int c;

    if (reset) {
        memset(a, 0, sizeof(*a));
        a->file = SW_DEFAULT_CONFIG;
        a->limit = 100;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->file = optarg;
            break;
        case 'a':
            a->as = optarg;
            break;
        case 'C':
            a->customer = optarg;
            break;
        case 's':
            a->service = optarg;
            break;
        case 'S':
            a->status = optarg;
            break;
        case 'n':
            errno = 0;
            a->limit = strtoul(optarg, &end, 10);
            if (errno || *end || a->limit < 1 || a->limit > SW_STORE_INCIDENTS_MAX) {
                return sw_cli_usage_error(cmd, "--limit must be 1 to %d", SW_STORE_INCIDENTS_MAX);
            }
            break;
        case 'o':
            a->open = true;
            break;
        case 'P':
            a->public_note = true;
            break;
        case 'f':
            if (sw_cli_format(optarg, false, &a->fmt) < 0) {
                return sw_cli_usage_error(cmd, "--format must be table or json");
            }
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        default:
            return sw_cli_usage_error(cmd, "bad option");
        }
    }
    return 0;
}

static void table_row(const struct sw_incident *v, struct sw_buf *out)
{
    char name[24], t[SW_TIME_LEN];

    sw_buf_printf(out, "%-9s %-5s %-13s %-21s %-40s %s\n", sw_inc_name(v->id, name),
                  v->severity == 1   ? "sev1"
                  : v->severity == 2 ? "sev2"
                  : v->severity == 3 ? "sev3"
                                     : "sev4",
                  sw_inc_status_name(v->status), sw_time_format(v->opened, t), v->service,
                  v->title);
}

static int list(int argc, char **argv)
{
    struct args a;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_incident *v = NULL;
    enum sw_inc_status status = SW_INC_TRIGGERED;
    struct sw_buf out;
    size_t n = 0, shown = 0;
    int r = parse(argc, argv, "incident list", &a, true);

    if (r) {
        return r < 0 ? SW_EXIT_OK : r;
    }
    if (optind < argc) {
        return sw_cli_usage_error("incident list", "unexpected argument '%s'", argv[optind]);
    }
    if (a.status && sw_inc_status_parse(a.status, &status) < 0) {
        return sw_cli_usage_error("incident list",
                                  "--status must be triggered, acknowledged, recovered or "
                                  "resolved");
    }
    r = sw_cli_open_both(a.file, &cfg, &store);
    if (r) {
        return r;
    }
    struct sw_inc_filter f = {.open_only = a.open,
                              .customer = a.customer,
                              .service = a.service,
                              .limit = a.status ? 0 : a.limit,
                              .newest_first = true};
    if (sw_store_incident_list(store, &f, &v, &n) < 0) {
        fprintf(stderr, "stackward incident list: cannot read the store\n");
        r = SW_EXIT_FAIL;
        goto out;
    }
    sw_buf_init(&out);
    sw_buf_puts(&out, a.fmt == SW_FMT_JSON ? "[" : "");
    if (a.fmt != SW_FMT_JSON) {
        sw_buf_printf(&out, "%-9s %-5s %-13s %-21s %-40s %s\n", "ID", "SEV", "STATUS", "OPENED",
                      "SERVICE", "TITLE");
    }
    for (size_t i = 0; i < n && shown < a.limit; i++) {
        if (a.status && v[i].status != status) {
            continue;
        }
        if (a.fmt == SW_FMT_JSON) {
            sw_buf_puts(&out, shown ? ", " : "");
            sw_incident_json(&v[i], cfg, &out);
        } else {
            table_row(&v[i], &out);
        }
        shown++;
    }
    sw_buf_puts(&out, a.fmt == SW_FMT_JSON ? "]\n" : "");
    fputs(out.data, stdout);
    sw_buf_release(&out);
    r = SW_EXIT_OK;
out:
    sw_incidents_free(v, n);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

static void show_table(const struct sw_incident *inc, const struct sw_inc_event *ev, size_t n_ev,
                       struct sw_buf *out)
{
    char name[24], t[SW_TIME_LEN];

    sw_buf_printf(out, "%s  %s  sev%d  %s\n", sw_inc_name(inc->id, name), inc->title, inc->severity,
                  sw_inc_status_name(inc->status));
    sw_buf_printf(out, "service:  %s (%s since %s)\n", inc->service, sw_state_name(inc->state),
                  sw_time_format(inc->since, t));
    if (inc->output && *inc->output) {
        sw_buf_printf(out, "output:   %s\n", inc->output);
    }
    sw_buf_printf(out, "opened:   %s\n", sw_time_format(inc->opened, t));
    if (inc->acked) {
        sw_buf_printf(out, "acked:    %s by %s (MTTA %llds)\n", sw_time_format(inc->acked, t),
                      inc->acked_by ? inc->acked_by : "?", (long long)sw_incident_mtta(inc));
    }
    if (inc->resolved) {
        sw_buf_printf(out, "resolved: %s by %s (MTTR %llds)\n", sw_time_format(inc->resolved, t),
                      inc->resolved_by ? inc->resolved_by : "recovery",
                      (long long)sw_incident_mttr(inc));
    }
    if (inc->parent) {
        sw_buf_printf(out, "attached: %s\n", sw_inc_name(inc->parent, name));
    }
    sw_buf_puts(out, "timeline:\n");
    for (size_t i = 0; i < n_ev; i++) {
        sw_buf_printf(out, "  %s  %-15s %s%s%s\n", sw_time_format(ev[i].t, t), ev[i].kind,
                      ev[i].actor ? ev[i].actor : "", ev[i].actor ? ": " : "",
                      ev[i].text ? ev[i].text : "");
    }
}

static int show(int argc, char **argv)
{
    struct args a;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_incident inc;
    struct sw_inc_event *ev = NULL;
    struct sw_notification *nt = NULL;
    size_t n_ev = 0, n_nt = 0;
    struct sw_buf out;
    int64_t id;
    int r = parse(argc, argv, "incident show", &a, true);

    if (r) {
        return r < 0 ? SW_EXIT_OK : r;
    }
    if (optind >= argc) {
        return sw_cli_usage_error("incident show", "give exactly one incident ID");
    }
    if (sw_inc_parse_name(argv[optind], &id) < 0) {
        return sw_cli_usage_error("incident show", "'%s' is not an incident ID (INC-42 or 42)",
                                  argv[optind]);
    }
    argc -= optind;
    argv += optind;
    r = parse(argc, argv, "incident show", &a, false);
    if (r) {
        return r < 0 ? SW_EXIT_OK : r;
    }
    if (optind < argc) {
        return sw_cli_usage_error("incident show", "give exactly one incident ID");
    }
    r = sw_cli_open_both(a.file, &cfg, &store);
    if (r) {
        return r;
    }
    r = sw_store_incident_get(store, id, &inc);
    if (r == -ENOENT) {
        char name[24];
        fprintf(stderr, "stackward incident show: no incident %s\n", sw_inc_name(id, name));
        r = SW_EXIT_USAGE;
        goto out;
    }
    if (r < 0 || sw_store_incident_events(store, id, &ev, &n_ev) < 0 ||
        sw_store_incident_notifications(store, id, &nt, &n_nt) < 0) {
        fprintf(stderr, "stackward incident show: cannot read the store\n");
        if (r == 0) {
            sw_incident_release(&inc);
        }
        r = SW_EXIT_FAIL;
        goto out;
    }
    sw_buf_init(&out);
    if (a.fmt == SW_FMT_JSON) {
        sw_incident_json_full(&inc, ev, n_ev, nt, n_nt, cfg, &out);
        sw_buf_puts(&out, "\n");
    } else {
        show_table(&inc, ev, n_ev, &out);
    }
    fputs(out.data, stdout);
    sw_buf_release(&out);
    sw_incident_release(&inc);
    r = SW_EXIT_OK;
out:
    sw_inc_events_free(ev, n_ev);
    sw_notifications_free(nt, n_nt);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

/* ack, resolve, note */
static int act(int argc, char **argv, const char *verb)
{
    char cmd[32];
    struct args a;
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_buf err, text;
    int64_t id;
    int r;

    snprintf(cmd, sizeof(cmd), "incident %s", verb);
    r = parse(argc, argv, cmd, &a, true);
    if (r) {
        return r < 0 ? SW_EXIT_OK : r;
    }
    if (optind >= argc) {
        return sw_cli_usage_error(cmd, "give the incident ID");
    }
    if (sw_inc_parse_name(argv[optind], &id) < 0) {
        return sw_cli_usage_error(cmd, "'%s' is not an incident ID (INC-42 or 42)", argv[optind]);
    }
    /* options may follow the ID */
    argc -= optind;
    argv += optind;
    r = parse(argc, argv, cmd, &a, false);
    if (r) {
        return r < 0 ? SW_EXIT_OK : r;
    }
    if (!a.as) {
        return sw_cli_usage_error(cmd, "--as ENGINEER is required (who acts)");
    }
    if (strcmp(verb, "note") == 0 ? optind >= argc : optind < argc) {
        return sw_cli_usage_error(cmd, strcmp(verb, "note") == 0 ? "give the note's TEXT"
                                                                 : "unexpected argument");
    }
    r = sw_cli_open_both(a.file, &cfg, &store);
    if (r) {
        return r;
    }
    sw_buf_init(&err);
    sw_buf_init(&text);
    if (!sw_config_find_engineer(cfg, a.as)) {
        fprintf(stderr, "stackward %s: no engineer '%s' in %s\n", cmd, a.as, a.file);
        r = SW_EXIT_USAGE;
        goto out;
    }
    if (strcmp(verb, "ack") == 0) {
        r = sw_incident_ack(store, id, a.as, sw_now(), &err);
    } else if (strcmp(verb, "resolve") == 0) {
        r = sw_incident_resolve(store, cfg, id, a.as, sw_now(), &err);
    } else {
        for (int i = optind; i < argc; i++) {
            sw_buf_printf(&text, "%s%s", i > optind ? " " : "", argv[i]);
        }
        r = sw_incident_note(store, id, a.as, text.data, a.public_note, sw_now(), &err);
    }
    if (r < 0) {
        fprintf(stderr, "stackward %s: %s\n", cmd, err.len ? err.data : strerror(-r));
        r = r == -ENOENT || (r == -EINVAL && strcmp(verb, "note") == 0) ? SW_EXIT_USAGE
                                                                        : SW_EXIT_FAIL;
    } else {
        char name[24];
        printf("%s %s\n", sw_inc_name(id, name),
               strcmp(verb, "ack") == 0       ? "acknowledged"
               : strcmp(verb, "resolve") == 0 ? "resolved"
                                              : "noted");
        r = SW_EXIT_OK;
    }
out:
    sw_buf_release(&err);
    sw_buf_release(&text);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_incident(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? SW_EXIT_USAGE : SW_EXIT_OK;
    }
    if (strcmp(argv[1], "list") == 0) {
        return list(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "show") == 0) {
        return show(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "ack") == 0 || strcmp(argv[1], "resolve") == 0 ||
        strcmp(argv[1], "note") == 0) {
        return act(argc - 1, argv + 1, argv[1]);
    }
    return sw_cli_usage_error("incident", "unknown subcommand '%s'", argv[1]);
}
