/* test_ops.c — the math of src/core/ops.h against plain double-precision
 * references and against the properties the lessons teach: attention
 * weights sum to 1, masked keys get exactly 0, LayerNorm rows have mean 0
 * and variance 1.
 *
 * Inputs come from the project's own PCG32 (core/rng.h) with fixed seeds, so
 * every run checks the same numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ops.h"
#include "core/rng.h"
#include "../support/compare.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- helpers */

static float *alloc_floats(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    assert_non_null(p);
    return p;
}

static void fill_uniform(Rng *r, float *x, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = rng_range(r, lo, hi);
}

/* Naive references in double, written independently of src/core: every
 * product of two floats is exact in double, so these are the float nearest
 * the true answer for the sizes used here. */
static void linear_double(float *out, const float *a, const float *w, const float *bias,
                          int n, int k, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int p = 0; p < k; p++)
                s += (double)a[(size_t)i * k + p] * (double)w[(size_t)j * k + p];
            if (bias)
                s += bias[j];
            out[(size_t)i * m + j] = (float)s;
        }
}

static void matmul_double(float *out, const float *a, const float *b, int n, int k, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int p = 0; p < k; p++)
                s += (double)a[(size_t)i * k + p] * (double)b[(size_t)p * m + j];
            out[(size_t)i * m + j] = (float)s;
        }
}

static void softmax_double(float *out, const float *x, int cols)
{
    double max = -INFINITY;
    for (int c = 0; c < cols; c++)
        max = x[c] > max ? x[c] : max;
    if (max == -INFINITY) {
        for (int c = 0; c < cols; c++)
            out[c] = 0.0f;
        return;
    }
    double sum = 0.0;
    for (int c = 0; c < cols; c++)
        sum += exp((double)x[c] - max);
    for (int c = 0; c < cols; c++)
        out[c] = (float)(exp((double)x[c] - max) / sum);
}

static void layernorm_double(float *out, const float *x, const float *gamma,
                             const float *beta, int n, int d, double eps)
{
    for (int i = 0; i < n; i++) {
        const float *row = x + (size_t)i * d;
        double mean = 0.0, var = 0.0;
        for (int c = 0; c < d; c++)
            mean += row[c];
        mean /= d;
        for (int c = 0; c < d; c++)
            var += ((double)row[c] - mean) * ((double)row[c] - mean);
        var /= d;
        for (int c = 0; c < d; c++)
            out[(size_t)i * d + c] =
                (float)(((double)row[c] - mean) / sqrt(var + eps) * gamma[c] + beta[c]);
    }
}

/* Run fn with stderr sent to /dev/null: for tests that make compare_floats
 * report a mismatch on purpose. */
static int quietly(int (*fn)(void))
{
    fflush(stderr);
    int saved = dup(2);
    int null = open("/dev/null", O_WRONLY);
    assert_true(saved >= 0 && null >= 0);
    dup2(null, 2);
    close(null);
    int rc = fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return rc;
}

/* ------------------------------------------------- the comparison helper */

