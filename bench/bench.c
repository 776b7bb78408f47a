/* bench.c — `make bench`: the figures the engine is judged by, one
 * "name: value unit" line each, so that runs can be compared.
 *
 * For a tiny config and the paper's base config (6 + 6 layers, d_model
 * 512, 8 heads, d_ff 2048, source and target length 64): forward time
 * untraced and traced (median of several runs), trace size, write
 * throughput, and the process's peak memory; at the base config also the
 * generation of 64 tokens with and without the KV cache; the load time of
 * a 50,000-token vocabulary (.tfw and .npy). Timing varies on a shared
 * machine: read medians and ratios, not single runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>

#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/generator.h"
#include "model/model.h"
#include "model/weights_file.h"
#include "plot/plot.h"
#include "trace/trace.h"
#include "train/trainer.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void die(const Error *e)
{
    fprintf(stderr, "bench: %s\n", e->msg);
    exit(1);
}

/* A sentence of T tokens drawn from w0..w(V-1). */
static void sentence(char *out, size_t cap, int T, int V, int salt)
{
    size_t n = 0;
    for (int t = 0; t < T && n < cap; t++)
        n += (size_t)snprintf(out + n, cap - n, "%sw%d", t ? " " : "", (t * 37 + salt * 11) % V);
}

static void bench_config(const char *label, Config *c, int T, int vocab, int runs)
{
    size_t n = 0;
    for (int i = 0; i < vocab; i++)
        n += (size_t)snprintf(c->vocab + n, sizeof c->vocab - n, "%sw%d", i ? " " : "", i);
    c->n_src = c->n_tgt = 1;
    sentence(c->src[0], sizeof c->src[0], T, vocab, 1);
    /* the decoder reads <START> + target: T positions in all */
    int k = snprintf(c->tgt[0], sizeof c->tgt[0], "<START> ");
    sentence(c->tgt[0] + k, sizeof c->tgt[0] - (size_t)k, T - 1, vocab, 2);
    c->max_len = T;

    Error err = {0};
    Model m;
    Batch b;
    Activations a;
    if (config_validate(c, &err) || model_init_random(&m, c, &err) ||
        batch_build(&b, &m.cfg, &m.vocab, NULL, NULL, &err) || activations_init(&a, &m, &b, &err))
        die(&err);

    model_forward(&m, &b, &a);  /* warm-up: page in weights and activations */
    double *untraced = calloc((size_t)runs, sizeof *untraced);
    double *traced = calloc((size_t)runs, sizeof *traced);
    double *writing = calloc((size_t)runs, sizeof *writing);
    char path[] = "/tmp/traceformer-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    uint64_t bytes = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ms();
        model_forward(&m, &b, &a);
        untraced[r] = now_ms() - t0;

        t0 = now_ms();
        model_forward(&m, &b, &a);
        double t1 = now_ms();
        TraceWriter *w;
        if (trace_writer_open(&w, path, "bench", &err))
            die(&err);
        for (int i = 0; i < a.n_slots; i++) {
            Record rec;
            activations_record(&a, i, &rec);
            if (trace_writer_add(w, &rec, &err))
                die(&err);
        }
        bytes = trace_writer_bytes(w);
        if (trace_writer_finish(w, &err))
            die(&err);
        double t2 = now_ms();
        traced[r] = t2 - t0;
        writing[r] = t2 - t1;
    }
    /* Opening checks footer, header and index only: its cost follows the
     * number of records, not the size of the data. */
    double *opening = calloc((size_t)runs, sizeof *opening);
    for (int r = 0; r < runs; r++) {
        TraceReader *rd;
        double t0 = now_ms();
        if (trace_reader_open(&rd, path, &err))
            die(&err);
        opening[r] = now_ms() - t0;
        trace_reader_close(rd);
    }
    double mo = median(opening, runs);
    free(opening);
    unlink(path);
    double mu = median(untraced, runs), mt = median(traced, runs), mw = median(writing, runs);
    double mb = (double)bytes / 1e6;
    /* multiply-adds of one forward pass, to turn time into GFLOP/s */
    double d = c->d_model, F = c->d_ff, Tn = T, V = m.vocab.size;
    double enc = c->enc_layers * (4 * Tn * d * d + 2 * Tn * Tn * d + 2 * Tn * d * F);
    double dec = c->dec_layers * (4 * Tn * d * d + 2 * Tn * Tn * d + 4 * Tn * d * d + 2 * Tn * Tn * d + 2 * Tn * d * F);
    double gflop = 2 * (enc + dec + Tn * d * V) / 1e9;

    printf("%s.forward_untraced: %.2f ms (median of %d)\n", label, mu, runs);
    printf("%s.forward_gflops: %.1f GFLOP/s (%.4g GFLOP per pass)\n", label, gflop / (mu / 1e3), gflop);
    printf("%s.forward_traced: %.2f ms (median of %d)\n", label, mt, runs);
    printf("%s.trace_size: %.2f MB (%d records)\n", label, mb, a.n_slots);
    printf("%s.trace_write: %.0f MB/s\n", label, mb / (mw / 1e3));
    printf("%s.trace_open: %.3f ms (median of %d)\n", label, mo, runs);
    printf("%s.traced_vs_untraced_plus_1GBps: %.2f ratio (aim <= 1)\n", label, mt / (mu + mb));
    fflush(stdout);
    free(untraced);
    free(traced);
    free(writing);
    activations_free(&a);
    batch_free(&b);
    model_free(&m);
}

