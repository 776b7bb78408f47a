/* test_model.c — the engine against plain references, and the properties
 * the lessons teach, checked on the real forward pass. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/compare.h"
#include "../support/tiny_model.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"

static void small_config(Config *c) { tiny_config(c, 16, 4, 24); }

static int all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return 0;
    return 1;
}

/* Attention of layer 0 recomputed with plain loops in double, from the
 * block's input and the weights, against what the engine recorded. */
static void test_attention_matches_plain_reference(void **state)
{
    (void)state;
    TinyRun r = {0};
    small_config(&r.cfg);
    tiny_add_src(&r.cfg, "猫 追 老鼠 我");
    tiny_add_tgt(&r.cfg, "<START> cat chases");
    tiny_run_forward(&r, "model");
    const int T = r.b.Ts, d = r.cfg.d_model, h = r.cfg.heads, dk = d / h;
    const float *x = tiny_slot(&r, "enc.input");
    const EncLayerWeights *w = &r.m.w.enc[0];
    float *weights = calloc((size_t)h * T * T, sizeof *weights);
    float *out = calloc((size_t)T * d, sizeof *out);
    float *concat = calloc((size_t)T * d, sizeof *concat);
    for (int hh = 0; hh < h; hh++) {
        double q[16][16], k[16][16], v[16][16];
        for (int t = 0; t < T; t++)
            for (int j = 0; j < dk; j++) {
                double sq = w->self_attn_in_b[hh * dk + j], sk = w->self_attn_in_b[d + hh * dk + j],
                       sv = w->self_attn_in_b[2 * d + hh * dk + j];
                for (int i = 0; i < d; i++) {
                    sq += x[t * d + i] * w->self_attn_in_w[(hh * dk + j) * d + i];
                    sk += x[t * d + i] * w->self_attn_in_w[(d + hh * dk + j) * d + i];
                    sv += x[t * d + i] * w->self_attn_in_w[(2 * d + hh * dk + j) * d + i];
                }
                q[t][j] = sq;
                k[t][j] = sk;
                v[t][j] = sv;
            }
        for (int i = 0; i < T; i++) {
            double s[16], mx = -1e300, sum = 0;
            for (int j = 0; j < T; j++) {
                s[j] = 0;
                for (int c = 0; c < dk; c++)
                    s[j] += q[i][c] * k[j][c];
                s[j] /= sqrt((double)dk);
                if (s[j] > mx)
                    mx = s[j];
            }
            for (int j = 0; j < T; j++)
                sum += exp(s[j] - mx);
            for (int j = 0; j < T; j++)
                weights[(hh * T + i) * T + j] = (float)(exp(s[j] - mx) / sum);
            for (int c = 0; c < dk; c++) {
                double z = 0;
                for (int j = 0; j < T; j++)
                    z += exp(s[j] - mx) / sum * v[j][c];
                concat[i * d + hh * dk + c] = (float)z;
            }
        }
    }
    for (int t = 0; t < T; t++)
        for (int o = 0; o < d; o++) {
            double s = w->self_attn_out_b[o];
            for (int i = 0; i < d; i++)
                s += concat[t * d + i] * w->self_attn_out_w[o * d + i];
            out[t * d + o] = (float)s;
        }
    assert_int_equal(compare_floats("enc.0.attn.weights", tiny_slot(&r, "enc.0.attn.weights"), weights,
                                    (size_t)h * T * T, 1e-6f, 1e-5f), 0);
    assert_int_equal(compare_floats("enc.0.attn.concat", tiny_slot(&r, "enc.0.attn.concat"), concat,
                                    (size_t)T * d, 1e-5f, 1e-4f), 0);
    assert_int_equal(compare_floats("enc.0.attn.out", tiny_slot(&r, "enc.0.attn.out"), out, (size_t)T * d,
                                    1e-5f, 1e-4f), 0);
    free(weights);
    free(out);
    free(concat);
    tiny_run_free(&r);
}

/* Every attention weight row sums to 1 (or is all 0 when fully masked),
 * and a blocked position gets exactly 0. */
