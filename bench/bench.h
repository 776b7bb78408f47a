/* bench.h — what the parts of `make bench` share: the clock, medians and
 * spreads, the PyTorch peer, and each part's entry point.
 *
 * Every figure is one "name: value unit (how it was taken)" line. A ratio
 * to an anchor is taken in rounds that alternate the two contenders, so
 * that a machine busy for a while slows both alike; it is printed as the
 * median ratio of the rounds with their lowest and highest beside it. */
#ifndef TF_BENCH_H
#define TF_BENCH_H

#include <stdio.h>
#include <sys/types.h>

#include "core/error.h"
#include "model/config.h"

double bench_now_ms(void);
/* Sorts v[0..n) and returns its median. */
double bench_median(double *v, int n);
/* "1.12 (0.98–1.31 over 7 rounds)" into buf: median, lowest and highest of
 * ratio[0..n), sorted in place. */
const char *bench_spread(char *buf, size_t cap, double *ratio, int n);
_Noreturn void bench_die(const Error *e);

/* The source tree (for viz/ and bench/torch_peer.py) and the program,
 * from this executable's path: BUILD/bench/bench beside BUILD/traceformer,
 * BUILD inside the tree. False when /proc/self/exe cannot be read. */
int bench_paths(char *tree, size_t tree_cap, char *prog, size_t prog_cap);

/* A vocabulary w0 … w(V−1), one source of T tokens and one target of
 * <START> + T − 1 tokens, max_len T. */
void bench_input(Config *c, int T, int vocab);
/* The paper's base model (6 + 6 layers, d_model 512, 8 heads, d_ff 2048)
 * with bench_input's sentences; the INI of the same model and input for
 * `traceformer run --config`. */
void bench_base_config(Config *c, int T, int vocab);
int bench_write_base_ini(const char *path, int T, int vocab);

/* PyTorch's side of a comparison: bench/torch_peer.py, one process per
 * thread count, started with OPENBLAS_NUM_THREADS = blas_threads and its
 * own intra-op pool at torch_threads (torch_peer.py says which is best). */
typedef struct {
    pid_t pid;
    FILE *to, *from;
    char facts[256];  /* its "ready" line: torch version, threads, kernel */
} Peer;

/* 0: running; -1: not available (no python3-torch), why in facts. */
int peer_start(Peer *p, const char *tree, int blas_threads, int torch_threads);
/* n forward passes, their times in ms into ms[0..n). -1 if the peer died. */
int peer_forward(Peer *p, int n, double *ms);
/* One generation of n tokens with a KV cache: mean ms per token. */
int peer_generate(Peer *p, int n, double *ms_per_token);
void peer_stop(Peer *p);

/* The parts, in the order main runs them. */
void bench_compare_forward(const char *tree, int threads);
void bench_compare_generate(const char *tree);
void bench_commands(const char *prog);

#endif