/* The checks below are only as good as compare_floats; make sure it can fail. */
static int compare_one_off(void)
{
    const float want[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    const float got[4] = {1.0f, 2.0f, 3.0f + 2e-6f, 4.0f};
    return compare_floats("one value off by 2e-6", got, want, 4, 1e-6f, 0.0f);
}

static int compare_nan_vs_number(void)
{
    const float want[2] = {0.0f, 1.0f};
    const float got[2] = {0.0f, NAN};
    return compare_floats("NaN against 1", got, want, 2, 1e30f, 1.0f);
}

static int compare_inf_vs_big(void)
{
    const float want[1] = {3e38f};
    const float got[1] = {INFINITY};
    return compare_floats("inf against 3e38", got, want, 1, 1e38f, 1.0f);
}

static void test_compare_helper_can_fail(void **state)
{
    (void)state;
    assert_int_not_equal(quietly(compare_one_off), 0);
    assert_int_not_equal(quietly(compare_nan_vs_number), 0);
    assert_int_not_equal(quietly(compare_inf_vs_big), 0);

    const float same[3] = {1.0f, NAN, -INFINITY};
    assert_int_equal(compare_floats("identical", same, same, 3, 0.0f, 0.0f), 0);
    const float a[2] = {100.0f, 0.0f}, b[2] = {100.001f, 1e-7f};
    assert_int_equal(compare_floats("within tolerance", a, b, 2, 1e-7f, 1e-5f), 0);
    size_t at;
    assert_true(fabs(compare_max_abs_diff(a, b, 2, &at) - (double)(100.001f - 100.0f)) < 1e-12);
    assert_int_equal(at, 0);
}

/* ------------------------------------------------------ matrix products */

typedef struct {
    const char *name;
    int n, k, m;   /* out (n, m) = a (n, k) · [w (m, k)]ᵀ  or  a (n, k) · b (k, m) */
} ProductCase;

/* Small shapes take the plain loops, larger ones OpenBLAS (see linear.c),
 * so both paths of linear_forward and matmul_forward are checked. */
static const ProductCase product_cases[] = {
    {"1x1 . 1x1", 1, 1, 1},
    {"3x5 . 5x7", 3, 5, 7},
    {"17x33 . 33x17", 17, 33, 17},
    {"33x17 . 17x65", 33, 17, 65},
    {"7x1 . 1x9 (k = 1)", 7, 1, 9},
    {"1x256 . 256x3", 1, 256, 3},
    {"1x512 . 512x1536 (one row: sgemv)", 1, 512, 1536},
    {"64x512 . 512x1536", 64, 512, 1536},
    {"64x512 . 512x2048", 64, 512, 2048},
    {"2x0 . 0x3 (k = 0)", 2, 0, 3},
};

/* Tolerance for the fast path against the double reference, values in
 * [−1, 1]: a float GEMM's rounding errors add up like a random walk, about
 * √k of them, each ≤ ½ ulp of a partial sum of size ~√k/3. atol = 4e-6·√k
 * allows 9e-5 at k = 512, where OpenBLAS is measured at 1.1e-5 to 2.3e-5
 * (depending on the kernel it picks for the CPU) and a single float
 * accumulator at ~3e-5; a wrong index or a missing term is off by ~0.1 or
 * more. */
static float fast_path_atol(int k)
{
    return 4e-6f * sqrtf((float)k);
}

/* The reference loops sum in double and round once, so they must equal the
 * double reference to within 1 ulp (rtol 2^-23); atol only covers results
 * that are zero up to double rounding. */
#define REFERENCE_ATOL 1e-12f
#define REFERENCE_RTOL 0x1p-23f

static void test_linear_forward_matches_double_reference(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 2024, 1);
    for (size_t c = 0; c < ARRAY_LEN(product_cases); c++) {
        const ProductCase *pc = &product_cases[c];
        size_t n = pc->n, k = pc->k, m = pc->m;
        float *a = alloc_floats(n * k), *w = alloc_floats(m * k), *bias = alloc_floats(m);
        float *want = alloc_floats(n * m), *got = alloc_floats(n * m);
        fill_uniform(&rng, a, n * k, -1.0f, 1.0f);
        fill_uniform(&rng, w, m * k, -1.0f, 1.0f);
        fill_uniform(&rng, bias, m, -1.0f, 1.0f);

        for (int with_bias = 0; with_bias <= 1; with_bias++) {
            const float *b = with_bias ? bias : NULL;
            char what[128];
            linear_double(want, a, w, b, pc->n, pc->k, pc->m);

            snprintf(what, sizeof what, "linear_forward_reference %s%s", pc->name,
                     with_bias ? " + bias" : "");
            memset(got, 0xff, n * m * sizeof *got);   /* NaN: unwritten outputs show */
            linear_forward_reference(got, a, w, b, pc->n, pc->k, pc->m);
            assert_int_equal(compare_matrix(what, got, want, n, m, REFERENCE_ATOL,
                                            REFERENCE_RTOL), 0);

            snprintf(what, sizeof what, "linear_forward %s%s", pc->name,
                     with_bias ? " + bias" : "");
            memset(got, 0xff, n * m * sizeof *got);
            linear_forward(got, a, w, b, pc->n, pc->k, pc->m);
            assert_int_equal(compare_matrix(what, got, want, n, m, fast_path_atol(pc->k),
                                            0.0f), 0);
        }
        free(a), free(w), free(bias), free(want), free(got);
    }
}

