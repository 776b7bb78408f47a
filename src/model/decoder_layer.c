/* decoder_layer.c — masked self-attention → cross-attention → feed-forward,
 * each followed (post-LN) or preceded (pre-LN) by its LayerNorm.
 *
 * In decoder-only mode there is no cross-attention; the feed-forward's norm
 * is then norm2, as in a GPT block or nn.TransformerEncoderLayer. */
#include <string.h>

#include "core/ops.h"
#include "model/attention.h"
#include "model/layers.h"

/* out (T, d) = x + sub, or sub alone with residual = off (see
 * encoder_layer.c): the resid_* records then hold the sublayer's output. */
static void residual_forward(float *out, const float *x, const float *sub, size_t n, bool on)
{
    if (on)
        add_forward(out, x, sub, n);
    else
        memcpy(out, sub, n * sizeof *out);
}

static void self_attention(const LayerActs *o, const float *x, const DecLayerWeights *w,
                           const Config *c, int Tt, const AttnPositions *pos, LayerCache *cache)
{
    if (cache)
        attention_step(&o->self_attn, x, x, &cache->self, w->self_attn_in_w, w->self_attn_in_b,
                       w->self_attn_out_w, w->self_attn_out_b, c->d_model, c->heads, pos);
    else
        attention_forward(&o->self_attn, x, x, w->self_attn_in_w, w->self_attn_in_b,
                          w->self_attn_out_w, w->self_attn_out_b, Tt, Tt, c->d_model, c->heads, pos);
}

/* Queries from the decoder stream, keys and values from the encoder memory.
 * Positions never enter here: see model/positions.h. */
static void cross_attention(const LayerActs *o, const float *x, const float *memory,
                            const DecLayerWeights *w, const Config *c, int Tt, int Ts, LayerCache *cache)
{
    const AttnPositions none = {0};
    if (cache) {
        if (cache->cross.n == 0)
            attention_cache_fill(&cache->cross, memory, w->multihead_attn_in_w, w->multihead_attn_in_b, Ts,
                                 c->d_model, c->heads);
        attention_step(&o->cross_attn, x, NULL, &cache->cross, w->multihead_attn_in_w,
                       w->multihead_attn_in_b, w->multihead_attn_out_w, w->multihead_attn_out_b, c->d_model,
                       c->heads, &none);
        return;
    }
    attention_forward(&o->cross_attn, x, memory, w->multihead_attn_in_w, w->multihead_attn_in_b,
                      w->multihead_attn_out_w, w->multihead_attn_out_b, Tt, Ts, c->d_model,
                      c->heads, &none);
}

const float *decoder_layer_forward(const LayerActs *o, const float *x, const float *memory,
                                   const DecLayerWeights *w, const Config *c, int Tt, int Ts,
                                   const AttnPositions *self_pos, LayerCache *cache)
{
    const int d = c->d_model, F = c->d_ff;
    const size_t n = (size_t)Tt * d;
    const float eps = c->ln_eps;

    if (c->norm == NORM_POST) {
        self_attention(o, x, w, c, Tt, self_pos, cache);
        residual_forward(o->resid_self, x, o->self_attn.out, n, c->residual);
        layernorm_forward(o->ln1, o->resid_self, w->norm1_w, w->norm1_b, Tt, d, eps);
        const float *h = o->ln1;
        float *ffn_norm = o->ln2;
        const float *ffn_norm_w = w->norm2_w, *ffn_norm_b = w->norm2_b;
        if (memory) {
            cross_attention(o, h, memory, w, c, Tt, Ts, cache);
            residual_forward(o->resid_cross, h, o->cross_attn.out, n, c->residual);
            layernorm_forward(o->ln2, o->resid_cross, w->norm2_w, w->norm2_b, Tt, d, eps);
            h = o->ln2;
            ffn_norm = o->ln3;
            ffn_norm_w = w->norm3_w;
            ffn_norm_b = w->norm3_b;
        }
        ffn_forward(o->ffn_hidden, o->ffn_out, h, w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, Tt, d, F,
                    c->activation);
        residual_forward(o->resid_post, h, o->ffn_out, n, c->residual);
        layernorm_forward(ffn_norm, o->resid_post, ffn_norm_w, ffn_norm_b, Tt, d, eps);
        return ffn_norm;
    }

    layernorm_forward(o->ln1, x, w->norm1_w, w->norm1_b, Tt, d, eps);
    self_attention(o, o->ln1, w, c, Tt, self_pos, cache);
    residual_forward(o->resid_self, x, o->self_attn.out, n, c->residual);
    const float *h = o->resid_self;
    float *ffn_norm = o->ln2;
    const float *ffn_norm_w = w->norm2_w, *ffn_norm_b = w->norm2_b;
    if (memory) {
        layernorm_forward(o->ln2, h, w->norm2_w, w->norm2_b, Tt, d, eps);
        cross_attention(o, o->ln2, memory, w, c, Tt, Ts, cache);
        residual_forward(o->resid_cross, h, o->cross_attn.out, n, c->residual);
        h = o->resid_cross;
        ffn_norm = o->ln3;
        ffn_norm_w = w->norm3_w;
        ffn_norm_b = w->norm3_b;
    }
    layernorm_forward(ffn_norm, h, ffn_norm_w, ffn_norm_b, Tt, d, eps);
    ffn_forward(o->ffn_hidden, o->ffn_out, ffn_norm, w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, Tt,
                d, F, c->activation);
    residual_forward(o->resid_post, h, o->ffn_out, n, c->residual);
    return o->resid_post;
}
