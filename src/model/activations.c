/* activations.c — registering the slots of a forward pass in execution
 * order: the model's parts (MODEL_SLOTS) and, between them, each layer's
 * steps (model/layer_steps.h), the tables the forward pass walks too. */
#include "model/activations.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/big_block.h"
#include "core/checked.h"
#include "model/layer_steps.h"

#define SPEC_ATTN(field, suffix, kind, when, a0, a1, a2, formula, desc)         \
    static const SlotSpec spec_##field = {suffix, kind, 1, when, 0, {a0, a1, a2}, formula, desc, NULL, NULL};
#define SPEC_LAYER(field, suffix, kind, a0, a1, a2, formula, desc, formula_off, desc_off) \
    static const SlotSpec spec_##field = {suffix, kind, 1, WHEN_ALWAYS, 0, {a0, a1, a2}, formula, desc, \
                                          formula_off, desc_off};
#define SPEC_MODEL(field, name, kind, batched, when, part, a0, a1, a2, formula, desc) \
    static const SlotSpec spec_##field = {name, kind, batched, when, part, {a0, a1, a2}, formula, desc, NULL, NULL};
ATTN_SLOTS(SPEC_ATTN)
LAYER_SLOTS(SPEC_LAYER)
MODEL_SLOTS(SPEC_MODEL)

/* MODEL_SLOTS in order, each with where its pointer lives. */
static const struct {
    const SlotSpec *spec;
    size_t field;  /* offsetof(Activations, field) */
} model_slots[] = {
#define MODEL_ROW(field, ...) {&spec_##field, offsetof(Activations, field)},
    MODEL_SLOTS(MODEL_ROW)
#undef MODEL_ROW
};

static const char *const axis_names[] = {
    [AX_NONE] = "", [AX_HEAD] = "head", [AX_QUERY] = "query", [AX_KEY] = "key",
    [AX_TOKEN] = "token", [AX_MODEL] = "model", [AX_HEAD_DIM] = "head_dim",
    [AX_FF] = "ff", [AX_VOCAB] = "vocab", [AX_PAIR] = "pair", [AX_STEP] = "step",
    [AX_MODE] = "mode", [AX_ONE] = "value",
};

/* The columns of gen.work. */
static const char *const mode_labels[] = {"counted", "recomputed"};

/* Registration: a growing list of slots whose data offsets are assigned as
 * they come; pointers are set once the arena exists. */
typedef struct {
    Activations *a;
    const Config *c;
    const ActsLayout *l;
    int cap;
    int failed;
    bool ablated;  /* the attention block being registered has a head ablate_head zeroes */
    /* shared_layers: the layer being registered takes its offsets from
     * layer_at, within a region of layer_numel floats (the largest layer)
     * placed after the other slots once they are all counted */
    bool in_layer;
    size_t layer_at, layer_numel;
} Reg;

static size_t axis_len(const Activations *a, Axis ax, Stream sq, Stream skv)
{
    switch (ax) {
    case AX_HEAD: return (size_t)a->h;
    case AX_QUERY:
    case AX_TOKEN: return (size_t)a->len[sq];
    case AX_STEP: return (size_t)a->len[STREAM_STEPS];
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
    case WHEN_FINAL_NORM: return r->c->final_norm;
    case WHEN_SAMPLING: return r->l->sampling;
    default: return 1;
    }
}

/* Append text to name (len characters so far, room for size with its NUL),
 * cutting it at the end as snprintf would. Not snprintf itself: a
 * generation step registers hundreds of slots, and parsing a format for
 * each name was a noticeable part of a cached step. */
static void name_append(char *name, size_t size, size_t *len, const char *text)
{
    size_t n = strlen(text);
    if (n > size - 1 - *len)
        n = size - 1 - *len;
    memcpy(name + *len, text, n);
    *len += n;
    name[*len] = '\0';
}