static void test_weights_rows_and_masks(void **state)
{
    (void)state;
    TinyRun r = {0};
    small_config(&r.cfg);
    tiny_add_src(&r.cfg, "猫 追 老鼠");
    tiny_add_src(&r.cfg, "我 爱");
    tiny_add_tgt(&r.cfg, "<START> cat chases mouse");
    tiny_add_tgt(&r.cfg, "<START> I");
    tiny_run_forward(&r, "model");
    int checked = 0;
    for (int i = 0; i < r.a.n_slots; i++) {
        const Slot *s = &r.a.slots[i];
        float *data = r.a.arena + s->offset;
        assert_true(all_finite(data, s->numel));
        size_t len = strlen(s->name);
        if (len < 8 || strcmp(s->name + len - 8, ".weights") != 0)
            continue;
        Record rec;
        activations_record(&r.a, i, &rec);
        /* The mask of the same block is the slot named ...mask. */
        char mask_name[64];
        snprintf(mask_name, sizeof mask_name, "%.*s.mask", (int)(len - 8), s->name);
        const float *mask = tiny_slot(&r, mask_name);
        const int B = r.b.B, h = r.cfg.heads;
        const int Tq = (int)rec.dims[rec.ndim - 2], Tk = (int)rec.dims[rec.ndim - 1];
        for (int b = 0; b < B; b++)
            for (int hh = 0; hh < h; hh++)
                for (int q = 0; q < Tq; q++) {
                    double sum = 0;
                    int open = 0;
                    for (int k = 0; k < Tk; k++) {
                        float wv = data[(((size_t)b * h + hh) * Tq + q) * Tk + k];
                        float mv = mask[((size_t)b * Tq + q) * Tk + k];
                        if (mv == -INFINITY)
                            assert_true(wv == 0.0f);
                        else
                            open++;
                        sum += wv;
                    }
                    if (open)
                        assert_true(fabs(sum - 1.0) < 1e-5);
                    else
                        assert_true(sum == 0.0);
                }
        checked++;
    }
    assert_int_equal(checked, 2 * 1 + 2 * 2);  /* 2 encoder + 2×2 decoder blocks */
    tiny_run_free(&r);
}

/* Without positional encoding, self-attention cannot see order: permuting
 * the source permutes the encoder's output rows the same way. */
static void check_permutation(int positions_on)
{
    TinyRun r1 = {0}, r2 = {0};
    small_config(&r1.cfg);
    r1.cfg.positions = positions_on ? POS_SINUSOIDAL : POS_NONE;
    r2.cfg = r1.cfg;
    tiny_add_src(&r1.cfg, "猫 追 老鼠 我");
    tiny_add_src(&r2.cfg, "老鼠 追 猫 我");  /* positions 0 and 2 swapped */
    tiny_run_forward(&r1, "model");
    tiny_run_forward(&r2, "model");
    const int d = r1.cfg.d_model, T = r1.b.Ts;
    const int perm[4] = {2, 1, 0, 3};
    float *permuted = malloc((size_t)T * d * sizeof *permuted);
    const float *m1 = tiny_slot(&r1, "enc.memory"), *m2 = tiny_slot(&r2, "enc.memory");
    for (int t = 0; t < T; t++)
        memcpy(permuted + (size_t)t * d, m1 + (size_t)perm[t] * d, (size_t)d * sizeof *permuted);
    double diff = compare_max_abs_diff(m2, permuted, (size_t)T * d, NULL);
    if (positions_on)
        assert_true(diff > 1e-2);
    else
        assert_int_equal(compare_floats("enc.memory permuted", m2, permuted, (size_t)T * d, 1e-5f, 1e-5f), 0);
    free(permuted);
    tiny_run_free(&r1);
    tiny_run_free(&r2);
}

static void test_no_positions_is_permutation_equivariant(void **state)
{
    (void)state;
    check_permutation(0);
}

static void test_positions_break_permutation_equivariance(void **state)
{
    (void)state;
    check_permutation(1);
}

/* A sentence padded inside a batch computes what it computes alone, on
 * its real tokens, in the encoder and the decoder. */
