/* recombine.h — more training text in the corpus's own form: sentences of
 * one shape, drawn from different training poems and joined.
 *
 * Three hundred poems are few for a model of 800 000 weights: trained long
 * enough to learn the form (five or seven characters, then ， or 。), it
 * has learnt the poems by heart. Regulated verse is made of sentences of a
 * few shapes (5,5 and 7,7: two lines and their marks), and a sentence
 * keeps the form wherever it stands, so the training split can be read
 * again in new orders: each recombined example is sentences of one shape,
 * drawn at random (with replacement) from every training example's
 * sentences of that shape, as many as fit in the task's max_len. The form
 * is kept exactly; what follows a sentence is no longer the poem's next
 * sentence, so it cannot be learnt by heart. The held-out poems are never
 * read, and evaluation stays on whole real poems.
 *
 * A sentence ends at 。？！ (or . ? !); its shape is the lengths of its
 * clauses, the runs of characters between the marks ，；：、。？！ (and
 * , ; : . ? !), in order: 床前明月光，疑是地上霜。 is 5,5. Text after a
 * chunk's last end mark is no sentence. */
#ifndef TRACEFORMER_TRAIN_RECOMBINE_H
#define TRACEFORMER_TRAIN_RECOMBINE_H

#include "train/tasks.h"

#define RECOMBINE_MAX_EXAMPLES 100000
#define POEMS_DEFAULT_RECOMBINE 4000   /* what train --task poems adds */
#define RECOMBINE_MAX_CLAUSES 16   /* a sentence of more clauses is not drawn */

/* Append n recombined examples to ds's training split (after its own
 * examples, before the held-out ones), drawn from the seed's own stream:
 * the same dataset and seed give the same examples. ds->n_train grows by
 * n and ds->poems_recombined is n. n = 0 changes nothing. TF_ERR_INPUT
 * when n is outside [0, RECOMBINE_MAX_EXAMPLES] or no two training
 * sentences share a shape. */
Status recombine_examples(Dataset *ds, int n, uint64_t seed, Error *err);

#endif
