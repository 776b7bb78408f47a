/* test_simd.c — the AVX2 copies of the elementwise kernels give the bits of
 * the baseline ones.
 *
 * core/simd.h compiles softmax, LayerNorm, add, scale, ReLU and GELU twice,
 * once for the build's baseline (SSE2) and once for AVX2, and picks one at
 * run time. Whichever runs, every value must be the same to the bit: a
 * trace made on one machine is the trace made on another, and the lessons'
 * checked claims do not depend on the CPU. Each kernel is run at both
 * levels on awkward lengths (every tail of an 8-lane loop, and long rows)
 * and awkward values (NaN, ±∞, denormals, −0, rows masked whole), then
 * whole forward passes of models that take every kernel are compared slot
 * by slot. A copy that reassociated a sum or fused a multiply-add would
 * move the last bits of some value and fail here.
 *
 * On a CPU without AVX2 there is only one copy to run: the comparisons are
 * skipped, and the test that the choice falls back still runs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/tiny_model.h"
#include "core/ops.h"
#include "core/rng.h"
#include "core/simd.h"

enum { LONGEST = 2048 + 13 };

/* Values from the whole float range and its odd corners, seeded: mostly
 * ordinary values around ±4 (scores, activations), with a sprinkle of
 * large ones, denormals, zeros of both signs, infinities and NaN. */
static void awkward_values(float *x, size_t n, uint64_t seed, int specials)
{
    Rng r;
    rng_seed(&r, seed, 0);
    for (size_t i = 0; i < n; i++) {
        const double u = rng_uniform(&r);
        float v = (float)(8.0 * rng_uniform(&r) - 4.0);
        if (specials && u < 0.02)
            v = NAN;
        else if (specials && u < 0.04)
            v = i % 2 ? INFINITY : -INFINITY;
        else if (u < 0.06)
            v = (float)(1e-40 * (rng_uniform(&r) - 0.5));  /* denormal */
        else if (u < 0.08)
            v = i % 2 ? 0.0f : -0.0f;
        else if (u < 0.10)
            v *= 1e6f;
        x[i] = v;
    }
}

/* The first entry where a (baseline) and b (AVX2) differ in their bits. */
static void assert_same_floats(const float *a, const float *b, size_t n, const char *what, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t ba, bb;
        memcpy(&ba, &a[i], sizeof ba);
        memcpy(&bb, &b[i], sizeof bb);
        if (ba != bb)
            fail_msg("%s, length %zu, entry %zu: %.9g (0x%08x) baseline, %.9g (0x%08x) AVX2", what, len, i,
                     (double)a[i], (unsigned)ba, (double)b[i], (unsigned)bb);
    }
}

/* Skips the test where there is no AVX2 copy to compare. */
static void need_avx2(void)
{
    if (simd_force(SIMD_AVX2) != SIMD_AVX2) {
        print_message("no AVX2 on this CPU: one copy of each kernel, nothing to compare\n");
        skip();
    }
}

typedef struct {
    float x[LONGEST], y[LONGEST], gamma[LONGEST], beta[LONGEST];
    float base[LONGEST], wide[LONGEST];
} Buffers;

typedef enum { K_ADD, K_SCALE, K_RELU, K_GELU, K_COUNT } Elementwise;

static const char *const elementwise_name[K_COUNT] = {"add_forward", "scale_forward", "relu_forward",
                                                      "gelu_forward"};

static void run_elementwise(Elementwise k, float *out, const Buffers *b, size_t n)
{
    switch (k) {
    case K_ADD: add_forward(out, b->x, b->y, n); break;
    case K_SCALE: scale_forward(out, b->x, 0.125f, n); break;
    case K_RELU: relu_forward(out, b->x, n); break;
    case K_GELU: gelu_forward(out, b->x, n); break;
    case K_COUNT: break;
    }
}

/* Every elementwise kernel at both levels, on lengths 0 … 70 and a few
 * long ones. */
