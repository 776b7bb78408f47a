/* test_backprop.c — the whole model's backward pass against central finite
 * differences of its loss, on tiny models of every kind the forward builds
 * (encoder-decoder and decoder-only, post- and pre-LN, ReLU and GELU, every
 * kind of positions, padding in batches of sentences of different lengths,
 * label smoothing, residual = off, enc_layers ≠ dec_layers, the
 * switches scale = off, attn_temperature and ablate_head, and a training
 * pass's dropout with one fixed set of masks, which the reference applies
 * too).
 *
 * The method. The analytic gradient is model_backward's, from the float
 * forward. The numeric one differentiates a second forward written here in
 * double precision from the equations (reference_loss), reading the same
 * float weights:
 *     g_n = (L(p + h) − L(p − h)) / (actual step up + actual step down)
 * with h = FD_STEP and the actual steps what p ± h rounded to in float. In
 * double, L's rounding is ≈ 1e-16, so h can be small: truncation ≈ h²·L‴
 * ≈ 1e-8, noise ≈ 1e-12. (The float forward's own loss carries ≈ 1e-7 of
 * rounding at every step, which, divided by h, would swamp the small
 * gradients of a tiny model.) That the reference is the same function as
 * the engine is checked for every case: its loss equals model_backward's.
 * ReLU's kink is the one non-smooth point: a step that turns a unit on or
 * off is retried 10 and 100 times smaller (numeric_gradient).
 *
 * The criterion, per parameter tensor (the "relative error ≤ 1e-3
 * on every parameter tensor"):
 *     rel = ‖g_a − g_n‖₂ / max(‖g_a‖₂, ‖g_n‖₂, GRAD_FLOOR)  ≤ GRAD_REL_TOL
 * GRAD_FLOOR keeps a tensor whose true gradient is 0 from dividing float
 * rounding by rounding. A dropped term or a swapped transpose is off by
 * O(1) in this measure; the cases pass with rel ≈ 1e-6.
 *
 * The gradient of the residual stream (Grads.enc_stream / dec_stream) is
 * checked the same way for one config, by perturbing each element of each
 * layer's input inside the reference pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backward.h"
#include "core/ops.h"
#include "core/rng.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "model/positions.h"
#include "train/backprop.h"
#include "train/dropout.h"

#define GRAD_REL_TOL 1e-3  /* the bound, per tensor */
#define FD_STEP 1e-4       /* central-difference step (the reference loss is double) */
#define GRAD_FLOOR 1e-6    /* a gradient norm below this is float32 rounding of a zero */

typedef struct {
    const char *name;
    Architecture arch;
    NormPlacement norm;
    Activation act;
    PositionKind pos;
    bool residual, final_norm;
    int enc_layers, dec_layers;
    float smoothing;
    const char *src[3], *tgt[3];  /* NULL-terminated; B = number of tgt */
    bool scale_off;
    const char *temperature;      /* attn_temperature, or NULL for 1 */
    const char *ablate;           /* ablate_head, or NULL for none */
    float dropout;                /* > 0: one fixed set of dropout masks of this rate in the pass */
} GradCase;

/* Every variant the forward supports, each in at least one case; B > 1
 * cases have sentences of different lengths (padding masks, <PAD> targets). */
