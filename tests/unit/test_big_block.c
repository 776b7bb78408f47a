/* test_big_block.c — big_block_alloc gives zeroed, writable floats below
 * and above the size where it maps instead of calling calloc, and refuses
 * a size whose bytes overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/big_block.h"

/* Every float of a fresh block reads 0; each can be written and read back. */
static void check_block(size_t numel)
{
    float *p = big_block_alloc(numel);
    assert_non_null(p);
    for (size_t i = 0; i < numel; i++)
        if (p[i] != 0.0f)
            fail_msg("block of %zu floats: element %zu is %g, not 0", numel, i, p[i]);
    for (size_t i = 0; i < numel; i++)
        p[i] = (float)(i % 1024);
    for (size_t i = 0; i < numel; i += 4093)
        assert_true(p[i] == (float)(i % 1024));
    big_block_free(p, numel);
}

static void test_big_block_zeroed_at_every_size(void **state)
{
    (void)state;
    check_block(0);                        /* one float, like calloc(1, ...) */
    check_block(1);
    check_block(1000);                     /* calloc'd */
    check_block(((size_t)8 << 20) / 4 - 1);  /* just under the mapped size */
    check_block(((size_t)8 << 20) / 4);      /* mapped */
    check_block(((size_t)40 << 20) / 4 + 3); /* mapped, not a whole number of pages */
    big_block_free(NULL, 12345);           /* ignored */
}

static void test_big_block_refuses_overflow(void **state)
{
    (void)state;
    assert_null(big_block_alloc(SIZE_MAX / 2));
    assert_null(big_block_alloc(SIZE_MAX / sizeof(float) + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_big_block_zeroed_at_every_size),
        cmocka_unit_test(test_big_block_refuses_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
