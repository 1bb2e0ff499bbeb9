/* SPDX-License-Identifier: Apache-2.0 */
/* oncall.c: `stackward oncall` (who is on call now or at a given time, and the next shifts,
 * for every rotation of the configuration) and `stackward oncall export` (the shifts as an
 * iCalendar file). Reads only the configuration: the arithmetic is src/ops/'s. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "ops/ops.h"

#define NEXT_DEFAULT 3
#define NEXT_MAX 100
#define EXPORT_DAYS 90 /* default range of an export, from now */
#define DAY_S 86400

static const char oncall_usage[] =
    "Usage: stackward oncall [-c FILE] [--rotation R] [--at T] [--next N]\n"
    "                        [--format table|json]\n"
    "       stackward oncall export [-c FILE] --rotation R | --engineer E [--from T] [--to T]\n"
    "                        [--format ics] [-o FILE]\n"
    "\n"
    "Shows who is on call now (or at T) in every rotation of the configuration (or in one),\n"
    "with the shift's start and end in the rotation's time zone and in UTC, and the next N\n"
    "shifts. An override is marked as such. Times are ISO 8601 with a zone\n"
    "(2026-12-25T12:00:00Z or 2026-12-25T13:00:00+01:00).\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -r, --rotation R     one rotation only\n"
    "      --at T           the instant to look at (default: now)\n"
    "  -n, --next N         how many shifts after the current one (default 3, at most 100)\n"
    "  -f, --format FORMAT  table (default) or json\n"
    "  -h, --help           this text\n"
    "\n"
    "See `stackward oncall export --help` for the calendar export.\n";

static const char export_usage[] =
    "Usage: stackward oncall export [-c FILE] --rotation R | --engineer E [--from T] [--to T]\n"
    "                               [--format ics] [-o FILE]\n"
    "\n"
    "Writes the shifts that overlap [from, to) as an iCalendar file (RFC 5545) that calendar\n"
    "programs import: one event per shift, in UTC, with a stable UID so that a new export\n"
    "updates the events of an old one. --rotation exports one rotation; --engineer exports\n"
    "that engineer's shifts in every rotation (both together: theirs in that one). The default\n"
    "range is 90 days from now; a range may be at most 3660 days long.\n"
    "\n"
    "  -c, --config FILE    configuration (default " SW_DEFAULT_CONFIG ")\n"
    "  -r, --rotation R     the rotation\n"
    "  -e, --engineer E     the engineer\n"
    "      --from T         start of the range (default: now)\n"
    "      --to T           end of the range (default: 90 days after --from)\n"
    "  -f, --format FORMAT  ics (the default and only one)\n"
    "  -o, --output FILE    where to write it (default: standard output)\n"
    "  -h, --help           this text\n";

/* ---- times ---- */

static int parse_time(const char *cmd, const char *opt, const char *s, int64_t *ret)
{
    if (sw_time_parse(s, ret) < 0) {
        return sw_cli_usage_error(cmd,
                                  "%s: '%s' is not a time (ISO 8601 with a zone, e.g. "
                                  "2026-12-25T12:00:00Z)",
                                  opt, s);
    }
    return 0;
}

/* t in zone tz: "Mon 2026-12-28 09:00 CET" (table) or "2026-12-28T09:00:00+01:00" (iso). */
static char *local_time(const char *tz, int64_t t, bool iso, char *out, size_t size)
{
    static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    struct tm tm;

    if (sw_tz_from_utc(tz, t, &tm) < 0) {
        snprintf(out, size, "?");
        return out;
    }
    if (iso) {
        long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
        snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 tm.tm_gmtoff < 0 ? '-' : '+', off / 3600, off / 60 % 60);
    } else {
        snprintf(out, size, "%s %04d-%02d-%02d %02d:%02d %s", wdays[tm.tm_wday % 7],
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_zone ? tm.tm_zone : "");
    }
    return out;
}

/* ---- the shifts of one rotation around t ---- */

struct view {
    const struct sw_rotation_conf *rc;
    bool on;                   /* somebody is on call at t */
    struct sw_shift now;       /* when on */
    struct sw_shift_list next; /* up to n shifts after now (or from the first shift) */
};