/* Register one slot (if its `when` holds); returns its index, or −1. */
static int add(Reg *r, float **field, const SlotSpec *spec, const char *prefix, Stream sq, Stream skv,
               int q_source, int kv_source, int in_attn, int self)
{
    Activations *a = r->a;
    if (r->failed || !present(r, spec->when, in_attn, self))
        return -1;
    if (a->n_slots == r->cap) {
        int cap = r->cap ? r->cap * 2 : 128;
        Slot *s = realloc(a->slots, (size_t)cap * sizeof *s);
        if (!s) {
            r->failed = 1;
            return -1;
        }
        a->slots = s;
        r->cap = cap;
    }
    Slot *s = &a->slots[a->n_slots];
    memset(s, 0, sizeof *s);
    const char *step = r->l->prefix;
    size_t len = 0;
    s->name[0] = '\0';
    if (step) {
        name_append(s->name, sizeof s->name, &len, step);
        name_append(s->name, sizeof s->name, &len, ".");
    }
    if (prefix) {
        name_append(s->name, sizeof s->name, &len, prefix);
        name_append(s->name, sizeof s->name, &len, ".");
    }
    name_append(s->name, sizeof s->name, &len, spec->suffix);
    s->spec = spec;
    s->field = field;
    s->stream_q = sq;
    s->stream_kv = skv;
    s->q_source = q_source;
    s->kv_source = kv_source;
    s->rotated = in_attn && present(r, WHEN_ROPE, in_attn, self);
    s->ablated = in_attn && r->ablated;
    size_t n = spec->batched ? (size_t)a->B : 1;
    for (int i = 0; i < 3 && spec->axes[i] != AX_NONE; i++)
        if (!checked_mul(&n, n, axis_len(a, spec->axes[i], sq, skv)))
            r->failed = 1;
    s->numel = n;
    size_t *at = r->in_layer ? &r->layer_at : &a->arena_numel;
    s->offset = *at;
    if (!checked_add(at, *at, n))
        r->failed = 1;
    return a->n_slots++;
}

/* The block v of L, to register its slots (layer_block, writable). */
static AttnActs *block_of(LayerActs *L, LayerValue v)
{
    switch (v) {
#define BLOCK(field, ...) case LV_##field: return &L->field;
        ATTN_BLOCKS(BLOCK)
#undef BLOCK
    default: return NULL;
    }
}

