/* test_run_trace.c — run/run_trace.h: one model, one batch, one mode, one
 * trace. Each mode's records come out numbered in execution order, the
 * summary agrees with the file, the generator is handed back (or freed),
 * and a run that fails leaves no file behind. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../support/scratch.h"
#include "../support/tiny_model.h"
#include "model/batch.h"
#include "model/model.h"
#include "run/run_trace.h"
#include "trace/trace.h"

/* A small model and a batch of n sentences (1 or 2), with targets or not. */
typedef struct {
    Config cfg;
    Model m;
    Batch b;
} Setup;

static void setup_start(Setup *s, int n, int targets)
{
    memset(s, 0, sizeof *s);
    Config *c = &s->cfg;
    tiny_config(c, 8, 2, 12);
    const char *src[2] = {"猫 追 老鼠", "我 爱"}, *tgt[2] = {"cat chases mouse", "I love AI"};
    for (int i = 0; i < n; i++) {
        tiny_add_src(c, src[i]);
        if (targets)
            tiny_add_tgt(c, tgt[i]);
    }
    Error err = {0};
    if (config_validate(c, &err) != TF_OK)
        fail_msg("config: %s", err.msg);
    assert_int_equal(model_init_random(&s->m, c, &err), TF_OK);
    if (batch_build(&s->b, &s->m.cfg, &s->m.vocab, NULL, NULL, &err) != TF_OK)
        fail_msg("batch_build: %s", err.msg);
}

