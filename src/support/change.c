/* SPDX-License-Identifier: Apache-2.0 */
/* change.c: changes, planned operations on a deployment: started, finished ok or failed, and
 * counted failed also when an incident opens on the deployment soon after. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/support.h"

int sw_change_start(struct sw_store *s, const struct sw_config *cfg, const char *deployment,
                    const char *title, const char *engineer, int64_t at, int64_t now,
                    struct sw_buf *err, int64_t *ret_id)
{
    const struct sw_deployment_conf *d = sw_config_find_deployment(cfg, deployment);
    struct sw_change_row c = {0};
    char t[SW_TIME_LEN];
    size_t n = title ? strlen(title) : 0;
    int r;

    if (!d) {
        sw_buf_printf(err, "no deployment '%s' (give its path, customer/deployment)",
                      deployment ? deployment : "");
        return -EINVAL;
    }
    if (!engineer || !sw_config_find_engineer(cfg, engineer)) {
        sw_buf_printf(err, "no engineer '%s'", engineer ? engineer : "");
        return -EINVAL;
    }
    if (n == 0 || n > 512 || !sw_str_is_text(title, n) || strchr(title, '\n')) {
        sw_buf_printf(err, "a title is one line of 1 to 512 bytes of text");
        return -EINVAL;
    }
    if (at > now) {
        sw_buf_printf(err, "%s is in the future", sw_time_format(at, t));
        return -EINVAL;
    }
    c.customer = d->customer->id;
    c.deployment = d->path;
    c.title = (char *)title;
    c.started_by = (char *)engineer;
    c.started = at ? at : now;
    c.result = -1;
    r = sw_store_change_start(s, &c, ret_id);
    if (r < 0) {
        sw_buf_printf(err, "cannot write the change");
    }
    return r;
}

int sw_change_finish(struct sw_store *s, int64_t id, bool ok, const char *note, int64_t at,
                     int64_t now, struct sw_buf *err)
{
    struct sw_change_row c;
    char name[24], t1[SW_TIME_LEN], t2[SW_TIME_LEN];
    int64_t t = at ? at : now;
    int r;

    sw_change_name(id, name);
    if (note && (strlen(note) > 4096 || !sw_str_is_text(note, strlen(note)))) {
        sw_buf_printf(err, "a note is at most 4096 bytes of text");
        return -EINVAL;
    }
    if (t > now) {
        sw_buf_printf(err, "%s is in the future", sw_time_format(t, t1));
        return -EINVAL;
    }
    r = sw_store_change_get(s, id, &c);
    if (r == -ENOENT) {
        sw_buf_printf(err, "no change %s", name);
        return r;
    }
    if (r < 0) {
        sw_buf_printf(err, "%s: cannot read the change", name);
        return r;
    }
    if (t < c.started) {
        sw_buf_printf(err, "%s is before %s started (%s)", sw_time_format(t, t1), name,
                      sw_time_format(c.started, t2));
        sw_change_row_release(&c);
        return -EINVAL;
    }
    sw_change_row_release(&c);
    r = sw_store_change_finish(s, id, t, ok ? 0 : 1, note);
    if (r == -EALREADY) {
        sw_buf_printf(err, "%s is already finished", name);
    } else if (r == -ENOENT) {
        sw_buf_printf(err, "no change %s", name);
    } else if (r < 0) {
        sw_buf_printf(err, "%s: cannot write the change", name);
    }
    return r;
}

bool sw_change_failed(const struct sw_config *cfg, const struct sw_change_row *c,
                      const struct sw_incident *incidents, size_t n, int64_t *ret_incident)
{
    int64_t first = 0, first_t = 0;

    if (ret_incident) {
        *ret_incident = 0;
    }
    if (c->result < 0 || !c->finished) {
        return false;
    }
    if (cfg->change_failure_window_s > 0) {
        for (size_t i = 0; i < n; i++) {
            const struct sw_incident *inc = &incidents[i];
            if (strcmp(inc->deployment, c->deployment) == 0 && inc->opened >= c->finished &&
                inc->opened - c->finished <= cfg->change_failure_window_s &&
                (!first || inc->opened < first_t)) {
                first = inc->id;
                first_t = inc->opened;
            }
        }
    }
    if (ret_incident) {
        *ret_incident = first;
    }
    return c->result == 1 || first != 0;
}
