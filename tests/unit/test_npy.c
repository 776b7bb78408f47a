/* test_npy.c — .npy files: what we write is what numpy writes (byte for
 * byte), what numpy writes we read (v1/v2/v3, '<f4' and '<f8'), and a
 * header that is anything else is refused with the file and the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/byte_cursor.h"
#include "io/npy.h"

#include "../support/scratch.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A .npy file by hand: version, dict text (padded to `align` with spaces
 * and '\n' unless raw), then data bytes. */
static size_t make_npy(unsigned char *out, int major, const char *dict, bool raw, const void *data,
                       size_t data_len)
{
    size_t pre = major == 1 ? 10 : 12, n = strlen(dict);
    size_t hlen = raw ? n : (pre + n + 1 + 63) / 64 * 64 - pre;
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)major;
    out[7] = 0;
    if (major == 1)
        put16(out + 8, (uint16_t)hlen);
    else
        put32(out + 8, (uint32_t)hlen);
    memcpy(out + pre, dict, n);
    if (!raw) {
        memset(out + pre + n, ' ', hlen - n - 1);
        out[pre + hlen - 1] = '\n';
    }
    memcpy(out + pre + hlen, data, data_len);
    return pre + hlen + data_len;
}

/* ---- writing ---- */

static void test_write_header_bytes(void **state)
{
    Scratch *s = *state;
    float data[6] = {1, 2, 3, 4, 5, -INFINITY};
    uint64_t dims[2] = {2, 3};
    Error err;
    assert_int_equal(npy_write_f32(s->path, data, 2, dims, &err), TF_OK);
    size_t size;
    unsigned char *b = scratch_read(s->path, &size);

    const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    assert_memory_equal(b, "\x93NUMPY\x01\x00", 8);
    size_t hlen = le16(b + 8);
    assert_int_equal((10 + hlen) % 64, 0);
    assert_int_equal(hlen, 118);  /* 10 + 118 = 128, as numpy 1.24 writes it */
    assert_memory_equal(b + 10, dict, strlen(dict));
    for (size_t i = 10 + strlen(dict); i < 10 + hlen - 1; i++)
        assert_int_equal(b[i], ' ');
    assert_int_equal(b[10 + hlen - 1], '\n');
    assert_int_equal(size, 10 + hlen + sizeof data);
    assert_memory_equal(b + 10 + hlen, data, sizeof data);  /* little-endian host */
    free(b);
}

static void test_write_shapes_text(void **state)
{
    Scratch *s = *state;
    static const struct {
        int ndim;
        uint64_t dims[NPY_MAX_DIMS];
        const char *shape;
    } cases[] = {
        {0, {0}, "'shape': (), }"},
        {1, {5}, "'shape': (5,), }"},
        {3, {2, 1, 4}, "'shape': (2, 1, 4), }"},
        {8, {1, 1, 1, 1, 1, 1, 1, 2}, "'shape': (1, 1, 1, 1, 1, 1, 1, 2), }"},
    };
    float data[8] = {0};
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        Error err;
        assert_int_equal(npy_write_f32(s->path, data, cases[c].ndim, cases[c].dims, &err), TF_OK);
        size_t size;
        unsigned char *b = scratch_read(s->path, &size);
        assert_int_equal((10 + le16(b + 8)) % 64, 0);
        char *text = strndup((char *)b + 10, le16(b + 8));
        if (!strstr(text, cases[c].shape))
            fail_msg("ndim %d: header %s lacks %s", cases[c].ndim, text, cases[c].shape);
        free(text);
        free(b);
    }
}

