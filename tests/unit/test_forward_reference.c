/* test_forward_reference.c — the whole forward pass against a second,
 * independent implementation: plain loops in double precision, written
 * straight from the papers' equations, for every option the engine has
 * (post-/pre-LN, ReLU/GELU, decoder-only, padding, and every kind of
 * positions: sinusoidal, none, learned, T5 relative bias, rotary), and the
 * teacher-forcing loss computed from the reference logits. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/compare.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"

#define MAXT 8
#define MAXD 24
#define MAXF 40
#define MAXV 32

typedef double Mat[MAXT][MAXF > MAXD ? MAXF : MAXD];

/* y (T, m) = x (T, k) · Wᵀ + b, W (m, k) as stored (float). */
static void lin(Mat y, Mat x, const float *W, const float *b, int T, int k, int m)
{
    for (int t = 0; t < T; t++)
        for (int j = 0; j < m; j++) {
            double s = b ? b[j] : 0;
            for (int i = 0; i < k; i++)
                s += x[t][i] * W[j * k + i];
            y[t][j] = s;
        }
}

static void layernorm(Mat y, Mat x, const float *g, const float *b, int T, int d, double eps)
{
    for (int t = 0; t < T; t++) {
        double mean = 0, var = 0;
        for (int i = 0; i < d; i++)
            mean += x[t][i] / d;
        for (int i = 0; i < d; i++)
            var += (x[t][i] - mean) * (x[t][i] - mean) / d;
        for (int i = 0; i < d; i++)
            y[t][i] = (x[t][i] - mean) / sqrt(var + eps) * g[i] + b[i];
    }
}

static void add(Mat y, Mat a, Mat b, int T, int d)
{
    for (int t = 0; t < T; t++)
        for (int i = 0; i < d; i++)
            y[t][i] = a[t][i] + b[t][i];
}

/* T5's relative position bucket, written from the paper's description in
 * double (the engine follows T5's float32 code; at these distances the two
 * cannot disagree). rel = key − query. */
static int ref_bucket(int rel, int bidirectional, int nb, int max_distance)
{
    int base = 0, n;
    if (bidirectional) {
        nb /= 2;
        base = rel > 0 ? nb : 0;
        n = abs(rel);
    } else {
        n = rel < 0 ? -rel : 0;
    }
    int exact = nb / 2;
    if (n < exact)
        return base + n;
    int b = exact + (int)(log((double)n / exact) / log((double)max_distance / exact) * (nb - exact));
    return base + (b < nb - 1 ? b : nb - 1);
}

/* Rotate the d-wide row x (h heads of dk) for position pos, pair (2i, 2i+1)
 * of each head by pos·10000^(−2i/dk). */
static void ref_rope(double *x, int pos, int d, int h)
{
    const int dk = d / h;
    for (int hh = 0; hh < h; hh++)
        for (int i = 0; 2 * i < dk; i++) {
            double a = pos * pow(10000.0, -2.0 * i / dk);
            double *p = x + hh * dk + 2 * i, x0 = p[0], x1 = p[1];
            p[0] = x0 * cos(a) - x1 * sin(a);
            p[1] = x0 * sin(a) + x1 * cos(a);
        }
}

/* Positions inside a self-attention: rotary, or a bias table (nb, h). */
typedef struct {
    int rope;
    const float *bias;  /* NULL: no relative bias */
    int bidirectional, nb, max_distance;
} RefPos;

/* Multi-head attention; key j is hidden when j ≥ key_len or (causal) j > i. */
static void mha(Mat y, Mat xq, Mat xkv, const float *in_w, const float *in_b, const float *out_w,
                const float *out_b, int Tq, int Tk, int d, int h, int key_len, int causal, const RefPos *pos)
{
    static Mat q, k, v, concat;
    const int dk = d / h;
    lin(q, xq, in_w, in_b, Tq, d, d);
    lin(k, xkv, in_w + d * d, in_b + d, Tk, d, d);
    lin(v, xkv, in_w + 2 * d * d, in_b + 2 * d, Tk, d, d);
    if (pos && pos->rope) {
        for (int t = 0; t < Tq; t++)
            ref_rope(q[t], t, d, h);
        for (int t = 0; t < Tk; t++)
            ref_rope(k[t], t, d, h);
    }
    for (int hh = 0; hh < h; hh++)
        for (int i = 0; i < Tq; i++) {
            double s[MAXT], mx = -INFINITY, sum = 0;
            for (int j = 0; j < Tk; j++) {
                s[j] = -INFINITY;
                if (j < key_len && !(causal && j > i)) {
                    s[j] = 0;
                    for (int c = 0; c < dk; c++)
                        s[j] += q[i][hh * dk + c] * k[j][hh * dk + c];
                    s[j] /= sqrt((double)dk);
                    if (pos && pos->bias)
                        s[j] += pos->bias[ref_bucket(j - i, pos->bidirectional, pos->nb, pos->max_distance) * h + hh];
                }
                mx = s[j] > mx ? s[j] : mx;
            }
            for (int j = 0; j < Tk; j++)
                sum += s[j] == -INFINITY ? 0 : exp(s[j] - mx);
            for (int c = 0; c < dk; c++) {
                double z = 0;
                for (int j = 0; j < Tk; j++)
                    if (s[j] != -INFINITY)
                        z += exp(s[j] - mx) / sum * v[j][hh * dk + c];
                concat[i][hh * dk + c] = z;
            }
        }
    lin(y, concat, out_w, out_b, Tq, d, d);
}

