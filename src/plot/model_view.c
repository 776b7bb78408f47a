/* model_view.c — every layer × every head of one kind of attention block,
 * gathered for the model view (viz/modelview.gp). */
#include "plot/model_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checked.h"
#include "text/token_text.h"
#include "trace/export.h"
#include "trace/record_name.h"

static const ModelViewBlock blocks[] = {
    {"enc", "enc", "attn.weights", "enc.L.attn.weights"},
    {"dec.self", "dec", "self_attn.weights", "dec.L.self_attn.weights"},
    {"dec.cross", "dec", "cross_attn.weights", "dec.L.cross_attn.weights"},
};
#define N_BLOCKS (sizeof blocks / sizeof blocks[0])

/* Layer L's weights of block b in r, or -1. */
static long find_layer(const TraceReader *r, const ModelViewBlock *b, long layer)
{
    char name[96];
    snprintf(name, sizeof name, "%s.%ld.%s", b->stack, layer, b->suffix);
    return trace_reader_find(r, name);
}

/* Does r have block b only as generation steps (gen.S.dec.0.self_attn.weights)? */
static bool only_generated(const TraceReader *r, const ModelViewBlock *b)
{
    if (find_layer(r, b, 0) >= 0)
        return false;
    char family[96];
    snprintf(family, sizeof family, "%s.0.%s", b->stack, b->suffix);
    for (uint32_t i = 0; i < trace_reader_count(r); i++) {
        const char *fam = record_name_gen_family(trace_reader_name(r, i));
        if (fam && strcmp(fam, family) == 0)
            return true;
    }
    return false;
}

void model_view_blocks_of(const TraceReader *r, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < N_BLOCKS && n < cap; k++)
        if (find_layer(r, &blocks[k], 0) >= 0)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", blocks[k].block);
}

Status model_view_block(const TraceReader *r, const char *asked, const ModelViewBlock **out, Error *err)
{
    const ModelViewBlock *b = NULL;
    if (asked) {
        for (size_t k = 0; k < N_BLOCKS && !b; k++)
            if (strcmp(asked, blocks[k].block) == 0)
                b = &blocks[k];
        if (!b)
            return error_set(err, TF_ERR_INPUT, "--block '%s': expected enc, dec.self or dec.cross", asked);
    } else {
        /* the decoder reading the encoder, else the decoder, else the encoder */
        for (size_t k = N_BLOCKS; k-- > 0 && !b;)
            if (find_layer(r, &blocks[k], 0) >= 0 || only_generated(r, &blocks[k]))
                b = &blocks[k];
        if (!b)
            return error_set(err, TF_ERR_INPUT, "%s: no attention weights to draw a model view of",
                             trace_reader_path(r));
    }
    char have[64], choices[64];
    model_view_blocks_of(r, have, sizeof have);
    size_t n = 0;  /* "enc|dec.self": the --block values that would do */
    for (const char *p = have; *p && n + 1 < sizeof choices; p++)
        if (!(p[0] == ' ' && p > have && p[-1] == ','))
            choices[n++] = *p == ',' ? '|' : *p;
    choices[n] = '\0';
    if (only_generated(r, b)) {
        error_set(err, TF_ERR_INPUT, "%s: the %s attention (%s) is here only as generation steps (gen.S.*), a "
                                     "query a step",
                  trace_reader_path(r), b->block, b->family);
        char family[96];
        snprintf(family, sizeof family, "%s.0.%s", b->stack, b->suffix);
        if (have[0])
            error_hint(err, "`traceformer plot %s gen.%s -o DIR` draws it step by step; the model view has "
                            "--block %s; or run again without --generate, the generated sentence as --tgt",
                       trace_reader_path(r), family, choices);
        else
            error_hint(err, "`traceformer plot %s gen.%s -o DIR` draws it step by step; or run again without "
                            "--generate, the generated sentence as --tgt",
                       trace_reader_path(r), family);
        return TF_ERR_INPUT;
    }
    if (find_layer(r, b, 0) < 0) {
        error_set(err, TF_ERR_INPUT, "%s: no %s attention (%s)%s%s", trace_reader_path(r), b->block, b->family,
                  have[0] ? "; the trace has: " : ", nor any other", have);
        if (have[0])
            error_hint(err, "--block %s", choices);
        return TF_ERR_INPUT;
    }
    *out = b;
    return TF_OK;
}