static void test_elementwise_kernels(void **state)
{
    (void)state;
    need_avx2();
    Buffers *b = malloc(sizeof *b);
    assert_non_null(b);
    const size_t lengths[] = {512, 1000, 2048, LONGEST};
    for (size_t t = 0; t < 71 + sizeof lengths / sizeof *lengths; t++) {
        const size_t n = t < 71 ? t : lengths[t - 71];
        awkward_values(b->x, n, 1000 + t, 1);
        awkward_values(b->y, n, 2000 + t, 1);
        for (Elementwise k = 0; k < K_COUNT; k++) {
            simd_force(SIMD_BASELINE);
            run_elementwise(k, b->base, b, n);
            simd_force(SIMD_AVX2);
            run_elementwise(k, b->wide, b, n);
            assert_same_floats(b->base, b->wide, n, elementwise_name[k], n);
        }
    }
    free(b);
}

/* Softmax rows of every width 1 … 70 and long ones (a vocabulary), with
 * masked keys (−∞), rows masked whole, and rows holding a NaN or +∞. */
static void test_softmax_rows(void **state)
{
    (void)state;
    need_avx2();
    Buffers *b = malloc(sizeof *b);
    assert_non_null(b);
    const int widths[] = {500, 513, 2048};
    for (int t = 0; t < 70 + 3; t++) {
        const int cols = t < 70 ? t + 1 : widths[t - 70];
        const int rows = LONGEST / cols < 6 ? LONGEST / cols : 6;
        const size_t n = (size_t)rows * cols;
        awkward_values(b->x, n, 3000 + (uint64_t)t, 0);
        for (int c = 0; c < cols; c++) {
            b->x[c] *= 10.0f;                                  /* row 0: wide scores */
            if (rows > 1)
                b->x[cols + c] = c > cols / 2 ? -INFINITY : b->x[cols + c];  /* row 1: a causal mask */
            if (rows > 2)
                b->x[2 * cols + c] = -INFINITY;                /* row 2: masked whole */
        }
        if (rows > 3)
            b->x[3 * cols + cols / 2] = NAN;
        if (rows > 4)
            b->x[4 * cols] = INFINITY;
        simd_force(SIMD_BASELINE);
        softmax_forward(b->base, b->x, rows, cols);
        simd_force(SIMD_AVX2);
        softmax_forward(b->wide, b->x, rows, cols);
        assert_same_floats(b->base, b->wide, n, "softmax_forward", (size_t)cols);
    }
    free(b);
}

/* LayerNorm rows of every width 1 … 70 and long ones, with and without
 * the affine vectors, rows of one large mean with a small spread (where a
 * careless sum cancels), and the row statistics backward passes use. */
static void test_layernorm_rows(void **state)
{
    (void)state;
    need_avx2();
    Buffers *b = malloc(sizeof *b);
    assert_non_null(b);
    const int widths[] = {512, 1000, 2048};
    for (int t = 0; t < 70 + 3; t++) {
        const int d = t < 70 ? t + 1 : widths[t - 70];
        const int rows = LONGEST / d < 4 ? LONGEST / d : 4;
        const size_t n = (size_t)rows * d;
        awkward_values(b->x, n, 4000 + (uint64_t)t, 0);
        awkward_values(b->gamma, (size_t)d, 5000 + (uint64_t)t, 0);
        awkward_values(b->beta, (size_t)d, 6000 + (uint64_t)t, 0);
        for (int c = 0; c < d && rows > 1; c++)
            b->x[d + c] = 1000.0f + 0.01f * b->x[d + c];
        for (int affine = 0; affine < 2; affine++) {
            const float *gamma = affine ? b->gamma : NULL, *beta = affine ? b->beta : NULL;
            simd_force(SIMD_BASELINE);
            layernorm_forward(b->base, b->x, gamma, beta, rows, d, 1e-5f);
            simd_force(SIMD_AVX2);
            layernorm_forward(b->wide, b->x, gamma, beta, rows, d, 1e-5f);
            assert_same_floats(b->base, b->wide, n, affine ? "layernorm_forward" : "layernorm_forward, no affine",
                               (size_t)d);
        }
        for (int i = 0; i < rows; i++) {
            double mean[2], rstd[2];
            simd_force(SIMD_BASELINE);
            layernorm_row_stats(b->x + (size_t)i * d, d, 1e-5f, &mean[0], &rstd[0]);
            simd_force(SIMD_AVX2);
            layernorm_row_stats(b->x + (size_t)i * d, d, 1e-5f, &mean[1], &rstd[1]);
            if (memcmp(&mean[0], &mean[1], sizeof mean[0]) || memcmp(&rstd[0], &rstd[1], sizeof rstd[0]))
                fail_msg("layernorm_row_stats, length %d, row %d: mean %.17g, rstd %.17g baseline; "
                         "%.17g, %.17g AVX2", d, i, mean[0], rstd[0], mean[1], rstd[1]);
        }
    }
    free(b);
}

