/* test_fast_math.c — core/fast_math.h against libm: the accuracy its
 * comments promise over sweeps, and the special values softmax relies on
 * (exp(−∞) = +0 exactly for masked keys, NaN stays NaN). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/fast_math.h"

/* The next float up in bit order, for a sweep that skips `stride` floats
 * at a time but visits every binade. */
static float float_step(float x, uint32_t stride)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    /* negative floats grow toward zero as their bits shrink */
    b = (b & 0x80000000u) ? (b >= 0x80000000u + stride ? b - stride : 0u) : b + stride;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* Every 61st float from −110 to 89 (about 36 million values): normal
 * results within 1e-7 relative of exp() in double (the comment measures
 * 8.4e-8 over every float), denormal results within 1.5 steps of 2^−149,
 * overflow exactly where expf overflows. */
static void test_fast_exp_sweep(void **state)
{
    (void)state;
    const double denorm_step = 0x1p-149;
    double max_rel = 0.0, max_ulp_expf = 0.0;
    float worst = 0.0f;
    long checked = 0;
    for (float x = -110.0f; x <= 89.0f; x = float_step(x, 61)) {
        const float got = fast_exp(x);
        const double want = exp((double)x);
        const float libm = expf(x);
        checked++;
        if (isinf(libm)) {
            if (!(isinf(got) && got > 0))
                fail_msg("fast_exp(%.9g) = %g, want +inf as expf gives", (double)x, (double)got);
            continue;
        }
        if (want < FLT_MIN) {
            if (fabs((double)got - want) > 1.5 * denorm_step || signbit(got))
                fail_msg("fast_exp(%.9g) = %a, want %a (denormal range, within 1.5 steps)",
                         (double)x, (double)got, want);
            continue;
        }
        const double rel = fabs((double)got - want) / want;
        if (rel > max_rel) {
            max_rel = rel;
            worst = x;
        }
        const double ulp = fabs((double)got - (double)libm) / (nextafterf(libm, INFINITY) - libm);
        if (ulp > max_ulp_expf)
            max_ulp_expf = ulp;
    }
    printf("fast_exp: %ld values, max relative error %.3g at x = %.9g, max %.1f ulp from expf\n",
           checked, max_rel, (double)worst, max_ulp_expf);
    if (max_rel > 1e-7)
        fail_msg("fast_exp: relative error %.3g at x = %.9g, want <= 1e-7", max_rel, (double)worst);
    if (max_ulp_expf > 2.0)
        fail_msg("fast_exp: %.1f ulp from expf, want <= 2", max_ulp_expf);
}

/* The values softmax depends on, exactly. */
static void test_fast_exp_special_values(void **state)
{
    (void)state;
    /* −∞ and anything whose e^x rounds to 0: +0.0, not −0 nor a denormal */
    const float zeros[] = {-INFINITY, -1e30f, -1000.0f, -104.5f, -104.0f, -FLT_MAX};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        const float y = fast_exp(zeros[i]);
        if (y != 0.0f || signbit(y))
            fail_msg("fast_exp(%g) = %a, want +0", (double)zeros[i], (double)y);
    }
    /* the largest term of a softmax row: e^0 = 1 exactly, also for −0 */
    assert_true(fast_exp(0.0f) == 1.0f);
    assert_true(fast_exp(-0.0f) == 1.0f);
    /* the smallest denormal and the edge of the normal range */
    assert_true(fast_exp(-103.0f) == expf(-103.0f));
    assert_true(fabsf(fast_exp(-87.0f) - expf(-87.0f)) <= 2 * FLT_EPSILON * expf(-87.0f));
    /* overflow and large values */
    assert_true(isinf(fast_exp(89.0f)) && fast_exp(89.0f) > 0);
    assert_true(isinf(fast_exp(1e30f)));
    assert_true(isinf(fast_exp(INFINITY)));
    assert_true(isfinite(fast_exp(88.7f)));
    assert_true(fabs(fast_exp(88.7f) - exp((double)88.7f)) <= 1e-7 * exp((double)88.7f));
    /* NaN stays NaN: a NaN score must poison its softmax row */
    assert_true(isnan(fast_exp(NAN)));
    assert_true(isnan(fast_exp(-NAN)));
}

/* GELU's erfc: within 1.2e-7 relative of erfc() in double for every
 * t >= 0 its comment covers, the tail included (erfc(26) is 6e-296), and
 * the exp under it within 1e-15. */
static void test_fast_erfc_sweep(void **state)
{
    (void)state;
    double max_rel = 0.0, worst = 0.0;
    for (int i = 0; i <= 260000; i++) {
        const double t = i * 1e-4, want = erfc(t);
        const double rel = fabs(fast_erfc_nonnegative(t) - want) / want;
        if (rel > max_rel)
            max_rel = rel, worst = t;
    }
    printf("fast_erfc_nonnegative: max relative error %.3g at t = %g\n", max_rel, worst);
    if (max_rel > 1.2e-7)
        fail_msg("fast_erfc_nonnegative: relative error %.3g at t = %g, want <= 1.2e-7", max_rel, worst);
    assert_true(fast_erfc_nonnegative(0.0) > 0.9999998 && fast_erfc_nonnegative(0.0) < 1.0000002);
    assert_true(fast_erfc_nonnegative(INFINITY) == 0.0);
    assert_true(isnan(fast_erfc_nonnegative(NAN)));

    double max_exp = 0.0;
    for (int i = -700000; i <= 700000; i += 7)
        max_exp = fmax(max_exp, fabs(fast_exp_double(i * 1e-3) - exp(i * 1e-3)) / exp(i * 1e-3));
    if (max_exp > 1e-15)
        fail_msg("fast_exp_double: relative error %.3g, want <= 1e-15", max_exp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_exp_sweep),
        cmocka_unit_test(test_fast_exp_special_values),
        cmocka_unit_test(test_fast_erfc_sweep),
    };
    return cmocka_run_group_tests_name("fast_math", tests, NULL, NULL);
}
