/* test_threads.c — a pass at two threads gives the bits of a pass at one.
 *
 * With more than one thread (core/parallel.h: the BLAS's count), the heads
 * of every attention block are shared among threads and the big products'
 * column chunks too. Neither may change a number: each head and each chunk
 * is computed with the same calls, on one BLAS thread, whichever thread
 * runs it. Every record of a forward pass is
 * compared bit for bit (not to a tolerance: a split that changed the order
 * of a sum would move the last bits and must fail here), under configs
 * that take each path of the heads (rope, the relative bias, an ablated
 * head, decoder-only) with products big enough to be split. The pool
 * itself (core/parallel.c) is checked first: no thread at one, every piece
 * once, pieces really on two threads, nested loops inline. */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cblas.h>

#include "../support/tiny_model.h"
#include "core/ops.h"
#include "core/parallel.h"
#include "model/activations.h"
#include "model/forward.h"

/* Big enough that the first feed-forward product (T·d·F = 16·128·2048)
 * is shared out in column chunks (core/linear.c: from 2^22 multiply-adds),
 * small enough to run in a blink; T = 16 on both sides. */
static void config_for_threads(Config *c)
{
    tiny_config(c, 128, 4, 2048);
    c->max_len = 32;
    tiny_add_src(c, "猫 追 老鼠 我 爱 AI 猫 追 老鼠 我 爱 AI 猫 追 老鼠 我");
    tiny_add_src(c, "我 爱 AI 猫 追 老鼠");
    tiny_add_tgt(c, "<START> cat chases mouse I love cat chases mouse I love cat chases mouse I love");
    tiny_add_tgt(c, "<START> I love");
}

/* One forward pass of c with the BLAS (and so the pass) at `threads`. */
static void run_at(TinyRun *r, const Config *c, int threads, uint64_t *macs)
{
    memset(r, 0, sizeof *r);
    r->cfg = *c;
    openblas_set_num_threads(threads);
    assert_int_equal(parallel_threads(), threads);
    const uint64_t before = linear_macs();
    tiny_run_forward(r, threads == 1 ? "one thread" : "two threads");
    *macs = linear_macs() - before;
    openblas_set_num_threads(1);
}

static void check_config(const Config *c)
{
    TinyRun *one = malloc(sizeof *one), *two = malloc(sizeof *two);
    assert_non_null(one);
    assert_non_null(two);
    uint64_t macs_one, macs_two;
    run_at(one, c, 1, &macs_one);
    run_at(two, c, 2, &macs_two);
    assert_true(parallel_workers_started() >= 1);  /* the pass did share */
    tiny_assert_same_bits(one, two, "at one thread", "at two");
    /* The work counted on the calling thread is the whole pass's, also
     * what the other thread computed. */
    assert_true(macs_one > 0);
    assert_true(macs_one == macs_two);
    tiny_run_free(one);
    tiny_run_free(two);
    free(one);
    free(two);
}

static void test_default_model(void **state)
{
    (void)state;
    static Config c;
    config_for_threads(&c);
    check_config(&c);
}

static void test_rope_gelu_pre_ln(void **state)
{
    (void)state;
    static Config c;
    config_for_threads(&c);
    c.positions = POS_ROPE;
    c.activation = ACT_GELU;
    c.norm = NORM_PRE;
    check_config(&c);
}

static void test_relative_bias_and_ablated_head(void **state)
{
    (void)state;
    static Config c;
    config_for_threads(&c);
    c.positions = POS_RELATIVE;
    c.n_ablated = 1;
    c.ablated[0] = (AblatedHead){ABLATE_DEC_CROSS, 1, 2, false};
    check_config(&c);
}

static void test_decoder_only(void **state)
{
    (void)state;
    static Config c;
    config_for_threads(&c);
    c.arch = ARCH_DECODER_ONLY;
    c.enc_layers = 0;
    c.n_src = 0;
    check_config(&c);
}

/* Run first, while the process has no worker yet: a pass at one thread
 * (and a parallel_for asked for one) starts none. */
