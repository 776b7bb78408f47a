/* test_train_trace.c — a training run written as a trace (run/train_trace.h).
 *
 *   a snapshot is the probe's ordinary teacher-forced pass: train.0.* equals
 *   run_trace of the untrained model, train.N.* that of the trained one;
 *   the gradient's norm by part gives back the whole norm before clipping
 *   (sum of squares), also when every update is clipped;
 *   evaluations come at 0, K, 2K, ... and after the last update;
 *   the lengths evaluation measures lengths never trained on;
 *   a refused option or an abort leaves no file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../support/scratch.h"
#include "../support/tiny_model.h"
#include "run/run_trace.h"
#include "run/train_trace.h"
#include "trace/trace.h"
#include "train/trainer.h"

static void ok(Status st, const Error *err, const char *what)
{
    if (st != TF_OK)
        fail_msg("%s: %s", what, err->msg);
}

/* The record called name, fetched (fails the test when absent). */
static TraceRecord get(const TraceReader *r, const char *name)
{
    long i = trace_reader_find(r, name);
    if (i < 0)
        fail_msg("no record %s", name);
    TraceRecord tr;
    Error err;
    ok(trace_reader_get(r, (uint32_t)i, &tr, &err), &err, name);
    return tr;
}

static void same_data(const TraceReader *a, const char *na, const TraceReader *b, const char *nb)
{
    TraceRecord x = get(a, na), y = get(b, nb);
    size_t n = record_numel(&x.rec);
    assert_int_equal(n, record_numel(&y.rec));
    assert_memory_equal(x.rec.data, y.rec.data, n * sizeof(float));
    trace_record_release(&x);
    trace_record_release(&y);
}

/* The probe's plain run, as `traceformer run` would write it. */
static void run_probe(const Model *m, const int *src, int ns, const int *tgt, int nt, const char *path)
{
    Error err;
    Batch b;
    ok(batch_from_ids(&b, &m->cfg, &m->vocab, 1, &src, &ns, &tgt, &nt, 0, 0, &err), &err, "probe batch");
    RunSpec spec = {.mode = RUN_TEACHER_FORCING};
    ok(run_trace(m, &b, &spec, path, "", NULL, NULL, &err), &err, "run_trace");
    batch_free(&b);
}

static void test_snapshots_are_plain_runs(void **state)
{
    Scratch *sc = *state;
    Dataset ds;
    Model m, fresh;
    tiny_copy_model(&ds, &fresh, 5, 16);  /* the same seed: the same initial weights */
    task_dataset_free(&ds);
    tiny_copy_model(&ds, &m, 5, 16);
    const int src[] = {4, 5, 6, 7}, tgt[] = {4, 5, 6, 7};  /* a b c d */
    TrainOptions o;
    train_options_default(&o, TASK_COPY);
    o.steps = 25;
    o.batch = 8;
    o.clip = 0.05;  /* every update clipped: the parts must undo it */
    Trainer t;
    Error err;
    ok(trainer_init(&t, &m, &ds, &o, &err), &err, "trainer_init");
    TrainTraceOptions to = {.every = 10, .probe_src = src, .probe_src_len = 4, .probe_tgt = tgt, .probe_tgt_len = 4};
    TrainTrace *tt;
    char path[400], before[400], after[400];
    snprintf(path, sizeof path, "%s/t.train.trace", sc->dir);
    snprintf(before, sizeof before, "%s/before.trace", sc->dir);
    snprintf(after, sizeof after, "%s/after.trace", sc->dir);
    ok(train_trace_open(&tt, &t, &to, path, "test = yes\n", &err), &err, "open");
    for (int s = 0; s < o.steps; s++) {
        ok(trainer_step(&t, &err), &err, "step");
        ok(train_trace_step(tt, &t, &err), &err, "trace step");
    }
    TrainTraceSummary sum;
    ok(train_trace_finish(tt, &t, &sum, &err), &err, "finish");
    trainer_free(&t);
    assert_int_equal(sum.snapshots, 4);  /* 0, 10, 20, 25 */
    run_probe(&fresh, src, 4, tgt, 4, before);
    run_probe(&m, src, 4, tgt, 4, after);

    TraceReader *r, *rb, *ra;
    ok(trace_reader_open(&r, path, &err), &err, "open trace");
    ok(trace_reader_open(&rb, before, &err), &err, "open before");
    ok(trace_reader_open(&ra, after, &err), &err, "open after");
    same_data(r, "train.0.enc.0.attn.weights", rb, "enc.0.attn.weights");
    same_data(r, "train.0.dec.0.cross_attn.weights", rb, "dec.0.cross_attn.weights");
    same_data(r, "train.0.dec.probs", rb, "dec.probs");
    same_data(r, "train.0.loss", rb, "loss");
    same_data(r, "train.25.dec.0.self_attn.weights", ra, "dec.0.self_attn.weights");
    same_data(r, "train.25.dec.probs", ra, "dec.probs");
    assert_true(trace_reader_find(r, "train.10.dec.probs") >= 0);
    assert_true(trace_reader_find(r, "train.20.dec.probs") >= 0);
    assert_true(trace_reader_find(r, "train.5.dec.probs") < 0);

    /* evaluations at 0, 10, 20 and the last update */
    TraceRecord es = get(r, "train.eval.step");
    assert_int_equal(es.rec.dims[0], 4);
    const float want[] = {0, 10, 20, 25};
    assert_memory_equal(es.rec.data, want, sizeof want);
    trace_record_release(&es);

    /* the parts' squares add up to the whole norm, before clipping */
    TraceRecord gn = get(r, "train.grad_norm"), parts = get(r, "train.grad_norm.parts");
    assert_int_equal(parts.rec.dims[0], 25);
    const uint32_t P = parts.rec.dims[1];
    assert_int_equal(P, 4);  /* embed, enc.0, dec.0, out */
    assert_string_equal(parts.rec.col_labels[0], "embed");
    assert_string_equal(parts.rec.col_labels[3], "out");
    double worst = 0;
    for (uint32_t s = 0; s < 25; s++) {
        double ss = 0;
        for (uint32_t p = 0; p < P; p++)
            ss += (double)parts.rec.data[s * P + p] * parts.rec.data[s * P + p];
        double rel = fabs(sqrt(ss) - gn.rec.data[s]) / gn.rec.data[s];
        worst = rel > worst ? rel : worst;
        assert_true(gn.rec.data[s] > o.clip);  /* it was clipped */
    }
    print_message("parts vs whole gradient norm: worst relative difference %.2g over 25 clipped updates\n", worst);
    assert_true(worst < 1e-5);
    trace_record_release(&gn);
    trace_record_release(&parts);

    TraceRecord loss = get(r, "train.loss");
    assert_int_equal(loss.rec.dims[0], 25);
    assert_string_equal(loss.rec.kind, "curve");
    assert_string_equal(loss.rec.dim_names[0], "step");
    trace_record_release(&loss);
    assert_true(strstr(trace_reader_meta(r), "test = yes") != NULL);
    trace_reader_close(r);
    trace_reader_close(rb);
    trace_reader_close(ra);
    model_free(&m);
    model_free(&fresh);
    task_dataset_free(&ds);
}

