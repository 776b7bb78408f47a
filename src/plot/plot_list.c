/* plot_list.c — which figures to draw: the default set, and patterns. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "plot/film.h"
#include "plot/model_view.h"
#include "plot/plot.h"
#include "plot/plot_data.h"
#include "plot/train_curves.h"
#include "trace/export.h"
#include "trace/record_name.h"

void plot_list_free(PlotFigureList *l)
{
    free(l->items);
    memset(l, 0, sizeof *l);
}

static bool list_has(const PlotFigureList *l, const char *name)
{
    for (size_t k = 0; k < l->n; k++)
        if (strcmp(l->items[k].name, name) == 0)
            return true;
    return false;
}

static Status list_add(PlotFigureList *l, PlotFigureKind kind, uint32_t index, const char *name, Error *err)
{
    if (list_has(l, name))
        return TF_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        PlotFigure *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return error_set(err, TF_ERR_RUNTIME, "out of memory");
        l->items = items;
        l->cap = cap;
    }
    PlotFigure *f = &l->items[l->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->index = index;
    snprintf(f->name, sizeof f->name, "%s", name);
    return TF_OK;
}

static bool same_values(const Record *a, const Record *b)
{
    if (a->ndim != b->ndim)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->dims[i] != b->dims[i])
            return false;
    size_t n = record_numel(a);
    return memcmp(a->data, b->data, n * sizeof *a->data) == 0;
}

/* Every gen.<family> figure: one per family of gen.S.<family> records whose
 * last axis is the keys (attention matrices) or the vocabulary (logits,
 * probabilities; a row a step, drawn as one heatmap). only_weights: the decoder's
 * attention weights only (the default set): its self-attention, over the
 * growing cache, and its cross-attention (encoder-decoder), over the
 * encoder memory, where a trained model's alignment shows. */
static Status add_generation(const TraceReader *r, PlotFigureList *l, const char *pattern, bool only_weights,
                             size_t *matched, Error *err)
{
    uint32_t count = trace_reader_count(r);
    for (uint32_t i = 0; i < count; i++) {
        const char *fam = record_name_gen_family(trace_reader_name(r, i));
        if (!fam || (only_weights && !record_name_is_attention_weights(fam)))
            continue;
        char name[160];
        snprintf(name, sizeof name, "gen.%s", fam);
        if (pattern && fnmatch(pattern, name, 0) != 0)
            continue;
        if (list_has(l, name))
            continue;
        TraceRecord t;
        Status s = trace_reader_get(r, i, &t, err);
        if (s != TF_OK)
            return s;
        /* attention over the keys, or a step's prediction over the vocabulary */
        bool keyed = t.rec.ndim >= 2 && t.rec.dim_names[t.rec.ndim - 1] &&
                     (strcmp(t.rec.dim_names[t.rec.ndim - 1], "key") == 0 ||
                      strcmp(t.rec.dim_names[t.rec.ndim - 1], "vocab") == 0);
        trace_record_release(&t);
        if (!keyed)
            continue;
        s = list_add(l, PLOT_FIG_GENERATION, 0, name, err);
        if (s != TF_OK)
            return s;
        if (matched)
            (*matched)++;
    }
    return TF_OK;
}

#define MODEL_VIEW "model-view"

/* Whether r has a kind of attention block to draw a model view of. */
static bool has_model_view(const TraceReader *r)
{
    char have[64];
    model_view_blocks_of(r, have, sizeof have);
    return have[0] != '\0';
}

#define FILM "film"

/* Whether r has training snapshots of an attention block (a film strip). */
static bool has_film(const TraceReader *r)
{
    char family[128];
    Error quiet;
    return film_block(r, NULL, family, sizeof family, &quiet) == TF_OK;
}

/* The training curves r has, matching pattern (NULL: all; default_only:
 * loss and accuracy, the default set's), then the film strip (only when
 * pattern is NULL or "film"). */
static Status add_training(const TraceReader *r, PlotFigureList *l, const char *pattern, bool default_only,
                           size_t *matched, Error *err)
{
    Status s = TF_OK;
    for (size_t k = 0; s == TF_OK && train_curve_at(k); k++) {
        const TrainCurve *c = train_curve_at(k);
        if (!train_curve_in(r, c) || (pattern && fnmatch(pattern, c->figure, 0) != 0) ||
            (default_only && !c->eval))
            continue;
        if (matched)
            (*matched)++;
        s = list_add(l, PLOT_FIG_TRAIN, 0, c->figure, err);
    }
    if (s == TF_OK && (!pattern || strcmp(pattern, FILM) == 0) && has_film(r)) {
        if (matched)
            (*matched)++;
        s = list_add(l, PLOT_FIG_FILM, 0, FILM, err);
    }
    return s;
}

Status plot_list_virtual(const TraceReader *r, PlotFigureList *l, Error *err)
{
    Status st = add_training(r, l, NULL, false, NULL, err);
    if (st != TF_OK)
        return st;
    if (plot_has_stream(r)) {
        Status s = list_add(l, PLOT_FIG_NORMS, 0, "norms", err);
        if (s != TF_OK)
            return s;
    }
    Status s = add_generation(r, l, NULL, false, NULL, err);
    if (s == TF_OK && has_model_view(r))
        s = list_add(l, PLOT_FIG_MODEL_VIEW, 0, MODEL_VIEW, err);
    return s;
}