/* Generation of N tokens after the encoder has read a T-token source, with
 * the KV cache and recomputing the prefix every step: time per token (the
 * mean, and the last step's, where the two differ most), total, and the
 * multiply-adds the steps did, counted as they ran (generator_work's
 * prediction beside them: test_decode checks the two agree). Untraced: the step's records are filled but
 * not written. The encoder runs once before either and is not timed. */
static void bench_generate(const char *label, Config *c, int T, int vocab, int N, int runs)
{
    size_t n = 0;
    for (int i = 0; i < vocab; i++)
        n += (size_t)snprintf(c->vocab + n, sizeof c->vocab - n, "%sw%d", i ? " " : "", i);
    c->n_src = 1;
    c->n_tgt = 0;
    sentence(c->src[0], sizeof c->src[0], T, vocab, 1);
    c->max_len = N;  /* <START> and N − 1 generated tokens are read */

    Error err = {0};
    Model m;
    Batch b;
    Activations enc;
    if (config_validate(c, &err) || model_init_random(&m, c, &err) ||
        batch_build(&b, &m.cfg, &m.vocab, NULL, NULL, &err) || activations_init_encoder(&enc, &m, &b, &err))
        die(&err);
    m.w.gen_b[TOK_END] = -1e30f;  /* random weights must not stop early: all N steps run */
    model_encode(&m, &b, &enc);
    for (int cached = 1; cached >= 0; cached--) {
        const GenOptions o = {N, 0.0f, 0, 1, cached};
        double *total = calloc((size_t)runs, sizeof *total), *last = calloc((size_t)runs, sizeof *last);
        uint64_t macs = 0;
        for (int r = 0; r < runs; r++) {
            Generator g;
            if (generator_init(&g, &m, &b, enc.enc_memory, &o, &err))
                die(&err);
            double t0 = now_ms();
            while (!g.done) {
                double s0 = now_ms();
                if (generator_step(&g, &err))
                    die(&err);
                last[r] = now_ms() - s0;
            }
            total[r] = now_ms() - t0;
            if (g.generated != N) {
                fprintf(stderr, "bench: generated %d tokens, not %d\n", g.generated, N);
                exit(1);
            }
            macs = 0;
            for (int s = 0; s < g.step; s++)
                macs += g.work[s][0];  /* counted as the step ran */
            generator_free(&g);
        }
        const char *mode = cached ? "cached" : "recomputed";
        double mt = median(total, runs), ml = median(last, runs);
        printf("%s.generate%d_%s_total: %.1f ms (median of %d)\n", label, N, mode, mt, runs);
        printf("%s.generate%d_%s_per_token: %.2f ms (mean of %d steps)\n", label, N, mode, mt / N, N);
        printf("%s.generate%d_%s_last_step: %.2f ms (step %d, prefix of %d tokens)\n", label, N, mode, ml, N - 1, N);
        printf("%s.generate%d_%s_macs: %.4g multiply-adds (%.4g at step 0, %.4g at step %d)\n", label, N, mode,
               (double)macs, (double)generator_work(c, m.vocab.size, T, 0, cached),
               (double)generator_work(c, m.vocab.size, T, N - 1, cached), N - 1);
        fflush(stdout);
        free(total);
        free(last);
    }
    activations_free(&enc);
    batch_free(&b);
    model_free(&m);
}

/* Every default figure of one trace of the default example, drawn as
 * `traceformer plot TRACE -o DIR` draws them (gnuplot, one process per
 * figure): the median of 3 runs. The trace comes from the program itself
 * (build/traceformer run --lesson demo), found beside this benchmark. */
