/* SPDX-License-Identifier: Apache-2.0 */
/* http_plain.c: the lean path of the http probe, for plain http:// checks on a literal
 * address. libcurl costs about 56 allocations and a dozen system calls per transfer beyond
 * the connection's own (getsockname, getpeername, fcntl, poll...); this path does a fresh
 * connection in six: socket, connect, epoll_ctl, send, recv, close. Its non-blocking,
 * close-on-exec sockets sit edge-triggered in the epoll set of curl's sockets (http.c), so
 * the loop still watches one uv_poll_t; one uv_timer_t carries every run's timeout from a
 * list sorted by due time. The request is the one curl sends for the same check, byte for
 * byte, and the result is built by the same code (sw_http_assess), failures named as curl
 * names them. Checks this path does not take go to curl (sw_plain_eligible). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "probe/probe_int.h"

#define POOL_MAX 256 /* idle runs kept */
#define RECV_SIZE (16 * 1024)
#define DEFAULT_MAX_BODY (64 * 1024)
#define MAX_BODY_SENT 1023 /* curl may ask a bigger body to wait for "100 Continue" */

/* ---- the response parser ---- */

enum {
    ST_STATUS,     /* the status line */
    ST_STATUS_CR,  /* after its CR */
    ST_LINE,       /* the start of a header line, or the empty line */
    ST_NAME,       /* a header's name */
    ST_VALUE,      /* its value */
    ST_LINE_CR,    /* after a header line's CR */
    ST_END_CR,     /* after the empty line's CR */
    ST_BODY_LEN,   /* a body of Content-Length bytes */
    ST_BODY_CLOSE, /* a body that the close ends */
    ST_CHUNK_SIZE, /* the hex size of a chunk */
    ST_CHUNK_EXT,  /* chunk extensions, up to the line's end */
    ST_CHUNK_CR,   /* after the size line's CR */
    ST_CHUNK_DATA, /* a chunk's data */
    ST_DATA_CR,    /* the CRLF after a chunk's data */
    ST_DATA_LF,
    ST_TRAILER,      /* the start of a trailer line, or the empty line that ends them */
    ST_TRAILER_NAME, /* a trailer's name */
    ST_TRAILER_IN,   /* its value */
    ST_TRAILER_CR,
    ST_TRAILER_END, /* after the last empty line's CR */
    ST_DONE,
    ST_ERROR,
};

enum { HDR_NONE, HDR_OTHER, HDR_LENGTH, HDR_TE }; /* NONE: no header line yet */

void sw_hp_init(struct sw_hp *h, bool head)
{
    memset(h, 0, sizeof(*h));
    h->head = head;
    h->size = -1;
}

static int fail(struct sw_hp *h, const char *why)
{
    h->st = ST_ERROR;
    h->error = why;
    return -EPROTO;
}

