/* backprop.c — the whole model backwards: Figure 1 read from the top.
 *
 * The loss's gradient at the logits, the output projection, the final norm
 * of the decoder, its layers from the last to the first (each cross-
 * attention adding its share to the gradient at the encoder's memory), the
 * decoder's embeddings; then the same for the encoder, starting from the
 * memory's summed gradient. One sentence at a time (sentences never mix);
 * the parameter gradients sum over the sentences (the loss's mean over the
 * batch is already in the logits' gradient). A pass made with dropout
 * (Activations.dropout) goes back through the same masks. */
#include "train/backprop.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/backward.h"
#include "core/checked.h"
#include "model/dropout_masks.h"
#include "train/backprop_internal.h"
#include "train/loss.h"

/* ---- scratch ------------------------------------------------------------- */

/* Hands out consecutive pieces of one block; with block NULL it only counts.
 * Sizes are multiplied with overflow checks (ok becomes false). */
typedef struct {
    float *block;
    size_t used;
    bool ok;
} Carver;

static float *carve(Carver *cv, size_t a, size_t b)
{
    size_t n;
    if (!checked_mul(&n, a, b) || !checked_add(&cv->used, cv->used, n)) {
        cv->ok = false;
        return NULL;
    }
    return cv->block ? cv->block + (cv->used - n) : NULL;
}

static void carve_all(BackpropWork *w, Carver *cv, const Config *c, int V, int B, int Ts, int Tt)
{
    const size_t d = (size_t)c->d_model, dk = (size_t)config_head_dim(c), F = (size_t)c->d_ff;
    const size_t Tm = (size_t)(Ts > Tt ? Ts : Tt);
    w->dlogits = carve(cv, (size_t)B * (size_t)Tt, (size_t)V);
    w->dfinal = carve(cv, (size_t)Tt, d);
    w->dmemory = carve(cv, (size_t)Ts, d);
    w->dmid[0] = carve(cv, Tm, d);
    w->dmid[1] = carve(cv, Tm, d);
    w->dsub = carve(cv, Tm, d);
    w->dln = carve(cv, Tm, d);
    w->ddrop = carve(cv, Tm, d);
    w->dconcat = carve(cv, Tm, d);
    w->dz = carve(cv, Tm, dk);
    w->dq = carve(cv, Tm, dk);
    w->dkey = carve(cv, Tm, dk);
    w->dv = carve(cv, Tm, dk);
    w->dq_rot = carve(cv, Tm, dk);
    w->dk_rot = carve(cv, Tm, dk);
    w->dweights = carve(cv, Tm, Tm);
    w->dscores = carve(cv, Tm, Tm);
    w->draw = carve(cv, Tm, Tm);
    w->pre = carve(cv, Tm, F);
    w->dhidden = carve(cv, Tm, F);
    w->dpre = carve(cv, Tm, F);
}

/* Floats of scratch for these sizes. */
static size_t backprop_work_numel(const Config *c, int V, int B, int Ts, int Tt)
{
    BackpropWork w;
    Carver cv = {NULL, 0, true};
    carve_all(&w, &cv, c, V, B, Ts, Tt);
    return cv.ok ? cv.used : (size_t)-1;
}

/* Carve a block of backprop_work_numel floats into w. */
static void backprop_work_carve(BackpropWork *w, float *block, const Config *c, int V, int B, int Ts, int Tt)
{
    Carver cv = {block, 0, true};
    carve_all(w, &cv, c, V, B, Ts, Tt);
}

/* What work_ points at: the carved scratch and the sizes it was made for. */
typedef struct {
    BackpropWork w;
    float *block;
    int V, F, dk;                 /* of the model backprop_grads_alloc was given */
    size_t enc_numel, dec_numel;  /* of the stream arrays */
} Work;

/* ---- Grads --------------------------------------------------------------- */

static size_t stream_numel(int layers, int B, int T, int d)
{
    size_t n = 1;
    if (!checked_mul(&n, (size_t)layers + 1, (size_t)B) || !checked_mul(&n, n, (size_t)T) ||
        !checked_mul(&n, n, (size_t)d) || !checked_mul(&n, n, sizeof(float)))
        return (size_t)-1;
    return n / sizeof(float);
}

