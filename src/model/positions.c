/* positions.c — the sinusoidal positional encoding. */
#include "model/positions.h"

#include <math.h>

void positions_sinusoidal(float *pe, int T, int d)
{
    for (int pos = 0; pos < T; pos++) {
        for (int i = 0; 2 * i < d; i++) {
            /* Computed in double and rounded once: the table is the
             * paper's formula, not an accumulation of float errors. */
            double angle = pos / pow(10000.0, (2.0 * i) / d);
            pe[pos * d + 2 * i] = (float)sin(angle);
            if (2 * i + 1 < d)
                pe[pos * d + 2 * i + 1] = (float)cos(angle);
        }
    }
}
