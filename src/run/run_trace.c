/* run_trace.c — one model, one batch, one mode, one trace file. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "model/activations.h"
#include "model/forward.h"
#include "run/run_labels.h"
#include "run/run_trace.h"
#include "trace/trace.h"
#include "train/backprop.h"
#include "train/grad_records.h"

/* The forward records of a teacher-forced pass, written as the pass goes:
 * slots next .. n_final − 1 of acts are appended, numbered on from *exec,
 * each time a layer finishes (model/forward.h), before the next layer
 * reuses their memory, so the run holds one layer's activations and not
 * the trace. The same records, in the same order, as write_slots after
 * the whole pass. */
typedef struct {
    TraceWriter *w;
    uint32_t *exec;
    int next;  /* the first slot not yet written */
} SlotStream;

static Status stream_slots(void *ctx, Activations *acts, int n_final, Error *err)
{
    SlotStream *ss = ctx;
    Status st = TF_OK;
    for (; st == TF_OK && ss->next < n_final; ss->next++) {
        Record rec;
        activations_record(acts, ss->next, &rec);
        rec.exec_index = (*ss->exec)++;
        st = trace_writer_add(ss->w, &rec, err);
    }
    return st;
}

/* Append every slot of acts, numbering the records on from *exec; the
 * tokens the pass computed are labelled with their text first. */
static Status write_slots(TraceWriter *w, Activations *acts, uint32_t *exec, Error *err)
{
    RunLabels rl;
    Status st = run_labels_attach(&rl, acts, err);
    if (st == TF_OK) {
        SlotStream ss = {w, exec, 0};
        st = stream_slots(&ss, acts, acts->n_slots, err);
    }
    run_labels_free(&rl);
    return st;
}

/* After the last record: on success the index and footer go in and the
 * file takes its name; after an error the temporary file goes away. */
static Status close_trace(TraceWriter *w, Status st, uint64_t *bytes, Error *err)
{
    if (st) {
        trace_writer_abort(w);
        return st;
    }
    *bytes = trace_writer_bytes(w);
    return trace_writer_finish(w, err);
}

/* The teacher-forced pass without gradients, each layer's records written
 * as soon as the layer is done; the tokens it predicted are labelled once
 * the pass is over, before the records that follow the layers (none of the
 * layers' records is labelled by them). */
static Status trace_teacher_forcing(const Model *m, const Batch *b, const char *path, const char *meta,
                                    RunTraceSummary *out, Error *err)
{
    Activations acts;
    Status st = activations_init_streamed(&acts, m, b, err);
    if (st)
        return st;
    TraceWriter *w;
    if ((st = trace_writer_open(&w, path, meta, err)) == TF_OK) {
        SlotStream ss = {w, &out->records, 0};
        const ForwardWatch watch = {stream_slots, &ss};
        st = model_forward_streamed(m, b, &acts, &watch, err);
        RunLabels rl = {NULL};
        if (st == TF_OK)
            st = run_labels_attach(&rl, &acts, err);
        if (st == TF_OK)
            st = stream_slots(&ss, &acts, acts.n_slots, err);
        run_labels_free(&rl);
        st = close_trace(w, st, &out->bytes, err);
    }
    activations_free(&acts);
    return st;
}

/* The teacher-forced pass, all of it in memory, then the gradients of its
 * loss and their norm. */
static Status trace_train_step(const Model *m, const Batch *b, const char *path, const char *meta,
                               RunTraceSummary *out, Error *err)
{
    Activations acts;
    Status st = activations_init(&acts, m, b, err);
    if (st)
        return st;
    model_forward(m, b, &acts);
    Grads g;
    GradRecords gr;
    memset(&g, 0, sizeof g);
    memset(&gr, 0, sizeof gr);
    st = backprop_grads_alloc(&g, m, b->B, b->Ts, b->Tt, err);
    const bool have_grads = st == TF_OK;
    if (st == TF_OK)
        st = model_backward(m, b, &acts, 0.0f, &g, &out->loss, err);
    if (st == TF_OK)
        st = grad_records_build(&gr, m, &acts, &g, (uint32_t)acts.n_slots, err);
    if (st == TF_OK) {
        double sum_sq = 0;  /* in double: thousands of float squares */
        for (size_t i = 0; i < g.w.numel; i++)
            sum_sq += (double)g.w.block[i] * (double)g.w.block[i];
        out->grad_norm = sqrt(sum_sq);
        out->n_weights = gr.n_weights;
    }
    /* opened only now: a failed backward pass leaves no file behind */
    TraceWriter *w;
    if (st == TF_OK && (st = trace_writer_open(&w, path, meta, err)) == TF_OK) {
        st = write_slots(w, &acts, &out->records, err);
        for (int i = 0; st == TF_OK && i < gr.n; i++) {
            Record rec = gr.recs[i];  /* numbered on after the forward records */
            rec.exec_index = out->records++;
            st = trace_writer_add(w, &rec, err);
        }
        st = close_trace(w, st, &out->bytes, err);
    }
    grad_records_free(&gr);
    if (have_grads)
        backprop_grads_free(&g);
    activations_free(&acts);
    return st;
}

/* The encoder once, then generation step by step into g. */
static Status trace_generate(const Model *m, const Batch *b, const GenOptions *o, const char *path, const char *meta,
                             Generator *g, RunTraceSummary *out, Error *err)
{
    Status st = generator_check(m, b, o, err);
    if (st)
        return st;
    Activations enc;
    if ((st = activations_init_encoder(&enc, m, b, err)))
        return st;
    model_encode(m, b, &enc);
    TraceWriter *w;
    if ((st = trace_writer_open(&w, path, meta, err)) == TF_OK) {
        st = write_slots(w, &enc, &out->records, err);
        if (st == TF_OK)
            st = generator_init(g, m, b, enc.enc_memory, o, err);
        while (st == TF_OK && !g->done && g->step < g->max_steps) {
            st = generator_step(g, err);
            if (st == TF_OK)
                st = write_slots(w, &g->acts, &out->records, err);  /* before the next step reuses them */
        }
        if (st == TF_OK)
            st = generator_summary(g, err);
        if (st == TF_OK)
            st = write_slots(w, &g->summary, &out->records, err);
        st = close_trace(w, st, &out->bytes, err);
    }
    activations_free(&enc);
    return st;
}

Status run_trace(const Model *m, const Batch *b, const RunSpec *spec, const char *path, const char *meta,
                 Generator *gen, RunTraceSummary *out, Error *err)
{
    RunTraceSummary unused;
    if (!out)
        out = &unused;
    memset(out, 0, sizeof *out);
    Generator own;
    Generator *g = gen ? gen : &own;
    memset(g, 0, sizeof *g);
    Status st;
    switch (spec->mode) {
    case RUN_TEACHER_FORCING:
        return trace_teacher_forcing(m, b, path, meta, out, err);
    case RUN_TRAIN_STEP:
        return trace_train_step(m, b, path, meta, out, err);
    case RUN_GENERATE:
        st = trace_generate(m, b, &spec->gen, path, meta, g, out, err);
        if (!gen)
            generator_free(&own);
        return st;
    }
    return error_set(err, TF_ERR_RUNTIME, "run_trace: unknown mode %d", (int)spec->mode);
}