/* tchar of RFC 9110 */
static bool is_tchar(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* field-vchar, SP and HTAB: what a header value and a reason phrase may hold */
static bool is_text(unsigned char ch)
{
    return ch == '\t' || (ch >= ' ' && ch != 0x7f);
}

static int hexval(unsigned char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    ch |= 0x20;
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Counts a byte of a line of the header section (NUL is never allowed there). The total is
 * checked as each line ends, as curl does, so that the figure in the message is curl's. */
static int count(struct sw_hp *h, unsigned char ch)
{
    if (ch == '\0') {
        return fail(h, "Nul byte in header");
    }
    if (++h->line > SW_HP_MAX_LINE) {
        return fail(h, "Header line too long");
    }
    h->total++;
    return 0;
}

static int line_end(struct sw_hp *h)
{
    h->line = 0;
    if (h->total > SW_HP_MAX_HEADERS) {
        snprintf(h->err, sizeof(h->err), "Too large response headers: %" PRIu32 " > %d", h->total,
                 SW_HP_MAX_HEADERS);
        return fail(h, h->err);
    }
    return 0;
}

/* "HTTP/1.1 200 OK": the version, SP, three digits, then SP and a reason or nothing. */
static int status_line(struct sw_hp *h)
{
    const char *b = h->buf;

    if (h->n < 8 || memcmp(b, "HTTP/", 5) != 0 || !is_digit(b[5]) || b[6] != '.' ||
        !is_digit(b[7]) || (h->n > 8 && b[8] != ' ')) {
        return fail(h, "Unsupported HTTP version in response");
    }
    if (b[5] != '1' || (b[7] != '0' && b[7] != '1')) {
        snprintf(h->err, sizeof(h->err), "Unsupported HTTP version (%c.%c) in response", b[5],
                 b[7]);
        return fail(h, h->err);
    }
    if (h->n < 10 || !is_digit(b[9])) {
        return fail(h, "Unsupported HTTP version in response");
    }
    if (h->n < 12 || !is_digit(b[10]) || !is_digit(b[11]) || b[9] == '0' ||
        (h->n > 12 && b[12] != ' ')) {
        return fail(h, "Unsupported response code in HTTP response");
    }
    h->status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    return 0;
}

/* The end of a header line: takes Content-Length and Transfer-Encoding. */
static int header_done(struct sw_hp *h)
{
    /* the value without trailing white space */
    while (h->n > 0 && (h->buf[h->n - 1] == ' ' || h->buf[h->n - 1] == '\t')) {
        h->n--;
    }
    if (h->hdr == HDR_LENGTH) {
        int64_t v = 0;
        if (h->trunc || h->n == 0 || h->n > 18) {
            return fail(h, "Invalid Content-Length: value");
        }
        for (int i = 0; i < h->n; i++) {
            if (!is_digit(h->buf[i])) {
                return fail(h, "Invalid Content-Length: value");
            }
            v = v * 10 + (h->buf[i] - '0');
        }
        if (h->size >= 0 && h->size != v) {
            return fail(h, "Conflicting Content-Length: values");
        }
        h->size = v;
    } else if (h->hdr == HDR_TE) {
        /* curl would decode other codings (gzip...), which a health check has no use for */
        if (!h->trunc && h->n == 7 && strncasecmp(h->buf, "chunked", 7) == 0 && !h->chunked) {
            h->chunked = true;
        } else {
            h->te_other = true;
        }
    }
    return 0;
}

/* A folded line continues the previous header: its value so far comes back with a space.
 * The header was taken when its first line ended; it is taken again with the whole value
 * (a Content-Length or Transfer-Encoding folded over lines is refused then as invalid). */
static int header_fold(struct sw_hp *h)
{
    if (h->hdr == HDR_LENGTH) {
        return fail(h, "Invalid Content-Length: value");
    }
    if (h->hdr == HDR_TE) {
        return fail(h, "Unsupported Transfer-Encoding in response");
    }
    return 0;
}

/* The empty line: an interim response starts over, a final one picks how its body ends. */
static int headers_done(struct sw_hp *h)
{
    if (h->status >= 100 && h->status <= 199 && h->status != 101) {
        h->size = -1;
        h->chunked = false;
        h->te_other = false;
        h->n = 0;
        h->st = ST_STATUS;
        return 0;
    }
    if (h->te_other) {
        return fail(h, "Unsupported Transfer-Encoding in response");
    }
    if (h->head || h->status == 204 || h->status == 304) {
        h->size = h->chunked ? -1 : h->size;
        h->st = ST_DONE;
        return 1;
    }
    if (h->chunked) {
        h->size = -1; /* chunked wins over a Content-Length (RFC 9112 section 6.3) */
        h->st = ST_CHUNK_SIZE;
        return 0;
    }
    if (h->size >= 0) {
        h->left = (uint64_t)h->size;
        h->st = h->left > 0 ? ST_BODY_LEN : ST_DONE;
        return h->st == ST_DONE ? 1 : 0;
    }
    h->st = ST_BODY_CLOSE;
    return 0;
}

static void body(struct sw_hp *h, const char *p, size_t n)
{
    h->bytes += n;
    if (h->on_body && n > 0) {
        h->on_body(h->arg, p, n);
    }
}

#define CHUNK_ERR "Illegal or missing hexadecimal sequence in chunked-encoding"
#define CHUNK_BAD "Malformed encoding found in chunked-encoding"
#define TRAILER_BAD "Failed reading the chunked-encoded stream"

int sw_hp_feed(struct sw_hp *h, const char *p, size_t n, size_t *ret_used)
{
    size_t i = 0;
    int r = 0;

    if (h->st == ST_ERROR) {
        return -EPROTO;
    }
    while (i < n && h->st != ST_DONE) {
        unsigned char ch = (unsigned char)p[i];

        switch (h->st) {
        case ST_BODY_LEN: {
            size_t k = n - i < h->left ? n - i : (size_t)h->left;
            body(h, p + i, k);
            i += k;
            h->left -= k;
            if (h->left == 0) {
                h->st = ST_DONE;
            }
            continue;
        }
        case ST_BODY_CLOSE:
            body(h, p + i, n - i);
            i = n;
            continue;
        case ST_CHUNK_DATA: {
            size_t k = n - i < h->left ? n - i : (size_t)h->left;
            body(h, p + i, k);
            i += k;
            h->left -= k;
            if (h->left == 0) {
                h->st = ST_DATA_CR;
            }
            continue;
        }
        default:
            break;
        }
        i++;
        switch (h->st) {
        case ST_STATUS:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == '\r' || ch == '\n') {
                if (h->line <= 5) { /* nothing like "HTTP/" came before it */
                    return fail(h, "Received HTTP/0.9 when not allowed");
                }
                if ((r = status_line(h)) < 0 || (r = line_end(h)) < 0) {
                    return r;
                }
                h->st = ch == '\r' ? ST_STATUS_CR : ST_LINE;
                h->hdr = HDR_NONE;
                break;
            }
            if (h->line <= 5 && (ch | 0x20) != "http/"[h->line - 1]) {
                return fail(h, "Received HTTP/0.9 when not allowed");
            }
            if (!is_text(ch)) {
                return fail(h, "Invalid character in the HTTP status line");
            }
            if (h->n < 13) { /* the head is all that counts; the reason is checked only */
                h->buf[h->n++] = (char)ch;
            }
            break;
        case ST_STATUS_CR:
        case ST_LINE_CR:
        case ST_END_CR:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch != '\n') {
                return fail(h, "Invalid line ending in HTTP response header");
            }
            if ((r = line_end(h)) < 0) {
                return r;
            }
            if (h->st == ST_END_CR) {
                if ((r = headers_done(h)) < 0) {
                    return r;
                }
                break;
            }
            h->st = ST_LINE;
            break;
        case ST_LINE:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == '\r') {
                h->st = ST_END_CR;
            } else if (ch == '\n') {
                if ((r = line_end(h)) < 0 || (r = headers_done(h)) < 0) {
                    return r;
                }
            } else if ((ch == ' ' || ch == '\t') && h->hdr != HDR_NONE) {
                /* obs-fold: the line goes on the previous value, joined by a space (RFC 9112
                 * section 5.2); its header was taken already, so it is taken again */
                if ((r = header_fold(h)) < 0) {
                    return r;
                }
                h->st = ST_VALUE;
            } else if (!is_tchar(ch)) {
                return fail(h, "Invalid header name in HTTP response");
            } else {
                h->st = ST_NAME;
                h->n = 0;
                h->trunc = false;
                h->buf[h->n++] = (char)(ch | (ch >= 'A' && ch <= 'Z' ? 0x20 : 0));
            }
            break;
        case ST_NAME:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == ':') {
                h->hdr = HDR_OTHER;
                if (!h->trunc && h->n == 14 && memcmp(h->buf, "content-length", 14) == 0) {
                    h->hdr = HDR_LENGTH;
                } else if (!h->trunc && h->n == 17 &&
                           memcmp(h->buf, "transfer-encoding", 17) == 0) {
                    h->hdr = HDR_TE;
                }
                h->n = 0;
                h->trunc = false;
                h->st = ST_VALUE;
            } else if (ch == '\r' || ch == '\n') {
                return fail(h, "Header without colon");
            } else if (!is_tchar(ch)) {
                return fail(h, "Invalid header name in HTTP response");
            } else if (h->n < sizeof(h->buf)) {
                h->buf[h->n++] = (char)(ch | (ch >= 'A' && ch <= 'Z' ? 0x20 : 0));
            } else {
                h->trunc = true;
            }
            break;
        case ST_VALUE:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == '\r' || ch == '\n') {
                if ((r = header_done(h)) < 0) {
                    return r;
                }
                if (ch == '\n' && (r = line_end(h)) < 0) {
                    return r;
                }
                h->st = ch == '\r' ? ST_LINE_CR : ST_LINE;
            } else if (!is_text(ch)) {
                return fail(h, "Invalid character in HTTP response header");
            } else if (h->hdr != HDR_OTHER && !(h->n == 0 && (ch == ' ' || ch == '\t'))) {
                if (h->n < sizeof(h->buf)) {
                    h->buf[h->n++] = (char)ch;
                } else {
                    h->trunc = true;
                }
            }
            break;
        case ST_CHUNK_SIZE: {
            int v = hexval(ch);
            if (v >= 0) {
                if (++h->hex > 15) {
                    return fail(h, "Too long hexadecimal number in chunked-encoding");
                }
                h->left = h->left * 16 + (uint64_t)v;
                break;
            }
            if (h->hex == 0) {
                return fail(h, CHUNK_ERR);
            }
            if (ch == ';' || ch == ' ' || ch == '\t') {
                h->st = ST_CHUNK_EXT;
                h->line = 0;
            } else if (ch == '\r') {
                h->st = ST_CHUNK_CR;
            } else if (ch == '\n') {
                goto size_done;
            } else {
                return fail(h, CHUNK_ERR);
            }
            break;
        }
        case ST_CHUNK_EXT:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == '\r') {
                h->st = ST_CHUNK_CR;
            } else if (ch == '\n') {
                goto size_done;
            } else if (!is_text(ch)) {
                return fail(h, CHUNK_BAD);
            }
            break;
        case ST_CHUNK_CR:
            if (ch != '\n') {
                return fail(h, CHUNK_BAD);
            }
        size_done:
            h->hex = 0;
            h->line = 0;
            h->st = h->left > 0 ? ST_CHUNK_DATA : ST_TRAILER;
            break;
        case ST_DATA_CR:
            if (ch == '\r') {
                h->st = ST_DATA_LF;
            } else if (ch == '\n') {
                h->st = ST_CHUNK_SIZE;
            } else {
                return fail(h, CHUNK_BAD);
            }
            break;
        case ST_DATA_LF:
            if (ch != '\n') {
                return fail(h, CHUNK_BAD);
            }
            h->st = ST_CHUNK_SIZE;
            break;
        case ST_TRAILER:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == '\r') {
                h->st = ST_TRAILER_END;
            } else if (ch == '\n') {
                h->st = ST_DONE;
            } else if (!is_tchar(ch)) {
                return fail(h, TRAILER_BAD);
            } else {
                h->st = ST_TRAILER_NAME;
            }
            break;
        case ST_TRAILER_NAME:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == ':') {
                h->st = ST_TRAILER_IN;
            } else if (!is_tchar(ch)) {
                return fail(h, TRAILER_BAD);
            }
            break;
        case ST_TRAILER_IN:
            if ((r = count(h, ch)) < 0) {
                return r;
            }
            if (ch == '\r') {
                h->st = ST_TRAILER_CR;
            } else if (ch == '\n') {
                if ((r = line_end(h)) < 0) {
                    return r;
                }
                h->st = ST_TRAILER;
            } else if (!is_text(ch)) {
                return fail(h, TRAILER_BAD);
            }
            break;
        case ST_TRAILER_CR:
        case ST_TRAILER_END:
            if (ch != '\n') {
                return fail(h, TRAILER_BAD);
            }
            if ((r = line_end(h)) < 0) {
                return r;
            }
            h->st = h->st == ST_TRAILER_END ? ST_DONE : ST_TRAILER;
            break;
        default:
            return fail(h, "Internal error in the HTTP response parser");
        }
    }
    if (ret_used) {
        *ret_used = i;
    }
    return h->st == ST_DONE ? 1 : 0;
}

