/* softmax_backward.c — the gradient of the row-wise softmax.
 *
 * With y = softmax(x), ∂y_i/∂x_j = y_i·(δ_ij − y_j), so
 *   dx_i = Σ_j dout_j · y_j·(δ_ij − y_i) = y_i · (dout_i − Σ_j y_j·dout_j).
 * Only the forward's output is needed; the row's dot product is summed in
 * double, like the forward's normaliser. */
#include "core/backward.h"

#include <stddef.h>

void softmax_backward(float *dx, const float *dout, const float *y, int rows, int cols)
{
    for (int r = 0; r < rows; r++) {
        const float *y_row = y + (size_t)r * cols;        /* (cols) */
        const float *dout_row = dout + (size_t)r * cols;  /* (cols) */
        float *dx_row = dx + (size_t)r * cols;            /* (cols) */

        /* Masked keys (y exactly 0) are left out of the sum, not added as
         * 0·dout: their output does not depend on x at all, and 0·∞ would
         * make the whole row NaN. */
        double dot = 0.0;
        for (int c = 0; c < cols; c++)
            if (y_row[c] != 0.0f)
                dot += (double)y_row[c] * dout_row[c];

        for (int c = 0; c < cols; c++) {
            /* A masked key gets exactly no gradient (not 0·(dout − dot),
             * which is NaN when dout is infinite there). A fully masked row
             * is all zeros and so is left untouched. */
            if (y_row[c] == 0.0f)
                continue;
            dx_row[c] = (float)(dx_row[c] + y_row[c] * (dout_row[c] - dot));
        }
    }
}