Status plot_list_defaults(const TraceReader *r, PlotFigureList *l, Error *err)
{
    uint32_t count = trace_reader_count(r);
    /* masks drawn so far, to leave out the later layers' repeats */
    uint32_t *masks = malloc((count ? count : 1) * sizeof *masks);
    if (!masks)
        return error_set(err, TF_ERR_RUNTIME, "out of memory");
    size_t n_masks = 0;
    /* the positional table: sinusoidal or learned, else rotary angles, else
     * relative buckets; the encoder's when there is one */
    static const char *const tables[] = {"enc.pos", "dec.pos", "enc.rope_angles", "dec.rope_angles",
                                         "enc.rel_buckets", "dec.rel_buckets"};
    long pos = -1;
    for (size_t k = 0; k < sizeof tables / sizeof tables[0] && pos < 0; k++)
        pos = trace_reader_find(r, tables[k]);
    Status s = TF_OK;
    for (uint32_t i = 0; i < count && s == TF_OK; i++) {
        const char *name = trace_reader_name(r, i);
        RecordName rn;
        record_name_parse(name, &rn);
        if (rn.gen_step >= 0 || rn.train_step >= 0 || rn.grad)
            continue;
        bool attention = record_name_is_attention_weights(name);
        /* masks, and relative-position biases: drawn once per kind of
         * block unless a later layer's differs */
        bool mask = record_name_is_attention_step(name, RECORD_STEP_MASK) ||
                    record_name_is_attention_step(name, RECORD_STEP_BIAS);
        if (attention || (long)i == pos || strcmp(name, "dec.probs") == 0) {
            s = list_add(l, PLOT_FIG_RECORD, i, name, err);
            continue;
        }
        if (!mask)
            continue;
        TraceRecord t;
        s = trace_reader_get(r, i, &t, err);
        if (s != TF_OK)
            break;
        bool repeat = false;
        for (size_t k = 0; k < n_masks && !repeat && s == TF_OK; k++) {
            if (!record_name_same_but_layer(name, trace_reader_name(r, masks[k])))
                continue;
            TraceRecord o;
            s = trace_reader_get(r, masks[k], &o, err);
            if (s == TF_OK) {
                repeat = same_values(&t.rec, &o.rec);
                trace_record_release(&o);
            }
        }
        trace_record_release(&t);
        if (s == TF_OK && !repeat) {
            masks[n_masks++] = i;
            s = list_add(l, PLOT_FIG_RECORD, i, name, err);
        }
    }
    free(masks);
    if (s == TF_OK && plot_has_stream(r))
        s = list_add(l, PLOT_FIG_NORMS, 0, "norms", err);
    if (s == TF_OK)
        s = add_generation(r, l, NULL, true, NULL, err);
    /* a training trace: its loss and accuracy curves, and the film strip */
    if (s == TF_OK)
        s = add_training(r, l, NULL, true, NULL, err);
    return s;
}

Status plot_list_match(const TraceReader *r, const char *pattern, PlotFigureList *l, size_t *matched,
                       Error *err)
{
    *matched = 0;
    uint32_t count = trace_reader_count(r);
    for (uint32_t i = 0; i < count; i++) {
        const char *name = trace_reader_name(r, i);
        if (fnmatch(pattern, name, 0) != 0)
            continue;
        (*matched)++;
        Status s = list_add(l, PLOT_FIG_RECORD, i, name, err);
        if (s != TF_OK)
            return s;
    }
    if (plot_has_stream(r) && fnmatch(pattern, "norms", 0) == 0) {
        (*matched)++;
        Status s = list_add(l, PLOT_FIG_NORMS, 0, "norms", err);
        if (s != TF_OK)
            return s;
    }
    /* generation figures: counted whether or not they are in l already */
    PlotFigureList gens = {0};
    Status s = add_generation(r, &gens, pattern, false, NULL, err);
    for (size_t k = 0; k < gens.n && s == TF_OK; k++) {
        (*matched)++;
        s = list_add(l, PLOT_FIG_GENERATION, 0, gens.items[k].name, err);
    }
    plot_list_free(&gens);
    /* a training trace's curves by pattern, its film strip by name */
    if (s == TF_OK)
        s = add_training(r, l, pattern, false, matched, err);
    /* named exactly in a trace without them (and matching nothing else),
     * a training figure is drawn to say why not, as the model view */
    if (s == TF_OK && *matched == 0 && (strcmp(pattern, FILM) == 0 || train_curve_named(pattern))) {
        (*matched)++;
        s = list_add(l, strcmp(pattern, FILM) == 0 ? PLOT_FIG_FILM : PLOT_FIG_TRAIN, 0, pattern, err);
    }
    /* the model view by its name only: `plot TRACE '*'` draws what it drew
     * before. Named in a trace without attention (or only generation
     * steps), it is drawn to say why not. */
    if (s == TF_OK && strcmp(pattern, MODEL_VIEW) == 0) {
        (*matched)++;
        s = list_add(l, PLOT_FIG_MODEL_VIEW, 0, MODEL_VIEW, err);
    }
    return s;
}