int sw_hp_eof(struct sw_hp *h)
{
    switch (h->st) {
    case ST_DONE:
    case ST_BODY_CLOSE:
        h->st = ST_DONE;
        return 1;
    case ST_ERROR:
        return -EPROTO;
    case ST_BODY_LEN:
        snprintf(h->err, sizeof(h->err), "transfer closed with %" PRIu64 " bytes remaining to read",
                 h->left);
        return fail(h, h->err);
    case ST_STATUS:
    case ST_STATUS_CR:
        /* nothing, part of a status line, or only interim responses: curl's words */
        return fail(h, "Empty reply from server");
    case ST_LINE:
    case ST_NAME:
    case ST_VALUE:
    case ST_LINE_CR:
    case ST_END_CR:
        return fail(h, "Connection closed in the HTTP response header");
    default:
        return fail(h, "transfer closed with outstanding read data remaining");
    }
}

/* ---- which checks this path takes ---- */

/* A port as curl prints it: 1..65535, no sign, no leading zero. */
static int parse_port(const char *s, size_t n)
{
    int v = 0;

    if (n == 0 || n > 5 || s[0] == '0') {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v <= 65535 ? v : -1;
}

/* Bytes curl sends in a path or query as they are (RFC 3986 pchar, '/', '?', '%'). */
static bool is_url_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("-._~!$&'()*+,;=:@/?%", ch));
}