static void test_matmul_forward_matches_double_reference(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 2025, 2);
    for (size_t c = 0; c < ARRAY_LEN(product_cases); c++) {
        const ProductCase *pc = &product_cases[c];
        size_t n = pc->n, k = pc->k, m = pc->m;
        float *a = alloc_floats(n * k), *b = alloc_floats(k * m);
        float *want = alloc_floats(n * m), *got = alloc_floats(n * m);
        fill_uniform(&rng, a, n * k, -1.0f, 1.0f);
        fill_uniform(&rng, b, k * m, -1.0f, 1.0f);
        matmul_double(want, a, b, pc->n, pc->k, pc->m);
        char what[128];

        snprintf(what, sizeof what, "matmul_forward_reference %s", pc->name);
        memset(got, 0xff, n * m * sizeof *got);
        matmul_forward_reference(got, a, b, pc->n, pc->k, pc->m);
        assert_int_equal(compare_matrix(what, got, want, n, m, REFERENCE_ATOL,
                                        REFERENCE_RTOL), 0);

        snprintf(what, sizeof what, "matmul_forward %s", pc->name);
        memset(got, 0xff, n * m * sizeof *got);
        matmul_forward(got, a, b, pc->n, pc->k, pc->m);
        assert_int_equal(compare_matrix(what, got, want, n, m, fast_path_atol(pc->k), 0.0f),
                         0);
        free(a), free(b), free(want), free(got);
    }
}

/* nn.Linear is x · Wᵀ: multiplying by the explicit transpose must agree. */
static void test_linear_is_matmul_with_transposed_weight(void **state)
{
    (void)state;
    enum { N = 5, K = 300, M = 40 };
    static float a[N * K], w[M * K], wt[K * M], lin[N * M], mm[N * M];
    Rng rng;
    rng_seed(&rng, 7, 7);
    fill_uniform(&rng, a, N * K, -1.0f, 1.0f);
    fill_uniform(&rng, w, M * K, -1.0f, 1.0f);
    for (int j = 0; j < M; j++)
        for (int p = 0; p < K; p++)
            wt[p * M + j] = w[j * K + p];
    linear_forward_reference(lin, a, w, NULL, N, K, M);
    matmul_forward_reference(mm, a, wt, N, K, M);
    /* Both reference loops sum the same exact products in double. */
    assert_int_equal(compare_matrix("linear vs matmul(wT), reference", lin, mm, N, M,
                                    REFERENCE_ATOL, REFERENCE_RTOL), 0);
    linear_forward(lin, a, w, NULL, N, K, M);
    matmul_forward(mm, a, wt, N, K, M);
    assert_int_equal(compare_matrix("linear vs matmul(wT), fast", lin, mm, N, M,
                                    2 * fast_path_atol(K), 0.0f), 0);
}

/* ---------------------------------------------------------------- softmax */

#define SOFTMAX_MAX_COLS 8

typedef struct {
    const char *name;
    int cols;
    float x[SOFTMAX_MAX_COLS];
} SoftmaxCase;

static const SoftmaxCase softmax_cases[] = {
    {"small mixed", 4, {1.0f, 2.0f, 3.0f, 4.0f}},
    {"all equal", 5, {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}},
    {"one column", 1, {3.0f}},
    {"large positive (1e4)", 4, {1e4f, 9999.0f, 10002.0f, 1e4f}},
    {"large negative (-1e4)", 3, {-1e4f, -9999.0f, -10003.0f}},
    {"both extremes", 3, {1e4f, -1e4f, 0.0f}},
    {"masked tail (causal row)", 4, {0.3f, -1.2f, -INFINITY, -INFINITY}},
    {"masked middle", 5, {2.0f, -INFINITY, 1.0f, -INFINITY, 0.0f}},
    {"single unmasked", 4, {-INFINITY, -INFINITY, 7.5f, -INFINITY}},
    {"single unmasked, very negative", 3, {-INFINITY, -1e30f, -INFINITY}},
    {"fully masked", 4, {-INFINITY, -INFINITY, -INFINITY, -INFINITY}},
    {"long row", 8, {-3.5f, 0.25f, 8.0f, 7.75f, -20.0f, 1e-3f, 2.0f, 2.0f}},
};

static int count_unmasked(const float *x, int cols)
{
    int n = 0;
    for (int c = 0; c < cols; c++)
        n += x[c] != -INFINITY;
    return n;
}

