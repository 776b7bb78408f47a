/* test_forward_reference.c — the whole forward pass against a second,
 * independent implementation: plain loops in double precision, written
 * straight from the papers' equations, for every option the engine has
 * (post-/pre-LN, ReLU/GELU, decoder-only, padding, residual = off,
 * final_norm = no, the switches scale = off, attn_temperature and
 * ablate_head, and every kind of positions: sinusoidal, none, learned,
 * T5 relative bias, rotary), record by record — every intermediate the
 * engine records, each attention step per head, not only the logits — and
 * the teacher-forcing loss computed from the reference logits. */
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

/* ---- the reference's records ----
 * Every intermediate the reference computes is kept under the record name
 * the engine gives it, as (blocks, rows, cols): blocks are heads (1 for a
 * matrix), rows the query or token positions, of which the first `real`
 * are compared (what a padded position computes is not defined by the
 * paper). The test then compares each kept record with the engine's slot of
 * that name, record by record, not only the logits. */
#define MAX_REFREC 320

typedef struct {
    char name[64];
    int blocks, rows, cols, real;
    int batched;   /* 0: one copy for every sentence (the positional table) */
    double *data;  /* (blocks, rows, cols) */
} RefRecord;

typedef struct {
    RefRecord r[MAX_REFREC];
    int n;
} RefTrace;

static double *keep(RefTrace *t, const char *prefix, const char *leaf, int blocks, int rows, int cols, int real)
{
    if (t->n == MAX_REFREC)
        fail_msg("more than %d reference records", MAX_REFREC);
    RefRecord *r = &t->r[t->n++];
    snprintf(r->name, sizeof r->name, "%s%s%s", prefix, leaf[0] ? "." : "", leaf);
    r->blocks = blocks;
    r->rows = rows;
    r->cols = cols;
    r->real = real;
    r->batched = 1;
    r->data = calloc((size_t)blocks * rows * cols, sizeof *r->data);
    assert_non_null(r->data);
    return r->data;
}

/* Keep the first cols columns of m's rows. */
static void keep_mat(RefTrace *t, const char *prefix, const char *leaf, Mat m, int rows, int cols, int real)
{
    double *o = keep(t, prefix, leaf, 1, rows, cols, real);
    for (int i = 0; i < rows; i++)
        memcpy(o + (size_t)i * cols, m[i], (size_t)cols * sizeof *o);
}

/* Keep m (rows, h·dk) as heads (h, rows, dk). */
static void keep_heads(RefTrace *t, const char *prefix, const char *leaf, Mat m, int rows, int h, int dk, int real)
{
    double *o = keep(t, prefix, leaf, h, rows, dk, real);
    for (int hh = 0; hh < h; hh++)
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < dk; c++)
                o[((size_t)hh * rows + i) * dk + c] = m[i][hh * dk + c];
}

static void reftrace_free(RefTrace *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->r[i].data);
    t->n = 0;
}

/* Positions inside a self-attention: rotary, or a bias table (nb, h). */
typedef struct {
    int rope;
    const float *bias;  /* NULL: no relative bias */
    int bidirectional, nb, max_distance;
} RefPos;

/* The switches inside one attention block: scores = raw / sqrt(d_k) (raw
 * alone with scale = off), divided by the temperature; an ablated head's
 * z is 0. */
typedef struct {
    int scale;
    double temperature;
    int ablated[8];  /* per head */
} RefSwitch;

/* Multi-head attention, every step kept under prefix (enc.0.attn, ...);
 * key j is hidden when j ≥ key_len or (causal) j > i. real: real queries. */
