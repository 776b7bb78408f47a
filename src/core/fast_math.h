/* fast_math.h — e^x and erfc without libm, in a form the compiler can
 * vectorise: softmax calls exp once per score and GELU erfc once per
 * value, and libm's expf and erfc, a call per value, were most of their
 * time.
 *
 * Header-only and always inlined (SIMD_BODY), so that the kernels' loops
 * take them in, each copy of a kernel for its own vector width (core/simd.h),
 * and tests/unit/test_fast_math.c can hold them against libm directly. */
#ifndef TF_CORE_FAST_MATH_H
#define TF_CORE_FAST_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/simd.h"

/* e^x, for every float x: +0.0 for x = −∞ and wherever e^x rounds to 0,
 * +∞ where it overflows, NaN for NaN, denormals where they belong.
 *
 * Cephes' expf, without its branches: x = n·ln 2 + r with n an integer and
 * |r| ≤ ln 2 / 2 (ln 2 split in two so n·ln 2 is subtracted almost
 * exactly), e^r by a degree-7 polynomial, then 2^n put in the exponent
 * bits. 2^n is applied as two factors 2^(n/2)·2^(n − n/2), each a normal
 * float, so that a result in the denormal range is rounded once.
 *
 * Accuracy, measured on every float from −110 to 89 against exp() in
 * double (tests/unit/test_fast_math.c checks a sweep of it): at most
 * 8.4e-8 relative (1.4 units in the last place of float) in the normal
 * range; in the denormal range within one denormal step of the correctly
 * rounded value. libm's expf is within 0.5 ulp; softmax's weights gain at
 * most about one ulp from the difference, far inside the 1e-5 of parity.
 *
 * The selects are written as ?: on values both computed, which gcc turns
 * into vector blends when the file is built with -fno-trapping-math (the
 * Makefile's KERNEL_CFLAGS); the values do not depend on that flag. */
static SIMD_BODY float fast_exp(float x)
{
    /* Below −104, e^x < 2^−150, half the smallest denormal: it rounds to 0.
     * Above 88.75 it overflows. Clamping first keeps n in range; the last
     * two selects give 0 and +∞ (a NaN compares false and stays NaN). */
    const float lo = -104.0f, hi = 88.75f;
    float xc = x < lo ? lo : x;
    xc = xc > hi ? hi : xc;

    /* n = round(x / ln 2): adding 1.5·2^23 rounds to an integer in the low
     * bits of the mantissa (round to nearest), without a call to rintf. */
    const float shifter = 12582912.0f;
    float t = xc * 1.44269504088896341f + shifter;
    float n = t - shifter;
    uint32_t tbits;
    memcpy(&tbits, &t, sizeof tbits);
    int32_t ni = (int32_t)(tbits - 0x4B400000u);   /* n as an integer, −150..128 */

    /* r = x − n·ln 2, with ln 2 = 0.693359375 (exact in 9 bits, so n times
     * it is exact) − 2.12194440e-4. */
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;

    /* e^r = 1 + r + r²·P(r), Cephes' coefficients. */
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;

    int32_t n1 = ni / 2, n2 = ni - n1;             /* each −75..64 */
    uint32_t b1 = (uint32_t)(n1 + 127) << 23, b2 = (uint32_t)(n2 + 127) << 23;
    float s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    float y = p * s1 * s2;

    y = x < lo ? 0.0f : y;
    y = x > hi ? INFINITY : y;
    return y;
}

/* e^a in double, for GELU's erfc: the same reduction as fast_exp, a
 * degree-12 Taylor polynomial on |r| ≤ ln 2 / 2 (its remainder is below
 * 1e-14), a clamped to ±700 so 2^n stays a normal double (e^−700 is 0
 * once GELU rounds to float). Within 4e-16 relative of exp() (measured
 * in steps of 0.001 over −700..700). */
static SIMD_BODY double fast_exp_double(double a)
{
    a = a < -700.0 ? -700.0 : a;
    a = a > 700.0 ? 700.0 : a;
    const double shifter = 6755399441055744.0;   /* 1.5·2^52 */
    double t = a * 1.4426950408889634 + shifter;
    double n = t - shifter;
    uint64_t tbits;
    memcpy(&tbits, &t, sizeof tbits);
    int64_t ni = (int64_t)(tbits - 0x4338000000000000u);   /* −1010..1010 */
    double r = a - n * 6.93147180369123816490e-01;          /* ln 2, high bits */
    r = r - n * 1.90821492927058770002e-10;                 /* and the rest */
    double p = 1.0 / 479001600.0;   /* 1/12! */
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits = (uint64_t)(ni + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* erfc(t) for t ≥ 0 (NaN for NaN): the Chebyshev fit of Numerical
 * Recipes' erfcc, erfc(t) = k·exp(−t² + Q(k)) with k = 1/(1 + t/2), in
 * double. Its fractional error is below 1.2e-7 for every t ≥ 0 (measured:
 * 1.07e-7 against erfc() in steps of 1e-4 over 0..26); the tail keeps its
 * relative accuracy where 1 − erf(t) would cancel to 0. */
static SIMD_BODY double fast_erfc_nonnegative(double t)
{
    const double k = 1.0 / (1.0 + 0.5 * t);
    double q = 0.17087277;
    q = q * k - 0.82215223;
    q = q * k + 1.48851587;
    q = q * k - 1.13520398;
    q = q * k + 0.27886807;
    q = q * k - 0.18628806;
    q = q * k + 0.09678418;
    q = q * k + 0.37409196;
    q = q * k + 1.00002368;
    q = q * k - 1.26551223;
    return k * fast_exp_double(-t * t + q);
}

#endif
