/* SPDX-License-Identifier: Apache-2.0 */
/* test_exec.c: the exec probe (src/probe/exec.c) with Debian's monitoring-plugins and the
 * scripts of this folder: states from exit codes, the clean environment, output caps,
 * timeouts that kill the whole process group, bad output, bounded concurrency. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "probe_test.h"

struct run1 {
    struct sw_check_conf c;
    char *argv[8];
    struct got g;
};

/* Runs argv as a plugin and waits for its result. */
static void exec_run(struct env *e, struct run1 *r, int64_t timeout_ms, ...)
{
    va_list ap;
    int i = 0;
    const char *a;

    conf_init(&r->c, SW_CHECK_EXEC);
    r->c.timeout_ms = timeout_ms;
    va_start(ap, timeout_ms);
    while ((a = va_arg(ap, const char *)) && i < 7) {
        r->argv[i++] = (char *)a;
    }
    va_end(ap);
    r->argv[i] = NULL;
    r->c.argv = r->argv;
    r->c.argc = (size_t)i;
    assert_int_equal(sw_probe_start(e->p, &r->c, got_done, &r->g), 0);
    env_run_until(e, &r->g.n, 1, 30000);
}

static char *script(const char *name)
{
    static char path[4][1024];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 1024, "%s/%s", testdir(), name);
    return p;
}

static void test_dummy_states(void **state)
{
    struct env *e = env_new(4, 4096);
    const char *texts[] = {"OK: all good", "WARNING: a bit slow", "CRITICAL: down",
                           "UNKNOWN: no idea"};
    const char *args[] = {"all good", "a bit slow", "down", "no idea"};
    char code[4];

    (void)state;
    for (int i = 0; i < 4; i++) {
        struct run1 r = {0};
        snprintf(code, sizeof(code), "%d", i);
        exec_run(e, &r, 5000, "/usr/lib/nagios/plugins/check_dummy", code, args[i], NULL);
        assert_int_equal(r.g.state, i);
        assert_string_equal(r.g.output, texts[i]);
        assert_null(r.g.perfdata);
        assert_true(r.g.t_ms > 0);
        got_release(&r.g);
    }
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_EXEC), 0);
    env_free(e);
}

static void on_conn_close(uv_handle_t *h)
{
    free(h);
}

static void on_conn(uv_stream_t *server, int status)
{
    uv_tcp_t *c = malloc(sizeof(*c));

    assert_int_equal(status, 0);
    uv_tcp_init(server->loop, c);
    assert_int_equal(uv_accept(server, (uv_stream_t *)c), 0);
    uv_close((uv_handle_t *)c, on_conn_close);
}

static void test_check_tcp(void **state)
{
    struct env *e = env_new(4, 4096);
    uv_tcp_t server;
    struct sockaddr_in sa;
    struct sockaddr_storage bound;
    int len = sizeof(bound);
    char port[16];
    struct run1 r = {0};

    (void)state;
    uv_tcp_init(&e->loop, &server);
    uv_ip4_addr("127.0.0.1", 0, &sa);
    assert_int_equal(uv_tcp_bind(&server, (struct sockaddr *)&sa, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&server, 16, on_conn), 0);
    uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len);
    snprintf(port, sizeof(port), "%d", ntohs(((struct sockaddr_in *)&bound)->sin_port));

    exec_run(e, &r, 5000, "/usr/lib/nagios/plugins/check_tcp", "-H", "127.0.0.1", "-p", port, NULL);
    assert_int_equal(r.g.state, SW_OK);
    assert_true(sw_str_has_prefix(r.g.output, "TCP OK - "));
    assert_non_null(strstr(r.g.output, "response time on 127.0.0.1 port"));
    assert_non_null(r.g.perfdata);
    assert_true(sw_str_has_prefix(r.g.perfdata, "time="));
    got_release(&r.g);

    uv_close((uv_handle_t *)&server, NULL);
    uv_run(&e->loop, UV_RUN_NOWAIT);
    /* now nothing listens there */
    exec_run(e, &r, 5000, "/usr/lib/nagios/plugins/check_tcp", "-H", "127.0.0.1", "-p", port, NULL);
    assert_int_equal(r.g.state, SW_CRITICAL);
    assert_non_null(strstr(r.g.output, "Connection refused"));
    got_release(&r.g);
    env_free(e);
}

