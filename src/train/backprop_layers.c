/* backprop_layers.c — one encoder or decoder layer backwards.
 *
 * A layer is a chain of blocks (self-attention, cross-attention, feed-
 * forward), each wrapping its sublayer S in a norm and a residual sum:
 *   post-LN  y = LN(x + S(x))        residual = off:  y = LN(S(x))
 *   pre-LN   y = x + S(LN(x))        residual = off:  y = S(LN(x))
 * Backwards, a block takes dy (at y) and adds ∂loss/∂x into dx:
 *   post-LN  ds = LN'ᵀ dy;  dx += ds (the residual path);  dx += S'ᵀ ds
 *   pre-LN   dx += dy (the residual path);  dln = S'ᵀ dy;  dx += LN'ᵀ dln
 * The residual path is the "+= dy" that reaches x untouched by S: the
 * lesson on deep stacks turns it off and watches the gradient shrink.
 * With dropout, S's output was multiplied by a mask before the sum: the
 * gradient at S's output is the mask times the one at its product. */
#include <string.h>

#include "core/backward.h"
#include "core/ops.h"
#include "model/dropout_masks.h"
#include "model/layers.h"
#include "train/backprop_internal.h"

/* One block as its slots recorded it. */
typedef struct {
    const float *x;      /* (T, d) the stream the block reads */
    const float *resid;  /* (T, d) post-LN: x + S(x) (S(x) alone with residual = off) */
    const float *ln;     /* (T, d) pre-LN: LN(x), what S read */
    const float *gamma;  /* (d) the block's norm gain */
    float *dgamma, *dbeta;  /* (d) its gradients */
} Block;

/* Enter a block from dy: returns the gradient at S's output, and sets *d_in
 * (the buffer that collects S's input gradient) and *in (S's input). */
static const float *block_enter(const BackpropWork *w, const Block *b, float *dx, const float *dy, int T,
                                float **d_in, const float **in)
{
    const size_t n = (size_t)T * w->d;
    if (w->c->norm == NORM_POST) {
        memset(w->dsub, 0, n * sizeof(float));
        layernorm_backward(w->dsub, b->dgamma, b->dbeta, dy, b->resid, b->gamma, T, w->d, w->c->ln_eps);
        if (w->c->residual)
            add_backward(dx, NULL, w->dsub, n);
        *d_in = dx;
        *in = b->x;
        return w->dsub;
    }
    if (w->c->residual)
        add_backward(dx, NULL, dy, n);
    memset(w->dln, 0, n * sizeof(float));
    *d_in = w->dln;
    *in = b->ln;
    return dy;
}

/* Leave it: pre-LN hands S's input gradient back through the norm. */
static void block_leave(const BackpropWork *w, const Block *b, float *dx, int T)
{
    if (w->c->norm == NORM_PRE)
        layernorm_backward(dx, b->dgamma, b->dbeta, w->dln, b->x, b->gamma, T, w->d, w->c->ln_eps);
}

/* Backward of ffn_forward: hidden (T, F) = act(x W_1ᵀ + b_1), out = hidden W_2ᵀ + b_2. */
static void ffn_backward(const BackpropWork *w, float *dx, float *dw1, float *db1, float *dw2, float *db2,
                         const float *dout, const float *x, const float *hidden, const float *w1,
                         const float *b1, const float *w2, int T)
{
    const int d = w->d, F = w->F;
    const size_t nf = (size_t)T * F;
    memset(w->dhidden, 0, nf * sizeof(float));
    linear_backward(w->dhidden, dw2, db2, dout, hidden, w2, T, F, d);
    /* The slot holds act(pre) only; GELU's derivative needs pre itself, so
     * it is recomputed with the forward's own call (the same numbers). */
    linear_forward(w->pre, x, w1, b1, T, d, F);
    memset(w->dpre, 0, nf * sizeof(float));
    if (w->c->activation == ACT_GELU)
        gelu_backward(w->dpre, w->dhidden, w->pre, nf);
    else
        relu_backward(w->dpre, w->dhidden, w->pre, nf);
    linear_backward(dx, dw1, db1, w->dpre, x, w1, T, d, F);
}

const float *dropout_backward(const BackpropWork *w, const float *ds, const float *mask, int T)
{
    if (!mask)
        return ds;
    const size_t n = (size_t)T * w->d;
    memcpy(w->ddrop, ds, n * sizeof(float));
    dropout_apply(w->ddrop, mask, n);
    return w->ddrop;
}

/* The layer's mask of sublayer k, or NULL. */
static const float *mask_of(const float *const *drop, DropSublayer k)
{
    return drop ? drop[k] : NULL;
}

const float *backprop_encoder_output(const LayerActs *o, const Config *c)
{
    return layer_output(o, LAYER_ENCODER, c->norm);
}

const float *backprop_decoder_output(const LayerActs *o, const Config *c)
{
    return layer_output(o, layer_kind(c, 0), c->norm);
}