void model_view_free(ModelView *mv)
{
    if (mv->labels)
        for (size_t k = 0; k < (size_t)mv->queries + mv->keys; k++)
            free(mv->labels[k]);
    free(mv->labels);
    free(mv->row_ptrs);
    free(mv->col_ptrs);
    free(mv->data);
    free(mv->mask_data);
    memset(mv, 0, sizeof *mv);
}

static int axis_named(const Record *r, const char *name)
{
    for (int a = 0; a < r->ndim; a++)
        if (r->dim_names[a] && strcmp(r->dim_names[a], name) == 0)
            return a;
    return -1;
}

/* The leading axes a layer's weights may have: [head,] or [batch, head,]. */
typedef struct {
    uint32_t batches, heads, queries, keys;
} LayerShape;

static bool layer_shape(const Record *r, LayerShape *sh)
{
    int head = axis_named(r, "head");
    bool batched = r->ndim > 1 && axis_named(r, "batch") == 0;
    if (!((r->ndim == 3 && head == 0) || (r->ndim == 4 && batched && head == 1) || (r->ndim == 2 && head < 0) ||
          (r->ndim == 3 && batched && head < 0)))
        return false;
    sh->batches = batched ? r->dims[0] : 1;
    sh->heads = head >= 0 ? r->dims[head] : 1;
    sh->queries = r->dims[r->ndim - 2];
    sh->keys = r->dims[r->ndim - 1];
    return true;
}

/* Sentence `batch` of a mask record ([query, key] or [batch, query, key]). */
static const float *mask_page(const Record *m, int batch, uint32_t queries, uint32_t keys)
{
    if (m->ndim == 2 && m->dims[0] == queries && m->dims[1] == keys)
        return m->data;
    if (m->ndim == 3 && (uint32_t)batch < m->dims[0] && m->dims[1] == queries && m->dims[2] == keys)
        return m->data + (size_t)batch * queries * keys;
    return NULL;
}

/* Token k of a sentence line: after a space, or, for a character-level
 * model, side by side (its ▁ a space again), as token_text_join prints. */
static const char *sentence_token(TokenizerKind kind, uint32_t k, const char *label, char *buf, size_t cap)
{
    const char *const one[1] = {label};
    if (kind == TOKENIZER_WORDS || k == 0)
        snprintf(buf, cap, " %s", label);
    else if (token_text_join(kind, buf, cap, one, 1) < 0)
        buf[0] = '\0';
    return buf;
}

/* One line naming the sentence: the tokens along the keys, and those along
 * the queries when they differ (cross-attention: source and target). */
static void describe_sentence(ModelView *mv, TokenizerKind kind)
{
    size_t n = 0, cap = sizeof mv->sentence;
    char tok[520];
    bool same = mv->queries == mv->keys;
    for (uint32_t k = 0; same && k < mv->keys; k++)
        same = strcmp(mv->labels[k], mv->labels[mv->queries + k]) == 0;
    n += (size_t)snprintf(mv->sentence + n, cap - n, "%s", same ? "sentence:" : "keys:");
    for (uint32_t k = 0; k < mv->keys && n < cap; k++)
        n += (size_t)snprintf(mv->sentence + n, cap - n, "%s",
                              sentence_token(kind, k, mv->labels[mv->queries + k], tok, sizeof tok));
    if (!same && n < cap) {
        n += (size_t)snprintf(mv->sentence + n, cap - n, "   ·   queries:");
        for (uint32_t k = 0; k < mv->queries && n < cap; k++)
            n += (size_t)snprintf(mv->sentence + n, cap - n, "%s",
                                  sentence_token(kind, k, mv->labels[k], tok, sizeof tok));
    }
    if (n >= cap)  /* cut, and say so */
        snprintf(mv->sentence + cap - 5, 5, " ...");
}

