/* SPDX-License-Identifier: Apache-2.0 */
/* target.c: sw-demo-target, the small loopback server the demo fleet watches. It serves
 * healthy, failing, slow, flapping and degraded HTTP endpoints over plain HTTP and over TLS
 * with a short-lived self-signed certificate made at start-up, and a PING/PONG line protocol
 * on a plain TCP port. A demo, not the daemon: one blocking thread per connection, with a
 * cap on connections and on request sizes. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/core.h"

#define MAX_CONNS 256        /* connections served at once; more are closed at once */
#define MAX_HEAD 8192        /* request line and headers, bytes */
#define MAX_BODY (64 * 1024) /* request body read and dropped, bytes */
#define MAX_LINE 256         /* one PING line, bytes */
#define IO_TIMEOUT_S 10      /* per read or write */
#define FLAP_PERIOD_S 90     /* /flapping changes state this often */
#define MAX_CERT_DAYS 3650

enum kind {
    KIND_HTTP = 0,
    KIND_HTTPS = 1,
    KIND_TCP = 2,
};

struct options {
    const char *listen;
    const char *tls_listen;
    const char *tcp_listen;
    const char *cert_out;
    int cert_days;
    bool verbose;
};

struct conn {
    int fd;
    enum kind kind;
    SSL *ssl;
    char peer[64];
};

static struct options opts = {
    .listen = "127.0.0.1:18080",
    .tls_listen = "127.0.0.1:18443",
    .tcp_listen = "127.0.0.1:18081",
    .cert_out = NULL,
    .cert_days = 5,
    .verbose = false,
};
static SSL_CTX *ssl_ctx;
static atomic_int n_conns;
static atomic_bool stopping;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sw-demo-target [--listen ADDR:PORT] [--tls-listen ADDR:PORT]\n"
            "                      [--tcp-listen ADDR:PORT] [--cert-days N] [--cert-out FILE]\n"
            "                      [--verbose]\n"
            "\n"
            "The loopback target of the stackward demo.\n"
            "  --listen ADDR:PORT      plain HTTP (default 127.0.0.1:18080)\n"
            "  --tls-listen ADDR:PORT  HTTPS, self-signed (default 127.0.0.1:18443)\n"
            "  --tcp-listen ADDR:PORT  answers \"PING\\r\\n\" with \"PONG\\r\\n\""
            " (default 127.0.0.1:18081)\n"
            "  --cert-days N           certificate valid for N days, 0-%d (default 5)\n"
            "  --cert-out FILE         write the certificate there as PEM\n"
            "  --verbose               log one line per request to stderr\n"
            "\n"
            "Endpoints: /healthy (200), /failing (503), /slow (200 after 1.5 s),\n"
            "/flapping (200 and 500 in turn every %d s), /degraded (200 after 700 ms).\n",
            MAX_CERT_DAYS, FLAP_PERIOD_S);
}

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    char when[SW_TIME_LEN];
    va_list ap;

    sw_time_format(sw_now(), when);
    flockfile(stderr);
    fprintf(stderr, "%s sw-demo-target: ", when);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    funlockfile(stderr);
}

static void ssl_log_errors(const char *what)
{
    unsigned long e;
    char msg[256];

    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, msg, sizeof(msg));
        fprintf(stderr, "sw-demo-target: %s: %s\n", what, msg);
    }
}

/* ---- the certificate ---- */

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int r;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext) {
        return -EINVAL;
    }
    r = X509_add_ext(x, ext, -1) == 1 ? 0 : -EINVAL;
    X509_EXTENSION_free(ext);
    return r;
}

/* Makes an EC P-256 key and a self-signed certificate for localhost and 127.0.0.1, valid
 * from a minute ago until days days from now. */
