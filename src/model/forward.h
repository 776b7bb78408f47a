/* forward.h — one forward pass of the whole model over a batch. */
#ifndef TF_MODEL_FORWARD_H
#define TF_MODEL_FORWARD_H

#include "model/activations.h"
#include "model/batch.h"
#include "model/model.h"

/* Run the model on every sentence of the batch, filling every slot of a
 * (built by activations_init for this model and batch). No I/O, no
 * allocation: tracing reads the slots afterwards. */
void model_forward(const Model *m, const Batch *b, Activations *a);

#endif