static const GradCase cases[] = {
    {"post_relu_sinusoidal_B2", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, true, true, 2, 2, 0.0f,
     {"a b c", "d e", NULL}, {"x y", "z w v", NULL}, false, NULL, NULL, 0.0f},
    {"pre_gelu_learned_B2_enc2_dec1", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_LEARNED, true, true, 2, 1, 0.0f,
     {"a b", "c d e f", NULL}, {"x y z", "w", NULL}, false, NULL, NULL, 0.0f},
    {"post_gelu_relative_B2_enc1_dec2_smooth", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_RELATIVE, true, true,
     1, 2, 0.1f, {"a b c d", "e", NULL}, {"x", "y z w v", NULL}, false, NULL, NULL, 0.0f},
    {"pre_relu_rope_B2", ARCH_ENCODER_DECODER, NORM_PRE, ACT_RELU, POS_ROPE, true, true, 2, 2, 0.0f,
     {"a b c", "d e f a", NULL}, {"x y z", "w v", NULL}, false, NULL, NULL, 0.0f},
    {"post_gelu_none_no_final_norm", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_NONE, true, false, 2, 2, 0.1f,
     {"a b c", NULL}, {"x y z w", NULL}, false, NULL, NULL, 0.0f},
    {"decoder_only_post_gelu_sinusoidal_B2", ARCH_DECODER_ONLY, NORM_POST, ACT_GELU, POS_SINUSOIDAL, true, true, 0,
     2, 0.0f, {NULL}, {"a b c d", "e f", NULL}, false, NULL, NULL, 0.0f},
    {"decoder_only_pre_relu_rope_B2", ARCH_DECODER_ONLY, NORM_PRE, ACT_RELU, POS_ROPE, true, true, 0, 3, 0.0f,
     {NULL}, {"a b c", "d e f g h", NULL}, false, NULL, NULL, 0.0f},
    {"decoder_only_pre_gelu_relative_smooth", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_RELATIVE, true, true, 0, 2,
     0.2f, {NULL}, {"a b c d e", "f", NULL}, false, NULL, NULL, 0.0f},
    {"decoder_only_post_relu_learned_no_final_norm", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_LEARNED, true,
     false, 0, 2, 0.0f, {NULL}, {"a b c d", NULL}, false, NULL, NULL, 0.0f},
    {"residual_off_post_gelu_B2_enc1_dec2", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_SINUSOIDAL, false, true,
     1, 2, 0.0f, {"a b c", "d e", NULL}, {"x y", "z w v", NULL}, false, NULL, NULL, 0.0f},
    {"residual_off_pre_relu_rope_B2", ARCH_ENCODER_DECODER, NORM_PRE, ACT_RELU, POS_ROPE, false, true, 2, 2, 0.0f,
     {"a b", "c d e", NULL}, {"x y z", "w", NULL}, false, NULL, NULL, 0.0f},
    {"residual_off_decoder_only_pre_gelu_learned", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_LEARNED, false, true,
     0, 3, 0.0f, {NULL}, {"a b c d", "e f g", NULL}, false, NULL, NULL, 0.0f},
    {"scale_off_post_relu_B2", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, true, true, 2, 2, 0.0f,
     {"a b c", "d e", NULL}, {"x y", "z w v", NULL}, true, NULL, NULL, 0.0f},
    {"temperature_3_pre_gelu_relative_B2", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_RELATIVE, true, true, 2, 2,
     0.0f, {"a b c d", "e", NULL}, {"x", "y z w v", NULL}, false, "3", NULL, 0.0f},
    {"decoder_only_scale_off_temperature_0.7_rope", ARCH_DECODER_ONLY, NORM_PRE, ACT_RELU, POS_ROPE, true, true, 0,
     2, 0.0f, {NULL}, {"a b c", "d e f g h", NULL}, true, "0.7", NULL, 0.0f},
    {"ablated_heads_post_gelu_B2", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_SINUSOIDAL, true, true, 2, 2, 0.0f,
     {"a b c", "d e", NULL}, {"x y", "z w v", NULL}, false, NULL, "enc.1.0,dec.0.self.1,dec.1.cross.0", 0.0f},
    {"decoder_only_ablated_head_learned", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_LEARNED, true, true, 0, 2,
     0.0f, {NULL}, {"a b c d", "e f", NULL}, false, NULL, "dec.1.0", 0.0f},
    {"dropout_0.3_post_gelu_learned_B2", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_LEARNED, true, true, 2, 2,
     0.0f, {"a b c", "d e", NULL}, {"x y", "z w v", NULL}, false, NULL, NULL, 0.3f},
    {"dropout_0.3_pre_relu_sinusoidal_B2_smooth", ARCH_ENCODER_DECODER, NORM_PRE, ACT_RELU, POS_SINUSOIDAL, true,
     true, 1, 2, 0.1f, {"a b c d", "e", NULL}, {"x", "y z w v", NULL}, false, NULL, NULL, 0.3f},
    {"dropout_0.5_decoder_only_pre_gelu_rope", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_ROPE, true, true, 0, 2,
     0.0f, {NULL}, {"a b c d e", "f g", NULL}, false, NULL, NULL, 0.5f},
};

/* One tiny model with its batch, activations and gradients. */
typedef struct {
    const GradCase *gc;
    Config cfg;
    Model m;
    Batch b;
    Activations a;
    Grads g;
    float loss;
    WeightEntry *params, *grads;  /* the same entries, pointing into m.w and g.w */
    int n_params;
    Dropout drop;                 /* gc->dropout > 0: the pass's masks, drawn once */
} Fixture;

/* The dropout masks of the fixture's pass, for the reference to apply too (or NULL). */
static const DropoutMasks *ref_drop;

static void case_config(Config *c, const GradCase *gc)
{
    config_defaults(c);
    c->arch = gc->arch;
    c->d_model = 8;
    c->heads = 2;
    c->d_ff = 12;
    c->enc_layers = gc->enc_layers;
    c->dec_layers = gc->dec_layers;
    c->max_len = 8;
    c->norm = gc->norm;
    c->final_norm = gc->final_norm;
    c->residual = gc->residual;
    c->activation = gc->act;
    c->positions = gc->pos;
    c->rel_buckets = 6;  /* small enough that every bucket sees a pair, far ones shared */
    c->rel_max_distance = 5;
    c->seed = 7;
    snprintf(c->vocab, sizeof c->vocab, "%s", "a b c d e f g h x y z w v");
    c->scale = !gc->scale_off;
    Error err;
    if (gc->temperature)
        assert_int_equal(config_set(c, "attn_temperature", gc->temperature, NULL, &err), TF_OK);
    if (gc->ablate)
        assert_int_equal(config_set(c, "ablate_head", gc->ablate, NULL, &err), TF_OK);
    for (int i = 0; gc->src[i]; i++)
        snprintf(c->src[c->n_src++], sizeof c->src[0], "%s", gc->src[i]);
    for (int i = 0; gc->tgt[i]; i++)
        snprintf(c->tgt[c->n_tgt++], sizeof c->tgt[0], "%s", gc->tgt[i]);
}

/* Seeded weights, then every value nudged, so that the zero biases and
 * unit gains of the initialisation are not special points. */
static void roughen(Weights *w, uint64_t seed)
{
    Rng r;
    rng_seed(&r, seed, 3);
    for (size_t i = 0; i < w->numel; i++)
        w->block[i] += rng_range(&r, -0.2f, 0.2f);
}

