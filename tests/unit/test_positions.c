/* test_positions.c — every kind of positions, and what each one means.
 *
 * - sinusoidal: the table against the paper's formula, also far beyond any
 *   training length (defined and finite);
 * - relative: T5's bucket function against values printed by T5's own code
 *   (transformers' T5Attention._relative_position_bucket, in PyTorch), and
 *   the bias of a real run depending on j − i only;
 * - rope: q·k after rotation depending on the offset only, and rotations
 *   keeping lengths;
 * - none leaves the encoder permutation-equivariant; every other kind
 *   breaks that;
 * - learned and relative parameters: names, shapes, files, and leaving the
 *   other weights of a seeded model as they were;
 * - configuration errors of rope and relative. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/compare.h"
#include "../support/scratch.h"
#include "../support/tiny_model.h"
#include "core/rng.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "model/positions.h"
#include "model/weights_file.h"

/* ---- sinusoidal ----------------------------------------------------------- */

static void test_sinusoidal_formula(void **state)
{
    (void)state;
    static const int widths[] = {32, 33, 512};
    enum { T = 5000 };  /* far beyond max_len's 4096 */
    for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
        const int d = widths[w];
        float *pe = malloc((size_t)T * d * sizeof *pe), *rows = malloc((size_t)3 * d * sizeof *rows);
        positions_sinusoidal(pe, T, d);
        for (int pos = 0; pos < T; pos++)
            for (int i = 0; i < d; i++) {
                const double angle = pos / pow(10000.0, (double)(2 * (i / 2)) / d);
                const double want = i % 2 ? cos(angle) : sin(angle);
                const float got = pe[(size_t)pos * d + i];
                if (!isfinite(got) || fabs(got) > 1.0f || fabs(got - want) > 6e-8)
                    fail_msg("PE(%d, %d) with d = %d: %.9g, the formula gives %.9g", pos, i, d, (double)got, want);
            }
        /* a generation step's row is the table's row, bit for bit */
        positions_sinusoidal_rows(rows, 4097, 3, d);
        assert_memory_equal(rows, pe + (size_t)4097 * d, (size_t)3 * d * sizeof *rows);
        free(pe);
        free(rows);
    }
}

/* ---- relative (T5) -------------------------------------------------------- */

