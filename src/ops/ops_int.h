/* SPDX-License-Identifier: Apache-2.0 */
/* ops_int.h: helpers shared by the files of src/ops; not part of the ops.h contract. */
#ifndef SW_OPS_INT_H
#define SW_OPS_INT_H

#include <stddef.h>

/* Writes the message into err (errlen bytes; err may be NULL) and returns -EINVAL. */
int sw_ops_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