static void test_softmax_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(softmax_cases); i++) {
        const SoftmaxCase *sc = &softmax_cases[i];
        float got[SOFTMAX_MAX_COLS], want[SOFTMAX_MAX_COLS];
        char what[128];
        softmax_forward(got, sc->x, 1, sc->cols);
        softmax_double(want, sc->x, sc->cols);

        int unmasked = count_unmasked(sc->x, sc->cols);
        double sum = 0.0;
        for (int c = 0; c < sc->cols; c++) {
            if (isnan(got[c]) || got[c] < 0.0f || got[c] > 1.0f)
                fail_msg("softmax %s: [%d] = %g is not a weight in [0, 1]", sc->name, c,
                         (double)got[c]);
            /* Masked keys get exactly 0: expf(−∞) is +0.0, no approximation. */
            if (sc->x[c] == -INFINITY && (got[c] != 0.0f || signbit(got[c])))
                fail_msg("softmax %s: masked [%d] = %g, want exactly 0", sc->name, c,
                         (double)got[c]);
            /* The only key left takes all the weight, exactly. */
            if (unmasked == 1 && sc->x[c] != -INFINITY && got[c] != 1.0f)
                fail_msg("softmax %s: single unmasked [%d] = %.9g, want exactly 1", sc->name,
                         c, (double)got[c]);
            sum += got[c];
        }
        if (unmasked == 0) {
            if (sum != 0.0)
                fail_msg("softmax %s: fully masked row sums to %g, want all 0", sc->name, sum);
        } else if (fabs(sum - 1.0) > 1e-6) {
            fail_msg("softmax %s: row sums to %.9g, want 1 (tolerance 1e-6)", sc->name, sum);
        }

        /* Against the double reference: a few float roundings (expf,
         * reciprocal, product), each ≤ 6e-8 relative. */
        snprintf(what, sizeof what, "softmax %s", sc->name);
        assert_int_equal(compare_floats(what, got, want, sc->cols, 1e-9f, 5e-7f), 0);
    }
}

/* All the cases as rows of one matrix, padded on the right with masked
 * keys: padding must change nothing (bit for bit), padding gets exactly 0,
 * and a fully masked row does not disturb its neighbours. The same call
 * in place (out == x) must give the same bits too. */
static void test_softmax_padding_and_in_place(void **state)
{
    (void)state;
    enum { R = ARRAY_LEN(softmax_cases), C = SOFTMAX_MAX_COLS };
    float x[R * C], got[R * C], in_place[R * C], want_row[C], zeros[C] = {0};
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++)
            x[r * C + c] = c < softmax_cases[r].cols ? softmax_cases[r].x[c] : -INFINITY;

    softmax_forward(got, x, R, C);
    memcpy(in_place, x, sizeof x);
    softmax_forward(in_place, in_place, R, C);
    assert_int_equal(compare_matrix("softmax in place vs out of place", in_place, got, R, C,
                                    0.0f, 0.0f), 0);

    for (int r = 0; r < R; r++) {
        const SoftmaxCase *sc = &softmax_cases[r];
        char what[128];
        softmax_forward(want_row, sc->x, 1, sc->cols);
        snprintf(what, sizeof what, "softmax %s, padded with -inf", sc->name);
        assert_int_equal(compare_floats(what, &got[r * C], want_row, sc->cols, 0.0f, 0.0f), 0);
        snprintf(what, sizeof what, "softmax %s, the padding", sc->name);
        assert_int_equal(compare_floats(what, &got[r * C + sc->cols], zeros, C - sc->cols,
                                        0.0f, 0.0f), 0);
    }
}

/* Long rows of random scores, as attention over many keys. */
static void test_softmax_long_rows_sum_to_one(void **state)
{
    (void)state;
    enum { R = 6, C = 1536 };
    static float x[R * C], got[R * C], want[R * C];
    Rng rng;
    rng_seed(&rng, 99, 3);
    fill_uniform(&rng, x, R * C, -12.0f, 12.0f);
    for (int c = 0; c < C; c += 3)
        x[2 * C + c] = -INFINITY;                   /* row 2: every third key masked */
    softmax_forward(got, x, R, C);
    for (int r = 0; r < R; r++) {
        double sum = 0.0;
        for (int c = 0; c < C; c++)
            sum += got[r * C + c];
        if (fabs(sum - 1.0) > 1e-6)
            fail_msg("softmax long row %d sums to %.9g, want 1 (tolerance 1e-6)", r, sum);
        softmax_double(&want[r * C], &x[r * C], C);
    }
    assert_int_equal(compare_matrix("softmax long rows", got, want, R, C, 1e-9f, 5e-7f), 0);
}

