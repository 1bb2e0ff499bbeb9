/* SPDX-License-Identifier: Apache-2.0 */
/* probe_int.h: what probes.c shares with the probe kinds (http.c, http_plain.c, tcp.c,
 * exec.c); private to src/probe. A run is one started probe: it sits on the list of its sw_probes
 * until its callback fired, and keeps the sw_probes alive (p->pending) until its handles are
 * closed. */
#ifndef SW_PROBE_INT_H
#define SW_PROBE_INT_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "probe/probe.h"

struct sw_run;

struct sw_run {
    struct sw_run *prev; /* on p->runs while the callback has not fired */
    struct sw_run *next;
    struct sw_probes *p;
    const struct sw_check_conf *c;
    sw_probe_done_cb cb;
    void *arg;
    enum sw_check_type type;
    bool done;        /* the callback fired */
    int64_t t_ms;     /* wall clock at start, ms */
    int64_t start_ns; /* monotonic at start, ns */
    /* Stops the run at once: reports UNKNOWN "cancelled" through sw_run_finish() and starts
     * closing its handles. */
    void (*cancel)(struct sw_run *run);
};

struct sw_http;
struct sw_plain;
struct sw_plain_run;
struct sw_exec;

struct sw_probes {
    uv_loop_t *loop;
    struct sw_probe_limits limits;
    int running[SW_CHECK_TYPE_COUNT];
    struct sw_run runs; /* list head of runs whose callback has not fired */
    int pending;        /* runs and handles not yet closed; p is freed when 0 and freeing */
    bool freeing;
    struct sw_http *http;
    struct sw_plain *plain; /* the lean path for plain http:// (http_plain.c), NULL once shut */
    struct sw_exec *exec;
    struct sw_map ks_cache; /* keystone check path -> its token and catalog (keystone.c) */
};

/* Links run into p and starts its clock. */
void sw_run_begin(struct sw_probes *p, struct sw_run *run, const struct sw_check_conf *c,
                  sw_probe_done_cb cb, void *arg);
/* Fires the callback once with result r (its strings are released afterwards), unlinks the
 * run. The run's memory stays the kind's to free. */
void sw_run_finish(struct sw_run *run, struct sw_probe_result *r);
/* Reports with a state and a formatted one-line output. */
void sw_run_finishf(struct sw_run *run, enum sw_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Latency of the run so far, us. */
int64_t sw_run_elapsed_us(const struct sw_run *run);
/* Called when something counted in p->pending is gone; frees p when it was the last. */
void sw_probes_unpend(struct sw_probes *p);

/* Appends the latency perfdata item "time=0.001200s;W;C;0" (W, C from the conf, in s). */
void sw_perf_time(struct sw_buf *b, int64_t us, const struct sw_check_conf *c);
/* Latency state from warn_latency_ms / crit_latency_ms; appends the reason to out. */
enum sw_state sw_latency_state(int64_t us, const struct sw_check_conf *c, struct sw_buf *out);
/* The worse of two states (OK < WARNING < UNKNOWN < CRITICAL). */
enum sw_state sw_state_worst(enum sw_state a, enum sw_state b);

/* ---- single HTTP requests, for probes that make several (keystone, kubernetes, prometheus) ----
 */

struct sw_http_req {
    const char *url;
    const char *method;         /* NULL: GET (POST when body is set) */
    const char *body;           /* or NULL */
    const char *const *headers; /* "Name: value" lines */
    size_t n_headers;
    const struct sw_check_conf *c; /* timeout, TLS settings (tls_verify, ca_file, client_cert) */
    bool auth;                     /* send c's basic auth or bearer token */
    size_t max_body;               /* body bytes kept (0: 64 KiB); more are counted, not kept */
    const char *capture;           /* a response header whose value to keep, any case */
};

struct sw_http_reply {
    bool ok;           /* a response came (any status); false: error says why */
    const char *error; /* curl's reason when !ok */
    long status;       /* HTTP status */
    const char *body;  /* NUL-terminated, at most max_body bytes of it */
    size_t len;
    bool truncated;       /* the body was longer than max_body */
    const char *captured; /* the value of the header asked for, or NULL */
    int64_t latency_us;
};

struct sw_http_call;
/* Called once on the loop thread unless the call was cancelled. The reply is lent. */
typedef void (*sw_http_reply_cb)(void *arg, const struct sw_http_reply *rep);
/* Starts a request; *ret_call (may be NULL) can cancel it until the callback. 0 or -errno. */
int sw_http_request(struct sw_probes *p, const struct sw_http_req *q, sw_http_reply_cb cb,
                    void *arg, struct sw_http_call **ret_call);
/* Stops a request whose callback has not fired; the callback will not fire. */
void sw_http_cancel(struct sw_http_call *call);

/* What a command run left: for kinds that read a command's output themselves (juju). */
struct sw_exec_outcome {
    const char *out; /* stdout, not NUL-terminated */
    size_t out_len;
    bool out_truncated; /* stdout was longer than the check's max_body */
    const char *err;    /* stderr (up to max_output) */
    size_t err_len;
    int64_t exit_status;
    int term_signal;
    bool timed_out;
};
/* juju.c: turns a `juju status --format=json` run into the check's result and one child a
 * unit. r->latency_us is set; fills the rest. */
void sw_juju_report(const struct sw_check_conf *c, const struct sw_exec_outcome *o,
                    struct sw_probe_result *r);
/* keystone.c, k8s.c, prometheus.c: start one run of c. 0 or -errno. */
int sw_keystone_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                      void *arg);
int sw_k8s_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                 void *arg);
int sw_prometheus_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                        void *arg);
/* keystone.c: forgets the cached tokens and catalogs (at sw_probes_free()). */
void sw_keystone_shutdown(struct sw_probes *p);

