/* test_optim.c — Adam, the paper's learning-rate schedule and global-norm
 * gradient clipping (src/train/optim.h): against values worked out by hand,
 * and on a problem whose answer is known (a quadratic bowl). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "train/optim.h"
#include "../support/compare.h"

static void test_adam_steps_by_hand(void **state)
{
    (void)state;
    Adam a;
    Error err;
    assert_int_equal(optim_adam_init(&a, 3, &err), TF_OK);
    assert_true(a.beta1 == 0.9 && a.beta2 == 0.98 && a.eps == 1e-9);

    float p[3] = {1.0f, -2.0f, 0.5f};
    const float lr = 0.1f;

    /* Step 1. m = 0.1·g, v = 0.02·g²; after the bias corrections (÷ 0.1,
     * ÷ 0.02) m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr·sign(g):
     *   p0: g = 0.5     → 1 − 0.1·0.5/(0.5 + 1e-9)        = 0.9000000002
     *   p1: g = −0.001  → −2 + 0.1·0.001/(0.001 + 1e-9)   = −1.9000001
     *   p2: g = 0       → m = v = 0, the step is 0/(0 + ε) = 0: unchanged. */
    const float g1[3] = {0.5f, -0.001f, 0.0f};
    optim_adam_step(&a, p, g1, lr);
    assert_int_equal(a.step, 1);
    const float want1[3] = {0.9000000002f, -1.9000000999f, 0.5f};
    assert_int_equal(compare_floats("Adam step 1", p, want1, 3, 0.0f, 1e-7f), 0);
    const float m1[3] = {0.05f, -0.0001f, 0.0f}, v1[3] = {0.005f, 2e-8f, 0.0f};
    assert_int_equal(compare_floats("Adam m after step 1", a.m, m1, 3, 0.0f, 1e-6f), 0);
    assert_int_equal(compare_floats("Adam v after step 1", a.v, v1, 3, 0.0f, 1e-6f), 0);

    /* Step 2, p0 with g = −0.25:
     *   m = 0.9·0.05 + 0.1·(−0.25)      = 0.02
     *   v = 0.98·0.005 + 0.02·0.0625    = 0.00615
     *   m̂ = 0.02 / (1 − 0.81)           = 0.105263157894737
     *   v̂ = 0.00615 / (1 − 0.9604)      = 0.155303030303030,  √v̂ = 0.394085...
     *   p = 0.9000000002 − 0.1·0.105263157894737/0.394085 = 0.873289228912421
     * p1 with g = 0 keeps moving on its momentum alone:
     *   m = −0.00009, v = 1.96e-8, m̂ = −0.000473684, v̂ = 4.94949e-7
     *   p = −1.9000001 + 0.1·0.000473684/(0.000703526 + 1e-9) = −1.832670219 */
    const float g2[3] = {-0.25f, 0.0f, 0.0f};
    optim_adam_step(&a, p, g2, lr);
    const float want2[3] = {0.873289228912421f, -1.832670219f, 0.5f};
    assert_int_equal(compare_floats("Adam step 2", p, want2, 3, 0.0f, 1e-6f), 0);
    optim_adam_free(&a);
}

static void test_schedule_warms_up_then_decays(void **state)
{
    (void)state;
    const int d = 64, warmup = 400;
    /* The peak, at step = warmup: d^−0.5 · warmup^−0.5 = 0.125 · 0.05. */
    const double peak = 0.125 * 0.05;
    assert_true(fabs(optim_lr_schedule(warmup, d, warmup, 1.0) - peak) < 1e-15);
    assert_true(optim_lr_schedule(0, d, warmup, 1.0) == 0.0);
    /* Linear warm-up: half-way there, half the peak; the first step tiny. */
    assert_true(fabs(optim_lr_schedule(warmup / 2, d, warmup, 1.0) - peak / 2) < 1e-15);
    assert_true(fabs(optim_lr_schedule(1, d, warmup, 1.0) - peak / warmup) < 1e-15);
    /* Then 1/√step: four times the steps, half the rate. */
    assert_true(fabs(optim_lr_schedule(4 * warmup, d, warmup, 1.0) - peak / 2) < 1e-15);
    /* Strictly up before the peak, strictly down after it. */
    double prev = 0.0;
    for (long s = 1; s <= 10 * warmup; s++) {
        double lr = optim_lr_schedule(s, d, warmup, 1.0);
        if (s <= warmup)
            assert_true(lr > prev);
        else
            assert_true(lr < prev);
        assert_true(lr <= peak);
        prev = lr;
    }
    /* The scale factor multiplies every step. */
    assert_true(fabs(optim_lr_schedule(123, d, warmup, 2.5) - 2.5 * optim_lr_schedule(123, d, warmup, 1.0))
                < 1e-15);
    /* warmup = 1: the peak is the first step, d^−0.5. */
    assert_true(fabs(optim_lr_schedule(1, 16, 1, 1.0) - 0.25) < 1e-15);
}

