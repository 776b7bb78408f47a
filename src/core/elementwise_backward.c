/* elementwise_backward.c — gradients of residual adds, scaling and the
 * token embedding (a row lookup, then a scale). */
#include "core/backward.h"

#include <math.h>
#include <stddef.h>

void add_backward(float *da, float *db, const float *dout, size_t n)
{
    /* A sum passes its gradient unchanged to both inputs: this is why a
     * residual connection gives every layer a direct path to the loss. */
    if (da)
        for (size_t i = 0; i < n; i++)
            da[i] += dout[i];
    if (db)
        for (size_t i = 0; i < n; i++)
            db[i] += dout[i];
}

void scale_backward(float *dx, const float *dout, float s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dx[i] += dout[i] * s;
}

void embedding_backward(float *dtable, const float *dout, const int *ids, int T, int d)
{
    /* The same float √d the forward multiplied by (sqrtf, not a double):
     * the gradient is of the function the forward actually computed. */
    const float s = sqrtf((float)d);
    for (int t = 0; t < T; t++) {
        /* A scatter-add: rows of repeated tokens pile up in one table row. */
        float *row = dtable + (size_t)ids[t] * d;      /* (d) */
        scale_backward(row, dout + (size_t)t * d, s, (size_t)d);
    }
}