static void fixture_start(Fixture *f, const GradCase *gc)
{
    Error err = {{0}, {0}};
    memset(f, 0, sizeof *f);
    f->gc = gc;
    case_config(&f->cfg, gc);
    if (config_validate(&f->cfg, &err) != TF_OK)
        fail_msg("%s: config: %s", gc->name, err.msg);
    assert_int_equal(model_init_random(&f->m, &f->cfg, &err), TF_OK);
    roughen(&f->m.w, 11);
    if (batch_build(&f->b, &f->m.cfg, &f->m.vocab, NULL, NULL, &err) != TF_OK)
        fail_msg("%s: batch_build: %s", gc->name, err.msg);
    assert_non_null(f->b.target);
    assert_int_equal(activations_init(&f->a, &f->m, &f->b, &err), TF_OK);
    if (gc->dropout > 0) {
        assert_int_equal(dropout_init(&f->drop, gc->dropout, 5, 9, &f->m.cfg, f->b.B, f->b.Ts, f->b.Tt, &err), TF_OK);
        dropout_draw(&f->drop);
        f->a.dropout = &f->drop.masks;
    }
    ref_drop = f->a.dropout;
    model_forward(&f->m, &f->b, &f->a);
    assert_int_equal(backprop_grads_alloc(&f->g, &f->m, f->b.B, f->b.Ts, f->b.Tt, &err), TF_OK);
    if (model_backward(&f->m, &f->b, &f->a, gc->smoothing, &f->g, &f->loss, &err) != TF_OK)
        fail_msg("%s: model_backward: %s", gc->name, err.msg);
    f->n_params = weights_entries(&f->m.cfg, f->m.vocab.size, &f->m.w, &f->params);
    assert_int_equal(weights_entries(&f->m.cfg, f->m.vocab.size, &f->g.w, &f->grads), f->n_params);
}

static void fixture_end(Fixture *f)
{
    free(f->params);
    free(f->grads);
    dropout_free(&f->drop);
    ref_drop = NULL;
    backprop_grads_free(&f->g);
    activations_free(&f->a);
    batch_free(&f->b);
    model_free(&f->m);
}

/* ---- the same model in double precision -------------------------------- */

/* A second forward pass, plain loops in double written from the equations,
 * reading the model's float weights: the function whose finite differences
 * the float backward is compared with. The float forward's own loss would
 * do in principle, but its rounding (≈ 1e-7 of the loss, a new draw at
 * every step) divided by the step swamps the small gradients of a tiny
 * model; this one's noise is ≈ 1e-16. It must agree with the engine's loss
 * (checked for every case), so it is the same function. */

enum { MAXT = 8, MAXW = 16, MAXV = 24 };  /* positions, widths (d, F, 3d/h ...), vocabulary */
typedef double Mat[MAXT][MAXW];

/* Which ReLU units are on, in the order the reference meets them: a step
 * that changes any of them crossed a kink. */
static unsigned char relu_sig[1 << 14];
static int relu_n;

/* A perturbation of the residual stream: delta added to element (t, i) of
 * the input of layer `layer` (layer = layers: the stack's output) of
 * sentence s's encoder (enc) or decoder. layer < 0: none. */
typedef struct {
    int enc, layer, s, t, i;
    double delta;
} Probe;

static void ref_linear(Mat y, Mat x, const float *W, const float *b, int T, int k, int m)
{
    for (int t = 0; t < T; t++)
        for (int j = 0; j < m; j++) {
            double acc = b ? b[j] : 0.0;
            for (int i = 0; i < k; i++)
                acc += x[t][i] * W[(size_t)j * k + i];
            y[t][j] = acc;
        }
}

static void ref_layernorm(Mat y, Mat x, const float *g, const float *b, int T, int d, double eps)
{
    for (int t = 0; t < T; t++) {
        double mean = 0.0, var = 0.0;
        for (int i = 0; i < d; i++)
            mean += x[t][i];
        mean /= d;
        for (int i = 0; i < d; i++)
            var += (x[t][i] - mean) * (x[t][i] - mean);
        var /= d;
        for (int i = 0; i < d; i++)
            y[t][i] = (x[t][i] - mean) / sqrt(var + eps) * g[i] + b[i];
    }
}

/* Turn pairs (2c, 2c+1) of each head of row x by pos·10000^(−2c/dk). */
static void ref_rotate(double *x, int pos, int h, int dk)
{
    for (int hh = 0; hh < h; hh++)
        for (int c = 0; 2 * c + 1 < dk; c++) {
            const double a = pos * pow(10000.0, -2.0 * c / dk);
            double *p = x + hh * dk + 2 * c, x0 = p[0], x1 = p[1];
            p[0] = x0 * cos(a) - x1 * sin(a);
            p[1] = x0 * sin(a) + x1 * cos(a);
        }
}

typedef struct {
    bool rope;
    const float *table;  /* (NB, h) relative bias, or NULL */
    int bidirectional;
} RefPos;

