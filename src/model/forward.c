/* forward.c — the model of "Attention Is All You Need", Figure 1, top to
 * bottom: embed and add positions, the encoder stack, the decoder stack
 * reading the encoder's memory, the final linear layer and softmax; then,
 * under teacher forcing, what each position predicts and its loss. */
#include "model/forward.h"

#include <math.h>
#include <string.h>

#include "core/ops.h"
#include "model/decode.h"
#include "model/layers.h"
#include "model/loss.h"
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

/* input (T, d) = embed + pos, or embed alone when positions are not added
 * to the embeddings (none, relative, rope). */
static void add_positions(float *input, const float *embed, const float *pos, int T, int d)
{
    if (pos)
        add_forward(input, embed, pos, (size_t)T * d);
    else
        memcpy(input, embed, (size_t)T * d * sizeof *input);
}

/* The table added to a stack's embeddings: sinusoidal or learned, or NULL
 * when the config's positions act inside attention or not at all. */
static const float *added_positions(const Config *c, const float *sinusoidal, const float *learned)
{
    switch (c->positions) {
    case POS_SINUSOIDAL: return sinusoidal;
    case POS_LEARNED: return learned;
    default: return NULL;
    }
}

/* Whether stack k's (0 encoder, 1 decoder) positional slot already holds
 * the table of positions q0.. for Tq queries and Tk keys; if not, it will:
 * the caller computes it now. Sinusoids, rotary angles and buckets are
 * functions of positions only (a pow, a sin and a cos per entry, as much
 * time as all LayerNorms of a base pass), so a pass over the same lengths,
 * a training step or a repeated run, reuses them. Learned positions are
 * weights, which training changes: they are always copied. */
static bool positions_current(Activations *a, int k, int q0, int Tq, int Tk)
{
    if (a->pos_done[k].Tq == Tq && a->pos_done[k].q0 == q0 && a->pos_done[k].Tk == Tk)
        return true;
    a->pos_done[k].q0 = q0;
    a->pos_done[k].Tq = Tq;
    a->pos_done[k].Tk = Tk;
    return false;
}

/* The positional slot of the config's positions kind (enc.pos,
 * enc.rope_angles or enc.rel_buckets; nothing for none): the encoder's
 * positions 0..Ts−1. */
static void forward_positions_encoder(const Model *m, Activations *a)
{
    const Config *c = &m->cfg;
    const int d = c->d_model, dk = d / c->heads, Ts = a->len[STREAM_SRC];
    if (c->positions != POS_LEARNED && positions_current(a, 0, 0, Ts, Ts))
        return;
    switch (c->positions) {
    case POS_SINUSOIDAL: positions_sinusoidal(a->enc_pos, Ts, d); break;
    case POS_LEARNED: memcpy(a->enc_pos_learned, m->w.src_pos_embed, (size_t)Ts * d * sizeof(float)); break;
    case POS_ROPE: positions_rope_angles(a->enc_rope, 0, Ts, dk); break;
    case POS_RELATIVE: positions_relative_buckets(a->enc_buckets, 0, Ts, Ts, 1, c->rel_buckets, c->rel_max_distance); break;
    default: break;
    }
}

void forward_positions_decoder(const Model *m, Activations *a, int q0)
{
    const Config *c = &m->cfg;
    const int d = c->d_model, dk = d / c->heads;
    const int Tq = a->len[STREAM_TGT], Tk = a->len[STREAM_KEYS];
    if (c->positions != POS_LEARNED && positions_current(a, 1, q0, Tq, Tk))
        return;
    switch (c->positions) {
    case POS_SINUSOIDAL: positions_sinusoidal_rows(a->dec_pos, q0, Tq, d); break;
    case POS_LEARNED:
        memcpy(a->dec_pos_learned, m->w.tgt_pos_embed + (size_t)q0 * d, (size_t)Tq * d * sizeof(float));
        break;
    case POS_ROPE: positions_rope_angles(a->dec_rope, q0, Tq, dk); break;
    case POS_RELATIVE: positions_relative_buckets(a->dec_buckets, q0, Tq, Tk, 0, c->rel_buckets, c->rel_max_distance); break;
    default: break;
    }
}