Status backprop_grads_alloc(Grads *g, const Model *m, int B, int Ts, int Tt, Error *err)
{
    const Config *c = &m->cfg;
    const bool enc_dec = c->arch == ARCH_ENCODER_DECODER;
    memset(g, 0, sizeof *g);
    if (!enc_dec)
        Ts = 0;
    if (B < 1 || Tt < 1 || Ts < 0 || (enc_dec && Ts < 1))
        return error_set(err, TF_ERR_INPUT, "gradients for %d sentences of %d source and %d decoder positions: "
                         "every size must be at least 1", B, Ts, Tt);
    Status st = weights_alloc(&g->w, c, m->vocab.size, err);
    if (st != TF_OK)
        return st;
    g->d = c->d_model;
    g->B = g->cap_B = B;
    g->Ts = g->cap_Ts = Ts;
    g->Tt = g->cap_Tt = Tt;

    const size_t n_dec = stream_numel(c->dec_layers, B, Tt, g->d);
    const size_t n_enc = enc_dec ? stream_numel(c->enc_layers, B, Ts, g->d) : 0;
    const size_t n_work = backprop_work_numel(c, m->vocab.size, B, Ts, Tt);
    Work *wk = calloc(1, sizeof *wk);
    g->work_ = wk;
    if (!wk || n_dec == (size_t)-1 || n_enc == (size_t)-1 || n_work == (size_t)-1 ||
        n_work > SIZE_MAX / sizeof(float) ||
        !(g->dec_stream = calloc(n_dec, sizeof(float))) ||
        (enc_dec && !(g->enc_stream = calloc(n_enc, sizeof(float)))) ||
        !(wk->block = calloc(n_work ? n_work : 1, sizeof(float)))) {
        backprop_grads_free(g);
        return error_set(err, TF_ERR_RUNTIME, "out of memory allocating gradients (%d sentences of %d + %d tokens)",
                         B, Ts, Tt);
    }
    backprop_work_carve(&wk->w, wk->block, c, m->vocab.size, B, Ts, Tt);
    wk->V = m->vocab.size;
    wk->F = c->d_ff;
    wk->dk = config_head_dim(c);
    wk->enc_numel = n_enc;
    wk->dec_numel = n_dec;
    g->work_numel_ = n_work;
    return TF_OK;
}

void backprop_grads_zero(Grads *g)
{
    if (g->w.block)
        memset(g->w.block, 0, g->w.numel * sizeof(float));
    const Work *wk = g->work_;
    if (wk && g->dec_stream)
        memset(g->dec_stream, 0, wk->dec_numel * sizeof(float));
    if (wk && g->enc_stream)
        memset(g->enc_stream, 0, wk->enc_numel * sizeof(float));
}

void backprop_grads_free(Grads *g)
{
    Work *wk = g->work_;
    if (wk)
        free(wk->block);
    free(wk);
    free(g->enc_stream);
    free(g->dec_stream);
    weights_free(&g->w);
    memset(g, 0, sizeof *g);
}

/* ---- the walk ------------------------------------------------------------ */

/* Row l of a stream array (layers + 1, B, T, d): sentence s's (T, d). */
static float *stream_at(float *stream, int l, int B, int s, int T, int d)
{
    return stream + (((size_t)l * B + s) * T) * d;
}

/* Sentence s's decoder backwards, from the logits' gradient down to its
 * embeddings; its cross-attentions leave their sum in w->dmemory. */
