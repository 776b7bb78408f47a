/* npy.c — NumPy .npy files, float32 out, float32/float64 in.
 *
 * Format (numpy.lib.format): magic "\x93NUMPY", major, minor, header
 * length (u16 for 1.0, u32 for 2.0 and 3.0), then a Python dict literal
 * padded with spaces and ended by '\n', then the raw array. */
#include "io/npy.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/checked.h"
#include "io/atomic_file.h"
#include "io/byte_cursor.h"
#include "io/regular_file.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* numpy's own default cap (max_header_size) for headers it will parse. */
#define NPY_MAX_HEADER 10000
/* numpy pads the header so the data starts at a multiple of 64. */
#define NPY_ALIGN 64

/* ---- writing ---- */

/* The header dict, padded with spaces and '\n' so that the preamble
 * (10 bytes) plus dict is a multiple of 64: exactly what numpy writes. */
static size_t npy_header(char *buf, size_t cap, int ndim, const uint64_t *dims)
{
    size_t n = (size_t)snprintf(buf, cap, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < ndim; i++)
        n += (size_t)snprintf(buf + n, cap - n, i ? ", %llu" : "%llu", (unsigned long long)dims[i]);
    n += (size_t)snprintf(buf + n, cap - n, ndim == 1 ? ",), }" : "), }");
    size_t total = (10 + n + 1 + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
    memset(buf + n, ' ', total - 10 - n - 1);
    buf[total - 10 - 1] = '\n';
    return total - 10;
}

Status npy_write_f32(const char *path, const float *data, int ndim, const uint64_t *dims, Error *err)
{
    if (ndim < 0 || ndim > NPY_MAX_DIMS)
        return error_set(err, TF_ERR_INPUT, "%s: ndim %d is not 0..%d", path, ndim, NPY_MAX_DIMS);
    size_t numel = 1;
    for (int i = 0; i < ndim; i++)
        if (dims[i] > SIZE_MAX || !checked_mul(&numel, numel, (size_t)dims[i]))
            return error_set(err, TF_ERR_INPUT, "%s: shape overflows", path);
    if (numel > 0 && !data)
        return error_set(err, TF_ERR_INPUT, "%s: no data", path);

    /* 8 dims of 20 digits and the dict text fit easily in 512 bytes. */
    unsigned char pre[10 + 512];
    memcpy(pre, NPY_MAGIC, NPY_MAGIC_LEN);
    pre[6] = 1;
    pre[7] = 0;
    size_t hlen = npy_header((char *)pre + 10, sizeof pre - 10, ndim, dims);
    put16(pre + 8, (uint16_t)hlen);

    AtomicFile af;
    Status s = atomic_file_open(&af, path, err);
    if (s != TF_OK)
        return s;
    bool ok = fwrite(pre, 1, 10 + hlen, af.f) == 10 + hlen;
    /* Little-endian bytes whatever the host's order. */
    unsigned char buf[4096];
    for (size_t i = 0; ok && i < numel;) {
        size_t k = 0;
        for (; k < sizeof buf / 4 && i < numel; k++, i++) {
            uint32_t u;
            memcpy(&u, &data[i], 4);
            put32(buf + 4 * k, u);
        }
        ok = fwrite(buf, 4, k, af.f) == k;
    }
    if (!ok) {
        int e = errno;
        atomic_file_discard(&af);
        return error_set(err, TF_ERR_RUNTIME, "%s: write failed: %s", path, strerror(e));
    }
    return atomic_file_commit(&af, err);
}

/* ---- reading: a strict parser for the header dict ---- */

typedef struct {
    const char *path;
    const char *s;     /* the dict text */
    size_t n, pos;
    size_t base;       /* file offset of s[0], for messages */
    Error *err;
} Parser;

static Status parse_fail(Parser *p, const char *what)
{
    return error_set(p->err, TF_ERR_INPUT, "%s: byte %zu: npy header: %s", p->path, p->base + p->pos, what);
}

static void skip_ws(Parser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
        p->pos++;
}

/* Consume c (after optional spaces). */
static bool eat(Parser *p, char c)
{
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == c) {
        p->pos++;
        return true;
    }
    return false;
}

/* A quoted string without escapes: 'x' or "x". */
static Status parse_str(Parser *p, char *out, size_t cap)
{
    skip_ws(p);
    if (p->pos >= p->n || (p->s[p->pos] != '\'' && p->s[p->pos] != '"'))
        return parse_fail(p, "expected a quoted string");
    char q = p->s[p->pos++];
    size_t start = p->pos;
    while (p->pos < p->n && p->s[p->pos] != q) {
        if (p->s[p->pos] == '\\')
            return parse_fail(p, "escapes in strings are not supported");
        p->pos++;
    }
    if (p->pos >= p->n)
        return parse_fail(p, "unterminated string");
    size_t len = p->pos - start;
    p->pos++;
    if (len >= cap)
        return parse_fail(p, "string too long");
    memcpy(out, p->s + start, len);
    out[len] = '\0';
    return TF_OK;
}