static int make_cert(int days, EVP_PKEY **ret_key, X509 **ret_cert)
{
    EVP_PKEY *key = NULL;
    X509 *x = NULL;
    X509_NAME *name;
    BIGNUM *serial = NULL;
    int r = -EINVAL;

    key = EVP_EC_gen("P-256");
    if (!key) {
        goto out;
    }
    x = X509_new();
    serial = BN_new();
    if (!x || !serial || !BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
        !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x))) {
        goto out;
    }
    if (!X509_set_version(x, 2) || !X509_gmtime_adj(X509_getm_notBefore(x), -60) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) || !X509_set_pubkey(x, key)) {
        goto out;
    }
    name = X509_get_subject_name(x);
    if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                    (const unsigned char *)"stackward demo", -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                                    -1, -1, 0) ||
        !X509_set_issuer_name(x, name)) {
        goto out;
    }
    /* CA:TRUE lets clients put this very certificate in their CA file as the trust anchor. */
    if (add_ext(x, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
        add_ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign") < 0 ||
        add_ext(x, NID_ext_key_usage, "serverAuth") < 0 ||
        add_ext(x, NID_subject_key_identifier, "hash") < 0 ||
        add_ext(x, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") < 0) {
        goto out;
    }
    if (!X509_sign(x, key, EVP_sha256())) {
        goto out;
    }
    *ret_key = key;
    *ret_cert = x;
    key = NULL;
    x = NULL;
    r = 0;
out:
    if (r < 0) {
        ssl_log_errors("making the certificate");
    }
    BN_free(serial);
    X509_free(x);
    EVP_PKEY_free(key);
    return r;
}

/* Writes the certificate to path as PEM, through a temporary file renamed into place so a
 * reader never sees half a file. */
static int write_cert(const char *path, X509 *x)
{
    char *tmp = sw_xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f;
    int r = 0;

    f = fopen(tmp, "we");
    if (!f) {
        r = -errno;
        goto out;
    }
    if (!PEM_write_X509(f, x)) {
        r = -EIO;
    }
    if (fclose(f) != 0 && r == 0) {
        r = -errno;
    }
    if (r == 0 && rename(tmp, path) == -1) {
        r = -errno;
    }
    if (r < 0) {
        unlink(tmp);
    }
out:
    free(tmp);
    return r;
}

static int setup_tls(int days, const char *cert_out)
{
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    int r;

    r = make_cert(days, &key, &cert);
    if (r < 0) {
        goto out;
    }
    if (cert_out) {
        r = write_cert(cert_out, cert);
        if (r < 0) {
            fprintf(stderr, "sw-demo-target: cannot write %s: %s\n", cert_out, strerror(-r));
            goto out;
        }
    }
    ssl_ctx = SSL_CTX_new(TLS_server_method());
    if (!ssl_ctx || !SSL_CTX_set_min_proto_version(ssl_ctx, TLS1_2_VERSION) ||
        SSL_CTX_use_certificate(ssl_ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ssl_ctx, key) != 1) {
        ssl_log_errors("setting up TLS");
        r = -EINVAL;
        goto out;
    }
out:
    X509_free(cert);
    EVP_PKEY_free(key);
    return r;
}

/* ---- sockets ---- */

/* Parses "HOST:PORT" or "[V6]:PORT" and listens there. Returns the socket or -errno. */
static int listen_on(const char *spec)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    const char *colon = strrchr(spec, ':');
    char host[256];
    size_t hlen;
    int fd = -EINVAL;
    int one = 1;
    int e;

    if (!colon || colon == spec || colon[1] == '\0' ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
        return -EINVAL;
    }
    hlen = (size_t)(colon - spec);
    if (spec[0] == '[' && hlen >= 2 && spec[hlen - 1] == ']') {
        spec++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host)) {
        return -EINVAL;
    }
    memcpy(host, spec, hlen);
    host[hlen] = '\0';
    e = getaddrinfo(host, colon + 1, &hints, &ai);
    if (e != 0) {
        return -EINVAL;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        fd = -errno;
        goto out;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 || listen(fd, 128) == -1) {
        e = -errno;
        close(fd);
        fd = e;
    }
out:
    freeaddrinfo(ai);
    return fd;
}