static void decoder_backward(const Model *m, const Batch *b, const Activations *a, Grads *g, const BackpropWork *w,
                             int s, const AttnPositions *pos)
{
    const Config *c = &m->cfg;
    const int B = b->B, Tt = b->Tt, Ts = b->Ts, d = c->d_model, V = m->vocab.size, L = c->dec_layers;
    const size_t row = (size_t)s * Tt * d;
    const float *memory = c->arch == ARCH_ENCODER_DECODER ? a->enc_memory + (size_t)s * Ts * d : NULL;
    LayerActs top = activations_sentence_layer(a, &a->dec[L - 1], s, STREAM_TGT);
    const float *stack_out = backprop_decoder_output(&top, c);   /* (Tt, d) */
    float *dtop = stream_at(g->dec_stream, L, B, s, Tt, d);   /* (Tt, d) */
    const float *dlogits = w->dlogits + (size_t)s * Tt * V;   /* (Tt, V) */

    /* logits (Tt, V) = x W_outᵀ + b_out, x the final norm's output or the stack's. */
    if (c->final_norm) {
        memset(w->dfinal, 0, (size_t)Tt * d * sizeof(float));
        linear_backward(w->dfinal, g->w.gen_w, g->w.gen_b, dlogits, a->dec_norm + row, m->w.gen_w, Tt, d, V);
        layernorm_backward(dtop, g->w.dec_norm_w, g->w.dec_norm_b, w->dfinal, stack_out, m->w.dec_norm_w, Tt, d,
                           c->ln_eps);
    } else {
        linear_backward(dtop, g->w.gen_w, g->w.gen_b, dlogits, stack_out, m->w.gen_w, Tt, d, V);
    }

    if (memory)
        memset(w->dmemory, 0, (size_t)Ts * d * sizeof(float));
    for (int l = L - 1; l >= 0; l--) {
        LayerActs o = activations_sentence_layer(a, &a->dec[l], s, STREAM_TGT);
        const float *x = a->dec_input + row;  /* (Tt, d) what layer l read */
        if (l > 0) {
            LayerActs below = activations_sentence_layer(a, &a->dec[l - 1], s, STREAM_TGT);
            x = backprop_decoder_output(&below, c);
        }
        const float *drop[DROP_SUBLAYERS];  /* (Tt, d) each, or NULL */
        for (int k = 0; k < DROP_SUBLAYERS; k++)
            drop[k] = dropout_mask(a->dropout, 0, l, (DropSublayer)k, s);
        decoder_layer_backward(w, stream_at(g->dec_stream, l, B, s, Tt, d), w->dmemory,
                               stream_at(g->dec_stream, l + 1, B, s, Tt, d), &o, x, memory, &m->w.dec[l],
                               &g->w.dec[l], Tt, Ts, pos, g->w.dec_rel_bias, l, a->dropout ? drop : NULL);
    }
    /* the input's dropout mask, when the pass had one, stands between the stream and the embeddings */
    embed_backward(g->w.tgt_embed, g->w.tgt_pos_embed,
                   dropout_backward(w, stream_at(g->dec_stream, 0, B, s, Tt, d),
                                    dropout_mask(a->dropout, 0, -1, DROP_SELF, s), Tt),
                   b->tgt + (size_t)s * Tt, Tt, d);
}

/* Sentence s's encoder backwards, from w->dmemory down to its embeddings. */
static void encoder_backward(const Model *m, const Batch *b, const Activations *a, Grads *g, const BackpropWork *w,
                             int s, const AttnPositions *pos)
{
    const Config *c = &m->cfg;
    const int B = b->B, Ts = b->Ts, d = c->d_model, L = c->enc_layers;
    const size_t row = (size_t)s * Ts * d;
    LayerActs top = activations_sentence_layer(a, &a->enc[L - 1], s, STREAM_SRC);
    const float *stack_out = backprop_encoder_output(&top, c);   /* (Ts, d) */
    float *dtop = stream_at(g->enc_stream, L, B, s, Ts, d);   /* (Ts, d) */

    /* memory = LayerNorm(stack output), or the stack output itself. */
    if (c->final_norm)
        layernorm_backward(dtop, g->w.enc_norm_w, g->w.enc_norm_b, w->dmemory, stack_out, m->w.enc_norm_w, Ts, d,
                           c->ln_eps);
    else
        add_backward(dtop, NULL, w->dmemory, (size_t)Ts * d);

    for (int l = L - 1; l >= 0; l--) {
        LayerActs o = activations_sentence_layer(a, &a->enc[l], s, STREAM_SRC);
        const float *x = a->enc_input + row;  /* (Ts, d) */
        if (l > 0) {
            LayerActs below = activations_sentence_layer(a, &a->enc[l - 1], s, STREAM_SRC);
            x = backprop_encoder_output(&below, c);
        }
        const float *drop[DROP_SUBLAYERS];  /* (Ts, d) each, or NULL */
        for (int k = 0; k < DROP_SUBLAYERS; k++)
            drop[k] = dropout_mask(a->dropout, 1, l, (DropSublayer)k, s);
        encoder_layer_backward(w, stream_at(g->enc_stream, l, B, s, Ts, d), stream_at(g->enc_stream, l + 1, B, s, Ts, d),
                               &o, x, &m->w.enc[l], &g->w.enc[l], Ts, pos, g->w.enc_rel_bias, l,
                               a->dropout ? drop : NULL);
    }
    embed_backward(g->w.src_embed, g->w.src_pos_embed,
                   dropout_backward(w, stream_at(g->enc_stream, 0, B, s, Ts, d),
                                    dropout_mask(a->dropout, 1, -1, DROP_SELF, s), Ts),
                   b->src + (size_t)s * Ts, Ts, d);
}