/* Processes of group pgid that are still alive (zombies do not count). */
static int group_alive(int pgid)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d))) {
        char path[300], buf[512], st;
        int pid, ppid, pgrp;
        FILE *f;
        if (de->d_name[0] < '0' || de->d_name[0] > '9') {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
        f = fopen(path, "re");
        if (!f) {
            continue;
        }
        if (fgets(buf, sizeof(buf), f)) {
            char *p = strrchr(buf, ')');
            if (p && sscanf(p + 1, " %c %d %d", &st, &ppid, &pgrp) == 3 && pgrp == pgid &&
                st != 'Z' && sscanf(de->d_name, "%d", &pid) == 1) {
                n++;
            }
        }
        fclose(f);
    }
    closedir(d);
    return n;
}

static void test_timeout_kills_group(void **state)
{
    struct env *e = env_new(4, 4096);
    struct run1 r = {0};
    char pidfile[] = "/tmp/sw-probe-hang-XXXXXX";
    int fd = mkstemp(pidfile), pgid = 0, alive = -1;
    FILE *f;

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    unlink(pidfile);
    exec_run(e, &r, 500, "/bin/sh", script("hang.sh"), pidfile, NULL);
    assert_int_equal(r.g.state, SW_UNKNOWN);
    assert_string_equal(r.g.output, "plugin timed out after 500ms and was killed");
    f = fopen(pidfile, "re");
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%d", &pgid), 1);
    fclose(f);
    unlink(pidfile);
    assert_true(pgid > 1);
    /* SIGKILL is sent; give the kernel a moment to finish the children off */
    for (int i = 0; i < 100 && (alive = group_alive(pgid)) > 0; i++) {
        usleep(20000);
    }
    assert_int_equal(alive, 0);
    got_release(&r.g);
    env_free(e);
}

static void test_misbehaving(void **state)
{
    struct env *e = env_new(4, 1000);
    struct run1 r = {0};

    (void)state;
    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "exit42", NULL);
    assert_int_equal(r.g.state, SW_UNKNOWN);
    assert_string_equal(r.g.output, "plugin exited with code 42: something odd");
    got_release(&r.g);

    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "garbage", NULL);
    assert_int_equal(r.g.state, SW_UNKNOWN);
    assert_string_equal(r.g.output, "plugin output is not text");
    got_release(&r.g);

    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "stderr", NULL);
    assert_int_equal(r.g.state, SW_CRITICAL);
    assert_string_equal(r.g.output, "oops on stderr");
    got_release(&r.g);

    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "silent", NULL);
    assert_int_equal(r.g.state, SW_WARNING);
    assert_string_equal(r.g.output, "(no output)");
    got_release(&r.g);

    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "signal", NULL);
    assert_int_equal(r.g.state, SW_UNKNOWN);
    assert_string_equal(r.g.output, "plugin killed by signal 15 (Terminated): (no output)");
    got_release(&r.g);

    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "big", NULL);
    assert_int_equal(r.g.state, SW_WARNING);
    assert_int_equal(strlen(r.g.output), 1000);
    got_release(&r.g);

    exec_run(e, &r, 5000, "/nonexistent/check_x", NULL);
    assert_int_equal(r.g.state, SW_UNKNOWN);
    assert_string_equal(r.g.output,
                        "plugin could not be started: /nonexistent/check_x: no such file or "
                        "directory");
    got_release(&r.g);

    exec_run(e, &r, 5000, "relative/check_x", NULL);
    assert_int_equal(r.g.state, SW_UNKNOWN);
    assert_string_equal(r.g.output,
                        "plugin could not be started: relative/check_x: invalid argument");
    got_release(&r.g);
    env_free(e);
}

