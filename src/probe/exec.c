/* SPDX-License-Identifier: Apache-2.0 */
/* exec.c: Nagios-compatible plugins through uv_spawn: argv without a shell, a clean
 * environment, stdin from /dev/null, stdout and stderr captured up to limits.max_output, the
 * plugin leading its own process group so a timeout kills it with all its children. At most
 * limits.max_exec run at once; the others wait in a FIFO queue. SIGCHLD is libuv's. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_int.h"

/* After a kill, how long to wait for the pipes to reach EOF before closing them anyway (a
 * grandchild that left the process group may hold them open). */
#define KILL_GRACE_MS 2000
#define SCRATCH_LEN 16384

struct exec_run {
    struct sw_run run;
    struct exec_run *qnext; /* in the wait queue */
    const struct sw_check_conf *c;
    sw_probe_done_cb cb;
    void *arg;
    uv_process_t proc;
    uv_pipe_t out;
    uv_pipe_t err;
    uv_timer_t timer;
    int open; /* handles initialised and not yet closed */
    char *obuf;
    size_t olen;
    size_t oalloc; /* bytes of obuf */
    size_t ocap;   /* most stdout bytes kept: max_output, or max_body for a juju run */
    char *ebuf;
    size_t elen;
    bool exited;
    bool out_eof;
    bool err_eof;
    bool timed_out;
    bool closing;
    int64_t exit_status;
    int term_signal;
};

struct sw_exec {
    struct exec_run *qhead;
    struct exec_run *qtail;
    int queued;
    char scratch[SCRATCH_LEN]; /* output beyond the cap lands here and is dropped */
};

static char *clean_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL=C",
    NULL,
};

int sw_exec_init(struct sw_probes *p)
{
    p->exec = sw_xcalloc(1, sizeof(*p->exec));
    return 0;
}

static void start_next(struct sw_probes *p);

static void on_close(uv_handle_t *h)
{
    struct exec_run *e = h->data;
    struct sw_probes *p = e->run.p;

    if (--e->open > 0) {
        return;
    }
    free(e->obuf);
    free(e->ebuf);
    free(e);
    sw_probes_unpend(p);
}

static void close_all(struct exec_run *e)
{
    uv_handle_t *hs[] = {(uv_handle_t *)&e->proc, (uv_handle_t *)&e->out, (uv_handle_t *)&e->err,
                         (uv_handle_t *)&e->timer};

    if (e->closing) {
        return;
    }
    e->closing = true;
    for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
        if (hs[i]->data && !uv_is_closing(hs[i])) {
            uv_close(hs[i], on_close);
        }
    }
}