/* "/./", "/../", or a path ending in "/." or "/..": curl would remove the dot segments. */
static bool has_dot_segment(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '/' || i + 1 >= n || p[i + 1] != '.') {
            continue;
        }
        size_t j = i + 2;
        if (j < n && p[j] == '.') {
            j++;
        }
        if (j == n || p[j] == '/') {
            return true;
        }
    }
    return false;
}

int sw_plain_target_parse(const char *url, struct sw_plain_target *t)
{
    const char *h, *end, *hp, *path;
    size_t hn, qmark;
    char tmp[INET6_ADDRSTRLEN];

    memset(t, 0, sizeof(*t));
    if (!url || strncmp(url, "http://", 7) != 0) {
        return -EOPNOTSUPP;
    }
    h = url + 7;
    end = h + strcspn(h, "/?#");
    path = end;
    if (*h == '[') {
        const char *rb = memchr(h, ']', (size_t)(end - h));
        if (!rb || (size_t)(rb - h - 1) >= sizeof(t->host)) {
            return -EOPNOTSUPP;
        }
        hn = (size_t)(rb - h - 1);
        memcpy(t->host, h + 1, hn);
        t->host[hn] = '\0';
        hp = rb + 1;
        if (inet_pton(AF_INET6, t->host, &t->addr.in6.sin6_addr) != 1 ||
            !inet_ntop(AF_INET6, &t->addr.in6.sin6_addr, tmp, sizeof(tmp)) ||
            strcmp(tmp, t->host) != 0) {
            return -EOPNOTSUPP; /* not as curl would print it (zone ids included) */
        }
        t->addr.in6.sin6_family = AF_INET6;
    } else {
        hp = memchr(h, ':', (size_t)(end - h));
        if (!hp) {
            hp = end;
        }
        hn = (size_t)(hp - h);
        if (hn == 0 || hn >= sizeof(t->host)) {
            return -EOPNOTSUPP;
        }
        memcpy(t->host, h, hn);
        t->host[hn] = '\0';
        if (inet_pton(AF_INET, t->host, &t->addr.in.sin_addr) != 1 ||
            !inet_ntop(AF_INET, &t->addr.in.sin_addr, tmp, sizeof(tmp)) ||
            strcmp(tmp, t->host) != 0) {
            return -EOPNOTSUPP; /* a name, or an address curl would rewrite ("127.1") */
        }
        t->addr.in.sin_family = AF_INET;
    }
    if (hp == end) {
        t->port = 80;
    } else if (*hp != ':' || (t->port = parse_port(hp + 1, (size_t)(end - hp - 1))) < 0) {
        return -EOPNOTSUPP;
    }
    if (t->addr.sa.sa_family == AF_INET) {
        t->addr.in.sin_port = htons((uint16_t)t->port);
    } else {
        t->addr.in6.sin6_port = htons((uint16_t)t->port);
    }
    t->path = path;
    t->path_len = strcspn(path, "#");
    for (size_t i = 0; i < t->path_len; i++) {
        if (!is_url_char((unsigned char)path[i])) {
            return -EOPNOTSUPP;
        }
    }
    qmark = strcspn(path, "?#");
    if (has_dot_segment(path, qmark)) {
        return -EOPNOTSUPP;
    }
    return 0;
}

