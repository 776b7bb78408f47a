/* positions.c — sinusoidal tables, rotary embedding, T5 relative buckets. */
#include "model/positions.h"

#include <math.h>
#include <stddef.h>

void positions_sinusoidal_rows(float *pe, int pos0, int T, int d)
{
    /* Pair by pair, so that the pair's 10000^(2i/d) is one pow, not one
     * per row; the numbers are the same. */
    for (int i = 0; 2 * i < d; i++) {
        const double wavelength = pow(10000.0, (2.0 * i) / d);
        for (int r = 0; r < T; r++) {
            /* Computed in double and rounded once: the table is the
             * paper's formula, not an accumulation of float errors. */
            double angle = (pos0 + r) / wavelength;
            pe[(size_t)r * d + 2 * i] = (float)sin(angle);
            if (2 * i + 1 < d)
                pe[(size_t)r * d + 2 * i + 1] = (float)cos(angle);
        }
    }
}

void positions_sinusoidal(float *pe, int T, int d)
{
    positions_sinusoidal_rows(pe, 0, T, d);
}

/* θ_i = 10000^(−2i/dk), in double; pair i at position pos turns by
 * pos · θ_i. The rotation uses that double angle, not the float the trace
 * shows, so that a query rotated in a generation step equals the same
 * query rotated in a parallel pass bit for bit. The loops below take θ_i
 * once per pair, not once per entry. */
static double rope_theta(int i, int dk)
{
    return pow(10000.0, -2.0 * i / dk);
}

void positions_rope_angles(float *angles, int pos0, int T, int dk)
{
    const int pairs = dk / 2;
    for (int i = 0; i < pairs; i++) {
        const double theta = rope_theta(i, dk);
        for (int r = 0; r < T; r++)
            angles[(size_t)r * pairs + i] = (float)((pos0 + r) * theta);
    }
}

void positions_rope_rotate(float *out, const float *x, int pos0, int T, int dk)
{
    for (int i = 0; 2 * i + 1 < dk; i++) {
        const double theta = rope_theta(i, dk);
        for (int r = 0; r < T; r++) {
            const float *xr = x + (size_t)r * dk;
            float *o = out + (size_t)r * dk;
            const double a = (pos0 + r) * theta, c = cos(a), s = sin(a);
            const double x0 = xr[2 * i], x1 = xr[2 * i + 1];
            o[2 * i] = (float)(x0 * c - x1 * s);
            o[2 * i + 1] = (float)(x0 * s + x1 * c);
        }
    }
}

int positions_relative_bucket(int rel, int bidirectional, int num_buckets, int max_distance)
{
    int bucket = 0, n;
    if (bidirectional) {
        num_buckets /= 2;
        if (rel > 0)
            bucket += num_buckets;  /* keys after the query: the upper half */
        n = rel < 0 ? -rel : rel;
    } else {
        n = rel < 0 ? -rel : 0;  /* how far back the key lies */
    }
    const int max_exact = num_buckets / 2;
    if (n < max_exact)
        return bucket + n;
    /* As T5 computes it: the log in float32, divided by a double constant
     * rounded to float, truncated toward zero — so the buckets are T5's,
     * boundaries included. */
    float far = logf((float)n / (float)max_exact) / (float)log((double)max_distance / max_exact) *
                (float)(num_buckets - max_exact);
    int large = max_exact + (int)far;
    if (large > num_buckets - 1)
        large = num_buckets - 1;
    return bucket + large;
}

void positions_relative_buckets(float *buckets, int q0, int Tq, int Tk, int bidirectional, int num_buckets,
                                int max_distance)
{
    for (int i = 0; i < Tq; i++)
        for (int j = 0; j < Tk; j++)
            buckets[(size_t)i * Tk + j] =
                (float)positions_relative_bucket(j - (q0 + i), bidirectional, num_buckets, max_distance);
}

void positions_relative_bias(float *bias, const float *buckets, const float *table, int h, int Tq, int Tk)
{
    for (int hh = 0; hh < h; hh++)
        for (size_t ij = 0; ij < (size_t)Tq * Tk; ij++)
            bias[(size_t)hh * Tq * Tk + ij] = table[(size_t)buckets[ij] * h + hh];
}