/* Everything model_backward needs is there and fits; an error names what is not. */
static Status check_pass(const Model *m, const Batch *b, const Activations *a, float smoothing, const Grads *g,
                         Error *err)
{
    const Config *c = &m->cfg;
    const Work *wk = g->work_;
    const bool enc_dec = c->arch == ARCH_ENCODER_DECODER;
    if (!wk || g->w.numel != m->w.numel || g->d != c->d_model || wk->V != m->vocab.size || wk->F != c->d_ff ||
        wk->dk != config_head_dim(c))
        return error_set(err, TF_ERR_INPUT, "the gradients were allocated for another model");
    if (!b->target)
        return error_set(err, TF_ERR_INPUT, "backward pass: the batch has no targets (teacher forcing needs them)");
    if (!(smoothing >= 0.0f && smoothing < 1.0f))
        return error_set(err, TF_ERR_INPUT, "backward pass: label smoothing %g is outside [0, 1)", (double)smoothing);
    if (b->B > g->cap_B || b->Tt > g->cap_Tt || (enc_dec && b->Ts > g->cap_Ts))
        return error_set(err, TF_ERR_INPUT,
                         "backward pass: a batch of %d sentences of %d + %d tokens does not fit gradients sized for "
                         "%d of %d + %d", b->B, b->Ts, b->Tt, g->cap_B, g->cap_Ts, g->cap_Tt);
    if (a->B != b->B || a->Tt != b->Tt || (enc_dec && a->Ts != b->Ts) || !a->dec_logits || !a->dec ||
        (enc_dec && !a->enc) || a->V != m->vocab.size)
        return error_set(err, TF_ERR_INPUT, "backward pass: the activations do not hold a forward pass of this batch");
    const DropoutMasks *dm = a->dropout;
    if (dm && (dm->B != a->B || dm->Tt != a->Tt || (enc_dec && dm->Ts != a->Ts) || dm->d != c->d_model ||
               dm->dec_layers != c->dec_layers || dm->enc_layers != (enc_dec ? c->enc_layers : 0) ||
               dm->cross != enc_dec))
        return error_set(err, TF_ERR_INPUT, "backward pass: the dropout masks were made for another batch or model");
    return TF_OK;
}

Status model_backward(const Model *m, const Batch *b, const Activations *a, float label_smoothing, Grads *g,
                      float *loss, Error *err)
{
    Status st = check_pass(m, b, a, label_smoothing, g, err);
    if (st != TF_OK)
        return st;
    const Config *c = &m->cfg;
    const bool enc_dec = c->arch == ARCH_ENCODER_DECODER;
    const int B = b->B, Tt = b->Tt, Ts = enc_dec ? b->Ts : 0, d = c->d_model, V = m->vocab.size;
    const int rows = B * Tt;
    Work *wk = g->work_;
    BackpropWork *w = &wk->w;
    w->c = c;
    w->d = d;
    w->h = c->heads;
    w->dk = config_head_dim(c);
    w->F = c->d_ff;

    /* The loss over the whole batch: its mean divides every row's gradient
     * by the number of real targets of the batch, not of one sentence. */
    float l;
    if (cross_entropy_forward(&l, NULL, a->dec_logits, b->target, rows, V, label_smoothing, TOK_PAD) < 0)
        return error_set(err, TF_ERR_INPUT, "backward pass: a target token lies outside the vocabulary of %d", V);
    *loss = l;
    memset(w->dlogits, 0, (size_t)rows * V * sizeof(float));
    cross_entropy_backward(w->dlogits, a->dec_logits, b->target, rows, V, label_smoothing, TOK_PAD, 1.0f);

    /* The streams describe this pass alone, packed for this batch. */
    g->B = B;
    g->Ts = Ts;
    g->Tt = Tt;
    memset(g->dec_stream, 0, (size_t)(c->dec_layers + 1) * B * Tt * d * sizeof(float));
    if (enc_dec)
        memset(g->enc_stream, 0, (size_t)(c->enc_layers + 1) * B * Ts * d * sizeof(float));

    const bool rope = c->positions == POS_ROPE;
    const AttnPositions enc_pos = {rope, 0, a->enc_buckets, m->w.enc_rel_bias};
    const AttnPositions dec_pos = {rope, 0, a->dec_buckets, m->w.dec_rel_bias};
    for (int s = 0; s < B; s++) {
        decoder_backward(m, b, a, g, w, s, &dec_pos);
        if (enc_dec)
            encoder_backward(m, b, a, g, w, s, &enc_pos);
    }
    return TF_OK;
}