/* Multi-head attention; key j is blocked when j ≥ key_len or (causal) j > i. */
static void ref_attention(Mat y, Mat xq, Mat xkv, const float *in_w, const float *in_b, const float *out_w,
                          const float *out_b, int Tq, int Tk, int key_len, bool causal, const RefPos *pos,
                          const Config *c, AblateBlock which, int layer)
{
    static Mat q, k, v, concat;
    const int d = c->d_model, h = c->heads, dk = d / h;
    ref_linear(q, xq, in_w, in_b, Tq, d, d);
    ref_linear(k, xkv, in_w + (size_t)d * d, in_b + d, Tk, d, d);
    ref_linear(v, xkv, in_w + (size_t)2 * d * d, in_b + 2 * d, Tk, d, d);
    if (pos && pos->rope) {
        for (int t = 0; t < Tq; t++)
            ref_rotate(q[t], t, h, dk);
        for (int t = 0; t < Tk; t++)
            ref_rotate(k[t], t, h, dk);
    }
    for (int hh = 0; hh < h; hh++)
        for (int i = 0; i < Tq; i++) {
            double s[MAXT], max = -INFINITY, sum = 0.0;
            bool open[MAXT];
            for (int j = 0; j < Tk; j++) {
                open[j] = j < key_len && !(causal && j > i);
                s[j] = 0.0;
                for (int e = 0; e < dk; e++)
                    s[j] += q[i][hh * dk + e] * k[j][hh * dk + e];
                if (c->scale)
                    s[j] /= sqrt((double)dk);
                s[j] /= c->attn_temperature;
                if (pos && pos->table)
                    s[j] += pos->table[positions_relative_bucket(j - i, pos->bidirectional, c->rel_buckets,
                                                                 c->rel_max_distance) * h + hh];
                if (open[j] && s[j] > max)
                    max = s[j];
            }
            for (int j = 0; j < Tk; j++)
                sum += open[j] ? exp(s[j] - max) : 0.0;
            for (int e = 0; e < dk; e++) {
                double z = 0.0;
                for (int j = 0; j < Tk; j++)
                    if (open[j])
                        z += exp(s[j] - max) / sum * v[j][hh * dk + e];
                concat[i][hh * dk + e] = config_head_ablated(c, which, layer, hh) ? 0.0 : z;
            }
        }
    ref_linear(y, concat, out_w, out_b, Tq, d, d);
}

static void ref_ffn(Mat y, Mat x, const float *w1, const float *b1, const float *w2, const float *b2, int T,
                    const Config *c)
{
    static Mat hidden;
    ref_linear(hidden, x, w1, b1, T, c->d_model, c->d_ff);
    for (int t = 0; t < T; t++)
        for (int i = 0; i < c->d_ff; i++) {
            const double u = hidden[t][i];
            if (c->activation == ACT_GELU) {
                hidden[t][i] = 0.5 * u * (1.0 + erf(u / sqrt(2.0)));
            } else {
                if (relu_n < (int)sizeof relu_sig)
                    relu_sig[relu_n++] = u > 0.0;
                hidden[t][i] = u > 0.0 ? u : 0.0;
            }
        }
    ref_linear(y, hidden, w2, b2, T, c->d_ff, c->d_model);
}

/* One block: a sublayer (attention when in_w, else the FFN) with its norm
 * and residual, as layers.h describes them, residual = off included. */
typedef struct {
    const float *in_w, *in_b, *out_w, *out_b;
    const float *w1, *b1, *w2, *b2;
    const float *g, *b;
    Mat *memory;       /* cross-attention: the keys' rows */
    int Tk, key_len;
    bool causal;
    const RefPos *pos;
    AblateBlock which;  /* attention: which block of layer `layer`, for ablate_head */
    int layer;
    const float *drop;  /* (T, d) the sublayer's dropout mask, or NULL */
} RefBlock;

static void ref_block(Mat x, const RefBlock *blk, const Config *c, int T)
{
    static Mat in, out;
    const int d = c->d_model;
    if (c->norm == NORM_PRE)
        ref_layernorm(in, x, blk->g, blk->b, T, d, c->ln_eps);
    else
        memcpy(in, x, sizeof(Mat));
    if (blk->in_w)
        ref_attention(out, in, blk->memory ? *blk->memory : in, blk->in_w, blk->in_b, blk->out_w, blk->out_b, T,
                      blk->memory ? blk->Tk : T, blk->key_len, blk->causal, blk->pos, c, blk->which, blk->layer);
    else
        ref_ffn(out, in, blk->w1, blk->b1, blk->w2, blk->b2, T, c);
    if (blk->drop)
        for (int t = 0; t < T; t++)
            for (int i = 0; i < d; i++)
                out[t][i] *= blk->drop[(size_t)t * d + i];
    for (int t = 0; t < T; t++)
        for (int i = 0; i < d; i++)
            out[t][i] += c->residual ? x[t][i] : 0.0;
    if (c->norm == NORM_PRE)
        memcpy(x, out, sizeof(Mat));
    else
        ref_layernorm(x, out, blk->g, blk->b, T, d, c->ln_eps);
}

static void ref_embed(Mat x, const float *table, const float *pos_table, const int *ids, int T, const Config *c)
{
    const int d = c->d_model;
    for (int t = 0; t < T; t++)
        for (int i = 0; i < d; i++) {
            double pe = 0.0;
            if (c->positions == POS_SINUSOIDAL)
                pe = i % 2 ? cos(t / pow(10000.0, (double)(i - 1) / d)) : sin(t / pow(10000.0, (double)i / d));
            else if (c->positions == POS_LEARNED)
                pe = pos_table[(size_t)t * d + i];
            x[t][i] = table[(size_t)ids[t] * d + i] * sqrt((double)d) + pe;
        }
}

/* x (T, d) *= the stack input's dropout mask of sentence s, if any. */
static void ref_drop_input(Mat x, int enc, int s, int T, int d)
{
    const float *mask = dropout_mask(ref_drop, enc, -1, DROP_SELF, s);
    if (mask)
        for (int t = 0; t < T; t++)
            for (int i = 0; i < d; i++)
                x[t][i] *= mask[(size_t)t * d + i];
}

static void apply_probe(Mat x, const Probe *p, int enc, int layer, int s)
{
    if (p && p->layer == layer && p->enc == enc && p->s == s)
        x[p->t][p->i] += p->delta;
}

