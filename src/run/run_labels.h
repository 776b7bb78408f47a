/* run_labels.h — the text of tokens, for the records of a pass.
 *
 * The math writes and reads token ids: the tokens it computed
 * (dec.predicted, a generation step's token) and the streams a generation
 * step reads (the sequence so far, given to its layout as ids). The
 * records label token axes with the tokens' text. The text is looked up
 * here, on the trace side, once the pass has run, and hung on the
 * Activations' streams that have no labels yet (model/activations.h). */
#ifndef TF_RUN_RUN_LABELS_H
#define TF_RUN_RUN_LABELS_H

#include "core/error.h"
#include "model/activations.h"

typedef struct {
    const char **text;  /* (B, len[s]) for each stream labelled here, one after another */
} RunLabels;

/* After the pass that filled a: label its computed tokens. The labels
 * point into a's vocabulary and into rl, which must outlive the records
 * made from a. */
Status run_labels_attach(RunLabels *rl, Activations *a, Error *err);
void run_labels_free(RunLabels *rl);

#endif
