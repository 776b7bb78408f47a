/* vocab_cut.c — a vocabulary-wide record cut to its top tokens' columns
 * for a figure (vocab_cut.h). */
#include "plot/vocab_cut.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/topk.h"

bool vocab_cut_wanted(const Record *r)
{
    int last = r->ndim - 1;
    return r->ndim >= 1 && r->dim_names[last] && strcmp(r->dim_names[last], "vocab") == 0 && r->col_labels &&
           r->dims[last] > PLOT_VOCAB_WHOLE;
}

void vocab_cut_free(VocabCut *c)
{
    free(c->data);
    free(c->labels);
    c->data = NULL;
    c->labels = NULL;
}

Status vocab_cut_make(VocabCut *c, const Record *r, Error *err)
{
    memset(c, 0, sizeof *c);
    int last = r->ndim - 1;
    size_t V = r->dims[last], numel = record_numel(r);
    size_t R = V ? numel / V : 0;  /* every row of every page: (R, V) */
    size_t sets = record_label_sets(r, last);
    uint32_t *scratch = R ? calloc(R, PLOT_VOCAB_TOP * sizeof *scratch) : NULL;
    if (R == 0 || !scratch) {
        free(scratch);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory choosing its top tokens", r->name);
    }
    c->k = (uint32_t)topk_union(r->data, R, V, PLOT_VOCAB_TOP, scratch, c->ids);
    free(scratch);
    c->n = (uint32_t)V;
    c->data = malloc(R * c->k * sizeof *c->data);
    c->labels = malloc(sets * c->k * sizeof *c->labels);
    if (!c->data || !c->labels) {
        vocab_cut_free(c);
        return error_set(err, TF_ERR_RUNTIME, "%s: out of memory choosing its top tokens", r->name);
    }
    for (size_t q = 0; q < R; q++)  /* (R, V) -> (R, k) */
        for (uint32_t j = 0; j < c->k; j++)
            c->data[q * c->k + j] = r->data[q * V + c->ids[j]];
    for (size_t s = 0; s < sets; s++)
        for (uint32_t j = 0; j < c->k; j++)
            c->labels[s * c->k + j] = r->col_labels[s * V + c->ids[j]];
    snprintf(c->name, sizeof c->name, "%s (top %u of %u tokens)", r->name, c->k, c->n);
    c->rec = *r;
    c->rec.name = c->name;
    c->rec.dims[last] = c->k;
    c->rec.data = c->data;
    c->rec.col_labels = c->labels;
    c->rec.col_label_sets = (uint32_t)(r->col_label_sets ? r->col_label_sets : 0);
    return TF_OK;
}
