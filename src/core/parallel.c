/* parallel.c — the thread count of the loops outside the BLAS. */
#include "core/parallel.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#ifndef TF_NO_BLAS
#include <cblas.h>
#endif

int parallel_threads(void)
{
#ifndef _OPENMP
    return 1;
#elif defined(TF_NO_BLAS)
    return omp_get_max_threads();
#else
    const int n = openblas_get_num_threads();
    return n > 1 ? n : 1;
#endif
}

/* Below this many values a loop over rows stays on one thread: a
 * LayerNorm of 64 rows of 512 (32 768 values, some 30 µs) is shared out;
 * the rows of a lesson's model (a few thousand values) are not. */
#define PARALLEL_ROW_MIN_NUMEL ((size_t)1 << 14)

int parallel_row_threads(size_t numel)
{
    if (numel < PARALLEL_ROW_MIN_NUMEL)
        return 1;
#ifdef _OPENMP
    if (omp_in_parallel())
        return 1;
#endif
    return parallel_threads();
}

int parallel_blas_single(void)
{
#ifdef TF_NO_BLAS
    return 1;
#else
    const int before = openblas_get_num_threads();
    if (before != 1)
        openblas_set_num_threads(1);
    return before;
#endif
}

void parallel_blas_restore(int threads)
{
#ifdef TF_NO_BLAS
    (void)threads;
#else
    if (threads > 1)
        openblas_set_num_threads(threads);
#endif
}