Status model_view_build(const TraceReader *r, const ModelViewBlock *b, int batch, ModelView *mv, Error *err)
{
    memset(mv, 0, sizeof *mv);
    long layers = 0;
    while (find_layer(r, b, layers) >= 0)
        layers++;
    if (layers == 0)
        return error_set(err, TF_ERR_INPUT, "%s: no %s records", trace_reader_path(r), b->family);
    LayerShape first = {0};
    Status s = TF_OK;
    for (long l = 0; l < layers && s == TF_OK; l++) {
        TraceRecord t;
        s = trace_reader_get(r, (uint32_t)find_layer(r, b, l), &t, err);
        if (s != TF_OK)
            break;
        LayerShape sh;
        if (!layer_shape(&t.rec, &sh))
            s = error_set(err, TF_ERR_INPUT, "%s: %s is not attention weights ([batch,] [head,] query, key)",
                          trace_reader_path(r), t.rec.name);
        else if (l > 0 && memcmp(&sh, &first, sizeof sh) != 0)
            s = error_set(err, TF_ERR_INPUT, "%s: %s has other heads, sentences or tokens than layer 0",
                          trace_reader_path(r), t.rec.name);
        else if (batch < 0 || (uint32_t)batch >= sh.batches)
            s = error_set(err, TF_ERR_INPUT, "--batch %d: %s has sentences 0..%u", batch, t.rec.name,
                          sh.batches - 1);
        if (l == 0)
            first = sh;
        trace_record_release(&t);
    }
    if (s != TF_OK)
        return s;
    size_t page = (size_t)first.queries * first.keys, cells = 0;
    if (!checked_mul(&cells, page, first.heads) || !checked_mul(&cells, cells, (size_t)layers) ||
        cells > ((size_t)1 << 26))
        return error_set(err, TF_ERR_INPUT, "%s: the model view of %s is too large to draw", trace_reader_path(r),
                         b->family);
    mv->layers = (uint32_t)layers;
    mv->heads = first.heads;
    mv->queries = first.queries;
    mv->keys = first.keys;
    mv->data = malloc(cells * sizeof *mv->data);
    mv->mask_data = malloc(page * sizeof *mv->mask_data);
    mv->labels = calloc((size_t)mv->queries + mv->keys, sizeof *mv->labels);
    mv->row_ptrs = calloc(mv->queries, sizeof *mv->row_ptrs);
    mv->col_ptrs = calloc(mv->keys, sizeof *mv->col_ptrs);
    if (!mv->data || !mv->mask_data || !mv->labels || !mv->row_ptrs || !mv->col_ptrs) {
        model_view_free(mv);
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    }
    bool masked = true;  /* every layer has its mask */
    for (long l = 0; l < layers && s == TF_OK; l++) {
        TraceRecord t;
        s = trace_reader_get(r, (uint32_t)find_layer(r, b, l), &t, err);
        if (s != TF_OK)
            break;
        RecordPages pg;
        export_pages_of(&t.rec, &pg);
        for (uint32_t h = 0; h < mv->heads; h++)
            memcpy(mv->data + ((size_t)l * mv->heads + h) * page,
                   export_pages_data(&t.rec, &pg, (size_t)batch * mv->heads + h), page * sizeof *mv->data);
        if (l == 0) {
            for (uint32_t q = 0; q < mv->queries; q++) {
                const char *lab = export_pages_row_label(&t.rec, &pg, (size_t)batch * mv->heads, q);
                char fallback[16];
                snprintf(fallback, sizeof fallback, "%u", q);
                mv->labels[q] = strdup(lab ? lab : fallback);
            }
            for (uint32_t k = 0; k < mv->keys; k++) {
                const char *lab = export_pages_col_label(&t.rec, &pg, (size_t)batch * mv->heads, k);
                char fallback[16];
                snprintf(fallback, sizeof fallback, "%u", k);
                mv->labels[mv->queries + k] = strdup(lab ? lab : fallback);
            }
        }
        /* The block's mask: the same in every layer (it comes from the
         * tokens, not the weights), drawn once for every panel. */
        char mask_name[160];
        long mi = record_name_sibling(t.rec.name, RECORD_STEP_MASK, mask_name, sizeof mask_name)
                      ? trace_reader_find(r, mask_name)
                      : -1;
        trace_record_release(&t);
        TraceRecord m;
        if (mi < 0 || trace_reader_get(r, (uint32_t)mi, &m, NULL) != TF_OK) {
            masked = false;
            continue;
        }
        const float *mp = mask_page(&m.rec, batch, mv->queries, mv->keys);
        if (!mp)
            masked = false;
        else if (l == 0)
            memcpy(mv->mask_data, mp, page * sizeof *mp);
        else if (masked && memcmp(mv->mask_data, mp, page * sizeof *mp) != 0)
            s = error_set(err, TF_ERR_INPUT, "%s: %s differs from layer 0's: one grid cannot show both",
                          trace_reader_path(r), mask_name);
        trace_record_release(&m);
    }
    for (size_t k = 0; s == TF_OK && k < (size_t)mv->queries + mv->keys; k++)
        if (!mv->labels[k])
            s = error_set(err, TF_ERR_RUNTIME, "out of memory");
    if (s != TF_OK) {
        model_view_free(mv);
        return s;
    }
    for (uint32_t q = 0; q < mv->queries; q++)
        mv->row_ptrs[q] = mv->labels[q];
    for (uint32_t k = 0; k < mv->keys; k++)
        mv->col_ptrs[k] = mv->labels[mv->queries + k];
    describe_sentence(mv, token_text_kind_of_meta(trace_reader_meta(r)));
    snprintf(mv->name, sizeof mv->name, "%s", b->family);
    snprintf(mv->formula, sizeof mv->formula, "softmax(masked) of every layer L and head, one colour scale 0..1");

    /* where the queries and keys came from, as layer 0 states it (the
     * strings point into the trace's mapping, which outlives mv) */
    TraceRecord t0;
    Record *rec = &mv->rec;
    if (trace_reader_get(r, (uint32_t)find_layer(r, b, 0), &t0, NULL) == TF_OK) {
        rec->q_source = t0.rec.q_source;
        rec->kv_source = t0.rec.kv_source;
        trace_record_release(&t0);
    }
    rec->name = mv->name;
    rec->kind = "weights";
    rec->ndim = 4;
    rec->dims[0] = mv->layers;
    rec->dims[1] = mv->heads;
    rec->dims[2] = mv->queries;
    rec->dims[3] = mv->keys;
    rec->dim_names[0] = "layer";
    rec->dim_names[1] = "head";
    rec->dim_names[2] = "query";
    rec->dim_names[3] = "key";
    rec->data = mv->data;
    rec->row_labels = mv->row_ptrs;
    rec->col_labels = mv->col_ptrs;
    rec->formula = mv->formula;
    rec->description = mv->sentence;
    if (masked) {
        Record *m = &mv->mask;
        m->name = "mask";
        m->kind = "mask";
        m->ndim = 2;
        m->dims[0] = mv->queries;
        m->dims[1] = mv->keys;
        m->dim_names[0] = "query";
        m->dim_names[1] = "key";
        m->data = mv->mask_data;
        m->formula = "0 = may attend, -inf = blocked";
        m->description = "";
    }
    return TF_OK;
}