/* The encoder's input for sentence s of a (src: its Ts ids): embeddings,
 * positions and, in a training pass, dropout, into enc.embed and enc.input. */
static void encode_embed(const Model *m, Activations *a, int s, const int *src)
{
    const Config *c = &m->cfg;
    const int Ts = a->len[STREAM_SRC], d = c->d_model;
    const size_t row = (size_t)s * Ts * d;
    embed_forward(a->enc_embed + row, a->src_tokens + (size_t)s * Ts, m->w.src_embed, src, Ts, d);
    add_positions(a->enc_input + row, a->enc_embed + row, added_positions(c, a->enc_pos, a->enc_pos_learned), Ts, d);
    const float *in_mask = dropout_mask(a->dropout, 1, -1, DROP_SELF, s);  /* (Ts, d) or NULL */
    if (in_mask)
        dropout_apply(a->enc_input + row, in_mask, (size_t)Ts * d);
}

/* What layer l of a stack reads for sentence s (T, d): the stack's input
 * (enc.input, dec.input) below its first layer, else the output of the
 * layer below. */
static const float *layer_input(const Config *c, const Activations *a, const LayerActs *stack, int l, int s,
                                LayerKind kind, const float *input, Stream st)
{
    if (l == 0)
        return input + (size_t)s * a->len[st] * c->d_model;
    const LayerActs below = activations_sentence_layer(a, &stack[l - 1], s, st);
    return layer_output(&below, kind, c->norm);
}

/* Encoder layer l on sentence s (src_len real source tokens). */
static void encode_layer(const Model *m, Activations *a, int l, int s, int src_len)
{
    const Config *c = &m->cfg;
    const int Ts = a->len[STREAM_SRC];
    const bool relative = c->positions == POS_RELATIVE;
    const AttnPositions pos = {c->positions == POS_ROPE, 0, relative ? a->enc_buckets : NULL,
                               relative ? m->w.enc_rel_bias : NULL};
    const float *x = layer_input(c, a, a->enc, l, s, LAYER_ENCODER, a->enc_input, STREAM_SRC);
    LayerActs o = activations_sentence_layer(a, &a->enc[l], s, STREAM_SRC);
    mask_build(o.attn.mask, Ts, Ts, c->padding_mask ? src_len : Ts, 0);  /* padding only */
    const LayerWeights w = layer_weights_encoder(&m->w.enc[l]);
    const float *drop[DROP_SUBLAYERS];  /* (Ts, d) each, or NULL */
    for (int k = 0; k < DROP_SUBLAYERS; k++)
        drop[k] = dropout_mask(a->dropout, 1, l, (DropSublayer)k, s);
    layer_forward(&o, LAYER_ENCODER, c, &w, x, NULL, Ts, 0, &pos, NULL, l, a->dropout ? drop : NULL);
}

/* After the encoder's layers, sentence s: the final norm, and the memory
 * (Ts, d) every decoder layer reads, which it returns (inside a). */
static const float *encode_out(const Model *m, Activations *a, int s)
{
    const Config *c = &m->cfg;
    const int Ts = a->len[STREAM_SRC], d = c->d_model;
    const size_t row = (size_t)s * Ts * d;
    const float *x = layer_input(c, a, a->enc, c->enc_layers, s, LAYER_ENCODER, a->enc_input, STREAM_SRC);
    if (c->final_norm) {
        layernorm_forward(a->enc_norm + row, x, m->w.enc_norm_w, m->w.enc_norm_b, Ts, d, c->ln_eps);
        x = a->enc_norm + row;
    }
    memcpy(a->enc_memory + row, x, (size_t)Ts * d * sizeof *x);
    return a->enc_memory + row;
}

/* The encoder on sentence s of a (src: its Ts ids, src_len real ones);
 * returns its memory (Ts, d), inside a. */
static const float *forward_encode(const Model *m, Activations *a, int s, const int *src, int src_len)
{
    encode_embed(m, a, s, src);
    for (int l = 0; l < m->cfg.enc_layers; l++)
        encode_layer(m, a, l, s, src_len);
    return encode_out(m, a, s);
}

/* The dropout of a decoder pass: a training pass only, never a generation
 * step with caches. */