static void test_padding_leaves_real_tokens_unchanged(void **state)
{
    (void)state;
    TinyRun alone = {0}, batch = {0};
    small_config(&alone.cfg);
    batch.cfg = alone.cfg;
    tiny_add_src(&alone.cfg, "我 爱");
    tiny_add_tgt(&alone.cfg, "<START> I");
    tiny_add_src(&batch.cfg, "猫 追 老鼠 我 爱");
    tiny_add_tgt(&batch.cfg, "<START> cat chases mouse");
    tiny_add_src(&batch.cfg, "我 爱");
    tiny_add_tgt(&batch.cfg, "<START> I");
    tiny_run_forward(&alone, "model");
    tiny_run_forward(&batch, "model");
    const int d = alone.cfg.d_model, V = alone.m.vocab.size;
    const int Ts = batch.b.Ts, Tt = batch.b.Tt;
    /* sentence 1 of the batch, its first 2 source and 2 target rows */
    assert_int_equal(compare_floats("enc.memory (real tokens)", tiny_slot(&batch, "enc.memory") + (size_t)Ts * d,
                                    tiny_slot(&alone, "enc.memory"), 2 * (size_t)d, 1e-5f, 1e-5f), 0);
    assert_int_equal(compare_floats("dec.logits (real tokens)", tiny_slot(&batch, "dec.logits") + (size_t)Tt * V,
                                    tiny_slot(&alone, "dec.logits"), 2 * (size_t)V, 1e-5f, 1e-5f), 0);
    tiny_run_free(&alone);
    tiny_run_free(&batch);
}

/* With the causal mask, a later target token cannot change what earlier
 * decoder positions compute. */
static void test_causal_mask_hides_the_future(void **state)
{
    (void)state;
    TinyRun a = {0}, b = {0};
    small_config(&a.cfg);
    b.cfg = a.cfg;
    tiny_add_src(&a.cfg, "猫 追 老鼠");
    tiny_add_src(&b.cfg, "猫 追 老鼠");
    tiny_add_tgt(&a.cfg, "<START> cat chases mouse");
    tiny_add_tgt(&b.cfg, "<START> cat chases I");  /* last token changed */
    tiny_run_forward(&a, "model");
    tiny_run_forward(&b, "model");
    const int V = a.m.vocab.size, d = a.cfg.d_model;
    assert_int_equal(compare_floats("dec.logits rows 0..2", tiny_slot(&b, "dec.logits"), tiny_slot(&a, "dec.logits"),
                                    3 * (size_t)V, 0.0f, 0.0f), 0);
    /* and the last row does change */
    assert_true(compare_max_abs_diff(tiny_slot(&b, "dec.logits") + 3 * V, tiny_slot(&a, "dec.logits") + 3 * V,
                                     (size_t)V, NULL) > 1e-4);
    (void)d;
    tiny_run_free(&a);
    tiny_run_free(&b);
}

/* Layer norms give mean 0 and variance 1 before gain and bias (which are
 * 1 and 0 at initialisation). */
static void test_layernorm_records_are_normalised(void **state)
{
    (void)state;
    TinyRun r = {0};
    small_config(&r.cfg);
    tiny_add_src(&r.cfg, "猫 追 老鼠");
    tiny_run_forward(&r, "model");
    const float *ln = tiny_slot(&r, "enc.1.ln2");
    const int d = r.cfg.d_model;
    for (int t = 0; t < r.b.Ts; t++) {
        double mean = 0, var = 0;
        for (int i = 0; i < d; i++)
            mean += ln[t * d + i];
        mean /= d;
        for (int i = 0; i < d; i++)
            var += (ln[t * d + i] - mean) * (ln[t * d + i] - mean);
        var /= d;
        assert_true(fabs(mean) < 1e-5);
        assert_true(fabs(var - 1.0) < 1e-3);
    }
    tiny_run_free(&r);
}

/* The record names and their order for one small model: the contract the
 * trace format documents. */
