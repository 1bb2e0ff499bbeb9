/* SPDX-License-Identifier: Apache-2.0 */
/* request.c: what the routes that take a JSON body share: reading the body as an object with
 * only the fields a route knows, and who acts, from the request's token or the body. */
#include <string.h>

#include <jansson.h>

#include "api/api_int.h"

/* A JSON object body with only the keys allowed (NULL-terminated); NULL after answering. */
json_t *sw_api_body_object(struct MHD_Connection *conn, const char *body, size_t len,
                           const char *const *allowed, enum MHD_Result *ret)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr), *v;
    const char *key;

    if (!root || !json_is_object(root)) {
        *ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                    root ? "the body must be a JSON object"
                                         : "malformed JSON at line %d, column %d: %s",
                                    jerr.line, jerr.column, jerr.text);
        json_decref(root);
        return NULL;
    }
    json_object_foreach(root, key, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++) {
            ok = strcmp(key, allowed[i]) == 0;
        }
        if (!ok) {
            *ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                        "unknown field '%s'", key);
            json_decref(root);
            return NULL;
        }
    }
    return root;
}

/* Who acts: the token's, else the body's "as" (required then). false after answering. */
bool sw_api_actor(struct MHD_Connection *conn, const struct sw_api_who *tok, const char *as,
                  struct sw_actor *who, enum MHD_Result *ret)
{
    memset(who, 0, sizeof(*who));
    if (tok && tok->customer) {
        who->customer = tok->customer;
    } else if (tok && tok->engineer) {
        if (as && strcmp(as, tok->engineer) != 0) {
            *ret = sw_api_respond_error(conn, MHD_HTTP_FORBIDDEN, "forbidden", NULL,
                                        "this token acts as %s, not %s", tok->engineer, as);
            return false;
        }
        who->engineer = tok->engineer;
    } else if (!as) {
        *ret = sw_api_respond_error(conn, MHD_HTTP_BAD_REQUEST, "bad_request", NULL,
                                    "'as' (the engineer acting) is a required string");
        return false;
    } else {
        who->engineer = as;
    }
    return true;
}
