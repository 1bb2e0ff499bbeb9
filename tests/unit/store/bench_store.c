/* SPDX-License-Identifier: Apache-2.0 */
/* bench_store.c: a scratch measurement of the store's batch commit, not a test. Each round
 * queues N results and N check_state upserts for N distinct checks (the daemon's peak second)
 * and flushes them: one batch, one transaction, one fsync. Prints the time per round and the
 * ops per second. Usage: bench_store [DIR] [N] [ROUNDS]; DIR must be on the disk to measure. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store.h"

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/var/tmp";
    int n = argc > 2 ? atoi(argv[2]) : 5000;
    int rounds = argc > 3 ? atoi(argv[3]) : 10;
    char tmpl[256], path[300], wal[310], shm[310];
    struct sw_store *s = NULL;
    struct sw_store_stats st;
    struct sw_buf err;
    char **paths;
    double best = 1e9, total = 0;

    snprintf(tmpl, sizeof(tmpl), "%s/sw-bench-XXXXXX", dir);
    if (!mkdtemp(tmpl) || n <= 0 || rounds <= 0) {
        fprintf(stderr, "usage: bench_store [DIR] [N] [ROUNDS]\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/bench.db", tmpl);
    sw_buf_init(&err);
    if (sw_store_open(path, &err, &s) < 0) {
        fprintf(stderr, "open: %s\n", err.data);
        return 1;
    }
    paths = sw_xcalloc((size_t)n, sizeof(*paths));
    for (int i = 0; i < n; i++) {
        paths[i] = sw_xasprintf("customer%d/dep%d/svc%d/check-%d", i % 50, i % 7, i % 300, i);
    }
    for (int r = 0; r < rounds; r++) {
        int64_t t0 = sw_mono_ns();
        double secs;
        for (int i = 0; i < n; i++) {
            struct sw_store_result res = {
                .path = paths[i],
                .t_ms = 1790000000000LL + r * 1000LL + i,
                .state = (enum sw_state)(i % 4),
                .hard = true,
                .attempt = 1,
                .latency_us = 1234 + i,
                .output = "HTTP OK: HTTP/1.1 200 OK - 512 bytes in 0.001 second response time",
                .perfdata = "time=0.001234s;0.5;2;0 size=512B;;;0",
            };
            struct sw_check_snapshot snap = {
                .path = paths[i],
                .state = res.state,
                .hard_state = res.state,
                .hard = true,
                .has_state = true,
                .attempt = 1,
                .since = 1790000000,
                .last_check_ms = res.t_ms,
                .last_change_ms = res.t_ms,
                .output = res.output,
                .perfdata = res.perfdata,
            };
            sw_store_add_result(s, &res);
            sw_store_save_state(s, &snap);
        }
        if (sw_store_flush(s) < 0) {
            fprintf(stderr, "flush failed\n");
            return 1;
        }
        secs = (double)(sw_mono_ns() - t0) / 1e9;
        total += secs;
        if (secs < best) {
            best = secs;
        }
        printf("round %d: %d results + %d state upserts queued and committed in %.3f s\n", r, n, n,
               secs);
    }
    sw_store_stats(s, &st);
    printf("batches %llu, commit time total %.3f s (mean %.4f s per batch)\n",
           (unsigned long long)st.commit_s.count, st.commit_s.sum,
           st.commit_s.sum / (double)st.commit_s.count);
    printf("queue+commit: best %.3f s, mean %.3f s per round = %.0f ops/s (mean)\n", best,
           total / rounds, 2.0 * n * rounds / total);
    printf("commit only: %.0f ops/s\n", (double)st.rows / st.commit_s.sum);
    sw_store_free(s);
    for (int i = 0; i < n; i++) {
        free(paths[i]);
    }
    free(paths);
    sw_buf_release(&err);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    rmdir(tmpl);
    return 0;
}