static void test_record_names_in_execution_order(void **state)
{
    (void)state;
    static const char *const post_ln[] = {
        "src.tokens", "enc.embed", "enc.pos", "enc.input",
        "enc.0.attn.q", "enc.0.attn.k", "enc.0.attn.v", "enc.0.attn.raw", "enc.0.attn.scores",
        "enc.0.attn.mask", "enc.0.attn.masked", "enc.0.attn.weights", "enc.0.attn.z",
        "enc.0.attn.concat", "enc.0.attn.out", "enc.0.resid_mid", "enc.0.ln1", "enc.0.ffn.hidden",
        "enc.0.ffn.out", "enc.0.resid_post", "enc.0.ln2", "enc.norm", "enc.memory",
        "tgt.tokens", "dec.embed", "dec.pos", "dec.input",
        "dec.0.self_attn.q", "dec.0.self_attn.k", "dec.0.self_attn.v", "dec.0.self_attn.raw",
        "dec.0.self_attn.scores", "dec.0.self_attn.mask", "dec.0.self_attn.masked",
        "dec.0.self_attn.weights", "dec.0.self_attn.z", "dec.0.self_attn.concat",
        "dec.0.self_attn.out", "dec.0.resid_self", "dec.0.ln1",
        "dec.0.cross_attn.q", "dec.0.cross_attn.k", "dec.0.cross_attn.v", "dec.0.cross_attn.raw",
        "dec.0.cross_attn.scores", "dec.0.cross_attn.mask", "dec.0.cross_attn.masked",
        "dec.0.cross_attn.weights", "dec.0.cross_attn.z", "dec.0.cross_attn.concat",
        "dec.0.cross_attn.out", "dec.0.resid_cross", "dec.0.ln2", "dec.0.ffn.hidden",
        "dec.0.ffn.out", "dec.0.resid_post", "dec.0.ln3", "dec.norm", "dec.logits", "dec.probs",
        "dec.predicted",  /* no target given: no dec.target, dec.loss, loss */
    };
    TinyRun r = {0};
    small_config(&r.cfg);
    r.cfg.enc_layers = r.cfg.dec_layers = 1;
    tiny_add_src(&r.cfg, "猫 追 老鼠");
    tiny_run_forward(&r, "model");
    assert_int_equal(r.a.n_slots, (int)(sizeof post_ln / sizeof *post_ln));
    for (int i = 0; i < r.a.n_slots; i++)
        assert_string_equal(r.a.slots[i].name, post_ln[i]);
    Record rec;
    activations_record(&r.a, activations_find(&r.a, "dec.0.cross_attn.weights"), &rec);
    assert_string_equal(rec.q_source, "dec.0.ln1");
    assert_string_equal(rec.kv_source, "enc.memory");
    assert_int_equal(rec.ndim, 3);
    assert_string_equal(rec.dim_names[0], "head");
    assert_int_equal(rec.dims[1], 1);  /* "<START>" */
    assert_int_equal(rec.dims[2], 3);
    assert_string_equal(rec.row_labels[0], "<START>");
    assert_string_equal(rec.col_labels[2], "老鼠");
    tiny_run_free(&r);

    /* pre-LN: each norm comes before its sublayer */
    TinyRun p = {0};
    small_config(&p.cfg);
    p.cfg.enc_layers = p.cfg.dec_layers = 1;
    p.cfg.norm = NORM_PRE;
    tiny_add_src(&p.cfg, "猫 追 老鼠");
    tiny_run_forward(&p, "model");
    assert_true(activations_find(&p.a, "enc.0.ln1") < activations_find(&p.a, "enc.0.attn.q"));
    assert_true(activations_find(&p.a, "dec.0.ln3") < activations_find(&p.a, "dec.0.ffn.hidden"));
    activations_record(&p.a, activations_find(&p.a, "enc.0.attn.q"), &rec);
    assert_string_equal(rec.q_source, "enc.0.ln1");
    tiny_run_free(&p);
}

/* Names in execution order around what the options add: the targets'
 * records after the probabilities, and each kind of positions where it
 * acts — a table before enc.input, and inside self-attention only. */
static void assert_order(const TinyRun *r, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        int at = activations_find(&r->a, names[i]);
        if (at < 0)
            fail_msg("no record %s", names[i]);
        if (i > 0 && at != activations_find(&r->a, names[i - 1]) + 1)
            fail_msg("%s does not come right after %s", names[i], names[i - 1]);
    }
}

