/* SPDX-License-Identifier: Apache-2.0 */
/* case.c: `stackward case ...` and `stackward change ...`: support cases and changes, on the
 * store directly, with or without a running daemon. Every action takes --at to record it at a
 * past time (bringing a history over from another tool). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "support/support.h"

static const char case_usage[] =
    "Usage: stackward case open -c FILE --customer C --severity N --title T --as ENGINEER\n"
    "                           [--deployment D] [--service S] [-m DESCRIPTION] [--at T]\n"
    "       stackward case list -c FILE [--customer C] [--open] [--limit N] [--format F]\n"
    "       stackward case show -c FILE ID [--format table|json]\n"
    "       stackward case respond -c FILE ID -m TEXT --as ENGINEER [--at T]\n"
    "       stackward case comment -c FILE ID -m TEXT --as ENGINEER [--internal] [--at T]\n"
    "       stackward case status -c FILE ID STATUS --as ENGINEER [--at T]\n"
    "       stackward case assign -c FILE ID ENGINEER --as ENGINEER [--at T]\n"
    "       stackward case link -c FILE ID INCIDENT --as ENGINEER [--at T]\n"
    "\n"
    "Support cases with the contract's timers (first response, updates, resolution) on its\n"
    "calendar. ID is CASE-7 or 7. STATUS is new, open, waiting (on the customer: the clock\n"
    "pauses), resolved or closed; a resolved or closed case set to an active status is\n"
    "re-opened. respond is a public reply (a new case becomes open); comment is public, or\n"
    "team-only with --internal. --at T (ISO 8601) records the action at a past time, never in\n"
    "the future nor before the case's previous event. F is table (default) or json.\n"
    "\n"
    "Exit status: 0 done; 1 the store failed; 2 bad usage or input, an unknown case, or an\n"
    "action the case's state refuses (a comment on a closed case).\n";

static const char change_usage[] =
    "Usage: stackward change start -c FILE --deployment CUSTOMER/DEPLOYMENT --title T\n"
    "                              --as ENGINEER [--at T]\n"
    "       stackward change finish -c FILE ID --ok|--failed [-m NOTE] [--at T]\n"
    "       stackward change list -c FILE [--from T] [--to T] [--deployment D] [--format F]\n"
    "\n"
    "Changes: planned operations on a deployment. A change counts as failed when it finished\n"
    "failed, or when an incident opened on its deployment within changes.failure_window\n"
    "(1h by default) after it finished. ID is CHG-7 or 7.\n";

struct args {
    const char *file, *as, *customer, *deployment, *service, *title, *text;
    int severity;
    bool internal, open, ok, failed;
    int64_t at, from, to;
    size_t limit;
    enum sw_format fmt;
};

static int parse(int argc, char **argv, const char *cmd, const char *usage, struct args *a)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"as", required_argument, NULL, 'a'},
        {"customer", required_argument, NULL, 'C'},
        {"deployment", required_argument, NULL, 'D'},
        {"service", required_argument, NULL, 'S'},
        {"title", required_argument, NULL, 'T'},
        {"message", required_argument, NULL, 'm'},
        {"severity", required_argument, NULL, 'v'},
        {"internal", no_argument, NULL, 'i'},
        {"open", no_argument, NULL, 'o'},
        {"ok", no_argument, NULL, 'k'},
        {"failed", no_argument, NULL, 'F'},
        {"at", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'u'},
        {"limit", required_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:m:h", opts, NULL)) != -1) {
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
        case 'D':
            a->deployment = optarg;
            break;
        case 'S':
            a->service = optarg;
            break;
        case 'T':
            a->title = optarg;
            break;
        case 'm':
            a->text = optarg;
            break;
        case 'v':
            if (strlen(optarg) != 1 || optarg[0] < '1' || optarg[0] > '4') {
                return sw_cli_usage_error(cmd, "--severity must be 1, 2, 3 or 4");
            }
            a->severity = optarg[0] - '0';
            break;
        case 'i':
            a->internal = true;
            break;
        case 'o':
            a->open = true;
            break;
        case 'k':
            a->ok = true;
            break;
        case 'F':
            a->failed = true;
            break;
        case 't':
        case 'f':
        case 'u':
            if (sw_time_parse(optarg, c == 't' ? &a->at : c == 'f' ? &a->from : &a->to) < 0) {
                return sw_cli_usage_error(cmd, "'%s' is not an ISO 8601 time with a zone", optarg);
            }
            break;
        case 'n':
            errno = 0;
            a->limit = strtoul(optarg, &end, 10);
            if (errno || *end || a->limit < 1 || a->limit > SW_STORE_CASES_MAX) {
                return sw_cli_usage_error(cmd, "--limit must be 1 to %d", SW_STORE_CASES_MAX);
            }
            break;
        case 'x':
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

/* An action's outcome as an exit status, its reason on stderr. */
static int outcome(const char *cmd, int r, struct sw_buf *err)
{
    if (r == 0) {
        return SW_EXIT_OK;
    }
    fprintf(stderr, "stackward %s: %s\n", cmd, err->len ? err->data : strerror(-r));
    return r == -EIO ? SW_EXIT_FAIL : SW_EXIT_USAGE;
}

