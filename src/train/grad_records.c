/* grad_records.c — a training step's gradients described as records, from
 * the tables of grad_records.h. No I/O and no math beyond the norms. */
#include "train/grad_records.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *pattern;
    GradPlace place;
    const char *rows, *cols;  /* axis names; cols NULL for a vector */
    int vocab_rows;           /* the first axis is the vocabulary: label it with the words */
    const char *formula, *description;
} ParamKind;

#define PARAM_KIND(pattern, place, rows, cols, vocab, formula, description) \
    {pattern, place, rows, cols, vocab, formula, description},
static const ParamKind param_kinds[] = {GRAD_PARAM_KINDS(PARAM_KIND)};
#undef PARAM_KIND
enum { N_PARAM_KINDS = sizeof param_kinds / sizeof param_kinds[0] };

#define STACK_ID(id, ...) id,
enum { GRAD_STACK_RECORDS(STACK_ID) GRAD_STACK_COUNT };
#undef STACK_ID

typedef struct {
    const char *name;
    RecordKind kind;
    const char *formula, *description;
} StackSpec;
#define STACK_SPEC(id, name, kind, formula, description) [id] = {name, kind, formula, description},
static const StackSpec stack_specs[GRAD_STACK_COUNT] = {GRAD_STACK_RECORDS(STACK_SPEC)};
#undef STACK_SPEC

#define NORM_LABEL(id, label, meaning) [id] = label,
static const char *const norm_columns[GRAD_NORM_COUNT] = {GRAD_NORM_COLUMNS(NORM_LABEL)};
#undef NORM_LABEL

int grad_param_kind(const char *key)
{
    for (int i = 0; i < N_PARAM_KINDS; i++)
        if (fnmatch(param_kinds[i].pattern, key, 0) == 0)
            return i;
    return -1;
}

/* Which stack a parameter belongs to: 0 the encoder (src_*, encoder.*),
 * 1 the decoder (tgt_*, decoder.*), 2 neither (the generator). */
static int key_stack(const char *key)
{
    if (strncmp(key, "src_", 4) == 0 || strncmp(key, "encoder.", 8) == 0)
        return 0;
    if (strncmp(key, "tgt_", 4) == 0 || strncmp(key, "decoder.", 8) == 0)
        return 1;
    return 2;
}

static double sum_squares(const float *x, size_t n)
{
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (double)x[i] * (double)x[i];
    return ss;
}

/* One stack's per-layer norms, as grad.norms.<stack> holds them:
 * out (layers, GRAD_NORM_COUNT). encoder false: the decoder. */
static void grad_norms_compute(const Model *m, const Grads *g, bool encoder, float *out)
{
    const Config *c = &m->cfg;
    const int d = c->d_model, F = c->d_ff;
    (void)F;
    const int layers = encoder ? c->enc_layers : c->dec_layers;
    const float *stream = encoder ? g->enc_stream : g->dec_stream;
    const size_t per = (size_t)g->B * (size_t)(encoder ? g->Ts : g->Tt) * (size_t)g->d;
    for (int l = 0; l < layers; l++) {
        float *row = out + (size_t)l * GRAD_NORM_COUNT;
        row[GRAD_NORM_INPUT] = stream ? (float)sqrt(sum_squares(stream + (size_t)l * per, per)) : NAN;
        row[GRAD_NORM_OUTPUT] = stream ? (float)sqrt(sum_squares(stream + (size_t)(l + 1) * per, per)) : NAN;
        double ss = 0;
        /* Every parameter of the layer, straight from the weight tables;
         * absent ones (decoder-only has no cross-attention) are NULL. */
#define ADD(field, key, rows, cols, init)                                      \
    if (L->field)                                                              \
        ss += sum_squares(L->field, (size_t)(rows) * (size_t)((cols) ? (cols) : 1));
        if (encoder) {
            const EncLayerWeights *L = &g->w.enc[l];
            ENC_LAYER_PARAMS(ADD)
        } else {
            const DecLayerWeights *L = &g->w.dec[l];
            DEC_LAYER_PARAMS(ADD)
        }
#undef ADD
        row[GRAD_NORM_WEIGHTS] = (float)sqrt(ss);
    }
}

