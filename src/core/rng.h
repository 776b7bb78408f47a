/* rng.h — a small deterministic random number generator (PCG32).
 *
 * Same seed, same numbers, on every machine: weight initialisation and
 * sampling must be reproducible bit for bit. */
#ifndef TF_CORE_RNG_H
#define TF_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t state;
    uint64_t inc;
} Rng;

void rng_seed(Rng *r, uint64_t seed, uint64_t stream);
uint32_t rng_u32(Rng *r);
/* Uniform in [0, 1), 24 random bits: every value is an exact float. */
float rng_uniform(Rng *r);
/* Uniform in [lo, hi). */
float rng_range(Rng *r, float lo, float hi);
/* out[0..n) = n draws of rng_range(r, lo, hi), the same numbers in the
 * same order, faster. */
void rng_fill_range(Rng *r, float *out, size_t n, float lo, float hi);
/* Uniform in [0, n), n ≥ 1, without modulo bias. */
uint32_t rng_below(Rng *r, uint32_t n);

#endif
