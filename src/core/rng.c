/* rng.c — PCG32: Melissa O'Neill's PCG-XSH-RR with 64-bit state and 32-bit
 * output (https://www.pcg-random.org, pcg32_srandom_r / pcg32_random_r of the
 * minimal C library). The same seed and stream give the same numbers on
 * every machine and compiler: only 64-bit unsigned arithmetic, which wraps. */
#include "core/rng.h"

#include <math.h>

/* The 64-bit LCG multiplier from the PCG reference implementation. */
#define PCG32_MULT 6364136223846793005ULL

uint32_t rng_u32(Rng *r)
{
    uint64_t old = r->state;
    r->state = old * PCG32_MULT + r->inc;
    /* Output permutation XSH-RR: xorshift the high bits down, then rotate
     * by the top 5 bits of the old state. */
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

/* stream selects one of 2^63 independent sequences; the increment must be
 * odd. The seeding dance is the reference one, so our numbers equal the
 * PCG demo's for the same (seed, stream). */
void rng_seed(Rng *r, uint64_t seed, uint64_t stream)
{
    r->state = 0;
    r->inc = (stream << 1) | 1u;
    rng_u32(r);
    r->state += seed;
    rng_u32(r);
}

float rng_uniform(Rng *r)
{
    /* The top 24 bits times 2^−24: k/2^24 for k in [0, 2^24), every one an
     * exact float, evenly spaced, never 1.0. */
    return (float)(rng_u32(r) >> 8) * 0x1p-24f;
}

float rng_range(Rng *r, float lo, float hi)
{
    /* Needs lo < hi. In double so hi − lo cannot overflow; rounding the
     * result to float can still land on hi (e.g. lo = 0.1, hi = 0.3), so
     * that one case steps down to the float just below hi. */
    float v = (float)(lo + ((double)hi - lo) * rng_uniform(r));
    return v < hi ? v : nextafterf(hi, lo);
}

void rng_fill_range(Rng *r, float *out, size_t n, float lo, float hi)
{
    /* rng_range's arithmetic, n times over, with the state in a local the
     * compiler keeps in registers: the seeded weights of a base model are
     * 44 million draws, and this loop is most of a cold run's set-up. */
    Rng s = *r;
    const double span = (double)hi - lo;
    const float below_hi = nextafterf(hi, lo);
    for (size_t i = 0; i < n; i++) {
        float v = (float)(lo + span * rng_uniform(&s));
        out[i] = v < hi ? v : below_hi;
    }
    *r = s;
}

uint32_t rng_below(Rng *r, uint32_t n)
{
    /* Draws below 2^32 mod n are thrown back, so every residue of the rest
     * is equally likely (PCG's bounded_rand). */
    uint32_t threshold = (uint32_t)(-n) % n;
    for (;;) {
        uint32_t x = rng_u32(r);
        if (x >= threshold)
            return x % n;
    }
}