static void test_round_trip(void **state)
{
    Scratch *s = *state;
    float data[2 * 3 * 4];
    for (size_t i = 0; i < ARRAY_LEN(data); i++)
        data[i] = (float)i / 7.0f - 1.0f;
    data[3] = -INFINITY;
    data[4] = NAN;
    data[5] = -0.0f;
    uint64_t dims[3] = {2, 3, 4};
    Error err;
    assert_int_equal(npy_write_f32(s->path, data, 3, dims, &err), TF_OK);
    float *got;
    int ndim;
    uint64_t gdims[NPY_MAX_DIMS];
    if (npy_read_f32(s->path, &got, &ndim, gdims, &err) != TF_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(ndim, 3);
    assert_memory_equal(gdims, dims, sizeof dims);
    assert_memory_equal(got, data, sizeof data);  /* bit-exact */
    free(got);

    /* 0-d: one value. */
    assert_int_equal(npy_write_f32(s->path, data, 0, dims, &err), TF_OK);
    assert_int_equal(npy_read_f32(s->path, &got, &ndim, gdims, &err), TF_OK);
    assert_int_equal(ndim, 0);
    assert_true(got[0] == data[0]);
    free(got);
}

static void test_write_failure_leaves_nothing(void **state)
{
    Scratch *s = *state;
    char path[400];
    snprintf(path, sizeof path, "%s/missing/a.npy", s->dir);
    float v = 1;
    uint64_t dims[1] = {1};
    Error err;
    assert_int_equal(npy_write_f32(path, &v, 1, dims, &err), TF_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(npy_write_f32(s->path, &v, 9, dims, &err), TF_ERR_INPUT);
    assert_int_equal(access(s->path, F_OK), -1);
}

/* ---- reading what numpy writes ---- */

static void test_read_f8_and_versions(void **state)
{
    Scratch *s = *state;
    double d[6] = {0.1, -2.5, 1e300, -INFINITY, 3.0, 1.0 / 3.0};
    float f[3] = {1.5f, -0.25f, 7.0f};
    static const struct {
        int major;
        const char *dict;
        bool f8;
        int ndim;
        uint64_t dims[2];
    } cases[] = {
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", true, 2, {2, 3}},
        {2, "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", true, 1, {6}},
        {3, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", false, 1, {3}},
        /* Order, quotes and spacing vary; the meaning does not. */
        {1, "{\"shape\":(3,),\"fortran_order\":False,\"descr\":\"<f4\"}", false, 1, {3}},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3,)}", false, 2, {1, 3}},
    };
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        unsigned char buf[512];
        size_t n = make_npy(buf, cases[c].major, cases[c].dict, false, cases[c].f8 ? (void *)d : (void *)f,
                            cases[c].f8 ? sizeof d : sizeof f);
        scratch_write(s->path, buf, n);
        float *got;
        int ndim;
        uint64_t dims[NPY_MAX_DIMS];
        Error err;
        if (npy_read_f32(s->path, &got, &ndim, dims, &err) != TF_OK)
            fail_msg("case %zu: %s", c, err.msg);
        assert_int_equal(ndim, cases[c].ndim);
        for (int a = 0; a < ndim; a++)
            assert_int_equal(dims[a], cases[c].dims[a]);
        size_t numel = cases[c].f8 ? 6 : 3;
        for (size_t i = 0; i < numel; i++) {
            float want = cases[c].f8 ? (float)d[i] : f[i];
            if (memcmp(&got[i], &want, 4) != 0)
                fail_msg("case %zu value %zu: %g, want %g", c, i, (double)got[i], (double)want);
        }
        free(got);
    }
}

/* ---- refusing everything else ---- */

typedef struct {
    const char *what;
    int major;
    const char *dict;
    bool raw;         /* dict used as is, no padding */
    size_t data_len;  /* bytes of data after the header */
    const char *fragment;
} BadCase;

