/* model.h — a model: blueprint, vocabulary and weights together. */
#ifndef TF_MODEL_MODEL_H
#define TF_MODEL_MODEL_H

#include "core/error.h"
#include "model/config.h"
#include "model/trained_on.h"
#include "model/weights.h"
#include "text/vocab.h"

typedef struct {
    Config cfg;     /* the blueprint (sizes, norm placement, ...) */
    Vocab vocab;    /* ids 0..3 are the special tokens */
    Weights w;      /* read-only during a forward pass */
    TrainedOn trained;  /* what it learnt from (a .tfw file says; else unknown) */
} Model;

/* Build a model with seeded random weights. The vocabulary is cfg->vocab,
 * or, when that is empty, every token of the input sentences in order of
 * first appearance. */
Status model_init_random(Model *m, const Config *cfg, Error *err);

/* The same with the vocabulary v (its tokens after the four specials, in
 * its order): a model for a dataset whose vocabulary is too large for
 * cfg->vocab's line, like a corpus's thousand characters. */
Status model_init_with_vocab(Model *m, const Config *cfg, const Vocab *v, Error *err);
void model_free(Model *m);

#endif