/* A NaN score is a bug upstream; it must show, not become a clean-looking
 * weight. Only its own row is affected. */
static void test_softmax_nan_poisons_only_its_row(void **state)
{
    (void)state;
    const float x[3 * 3] = {1.0f, NAN, 2.0f,
                            NAN, -INFINITY, -INFINITY,
                            0.0f, 0.0f, -INFINITY};
    float got[3 * 3];
    softmax_forward(got, x, 3, 3);
    for (int c = 0; c < 3; c++) {
        assert_true(isnan(got[c]));
        assert_true(isnan(got[3 + c]));
    }
    const float want_last[3] = {0.5f, 0.5f, 0.0f};
    assert_int_equal(compare_floats("softmax row after NaN rows", &got[6], want_last, 3,
                                    0.0f, 0.0f), 0);
}

/* -------------------------------------------------------------- LayerNorm */

typedef struct {
    const char *name;
    int n, d;
    float offset, spread;   /* x uniform in offset ± spread */
} LayerNormCase;

/* Spreads are chosen with var ≫ eps, so the normalised variance
 * var/(var + eps) is within 1e-3 of 1. */
static const LayerNormCase layernorm_cases[] = {
    {"unit spread", 4, 64, 0.0f, 1.0f},
    {"wide row (d = 512)", 3, 512, 0.0f, 3.0f},
    {"large mean (1000 +- 1)", 4, 128, 1000.0f, 1.0f},
    {"odd width (d = 17)", 5, 17, -2.0f, 0.5f},
};

#define LN_EPS 1e-5f

static void test_layernorm_cases(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 31337, 4);
    for (size_t i = 0; i < ARRAY_LEN(layernorm_cases); i++) {
        const LayerNormCase *lc = &layernorm_cases[i];
        size_t n = lc->n, d = lc->d;
        float *x = alloc_floats(n * d), *got = alloc_floats(n * d), *want = alloc_floats(n * d);
        float *gamma = alloc_floats(d), *beta = alloc_floats(d);
        float *ones = alloc_floats(d), *zeros = alloc_floats(d);
        char what[128];
        fill_uniform(&rng, x, n * d, lc->offset - lc->spread, lc->offset + lc->spread);
        for (size_t c = 0; c < d; c++)
            ones[c] = 1.0f, zeros[c] = 0.0f;

        /* Plain normalisation: every row has mean 0 and variance 1. */
        layernorm_forward(got, x, ones, zeros, lc->n, lc->d, LN_EPS);
        for (size_t r = 0; r < n; r++) {
            double mean = 0.0, var = 0.0;
            for (size_t c = 0; c < d; c++)
                mean += got[r * d + c];
            mean /= (double)d;
            for (size_t c = 0; c < d; c++)
                var += (got[r * d + c] - mean) * (got[r * d + c] - mean);
            var /= (double)d;
            if (fabs(mean) > 1e-5)
                fail_msg("layernorm %s row %zu: mean %.3g, want 0 (tolerance 1e-5)",
                         lc->name, r, mean);
            if (fabs(var - 1.0) > 1e-3)
                fail_msg("layernorm %s row %zu: variance %.6f, want 1 (tolerance 1e-3)",
                         lc->name, r, var);
        }
        layernorm_double(want, x, ones, zeros, lc->n, lc->d, LN_EPS);
        snprintf(what, sizeof what, "layernorm %s, gamma 1 beta 0", lc->name);
        assert_int_equal(compare_matrix(what, got, want, n, d, 1e-6f, 0.0f), 0);

        /* NULL gamma and beta mean 1 and 0 (elementwise_affine=False). */
        float *plain = alloc_floats(n * d);
        layernorm_forward(plain, x, NULL, NULL, lc->n, lc->d, LN_EPS);
        snprintf(what, sizeof what, "layernorm %s, NULL gamma/beta", lc->name);
        assert_int_equal(compare_matrix(what, plain, got, n, d, 0.0f, 0.0f), 0);

        /* gamma and beta applied per feature. */
        fill_uniform(&rng, gamma, d, 0.5f, 1.5f);
        fill_uniform(&rng, beta, d, -1.0f, 1.0f);
        layernorm_forward(got, x, gamma, beta, lc->n, lc->d, LN_EPS);
        layernorm_double(want, x, gamma, beta, lc->n, lc->d, LN_EPS);
        snprintf(what, sizeof what, "layernorm %s, random gamma/beta", lc->name);
        assert_int_equal(compare_matrix(what, got, want, n, d, 1e-6f, 0.0f), 0);

        /* In place gives the same bits. */
        memcpy(plain, x, n * d * sizeof *x);
        layernorm_forward(plain, plain, gamma, beta, lc->n, lc->d, LN_EPS);
        snprintf(what, sizeof what, "layernorm %s, in place", lc->name);
        assert_int_equal(compare_matrix(what, plain, got, n, d, 0.0f, 0.0f), 0);

        free(x), free(got), free(want), free(gamma), free(beta), free(ones), free(zeros);
        free(plain);
    }
}