static bool word(Parser *p, const char *w)
{
    skip_ws(p);
    size_t len = strlen(w);
    if (p->n - p->pos >= len && memcmp(p->s + p->pos, w, len) == 0) {
        p->pos += len;
        return true;
    }
    return false;
}

static Status parse_dim(Parser *p, uint64_t *out)
{
    skip_ws(p);
    if (p->pos >= p->n || p->s[p->pos] < '0' || p->s[p->pos] > '9')
        return parse_fail(p, "'shape': expected a non-negative integer");
    uint64_t v = 0;
    while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
        unsigned d = (unsigned)(p->s[p->pos] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return parse_fail(p, "'shape': dimension too large");
        v = v * 10 + d;
        p->pos++;
    }
    *out = v;
    return TF_OK;
}

/* A Python tuple of ints: (), (3,), (3, 4), (3, 4,). Note (3) is an int. */
static Status parse_shape(Parser *p, int *ndim, uint64_t dims[NPY_MAX_DIMS])
{
    if (!eat(p, '('))
        return parse_fail(p, "'shape' must be a tuple");
    *ndim = 0;
    if (eat(p, ')'))
        return TF_OK;
    for (;;) {
        if (*ndim == NPY_MAX_DIMS)
            return parse_fail(p, "'shape' has more than 8 dimensions");
        Status s = parse_dim(p, &dims[*ndim]);
        if (s != TF_OK)
            return s;
        (*ndim)++;
        bool comma = eat(p, ',');
        if (eat(p, ')')) {
            if (*ndim == 1 && !comma)
                return parse_fail(p, "'shape' (n) is not a tuple; numpy writes (n,)");
            return TF_OK;
        }
        if (!comma)
            return parse_fail(p, "'shape': expected ',' or ')'");
    }
}

typedef struct {
    int itemsize;  /* 4 or 8 */
    int ndim;
    uint64_t dims[NPY_MAX_DIMS];
} NpyHeader;

static Status parse_value(Parser *p, const char *key, NpyHeader *h, unsigned *seen)
{
    if (strcmp(key, "descr") == 0 && !(*seen & 1)) {
        char descr[16];
        Status s = parse_str(p, descr, sizeof descr);
        if (s != TF_OK)
            return s;
        if (strcmp(descr, "<f4") == 0)
            h->itemsize = 4;
        else if (strcmp(descr, "<f8") == 0)
            h->itemsize = 8;
        else
            return parse_fail(p, "'descr' must be '<f4' or '<f8' (little-endian float32 or float64)");
        *seen |= 1;
    } else if (strcmp(key, "fortran_order") == 0 && !(*seen & 2)) {
        if (word(p, "True"))
            return parse_fail(p, "'fortran_order': True is not supported; save a C-order array "
                                 "(numpy.ascontiguousarray)");
        if (!word(p, "False"))
            return parse_fail(p, "'fortran_order' must be False");
        *seen |= 2;
    } else if (strcmp(key, "shape") == 0 && !(*seen & 4)) {
        Status s = parse_shape(p, &h->ndim, h->dims);
        if (s != TF_OK)
            return s;
        *seen |= 4;
    } else {
        return parse_fail(p, "unexpected or repeated key (only 'descr', 'fortran_order', 'shape')");
    }
    return TF_OK;
}

static Status parse_dict(Parser *p, NpyHeader *h)
{
    unsigned seen = 0;
    if (!eat(p, '{'))
        return parse_fail(p, "expected '{'");
    while (!eat(p, '}')) {
        char key[32];
        Status s = parse_str(p, key, sizeof key);
        if (s == TF_OK && !eat(p, ':'))
            s = parse_fail(p, "expected ':'");
        if (s == TF_OK)
            s = parse_value(p, key, h, &seen);
        if (s != TF_OK)
            return s;
        if (!eat(p, ',')) {
            if (!eat(p, '}'))
                return parse_fail(p, "expected ',' or '}'");
            break;
        }
    }
    if (seen != 7)
        return parse_fail(p, "missing key ('descr', 'fortran_order' and 'shape' are required)");
    /* Only padding after the dict: spaces, then the final '\n'. */
    skip_ws(p);
    if (p->pos != p->n - 1 || p->s[p->pos] != '\n')
        return parse_fail(p, "unexpected text after the dict (the header must end with spaces and '\\n')");
    return TF_OK;
}

/* Magic, version and header length: on success *hlen is the dict's
 * length and *start its file offset. */