/* Headers curl adds, replaces or drops itself when a check sets them. */
static const char *const special_headers[] = {
    "Host",   "User-Agent", "Accept",        "Content-Type",      "Content-Length",
    "Expect", "Cookie",     "Authorization", "Transfer-Encoding", "Proxy-Authorization",
};

bool sw_plain_eligible(const struct sw_check_conf *c, struct sw_plain_target *ret_t)
{
    if (c->follow_redirects || c->cert_warn_days >= 0 || c->cert_crit_days >= 0 ||
        sw_plain_target_parse(c->url, ret_t) < 0) {
        return false;
    }
    if (c->body && (c->body[0] == '\0' || strlen(c->body) > MAX_BODY_SENT)) {
        return false;
    }
    if (c->username && strchr(c->username, ':')) {
        return false;
    }
    for (size_t i = 0; i < c->n_headers; i++) {
        const char *l = c->headers[i], *colon = strchr(l, ':');
        size_t n;

        if (!colon || colon == l) {
            return false;
        }
        n = (size_t)(colon - l);
        for (size_t k = 0; k < sizeof(special_headers) / sizeof(special_headers[0]); k++) {
            if (strlen(special_headers[k]) == n && strncasecmp(l, special_headers[k], n) == 0) {
                return false;
            }
        }
        if (colon[strspn(colon + 1, " \t") + 1] == '\0') {
            return false; /* curl takes an empty value as "do not send this header" */
        }
    }
    return true;
}

/* ---- the request, as curl writes it ---- */

static void put_base64(struct sw_buf *b, const char *s, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)u[i] << 16;
        char q[4];
        if (i + 1 < n) {
            v |= (uint32_t)u[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= u[i + 2];
        }
        q[0] = tab[(v >> 18) & 63];
        q[1] = tab[(v >> 12) & 63];
        q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? tab[v & 63] : '=';
        sw_buf_append(b, q, 4);
    }
}

/* The method as curl sends it: the check's (a body goes with any method but HEAD). */
static const char *request_method(const struct sw_check_conf *c)
{
    return c->method && c->method[0] ? c->method : "GET";
}