static void test_record_names_with_options(void **state)
{
    (void)state;
    TinyRun r = {0};
    small_config(&r.cfg);
    r.cfg.enc_layers = r.cfg.dec_layers = 1;
    r.cfg.positions = POS_RELATIVE;
    tiny_add_src(&r.cfg, "猫 追 老鼠");
    tiny_add_tgt(&r.cfg, "cat chases");
    tiny_run_forward(&r, "model");
    static const char *const rel_enc[] = {"enc.embed", "enc.rel_buckets", "enc.input"};
    static const char *const rel_attn[] = {"enc.0.attn.scores", "enc.0.attn.bias", "enc.0.attn.mask",
                                           "enc.0.attn.masked"};
    static const char *const tail[] = {"dec.probs", "dec.predicted", "dec.target", "dec.loss", "loss"};
    assert_order(&r, rel_enc, 3);
    assert_order(&r, rel_attn, 4);
    assert_order(&r, tail, 5);
    assert_int_equal(r.a.n_slots - 1, activations_find(&r.a, "loss"));
    assert_true(activations_find(&r.a, "dec.0.self_attn.bias") >= 0);
    assert_int_equal(activations_find(&r.a, "dec.0.cross_attn.bias"), -1);
    assert_int_equal(activations_find(&r.a, "enc.pos"), -1);
    Record rec;
    activations_record(&r.a, activations_find(&r.a, "dec.rel_buckets"), &rec);
    assert_string_equal(rec.dim_names[0], "query");
    assert_string_equal(rec.dim_names[1], "key");
    activations_record(&r.a, activations_find(&r.a, "loss"), &rec);
    assert_int_equal(rec.ndim, 1);
    assert_int_equal(rec.dims[0], 1);
    assert_string_equal(rec.kind, "loss");
    tiny_run_free(&r);

    TinyRun p = {0};
    small_config(&p.cfg);
    p.cfg.enc_layers = p.cfg.dec_layers = 1;
    p.cfg.positions = POS_ROPE;
    tiny_add_src(&p.cfg, "猫 追 老鼠");
    tiny_run_forward(&p, "model");
    static const char *const rope_enc[] = {"enc.embed", "enc.rope_angles", "enc.input"};
    static const char *const rope_attn[] = {"dec.0.self_attn.v", "dec.0.self_attn.q_rot", "dec.0.self_attn.k_rot",
                                            "dec.0.self_attn.raw"};
    assert_order(&p, rope_enc, 3);
    assert_order(&p, rope_attn, 4);
    assert_int_equal(activations_find(&p.a, "dec.0.cross_attn.q_rot"), -1);
    activations_record(&p.a, activations_find(&p.a, "enc.rope_angles"), &rec);
    assert_string_equal(rec.dim_names[1], "pair");
    assert_int_equal(rec.dims[1], p.cfg.d_model / p.cfg.heads / 2);
    tiny_run_free(&p);

    TinyRun l = {0};
    small_config(&l.cfg);
    l.cfg.positions = POS_LEARNED;
    tiny_add_src(&l.cfg, "猫 追 老鼠");
    tiny_run_forward(&l, "model");
    activations_record(&l.a, activations_find(&l.a, "enc.pos"), &rec);
    assert_non_null(strstr(rec.formula, "src_pos_embedding.weight"));
    tiny_run_free(&l);
}

/* With residual = off a resid_* record holds the sublayer's output alone,
 * and its formula and description say so; with residual on they keep the
 * "x + ..." of the paper, and the slots that do not change keep theirs. */
static void test_residual_off_formulas(void **state)
{
    (void)state;
    static const struct {
        const char *name, *sublayer, *on, *off;
    } cases[] = {
        {"enc.0.resid_mid", "enc.0.attn.out", "x + SelfAttention(...)",
         "SelfAttention(...), x not added (residual = off)"},
        {"dec.0.resid_self", "dec.0.self_attn.out", "x + MaskedSelfAttention(...)",
         "MaskedSelfAttention(...), x not added (residual = off)"},
        {"dec.0.resid_cross", "dec.0.cross_attn.out", "x + CrossAttention(..., memory)",
         "CrossAttention(..., memory), x not added (residual = off)"},
        {"enc.1.resid_post", "enc.1.ffn.out", "x + FFN(...)", "FFN(...), x not added (residual = off)"},
        {"dec.1.resid_post", "dec.1.ffn.out", "x + FFN(...)", "FFN(...), x not added (residual = off)"},
    };
    for (int residual = 0; residual <= 1; residual++) {
        TinyRun r = {0};
        small_config(&r.cfg);
        r.cfg.residual = residual;
        tiny_add_src(&r.cfg, "猫 追 老鼠");
        tiny_add_tgt(&r.cfg, "cat chases");
        tiny_run_forward(&r, "model");
        Record rec;
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            activations_record(&r.a, activations_find(&r.a, cases[k].name), &rec);
            assert_string_equal(rec.formula, residual ? cases[k].on : cases[k].off);
            if (residual)
                assert_non_null(strstr(rec.description, "Residual sum"));
            else
                assert_non_null(strstr(rec.description, "alone (residual = off)"));
            /* the formula is true: off, the record is the sublayer's output */
            int i = activations_find(&r.a, cases[k].name);
            const float *x = tiny_slot(&r, cases[k].name), *sub = tiny_slot(&r, cases[k].sublayer);
            int same = memcmp(x, sub, r.a.slots[i].numel * sizeof *x) == 0;
            if (same != !residual)
                fail_msg("%s with residual %s: %s %s", cases[k].name, residual ? "on" : "off",
                         residual ? "equals" : "differs from", cases[k].sublayer);
        }
        activations_record(&r.a, activations_find(&r.a, "enc.0.ln1"), &rec);
        assert_string_equal(rec.formula, "LayerNorm_1(...)");
        activations_record(&r.a, activations_find(&r.a, "dec.0.ffn.out"), &rec);
        assert_string_equal(rec.formula, "hidden W_2^T + b_2");
        tiny_run_free(&r);
    }
}