static void ffn(Mat y, Mat x, const float *w1, const float *b1, const float *w2, const float *b2,
                int T, int d, int F, Activation act)
{
    static Mat hdn;
    lin(hdn, x, w1, b1, T, d, F);
    for (int t = 0; t < T; t++)
        for (int i = 0; i < F; i++) {
            double u = hdn[t][i];
            hdn[t][i] = act == ACT_GELU ? 0.5 * u * (1 + erf(u / sqrt(2.0))) : (u > 0 ? u : 0);
        }
    lin(y, hdn, w2, b2, T, F, d);
}

/* One sublayer with its residual and norm: post-LN x = LN(x + f(x)),
 * pre-LN x = x + f(LN(x)). f is attention (self or over mem) or the FFN. */
typedef struct {
    const float *in_w, *in_b, *out_w, *out_b;  /* attention, or NULL for the FFN */
    const float *w1, *b1, *w2, *b2;
    const float *g, *b;
    Mat *mem;
    int Tk, key_len, causal;
    const RefPos *pos;  /* self-attention's positions, or NULL */
} Sub;

static void sublayer(Mat x, const Sub *s, const Config *c, int T)
{
    static Mat in, out, sum;
    const int d = c->d_model;
    if (c->norm == NORM_PRE)
        layernorm(in, x, s->g, s->b, T, d, c->ln_eps);
    else
        memcpy(in, x, sizeof(Mat));
    if (s->in_w)
        mha(out, in, s->mem ? *s->mem : in, s->in_w, s->in_b, s->out_w, s->out_b, T, s->mem ? s->Tk : T,
            d, c->heads, s->key_len, s->causal, s->pos);
    else
        ffn(out, in, s->w1, s->b1, s->w2, s->b2, T, d, c->d_ff, c->activation);
    add(sum, x, out, T, d);
    if (c->norm == NORM_PRE)
        memcpy(x, sum, sizeof(Mat));
    else
        layernorm(x, sum, s->g, s->b, T, d, c->ln_eps);
}

static void embed(Mat x, const float *table, const float *pos_table, const int *ids, int T, const Config *c)
{
    const int d = c->d_model;
    for (int t = 0; t < T; t++)
        for (int i = 0; i < d; i++) {
            double pe = 0;
            if (c->positions == POS_SINUSOIDAL) {
                double angle = t / pow(10000.0, (double)(i - i % 2) / d);
                pe = i % 2 ? cos(angle) : sin(angle);
            } else if (c->positions == POS_LEARNED) {
                pe = pos_table[t * d + i];
            }
            x[t][i] = table[ids[t] * d + i] * sqrt((double)d) + pe;
        }
}

