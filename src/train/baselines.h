/* baselines.h — what counting alone achieves on a decoder-only task's
 * data: the unigram and bigram models of src/train/ngram.h, fitted on the
 * dataset's training split and scored on one of its splits, the same
 * predicted tokens a decoder-only model is scored on (every character and
 * the final <END>). `eval` prints them under a poems model's bits per
 * character, so that 8 bits reads as better or worse than counting. */
#ifndef TF_TRAIN_BASELINES_H
#define TF_TRAIN_BASELINES_H

#include <stdbool.h>

#include "core/error.h"
#include "train/ngram.h"
#include "train/tasks.h"

/* Fit on ds's training split; score the held-out split (heldout) or the
 * training split itself. A task that is not decoder-only is TF_ERR_INPUT. */
Status baselines_measure(const Dataset *ds, bool heldout, NgramBits *out, Error *err);

#endif
