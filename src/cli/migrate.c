/* SPDX-License-Identifier: Apache-2.0 */
/* migrate.c: `stackward migrate --from sqlite:PATH --to postgresql://...`, a whole SQLite
 * store (its history, incidents, cases, tokens...) copied into an empty PostgreSQL database
 * and verified table by table (sw_store_migrate()). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static const char usage[] =
    "Usage: stackward migrate --from sqlite:PATH --to URI\n"
    "                         [--password-file FILE | --password-env VAR]\n"
    "\n"
    "Copies a whole SQLite store into an empty PostgreSQL database: results, intervals,\n"
    "check states, maintenance windows, incidents with their timelines and notifications,\n"
    "cases, changes, derived checks and tokens, with their ids. URI is a postgresql:// URI\n"
    "(libpq's: host, port, dbname, user, sslmode...); the schema is created there first. The\n"
    "SQLite file is only read, as of one moment, and must be of this stackward's schema\n"
    "version (run this version's daemon on it once otherwise). Everything is copied in one\n"
    "transaction, and each table's row count is compared on both sides before it commits:\n"
    "the target gets all of it or nothing. A target that already holds data is refused.\n"
    "The password of the target, when it needs one, comes from FILE (its first line) or the\n"
    "environment variable VAR, never from the command line. Prints one line per table, then\n"
    "a summary. Stop the daemon first, then point its `database:` at URI. docs/migrate.md.\n"
    "\n"
    "Exit status: 0 migrated and verified; 1 refused or failed (nothing migrated); 2 bad usage.\n";

#define PASSWORD_MAX 1024

/* The first line of path, the password: 0, or SW_EXIT_USAGE with the reason printed. */
static int read_password_file(const char *path, char **ret)
{
    char buf[PASSWORD_MAX + 2];
    struct stat st;
    size_t n = 0;
    ssize_t r;
    int fd;

    /* O_NONBLOCK: a FIFO must not hang us; only regular files pass below */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd == -1) {
        return sw_cli_usage_error("migrate", "--password-file '%s': %s", path, strerror(errno));
    }
    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sw_cli_usage_error("migrate", "--password-file '%s' is not a regular file", path);
    }
    while (n < sizeof(buf) - 1) {
        r = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (r == -1 && errno == EINTR) {
            continue;
        }
        if (r == -1) {
            int e = errno;
            close(fd);
            return sw_cli_usage_error("migrate", "--password-file '%s': %s", path, strerror(e));
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    n = strcspn(buf, "\r\n");
    if (n == 0 || n > PASSWORD_MAX) {
        explicit_bzero(buf, sizeof(buf));
        return sw_cli_usage_error("migrate", "--password-file '%s': %s", path,
                                  n == 0 ? "empty first line" : "longer than 1024 bytes");
    }
    *ret = sw_xstrndup(buf, n);
    explicit_bzero(buf, sizeof(buf));
    return 0;
}

struct totals {
    int tables;
    int64_t rows;
};

static void progress(void *arg, const char *table, int64_t rows)
{
    struct totals *t = arg;

    t->tables++;
    t->rows += rows;
    printf("%s %" PRId64 " rows\n", table, rows);
    fflush(stdout);
}

int sw_cmd_migrate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"password-file", required_argument, NULL, 'P'},
        {"password-env", required_argument, NULL, 'E'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *to = NULL, *pw_file = NULL, *pw_env = NULL, *path;
    struct totals tot = {0};
    char *password = NULL, safe[512];
    struct sw_buf err;
    int c, r;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
            break;
        case 'P':
            pw_file = optarg;
            break;
        case 'E':
            pw_env = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return SW_EXIT_OK;
        default:
            return sw_cli_usage_error("migrate", "bad option");
        }
    }
    if (optind != argc) {
        return sw_cli_usage_error("migrate", "unexpected argument '%s'", argv[optind]);
    }
    if (!from || !to) {
        return sw_cli_usage_error("migrate", "--from sqlite:PATH and --to URI are required");
    }
    /* as sw_store_open(): "sqlite:PATH", or a plain path */
    path = sw_str_has_prefix(from, "sqlite:") ? from + strlen("sqlite:") : from;
    if (!*path || strstr(from, "://")) {
        return sw_cli_usage_error("migrate",
                                  "--from must be sqlite:PATH (a SQLite store), not '%s'", from);
    }
    if (!sw_str_has_prefix(to, "postgresql://") && !sw_str_has_prefix(to, "postgres://")) {
        return sw_cli_usage_error("migrate", "--to must be a postgresql:// URI, not '%s'",
                                  sw_store_uri_redact(to, safe, sizeof(safe)));
    }
    if (pw_file && pw_env) {
        return sw_cli_usage_error("migrate", "give --password-file or --password-env, not both");
    }
    if (pw_file && (r = read_password_file(pw_file, &password)) != 0) {
        return r;
    }
    if (pw_env) {
        const char *v = getenv(pw_env);
        if (!v || !*v) {
            return sw_cli_usage_error("migrate", "--password-env: %s is not set or empty", pw_env);
        }
        password = sw_xstrdup(v);
    }
    sw_buf_init(&err);
    r = sw_store_migrate(path, to, password, progress, &tot, &err);
    if (r < 0) {
        fprintf(stderr, "stackward migrate: %s\n", err.len ? err.data : strerror(-r));
    } else {
        printf("migrated: %d tables, %" PRId64 " rows, verified\n", tot.tables, tot.rows);
    }
    sw_buf_release(&err);
    if (password) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    return r < 0 ? SW_EXIT_FAIL : SW_EXIT_OK;
}
