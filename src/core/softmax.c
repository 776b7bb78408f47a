/* softmax.c — row-wise softmax, the step that turns attention scores into
 * weights that sum to 1. */
#include "core/ops.h"

#include <math.h>
#include <stddef.h>

void softmax_forward(float *out, const float *x, int rows, int cols)
{
    for (int r = 0; r < rows; r++) {
        const float *x_row = x + (size_t)r * cols;   /* (cols) */
        float *out_row = out + (size_t)r * cols;     /* (cols), may be x_row */

        /* softmax(x) = softmax(x − c) for any c; with c = max every exponent
         * is ≤ 0, so expf never overflows, and the largest term is exactly 1.
         * A NaN anywhere becomes the "max" and poisons the row, as in PyTorch,
         * so a bug upstream shows up instead of hiding. */
        float max = -INFINITY;
        for (int c = 0; c < cols; c++)
            if (x_row[c] > max || isnan(x_row[c]))
                max = x_row[c];

        if (max == -INFINITY) {
            /* Every key is masked: nothing to attend to. PyTorch gives NaN
             * here (0/0); we give zeros so no NaN leaks into later layers. */
            for (int c = 0; c < cols; c++)
                out_row[c] = 0.0f;
            continue;
        }

        /* A masked −∞ score gives expf(−∞) = +0.0 exactly: masked keys get
         * weight exactly 0, which −1e9 would only approximate. The sum is
         * kept in double so that long rows do not lose the small terms. */
        double sum = 0.0;
        for (int c = 0; c < cols; c++) {
            float e = expf(x_row[c] - max);
            out_row[c] = e;
            sum += e;
        }
        /* One reciprocal, then a multiply per entry, as PyTorch's CPU kernel
         * does (_vec_softmax_lastdim in aten/src/ATen/native/cpu/SoftMaxKernel.cpp). */
        float inv_sum = (float)(1.0 / sum);
        for (int c = 0; c < cols; c++)
            out_row[c] *= inv_sum;
    }
}