/* The teacher-forcing loss of the whole batch, in double. */
static double reference_loss(const Model *m, const Batch *bt, double eps, const Probe *probe)
{
    const Config *c = &m->cfg;
    const Weights *w = &m->w;
    const int Ts = bt->Ts, Tt = bt->Tt, d = c->d_model, V = m->vocab.size;
    const bool enc_dec = c->arch == ARCH_ENCODER_DECODER;
    const bool rel = c->positions == POS_RELATIVE, rope = c->positions == POS_ROPE;
    const RefPos enc_pos = {rope, rel ? w->enc_rel_bias : NULL, 1};
    const RefPos dec_pos = {rope, rel ? w->dec_rel_bias : NULL, 0};
    static Mat memory, y, tmp;
    double total = 0.0;
    int counted = 0;
    relu_n = 0;
    for (int s = 0; s < bt->B; s++) {
        if (enc_dec) {
            ref_embed(memory, w->src_embed, w->src_pos_embed, bt->src + (size_t)s * Ts, Ts, c);
            ref_drop_input(memory, 1, s, Ts, d);
            for (int l = 0; l < c->enc_layers; l++) {
                const EncLayerWeights *e = &w->enc[l];
                const RefBlock attn = {e->self_attn_in_w, e->self_attn_in_b, e->self_attn_out_w, e->self_attn_out_b,
                                       NULL, NULL, NULL, NULL, e->norm1_w, e->norm1_b, NULL, Ts, bt->src_len[s],
                                       false, &enc_pos, ABLATE_ENC, l, dropout_mask(ref_drop, 1, l, DROP_SELF, s)};
                const RefBlock ffn = {NULL, NULL, NULL, NULL, e->ff1_w, e->ff1_b, e->ff2_w, e->ff2_b,
                                      e->norm2_w, e->norm2_b, NULL, 0, 0, false, NULL, ABLATE_ENC, l,
                                      dropout_mask(ref_drop, 1, l, DROP_FFN, s)};
                apply_probe(memory, probe, 1, l, s);
                ref_block(memory, &attn, c, Ts);
                ref_block(memory, &ffn, c, Ts);
            }
            apply_probe(memory, probe, 1, c->enc_layers, s);
            if (c->final_norm) {
                ref_layernorm(tmp, memory, w->enc_norm_w, w->enc_norm_b, Ts, d, c->ln_eps);
                memcpy(memory, tmp, sizeof(Mat));
            }
        }
        ref_embed(y, w->tgt_embed, w->tgt_pos_embed, bt->tgt + (size_t)s * Tt, Tt, c);
        ref_drop_input(y, 0, s, Tt, d);
        for (int l = 0; l < c->dec_layers; l++) {
            const DecLayerWeights *e = &w->dec[l];
            const RefBlock self = {e->self_attn_in_w, e->self_attn_in_b, e->self_attn_out_w, e->self_attn_out_b,
                                   NULL, NULL, NULL, NULL, e->norm1_w, e->norm1_b, NULL, Tt, bt->tgt_len[s], true,
                                   &dec_pos, ABLATE_DEC_SELF, l, dropout_mask(ref_drop, 0, l, DROP_SELF, s)};
            const RefBlock cross = {e->multihead_attn_in_w, e->multihead_attn_in_b, e->multihead_attn_out_w,
                                    e->multihead_attn_out_b, NULL, NULL, NULL, NULL, e->norm2_w, e->norm2_b,
                                    &memory, Ts, enc_dec ? bt->src_len[s] : 0, false, NULL, ABLATE_DEC_CROSS, l,
                                    dropout_mask(ref_drop, 0, l, DROP_CROSS, s)};
            const RefBlock ffn = {NULL, NULL, NULL, NULL, e->ff1_w, e->ff1_b, e->ff2_w, e->ff2_b,
                                  enc_dec ? e->norm3_w : e->norm2_w, enc_dec ? e->norm3_b : e->norm2_b, NULL, 0, 0,
                                  false, NULL, ABLATE_DEC_SELF, l, dropout_mask(ref_drop, 0, l, DROP_FFN, s)};
            apply_probe(y, probe, 0, l, s);
            ref_block(y, &self, c, Tt);
            if (enc_dec)
                ref_block(y, &cross, c, Tt);
            ref_block(y, &ffn, c, Tt);
        }
        apply_probe(y, probe, 0, c->dec_layers, s);
        if (c->final_norm) {
            ref_layernorm(tmp, y, w->dec_norm_w, w->dec_norm_b, Tt, d, c->ln_eps);
            memcpy(y, tmp, sizeof(Mat));
        }
        for (int t = 0; t < Tt; t++) {
            const int target = bt->target[(size_t)s * Tt + t];
            if (target == TOK_PAD)
                continue;
            double logits[MAXV], max = -INFINITY, sum = 0.0, mean = 0.0;
            for (int v = 0; v < V; v++) {
                logits[v] = w->gen_b[v];
                for (int i = 0; i < d; i++)
                    logits[v] += y[t][i] * w->gen_w[(size_t)v * d + i];
                max = logits[v] > max ? logits[v] : max;
                mean += logits[v] / V;
            }
            for (int v = 0; v < V; v++)
                sum += exp(logits[v] - max);
            const double lse = max + log(sum);
            total += (1.0 - eps) * (lse - logits[target]) + eps * (lse - mean);
            counted++;
        }
    }
    return total / counted;
}

/* ---- finite differences -------------------------------------------------- */

/* What to differentiate: the reference loss as a function of one float
 * parameter, or of one element of a stream (probe). */
typedef struct {
    Fixture *f;
    unsigned char base_sig[sizeof relu_sig];  /* the unperturbed pass's ReLU units */
    int base_n;
    int retried, skipped;
} Differ;

static void differ_start(Differ *df, Fixture *f)
{
    memset(df, 0, sizeof *df);
    df->f = f;
    reference_loss(&f->m, &f->b, f->gc->smoothing, NULL);
    df->base_n = relu_n;
    memcpy(df->base_sig, relu_sig, (size_t)relu_n);
}

