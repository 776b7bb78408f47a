/* test_crc.c — the CRC-32 of the binary files: known values, appending
 * equals one pass, and chunked equals one-shot for every chunk size, so a
 * span longer than zlib's 32-bit length (4 GiB and more, in chunks of
 * CRC_MAX_CHUNK) is checked whole rather than cut to its low 32 bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
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
}

static unsigned char buf[1000];

static void fill(void)
{
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 131 + (i >> 3));
}

/* Every chunk size from 1 to past the buffer gives zlib's one-call value,
 * for every length: each byte goes in once, in order. */
static void test_chunked_equals_one_shot(void **state)
{
    (void)state;
    fill();
    size_t lengths[] = {0, 1, 2, 7, 63, 64, 65, 999, 1000};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        size_t n = lengths[li];
        uint32_t want = (uint32_t)crc32(0, buf, (uInt)n);
        for (size_t chunk = 1; chunk <= 1001; chunk += chunk < 16 ? 1 : 37) {
            uint32_t got = crc_update_chunked(0, buf, n, chunk);
            if (got != want)
                fail_msg("length %zu in chunks of %zu: %08x, zlib says %08x", n, chunk, got, want);
        }
        assert_int_equal(crc_update(0, buf, n), want);
    }
}

/* Appending: the CRC of a then b continues from the CRC of a. */
static void test_append(void **state)
{
    (void)state;
    fill();
    uint32_t whole = crc_update(0, buf, sizeof buf);
    for (size_t cut = 0; cut <= sizeof buf; cut += 111)
        assert_int_equal(crc_update(crc_update(0, buf, cut), buf + cut, sizeof buf - cut), whole);
    assert_int_equal(crc_update_chunked(crc_update_chunked(0, buf, 500, 3), buf + 500, 500, 7), whole);
}

/* Chunk sizes outside 1..CRC_MAX_CHUNK mean the largest; the largest fits
 * zlib's uInt; lengths are not cut to 32 bits on the way (size_t). */
static void test_limits(void **state)
{
    (void)state;
    fill();
    uint32_t want = (uint32_t)crc32(0, buf, sizeof buf);
    assert_int_equal(crc_update_chunked(0, buf, sizeof buf, 0), want);
    assert_int_equal(crc_update_chunked(0, buf, sizeof buf, SIZE_MAX), want);
    assert_true(CRC_MAX_CHUNK <= UINT_MAX);
    assert_true(sizeof(size_t) >= sizeof(uint64_t) || SIZE_MAX <= UINT_MAX);
}

/* A span of 4 GiB + 5 bytes seen through a small chunk size: scaled down,
 * the same arithmetic as the real one (reading 4 GiB of zero pages takes
 * half a minute, too long for the unit suite). With the chunk as "4 GiB" stand-in
 * the span is 2 chunks and 5 bytes, and all of them count: the value
 * differs from that of the 5 bytes a 32-bit cut would have kept. */
static void test_span_past_the_chunk(void **state)
{
    (void)state;
    fill();
    const size_t chunk = 64, n = 2 * chunk + 5;
    uint32_t got = crc_update_chunked(0, buf, n, chunk);
    assert_int_equal(got, (uint32_t)crc32(0, buf, (uInt)n));
    assert_int_not_equal(got, (uint32_t)crc32(0, buf, (uInt)(n % chunk)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_chunked_equals_one_shot),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_span_past_the_chunk),
    };
    return cmocka_run_group_tests_name("crc", tests, NULL, NULL);
}
