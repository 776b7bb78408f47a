/* test_byte_cursor.c — the little-endian read cursor of the binary readers:
 * every read at every position of buffers of every small size succeeds
 * exactly when its bytes are there, gives the little-endian value, and
 * otherwise fails without moving; a position past the end (or a huge
 * count) never wraps around into a read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "io/byte_cursor.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Buffer bytes: distinct, so a value read from the wrong place shows. */
static unsigned char bytes[24];

static void fill(void)
{
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(0x11 * (i % 15 + 1) ^ (i << 4));
}

/* The value of width w at p, little-endian, built the slow way. */
static uint64_t expect_le(const unsigned char *p, size_t w)
{
    uint64_t v = 0;
    for (size_t i = w; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

typedef enum { R_U8, R_U16, R_U32, R_U64, R_F32, R_F64, R_BYTES3, R_SKIP5, R_BYTES0 } ReadKind;

static const struct {
    ReadKind kind;
    size_t width;
    const char *name;
} reads[] = {
    {R_U8, 1, "u8"},     {R_U16, 2, "u16"},        {R_U32, 4, "u32"},      {R_U64, 8, "u64"},
    {R_F32, 4, "f32"},   {R_F64, 8, "f64"},        {R_BYTES3, 3, "bytes(3)"}, {R_SKIP5, 5, "skip(5)"},
    {R_BYTES0, 0, "bytes(0)"},
};

/* Do one read; *got gets the value's bits (untouched on failure). */
static bool do_read(ByteCursor *c, ReadKind k, uint64_t *got)
{
    switch (k) {
    case R_U8: { uint8_t v; if (!byte_cursor_u8(c, &v)) return false; *got = v; return true; }
    case R_U16: { uint16_t v; if (!byte_cursor_u16(c, &v)) return false; *got = v; return true; }
    case R_U32: { uint32_t v; if (!byte_cursor_u32(c, &v)) return false; *got = v; return true; }
    case R_U64: return byte_cursor_u64(c, got);
    case R_F32: {
        float v;
        uint32_t u;
        if (!byte_cursor_f32(c, &v))
            return false;
        memcpy(&u, &v, 4);
        *got = u;
        return true;
    }
    case R_F64: {
        double v;
        if (!byte_cursor_f64(c, &v))
            return false;
        memcpy(got, &v, 8);
        return true;
    }
    case R_BYTES3:
    case R_BYTES0: {
        size_t n = k == R_BYTES3 ? 3 : 0;
        const unsigned char *p = byte_cursor_bytes(c, n);
        if (!p)
            return false;
        *got = (uint64_t)(p - bytes);  /* where the bytes are */
        return true;
    }
    case R_SKIP5: return byte_cursor_skip(c, 5);
    }
    return false;
}

static void test_every_read_at_every_position(void **state)
{
    (void)state;
    fill();
    for (size_t size = 0; size <= 16; size++) {
        for (size_t pos = 0; pos <= size + 3; pos++) {
            for (size_t r = 0; r < ARRAY_LEN(reads); r++) {
                ByteCursor c = byte_cursor_at(bytes, size, pos);
                size_t left = pos <= size ? size - pos : 0;
                assert_int_equal(byte_cursor_left(&c), left);
                uint64_t got = 0xDEADBEEFu;
                bool ok = do_read(&c, reads[r].kind, &got);
                bool fits = pos <= size && reads[r].width <= size - pos;
                if (ok != fits)
                    fail_msg("%s at %zu of %zu: %s", reads[r].name, pos, size, ok ? "read past the end" : "refused");
                if (!ok) {
                    assert_int_equal(c.pos, pos);  /* a failed read does not move */
                    assert_int_equal(got, 0xDEADBEEFu);
                    continue;
                }
                assert_int_equal(c.pos, pos + reads[r].width);
                assert_int_equal(byte_cursor_left(&c), left - reads[r].width);
                if (reads[r].kind == R_BYTES3 || reads[r].kind == R_BYTES0)
                    assert_int_equal(got, pos);
                else if (reads[r].kind != R_SKIP5)
                    assert_int_equal(got, expect_le(bytes + pos, reads[r].width));
            }
        }
    }
}

/* Reading a buffer to its end value by value: the last read that fits
 * ends exactly at size, the next one fails. */
static void test_reads_in_sequence(void **state)
{
    (void)state;
    static const unsigned char b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                      0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
    ByteCursor c = byte_cursor_at(b, sizeof b, 0);
    uint8_t v8;
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    assert_true(byte_cursor_u8(&c, &v8));
    assert_int_equal(v8, 0x01);
    assert_true(byte_cursor_u16(&c, &v16));
    assert_int_equal(v16, 0x0302);
    assert_true(byte_cursor_u32(&c, &v32));
    assert_int_equal(v32, 0x07060504u);
    assert_true(byte_cursor_u64(&c, &v64));
    assert_int_equal(v64, 0x0F0E0D0C0B0A0908ull);
    assert_int_equal(c.pos, sizeof b);
    assert_int_equal(byte_cursor_left(&c), 0);
    assert_false(byte_cursor_u8(&c, &v8));
    assert_non_null(byte_cursor_bytes(&c, 0));  /* nothing asked, nothing missing */
    assert_true(byte_cursor_skip(&c, 0));
}

/* Floats are their IEEE bit patterns, little-endian. */
static void test_floats(void **state)
{
    (void)state;
    static const unsigned char one_f32[] = {0x00, 0x00, 0x80, 0x3F};                       /* 1.0f */
    static const unsigned char minus_two_f64[] = {0, 0, 0, 0, 0, 0, 0x00, 0xC0};          /* -2.0 */
    ByteCursor c = byte_cursor_at(one_f32, sizeof one_f32, 0);
    float f = 0;
    assert_true(byte_cursor_f32(&c, &f));
    assert_true(f == 1.0f);
    c = byte_cursor_at(minus_two_f64, sizeof minus_two_f64, 0);
    double d = 0;
    assert_true(byte_cursor_f64(&c, &d));
    assert_true(d == -2.0);
}

/* Positions and counts near SIZE_MAX: pos + n would wrap, size - pos
 * would wrap; neither may turn into a read. */
static void test_no_wrap(void **state)
{
    (void)state;
    fill();
    size_t far[] = {17, 1000, SIZE_MAX / 2, SIZE_MAX - 8, SIZE_MAX - 1, SIZE_MAX};
    for (size_t i = 0; i < ARRAY_LEN(far); i++) {
        ByteCursor c = byte_cursor_at(bytes, 16, far[i]);
        assert_int_equal(byte_cursor_left(&c), 0);
        uint64_t got;
        for (size_t r = 0; r < ARRAY_LEN(reads); r++)
            if (do_read(&c, reads[r].kind, &got))
                fail_msg("%s at position %zu of a 16-byte buffer succeeded", reads[r].name, far[i]);
        assert_int_equal(c.pos, far[i]);
    }
    size_t huge[] = {17, SIZE_MAX / 2, SIZE_MAX - 15, SIZE_MAX - 1, SIZE_MAX};
    for (size_t i = 0; i < ARRAY_LEN(huge); i++) {
        ByteCursor c = byte_cursor_at(bytes, 16, 1);
        assert_null(byte_cursor_bytes(&c, huge[i]));
        assert_false(byte_cursor_skip(&c, huge[i]));
        assert_int_equal(c.pos, 1);
    }
}

/* The writers' helpers put the bytes the readers take back. */
static void test_write_read_back(void **state)
{
    (void)state;
    unsigned char b[8];
    put16(b, 0xA1B2);
    assert_int_equal(b[0], 0xB2);
    assert_int_equal(b[1], 0xA1);
    assert_int_equal(le16(b), 0xA1B2);
    put32(b, 0x01020304u);
    assert_memory_equal(b, "\x04\x03\x02\x01", 4);
    assert_int_equal(le32(b), 0x01020304u);
    put64(b, 0x1122334455667788ull);
    assert_memory_equal(b, "\x88\x77\x66\x55\x44\x33\x22\x11", 8);
    assert_int_equal(le64(b), 0x1122334455667788ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_read_at_every_position),
        cmocka_unit_test(test_reads_in_sequence),
        cmocka_unit_test(test_floats),
        cmocka_unit_test(test_no_wrap),
        cmocka_unit_test(test_write_read_back),
    };
    return cmocka_run_group_tests_name("byte_cursor", tests, NULL, NULL);
}