static void test_clipping_scales_to_max_norm(void **state)
{
    (void)state;
    /* (3, 4) has norm 5; clipped to 1 it is (0.6, 0.8). */
    float g[2] = {3.0f, 4.0f};
    assert_true(optim_clip_grad_norm(g, 2, 1.0) == 5.0);
    const float want[2] = {0.6f, 0.8f};
    assert_int_equal(compare_floats("clipped (3, 4)", g, want, 2, 0.0f, 0x1p-23f), 0);

    /* Under the limit (and exactly at it): untouched, bit for bit. */
    float h[2] = {0.3f, -0.4f}, h0[2];
    memcpy(h0, h, sizeof h);
    assert_true(fabs(optim_clip_grad_norm(h, 2, 1.0) - 0.5) < 1e-7);
    assert_memory_equal(h, h0, sizeof h);
    float at[2] = {3.0f, 4.0f};
    optim_clip_grad_norm(at, 2, 5.0);
    assert_true(at[0] == 3.0f && at[1] == 4.0f);

    /* A long random vector: the clipped norm is max_norm to float rounding,
     * the direction is kept. */
    enum { N = 10000 };
    float *big = malloc(N * sizeof *big), *orig = malloc(N * sizeof *orig);
    assert_non_null(big);
    assert_non_null(orig);
    Rng rng;
    rng_seed(&rng, 12, 1);
    for (int i = 0; i < N; i++)
        big[i] = orig[i] = rng_range(&rng, -3.0f, 3.0f);
    double before = optim_clip_grad_norm(big, N, 2.5);
    assert_true(before > 100.0);
    double after = optim_clip_grad_norm(big, N, INFINITY);  /* the norm, nothing clipped */
    assert_true(fabs(after - 2.5) <= 2.5 * 1e-6);
    for (int i = 0; i < N; i++)
        assert_true(fabs(big[i] - orig[i] * (2.5 / before)) <= 1e-7 * fabs(orig[i]) + 1e-12);
    free(big), free(orig);

    /* A NaN gradient: reported, left alone (the caller skips the step). */
    float bad[3] = {1.0f, NAN, 2.0f};
    assert_true(isnan(optim_clip_grad_norm(bad, 3, 1.0)));
    assert_true(bad[0] == 1.0f && bad[2] == 2.0f);
}

/* f(x) = ½ Σ a_i (x_i − c_i)², curvatures a_i from 0.1 to 10: an
 * ill-conditioned bowl whose minimum c is known. */
enum { BOWL_N = 12, BOWL_STEPS = 3000 };

static double bowl(const float *x, const float *a, const float *c, float *grad)
{
    double f = 0.0;
    for (int i = 0; i < BOWL_N; i++) {
        double r = (double)x[i] - c[i];
        f += 0.5 * a[i] * r * r;
        grad[i] = (float)(a[i] * r);
    }
    return f;
}

static void run_bowl(float *x, Adam *opt, double *f_first, double *f_last)
{
    float a[BOWL_N], c[BOWL_N], g[BOWL_N];
    Rng rng;
    rng_seed(&rng, 2718, 0);
    for (int i = 0; i < BOWL_N; i++) {
        a[i] = powf(10.0f, rng_range(&rng, -1.0f, 1.0f));
        c[i] = rng_range(&rng, -3.0f, 3.0f);
        x[i] = 0.0f;
    }
    Error err;
    assert_int_equal(optim_adam_init(opt, BOWL_N, &err), TF_OK);
    for (long s = 1; s <= BOWL_STEPS; s++) {
        double f = bowl(x, a, c, g);
        if (s == 1)
            *f_first = f;
        optim_clip_grad_norm(g, BOWL_N, 5.0);
        optim_adam_step(opt, x, g, (float)optim_lr_schedule(s, 16, 100, 4.0));
    }
    *f_last = bowl(x, a, c, g);
    for (int i = 0; i < BOWL_N; i++)
        if (fabsf(x[i] - c[i]) > 1e-3f)
            fail_msg("bowl: x[%d] = %g, minimum at %g (curvature %g)", i, (double)x[i],
                     (double)c[i], (double)a[i]);
}

static void test_adam_minimises_a_quadratic(void **state)
{
    (void)state;
    float x[BOWL_N];
    Adam opt;
    double f0, f1;
    run_bowl(x, &opt, &f0, &f1);
    print_message("bowl: f from %.3g to %.3g in %d steps\n", f0, f1, BOWL_STEPS);
    assert_true(f0 > 1.0);
    assert_true(f1 < 1e-6 * f0);
    optim_adam_free(&opt);
}

static void test_adam_is_deterministic(void **state)
{
    (void)state;
    float x1[BOWL_N], x2[BOWL_N];
    Adam o1, o2;
    double f0, f1;
    run_bowl(x1, &o1, &f0, &f1);
    run_bowl(x2, &o2, &f0, &f1);
    assert_memory_equal(x1, x2, sizeof x1);
    assert_memory_equal(o1.m, o2.m, BOWL_N * sizeof(float));
    assert_memory_equal(o1.v, o2.v, BOWL_N * sizeof(float));
    optim_adam_free(&o1);
    optim_adam_free(&o2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adam_steps_by_hand),
        cmocka_unit_test(test_schedule_warms_up_then_decays),
        cmocka_unit_test(test_clipping_scales_to_max_norm),
        cmocka_unit_test(test_adam_minimises_a_quadratic),
        cmocka_unit_test(test_adam_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