/* logits (Tt, V) of sentence s. */
static void reference_forward(double logits[MAXT][MAXV], const Model *m, const Batch *bt, int s)
{
    const Config *c = &m->cfg;
    const Weights *w = &m->w;
    const int Ts = bt->Ts, Tt = bt->Tt, d = c->d_model, V = m->vocab.size;
    static Mat mem, y, tmp;
    const int enc_dec = c->arch == ARCH_ENCODER_DECODER;
    const RefPos enc_pos = {c->positions == POS_ROPE, c->positions == POS_RELATIVE ? w->enc_rel_bias : NULL, 1,
                            c->rel_buckets, c->rel_max_distance};
    const RefPos dec_pos = {c->positions == POS_ROPE, c->positions == POS_RELATIVE ? w->dec_rel_bias : NULL, 0,
                            c->rel_buckets, c->rel_max_distance};
    if (enc_dec) {
        embed(mem, w->src_embed, w->src_pos_embed, bt->src + s * Ts, Ts, c);
        for (int l = 0; l < c->enc_layers; l++) {
            const EncLayerWeights *e = &w->enc[l];
            Sub att = {e->self_attn_in_w, e->self_attn_in_b, e->self_attn_out_w, e->self_attn_out_b,
                       NULL, NULL, NULL, NULL, e->norm1_w, e->norm1_b, NULL, Ts, bt->src_len[s], 0, &enc_pos};
            Sub ff = {NULL, NULL, NULL, NULL, e->ff1_w, e->ff1_b, e->ff2_w, e->ff2_b, e->norm2_w, e->norm2_b,
                      NULL, 0, 0, 0, NULL};
            sublayer(mem, &att, c, Ts);
            sublayer(mem, &ff, c, Ts);
        }
        if (c->final_norm) {
            layernorm(tmp, mem, w->enc_norm_w, w->enc_norm_b, Ts, d, c->ln_eps);
            memcpy(mem, tmp, sizeof(Mat));
        }
    }
    embed(y, w->tgt_embed, w->tgt_pos_embed, bt->tgt + s * Tt, Tt, c);
    for (int l = 0; l < c->dec_layers; l++) {
        const DecLayerWeights *e = &w->dec[l];
        Sub self = {e->self_attn_in_w, e->self_attn_in_b, e->self_attn_out_w, e->self_attn_out_b,
                    NULL, NULL, NULL, NULL, e->norm1_w, e->norm1_b, NULL, Tt, bt->tgt_len[s], 1, &dec_pos};
        /* no positions in cross-attention: decoder and encoder offsets mean nothing to each other */
        Sub cross = {e->multihead_attn_in_w, e->multihead_attn_in_b, e->multihead_attn_out_w,
                     e->multihead_attn_out_b, NULL, NULL, NULL, NULL, e->norm2_w, e->norm2_b, &mem, Ts,
                     enc_dec ? bt->src_len[s] : 0, 0, NULL};
        Sub ff = {NULL, NULL, NULL, NULL, e->ff1_w, e->ff1_b, e->ff2_w, e->ff2_b,
                  enc_dec ? e->norm3_w : e->norm2_w, enc_dec ? e->norm3_b : e->norm2_b, NULL, 0, 0, 0, NULL};
        sublayer(y, &self, c, Tt);
        if (enc_dec)
            sublayer(y, &cross, c, Tt);
        sublayer(y, &ff, c, Tt);
    }
    if (c->final_norm) {
        layernorm(tmp, y, w->dec_norm_w, w->dec_norm_b, Tt, d, c->ln_eps);
        memcpy(y, tmp, sizeof(Mat));
    }
    for (int t = 0; t < Tt; t++)
        for (int v = 0; v < V; v++) {
            double acc = w->gen_b[v];
            for (int i = 0; i < d; i++)
                acc += y[t][i] * w->gen_w[v * d + i];
            logits[t][v] = acc;
        }
}

typedef struct {
    const char *what;
    Architecture arch;
    NormPlacement norm;
    Activation act;
    PositionKind pos;
    int final_norm;
    int enc_layers, dec_layers;
} Case;

static const Case cases[] = {
    {"post-LN relu sinusoidal", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 1, 2, 2},
    {"post-LN no final norm", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 0, 2, 1},
    {"pre-LN gelu", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_SINUSOIDAL, 1, 1, 3},
    {"positions off", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_NONE, 1, 2, 2},
    {"decoder-only post-LN", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 1, 0, 3},
    {"decoder-only pre-LN gelu", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_SINUSOIDAL, 1, 0, 2},
    {"learned positions", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_LEARNED, 1, 2, 2},
    {"relative positions pre-LN", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_RELATIVE, 1, 2, 2},
    {"rotary positions", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_ROPE, 1, 2, 2},
    {"decoder-only learned", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_LEARNED, 1, 0, 2},
    {"decoder-only relative", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_RELATIVE, 1, 0, 2},
    {"decoder-only rotary", ARCH_DECODER_ONLY, NORM_PRE, ACT_RELU, POS_ROPE, 1, 0, 3},
};

/* The slot called name. */
static const float *slot_data(const Activations *a, const char *name)
{
    int i = activations_find(a, name);
    if (i < 0)
        fail_msg("no slot named %s", name);
    return a->arena + a->slots[i].offset;
}

