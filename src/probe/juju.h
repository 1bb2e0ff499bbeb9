/* SPDX-License-Identifier: Apache-2.0 */
/* juju.h: Juju's `juju status --format=json` document turned into applications and units
 * with a check state each, and the configuration fragment that `stackward import juju`
 * writes from it (one service per application, one passive check per unit). Pure: no I/O;
 * the juju probe and the import command run the command and read the file. Private to
 * src/probe and its users in src/cli. */
#ifndef SW_PROBE_JUJU_H
#define SW_PROBE_JUJU_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

/* More applications or units than this is refused (-E2BIG), not cut. */
#define SW_JUJU_MAX_APPS 5000
#define SW_JUJU_MAX_UNITS 20000
/* Application names longer than this are refused: it is the configuration's limit on a
 * service's display name. */
#define SW_JUJU_MAX_NAME 256

/* One unit, principal or subordinate. Every string is one line of printable text (runs of
 * whitespace in Juju's messages become one space, control characters '?'). */
struct sw_juju_unit {
    char *name;          /* "mysql/0" */
    char *app;           /* "mysql" */
    unsigned number;     /* 0 */
    char *check_id;      /* sw_id_from(name): "mysql-0"; unique within one parse */
    char *workload;      /* workload-status.current ("active"), or NULL when absent */
    char *workload_msg;  /* workload-status.message, or NULL when absent or empty */
    char *agent;         /* juju-status.current ("idle"), or NULL */
    char *agent_msg;     /* juju-status.message, or NULL */
    char *machine;       /* "0/lxd/1"; a subordinate's is its principal's; NULL for none
                            (Kubernetes models) */
    char *principal;     /* for a subordinate: the principal unit's name; else NULL */
    enum sw_state state; /* the worse of workload and agent: see sw_juju_unit_state() */
    char *output;        /* "workload active (Unit is ready), agent idle" */
};

struct sw_juju_app {
    char *name;       /* "mysql-innodb-cluster" */
    char *service_id; /* sw_id_from(name); unique within one parse */
    char *charm;      /* "charm" as Juju writes it ("mysql-innodb-cluster", "ch:amd64/jammy/
                         keystone-680", "local:database-0"), or NULL */
    bool subordinate; /* it has "subordinate-to" */
    char *status;     /* application-status.current, or NULL */
    size_t n_units;   /* its units in the status's units */
};

struct sw_juju_status {
    char *model;              /* model.name, or NULL */
    char *controller;         /* model.controller, or NULL */
    char *cloud;              /* model.cloud, or NULL */
    struct sw_juju_app *apps; /* sorted by name */
    size_t n_apps;
    struct sw_juju_unit *units; /* sorted by application name, then unit number */
    size_t n_units;
};

/* The state table of docs/juju.md, on Juju's documented status values. Workload: active OK;
 * maintenance, waiting WARNING; blocked, error, terminated CRITICAL; unknown, anything else
 * and NULL UNKNOWN. Agent (juju-status): idle, executing OK; allocating, rebooting WARNING;
 * lost, failed, error CRITICAL; anything else and NULL UNKNOWN. A unit's state is the worse
 * (OK < WARNING < UNKNOWN < CRITICAL) of the two. */
enum sw_state sw_juju_workload_state(const char *workload);
enum sw_state sw_juju_agent_state(const char *agent);
enum sw_state sw_juju_unit_state(const char *workload, const char *agent);

/* Parses len bytes of `juju status --format=json` (Juju 2.9 and 3.x). Units are read from
 * applications.APP.units."APP/N" and, for subordinates, from a principal unit's
 * "subordinates" map; a subordinate unit whose application is missing from "applications"
 * gets one (subordinate, no charm, no status). A unit that Juju could not read
 * ("status-error") is UNKNOWN with output "status error: MESSAGE". An application without
 * units (a subordinate not yet related, one with "status-error") is kept with n_units 0.
 * On failure *ret is untouched and err says why (-EINVAL unless noted):
 *   "malformed JSON at line 12, column 3: ..." (jansson's position and text),
 *   "not a JSON object", "model: not an object", "model.name: not a string",
 *   "applications: missing (not the output of juju status --format=json?)",
 *   "applications: not an object", "applications.mysql: not an object",
 *   "applications: bad application name \"...\" (1 to 256 bytes of one-line text)",
 *   "applications.--: the name gives no id (it has no letter or digit)",
 *   "applications.mysql.units: not an object",
 *   "applications.mysql.units.\"mysql-0\": not a unit name (APP/NUMBER)",
 *   "applications.mysql.units.\"ntp/0\": not a unit of mysql",
 *   "applications.mysql.units.mysql/0: not an object",
 *   "applications.mysql.units.mysql/0.workload-status: not an object",
 *   "applications.mysql.units.mysql/0.workload-status.current: not a string",
 *   "applications.mysql.units.mysql/0.machine: not a string",
 *   "applications.mysql.units.mysql/0.subordinates.\"ntp\": not a unit name (APP/NUMBER)",
 *   "applications \"a b\" and \"a-b\" both give the service id \"a-b\"",
 *   "units \"x/1\" and \"x/1\" both give the check id \"x-1\"",
 *   -E2BIG "more than 20000 units" / "more than 5000 applications".
 * On success release *ret with sw_juju_status_release(). */
int sw_juju_parse(const char *body, size_t len, struct sw_juju_status *ret, struct sw_buf *err);
/* Frees what s holds and zeroes it; NULL-safe, and safe on a zeroed struct. */
void sw_juju_status_release(struct sw_juju_status *s);

/* Appends to out the configuration fragment for s: a header comment (model, controller,
 * cloud, source_name, how to include it), then a YAML list of services, one per application
 * with units, in s's order:
 *   - id: SERVICE_ID
 *     name: APP
 *     aggregate: all
 *     checks:
 *       - {id: CHECK_ID, type: passive, freshness: 15m}
 * with one check per unit (subordinate units in their own application's service); without
 * freshness (NULL) the key is left out. An application without units gets a comment line
 * instead, since a service needs a check. Scalars that YAML could read as something else
 * are double-quoted. source_name (the file read, or NULL) appears in the header only.
 * -EINVAL, nothing appended to out, when: "no applications in the model", "no units in the
 * model", "bad freshness \"5x\" (a duration such as 15m, at most 3650d)"; freshness is
 * written as given, so it must be lower-case letters and digits that sw_duration_parse()
 * accepts. */
int sw_juju_fragment(const struct sw_juju_status *s, const char *source_name, const char *freshness,
                     struct sw_buf *out, struct sw_buf *err);

#endif