void sw_plain_request(struct sw_buf *b, const struct sw_check_conf *c,
                      const struct sw_plain_target *t)
{
    const char *method = request_method(c);
    bool head = strcmp(method, "HEAD") == 0, connection = false;

    sw_buf_puts(b, method);
    sw_buf_puts(b, " ");
    if (t->path_len == 0 || t->path[0] != '/') {
        sw_buf_puts(b, "/");
    }
    sw_buf_append(b, t->path, t->path_len);
    sw_buf_puts(b, " HTTP/1.1\r\nHost: ");
    if (t->addr.sa.sa_family == AF_INET6) {
        sw_buf_printf(b, "[%s]", t->host);
    } else {
        sw_buf_puts(b, t->host);
    }
    if (t->port != 80) {
        sw_buf_printf(b, ":%d", t->port);
    }
    sw_buf_puts(b, "\r\n");
    if (c->username) {
        struct sw_buf up;
        sw_buf_init(&up);
        sw_buf_printf(&up, "%s:%s", c->username, c->password ? c->password : "");
        sw_buf_puts(b, "Authorization: Basic ");
        put_base64(b, up.data, up.len);
        sw_buf_puts(b, "\r\n");
        explicit_bzero(up.data, up.len);
        sw_buf_release(&up);
    } else if (c->bearer_token) {
        sw_buf_printf(b, "Authorization: Bearer %s\r\n", c->bearer_token);
    }
    sw_buf_puts(b, "User-Agent: stackward/" SW_VERSION "\r\nAccept: */*\r\n");
    for (size_t i = 0; i < c->n_headers; i++) {
        sw_buf_puts(b, c->headers[i]);
        sw_buf_puts(b, "\r\n");
        if (strncasecmp(c->headers[i], "Connection:", 11) == 0) {
            connection = true;
        }
    }
    if (!connection) {
        sw_buf_puts(b, "Connection: close\r\n");
    }
    if (c->body && !head) {
        sw_buf_printf(b,
                      "Content-Length: %zu\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "\r\n",
                      strlen(c->body));
        sw_buf_puts(b, c->body);
    } else {
        sw_buf_puts(b, "\r\n");
    }
}

/* ---- runs ---- */

enum { PH_CONNECTING, PH_SENDING, PH_READING, PH_REFUSED };

struct sw_plain_run {
    struct sw_run run;
    struct sw_plain_run *next_free;
    struct sw_plain_run *tprev; /* on the due list */
    struct sw_plain_run *tnext;
    uint64_t due; /* loop time of the timeout, ms */
    int fd;
    int phase;
    int err; /* the connect error of PH_REFUSED, errno */
    struct sw_plain_target t;
    struct sw_buf req; /* the request, memory reused across runs */
    size_t sent;       /* bytes of req sent */
    struct sw_hp hp;
    struct sw_buf body; /* kept bytes for expect_body, memory reused across runs */
    size_t max_body;
    bool keep;
};

struct sw_plain {
    uv_timer_t timer;
    uint64_t armed;          /* due time the timer is set for, when active */
    struct sw_plain_run due; /* list head, sorted by due time */
    struct sw_plain_run *pool;
    int pool_n;
    char rbuf[RECV_SIZE]; /* every read goes here and is parsed at once */
};

static void on_timer(uv_timer_t *t);

static void due_unlink(struct sw_plain_run *h)
{
    if (h->tprev) {
        h->tprev->tnext = h->tnext;
        h->tnext->tprev = h->tprev;
        h->tprev = h->tnext = NULL;
    }
}

/* Puts h on the due list (from the tail: timeouts mostly come in order) and makes the
 * timer fire no later than h's due time. */
static void due_insert(struct sw_plain *x, uv_loop_t *loop, struct sw_plain_run *h)
{
    struct sw_plain_run *at = x->due.tprev;
    uint64_t now = uv_now(loop);

    while (at != &x->due && at->due > h->due) {
        at = at->tprev;
    }
    h->tprev = at;
    h->tnext = at->tnext;
    at->tnext->tprev = h;
    at->tnext = h;
    if (!uv_is_active((uv_handle_t *)&x->timer) || h->due < x->armed) {
        x->armed = h->due;
        uv_timer_start(&x->timer, on_timer, h->due > now ? h->due - now : 0, 0);
    }
}

static void run_release(struct sw_probes *p, struct sw_plain_run *h)
{
    struct sw_plain *x = p->plain;

    due_unlink(h);
    if (x && x->due.tnext == &x->due) {
        uv_timer_stop(&x->timer); /* nothing left to time out: no wake-up for nothing */
    }
    if (h->fd >= 0) {
        sw_http_unwatch(p, h->fd);
        close(h->fd);
        h->fd = -1;
    }
    if (x && x->pool_n < POOL_MAX && !p->freeing) {
        if (h->body.cap > DEFAULT_MAX_BODY + 1) {
            sw_buf_release(&h->body);
        }
        sw_buf_reset(&h->body);
        h->next_free = x->pool;
        x->pool = h;
        x->pool_n++;
    } else {
        sw_buf_release(&h->body);
        sw_buf_release(&h->req);
        free(h);
    }
    sw_probes_unpend(p);
}