/* Per kind: set up and tear down (http and exec hold state in p), start one run. */
int sw_http_init(struct sw_probes *p);
void sw_http_shutdown(struct sw_probes *p);
int sw_http_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                  void *arg);
/* http.c, for http_plain.c, whose sockets share the epoll set of curl's: puts fd in the
 * set for events (EPOLLIN, EPOLLOUT, EPOLLET...), reported to sw_plain_event(run, events).
 * 0 or -errno (-EMFILE for an fd number beyond the table). */
int sw_http_watch(struct sw_probes *p, int fd, uint32_t events, struct sw_plain_run *run);
/* Forgets fd; call right before close(fd), which takes it out of the set. */
void sw_http_unwatch(struct sw_probes *p, int fd);
/* The verdict on a complete response, shared by both http paths so that their texts are
 * the same: "HTTP 200 OK in 12 ms, 345 bytes" into out, the expected-status, expect_body
 * and latency reasons (", body does not match ...") into reasons, "time=... size=..." into
 * perf. body holds the kept bytes (len 0 when nothing is kept). Returns the state. */
enum sw_state sw_http_assess(const struct sw_check_conf *c, int64_t latency_us, long status,
                             size_t bytes, const char *body, size_t body_len, struct sw_buf *out,
                             struct sw_buf *reasons, struct sw_buf *perf);

/* ---- http_plain.c: a lean HTTP/1.1 client for plain http:// checks ----
 *
 * Serves a check when its URL is http:// with a literal IPv4 or IPv6 address and nothing
 * curl would rewrite, and it asks only for what the lean path sends byte for byte as curl
 * does (see sw_plain_eligible); the rest goes to curl (http.c). */

/* Where a plain URL points. host is as the URL spells it, without brackets. */
struct sw_plain_target {
    union {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
    } addr;
    char host[48];    /* "127.0.0.1", "::1" */
    int port;         /* 1..65535 */
    const char *path; /* into the URL: "/c/1?x=y", up to path_len */
    size_t path_len;  /* 0 means "/" */
};

/* Parses url into t when the lean path can take it: "http://" (lower case), a literal IPv4
 * address in dotted decimal or a bracketed IPv6 address, both as curl would print them, an
 * optional port without leading zeros, and a path and query of plain URL characters without
 * dot segments (curl would remove them); a fragment is dropped. 0, or -EOPNOTSUPP. */