static void mha(Mat y, Mat xq, Mat xkv, const float *in_w, const float *in_b, const float *out_w,
                const float *out_b, int Tq, int Tk, int d, int h, int key_len, int causal, const RefPos *pos,
                const RefSwitch *sw, RefTrace *t, const char *prefix, int real)
{
    static Mat q, k, v, concat;
    const int dk = d / h;
    lin(q, xq, in_w, in_b, Tq, d, d);
    lin(k, xkv, in_w + d * d, in_b + d, Tk, d, d);
    lin(v, xkv, in_w + 2 * d * d, in_b + 2 * d, Tk, d, d);
    keep_heads(t, prefix, "q", q, Tq, h, dk, real);
    keep_heads(t, prefix, "k", k, Tk, h, dk, key_len);
    keep_heads(t, prefix, "v", v, Tk, h, dk, key_len);
    if (pos && pos->rope) {
        for (int i = 0; i < Tq; i++)
            ref_rope(q[i], i, d, h);
        for (int j = 0; j < Tk; j++)
            ref_rope(k[j], j, d, h);
        keep_heads(t, prefix, "q_rot", q, Tq, h, dk, real);
        keep_heads(t, prefix, "k_rot", k, Tk, h, dk, key_len);
    }
    const size_t hs = (size_t)Tq * Tk;
    double *raw = keep(t, prefix, "raw", h, Tq, Tk, real);
    double *scores = keep(t, prefix, "scores", h, Tq, Tk, real);
    double *bias = pos && pos->bias ? keep(t, prefix, "bias", h, Tq, Tk, real) : NULL;
    double *mask = keep(t, prefix, "mask", 1, Tq, Tk, real);
    double *masked = keep(t, prefix, "masked", h, Tq, Tk, real);
    double *weights = keep(t, prefix, "weights", h, Tq, Tk, real);
    double *z = keep(t, prefix, "z", h, Tq, dk, real);
    for (int i = 0; i < Tq; i++)
        for (int j = 0; j < Tk; j++)
            mask[i * Tk + j] = j < key_len && !(causal && j > i) ? 0 : -INFINITY;
    for (int hh = 0; hh < h; hh++)
        for (int i = 0; i < Tq; i++) {
            double *s = masked + hh * hs + (size_t)i * Tk, mx = -INFINITY, sum = 0;
            for (int j = 0; j < Tk; j++) {
                const size_t at = hh * hs + (size_t)i * Tk + j;
                raw[at] = 0;
                for (int c = 0; c < dk; c++)
                    raw[at] += q[i][hh * dk + c] * k[j][hh * dk + c];
                scores[at] = (sw->scale ? raw[at] / sqrt((double)dk) : raw[at]) / sw->temperature;
                s[j] = scores[at];
                if (bias) {
                    bias[at] = pos->bias[ref_bucket(j - i, pos->bidirectional, pos->nb, pos->max_distance) * h + hh];
                    s[j] += bias[at];
                }
                s[j] += mask[i * Tk + j];
                mx = s[j] > mx ? s[j] : mx;
            }
            for (int j = 0; j < Tk; j++)
                sum += s[j] == -INFINITY ? 0 : exp(s[j] - mx);
            double *w = weights + hh * hs + (size_t)i * Tk;
            for (int j = 0; j < Tk; j++)
                w[j] = s[j] == -INFINITY ? 0 : exp(s[j] - mx) / sum;
            for (int c = 0; c < dk; c++) {
                double acc = 0;
                for (int j = 0; j < Tk; j++)
                    acc += w[j] * v[j][hh * dk + c];
                if (sw->ablated[hh])
                    acc = 0;  /* the head's output is silenced; its weights are still computed */
                z[((size_t)hh * Tq + i) * dk + c] = acc;
                concat[i][hh * dk + c] = acc;
            }
        }
    keep_mat(t, prefix, "concat", concat, Tq, d, real);
    lin(y, concat, out_w, out_b, Tq, d, d);
    keep_mat(t, prefix, "out", y, Tq, d, real);
}

static void ffn(Mat y, Mat x, const float *w1, const float *b1, const float *w2, const float *b2,
                int T, int d, int F, Activation act, RefTrace *t, const char *layer, int real)
{
    static Mat hdn;
    lin(hdn, x, w1, b1, T, d, F);
    for (int i = 0; i < T; i++)
        for (int j = 0; j < F; j++) {
            double u = hdn[i][j];
            hdn[i][j] = act == ACT_GELU ? 0.5 * u * (1 + erf(u / sqrt(2.0))) : (u > 0 ? u : 0);
        }
    keep_mat(t, layer, "ffn.hidden", hdn, T, F, real);
    lin(y, hdn, w2, b2, T, F, d);
    keep_mat(t, layer, "ffn.out", y, T, d, real);
}

