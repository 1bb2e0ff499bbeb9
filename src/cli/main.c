/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the stackward command; dispatches to one file per command group. */
#include <stdio.h>

int main(void)
{
    puts("stackward " SW_VERSION);
    return 0;
}