static void test_t5_buckets(void **state)
{
    (void)state;
    /* Printed by T5's _relative_position_bucket (PyTorch 1.13) for these
     * distances j − i; the C function was also checked against it for every
     * distance from −3000 to 3000 under six settings. */
    static const struct {
        int nb, max_distance, bidirectional, rel, bucket;
    } want[] = {
        {32, 128, 1, -200, 15}, {32, 128, 1, -128, 15}, {32, 128, 1, -100, 15}, {32, 128, 1, -50, 13},
        {32, 128, 1, -20, 10},  {32, 128, 1, -9, 8},    {32, 128, 1, -8, 8},    {32, 128, 1, -7, 7},
        {32, 128, 1, -1, 1},    {32, 128, 1, 0, 0},     {32, 128, 1, 1, 17},    {32, 128, 1, 7, 23},
        {32, 128, 1, 8, 24},    {32, 128, 1, 9, 24},    {32, 128, 1, 20, 26},   {32, 128, 1, 50, 29},
        {32, 128, 1, 100, 31},  {32, 128, 1, 127, 31},  {32, 128, 1, 128, 31},  {32, 128, 1, 500, 31},
        {32, 128, 0, -500, 31}, {32, 128, 0, -128, 31}, {32, 128, 0, -127, 31}, {32, 128, 0, -100, 30},
        {32, 128, 0, -64, 26},  {32, 128, 0, -40, 23},  {32, 128, 0, -20, 17},  {32, 128, 0, -17, 16},
        {32, 128, 0, -16, 16},  {32, 128, 0, -15, 15},  {32, 128, 0, -1, 1},    {32, 128, 0, 0, 0},
        {32, 128, 0, 1, 0},     {32, 128, 0, 5, 0},     {8, 20, 1, -7, 3},      {8, 20, 1, -5, 2},
        {8, 20, 1, -3, 2},      {8, 20, 1, -2, 2},      {8, 20, 1, -1, 1},      {8, 20, 1, 0, 0},
        {8, 20, 1, 1, 5},       {8, 20, 1, 2, 6},       {8, 20, 1, 3, 6},       {8, 20, 1, 5, 6},
        {8, 20, 1, 7, 7},       {8, 20, 1, 20, 7},      {8, 20, 1, 21, 7},      {8, 20, 0, -25, 7},
        {8, 20, 0, -20, 7},     {8, 20, 0, -19, 7},     {8, 20, 0, -10, 6},     {8, 20, 0, -7, 5},
        {8, 20, 0, -5, 4},      {8, 20, 0, -4, 4},      {8, 20, 0, -3, 3},      {8, 20, 0, 0, 0},
        {8, 20, 0, 3, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        int got = positions_relative_bucket(want[i].rel, want[i].bidirectional, want[i].nb, want[i].max_distance);
        if (got != want[i].bucket)
            fail_msg("bucket(%d, %s, %d buckets, max distance %d) = %d, T5 gives %d", want[i].rel,
                     want[i].bidirectional ? "bidirectional" : "causal", want[i].nb, want[i].max_distance, got,
                     want[i].bucket);
    }
}

/* A run of one sentence under a config changed by `tweak`. */
static void run(TinyRun *r, PositionKind pos, Architecture arch, const char *src, const char *tgt)
{
    memset(r, 0, sizeof *r);
    tiny_config(&r->cfg, 16, 4, 24);
    r->cfg.arch = arch;
    r->cfg.enc_layers = arch == ARCH_ENCODER_DECODER ? 2 : 0;
    r->cfg.positions = pos;
    r->cfg.rel_buckets = 8;
    r->cfg.rel_max_distance = 12;
    tiny_add_src(&r->cfg, src);
    if (tgt)
        tiny_add_tgt(&r->cfg, tgt);
    tiny_run_forward(r, "run");
}

/* bias[h][i][j] depends on j − i only, and is the table's entry for bucket(j − i). */
static void check_translation_invariant(const TinyRun *r, const char *bias_name, const char *buckets_name,
                                        const float *table, int bidirectional, int T)
{
    const int h = r->cfg.heads;
    const float *bias = tiny_slot(r, bias_name), *buckets = tiny_slot(r, buckets_name);
    for (int hh = 0; hh < h; hh++)
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++) {
                const float b = bias[((size_t)hh * T + i) * T + j];
                if (i + 1 < T && j + 1 < T)
                    assert_true(b == bias[((size_t)hh * T + i + 1) * T + j + 1]);
                const int k = positions_relative_bucket(j - i, bidirectional, r->cfg.rel_buckets, r->cfg.rel_max_distance);
                assert_int_equal((int)buckets[(size_t)i * T + j], k);
                assert_true(b == table[(size_t)k * h + hh]);
            }
}

static void test_relative_bias_depends_on_offset_only(void **state)
{
    (void)state;
    TinyRun r;
    run(&r, POS_RELATIVE, ARCH_ENCODER_DECODER, "猫 追 老鼠 我 爱 AI 猫", "cat chases mouse I love");
    assert_int_equal(r.b.Ts, 7);
    check_translation_invariant(&r, "enc.0.attn.bias", "enc.rel_buckets", r.m.w.enc_rel_bias, 1, 7);
    check_translation_invariant(&r, "enc.1.attn.bias", "enc.rel_buckets", r.m.w.enc_rel_bias, 1, 7);
    check_translation_invariant(&r, "dec.1.self_attn.bias", "dec.rel_buckets", r.m.w.dec_rel_bias, 0, 6);
    /* the bias is not zero: it has something to say */
    const float *bias = tiny_slot(&r, "enc.0.attn.bias");
    assert_true(bias[1] != bias[7]);
    /* not in cross-attention; masked = scores + bias + mask */
    assert_int_equal(activations_find(&r.a, "dec.0.cross_attn.bias"), -1);
    const float *scores = tiny_slot(&r, "enc.0.attn.scores"), *masked = tiny_slot(&r, "enc.0.attn.masked");
    for (int i = 0; i < 4 * 49; i++)
        assert_true(masked[i] == scores[i] + bias[i]);
    tiny_run_free(&r);
}