/* One sublayer with its residual and norm: post-LN x = LN(x + f(x)),
 * pre-LN x = x + f(LN(x)); residual = off drops the "x +". f is attention
 * (self or over mem) or the FFN. Records: the norm is layer.lnN (N = the
 * sublayer's number from 1), the sum layer.<sum>, the attention layer.<attn>. */
typedef struct {
    const float *in_w, *in_b, *out_w, *out_b;  /* attention, or NULL for the FFN */
    const float *w1, *b1, *w2, *b2;
    const float *g, *b;
    Mat *mem;
    int Tk, key_len, causal;
    const RefPos *pos;  /* self-attention's positions, or NULL */
    const char *attn;   /* "attn", "self_attn", "cross_attn"; NULL for the FFN */
    const char *sum;    /* "resid_mid", "resid_self", "resid_cross", "resid_post" */
    int norm;           /* N of lnN */
} Sub;

static void sublayer(Mat x, const Sub *s, const Config *c, int T, RefTrace *t, const char *layer, int real)
{
    static Mat in, out, sum;
    const int d = c->d_model;
    char ln[8], attn[64];
    snprintf(ln, sizeof ln, "ln%d", s->norm);
    if (c->norm == NORM_PRE) {
        layernorm(in, x, s->g, s->b, T, d, c->ln_eps);
        keep_mat(t, layer, ln, in, T, d, real);
    } else {
        memcpy(in, x, sizeof(Mat));
    }
    if (s->in_w) {
        snprintf(attn, sizeof attn, "%s.%s", layer, s->attn);
        /* layer is "enc.L" or "dec.L"; the block says which heads ablate_head names */
        const int l = atoi(layer + 4);
        const AblateBlock block = strcmp(s->attn, "attn") == 0        ? ABLATE_ENC
                                  : strcmp(s->attn, "self_attn") == 0 ? ABLATE_DEC_SELF
                                                                      : ABLATE_DEC_CROSS;
        RefSwitch sw = {c->scale, c->attn_temperature, {0}};
        for (int hh = 0; hh < c->heads && hh < 8; hh++)
            sw.ablated[hh] = config_head_ablated(c, block, l, hh);
        mha(out, in, s->mem ? *s->mem : in, s->in_w, s->in_b, s->out_w, s->out_b, T, s->mem ? s->Tk : T,
            d, c->heads, s->key_len, s->causal, s->pos, &sw, t, attn, real);
    } else {
        ffn(out, in, s->w1, s->b1, s->w2, s->b2, T, d, c->d_ff, c->activation, t, layer, real);
    }
    if (c->residual)
        add(sum, x, out, T, d);
    else
        memcpy(sum, out, sizeof(Mat));
    keep_mat(t, layer, s->sum, sum, T, d, real);
    if (c->norm == NORM_PRE) {
        memcpy(x, sum, sizeof(Mat));
    } else {
        layernorm(x, sum, s->g, s->b, T, d, c->ln_eps);
        keep_mat(t, layer, ln, x, T, d, real);
    }
}

/* stack.embed, stack.pos (the table, one copy for every sentence) and stack.input. */
static void embed(Mat x, const float *table, const float *pos_table, const int *ids, int T, const Config *c,
                  RefTrace *t, const char *stack, int real)
{
    const int d = c->d_model;
    static Mat e, pe;
    for (int i = 0; i < T; i++)
        for (int j = 0; j < d; j++) {
            pe[i][j] = 0;
            if (c->positions == POS_SINUSOIDAL) {
                double angle = i / pow(10000.0, (double)(j - j % 2) / d);
                pe[i][j] = j % 2 ? cos(angle) : sin(angle);
            } else if (c->positions == POS_LEARNED) {
                pe[i][j] = pos_table[i * d + j];
            }
            e[i][j] = table[ids[i] * d + j] * sqrt((double)d);
            x[i][j] = e[i][j] + pe[i][j];
        }
    keep_mat(t, stack, "embed", e, T, d, real);
    if (c->positions == POS_SINUSOIDAL || c->positions == POS_LEARNED) {
        keep_mat(t, stack, "pos", pe, T, d, real);
        t->r[t->n - 1].batched = 0;
    }
    keep_mat(t, stack, "input", x, T, d, real);
}