void grad_records_free(GradRecords *gr)
{
    free(gr->recs);
    free(gr->names);
    free(gr->norms);
    free(gr->layer_text);
    free(gr->layer_labels);
    memset(gr, 0, sizeof *gr);
}

/* A parameter's place among the records: its stack, then what it is
 * (embedding, positions, layers, final norm), then the table's order. */
typedef struct {
    int entry, kind, rank;
} Placed;

static int cmp_placed(const void *pa, const void *pb)
{
    const Placed *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return (a->entry > b->entry) - (a->entry < b->entry);
}

/* The records of one stack's residual stream: grad.<s>.L.input, grad.<s>.output. */
static void add_stream(GradRecords *gr, const Activations *a, const Grads *g, bool encoder, int layers)
{
    const char *s = encoder ? "enc" : "dec";
    const float *stream = encoder ? g->enc_stream : g->dec_stream;
    const int T = encoder ? g->Ts : g->Tt;
    const size_t per = (size_t)g->B * (size_t)T * (size_t)g->d;
    for (int l = 0; l <= layers; l++) {
        const StackSpec *spec = &stack_specs[l < layers ? GRAD_LAYER_INPUT : GRAD_STACK_OUTPUT];
        Record *r = &gr->recs[gr->n];
        char *name = gr->names[gr->n++];
        if (l < layers)
            snprintf(name, 128, "grad.%s.%d.%s", s, l, spec->name);
        else
            snprintf(name, 128, "grad.%s.%s", s, spec->name);
        r->name = name;
        r->kind = record_kind_name(spec->kind);
        int nd = 0;
        if (g->B > 1) {
            r->dims[nd] = (uint32_t)g->B;
            r->dim_names[nd++] = "batch";
        }
        r->dims[nd] = (uint32_t)T;
        r->dim_names[nd++] = "token";
        r->dims[nd] = (uint32_t)g->d;
        r->dim_names[nd++] = "model";
        r->ndim = nd;
        r->data = stream + (size_t)l * per;
        /* (B, T) token texts: one set per sentence, as the forward's records */
        r->row_labels = a->labels[encoder ? STREAM_SRC : STREAM_TGT];
        r->formula = spec->formula;
        r->description = spec->description;
    }
}

static void add_norms(GradRecords *gr, const float *table, bool encoder, int layers)
{
    const StackSpec *spec = &stack_specs[GRAD_NORMS];
    Record *r = &gr->recs[gr->n];
    char *name = gr->names[gr->n++];
    snprintf(name, 128, "grad.%s.%s", spec->name, encoder ? "enc" : "dec");
    r->name = name;
    r->kind = record_kind_name(spec->kind);
    r->ndim = 2;
    r->dims[0] = (uint32_t)layers;
    r->dim_names[0] = "layer";
    r->dims[1] = GRAD_NORM_COUNT;
    r->dim_names[1] = "norm";
    r->data = table;
    r->row_labels = gr->layer_labels;
    r->col_labels = norm_columns;
    r->formula = spec->formula;
    r->description = spec->description;
}