/* Cuts an incomplete UTF-8 sequence left at the end by the output cap. */
static void trim_utf8(const char *b, size_t *n)
{
    size_t i = *n, k = 0;

    while (i > 0 && k < 4 && ((unsigned char)b[i - 1] & 0xC0) == 0x80) {
        i--;
        k++;
    }
    if (i == 0) {
        return;
    }
    unsigned char lead = (unsigned char)b[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (need > 1 && need != k + 1) {
        *n = i - 1;
    }
}

static void report(struct exec_run *e)
{
    struct sw_probes *p = e->run.p;
    struct sw_probe_result r = {0};
    size_t cap = p->limits.max_output;
    char dur[32];

    r.latency_us = sw_run_elapsed_us(&e->run);
    if (e->c->type == SW_CHECK_JUJU) {
        struct sw_exec_outcome o = {
            .out = e->obuf,
            .out_len = e->olen,
            .out_truncated = e->olen >= e->ocap,
            .err = e->ebuf,
            .err_len = e->elen,
            .exit_status = e->exit_status,
            .term_signal = e->term_signal,
            .timed_out = e->timed_out,
        };
        sw_juju_report(e->c, &o, &r);
        goto out;
    }
    if (e->timed_out) {
        r.state = SW_UNKNOWN;
        r.output = sw_xasprintf("plugin timed out after %s and was killed",
                                sw_duration_format(e->c->timeout_ms, dur));
        goto out;
    }
    if (e->olen >= cap) {
        trim_utf8(e->obuf, &e->olen);
    }
    if (e->elen >= cap) {
        trim_utf8(e->ebuf, &e->elen);
    }
    if (e->olen > 0) {
        if (sw_plugin_output_parse(e->obuf, e->olen, cap, &r) < 0) {
            r.state = SW_UNKNOWN;
            goto out;
        }
    } else if (e->elen > 0) {
        const char *nl = memchr(e->ebuf, '\n', e->elen);
        size_t n = nl ? (size_t)(nl - e->ebuf) : e->elen;
        if (!sw_str_is_text(e->ebuf, n)) {
            r.output = sw_xstrdup("plugin output is not text");
            r.state = SW_UNKNOWN;
            goto out;
        }
        while (n > 0 && (e->ebuf[n - 1] == '\r' || e->ebuf[n - 1] == ' ')) {
            n--;
        }
        r.output = sw_xstrndup(e->ebuf, n);
    }
    if (!r.output || !r.output[0]) {
        free(r.output);
        r.output = sw_xstrdup("(no output)");
    }
    if (e->term_signal) {
        char *o = sw_xasprintf("plugin killed by signal %d (%s): %s", e->term_signal,
                               strsignal(e->term_signal), r.output);
        free(r.output);
        r.output = o;
        r.state = SW_UNKNOWN;
    } else if (e->exit_status >= 0 && e->exit_status <= 3) {
        r.state = (enum sw_state)e->exit_status;
    } else {
        char *o =
            sw_xasprintf("plugin exited with code %lld: %s", (long long)e->exit_status, r.output);
        free(r.output);
        r.output = o;
        r.state = SW_UNKNOWN;
    }
out:
    sw_run_finish(&e->run, &r);
    close_all(e);
    start_next(p);
}

static void maybe_done(struct exec_run *e)
{
    if (e->exited && e->out_eof && e->err_eof && !e->run.done) {
        report(e);
    }
}

static void on_exit_cb(uv_process_t *proc, int64_t status, int sig)
{
    struct exec_run *e = proc->data;

    e->exited = true;
    e->exit_status = status;
    e->term_signal = sig;
    maybe_done(e);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct exec_run *e = h->data;
    bool is_out = h == (uv_handle_t *)&e->out;
    size_t len = is_out ? e->olen : e->elen;
    size_t cap = is_out ? e->oalloc : e->run.p->limits.max_output;
    char *b;

    (void)suggested;
    if (is_out && len == e->oalloc && e->oalloc < e->ocap) {
        e->oalloc = e->oalloc * 2 < e->ocap ? e->oalloc * 2 : e->ocap;
        e->obuf = sw_xrealloc(e->obuf, e->oalloc);
        cap = e->oalloc;
    }
    b = is_out ? e->obuf : e->ebuf;
    if (len < cap) {
        *buf = uv_buf_init(b + len, (unsigned)(cap - len));
    } else {
        *buf = uv_buf_init(e->run.p->exec->scratch, SCRATCH_LEN);
    }
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct exec_run *e = s->data;
    bool is_out = s == (uv_stream_t *)&e->out;

    if (nread > 0) {
        if (buf->base != e->run.p->exec->scratch) {
            if (is_out) {
                e->olen += (size_t)nread;
            } else {
                e->elen += (size_t)nread;
            }
        }
        return;
    }
    if (nread == 0) {
        return; /* EAGAIN */
    }
    uv_read_stop(s);
    if (is_out) {
        e->out_eof = true;
    } else {
        e->err_eof = true;
    }
    maybe_done(e);
}

static void on_grace(uv_timer_t *t)
{
    struct exec_run *e = t->data;

    /* the pipes are still open after the kill: a descendant outside the group holds them */
    e->out_eof = true;
    e->err_eof = true;
    e->exited = true;
    maybe_done(e);
}

static void on_timeout(uv_timer_t *t)
{
    struct exec_run *e = t->data;

    e->timed_out = true;
    if (e->proc.pid > 0) {
        uv_kill(-e->proc.pid, SIGKILL);
    }
    uv_timer_start(&e->timer, on_grace, KILL_GRACE_MS, 0);
}

static void cancel(struct sw_run *run)
{
    struct exec_run *e = (struct exec_run *)run;

    if (e->proc.data && e->proc.pid > 0 && !e->exited) {
        uv_kill(-e->proc.pid, SIGKILL);
    }
    sw_run_finishf(run, SW_UNKNOWN, "cancelled");
    close_all(e);
}

static void spawn(struct sw_probes *p, struct exec_run *e)
{
    uv_process_options_t o;
    uv_stdio_container_t stdio[3];
    const struct sw_check_conf *c = e->c;
    int64_t timeout = c->timeout_ms > 0 ? c->timeout_ms : 10000;
    int r;

    sw_run_begin(p, &e->run, c, e->cb, e->arg);
    e->run.cancel = cancel;
    /* a juju run reads a whole status document; a plugin, max_output */
    e->ocap = c->type == SW_CHECK_JUJU ? c->max_body : p->limits.max_output;
    e->oalloc = e->ocap < 65536 ? e->ocap : 65536;
    e->obuf = sw_xmalloc(e->oalloc);
    e->ebuf = sw_xmalloc(p->limits.max_output);

    uv_timer_init(p->loop, &e->timer);
    e->timer.data = e;
    e->open++;
    uv_pipe_init(p->loop, &e->out, 0);
    e->out.data = e;
    e->open++;
    uv_pipe_init(p->loop, &e->err, 0);
    e->err.data = e;
    e->open++;

    memset(&o, 0, sizeof(o));
    stdio[0].flags = UV_IGNORE; /* libuv opens /dev/null for it */
    stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[1].data.stream = (uv_stream_t *)&e->out;
    stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[2].data.stream = (uv_stream_t *)&e->err;
    o.exit_cb = on_exit_cb;
    o.file = c->argv && c->argv[0] ? c->argv[0] : "(none)";
    o.args = c->argv;
    o.env = clean_env;
    o.cwd = "/";
    o.flags = UV_PROCESS_DETACHED; /* setsid(): the plugin leads its own process group */
    o.stdio_count = 3;
    o.stdio = stdio;

    if (!c->argv || !c->argv[0] || c->argv[0][0] != '/') {
        r = UV_EINVAL; /* the process handle stays untouched: data NULL, not closed */
    } else {
        e->proc.data = e;
        e->open++;
        r = uv_spawn(p->loop, &e->proc, &o);
    }
    if (r < 0) {
        /* a failed uv_spawn still leaves the handle to close */
        sw_run_finishf(&e->run, SW_UNKNOWN, "plugin could not be started: %s: %s", o.file,
                       uv_strerror(r));
        close_all(e);
        return;
    }
    uv_read_start((uv_stream_t *)&e->out, on_alloc, on_read);
    uv_read_start((uv_stream_t *)&e->err, on_alloc, on_read);
    uv_timer_start(&e->timer, on_timeout, (uint64_t)timeout, 0);
}

static void start_next(struct sw_probes *p)
{
    struct sw_exec *x = p->exec;

    while (!p->freeing && x->qhead &&
           p->running[SW_CHECK_EXEC] + p->running[SW_CHECK_JUJU] < p->limits.max_exec) {
        struct exec_run *e = x->qhead;
        x->qhead = e->qnext;
        if (!x->qhead) {
            x->qtail = NULL;
        }
        x->queued--;
        e->qnext = NULL;
        spawn(p, e);
        /* a failed spawn frees its slot at once and the loop goes on */
    }
}

int sw_exec_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                  void *arg)
{
    struct sw_exec *x = p->exec;
    struct exec_run *e = sw_xcalloc(1, sizeof(*e));

    e->c = c;
    e->cb = cb;
    e->arg = arg;
    if (x->qtail) {
        x->qtail->qnext = e;
    } else {
        x->qhead = e;
    }
    x->qtail = e;
    x->queued++;
    start_next(p);
    return 0;
}

int sw_probes_queued(const struct sw_probes *p)
{
    return p && p->exec ? p->exec->queued : 0;
}

void sw_exec_shutdown(struct sw_probes *p)
{
    struct sw_exec *x = p->exec;

    if (!x) {
        return;
    }
    while (x->qhead) {
        struct exec_run *e = x->qhead;
        x->qhead = e->qnext;
        x->queued--;
        /* never started: report it as cancelled without a process */
        sw_run_begin(p, &e->run, e->c, e->cb, e->arg);
        sw_run_finishf(&e->run, SW_UNKNOWN, "cancelled");
        free(e);
        sw_probes_unpend(p);
    }
    x->qtail = NULL;
    free(x);
    p->exec = NULL;
}