static void test_one_thread_starts_no_thread(void **state)
{
    (void)state;
    static Config c;
    config_for_threads(&c);
    TinyRun *r = malloc(sizeof *r);
    assert_non_null(r);
    uint64_t macs;
    run_at(r, &c, 1, &macs);
    tiny_run_free(r);
    free(r);
    assert_int_equal(parallel_workers_started(), 0);
}

typedef struct {
    atomic_int *runs;      /* (pieces): how often each piece ran */
    atomic_int outside;    /* pieces that would have shared rows out again */
} CountJob;

static void count_piece(void *ctx, int i)
{
    CountJob *j = ctx;
    atomic_fetch_add(&j->runs[i], 1);
    if (parallel_row_threads((size_t)1 << 20) != 1)
        atomic_fetch_add(&j->outside, 1);
}

/* Many jobs back to back, of few and many pieces: each piece runs exactly
 * once per job (a worker late for one job must not run pieces of the next). */
static void test_pool_every_piece_once(void **state)
{
    (void)state;
    enum { MAX_PIECES = 300, JOBS = 2000 };
    static atomic_int runs[MAX_PIECES];
    openblas_set_num_threads(2);  /* so that rows would be shared outside a piece */
    for (int t = 0; t < JOBS; t++) {
        const int pieces = 1 + t % MAX_PIECES;
        for (int i = 0; i < pieces; i++)
            atomic_store(&runs[i], 0);
        CountJob job = {runs, 0};
        parallel_for(pieces, 2 + t % 3, count_piece, &job);
        for (int i = 0; i < pieces; i++)
            if (atomic_load(&runs[i]) != 1)
                fail_msg("job %d: piece %d of %d ran %d times", t, i, pieces, atomic_load(&runs[i]));
        assert_int_equal(atomic_load(&job.outside), 0);
    }
    assert_int_equal(parallel_row_threads((size_t)1 << 20), 2);
    openblas_set_num_threads(1);
    assert_true(parallel_workers_started() >= 1);
}

typedef struct {
    atomic_int arrived;
    pthread_t who[2];
    atomic_int met;        /* pieces that saw the other arrive */
} MeetJob;

static void meet_piece(void *ctx, int i)
{
    MeetJob *j = ctx;
    j->who[i] = pthread_self();
    atomic_fetch_add(&j->arrived, 1);
    /* Waits for the other piece: only another thread can run it meanwhile.
     * Bounded, so that a pool that runs pieces in turn fails rather than hangs. */
    for (long spins = 0; spins < 100000000L; spins++) {
        if (atomic_load(&j->arrived) == 2) {
            atomic_fetch_add(&j->met, 1);
            return;
        }
        if (spins % 1024 == 0)
            sched_yield();
    }
}

/* Two pieces at two threads run at the same time, on two threads. */
static void test_pool_runs_pieces_together(void **state)
{
    (void)state;
    MeetJob job = {0};
    parallel_for(2, 2, meet_piece, &job);
    assert_int_equal(atomic_load(&job.met), 2);
    assert_false(pthread_equal(job.who[0], job.who[1]));
}

typedef struct {
    atomic_int foreign;    /* nested pieces run on another thread than their loop's */
    atomic_int row_threads;
    atomic_int inner_runs;
} NestJob;

typedef struct {
    NestJob *outer;
    pthread_t self;
} InnerJob;

static void inner_piece(void *ctx, int i)
{
    (void)i;
    InnerJob *j = ctx;
    atomic_fetch_add(&j->outer->inner_runs, 1);
    if (!pthread_equal(pthread_self(), j->self))
        atomic_fetch_add(&j->outer->foreign, 1);
}

static void outer_piece(void *ctx, int i)
{
    (void)i;
    NestJob *j = ctx;
    InnerJob inner = {j, pthread_self()};
    parallel_for(8, 2, inner_piece, &inner);
    if (parallel_row_threads((size_t)1 << 20) != 1)
        atomic_fetch_add(&j->row_threads, 1);
}

/* A parallel_for inside a piece runs on the piece's thread, and rows inside
 * a piece are not shared out again. */
