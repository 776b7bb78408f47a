/* activations.c — registering the slots of a forward pass in execution order. */
#include "model/activations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"

#define SPEC3(field, suffix, kind, a0, a1, a2, formula, desc)                   \
    static const SlotSpec spec_##field = {suffix, kind, 1, {a0, a1, a2}, formula, desc};
#define SPEC_MODEL(field, name, kind, batched, a0, a1, a2, formula, desc)       \
    static const SlotSpec spec_##field = {name, kind, batched, {a0, a1, a2}, formula, desc};
ATTN_SLOTS(SPEC3)
LAYER_SLOTS(SPEC3)
MODEL_SLOTS(SPEC_MODEL)

static const char *const axis_names[] = {
    [AX_NONE] = "", [AX_HEAD] = "head", [AX_QUERY] = "query", [AX_KEY] = "key",
    [AX_TOKEN] = "token", [AX_MODEL] = "model", [AX_HEAD_DIM] = "head_dim",
    [AX_FF] = "ff", [AX_VOCAB] = "vocab",
};

/* Registration: a growing list of slots whose data offsets are assigned as
 * they come; pointers are set once the arena exists. */
typedef struct {
    Activations *a;
    int cap;
    int failed;
} Reg;

static int stream_len(const Activations *a, Stream s)
{
    return s == STREAM_SRC ? a->Ts : a->Tt;
}

static size_t axis_len(const Activations *a, Axis ax, Stream sq, Stream skv)
{
    switch (ax) {
    case AX_HEAD: return (size_t)a->h;
    case AX_QUERY:
    case AX_TOKEN: return (size_t)stream_len(a, sq);
    case AX_KEY: return (size_t)stream_len(a, skv);
    case AX_MODEL: return (size_t)a->d;
    case AX_HEAD_DIM: return (size_t)a->dk;
    case AX_FF: return (size_t)a->F;
    case AX_VOCAB: return (size_t)a->V;
    default: return 1;
    }
}

static void add(Reg *r, float **field, const SlotSpec *spec, const char *prefix, Stream sq,
                Stream skv, const char *q_source, const char *kv_source)
{
    Activations *a = r->a;
    if (r->failed)
        return;
    if (a->n_slots == r->cap) {
        int cap = r->cap ? r->cap * 2 : 128;
        Slot *s = realloc(a->slots, (size_t)cap * sizeof *s);
        if (!s) {
            r->failed = 1;
            return;
        }
        a->slots = s;
        r->cap = cap;
    }
    Slot *s = &a->slots[a->n_slots++];
    memset(s, 0, sizeof *s);
    if (prefix)
        snprintf(s->name, sizeof s->name, "%s.%s", prefix, spec->suffix);
    else
        snprintf(s->name, sizeof s->name, "%s", spec->suffix);
    s->spec = spec;
    s->field = field;
    s->stream_q = sq;
    s->stream_kv = skv;
    s->q_source = q_source;
    s->kv_source = kv_source;
    size_t n = spec->batched ? (size_t)a->B : 1;
    for (int i = 0; i < 3 && spec->axes[i] != AX_NONE; i++)
        if (!checked_mul(&n, n, axis_len(a, spec->axes[i], sq, skv)))
            r->failed = 1;
    s->numel = n;
    s->offset = a->arena_numel;
    if (!checked_add(&a->arena_numel, a->arena_numel, n))
        r->failed = 1;
}

/* A q/kv source name kept alive in the Activations. */
static const char *source(Activations *a, const char *fmt, int layer)
{
    char(*s)[64] = &a->sources[a->n_sources++];
    snprintf(*s, sizeof *s, fmt, layer);
    return *s;
}

static void add_attn(Reg *r, AttnActs *at, const char *prefix, Stream sq, Stream skv,
                     const char *q_source, const char *kv_source)
{
#define ADD_ATTN(field, ...) add(r, &at->field, &spec_##field, prefix, sq, skv, q_source, kv_source);
    ATTN_SLOTS(ADD_ATTN)
#undef ADD_ATTN
}

