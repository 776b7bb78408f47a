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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../support/scratch.h"
#include "../support/tiny_model.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "run/run_labels.h"
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

/* The configs a streamed teacher-forced trace is checked on: each layer
 * kind and norm placement, each place positions act, the optional slots. */
typedef enum {
    VARIANT_POST_LN,      /* the paper's: post-LN, sinusoids */
    VARIANT_PRE_LN,       /* pre-LN with final norms, relative positions */
    VARIANT_DECODER_ONLY, /* decoder-only layers, rotary positions */
    VARIANT_DECODER_ONLY_PRE_LN, /* decoder-only layers, pre-LN, no positions */
    VARIANT_NO_RESIDUAL,  /* residual = off, learned positions, three layers a stack */
    VARIANT_COUNT
} Variant;

static void setup_variant(Setup *s, Variant v)
{
    memset(s, 0, sizeof *s);
    Config *c = &s->cfg;
    tiny_config(c, 8, 2, 12);
    const char *src[2] = {"猫 追 老鼠", "我 爱"}, *tgt[2] = {"cat chases mouse", "I love AI"};
    for (int i = 0; i < 2; i++) {
        tiny_add_src(c, src[i]);
        if (v != VARIANT_DECODER_ONLY && v != VARIANT_DECODER_ONLY_PRE_LN)
            tiny_add_tgt(c, tgt[i]);
    }
    switch (v) {
    case VARIANT_PRE_LN:
        c->norm = NORM_PRE;
        c->final_norm = true;
        c->positions = POS_RELATIVE;
        break;
    case VARIANT_DECODER_ONLY:
        c->arch = ARCH_DECODER_ONLY;
        c->enc_layers = 0;
        c->positions = POS_ROPE;
        break;
    case VARIANT_DECODER_ONLY_PRE_LN:
        c->arch = ARCH_DECODER_ONLY;
        c->enc_layers = 0;
        c->norm = NORM_PRE;
        c->final_norm = true;
        c->positions = POS_NONE;
        break;
    case VARIANT_NO_RESIDUAL:
        c->residual = false;
        c->positions = POS_LEARNED;
        c->enc_layers_wanted = c->dec_layers = 3;
        break;
    default: break;
    }
    Error err = {0};
    if (config_validate(c, &err) != TF_OK)
        fail_msg("config: %s", err.msg);
    assert_int_equal(model_init_random(&s->m, c, &err), TF_OK);
    if (batch_build(&s->b, &s->m.cfg, &s->m.vocab, NULL, NULL, &err) != TF_OK)
        fail_msg("batch_build: %s", err.msg);
}

/* The teacher-forced trace as it was written before records were streamed:
 * the whole pass into one arena with a slot for every layer, then every
 * slot, labelled, in order. */
static void write_whole_pass(const Setup *s, const char *path, const char *meta)
{
    Error err = {0};
    Activations a;
    assert_int_equal(activations_init(&a, &s->m, &s->b, &err), TF_OK);
    model_forward(&s->m, &s->b, &a);
    RunLabels rl;
    assert_int_equal(run_labels_attach(&rl, &a, &err), TF_OK);
    TraceWriter *w;
    assert_int_equal(trace_writer_open(&w, path, meta, &err), TF_OK);
    for (int i = 0; i < a.n_slots; i++) {
        Record rec;
        activations_record(&a, i, &rec);
        if (trace_writer_add(w, &rec, &err) != TF_OK)
            fail_msg("%s", err.msg);
    }
    assert_int_equal(trace_writer_finish(w, &err), TF_OK);
    run_labels_free(&rl);
    activations_free(&a);
}

static void *read_whole(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    *size = (size_t)file_size(path);
    void *p = malloc(*size ? *size : 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, *size, f), *size);
    fclose(f);
    return p;
}

/* A teacher-forced run streams each layer's records as the layer finishes,
 * its layers sharing one layer's memory: the file is the one the whole
 * pass writes, byte for byte (names, order, numbering, values, labels),
 * for two sentences, in every variant: every table of layer steps
 * (model/layer_steps.h), whose order lets a layer overwrite its input. */
