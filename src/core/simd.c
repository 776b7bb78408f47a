/* simd.c — the run-time choice of simd.h. */
#include "core/simd.h"

#include <stdatomic.h>

/* −1 until first asked; then a SimdLevel. Threads that ask at once all
 * find the same answer, so a relaxed store is enough. */
static _Atomic int chosen = -1;

static SimdLevel best(void)
{
#if SIMD_HAVE_AVX2
    /* libgcc's check includes the operating system's: AVX2 only counts
     * where XGETBV shows the YMM registers saved across switches. */
    if (__builtin_cpu_supports("avx2"))
        return SIMD_AVX2;
#endif
    return SIMD_BASELINE;
}

SimdLevel simd_level(void)
{
    int level = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (level < 0) {
        level = (int)best();
        atomic_store_explicit(&chosen, level, memory_order_relaxed);
    }
    return (SimdLevel)level;
}

SimdLevel simd_force(SimdLevel level)
{
    const SimdLevel now = level == SIMD_AVX2 ? best() : SIMD_BASELINE;
    atomic_store_explicit(&chosen, (int)now, memory_order_relaxed);
    return now;
}

const char *simd_level_name(SimdLevel level)
{
#if SIMD_HAVE_AVX2
    return level == SIMD_AVX2 ? "AVX2" : "SSE2";
#else
    (void)level;
    return "baseline";
#endif
}