static ssize_t conn_read(struct conn *c, void *p, size_t n)
{
    if (c->ssl) {
        size_t got = 0;
        int r = SSL_read_ex(c->ssl, p, n, &got);
        return r == 1 ? (ssize_t)got : (SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
    }
    for (;;) {
        ssize_t r = recv(c->fd, p, n, 0);
        if (r == -1 && errno == EINTR) {
            continue;
        }
        return r;
    }
}

static int conn_write(struct conn *c, const void *p, size_t n)
{
    const char *s = p;

    while (n > 0) {
        ssize_t r;
        if (c->ssl) {
            size_t done = 0;
            r = SSL_write_ex(c->ssl, s, n, &done) == 1 ? (ssize_t)done : -1;
        } else {
            r = send(c->fd, s, n, MSG_NOSIGNAL);
            if (r == -1 && errno == EINTR) {
                continue;
            }
        }
        if (r <= 0) {
            return -EIO;
        }
        s += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Sleeps ms milliseconds, ending early when the server stops. */
static void nap(int ms)
{
    while (ms > 0 && !atomic_load(&stopping)) {
        int step = ms < 100 ? ms : 100;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

/* ---- HTTP ---- */

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

static void respond(struct conn *c, int status, const char *body, bool head)
{
    struct sw_buf b;

    sw_buf_init(&b);
    sw_buf_printf(&b,
                  "HTTP/1.1 %d %s\r\n"
                  "Server: sw-demo-target\r\n"
                  "Content-Type: application/json\r\n"
                  "Content-Length: %zu\r\n"
                  "Connection: close\r\n",
                  status, reason(status), strlen(body));
    if (status == 405) {
        sw_buf_puts(&b, "Allow: GET, HEAD, POST\r\n");
    }
    sw_buf_puts(&b, "\r\n");
    if (!head) {
        sw_buf_puts(&b, body);
    }
    conn_write(c, b.data, b.len);
    sw_buf_release(&b);
}

/* Picks the reply for path (query string already cut off). */
static int route(const char *path, const char **ret_body)
{
    if (strcmp(path, "/healthy") == 0) {
        *ret_body = "{\"version\": \"v3.14\", \"status\": \"ok\"}\n";
        return 200;
    }
    if (strcmp(path, "/failing") == 0) {
        *ret_body = "{\"status\": \"failing\", \"error\": \"backend unavailable\"}\n";
        return 503;
    }
    if (strcmp(path, "/slow") == 0) {
        nap(1500);
        *ret_body = "{\"status\": \"ok\", \"note\": \"slow: 1.5 s\"}\n";
        return 200;
    }
    if (strcmp(path, "/flapping") == 0) {
        if ((sw_now() / FLAP_PERIOD_S) % 2 == 0) {
            *ret_body = "{\"status\": \"ok\", \"note\": \"flapping\"}\n";
            return 200;
        }
        *ret_body = "{\"status\": \"error\", \"note\": \"flapping\"}\n";
        return 500;
    }
    if (strcmp(path, "/degraded") == 0) {
        nap(700);
        *ret_body = "{\"status\": \"ok\", \"note\": \"degraded: 700 ms\"}\n";
        return 200;
    }
    if (strcmp(path, "/") == 0) {
        *ret_body = "{\"endpoints\": [\"/healthy\", \"/failing\", \"/slow\", \"/flapping\", "
                    "\"/degraded\"]}\n";
        return 200;
    }
    *ret_body = "{\"error\": \"not found\"}\n";
    return 404;
}

/* Finds header name (lower case, with the colon) in the header block; returns its value's
 * start or NULL. */
static const char *find_header(const char *head, const char *name)
{
    const char *p = strstr(head, "\r\n");
    size_t n = strlen(name);

    while (p && p[2] != '\r' && p[2] != '\0') {
        p += 2;
        if (strncasecmp(p, name, n) == 0) {
            p += n;
            while (*p == ' ' || *p == '\t') {
                p++;
            }
            return p;
        }
        p = strstr(p, "\r\n");
    }
    return NULL;
}

/* Reads and drops want body bytes already partly in the buffer. */
static int drop_body(struct conn *c, size_t have, size_t want)
{
    char scratch[4096];

    while (have < want) {
        size_t n = want - have < sizeof(scratch) ? want - have : sizeof(scratch);
        ssize_t r = conn_read(c, scratch, n);
        if (r <= 0) {
            return -EIO;
        }
        have += (size_t)r;
    }
    return 0;
}

static void serve_http(struct conn *c)
{
    char buf[MAX_HEAD + 1];
    size_t len = 0;
    char *end = NULL;
    char method[16];
    char target[2048];
    char version[16];
    const char *body;
    const char *v;
    char *q;
    int status;
    bool head;

    while (!end) {
        ssize_t r;
        if (len == MAX_HEAD) {
            respond(c, 431, "{\"error\": \"request head over 8 KiB\"}\n", false);
            return;
        }
        r = conn_read(c, buf + len, MAX_HEAD - len);
        if (r <= 0) {
            return; /* a bare connect (tcp check) or a client gone */
        }
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    end[2] = '\0'; /* keep the last header's CRLF for find_header */
    if (sscanf(buf, "%15[A-Z] %2047[^ \r\n] %15[^\r\n]", method, target, version) != 3 ||
        !sw_str_has_prefix(version, "HTTP/1.") || target[0] != '/') {
        respond(c, 400, "{\"error\": \"bad request line\"}\n", false);
        return;
    }
    head = strcmp(method, "HEAD") == 0;
    if (!head && strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0) {
        status = 405;
        body = "{\"error\": \"method not allowed\"}\n";
        goto reply;
    }
    v = find_header(buf, "content-length:");
    if (v) {
        char *e;
        unsigned long n;
        errno = 0;
        n = strtoul(v, &e, 10);
        if (errno != 0 || e == v || (*e != '\r' && *e != ' ')) {
            respond(c, 400, "{\"error\": \"bad content-length\"}\n", false);
            return;
        }
        if (n > MAX_BODY) {
            respond(c, 413, "{\"error\": \"body over 64 KiB\"}\n", false);
            return;
        }
        if (drop_body(c, len - (size_t)(end + 4 - buf), n) < 0) {
            return;
        }
    } else if (find_header(buf, "transfer-encoding:")) {
        respond(c, 400, "{\"error\": \"chunked bodies are not supported\"}\n", false);
        return;
    }
    q = strchr(target, '?');
    if (q) {
        *q = '\0';
    }
    status = route(target, &body);
reply:
    respond(c, status, body, head);
    if (opts.verbose) {
        logf_("%s %s %s %s -> %d", c->kind == KIND_HTTPS ? "https" : "http", c->peer, method,
              target, status);
    }
}

/* ---- the PING line protocol ---- */

static void serve_tcp(struct conn *c)
{
    char line[MAX_LINE + 1];
    size_t len = 0;
    char *nl = NULL;

    while (!nl) {
        ssize_t r;
        if (len == MAX_LINE) {
            conn_write(c, "ERR line too long\r\n", 19);
            return;
        }
        r = conn_read(c, line + len, MAX_LINE - len);
        if (r <= 0) {
            return;
        }
        len += (size_t)r;
        line[len] = '\0';
        nl = strchr(line, '\n');
    }
    *nl = '\0';
    if (nl > line && nl[-1] == '\r') {
        nl[-1] = '\0';
    }
    if (strcmp(line, "PING") == 0) {
        conn_write(c, "PONG\r\n", 6);
    } else {
        conn_write(c, "ERR unknown command\r\n", 21);
    }
    if (opts.verbose) {
        sw_str_sanitize(line);
        logf_("tcp %s \"%s\"", c->peer, line);
    }
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    struct timeval tv = {.tv_sec = IO_TIMEOUT_S, .tv_usec = 0};

    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (c->kind == KIND_HTTPS) {
        c->ssl = SSL_new(ssl_ctx);
        if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_accept(c->ssl) != 1) {
            if (opts.verbose) {
                logf_("https %s: TLS handshake failed", c->peer);
            }
            ERR_clear_error();
            goto out;
        }
    }
    if (c->kind == KIND_TCP) {
        serve_tcp(c);
    } else {
        serve_http(c);
    }
    if (c->ssl) {
        SSL_shutdown(c->ssl);
    }
out:
    SSL_free(c->ssl);
    ERR_clear_error();
    close(c->fd);
    free(c);
    atomic_fetch_sub(&n_conns, 1);
    return NULL;
}

static void peer_name(int fd, char *out, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[48] = "?";
    char port[8] = "?";

    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV);
    }
    snprintf(out, n, "%s:%s", host, port);
}

static void accept_one(int lfd, enum kind kind, pthread_attr_t *attr)
{
    struct conn *c;
    pthread_t t;
    int fd;

    fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd == -1) {
        return; /* the client went away, or out of fds: try again on the next poll */
    }
    if (atomic_fetch_add(&n_conns, 1) >= MAX_CONNS) {
        atomic_fetch_sub(&n_conns, 1);
        close(fd);
        return;
    }
    c = sw_xcalloc(1, sizeof(*c));
    c->fd = fd;
    c->kind = kind;
    peer_name(fd, c->peer, sizeof(c->peer));
    if (pthread_create(&t, attr, conn_main, c) != 0) {
        close(fd);
        free(c);
        atomic_fetch_sub(&n_conns, 1);
    }
}

static int parse_days(const char *s, int *ret)
{
    char *e;
    long v;

    errno = 0;
    v = strtol(s, &e, 10);
    if (errno != 0 || e == s || *e != '\0' || v < 0 || v > MAX_CERT_DAYS) {
        return -EINVAL;
    }
    *ret = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"tls-listen", required_argument, NULL, 's'},
        {"tcp-listen", required_argument, NULL, 't'},
        {"cert-days", required_argument, NULL, 'd'},
        {"cert-out", required_argument, NULL, 'o'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *specs[3];
    const enum kind kinds[3] = {KIND_HTTP, KIND_HTTPS, KIND_TCP};
    struct pollfd pfd[4];
    pthread_attr_t attr;
    sigset_t mask;
    int ch;
    int r;
    int i;
    int rc = 1;

    for (i = 0; i < 4; i++) {
        pfd[i].fd = -1;
        pfd[i].events = POLLIN;
    }
    while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
        switch (ch) {
        case 'l':
            opts.listen = optarg;
            break;
        case 's':
            opts.tls_listen = optarg;
            break;
        case 't':
            opts.tcp_listen = optarg;
            break;
        case 'd':
            if (parse_days(optarg, &opts.cert_days) < 0) {
                fprintf(stderr, "sw-demo-target: --cert-days wants a whole number 0-%d, not '%s'\n",
                        MAX_CERT_DAYS, optarg);
                return 2;
            }
            break;
        case 'o':
            opts.cert_out = optarg;
            break;
        case 'v':
            opts.verbose = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            puts("sw-demo-target " SW_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sw-demo-target: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    /* Signals arrive through a signalfd in the poll loop; connection threads inherit the
     * blocked mask and never see them. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0) {
        return 1;
    }
    pfd[3].fd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (pfd[3].fd == -1) {
        perror("sw-demo-target: signalfd");
        return 1;
    }

    if (setup_tls(opts.cert_days, opts.cert_out) < 0) {
        goto out;
    }
    specs[0] = opts.listen;
    specs[1] = opts.tls_listen;
    specs[2] = opts.tcp_listen;
    for (i = 0; i < 3; i++) {
        r = listen_on(specs[i]);
        if (r < 0) {
            fprintf(stderr, "sw-demo-target: cannot listen on '%s': %s\n", specs[i],
                    r == -EINVAL ? "not ADDR:PORT" : strerror(-r));
            rc = r == -EINVAL ? 2 : 1;
            goto out;
        }
        pfd[i].fd = r;
    }
    if (opts.verbose) {
        logf_("http on %s, https on %s (certificate valid %d days%s%s), tcp on %s", opts.listen,
              opts.tls_listen, opts.cert_days, opts.cert_out ? ", written to " : "",
              opts.cert_out ? opts.cert_out : "", opts.tcp_listen);
    }

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (;;) {
        r = poll(pfd, 4, -1);
        if (r == -1) {
            if (errno == EINTR) {
                continue;
            }
            perror("sw-demo-target: poll");
            break;
        }
        if (pfd[3].revents) {
            struct signalfd_siginfo si;
            if (read(pfd[3].fd, &si, sizeof(si)) == (ssize_t)sizeof(si) && opts.verbose) {
                logf_("signal %u: stopping", si.ssi_signo);
            }
            rc = 0;
            break;
        }
        for (i = 0; i < 3; i++) {
            if (pfd[i].revents & POLLIN) {
                accept_one(pfd[i].fd, kinds[i], &attr);
            }
        }
    }
    pthread_attr_destroy(&attr);
    atomic_store(&stopping, true);
    for (i = 0; i < 3; i++) {
        close(pfd[i].fd);
        pfd[i].fd = -1;
    }
    /* Give requests in flight a moment (the slow ones end early once stopping is set). */
    for (i = 0; i < 50 && atomic_load(&n_conns) > 0; i++) {
        usleep(20000);
    }
out:
    for (i = 0; i < 4; i++) {
        if (pfd[i].fd >= 0) {
            close(pfd[i].fd);
        }
    }
    if (atomic_load(&n_conns) == 0) {
        SSL_CTX_free(ssl_ctx);
    }
    return rc;
}