static bool kink_crossed(const Differ *df)
{
    return relu_n != df->base_n || memcmp(relu_sig, df->base_sig, (size_t)relu_n) != 0;
}

/* (L(x + h) − L(x − h)) / (2h) for the value the probe or p points at.
 * A float parameter moves by what p ± h rounds to; that actual step is
 * what divides. */
static double central(Differ *df, float *p, Probe *probe, double h, bool *crossed)
{
    const Model *m = &df->f->m;
    const Batch *b = &df->f->b;
    const double eps = df->f->gc->smoothing;
    double up = h, down = h, l_up, l_down;
    if (p) {
        const float orig = *p;
        *p = (float)(orig + h);
        up = (double)*p - orig;
        l_up = reference_loss(m, b, eps, NULL);
        *crossed = *crossed || kink_crossed(df);
        *p = (float)(orig - h);
        down = orig - (double)*p;
        l_down = reference_loss(m, b, eps, NULL);
        *crossed = *crossed || kink_crossed(df);
        *p = orig;
    } else {
        probe->delta = h;
        l_up = reference_loss(m, b, eps, probe);
        *crossed = *crossed || kink_crossed(df);
        probe->delta = -h;
        l_down = reference_loss(m, b, eps, probe);
        *crossed = *crossed || kink_crossed(df);
    }
    return (l_up - l_down) / (up + down);
}

/* ∂L/∂x by central differences with step FD_STEP; a step that turns a ReLU
 * unit on or off (a kink, where the slope jumps) is retried 10 and 100
 * times smaller. If every step crosses one, the value is left out of the
 * comparison (NAN) and counted. */
static double numeric_gradient(Differ *df, float *p, Probe *probe)
{
    double h = FD_STEP;
    for (int tries = 0; tries < 3; tries++, h /= 10.0) {
        bool crossed = false;
        const double g = central(df, p, probe, h, &crossed);
        if (!crossed) {
            df->retried += tries > 0;
            return g;
        }
    }
    df->skipped++;
    return NAN;
}

/* The criterion above for one tensor; prints the details when it fails.
 * Returns rel. */
static double compare_tensor(const char *config, const char *tensor, const float *ga, const double *gn, size_t n,
                             int *failed)
{
    double diff2 = 0.0, a2 = 0.0, n2 = 0.0, amax = 0.0, max_diff = 0.0;
    size_t at_max = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(gn[i]))
            continue;  /* no step could measure it (a ReLU kink) */
        double dlt = ga[i] - gn[i];
        diff2 += dlt * dlt;
        a2 += (double)ga[i] * ga[i];
        n2 += gn[i] * gn[i];
        amax = fmax(amax, fmax(fabs(ga[i]), fabs(gn[i])));
        if (fabs(dlt) > max_diff) {
            max_diff = fabs(dlt);
            at_max = i;
        }
    }
    double rel = sqrt(diff2) / fmax(fmax(sqrt(a2), sqrt(n2)), GRAD_FLOOR);
    if (rel <= GRAD_REL_TOL)
        return rel;
    /* The first value off by more than the tolerance of the tensor's largest. */
    size_t first = at_max;
    for (size_t i = 0; i < n; i++)
        if (!isnan(gn[i]) && fabs(ga[i] - gn[i]) > GRAD_REL_TOL * amax) {
            first = i;
            break;
        }
    fprintf(stderr,
            "backprop: config %s: tensor %s: relative error %.3g > %g\n"
            "  first bad index %zu: analytic %.9g, numeric %.9g\n"
            "  max |diff| %.3g at index %zu (analytic %.9g, numeric %.9g); norms analytic %.4g numeric %.4g\n",
            config, tensor, rel, GRAD_REL_TOL, first, (double)ga[first], gn[first], max_diff, at_max,
            (double)ga[at_max], gn[at_max], sqrt(a2), sqrt(n2));
    ++*failed;
    return rel;
}

static size_t entry_numel(const WeightEntry *e)
{
    return (size_t)e->rows * (size_t)(e->cols ? e->cols : 1);
}

/* Every parameter tensor of one case against finite differences. */
static void check_case(const GradCase *gc)
{
    Fixture f;
    fixture_start(&f, gc);
    /* The reference is the same function: its loss is model_backward's. */
    const double ref = reference_loss(&f.m, &f.b, gc->smoothing, NULL);
    if (!(fabs(ref - f.loss) <= 1e-5 * (1.0 + fabs(ref))))
        fail_msg("backprop: config %s: reference loss %.9g, model_backward's %.9g", gc->name, ref, (double)f.loss);

    int failed = 0;
    double worst = 0.0;
    const char *worst_name = "-";
    Differ df;
    differ_start(&df, &f);
    for (int e = 0; e < f.n_params; e++) {
        const size_t n = entry_numel(&f.params[e]);
        float *p = *f.params[e].slot;
        const float *ga = *f.grads[e].slot;
        double *gn = malloc(n * sizeof *gn);
        assert_non_null(gn);
        for (size_t i = 0; i < n; i++)
            gn[i] = numeric_gradient(&df, p + i, NULL);
        double rel = compare_tensor(gc->name, f.params[e].name, ga, gn, n, &failed);
        if (rel > worst) {
            worst = rel;
            worst_name = f.params[e].name;
        }
        free(gn);
    }
    printf("backprop %-46s %2d tensors, loss %.4f: worst relative error %.2e (%s)", gc->name, f.n_params,
           (double)f.loss, worst, worst_name);
    if (df.retried || df.skipped)
        printf("; ReLU kinks: %d values with a smaller step, %d of %zu left out", df.retried, df.skipped,
               f.g.w.numel);
    printf("\n");
    fixture_end(&f);
    if (failed)
        fail_msg("backprop: config %s: %d parameter tensors differ from finite differences", gc->name, failed);
}

