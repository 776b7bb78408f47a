/* test_dropout.c — dropout inside the network (train/dropout.h,
 * model/dropout_masks.h).
 *
 *   dropout 0 is no dropout: no masks, no draws, the same weights bit for
 *   bit as options without it; a rate above 0 changes them;
 *   the masks come from the seed: the same seed and stream give the same
 *   masks, another gives others, and training with them is reproducible;
 *   each mask element is 0 or 1 / (1 − X), kept with frequency near 1 − X,
 *   in every mask of the block;
 *   the masks of every stack, layer, sublayer and sentence tile the block;
 *   rates outside [0, 1) are refused, naming the value.
 * The gradient through a fixed set of masks is checked against finite
 * differences with the other gradients, in test_backprop.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/tiny_model.h"
#include "train/dropout.h"
#include "train/trainer.h"

static void ok(Status st, const Error *err, const char *what)
{
    if (st != TF_OK)
        fail_msg("%s: %s", what, err->msg);
}

/* 12 steps of 8 sentences; set_rate: whether o.dropout is set at all. */
static void train_tiny(Model *m, const Dataset *ds, bool set_rate, float rate)
{
    Error err;
    TrainOptions o;
    train_options_default(&o, TASK_COPY);
    o.steps = 12;
    o.batch = 8;
    o.warmup = 4;
    if (set_rate)
        o.dropout = rate;
    Trainer t;
    ok(trainer_init(&t, m, ds, &o, &err), &err, "trainer_init");
    if (rate == 0)
        assert_null(t.net_drop.block);  /* no masks to draw */
    for (int s = 0; s < o.steps; s++) {
        ok(trainer_step(&t, &err), &err, "trainer_step");
        assert_null(t.acts.dropout);  /* the masks belong to the step's pass alone */
    }
    trainer_free(&t);
}

static void test_zero_is_no_dropout(void **state)
{
    (void)state;
    Dataset ds;
    Model a, b, c;
    tiny_copy_model(&ds, &a, 2, 16);
    task_dataset_free(&ds);
    tiny_copy_model(&ds, &b, 2, 16);
    task_dataset_free(&ds);
    tiny_copy_model(&ds, &c, 2, 16);
    assert_memory_equal(a.w.block, c.w.block, a.w.numel * sizeof *a.w.block);
    train_tiny(&a, &ds, false, 0);
    train_tiny(&b, &ds, true, 0.0f);
    train_tiny(&c, &ds, true, 0.2f);
    assert_memory_equal(a.w.block, b.w.block, a.w.numel * sizeof *a.w.block);
    assert_true(memcmp(a.w.block, c.w.block, a.w.numel * sizeof *a.w.block) != 0);
    model_free(&a);
    model_free(&b);
    model_free(&c);
    task_dataset_free(&ds);
}

static void test_reproducible_from_the_seed(void **state)
{
    (void)state;
    Config c;
    train_config_default(&c, TASK_COPY);
    Error err;
    Dropout x, y, z;
    ok(dropout_init(&x, 0.3f, 7, 1, &c, 4, 9, 10, &err), &err, "x");
    ok(dropout_init(&y, 0.3f, 7, 1, &c, 4, 9, 10, &err), &err, "y");
    ok(dropout_init(&z, 0.3f, 8, 1, &c, 4, 9, 10, &err), &err, "z");
    const size_t bytes = x.numel * sizeof *x.block;
    float *first = malloc(bytes);
    assert_non_null(first);
    for (int step = 0; step < 3; step++) {
        dropout_draw(&x);
        dropout_draw(&y);
        dropout_draw(&z);
        assert_memory_equal(x.block, y.block, bytes);
        assert_true(memcmp(x.block, z.block, bytes) != 0);  /* another seed */
        if (step == 0)
            memcpy(first, x.block, bytes);
        else
            assert_true(memcmp(x.block, first, bytes) != 0);  /* fresh masks each step */
    }
    /* another stream of the same seed */
    dropout_free(&y);
    ok(dropout_init(&y, 0.3f, 7, 2, &c, 4, 9, 10, &err), &err, "y, stream 2");
    dropout_draw(&y);
    assert_true(memcmp(first, y.block, bytes) != 0);
    free(first);
    dropout_free(&x);
    dropout_free(&y);
    dropout_free(&z);

    /* training with dropout: the same seed, the same weights */
    Dataset ds;
    Model a, b;
    tiny_copy_model(&ds, &a, 4, 16);
    task_dataset_free(&ds);
    tiny_copy_model(&ds, &b, 4, 16);
    train_tiny(&a, &ds, true, 0.3f);
    train_tiny(&b, &ds, true, 0.3f);
    assert_memory_equal(a.w.block, b.w.block, a.w.numel * sizeof *a.w.block);
    model_free(&a);
    model_free(&b);
    task_dataset_free(&ds);
}

/* Kept fraction of n mask values (each must be 0 or scale). */
static double kept_fraction(const float *mask, size_t n, float scale)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(mask[i] == 0.0f || mask[i] == scale);
        kept += mask[i] != 0.0f;
    }
    return (double)kept / (double)n;
}

