/* run_labels.h — the text of the tokens a pass computed, for its records.
 *
 * The math writes token ids (dec.predicted, a generation step's token);
 * the records label them with the tokens' text. The text is looked up
 * here, on the trace side, once the pass has run, and hung on the
 * Activations' PREDICTED and CHOSEN streams (model/activations.h). */
#ifndef TF_RUN_RUN_LABELS_H
#define TF_RUN_RUN_LABELS_H

#include "core/error.h"
#include "model/activations.h"

typedef struct {
    const char **text;  /* (B, len[PREDICTED]) then (B, len[CHOSEN]) */
} RunLabels;

/* After the pass that filled a: label its computed tokens. The labels
 * point into a's vocabulary and into rl, which must outlive the records
 * made from a. */
Status run_labels_attach(RunLabels *rl, Activations *a, Error *err);
void run_labels_free(RunLabels *rl);

#endif