static void test_parameter_gradients(void **state)
{
    check_case(*state);
}

/* ---- the residual stream ------------------------------------------------- */

/* Every row of a stream (each layer's input, and the stack's output) by
 * finite differences of the reference loss in that element. */
static void check_stream(Fixture *f, int enc, int *failed, double *worst)
{
    const Config *c = &f->m.cfg;
    const int L = enc ? c->enc_layers : c->dec_layers, T = enc ? f->b.Ts : f->b.Tt, d = c->d_model, B = f->b.B;
    const float *stream = enc ? f->g.enc_stream : f->g.dec_stream;
    const size_t n = (size_t)T * d;
    double *gn = malloc(n * sizeof *gn);
    assert_non_null(gn);
    Differ df;
    differ_start(&df, f);
    for (int l = 0; l <= L; l++)
        for (int s = 0; s < B; s++) {
            for (size_t k = 0; k < n; k++) {
                Probe p = {enc, l, s, (int)(k / d), (int)(k % d), 0.0};
                gn[k] = numeric_gradient(&df, NULL, &p);
            }
            char name[64];
            snprintf(name, sizeof name, "%s_stream[%d][sentence %d]", enc ? "enc" : "dec", l, s);
            *worst = fmax(*worst, compare_tensor(f->gc->name, name, stream + ((size_t)l * B + s) * n, gn, n, failed));
        }
    free(gn);
}

static void test_stream_gradients(void **state)
{
    const GradCase *gc = *state;
    Fixture f;
    fixture_start(&f, gc);
    int failed = 0;
    double worst = 0.0;
    if (f.m.cfg.arch == ARCH_ENCODER_DECODER)
        check_stream(&f, 1, &failed, &worst);
    check_stream(&f, 0, &failed, &worst);
    /* <PAD> rows get nothing: no loss reaches them, and the masks keep them
     * from reaching real rows. */
    const int d = f.m.cfg.d_model;
    for (int l = 0; l <= f.m.cfg.dec_layers; l++)
        for (int s = 0; s < f.b.B; s++)
            for (int t = f.b.tgt_len[s]; t < f.b.Tt; t++)
                for (int j = 0; j < d; j++)
                    assert_true(f.g.dec_stream[(((size_t)l * f.b.B + s) * f.b.Tt + t) * d + j] == 0.0f);
    printf("backprop streams %-38s %d enc + %d dec rows: worst relative error %.2e\n", gc->name,
           f.g.enc_stream ? f.m.cfg.enc_layers + 1 : 0, f.m.cfg.dec_layers + 1, worst);
    fixture_end(&f);
    if (failed)
        fail_msg("backprop: config %s: %d stream gradients differ from finite differences", gc->name, failed);
}

/* The lesson's claim, measured: through a deep stack without residual
 * connections the gradient reaching the first layer is over ten times smaller than
 * with them (the same weights otherwise). */
static double first_to_last(const GradCase *gc, bool residual)
{
    GradCase c = *gc;
    c.residual = residual;
    Fixture f;
    fixture_start(&f, &c);
    const size_t n = (size_t)f.b.B * f.b.Tt * f.m.cfg.d_model;
    const float *first = f.g.dec_stream, *last = f.g.dec_stream + (size_t)f.m.cfg.dec_layers * n;
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < n; i++) {
        a += (double)first[i] * first[i];
        b += (double)last[i] * last[i];
    }
    fixture_end(&f);
    return sqrt(a / b);
}

static void test_without_residuals_gradients_fade(void **state)
{
    (void)state;
    const GradCase deep = {"decoder_only_post_8_layers", ARCH_DECODER_ONLY, NORM_POST, ACT_GELU, POS_SINUSOIDAL,
                           true, true, 0, 8, 0.0f, {NULL}, {"a b c d e", "f g", NULL}, false, NULL, NULL, 0.0f};
    const double with = first_to_last(&deep, true), without = first_to_last(&deep, false);
    printf("backprop: 8 post-LN layers, |grad at layer 0 input| / |grad at the stack output|: "
           "residual on %.3g, off %.3g\n", with, without);
    assert_true(without < 0.1 * with);  /* measured: 0.60 with, 0.019 without */
}

/* residual = off in the forward: each resid_* record holds its sublayer's
 * output exactly (nothing added), in both norm placements and both stacks. */
static void test_residual_off_records(void **state)
{
    (void)state;
    for (int k = 9; k <= 10; k++) {  /* residual off, post-LN and pre-LN, encoder-decoder */
        Fixture f;
        fixture_start(&f, &cases[k]);
        const Activations *a = &f.a;
        const size_t ns = (size_t)f.b.B * f.b.Ts * f.m.cfg.d_model, nt = (size_t)f.b.B * f.b.Tt * f.m.cfg.d_model;
        for (int l = 0; l < f.m.cfg.enc_layers; l++) {
            assert_memory_equal(a->enc[l].resid_mid, a->enc[l].attn.out, ns * sizeof(float));
            assert_memory_equal(a->enc[l].resid_post, a->enc[l].ffn_out, ns * sizeof(float));
        }
        for (int l = 0; l < f.m.cfg.dec_layers; l++) {
            assert_memory_equal(a->dec[l].resid_self, a->dec[l].self_attn.out, nt * sizeof(float));
            assert_memory_equal(a->dec[l].resid_cross, a->dec[l].cross_attn.out, nt * sizeof(float));
            assert_memory_equal(a->dec[l].resid_post, a->dec[l].ffn_out, nt * sizeof(float));
        }
        fixture_end(&f);
    }
}