int sw_plain_target_parse(const char *url, struct sw_plain_target *t);
/* Whether check c can take the lean path: its URL parses, it does not follow redirects,
 * has no certificate thresholds, a body of 1..1023 bytes or none, and no header that curl
 * treats specially (Host, User-Agent, Accept, Content-Type, Content-Length, Expect, Cookie,
 * Transfer-Encoding, Authorization, or one with an empty value). */
bool sw_plain_eligible(const struct sw_check_conf *c, struct sw_plain_target *ret_t);
/* Appends the request for c to t to b: the bytes curl sends for the same check. */
void sw_plain_request(struct sw_buf *b, const struct sw_check_conf *c,
                      const struct sw_plain_target *t);

/* The response parser: a byte-at-a-time state machine that keeps no more than a few bytes
 * of the message, so it needs no memory of its own. It reads the status line, skips 1xx
 * interim responses (not 101), the headers (Content-Length, Transfer-Encoding: chunked),
 * and the body, delimited by Content-Length, chunked transfer-coding or the connection's
 * close, and counts the body bytes, handing them to on_body. Limits: a header line of
 * SW_HP_MAX_LINE bytes, SW_HP_MAX_HEADERS bytes of headers in all (interim responses and
 * trailers included). Errors are named as curl names them where curl rejects the same. */
#define SW_HP_MAX_LINE (100 * 1024)
#define SW_HP_MAX_HEADERS (300 * 1024)

struct sw_hp {
    /* set by the caller after sw_hp_init() */
    void (*on_body)(void *arg, const char *p, size_t n); /* may be NULL */
    void *arg;
    /* results */
    int status;        /* status code of the final response, 0 before its line */
    int64_t size;      /* its Content-Length, -1 when it has none (or is chunked) */
    uint64_t bytes;    /* body bytes so far, after the chunked coding is taken off */
    const char *error; /* why the message was refused, after -EPROTO */
    /* state */
    bool head;      /* the request was HEAD: no body follows the headers */
    bool chunked;   /* Transfer-Encoding of this response ends with chunked */
    bool te_other;  /* a Transfer-Encoding that does not end with chunked */
    uint8_t st;     /* where in the message */
    uint8_t n;      /* bytes in buf */
    uint8_t hdr;    /* which header the line holds (content-length, transfer-encoding) */
    bool trunc;     /* buf was too small for what it should hold */
    uint32_t line;  /* bytes in the current line */
    uint32_t total; /* header bytes so far */
    uint64_t left;  /* body bytes still to come (Content-Length, chunk) */
    int hex;        /* hex digits of the chunk size so far */
    char buf[40];   /* the status line's head; a header's lower-case name, then its value */
    char err[64];   /* a formatted error */
};

/* Prepares h for a response; head: the request was HEAD. */
void sw_hp_init(struct sw_hp *h, bool head);
/* Feeds n bytes. Returns 0 when more is wanted, 1 when the message is complete (*ret_used,
 * if not NULL, says how many bytes it took; the rest is not of this message), -EPROTO when
 * the reply is malformed (h->error says why; feeding more returns it again). */
int sw_hp_feed(struct sw_hp *h, const char *p, size_t n, size_t *ret_used);
/* The connection closed. 1 when that completes the message (a body delimited by the
 * close, or a message already complete), -EPROTO otherwise (h->error: "Empty reply from
 * server", "transfer closed with 3 bytes remaining to read", ...). */
int sw_hp_eof(struct sw_hp *h);

int sw_plain_init(struct sw_probes *p);
/* Closes the lean path's handles; its runs must be cancelled before. NULL-safe. */
void sw_plain_shutdown(struct sw_probes *p);
/* Starts c on the lean path when sw_plain_eligible() says so; -EOPNOTSUPP otherwise. */
int sw_plain_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                   void *arg);
/* The epoll set has events for run's socket (possibly stale: the run copes). */
void sw_plain_event(struct sw_plain_run *run, uint32_t events);

int sw_tcp_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                 void *arg);
int sw_exec_init(struct sw_probes *p);
void sw_exec_shutdown(struct sw_probes *p);
int sw_exec_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                  void *arg);

#endif