static int case_list(struct sw_store *store, struct sw_config *cfg, const struct args *a)
{
    struct sw_case_filter f = {.customer = a->customer,
                               .open_only = a->open,
                               .limit = a->limit ? a->limit : 100,
                               .newest_first = true};
    struct sw_case_row *v = NULL;
    struct sw_buf out;
    size_t n = 0;

    if (sw_store_case_list(store, &f, &v, &n) < 0) {
        fprintf(stderr, "stackward case list: cannot read the store\n");
        return SW_EXIT_FAIL;
    }
    sw_buf_init(&out);
    if (a->fmt == SW_FMT_JSON) {
        sw_buf_puts(&out, "[");
    } else {
        sw_buf_printf(&out, "%-9s %-4s %-9s %-12s %-21s %-10s %s\n", "ID", "SEV", "STATUS",
                      "CUSTOMER", "CREATED", "ASSIGNEE", "TITLE");
    }
    for (size_t i = 0; i < n; i++) {
        char name[24], t[SW_TIME_LEN];
        if (a->fmt == SW_FMT_JSON) {
            struct sw_case_event_row *ev = NULL;
            size_t n_ev = 0;
            sw_store_case_events(store, v[i].id, &ev, &n_ev);
            sw_buf_puts(&out, i ? ", " : "");
            sw_case_json(cfg, &v[i], ev, n_ev, sw_now(), false, &out);
            sw_case_event_rows_free(ev, n_ev);
        } else {
            sw_buf_printf(
                &out, "%-9s %-4d %-9s %-12s %-21s %-10s %s\n", sw_case_name(v[i].id, name),
                v[i].severity, sw_case_status_name((enum sw_case_status)v[i].status), v[i].customer,
                sw_time_format(v[i].created, t), v[i].assignee ? v[i].assignee : "-", v[i].title);
        }
    }
    sw_buf_puts(&out, a->fmt == SW_FMT_JSON ? "]\n" : "");
    fputs(out.data, stdout);
    sw_buf_release(&out);
    sw_case_rows_free(v, n);
    return SW_EXIT_OK;
}

static void case_table(const struct sw_config *cfg, const struct sw_case_row *c,
                       const struct sw_case_event_row *ev, size_t n, struct sw_buf *out)
{
    static const char *const metric[] = {"first response", "resolution", "update"};
    struct sw_case_timers tm;
    char name[24], t[SW_TIME_LEN], d[32];

    sw_buf_printf(out, "%s  sev%d  %s  %s\n", sw_case_name(c->id, name), c->severity,
                  sw_case_status_name((enum sw_case_status)c->status), c->title);
    sw_buf_printf(out, "customer: %s%s%s%s%s\n", c->customer, c->deployment ? "  deployment: " : "",
                  c->deployment ? c->deployment : "", c->service ? "  service: " : "",
                  c->service ? c->service : "");
    sw_buf_printf(out, "assignee: %s  opened by %s at %s\n", c->assignee ? c->assignee : "-",
                  c->opened_by, sw_time_format(c->created, t));
    if (sw_case_timers(cfg, c, ev, n, sw_now(), &tm, NULL) == 0) {
        for (int m = 0; m < SW_CASE_METRIC_COUNT; m++) {
            const struct sw_case_timer *x = &tm.t[m];
            const struct sw_case_cycle *cy = x->n_cycles ? &x->cycles[x->n_cycles - 1] : NULL;
            if (!tm.have[m] || !cy) {
                continue;
            }
            sw_buf_printf(out, "%-15s goal %s, due %s, %s%s\n", metric[m],
                          sw_duration_format(x->goal_s * 1000, d), sw_time_format(cy->due, t),
                          cy->breached  ? "BREACHED"
                          : cy->running ? (cy->paused ? "paused" : "running")
                                        : "met",
                          cy->warned && !cy->breached && cy->running ? " (warning)" : "");
        }
        sw_case_timers_release(&tm);
    }
    sw_buf_puts(out, "events:\n");
    for (size_t i = 0; i < n; i++) {
        sw_buf_printf(out, "  %s  %-8s %s%s%s\n", sw_time_format(ev[i].t, t),
                      ev[i].author ? ev[i].author : "", ev[i].status >= 0 ? "-> " : "",
                      ev[i].status >= 0 ? sw_case_status_name((enum sw_case_status)ev[i].status)
                                        : "",
                      ev[i].text ? ev[i].text : "");
    }
}