/* The rotary twin on its own: a rotation is linear, so its backward must
 * be its adjoint, ⟨rope(x), g⟩ = ⟨x, rope_backward(g)⟩, at every position. */
static void test_rope_backward_is_the_adjoint(void **state)
{
    (void)state;
    enum { T = 5, DK = 6 };
    float x[T * DK], g[T * DK], rx[T * DK], dx[T * DK];
    Rng r;
    rng_seed(&r, 5, 1);
    for (int i = 0; i < T * DK; i++) {
        x[i] = rng_range(&r, -1.0f, 1.0f);
        g[i] = rng_range(&r, -1.0f, 1.0f);
        dx[i] = 0.5f;  /* += onto what is there */
    }
    positions_rope_rotate(rx, x, 3, T, DK);
    rope_backward(dx, g, 3, T, DK);
    double lhs = 0.0, rhs = 0.0;
    for (int i = 0; i < T * DK; i++) {
        lhs += (double)rx[i] * g[i];
        rhs += (double)x[i] * (dx[i] - 0.5f);
    }
    assert_true(fabs(lhs - rhs) < 1e-5);
    /* A rotation keeps lengths: the gradient's norm too. */
    double n_g = 0.0, n_dx = 0.0;
    for (int i = 0; i < T * DK; i++) {
        n_g += (double)g[i] * g[i];
        n_dx += (double)(dx[i] - 0.5f) * (dx[i] - 0.5f);
    }
    assert_true(fabs(n_g - n_dx) < 1e-5);
}

/* ---- the contract -------------------------------------------------------- */

/* A second backward adds the same again; backprop_grads_zero clears everything. */
static void test_accumulates_and_zeroes(void **state)
{
    (void)state;
    Fixture f;
    fixture_start(&f, &cases[0]);
    const size_t n = f.g.w.numel;
    float *once = malloc(n * sizeof *once);
    assert_non_null(once);
    memcpy(once, f.g.w.block, n * sizeof *once);
    Error err = {{0}, {0}};
    float loss2;
    assert_int_equal(model_backward(&f.m, &f.b, &f.a, 0.0f, &f.g, &loss2, &err), TF_OK);
    assert_true(loss2 == f.loss);
    for (size_t i = 0; i < n; i++)
        assert_true(fabsf(f.g.w.block[i] - 2.0f * once[i]) <= 1e-6f * (1.0f + fabsf(once[i])));
    backprop_grads_zero(&f.g);
    for (size_t i = 0; i < n; i++)
        assert_true(f.g.w.block[i] == 0.0f);
    free(once);
    fixture_end(&f);
}

/* What model_backward refuses: no targets, a batch larger than the gradients. */
static void test_refuses_bad_input(void **state)
{
    (void)state;
    Fixture f;
    fixture_start(&f, &cases[0]);
    Error err = {{0}, {0}};
    float loss;
    int *target = f.b.target;
    f.b.target = NULL;
    assert_int_equal(model_backward(&f.m, &f.b, &f.a, 0.0f, &f.g, &loss, &err), TF_ERR_INPUT);
    f.b.target = target;
    assert_int_equal(model_backward(&f.m, &f.b, &f.a, 1.0f, &f.g, &loss, &err), TF_ERR_INPUT);
    Grads small;
    assert_int_equal(backprop_grads_alloc(&small, &f.m, 1, f.b.Ts, f.b.Tt, &err), TF_OK);
    assert_int_equal(model_backward(&f.m, &f.b, &f.a, 0.0f, &small, &loss, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "does not fit"));
    backprop_grads_free(&small);
    fixture_end(&f);
}

int main(void)
{
    enum { N = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[N + 9];
    for (int i = 0; i < N; i++)
        tests[i] = (struct CMUnitTest){cases[i].name, test_parameter_gradients, NULL, NULL, (void *)&cases[i]};
    /* Streams: encoder-decoder with relative bias and smoothing; decoder-only without residuals. */
    tests[N] = (struct CMUnitTest){"streams_encoder_decoder", test_stream_gradients, NULL, NULL, (void *)&cases[2]};
    tests[N + 1] = (struct CMUnitTest){"streams_residual_off", test_stream_gradients, NULL, NULL, (void *)&cases[11]};
    tests[N + 2] = (struct CMUnitTest)cmocka_unit_test(test_without_residuals_gradients_fade);
    tests[N + 3] = (struct CMUnitTest)cmocka_unit_test(test_accumulates_and_zeroes);
    tests[N + 4] = (struct CMUnitTest)cmocka_unit_test(test_refuses_bad_input);
    tests[N + 5] = (struct CMUnitTest)cmocka_unit_test(test_residual_off_records);
    tests[N + 6] = (struct CMUnitTest)cmocka_unit_test(test_rope_backward_is_the_adjoint);
    /* Streams through dropout masks: the input's mask lies below layer 0's input. */
    tests[N + 7] = (struct CMUnitTest){"streams_dropout_encoder_decoder", test_stream_gradients, NULL, NULL,
                                       (void *)&cases[N - 3]};
    tests[N + 8] = (struct CMUnitTest){"streams_dropout_decoder_only", test_stream_gradients, NULL, NULL,
                                       (void *)&cases[N - 1]};
    return _cmocka_run_group_tests("backprop", tests, N + 9, NULL, NULL);
}
