/* bench.c — `make bench`: the figures the engine is judged by, one
 * "name: value unit" line each, so that runs can be compared.
 *
 * For a tiny config and the paper's base config (6 + 6 layers, d_model
 * 512, 8 heads, d_ff 2048, source and target length 64): forward time
 * untraced and traced (median of several runs), trace size, write
 * throughput, and the process's peak memory. Timing varies on a shared
 * machine: read medians and ratios, not single runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>

#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/model.h"
#include "trace/trace.h"

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
    sentence(c->tgt[0], sizeof c->tgt[0], T, vocab, 2);
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

    config_defaults(c);
    c->d_model = 512;
    c->heads = 8;
    c->d_ff = 2048;
    c->enc_layers = c->dec_layers = 6;
    bench_config("base", c, 64, 500, 11);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_memory: %.1f MB\n", ru.ru_maxrss / 1024.0);
    free(c);
    return 0;
}
