/* weights.c — allocation and seeded initialisation of every parameter. */
#include "model/weights.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/big_block.h"
#include "core/checked.h"
#include "core/rng.h"

enum { ALWAYS, HAS_ENCODER, HAS_ENC_NORM, HAS_DEC_NORM, HAS_LEARNED, HAS_ENC_LEARNED, HAS_RELATIVE,
       HAS_ENC_RELATIVE };

static int present(const Config *c, int when)
{
    const int enc = c->arch == ARCH_ENCODER_DECODER;
    switch (when) {
    case HAS_ENCODER: return enc;
    case HAS_ENC_NORM: return enc && c->final_norm;
    case HAS_DEC_NORM: return c->final_norm;
    case HAS_LEARNED: return c->positions == POS_LEARNED;
    case HAS_ENC_LEARNED: return enc && c->positions == POS_LEARNED;
    case HAS_RELATIVE: return c->positions == POS_RELATIVE;
    case HAS_ENC_RELATIVE: return enc && c->positions == POS_RELATIVE;
    default: return 1;
    }
}

/* Decoder-only layers have no cross-attention and only two norms. */
static int dec_param_present(const Config *c, const char *suffix)
{
    if (c->arch != ARCH_DECODER_ONLY)
        return 1;
    return strncmp(suffix, "multihead_attn.", 15) != 0 && strncmp(suffix, "norm3.", 6) != 0;
}

typedef struct {
    WeightEntry *e;
    int n, cap;
    int ok;
} EntryList;

static void push(EntryList *l, const char *name, int rows, int cols, int init, float **slot)
{
    if (!l->ok)
        return;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        WeightEntry *e = realloc(l->e, (size_t)cap * sizeof *e);
        if (!e) {
            l->ok = 0;
            return;
        }
        l->e = e;
        l->cap = cap;
    }
    WeightEntry *e = &l->e[l->n++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->rows = rows;
    e->cols = cols;
    e->init = init;
    e->slot = slot;
}

int weights_entries(const Config *c, int vocab_size, const Weights *w, WeightEntry **entries)
{
    const int d = c->d_model, F = c->d_ff, V = vocab_size;
    const int L = c->max_len, NB = c->rel_buckets, h = c->heads;
    (void)F;
    EntryList l = {0};
    l.ok = 1;
    char name[96];
    Weights *mw = (Weights *)w;  /* the slots are written later by the caller */

#define MODEL_ENTRY(field, key, rows, cols, init, when)                        \
    if (present(c, when))                                                      \
        push(&l, key, rows, cols, init, mw ? &mw->field : NULL);
    MODEL_PARAMS(MODEL_ENTRY)

    for (int layer = 0; layer < c->enc_layers; layer++) {
#define ENC_ENTRY(field, key, rows, cols, init)                                \
    snprintf(name, sizeof name, "encoder.layers.%d.%s", layer, key);           \
    push(&l, name, rows, cols, init, mw && mw->enc ? &mw->enc[layer].field : NULL);
        ENC_LAYER_PARAMS(ENC_ENTRY)
#undef ENC_ENTRY
    }
    for (int layer = 0; layer < c->dec_layers; layer++) {
#define DEC_ENTRY(field, key, rows, cols, init)                                \
    if (dec_param_present(c, key)) {                                           \
        snprintf(name, sizeof name, "decoder.layers.%d.%s", layer, key);       \
        push(&l, name, rows, cols, init, mw && mw->dec ? &mw->dec[layer].field : NULL); \
    }
        DEC_LAYER_PARAMS(DEC_ENTRY)
#undef DEC_ENTRY
    }
    POSITION_PARAMS(MODEL_ENTRY)
#undef MODEL_ENTRY
    if (!l.ok) {
        free(l.e);
        return -1;
    }
    *entries = l.e;
    return l.n;
}

static size_t entry_numel(const WeightEntry *e)
{
    return (size_t)e->rows * (size_t)(e->cols ? e->cols : 1);
}