/* The shifts that start at or after from, at most n of them: the window grows until it
 * holds them or reaches the longest range ops.h allows. */
static int next_shifts(const struct sw_rotation *r, int64_t from, size_t n,
                       struct sw_shift_list *out)
{
    struct sw_shift_list l;
    int64_t span = 64 * DAY_S;
    int rc = 0;

    sw_shift_list_init(&l);
    while (n > 0) {
        sw_shift_list_release(&l);
        sw_shift_list_init(&l);
        rc = sw_rotation_shifts(r, from, from + span, &l);
        if (rc < 0) {
            goto out;
        }
        size_t have = 0;
        for (size_t i = 0; i < l.n; i++) {
            have += l.v[i].start >= from;
        }
        if (have >= n || span >= SW_ROT_SPAN_MAX) {
            break;
        }
        span = span * 4 > SW_ROT_SPAN_MAX ? SW_ROT_SPAN_MAX : span * 4;
    }
    for (size_t i = 0; i < l.n && out->n < n; i++) {
        if (l.v[i].start < from) {
            continue;
        }
        sw_xgrow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v));
        out->v[out->n++] = l.v[i];
    }
out:
    sw_shift_list_release(&l);
    return rc;
}

static int view_build(const struct sw_rotation_conf *rc, int64_t at, size_t n, struct view *v)
{
    int64_t from;
    int r;

    v->rc = rc;
    sw_shift_list_init(&v->next);
    r = sw_rotation_shift_at(&rc->rot, at, &v->now);
    if (r == -ENOENT) {
        r = sw_rotation_first(&rc->rot, &from); /* nobody yet: show the first shifts */
        v->on = false;
    } else if (r == 0) {
        v->on = true;
        from = v->now.end;
    }
    if (r < 0) {
        return r;
    }
    return next_shifts(&rc->rot, from, n, &v->next);
}

/* ---- output ---- */

static const char *engineer_name(const struct sw_config *cfg, const char *id)
{
    const struct sw_engineer_conf *en = sw_config_find_engineer(cfg, id);

    return en && en->name ? en->name : id;
}

static void table_shift(const char *label, const struct sw_rotation_conf *rc,
                        const struct sw_shift *sh)
{
    char a[80], b[80], c[SW_TIME_LEN], d[SW_TIME_LEN], who[160];

    snprintf(who, sizeof(who), "%s%s", sh->engineer, sh->override >= 0 ? " (override)" : "");
    printf("  %-8s %-20s %s -> %s   %s -> %s\n", label, who,
           local_time(rc->timezone, sh->start, false, a, sizeof(a)),
           local_time(rc->timezone, sh->end, false, b, sizeof(b)), sw_time_format(sh->start, c),
           sw_time_format(sh->end, d));
}

static void print_table(const struct view *views, size_t n, int64_t at)
{
    char t[SW_TIME_LEN];

    for (size_t i = 0; i < n; i++) {
        const struct view *v = &views[i];
        if (i > 0) {
            putchar('\n');
        }
        printf("%s (%s) at %s\n", v->rc->id, v->rc->timezone, sw_time_format(at, t));
        if (v->on) {
            table_shift("on call", v->rc, &v->now);
        } else {
            printf("  %-8s %s\n", "on call", "nobody: the rotation has not started");
        }
        for (size_t k = 0; k < v->next.n; k++) {
            table_shift(k == 0 && !v->on ? "first" : "next", v->rc, &v->next.v[k]);
        }
    }
}

static void json_shift(struct sw_buf *b, const struct sw_config *cfg,
                       const struct sw_rotation_conf *rc, const struct sw_shift *sh)
{
    char t[SW_TIME_LEN], l[80];

    sw_buf_puts(b, "{\"engineer\": ");
    sw_buf_json_str(b, sh->engineer);
    sw_buf_puts(b, ", \"name\": ");
    sw_buf_json_str(b, engineer_name(cfg, sh->engineer));
    sw_buf_printf(b, ", \"override\": %s, \"start\": \"%s\"", sh->override >= 0 ? "true" : "false",
                  sw_time_format(sh->start, t));
    sw_buf_printf(b, ", \"end\": \"%s\"", sw_time_format(sh->end, t));
    sw_buf_printf(b, ", \"start_local\": \"%s\"",
                  local_time(rc->timezone, sh->start, true, l, sizeof(l)));
    sw_buf_printf(b, ", \"end_local\": \"%s\"}",
                  local_time(rc->timezone, sh->end, true, l, sizeof(l)));
}

