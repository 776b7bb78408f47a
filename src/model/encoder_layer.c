/* encoder_layer.c — self-attention → add & norm → feed-forward → add & norm. */
#include <string.h>

#include "core/ops.h"
#include "model/attention.h"
#include "model/layers.h"

/* out (T, d) = x + sub, the residual connection; with residual = off the
 * sublayer's output alone, so the resid_* records then hold what the
 * sublayer computed and the stream it read is forgotten. */
static void residual_forward(float *out, const float *x, const float *sub, size_t n, bool on)
{
    if (on)
        add_forward(out, x, sub, n);
    else
        memcpy(out, sub, n * sizeof *out);
}

const float *encoder_layer_forward(const LayerActs *o, const float *x, const EncLayerWeights *w,
                                   const Config *c, int Ts, const AttnPositions *pos)
{
    const int d = c->d_model, F = c->d_ff;
    const size_t n = (size_t)Ts * d;
    const float eps = c->ln_eps;

    if (c->norm == NORM_POST) {
        attention_forward(&o->attn, x, x, w->self_attn_in_w, w->self_attn_in_b,
                          w->self_attn_out_w, w->self_attn_out_b, Ts, Ts, d, c->heads, pos);
        residual_forward(o->resid_mid, x, o->attn.out, n, c->residual);
        layernorm_forward(o->ln1, o->resid_mid, w->norm1_w, w->norm1_b, Ts, d, eps);
        ffn_forward(o->ffn_hidden, o->ffn_out, o->ln1, w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b,
                    Ts, d, F, c->activation);
        residual_forward(o->resid_post, o->ln1, o->ffn_out, n, c->residual);
        layernorm_forward(o->ln2, o->resid_post, w->norm2_w, w->norm2_b, Ts, d, eps);
        return o->ln2;
    }
    layernorm_forward(o->ln1, x, w->norm1_w, w->norm1_b, Ts, d, eps);
    attention_forward(&o->attn, o->ln1, o->ln1, w->self_attn_in_w, w->self_attn_in_b,
                      w->self_attn_out_w, w->self_attn_out_b, Ts, Ts, d, c->heads, pos);
    residual_forward(o->resid_mid, x, o->attn.out, n, c->residual);
    layernorm_forward(o->ln2, o->resid_mid, w->norm2_w, w->norm2_b, Ts, d, eps);
    ffn_forward(o->ffn_hidden, o->ffn_out, o->ln2, w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b,
                Ts, d, F, c->activation);
    residual_forward(o->resid_post, o->resid_mid, o->ffn_out, n, c->residual);
    return o->resid_post;
}