/* Each parameter starts a multiple of 16 floats (64 bytes, a cache line)
 * into the block, which at the sizes where it matters is mapped on a page
 * of its own (core/big_block.h), so each starts on a line. Packed end to
 * end, every matrix after the generator's bias (500 + 4 floats at base)
 * started half a line in, and the BLAS, which copies a weight matrix row
 * by row into its own layout on every product, read 33 lines for each row
 * of 32. The gaps are zeros and stay zeros: no product reads them, their
 * gradients are 0, so Adam leaves them at 0, and a sum over the block (the
 * gradient norm) adds +0 for each. */
#define WEIGHTS_ALIGN_FLOATS 16

static size_t entry_span(const WeightEntry *e)
{
    const size_t n = entry_numel(e);
    return n + (WEIGHTS_ALIGN_FLOATS - n % WEIGHTS_ALIGN_FLOATS) % WEIGHTS_ALIGN_FLOATS;
}

Status weights_alloc(Weights *w, const Config *c, int vocab_size, Error *err)
{
    memset(w, 0, sizeof *w);
    if (c->enc_layers > 0 && !(w->enc = calloc((size_t)c->enc_layers, sizeof *w->enc)))
        goto oom;
    if (c->dec_layers > 0 && !(w->dec = calloc((size_t)c->dec_layers, sizeof *w->dec)))
        goto oom;
    WeightEntry *e;
    int n = weights_entries(c, vocab_size, w, &e);
    if (n < 0)
        goto oom;
    size_t total = 0, params = 0;
    for (int i = 0; i < n; i++)
        if (!checked_add(&total, total, entry_span(&e[i]))) {
            free(e);
            goto oom;
        } else {
            params += entry_numel(&e[i]);  /* ≤ total */
        }
    if (!(w->block = big_block_alloc(total))) {  /* NULL too when its bytes would overflow */
        free(e);
        goto oom;
    }
    w->numel = total;
    w->params = params;
    float *p = w->block;
    for (int i = 0; i < n; i++) {
        *e[i].slot = p;
        p += entry_span(&e[i]);
    }
    free(e);
    return TF_OK;
oom:
    weights_free(w);
    return error_set(err, TF_ERR_RUNTIME, "out of memory allocating the weights (d_model %d, vocabulary %d)",
                     c->d_model, vocab_size);
}

void weights_free(Weights *w)
{
    big_block_free(w->block, w->numel);
    free(w->enc);
    free(w->dec);
    memset(w, 0, sizeof *w);
}

/* Xavier-uniform: U(−a, a) with a = √(6 / (fan_in + fan_out)), as
 * torch.nn.init.xavier_uniform_ computes it for a (rows, cols) matrix.
 * Like nn.Transformer, the packed in_proj_weight (3d, d) is treated as one
 * matrix. PyTorch's own random stream cannot be reproduced here; weights
 * meant to match PyTorch come in through the .npy import instead. */
void weights_init(Weights *w, const Config *c, int vocab_size)
{
    WeightEntry *e;
    int n = weights_entries(c, vocab_size, w, &e);
    if (n < 0)
        return;
    Rng rng;
    rng_seed(&rng, c->seed, 0x7472616365ULL);
    for (int i = 0; i < n; i++) {
        float *p = *e[i].slot;
        size_t numel = entry_numel(&e[i]);
        float a = 0.0f;
        switch (e[i].init) {
        case INIT_XAVIER: a = sqrtf(6.0f / (float)(e[i].rows + e[i].cols)); break;
        case INIT_LINEAR_BIAS_d: a = 1.0f / sqrtf((float)c->d_model); break;
        case INIT_LINEAR_BIAS_F: a = 1.0f / sqrtf((float)c->d_ff); break;
        case INIT_ONE:
            for (size_t j = 0; j < numel; j++)
                p[j] = 1.0f;
            continue;
        default:
            memset(p, 0, numel * sizeof *p);
            continue;
        }
        rng_fill_range(&rng, p, numel, -a, a);
    }
    free(e);
}