static void test_forward_matches_reference(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const Case *cs = &cases[k];
        Config *c = calloc(1, sizeof *c);
        config_defaults(c);
        c->arch = cs->arch;
        c->norm = cs->norm;
        c->activation = cs->act;
        c->positions = cs->pos;
        c->final_norm = cs->final_norm;
        c->enc_layers = cs->enc_layers;
        c->dec_layers = cs->dec_layers;
        c->d_model = 24;
        c->heads = 3;
        c->d_ff = 40;
        c->seed = 100 + k;
        /* Few buckets, so that these short sentences reach T5's logarithmic
         * buckets too (exact below 2 in the encoder, 4 in the decoder). */
        c->rel_buckets = 8;
        c->rel_max_distance = 20;
        snprintf(c->vocab, sizeof c->vocab, "猫 追 老鼠 我 爱 AI cat chases mouse I love");
        /* two sentences of different lengths: padding is exercised too */
        if (cs->arch == ARCH_ENCODER_DECODER) {
            c->n_src = c->n_tgt = 2;
            snprintf(c->src[0], sizeof c->src[0], "猫 追 老鼠");
            snprintf(c->src[1], sizeof c->src[1], "我 爱 AI 猫 追 老鼠 AI");
            snprintf(c->tgt[0], sizeof c->tgt[0], "<START> cat chases mouse I love cat");
            snprintf(c->tgt[1], sizeof c->tgt[1], "I love");
        } else {
            c->n_src = 2;
            snprintf(c->src[0], sizeof c->src[0], "<START> 我 爱 AI");
            snprintf(c->src[1], sizeof c->src[1], "<START> cat chases mouse I love");
        }
        Model m;
        Batch b;
        Activations a;
        Error err;
        assert_int_equal(model_init_random(&m, c, &err), TF_OK);
        assert_int_equal(batch_build(&b, &m.cfg, &m.vocab, NULL, NULL, &err), TF_OK);
        assert_int_equal(activations_init(&a, &m, &b, &err), TF_OK);
        model_forward(&m, &b, &a);
        const float *got = slot_data(&a, "dec.logits");
        const float *got_loss = slot_data(&a, "dec.loss");
        const int V = m.vocab.size;
        double total = 0;
        int counted = 0;
        for (int s = 0; s < b.B; s++) {
            static double want[MAXT][MAXV];
            reference_forward(want, &m, &b, s);
            float wantf[MAXT * MAXV];
            /* real positions only: what a padded query computes is not defined by the paper */
            for (int t = 0; t < b.tgt_len[s]; t++)
                for (int v = 0; v < V; v++)
                    wantf[t * V + v] = (float)want[t][v];
            char what[96];
            snprintf(what, sizeof what, "%s: dec.logits sentence %d", cs->what, s);
            if (compare_floats(what, got + (size_t)s * b.Tt * V, wantf, (size_t)b.tgt_len[s] * V, 2e-5f, 1e-5f))
                fail_msg("%s differs from the double-precision reference", what);
            /* Teacher forcing: −log softmax(logits)[target] at every real position. */
            float loss_want[MAXT];
            for (int t = 0; t < b.tgt_len[s]; t++) {
                double mx = -INFINITY, sum = 0;
                for (int v = 0; v < V; v++)
                    mx = want[t][v] > mx ? want[t][v] : mx;
                for (int v = 0; v < V; v++)
                    sum += exp(want[t][v] - mx);
                double l = mx + log(sum) - want[t][b.target[s * b.Tt + t]];
                loss_want[t] = (float)l;
                total += l;
                counted++;
            }
            char lwhat[96];
            snprintf(lwhat, sizeof lwhat, "%s: dec.loss sentence %d", cs->what, s);
            if (compare_floats(lwhat, got_loss + (size_t)s * b.Tt, loss_want, (size_t)b.tgt_len[s], 2e-5f, 1e-5f))
                fail_msg("%s differs from the double-precision reference", lwhat);
        }
        const float loss_want = (float)(total / counted);
        if (compare_floats("loss", slot_data(&a, "loss"), &loss_want, 1, 2e-5f, 1e-5f))
            fail_msg("%s: loss differs from the double-precision reference", cs->what);
        activations_free(&a);
        batch_free(&b);
        model_free(&m);
        free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_matches_reference),
    };
    return cmocka_run_group_tests_name("forward_reference", tests, NULL, NULL);
}
