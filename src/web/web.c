/* SPDX-License-Identifier: Apache-2.0 */
/* web.c: which page a path is. */
#include <errno.h>
#include <string.h>

#include "web/web_int.h"

static const char *after(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(path, prefix, n) == 0 && path[n] ? path + n : NULL;
}

bool sw_web_is_page(const char *path)
{
    static const char *const exact[] = {"/", "/incidents", "/cases", "/oncall", "/health"};
    static const char *const prefixes[] = {"/customers/", "/services/", "/incidents/", "/cases/",
                                           "/status/"};

    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
        if (strcmp(path, exact[i]) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (after(path, prefixes[i])) {
            return true;
        }
    }
    return false;
}

int sw_web_render(const struct sw_web_req *r, struct sw_buf *out, const char **ret_type)
{
    const char *p = r->path, *rest;

    *ret_type = "text/html; charset=utf-8";
    if (strcmp(p, "/") == 0) {
        return sw_web_page_dashboard(r, out);
    }
    if (strcmp(p, "/incidents") == 0) {
        return sw_web_page_incidents(r, out);
    }
    if (strcmp(p, "/cases") == 0) {
        return sw_web_page_cases(r, out);
    }
    if (strcmp(p, "/oncall") == 0) {
        return sw_web_page_oncall(r, out);
    }
    if (strcmp(p, "/health") == 0) {
        return sw_web_page_health(r, out);
    }
    if ((rest = after(p, "/customers/"))) {
        return sw_web_page_customer(r, rest, out);
    }
    if ((rest = after(p, "/services/"))) {
        return sw_web_page_service(r, rest, out);
    }
    if ((rest = after(p, "/incidents/"))) {
        return sw_web_page_incident(r, rest, out);
    }
    if ((rest = after(p, "/cases/"))) {
        return sw_web_page_case(r, rest, out);
    }
    if ((rest = after(p, "/status/"))) {
        return sw_web_page_status(r, rest, out);
    }
    return sw_web_not_found(r, out);
}