void encoder_layer_backward(const BackpropWork *w, float *dx, const float *dy, const LayerActs *o,
                            const float *x, const EncLayerWeights *W, EncLayerWeights *G, int Ts,
                            const AttnPositions *pos, float *dbias_table, int layer, const float *const *drop)
{
    const bool post = w->c->norm == NORM_POST;
    /* The stream between the two blocks: ln1 (post-LN) or resid_mid (pre-LN). */
    const float *mid = post ? o->ln1 : o->resid_mid;
    const Block attn = {x, o->resid_mid, o->ln1, W->norm1_w, G->norm1_w, G->norm1_b};
    const Block ffn = {mid, o->resid_post, o->ln2, W->norm2_w, G->norm2_w, G->norm2_b};
    float *dmid = w->dmid[0];  /* (Ts, d) */
    float *d_in;
    const float *in, *ds;

    memset(dmid, 0, (size_t)Ts * w->d * sizeof(float));
    ds = dropout_backward(w, block_enter(w, &ffn, dmid, dy, Ts, &d_in, &in), mask_of(drop, DROP_FFN), Ts);
    ffn_backward(w, d_in, G->ff1_w, G->ff1_b, G->ff2_w, G->ff2_b, ds, in, o->ffn_hidden, W->ff1_w, W->ff1_b,
                 W->ff2_w, Ts);
    block_leave(w, &ffn, dmid, Ts);

    ds = dropout_backward(w, block_enter(w, &attn, dx, dmid, Ts, &d_in, &in), mask_of(drop, DROP_SELF), Ts);
    const AttnSwitches sw = attention_switches(w->c, ABLATE_ENC, layer);
    attention_backward(w, d_in, d_in, G->self_attn_in_w, G->self_attn_in_b, G->self_attn_out_w,
                       G->self_attn_out_b, dbias_table, ds, &o->attn, in, in, W->self_attn_in_w,
                       W->self_attn_out_w, Ts, Ts, pos, &sw);
    block_leave(w, &attn, dx, Ts);
}

void decoder_layer_backward(const BackpropWork *w, float *dx, float *dmemory, const float *dy,
                            const LayerActs *o, const float *x, const float *memory,
                            const DecLayerWeights *W, DecLayerWeights *G, int Tt, int Ts,
                            const AttnPositions *self_pos, float *dbias_table, int layer,
                            const float *const *drop)
{
    const bool post = w->c->norm == NORM_POST;
    const size_t n = (size_t)Tt * w->d;
    /* The blocks as the decoder's tables of steps chain them
     * (model/layer_steps.c); decoder-only has no cross-attention, and its
     * feed-forward's norm is norm2. */
    const Block self = {x, o->resid_self, o->ln1, W->norm1_w, G->norm1_w, G->norm1_b};
    const float *after_self = post ? o->ln1 : o->resid_self;
    const Block cross = {after_self, o->resid_cross, o->ln2, W->norm2_w, G->norm2_w, G->norm2_b};
    const float *after_cross = post ? o->ln2 : o->resid_cross;
    const Block ffn_cross = {after_cross, o->resid_post, o->ln3, W->norm3_w, G->norm3_w, G->norm3_b};
    const Block ffn_only = {after_self, o->resid_post, o->ln2, W->norm2_w, G->norm2_w, G->norm2_b};
    const Block *ffn = memory ? &ffn_cross : &ffn_only;
    const AttnPositions none = {0};
    float *d_in, *d_ffn_x = w->dmid[0], *d_cross_x = w->dmid[1];  /* (Tt, d) each */
    const float *in, *ds;

    memset(d_ffn_x, 0, n * sizeof(float));
    ds = dropout_backward(w, block_enter(w, ffn, d_ffn_x, dy, Tt, &d_in, &in), mask_of(drop, DROP_FFN), Tt);
    ffn_backward(w, d_in, G->ff1_w, G->ff1_b, G->ff2_w, G->ff2_b, ds, in, o->ffn_hidden, W->ff1_w, W->ff1_b,
                 W->ff2_w, Tt);
    block_leave(w, ffn, d_ffn_x, Tt);

    const float *d_self_y = d_ffn_x;  /* the gradient at the self-attention block's output */
    if (memory) {
        /* Queries from the decoder stream, keys and values from the memory:
         * the memory's share goes to dmemory, shared by every layer. */
        memset(d_cross_x, 0, n * sizeof(float));
        ds = dropout_backward(w, block_enter(w, &cross, d_cross_x, d_ffn_x, Tt, &d_in, &in),
                              mask_of(drop, DROP_CROSS), Tt);
        const AttnSwitches cross_sw = attention_switches(w->c, ABLATE_DEC_CROSS, layer);
        attention_backward(w, d_in, dmemory, G->multihead_attn_in_w, G->multihead_attn_in_b,
                           G->multihead_attn_out_w, G->multihead_attn_out_b, NULL, ds, &o->cross_attn, in,
                           memory, W->multihead_attn_in_w, W->multihead_attn_out_w, Tt, Ts, &none, &cross_sw);
        block_leave(w, &cross, d_cross_x, Tt);
        d_self_y = d_cross_x;
    }

    ds = dropout_backward(w, block_enter(w, &self, dx, d_self_y, Tt, &d_in, &in), mask_of(drop, DROP_SELF), Tt);
    const AttnSwitches self_sw = attention_switches(w->c, ABLATE_DEC_SELF, layer);
    attention_backward(w, d_in, d_in, G->self_attn_in_w, G->self_attn_in_b, G->self_attn_out_w,
                       G->self_attn_out_b, dbias_table, ds, &o->self_attn, in, in, W->self_attn_in_w,
                       W->self_attn_out_w, Tt, Tt, self_pos, &self_sw);
    block_leave(w, &self, dx, Tt);
}
