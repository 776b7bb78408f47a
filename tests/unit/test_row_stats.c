/* test_row_stats.c — entropy and mean distance of attention rows
 * (core/row_stats.h): the values, positions, and the one rule for values
 * that are not finite, the same through the float and double entry points. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/row_stats.h"

/* Both entry points on the same row must agree exactly: one rule. */
static RowStats both(const float *p, size_t n, double q, double k)
{
    double d[16];
    assert_true(n <= 16);
    for (size_t j = 0; j < n; j++)
        d[j] = p[j];
    RowStats f, g;
    row_stats_float(p, n, q, k, &f);
    row_stats_double(d, n, q, k, &g);
    if (isnan(f.entropy_bits))
        assert_true(isnan(g.entropy_bits));
    else
        assert_true(f.entropy_bits == g.entropy_bits);
    if (isnan(f.distance))
        assert_true(isnan(g.distance));
    else
        assert_true(f.distance == g.distance);
    assert_int_equal(f.skipped, g.skipped);
    return f;
}

static void test_entropy(void **state)
{
    (void)state;
    const float uniform[4] = {0.25f, 0.25f, 0.25f, 0.25f};
    assert_float_equal(both(uniform, 4, 0, 0).entropy_bits, 2.0, 1e-12);
    const float onehot[3] = {0, 1, 0};
    assert_float_equal(both(onehot, 3, 0, 0).entropy_bits, 0.0, 0);
    const float half[2] = {0.5f, 0.5f};
    assert_float_equal(both(half, 2, 0, 0).entropy_bits, 1.0, 1e-12);
    /* values <= 0 add nothing to the entropy but their share of distance */
    const float neg[3] = {-0.5f, 0.5f, 0.5f};
    RowStats s = both(neg, 3, 0, 0);
    assert_float_equal(s.entropy_bits, 1.0, 1e-12);
    assert_float_equal(s.distance, 1.5, 1e-12);
}

static void test_distance_in_positions(void **state)
{
    (void)state;
    const float w[4] = {0.125f, 0.375f, 0.25f, 0.25f};
    /* a generation step with the KV cache: the query at 3, keys at 0..3 */
    assert_float_equal(both(w, 4, 3, 0).distance, 0.375 + 0.75 + 0.25, 1e-12);
    /* the same row read as if its query sat at 0 */
    assert_float_equal(both(w, 4, 0, 0).distance, 0.375 + 0.5 + 0.75, 1e-12);
    /* keys that start later: |key_pos + j - query_pos| */
    assert_float_equal(both(w, 4, 0, 2).distance, 0.25 + 0.375 * 3 + 0.25 * 4 + 0.25 * 5, 1e-12);
    const float self[3] = {0, 0, 1};
    assert_float_equal(both(self, 3, 2, 0).distance, 0.0, 0);
}

static void test_not_finite(void **state)
{
    (void)state;
    /* NaN and ±inf are left out of both sums and counted */
    const float pad[4] = {0.5f, 0.5f, NAN, NAN};
    RowStats s = both(pad, 4, 1, 0);
    assert_float_equal(s.entropy_bits, 1.0, 1e-12);
    assert_float_equal(s.distance, 0.5, 1e-12);
    assert_int_equal(s.skipped, 2);
    const float inf[3] = {INFINITY, 1.0f, -INFINITY};
    s = both(inf, 3, 0, 0);
    assert_float_equal(s.entropy_bits, 0.0, 0);
    assert_float_equal(s.distance, 1.0, 0);
    assert_int_equal(s.skipped, 2);
    /* a row with nothing finite has no entropy and no distance */
    const float none[2] = {NAN, INFINITY};
    s = both(none, 2, 0, 0);
    assert_true(isnan(s.entropy_bits) && isnan(s.distance));
    assert_int_equal(s.skipped, 2);
    s = both(none, 0, 0, 0);
    assert_true(isnan(s.entropy_bits) && isnan(s.distance));
}

static void test_page(void **state)
{
    (void)state;
    /* rows = queries at 5 and 6, keys at 4..6 */
    const float m[2 * 3] = {0, 1, 0,   /* looks at itself: 0 */
                            1, 0, 0};  /* looks 2 back */
    RowStats s;
    row_stats_page(m, 2, 3, 5, 4, &s);
    assert_float_equal(s.distance, 1.0, 1e-12);
    assert_float_equal(s.entropy_bits, 0.0, 0);
    assert_int_equal(s.skipped, 0);
    const float nan_row[2 * 2] = {0.5f, 0.5f, NAN, NAN};
    row_stats_page(nan_row, 2, 2, 0, 0, &s);
    assert_true(isnan(s.entropy_bits));  /* a row without a finite value shows */
    assert_int_equal(s.skipped, 2);
    row_stats_page(m, 0, 3, 0, 0, &s);
    assert_true(isnan(s.entropy_bits) && isnan(s.distance));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entropy),
        cmocka_unit_test(test_distance_in_positions),
        cmocka_unit_test(test_not_finite),
        cmocka_unit_test(test_page),
    };
    return cmocka_run_group_tests_name("row_stats", tests, NULL, NULL);
}