static const DropoutMasks *decode_dropout(const Activations *a, const LayerCache *caches)
{
    return caches ? NULL : a->dropout;
}

/* The decoder's input for sentence s (ids: its Tt ids), into dec.embed and dec.input. */
static void decode_embed(const Model *m, Activations *a, int s, const int *ids, const LayerCache *caches)
{
    const Config *c = &m->cfg;
    const int Tt = a->len[STREAM_TGT], d = c->d_model;
    const size_t row = (size_t)s * Tt * d;
    embed_forward(a->dec_embed + row, a->tgt_tokens + (size_t)s * Tt, m->w.tgt_embed, ids, Tt, d);
    add_positions(a->dec_input + row, a->dec_embed + row, added_positions(c, a->dec_pos, a->dec_pos_learned), Tt, d);
    const float *in_mask = dropout_mask(decode_dropout(a, caches), 0, -1, DROP_SELF, s);  /* (Tt, d) or NULL */
    if (in_mask)
        dropout_apply(a->dec_input + row, in_mask, (size_t)Tt * d);
}

/* Decoder layer l on sentence s: memory (Ts, d) of its src_len real source
 * tokens (NULL decoder-only), len real decoder tokens, queries from
 * position q0; caches: a generation step's, or NULL. */
static void decode_layer(const Model *m, Activations *a, int l, int s, const float *memory, int src_len, int len,
                         int q0, LayerCache *caches)
{
    const Config *c = &m->cfg;
    const int Tt = a->len[STREAM_TGT], Tk = a->len[STREAM_KEYS], Ts = a->len[STREAM_SRC];
    const DropoutMasks *dm = decode_dropout(a, caches);
    const bool relative = c->positions == POS_RELATIVE;
    const AttnPositions pos = {c->positions == POS_ROPE, q0, relative ? a->dec_buckets : NULL,
                               relative ? m->w.dec_rel_bias : NULL};
    const LayerKind kind = layer_kind(c, 0);
    const float *x = layer_input(c, a, a->dec, l, s, kind, a->dec_input, STREAM_TGT);
    LayerActs o = activations_sentence_layer(a, &a->dec[l], s, STREAM_TGT);
    if (caches)
        mask_build(o.self_attn.mask, 1, Tk, Tk, 0);  /* every cached key lies in the past */
    else
        mask_build(o.self_attn.mask, Tt, Tt, c->padding_mask ? len : Tt, c->causal_mask);  /* causal + padding */
    if (kind == LAYER_DECODER)
        mask_build(o.cross_attn.mask, Tt, Ts, c->padding_mask ? src_len : Ts, 0);  /* source padding */
    const LayerWeights w = layer_weights_decoder(&m->w.dec[l]);
    const float *drop[DROP_SUBLAYERS];  /* (Tt, d) each, or NULL */
    for (int k = 0; k < DROP_SUBLAYERS; k++)
        drop[k] = dropout_mask(dm, 0, l, (DropSublayer)k, s);
    layer_forward(&o, kind, c, &w, x, memory, Tt, Ts, &pos, caches ? &caches[l] : NULL, l, dm ? drop : NULL);
}

/* After the decoder's layers, sentence s: the final norm, the logits and
 * their softmax. */
static void decode_out(const Model *m, Activations *a, int s)
{
    const Config *c = &m->cfg;
    const int Tt = a->len[STREAM_TGT], d = c->d_model, V = m->vocab.size;
    const size_t row = (size_t)s * Tt * d;
    const float *x = layer_input(c, a, a->dec, c->dec_layers, s, layer_kind(c, 0), a->dec_input, STREAM_TGT);
    if (c->final_norm) {
        layernorm_forward(a->dec_norm + row, x, m->w.dec_norm_w, m->w.dec_norm_b, Tt, d, c->ln_eps);
        x = a->dec_norm + row;
    }
    float *logits = a->dec_logits + (size_t)s * Tt * V;
    linear_forward(logits, x, m->w.gen_w, m->w.gen_b, Tt, d, V);
    softmax_forward(a->dec_probs + (size_t)s * Tt * V, logits, Tt, V);
}

