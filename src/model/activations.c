/* activations.c — registering the slots of a forward pass in execution order. */
#include "model/activations.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"

#define SPEC_ATTN(field, suffix, kind, when, a0, a1, a2, formula, desc)         \
    static const SlotSpec spec_##field = {suffix, kind, 1, when, {a0, a1, a2}, formula, desc, NULL, NULL};
#define SPEC_LAYER(field, suffix, kind, a0, a1, a2, formula, desc, formula_off, desc_off) \
    static const SlotSpec spec_##field = {suffix, kind, 1, WHEN_ALWAYS, {a0, a1, a2}, formula, desc, \
                                          formula_off, desc_off};
#define SPEC_MODEL(field, name, kind, batched, when, a0, a1, a2, formula, desc) \
    static const SlotSpec spec_##field = {name, kind, batched, when, {a0, a1, a2}, formula, desc, NULL, NULL};
ATTN_SLOTS(SPEC_ATTN)
LAYER_SLOTS(SPEC_LAYER)
MODEL_SLOTS(SPEC_MODEL)

static const char *const axis_names[] = {
    [AX_NONE] = "", [AX_HEAD] = "head", [AX_QUERY] = "query", [AX_KEY] = "key",
    [AX_TOKEN] = "token", [AX_MODEL] = "model", [AX_HEAD_DIM] = "head_dim",
    [AX_FF] = "ff", [AX_VOCAB] = "vocab", [AX_PAIR] = "pair", [AX_STEP] = "step",
    [AX_MODE] = "mode", [AX_ONE] = "value",
};

/* The columns of gen.work. */
static const char *const mode_labels[] = {"cached", "recomputed"};

/* Registration: a growing list of slots whose data offsets are assigned as
 * they come; pointers are set once the arena exists. */
typedef struct {
    Activations *a;
    const Config *c;
    const ActsLayout *l;
    int cap;
    int failed;
} Reg;

static size_t axis_len(const Activations *a, Axis ax, Stream sq, Stream skv)
{
    switch (ax) {
    case AX_HEAD: return (size_t)a->h;
    case AX_QUERY:
    case AX_TOKEN:
    case AX_STEP: return (size_t)a->len[sq];
    case AX_KEY: return (size_t)a->len[skv];
    case AX_MODEL: return (size_t)a->d;
    case AX_HEAD_DIM: return (size_t)a->dk;
    case AX_FF: return (size_t)a->F;
    case AX_VOCAB: return (size_t)a->V;
    case AX_PAIR: return (size_t)(a->dk / 2);
    case AX_MODE: return 2;
    default: return 1;
    }
}

/* Does a slot with this `when` exist here? in_attn: a slot of an attention
 * block, self: that block is a self-attention. */
static int present(const Reg *r, SlotWhen when, int in_attn, int self)
{
    const PositionKind p = r->c->positions;
    if (in_attn && when != WHEN_ALWAYS && !self)
        return 0;
    switch (when) {
    case WHEN_SINUSOIDAL: return p == POS_SINUSOIDAL;
    case WHEN_LEARNED: return p == POS_LEARNED;
    case WHEN_ROPE: return p == POS_ROPE;
    case WHEN_RELATIVE: return p == POS_RELATIVE;
    case WHEN_TARGETS: return r->l->targets;
    case WHEN_SAMPLING: return r->l->sampling;
    default: return 1;
    }
}