/* gamma = 2, beta = 3 everywhere: rows come out with mean 3 and variance 4. */
static void test_layernorm_scale_and_shift(void **state)
{
    (void)state;
    enum { N = 3, D = 96 };
    static float x[N * D], got[N * D], gamma[D], beta[D];
    Rng rng;
    rng_seed(&rng, 5, 5);
    fill_uniform(&rng, x, N * D, -4.0f, 6.0f);
    for (int c = 0; c < D; c++)
        gamma[c] = 2.0f, beta[c] = 3.0f;
    layernorm_forward(got, x, gamma, beta, N, D, LN_EPS);
    for (int r = 0; r < N; r++) {
        double mean = 0.0, var = 0.0;
        for (int c = 0; c < D; c++)
            mean += got[r * D + c];
        mean /= D;
        for (int c = 0; c < D; c++)
            var += (got[r * D + c] - mean) * (got[r * D + c] - mean);
        var /= D;
        if (fabs(mean - 3.0) > 2e-5 || fabs(var - 4.0) > 4e-3)
            fail_msg("layernorm gamma 2 beta 3, row %d: mean %.7f var %.7f, want 3 and 4",
                     r, mean, var);
    }
}

/* A constant row has variance 0: eps keeps the division finite, and every
 * output is exactly beta. */
static void test_layernorm_constant_row_gives_beta(void **state)
{
    (void)state;
    enum { D = 7 };
    const float x[2 * D] = {5, 5, 5, 5, 5, 5, 5, -1e3f, -1e3f, -1e3f, -1e3f, -1e3f, -1e3f, -1e3f};
    const float gamma[D] = {1, 2, 3, 4, 5, 6, 7};
    const float beta[D] = {0.5f, -0.5f, 0, 1, -1, 2, -2};
    float got[2 * D];
    layernorm_forward(got, x, gamma, beta, 2, D, LN_EPS);
    assert_int_equal(compare_floats("layernorm constant row 0", got, beta, D, 0.0f, 0.0f), 0);
    assert_int_equal(compare_floats("layernorm constant row 1", got + D, beta, D, 0.0f, 0.0f),
                     0);
}

/* ------------------------------------------------------------ activations */

typedef struct {
    float x;
    float gelu;   /* 0.5·x·(1 + erf(x/√2)), from Python's math.erfc in double */
    float relu;
} ActivationCase;

static const ActivationCase activation_cases[] = {
    {0.0f, 0.0f, 0.0f},
    {1.0f, 0.8413447460685429f, 1.0f},
    {-1.0f, -0.15865525393145707f, 0.0f},
    {0.5f, 0.34573123063700656f, 0.5f},
    {-0.5f, -0.15426876936299344f, 0.0f},
    {2.0f, 1.9544997361036416f, 2.0f},
    {-2.0f, -0.04550026389635844f, 0.0f},
    {3.0f, 2.99595030590511f, 3.0f},
    {-3.0f, -0.004049694094890287f, 0.0f},
    {-5.0f, -1.4332578593959731e-06f, 0.0f},
    {-10.0f, -7.619853024160593e-23f, 0.0f},   /* 1 + erf would cancel to 0 here */
    {10.0f, 10.0f, 10.0f},
};