Status grad_records_build(GradRecords *gr, const Model *m, const Activations *a, const Grads *g,
                          uint32_t first_exec, Error *err)
{
    memset(gr, 0, sizeof *gr);
    const Config *c = &m->cfg;
    const bool enc = c->enc_layers > 0;
    if (g->B != a->B || g->Tt != a->Tt || (enc && g->Ts != a->Ts) || g->d != c->d_model ||
        (enc && !g->enc_stream) || !g->dec_stream)
        return error_set(err, TF_ERR_INPUT,
                         "gradients of a batch of %d x (%d, %d) do not fit the pass recorded for %d x (%d, %d)",
                         g->B, g->Ts, g->Tt, a->B, a->Ts, a->Tt);

    WeightEntry *e = NULL;
    const int ne = weights_entries(c, m->vocab.size, &g->w, &e);
    if (ne < 0)
        return error_set(err, TF_ERR_RUNTIME, "out of memory listing the parameters");
    const int max_layers = c->enc_layers > c->dec_layers ? c->enc_layers : c->dec_layers;
    const int n_stream = (enc ? c->enc_layers + 1 : 0) + c->dec_layers + 1;
    const int n_norms = (enc ? 1 : 0) + (c->dec_layers > 0 ? 1 : 0);
    const int total = n_stream + ne + n_norms;
    Placed *order = malloc((size_t)(ne ? ne : 1) * sizeof *order);
    gr->recs = calloc((size_t)total, sizeof *gr->recs);
    gr->names = calloc((size_t)total, sizeof *gr->names);
    gr->norms = calloc((size_t)(c->enc_layers + c->dec_layers + 1) * GRAD_NORM_COUNT, sizeof *gr->norms);
    gr->layer_text = calloc((size_t)max_layers + 1, sizeof *gr->layer_text);
    gr->layer_labels = calloc((size_t)max_layers + 1, sizeof *gr->layer_labels);
    Status st = TF_OK;
    if (!order || !gr->recs || !gr->names || !gr->norms || !gr->layer_text || !gr->layer_labels)
        st = error_set(err, TF_ERR_RUNTIME, "out of memory describing the gradients");
    for (int i = 0; st == TF_OK && i < ne; i++) {
        int k = grad_param_kind(e[i].name);
        if (k < 0) {
            st = error_set(err, TF_ERR_RUNTIME, "parameter %s has no gradient description", e[i].name);
            error_hint(err, "add its kind to GRAD_PARAM_KINDS in src/train/grad_records.h");
            break;
        }
        order[i] = (Placed){.entry = i, .kind = k, .rank = key_stack(e[i].name) * 8 + (int)param_kinds[k].place};
    }
    if (st != TF_OK) {
        free(order);
        free(e);
        grad_records_free(gr);
        return st;
    }
    qsort(order, (size_t)ne, sizeof *order, cmp_placed);
    for (int l = 0; l < max_layers; l++) {
        snprintf(gr->layer_text[l], sizeof gr->layer_text[l], "layer %d", l);
        gr->layer_labels[l] = gr->layer_text[l];
    }

    if (enc)
        add_stream(gr, a, g, true, c->enc_layers);
    add_stream(gr, a, g, false, c->dec_layers);
    for (int i = 0; i < ne; i++) {
        const WeightEntry *w = &e[order[i].entry];
        const ParamKind *pk = &param_kinds[order[i].kind];
        Record *r = &gr->recs[gr->n];
        char *name = gr->names[gr->n++];
        snprintf(name, 128, "grad.%s", w->name);
        r->name = name;
        r->kind = record_kind_name(RECORD_KIND_GRAD);
        r->dims[0] = (uint32_t)w->rows;
        r->dim_names[0] = pk->rows;
        r->ndim = 1;
        if (w->cols > 0) {
            r->dims[1] = (uint32_t)w->cols;
            r->dim_names[1] = pk->cols ? pk->cols : "in";
            r->ndim = 2;
        }
        r->data = *w->slot;
        if (pk->vocab_rows && w->rows == m->vocab.size) {
            /* a 1-D record's labels label its only axis: the column labels */
            const char *const *words = (const char *const *)m->vocab.tokens;
            if (r->ndim == 2)
                r->row_labels = words;
            else
                r->col_labels = words;
        }
        r->formula = pk->formula;
        r->description = pk->description;
        gr->n_weights++;
    }
    float *enc_norms = gr->norms, *dec_norms = gr->norms + (size_t)c->enc_layers * GRAD_NORM_COUNT;
    if (enc) {
        grad_norms_compute(m, g, true, enc_norms);
        add_norms(gr, enc_norms, true, c->enc_layers);
    }
    if (c->dec_layers > 0) {
        grad_norms_compute(m, g, false, dec_norms);
        add_norms(gr, dec_norms, false, c->dec_layers);
    }
    for (int k = 0; k < gr->n; k++)
        gr->recs[k].exec_index = first_exec + (uint32_t)k;
    free(order);
    free(e);
    return TF_OK;
}