static void test_pool_nested_inline(void **state)
{
    (void)state;
    openblas_set_num_threads(2);
    NestJob job = {0};
    parallel_for(6, 2, outer_piece, &job);
    openblas_set_num_threads(1);
    assert_int_equal(atomic_load(&job.inner_runs), 6 * 8);
    assert_int_equal(atomic_load(&job.foreign), 0);
    assert_int_equal(atomic_load(&job.row_threads), 0);
}

/* One product in column chunks, at one thread and at two: m not a
 * multiple of the chunks' 256 columns, with and without a bias. */
static void test_split_product_same_bits(void **state)
{
    (void)state;
    enum { N = 16, K = 512, M = 1100 };  /* 9 011 200 multiply-adds: 5 chunks */
    float *a = malloc(sizeof(float) * N * K), *w = malloc(sizeof(float) * M * K), *bias = malloc(sizeof(float) * M);
    float *one = malloc(sizeof(float) * N * M), *two = malloc(sizeof(float) * N * M);
    assert_true(a && w && bias && one && two);
    uint32_t x = 12345;
    for (int i = 0; i < N * K; i++)
        a[i] = (float)((x = x * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f;
    for (int i = 0; i < M * K; i++)
        w[i] = (float)((x = x * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f;
    for (int i = 0; i < M; i++)
        bias[i] = (float)i / M;
    for (int with_bias = 0; with_bias < 2; with_bias++) {
        openblas_set_num_threads(1);
        linear_forward(one, a, w, with_bias ? bias : NULL, N, K, M);
        openblas_set_num_threads(2);
        linear_forward(two, a, w, with_bias ? bias : NULL, N, K, M);
        openblas_set_num_threads(1);
        assert_memory_equal(one, two, sizeof(float) * N * M);
    }
    free(a);
    free(w);
    free(bias);
    free(one);
    free(two);
}

/* LayerNorm and softmax of 64 rows of 512 (shared out by rows at two
 * threads), with a fully masked row, against one thread. */
static void test_rows_same_bits(void **state)
{
    (void)state;
    enum { N = 64, D = 512 };
    float *x = malloc(sizeof(float) * N * D), *g = malloc(sizeof(float) * D), *b = malloc(sizeof(float) * D);
    float *one = malloc(sizeof(float) * N * D), *two = malloc(sizeof(float) * N * D);
    assert_true(x && g && b && one && two);
    uint32_t r = 777;
    for (int i = 0; i < N * D; i++)
        x[i] = (float)((r = r * 1664525u + 1013904223u) >> 8) / 1048576.0f - 8.0f;
    for (int i = 0; i < D; i++) {
        g[i] = 1.0f + (float)i / D;
        b[i] = (float)i / (2 * D);
    }
    for (int i = 0; i < D; i++)
        x[5 * D + i] = -INFINITY;  /* a row with every key masked */

    openblas_set_num_threads(1);
    softmax_forward(one, x, N, D);
    openblas_set_num_threads(2);
    softmax_forward(two, x, N, D);
    assert_memory_equal(one, two, sizeof(float) * N * D);

    for (int i = 0; i < D; i++)
        x[5 * D + i] = (float)i;
    openblas_set_num_threads(1);
    layernorm_forward(one, x, g, b, N, D, 1e-5f);
    openblas_set_num_threads(2);
    layernorm_forward(two, x, g, b, N, D, 1e-5f);
    openblas_set_num_threads(1);
    assert_memory_equal(one, two, sizeof(float) * N * D);
    free(x);
    free(g);
    free(b);
    free(one);
    free(two);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_thread_starts_no_thread),
        cmocka_unit_test(test_pool_every_piece_once),
        cmocka_unit_test(test_pool_runs_pieces_together),
        cmocka_unit_test(test_pool_nested_inline),
        cmocka_unit_test(test_split_product_same_bits),
        cmocka_unit_test(test_rows_same_bits),
        cmocka_unit_test(test_default_model),
        cmocka_unit_test(test_rope_gelu_pre_ln),
        cmocka_unit_test(test_relative_bias_and_ablated_head),
        cmocka_unit_test(test_decoder_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