/* An attention block's slots; returns the index of its output, `out`. */
static int add_attn(Reg *r, AttnActs *at, const char *prefix, Stream sq, Stream skv, int q_source,
                    int kv_source, int self)
{
    int out = -1;
#define ADD_ATTN(field, ...)                                                                    \
    {                                                                                           \
        const int k = add(r, &at->field, &spec_##field, prefix, sq, skv, q_source, kv_source, 1, self); \
        if (&at->field == &at->out)                                                             \
            out = k;                                                                            \
    }
    ATTN_SLOTS(ADD_ATTN)
#undef ADD_ATTN
    return out;
}

/* A layer's own slot (LAYER_SLOTS) standing for v. */
static int add_layer_slot(Reg *r, LayerActs *L, LayerValue v, const char *prefix, Stream s)
{
    switch (v) {
#define ADD_LAYER(field, ...)                                                   \
    case LV_##field: return add(r, &L->field, &spec_##field, prefix, s, s, SOURCE_NONE, SOURCE_NONE, 0, 0);
        LAYER_SLOTS(ADD_LAYER)
#undef ADD_LAYER
    default: return -1;
    }
}

/* Layer l of a stack, walking the table of steps layer_forward walks. Its
 * own slots' tokens are stream s; its attention blocks' streams are
 * ATTN_BLOCKS'. input and memory are the slots the layer reads (memory:
 * SOURCE_ENC_MEMORY outside the encoder's pass). Returns the slot of the
 * layer's output. */
static int add_layer(Reg *r, LayerKind kind, LayerActs *L, const char *stack, int l, int input, int memory,
                     Stream sq)
{
    int at[LV_COUNT];
    for (int i = 0; i < LV_COUNT; i++)
        at[i] = SOURCE_NONE;
    at[LV_INPUT] = input;
    at[LV_MEMORY] = memory;
    char p[32], pa[48];
    snprintf(p, sizeof p, "%s.%d", stack, l);
    r->in_layer = r->l->shared_layers;
    r->layer_at = 0;
    L->slot_first = r->a->n_slots;
    int n;
    const LayerStep *steps = layer_steps(kind, r->c->norm, &n);
    for (int i = 0; i < n; i++) {
        const LayerStep *s = &steps[i];
        switch (s->op) {
        case STEP_ATTN: {
            Stream bq, bkv;
            layer_block_streams(s->out, &bq, &bkv);
            snprintf(pa, sizeof pa, "%s.%s", p, layer_block_name(s->out));
            const AblateBlock block = kind == LAYER_ENCODER              ? ABLATE_ENC
                                      : layer_block_is_self(s->out) ? ABLATE_DEC_SELF
                                                                      : ABLATE_DEC_CROSS;
            r->ablated = false;
            for (int k = 0; k < r->c->n_ablated; k++)
                r->ablated = r->ablated || (r->c->ablated[k].block == block && r->c->ablated[k].layer == l);
            at[s->out] = add_attn(r, block_of(L, s->out), pa, bq, bkv, at[s->in], at[s->in2],
                                  layer_block_is_self(s->out));
            r->ablated = false;
            break;
        }
        case STEP_FFN:
            add_layer_slot(r, L, LV_ffn_hidden, p, sq);
            at[s->out] = add_layer_slot(r, L, s->out, p, sq);
            break;
        case STEP_ADD:
        case STEP_NORM:
            at[s->out] = add_layer_slot(r, L, s->out, p, sq);
            break;
        }
    }
    L->slot_end = r->a->n_slots;
    if (r->layer_at > r->layer_numel)
        r->layer_numel = r->layer_at;
    r->in_layer = false;
    return at[steps[n - 1].out];
}

/* The streams of a part's token axes: its queries (rows), its keys. */
static void part_streams(SlotPart part, Stream *sq, Stream *skv)
{
    static const Stream q[PART_COUNT] = {
        [PART_ENC_EMBED] = STREAM_SRC,       [PART_ENC_OUT] = STREAM_SRC,
        [PART_DEC_EMBED] = STREAM_TGT,       [PART_DEC_OUT] = STREAM_TGT,
        [PART_PREDICTED] = STREAM_PREDICTED, [PART_TARGETS] = STREAM_TARGET,
        [PART_GEN_STEP] = STREAM_CHOSEN,     [PART_GEN_SUMMARY] = STREAM_TGT,
    };
    *sq = q[part];
    /* the decoder's keys: its own rows, or the prefix with a KV cache */
    *skv = part == PART_DEC_EMBED || part == PART_DEC_OUT ? STREAM_KEYS : *sq;
}

/* Every slot of one part, in table order; returns the index of the last. */
static int add_part(Reg *r, SlotPart part)
{
    Stream sq, skv;
    part_streams(part, &sq, &skv);
    int last = SOURCE_NONE;
    for (size_t i = 0; i < sizeof model_slots / sizeof model_slots[0]; i++) {
        if (model_slots[i].spec->part != part)
            continue;
        float **field = (float **)((char *)r->a + model_slots[i].field);
        int k = add(r, field, model_slots[i].spec, NULL, sq, skv, SOURCE_NONE, SOURCE_NONE, 0, 0);
        if (k >= 0)
            last = k;
    }
    return last;
}

/* Which parts a layout holds. */
static int holds(const ActsLayout *l, const Config *c, SlotPart part)
{
    switch (part) {
    case PART_ENC_EMBED:
    case PART_ENC_OUT: return l->encoder && c->arch == ARCH_ENCODER_DECODER;
    case PART_DEC_EMBED:
    case PART_DEC_OUT: return l->decoder;
    case PART_PREDICTED: return l->predicted;
    case PART_TARGETS: return l->targets;
    case PART_GEN_STEP: return l->gen_step;
    case PART_GEN_SUMMARY: return l->gen_summary;
    default: return 0;
    }
}

/* Every slot of the layout, part by part, each stack's layers after its
 * embedding part. enc.memory is the last slot of PART_ENC_OUT. */
static void register_all(Reg *r)
{
    const Config *c = r->c;
    int memory = SOURCE_ENC_MEMORY;
    for (int part = 0; part < PART_COUNT; part++) {
        if (!holds(r->l, c, (SlotPart)part))
            continue;
        int last = add_part(r, (SlotPart)part);
        if (part == PART_ENC_EMBED)
            for (int l = 0; l < c->enc_layers; l++)
                last = add_layer(r, LAYER_ENCODER, &r->a->enc[l], "enc", l, last, SOURCE_NONE, STREAM_SRC);
        else if (part == PART_DEC_EMBED)
            for (int l = 0; l < c->dec_layers; l++)
                last = add_layer(r, layer_kind(c, 0), &r->a->dec[l], "dec", l, last, memory, STREAM_TGT);
        else if (part == PART_ENC_OUT)
            memory = last;
    }
    if (!r->l->shared_layers || r->failed)
        return;
    /* the shared layer region goes after every other slot */
    Activations *a = r->a;
    const size_t base = a->arena_numel;
    if (!checked_add(&a->arena_numel, base, r->layer_numel)) {
        r->failed = 1;
        return;
    }
    for (int l = 0; a->enc && l < c->enc_layers; l++)
        for (int i = a->enc[l].slot_first; i < a->enc[l].slot_end; i++)
            a->slots[i].offset += base;
    for (int l = 0; a->dec && l < c->dec_layers; l++)
        for (int i = a->dec[l].slot_first; i < a->dec[l].slot_end; i++)
            a->slots[i].offset += base;
}

/* Gives back what a failed init holds and says why. */
static Status out_of_memory(Activations *a, const ActsLayout *l, Error *err)
{
    activations_free(a);
    return error_set(err, TF_ERR_RUNTIME, "out of memory allocating activations (%d sentences of %d + %d tokens)",
                     l->B, l->len[STREAM_SRC], l->len[STREAM_TGT]);
}

/* Register the slots of a layout, each at its offset in an arena not yet
 * allocated (a->arena_numel floats). */
static Status register_layout(Activations *a, const Model *m, const ActsLayout *l, Error *err)
{
    const Config *c = &m->cfg;
    memset(a, 0, sizeof *a);
    a->B = l->B;
    memcpy(a->len, l->len, sizeof a->len);
    memcpy(a->labels, l->labels, sizeof a->labels);
    memcpy(a->ids, l->ids, sizeof a->ids);
    memcpy(a->first_pos, l->first_pos, sizeof a->first_pos);
    a->len[STREAM_PREDICTED] = l->predicted ? a->len[STREAM_TGT] : 0;
    a->len[STREAM_CHOSEN] = l->gen_step ? 1 : 0;
    a->labels[STREAM_PREDICTED] = a->labels[STREAM_CHOSEN] = NULL;  /* computed: run/run_labels.h */
    a->Ts = a->len[STREAM_SRC];
    a->Tt = a->len[STREAM_TGT];
    a->d = c->d_model;
    a->h = c->heads;
    a->dk = c->d_model / c->heads;
    a->F = c->d_ff;
    a->V = m->vocab.size;
    a->vocab = &m->vocab;
    a->residual = c->residual;
    a->scale = c->scale;
    a->temperature = c->attn_temperature;

    Reg r = {.a = a, .c = c, .l = l};
    if ((holds(l, c, PART_ENC_EMBED) && c->enc_layers && !(a->enc = calloc((size_t)c->enc_layers, sizeof *a->enc))) ||
        (holds(l, c, PART_DEC_EMBED) && c->dec_layers && !(a->dec = calloc((size_t)c->dec_layers, sizeof *a->dec))))
        r.failed = 1;
    else
        register_all(&r);
    return r.failed ? out_of_memory(a, l, err) : TF_OK;
}

Status activations_init_layout(Activations *a, const Model *m, const ActsLayout *l, Error *err)
{
    Status st = register_layout(a, m, l, err);
    if (st)
        return st;
    if (l->arena) {
        if (a->arena_numel > l->arena_numel) {
            const size_t need = a->arena_numel;
            activations_free(a);
            return error_set(err, TF_ERR_RUNTIME, "activations: the slots take %zu floats, the arena given holds %zu",
                             need, l->arena_numel);
        }
        a->arena = l->arena;
        a->arena_borrowed = true;
    } else if (!(a->arena = big_block_alloc(a->arena_numel))) {  /* NULL too when its bytes would overflow */
        return out_of_memory(a, l, err);
    }
    for (int i = 0; i < a->n_slots; i++)
        *a->slots[i].field = a->arena + a->slots[i].offset;
    return TF_OK;
}

Status activations_layout_numel(const Model *m, const ActsLayout *l, size_t *numel, Error *err)
{
    Activations a;
    Status st = register_layout(&a, m, l, err);
    if (st == TF_OK) {
        *numel = a.arena_numel;
        activations_free(&a);
    }
    return st;
}

/* A whole pass over batch b; shared: every layer in one layer's memory. */
static Status init_pass(Activations *a, const Model *m, const Batch *b, bool shared, Error *err)
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
    l.shared_layers = shared;
    Status st = activations_init_layout(a, m, &l, err);
    if (st == TF_OK)
        a->batch = b;
    return st;
}