static void test_kept_fraction(void **state)
{
    (void)state;
    Config c;
    train_config_default(&c, TASK_COPY);  /* encoder-decoder, d_model 64, 2 + 2 layers */
    enum { B = 8, TS = 12, TT = 13 };
    const float rates[] = {0.1f, 0.3f, 0.5f, 0.9f};
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        Error err;
        Dropout dr;
        ok(dropout_init(&dr, rates[r], 1, 3, &c, B, TS, TT, &err), &err, "dropout_init");
        dropout_draw(&dr);
        const float scale = 1.0f / (1.0f - rates[r]);
        assert_true(dr.keep_scale == scale);
        const double want = 1.0 - rates[r];
        /* the whole block: 8·12·64·5 + 8·13·64·7 values, σ of the fraction ≤ 0.0015 */
        const double all = kept_fraction(dr.block, dr.numel, scale);
        print_message("dropout %.1f: kept %.4f of %zu (want %.1f)\n", (double)rates[r], all, dr.numel, want);
        assert_true(fabs(all - want) < 0.01);
        /* every mask: its sentence 0 .. B−1 rows (T·d·B values, σ ≤ 0.006) */
        for (int enc = 0; enc <= 1; enc++) {
            const int L = enc ? c.enc_layers : c.dec_layers, T = enc ? TS : TT;
            for (int l = -1; l < L; l++)
                for (int k = 0; k < DROP_SUBLAYERS; k++) {
                    const float *m = dropout_mask(&dr.masks, enc, l, (DropSublayer)k, 0);
                    if (!m || (l < 0 && k > 0))
                        continue;
                    const double f = kept_fraction(m, (size_t)B * T * c.d_model, scale);
                    assert_true(fabs(f - want) < 0.04);
                }
        }
        dropout_free(&dr);
    }
}

/* Every (stack, layer, sublayer, sentence) mask lies in the block, and
 * together they cover it once: encoder-decoder and decoder-only. */
static void test_masks_tile_the_block(void **state)
{
    (void)state;
    for (int arch = 0; arch < 2; arch++) {
        Config c;
        train_config_default(&c, arch ? TASK_POEMS : TASK_COPY);
        c.d_model = 8;
        c.dec_layers = 3;
        const bool enc_dec = c.arch == ARCH_ENCODER_DECODER;
        enum { B = 3, TS = 4, TT = 5 };
        Error err;
        Dropout dr;
        ok(dropout_init(&dr, 0.5f, 1, 1, &c, B, TS, TT, &err), &err, "dropout_init");
        unsigned char *seen = calloc(dr.numel, 1);
        assert_non_null(seen);
        for (int enc = 0; enc <= (enc_dec ? 1 : 0); enc++) {
            const int L = enc ? c.enc_layers : c.dec_layers, T = enc ? TS : TT;
            for (int l = -1; l < L; l++)
                for (int k = 0; k < DROP_SUBLAYERS; k++) {
                    if (l < 0 && k > 0)
                        continue;
                    for (int s = 0; s < B; s++) {
                        const float *m = dropout_mask(&dr.masks, enc, l, (DropSublayer)k, s);
                        if (k == DROP_CROSS && (enc || !enc_dec)) {
                            assert_null(m);  /* no cross-attention there */
                            continue;
                        }
                        assert_non_null(m);
                        const size_t at = (size_t)(m - dr.block), n = (size_t)T * c.d_model;
                        assert_true(at + n <= dr.numel);
                        for (size_t i = 0; i < n; i++)
                            seen[at + i]++;
                    }
                }
        }
        for (size_t i = 0; i < dr.numel; i++)
            assert_int_equal(seen[i], 1);
        assert_null(dropout_mask(NULL, 0, 0, DROP_SELF, 0));
        free(seen);
        dropout_free(&dr);
    }
}

static void test_out_of_range_refused(void **state)
{
    (void)state;
    Dataset ds;
    Model m;
    tiny_copy_model(&ds, &m, 2, 16);
    const float bad[] = {1.0f, -0.1f, 1.5f, NAN};
    const char *named[] = {"dropout 1:", "dropout -0.1:", "dropout 1.5:", "dropout nan:"};
    for (int i = 0; i < 4; i++) {
        TrainOptions o;
        train_options_default(&o, TASK_COPY);
        o.dropout = bad[i];
        Trainer t;
        Error err = {{0}, {0}};
        assert_int_equal(trainer_init(&t, &m, &ds, &o, &err), TF_ERR_INPUT);
        if (!strstr(err.msg, named[i]))
            fail_msg("dropout %g: message '%s' does not name it", (double)bad[i], err.msg);
    }
    /* dropout_init itself wants a rate that drops something */
    Error err = {{0}, {0}};
    Dropout dr;
    assert_int_equal(dropout_init(&dr, 0.0f, 1, 1, &m.cfg, 2, 3, 3, &err), TF_ERR_INPUT);
    assert_null(dr.block);
    model_free(&m);
    task_dataset_free(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_is_no_dropout),
        cmocka_unit_test(test_reproducible_from_the_seed),
        cmocka_unit_test(test_kept_fraction),
        cmocka_unit_test(test_masks_tile_the_block),
        cmocka_unit_test(test_out_of_range_refused),
    };
    return cmocka_run_group_tests_name("dropout", tests, NULL, NULL);
}