static void add(Reg *r, float **field, const SlotSpec *spec, const char *prefix, Stream sq,
                Stream skv, const char *q_source, const char *kv_source, int in_attn, int self)
{
    Activations *a = r->a;
    if (r->failed || !present(r, spec->when, in_attn, self))
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
    const char *step = r->l->prefix;
    snprintf(s->name, sizeof s->name, "%s%s%s%s%s", step ? step : "", step ? "." : "", prefix ? prefix : "",
             prefix ? "." : "", spec->suffix);
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

/* A q/kv source name kept alive in the Activations, under the layout's prefix. */
static const char *source(Reg *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *source(Reg *r, const char *fmt, ...)
{
    Activations *a = r->a;
    char(*s)[96] = &a->sources[a->n_sources++];
    char name[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    const char *step = r->l->prefix;
    snprintf(*s, sizeof *s, "%s%s%s", step ? step : "", step ? "." : "", name);
    return *s;
}

static void add_attn(Reg *r, AttnActs *at, const char *prefix, Stream sq, Stream skv,
                     const char *q_source, const char *kv_source, int self)
{
#define ADD_ATTN(field, ...) add(r, &at->field, &spec_##field, prefix, sq, skv, q_source, kv_source, 1, self);
    ATTN_SLOTS(ADD_ATTN)
#undef ADD_ATTN
}

#define ADD_LAYER(reg, L, field, prefix, stream)                                \
    add(reg, &(L)->field, &spec_##field, prefix, stream, stream, NULL, NULL, 0, 0)
#define ADD_MODEL(reg, field, stream)                                           \
    add(reg, &(reg)->a->field, &spec_##field, NULL, stream, stream, NULL, NULL, 0, 0)
#define ADD_MODEL2(reg, field, sq, skv)                                         \
    add(reg, &(reg)->a->field, &spec_##field, NULL, sq, skv, NULL, NULL, 0, 0)

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
        const char *src = source(r, "enc.%d.ln1", l);
        ADD_LAYER(r, L, ln1, p, STREAM_SRC);
        add_attn(r, &L->attn, pa, STREAM_SRC, STREAM_SRC, src, src, 1);
        ADD_LAYER(r, L, resid_mid, p, STREAM_SRC);
        ADD_LAYER(r, L, ln2, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_hidden, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_out, p, STREAM_SRC);
        ADD_LAYER(r, L, resid_post, p, STREAM_SRC);
    } else {
        add_attn(r, &L->attn, pa, STREAM_SRC, STREAM_SRC, input, input, 1);
        ADD_LAYER(r, L, resid_mid, p, STREAM_SRC);
        ADD_LAYER(r, L, ln1, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_hidden, p, STREAM_SRC);
        ADD_LAYER(r, L, ffn_out, p, STREAM_SRC);
        ADD_LAYER(r, L, resid_post, p, STREAM_SRC);
        ADD_LAYER(r, L, ln2, p, STREAM_SRC);
    }
}

/* Decoder layer L: masked self-attention, cross-attention (absent in
 * decoder-only mode), feed-forward; norms numbered by sublayer. Its queries
 * are the TGT stream, its self-attention keys the KEYS stream (the same
 * tokens, or the whole prefix when a generation step reads a KV cache). */
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
        const char *s1 = source(r, "dec.%d.ln1", l);
        ADD_LAYER(r, L, ln1, p, T);
        add_attn(r, &L->self_attn, ps, T, STREAM_KEYS, s1, s1, 1);
        ADD_LAYER(r, L, resid_self, p, T);
        ADD_LAYER(r, L, ln2, p, T);
        if (cross) {
            add_attn(r, &L->cross_attn, pc, T, STREAM_SRC, source(r, "dec.%d.ln2", l), memory, 0);
            ADD_LAYER(r, L, resid_cross, p, T);
            ADD_LAYER(r, L, ln3, p, T);
        }
        ADD_LAYER(r, L, ffn_hidden, p, T);
        ADD_LAYER(r, L, ffn_out, p, T);
        ADD_LAYER(r, L, resid_post, p, T);
    } else {
        add_attn(r, &L->self_attn, ps, T, STREAM_KEYS, input, input, 1);
        ADD_LAYER(r, L, resid_self, p, T);
        ADD_LAYER(r, L, ln1, p, T);
        if (cross) {
            add_attn(r, &L->cross_attn, pc, T, STREAM_SRC, source(r, "dec.%d.ln1", l), memory, 0);
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
static const char *layer_output(Reg *r, const char *stack, int l, int pre_ln, int last_norm)
{
    if (pre_ln)
        return source(r, "%s.%d.resid_post", stack, l);
    return source(r, "%s.%d.ln%d", stack, l, last_norm);
}

Status activations_init_layout(Activations *a, const Model *m, const ActsLayout *l, Error *err)
{
    const Config *c = &m->cfg;
    memset(a, 0, sizeof *a);
    a->B = l->B;
    memcpy(a->len, l->len, sizeof a->len);
    memcpy(a->labels, l->labels, sizeof a->labels);
    memcpy(a->first_pos, l->first_pos, sizeof a->first_pos);
    a->len[STREAM_PREDICTED] = l->predicted ? a->len[STREAM_TGT] : 0;
    a->len[STREAM_CHOSEN] = l->gen_step ? 1 : 0;
    a->Ts = a->len[STREAM_SRC];
    a->Tt = a->len[STREAM_TGT];
    a->d = c->d_model;
    a->h = c->heads;
    a->dk = c->d_model / c->heads;
    a->F = c->d_ff;
    a->V = m->vocab.size;
    a->vocab = &m->vocab;
    a->residual = c->residual;
    const int pre_ln = c->norm == NORM_PRE;
    const int enc_dec = c->arch == ARCH_ENCODER_DECODER;

    /* The labels the pass computes: the predicted and the chosen tokens. */
    size_t n_pred = (size_t)a->B * (size_t)a->len[STREAM_PREDICTED], n_chosen = (size_t)a->B * a->len[STREAM_CHOSEN];
    a->computed_labels = calloc(n_pred + n_chosen + 1, sizeof *a->computed_labels);
    a->sources = calloc((size_t)(c->enc_layers + c->dec_layers) * 3 + 4, sizeof *a->sources);
    if (!a->computed_labels || !a->sources)
        goto oom;
    for (size_t i = 0; i < n_pred + n_chosen; i++)
        a->computed_labels[i] = "";
    a->predicted_labels = a->computed_labels;
    a->chosen_labels = a->computed_labels + n_pred;
    if (l->predicted)
        a->labels[STREAM_PREDICTED] = a->predicted_labels;
    if (l->gen_step)
        a->labels[STREAM_CHOSEN] = a->chosen_labels;
    if ((l->encoder && c->enc_layers && !(a->enc = calloc((size_t)c->enc_layers, sizeof *a->enc))) ||
        (l->decoder && c->dec_layers && !(a->dec = calloc((size_t)c->dec_layers, sizeof *a->dec))))
        goto oom;

    Reg r = {a, c, l, 0, 0};
    const char *input;
    if (l->encoder && enc_dec) {
        ADD_MODEL(&r, src_tokens, STREAM_SRC);
        ADD_MODEL(&r, enc_embed, STREAM_SRC);
        ADD_MODEL(&r, enc_pos, STREAM_SRC);
        ADD_MODEL(&r, enc_pos_learned, STREAM_SRC);
        ADD_MODEL(&r, enc_rope, STREAM_SRC);
        ADD_MODEL(&r, enc_buckets, STREAM_SRC);
        ADD_MODEL(&r, enc_input, STREAM_SRC);
        input = source(&r, "enc.input");
        for (int i = 0; i < c->enc_layers; i++) {
            add_encoder_layer(&r, i, input, pre_ln);
            input = layer_output(&r, "enc", i, pre_ln, 2);
        }
        if (c->final_norm)
            ADD_MODEL(&r, enc_norm, STREAM_SRC);
        ADD_MODEL(&r, enc_memory, STREAM_SRC);
    }
    if (l->decoder) {
        ADD_MODEL(&r, tgt_tokens, STREAM_TGT);
        ADD_MODEL(&r, dec_embed, STREAM_TGT);
        ADD_MODEL(&r, dec_pos, STREAM_TGT);
        ADD_MODEL(&r, dec_pos_learned, STREAM_TGT);
        ADD_MODEL(&r, dec_rope, STREAM_TGT);
        ADD_MODEL2(&r, dec_buckets, STREAM_TGT, STREAM_KEYS);
        ADD_MODEL(&r, dec_input, STREAM_TGT);
        input = source(&r, "dec.input");
        for (int i = 0; i < c->dec_layers; i++) {
            add_decoder_layer(&r, i, input, pre_ln, enc_dec);
            input = layer_output(&r, "dec", i, pre_ln, enc_dec ? 3 : 2);
        }
        if (c->final_norm)
            ADD_MODEL(&r, dec_norm, STREAM_TGT);
        ADD_MODEL(&r, dec_logits, STREAM_TGT);
        ADD_MODEL(&r, dec_probs, STREAM_TGT);
    }
    if (l->predicted)
        ADD_MODEL(&r, dec_predicted, STREAM_PREDICTED);
    if (l->targets) {
        ADD_MODEL(&r, dec_target, STREAM_TARGET);
        ADD_MODEL(&r, dec_loss, STREAM_TARGET);
        ADD_MODEL(&r, loss, STREAM_TARGET);
    }
    if (l->gen_step) {
        ADD_MODEL(&r, gen_sampling, STREAM_CHOSEN);
        ADD_MODEL(&r, gen_token, STREAM_CHOSEN);
    }
    if (l->gen_summary) {
        ADD_MODEL(&r, gen_tokens, STREAM_TGT);
        ADD_MODEL(&r, gen_work, STREAM_STEPS);
    }
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
                     l->B, l->len[STREAM_SRC], l->len[STREAM_TGT]);
}

Status activations_init(Activations *a, const Model *m, const Batch *b, Error *err)
{
    ActsLayout l;
    memset(&l, 0, sizeof l);
    l.B = b->B;
    l.len[STREAM_SRC] = b->Ts;
    l.len[STREAM_TGT] = l.len[STREAM_KEYS] = b->Tt;
    l.labels[STREAM_SRC] = b->src_labels;
    l.labels[STREAM_TGT] = l.labels[STREAM_KEYS] = b->tgt_labels;
    if (b->target) {
        l.len[STREAM_TARGET] = b->Tt;
        l.labels[STREAM_TARGET] = b->target_labels;
    }
    l.encoder = m->cfg.arch == ARCH_ENCODER_DECODER;
    l.decoder = true;
    l.predicted = true;
    l.targets = b->target != NULL;
    Status st = activations_init_layout(a, m, &l, err);
    if (st == TF_OK)
        a->batch = b;
    return st;
}

Status activations_init_encoder(Activations *a, const Model *m, const Batch *b, Error *err)
{
    ActsLayout l;
    memset(&l, 0, sizeof l);
    l.B = b->B;
    l.len[STREAM_SRC] = b->Ts;
    l.labels[STREAM_SRC] = b->src_labels;
    l.encoder = true;
    Status st = activations_init_layout(a, m, &l, err);
    if (st == TF_OK)
        a->batch = b;
    return st;
}

void activations_free(Activations *a)
{
    free(a->arena);
    free(a->slots);
    free(a->enc);
    free(a->dec);
    free(a->sources);
    free(a->computed_labels);
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
    switch (ax) {
    case AX_QUERY:
    case AX_TOKEN:
    case AX_STEP:
        return a->labels[s->stream_q];
    case AX_KEY:
        return a->labels[s->stream_kv];
    case AX_VOCAB:
        return (const char *const *)a->vocab->tokens;
    case AX_MODE:
        return mode_labels;
    default:
        return NULL;
    }
}

/* Axes whose labels are the same for every sentence. */
static int shared_labels(Axis ax)
{
    return ax == AX_VOCAB || ax == AX_MODE;
}

void activations_record(const Activations *a, int i, Record *out)
{
    const Slot *s = &a->slots[i];
    const SlotSpec *spec = s->spec;
    memset(out, 0, sizeof *out);
    out->name = s->name;
    out->exec_index = (uint32_t)i;
    out->kind = record_kind_name(spec->kind);
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
    /* An unbatched slot of a batch (a positional table) has no single
     * sentence whose tokens would label it. */
    const int labelled = spec->batched || a->B == 1;
    if (nd >= 2 && (labelled || shared_labels(axes[nd - 2]))) {
        out->row_labels = axis_labels(a, s, axes[nd - 2]);
        if (out->row_labels && shared_labels(axes[nd - 2]) && batch_axis)
            out->row_label_sets = 1;
    }
    if (labelled || shared_labels(axes[nd - 1])) {
        out->col_labels = axis_labels(a, s, axes[nd - 1]);
        if (out->col_labels && shared_labels(axes[nd - 1]) && batch_axis)
            out->col_label_sets = 1;  /* the same words for every sentence */
    }
    /* residual = off: a resid_* slot holds the sublayer's output alone */
    const int off = !a->residual && spec->formula_off;
    out->formula = off ? spec->formula_off : spec->formula;
    out->description = off && spec->description_off ? spec->description_off : spec->description;
    out->q_source = s->q_source;
    out->kv_source = s->kv_source;
    /* Where the query and key axes start: a generation step's one query
     * with the KV cache is at position S, not 0. */
    for (int k = 0; k < nd; k++) {
        if (axes[k] == AX_QUERY) {
            out->has_positions = true;
            out->query_pos = (uint32_t)a->first_pos[s->stream_q];
        } else if (axes[k] == AX_KEY) {
            out->has_positions = true;
            out->key_pos = (uint32_t)a->first_pos[s->stream_kv];
        }
    }
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
    v.self_attn = activations_sentence_attn(a, &L->self_attn, b, STREAM_TGT, STREAM_KEYS);
    v.cross_attn = activations_sentence_attn(a, &L->cross_attn, b, STREAM_TGT, STREAM_SRC);
    const LayerActs *from = L;
    const Stream sq = s, skv = s;
    LAYER_SLOTS(VIEW)
#undef VIEW
    return v;
}
