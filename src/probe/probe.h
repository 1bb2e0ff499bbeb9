/* SPDX-License-Identifier: Apache-2.0 */
/* probe.h: runs one check against its target on the event loop and reports one result.
 * One file per probe type (http.c: libcurl multi; tcp.c: libuv streams; exec.c: Nagios
 * plugins through uv_spawn); none blocks the loop. Also the plugin output and perfdata
 * parser, shared by exec and passive results. Loop thread only. */
#ifndef SW_PROBE_H
#define SW_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "config/config.h"
#include "core/core.h"

/* One result of a part that a run watched besides itself: a catalog endpoint, a readyz item,
 * a node, a Juju unit. It goes to the derived check CUSTOMER/DEPLOYMENT/SERVICE/CHECK of the
 * run's deployment, which the engine creates when it is new. */
struct sw_probe_child {
    char *service; /* a service id of the run's deployment; NULL: the run's own service */
    char *check;   /* a check id */
    enum sw_state state;
    char *output; /* one line; never NULL */
    char *perfdata;
    int64_t latency_us;
};

/* One observation. Strings are owned by the result. */
struct sw_probe_result {
    enum sw_state state;
    int64_t t_ms;       /* wall clock when the run started, ms */
    int64_t latency_us; /* how long the run took */
    char *output;       /* one line, what a person reads ("HTTP 200 in 12 ms"); never NULL */
    char *long_output;  /* further lines of plugin output, or NULL */
    char *perfdata;     /* validated perfdata, space separated, or NULL */
    struct sw_probe_child *children; /* keystone, kubernetes, juju: the parts watched */
    size_t n_children;
    /* children is the whole set: derived checks of this check that are not among them are
     * retired (a discovery ran, the unit list was read) */
    bool children_complete;
};

void sw_probe_result_release(struct sw_probe_result *r); /* frees the strings, NULL-safe */
/* Appends a child (strings copied; output formatted) to r. */
void sw_probe_result_child(struct sw_probe_result *r, const char *service, const char *check,
                           enum sw_state state, int64_t latency_us, const char *perfdata,
                           const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Called once per started probe, on the loop thread. The result is only lent: copy or
 * steal its strings (set them to NULL) before returning. */
typedef void (*sw_probe_done_cb)(void *arg, struct sw_probe_result *result);

struct sw_probes;

struct sw_probe_limits {
    int max_exec;      /* plugins running at once; more wait in a queue */
    size_t max_output; /* bytes of output kept */
};

/* Creates the probe machinery on loop (a libcurl multi handle driven by the loop). */
int sw_probes_new(uv_loop_t *loop, const struct sw_probe_limits *limits,
                  struct sw_probes **ret_probes);
/* Stops what runs (each callback fires with an UNKNOWN "cancelled" result) and frees. The
 * loop must run afterwards until its handles are closed. NULL-safe. */
void sw_probes_free(struct sw_probes *p);

/* Starts check c (type http, tcp or exec). c must stay valid until the callback: hold a
 * reference on its config. Returns 0, or -EINVAL for a passive check. A target that is
 * down is a result, not an error. */
int sw_probe_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                   void *arg);

/* Number of probes in flight, by type, and exec plugins waiting for a slot. */
int sw_probes_running(const struct sw_probes *p, enum sw_check_type t);
int sw_probes_queued(const struct sw_probes *p);

/* ---- Juju ---- */

/* `stackward import juju`: the configuration fragment (a YAML list of services, one per
 * application, each with a passive check per unit, named as the juju probe names its
 * results) made from len bytes of `juju status --format=json`. freshness (a duration, or
 * NULL for none) goes on every check; source names the file in the fragment's header.
 * 0, or -EINVAL with the reason in err (a truncated document, no applications...). */
int sw_juju_import(const char *json, size_t len, const char *source, const char *freshness,
                   struct sw_buf *out, struct sw_buf *err);

/* ---- plugin output (Nagios plugin guidelines) ---- */

/* One perfdata item: 'label'=value[UOM];[warn];[crit];[min];[max] */
struct sw_perf {
    char label[128];
    double value;
    char uom[8];   /* "", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c" ... */
    char warn[32]; /* ranges kept as text, "" when absent */
    char crit[32];
    bool has_min;
    double min;
    bool has_max;
    double max;
};

/* Parses a perfdata string (items separated by spaces). Returns the number of items stored
 * in out (at most max), or -EINVAL with a reason in err ("item 2: ..."), nothing kept. */
int sw_perfdata_parse(const char *s, struct sw_perf *out, int max, struct sw_buf *err);

/* Splits plugin output (n bytes, not NUL-terminated) into the first line, long output and
 * perfdata, as the plugin guidelines say ("TEXT | PERF\nLONG... | PERF..."). Output that is
 * not text gives -EINVAL and a reason in r->output. Perfdata that does not parse is dropped
 * and the reason appended to r->output. Fills r's strings (caller releases). */
int sw_plugin_output_parse(const char *s, size_t n, size_t max_output, struct sw_probe_result *r);

#endif
