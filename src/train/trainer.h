/* trainer.h — training a model on a task (a toy one, or poems), and
 * measuring it.
 *
 * One training step:
 *   a minibatch of `batch` training examples, drawn from a permutation of
 *   the training split that is reshuffled every epoch (PCG32, seeded)
 *   → input dropout, when asked for: some inputs read as <UNK>
 *   → dropout inside the network, when asked for: fresh masks (train/dropout.h)
 *   → model_forward (teacher forcing) → model_backward (mean cross-entropy
 *   over the non-<PAD> targets) → optim_clip_grad_norm → optim_adam_step at
 *   optim_lr_schedule(step).
 *
 * Reproducibility: the data order comes from the seed alone, every sum is
 * sequential, and the BLAS runs on one thread during trainer_* calls
 * (trainer_init sets openblas_set_num_threads(1); trainer_free restores the
 * previous count). OpenBLAS with several threads splits a product's work
 * by thread count, which can change which kernel sums which block; one
 * thread makes two runs with the same seed give bit-identical weights on
 * the same machine and build. Nothing reads the clock except the progress
 * report.
 *
 * Every buffer is sized once, in trainer_init, for batches padded to the
 * dataset's longest sentences: a step allocates nothing (batch_set_ids
 * refills one Batch; one Activations and one Grads are reused). Measured
 * against building a tightly padded batch and its activations every step:
 * with 64 sentences of 3 to 9 tokens nearly every batch holds a sentence of
 * the longest length anyway, so tight padding saves no arithmetic, and the
 * allocation and freeing cost 0.13 to 0.31 ms of a 11 to 22 ms step (1 to
 * 1.5%).
 *
 * Evaluation: on a list of examples (the held-out split), the mean loss and
 * the token accuracy of teacher forcing (argmax of each decoder position
 * against its target, <PAD> positions ignored, <END> counted), and the
 * exact-match rate of greedy generation: the whole output sentence, up to
 * and including <END>, equal to the target. A decoder-only model (poems)
 * continues text, with no one right continuation: exact match is not
 * measured (−1), and its loss in bits per character (loss / ln 2, every
 * predicted position counted, <END> and <UNK> included) is the figure. */
#ifndef TF_TRAIN_TRAINER_H
#define TF_TRAIN_TRAINER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/model.h"
#include "train/backprop.h"
#include "train/dropout.h"
#include "train/optim.h"
#include "train/tasks.h"

typedef struct {
    int steps;              /* updates to make, ≥ 1 */
    int batch;              /* sentences per step, ≥ 1 */
    int warmup;             /* optim_lr_schedule's warm-up steps, ≥ 1 */
    double lr_scale;        /* optim_lr_schedule's scale, > 0 */
    double clip;            /* max global gradient norm, > 0 */
    float label_smoothing;  /* in [0, 1) */
    float input_dropout;    /* in [0, 1): each input token but a sequence's first is read as <UNK>
                             * with this chance, its target kept (0: off) */
    float dropout;          /* in [0, 1): P_drop of each sublayer's output and of each
                             * stack's input, training steps only (0: off, no draws;
                             * train/dropout.h) */
    uint64_t seed;          /* dataset, weight initialisation and data order */
} TrainOptions;

/* The defaults of a task: what `traceformer train --task NAME` uses. */
void train_options_default(TrainOptions *o, TaskKind kind);

/* The model a task trains by default (tiny: see trainer.c for the sizes and
 * why), with the dataset's vocabulary: cfg's model keys are set, the rest
 * (sentences) cleared. Call train_config_fit after overrides. */
void train_config_default(Config *cfg, TaskKind kind);

/* Give cfg the dataset's vocabulary and seed, clear its sentences, and check
 * that the dataset's longest sentences fit max_len. TF_ERR_INPUT names what
 * does not fit. */
Status train_config_fit(Config *cfg, const Dataset *ds, uint64_t seed, Error *err);