/* Whole forward passes at both levels, every record bit for bit. */
static void check_model(const Config *c)
{
    TinyRun *base = malloc(sizeof *base), *wide = malloc(sizeof *wide);
    assert_non_null(base);
    assert_non_null(wide);
    memset(base, 0, sizeof *base);
    memset(wide, 0, sizeof *wide);
    base->cfg = *c;
    wide->cfg = *c;
    simd_force(SIMD_BASELINE);
    tiny_run_forward(base, "baseline");
    simd_force(SIMD_AVX2);
    tiny_run_forward(wide, "AVX2");
    tiny_assert_same_bits(base, wide, "baseline", "AVX2");
    tiny_run_free(base);
    tiny_run_free(wide);
    free(base);
    free(wide);
}

/* d_model 72 and d_ff 200: rows whose lengths leave tails in every loop. */
static void sentences(Config *c)
{
    c->max_len = 32;
    tiny_add_src(c, "猫 追 老鼠 我 爱 AI 猫 追 老鼠");
    tiny_add_src(c, "我 爱 AI");
    tiny_add_tgt(c, "<START> cat chases mouse I love cat chases");
    tiny_add_tgt(c, "<START> I love");
}

static void test_forward_relu_post_ln(void **state)
{
    (void)state;
    need_avx2();
    static Config c;
    tiny_config(&c, 72, 4, 200);
    sentences(&c);
    check_model(&c);
}

static void test_forward_gelu_pre_ln_rope(void **state)
{
    (void)state;
    need_avx2();
    static Config c;
    tiny_config(&c, 72, 4, 200);
    sentences(&c);
    c.activation = ACT_GELU;
    c.norm = NORM_PRE;
    c.positions = POS_ROPE;
    check_model(&c);
}

/* The base width: rows of 512 and 2048, heads of 64. */
static void test_forward_base_width(void **state)
{
    (void)state;
    need_avx2();
    static Config c;
    tiny_config(&c, 512, 8, 2048);
    sentences(&c);
    check_model(&c);
}

/* Forcing the baseline always holds; asking for AVX2 gives it exactly
 * where the CPU has it, and the level stays as forced. */
static void test_choice(void **state)
{
    (void)state;
    assert_int_equal(simd_force(SIMD_BASELINE), SIMD_BASELINE);
    assert_int_equal(simd_level(), SIMD_BASELINE);
    const SimdLevel best = simd_force(SIMD_AVX2);
    assert_int_equal(simd_level(), best);
#if SIMD_HAVE_AVX2
    assert_int_equal(best == SIMD_AVX2, __builtin_cpu_supports("avx2") != 0);
#else
    assert_int_equal(best, SIMD_BASELINE);
#endif
    assert_string_equal(simd_level_name(SIMD_AVX2), "AVX2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_elementwise_kernels),
        cmocka_unit_test(test_softmax_rows),
        cmocka_unit_test(test_layernorm_rows),
        cmocka_unit_test(test_forward_relu_post_ln),
        cmocka_unit_test(test_forward_gelu_pre_ln_rope),
        cmocka_unit_test(test_forward_base_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