static int case_show(struct sw_store *store, struct sw_config *cfg, int64_t id,
                     const struct args *a)
{
    struct sw_case_row c;
    struct sw_case_event_row *ev = NULL;
    struct sw_buf out;
    size_t n = 0;
    char name[24];
    int r = sw_store_case_get(store, id, &c);

    if (r == -ENOENT) {
        fprintf(stderr, "stackward case show: no case %s\n", sw_case_name(id, name));
        return SW_EXIT_USAGE;
    }
    if (r < 0 || sw_store_case_events(store, id, &ev, &n) < 0) {
        fprintf(stderr, "stackward case show: cannot read the store\n");
        if (r == 0) {
            sw_case_row_release(&c);
        }
        return SW_EXIT_FAIL;
    }
    sw_buf_init(&out);
    if (a->fmt == SW_FMT_JSON) {
        sw_case_json(cfg, &c, ev, n, sw_now(), false, &out);
        sw_buf_puts(&out, "\n");
    } else {
        case_table(cfg, &c, ev, n, &out);
    }
    fputs(out.data, stdout);
    sw_buf_release(&out);
    sw_case_event_rows_free(ev, n);
    sw_case_row_release(&c);
    return SW_EXIT_OK;
}

int sw_cmd_case(int argc, char **argv)
{
    struct args a = {.file = SW_DEFAULT_CONFIG};
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_actor who = {0};
    struct sw_buf err;
    const char *sub;
    char cmd[32];
    int64_t id = 0;
    int r, need;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(case_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? SW_EXIT_USAGE : SW_EXIT_OK;
    }
    sub = argv[1];
    snprintf(cmd, sizeof(cmd), "case %s", sub);
    need = strcmp(sub, "status") == 0 || strcmp(sub, "assign") == 0 || strcmp(sub, "link") == 0 ? 2
           : strcmp(sub, "open") == 0 || strcmp(sub, "list") == 0                               ? 0
                                                                                                : 1;
    if (need == 1 && strcmp(sub, "show") && strcmp(sub, "respond") && strcmp(sub, "comment")) {
        return sw_cli_usage_error("case", "unknown subcommand '%s'", sub);
    }
    r = parse(argc - 1, argv + 1, cmd, case_usage, &a);
    if (r) {
        return r < 0 ? SW_EXIT_OK : r;
    }
    argc -= 1 + optind;
    argv += 1 + optind;
    if (argc != need) {
        return sw_cli_usage_error(cmd, "expected %d argument%s", need, need == 1 ? "" : "s");
    }
    if (need && sw_case_parse_name(argv[0], &id) < 0) {
        return sw_cli_usage_error(cmd, "'%s' is not a case ID (CASE-7 or 7)", argv[0]);
    }
    if (strcmp(sub, "list") && strcmp(sub, "show") && !a.as) {
        return sw_cli_usage_error(cmd, "--as ENGINEER is required (who acts)");
    }
    r = sw_cli_open_both(a.file, &cfg, &store);
    if (r) {
        return r;
    }
    sw_buf_init(&err);
    who.engineer = a.as;
    if (strcmp(sub, "list") == 0) {
        r = case_list(store, cfg, &a);
    } else if (strcmp(sub, "show") == 0) {
        r = case_show(store, cfg, id, &a);
    } else if (strcmp(sub, "open") == 0) {
        struct sw_case_new c = {.customer = a.customer,
                                .deployment = a.deployment,
                                .service = a.service,
                                .severity = a.severity,
                                .title = a.title,
                                .description = a.text,
                                .at = a.at};
        if (!a.customer || !a.severity || !a.title) {
            r = sw_cli_usage_error(cmd, "--customer, --severity and --title are required");
        } else if ((r = outcome(cmd, sw_case_open(store, cfg, &who, &c, sw_now(), &err, &id),
                                &err)) == 0) {
            char name[24];
            printf("%s\n", sw_case_name(id, name));
        }
    } else {
        struct sw_case_action act = {.at = a.at, .text = a.text};
        if (strcmp(sub, "respond") == 0) {
            act.verb = SW_CASE_RESPOND;
        } else if (strcmp(sub, "comment") == 0) {
            act.verb = a.internal ? SW_CASE_INTERNAL : SW_CASE_COMMENT;
        } else if (strcmp(sub, "status") == 0) {
            act.verb = SW_CASE_STATUS;
            if (sw_case_status_parse(argv[1], &act.status) < 0) {
                r = sw_cli_usage_error(cmd, "STATUS must be new, open, waiting, resolved or "
                                            "closed");
                goto out;
            }
        } else {
            act.verb = strcmp(sub, "link") == 0 ? SW_CASE_LINK : SW_CASE_ASSIGN;
            act.text = argv[1];
        }
        if (act.verb <= SW_CASE_INTERNAL && !a.text) {
            r = sw_cli_usage_error(cmd, "-m TEXT is required");
        } else {
            r = outcome(cmd, sw_case_act(store, cfg, &who, id, &act, sw_now(), &err), &err);
        }
    }
out:
    sw_buf_release(&err);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_change(int argc, char **argv)
{
    struct args a = {.file = SW_DEFAULT_CONFIG};
    struct sw_config *cfg = NULL;
    struct sw_store *store = NULL;
    struct sw_buf err, out;
    const char *sub;
    char cmd[32], name[24];
    int64_t id = 0;
    int r;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(change_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? SW_EXIT_USAGE : SW_EXIT_OK;
    }
    sub = argv[1];
    if (strcmp(sub, "start") && strcmp(sub, "finish") && strcmp(sub, "list")) {
        return sw_cli_usage_error("change", "unknown subcommand '%s'", sub);
    }
    snprintf(cmd, sizeof(cmd), "change %s", sub);
    r = parse(argc - 1, argv + 1, cmd, change_usage, &a);
    if (r) {
        return r < 0 ? SW_EXIT_OK : r;
    }
    argc -= 1 + optind;
    argv += 1 + optind;
    if (argc != (strcmp(sub, "finish") == 0)) {
        return sw_cli_usage_error(cmd, "unexpected or missing argument");
    }
    if (argc && sw_change_parse_name(argv[0], &id) < 0) {
        return sw_cli_usage_error(cmd, "'%s' is not a change ID (CHG-7 or 7)", argv[0]);
    }
    if (strcmp(sub, "start") == 0 && (!a.deployment || !a.title || !a.as)) {
        return sw_cli_usage_error(cmd, "--deployment, --title and --as are required");
    }
    if (strcmp(sub, "finish") == 0 && a.ok == a.failed) {
        return sw_cli_usage_error(cmd, "give --ok or --failed");
    }
    r = sw_cli_open_both(a.file, &cfg, &store);
    if (r) {
        return r;
    }
    sw_buf_init(&err);
    sw_buf_init(&out);
    if (strcmp(sub, "start") == 0) {
        r = outcome(
            cmd,
            sw_change_start(store, cfg, a.deployment, a.title, a.as, a.at, sw_now(), &err, &id),
            &err);
        if (r == 0) {
            printf("%s\n", sw_change_name(id, name));
        }
    } else if (strcmp(sub, "finish") == 0) {
        r = outcome(cmd, sw_change_finish(store, id, a.ok, a.text, a.at, sw_now(), &err), &err);
    } else {
        struct sw_change_row *v = NULL;
        struct sw_incident *inc = NULL;
        struct sw_inc_filter f = {0};
        size_t n = 0, n_inc = 0;
        if (sw_store_change_list(store, a.from, a.to, a.deployment, &v, &n) < 0 ||
            sw_store_incident_list(store, &f, &inc, &n_inc) < 0) {
            fprintf(stderr, "stackward change list: cannot read the store\n");
            r = SW_EXIT_FAIL;
        } else {
            sw_buf_puts(&out, a.fmt == SW_FMT_JSON ? "[" : "");
            if (a.fmt != SW_FMT_JSON) {
                sw_buf_printf(&out, "%-8s %-20s %-21s %-8s %-8s %s\n", "ID", "DEPLOYMENT",
                              "STARTED", "RESULT", "FAILED", "TITLE");
            }
            for (size_t i = 0; i < n; i++) {
                char t[SW_TIME_LEN];
                if (a.fmt == SW_FMT_JSON) {
                    sw_buf_puts(&out, i ? ", " : "");
                    sw_change_json(cfg, &v[i], inc, n_inc, &out);
                } else {
                    sw_buf_printf(
                        &out, "%-8s %-20s %-21s %-8s %-8s %s\n", sw_change_name(v[i].id, name),
                        v[i].deployment, sw_time_format(v[i].started, t),
                        v[i].result < 0 ? "running"
                        : v[i].result   ? "failed"
                                        : "ok",
                        sw_change_failed(cfg, &v[i], inc, n_inc, NULL) ? "yes" : "no", v[i].title);
                }
            }
            sw_buf_puts(&out, a.fmt == SW_FMT_JSON ? "]\n" : "");
            fputs(out.data, stdout);
            r = SW_EXIT_OK;
        }
        sw_change_rows_free(v, n);
        sw_incidents_free(inc, n_inc);
    }
    sw_buf_release(&out);
    sw_buf_release(&err);
    sw_store_free(store);
    sw_config_unref(cfg);
    return r;
}