/* Reports a failure after us of latency (the figure its text may quote). */
static void finish_error(struct sw_plain_run *h, int64_t us, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finish_error(struct sw_plain_run *h, int64_t us, const char *fmt, ...)
{
    struct sw_probes *p = h->run.p;
    struct sw_probe_result r = {0};
    struct sw_buf b;
    va_list ap;

    sw_buf_init(&b);
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    r.state = SW_CRITICAL;
    r.latency_us = us;
    r.output = sw_buf_steal(&b);
    /* the socket goes first: the callback may start a run that gets the same number */
    if (h->fd >= 0) {
        sw_http_unwatch(p, h->fd);
        close(h->fd);
        h->fd = -1;
    }
    sw_run_finish(&h->run, &r);
    run_release(p, h);
}

static void connect_failed(struct sw_plain_run *h, int err)
{
    int64_t us = sw_run_elapsed_us(&h->run);

    (void)err; /* curl names every connect failure alike */
    finish_error(h, us,
                 "Failed to connect to %s port %d after %" PRId64 " ms: Couldn't connect to server",
                 h->t.host, h->t.port, us / 1000);
}

static void complete(struct sw_plain_run *h)
{
    struct sw_probes *p = h->run.p;
    const struct sw_check_conf *c = h->run.c;
    struct sw_probe_result r = {0};
    struct sw_buf out, reasons, perf;

    close(h->fd); /* done with it before the callback, see finish_error() */
    sw_http_unwatch(p, h->fd);
    h->fd = -1;
    r.latency_us = sw_run_elapsed_us(&h->run);
    sw_buf_init(&out);
    sw_buf_init(&reasons);
    sw_buf_init(&perf);
    r.state = sw_http_assess(c, r.latency_us, h->hp.status, (size_t)h->hp.bytes,
                             h->body.data ? h->body.data : "", h->body.len, &out, &reasons, &perf);
    if (reasons.len > 0) {
        sw_buf_append(&out, reasons.data, reasons.len);
    }
    r.output = sw_buf_steal(&out);
    r.perfdata = sw_buf_steal(&perf);
    sw_buf_release(&reasons);
    sw_run_finish(&h->run, &r);
    run_release(p, h);
}

static void on_body(void *arg, const char *d, size_t n)
{
    struct sw_plain_run *h = arg;

    if (h->keep && h->body.len < h->max_body) {
        size_t room = h->max_body - h->body.len;
        sw_buf_append(&h->body, d, n < room ? n : room);
    }
}

/* Reads until the message is complete, the close, or nothing more for now (the socket is
 * edge-triggered: stopping early would wait for an event that does not come). */
static void do_read(struct sw_plain_run *h)
{
    struct sw_plain *x = h->run.p->plain;

    for (;;) {
        ssize_t n = recv(h->fd, x->rbuf, sizeof(x->rbuf), 0);
        int r;

        if (n == -1) {
            if (errno == EAGAIN || errno == EINTR) {
                return;
            }
            finish_error(h, sw_run_elapsed_us(&h->run), "Recv failure: %s", strerror(errno));
            return;
        }
        r = n == 0 ? sw_hp_eof(&h->hp) : sw_hp_feed(&h->hp, x->rbuf, (size_t)n, NULL);
        if (r < 0) {
            finish_error(h, sw_run_elapsed_us(&h->run), "%s", h->hp.error);
            return;
        }
        if (r == 1) {
            complete(h);
            return;
        }
    }
}

/* Sends what is left of the request; false when the run has finished (failed). */
static bool do_send(struct sw_plain_run *h)
{
    while (h->sent < h->req.len) {
        ssize_t w = send(h->fd, h->req.data + h->sent, h->req.len - h->sent, MSG_NOSIGNAL);
        if (w == -1) {
            if (errno == EAGAIN || errno == EINTR) {
                return true; /* not connected yet, or the buffer is full: wait */
            }
            if (h->phase == PH_CONNECTING) {
                connect_failed(h, errno);
            } else {
                finish_error(h, sw_run_elapsed_us(&h->run), "Send failure: %s", strerror(errno));
            }
            return false;
        }
        h->sent += (size_t)w;
        h->phase = PH_SENDING;
    }
    h->phase = PH_READING;
    return true;
}

void sw_plain_event(struct sw_plain_run *h, uint32_t events)
{
    if (h->phase == PH_CONNECTING || h->phase == PH_SENDING) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) || !do_send(h) || h->phase != PH_READING) {
            return;
        }
    }
    if (h->phase == PH_READING && (events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))) {
        do_read(h);
    }
}

static void on_timer(uv_timer_t *t)
{
    struct sw_probes *p = t->data;
    struct sw_plain *x = p->plain;
    uint64_t now = uv_now(p->loop);

    while (x->due.tnext != &x->due && x->due.tnext->due <= now) {
        struct sw_plain_run *h = x->due.tnext;
        int64_t us = sw_run_elapsed_us(&h->run), ms = us / 1000;
        int64_t limit = h->run.c->timeout_ms > 0 ? h->run.c->timeout_ms : 10000;

        due_unlink(h);
        if (h->phase != PH_REFUSED && ms < limit) {
            /* the loop's time lagged behind the clock when the run started: not yet */
            h->due = now + (uint64_t)(limit - ms);
            due_insert(x, p->loop, h);
            continue;
        }
        if (h->phase == PH_REFUSED) {
            connect_failed(h, h->err);
        } else if (h->phase == PH_CONNECTING) {
            finish_error(h, us, "Connection timed out after %" PRId64 " milliseconds", ms);
        } else if (h->hp.size >= 0) {
            finish_error(h, us,
                         "Operation timed out after %" PRId64 " milliseconds with %" PRIu64
                         " out of %" PRId64 " bytes received",
                         ms, h->hp.bytes, h->hp.size);
        } else {
            finish_error(h, us,
                         "Operation timed out after %" PRId64 " milliseconds with %" PRIu64
                         " bytes received",
                         ms, h->hp.bytes);
        }
    }
    if (x->due.tnext != &x->due) {
        x->armed = x->due.tnext->due;
        uv_timer_start(&x->timer, on_timer, x->armed > now ? x->armed - now : 0, 0);
    }
}