Status activations_init(Activations *a, const Model *m, const Batch *b, Error *err)
{
    return init_pass(a, m, b, false, err);
}

Status activations_init_streamed(Activations *a, const Model *m, const Batch *b, Error *err)
{
    return init_pass(a, m, b, true, err);
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
    if (!a->arena_borrowed)
        big_block_free(a->arena, a->arena_numel);
    free(a->slots);
    free(a->enc);
    free(a->dec);
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
        return a->labels[s->stream_q];
    case AX_STEP:
        return a->labels[STREAM_STEPS];
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

/* What a scores record holds when a switch changed it (scale = off, an
 * attention temperature): the default text is the ATTN_SLOTS spec's. */
static void scores_text(const Activations *a, const char **formula, const char **description)
{
    if (!a->scale && a->temperature == 1.0f) {
        *formula = "raw (scale = off: not divided by sqrt(d_k))";
        *description = "The raw scores unchanged (scale = off): their spread grows with the head width, "
                       "and the softmax turns nearly one-hot.";
    } else if (!a->scale) {
        *formula = "raw / T, T = attn_temperature (scale = off)";
        *description = "Raw scores divided by the temperature T alone (scale = off): T > 1 flattens the "
                       "attention weights, T < 1 sharpens them.";
    } else {
        *formula = "raw / (sqrt(d_k) T), T = attn_temperature";
        *description = "Raw scores divided by sqrt(d_k) and by the temperature T: T > 1 flattens the "
                       "attention weights, T < 1 sharpens them.";
    }
}

/* The record name of a provenance (Slot.q_source, kv_source), or NULL. */
static const char *source_name(const Activations *a, int source)
{
    if (source == SOURCE_ENC_MEMORY)
        return spec_enc_memory.suffix;  /* written by the encoder's pass, without a step prefix */
    return source >= 0 && source < a->n_slots ? a->slots[source].name : NULL;
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
    if (spec == &spec_scores && (!a->scale || a->temperature != 1.0f))
        scores_text(a, &out->formula, &out->description);
    /* The raw scores' formula names what this block multiplied: with
     * positions = rope a self-attention turns Q and K first; a
     * cross-attention never does. */
    if (spec == &spec_raw && s->rotated)
        out->formula = "Q_rot K_rot^T (positions = rope)";
    /* ablate_head zeroes a head's z: the block's record says so (which
     * heads: the trace's configuration) */
    if (spec == &spec_z && s->ablated) {
        out->formula = "weights V; an ablated head's z = 0 (ablate_head)";
        out->description = "Each head's output: the weighted average of the value vectors. A head named by "
                           "ablate_head is set to 0 here, so nothing it found reaches W_O.";
    }
    out->q_source = source_name(a, s->q_source);
    out->kv_source = source_name(a, s->kv_source);
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

/* One sentence's view of a block's slots: every pointer moved to sentence
 * b (NULL stays NULL). sq and skv are the streams of the query and key axes. */
static AttnActs activations_sentence_attn(const Activations *a, const AttnActs *at, int b, Stream sq, Stream skv)
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
#define BLOCK_VIEW(field, self, q, kv) v.field = activations_sentence_attn(a, &L->field, b, q, kv);
    ATTN_BLOCKS(BLOCK_VIEW)
#undef BLOCK_VIEW
    const LayerActs *from = L;
    const Stream sq = s, skv = s;
    LAYER_SLOTS(VIEW)
#undef VIEW
    v.slot_first = L->slot_first;
    v.slot_end = L->slot_end;
    return v;
}
