/* layer_forward.c — one layer, computed by walking its table of steps
 * (model/layer_steps.h): the same table from which activations.c
 * registers the slots, so the trace lists what was computed. */
#include <string.h>

#include "core/ops.h"
#include "model/attention.h"
#include "model/dropout_masks.h"
#include "model/layers.h"

LayerWeights layer_weights_encoder(const EncLayerWeights *w)
{
    return (LayerWeights){
        .self_in_w = w->self_attn_in_w, .self_in_b = w->self_attn_in_b,
        .self_out_w = w->self_attn_out_w, .self_out_b = w->self_attn_out_b,
        .ff1_w = w->ff1_w, .ff1_b = w->ff1_b, .ff2_w = w->ff2_w, .ff2_b = w->ff2_b,
        .norm_w = {w->norm1_w, w->norm2_w, NULL}, .norm_b = {w->norm1_b, w->norm2_b, NULL},
    };
}

LayerWeights layer_weights_decoder(const DecLayerWeights *w)
{
    return (LayerWeights){
        .self_in_w = w->self_attn_in_w, .self_in_b = w->self_attn_in_b,
        .self_out_w = w->self_attn_out_w, .self_out_b = w->self_attn_out_b,
        .cross_in_w = w->multihead_attn_in_w, .cross_in_b = w->multihead_attn_in_b,
        .cross_out_w = w->multihead_attn_out_w, .cross_out_b = w->multihead_attn_out_b,
        .ff1_w = w->ff1_w, .ff1_b = w->ff1_b, .ff2_w = w->ff2_w, .ff2_b = w->ff2_b,
        .norm_w = {w->norm1_w, w->norm2_w, w->norm3_w}, .norm_b = {w->norm1_b, w->norm2_b, w->norm3_b},
    };
}

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

/* Self-attention: queries from xq, keys and values from xkv (the same rows
 * in every table; with a cache, the new row joins it). */
static void self_attention(const AttnActs *o, const float *xq, const float *xkv, const LayerWeights *w,
                           const Config *c, int T, const AttnPositions *pos, LayerCache *cache,
                           const AttnSwitches *sw)
{
    if (cache)
        attention_step(o, xq, xkv, &cache->self, w->self_in_w, w->self_in_b, w->self_out_w, w->self_out_b,
                       c->d_model, c->heads, pos, sw);
    else
        attention_forward(o, xq, xkv, w->self_in_w, w->self_in_b, w->self_out_w, w->self_out_b, T, T,
                          c->d_model, c->heads, pos, sw);
}

/* Queries from the decoder stream, keys and values from the encoder memory.
 * Positions never enter here: see model/positions.h. */
static void cross_attention(const AttnActs *o, const float *x, const float *memory, const LayerWeights *w,
                            const Config *c, int T, int Ts, LayerCache *cache, const AttnSwitches *sw)
{
    const AttnPositions none = {0};
    if (cache) {
        if (cache->cross.n == 0)
            attention_cache_fill(&cache->cross, memory, w->cross_in_w, w->cross_in_b, Ts, c->d_model, c->heads);
        attention_step(o, x, NULL, &cache->cross, w->cross_in_w, w->cross_in_b, w->cross_out_w, w->cross_out_b,
                       c->d_model, c->heads, &none, sw);
        return;
    }
    attention_forward(o, x, memory, w->cross_in_w, w->cross_in_b, w->cross_out_w, w->cross_out_b, T, Ts,
                      c->d_model, c->heads, &none, sw);
}

/* Every value a step of a layer may name: where it writes (slot, the
 * layer's own slots) and what it reads (val: those, the layer's input, the
 * memory, the blocks' outputs). */
static void layer_values(const LayerActs *o, const float *x, const float *memory, float *slot[LV_COUNT],
                         const float *val[LV_COUNT])
{
    for (int i = 0; i < LV_COUNT; i++)
        slot[i] = NULL;
#define SLOT(field, ...) slot[LV_##field] = o->field;
    LAYER_SLOTS(SLOT)
#undef SLOT
    for (int i = 0; i < LV_COUNT; i++)
        val[i] = slot[i];
    val[LV_INPUT] = x;
    val[LV_MEMORY] = memory;
#define BLOCK_OUT(field, ...) val[LV_##field] = o->field.out;
    ATTN_BLOCKS(BLOCK_OUT)
#undef BLOCK_OUT
}

const float *layer_output(const LayerActs *o, LayerKind kind, NormPlacement norm)
{
    float *slot[LV_COUNT];
    const float *val[LV_COUNT];
    layer_values(o, NULL, NULL, slot, val);
    int n;
    const LayerStep *steps = layer_steps(kind, norm, &n);
    return val[steps[n - 1].out];
}

const float *layer_forward(const LayerActs *o, LayerKind kind, const Config *c, const LayerWeights *w,
                           const float *x, const float *memory, int T, int Ts,
                           const AttnPositions *self_pos, LayerCache *cache, int layer,
                           const float *const *drop)
{
    const int d = c->d_model;
    const size_t n = (size_t)T * d;
    float *slot[LV_COUNT];
    const float *val[LV_COUNT];
    layer_values(o, x, memory, slot, val);

    int n_steps;
    const LayerStep *steps = layer_steps(kind, c->norm, &n_steps);
    for (int i = 0; i < n_steps; i++) {
        const LayerStep *s = &steps[i];
        switch (s->op) {
        case STEP_ATTN:
            if (layer_block_is_self(s->out)) {
                const AttnSwitches sw =
                    attention_switches(c, kind == LAYER_ENCODER ? ABLATE_ENC : ABLATE_DEC_SELF, layer);
                self_attention(layer_block(o, s->out), val[s->in], val[s->in2], w, c, T, self_pos, cache, &sw);
                if (drop && drop[DROP_SELF])
                    dropout_apply(layer_block(o, s->out)->out, drop[DROP_SELF], n);
            } else {
                const AttnSwitches sw = attention_switches(c, ABLATE_DEC_CROSS, layer);
                cross_attention(layer_block(o, s->out), val[s->in], val[s->in2], w, c, T, Ts, cache, &sw);
                if (drop && drop[DROP_CROSS])
                    dropout_apply(layer_block(o, s->out)->out, drop[DROP_CROSS], n);
            }
            break;
        case STEP_ADD:
            residual_forward(slot[s->out], val[s->in], val[s->in2], n, c->residual);
            break;
        case STEP_NORM: {
            const int k = layer_norm_number(s->out) - 1;
            layernorm_forward(slot[s->out], val[s->in], w->norm_w[k], w->norm_b[k], T, d, c->ln_eps);
            break;
        }
        case STEP_FFN:
            ffn_forward(o->ffn_hidden, o->ffn_out, val[s->in], w->ff1_w, w->ff1_b, w->ff2_w, w->ff2_b, T, d,
                        c->d_ff, c->activation);
            if (drop && drop[DROP_FFN])
                dropout_apply(o->ffn_out, drop[DROP_FFN], n);
            break;
        }
    }
    return val[steps[n_steps - 1].out];
}