static void cancel(struct sw_run *run)
{
    struct sw_plain_run *h = (struct sw_plain_run *)run;
    struct sw_probes *p = run->p;

    sw_run_finishf(run, SW_UNKNOWN, "cancelled");
    run_release(p, h);
}

int sw_plain_start(struct sw_probes *p, const struct sw_check_conf *c, sw_probe_done_cb cb,
                   void *arg)
{
    struct sw_plain *x = p->plain;
    struct sw_plain_target t;
    struct sw_plain_run *h;
    int r;

    if (!x || !sw_plain_eligible(c, &t)) {
        return -EOPNOTSUPP;
    }
    if (x->pool) {
        h = x->pool;
        x->pool = h->next_free;
        x->pool_n--;
    } else {
        h = sw_xcalloc(1, sizeof(*h));
        sw_buf_init(&h->body);
        sw_buf_init(&h->req);
    }
    h->next_free = NULL;
    h->t = t;
    h->fd = -1;
    h->err = 0;
    h->sent = 0;
    h->keep = c->expect_body != NULL;
    h->max_body = c->max_body > 0 ? c->max_body : DEFAULT_MAX_BODY;
    sw_buf_reset(&h->req);
    sw_plain_request(&h->req, c, &h->t);
    sw_hp_init(&h->hp, strcmp(request_method(c), "HEAD") == 0);
    h->hp.on_body = on_body;
    h->hp.arg = h;
    sw_run_begin(p, &h->run, c, cb, arg);
    h->run.cancel = cancel;
    h->due = uv_now(p->loop) + (uint64_t)(c->timeout_ms > 0 ? c->timeout_ms : 10000);
    h->phase = PH_CONNECTING;

    h->fd = socket(t.addr.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (h->fd == -1) {
        h->err = errno;
    } else if (connect(h->fd, &t.addr.sa,
                       t.addr.sa.sa_family == AF_INET ? sizeof(t.addr.in) : sizeof(t.addr.in6)) ==
               0) {
        /* connected within the call: the request can go now, no wake-up needed for it */
        ssize_t w = send(h->fd, h->req.data, h->req.len, MSG_NOSIGNAL);
        if (w >= 0) {
            h->sent = (size_t)w;
            h->phase = h->sent == h->req.len ? PH_READING : PH_SENDING;
        } else if (errno != EAGAIN && errno != EINTR) {
            h->err = errno;
        }
    } else if (errno != EINPROGRESS) {
        h->err = errno;
    }
    if (h->err == 0) {
        /* edge-triggered: one registration serves connect, send and read alike */
        r = sw_http_watch(p, h->fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, h);
        if (r < 0) {
            h->err = -r;
        }
    }
    if (h->err != 0) {
        /* reported from the loop, never from inside the caller's call */
        if (h->fd >= 0) {
            sw_http_unwatch(p, h->fd);
            close(h->fd);
            h->fd = -1;
        }
        h->phase = PH_REFUSED;
        h->due = 0;
    }
    due_insert(x, p->loop, h);
    return 0;
}

int sw_plain_init(struct sw_probes *p)
{
    struct sw_plain *x = sw_xcalloc(1, sizeof(*x));

    x->due.tnext = &x->due;
    x->due.tprev = &x->due;
    uv_timer_init(p->loop, &x->timer);
    x->timer.data = p;
    p->pending++;
    p->plain = x;
    return 0;
}

static void on_timer_close(uv_handle_t *hd)
{
    struct sw_probes *p = hd->data;
    struct sw_plain *x = p->plain;

    p->plain = NULL;
    free(x);
    sw_probes_unpend(p);
}

void sw_plain_shutdown(struct sw_probes *p)
{
    struct sw_plain *x = p->plain;

    if (!x || uv_is_closing((uv_handle_t *)&x->timer)) {
        return;
    }
    while (x->pool) {
        struct sw_plain_run *h = x->pool;
        x->pool = h->next_free;
        sw_buf_release(&h->body);
        sw_buf_release(&h->req);
        free(h);
    }
    x->pool_n = 0;
    uv_close((uv_handle_t *)&x->timer, on_timer_close);
}
