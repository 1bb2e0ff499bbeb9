/* SPDX-License-Identifier: Apache-2.0 */
/* notify_int.h: what render.c shares with deliver.c inside src/notify/; not a public API. */
#ifndef SW_NOTIFY_INT_H
#define SW_NOTIFY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "notify/notify.h"

/* 0 when m has every required field within the caps; else -EINVAL and a reason in err
 * (errlen bytes; err may be NULL). */
int sw_notify_check_message(const struct sw_notify_message *m, char *err, size_t errlen);
/* True for a plain addr-spec (local@domain, printable ASCII, nothing that needs quoting). */
bool sw_notify_addr_ok(const char *a);

#endif