void forward_decode(const Model *m, Activations *a, int s, const float *memory, int src_len,
                    const int *ids, int len, int q0, LayerCache *caches)
{
    decode_embed(m, a, s, ids, caches);
    for (int l = 0; l < m->cfg.dec_layers; l++)
        decode_layer(m, a, l, s, memory, src_len, len, q0, caches);
    decode_out(m, a, s);
}

/* Teacher forcing: the most likely token at every position, and, where the
 * targets are known, each position's cross-entropy and their mean over the
 * real (not <PAD>) targets of the batch, as nn.CrossEntropyLoss with
 * ignore_index = <PAD> averages. Token ids only: their text is the
 * trace's business (run/run_labels.h). */
static void predict_and_score(const Model *m, const Batch *b, Activations *a)
{
    const int Tt = b->Tt, V = m->vocab.size;
    double total = 0.0;
    int counted = 0;
    for (int s = 0; s < b->B; s++)
        for (int t = 0; t < Tt; t++) {
            const size_t i = (size_t)s * Tt + t;
            const float *logits = a->dec_logits + i * V;
            a->dec_predicted[i] = (float)loss_argmax(logits, V);
            if (!b->target)
                continue;
            const int target = b->target[i];
            a->dec_target[i] = (float)target;
            double l = target == TOK_PAD ? 0.0 : loss_cross_entropy(logits, V, target);
            a->dec_loss[i] = (float)l;
            if (target != TOK_PAD) {
                total += l;
                counted++;
            }
        }
    if (b->target)
        a->loss[0] = counted ? (float)(total / counted) : 0.0f;
}

void model_forward(const Model *m, const Batch *b, Activations *a)
{
    model_forward_streamed(m, b, a, NULL, NULL);
}

/* Tell watch that layer L of a stack is done on every sentence. */
static Status layer_done(const ForwardWatch *watch, Activations *a, const LayerActs *L, Error *err)
{
    return watch ? watch->layer_done(watch->ctx, a, L->slot_end, err) : TF_OK;
}

/* Layer by layer, each on every sentence, so that a layer's slots are
 * final, all sentences of them, before the next layer runs: with
 * shared_layers it reuses their memory. Sentences do not mix, so the
 * values are those of one sentence after another. */
Status model_forward_streamed(const Model *m, const Batch *b, Activations *a, const ForwardWatch *watch, Error *err)
{
    const Config *c = &m->cfg;
    Status st = TF_OK;
    if (c->arch == ARCH_ENCODER_DECODER) {
        forward_positions_encoder(m, a);
        for (int s = 0; s < b->B; s++)
            encode_embed(m, a, s, b->src + (size_t)s * b->Ts);
        for (int l = 0; st == TF_OK && l < c->enc_layers; l++) {
            for (int s = 0; s < b->B; s++)
                encode_layer(m, a, l, s, b->src_len[s]);
            st = layer_done(watch, a, &a->enc[l], err);
        }
        for (int s = 0; st == TF_OK && s < b->B; s++)
            encode_out(m, a, s);
    }
    if (st)
        return st;
    forward_positions_decoder(m, a, 0);
    const int Ts = a->len[STREAM_SRC], d = c->d_model;
    for (int s = 0; s < b->B; s++)
        decode_embed(m, a, s, b->tgt + (size_t)s * b->Tt, NULL);
    for (int l = 0; st == TF_OK && l < c->dec_layers; l++) {
        for (int s = 0; s < b->B; s++) {
            const bool ed = c->arch == ARCH_ENCODER_DECODER;
            decode_layer(m, a, l, s, ed ? a->enc_memory + (size_t)s * Ts * d : NULL, ed ? b->src_len[s] : 0,
                         b->tgt_len[s], 0, NULL);
        }
        st = layer_done(watch, a, &a->dec[l], err);
    }
    if (st)
        return st;
    for (int s = 0; s < b->B; s++)
        decode_out(m, a, s);
    predict_and_score(m, b, a);
    return TF_OK;
}

void model_encode(const Model *m, const Batch *b, Activations *a)
{
    if (m->cfg.arch != ARCH_ENCODER_DECODER)
        return;  /* decoder-only: nothing to encode */
    forward_positions_encoder(m, a);
    for (int s = 0; s < b->B; s++)
        forward_encode(m, a, s, b->src + (size_t)s * b->Ts, b->src_len[s]);
}
