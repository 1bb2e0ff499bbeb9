/* SPDX-License-Identifier: Apache-2.0 */
/* actions.c: what people do to incidents (acknowledge, resolve, add a note), for the CLI and
 * the API alike. Each reads the incident, checks that the action makes sense, and writes with
 * the version it read; when the daemon (or anyone) changed the incident in between, it reads
 * and checks again. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "incident/internal.h"

#define TRIES 20
#define NOTE_MAX 4096

static void say(struct sw_buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct sw_buf *err, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        va_start(ap, fmt);
        sw_buf_vprintf(err, fmt, ap);
        va_end(ap);
    }
}

/* Reads incident id into x. */
static int load(struct sw_store *s, int64_t id, struct incident_edit *x, struct sw_buf *err)
{
    struct sw_incident inc;
    char name[24];
    int r = sw_store_incident_get(s, id, &inc);

    if (r == -ENOENT) {
        say(err, "%s: no such incident", sw_inc_name(id, name));
        return r;
    }
    if (r < 0) {
        say(err, "%s: cannot read the incident", sw_inc_name(id, name));
        return r;
    }
    incident_edit_from(x, &inc);
    sw_incident_release(&inc);
    return 0;
}

static bool valid_actor(const char *who)
{
    return who && *who && strlen(who) <= 128 && sw_str_is_text(who, strlen(who)) &&
           !strchr(who, '\n');
}

/* What an action needs besides the incident. */
struct action {
    struct sw_store *store;
    const struct sw_config *cfg;
    const char *who;
    const char *text;
    int64_t now;
    bool public_note; /* a note for the customer's status page */
};

/* Reads incident id, lets change() decide on it and edit it, and writes it with the version
 * read; when someone else wrote in between, all again. */
static int act(struct sw_store *s, int64_t id, const struct action *a,
               int (*change)(struct incident_edit *x, const struct action *a, struct sw_buf *err),
               struct sw_buf *err)
{
    char name[24];
    int r = -ESTALE;

    for (int i = 0; i < TRIES && r == -ESTALE; i++) {
        struct incident_edit x;
        incident_edit_init(&x, a->now);
        r = load(s, id, &x, err);
        if (r == 0) {
            r = change(&x, a, err);
        }
        if (r == 0) {
            r = incident_edit_write(s, &x, NULL);
        }
        incident_edit_release(&x);
    }
    if (r == -ESTALE || r == -EIO) {
        say(err, "%s: cannot write the incident", sw_inc_name(id, name));
    }
    return r == -ESTALE ? -EIO : r;
}

static int ack_change(struct incident_edit *x, const struct action *a, struct sw_buf *err)
{
    char name[24];

    if (x->inc.status == SW_INC_RESOLVED) {
        say(err, "%s is resolved: there is nothing left to acknowledge",
            sw_inc_name(x->inc.id, name));
        return -EINVAL;
    }
    if (x->inc.acked) {
        say(err, "%s was already acknowledged by %s", sw_inc_name(x->inc.id, name),
            x->inc.acked_by ? x->inc.acked_by : "someone");
        return -EALREADY;
    }
    x->inc.acked = a->now;
    x->inc.acked_by = sw_xstrdup(a->who);
    if (x->inc.status == SW_INC_TRIGGERED) {
        x->inc.status = SW_INC_ACKNOWLEDGED;
    }
    x->inc.next_due = 0;
    x->cancel = true;
    edit_event(x, "acknowledged", a->who, "acknowledged by %s: escalation stops", a->who);
    return 0;
}

int sw_incident_ack(struct sw_store *s, int64_t id, const char *who, int64_t now,
                    struct sw_buf *err)
{
    struct action a = {.store = s, .who = who, .now = now};

    if (!valid_actor(who)) {
        say(err, "acknowledging needs the engineer who does it");
        return -EINVAL;
    }
    return act(s, id, &a, ack_change, err);
}

static int resolve_change(struct incident_edit *x, const struct action *a, struct sw_buf *err)
{
    char name[24];

    if (x->inc.status == SW_INC_RESOLVED) {
        say(err, "%s is already resolved", sw_inc_name(x->inc.id, name));
        return -EALREADY;
    }
    x->inc.status = SW_INC_RESOLVED;
    x->inc.resolved = a->now;
    x->inc.resolved_by = sw_xstrdup(a->who);
    x->inc.next_due = 0;
    x->cancel = true;
    edit_event(x, "resolved", a->who, "resolved by %s", a->who);
    return !a->cfg || a->cfg->incidents.notify_resolved ? queue_resolved(a->store, x, a->now) : 0;
}

int sw_incident_resolve(struct sw_store *s, const struct sw_config *cfg, int64_t id,
                        const char *who, int64_t now, struct sw_buf *err)
{
    struct action a = {.store = s, .cfg = cfg, .who = who, .now = now};

    if (!valid_actor(who)) {
        say(err, "resolving needs the engineer who does it");
        return -EINVAL;
    }
    return act(s, id, &a, resolve_change, err);
}

static int note_change(struct incident_edit *x, const struct action *a, struct sw_buf *err)
{
    (void)err;
    edit_event(x, a->public_note ? "public-note" : "note", a->who, "%s", a->text);
    return 0;
}

int sw_incident_note(struct sw_store *s, int64_t id, const char *who, const char *text,
                     bool public_note, int64_t now, struct sw_buf *err)
{
    struct action a = {
        .store = s, .who = who, .text = text, .now = now, .public_note = public_note};
    size_t len = text ? strlen(text) : 0;

    if (!valid_actor(who)) {
        say(err, "a note needs the engineer who writes it");
        return -EINVAL;
    }
    if (len == 0 || len > NOTE_MAX || !sw_str_is_text(text, len) || strchr(text, '\r')) {
        say(err, "a note is 1 to 4096 bytes of text (UTF-8, no control characters but newline "
                 "and tab)");
        return -EINVAL;
    }
    return act(s, id, &a, note_change, err);
}