static void bench_plot(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');  /* BUILD/bench/bench → BUILD */
    if (!slash)
        return;
    *slash = '\0';
    if (!(slash = strrchr(exe, '/')))
        return;
    *slash = '\0';
    char prog[4200], tree[4096], viz[4200], dir[] = "/tmp/traceformer-bench-plot-XXXXXX";
    snprintf(prog, sizeof prog, "%s/traceformer", exe);
    snprintf(tree, sizeof tree, "%s", exe);
    slash = strrchr(tree, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(tree, sizeof tree, ".");
    snprintf(viz, sizeof viz, "%s/viz", tree);
    Error err = {0};
    if (plot_gnuplot_available(&err) != TF_OK) {
        printf("plot.demo_all_figures: skipped (%s)\n", err.msg);
        return;
    }
    if (!mkdtemp(dir))
        return;
    char trace[4200], out[4200];
    snprintf(trace, sizeof trace, "%s/demo.trace", dir);
    pid_t pid = fork();
    if (pid == 0) {
        execl(prog, prog, "run", "-q", "--lesson", "demo", "-o", trace, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("plot.demo_all_figures: skipped (%s run --lesson demo failed)\n", prog);
        return;
    }
    TraceReader *r;
    PlotFigureList figs = {0};
    if (trace_reader_open(&r, trace, &err) || plot_list_defaults(r, &figs, &err))
        die(&err);
    double t[3];
    for (int run = 0; run < 3; run++) {
        snprintf(out, sizeof out, "%s/run%d", dir, run);
        PlotOptions o;
        plot_options_init(&o, viz, out);
        double t0 = now_ms();
        for (size_t k = 0; k < figs.n; k++) {
            char written[4400];
            if (plot_figure(r, NULL, &figs.items[k], &o, written, sizeof written, &err))
                die(&err);
            unlink(written);
        }
        t[run] = now_ms() - t0;
        rmdir(out);
    }
    printf("plot.demo_all_figures: %.2f s (%zu figures, PNG, median of 3; aim < 5)\n", median(t, 3) / 1e3, figs.n);
    fflush(stdout);
    plot_list_free(&figs);
    trace_reader_close(r);
    unlink(trace);
    rmdir(dir);
}

/* Training each shipped task with its default model and options (as
 * `traceformer train --task NAME` does), for seeds 1, 2, 3: the training
 * time until the held-out split first reaches the goal (≥ 99% token
 * accuracy for copy and reverse, ≥ 95% exact-match sentences for the
 * phrasebook), checked every 25 steps, and the training tokens per second.
 * Evaluation time is not counted; medians over the seeds. */
static void bench_train(void)
{
    const struct {
        TaskKind kind;
        int exact;       /* goal on exact match instead of token accuracy */
        double goal;
    } tasks[] = {{TASK_COPY, 0, 0.99}, {TASK_REVERSE, 0, 0.99}, {TASK_PHRASEBOOK, 1, 0.95}};
    enum { SEEDS = 3, EVERY = 25 };
    for (size_t k = 0; k < sizeof tasks / sizeof *tasks; k++) {
        double secs[SEEDS], tps[SEEDS];
        int steps_at[SEEDS], limit = 0;
        for (int s = 0; s < SEEDS; s++) {
            Error err = {0};
            TrainOptions o;
            train_options_default(&o, tasks[k].kind);
            o.seed = (uint64_t)s + 1;
            o.steps *= 4;  /* an upper limit: training stops at the goal */
            limit = o.steps;
            TaskOptions to;
            task_options_default(&to, tasks[k].kind, o.seed);
            Dataset ds;
            Config *c = malloc(sizeof *c);
            Model m;
            Trainer t;
            if (!c || task_dataset_generate(&ds, &to, &err))
                die(&err);
            train_config_default(c, tasks[k].kind);
            if (train_config_fit(c, &ds, o.seed, &err) || config_validate(c, &err) || model_init_random(&m, c, &err) ||
                trainer_init(&t, &m, &ds, &o, &err))
                die(&err);
            double train_ms = 0;
            secs[s] = -1;
            steps_at[s] = -1;
            while (t.step < o.steps) {
                double t0 = now_ms();
                for (int i = 0; i < EVERY; i++)
                    if (trainer_step(&t, &err))
                        die(&err);
                train_ms += now_ms() - t0;
                EvalResult r;
                if (train_evaluate(&m, ds.heldout, ds.n_heldout, tasks[k].exact, &r, &err))
                    die(&err);
                if ((tasks[k].exact ? r.exact_match : r.token_accuracy) >= tasks[k].goal) {
                    secs[s] = train_ms / 1e3;
                    steps_at[s] = (int)t.step;
                    break;
                }
            }
            tps[s] = (double)t.tokens / (train_ms / 1e3);
            trainer_free(&t);
            model_free(&m);
            task_dataset_free(&ds);
            free(c);
        }
        const char *name = task_name(tasks[k].kind);
        int reached = 1;
        for (int s = 0; s < SEEDS; s++)
            reached &= secs[s] >= 0;
        char per_seed[128];
        snprintf(per_seed, sizeof per_seed, "steps %d, %d, %d for seeds 1-3", steps_at[0], steps_at[1], steps_at[2]);
        if (reached)
            printf("train.%s.time_to_%s: %.2f s (median of %d seeds; %s; aim < 60)\n", name,
                   tasks[k].exact ? "95pct_exact_match" : "99pct_token_accuracy", median(secs, SEEDS), SEEDS, per_seed);
        else
            printf("train.%s.time_to_%s: not reached within %d steps (%s)\n", name,
                   tasks[k].exact ? "95pct_exact_match" : "99pct_token_accuracy", limit, per_seed);
        printf("train.%s.tokens_per_second: %.0f tokens/s (median of %d seeds, one thread)\n", name, median(tps, SEEDS),
               SEEDS);
        fflush(stdout);
    }
}

/* Loading a model with a real tokenizer's vocabulary: 50,000 tokens from a
 * .tfw and from an .npy directory's vocab.txt (a linear scan per token
 * once made these seconds; aim well under a second). The model is tiny so
 * that the vocabulary is what is timed. */
static void bench_vocab(void)
{
    enum { TOKENS = 50000, RUNS = 3 };
    char dir[] = "/tmp/traceformer-bench-vocab-XXXXXX", tfw[64], npy[64], path[256];
    if (!mkdtemp(dir)) {
        printf("vocab.load.50k: skipped (no temporary directory)\n");
        return;
    }
    snprintf(tfw, sizeof tfw, "%s/v.tfw", dir);
    snprintf(npy, sizeof npy, "%s/npy", dir);
    Model *m = calloc(1, sizeof *m), *back = calloc(1, sizeof *back);
    Error err;
    config_defaults(&m->cfg);
    m->cfg.d_model = 8;
    m->cfg.heads = 2;
    m->cfg.d_ff = 8;
    m->cfg.enc_layers = m->cfg.dec_layers = 1;
    vocab_init(&m->vocab);
    char tok[32];
    for (int i = 0; m->vocab.size < TOKENS; i++) {
        snprintf(tok, sizeof tok, "w%d", i);
        if (vocab_add(&m->vocab, tok, &err) < 0)
            die(&err);
    }
    if (weights_alloc(&m->w, &m->cfg, m->vocab.size, &err))
        die(&err);
    weights_init(&m->w, &m->cfg, m->vocab.size);
    if (weights_save_tfw(m, tfw, &err) || weights_export_npy(m, npy, &err))
        die(&err);
    double t[2][RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ms();
        if (weights_load_tfw(back, tfw, NULL, &err))
            die(&err);
        t[0][r] = now_ms() - t0;
        model_free(back);
        t0 = now_ms();
        if (weights_import_npy(back, npy, &m->cfg, &err))
            die(&err);
        t[1][r] = now_ms() - t0;
        model_free(back);
    }
    printf("vocab.load.50k: %.1f ms (.tfw of %d tokens, d_model 8, median of %d; aim < 1000)\n", median(t[0], RUNS),
           TOKENS, RUNS);
    printf("vocab.import.50k: %.1f ms (.npy directory, vocab.txt of %d lines, median of %d; aim < 1000)\n",
           median(t[1], RUNS), TOKENS, RUNS);
    fflush(stdout);
    /* remove what was written: the .tfw, and the directory's files */
    WeightEntry *e;
    int n = weights_entries(&m->cfg, m->vocab.size, &m->w, &e);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s.npy", npy, e[i].name);
        unlink(path);
    }
    free(e);
    snprintf(path, sizeof path, "%s/vocab.txt", npy);
    unlink(path);
    snprintf(path, sizeof path, "%s/config.ini", npy);
    unlink(path);
    rmdir(npy);
    unlink(tfw);
    rmdir(dir);
    model_free(m);
    free(m);
    free(back);
}

int main(void)
{
    printf("blas_threads: %d threads (OpenBLAS; set OPENBLAS_NUM_THREADS to change)\n",
           openblas_get_num_threads());
    Config *c = malloc(sizeof *c);
    config_defaults(c);
    c->d_model = 32;
    c->heads = 4;
    c->d_ff = 64;
    c->enc_layers = c->dec_layers = 2;
    bench_config("tiny", c, 8, 20, 51);
    bench_vocab();

    config_defaults(c);
    c->d_model = 512;
    c->heads = 8;
    c->d_ff = 2048;
    c->enc_layers = c->dec_layers = 6;
    bench_config("base", c, 64, 500, 11);

    config_defaults(c);
    c->d_model = 512;
    c->heads = 8;
    c->d_ff = 2048;
    c->enc_layers = c->dec_layers = 6;
    bench_generate("base", c, 64, 500, 64, 3);

    bench_plot();

    bench_train();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_memory: %.1f MB\n", ru.ru_maxrss / 1024.0);
    free(c);
    return 0;
}
