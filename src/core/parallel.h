/* parallel.h — the threads of a forward pass outside the BLAS.
 *
 * One number sets them all: the BLAS's own thread count (OpenBLAS reads
 * OPENBLAS_NUM_THREADS when it loads; openblas_set_num_threads changes it,
 * as make bench and training do). A pass at one thread runs every loop
 * here on the calling thread, as before, and starts no thread. At more,
 * work that is independent across heads, rows or columns (the heads of an
 * attention block, the column chunks of a big product: core/linear.c, the
 * rows of layernorm and softmax) is shared among that many threads of a
 * small pool of our own, while the BLAS itself runs on one. The split is
 * only ever into pieces that are computed the same way at one thread,
 * never inside a sum, so a pass gives the same bits at any count.
 *
 * Why not OpenMP: libgomp's idle threads spin for a long while after each
 * loop (OMP_WAIT_POLICY, read once when it loads). On a quiet machine that
 * is fast; on a laptop with a browser open the spinning threads take the
 * cores the pass needs, and a two-thread base forward took several times
 * as long. The pool's workers spin only some tens of microseconds (the gap
 * between two loops of a pass) and then sleep. */
#ifndef TF_CORE_PARALLEL_H
#define TF_CORE_PARALLEL_H

#include <stddef.h>

/* Threads for the loops outside the BLAS: the BLAS's count, 1 in a build
 * without it. */
int parallel_threads(void);

/* Threads for a loop over the rows of a tensor of `numel` values: 1 for a
 * small one (waking another thread costs a few microseconds, the rows of a
 * lesson's model less) and inside a parallel_for piece (whose thread
 * already does its share), parallel_threads() otherwise. */
int parallel_row_threads(size_t numel);

/* One piece of a parallel_for: piece is in [0, pieces). */
typedef void (*ParallelPiece)(void *ctx, int piece);

/* Calls piece(ctx, i) once for every i in [0, pieces), on up to `threads`
 * threads: the calling thread and threads - 1 of the pool's workers, which
 * start on the first call that needs them. Pieces are handed out one at a
 * time, so a worker the system has not yet woken leaves its share to the
 * others; they must not depend on each other or on which thread runs them.
 * Runs every piece on the calling thread, in order, when threads <= 1, when
 * called from inside a piece (a nested loop), or when another thread of the
 * program has the pool. Returns when every piece has returned. */
void parallel_for(int pieces, int threads, ParallelPiece piece, void *ctx);

/* How many worker threads the pool has started so far (they are never
 * stopped): 0 until a parallel_for at more than one thread. */
int parallel_workers_started(void);

/* For a region whose threads each call the BLAS on their own part: the
 * BLAS stays on the calling thread inside it (its pool would otherwise
 * fight the region's threads for the same cores), and parallel_blas_restore
 * gives the count back afterwards. Returns the count in force before. */
int parallel_blas_single(void);
void parallel_blas_restore(int threads);

#endif