/* The raw scores' formula says what this run multiplied: Q K^T, or the
 * rotated Q_rot K_rot^T where positions = rope rotates them (self-attention
 * only; cross-attention is never rotated). */
static void test_raw_formula_follows_positions(void **state)
{
    (void)state;
    static const PositionKind kinds[] = {POS_SINUSOIDAL, POS_NONE, POS_LEARNED, POS_RELATIVE, POS_ROPE};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        TinyRun r = {0};
        small_config(&r.cfg);
        r.cfg.positions = kinds[k];
        tiny_add_src(&r.cfg, "猫 追 老鼠");
        tiny_add_tgt(&r.cfg, "cat chases");
        tiny_run_forward(&r, "model");
        const char *rotated = kinds[k] == POS_ROPE ? "Q_rot K_rot^T (positions = rope)" : "Q K^T";
        static const char *const self[] = {"enc.0.attn.raw", "enc.1.attn.raw", "dec.0.self_attn.raw"};
        Record rec;
        for (size_t j = 0; j < sizeof self / sizeof self[0]; j++) {
            activations_record(&r.a, activations_find(&r.a, self[j]), &rec);
            if (strcmp(rec.formula, rotated) != 0)
                fail_msg("%s with positions = %s: formula \"%s\", want \"%s\"", self[j],
                         config_positions_name(kinds[k]), rec.formula, rotated);
        }
        activations_record(&r.a, activations_find(&r.a, "dec.0.cross_attn.raw"), &rec);
        assert_string_equal(rec.formula, "Q K^T");
        tiny_run_free(&r);
    }
}

/* Decoder-only: causal self-attention, no encoder, no cross-attention. */
static void test_decoder_only(void **state)
{
    (void)state;
    TinyRun r = {0};
    small_config(&r.cfg);
    r.cfg.arch = ARCH_DECODER_ONLY;
    r.cfg.enc_layers = 0;
    r.cfg.dec_layers = 3;
    tiny_add_src(&r.cfg, "<START> 我 爱 AI");
    tiny_run_forward(&r, "model");
    assert_int_equal(activations_find(&r.a, "enc.memory"), -1);
    assert_int_equal(activations_find(&r.a, "dec.0.cross_attn.q"), -1);
    assert_true(activations_find(&r.a, "dec.2.ln2") >= 0);
    const float *mask = tiny_slot(&r, "dec.1.self_attn.mask");
    const int T = r.b.Tt;
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++)
            assert_true(j > i ? mask[i * T + j] == -INFINITY : mask[i * T + j] == 0.0f);
    tiny_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attention_matches_plain_reference),
        cmocka_unit_test(test_weights_rows_and_masks),
        cmocka_unit_test(test_no_positions_is_permutation_equivariant),
        cmocka_unit_test(test_positions_break_permutation_equivariance),
        cmocka_unit_test(test_padding_leaves_real_tokens_unchanged),
        cmocka_unit_test(test_causal_mask_hides_the_future),
        cmocka_unit_test(test_layernorm_records_are_normalised),
        cmocka_unit_test(test_record_names_in_execution_order),
        cmocka_unit_test(test_record_names_with_options),
        cmocka_unit_test(test_residual_off_formulas),
        cmocka_unit_test(test_raw_formula_follows_positions),
        cmocka_unit_test(test_decoder_only),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