/* A final LayerNorm (final_norm = yes) as stack.norm, then what the stack hands on. */
static void stack_end(Mat x, const float *g, const float *b, int T, const Config *c, RefTrace *t,
                      const char *norm_name, int real)
{
    static Mat tmp;
    if (!c->final_norm)
        return;
    layernorm(tmp, x, g, b, T, c->d_model, c->ln_eps);
    memcpy(x, tmp, sizeof(Mat));
    keep_mat(t, norm_name, "", x, T, c->d_model, real);
}

/* logits (Tt, V) of sentence s, every intermediate kept in t. */
static void reference_forward(double logits[MAXT][MAXV], const Model *m, const Batch *bt, int s, RefTrace *t)
{
    const Config *c = &m->cfg;
    const Weights *w = &m->w;
    const int Ts = bt->Ts, Tt = bt->Tt, d = c->d_model, V = m->vocab.size;
    static Mat mem, y;
    const int enc_dec = c->arch == ARCH_ENCODER_DECODER;
    const int src_len = enc_dec ? bt->src_len[s] : 0, tgt_len = bt->tgt_len[s];
    const RefPos enc_pos = {c->positions == POS_ROPE, c->positions == POS_RELATIVE ? w->enc_rel_bias : NULL, 1,
                            c->rel_buckets, c->rel_max_distance};
    const RefPos dec_pos = {c->positions == POS_ROPE, c->positions == POS_RELATIVE ? w->dec_rel_bias : NULL, 0,
                            c->rel_buckets, c->rel_max_distance};
    char layer[32];
    if (enc_dec) {
        embed(mem, w->src_embed, w->src_pos_embed, bt->src + s * Ts, Ts, c, t, "enc", src_len);
        for (int l = 0; l < c->enc_layers; l++) {
            const EncLayerWeights *e = &w->enc[l];
            Sub att = {e->self_attn_in_w, e->self_attn_in_b, e->self_attn_out_w, e->self_attn_out_b,
                       NULL, NULL, NULL, NULL, e->norm1_w, e->norm1_b, NULL, Ts, src_len, 0, &enc_pos,
                       "attn", "resid_mid", 1};
            Sub ff = {NULL, NULL, NULL, NULL, e->ff1_w, e->ff1_b, e->ff2_w, e->ff2_b, e->norm2_w, e->norm2_b,
                      NULL, 0, 0, 0, NULL, NULL, "resid_post", 2};
            snprintf(layer, sizeof layer, "enc.%d", l);
            sublayer(mem, &att, c, Ts, t, layer, src_len);
            sublayer(mem, &ff, c, Ts, t, layer, src_len);
        }
        stack_end(mem, w->enc_norm_w, w->enc_norm_b, Ts, c, t, "enc.norm", src_len);
        keep_mat(t, "enc.memory", "", mem, Ts, d, src_len);
    }
    embed(y, w->tgt_embed, w->tgt_pos_embed, bt->tgt + s * Tt, Tt, c, t, "dec", tgt_len);
    for (int l = 0; l < c->dec_layers; l++) {
        const DecLayerWeights *e = &w->dec[l];
        Sub self = {e->self_attn_in_w, e->self_attn_in_b, e->self_attn_out_w, e->self_attn_out_b,
                    NULL, NULL, NULL, NULL, e->norm1_w, e->norm1_b, NULL, Tt, tgt_len, 1, &dec_pos,
                    "self_attn", "resid_self", 1};
        /* no positions in cross-attention: decoder and encoder offsets mean nothing to each other */
        Sub cross = {e->multihead_attn_in_w, e->multihead_attn_in_b, e->multihead_attn_out_w,
                     e->multihead_attn_out_b, NULL, NULL, NULL, NULL, e->norm2_w, e->norm2_b, &mem, Ts,
                     src_len, 0, NULL, "cross_attn", "resid_cross", 2};
        Sub ff = {NULL, NULL, NULL, NULL, e->ff1_w, e->ff1_b, e->ff2_w, e->ff2_b,
                  enc_dec ? e->norm3_w : e->norm2_w, enc_dec ? e->norm3_b : e->norm2_b, NULL, 0, 0, 0, NULL,
                  NULL, "resid_post", enc_dec ? 3 : 2};
        snprintf(layer, sizeof layer, "dec.%d", l);
        sublayer(y, &self, c, Tt, t, layer, tgt_len);
        if (enc_dec)
            sublayer(y, &cross, c, Tt, t, layer, tgt_len);
        sublayer(y, &ff, c, Tt, t, layer, tgt_len);
    }
    stack_end(y, w->dec_norm_w, w->dec_norm_b, Tt, c, t, "dec.norm", tgt_len);
    double *lg = keep(t, "dec.logits", "", 1, Tt, V, tgt_len);
    double *pr = keep(t, "dec.probs", "", 1, Tt, V, tgt_len);
    for (int i = 0; i < Tt; i++) {
        double mx = -INFINITY, sum = 0;
        for (int v = 0; v < V; v++) {
            double acc = w->gen_b[v];
            for (int j = 0; j < d; j++)
                acc += y[i][j] * w->gen_w[v * d + j];
            logits[i][v] = lg[i * V + v] = acc;
            mx = acc > mx ? acc : mx;
        }
        for (int v = 0; v < V; v++)
            sum += exp(logits[i][v] - mx);
        for (int v = 0; v < V; v++)
            pr[i * V + v] = exp(logits[i][v] - mx) / sum;
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
    int residual_off;
    int scale_off;
    const char *temperature;  /* attn_temperature, or NULL for 1 */
    const char *ablate;       /* ablate_head, or NULL for none */
} Case;

static const Case cases[] = {
    {"post-LN relu sinusoidal", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 1, 2, 2, 0, 0, NULL, NULL},
    {"post-LN no final norm", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 0, 2, 1, 0, 0, NULL, NULL},
    {"pre-LN gelu", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_SINUSOIDAL, 1, 1, 3, 0, 0, NULL, NULL},
    {"positions off", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_NONE, 1, 2, 2, 0, 0, NULL, NULL},
    {"decoder-only post-LN", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 1, 0, 3, 0, 0, NULL, NULL},
    {"decoder-only pre-LN gelu", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_SINUSOIDAL, 1, 0, 2, 0, 0, NULL, NULL},
    {"learned positions", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_LEARNED, 1, 2, 2, 0, 0, NULL, NULL},
    {"relative positions pre-LN", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_RELATIVE, 1, 2, 2, 0, 0, NULL, NULL},
    {"rotary positions", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_ROPE, 1, 2, 2, 0, 0, NULL, NULL},
    {"decoder-only learned", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_LEARNED, 1, 0, 2, 0, 0, NULL, NULL},
    {"decoder-only relative", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_RELATIVE, 1, 0, 2, 0, 0, NULL, NULL},
    {"decoder-only rotary", ARCH_DECODER_ONLY, NORM_PRE, ACT_RELU, POS_ROPE, 1, 0, 3, 0, 0, NULL, NULL},
    {"residual off post-LN", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 1, 2, 2, 1, 0, NULL, NULL},
    {"residual off pre-LN relative", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_RELATIVE, 1, 2, 2, 1, 0, NULL, NULL},
    {"decoder-only residual off rotary", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_ROPE, 1, 0, 2, 1, 0, NULL, NULL},
    {"post-LN no final norm learned", ARCH_ENCODER_DECODER, NORM_POST, ACT_GELU, POS_LEARNED, 0, 2, 2, 0, 0, NULL, NULL},
    {"decoder-only no final norm", ARCH_DECODER_ONLY, NORM_POST, ACT_GELU, POS_SINUSOIDAL, 0, 0, 2, 0, 0, NULL, NULL},
    {"scale off", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 1, 2, 2, 0, 1, NULL, NULL},
    {"temperature 2.5 relative pre-LN", ARCH_ENCODER_DECODER, NORM_PRE, ACT_GELU, POS_RELATIVE, 1, 2, 2, 0, 0,
     "2.5", NULL},
    {"decoder-only scale off temperature 0.5 rotary", ARCH_DECODER_ONLY, NORM_POST, ACT_RELU, POS_ROPE, 1, 0, 2,
     0, 1, "0.5", NULL},
    {"ablated heads", ARCH_ENCODER_DECODER, NORM_POST, ACT_RELU, POS_SINUSOIDAL, 1, 2, 2, 0, 0, NULL,
     "enc.0.1,dec.1.self.0,dec.0.cross.2"},
    {"decoder-only ablated heads pre-LN", ARCH_DECODER_ONLY, NORM_PRE, ACT_GELU, POS_SINUSOIDAL, 1, 0, 2, 0, 0,
     NULL, "dec.0.2,dec.1.self.0"},
};

/* The slot called name. */
static const float *slot_data(const Activations *a, const char *name)
{
    int i = activations_find(a, name);
    if (i < 0)
        fail_msg("no slot named %s", name);
    return a->arena + a->slots[i].offset;
}

/* The engine's records the reference does not compute: the token ids and
 * what is derived from them (bucket numbers, rotation angles, predictions,
 * targets), and the losses, checked on their own below. */
static int outside_reference(const char *name)
{
    static const char *const whole[] = {"src.tokens", "tgt.tokens", "dec.predicted", "dec.target", "dec.loss",
                                        "loss"};
    static const char *const tails[] = {".rel_buckets", ".rope_angles"};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (strcmp(name, whole[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t n = strlen(name), m = strlen(tails[i]);
        if (n > m && strcmp(name + n - m, tails[i]) == 0)
            return 1;
    }
    return 0;
}

/* Every record of the engine is one the reference computes too, or one of
 * those it leaves out on purpose: a step added to the forward pass must be
 * added here as well. */
static void all_records_covered(const Activations *a, const RefTrace *t, const char *what)
{
    for (int i = 0; i < a->n_slots; i++) {
        const char *name = a->slots[i].name;
        int found = outside_reference(name);
        for (int k = 0; !found && k < t->n; k++)
            found = strcmp(t->r[k].name, name) == 0;
        if (!found)
            fail_msg("%s: the engine records %s, which the reference does not compute", what, name);
    }
}

/* Every record the reference kept for sentence s against the engine's slot
 * of that name: the real rows of each block. Returns how many it compared. */
static int compare_records(const Activations *a, const RefTrace *t, int s, const char *what)
{
    for (int k = 0; k < t->n; k++) {
        const RefRecord *r = &t->r[k];
        int i = activations_find(a, r->name);
        if (i < 0)
            fail_msg("%s: the reference computes %s; the engine has no such record", what, r->name);
        const Slot *sl = &a->slots[i];
        const size_t per = (size_t)r->blocks * r->rows * r->cols;
        const size_t stride = sl->spec->batched ? sl->numel / (size_t)a->B : sl->numel;
        if (stride != per)
            fail_msg("%s: %s holds %zu values a sentence, the reference (%d, %d, %d)", what, r->name, stride,
                     r->blocks, r->rows, r->cols);
        const float *got = a->arena + sl->offset + (sl->spec->batched ? (size_t)s * stride : 0);
        float want[MAXT * MAXV > MAXT * MAXF ? MAXT * MAXV : MAXT * MAXF];
        for (int b = 0; b < r->blocks; b++) {
            const size_t o = (size_t)b * r->rows * r->cols, n = (size_t)r->real * r->cols;
            for (size_t j = 0; j < n; j++)
                want[j] = (float)r->data[o + j];
            char label[160];
            snprintf(label, sizeof label, "%s: %s sentence %d block %d", what, r->name, s, b);
            if (compare_matrix(label, got + o, want, (size_t)r->real, (size_t)r->cols, 2e-5f, 1e-5f))
                fail_msg("%s differs from the double-precision reference", label);
        }
    }
    return t->n;
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
        c->residual = !cs->residual_off;
        c->scale = !cs->scale_off;
        Error serr;
        if (cs->temperature)
            assert_int_equal(config_set(c, "attn_temperature", cs->temperature, NULL, &serr), TF_OK);
        if (cs->ablate)
            assert_int_equal(config_set(c, "ablate_head", cs->ablate, NULL, &serr), TF_OK);
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
            static RefTrace kept;
            reference_forward(want, &m, &b, s, &kept);
            int n_kept = compare_records(&a, &kept, s, cs->what);
            all_records_covered(&a, &kept, cs->what);
            reftrace_free(&kept);
            if (s == 0)
                print_message("%-34s %3d records match the reference\n", cs->what, n_kept);
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