static void test_activations_known_values(void **state)
{
    (void)state;
    enum { N = ARRAY_LEN(activation_cases) };
    float x[N], gelu_want[N], relu_want[N], got[N];
    for (int i = 0; i < N; i++) {
        x[i] = activation_cases[i].x;
        gelu_want[i] = activation_cases[i].gelu;
        relu_want[i] = activation_cases[i].relu;
    }
    /* Within 2 ulp of the double value (PyTorch's float kernel is within a
     * few ulp; ours computes in double, so it is the rounded value). */
    gelu_forward(got, x, N);
    assert_int_equal(compare_floats("gelu known values", got, gelu_want, N, 0.0f, 2.4e-7f), 0);
    relu_forward(got, x, N);
    assert_int_equal(compare_floats("relu known values", got, relu_want, N, 0.0f, 0.0f), 0);

    /* In place. */
    memcpy(got, x, sizeof x);
    gelu_forward(got, got, N);
    assert_int_equal(compare_floats("gelu in place", got, gelu_want, N, 0.0f, 2.4e-7f), 0);
}

static void test_activations_special_values(void **state)
{
    (void)state;
    const float x[3] = {NAN, INFINITY, -INFINITY};
    float got[3];
    relu_forward(got, x, 3);
    assert_true(isnan(got[0]));           /* NaN shows, as with torch.relu */
    assert_true(got[1] == INFINITY);
    assert_true(got[2] == 0.0f);
    gelu_forward(got, x, 3);
    assert_true(isnan(got[0]));
    assert_true(got[1] == INFINITY);
}

/* GELU over a sweep of floats (every 4099th from -14 to 14, where its
 * value is a normal float) against the exact form in double with libm's
 * erfc: within 2.4e-7 relative, as the known values. */
static void test_gelu_sweep(void **state)
{
    (void)state;
    enum { N = 4096 };
    static float x[N], got[N];
    double max_rel = 0.0;
    float worst = 0.0f;
    float v = -14.0f;
    while (v < 14.0f) {
        int n = 0;
        for (; n < N && v < 14.0f; n++) {
            x[n] = v;
            for (int k = 0; k < 4099; k++)
                v = nextafterf(v, INFINITY);
        }
        gelu_forward(got, x, (size_t)n);
        for (int i = 0; i < n; i++) {
            const double want = 0.5 * x[i] * erfc(-(double)x[i] * 0.70710678118654752440);
            if (fabs(want) < 1.17549435e-38)
                continue;
            const double rel = fabs(got[i] - want) / fabs(want);
            if (rel > max_rel)
                max_rel = rel, worst = x[i];
        }
    }
    if (max_rel > 2.4e-7)
        fail_msg("gelu: relative error %.3g at x = %.9g, want <= 2.4e-7", max_rel, (double)worst);
}

/* ------------------------------------------------------------ elementwise */

static void test_add_and_scale(void **state)
{
    (void)state;
    float a[5] = {1.0f, -2.0f, 0.5f, 1e30f, -0.0f};
    const float b[5] = {0.25f, 2.0f, -0.5f, 1e30f, 0.0f};
    const float sum[5] = {1.25f, 0.0f, 0.0f, 2e30f, 0.0f};
    const float scaled[5] = {0.125f, -0.25f, 0.0625f, 1.25e29f, -0.0f};
    float got[5];
    add_forward(got, a, b, 5);
    assert_int_equal(compare_floats("add", got, sum, 5, 0.0f, 0.0f), 0);
    scale_forward(got, a, 0.125f, 5);
    assert_int_equal(compare_floats("scale", got, scaled, 5, 0.0f, 0.0f), 0);
    add_forward(a, a, b, 5);                 /* in place: the residual x += f(x) */
    assert_int_equal(compare_floats("add in place", a, sum, 5, 0.0f, 0.0f), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_helper_can_fail),
        cmocka_unit_test(test_linear_forward_matches_double_reference),
        cmocka_unit_test(test_matmul_forward_matches_double_reference),
        cmocka_unit_test(test_linear_is_matmul_with_transposed_weight),
        cmocka_unit_test(test_softmax_cases),
        cmocka_unit_test(test_softmax_padding_and_in_place),
        cmocka_unit_test(test_softmax_long_rows_sum_to_one),
        cmocka_unit_test(test_softmax_nan_poisons_only_its_row),
        cmocka_unit_test(test_layernorm_cases),
        cmocka_unit_test(test_layernorm_scale_and_shift),
        cmocka_unit_test(test_layernorm_constant_row_gives_beta),
        cmocka_unit_test(test_activations_known_values),
        cmocka_unit_test(test_activations_special_values),
        cmocka_unit_test(test_gelu_sweep),
        cmocka_unit_test(test_add_and_scale),
    };
    return cmocka_run_group_tests_name("ops", tests, NULL, NULL);
}
