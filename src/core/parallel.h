/* parallel.h — the threads of a forward pass outside the BLAS.
 *
 * One number sets them all: the BLAS's own thread count (OpenBLAS reads
 * OPENBLAS_NUM_THREADS when it loads; openblas_set_num_threads changes it,
 * as make bench and training do). A pass at one thread runs every loop
 * here on the calling thread, as before. At more, work that is
 * independent across heads, rows or columns (the heads of an attention
 * block, the column chunks of a big product: core/linear.c, the rows of
 * layernorm and softmax) is shared
 * among that many OpenMP threads, while the BLAS itself runs on one. The
 * split is only ever into pieces that are computed the same way at one
 * thread, never inside a sum, so a pass gives the same bits at any count. */
#ifndef TF_CORE_PARALLEL_H
#define TF_CORE_PARALLEL_H

#include <stddef.h>

/* Threads for the loops outside the BLAS: the BLAS's count (OMP_NUM_THREADS
 * in a build without it), 1 without OpenMP. */
int parallel_threads(void);

/* Threads for a loop over the rows of a tensor of `numel` values: 1 for a
 * small one (waking another thread costs a few microseconds, the rows of a
 * lesson's model less) and inside a parallel region (whose thread already
 * does its share), parallel_threads() otherwise. */
int parallel_row_threads(size_t numel);

/* For a region whose threads each call the BLAS on their own part: the
 * BLAS stays on the calling thread inside it (its pool would otherwise
 * fight the region's threads for the same cores), and parallel_blas_restore
 * gives the count back afterwards. Returns the count in force before. */
int parallel_blas_single(void);
void parallel_blas_restore(int threads);

#endif