static void print_json(const struct sw_config *cfg, const struct view *views, size_t n, int64_t at)
{
    struct sw_buf b;
    char t[SW_TIME_LEN];

    sw_buf_init(&b);
    sw_buf_printf(&b, "{\"at\": \"%s\", \"rotations\": [", sw_time_format(at, t));
    for (size_t i = 0; i < n; i++) {
        const struct view *v = &views[i];
        sw_buf_puts(&b, i ? ", {\"id\": " : "{\"id\": ");
        sw_buf_json_str(&b, v->rc->id);
        sw_buf_puts(&b, ", \"timezone\": ");
        sw_buf_json_str(&b, v->rc->timezone);
        sw_buf_puts(&b, ", \"on_call\": ");
        if (v->on) {
            json_shift(&b, cfg, v->rc, &v->now);
        } else {
            sw_buf_puts(&b, "null");
        }
        sw_buf_puts(&b, ", \"next\": [");
        for (size_t k = 0; k < v->next.n; k++) {
            if (k) {
                sw_buf_puts(&b, ", ");
            }
            json_shift(&b, cfg, v->rc, &v->next.v[k]);
        }
        sw_buf_puts(&b, "]}");
    }
    sw_buf_puts(&b, "]}\n");
    fputs(b.data, stdout);
    sw_buf_release(&b);
}

static int oncall_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"rotation", required_argument, NULL, 'r'},
        {"at", required_argument, NULL, 'a'},
        {"next", required_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *rotation = NULL;
    enum sw_format fmt = SW_FMT_TABLE;
    struct sw_config *cfg = NULL;
    struct view *views = NULL;
    size_t n = 0, next = NEXT_DEFAULT;
    int64_t at = sw_now();
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:r:n:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'r':
            rotation = optarg;
            break;
        case 'a':
            r = parse_time("oncall", "--at", optarg, &at);
            if (r) {
                return r;
            }
            break;
        case 'n': {
            char *end;
            errno = 0;
            long x = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || x < 0 || x > NEXT_MAX) {
                return sw_cli_usage_error("oncall", "--next must be a number from 0 to %d",
                                          NEXT_MAX);
            }
            next = (size_t)x;
            break;
        }
        case 'f':
            if (sw_cli_format(optarg, false, &fmt) < 0) {
                return sw_cli_usage_error("oncall", "--format must be table or json");
            }
            break;
        case 'h':
            fputs(oncall_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("oncall", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("oncall", "unexpected argument '%s'", argv[optind]);
    }
    r = sw_cli_load_config(file, &cfg);
    if (r) {
        return r;
    }
    if (rotation && !sw_config_find_rotation(cfg, rotation)) {
        fprintf(stderr, "stackward oncall: no rotation '%s' in %s\n", rotation, file);
        r = SW_EXIT_USAGE;
        goto out;
    }
    views = sw_xcalloc(cfg->n_rotations + 1, sizeof(*views));
    for (size_t i = 0; i < cfg->n_rotations; i++) {
        const struct sw_rotation_conf *rc = &cfg->rotation_confs[i];
        if (rotation && strcmp(rc->id, rotation) != 0) {
            continue;
        }
        r = view_build(rc, at, next, &views[n]);
        n++; /* counted even on failure: its list is released below */
        if (r < 0) {
            char t[SW_TIME_LEN];
            fprintf(stderr, "stackward oncall: rotation %s: cannot place %s in %s: %s\n", rc->id,
                    sw_time_format(at, t), rc->timezone, strerror(-r));
            r = SW_EXIT_USAGE;
            goto out;
        }
    }
    if (fmt == SW_FMT_JSON) {
        print_json(cfg, views, n, at);
    } else if (n == 0) {
        printf("no rotations in %s\n", file);
    } else {
        print_table(views, n, at);
    }
    r = SW_EXIT_OK;
out:
    for (size_t i = 0; i < n; i++) {
        sw_shift_list_release(&views[i].next);
    }
    free(views);
    sw_config_unref(cfg);
    return r;
}