/* Lengths never trained on get fresh sentences of exactly that length;
 * lengths trained on come from the held-out split. */
static void test_lengths(void **state)
{
    (void)state;
    Dataset ds;
    Model m;
    tiny_copy_model(&ds, &m, 2, 16);
    EvalResult r[6];
    Error err;
    ok(train_evaluate_lengths(&m, &ds, 8, 13, 20, r, &err), &err, "lengths");
    for (int i = 0; i < 6; i++) {
        assert_true(r[i].sentences >= 1 && r[i].sentences <= 20);
        assert_true(r[i].exact_match >= 0);
        /* teacher forcing counts each sentence's tokens and its <END> */
        assert_int_equal(r[i].tokens, (long)r[i].sentences * (8 + i + 1));
    }
    assert_int_equal(r[5].sentences, 20);  /* length 13: fresh ones, as many as asked */
    /* refusals */
    assert_int_equal(train_evaluate_lengths(&m, &ds, 3, 40, 5, r, &err), TF_ERR_INPUT);
    assert_non_null(strstr(err.msg, "max_len"));
    assert_int_equal(train_evaluate_lengths(&m, &ds, 5, 4, 5, r, &err), TF_ERR_INPUT);
    model_free(&m);
    task_dataset_free(&ds);
}

static void test_refusals_leave_nothing(void **state)
{
    Scratch *sc = *state;
    Dataset ds;
    Model m;
    tiny_copy_model(&ds, &m, 3, 16);
    TrainOptions o;
    train_options_default(&o, TASK_COPY);
    o.steps = 3;
    o.batch = 4;
    Trainer t;
    Error err;
    ok(trainer_init(&t, &m, &ds, &o, &err), &err, "trainer_init");
    const int src[] = {4, 5}, bad[] = {4, 99};
    TrainTraceOptions to = {.every = 0, .probe_src = src, .probe_src_len = 2, .probe_tgt = src, .probe_tgt_len = 2};
    TrainTrace *tt = NULL;
    assert_int_equal(train_trace_open(&tt, &t, &to, sc->path, "", &err), TF_ERR_INPUT);
    to.every = 1;
    to.probe_src = bad;  /* an id outside the vocabulary */
    assert_int_equal(train_trace_open(&tt, &t, &to, sc->path, "", &err), TF_ERR_INPUT);
    to.probe_src = src;
    to.len_lo = 3;
    to.len_hi = 50;
    assert_int_equal(train_trace_open(&tt, &t, &to, sc->path, "", &err), TF_ERR_INPUT);
    to.len_lo = to.len_hi = 0;
    ok(train_trace_open(&tt, &t, &to, sc->path, "", &err), &err, "open");
    ok(trainer_step(&t, &err), &err, "step");
    ok(train_trace_step(tt, &t, &err), &err, "trace step");
    /* finishing early is an error, and takes the file with it */
    assert_int_equal(train_trace_finish(tt, &t, NULL, &err), TF_ERR_RUNTIME);
    assert_int_equal(scratch_count_files(sc->dir), 0);
    tt = NULL;
    ok(train_trace_open(&tt, &t, &to, sc->path, "", &err) == TF_OK ? TF_ERR_RUNTIME : TF_OK, &err,
       "a trace starts before the first update");
    trainer_free(&t);
    model_free(&m);
    task_dataset_free(&ds);
    assert_int_equal(scratch_count_files(sc->dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_snapshots_are_plain_runs, scratch_setup, scratch_teardown,
                                                 NULL),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test_prestate_setup_teardown(test_refusals_leave_nothing, scratch_setup, scratch_teardown,
                                                 "t.train.trace"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
