/* loss.c — argmax and cross-entropy of a row of logits. */
#include "model/loss.h"

#include <math.h>

int loss_argmax(const float *x, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

double loss_log_sum_exp(const float *x, int n)
{
    /* log Σ exp(x) = max + log Σ exp(x − max): no overflow, as in softmax. */
    double max = x[0], sum = 0.0;
    for (int i = 1; i < n; i++)
        if (x[i] > max)
            max = x[i];
    for (int i = 0; i < n; i++)
        sum += exp((double)x[i] - max);
    return max + log(sum);
}

double loss_cross_entropy(const float *logits, int V, int target)
{
    return loss_log_sum_exp(logits, V) - (double)logits[target];
}