static void test_teacher_forcing_streamed(void **state)
{
    Scratch *sc = *state;
    char whole[400];
    snprintf(whole, sizeof whole, "%s/whole.trace", sc->dir);
    for (int v = 0; v < VARIANT_COUNT; v++) {
        Setup s;
        setup_variant(&s, (Variant)v);
        RunSpec spec = {RUN_TEACHER_FORCING, {0}};
        RunTraceSummary sum;
        Error err = {0};
        if (run_trace(&s.m, &s.b, &spec, sc->path, "run = test\n", NULL, &sum, &err) != TF_OK)
            fail_msg("variant %d: %s", v, err.msg);
        write_whole_pass(&s, whole, "run = test\n");
        size_t n_streamed, n_whole;
        unsigned char *streamed = read_whole(sc->path, &n_streamed), *expected = read_whole(whole, &n_whole);
        assert_int_equal(n_streamed, n_whole);
        for (size_t i = 0; i < n_whole; i++)
            if (streamed[i] != expected[i])
                fail_msg("variant %d: byte %zu of %zu differs (%u, expected %u)", v, i, n_whole, streamed[i],
                         expected[i]);
        free(streamed);
        free(expected);
        setup_end(&s);
    }
}

/* Runs, in a child process, a teacher-forced trace of six encoder and six
 * decoder layers over one sentence of T tokens into path; its peak
 * resident memory in KB, or −1 when the child failed. */
static long streamed_run_peak_kb(const char *path, int T)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {  /* no cmocka here: a failed check exits with 1 */
        Setup s;
        memset(&s, 0, sizeof s);
        Config *c = &s.cfg;
        tiny_config(c, 32, 8, 64);
        c->enc_layers_wanted = c->dec_layers = 6;
        c->max_len = T;
        char text[2 * 256 + 1] = "";
        for (int i = 0; i < T - 1 && i < 256; i++)
            strcat(text, i ? " I" : "I");  /* the decoder's T rows: <START> and T − 1 words */
        tiny_add_tgt(c, text);
        strcat(text, " I");
        tiny_add_src(c, text);
        Error err = {0};
        RunSpec spec = {RUN_TEACHER_FORCING, {0}};
        const int ok = config_validate(c, &err) == TF_OK && model_init_random(&s.m, c, &err) == TF_OK &&
                       batch_build(&s.b, &s.m.cfg, &s.m.vocab, NULL, NULL, &err) == TF_OK &&
                       run_trace(&s.m, &s.b, &spec, path, "", NULL, NULL, &err) == TF_OK;
        if (!ok)
            fprintf(stderr, "streamed run of %d tokens: %s\n", T, err.msg);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return ru.ru_maxrss;
}

/* The property at a size a test can afford: a teacher-forced run's
 * memory does not grow with its trace. Doubling the tokens quadruples the
 * attention records: the trace grows by 55 MB. Holding every record (as
 * the run did) raised the peak by as much (24 MB, then 81 MB); holding one
 * layer's worth raises it by ~8 MB (7 MB, then 15 MB). Memory, not time:
 * the peak is the child's getrusage. Skipped under AddressSanitizer, whose
 * shadow memory and quarantine make resident memory say nothing about the
 * program's. */
static void test_teacher_forcing_memory_flat(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)state;
    skip();
#else
    Scratch *sc = *state;
    char small[400], big[400];
    snprintf(small, sizeof small, "%s/small.trace", sc->dir);
    snprintf(big, sizeof big, "%s/big.trace", sc->dir);
    const long kb_small = streamed_run_peak_kb(small, 100), kb_big = streamed_run_peak_kb(big, 200);
    assert_true(kb_small > 0 && kb_big > 0);
    const double grown_mb = (double)(kb_big - kb_small) / 1024.0;
    const double trace_mb = (double)(file_size(big) - file_size(small)) / (1024.0 * 1024.0);
    assert_true(trace_mb > 50);  /* the sizes still show the property */
    if (grown_mb > trace_mb / 4)
        fail_msg("peak memory grew by %.1f MB while the trace grew by %.1f MB (%ld KB, then %ld KB)", grown_mb,
                 trace_mb, kb_small, kb_big);
#endif
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
        cmocka_unit_test_prestate_setup_teardown(test_teacher_forcing_streamed, scratch_setup, scratch_teardown,
                                                 "run.trace"),
        cmocka_unit_test_prestate_setup_teardown(test_teacher_forcing_memory_flat, scratch_setup, scratch_teardown,
                                                 "run.trace"),
        cmocka_unit_test_prestate_setup_teardown(test_train_step, scratch_setup, scratch_teardown, "run.trace"),
        cmocka_unit_test_prestate_setup_teardown(test_generate, scratch_setup, scratch_teardown, "run.trace"),
        cmocka_unit_test_prestate_setup_teardown(test_failure_leaves_nothing, scratch_setup, scratch_teardown,
                                                 "run.trace"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