/* A model with seeded random weights (model_init_random's) for cfg, made
 * by train_config_fit: its vocabulary is cfg's when cfg lists one, else
 * the dataset's (poems, whose thousands of characters a config line does
 * not hold). */
Status train_model_init(Model *m, const Config *cfg, const Dataset *ds, Error *err);

/* Whether model m can be trained or evaluated on ds: the same vocabulary,
 * token for token, and room for the longest sentences. TF_ERR_INPUT names
 * the first difference ("the model's vocabulary has 18 tokens, task copy's
 * 14"). `what` names the model in messages (its file). */
Status train_check_model(const Model *m, const Dataset *ds, const char *what, Error *err);

typedef struct {
    Model *m;               /* trained in place */
    const Dataset *ds;
    TrainOptions o;
    Adam adam;
    Grads g;
    Batch batch;            /* (batch, Ts max, Tt max), refilled each step */
    Activations acts;       /* for batch */
    Rng rng;                /* data order */
    Rng drop;               /* input dropout: a stream of its own, so the order does not change */
    Dropout net_drop;       /* dropout inside the network (o.dropout > 0), its own stream too */
    int *order;             /* (n_train) the current epoch's permutation */
    int cursor;             /* next index into order */
    const int **src, **tgt; /* (batch) the step's sentences */
    int *src_len, *tgt_len;
    long step;              /* updates made */
    long tokens;            /* non-<PAD> target tokens trained on so far */
    int blas_threads;       /* to restore */
    /* the last step */
    float loss;
    double grad_norm;       /* before clipping */
    double lr;
    int correct, counted;   /* the batch's teacher-forced token accuracy */
} Trainer;

/* Set up training of m (its weights are the starting point) on ds's
 * training split. Options out of range are TF_ERR_INPUT naming them. */
Status trainer_init(Trainer *t, Model *m, const Dataset *ds, const TrainOptions *o, Error *err);

/* One update. A non-finite loss or gradient norm is TF_ERR_RUNTIME (the
 * weights are left as they were before the step). */
Status trainer_step(Trainer *t, Error *err);

void trainer_free(Trainer *t);

typedef struct {
    int sentences;
    double loss;            /* mean cross-entropy per non-<PAD> target token */
    long tokens, correct;   /* teacher-forced target tokens, and how many argmax got right */
    double token_accuracy;  /* correct / tokens */
    int exact;              /* sentences greedy generation got exactly right */
    double exact_match;     /* exact / sentences; −1 when not measured */
    double bits;            /* loss / ln 2: bits per predicted token (per character, for poems) */
} EvalResult;

/* Teacher-forced loss and token accuracy of m on the n examples, in batches
 * of at most 64; with `generate`, also greedy generation of each (up to its
 * target length + 8 tokens, within max_len) for exact match, unless m is
 * decoder-only. */
Status train_evaluate(const Model *m, const Example *ex, int n, bool generate, EvalResult *r, Error *err);

/* How m does on sentences of each length lo..hi (copy, reverse and sort):
 * out[L - lo] is train_evaluate's result (greedy exact match included) on
 * up to `per_length` held-out examples of length L. A length within ds's
 * own range uses ds's held-out split (its examples of that length); a
 * length outside it gets fresh sentences of exactly that length, drawn
 * from ds's seed and L, which the model cannot have trained on.
 * TF_ERR_INPUT for the phrasebook (its sentences have no length to vary),
 * for lengths outside 1..TASK_MAX_LEN or beyond the model's max_len. */
Status train_evaluate_lengths(const Model *m, const Dataset *ds, int lo, int hi, int per_length, EvalResult *out,
                              Error *err);

/* The checks train_evaluate_lengths makes of the task and the lengths,
 * without evaluating: for a caller that must refuse them before training,
 * not after. */
Status train_lengths_check(const Model *m, const Dataset *ds, int lo, int hi, Error *err);

/* Set the BLAS to one thread; returns the previous count (for
 * train_blas_restore). */
int train_blas_single(void);
void train_blas_restore(int threads);

#endif
