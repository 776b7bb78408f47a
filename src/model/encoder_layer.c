/* encoder_layer.c — self-attention → add & norm → feed-forward → add & norm. */
#include "core/ops.h"
#include "model/attention.h"
#include "model/layers.h"

const float *encoder_layer_forward(const LayerActs *o, const float *x, const EncLayerWeights *w,
                                   const Config *c, int Ts, const AttnPositions *pos)
{
    const int d = c->d_model, F = c->d_ff;
    const size_t n = (size_t)Ts * d;
    const float eps = c->ln_eps;

    if (c->norm == NORM_POST) {
        attention_forward(&o->attn, x, x, w->self_attn_in_w, w->self_attn_in_b,
                          w->self_attn_out_w, w->self_attn_out_b, Ts, Ts, d, c->heads, pos);
        add_forward(o->resid_mid, x, o->attn.out, n);
        layernorm_forward(o->ln1, o->resid_mid, w->norm1_w, w->norm1_b, Ts, d, eps);
        ffn_forward(o->ffn_hidden, o->ffn_out, o->ln1, w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b,
                    Ts, d, F, c->activation);
        add_forward(o->resid_post, o->ln1, o->ffn_out, n);
        layernorm_forward(o->ln2, o->resid_post, w->norm2_w, w->norm2_b, Ts, d, eps);
        return o->ln2;
    }
    layernorm_forward(o->ln1, x, w->norm1_w, w->norm1_b, Ts, d, eps);
    attention_forward(&o->attn, o->ln1, o->ln1, w->self_attn_in_w, w->self_attn_in_b,
                      w->self_attn_out_w, w->self_attn_out_b, Ts, Ts, d, c->heads, pos);
    add_forward(o->resid_mid, x, o->attn.out, n);
    layernorm_forward(o->ln2, o->resid_mid, w->norm2_w, w->norm2_b, Ts, d, eps);
    ffn_forward(o->ffn_hidden, o->ffn_out, o->ln2, w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b,
                Ts, d, F, c->activation);
    add_forward(o->resid_post, o->resid_mid, o->ffn_out, n);
    return o->resid_post;
}