static Status read_preamble(FILE *f, const char *path, uint32_t *hlen, size_t *start, Error *err)
{
    unsigned char pre[12];
    if (fread(pre, 1, 8, f) != 8 || memcmp(pre, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
        return error_set(err, TF_ERR_INPUT, "%s: byte 0: not a .npy file (no \\x93NUMPY magic)", path);
    int major = pre[6], minor = pre[7];
    if (major < 1 || major > 3 || minor != 0)
        return error_set(err, TF_ERR_INPUT, "%s: byte 6: .npy version %d.%d, only 1.0, 2.0 and 3.0 are read",
                         path, major, minor);
    /* The length field: u16 in version 1.0, u32 from 2.0 on. */
    size_t field = major == 1 ? 2 : 4;
    ByteCursor c = byte_cursor_at(pre, 8 + fread(pre + 8, 1, field, f), 8);
    uint16_t h16 = 0;
    bool whole = major == 1 ? byte_cursor_u16(&c, &h16) : byte_cursor_u32(&c, hlen);
    if (!whole)
        return error_set(err, TF_ERR_INPUT, "%s: byte 8: file ends inside the preamble", path);
    if (major == 1)
        *hlen = h16;
    *start = c.pos;
    if (*hlen == 0 || *hlen > NPY_MAX_HEADER)
        return error_set(err, TF_ERR_INPUT, "%s: byte 8: header length %u is not 1..%d", path, *hlen,
                         NPY_MAX_HEADER);
    return TF_OK;
}

static Status read_header(FILE *f, const char *path, NpyHeader *h, size_t *data_start, Error *err)
{
    uint32_t hlen = 0;
    size_t start = 0;
    Status s = read_preamble(f, path, &hlen, &start, err);
    if (s != TF_OK)
        return s;
    char text[NPY_MAX_HEADER];
    if (fread(text, 1, hlen, f) != hlen)
        return error_set(err, TF_ERR_INPUT, "%s: byte %zu: file ends inside the %u-byte header", path,
                         start, hlen);
    /* Versions 1 and 2 are latin-1, 3 is UTF-8; a valid header is ASCII. */
    for (uint32_t i = 0; i < hlen; i++)
        if ((unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\t')
            return error_set(err, TF_ERR_INPUT, "%s: byte %zu: control character in the header", path,
                             start + i);
        else if ((unsigned char)text[i] >= 0x7F)
            return error_set(err, TF_ERR_INPUT, "%s: byte %zu: non-ASCII byte in the header", path,
                             start + i);
    Parser p = {.path = path, .s = text, .n = hlen, .base = start, .err = err};
    s = parse_dict(&p, h);
    *data_start = start + hlen;
    return s;
}

/* The next value of c, a float32 or float64 as itemsize says; the caller
 * hands over a cursor that holds whole values. */
static float load_value(ByteCursor *c, int itemsize)
{
    if (itemsize == 4) {
        float v = 0;
        byte_cursor_f32(c, &v);
        return v;
    }
    double d = 0;
    byte_cursor_f64(c, &d);
    return (float)d;  /* as numpy's astype(float32): rounds, overflows to ±inf */
}

Status npy_read_f32(const char *path, float **data, int *ndim, uint64_t dims[NPY_MAX_DIMS], Error *err)
{
    *data = NULL;
    FILE *f;
    Status so = regular_fopen(path, &f, err);  /* a FIFO or device is refused, not waited on */
    if (so)
        return so;
    NpyHeader h = {0};
    size_t start = 0;
    Status s = read_header(f, path, &h, &start, err);

    /* The file must hold exactly header + numel * itemsize bytes. */
    size_t numel = 1, bytes = 0, total = 0;
    struct stat st;
    if (s == TF_OK) {
        bool ok = true;
        for (int i = 0; i < h.ndim; i++)
            ok = ok && h.dims[i] <= SIZE_MAX && checked_mul(&numel, numel, (size_t)h.dims[i]);
        ok = ok && checked_mul(&bytes, numel, (size_t)h.itemsize) && checked_add(&total, start, bytes);
        if (!ok)
            s = error_set(err, TF_ERR_INPUT, "%s: npy header field 'shape': size overflows", path);
        else if (fstat(fileno(f), &st) != 0)
            s = error_set(err, TF_ERR_RUNTIME, "%s: cannot stat: %s", path, strerror(errno));
        else if ((uint64_t)st.st_size != (uint64_t)total)
            s = error_set(err, TF_ERR_INPUT,
                          "%s: byte %zu: shape and dtype need %zu data bytes, the file has %lld", path,
                          start, bytes, (long long)st.st_size - (long long)start);
    }
    float *out = NULL;
    if (s == TF_OK && !(out = malloc(numel ? numel * sizeof *out : 1)))
        s = error_set(err, TF_ERR_RUNTIME, "%s: out of memory for %zu values", path, numel);
    unsigned char buf[8192];
    for (size_t i = 0; s == TF_OK && i < numel;) {
        size_t k = sizeof buf / (size_t)h.itemsize;
        if (k > numel - i)
            k = numel - i;
        if (fread(buf, (size_t)h.itemsize, k, f) != k) {
            s = error_set(err, TF_ERR_RUNTIME, "%s: read failed at value %zu", path, i);
            break;
        }
        ByteCursor c = byte_cursor_at(buf, k * (size_t)h.itemsize, 0);
        for (size_t j = 0; j < k; j++)
            out[i + j] = load_value(&c, h.itemsize);
        i += k;
    }
    fclose(f);
    if (s != TF_OK) {
        free(out);
        return s;
    }
    *data = out;
    *ndim = h.ndim;
    memcpy(dims, h.dims, sizeof h.dims);
    return TF_OK;
}
