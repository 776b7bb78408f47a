/* compare.c — the base forward pass and cached generation, Traceformer
 * against PyTorch on the same machine, in alternating rounds.
 *
 * Both sides use the same OpenBLAS (Debian's, which python3-torch links)
 * with the same thread count and the kernel the environment selects
 * (OPENBLAS_CORETYPE, left as it is); each line names the threads and the
 * kernel each side reports. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "bench.h"
#include "core/simd.h"
#include "model/activations.h"
#include "model/batch.h"
#include "model/forward.h"
#include "model/generator.h"
#include "model/model.h"

/* Rounds of the forward comparison. On this class of machine (two shared
 * cores) one round's ratio scatters with a standard deviation of about
 * 0.1, and the median of n rounds wanders by about 1.25·0.1/√n from run to
 * run: with 9 rounds one build's medians ranged 0.89–1.02, with 21 still
 * 0.89–1.03. 61 rounds hold it to about ±0.03 (two deviations), for ~45 s
 * at one thread and ~30 s at two. */
enum { ROUNDS = 61, PER_ROUND = 3, GEN_ROUNDS = 5, GEN_TOKENS = 64, T = 64, VOCAB = 500 };

/* Between one side's turn and the other's: OpenBLAS's threads (and
 * PyTorch's OpenMP ones) spin for a while after their last call before they
 * sleep, and on two cores a spinning thread of one side would slow the
 * other. A pause lets them settle, so that each side has the machine. */
static void settle(void)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void our_threads(int threads, char *facts, size_t cap)
{
    openblas_set_num_threads(threads);
    snprintf(facts, cap, "%d OpenBLAS threads, kernel %s, elementwise %s", openblas_get_num_threads(),
             openblas_get_corename(), simd_level_name(simd_level()));
}

void bench_compare_forward(const char *tree, int threads)
{
    char name[64], ours[128], spread[96];
    snprintf(name, sizeof name, "base.forward_vs_pytorch_%dthread%s", threads, threads == 1 ? "" : "s");
    Peer peer;
    /* PyTorch as it runs fastest on these cores: its GEMMs on OpenBLAS's
     * threads, its own pool at one thread (torch_peer.py has the figures). */
    if (peer_start(&peer, tree, threads, 1)) {
        printf("%s: skipped (%s)\n", name, peer.facts);
        return;
    }
    our_threads(threads, ours, sizeof ours);
    Config *c = malloc(sizeof *c);
    Error err = {0};
    Model m;
    Batch b;
    Activations a;
    bench_base_config(c, T, VOCAB);
    if (config_validate(c, &err) || model_init_random(&m, c, &err) ||
        batch_build(&b, &m.cfg, &m.vocab, NULL, NULL, &err) || activations_init(&a, &m, &b, &err))
        bench_die(&err);
    model_forward(&m, &b, &a);  /* warm-up */
    double ratio[ROUNDS], mine[ROUNDS], theirs[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double t[PER_ROUND], u[PER_ROUND];
        for (int side = 0; side < 2; side++) {
            settle();
            if ((side == 0) == (r % 2 == 0)) {  /* ours first in even rounds */
                for (int k = 0; k < PER_ROUND; k++) {
                    double t0 = bench_now_ms();
                    model_forward(&m, &b, &a);
                    t[k] = bench_now_ms() - t0;
                }
            } else if (peer_forward(&peer, PER_ROUND, u)) {
                printf("%s: skipped (the PyTorch peer stopped answering)\n", name);
                goto out;
            }
        }
        mine[r] = bench_median(t, PER_ROUND);
        theirs[r] = bench_median(u, PER_ROUND);
        ratio[r] = mine[r] / theirs[r];
    }
    printf("%s: %s ratio (aim <= 1; Traceformer %.1f ms, PyTorch %.1f ms, medians of %d rounds of %d; "
           "ours: %s; PyTorch: %s)\n",
           name, bench_spread(spread, sizeof spread, ratio, ROUNDS), bench_median(mine, ROUNDS),
           bench_median(theirs, ROUNDS), ROUNDS, PER_ROUND, ours, peer.facts);
    fflush(stdout);
out:
    peer_stop(&peer);
    activations_free(&a);
    batch_free(&b);
    model_free(&m);
    free(c);
    openblas_set_num_threads(1);
}

/* Our side of a round: one greedy generation of GEN_TOKENS tokens with the
 * cache, records filled but not written; mean ms per token. */
static double our_generation(const Model *m, const Batch *b, const float *memory)
{
    const GenOptions o = {GEN_TOKENS, 0.0f, 0, 1, true};
    Error err = {0};
    Generator g;
    if (generator_init(&g, m, b, memory, &o, &err))
        bench_die(&err);
    double t0 = bench_now_ms();
    while (!g.done)
        if (generator_step(&g, &err))
            bench_die(&err);
    double ms = bench_now_ms() - t0;
    if (g.generated != GEN_TOKENS) {
        fprintf(stderr, "bench: generated %d tokens, not %d\n", g.generated, GEN_TOKENS);
        exit(1);
    }
    generator_free(&g);
    return ms / GEN_TOKENS;
}

void bench_compare_generate(const char *tree)
{
    const char *name = "base.generate64_cached_vs_pytorch";
    char ours[128], spread[96];
    Peer peer;
    if (peer_start(&peer, tree, 1, 1)) {
        printf("%s: skipped (%s)\n", name, peer.facts);
        return;
    }
    our_threads(1, ours, sizeof ours);
    Config *c = malloc(sizeof *c);
    Error err = {0};
    Model m;
    Batch b;
    Activations enc;
    bench_base_config(c, T, VOCAB);
    c->n_tgt = 0;
    c->max_len = GEN_TOKENS;  /* <START> and GEN_TOKENS − 1 generated tokens are read */
    if (config_validate(c, &err) || model_init_random(&m, c, &err) ||
        batch_build(&b, &m.cfg, &m.vocab, NULL, NULL, &err) || activations_init_encoder(&enc, &m, &b, &err))
        bench_die(&err);
    m.w.gen_b[TOK_END] = -1e30f;  /* random weights must not stop early: all steps run */
    model_encode(&m, &b, &enc);
    our_generation(&m, &b, enc.enc_memory);  /* warm-up */
    double ratio[GEN_ROUNDS], mine[GEN_ROUNDS], theirs[GEN_ROUNDS];
    for (int r = 0; r < GEN_ROUNDS; r++) {
        for (int side = 0; side < 2; side++) {
            settle();
            if ((side == 0) == (r % 2 == 0))
                mine[r] = our_generation(&m, &b, enc.enc_memory);
            else if (peer_generate(&peer, GEN_TOKENS, &theirs[r])) {
                printf("%s: skipped (the PyTorch peer stopped answering)\n", name);
                goto out;
            }
        }
        ratio[r] = mine[r] / theirs[r];
    }
    printf("%s: %s ratio (aim <= 0.6; per token: Traceformer %.2f ms, PyTorch %.2f ms, medians of %d "
           "generations of %d tokens after a %d-token source; ours: %s; PyTorch: %s)\n",
           name, bench_spread(spread, sizeof spread, ratio, GEN_ROUNDS), bench_median(mine, GEN_ROUNDS),
           bench_median(theirs, GEN_ROUNDS), GEN_ROUNDS, GEN_TOKENS, T, ours, peer.facts);
    fflush(stdout);
out:
    peer_stop(&peer);
    activations_free(&enc);
    batch_free(&b);
    model_free(&m);
    free(c);
}