/* ---- export ---- */

static int write_all(const char *path, const struct sw_buf *b)
{
    FILE *f = fopen(path, "we");
    int r = 0;

    if (!f) {
        return -errno;
    }
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len) {
        r = -EIO;
    }
    if (fclose(f) != 0 && r == 0) {
        r = -errno;
    }
    return r;
}

static int oncall_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"rotation", required_argument, NULL, 'r'},
        {"engineer", required_argument, NULL, 'e'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = SW_DEFAULT_CONFIG, *rotation = NULL, *engineer = NULL, *output = NULL;
    const struct sw_rotation_conf *rc = NULL;
    struct sw_config *cfg = NULL;
    struct sw_buf out;
    int64_t now = sw_now(), from = now, to = 0;
    bool have_to = false;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:r:e:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            file = optarg;
            break;
        case 'r':
            rotation = optarg;
            break;
        case 'e':
            engineer = optarg;
            break;
        case 'F':
            r = parse_time("oncall export", "--from", optarg, &from);
            if (r) {
                return r;
            }
            break;
        case 'T':
            r = parse_time("oncall export", "--to", optarg, &to);
            if (r) {
                return r;
            }
            have_to = true;
            break;
        case 'f':
            if (strcmp(optarg, "ics") != 0) {
                return sw_cli_usage_error("oncall export", "--format must be ics");
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            fputs(export_usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("oncall export", "bad option");
        }
    }
    if (optind < argc) {
        return sw_cli_usage_error("oncall export", "unexpected argument '%s'", argv[optind]);
    }
    if (!rotation && !engineer) {
        return sw_cli_usage_error("oncall export", "give --rotation R or --engineer E");
    }
    if (!have_to) {
        to = from + (int64_t)EXPORT_DAYS * DAY_S;
    }
    if (to <= from) {
        return sw_cli_usage_error("oncall export", "--to must be after --from");
    }
    if (to - from > SW_ROT_SPAN_MAX) {
        return sw_cli_usage_error("oncall export", "the range is longer than %lld days",
                                  (long long)(SW_ROT_SPAN_MAX / DAY_S));
    }
    r = sw_cli_load_config(file, &cfg);
    if (r) {
        return r;
    }
    sw_buf_init(&out);
    if (rotation) {
        rc = sw_config_find_rotation(cfg, rotation);
        if (!rc) {
            fprintf(stderr, "stackward oncall export: no rotation '%s' in %s\n", rotation, file);
            r = SW_EXIT_USAGE;
            goto out;
        }
    }
    if (engineer && !sw_config_find_engineer(cfg, engineer)) {
        fprintf(stderr, "stackward oncall export: no engineer '%s' in %s\n", engineer, file);
        r = SW_EXIT_USAGE;
        goto out;
    }
    r = rc ? sw_ics_export(&rc->rot, 1, engineer, from, to, now, &out)
           : sw_ics_export(cfg->rotations, cfg->n_rotations, engineer, from, to, now, &out);
    if (r < 0) {
        fprintf(stderr, "stackward oncall export: %s\n",
                r == -E2BIG ? "too many shifts in the range: give a shorter one"
                            : "a time in the range cannot be placed in the rotation's zone");
        r = SW_EXIT_USAGE;
        goto out;
    }
    if (output && strcmp(output, "-") != 0) {
        r = write_all(output, &out);
        if (r < 0) {
            fprintf(stderr, "stackward oncall export: cannot write %s: %s\n", output, strerror(-r));
            r = SW_EXIT_FAIL;
            goto out;
        }
    } else if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) {
        fprintf(stderr, "stackward oncall export: cannot write to standard output\n");
        r = SW_EXIT_FAIL;
        goto out;
    }
    r = SW_EXIT_OK;
out:
    sw_buf_release(&out);
    sw_config_unref(cfg);
    return r;
}

int sw_cmd_oncall(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "export") == 0) {
        return oncall_export(argc - 1, argv + 1);
    }
    return oncall_show(argc, argv);
}