#define ADD_LAYER(reg, L, field, prefix, stream)                                \
    add(reg, &(L)->field, &spec_##field, prefix, stream, stream, NULL, NULL)
#define ADD_MODEL(reg, field, stream)                                           \
    add(reg, &(reg)->a->field, &spec_##field, NULL, stream, stream, NULL, NULL)

/* Encoder layer L, in the order encoder_layer_forward computes it.
 * `input` is the record the layer reads (enc.input or the last layer's output). */
static void add_encoder_layer(Reg *r, int l, const char *input, int pre_ln)
{
    Activations *a = r->a;
    LayerActs *L = &a->enc[l];
    char p[32], pa[40];
    snprintf(p, sizeof p, "enc.%d", l);
    snprintf(pa, sizeof pa, "enc.%d.attn", l);
    if (pre_ln) {
        const char *src = source(a, "enc.%d.ln1", l);
        ADD_LAYER(r, L, ln1, p, STREAM_SRC);
        add_attn(r, &L->attn, pa, STREAM_SRC, STREAM_SRC, src, src);
        ADD_LAYER(r, L, resid_mid, p, STREAM_SRC);
        ADD_LAYER(r, L, ln2, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_hidden, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_out, p, STREAM_SRC);
        ADD_LAYER(r, L, resid_post, p, STREAM_SRC);
    } else {
        add_attn(r, &L->attn, pa, STREAM_SRC, STREAM_SRC, input, input);
        ADD_LAYER(r, L, resid_mid, p, STREAM_SRC);
        ADD_LAYER(r, L, ln1, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_hidden, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_out, p, STREAM_SRC);
        ADD_LAYER(r, L, resid_post, p, STREAM_SRC);
        ADD_LAYER(r, L, ln2, p, STREAM_SRC);
    }
}

/* Decoder layer L: masked self-attention, cross-attention (absent in
 * decoder-only mode), feed-forward; norms numbered by sublayer. */
static void add_decoder_layer(Reg *r, int l, const char *input, int pre_ln, int cross)
{
    Activations *a = r->a;
    LayerActs *L = &a->dec[l];
    const Stream T = STREAM_TGT;
    char p[32], ps[40], pc[40];
    snprintf(p, sizeof p, "dec.%d", l);
    snprintf(ps, sizeof ps, "dec.%d.self_attn", l);
    snprintf(pc, sizeof pc, "dec.%d.cross_attn", l);
    const char *memory = "enc.memory";
    if (pre_ln) {
        const char *s1 = source(a, "dec.%d.ln1", l);
        ADD_LAYER(r, L, ln1, p, T);
        add_attn(r, &L->self_attn, ps, T, T, s1, s1);
        ADD_LAYER(r, L, resid_self, p, T);
        ADD_LAYER(r, L, ln2, p, T);
        if (cross) {
            add_attn(r, &L->cross_attn, pc, T, STREAM_SRC, source(a, "dec.%d.ln2", l), memory);
            ADD_LAYER(r, L, resid_cross, p, T);
            ADD_LAYER(r, L, ln3, p, T);
        }
        ADD_LAYER(r, L, ffn_hidden, p, T);
        ADD_LAYER(r, L, ffn_out, p, T);
        ADD_LAYER(r, L, resid_post, p, T);
    } else {
        add_attn(r, &L->self_attn, ps, T, T, input, input);
        ADD_LAYER(r, L, resid_self, p, T);
        ADD_LAYER(r, L, ln1, p, T);
        if (cross) {
            add_attn(r, &L->cross_attn, pc, T, STREAM_SRC, source(a, "dec.%d.ln1", l), memory);
            ADD_LAYER(r, L, resid_cross, p, T);
            ADD_LAYER(r, L, ln2, p, T);
        }
        ADD_LAYER(r, L, ffn_hidden, p, T);
        ADD_LAYER(r, L, ffn_out, p, T);
        ADD_LAYER(r, L, resid_post, p, T);
        if (cross)
            ADD_LAYER(r, L, ln3, p, T);
        else
            ADD_LAYER(r, L, ln2, p, T);
    }
}

/* The record a layer's output lands in, for the next layer's provenance. */
static const char *layer_output(Activations *a, const char *stack, int l, int pre_ln, int last_norm)
{
    char fmt[48];
    if (pre_ln)
        snprintf(fmt, sizeof fmt, "%s.%%d.resid_post", stack);
    else
        snprintf(fmt, sizeof fmt, "%s.%%d.ln%d", stack, last_norm);
    return source(a, fmt, l);
}

Status activations_init(Activations *a, const Model *m, const Batch *b, Error *err)
{
    const Config *c = &m->cfg;
    memset(a, 0, sizeof *a);
    a->B = b->B;
    a->Ts = b->Ts;
    a->Tt = b->Tt;
    a->d = c->d_model;
    a->h = c->heads;
    a->dk = c->d_model / c->heads;
    a->F = c->d_ff;
    a->V = m->vocab.size;
    a->batch = b;
    a->vocab = &m->vocab;
    const int pre_ln = c->norm == NORM_PRE;
    const int enc_dec = c->arch == ARCH_ENCODER_DECODER;

    a->sources = calloc((size_t)(c->enc_layers + c->dec_layers) * 3 + 4, sizeof *a->sources);
    if ((c->enc_layers && !(a->enc = calloc((size_t)c->enc_layers, sizeof *a->enc))) ||
        (c->dec_layers && !(a->dec = calloc((size_t)c->dec_layers, sizeof *a->dec))) || !a->sources)
        goto oom;

    Reg r = {a, 0, 0};
    const char *input;
    if (enc_dec) {
        ADD_MODEL(&r, src_tokens, STREAM_SRC);
        ADD_MODEL(&r, enc_embed, STREAM_SRC);
        if (c->positions != POS_NONE)
            ADD_MODEL(&r, enc_pos, STREAM_SRC);
        ADD_MODEL(&r, enc_input, STREAM_SRC);
        input = "enc.input";
        for (int l = 0; l < c->enc_layers; l++) {
            add_encoder_layer(&r, l, input, pre_ln);
            input = layer_output(a, "enc", l, pre_ln, 2);
        }
        if (c->final_norm)
            ADD_MODEL(&r, enc_norm, STREAM_SRC);
        ADD_MODEL(&r, enc_memory, STREAM_SRC);
    }
    ADD_MODEL(&r, tgt_tokens, STREAM_TGT);
    ADD_MODEL(&r, dec_embed, STREAM_TGT);
    if (c->positions != POS_NONE)
        ADD_MODEL(&r, dec_pos, STREAM_TGT);
    ADD_MODEL(&r, dec_input, STREAM_TGT);
    input = "dec.input";
    for (int l = 0; l < c->dec_layers; l++) {
        add_decoder_layer(&r, l, input, pre_ln, enc_dec);
        input = layer_output(a, "dec", l, pre_ln, enc_dec ? 3 : 2);
    }
    if (c->final_norm)
        ADD_MODEL(&r, dec_norm, STREAM_TGT);
    ADD_MODEL(&r, dec_logits, STREAM_TGT);
    ADD_MODEL(&r, dec_probs, STREAM_TGT);
    if (r.failed)
        goto oom;

    size_t bytes;
    if (!checked_mul(&bytes, a->arena_numel, sizeof(float)) ||
        !(a->arena = calloc(a->arena_numel ? a->arena_numel : 1, sizeof(float))))
        goto oom;
    for (int i = 0; i < a->n_slots; i++)
        *a->slots[i].field = a->arena + a->slots[i].offset;
    return TF_OK;
oom:
    activations_free(a);
    return error_set(err, TF_ERR_RUNTIME, "out of memory allocating activations (%d sentences of %d + %d tokens)",
                     b->B, b->Ts, b->Tt);
}

void activations_free(Activations *a)
{
    free(a->arena);
    free(a->slots);
    free(a->enc);
    free(a->dec);
    free(a->sources);
    memset(a, 0, sizeof *a);
}

int activations_find(const Activations *a, const char *name)
{
    for (int i = 0; i < a->n_slots; i++)
        if (strcmp(a->slots[i].name, name) == 0)
            return i;
    return -1;
}

/* Token text for an axis, or NULL when the axis is not tokens. */
static const char *const *axis_labels(const Activations *a, const Slot *s, Axis ax)
{
    const Batch *b = a->batch;
    switch (ax) {
    case AX_QUERY:
    case AX_TOKEN:
        return s->stream_q == STREAM_SRC ? b->src_labels : b->tgt_labels;
    case AX_KEY:
        return s->stream_kv == STREAM_SRC ? b->src_labels : b->tgt_labels;
    case AX_VOCAB:
        return (const char *const *)a->vocab->tokens;
    default:
        return NULL;
    }
}

void activations_record(const Activations *a, int i, Record *out)
{
    const Slot *s = &a->slots[i];
    const SlotSpec *spec = s->spec;
    memset(out, 0, sizeof *out);
    out->name = s->name;
    out->exec_index = (uint32_t)i;
    out->kind = spec->kind;
    const int batch_axis = spec->batched && a->B > 1;
    int nd = 0;
    Axis axes[RECORD_MAX_DIMS] = {AX_NONE};
    if (batch_axis) {
        out->dims[nd] = (uint32_t)a->B;
        out->dim_names[nd++] = "batch";
    }
    for (int k = 0; k < 3 && spec->axes[k] != AX_NONE; k++) {
        axes[nd] = spec->axes[k];
        out->dims[nd] = (uint32_t)axis_len(a, spec->axes[k], s->stream_q, s->stream_kv);
        out->dim_names[nd++] = axis_names[spec->axes[k]];
    }
    out->ndim = nd;
    out->data = *s->field;
    /* An unbatched slot of a batch (the positional table) has no single
     * sentence whose tokens would label it. */
    const int labelled = spec->batched || a->B == 1;
    if (nd >= 2 && labelled)
        out->row_labels = axis_labels(a, s, axes[nd - 2]);
    if (labelled || axes[nd - 1] == AX_VOCAB)
        out->col_labels = axis_labels(a, s, axes[nd - 1]);
    if (axes[nd - 1] == AX_VOCAB)
        out->col_label_sets = 1;  /* the same words for every sentence */
    out->formula = spec->formula;
    out->description = spec->description;
    out->q_source = s->q_source;
    out->kv_source = s->kv_source;
}

/* Values one sentence holds in a slot of these axes. */
static size_t sentence_numel(const Activations *a, const Axis axes[3], Stream sq, Stream skv)
{
    size_t n = 1;
    for (int k = 0; k < 3 && axes[k] != AX_NONE; k++)
        n *= axis_len(a, axes[k], sq, skv);  /* cannot overflow: the whole slot did not */
    return n;
}

AttnActs activations_sentence_attn(const Activations *a, const AttnActs *at, int b, Stream sq, Stream skv)
{
    AttnActs v;
    const AttnActs *from = at;
#define VIEW(field, ...)                                                        \
    v.field = from->field ? from->field + (size_t)b * sentence_numel(a, spec_##field.axes, sq, skv) : NULL;
    ATTN_SLOTS(VIEW)
    return v;
}

LayerActs activations_sentence_layer(const Activations *a, const LayerActs *L, int b, Stream s)
{
    LayerActs v;
    v.attn = activations_sentence_attn(a, &L->attn, b, STREAM_SRC, STREAM_SRC);
    v.self_attn = activations_sentence_attn(a, &L->self_attn, b, STREAM_TGT, STREAM_TGT);
    v.cross_attn = activations_sentence_attn(a, &L->cross_attn, b, STREAM_TGT, STREAM_SRC);
    const LayerActs *from = L;
    const Stream sq = s, skv = s;
    LAYER_SLOTS(VIEW)
#undef VIEW
    return v;
}
