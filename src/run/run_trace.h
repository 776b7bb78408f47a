/* run_trace.h — compute a model on a batch in one mode and write all it
 * computed into one trace file.
 *
 * This is the one place where (model, batch, mode) becomes a trace:
 * `traceformer run` (cli/cmd_run.c) and a lesson's runs
 * (lesson/lesson_run.c) both come here. Each caller builds the model and
 * the batch, and writes its own meta text (the command line, or the
 * lesson and run); this module computes and writes the records.
 *
 * Shapes (model/activations.h has the whole legend): B sentences, Ts
 * source positions (0 in decoder-only mode), Tt decoder positions, d the
 * model width, V the vocabulary.
 *
 * The modes, one per trace:
 *   RUN_TEACHER_FORCING  the parallel pass: the encoder over the source
 *                        (B, Ts), the decoder over <START> + target
 *                        (B, Tt); records enc.*, dec.*, and the loss when
 *                        the batch has targets. Each layer's records are
 *                        written as soon as the layer has run on every
 *                        sentence, and its memory goes to the next layer:
 *                        the run holds one layer's activations, not the
 *                        trace (model_forward_streamed).
 *   RUN_TRAIN_STEP       the same records (the whole pass in memory, which
 *                        the backward pass reads), then the gradients of their
 *                        loss (label smoothing 0, no update made): every
 *                        grad.* record of train/grad_records.h, in its
 *                        order. The batch needs targets.
 *   RUN_GENERATE         the encoder once (enc.*), then one decoding step
 *                        after another (gen.S.*, each written before the
 *                        next step reuses the memory), then gen.tokens and
 *                        gen.work; one sentence (B = 1), the options
 *                        checked by generator_check.
 *
 * Records are numbered 0, 1, 2, ... in the order they are computed and
 * appended as they come. The file is written under a temporary name and
 * renamed into place only when complete (trace/trace.h): after an error
 * nothing is left at path. A training step's gradients are computed
 * before the file is opened, so a failed backward pass creates no file. */
#ifndef TF_RUN_RUN_TRACE_H
#define TF_RUN_RUN_TRACE_H

#include <stdint.h>

#include "core/error.h"
#include "model/batch.h"
#include "model/generator.h"
#include "model/model.h"

typedef enum {
    RUN_TEACHER_FORCING,
    RUN_TRAIN_STEP,
    RUN_GENERATE,
} RunMode;

typedef struct {
    RunMode mode;
    GenOptions gen;     /* RUN_GENERATE only: max_new, sampling, use_cache */
} RunSpec;

/* What a run wrote and, for a training step, what it found. */
typedef struct {
    uint32_t records;   /* records written, numbered 0 .. records − 1 */
    uint64_t bytes;     /* bytes of the records (trace_writer_bytes), without the
                           index and footer that close the file */
    float loss;         /* RUN_TRAIN_STEP: the loss the gradients are of */
    double grad_norm;   /* RUN_TRAIN_STEP: L2 norm of every weight's gradient together */
    int n_weights;      /* RUN_TRAIN_STEP: weight tensors, one grad.* record each */
} RunTraceSummary;

/* Run m on b as spec says and write the trace to path, with meta (text,
 * may be "") as its meta block. m and b are only read.
 *
 * gen (may be NULL): with RUN_GENERATE, receives the generator after its
 * last step, for the caller to read the sequence (seq, prompt_len,
 * n_seq) and the steps taken; the caller frees it with generator_free,
 * after an error too. Its earlier contents are overwritten, not freed.
 * NULL: the generator is freed here. Other modes leave *gen zeroed.
 *
 * out (may be NULL): the summary, valid when TF_OK is returned. */
Status run_trace(const Model *m, const Batch *b, const RunSpec *spec, const char *path, const char *meta,
                 Generator *gen, RunTraceSummary *out, Error *err);

#endif