static void test_env_and_perfdata(void **state)
{
    struct env *e = env_new(4, 4096);
    struct run1 r = {0};

    (void)state;
    setenv("SW_TEST_FOO", "leak", 1);
    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "env", NULL);
    assert_int_equal(r.g.state, SW_OK);
    assert_string_equal(r.g.output, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                                    "/sbin:/bin,LC_ALL=C,HOME=unset,FOO=unset");
    got_release(&r.g);

    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "stdin", NULL);
    assert_string_equal(r.g.output, "stdin empty");
    got_release(&r.g);

    exec_run(e, &r, 5000, "/bin/sh", script("misc.sh"), "perf", NULL);
    assert_int_equal(r.g.state, SW_OK);
    assert_string_equal(r.g.output, "LOAD OK - fine");
    assert_string_equal(r.g.long_output, "long line");
    assert_string_equal(r.g.perfdata, "load1=0.5;1;2;0 load5=0.25;1;2;0 extra=3c");
    got_release(&r.g);
    env_free(e);
}

static int conc_total;
static int conc_max_running;
static struct sw_probes *conc_probes;

/* Counts results and watches how many plugins run when each one ends. */
static void conc_done(void *arg, struct sw_probe_result *r)
{
    int n = sw_probes_running(conc_probes, SW_CHECK_EXEC) + 1; /* this one included */

    if (n > conc_max_running) {
        conc_max_running = n;
    }
    conc_total++;
    got_done(arg, r);
}

static void test_bounded_concurrency(void **state)
{
    struct env *e = env_new(2, 4096);
    struct run1 r[5];
    char log[] = "/tmp/sw-probe-conc-XXXXXX";
    int fd = mkstemp(log), cur = 0, max = 0, starts = 0;
    FILE *f;
    char line[16];

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    memset(r, 0, sizeof(r));
    conc_probes = e->p;
    for (int i = 0; i < 5; i++) {
        conf_init(&r[i].c, SW_CHECK_EXEC);
        r[i].argv[0] = "/bin/sh";
        r[i].argv[1] = script("conc.sh");
        r[i].argv[2] = log;
        r[i].c.argv = r[i].argv;
        r[i].c.argc = 3;
        assert_int_equal(sw_probe_start(e->p, &r[i].c, conc_done, &r[i].g), 0);
    }
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_EXEC), 2);
    assert_int_equal(sw_probes_queued(e->p), 3);
    env_run_until(e, &conc_total, 5, 30000);
    assert_int_equal(conc_max_running, 2);
    assert_int_equal(sw_probes_running(e->p, SW_CHECK_EXEC), 0);
    assert_int_equal(sw_probes_queued(e->p), 0);
    f = fopen(log, "re");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == 'S') {
            cur++;
            starts++;
        } else {
            cur--;
        }
        if (cur > max) {
            max = cur;
        }
    }
    fclose(f);
    unlink(log);
    assert_int_equal(starts, 5);
    assert_int_equal(max, 2);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(r[i].g.n, 1);
        assert_int_equal(r[i].g.state, SW_OK);
        assert_string_equal(r[i].g.output, "OK - conc");
        got_release(&r[i].g);
    }
    env_free(e);
}

static void test_cancel_on_free(void **state)
{
    struct env *e = env_new(1, 4096);
    struct run1 r[2];

    (void)state;
    memset(r, 0, sizeof(r));
    for (int i = 0; i < 2; i++) {
        conf_init(&r[i].c, SW_CHECK_EXEC);
        r[i].argv[0] = "/bin/sleep";
        r[i].argv[1] = "30";
        r[i].c.argv = r[i].argv;
        assert_int_equal(sw_probe_start(e->p, &r[i].c, got_done, &r[i].g), 0);
    }
    assert_int_equal(sw_probes_queued(e->p), 1);
    uv_run(&e->loop, UV_RUN_NOWAIT);
    sw_probes_free(e->p);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r[i].g.n, 1);
        assert_int_equal(r[i].g.state, SW_UNKNOWN);
        assert_string_equal(r[i].g.output, "cancelled");
        got_release(&r[i].g);
    }
    env_drain(&e->loop);
    assert_int_equal(uv_loop_close(&e->loop), 0);
    test_loop = NULL;
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dummy_states),        cmocka_unit_test(test_check_tcp),
        cmocka_unit_test(test_timeout_kills_group), cmocka_unit_test(test_misbehaving),
        cmocka_unit_test(test_env_and_perfdata),    cmocka_unit_test(test_bounded_concurrency),
        cmocka_unit_test(test_cancel_on_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