/* ---- rope --------------------------------------------------------------- */

static double dot(const float *a, const float *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

static void test_rope_depends_on_offset_only(void **state)
{
    (void)state;
    enum { DK = 16 };
    Rng rng;
    rng_seed(&rng, 3, 1);
    float q[DK], k[DK], qr[DK], kr[DK];
    for (int i = 0; i < DK; i++) {
        q[i] = rng_range(&rng, -1, 1);
        k[i] = rng_range(&rng, -1, 1);
    }
    double first[11];
    for (int off = -5; off <= 5; off++)
        for (int p = 5; p < 300; p += 7) {
            positions_rope_rotate(qr, q, p, 1, DK);
            positions_rope_rotate(kr, k, p - off, 1, DK);
            /* a rotation keeps lengths */
            assert_true(fabs(dot(qr, qr, DK) - dot(q, q, DK)) < 1e-5);
            double s = dot(qr, kr, DK);
            if (p == 5)
                first[off + 5] = s;
            else if (fabs(s - first[off + 5]) > 2e-5)
                fail_msg("q.k at positions %d and %d: %.9g; at offset %d it was %.9g", p, p - off, s, off,
                         first[off + 5]);
        }
    /* and the offset does matter */
    assert_true(fabs(first[5] - first[6]) > 1e-3);
    assert_true(fabs(first[5] - dot(q, k, DK)) < 1e-6);  /* offset 0: as if unrotated */

    /* In the engine: q_rot is q rotated per head by its position, and raw
     * scores are q_rot · k_rot. */
    TinyRun r;
    run(&r, POS_ROPE, ARCH_DECODER_ONLY, "<START> 我 爱 AI cat", NULL);
    const int h = r.cfg.heads, dk = r.cfg.d_model / h, T = r.b.Tt;
    const float *qs = tiny_slot(&r, "dec.0.self_attn.q"), *qrs = tiny_slot(&r, "dec.0.self_attn.q_rot");
    const float *krs = tiny_slot(&r, "dec.0.self_attn.k_rot"), *raw = tiny_slot(&r, "dec.0.self_attn.raw");
    const float *angles = tiny_slot(&r, "dec.rope_angles");
    for (int hh = 0; hh < h; hh++)
        for (int t = 0; t < T; t++) {
            float want[16];
            positions_rope_rotate(want, qs + ((size_t)hh * T + t) * dk, t, 1, dk);
            assert_memory_equal(want, qrs + ((size_t)hh * T + t) * dk, (size_t)dk * sizeof(float));
            for (int j = 0; j < T; j++) {
                double s = dot(qrs + ((size_t)hh * T + t) * dk, krs + ((size_t)hh * T + j) * dk, dk);
                assert_true(fabs(raw[((size_t)hh * T + t) * T + j] - s) < 1e-5);
            }
        }
    for (int t = 0; t < T; t++)
        for (int i = 0; i < dk / 2; i++)
            assert_true(fabs(angles[t * (dk / 2) + i] - t * pow(10000.0, -2.0 * i / dk)) < 1e-6);
    assert_int_equal(activations_find(&r.a, "dec.pos"), -1);  /* nothing is added to the embeddings */
    tiny_run_free(&r);
}

/* ---- kept across passes --------------------------------------------------- */

/* The positional slots are functions of positions only: a second pass over
 * the same lengths with the same Activations keeps them (model/forward.c)
 * rather than computing sin, cos and pow again, and gives the same bits.
 * Learned positions are weights, which training changes between passes:
 * those are copied every pass. */
static void test_positions_kept_across_passes(void **state)
{
    (void)state;
    static const struct {
        PositionKind kind;
        const char *enc, *dec;
    } kinds[] = {
        {POS_SINUSOIDAL, "enc.pos", "dec.pos"},
        {POS_ROPE, "enc.rope_angles", "dec.rope_angles"},
        {POS_RELATIVE, "enc.rel_buckets", "dec.rel_buckets"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        TinyRun r;
        run(&r, kinds[k].kind, ARCH_ENCODER_DECODER, "a b c d", "w x y");
        const int V = r.m.vocab.size, Tt = r.a.len[STREAM_TGT];
        const size_t n_logits = (size_t)Tt * V;
        float *logits = malloc(n_logits * sizeof *logits);
        memcpy(logits, tiny_slot(&r, "dec.logits"), n_logits * sizeof *logits);

        /* the same pass again: the same bits */
        model_forward(&r.m, &r.b, &r.a);
        assert_memory_equal(tiny_slot(&r, "dec.logits"), logits, n_logits * sizeof *logits);

        /* and the tables were not written again: poison them, and a pass
         * over the same positions leaves them as they are */
        const char *names[2] = {kinds[k].enc, kinds[k].dec};
        for (int s = 0; s < 2; s++) {
            const int i = activations_find(&r.a, names[s]);
            assert_true(i >= 0);
            float *v = r.a.arena + r.a.slots[i].offset;
            const float first = v[1];
            v[1] = NAN;
            model_forward(&r.m, &r.b, &r.a);
            if (!isnan(v[1]))
                fail_msg("positions %d: %s computed again for the same positions", (int)kinds[k].kind, names[s]);
            v[1] = first;
        }
        free(logits);
        tiny_run_free(&r);
    }

    /* learned: a change of the weights shows in the next pass */
    TinyRun r;
    run(&r, POS_LEARNED, ARCH_ENCODER_DECODER, "a b c d", "w x y");
    r.m.w.src_pos_embed[1] += 1.0f;
    r.m.w.tgt_pos_embed[1] += 1.0f;
    model_forward(&r.m, &r.b, &r.a);
    assert_true(tiny_slot(&r, "enc.pos")[1] == r.m.w.src_pos_embed[1]);
    assert_true(tiny_slot(&r, "dec.pos")[1] == r.m.w.tgt_pos_embed[1]);
    tiny_run_free(&r);
}

/* ---- permutation equivariance -------------------------------------------------- */

/* Swap source positions 0 and 2: without positions the encoder's output rows
 * swap the same way; with any kind of positions they do not. */
static void test_only_none_is_permutation_equivariant(void **state)
{
    (void)state;
    static const PositionKind kinds[] = {POS_NONE, POS_SINUSOIDAL, POS_LEARNED, POS_RELATIVE, POS_ROPE};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        TinyRun r1, r2;
        run(&r1, kinds[k], ARCH_ENCODER_DECODER, "猫 追 老鼠 我", NULL);
        run(&r2, kinds[k], ARCH_ENCODER_DECODER, "老鼠 追 猫 我", NULL);
        const int d = r1.cfg.d_model, T = 4, perm[4] = {2, 1, 0, 3};
        float permuted[4 * 16];
        const float *m1 = tiny_slot(&r1, "enc.memory"), *m2 = tiny_slot(&r2, "enc.memory");
        for (int t = 0; t < T; t++)
            memcpy(permuted + t * d, m1 + perm[t] * d, (size_t)d * sizeof *permuted);
        double diff = compare_max_abs_diff(m2, permuted, (size_t)T * d, NULL);
        const char *name = config_positions_name(kinds[k]);
        if (kinds[k] == POS_NONE && diff > 1e-5)
            fail_msg("positions = none: permuting the source changed the encoder output by %.3g", diff);
        if (kinds[k] != POS_NONE && diff < 1e-2)
            fail_msg("positions = %s: permuting the source only moved rows (max diff %.3g)", name, diff);
        printf("  positions = %-10s permuted source, max |memory − permuted memory| = %.3g\n", name, diff);
        tiny_run_free(&r1);
        tiny_run_free(&r2);
    }
}

/* ---- parameters ------------------------------------------------------------- */

static void test_learned_and_relative_parameters(void **state)
{
    Scratch *sc = *state;
    TinyRun s, l, rel;
    run(&s, POS_SINUSOIDAL, ARCH_ENCODER_DECODER, "猫 追 老鼠", "cat chases");
    run(&l, POS_LEARNED, ARCH_ENCODER_DECODER, "猫 追 老鼠", "cat chases");
    run(&rel, POS_RELATIVE, ARCH_ENCODER_DECODER, "猫 追 老鼠", "cat chases");
    WeightEntry *es, *el, *er;
    int ns = weights_entries(&s.cfg, s.m.vocab.size, &s.m.w, &es);
    int nl = weights_entries(&l.cfg, l.m.vocab.size, &l.m.w, &el);
    int nr = weights_entries(&rel.cfg, rel.m.vocab.size, &rel.m.w, &er);
    assert_int_equal(nl, ns + 2);
    assert_int_equal(nr, ns + 2);
    assert_string_equal(el[ns].name, "src_pos_embedding.weight");
    assert_int_equal(el[ns].rows, l.cfg.max_len);
    assert_int_equal(el[ns].cols, l.cfg.d_model);
    assert_string_equal(el[ns + 1].name, "tgt_pos_embedding.weight");
    assert_string_equal(er[ns].name, "encoder.relative_attention_bias.weight");
    assert_int_equal(er[ns].rows, 8);
    assert_int_equal(er[ns].cols, rel.cfg.heads);
    assert_string_equal(er[ns + 1].name, "decoder.relative_attention_bias.weight");
    /* every other weight is the same for the same seed */
    for (int i = 0; i < ns; i++) {
        assert_string_equal(es[i].name, el[i].name);
        size_t n = (size_t)es[i].rows * (es[i].cols ? es[i].cols : 1);
        assert_memory_equal(*es[i].slot, *el[i].slot, n * sizeof(float));
        assert_memory_equal(*es[i].slot, *er[i].slot, n * sizeof(float));
    }
    /* enc.pos and dec.pos are the tables' first rows */
    const int d = l.cfg.d_model;
    assert_memory_equal(tiny_slot(&l, "enc.pos"), l.m.w.src_pos_embed, (size_t)3 * d * sizeof(float));
    assert_memory_equal(tiny_slot(&l, "dec.pos"), l.m.w.tgt_pos_embed, (size_t)3 * d * sizeof(float));

    /* through the files: .tfw, and .npy with a config.ini stating only what
     * no tensor can tell (the tensors tell the kind of positions, max_len
     * and the number of buckets) */
    TinyRun *runs[2] = {&l, &rel};
    for (int k = 0; k < 2; k++) {
        TinyRun *r = runs[k];
        char tfw[400], npy[400], ini[500];
        snprintf(tfw, sizeof tfw, "%s/m%d.tfw", sc->dir, k);
        snprintf(npy, sizeof npy, "%s/npy%d", sc->dir, k);
        snprintf(ini, sizeof ini, "%s/config.ini", npy);
        Error err;
        assert_int_equal(weights_save_tfw(&r->m, tfw, &err), TF_OK);
        assert_int_equal(weights_export_npy(&r->m, npy, &err), TF_OK);
        assert_int_equal(unlink(ini), 0);
        FILE *fi = fopen(ini, "w");
        assert_non_null(fi);
        fprintf(fi, "[model]\nheads = 4\nnorm = %s\nactivation = %s\n%s", config_norm_name(r->cfg.norm),
                config_activation_name(r->cfg.activation),
                r->cfg.positions == POS_RELATIVE ? "relative_max_distance = 12\n" : "");
        assert_int_equal(fclose(fi), 0);
        for (int f = 0; f < 2; f++) {
            Config base;
            config_defaults(&base);
            base.d_model = 16;
            base.heads = 4;
            base.rel_max_distance = 12;
            base.n_src = base.n_tgt = 1;
            snprintf(base.src[0], sizeof base.src[0], "猫 追 老鼠");
            snprintf(base.tgt[0], sizeof base.tgt[0], "cat chases");
            Model m;
            if (weights_load(&m, f ? npy : tfw, &base, &err) != TF_OK)
                fail_msg("%s: %s", f ? npy : tfw, err.msg);
            assert_int_equal(m.cfg.positions, r->cfg.positions);
            assert_int_equal(m.cfg.max_len, r->cfg.max_len);
            if (r->cfg.positions == POS_RELATIVE)
                assert_int_equal(m.cfg.rel_buckets, r->cfg.rel_buckets);
            Batch b;
            Activations a;
            assert_int_equal(batch_build(&b, &m.cfg, &m.vocab, NULL, NULL, &err), TF_OK);
            assert_int_equal(activations_init(&a, &m, &b, &err), TF_OK);
            model_forward(&m, &b, &a);
            int i = activations_find(&a, "dec.logits");
            assert_int_equal(compare_floats(f ? "dec.logits after .npy" : "dec.logits after .tfw",
                                            a.arena + a.slots[i].offset, tiny_slot(r, "dec.logits"),
                                            a.slots[i].numel, 0.0f, 0.0f), 0);
            activations_free(&a);
            batch_free(&b);
            model_free(&m);
        }
    }
    free(es);
    free(el);
    free(er);
    tiny_run_free(&s);
    tiny_run_free(&l);
    tiny_run_free(&rel);
}

/* ---- configuration ----------------------------------------------------------- */

static void test_position_config(void **state)
{
    (void)state;
    Config c;
    Error e;
    config_defaults(&c);
    assert_int_equal(config_set(&c, "positions", "rope", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "d-model", "12", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "heads", "4", NULL, &e), TF_OK);  /* head width 3: odd */
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--heads 4: positions = rope needs an even head width, but d_model / heads = 12 / 4 = 3");
    assert_int_equal(config_set(&c, "heads", "3", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_OK);

    config_defaults(&c);
    assert_int_equal(config_set(&c, "positions", "relative", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "relative-buckets", "64", NULL, &e), TF_OK);
    assert_int_equal(config_set(&c, "relative-max-distance", "32", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg,
                        "--relative-max-distance 32: relative_max_distance = 32 must be larger than relative_buckets / 2 = 32");
    assert_int_equal(config_set(&c, "relative-buckets", "3", NULL, &e), TF_ERR_INPUT);
    assert_string_equal(e.msg, "--relative-buckets: relative_buckets = 3 is out of range (4..1024)");
    assert_int_equal(config_set(&c, "relative-max-distance", "33", NULL, &e), TF_OK);
    assert_int_equal(config_validate(&c, &e), TF_OK);

    /* the relative keys are written only when they mean something, and read back */
    char text[4096];
    config_to_ini(&c, text, sizeof text);
    assert_non_null(strstr(text, "positions = relative\nrelative_buckets = 64\nrelative_max_distance = 33\n"));
    Config back;
    config_defaults(&back);
    assert_int_equal(config_load_ini_text(&back, text, "header", &e), TF_OK);
    assert_int_equal(back.rel_buckets, 64);
    assert_int_equal(back.rel_max_distance, 33);
    assert_int_equal(config_set(&c, "positions", "learned", NULL, &e), TF_OK);
    config_to_ini(&c, text, sizeof text);
    assert_null(strstr(text, "relative_"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sinusoidal_formula),
        cmocka_unit_test(test_t5_buckets),
        cmocka_unit_test(test_positions_kept_across_passes),
        cmocka_unit_test(test_relative_bias_depends_on_offset_only),
        cmocka_unit_test(test_rope_depends_on_offset_only),
        cmocka_unit_test(test_only_none_is_permutation_equivariant),
        cmocka_unit_test_prestate_setup_teardown(test_learned_and_relative_parameters, scratch_setup,
                                                 scratch_teardown, NULL),
        cmocka_unit_test(test_position_config),
    };
    return cmocka_run_group_tests_name("positions", tests, NULL, NULL);
}
