/* fast_math.h — e^x in float without libm, in a form the compiler can
 * vectorise: softmax calls it once per score, and libm's expf, a call per
 * value, was most of softmax's time.
 *
 * Header-only (static inline) so that the kernel's loop inlines it and
 * tests/unit/test_fast_math.c can hold it against libm directly. */
#ifndef TF_CORE_FAST_MATH_H
#define TF_CORE_FAST_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

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
static inline float fast_exp(float x)
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

#endif
