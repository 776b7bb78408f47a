/* simd.h — which vector instructions the elementwise kernels run with.
 *
 * The build targets baseline x86-64 (SSE2), so that one binary runs on any
 * x86-64 machine. Where the CPU has AVX2 (nearly every x86-64 since 2013),
 * the hot elementwise kernels — softmax rows, LayerNorm rows, residual
 * adds, scaling, ReLU, GELU — run a second copy of the same C compiled for
 * AVX2, chosen once at run time: eight floats (four doubles) an
 * instruction instead of four (two).
 *
 * Same bits either way. Both copies are compiled from one body; the
 * kernels keep their sums in explicit lanes (LANES in softmax.c and
 * layernorm.c), which fix the order of every addition whatever the vector
 * width, and no a·b + c becomes one fused multiply-add, rounded once
 * instead of twice: the AVX2 copy is compiled without FMA (and -std=c11
 * turns contraction off besides).
 * tests/unit/test_simd.c holds the two copies to the same bits, kernel by
 * kernel and over whole forward passes.
 *
 * Elsewhere (another architecture, another compiler) there is one copy. */
#ifndef TF_CORE_SIMD_H
#define TF_CORE_SIMD_H

typedef enum {
    SIMD_BASELINE, /* what the build targets: SSE2 on x86-64 */
    SIMD_AVX2,
} SimdLevel;

/* The level the kernels run at: AVX2 when the CPU (and the operating
 * system, which must save its registers) supports it, unless
 * simd_force chose otherwise. */
SimdLevel simd_level(void);

/* Run the kernels at LEVEL from now on, for tests and measurements;
 * returns the level now in effect (the baseline when LEVEL is AVX2 and the
 * CPU lacks it). Not for use while another thread runs a kernel. */
SimdLevel simd_force(SimdLevel level);

/* The name of a level, for reports: "SSE2", "AVX2". */
const char *simd_level_name(SimdLevel level);

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define SIMD_HAVE_AVX2 1
#else
#define SIMD_HAVE_AVX2 0
#endif

/* A kernel body, written once as `static SIMD_BODY void NAME(...)`, is
 * inlined whole into each copy, so each copy compiles all of it (helpers
 * it calls included, when they are SIMD_BODY too) for its own target. */
#if defined(__GNUC__)
#define SIMD_BODY inline __attribute__((always_inline))
#else
#define SIMD_BODY inline
#endif

/* SIMD_COPIES(NAME, (params), (args)) defines NAME_baseline and, where
 * AVX2 exists, NAME_avx2: static functions that each run the body NAME.
 * SIMD_RUN(NAME, (args)) calls the copy for simd_level(). */
#if SIMD_HAVE_AVX2
#define SIMD_COPIES(name, params, args)                                        \
    static void name##_baseline params { name args; }                          \
    __attribute__((target("avx2"))) static void name##_avx2 params { name args; }
#define SIMD_RUN(name, args)                                                   \
    (simd_level() == SIMD_AVX2 ? name##_avx2 args : name##_baseline args)
#else
#define SIMD_COPIES(name, params, args)                                        \
    static void name##_baseline params { name args; }
#define SIMD_RUN(name, args) name##_baseline args
#endif

#endif
