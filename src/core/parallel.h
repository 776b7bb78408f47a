/* parallel.h — the threads of a forward pass outside the BLAS.
 *
 * One number sets them all: the BLAS's own thread count (OpenBLAS reads
 * OPENBLAS_NUM_THREADS when it loads; openblas_set_num_threads changes it,
 * as make bench and training do). A pass at one thread runs every loop
 * here on the calling thread, as before. At more, work that is
 * independent across heads, rows or columns (the heads of an attention
 * block, the column chunks of a big product: core/linear.c) is shared
 * among that many OpenMP threads, while the BLAS itself runs on one. The
 * split is only ever into pieces that are computed the same way at one
 * thread, never inside a sum, so a pass gives the same bits at any count. */
#ifndef TF_CORE_PARALLEL_H
#define TF_CORE_PARALLEL_H

/* Threads for the loops outside the BLAS: the BLAS's count (OMP_NUM_THREADS
 * in a build without it), 1 without OpenMP. */
int parallel_threads(void);

/* For a region whose threads each call the BLAS on their own part: the
 * BLAS stays on the calling thread inside it (its pool would otherwise
 * fight the region's threads for the same cores), and parallel_blas_restore
 * gives the count back afterwards. Returns the count in force before. */
int parallel_blas_single(void);
void parallel_blas_restore(int threads);

#endif
