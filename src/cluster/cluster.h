/* SPDX-License-Identifier: Apache-2.0 */
/* cluster.h: several `stackward serve` nodes over one PostgreSQL. No consensus of our own:
 * the database is the one source of truth.
 *
 *  - Checks fall into SW_CLUSTER_SHARDS shards by a hash of their path. Each shard is leased
 *    by one live node in the table cluster_shards; a node renews its leases every renew
 *    period and takes free or expired shards up to its fair share (shards / live nodes,
 *    rounded up), giving back what it holds beyond it. A node that stops renewing loses its
 *    shards when their lease runs out: they are taken within lease + renew.
 *  - One node is the leader: it holds a PostgreSQL advisory lock on a connection of its
 *    own, and the row cluster_leader carries its term, raised by one at each new leader. The
 *    term is the fencing token: before the leader sends a notification it checks that the
 *    term in the database is still its own (sw_cluster_fence()), so a leader that was paused
 *    and lost its lock sends nothing more. A leader that stops renewing the row (paused, its
 *    connection stuck) has its session terminated by the next candidate once the row expires.
 *  - A passive result posted to a node that does not run its check goes into the inbox
 *    table (durable before the sender hears 2xx), and the node holding its shard takes it.
 *
 * All times of the leases are the database's clock, so the nodes' clocks need not agree.
 * The work runs on a thread of the cluster's own; callers read a copy of the view.
 * docs/cluster.md explains it for users. */
#ifndef SW_CLUSTER_H
#define SW_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define SW_CLUSTER_SHARDS 64
#define SW_CLUSTER_LEASE_MS 10000 /* a shard lease and the leader row last this long */
#define SW_CLUSTER_RENEW_MS 2000  /* leases are renewed (and shards rebalanced) this often */
#define SW_CLUSTER_INBOX_MS 250   /* the inbox is read this often */

/* The shard of a check, from the key the engine gives (its path, or the path of the check
 * that discovers it, so a discovery and its parts stay on one node). Pure. */
unsigned sw_cluster_shard(const char *key);

/* How many shards a node should hold when live nodes share them: ceil(shards / live). */
unsigned sw_cluster_fair_share(unsigned shards, unsigned live);

struct sw_cluster_options {
    const char *uri;      /* postgresql://... */
    const char *password; /* or NULL */
    const char *node;     /* this node's name, unique in the cluster */
    const char *listen;   /* where its API listens, shown by `cluster status` */
    int64_t lease_ms;     /* 0: SW_CLUSTER_LEASE_MS */
    int64_t renew_ms;     /* 0: SW_CLUSTER_RENEW_MS */
};

/* What this node holds now. */
struct sw_cluster_view {
    uint64_t shards; /* bit i: shard i is this node's */
    bool leader;
    int64_t term;     /* the leader's term when leader, else 0 */
    unsigned live;    /* live nodes, this one included */
    uint64_t version; /* +1 at each change of shards or leadership */
    bool connected;   /* the last round reached the database */
};

/* One incoming passive result taken from the inbox. */
struct sw_cluster_inbox_row {
    int64_t id;
    char *path;
    int state;
    char *output; /* or NULL */
    int64_t t_ms;
};

/* Told on the cluster's thread: the view changed (changed), or rows of the inbox for this
 * node's shards arrived (n > 0: the rows are lent for the call; each must be answered with
 * sw_cluster_inbox_done() once it is applied or refused). Must not block. */
struct sw_cluster_hooks {
    void (*changed)(void *arg);
    void (*inbox)(void *arg, const struct sw_cluster_inbox_row *v, size_t n);
    void *arg;
};

struct sw_cluster;

/* Connects, registers the node and runs the first round (so the view is known when it
 * returns), then starts the thread. -EIO with a message in err when the database cannot be
 * reached; -EEXIST when a live node already has this name. */
int sw_cluster_start(const struct sw_cluster_options *o, const struct sw_cluster_hooks *h,
                     struct sw_buf *err, struct sw_cluster **ret);
/* Stops the thread; gives back the shards and the leadership at once, so the other nodes
 * take them without waiting for the lease to end. NULL-safe. */
void sw_cluster_stop(struct sw_cluster *c);

/* A copy of the view. Thread-safe. */
void sw_cluster_view(struct sw_cluster *c, struct sw_cluster_view *ret);
/* Whether this node runs the checks of shard key. Thread-safe. */
bool sw_cluster_owns(struct sw_cluster *c, const char *key);
/* Other nodes were alive when this one started (their intervals are theirs to continue). */
bool sw_cluster_peers_at_start(struct sw_cluster *c);

/* 0 when this node is the leader and the database says its term is still the current one;
 * -ESTALE when another node became leader since (or this one is not leader), -EIO when the
 * database cannot tell. Called before every notification is sent. Thread-safe. */
int sw_cluster_fence(struct sw_cluster *c);

/* Writes passive results for checks other nodes run into the inbox, in one transaction: 0
 * once they are committed, -EIO otherwise (nothing written). keys give the shards. */
int sw_cluster_inbox_put(struct sw_cluster *c, const char *const *paths, const char *const *keys,
                         const int *states, const char *const *outputs, const int64_t *t_ms,
                         size_t n);
/* Row id was answered: applied (or refused for good: it leaves the inbox), or not (the
 * store could not take it now: it stays and is handed out again). Thread-safe. */
void sw_cluster_inbox_done(struct sw_cluster *c, int64_t id, bool applied);

/* ---- reading the cluster's tables (the CLI, the API) ---- */

struct sw_cluster_node_row {
    char *name;
    char *listen;
    int64_t pid;
    char *version;
    int64_t started_ms;
    int64_t seen_ms;
    bool live;  /* seen within the lease */
    int shards; /* shards it holds now (unexpired) */
    bool leader;
};

struct sw_cluster_status {
    int64_t now_ms; /* the database's clock */
    struct sw_cluster_node_row *nodes;
    size_t n_nodes;
    char *leader; /* or NULL */
    int64_t term;
    int64_t leader_since_ms;
    int shards_free;                    /* shards no live node holds */
    int64_t inbox;                      /* passive results waiting in the inbox */
    int shard_owner[SW_CLUSTER_SHARDS]; /* index into nodes, or -1 */
};

/* Reads the tables: 0, -EIO with a message in err. */
int sw_cluster_read_status(const char *uri, const char *password, int64_t lease_ms,
                           struct sw_cluster_status *ret, struct sw_buf *err);
void sw_cluster_status_release(struct sw_cluster_status *st);
/* The status as JSON into out (for `cluster status --format json` and the API). */
void sw_cluster_status_json(const struct sw_cluster_status *st, struct sw_buf *out);

#endif
