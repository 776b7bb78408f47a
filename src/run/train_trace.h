/* train_trace.h — a training run written as a trace: the curves of every
 * update, a held-out evaluation and a snapshot of one probe sentence every
 * K updates (record names: src/trace/FORMAT.md, "Training").
 *
 * It goes along beside the training loop, which stays the caller's (the
 * progress bar of `traceformer train` and a lesson's quiet run share it):
 *
 *   trainer_init(&t, ...);
 *   train_trace_open(&tt, &t, &opt, path, meta, err);   snapshot and evaluation at 0
 *   for each update: trainer_step(&t, err); train_trace_step(tt, &t, err);
 *   train_trace_finish(tt, &t, &summary, err);          curves, lengths, index, rename
 *
 * Snapshots stream into the file as they are taken; the curves (a few
 * floats per update) are kept and written at the end. On any error, or
 * train_trace_abort, the temporary file goes away and nothing is left at
 * path, as with every trace. The trace is a pure function of the seed,
 * the options and the probe: nothing reads the clock. */
#ifndef TF_RUN_TRAIN_TRACE_H
#define TF_RUN_TRAIN_TRACE_H

#include <stdint.h>

#include "core/error.h"
#include "train/trainer.h"

typedef struct {
    int every;                  /* K ≥ 1: evaluate and snapshot after every K updates (and the last) */
    /* The probe: token ids in the dataset's vocabulary, without <START> or
     * <END>; its teacher-forced pass is what each snapshot records. */
    const int *probe_src;       /* (probe_src_len) */
    int probe_src_len;
    const int *probe_tgt;       /* (probe_tgt_len) */
    int probe_tgt_len;
    /* After the last update, held-out accuracy at each length lo..hi
     * (train.lengths.*); 0, 0 for none. */
    int len_lo, len_hi;
} TrainTraceOptions;

typedef struct {
    uint32_t records;           /* written */
    uint64_t bytes;
    int snapshots;
    EvalResult last;            /* the held-out evaluation after the last update (no exact match) */
    EvalResult lengths[TASK_MAX_LEN];  /* (len_hi - len_lo + 1) by length, when asked for */
} TrainTraceSummary;

typedef struct TrainTrace TrainTrace;

/* Open path and record step 0 (the snapshot and the evaluation of t's
 * model before any update). t must be initialised, with no update made. */
Status train_trace_open(TrainTrace **out, const Trainer *t, const TrainTraceOptions *o, const char *path,
                        const char *meta, Error *err);

/* After each trainer_step: the step's curves; at every K-th update and at
 * the last one (t->step == t->o.steps), a snapshot and an evaluation. */
Status train_trace_step(TrainTrace *tt, const Trainer *t, Error *err);

/* After the last update: the lengths evaluation, the curves, the index;
 * the file takes its name. Frees tt (also on error). */
Status train_trace_finish(TrainTrace *tt, const Trainer *t, TrainTraceSummary *out, Error *err);

/* The meta text of a training trace: `head` (the command line, or the
 * lesson and run: "key = value" lines), the task, the training options,
 * K, the probe as text and the lengths, a blank line, the model's
 * configuration as INI. malloc'd; NULL when out of memory. */
char *train_trace_meta(const Trainer *t, const TrainTraceOptions *o, const char *head);

/* Drop the file (after an error of the caller's own). Frees tt. */
void train_trace_abort(TrainTrace *tt);

#endif
