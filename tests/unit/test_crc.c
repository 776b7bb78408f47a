/* test_crc.c — the CRC-32 of the binary files: the check value, zlib's
 * crc32 (the independent reference) for every length and alignment of a
 * buffer, and appending equals one pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <zlib.h>

#include "io/crc.h"

/* The check value of CRC-32 (gzip, PNG, zlib) for "123456789". */
static void test_check_value(void **state)
{
    (void)state;
    assert_int_equal(crc_update(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(crc_update(0, "", 0), 0);
    assert_int_equal(crc_update(0x12345678u, "", 0), 0x12345678u);  /* nothing appended, nothing changed */
    assert_int_equal(crc_update(0x12345678u, NULL, 0), 0x12345678u);
}

static unsigned char buf[70000];

static void fill(void)
{
    uint32_t x = 2463534242u;  /* xorshift32: bytes with no pattern a folding step could hide */
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)x;
    }
}

/* Every length up to 300 and a spread of longer ones, at offsets 0..15 (a
 * fast CRC takes the unaligned head, the folded body and the tail apart):
 * zlib's value each time. */
static void test_equals_zlib(void **state)
{
    (void)state;
    fill();
    for (size_t off = 0; off < 16; off++)
        for (size_t n = 0; off + n <= sizeof buf; n += n < 300 ? 1 : 4093) {
            uint32_t want = (uint32_t)crc32(0, buf + off, (uInt)n);
            uint32_t got = crc_update(0, buf + off, n);
            if (got != want)
                fail_msg("offset %zu, length %zu: %08x, zlib says %08x", off, n, got, want);
        }
}

static void test_append(void **state)
{
    (void)state;
    fill();
    uint32_t whole = crc_update(0, buf, sizeof buf);
    for (size_t cut = 0; cut <= sizeof buf; cut += cut < 100 ? 1 : 997)
        assert_int_equal(crc_update(crc_update(0, buf, cut), buf + cut, sizeof buf - cut), whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_equals_zlib),
        cmocka_unit_test(test_append),
    };
    return cmocka_run_group_tests_name("crc", tests, NULL, NULL);
}
