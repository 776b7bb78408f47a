/* vocab_cut.h — a figure of a record thousands of tokens wide (private to
 * src/plot/): only its top tokens' columns (core/topk.h).
 *
 * dec.probs of a character-level model is T × 2000: drawn whole, every
 * column is a hair wide, unlabelled, and nearly white. A figure shows
 * instead the union of each row's best tokens (each row's best, then each
 * row's second best, ... until PLOT_VOCAB_TOP columns), sorted by their
 * largest value, each labelled with its token, and its title says so:
 * "dec.probs (top 24 of 1783 tokens)". Every row's own prediction is then
 * on the figure, which is what a reader of a heatmap without a cursor
 * needs. A vocabulary of at most PLOT_VOCAB_WHOLE tokens (the toy models')
 * is drawn whole, as before; PlotOptions.all_columns draws any whole. */
#ifndef TF_PLOT_VOCAB_CUT_H
#define TF_PLOT_VOCAB_CUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/record.h"

#define PLOT_VOCAB_TOP 24    /* columns a cut figure keeps */
#define PLOT_VOCAB_WHOLE 64  /* a vocabulary this small is drawn whole */

typedef struct {
    Record rec;          /* r with its vocabulary axis cut to k, renamed for the title */
    char name[200];
    float *data;         /* (numel / V, k), owned */
    const char **labels; /* (label sets, k), pointing into r's labels */
    uint32_t ids[PLOT_VOCAB_TOP];  /* the columns kept, best first */
    uint32_t k, n;       /* kept, of n */
} VocabCut;

/* Is r's last axis a labelled vocabulary wider than PLOT_VOCAB_WHOLE? */
bool vocab_cut_wanted(const Record *r);

/* Cut r (vocab_cut_wanted) to its top tokens. TF_ERR_RUNTIME when out of
 * memory; on success free with vocab_cut_free. */
Status vocab_cut_make(VocabCut *c, const Record *r, Error *err);
void vocab_cut_free(VocabCut *c);

#endif