static void setup_end(Setup *s)
{
    batch_free(&s->b);
    model_free(&s->m);
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Open path and check what every trace of run_trace has: the meta as
 * given, the summary's record count, records numbered 0, 1, ... */
static TraceReader *open_checked(const char *path, const char *meta, const RunTraceSummary *sum)
{
    Error err = {0};
    TraceReader *r;
    if (trace_reader_open(&r, path, &err) != TF_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(trace_reader_meta(r), meta);
    assert_int_equal(trace_reader_count(r), sum->records);
    assert_true(sum->records > 0);
    assert_true(sum->bytes > 0 && sum->bytes < (uint64_t)file_size(path));  /* the index and footer follow */
    for (uint32_t i = 0; i < sum->records; i++) {
        TraceRecord tr;
        if (trace_reader_get(r, i, &tr, &err) != TF_OK)
            fail_msg("record %u: %s", i, err.msg);
        assert_int_equal(tr.rec.exec_index, i);
        trace_record_release(&tr);
    }
    return r;
}

static int starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static int count_prefix(const TraceReader *r, const char *prefix)
{
    int n = 0;
    for (uint32_t i = 0; i < trace_reader_count(r); i++)
        n += starts_with(trace_reader_name(r, i), prefix);
    return n;
}

/* Teacher forcing: the forward records with the loss last, no gradients. */
static void test_teacher_forcing(void **state)
{
    Scratch *sc = *state;
    Setup s;
    setup_start(&s, 2, 1);
    RunSpec spec = {RUN_TEACHER_FORCING, {0}};
    RunTraceSummary sum;
    Error err = {0};
    if (run_trace(&s.m, &s.b, &spec, sc->path, "run = test\n", NULL, &sum, &err) != TF_OK)
        fail_msg("%s", err.msg);
    TraceReader *r = open_checked(sc->path, "run = test\n", &sum);
    assert_string_equal(trace_reader_name(r, 0), "src.tokens");
    assert_string_equal(trace_reader_name(r, sum.records - 1), "loss");
    assert_int_equal(count_prefix(r, "grad."), 0);
    assert_int_equal(count_prefix(r, "gen."), 0);
    assert_int_equal(sum.n_weights, 0);
    trace_reader_close(r);
    setup_end(&s);
}

/* A training step: the same forward records, then the gradients; the
 * summary's loss is the loss record's, its norm that of the weight
 * gradient records together. */
static void test_train_step(void **state)
{
    Scratch *sc = *state;
    Setup s;
    setup_start(&s, 2, 1);
    Error err = {0};
    RunSpec forward = {RUN_TEACHER_FORCING, {0}};
    RunTraceSummary fsum;
    assert_int_equal(run_trace(&s.m, &s.b, &forward, sc->path, "", NULL, &fsum, &err), TF_OK);

    RunSpec spec = {RUN_TRAIN_STEP, {0}};
    RunTraceSummary sum;
    if (run_trace(&s.m, &s.b, &spec, sc->path, "", NULL, &sum, &err) != TF_OK)
        fail_msg("%s", err.msg);
    TraceReader *r = open_checked(sc->path, "", &sum);
    assert_true(sum.records > fsum.records);
    assert_string_equal(trace_reader_name(r, fsum.records - 1), "loss");
    assert_true(starts_with(trace_reader_name(r, fsum.records), "grad."));
    assert_int_equal(count_prefix(r, "grad."), (int)(sum.records - fsum.records));

    TraceRecord tr;
    assert_int_equal(trace_reader_get(r, fsum.records - 1, &tr, &err), TF_OK);
    assert_float_equal(tr.rec.data[0], sum.loss, 0.0f);
    trace_record_release(&tr);

    double sum_sq = 0;
    int weights = 0;
    for (uint32_t i = fsum.records; i < sum.records; i++) {
        const char *name = trace_reader_name(r, i);
        if (starts_with(name, "grad.enc.") || starts_with(name, "grad.dec.") || starts_with(name, "grad.norms."))
            continue;  /* the residual stream and the norms tables */
        assert_int_equal(trace_reader_get(r, i, &tr, &err), TF_OK);
        for (size_t k = 0; k < record_numel(&tr.rec); k++)
            sum_sq += (double)tr.rec.data[k] * (double)tr.rec.data[k];
        trace_record_release(&tr);
        weights++;
    }
    assert_int_equal(weights, sum.n_weights);
    assert_true(sum.grad_norm > 0);
    if (fabs(sqrt(sum_sq) - sum.grad_norm) > 1e-6 * sum.grad_norm)
        fail_msg("grad_norm %.9g, from the records %.9g", sum.grad_norm, sqrt(sum_sq));
    trace_reader_close(r);
    setup_end(&s);
}

/* Generation: the encoder, the steps, gen.tokens and gen.work last; the
 * generator handed back holds the sequence. With or without the cache the
 * same tokens come out; without a generator to hand back it is freed. */
static void test_generate(void **state)
{
    Scratch *sc = *state;
    Setup s;
    setup_start(&s, 1, 0);
    Error err = {0};
    RunSpec spec = {RUN_GENERATE, {.max_new = 3, .use_cache = true, .sample_seed = 1}};
    RunTraceSummary sum;
    Generator g;
    if (run_trace(&s.m, &s.b, &spec, sc->path, "", &g, &sum, &err) != TF_OK)
        fail_msg("%s", err.msg);
    TraceReader *r = open_checked(sc->path, "", &sum);
    assert_string_equal(trace_reader_name(r, 0), "src.tokens");
    assert_string_equal(trace_reader_name(r, sum.records - 2), "gen.tokens");
    assert_string_equal(trace_reader_name(r, sum.records - 1), "gen.work");
    assert_true(g.step >= 1);
    assert_true(g.n_seq == g.prompt_len + g.generated);
    char last[64];
    snprintf(last, sizeof last, "gen.%d.", g.step - 1);
    assert_true(count_prefix(r, last) > 0);
    TraceRecord cached;
    assert_int_equal(trace_reader_get(r, sum.records - 2, &cached, &err), TF_OK);

    char path2[400];
    snprintf(path2, sizeof path2, "%s/nocache.trace", sc->dir);
    spec.gen.use_cache = false;
    RunTraceSummary sum2;
    if (run_trace(&s.m, &s.b, &spec, path2, "", NULL, &sum2, &err) != TF_OK)
        fail_msg("%s", err.msg);
    TraceReader *r2 = open_checked(path2, "", &sum2);
    TraceRecord recomputed;
    assert_int_equal(trace_reader_get(r2, sum2.records - 2, &recomputed, &err), TF_OK);
    assert_int_equal(record_numel(&cached.rec), record_numel(&recomputed.rec));
    assert_memory_equal(cached.rec.data, recomputed.rec.data, record_numel(&cached.rec) * sizeof(float));
    trace_record_release(&recomputed);
    trace_record_release(&cached);
    trace_reader_close(r2);
    trace_reader_close(r);
    generator_free(&g);
    setup_end(&s);
}

/* Failures: no file, no temporary left behind. */
static void test_failure_leaves_nothing(void **state)
{
    Scratch *sc = *state;
    Error err = {0};
    Generator g;
    Setup s;

    setup_start(&s, 2, 0);  /* no targets: no loss to take the gradient of */
    RunSpec step = {RUN_TRAIN_STEP, {0}};
    assert_int_not_equal(run_trace(&s.m, &s.b, &step, sc->path, "", NULL, NULL, &err), TF_OK);
    RunSpec gen = {RUN_GENERATE, {.max_new = 2, .use_cache = true, .sample_seed = 1}};
    assert_int_equal(run_trace(&s.m, &s.b, &gen, sc->path, "", &g, NULL, &err), TF_ERR_INPUT);  /* two sentences */
    generator_free(&g);
    gen.gen.max_new = 0;
    setup_end(&s);
    setup_start(&s, 1, 0);
    assert_int_equal(run_trace(&s.m, &s.b, &gen, sc->path, "", NULL, NULL, &err), TF_ERR_INPUT);
    assert_int_equal(scratch_count_files(sc->dir), 0);

    char missing[400];
    snprintf(missing, sizeof missing, "%s/no/such/dir.trace", sc->dir);
    RunSpec forward = {RUN_TEACHER_FORCING, {0}};
    assert_int_equal(run_trace(&s.m, &s.b, &forward, missing, "", NULL, NULL, &err), TF_ERR_RUNTIME);
    gen.gen.max_new = 2;
    assert_int_equal(run_trace(&s.m, &s.b, &gen, missing, "", &g, NULL, &err), TF_ERR_RUNTIME);
    generator_free(&g);
    assert_int_equal(scratch_count_files(sc->dir), 0);
    setup_end(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_teacher_forcing, scratch_setup, scratch_teardown, "run.trace"),
        cmocka_unit_test_prestate_setup_teardown(test_train_step, scratch_setup, scratch_teardown, "run.trace"),
        cmocka_unit_test_prestate_setup_teardown(test_generate, scratch_setup, scratch_teardown, "run.trace"),
        cmocka_unit_test_prestate_setup_teardown(test_failure_leaves_nothing, scratch_setup, scratch_teardown,
                                                 "run.trace"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