static const BadCase bad_cases[] = {
    {"big-endian", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", false, 12, "'descr'"},
    {"int32", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", false, 12, "'descr'"},
    {"fortran order", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", false, 12, "fortran_order"},
    {"shape not a tuple", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", false, 12, "not a tuple"},
    {"shape a list", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", false, 12, "tuple"},
    {"negative dim", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", false, 12, "non-negative"},
    {"python2 long", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3L,), }", false, 12, "expected ','"},
    {"missing key", 1, "{'descr': '<f4', 'shape': (3,), }", false, 12, "missing key"},
    {"extra key", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1, }", false, 12, "unexpected"},
    {"repeated key", 1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", false, 12,
     "repeated"},
    {"text after dict", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } x", false, 12, "after the dict"},
    {"no final newline", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }   ", true, 12, "after the dict"},
    {"nine dims", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }", false, 4,
     "more than 8"},
    {"dim overflows", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", false, 4,
     "too large"},
    {"size overflows", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", false,
     4, "overflows"},
    {"data too short", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", false, 8, "data bytes"},
    {"data too long", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", false, 16, "data bytes"},
    {"escape in string", 1, "{'descr': '<f\\4', 'fortran_order': False, 'shape': (3,), }", false, 12, "escape"},
    {"unterminated", 1, "{'descr': '<f4", false, 12, "unterminated"},
    {"not a dict", 1, "('descr', '<f4')", false, 12, "expected '{'"},
    {"version 4", 4, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", false, 12, "version 4.0"},
};

static void test_bad_headers(void **state)
{
    Scratch *s = *state;
    unsigned char data[16] = {0};
    for (size_t c = 0; c < ARRAY_LEN(bad_cases); c++) {
        const BadCase *bc = &bad_cases[c];
        unsigned char buf[512];
        size_t n = make_npy(buf, bc->major, bc->dict, bc->raw, data, bc->data_len);
        scratch_write(s->path, buf, n);
        float *got = (float *)1;
        int ndim;
        uint64_t dims[NPY_MAX_DIMS];
        Error err;
        Status st = npy_read_f32(s->path, &got, &ndim, dims, &err);
        if (st == TF_OK)
            fail_msg("%s: accepted", bc->what);
        assert_int_equal(st, TF_ERR_INPUT);
        assert_null(got);
        if (!strstr(err.msg, bc->fragment) || !strstr(err.msg, s->path))
            fail_msg("%s: message \"%s\" lacks \"%s\"", bc->what, err.msg, bc->fragment);
    }
}

static void test_bad_preambles(void **state)
{
    Scratch *s = *state;
    static const struct {
        const char *what;
        const char *bytes;
        size_t n;
        const char *fragment;
    } cases[] = {
        {"empty", "", 0, "magic"},
        {"png", "\x89PNG\r\n\x1a\n", 8, "magic"},
        {"cut in the preamble", "\x93NUMPY\x01\x00\x10", 9, "preamble"},
        {"header length 0", "\x93NUMPY\x01\x00\x00\x00", 10, "header length 0"},
        {"header length huge", "\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12, "header length"},
        {"cut in the header", "\x93NUMPY\x01\x00\x40\x00{'descr'", 17, "ends inside"},
        {"control char", "\x93NUMPY\x01\x00\x04\x00{\x01}\n", 14, "control character"},
        {"latin-1 byte", "\x93NUMPY\x01\x00\x04\x00{\xe9}\n", 14, "non-ASCII"},
    };
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        scratch_write(s->path, cases[c].bytes, cases[c].n);
        float *got;
        int ndim;
        uint64_t dims[NPY_MAX_DIMS];
        Error err;
        if (npy_read_f32(s->path, &got, &ndim, dims, &err) == TF_OK)
            fail_msg("%s: accepted", cases[c].what);
        if (!strstr(err.msg, cases[c].fragment) || !strstr(err.msg, s->path))
            fail_msg("%s: message \"%s\" lacks \"%s\"", cases[c].what, err.msg, cases[c].fragment);
    }
    float *got;
    int ndim;
    uint64_t dims[NPY_MAX_DIMS];
    Error err;
    assert_int_equal(npy_read_f32(s->dir, &got, &ndim, dims, &err), TF_ERR_INPUT);
}

/* Every truncation of a good file is refused (the exact-length rule). */
static void test_every_truncation(void **state)
{
    Scratch *s = *state;
    float data[5] = {1, 2, 3, 4, 5};
    uint64_t dims[1] = {5};
    Error err;
    assert_int_equal(npy_write_f32(s->path, data, 1, dims, &err), TF_OK);
    size_t size;
    unsigned char *b = scratch_read(s->path, &size);
    for (size_t len = 0; len < size; len++) {
        scratch_write(s->path, b, len);
        float *got;
        int ndim;
        uint64_t gd[NPY_MAX_DIMS];
        if (npy_read_f32(s->path, &got, &ndim, gd, &err) == TF_OK)
            fail_msg("truncated to %zu bytes: accepted", len);
    }
    free(b);
}

/* Each test gets a fresh scratch directory (see scratch.h); s->path is dir/a.npy. */
#define T(f) \
    cmocka_unit_test_prestate_setup_teardown(f, scratch_setup, scratch_teardown, "a.npy")

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_write_header_bytes), T(test_write_shapes_text), T(test_round_trip),
        T(test_write_failure_leaves_nothing), T(test_read_f8_and_versions), T(test_bad_headers),
        T(test_bad_preambles), T(test_every_truncation),
    };
    return cmocka_run_group_tests_name("npy", tests, NULL, NULL);
}
