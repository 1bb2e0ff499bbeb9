/* SPDX-License-Identifier: Apache-2.0 */
/* notify.h: notification delivery for incidents. Renders one message (which service of which
 * customer is in which state since when, the check output, the incident and its link) as a
 * generic JSON object, a Slack/Mattermost {"text": ...} payload or an RFC 5322 email, and
 * delivers it over a channel: a webhook (HTTP POST, libcurl), email over SMTP (libcurl, STARTTLS
 * when offered, optional auth) or a command (argv, no shell, the JSON on stdin and the fields
 * in the environment). Delivery is synchronous and blocking (bounded by the channel's timeout):
 * the daemon calls it from a worker thread, never from the loop thread. The retry schedule is a
 * pure function. Secrets (tokens, passwords, the webhook URL itself) never appear in the error
 * text of a result. libcurl's global state must be set up (curl_global_init() in main(), before
 * any thread starts) when deliveries may run on several threads at once. See
 * docs/notifications.md. */
#ifndef SW_NOTIFY_H
#define SW_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* Caps on what comes from outside and ends up in a payload. */
#define SW_NOTIFY_OUTPUT_MAX 4096 /* bytes of check output rendered; longer is cut, "..." added */
#define SW_NOTIFY_FIELD_MAX 512   /* bytes of any other text field; longer is refused */

/* What the timeline records when the retries of a channel are used up. */
#define SW_NOTIFY_FALLTHROUGH "failed: falls through to the next step"

/* One notification. All strings are borrowed (the caller keeps them alive during the call);
 * output and link may be NULL, the others may not. */
struct sw_notify_message {
    const char *customer;
    const char *deployment;
    const char *service;
    enum sw_state state;
    int64_t since; /* start of the state, Unix s */
    const char *output;
    const char *incident; /* incident id */
    const char *link;     /* URL of the incident in the web UI or API */
};

enum sw_notify_type {
    SW_NOTIFY_WEBHOOK = 0,
    SW_NOTIFY_EMAIL = 1,
    SW_NOTIFY_COMMAND = 2,
};

enum sw_notify_format {
    SW_NOTIFY_JSON = 0,  /* the generic JSON object */
    SW_NOTIFY_SLACK = 1, /* {"text": "..."}, Slack and Mattermost incoming webhooks */
};

/* A channel, as the config resolved it (secrets already read from their files or the
 * environment). Strings borrowed; fields not used by the type are ignored. */
struct sw_notify_channel {
    enum sw_notify_type type;
    int64_t timeout_ms; /* whole delivery, ms; 0 means 10000 */
    /* webhook */
    const char *url; /* http:// or https:// */
    enum sw_notify_format format;
    const char *token; /* NULL or a bearer token: "Authorization: Bearer TOKEN" */
    /* email */
    const char *smtp;     /* "smtp://host:port" (STARTTLS when offered) or "smtps://host:port" */
    const char *from;     /* addr-spec: local@domain */
    const char *to;       /* addr-spec: local@domain */
    const char *username; /* NULL: no SMTP AUTH */
    const char *password;
    /* command */
    const char *const *argv; /* NULL-terminated; argv[0] an absolute path, run without a shell */
};

/* What one delivery attempt gave, for the incident timeline. */
struct sw_notify_result {
    bool ok;
    long code;       /* HTTP status, last SMTP reply code, or exit status; 0 when none */
    char error[256]; /* "" when ok; never holds a secret or the webhook URL */
};

/* Renders the generic JSON object (one line, keys in a fixed order: customer, deployment,
 * service, state, since, since_unix, output, incident, link, summary). *ret owns a new string
 * (free()). -EINVAL when a required field is NULL or too long, or the state is not valid. */
int sw_notify_render_json(const struct sw_notify_message *m, char **ret);

/* Renders {"text": "..."} with Slack's &, <, > escaping and the link as <URL|incident ID>. */
int sw_notify_render_slack(const struct sw_notify_message *m, char **ret);

/* Renders the email (CRLF line ends) from ch->from to ch->to, dated now (Unix s): Date, From,
 * To, Subject (RFC 2047 encoded when not ASCII), Message-ID, MIME-Version, Content-Type
 * text/plain; charset=utf-8, Content-Transfer-Encoding 8bit, then the body. -EINVAL also when
 * from or to is not a plain addr-spec. */
int sw_notify_render_email(const struct sw_notify_message *m, const struct sw_notify_channel *ch,
                           int64_t now, char **ret);

/* Delivers m over ch once, blocking up to the channel's timeout. Returns 0 when an attempt was
 * made: *ret says whether it worked (2xx HTTP status, SMTP accepted, exit status 0) and why not.
 * Returns -EINVAL (with ret->error saying why) when the message or the channel is invalid:
 * nothing was attempted and retrying will not help. */
int sw_notify_deliver(const struct sw_notify_channel *ch, const struct sw_notify_message *m,
                      struct sw_notify_result *ret);

/* Retry policy: attempt n (1-based) that failed is retried after base_ms * 2^(n-1), at most
 * cap_ms, as long as n < max_attempts. */
struct sw_notify_retry {
    int64_t base_ms;  /* > 0 */
    int64_t cap_ms;   /* >= base_ms */
    int max_attempts; /* >= 1, counting the first */
};

/* Pure. Returns 1 and sets *ret_delay_ms when attempt should be retried, 0 when the retries are
 * used up (record SW_NOTIFY_FALLTHROUGH and go on with the next escalation step), -EINVAL for a
 * bad policy or attempt < 1. */
int sw_notify_retry_after(const struct sw_notify_retry *p, int attempt, int64_t *ret_delay_ms);

#endif
