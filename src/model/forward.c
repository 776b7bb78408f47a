/* forward.c — the model of "Attention Is All You Need", Figure 1, top to
 * bottom: embed and add positions, the encoder stack, the decoder stack
 * reading the encoder's memory, the final linear layer and softmax. */
#include "model/forward.h"

#include <math.h>
#include <string.h>

#include "core/ops.h"
#include "model/layers.h"
#include "model/masks.h"
#include "model/positions.h"

/* out (T, d) = table[ids] · √d, as §3.4 of the paper scales embeddings. */
static void embed_forward(float *out, float *ids_out, const float *table, const int *ids, int T, int d)
{
    const float s = sqrtf((float)d);
    for (int t = 0; t < T; t++) {
        ids_out[t] = (float)ids[t];
        scale_forward(out + (size_t)t * d, table + (size_t)ids[t] * d, s, (size_t)d);
    }
}

/* input (T, d) = embed + pos, or embed alone when positions are off. */
static void add_positions(float *input, const float *embed, const float *pos, int T, int d)
{
    if (pos)
        add_forward(input, embed, pos, (size_t)T * d);
    else
        memcpy(input, embed, (size_t)T * d * sizeof *input);
}

static const float *encode(const Model *m, const Batch *b, Activations *a, int s)
{
    const Config *c = &m->cfg;
    const int Ts = b->Ts, d = c->d_model;
    const size_t row = (size_t)s * Ts * d;
    embed_forward(a->enc_embed + row, a->src_tokens + (size_t)s * Ts, m->w.src_embed,
                  b->src + (size_t)s * Ts, Ts, d);
    add_positions(a->enc_input + row, a->enc_embed + row, a->enc_pos, Ts, d);

    const float *x = a->enc_input + row;
    for (int l = 0; l < c->enc_layers; l++) {
        LayerActs o = activations_sentence_layer(a, &a->enc[l], s, STREAM_SRC);
        mask_build(o.attn.mask, Ts, Ts, b->src_len[s], 0);  /* padding only */
        x = encoder_layer_forward(&o, x, &m->w.enc[l], c, Ts);
    }
    if (c->final_norm) {
        layernorm_forward(a->enc_norm + row, x, m->w.enc_norm_w, m->w.enc_norm_b, Ts, d, c->ln_eps);
        x = a->enc_norm + row;
    }
    memcpy(a->enc_memory + row, x, (size_t)Ts * d * sizeof *x);
    return a->enc_memory + row;
}

static void decode(const Model *m, const Batch *b, Activations *a, int s, const float *memory)
{
    const Config *c = &m->cfg;
    const int Tt = b->Tt, Ts = b->Ts, d = c->d_model, V = m->vocab.size;
    const size_t row = (size_t)s * Tt * d;
    embed_forward(a->dec_embed + row, a->tgt_tokens + (size_t)s * Tt, m->w.tgt_embed,
                  b->tgt + (size_t)s * Tt, Tt, d);
    add_positions(a->dec_input + row, a->dec_embed + row, a->dec_pos, Tt, d);

    const float *x = a->dec_input + row;
    for (int l = 0; l < c->dec_layers; l++) {
        LayerActs o = activations_sentence_layer(a, &a->dec[l], s, STREAM_TGT);
        mask_build(o.self_attn.mask, Tt, Tt, b->tgt_len[s], 1);  /* causal + padding */
        if (memory)
            mask_build(o.cross_attn.mask, Tt, Ts, b->src_len[s], 0);  /* source padding */
        x = decoder_layer_forward(&o, x, memory, &m->w.dec[l], c, Tt, Ts);
    }
    if (c->final_norm) {
        layernorm_forward(a->dec_norm + row, x, m->w.dec_norm_w, m->w.dec_norm_b, Tt, d, c->ln_eps);
        x = a->dec_norm + row;
    }
    float *logits = a->dec_logits + (size_t)s * Tt * V;
    linear_forward(logits, x, m->w.gen_w, m->w.gen_b, Tt, d, V);
    softmax_forward(a->dec_probs + (size_t)s * Tt * V, logits, Tt, V);
}

void model_forward(const Model *m, const Batch *b, Activations *a)
{
    const Config *c = &m->cfg;
    const int with_pos = c->positions != POS_NONE;
    if (with_pos && a->enc_pos)
        positions_sinusoidal(a->enc_pos, b->Ts, c->d_model);
    if (with_pos)
        positions_sinusoidal(a->dec_pos, b->Tt, c->d_model);

    for (int s = 0; s < b->B; s++) {
        const float *memory = NULL;
        if (c->arch == ARCH_ENCODER_DECODER)
            memory = encode(m, b, a, s);
        decode(m, b, a, s, memory);
    }
}
